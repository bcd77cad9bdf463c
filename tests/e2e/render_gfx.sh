#!/bin/sh
# render pictures: every chart kind and the whole layout as PNG, SVG and
# PDF, each decoded (pngcheck, xmllint, pdftoppm); --size; hostile input
# gives a picture or a clear error, never a crash.
. "$LI_TOP/tests/lib.sh"
LC_ALL=C.UTF-8; export LC_ALL
LSAN_OPTIONS=suppressions=$LI_TOP/tests/lsan/render.supp:print_suppressions=0
export LSAN_OPTIONS
unset COLUMNS LINES NO_COLOR
E=$LI_TOP/examples/render-snap

# name, kind, file, options: the chart in every format, each decoded.
kind() {
	_nm=$1 _k=$2 _f=$3; shift 3
	check "$_nm png" render "$_k" "$@" -o "$_nm.png" "$E/$_f"
	check_grep "$_nm png: 800x500" '^800 500$' "$(pngcheck size "$_nm.png" >"$_nm.size"; echo "$_nm.size")"
	_ink=$(pngcheck ink "$_nm.png" 0 0 800 500)
	check "$_nm png: drawn ($_ink pixels)" test "$_ink" -gt 2000
	_blue=$(pngcheck count "$_nm.png" 0 0 800 500 0072B2)
	case $_k in table|kpi) ;; *)
		check "$_nm png: first palette colour ($_blue pixels)" \
		    test "$_blue" -gt 100 ;;
	esac
	check "$_nm svg" render "$_k" "$@" --format svg -o "$_nm.svg" "$E/$_f"
	check "$_nm svg parses" xmllint --noout "$_nm.svg"
	check "$_nm pdf" render "$_k" "$@" -o "$_nm.pdf" "$E/$_f"
	check "$_nm pdf renders" pdftoppm -r 36 -png -singlefile "$_nm.pdf" "$_nm-pdf"
	check_grep "$_nm pdf: 800x500 points" '^400 250$' "$(pngcheck size "$_nm-pdf.png" >"$_nm.psize"; echo "$_nm.psize")"
}
kind hbar hbar branch_sales.csv --sort --prefix ₹ --grouping indian \
    --title "Revenue by branch"
kind bar bar product_sales.csv --top 5 --title "Top 5"
kind share share category_sales.csv --title "Category share"
kind line line weekly_branch_revenue.csv --series BranchName --x Week \
    --value TotalRevenue --prefix ₹ --title "Weekly revenue"
kind spark spark sysheat.csv --value cpu_pct,mem_pct --suffix %
kind table table branch_sales.csv --sort --value TotalRevenue
kind kpi kpi kpis.csv --value TotalRevenue,Transactions --prefix ₹

# The hbar's bars are ordered by value (--sort: longest first).
pngcheck bars hbar.png 0072B2 | awk '{print $2}' >bars.len
check "hbar: five bars" test "$(wc -l <bars.len)" -eq 5
check "hbar: bars longest first" sh -c 'sort -rn bars.len | cmp -s - bars.len'

# --size, in pixels and points.
check "size 320x200" render bar --size 320x200 -o small.png "$E/product_sales.csv"
check_grep "size 320x200 decoded" '^320 200$' "$(pngcheck size small.png >small.size; echo small.size)"
check_fail "size too big" 2 --msg "render: --size: .*more than" \
    render bar --size 10000x10000 -o x.png "$E/product_sales.csv"
check_fail "size not WxH" 2 --msg "render: --size: not WxH" \
    render bar --size 320 -o x.png "$E/product_sales.csv"
check_fail "format unknown" 2 --msg "render: --format: png, svg or pdf, not 'gif'" \
    render bar --format gif -o x.gif "$E/product_sales.csv"
check_fail "format without -o" 2 --msg "render: a picture needs -o FILE" \
    render bar --format png "$E/product_sales.csv"
check_fail "-o of no known format" 2 --msg "render: -o x.txt: give --format" \
    render bar -o x.txt "$E/product_sales.csv"
check "-o - writes stdout" sh -c "render bar --format png -o - '$E/product_sales.csv' >stdout.png"
check_grep "-o - is a PNG" '^800 500$' "$(pngcheck size stdout.png >so.size; echo so.size)"
check_fail "-o - to a full disk" 1 --msg "render: stdout: No space left" \
    sh -c "render bar --format png -o - '$E/product_sales.csv' >/dev/full"
check_fail "-o into a missing directory" 1 --msg "render: nodir/x.png: No such file" \
    render bar -o nodir/x.png "$E/product_sales.csv"

# The whole layout, one frame: 1600x1000 by default.
check "dash png" render dash --layout "$LI_TOP/examples/dashboard.layout" \
    -d "$E" -o dash.png
check_grep "dash png: 1600x1000" '^1600 1000$' "$(pngcheck size dash.png >d.size; echo d.size)"
check "dash svg" render dash --layout "$LI_TOP/examples/dashboard.layout" \
    -d "$E" --format svg -o dash.svg
check "dash svg parses" xmllint --noout dash.svg
check "dash pdf" render dash --layout "$LI_TOP/examples/dashboard.layout" \
    -d "$E" -o dash.pdf --size 842x595
check "dash pdf renders" pdftoppm -r 72 -png -singlefile dash.pdf dash-pdf
check_grep "dash pdf: A4 landscape" '^842 595$' "$(pngcheck size dash-pdf.png >dp.size; echo dp.size)"
# Each panel of a 2x2 layout is drawn: the first palette colour in each
# quarter (below the top line).
cat >quad.layout <<'L'
title "Four"
row weight=1
hbar file=branch_sales.csv label=BranchName value=TotalRevenue title="A"
bar file=product_sales.csv title="B"
row weight=1
line file=weekly_branch_revenue.csv series=BranchName x=Week value=TotalRevenue title="C"
share file=category_sales.csv title="D"
L
check "quad png" render dash --layout quad.layout -d "$E" --size 800x600 -o quad.png
for q in "0 40 400 280" "400 40 400 280" "0 320 400 280" "400 320 400 280"; do
	# shellcheck disable=SC2086
	_c=$(pngcheck count quad.png $q 0072B2)
	check "quad panel at $q drawn ($_c pixels)" test "$_c" -gt 100
done
# A panel whose file is missing says so, and the rest is drawn.
sed 's/category_sales/nothere/' quad.layout >miss.layout
check "missing panel file" render dash --layout miss.layout -d "$E" -o miss.png
check "the other panels still drawn" test "$(pngcheck count miss.png 0 40 400 280 0072B2)" -gt 100

# Hostile input: a picture or a clear error, never a crash.
long=$(printf '%0100d' 0 | tr 0 L)
printf 'Label,Value\n%s,5\nshort,3\n' "$long" >long.csv
printf 'Label,Value\n\377\376bad\001,5\nok,3\n' >badutf.csv
printf 'Label,Value\nx,nan\n' >nan.csv
printf 'Label,Value\nonly,42\n' >one.csv
printf 'Label,Value\n' >zero.csv
for k in bar hbar share line spark table kpi; do
	check "$k: 100-byte label" render "$k" -o "long-$k.png" long.csv
	check "$k: invalid UTF-8" render "$k" --format svg -o "bad-$k.svg" badutf.csv
	check "$k: invalid UTF-8 gives valid SVG" xmllint --noout "bad-$k.svg"
	_sort=; [ "$k" = table ] && _sort=--sort	# a table sorts by value
	check_fail "$k: NaN is an error" 1 --msg "render: nan.csv:2: .*not a number" \
	    render "$k" --value Value $_sort -o "nan-$k.png" nan.csv
	check "$k: one row" render "$k" -o "one-$k.pdf" one.csv
	if [ "$k" = table ]; then
		check "table: zero rows" render table -o zero-table.png zero.csv
	else
		check_fail "$k: zero rows" 1 --msg "render: zero.csv: no data rows" \
		    render "$k" -o "zero-$k.png" zero.csv
	fi
done
check "no output left by the errors" sh -c '! ls nan-*.png zero-bar.png 2>/dev/null | grep -q .'

# heat and pop: their terminal text, set in a monospaced font.
printf 'BranchName,Hour,Rows\nA,09,5\nA,10,9\nB,09,2\nB,10,7\n' >heat.csv
check "heat png" render heat -l BranchName -x Hour -y Rows -o heat.png heat.csv
check "heat png: drawn" test "$(pngcheck ink heat.png 0 0 400 200)" -gt 300

# The text output stays the default.
render hbar "$E/branch_sales.csv" >text.out
check_grep "text by default" "Koramangala" text.out
done_testing
