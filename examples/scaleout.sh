#!/bin/sh
# Scale-out on Kafka: the same rows reduced by one process through a pipe,
# and by two reduce instances that each read half of a topic's partitions,
# then merged.  The two snapshots must be identical.
#
# Usage: sh examples/scaleout.sh BROKERS TOPIC [ROWS] [-X key=value ...]
#   BROKERS  bootstrap servers (host:port,...); TOPIC with 6 partitions
#   ROWS     rows to produce (default 100000)
#   -X ...   librdkafka settings for both tools, e.g. for a real cluster
#            -X security.protocol=SASL_SSL -X sasl.mechanisms=PLAIN
#            -X sasl.username=USER -X sasl.password=SECRET
set -eu
[ $# -ge 2 ] || { echo "usage: sh examples/scaleout.sh BROKERS TOPIC [ROWS] [-X k=v ...]" >&2; exit 2; }
brokers=$1 topic=$2
shift 2
rows=100000
case ${1:-} in [0-9]*) rows=$1; shift ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/scaleout.XXXXXX")
cd "$dir"

# One machine: a pipe.
replay --synth --rows "$rows" | reduce -q -o pipe >/dev/null

# Many machines: rows to Kafka, keyed by branch (one branch, one partition).
replay -q --synth --rows "$rows" -b "$brokers" -t "$topic" --key BranchName "$@"
# Each instance would run on its own machine; -e stops at the end of the
# partitions (leave it out to keep following them).
reduce -q -b "$brokers" --topic "$topic" --partitions 0-2 -e \
    --checkpoint a/state.ckpt -o a "$@" >/dev/null &
pid=$!
reduce -q -b "$brokers" --topic "$topic" --partitions 3-5 -e \
    --checkpoint b/state.ckpt -o b "$@" >/dev/null
wait $pid
reduce --merge -o merged a b

for f in pipe/*.csv; do
	cmp -s "$f" "merged/${f#pipe/}" || { echo "scaleout: ${f#pipe/} differs"; exit 1; }
done
echo "pipe and Kafka snapshots are identical ($rows rows, $dir)"
cat merged/branch_sales.csv
