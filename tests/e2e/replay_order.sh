#!/bin/sh
# replay --speedup on input out of time order (issue 13): the clock follows
# the newest event time, so a backward jump never restarts it; --sort sends
# the rows in time order; --reorder DURATION does within a window.  Wall
# times are checked against bounds at a large speedup, so the test is fast.
. "$LI_TOP/tests/lib.sh"

# ms CMD...: run CMD; MS is how long it took, in milliseconds.
ms() {
	_t0=$(date +%s%N)
	"$@"
	_rc=$?
	MS=$(( ($(date +%s%N) - _t0) / 1000000 ))
	return $_rc
}

# times FILE: the Timestamp column of FILE (a replay store), no header.
ev_times() { sed 1d "$1" | cut -d, -f2; }

# sorted FILE: 0 when the times of FILE never go back.
in_order() { ev_times "$1" > "$1.t"; sort -c "$1.t"; }

# 300 rows over one day (times 0:00 to 24:00), shuffled: each backward
# jump is a restart for a clock that follows the previous row.
replay --synth --rows 300 --days 1 --seed 5 > sorted.csv
replay --synth --rows 300 --days 1 --seed 5 --shuffle > mixed.csv
ev_times mixed.csv > mixed.t
check "the shuffled input is out of order" sh -c '! sort -c mixed.t 2>/dev/null'

# The span of the times, in ms at a day a second.
t0=$(date -u -d "$(sed -n 2p sorted.csv | cut -d, -f2)" +%s)
t1=$(date -u -d "$(tail -n 1 sorted.csv | cut -d, -f2)" +%s)
span=$(( (t1 - t0) * 1000 / 86400 ))

# A day a second: the newest time is reached once, so the wall time is at
# most the span.  A clock that restarts at every backward jump runs about
# a third of the day for each of the ~150 of them: a minute.
ms replay -v --speedup 86400 mixed.csv > plain.out 2> plain.err
check "--speedup on unsorted input: wall ${MS} ms (span $span ms; < span + 2500)" \
    test "$MS" -lt $((span + 2500))
check_same "--speedup alone sends the rows as they come" mixed.csv plain.out
check_grep "-v counts the rows sent at once as late" \
    '^replay: [1-9][0-9]* rows older than the newest before them sent at once$' \
    plain.err

# --sort: in time order, the same rows, in the span over the speedup.
ms replay -v --speedup 86400 --sort mixed.csv > sort.out 2> sort.err
check "--sort: wall ${MS} ms (span $span ms: paced, < span + 2500)" \
    sh -c "test $MS -ge $((span - 20)) && test $MS -lt $((span + 2500))"
check "--sort: the times never go back" in_order sort.out
sort mixed.csv > a.s; sort sort.out > b.s
check_same "--sort: the same rows" a.s b.s
check "--sort: the header first" test "$(head -n 1 sort.out)" = \
    "$(head -n 1 mixed.csv)"
ev_times sorted.csv > sorted.t; ev_times sort.out > sort.t
check_same "--sort: the times of the sorted store" sorted.t sort.t
check_grep "--sort: no row is late" \
    '^replay: 0 rows older than the newest before them sent at once' sort.err

# --sort is stable: rows of one time keep their input order.
printf 'Timestamp,n\n2024-01-01 10:00:00,a\n2024-01-01 09:00:00,b\n2024-01-01 10:00:00,c\nnot a time,d\n2024-01-01 09:00:00,e\n' > ties.csv
replay -q --speedup 1e9 --sort ties.csv > ties.out
printf 'Timestamp,n\n2024-01-01 09:00:00,b\n2024-01-01 09:00:00,e\n2024-01-01 10:00:00,a\n2024-01-01 10:00:00,c\nnot a time,d\n' > ties.want
check_same "--sort is stable; an unparsable time stays after its predecessor" \
    ties.want ties.out

# --reorder: rows at most 30 minutes out of order come out in order; one
# 5 hours late is sent at once and counted.
cat > win.csv <<'CSV'
Timestamp,n
2024-01-01 10:00:00,1
2024-01-01 10:20:00,3
2024-01-01 10:10:00,2
2024-01-01 10:40:00,5
2024-01-01 10:30:00,4
2024-01-01 11:50:00,7
2024-01-01 06:50:00,late
2024-01-01 11:30:00,6
2024-01-01 13:00:00,8
CSV
ms replay -v --speedup 36000 --reorder 1h win.csv > win.out 2> win.err
check "--reorder: wall ${MS} ms (3 hours at 10 h/s: 300 to 3000)" \
    sh -c "test $MS -ge 250 && test $MS -lt 3000"
echo $(cut -d, -f2 win.out) > win.got
echo "n 1 2 3 4 5 late 6 7 8" > win.want
check_same "--reorder 1h: in order within the window, the late row at once" \
    win.want win.got
check_grep "--reorder: -v counts the row later than the window" \
    '^replay: 1 rows later than the --reorder window sent at once$' win.err

# The reorder window on the shuffled day: a window of a whole day sorts it.
replay -q --speedup 1e9 --reorder 1d mixed.csv > rday.out
check "--reorder 1d on a shuffled day: in order" in_order rday.out

# Usage.
check_fail "--sort needs --speedup" 2 --msg "^replay: --sort and --reorder need --speedup" \
    replay --sort mixed.csv
check_fail "--reorder takes a duration" 2 \
    --msg "^replay: --reorder: 'soon' is not a duration" \
    replay --speedup 60 --reorder soon mixed.csv
done_testing
