#!/bin/sh
# The invoice examples: the whole loopback chain (examples/invoice-
# pipeline.sh) and the analyses over its archive, checked against an
# independent computation straight from the BSON (python3-bson) or, when
# that is missing, from the CSV dump with awk.
. "$LI_TOP/tests/lib.sh"

# As a user runs them after `./deps.sh && make` (issue 13): from another
# directory, with only the system's PATH (the scripts find the tree's
# build themselves), the commands of mqtt2kafka(1) and recommend(1) as
# written, and nothing on stderr.
mkdir user && cd user || exit 1
ln -s "$LI_TOP/examples" examples
userpath=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PATH=$userpath sh examples/invoice-pipeline.sh -n 3000 -o out \
    >pipeline.out 2>pipeline.err
rc=$?
check "invoice-pipeline.sh runs the chain (status $rc)" test $rc -eq 0
check "invoice-pipeline.sh: stderr is clean" test ! -s pipeline.err
[ -s pipeline.err ] && sed 's/^/# /' pipeline.err | head -n 20
check_grep "all 3000 in Kafka and in the archive" \
    '^Kafka topic invoices: 3000 records; archive: 3000 invoices$' pipeline.out
check_grep "tables printed" '^Top 10 customers by visits$' pipeline.out
check_grep "the date's invoices are counted" \
    '^[1-9][0-9]* invoices on [0-9]{4}-[0-9]{2}-[0-9]{2}$' pipeline.out
cp out/invoices.bson invoices.bson
PATH=$userpath sh examples/invoice-analyses.sh invoices.bson out2 \
    >analyses.out 2>analyses.err
rc=$?
check "invoice-analyses.sh as in the man page (status $rc)" test $rc -eq 0
check "invoice-analyses.sh: stderr is clean" test ! -s analyses.err
TMPDIR=$WORK PATH=$userpath sh examples/recommend-demo.sh >demo.out \
    2>demo.err
rc=$?
check "recommend-demo.sh runs (status $rc)" test $rc -eq 0
check "recommend-demo.sh: stderr is clean" test ! -s demo.err
check_grep "recommend-demo.sh recommends" '^FirstName,LastName,PhoneNumber,' \
    demo.out
cd "$WORK" || exit 1
a=$WORK/user/out/analyses
n=$(($(wc -l <"$a/invoices_on_date.csv") - 1))
check_grep "the count is the number of rows listed" \
    "^$n invoices on " user/pipeline.out
mkdir -p p && cp user/out/invoices.bson p/invoices.bson

if /usr/bin/python3 -c 'import bson' 2>/dev/null; then
	/usr/bin/python3 - "$WORK/p/invoices.bson" "$WORK/ind" <<'PY'
import sys, os, collections, bson
docs = list(bson.decode_file_iter(open(sys.argv[1], "rb")))
out = sys.argv[2]; os.makedirs(out, exist_ok=True)
visits = collections.Counter((d["PhoneNumber"], d["FirstName"], d["LastName"]) for d in docs)
days = collections.Counter(d["Date"] for d in docs)
months = collections.Counter(d["Date"][:7] for d in docs)
years = collections.Counter(d["Date"][:4] for d in docs)
def w(name, header, rows):
    with open(os.path.join(out, name), "w") as f:
        f.write(header + "\n")
        for r in rows: f.write(",".join(str(x) for x in r) + "\n")
w("top_customers.csv", "PhoneNumber,FirstName,LastName,Visits",
  [k + (v,) for k, v in sorted(visits.items(), key=lambda kv: (-kv[1], kv[0][0]))[:10]])
top = sorted(days.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
w("busiest_days.csv", "Date,Invoices", top)
w("per_month.csv", "Month,Invoices", sorted(months.items()))
w("per_year.csv", "Year,Invoices", sorted(years.items()))
w("on_date.txt", "InvoiceNo", [(x,) for x in sorted(d["InvoiceNo"] for d in docs if d["Date"] == top[0][0])])
PY
	src="python3-bson"
else
	mkdir -p "$WORK/ind"
	mqtt2kafka --dump "$WORK/p/invoices.bson" | tail -n +2 >"$WORK/all.csv"
	{ echo PhoneNumber,FirstName,LastName,Visits
	  awk -F, '{ print $5 "," $3 "," $4 }' "$WORK/all.csv" | sort | uniq -c |
	      awk '{ print $2 "," $1 }' | sort -t, -k4,4nr -k1,1 | head -n 10
	} >"$WORK/ind/top_customers.csv"
	{ echo Date,Invoices; cut -d, -f6 "$WORK/all.csv" | sort | uniq -c |
	      awk '{ print $2 "," $1 }' | sort -t, -k2,2nr -k1,1 | head -n 5
	} >"$WORK/ind/busiest_days.csv"
	{ echo Month,Invoices; cut -d, -f6 "$WORK/all.csv" | cut -c1-7 | sort |
	      uniq -c | awk '{ print $2 "," $1 }'; } >"$WORK/ind/per_month.csv"
	{ echo Year,Invoices; cut -d, -f6 "$WORK/all.csv" | cut -c1-4 | sort |
	      uniq -c | awk '{ print $2 "," $1 }'; } >"$WORK/ind/per_year.csv"
	d=$(sed -n '2s/,.*//p' "$WORK/ind/busiest_days.csv")
	{ echo InvoiceNo; awk -F, -v d="$d" '$6 == d { print $1 }' "$WORK/all.csv" |
	      sort; } >"$WORK/ind/on_date.txt"
	src="awk over the dump"
fi
echo "# independent computation: $src"
for f in top_customers busiest_days per_month per_year; do
	check_same "$f matches the independent computation" "$WORK/ind/$f.csv" "$a/$f.csv"
done
cut -d, -f1 "$a/invoices_on_date.csv" | { read -r h; echo "$h"; sort; } >"$WORK/on_date.txt"
check_same "invoices on the busiest date match" "$WORK/ind/on_date.txt" "$WORK/on_date.txt"
check "analyses on a given date" sh "$LI_TOP/examples/invoice-analyses.sh" \
    "$WORK/p/invoices.bson" "$WORK/a2" 2023-07-03
check "that date's invoices" test "$(tail -n +2 "$WORK/a2/invoices_on_date.csv" | cut -d, -f6 | sort -u)" = 2023-07-03
check_fail "analyses without arguments exits 2" 2 sh "$LI_TOP/examples/invoice-analyses.sh"
done_testing
