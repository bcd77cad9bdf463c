#!/bin/sh
# render at the edges: tiny and huge sizes, long labels, hostile numbers
# and text.  Whatever the input, render draws no more lines than it is
# given, sends only valid UTF-8 without control characters, and ends.
. "$LI_TOP/tests/lib.sh"
unset COLUMNS LINES NO_COLOR
E=$LI_TOP/examples/render-snap
U=C.UTF-8

# well_formed FILE: valid UTF-8, no NUL and no control character but LF.
well_formed() {
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 &&
	    ! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1" &&
	    [ "$(tr -d '\000' <"$1" | wc -c)" -eq "$(wc -c <"$1")" ]
}
lines_at_most() {	# N FILE
	[ "$(wc -l <"$2")" -le "$1" ]
}

# A table in 2 lines: the header and "N more rows", nothing past them
# (render read past its canvas and printed heap bytes).
LC_ALL=$U render table -H 2 "$E/branch_sales.csv" >t2.out 2>t2.err
check "a table in 2 lines exits 0" test $? -eq 0
printf 'BranchName  TotalRevenue\n… 5 more rows\n' >t2.want
check_same "a table in 2 lines is its header and the rest counted" \
    t2.want t2.out
LINES=2 LC_ALL=$U render table "$E/branch_sales.csv" >t2.out 2>t2.err
check_same "LINES=2 is the same" t2.want t2.out
printf 'a,b\n' | LC_ALL=$U render table -H 2 >t2.out
printf 'a  b\n─  ─\n' >t2.want
check_same "a header-only table in 2 lines" t2.want t2.out

# x labels longer than 63 bytes: cut to fit, first and last half each
# (render took snprintf's would-be length as the length of a 64-byte
# buffer and drew the stack bytes after it).
{ echo x,v; printf '%0100d,1\n' 0 | tr 0 a; printf '%0100d,2\n' 0 | tr 0 b
} >longx.csv
A100=$(printf '%0100d' 0 | tr 0 a) B100=$(printf '%0100d' 0 | tr 0 b)
LC_ALL=$U render line -w 60 -H 10 longx.csv >lx.out 2>lx.err
check "a line chart of 100-byte x labels exits 0" test $? -eq 0
check "its output is well-formed" well_formed lx.out
check "in 10 lines" test "$(wc -l <lx.out)" -eq 10
check_grep "the first and last x labels share the width" \
    "^    a{26}…  b{26}…\$" lx.out
LC_ALL=$U render line -w 220 -H 6 longx.csv >lx.out 2>lx.err
check "a wide chart shows 100-byte x labels whole" \
    test "$(tail -n 1 lx.out)" = "    $A100$(printf '%16s' '')$B100"
printf 'line file=longx.csv title=Long\n' >lx.layout
LC_ALL=$U render dash --layout lx.layout --dir . --once -w 60 -H 12 \
    >lxd.out 2>lxd.err
check "a dashboard line panel of 100-byte x labels exits 0" test $? -eq 0
check_grep "its x labels are cut in its box" \
    "^│     a{24}…  b{24}… │\$" lxd.out

# Values whose ticks would be the same double (1e17 and 1e17+16) used to
# loop for ever; values at the ends of the range draw; past 1e300 is an
# error in the data.
printf 'a,v\nx,100000000000000000\ny,100000000000000016\n' >prec.csv
LC_ALL=$U timeout 10 render line -w 40 -H 10 prec.csv >prec.out 2>&1
check "ticks closer than the values' precision: drawn, not a hang" \
    test $? -eq 0
printf 'a,v\nx,1e300\ny,-1e300\n' >ends.csv
for k in bar hbar line spark table kpi; do
	LC_ALL=$U timeout 10 render $k -w 60 -H 12 ends.csv >ends.out 2>&1
	check "$k of +-1e300 exits 0" test $? -eq 0
	check "$k of +-1e300 is well-formed" well_formed ends.out
done
printf 'a,v\nx,1e301\n' >over.csv
LC_ALL=$U render hbar -y v over.csv >/dev/null 2>over.err
check_fail "a value over 1e300 exits 1" 1 render hbar -y v over.csv
printf "render: over.csv:2: column 'v': number out of range (over 1e300): '1e301'\n" \
    >over.want
check_same "and says why" over.want over.err
check_fail "--min not under --max is a usage error" 2 \
    render line --min 5 --max 5 ends.csv

done_testing
