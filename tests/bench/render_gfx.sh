#!/bin/sh
# render pictures and render serve: the demo dashboard layout as one
# 1600x1000 PNG (time per picture inside render, --frames, after the
# first, which loads the fonts), next to the same panels drawn by
# matplotlib in the same run; and serve's tick-to-page latency, measured
# in headless Chromium over 100 ticks (the page's own clock in the first
# task after the frame that follows the new pictures' decoding, minus the
# time the tick line was written).
# Goals: a picture in under 50 ms; an update shown within 100 ms.
LC_ALL=C.UTF-8; export LC_ALL
set -u
top=${LI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
FRAMES=${RENDER_GFX_FRAMES:-50}
PEER_FRAMES=${RENDER_GFX_PEER_FRAMES:-10}
TICKS=${RENDER_GFX_TICKS:-100}
w=$(mktemp -d "${TMPDIR:-/tmp}/render-gfx-bench.XXXXXX") || exit 1
SP=
trap '[ -n "$SP" ] && kill $SP 2>/dev/null; rm -rf "$w"' EXIT
cp -r "$top/examples/render-snap" "$w/snap"
L=$top/examples/dashboard.layout
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf '%-60s %10s %10s %8s\n' "what" "wall ms" "CPU ms" "ratio"

r=$(render dash --layout "$L" -d "$w/snap" -o "$w/render.png" \
    --frames $((FRAMES + 1)) 2>&1 |
    sed -n 's/.*: \([0-9.]*\) ms wall, \([0-9.]*\) ms CPU each.*/\1 \2/p')
rw=${r% *} rc=${r#* }
printf '%-60s %10s %10s %8s\n' "render dash -o PNG 1600x1000 ($FRAMES pictures)" \
    "$rw" "$rc" "1.0"
py=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import matplotlib' 2>/dev/null; then py=$p; break; fi
done
if [ -n "$py" ]; then
	m=$("$py" "$top/tests/bench/render_gfx_peer.py" "$w/snap" "$PEER_FRAMES" \
	    "$w/mpl.png")
	mw=$(echo "$m" | cut -d' ' -f1) mc=$(echo "$m" | cut -d' ' -f2)
	printf '%-60s %10s %10s %8s\n' \
	    "matplotlib (Agg), same panels, PNG 1600x1000 ($PEER_FRAMES)" \
	    "$mw" "$mc" "$(awk -v a="$mc" -v b="$rc" 'BEGIN { printf "%.1f", a / b }')"
else
	echo "matplotlib not found (./deps.sh --bench): no peer"
fi
for f in svg pdf; do
	r=$(render dash --layout "$L" -d "$w/snap" -o "$w/render.$f" \
	    --frames $((FRAMES + 1)) 2>&1 |
	    sed -n 's/.*: \([0-9.]*\) ms wall, \([0-9.]*\) ms CPU each.*/\1 \2/p')
	printf '%-60s %10s %10s %8s\n' "render dash -o $(echo $f | tr a-z A-Z) ($FRAMES pictures)" \
	    "${r% *}" "${r#* }" "-"
done
awk -v c="$rc" 'BEGIN { exit !(c < 50) }' &&
    echo "goal met: a 1600x1000 dashboard PNG in under 50 ms of CPU" ||
    echo "goal missed: 50 ms of CPU per 1600x1000 dashboard PNG"

# serve: tick line to page.
if command -v chromium >/dev/null 2>&1; then
	mkfifo "$w/tk"
	render serve -v --layout "$L" -d "$w/snap" --listen 127.0.0.1:0 \
	    --ticks "$w/tk" 2>"$w/serve.err" &
	SP=$!
	i=0
	while ! grep -q 'serving http' "$w/serve.err" && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	U=$(sed -n 's/^render: serving \(http:[^ ]*\)$/\1/p' "$w/serve.err")
	# Each tick replaces kpis.csv and branch_sales.csv first, as reduce
	# does: the KPI cards and the branch panels are drawn and loaded anew.
	l=$(python3 "$top/tests/e2e/render_browser.py" bench "$U" "$w/tk" \
	    "$TICKS" "$w/snap")
	set -- $l
	printf '%-60s %10s %10s %10s\n' "render serve, tick to page in Chromium ($1 ticks)" \
	    "p50 $2" "p99 $3" "max $4"
	awk -v p="$3" 'BEGIN { exit !(p < 100) }' &&
	    echo "goal met: p99 tick-to-page under 100 ms" ||
	    echo "goal missed: p99 tick-to-page 100 ms"
	kill $SP; wait $SP 2>/dev/null; SP=
else
	echo "chromium not found: no latency figure"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
