#!/bin/sh
# reduce on day one at a real store (issue 13): tick and snapshot times in
# the process's TZ with the offset, event_time and the event-time span in
# kpis.csv, headerless input from a pipe, a FIFO and a followed file,
# trimmed fields, one-digit hours, fractional quantities, ISO weeks at the
# year end, and the original data's shape (headerless, 74,997 empty rows,
# unsorted).
. "$LI_TOP/tests/lib.sh"

HDR=TransactionID,Timestamp,StoreName,BranchName,BranchID,TotalBranches,CustomerID,Category,Product,Quantity,UnitPrice,TotalAmount,Discount,FinalAmount,LoyaltyPoints,PaymentType
cat >rows.csv <<'EOF2'
1,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,15999.00,15999.00,0.00,15999.00,159,UPI
2,2024-01-06 13:30:10,LiveInsight Mart,Whitefield,2,5,10002,Groceries,"Basmati Rice, 5kg",2,649.00,1298.00,64.90,1233.10,12,Cash
3,05-01-2024 18:05,LiveInsight Mart,Indiranagar,1,5,10003,Personal Care,Toothpaste,3.0,99.50,298.50,0.00,298.50,2.0,Card
EOF2
{ echo "$HDR"; cat rows.csv; } >in.csv
SPEC_T='t.csv: BranchName -> n=count(), first=mintime(), last=maxtime()'

# ---- times in the process's TZ ---------------------------------------------
TZ=Asia/Kolkata reduce --no-sync -o kol in.csv >kol.out
TZ=America/New_York reduce --no-sync -o ny in.csv >ny.out
check_grep "Kolkata: tick time with +05:30" \
    '^1,[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+05:30,3,0,' kol.out
check_grep "New York: tick time with its offset" \
    '^1,[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}-0[45]:00,3,0,' ny.out
check_grep "Kolkata: event_time is the newest row's, with +05:30" \
    ',2024-01-06T13:30:10\+05:30$' kol.out
check_grep "New York: event_time with -05:00 (January)" \
    ',2024-01-06T13:30:10-05:00$' ny.out
# The same wall time is 10.5 hours earlier in Kolkata than in New York.
lk=$(sed -n 2p kol.out | cut -d, -f5)
ln=$(sed -n 2p ny.out | cut -d, -f5)
check "lag_s: the rows' wall time read in each TZ ($lk, $ln)" \
    awk -v a="$lk" -v b="$ln" 'BEGIN { d = a - b - 37800; exit !(d > -60 && d < 60) }'
check_grep "kpis.csv: FirstSale and LastSale, Kolkata" \
    ',0,2024-01-05T18:05:00\+05:30,2024-01-06T13:30:10\+05:30$' kol/kpis.csv
check_grep "kpis.csv: the header names them" \
    '^TotalRevenue,UnitsSold,Transactions,ActiveBranches,AvgOrderValue,RejectedRows,FirstSale,LastSale$' kol/kpis.csv
check_grep "kpis.csv: FirstSale and LastSale, New York" \
    ',2024-01-05T18:05:00-05:00,2024-01-06T13:30:10-05:00$' ny/kpis.csv
TZ=UTC reduce --no-sync -q -a "$SPEC_T" -o tt in.csv >/dev/null
printf '%s\n' BranchName,n,first,last \
    Indiranagar,2,2024-01-05T18:05:00+00:00,2024-01-06T09:15:00+00:00 \
    Whitefield,1,2024-01-06T13:30:10+00:00,2024-01-06T13:30:10+00:00 >tt.want
check_same "mintime() and maxtime() per group" tt.want tt/t.csv
# Unsorted input: the newest row, not the last one.
{ echo "$HDR"; sed -n 2p rows.csv; sed -n 1p rows.csv; } >unsorted.csv
TZ=UTC reduce --no-sync -o us unsorted.csv >us.out
check_grep "unsorted: event_time is the newest row's" \
    ',2024-01-06T13:30:10\+00:00$' us.out
: >empty.csv
TZ=UTC reduce --no-sync -q --header "$HDR" -o e empty.csv >e.out
check_grep "no row yet: lag_s and event_time empty" '^1,[^,]*,0,0,,$' e.out

# ---- headerless input --------------------------------------------------------
TZ=UTC; export TZ
reduce --no-sync -q -o want in.csv >/dev/null
reduce --no-sync -q --no-header -o pipe <rows.csv >/dev/null
check "--no-header from a pipe: the same snapshot" diff -r want pipe
cat rows.csv | reduce --no-sync -q --header "$HDR" -o hl >/dev/null
check "--header LIST from a pipe: the same snapshot" diff -r want hl
mkfifo rows.fifo
reduce --no-sync -q --no-header -o fifo rows.fifo >fifo.out &
pid=$!
cat rows.csv >rows.fifo
wait $pid
check "--no-header from a FIFO: the same snapshot" diff -r want fifo
cp rows.csv follow.csv
reduce --no-sync --no-header -f --tick 0.1 -o fol follow.csv >fol.out 2>fol.err &
pid=$!
at_exit "kill $pid 2>/dev/null"
check "--no-header -f: the rows are read" wait_for 10 grep -q '^[0-9]*,[^,]*,3,0,' fol.out
: >follow.csv
check "--no-header -f: truncation is noticed" wait_for 10 grep -q 'file truncated' fol.err
cat rows.csv >>follow.csv
check "--no-header -f: after truncation, every line is a row" wait_for 10 grep -q '^[0-9]*,[^,]*,6,0,' fol.out
kill $pid
wait $pid
check_grep "--no-header -f: no reject" ',6,0,' fol.out
check_fail "--header and --no-header: exit 2" 2 --msg "give one" \
    reduce --header "$HDR" --no-header -o x rows.csv
check_fail "--header without a needed column: exit 2" 2 \
    --msg "^reduce: --header: no column 'BranchName'" \
    reduce --header a,b,c -o x rows.csv

# ---- trimmed fields --------------------------------------------------------------
sed 's/,/, /g; s/^/ /; s/$/  /' rows.csv | sed 's/"Basmati Rice; 5kg"/"Basmati Rice, 5kg"/' >blank.csv
# The quoted field stays quoted: ", " inside it became ",  " above; put it back.
sed 's/"Basmati Rice,  5kg"/"Basmati Rice, 5kg"/; s/, "Basmati/,"Basmati/; s/5kg", /5kg",/' blank.csv >blank2.csv
{ echo "$HDR"; cat blank2.csv; } >blank.in
reduce --no-sync -o trim blank.in >/dev/null 2>trim.err
check "trimmed fields: ', 72.71' reads 72.71, the same snapshot" diff -r want trim
check_same "trimmed fields: nothing rejected" /dev/null trim.err
{ echo "$HDR"; sed -n 1p rows.csv | sed 's/,Indiranagar,/," Indiranagar ",/'; } >quoted.csv
reduce --no-sync -o q quoted.csv >/dev/null
check_grep "a quoted field keeps its blanks" '^ Indiranagar ,15999.00$' q/branch_sales.csv
{ echo " $(echo "$HDR" | sed 's/,/ , /g') "; cat rows.csv; } >hdrblank.csv
reduce --no-sync -q -o hb hdrblank.csv >/dev/null
check "blanks around header names are trimmed too" diff -r want hb

# ---- one-digit hours and the original's other forms -----------------------------
{
	echo "$HDR"
	echo '1,26-05-2024 8:19,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,15999.00,15999.00,0.00,15999.00,159,UPI'
	echo '2,26-05-2024 18:19:30,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,10.00,10.00,0.00,10.00,1,UPI'
	echo '3,2024-05-26T9:05,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,1.00,1.00,0.00,1.00,1,UPI'
	echo '4,6-5-2024 23:59,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,2.00,2.00,0.00,2.00,1,UPI'
	echo '5,26-05-2024 8:7,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,2.00,2.00,0.00,2.00,1,UPI'
} >hours.csv
reduce --no-sync -a 'h.csv: Date,Hour,TimeSlot -> n=count(), s=sum(FinalAmount)' \
    -o hours hours.csv >/dev/null 2>hours.err
printf '%s\n' Date,Hour,TimeSlot,n,s 2024-05-06,23,Night,1,2.00 \
    2024-05-26,08,Morning,1,15999.00 2024-05-26,09,Morning,1,1.00 \
    2024-05-26,18,Evening,1,10.00 >hours.want
check_same "one-digit hours, days and months are read, day first" hours.want hours/h.csv
check_grep "a one-digit minute is still refused" 'bad timestamp in Timestamp: "26-05-2024 8:7"' hours.err

# ---- a fractional quantity ---------------------------------------------------------
{
	echo "$HDR"
	sed -n 1p rows.csv
	echo '9,2024-01-06 10:00:00,LiveInsight Mart,Indiranagar,1,5,10001,Groceries,Sugar,2.5,10.00,25.00,0.00,25.00,1,UPI'
} >frac.csv
reduce --no-sync -o frac --rejects frac.rej frac.csv >/dev/null 2>frac.err
check_grep "fractional quantity: rejected with the reason" \
    '^reduce: frac.csv:3: fractional quantity in Quantity: "2.5"$' frac.err
check_grep "fractional quantity: in --rejects" '^3,"fractional quantity in Quantity: ""2.5""",' frac.rej
check_grep "fractional quantity: never summed" '^15999.00,1,1,1,15999.00,1,' frac/kpis.csv

# ---- ISO weeks at the year end -------------------------------------------------------
{
	echo "$HDR"
	for d in 2024-12-29 2024-12-30 2024-12-31 2025-01-01 2025-01-05 2025-01-06; do
		echo "1,$d 10:00:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,1.00,1.00,0.00,1.00,1,UPI"
	done
} >yearend.csv
reduce --no-sync -q -a 'w.csv: Week,IsoWeek -> n=count()' -o iso yearend.csv >/dev/null
printf '%s\n' Week,IsoWeek,n 2024-W52,2024-W52,1 2024-W52,2025-W01,2 \
    2025-W00,2025-W01,1 2025-W01,2025-W01,1 2025-W01,2025-W02,1 >iso.want
check_same "IsoWeek (%G-W%V) beside Week (%Y-W%U) at the year end" iso.want iso/w.csv

# ---- the original data's shape ---------------------------------------------------------
# 25,003 rows with DD-MM-YYYY HH:MM times and 4.0 quantities, then 74,997
# empty rows, sent without a header as the original stream server does;
# and the same rows in another order.
replay --synth --dirty --empty-rows 74997 >orig.csv
reduce --no-sync -q -o origh orig.csv >/dev/null
sed 1d orig.csv | reduce --no-sync -q --no-header -o orig >orig.out
check "original shape, headerless: the same snapshot as with its header" diff -r origh orig
check_grep "original shape: 25003 rows, 74997 rejected (empty)" '^[0-9]*,[^,]*,25003,74997,' orig.out
sed 1d orig.csv | shuf --random-source=orig.csv >shuf.csv
reduce --no-sync -q --no-header -o origs shuf.csv >origs.out
check "original shape, unsorted: the same snapshot" diff -r orig origs
check "original shape, unsorted: the same event_time" sh -c \
    'test "$(tail -n 1 orig.out | cut -d, -f6)" = "$(tail -n 1 origs.out | cut -d, -f6)"'
done_testing
