#!/bin/sh
# The daily report, for cron: render builds it from the snapshots and it
# goes out by mail as HTML with the charts inline (MIME multipart/related,
# each PNG a part named by Content-ID, so that mail clients that block
# data: URIs and SVG still show it).
#
#   examples/daily-report.sh -d SNAPDIR -l LAYOUT -t RECIPIENT [-f FROM]
#                            [-s SUBJECT] [-k FILE]
#
#   -k FILE   also keep the report (HTML with data: URIs) in FILE
#
# Any sendmail-compatible mailer does (sendmail, msmtp, nullmailer,
# ssmtp, postfix): it runs "$SENDMAIL -t -oi" with the message on its
# standard input.  SENDMAIL defaults to /usr/sbin/sendmail; RENDER to the
# render on the PATH.  The report is dated in local time: set TZ.
#
# crontab(5), every day at 07:00 India time:
#   CRON_TZ=Asia/Kolkata
#   0 7 * * * TZ=Asia/Kolkata /opt/liveinsight/examples/daily-report.sh \
#       -d /var/lib/liveinsight/snap -l /etc/liveinsight/dashboard.layout \
#       -t managers@example.com
set -eu
dir= layout= to= from= subject= keep=
while getopts d:f:k:l:s:t: opt; do
	case $opt in
	d) dir=$OPTARG ;;
	f) from=$OPTARG ;;
	k) keep=$OPTARG ;;
	l) layout=$OPTARG ;;
	s) subject=$OPTARG ;;
	t) to=$OPTARG ;;
	*) echo "usage: daily-report.sh -d SNAPDIR -l LAYOUT -t RECIPIENT [-f FROM] [-s SUBJECT] [-k FILE]" >&2
	   exit 2 ;;
	esac
done
if [ -z "$dir" ] || [ -z "$layout" ] || [ -z "$to" ]; then
	echo "daily-report.sh: -d, -l and -t are required" >&2
	exit 2
fi
: "${SENDMAIL:=/usr/sbin/sendmail}"
: "${RENDER:=render}"
day=$(date +%Y-%m-%d)
: "${subject:=LiveInsight daily report $day}"
: "${from:=liveinsight@$(hostname 2>/dev/null || echo localhost)}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/li-report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

"$RENDER" report --layout "$layout" -d "$dir" -o "$tmp/report.html"
[ -n "$keep" ] && cp "$tmp/report.html" "$keep"

# render puts each picture's data: URI on a line of its own: each becomes
# a part, and the HTML points at it by cid:.
id=$(date +%s).$$
awk -v dir="$tmp" -v id="$id" '
/^src="data:image\/png;base64,/ {
	n++
	b = substr($0, 28)
	sub(/".*/, "", b)
	print b > (dir "/img" n ".b64")
	close(dir "/img" n ".b64")
	print "src=\"cid:chart" n "." id "@liveinsight\""
	next
}
{ print }
END { print n + 0 > (dir "/count") }' "$tmp/report.html" >"$tmp/mail.html"
n=$(cat "$tmp/count")
boundary="=_liveinsight_$id"
{
	printf 'From: %s\n' "$from"
	printf 'To: %s\n' "$to"
	printf 'Subject: %s\n' "$subject"
	printf 'Date: %s\n' "$(LC_ALL=C date -R)"
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: multipart/related; type="text/html";\n boundary="%s"\n' "$boundary"
	printf '\nThis is a MIME message: its report is HTML.\n'
	printf '\n--%s\n' "$boundary"
	printf 'Content-Type: text/html; charset=utf-8\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 -w 76 <"$tmp/mail.html"
	i=1
	while [ "$i" -le "$n" ]; do
		printf '\n--%s\n' "$boundary"
		printf 'Content-Type: image/png; name="chart%d.png"\n' "$i"
		printf 'Content-Transfer-Encoding: base64\n'
		printf 'Content-ID: <chart%d.%s@liveinsight>\n' "$i" "$id"
		printf 'Content-Disposition: inline; filename="chart%d.png"\n\n' "$i"
		fold -w 76 <"$tmp/img$i.b64"
		i=$((i + 1))
	done
	printf '\n--%s--\n' "$boundary"
} >"$tmp/message"
"$SENDMAIL" -t -oi <"$tmp/message"
