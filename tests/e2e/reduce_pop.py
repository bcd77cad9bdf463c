# An independent computation of reduce's pop() and idle(), for
# tests/e2e/reduce_pop.sh: Python's csv, decimal and datetime modules.
#
#   python3 reduce_pop.py INPUT.csv OUT.csv
#
# writes "BranchName,RevToday,RevYesterday,RevLastWeek,RevVsYesterdayPct,
# RevVsLastWeekPct,Idle" and a last row for all branches ("*"), as
# reduce(1) defines them: now is the newest row time; today is the sum of
# FinalAmount on now's date; yesterday and last week the sums on the date
# before and a week before, up to now's minute of the day (inclusive);
# the changes in percent to one decimal, half away from zero, empty when
# the reference is 0; Idle the whole minutes from a branch's newest row,
# or from when the day began if that is later (the first row on now's
# date), to now.
import csv, datetime, decimal, sys

D = decimal.Decimal
rows = []
with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
    r = csv.reader(f)
    hdr = next(r)
    ix = {h: i for i, h in enumerate(hdr)}
    for row in r:
        if len(row) != len(hdr) or all(x == '' for x in row):
            continue
        ts = row[ix['Timestamp']]
        if ts[4] == '-':
            t = datetime.datetime.strptime(ts, '%Y-%m-%d %H:%M:%S')
        else:
            t = datetime.datetime.strptime(ts, '%d-%m-%Y %H:%M')
        rows.append((t, row[ix['BranchName']], D(row[ix['FinalAmount']])))
now = max(t for t, _, _ in rows)
opened = min(t for t, _, _ in rows if t.date() == now.date())
cut = now.hour * 60 + now.minute

def period(days, b):
    d = (now - datetime.timedelta(days=days)).date()
    return sum((v for t, br, v in rows if t.date() == d and
                t.hour * 60 + t.minute <= cut and (b is None or br == b)),
               D(0))

def pct(x, ref):
    if ref == 0:
        return ''
    q = (x - ref) * 100 / abs(ref)
    return str(q.quantize(D('0.1'), rounding=decimal.ROUND_HALF_UP))

with open(sys.argv[2], 'w') as out:
    out.write('BranchName,RevToday,RevYesterday,RevLastWeek,'
              'RevVsYesterdayPct,RevVsLastWeekPct,Idle\n')
    for b in sorted({br for _, br, _ in rows}, key=lambda x: x.encode()) + [None]:
        td, yd, wk = period(0, b), period(1, b), period(7, b)
        if b is None:
            idle = 0
        else:
            last = max(max(t for t, br, _ in rows if br == b), opened)
            idle = int((now - last).total_seconds()) // 60
        out.write('%s,%s,%s,%s,%s,%s,%d\n' % (b or '*', td, yd, wk,
                  pct(td, yd), pct(td, wk), idle))
