#!/bin/sh
# replay: FIFO and TCP outputs, readers that leave and come back.
. "$LI_TOP/tests/lib.sh"

# A tiny TCP client: reads up to N lines (-1: to the end), one byte at a
# time so that it never takes more than it prints, then closes.
cat > client.py <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=30)
buf, lines = b"", []
while n < 0 or len(lines) < n:
    c = s.recv(1)
    if not c:
        break
    buf += c
    if c == b"\n":
        lines.append(buf)
        buf = b""
s.close()
sys.stdout.buffer.write(b"".join(lines))
PY
if ! command -v python3 > /dev/null 2>&1; then
	skip "TCP tests" "python3 is not installed"
	NOPY=1
fi

# Rows 1-3 at one time, rows 4-5 two seconds later: at --speedup 1 replay
# pauses between them, which is when the first reader leaves.
printf '%s\n' 'id,Timestamp' '1,2024-01-01 10:00:00' '2,2024-01-01 10:00:00' \
    '3,2024-01-01 10:00:00' '4,2024-01-01 10:00:02' '5,2024-01-01 10:00:02' \
    > gap.csv
head -n 4 gap.csv > first.want
{ head -n 1 gap.csv; tail -n 2 gap.csv; } > second.want

# ---- FIFO -------------------------------------------------------------------
replay --synth --rows 3000 > all.csv
replay --synth --rows 3000 -o till.fifo &
pid=$!
wait_for 10 test -p till.fifo
check "-o makes the FIFO" test -p till.fifo
cat till.fifo > fifo.out
wait $pid
check "the FIFO writer exits 0" test $? -eq 0
check_same "a FIFO reader gets every row" all.csv fifo.out

replay --synth --rows 0 -o gone.fifo 2> gone.err &
pid=$!
wait_for 10 test -p gone.fifo
head -n 3 gone.fifo > /dev/null
wait $pid
check "the FIFO reader going away exits 0" test $? -eq 0
check "... quietly" test ! -s gone.err

replay -v --reopen --speedup 1 -o re.fifo gap.csv 2> re.err &
pid=$!
wait_for 10 test -p re.fifo
head -n 4 re.fifo > re1.out
# A reader that opened the FIFO before replay noticed the first one leave
# would simply go on with the stream: wait until replay waits for it.
wait_for 10 sh -c 'test "$(grep -c "waiting for a reader" re.err)" -eq 2'
cat re.fifo > re2.out
wait $pid
check "--reopen: exits 0 at the end" test $? -eq 0
check_same "--reopen: the first reader gets its rows" first.want re1.out
check_same "--reopen: the next reader gets the header and the rest" \
    second.want re2.out

# A reader that leaves during a long pause (1000 s of event time) is
# noticed at once, not at the next write.
printf '%s\n' 'id,Timestamp' '1,2024-01-01 10:00:00' '2,2024-01-01 10:16:40' \
    > pause.csv
replay --speedup 1 -o pause.fifo pause.csv 2> pause.err &
pid=$!
wait_for 10 test -p pause.fifo
head -n 2 pause.fifo > pause.out
if wait_for 20 sh -c "! kill -0 $pid"; then
	wait $pid
	check "a reader leaving during a pause ends replay, status 0" test $? -eq 0
else
	kill $pid
	check "a reader leaving during a pause ends replay, status 0" false
fi
check "... quietly" test ! -s pause.err

yes 'old content' | head -n 5000 > regular.txt
replay gap.csv -o regular.txt
check_same "-o on an existing file truncates and writes it" gap.csv regular.txt

mkfifo ex.fifo
replay --clean all.csv -o ex.fifo &
pid=$!
cat ex.fifo > ex.out
wait $pid
check "example: replay --clean data.csv -o FIFO" test $? -eq 0
check_same "example: the FIFO reader gets the cleaned rows" all.csv ex.out

# ---- TCP --------------------------------------------------------------------
if [ -z "${NOPY:-}" ]; then
	port=$(free_port)
	replay -v --listen 127.0.0.1:$port --synth --rows 3000 2> tcp.err &
	pid=$!
	wait_for 10 grep -q 'waiting for a client' tcp.err
	python3 client.py $port -1 > tcp.out
	wait $pid
	check "--listen exits 0 at the end" test $? -eq 0
	check_same "a TCP client gets every row" all.csv tcp.out

	port=$(free_port)
	replay -v --listen 127.0.0.1:$port --speedup 1 gap.csv 2> tcp2.err &
	pid=$!
	wait_for 10 grep -q 'waiting for a client' tcp2.err
	python3 client.py $port 4 > c1.out
	python3 client.py $port -1 > c2.out
	wait $pid
	check "two clients: exits 0" test $? -eq 0
	check_same "the first client gets the header and its rows" first.want c1.out
	check_same "the next client gets the header and the rest" second.want c2.out
	check_grep "-v reports the client leaving" '^replay: client 127\.0\.0\.1:[0-9]+: reader went away$' tcp2.err
	check_grep "-v ends with all 5 rows sent" '^replay: 5 rows sent,' tcp2.err

	port=$(free_port)
	replay -v --synth --rows 0 --rate 20 --listen 127.0.0.1:$port 2> ex2.err &
	pid=$!
	wait_for 10 grep -q 'waiting for a client' ex2.err
	python3 client.py $port 6 > ex2.out
	kill -INT $pid
	wait $pid
	check "example: --listen with --rate: SIGINT exits 0" test $? -eq 0
	head -n 6 all.csv | head -n 1 > ex2.hdr
	head -n 1 ex2.out > ex2.got
	check_same "example: each client gets the header first" ex2.hdr ex2.got
	check "example: then rows" test "$(wc -l < ex2.out)" -eq 6

	port=$(free_port)
	python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$port)); s.listen(1); time.sleep(3)" &
	busy=$!
	at_exit "kill $busy 2>/dev/null"
	sleep 0.5
	replay --listen 127.0.0.1:$port gap.csv 2> inuse.err
	check "a port in use exits 1" test $? -eq 1
	check_grep "a port in use is reported" "^replay: listen: 127.0.0.1:$port: Address already in use\$" inuse.err
fi
done_testing
