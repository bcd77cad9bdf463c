#!/bin/sh
# mqtt2kafka: usage, dead letters, unknown items, text and JSON forms,
# MessageId dedup, the archive (read back by --dump and by python3-bson),
# all through the real mosquitto and librdkafka's mock cluster.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"

# ---- usage -----------------------------------------------------------------
check_fail "--qos 3 is bad usage" 2 mqtt2kafka --qos 3
mqtt2kafka --qos 3 2>err.txt
printf '%s\n' "mqtt2kafka: --qos: 3 is out of range (0 to 2)" >want.txt
head -n 1 err.txt >got.txt
check_same "--qos error text" want.txt got.txt
check_grep "bad usage says Try" "^Try 'mqtt2kafka --help'.$" err.txt
check_fail "--qos 0 is bad usage" 2 --msg "^mqtt2kafka: --qos: 0 is out of range \(1 to 2\)" \
    mqtt2kafka --qos 0
check_fail "-X without = is bad usage" 2 mqtt2kafka -X linger.ms
check_fail "--key without --cert" 2 mqtt2kafka --key k.pem
check_fail "unknown librdkafka setting exits 2" 2 --msg "^mqtt2kafka: -X no.such=1: " \
    mqtt2kafka -X no.such=1 --state-dir st0
printf 'no.such=1\n' >bad.conf && chmod 600 bad.conf
check_fail "unknown -F property exits 2" 2 --msg "^mqtt2kafka: bad.conf:1: " \
    mqtt2kafka -F bad.conf --state-dir st0
check_fail "--mqtt-topic with a bad filter" 2 --msg "^mqtt2kafka: --mqtt-topic: 'a/#/b': " \
    mqtt2kafka --mqtt-topic 'a/#/b'
# ---- options retired in 0.2.0 ------------------------------------------------
check_fail "-d is retired" 2 --msg "^mqtt2kafka: option '-d' is retired: use --state-dir" \
    mqtt2kafka -d st0
check_fail "--kafka-topic is retired" 2 --msg "^mqtt2kafka: option '--kafka-topic' is retired: use -t, --topic" \
    mqtt2kafka --kafka-topic x
check_fail "--topic alone fails (it was the MQTT filter)" 2 --msg "^mqtt2kafka: option '--topic' without --mqtt-topic" \
    mqtt2kafka --topic invoices
check_fail "--topic with a filter names --mqtt-topic" 2 --msg "^mqtt2kafka: --topic: 'till/#' is not a Kafka topic name \(the MQTT filter is --mqtt-topic" \
    mqtt2kafka --topic 'till/#'
check "no state was made by a usage error" test ! -e st0
check_fail "--dump of a missing file exits 1" 1 mqtt2kafka --dump nope.bson
check_fail "unreachable MQTT broker exits 1" 1 mqtt2kafka -q --state-dir st0 \
    -u tcp://127.0.0.1:1 -b 127.0.0.1:1
echo 7x >bad-no
mkdir st1 && cp bad-no st1/invoice-no
mqtt2kafka --state-dir st1 2>err.txt; rc=$?
check "corrupt invoice-no state exits 1" test $rc -eq 1
echo "mqtt2kafka: st1/invoice-no: not an invoice number" >want.txt
check_same "corrupt state error text" want.txt err.txt

# ---- servers -----------------------------------------------------------------
m2k_mosquitto_start || { echo "Bail out! mosquitto did not start"; exit 1; }
m2k_mock_start 3 || { echo "Bail out! kafka_mock did not start"; exit 1; }

mqtt2kafka -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" --mqtt-topic 'till/#' \
    --state-dir state --archive arch.bson --dlq-file dlq.jsonl \
    --dlq-topic dead-letters --max-size 512 2>bridge.err &
BPID=$!
at_exit 'kill $BPID 2>/dev/null'
check "bridge subscribes" m2k_subscribed $BPID bridge.err till/ping

# Good text and JSON invoices, some with unknown items, and bad messages.
cat >good.txt <<'EOT'
Aarav Rao 6123456789 tv,mouse,mouse #1
Aarav Rao 6123456789 tv,mouse,mouse #2
Diya Nair 9123456789 book,unicorn,book
Meera Iyer 7123456789 laptop
EOT
printf '%s\n' '{"FirstName":"Kavya","LastName":"Das","PhoneNumber":"8123456789","Items":["oven","oven","sink"],"Timestamp":"2024-02-29 18:30:00"}' >>good.txt
m2k_publish good.txt till/1
# The same payload again on the same topic is a duplicate (a redelivery).
mosquitto_pub -p "$MQ_PORT" -t till/1 -q 1 -m 'Meera Iyer 7123456789 laptop'
# Bad ones: each must come out as a dead letter with its reason.
mosquitto_pub -p "$MQ_PORT" -t till/2 -q 1 -m 'just garbage'
mosquitto_pub -p "$MQ_PORT" -t till/2 -q 1 -m 'Aarav Rao 6123456789 tv,,mouse'
printf 'Aarav Rao 6123456789 t\377v' | mosquitto_pub -p "$MQ_PORT" -t till/2 -q 1 -s
head -c 2000 /dev/zero | tr '\0' 'x' | mosquitto_pub -p "$MQ_PORT" -t till/2 -q 1 -s
mosquitto_pub -p "$MQ_PORT" -t till/2 -q 1 -m '{"FirstName":"A","LastName":"B","PhoneNumber":"612345678","Items":["tv"],"Extra":1}'
mosquitto_pub -p "$MQ_PORT" -t till/2 -q 1 -n

check "bridge produced the invoices" m2k_wait_count $BPID bridge.err produced 7 20
check "bridge dead-lettered the bad ones" m2k_wait_count $BPID bridge.err dead-lettered 6 20
kill $BPID; wait $BPID; rc=$?
check "SIGTERM exits 0" test $rc -eq 0
check_grep "final counters" '^mqtt2kafka: received [0-9]+, replayed 0, produced [0-9]+, duplicates 1, dead-lettered 6, flagged 1, failed 0, archived [0-9]+, spool 0 bytes' bridge.err
check "journal empty after a clean stop" sh -c '! ls state/journal.* 2>/dev/null'

cat >want.txt <<'EOT'
expected 'First Last Phone item1,item2,...'
empty item name (item 2)
not valid UTF-8 at byte 22
message longer than 512 bytes
unknown field Extra
empty message
EOT
sed 's/.*"Reason":"\([^"]*\)".*/\1/' dlq.jsonl | sed "s/\\\\u0027/'/g" >got.txt
check_same "dead-letter file reasons" want.txt got.txt
check_grep "over-long payload truncated in the dead letter" '"Length":2000,"Truncated":true' dlq.jsonl
timeout 30 kcat -C -q -b "$KAFKA" -t dead-letters -e -o beginning -f '%s\n' >dlq-topic.jsonl
check "dead-letter topic has all six" test "$(wc -l <dlq-topic.jsonl)" -eq 6

timeout 30 kcat -C -q -b "$KAFKA" -t invoices -e -o beginning -f '%k %s\n' |
    grep -v '^6000000000 ' | sort >kafka.txt
check "Kafka has 6 records (one a duplicate)" test "$(wc -l <kafka.txt)" -eq 6
check_grep "keyed by phone, priced to the paise" \
    '^6123456789 .*"Items":\{"tv":1,"mouse":2\},"SubTotal":\{"tv":29999.99,"mouse":2699.98\},"Aisle_visited":\["Electronics"\],"Total":32699.97\}$' kafka.txt
check_grep "unknown items flagged, not priced" \
    '"Items":\{"book":2\},"SubTotal":\{"book":499.98\},"Aisle_visited":\["Stationary"\],"Total":499.98,"UnknownItems":\["unicorn"\]\}$' kafka.txt
check_grep "JSON Timestamp gives Date, Time, DayOfWeek" \
    '"Date":"2024-02-29","Time":"18:30:00","DayOfWeek":"Thursday"' kafka.txt
check "the duplicate carries the same MessageId" test \
    "$(grep '^7123456789 ' kafka.txt | sed 's/.*"MessageId":"\([0-9a-f]*\)".*/\1/' | sort -u | wc -l)" -eq 1
check "the #seq purchases are distinct" test \
    "$(grep '^6123456789 ' kafka.txt | sed 's/.*"MessageId":"\([0-9a-f]*\)".*/\1/' | sort -u | wc -l)" -eq 2

# ---- the archive -------------------------------------------------------------
mqtt2kafka --dump arch.bson | grep -v ',Ping,' | cut -d, -f1,3- | sort >dump.csv
cat >want.csv <<'EOT'
InvoiceNo,FirstName,LastName,PhoneNumber,Date,Time,DayOfWeek,Items,Total
EOT
check_grep "dump header" '^InvoiceNo,FirstName' dump.csv
check_grep "dump row" '^[0-9]+,Kavya,Das,8123456789,2024-02-29,18:30:00,Thursday,oven:2;sink:1,14369.97$' dump.csv
check "dump has 5 invoices" test "$(grep -vc '^InvoiceNo' dump.csv)" -eq 5
mqtt2kafka --dump arch.bson --format json | grep -v '"Ping"' >dump.json
check_grep "dump json" '"Items":\{"book":2\},"SubTotal":\{"book":499.98\}' dump.json
check_fail "--dump to a full disk exits 1" 1 sh -c 'mqtt2kafka --dump arch.bson >/dev/full'
check_fail "--format xml is bad usage" 2 mqtt2kafka --dump arch.bson --format xml
if /usr/bin/python3 -c 'import bson' 2>/dev/null; then
	/usr/bin/python3 - arch.bson >py.txt <<'PY'
import sys, bson
from decimal import Decimal
n = 0
for d in bson.decode_file_iter(open(sys.argv[1], "rb")):
    if d["FirstName"] == "Ping":
        continue
    sub = sum(v.to_decimal() for v in d["SubTotal"].values())
    assert sub == d["Total"].to_decimal(), d
    assert isinstance(d["InvoiceNo"], int)
    n += 1
print(n)
PY
	echo 5 >want.txt
	check_same "python3-bson reads the archive, totals exact" want.txt py.txt
else
	skip "python3-bson reads the archive" "python3-bson not installed"
fi

# A torn document at the end (a crash mid-write) is cut off at the next
# start, and invoices already archived are not archived again.
printf '\100\0\0\0\002Mess' >>arch.bson
check_fail "--dump reports a torn archive" 1 mqtt2kafka --dump arch.bson
mqtt2kafka -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" --mqtt-topic 'till/#' \
    --state-dir state --archive arch.bson 2>bridge2.err &
BPID=$!
check "bridge subscribes again" m2k_subscribed $BPID bridge2.err till/ping
mosquitto_pub -p "$MQ_PORT" -t till/1 -q 1 -m 'Meera Iyer 7123456789 laptop'
# The ping and the repeat are delivered: the repeat counts as a duplicate.
check "the repeat reaches the archive writer" \
    m2k_wait_count $BPID bridge2.err duplicates 1 20
kill $BPID; wait $BPID
check "archive repaired and still deduplicated" test \
    "$(mqtt2kafka --dump arch.bson | grep -c ',Meera,')" -eq 1

# ---- credentials from a file or the environment ----------------------------
mkdir -p auth
touch auth/passwd && chmod 600 auth/passwd
mosquitto_passwd -b auth/passwd till s3cret
APORT=$(free_port)
cat >auth/mosquitto.conf <<EOC
listener $APORT 127.0.0.1
allow_anonymous false
password_file $WORK/auth/passwd
$( [ "$(id -u)" -eq 0 ] && echo "user root" )
EOC
mosquitto -c auth/mosquitto.conf >auth/log 2>&1 &
APID=$!
at_exit 'kill $APID 2>/dev/null'
wait_for 10 mosquitto_pub -p "$APORT" -u till -P s3cret -t x -m x
printf 'till\ns3cret\n' >auth/old-creds && chmod 600 auth/old-creds
check_fail "the 0.1 password file (user, then password) fails" 2 --msg "^mqtt2kafka: auth/old-creds: a second line" \
    mqtt2kafka --mqtt-user till -u "tcp://127.0.0.1:$APORT" --state-dir st-auth --mqtt-password-file auth/old-creds
printf 's3cret\n' >auth/creds && chmod 600 auth/creds
mqtt2kafka -b "$KAFKA" -u "tcp://127.0.0.1:$APORT" --state-dir st-auth \
    --mqtt-user till --mqtt-password-file auth/creds 2>auth.err &
p=$!
wait_for 10 grep -q '^mqtt2kafka: subscribed' auth.err
kill $p; wait $p
check_grep "password file logs in" '^mqtt2kafka: subscribed to invoices' auth.err
MQTT_USERNAME=till MQTT_PASSWORD=s3cret mqtt2kafka -b "$KAFKA" \
    -u "tcp://127.0.0.1:$APORT" --state-dir st-auth 2>auth.err &
p=$!
wait_for 10 grep -q '^mqtt2kafka: subscribed' auth.err
kill $p; wait $p
check_grep "MQTT_USERNAME/MQTT_PASSWORD log in" '^mqtt2kafka: subscribed to invoices' auth.err
MQTT_USERNAME=till MQTT_PASSWORD=wrong mqtt2kafka -q -b "$KAFKA" \
    -u "tcp://127.0.0.1:$APORT" --state-dir st-auth 2>auth.err
rc=$?
check "a wrong password exits 1" test $rc -eq 1
echo "mqtt2kafka: tcp://127.0.0.1:$APORT: connection refused" >want.txt
check_same "a wrong password says so" want.txt auth.err
done_testing
