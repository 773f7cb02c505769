#!/bin/sh
# hcp-report --public: aggregates only; no evaluator's name, certificate
# number or phone anywhere in any format, no staff unless the station
# allows it, groups under the minimum size withheld.
. "$(dirname "$0")/lib.sh"

GEN="$HCP_SRC/tests/data/report"

test_expect_success 'a generated db with personal data' '
	setup_station &&
	sqlite3 hcp.db -cmd ".parameter set @n 600" <"$GEN/gen.sql" &&
	sqlite3 hcp.db <"$GEN/cases.sql" &&
	sqlite3 hcp.db "SELECT evaluator FROM evaluations WHERE evaluator
	    IS NOT NULL UNION SELECT cert_no FROM evaluations WHERE cert_no
	    IS NOT NULL UNION SELECT phone FROM evaluations WHERE phone IS
	    NOT NULL" | sort -u >personal &&
	sqlite3 hcp.db "SELECT name FROM staff" >staffnames &&
	test "$(wc -l <personal)" -gt 100
'

test_expect_success 'every public format is free of personal data' '
	for f in table csv json xlsx pdf; do
		hcp-report -q -d hcp.db -b all --public -f $f -o pub.$f ||
			return 1
	done &&
	pdftotext pub.pdf pub.pdf.txt &&
	mkdir x && (cd x && python3 -c "
import zipfile; zipfile.ZipFile(\"../pub.xlsx\").extractall()") &&
	cat pub.table pub.csv pub.json pub.pdf.txt $(find x -type f) >all &&
	test_grep all "evaluations" &&
	! grep -F -f personal all &&
	! grep -F -f staffnames all &&
	! grep -q "^staff," pub.csv &&
	(cd x && ! ls xl/worksheets | grep -q staff; true)
'

test_expect_success 'groups under report_public_min are withheld' '
	hcp-init -q -d hcp.db --set report_public_min=50 &&
	hcp-report -q -d hcp.db -b dept,day --public -f csv -o p.csv &&
	awk -F, "NR > 1 && \$1 != \"total\" && \$4 < 50 { bad = 1 } \
	    END { exit bad }" p.csv &&
	grep -q "^dept," p.csv &&
	! grep -q "^day," p.csv &&
	hcp-report -q -d hcp.db -b dept,day --public -f json -o p.json &&
	python3 -c "
import json; d = json.load(open(\"p.json\"))
g = d[\"groupings\"]
assert g[\"day\"][\"rows\"] == [] and g[\"day\"][\"withheld\"] == 51, g[\"day\"]
assert g[\"dept\"][\"withheld\"] >= 2
" &&
	hcp-report -d hcp.db -b dept --public >p.txt &&
	test_grep p.txt "groups withheld (fewer than 50"
'

test_expect_success 'the public file is world-readable, the others are not' '
	test "$(stat -c %a pub.csv)" = 644 &&
	hcp-report -q -d hcp.db -o priv.csv &&
	test "$(stat -c %a priv.csv)" = 600
'

test_expect_success 'report_public_staff=1 lets staff figures out' '
	hcp-init -q -d hcp.db --set report_public_staff=1 \
		--set report_public_min=1 &&
	hcp-report -q -d hcp.db -b staff --public -f csv -o s.csv &&
	s=$(sqlite3 hcp.db "SELECT id || '\'','\'' || name FROM staff WHERE id
	    IN (SELECT staff_id FROM evaluations) ORDER BY id LIMIT 1") &&
	grep -q "^staff,$s," s.csv &&
	! grep -F -f personal s.csv
'

test_expect_success 'the non-public report keeps staff names' '
	hcp-init -q -d hcp.db --set report_public_staff=0 &&
	hcp-report -q -d hcp.db -b staff -f csv -o s.csv &&
	grep -q "^staff,AJ0001,陈晓燕," s.csv &&
	! grep -F -f personal s.csv
'

test_done
