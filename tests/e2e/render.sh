#!/bin/sh
# render: the man page's examples against expected frames (UTF-8 and
# ASCII), dashboard frames, bad input, options and exit status.
. "$LI_TOP/tests/lib.sh"
unset COLUMNS LINES NO_COLOR
E=$LI_TOP/examples/render-snap
X=$LI_TOP/tests/e2e/render-expected
U=C.UTF-8

# Each example of render(1), drawn at the default 80x24 (not a terminal).
ex() {	# name, locale, command...
	_name=$1 _loc=$2; shift 2
	LC_ALL=$_loc "$@" >"$WORK/$_name.out" 2>"$WORK/$_name.err"; _rc=$?
	if [ "$_rc" -ne 0 ]; then
		check "$_name exits 0" false
		cat "$WORK/$_name.err" >&2
		return
	fi
	# RENDER_REGEN=1 rewrites the expected frames (review the diff!).
	[ "${RENDER_REGEN:-}" = 1 ] && cp "$WORK/$_name.out" "$X/$_name.txt"
	check_same "$_name" "$X/$_name.txt" "$WORK/$_name.out"
}
cd "$LI_TOP" || exit 1
ex hbar-indian $U render hbar --sort --prefix ₹ --grouping=indian \
    examples/render-snap/branch_sales.csv
ex share $U render share examples/render-snap/category_sales.csv
ex bar-top5 $U render bar --top 5 --height 12 \
    examples/render-snap/product_sales.csv
ex line-weekly $U render line --series BranchName --x Week \
    --value TotalRevenue --height 14 \
    examples/render-snap/weekly_branch_revenue.csv
ex spark $U render spark --value cpu_pct,mem_pct --suffix % \
    examples/render-snap/sysheat.csv
ex kpi $U render kpi --value TotalRevenue,Transactions \
    examples/render-snap/kpis.csv
ex table $U render table --sort --value TotalRevenue \
    examples/render-snap/branch_sales.csv
ex dash-120x40 $U render dash --layout examples/dashboard.layout \
    -d examples/render-snap --once --width 120 --height 40
# The same in plain ASCII: by option, and in the C locale.
ex hbar-ascii $U render hbar --ascii --sort --prefix Rs. \
    examples/render-snap/branch_sales.csv
ex line-ascii C render line --x time --value cpu_temp,gpu_temp \
    --height 12 --width 70 examples/render-snap/sysheat.csv
ex dash-ascii-100x30 C render dash --layout examples/dashboard.layout \
    -d examples/render-snap --once --width 100 --height 30
ex kpi-ascii C render kpi --label BranchName --value TotalRevenue \
    --width 100 examples/render-snap/branch_sales.csv
cd "$WORK" || exit 1

# Bar lengths are proportional to the values: 100, 50, 25 over 50 cells.
printf 'Name,Value\nalpha,100\nbeta,50\ngamma,25\n' >p.csv
LC_ALL=$U render hbar -w 60 p.csv >p.out
check "bars of 50, 25 and 12.5 cells" sh -c '
	[ "$(sed -n 1p p.out | grep -o "█" | wc -l)" -eq 50 ] &&
	[ "$(sed -n 2p p.out | grep -o "█" | wc -l)" -eq 25 ] &&
	[ "$(sed -n 3p p.out | grep -o "█" | wc -l)" -eq 12 ] &&
	sed -n 3p p.out | grep -q "█▌ 25\$"'
LC_ALL=C render hbar -w 60 p.csv >p.out
check "ASCII bars of 50, 25 and 13 cells" sh -c '
	[ "$(sed -n 1p p.out | tr -cd "#" | wc -c)" -eq 50 ] &&
	[ "$(sed -n 2p p.out | tr -cd "#" | wc -c)" -eq 25 ] &&
	[ "$(sed -n 3p p.out | tr -cd "#" | wc -c)" -eq 13 ]'

# Long and wide labels keep their place and end in an ellipsis.
printf 'Name,Value\nA very long product name indeed,10\n日本語の商品名です,20\nx,5\n' \
    >long.csv
LC_ALL=$U render hbar -w 40 long.csv >long.out
check "a cut label ends in an ellipsis" grep -q '^A very long … ' long.out
check "a cut wide label keeps the columns" grep -q '^日本語の商品… ' long.out
LC_ALL=C render hbar -w 40 long.csv >long.out
check "ASCII: non-ASCII shown as ?, columns kept" grep -q '^????????? *#' long.out
check "ASCII: a cut label ends in ~" grep -q '^A very long ~ #' long.out

# Tables sort by value, stably, unknown values last; labels of rows
# with no text column are row numbers.
printf 'K,V\na,2\nb,\nc,1\nd,2\n' >s.csv
LC_ALL=C render table --sort --value V s.csv >s.out
printf 'K  V\n-  -\na  2\nd  2\nc  1\nb\n' >s.want
check_same "a table sorted by value, unknown last" s.want s.out
LC_ALL=C render table --sort=asc --value V --top 2 s.csv >s.out
printf 'K  V\n-  -\nc  1\na  2\n' >s.want
check_same "ascending, top 2" s.want s.out
printf 'V\n5\n10\n' | LC_ALL=C render hbar -w 30 >s.out
check_grep "rows without labels are numbered" '^2 #+ 10$' s.out

# Colour: never to a pipe under auto; always when asked, except NO_COLOR.
LC_ALL=$U render hbar p.csv >c.out
check "no colour to a pipe" sh -c '! grep -q "$(printf "\033")" c.out'
LC_ALL=$U render hbar --color=always p.csv >c.out
check "colour when asked" grep -q "$(printf '\033')\[" c.out
LC_ALL=$U NO_COLOR=1 render hbar --color=always p.csv >c.out
check "--color=always beats NO_COLOR" grep -q "$(printf '\033')\[" c.out

# Hostile text never reaches the terminal as escapes.
printf 'Name,Value\n"evil\033[2J\033]0;x\007",5\n' >evil.csv
LC_ALL=$U render table evil.csv >evil.out
check "control characters are neutralised" sh -c \
    '! grep -q "$(printf "\033")" evil.out && ! grep -q "$(printf "\007")" evil.out'

# COLUMNS and LINES when not a terminal.
COLUMNS=50 LC_ALL=C render hbar p.csv >w.out
check "COLUMNS sets the width" sh -c \
    '[ "$(awk "{print length(\$0)}" w.out | sort -n | tail -1)" -eq 50 ]'
LINES=10 LC_ALL=$U render bar p.csv >h.out
check "LINES sets the height" sh -c '[ "$(wc -l <h.out)" -eq 10 ]'

# Bad CSV: a clear error naming the place, exit 1.
err_is() {	# name, expected stderr, command...
	_name=$1 _want=$2; shift 2
	"$@" >/dev/null 2>e.txt; _rc=$?
	printf '%s\n' "$_want" >e.want
	check "$_name exits 1" test "$_rc" -eq 1
	check_same "$_name message" e.want e.txt
}
printf 'a,b\n1,2\n3\n' >ragged.csv
err_is "ragged rows" "render: ragged.csv:3: 1 field, the header has 2" \
    render hbar ragged.csv
printf 'Name,Value\nx,1\ny,lots\n' >nan.csv
err_is "a value that is not a number" \
    "render: nan.csv:3: column 'Value': not a number: 'lots'" \
    render hbar --value Value nan.csv
: >empty.csv
err_is "empty input" "render: empty.csv: empty input (no header line)" \
    render hbar empty.csv
err_is "empty stdin" "render: stdin: empty input (no header line)" \
    sh -c 'render bar </dev/null'
printf 'Name,Value\n' >hdr.csv
err_is "no rows" "render: hdr.csv: no data rows" render share hdr.csv
err_is "a missing column" "render: nan.csv: no column 'Revenue'" \
    render hbar --value Revenue nan.csv
printf 'Name,Value\n' >big.csv
head -c 10485760 /dev/zero | tr '\0' x >>big.csv
printf ',1\n' >>big.csv
err_is "a 10 MB field" "render: big.csv:2: record longer than 1048576 bytes" \
    render hbar big.csv
printf 'Name,Value\nx,-5\n' >neg.csv
err_is "a negative share" "render: neg.csv: share of a negative value (x)" \
    render share neg.csv
err_is "a missing file" "render: nosuch.csv: No such file or directory" \
    render table nosuch.csv

# Negative values: bars to the left of the zero line.
printf 'Month,Profit\nJan,40\nFeb,-20\nMar,10\n' >pl.csv
LC_ALL=$U render hbar -w 40 pl.csv >pl.out
check "a negative bar is drawn left of zero" grep -Eq '^Feb (█)+ -20$' pl.out
check "a positive bar starts at zero" grep -Eq '^Jan +█.* 40$' pl.out
LC_ALL=$U render line -H 10 -w 40 pl.csv >pl.out
check "a line through zero has a zero line" grep -q '┈' pl.out

# Usage errors exit 2 with the synopsis.
check_fail "no chart type" 2 --msg "^render: no chart type given$" render
check_fail "an unknown chart" 2 --msg "^render: unknown chart type 'pie'$" \
    render pie p.csv
check_fail "dash without --layout" 2 \
    --msg "^render: dash: --layout is required$" render dash
check_fail "a bad --color" 2 \
    --msg "^render: --color: auto, always or never, not 'sometimes'$" \
    render hbar --color=sometimes p.csv
check_fail "a bad --grouping" 2 \
    --msg "^render: --grouping: western, indian or none, not 'roman'$" \
    render hbar --grouping=roman p.csv
check_fail "a bad --top" 2 \
    --msg "^render: --top: 0 is out of range \(1 to 10000\)$" \
    render hbar --top 0 p.csv
check_fail "a bad -n names -n" 2 --msg "^render: -n: 'x' is not a count$" \
    render hbar -n x p.csv
check_fail "dash options on a chart" 2 \
    --msg "^render: hbar: dashboard options need 'render dash'$" \
    render hbar --once p.csv
render hbar --sort=sideways p.csv 2>u.txt
check_grep "a bad --sort says why" "^render: --sort: desc, asc, label or none, not 'sideways'$" u.txt
check_grep "usage ends with the hint" "^Try 'render --help'.$" u.txt

# Layout errors name file:line and exit 2.
printf 'row\nhbar file=x.csv colour=red\n' >bad.layout
render dash --layout bad.layout --once 2>l.txt; rc=$?
check "a bad layout exits 2" test "$rc" -eq 2
printf "render: bad.layout:2: hbar: unknown key 'colour'\n" >l.want
check_same "a bad layout names file:line" l.want l.txt

# A dashboard panel with a missing file or column says so in its box; the
# other panels are drawn.
mkdir snap
cp "$E/branch_sales.csv" snap/
printf 'row\nhbar file=branch_sales.csv title=Branches\n' >p.layout
printf 'hbar file=nope.csv title=Missing\nhbar file=branch_sales.csv value=Nope\n' >>p.layout
LC_ALL=$U render dash --layout p.layout -d snap --once -w 120 -H 10 >p.out
check "dash --once exits 0 with a broken panel" test $? -eq 0
check_grep "the good panel is drawn" "Koramangala ███" p.out
check_grep "a missing file is shown in its box" "│ nope.csv: No such file or directory *│" p.out
check_grep "a missing column is shown in its box" "│ branch_sales.csv: no column 'Nope' *│" p.out
printf 'BranchName,TotalRevenue\nA,1\nB\n' >snap/ragged.csv
printf 'BranchName,TotalRevenue\nA,1\nB,lots\n' >snap/nan.csv
printf 'row\nhbar file=ragged.csv\nhbar file=nan.csv value=TotalRevenue\nhbar file=branch_sales.csv\n' \
    >bad.layout
LC_ALL=$U render dash --layout bad.layout -d snap --once -w 150 -H 8 >b.out
check "dash --once exits 0 with bad CSV in panels" test $? -eq 0
check_grep "a ragged file is shown in its box" \
    "│ ragged.csv:3: 1 field, the header has 2 *│" b.out
check_grep "a bad number is shown in its box" \
    "│ nan.csv:3: column 'TotalRevenue': not a  *│" b.out
check_grep "the message wraps in its box" "│ number: 'lots'  *│" b.out
check_grep "the good panel beside them is drawn" "Koramangala ███" b.out

# Write errors exit 1.
render hbar p.csv >/dev/full 2>full.txt; rc=$?
check "writing to /dev/full exits 1" test "$rc" -eq 1
check_grep "and says so" "^render: stdout: No space left on device$" full.txt
render dash --layout p.layout -d snap --once >/dev/full 2>full.txt; rc=$?
check "dash --once to /dev/full exits 1" test "$rc" -eq 1

# --frames: many frames, CPU time per frame on stderr.
render dash --layout "$LI_TOP/examples/dashboard.layout" -d "$E" \
    --frames 20 -w 200 -H 60 >/dev/null 2>fr.txt
check_grep "--frames reports CPU per frame" \
    "^render: 20 frames of 200x60, [0-9.]+ ms CPU per frame" fr.txt

# Ticks from a pipe: one frame per tick, and a last one at the end.  The
# second tick is sent once the first one's frame is out (-vv says so).
mkfifo tp
LC_ALL=$U render dash --layout p.layout -d snap -w 80 -H 10 -vv <tp \
    >tk.out 2>tk.err &
rp=$!
exec 4>tp
printf 'tick,time,rows,rejected,lag_s\n1,2026-11-23T10:41:07Z,100,0,0.5\n' >&4
wait_for 10 grep -q "^render: frame 2 drawn" tk.err
printf '2,2026-11-23T10:41:08Z,250,2,\n' >&4
wait_for 10 grep -q "^render: frame 3 drawn" tk.err
exec 4>&-
wait $rp
check_grep "a frame per tick and a last one" "^render: 4 frames$" tk.err
check_grep "the tick shows in the top line" \
    "tick 2 · 250 rows · 2 rejected · 10:41:08" tk.out
# Ticks from a FIFO: render waits for reduce to open it, and ends when it
# closes it.
mkfifo tf
( exec 3>tf; echo 1,2026-11-23T10:41:07Z,10,0,0.1 >&3
  wait_for 10 grep -q "^render: frame 2 drawn" tf.err
  echo 2,2026-11-23T10:41:08Z,20,0,0.1 >&3 ) &
LC_ALL=$U timeout 10 render dash --layout p.layout -d snap --ticks tf \
    -w 80 -H 10 -vv >tf.out 2>tf.err
check "a FIFO's end ends the dashboard" test $? -eq 0
check_grep "a frame per tick from a FIFO" "^render: 4 frames$" tf.err
check_grep "the last tick is shown" "tick 2 · 20 rows" tf.out
wait
check_fail "a missing tick FIFO" 1 \
    --msg "^render: nosuch: No such file or directory$" \
    render dash --layout p.layout -d snap --ticks nosuch
done_testing
