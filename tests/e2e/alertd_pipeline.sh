#!/bin/sh
# The man page's pipelines with the real replay and reduce: a synthetic
# store with a weak branch and a product that sells out.
. "$LI_TOP/tests/lib.sh"
# Event times are local (TZ) with their offset: the expected ones are UTC.
TZ=UTC; export TZ
R=$LI_TOP/examples/liveinsight.rules
STOCK=$LI_TOP/examples/stock.csv

if ! command -v replay >/dev/null 2>&1 || ! command -v reduce >/dev/null 2>&1
then
	skip "replay | reduce | alertd" "replay or reduce not built"
	done_testing
	exit 0
fi

# Ticks by rows only (not by time), so their number does not depend on
# how fast the machine is: 25 of 1000 rows and the final one.
replay --synth --weak-branch Yelahanka:0.3 --hot-product 'Masala Tea 500g:5' |
    reduce -o snap --tick 1h --tick-rows 1000 |
    alertd -r "$R" -d snap --stock "$STOCK" --clock=input -v >out 2>err
check "replay | reduce | alertd: exit 0" test $? -eq 0
check_grep "the weak branch fires underperforming_branch" \
    '^[^,]+,firing,underperforming_branch,warning,Yelahanka,[0-9.]+,"TotalRevenue [0-9.]+ < 0\.7\*mean \(mean [0-9.]+, threshold [0-9.]+\)"$' out
check "no other branch underperforms" \
    test "$(grep -c ',underperforming_branch,' out)" -eq 1
check_grep "the hot product fires reorder" \
    '^[^,]+,firing,reorder,warning,Masala Tea 500g,[0-7](\.[0-9]+)?,' out
check "no other product needs reordering" \
    test "$(grep ',reorder,' out | grep -vc ',Masala Tea 500g,')" -eq 0
check_grep "all ticks read" '^alertd: stdin: 26 records, 0 malformed$' err

# --once from cron on the finished snapshot: warnings, exit 1.  A single
# snapshot gives no velocity, so the reorder rule counts as unknown, except
# for the product that has sold out.
alertd -r "$R" -d snap --stock "$STOCK" --once </dev/null >once.out
check "--once on the snapshot: exit 1 (warning)" test $? -eq 1
check_grep "--once: the weak branch" \
    '^LIVEINSIGHT WARNING - .*underperforming_branch\[Yelahanka\]=[0-9.]+ WARNING' once.out
check_grep "--once: the sold-out product" \
    'reorder\[Masala Tea 500g\]=0 WARNING' once.out

# Ticks on a FIFO, samples on stdin, a hook that logs (the man page's
# third example, bounded).
mkfifo ticks
rm -rf snap
replay --synth --rows 3000 --weak-branch Yelahanka:0.3 |
    reduce -o snap --tick-rows 1000 >ticks &
cat "$LI_TOP/examples/alertd-samples.csv" |
    alertd -r "$R" -d snap --ticks ticks --input - \
    --exec 'echo "$ALERT_MESSAGE" >> alerts.log' >out 2>err
check "FIFO ticks and stdin samples: exit 0" test $? -eq 0
wait
check_grep "FIFO ticks: the weak branch" ',firing,underperforming_branch,warning,Yelahanka,' out
check_grep "stdin samples: the hot CPU" ',firing,cpu_temp,critical,cpu_temp,82,' out
check_grep "the hook logged the CPU event" '^cpu_temp 82 > 80$' alerts.log
check "the hook ran once per event" test "$(wc -l <alerts.log)" -eq "$(($(wc -l <out) - 1))"

done_testing
