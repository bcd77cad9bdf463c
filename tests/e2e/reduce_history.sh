#!/bin/sh
# reduce --history: one kpis.csv row and the branches' rows per tick,
# appended, rotated by size and by age, loaded into SQLite with the
# command reduce(1) gives, and charted by render.
. "$LI_TOP/tests/lib.sh"

synthgen -s 3 3000 >all.csv
reduce --no-sync -q --tick 60 --tick-rows 500 --history h -o s all.csv >/dev/null
check_grep "kpis: the header" "^time,event_time,$(head -n 1 s/kpis.csv)\$" h/kpis.csv
check "kpis: one row per tick that wrote a snapshot (6)" test "$(wc -l <h/kpis.csv)" -eq 7
check "kpis: the last row is the snapshot's" sh -c "tail -n 1 h/kpis.csv | grep -qF ',$(sed 1d s/kpis.csv)'"
check_grep "kpis: stamped with the time and the event time" '^20[0-9-]*T[0-9:]*Z,2024-01-30 21:49:34,' h/kpis.csv
check "branch_sales: five branches a tick" test "$(wc -l <h/branch_sales.csv)" -eq 31
# Appended: a second run adds to the files, header once.
reduce --no-sync -q --history h -o s2 all.csv >/dev/null
check "append: one more row, one header" test "$(grep -c '^time,' h/kpis.csv)" -eq 1 -a "$(wc -l <h/kpis.csv)" -eq 8
# The documented command.
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 hist.db '.import --csv h/kpis.csv kpis' \
	    'SELECT count(*), max(TotalRevenue + 0) FROM kpis' >sq.out
	check_grep "sqlite3: loads the 7 rows, numbers with + 0" "^7\\|$(cut -d, -f1 s/kpis.csv | sed 1d)\$" sq.out
else
	skip "sqlite3: loads" "no sqlite3"
fi
check "render: charts the history" sh -c 'render line -x event_time -y TotalRevenue --series BranchName -w 60 -H 10 --color never h/branch_sales.csv | grep -q Whitefield'
# Rotation by size: the file never grows past the limit (a tick's rows
# and the header), the one before is FILE.1.
reduce --no-sync -q --tick 60 --tick-rows 100 --history r --history-max 1K -o s3 all.csv >/dev/null
check "size: rotated to kpis.csv.1" test -s r/kpis.csv.1
check "size: at most 1K each" sh -c 'test $(wc -c <r/kpis.csv) -le 1024 && test $(wc -c <r/kpis.csv.1) -le 1024'
check "size: each starts with the header" sh -c 'head -n 1 r/kpis.csv.1 | grep -q ^time, && head -n 1 r/kpis.csv | grep -q ^time,'
check "size: no row lost between the two" test "$(cat r/kpis.csv.1 r/kpis.csv | grep -vc ^time,)" -ge 7
# Rotation by age: a file whose first row is older than the limit.
mkdir -p a
{ printf 'time,event_time,'; head -n 1 s/kpis.csv; echo '2020-01-01T00:00:00Z,,1.00,1,1,1,1.00,0,,'; } >a/kpis.csv
reduce --no-sync -q --history a --history-files kpis.csv --history-age 1d -o s4 all.csv >/dev/null
check_grep "age: the old file is kpis.csv.1" '^2020-01-01T00:00:00Z,' a/kpis.csv.1
check "age: the new one has today's row" test "$(grep -vc ^time, a/kpis.csv)" -eq 1
check "age: --history-files kpis.csv only" test ! -e a/branch_sales.csv
check_fail "--history-files: an aggregate the spec lacks" 1 --msg "no aggregate 'nope.csv' in the spec" \
    reduce --history x --history-files nope.csv -o s5 all.csv
check_fail "--history-max needs --history" 2 reduce --history-max 1M -o s6 all.csv

# ---- crash and resume: the history is cut back to the checkpoint ----------
# A tick appends to the history, then saves the checkpoint with the
# history files' lengths; a resumed run cuts them back to those lengths
# (and renames FILE.1 back when the crash came after a rotation), and
# does not append its checkpoint's state again.  So after a crash anywhere
# and a resume, the history holds the rows of an uninterrupted run, but
# for the tick times (their first column): no row twice, none missing.
# From the first checkpoint on: a crash in the first tick, before any
# checkpoint, leaves the rows that tick appended, and the rerun, a fresh
# run, appends to them as to any history it finds.
. "$LI_TOP/tests/fault/lib.sh"
hrun() {	# hrun REDUCE [INPUT]
	"$1" --no-sync -q --tick 60 --tick-rows 250 --checkpoint ck \
	    --history h --history-max 1K -o s "${2:-all.csv}"
}
hnorm() {	# the history without the tick times
	for f in kpis.csv.1 kpis.csv branch_sales.csv.1 branch_sales.csv; do
		echo "== $f"
		cut -d, -f2- "h/$f" 2>/dev/null
	done
}
rm -rf h s ck
hrun reduce >/dev/null
hnorm >h.want
cp -r s s.want
check "crash: the reference history rotates" test -s h/kpis.csv.1 -a -s h/branch_sales.csv.1
bad=0 runs=0 early=0
for sweep in "write,rename h/" "rename ck"; do
	ops=${sweep% *}
	LI_FAULT_OPS=$ops LI_FAULT_PATH=${sweep#* } LI_FAULT_CRASH=1
	export LI_FAULT_OPS LI_FAULT_PATH LI_FAULT_CRASH
	calls=$(rm -rf h s ck; fault_calls hrun "$FAULT_BIN/reduce")
	n=1
	while [ "$n" -le "${calls:-0}" ]; do
		rm -rf h s ck
		fault_at "$n" hrun "$FAULT_BIN/reduce"
		unset LI_FAULT_OPS LI_FAULT_PATH LI_FAULT_CRASH
		[ -e ck ] || early=$((early + 1))
		[ -e ck ] || rm -rf h
		hrun reduce >/dev/null 2>resume.err
		rc=$?
		hnorm >h.got
		runs=$((runs + 1))
		if [ "$FAULT_RC" -ne 137 ] || [ $rc -ne 0 ] || [ -s resume.err ] ||
		    ! cmp -s h.want h.got || ! diff -r s.want s >/dev/null; then
			bad=$((bad + 1))
			echo "# $ops on ${sweep#* }, call $n: crash rc $FAULT_RC, resume rc $rc"
			diff h.want h.got | head -n 5 | sed 's/^/#   /'
		fi
		LI_FAULT_OPS=$ops LI_FAULT_PATH=${sweep#* } LI_FAULT_CRASH=1
		export LI_FAULT_OPS LI_FAULT_PATH LI_FAULT_CRASH
		n=$((n + 1))
	done
	check "crash at each $ops of ${sweep#* } ($calls): sweep ran" test "${calls:-0}" -gt 10
done
unset LI_FAULT_OPS LI_FAULT_PATH LI_FAULT_CRASH
check "crash anywhere, resume: the history of an uninterrupted run ($runs runs, $early before the first checkpoint)" test "$bad" -eq 0 -a $((runs - early)) -gt 50

# kill -9 mid-stream on a FIFO, the stream sent again from its start.
rm -rf h s ck
mkfifo in.fifo
hexec() {	# kill -9 $! must kill reduce itself
	exec reduce --no-sync -q --tick 60 --tick-rows 250 --checkpoint ck \
	    --history h --history-max 1K -o s in.fifo
}
hexec >k1.out 2>&1 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
exec 3>in.fifo
head -n 2001 all.csv >&3
check "kill -9: ticks checkpointed" wait_for 20 grep -q '^6,' k1.out
check "kill -9: the first run's history rotated" test -s h/kpis.csv.1
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
hexec >/dev/null 2>k2.err &
pid=$!
cat all.csv >in.fifo
wait $pid
check "kill -9: the rerun exits 0" test "$?" -eq 0 -a ! -s k2.err
hnorm >h.got
check_same "kill -9: the history of an uninterrupted run" h.want h.got
done_testing
