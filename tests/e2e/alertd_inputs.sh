#!/bin/sh
# Every file alertd opens by name is checked before it is read: rules,
# --stock and snapshot files must be regular files, --input and --ticks
# regular files or FIFOs; nothing is opened in a way that blocks, and
# files are read with a size cap.  A FIFO or a link to /dev/zero where a
# file belongs is refused at once, with a message, never read.
. "$LI_TOP/tests/lib.sh"
# Event times are local (TZ) with their offset: the expected ones are UTC.
TZ=UTC; export TZ
# The shipped rules, less the event-time ones on files this directory
# does not name (tests/e2e/reduce_pop.sh checks those).
sed -e '/^branch_below_last_week /d' -e '/^stale_branch /d' \
    "$LI_TOP/examples/liveinsight.rules" >shop.rules
R=$WORK/shop.rules

# A FIFO and a link to /dev/zero named like snapshot files: a cron check
# returns at once, UNKNOWN for those files (timeout -k: a regression fails
# the test, never hangs it).
mkdir d
mkfifo d/branch_sales.csv
ln -s /dev/zero d/product_sales.csv
timeout -k 2 -s TERM 2 alertd -r "$R" -d d --once </dev/null >out 2>err
check "-d with a FIFO and /dev/zero: --once returns, unknown (exit 3)" test $? -eq 3
echo 'LIVEINSIGHT UNKNOWN - 2 unknown: underperforming_branch=no data, low_selling_product=no data' >want
check_same "-d with a FIFO and /dev/zero: the status line" want out
cat >want <<'E'
alertd: d/branch_sales.csv: not a regular file
alertd: d/product_sales.csv: not a regular file
E
check_same "-d with a FIFO and /dev/zero: each named" want err
# The same on a live stream: warned once, however many ticks.
printf 'tick,time,rows,rejected,lag_s\n1,2026-11-23T10:00:00Z,1,0,\n2,2026-11-23T10:00:01Z,1,0,\n' |
    timeout -k 2 -s TERM 2 alertd -r "$R" -d d --clock=input >out 2>err
check "-d with a FIFO on ticks: exit 0" test $? -eq 0
check_same "-d with a FIFO on ticks: warned once each" want err

# Rules and stock: regular files only.
mkfifo rules.fifo stock.fifo
ln -s /dev/zero zero
for f in rules.fifo zero; do
	timeout -k 2 -s TERM 2 alertd -r $f </dev/null >out 2>err
	check "-r $f: refused, exit 2" test $? -eq 2
	echo "alertd: $f: not a regular file" >want
	check_same "-r $f: says so" want err
done
timeout -k 2 -s TERM 2 alertd -r d </dev/null >out 2>err
echo "alertd: d: is a directory" >want
check_same "-r a directory: says so" want err
for f in stock.fifo zero; do
	timeout -k 2 -s TERM 2 alertd -r "$R" -d d --stock $f </dev/null >out 2>err
	check "--stock $f: refused, exit 2" test $? -eq 2
	echo "alertd: $f: not a regular file" >want
	check_same "--stock $f: says so" want err
done

# --input and --ticks take FIFOs, not devices.
timeout -k 2 -s TERM 2 alertd -r "$R" --input zero >out 2>err
check "--input /dev/zero: refused, exit 1" test $? -eq 1
echo "alertd: zero: not a regular file or a FIFO" >want
check_same "--input /dev/zero: says so" want err
timeout -k 2 -s TERM 2 alertd -r "$R" -d d --ticks zero >out 2>err
check "--ticks /dev/zero: refused, exit 1" test $? -eq 1
check_same "--ticks /dev/zero: says so" want err
timeout -k 2 -s TERM 2 alertd -r "$R" --once --input zero >out 2>err
check "--input /dev/zero under --once: unknown, exit 3" test $? -eq 3

# Size caps: a rules file over 4 MiB, a snapshot file over 64 MiB (sparse
# files: nothing is written to disk).
truncate -s 5M big.rules
timeout -k 2 -s TERM 5 alertd -r big.rules </dev/null >out 2>err
check "a 5 MiB rules file: refused, exit 2" test $? -eq 2
echo "alertd: big.rules: larger than 4194304 bytes" >want
check_same "a 5 MiB rules file: says so" want err
mkdir big
truncate -s 70M big/branch_sales.csv
echo 'weak row branch_sales.csv TotalRevenue warn<0.7*mean' >weak.rules
timeout -k 2 -s TERM 10 alertd -r weak.rules -d big --once </dev/null >out 2>err
check "a 70 MiB snapshot file: unknown, exit 3" test $? -eq 3
check_grep "a 70 MiB snapshot file: says so" \
    '^alertd: big/branch_sales.csv: larger than 67108864 bytes: not read$' err

done_testing
