#!/bin/sh
# The whole invoice chain on loopback, from one script:
#   till (replay --synth=invoices) -> mosquitto -> mqtt2kafka -> Kafka
#   (librdkafka's mock cluster, kafka_mock) -> BSON archive -> analyses
# Usage: invoice-pipeline.sh [-n INVOICES] [-o DIR]
# Needs mosquitto and kcat (./deps.sh), and the tools and kafka_mock that
# `make` builds: the tree's build/bin and build/tests (B=DIR for another
# build directory) come first in PATH.  Results (archive, dead letters,
# analyses) stay in DIR (default: a temp dir that is removed).
set -eu
LC_ALL=C; export LC_ALL
here=$(cd "$(dirname "$0")" && pwd -P)
top=$(dirname "$here")
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
PATH=$B/bin:$B/tests:$PATH
export PATH
n=2000 keep=
while getopts n:o: opt; do
	case $opt in
	n) n=$OPTARG ;;
	o) keep=$OPTARG ;;
	*) echo "usage: invoice-pipeline.sh [-n INVOICES] [-o DIR]" >&2; exit 2 ;;
	esac
done
dir=${keep:-$(mktemp -d "${TMPDIR:-/tmp}/invoice-pipeline.XXXXXX")}
mkdir -p "$dir/mq"
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	wait 2>/dev/null || :
	if [ -z "$keep" ]; then rm -rf "$dir"; fi
}
trap 'rc=$?; cleanup; exit $rc' EXIT
trap 'exit 130' INT TERM

# mosquitto with persistence, on a free loopback port.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$dir/mq/mosquitto.conf" <<EOC
listener $port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $dir/mq/
max_queued_messages 0
$( [ "$(id -u)" -eq 0 ] && echo "user root" )
EOC
mosquitto -c "$dir/mq/mosquitto.conf" 2>"$dir/mq/log" &
pids="$pids $!"

# A Kafka cluster: librdkafka's mock, 3 brokers.
kafka_mock -t invoices -t dead-letters >"$dir/kafka.addr" &
pids="$pids $!"
i=0
until [ -s "$dir/kafka.addr" ] && mosquitto_pub -p "$port" -t ping -m x 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "servers did not start" >&2; exit 1; }
	sleep 0.1
done
kafka=$(head -n 1 "$dir/kafka.addr")

# The bridge.  Its stderr file exists before the wait below reads it.
: >"$dir/mqtt2kafka.err"
mqtt2kafka -b "$kafka" -u "tcp://127.0.0.1:$port" --mqtt-topic invoices \
    -t invoices --state-dir "$dir/state" --archive "$dir/invoices.bson" \
    --dlq-topic dead-letters --dlq-file "$dir/dead-letters.jsonl" \
    2>"$dir/mqtt2kafka.err" &
bridge=$!
pids="$pids $bridge"
i=0
until grep -q '^mqtt2kafka: subscribed' "$dir/mqtt2kafka.err"; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$dir/mqtt2kafka.err" >&2; exit 1; }
	sleep 0.1
done

# The till: synthetic invoices, published at QoS 1.
replay -q --synth=invoices --invoices "$n" --format json \
    --mqtt "tcp://127.0.0.1:$port" --mqtt-topic invoices

# Wait until Kafka has them all, then stop the bridge (it drains first).
i=0
while :; do
	got=$(timeout 30 kcat -C -q -b "$kafka" -t invoices -e -o beginning \
	    -f '%s\n' | wc -l)
	[ "$got" -ge "$n" ] && break
	i=$((i + 1)); [ $i -lt 60 ] || { echo "only $got of $n in Kafka" >&2; exit 1; }
	sleep 0.5
done
kill "$bridge"; wait "$bridge"
echo "Kafka topic invoices: $got records; archive: $(mqtt2kafka --dump "$dir/invoices.bson" | tail -n +2 | wc -l) invoices"
sh "$here/invoice-analyses.sh" "$dir/invoices.bson" "$dir/analyses"
