#!/bin/sh
# hcp-compare: two keyings of the same forms, matched on serial after
# normalisation; every differing field, rows on one side only, serials
# keyed twice; exit 0 identical, 1 different, 2 error.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1795348800
H='表单编号,办件编号,事项编码,满意度,评价详情代码,文字评价,手机号码,办理时间,评价时间'
I=11330523002572643X200016010000002

test_expect_success 'set up two keyings' '
	cat >a.csv <<-EOF &&
	$H
	3305230100000011,P1,$I,5,,,13812345678,2026-11-20 09:00,2026-11-20 10:00
	3305230100000022,P2,$I,2,201,,,2026-11-20 09:00,2026-11-20 10:00
	3305230100000033,P3,$I,4,,很好,,2026-11-20 09:00,2026-11-20 10:00
	3305230100000040,P4,$I,4,,,,2026-11-20 09:00,2026-11-20 10:00
	EOF
	# the same forms keyed by someone else, in another order and way
	cat >b.csv <<-EOF
	满意度,表单编号,办件编号,事项编码,评价详情代码,文字评价,手机号码,办理时间,评价时间
	满意,330523-01-0000004-0,P4,$I,,,,2026/11/20 9:00,2026年11月20日 10:00
	非常满意,3305230100000011,P1,$I,,,13812345687,2026-11-20 09:00,2026-11-20 10:00
	３,3305230100000033,P3,$I,,很好,,2026-11-20 09:00,2026-11-20 10:00
	2,3305230100000054,P5,$I,201,,,2026-11-20 09:00,2026-11-20 10:00
	2,3305230100000054,P5,$I,201,,,2026-11-20 09:00,2026-11-20 10:00
	EOF
'

test_expect_code 0 'a file is identical to itself' '
	hcp-compare a.csv a.csv >out 2>err &&
	test "$(wc -l <out)" = 1
'

test_expect_code 0 'normalisation is not a difference' '
	head -2 b.csv >b1.csv && sed -n "1p;5p" a.csv >a1.csv &&
	hcp-compare a1.csv b1.csv >out
'

test_expect_code 1 'every difference is listed' '
	hcp-compare a.csv b.csv >out 2>err; rc=$?
	tail -n +2 out | tr -d "\r" | sort >got &&
	sort >want <<-\EOF &&
	3305230100000011,手机号码,138****56^^,138****56^^,2,3
	3305230100000022,(missing),present,missing,3,
	3305230100000033,满意度,4,3,4,4
	3305230100000054,(duplicate),,repeated,,6
	3305230100000054,(missing),missing,present,,5
	EOF
	test_cmp want got &&
	head -1 out | grep -q "serial,column,A,B,line_A,line_B" &&
	test_grep err "4 rows" && exit $rc || exit 99
'

test_expect_code 2 'a missing file is an error naming it, nothing written' '
	hcp-compare a.csv nosuch.csv >out 2>err; rc=$?
	test_grep err nosuch.csv && ! test -s out && exit $rc || exit 99
'

test_expect_code 2 'with -o, a missing file leaves no output file behind' '
	hcp-compare -o diff.csv a.csv nosuch.csv 2>err; rc=$?
	test_grep err nosuch.csv && ! ls -A | grep diff.csv &&
		exit $rc || exit 99
'

test_expect_code 0 'the header alone for no difference, with -o and --excel too' '
	hcp-compare -o same.csv --excel a.csv a.csv && rc=$? &&
	printf "\357\273\277serial,column,A,B,line_A,line_B\r\n" >expect &&
	test_cmp expect same.csv && exit $rc || exit 99
'

test_expect_code 1 '-q says it only by the exit status' '
	hcp-compare -q a.csv b.csv >out 2>err; rc=$?
	! test -s out && ! test -s err && exit $rc || exit 99
'

test_done
