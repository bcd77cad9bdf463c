#!/bin/sh
# Benchmark of scale-out on Kafka against the one-machine pipe: rows/s of
# replay producing to Kafka, of one and of two reduce instances consuming
# (librdkafka's mock cluster, 3 brokers, 6 partitions, in a helper process
# on the same machine), next to `replay | reduce` through a pipe, and the
# cost of a checkpoint per tick.  Every Kafka result is merged and compared
# with the pipe's snapshot.
#
#   make bench BENCH=scaleout [ROWS=500000]
#
# ROWS is capped by the mock's retention (5 MiB of batches per partition):
# 500k rows keyed by BranchName fit, 1M do not.
LC_ALL=C; export LC_ALL
set -u
ROWS=${ROWS:-500000}
T=$(mktemp -d "${TMPDIR:-/tmp}/li-bench-scaleout.XXXXXX") || exit 1
mock=
trap '[ -n "$mock" ] && kill $mock 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1

kafka_mock -b 3 -p 6 -t byb -t byc -t empty >addr 2>mock.err &
mock=$!
i=0
while [ ! -s addr ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
B=$(cat addr)
[ -n "$B" ] || { echo "bench: the mock cluster did not start"; exit 1; }
echo "rows: $ROWS; cores: $(nproc); mock cluster: 3 brokers, 6 partitions (same machine)"

# secs CMD: wall seconds of CMD (a shell command line); the CPU seconds
# (user + system) of CMD and its children go to $T/cpu.
secs() {
	/usr/bin/time -f '%e %U %S' -o "$T/time" sh -c "$*" >/dev/null 2>"$T/err" ||
	    { echo "bench: failed: $*: $(tail -n 3 "$T/err")" >&2; echo 0; return; }
	awk '{ print $2 + $3 > "'"$T/cpu"'"; print $1 }' "$T/time"
}
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }'; }
row() { printf '%-44s %8s %11s %8s\n' "$1" "$2" "$(rate "$3" "$2")" "$(cat "$T/cpu")"; }
same() {	# DIR: the same snapshot as the pipe's?
	for f in pipe/*.csv; do
		cmp -s "$f" "$1/${f#pipe/}" || { echo "DIFFERENT"; return; }
	done
	echo "same"
}

replay --synth --rows "$ROWS" >data.csv
echo "seconds: wall; cpu: user+system seconds of the tools (not of the mock)"
printf '%-44s %8s %11s %8s\n' "what" "seconds" "rows/s" "cpu"
s=$(secs "replay --synth --rows $ROWS | reduce --no-sync -q -o pipe")
row "pipe: replay --synth | reduce" "$s" "$ROWS"
s=$(secs "reduce --no-sync -q -o file data.csv")
row "file: reduce FILE" "$s" "$ROWS"
s=$(secs "replay --synth --rows $ROWS -b $B -t byb --key BranchName -X linger.ms=100")
row "kafka: replay -b (key BranchName, zstd)" "$s" "$ROWS"
s=$(secs "replay --synth --rows $ROWS -b $B -t byc --key CustomerID -X linger.ms=100")
row "kafka: replay -b (key CustomerID, zstd)" "$s" "$ROWS"

K="-e --no-sync -q -b $B"
s=$(secs "reduce $K --topic empty --partitions 0-5 -o e")
echo "kafka: reduce start and stop on an empty topic: ${s}s (in every Kafka row below)"
HDR=$(head -n 1 data.csv)
s=$(secs "{ echo '$HDR'; kcat -b $B -C -t byc -o beginning -e -q; } | reduce --no-sync -q -o kc")
row "peer: kcat -C (6 partitions) | reduce" "$s" "$ROWS"
for t in byb byc; do
	s=$(secs "reduce $K --topic $t --partitions 0-5 -o ${t}1")
	row "kafka: 1 reduce, 6 partitions ($t)" "$s" "$ROWS"
	s=$(secs "reduce $K --topic $t --partitions 0-2 --checkpoint ${t}a/state.ckpt -o ${t}a &
	    reduce $K --topic $t --partitions 3-5 --checkpoint ${t}b/state.ckpt -o ${t}b; wait")
	row "kafka: 2 reduce, 3 partitions each ($t)" "$s" "$ROWS"
	reduce --no-sync --merge -o ${t}m ${t}a ${t}b
	echo "  $t: 1 instance $(same ${t}1), 2 merged $(same ${t}m);" \
	    "rows per instance: $(tail -n 1 ${t}a/kpis.csv | cut -d, -f3)" \
	    "and $(tail -n 1 ${t}b/kpis.csv | cut -d, -f3)"
done

# ---- checkpoint cost -------------------------------------------------------
echo
echo "checkpoint per tick (default spec, state of $ROWS rows, 1 instance, 6 partitions):"
n=500
per=$((ROWS / n))
s0=$(secs "reduce $K --topic byc --partitions 0-5 --tick 1h --tick-rows $per -o c0")
s1=$(secs "reduce $K --topic byc --partitions 0-5 --tick 1h --tick-rows $per --checkpoint c1/state.ckpt -o c1")
s2=$(secs "reduce -e -q -b $B --topic byc --partitions 0-5 --tick 1h --tick-rows $per --checkpoint c2/state.ckpt -o c2")
printf '  %d ticks: snapshots only %ss, + checkpoint (no fsync) %ss, + fsync %ss\n' \
    "$n" "$s0" "$s1" "$s2"
awk -v a="$s0" -v b="$s1" -v c="$s2" -v n="$n" 'BEGIN {
	printf "  per tick: checkpoint %.2f ms without fsync; checkpoint and fsync of it and the snapshot %.2f ms\n",
	    (b - a) / n * 1000, (c - a) / n * 1000 }'
echo "  checkpoint size: $(wc -c <c1/state.ckpt) bytes"
s=$(secs "reduce --no-sync --merge -o cm byca bycb")
echo "  merging the two instances' checkpoints: ${s}s"
