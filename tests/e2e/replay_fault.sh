#!/bin/sh
# replay's failure paths: injected write faults on -o FILE and on
# --reject-empty FILE, inputs and secret files that are FIFOs, devices or
# directories, and SIGTERM in every state, which ends it within a second.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/fault/lib.sh"

# term_after SECS CMD...: run CMD, send it SIGTERM after SECS (whole
# seconds); TERM_RC is its exit status, TERM_MS how long it ran on after
# the signal, in milliseconds (a CMD that ignores it is killed 10 s on).
term_after() {
	_d=$1; shift
	_t0=$(date +%s%N)
	timeout -k 10 -s TERM --preserve-status "$_d" "$@"
	TERM_RC=$?
	TERM_MS=$(( ($(date +%s%N) - _t0) / 1000000 - _d * 1000 ))
}
# term_pid PID: SIGTERM the background PID (in the state the caller waited
# for); TERM_RC is its exit status, TERM_MS how long it took to exit (it
# is killed 10 s on).
term_pid() {
	( sleep 10; kill -KILL "$1" 2>/dev/null ) &
	_dog=$!
	_t0=$(date +%s%N)
	kill -TERM "$1"
	wait "$1"
	TERM_RC=$?
	TERM_MS=$(( ($(date +%s%N) - _t0) / 1000000 ))
	kill "$_dog" 2>/dev/null
	wait "$_dog" 2>/dev/null
}
errmsg() {
	case $1 in
	ENOSPC) echo 'No space left on device' ;;
	EIO) echo 'Input/output error' ;;
	EACCES) echo 'Permission denied' ;;
	esac
}

# ---- write faults on -o FILE ----------------------------------------------
replay --synth --rows 2000 >want.csv
LI_FAULT_PATH=out.csv; export LI_FAULT_PATH
: >out.csv
calls=$(fault_calls "$FAULT_BIN/replay" --synth --rows 2000 -o out.csv)
check "-o FILE sees at least 3 calls (open, write, close), got ${calls:-none}" \
    test "${calls:-0}" -ge 3
for e in ENOSPC EIO EACCES; do
	msg=$(errmsg $e)
	bad=
	n=1
	while [ "$n" -le "${calls:-0}" ]; do
		: >out.csv
		LI_FAULT_ERRNO=$e fault_at "$n" "$FAULT_BIN/replay" --synth \
		    --rows 2000 -o out.csv
		if [ "$FAULT_HIT" -ne 1 ]; then
			bad="$bad $n:not-injected"
		elif [ "$FAULT_RC" -ne 1 ]; then
			bad="$bad $n:status-$FAULT_RC"
		elif [ "$(cat "$WORK/.fault.err")" != "replay: out.csv: $msg" ]; then
			bad="$bad $n:message($(head -c 80 "$WORK/.fault.err"))"
		fi
		"$FAULT_BIN/replay" --synth --rows 2000 -o out.csv ||
		    bad="$bad $n:rerun-failed"
		cmp -s out.csv want.csv || bad="$bad $n:rerun-differs"
		n=$((n + 1))
	done
	check "-o FILE, $e at each of the $calls calls: exit 1, the file and the error named, a rerun as a clean run${bad:+ ($bad)}" \
	    test -z "$bad"
done

# ---- write faults on --reject-empty FILE --------------------------------------
replay --synth --dirty --rows 300 --empty-rows 5 >dirty.csv
replay -q --clean --reject-empty rej.want dirty.csv >clean.want
check "a clean run sets 5 empty rows aside" test "$(wc -l <rej.want)" -eq 5
LI_FAULT_PATH=rej.csv
calls=$(fault_calls "$FAULT_BIN/replay" -q --clean --reject-empty rej.csv \
    dirty.csv)
check "--reject-empty sees at least 12 calls, got ${calls:-none}" \
    test "${calls:-0}" -ge 12
for e in ENOSPC EIO EACCES; do
	msg=$(errmsg $e)
	bad=
	n=1
	while [ "$n" -le "${calls:-0}" ]; do
		LI_FAULT_ERRNO=$e fault_at "$n" "$FAULT_BIN/replay" -q \
		    --clean --reject-empty rej.csv dirty.csv
		if [ "$FAULT_HIT" -ne 1 ]; then
			bad="$bad $n:not-injected"
		elif [ "$FAULT_RC" -ne 1 ]; then
			bad="$bad $n:status-$FAULT_RC"
		elif [ "$(cat "$WORK/.fault.err")" != "replay: rej.csv: $msg" ]; then
			bad="$bad $n:message($(head -c 80 "$WORK/.fault.err"))"
		fi
		"$FAULT_BIN/replay" -q --clean --reject-empty rej.csv \
		    dirty.csv >clean.csv || bad="$bad $n:rerun-failed"
		cmp -s rej.csv rej.want && cmp -s clean.csv clean.want ||
		    bad="$bad $n:rerun-differs"
		n=$((n + 1))
	done
	check "--reject-empty, $e at each of the $calls calls: exit 1, the file and the error named, a rerun as a clean run${bad:+ ($bad)}" \
	    test -z "$bad"
done
unset LI_FAULT_PATH
rm -f rej.csv
(umask 077 && replay -q --clean --reject-empty rej.csv dirty.csv >/dev/null)
check "--reject-empty follows the umask" test "$(stat -c %a rej.csv)" = 600

# ---- inputs: FIFOs, devices, directories, secret files ------------------------
mkfifo in.fifo
replay in.fifo >fifo.out 2>fifo.err &
pid=$!
cat want.csv >in.fifo
wait $pid
check "a FIFO input whose writer comes later: exit 0" test $? -eq 0
check_same "... every row" want.csv fifo.out
# A writer that opens the FIFO and closes it without a byte: its end, not
# a wait for ever (li_fifo_wait tells it from "no writer yet").
replay in.fifo >fifo0.out 2>fifo0.err &
pid=$!
: >in.fifo
wait $pid
check "a FIFO input whose writer writes nothing: exit 0, nothing sent" \
    sh -c "test $? -eq 0 && test ! -s fifo0.out"
mkfifo nowriter.fifo
term_after 1 replay nowriter.fifo >nw.out 2>nw.err
check "SIGTERM waiting for a FIFO input's writer: exit 0, in ${TERM_MS} ms (< 1000)" \
    test "$TERM_RC" -eq 0 -a "$TERM_MS" -lt 1000
timeout 10 replay /dev/zero want.csv >zero.out 2>zero.err
check "/dev/zero as an input: exit 1 at once" test $? -eq 1
check_same "... said, and the next file still streamed" - zero.err <<'EOF'
replay: /dev/zero: not a regular file or a FIFO
EOF
check_same "... the next file still streamed" want.csv zero.out
mkdir dir.csv
timeout 10 replay dir.csv >/dev/null 2>dir.err
check "a directory as an input: exit 1" test $? -eq 1
check_same "... said" - dir.err <<'EOF'
replay: dir.csv: is a directory
EOF
mkfifo pw.fifo
timeout 10 replay --mqtt tcp://127.0.0.1:1 --mqtt-topic t --mqtt-user u \
    --mqtt-password-file pw.fifo want.csv 2>pw.err
check "a FIFO as the password file: exit 2 at once" test $? -eq 2
check_same "... said" - pw.err <<'EOF'
replay: pw.fifo: not a regular file
EOF
timeout 10 replay --mqtt tcp://127.0.0.1:1 --mqtt-topic t --mqtt-user u \
    --mqtt-password-file /dev/zero want.csv 2>pwz.err
check "/dev/zero as the password file: exit 2 at once" test $? -eq 2
check_same "... said" - pwz.err <<'EOF'
replay: /dev/zero: not a regular file
EOF
timeout 10 replay --mqtt ssl://127.0.0.1:1 --mqtt-topic t --cafile pw.fifo \
    want.csv 2>ca.err
check "a FIFO as --cafile: exit 1 at once" test $? -eq 1
check_same "... said" - ca.err <<'EOF'
replay: pw.fifo: not a regular file
EOF

# ---- SIGTERM in every state -------------------------------------------------
term_after 2 replay --synth --rate 0.1 >slow.out
check "SIGTERM pacing at 0.1 rows/s: exit 0, in ${TERM_MS} ms (< 1000)" \
    test "$TERM_RC" -eq 0 -a "$TERM_MS" -lt 1000
check "... after the header and the first row" test "$(wc -l <slow.out)" -eq 2

mkfifo noreader.fifo
term_after 2 replay -v --synth -o noreader.fifo 2>nr.err
check "SIGTERM waiting for a FIFO's reader: exit 0, in ${TERM_MS} ms (< 1000)" \
    test "$TERM_RC" -eq 0 -a "$TERM_MS" -lt 1000
check_grep "... which it was" 'noreader.fifo: waiting for a reader' nr.err

replay -v --reopen --synth --rate 1000 -o re.fifo 2>re.err &
pid=$!
wait_for 10 test -p re.fifo
head -n 3 re.fifo >/dev/null
wait_for 10 sh -c 'test "$(grep -c "waiting for a reader" re.err)" -eq 2'
term_pid $pid
check "SIGTERM waiting for the next reader (--reopen): exit 0, in ${TERM_MS} ms (< 1000)" \
    test "$TERM_RC" -eq 0 -a "$TERM_MS" -lt 1000

# A FIFO (-o) and standard output, each a full pipe whose reader reads
# nothing until replay has gone; then it takes what is there: the start of
# the stream, cut after a whole row.
replay --synth --rows 0 2>/dev/null | head -n 3000 >stream.csv
for how in o stdout; do
	rm -f full.fifo go drained
	mkfifo full.fifo
	sh -c 'while [ ! -e go ]; do sleep 0.05; done; exec cat' \
	    <full.fifo >drained &
	reader=$!
	if [ $how = o ]; then
		term_after 2 replay --synth --rows 0 -o full.fifo 2>full.err
	else
		term_after 2 replay --synth --rows 0 >full.fifo 2>full.err
	fi
	touch go
	wait $reader
	check "SIGTERM blocked on a full pipe ($how): exit 0, in ${TERM_MS} ms (< 1000)" \
	    test "$TERM_RC" -eq 0 -a "$TERM_MS" -lt 1000
	check "... the pipe was full ($(wc -c <drained) bytes)" \
	    test "$(wc -c <drained)" -gt 60000
	head -c "$(wc -c <drained)" stream.csv >drained.want
	check "... with the stream's first rows, whole" sh -c \
	    'cmp -s drained drained.want && tail -c 1 drained | od -An -c | grep -q "\\\\n"'
	check "... quietly" test ! -s full.err
done

# Skipping an endless line (--lines): the reader hands control back
# between buffers.
mkfifo zero.fifo
cat /dev/zero >zero.fifo 2>/dev/null &
zc=$!
term_after 2 replay --lines zero.fifo >/dev/null 2>zl.err
kill $zc 2>/dev/null
check "SIGTERM skipping an endless line: exit 0, in ${TERM_MS} ms (< 1000)" \
    test "$TERM_RC" -eq 0 -a "$TERM_MS" -lt 1000

port=$(free_port)
term_after 2 replay -v --synth --listen 127.0.0.1:$port 2>l.err
check "SIGTERM listening with no client: exit 0, in ${TERM_MS} ms (< 1000)" \
    test "$TERM_RC" -eq 0 -a "$TERM_MS" -lt 1000
check_grep "... which it was" 'waiting for a client' l.err

if command -v python3 >/dev/null 2>&1; then
	port=$(free_port)
	replay -v --synth --rows 0 --listen 127.0.0.1:$port 2>st.err &
	pid=$!
	wait_for 10 grep -q 'waiting for a client' st.err
	python3 -c "import socket, time; s = socket.create_connection(('127.0.0.1', $port)); time.sleep(30)" &
	cl=$!
	at_exit "kill $cl 2>/dev/null"
	wait_for 10 grep -q 'connected$' st.err
	term_pid $pid
	kill $cl 2>/dev/null
	check "SIGTERM serving a client that reads nothing: exit 0, in ${TERM_MS} ms (< 1000)" \
	    test "$TERM_RC" -eq 0 -a "$TERM_MS" -lt 1000
else
	skip "SIGTERM serving a client that reads nothing" "no python3"
fi

MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
if [ -x "$MOSQUITTO" ]; then
	chmod 711 "$WORK"
	port=$(free_port)
	printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' \
	    "$port" >mosquitto.conf
	"$MOSQUITTO" -c mosquitto.conf >mosquitto.log 2>&1 &
	mpid=$!
	at_exit "kill $mpid 2>/dev/null"
	wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 -p $port -t probe -E -W 2"
	replay --synth --rows 0 --rate 200 --mqtt tcp://127.0.0.1:$port \
	    --mqtt-topic till/rows 2>mq.err &
	pid=$!
	mosquitto_sub -h 127.0.0.1 -p $port -t till/rows -C 5 -W 10 >/dev/null
	kill $mpid
	wait $mpid
	wait_for 10 grep -q 'connection lost, reconnecting' mq.err
	term_pid $pid
	check "SIGTERM publishing to an MQTT broker that went down: gone in ${TERM_MS} ms (< 1000)" \
	    test "$TERM_MS" -lt 1000
	check "... exit 1, saying what was not confirmed" test "$TERM_RC" -eq 1
	check_grep "... which it says" 'messages not confirmed$' mq.err
else
	skip "SIGTERM publishing to an MQTT broker that went down" \
	    "mosquitto is not installed"
fi

port=$(free_port)
term_after 2 replay --synth --rows 0 -b 127.0.0.1:$port -t sales 2>k.err
check "SIGTERM producing to Kafka that is down: gone in ${TERM_MS} ms (< 1000)" \
    test "$TERM_MS" -lt 1000
check "... exit 1" test "$TERM_RC" -eq 1
check_grep "... saying how many rows were not confirmed" \
    '^replay: kafka: sales: [0-9]+ of [0-9]+ rows not confirmed$' k.err
done_testing
