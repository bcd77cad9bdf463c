# sysheat's rows of the conformance matrix (tests/e2e/conformance.sh
# sources this after tests/lib.sh, in a scratch directory, with build/bin
# on PATH).  conf_sysheat_flag FLAG runs one test that FLAG means in
# sysheat what docs/conventions.md says it means.

CONF_TOOL=sysheat
CONF_ARGS_OK="-n 1 -i 10ms"
CONF_FLAGS="-h -q -v -o -n -i --format"

conf_sysheat_flag() {
	case $1 in
	-h)
		check "sysheat -h prints the help on stdout" \
		    sh -c 'sysheat -h | head -n 1 | grep -q "^Usage: sysheat"'
		;;
	-q)
		# A malformed /proc/stat is a warning; -q silences it.
		mkdir -p cs_proc/net
		printf 'cpu  x\n' > cs_proc/stat
		printf 'MemTotal: 1000 kB\nMemAvailable: 250 kB\n' > cs_proc/meminfo
		printf 'h\nh\n' > cs_proc/net/dev
		SYSHEAT_PROC=$PWD/cs_proc timeout 20 sysheat -n 1 -i 10ms \
		    >/dev/null 2>cs_q.plain
		SYSHEAT_PROC=$PWD/cs_proc timeout 20 sysheat -q -n 1 -i 10ms \
		    >/dev/null 2>cs_q.quiet
		check "sysheat -q silences the warning a plain run prints" \
		    sh -c 'grep -q "malformed line" cs_q.plain &&
		    test ! -s cs_q.quiet'
		;;
	-v)
		timeout 20 sysheat -v -n 2 -i 10ms >/dev/null 2>cs_v.err
		check_grep "sysheat -v adds a summary" \
		    '^sysheat: 2 samples, [0-9]+ late ticks? skipped$' cs_v.err
		;;
	-o)
		timeout 20 sysheat -n 1 -i 10ms -o cs.csv >cs_o.stdout
		check "sysheat -o writes the sample there, not to stdout" \
		    sh -c 'test "$(wc -l < cs.csv)" -eq 2 && test ! -s cs_o.stdout'
		;;
	-n)
		check "sysheat -n 3 writes 3 samples after the header" \
		    test "$(timeout 20 sysheat -n 3 -i 10ms | wc -l)" -eq 4
		;;
	-i)
		# The first sample comes one interval after the start, the
		# next ones an interval apart: 3 at 150ms take 450 ms at least.
		t0=$(date +%s%N)
		timeout 20 sysheat -n 3 -i 150ms >/dev/null
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		check "sysheat -i 150ms: 3 samples in $ms ms (>= 440)" \
		    test "$ms" -ge 440
		;;
	--format)
		check "sysheat --format json writes JSON lines" \
		    sh -c 'timeout 20 sysheat -n 1 -i 10ms --format json |
		    grep -q "^{\"time\":\""'
		;;
	*)
		skip "sysheat $1" "no test for this flag"
		;;
	esac
}
