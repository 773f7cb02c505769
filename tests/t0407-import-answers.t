#!/bin/sh
# The four 是/否 questions of the paper form (指引清晰 程序便利 材料精简
# 界面友好): in the keying template, keyed in any accepted spelling and
# stored as 1 or 0, a bad value rejected with E_ANSWER at its line and
# column, packed as columns of the batch CSV (Hcp-Format: 2) that
# hcp-verify accepts with the public key alone, compared by hcp-compare;
# and a file imported by hcp 0.1.0, keyed without them, is still a
# duplicate when imported again.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
I=11330523002572643X200016010000002
T='2026-11-20 09:00,2026-11-20 10:00'
Q='guide_clear, process_easy, material_lean, ui_friendly'

# row N ANSWERS: a row of the keying template, serial N of the ledger,
# project PN, the four answers (comma-separated) at the end.
row() {
	printf '%s,P%s,%s,,,5,,,,,,,,%s,%s\r\n' "$(sed -n "${1}p" serials)" \
	    "$1" "$I" "$T" "$2"
}

test_expect_success 'setup: a station with 12 issued serials' '
	setup_station &&
	issue_serials hcp.db 12 >serials &&
	hcp-init -d hcp.db --print-pubkey >pub.pem
'

test_expect_success 'the keying template ends with the four questions' '
	hcp-form --csv-template >tpl.csv &&
	tr -d "\r" <tpl.csv | grep -q ",评价时间,指引清晰,程序便利,材料精简,界面友好\$" &&
	hcp-form --csv-template --english | tr -d "\r" |
	    grep -q ",assess_time,guide_clear,process_easy,material_lean,ui_friendly\$"
'

test_expect_success 'every accepted spelling is stored as 1 or 0' '
	cp tpl.csv in.csv &&
	{
		row 1 "是,Y,y,yes"
		row 2 "1,１,Ｙ,ＹＥＳ"
		row 3 "✓,✔,√,☑"
		row 4 "否,N,no,0"
		row 5 "０,✗,✘,×"
		row 6 "✕, 否 ,ｎ,"
		row 7 ",,,"
	} >>in.csv &&
	printf "%s\r\n" "serial,item_code,assess_time,satisfaction,$Q" >en.csv &&
	printf "%s\r\n" "$(sed -n 8p serials),$I,2026-11-20,4,NO,是,,yes" >>en.csv &&
	hcp-import -d hcp.db in.csv en.csv >out 2>&1 &&
	test_grep out "7 rows read: 7 accepted, 0 rejected" &&
	test_grep out "1 rows read: 1 accepted, 0 rejected" &&
	sqlite3 hcp.db "SELECT project_no, $Q FROM evaluations ORDER BY id" \
	    >got &&
	cat >want <<-\EOF &&
	P1|1|1|1|1
	P2|1|1|1|1
	P3|1|1|1|1
	P4|0|0|0|0
	P5|0|0|0|0
	P6|0|0|0|
	P7||||
	|0|1||1
	EOF
	test_cmp want got &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations
		WHERE typeof(guide_clear) = '\''integer'\''")" = 7 &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations
		WHERE project_no = '\''P7'\'' AND coalesce($Q) IS NULL")" = 1
'

test_expect_code 1 'a bad answer is E_ANSWER at its line and column' '
	{
		cat tpl.csv
		row 9 "是,是,是,是"
		row 10 "是,否,X,是"
	} >bad.csv &&
	hcp-check -d hcp.db bad.csv >out 2>&1; rc=$?
	hcp-check -d hcp.db -f csv -o out.csv bad.csv 2>/dev/null
	{
		test_grep out "^bad.csv:3: 材料精简: E_ANSWER: .*(X)\$" &&
		test "$(grep -c E_ANSWER out)" = 1 &&
		test_grep out.csv "^bad.csv,3,材料精简,E_ANSWER,error,"
	} || exit 9
	exit $rc
'

test_expect_success 'hcp-import rejects that row, keeps the other' '
	hcp-import -d hcp.db bad.csv >out 2>&1; test $? = 1 &&
	test_grep out "2 rows read: 1 accepted, 1 rejected, 0 duplicates" &&
	test_grep bad.csv.rejects.csv ",3,材料精简,E_ANSWER," &&
	test "$(sqlite3 hcp.db "SELECT $Q FROM evaluations
		WHERE project_no = '\''P9'\''")" = "1|1|1|1" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations
		WHERE project_no = '\''P10'\''")" = 0
'

test_expect_success 'hcp-pack: a format 2 batch with the answer columns' '
	mkdir outbox &&
	hcp-pack -d hcp.db -o outbox >paths &&
	mkdir x && (cd x && tar xzf ../outbox/hcp-33052301-000001.tar.gz) &&
	b=x/hcp-33052301-000001 &&
	test_grep $b/bag-info.txt "^Hcp-Format: 2\$" &&
	tr -d "\r" <$b/data/evaluations.csv >csv &&
	head -n 1 csv | grep -q ",serial,window,phone,service_time,guide_clear,process_easy,material_lean,ui_friendly,src_file,src_hash," &&
	tail -n +2 csv | cut -d, -f1,20-23 >got &&
	cat >want <<-\EOF &&
	P1,1,1,1,1
	P2,1,1,1,1
	P3,1,1,1,1
	P4,0,0,0,0
	P5,0,0,0,0
	P6,0,0,0,
	P7,,,,
	,0,1,,1
	P9,1,1,1,1
	EOF
	test_cmp want got
'

test_expect_success 'hcp-verify accepts it with the public key alone' '
	hcp-verify -k pub.pem outbox/hcp-33052301-000001.tar.gz >v.out &&
	test_grep v.out ": OK: batch hcp-33052301-000001, 9 records"
'

test_expect_code 1 'hcp-verify catches an answer that is neither' '
	b=x/hcp-33052301-000001 &&
	sed "s/^\(P4,.*\),0,0,0,0,in\.csv,/\1,0,0,是否,0,in.csv,/" \
	    $b/data/evaluations.csv >e.csv &&
	! cmp -s e.csv $b/data/evaluations.csv &&
	cp e.csv $b/data/evaluations.csv &&
	sed -i "s/^Payload-Oxum: .*/Payload-Oxum: $(stat -c %s e.csv).1/" \
	    $b/bag-info.txt &&
	(cd x && tar czf ../bad.tar.gz hcp-33052301-000001) &&
	hcp-verify -k pub.pem bad.tar.gz >v.out 2>&1; rc=$?
	test_grep v.out "data/evaluations.csv:5: material_lean: .*(是否)\$" ||
	    exit 9
	exit $rc
'

test_expect_code 1 'hcp-compare lists a differing answer' '
	{
		cat tpl.csv
		row 1 "是,是,否,"
		row 2 "1,0,1,1"
	} >a.csv &&
	{
		cat tpl.csv
		row 1 "Y,否,no,"
		row 2 "1,0,1,"
	} >b.csv &&
	hcp-compare a.csv b.csv >out 2>err; rc=$?
	tail -n +2 out | tr -d "\r" >got &&
	s1=$(sed -n 1p serials) && s2=$(sed -n 2p serials) &&
	printf "%s\n" "$s1,程序便利,1,0,2,2" "$s2,界面友好,1,,3,3" >want &&
	test_cmp want got || exit 9
	exit $rc
'

test_expect_code 0 'answers keyed alike are no difference' '
	{ cat tpl.csv; row 1 "是,×,√,"; } >a.csv &&
	{ cat tpl.csv; row 1 "y,N,1,"; } >b.csv &&
	hcp-compare a.csv b.csv >out
'

# keyed_csv FIRST COUNT: the keyed CSV of t0500, without answer columns,
# from which the 0.1.0 station of tests/data/batch-0.1.0 imported 1 45.
keyed_csv() {
	awk -v first="$1" -v n="$2" -v extra="${3-}" 'BEGIN {
		print "project_no,item_code,dept_code,area_code,window," \
		    "staff,channel,satisfaction,eval_detail,comment," \
		    "evaluator,phone,service_time,assess_time" extra
		for (i = first; i < first + n; i++) {
			g = 5 - i % 5
			c = ""
			if (i % 3 == 0) c = "\"很好, 办得快 \"\"点赞\"\"\""
			if (i % 7 == 0) c = "\"第一行\n第二行\""
			printf "P%07d,11330523002572643X200016010000001," \
			    "11330523002572643X,330523,A01,AJ0001,4,%d,%d01," \
			    "%s,张三,138%08d,2026-11-20 09:%02d," \
			    "2026-11-20 10:%02d", i, g, g, c, i, i % 60, \
			    i % 60
			if (extra != "")
				printf "%s", i == 7 ? ",,是,," : ",,,,"
			printf "\n"
		}
	}'
}

FX="$HCP_SRC/tests/data/batch-0.1.0"

test_expect_success 'setup: the station of hcp 0.1.0 and its 45 records' '
	mkdir old && cd old &&
	sqlite3 hcp.db <"$FX/station.sql" &&
	sqlite3 hcp.db "PRAGMA user_version = 3" &&
	cp "$FX/station.sm2.pem" hcp.db.sm2.pem &&
	cp "$FX/station.qr.secret" hcp.db.qr.secret &&
	chmod 600 hcp.db.sm2.pem hcp.db.qr.secret &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations")" = 45
'

test_expect_success 'its keyed file imported again: 45 duplicates' '
	cd old &&
	{ printf "\357\273\277"; keyed_csv 1 45; } >again.csv &&
	test "$(sha256sum <again.csv | cut -c1-64)" != \
	    "$(sqlite3 hcp.db "SELECT src_hash FROM imports WHERE id = 1")" &&
	hcp-import -d hcp.db again.csv >out 2>&1 &&
	test_grep out "45 rows read: 0 accepted, 0 rejected, 45 duplicates" &&
	test "$(sqlite3 hcp.db "PRAGMA user_version")" -ge 4
'

test_expect_code 1 'with empty answer columns too; an answer is a conflict' '
	cd old &&
	keyed_csv 1 45 ",$(echo "$Q" | tr -d " ")" >answers.csv &&
	head -n 1 answers.csv | grep -q ",assess_time,guide_clear,process_easy," &&
	hcp-import -d hcp.db answers.csv >out 2>&1; rc=$?
	{
		test_grep out "45 rows read: 0 accepted, 1 rejected, 44 duplicates" &&
		test_grep answers.csv.rejects.csv \
		    " 10:07,,是,,,8,project_no,E_DUPLICATE_PROJECT," &&
		test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations")" = 45
	} || exit 9
	exit $rc
'

test_expect_success 'its old batches rebuild without the answer columns' '
	cd old && mkdir r &&
	hcp-pack -d hcp.db -o r --rebuild 1 >/dev/null &&
	cmp "$FX/hcp-33052301-000001.tar.gz" r/hcp-33052301-000001.tar.gz &&
	(cd r && tar xzf hcp-33052301-000001.tar.gz) &&
	! grep -q "Hcp-Format\|guide_clear" r/hcp-33052301-000001/bag-info.txt \
	    r/hcp-33052301-000001/data/evaluations.csv
'

test_done
