#!/bin/sh
# replay --listen with several clients at once: readers that keep up get
# every row in order, one that never reads is dropped without holding up
# the stream (paced and unpaced), one that leaves mid-stream is noticed,
# and connections past --max-clients are refused.
. "$LI_TOP/tests/lib.sh"
if ! command -v python3 >/dev/null 2>&1; then
	skip "replay --listen with several clients" "python3 is not installed"
	done_testing
	exit
fi

# client.py PORT MODE OUT: MODE "all" reads to the end, a number reads
# that many lines and closes, "never" reads nothing and waits to be closed
# (or for the file "release" to appear).  OUT gets what was read.
cat >client.py <<'PY'
import os, socket, sys, time
port, mode, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port), timeout=60)
got = b""
if mode == "never":
    s.setblocking(False)
    while not os.path.exists("release"):
        time.sleep(0.05)
elif mode == "all":
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
else:
    n = int(mode)
    while got.count(b"\n") < n:
        b = s.recv(1)
        if not b:
            break
        got += b
s.close()
open(out, "wb").write(got)
PY

replay --synth --rows 20000 >rows.csv
head -n 1 rows.csv >rows.csv.hdr
# connected N FILE: FILE (replay -v's stderr) says N clients connected.
connected() { test "$(grep -c 'connected$' "$2")" -ge "$1"; }

# ---- unpaced: the stream waits for the readers, not for a stalled one ----
# The input is a FIFO, so that every client is there before the rows come.
mkfifo in1.fifo
port=$(free_port)
replay -v --listen 127.0.0.1:$port --client-buffer 65536 in1.fifo \
    2>u.err &
pid=$!
exec 3>in1.fifo
head -n 1 rows.csv >&3
wait_for 10 grep -q 'waiting for a client' u.err
python3 client.py $port all a.out 3>&- & ca=$!
wait_for 10 connected 1 u.err
python3 client.py $port all b.out 3>&- & cb=$!
python3 client.py $port never c.out 3>&- & cc=$!
python3 client.py $port 100 d.out 3>&- & cd=$!
at_exit "touch $WORK/release; kill $ca $cb $cc $cd 2>/dev/null"
wait_for 10 connected 4 u.err
check "unpaced: four clients connected" connected 4 u.err
t0=$(date +%s)
tail -n +2 rows.csv >&3
exec 3>&-
wait $pid
rc=$?
t1=$(date +%s)
wait $ca $cb $cd
check "unpaced: exit 0" test $rc -eq 0
check "unpaced: done in $((t1 - t0)) s (< 10)" test $((t1 - t0)) -lt 10
check_same "unpaced: the first reader gets every row in order" rows.csv a.out
check_same "unpaced: the second reader too" rows.csv b.out
head -n 100 rows.csv >d.want
check_same "unpaced: the one that left after 100 lines got them" d.want d.out
check_grep "unpaced: it is reported gone" \
    '^replay: client 127\.0\.0\.1:[0-9]+: reader went away$' u.err
check_grep "unpaced: the stalled one is dropped, with a message" \
    '^replay: client 127\.0\.0\.1:[0-9]+: took nothing for 2 seconds: dropped$' u.err
check "unpaced: only that one" test "$(grep -c 'dropped$' u.err)" -eq 1
check_grep "unpaced: the summary counts it" \
    '^replay: 4 clients served, 1 went away, 1 dropped for falling behind, 0 refused$' u.err
touch release
wait $cc
rm -f release

# ---- paced: a stalled client is dropped as soon as it is behind ----------
replay --synth --rows 40000 >rows40.csv
mkfifo in2.fifo
port=$(free_port)
replay -v --listen 127.0.0.1:$port --rate 30000 --client-buffer 2097152 \
    in2.fifo 2>p.err &
pid=$!
exec 3>in2.fifo
head -n 1 rows40.csv >&3
wait_for 10 grep -q 'waiting for a client' p.err
python3 client.py $port all pa.out 3>&- & ca=$!
wait_for 10 connected 1 p.err
python3 client.py $port all pb.out 3>&- & cb=$!
python3 client.py $port never pc.out 3>&- & cc=$!
at_exit "touch $WORK/release; kill $ca $cb $cc 2>/dev/null"
wait_for 10 connected 3 p.err
t0=$(date +%s)
tail -n +2 rows40.csv >&3
exec 3>&-
wait $pid
rc=$?
t1=$(date +%s)
wait $ca $cb
check "paced: exit 0" test $rc -eq 0
check "paced: 1.3 s of rows done in $((t1 - t0)) s (< 8)" test $((t1 - t0)) -lt 8
check_same "paced: the first reader gets every row in order" rows40.csv pa.out
check_same "paced: the second reader too" rows40.csv pb.out
check_grep "paced: the stalled one is dropped when 2 MiB behind" \
    '^replay: client 127\.0\.0\.1:[0-9]+: fell behind by more than 2097152 bytes: dropped$' p.err
check_grep "paced: the summary counts it" \
    '^replay: 3 clients served, 0 went away, 1 dropped for falling behind, 0 refused$' p.err
touch release
wait $cc
rm -f release

# Without -v the drop is still said, and counted at the end.  The stalled
# client is the only one until it is dropped; the stream then waits for
# the next, which gets the header and the rest.
mkfifo in3.fifo
port=$(free_port)
replay --listen 127.0.0.1:$port --rate 30000 --client-buffer 65536 \
    in3.fifo 2>q.err &
pid=$!
exec 3>in3.fifo
head -n 1 rows.csv >&3
python3 client.py $port never qc.out 3>&- & cc=$!
at_exit "touch $WORK/release; kill $cc 2>/dev/null"
tail -n +2 rows.csv >&3 &
writer=$!
exec 3>&-
wait_for 20 grep -q 'dropped$' q.err
python3 client.py $port all qa.out
wait $pid
check "without -v: exit 0" test $? -eq 0
wait $writer
touch release
wait $cc
rm -f release
check_grep "without -v: the drop is said" \
    '^replay: client 127\.0\.0\.1:[0-9]+: fell behind by more than 65536 bytes: dropped$' q.err
check_grep "without -v: and counted at the end" \
    '^replay: 1 client dropped for falling behind$' q.err
check "without -v: nothing else said" test "$(wc -l <q.err)" -eq 2
check "without -v: the next client gets the header, then rows" \
    sh -c 'head -n 1 qa.out | cmp -s - rows.csv.hdr && test "$(wc -l <qa.out)" -gt 1'

# ---- --max-clients ----------------------------------------------------------
mkfifo in4.fifo
port=$(free_port)
replay -v --listen 127.0.0.1:$port --max-clients 2 in4.fifo 2>m.err &
pid=$!
exec 3>in4.fifo
head -n 1 rows.csv >&3
wait_for 10 grep -q 'waiting for a client' m.err
python3 client.py $port all ma.out 3>&- & ca=$!
wait_for 10 connected 1 m.err
python3 client.py $port all mb.out 3>&- & cb=$!
wait_for 10 connected 2 m.err
python3 client.py $port all mc.out 3>&-
check "the third of --max-clients 2 is closed at once, with nothing" \
    test ! -s mc.out
check_grep "... and reported" \
    '^replay: client 127\.0\.0\.1:[0-9]+: refused: 2 clients already$' m.err
tail -n +2 rows.csv >&3
exec 3>&-
wait $pid
check "--max-clients: exit 0" test $? -eq 0
wait $ca $cb
check_same "--max-clients: the first two get every row" rows.csv ma.out
check_same "--max-clients: ... both" rows.csv mb.out
check_grep "--max-clients: the summary counts the refusal" \
    '^replay: 2 clients served, 0 went away, 0 dropped for falling behind, 1 refused$' m.err

# ---- options -------------------------------------------------------------
replay --client-buffer 100 --listen 127.0.0.1:1 rows.csv 2>o1.err
check "--client-buffer below 4096: usage error" test $? -eq 2
check_grep "... said" "^replay: --client-buffer: 100 is out of range \(4K to 1G\)$" o1.err
replay --max-clients 2 rows.csv 2>o2.err >/dev/null
check "--max-clients without --listen: usage error" test $? -eq 2
check_grep "... said" '^replay: --client-buffer and --max-clients need --listen$' o2.err
done_testing
