#!/bin/sh
# alertd reads one strict decimal syntax (alertd(1), NUMBERS) in samples,
# tick lines, snapshot cells, rule thresholds and durations, and the stock
# file: hexadecimal, inf and nan are not numbers, and blanks around a
# number are trimmed on both sides alike.
. "$LI_TOP/tests/lib.sh"
# Event times are local (TZ) with their offset: the expected ones are UTC.
TZ=UTC; export TZ
R=$LI_TOP/examples/liveinsight.rules
H=time,cpu_temp,gpu_temp,cpu_pct,mem_pct,disk_pct,net_rx_bytes_s,net_tx_bytes_s

# 0x100 is not 256 degrees: the line is malformed, nothing fires.
printf '%s\n%s\n' $H '2026-11-23T10:00:00Z,0x100,50,1,1,1,,' |
    alertd -r "$R" --clock=input >out 2>err
check "0x100 in a sample: exit 0" test $? -eq 0
echo 'time,status,alert,severity,key,value,message' >want
check_same "0x100 in a sample: no event" want out
echo "alertd: stdin:2: cpu_temp: not a number '0x100'" >want
check_same "0x100 in a sample: warned" want err
for v in inf -inf nan 1e999 0x1p6 '9 0'; do
	printf '%s\n%s\n' $H "2026-11-23T10:00:00Z,$v,50,1,1,1,," |
	    alertd -r "$R" --clock=input -v >out 2>err
	check_grep "'$v' in a sample is malformed" \
	    "^alertd: stdin: 0 records, 1 malformed\$" err
done
printf '%s\n%s\n' $H '2026-11-23T10:00:00Z,0x100,50,1,1,1,,' |
    alertd -r "$R" --once >out 2>/dev/null
check "--once: 0x100 never fires critical" test $? -eq 3

# Blanks are trimmed on both sides: ' 90' and '90 ' are both 90.
printf '%s\n%s\n%s\n' $H '2026-11-23T10:00:00Z, 90,50,1,1,1,,' \
    '2026-11-23T10:00:01Z,60,50,1,1,1,,' | alertd -r "$R" --clock=input >out 2>err
printf '%s\n%s\n' $H '2026-11-23T10:00:00Z,90 ,50,1,1,1,,' \
    '2026-11-23T10:00:01Z,60,50,1,1,1,,' | alertd -r "$R" --clock=input >out2 2>>err
check_same "' 90' and '90 ' give the same events" out out2
check_grep "'90 ' is 90" '^2026-11-23T10:00:00Z,firing,cpu_temp,critical,cpu_temp,90,cpu_temp 90 > 80$' out2
check "blanks around numbers: no warnings" test ! -s err
# A field of blanks is an empty field: unknown.
printf '%s\n%s\n' $H '2026-11-23T10:00:00Z,  ,50,1,1,1,,' |
    alertd -r "$R" --once >out 2>err
echo 'LIVEINSIGHT UNKNOWN - 1 unknown, 1 ok: cpu_temp=unknown | gpu_temp=50;75;85' >want
check_same "a blank field is unknown" want out

# Snapshot cells: 0x100, inf and nan are warned about and left out.
mkdir snap
printf 'BranchName,TotalRevenue\nA,1000\nB,1100\nC,0x100\nD,inf\nE,nan\nF, 950 \n' \
    >snap/branch_sales.csv
echo 'weak row branch_sales.csv TotalRevenue warn<0.7*mean' >weak.rules
alertd -r weak.rules -d snap --once </dev/null >out 2>err
check "snapshot: cells that are not numbers are unknown, exit 3" test $? -eq 3
# Mean of 1000, 1100 and 950: 1016.67; 0.7 x = 711.67.
echo 'LIVEINSIGHT UNKNOWN - 3 unknown, 3 ok: weak[C]=unknown, weak[D]=unknown, weak[E]=unknown | weak[A]=1000;711.67:; weak[B]=1100;711.67:; weak[F]=950;711.67:;' >want
check_same "snapshot: only the decimal rows count" want out
cat >want <<'E'
alertd: snap/branch_sales.csv: row 4: bad TotalRevenue '0x100'
alertd: snap/branch_sales.csv: row 5: bad TotalRevenue 'inf'
alertd: snap/branch_sales.csv: row 6: bad TotalRevenue 'nan'
E
check_same "snapshot: bad cells warned with their row" want err

# A firing row whose cell turns into 0x100 stays as it was: unknown is
# not resolved (nor 256).
mkdir snap2
printf 'BranchName,TotalRevenue\nA,1000\nB,1000\nC,100\n' >snap2/branch_sales.csv
mkfifo ticks
exec 3<>ticks
alertd -r weak.rules -d snap2 --clock=input --ticks ticks >out 2>err 3>&- &
pid=$!
at_exit "kill $pid 2>/dev/null"
printf 'tick,time,rows,rejected,lag_s\n1,2026-11-23T10:00:00Z,1,0,\n' >&3
wait_for 5 grep -q firing out
printf 'BranchName,TotalRevenue\nA,1000\nB,1000\nC,0x100\n' >snap2/b.tmp
mv snap2/b.tmp snap2/branch_sales.csv
printf '2,2026-11-23T10:00:01Z,1,0,\n' >&3
wait_for 5 grep -q "bad TotalRevenue" err
printf 'BranchName,TotalRevenue\nA,1000\nB,1000\nC,900\n' >snap2/b.tmp
mv snap2/b.tmp snap2/branch_sales.csv
printf '3,2026-11-23T10:00:02Z,1,0,\n' >&3
exec 3>&-
wait $pid
cat >want <<'E'
time,status,alert,severity,key,value,message
2026-11-23T10:00:00Z,firing,weak,warning,C,100,"TotalRevenue 100 < 0.7*mean (mean 700, threshold 490)"
2026-11-23T10:00:02Z,resolved,weak,warning,C,900,TotalRevenue 900 ok
E
check_same "a cell turned 0x100: no event until a number comes" want out
echo "alertd: snap2/branch_sales.csv: row 4: bad TotalRevenue '0x100'" >want
check_same "a cell turned 0x100: warned" want err

# Ticks: a tick number or row count in hex is malformed.
printf 'tick,time,rows,rejected,lag_s\n0x1,2026-11-23T10:00:00Z,1,0,\n1,2026-11-23T10:00:00Z,1,0,0x10\n2, 2026-11-23T10:00:00Z ,1,0,\n' |
    alertd -r weak.rules -d snap -v >out 2>err
grep stdin err >got
cat >want <<'E'
alertd: stdin:2: bad tick '0x1'
alertd: stdin:3: bad lag_s '0x10'
alertd: stdin: 1 records, 2 malformed
E
check_same "ticks: hex tick and lag are malformed; blanks trimmed" want got

# Stock: 0x10 is not 16.
printf 'Product,Stock\nTea,0x10\n' >stock.csv
echo 'reorder inventory warn<=7 span=1d' >inv.rules
alertd -r inv.rules -d snap --stock stock.csv </dev/null >out 2>err
check "stock 0x10: exit 2" test $? -eq 2
echo "alertd: stock.csv:2: bad Stock '0x10'" >want
check_same "stock 0x10: file:line" want err
printf 'Product,Stock\nTea, 16 \n' >stock.csv
printf 'Product,TotalUnitsSold\nTea,8\n' >snap/product_inventory_usage.csv
alertd -r inv.rules -d snap --stock stock.csv --once </dev/null >out 2>err
check "stock ' 16 ': 16 - 8 left at 8 a day: warning, exit 1" test $? -eq 1
echo 'LIVEINSIGHT WARNING - 1 warning: reorder[Tea]=1 WARNING | reorder[Tea]=1;@~:7;' >want
check_same "stock ' 16 ': the status line" want out

# Rules: thresholds and durations in the same syntax.
for t in 'warn>0x10' 'warn>inf' 'warn>nan' 'warn=0x1:0x2' 'warn>0x1*mean'; do
	echo "r row branch_sales.csv TotalRevenue $t" >bad.rules
	alertd -r bad.rules </dev/null >out 2>err
	check "rule '$t': exit 2" test $? -eq 2
done
echo "alertd: bad.rules:1: warn: bad threshold '0x1*mean': want a number, STAT or FACTOR*STAT (STAT: mean, median, min, max, sum, count)" >want
check_same "rule threshold 0x1*mean: message" want err
echo 'r sample cpu_temp warn>70 for=0x10s' >bad.rules
alertd -r bad.rules </dev/null >out 2>err
echo "alertd: bad.rules:1: bad duration '0x10s' for for=" >want
check_same "duration 0x10s: refused" want err
echo 'r sample cpu_temp warn>7e1 crit>=8.0E1 for=1e1s' >good.rules
printf '%s\n%s\n' $H '2026-11-23T10:00:00Z,80,50,1,1,1,,' |
    alertd -r good.rules --once >out 2>err
echo 'LIVEINSIGHT CRITICAL - 1 critical: r=80 CRITICAL | r=80;70;@80:' >want
check_same "exponents in thresholds" want out
check_fail "--exec-timeout 0x10: exit 2" 2 alertd -r good.rules --exec true --exec-timeout 0x10

done_testing
