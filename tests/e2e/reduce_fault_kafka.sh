#!/bin/sh
# Fault injection at the --state-dir write sites of reduce reading Kafka
# (librdkafka's mock cluster, 2 partitions, 100 rows): for every N, the
# Nth open, write, fsync, rename or close of a file in the state directory
# (partition checkpoints, their temp files, lock files, the directory
# itself, fsynced after a rename) fails with EIO, with ENOSPC or EACCES
# (alternately), and kills reduce there
# (LI_FAULT_CRASH, as kill -9).  At every N reduce exits non-zero naming
# the file and the error (a crash: 137), and with the fault lifted the
# same command reads on from the partition checkpoints and ends with the
# snapshot of a run that never saw a fault: every row counted once.
# (tests/e2e/reduce_fault.sh sweeps the other write sites with every
# errno; a Kafka run takes a quarter of a second, hence the smaller set.)
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/fault/lib.sh"

if [ -d /dev/shm ] && D=$(mktemp -d /dev/shm/li-fault.XXXXXX 2>/dev/null); then
	at_exit "rm -rf '$D'"
	cd "$D" || exit 1
	WORK=$D
fi

kafka_mock -b 1 -p 2 -t t >addr 2>mock.err &
mock=$!
at_exit "kill $mock 2>/dev/null"
check "mock cluster up" wait_for 20 test -s addr
B=$(cat addr)
check "replay produces 100 rows" timeout 60 replay -q --synth --rows 100 \
    -b "$B" -t t --kafka-key TransactionID

S1='b.csv: BranchName -> rev=sum(FinalAmount), n=count()'
red() {
	timeout -k 2 30 "$R" -q -a "$S1" -b "$B" --topic t --partitions 0-1 \
	    --state-dir sd -e --tick-rows 30 -o snap
}
R=reduce red >ref.ticks
cp snap/b.csv ref.csv
check "reference run counts 100 rows" grep -q '^[0-9]*,[^,]*,100,0,' ref.ticks

LI_FAULT_PATH=sd
export LI_FAULT_PATH
calls=$(rm -rf sd snap; R=$FAULT_BIN/reduce fault_calls red)
check "the state directory sees writes ($calls calls)" test "${calls:-0}" -gt 8

fails=0 runs=0 k=1
while [ "$k" -le "${calls:-0}" ]; do
	alt=ENOSPC
	[ $((k % 2)) -eq 0 ] && alt=EACCES
	for mode in EIO $alt CRASH; do
		case $mode in
		ENOSPC) msg='No space left on device' ;;
		EIO) msg='Input/output error' ;;
		EACCES) msg='Permission denied' ;;
		CRASH) msg= ;;
		esac
		rm -rf sd snap
		crash=0
		[ "$mode" = CRASH ] && crash=1
		LI_FAULT_ERRNO=$mode LI_FAULT_CRASH=$crash R=$FAULT_BIN/reduce \
		    fault_at "$k" red
		runs=$((runs + 1))
		read -r _w op fpath <"$WORK/.fault.rep"
		nm=${fpath%.tmp.??????}
		bad=
		if [ "$FAULT_HIT" -ne 1 ]; then
			bad="call $k was not reached"
		elif [ "$mode" = CRASH ]; then
			[ "$FAULT_RC" -eq 137 ] || bad="exit $FAULT_RC after a crash"
		elif [ "$FAULT_RC" -eq 0 ]; then
			# A lock file is only flocked, the directory only
			# fsynced: their close may fail unseen.
			case $op:$fpath in
			close:*.lock|close:sd) ;;
			*) bad="exit 0 after '$op $fpath' failed" ;;
			esac
		elif ! grep -q "^reduce: .*$nm.*: $msg\$" "$WORK/.fault.err"; then
			bad="no 'reduce: ...$nm...: $msg' after '$op $fpath' failed: $(head -c 300 "$WORK/.fault.err")"
		fi
		if [ -z "$bad" ]; then
			R=reduce red >/dev/null 2>rerun.err ||
			    bad="rerun failed: $(head -c 300 rerun.err)"
			[ -z "$bad" ] && ! cmp -s ref.csv snap/b.csv &&
			    bad="rerun: the snapshot differs: $(tr '\n' ' ' <snap/b.csv)"
		fi
		if [ -n "$bad" ]; then
			fails=$((fails + 1))
			[ "$fails" -le 5 ] && echo "# $mode at $k: $bad"
		fi
	done
	k=$((k + 1))
done
unset LI_FAULT_PATH
check "state dir: $runs faults over $calls calls, each reported and recovered" \
    test "$fails" -eq 0

done_testing
