#!/bin/sh
# render's rows of the conformance matrix (tests/conformance/render.sh),
# run on their own, and the options that changed in 0.2.0: each old
# spelling fails with exit 2 and names the new one.
. "$LI_TOP/tests/lib.sh"
. "$LI_TOP/tests/conformance/render.sh"
for f in $CONF_FLAGS; do conf_render_flag "$f"; done
check_fail "render: unknown option" 2 --msg "^render: unknown option '-Z'" render -Z
check_fail "render: missing value" 2 --msg "^render: option '-n' needs a value" render hbar -n
check_fail "render: retired --dir" 2 --msg "^render: option '--dir' is retired: use -d, --snapshots" render dash --dir x
check_fail "render: retired -t" 2 --msg "^render: option '-t' is retired: use --title" render hbar -t x
check_fail "render: retired -s" 2 --msg "^render: option '-s' is retired: use --series" render line -s x
check "render: a minimal run" sh -c "render $CONF_ARGS_OK >/dev/null"
done_testing
