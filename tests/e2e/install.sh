#!/bin/sh
# make install honours PREFIX and DESTDIR and installs every tool and page;
# make uninstall removes them again.
. "$LI_TOP/tests/lib.sh"
root=$WORK/root
check "make install DESTDIR" make -s -C "$LI_TOP" B="$LI_BUILD" install \
	DESTDIR="$root" PREFIX=/usr
for t in "$LI_BUILD"/bin/*; do
	[ -x "$t" ] || continue
	n=${t##*/}
	check "$n installed executable" test -x "$root/usr/bin/$n"
	check "$n.1 installed" test -f "$root/usr/share/man/man1/$n.1"
done
check "liveinsight.7 installed" test -f "$root/usr/share/man/man7/liveinsight.7"
check "nothing outside DESTDIR/PREFIX" sh -c "cd '$root' && ! find . -type f | grep -v '^./usr/'"
check "make uninstall" make -s -C "$LI_TOP" B="$LI_BUILD" uninstall \
	DESTDIR="$root" PREFIX=/usr
check "uninstall leaves no files" sh -c "test -z \"\$(find '$root' -type f)\""
done_testing
