#!/bin/sh
# sysheat's failure paths: the -o file under the umask and under injected
# write faults (the old file stays whole), SIGTERM in every state ends it
# within a second, and /proc files that are not regular files are refused
# without blocking.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/fault/lib.sh"
LD_LIBRARY_PATH=$WORK/none; export LD_LIBRARY_PATH	# no NVML here

# term_after SECS CMD...: run CMD, send it SIGTERM after SECS (whole
# seconds); TERM_RC is its exit status, TERM_MS how long it ran on after
# the signal, in milliseconds (a CMD that ignores it is killed 10 s on).
term_after() {
	_d=$1; shift
	_t0=$(date +%s%N)
	timeout -k 10 -s TERM --preserve-status "$_d" "$@"
	TERM_RC=$?
	TERM_MS=$(( ($(date +%s%N) - _t0) / 1000000 - _d * 1000 ))
}

# A frozen /proc: every sample the same but for the disk.
mkdir -p p/net
printf 'cpu  100 0 100 800 0 0 0 0 0 0\n' >p/stat
printf 'MemTotal: 8000 kB\nMemFree: 10 kB\nMemAvailable: 2000 kB\n' >p/meminfo
cat >p/net/dev <<'EOF'
Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
  eth0:  1000 1 0 0 0 0 0 0  2000 1 0 0 0 0 0 0
EOF
SYSHEAT_PROC=$WORK/p; export SYSHEAT_PROC
# The disk's use moves as the tests write: leave its value out.
norm() { sed 's/^\(sysheat_filesystem_usage_ratio{[^}]*}\) .*/\1 X/' "$1"; }

# ---- the umask ----------------------------------------------------------
for m in 022:644 077:600 002:664; do
	rm -f um.prom
	(umask "${m%:*}" && sysheat -n 1 -i 0.01 --format prom -o um.prom)
	check "-o under umask ${m%:*}: mode ${m#*:}" \
	    test "$(stat -c %a um.prom)" = "${m#*:}"
done
chmod 640 um.prom
(umask 000 && sysheat -n 1 -i 0.01 --format prom -o um.prom)
check "-o replacing a file keeps its mode" test "$(stat -c %a um.prom)" = 640

# ---- write faults on -o -------------------------------------------------
sysheat -n 1 -i 0.01 --format prom -o clean.prom
norm clean.prom >clean.norm
LI_FAULT_PATH=out.prom; export LI_FAULT_PATH
calls=$(fault_calls "$FAULT_BIN/sysheat" -n 1 -i 0.01 --format prom -o out.prom)
check "the -o file sees at least 5 calls (open..rename), got ${calls:-none}" \
    test "${calls:-0}" -ge 5
for e in ENOSPC EIO EACCES; do
	case $e in
	ENOSPC) msg='No space left on device' ;;
	EIO) msg='Input/output error' ;;
	EACCES) msg='Permission denied' ;;
	esac
	bad=
	n=1
	while [ "$n" -le "${calls:-0}" ]; do
		printf 'old\n' >out.prom
		LI_FAULT_ERRNO=$e fault_at "$n" "$FAULT_BIN/sysheat" -n 1 \
		    -i 0.01 --format prom -o out.prom
		if [ "$FAULT_HIT" -ne 1 ]; then
			bad="$bad $n:not-injected"
		elif [ "$FAULT_RC" -ne 1 ]; then
			bad="$bad $n:status-$FAULT_RC"
		elif [ "$(cat "$WORK/.fault.err")" != "sysheat: out.prom: $msg" ]; then
			bad="$bad $n:message($(head -c 80 "$WORK/.fault.err"))"
		elif [ "$(cat out.prom)" != old ]; then
			bad="$bad $n:old-file-changed"
		elif [ "$(ls -A | grep -c '^out\.prom\.tmp')" -ne 0 ]; then
			bad="$bad $n:temp-file-left"
		fi
		# The fault lifted: the same command gives a clean run's file.
		"$FAULT_BIN/sysheat" -n 1 -i 0.01 --format prom -o out.prom ||
		    bad="$bad $n:rerun-failed"
		norm out.prom | cmp -s - clean.norm || bad="$bad $n:rerun-differs"
		n=$((n + 1))
	done
	check "-o, $e at each of the $calls calls: exit 1, the file and the error named, the old file whole, a rerun as a clean run${bad:+ ($bad)}" \
	    test -z "$bad"
done
# A disk that stays full from the second sample on: the first sample's
# file stays, whole.
LI_FAULT_STICKY=1 LI_FAULT_ERRNO=ENOSPC fault_at $((calls + 1)) \
    "$FAULT_BIN/sysheat" -n 3 -i 0.01 --format prom -o out.prom
check "a full disk at the second sample: exit 1" test "$FAULT_RC" -eq 1
norm out.prom >out.norm
check_same "a full disk at the second sample: the first sample's file" \
    clean.norm out.norm
unset LI_FAULT_PATH

# ---- /proc files that are not regular files ----------------------------
mkdir -p odd/net
mkfifo odd/stat
ln -s /dev/zero odd/meminfo
cp p/net/dev odd/net/dev
SYSHEAT_PROC=$WORK/odd timeout 10 sysheat -n 2 -i 0.05 >odd.csv 2>odd.err
check "a FIFO and /dev/zero in SYSHEAT_PROC: exit 0, no hang" test $? -eq 0
check_same "... each said once, counted at the end" - odd.err <<EOF
sysheat: $WORK/odd/stat: not a regular file
sysheat: $WORK/odd/meminfo: not a regular file
sysheat: $WORK/odd/stat: unreadable 3 times
sysheat: $WORK/odd/meminfo: unreadable 2 times
EOF
check "... cpu and memory unknown, the rest sampled" \
    test "$(tail -n 1 odd.csv | cut -d, -f4,5,7)" = ",,0"

# ---- SIGTERM in every state -----------------------------------------------
# Between samples with a long interval: the first sample comes after at
# most a second, the next in an hour.
term_after 2 sysheat -i 1h >long.csv 2>long.err
check "SIGTERM between samples of -i 1h: exit 0" test "$TERM_RC" -eq 0
check "SIGTERM between samples of -i 1h: gone in ${TERM_MS} ms (< 1000)" \
    test "$TERM_MS" -lt 1000
check "SIGTERM between samples of -i 1h: header and one row" \
    test "$(wc -l <long.csv)" -eq 2

# Blocked writing to a pipe that is full: its reader reads nothing until
# sysheat has gone, then takes what is there.
mkfifo full.fifo
sh -c 'while [ ! -e go ]; do sleep 0.05; done; exec cat' <full.fifo >drained &
reader=$!
at_exit "kill $reader 2>/dev/null"
term_after 3 sysheat -i 1ms --format json >full.fifo 2>full.err
touch go
wait $reader
check "SIGTERM blocked on a full pipe: exit 0" test "$TERM_RC" -eq 0
check "SIGTERM blocked on a full pipe: gone in ${TERM_MS} ms (< 1000)" \
    test "$TERM_MS" -lt 1000
check "... the pipe was full ($(wc -c <drained) bytes)" \
    test "$(wc -c <drained)" -gt 60000
check "... and holds whole lines only" sh -c \
    'tail -c 1 drained | od -An -c | grep -q "\\\\n" && ! grep -qv "^{.*}\$" drained'
check "... quietly" test ! -s full.err
done_testing
