#!/bin/sh
# replay: synthesis, cleaning, CSV fidelity, pacing order, errors.
. "$LI_TOP/tests/lib.sh"

HDR='TransactionID,Timestamp,StoreName,BranchName,BranchID,TotalBranches,CustomerID,Category,Product,Quantity,UnitPrice,TotalAmount,Discount,FinalAmount,LoyaltyPoints,PaymentType'

# ---- synthesis ------------------------------------------------------------
replay --synth --rows 2000 --seed 7 > a.csv
replay --synth --rows 2000 --seed 7 > b.csv
replay --synth --rows 2000 --seed 8 > c.csv
check_same "same seed, same bytes" a.csv b.csv
check "another seed, other bytes" sh -c '! cmp -s a.csv c.csv'
check "--rows 2000 gives a header and 2000 rows" \
    test "$(wc -l < a.csv)" -eq 2001
echo "$HDR" > hdr.want
head -n 1 a.csv > hdr.got
check_same "the header comes first" hdr.want hdr.got
check "rows 0 is endless (-n stops it)" \
    test "$(replay --synth --rows 0 -n 3000 | wc -l)" -eq 3001
check "--count counts rows, not the header" \
    test "$(replay --synth -n 10 | wc -l)" -eq 11
check "--count 0 sends only the header" \
    test "$(replay --synth -n 0 | wc -l)" -eq 1
replay --synth --rows 4000 --weak-branch Yelahanka:0.1 > weak.csv
replay --synth --rows 4000 > norm.csv
wy=$(grep -c ',Yelahanka,' weak.csv) ny=$(grep -c ',Yelahanka,' norm.csv)
check "--weak-branch makes the branch sell less ($wy < $ny / 3)" \
    test "$wy" -lt $((ny / 3))
replay --synth --rows 4000 --hot-product 'Toothpaste:8' > hot.csv
ht=$(grep -c ',Toothpaste,' hot.csv) nt=$(grep -c ',Toothpaste,' norm.csv)
check "--hot-product makes the product sell more ($ht > 3 * $nt)" \
    test "$ht" -gt $((nt * 3))

replay --synth=invoices --invoices 250 --seed 3 > inv.txt
check "--invoices 250 gives 250 lines, no header" \
    test "$(wc -l < inv.txt)" -eq 250
check "invoices are First Last Phone items" \
    sh -c '! grep -Evq "^[A-Z][a-z]+ [A-Z][a-z]+ [0-9]{10} [a-z ]+(,[a-z ]+)*\$" inv.txt'
replay --synth invoices --invoices 250 --seed 3 > inv2.txt
check_same "--synth invoices (with a space) is the same" inv.txt inv2.txt
replay --synth=invoices --invoices 20 --format json > inv.json
check "--format json gives one object a line" \
    sh -c 'test "$(grep -c "^{\"FirstName\":.*\"Timestamp\":\"[0-9-]* [0-9:]*\"}\$" inv.json)" -eq 20'

# ---- cleaning -------------------------------------------------------------
replay --synth --rows 500 --dirty --empty-rows 7 > dirty.csv
check "--dirty writes DD-MM-YYYY HH:MM and 4.0" \
    grep -Eq '^1000001\.0,[0-9]{2}-[0-9]{2}-2024 [0-9]{2}:[0-9]{2},' dirty.csv
replay --clean --reject-empty rej.csv dirty.csv > clean.csv 2> clean.err
check "--clean exits 0" test $? -eq 0
echo "replay: 7 empty rows skipped" > err.want
check_same "--clean reports the empty rows on stderr" err.want clean.err
check "--clean keeps 500 rows" test "$(wc -l < clean.csv)" -eq 501
check "--clean leaves no .0 integers" \
    sh -c '! grep -Eq "(^|,)-?[0-9]+\.0(,|\$)" clean.csv'
check "--clean writes YYYY-MM-DD HH:MM:SS" \
    sh -c '! tail -n +2 clean.csv | grep -Evq "^[0-9]+,[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:00,"'
# The clean store with seconds dropped is what cleaning the dirty one gives.
replay --synth --rows 500 | sed -E 's/( [0-9]{2}:[0-9]{2}):[0-9]{2},/\1:00,/' \
    > clean.want
check_same "--clean of the dirty store = the clean store" clean.want clean.csv
printf ',,,,,,,,,,,,,,,\n%.0s' 1 2 3 4 5 6 7 > rej.want
check_same "--reject-empty writes the empty rows" rej.want rej.csv
replay --synth --rows 500 --dirty --empty-rows 7 --clean > clean2.csv 2>/dev/null
check_same "--synth --dirty --clean in one step is the same" clean.csv clean2.csv
check "-q silences the count" \
    sh -c 'test -z "$(replay -q --clean dirty.csv 2>&1 >/dev/null)"'
replay -v --clean dirty.csv 2> v.err > /dev/null
echo "replay: 500 rows sent, 7 empty rows skipped, 0 malformed records skipped, 0 unparsable timestamps" > v.want
check_same "-v ends with a summary" v.want v.err

# ---- CSV fidelity ---------------------------------------------------------
printf '%s\n' 'id,Timestamp,name,note' \
    '1,2024-01-01 10:00:00,"Basmati Rice, 5kg","say ""hi"""' \
    '2,2024-01-01 10:00:01,"two' 'lines",plain' \
    '3,2024-01-01 10:00:02,"a,b,""c""' '' 'd",' \
    '4,2024-01-01 10:00:03,x,"4.0"' > quoted.csv
replay quoted.csv > quoted.out
check_same "quoted fields survive byte for byte" quoted.csv quoted.out
replay --clean quoted.csv > quoted.clean
sed 's/,"4.0"$/,4/' quoted.csv > quoted.want
check_same "--clean re-quotes exactly what needs it" quoted.want quoted.clean
printf 'a,b\r\n1,"x\r\ny"\r\n2,z\r\n' > crlf.csv
printf 'a,b\n1,"x\r\ny"\n2,z\n' > crlf.want
replay crlf.csv > crlf.out
check_same "CRLF records end in LF, quoted CRLF kept" crlf.want crlf.out
printf '\357\273\277a,b\n1,2\n' > bom.csv
printf 'a,b\n1,2\n' > bom.want
replay bom.csv > bom.out
check_same "a UTF-8 BOM is dropped" bom.want bom.out

# ---- bad input ------------------------------------------------------------
printf 'a,b\n1,2\n3,"x"y\n4,5\n6,"open\n' > bad.csv
replay bad.csv > bad.out 2> bad.err
check "malformed records: exit 0" test $? -eq 0
printf 'a,b\n1,2\n4,5\n' > bad.want
check_same "malformed records are skipped, the stream goes on" bad.want bad.out
cat > bad.errwant <<'E'
replay: bad.csv:3: malformed quoted field
replay: bad.csv:5: input ends inside a quoted field
replay: 2 malformed records skipped
E
check_same "malformed records are reported with their line" bad.errwant bad.err
{ echo 'a,b'; i=0; while [ $i -lt 60 ]; do echo '1,"x"y'; i=$((i + 1)); done; \
  echo '2,3'; } > many.csv
replay many.csv > many.out 2> many.err
check "60 malformed records: 50 warnings, a note and the count" sh -c \
    'test "$(grep -c "^replay: many.csv:[0-9]*: malformed quoted field\$" many.err)" -eq 50 &&
     grep -q "^replay: further row warnings not shown (counted at the end)\$" many.err &&
     test "$(tail -n 1 many.err)" = "replay: 60 malformed records skipped" &&
     test "$(wc -l < many.err)" -eq 52'
printf 'a,b\n2,3\n' > many.want
check_same "... and the good row still goes" many.want many.out
{ echo 'a,b'; echo '1,2'; head -c 3000 /dev/zero | tr '\0' x; echo ',y'; \
  echo '3,4'; } > long.csv
replay --max-record 1024 long.csv > long.out 2> long.err
printf 'a,b\n1,2\n3,4\n' > long.want
check_same "an over-long record is skipped" long.want long.out
check_grep "an over-long record is reported" '^replay: long.csv:3: record too long$' long.err
replay --lines --max-record 1024 long.csv > longl.out 2> longl.err
check_grep "an over-long line is reported" '^replay: long.csv:3: line too long$' longl.err
printf 'x,y\n9,9\n' > other.csv
replay a.csv other.csv > mixed.out 2> mixed.err
check "a file with another header: exit 1" sh -c 'replay a.csv other.csv >/dev/null 2>&1; test $? -eq 1'
check_grep "a file with another header is named" \
    "^replay: other.csv: header differs from the first input's: file skipped\$" mixed.err
check_same "the rows before it are all sent" a.csv mixed.out
check_fail "an unreadable file exits 1" 1 replay nosuch.csv
replay nosuch.csv 2> nosuch.err
echo "replay: nosuch.csv: No such file or directory" > nosuch.want
check_same "an unreadable file is named" nosuch.want nosuch.err
check_fail "a full disk exits 1" 1 sh -c 'replay --synth --rows 20000 > /dev/full'
replay --synth --rows 2000 2> full.err > /dev/full
echo "replay: stdout: No space left on device" > full.want
check_same "a full disk is reported" full.want full.err
check_fail "an unknown option exits 2" 2 replay --no-such-option
replay --no-such-option 2> opt.err
check_grep "an unknown option is named" "^replay: unknown option '--no-such-option'\$" opt.err
check_grep "bad usage says Try 'replay --help'." "^Try 'replay --help'\.\$" opt.err
check_fail "--rate abc exits 2" 2 --msg "^replay: --rate: 'abc' is not a number" \
    replay --rate abc a.csv
check_fail "-r (retired) exits 2 naming --rate" 2 \
    --msg "^replay: option '-r' is retired: use --rate" replay -r 5 a.csv
check_fail "--kafka (retired) exits 2 naming -b" 2 \
    --msg "^replay: option '--kafka' is retired: use -b, --brokers" \
    replay --kafka 127.0.0.1:1 -t sales a.csv
check_fail "--rows -1 exits 2" 2 replay --synth --rows -1
check_fail "--seed x exits 2" 2 replay --synth --seed x
check_fail "--jitter 2 exits 2" 2 replay --rate 5 --jitter 2 a.csv
check_fail "--loop on stdin exits 2" 2 replay --loop
replay --loop 2> loop.err < /dev/null
check_grep "--loop on stdin says why" '^replay: --loop cannot repeat standard input$' loop.err
check "--help prints Usage on stdout" sh -c 'replay --help | grep -q "^Usage: replay"'
check "--version prints replay 0.2.0" sh -c 'test "$(replay --version)" = "replay 0.2.0"'

# ---- order, pace, loop, shuffle -------------------------------------------
head -n 31 a.csv > small.csv
replay --rate 300 small.csv > rate.out
check_same "--rate keeps every row in order" small.csv rate.out
replay --rate 300 --jitter 0.5 --seed 4 small.csv > jit.out
check_same "--jitter keeps every row in order" small.csv jit.out
replay --loop -n 75 small.csv > loop.out
{ cat small.csv; tail -n 30 small.csv; head -n 16 small.csv | tail -n 15; } \
    > loop.want
check_same "--loop repeats the rows, header once" loop.want loop.out
replay --shuffle --seed 5 a.csv > sh1.csv
replay --shuffle --seed 5 a.csv > sh2.csv
replay --shuffle --seed 6 a.csv > sh3.csv
check_same "--shuffle is the same for a seed" sh1.csv sh2.csv
check "--shuffle differs for another seed" sh -c '! cmp -s sh1.csv sh3.csv'
check "--shuffle changes the order" sh -c '! cmp -s a.csv sh1.csv'
head -n 1 sh1.csv > sh.hdr
check_same "--shuffle sends the header first" hdr.want sh.hdr
sort a.csv > a.sorted
sort sh1.csv > sh1.sorted
check_same "--shuffle is a permutation of the rows" a.sorted sh1.sorted
printf '%s\n' 'id,Timestamp' '1,2024-01-01 10:00:00' '2,garbage' \
    '3,2024-01-01 10:00:00' > ts.csv
replay --speedup 1000 ts.csv > ts.out 2> ts.err
check_same "--speedup sends a row with a bad timestamp too" ts.csv ts.out
cat > ts.want <<'E'
replay: ts.csv:3: unparsable timestamp 'garbage'
replay: 1 rows with unparsable timestamps
E
check_same "--speedup reports the bad timestamp" ts.want ts.err
check_fail "--speedup without the time column exits 1" 1 \
    replay --speedup 10 --time-col When ts.csv
replay --speedup 10 --time-col When ts.csv 2> tc.err > /dev/null
check_grep "--speedup names the missing column" "^replay: ts.csv: no column 'When' in the header\$" tc.err
replay --lines inv.txt > lines.out
check_same "--lines passes lines through" inv.txt lines.out
printf 'say "hi\nnext\n' > q.txt
replay --lines q.txt > q.out
check_same "--lines ignores CSV quoting" q.txt q.out

# ---- polite streaming ---------------------------------------------------------
{ replay --synth --rows 0; echo $? > pipe.st; } | head -n 5 > /dev/null
check "the reader going away exits 0" test "$(cat pipe.st)" -eq 0
replay --synth --rows 0 --rate 200 > term.out 2> term.err &
pid=$!
wait_for 10 test -s term.out
kill -TERM $pid
wait $pid
check "SIGTERM exits 0" test $? -eq 0
check "SIGTERM leaves whole rows" sh -c 'test "$(tail -c 1 term.out | od -An -c | tr -d " ")" = "\\n"'
check "SIGTERM says nothing" test ! -s term.err

# ---- the man page's examples ------------------------------------------------
replay --synth --dirty --empty-rows 100 --rows 1000 > dirty.csv
replay --clean --reject-empty empty.csv dirty.csv > clean.csv 2>/dev/null
check "example: dirty then clean" sh -c \
    'test "$(wc -l < clean.csv)" -eq 1001 && test "$(wc -l < empty.csv)" -eq 100'
check "example: a month by event time" sh -c \
    'test "$(replay --synth --speedup 86400 --count 100 | wc -l)" -eq 101'
if command -v reduce > /dev/null 2>&1; then
	check "example: replay | reduce" sh -c \
	    'replay --synth --rows 1000 --rate 500 | reduce -o snap >/dev/null'
	check "example: reduce counted 1000 transactions" sh -c \
	    'awk -F, "NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"Transactions\") c = i }
	    NR == 2 { exit \$c != 1000 }" snap/kpis.csv'
else
	# Only the replay half until reduce is merged.
	check "example: replay --synth --rows 1000 --rate 500 (reduce not built)" \
	    sh -c 'test "$(replay --synth --rows 1000 --rate 500 | wc -l)" -eq 1001'
fi
done_testing
