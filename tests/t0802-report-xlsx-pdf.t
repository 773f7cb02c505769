#!/bin/sh
# hcp-report's XLSX workbook read back with python3's zipfile and XML
# parser (a sheet per grouping, numbers as numbers, rates as
# percentages), and its PDF report read with pdftotext, pdfinfo and
# pdffonts (A4, fonts embedded, the same bytes under SOURCE_DATE_EPOCH).
. "$(dirname "$0")/lib.sh"

GEN="$HCP_SRC/tests/data/report"
SOURCE_DATE_EPOCH=1764547200
export SOURCE_DATE_EPOCH

test_expect_success 'a generated db' '
	setup_station &&
	sqlite3 hcp.db -cmd ".parameter set @n 600" <"$GEN/gen.sql" &&
	sqlite3 hcp.db <"$GEN/cases.sql"
'

cat >readx.py <<'PY'
import sys, zipfile, xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
z = zipfile.ZipFile(sys.argv[1])
ss = [si.findtext("m:t", "", ns) for si in
      ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
wb = ET.fromstring(z.read("xl/workbook.xml"))
rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
target = {r.get("Id"): r.get("Target") for r in rels}
styles = ET.fromstring(z.read("xl/styles.xml"))
fmts = {f.get("numFmtId"): f.get("formatCode")
        for f in styles.iter("{%s}numFmt" % ns["m"])}
xfs = [x.get("numFmtId") for x in
       styles.find("m:cellXfs", ns).findall("m:xf", ns)]
# prints: sheet,row,value-or-string,format
for s in wb.find("m:sheets", ns):
    name = s.get("name")
    rid = s.get("{%s}id" % ns["r"])
    sh = ET.fromstring(z.read("xl/" + target[rid]))
    for row in sh.iter("{%s}row" % ns["m"]):
        out = []
        for c in row.findall("m:c", ns):
            v = c.findtext("m:v", "", ns)
            if c.get("t") == "s":
                v = "s:" + ss[int(v)]
            fmt = fmts.get(xfs[int(c.get("s", "0"))], "")
            out.append(v + ("[" + fmt + "]" if fmt else ""))
        print(name + "|" + "|".join(out))
PY

test_expect_success 'the workbook has a sheet per grouping' '
	hcp-report -q -d hcp.db -b dept,window,month --year 2024 -o r.xlsx &&
	python3 readx.py r.xlsx >cells &&
	cut -d"|" -f1 cells | uniq >sheets &&
	printf "%s\n" total dept window month >want &&
	test_cmp want sheets
'

test_expect_success 'counts are numbers, rates percentages, as in the CSV' '
	hcp-report -q -d hcp.db -b dept,window,month --year 2024 -o r.csv &&
	grep "^month|s:2024-02\[@\]|" cells >feb &&
	python3 -c "
row = open(\"feb\").read().strip().split(\"|\")
csv = [l for l in open(\"r.csv\") if l.startswith(\"month,2024-02,\")][0]
csv = csv.strip().split(\",\")
assert row[2:8] == csv[3:9], (row, csv)
rates = [x for x in row if x.endswith(\"[0.0%]\")]
assert len(rates) == 5, rates
assert abs(float(rates[0][:-6]) - float(csv[9])) < 0.00006, (rates, csv)
assert row[10].endswith(\"[0.00]\"), row
"
'

test_expect_success 'the PDF report: A4, fonts embedded, text and charts' '
	hcp-report -q -d hcp.db -b dept,month --year 2024 -o r.pdf &&
	pdfinfo r.pdf >info &&
	test_grep info "Page size: *595.* x 841.* pts (A4)" &&
	pdffonts r.pdf >fonts &&
	! awk "NR > 2 && \$(NF-4) != \"yes\"" fonts | grep . &&
	pdftotext -layout r.pdf r.txt &&
	test_grep r.txt "安吉县政务服务中心" &&
	test_grep r.txt "grade distribution" &&
	test_grep r.txt "good rate over time" &&
	test_grep r.txt "安吉县市场监督管理局" &&
	test_grep r.txt "2024-02" &&
	test_grep r.txt "excluded by an accepted appeal"
'

test_expect_success 'the same figures give the same PDF bytes' '
	sleep 1 &&
	hcp-report -q -d hcp.db -b dept,month --year 2024 -o r2.pdf &&
	cmp r.pdf r2.pdf
'

test_expect_success 'the PDF and the workbook in Chinese' '
	if locale -a | grep -qi "^zh_CN.utf-\?8$"; then
		LC_ALL=zh_CN.UTF-8 hcp-report -q -d hcp.db -b dept \
			--year 2024 -o zh.pdf &&
		pdftotext zh.pdf zh.txt && test_grep zh.txt "好评率"
	fi
'

test_done
