#!/bin/sh
# hcp-report --load-services: the services list (办件) with the rejects
# discipline of hcp-import; 覆盖率 and 未评率 against independent SQL;
# --unmatched lists services never evaluated and evaluations with no
# service.
. "$(dirname "$0")/lib.sh"

GEN="$HCP_SRC/tests/data/report"

test_expect_success 'a generated db and its services list' '
	setup_station &&
	sqlite3 hcp.db -cmd ".parameter set @n 600" <"$GEN/gen.sql" &&
	{
		echo "办件编号,事项编码,窗口,工号,办理日期" &&
		sqlite3 -csv hcp.db "SELECT project_no, item_code,
		    ifnull(window_id, char()), ifnull(staff_id, char()),
		    replace(substr(assess_time, 1, 10), char(45), char(47))
		    FROM evaluations WHERE id <= 500 ORDER BY id" &&
		sqlite3 -csv hcp.db "SELECT char(83) || (9000 + id), item_code,
		    char(), char(), substr(assess_time, 1, 10) || char(32) ||
		    char(49, 48, 58, 48, 48)
		    FROM evaluations WHERE id <= 50 ORDER BY id" &&
		echo ",11330523002572643X200016010000001,A01,,2024-02-01" &&
		echo "S0001,11330523002572643X200016010000001,A01,,2024-02-30" &&
		echo "S0002,NO-SUCH-ITEM,A01,,2024-02-01" &&
		echo "S0003,,Z99,,2024-02-01" &&
		echo "S9001,,,,2024-02-01" &&
		sqlite3 -csv hcp.db "SELECT char(83) || (9000 + id), item_code,
		    char(), char(), substr(assess_time, 1, 10)
		    FROM evaluations WHERE id = 2"
	} >services.csv &&
	test "$(wc -l <services.csv)" = 557
'

test_expect_code 1 'loading it: every row accepted, rejected or a duplicate' '
	hcp-report -d hcp.db --load-services services.csv >out; rc=$?
	cat out &&
	test_grep out "556 rows read: 550 services loaded, 5 rejected, 1 already loaded" &&
	test_grep out "services.csv.rejects.csv" && exit $rc || exit 99
'

test_expect_success 'the rejects file names line, column and code' '
	f=services.csv.rejects.csv &&
	test "$(stat -c %a $f)" = 600 &&
	test_grep $f "E_REQUIRED" &&
	test_grep $f "E_DATE_FORMAT" &&
	test_grep $f "E_ITEM_UNKNOWN" &&
	test_grep $f "E_WINDOW_UNKNOWN" &&
	test_grep $f "E_DUPLICATE_PROJECT" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM services")" = 550 &&
	test "$(sqlite3 hcp.db "SELECT service_date FROM services
	    WHERE project_no = '\''P1'\''")" = \
	    "$(sqlite3 hcp.db "SELECT substr(assess_time, 1, 10)
	    FROM evaluations WHERE id = 1")"
'

test_expect_success 'loading it again adds nothing' '
	hcp-report -d hcp.db --load-services services.csv \
		--rejects again.csv >out;
	test_grep out "551 already loaded" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM services")" = 550
'

test_expect_success 'coverage by department and month equals SQL' '
	hcp-report -q -d hcp.db -b dept,month -f csv -o r.csv &&
	tr -d "\r" <r.csv >r.lf &&
	head -n 1 r.lf | grep -q ",services,coverage,unevaluated_rate" &&
	sqlite3 -csv hcp.db "SELECT i.dept_code, count(*),
	    printf('\''%.4f'\'', avg(EXISTS (SELECT 1 FROM evaluations e
	    WHERE e.project_no = s.project_no))),
	    printf('\''%.4f'\'', 1 - avg(EXISTS (SELECT 1 FROM evaluations e
	    WHERE e.project_no = s.project_no)))
	    FROM services s JOIN items i ON i.code = s.item_code
	    GROUP BY 1 ORDER BY 1" >want &&
	awk -F, "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
	\$1 == \"dept\" && \$(c[\"services\"]) > 0 {
		print \$2 \",\" \$(c[\"services\"]) \",\" \$(c[\"coverage\"]) \
		    \",\" \$(c[\"unevaluated_rate\"]) }" r.lf >got &&
	test_cmp want got &&
	sqlite3 -csv hcp.db "SELECT substr(service_date, 1, 7), count(*)
	    FROM services GROUP BY 1" >want &&
	awk -F, "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
	\$1 == \"month\" { print \$2 \",\" \$(c[\"services\"]) }" r.lf >got &&
	test_cmp want got
'

test_expect_success '--unmatched lists both kinds' '
	hcp-report -q -d hcp.db --unmatched -o u.csv &&
	test "$(grep -c "^service not evaluated," u.csv)" = 50 &&
	test "$(grep -c "^evaluation without service," u.csv)" = 100 &&
	grep -q "^evaluation without service,P501," u.csv &&
	hcp-report -d hcp.db -b dept >t.txt &&
	test_grep t.txt "550 services (办件) in the period, 500 of them evaluated; 100 evaluations match no service"
'

test_expect_code 1 'empty columns a spreadsheet adds are passed over; a value in one is rejected' '
	item=11330523002572643X200016010000001 &&
	{
		echo "办件编号,事项编码,窗口,工号,办理日期,," &&
		echo "T0001,$item,A01,,2024-02-01,," &&
		echo "T0002,$item,A01,,2024-02-01,x," &&
		echo "T0003,$item,A01,,2024-02-01,,,y"
	} >trail.csv &&
	hcp-report -d hcp.db --load-services trail.csv >out; rc=$?
	test_grep out "3 rows read: 1 services loaded, 2 rejected" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM services
	    WHERE project_no LIKE '\''T%'\''")" = 1 &&
	test_grep trail.csv.rejects.csv "^T0002,.*E_CELL_NO_HEADER" &&
	test_grep trail.csv.rejects.csv "^T0003,.*E_EXTRA_CELLS" &&
	exit $rc || exit 99
'

test_expect_code 1 'a workbook formula saved without its value rejects its row, said once' '
	python3 - <<-\PY &&
	import zipfile
	ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	pk = "http://schemas.openxmlformats.org/package/2006/relationships"
	parts = {
	    "[Content_Types].xml": "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
	    "_rels/.rels": "<Relationships xmlns=\"%s\"><Relationship Id=\"rId1\" Type=\"%s/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>" % (pk, rel),
	    "xl/workbook.xml": "<workbook xmlns=\"%s\" xmlns:r=\"%s\"><sheets><sheet name=\"s\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>" % (ns, rel),
	    "xl/_rels/workbook.xml.rels": "<Relationships xmlns=\"%s\"><Relationship Id=\"rId1\" Type=\"%s/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>" % (pk, rel),
	    "xl/worksheets/sheet1.xml": "<worksheet xmlns=\"%s\"><sheetData>"
	        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>办件编号</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>办理日期</t></is></c></row>"
	        "<row r=\"2\"><c r=\"A2\"><f>B2</f></c><c r=\"B2\" t=\"inlineStr\"><is><t>2024-02-01</t></is></c></row>"
	        "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>F0001</t></is></c><c r=\"B3\" t=\"inlineStr\"><is><t>2024-02-02</t></is></c></row>"
	        "</sheetData></worksheet>" % ns,
	}
	with zipfile.ZipFile("f.xlsx", "w") as z:
	    for n, d in parts.items():
	        z.writestr(n, d)
	PY
	hcp-report -d hcp.db --load-services f.xlsx >out; rc=$?
	test_grep out "2 rows read: 1 services loaded, 1 rejected" &&
	test_grep f.xlsx.rejects.csv ",2,办件编号,E_FORMULA," &&
	! grep E_REQUIRED f.xlsx.rejects.csv &&
	exit $rc || exit 99
'

test_expect_success 'a list without the required columns is refused' '
	printf "办件编号,事项编码\nX1,\n" >bad.csv &&
	test_expect_code_ 2 hcp-report -d hcp.db --load-services bad.csv \
		2>err &&
	test_grep err "bad.csv:1: no column" &&
	printf "办件编号,办理日期,颜色\nX1,2024-01-01,red\n" >bad.csv &&
	test_expect_code_ 2 hcp-report -d hcp.db --load-services bad.csv \
		2>err &&
	test_grep err "bad.csv:1:3: unknown column"
'

test_done
