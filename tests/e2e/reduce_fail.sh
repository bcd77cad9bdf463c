#!/bin/sh
# reduce on its failure paths: a stray quote costs one line (CSV resync),
# a rejects file gone at resume, the same state merged twice, inputs that
# are not regular files.
. "$LI_TOP/tests/lib.sh"

# ---- CSV resync ------------------------------------------------------------
SPEC='x.csv: B -> n=count(), s=sum(A)'
printf 'A,B\n"x,1\n2,y\n3,z\n4,"w"\n5,v\n' >stray.csv
reduce --no-sync -a "$SPEC" -o s1 --rejects s1.rej stray.csv >s1.out 2>s1.err
printf 'B,n,s\nv,1,5.00\nw,1,4.00\ny,1,2.00\nz,1,3.00\n' >want
check_same "stray quote: every valid row after it is counted" want s1/x.csv
printf 'line,reason,row\n2,unterminated quoted field,"""x,1"\n' >want
check_same "stray quote: line 2 alone is rejected" want s1.rej
printf '%s\n' 'reduce: stray.csv:2: unterminated quoted field' \
    'reduce: stray.csv: 1 row rejected' >want
check_same "stray quote: stderr names the line" want s1.err
check_grep "stray quote: tick line, 4 rows and 1 reject" '^1,[^,]*,4,1,' s1.out

# No later quote at all: 1,000 rows after it.
{ printf 'A,B\n"x,1\n'; seq 1 1000 | sed 's/$/,v/'; } >open.csv
reduce --no-sync -q -a "$SPEC" -o s2 open.csv >s2.out
printf 'B,n,s\nv,1000,500500.00\n' >want
check_same "unclosed quote: the 1,000 rows after it are counted" want s2/x.csv

# A quoted line break that closes consistently is one row; one that closes
# with another field count than the header's is cut back to its line.
printf 'A,B\n"1",y\n"2","multi\nline"\n3,"open\n4,w\n5,"x"\n6,u\n7,"p\nq",r\n' >ml.csv
reduce --no-sync -a "$SPEC" -o s3 --rejects s3.rej ml.csv >/dev/null 2>s3.err
printf 'B,n,s\n"multi\nline",1,2.00\nu,1,6.00\nw,1,4.00\nx,1,5.00\ny,1,1.00\n' >want
check_same "multi-line field: read as one row; stray quotes cut back" want s3/x.csv
printf '%s\n' 'line,reason,row' '5,unterminated quoted field,"3,""open"' \
    '9,unterminated quoted field,"7,""p"' '10,malformed quoted field,"q"",r"' >want
check_same "multi-line field: the rejects, one line each" want s3.rej

# A multi-line row rejected for its content names its line range.
printf 'A,B\n"x\ny",b\n' >range.csv
reduce --no-sync -a "$SPEC" -o s4 --rejects s4.rej range.csv >/dev/null 2>s4.err
check_grep "a multi-line reject names its lines on stderr" \
    '^reduce: range.csv:2-3: bad number in A: "x\?y"$' s4.err
check_grep "... and in the rejects file" '^2-3,' s4.rej

# A record may span at most --max-record-lines lines (16 by default).
{ printf 'A,B\n1,"a\n'; seq 1 20 | sed 's/$/ line/'; printf 'end"\n7,ok\n'; } >long.csv
reduce --no-sync -q -a "$SPEC" -o s5 long.csv >/dev/null
check_grep "a quote open over 16 lines is cut back" '^ok,1,7.00$' s5/x.csv
reduce --no-sync -q --max-record-lines 0 -a "$SPEC" -o s6 long.csv >/dev/null
check "--max-record-lines 0: a 23-line field is one row" \
    test "$(tail -n 1 s6/x.csv)" = "ok,1,7.00" -a "$(grep -c . s6/x.csv)" -eq 24
check_fail "--max-record-lines -1: usage error" 2 \
    reduce --max-record-lines -1 -o s7 long.csv

# Following a file: a stray quote holds the rows after it back only until
# 15 more lines have come.
{ printf 'A,B\n"x,1\n'; seq 1 20 | sed 's/$/,v/'; } >f.csv
reduce --no-sync -q -f --tick 0.05 -a "$SPEC" -o s8 f.csv >s8.out &
fpid=$!
at_exit "kill $fpid 2>/dev/null"
check "follow: the rows after a stray quote come through" \
    wait_for 10 grep -q '^[0-9]*,[^,]*,20,1,' s8.out
kill $fpid

# ---- rejects file gone at resume -------------------------------------------
printf 'A,B\n1,x\n"2\n3,y\n' >r.csv
reduce --no-sync -q -a "$SPEC" --checkpoint r.ckpt --rejects r.rej -o r r.csv >/dev/null
rm r.rej
check_fail "rejects file removed: resume exits 0" 0 \
    reduce --no-sync -a "$SPEC" --checkpoint r.ckpt --rejects r.rej -o r r.csv
check_grep "... with a warning" 'r.rej: empty or missing at resume' .out
printf 'line,reason,row\n' >want
check_same "... and starts it again from its header, no NUL bytes" want r.rej
printf 'x\n' >r.rej
check_fail "rejects file shorter, not empty: exit 1" 1 \
    --msg '^reduce: r.rej: 2 bytes, shorter than the 16 at the checkpoint' \
    reduce --no-sync -a "$SPEC" --checkpoint r.ckpt --rejects r.rej -o r r.csv

# ---- the same state merged twice -------------------------------------------
printf 'A,B\n1,x\n2,y\n' >m1.csv
printf 'A,B\n3,x\n' >m2.csv
reduce --no-sync -q -a "$SPEC" --checkpoint d1/state.ckpt -o d1 m1.csv >/dev/null
reduce --no-sync -q -a "$SPEC" --checkpoint d2/state.ckpt -o d2 m2.csv >/dev/null
check "merge of two runs: exit 0" \
    reduce --no-sync -a "$SPEC" --merge -o all --checkpoint all.ckpt d1 d2
check_fail "merge: one checkpoint given twice: exit 2" 2 \
    --msg '^reduce: merge: d1/state.ckpt and d1/state.ckpt are the same checkpoint: its counts would be added twice$' \
    reduce --no-sync -a "$SPEC" --merge -o x d1/state.ckpt d1/state.ckpt
check_fail "merge: DIR and DIR/state.ckpt: exit 2" 2 \
    --msg '^reduce: merge: d1 \(d1/state.ckpt\) and d1/state.ckpt are the same checkpoint' \
    reduce --no-sync -a "$SPEC" --merge -o x d1 d2 d1/state.ckpt
ln -s d2/state.ckpt link.ckpt
check_fail "merge: a link to a checkpoint given beside it: exit 2" 2 \
    --msg 'd2 \(d2/state.ckpt\) and link.ckpt are the same checkpoint' \
    reduce --no-sync -a "$SPEC" --merge -o x d2 link.ckpt
cp d1/state.ckpt copy.ckpt
check_fail "merge: a copy of a checkpoint: exit 2, by its identity" 2 \
    --msg '^reduce: merge: d1 \(d1/state.ckpt\) and copy.ckpt hold the same state \(checkpoint id [0-9a-f]{32}\)' \
    reduce --no-sync -a "$SPEC" --merge -o x d1 copy.ckpt
check_fail "merge: a merged checkpoint beside one of its parts: exit 2" 2 \
    --msg '^reduce: merge: all.ckpt and d2 \(d2/state.ckpt\) hold the same state' \
    reduce --no-sync -a "$SPEC" --merge -o x all.ckpt d2
check "... and no snapshot was written" test ! -e x/x.csv
printf 'B,n,s\nx,2,4.00\ny,1,2.00\n' >want
check_same "the merged snapshot counts each row once" want all/x.csv
check_grep "a checkpoint carries its identity" '^id,[0-9a-f]{32}$' d1/state.ckpt
check "a resumed run keeps it" sh -c "grep '^id,' d1/state.ckpt >id.before &&
    reduce --no-sync -q -a '$SPEC' --checkpoint d1/state.ckpt -o d1 m1.csv >/dev/null &&
    grep '^id,' d1/state.ckpt | cmp -s - id.before"

# ---- inputs that are not regular files ------------------------------------
# Each is refused at once (timeout 5 would exit 124): a FIFO without a
# writer must not block the open, /dev/zero must not be read for ever.
mkfifo nowriter.fifo
printf 'x.csv: B -> n=count()\n' >ok.spec
t() { timeout -k 2 5 reduce --no-sync -q "$@"; }
check_fail "--spec FIFO: refused" 2 --msg '^reduce: nowriter.fifo: not a regular file$' \
    t -s nowriter.fifo -o b1 m1.csv
check_fail "--spec /dev/zero: refused" 2 --msg '^reduce: /dev/zero: not a regular file$' \
    t -s /dev/zero -o b1 m1.csv
check_fail "input /dev/zero: refused" 1 \
    --msg '^reduce: /dev/zero: not a regular file or a FIFO$' t -s ok.spec -o b1 /dev/zero
check_fail "input a directory: refused" 1 --msg '^reduce: d1: is a directory$' \
    t -s ok.spec -o b1 d1
check_fail "-f on a FIFO: refused" 1 \
    --msg '^reduce: nowriter.fifo: follow mode needs a regular file$' \
    t -f -s ok.spec -o b1 nowriter.fifo
check_fail "--checkpoint FIFO: refused" 1 --msg '^reduce: nowriter.fifo: not a regular file$' \
    t -s ok.spec --checkpoint nowriter.fifo -o b1 m1.csv
check_fail "--checkpoint /dev/zero: refused" 1 --msg '^reduce: /dev/zero: not a regular file$' \
    t -s ok.spec --checkpoint /dev/zero -o b1 m1.csv
check_fail "--merge of a FIFO: refused" 1 --msg '^reduce: nowriter.fifo: not a regular file$' \
    t -s ok.spec --merge -o b1 nowriter.fifo
check_fail "--merge of /dev/zero: refused" 1 --msg '^reduce: /dev/zero: not a regular file$' \
    t -s ok.spec --merge -o b1 /dev/zero
check_fail "--rejects FIFO without a reader: refused" 1 \
    --msg '^reduce: nowriter.fifo: not a regular file$' \
    t -s ok.spec --rejects nowriter.fifo -o b1 m1.csv
check_fail "--rejects /dev/zero: refused" 1 --msg '^reduce: /dev/zero: not a regular file$' \
    t -s ok.spec --rejects /dev/zero -o b1 m1.csv
check_fail "-o a FIFO: refused" 1 t -s ok.spec -o nowriter.fifo m1.csv
# A FIFO is a documented input: with a writer it is read.
printf 'A,B\n1,x\n' >fifo.data
reduce --no-sync -q -s ok.spec -o b2 nowriter.fifo >/dev/null &
rpid=$!
cat fifo.data >nowriter.fifo
wait $rpid
check "a FIFO input is read" test "$(cat b2/x.csv)" = "$(printf 'B,n\nx,1')"

# ---- files reduce creates follow the umask --------------------------------
(umask 077 && reduce --no-sync -q -s ok.spec --rejects um.rej -o um m1.csv >/dev/null)
check "rejects file: the umask decides (077: 0600)" \
    test "$(stat -c %a um.rej)" = 600
check "snapshot directory: the umask decides (077: 0700)" \
    test "$(stat -c %a um)" = 700
(umask 002 && reduce --no-sync -q -s ok.spec --rejects um2.rej -o um2 m1.csv >/dev/null)
check "rejects file: the umask decides (002: 0664)" \
    test "$(stat -c %a um2.rej)" = 664

done_testing
