#!/bin/sh
# Every libFuzzer harness (tests/fuzz/) runs once over its committed seed
# corpus and the inputs of the bugs it found (tests/fuzz/regress/), under
# ASan+UBSan: no crash, leak or sanitizer report.  Needs clang with
# libFuzzer; skipped visibly without it.
. "$LI_TOP/tests/lib.sh"

names=$(cd "$LI_TOP/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')

printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\n%s\n' \
    'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' \
    >probe.c
if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1 ||
    ! "${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined -o probe \
    probe.c >/dev/null 2>&1; then
	for n in $names; do
		skip "$n over its corpus" "no clang with libFuzzer"
	done
	done_testing
	exit
fi

# The harnesses are built here (incrementally) so that `make check` runs
# them; the fuzz build does not depend on SANITIZE.
check "make fuzz" make -s -C "$LI_TOP" -j2 fuzz B="$LI_BUILD"

for n in $names; do
	t=${n#fuzz_}
	files=$(find "$LI_TOP/tests/fuzz/corpus/$t" \
	    "$LI_TOP/tests/fuzz/regress/$t" -type f 2>/dev/null | sort)
	if [ -z "$files" ]; then
		_notok "$n over its corpus" "no corpus in tests/fuzz/corpus/$t"
		continue
	fi
	# One run per file, then exit (files as arguments, not a corpus
	# directory, which would start fuzzing).
	# shellcheck disable=SC2086
	check "$n over its corpus ($(echo "$files" | wc -l) inputs)" \
	    "$LI_BUILD/fuzz/$n" $files
done

done_testing
