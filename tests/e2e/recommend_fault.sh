#!/bin/sh
# recommend's failure paths: the model file's permissions under the umask,
# injected write faults on the model (the old model stays whole), inputs
# that are FIFOs, devices or directories, and SIGTERM while training or
# reading, which ends it within a second and leaves no temporary file.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/fault/lib.sh"

R=recommend

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

$R gen ratings --g-users 60 --g-items 40 --g-count 600 --seed 5 r.csv
$R train --ratings r.csv --rank 4 --iters 3 --threads 1 -m clean.bin

# ---- the umask: customer data is never for others -------------------------
for m in 022:640 077:600 002:660; do
	rm -f um.bin
	(umask "${m%:*}" && $R train --ratings r.csv --rank 4 --iters 3 --threads 1 -m um.bin)
	check "model under umask ${m%:*}: mode ${m#*:}" \
	    test "$(stat -c %a um.bin)" = "${m#*:}"
done
chmod 644 um.bin
(umask 000 && $R train --ratings r.csv --rank 4 --iters 3 --threads 1 -m um.bin)
check "replacing a 644 model: 640 (others' bits taken away)" \
    test "$(stat -c %a um.bin)" = 640
chmod 600 um.bin
(umask 000 && $R train --ratings r.csv --rank 4 --iters 3 --threads 1 -m um.bin)
check "replacing a 600 model: 600 (kept)" test "$(stat -c %a um.bin)" = 600

# ---- write faults on the model ------------------------------------------
LI_FAULT_PATH=model.bin; export LI_FAULT_PATH
calls=$(fault_calls "$FAULT_BIN/recommend" train --ratings r.csv --rank 4 --iters 3 \
    --threads 1 -m model.bin)
check "the model sees at least 5 calls (open..rename), got ${calls:-none}" \
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
		printf 'old model\n' >model.bin
		LI_FAULT_ERRNO=$e fault_at "$n" "$FAULT_BIN/recommend" train \
		    --ratings r.csv --rank 4 --iters 3 --threads 1 -m model.bin
		if [ "$FAULT_HIT" -ne 1 ]; then
			bad="$bad $n:not-injected"
		elif [ "$FAULT_RC" -ne 1 ]; then
			bad="$bad $n:status-$FAULT_RC"
		elif [ "$(cat "$WORK/.fault.err")" != "recommend: model.bin: $msg" ]; then
			bad="$bad $n:message($(head -c 80 "$WORK/.fault.err"))"
		elif [ "$(cat model.bin)" != 'old model' ]; then
			bad="$bad $n:old-model-changed"
		elif [ "$(ls -A | grep -c '^model\.bin\.tmp')" -ne 0 ]; then
			bad="$bad $n:temp-file-left"
		fi
		"$FAULT_BIN/recommend" train --ratings r.csv --rank 4 --iters 3 --threads 1 \
		    -m model.bin || bad="$bad $n:rerun-failed"
		cmp -s model.bin clean.bin || bad="$bad $n:rerun-differs"
		n=$((n + 1))
	done
	check "train -m, $e at each of the $calls calls: exit 1, the file and the error named, the old model whole, a rerun as a clean run${bad:+ ($bad)}" \
	    test -z "$bad"
done
# eval with -m writes the model too.
printf 'old model\n' >model.bin
LI_FAULT_ERRNO=ENOSPC fault_at 1 "$FAULT_BIN/recommend" eval --ratings r.csv \
    --rank 4 --iters 3 --threads 1 -m model.bin
check "eval -m, ENOSPC: exit 1, the old model whole" \
    test "$FAULT_RC" -eq 1 -a "$(cat model.bin)" = 'old model'
unset LI_FAULT_PATH

# ---- inputs: FIFOs, devices, directories ----------------------------------
# A FIFO whose writer comes later: read as a file would be.
mkfifo in.fifo
$R train --ratings in.fifo --rank 4 --iters 3 --threads 1 -m fifo.bin 2>fifo.err &
pid=$!
cat r.csv >in.fifo
wait $pid
check "--ratings FIFO, writer after the open: exit 0" test $? -eq 0
check_same "--ratings FIFO: the same model as from the file" clean.bin fifo.bin
check "--ratings <(...): the same model" \
    bash -c "$R train --ratings <(cat r.csv) --rank 4 --iters 3 --threads 1 -m proc.bin &&
        cmp clean.bin proc.bin"

timeout 10 $R train --ratings /dev/zero -m z.bin 2>zero.err
check "--ratings /dev/zero: exit 1 at once" test $? -eq 1
check_same "--ratings /dev/zero: message" - zero.err <<'EOF'
recommend: /dev/zero: not a regular file or a FIFO
EOF
mkdir dir.bson
timeout 10 $R train --archive dir.bson -m z.bin 2>dir.err
check "--archive DIR: exit 1" test $? -eq 1
check_same "--archive DIR: message" - dir.err <<'EOF'
recommend: dir.bson: is a directory
EOF
mkfifo model.fifo
timeout 10 $R top -m model.fifo 2>mfifo.err
check "-m FIFO: exit 1 at once, no wait for a writer" test $? -eq 1
check_same "-m FIFO: message" - mfifo.err <<'EOF'
recommend: model.fifo: not a regular file
EOF
timeout 10 $R similar -m /dev/zero x 2>mzero.err
check "-m /dev/zero: exit 1" test $? -eq 1
check_same "-m /dev/zero: message" - mzero.err <<'EOF'
recommend: /dev/zero: not a regular file
EOF
timeout 10 $R eval -m clean.bin --test /dev/zero 2>tzero.err
check "--test /dev/zero: exit 1" test $? -eq 1
check_same "--test /dev/zero: message" - tzero.err <<'EOF'
recommend: /dev/zero: not a regular file or a FIFO
EOF

# ---- SIGTERM ------------------------------------------------------------------
# Training a large model: 1000 iterations of rank 64 take minutes.
$R gen ratings --g-users 20000 --g-items 2000 --g-count 200000 --seed 7 \
    big.csv
cp clean.bin big.bin
term_after 2 $R train --ratings big.csv --rank 64 --iters 1000 -m big.bin
check "SIGTERM while training: ended by the signal" test "$TERM_RC" -eq 143
check "SIGTERM while training: gone in ${TERM_MS} ms (< 1000)" \
    test "$TERM_MS" -lt 1000
check_same "SIGTERM while training: the old model whole" clean.bin big.bin
check "SIGTERM while training: no temporary file" \
    test "$(ls -A | grep -c '^big\.bin\.tmp')" -eq 0

# In the middle of writing the model: strace holds its fsync for 3 s, and
# the signal that comes then removes the temporary file.
if command -v strace >/dev/null 2>&1 &&
    strace -o /dev/null true >/dev/null 2>&1; then
	printf 'old model\n' >mid.bin
	strace -f -o /dev/null -e trace=fsync \
	    -e inject=fsync:delay_enter=3s:when=1 \
	    sh -c 'echo $$ >mid.pid; exec "$@"' sh \
	    "$(command -v $R)" train --ratings r.csv --rank 4 --iters 3 --threads 1 -m mid.bin &
	tracer=$!
	wait_for 10 sh -c 'ls mid.bin.tmp.* >/dev/null 2>&1'
	check "SIGTERM while writing: the temporary file is there first" \
	    sh -c 'ls mid.bin.tmp.* >/dev/null 2>&1'
	kill -TERM "$(cat mid.pid)"
	wait $tracer
	check "SIGTERM while writing: ended by the signal" test $? -eq 143
	check "SIGTERM while writing: the old model whole" \
	    test "$(cat mid.bin)" = 'old model'
	check "SIGTERM while writing: the temporary file removed" \
	    test "$(ls -A | grep -c '^mid\.bin\.tmp')" -eq 0
else
	skip "SIGTERM while writing the model" "strace cannot trace here"
fi

# Reading an endless input.
yes '1,2,3' | term_after 2 $R train --ratings - -m yes.bin
check "SIGTERM while reading an endless input: gone in ${TERM_MS} ms (< 1000)" \
    test "$TERM_RC" -eq 143 -a "$TERM_MS" -lt 1000

# Waiting for a FIFO's writer.
mkfifo never.fifo
term_after 2 $R train --ratings never.fifo -m never.bin
check "SIGTERM while waiting for a FIFO's writer: gone in ${TERM_MS} ms (< 1000)" \
    test "$TERM_RC" -eq 143 -a "$TERM_MS" -lt 1000
check "... and nothing written" test ! -e never.bin
done_testing
