#!/bin/sh
# replay side by side with what a user would run instead:
#   pass-through   cat, and a Python csv reader/writer loop (the original
#                  stream server was Python)
#   --clean        a Python csv loop doing the same cleaning
#   --rate         a Python loop that sleeps 1/rate after each row (as the
#                  original did): how far each ends from the ideal time
#   MQTT QoS 1     mosquitto_pub -l -q 1 (50,000 lines: under its
#                  65,535 message-id wrap)
# Wall-clock seconds from date +%s.%N, best of 3 for throughput.
LC_ALL=C; export LC_ALL
: "${LI_BUILD:=build}"
PATH=$LI_BUILD/bin:$PATH; export PATH
ROWS=${REPLAY_BENCH_ROWS:-300000}
W=$(mktemp -d "${TMPDIR:-/tmp}/replay-bench.XXXXXX") || exit 1
MPID=
trap 'rm -rf "$W"; [ -n "$MPID" ] && kill $MPID 2>/dev/null' EXIT
cd "$W" || exit 1

now() { date +%s.%N; }
# best3 CMD: the best wall time of three runs of sh -c CMD.
best3() {
	b=
	for i in 1 2 3; do
		t0=$(now); sh -c "$1" > /dev/null 2>&1; t1=$(now)
		b=$(echo "$t0 $t1 ${b:-1e9}" | awk '{d=$2-$1; print (d<$3)?d:$3}')
	done
	echo "$b"
}
row() {	# name seconds rows base-seconds
	awk -v n="$1" -v s="$2" -v r="$3" -v b="$4" 'BEGIN {
	    printf "| %-34s | %8.3f | %12.0f | %6.2f |\n", n, s, r / s, s / b }'
}

replay --synth --rows "$ROWS" --dirty --empty-rows $((ROWS / 10)) > dirty.csv
replay --synth --rows "$ROWS" > clean.csv
MB=$(du -m clean.csv | cut -f1)
echo "input: $ROWS rows (~$MB MiB), dirty copy with $((ROWS / 10)) empty rows"
echo

cat > pass.py <<'PY'
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
for r in csv.reader(sys.stdin):
    w.writerow(r)
PY
cat > clean.py <<'PY'
import csv, re, sys
from datetime import datetime
fl = re.compile(r"^-?\d+\.0$")
r = csv.reader(sys.stdin)
w = csv.writer(sys.stdout, lineterminator="\n")
h = next(r); w.writerow(h); t = h.index("Timestamp"); empty = 0
for row in r:
    if not any(row):
        empty += 1; continue
    for i, f in enumerate(row):
        if i == t:
            for fmt in ("%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M:%S"):
                try:
                    row[i] = datetime.strptime(f, fmt).strftime("%Y-%m-%d %H:%M:%S"); break
                except ValueError:
                    pass
        elif fl.match(f):
            row[i] = f[:-2]
    w.writerow(row)
print(empty, "empty rows skipped", file=sys.stderr)
PY

echo "pass-through, to a pipe (best of 3):"
echo "| command                            |   wall s |       rows/s |  ratio |"
echo "|---|---:|---:|---:|"
tc=$(best3 "cat clean.csv | cat > /dev/null")
tr=$(best3 "replay clean.csv | cat > /dev/null")
tp=$(best3 "python3 pass.py < clean.csv | cat > /dev/null")
row "replay FILE" "$tr" "$ROWS" "$tr"
row "cat FILE" "$tc" "$ROWS" "$tr"
row "python3 csv reader/writer" "$tp" "$ROWS" "$tr"
echo

echo "cleaning the dirty copy (best of 3):"
echo "| command                            |   wall s |       rows/s |  ratio |"
echo "|---|---:|---:|---:|"
tr=$(best3 "replay -q --clean dirty.csv | cat > /dev/null")
tp=$(best3 "python3 clean.py < dirty.csv | cat > /dev/null")
row "replay --clean" "$tr" "$ROWS" "$tr"
row "python3 csv + strptime" "$tp" "$ROWS" "$tr"
replay -q --clean dirty.csv > c1.csv
python3 clean.py < dirty.csv > c2.csv 2>/dev/null
if cmp -s c1.csv c2.csv; then echo "(both give the same bytes)"
else echo "(outputs DIFFER)"; fi
echo

RATE=1000 N=3000
cat > sleep.py <<PY
import sys, time
for i, line in enumerate(sys.stdin):
    if i > $N: break
    sys.stdout.write(line); sys.stdout.flush()
    time.sleep(1 / $RATE)
PY
echo "pacing: $N rows at $RATE rows/s (ideal $(echo "$N $RATE" | awk '{print ($1-1)/$2}') s):"
echo "| command                            |   wall s |   error s |"
echo "|---|---:|---:|"
for c in "replay --rate $RATE -n $N clean.csv" \
    "python3 sleep.py < clean.csv"; do
	t0=$(now); sh -c "$c" > /dev/null; t1=$(now)
	echo "$t0 $t1" | awk -v n="$c" -v i="$(echo "$N $RATE" | awk '{print ($1-1)/$2}')" \
	    '{ printf "| %-34s | %8.3f | %9.3f |\n", n, $2-$1, $2-$1-i }'
done
echo

if command -v mosquitto > /dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; then
	M=$(command -v mosquitto || echo /usr/sbin/mosquitto)
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" > m.conf
	"$M" -c m.conf > m.log 2>&1 &
	MPID=$!
	sleep 0.5
	K=50000
	replay --synth=invoices --invoices $K > inv.txt
	echo "MQTT, $K invoices at QoS 1 to mosquitto on loopback:"
	echo "| command                            |   wall s |       msgs/s |  ratio |"
	echo "|---|---:|---:|---:|"
	tr=$(best3 "replay --mqtt tcp://127.0.0.1:$port --mqtt-topic b --lines inv.txt")
	tp=$(best3 "mosquitto_pub -h 127.0.0.1 -p $port -t b -q 1 -l < inv.txt")
	row "replay --mqtt (QoS 1)" "$tr" "$K" "$tr"
	row "mosquitto_pub -l -q 1" "$tp" "$K" "$tr"
fi
