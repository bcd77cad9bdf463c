#!/bin/sh
# examples/demo.sh (make demo), run for a few seconds: replay | reduce
# feeding render dash on each tick, with sysheat and alertd (make builds
# them all).
. "$LI_TOP/tests/lib.sh"
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
check_grep "machine use from sysheat" "cpu_pct" demo.out
check "the terminal is put back (cursor shown)" sh -c \
    "tail -c 20 demo.out | tr -d '\\033' | grep -q '\\[?25h'"
done_testing
