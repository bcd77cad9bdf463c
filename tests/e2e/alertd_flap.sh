#!/bin/sh
# The shipped rules do not flap on the demo stream: the first 10,000 rows
# of replay --synth --days 180 --weak-branch Yelahanka:0.6, through reduce
# with --tick-rows, through examples/liveinsight.rules.  No alert fires or
# resolves more than once (before hysteresis= and min_stat=, one product
# fired 5 times and resolved 4); the weak branch does fire.
#
# Not the event-time rules (branch_below_last_week, stale_branch): this
# stream has 55 rows a day, so a tick of 100 rows spans 1.8 days of event
# time and a branch's idle minutes and its change against last week jump
# on every tick (measured: stale_branch fired 38 times per branch in these
# rows).  They are for a live feed; tests/e2e/reduce_pop.sh checks them.
. "$LI_TOP/tests/lib.sh"
TZ=UTC; export TZ
sed -e '/^branch_below_last_week /d' -e '/^stale_branch /d' \
    "$LI_TOP/examples/liveinsight.rules" >shop.rules
R=$WORK/shop.rules

for seed in 1 2; do
	rm -rf snap
	replay --synth --seed "$seed" --rows 10000 --days 180 \
	    --weak-branch Yelahanka:0.6 -q |
	    reduce -o snap --tick-rows 100 --no-sync -q |
	    alertd -r "$R" -d snap --stock "$LI_TOP/examples/stock.csv" \
	    --clock=input >ev.$seed 2>err.$seed
	check "seed $seed: the pipeline runs" test $? -eq 0
	check "seed $seed: 100 ticks, no warning" test ! -s err.$seed
	# Transitions per alert and key: status,alert,key.
	tail -n +2 ev.$seed | awk -F, '{ n[$2 "," $3 "," $5]++ }
	    END { for (k in n) if (n[k] > 1) print n[k], k }' >flaps.$seed
	check "seed $seed: no alert fires or resolves twice" test ! -s flaps.$seed
	[ -s flaps.$seed ] && sed 's/^/#   /' flaps.$seed
	check_grep "seed $seed: the weak branch fires" \
	    ',firing,underperforming_branch,warning,Yelahanka,' ev.$seed
done
done_testing
