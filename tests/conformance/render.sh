# render's rows of the conformance matrix (tests/e2e/conformance.sh sources
# this after tests/lib.sh; it runs in $WORK).  conf_render_flag FLAG runs
# checks proving FLAG means in render what docs/conventions.md says.

CONF_TOOL=render
# A minimal valid run: a bar chart of the example snapshot.
CONF_ARGS_OK="hbar $LI_TOP/examples/render-snap/branch_sales.csv"
# The shared flags render has (conventions.md's tables).
CONF_FLAGS="-h --help --version -q -v -d --snapshots -n --top --once
    -o --output --format"

_conf_render_lsan="LSAN_OPTIONS=suppressions=$LI_TOP/tests/lsan/render.supp:print_suppressions=0"

# A snapshot directory, a layout and tick lines with a bad one, made once.
_conf_render_files() {
	[ -d conf-render-snap ] && return 0
	mkdir -p conf-render-snap
	printf '%s\n' 'BranchName,TotalRevenue' 'Hebbal,1000' 'Yelahanka,300' \
	    'Indiranagar,700' >conf-render-snap/branch_sales.csv
	printf '%s\n' 'row' \
	    'hbar file=branch_sales.csv label=BranchName value=TotalRevenue' \
	    >conf-render.layout
	printf '%s\n' 'tick,time,rows,rejected,lag_s' \
	    '1,2026-11-23T10:41:07Z,10,0,0.5' 'not,a,tick' >conf-render.ticks
}

# render dash over the files, from the ticks, with options "$@".
_conf_render_dash() {
	LC_ALL=C render dash --layout conf-render.layout \
	    --ticks conf-render.ticks -w 80 -H 8 --color=never "$@" \
	    >conf.out 2>conf.err
}

conf_render_flag() {
	_conf_render_files
	case $1 in
	-h|--help)
		render "$1" >conf.out 2>conf.err
		check "render $1: exit 0" test $? -eq 0
		check_grep "render $1: Usage: on stdout" '^Usage: render ' conf.out
		check_fail "render $1 >/dev/full: exit 1" 1 \
		    --msg "^render: write error" sh -c "render $1 >/dev/full" ;;
	--version)
		check_fail "render --version: render X.Y.Z" 0 \
		    --msg '^render [0-9]+\.[0-9]+\.[0-9]+$' render --version ;;
	-q)
		# The plain run warns about the line that is not a tick.
		_conf_render_dash -d conf-render-snap
		check_grep "render without -q: warns" \
		    "^render: conf-render.ticks:3: " conf.err
		_conf_render_dash -d conf-render-snap -q
		check "render -q: the warning is gone" test ! -s conf.err ;;
	-v)
		_conf_render_dash -d conf-render-snap -v
		check_grep "render -v: the frames drawn at exit" \
		    '^render: [0-9]+ frames$' conf.err ;;
	-d|--snapshots)
		LC_ALL=C render dash --layout conf-render.layout "$1" \
		    conf-render-snap --once -w 80 -H 8 >conf.out 2>conf.err
		check_grep "render $1 DIR: its panels read DIR" 'Yelahanka' \
		    conf.out ;;
	-n|--top)
		LC_ALL=C render hbar "$1" 2 --sort \
		    conf-render-snap/branch_sales.csv >conf.out 2>conf.err
		check "render $1 2: the first 2 bars" sh -c \
		    '[ "$(wc -l <conf.out)" -eq 2 ] && grep -q "^Hebbal" conf.out &&
		    ! grep -q Yelahanka conf.out' ;;
	--once)
		check "render --once: exit 0" render dash --once \
		    --layout conf-render.layout -d conf-render-snap -w 80 \
		    -H 8 --color=never
		LC_ALL=C render dash --layout conf-render.layout \
		    -d conf-render-snap --once -w 80 -H 8 >conf.out 2>conf.err
		check "render --once: one plain frame of 8 lines" sh -c \
		    '[ "$(wc -l <conf.out)" -eq 8 ] && ! grep -q "$(printf "\033")" conf.out' ;;
	-o|--output)
		# Pictures load fontconfig, whose configuration lives as long
		# as the process (tests/lsan/render.supp says why).
		check "render $1 FILE.png: exit 0" env "$_conf_render_lsan" \
		    render hbar "$1" conf.png conf-render-snap/branch_sales.csv
		check "render $1: the picture is a PNG of 800x500" sh -c \
		    '[ "$(pngcheck size conf.png)" = "800 500" ]' ;;
	--format)
		check "render --format svg -o FILE: exit 0" \
		    env "$_conf_render_lsan" render hbar --format svg \
		    -o conf.pic conf-render-snap/branch_sales.csv
		check "render --format svg: the picture is SVG" \
		    xmllint --noout conf.pic ;;
	*)
		skip "render $1" "not a render flag" ;;
	esac
}
