#!/bin/sh
# The report step of make demo: the PDF report opens with pdftotext and
# carries the sample station's figures; the workbook is a zip with a
# sheet per grouping; the public export has no staff names.
. "$(dirname "$0")/lib.sh"

test_expect_success 'the demo runs end to end' '
	sh "$HCP_SRC/share/examples/demo.sh" demo >out 2>&1 ||
		{ tail -n 20 out; false; }
'

test_expect_success 'its report page: figures, PDF, workbook, public' '
	test_grep out "== hcp report" &&
	test_grep out "7 evaluations; 0 excluded" &&
	pdftotext demo/report.pdf r.txt &&
	test_grep r.txt "安吉县政务服务中心" &&
	test_grep r.txt "grade distribution" &&
	test "$(pdfinfo demo/report.pdf | sed -n "s/^Pages: *//p")" -ge 2 &&
	python3 -c "
import zipfile
z = zipfile.ZipFile(\"demo/report.xlsx\")
wb = z.read(\"xl/workbook.xml\").decode()
for s in (\"total\", \"dept\", \"window\", \"month\", \"week\"):
    assert \"name=\\\"%s\\\"\" % s in wb, s
" &&
	sqlite3 demo/station.db "SELECT name FROM staff" >names &&
	! grep -F -f names demo/public.csv
'

test_done
