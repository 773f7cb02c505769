#!/bin/sh
# The same forms keyed in different ways import to the same records: a
# GB18030 (GBK) file exactly like its UTF-8 twin, with or without BOM,
# CRLF or LF, English headers in another order, full-width characters,
# other date forms, words for grades, and the GB/T 39046 coding.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
GEN="$HCP_SRC/tests/bench/gen-keyed.sh"

# a fresh station with the same 50 serials, then import $1
station_with() {
	rm -f "$2" "$2"-wal "$2"-shm &&
	setup_station "$2" &&
	issue_serials "$2" 50 >/dev/null &&
	hcp-import -q -d "$2" --operator 李娜 "$1"
}

# everything but what depends on the bytes of the file
dump() {
	sqlite3 "$1" "SELECT * FROM evaluations ORDER BY id;
		SELECT serial, state, state_at FROM ledger ORDER BY serial;
		SELECT id, operator, rows_read, accepted, rejected, duplicates
		FROM imports"
}

test_expect_success 'set up: a UTF-8 file with Chinese text' '
	setup_station &&
	issue_serials hcp.db 50 >serials &&
	sh "$GEN" -s serials 50 >utf8.csv &&
	grep -q "李娜\|王建平\|刘洋" utf8.csv
'

test_expect_success 'the GBK twin imports exactly like the UTF-8 file' '
	tail -c +4 utf8.csv | iconv -f UTF-8 -t GB18030 >gbk.csv &&
	! cmp -s utf8.csv gbk.csv &&
	station_with utf8.csv a.db && station_with gbk.csv b.db &&
	dump a.db >a.dump && dump b.db >b.dump &&
	test "$(sqlite3 a.db "SELECT count(*) FROM evaluations")" = 50 &&
	test_cmp a.dump b.dump &&
	hcp-check -d b.db -f json gbk.csv >out.json &&
	test_grep out.json "\"encoding\": \"GB18030\""
'

test_expect_success '--encoding gbk reads it too; --encoding utf-8 refuses it' '
	hcp-check -d hcp.db --encoding gbk gbk.csv >out &&
	test_grep out "50 rows: 50 valid" &&
	test_expect_code_() { "$@"; test $? = 2; } &&
	test_expect_code_ hcp-check -d hcp.db --encoding utf-8 gbk.csv
'

test_expect_success 'LF line ends and no BOM import the same' '
	tail -c +4 utf8.csv | tr -d "\r" >lf.csv &&
	station_with lf.csv c.db && dump c.db >c.dump &&
	test_cmp a.dump c.dump
'

H='serial,project_no,item_code,satisfaction,eval_detail,comment,service_time,assess_time'
ITEM=11330523002572643X200016010000002
test_expect_success 'English headers in another order, full width, dates' '
	s1=$(sed -n 1p serials) s2=$(sed -n 2p serials) s3=$(sed -n 3p serials) &&
	{
	echo "$H"
	echo "$s1,P1,$ITEM,5,,,2026-11-20 09:00,2026-11-20 10:00:00"
	echo "$s2,P2,$ITEM,2,201,,2026-11-20,2026-11-21"
	echo "$s3,P3,$ITEM,4,,,2026-11-20 09:00:00,2026-11-20 10:30"
	} >plain.csv &&
	f1=$(echo "$s1" | sed "s/./&-/6; s/./&-/9; s/./&-/17") &&
	{
	echo "assess_time,comment,eval_detail,satisfaction,item_code,project_no,serial,service_time"
	echo "2026年11月20日 10:00,,, 非常满意 ,$ITEM,Ｐ1,$f1,2026/11/20 9:00"
	echo "20261121,,２０１,不满意,$ITEM,P2, ${s2} ,2026.11.20"
	echo "2026-11-20 10时30分,,,满意,$ITEM,P3,$(echo "$s3" | sed "y/0123456789/０１２３４５６７８９/"),2026-11-20T09:00"
	} >fancy.csv &&
	station_with plain.csv p.db && station_with fancy.csv q.db &&
	sqlite3 p.db "SELECT * FROM evaluations" >p.dump &&
	sqlite3 q.db "SELECT * FROM evaluations" >q.dump &&
	test "$(wc -l <p.dump)" = 3 &&
	test_cmp p.dump q.dump
'

test_expect_success 'GB/T 39046 coding flips the digits, not the words' '
	{
	echo "$H"
	echo "$(sed -n 1p serials),P1,$ITEM,1,,,2026-11-20 09:00,2026-11-20 10:00:00"
	echo "$(sed -n 2p serials),P2,$ITEM,4,201,,2026-11-20,2026-11-21"
	echo "$(sed -n 3p serials),P3,$ITEM,满意,,,2026-11-20 09:00:00,2026-11-20 10:30"
	} >gbt.csv &&
	rm -f g.db && setup_station g.db && issue_serials g.db 50 >/dev/null &&
	hcp-import -q -d g.db --operator x --coding gbt39046 gbt.csv &&
	sqlite3 g.db "SELECT satisfaction FROM evaluations ORDER BY id" >got &&
	printf "5\n2\n4\n" >want && test_cmp want got
'

if hcp-form --help 2>/dev/null | grep -q -- --csv-template; then
test_expect_success 'the keying template of hcp-form imports as it is' '
	hcp-form --csv-template >tpl.csv &&
	head -1 tpl.csv | grep -q 表单编号 &&
	! head -1 tpl.csv | grep -q 部门代码 &&
	printf "%s,P9,%s,,,满意,,,,,,,,2026-11-20 9:00,2026-11-20 10:00\r\n" \
		"$(sed -n 9p serials)" "$ITEM" >>tpl.csv &&
	hcp-import -q -d hcp.db --operator x tpl.csv &&
	test "$(sqlite3 hcp.db "SELECT dept_code, area_code, channel,
		satisfaction FROM evaluations WHERE project_no = '\''P9'\''")" = \
		"11330523002572643X|330523|5|4"
'
fi

test_expect_success 'a file that is neither UTF-8 nor GB18030 is refused' '
	{ echo "$H"; printf "\377\376\201\060\n"; } >binary.csv
	hcp-check -d hcp.db binary.csv >out 2>err; test $? = 2 &&
	test_grep err "binary.csv"
'

test_done
