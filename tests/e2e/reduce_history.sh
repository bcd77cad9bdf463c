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
done_testing
