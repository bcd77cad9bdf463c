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

# heat: a grid of cells shaded on a sequential scale (light low, dark
# high); decoded, the cells of each row are ordered as their values.  Row
# A rises from 10 to 40, row B falls from 40 to 10.
printf 'BranchName,Hour,Rows\nA,09,10\nA,10,20\nA,11,30\nA,12,40\nB,09,40\nB,10,30\nB,11,20\nB,12,10\n' >heat.csv
cat >cells.py <<'PY'
# The lines of "pngcheck runs" with 4 runs (the 4 cells): the distinct
# colour rows, top to bottom, and whether each is ordered as the data.
import sys
lines = {}
for l in open(sys.argv[1]):
    y, x, n, c = l.split()
    lines.setdefault(int(y), []).append(c)
rows, seen = [], {}
for y in sorted(lines):	# rows of cells: 3 lines or more alike
    if len(lines[y]) == 4:
        seen[tuple(lines[y])] = seen.get(tuple(lines[y]), 0) + 1
        if seen[tuple(lines[y])] == 3:
            rows.append(lines[y])
def lum(c):
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
print("rows", len(rows))
if len(rows) == 2:
    a, b = [[lum(c) for c in r] for r in rows]
    print("A darker as it rises", all(x > y for x, y in zip(a, a[1:])))
    print("B lighter as it falls", all(x < y for x, y in zip(b, b[1:])))
    print("same value, same colour", rows[0] == rows[1][::-1])
PY
check "heat png" render heat -l BranchName -x Hour -y Rows --title "Rows by hour" -o heat.png heat.csv
pngcheck runs heat.png 20 >heat.runs
python3 cells.py heat.runs >heat.cells
check_grep "heat png: two rows of four cells" '^rows 2$' heat.cells
check_grep "heat png: row A darker as it rises" 'rises True' heat.cells
check_grep "heat png: row B lighter as it falls" 'falls True' heat.cells
check_grep "heat png: the same value, the same colour" 'colour True' heat.cells
check "heat svg" render heat -l BranchName -x Hour -y Rows --format svg -o heat.svg heat.csv
check "heat svg parses" xmllint --noout heat.svg
check "heat svg: four cell colours and the scale" sh -c \
    'test "$(grep -o "fill:rgb([^)]*)" heat.svg | sort -u | wc -l)" -ge 6'
check "heat svg: a gradient for the scale" grep -q '<linearGradient' heat.svg
check "heat pdf" render heat -l BranchName -x Hour -y Rows -o heat.pdf heat.csv
check "heat pdf renders" pdftoppm -r 72 -png -singlefile heat.pdf heat-pdf
pngcheck runs heat-pdf.png 20 >heatpdf.runs
python3 cells.py heatpdf.runs >heatpdf.cells
check_grep "heat pdf: two rows of four cells" '^rows 2$' heatpdf.cells
check_grep "heat pdf: row A darker as it rises" 'rises True' heatpdf.cells
pdftotext heat.pdf heat.txt
check_grep "heat pdf: hour labels" '^09' heat.txt
check_grep "heat pdf: the columns' name" '^Hour' heat.txt
check_grep "heat pdf: the scale's name and range" 'Rows' heat.txt
check_grep "heat pdf: the scale's top" '^40$' heat.txt

# pop: per row a bar of the value over a grey bar of the reference, the
# value, an arrow and the change in percent, coloured and signed.
printf 'Branch,Now,Before\nA,150,100\nB,50,100\nC,120,100\nD,80,0\n' >pop.csv
check "pop png" render pop -l Branch -y Now,Before --title "Now vs before" -o pop.png pop.csv
pngcheck bars pop.png 0072B2 | head -3 | awk '{print $2}' >pop.len
check "pop png: value bars ordered as the values (A 150, B 50, C 120)" \
    sh -c 'set -- $(cat pop.len); test "$1" -gt "$3" -a "$3" -gt "$2"'
check "pop png: the down change in vermillion" \
    test "$(pngcheck count pop.png 400 0 400 500 D55E00)" -gt 20
check "pop png: the reference bars in grey" \
    test "$(pngcheck count pop.png 0 0 800 500 C7C7CC)" -gt 500
check "pop svg" render pop -l Branch -y Now,Before --format svg -o pop.svg pop.csv
check "pop svg parses" xmllint --noout pop.svg
check "pop pdf" render pop -l Branch -y Now,Before -o pop.pdf pop.csv
check "pop pdf renders" pdftoppm -r 36 -png -singlefile pop.pdf pop-pdf
pdftotext pop.pdf pop.txt
check_grep "pop pdf: up with a sign" '+50\.0%' pop.txt
check_grep "pop pdf: down with a sign" '−50\.0%' pop.txt
check_grep "pop pdf: the reference" 'vs 100' pop.txt
check_grep "pop pdf: no change against 0" '^– vs 0$' pop.txt
check_grep "pop pdf: the legend" '^Before$' pop.txt
# Hostile input: a 100-byte label, invalid UTF-8, NaN, one row, no rows.
printf 'Label,Col,Value\n%s,%s,5\nshort,x,3\n' "$long" "$long" >hlong.csv
printf 'Label,Col,Value\n\377\376bad\001,\001\033[2J,5\nok,y,3\n' >hbad.csv
printf 'Label,Col,Value\nx,y,nan\n' >hnan.csv
printf 'Label,Col,Value\nonly,one,42\n' >hone.csv
printf 'Label,Col,Value\n' >hzero.csv
printf 'Label,Value,Ref\n%s,5,4\n' "$long" >plong.csv
printf 'Label,Value,Ref\n\377\376bad\001,5,4\nok,3,4\n' >pbad.csv
printf 'Label,Value,Ref\nx,nan,3\n' >pnan.csv
printf 'Label,Value,Ref\nonly,42,40\n' >pone.csv
printf 'Label,Value,Ref\n' >pzero.csv
for k in heat pop; do
	f=${k%"${k#?}"}
	check "$k: 100-byte label" render "$k" -o "long-$k.png" "${f}long.csv"
	check "$k: invalid UTF-8" render "$k" --format svg -o "bad-$k.svg" "${f}bad.csv"
	check "$k: invalid UTF-8 gives valid SVG" xmllint --noout "bad-$k.svg"
	_v=Value; [ "$k" = pop ] && _v=Value,Ref
	check_fail "$k: NaN is an error" 1 --msg "render: ${f}nan.csv:2: .*not a number" \
	    render "$k" --value "$_v" -o "nan-$k.png" "${f}nan.csv"
	check "$k: one row" render "$k" -o "one-$k.pdf" "${f}one.csv"
	check_fail "$k: zero rows" 1 --msg "render: ${f}zero.csv: no data rows" \
	    render "$k" -o "zero-$k.png" "${f}zero.csv"
done
# Many rows and columns (hours of a month) still make a picture.
awk 'BEGIN { print "Day,Hour,V"; for (d = 1; d <= 31; d++) for (h = 0; h < 24; h++) printf "D%02d,%02d,%d\n", d, h, (d * 7 + h * 13) % 50 }' >month.csv
check "heat: 31 x 24 cells" render heat -o month.png month.csv
check "heat: 31 x 24 cells drawn" test "$(pngcheck ink month.png 0 0 800 500)" -gt 50000

# The text output stays the default.
render hbar "$E/branch_sales.csv" >text.out
check_grep "text by default" "Koramangala" text.out
done_testing
