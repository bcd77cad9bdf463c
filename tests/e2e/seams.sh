#!/bin/sh
# The tools together, as a shop in India runs them: TZ=Asia/Kolkata (and
# New York for the other side of UTC), replay | reduce with its ticks to
# alertd and render, the README's cron line, headerless and unsorted
# input.  Each tool has its own tests; these check what passes between
# them.
. "$LI_TOP/tests/lib.sh"
rules=$LI_TOP/examples/liveinsight.rules
layout=$LI_TOP/examples/dashboard.layout

# epoch TIME: seconds since the epoch of an RFC 3339 time with an offset.
epoch() { date -d "$1" +%s; }
# near A B: A and B within 300 s of each other.
near() { [ $(( $1 > $2 ? $1 - $2 : $2 - $1 )) -le 300 ]; }

# ---- replay | reduce | (alertd, render) in Kolkata ------------------------
export TZ=Asia/Kolkata
replay --synth --rows 3000 --seed 3 --weak-branch Yelahanka:0.5 >sales.csv
reduce -o snap --tick-rows 1000 <sales.csv >ticks 2>reduce.err
check "reduce ran in Kolkata" test -s snap/kpis.csv
tick=$(awk -F, 'NR == 2 { print $2 }' ticks)
ev=$(awk -F, 'NR == 2 { print $6 }' ticks)
check "a tick's time carries Kolkata's offset ($tick)" \
    sh -c "case '$tick' in *+05:30) ;; *) exit 1 ;; esac"
check "a tick's time is now, as an instant" near "$(epoch "$tick")" "$(date +%s)"
check "event_time is the newest row's wall time, with the offset ($ev)" \
    test "$ev" = "$(awk -F, 'NR > 1 && NR <= 1001 { print $2 }' sales.csv |
	sort | tail -n 1 | sed 's/ /T/; s/$/+05:30/')"

# alertd reads those ticks: its events are in local time with the offset,
# at the instant of the tick that raised them.
alertd -r "$rules" -d snap --ticks ticks </dev/null \
    --state active.csv >events.csv 2>alertd.err
check "alertd read the ticks" test -s events.csv
check_grep "alertd fired on the weak branch" \
    ",firing,underperforming_branch,.*,Yelahanka," events.csv
et=$(awk -F, '$2 == "firing" { print $1; exit }' events.csv)
check "an event's time carries the offset ($et)" \
    sh -c "case '$et' in *+05:30) ;; *) exit 1 ;; esac"
check "an event's time is the tick's instant" near "$(epoch "$et")" "$(epoch "$tick")"
check_grep "the active set names the branch" "^underperforming_branch,Yelahanka," active.csv
since=$(awk -F, '$1 == "underperforming_branch" { print $4 }' active.csv)
check "the active set's since is local time ($since)" \
    sh -c "case '$since' in *+05:30) ;; *) exit 1 ;; esac"

# render's top line: the tick's clock time and the data's time, both in
# the zone of the reader, wherever the writer was.
cp active.csv snap/alerts.active.csv
dash() {
	LC_ALL=C.UTF-8 COLUMNS=120 LINES=40 render dash --layout "$layout" \
	    -d snap --ticks ticks | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
	    grep -a -o 'tick [0-9].*' | tail -n 1
}
top=$(dash)
hm=$(date -d "$tick" +%H:%M)
evl=$(date -d "$(awk -F, 'END { print $6 }' ticks)" '+%Y-%m-%d %H:%M')
check "render's top line in Kolkata: $top" \
    sh -c "echo '$top' | grep -q -e 'data $evl' && echo '$top' | grep -q -e ' $hm'"
top=$(TZ=America/New_York dash)
hm=$(TZ=America/New_York date -d "$tick" +%H:%M)
evl=$(TZ=America/New_York date -d "$(awk -F, 'END { print $6 }' ticks)" '+%Y-%m-%d %H:%M')
check "the same ticks read in New York: $top" \
    sh -c "echo '$top' | grep -q -e 'data $evl' && echo '$top' | grep -q -e ' $hm'"
check "the alerts panel shows the branch" sh -c \
    "LC_ALL=C.UTF-8 COLUMNS=120 LINES=40 render dash --layout '$layout' -d snap \
	--ticks ticks | grep -a -q Yelahanka"

# ---- the README's cron line answers ----------------------------------------
alertd -r "$rules" -d snap --stock "$LI_TOP/examples/stock.csv" --once \
    </dev/null >once.out 2>once.err
rc=$?
check "the cron line answers OK, WARNING or CRITICAL (status $rc)" test $rc -le 2
check_grep "the cron line checked reorder levels" "reorder\[" once.out
check "the cron line has nothing unknown" sh -c '! grep -q UNKNOWN once.out'

# ---- data as it comes: headerless, unsorted --------------------------------
unset TZ
sed 1d sales.csv | reduce -q -o nohdr --no-header >/dev/null
reduce -q -o hdr <sales.csv >/dev/null
check "headerless rows give the same snapshot" \
    diff -r -x '.*' hdr nohdr
{ head -n 1 sales.csv; sed 1d sales.csv | shuf --random-source=sales.csv; } \
    >shuffled.csv
replay --sort --speedup 1000000000 shuffled.csv >sorted.csv 2>sort.err
check "replay --sort gives the rows in time order" sh -c \
    "sed 1d sorted.csv | cut -d, -f2 | sort -c"
check "replay --sort loses no row" test "$(wc -l <sorted.csv)" -eq "$(wc -l <sales.csv)"
reduce -q -o shuf <shuffled.csv >/dev/null
check "unsorted rows give the same totals" \
    diff snap/branch_sales.csv shuf/branch_sales.csv

done_testing
