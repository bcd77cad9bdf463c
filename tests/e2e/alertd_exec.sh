#!/bin/sh
# alertd --exec: hooks get the event in ALERT_* variables and as JSON on
# stdin; slow hooks are killed (with their process group) at the timeout;
# failing hooks are warned about; a full queue drops loudly; reading never
# waits for a hook.
. "$LI_TOP/tests/lib.sh"
# Event times are local (TZ) with their offset: the expected ones are UTC.
TZ=UTC; export TZ
R=$LI_TOP/examples/liveinsight.rules
S=$LI_TOP/examples/alertd-samples.csv

# Each event reaches the hook, one at a time with --exec-jobs 1.
cat >hook.sh <<'E'
printf '%s|%s|%s|%s|%s|%s|%s\n' "$ALERT_TIME" "$ALERT_STATUS" "$ALERT_NAME" \
    "$ALERT_SEVERITY" "$ALERT_KEY" "$ALERT_VALUE" "$ALERT_MESSAGE" >>env.log
cat >>stdin.log
E
alertd -r "$R" --clock=input --exec 'sh hook.sh' --exec-jobs 1 <"$S" >out 2>err
check "hook: exit 0" test $? -eq 0
check "hook: no warnings" test ! -s err
cat >want <<'E'
2026-11-23T10:00:10Z|firing|cpu_temp|warning|cpu_temp|71|cpu_temp 71 > 70
2026-11-23T10:00:15Z|firing|gpu_temp|warning|gpu_temp|76|gpu_temp 76 > 75
2026-11-23T10:00:20Z|firing|cpu_temp|critical|cpu_temp|82|cpu_temp 82 > 80
2026-11-23T10:00:30Z|firing|cpu_temp|warning|cpu_temp|79|cpu_temp 79 > 70
2026-11-23T10:00:30Z|resolved|gpu_temp|warning|gpu_temp|74|gpu_temp 74 ok
2026-11-23T10:00:40Z|resolved|cpu_temp|warning|cpu_temp|64|cpu_temp 64 ok
E
check_same "hook: ALERT_* variables of each event" want env.log
alertd -r "$R" --clock=input --format json <"$S" >want
check_same "hook: the event as JSON on stdin" want stdin.log

# A hook that never ends: events are all printed before the first hook
# times out (so reading did not wait), then each is killed.
alertd -r "$R" --clock=input --exec 'sleep 30' --exec-timeout 3s \
    --exec-jobs 6 <"$S" >out 2>err &
pid=$!
at_exit "kill $pid 2>/dev/null"
wait_for 10 sh -c 'test "$(wc -l <out)" -eq 7'
check "slow hooks: all 6 events printed" test "$(wc -l <out)" -eq 7
check "slow hooks: before any hook timed out" test ! -s err
wait $pid
check "slow hooks: exit 0" test $? -eq 0
check "slow hooks: 6 timeouts warned" test "$(grep -c '^alertd: hook for .*: timed out after 3s, killed$' err)" -eq 6
check_grep "slow hooks: the warning names the alert" '^alertd: hook for cpu_temp/cpu_temp firing: timed out after 3s, killed$' err

# The whole process group goes at the timeout, not only the shell.
alertd -r "$R" --clock=input --exec-timeout 0.5 \
    --exec 'sleep 31 & echo $! >"bg.$ALERT_VALUE"; wait' <"$S" >out 2>err
check "process group: exit 0" test $? -eq 0
alive=0
for f in bg.*; do
	# Gone, or a zombie waiting for init.
	case $(ps -o stat= -p "$(cat "$f")") in ''|Z*) ;; *) alive=$((alive + 1)) ;; esac
done
check "process group: no background child survives" test "$alive" -eq 0
check "process group: 6 hooks started" test "$(ls bg.* | wc -l)" -eq 6

# A failing hook: warned about, the events still printed.
alertd -r "$R" --clock=input --exec 'exit 3' --exec-jobs 1 <"$S" >out 2>err
check "failing hook: exit 0" test $? -eq 0
check "failing hook: events printed" test "$(wc -l <out)" -eq 7
cat >want <<'E'
alertd: hook for cpu_temp/cpu_temp firing: exit status 3
alertd: hook for gpu_temp/gpu_temp firing: exit status 3
alertd: hook for cpu_temp/cpu_temp firing: exit status 3
alertd: hook for cpu_temp/cpu_temp firing: exit status 3
alertd: hook for gpu_temp/gpu_temp resolved: exit status 3
alertd: hook for cpu_temp/cpu_temp resolved: exit status 3
E
check_same "failing hook: one warning per run" want err
alertd -r "$R" --clock=input --exec 'kill -9 $$' --exec-jobs 1 -v <"$S" >out 2>err
check_grep "hook killed by a signal: warned" '^alertd: hook for cpu_temp/cpu_temp firing: killed by signal 9$' err
check_grep "hook counts with -v" '^alertd: hooks: 6 run, 6 failed, 0 timed out, 0 dropped$' err

# A full queue drops hook runs, loudly; events are never dropped.
alertd -r "$R" --clock=input --exec 'sleep 30' --exec-timeout 1 \
    --exec-jobs 1 --exec-queue 1 <"$S" >out 2>err
check "full queue: exit 0" test $? -eq 0
check "full queue: all events printed" test "$(wc -l <out)" -eq 7
check "full queue: 4 drops warned" test "$(grep -c '^alertd: hook queue full (1 waiting, 1 running): dropped the hook run for ' err)" -eq 4
check_grep "full queue: counted at exit" '^alertd: 4 hook runs dropped$' err
check_grep "full queue: names the event" '^alertd: hook queue full \(1 waiting, 1 running\): dropped the hook run for cpu_temp/cpu_temp resolved$' err

# SIGTERM with hooks waiting: the running one is killed at once (not at
# its timeout), the queued ones are dropped, loudly.
mkfifo in
exec 3<>in
alertd -r "$R" --clock=input --input in --exec 'sleep 30' --exec-timeout 1 \
    --exec-jobs 1 >out 2>err 3>&- &
pid=$!
at_exit "kill $pid 2>/dev/null"
cat "$S" >&3
wait_for 10 sh -c 'test "$(wc -l <out)" -eq 7'
kill -TERM $pid
wait $pid
check "SIGTERM with hooks queued: exit 0" test $? -eq 0
check_grep "SIGTERM: the queue is dropped, loudly" '^alertd: stopping: 5 queued hook runs dropped$' err
check_grep "SIGTERM: the running hook is killed, loudly" '^alertd: stopping: hook for cpu_temp/cpu_temp firing: killed$' err
exec 3>&-

done_testing
