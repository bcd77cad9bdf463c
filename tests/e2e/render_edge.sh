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

done_testing
