#!/bin/sh
# render's inputs are bounded: every file it opens by name is a regular
# file (or a FIFO where documented), opened without blocking and read with
# a cap; and SIGTERM ends it within a second whatever it is doing.
. "$LI_TOP/tests/lib.sh"
unset COLUMNS LINES NO_COLOR
E=$LI_TOP/examples/render-snap
U=C.UTF-8

ms() { date +%s%N | cut -c1-13; }	# milliseconds since the epoch

mkdir snap
cp "$E/branch_sales.csv" snap/
mkfifo snap/fifo.csv
ln -s /dev/zero snap/zero.csv
ln -s /dev/zero zero
cat >p.layout <<'EOF'
row
hbar file=branch_sales.csv title=Branches
hbar file=fifo.csv title=Fifo
row
hbar file=zero.csv title=Zero
table file=zero.csv last=5 title=ZeroTail
EOF

# ---- files in -d --------------------------------------------------------
# A FIFO (used to block in open) and /dev/zero (read 1 MiB per frame) named
# like snapshot files: each panel says why, the others are drawn.
LC_ALL=$U timeout 10 render dash --layout p.layout -d snap --once \
    -w 120 -H 16 >d.out 2>d.err
check "a dashboard with a FIFO and /dev/zero in -d exits 0" test $? -eq 0
check_grep "a FIFO in -d is refused in its box" \
    "│ fifo.csv: not a regular file *│" d.out
check_grep "/dev/zero in -d is refused in its box" \
    "│ zero.csv: not a regular file *│" d.out
check_grep "the same with last=" \
    "│ zero.csv: not a regular file *│ *│ zero.csv: not a regular file" d.out
check_grep "the good panel is drawn" "Koramangala ███" d.out

# Live, with ticks from a file: a frame per tick and a last one, then the
# end; nothing waits on the FIFO or reads /dev/zero.
printf '1,2026-11-23T10:41:07Z,10,0,0.1\n2,2026-11-23T10:41:08Z,20,0,0.1\n' \
    >ticks.csv
LC_ALL=$U timeout 10 render dash --layout p.layout -d snap \
    --ticks ticks.csv -w 120 -H 16 -v >l.out 2>l.err
check "a live dashboard over them ends with its ticks" test $? -eq 0
check_grep "and drew a frame per tick and a last one" "^render: 3 frames$" \
    l.err

# ---- --ticks and --layout ----------------------------------------------------
LC_ALL=$U timeout 10 render dash --layout p.layout -d snap --ticks zero \
    -w 80 -H 10 >/dev/null 2>t.err
check "--ticks /dev/zero exits 1 (it used to read zeros for ever)" \
    test $? -eq 1
check_grep "and says why" \
    "^render: zero: not a regular file or a FIFO$" t.err
mkfifo lay.fifo
timeout 10 render dash --layout lay.fifo --once >/dev/null 2>ly.err
check "--layout FIFO exits 2 at once (it used to block in open)" test $? -eq 2
check_grep "and says why" "^render: lay.fifo: not a regular file$" ly.err
timeout 10 render dash --layout zero --once >/dev/null 2>ly.err
check "--layout /dev/zero exits 2" test $? -eq 2
check_grep "and says why" "^render: zero: not a regular file$" ly.err

# A path over PATH_MAX is an error in its box, not a cut path.
long=$(printf '%04000d' 0 | tr 0 d)
printf 'hbar file=x.csv\n' >x.layout
LC_ALL=$U render dash --layout x.layout -d "$long" --once -w 80 -H 6 \
    >x.out 2>&1
check_grep "a path over PATH_MAX is refused" "x.csv: File name too long" \
    x.out

# ---- the chart's FILE: a regular file or a FIFO -----------------------------
mkfifo data.fifo
( sleep 0.3; cat "$E/branch_sales.csv" >data.fifo ) &
LC_ALL=$U timeout 10 render table data.fifo >f.out 2>f.err
check "a chart waits for its FIFO's writer" test $? -eq 0
LC_ALL=$U render table "$E/branch_sales.csv" >f.want
check_same "and draws what it sent" f.want f.out
wait
timeout 10 render table zero >/dev/null 2>z.err
check "render table /dev/zero exits 1" test $? -eq 1
check_grep "and says why" "^render: zero: not a regular file or a FIFO$" z.err

# ---- caps --------------------------------------------------------------------
x=$(printf '%01000d' 0)
{ echo "Name,Value"; yes "$x,1" | head -n 70000; } |
    timeout 20 render table >/dev/null 2>cap.err
check "over 64 MiB of input exits 1" test $? -eq 1
check_grep "and says so" "^render: stdin: input larger than 67108864 bytes$" \
    cap.err
yes 'a,b,c,d,e' | head -n 900000 | timeout 20 render table >/dev/null 2>cap.err
check "over 4194304 cells exits 1" test $? -eq 1
check_grep "and says so" \
    "^render: stdin:838862: more than 4194304 cells \(rows x columns\)$" \
    cap.err
check_fail "--width x --height over 1000000 cells is a usage error" 2 \
    --msg "^render: --width x --height: at most 1000000 cells, not 10000x10000$" \
    render table -w 10000 -H 10000 "$E/kpis.csv"

# ---- SIGTERM ends render within a second -------------------------------------
# ended_in_time NAME START: the command timed out (124) and ended within a
# second of its SIGTERM (sent 1 s after START).
ended_in_time() {
	_rc=$? _t=$(( $(ms) - $2 ))
	check "$1: SIGTERM ends it (status $_rc)" test "$_rc" -eq 124
	check "$1: within a second ($((_t - 1000)) ms)" test "$_t" -lt 2000
}

# Waiting for ticks on a FIFO that has no writer.
mkfifo tk.fifo
t0=$(ms)
LC_ALL=$U timeout -s TERM 1 render dash --layout p.layout -d snap \
    --ticks tk.fifo -w 80 -H 10 >w.out 2>w.err
ended_in_time "waiting on a ticks FIFO without a writer" "$t0"
check "and the terminal is put back (cursor shown)" \
    grep -q "$(printf '\033')\[?25h" w.out

# Waiting for the writer of a chart's FIFO.
t0=$(ms)
LC_ALL=$U timeout -s TERM 1 render table data.fifo >/dev/null 2>&1
ended_in_time "waiting for a FIFO's writer" "$t0"

# Reading a stdin that does not end.
t0=$(ms)
{ echo a,b; while :; do echo 1,2; done; } 2>/dev/null |
    LC_ALL=$U timeout -s TERM 1 render table >/dev/null 2>es.err
_es=$?
# The row cap may end it first on a fast machine: that is an end too.
[ "$_es" -eq 1 ] && grep -q 'more than [0-9]* rows' es.err && _es=124
(exit "$_es")
ended_in_time "reading an endless stdin" "$t0"
[ "$_es" -eq 124 ] || cat es.err | sed 's/^/#   /' 
t0=$(ms)
yes 2>/dev/null | LC_ALL=$U timeout -s TERM 1 render dash --layout p.layout \
    -d snap -w 80 -H 10 >/dev/null 2>&1
ended_in_time "reading endless lines as ticks" "$t0"

# Drawing: frames of three panels of 900,000 rows each, one after the
# other (--every 0.01); TERM once the first is out, so the second is being
# drawn.  It used to finish the frame (seconds) before it looked.
mkdir big
awk 'BEGIN { print "Name,Value"; for (i = 1; i <= 900000; i++)
    print "r" i "," i }' >big/b1.csv
ln -s b1.csv big/b2.csv
ln -s b1.csv big/b3.csv
printf 'hbar file=b1.csv\nhbar file=b2.csv\nhbar file=b3.csv\n' >big.layout
mkfifo bt.fifo
exec 3<>bt.fifo		# a writer that never writes: no end of ticks
LC_ALL=$U render dash --layout big.layout -d big --ticks bt.fifo \
    --every 0.01 -w 120 -H 12 >big.out 2>big.err &
pid=$!
at_exit "kill $pid 2>/dev/null"
wait_for 60 grep -q LiveInsight big.out
t0=$(ms)
kill -TERM "$pid"
wait "$pid"
rc=$? t=$(( $(ms) - t0 ))
exec 3>&-
check "drawing: SIGTERM ends it (status $rc)" test "$rc" -eq 0
check "drawing: within a second ($t ms)" test "$t" -lt 1000

done_testing
