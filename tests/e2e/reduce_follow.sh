#!/bin/sh
# reduce -f: appended rows, partial lines, truncation and rotation.
. "$LI_TOP/tests/lib.sh"

synthgen -s 5 20 >src.csv
head -n 3 src.csv >log.csv
reduce --no-sync -f --tick 0.1 -o snap log.csv >ticks.out 2>err.out &
pid=$!
at_exit "kill -9 $pid 2>/dev/null"
check "follow: first rows" wait_for 20 grep -q ',2,0,' ticks.out
sed -n 4,6p src.csv >>log.csv
check "follow: appended rows picked up" wait_for 20 grep -q ',5,0,' ticks.out
# Half a row is not a row until its line ends.
n=$(wc -l <ticks.out)
sed -n 7p src.csv | tr -d '\n' >>log.csv
# Four more ticks (0.1 s each): reduce has looked at the file since (it
# looks every 0.2 s at its end).
check "follow: ticks go on after half a line" wait_for 20 sh -c "test \$(wc -l <ticks.out) -ge $((n + 4))"
check "follow: half a line is not counted" sh -c '! grep -q ",6,0," ticks.out'
echo >>log.csv
check "follow: the completed line is" wait_for 20 grep -q ',6,0,' ticks.out
# Truncation: read again from the start, aggregates kept.
head -n 2 src.csv >log.tmp && cat log.tmp >log.csv
check "follow: after truncation the file is read again" wait_for 20 grep -q ',7,0,' ticks.out
# Rotation: a new file under the name.
mv log.csv log.old
{ head -n 1 src.csv; sed -n 10,12p src.csv; } >log.csv
check "follow: rotated file read from its start" wait_for 20 grep -q ',10,0,' ticks.out
kill -TERM $pid
wait $pid
rc=$?
check "follow: SIGTERM exits 0" test "$rc" -eq 0
printf '%s\n' 'reduce: log.csv: file truncated; reading from the start' \
    'reduce: log.csv: file replaced; reading the new one' >err.want
check_same "follow: truncation and rotation reported" err.want err.out
check_grep "follow: final snapshot has 10 transactions" '^[0-9.]*,[0-9]*,10,' snap/kpis.csv
check_fail "follow on a pipe: exit 1" 1 sh -c 'echo x | reduce -f -o s -'
done_testing
