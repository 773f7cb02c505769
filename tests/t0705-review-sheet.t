#!/bin/sh
# hcp-review sheet: a PDF work sheet for the return-visit calls, a page
# per case, with the case, its record, the due dates and the phone
# masked; for named cases or for a department's open ones.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1771416000	# 2026-02-18 12:00:00 UTC
H=project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,comment,evaluator,phone,service_time,assess_time
ITEM=11330523002572643X200016010000001
DEPT=11330523002572643X

test_expect_success 'setup: two bad reviews' '
	setup_station &&
	{ echo $H &&
	echo "P1,$ITEM,$DEPT,330523,A01,AJ0001,6,1,排队太久,王小明,13912345678,2026-02-13 09:00,2026-02-13 10:00" &&
	echo "P2,$ITEM,$DEPT,330523,A01,AJ0001,6,2,态度差,,13800000002,2026-02-12 09:00,2026-02-12 10:00"
	} >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	hcp-review -d hcp.db -D 2026-02-13 rectify 1 term "new queue"
'

test_expect_success 'a sheet for one case: the case, due dates, masked phone' '
	hcp-review -d hcp.db -o one.pdf sheet 1 &&
	test "$(stat -c %a one.pdf)" = 600 &&
	pdfinfo one.pdf | grep -q "^Pages: *1\$" &&
	pdftotext -layout one.pdf one.txt &&
	test_grep one.txt "政务服务差评回访工作单" &&
	test_grep one.txt "案件 1" &&
	test_grep one.txt "P1/1" &&
	test_grep one.txt "2026-02-14" &&
	test_grep one.txt "2026-03-12" &&
	test_grep one.txt "排队太久" &&
	test_grep one.txt "139\\*\\*\\*\\*5678" &&
	! grep -q 13912345678 one.txt && ! grep -q 小明 one.txt &&
	test_grep one.txt "已联系"
'

test_expect_success 'a sheet for a department: one page per open case' '
	hcp-review -d hcp.db -o dept.pdf sheet --dept $DEPT &&
	pdfinfo dept.pdf | grep -q "^Pages: *2\$" &&
	pdftotext dept.pdf - | grep -c "138\\*\\*\\*\\*0002" >n && test "$(cat n)" = 1
'

test_expect_success 'no case to print: exit 1' '
	test_expect_code_ 1 hcp-review -d hcp.db -o none.pdf sheet --dept 000000000000000000 2>err &&
	test_grep err "no case to print" && ! test -e none.pdf
'

test_done
