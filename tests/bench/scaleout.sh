#!/bin/sh
# Benchmark of scale-out on Kafka against the one-machine pipe: rows/s of
# replay producing to Kafka, of one and of two reduce instances consuming
# (explicit partitions, and members of one consumer group sharing a
# --state-dir), next to `replay | reduce` through a pipe, and the cost of a
# checkpoint per tick.  librdkafka's mock cluster (3 brokers, 6 partitions)
# runs in a helper process on the same machine.  Every Kafka result is
# merged and compared with the pipe's snapshot.
#
#   make bench BENCH=scaleout [ROWS=1000000]
#
# ROWS is capped by the mock's retention (5 MiB of batches per partition):
# keyed by TransactionID, in 8 MB batches at zstd level 9 (PROD below), 1M
# rows take at most 3.9 MiB a partition.
LC_ALL=C; export LC_ALL
set -u
ROWS=${ROWS:-1000000}
PROD="--kafka-key TransactionID -X linger.ms=500 -X batch.num.messages=100000"
PROD="$PROD -X batch.size=8000000 -X message.max.bytes=10000000"
PROD="$PROD -X queue.buffering.max.messages=1000000 -X compression.level=9"
T=$(mktemp -d "${TMPDIR:-/tmp}/li-bench-scaleout.XXXXXX") || exit 1
mock=
trap '[ -n "$mock" ] && kill $mock 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1

kafka_mock -b 3 -p 6 -t s -t d -t empty >addr 2>mock.err &
mock=$!
i=0
while [ ! -s addr ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
B=$(cat addr)
[ -n "$B" ] || { echo "bench: the mock cluster did not start"; exit 1; }
echo "rows: $ROWS; cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg);" \
    "mock cluster: 3 brokers, 6 partitions (same machine)"

# secs CMD: wall seconds of CMD (a shell command line); the CPU seconds
# (user + system) of CMD and its children go to $T/cpu, the peak RSS of
# the largest of them (MB) to $T/rss.
secs() {
	/usr/bin/time -f '%e %U %S %M' -o "$T/time" sh -c "$*" >/dev/null 2>"$T/err" ||
	    { echo "bench: failed: $*: $(tail -n 3 "$T/err")" >&2; echo 0; return; }
	awk '{ print $2 + $3 > "'"$T/cpu"'"; printf "%.1f\n", $4 / 1024 > "'"$T/rss"'"
	    print $1 }' "$T/time"
}
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }'; }
row() { printf '%-50s %8s %11s %8s %8s\n' "$1" "$2" "$(rate "$3" "$2")" "$(cat "$T/cpu")" "$(cat "$T/rss")"; }
same() {	# DIR: the same snapshot as the pipe's?
	for f in pipe/*.csv; do
		cmp -s "$f" "$1/${f#pipe/}" || { echo "DIFFERENT"; return; }
	done
	echo "same"
}

replay --synth --rows "$ROWS" >data.csv
echo "seconds: wall; cpu: user+system seconds of the tools (not of the mock);"
echo "rss: peak resident MB of the largest process"
printf '%-50s %8s %11s %8s %8s\n' "what" "seconds" "rows/s" "cpu" "rss"
s=$(secs "replay --synth --rows $ROWS | reduce --no-sync -q -o pipe")
row "pipe: replay --synth | reduce" "$s" "$ROWS"
s=$(secs "reduce --no-sync -q -o file data.csv")
row "file: reduce FILE" "$s" "$ROWS"
s=$(secs "replay --synth --rows $ROWS -b $B -t s $PROD")
row "kafka: replay -b (TransactionID, zstd 9, 8 MB)" "$s" "$ROWS"
s=$(secs "replay --synth --rows $ROWS -b $B -t d --kafka-key TransactionID -X linger.ms=100")
row "kafka: replay -b (defaults: zstd 3, linger 100)" "$s" "$ROWS"
first=
for p in 0 1 2 3 4 5; do
	first="$first$(kcat -b "$B" -C -t s -p $p -o beginning -c 1 -e -f '%o' 2>/dev/null)"
done
[ "$first" = 000000 ] || echo "bench: the mock dropped rows of topic s ($first)"

K="-e --no-sync -q -b $B"
s=$(secs "reduce $K --topic empty --partitions 0-5 -o e")
echo "kafka: reduce start and stop on an empty topic: ${s}s (in every --partitions row)"
s=$(secs "reduce $K --topic empty -G ge -X session.timeout.ms=6000 --state-dir eg -o eg")
echo "kafka: reduce -G join, leave on an empty topic: ${s}s (in every -G row)"
HDR=$(head -n 1 data.csv)
s=$(secs "{ echo '$HDR'; kcat -b $B -C -t s -o beginning -e -q; } | reduce --no-sync -q -o kc")
row "peer: kcat -C (6 partitions) | reduce" "$s" "$ROWS"
s=$(secs "reduce $K --topic s --partitions 0-5 -o k1")
row "kafka: 1 reduce, 6 partitions" "$s" "$ROWS"
s=$(secs "reduce $K --topic s --partitions 0-2 --checkpoint ka/state.ckpt -o ka &
    reduce $K --topic s --partitions 3-5 --checkpoint kb/state.ckpt -o kb; wait")
row "kafka: 2 reduce, 3 partitions each" "$s" "$ROWS"
reduce --no-sync --merge -o km ka kb
echo "  1 instance $(same k1), 2 merged $(same km);" \
    "rows per instance: $(tail -n 1 ka/kpis.csv | cut -d, -f3)" \
    "and $(tail -n 1 kb/kpis.csv | cut -d, -f3)"
s=$(secs "reduce $K --topic s --partitions 0-5 --state-dir sd1 -o ks1")
row "kafka: 1 reduce, 6 partition states (--state-dir)" "$s" "$ROWS"
G="$K --topic s -X session.timeout.ms=6000"
s=$(secs "reduce $G -G g1 --state-dir gd1 -o g1")
row "kafka: 1 reduce -G, --state-dir" "$s" "$ROWS"
reduce --no-sync --merge -o g1m gd1
s=$(secs "reduce $G -G g2 --state-dir gd2 -o g2a & reduce $G -G g2 --state-dir gd2 -o g2b; wait")
row "kafka: 2 reduce -G, one --state-dir" "$s" "$ROWS"
reduce --no-sync --merge -o g2m gd2
echo "  --state-dir 1 instance $(same ks1), 1 member merged $(same g1m)," \
    "2 members merged $(same g2m); rows per member at the end:" \
    "$(tail -n 1 g2a/kpis.csv | cut -d, -f3) and $(tail -n 1 g2b/kpis.csv | cut -d, -f3)"

# ---- checkpoint cost -------------------------------------------------------
echo
echo "checkpoint per tick (default spec, state of $ROWS rows, 1 instance, 6 partitions):"
n=500
per=$((ROWS / n))
P="$K --topic s --partitions 0-5 --tick 1h --tick-rows $per"
s0=$(secs "reduce $P -o c0")
s1=$(secs "reduce $P --checkpoint c1/state.ckpt -o c1")
s2=$(secs "reduce $P --state-dir c2 -o c2")
s3=$(secs "reduce -e -q -b $B --topic s --partitions 0-5 --tick 1h --tick-rows $per --checkpoint c3/state.ckpt -o c3")
s4=$(secs "reduce -e -q -b $B --topic s --partitions 0-5 --tick 1h --tick-rows $per --state-dir c4 -o c4")
printf '  %d ticks: snapshots only %ss; no fsync: + 1 checkpoint %ss, 6 partition checkpoints %ss; fsync: 1 checkpoint %ss, 6 partition checkpoints %ss\n' \
    "$n" "$s0" "$s1" "$s2" "$s3" "$s4"
awk -v a="$s0" -v b="$s1" -v c="$s2" -v d="$s3" -v e="$s4" -v n="$n" 'BEGIN {
	printf "  per tick, no fsync: checkpoint %.2f ms, --state-dir %.2f ms\n",
	    (b - a) / n * 1000, (c - a) / n * 1000
	printf "  per tick, fsync of the checkpoints and the snapshot: checkpoint %.2f ms, --state-dir %.2f ms\n",
	    (d - a) / n * 1000, (e - a) / n * 1000 }'
echo "  checkpoint size: $(wc -c <c1/state.ckpt) bytes; partition checkpoints: $(cat c2/*.ckpt | wc -c) bytes in all"
s=$(secs "reduce --no-sync --merge -o cm ka kb")
echo "  merging the two instances' checkpoints: ${s}s"
s=$(secs "reduce --no-sync --merge -o cm2 c2")
echo "  merging the 6 partition checkpoints: ${s}s"
