#!/bin/sh
# hcp-import: valid rows go in with their provenance and use up their
# serials; the counts add up; bad rows land in the rejects file with the
# right line, column and code; importing again adds nothing and says so;
# the corrected rejects file imports cleanly; -n writes nothing.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
GEN="$HCP_SRC/tests/bench/gen-keyed.sh"
H='表单编号,办件编号,事项编码,满意度,评价详情代码,文字评价,手机号码,办理时间,评价时间'
ITEM=11330523002572643X200016010000002

# "N rows read: A accepted, R rejected, D duplicates" must add up
counts_add_up() {
	sed -n 's/.*: \([0-9]*\) rows read: \([0-9]*\) [a-z ]*accepted, \([0-9]*\) rejected, \([0-9]*\) duplicates$/\1 \2 \3 \4/p' "$1" >counts &&
	test -s counts &&
	while read -r n a r d; do
		[ "$n" -eq $((a + r + d)) ] || { echo "$n != $a + $r + $d"; return 1; }
	done <counts
}

# reject_codes FILE.csv: "line|code" of each row of its rejects file
reject_codes() {
	sqlite3 :memory: ".import --csv $1.rejects.csv r" \
		"SELECT 错误行号, 错误代码 FROM r"
}

test_expect_success 'set up: station, 40 issued serials, a keyed file' '
	setup_station &&
	issue_serials hcp.db 40 >serials &&
	sh "$GEN" -s serials 20 >good.csv &&
	test "$(wc -l <good.csv)" -ge 21
'

test_expect_success 'import: every row accepted' '
	hcp-import -d hcp.db -u 李娜 good.csv >out &&
	test_grep out "good.csv: 20 rows read: 20 accepted, 0 rejected, 0 duplicates" &&
	counts_add_up out && ! test -e good.csv.rejects.csv
'

test_expect_success 'the records, their provenance and the ledger' '
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations")" = 20 &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM ledger
		WHERE state = '\''used'\'' AND state_at IS NOT NULL")" = 20 &&
	sqlite3 hcp.db "SELECT src_file, src_hash, operator, rows_read,
		accepted, rejected, duplicates, finished_at IS NOT NULL
		FROM imports" >imports &&
	echo "good.csv|$(sha256sum good.csv | cut -c1-64)|李娜|20|20|0|0|1" >want &&
	test_cmp want imports &&
	sqlite3 hcp.db "SELECT min(src_line), max(src_line), count(DISTINCT
		src_line), min(entry_method), max(length(row_hash))
		FROM evaluations" >lines &&
	echo "2|21|20|keyed|32" >want && test_cmp want lines
'

test_expect_success 'values are stored normalised' '
	# grouped serials keyed as 330523-01-0000005-4 are stored bare
	grep -q "^330523-01-0000005-4," good.csv &&
	test "$(sqlite3 hcp.db "SELECT src_line FROM evaluations
		WHERE serial = '\''3305230100000054'\''")" = 6 &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations WHERE
		assess_time NOT GLOB
		'\''[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'\''
		AND assess_time NOT GLOB
		'\''[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'\''")" = 0
'

test_expect_success 'importing the same file again adds nothing and says so' '
	sqlite3 hcp.db "SELECT * FROM evaluations" >before &&
	hcp-import -d hcp.db --operator 李娜 good.csv >out &&
	test_grep out "20 rows read: 0 accepted, 0 rejected, 20 duplicates" &&
	test_grep out "imported before" && test_grep out "nothing new" &&
	counts_add_up out &&
	sqlite3 hcp.db "SELECT * FROM evaluations" >after &&
	test_cmp before after
'

# A bad file: line 2 valid; 3 a mistyped serial; 4-5 valid with a line
# break in its comment; 6 two problems, and a cell a spreadsheet would
# run; 7 valid; 8 the same as line 2; 9 a used serial, other content.
s() { sed -n "${1}p" serials; }
s22=$(s 22)
bad22=$(echo "$s22" | cut -c1-15)$(( ($(echo "$s22" | cut -c16) + 1) % 10 ))
test_expect_success 'a file with bad rows' '
	{
	printf "%s\r\n" "$H"
	printf "%s,P21,%s,5,,,,2026-11-20 09:00,2026-11-20 10:00\r\n" "$(s 21)" "$ITEM"
	printf "%s,P22,%s,4,,,,2026-11-20 09:00,2026-11-20 10:00\r\n" "$bad22" "$ITEM"
	printf "%s,P23,%s,2,,\"等了很久,\r\n没人管\",,2026-11-20 09:00,2026-11-20 10:00\r\n" "$(s 23)" "$ITEM"
	printf "%s,P24,%s,9,,-差评原因,2381234567,2026-11-20 09:00,2026-11-20 10:00\r\n" "$(s 24)" "$ITEM"
	printf "%s,P25,%s,非常满意,,,,2026-11-20 09:00,2026-11-20 10:00\r\n" "$(s 25)" "$ITEM"
	printf "%s,P21,%s,5,,,,2026-11-20 09:00,2026-11-20 10:00\r\n" "$(s 21)" "$ITEM"
	printf "%s,P26,%s,3,,,,2026-11-20 09:00,2026-11-20 10:00\r\n" "$(s 1)" "$ITEM"
	} >bad.csv &&
	hcp-import -d hcp.db --operator 王建平 bad.csv >out 2>err
	test $? = 1 &&
	test_grep out "bad.csv: 7 rows read: 3 accepted, 3 rejected, 1 duplicates" &&
	counts_add_up out && test_grep out "bad.csv.rejects.csv"
'

test_expect_success 'the rejects name the right line, column and code' '
	sqlite3 :memory: ".import --csv bad.csv.rejects.csv r" \
		"SELECT 错误行号, 错误列, 错误代码 FROM r" >got &&
	cat >want <<-\EOF &&
	3|表单编号|E_SERIAL_CHECK
	6|满意度; 手机号码|E_SATISFACTION; E_PHONE
	9|表单编号|E_SERIAL_USED
	EOF
	test_cmp want got
'

test_expect_success 'the rejects file: BOM, CRLF, rows as keyed, no formula' '
	head -c 3 bad.csv.rejects.csv | od -An -tx1 | grep -q "ef bb bf" &&
	test "$(grep -c "$(printf "\r")\$" bad.csv.rejects.csv)" = 4 &&
	head -1 bad.csv.rejects.csv | grep -q "^.*$H,错误行号,错误列,错误代码,错误说明" &&
	grep -q "^$bad22,P22,$ITEM,4," bad.csv.rejects.csv &&
	grep -q ",'\''-差评原因,2381234567," bad.csv.rejects.csv &&
	! grep -q ",-差评原因" bad.csv.rejects.csv
'

test_expect_success 'the corrected rejects file imports cleanly' '
	sed -e "s/^$bad22,/$(s 22),/" -e "s/,9,,'\''-差评原因,2381234567,/,2,,'\''-差评原因,13812345678,/" \
	    -e "s/^$(s 1),P26,/$(s 26),P26,/" bad.csv.rejects.csv >fixed.csv &&
	hcp-import -d hcp.db --operator 王建平 fixed.csv >out &&
	test_grep out "fixed.csv: 3 rows read: 3 accepted, 0 rejected, 0 duplicates" &&
	! test -e fixed.csv.rejects.csv &&
	test "$(sqlite3 hcp.db "SELECT comment, phone, satisfaction, src_line
		FROM evaluations WHERE project_no = '\''P24'\''")" = "-差评原因|13812345678|2|3"
'

test_expect_success 'the multi-line comment kept its line break' '
	test "$(sqlite3 hcp.db "SELECT src_line, comment = '\''等了很久,'\'' ||
		char(13, 10) || '\''没人管'\'' FROM evaluations
		WHERE project_no = '\''P23'\''")" = "4|1"
'

test_expect_success 'words and digits: 非常满意 is 5' '
	test "$(sqlite3 hcp.db "SELECT satisfaction FROM evaluations
		WHERE project_no = '\''P25'\''")" = 5
'

test_expect_success '-n checks and counts but writes nothing' '
	sqlite3 hcp.db "SELECT count(*) FROM evaluations;
		SELECT count(*) FROM imports; SELECT count(*) FROM ledger
		WHERE state = '\''used'\''" >before &&
	rm -f bad.csv.rejects.csv &&
	hcp-import -n -d hcp.db bad.csv >out
	test_grep out "7 rows read: 0 would be accepted, 3 rejected, 4 duplicates" &&
	counts_add_up out && ! test -e bad.csv.rejects.csv &&
	sqlite3 hcp.db "SELECT count(*) FROM evaluations;
		SELECT count(*) FROM imports; SELECT count(*) FROM ledger
		WHERE state = '\''used'\''" >after &&
	test_cmp before after
'

test_expect_success '--rejects names the rejects file' '
	hcp-import -d hcp.db --operator x --rejects my-rejects.csv bad.csv >out
	test_grep out "my-rejects.csv" && test -s my-rejects.csv &&
	! test -e bad.csv.rejects.csv
'

test_expect_success 'a voided serial and an unknown one are rejected' '
	void_serial hcp.db "$(s 30)" &&
	{
	printf "%s\r\n" "$H"
	printf "%s,P30,%s,5,,,,2026-11-20 09:00,2026-11-20 10:00\r\n" "$(s 30)" "$ITEM"
	printf "3305230199999996,P31,%s,5,,,,2026-11-20 09:00,2026-11-20 10:00\r\n" "$ITEM"
	} >v.csv &&
	test_expect_code_ 1 hcp-import -q -d hcp.db v.csv &&
	reject_codes v.csv >got &&
	printf "2|E_SERIAL_VOIDED\n3|E_SERIAL_UNKNOWN\n" >want &&
	test_cmp want got &&
	test "$(sqlite3 hcp.db "SELECT state FROM forms
		WHERE serial = '\''$(s 30)'\''")" = voided
'

test_expect_success 'a voided serial inside a run of valid rows' '
	issue_serials hcp.db 100 >more &&
	void_serial hcp.db "$(sed -n 40p more)" &&
	sh "$GEN" -s more 100 >run.csv &&
	used=$(sqlite3 hcp.db "SELECT count(*) FROM ledger WHERE state = '\''used'\''") &&
	hcp-import -d hcp.db --operator x run.csv >out
	test_grep out "100 rows read: 99 accepted, 1 rejected, 0 duplicates" &&
	reject_codes run.csv >got &&
	echo "41|E_SERIAL_VOIDED" >want && test_cmp want got &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM ledger
		WHERE state = '\''used'\''")" = $((used + 99)) &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations
		WHERE serial = '\''$(sed -n 40p more)'\''")" = 0 &&
	hcp-import -d hcp.db --operator x run.csv >out
	test_grep out "100 rows read: 0 accepted, 1 rejected, 99 duplicates"
'

test_expect_success 'a row already imported in the middle of a run' '
	issue_serials hcp.db 64 >more64 &&
	sh "$GEN" -s more64 64 >run64.csv &&
	sed -n "1p;42p" run64.csv >one.csv &&
	hcp-import -q -d hcp.db --operator x one.csv &&
	hcp-import -d hcp.db --operator x run64.csv >out &&
	test_grep out "64 rows read: 63 accepted, 0 rejected, 1 duplicates" &&
	for ser in $(cat more64); do echo "'\''$ser'\''"; done | paste -sd, >in &&
	test "$(sqlite3 hcp.db "SELECT count(*), count(DISTINCT serial)
		FROM evaluations WHERE serial IN ($(cat in))")" = "64|64" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM ledger
		WHERE state = '\''used'\'' AND serial IN ($(cat in))")" = 64
'

test_expect_success 'rows that repeat each other inside one run of rows' '
	issue_serials hcp.db 64 >rep64 &&
	sh "$GEN" -s rep64 64 >rep.csv &&
	# line 21 says again what line 11 says; line 41 takes line 36 project
	awk -F, -v OFS=, "NR == 11 { r = \$0 } NR == 36 { p = \$2 }
		NR == 21 { \$0 = r } NR == 41 { \$2 = p } { print }" \
		rep.csv >rep2.csv &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator x rep2.csv >out &&
	test_grep out "64 rows read: 62 accepted, 1 rejected, 1 duplicates" &&
	reject_codes rep2.csv >got &&
	echo "41|E_DUPLICATE_PROJECT" >want && test_cmp want got &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator x rep2.csv >out &&
	test_grep out "64 rows read: 0 accepted, 1 rejected, 63 duplicates"
'

# A group of rows whose serials lie close together is checked against
# the ledger with one range scan, a group spread wider with one lookup
# each: both must find the one serial that may not be used.
test_expect_success 'an unknown serial among close ones' '
	cp hcp.db later.db &&
	issue_serials later.db 48 >later &&
	issue_serials hcp.db 40 >close &&
	head -40 later >close.want && test_cmp close.want close &&
	sed -n 46p later >unknown &&
	{ sed -n 1,19p close; cat unknown; sed -n 21,32p close; } >close32 &&
	sh "$GEN" -s close32 32 >close.csv &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator x close.csv >out &&
	test_grep out "32 rows read: 31 accepted, 1 rejected, 0 duplicates" &&
	reject_codes close.csv >got &&
	echo "21|E_SERIAL_UNKNOWN" >want && test_cmp want got
'

test_expect_success 'a voided serial among spread ones' '
	issue_serials hcp.db 400 >wide &&
	awk "NR % 10 == 1" wide >spread &&
	void_serial hcp.db "$(sed -n 7p spread)" &&
	sh "$GEN" -s spread 40 >spread.csv &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator x spread.csv >out &&
	test_grep out "40 rows read: 39 accepted, 1 rejected, 0 duplicates" &&
	reject_codes spread.csv >got &&
	echo "8|E_SERIAL_VOIDED" >want && test_cmp want got
'

test_expect_code 2 'an operator is required' '
	HCP_OPERATOR= LOGNAME= hcp-import -d hcp.db good.csv
'

test_expect_code 1 'an unusable header imports nothing' '
	printf "foo,bar\r\n1,2\r\n" >h.csv &&
	hcp-import -d hcp.db h.csv 2>err; rc=$?
	test_grep err "foo" && exit $rc || exit 99
'

test_done
