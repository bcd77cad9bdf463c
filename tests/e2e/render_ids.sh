#!/bin/sh
# Identifier columns (phone numbers, customer ids) are text, not quantities:
# printed verbatim, never grouped, never the default value column.
. "$LI_TOP/tests/lib.sh"
cat > in.csv <<'CSV'
FirstName,PhoneNumber,CustomerID,InvoiceNo,Total
Asha,9876543210,10023,7,12345.5
Ravi,6123456789,10024,8,250
CSV
cat > want.txt <<'TXT'
FirstName  PhoneNumber  CustomerID  InvoiceNo     Total
─────────  ───────────  ──────────  ─────────  ────────
Asha       9876543210   10023       7          12,345.5
Ravi       6123456789   10024       8             250.0
TXT
LC_ALL=C.UTF-8 render table --width 60 --color=never in.csv > got.txt
check_same "phone numbers and ids are printed verbatim" want.txt got.txt
LC_ALL=C.UTF-8 render hbar --width 60 --color=never in.csv > bar.txt
check_grep "the default value column is Total, not an id" '12,345\.5' bar.txt
done_testing
