#!/bin/sh
# Every script in examples/ runs as a user runs it after the README's
# set-up: from the top of the tree, with only the installed tools on PATH
# (build/bin, not the test helpers in build/tests), and finishes without a
# stray message on stderr.  A script that needs a server (scaleout.sh:
# Kafka) gets one started here, as a user would have one.
. "$LI_TOP/tests/lib.sh"

user_path=$LI_BUILD/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cd "$LI_TOP" || exit 1

# ex NAME CMD...: run CMD as the user, its output in $WORK/NAME.{out,err}.
ex() {
	_name=$1; shift
	env PATH="$user_path" TMPDIR="$WORK" "$@" \
	    >"$WORK/$_name.out" 2>"$WORK/$_name.err"
}

# quiet NAME: nothing on stderr that reads as a failure.
quiet() {
	! grep -E -i -e 'not found|no such file|cannot|error|usage|unknown' \
	    -e 'Segmentation|Aborted|Terminated' "$WORK/$1.err"
}

seen=
for f in examples/*.sh; do
	seen="$seen ${f#examples/}"
done

# The demo, shortened; render draws frames to a pipe.
ex demo env LC_ALL=C.UTF-8 COLUMNS=120 LINES=40 DEMO_SECONDS=4 DEMO_RATE=300 \
    sh examples/demo.sh
rc=$?
check "demo.sh exits 0 (status $rc)" test $rc -eq 0
check "demo.sh: stderr clean" quiet demo
check_grep "demo.sh drew the dashboard" "Revenue by branch" "$WORK/demo.out"

# The invoice path from the till to the archive, then its analyses.
ex invoice sh examples/invoice-pipeline.sh -n 300 -o "$WORK/inv"
rc=$?
check "invoice-pipeline.sh exits 0 (status $rc)" test $rc -eq 0
check "invoice-pipeline.sh: stderr clean" quiet invoice
check "invoice-pipeline.sh archived the invoices" test -s "$WORK/inv/invoices.bson"
ex analyses sh examples/invoice-analyses.sh "$WORK/inv/invoices.bson" \
    "$WORK/an"
rc=$?
check "invoice-analyses.sh exits 0 (status $rc)" test $rc -eq 0
check "invoice-analyses.sh: stderr clean" quiet analyses
check "invoice-analyses.sh wrote the busiest days" test -s "$WORK/an/busiest_days.csv"

ex recommend sh examples/recommend-demo.sh "$WORK/rec"
rc=$?
check "recommend-demo.sh exits 0 (status $rc)" test $rc -eq 0
check "recommend-demo.sh: stderr clean" quiet recommend

mkdir "$WORK/textfile"
ex textfile sh examples/sysheat-textfile.sh "$WORK/textfile"
rc=$?
check "sysheat-textfile.sh exits 0 (status $rc)" test $rc -eq 0
check_grep "sysheat-textfile.sh wrote the metrics" \
    "^sysheat_" "$WORK/textfile/sysheat.prom"

# scaleout.sh needs a Kafka cluster: the mock one, as a user's own.
kafka_mock -p 6 -t scale >"$WORK/mock.addr" 2>"$WORK/mock.err" &
mock=$!
at_exit "kill $mock 2>/dev/null; wait $mock 2>/dev/null"
if wait_for 10 test -s "$WORK/mock.addr"; then
	ex scaleout sh examples/scaleout.sh "$(head -n 1 "$WORK/mock.addr")" \
	    scale 2000
	rc=$?
	check "scaleout.sh exits 0 (status $rc)" test $rc -eq 0
	check "scaleout.sh: stderr clean" quiet scaleout
else
	_notok "scaleout.sh: kafka_mock did not start" "$(cat "$WORK/mock.err")"
fi

# The daily report, mailed through a sendmail that keeps the message.
printf '#!/bin/sh\ncat >"%s/mail.msg"\n' "$WORK" >"$WORK/sendmail"
chmod +x "$WORK/sendmail"
# (fontconfig's allocations live as long as render: tests/lsan/render.supp)
ex report env SENDMAIL="$WORK/sendmail" LC_ALL=C.UTF-8 \
    LSAN_OPTIONS="suppressions=$LI_TOP/tests/lsan/render.supp:print_suppressions=0" \
    sh examples/daily-report.sh -d examples/render-snap \
    -l examples/dashboard.layout -t managers@example.com
rc=$?
check "daily-report.sh exits 0 (status $rc)" test $rc -eq 0
check "daily-report.sh: stderr clean" quiet report
check_grep "daily-report.sh mailed the report" \
    '^Content-Type: multipart/related' "$WORK/mail.msg"

# A new example must be added here.
check "every example is run here (${seen# })" test "$seen" = \
    " daily-report.sh demo.sh invoice-analyses.sh invoice-pipeline.sh recommend-demo.sh scaleout.sh sysheat-textfile.sh"

done_testing
