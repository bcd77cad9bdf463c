#!/bin/sh
# alertd on reduce snapshots: row rules against the mean and median of the
# other rows, aggregates, inventory days-left, ticks from stdin or a FIFO,
# --once on a snapshot directory.  Hand-written snapshots, so the expected
# numbers are checked by hand.
. "$LI_TOP/tests/lib.sh"
# Event times are local (TZ) with their offset: the expected ones are UTC.
TZ=UTC; export TZ
# The shipped rules without min_stat= (the snapshots here are tiny): the
# mechanics, not the shipped tuning (tests/e2e/alertd_flap.sh has that);
# and without the event-time rules on files these snapshots do not have
# (tests/e2e/reduce_pop.sh checks those).
sed -e 's/ min_stat=[0-9]*//' -e '/^branch_below_last_week /d' \
    -e '/^stale_branch /d' "$LI_TOP/examples/liveinsight.rules" >shop.rules
R=$WORK/shop.rules

mkdir snap
cat >snap/branch_sales.csv <<'E'
BranchName,TotalRevenue
Indiranagar,1000.00
Jayanagar,1100.00
Koramangala,950.00
Whitefield,1050.00
Yelahanka,300.00
E
cat >snap/product_sales.csv <<'E'
Product,UnitsSold
Apple,100
Banana,90
Milk,20
"Tea, green",110
Rice,95
E
cp snap/product_sales.csv usage1.csv
sed -i 's/UnitsSold/TotalUnitsSold/' usage1.csv
cp usage1.csv snap/product_inventory_usage.csv
cat >stock.csv <<'E'
Product,Stock
Apple,1000
Banana,200
Milk,500
"Tea, green",2000
Rice,1000
E
TH=tick,time,rows,rejected,lag_s

# The snapshot is read at start and on each tick.  Mean revenue 880
# (0.7 x = 616), median units 95 (0.5 x = 47.5).
printf '%s\n1,2026-11-23T10:00:00Z,500,0,\n' $TH |
    alertd -r "$R" -d snap --clock=input >out 2>err
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:00:00Z,firing,underperforming_branch,warning,Yelahanka,300,"TotalRevenue 300 < 0.7*mean (mean 880, threshold 616)"
2026-11-23T10:00:00Z,firing,low_selling_product,warning,Milk,20,"UnitsSold 20 <= 0.5*median (median 95, threshold 47.5)"
E
check_same "a tick on stdin: weak branch and slow product fire" want out
check "a tick on stdin: no warnings" test ! -s err

# Statistics of the other rows (of=others), an aggregate, custom keys.
cat >more.rules <<'E'
weak_vs_rest row branch_sales.csv TotalRevenue warn<0.7*mean crit<0.4*mean of=others
total        sum branch_sales.csv TotalRevenue crit<5000 key=chain
top          max product_sales.csv UnitsSold   warn>=110
E
printf '%s\n1,2026-11-23T10:00:00Z,500,0,\n' $TH |
    alertd -r more.rules -d snap --clock=input >out 2>err
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:00:00Z,firing,weak_vs_rest,critical,Yelahanka,300,"TotalRevenue 300 < 0.4*mean (mean 1025, threshold 410)"
2026-11-23T10:00:00Z,firing,total,critical,chain,4400,TotalRevenue 4400 < 5000
2026-11-23T10:00:00Z,firing,top,warning,,110,UnitsSold 110 >= 110
E
check_same "of=others, sum and max over a snapshot" want out

# Ticks on one FIFO (--ticks), samples on another (-i): one poll loop.
mkfifo ticks
exec 3<>ticks
printf '%s\n' "$TH" >&3
mkfifo samples
exec 4<>samples
alertd -r "$R" -d snap --stock stock.csv --clock=input --ticks ticks \
    --input samples >out 2>err 3>&- 4>&- &
pid=$!
at_exit "kill $pid 2>/dev/null"
# Tick 1: the newest sale is 3600 s before the tick (lag_s).
printf '1,2026-11-23T11:00:00Z,500,0,3600\n' >&3
wait_for 5 grep -q Milk out
printf 'time,cpu_temp,gpu_temp,cpu_pct,mem_pct,disk_pct,net_rx_bytes_s,net_tx_bytes_s\n' >&4
printf '2026-11-23T11:00:05Z,85,,1,1,1,,\n' >&4
wait_for 5 grep -q cpu_temp,critical out
# A store-day later: 100 more bananas sold (10 left, 100 a day) and 50
# apples (850 left, 50 a day); Yelahanka caught up; Milk still slow.
sed -e 's/^Banana,90/Banana,190/' -e 's/^Apple,100/Apple,150/' usage1.csv >tmp.csv
mv tmp.csv snap/product_inventory_usage.csv
sed 's/^Yelahanka,300.00/Yelahanka,900.00/' snap/branch_sales.csv >tmp.csv
mv tmp.csv snap/branch_sales.csv
printf '2,2026-11-24T10:30:00Z,900,0,1800\n' >&3
wait_for 5 grep -q reorder out
printf '2026-11-24T10:31:00Z,60,,1,1,1,,\n' >&4
wait_for 5 grep -q resolved,cpu_temp out
exec 3>&- 4>&-
wait $pid
check "FIFOs closed: exit 0" test $? -eq 0
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T11:00:00Z,firing,underperforming_branch,warning,Yelahanka,300,"TotalRevenue 300 < 0.7*mean (mean 880, threshold 616)"
2026-11-23T11:00:00Z,firing,low_selling_product,warning,Milk,20,"UnitsSold 20 <= 0.5*median (median 95, threshold 47.5)"
2026-11-23T11:00:05Z,firing,cpu_temp,critical,cpu_temp,85,cpu_temp 85 > 80
2026-11-24T10:30:00Z,resolved,underperforming_branch,warning,Yelahanka,900,TotalRevenue 900 ok
2026-11-24T10:30:00Z,firing,reorder,warning,Banana,0.1,"10 left, 100 a day"
2026-11-24T10:31:00Z,resolved,cpu_temp,critical,cpu_temp,60,cpu_temp 60 ok
E
check_same "ticks and samples: snapshot and inventory events" want out
check "ticks and samples: no warnings" test ! -s err

# --once on a snapshot directory (no samples: sample rules do not apply).
cp usage1.csv snap/product_inventory_usage.csv
sed 's/^Yelahanka,900.00/Yelahanka,300.00/' snap/branch_sales.csv >tmp.csv
mv tmp.csv snap/branch_sales.csv
alertd -r more.rules -d snap --once </dev/null >out
check "--once on a snapshot: critical, exit 2" test $? -eq 2
echo 'LIVEINSIGHT CRITICAL - 2 critical, 1 warning, 4 ok: weak_vs_rest[Yelahanka]=300 CRITICAL, total[chain]=4400 CRITICAL, top=110 WARNING | weak_vs_rest[Indiranagar]=1000;595:;340: weak_vs_rest[Jayanagar]=1100;577.5:;330: weak_vs_rest[Koramangala]=950;603.75:;345: weak_vs_rest[Whitefield]=1050;586.25:;335: weak_vs_rest[Yelahanka]=300;717.5:;410: total[chain]=4400;;5000: top=110;@110:;' >want
check_same "--once on a snapshot: status line and perfdata" want out
# Inventory with a span: 20 bananas sold over 1 day... per the span.
echo 'reorder inventory warn<=7 crit<=2 span=1d' >inv.rules
alertd -r inv.rules -d snap --stock stock.csv --once </dev/null >out
check "--once inventory with span=: critical, exit 2" test $? -eq 2
echo "LIVEINSIGHT CRITICAL - 1 critical, 4 ok: reorder[Banana]=1.22 CRITICAL | reorder[Apple]=9;@~:7;@~:2 reorder[Banana]=1.22;@~:7;@~:2 reorder[Milk]=24;@~:7;@~:2 'reorder[Tea, green]'=17.18;@~:7;@~:2 reorder[Rice]=9.53;@~:7;@~:2" >want
check_same "--once inventory: days left = (stock - sold) / (sold / span)" want out

# A missing snapshot file: warned once (not at start: reduce may not have
# written it yet); unknown under --once.
rm snap/product_sales.csv
printf '%s\n1,2026-11-23T10:00:00Z,1,0,\n2,2026-11-23T10:00:01Z,1,0,\n' $TH |
    alertd -r "$R" -d snap --clock=input >out 2>err
echo "alertd: snap/product_sales.csv: No such file or directory" >want
check_same "a missing snapshot file is warned about once" want err
alertd -r "$R" -d snap --once </dev/null >out 2>/dev/null
check "--once with a missing file: warning still wins, exit 1" test $? -eq 1
check_grep "--once with a missing file: no data" 'low_selling_product=no data' out
printf 'BranchName,TotalRevenue\nA,1\nB,x\nC\n' >snap/branch_sales.csv
printf '%s\n1,2026-11-23T10:00:00Z,1,0,\n' $TH |
    alertd -r "$R" -d snap --clock=input >out 2>err
cat >want <<'E'
alertd: snap/branch_sales.csv:4: 1 fields, want 2
alertd: snap/branch_sales.csv: row 3: bad TotalRevenue 'x'
alertd: snap/product_sales.csv: No such file or directory
E
check_same "malformed snapshot rows are reported" want err

# A snapshot newer than the tick being read (reduce ran ahead): kpis.csv
# counts other rows than the tick, so its sales time is not used.
cp usage1.csv snap/product_inventory_usage.csv
touch -d '2026-01-01 00:00:00' snap/product_inventory_usage.csv
printf 'TotalRevenue,UnitsSold,Transactions,ActiveBranches,AvgOrderValue,RejectedRows\n1.00,1,500,1,1.00,0\n' >snap/kpis.csv
touch -d '2026-01-01 00:00:01' snap/kpis.csv
printf '%s\n1,2026-11-23T10:00:00Z,500,0,0\n2,2026-11-23T10:00:01Z,400,0,0\n' $TH |
    alertd -r inv.rules -d snap --stock stock.csv --clock=input -v >out 2>err
check_grep "a snapshot newer than its tick is counted" \
    '^alertd: snap: 3 snapshot reads, 0 malformed rows, 1 newer than their tick$' err
# The next snapshot caught half-written: its usage file is newer than
# kpis.csv, which reduce writes last.
touch -d '2026-01-01 00:00:02' snap/product_inventory_usage.csv
printf '%s\n1,2026-11-23T10:00:00Z,500,0,0\n' $TH |
    alertd -r inv.rules -d snap --stock stock.csv --clock=input -v >out 2>err
check_grep "a half-written snapshot is not taken" \
    '^alertd: snap: 2 snapshot reads, 0 malformed rows, 1 newer than their tick$' err

# Bad stock files and a bad snapshot directory.
printf 'Product,Stock\nApple,many\n' >bad-stock.csv
alertd -r "$R" -d snap --stock bad-stock.csv </dev/null >out 2>err
check "bad stock file: exit 2" test $? -eq 2
echo "alertd: bad-stock.csv:2: bad Stock 'many'" >want
check_same "bad stock file: file:line" want err
check_fail "-d on a file: exit 1" 1 alertd -r "$R" -d stock.csv </dev/null
alertd -r "$R" -d stock.csv </dev/null 2>err
echo "alertd: stock.csv: not a directory" >want
check_same "-d on a file: message" want err
printf '%s\n1,2026-11-23T10:00:00Z,1,0,\n' $TH | alertd -r "$R" -d nowhere >out 2>err
check "-d on a directory not made yet: exit 0" test $? -eq 0
echo "alertd: nowhere/branch_sales.csv: No such file or directory" >want
head -n 1 err >got
check_same "-d on a directory not made yet: files missing at the tick" want got
printf '%s\n1,never,1,0,\n' $TH | alertd -r "$R" -d snap 2>err >out
check_grep "a bad tick line is reported" "^alertd: stdin:2: bad time 'never'\$" err

done_testing
