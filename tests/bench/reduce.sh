#!/bin/sh
# Benchmark of reduce's whole default profile (8 group-bys and the KPIs,
# with derived TimeSlot, Week and Month), read from a pipe, side by side
# with what a user would otherwise pick: DuckDB, Miller, mawk, sqlite3,
# pandas, datamash.  Prints rows/s, the ratio of each peer to reduce, the
# ratio to `cat FILE | wc -l`, reduce's peak RSS at two input sizes, and
# whether each peer's branch totals agree with reduce's exact ones.
#
#   make bench BENCH=reduce [ROWS=10000000] [PEER_ROWS=1000000]
#
# reduce and DuckDB (the fastest peer) run on ROWS rows (DUCK_ROWS to
# change DuckDB's); the slower peers on the first PEER_ROWS of the same
# data, and rows/s are compared.  DuckDB comes from npm
# (@duckdb/node-api) in $LI_BENCH_CACHE (default ~/.cache/liveinsight-bench);
# a peer that is not installed is skipped, visibly.
LC_ALL=C; export LC_ALL
set -u
ROWS=${ROWS:-10000000}
PEER_ROWS=${PEER_ROWS:-1000000}
[ "$PEER_ROWS" -gt "$ROWS" ] && PEER_ROWS=$ROWS
DUCK_ROWS=${DUCK_ROWS:-$ROWS}
[ "$DUCK_ROWS" -gt "$ROWS" ] && DUCK_ROWS=$ROWS
CACHE=${LI_BENCH_CACHE:-$HOME/.cache/liveinsight-bench}
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/li-bench-reduce.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
BIG=$T/big.csv SMALL=$T/small.csv

if command -v replay >/dev/null 2>&1; then
	echo "generating $ROWS rows (replay --synth) ..."
	replay --synth --rows "$ROWS" >"$BIG" || exit 1
else
	echo "generating $ROWS rows (tests/helpers/synthgen, lib/synth.h) ..."
	synthgen "$ROWS" >"$BIG" || exit 1
fi
head -n $((PEER_ROWS + 1)) "$BIG" >"$SMALL"
echo "data: $(wc -c <"$BIG") bytes, $ROWS rows; DuckDB reads $DUCK_ROWS, the other peers the first $PEER_ROWS"

# run NAME ROWS CMD: time CMD (a shell command line), remember rows/s.
run() {
	_name=$1 _rows=$2; shift 2
	if /usr/bin/time -f '%e %M' -o "$T/time" sh -c "$*" >"$T/$_name.out" 2>"$T/$_name.err"; then
		read -r _s _kb <"$T/time"
		_rate=$(awk -v r="$_rows" -v s="$_s" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
		echo "$_name $_rows $_s $_kb $_rate" >>"$T/results"
	else
		echo "$_name: failed: $(tail -n 3 "$T/$_name.err")"
		echo "$_name $_rows - - 0" >>"$T/results"
	fi
}

# ---- the pipe itself and reduce -------------------------------------------
run "cat|wc-l" "$ROWS" "cat '$BIG' | wc -l"
run "reduce" "$ROWS" "cat '$BIG' | /usr/bin/time -f '%M' -o '$T/rss' reduce --no-sync -q -o '$T/r' >/dev/null"
RSS_BIG=$(cat "$T/rss")
run "reduce(file)" "$ROWS" "reduce --no-sync -q -o '$T/rf' '$BIG' >/dev/null"
run "reduce@peer" "$PEER_ROWS" "cat '$SMALL' | /usr/bin/time -f '%M' -o '$T/rss2' reduce --no-sync -q -o '$T/rs' >/dev/null"
RSS_SMALL=$(cat "$T/rss2")

# ---- peers, each computing the same 9 aggregates ---------------------------
PEERS=
# DuckDB, through its Node API.
if [ -d "$CACHE/node_modules/@duckdb/node-api" ] && command -v node >/dev/null; then
	cat >"$CACHE/reduce-bench-duckdb.mjs" <<'JS'
import { DuckDBInstance } from '@duckdb/node-api';
const out = process.argv[2];
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run("CREATE TABLE t AS SELECT * FROM read_csv('/dev/stdin', header = true)");
const slot = "CASE WHEN hour(Timestamp) BETWEEN 6 AND 11 THEN 'Morning' WHEN hour(Timestamp) BETWEEN 12 AND 16 THEN 'Afternoon' WHEN hour(Timestamp) BETWEEN 17 AND 20 THEN 'Evening' ELSE 'Night' END";
const q = {
  branch_sales: "SELECT BranchName, sum(FinalAmount) FROM t GROUP BY 1 ORDER BY 1",
  category_sales: "SELECT Category, sum(FinalAmount) FROM t GROUP BY 1 ORDER BY 1",
  product_sales: "SELECT Product, sum(Quantity) FROM t GROUP BY 1 ORDER BY 1",
  payment_type_analysis: "SELECT PaymentType, count(*) FROM t GROUP BY 1 ORDER BY 1",
  branch_time_demand: `SELECT BranchName, ${slot} AS s, sum(FinalAmount) FROM t GROUP BY 1, 2 ORDER BY 1, 2`,
  weekly_branch_revenue: "SELECT BranchName, strftime(Timestamp, '%Y-W%U') AS w, sum(FinalAmount) FROM t GROUP BY 1, 2 ORDER BY 1, 2",
  monthly_branch_revenue: "SELECT BranchName, strftime(Timestamp, '%Y-%m') AS m, sum(FinalAmount) FROM t GROUP BY 1, 2 ORDER BY 1, 2",
  product_inventory_usage: "SELECT Product, sum(Quantity) FROM t GROUP BY 1 ORDER BY 1",
  kpis: "SELECT sum(FinalAmount), sum(Quantity), count(*), count(DISTINCT BranchName), avg(FinalAmount) FROM t",
};
for (const [f, s] of Object.entries(q))
  await c.run(`COPY (${s}) TO '${out}/${f}.csv' (HEADER)`);
JS
	mkdir -p "$T/duckdb"
	head -n $((DUCK_ROWS + 1)) "$BIG" >"$T/duck.csv"
	if [ "$DUCK_ROWS" != "$ROWS" ] && [ "$DUCK_ROWS" != "$PEER_ROWS" ]; then
		reduce --no-sync -q -o "$T/rd" "$T/duck.csv" >/dev/null
	fi
	run "duckdb" "$DUCK_ROWS" "cat '$T/duck.csv' | node '$CACHE/reduce-bench-duckdb.mjs' '$T/duckdb'"
	rm -f "$T/duck.csv"
	PEERS="$PEERS duckdb"
else
	echo "duckdb: skipped (npm install --prefix $CACHE @duckdb/node-api)"
fi

# Miller: one pass, the DSL a user would write.
if command -v mlr >/dev/null; then
	cat >"$T/mlr.put" <<'MLR'
t = strptime($Timestamp, "%Y-%m-%d %H:%M:%S");
h = int((t % 86400) / 3600);
s = h >= 6 && h <= 11 ? "Morning" : h >= 12 && h <= 16 ? "Afternoon" : h >= 17 && h <= 20 ? "Evening" : "Night";
@branch[$BranchName] += $FinalAmount;
@cat[$Category] += $FinalAmount;
@prod[$Product] += $Quantity;
@pay[$PaymentType] += 1;
@bt[$BranchName][s] += $FinalAmount;
@wk[$BranchName][strftime(t, "%Y-W%U")] += $FinalAmount;
@mo[$BranchName][strftime(t, "%Y-%m")] += $FinalAmount;
@tot += $FinalAmount; @units += $Quantity; @n += 1; @br[$BranchName] = 1;
end {
  emit > "OUT/branch_sales.csv", @branch, "BranchName";
  emit > "OUT/category_sales.csv", @cat, "Category";
  emit > "OUT/product_sales.csv", @prod, "Product";
  emit > "OUT/payment.csv", @pay, "PaymentType";
  emit > "OUT/bt.csv", @bt, "BranchName", "TimeSlot";
  emit > "OUT/wk.csv", @wk, "BranchName", "Week";
  emit > "OUT/mo.csv", @mo, "BranchName", "Month";
  print > "OUT/kpis.csv", @tot . "," . @units . "," . @n;
}
MLR
	mkdir -p "$T/mlr"
	sed -i "s|OUT/|$T/mlr/|" "$T/mlr.put"
	run "mlr" "$PEER_ROWS" "cat '$SMALL' | mlr --icsv --ocsv put -q -f '$T/mlr.put'"
	PEERS="$PEERS mlr"
else
	echo "mlr: skipped (not installed)"
fi

# mawk: FS=",", columns by position, as a user would write it.
if command -v mawk >/dev/null; then
	cat >"$T/bench.awk" <<'AWK'
NR == 1 { next }
{
	d = substr($2, 1, 10); h = substr($2, 12, 2) + 0
	if (!(d in wk)) { c = "date -d " d " +%Y-W%U"; c | getline wk[d]; close(c) }
	s = h >= 6 && h <= 11 ? "Morning" : h >= 12 && h <= 16 ? "Afternoon" : h >= 17 && h <= 20 ? "Evening" : "Night"
	br[$4] += $14; ca[$8] += $14; pr[$9] += $10; pay[$16]++
	bt[$4 "," s] += $14; bw[$4 "," wk[d]] += $14; bm[$4 "," substr(d, 1, 7)] += $14
	tot += $14; units += $10; n++
}
END {
	for (k in br) printf "%s,%.2f\n", k, br[k] > (OUT "/branch_sales.csv")
	for (k in ca) printf "%s,%.2f\n", k, ca[k] > (OUT "/category_sales.csv")
	for (k in pr) printf "%s,%d\n", k, pr[k] > (OUT "/product_sales.csv")
	for (k in pay) printf "%s,%d\n", k, pay[k] > (OUT "/payment.csv")
	for (k in bt) printf "%s,%.2f\n", k, bt[k] > (OUT "/bt.csv")
	for (k in bw) printf "%s,%.2f\n", k, bw[k] > (OUT "/wk.csv")
	for (k in bm) printf "%s,%.2f\n", k, bm[k] > (OUT "/mo.csv")
	printf "%.2f,%d,%d,%.2f\n", tot, units, n, tot / n > (OUT "/kpis.csv")
}
AWK
	mkdir -p "$T/mawk"
	run "mawk" "$PEER_ROWS" "cat '$SMALL' | mawk -F, -v OUT='$T/mawk' -f '$T/bench.awk'"
	PEERS="$PEERS mawk"
else
	echo "mawk: skipped (not installed)"
fi

# sqlite3: import, then one query per file (3.40 has no %U: computed).
if command -v sqlite3 >/dev/null; then
	# The SQL comes from -init, so that stdin carries the data.
	cat >"$T/bench.sql" <<SQL
.mode csv
.import /dev/stdin t
.headers on
.once $T/sqlite3/branch_sales.csv
SELECT BranchName, sum(FinalAmount) FROM t GROUP BY 1 ORDER BY 1;
.once $T/sqlite3/category_sales.csv
SELECT Category, sum(FinalAmount) FROM t GROUP BY 1 ORDER BY 1;
.once $T/sqlite3/product_sales.csv
SELECT Product, sum(Quantity) FROM t GROUP BY 1 ORDER BY 1;
.once $T/sqlite3/payment.csv
SELECT PaymentType, count(*) FROM t GROUP BY 1 ORDER BY 1;
.once $T/sqlite3/bt.csv
SELECT BranchName, CASE WHEN CAST(substr(Timestamp, 12, 2) AS INT) BETWEEN 6 AND 11 THEN 'Morning' WHEN CAST(substr(Timestamp, 12, 2) AS INT) BETWEEN 12 AND 16 THEN 'Afternoon' WHEN CAST(substr(Timestamp, 12, 2) AS INT) BETWEEN 17 AND 20 THEN 'Evening' ELSE 'Night' END AS s, sum(FinalAmount) FROM t GROUP BY 1, 2 ORDER BY 1, 2;
.once $T/sqlite3/wk.csv
SELECT BranchName, strftime('%Y', Timestamp) || '-W' || printf('%02d', (CAST(strftime('%j', Timestamp) AS INT) - 1 + 7 - CAST(strftime('%w', Timestamp) AS INT)) / 7) AS w, sum(FinalAmount) FROM t GROUP BY 1, 2 ORDER BY 1, 2;
.once $T/sqlite3/mo.csv
SELECT BranchName, strftime('%Y-%m', Timestamp) AS m, sum(FinalAmount) FROM t GROUP BY 1, 2 ORDER BY 1, 2;
.once $T/sqlite3/kpis.csv
SELECT sum(FinalAmount), sum(Quantity), count(*), count(DISTINCT BranchName), avg(FinalAmount) FROM t;
SQL
	mkdir -p "$T/sqlite3"
	run "sqlite3" "$PEER_ROWS" "cat '$SMALL' | sqlite3 -batch -init '$T/bench.sql' :memory:"
	PEERS="$PEERS sqlite3"
else
	echo "sqlite3: skipped (not installed)"
fi

# pandas (Debian python3-pandas).
if [ -x "$PY" ] && "$PY" -c 'import pandas' 2>/dev/null; then
	cat >"$T/bench.py" <<'PYS'
import sys, pandas as pd
out = sys.argv[1]
df = pd.read_csv(sys.stdin)
ts = pd.to_datetime(df.Timestamp, format="%Y-%m-%d %H:%M:%S")
h = ts.dt.hour
df["TimeSlot"] = "Night"
df.loc[(h >= 6) & (h <= 11), "TimeSlot"] = "Morning"
df.loc[(h >= 12) & (h <= 16), "TimeSlot"] = "Afternoon"
df.loc[(h >= 17) & (h <= 20), "TimeSlot"] = "Evening"
df["Week"] = ts.dt.strftime("%Y-W%U")
df["Month"] = ts.dt.strftime("%Y-%m")
df.groupby("BranchName").FinalAmount.sum().to_csv(out + "/branch_sales.csv")
df.groupby("Category").FinalAmount.sum().to_csv(out + "/category_sales.csv")
df.groupby("Product").Quantity.sum().to_csv(out + "/product_sales.csv")
df.groupby("PaymentType").size().to_csv(out + "/payment.csv")
df.groupby(["BranchName", "TimeSlot"]).FinalAmount.sum().to_csv(out + "/bt.csv")
df.groupby(["BranchName", "Week"]).FinalAmount.sum().to_csv(out + "/wk.csv")
df.groupby(["BranchName", "Month"]).FinalAmount.sum().to_csv(out + "/mo.csv")
pd.DataFrame([[df.FinalAmount.sum(), df.Quantity.sum(), len(df),
    df.BranchName.nunique(), df.FinalAmount.mean()]]).to_csv(out + "/kpis.csv")
PYS
	mkdir -p "$T/pandas"
	run "pandas" "$PEER_ROWS" "cat '$SMALL' | $PY '$T/bench.py' '$T/pandas'"
	PEERS="$PEERS pandas"
else
	echo "pandas: skipped (apt-get install python3-pandas)"
fi

# datamash: it cannot derive time fields, so only branch_sales (1 of 9).
if command -v datamash >/dev/null; then
	mkdir -p "$T/datamash"
	run "datamash" "$PEER_ROWS" "cat '$SMALL' | datamash -t, -s --header-in -g 4 sum 14 >'$T/datamash/branch_sales.csv'"
	PEERS="$PEERS datamash"
else
	echo "datamash: skipped (not installed)"
fi

# ---- correctness: each peer's branch totals against reduce's -------------
# Totals are compared after rounding to paise; "float" marks a peer whose
# printed values needed that rounding.
verdict() {
	f=$T/$1/branch_sales.csv ref=$T/rs
	[ "$2" = "$ROWS" ] && ref=$T/r
	[ -d "$T/rd" ] && [ "$2" = "$DUCK_ROWS" ] && ref=$T/rd
	[ -s "$f" ] || { echo "no output"; return; }
	awk -F, -v want="$ref/branch_sales.csv" '
	BEGIN { while ((getline l < want) > 0) { split(l, a, ","); if (a[1] != "BranchName") ref[a[1]] = a[2] } }
	{ k = $1; gsub(/"/, "", k); if (!(k in ref)) next; v = $NF; seen[k] = 1
	  if (v !~ /^-?[0-9]+\.[0-9][0-9]$/ && v !~ /^-?[0-9]+$/) fl = 1
	  if (sprintf("%.2f", v) != ref[k]) { bad++; ex = k " " v " vs " ref[k] } }
	END { for (k in ref) if (!(k in seen)) miss++
	      if (bad || miss) printf "WRONG (%d of 5 differ%s)\n", bad + miss, ex != "" ? "; " ex : ""
	      else if (fl) print "right after rounding (float sums)"
	      else print "exact" }' "$f"
}

# ---- the table -----------------------------------------------------------
echo
printf '%-14s %10s %8s %9s %12s %10s  %s\n' tool rows seconds "RSS KiB" "rows/s" "reduce is" "branch totals"
rr=$(awk '$1 == "reduce" { print $5 }' "$T/results")
while read -r name rows s kb rate; do
	case $name in
	reduce|reduce\(file\)|reduce@peer) x="" v="exact (integer paise)" ;;
	cat\|wc-l) x=$(awk -v a="$rr" -v b="$rate" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }') v="-" ;;
	*) x=$(awk -v a="$rr" -v b="$rate" 'BEGIN { if (b > 0) printf "%.1fx faster", a / b; else print "-" }')
	   v=$(verdict "$name" "$rows") ;;
	esac
	printf '%-14s %10s %8s %9s %12s %10s  %s\n' "$name" "$rows" "$s" "$kb" "$rate" "$x" "$v"
done <"$T/results"
echo
echo "reduce from a pipe: $rr rows/s; $(awk -v a="$rr" -v b="$(awk '$1 == "cat|wc-l" { print $5 }' "$T/results")" 'BEGIN { printf "%.2f", a / b }') of 'cat | wc -l'"
echo "reduce peak RSS: $RSS_SMALL KiB at $PEER_ROWS rows, $RSS_BIG KiB at $ROWS rows"
echo "reduce's snapshot at $PEER_ROWS rows matches the full run's format: $(ls "$T/rs" | wc -l) files"
