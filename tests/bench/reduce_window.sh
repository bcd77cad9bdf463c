#!/bin/sh
# Benchmark of reduce's windows and period over period (issue 14), on the
# same data in the same run, read from a pipe: the contract's nine files
# alone (the default before period over period joined it: "contract"),
# today's default (with pop_branch, pop_total, branch_vs_last_week and
# branch_idle: "default"), and today's default plus three hopping windows
# with a 1 h watermark ("windows"); the ratio of windows to contract (goal:
# at least 0.7) and rows/s (goal: at least 3M); peak RSS at ROWS (goal:
# flat); and DuckDB computing the same three windows with time_bucket
# (./deps.sh --bench installs it), its time against reduce's and the
# windows' totals compared.
#
#   make bench BENCH=reduce_window [ROWS=10000000]
LC_ALL=C; export LC_ALL
set -u
ROWS=${ROWS:-10000000}
SMALL_ROWS=$((ROWS / 10))
CACHE=${LI_BENCH_CACHE:-$HOME/.cache/liveinsight-bench}
T=$(mktemp -d "${TMPDIR:-/tmp}/li-bench-window.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
BIG=$T/big.csv SMALL=$T/small.csv

echo "generating $ROWS rows (tests/helpers/synthgen, lib/synth.h) ..."
synthgen "$ROWS" >"$BIG" || exit 1
head -n $((SMALL_ROWS + 1)) "$BIG" >"$SMALL"
echo "data: $(wc -c <"$BIG") bytes, $ROWS rows, $(sed -n 2p "$BIG" | cut -d, -f2) to $(tail -n 1 "$BIG" | cut -d, -f2)"

# The contract's files, the default (with period over period), and the
# default with the three windows.
reduce --print-spec >"$T/default.spec"
grep -Ev '^(pop_branch|pop_total|branch_vs_last_week|branch_idle)\.csv:' \
    "$T/default.spec" >"$T/contract.spec"
cp "$T/default.spec" "$T/win.spec"
cat >>"$T/win.spec" <<'EOF'
rev_1h.csv: BranchName, window(1h, 5m) -> Revenue=sum(FinalAmount)
rev_15m.csv: BranchName, window(15m, 5m) -> Revenue=sum(FinalAmount)
cat_1d.csv: Category, window(1d, 1h) -> Revenue=sum(FinalAmount), n=count()
EOF

# run NAME ROWS CMD: time CMD, print and remember seconds, RSS, rows/s.
run() {
	_name=$1 _rows=$2; shift 2
	if /usr/bin/time -f '%e %M %U %S' -o "$T/time" sh -c "$*" >"$T/$_name.out" 2>"$T/$_name.err"; then
		read -r _s _kb _u _y <"$T/time"
		_rate=$(awk -v r="$_rows" -v s="$_s" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
		_cpu=$(awk -v u="$_u" -v y="$_y" 'BEGIN { printf "%.2f", u + y }')
	else
		echo "$_name: failed: $(tail -n 3 "$T/$_name.err")"
		_s=- _kb=- _rate=0 _cpu=-
	fi
	echo "$_name $_rows $_s $_kb $_rate $_cpu" >>"$T/results"
}
rss() {	# rss NAME ROWS SPEC: reduce's own peak RSS
	run "$1" "$2" "cat '$4' | /usr/bin/time -f '%M' -o '$T/rss.$1' reduce --no-sync -q --watermark 1h -s '$3' -o '$T/o.$1' >/dev/null"
}
rss contract "$ROWS" "$T/contract.spec" "$BIG"
rss default "$ROWS" "$T/default.spec" "$BIG"
rss windows "$ROWS" "$T/win.spec" "$BIG"
rss windows@small "$SMALL_ROWS" "$T/win.spec" "$SMALL"

# DuckDB: the same three windows with time_bucket (a row in every window
# that holds it: one bucket per hop offset), and the closed+open totals.
if [ -d "$CACHE/node_modules/@duckdb/node-api" ] && command -v node >/dev/null; then
	# Beside its node_modules, where node resolves the import.
	DUCKJS=$CACHE/.li-bench-window.$$.mjs
	trap 'rm -rf "$T" "$DUCKJS"' EXIT
	cat >"$DUCKJS" <<'JS'
import { DuckDBInstance } from '@duckdb/node-api';
const out = process.argv[2];
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run("CREATE TABLE t AS SELECT * FROM read_csv('/dev/stdin', header = true)");
const hop = (key, size, step, m) => `SELECT ${key}, ws, ws + INTERVAL ${size} AS we, ${m}
  FROM (SELECT *, time_bucket(INTERVAL ${step}, Timestamp) - k * INTERVAL ${step} AS ws
        FROM (SELECT *, unnest(generate_series(0, CAST(epoch(INTERVAL ${size}) // epoch(INTERVAL ${step}) AS BIGINT) - 1)) AS k FROM t))
  GROUP BY 1, 2, 3 ORDER BY 1, 2`;
await c.run(`COPY (${hop('BranchName', "'1 hour'", "'5 minutes'", 'sum(FinalAmount)')}) TO '${out}/rev_1h.csv' (HEADER)`);
await c.run(`COPY (${hop('BranchName', "'15 minutes'", "'5 minutes'", 'sum(FinalAmount)')}) TO '${out}/rev_15m.csv' (HEADER)`);
await c.run(`COPY (${hop('Category', "'1 day'", "'1 hour'", 'sum(FinalAmount), count(*)')}) TO '${out}/cat_1d.csv' (HEADER)`);
JS
	mkdir -p "$T/duck"
	run duckdb "$ROWS" "cat '$BIG' | node '$DUCKJS' '$T/duck'"
else
	echo "duckdb: skipped (./deps.sh --bench, or npm install --prefix $CACHE @duckdb/node-api)"
fi

echo
printf '%-16s %10s %8s %8s %9s %10s\n' run rows seconds "CPU s" "RSS MB" rows/s
while read -r n r s kb rate cpu; do
	[ -f "$T/rss.$n" ] && kb=$(cat "$T/rss.$n")
	printf '%-16s %10s %8s %8s %9s %10s\n' "$n" "$r" "$s" "$cpu" \
	    "$(awk -v k="$kb" 'BEGIN { printf (k == "-" ? "-" : "%.1f"), k / 1024 }')" "$rate"
done <"$T/results"
awk '$1 == "contract" { c = $5; cc = $6 } $1 == "default" { d = $5; dc = $6 }
    $1 == "windows" { w = $5; wc = $6 } $1 == "duckdb" { k = $5; kc = $6 }
    END { if (c > 0) printf "default (with pop) vs contract alone: %.2fx by wall time, %.2fx by CPU time\n", d / c, (dc > 0 ? cc / dc : 0)
          if (c > 0) printf "default + 3 windows vs contract alone: %.2fx by wall time, %.2fx by CPU time (goal >= 0.70), %.2fM rows/s (goal >= 3M)\n", w / c, (wc > 0 ? cc / wc : 0), w / 1e6
          if (k > 0) printf "reduce (default + 3 windows) vs DuckDB (3 windows only): %.1fx faster by wall time, %.1fx by CPU time\n", w / k, (wc > 0 ? kc / wc : 0) }' "$T/results"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "open windows at the end: $(($(wc -l <"$T/o.windows/rev_1h.csv") - 1)) rows of rev_1h.csv; closed: $(($(wc -l <"$T/o.windows/closed/rev_1h.csv") - 1))"
if [ -d "$T/duck" ] && [ -s "$T/duck/rev_1h.csv" ]; then
	# reduce's closed and open windows, against DuckDB's (rounded).
	tail -n +2 -q "$T/o.windows/closed/rev_1h.csv" "$T/o.windows/rev_1h.csv" |
	    awk -F, '{ printf "%s,%s,%.2f\n", $1, $2, $4 }' | sort >"$T/r.cmp"
	tail -n +2 "$T/duck/rev_1h.csv" | tr -d '"' |
	    awk -F, '{ printf "%s,%s,%.2f\n", $1, substr($2, 1, 19), $4 }' | sort >"$T/d.cmp"
	if cmp -s "$T/r.cmp" "$T/d.cmp"; then
		echo "rev_1h.csv: DuckDB's windows equal reduce's ($(wc -l <"$T/r.cmp") rows, after rounding its doubles)"
	else
		echo "rev_1h.csv: DuckDB differs in $(comm -3 "$T/r.cmp" "$T/d.cmp" | wc -l) rows"
	fi
fi
