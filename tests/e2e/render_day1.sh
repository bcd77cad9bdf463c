#!/bin/sh
# render, day one at a real store (issue 13): the alerts panel shows the
# active alerts (alertd --state) most severe first with key, severity,
# since and value in local time, or an event log latest first; KPI cards
# keep 4 significant digits when they must abbreviate.
. "$LI_TOP/tests/lib.sh"
unset COLUMNS LINES NO_COLOR
U=C.UTF-8

mkdir snap
# A warning first in the file: the panel puts the critical one first.
cat >snap/active.csv <<'CSV'
alert,key,severity,since,value,threshold,message
low_selling_product,Face Wash,warning,2026-11-23T10:41:12Z,16,20.5,"UnitsSold 16 below 0.5*median (20.5)"
cpu_hot,cpu,critical,2026-11-23T10:40:09+00:00,91.5,90,CPU usage 91.5 above 90
branch_revenue_low,Yelahanka,warning,2026-11-23T16:10:03+05:30,612345.25,655000.50,Yelahanka revenue below 0.4*mean
CSV
printf 'row\nalerts file=active.csv title="Active alerts"\n' >a.layout
panel() {	# TZ, width, layout
	TZ=$1 LC_ALL=$U render dash --layout "$3" -d snap --once -w "$2" \
	    -H 9 >panel.out 2>panel.err
}
panel Asia/Kolkata 120 a.layout
check "an active alerts panel draws" test $? -eq 0
check_grep "the header: severity, alert, key, since, value, message" \
    "│ sev +alert +key +since +value +message" panel.out
sed -n '5,7p' panel.out | sed 's/  *│$//' >order.out
printf '%s\n' \
    '│ crit  cpu_hot              cpu        11-23 16:10       91.50  CPU usage 91.5 above 90' \
    '│ warn  low_selling_product  Face Wash  11-23 16:11       16.00  UnitsSold 16 below 0.5*median (20.5)' \
    '│ warn  branch_revenue_low   Yelahanka  11-23 16:10  612,345.25  Yelahanka revenue below 0.4*mean' \
    >order.want
check_same "most severe first, key, since in Kolkata time, value" \
    order.want order.out
panel America/New_York 120 a.layout
check_grep "since in New York time" "crit  cpu_hot .* cpu +11-23 05:40" \
    panel.out
panel America/New_York 40 a.layout
check_grep "a narrow panel keeps alert, key and since" \
    "│ cpu_hot +cpu +11-23 05:40 │" panel.out

# An event log: latest first, times of day in local time.
cat >snap/events.csv <<'CSV'
time,status,alert,severity,key,value,message
2026-11-23T10:40:03Z,firing,branch_revenue_low,warning,Yelahanka,612345.25,Yelahanka revenue below 40% of the mean
2026-11-23T10:40:09Z,firing,cpu_hot,critical,cpu,91.5,CPU usage above 90%
2026-11-23T10:40:21Z,resolved,cpu_hot,critical,cpu,42.0,CPU usage back to normal
CSV
printf 'row\nalerts file=events.csv last=8\n' >e.layout
panel Asia/Kolkata 120 e.layout
check_grep "an event log: the latest first, in Kolkata time" \
    "│ 16:10:21 +resolved" panel.out
check "then the one before" sh -c \
    'sed -n 6p panel.out | grep -q "16:10:09 *firing *critical *cpu_hot"'
panel America/New_York 120 e.layout
check_grep "an event log in New York time" "│ 05:40:21 +resolved" panel.out

# Not alerts: the reason in the box, by lib/contract.
printf 'a,b\n1,2\n' >snap/other.csv
printf 'row\nalerts file=other.csv\n' >o.layout
panel UTC 80 o.layout
check_grep "a file that is not alerts says so" \
    "other.csv: not alert events: no column 'time'" panel.out

# alertd --state writes its file at the first alert: until then, none.
printf 'row\nalerts file=notyet.csv\n' >n.layout
panel UTC 80 n.layout
check_grep "no active alerts file yet: no alerts, not an error" \
    "│ no alerts \(notyet.csv is not there yet\) +│" panel.out

# KPI cards: the whole number when it fits, else 4 significant digits.
printf 'TotalRevenue,UnitsSold\n6569034.17,13805\n' >k.csv
LC_ALL=$U render kpi --prefix ₹ --grouping indian -y TotalRevenue -w 38 \
    k.csv >k.out
check "₹65,69,034.17 on a 38-column card is ₹65.69L" sh -c \
    'sed -n 3p k.out | grep -q "₹├─┐ └─┐   ├─┐ └─┤ L"'
LC_ALL=C render kpi --prefix '$' -y TotalRevenue -w 38 k.csv >k.out
printf '%s\n' '+- TotalRevenue ---------------------+' \
    '|          _     _   _   _           |' \
    '|        $|_    |_  |_  |_| M        |' \
    '|         |_| .  _| |_|  _|          |' >k.want
sed -n 1,4p k.out >k4.out
check_same "western: 6.569M (ASCII)" k.want k4.out
LC_ALL=$U render kpi -y TotalRevenue,UnitsSold -w 40 k.csv >k.out
check_grep "a narrow card shows the whole number rather than fewer digits" \
    "│   6,569,034.17   ││      13,805      │" k.out
done_testing
