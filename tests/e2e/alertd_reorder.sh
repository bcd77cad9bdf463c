#!/bin/sh
# The README's cron line answers from a single snapshot: with no tick
# history, an inventory rule's velocity is units sold over the span of
# sales the snapshot covers, kpis.csv's LastSale - FirstSale (the oldest
# and newest row times, whatever order the rows came in).
. "$LI_TOP/tests/lib.sh"
TZ=UTC; export TZ
R=$LI_TOP/examples/liveinsight.rules

# A hand-made snapshot: 10 days of sales.
mkdir snap
printf '%s\n' 'TotalRevenue,UnitsSold,Transactions,FirstSale,LastSale' \
    '1000,700,70,2026-11-01T00:00:00+05:30,2026-11-11T00:00:00+05:30' \
    >snap/kpis.csv
printf '%s\n' 'Product,TotalUnitsSold' 'Tea,500' 'Rice,100' 'Soap,100' \
    >snap/product_inventory_usage.csv
printf '%s\n' 'Product,Stock' 'Tea,800' 'Rice,200' 'Soap,100' >stock.csv
printf 'reorder inventory warn<=7 crit<=2\n' >inv.rules
alertd -r inv.rules -d snap --stock stock.csv --once </dev/null >out 2>err
check "one snapshot: exit 2 (Soap sold out is critical)" test $? -eq 2
echo 'LIVEINSIGHT CRITICAL - 1 critical, 1 warning, 1 ok: reorder[Tea]=6 WARNING, reorder[Soap]=0 CRITICAL | reorder[Tea]=6;@~:7;@~:2 reorder[Rice]=10;@~:7;@~:2 reorder[Soap]=0;@~:7;@~:2' >want
check_same "one snapshot: days left = left / (sold / (LastSale - FirstSale))" want out
check "one snapshot: no warning" test ! -s err
# Without the span, as before: unknown.
printf '%s\n' 'TotalRevenue,UnitsSold,Transactions' '1000,700,70' >snap/kpis.csv
alertd -r inv.rules -d snap --stock stock.csv --once </dev/null >out 2>err
check "no FirstSale/LastSale: exit 2 (sold out needs no rate)" test $? -eq 2
check_grep "no FirstSale/LastSale: the others unknown" \
    'reorder\[Tea\]=unknown, reorder\[Rice\]=unknown' out
# A span of zero (one sale time) gives no rate.
printf '%s\n' 'TotalRevenue,UnitsSold,Transactions,FirstSale,LastSale' \
    '1000,700,70,2026-11-01 10:00:00,2026-11-01 10:00:00' >snap/kpis.csv
alertd -r inv.rules -d snap --stock stock.csv --once </dev/null >out 2>err
check_grep "a span of zero: unknown" 'reorder\[Tea\]=unknown' out

# The real pipeline, on the synthetic store, its messy copy and an
# unsorted copy: a product with little stock left fires, nothing else.
replay --synth --rows 25003 --hot-product 'Masala Tea 500g:3' >store.csv 2>/dev/null
reduce -o s1 <store.csv >/dev/null 2>&1
if ! head -n 1 s1/kpis.csv | grep -q LastSale; then
	skip "the pipeline from one snapshot" "reduce does not write FirstSale/LastSale yet"
	done_testing
	exit 0
fi
# Stock: two days of the hot product's sales left, sixty of the others'.
days=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    { split($h["FirstSale"], a, /[-T:+ ]/); split($h["LastSale"], b, /[-T:+ ]/)
      print (mktime(b[1]" "b[2]" "b[3]" "b[4]" "b[5]" "b[6]) - mktime(a[1]" "a[2]" "a[3]" "a[4]" "a[5]" "a[6])) / 86400 }' s1/kpis.csv)
check "the snapshot covers about a month" awk -v d="$days" 'BEGIN { exit !(d > 25 && d < 35) }'
python3 - "$days" s1/product_inventory_usage.csv >stock1.csv <<'PY'
import csv, sys
days = float(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2], newline='')))
w = csv.writer(sys.stdout, lineterminator='\n')
w.writerow(['Product', 'Stock'])
for r in rows:
    sold = float(r['TotalUnitsSold'])
    left = 2 if r['Product'] == 'Masala Tea 500g' else 60
    w.writerow([r['Product'], round(sold + sold / days * left)])
PY
for v in store dirty unsorted; do
	case $v in
	store) cp store.csv in.csv ;;
	dirty) replay --synth --rows 25003 --dirty --empty-rows 74997 \
	    --hot-product 'Masala Tea 500g:3' >in.csv 2>/dev/null ;;
	unsorted) { head -n 1 store.csv; tail -n +2 store.csv | sort -t, -k3; } >in.csv ;;
	esac
	rm -rf s2
	reduce -o s2 <in.csv >/dev/null 2>&1
	alertd -r "$R" -d s2 --stock stock1.csv --once </dev/null >out 2>err
	check "$v: the cron line answers (WARNING, exit 1)" test $? -eq 1
	check_grep "$v: the hot product fires" \
	    'reorder\[Masala Tea 500g\]=[0-9.]+ CRITICAL|reorder\[Masala Tea 500g\]=[0-9.]+ WARNING' out
	check "$v: no other reorder fires, none is unknown" \
	    test "$(sed 's/ | .*//' out | grep -o 'reorder\[[^]]*\]' | grep -vc 'Masala Tea')" -eq 0
done
done_testing
