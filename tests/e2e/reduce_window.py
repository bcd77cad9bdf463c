# An independent computation of reduce's event-time windows, for
# tests/e2e/reduce_window.sh: Python's csv, decimal and datetime modules.
#
#   python3 reduce_window.py INPUT.csv SIZE HOP LATENESS OUTDIR [WHERE]
#
# computes "w.csv: BranchName, window(SIZE, HOP) -> Revenue=sum(FinalAmount),
# n=count()" (SIZE, HOP, LATENESS in seconds; LATENESS -1: no watermark;
# WHERE: a PaymentType the rows must have) and writes OUTDIR/w.csv (the
# open windows) and OUTDIR/closed/w.csv (the closed ones, in the order
# they close), and prints how many rows were late.
#
# The rules, as reduce(1) states them: a window [s, s + SIZE) for every
# multiple s of HOP; the watermark is the newest accepted row time minus
# LATENESS; a window whose end is at or before it is closed; a row that
# falls in a closed window is late (rejected, and it does not move the
# watermark).  The where clause only picks the rows of w.csv: the others
# are accepted (kpis.csv counts them) and move the watermark too.
import csv, datetime, decimal, os, sys

D = decimal.Decimal
inp, size, hop, late_s, out = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
where = sys.argv[6] if len(sys.argv) > 6 else None
EPOCH = datetime.datetime(1970, 1, 1)
os.makedirs(os.path.join(out, 'closed'), exist_ok=True)

def fmt(s):
    return (EPOCH + datetime.timedelta(seconds=s)).strftime('%Y-%m-%d %H:%M:%S')

def money(v):
    return '%.2f' % v

wins = {}       # start -> {branch: [sum, n]}
wm = None       # the watermark
newest = None
late = 0
closed = []

def close_upto(w):
    for s in sorted(wins):
        if s + size > w:
            break
        for b in sorted(wins[s], key=lambda x: x.encode()):
            v = wins[s][b]
            closed.append([b, fmt(s), fmt(s + size), money(v[0]), str(v[1])])
        del wins[s]

with open(inp, newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    hdr = next(r)
    ix = {h: i for i, h in enumerate(hdr)}
    for row in r:
        if len(row) != len(hdr) or all(x == '' for x in row):
            continue
        t = datetime.datetime.strptime(row[ix['Timestamp']], '%Y-%m-%d %H:%M:%S')
        t = int((t - EPOCH).total_seconds())
        # A row the where clause leaves out of w.csv is still accepted
        # (other aggregates count it) and moves the watermark.
        if where is None or row[ix['PaymentType']] == where:
            first = (t - size) // hop * hop + hop
            if wm is not None and first + size <= wm:
                late += 1
                continue
            s = first
            while s <= t:
                v = wins.setdefault(s, {}).setdefault(
                    row[ix['BranchName']], [D(0), 0])
                v[0] += D(row[ix['FinalAmount']])
                v[1] += 1
                s += hop
        if late_s < 0:
            continue
        if newest is None or t > newest:
            newest = t
            wm = newest - late_s if wm is None else max(wm, newest - late_s)
            close_upto(wm)

hdr = 'BranchName,WindowStart,WindowEnd,Revenue,n\n'
with open(os.path.join(out, 'closed', 'w.csv'), 'w') as f:
    f.write(hdr)
    for c in closed:
        f.write(','.join(c) + '\n')
rows = []
for s in wins:
    for b, v in wins[s].items():
        rows.append((b.encode(), s, [b, fmt(s), fmt(s + size), money(v[0]),
                                     str(v[1])]))
rows.sort(key=lambda x: (x[0], x[1]))
with open(os.path.join(out, 'w.csv'), 'w') as f:
    f.write(hdr)
    for x in rows:
        f.write(','.join(x[2]) + '\n')
print(late)
