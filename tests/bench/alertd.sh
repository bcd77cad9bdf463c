#!/bin/sh
# alertd's cost, side by side with an awk script doing the same checks:
#  1. sample streams: the CPU and GPU rules of examples/liveinsight.rules
#     (warning/critical thresholds, one event per change of state) over
#     N sysheat lines, in samples per second;
#  2. snapshots: one --once evaluation of a reduce snapshot directory
#     (weak branch < 0.7 x mean, slow product <= 0.5 x median), process
#     start included, against awk computing the same from the same files;
#  3. ticks: the cost of one tick line whose snapshot has not changed.
LC_ALL=C; export LC_ALL
: "${LI_BUILD:=build}"
PATH=$LI_BUILD/bin:$LI_BUILD/tests:$PATH; export PATH
: "${LI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
N=${ALERTD_BENCH_N:-1000000}
M=${ALERTD_BENCH_M:-500}
R=$LI_TOP/examples/liveinsight.rules

W=$(mktemp -d "${TMPDIR:-/tmp}/alertd-bench.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
per() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", (b - a) / n * 1e6 }'; }

# N samples: temperatures sweeping 50..90 so alerts fire and resolve.
awk -v n="$N" 'BEGIN {
	print "time,cpu_temp,gpu_temp,cpu_pct,mem_pct,disk_pct,net_rx_bytes_s,net_tx_bytes_s"
	for (i = 0; i < n; i++)
		printf "%d,%.1f,%.1f,12.5,40.0,55.0,1000,800\n", 1700000000 + i,
		    70 + 20 * sin(i / 50), 72 + 18 * sin(i / 70)
}' >"$W/samples.csv"

# The same two rules in awk: state per sensor, a line per change.
cat >"$W/rules.awk" <<'E'
BEGIN { FS = ","; OFS = "," }
function check(name, v, w, c,   lv) {
	if (v == "") return
	lv = v > c ? 2 : v > w ? 1 : 0
	if (lv != st[name]) {
		if (lv > 0) print $1, "firing", name, lv == 2 ? "critical" : "warning", name, v
		else print $1, "resolved", name, st[name] == 2 ? "critical" : "warning", name, v
		st[name] = lv
	}
}
NR == 1 { print "time,status,alert,severity,key,value"; next }
{ check("cpu_temp", $2, 70, 80); check("gpu_temp", $3, 75, 85) }
E

t0=$(now); alertd -r "$R" --clock=input <"$W/samples.csv" >"$W/a.out"; t1=$(now)
mawk -f "$W/rules.awk" "$W/samples.csv" >"$W/m.out"; t2=$(now)
ea=$(($(wc -l <"$W/a.out") - 1)) em=$(($(wc -l <"$W/m.out") - 1))
ra=$(rate "$N" "$t0" "$t1") rm=$(rate "$N" "$t1" "$t2")
echo "samples: $N lines, 2 rules ($ea events from alertd, $em from awk)"
printf '  %-28s %12s samples/s\n' "alertd --clock=input" "$ra"
printf '  %-28s %12s samples/s\n' "mawk script" "$rm"
if command -v gawk >/dev/null 2>&1; then
	t2=$(now); gawk -f "$W/rules.awk" "$W/samples.csv" >/dev/null; t3=$(now)
	printf '  %-28s %12s samples/s\n' "gawk script" "$(rate "$N" "$t2" "$t3")"
fi
awk -v a="$ra" -v m="$rm" 'BEGIN { printf "  alertd / mawk: %.2fx\n", a / m }'

# A snapshot: from replay | reduce when they are built, else a hand-made
# one of the same shape (5 branches, 25 products).
mkdir "$W/snap"
if command -v replay >/dev/null 2>&1 && command -v reduce >/dev/null 2>&1; then
	replay --synth --weak-branch Yelahanka:0.3 | reduce -o "$W/snap" >/dev/null
	echo "snapshot: replay --synth --weak-branch Yelahanka:0.3 | reduce"
else
	printf 'BranchName,TotalRevenue\nIndiranagar,21710935.64\nJayanagar,17118600.94\nKoramangala,24927138.07\nWhitefield,20913870.37\nYelahanka,3116847.36\n' >"$W/snap/branch_sales.csv"
	awk 'BEGIN { print "Product,UnitsSold"; for (i = 1; i <= 25; i++) printf "Product %d,%d\n", i, i * 97 % 1000 + 20 }' >"$W/snap/product_sales.csv"
	echo "snapshot: hand-made (replay/reduce not built)"
fi
cat >"$W/snap.awk" <<'E'
BEGIN { FS = "," }
FNR == 1 { f++; next }
f == 1 { br[$1] = $2; s += $2; nb++ }
f == 2 { pu[$1] = $2; v[++np] = $2 }
END {
	mean = s / nb
	for (b in br) if (br[b] < 0.7 * mean) print "underperforming_branch", b, br[b]
	# median by insertion sort
	for (i = 2; i <= np; i++) { x = v[i]; for (j = i - 1; j > 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
	med = np % 2 ? v[(np + 1) / 2] : (v[np / 2] + v[np / 2 + 1]) / 2
	for (p in pu) if (pu[p] <= 0.5 * med) print "low_selling_product", p, pu[p]
}
E
t0=$(now)
i=0; while [ $i -lt "$M" ]; do
	alertd -r "$R" -d "$W/snap" --once </dev/null >/dev/null; i=$((i + 1))
done
t1=$(now)
i=0; while [ $i -lt "$M" ]; do
	mawk -f "$W/snap.awk" "$W/snap/branch_sales.csv" "$W/snap/product_sales.csv" >/dev/null
	i=$((i + 1))
done
t2=$(now)
pa=$(per "$M" "$t0" "$t1") pm=$(per "$M" "$t1" "$t2")
echo "snapshot check, process start included ($M runs):"
printf '  %-28s %12s us/run\n' "alertd --once -d" "$pa"
printf '  %-28s %12s us/run\n' "mawk script" "$pm"
awk -v a="$pa" -v m="$pm" 'BEGIN { printf "  alertd / mawk: %.2fx the time\n", a / m }'

# Ticks whose snapshot did not change: a stat per file, rules evaluated.
T=$((M * 100))
awk -v n="$T" 'BEGIN { print "tick,time,rows,rejected,lag_s"; for (i = 1; i <= n; i++) printf "%d,%d,%d,0,\n", i, 1700000000 + i, i }' >"$W/ticks.csv"
t0=$(now); alertd -r "$R" -d "$W/snap" --clock=input <"$W/ticks.csv" >/dev/null; t1=$(now)
echo "ticks: $T tick lines, snapshot unchanged"
printf '  %-28s %12s us/tick\n' "alertd -d" "$(per "$T" "$t0" "$t1")"
