#!/bin/sh
# sysheat's overhead: CPU time per sample, and as a share of one core when
# sampling at 1 Hz (the goal: under 0.1 %), side by side with what a user
# would run instead: lm-sensors' `sensors` plus `top -bn1` once a second,
# `vmstat 1`, and a Python psutil loop.  CPU time is the child's user+sys
# from wait4 (tests/helpers/sysheat_cputime.c).  Samplers that keep running
# are timed twice, with 1 and with 1+N samples, and the difference divided
# by N, so start-up is left out; one-shot commands are timed per run.
#
# Where unshare -m is permitted (root), everything runs in a private mount
# namespace over a fixture /sys/class/hwmon (k10temp + amdgpu), so that the
# temperature readers have sensors to read, as on a real machine.
LC_ALL=C; export LC_ALL
: "${LI_BUILD:=build}"
PATH=$LI_BUILD/bin:$LI_BUILD/tests:$PATH; export PATH
N=${SYSHEAT_BENCH_N:-60}	# samples per timed run
IV=0.05			# seconds between samples while timing
PY=/usr/bin/python3	# Debian's, with python3-psutil (not pyenv's)

if [ -z "${SYSHEAT_BENCH_INNER:-}" ]; then
	SYSHEAT_BENCH_INNER=1; export SYSHEAT_BENCH_INNER
	if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
		exec unshare -m sh "$0" fixture
	fi
	exec sh "$0" plain
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/sysheat-bench.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
if [ "${1:-}" = fixture ] && mount -t tmpfs sysheat-bench /sys/class; then
	for c in 0:k10temp:Tctl:55125 1:amdgpu:edge:61000; do
		IFS=: read -r n name label v <<EOF
$c
EOF
		mkdir -p /sys/class/hwmon/hwmon$n
		echo "$name" >/sys/class/hwmon/hwmon$n/name
		echo "$v" >/sys/class/hwmon/hwmon$n/temp1_input
		echo "$label" >/sys/class/hwmon/hwmon$n/temp1_label
	done
	echo "sensors: fixture /sys/class/hwmon (k10temp Tctl, amdgpu edge) in a mount namespace"
else
	echo "sensors: none (no unshare here): temperature readers find nothing"
fi

cpu() {	# CMD...: prints "cpu_seconds wall_seconds" of one run
	sysheat_cputime -o "$W/t" "$@" >/dev/null 2>"$W/err" ||
	    { echo "bench: $* failed:" >&2; cat "$W/err" >&2; exit 1; }
	awk '{ printf "%.6f %.6f\n", $1 + $2, $3 }' "$W/t"
}
best() {	# REPEAT CMD...: the smallest CPU time of REPEAT runs
	_r=$1; shift
	_b=
	while [ "$_r" -gt 0 ]; do
		_c=$(cpu "$@" | cut -d' ' -f1)
		if [ -z "$_b" ] || awk "BEGIN { exit !($_c < $_b) }"; then
			_b=$_c
		fi
		_r=$((_r - 1))
	done
	echo "$_b"
}
per_sample() {	# one-sample CPU, (1+N)-sample CPU -> seconds per sample
	awk -v a="$1" -v b="$2" -v n="$N" 'BEGIN { d = (b - a) / n; if (d < 0) d = 0; printf "%.6f\n", d }'
}

# The Python loop a user might write with psutil: the same readings, at
# the same schedule, one line per sample.
cat >"$W/loop.py" <<'EOF'
import sys, time, psutil
n, iv = int(sys.argv[1]), float(sys.argv[2])
psutil.cpu_percent(); psutil.net_io_counters()
t0 = time.monotonic()
for k in range(n):
    time.sleep(max(0.0, t0 + (k + 1) * iv - time.monotonic()))
    t = psutil.sensors_temperatures()
    cpu = max((s.current for v in t.values() for s in v), default=None)
    net = psutil.net_io_counters()
    print(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), cpu,
          psutil.cpu_percent(), psutil.virtual_memory().percent,
          psutil.disk_usage("/").percent, net.bytes_recv, net.bytes_sent,
          sep=",", flush=True)
EOF

rows=$W/rows
: >"$rows"
add() {	# NAME SECONDS_PER_SAMPLE NOTE
	echo "$1|$2|$3" >>"$rows"
}

# sysheat
one=$(best 3 sysheat -n 1 -i $IV)
many=$(best 3 sysheat -n $((N + 1)) -i $IV)
s_sysheat=$(per_sample "$one" "$many")
start_sysheat=$one
add "sysheat -i 1" "$s_sysheat" "all fields"
wall=$(cpu sysheat -n $((N + 1)) -i $IV | cut -d' ' -f2)

# Python psutil loop
if [ -x "$PY" ] && "$PY" -c 'import psutil' 2>/dev/null; then
	one=$(best 3 "$PY" "$W/loop.py" 1 $IV)
	many=$(best 3 "$PY" "$W/loop.py" $((N + 1)) $IV)
	add "python3 psutil loop" "$(per_sample "$one" "$many")" "all fields"
else
	echo "python3 psutil loop: skipped (no $PY with psutil: apt-get install python3-psutil)"
fi

# One-shot commands, run once per sample.
K=20
if command -v sensors >/dev/null 2>&1; then
	tot=$(best 1 sh -c "i=0; while [ \$i -lt $K ]; do sensors >/dev/null 2>&1; i=\$((i+1)); done")
	sh0=$(best 1 sh -c "i=0; while [ \$i -lt $K ]; do true; i=\$((i+1)); done")
	s_sensors=$(awk -v a="$tot" -v z="$sh0" -v k=$K 'BEGIN { printf "%.6f\n", (a - z) / k }')
	add "sensors (once a second)" "$s_sensors" "temperatures only"
fi
if command -v top >/dev/null 2>&1; then
	tot=$(best 1 sh -c "i=0; while [ \$i -lt $K ]; do top -bn1 >/dev/null 2>&1; i=\$((i+1)); done")
	s_top=$(awk -v a="$tot" -v z="$sh0" -v k=$K 'BEGIN { printf "%.6f\n", (a - z) / k }')
	add "top -bn1 (once a second)" "$s_top" "cpu, memory"
	[ -n "${s_sensors:-}" ] && add "sensors + top -bn1" \
	    "$(awk -v a="$s_sensors" -v b="$s_top" 'BEGIN { printf "%.6f\n", a + b }')" \
	    "temperatures, cpu, memory"
fi
if command -v vmstat >/dev/null 2>&1; then
	# vmstat takes whole seconds only: 1 and 6 reports.
	one=$(best 1 vmstat 1 1)
	many=$(best 1 vmstat 1 6)
	add "vmstat 1" "$(awk -v a="$one" -v b="$many" 'BEGIN { printf "%.6f\n", (b - a) / 5 }')" \
	    "cpu, memory (no temperature, disk %, network)"
fi

echo "CPU time per sample (user+sys), and the share of one core when sampling at 1 Hz"
echo "(sysheat and psutil: $N samples at ${IV}s, start-up excluded; one-shot commands: $K runs)"
printf '%-26s %14s %14s %12s  %s\n' tool "us/sample" "core @1Hz" "vs sysheat" measures
awk -F'|' -v base="$s_sysheat" '{
	r = base > 0 ? sprintf("%.1fx", $2 / base) : "-"
	printf "%-26s %14.1f %13.4f%% %12s  %s\n", $1, $2 * 1e6, $2 * 100, r, $3
}' "$rows"
awk -v s="$start_sysheat" 'BEGIN {
	printf "sysheat start-up and one sample (-n 1, once per run): %.0f us CPU\n", s * 1e6 }'
awk -v w="$wall" -v n=$((N + 1)) -v iv=$IV 'BEGIN {
	printf "schedule: %d samples at %ss took %.3f s wall (first after %ss, then every %ss: %.3f s)\n",
	    n, iv, w, iv, iv, n * iv }'
awk -v s="$s_sysheat" 'BEGIN {
	ok = s * 100 < 0.1
	printf "goal: sysheat under 0.1%% of one core at 1 Hz: %s (%.4f%%)\n", ok ? "met" : "NOT met", s * 100
	exit !ok }'
