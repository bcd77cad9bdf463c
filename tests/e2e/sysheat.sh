#!/bin/sh
# sysheat's behaviour: row counts, the four formats, options, errors,
# signals, /proc parsing on fixtures (SYSHEAT_PROC) and the example.
# Temperatures are tested with real libsensors in sysheat_sensors.sh.
. "$LI_TOP/tests/lib.sh"
LD_LIBRARY_PATH=$WORK/none; export LD_LIBRARY_PATH	# no NVML here

HDR='time,cpu_temp,gpu_temp,cpu_pct,mem_pct,disk_pct,net_rx_bytes_s,net_tx_bytes_s'
TIME_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
NUM='-?[0-9]+(\.[0-9]+)?'
# A temperature: a number, empty (unknown) or '-' (no such device).
TEMP="($NUM|-)?"

# ---- CSV: one header, exactly COUNT rows --------------------------------
sysheat -n 3 -i 0.1 >three.csv 2>three.err
check "-n 3: exit 0" test $? -eq 0
check "-n 3: nothing on stderr" test ! -s three.err
check "-n 3: header and 3 rows" test "$(wc -l <three.csv)" -eq 4
check "-n 3: the contract's header" test "$(head -n 1 three.csv)" = "$HDR"
check "-n 3: header once" test "$(grep -c '^time,' three.csv)" -eq 1
# The machine's own /proc: temperatures unknown here (no sensors), CPU,
# memory and disk known.
check "-n 3: rows are well formed" sh -c "sed 1d three.csv |
    grep -Ev '^$TIME_RE,$TEMP,$TEMP,[0-9.]+,[0-9.]+,[0-9.]+,[0-9]+,[0-9]+\$' |
    wc -l | grep -qx 0"

# ---- JSON lines: the same fields ---------------------------------------
sysheat -n 3 -i 0.1 --format json >three.json
check "json: 3 lines" test "$(wc -l <three.json)" -eq 3
if [ -x /usr/bin/python3 ]; then
	check "json: each line parses, with the CSV's fields in order" \
	    /usr/bin/python3 -c '
import json, sys
hdr = sys.argv[1].split(",")
for line in open(sys.argv[2]):
    d = json.loads(line)
    # An absent device (no GPU) has no key; the rest keep their order.
    assert list(d) == [k for k in hdr if k in d], list(d)
    assert set(hdr) - set(d) <= {"cpu_temp", "gpu_temp"}, list(d)
    for k in d:
        if k != "time":
            assert d[k] is None or isinstance(d[k], (int, float)), (k, d[k])
' "$HDR" three.json
else
	skip "json: each line parses" "no /usr/bin/python3"
fi

# ---- influx line protocol ----------------------------------------------
sysheat -n 2 -i 0.1 --format influx >two.influx
check "influx: 2 lines" test "$(wc -l <two.influx)" -eq 2
check "influx: lines parse" sh -c "grep -Evc '^sysheat(,host=([^ ,=\\\\]|\\\\.)+)? [a-z_]+=$NUM(,[a-z_]+=$NUM)* [0-9]{19}\$' two.influx | grep -qx 0"
check "influx: no unknown field written" sh -c "! grep -q 'cpu_temp=' two.influx"

# ---- Prometheus textfile -----------------------------------------------
mkdir tf
sysheat -n 1 -i 0.1 --format prom -o tf/sysheat.prom >prom.out 2>prom.err
check "prom: exit 0" test $? -eq 0
check "prom: nothing on stdout or stderr" test ! -s prom.out -a ! -s prom.err
check "prom: only the file in its directory" test "$(ls -A tf)" = sysheat.prom
# 9 metrics, less the temperatures of absent devices (no series at all).
absent=$(sysheat -n 1 -i 0.05 | tail -n 1 | cut -d, -f2,3 | tr -cd - | wc -c)
METRICS=$((9 - absent))
check "prom: HELP and TYPE for $METRICS metrics ($absent devices absent)" \
    test "$(grep -c '^# TYPE ' tf/sysheat.prom)" -eq $METRICS
check "prom: lines parse, no timestamps" sh -c "grep -Ev '^(# (HELP|TYPE) sysheat_[a-z_]+ .+|sysheat_[a-z_]+(\\{mountpoint=\"[^\"]*\"\\})? $NUM(e[-+][0-9]+)?)\$' tf/sysheat.prom | wc -l | grep -qx 0"
check_grep "prom: memory ratio" '^sysheat_memory_usage_ratio 0\.[0-9]+$' tf/sysheat.prom
check_grep "prom: disk ratio of /" '^sysheat_filesystem_usage_ratio\{mountpoint="/"\} ' tf/sysheat.prom
check "prom: no temperature sample here" sh -c "! grep -q '^sysheat_cpu_temperature_celsius ' tf/sysheat.prom"

# A reader never sees half a file while sysheat replaces it 300 times.
sysheat -n 300 -i 0.01 --format prom -o tf/fast.prom 2>fast.err &
pid=$!
reads=0 torn=0
while kill -0 $pid 2>/dev/null; do
	[ -f tf/fast.prom ] || continue
	n=$(grep -c '^# TYPE ' tf/fast.prom)
	reads=$((reads + 1))
	[ "$n" -eq $METRICS ] || torn=$((torn + 1))
done
wait $pid
check "prom -o: 300 replacements: exit 0" test $? -eq 0
check "prom -o: $reads reads, none torn" test "$torn" -eq 0 -a "$reads" -gt 0
check "prom -o: no temp files left" test "$(ls -A tf | tr '\n' ' ')" = "fast.prom sysheat.prom "

# -o with CSV: the file is a whole CSV, header and the latest row.
sysheat -n 2 -i 0.05 -o latest.csv
check "csv -o: header and one row" test "$(wc -l <latest.csv)" -eq 2 -a \
    "$(head -n 1 latest.csv)" = "$HDR"

# ---- /proc fixtures ----------------------------------------------------
mkdir -p p/net
printf 'cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1 1 1 1\n' >p/stat
printf 'MemTotal: 8000 kB\nMemFree: 10 kB\nMemAvailable: 2000 kB\n' >p/meminfo
cat >p/net/dev <<'EOF'
Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  5000 1 0 0 0 0 0 0  5000 1 0 0 0 0 0 0
  eth0:  1000 1 0 0 0 0 0 0  2000 1 0 0 0 0 0 0
  eth1:   100 1 0 0 0 0 0 0   100 1 0 0 0 0 0 0
EOF
SYSHEAT_PROC=$WORK/p sysheat -n 2 -i 0.05 >fix.csv 2>fix.err
check "fixture: exit 0" test $? -eq 0
check "fixture: silent" test ! -s fix.err
# No tick elapsed in a frozen /proc/stat: CPU % unknown, not 0.
check "fixture: mem 75.0, cpu unknown, net 0" \
    test "$(tail -n 1 fix.csv | cut -d, -f4,5,7,8)" = ",75.0,0,0"

# Counters that move between two samples: exactly one interval sees the
# change, and its CPU % and rx:tx ratio follow from the deltas alone.
move() {	# replace a fixture file by rename
	printf "$2" >"$1.new" && mv "$1.new" "$1"
}
: >mv.csv
SYSHEAT_PROC=$WORK/p sysheat -n 10 -i 0.25 >>mv.csv 2>mv.err &
pid=$!
wait_for 5 sh -c '[ "$(wc -l <mv.csv)" -ge 3 ]'
move p/stat 'cpu  125 0 100 875 0 0 0 0 0 0\n'
move p/net/dev 'h\nh\n lo: 9000 1 0 0 0 0 0 0 9000 1 0 0 0 0 0 0\n eth0: 3001000 2 0 0 0 0 0 0 1002000 2 0 0 0 0 0 0\n eth1: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n'
wait $pid
check "moving /proc: exit 0" test $? -eq 0
check "moving /proc: 10 rows" test "$(sed 1d mv.csv | wc -l)" -eq 10
check "moving /proc: one interval with 25% CPU" \
    test "$(cut -d, -f4 mv.csv | grep -c '^25\.0$')" -eq 1
check "moving /proc: CPU unknown in the others" \
    test "$(sed 1d mv.csv | cut -d, -f4 | grep -c '^$')" -eq 9
awk -F, 'NR > 1 && $7 > 0 { n++; r = $7 / $8 } END { printf "%d %.2f\n", n, r }' mv.csv >ratio
check "moving /proc: one interval with traffic, rx:tx 3:1 (lo left out)" \
    test "$(cat ratio)" = "1 3.00"

# --iface: only that interface; one that does not exist is said once.
SYSHEAT_PROC=$WORK/p sysheat -n 1 -i 0.05 --iface eth1 --iface lo >if.csv 2>if.err
check "--iface eth1 --iface lo: silent" test ! -s if.err
check "--iface eth1 --iface lo: known" \
    test "$(tail -n 1 if.csv | cut -d, -f7,8)" = "0,0"
SYSHEAT_PROC=$WORK/p sysheat -n 2 -i 0.05 --iface nope >nope.csv 2>nope.err
check "--iface nope: exit 0" test $? -eq 0
check_same "--iface nope: said once" - nope.err <<'EOF'
sysheat: --iface nope: no such interface
EOF
check "--iface nope: network unknown" \
    test "$(tail -n 1 nope.csv | cut -d, -f7,8)" = ","

# Malformed, truncated and missing /proc files: unknown fields, the place
# named once, a count at the end, exit 0.
mkdir -p bad/net
printf 'cpu  100 2\n' >bad/stat
printf 'MemTotal: lots kB\nMemAvailable: 10 kB\n' >bad/meminfo
SYSHEAT_PROC=$WORK/bad sysheat -n 2 -i 0.05 >bad.csv 2>bad.err
check "bad /proc: exit 0" test $? -eq 0
check "bad /proc: header and 2 rows" test "$(wc -l <bad.csv)" -eq 3
check "bad /proc: cpu, mem, net unknown; disk known" sh -c \
    "tail -n 1 bad.csv | grep -Eq '^$TIME_RE,$TEMP,$TEMP,,,[0-9.]+,,\$'"
cat >bad.want <<EOF
sysheat: $WORK/bad/stat:1: malformed line
sysheat: $WORK/bad/net/dev: No such file or directory
sysheat: $WORK/bad/meminfo:1: malformed line
sysheat: $WORK/bad/stat: 3 malformed lines
sysheat: $WORK/bad/meminfo: 2 malformed lines
sysheat: $WORK/bad/net/dev: unreadable 3 times
EOF
check_same "bad /proc: each place named once, then counted" bad.want bad.err
SYSHEAT_PROC=$WORK/bad sysheat -q -n 1 -i 0.05 >/dev/null 2>badq.err
check "bad /proc: -q is quiet" test ! -s badq.err
# Hostile: a huge binary file, a /proc/stat line that never ends.
head -c 300000 /dev/urandom >bad/stat
cp bad/stat bad/meminfo
mkdir -p bad/net && cp bad/stat bad/net/dev
SYSHEAT_PROC=$WORK/bad sysheat -n 1 -i 0.05 >rand.csv 2>rand.err
check "random /proc: exit 0, one row" test $? -eq 0 -a "$(wc -l <rand.csv)" -eq 2

# Thousands of interfaces (containers): the first 1024 are kept, and that
# is said once.
mkdir -p many/net
cp p/stat p/meminfo many/
awk 'BEGIN { print "h"; print "h"; for (i = 0; i < 2000; i++)
    printf "veth%d: 1 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0\n", i }' >many/net/dev
SYSHEAT_PROC=$WORK/many sysheat -n 2 -i 0.05 >many.csv 2>many.err
check "2000 interfaces: exit 0, rates known" \
    test $? -eq 0 -a "$(tail -n 1 many.csv | cut -d, -f7,8)" = "0,0"
check_same "2000 interfaces: said once" - many.err <<EOF
sysheat: $WORK/many/net/dev: more than 1024 interfaces, the rest ignored
EOF

# ---- options and errors ------------------------------------------------
usage_err() {	# NAME MESSAGE ARGS...: exit 2, MESSAGE, Try
	u_name=$1 u_msg=$2; shift 2
	printf "%s\n" "$u_msg" >u.want
	cat >>u.want <<'EOF'
Try 'sysheat --help'.
EOF
	sysheat "$@" >u.out 2>u.err
	check "$u_name: exit 2" test $? -eq 2
	check_same "$u_name: message" u.want u.err
}
usage_err "unknown option" "sysheat: unknown option '-x'" -x
usage_err "unknown long option" "sysheat: unknown option '--frobnicate'" --frobnicate
usage_err "missing argument" "sysheat: option '-i' needs a value" -i
usage_err "bad interval" "sysheat: -i: '1parsec' is not a duration" -i 1parsec
usage_err "zero interval" "sysheat: -i: 0 is out of range (1ms to 1d)" -i 0
usage_err "bad count" "sysheat: -n: -1 is out of range (0 to 9223372036854775807)" -n -1
usage_err "bad format" "sysheat: --format: 'xml' is not csv, json, prom or influx" --format xml
usage_err "-F (retired) names --format" "sysheat: option '-F' is retired: use --format (-F is the Kafka configuration file)" -F json
usage_err "stray argument" "sysheat: unexpected argument 'now'" now
usage_err "long interface" "sysheat: --iface: 'abcdefghijklmnopqrstuvwxyz0123456789' is not an interface name" --iface abcdefghijklmnopqrstuvwxyz0123456789
sysheat --disk /no/such/dir -n 1 >d.out 2>d.err
check "--disk missing: exit 2" test $? -eq 2
check_same "--disk missing: message" - d.err <<'EOF'
sysheat: --disk /no/such/dir: No such file or directory
EOF
check "--help: stdout, exit 0" sh -c 'sysheat --help | grep -q "^Usage: sysheat"'
check "--version" test "$(sysheat --version)" = "sysheat 0.2.0"

sysheat -n 1 -i 0.05 >/dev/full 2>full.err
check "/dev/full: exit 1" test $? -eq 1
check_same "/dev/full: message" - full.err <<'EOF'
sysheat: stdout: No space left on device
EOF
sysheat -n 1 -i 0.05 --format prom -o /no/such/dir/x.prom 2>nodir.err
check "-o in a missing directory: exit 1" test $? -eq 1
check_same "-o in a missing directory: message" - nodir.err <<'EOF'
sysheat: /no/such/dir/x.prom: No such file or directory
EOF

# ---- signals and readers -----------------------------------------------
for sig in TERM INT; do
	: >sig.csv
	sysheat -i 0.1 >>sig.csv 2>sig.err &
	pid=$!
	wait_for 5 sh -c '[ "$(wc -l <sig.csv)" -ge 3 ]'
	kill -$sig $pid
	wait $pid
	check "SIG$sig: exit 0" test $? -eq 0
	check "SIG$sig: silent" test ! -s sig.err
	check "SIG$sig: output ends with a whole row" sh -c \
	    "tail -c 1 sig.csv | od -An -c | grep -q '\\\\n' && tail -n 1 sig.csv | grep -Eq '^$TIME_RE,'"
done
: >usr1.csv
sysheat -i 0.1 >>usr1.csv 2>usr1.err &
pid=$!
wait_for 5 sh -c '[ "$(wc -l <usr1.csv)" -ge 3 ]'
kill -USR1 $pid
wait_for 5 test -s usr1.err
kill -TERM $pid
wait $pid
check_grep "SIGUSR1: counters on stderr" '^sysheat: [0-9]+ samples?, [0-9]+ late ticks? skipped$' usr1.err

# Stopped for 0.6 s: the missed ticks are skipped, not burst, and -v
# counts them; the run still has exactly its 8 samples.
: >stop.csv
sysheat -v -n 8 -i 0.1 >>stop.csv 2>stop.err &
pid=$!
wait_for 5 sh -c '[ "$(wc -l <stop.csv)" -ge 3 ]'
kill -STOP $pid; sleep 0.6; kill -CONT $pid
wait $pid
check "stopped: exit 0, 8 rows" test $? -eq 0 -a "$(wc -l <stop.csv)" -eq 9
check "stopped: at least 4 late ticks skipped" sh -c \
    "tail -n 1 stop.err | awk '/^sysheat: 8 samples, [0-9]+ late ticks skipped\$/ { exit !(\$4 >= 4) } { exit 1 }'"

# The reader goes away: sysheat ends quietly, nothing hangs.
timeout 10 sh -c 'sysheat -i 0.05 2>hd.err | head -n 2 >hd.csv'
check "| head -n 2: ends" test $? -eq 0
check "| head -n 2: quiet" test ! -s hd.err
check "| head -n 2: header and a row" test "$(wc -l <hd.csv)" -eq 2

# ---- examples ----------------------------------------------------------
mkdir textfile
sh "$LI_TOP/examples/sysheat-textfile.sh" "$WORK/textfile" 2>ex.err
check "examples/sysheat-textfile.sh: exit 0" test $? -eq 0
check_grep "examples/sysheat-textfile.sh: writes the metrics" \
    '^sysheat_cpu_usage_ratio [0-9.e-]+$' textfile/sysheat.prom
sysheat -n 5 -i 0.1 | render spark --value cpu_pct,mem_pct --suffix % >spark.out
check "sysheat | render spark: exit 0" test $? -eq 0
check_grep "sysheat | render spark: cpu_pct" '^cpu_pct +[0-9.]+%' spark.out
check_grep "sysheat | render spark: mem_pct" '^mem_pct +[0-9.]+%' spark.out
timeout 20 sh -c "sysheat -n 3 -i 0.1 | alertd -r '$LI_TOP/examples/liveinsight.rules' >al.out"
check "sysheat | alertd -r examples/liveinsight.rules" test $? -eq 0
done_testing
