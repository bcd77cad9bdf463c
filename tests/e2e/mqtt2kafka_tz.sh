#!/bin/sh
# mqtt2kafka (issue 13): an invoice's Date, Time and DayOfWeek are the
# store's local time (the process's TZ).  Across local midnight under
# Asia/Kolkata (UTC+5:30) and America/New_York (UTC-5 in December): a text
# invoice stamped by the bridge's clock (pinned by MQTT2KAFKA_TEST_NOW), a
# JSON Timestamp in UTC ("...Z"), and a zone-less JSON Timestamp (the
# till's wall time, kept as written).
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"

m2k_mosquitto_start || { echo "Bail out! mosquitto did not start"; exit 1; }
m2k_mock_start 3 || { echo "Bail out! kafka_mock did not start"; exit 1; }

# tz_run NAME TZ UTC-TIME: run the bridge under TZ with its clock at
# UTC-TIME; publish one text invoice and two JSON ones; leave the records
# (phone and value) in NAME.kafka.
tz_run() {
	now=$(date -u -d "$3" +%s)
	TZ=$2 MQTT2KAFKA_TEST_NOW=$now mqtt2kafka -b "$KAFKA" \
	    -u "tcp://127.0.0.1:$MQ_PORT" --mqtt-topic "tz/$1" -t "tz-$1" \
	    --client-id "tz-$1" --state-dir "st-$1" --archive "$1.bson" \
	    2>"$1.err" &
	p=$!
	check "$1: bridge subscribes" m2k_subscribed $p "$1.err" "tz/$1"
	mosquitto_pub -p "$MQ_PORT" -t "tz/$1" -q 1 \
	    -m 'Aarav Rao 6100000001 tv #1'
	mosquitto_pub -p "$MQ_PORT" -t "tz/$1" -q 1 -m '{"FirstName":"Diya",'\
'"LastName":"Nair","PhoneNumber":"6100000002","Items":["book"],'\
'"Timestamp":"'"$(date -u -d "$3" +%Y-%m-%dT%H:%M:%SZ)"'"}'
	mosquitto_pub -p "$MQ_PORT" -t "tz/$1" -q 1 -m '{"FirstName":"Meera",'\
'"LastName":"Iyer","PhoneNumber":"6100000003","Items":["book"],'\
'"Timestamp":"2026-12-03 00:30:00"}'
	check "$1: three invoices produced" m2k_wait_count $p "$1.err" \
	    produced 4 20
	kill $p; wait $p
	timeout 30 kcat -C -q -b "$KAFKA" -t "tz-$1" -e -o beginning \
	    -f '%k %s\n' >"$1.kafka"
}

# when NAME PHONE: "Date Time DayOfWeek" of PHONE's invoice.
when() {
	sed -n "s/^$2 .*\"Date\":\"\([^\"]*\)\",\"Time\":\"\([^\"]*\)\",\"DayOfWeek\":\"\([^\"]*\)\".*/\1 \2 \3/p" \
	    "$1.kafka"
}

# 19:00 UTC on 2 December is 00:30 on 3 December in India.
tz_run ist Asia/Kolkata "2026-12-02 19:00:00"
check "IST: the bridge's clock gives the local date" \
    test "$(when ist 6100000001)" = "2026-12-03 00:30:00 Thursday"
check "IST: a UTC Timestamp is turned into local time" \
    test "$(when ist 6100000002)" = "2026-12-03 00:30:00 Thursday"
check "IST: a zone-less Timestamp is kept as written" \
    test "$(when ist 6100000003)" = "2026-12-03 00:30:00 Thursday"
mqtt2kafka --dump ist.bson | grep ',6100000001,' >ist.csv
check_grep "IST: the archive has the local date too" \
    ',6100000001,2026-12-03,00:30:00,Thursday,' ist.csv

# 04:30 UTC on 3 December is 23:30 on 2 December in New York.
tz_run ny America/New_York "2026-12-03 04:30:00"
check "New York: the bridge's clock gives the local date" \
    test "$(when ny 6100000001)" = "2026-12-02 23:30:00 Wednesday"
check "New York: a UTC Timestamp is turned into local time" \
    test "$(when ny 6100000002)" = "2026-12-02 23:30:00 Wednesday"
check "New York: a zone-less Timestamp is kept as written" \
    test "$(when ny 6100000003)" = "2026-12-03 00:30:00 Thursday"

check_fail "a bad MQTT2KAFKA_TEST_NOW exits 2" 2 \
    --msg "^mqtt2kafka: MQTT2KAFKA_TEST_NOW: 'soon' is not seconds" \
    env MQTT2KAFKA_TEST_NOW=soon mqtt2kafka --state-dir st-bad
done_testing
