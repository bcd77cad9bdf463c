#!/bin/sh
# Benchmark: draining an MQTT backlog into Kafka.  N invoices (JSON form)
# wait in mosquitto for a persistent session while the consumer is stopped;
# the consumer then starts and the clock runs until all N are in Kafka.
#   mqtt2kafka          journal + idempotent producer (at least once)
#   naive_bridge        produce + flush per message (at least once, slow)
#   mosquitto_sub|kcat  unsafe: a crash loses what is in the pipe/queue
# and, as ceilings (nothing reaches Kafka):
#   paho_sink           paho's MQTTClient, an empty callback
#   paho_asink          paho's MQTTAsync, an empty callback
#   mosquitto_sub       libmosquitto to /dev/null
# N defaults to 100000 (M2K_BENCH_N).  Mosquitto and librdkafka's mock
# cluster run on loopback.
#
# For mqtt2kafka it also reports (lines starting with #): when the first
# message was journaled, when all were received and when all were in
# Kafka, from the process's start; CPU per message of each of its threads
# and of mosquitto and the mock cluster over the drain (/proc/PID/task/*/
# stat); fsyncs per second and file over a second drain under `perf
# trace`; and the delivery latency at a steady rate (latprobe: 5,000
# invoices/s for 60 s, M2K_BENCH_LAT_RATE and M2K_BENCH_LAT_S; then
# --sync-interval 10ms for M2K_BENCH_LAT2_S, 20 s).  M2K_BENCH_PROFILE=DIR
# adds a drain under `perf record -g` and its report.  M2K_BENCH_OPTS
# are more options for the bridge.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"
N=${M2K_BENCH_N:-100000}
echo "# $(date -u "+%Y-%m-%d %H:%M UTC"), load $(cut -d" " -f1-3 /proc/loadavg), $(nproc) CPUs" >&2

m2k_mosquitto_start || { echo "bench: mosquitto did not start" >&2; exit 1; }
m2k_mock_start 12 || { echo "bench: kafka_mock did not start" >&2; exit 1; }
invgen -j -n "$N" -s 42 >inv.txt

now() { date +%s.%N; }
rate() { awk -v n="$N" -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", n / (b - a) }'; }

# Publish the backlog for an existing persistent session on TOPIC, then
# let mosquitto write its persistence file (autosave_interval 1) so that
# the drain is not timed against that.
backlog() {
	t0=$(now); m2k_publish inv.txt "$1"; t1=$(now)
	echo "# published $N to $1 in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s" >&2
	sleep 2
}

# --- mqtt2kafka ---------------------------------------------------------
M2K_URL=tcp://127.0.0.1:$MQ_PORT
echo 'Aarav Rao 6123456789 tv #0' >ping.txt

# m2k_session TOPIC DIR: make the bridge's persistent session on TOPIC
# (state in DIR), then stop it, so that a backlog can wait for it.
m2k_session() {
	mqtt2kafka ${M2K_BENCH_OPTS:-} -b "$KAFKA" -u "$M2K_URL" --mqtt-topic "$1" \
	    -t bench1 --state-dir "$2" --archive "$2.bson" 2>m2k.err &
	_mp=$!
	m2k_subscribed $_mp m2k.err "$1" ||
	    { echo "bench: bridge did not subscribe" >&2; kill $_mp; exit 1; }
	kill $_mp; wait $_mp
}

# cpu_snap PID: "NAME TICKS" for each thread of PID (user + system clock
# ticks); the main thread is "main", paho's MQTTClient_run "paho", the
# bridge's other unnamed threads "thread-K" in the order they were made
# (the watchdog, then the worker), librdkafka's by their names.
cpu_snap() {
	_k=0
	for _tid in $(ls /proc/"$1"/task 2>/dev/null | sort -n); do
		_c=$(cat /proc/"$1"/task/"$_tid"/comm 2>/dev/null) || continue
		_v=$(sed 's/.*) //' /proc/"$1"/task/"$_tid"/stat 2>/dev/null |
		    awk '{ print $12 + $13 }') || continue
		if [ "$_tid" = "$1" ]; then _c=main
		elif [ "$_c" = mqtt2kafka ]; then _k=$((_k + 1)); _c=thread-$_k
		elif [ "$_c" = MQTTClient_run ]; then _c=paho
		fi
		echo "$_c $_v"
	done
}

# proc_ticks PID: user + system ticks of the whole process PID.
proc_ticks() { sed 's/.*) //' /proc/"$1"/stat | awk '{ print $12 + $13 }'; }

# next_segment DIR: the journal segment the bridge will write first when
# started on state DIR (the one after the newest there).
next_segment() {
	_l=$(ls "$1" 2>/dev/null |
	    sed -n 's/^journal\.0*\([0-9][0-9]*\)$/\1/p' | sort -n | tail -n 1)
	printf '%s/journal.%010u' "$1" $(( ${_l:-0} + 1 ))
}

# watch_drain PID ERRFILE N SEGMENT: set t_first when the bridge's first
# message is in its journal (SEGMENT, from next_segment, is no longer
# empty: polled every 10 ms), then poll its counters (SIGUSR1, every
# 50 ms; the bridge answers from its main loop, which runs only once paho's
# subscribe has returned) and set t_sub (it said "subscribed": the SUBACK,
# which mosquitto sends after the backlog it had queued), t_recv (N
# received) and t_end (N produced: delivery reports).  Snapshots of the
# threads' CPU at t_first and t_end go to cpu0.txt and cpu1.txt, of
# mosquitto and the mock cluster to side0.txt and side1.txt.
watch_drain() {
	t_first= t_sub= t_recv= t_end=
	_k=0
	until [ -s "$4" ]; do
		_k=$((_k + 1)); [ $_k -gt 3000 ] && return 1
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.01
	done
	t_first=$(now)
	cpu_snap "$1" >cpu0.txt
	echo "$(proc_ticks "$MQ_PID") $(proc_ticks "$MOCK_PID")" >side0.txt
	# SIGUSR1 ends a process that has not yet set its handler.
	_k=0
	until [ $(( 0x$(awk '/^SigCgt/ { print substr($2, 13) }' \
	    /proc/"$1"/status 2>/dev/null || echo 0) & 512 )) -ne 0 ]; do
		_k=$((_k + 1)); [ $_k -gt 2000 ] && return 1
		sleep 0.005
	done
	_end=$(( $(date +%s) + 300 ))
	while [ "$(date +%s)" -le "$_end" ]; do
		kill -USR1 "$1" 2>/dev/null || return 1
		sleep 0.05
		_t=$(now)
		[ -z "$t_sub" ] && grep -q '^mqtt2kafka: subscribed' "$2" &&
		    t_sub=$_t
		set -- "$1" "$2" "$3" "$4" $(awk '/^mqtt2kafka: received/ {
		    l = $0 } END { split(l, f, /[ ,]+/); print f[3] + 0, f[7] + 0 }' \
		    "$2")
		[ -z "$t_recv" ] && [ "$5" -ge "$3" ] && t_recv=$_t
		if [ "$6" -ge "$3" ]; then
			t_end=$_t
			cpu_snap "$1" >cpu1.txt
			echo "$(proc_ticks "$MQ_PID") $(proc_ticks "$MOCK_PID")" \
			    >side1.txt
			return 0
		fi
		set -- "$1" "$2" "$3" "$4"
	done
	return 1
}

m2k_session b/m2k st
backlog b/m2k
seg=$(next_segment st)
t0=$(now)
mqtt2kafka ${M2K_BENCH_OPTS:-} -b "$KAFKA" -u "$M2K_URL" --mqtt-topic b/m2k \
    -t bench1 --state-dir st --archive st.bson 2>m2k.err &
pid=$!; at_exit "kill $pid 2>/dev/null"
watch_drain $pid m2k.err "$N" "$seg" ||
    { echo "bench: mqtt2kafka did not finish" >&2; cat m2k.err >&2; exit 1; }
kill $pid; wait $pid
t1=$t_end
r_m2k=$(rate "$t0" "$t1")
awk -v a="$t0" -v f="$t_first" -v s="${t_sub:-$t_end}" -v r="$t_recv" \
    -v e="$t_end" -v n="$N" 'BEGIN {
	printf "# mqtt2kafka: from its start: first message journaled %.2f s, all " \
	    "received %.2f s, all in Kafka %.2f s (SUBACK at %.2f s)\n",
	    f - a, r - a, e - a, s - a
	printf "# mqtt2kafka: drain (first message to all in Kafka) " \
	    "%.2f s, %.0f msg/s\n", e - f, n / (e - f) }' >&2
# CPU per message, each thread, over the drain (10 ms ticks).
hz=$(getconf CLK_TCK)
{ cat cpu0.txt; echo --; cat cpu1.txt; echo --; cat side0.txt side1.txt; } |
    awk -v n="$N" -v hz="$hz" -v d="$(awk -v a="$t_first" -v b="$t_end" \
    'BEGIN { print b - a }')" '
	$1 == "--" { part++; next }
	part == 0 { c0[$1] += $2; next }
	part == 1 { sub(/rdk:broker[0-9]+$/, "rdk:broker*", $1); c1[$1] += $2
		if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 }; next }
	part == 2 && !s0 { m0 = $1; k0 = $2; s0 = 1; next }
	part == 2 { m1 = $1; k1 = $2 }
	END {
		for (name in c0) { b = name; sub(/rdk:broker[0-9]+$/, "rdk:broker*", b)
			if (b != name) { c0[b] += c0[name] } }
		tot = 0
		for (i = 1; i <= k; i++) {
			t = c1[order[i]] - c0[order[i]]; tot += t
			if (t > 0) printf "# cpu: %-14s %6.2f us/msg  %5.1f %% of a core\n",
			    order[i], t * 1e6 / hz / n, t * 100 / hz / d
		}
		printf "# cpu: %-14s %6.2f us/msg  %5.1f %% of a core\n",
		    "mqtt2kafka", tot * 1e6 / hz / n, tot * 100 / hz / d
		printf "# cpu: %-14s %6.2f us/msg  %5.1f %% of a core\n",
		    "mosquitto", (m1 - m0) * 1e6 / hz / n, (m1 - m0) * 100 / hz / d
		printf "# cpu: %-14s %6.2f us/msg  %5.1f %% of a core\n",
		    "kafka_mock", (k1 - k0) * 1e6 / hz / n, (k1 - k0) * 100 / hz / d
	}' >&2

# Journal fsyncs: a second, smaller drain (N/4: one 8 MiB journal segment,
# so that no segment is closed before the end) under `perf trace`, which
# names each fsync/fdatasync's file and time (not in the run above: the
# tracing costs the bridge a little on every system call).  Files are
# named from /proc/PID/fd at the end; "(closed fds)" are those closed by
# then: the state directory (a new segment, a renamed invoice-no) and
# invoice-no's temporary file.
if command -v perf >/dev/null 2>&1 &&
    perf trace -e fdatasync -- true >/dev/null 2>&1; then
	FS_N=$(( N / 4 ))
	head -n "$FS_N" inv.txt >fs.txt
	m2k_session b/fs fs
	m2k_publish fs.txt b/fs
	sleep 2
	seg=$(next_segment fs)
	perf trace -e fdatasync,fsync -o fs.trace -- mqtt2kafka \
	    ${M2K_BENCH_OPTS:-} -b "$KAFKA" -u "$M2K_URL" --mqtt-topic b/fs \
	    -t bench1 --state-dir fs --archive fs.bson 2>m2k.err &
	ppid=$!
	wait_for 10 pgrep -P $ppid mqtt2kafka
	fpid=$(pgrep -P $ppid mqtt2kafka)
	ls -l /proc/"$fpid"/fd >/dev/null 2>&1
	watch_drain "$fpid" m2k.err "$FS_N" "$seg" ||
	    { echo "bench: mqtt2kafka did not finish" >&2; exit 1; }
	ls -l /proc/"$fpid"/fd | sed -n 's/.* \([0-9]*\) -> \(.*\)/\1 \2/p' |
	    sed 's/ (deleted)$//' >fs.fds
	kill "$fpid"; wait $ppid
	awk -v a="$t_first" -v b="$t_end" -v n="$FS_N" '
	    FNR == NR { fd[$1] = $2; next }
	    /fdatasync\(|fsync\(/ {
		match($0, /fd: [0-9]+/); f = substr($0, RSTART + 4, RLENGTH - 4)
		match($0, /\( *[0-9.]+ ms\)/); ms = substr($0, RSTART + 1) + 0
		name = fd[f]; sub(/.*\//, "", name)
		sub(/^journal\.[0-9]+$/, "journal", name)
		if (name == "") name = "(closed fds)"
		c[name]++; t[name] += ms; if (ms > mx[name]) mx[name] = ms }
	    END { d = b - a
		for (k in c) printf "# fsync: %-16s %5d calls in the %.2f s drain of %d: " \
		    "%.1f/s, mean %.2f ms, max %.2f ms\n", k, c[k], d, n,
		    c[k] / d, t[k] / c[k], mx[k] }' fs.fds fs.trace >&2
else
	echo "# fsync: perf trace is not available here; not measured" >&2
fi

# --- naive one-at-a-time bridge -------------------------------------------
# It is slow: give it a smaller backlog and at most 20 s, and take its rate
# from what it bridged in that time.
NAIVE_N=$(( N / 10 ))
head -n "$NAIVE_N" inv.txt >naive.txt
naive_bridge -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" --topic b/naive \
    -t bench2 -n 1 >/dev/null &
npid=$!
sleep 0.5; m2k_publish ping.txt b/naive; wait $npid
m2k_publish naive.txt b/naive
set -- $(timeout 60 naive_bridge -b "$KAFKA" -u "tcp://127.0.0.1:$MQ_PORT" \
    --topic b/naive -t bench2 -n "$NAIVE_N" --max-time 20)
r_naive=$(awk -v n="${1:-0}" -v t="${2:-1}" 'BEGIN { printf "%.0f", n / t }')
echo "# naive bridge: ${1:-0} of $NAIVE_N in ${2:-?} s" >&2

# --- mosquitto_sub | kcat -P ------------------------------------------------
timeout 20 mosquitto_sub -p "$MQ_PORT" -c -i benchsub -q 1 -t b/sub -C 1 \
    >/dev/null &
spid=$!
sleep 0.5; m2k_publish ping.txt b/sub; wait $spid
backlog b/sub
t0=$(now)
timeout 300 mosquitto_sub -p "$MQ_PORT" -c -i benchsub -q 1 -t b/sub \
    -C "$N" | kcat -P -b "$KAFKA" -t bench3 -X linger.ms=5
t1=$(now)
r_sub=$(rate "$t0" "$t1")

# --- ceilings: paho alone, mosquitto_sub alone ------------------------------
# SINK TOPIC: drain a backlog of N with a paho sink; prints msg/s from the
# start of the process.
sink() {
	timeout 20 "$1" -u "tcp://127.0.0.1:$MQ_PORT" --topic "$2" -n 1 \
	    --max-time 15 >/dev/null &
	_sp=$!
	sleep 0.5; m2k_publish ping.txt "$2"; wait $_sp
	backlog "$2"
	_t0=$(now)
	timeout 300 "$1" -u "tcp://127.0.0.1:$MQ_PORT" --topic "$2" -n "$N" \
	    >/dev/null
	rate "$_t0" "$(now)"
}
r_psink=$(sink paho_sink b/psink)
r_pasink=$(sink paho_asink b/pasink)
timeout 20 mosquitto_sub -p "$MQ_PORT" -c -i benchnull -q 1 -t b/null -C 1 \
    >/dev/null &
spid=$!
sleep 0.5; m2k_publish ping.txt b/null; wait $spid
backlog b/null
t0=$(now)
timeout 300 mosquitto_sub -p "$MQ_PORT" -c -i benchnull -q 1 -t b/null \
    -C "$N" >/dev/null
r_null=$(rate "$t0" "$(now)")

# --- latency at a steady rate ------------------------------------------------
# latprobe publishes LAT_RATE invoices a second for LAT_S seconds through
# mosquitto and a running bridge and times each from its publish to its
# arrival at a Kafka consumer (tests/helpers/latprobe.c says exactly what
# that includes); then again with --sync-interval 10ms for LAT2_S seconds.
LAT_RATE=${M2K_BENCH_LAT_RATE:-5000}
LAT_S=${M2K_BENCH_LAT_S:-60}
LAT2_S=${M2K_BENCH_LAT2_S:-20}
lat_run() {
	_secs=$1; shift
	rm -rf lat lat.bson
	mqtt2kafka ${M2K_BENCH_OPTS:-} "$@" -b "$KAFKA" -u "$M2K_URL" \
	    --mqtt-topic b/lat -t invoices --state-dir lat --archive lat.bson 2>lat.err &
	_lp=$!
	m2k_subscribed $_lp lat.err b/lat || { kill $_lp; return 1; }
	timeout $((_secs + 120)) latprobe -b "$KAFKA" -t invoices \
	    -u "$M2K_URL" --mqtt-topic b/lat --rate "$LAT_RATE" \
	    --seconds "$_secs" --wait 30 >lat.out
	_rc=$?
	kill $_lp; wait $_lp
	cat lat.out
	grep '^mqtt2kafka: received' lat.err | tail -n 1 |
	    sed 's/.*latency/# bridge, produce to delivery report:/' >&2
	return $_rc
}
lat1=$(lat_run "$LAT_S") || echo "bench: latprobe lost invoices" >&2
lat2=$(lat_run "$LAT2_S" --sync-interval 10ms) ||
    echo "bench: latprobe lost invoices" >&2

# --- a profile of the drain (only with M2K_BENCH_PROFILE=DIR) -----------------
# perf record -g over a drain of the same backlog; DIR gets perf.data and
# report.txt (self time by shared object and symbol).
if [ -n "${M2K_BENCH_PROFILE:-}" ]; then
	mkdir -p "$M2K_BENCH_PROFILE"
	m2k_session b/prof prof
	backlog b/prof
	seg=$(next_segment prof)
	perf record -g -o "$M2K_BENCH_PROFILE/perf.data" -- mqtt2kafka \
	    ${M2K_BENCH_OPTS:-} -b "$KAFKA" -u "$M2K_URL" --mqtt-topic b/prof \
	    -t bench1 --state-dir prof --archive prof.bson 2>m2k.err &
	ppid=$!
	wait_for 10 pgrep -P $ppid mqtt2kafka
	fpid=$(pgrep -P $ppid mqtt2kafka)
	watch_drain "$fpid" m2k.err "$N" "$seg" || echo "bench: profile run failed" >&2
	kill "$fpid"; wait $ppid
	perf report -i "$M2K_BENCH_PROFILE/perf.data" --stdio --no-children \
	    --sort comm,dso,sym -g none --percent-limit 0.5 \
	    >"$M2K_BENCH_PROFILE/report.txt" 2>/dev/null
	echo "# profile: $M2K_BENCH_PROFILE/report.txt" >&2
fi

ratio() { awk -v a="$r_m2k" -v b="$1" 'BEGIN{printf "%.2f", a/b}'; }
printf '%-40s %10s %8s\n' "draining a backlog of $N invoices" "msg/s" "ratio"
printf '%-40s %10s %8s\n' "mqtt2kafka (journal, at least once)" "$r_m2k" "1.00"
printf '%-40s %10s %8s\n' "naive bridge, flush per message" "$r_naive" \
    "$(awk -v a="$r_m2k" -v b="$r_naive" 'BEGIN{printf "%.2f", a/b}')"
printf '%-40s %10s %8s\n' "mosquitto_sub | kcat -P (unsafe)" "$r_sub" \
    "$(awk -v a="$r_m2k" -v b="$r_sub" 'BEGIN{printf "%.2f", a/b}')"
printf '%-40s %10s %8s\n' "ceiling: paho MQTTClient, empty callback" \
    "$r_psink" "$(ratio "$r_psink")"
printf '%-40s %10s %8s\n' "ceiling: paho MQTTAsync, empty callback" \
    "$r_pasink" "$(ratio "$r_pasink")"
printf '%-40s %10s %8s\n' "ceiling: mosquitto_sub >/dev/null" \
    "$r_null" "$(ratio "$r_null")"
echo "# ratio: mqtt2kafka's rate divided by the row's rate"
printf '\n%s\n' "latency at $LAT_RATE invoices/s offered, publish to seen in Kafka (ms):"
echo "$lat1" | awk -v s="$LAT_S" '{ printf "  %-34s sent %s lost %s p50 %s p99 %s max %s\n", "sync 100ms, " s " s", $2, $8, $14, $16, $18 }'
echo "$lat2" | awk -v s="$LAT2_S" '{ printf "  %-34s sent %s lost %s p50 %s p99 %s max %s\n", "--sync-interval 10ms, " s " s", $2, $8, $14, $16, $18 }'
echo "# latprobe: $lat1"
echo "# latprobe (--sync-interval 10ms): $lat2"
echo "# load: $(cat /proc/loadavg)"
