"""A peer for tests/bench/render.sh: the dashboard's panels drawn as plain
text with Python 3's csv module, as a user might script it without render.
Simplified on purpose (bars, shares and tables as text lines, lines as
last values, no braille), so it does less work than render does.
Prints the CPU milliseconds per frame (time.process_time)."""
import csv
import os
import sys
import time


def load(path, last=0):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    if last:
        body = body[-last:]
    return head, body


def bars(lines, title, rows, li, vi, width, top=0, desc=True):
    items = [(r[li], float(r[vi])) for r in rows]
    if desc:
        items.sort(key=lambda x: -x[1])
    if top:
        items = items[:top]
    m = max((v for _, v in items), default=1) or 1
    lines.append(title)
    for k, v in items:
        n = int(round(v / m * (width - 30)))
        lines.append("%-14.14s %s %s" % (k, "\u2588" * n, "{:,.2f}".format(v)))


def share(lines, title, rows, li, vi, width):
    tot = sum(float(r[vi]) for r in rows) or 1
    lines.append(title)
    for r in sorted(rows, key=lambda r: -float(r[vi])):
        p = float(r[vi]) / tot
        lines.append("%-14.14s %s %5.1f%%" % (r[li], "\u2588" * int(p * (width - 30)), p * 100))


def frame(d, width):
    lines = []
    h, k = load(os.path.join(d, "kpis.csv"))
    lines.append("  ".join("%s %s" % (n, "{:,.2f}".format(float(v))) for n, v in zip(h, k[-1])))
    h, b = load(os.path.join(d, "branch_sales.csv"))
    bars(lines, "Revenue by branch", b, 0, 1, width)
    h, b = load(os.path.join(d, "category_sales.csv"))
    share(lines, "Category share", b, 0, 1, width)
    h, b = load(os.path.join(d, "product_sales.csv"))
    bars(lines, "Top 10 products", b, 0, 1, width, top=10)
    h, b = load(os.path.join(d, "payment_type_analysis.csv"))
    share(lines, "Payment methods", b, 0, 1, width)
    for name in ("weekly_branch_revenue.csv", "monthly_branch_revenue.csv"):
        h, b = load(os.path.join(d, name))
        series = {}
        for r in b:
            series.setdefault(r[0], []).append(float(r[2]))
        for s, v in series.items():
            lines.append("%-14s last %s over %d points" % (s, "{:,.2f}".format(v[-1]), len(v)))
    h, b = load(os.path.join(d, "sysheat.csv"), last=120)
    for col in ("cpu_pct", "mem_pct"):
        i = h.index(col)
        v = [float(r[i]) for r in b if r[i]]
        lo, hi = min(v), max(v)
        lines.append("%s %s" % (col, "".join("\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"[int((x - lo) / ((hi - lo) or 1) * 7)] for x in v)))
    # The active alerts, most severe first, as the dashboard's panel.
    h, b = load(os.path.join(d, "alerts.active.csv"))
    sev = h.index("severity")
    for r in sorted(b, key=lambda r: 0 if r[sev] == "critical" else 1):
        lines.append("  ".join(r))
    return "\n".join(x[:width] for x in lines)


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    out = open(os.devnull, "w")
    t0 = time.process_time()
    for _ in range(n):
        out.write(frame(d, 200))
    t1 = time.process_time()
    print("%.3f" % ((t1 - t0) * 1000 / n))


main()
