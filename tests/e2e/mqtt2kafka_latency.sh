#!/bin/sh
# latprobe (issue 16), the benchmark's latency probe: at a steady rate it
# publishes invoices through mosquitto, and every one the bridge delivers
# to Kafka is matched by its sequence number (the phone number, the Kafka
# key); nothing is lost, nothing is counted twice, the line has every
# figure.  Without a bridge, every invoice is counted lost and it exits 1.
# Latencies are not asserted here (a shared machine); the bench reports
# them.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"

m2k_mosquitto_start || { echo "Bail out! mosquitto did not start"; exit 1; }
m2k_mock_start 4 || { echo "Bail out! kafka_mock did not start"; exit 1; }

mqtt2kafka -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" --mqtt-topic lat/m2k \
    -t invoices --state-dir st 2>m2k.err &
pid=$!; at_exit "kill $pid 2>/dev/null"
m2k_subscribed $pid m2k.err lat/m2k
check "the bridge subscribed" test $? -eq 0

timeout 60 latprobe -b "$KAFKA" -t invoices -u "tcp://127.0.0.1:$MQ_PORT" \
    --mqtt-topic lat/m2k --rate 1000 --seconds 2 --wait 20 >probe.out \
    2>probe.err
check "1,000/s for 2 s through the bridge: exit 0" test $? -eq 0
check_grep "all 2,000 sent, acknowledged and seen once" \
    '^sent 2000 acked 2000 seen 2000 lost 0 dups 0 rate [0-9]+ ' probe.out
check_grep "p50, p99, max and the split at the produce call" \
    ' p50 [0-9.]+ p99 [0-9.]+ max [0-9.]+ pub-create p50 [0-9.]+ p99 [0-9.]+ create-seen p50 [0-9.]+ p99 [0-9.]+$' \
    probe.out
m2k_wait_count $pid m2k.err produced 2001 10
check "the bridge produced them (and the ping)" test $? -eq 0
kill $pid; wait $pid

# Nobody bridges lat/none: everything sent is lost, and said.
timeout 60 latprobe -b "$KAFKA" -t invoices -u "tcp://127.0.0.1:$MQ_PORT" \
    --mqtt-topic lat/none --rate 500 --seconds 0.2 --wait 0.5 >none.out \
    2>none.err
check "no bridge: exit 1" test $? -eq 1
check_grep "no bridge: all 100 lost" '^sent 100 acked 100 seen 0 lost 100 ' \
    none.out
check_fail "a usage error: exit 2" 2 --msg 'usage: latprobe' latprobe --rate 5
done_testing
