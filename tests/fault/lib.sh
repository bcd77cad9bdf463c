# Fault-injection sweeps for end-to-end tests; source after tests/lib.sh.
# The tools in $LI_BUILD/fault/ fail the Nth matching open, write, fsync,
# rename or close on demand (tests/fault/faultinj.c says how).  Set
# LI_FAULT_OPS, LI_FAULT_PATH, LI_FAULT_ERRNO, LI_FAULT_STICKY and LI_FAULT_CRASH in the
# environment (or on the command), then:
#
#   fault_calls CMD...   run CMD without a fault; print how many matching
#                        calls it made (the range a sweep must cover)
#   fault_at N CMD...    run CMD with the Nth matching call failing; sets
#                        FAULT_RC (its exit status), FAULT_HIT (1 when the
#                        fault was injected) and leaves stdout and stderr
#                        in $WORK/.fault.out and $WORK/.fault.err
FAULT_BIN=$LI_BUILD/fault
export FAULT_BIN

fault_calls() {
	rm -f "$WORK/.fault.rep"
	LI_FAULT_N=0 LI_FAULT_REPORT="$WORK/.fault.rep" "$@" \
		>"$WORK/.fault.out" 2>"$WORK/.fault.err"
	sed -n 's/^calls //p' "$WORK/.fault.rep" 2>/dev/null | tail -n 1
}

fault_at() {
	_fn=$1; shift
	rm -f "$WORK/.fault.rep"
	LI_FAULT_N=$_fn LI_FAULT_REPORT="$WORK/.fault.rep" "$@" \
		>"$WORK/.fault.out" 2>"$WORK/.fault.err"
	FAULT_RC=$?
	FAULT_HIT=0
	grep -q '^inject ' "$WORK/.fault.rep" 2>/dev/null && FAULT_HIT=1
	return 0
}
