#!/bin/sh
# mqtt2kafka (issue 11): SIGTERM ends it within a second in every state,
# and what it had not delivered is delivered by the next run; files named
# on the command line are regular files read with a cap, so a FIFO or a
# device is refused at once instead of blocking.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"

# ---- inputs that are not regular files ------------------------------------
mkfifo fifo
printf 'Item,Aisle,Price\nbook,Stationary,249.99\n' >cat.csv
for f in fifo /dev/zero; do
	for opt in "-c" "--mqtt-password-file" "--cafile" "--cert" "--dump"; do
		timeout 10 mqtt2kafka -q $opt $f --state-dir st-in -u tcp://127.0.0.1:1 \
		    -b 127.0.0.1:1 2>in.err
		rc=$?
		echo "mqtt2kafka: $f: not a regular file" >want.txt
		check "$opt $f: exit 1 at once" test $rc -eq 1
		check_same "$opt $f: says so" want.txt in.err
	done
done
timeout 10 mqtt2kafka -q --cert cat.csv --key fifo --state-dir st-in \
    -u tcp://127.0.0.1:1 -b 127.0.0.1:1 2>in.err
echo "mqtt2kafka: fifo: not a regular file" >want.txt
check_same "--key fifo: says so" want.txt in.err
head -c 5000 /dev/zero | tr '\0' x >big.pw
timeout 10 mqtt2kafka -q --mqtt-password-file big.pw --state-dir st-in \
    -u tcp://127.0.0.1:1 -b 127.0.0.1:1 2>in.err
echo "mqtt2kafka: big.pw: larger than 4096 bytes" >want.txt
check_same "an over-long password file: says so" want.txt in.err
check "no state was made for any of them" test ! -e st-in/invoice-no

# ---- SIGTERM ---------------------------------------------------------------
# stopped_within MS PID: SIGTERM PID; ok when it exits within MS ms, and
# with status 0; prints the time.
stopped_within() {
	_t0=$(date +%s%N)
	kill -TERM "$2"
	wait "$2"
	_rc=$?
	_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
	echo "stopped in $_ms ms, exit $_rc" >>"$WORK/stop.times"
	[ "$_ms" -le "$1" ] && [ "$_rc" -eq 0 ]
}

m2k_mosquitto_start || { echo "Bail out! mosquitto did not start"; exit 1; }
m2k_mock_start 3 || { echo "Bail out! kafka_mock did not start"; exit 1; }
BR="-b $KAFKA -u tcp://127.0.0.1:$MQ_PORT"

# A broker that accepts the connection and never answers: paho waits for
# its CONNACK (10 s).
SPORT=$(free_port)
python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
open(sys.argv[2] + ".l", "w").write("listening\n")
c, _ = s.accept()
open(sys.argv[2], "w").write("accepted\n")
time.sleep(30)
' "$SPORT" accepted &
spid=$!
at_exit 'kill $spid 2>/dev/null'
wait_for 10 test -s accepted.l
mqtt2kafka -b "$KAFKA" -u "tcp://127.0.0.1:$SPORT" --state-dir st-silent 2>silent.err &
p=$!
check "connecting: the bridge reached the silent broker" \
    wait_for 10 test -s accepted
check "connecting to a silent broker: SIGTERM ends it within 1 s" \
    stopped_within 1000 $p
kill $spid 2>/dev/null

# Reconnecting to a broker that is down.
mqtt2kafka $BR --client-id down --state-dir st-down 2>down.err &
p=$!
check "broker down: subscribed" wait_for 10 \
    grep -q '^mqtt2kafka: subscribed' down.err
m2k_mosquitto_stop
check "broker down: the bridge saw it" wait_for 10 \
    grep -q '^mqtt2kafka: mqtt: connection lost' down.err
check "broker down: SIGTERM ends it within 1 s" stopped_within 1000 $p
check_grep "broker down: counters at exit" '^mqtt2kafka: received 0,' down.err
m2k_mosquitto_start

# Kafka down with a backlog, and blocked on back-pressure (--max-spool).
echo "down all" >"$MOCK_CTL"
awk 'BEGIN { for (k = 1; k <= 300; k++)
	print "Stop Test 6000000002 book,tv #" k }' >inv.txt
mqtt2kafka $BR --mqtt-topic backlog --client-id backlog --state-dir st-backlog \
    --archive backlog.bson 2>backlog.err &
pb=$!
mqtt2kafka $BR --mqtt-topic spool --client-id spool --state-dir st-spool \
    --max-spool 8k 2>spool.err &
ps=$!
check "backlog: subscribed" wait_for 10 \
    grep -q '^mqtt2kafka: subscribed' backlog.err
check "back-pressure: subscribed" wait_for 10 \
    grep -q '^mqtt2kafka: subscribed' spool.err
m2k_publish inv.txt backlog
m2k_publish inv.txt spool
check "backlog: 300 journaled" m2k_wait_count $pb backlog.err received 300 20
# 8 KiB of journal is about 80 invoices: then it stops taking them.
check "back-pressure: blocked past --max-spool" \
    m2k_wait_count $ps spool.err received 100 20
check "Kafka down with a backlog: SIGTERM ends it within 1 s" \
    stopped_within 1000 $pb
check_grep "Kafka down with a backlog: says what is kept" \
    '^mqtt2kafka: kafka: [0-9]+ messages not delivered; kept in the journal$' \
    backlog.err
check "blocked on back-pressure: SIGTERM ends it within 1 s" \
    stopped_within 1000 $ps
check "the backlog stays in the journal" sh -c 'ls st-backlog/journal.*'

# Replaying that backlog into a full librdkafka queue, Kafka still down.
mqtt2kafka $BR --mqtt-topic backlog --client-id backlog --state-dir st-backlog \
    -X queue.buffering.max.messages=10 --archive backlog.bson \
    2>replay.err &
p=$!
# (SIGUSR1 only once its handler is there: after librdkafka has started.)
wait_for 10 grep -q 'brokers are down' replay.err
check "replay: blocked on a full Kafka queue" \
    m2k_wait_count $p replay.err replayed 10 20
check "replay blocked on a full queue: SIGTERM ends it within 1 s" \
    stopped_within 1000 $p

# Kafka back: every invoice of the backlog is delivered, once in the
# archive.
echo "up all" >"$MOCK_CTL"
mqtt2kafka $BR --mqtt-topic backlog --client-id backlog --state-dir st-backlog \
    --archive backlog.bson 2>after.err &
p=$!
has_all() {
	[ "$(mqtt2kafka --dump backlog.bson | grep -c ',Stop,Test,')" -ge 300 ]
}
check "Kafka back: the backlog is archived" wait_for 30 has_all
check "Kafka back: SIGTERM ends it within 1 s" stopped_within 1000 $p
check "archived once each" test \
    "$(mqtt2kafka --dump backlog.bson | grep ',Stop,Test,' | cut -d, -f2 | sort -u | wc -l)" -eq 300
check "in Kafka, all 300" test "$(m2k_kafka_ids invoices | sort -u | wc -l)" -ge 300
# The spool bridge's backlog too (no archive: count distinct ids).
mqtt2kafka $BR --mqtt-topic spool --client-id spool --state-dir st-spool 2>spool2.err &
p=$!
wait_for 10 grep -q '^mqtt2kafka: subscribed' spool2.err
check "back-pressure: the rest is delivered" \
    m2k_wait_count $p spool2.err produced 1 20
kafka_has() {
	[ "$(m2k_kafka_ids invoices | sort -u | wc -l)" -ge "$1" ]
}
check "Kafka has all 600" wait_for 30 kafka_has 600
kill $p; wait $p
sed 's/^/# /' stop.times
done_testing
