#!/bin/sh
# render: CPU time of one full dashboard frame at 200x60 from snapshot
# files, measured inside render over many frames (--frames, getrusage),
# next to a plain Python 3 renderer of the same files; and one table drawn
# per exec, next to column -t.  Goal: under 2 ms of CPU per frame.
LC_ALL=C.UTF-8; export LC_ALL
set -u
top=${LI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
FRAMES=${RENDER_BENCH_FRAMES:-500}
CALLS=${RENDER_BENCH_CALLS:-200}
w=$(mktemp -d "${TMPDIR:-/tmp}/render-bench.XXXXXX") || exit 1
trap 'rm -rf "$w"' EXIT
snap=$w/snap
mkdir "$snap"

# Snapshots from the real pipeline when it is built, else the examples.
if command -v replay >/dev/null 2>&1 && command -v reduce >/dev/null 2>&1 &&
    replay --synth --rows 25003 --days 180 --rate 0 -q 2>/dev/null |
    reduce -o "$snap" --no-sync -q >/dev/null 2>&1; then
	src="replay --synth --rows 25003 --days 180 | reduce"
else
	cp "$top"/examples/render-snap/*.csv "$snap/"
	src="examples/render-snap"
fi
# A day of samples at 1 Hz and 2000 alert events: the dashboard reads only
# their tails.
awk 'BEGIN { print "time,cpu_temp,gpu_temp,cpu_pct,mem_pct,disk_pct,net_rx_bytes_s,net_tx_bytes_s";
	for (i = 0; i < 86400; i++)
		printf "2026-11-23T%02d:%02d:%02dZ,%.1f,%.1f,%.1f,%.1f,41.0,%d,%d\n",
		    i / 3600, (i / 60) % 60, i % 60, 50 + (i % 37) / 3,
		    60 + (i % 23) / 2, (i * 7) % 100, 40 + (i % 11),
		    i % 5000, i % 3000 }' >"$snap/sysheat.csv"
awk 'BEGIN { print "time,status,alert,severity,key,value,message";
	for (i = 0; i < 2000; i++)
		printf "2026-11-23T10:%02d:%02dZ,%s,cpu_hot,%s,cpu,%d,CPU usage %d%%\n",
		    (i / 60) % 60, i % 60, i % 2 ? "resolved" : "firing",
		    i % 3 ? "warning" : "critical", 90 + i % 10, 90 + i % 10 }' \
    >"$snap/alerts.csv"
# And 40 alerts firing now, as alertd --state writes them.
awk 'BEGIN { print "alert,key,severity,since,value,threshold,message";
	for (i = 0; i < 40; i++)
		printf "low_selling_product,Product %d,%s,2026-11-23T10:%02d:00+05:30,%d,20.5,UnitsSold %d below 0.5*median (20.5)\n",
		    i, i % 4 ? "warning" : "critical", i, i % 20, i % 20 }' \
    >"$snap/alerts.active.csv"

echo "snapshots: $src; sysheat.csv 86400 rows, alerts.csv 2000 rows," \
    "alerts.active.csv 40 rows"

# A figure that cannot be read fails the benchmark, loudly.
figure() {	# name, value
	case $2 in
	''|*[!0-9.]*|*.*.*|.)
		echo "render bench: cannot read the figure of $1: '$2'" >&2
		exit 1 ;;
	esac
}
printf '%-58s %12s %8s\n' "what" "CPU ms" "ratio"

# render: --frames reports CPU per frame from getrusage.
r=$(render dash --layout "$top/examples/dashboard.layout" -d "$snap" \
    --frames "$FRAMES" -w 200 -H 60 --color=always 2>&1 >/dev/null |
    sed -n 's/.* \([0-9.]*\) ms CPU per frame.*/\1/p')
figure "render dash" "$r"
printf '%-58s %12s %8s\n' "render dash, 200x60 frame, colour ($FRAMES frames)" "$r" "1.0"

if command -v python3 >/dev/null 2>&1; then
	p=$(python3 "$top/tests/bench/render_peer.py" "$snap" "$FRAMES")
	figure "the Python peer" "$p"
	printf '%-58s %12s %8s\n' "python3 csv + text bars, same panels ($FRAMES frames)" \
	    "$p" "$(awk -v a="$p" -v b="$r" 'BEGIN { printf "%.1f", a / b }')"
	# The same with the sample and alert files cut to the rows shown, so
	# that reading them whole costs Python nothing extra.
	cp -R "$snap" "$w/small"
	{ head -n 1 "$snap/sysheat.csv"; tail -n 120 "$snap/sysheat.csv"; } \
	    >"$w/small/sysheat.csv"
	{ head -n 1 "$snap/alerts.csv"; tail -n 8 "$snap/alerts.csv"; } \
	    >"$w/small/alerts.csv"
	r2=$(render dash --layout "$top/examples/dashboard.layout" \
	    -d "$w/small" --frames "$FRAMES" -w 200 -H 60 --color=always \
	    2>&1 >/dev/null | sed -n 's/.* \([0-9.]*\) ms CPU per frame.*/\1/p')
	figure "render dash, samples cut" "$r2"
	p2=$(python3 "$top/tests/bench/render_peer.py" "$w/small" "$FRAMES")
	figure "the Python peer, samples cut" "$p2"
	printf '%-58s %12s %8s\n' "render dash, samples cut to 120 rows" "$r2" "1.0"
	printf '%-58s %12s %8s\n' "python3 csv + text bars, samples cut to 120 rows" \
	    "$p2" "$(awk -v a="$p2" -v b="$r2" 'BEGIN { printf "%.1f", a / b }')"
else
	echo "python3 not found: no Python peer"
fi

# One table per exec: render table vs column -t (CPU of the child
# processes, per call).
percall() {	# command...: CPU ms per call of CALLS calls
	python3 - "$CALLS" "$@" <<'PY'
import resource, subprocess, sys
n = int(sys.argv[1]); cmd = sys.argv[2:]
for _ in range(n):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f" % ((u.ru_utime + u.ru_stime) * 1000 / n))
PY
}
if command -v python3 >/dev/null 2>&1 && command -v column >/dev/null 2>&1; then
	a=$(percall render table -w 200 "$snap/product_sales.csv")
	figure "render table" "$a"
	b=$(percall column -t -s, "$snap/product_sales.csv")
	figure "column -t" "$b"
	printf '%-58s %12s %8s\n' "render table product_sales.csv (per exec, $CALLS calls)" "$a" "1.0"
	printf '%-58s %12s %8s\n' "column -t -s, product_sales.csv (per exec)" "$b" \
	    "$(awk -v a="$b" -v b="$a" 'BEGIN { printf "%.1f", a / b }')"
fi
awk -v r="$r" 'BEGIN { exit !(r < 2.0) }' &&
    echo "goal met: under 2 ms of CPU per 200x60 frame" ||
    echo "goal missed: 2 ms of CPU per 200x60 frame"
