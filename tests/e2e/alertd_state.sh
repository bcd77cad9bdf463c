#!/bin/sh
# alertd --state FILE: the active alerts as a file (lib/contract's active
# alerts), most severe first, replaced atomically at every change and
# restored at start: a restart re-announces nothing still firing, and what
# resolved while alertd was down resolves with an event.
. "$LI_TOP/tests/lib.sh"
TZ=UTC; export TZ

printf '%s\n' 'cpu_temp sample cpu_temp warn>70 crit>80' \
    'mem sample mem_pct warn>90' 'disk sample disk_pct warn>95' >r.rules
H=time,cpu_temp,mem_pct,disk_pct
printf '%s\n' "$H" '2026-11-23T10:00:00Z,60,50,50' \
    '2026-11-23T10:00:05Z,85,95,50' >s1.csv
alertd -r r.rules --clock=input --state active.csv --input s1.csv >out 2>err
check "run 1: exit 0" test $? -eq 0
check "run 1: two alerts fire" test "$(grep -c ',firing,' out)" -eq 2
cat >want <<'E'
alert,key,severity,since,value,threshold,message
cpu_temp,cpu_temp,critical,2026-11-23T10:00:05Z,85,80,cpu_temp 85 > 80
mem,mem_pct,warning,2026-11-23T10:00:05Z,95,90,mem_pct 95 > 90
E
check_same "run 1: the active set, most severe first" want active.csv
check "run 1: no temp file left beside it" test "$(ls | grep -c '^active')" -eq 1

# A restart with both still firing: nothing announced again.
printf '%s\n' "$H" '2026-11-23T10:10:00Z,86,96,50' >s2.csv
alertd -r r.rules --clock=input --state active.csv --input s2.csv >out 2>err
check "run 2: exit 0" test $? -eq 0
echo 'time,status,alert,severity,key,value,message' >want
check_same "run 2 (restart, still firing): no event" want out
check_grep "run 2: since kept from run 1" \
    '^cpu_temp,cpu_temp,critical,2026-11-23T10:00:05Z,' active.csv

# The memory came back while alertd was down: resolved with an event; the
# CPU goes from critical to warning.
printf '%s\n' "$H" '2026-11-23T10:20:00Z,75,40,50' >s3.csv
alertd -r r.rules --clock=input --state active.csv --input s3.csv >out 2>err
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:20:00Z,firing,cpu_temp,warning,cpu_temp,75,cpu_temp 75 > 70
2026-11-23T10:20:00Z,resolved,mem,warning,mem_pct,40,mem_pct 40 ok
E
check_same "run 3: resolved while down -> an event; a change of severity" want out
cat >want <<'E'
alert,key,severity,since,value,threshold,message
cpu_temp,cpu_temp,warning,2026-11-23T10:00:05Z,75,70,cpu_temp 75 > 70
E
check_same "run 3: the active set" want active.csv

# Everything resolved: the header alone.
printf '%s\n' "$H" '2026-11-23T10:30:00Z,50,40,50' |
    alertd -r r.rules --clock=input --state active.csv >out 2>err
echo 'alert,key,severity,since,value,threshold,message' >want
check_same "all resolved: the header alone" want active.csv

# A first run makes the file even when nothing fires.
printf '%s\n' "$H" '2026-11-23T10:30:00Z,50,40,50' |
    alertd -r r.rules --clock=input --state new.csv >out 2>err
check_same "first run, nothing firing: the header alone" want new.csv

# A rule gone from the rules file is dropped; a file that is not active
# alerts is refused.
printf 'alert,key,severity,since,value,threshold,message\nold,k,warning,2026-11-23T10:00:00Z,1,2,x\n' >gone.csv
printf '%s\n' "$H" '2026-11-23T10:30:00Z,50,40,50' |
    alertd -r r.rules --clock=input --state gone.csv >out 2>err
check "a rule no longer in the rules: exit 0" test $? -eq 0
echo 'alert,key,severity,since,value,threshold,message' >want
check_same "a rule no longer in the rules: dropped" want gone.csv
printf 'a,b\n1,2\n' >bad.csv
check_fail "--state on a file that is not active alerts: exit 1" 1 \
    --msg "^alertd: bad.csv:1: not active alerts: no column 'alert'" \
    alertd -r r.rules --state bad.csv --input s1.csv
mkdir adir
check_fail "--state in a directory that is a file's place: exit 1" 1 \
    --msg '^alertd: adir: ' alertd -r r.rules --state adir --input s1.csv
check_fail "--state with --once: a usage error (3 under --once)" 3 \
    --msg "^alertd: --once and --state do not go together" \
    alertd -r r.rules --once --state x.csv --input s1.csv

# A disk that fills: every write of the file fails (fault injection);
# the old file stays whole, the failure is reported, the run exits 1.
cp active.csv keep.csv
LI_FAULT_OPS=write LI_FAULT_PATH=active.csv LI_FAULT_N=1 LI_FAULT_STICKY=1 \
    LI_FAULT_ERRNO=ENOSPC "$LI_BUILD/fault/alertd" -r r.rules --clock=input \
    --state active.csv --input s1.csv >out 2>err
check "--state on a full disk: exit 1" test $? -eq 1
check_grep "--state on a full disk: says so" \
    '^alertd: active.csv: No space left on device$' err
check_same "--state on a full disk: the old file stays whole" keep.csv active.csv
done_testing
