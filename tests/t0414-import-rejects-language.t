#!/bin/sh
# The 错误说明 column of a rejects file follows the language of the
# input's header, whatever the locale (cron runs with LANG=C): Chinese
# column names give Chinese explanations, English ones English;
# --rejects-language zh|en says otherwise.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
K="$HCP_SRC/tests/data/keyed"

# the 错误说明 (last) cell of the rejects file's first row
explanation() {
	python3 -c "import csv, sys
r = list(csv.reader(open(sys.argv[1], encoding=\"utf-8-sig\")))
print(r[1][-1])" "$1"
}

test_expect_success 'set up: a station, a bad row under each header' '
	setup_station &&
	issue_serials hcp.db 10 >/dev/null &&
	cp "$K/codes/E_PHONE.csv" zh.csv &&
	sed "1s/.*/serial,project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,comment,user_prop,evaluator,cert_type,cert_no,phone,service_time,assess_time,assess_number/" \
		zh.csv >en.csv
'

test_expect_success 'Chinese headers under LANG=C: Chinese explanations' '
	LC_ALL=C hcp-import -q -d hcp.db zh.csv
	test $? = 1 &&
	explanation zh.csv.rejects.csv >got &&
	test_grep got "手机号码应为以1开头的11位数字"
'

test_expect_success 'English headers: English explanations' '
	LC_ALL=C hcp-import -q -d hcp.db en.csv
	test $? = 1 &&
	explanation en.csv.rejects.csv >got &&
	test_grep got "the mobile number must have 11 digits starting with 1"
'

test_expect_success '--rejects-language says otherwise' '
	LC_ALL=C hcp-import -q -d hcp.db --rejects-language en zh.csv
	explanation zh.csv.rejects.csv >got &&
	test_grep got "the mobile number must have" &&
	LC_ALL=C hcp-import -q -d hcp.db --rejects-language zh en.csv
	explanation en.csv.rejects.csv >got &&
	test_grep got "手机号码应为" &&
	hcp-import -q -d hcp.db --rejects-language fr en.csv 2>err
	test $? = 2 && test_grep err "rejects-language"
'

test_done
