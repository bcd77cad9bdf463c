#!/bin/sh
# recommend end to end: every input format, every command and output
# layout, determinism across thread counts, ranking quality against the
# most-popular baseline, and clear errors for bad input and damaged models.
. "$LI_TOP/tests/lib.sh"

R=recommend
USAGE_TAIL="Try 'recommend --help'."

# ---- test data -----------------------------------------------------------
$R gen invoices --g-bson --g-count 4000 --g-customers 200 --g-segments 8 \
    --seed 3 inv.bson
$R gen invoices --g-count 4000 --g-customers 200 --g-segments 8 \
    --seed 3 inv.jsonl
$R gen invoices --g-till-json --g-count 4000 --g-customers 200 \
    --g-segments 8 --seed 3 till.jsonl
$R gen ratings --g-users 200 --g-items 150 --g-count 6000 --g-mu 3 \
    --g-sigma 0.2 --seed 5 ratings.csv

# ---- train: every input format ------------------------------------------
check "train from a BSON archive" $R train --archive inv.bson --implicit \
    -m bson.bin
check "train from JSON lines" $R train --json inv.jsonl --implicit -m json.bin
check_same "BSON archive and JSON lines give the same model" bson.bin json.bin
check "train from the till's JSON (Items as a list)" \
    $R train --json till.jsonl --implicit -m till.bin
check_same "the till's JSON gives the same model" bson.bin till.bin
check "train from BSON on stdin" sh -c "$R train --archive - --implicit \
    -m stdin.bin < inv.bson"
check_same "stdin gives the same model" bson.bin stdin.bin
check "train from CSV ratings" $R train --ratings ratings.csv -m csv.bin

# Semicolon-separated, columns by name in another order.
awk -F, 'NR == 1 { print "rating;item;customer"; next }
    { print $3 ";" $2 ";" $1 }' ratings.csv > named.csv
check "train from CSV with named columns" $R train --ratings named.csv \
    --delimiter ';' --user customer --item item --rating rating -m named.bin
check_same "named columns give the same model" csv.bin named.bin
tail -n +2 ratings.csv | tr , '\t' > ratings.tsv
check "train from headerless TSV" $R train --ratings ratings.tsv --delimiter tab \
    -m tsv.bin
check_same "headerless TSV gives the same model" csv.bin tsv.bin

# ---- determinism -----------------------------------------------------------
check "train with 1 thread" $R train --archive inv.bson --implicit --threads 1 \
    -m t1.bin
check "train with 3 threads" $R train --archive inv.bson --implicit --threads 3 \
    -m t3.bin
check_same "the model bytes do not depend on the thread count" t1.bin t3.bin
check "train explicit with 1 and 2 threads" sh -c "$R train --ratings \
    ratings.csv --threads 1 -m e1.bin && $R train --ratings ratings.csv --threads 2 \
    -m e2.bin"
check_same "explicit model bytes do not depend on the thread count" \
    e1.bin e2.bin
$R train --ratings ratings.csv --seed 2 -m seed2.bin
check "another seed gives another model" sh -c "! cmp -s csv.bin seed2.bin"

# ---- top -------------------------------------------------------------------
$R top -m bson.bin -n 5 > top.csv
check_grep "top: long header" '^customer,rank,item,score$' top.csv
users=$($R top -m bson.bin -n 5 --wide | tail -n +2 | wc -l)
check "top: five rows per customer" test "$(tail -n +2 top.csv | wc -l)" \
    -eq $((users * 5))
$R top -m bson.bin -n 3 --wide > wide.csv
check_grep "top --wide: the original's header" \
    '^FirstName,LastName,PhoneNumber,recommended_item_1,recommended_item_2,recommended_item_3$' \
    wide.csv
check_grep "top --wide: names and phone" '^[A-Z][a-z]+,[A-Z][a-z]+,[6-9][0-9]{9},[a-z]+,[a-z]+,[a-z]+$' \
    wide.csv
phone=$(sed -n 2p wide.csv | cut -d, -f3)
$R top -m bson.bin -n 2 --user "$phone" > one.csv
check "top --user: one customer" test "$(cut -d, -f1 one.csv | sort -u |
    tr '\n' ' ')" = "$phone customer "

# Already-bought items are excluded unless --include-owned.
$R top -m csv.bin -n 5 | tail -n +2 | awk -F, '{ print $1 "," $3 }' > rec.pairs
tail -n +2 ratings.csv | cut -d, -f1,2 | sort > own.pairs
sort rec.pairs > rec.sorted
check "top: no already-bought item" test "$(comm -12 own.pairs rec.sorted |
    wc -l)" -eq 0
$R top -m csv.bin -n 5 --include-owned | tail -n +2 |
    awk -F, '{ print $1 "," $3 }' | sort > inc.sorted
check "top --include-owned: bought items come back" test \
    "$(comm -12 own.pairs inc.sorted | wc -l)" -gt 0

check_fail "top: an unknown customer exits 1" 1 $R top -m bson.bin \
    --user 0000000000
check_grep "top: an unknown customer is named" \
    "^recommend: user '0000000000': not in the model$" "$WORK/.out"

# ---- similar ---------------------------------------------------------------
$R similar -m bson.bin -n 4 pizza > sim.csv
check_grep "similar: header" '^item,rank,similar,cosine$' sim.csv
check "similar: four rows" test "$(wc -l < sim.csv)" -eq 5
check_grep "similar: cosine in [-1, 1]" '^pizza,1,[a-z]+,(0\.[0-9]+|1\.0+)$' \
    sim.csv
check_fail "similar: unknown item exits 1" 1 $R similar -m bson.bin caviar
check_grep "similar: unknown item is named" \
    "^recommend: item 'caviar': not in the model$" "$WORK/.out"

# ---- eval ------------------------------------------------------------------
metric() { awk -F, -v m="$1" -v c="$2" '$1 == m { print $c }' "$3"; }
$R eval --archive inv.bson --implicit --lambda 1 > ev.csv
check_grep "eval: header" '^metric,model,popular$' ev.csv
for m in precision@10 recall@10 map@10 ndcg@10; do
	check "eval: implicit $m beats the most-popular baseline" awk \
	    "BEGIN { exit !($(metric $m 2 ev.csv) > $(metric $m 3 ev.csv)) }"
done
check "eval: implicit MAP@10 at least 1.5x the baseline's" awk \
    "BEGIN { exit !($(metric map@10 2 ev.csv) > 1.5 * $(metric map@10 3 ev.csv)) }"
$R eval --ratings ratings.csv --test-fraction 0.5 > half.csv
check "eval: train + test ratings are all the pairs" test \
    "$(( $(metric train_ratings 2 half.csv) + $(metric test_ratings 2 half.csv) ))" \
    -eq 6000
check "eval: about half held out" test "$(metric test_ratings 2 half.csv)" \
    -gt 2800 -a "$(metric test_ratings 2 half.csv)" -lt 3200
$R eval --archive inv.bson --implicit --lambda 1 --threads 1 > ev1.csv
check_same "eval: the same figures with 1 thread" ev.csv ev1.csv

# Explicit ratings: RMSE near the planted noise (0.2).
$R gen ratings --g-users 300 --g-items 200 --g-count 24000 \
    --g-sigma 0.2 --g-test-out test.csv --test-fraction 0.2 --seed 9 \
    train.csv
$R eval --ratings train.csv --test test.csv --rank 3 --lambda 0.01 \
    --iters 20 > ex.csv
check "eval --test: RMSE within 10 % of the noise" awk \
    "BEGIN { exit !($(metric rmse 2 ex.csv) < 0.22) }"
check_grep "eval --test: MAE reported" '^mae,0\.1[0-9]+,$' ex.csv
check_grep "eval --test: test ratings counted" "^test_ratings,$(($(wc -l < \
    test.csv) - 1)),\$" ex.csv

# Cold start: a test row with an unknown customer and one with an unknown item.
printf 'nobody,i1,3\nu1,nothing,3\n' >> test.csv
$R eval --ratings train.csv --test test.csv --rank 3 > cold.csv
check_grep "cold start: dropped rows counted" '^cold_start_dropped,2,$' cold.csv
check_grep "cold start drop: RMSE still a number" '^rmse,[0-9]' cold.csv
$R eval --ratings train.csv --test test.csv --rank 3 --cold-start nan > nan.csv
check_grep "cold start nan: counted" '^cold_start_rows,2,$' nan.csv
check_grep "cold start nan: RMSE is NaN" '^rmse,nan,$' nan.csv

# A saved model evaluated later.
$R train --ratings train.csv --rank 3 -m saved.bin
$R eval -m saved.bin --test test.csv --test-format csv > saved.csv
check_same "eval -m --test matches training in place" cold.csv saved.csv

# Non-negative and count aggregation run and evaluate.
check "eval --nonnegative" sh -c "$R eval --archive inv.bson --implicit \
    --nonnegative > nn.csv"
check_grep "eval --nonnegative: metrics" '^ndcg@10,0\.[0-9]+,0\.[0-9]+$' nn.csv
check "eval --rating-agg count" $R eval --json inv.jsonl --rating-agg count \
    --implicit -k 5
check_grep "eval -k 5" '^precision@5,' "$WORK/.out"

# ---- bad input -------------------------------------------------------------
: > empty.csv
check_fail "empty input exits 1" 1 $R train --ratings empty.csv -m x.bin
check_same_text() { printf '%s\n' "$2" > want.txt; check_same "$1" want.txt "$WORK/.out"; }
check_same_text "empty input: message" "recommend: empty.csv: no ratings"
printf 'a,x,1\na,y,2\n' > single.csv
check_fail "a single user exits 1" 1 $R train --ratings single.csv -m x.bin
check_same_text "a single user: message" \
    "recommend: single.csv: only one user; ALS needs at least two"
printf 'user,item,rating\na,x,1\nb,y,lots\nc,z,2\n' > bad.csv
check_fail "a non-numeric rating exits 1" 1 $R train --ratings bad.csv -m x.bin
check_same_text "a non-numeric rating: place and reason" \
    "recommend: bad.csv:3: rating 'lots' is not a number"
check_fail "--max-rejects tolerates it" 0 $R train --ratings bad.csv \
    --max-rejects 1 -m ok.bin
check_same_text "--max-rejects warns and counts" "recommend: bad.csv:3: rating 'lots' is not a number
recommend: bad.csv: 1 records rejected"
check_fail "too many users exits 1" 1 $R train --ratings ratings.csv \
    --max-users 50 -m x.bin
check_grep "too many users: message" \
    '^recommend: ratings\.csv:[0-9]+: more than 50 users \(--max-users\)$' \
    "$WORK/.out"
head -c 1000 inv.bson > cut.bson
check_fail "a truncated archive exits 1" 1 $R train --archive cut.bson -m x.bin
check_grep "a truncated archive: message" \
    '^recommend: cut\.bson: document [0-9]+ at byte [0-9]+: truncated$' "$WORK/.out"
check_fail "not BSON exits 1" 1 $R train --archive ratings.csv -m x.bin
check_grep "not BSON: message" \
    '^recommend: ratings\.csv: document 1 at byte 0: bad length [0-9]+ \(not BSON, or corrupt\)$' \
    "$WORK/.out"
{ head -n 2 inv.jsonl; echo '{"PhoneNumber": '; } > badjson.jsonl
check_fail "bad JSON exits 1" 1 $R train --json badjson.jsonl -m x.bin
check_grep "bad JSON: line named" '^recommend: badjson\.jsonl:3: not a JSON document: ' \
    "$WORK/.out"
echo '{"FirstName":"A","Items":{"tea":1}}' > nophone.jsonl
check_fail "an invoice without PhoneNumber exits 1" 1 $R train --json \
    nophone.jsonl -m x.bin
check_same_text "an invoice without PhoneNumber: message" \
    "recommend: nophone.jsonl:1: no PhoneNumber"
check_fail "a missing input file exits 1" 1 $R train --archive none.bson -m x.bin
check_same_text "a missing input file: message" \
    "recommend: none.bson: No such file or directory"

check "failures leave no model and no temp file" sh -c "! ls x.bin* \
    2>/dev/null"

# ---- damaged models --------------------------------------------------------
size=$(wc -c < bson.bin)
head -c $((size - 10)) bson.bin > short.bin
check_fail "a truncated model exits 1" 1 $R top -m short.bin
check_same_text "a truncated model: message" \
    "recommend: short.bin: truncated: $((size - 10)) of $size bytes"
head -c 40 bson.bin > stub.bin
check_fail "a model cut inside its header exits 1" 1 $R top -m stub.bin
check_same_text "a model cut inside its header: message" \
    "recommend: stub.bin: truncated header (40 bytes)"
cp bson.bin flip.bin
printf 'X' | dd of=flip.bin bs=1 seek=500 conv=notrunc 2>/dev/null
check_fail "a corrupt model exits 1" 1 $R top -m flip.bin
check_same_text "a corrupt model: message" \
    "recommend: flip.bin: corrupt payload (checksum mismatch)"
cp bson.bin v2.bin
printf '\002' | dd of=v2.bin bs=1 seek=8 conv=notrunc 2>/dev/null
check_fail "a model of another version exits 1" 1 $R similar -m v2.bin pizza
check_same_text "a model of another version: message" \
    "recommend: v2.bin: model format version 2; this recommend reads version 1"
check_fail "not a model exits 1" 1 $R top -m ratings.csv
check_same_text "not a model: message" \
    "recommend: ratings.csv: not a recommend model (bad magic)"

# ---- usage and output ------------------------------------------------------
check_fail "no command exits 2" 2 $R
check_grep "no command: try --help" "^$USAGE_TAIL\$" "$WORK/.out"
check_fail "an unknown command exits 2" 2 $R fly
check_fail "train without -m exits 2" 2 $R train --ratings ratings.csv
check_same_text_head() { head -n 1 "$WORK/.out" > got.txt; printf '%s\n' "$2" > want.txt; check_same "$1" want.txt got.txt; }
check_same_text_head "train without -m: message" \
    "recommend: train: no model file (-m)"
check_fail "an option of another command exits 2" 2 $R train --wide \
    --ratings ratings.csv -m x.bin
check_same_text_head "an option of another command: message" \
    "recommend: option '--wide' does not apply to train"
check_fail "a bad rank exits 2" 2 $R train --ratings ratings.csv -m x.bin --rank 0
check_same_text_head "a bad rank: message" \
    "recommend: --rank: 0 is out of range (1 to 256)"
# ---- options retired in 0.2.0 ----------------------------------------------
for pair in -a:--alpha -d:--delimiter -i:--iters -l:--lambda -r:--rank \
    -s:--seed -t:--threads; do
	old=${pair%%:*} new=${pair#*:}
	check_fail "$old is retired for $new" 2 \
	    --msg "^recommend: option '$old' is retired: use $new\$" \
	    $R train --ratings ratings.csv -m x.bin $old 1
done
check "no model was written by a usage error" test ! -e x.bin
check_fail "-q and -v are levels: -qq is accepted" 0 $R top -m bson.bin -qq -n 1
$R train --ratings ratings.csv -m v.bin -v 2>v.err
check_grep "-v: counts and timings" '^recommend: train: [0-9]+ users' v.err
$R train --ratings ratings.csv -m v.bin 2>v.err
check "without -v: nothing on stderr" test ! -s v.err
check "-h is the help" sh -c "$R -h | head -n 1 | grep -q '^Usage: recommend train'"
check_fail "--help to a full disk exits 1" 1 sh -c "$R --help >/dev/full"
check_fail "--version to a full disk exits 1" 1 sh -c "$R --version >/dev/full"
check_fail "a bad --cold-start exits 2" 2 $R eval --ratings ratings.csv \
    --cold-start keep
check_fail "--no-header with a column name exits 2" 2 $R train --ratings \
    ratings.tsv --delimiter tab --no-header --user customer -m x.bin
check_same_text_head "--no-header with a column name: message" \
    "recommend: --no-header: column 'customer' must be a position"
check_fail "two inputs exit 2" 2 $R train --ratings ratings.csv --json \
    inv.jsonl -m x.bin
check_fail "a write error exits 1" 1 sh -c "$R top -m bson.bin > /dev/full"
check_grep "a write error: message" '^recommend: stdout: No space left on device$' \
    "$WORK/.out"
check "a closed pipe ends top quietly" sh -c "$R top -m bson.bin | head -n 1 \
    > /dev/null"

# ---- examples and the man page's pipelines --------------------------------
check "examples/recommend-demo.sh" sh "$LI_TOP/examples/recommend-demo.sh" \
    "$WORK/demo"
check_grep "the demo prints recommendations" '^FirstName,LastName,PhoneNumber,' \
    "$WORK/.out"
cp inv.bson invoices.bson
check "man: train && top --wide | render table" sh -c "$R train \
    --archive invoices.bson --implicit -m model.bin && $R top \
    -m model.bin -n 5 --wide | render table"
check "man: eval against the baseline" $R eval --archive invoices.bson \
    --implicit --lambda 1
awk -F, 'NR == 1 { print "customer;product;qty"; next }
    { print $1 ";" $2 ";" $3 }' ratings.csv > ratings-semi.csv
check "man: the original's Spark settings" $R eval --ratings \
    ratings-semi.csv --delimiter ';' --user customer --item product --rating qty \
    --rank 10 --iters 10 --lambda 0.01
cp inv.jsonl invoices.jsonl
check "man: train from JSON lines" $R train --json invoices.jsonl --implicit \
    -m model.bin
check "man: top for one customer" $R top -m model.bin --user 7432435622
check_grep "man: that customer is in the synthetic data" '^7432435622,1,' \
    "$WORK/.out"
check "man: similar items" $R similar -m model.bin -n 3 pizza

done_testing
