#!/bin/sh
# render report: one self-contained HTML file (PNG as data: URIs, no
# script, no network) or a PDF, with the KPIs, the charts, the active
# alerts and the reorder list, dated in local time; and
# examples/daily-report.sh mailing it through a fake sendmail.
. "$LI_TOP/tests/lib.sh"
LC_ALL=C.UTF-8; export LC_ALL
LSAN_OPTIONS=suppressions=$LI_TOP/tests/lsan/render.supp:print_suppressions=0
export LSAN_OPTIONS
L=$LI_TOP/examples/dashboard.layout
cp -r "$LI_TOP/examples/render-snap" snap
cat >snap/alerts.active.csv <<'A'
alert,key,severity,since,value,threshold,message
cpu_hot,cpu,critical,2026-12-03T10:00:00+05:30,91.5,90,CPU usage above 90%
reorder,Masala Tea 500g,warning,2026-12-03T09:00:00+05:30,6.69,7,"1979 left, 295.9 a day"
reorder,<b>Basmati</b>,critical,2026-12-03T09:10:00+05:30,1.5,2,300 left
A

check "report html" env TZ=Asia/Kolkata render report --layout "$L" -d snap -o r.html
check_grep "dated in local time (IST)" '<p class="date">Report of 20[0-9-]+ [0-9:]+ IST</p>' r.html
check_grep "KPI: revenue, Indian grouping" '₹54,72,496\.50' r.html
check_grep "KPI: transactions" '>9,500<' r.html
check_grep "active alerts" '<td>cpu_hot</td>' r.html
check "reorder rows not among the active alerts" sh -c \
    "sed -n '/Active alerts/,/Reorder list/p' r.html | grep -vq '<td>reorder</td>'"
check_grep "reorder list" '<td>Masala Tea 500g</td>' r.html
check_grep "data escaped" '<td>&lt;b&gt;Basmati&lt;/b&gt;</td>' r.html
cat >inspect.py <<'PY'
import base64, html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.bad, self.titles = [], [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "link"):
            self.bad.append(tag)
        for k in ("src", "href"):
            v = a.get(k)
            if v is not None and not v.startswith("data:image/png;base64,"):
                self.bad.append("%s=%s" % (k, v[:40]))
        if tag == "img":
            self.imgs.append(a["src"])
            self.titles.append(a.get("alt"))
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
for i, s in enumerate(p.imgs):
    open("img%d.png" % i, "wb").write(base64.b64decode(s.split(",", 1)[1]))
print("imgs", len(p.imgs))
print("bad", p.bad)
print("titles", "|".join(p.titles))
PY
python3 inspect.py r.html >inspect.out 2>&1
check_grep "no script, no link, no external URL" '^bad \[\]$' inspect.out
check_grep "every chart of the layout (9 not KPI)" '^imgs 9$' inspect.out
check_grep "chart titles as alt text" 'Revenue by branch|Category share' inspect.out
ok=0
for f in img*.png; do
	[ "$(pngcheck size "$f")" = "760 400" ] && [ "$(pngcheck ink "$f" 0 40 760 360)" -gt 1000 ] && ok=$((ok + 1))
done
check "each inline PNG decodes, 760x400, drawn ($ok)" test "$ok" -eq 9

rm snap/alerts.active.csv
check "report without an active-alerts file" render report --layout "$L" -d snap -o r2.html
check_grep "says there is none" 'No alerts\.active\.csv in snap\.' r2.html

cat >snap/alerts.active.csv <<'A'
alert,key,severity,since,value,threshold,message
reorder,Masala Tea 500g,warning,2026-12-03T09:00:00+05:30,6.69,7,"1979 left, 295.9 a day"
A
check "report pdf" render report --layout "$L" -d snap -o r.pdf
pdfinfo r.pdf >info.txt 2>&1
check_grep "pdf: two pages" '^Pages: +2$' info.txt
check "pdf renders" pdftoppm -r 30 -png -f 1 -l 1 -singlefile r.pdf page1
check "pdf page 1 drawn" test "$(pngcheck count page1.png 0 0 500 400 0072B2)" -gt 50
pdftotext r.pdf r.txt
check_grep "pdf: reorder list" 'Masala Tea 500g' r.txt
check_grep "pdf: active alerts heading" 'Active alerts' r.txt

check_fail "report: -o of no known kind" 2 --msg "render: report: -o r.txt: .html or .pdf" \
    render report --layout "$L" -d snap -o r.txt
check_fail "report: -o required" 2 --msg "render: report: -o FILE is required" \
    render report --layout "$L" -d snap
check_fail "report: --layout required" 2 --msg "render: report: --layout is required" \
    render report -d snap -o x.html

# The cron script, with a sendmail that keeps what it is given.
cat >sendmail <<'S'
#!/bin/sh
echo "$@" >"$(dirname "$0")/sendmail.args"
cat >"$(dirname "$0")/sendmail.msg"
S
chmod +x sendmail
check "daily-report.sh" env SENDMAIL="$WORK/sendmail" TZ=Asia/Kolkata \
    sh "$LI_TOP/examples/daily-report.sh" -d snap -l "$L" \
    -t managers@example.com -f li@example.com -k kept.html
check_grep "sendmail -t -oi" '^-t -oi$' sendmail.args
check_grep "kept the report" 'Report of' kept.html
cat >mime.py <<'PY'
import email, email.policy, re, sys
m = email.message_from_binary_file(open("sendmail.msg", "rb"),
                                   policy=email.policy.default)
assert m["To"] == "managers@example.com", m["To"]
assert m["From"] == "li@example.com"
assert m.get_content_type() == "multipart/related", m.get_content_type()
parts = list(m.iter_parts())
html = parts[0].get_content()
assert parts[0].get_content_type() == "text/html"
assert "data:image" not in html
cids = re.findall(r'src="cid:([^"]+)"', html)
imgs = {p["Content-ID"].strip("<>"): p for p in parts[1:]}
assert sorted(cids) == sorted(imgs), (cids, list(imgs))
for i, (cid, p) in enumerate(sorted(imgs.items())):
    assert p.get_content_type() == "image/png"
    assert p.get_content_disposition() == "inline"
    open("mail%d.png" % i, "wb").write(p.get_content())
print("parts", len(parts), "cids", len(cids))
PY
check "the message: multipart/related, each cid: a PNG part" python3 mime.py
ok=0
for f in mail*.png; do
	[ "$(pngcheck size "$f")" = "760 400" ] && ok=$((ok + 1))
done
check "each mailed PNG decodes ($ok)" test "$ok" -eq 9
check_fail "daily-report.sh: -t required" 2 sh "$LI_TOP/examples/daily-report.sh" -d snap -l "$L"
done_testing
