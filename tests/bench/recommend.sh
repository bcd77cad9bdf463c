#!/bin/sh
# recommend against a straightforward NumPy ALS (tests/bench/recommend_ref.py)
# on a MovieLens-100k-shaped data set: 943 users x 1682 items, 100,000
# ratings 1-5 from a planted rank-10 structure with noise, skewed towards
# popular users and items, split 80/20 by the generator.  Both train
# explicit ALS-WR at rank 10 for 10 iterations with lambda 0.1 from the same
# initial factors on the same split and report test RMSE.
#
# Figures: time per iteration (as each program measures its own training
# loop), whole-process time (parse + train + evaluate, wall clock), both as
# the median and the best of RUNS runs, and test RMSE.  RUNS (default 5)
# and THREADS (default 2) may be set in the environment.
LC_ALL=C; export LC_ALL
set -eu
RUNS=${RUNS:-5}
THREADS=${THREADS:-2}
PY=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/recommend-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

recommend gen ratings --g-users 943 --g-items 1682 --g-count 100000 \
    --g-rank 10 --g-mu 3.5 --g-sigma 0.9 --g-clip --g-skew 1 \
    --g-test-out test.csv --test-fraction 0.2 --seed 7 train.csv
echo "data: $(($(wc -l < train.csv) - 1)) training and $(($(wc -l < \
    test.csv) - 1)) test ratings, 943 x 1682, ratings 1-5"

now_ms() { date +%s%N | awk '{ printf "%.3f", $1 / 1e6 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
best() { sort -n | head -n 1; }

# recommend: RUNS whole runs; the per-iteration time comes from -v.
run_c() {	# threads
	: > c_wall.txt
	: > c_iter.txt
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now_ms)
		recommend eval --ratings train.csv --test test.csv --rank 10 \
		    --iters 10 --lambda 0.1 --seed 1 --threads "$1" -v > c_out.csv \
		    2> c_err.txt
		t1=$(now_ms)
		echo "$t1 $t0" | awk '{ printf "%.1f\n", $1 - $2 }' >> c_wall.txt
		sed -n 's/.*(\([0-9.]*\) ms per iteration.*/\1/p' c_err.txt \
		    >> c_iter.txt
		i=$((i + 1))
	done
	c_wall=$(median < c_wall.txt)
	c_iter=$(median < c_iter.txt)
	c_iter_best=$(best < c_iter.txt)
	c_wall_best=$(best < c_wall.txt)
	c_rmse=$(awk -F, '$1 == "rmse" { print $2 }' c_out.csv)
}

run_c "$THREADS"
cN_wall=$c_wall cN_iter=$c_iter cN_rmse=$c_rmse
cN_iter_best=$c_iter_best cN_wall_best=$c_wall_best
run_c 1
c1_wall=$c_wall c1_iter=$c_iter c1_rmse=$c_rmse
c1_iter_best=$c_iter_best c1_wall_best=$c_wall_best
# The portable kernel (what a CPU without AVX-512 runs), when auto picked
# another one.
kname=$(sed -n 's/.*threads, \([a-z0-9]*\) kernel).*/\1/p' c_err.txt)
if [ "$kname" != vector ]; then
	RECOMMEND_KERNEL=vector; export RECOMMEND_KERNEL
	run_c "$THREADS"
	unset RECOMMEND_KERNEL
	cv_wall=$c_wall cv_iter=$c_iter cv_rmse=$c_rmse
	cv_iter_best=$c_iter_best cv_wall_best=$c_wall_best
fi

if $PY -c 'import numpy' 2>/dev/null; then
	: > py_wall.txt
	: > py_iter.txt
	i=0
	while [ $i -lt 3 ]; do
		t0=$(now_ms)
		$PY "$here/recommend_ref.py" train.csv test.csv --rank 10 \
		    --iters 10 --lambda 0.1 --seed 1 > py_out.txt
		t1=$(now_ms)
		echo "$t1 $t0" | awk '{ printf "%.1f\n", $1 - $2 }' >> py_wall.txt
		sed -n 's/.*per_iter_ms=\([0-9.]*\).*/\1/p' py_out.txt >> py_iter.txt
		i=$((i + 1))
	done
	py_wall=$(median < py_wall.txt)
	py_iter=$(median < py_iter.txt)
	py_iter_best=$(best < py_iter.txt)
	py_wall_best=$(best < py_wall.txt)
	py_rmse=$(sed -n 's/.*rmse=\([0-9.]*\).*/\1/p' py_out.txt)
else
	echo "bench: $PY has no numpy; the NumPy reference is left out" >&2
	py_wall= py_iter= py_rmse=
fi

printf '\n%-24s %16s %18s %10s\n' "" "ms/iteration" "whole run, ms" ""
printf '%-24s %8s %7s %9s %8s %10s\n' "program" "median" "best" "median" \
    "best" "test RMSE"
printf '%-24s %8s %7s %9s %8s %10s\n' "recommend, $THREADS threads" \
    "$cN_iter" "$cN_iter_best" "$cN_wall" "$cN_wall_best" "$cN_rmse"
printf '%-24s %8s %7s %9s %8s %10s\n' "recommend, 1 thread" "$c1_iter" \
    "$c1_iter_best" "$c1_wall" "$c1_wall_best" "$c1_rmse"
[ "$kname" != vector ] && printf '%-24s %8s %7s %9s %8s %10s\n' \
    "  portable kernel, $THREADS thr" "$cv_iter" "$cv_iter_best" "$cv_wall" \
    "$cv_wall_best" "$cv_rmse"
[ -n "$py_iter" ] && printf '%-24s %8s %7s %9s %8s %10s\n' \
    "NumPy ALS (reference)" "$py_iter" "$py_iter_best" "$py_wall" \
    "$py_wall_best" "$py_rmse"
echo
if [ -n "$py_iter" ]; then
	awk -v a="$py_iter" -v b="$cN_iter" -v c="$py_wall" -v d="$cN_wall" \
	    -v r1="$cN_rmse" -v r2="$py_rmse" 'BEGIN {
		printf "per iteration: recommend %.1fx faster than NumPy\n", a / b
		printf "whole run:     recommend %.1fx faster than NumPy\n", c / d
		e = r1 - r2; if (e < 0) e = -e
		printf "RMSE difference: %.6f (%s 0.005)\n", e,
		    e <= 0.005 ? "within" : "NOT within"
	}'
fi
echo "kernel: $kname; machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1 \
    /proc/loadavg 2>/dev/null); runs: $RUNS (NumPy: 3)"
