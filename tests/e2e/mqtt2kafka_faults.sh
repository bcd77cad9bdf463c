#!/bin/sh
# mqtt2kafka end to end under faults: 50,000 invoices through the real
# mosquitto and librdkafka's mock cluster while the bridge is SIGKILLed and
# restarted, every Kafka broker is down for M2K_OUTAGE seconds (30), and
# mosquitto restarts with persistence.  Every invoice must reach Kafka
# (duplicates allowed only with equal MessageIds) and the archive must hold
# each exactly once.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"
N=${M2K_FAULTS_N:-50000}
OUTAGE=${M2K_OUTAGE:-30}

m2k_mosquitto_start || { echo "Bail out! mosquitto did not start"; exit 1; }
m2k_mock_start 12 || { echo "Bail out! kafka_mock did not start"; exit 1; }
invgen -j -n "$N" -s 5 >inv.json
split -l $(( (N + 3) / 4 )) inv.json part.

start_bridge() {
	mqtt2kafka -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" --mqtt-topic till/+ \
	    --state-dir state --archive arch.bson --dlq-file dlq.jsonl \
	    --keepalive 10 2>>"bridge.err.$1" &
	BPID=$!
	wait_for 20 grep -q '^mqtt2kafka: subscribed' "bridge.err.$1"
}
at_exit 'kill $BPID 2>/dev/null'

start_bridge 1
check "bridge subscribed" m2k_subscribed $BPID bridge.err.1 till/ping

# 1. The bridge is killed with SIGKILL while a quarter streams in.
m2k_publish part.aa till/1 &
ppid=$!
sleep 0.3
kill -KILL $BPID; wait $BPID 2>/dev/null
wait $ppid
check "journal left behind by SIGKILL" sh -c 'ls state/journal.* >/dev/null'
start_bridge 2
check "restarted after SIGKILL" kill -0 $BPID

# 2. Every Kafka broker goes down while the next quarter streams in.
echo "down all" >"$MOCK_CTL"
m2k_publish part.ab till/2
sleep "$OUTAGE"
echo "up all" >"$MOCK_CTL"

# 3. mosquitto restarts (persistence on) with messages still queued.
m2k_publish part.ac till/3
m2k_mosquitto_stop
m2k_mosquitto_start
m2k_publish part.ad till/4

want=$((N + 1))
check "the restarted bridge delivers after the outage" \
    m2k_wait_count $BPID bridge.err.2 produced 1 60
# The restarted bridge counts only its own run: wait on Kafka itself.
got=0 t=0
while [ $t -lt 120 ]; do
	timeout 60 kcat -C -q -b "$KAFKA" -t invoices -e -o beginning \
	    -f '%s\n' >kafka.json 2>/dev/null
	got=$(sed -n 's/.*"PhoneNumber":"\([0-9]*\)","Date":"\([^"]*\)","Time":"\([^"]*\)".*/\1 \2 \3/p' \
	    kafka.json | sort -u | wc -l)
	[ "$got" -ge "$want" ] && break
	sleep 2; t=$((t + 2))
done
kill $BPID; wait $BPID

# The set of invoices in Kafka equals the set published (by phone, date
# and time, taken from the input independently of the bridge).
{ echo "Ping Ping"; sed 's/.*"PhoneNumber":"\([0-9]*\)".*"Timestamp":"\([^ ]*\) \([^"]*\)".*/\1 \2 \3/' inv.json; } |
    grep -v Ping | sort -u >want.set
sed -n 's/.*"PhoneNumber":"\([0-9]*\)","Date":"\([^"]*\)","Time":"\([^"]*\)".*/\1 \2 \3/p' \
    kafka.json | grep -v '^6000000000 ' | sort -u >got.set
check "published invoices are $N distinct" test "$(wc -l <want.set)" -eq "$N"
check_same "every invoice is in Kafka, none invented" want.set got.set
# Duplicates carry the MessageId of their original.  (Not the pings: each
# is a distinct purchase, and two in one second share phone, date and time.)
sed -n 's/.*"MessageId":"\([0-9a-f]*\)".*"PhoneNumber":"\([0-9]*\)","Date":"\([^"]*\)","Time":"\([^"]*\)".*/\1 \2 \3 \4/p' \
    kafka.json | grep -v ' 6000000000 ' | sort -u >id.pairs
check "one MessageId per invoice" test "$(cut -d' ' -f1 id.pairs | sort -u | wc -l)" -eq "$(wc -l <id.pairs)"
check "one invoice per MessageId" test "$(cut -d' ' -f2- id.pairs | sort -u | wc -l)" -eq "$(wc -l <id.pairs)"
echo "# kafka records: $(wc -l <kafka.json), distinct invoices: $(wc -l <id.pairs)"
# The archive holds each invoice once.
mqtt2kafka --dump arch.bson >arch.csv
check "archive holds every invoice once" test "$(tail -n +2 arch.csv | cut -d, -f2 | sort -u | wc -l)" -eq "$(tail -n +2 arch.csv | wc -l)"
check "archive has them all" test "$(tail -n +2 arch.csv | grep -vc ',Ping,')" -eq "$N"
check "InvoiceNo unique in the archive" test "$(tail -n +2 arch.csv | cut -d, -f1 | sort -u | wc -l)" -eq "$(tail -n +2 arch.csv | wc -l)"
check "no dead letters" test ! -s dlq.jsonl
grep -h '^mqtt2kafka: received' bridge.err.* | sed 's/^/# /'
done_testing
