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
LC_ALL=$U render dash --layout lx.layout -d . --once -w 60 -H 12 \
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
    --msg "^render: --min must be less than --max$" \
    render line --min 5 --max 5 ends.csv

# Every kind over hostile data at tiny, usual and huge sizes: exits 0 or
# 1 with a message, at most the lines asked for, well-formed output.
{ echo 'Name,Value,When'
  printf '"bad \377\376 utf8",1,2024-01-01\n'
  printf '"ctl \033[2J\007",2,2024-01-02\n'
  printf '"bidi \342\200\256x",3,2024-01-03\n'
  printf '"\314\201mark first",4,2024-01-04\n'
  printf '"日本語の長い商品名です日本語の長い商品名です",5,2024-01-05\n'
  printf '%0150d,-6,2024-01-06\n' 0 | tr 0 x
  printf 'huge,1e300,2024-01-07\n'
  printf 'tiny,1e-320,2024-01-08\n'
  printf 'empty,,2024-01-09\n'
  i=0; while [ $i -lt 3000 ]; do echo "r$i,$i,2024-02-01"; i=$((i + 1)); done
} >hostile.csv
printf 'Name,Value\n' >hdronly.csv
: >empty.csv
sizes_ok=1 sizes_bad=
for k in bar hbar share line spark table kpi; do
	for wh in "8 2" "9 3" "20 5" "80 24" "300 3" "10000 100"; do
		set -- $wh
		for f in hostile.csv hdronly.csv; do
			LC_ALL=$U timeout 10 render $k -w "$1" -H "$2" \
			    --prefix "$(printf '\342\202\271')" "$f" \
			    >k.out 2>k.err
			rc=$?
			if { [ $rc -ne 0 ] && { [ $rc -ne 1 ] ||
			    [ ! -s k.err ]; }; } ||
			    ! lines_at_most "$2" k.out ||
			    ! well_formed k.out || ! well_formed k.err; then
				sizes_ok=0 sizes_bad="$sizes_bad $k:$1x$2:$f:$rc"
			fi
		done
	done
	LC_ALL=$U render $k empty.csv >/dev/null 2>k.err
	[ "$(cat k.err)" = "render: empty.csv: empty input (no header line)" ] ||
	    { sizes_ok=0 sizes_bad="$sizes_bad $k:empty"; }
done
check "every kind, hostile data, 8x2 to 10000x100: bounded, well-formed" \
    test "$sizes_ok" = 1 -a -z "$sizes_bad"
[ -n "$sizes_bad" ] && echo "# failed:$sizes_bad"
LC_ALL=$U render hbar hdronly.csv >/dev/null 2>k.err
check_grep "a header only: no data rows" "^render: hdronly.csv: no data rows$" \
    k.err
LC_ALL=$U render hbar -w 40 -H 5 hostile.csv >k.out 2>k.err
check "3,000 rows, 5 lines: an hbar exits 0" test $? -eq 0
check_grep "and counts the rest" "^… 3004 more$" k.out
cp hostile.csv hdronly.csv empty.csv snapd 2>/dev/null || {
	mkdir snapd; cp hostile.csv hdronly.csv empty.csv snapd/; }
{ echo row; for k in bar hbar share line; do echo "$k file=hostile.csv"; done
  echo row; for k in spark table kpi; do echo "$k file=hdronly.csv"; done
  echo "table file=empty.csv"
} >h.layout
for wh in "20 5" "120 40" "400 60"; do
	set -- $wh
	LC_ALL=$U timeout 10 render dash --layout h.layout -d snapd --once \
	    -w "$1" -H "$2" >hd.out 2>hd.err
	check "a dashboard of hostile files at $1x$2 exits 0" test $? -eq 0
	check "and is $2 well-formed lines" sh -c \
	    "[ \$(wc -l <hd.out) -eq $2 ] && iconv -f UTF-8 -t UTF-8 hd.out >/dev/null"
done
check_grep "an empty file says so in its box" \
    "empty.csv: empty input \(no header line\)" hd.out

done_testing
