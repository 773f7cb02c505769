#!/bin/sh
# hcp-check reports every problem code of hcp-csv(5) at the right line
# and column: one fixture a code (tests/data/keyed/codes/CODE.csv, the
# expectations in codes/EXPECT), against a station whose ledger has
# issued, used and voided serials and whose catalogue has a retired
# window.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

K="$HCP_SRC/tests/data/keyed"
export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC

test_expect_success 'set up a station with issued, used and voided serials' '
	setup_station &&
	issue_serials hcp.db 10 >serials &&
	test "$(wc -l <serials)" = 10 &&
	SOURCE_DATE_EPOCH=1787558400 hcp-form -d hcp.db -w A01 --issue 1 >printed &&
	test "$(cat printed)" = 3305230100000112 &&
	void_serial hcp.db 3305230100000033 &&
	sqlite3 hcp.db "UPDATE windows SET retired = 1 WHERE id = '\''A06'\''" &&
	cp "$K/base-used.csv" base-used.csv &&
	hcp-import -q -d hcp.db base-used.csv &&
	test "$(sqlite3 hcp.db "SELECT state FROM ledger
		WHERE serial = '\''3305230100000022'\''")" = used
'

test_expect_code 0 'the valid fixture is valid' '
	hcp-check -d hcp.db "$K/valid.csv"
'

# every code documented in hcp-csv(5) has a fixture
codes=$(grep -o '[EWD]_[A-Z_]*[A-Z]' "$HCP_SRC/man/hcp-csv.5" | sort -u)
test_expect_success 'every code of hcp-csv(5) has a fixture' '
	for c in $codes; do
		grep -q "^$c " "$K/codes/EXPECT" || { echo "no fixture: $c"; exit 1; }
	done &&
	test "$(echo $codes | wc -w)" -ge 40
'

grep -v '^#' "$K/codes/EXPECT" >expect
while read -r code line col; do
	[ "$col" = - ] && col=
	case $code in
	E_*|D_*) want=1 ;;
	*) want=0 ;;
	esac
	[ "$code" = D_DUPLICATE ] && want=0
	f=$K/codes/$code.csv
	[ -e "$f" ] || f=$K/codes/$code.xlsx
	test_expect_code $want "$code at line $line${col:+, column $col}" "
		hcp-check -d hcp.db -f csv -o out.csv '$f'
		rc=\$?
		grep -q ',$line,$col,$code,' out.csv || exit 9
		exit \$rc
	"
done <expect

test_expect_success 'hcp-import rejects each E_ fixture row with its code' '
	for f in "$K"/codes/E_*.csv "$K"/codes/E_*.xlsx; do
		c=$(basename "$f" | sed "s/\.[a-z]*\$//")
		case $c in E_HEADER_*) continue ;; esac
		cp "$f" in.csv &&
		hcp-import -q -d hcp.db in.csv >out 2>&1
		test -f in.csv.rejects.csv || { echo "$c: no rejects"; exit 1; }
		grep -q ",$c," in.csv.rejects.csv ||
		grep -q ",$c; " in.csv.rejects.csv ||
		grep -q "; $c[;,]" in.csv.rejects.csv ||
		{ echo "$c:"; cat in.csv.rejects.csv; exit 1; }
		rm -f in.csv.rejects.csv
	done
'

test_expect_success 'nothing was imported but the base row' '
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations")" = 1
'

test_expect_success 'json report: counts and problems' '
	hcp-check -d hcp.db -f json -o out.json "$K/codes/E_PHONE.csv" \
		"$K/valid.csv"
	test_grep out.json "\"code\": \"E_PHONE\"" &&
	test_grep out.json "\"rows\": 1, \"valid\": 0, \"invalid\": 1" &&
	test_grep out.json "\"rows\": 1, \"valid\": 1, \"invalid\": 0" &&
	if command -v python3 >/dev/null; then
		python3 -m json.tool out.json >/dev/null
	fi
'

test_expect_code 2 'a missing file is an error (exit 2)' '
	hcp-check -d hcp.db nosuch.csv
'

test_expect_success 'personal data is masked in messages' '
	hcp-check -d hcp.db "$K/codes/E_PHONE.csv" >out
	test_grep out "E_PHONE" && ! grep -q 2381234567 out
'

test_done
