#!/bin/sh
# hcp-review apply FILE: actions from a spreadsheet, each row on its own;
# a refused row goes as it was, with its line and the reason, to the
# rejects file (UTF-8 with BOM, mode 0600); the counts add up; exit 1
# when rows were rejected; Chinese headers and GB18030 files are read;
# the corrected rejects file applies.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1771416000	# 2026-02-18 12:00:00 UTC
H=project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,comment,phone,service_time,assess_time
ITEM=11330523002572643X200016010000001
DEPT=11330523002572643X

q() {
	sqlite3 hcp.db "$1"
}

test_expect_success 'setup: three bad reviews' '
	setup_station &&
	{ echo $H && for i in 1 2 3; do
		echo "P$i,$ITEM,$DEPT,330523,A01,AJ0001,6,1,慢,1380000000$i,2026-02-10 09:00,2026-02-10 10:00"
	done; } >in.csv &&
	hcp-import -q -d hcp.db in.csv
'

test_expect_success 'good rows apply, bad ones go to the rejects file' '
	cat >visits.csv <<-\EOF &&
	case,action,date,operator,outcome,satisfaction,text
	1,visit,2026-02-11,李娜,reached,4,回访已联系
	2,close,2026-02-11,李娜,,,结案
	P3/1,visit,2026-02-12,,reached,,=cmd
	9,visit,2026-02-12,李娜,reached,,回访
	1,rectify,2026-02-12,李娜,term,,
	1,visit,2026-02-12,李娜,reached,9,again
	EOF
	test_expect_code_ 1 hcp-review -d hcp.db -u 王芳 apply visits.csv >out 2>err &&
	test_grep out "visits.csv: 6 read, 2 applied, 4 rejected" &&
	test_grep err "rejected rows are in visits.csv.rejects.csv" &&
	test "$(q "SELECT state FROM cases ORDER BY id" | tr "\n" " ")" = "visited open visited " &&
	test "$(q "SELECT operator FROM case_events WHERE case_id = 3")" = 王芳
'

test_expect_success 'the rejects file: BOM, rows as keyed, line and reason' '
	test "$(stat -c %a visits.csv.rejects.csv)" = 600 &&
	head -c 3 visits.csv.rejects.csv | od -An -tx1 | tr -d " \n" >bom && echo >>bom &&
	echo efbbbf >expect && test_cmp expect bom &&
	tr -d "\r" <visits.csv.rejects.csv | sed "1s/^\xef\xbb\xbf//" >rj &&
	cat >expect <<-\EOF &&
	case,action,date,operator,outcome,satisfaction,text,错误行号,错误说明
	2,close,2026-02-11,李娜,,,结案,3,"case 2: cannot close: the case is open (close is allowed when it is rectified, explained)"
	9,visit,2026-02-12,李娜,reached,,回访,5,9: no such case (a case is opened for every record graded 1 or 2)
	1,rectify,2026-02-12,李娜,term,,,6,rectify: the text is required (what was done or said)
	1,visit,2026-02-12,李娜,reached,9,again,7,9: a satisfaction is 1 to 5
	EOF
	test_cmp expect rj
'

test_expect_success 'a formula-like text is neutralised in the rejects file' '
	cat >f.csv <<-\EOF &&
	case,action,text
	2,done,=HYPERLINK("x")
	EOF
	test_expect_code_ 1 hcp-review -d hcp.db apply f.csv >out &&
	test_grep f.csv.rejects.csv "^2,done,\"'"'"'=HYPERLINK"
'

test_expect_success 'the corrected rejects file applies (its annotation columns ignored)' '
	sed "s/^9,visit/3,visit/; s/,term,,,6,/,term,,整改,6,/; s/,9,again,/,5,again,/; /^2,close/d" \
		visits.csv.rejects.csv >fixed.csv &&
	hcp-review -d hcp.db apply --rejects fixed.rej fixed.csv >out &&
	test_grep out "fixed.csv: 3 read, 3 applied, 0 rejected" &&
	! test -e fixed.rej &&
	test "$(q "SELECT state FROM cases WHERE id = 1")" = rectifying
'

test_expect_success 'Chinese headers, GB18030 encoding' '
	printf "案件,动作,结果,说明,经办人\n2,explain,,已解释,李娜\n" |
		iconv -f UTF-8 -t GB18030 >gbk.csv &&
	hcp-review -d hcp.db apply gbk.csv >out &&
	test_grep out "gbk.csv: 1 read, 1 applied, 0 rejected" &&
	test "$(q "SELECT text FROM case_events WHERE action = \"explain\"")" = 已解释
'

test_expect_success 'an unknown column or a missing one is an error, nothing applied' '
	q "SELECT count(*) FROM case_events" >before &&
	printf "case,action,text,colour\n2,close,x,red\n" >bad.csv &&
	test_expect_code_ 2 hcp-review -d hcp.db apply bad.csv 2>err &&
	test_grep err "bad.csv:1: colour: unknown column" &&
	printf "case,text\n2,x\n" >bad2.csv &&
	test_expect_code_ 2 hcp-review -d hcp.db apply bad2.csv 2>err &&
	test_grep err "bad2.csv:1: the column action is missing" &&
	q "SELECT count(*) FROM case_events" >after && test_cmp before after
'

test_expect_success 'empty columns a spreadsheet adds are passed over; a value in one is rejected' '
	q "SELECT count(*) FROM case_events" >before &&
	printf "case,action,text,,\n3,explain,说明,,\n3,explain,x,y,\n3,explain,z,,,w\n3,explain\n" >trail.csv &&
	test_expect_code_ 1 hcp-review -d hcp.db apply trail.csv >out &&
	test_grep out "trail.csv: 4 read, 1 applied, 3 rejected" &&
	test "$(($(q "SELECT count(*) FROM case_events") - $(cat before)))" = 1 &&
	tr -d "\r" <trail.csv.rejects.csv | sed 1d >rj &&
	printf "%s\n" "3,explain,x,3,column 4: a value under a column without a name (y)" \
		"3,explain,z,4,column 6: a value right of the last column of the header (w)" \
		"3,explain,,5,explain: the text is required (what was done or said)" >want &&
	test_cmp want rj &&
	printf "case,action,text\n3,explain,a\000b\n" >nul.csv &&
	test_expect_code_ 1 hcp-review -d hcp.db apply nul.csv >out &&
	test_grep nul.csv.rejects.csv "the cell holds a NUL byte"
'

test_done
