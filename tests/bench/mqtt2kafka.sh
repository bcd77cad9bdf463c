#!/bin/sh
# Benchmark: draining an MQTT backlog into Kafka.  N invoices (JSON form)
# wait in mosquitto for a persistent session while the consumer is stopped;
# the consumer then starts and the clock runs until all N are in Kafka.
#   mqtt2kafka          journal + idempotent producer (at least once)
#   naive_bridge        produce + flush per message (at least once, slow)
#   mosquitto_sub|kcat  unsafe: a crash loses what is in the pipe/queue
# and, as ceilings (nothing reaches Kafka):
#   paho_sink           paho's MQTTClient, an empty callback
#   paho_asink          paho's MQTTAsync, an empty callback
#   mosquitto_sub       libmosquitto to /dev/null
# N defaults to 100000 (M2K_BENCH_N).  Mosquitto and librdkafka's mock
# cluster run on loopback.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"
N=${M2K_BENCH_N:-100000}

m2k_mosquitto_start || { echo "bench: mosquitto did not start" >&2; exit 1; }
m2k_mock_start 12 || { echo "bench: kafka_mock did not start" >&2; exit 1; }
invgen -j -n "$N" -s 42 >inv.txt

now() { date +%s.%N; }
rate() { awk -v n="$N" -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", n / (b - a) }'; }

# Publish the backlog for an existing persistent session on TOPIC, then
# let mosquitto write its persistence file (autosave_interval 1) so that
# the drain is not timed against that.
backlog() {
	t0=$(now); m2k_publish inv.txt "$1"; t1=$(now)
	echo "# published $N to $1 in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s" >&2
	sleep 2
}

# --- mqtt2kafka ---------------------------------------------------------
mqtt2kafka ${M2K_BENCH_OPTS:-} -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" --mqtt-topic b/m2k \
    -t bench1 --state-dir st --archive arch.bson 2>m2k.err &
pid=$!; at_exit "kill $pid 2>/dev/null"
echo 'Aarav Rao 6123456789 tv #0' >ping.txt
m2k_subscribed $pid m2k.err b/m2k || { echo "bench: bridge did not subscribe" >&2; exit 1; }
kill $pid; wait $pid
backlog b/m2k
t0=$(now)
mqtt2kafka ${M2K_BENCH_OPTS:-} -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" --mqtt-topic b/m2k \
    -t bench1 --state-dir st --archive arch.bson 2>m2k.err &
pid=$!; at_exit "kill $pid 2>/dev/null"
wait_for 20 grep -q '^mqtt2kafka: subscribed' m2k.err
ts=$(now)
m2k_wait_count $pid m2k.err produced "$N" 300 || { echo "bench: mqtt2kafka did not finish" >&2; cat m2k.err >&2; exit 1; }
t1=$(now)
kill $pid; wait $pid
r_m2k=$(rate "$t0" "$t1")
echo "# mqtt2kafka: $(awk -v a="$t0" -v b="$ts" -v c="$t1" 'BEGIN { printf "%.2f s to subscribe, %.2f s to drain after that", b - a, c - b }')" >&2

# --- naive one-at-a-time bridge -------------------------------------------
# It is slow: give it a smaller backlog and at most 20 s, and take its rate
# from what it bridged in that time.
NAIVE_N=$(( N / 10 ))
head -n "$NAIVE_N" inv.txt >naive.txt
naive_bridge -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" --topic b/naive \
    -t bench2 -n 1 >/dev/null &
npid=$!
sleep 0.5; m2k_publish ping.txt b/naive; wait $npid
m2k_publish naive.txt b/naive
set -- $(timeout 60 naive_bridge -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" \
    --topic b/naive -t bench2 -n "$NAIVE_N" --max-time 20)
r_naive=$(awk -v n="${1:-0}" -v t="${2:-1}" 'BEGIN { printf "%.0f", n / t }')
echo "# naive bridge: ${1:-0} of $NAIVE_N in ${2:-?} s" >&2

# --- mosquitto_sub | kcat -P ------------------------------------------------
timeout 20 mosquitto_sub -p "$MQ_PORT" -c -i benchsub -q 1 -t b/sub -C 1 \
    >/dev/null &
spid=$!
sleep 0.5; m2k_publish ping.txt b/sub; wait $spid
backlog b/sub
t0=$(now)
timeout 300 mosquitto_sub -p "$MQ_PORT" -c -i benchsub -q 1 -t b/sub \
    -C "$N" | kcat -P -b "$KAFKA" -t bench3 -X linger.ms=5
t1=$(now)
r_sub=$(rate "$t0" "$t1")

# --- ceilings: paho alone, mosquitto_sub alone ------------------------------
# SINK TOPIC: drain a backlog of N with a paho sink; prints msg/s from the
# start of the process.
sink() {
	timeout 20 "$1" -u "tcp://127.0.0.1:$MQ_PORT" --topic "$2" -n 1 \
	    --max-time 15 >/dev/null &
	_sp=$!
	sleep 0.5; m2k_publish ping.txt "$2"; wait $_sp
	backlog "$2"
	_t0=$(now)
	timeout 300 "$1" -u "tcp://127.0.0.1:$MQ_PORT" --topic "$2" -n "$N" \
	    >/dev/null
	rate "$_t0" "$(now)"
}
r_psink=$(sink paho_sink b/psink)
r_pasink=$(sink paho_asink b/pasink)
timeout 20 mosquitto_sub -p "$MQ_PORT" -c -i benchnull -q 1 -t b/null -C 1 \
    >/dev/null &
spid=$!
sleep 0.5; m2k_publish ping.txt b/null; wait $spid
backlog b/null
t0=$(now)
timeout 300 mosquitto_sub -p "$MQ_PORT" -c -i benchnull -q 1 -t b/null \
    -C "$N" >/dev/null
r_null=$(rate "$t0" "$(now)")

ratio() { awk -v a="$r_m2k" -v b="$1" 'BEGIN{printf "%.2f", a/b}'; }
printf '%-40s %10s %8s\n' "draining a backlog of $N invoices" "msg/s" "ratio"
printf '%-40s %10s %8s\n' "mqtt2kafka (journal, at least once)" "$r_m2k" "1.00"
printf '%-40s %10s %8s\n' "naive bridge, flush per message" "$r_naive" \
    "$(awk -v a="$r_m2k" -v b="$r_naive" 'BEGIN{printf "%.2f", a/b}')"
printf '%-40s %10s %8s\n' "mosquitto_sub | kcat -P (unsafe)" "$r_sub" \
    "$(awk -v a="$r_m2k" -v b="$r_sub" 'BEGIN{printf "%.2f", a/b}')"
printf '%-40s %10s %8s\n' "ceiling: paho MQTTClient, empty callback" \
    "$r_psink" "$(ratio "$r_psink")"
printf '%-40s %10s %8s\n' "ceiling: paho MQTTAsync, empty callback" \
    "$r_pasink" "$(ratio "$r_pasink")"
printf '%-40s %10s %8s\n' "ceiling: mosquitto_sub >/dev/null" \
    "$r_null" "$(ratio "$r_null")"
echo "# ratio: mqtt2kafka's rate divided by the row's rate"
