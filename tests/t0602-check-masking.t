#!/bin/sh
# Personal data in messages: a certificate number keyed into 表单编号,
# 用户类型 or 证件类型 (or a mobile number anywhere) is masked in every
# message, on stderr and in the rejects file's 错误说明, while the rejected
# row's own cells stay as keyed; a form serial or an item code is not
# taken for one.  hcp-compare shows where two personal values differ
# (李^ for 李四 against 李五) without revealing either.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1795348800
H='表单编号,办件编号,事项编码,满意度,用户类型,证件类型,评价人,手机号码,办理时间,评价时间'
I=11330523002572643X200016010000002
ID=330102199001011234
ID15=330102900101123
T='2026-11-20 09:00,2026-11-20 10:00'

test_expect_success 'set up: a station, a file with ID numbers in the wrong columns' '
	setup_station &&
	cat >in.csv <<-EOF
	$H
	$ID,P1,$I,5,,,,,$T
	,P2,$I,5,$ID,,,,$T
	,P3,$I,5,,$ID,,,$T
	,P4,$I,5,${ID%4}X,,,,$T
	,P5,$I,5,,$ID15,,,$T
	,P6,$I,5,,13812345678,,,$T
	3305230100000041,P7,$I,5,,,,,$T
	EOF
'

test_expect_success 'hcp-check: no message holds a number in full' '
	{ hcp-check -d hcp.db in.csv >out 2>err; test $? = 1; } &&
	cat out err >all &&
	! grep -e $ID -e ${ID%4}X -e $ID15 -e 13812345678 all &&
	test_grep all "表单编号: E_SERIAL_FORMAT: .*(330\*\*\*\*\*\*\*\*\*\*\*1234)" &&
	test_grep all "用户类型: E_USER_PROP: .*(330\*\*\*\*\*\*\*\*\*\*\*1234)" &&
	test_grep all "证件类型: E_CERT_TYPE: .*(330\*\*\*\*\*\*\*\*\*\*\*1234)" &&
	test_grep all "(330\*\*\*\*\*\*\*\*\*\*\*123X)" &&
	test_grep all "(330\*\*\*\*\*\*\*\*1123)" &&
	test_grep all "(138\*\*\*\*5678)" &&
	test_grep all "the check digit .*(3305230100000041)"
'

test_expect_success 'hcp-check --format json and csv mask them too' '
	{ hcp-check -d hcp.db -f json in.csv >j 2>/dev/null; test $? = 1; } &&
	{ hcp-check -d hcp.db -f csv in.csv >c 2>/dev/null; test $? = 1; } &&
	! grep -e $ID -e $ID15 -e 13812345678 j c &&
	test_grep j "330\*\*\*\*\*\*\*\*\*\*\*1234"
'

test_expect_success 'hcp-import: stderr and 错误说明 masked, the cells as keyed' '
	{ hcp-import -d hcp.db in.csv >out 2>err; test $? = 1; } &&
	! grep -e $ID -e $ID15 -e 13812345678 out err &&
	sqlite3 :memory: ".import --csv in.csv.rejects.csv r" \
		"SELECT 错误说明 FROM r" >msgs &&
	test "$(wc -l <msgs)" = 7 &&
	! grep -e $ID -e $ID15 -e 13812345678 msgs &&
	test "$(grep -c "330\*\*\*\*\*\*\*\*\*\*\*123[4X]" msgs)" = 4 &&
	sqlite3 :memory: ".import --csv in.csv.rejects.csv r" \
		"SELECT 表单编号 || \"|\" || 用户类型 || \"|\" || 证件类型 FROM r" >cells &&
	test_grep cells "^$ID||\$" && test_grep cells "^|$ID|\$" &&
	test_grep cells "^||$ID\$" && test_grep cells "^||13812345678\$"
'

test_expect_success 'hcp-compare: 李四 against 李五, phones differing in the middle' '
	cat >a.csv <<-EOF &&
	表单编号,办件编号,事项编码,满意度,评价人,手机号码,证件号码,办理时间,评价时间
	3305230100000011,P1,$I,5,李四,13812345678,$ID,$T
	3305230100000022,P2,$I,5,欧阳修,13812345678,$ID,$T
	EOF
	cat >b.csv <<-EOF &&
	表单编号,办件编号,事项编码,满意度,评价人,手机号码,证件号码,办理时间,评价时间
	3305230100000011,P1,$I,5,李五,13812945678,$ID,$T
	3305230100000022,P2,$I,5,欧阳,13812345678,,$T
	EOF
	{ hcp-compare a.csv b.csv >out 2>err; test $? = 1; } &&
	tail -n +2 out | tr -d "\r" >got &&
	cat >want <<-EOF &&
	3305230100000011,评价人,李^,李^,2,2
	3305230100000011,手机号码,138**^*5678,138**^*5678,2,2
	3305230100000022,评价人,欧*^,欧*,3,3
	3305230100000022,证件号码,330***********1234,,3,3
	EOF
	test_cmp want got &&
	! grep -e 李四 -e 李五 -e 13812945678 -e $ID out err
'

test_done
