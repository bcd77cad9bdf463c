#!/bin/sh
# Runs every unit test binary ($B/tests/test_*) and end-to-end script
# (tests/e2e/*.sh), all speaking TAP, and closes with one line:
#   N passed, N failed, N skipped
# A program that exits non-zero without reporting a failure, or that
# reports nothing at all, counts as one failure.  T=pattern narrows the run.
LC_ALL=C; export LC_ALL
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "$top" && mkdir -p "$B" && cd "$B" && pwd)
PATH=$B/bin:$B/tests:$PATH; export PATH
LI_TOP=$top; LI_BUILD=$B; export LI_TOP LI_BUILD
CMOCKA_MESSAGE_OUTPUT=TAP; export CMOCKA_MESSAGE_OUTPUT
TIMEOUT=${TEST_TIMEOUT:-600}

pass=0 fail=0 skip=0 failed_names=
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT

run_one() {	# name, command...
	name=$1; shift
	case $name in *"$T"*) ;; *) return ;; esac
	printf '# --- %s\n' "$name"
	timeout -k 5 "$TIMEOUT" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	cat "$log"
	p=$(grep -Ec '^ok [0-9]+' "$log")
	s=$(grep -Eic '^ok [0-9]+.*# *skip' "$log")
	f=$(grep -Ec '^not ok [0-9]+' "$log")
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	elif [ $((p + s + f)) -eq 0 ]; then
		echo "not ok - $name ran no test"
		f=1
	fi
	pass=$((pass + p)) skip=$((skip + s)) fail=$((fail + f))
	[ "$f" -gt 0 ] && failed_names="$failed_names $name"
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/${t##*/}" "$t"
done
for t in "$top"/tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	n=${t##*/}
	run_one "e2e/${n%.sh}" sh "$t"
done

[ -n "$failed_names" ] && echo "# failed:$failed_names"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
