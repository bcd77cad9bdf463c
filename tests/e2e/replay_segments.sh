#!/bin/sh
# replay --synth=invoices --segments: shared tastes among customers (the
# structure recommend learns), deterministic, and checked like any option.
. "$LI_TOP/tests/lib.sh"
replay --synth=invoices --invoices 500 > default.txt
replay --synth=invoices --invoices 500 --segments 8 > eight.txt
replay --synth=invoices --invoices 500 --segments 0 > none.txt
check_same "the default is 8 segments" default.txt eight.txt
check "--segments 0 gives other purchases" sh -c '! cmp -s none.txt eight.txt'
check "same customers either way" sh -c \
	'cut -d" " -f1-3 none.txt > a; cut -d" " -f1-3 eight.txt > b; cmp -s a b'
check_fail "--segments x is a usage error" 2 \
    --msg "^replay: --segments: 'x' is not a count" \
    replay --synth=invoices --segments x
check_fail "--segments needs --synth=invoices" 2 replay --synth --segments 4
done_testing
