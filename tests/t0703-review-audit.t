#!/bin/sh
# Personal data and the trail: the evaluator's phone and name are masked
# in every listing (table, CSV, JSON, show); --unmask shows the phone
# only with a reason and writes the access to the audit table; every
# action is an audit row (who, when, the transition, the text).
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1771416000	# 2026-02-18 12:00:00 UTC
H=project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,comment,evaluator,phone,service_time,assess_time
ITEM=11330523002572643X200016010000001
DEPT=11330523002572643X

q() {
	sqlite3 hcp.db "$1"
}

test_expect_success 'setup: a real-name bad review' '
	setup_station &&
	{ echo $H &&
	echo "P1,$ITEM,$DEPT,330523,A01,AJ0001,6,1,慢,王小明,13912345678,2026-02-10 09:00,2026-02-10 10:00"
	} >in.csv &&
	hcp-import -q -d hcp.db in.csv
'

test_expect_success 'the phone and the name are masked in every listing' '
	hcp-review -d hcp.db >t.txt &&
	hcp-review -d hcp.db --csv >t.csv &&
	hcp-review -d hcp.db --json >t.json &&
	hcp-review -d hcp.db show 1 >t.show &&
	hcp-review -d hcp.db -o t.pdf sheet 1 && pdftotext t.pdf t.pdftxt &&
	for f in t.txt t.csv t.json t.show t.pdftxt; do
		test_grep $f "139\\*\\*\\*\\*5678" &&
		! grep -q 13912345678 $f && ! grep -q 小明 $f || return 1
	done &&
	test_grep t.json "\"evaluator\":\"王\\*\\*\"" &&
	test "$(q "SELECT count(*) FROM audit")" = 0
'

test_expect_success '--unmask needs a reason; nothing is shown or written without' '
	test_expect_code_ 2 hcp-review -d hcp.db show --unmask 1 >out 2>err &&
	test_grep err "a reason is required" && ! grep -q 13912345678 out &&
	test_expect_code_ 2 hcp-review -d hcp.db show -r "why" 1 2>err &&
	test_grep err "^usage:" &&
	test "$(q "SELECT count(*) FROM audit")" = 0
'

test_expect_success '--unmask with a reason shows the phone and audits it' '
	hcp-review -d hcp.db -u 李娜 show --unmask -r "return visit call" 1 >out &&
	test_grep out "^phone: 13912345678\$" &&
	test_grep out "^evaluator: 王\\*\\*\$" &&
	test "$(q "SELECT operator, tbl, key, field, reason, at FROM audit")" = "李娜|evaluations|1|phone|return visit call|2026-02-18 12:00:00"
'

test_expect_success 'every action is an audit row with its transition and text' '
	hcp-review -d hcp.db -u 李娜 -D 2026-02-11 visit 1 unreached "no answer" &&
	hcp-review -d hcp.db -u 李娜 -D 2026-02-12 visit 1 reached -s 2 "angry" &&
	hcp-review -d hcp.db -u 张伟 -D 2026-02-13 rectify 1 term "retrain" &&
	hcp-review -d hcp.db -u 张伟 done 1 "trained" &&
	hcp-review -d hcp.db -u 李娜 close 1 "fed back" &&
	q "SELECT operator, key, field, old, new, reason FROM audit WHERE tbl = \"cases\" ORDER BY id" >got &&
	cat >expect <<-\EOF &&
	李娜|1|visit|open|open|no answer
	李娜|1|visit|open|visited|angry
	张伟|1|rectify|visited|rectifying|retrain
	张伟|1|done|rectifying|rectified|trained
	李娜|1|close|rectified|closed|fed back
	EOF
	test_cmp expect got
'

test_expect_success 'a refused action leaves no audit row' '
	q "SELECT count(*) FROM audit" >before &&
	test_expect_code_ 2 hcp-review -d hcp.db close 1 "again" 2>err &&
	q "SELECT count(*) FROM audit" >after && test_cmp before after
'

test_expect_success 'show lists the events, the phone masked' '
	hcp-review -d hcp.db show 1 >out &&
	test_grep out "^2026-02-12	visit	李娜	reached 2	open -> visited	angry\$" &&
	test_grep out "^phone: 139\\*\\*\\*\\*5678\$"
'

test_done
