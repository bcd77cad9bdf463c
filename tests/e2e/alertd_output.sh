#!/bin/sh
# What alertd writes for others to parse stays well formed whatever bytes
# the keys hold: one Nagios status line by the plugin guidelines under
# --once, valid UTF-8 JSON with --format json and on the hooks' stdin.
. "$LI_TOP/tests/lib.sh"
# Event times are local (TZ) with their offset: the expected ones are UTC.
TZ=UTC; export TZ

mkdir snap
# Keys with a '|', a newline, a quote, an '=', a blank, Latin-1 bytes (a
# till export), a tab, DEL and a C1 control (U+0085).
printf 'BranchName,TotalRevenue\na|b,100\n"x\ny",1000\nit'"'"'s,1000\nk=v,1000\nsp ace,1000\n\377\376,1000\nt\tab,1000\nd\177l,1000\nn\302\205l,1000\n' \
    >snap/branch_sales.csv
echo 'weak row branch_sales.csv TotalRevenue warn<0.7*mean' >weak.rules

# Nagios: mean 900, 0.7 x = 630.
alertd -r weak.rules -d snap --once </dev/null >out 2>err
check "--once: warning, exit 1" test $? -eq 1
check "--once: exactly one line" test "$(wc -l <out)" -eq 1
check "--once: one '|', the perfdata's" test "$(tr -cd '|' <out | wc -c)" -eq 1
printf '%s\n' "LIVEINSIGHT WARNING - 1 warning, 8 ok: weak[a_b]=100 WARNING | weak[a_b]=100;630:; weak[x_y]=1000;630:; 'weak[it''s]'=1000;630:; weak[k_v]=1000;630:; 'weak[sp ace]'=1000;630:; 'weak[$(printf '\357\277\275\357\277\275')]'=1000;630:; weak[t_ab]=1000;630:; weak[d_l]=1000;630:; weak[n_l]=1000;630:;" >want
check_same "--once: text and labels cleaned, labels quoted" want out
# The key= of a rule may hold '|' and quotes too.
echo "total sum branch_sales.csv TotalRevenue crit<99999 key=\"a|b'c\"" >key.rules
alertd -r key.rules -d snap --once </dev/null >out 2>err
echo "LIVEINSIGHT CRITICAL - 1 critical: total[a_b'c]=8100 CRITICAL | 'total[a_b''c]'=8100;;99999:" >want
check_same "--once: key= with '|' and a quote" want out

if ! command -v python3 >/dev/null 2>&1; then
	skip "JSON checks" "no python3"
	done_testing
	exit
fi
# A strict check: every line valid UTF-8 JSON, one object each.
cat >jcheck.py <<'E'
import json, sys
n = 0
keys = []
for raw in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    o = json.loads(raw.decode("utf-8", "strict"))
    assert isinstance(o, dict) and len(o) == 7, o
    keys.append(o["key"])
    n += 1
print(n)
for k in keys:
    print(ascii(k))
E
echo 'all row branch_sales.csv TotalRevenue warn>0' >all.rules
printf 'tick,time,rows,rejected,lag_s\n1,2026-11-23T10:00:00Z,1,0,\n' |
    alertd -r all.rules -d snap --clock=input --format json >out 2>err
check "--format json: exit 0" test $? -eq 0
python3 jcheck.py out >got 2>perr
check "--format json: every line is valid UTF-8 JSON" test $? -eq 0
cat >want <<'E'
9
'a|b'
'x\ny'
"it's"
'k=v'
'sp ace'
'\ufffd\ufffd'
't\tab'
'd\x7fl'
'n\x85l'
E
check_same "--format json: keys kept, invalid bytes as U+FFFD" want got
check_grep "--format json: controls escaped" '"key":"n\\u0085l"' out
check_grep "--format json: DEL escaped" '"key":"d\\u007fl"' out

printf 'tick,time,rows,rejected,lag_s\n1,2026-11-23T10:00:00Z,1,0,\n' |
    alertd -r all.rules -d snap --clock=input --exec 'cat >>hook.json' \
    --exec-jobs 1 >out 2>err
check "hooks: exit 0" test $? -eq 0
python3 jcheck.py hook.json >got 2>perr
check "hooks: stdin is valid UTF-8 JSON" test $? -eq 0
check_same "hooks: the same keys" want got

# A message template repeating a long key is cut at a character
# boundary, never inside one.
k=$(awk 'BEGIN { for (i = 0; i < 150; i++) printf "\303\251" }')
printf 'BranchName,TotalRevenue\n%s,1\n' "$k" >snap/branch_sales.csv
echo 'long row branch_sales.csv TotalRevenue warn>0 message="{key}{key}"' >long.rules
printf 'tick,time,rows,rejected,lag_s\n1,2026-11-23T10:00:00Z,1,0,\n' |
    alertd -r long.rules -d snap --clock=input --format json >out 2>err
python3 jcheck.py out >got 2>perr
check "a long UTF-8 key: valid JSON" test $? -eq 0
check "a long UTF-8 key: no U+FFFD made by cutting" test "$(grep -c "$(printf '\357\277\275')" out)" -eq 0

done_testing
