#!/bin/sh
# SPDX-License-Identifier: ISC
# hcp-form's serial ledger: --issue prints new serials that pass their
# Damm check and are unique, the ledger records them as issued, two runs
# at once never share a serial, --void voids (and audits) only issued
# serials, and --csv-template prints the keying header of the template.
. "$(dirname "$0")/lib.sh"

# Damm check of 16 digits, computed here independently of the tools.
damm_ok() {
	awk -v s="$1" 'BEGIN {
		split("0317598642 7092154863 4206871359 1750983426 " \
		    "6123045978 3674209581 5869720134 8945362017 " \
		    "9438617205 2581436790", row, " ")
		if (length(s) != 16 || s !~ /^[0-9]+$/) exit 1
		i = 0
		for (k = 1; k <= 16; k++)
			i = substr(row[i + 1], substr(s, k, 1) + 1, 1) + 0
		exit (i != 0)
	}'
}

setup_station

test_expect_success '--issue prints N bare 16-digit serials' '
	SOURCE_DATE_EPOCH=1763800000 hcp-form -d hcp.db --issue 5 >s1 &&
	test $(wc -l <s1) = 5 &&
	! grep -v "^3305230100000[0-9][0-9][0-9]$" s1
'

test_expect_success 'every issued serial passes its Damm check' '
	for s in $(cat s1); do damm_ok $s || { echo "bad $s"; exit 1; }; done
'

test_expect_success 'the ledger records them as issued, with operator' '
	sqlite3 hcp.db "SELECT serial, state, operator, issued_at, template
	    FROM forms ORDER BY seq" >ledger &&
	test $(grep -c "|issued|tester|2025-11-22 08:26:40|STD-1$" ledger) = 5 &&
	cut -d"|" -f1 ledger >s1db && test_cmp s1 s1db
'

test_expect_success '--status says issued, with the grouped serial' '
	hcp-form -d hcp.db --status $(head -n 1 s1) >st &&
	test_grep st "^330523-01-0000001-[0-9]	issued	STD-1	"
'

test_expect_success 'two --issue runs at once never share a serial' '
	hcp-form -d hcp.db --issue 400 >p1 &
	hcp-form -d hcp.db --issue 400 >p2 &
	wait &&
	test $(wc -l <p1) = 400 && test $(wc -l <p2) = 400 &&
	cat s1 p1 p2 | sort | uniq -d >dups && ! test -s dups &&
	test $(sqlite3 hcp.db "SELECT count(*) FROM forms") = 805 &&
	test $(sqlite3 hcp.db "SELECT max(seq) FROM forms") = 805
'

test_expect_success '--issue -w records the window' '
	hcp-form -d hcp.db -w B03 --issue 1 >s2 &&
	test "$(sqlite3 hcp.db "SELECT window_id FROM forms
	    WHERE serial = '\''$(cat s2)'\''")" = B03
'

test_expect_code 1 'an unknown window is refused' '
	hcp-form -d hcp.db -w Z99 --issue 1 2>err; rc=$?
	test_grep err "Z99" && exit $rc || exit 99
'

test_expect_success '--void voids an issued serial and audits it' '
	s=$(sed -n 2p s1) &&
	hcp-form -d hcp.db -u clerk --reason "lost" --void "$s" &&
	test "$(sqlite3 hcp.db "SELECT state FROM forms WHERE serial = '\''$s'\''")" = voided &&
	sqlite3 hcp.db "SELECT operator, key, old, new, reason FROM audit" >audit &&
	test_grep audit "^clerk|$s|issued|voided|lost$"
'

test_expect_code 1 'a voided serial cannot be voided again' '
	hcp-form -d hcp.db --void $(sed -n 2p s1) 2>err; rc=$?
	test_grep err "already voided" && exit $rc || exit 99
'

test_expect_code 1 'a used serial cannot be voided' '
	s=$(sed -n 3p s1) &&
	sqlite3 hcp.db "INSERT INTO imports (src_file, operator, started_at)
		VALUES ('\''k.csv'\'', '\''tester'\'', '\''2025-11-22 09:00:00'\'');
	    INSERT INTO evaluations (serial, item_code, dept_code, area_code,
		channel, satisfaction, assess_time, import_id, src_line,
		entry_method, row_hash) VALUES ('\''$s'\'', '\''i'\'', '\''d'\'',
		'\''330523'\'', 5, 5, '\''2025-11-22 08:00:00'\'',
		last_insert_rowid(), 2, '\''keyed'\'', '\''h'\'')" &&
	hcp-form -d hcp.db --void "$s" 2>err; rc=$?
	test_grep err "already used" &&
	test "$(sqlite3 hcp.db "SELECT state FROM ledger WHERE serial = '\''$s'\''")" = used &&
	hcp-form -d hcp.db --status "$s" >st &&
	test_grep st "	used	" &&
	exit $rc || exit 99
'

test_expect_code 1 'a serial never issued cannot be voided' '
	hcp-form -d hcp.db --void 330523-01-0009999-6 2>err; rc=$?
	test_grep err "never issued" && exit $rc || exit 99
'

test_expect_code 1 'a mistyped serial is refused by its check digit' '
	s=$(sed -n 4p s1) &&
	bad=$(echo "$s" | sed "s/\(.\)\(.\)\$/\2\1/") &&
	test "$bad" != "$s" &&
	hcp-form -d hcp.db --void "$bad" 2>err; rc=$?
	test_grep err "check digit" &&
	test "$(sqlite3 hcp.db "SELECT state FROM forms WHERE serial = '\''$s'\''")" = issued &&
	exit $rc || exit 99
'

test_expect_success '--csv-template: BOM, Chinese headers, CRLF' '
	hcp-form --csv-template >tpl.csv &&
	printf "\357\273\277" >bom && head -c 3 tpl.csv | cmp - bom &&
	test $(wc -l <tpl.csv) = 1 && tail -c 2 tpl.csv | od -c | grep -q "\\\\r  *\\\\n" &&
	test_grep tpl.csv "表单编号,办件编号,.*满意度,评价详情代码,文字评价,.*手机号码" &&
	! test_grep tpl.csv "评价渠道"
'

test_expect_success '--csv-template --english prints the field names' '
	hcp-form --csv-template --english >en.csv &&
	test_grep en.csv "^serial,project_no,item_code,window,staff,satisfaction,eval_detail,comment,"
'

test_expect_success 'every Chinese header names a field of the record' '
	tr -d "\r" <tpl.csv | sed "s/^\xef\xbb\xbf//" | tr , "\n" >zh &&
	tr -d "\r" <en.csv | tr , "\n" >en &&
	test $(wc -l <zh) = $(wc -l <en)
'

test_expect_code 2 '--issue with a bad count is a usage error' '
	hcp-form -d hcp.db --issue 0
'

test_done
