#!/bin/sh
# Fault injection at every write site of reduce (build/fault/reduce, see
# tests/fault/faultinj.c): for every N, the Nth open, write, fsync, rename
# or close of a file fails with ENOSPC, EIO and EACCES in turn, and then
# reduce is killed there instead (LI_FAULT_CRASH: _exit, no buffer
# flushed, as under kill -9); over a run of 200 rows with 3 ticks, 2
# rejects, a checkpoint and a rejects file; then over a run resumed from a
# checkpoint; then the tick lines on stdout; then --merge of two
# checkpoints into a snapshot and a checkpoint.  At every N:
#   - reduce exits non-zero with "reduce: FILE: ERROR" naming the file
#     (only a failed close of a descriptor it only read may pass unseen);
#   - nothing is acknowledged that is not durable: a checkpoint on disk
#     never counts rows that the snapshot does not, nor rejects that the
#     rejects file does not hold (its first rejects_size bytes are the
#     uninterrupted run's);
#   - with the fault lifted, the same command resumes from the checkpoint
#     and ends with exactly the snapshot and rejects file of a run that
#     never saw a fault.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/fault/lib.sh"

# fsync on tmpfs is cheap: the sweep makes thousands of runs.
if [ -d /dev/shm ] && D=$(mktemp -d /dev/shm/li-fault.XXXXXX 2>/dev/null); then
	at_exit "rm -rf '$D'"
	cd "$D" || exit 1
	WORK=$D
fi

FR=$FAULT_BIN/reduce
S1='b.csv: BranchName -> rev=sum(FinalAmount)'
S2='k.csv: -> n=count(), r=rejected()'
synthgen -s 3 200 | awk 'NR == 70 || NR == 190 { print "bad,\"row" NR ",1" } { print }' >full.csv
head -n 170 full.csv >half.csv

red() {	# reduce with the test's options; $R is the binary
	"$R" -q -a "$S1" -a "$S2" --tick 1h --tick-rows 70 --checkpoint st/ck \
	    --rejects rej.csv -o snap in.csv
}
fresh() { rm -rf snap st rej.csv; mkdir st; }

# The reference: a run that never saw a fault.
fresh
cp full.csv in.csv
R=reduce red >ref.ticks
mkdir ref
cp snap/*.csv rej.csv ref/
cat snap/b.csv snap/k.csv rej.csv >ref.all
check "reference run: 3 ticks, 200 rows, 2 rejects" \
    grep -q "^3,[^,]*,200,2," ref.ticks

# A state saved half way, for the resumed sweep.
fresh
cp half.csv in.csv
R=reduce red >/dev/null
rm -rf half.state
mkdir half.state
cp -R snap st rej.csv half.state/

# Run red with the Nth call failing with errno $1; FAULT_RC, and OP and
# FPATH, what failed (empty when call N was not reached).
fault_run() {	# errno|CRASH N
	: >.rep
	_c=0
	[ "$1" = CRASH ] && _c=1
	LI_FAULT_ERRNO=$1 LI_FAULT_CRASH=$_c LI_FAULT_N=$2 \
	    LI_FAULT_REPORT=.rep R=$FR red >.fault.out 2>.fault.err
	FAULT_RC=$?
	_w= OP= FPATH=
	read -r _w OP FPATH <.rep
	[ "$_w" = inject ] || OP= FPATH=
}

# Sets BAD to a reason when the faulted run broke a rule, else empty.
judge() {	# errno-message
	BAD=
	_nm=${FPATH%.tmp.??????}
	[ "$_nm" = "<stdout>" ] && _nm=stdout
	if [ "$1" = CRASH ]; then
		[ "$FAULT_RC" -eq 137 ] ||
		    { BAD="exit $FAULT_RC, not the crash's 137"; return; }
	elif [ "$FAULT_RC" -eq 0 ]; then
		# Only a close of what was open for reading may go unseen.
		case $OP:$FPATH in
		close:snap|close:st|close:in.csv|close:st/ck|close:p?.ckpt) ;;
		*) BAD="exit 0 after '$OP $FPATH' failed"; return ;;
		esac
	else
		# A line "reduce: ...FILE...: ERROR" (the shell's own reading,
		# no process per fault: thousands of them).
		_seen=
		while IFS= read -r _line; do
			case $_line in
			"reduce: "*"$_nm"*": $1") _seen=1 ;;
			esac
		done <.fault.err
		if [ -z "$_seen" ]; then
			BAD="no 'reduce: ...$_nm...: $1' after '$OP $FPATH' failed: $(head -c 300 .fault.err)"
			return
		fi
	fi
	[ -f st/ck ] || return 0
	# The checkpoint acknowledges no more than is on disk: its rejects
	# are in the rejects file, its rows in the snapshot.
	_rs= _rows= _l=
	while IFS=, read -r _a _b _c _d _r; do
		case $_a in
		input) _rs=$_r ;;
		totals) _rows=$_b ;;
		esac
	done <st/ck
	[ -f snap/k.csv ] && { read -r _l; read -r _l; } <snap/k.csv
	if [ "$_rs" -gt 0 ] && ! cmp -s -n "$_rs" rej.csv ref/rej.csv; then
		BAD="checkpoint acknowledges $_rs bytes of rejects not on disk"
	elif [ "${_l%%,*}" -lt "$_rows" ] 2>/dev/null || [ -z "$_l" ]; then
		BAD="checkpoint counts $_rows rows, the snapshot '${_l%%,*}'"
	fi
}

# Rerun without a fault; BAD when it fails or differs from the reference.
rerun() {
	R=reduce red >/dev/null 2>rerun.err || {
		BAD="rerun failed: $(head -c 300 rerun.err)"; return; }
	cat snap/b.csv snap/k.csv rej.csv 2>/dev/null | cmp -s - ref.all ||
	    BAD="rerun: the snapshot or the rejects file differs"
}

sweep() {	# name setup-command
	_what=$1 _setup=$2
	_calls=$(eval "$_setup"; R=$FR fault_calls red)
	_fails=0 _runs=0
	for _e in ENOSPC EIO EACCES CRASH; do
		case $_e in
		ENOSPC) _msg='No space left on device' ;;
		EIO) _msg='Input/output error' ;;
		EACCES) _msg='Permission denied' ;;
		CRASH) _msg=CRASH ;;
		esac
		_k=1
		while [ "$_k" -le "$_calls" ]; do
			eval "$_setup"
			fault_run "$_e" "$_k"
			_runs=$((_runs + 1))
			if [ -z "$OP" ]; then
				BAD="call $_k of $_calls was not reached"
			else
				judge "$_msg"
				[ -z "$BAD" ] && rerun
			fi
			if [ -n "$BAD" ]; then
				_fails=$((_fails + 1))
				[ "$_fails" -le 5 ] && echo "# $_what: $_e at $_k: $BAD"
			fi
			_k=$((_k + 1))
		done
	done
	check "$_what: $_runs faults ($_calls calls x 3 errnos and a crash), each reported and recovered" \
	    test "$_fails" -eq 0
}

cp full.csv in.csv
sweep "fresh run" 'fresh'
sweep "resumed run" 'rm -rf snap st rej.csv; cp -R half.state/snap half.state/st half.state/rej.csv .'
LI_FAULT_PATH='<stdout>'
export LI_FAULT_PATH
sweep "tick lines on stdout" 'fresh'
unset LI_FAULT_PATH

# --merge: its snapshot and --checkpoint, from the halves' checkpoints.
cp half.state/st/ck p1.ckpt
{ head -n 1 full.csv; tail -n +171 full.csv; } >in2.csv
reduce --no-sync -q -a "$S1" -a "$S2" --checkpoint p2.ckpt \
    -o p2snap in2.csv >/dev/null
red() {
	"$R" -q -a "$S1" -a "$S2" --merge -o snap --checkpoint st/ck p1.ckpt p2.ckpt
}
rerun() {
	R=reduce red >/dev/null 2>rerun.err || {
		BAD="rerun failed: $(head -c 300 rerun.err)"; return; }
	cat snap/b.csv snap/k.csv 2>/dev/null | cmp -s - ref.snap ||
	    BAD="rerun: the snapshot differs"
}
cat ref/b.csv ref/k.csv >ref.snap
R=reduce red
check "merge of the halves equals the whole run" sh -c \
    'cat snap/b.csv snap/k.csv | cmp -s - ref.snap'
sweep "merge" 'fresh'

done_testing
