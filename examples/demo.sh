#!/bin/sh
# The LiveInsight demo: a synthetic store's sales streamed at a steady rate,
# aggregated every second by reduce, and drawn live by render on each tick,
# with machine samples from sysheat and alerts from alertd when those are
# built.  Runs about DEMO_SECONDS (default 25) seconds, then exits; Ctrl-C
# stops it early.  make demo runs it with B set to the build directory.
#
#   DEMO_SECONDS=25 DEMO_RATE=500 sh examples/demo.sh
#   DEMO_RENDER_OPTS="--once" ...  (extra render options, for tests)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
PATH=$B/bin:$PATH
export PATH
secs=${DEMO_SECONDS:-25}
rate=${DEMO_RATE:-500}

for t in replay reduce render; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "demo: $t is not built; run make first" >&2
		exit 1
	fi
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/liveinsight-demo.XXXXXX") || exit 1
snap=$dir/snap
pids=
cleanup() {
	[ -f "$dir/samples.pid" ] && pids="$pids $(cat "$dir/samples.pid")"
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -s "$log" ]; then
		echo "demo: what the other tools said:" >&2
		tail -n 8 "$log" >&2
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$snap" && mkfifo "$dir/ticks" || exit 1
log=$dir/tools.log
rules=${DEMO_RULES:-$top/examples/liveinsight.rules}

# The store: 180 days of sales with a weak Yelahanka branch, streamed in
# about $secs seconds; reduce writes the snapshots and a tick line a second.
# The ticks go to render, and to alertd when it runs (through a FIFO held
# open here, so that alertd can never hold up the dashboard).
tickcopy=cat
if command -v sysheat >/dev/null 2>&1 && command -v alertd >/dev/null 2>&1 &&
    [ -f "$rules" ]; then
	mkfifo "$dir/alert-ticks" || exit 1
	exec 7<>"$dir/alert-ticks"
	tickcopy="tee $dir/alert-ticks"
fi
replay --synth --rows $((secs * rate)) --days 180 --rate "$rate" \
    --weak-branch Yelahanka:0.6 -q 2>>"$log" |
    reduce -o "$snap" --tick 1s --no-sync -q 2>>"$log" |
    $tickcopy >"$dir/ticks" &
pids="$pids $!"

# Machine samples, appended to a file the dashboard keeps the tail of, and
# alerts on them and on the snapshots, once the first snapshot is there:
# the alert events are appended to alerts.csv, the alerts firing now are
# kept in alerts.active.csv (replaced at every change).
if command -v sysheat >/dev/null 2>&1; then
	(
		n=50
		while [ ! -f "$snap/kpis.csv" ] && [ $n -gt 0 ]; do
			sleep 0.1; n=$((n - 1))
		done
		if [ "$tickcopy" != cat ]; then
			sysheat -i 1s -n $((secs + 10)) | tee "$snap/sysheat.csv" |
			    alertd -r "$rules" --input - \
			    --ticks "$dir/alert-ticks" -d "$snap" \
			    --state "$snap/alerts.active.csv" \
			    >"$snap/alerts.csv" &
		else
			sysheat -i 1s -n $((secs + 10)) >"$snap/sysheat.csv" &
		fi
		echo $! >"$dir/samples.pid"
		wait
	) 2>>"$log" &
	pids="$pids $!"
else
	echo "demo: sysheat is not built: no machine panels" >&2
fi

# The dashboard ends when the ticks do, after a last frame.
render dash --layout "$top/examples/dashboard.layout" -d "$snap" \
    --ticks "$dir/ticks" ${DEMO_RENDER_OPTS:-}
rc=$?
exit $rc
