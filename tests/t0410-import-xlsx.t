#!/bin/sh
# Workbooks in: hcp-form --xlsx-template writes the keying workbook (text
# columns, drop-downs from the catalogue on a hidden sheet, date checks,
# Chinese hints, a frozen header); a clerk's filled copy (here keyed by a
# script that edits the sheet's XML as Excel stores typed cells) imports
# with its rows numbered as in the sheet; a number cell in a long-number
# column is reported as the spreadsheet's damage; another writer's
# workbook (shared strings, prefixed XML, sheets moved) reads the same;
# --sheet picks a sheet; cells merged down a column read as the sheet
# shows them; a title row above the header is skipped; LibreOffice's own
# xlsx when soffice is there.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
X="$HCP_SRC/tests/data/office/xlsx.py"
. "$HCP_SRC/tests/data/office/rows.sh"

test_expect_success 'set up a station with issued serials' '
	setup_station &&
	issue_serials hcp.db 10 >serials &&
	test "$(wc -l <serials)" = 10
'

test_expect_success '--xlsx-template writes the keying workbook' '
	hcp-form -d hcp.db --xlsx-template -o t.xlsx &&
	python3 "$X" read t.xlsx >head.csv &&
	hcp-form --csv-template | tail -c +4 | tr -d "\r" >csv-head &&
	test_cmp csv-head head.csv &&
	unzip -p t.xlsx xl/workbook.xml >wb.xml && echo >>wb.xml &&
	test_grep wb.xml "name=\"录入\"" &&
	test_grep wb.xml "name=\"目录\" sheetId=\"2\" state=\"hidden\"" &&
	unzip -p t.xlsx xl/worksheets/sheet1.xml >s1.xml && echo >>s1.xml &&
	test_grep s1.xml "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>" &&
	test_grep s1.xml "promptTitle=\"表单编号\" prompt=\"16位数字" &&
	test_grep s1.xml "<formula1>\"非常满意,满意,基本满意,不满意,非常不满意\"</formula1>" &&
	test_grep s1.xml "<formula1>\"是,否\"</formula1>" &&
	test_grep s1.xml "<formula1>'\''目录'\''!\$A\$2:\$A" &&
	test_grep s1.xml "type=\"date\"" &&
	unzip -p t.xlsx xl/styles.xml >styles.xml && echo >>styles.xml &&
	test_grep styles.xml "formatCode=\"@\"" &&
	unzip -p t.xlsx xl/sharedStrings.xml >sst.xml && echo >>sst.xml &&
	test_grep sst.xml "居民身份证换领 — $ITEM"
'

test_expect_success 'every column but the dates is text' '
	# A to S: the text style (1), but the two dates (N, O: 2)
	grep -o "<col [^>]*>" s1.xml >cols &&
	test "$(grep -c "style=\"1\"" cols)" = 17 &&
	test_grep cols "<col min=\"14\" max=\"14\" width=\"[0-9.]*\" style=\"2\"" &&
	test_grep cols "<col min=\"15\" max=\"15\" width=\"[0-9.]*\" style=\"2\""
'

test_expect_success 'a filled workbook imports: rows by their sheet row' '
	rows 1 2 3 >rows.csv &&
	python3 "$X" fill t.xlsx filled.xlsx rows.csv --serial N --serial O &&
	hcp-check -d hcp.db filled.xlsx >out &&
	test_grep out "3 rows: 3 valid" &&
	hcp-import -q -d hcp.db filled.xlsx &&
	sqlite3 hcp.db "SELECT src_line, item_code, service_time, assess_time,
		satisfaction, guide_clear FROM evaluations ORDER BY src_line" >got &&
	cat >want <<-EOF &&
	2|$ITEM|2026-11-20 09:00:00|2026-11-20 10:00:00|4|1
	3|$ITEM|2026-11-20 09:30:00|2026-11-20 10:30:00|5|1
	4|$ITEM|2026-11-21 08:00:00|2026-11-21 09:00:00|3|0
	EOF
	test_cmp want got
'

test_expect_code 1 'a serial keyed into a number cell is the spreadsheet damage' '
	rows 4 5 6 >rows2.csv &&
	python3 "$X" fill t.xlsx num.xlsx rows2.csv --number A --serial N --serial O &&
	hcp-check -d hcp.db num.xlsx >out
	rc=$?
	test_grep out "num.xlsx:2: 表单编号: E_NUMBER_MANGLED" &&
	test_grep out "num.xlsx:4: 表单编号: E_NUMBER_MANGLED" &&
	test_grep out "xlsx-template" &&
	exit $rc || exit 99
'

test_expect_success 'an item name two items share is not taken for either' '
	sqlite3 hcp.db "INSERT INTO items (code, name, dept_code) SELECT
		code || '\''9'\'', name, dept_code FROM items WHERE code = '\''$ITEM'\''" &&
	rows 4 5 6 >rows3.csv &&
	python3 "$X" fill t.xlsx twice.xlsx rows3.csv --serial N --serial O &&
	hcp-check -d hcp.db twice.xlsx >out
	test $? = 1 || { cat out; exit 1; }
	test_grep out "twice.xlsx:3: 事项编码: E_ITEM_UNKNOWN" &&
	! grep -q "twice.xlsx:[24]:" out &&
	sqlite3 hcp.db "DELETE FROM items WHERE code = '\''${ITEM}9'\''"
'

test_expect_success "another writer's workbook: shared strings, x: names" '
	{ hcp-form --csv-template | tail -c +4 | tr -d "\r"; rows 4 5 6; } >plain.csv &&
	python3 "$X" make other.xlsx plain.csv --sheet 说明 --sheet 空 &&
	unzip -p other.xlsx xl/sharedStrings.xml | grep -q rPh &&
	hcp-check -d hcp.db -f json other.xlsx >out.json &&
	test_grep out.json "\"encoding\": \"XLSX\"" &&
	test_grep out.json "\"rows\": 3, \"valid\": 3, \"invalid\": 0"
'

test_expect_success 'cells merged down a column give each row their value, as the sheet shows it' '
	{ hcp-form --csv-template | tail -c +4 | tr -d "\r";
	  rows 4 5 6 | awk -F, -v OFS=, "NR > 1 { \$3 = \"\" } { print }"; } >merged.csv &&
	python3 "$X" make unmerged.xlsx merged.csv &&
	test_expect_code_ 1 hcp-check -d hcp.db unmerged.xlsx >out &&
	test_grep out "unmerged.xlsx:3: 事项编码: E_REQUIRED" &&
	python3 "$X" make merged.xlsx merged.csv --merge C2:C4 --merge A6:A9 \
		--merge D1:E1 &&
	hcp-check -d hcp.db -f json merged.xlsx >out.json &&
	test_grep out.json "\"rows\": 3, \"valid\": 3, \"invalid\": 0"
'

test_expect_success 'a title row above the header of a sheet is skipped and said' '
	{ echo "安吉县政务服务好差评纸质评价录入表"; cat plain.csv; } >titled.csv &&
	python3 "$X" make titled.xlsx titled.csv &&
	hcp-check -d hcp.db titled.xlsx >out &&
	test_grep out "titled.xlsx:1: warning: W_TITLE_ROW: .*(安吉县政务服务好差评纸质评价录入表)" &&
	test_grep out "3 rows: 3 valid, 0 invalid, 0 duplicates, 1 warnings" &&
	hcp-compare titled.xlsx plain.csv >cmp 2>&1 &&
	test_grep cmp "3 matched"
'

test_expect_success 'a header on two rows, names grouped under a label, reads as one header' '
	hcp-form --csv-template | tail -c +4 | tr -d "\r" |
	awk -F, -v OFS=, "{ u = \$0; \$10 = \"评价人信息\"; \$11 = \$12 = \$13 = \"\"; print;
		n = split(u, f, \",\"); l = \"\";
		for (i = 1; i <= n; i++) l = l (i > 1 ? \",\" : \"\") (i >= 10 && i <= 13 ? f[i] : \"\");
		print l }" >two.csv &&
	rows 4 5 6 >>two.csv &&
	sed -n 2p two.csv | grep -q "^,,,,,,,,,评价人,证件类型,证件号码,手机号码,,,,,,$" &&
	# as a CSV file: the upper name where the lower row is blank
	hcp-check -d hcp.db two.csv >out &&
	test_grep out "two.csv:1: warning: W_HEADER_TWO_ROWS" &&
	test_grep out "3 rows: 3 valid, 0 invalid, 0 duplicates, 1 warnings" &&
	hcp-compare two.csv plain.csv >cmp 2>&1 && test_grep cmp "3 matched" &&
	# as a workbook: the other names merged down over both rows
	merges="" && for c in A B C D E F G H I N O P Q R S; do
		merges="$merges --merge ${c}1:${c}2"
	done &&
	python3 "$X" make two.xlsx two.csv $merges --merge J1:M1 &&
	hcp-check -d hcp.db two.xlsx >out &&
	test_grep out "two.xlsx:1: warning: W_HEADER_TWO_ROWS" &&
	test_grep out "3 rows: 3 valid" &&
	# a row of data under a header that is not usable is no header
	sed 2d two.csv >one.csv &&
	test_expect_code_ 1 hcp-check -d hcp.db one.csv >out &&
	test_grep out "one.csv:1: 评价人信息: E_HEADER_UNKNOWN" &&
	! grep W_HEADER_TWO_ROWS out
'

test_expect_success 'a first sheet of notes: the other visible sheets are named for --sheet' '
	printf "填写说明\n1. 每张评价表一行\n" >notes.csv &&
	python3 "$X" make notes.xlsx notes.csv --sheet 录入 &&
	test_expect_code_ 1 hcp-check -d hcp.db notes.xlsx >out &&
	test_grep out "notes.xlsx: the header row is not usable (the workbook.s other sheets: \"录入\"; --sheet chooses one)" &&
	test_expect_code_ 1 hcp-import -d hcp.db -u 李娜 notes.xlsx 2>err &&
	test_grep err "nothing was imported (the workbook.s other sheets: \"录入\"; --sheet chooses one)" &&
	python3 -c "import zipfile
src, dst = zipfile.ZipFile(\"notes.xlsx\"), zipfile.ZipFile(\"hidden.xlsx\", \"w\")
for n in src.namelist():
    d = src.read(n)
    if n == \"xl/workbook.xml\":
        d = d.replace(b\"sheetId=\\\"2\\\"\", b\"sheetId=\\\"2\\\" state=\\\"hidden\\\"\")
    dst.writestr(n, d)
dst.close()" &&
	unzip -p hidden.xlsx xl/workbook.xml | grep -q "state=\"hidden\"" &&
	test_expect_code_ 1 hcp-check -d hcp.db hidden.xlsx >out &&
	test_grep out "hidden.xlsx: the header row is not usable\$"
'

test_expect_success '--sheet picks a sheet by name or number; a wrong one is named' '
	hcp-check -d hcp.db --sheet Sheet1 other.xlsx >a &&
	test_grep a "3 rows: 3 valid" &&
	hcp-check -d hcp.db --sheet 说明 other.xlsx >b 2>&1
	test $? = 2 && test_grep b "other.xlsx: the sheet \"说明\" is empty: a header row is needed (the workbook.s other sheets: \"Sheet1\", \"空\"; --sheet chooses one)" &&
	hcp-check -d hcp.db --sheet 3 other.xlsx >c 2>&1
	test $? = 2 && test_grep c "other.xlsx: the sheet \"空\" is empty" &&
	hcp-check -d hcp.db --sheet 1 other.xlsx >e &&
	test_grep e "3 rows: 3 valid" &&
	hcp-check -d hcp.db --sheet 汇总 other.xlsx >d 2>&1
	test $? = 2 &&
	test_grep d "other.xlsx: the workbook has no sheet \"汇总\" (its sheets: \"Sheet1\", \"说明\", \"空\")"
'

test_expect_success 'the rejects of a workbook are a workbook too, mode 0600' '
	rows 7 8 9 | sed "2s/,满意,/,很好,/" >rows4.csv &&
	python3 "$X" fill t.xlsx rej.xlsx rows4.csv --number A --serial N --serial O &&
	hcp-import -d hcp.db rej.xlsx >out
	test $? = 1 &&
	test_grep out "rej.xlsx: rejected rows written to rej.xlsx.rejects.csv" &&
	test_grep out "rej.xlsx: rejected rows written to rej.xlsx.rejects.xlsx" &&
	test "$(stat -c %a rej.xlsx.rejects.xlsx)" = 600 &&
	python3 "$X" read rej.xlsx.rejects.xlsx >rej.csv &&
	tail -c +4 rej.xlsx.rejects.csv | tr -d "\r" >rej-want.csv &&
	test_cmp rej-want.csv rej.csv &&
	test "$(wc -l <rej.csv)" = 4 &&
	test_grep rej.csv "E_NUMBER_MANGLED" &&
	! ls rej.xlsx.rejects.xlsx.* 2>/dev/null
'

test_expect_success 'hcp-compare reads a workbook against its CSV twin' '
	rows 1 2 3 >twin.csv &&
	{ hcp-form --csv-template | tail -c +4 | tr -d "\r"; cat twin.csv; } >twin-full.csv &&
	hcp-compare -q twin-full.csv filled.xlsx
'

test_expect_success 'a zip that is no workbook, a damaged one, noise named .xlsx: exit 2; a CSV named .xlsx reads' '
	printf "PK\003\004garbage" >bad.xlsx &&
	hcp-check -d hcp.db bad.xlsx 2>err
	test $? = 2 && test_grep err "bad.xlsx" &&
	python3 -c "import zipfile; zipfile.ZipFile(\"z.xlsx\", \"w\").writestr(\"a.txt\", \"x\")" &&
	hcp-check -d hcp.db z.xlsx 2>err
	test $? = 2 && test_grep err "not an Excel workbook" &&
	printf "\377\376\000\000\201\060\377garbage\n\377\n" >noise.xlsx &&
	hcp-check -d hcp.db noise.xlsx 2>err
	test $? = 2 && test_grep err "noise.xlsx: named as a workbook (.xlsx), but it is neither a workbook nor a CSV file" &&
	printf "garbage\377\377\n\200\377\n" >noise2.XLSX &&
	hcp-check -d hcp.db noise2.XLSX 2>err
	test $? = 2 && test_grep err "noise2.XLSX: named as a workbook (.xlsx), but it is neither a workbook nor a CSV file" &&
	cp "$HCP_SRC/tests/data/keyed/valid.csv" csv.xlsx &&
	hcp-check -d hcp.db csv.xlsx >out &&
	test_grep out "csv.xlsx: 1 rows: 1 valid"
'

test_expect_success 'an Excel 97-2003 or WPS workbook (.xls) is named as such, exit 2' '
	# the first bytes of every OLE2 compound file, as .xls and .et are
	printf "\320\317\021\340\241\261\032\341" >old.xls &&
	head -c 1024 /dev/zero >>old.xls &&
	test_expect_code_ 2 hcp-check -d hcp.db old.xls 2>err &&
	test_grep err "old.xls: a workbook of Excel 97-2003 or of WPS" &&
	test_expect_code_ 2 hcp-import -d hcp.db -u 李娜 old.xls 2>err &&
	test_grep err "save it as .xlsx" &&
	! test -e old.xls.rejects.csv
'

if command -v soffice >/dev/null 2>&1; then
	test_expect_success 'a workbook LibreOffice wrote from a CSV imports' '
		rows 7 8 9 >lo.csv &&
		{ hcp-form --csv-template | tail -c +4 | tr -d "\r"; cat lo.csv; } >lo-full.csv &&
		soffice --headless --convert-to xlsx --outdir lo lo-full.csv >/dev/null 2>&1 &&
		hcp-check -d hcp.db lo/lo-full.xlsx >out
		cat out
		test_grep out "3 rows"
	'
else
	say "skipped: soffice is not installed (LibreOffice-written workbook)"
fi

test_done
