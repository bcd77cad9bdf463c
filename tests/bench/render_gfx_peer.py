#!/usr/bin/env python3
"""The peer of tests/bench/render_gfx.sh: the demo dashboard layout's
panels drawn by matplotlib (Agg) from the same snapshot files, as one
1600x1000 PNG, N times in one process.  Prints "wall_ms cpu_ms bytes" per
picture after the first (which loads the fonts), as render does."""
import csv
import io
import os
import sys
import time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PAL = ["#0072B2", "#E69F00", "#000000", "#F0E442", "#D55E00", "#56B4E9",
       "#009E73", "#CC79A7"]


def rows(d, name, last=0):
    with open(os.path.join(d, name), newline="") as f:
        r = list(csv.DictReader(f))
    return r[-last:] if last else r


def num(v):
    try:
        return float(v)
    except ValueError:
        return float("nan")


def picture(d):
    fig = plt.figure(figsize=(16, 10), dpi=100)
    gs = fig.add_gridspec(4, 12, height_ratios=[0.6, 1, 1, 1])
    k = rows(d, "kpis.csv")[-1]
    for i, (col, title) in enumerate([("TotalRevenue", "Total revenue"),
                                      ("UnitsSold", "Units sold"),
                                      ("ActiveBranches", "Active branches"),
                                      ("Transactions", "Transactions"),
                                      ("AvgOrderValue", "Average order value")]):
        ax = fig.add_subplot(gs[0, i * 12 // 5:(i + 1) * 12 // 5])
        ax.axis("off")
        ax.set_title(title)
        ax.text(0.5, 0.4, "{:,.2f}".format(num(k[col])), ha="center",
                fontsize=22, weight="bold")
    b = sorted(rows(d, "branch_sales.csv"), key=lambda r: -num(r["TotalRevenue"]))
    ax = fig.add_subplot(gs[1, 0:4])
    ax.barh([r["BranchName"] for r in b][::-1],
            [num(r["TotalRevenue"]) for r in b][::-1], color=PAL[0])
    ax.set_title("Revenue by branch")
    ax.set_xlabel("TotalRevenue (₹)")
    c = rows(d, "category_sales.csv")
    ax = fig.add_subplot(gs[1, 4:7])
    ax.pie([num(r["TotalRevenue"]) for r in c], labels=[r["Category"] for r in c],
           colors=PAL, wedgeprops={"width": 0.5}, autopct="%.1f%%")
    ax.set_title("Category share")
    p = sorted(rows(d, "product_sales.csv"), key=lambda r: -num(r["UnitsSold"]))[:10]
    ax = fig.add_subplot(gs[1, 7:10])
    ax.barh([r["Product"][:20] for r in p][::-1],
            [num(r["UnitsSold"]) for r in p][::-1], color=PAL[0])
    ax.set_title("Top 10 products by units")
    m = rows(d, "payment_type_analysis.csv")
    ax = fig.add_subplot(gs[1, 10:12])
    ax.pie([num(r["TransactionCount"]) for r in m],
           labels=[r["PaymentType"] for r in m], colors=PAL,
           wedgeprops={"width": 0.5})
    ax.set_title("Payment methods")
    for j, (name, x, title) in enumerate([
            ("weekly_branch_revenue.csv", "Week", "Weekly revenue per branch (₹)"),
            ("monthly_branch_revenue.csv", "Month", "Monthly revenue per branch (₹)")]):
        ax = fig.add_subplot(gs[2, j * 6:(j + 1) * 6])
        series = {}
        for r in rows(d, name):
            series.setdefault(r["BranchName"], []).append((r[x], num(r["TotalRevenue"])))
        for i, (s, pts) in enumerate(series.items()):
            ax.plot([p[0] for p in pts], [p[1] for p in pts], color=PAL[i % 8],
                    label=s, marker=".")
        ax.legend(fontsize=8, ncol=5)
        ax.set_title(title)
    sh = rows(d, "sysheat.csv", 120)
    ax = fig.add_subplot(gs[3, 0:4])
    ax.plot(range(len(sh)), [num(r["cpu_temp"]) for r in sh], color=PAL[0], label="cpu_temp")
    ax.plot(range(len(sh)), [num(r["gpu_temp"]) for r in sh], color=PAL[1], label="gpu_temp")
    ax.legend(fontsize=8)
    ax.set_title("CPU / GPU temperature (°C)")
    ax = fig.add_subplot(gs[3, 4:8])
    ax.plot([num(r["cpu_pct"]) for r in sh], color=PAL[0])
    ax.plot([num(r["mem_pct"]) for r in sh], color=PAL[1])
    ax.set_ylim(0, 100)
    ax.set_title("CPU and memory use")
    al = rows(d, "alerts.csv", 8)[::-1]
    ax = fig.add_subplot(gs[3, 8:12])
    ax.axis("off")
    ax.set_title("Latest alerts")
    if al:
        cols = ["time", "status", "alert", "key", "message"]
        ax.table(cellText=[[r[c][:24] for c in cols] for r in al],
                 colLabels=cols, loc="upper center", fontsize=7)
    fig.suptitle("LiveInsight · retail sales", x=0.02, ha="left", weight="bold")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    out = picture(d)	# fonts and caches
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        out = picture(d)
    w1, c1 = time.perf_counter(), time.process_time()
    if len(sys.argv) > 3:
        open(sys.argv[3], "wb").write(out)
    print("%.2f %.2f %d" % ((w1 - w0) * 1000 / n, (c1 - c0) * 1000 / n, len(out)))


if __name__ == "__main__":
    main()
