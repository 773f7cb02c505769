#!/bin/sh
# Excel's damage to long numbers is reported as such (E_NUMBER_MANGLED,
# with the hint to format the column as text or to use the workbook):
# scientific notation, and numbers cut to 15 significant digits and
# filled with zeros -- a serial or ID number whose check then fails, a
# project number ending in two zeros or more after the fifteenth digit.
# Real numbers that merely end in 0 are accepted.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
H=$(head -n 1 "$HCP_SRC/tests/data/keyed/valid.csv")
ITEM=11330523002572643X200016010000002
DEPT=11330523002572643X

# row SERIAL PROJECT [CERT_NO]
row() {
	c=${3:+111}
	echo "$1,$2,$ITEM,$DEPT,330523,A01,AJ0003,5,5,501,,1,,$c,${3:-},,2026-11-20 09:00,2026-11-20 10:00,1"
}

test_expect_success 'set up a station with issued serials' '
	setup_station &&
	issue_serials hcp.db 10 >serials &&
	test "$(sed -n 4p serials)" = 3305230100000040 &&
	test "$(sed -n 5p serials)" = 3305230100000054
'

test_expect_code 1 'zero-filled serial, project and ID numbers are the damage' '
	{
		echo "$H"
		row 3305230100000050 P-1
		row 3305230100000011 33052320261114000000000
		row 3305230100000022 P-3 330523199001012000
		row 3.30523010000005E+15 P-4
	} >in.csv &&
	hcp-check -d hcp.db -f csv -o out.csv in.csv
	rc=$?
	grep -q ",2,表单编号,E_NUMBER_MANGLED," out.csv &&
	grep -q ",3,办件编号,E_NUMBER_MANGLED," out.csv &&
	grep -q ",4,证件号码,E_NUMBER_MANGLED," out.csv &&
	grep -q ",5,表单编号,E_NUMBER_MANGLED," out.csv &&
	! grep -q "E_SERIAL_CHECK\|E_CERT_NO" out.csv &&
	grep -q "format the column as text (or key into the workbook of hcp-form --xlsx-template)" out.csv &&
	exit $rc || exit 99
'

test_expect_success 'the hint is in Chinese under zh_CN' '
	LC_ALL=zh_CN.UTF-8 hcp-check -d hcp.db in.csv >zh 2>&1
	test_grep zh "第15位之后变成0" || {
		locale -a | grep -qi zh_CN || exit 0
		exit 1
	}
'

test_expect_success 'real numbers that end in zeros are accepted' '
	{
		echo "$H"
		row 3305230100000040 3305232026111400
		row 3305230100000033 P-7 330523199001118000
		row 3305230100000054 33052320261114001
	} >ok.csv &&
	hcp-check -d hcp.db ok.csv >out &&
	test_grep out "3 rows: 3 valid"
'

test_expect_success 'a serial mistyped, not zero-filled, keeps its own message' '
	{ echo "$H"; row 3305230100000041 P-8; } >typo.csv &&
	hcp-check -d hcp.db typo.csv >out
	test $? = 1 && test_grep out "E_SERIAL_CHECK" &&
	! grep -q E_NUMBER_MANGLED out
'

test_done
