#!/bin/sh
# mqtt2kafka under injected write faults (issue 11): build/fault/mqtt2kafka
# fails the Nth open, write (fallocate included), fsync or rename of one of
# its files -- the journal, paho's store (QoS 2 state), the archive, the
# dead-letter file, the InvoiceNo state -- with ENOSPC, EIO or EACCES, and
# every call after it too (a disk that stays broken).  For every N that hits:
#   - the bridge exits 1, naming the file and the error;
#   - after the fault is lifted, a rerun with the same state directory and
#     client id (mosquitto with persistence and max_queued_messages 0, the
#     librdkafka mock cluster) ends with every published invoice archived
#     exactly once (so in Kafka: the archive takes only delivered ones) and
#     every dead letter in the dead-letter file, whole lines only.
# That is: the broker never had a PUBACK for a message that was not on disk.
# ENOSPC at the first, second and last call of each kind on each file, EIO
# and EACCES at the first (M2K_FAULT_FULL=1: every N, all three errnos;
# M2K_FAULT_SITES="journal. .bson" only those files).
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"
. "$LI_TOP/tests/fault/lib.sh"
FULL=${M2K_FAULT_FULL:-0}
# Under the sanitizers (make check SANITIZE=...) a report ends the bridge
# with status 86, not the 1 a fault case expects.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86
UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86
export ASAN_OPTIONS UBSAN_OPTIONS
NINV=5		# invoices per case, and two dead letters

m2k_mosquitto_start || { echo "Bail out! mosquitto did not start"; exit 1; }
m2k_mock_start 3 || { echo "Bail out! kafka_mock did not start"; exit 1; }
BR="-b $KAFKA -u tcp://127.0.0.1:$MQ_PORT"

# Messages: NINV invoices and two dead letters, distinct per case.
messages() {
	awk -v n=$NINV -v c="$1" 'BEGIN {
		for (k = 1; k <= n; k++)
			print "Fault " c " 6000000003 book,tv #" k
		print "not an invoice " c
		print "Fault " c " 6000000003 tv,,book"
	}'
}

# done_case ID: the archive holds every invoice of case ID and the
# dead-letter file both dead letters.
done_case() {
	[ "$(mqtt2kafka --dump "arch-$1.bson" 2>/dev/null | grep -c ',Fault,')" \
	    -ge $NINV ] && [ "$(grep -c . "dlq-$1.jsonl" 2>/dev/null)" -ge 2 ]
}

# bridge BIN ID QOS ERRFILE: start the bridge for case ID; sets BPID.
bridge() {
	"$1" $BR --mqtt-topic "f/$2" --client-id "$2" --qos "$3" --state-dir "st-$2" \
	    --archive "arch-$2.bson" --dlq-file "dlq-$2.jsonl" 2>"$4" &
	BPID=$!
}

# run_case SITE OPS ERRNO N QOS: one fault, then the rerun; prints a
# line for the summary; checks the properties (TAP).
cases=0 hits=0
run_case() {
	cases=$((cases + 1))
	id=c$cases
	name="$1 $2 $3 N=$4 QoS $5"
	# A persistent session for the client id, so the broker keeps
	# what is published before and between the runs.
	mosquitto_sub -p "$MQ_PORT" -c -i "$id" -q "$5" -t "f/$id" -E >/dev/null
	messages "$id" >"msg-$id.txt"
	timeout 30 mosquitto_pub -p "$MQ_PORT" -t "f/$id" -q "$5" -l \
	    <"msg-$id.txt"
	rm -f .fault.rep
	LI_FAULT_PATH=$1 LI_FAULT_OPS=$2 LI_FAULT_ERRNO=$3 LI_FAULT_N=$4 \
	    LI_FAULT_STICKY=1 LI_FAULT_REPORT="$WORK/.fault.rep" \
	    bridge "$FAULT_BIN/mqtt2kafka" "$id" "$5" "err-$id"
	# It stops by itself on a fault; else it bridges everything.
	t=0
	while kill -0 $BPID 2>/dev/null && ! done_case "$id" && [ $t -lt 300 ]
	do
		sleep 0.1; t=$((t + 1))
	done
	kill $BPID 2>/dev/null
	wait $BPID
	rc=$?
	hit=0
	grep -q '^inject ' .fault.rep 2>/dev/null && hit=1
	if [ $hit -eq 1 ]; then
		hits=$((hits + 1))
		case $3 in
		ENOSPC) msg='No space left on device' ;;
		EIO) msg='Input/output error' ;;
		EACCES) msg='Permission denied' ;;
		esac
		check "$name: exits 1 (status $rc)" \
		    sh -c "test $rc -eq 1 || { cat 'err-$id'; exit 1; }"
		check_grep "$name: names the file and the error" \
		    "^mqtt2kafka: [^ ]*$1[^ ]*: (.*: )?$msg" "err-$id"
	fi
	# The rerun, fault lifted.
	bridge "$LI_BUILD/bin/mqtt2kafka" "$id" "$5" "err2-$id"
	wait_for 10 grep -q '^mqtt2kafka: subscribed' "err2-$id"
	check "$name: rerun delivers everything" wait_for 30 done_case "$id"
	kill $BPID
	wait $BPID
	rc=$?
	check "$name: rerun exits 0 (status $rc)" \
	    sh -c "test $rc -eq 0 || { cat 'err2-$id'; exit 1; }"
	mqtt2kafka --dump "arch-$id.bson" | grep ',Fault,' | cut -d, -f2 \
	    >"ids-$id.txt"
	check "$name: each invoice archived once" test \
	    "$(sort -u "ids-$id.txt" | wc -l)" -eq $NINV -a \
	    "$(wc -l <"ids-$id.txt")" -eq $NINV
	check "$name: dead letters whole" sh -c "python3 -c '
import json, sys
ids = set()
for line in open(sys.argv[1]):
    ids.add(json.loads(line)[\"MessageId\"])
assert len(ids) == 2, ids
' dlq-$id.jsonl"
	echo "# $id ($name): fault $( [ $hit -eq 1 ] && sed -n 's/^inject //p' .fault.rep | head -n 1 || echo 'not reached'), exit $rc"
}

# count SITE QOS: how many calls of each kind a clean run makes on SITE's
# files, in CALLS_open, CALLS_write, ...
runs=0
count() {
	runs=$((runs + 1))
	id=n$runs
	mosquitto_sub -p "$MQ_PORT" -c -i "$id" -q "$2" -t "f/$id" -E >/dev/null
	messages "$id" >"msg-$id.txt"
	timeout 30 mosquitto_pub -p "$MQ_PORT" -t "f/$id" -q "$2" -l \
	    <"msg-$id.txt"
	rm -f .fault.rep
	LI_FAULT_PATH=$1 LI_FAULT_N=0 LI_FAULT_REPORT="$WORK/.fault.rep" \
	    bridge "$FAULT_BIN/mqtt2kafka" "$id" "$2" "err-$id"
	wait_for 10 grep -q '^mqtt2kafka: subscribed' "err-$id"
	wait_for 30 done_case "$id"
	kill $BPID
	wait $BPID
	for op in open write fsync rename close; do
		eval "CALLS_$op=$(sed -n "s/^calls-$op //p" .fault.rep | tail -n 1)"
	done
}

# sweep SITE QOS OP...: fault each OP of SITE's files.  ENOSPC at the
# first, second and last call, EIO and EACCES at the first (every N for
# all three with M2K_FAULT_FULL=1).
sweep() {
	site=$1 qos=$2
	shift 2
	case " ${M2K_FAULT_SITES:-$site} " in *" $site "*) ;; *) return ;; esac
	count "$site" "$qos"
	for op; do
		eval "n=\${CALLS_$op:-0}"
		echo "# $site $op (QoS $qos): $n calls in a clean run"
		check "$site $op: used" test "$n" -gt 0
		k=1
		while [ "$k" -le "$n" ]; do
			if [ "$FULL" = 1 ] || [ $k -le 2 ] || [ $k -eq "$n" ]
			then
				run_case "$site" $op ENOSPC $k "$qos"
			fi
			if [ "$FULL" = 1 ] || [ $k -eq 1 ]; then
				run_case "$site" $op EIO $k "$qos"
				run_case "$site" $op EACCES $k "$qos"
			fi
			k=$((k + 1))
		done
	done
}

sweep journal. 1 open write fsync
sweep invoice-no 1 open write fsync rename
sweep .bson 1 open write fsync
sweep .jsonl 1 open write fsync
# paho's store holds QoS 2 state (a received message until its PUBREL).
sweep paho.log 2 open write rename
echo "# $cases cases, $hits with the fault injected"
check "every site was hit" test $hits -gt 0
done_testing
