#!/bin/sh
# SIGTERM ends reduce within a second, exit 0, in every state: reading a
# pipe with no data, waiting for a FIFO's first writer, following a file,
# writing a large snapshot, reading Kafka with the broker gone or a group
# coordinator that does not answer; and what it leaves (the last tick
# line, the checkpoint) is consistent: a rerun from the checkpoint ends
# with the uninterrupted run's snapshot.
. "$LI_TOP/tests/lib.sh"

# stop_in_time PID NAME: SIGTERM, then ok when it exits 0 within 1 s.
stop_in_time() {
	_s=$(date +%s%N)
	kill -TERM "$1"
	wait "$1"
	_rc=$?
	_ms=$(( ($(date +%s%N) - _s) / 1000000 ))
	check "$2: SIGTERM ends it in $_ms ms (at most 1000), exit 0 ($_rc)" \
	    test "$_rc" -eq 0 -a "$_ms" -le 1000
}

SPEC='x.csv: BranchName -> n=count(), s=sum(FinalAmount)'
synthgen -s 7 400 >all.csv
head -n 201 all.csv >part1.csv
reduce --no-sync -q -a "$SPEC" -o whole all.csv >/dev/null

# ---- a pipe with no data ---------------------------------------------------
mkfifo feed
(cat part1.csv; exec sleep 60) >feed &
writer=$!
at_exit "kill $writer 2>/dev/null"
reduce --no-sync -q -a "$SPEC" --tick 60 --tick-rows 200 --checkpoint a.ckpt \
    -o a <feed >a.out &
pid=$!
check "pipe: 200 rows read, then no data" wait_for 10 grep -q '^1,[^,]*,200,0,' a.out
stop_in_time $pid "pipe with no data"
kill $writer 2>/dev/null
check_grep "pipe: the final tick line counts them" '^2,[^,]*,200,0,' a.out
check_grep "pipe: the checkpoint stands just past them" \
    "^input,-,$(wc -c <part1.csv),202,0\$" a.ckpt
check "pipe: rerun from the checkpoint (the stream sent again) exits 0" \
    sh -c "reduce --no-sync -q -a '$SPEC' --checkpoint a.ckpt -o a <all.csv >/dev/null"
check_same "pipe: and ends with the uninterrupted snapshot" whole/x.csv a/x.csv

# ---- a FIFO without a writer -----------------------------------------------
mkfifo nowriter.fifo
reduce --no-sync -q -a "$SPEC" --tick 60 -o b nowriter.fifo >b.out &
pid=$!
check "FIFO: waiting for its first writer" wait_for 10 grep -q '^tick,' b.out
stop_in_time $pid "FIFO without a writer"

# ---- a line that never ends ---------------------------------------------------
# The rest of an over-long record is skipped in lib/csvio, which returns to
# reduce after every read (CSVIO_EINTR), so the stop flag is seen.  A sparse
# file of zeros is read without a pause (never EAGAIN, as a pipe may give),
# as `cat /dev/zero |` is when the writer keeps ahead.
truncate -s 64G zero.csv
timeout -s KILL 10 reduce --no-sync -a "$SPEC" --tick 60 -o z zero.csv \
    >z.out 2>z.err &
pid=$!
check "endless line: rejected as too long" wait_for 10 grep -q 'record too long' z.err
stop_in_time $pid "skipping an endless line"
rm -f zero.csv

# ---- following a file ------------------------------------------------------
cp part1.csv f.csv
reduce --no-sync -q -a "$SPEC" -f --tick 60 --tick-rows 200 --checkpoint c.ckpt \
    -o c f.csv >c.out &
pid=$!
check "follow: 200 rows read" wait_for 10 grep -q '^1,[^,]*,200,0,' c.out
stop_in_time $pid "following a file"
check_grep "follow: the checkpoint stands at the end of the file" \
    "^input,f.csv,$(wc -c <f.csv),202,0\$" c.ckpt
tail -n +202 all.csv >>f.csv
check "follow: a rerun reads on from it" sh -c \
    "reduce --no-sync -q -a '$SPEC' --checkpoint c.ckpt -o c f.csv >/dev/null"
check_same "follow: and ends with the uninterrupted snapshot" whole/x.csv c/x.csv

# ---- during a large snapshot write ------------------------------------------
# 300,000 groups: a snapshot of 4.6 MB and a checkpoint of 10 MB, written
# after the last row while the pipe stays open.
seq 1 300000 | awk 'BEGIN { print "K,V" } { print $1 ",1" }' >big.csv
mkfifo bigfeed
(cat big.csv; exec sleep 60) >bigfeed &
writer=$!
at_exit "kill $writer 2>/dev/null"
reduce -q -a 'x.csv: K -> n=count(), s=sum(V)' --tick 60 --tick-rows 300000 \
    --checkpoint d.ckpt -o d <bigfeed >d.out &
pid=$!
caught=0 i=0
while [ $caught -eq 0 ] && [ $i -lt 2000000 ] && kill -0 $pid 2>/dev/null; do
	for f in d/x.csv.tmp.* d.ckpt.tmp.*; do
		[ -e "$f" ] && caught=1
	done
	i=$((i + 1))
done
check "large snapshot: caught writing it" test $caught -eq 1
stop_in_time $pid "during a large snapshot write"
kill $writer 2>/dev/null
check "large snapshot: no temp file left" sh -c '! ls d/*.tmp.* d.ckpt.tmp.* 2>/dev/null'
check "large snapshot: it holds every group" test "$(wc -l <d/x.csv)" -eq 300001
check "large snapshot: the checkpoint holds the same" sh -c \
    "reduce --no-sync -q -a 'x.csv: K -> n=count(), s=sum(V)' --merge -o dm d.ckpt &&
     cmp -s d/x.csv dm/x.csv"

# ---- Kafka -------------------------------------------------------------------
mkfifo ctl
kafka_mock -b 1 -p 2 -t t -c ctl >addr 2>mock.err &
mock=$!
at_exit "kill $mock 2>/dev/null"
check "mock cluster up" wait_for 20 test -s addr
B=$(cat addr)
check "replay produces 100 rows" timeout 60 replay -q --synth --rows 100 \
    -b "$B" -t t --kafka-key TransactionID
exec 9>ctl	# keep the control FIFO open

# Offsets in a checkpoint: the sum over its partitions of LAST + 1.
counted() { awk -F, '/^ext,kafka,/ { n += $5 + 1 } END { print n + 0 }' "$1"; }

# A group coordinator that does not answer (the mock's round trip set to
# 20 s): leaving the group would take seconds, and is cut short.
reduce --no-sync -a "$SPEC" -b "$B" --topic t -G g1 --tick 0.1 \
    -X session.timeout.ms=6000 --checkpoint k2.ckpt -o k2 >k2.out 2>k2.err &
pid=$!
check "kafka group: 100 rows read" wait_for 30 grep -q '^[0-9]*,[^,]*,100,0,' k2.out
echo "rtt 1 20000" >&9
stop_in_time $pid "kafka group, a coordinator that does not answer"
check_grep "kafka group: says it left without a goodbye" \
    'the group did not answer within 0.5 s' k2.err
check "kafka group: the checkpoint counts every message once" \
    test "$(counted k2.ckpt)" -eq 100
echo "rtt 1 0" >&9

# The broker gone, under an instance on fixed partitions and a member of
# a group.
reduce --no-sync -q -a "$SPEC" -b "$B" --topic t --partitions 0-1 \
    --tick 0.1 --checkpoint k1.ckpt -o k1 >k1.out 2>k1.err &
pid1=$!
reduce --no-sync -q -a "$SPEC" -b "$B" --topic t -G g2 --tick 0.1 \
    -X session.timeout.ms=6000 --checkpoint k3.ckpt -o k3 >k3.out 2>k3.err &
pid3=$!
check "kafka: 100 rows read by both" wait_for 30 sh -c \
    "grep -q '^[0-9]*,[^,]*,100,0,' k1.out && grep -q '^[0-9]*,[^,]*,100,0,' k3.out"
kill $mock
wait $mock 2>/dev/null
stop_in_time $pid1 "kafka partitions, the broker gone"
check "kafka partitions, broker gone: every message counted once" \
    test "$(counted k1.ckpt)" -eq 100
stop_in_time $pid3 "kafka group, the broker gone"
check "kafka group, broker gone: every message counted once" \
    test "$(counted k3.ckpt)" -eq 100
exec 9>&-

done_testing
