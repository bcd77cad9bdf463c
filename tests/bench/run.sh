#!/bin/sh
# Runs the benchmarks: every tests/bench/*.sh, or only those named as
# arguments (make bench BENCH="reduce render").  Each prints its own table
# of measured figures and ratios to the peers it is compared with.
LC_ALL=C; export LC_ALL
B=${B:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$top" && cd "$B" && pwd) || { echo "bench: build first" >&2; exit 1; }
PATH=$B/bin:$B/tests:$PATH; export PATH
LI_TOP=$top; LI_BUILD=$B; export LI_TOP LI_BUILD
rc=0
if [ $# -gt 0 ]; then
	set -- $(for n in "$@"; do echo "$top/tests/bench/$n.sh"; done)
else
	set -- "$top"/tests/bench/*.sh
fi
for b in "$@"; do
	case ${b##*/} in run.sh|lib.sh) continue ;; esac
	[ -f "$b" ] || { echo "bench: no such benchmark: $b" >&2; rc=1; continue; }
	n=${b##*/}
	echo "=== ${n%.sh}"
	sh "$b" || { echo "bench: ${n%.sh} failed" >&2; rc=1; }
	echo
done
exit $rc
