#!/bin/sh
# One reduce per snapshot directory: a second one fails clearly while the
# first runs; after the first is killed with -9 the directory is free.
. "$LI_TOP/tests/lib.sh"
mkfifo in.fifo
reduce --no-sync -q -o snap in.fifo >first.out 2>first.err &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
exec 3>in.fifo
replay --synth --rows 10 >&3
check "the first has started" wait_for 20 test -f snap/kpis.csv
replay --synth --rows 10 > small.csv
check_fail "a second reduce on the same directory exits 1" 1 reduce -q -o snap small.csv
check_grep "and says why" "^reduce: snap: in use by another reduce$" "$WORK/.out"
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
check "after kill -9 the directory is free" reduce -q -o snap small.csv
check_grep "and the snapshot is written" "^TotalRevenue," snap/kpis.csv
done_testing
