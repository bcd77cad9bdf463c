#!/bin/sh
# reduce: default snapshot files, exact money, shuffled input, tick lines,
# rejects, bad inputs, spec errors, merge, corrupt checkpoints.
. "$LI_TOP/tests/lib.sh"
# Times in snapshots and tick lines carry the offset of the process's TZ.
TZ=UTC; export TZ

HDR=TransactionID,Timestamp,StoreName,BranchName,BranchID,TotalBranches,CustomerID,Category,Product,Quantity,UnitPrice,TotalAmount,Discount,FinalAmount,LoyaltyPoints,PaymentType
cat >in.csv <<EOF2
$HDR
1,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,15999.00,15999.00,0.00,15999.00,159,UPI
2,2024-01-06 13:30:10,LiveInsight Mart,Whitefield,2,5,10002,Groceries,"Basmati Rice, 5kg",2,649.00,1298.00,64.90,1233.10,12,Cash
3,07-01-2024 18:05,LiveInsight Mart,Indiranagar,1,5,10003,Personal Care,Toothpaste,3.0,99.50,298.50,0.00,298.50,2.0,Card
4,2024-01-31 22:00:00,LiveInsight Mart,Jayanagar,3,5,10004,Electronics,"Speaker ""Boom"" Mini",1,2499.00,2499.00,124.95,2374.05,23,UPI
5,2024-02-01 07:59:59,LiveInsight Mart,Whitefield,2,5,10001,Groceries,"Basmati Rice, 5kg",1,649.00,649.00,0.00,649.00,6,Wallet
,,,,,,,,,,,,,,,
EOF2

mkdir want
cat >want/branch_sales.csv <<'EOF2'
BranchName,TotalRevenue
Indiranagar,16297.50
Jayanagar,2374.05
Whitefield,1882.10
EOF2
cat >want/category_sales.csv <<'EOF2'
Category,TotalRevenue
Electronics,18373.05
Groceries,1882.10
Personal Care,298.50
EOF2
cat >want/product_sales.csv <<'EOF2'
Product,UnitsSold
"Basmati Rice, 5kg",3
Smartphone,1
"Speaker ""Boom"" Mini",1
Toothpaste,3
EOF2
cat >want/payment_type_analysis.csv <<'EOF2'
PaymentType,TransactionCount
Card,1
Cash,1
UPI,2
Wallet,1
EOF2
cat >want/branch_time_demand.csv <<'EOF2'
BranchName,TimeSlot,TotalRevenue
Indiranagar,Evening,298.50
Indiranagar,Morning,15999.00
Jayanagar,Night,2374.05
Whitefield,Afternoon,1233.10
Whitefield,Morning,649.00
EOF2
cat >want/weekly_branch_revenue.csv <<'EOF2'
BranchName,Week,TotalRevenue
Indiranagar,2024-W00,15999.00
Indiranagar,2024-W01,298.50
Jayanagar,2024-W04,2374.05
Whitefield,2024-W00,1233.10
Whitefield,2024-W04,649.00
EOF2
cat >want/monthly_branch_revenue.csv <<'EOF2'
BranchName,Month,TotalRevenue
Indiranagar,2024-01,16297.50
Jayanagar,2024-01,2374.05
Whitefield,2024-01,1233.10
Whitefield,2024-02,649.00
EOF2
cat >want/product_inventory_usage.csv <<'EOF2'
Product,TotalUnitsSold
"Basmati Rice, 5kg",3
Smartphone,1
"Speaker ""Boom"" Mini",1
Toothpaste,3
EOF2
cat >want/kpis.csv <<'EOF2'
TotalRevenue,UnitsSold,Transactions,ActiveBranches,AvgOrderValue,RejectedRows,FirstSale,LastSale
20553.65,8,5,3,4110.73,1,2024-01-06T09:15:00+00:00,2024-02-01T07:59:59+00:00
EOF2
# Period over period and idle: now is 2024-02-01 07:59:59,
# so today is Whitefield's 07:59:59 sale; yesterday's 22:00 sale is after
# now's minute of the day, and there is nothing a week before.
cat >want/pop_branch.csv <<'EOF2'
BranchName,RevenueToday,RevenueYesterday,RevenueLastWeek,RevenueVsYesterdayPct,RevenueVsLastWeekPct
Indiranagar,0.00,0.00,0.00,,
Jayanagar,0.00,0.00,0.00,,
Whitefield,649.00,0.00,0.00,,
EOF2
cat >want/pop_total.csv <<'EOF2'
RevenueToday,RevenueYesterday,RevenueLastWeek,RevenueVsYesterdayPct,RevenueVsLastWeekPct
649.00,0.00,0.00,,
EOF2
# A change alone, for an alert rule: branches without last week's sales
# are left out (no empty cell).
echo BranchName,VsLastWeekPct >want/branch_vs_last_week.csv
# The last row (07:59:59) is the first on its date: the store's day
# begins there, and no branch has been idle since.
cat >want/branch_idle.csv <<'EOF2'
BranchName,IdleMinutes
Indiranagar,0
Jayanagar,0
Whitefield,0
EOF2

# ---- the default snapshot ------------------------------------------------
check_fail "small input exits 0" 0 reduce --no-sync -o snap in.csv
reduce --no-sync -o snap in.csv >ticks.out 2>err.out
for f in want/*.csv; do
	check_same "default ${f#want/}" "$f" "snap/${f#want/}"
done
(cd snap && ls) >files.out
(cd want && ls) >files.want
check_same "exactly the contract's files" files.want files.out
printf '%s\n' 'reduce: in.csv:7: empty row' 'reduce: in.csv: 1 row rejected' >err.want
check_same "empty row reported on stderr" err.want err.out
check_grep "tick header" '^tick,time,rows,rejected,lag_s,event_time$' ticks.out
check "one tick header, then final tick" sh -c \
    "test \$(wc -l <ticks.out) -eq 2 && sed -n 2p ticks.out | grep -Eq '^1,[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+00:00,5,1,-?[0-9]+\\.[0-9],2024-02-01T07:59:59\\+00:00\$'"

# The same from stdin, and the printed default spec fed back in.
reduce --no-sync -q -o snap2 <in.csv >/dev/null 2>err2.out
check "stdin gives the same snapshot" diff -r want snap2
check_same "-q silences rejects" /dev/null err2.out
reduce --print-spec >default.spec
check_grep "print-spec shows the kpis line" '^kpis.csv: -> TotalRevenue=sum\(FinalAmount\), UnitsSold=sum\(Quantity\):int, Transactions=count\(\), ActiveBranches=distinct\(BranchName\), AvgOrderValue=mean\(FinalAmount\), RejectedRows=rejected\(\), FirstSale=mintime\(\), LastSale=maxtime\(\)$' default.spec
reduce --no-sync -q -s default.spec -o snap3 in.csv >/dev/null
check "printed spec reproduces the default" diff -r want snap3

# ---- a custom spec (the example) -------------------------------------------
reduce --no-sync -q -s "$LI_TOP/examples/reduce-hourly.spec" -o custom in.csv >/dev/null
cat >hourly.want <<'EOF2'
Date,Hour,Revenue,Rows,Smallest,Largest,AvgSale
2024-01-06,09,15999.00,1,15999.00,15999.00,15999.00
2024-01-06,13,1233.10,1,1233.10,1233.10,1233.10
2024-01-07,18,298.50,1,298.50,298.50,298.50
2024-01-31,22,2374.05,1,2374.05,2374.05,2374.05
2024-02-01,07,649.00,1,649.00,649.00,649.00
EOF2
check_same "example spec: hourly.csv" hourly.want custom/hourly.csv
cat >days.want <<'EOF2'
DayOfWeek,Branches,Products,Units
Saturday,2,2,3
Sunday,1,1,3
Thursday,1,1,1
Wednesday,1,1,1
EOF2
check_same "example spec: weekday.csv" days.want custom/weekday.csv
reduce --no-sync -q -a 'x.csv: PaymentType -> n=count()' -a 'y.csv: -> r=rejected()' -o cli in.csv >/dev/null
printf 'PaymentType,n\nCard,1\nCash,1\nUPI,2\nWallet,1\n' >x.want
check_same "-a aggregates" x.want cli/x.csv
cp in.csv sales.csv
reduce -q -a 'pay.csv: PaymentType,TimeSlot -> n=count(), avg=mean(FinalAmount)' \
    -o paysnap sales.csv >/dev/null
printf '%s\n' PaymentType,TimeSlot,n,avg Card,Evening,1,298.50 \
    Cash,Afternoon,1,1233.10 UPI,Morning,1,15999.00 UPI,Night,1,2374.05 \
    Wallet,Morning,1,649.00 >pay.want
check_same "man page example: -a with two keys and a mean" pay.want paysnap/pay.csv
check "-a replaces the default" sh -c 'test "$(cd cli && ls | tr "\n" " ")" = "x.csv y.csv "'

# ---- exact money on a synthetic stream, plain and shuffled ---------------
# reduce_exact.py computes the running totals; pop_branch, pop_total,
# branch_vs_last_week and branch_idle are checked against reduce_pop.py
# in reduce_pop.sh.
POPX='-x pop_branch.csv -x pop_total.csv -x branch_vs_last_week.csv -x branch_idle.csv'
if command -v python3 >/dev/null 2>&1; then
	synthgen -s 7 30000 >synth.csv
	python3 "$LI_TOP/tests/e2e/reduce_exact.py" synth.csv exact
	reduce --no-sync -q -o got synth.csv >/dev/null
	check "30000 rows: snapshot equals an exact decimal computation" diff -r $POPX exact got
	synthgen -d -f -e 500 -s 8 20000 >dirty.csv
	python3 "$LI_TOP/tests/e2e/reduce_exact.py" dirty.csv exact2
	reduce --no-sync -q -o got2 dirty.csv >/dev/null
	check "dirty forms (DMY, 4.0, empty rows): equals the exact computation" diff -r $POPX exact2 got2
else
	skip "exact computation" "no python3"
	skip "exact computation (dirty)" "no python3"
	synthgen -s 7 30000 >synth.csv
	reduce --no-sync -q -o got synth.csv >/dev/null
fi
{ head -n 1 synth.csv; tail -n +2 synth.csv | shuf --random-source=synth.csv; } >shuf.csv
reduce --no-sync -q -o gotshuf shuf.csv >/dev/null
check "shuffled input gives an identical snapshot" diff -r got gotshuf
check_fail "shuffled input differs from the original" 1 cmp -s synth.csv shuf.csv

# ---- tick lines ----------------------------------------------------------
synthgen 5000 | reduce --no-sync -o t --tick-rows 1000 >ticks.out
check "--tick-rows: header once and 6 ticks" sh -c \
    "test \$(grep -c '^tick,' ticks.out) -eq 1 && test \$(wc -l <ticks.out) -eq 7"
check "--tick-rows: rows counted per tick" sh -c \
    "cut -d, -f1,3,4 ticks.out | tr '\n' ' ' | grep -qx 'tick,rows,rejected 1,1000,0 2,2000,0 3,3000,0 4,4000,0 5,5000,0 6,5000,0 '"
# Idle input: ticks still come on time.
mkfifo idle.fifo
reduce --no-sync --tick 0.2 -o idle idle.fifo >idle.out 2>&1 &
pid=$!
check "idle FIFO: ticks before any writer" wait_for 10 sh -c "test \$(grep -c '^[0-9]*,.*,0,0,,\$' idle.out) -ge 3"
exec 3>idle.fifo
head -n 3 in.csv >&3
wait_for 10 grep -q ',2,0,' idle.out
ino1=$(ls -i idle/branch_sales.csv 2>/dev/null)
# Wait for ticks that find nothing new (an event, not a sleep).
wait_for 10 sh -c "test \$(grep -c '^[0-9]*,.*,2,0,' idle.out) -ge 5"
ino2=$(ls -i idle/branch_sales.csv 2>/dev/null)
exec 3>&-
wait $pid
rc=$?
check "idle FIFO: exit 0 at its end" test "$rc" -eq 0
check "idle FIFO: ticks while idle" sh -c "test \$(grep -c '^[0-9]*,.*,2,0,' idle.out) -ge 4"
check_grep "idle FIFO: snapshot written" '^Indiranagar,15999.00$' idle/branch_sales.csv
check "idle FIFO: idle ticks rewrite no file" test -n "$ino1" -a "$ino1" = "$ino2"

# ---- bad input -----------------------------------------------------------
{
	echo "$HDR"
	sed -n 2p in.csv
	echo '6,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics'
	echo '7,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,15999.00,15999.00,0.00,15999.0x,159,UPI'
	echo '8,2024-02-30 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,15999.00,15999.00,0.00,15999.00,159,UPI'
	echo '9,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,one,15999.00,15999.00,0.00,15999.00,159,UPI'
	echo '10,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smart"phone,1,15999.00,15999.00,0.00,15999.00,159,UPI'
	printf '11,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,'
	head -c 10485760 /dev/zero | tr '\0' x
	echo ',1,15999.00,15999.00,0.00,15999.00,159,UPI'
	sed -n 3p in.csv
	echo ',,,,,,,,,,,,,,,'
	echo '"12,2024-01-06 09:15:00'
} >bad.csv
check_fail "bad rows: exit 0" 0 reduce --no-sync -o badsnap --rejects rej.csv bad.csv
reduce --no-sync -o badsnap --rejects rej.csv bad.csv >/dev/null 2>err.out
cat >err.want <<'EOF2'
reduce: bad.csv:3: wrong field count: 8, expected 16
reduce: bad.csv:4: bad number in FinalAmount: "15999.0x"
reduce: bad.csv:5: bad timestamp in Timestamp: "2024-02-30 09:15:00"
reduce: bad.csv:6: bad number in Quantity: "one"
reduce: bad.csv:7: malformed quoted field
reduce: bad.csv:8: record too long
reduce: bad.csv:10: empty row
reduce: bad.csv:11: input ends inside a quoted field
reduce: bad.csv: 8 rows rejected
EOF2
check_same "bad rows: exact stderr" err.want err.out
cat >rej.want <<'EOF2'
line,reason,row
3,"wrong field count: 8, expected 16","6,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics"
4,"bad number in FinalAmount: ""15999.0x""","7,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,15999.00,15999.00,0.00,15999.0x,159,UPI"
5,"bad timestamp in Timestamp: ""2024-02-30 09:15:00""","8,2024-02-30 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,15999.00,15999.00,0.00,15999.00,159,UPI"
6,"bad number in Quantity: ""one""","9,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,one,15999.00,15999.00,0.00,15999.00,159,UPI"
7,malformed quoted field,"10,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smart""phone,1,15999.00,15999.00,0.00,15999.00,159,UPI"
8,record too long,"11,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,El"
10,empty row,",,,,,,,,,,,,,,,"
11,input ends inside a quoted field,"""12,2024-01-06 09:15:00"
EOF2
check_same "rejects file: line, reason, raw row" rej.want rej.csv
printf 'TotalRevenue,UnitsSold,Transactions,ActiveBranches,AvgOrderValue,RejectedRows,FirstSale,LastSale\n17232.10,3,2,2,8616.05,8,2024-01-06T09:15:00+00:00,2024-01-06T13:30:10+00:00\n' >kpi.want
check_same "bad rows: good rows still counted" kpi.want badsnap/kpis.csv

# Rate limit: ten shown, then one line, then the count.
{ echo "$HDR"; i=0; while [ $i -lt 15 ]; do echo 'x,y'; i=$((i + 1)); done; } >many.csv
reduce --no-sync -o many many.csv >/dev/null 2>err.out
check "rate limit: 10 rejects shown, then a note and the count" sh -c \
    "test \$(wc -l <err.out) -eq 12 && sed -n 11p err.out | grep -qx 'reduce: many.csv: more rejects not shown' && sed -n 12p err.out | grep -qx 'reduce: many.csv: 15 rows rejected'"

reduce --no-sync -v -o many many.csv >/dev/null 2>err.out
check "-v: every reject shown, then the count" sh -c \
    "test \$(wc -l <err.out) -eq 16 && sed -n 16p err.out | grep -qx 'reduce: many.csv: 15 rows rejected'"
{ head -n 2 in.csv; sed -n 2p in.csv | sed 's/Smartphone/Smartphone with a very long name indeed, a very long name indeed, a very long name indeed, a very long name indeed/'; } >long.csv
reduce --no-sync --max-record 200 -o long long.csv >/dev/null 2>err.out
printf '%s\n' 'reduce: long.csv:3: record too long' 'reduce: long.csv: 1 row rejected' >err.want
check_same "--max-record: a longer row is rejected" err.want err.out
check_fail "--max-record too small: exit 2" 2 reduce --max-record 10 -o x in.csv

# Empty input, header only, BOM and CRLF.
: >empty.csv
reduce --no-sync -o e empty.csv >/dev/null 2>err.out
check_fail "empty input: exit 0" 0 reduce --no-sync -o e empty.csv
echo 'reduce: empty.csv: no header (empty input)' >err.want
check_same "empty input: one warning" err.want err.out
printf 'TotalRevenue,UnitsSold,Transactions,ActiveBranches,AvgOrderValue,RejectedRows,FirstSale,LastSale\n0.00,0,0,0,,0,,\n' >kpi0.want
check_same "empty input: zero kpis" kpi0.want e/kpis.csv
head -n 1 in.csv >hdronly.csv
reduce --no-sync -o h hdronly.csv >/dev/null 2>err.out
check_same "header only: no message" /dev/null err.out
check_same "header only: zero kpis" kpi0.want h/kpis.csv
check_same "header only: header-only group file" want/branch_sales.csv want/branch_sales.csv
{ printf '\357\273\277'; sed 's/$/\r/' in.csv; } >bomcrlf.csv
reduce --no-sync -q -o bc bomcrlf.csv >/dev/null
check "BOM and CRLF: same snapshot" diff -r want bc

# ---- errors --------------------------------------------------------------
check_fail "/dev/full: exit 1" 1 sh -c 'reduce --no-sync -o full in.csv >/dev/full'
check_fail "no -o: exit 2" 2 reduce in.csv
check_fail "two inputs: exit 2" 2 reduce -o x in.csv in.csv
check_fail "bad --tick: exit 2" 2 reduce --tick soon -o x in.csv
reduce -a 'k.csv: -> t=total(FinalAmount)' -o x in.csv 2>err.out
echo "reduce: -a 1: unknown function 'total'" >err.want
check_same "bad -a: message" err.want err.out
printf '# comment\nok.csv: BranchName -> n=count()\nbad.csv: BranchName n=count()\n' >bad.spec
check_fail "bad spec file: exit 2" 2 reduce -s bad.spec -o x in.csv
reduce -s bad.spec -o x in.csv 2>err.out
echo "reduce: bad.spec:3: expected 'FILE: KEYS -> MEASURES'" >err.want
check_same "bad spec file: names file:line" err.want err.out
reduce -a 'k.csv: Region -> n=count()' -o x in.csv >/dev/null 2>err.out
echo "reduce: in.csv:1: no column 'Region' in the header" >err.want
check_same "missing column: message" err.want err.out
check_fail "missing column: exit 1" 1 reduce -a 'k.csv: Region -> n=count()' -o x in.csv
check_fail "missing input: exit 1" 1 reduce -o x nosuch.csv

# ---- checkpoints and merge -----------------------------------------------
head -n 15001 synth.csv >part1.csv
{ head -n 1 synth.csv; tail -n +15002 synth.csv; } >part2.csv
reduce --no-sync -q -o p1 --checkpoint p1.ckpt part1.csv >/dev/null
reduce --no-sync -q -o p2 --checkpoint p2.ckpt part2.csv >/dev/null
check "merge: exit 0" reduce --no-sync --merge -o merged --checkpoint m.ckpt p1.ckpt p2.ckpt
check "merge of two halves equals the whole run" diff -r got merged
mkdir -p da db
reduce --no-sync -q -o da --checkpoint da/state.ckpt part1.csv >/dev/null
reduce --no-sync -q -o db --checkpoint db/state.ckpt part2.csv >/dev/null
reduce --no-sync --merge -o mergeddirs da db
check "merge by directories (man page example)" diff -r got mergeddirs
check "merge of a merged checkpoint" reduce --no-sync --merge -o merged2 m.ckpt
check "merged checkpoint reproduces the snapshot" diff -r got merged2
sed '6s/[0-9]/&&/' p1.ckpt >corrupt.ckpt
cp corrupt.ckpt c2.ckpt
reduce --no-sync -o x --checkpoint c2.ckpt part1.csv >/dev/null 2>err.out
echo "reduce: c2.ckpt: corrupt checkpoint (checksum mismatch)" >err.want
check_same "corrupt checkpoint: clear error" err.want err.out
check_fail "corrupt checkpoint: exit 1" 1 reduce --no-sync -o x --checkpoint c2.ckpt part1.csv
check_fail "merge of a corrupt checkpoint: exit 1" 1 reduce --merge -o x p1.ckpt corrupt.ckpt
reduce --no-sync -q -o x --checkpoint p1.ckpt part2.csv >/dev/null 2>err.out
echo "reduce: p1.ckpt: checkpoint is for input 'part1.csv'" >err.want
check_same "checkpoint of another input: refused" err.want err.out
reduce --no-sync -q -a 'k.csv: -> n=count()' -o x --checkpoint p1.ckpt part1.csv >/dev/null 2>err.out
echo "reduce: p1.ckpt: checkpoint was made with a different spec" >err.want
check_same "checkpoint of another spec: refused" err.want err.out
reduce --no-sync -q -o p1b --checkpoint p1.ckpt part1.csv >/dev/null
check "rerun on a finished checkpoint counts nothing twice" diff -r p1 p1b

# ---- --help, --version, the man page's pipeline --------------------------
check_grep "--help" '^Usage: reduce' "$(reduce --help >help.out; echo help.out)"
synthgen 100000 | reduce -o snap100k >/dev/null
check_grep "synthetic 100000 rows" '^[0-9.]*,[0-9]*,100000,5,' snap100k/kpis.csv
if command -v replay >/dev/null 2>&1; then
	replay --synth --rows 100000 | reduce -o snapreplay >/dev/null
	check_grep "man page pipeline: replay | reduce" '^[0-9.]*,[0-9]*,100000,5,' snapreplay/kpis.csv
else
	skip "man page pipeline: replay | reduce" "replay not built here"
fi
reduce -s "$LI_TOP/examples/reduce-hourly.spec" -o snapex in.csv >/dev/null 2>&1
check "man page example: the hourly spec" test -s snapex/hourly.csv
done_testing
