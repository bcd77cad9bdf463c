#!/bin/sh
# render heat (a matrix of shaded cells) and pop (a value against its
# reference, an arrow and the percent), and examples/trends.layout on a
# snapshot reduce writes with examples/reduce-trends.spec; then the same
# dashboard live in a real terminal (tmux).
. "$LI_TOP/tests/lib.sh"
unset COLUMNS LINES NO_COLOR
X=$LI_TOP/tests/e2e/render-expected
L=$LI_TOP/examples/trends.layout

synthgen -s 11 20000 >sales.csv
reduce --no-sync -q -s "$LI_TOP/examples/reduce-trends.spec" --watermark 10m \
    --history snap/history --tick 60 --tick-rows 4000 -o snap sales.csv >/dev/null
check "reduce-trends.spec: the snapshot is there" test -s snap/pop_branch.csv -a -s snap/history/kpis.csv

# ---- heat ---------------------------------------------------------------
render heat -w 70 -H 12 --ascii --color never snap/weekday_hour_demand.csv >heat.txt
[ "${RENDER_REGEN:-}" = 1 ] && cp heat.txt "$X/heat-weekday-ascii.txt"
check_same "heat: weekday x hour, ASCII" "$X/heat-weekday-ascii.txt" heat.txt
check "heat: days in week order, Monday first" sh -c \
    "sed -n '2p;8p' heat.txt | cut -c1-9 | tr -d ' ' | tr '\n' ' ' | grep -qx 'Monday Sunday '"
check_grep "heat: the key with the largest value" '^ *\. low  :  \*  # high \([0-9.]+K?\)$' heat.txt
# The darkest cell is the largest: find it in the data and on the map.
max=$(sed 1d snap/branch_hour_demand.csv | sort -t, -k3,3n | tail -n 1)
render heat -w 80 -H 10 --ascii --color never snap/branch_hour_demand.csv >heat2.txt
b=${max%%,*} h=$(echo "$max" | cut -d, -f2)
col=$(head -n 1 heat2.txt | awk -v h="$h" '{ print index($0, " " h " ") + 1 }')
check "heat: the largest cell ($b at $h) is the darkest" sh -c \
    "grep '^$b ' heat2.txt | cut -c$col-$((col + 1)) | grep -qx '##'"
render heat -w 20 -H 10 --color never snap/branch_hour_demand.csv >small.txt 2>small.err
check_grep "heat: too small is an error, not a mangled map" 'too small for a 5 x 14 heat map' small.err
printf 'A,B,V\nx,y,\n' >empty.csv
check "heat: no values says so" sh -c 'render heat --value V -w 40 -H 5 --color never empty.csv | grep -q "no data yet"'

# ---- pop ----------------------------------------------------------------
render pop --value RevenueToday,RevenueLastWeek -w 60 -H 8 --color never snap/pop_branch.csv >pop.txt
check "pop: a line per branch" test "$(grep -c 'vs' pop.txt)" -eq 5
# The percent is the one reduce wrote, to one decimal.
awk -F, 'NR > 1 && $6 != "" { printf "%s %+.1f%%\n", $1, $6 }' snap/pop_branch.csv >pop.want
sed 's/^\([A-Za-z]*\) .* \([+-][0-9.]*%\)$/\1 \2/' pop.txt >pop.got
check_same "pop: the change in percent equals reduce's" pop.want pop.got
check "pop: arrows follow the sign" sh -c "! grep -q '▲ -' pop.txt && ! grep -q '▼ +' pop.txt"
printf 'X,Now,Ref\na,10,0\nb,,5\nc,5,10\n' >p.csv
render pop -w 40 -H 5 --color never --ascii p.csv >p.txt
check_grep "pop: a zero reference has no percent" '^a +10  vs -$' p.txt
check_grep "pop: an unknown value is a dash" '^b +-$' p.txt
check_grep "pop: down 50 %" '^c +5  vs 10  v -50\.0%$' p.txt

# ---- the trends dashboard ---------------------------------------------------
render dash --layout "$L" -d snap --once -w 160 -H 48 --color never >dash.txt 2>dash.err
check "trends.layout: draws (exit 0)" test "$?" -eq 0 -a ! -s dash.err
for t in "Revenue in the hour before, by branch" "Today so far vs the same time last week" \
    "Transactions by weekday and hour" "All branches vs yesterday" "Total revenue, tick by tick" \
    "Transactions by branch and hour"; do
	check "trends.layout: panel '$t'" grep -q "$t" dash.txt
done
check "trends.layout: no panel reports an error" sh -c "! grep -Eqi 'no column|not a number|too small' dash.txt"

# ---- in a real terminal -----------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
	skip "trends dashboard in tmux" "tmux is not installed"
	done_testing
	exit
fi
SOCK=li-trends-$$
tm() { LC_ALL=C.UTF-8 tmux -u -L "$SOCK" -f /dev/null "$@"; }
at_exit "tm kill-server >/dev/null 2>&1"
shot() { tm capture-pane -p -t "$1" | sed -e :a -e '/^$/{$d;N;ba' -e '}'; }
shows() { shot "$1" | grep -q -- "$2"; }
mkfifo ticks
tm new-session -d -s dash -x 140 -y 44 \
    "cd '$WORK' && env -u COLUMNS -u LINES LC_ALL=C.UTF-8 TERM=screen \
    PATH='$PATH' sh -c 'trap \"\" INT; render dash --layout \"$L\" -d snap --ticks ticks --color=never; echo EXIT=\$?; sleep 600'"
if wait_for 5 shows dash "waiting for ticks"; then
	LC_ALL=C.UTF-8 render dash --layout "$L" -d snap --once -w 140 -H 44 | sed 1d >once.txt
	shot dash | sed 1d >live.txt
	check_same "tmux: the live frame is the --once frame (140x44)" once.txt live.txt
	check "tmux: the heat map is on the screen" shows dash "Monday"
	check "tmux: the pop panel is on the screen" shows dash "▲\|▼"
	tm send-keys -t dash C-c
	check "tmux: SIGINT ends it with status 0" wait_for 5 shows dash "^EXIT=0"
else
	check "tmux: the trends dashboard starts" false
fi
done_testing
