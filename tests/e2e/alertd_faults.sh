#!/bin/sh
# Fault injection (tests/fault/): every write, flush and close alertd makes
# on standard output fails in turn.  alertd writes no file of its own (its
# hooks do), so standard output is what there is to fail.  At every N it
# must exit non-zero (1; 3, UNKNOWN, under --once) with a message naming
# standard output and the error, and what it wrote before the fault must
# be the start of what a run without a fault writes: nothing made up.
. "$LI_TOP/tests/lib.sh"
# Event times are local (TZ) with their offset: the expected ones are UTC.
TZ=UTC; export TZ
. "$LI_TOP/tests/fault/lib.sh"
R=$LI_TOP/examples/liveinsight.rules
S=$LI_TOP/examples/alertd-samples.csv
A=$FAULT_BIN/alertd
LI_FAULT_PATH='<stdout>' LI_FAULT_ERRNO=ENOSPC
export LI_FAULT_PATH LI_FAULT_ERRNO

# sweep NAME STATUS CMD...: fail each call in turn.
sweep() {
	_name=$1 _st=$2; shift 2
	_calls=$(fault_calls "$@")
	cp "$WORK/.fault.out" clean
	if [ -z "$_calls" ] || [ "$_calls" -lt 1 ]; then
		_notok "$_name: calls counted" "no calls"
		return
	fi
	_bad=
	_k=1
	while [ "$_k" -le "$_calls" ]; do
		fault_at "$_k" "$@"
		_sz=$(wc -c <"$WORK/.fault.out")
		if [ "$FAULT_HIT" -ne 1 ] || [ "$FAULT_RC" -ne "$_st" ] ||
		    ! grep -qx 'alertd: stdout: No space left on device' \
		    "$WORK/.fault.err" ||
		    ! head -c "$_sz" clean | cmp -s - "$WORK/.fault.out"; then
			_bad="$_bad $_k(rc=$FAULT_RC)"
		fi
		_k=$((_k + 1))
	done
	if [ -z "$_bad" ]; then
		_ok "$_name: each of $_calls calls failing: exit $_st, message, a true prefix"
	else
		_notok "$_name: each of $_calls calls failing" "bad at:$_bad" \
		    "$(head -c 500 "$WORK/.fault.err")"
	fi
}

sweep "events as CSV" 1 "$A" -r "$R" --clock=input --input "$S"
sweep "events as JSON" 1 "$A" -r "$R" --clock=input --format json --input "$S"
sweep "--once" 3 "$A" -r "$R" --once --input "$S"

# A disk that stays full: the first failure is the last write tried.
LI_FAULT_STICKY=1 fault_at 1 "$A" -r "$R" --clock=input --input "$S"
check "full for good: exit 1" test "$FAULT_RC" -eq 1
check "full for good: one message" test "$(wc -l <"$WORK/.fault.err")" -eq 1

done_testing
