#!/bin/sh
# A workbook on standard input: "hcp-check - <file.xlsx" and "hcp-import -
# <file.xlsx" (or through a pipe) read it as a workbook, found by its zip
# signature (PK\3\4), with its rows numbered as in the sheet; --sheet
# applies; a CSV on standard input reads as before, also one whose first
# byte is a P; a zip that is no workbook, or a cut-off one, is refused
# (exit 2) naming standard input.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
X="$HCP_SRC/tests/data/office/xlsx.py"
. "$HCP_SRC/tests/data/office/rows.sh"

test_expect_success 'set up: a station, serials, filled workbooks' '
	setup_station &&
	issue_serials hcp.db 10 >serials &&
	hcp-form -d hcp.db --xlsx-template -o t.xlsx &&
	rows 1 2 3 >rows.csv &&
	python3 "$X" fill t.xlsx filled.xlsx rows.csv --serial N --serial O &&
	rows 4 5 6 >rows2.csv &&
	python3 "$X" fill t.xlsx num.xlsx rows2.csv --number A --serial N \
		--serial O &&
	test "$(head -c 4 filled.xlsx | od -An -c | tr -d " ")" = "PK003004"
'

test_expect_success 'hcp-check - <workbook: read as a workbook' '
	hcp-check -d hcp.db - <filled.xlsx >out &&
	test_grep out "3 rows: 3 valid" &&
	cat filled.xlsx | hcp-check -d hcp.db - >out2 &&
	test_cmp out out2
'

test_expect_success 'hcp-check - <workbook: findings at the sheet rows' '
	test_expect_code_ 1 hcp-check -d hcp.db - <num.xlsx >out &&
	test_grep out "^(standard input):2: 表单编号: E_NUMBER_MANGLED" &&
	test_grep out "^(standard input):4: 表单编号: E_NUMBER_MANGLED"
'

test_expect_success '--sheet applies to a workbook on standard input' '
	test_expect_code_ 2 hcp-check -d hcp.db --sheet 7 - <filled.xlsx \
		2>err &&
	test_grep err "^hcp-check: (standard input): " &&
	hcp-check -d hcp.db --sheet 1 - <filled.xlsx >out &&
	test_grep out "3 rows: 3 valid"
'

test_expect_success 'hcp-import - <workbook: the rows imported' '
	cat filled.xlsx | hcp-import -q -d hcp.db --rejects rj.csv - &&
	sqlite3 hcp.db "SELECT src_line, item_code, satisfaction, guide_clear
		FROM evaluations ORDER BY src_line" >got &&
	cat >want <<-EOF &&
	2|$ITEM|4|1
	3|$ITEM|5|1
	4|$ITEM|3|0
	EOF
	test_cmp want got &&
	sha256sum <filled.xlsx | cut -d" " -f1 >want &&
	sqlite3 hcp.db "SELECT src_hash FROM imports" >got &&
	grep -q "$(cat want)" got
'

test_expect_success 'a CSV on standard input still reads as CSV' '
	cp "$HCP_SRC/tests/data/keyed/valid.csv" v.csv &&
	hcp-check -d hcp.db v.csv >want &&
	hcp-check -d hcp.db - <v.csv >got &&
	sed "s/^-:/v.csv:/" got >got2 &&
	test_cmp want got2
'

# a header may be in capitals: a keyed CSV can begin with a P
test_expect_success 'a CSV starting with P on standard input: CSV' '
	cat >p.csv <<-EOF &&
	PROJECT_NO,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time
	PK-9,$ITEM,11330523002572643X,330523,A01,AJ0001,4,5,501,2026-11-20 09:00,2026-11-20 10:00
	EOF
	hcp-check -d hcp.db - <p.csv >out &&
	test_grep out "^-: 1 rows: 1 valid" &&
	cat p.csv | hcp-check -d hcp.db - >out &&
	test_grep out "^-: 1 rows: 1 valid" &&
	printf "PK" | test_expect_code_ 1 hcp-check -d hcp.db - >out 2>&1 &&
	test_grep out "^(standard input):1: PK: E_HEADER_UNKNOWN"
'

test_expect_success 'a zip that is no workbook, or a cut-off one: exit 2' '
	printf "not a workbook\n" >readme.txt &&
	python3 -c "import zipfile; zipfile.ZipFile(\"z.zip\", \"w\").write(\"readme.txt\")" &&
	test_expect_code_ 2 hcp-check -d hcp.db - <z.zip 2>err &&
	test_grep err "^hcp-check: (standard input): .*xl/workbook.xml" &&
	head -c 300 filled.xlsx >cut.xlsx &&
	test_expect_code_ 2 hcp-import -d hcp.db --rejects rj2.csv - \
		<cut.xlsx 2>err &&
	test_grep err "(standard input)"
'

test_done
