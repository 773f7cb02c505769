#!/bin/sh
# hcp-amend before packing: the record changes in place with its row hash
# as an import computes it, one audit row a changed field (old, new, who,
# when, why); the corrected record goes through the import validator (the
# same code as hcp-check, its own keys no conflict); no reason, an
# unknown record or field are usage errors; the grade is corrected only
# by form serial; the original file imported again is all duplicates;
# --list shows the trail with personal data masked.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
H=serial,project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,comment,evaluator,phone,service_time,assess_time

# row SERIAL N GRADE DETAIL PHONE: a keyed row of record N
row() {
	printf '%s,P%07d,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,5,%s,%s,,张三,%s,2026-11-20 09:00,2026-11-20 10:00\n' \
		"$1" "$2" "$3" "$4" "$5"
}

q() {
	sqlite3 hcp.db "$1"
}

test_expect_success 'setup: a station with four imported records' '
	setup_station &&
	issue_serials hcp.db 6 >serials &&
	S1=$(sed -n 1p serials) && S2=$(sed -n 2p serials) &&
	S3=$(sed -n 3p serials) && S4=$(sed -n 4p serials) &&
	{ echo $H &&
	row $S1 1 4 401 13800000001 && row $S2 2 4 401 13800000002 &&
	row $S3 3 5 501 13800000003 && row $S4 4 5 501 13800000004
	} >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	test "$(q "SELECT count(*) FROM evaluations")" = 4
'
S1=$(sed -n 1p serials) S2=$(sed -n 2p serials) S3=$(sed -n 3p serials)
S4=$(sed -n 4p serials) S5=$(sed -n 5p serials)
G1=$(echo $S1 | sed 's/^\(......\)\(..\)\(.......\)\(.\)$/\1-\2-\3-\4/')

test_expect_success 'a phone corrected by grouped serial: in place, audited' '
	q "SELECT row_hash FROM evaluations WHERE serial = \"$S1\"" >hash0 &&
	hcp-amend -d hcp.db -u 李娜 -r "two digits swapped" $G1 \
		phone=13912345678 >out &&
	test_grep out "^$G1: phone: 138\\*\\*\\*\\*0001 -> 139\\*\\*\\*\\*5678\$" &&
	test "$(q "SELECT phone FROM evaluations WHERE serial = \"$S1\"")" = 13912345678 &&
	q "SELECT tbl, key, field, old, new, operator, reason, at FROM audit" >audit &&
	echo "evaluations|1|phone|13800000001|13912345678|李娜|two digits swapped|2026-11-22 12:00:00" >expect &&
	echo "evaluations|1|row_hash|$(cat hash0)|$(q "SELECT row_hash FROM evaluations WHERE id = 1")|李娜|two digits swapped|2026-11-22 12:00:00" >>expect &&
	test_cmp expect audit &&
	! test "$(q "SELECT row_hash FROM evaluations WHERE id = 1")" = "$(cat hash0)"
'

test_expect_success 'the new row hash is the one an import computes' '
	{ echo $H && row $S1 1 4 401 13912345678; } >fixed.csv &&
	hcp-check -d hcp.db fixed.csv >out; test $? = 0 &&
	test_grep out "duplicate: D_DUPLICATE"
'

test_expect_success 'the operator defaults to HCP_OPERATOR; Chinese headers name fields' '
	hcp-amend -d hcp.db -r "name misread" $S2 评价人=张珊 >out &&
	test "$(q "SELECT evaluator FROM evaluations WHERE id = 2")" = 张珊 &&
	test "$(q "SELECT operator || \"|\" || field FROM audit WHERE key = \"2\" AND field <> \"row_hash\"")" = "tester|evaluator" &&
	test_grep out "^$S2: evaluator: 张\\* -> 张\\*\$"
'

test_expect_success 'the grade keyed wrong is corrected by serial, with its codes' '
	hcp-amend -d hcp.db -r "form says 2" $S2 satisfaction=2 \
		eval_detail=201 >out &&
	test "$(q "SELECT satisfaction || \"|\" || eval_detail FROM evaluations WHERE id = 2")" = "2|201" &&
	test_grep out "satisfaction: 4 -> 2" &&
	test "$(q "SELECT count(*) FROM audit WHERE key = \"2\" AND field IN (\"satisfaction\", \"eval_detail\")")" = 2
'

test_expect_code 2 'the grade cannot be corrected by project number' '
	hcp-amend -d hcp.db -r "form says 2" P0000003/1 satisfaction=2 \
		eval_detail=201 2>err; rc=$?
	test_grep err "form.s serial" &&
	test "$(q "SELECT satisfaction FROM evaluations WHERE id = 3")" = 5 &&
	exit $rc || exit 99
'

test_expect_success 'other fields are corrected by project number' '
	hcp-amend -d hcp.db -r "comment forgotten" P0000003/1 comment=很好 &&
	test "$(q "SELECT comment FROM evaluations WHERE id = 3")" = 很好
'

test_expect_code 2 'no reason is a usage error' '
	hcp-amend -d hcp.db $S1 phone=13912345670 2>err; rc=$?
	test_grep err "reason" && exit $rc || exit 99
'

test_expect_code 2 'an empty reason is a usage error' '
	hcp-amend -d hcp.db -r "  " $S1 phone=13912345670 2>err; rc=$?
	test_grep err "reason" && exit $rc || exit 99
'

test_expect_code 2 'an unknown serial is an error' '
	hcp-amend -d hcp.db -r x $S5 phone=13912345670 2>err; rc=$?
	test_grep err "no such record" && exit $rc || exit 99
'

test_expect_code 2 'an unknown field is an error' '
	hcp-amend -d hcp.db -r x $S1 colour=red 2>err; rc=$?
	test_grep err "colour: no such field" && exit $rc || exit 99
'

test_expect_code 2 'a key that is neither serial nor project number' '
	hcp-amend -d hcp.db -r x 12345 phone=13912345670 2>err; rc=$?
	test_grep err "not a form serial" && exit $rc || exit 99
'

# code_of FILE: the problem codes hcp-check reports for FILE
code_of() {
	hcp-check -d hcp.db -f csv "$1" | sed 1d | cut -d, -f4 | sort -u
}

test_expect_success 'a value import rejects is refused with the same code' '
	q "SELECT count(*) FROM audit" >n.before &&
	test_expect_code_ 1 hcp-amend -d hcp.db -r x $S4 phone=12345 2>err &&
	test_grep err "E_PHONE" &&
	{ echo $H && row $S5 9 5 501 12345; } >bad.csv &&
	test "$(code_of bad.csv)" = E_PHONE &&
	test "$(q "SELECT phone FROM evaluations WHERE id = 4")" = 13800000004 &&
	test_cmp n.before - <<-EOF
	$(q "SELECT count(*) FROM audit")
	EOF
'

test_expect_success 'a grade against its detail codes: E_DETAIL_GRADE, as import' '
	test_expect_code_ 1 hcp-amend -d hcp.db -r x $S4 满意度=3 2>err &&
	test_grep err "E_DETAIL_GRADE" &&
	{ echo $H && row $S5 9 3 501 13800000009; } >bad2.csv &&
	test "$(code_of bad2.csv)" = E_DETAIL_GRADE &&
	test "$(q "SELECT satisfaction FROM evaluations WHERE id = 4")" = 5
'

test_expect_success 'keys of other records conflict, its own do not' '
	test_expect_code_ 1 hcp-amend -d hcp.db -r x $S4 serial=$S3 2>err &&
	test_grep err "E_SERIAL_USED" &&
	test_expect_code_ 1 hcp-amend -d hcp.db -r x $S4 project_no=P0000003 2>err &&
	test_grep err "E_DUPLICATE_PROJECT" &&
	test_expect_code_ 1 hcp-amend -d hcp.db -r x $S4 serial=3305230100009999 2>err &&
	test_grep err "E_SERIAL_" &&
	hcp-amend -d hcp.db -r "wrong form" $S4 serial=$S5 &&
	test "$(q "SELECT serial FROM evaluations WHERE id = 4")" = $S5
'

test_expect_success 'a value that is already so changes nothing' '
	q "SELECT count(*) FROM audit" >n.before &&
	hcp-amend -d hcp.db -r x $S3 phone=１３８０００００００３ >out &&
	test_grep out "nothing to change" &&
	test "$(q "SELECT count(*) FROM audit")" = "$(cat n.before)"
'

test_expect_success 'the original file imported again: all duplicates' '
	cp in.csv again.csv &&
	hcp-import -d hcp.db -v again.csv >out 2>err &&
	test_grep out "4 rows read: 0 accepted, 0 rejected, 4 duplicates" &&
	test_grep err "corrected since" &&
	! test -e again.csv.rejects.csv
'

test_expect_success '--list: the trail, oldest first, personal data masked' '
	hcp-amend -d hcp.db -l >list &&
	test "$(wc -l <list)" = 6 &&
	head -n 1 list >first &&
	printf "2026-11-22 12:00:00\t李娜\t%s\tin-place\tphone\t138****0001\t139****5678\ttwo digits swapped\n" $S1 >expect &&
	test_cmp expect first &&
	! grep 13912345678 list &&
	hcp-amend -d hcp.db -l $S2 >list2 &&
	test "$(cut -f5 list2 | tr "\n" " ")" = "evaluator satisfaction eval_detail " &&
	hcp-amend -d hcp.db -l $S5 >list4 &&
	test "$(cut -f5,6,7 list4)" = "serial	$S4	$S5"
'

test_expect_success 'a station keying GB/T 39046 grades: the stored grade stays' '
	hcp-init -q -d hcp.db --set satisfaction_coding=gbt39046 &&
	hcp-amend -q -d hcp.db -r "typo" P0000003/1 comment=很好。 &&
	test "$(q "SELECT satisfaction FROM evaluations WHERE id = 3")" = 5 &&
	hcp-amend -d hcp.db -r "form says 不满意" $S3 满意度=4 \
		评价详情代码=201 >out &&
	test_grep out "satisfaction: 5 -> 2" &&
	hcp-init -q -d hcp.db --set satisfaction_coding=interface
'

test_expect_success 'evaluations_current shows the records as they are' '
	test "$(q "SELECT count(*) FROM evaluations_current WHERE correction_id IS NULL")" = 4 &&
	test "$(q "SELECT phone FROM evaluations_current WHERE id = 1")" = 13912345678
'

test_done
