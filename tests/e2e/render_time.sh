#!/bin/sh
# render: times people read follow TZ (issue 13): the top line's tick time
# and event time, read by header name (lib/contract), in Asia/Kolkata and
# America/New_York; replayed history says how old its data is; a bad tick
# line is a warning that -q silences.
. "$LI_TOP/tests/lib.sh"
unset COLUMNS LINES NO_COLOR
U=C.UTF-8
E=$LI_TOP/examples/render-snap

mkdir snap
cp "$E/branch_sales.csv" snap/
printf 'row\nhbar file=branch_sales.csv title=Branches\n' >p.layout

# The top line of the last frame drawn from the ticks in file $1.
top() {	# ticks file, TZ, extra options...
	_t=$1 _tz=$2; shift 2
	TZ=$_tz LC_ALL=$U render dash --layout p.layout -d snap --ticks "$_t" \
	    -w 140 -H 6 --color=never "$@" 2>top.err |
	    tr '\033' '~' | grep -a -o 'LiveInsight.*' | tail -n 1 >top.out
}

# event_time with an offset, tick time in UTC: both in local time.
printf 'tick,time,rows,rejected,lag_s,event_time\n%s\n' \
    '3,2026-12-03T09:10:05Z,70,2,88300000.0,2024-05-26T14:05:00+05:30' \
    >hist.csv
top hist.csv Asia/Kolkata
check_grep "Kolkata: event time and how far behind" \
    "· data 2024-05-26 14:05 \(1022d behind\) · 14:40:05" top.out
check "Kolkata: no lag alone" sh -c '! grep -q "lag 1022d" top.out'
top hist.csv America/New_York
check_grep "New York: the same data in local time" \
    "· data 2024-05-26 04:35 \(1022d behind\) · 04:10:05" top.out
top hist.csv UTC
check_grep "UTC: the data's time in UTC" \
    "· data 2024-05-26 08:35 \(1022d behind\) · 09:10:05" top.out

# Columns by header name, in another order; a live pipeline shows its lag.
printf 'event_time,lag_s,tick,time,rows\n%s\n' \
    '2026-12-03T09:10:04Z,1.5,9,2026-12-03T09:10:05Z,99' >live.csv
top live.csv Asia/Kolkata
check_grep "columns by name: tick, rows, data time and lag" \
    "tick 9 · 99 rows · data 2026-12-03 14:40, lag 1.5s · 14:40:05" top.out

# An older writer: no header, the five columns, UTC with Z.
printf '7,2026-11-23T10:41:07Z,70,0,\n' >old.csv
top old.csv America/New_York
check_grep "headerless ticks, UTC time shown in New York time" \
    "tick 7 · 70 rows · 05:41:07" top.out
top old.csv Asia/Kolkata
check_grep "and in Kolkata time" "tick 7 · 70 rows · 16:11:07" top.out

# An event time without a zone is the store's wall time: as it is.
printf 'tick,time,rows,rejected,lag_s,event_time\n%s\n' \
    '4,2026-12-03T09:10:05Z,5,0,,2024-05-26 14:05:00' >wall.csv
top wall.csv America/New_York
check_grep "an event time without a zone stays" \
    "tick 4 · 5 rows · data 2024-05-26 14:05 · 04:10:05" top.out

# A line that is not a tick: a warning, which -q silences; the ticks
# around it are still read.
printf 'tick,time,rows,rejected,lag_s\n1,2026-12-03T09:10:05Z,1,0,\nx,y\n%s\n' \
    '2,2026-12-03T09:10:06Z,2,0,' >bad.csv
top bad.csv UTC
check_grep "a bad tick line is a warning with file:line" \
    "^render: bad.csv:3: 2 fields, the header has 5$" top.err
check_grep "the ticks after it are read" "tick 2 · 2 rows" top.out
top bad.csv UTC -q
check "-q silences the warning" test ! -s top.err
top bad.csv UTC -vv
check_grep "-vv: each tick" "^render: bad.csv:4: tick$" top.err
check_grep "-vv: each frame's CPU time" \
    "^render: frame 2 drawn in [0-9.]+ ms CPU$" top.err
check_grep "-vv: and the frame count (-v)" "^render: 3 frames$" top.err
done_testing
