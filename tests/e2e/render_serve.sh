#!/bin/sh
# render serve: the page, panels and event stream over HTTP; what it
# refuses (other paths, traversal, methods, bodies, hosts, big requests,
# connections past the limit); the event stream carries every panel as a
# PNG to a new stream, then only the panels whose data changed; headless
# Chromium sees the panel titles and the branch totals of the snapshot
# after two ticks, and a screenshot's bars ordered by value; SIGTERM ends
# it within a second.
. "$LI_TOP/tests/lib.sh"
LC_ALL=C.UTF-8; export LC_ALL
LSAN_OPTIONS=suppressions=$LI_TOP/tests/lsan/render.supp:print_suppressions=0
export LSAN_OPTIONS
cp -r "$LI_TOP/examples/render-snap" snap
cat >b.layout <<'L'
title "Browser test"
row height=6
kpi file=kpis.csv value=TotalRevenue title="Total revenue" prefix=₹
kpi file=kpis.csv value=Transactions title="Transactions"
row weight=2
hbar file=branch_sales.csv label=BranchName value=TotalRevenue sort=desc title="Revenue by branch" prefix=₹
table file=branch_sales.csv title="Branch table"
L
printf 'BranchName,TotalRevenue\nIndiranagar,500.5\nJayanagar,900\nKoramangala,100\nWhitefield,700.25\nYelahanka,300\n' >new.csv

check_fail "--listen not an address" 2 --msg "render: --listen: not ADDR:PORT" \
    render serve --layout b.layout -d snap --listen localhost </dev/null
for bad in ::1:8080 '[::1]8080' '[::1:8080' '[nothere]:8080' '[::1]:70000' \
    '[]:8080' '[127.0.0.1]:8080'; do
	check_fail "--listen $bad refused" 2 --msg "render: --listen: not ADDR:PORT or \[ADDR\]:PORT .IPv6.: '" \
	    render serve --layout b.layout -d snap --listen "$bad" </dev/null
done
check_fail "--listen without serve" 2 --msg "render: --listen needs 'render serve'" \
    render dash --layout b.layout -d snap --listen 127.0.0.1:1 </dev/null

mkfifo tk
render serve -v --layout b.layout -d snap --listen 127.0.0.1:0 \
    --ticks tk 2>serve.err &
SP=$!
at_exit "kill $SP 2>/dev/null"
exec 7>tk	# the server waits for no writer; keep one for the stream
wait_for 10 grep -q 'serving http://' serve.err
U=$(sed -n 's/^render: serving \(http:[^ ]*\)$/\1/p' serve.err)
P=${U#http://127.0.0.1:}; P=${P%/}
check "serving on a loopback port ($U)" test -n "$P"

get() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
curl -s -D head.txt -o page.html "$U"
check_grep "page: 200" '^HTTP/1.1 200' head.txt
check_grep "page: CSP" "^Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'" head.txt
check_grep "page: nosniff" '^X-Content-Type-Options: nosniff' head.txt
check_grep "page: panel titles" 'Revenue by branch' page.html
check "page: no external script, style or font" sh -c '! grep -Eq "(src|href)=\"(https?:)?//" page.html'
check "app.js" test "$(get "${U}app.js")" = 200
check "app.css" test "$(get "${U}app.css")" = 200
curl -s -o p2.png "${U}panel/2.png"
pngcheck size p2.png >p2.size 2>&1
check_grep "panel 2 is a PNG" '^[0-9][0-9]* [0-9][0-9]*$' p2.size
curl -s -o state.json "${U}state.json"
check "state.json parses" python3 -c 'import json,sys; json.load(open("state.json"))'
for path in nothing panel/4.png panel/0.pngx panel/0.svg panel/-1.png \
    panel/01x.png etc/passwd "panel/0.png/../../etc/passwd"; do
	check "404: /$path" test "$(get --path-as-is "$U$path")" = 404
done
check "404: ../../etc/passwd" test "$(get --path-as-is "$U../../etc/passwd")" = 404
check "404: %2e%2e/etc/passwd" test "$(get --path-as-is "$U%2e%2e/%2e%2e/etc/passwd")" = 404
check "404: b.layout" test "$(get "${U}b.layout")" = 404
check "405: POST" test "$(get -X POST "$U")" = 405
check "405: PUT" test "$(get -X PUT -d x "${U}state.json")" = 405
check "413: a GET with a body" test "$(get -X GET -d x "$U")" = 413
check "421: another Host" test "$(get -H 'Host: evil.example' "$U")" = 421
check "localhost is a Host taken" test "$(get -H "Host: localhost:$P" "$U")" = 200
big=$(head -c 20000 /dev/zero | tr '\0' a)
c=$(get -H "X-Big: $big" "$U")
check "oversized request refused ($c)" test "$c" != 200 -a "$c" != 000 -o "$c" = 000
check "still serving after it" test "$(get "$U")" = 200
# The connection limit: 16 idle connections, then a 17th gets no answer;
# once they are gone, requests are answered again.
python3 - "$P" >limit.out 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
held = []
for i in range(16):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    held.append(s)
time.sleep(0.3)	# let the server take them all before the 17th
s = socket.create_connection(("127.0.0.1", port), timeout=5)
try:
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port)
    r = s.recv(100)
except OSError:
    r = b""
print("17th:", r[:12])
for h in held:
    h.close()
PY
check_grep "17th connection refused" "^17th: b''" limit.out
wait_for 5 sh -c "test \$(curl -s -o /dev/null -w '%{http_code}' '$U') = 200"
check "answered again after" test "$(get "$U")" = 200

# The event stream: every panel to a new stream; after a tick that
# changed branch_sales.csv, only its two panels (2 and 3), each a PNG.
curl -s -N -m 30 "${U}events" >ev.out &
EP=$!
wait_for 5 grep -q '^data: ' ev.out
printf '7,2026-11-23T09:59:00Z,50,0,0.1\n' >&7
wait_for 5 sh -c "test \$(grep -c '^data: ' ev.out) -ge 2"
printf 'BranchName,TotalRevenue\nIndiranagar,5\nJayanagar,4\nKoramangala,3\nWhitefield,2\nYelahanka,1\n' >snap/.b.tmp
mv snap/.b.tmp snap/branch_sales.csv
printf '8,2026-11-23T09:59:30Z,60,0,0.1\n' >&7
wait_for 5 sh -c "test \$(grep -c '^data: ' ev.out) -ge 3"
kill $EP 2>/dev/null; wait $EP 2>/dev/null
cat >ev.py <<'PY'
import base64, json
ev = [json.loads(l[6:]) for l in open("ev.out") if l.startswith("data: ")]
for k, e in enumerate(ev[:3]):
    for i, b in e["png"].items():
        with open("ev%d-%s.png" % (k, i), "wb") as f:
            f.write(base64.b64decode(b))
print("first", " ".join(sorted(ev[0]["png"], key=int)))
print("tick", ev[2]["tick"], " ".join(sorted(ev[2]["png"], key=int)))
PY
python3 ev.py >ev.keys 2>&1
check_grep "event: every panel to a new stream" '^first 0 1 2 3$' ev.keys
check_grep "event: only the changed panels after a tick" '^tick 8 2 3$' ev.keys
pngcheck size ev2-2.png >ev.size 2>&1
check_grep "event: a changed panel is a PNG" '^[0-9][0-9]* [0-9][0-9]*$' ev.size
curl -s -o p2b.png "${U}panel/2.png"
check "event: the same PNG as /panel/2.png" cmp -s p2b.png ev2-2.png

# The browser: two ticks, the second after the snapshot changed (the
# writer of the test goes first: the server waits for the next one).
exec 7>&-
if timeout 120 python3 "$LI_TOP/tests/e2e/render_browser.py" check "$U" tk \
    snap new.csv shot.png >dom.json 2>browser.err; then
	check "chromium: page loaded, two ticks shown" true
else
	check "chromium: page loaded, two ticks shown" sh -c "cat browser.err; false"
fi
check_grep "DOM: panel titles" '"titles": \["Total revenue", "Transactions", "Revenue by branch", "Branch table"\]' dom.json
cat >totals.py <<'PY'
import csv, json, sys
dom = json.load(open("dom.json"))["branches"]
snap = {r["BranchName"]: float(r["TotalRevenue"])
        for r in csv.DictReader(open("snap/branch_sales.csv"))}
got = {k: float(v) for k, v in dom.items()}
print("dom ", sorted(got.items()))
print("snap", sorted(snap.items()))
sys.exit(0 if got == snap and snap["Jayanagar"] == 900 else 1)
PY
check "DOM: branch totals equal the (new) snapshot's" python3 totals.py
check_grep "DOM: status shows tick 2" '"status": "tick 2' dom.json
pngcheck bars shot.png 0072B2 | awk '{print $2}' >bars.len
check "screenshot: five branch bars" test "$(wc -l <bars.len)" -eq 5
check "screenshot: bars ordered by value" sh -c 'sort -rn bars.len | cmp -s - bars.len'
check "screenshot: bar lengths differ" test "$(sort -u bars.len | wc -l)" -eq 5

# SIGTERM with an event stream open ends it within a second.
curl -s -N -m 20 "${U}events" >events.out &
CP=$!
wait_for 5 grep -q '^data: ' events.out
check "event stream sends the state" grep -q '"panels"' events.out
t0=$(date +%s%N)
kill -TERM $SP
wait $SP; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "SIGTERM: gone within a second ($ms ms)" test "$ms" -lt 1000
check "SIGTERM: exit 0" test "$rc" -eq 0
kill $CP 2>/dev/null; wait $CP 2>/dev/null

# IPv6: [::1]:PORT, the Host header bracketed.
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	render serve -v --layout b.layout -d snap --listen '[::1]:0' \
	    </dev/null 2>serve6.err &
	SP6=$!
	at_exit "kill $SP6 2>/dev/null"
	wait_for 10 grep -q 'serving http://' serve6.err
	U6=$(sed -n 's/^render: serving \(http:[^ ]*\)$/\1/p' serve6.err)
	P6=${U6#http://\[::1\]:}; P6=${P6%/}
	check "IPv6: serving on [::1] ($U6)" test -n "$P6" -a "$P6" != "$U6"
	check "IPv6: page 200 (curl -g)" test "$(get -g "$U6")" = 200
	check "IPv6: the event stream" sh -c "curl -s -g -N -m 10 '${U6}events' | grep -q -m1 '^data: '"
	check "IPv6: Host localhost taken" test "$(get -g -H "Host: localhost:$P6" "$U6")" = 200
	check "IPv6: another Host gets 421" test "$(get -g -H 'Host: [::2]:'"$P6" "$U6")" = 421
	check "IPv6: traversal 404" test "$(get -g --path-as-is "$U6../../etc/passwd")" = 404
	kill -TERM $SP6
	wait $SP6; rc=$?
	check "IPv6: SIGTERM, exit 0" test "$rc" -eq 0
else
	skip "IPv6: [::1]:PORT" "no ::1 on this machine"
fi
done_testing
