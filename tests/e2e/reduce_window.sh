#!/bin/sh
# reduce: event-time windows (window(SIZE[, HOP]) keys), --watermark, late
# rows, the closed-windows files, where clauses, --since and --until;
# checked against hand-made cases and an independent Python computation
# (reduce_window.py), and exact across kill -9 and resume and --merge.
. "$LI_TOP/tests/lib.sh"

H=TransactionID,Timestamp,StoreName,BranchName,BranchID,TotalBranches,CustomerID,Category,Product,Quantity,UnitPrice,TotalAmount,Discount,FinalAmount,LoyaltyPoints,PaymentType
row() {	# row TIME BRANCH AMOUNT [PAYMENT]
	echo "1,$1,M,$2,1,5,1,C,P,1,$3,$3,0,$3,0,${4:-UPI}"
}

# ---- boundaries: inclusive start, exclusive end ---------------------------
{
	echo "$H"
	row "2024-01-01 09:59:59" A 1.00
	row "2024-01-01 10:00:00" A 2.00
	row "2024-01-01 10:59:59" A 4.00
	row "2024-01-01 11:00:00" A 8.00
} >b.csv
reduce --no-sync -q -a 'w.csv: window(1h) -> s=sum(FinalAmount), n=count()' \
    -a 'h.csv: BranchName, window(1h, 30m) -> s=sum(FinalAmount)' -o b b.csv >/dev/null
cat >b.want <<EOF
WindowStart,WindowEnd,s,n
2024-01-01 09:00:00,2024-01-01 10:00:00,1.00,1
2024-01-01 10:00:00,2024-01-01 11:00:00,6.00,2
2024-01-01 11:00:00,2024-01-01 12:00:00,8.00,1
EOF
check_same "tumbling: start inclusive, end exclusive" b.want b/w.csv
cat >b.want <<EOF
BranchName,WindowStart,WindowEnd,s
A,2024-01-01 09:00:00,2024-01-01 10:00:00,1.00
A,2024-01-01 09:30:00,2024-01-01 10:30:00,3.00
A,2024-01-01 10:00:00,2024-01-01 11:00:00,6.00
A,2024-01-01 10:30:00,2024-01-01 11:30:00,12.00
A,2024-01-01 11:00:00,2024-01-01 12:00:00,8.00
EOF
check_same "hopping: a row in SIZE/HOP windows" b.want b/h.csv
check "no watermark: no closed-windows file" test ! -e b/closed/w.csv -o "$(wc -l <b/closed/w.csv)" -eq 1

# ---- a daylight-saving change: wall-clock windows, whatever TZ is ---------
{
	echo "$H"
	row "2026-03-08 01:30:00" A 1.00
	row "2026-03-08 03:10:00" A 2.00
	row "2026-03-08 03:50:00" A 4.00
	row "2026-11-01 00:59:00" A 8.00
	row "2026-11-01 01:20:00" A 16.00
	row "2026-11-01 01:40:00" A 32.00
	row "2026-11-01 01:10:00" A 64.00
	row "2026-11-01 02:00:00" A 128.00
} >dst.csv
spec_dst='-a d.csv: window(1d) -> s=sum(FinalAmount), n=count()'
TZ=America/New_York reduce --no-sync -q --watermark 1h \
    -a 'h.csv: window(1h) -> s=sum(FinalAmount), n=count()' "$spec_dst" \
    -o ny dst.csv >/dev/null
TZ=UTC reduce --no-sync -q --watermark 1h \
    -a 'h.csv: window(1h) -> s=sum(FinalAmount), n=count()' "$spec_dst" \
    -o utc dst.csv >/dev/null
check "DST: TZ=America/New_York gives the same windows as UTC" diff -r ny utc
cat >dst.want <<EOF
WindowStart,WindowEnd,s,n
2026-03-08 01:00:00,2026-03-08 02:00:00,1.00,1
2026-03-08 03:00:00,2026-03-08 04:00:00,6.00,2
2026-11-01 00:00:00,2026-11-01 01:00:00,8.00,1
EOF
check_same "DST: clock hours, none for the skipped 02:00" dst.want ny/closed/h.csv
check_grep "DST: the repeated 01:00 hour is one window" '^2026-11-01 01:00:00,2026-11-01 02:00:00,112.00,3$' ny/h.csv
cat >dst.want <<EOF
WindowStart,WindowEnd,s,n
2026-03-08 00:00:00,2026-03-09 00:00:00,7.00,3
EOF
check_same "DST: a 1d window is the calendar day (23 h on 8 March)" dst.want ny/closed/d.csv
check_grep "DST: the open windows in the snapshot" '^2026-11-01 00:00:00,2026-11-02 00:00:00,248.00,5$' ny/d.csv

# ---- late rows: at and past the watermark, out of order within it -------
{
	echo "$H"
	row "2024-01-01 10:00:00" A 1.00
	row "2024-01-01 10:20:00" A 2.00
	row "2024-01-01 10:04:59" A 4.00
	row "2024-01-01 10:05:00" A 8.00
	row "2024-01-01 10:10:00" A 16.00
	row "2024-01-01 10:14:59" A 32.00
} >late.csv
reduce --no-sync -q --watermark 10m --rejects late.rej \
    -a 'w.csv: window(5m) -> s=sum(FinalAmount), n=count()' \
    -a 'k.csv: -> s=sum(FinalAmount), n=count(), r=rejected()' -o late late.csv >late.out
cat >late.want <<EOF
WindowStart,WindowEnd,s,n
2024-01-01 10:00:00,2024-01-01 10:05:00,1.00,1
EOF
check_same "late: the window the watermark passed is closed once" late.want late/closed/w.csv
cat >late.want <<EOF
WindowStart,WindowEnd,s,n
2024-01-01 10:10:00,2024-01-01 10:15:00,48.00,2
2024-01-01 10:20:00,2024-01-01 10:25:00,2.00,1
EOF
check_same "late: out-of-order rows within the lateness are counted" late.want late/w.csv
check_grep "late: a row past the watermark is rejected" '^4,late: in a closed window of w.csv,' late.rej
check_grep "late: a window ending at the watermark is closed" '^5,late: in a closed window of w.csv,' late.rej
check_grep "late: counted as rejected, not in the totals" '^51.00,4,2$' late/k.csv
check_grep "late: in the tick line" '^1,.*,4,2,' late.out

# ---- against an independent computation ---------------------------------
synthgen -s 3 20000 >all.csv
# Out of order: rows shuffled in blocks of 8 (about 20 minutes), and every
# 500th row pushed 300 rows later (hours late).
python3 - <<'EOF' || exit 1
import random
random.seed(7)
rows = open('all.csv').read().splitlines()
hdr, data = rows[0], rows[1:]
for i in range(0, len(data) - 8, 8):
    b = data[i:i + 8]
    random.shuffle(b)
    data[i:i + 8] = b
for i in range(len(data) - 400, 0, -500):
    data.insert(i + 300, data.pop(i))
open('ooo.csv', 'w').write('\n'.join([hdr] + data) + '\n')
EOF
W='w.csv: BranchName, window(1h, 15m) -> Revenue=sum(FinalAmount), n=count()'
reduce --no-sync -q --watermark 10m --rejects ooo.rej -a "$W" -o ref1 ooo.csv >/dev/null
nlate=$(python3 "$LI_TOP/tests/e2e/reduce_window.py" ooo.csv 3600 900 600 py1)
check "python: open and closed windows equal" diff -r py1 ref1
check "python: late rows equal ($nlate)" test "$(grep -c ',late: ' ooo.rej)" -eq "$nlate"
check "python: some rows are late, most are not" test "$nlate" -gt 10 -a "$nlate" -lt 1000
reduce --no-sync -q --watermark 0 -a 'w.csv: BranchName, window(5m) -> Revenue=sum(FinalAmount), n=count() where PaymentType=UPI' -o ref2 ooo.csv >/dev/null
python3 "$LI_TOP/tests/e2e/reduce_window.py" ooo.csv 300 300 0 py2 UPI >/dev/null
check "python: tumbling 5m, no lateness, where PaymentType=UPI" diff -r py2 ref2
reduce --no-sync -q -a "$W" -o ref3 ooo.csv >/dev/null
python3 "$LI_TOP/tests/e2e/reduce_window.py" ooo.csv 3600 900 -1 py3 >/dev/null
check "python: without a watermark every window stays open" diff -r py3 ref3

# ---- kill -9 mid-stream and resume --------------------------------------
mkfifo in.fifo
run() {
	exec reduce --no-sync -q --tick 60 --tick-rows 1000 --checkpoint ck \
	    --watermark 10m --rejects snap.rej -a "$W" \
	    -a 'k.csv: -> s=sum(FinalAmount), n=count(), b=distinct(BranchName)' \
	    -a 'd.csv: window(1d) -> b=distinct(Product), m=max(FinalAmount)' \
	    -o snap in.fifo
}
reduce --no-sync -q --watermark 10m --rejects whole.rej -a "$W" \
    -a 'k.csv: -> s=sum(FinalAmount), n=count(), b=distinct(BranchName)' \
    -a 'd.csv: window(1d) -> b=distinct(Product), m=max(FinalAmount)' \
    -o whole ooo.csv >/dev/null
run >t1.out 2>&1 &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
exec 3>in.fifo
head -n 8501 ooo.csv >&3
check "kill -9: 8000 rows checkpointed" wait_for 20 grep -q '^8,' t1.out
# Rows past the checkpoint close windows, written (a stdio buffer at a
# time) past the length the checkpoint holds: then the process dies.
past() {
	test "$(wc -c <snap/closed/w.csv)" -gt \
	    "$(sed -n 's/^wclosed,w.csv,//p' ck)"
}
check "kill -9: closed windows were written past the checkpoint" wait_for 20 past
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
check_grep "kill -9: the checkpoint holds the watermark" '^wm,' ck
check_grep "kill -9: and the closed file's length" '^wclosed,w.csv,' ck
run >t2.out 2>&1 &
pid=$!
cat ooo.csv >in.fifo
wait $pid
check "kill -9: rerun exits 0" test "$?" -eq 0
check "kill -9: snapshot and closed windows equal an uninterrupted run" diff -r whole snap
check_same "kill -9: rejects (late rows) once each" whole.rej snap.rej

# ---- merge of two partial runs -------------------------------------------
# Two tills' partial runs over the same hours (split by branch), in time
# order: each closes its own branches' windows; the merge adds the open
# ones and closes what the larger watermark has passed.
awk -F, 'NR == 1 || $4 == "Indiranagar" || $4 == "Jayanagar"' all.csv >h1.csv
awk -F, 'NR == 1 || !($4 == "Indiranagar" || $4 == "Jayanagar")' all.csv >h2.csv
M='-a k.csv: -> s=sum(FinalAmount), n=count()'
reduce --no-sync -q --watermark 10m --checkpoint p1/state.ckpt -a "$W" "$M" -o p1 h1.csv >/dev/null
reduce --no-sync -q --watermark 10m --checkpoint p2/state.ckpt -a "$W" "$M" -o p2 h2.csv >/dev/null
reduce --no-sync -q --merge --checkpoint m.ckpt -a "$W" "$M" -o m p1 p2 >/dev/null
check "merge: exit 0" test "$?" -eq 0
reduce --no-sync -q --watermark 10m -a "$W" "$M" -o mw all.csv >/dev/null
{ cat p1/closed/w.csv; tail -n +2 p2/closed/w.csv; tail -n +2 m/closed/w.csv; } | sort >m.closed
sort mw/closed/w.csv >mw.closed
check "merge: the whole run closes windows too" test "$(wc -l <mw.closed)" -gt 1000
check_same "merge: closed windows of the parts and the merge are the whole's" mw.closed m.closed
check_same "merge: open windows equal the whole's" mw/w.csv m/w.csv
check_same "merge: totals equal the whole's" mw/k.csv m/k.csv
wm1=$(sed -n 's/^wm,\([^,]*\),\([^,]*\),.*/\1 \2/p' p1/state.ckpt)
wm2=$(sed -n 's/^wm,\([^,]*\),\([^,]*\),.*/\1 \2/p' p2/state.ckpt)
wmm=$(sed -n 's/^wm,\([^,]*\),\([^,]*\),.*/\1 \2/p' m.ckpt)
big=$(printf '%s\n%s\n' "$wm1" "$wm2" | sort -n | tail -n 1)
check "merge: takes the larger watermark ($wmm)" test -n "$wmm" -a "$wmm" = "$big"

# ---- where, --since, --until ----------------------------------------------
reduce --no-sync -q -a 'u.csv: BranchName -> n=count(), s=sum(FinalAmount) where PaymentType in (UPI, Card) and DayOfWeek=Monday' \
    --since '2024-01-08' --until '2024-01-15 12:00' -o wh all.csv >wh.out 2>wh.err
python3 - >wh.want <<'EOF'
import csv, datetime, decimal
t = {}
for r in csv.DictReader(open('all.csv')):
    ts = datetime.datetime.strptime(r['Timestamp'], '%Y-%m-%d %H:%M:%S')
    if not (datetime.datetime(2024, 1, 8) <= ts < datetime.datetime(2024, 1, 15, 12)):
        continue
    if r['PaymentType'] not in ('UPI', 'Card') or ts.strftime('%A') != 'Monday':
        continue
    v = t.setdefault(r['BranchName'], [0, decimal.Decimal(0)])
    v[0] += 1
    v[1] += decimal.Decimal(r['FinalAmount'])
print('BranchName,n,s')
for b in sorted(t):
    print('%s,%d,%.2f' % (b, t[b][0], t[b][1]))
EOF
check_same "where + --since + --until: equal Python's" wh.want wh/u.csv
reduce --no-sync -q -a 'o.csv: Hour -> n=count()' --since 09:00 --until 10:30 -o tod all.csv >/dev/null
check "--since/--until HH:MM: hours 09 and 10 only" test "$(cut -d, -f1 tod/o.csv | tr '\n' ' ')" = "Hour 09 10 "
check_fail "--since: a bad time is a usage error" 2 --msg "^reduce: --since: '25:00' is not a time" \
    reduce --since 25:00 -o x all.csv
check_fail "window: a hop longer than the size is an error" 2 --msg 'the hop is longer than the size' \
    reduce -a 'x.csv: window(5m, 10m) -> n=count()' -o x all.csv
check_fail "--watermark with --state-dir is refused" 2 --msg 'do not work with --state-dir yet' \
    reduce --watermark 1m -b 127.0.0.1:1 --topic t -G g --state-dir sd -o x
check_fail "a window with --state-dir is refused" 2 --msg 'windows do not work with --state-dir yet' \
    reduce -a 'x.csv: window(5m) -> n=count()' -b 127.0.0.1:1 --topic t -G g --state-dir sd -o x
done_testing
