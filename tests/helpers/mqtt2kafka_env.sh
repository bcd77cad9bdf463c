# Shared by the mqtt2kafka tests, benchmark and examples: start mosquitto
# and the Kafka mock on loopback, publish in safe chunks, wait for counts.
# Source after tests/lib.sh (needs $WORK, at_exit, wait_for, free_port).

# m2k_mosquitto_start: mosquitto on a free port with persistence in
# $WORK/mq and no bound on queued messages; sets MQ_PORT and MQ_PID.
m2k_mosquitto_start() {
	mkdir -p "$WORK/mq/data"
	: "${MQ_PORT:=$(free_port)}"
	cat >"$WORK/mq/mosquitto.conf" <<EOC
listener $MQ_PORT 127.0.0.1
allow_anonymous true
persistence true
persistence_location $WORK/mq/data/
autosave_interval 1
max_queued_messages 0
max_inflight_messages 0
$( [ "$(id -u)" -eq 0 ] && echo "user root" )
EOC
	mosquitto -c "$WORK/mq/mosquitto.conf" >>"$WORK/mq/log" 2>&1 &
	MQ_PID=$!
	at_exit 'kill $MQ_PID 2>/dev/null; wait $MQ_PID 2>/dev/null'
	wait_for 10 mosquitto_pub -p "$MQ_PORT" -t m2k/ping -m x -q 1
}

m2k_mosquitto_stop() {
	kill "$MQ_PID" 2>/dev/null
	wait "$MQ_PID" 2>/dev/null
}

# m2k_mock_start [PARTITIONS]: a 3-broker mock cluster with topics
# invoices and dead-letters; sets KAFKA, MOCK_PID and MOCK_CTL (a FIFO
# taking "down all", "up all").
m2k_mock_start() {
	MOCK_CTL=$WORK/mock.ctl
	kafka_mock -b 3 -p "${1:-12}" -t invoices -t dead-letters \
	    -c "$MOCK_CTL" >"$WORK/mock.addr" 2>"$WORK/mock.err" &
	MOCK_PID=$!
	at_exit 'kill $MOCK_PID 2>/dev/null; wait $MOCK_PID 2>/dev/null'
	wait_for 10 test -s "$WORK/mock.addr" || return 1
	KAFKA=$(head -n 1 "$WORK/mock.addr")
}

# m2k_publish FILE [TOPIC]: publish each line at QoS 1, in chunks of 50k
# lines (mosquitto_pub -l loses lines past a 16-bit message id).
m2k_publish() {
	rm -f "$WORK"/pub.chunk.*
	split -l 50000 "$1" "$WORK/pub.chunk."
	for _c in "$WORK"/pub.chunk.*; do
		timeout 120 mosquitto_pub -p "$MQ_PORT" -t "${2:-invoices}" \
		    -q 1 -l <"$_c" || return 1
	done
	rm -f "$WORK"/pub.chunk.*
}

# m2k_counter PID ERRFILE NAME: ask the bridge for its counters (SIGUSR1),
# wait (up to 5 s) for the line it prints, and print one of them.
m2k_counter() {
	_before=$(grep -c '^mqtt2kafka: received' "$2" 2>/dev/null)
	kill -USR1 "$1" 2>/dev/null || return 1
	wait_for 5 sh -c "test \$(grep -c '^mqtt2kafka: received' '$2') \
	    -gt ${_before:-0}"
	grep '^mqtt2kafka: received' "$2" | tail -n 1 |
	    sed -n "s/.* $3 \([0-9]*\).*/\1/p"
}

# m2k_wait_count PID ERRFILE NAME N SECONDS: wait until counter NAME >= N.
m2k_wait_count() {
	_end=$(( $(date +%s) + $5 ))
	while [ "$(date +%s)" -le "$_end" ]; do
		_v=$(m2k_counter "$1" "$2" "$3")
		[ "${_v:-0}" -ge "$4" ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# m2k_kafka_ids TOPIC: every MessageId in TOPIC, one a line (unsorted).
m2k_kafka_ids() {
	timeout 60 kcat -C -q -b "$KAFKA" -t "$1" -e -o beginning \
	    -f '%s\n' | sed -n 's/.*"MessageId":"\([0-9a-f]*\)".*/\1/p'
}

# m2k_subscribed PID ERRFILE TOPIC: wait for the bridge (not started with
# -q) to say it has subscribed, then publish pings to TOPIC until the bridge
# has received one (it has subscribed); the pings are real invoices.
m2k_subscribed() {
	_k=0
	wait_for 20 grep -q '^mqtt2kafka: subscribed' "$2" || return 1
	while [ $_k -lt 100 ]; do
		_k=$((_k + 1))
		mosquitto_pub -p "$MQ_PORT" -t "$3" -q 1 \
		    -m "Ping Ping 6000000000 book #$$$_k" || return 1
		_v=$(m2k_counter "$1" "$2" received)
		[ "${_v:-0}" -ge 1 ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
	done
	return 1
}
