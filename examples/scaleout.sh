#!/bin/sh
# Scale-out on Kafka: the same rows reduced by one process through a pipe,
# and by two reduce instances that each read half of a topic's partitions,
# then merged.  The two snapshots must be identical.
#
# Usage: sh examples/scaleout.sh BROKERS TOPIC [ROWS] [-G GROUP] [-X key=value ...]
#   BROKERS  bootstrap servers (host:port,...); TOPIC with 6 partitions
#   ROWS     rows to produce (default 100000)
#   -G GROUP the two instances join consumer group GROUP instead of reading
#            partitions 0-2 and 3-5, and share one state directory, so the
#            partitions they hand over between them are counted once
#   -X ...   librdkafka settings for both tools, e.g. for a real cluster
#            -X security.protocol=SASL_SSL -X sasl.mechanisms=PLAIN
#            -X sasl.username=USER -X sasl.password=SECRET
set -eu
[ $# -ge 2 ] || { echo "usage: sh examples/scaleout.sh BROKERS TOPIC [ROWS] [-G GROUP] [-X k=v ...]" >&2; exit 2; }
brokers=$1 topic=$2
shift 2
rows=100000 group=
case ${1:-} in [0-9]*) rows=$1; shift ;; esac
case ${1:-} in -G) group=$2; shift 2 ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/scaleout.XXXXXX")
cd "$dir"

# One machine: a pipe.
replay --synth --rows "$rows" | reduce -q -o pipe >/dev/null

# Many machines: rows to Kafka, keyed by branch (one branch, one partition).
replay -q --synth --rows "$rows" -b "$brokers" -t "$topic" --kafka-key BranchName "$@"
# Each instance would run on its own machine; -e stops at the end of the
# partitions (leave it out to keep following them).
if [ -n "$group" ]; then
	# One state directory for the group (shared storage across machines):
	# a checkpoint per partition, whichever instance counts it.
	ia="-G $group --state-dir state" ib=$ia merge=state
else
	ia="--partitions 0-2 --checkpoint a/state.ckpt"
	ib="--partitions 3-5 --checkpoint b/state.ckpt" merge="a b"
fi
reduce -q -b "$brokers" --topic "$topic" -e $ia -o a "$@" >/dev/null &
pid=$!
reduce -q -b "$brokers" --topic "$topic" -e $ib -o b "$@" >/dev/null
wait $pid
reduce --merge -o merged $merge

for f in pipe/*.csv; do
	cmp -s "$f" "merged/${f#pipe/}" || { echo "scaleout: ${f#pipe/} differs"; exit 1; }
done
echo "pipe and Kafka snapshots are identical ($rows rows, $dir)"
cat merged/branch_sales.csv
