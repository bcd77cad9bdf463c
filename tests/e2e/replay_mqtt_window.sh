#!/bin/sh
# replay --mqtt's window of messages in flight (replay's own MQTT client
# over TCP): order and count at any window size, pacing that the window
# cannot outrun, a broker restarted with a full window (everything
# published again, at least once), and a dead broker with a full window
# (SIGTERM ends it within a second, exit 1, the count named).
. "$LI_TOP/tests/lib.sh"

if ! command -v mosquitto > /dev/null 2>&1 &&
    ! [ -x /usr/sbin/mosquitto ]; then
	skip "MQTT window tests" "mosquitto is not installed"
	done_testing
	exit 0
fi
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
# Run as root, mosquitto drops to its own user: let it reach its files.
chmod 711 "$WORK"

# start_broker NAME PORT [persistent]: a mosquitto of its own; its pid in
# the file NAME.pid.
start_broker() {
	{
		printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$2"
		printf 'max_queued_messages 0\n'
		if [ "${3:-}" = persistent ]; then
			mkdir -p "$1.db" && chmod 777 "$1.db"
			printf 'persistence true\npersistence_location %s/\n' \
			    "$WORK/$1.db"
		else
			printf 'persistence false\n'
		fi
	} > "$1.conf"
	"$MOSQUITTO" -c "$1.conf" >> "$1.log" 2>&1 &
	echo $! > "$1.pid"
	wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 -p $2 -t probe -E -W 2"
}
at_exit 'for f in *.pid; do [ -f "$f" ] && kill -CONT $(cat "$f") && kill $(cat "$f") && wait $(cat "$f"); done 2>/dev/null'

port=$(free_port)
start_broker main "$port"
URL=tcp://127.0.0.1:$port
subscribe() {	# client-id topic qos
	mosquitto_sub -h 127.0.0.1 -p "$1" -c -i "$2" -t "$3" -q "$4" -E -W 10
}
drain() {	# port client-id topic qos count
	mosquitto_sub -h 127.0.0.1 -p "$1" -c -i "$2" -t "$3" -q "$4" \
	    -C "$5" -W 60
}

# ---- order and count at the window's extremes -----------------------------
# A window of 7 wraps the ring thousands of times; a window of 65,535 holds
# every message id at once, past the 16-bit wrap.
replay --synth=invoices --invoices 70000 > inv.want
for w in 7 65535; do
	check "window $w: a subscriber session" subscribe "$port" "sub-$w" \
	    "w/$w" 1
	replay -v --synth=invoices --invoices 70000 --mqtt "$URL" \
	    --mqtt-topic "w/$w" --max-inflight "$w" 2> "w$w.err"
	check "window $w: 70,000 invoices at QoS 1, exit 0" test $? -eq 0
	check_grep "... all 70,000 confirmed" '^replay: 70000 rows sent,' \
	    "w$w.err"
	drain "$port" "sub-$w" "w/$w" 1 70000 > "w$w.got"
	check_same "... all arrive once, in order" inv.want "w$w.got"
done

# ---- QoS 2 at mosquitto's receive maximum, from a pipe ----------------------
check "QoS 2: a subscriber session" subscribe "$port" sub-q2 w/q2 2
head -n 5000 inv.want | replay --lines --mqtt "$URL" --mqtt-topic w/q2 \
    --qos 2
check "QoS 2, 5,000 lines from a pipe: exit 0" test $? -eq 0
drain "$port" sub-q2 w/q2 2 5000 > q2.got
head -n 5000 inv.want > q2.want
check_same "... all arrive once, in order" q2.want q2.got

# ---- pacing: the window never runs ahead of the clock ----------------------
check "paced: a subscriber session" subscribe "$port" sub-p w/p 1
t0=$(date +%s%N)
replay --synth=invoices --invoices 400 --rate 400 --mqtt "$URL" \
    --mqtt-topic w/p
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "400 invoices at --rate 400: exit 0" test $rc -eq 0
# Row i is due at i/400 s: the last at 997.5 ms.
check "... not before the last one was due (${ms} ms >= 997)" test "$ms" -ge 997
drain "$port" sub-p w/p 1 400 > p.got
head -n 400 inv.want > p.want
check_same "... all 400 arrive, in order" p.want p.got
# Each row goes out when it is due, not when a batch fills: the first of
# three rows at one a second arrives while replay still runs.
check "--rate 1: a subscriber session" subscribe "$port" sub-slow w/slow 1
replay --synth=invoices --invoices 3 --rate 1 --mqtt "$URL" \
    --mqtt-topic w/slow &
pid=$!
drain "$port" sub-slow w/slow 1 1 > slow.got
kill -0 $pid 2>/dev/null
check "--rate 1: the first row arrives before the last is due" test $? -eq 0
wait $pid
check "... and replay exits 0" test $? -eq 0
head -n 1 inv.want > slow.want
check_same "... the first row, whole" slow.want slow.got

# ---- keepalive while waiting for the next row's time --------------------------
# Rows 5 s apart with a keepalive of 5 s: replay pings the broker while it
# waits (after 3.75 s without a packet), so the connection holds.
kport=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nlog_type all\n' \
    "$kport" > ka.conf
"$MOSQUITTO" -c ka.conf > ka.log 2>&1 &
echo $! > ka.pid
wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 -p $kport -t probe -E -W 2"
replay --synth=invoices --invoices 2 --rate 0.2 --keepalive 5s \
    --client-id replay-ka --mqtt "tcp://127.0.0.1:$kport" --mqtt-topic w/ka \
    2> ka.err
check "keepalive 5s, rows 5 s apart: exit 0" test $? -eq 0
check_grep "... replay sent a PINGREQ while it waited" \
    'Received PINGREQ from replay-ka' ka.log
check "... and kept its connection" test ! -s ka.err

# ---- a broker restarted with the window full ---------------------------------
# Stopped (SIGSTOP) mid-stream, the broker acknowledges nothing and the
# window fills; then it is restarted (its queue for the subscriber kept on
# disk): every unconfirmed message is published again.
rport=$(free_port)
start_broker rs "$rport" persistent
check "restart: a subscriber session" subscribe "$rport" sub-rs w/rs 1
replay -v --synth=invoices --invoices 6000 --rate 2000 --max-inflight 200 \
    --mqtt "tcp://127.0.0.1:$rport" --mqtt-topic w/rs 2> rs.err &
pid=$!
wait_for 10 grep -q 'mqtt: connected' rs.err
kill -STOP "$(cat rs.pid)"
wait_for 10 grep -q 'window full' rs.err
check_grep "restart: the full window is reported (-v)" \
    '^replay: mqtt: window full: 200 messages in flight, none confirmed for 1 s$' \
    rs.err
kill -TERM "$(cat rs.pid)"
kill -CONT "$(cat rs.pid)"
wait "$(cat rs.pid)"
start_broker rs "$rport" persistent
wait $pid
check "restart: replay reconnects and exits 0" test $? -eq 0
check_grep "... publishing the window again" \
    '^replay: mqtt: connection lost, reconnecting \([1-9][0-9]* unconfirmed\)$' rs.err
check_grep "... all 6,000 confirmed in the end" '^replay: 6000 rows sent,' \
    rs.err
# At least once: duplicates may come, so read until quiet.
mosquitto_sub -h 127.0.0.1 -p "$rport" -c -i sub-rs -t w/rs -q 1 \
    -C 100000 -W 3 > rs.got 2> /dev/null
head -n 6000 inv.want | sort -u > rs.want
sort -u rs.got | comm -23 rs.want - > rs.missing
check "... no invoice lost" test ! -s rs.missing

# ---- a dead broker with the window full: SIGTERM ------------------------------
dport=$(free_port)
start_broker dead "$dport"
replay -v --synth=invoices --invoices 100000 --max-inflight 300 \
    --mqtt "tcp://127.0.0.1:$dport" --mqtt-topic w/dead 2> dead.err &
pid=$!
wait_for 10 grep -q 'mqtt: connected' dead.err
kill -STOP "$(cat dead.pid)"
wait_for 10 grep -q 'window full' dead.err
kill -KILL "$(cat dead.pid)"
wait_for 10 grep -q 'connection lost, reconnecting (300 unconfirmed)' \
    dead.err
check "dead broker: replay notices and reconnects" test $? -eq 0
( sleep 10; kill -KILL $pid 2>/dev/null ) &
dog=$!
t0=$(date +%s%N)
kill -TERM $pid
wait $pid
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
kill $dog 2>/dev/null
check "dead broker, full window: SIGTERM ends it in ${ms} ms (< 1000)" \
    test "$ms" -lt 1000
check "... exit 1" test $rc -eq 1
check_grep "... naming what was not confirmed" \
    '^replay: mqtt: 300 messages not confirmed$' dead.err
done_testing
