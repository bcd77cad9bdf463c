#!/bin/sh
# alertd on sysheat samples: events on changes, for=/keep_firing_for=/
# repeat= on event time, --once for cron, bad rules, bad input, bad usage.
. "$LI_TOP/tests/lib.sh"
# Event times are local (TZ) with their offset: the expected ones are UTC.
TZ=UTC; export TZ
R=$LI_TOP/examples/liveinsight.rules
S=$LI_TOP/examples/alertd-samples.csv

# The example fixture is what sysheat writes on a machine that heats up
# and cools down: CPU warning, critical, back to warning, resolved.
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:00:10Z,firing,cpu_temp,warning,cpu_temp,71,cpu_temp 71 > 70
2026-11-23T10:00:15Z,firing,gpu_temp,warning,gpu_temp,76,gpu_temp 76 > 75
2026-11-23T10:00:20Z,firing,cpu_temp,critical,cpu_temp,82,cpu_temp 82 > 80
2026-11-23T10:00:30Z,firing,cpu_temp,warning,cpu_temp,79,cpu_temp 79 > 70
2026-11-23T10:00:30Z,resolved,gpu_temp,warning,gpu_temp,74,gpu_temp 74 ok
2026-11-23T10:00:40Z,resolved,cpu_temp,warning,cpu_temp,64,cpu_temp 64 ok
E
cat "$S" | alertd -r "$R" --clock=input >out 2>err
check "samples on stdin: exit 0" test $? -eq 0
check_same "samples on stdin: the exact events" want out
check "samples on stdin: nothing on stderr" test ! -s err
alertd -r "$R" --clock=input --input "$S" >out 2>err
check_same "samples with --input FILE: the same events" want out

# A FIFO, written by a slow writer.
mkfifo samples.fifo
( head -n 4 "$S"; sleep 0.2; tail -n +5 "$S" ) >samples.fifo &
alertd -r "$R" --clock=input --input samples.fifo >out 2>err
check_same "samples from a FIFO: the same events" want out

alertd -r "$R" --clock=input --format json <"$S" >out
cat >want <<'E'
{"time":"2026-11-23T10:00:10Z","status":"firing","alert":"cpu_temp","severity":"warning","key":"cpu_temp","value":71,"message":"cpu_temp 71 > 70"}
E
head -n 1 out >got
check_same "--format json: one object per line, no header" want got
check "--format json: 6 lines" test "$(wc -l <out)" -eq 6

# for=, keep_firing_for=, repeat= on the samples' own clock.
echo 'cpu sample cpu_temp warn>70 crit>80 for=10s keep_firing_for=10s' >for.rules
alertd -r for.rules --clock=input <"$S" >out
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:00:20Z,firing,cpu,critical,cpu_temp,82,cpu_temp 82 > 80
2026-11-23T10:00:30Z,firing,cpu,warning,cpu_temp,79,cpu_temp 79 > 70
2026-11-23T10:00:45Z,resolved,cpu,warning,cpu_temp,57.5,cpu_temp 57.5 ok
E
check_same "for=10s waits, keep_firing_for=10s holds" want out
echo 'cpu sample cpu_temp warn>70 crit>80 repeat=5s' >rep.rules
alertd -r rep.rules --clock=input <"$S" >out
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:00:10Z,firing,cpu,warning,cpu_temp,71,cpu_temp 71 > 70
2026-11-23T10:00:15Z,firing,cpu,warning,cpu_temp,76.5,cpu_temp 76.5 > 70
2026-11-23T10:00:20Z,firing,cpu,critical,cpu_temp,82,cpu_temp 82 > 80
2026-11-23T10:00:25Z,firing,cpu,critical,cpu_temp,84.5,cpu_temp 84.5 > 80
2026-11-23T10:00:30Z,firing,cpu,warning,cpu_temp,79,cpu_temp 79 > 70
2026-11-23T10:00:35Z,firing,cpu,warning,cpu_temp,72,cpu_temp 72 > 70
2026-11-23T10:00:40Z,resolved,cpu,warning,cpu_temp,64,cpu_temp 64 ok
E
check_same "repeat=5s re-announces a firing alert" want out

# Nagios ranges and a message template.
echo 'pct sample cpu_pct warn=~:80 crit=@95:100 message="CPU busy: {value}% ({severity}, {threshold})"' >range.rules
alertd -r range.rules --clock=input <"$S" >out
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:00:10Z,firing,pct,warning,cpu_pct,85.5,"CPU busy: 85.5% (warning, ~:80)"
2026-11-23T10:00:15Z,firing,pct,critical,cpu_pct,97,"CPU busy: 97% (critical, @95:100)"
2026-11-23T10:00:30Z,firing,pct,warning,cpu_pct,90,"CPU busy: 90% (warning, ~:80)"
2026-11-23T10:00:35Z,resolved,pct,warning,cpu_pct,60,"CPU busy: 60% (warning, ~:80)"
E
check_same "Nagios ranges, message template" want out

# --once: a Nagios status line and exit 0/1/2/3.
head -n 2 "$S" | alertd -r "$R" --once >out
check "--once ok: exit 0" test $? -eq 0
echo 'LIVEINSIGHT OK - 2 ok | cpu_temp=58;70;80 gpu_temp=61;75;85' >want
check_same "--once ok: status line" want out
head -n 4 "$S" | alertd -r "$R" --once >out
check "--once warning: exit 1" test $? -eq 1
echo 'LIVEINSIGHT WARNING - 1 warning, 1 ok: cpu_temp=71 WARNING | cpu_temp=71;70;80 gpu_temp=70;75;85' >want
check_same "--once warning: status line" want out
alertd -r "$R" --once --input "$S" >out
check "--once after the whole file: ok, exit 0" test $? -eq 0
head -n 7 "$S" | alertd -r "$R" --once >out
check "--once critical (GPU unknown): exit 2" test $? -eq 2
echo 'LIVEINSIGHT CRITICAL - 1 critical, 1 unknown: cpu_temp=84.5 CRITICAL, gpu_temp=unknown | cpu_temp=84.5;70;80' >want
check_same "--once critical: status line" want out
printf '%s\n' 'time,cpu_temp,gpu_temp,cpu_pct,mem_pct,disk_pct,net_rx_bytes_s,net_tx_bytes_s' \
    '2026-11-23T10:00:00Z,,,3.0,40.0,50.0,,' | alertd -r "$R" --once >out
check "--once without sensors: unknown, exit 3" test $? -eq 3
echo 'LIVEINSIGHT UNKNOWN - 2 unknown: cpu_temp=unknown, gpu_temp=unknown' >want
check_same "--once unknown: status line" want out
alertd -r "$R" --once </dev/null >out
check "--once with no input at all: exit 3" test $? -eq 3
# An absent device ("-", sysheat on a host with no GPU) is not unknown:
# its rule is left out with a note; an empty field (a present device that
# could not be read) stays UNKNOWN.
H='time,cpu_temp,gpu_temp,cpu_pct,mem_pct,disk_pct,net_rx_bytes_s,net_tx_bytes_s'
printf '%s\n' "$H" '2026-11-23T10:00:00Z,45.0,-,3.0,40.0,50.0,,' |
    alertd -r "$R" --once >out 2>err
check "--once, no GPU and a cool CPU: OK, exit 0" test $? -eq 0
echo 'LIVEINSIGHT OK - 1 ok; gpu_temp: not present | cpu_temp=45;70;80' >want
check_same "--once, no GPU: the note names the rule" want out
check "--once, no GPU: '-' is not malformed" test ! -s err
printf '%s\n' "$H" '2026-11-23T10:00:00Z,82.0, - ,3.0,40.0,50.0,,' |
    alertd -r "$R" --once >out
check "--once, no GPU and a hot CPU: CRITICAL from the CPU, exit 2" test $? -eq 2
echo 'LIVEINSIGHT CRITICAL - 1 critical: cpu_temp=82 CRITICAL; gpu_temp: not present | cpu_temp=82;70;80' >want
check_same "--once, no GPU and a hot CPU: status line" want out
printf '%s\n' "$H" '2026-11-23T10:00:00Z,45.0,,3.0,40.0,50.0,,' |
    alertd -r "$R" --once >out
check "--once, a GPU that could not be read: UNKNOWN, exit 3" test $? -eq 3
printf '%s\n' "$H" '2026-11-23T10:00:00Z,-,-,3.0,40.0,50.0,,' |
    alertd -r "$R" --once >out
check "--once, nothing present: UNKNOWN, exit 3" test $? -eq 3
echo 'LIVEINSIGHT UNKNOWN - nothing present to check; cpu_temp: not present, gpu_temp: not present' >want
check_same "--once, nothing present: says so" want out
printf '%s\n' "$H" '2026-11-23T10:00:00Z,45.0,-,3.0,40.0,50.0,,' \
    '2026-11-23T10:00:05Z,85.0,-,3.0,40.0,50.0,,' |
    alertd -r "$R" --clock=input >out 2>err
check "an absent GPU gives no event" test "$(grep -c gpu_temp out)" -eq 0
check_grep "the CPU fires beside it" ',firing,cpu_temp,critical,' out

# Perfdata says which side alerts (Nagios plugin guidelines), for every
# comparison, and each fires on its own side only.
printf '%s\n' 'gt sample x warn>5 crit>-1' 'ge sample x warn>=7' \
    'lt sample x warn<8' 'le sample x warn<=6 crit<=2' >sides.rules
printf 'time,x\n2026-11-23T10:00:00Z,7\n' | alertd -r sides.rules --once >out
check "perfdata sides: exit 2 (x=7 > -1 is critical)" test $? -eq 2
echo 'LIVEINSIGHT CRITICAL - 1 critical, 2 warning, 1 ok: gt=7 CRITICAL, ge=7 WARNING, lt=7 WARNING | gt=7;5;~:-1 ge=7;@7:; lt=7;8:; le=7;@~:6;@~:2' >want
check_same "perfdata sides: > t, >= @t:, < t:, <= @~:t" want out
printf 'time,x\n2026-11-23T10:00:00Z,2\n' | alertd -r sides.rules --once >out
echo 'LIVEINSIGHT CRITICAL - 2 critical, 1 warning, 1 ok: gt=2 CRITICAL, lt=2 WARNING, le=2 CRITICAL | gt=2;5;~:-1 ge=2;@7:; lt=2;8:; le=2;@~:6;@~:2' >want
check_same "perfdata sides: the low side" want out

# Event times are in the local time of TZ, with the UTC offset; an input
# time with an offset is read as the instant it names.
printf '%s\n' 'time,cpu_temp' '2026-11-23T18:40:00Z,85' \
    '2026-11-24T00:15:00+05:30,60' >tz.csv
TZ=Asia/Kolkata alertd -r "$R" --clock=input --input tz.csv >out
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-24T00:10:00+05:30,firing,cpu_temp,critical,cpu_temp,85,cpu_temp 85 > 80
2026-11-24T00:15:00+05:30,resolved,cpu_temp,critical,cpu_temp,60,cpu_temp 60 ok
E
check_same "TZ=Asia/Kolkata: local times across midnight, +05:30" want out
TZ=America/New_York alertd -r "$R" --clock=input --format json --input tz.csv >out
check_grep "TZ=America/New_York: -05:00 (JSON too)" \
    '^\{"time":"2026-11-23T13:40:00-05:00","status":"firing"' out
check_grep "TZ=America/New_York: the offset time read as its instant" \
    '^\{"time":"2026-11-23T13:45:00-05:00","status":"resolved"' out
# The other zone forms lib/timefield reads name their instants too.
printf '%s\n' 'time,cpu_temp' '2026-11-24T00:10:00+0530,85' \
    '2026-11-23T13:45:00-05,60' >tz2.csv
TZ=Asia/Kolkata alertd -r "$R" --clock=input --input tz2.csv >out
check_same "+0530 and -05 are read as the instants they name" want out
mkfifo tzlive
TZ=Asia/Kolkata alertd -r "$R" --input tzlive >out 2>err 3>&- &
pid=$!
exec 3>tzlive
printf 'time,cpu_temp\n2026-11-23T18:40:00Z,90\n' >&3
wait_for 5 grep -q ',firing,' out
check_grep "TZ=Asia/Kolkata: a wall-clock event time ends in +05:30" \
    '^[0-9-]+T[0-9:]+\+05:30,firing,cpu_temp,' out
exec 3>&-
wait $pid

# hysteresis=: a firing alert holds its level until the value is clear of
# the threshold by the band (70 - 10% = 63).
printf 'hot sample t warn>70 hysteresis=10%%\n' >hyst.rules
printf '%s\n' time,t 2026-11-23T10:00:00Z,75 2026-11-23T10:00:01Z,72 \
    2026-11-23T10:00:02Z,65 2026-11-23T10:00:03Z,71 2026-11-23T10:00:04Z,62 \
    2026-11-23T10:00:05Z,69 2026-11-23T10:00:06Z,71 |
    alertd -r hyst.rules --clock=input >out
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:00:00Z,firing,hot,warning,t,75,t 75 > 70
2026-11-23T10:00:04Z,resolved,hot,warning,t,62,t 62 ok
2026-11-23T10:00:06Z,firing,hot,warning,t,71,t 71 > 70
E
check_same "hysteresis=10%: held within the band, resolved past it" want out

# A malformed rules file names file:line and exits 2 (3 under --once).
printf '# rules\ncpu sample cpu_temp warn>70\ngpu sample gpu_temp warn>>75\n' >bad.rules
alertd -r bad.rules </dev/null >out 2>err
check "malformed rule: exit 2" test $? -eq 2
echo "alertd: bad.rules:3: warn: bad threshold '>75': want a number, STAT or FACTOR*STAT (STAT: mean, median, min, max, sum, count)" >want
check_same "malformed rule: file:line and reason" want err
check "malformed rule: nothing on stdout" test ! -s out
alertd -r bad.rules --once </dev/null >out 2>err
check "malformed rule under --once: exit 3 (unknown)" test $? -eq 3
printf 'a sample x warn>1\na sample y warn>1\n' >dup.rules
check_fail "duplicate rule name: exit 2" 2 alertd -r dup.rules
alertd -r dup.rules 2>err </dev/null
echo "alertd: dup.rules:2: rule 'a' already defined on line 1" >want
check_same "duplicate rule name: message" want err
alertd -r no-such.rules 2>err </dev/null
echo "alertd: no-such.rules: No such file or directory" >want
check_same "missing rules file: message" want err

# Malformed input lines are counted and skipped, with their line numbers.
{
	head -n 3 "$S"
	echo '2026-11-23T10:00:07Z,70.5,63.0,48.0'
	echo 'yesterday,71.0,63.0,48.0,40.3,55.0,1200,800'
	echo '2026-11-23T10:00:08Z,hot,63.0,48.0,40.3,55.0,1200,800'
	echo '2026-11-23T10:00:09Z,"70.9"x,63.0,48.0,40.3,55.0,1200,800'
	tail -n +4 "$S"
} >bad.csv
alertd -r "$R" --clock=input -v <bad.csv >out 2>err
check "malformed lines: exit 0" test $? -eq 0
cat >want <<'E'
alertd: stdin:4: 4 fields, want 8
alertd: stdin:5: bad time 'yesterday'
alertd: stdin:6: cpu_temp: not a number 'hot'
alertd: stdin:7: malformed quoted field
alertd: stdin: 10 records, 4 malformed
alertd: 6 events
E
check_same "malformed lines: warnings with line numbers, counts" want err
alertd -r "$R" --clock=input -q <bad.csv >out 2>err
check "-q: no warnings" test ! -s err
printf 'when,what\n1,2\n' | alertd -r "$R" >out 2>err
echo "alertd: stdin:1: not a header of samples (time,...) or tick lines (tick,time,...): input ignored" >want
check_same "an unknown header is reported" want err

# Hostile input: a 100 KB line, binary bytes, a truncated last line.
{
	head -n 3 "$S"
	awk 'BEGIN { s = "2026-11-23T10:00:09Z,"; for (i = 0; i < 100000; i++) s = s "9"; print s }'
	printf '\001\377\000garbage\n'
	tail -n +4 "$S" | head -n 7
	printf '2026-11-23T10:00:46Z,99'
} >hostile.csv
alertd -r "$R" --clock=input -v <hostile.csv >out 2>err
check "hostile input: exit 0" test $? -eq 0
check_grep "hostile input: a long line is refused" '^alertd: stdin:4: record too long$' err
check_grep "hostile input: binary bytes are a malformed line" '^alertd: stdin:5: ' err
check_grep "hostile input: the truncated last line is malformed" '^alertd: stdin:13: 2 fields, want 8$' err
check_grep "hostile input: counted" '^alertd: stdin: 9 records, 3 malformed$' err
check_grep "hostile input: the good lines still alert" ',resolved,cpu_temp,warning,cpu_temp,64,' out
awk 'BEGIN { s = "x sample cpu_temp warn>1 message="; for (i = 0; i < 5000; i++) s = s "a"; print s }' >long.rules
alertd -r long.rules </dev/null 2>err
check "a rule line over 4096 bytes: exit 2" test $? -eq 2
echo "alertd: long.rules:1: line too long (max 4096 bytes)" >want
check_same "a rule line over 4096 bytes: message" want err
printf 'x sample cpu_temp warn>1 message="%s"\n' "$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "m" }')" >msg.rules
alertd -r msg.rules </dev/null 2>err
echo "alertd: msg.rules:1: message= too long (max 255 bytes)" >want
check_same "a message over 255 bytes: message" want err

# Write errors and usage.
alertd -r "$R" --clock=input <"$S" >/dev/full 2>err
check "> /dev/full: exit 1" test $? -eq 1
check_grep "> /dev/full: says so" '^alertd: stdout: No space left on device$' err
alertd </dev/null >out 2>err
check "no -r: exit 2" test $? -eq 2
printf 'alertd: no rules: give -r FILE\n' >want
head -n 1 err >got
check_same "no -r: the reason first" want got
check "no -r: one message, then Try --help" test "$(wc -l <err)" -eq 2
check_grep "no -r: Try --help" "^Try 'alertd --help'.\$" err
check_fail "--clock=later: exit 2" 2 --msg "^alertd: --clock: want wall or input, not 'later'\$" \
    alertd -r "$R" --clock=later
check_fail "--exec-timeout=0: exit 2" 2 --msg "^alertd: --exec-timeout: 0 is out of range" \
    alertd -r "$R" --exec true --exec-timeout 0
check_fail "--exec-jobs x: exit 2" 2 --msg "^alertd: --exec-jobs: 'x' is not" \
    alertd -r "$R" --exec true --exec-jobs x
check_fail "--format xml: exit 2" 2 --msg "^alertd: --format: want csv or json, not 'xml'\$" \
    alertd -r "$R" --format xml
# The spellings that changed in 0.2.0 fail and name the new one.
check_fail "-F (retired): exit 2" 2 \
    --msg "^alertd: option '-F' is retired: use --format" alertd -r "$R" -F json
check_fail "-i (retired): exit 2" 2 \
    --msg "^alertd: option '-i' is retired: use --input" alertd -r "$R" -i "$S"
check_fail "--dir (retired): exit 2" 2 \
    --msg "^alertd: option '--dir' is retired: use -d, --snapshots" \
    alertd -r "$R" --dir snap
check_fail "unknown option: exit 2" 2 --msg "^alertd: unknown option '-Z'\$" \
    alertd -r "$R" -Z
check_fail "-r without a value: exit 2" 2 --msg "^alertd: option '-r' needs a value\$" \
    alertd -r
check_fail "-h: exit 0" 0 --msg "^Usage: alertd -r rules" alertd -h
check_fail "--help >/dev/full: exit 1" 1 sh -c 'alertd --help >/dev/full'
check_fail "--version >/dev/full: exit 1" 1 sh -c 'alertd --version >/dev/full'
check_fail "bad option under --once: exit 3" 3 alertd --once -r "$R" --bogus
check_fail "--input missing file: exit 1" 1 alertd -r "$R" --input no-such.csv
mkdir adir
alertd -r "$R" --input "$S" --input adir >out 2>err
check "--input a directory: exit 1" test $? -eq 1
echo "alertd: adir: is a directory" >want
check_same "--input a directory: refused when opened" want err
check "--input a directory: refused before any input is read" test ! -s out
check_fail "--input a directory under --once: unknown, exit 3" 3 \
    alertd -r "$R" --once --input "$S" --input adir
# The rule examples of the man page parse.
sed -n '/^\.Ss Examples of rules/,/^\.Ed/p' "$LI_TOP/man/alertd.1" |
    sed -e '1,2d' -e '$d' -e 's/\\-/-/g' >man.rules
check "the man page has rule examples" test "$(wc -l <man.rules)" -ge 5
alertd -r man.rules --stock "$LI_TOP/examples/stock.csv" </dev/null >out 2>err
check "the man page's rule examples parse" test $? -eq 0

# The wall clock: events stamped now; SIGTERM ends the run cleanly.
mkfifo live
exec 3<>live
alertd -r "$R" --input live >out 2>err 3>&- &
pid=$!
at_exit "kill $pid 2>/dev/null"
head -n 1 "$S" >&3
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),90,,1,1,1,," >&3
wait_for 5 grep -q critical out
check_grep "wall clock: the event has the time now" \
    "^$(date -u +%Y-%m-%d)T[0-9:]+Z,firing,cpu_temp,critical,cpu_temp,90,cpu_temp 90 > 80\$" out
kill -TERM $pid
wait $pid
check "SIGTERM: exit 0" test $? -eq 0
check "SIGTERM: quiet" test ! -s err
exec 3>&-

# --reopen: a FIFO whose writer restarts (a new header) is read on.
mkfifo re
alertd -r "$R" --clock=input --reopen -v --input re >out 2>err &
pid=$!
at_exit "kill $pid 2>/dev/null"
sed -n '1p;6p' "$S" >re
wait_for 5 grep -q critical out
sed -n '1p;10p' "$S" >re
wait_for 5 grep -q resolved out
kill -TERM $pid
wait $pid
check "--reopen: exit 0 on SIGTERM" test $? -eq 0
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:00:20Z,firing,cpu_temp,critical,cpu_temp,82,cpu_temp 82 > 80
2026-11-23T10:00:20Z,firing,gpu_temp,warning,gpu_temp,79.5,gpu_temp 79.5 > 75
2026-11-23T10:00:40Z,resolved,cpu_temp,critical,cpu_temp,64,cpu_temp 64 ok
2026-11-23T10:00:40Z,resolved,gpu_temp,warning,gpu_temp,65,gpu_temp 65 ok
E
check_same "--reopen: both writers' samples" want out
check_grep "--reopen: -v says so" '^alertd: re: writer gone, open again$' err
check "--reopen: no malformed lines" grep -q '^alertd: re: [0-9]* records, 0 malformed$' err
# The header repeated mid-stream (a writer that restarted) is a header.
{ sed -n '1p;6p' "$S"; sed -n '1p;10p' "$S"; } | alertd -r "$R" --clock=input >out 2>err
check_same "a repeated header is taken as a header" want out
check "a repeated header: no warning" test ! -s err

# A reader that goes away: a quiet end.
alertd -r "$R" --clock=input <"$S" 2>err | head -n 2 >out
check "| head -n 2: two lines" test "$(wc -l <out)" -eq 2
check "| head -n 2: quiet" test ! -s err

alertd --version >out
echo "alertd 0.2.0" >want
check_same "--version" want out

done_testing
