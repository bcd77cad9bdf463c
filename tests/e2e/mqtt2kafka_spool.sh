#!/bin/sh
# mqtt2kafka: --max-spool below a journal segment (8 MiB).  The journal
# gives space back a whole segment at a time, once it is rolled and all
# its messages are delivered.  The bridge used to wait for ever once the
# segment it was writing held more than the limit: the message it held
# back was already journaled there (so never delivered) and only the next
# append would roll it.  Now it waits before journaling, and the current
# segment is released as soon as all it holds is delivered, so intake
# goes on: every invoice of a backlog 20 times the limit is delivered and
# archived once, and the journal has rolled (segment 1 is gone).  0.2.0
# delivered 89 of the 2,000.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"

m2k_mosquitto_start || { echo "Bail out! mosquitto did not start"; exit 1; }
m2k_mock_start 2 || { echo "Bail out! kafka_mock did not start"; exit 1; }

N=2000
# Distinct messages (the archive keeps one of each).
invgen -n $N -s 11 | awk '{ print $0 " #" NR }' >inv.txt
mqtt2kafka -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" \
    --mqtt-topic spool/t -t invoices --state-dir st --archive arch.bson \
    --max-spool 8k 2>m2k.err &
pid=$!
at_exit "kill $pid 2>/dev/null"
m2k_subscribed $pid m2k.err spool/t
check "subscribed" test $? -eq 0
pings=$(m2k_counter $pid m2k.err received)
# About 80 bytes of journal an invoice: $N are 20 times --max-spool.
m2k_publish inv.txt spool/t
check "all $N delivered with --max-spool 8k" \
    m2k_wait_count $pid m2k.err archived $((N + pings)) 60
check "the journal gave its space back (segment 1 removed)" \
    test ! -e st/journal.0000000001
kill $pid
wait $pid
check "exit 0" test $? -eq 0
mqtt2kafka --dump arch.bson | sed 1d | grep -v ',Ping,' | cut -d, -f2 >ids.txt
check "each invoice archived once" test \
    "$(sort -u ids.txt | wc -l)" -eq $N -a "$(wc -l <ids.txt)" -eq $N
done_testing
