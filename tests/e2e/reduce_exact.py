# An independent exact computation of reduce's default snapshot, for
# tests/e2e/reduce.sh: Python's csv, decimal and datetime modules, nothing
# shared with reduce.  Usage: python3 reduce_exact.py INPUT.csv OUTDIR
import csv, datetime, decimal, os, sys

D = decimal.Decimal
inp, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
agg = {}
rej = 0
units = 0
total = D(0)
n = 0
branches = set()
first = last = None

def add(name, key, v):
    t = agg.setdefault(name, {})
    t[key] = t.get(key, 0) + v

def slot(h):
    if 6 <= h <= 11: return "Morning"
    if 12 <= h <= 16: return "Afternoon"
    if 17 <= h <= 20: return "Evening"
    return "Night"

with open(inp, newline='', encoding='utf-8-sig') as f:
    r = csv.reader(f)
    hdr = next(r)
    ix = {h: i for i, h in enumerate(hdr)}
    for row in r:
        if not row:
            continue
        if len(row) != len(hdr) or all(x == '' for x in row):
            rej += 1
            continue
        # Fields are trimmed of blanks around them (not inside quotes;
        # the generated data quotes no field with blanks around it).
        row = [x.strip(' \t') for x in row]
        ts = row[ix['Timestamp']]
        try:
            if ts[4] == '-':
                t = datetime.datetime.strptime(ts, '%Y-%m-%d %H:%M:%S')
            else:
                t = datetime.datetime.strptime(ts, '%d-%m-%Y %H:%M')
            fa = D(row[ix['FinalAmount']])
            q = D(row[ix['Quantity']])
            if q != q.to_integral_value():
                raise ValueError('fractional quantity')
        except Exception:
            rej += 1
            continue
        first = t if first is None or t < first else first
        last = t if last is None or t > last else last
        b, c, p = row[ix['BranchName']], row[ix['Category']], row[ix['Product']]
        add('branch_sales', (b,), fa)
        add('category_sales', (c,), fa)
        add('product_sales', (p,), q)
        add('payment_type_analysis', (row[ix['PaymentType']],), 1)
        add('branch_time_demand', (b, slot(t.hour)), fa)
        add('weekly_branch_revenue', (b, t.strftime('%Y-W%U')), fa)
        add('monthly_branch_revenue', (b, t.strftime('%Y-%m')), fa)
        add('product_inventory_usage', (p,), q)
        total += fa
        units += q
        n += 1
        branches.add(b)

heads = {
    'branch_sales': 'BranchName,TotalRevenue',
    'category_sales': 'Category,TotalRevenue',
    'product_sales': 'Product,UnitsSold',
    'payment_type_analysis': 'PaymentType,TransactionCount',
    'branch_time_demand': 'BranchName,TimeSlot,TotalRevenue',
    'weekly_branch_revenue': 'BranchName,Week,TotalRevenue',
    'monthly_branch_revenue': 'BranchName,Month,TotalRevenue',
    'product_inventory_usage': 'Product,TotalUnitsSold',
}

def fmt(v, name):
    if name in ('product_sales', 'product_inventory_usage'):
        return str(int(v)) if v == int(v) else '%.2f' % v
    if isinstance(v, int):
        return str(v)
    return str(v.quantize(D('0.01')))

def field(s):
    if any(ch in s for ch in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s

for name, head in heads.items():
    t = agg.get(name, {})
    with open(os.path.join(out, name + '.csv'), 'w', newline='') as f:
        f.write(head + '\n')
        for key in sorted(t, key=lambda k: [x.encode() for x in k]):
            f.write(','.join([field(x) for x in key] + [fmt(t[key], name)]) + '\n')
with open(os.path.join(out, 'kpis.csv'), 'w') as f:
    f.write('TotalRevenue,UnitsSold,Transactions,ActiveBranches,AvgOrderValue,RejectedRows,FirstSale,LastSale\n')
    avg = (total / n).quantize(D('0.01'), rounding=decimal.ROUND_HALF_UP) if n else ''
    # Row times are local wall time: written with the offset of the
    # process's TZ then.
    span = [x.astimezone().isoformat() if x else '' for x in (first, last)]
    f.write('%s,%d,%d,%d,%s,%d,%s,%s\n' % (total.quantize(D('0.01')), units, n,
            len(branches), avg, rej, span[0], span[1]))
