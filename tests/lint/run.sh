#!/bin/sh
# make lint: clang's static analyzer (scan-build) over a build of the whole
# tree (tools, lib, unit tests, helpers, fault-injection copies), and
# cppcheck over the sources.  Fails on any finding that
# tests/lint/suppressions does not list with a reason; see findings.py.
#   LINT_B      build directory (build-lint)
#   JOBS        parallel jobs (2)
#   SCAN_BUILD  scan-build-14, else scan-build
#   CPPCHECK    cppcheck
LC_ALL=C; export LC_ALL
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
L=${LINT_B:-build-lint}
JOBS=${JOBS:-2}
MAKE=${MAKE:-make}
if [ -z "$SCAN_BUILD" ]; then
	SCAN_BUILD=scan-build-14
	command -v "$SCAN_BUILD" >/dev/null 2>&1 || SCAN_BUILD=scan-build
fi
CPPCHECK=${CPPCHECK:-cppcheck}
for t in "$SCAN_BUILD" "$CPPCHECK" python3; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "lint: $t not found (make deps installs it)" >&2
		exit 1
	fi
done

rm -rf "$L"
mkdir -p "$L" || exit 1
start=$(date +%s)

# The analyzer sees every translation unit once, as the build compiles it;
# -O0 keeps the compiler's half of each step short.
if ! "$SCAN_BUILD" -plist -o "$L/scan" "$MAKE" -j"$JOBS" B="$L" CFLAGS=-O0 \
    all tests >"$L/scan-build.log" 2>&1; then
	tail -n 40 "$L/scan-build.log"
	echo "lint: the build under scan-build failed ($L/scan-build.log)" >&2
	exit 1
fi
mid=$(date +%s)

# cppcheck: warnings, portability and performance (its "style" class
# contradicts STYLE.md: declarations at the top of a block).  posix and
# bsd describe open/close, err(3) and friends; readdirCalled only
# recommends readdir_r, which glibc deprecates.
# shellcheck disable=SC2046
if ! "$CPPCHECK" -j"$JOBS" --quiet --std=c11 --library=posix --library=bsd \
    --enable=warning,portability,performance --suppress=readdirCalled \
    -D_GNU_SOURCE -DLI_VERSION='"lint"' -Ilib \
    --template='{file}|{line}|{id}|{message}' \
    lib alertd mqtt2kafka recommend reduce render replay sysheat \
    tests/unit tests/helpers tests/common tests/fault tests/fuzz \
    2>"$L/cppcheck.txt"; then
	cat "$L/cppcheck.txt" >&2
	echo "lint: cppcheck failed" >&2
	exit 1
fi
end=$(date +%s)

python3 tests/lint/findings.py "$L/scan" "$L/cppcheck.txt" \
    tests/lint/suppressions
rc=$?
echo "lint: scan-build $((mid - start))s, cppcheck $((end - mid))s"
exit $rc
