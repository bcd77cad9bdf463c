#!/bin/sh
# reduce: event-time windows, --watermark, --since and --until with Kafka
# input (-b), on librdkafka's mock cluster: the row time comes from each
# message's row, as from a file, so one partition read from Kafka gives the
# snapshot and closed-windows files of the same rows read from a file; and
# kill -9 mid-stream, then the same command, counts every row once and
# writes every closed window once (the checkpoint holds the offsets, the
# watermark and the closed files' lengths together).
. "$LI_TOP/tests/lib.sh"
TZ=UTC; export TZ

kafka_mock -b 1 -p 1 -t sales >addr 2>mock.err &
mock=$!
at_exit "kill $mock 2>/dev/null"
check "mock cluster up" wait_for 20 test -s addr
B=$(cat addr)

N=12000
replay --synth --rows $N --days 20 --seed 3 >all.csv
head -n $((N / 2 + 1)) all.csv >first.csv
{ head -n 1 all.csv; tail -n +$((N / 2 + 2)) all.csv; } >second.csv
check "replay produces the first half" timeout 60 replay -q first.csv \
    -b "$B" -t sales --kafka-key TransactionID

W1='-a rev_1h.csv: BranchName, window(1h, 15m) -> Revenue=sum(FinalAmount), n=count()'
W2='-a day.csv: window(1d) -> Revenue=sum(FinalAmount)'
OPTS="--watermark 2h --since 2024-01-03"

# The same rows from a file: the reference.
reduce --no-sync -q "$W1" "$W2" $OPTS -o ref all.csv >ref.ticks
check "reference: windows closed" test "$(wc -l <ref/closed/rev_1h.csv)" -gt 100

# ---- usage: with -b now accepted; with --state-dir still refused ---------
reduce --no-sync -q "$W1" $OPTS -b "$B" -t sales -G g --state-dir sd -o x \
    >/dev/null 2>us.err
check "--state-dir with windows: exit 2" test $? -eq 2
check_grep "--state-dir with windows: says why" 'state-dir' us.err

# ---- kill -9 mid-stream, then resume --------------------------------------
run() {
	exec reduce --no-sync -q "$W1" "$W2" $OPTS -b "$B" -t sales \
	    --partitions 0 --tick 60 --tick-rows 1000 --checkpoint ck \
	    -o snap "$@"
}
run >t1.out 2>t1.err &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
check "first run: 2 ticks checkpointed" wait_for 30 grep -q "^2," t1.out
kill -9 $pid
wait $pid 2>/dev/null
check_grep "the checkpoint holds the Kafka offset" '^ext,kafka,sales,0,[0-9]+,' ck
check_grep "the checkpoint holds the watermark" '^wm,' ck
check "replay produces the second half" timeout 60 replay -q second.csv \
    -b "$B" -t sales --kafka-key TransactionID
(run -e) >t2.out 2>t2.err
check "resumed run exits 0" test "$?" -eq 0 -a ! -s t2.err
# rows,rejected of the last tick line (rows left out by --since are in
# neither).
check "resumed run counted the rows of the file run" test \
    "$(tail -n 1 t2.out | cut -d, -f3,4)" = "$(tail -n 1 ref.ticks | cut -d, -f3,4)"
check "kill -9 and resume: snapshot equals the file run" diff ref/rev_1h.csv snap/rev_1h.csv
check "kill -9 and resume: day windows equal the file run" diff ref/day.csv snap/day.csv
check "kill -9 and resume: each window closed once, as the file run" \
    diff -r ref/closed snap/closed

# ---- late rows: rejected as late, counted ---------------------------------
{
	head -n 1 all.csv
	echo "99999,2024-01-01 00:00:00,M,Whitefield,2,5,1,C,P,1,5.00,5.00,0,5.00,0,UPI"
} >late.csv
check "replay produces a late row" timeout 60 replay -q late.csv \
    -b "$B" -t sales --kafka-key TransactionID
reduce --no-sync -v "$W1" --watermark 2h -b "$B" -t sales --partitions 0 \
    -e -o lt >lt.out 2>lt.err
check "late row: exit 0" test $? -eq 0
check_grep "late row: rejected as late" 'sales\[0\]@[0-9]+: late' lt.err
check_grep "late row: counted in the tick line" "^[0-9]*,[^,]*,$N,1," lt.out
done_testing
