# recommend's rows of the conformance matrix (tests/e2e/conformance.sh
# sources this after tests/lib.sh, in a scratch directory, with build/bin
# and build/tests on PATH).  conf_recommend_flag FLAG runs the checks that
# FLAG means in recommend what docs/conventions.md says it means.

CONF_TOOL=recommend
# A minimal valid run: the test-data generator, ten ratings on stdout.
CONF_ARGS_OK="gen ratings --g-users 10 --g-items 10 --g-count 20"
# The shared flags recommend has (conventions.md's tables).
CONF_FLAGS="-h --help --version -q -v -n --count --seed"

# Ratings and a model, made once.
_conf_recommend_files() {
	[ -f conf-rec.bin ] && return 0
	recommend gen ratings --g-users 40 --g-items 30 --g-count 600 \
	    --g-mu 3 --seed 5 conf-rec.csv
	recommend train -q --ratings conf-rec.csv --iters 3 --threads 1 \
	    -m conf-rec.bin
}

conf_recommend_flag() {
	_conf_recommend_files
	case $1 in
	-h|--help)
		recommend "$1" >conf.out 2>conf.err
		check "recommend $1: exit 0" test $? -eq 0
		check_grep "recommend $1: Usage: on stdout" \
		    '^Usage: recommend train' conf.out
		check_fail "recommend $1 >/dev/full: exit 1" 1 \
		    --msg "^recommend: write error" \
		    sh -c "recommend $1 >/dev/full" ;;
	--version)
		check_fail "recommend --version: recommend X.Y.Z" 0 \
		    --msg '^recommend [0-9]+\.[0-9]+\.[0-9]+$' recommend --version ;;
	-q)
		# A tolerated bad record is warned; -q silences the warning.
		{ cat conf-rec.csv; echo 'u1,i1,many'; } >conf-rec-bad.csv
		recommend train --ratings conf-rec-bad.csv --max-rejects 1 \
		    --iters 1 -m conf-q.bin 2>conf.err
		check_grep "recommend without -q: warns about the record" \
		    '^recommend: conf-rec-bad.csv:[0-9]+: ' conf.err
		recommend train -q --ratings conf-rec-bad.csv --max-rejects 1 \
		    --iters 1 -m conf-q.bin 2>conf.err
		check "recommend -q: the warning is gone" test ! -s conf.err ;;
	-v)
		recommend train -v --ratings conf-rec.csv --iters 1 \
		    -m conf-v.bin 2>conf.err
		check_grep "recommend -v: counts and timings" \
		    '^recommend: train: 40 users, [0-9]+ items' conf.err ;;
	-n|--count)
		recommend top -m conf-rec.bin "$1" 2 >conf.out
		check "recommend top $1 2: two items a customer" test \
		    "$(tail -n +2 conf.out | cut -d, -f1 | sort | uniq -c |
		    awk '$1 != 2' | wc -l)" -eq 0
		check "recommend top $1 2: every customer" test \
		    "$(tail -n +2 conf.out | cut -d, -f1 | sort -u | wc -l)" \
		    -eq 40 ;;
	--seed)
		recommend train -q --ratings conf-rec.csv --iters 3 \
		    --threads 1 --seed 1 -m conf-s1.bin
		recommend train -q --ratings conf-rec.csv --iters 3 \
		    --threads 1 --seed 2 -m conf-s2.bin
		check "recommend --seed: the same seed, the same model" \
		    cmp -s conf-rec.bin conf-s1.bin
		check "recommend --seed: another seed, another model" \
		    sh -c '! cmp -s conf-s1.bin conf-s2.bin' ;;
	*)
		skip "recommend $1" "not a recommend flag" ;;
	esac
}
