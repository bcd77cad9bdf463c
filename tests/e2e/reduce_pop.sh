#!/bin/sh
# reduce: pop() (today, the same time yesterday and a week ago, and the
# change in percent) and idle() (minutes since a branch's last sale), the
# rules shipped for them (examples/liveinsight.rules) and the default
# profile that writes them, checked against an independent Python
# computation (reduce_pop.py), and exact across kill -9 and --merge.
. "$LI_TOP/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || { skip "pop" "no python3"; done_testing; exit 0; }
S='-a pop.csv: BranchName -> Rev=pop(FinalAmount), Idle=idle()'
T='-a popt.csv: -> Rev=pop(FinalAmount), Idle=idle()'
ref() {	# ref INPUT OUTDIR: reduce's two files as one, as reduce_pop.py writes
	{ cat "$2/pop.csv"; tail -n +2 "$2/popt.csv" | sed 's/^/*,/'; }
}

# The original data's shape: DD-MM-YYYY HH:MM, integers as floats, and the
# empty rows after the data; 20,000 rows over 30 days.
synthgen -d -f -e 50 -s 5 20000 >orig.csv
reduce --no-sync -q "$S" "$T" -o o orig.csv >/dev/null
python3 "$LI_TOP/tests/e2e/reduce_pop.py" orig.csv o.want
ref orig.csv o >o.got
check_same "pop and idle equal Python's (DD-MM-YYYY HH:MM data)" o.want o.got
synthgen -s 9 30000 >all.csv
head -n 20001 all.csv >cut.csv	# now is in the middle of a day
reduce --no-sync -q "$S" "$T" -o c cut.csv >/dev/null
python3 "$LI_TOP/tests/e2e/reduce_pop.py" cut.csv c.want
ref cut.csv c >c.got
check_same "pop and idle equal Python's (now mid-day)" c.want c.got
check "pop: the changes are not all empty" grep -q ',-\{0,1\}[0-9][0-9]*\.[0-9],' c.got

# ---- kill -9 and resume ----------------------------------------------------
reduce --no-sync -q "$S" "$T" -o whole all.csv >/dev/null
mkfifo in.fifo
run() {
	exec reduce --no-sync -q --tick 60 --tick-rows 2000 --checkpoint ck \
	    "$S" "$T" -o snap in.fifo
}
run >t1.out 2>&1 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
exec 3>in.fifo
head -n 12001 all.csv >&3
check "kill -9: 10000 rows checkpointed" wait_for 20 grep -q '^5,' t1.out
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
check_grep "kill -9: the checkpoint holds the minute sums" '^p,0,0,' ck
run >t2.out 2>&1 &
pid=$!
cat all.csv >in.fifo
wait $pid
check "kill -9: rerun exits 0" test "$?" -eq 0
check "kill -9: snapshot equals an uninterrupted run" diff -r whole snap

# ---- merge -----------------------------------------------------------------
awk -F, 'NR == 1 || $4 == "Whitefield"' all.csv >h1.csv
awk -F, 'NR == 1 || $4 != "Whitefield"' all.csv >h2.csv
reduce --no-sync -q --checkpoint p1/state.ckpt "$S" "$T" -o p1 h1.csv >/dev/null
reduce --no-sync -q --checkpoint p2/state.ckpt "$S" "$T" -o p2 h2.csv >/dev/null
reduce --no-sync -q --merge "$S" "$T" -o m p1 p2 >/dev/null
check "merge: two branch halves equal the whole" diff -r whole m

# ---- idle() counts from the day's first sale at the earliest ------------
# A closed the evening before; B opened the next morning: at 09:25 A has
# been quiet for 25 minutes of the store's day, not since 20:00; checked
# whole, across a checkpoint, and merged.
printf '%s\n' 'Timestamp,BranchName,FinalAmount' '2024-03-04 20:00:00,A,10' \
    '2024-03-04 20:30:00,B,10' '2024-03-05 09:00:00,B,10' >mo1.csv
printf '%s\n' 'Timestamp,BranchName,FinalAmount' '2024-03-05 09:25:00,B,10' \
    '2024-03-05 09:10:00,B,10' >mo2.csv
I='-a idle.csv: BranchName -> Idle=idle()'
{ cat mo1.csv; sed 1d mo2.csv; } >mo.csv
reduce --no-sync -q "$I" -o mo mo.csv >/dev/null
printf 'BranchName,Idle\nA,25\nB,0\n' >mo.want
check_same "idle: from the day's first sale" mo.want mo/idle.csv
{ head -n 1 mo.csv; sed 1d mo.csv | sort -r; } >mo_s.csv
reduce --no-sync -q "$I" -o mo_s mo_s.csv >/dev/null
check_same "idle: rows in reverse order, the same" mo.want mo_s/idle.csv
cp mo1.csv mo_r.csv
reduce --no-sync -q --checkpoint mock "$I" -o mo_a mo_r.csv >/dev/null
sed 1d mo2.csv >>mo_r.csv
reduce --no-sync -q --checkpoint mock "$I" -o mo_b mo_r.csv >/dev/null
check_same "idle: the day's start survives a checkpoint" mo.want mo_b/idle.csv
reduce --no-sync -q --checkpoint mo_p1 "$I" -o mo_p1d mo1.csv >/dev/null
reduce --no-sync -q --checkpoint mo_p2 "$I" -o mo_p2d mo2.csv >/dev/null
reduce --no-sync -q --merge "$I" -o mo_m mo_p1 mo_p2 >/dev/null
check_same "idle: a merge of the evening and the morning" mo.want mo_m/idle.csv

# ---- the default profile ---------------------------------------------------
# The default spec writes pop_branch.csv, pop_total.csv,
# branch_vs_last_week.csv and branch_idle.csv beside the contract's files.
reduce --no-sync -q -o d cut.csv >/dev/null
{ paste -d, d/pop_branch.csv d/branch_idle.csv | cut -d, -f1-6,8 | sed 1d
  printf '*,%s,0\n' "$(sed 1d d/pop_total.csv)"; } >d.got
sed 1d c.want >d.want
check_same "default profile: pop_branch, pop_total and branch_idle equal Python's" d.want d.got
check "default profile: branch_vs_last_week is pop_branch's column" sh -c \
    "cut -d, -f1,6 d/pop_branch.csv | sed 1d >b1; sed 1d d/branch_vs_last_week.csv >b2; cmp b1 b2"
alertd --once -r "$LI_TOP/examples/liveinsight.rules" -d d >dal.out 2>dal.err
check "default profile and shipped rules: no rule unknown" sh -c '! grep -q UNKNOWN dal.out && test ! -s dal.err'
check_grep "default profile and shipped rules: stale_branch judged" 'stale_branch\[' dal.out
check_grep "default profile and shipped rules: branch_below_last_week judged" 'branch_below_last_week\[' dal.out

# ---- the shipped spec and rules ------------------------------------------
reduce --no-sync -q -s "$LI_TOP/examples/reduce-trends.spec" --watermark 10m -o tr cut.csv >/dev/null
check "reduce-trends.spec: runs" test -s tr/branch_idle.csv -a -s tr/closed/rev_1h.csv
check "reduce-trends.spec: branch_vs_last_week equals pop.csv's column" sh -c \
    "cut -d, -f1,6 c/pop.csv | sed 1d >a1; sed 1d tr/branch_vs_last_week.csv >a2; cmp a1 a2"
mkdir rs
printf 'BranchName,VsLastWeekPct\nA,-50.0\nB,-23.1\nC,\n' >rs/branch_vs_last_week.csv
printf 'BranchName,IdleMinutes\nA,3\nB,25\nC,61\n' >rs/branch_idle.csv
alertd --once -r "$LI_TOP/examples/liveinsight.rules" -d rs >al.out 2>al.err
check_grep "rules: the Nagios line names both" 'CRITICAL' al.out
alertd -r "$LI_TOP/examples/liveinsight.rules" -d rs --format csv </dev/null >al.csv 2>al.err &
apid=$!
at_exit "kill $apid 2>/dev/null"
check "rules: alertd reports" wait_for 10 grep -q stale_branch al.csv
kill $apid 2>/dev/null
check_grep "rule: a branch 30 % below last week warns" ',firing,branch_below_last_week,warning,A,-50' al.csv
check "rule: 23 % below does not, unknown does not" sh -c '! grep -Eq "branch_below_last_week,warning,(B|C)," al.csv'
check_grep "rule: a branch quiet for 25 minutes is stale" ',firing,stale_branch,warning,B,25' al.csv
check_grep "rule: an hour is critical" ',firing,stale_branch,critical,C,61' al.csv
check "rule: 3 minutes is not" sh -c '! grep -q "stale_branch,[a-z]*,A," al.csv'
done_testing
