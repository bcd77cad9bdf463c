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
# Rows past the checkpoint are read (the FIFO is drained), then lost with
# the process.
check "FIFO: the rows past the checkpoint are read" wait_for 20 python3 -c \
    'import array, fcntl, termios; a = array.array("i", [0]); fcntl.ioctl(3, termios.FIONREAD, a); raise SystemExit(a[0] != 0)'
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

# ---- a stream shorter than the checkpoint ---------------------------------
cp ck ck.saved
head -n 100 all.csv | reduce --no-sync -q --checkpoint ck -o short >/dev/null 2>err.out
check_grep "short stream: stdin is another input" "^reduce: ck: checkpoint is for input 'in.fifo'\$" err.out
head -n 5001 all.csv | reduce --no-sync -q --checkpoint ckstdin -o s1 >/dev/null
cp ckstdin ckstdin.saved
head -n 100 all.csv | reduce --no-sync -q --checkpoint ckstdin -o s2 >/dev/null 2>err.out
rc=$?
check "short stream: exit 1" test "$rc" -eq 1
check_grep "short stream: clear error" '^reduce: stdin: input ended before the checkpoint.s position [0-9]+$' err.out
check_same "short stream: checkpoint left as it was" ckstdin.saved ckstdin
reduce --no-sync -q --checkpoint ckstdin -o s3 </dev/null >/dev/null 2>err.out
check_grep "empty stream on resume: clear error" '^reduce: stdin: input ended before the checkpoint.s position [0-9]+$' err.out
cat all.csv | reduce --no-sync -q --checkpoint ckstdin -o s4 >/dev/null
reduce --no-sync -q -o s5 all.csv >/dev/null
check "stdin resumed by skipping: equals a whole run" diff -r s5 s4

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
