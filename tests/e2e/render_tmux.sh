#!/bin/sh
# render in a real terminal (tmux): the size from the terminal, live
# dashboard frames against --once frames, ticks, resizes, and the terminal
# put back on SIGINT, SIGTERM and 'q'.
. "$LI_TOP/tests/lib.sh"
unset COLUMNS LINES NO_COLOR
if ! command -v tmux >/dev/null 2>&1; then
	skip "render in tmux" "tmux is not installed"
	done_testing
	exit
fi
X=$LI_TOP/tests/e2e/render-expected
L=$LI_TOP/examples/dashboard.layout
SOCK=li-render-$$
tm() { LC_ALL=C.UTF-8 tmux -u -L "$SOCK" -f /dev/null "$@"; }
at_exit "tm kill-server >/dev/null 2>&1"
cp -R "$LI_TOP/examples/render-snap" snap

# start NAME COLS ROWS LOCALE COMMAND: run COMMAND in a new session; it
# prints EXIT=status when done.
start() {
	tm new-session -d -s "$1" -x "$2" -y "$3" \
	    "cd '$WORK' && env -u COLUMNS -u LINES LC_ALL=$4 TERM=screen \
	    PATH='$PATH' sh -c 'trap \"\" INT; $5; echo EXIT=\$?; sleep 600'"
}
shot() { tm capture-pane -p -t "$1" | sed -e :a -e '/^$/{$d;N;ba' -e '}'; }
shows() { shot "$1" | grep -q -- "$2"; }
# await NAME PATTERN: wait (5 s at most) until the screen shows PATTERN.
await() { wait_for 5 shows "$1" "$2"; }

# 1. A chart takes the terminal's width (TIOCGWINSZ), in colour.
start hbar 100 30 C.UTF-8 "render hbar --sort --prefix ₹ snap/branch_sales.csv"
if await hbar "EXIT=0"; then
	shot hbar | sed '/^EXIT=/,$d' >hbar.txt
	[ "${RENDER_REGEN:-}" = 1 ] && cp hbar.txt "$X/tmux-hbar-100.txt"
	check_same "hbar at the terminal's 100 columns" "$X/tmux-hbar-100.txt" hbar.txt
	tm capture-pane -e -p -t hbar >hbar.esc
	check_grep "colour on a terminal" "$(printf '\033')\[" hbar.esc
else
	check "hbar in tmux finishes" false
fi
start nocolor 100 30 C.UTF-8 "NO_COLOR=1 render hbar snap/branch_sales.csv"
await nocolor "EXIT=0"
tm capture-pane -e -p -t nocolor | sed '/EXIT=/,$d' >nc.esc
check "no colour with NO_COLOR" sh -c "! grep -q '$(printf '\033')' nc.esc"
start dumb 100 30 C.UTF-8 "TERM=dumb render hbar snap/branch_sales.csv"
await dumb "EXIT=0"
tm capture-pane -e -p -t dumb | sed '/EXIT=/,$d' >dumb.esc
check "no colour with TERM=dumb" sh -c "! grep -q '$(printf '\033')' dumb.esc"

# 2. Wide labels: the terminal itself shows the columns aligned.
printf 'Product,Units\n日本茶,30\nCafé au lait,12\nA rather long product name,7\n' >wide.csv
start wide 40 10 C.UTF-8 "render table wide.csv; render hbar wide.csv"
await wide "EXIT=0"
shot wide | sed '/^EXIT=/,$d' >wide.txt
[ "${RENDER_REGEN:-}" = 1 ] && cp wide.txt "$X/tmux-wide-40.txt"
check_same "wide and accented labels align" "$X/tmux-wide-40.txt" wide.txt

# 3. The live dashboard: the frame is the --once frame, on the normal
# screen; ticks redraw it.
mkfifo ticks
start dash 100 30 C.UTF-8 "render dash --layout '$L' -d snap --ticks ticks --color=never"
if await dash "waiting for ticks"; then
	# The top line differs: "q quits" on a terminal.
	LC_ALL=C.UTF-8 render dash --layout "$L" -d snap --once -w 100 \
	    -H 30 | sed 1d >once.txt
	shot dash | sed 1d >live.txt
	check_same "the live frame is the --once frame (UTF-8, 100x30)" \
	    once.txt live.txt
	check "no alternate screen by default" \
	    test "$(tm display -p -t dash '#{alternate_on}')" = 0
	check "the cursor is hidden while drawing" \
	    test "$(tm display -p -t dash '#{cursor_flag}')" = 0
	exec 3>ticks
	echo "tick,time,rows,rejected,lag_s" >&3
	echo "1,2026-11-23T10:41:07Z,1200,0,0.5" >&3
	check "a tick redraws with its numbers" await dash \
	    "tick 1 · 1200 rows · lag 0.5s · 10:41:07"
	# A snapshot replaced by rename, then a tick: the new numbers.
	printf 'TotalRevenue,UnitsSold,Transactions,ActiveBranches,AvgOrderValue,RejectedRows\n5472496.50,13805,9500,5,576.05,3\n' >snap/.kpis.tmp
	mv snap/.kpis.tmp snap/kpis.csv
	echo "2,2026-11-23T10:41:08Z,1300,1,0.2" >&3
	check "a tick shows the new snapshot" await dash "▲ +1K"
	check "rejected rows show in the top line" await dash "1 rejected"
	# A resize redraws at the new size (SIGWINCH).
	tm resize-window -t dash -x 80 -y 24
	check "a resize redraws at 80 columns" await dash "Total rev… ─╮"
	shot dash >small.txt
	check "no line is wider than the terminal" sh -c \
	    "[ \$(LC_ALL=C.UTF-8 wc -L <small.txt) -le 80 ]"
	check "the frame fills the new width" sh -c \
	    "sed -n 2p small.txt | LC_ALL=C.UTF-8 grep -q '^╭.*╮\$' &&
	    [ \$(sed -n 2p small.txt | LC_ALL=C.UTF-8 wc -L) -eq 80 ]"
	# SIGINT: the terminal is put back, the exit status is 0.
	tm send-keys -t dash C-c
	check "SIGINT ends the dashboard with status 0" await dash "^EXIT=0"
	check "the cursor is shown again" \
	    test "$(tm display -p -t dash '#{cursor_flag}')" = 1
	tm capture-pane -e -p -t dash | grep 'EXIT=' >exit.esc
	check "attributes are reset" sh -c "! grep -q '$(printf '\033')' exit.esc"
	shot dash >after.txt
	check "the last frame stays on the screen" \
	    grep -q 'Revenue by' after.txt
	exec 3>&-
else
	check "the dashboard starts" false
	shot dash
fi

# 4. ASCII in the C locale, on the alternate screen; 'q' quits.
start ascii 100 30 C "render dash --layout '$L' -d snap --every 1 --alt-screen --color=never"
if await ascii "q quits"; then
	LC_ALL=C render dash --layout "$L" -d snap --once -w 100 -H 30 |
	    sed '1d' >once.txt
	shot ascii | sed '1d' >live.txt
	check_same "the live frame is the --once frame (ASCII, 100x30)" \
	    once.txt live.txt
	check "--alt-screen uses the alternate screen" \
	    test "$(tm display -p -t ascii '#{alternate_on}')" = 1
	tm send-keys -t ascii q
	check "'q' quits with status 0" await ascii "^EXIT=0"
	check "the alternate screen is left" \
	    test "$(tm display -p -t ascii '#{alternate_on}')" = 0
	check "the cursor is shown after q" \
	    test "$(tm display -p -t ascii '#{cursor_flag}')" = 1
else
	check "the ASCII dashboard starts" false
	shot ascii
fi

# 5. Ticks on stdin from a pipe: the keys come from the terminal.
start pipe 100 30 C.UTF-8 "{ echo tick,time,rows,rejected,lag_s; echo 7,2026-11-23T10:41:07Z,70,0,; sleep 2; } | render dash --layout '$L' -d snap"
if await pipe "tick 7 · 70 rows"; then
	check "keys are read from the terminal" await pipe "q quits"
	tm send-keys -t pipe q
	check "'q' quits a piped dashboard" await pipe "^EXIT=0"
	check "the cursor is shown after q (piped)" \
	    test "$(tm display -p -t pipe '#{cursor_flag}')" = 1
else
	check "the piped dashboard starts" false
	shot pipe
fi

# 6. SIGTERM from elsewhere.
start term 100 30 C.UTF-8 "render dash --layout '$L' -d snap --every 1 </dev/null & echo \$! >pid; wait \$!"
if await term "waiting for ticks" && wait_for 5 test -s pid; then
	kill -TERM "$(cat pid)"
	check "SIGTERM ends the dashboard with status 0" await term "^EXIT=0"
	check "the cursor is shown after SIGTERM" \
	    test "$(tm display -p -t term '#{cursor_flag}')" = 1
else
	check "the dashboard starts for SIGTERM" false
fi

# 7. SIGTSTP (Ctrl-Z) puts the terminal back while stopped, SIGCONT takes
# it again.  set -m: render in a process group of its own, as a shell
# with job control starts it (SIGTSTP does not stop an orphaned group).
cursor() { tm display -p -t "$1" '#{cursor_flag}'; }
is_cursor() { test "$(cursor "$1")" = "$2"; }
start tstp 100 30 C.UTF-8 "set -m; render dash --layout '$L' -d snap --every 1 </dev/null & echo \$! >pid2; sleep 600"
if await tstp "waiting for ticks" && wait_for 5 test -s pid2; then
	kill -TSTP "$(cat pid2)"
	check "stopped, the cursor is shown" wait_for 5 is_cursor tstp 1
	kill -CONT "$(cat pid2)"
	check "continued, the cursor is hidden again" \
	    wait_for 5 is_cursor tstp 0
	check "continued, the frame is drawn again" await tstp "Revenue by branch"
	kill -TERM "$(cat pid2)"
	check "and SIGTERM still ends it" wait_for 5 sh -c "! kill -0 $(cat pid2)"
else
	check "the dashboard starts for SIGTSTP" false
fi
# 8. The alerts stay in view on small terminals (issue 13): other rows
# are hidden first; the top line says how many.  (Before, the whole
# temperature-and-alerts row was hidden below about 32 lines.)
for size in 100x32 100x28 100x24 100x20 80x20; do
	c=${size%x*} r=${size#*x}
	start "a$size" "$c" "$r" C.UTF-8 "render dash --layout '$L' -d snap --every 1 --color=never"
	if await "a$size" "q quits"; then
		check "$size: the alerts panel is shown" \
		    shows "a$size" "Active alerts"
		check "$size: the critical alert is in it" \
		    shows "a$size" "crit  cpu_hot\|cpu_hot .*cpu"
		shot "a$size" >"a$size.txt"
		tm send-keys -t "a$size" q
		await "a$size" "^EXIT=0"
	else
		check "the dashboard starts at $size" false
		shot "a$size"
	fi
done
check_grep "100x20: rows without alerts were hidden" "[0-9] rows? hidden" \
    a100x20.txt
done_testing
