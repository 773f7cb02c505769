#!/bin/sh
# A workbook written by another program (Python's openpyxl, as a clerk's
# own spreadsheet tool would write it): typed cells as that writer stores
# them — inline strings, numbers, real date and date-time cells — import
# with the values the clerk saw; a long number kept in a number cell is
# reported as a spreadsheet's damage, not imported.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
export HCP_OPERATOR=clerk
PY=/usr/bin/python3
if ! "$PY" -c "import openpyxl" 2>/dev/null; then
	echo "1..0 # SKIP openpyxl is not installed (Debian: python3-openpyxl)"
	exit 0
fi

test_expect_success 'a station, three serials, the template header' '
	setup_station &&
	issue_serials hcp.db 3 >serials &&
	hcp-form --csv-template | tail -c +4 | tr -d "\r" >head.csv
'

test_expect_success 'openpyxl writes a filled workbook' '
	"$PY" - <<-PY
	import openpyxl, datetime
	wb = openpyxl.Workbook()
	ws = wb.active
	ws.title = "录入"
	ws.append(open("head.csv").read().strip().split(","))
	s = [l.strip() for l in open("serials")]
	item = "11330523002572643X200016010000002"
	dt = datetime.datetime
	ws.append([s[0], "P-1", item, "A01", "AJ0003", "满意", None, None, 1,
	    None, None, None, None, dt(2026, 11, 20, 9, 0),
	    dt(2026, 11, 20, 10, 0), "是", "否", "是", "是"])
	ws.append([s[1], "P-2", "居民身份证换领", "A01", "AJ0003", "非常满意",
	    None, "办得快", 1, None, None, None, None,
	    datetime.date(2026, 11, 20), dt(2026, 11, 20, 10, 30, 15),
	    "是", "是", "是", "是"])
	ws.append([s[2], "P-3", item, "A01", "AJ0003", 4, None, None, 1, None,
	    None, None, None, "2026-11-21 08:00", dt(2026, 11, 21, 9, 0),
	    "否", "否", "否", "否"])
	wb.save("op.xlsx")
	# the same, with the first serial typed into a number cell
	ws["A2"].value = int(s[0])
	wb.save("num.xlsx")
	# formulas, which openpyxl saves without their results
	ws["A2"].value = s[0]
	ws["F2"].value = "=2+2"
	ws["H3"].value = "=B3&\"!\""
	wb.save("formula.xlsx")
	PY
	test -s op.xlsx && test -s num.xlsx && test -s formula.xlsx
'

test_expect_success 'a formula saved without its result rejects its row, named once' '
	test_expect_code_ 1 hcp-check -d hcp.db formula.xlsx >out &&
	test_grep out "formula.xlsx:2: 满意度: E_FORMULA" &&
	test_grep out "formula.xlsx:3: 文字评价: E_FORMULA" &&
	! grep E_REQUIRED out &&
	test_grep out "3 rows: 1 valid, 2 invalid"
'

test_expect_success 'it checks clean and imports every row' '
	hcp-check -d hcp.db op.xlsx >out &&
	test_grep out "3 rows: 3 valid, 0 invalid" &&
	hcp-import -q -d hcp.db op.xlsx &&
	sqlite3 -separator " | " hcp.db "SELECT serial, satisfaction,
		service_time, assess_time, guide_clear, process_easy
		FROM evaluations ORDER BY serial" >got &&
	cat >want <<-EOF &&
	$(sed -n 1p serials) | 4 | 2026-11-20 09:00:00 | 2026-11-20 10:00:00 | 1 | 0
	$(sed -n 2p serials) | 5 | 2026-11-20 | 2026-11-20 10:30:15 | 1 | 1
	$(sed -n 3p serials) | 4 | 2026-11-21 08:00:00 | 2026-11-21 09:00:00 | 0 | 0
	EOF
	test_cmp want got
'

test_expect_success 'a serial in a number cell is the damage (the rest: already in)' '
	test_expect_code_ 1 hcp-check -d hcp.db num.xlsx >out &&
	test_grep out "num.xlsx:2: 表单编号: E_NUMBER_MANGLED" &&
	test_grep out "3 rows: 0 valid, 1 invalid, 2 duplicates"
'

test_done
