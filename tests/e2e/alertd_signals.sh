#!/bin/sh
# SIGTERM ends alertd within a second in every state: reading a stdin that
# never pauses, waiting on a FIFO with no writer, with hooks running or
# queued (killed, not waited for), and under --once (UNKNOWN, never an OK
# made of half the input).  Each case waits for an observable sign that
# alertd is in that state, in files of its own (the shell may not have
# truncated a reused one yet), then sends SIGTERM.
. "$LI_TOP/tests/lib.sh"
# Event times are local (TZ) with their offset: the expected ones are UTC.
TZ=UTC; export TZ
R=$LI_TOP/examples/liveinsight.rules
S=$LI_TOP/examples/alertd-samples.csv

# gone_within PID: SIGTERM to PID, then 1 s for it to be gone (exited, a
# zombie or reaped).
gone_within() {
	kill -TERM "$1"
	_i=0
	while [ $_i -lt 20 ]; do
		case $(ps -o stat= -p "$1") in ''|Z*) return 0 ;; esac
		sleep 0.05
		_i=$((_i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	return 1
}
# holds PID FILE: PID, alertd by now (not the shell forked to start it,
# which may still hold the test's own descriptors), has FILE open: how a
# wait on a FIFO is seen.
holds() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = alertd ] &&
	    ls -l "/proc/$1/fd" 2>/dev/null | grep -q "$2\$"
}
if [ ! -d /proc/self/fd ]; then
	skip "SIGTERM in every state" "no /proc"
	done_testing
	exit
fi

# Reading a stdin that never pauses (ppoll delivers a pending signal only
# when it waits: alertd opens a window for it every round).
alertd -r "$R" </dev/zero >out1 2>err1 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
wait_for 5 grep -q 'record too long' err1
check "stdin /dev/zero: gone within 1 s of SIGTERM" gone_within $pid
wait $pid
check "stdin /dev/zero: exit 0" test $? -eq 0
alertd -r "$R" --once </dev/zero >out2 2>err2 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
wait_for 5 grep -q 'record too long' err2
check "--once, stdin /dev/zero: gone within 1 s" gone_within $pid
wait $pid
check "--once, stdin /dev/zero: unknown, exit 3" test $? -eq 3
echo 'LIVEINSIGHT UNKNOWN - stopped by SIGTERM before the check was done' >want
check_same "--once, stopped: says so" want out2

# A FIFO that no writer ever opens, as --input and as --ticks.
mkfifo in ticks
alertd -r "$R" --input in >out3 2>err3 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
wait_for 5 holds $pid in
check "--input FIFO without a writer: gone within 1 s" gone_within $pid
wait $pid
check "--input FIFO without a writer: exit 0" test $? -eq 0
mkdir snap
alertd -r "$R" -d snap --ticks ticks --once >out4 2>err4 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
wait_for 5 holds $pid ticks
check "--once --ticks FIFO without a writer: gone within 1 s" gone_within $pid
wait $pid
check "--once --ticks FIFO without a writer: exit 3" test $? -eq 3
check_same "--once --ticks FIFO without a writer: says so" want out4

# --once on a slow input: a writer that sent part and holds the FIFO open.
exec 3<>in
alertd -r "$R" --once --input in >out5 2>err5 3>&- &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
head -n 7 "$S" >&3
wait_for 5 holds $pid in
check "--once, slow input: gone within 1 s" gone_within $pid
wait $pid
check "--once, slow input: unknown (not the critical seen so far), exit 3" test $? -eq 3
check_same "--once, slow input: says so" want out5
exec 3>&-

# Hooks running (a 60 s timeout) and queued: killed and dropped at once.
exec 3<>in
alertd -r "$R" --clock=input --input in --exec 'echo $$ >>hook.pids; exec sleep 30' \
    --exec-timeout 60 --exec-jobs 2 >out6 2>err6 3>&- &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
cat "$S" >&3
wait_for 10 sh -c 'test "$(wc -l <out6)" -eq 7 && test "$(wc -l <hook.pids)" -eq 2'
check "hooks running and queued: gone within 1 s" gone_within $pid
wait $pid
check "hooks running and queued: exit 0" test $? -eq 0
check "hooks running and queued: both running hooks killed, loudly" \
    test "$(grep -c '^alertd: stopping: hook for .*: killed$' err6)" -eq 2
check_grep "hooks running and queued: the queue dropped, loudly" \
    '^alertd: stopping: 4 queued hook runs dropped$' err6
alive=0
for p in $(cat hook.pids); do
	case $(ps -o stat= -p "$p") in ''|Z*) ;; *) alive=$((alive + 1)) ;; esac
done
check "hooks running and queued: no hook left running" test $alive -eq 0
exec 3>&-

# The end of input reached, hooks still running: the wait for them ends
# at SIGTERM too.
rm -f hook.pids
alertd -r "$R" --clock=input --input "$S" --exec 'echo $$ >>hook.pids; exec sleep 30' \
    --exec-timeout 60 --exec-jobs 6 >out7 2>err7 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
wait_for 10 sh -c 'test "$(wc -l <hook.pids)" -eq 6'
check "waiting for hooks at the end: gone within 1 s" gone_within $pid
wait $pid
check "waiting for hooks at the end: exit 0" test $? -eq 0
check "waiting for hooks at the end: 6 killed" \
    test "$(grep -c '^alertd: stopping: hook for .*: killed$' err7)" -eq 6

# Blocked writing events to a reader that stopped reading (a full pipe):
# the write is interrupted; exit 1, as the event may be cut short.
awk 'BEGIN { print "time,cpu_temp"; for (i = 0; i < 4000; i++)
    printf "%d,%d\n", 1000 + i, i % 2 ? 90 : 50 }' >flap.csv
echo 'cpu sample cpu_temp warn>70' >flap.rules
mkfifo stalled
exec 4<>stalled
alertd -r flap.rules --clock=input --input flap.csv >stalled 2>err8 4>&- &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
if wait_for 5 grep -q pipe_w "/proc/$pid/wchan"; then
	check "a stalled reader: gone within 1 s" gone_within $pid
	wait $pid
	check "a stalled reader: exit 1" test $? -eq 1
	echo 'alertd: stdout: stopped by SIGTERM while writing an event (the reader was not reading)' >want
	check_same "a stalled reader: says so" want err8
else
	kill -9 $pid
	skip "a stalled reader" "no pipe_write in /proc/PID/wchan here"
fi
exec 4>&-

done_testing
