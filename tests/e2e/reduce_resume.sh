#!/bin/sh
# reduce --checkpoint: kill -9 mid-way, rerun the same command, and the
# final snapshot (and rejects file) equals that of an uninterrupted run.
. "$LI_TOP/tests/lib.sh"

synthgen -s 3 -e 40 20000 >all.csv
# An uninterrupted run is the reference.
reduce --no-sync -q --rejects whole.rej -o whole all.csv >/dev/null

# ---- a FIFO fed in stages ------------------------------------------------
mkfifo in.fifo
run() {
	exec reduce --no-sync -q --tick 60 --tick-rows 1000 --checkpoint ck \
	    --rejects snap.rej -o snap in.fifo
}
run >t1.out 2>&1 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
exec 3>in.fifo
head -n 8501 all.csv >&3
check "FIFO: 8000 rows checkpointed" wait_for 20 grep -q '^8,.*,8000,0,' t1.out
sleep 0.3	# rows past the checkpoint are read, then lost with the process
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
check_grep "FIFO: checkpoint left behind" '^input,in.fifo,' ck
# The producer sends the stream again from its start; reduce skips what the
# checkpoint holds.
run >t2.out 2>&1 &
pid=$!
cat all.csv >in.fifo
wait $pid
rc=$?
check "FIFO: rerun exits 0" test "$rc" -eq 0
check "FIFO: resumed snapshot equals the uninterrupted one" diff -r whole snap
check_same "FIFO: rejects file has each reject once" whole.rej snap.rej
check_grep "FIFO: final tick counts every row once" ',20000,40,' t2.out

# ---- a followed file -----------------------------------------------------
head -n 5001 all.csv >grow.csv
follow() {
	exec reduce --no-sync -q -f --tick 0.1 --checkpoint ck2 -o snapf grow.csv
}
follow >f1.out 2>&1 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
check "follow: 5000 rows seen" wait_for 20 grep -q ',5000,0,' f1.out
kill -9 $pid
wait $pid 2>/dev/null
tail -n +5002 all.csv >>grow.csv
follow >f2.out 2>&1 &
pid=$!
check "follow: resumed run catches up" wait_for 20 grep -q ',20000,40,' f2.out
kill -TERM $pid
wait $pid
rc=$?
check "follow: SIGTERM ends with exit 0" test "$rc" -eq 0
check "follow: resumed snapshot equals the uninterrupted one" diff -r whole snapf
check "follow: no temp files left" sh -c '! ls snapf ck2.tmp.* 2>/dev/null | grep -q tmp'
done_testing
