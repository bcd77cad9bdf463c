#!/bin/sh
# Every man page passes mandoc -Tlint, and every tool has one.
. "$LI_TOP/tests/lib.sh"
for m in "$LI_TOP"/man/*.[1-8]; do
	[ -f "$m" ] || continue
	check "mandoc -Tlint ${m##*/}" mandoc -Tlint -W warning "$m"
done
for t in "$LI_BUILD"/bin/*; do
	[ -x "$t" ] || continue
	n=${t##*/}
	check "$n has a man page" test -f "$LI_TOP/man/$n.1"
	check "$n --version" sh -c "'$t' --version | grep -Eq '^$n [0-9]+\.[0-9]+\.[0-9]+\$'"
	check "$n --help exits 0 on stdout" sh -c "'$t' --help | grep -q 'Usage'"
	check_fail "$n with a bad option exits 2" 2 "$t" --no-such-option
done
done_testing
