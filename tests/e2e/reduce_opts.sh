#!/bin/sh
# reduce's command line by the suite's convention (docs/conventions.md):
# retired spellings, -t as the Kafka topic, --time-col, --snapshots,
# messages and exit statuses, -q and -v as levels, --help and --version.
. "$LI_TOP/tests/lib.sh"

HDR=TransactionID,Timestamp,StoreName,BranchName,BranchID,TotalBranches,CustomerID,Category,Product,Quantity,UnitPrice,TotalAmount,Discount,FinalAmount,LoyaltyPoints,PaymentType
{
	echo "$HDR"
	echo '1,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,15999.00,15999.00,0.00,15999.00,159,UPI'
	echo ',,,,,,,,,,,,,,,'
} >in.csv

# ---- options that changed in 0.2.0 -------------------------------------------
check_fail "--kafka is retired: exit 2, naming -b" 2 \
    --msg "^reduce: option '--kafka' is retired: use -b, --brokers$" \
    reduce --kafka 127.0.0.1:9 -t sales -G g -o x
check_fail "--time-column is retired: exit 2, naming --time-col" 2 \
    --msg "^reduce: option '--time-column' is retired: use --time-col$" \
    reduce --time-column Timestamp -o x in.csv
check_fail "-t COLUMN without -b: exit 2, naming --time-col" 2 \
    --msg "^reduce: -t is the Kafka topic .*use --time-col$" \
    reduce -t Timestamp -o x in.csv
check_fail "two topics: exit 2" 2 --msg "topic is given twice" \
    reduce -b 127.0.0.1:9 -t a --topic b -G g -o x
check_fail "--topic without -b: exit 2" 2 --msg "need -b" reduce --topic sales -o x
reduce -q --time-col Timestamp -a 'd.csv: Date -> n=count()' -o tc in.csv >/dev/null
check_grep "--time-col: the time column" '^2024-01-06,1$' tc/d.csv
reduce -q --snapshots sn in.csv >/dev/null
check_grep "--snapshots DIR: -o spelled long" '^Indiranagar,15999.00$' sn/branch_sales.csv

# ---- messages and exit statuses --------------------------------------------
check_fail "unknown option: exit 2" 2 --msg "^reduce: unknown option '-Z'$" reduce -Z
reduce -Z 2>err.out
check_grep "unknown option: then Try" "^Try 'reduce --help'.$" err.out
check_fail "missing value: exit 2" 2 --msg "^reduce: option '--tick' needs a value$" reduce --tick
check_fail "bad duration: exit 2, naming the option" 2 --msg "^reduce: --tick: " \
    reduce --tick soon -o x in.csv
check_fail "bad size: exit 2, naming the option" 2 --msg "^reduce: --max-record: " \
    reduce --max-record 10 -o x in.csv
check_fail "bad count: exit 2, naming the option" 2 --msg "^reduce: --tick-rows: " \
    reduce --tick-rows 0 -o x in.csv
check_fail "bad partition list: exit 2" 2 --msg "^reduce: --partitions: " \
    reduce -b 127.0.0.1:9 -t s --partitions 3-1 -o x
check_fail "bad -X: exit 2, naming it" 2 --msg "^reduce: kafka: -X nope=1: " \
    reduce -b 127.0.0.1:9 -t s --partitions 0 -X nope=1 -o x
check_fail "-X enable.auto.commit: exit 2" 2 \
    --msg "^reduce: kafka: -X enable.auto.commit=true: reduce keeps its offsets in its checkpoint$" \
    reduce -b 127.0.0.1:9 -t s --partitions 0 -X enable.auto.commit=true -o x
check_fail "-F missing file: exit 2" 2 --msg "^reduce: nofile.conf: " \
    reduce -b 127.0.0.1:9 -t s --partitions 0 -F nofile.conf -o x
check "a bad -X makes nothing" test ! -e x

# ---- --help, --version ----------------------------------------------------------
check "--help: exit 0" reduce --help
check "-h: the same" sh -c 'test "$(reduce -h)" = "$(reduce --help)"'
check_grep "--help begins with Usage:" '^Usage: reduce ' "$(reduce --help >help.out; echo help.out)"
check_fail "--help on /dev/full: exit 1" 1 --msg "^reduce: write error: " \
    sh -c 'reduce --help >/dev/full'
check_fail "--version on /dev/full: exit 1" 1 sh -c 'reduce --version >/dev/full'
check "--version: reduce X.Y.Z" sh -c 'reduce --version | grep -Eqx "reduce [0-9]+\.[0-9]+\.[0-9]+"'
# The synopsis of the help text is the man page's.
sed -n '/^Usage:/,/^$/p' help.out | tr -s ' \n' ' ' | sed 's/ *$//' >syn.help
for f in -o --time-col --header --no-header --rejects --checkpoint -b -t -X -F \
    --dedup-col --state-dir --merge --print-spec; do
	grep -q -- "$f" syn.help || echo "$f" >>syn.missing
done
check "help synopsis names every mode's options" test ! -s syn.missing

# ---- -q and -v are levels ------------------------------------------------------
reduce -o q0 in.csv >/dev/null 2>q0.err
reduce -q -o q1 in.csv >/dev/null 2>q1.err
reduce -qq -o q2 in.csv >/dev/null 2>q2.err
check_grep "plain: the reject is shown" 'in.csv:3: empty row' q0.err
check_same "-q: warnings off" /dev/null q1.err
check_same "-qq: errors only" /dev/null q2.err
check_fail "-qq: an error is still shown" 1 --msg "^reduce: nosuch.csv: " \
    reduce -qq -o q3 nosuch.csv
{ echo "$HDR"; i=0; while [ $i -lt 12 ]; do echo 'x,y'; i=$((i + 1)); done; } >many.csv
reduce -o v0 many.csv >/dev/null 2>v0.err
reduce -v -o v1 many.csv >/dev/null 2>v1.err
reduce -vv -o v2 many.csv >/dev/null 2>v2.err
check "-v: every reject (12, not 10)" sh -c \
    'test $(grep -c "wrong field count" v0.err) -eq 10 && test $(grep -c "wrong field count" v1.err) -eq 12'
check "-vv: at least what -v shows" sh -c 'test $(wc -l <v2.err) -ge $(wc -l <v1.err)'
done_testing
