#!/bin/sh
# examples/demo.sh (make demo), run for a few seconds: replay | reduce
# feeding render dash on each tick; sysheat and alertd when built.
. "$LI_TOP/tests/lib.sh"
if ! command -v replay >/dev/null 2>&1 || ! command -v reduce >/dev/null 2>&1
then
	skip "the demo" "replay and reduce are not built yet"
	done_testing
	exit
fi
start=$(date +%s)
DEMO_SECONDS=3 DEMO_RATE=300 DEMO_RENDER_OPTS="--color=never -w 120 -H 40 -v" \
    LC_ALL=C.UTF-8 B="$LI_BUILD" timeout 30 sh "$LI_TOP/examples/demo.sh" \
    >demo.out 2>demo.err
rc=$?
end=$(date +%s)
check "the demo exits 0" test "$rc" -eq 0
check "the demo ends on its own in time" test $((end - start)) -le 15
check_grep "the dashboard shows ticks" "tick [0-9]+ · [0-9,]+ rows" demo.out
check_grep "the dashboard shows the branches" "Koramangala" demo.out
check_grep "render drew a frame per tick" "^render: [0-9]+ frames$" demo.err
n=$(sed -n 's/^render: \([0-9]*\) frames$/\1/p' demo.err)
check "at least 3 frames in 3 seconds" test "${n:-0}" -ge 3
if command -v sysheat >/dev/null 2>&1; then
	check_grep "machine use from sysheat" "cpu_pct" demo.out
else
	skip "machine use from sysheat" "sysheat is not built yet"
fi
check "the terminal is put back (cursor shown)" sh -c \
    "tail -c 20 demo.out | tr -d '\\033' | grep -q '\\[?25h'"
done_testing
