#!/bin/sh
# mqtt2kafka when its state directory is full or read-only (issue 11):
# nothing the broker has a PUBACK for is lost.  The state directory is a
# small tmpfs mounted inside a private mount namespace (unshare -m; skipped,
# visibly, where that is not permitted).  With mosquitto (persistence,
# max_queued_messages 0) and librdkafka's mock cluster:
#   - a read-only state directory is refused at start, naming the file and
#     the error, before subscribing (with --mqtt-persistence log and none);
#   - a directory filled up while the bridge runs: messages still go through
#     the journal's reserved space; when the next reservation fails the
#     bridge stops (exit 1, naming the file and the error); restarted with
#     space, every published invoice reaches Kafka and the archive, once.
if [ -z "${M2K_IN_NS:-}" ] && [ "$(id -u)" -eq 0 ] &&
    unshare -m true 2>/dev/null; then
	M2K_IN_NS=1 exec unshare -m sh "$0" "$@"
fi
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"

if [ -z "${M2K_IN_NS:-}" ] || ! { mkdir -p probe &&
    mount -t tmpfs -o size=64k tmpfs probe 2>/dev/null; }; then
	skip "state directory on a small tmpfs" "needs root and unshare -m"
	done_testing
	exit 0
fi
umount probe

m2k_mosquitto_start || { echo "Bail out! mosquitto did not start"; exit 1; }
m2k_mock_start 3 || { echo "Bail out! kafka_mock did not start"; exit 1; }
BR="-b $KAFKA -u tcp://127.0.0.1:$MQ_PORT"

# ---- a read-only state directory ----------------------------------------
mkdir ro && mount -t tmpfs -o ro,size=1m tmpfs ro
at_exit 'umount "$WORK/ro" 2>/dev/null'
for p in log none; do
	timeout 10 mqtt2kafka $BR --mqtt-topic ro --client-id ro-$p --state-dir ro \
	    --mqtt-persistence $p 2>ro.err
	rc=$?
	check "read-only state dir ($p): exit 1" test $rc -eq 1
	echo "mqtt2kafka: ro/invoice-no: Read-only file system" >want.txt
	check_same "read-only state dir ($p): says which file and why" \
	    want.txt ro.err
done
# A state directory that is not a directory.
: >notdir
timeout 10 mqtt2kafka $BR --state-dir notdir 2>nd.err
check "a state dir that is a file: exit 1" test $? -eq 1
check_grep "a state dir that is a file: says so" \
    '^mqtt2kafka: notdir/invoice-no: Not a directory$' nd.err

# ---- a state directory that fills up ---------------------------------------
# invoices N FROM: N text invoices of about 1 KiB, numbered from FROM.
invoices() {
	awk -v n="$1" -v f="$2" -v who="$3" 'BEGIN {
		s = "book"; for (i = 1; i < 200; i++) s = s ",book"
		for (k = f; k < f + n; k++) print who " Test 6000000001 " s " #" k
	}'
}

# ids WHO: distinct MessageIds of WHO's invoices in Kafka.
kafka_ids() {
	timeout 60 kcat -C -q -b "$KAFKA" -t invoices -e -o beginning \
	    -f '%s\n' 2>/dev/null | grep "\"FirstName\":\"$1\"" |
	    sed -n 's/.*"MessageId":"\([0-9a-f]*\)".*/\1/p' | sort -u
}

# archived ARCHIVE WHO: how many of WHO's invoices the archive holds.
archived() {
	mqtt2kafka --dump "$1" 2>/dev/null | grep -c ",$2,Test,"
}

# has_archived ARCHIVE WHO N: the archive holds at least N of them.
has_archived() {
	[ "$(archived "$1" "$2")" -ge "$3" ]
}

full_disk() {	# persistence mode
	p=$1 who=Full$1
	mkdir "st-$p" && mount -t tmpfs -o size=12m tmpfs "st-$p"
	at_exit "umount '$WORK/st-$p' 2>/dev/null"
	mqtt2kafka $BR --mqtt-topic "full/$p" --client-id "full-$p" --state-dir "st-$p" \
	    --mqtt-persistence "$p" --archive "arch-$p.bson" 2>"full-$p.err" &
	bpid=$!
	check "$p: bridge subscribed" wait_for 10 \
	    grep -q '^mqtt2kafka: subscribed' "full-$p.err"
	# Fill the file system to the last byte.
	dd if=/dev/zero of="st-$p/fill" bs=4k 2>/dev/null
	check "$p: the state directory is full" sh -c \
	    "! echo x >'st-$p/probe' 2>/dev/null"
	invoices 10 1 "$who" >"few-$p.txt"
	m2k_publish "few-$p.txt" "full/$p"
	# The journal's reserved space takes them: all ten reach Kafka and
	# the archive while the disk is full.
	check "$p: 10 invoices archived with the disk full" wait_for 20 \
	    has_archived "arch-$p.bson" "$who" 10
	check "$p: the bridge still runs" kill -0 $bpid
	# Enough to use up half the reserved segment: the bridge cannot
	# reserve the next and stops.
	invoices 6000 11 "$who" >"many-$p.txt"
	m2k_publish "many-$p.txt" "full/$p"
	# (On a bridge that never stops, the check fails after 60 s.)
	t=0
	while kill -0 $bpid 2>/dev/null && [ $t -lt 600 ]; do
		sleep 0.1; t=$((t + 1))
	done
	kill $bpid 2>/dev/null
	wait $bpid
	rc=$?
	check "$p: the bridge stops with exit 1" test $rc -eq 1
	check_grep "$p: says which file and why" \
	    "^mqtt2kafka: st-$p/(journal\.[0-9]{10}|invoice-no): cannot reserve space, stopping: No space left on device$" \
	    "full-$p.err"
	# Space again: the restarted bridge gets every invoice.
	rm -f "st-$p/fill"
	mqtt2kafka $BR --mqtt-topic "full/$p" --client-id "full-$p" --state-dir "st-$p" \
	    --mqtt-persistence "$p" --archive "arch-$p.bson" \
	    2>"full-$p.err2" &
	bpid=$!
	check "$p: restarted, every invoice is archived" wait_for 60 \
	    has_archived "arch-$p.bson" "$who" 6010
	kill $bpid
	wait $bpid
	check "$p: restarted bridge exits 0" test $? -eq 0
	check "$p: archived exactly once" test \
	    "$(archived "arch-$p.bson" "$who")" -eq 6010
	kafka_ids "$who" >"kafka-$p.ids"
	check "$p: every invoice is in Kafka" test \
	    "$(wc -l <"kafka-$p.ids")" -eq 6010
}
full_disk log
full_disk none
grep -h '^mqtt2kafka: received' full-*.err* | sed 's/^/# /'
done_testing
