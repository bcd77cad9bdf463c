#!/bin/sh
# mqtt2kafka (issue 16): the main loop (the periodic journal fdatasync,
# SIGUSR1, Kafka's delivery reports) runs while the bridge takes a
# backlog on connecting.  With paho's synchronous MQTTClient it waited in
# the subscribe call for a SUBACK that mosquitto sends behind the backlog
# (up to paho's 10 s command timeout when intake is held back): here the
# backlog waits behind Kafka being down (a 100-message producer queue, then
# the worker's queue full), and the counters must come within 3 s of
# SIGUSR1 while intake is held; then, with Kafka back, all of it is
# delivered.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"

m2k_mosquitto_start || { echo "Bail out! mosquitto did not start"; exit 1; }
m2k_mock_start 4 || { echo "Bail out! kafka_mock did not start"; exit 1; }

N=6000
invgen -n $N -s 7 >inv.txt
bridge() {
	mqtt2kafka -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" \
	    --mqtt-topic busy/t -t invoices --state-dir st \
	    -X queue.buffering.max.messages=100 2>>m2k.err &
	pid=$!
	at_exit "kill $pid 2>/dev/null"
}
bridge
m2k_subscribed $pid m2k.err busy/t
check "the session is made" test $? -eq 0
m2k_wait_count $pid m2k.err produced 1 20
kill $pid; wait $pid

echo "down all" >"$MOCK_CTL"
m2k_publish inv.txt busy/t
: >m2k.err
bridge
# Intake is held once the worker's queue (4,096) is full: the journal
# stops growing.
grown() {
	_a=$(du -bc st/journal.* 2>/dev/null | tail -n 1 | cut -f 1)
	sleep 0.3
	_b=$(du -bc st/journal.* 2>/dev/null | tail -n 1 | cut -f 1)
	[ "${_a:-0}" -gt 100000 ] && [ "$_a" = "$_b" ]
}
wait_for 20 grown
check "intake is held with Kafka down" test $? -eq 0
kill -USR1 $pid
wait_for 3 grep -q '^mqtt2kafka: received' m2k.err
check "SIGUSR1 answered within 3 s while the backlog waits" test $? -eq 0
check_grep "not all received yet" 'received ([0-9]{1,3}|[0-5][0-9]{3}),' \
    m2k.err
echo "up all" >"$MOCK_CTL"
m2k_wait_count $pid m2k.err produced $N 60
check "with Kafka back, all $N are delivered" test $? -eq 0
kill $pid; wait $pid
check "exit 0" test $? -eq 0
done_testing
