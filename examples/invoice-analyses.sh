#!/bin/sh
# The invoice analyses of the original project (its EDA), as pipelines of
# our tools over the invoice archive that mqtt2kafka --archive writes:
#   top 10 customers by visits, the invoices of one date, the 5 busiest
#   days, invoices per year and per month.
# Usage: invoice-analyses.sh ARCHIVE OUTDIR [DATE]
# Writes OUTDIR/{top_customers,busiest_days,per_month,per_year,
# invoices_on_date}.csv and prints them as tables, the date's with its
# count of invoices.  DATE (YYYY-MM-DD) defaults to the busiest day.
set -eu
LC_ALL=C; export LC_ALL
here=$(cd "$(dirname "$0")" && pwd -P)
B=${B:-build}
case $B in /*) ;; *) B=$(dirname "$here")/$B ;; esac
PATH=$B/bin:$PATH
export PATH
[ $# -ge 2 ] || { echo "usage: invoice-analyses.sh ARCHIVE OUTDIR [DATE]" >&2; exit 2; }
archive=$1 out=$2 date=${3:-}
mkdir -p "$out"

# One pass of reduce over the archive dumped as CSV: visits per customer,
# invoices per day and per month (Month derived from the Date column).
mqtt2kafka --dump "$archive" >"$out/invoices.csv"
reduce -q --time-col Date -o "$out/snap" \
    -a 'customers.csv: PhoneNumber,FirstName,LastName -> Visits=count()' \
    -a 'days.csv: Date -> Invoices=count()' \
    -a 'months.csv: Month -> Invoices=count()' \
    "$out/invoices.csv" >/dev/null

# Top 10 customers by visits (ties: by phone number).
{ head -n 1 "$out/snap/customers.csv"
  tail -n +2 "$out/snap/customers.csv" | sort -t, -k4,4nr -k1,1 | head -n 10
} >"$out/top_customers.csv"

# The 5 busiest days (ties: the earlier day first).
{ head -n 1 "$out/snap/days.csv"
  tail -n +2 "$out/snap/days.csv" | sort -t, -k2,2nr -k1,1 | head -n 5
} >"$out/busiest_days.csv"

# Invoices per month, and per year summed from the months.
cp "$out/snap/months.csv" "$out/per_month.csv"
awk -F, 'NR > 1 { n[substr($1, 1, 4)] += $2 }
    END { print "Year,Invoices"; for (y in n) print y "," n[y] }' \
    "$out/per_month.csv" | { read -r h; echo "$h"; sort; } >"$out/per_year.csv"

# Every invoice of one date (default: the busiest day).
[ -n "$date" ] || date=$(sed -n '2s/,.*//p' "$out/busiest_days.csv")
{ head -n 1 "$out/invoices.csv"
  awk -F, -v d="$date" 'NR > 1 && $6 == d' "$out/invoices.csv" |
      sort -t, -k7,7 -k1,1n
} >"$out/invoices_on_date.csv"
count=$(($(wc -l <"$out/invoices_on_date.csv") - 1))

render table --grouping=none --title "Top 10 customers by visits" -w 80 "$out/top_customers.csv"
render table --grouping=none --title "The 5 busiest days" -w 80 "$out/busiest_days.csv"
render table --grouping=none --title "Invoices per year" -w 80 "$out/per_year.csv"
render table --grouping=none --title "Invoices per month" -w 80 --columns=Month,Invoices "$out/per_month.csv"
render table --grouping=none --title "Invoices on $date: $count" -w 100 \
    --columns=InvoiceNo,FirstName,LastName,PhoneNumber,Time,Items,Total \
    "$out/invoices_on_date.csv"
echo "$count invoices on $date"
