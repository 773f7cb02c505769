#!/bin/sh
# hcp-report --flags: each anomaly rule finds the case planted for it in
# tests/data/report/anomalies.sql and nothing in the background, names
# its threshold (a station setting) and the file:line of the records
# behind it, and says that flags are leads, not verdicts.
. "$(dirname "$0")/lib.sh"

test_expect_success 'a db with one planted anomaly per rule' '
	setup_station &&
	sqlite3 hcp.db <"$HCP_SRC/tests/data/report/anomalies.sql"
'

test_expect_success 'every rule flags its planted case, and only that' '
	hcp-report -d hcp.db --flags --from 2024-04-01 --to 2024-05-31 \
		-f csv -o f.csv 2>err &&
	test_grep err "7 flags: leads for a closer look, not verdicts" &&
	cut -d, -f1-4 f.csv | tr -d "\r" >got &&
	cat >want <<-\EOF &&
	rule,threshold,subject,count
	all_five_day,20,window A01 on 2024-05-01,25
	all_five_file,20,window A01 in a01-0501.csv (import 2),25
	operator_fives,20,operator bob,40
	same_time,5,window A02 at 2024-05-20 10:00:00,6
	serial_run,20,import 4 (pad.csv) from serial 3305230100001011,22
	bad_stop,5,window A06 after 2024-04-19,31
	repeat_bad,3,staff AJ0020,4
	EOF
	test_cmp want got
'

test_expect_success 'evidence names the records by file and line' '
	grep "^same_time," f.csv | tr -d "\r" >st &&
	test_grep st ",background.csv:501 background.csv:502 background.csv:503 background.csv:504 background.csv:505 background.csv:506\$" &&
	grep "^all_five_day," f.csv | grep -q "a01-0501.csv:21 (+5)" &&
	grep "^bad_stop," f.csv | grep -q "10 bad of 19 up to 2024-04-19, none of 31 after (16.3 expected)"
'

test_expect_success 'the text says what flags are' '
	hcp-report -d hcp.db --flags --from 2024-04-01 --to 2024-05-31 >f.txt &&
	test_grep f.txt "not verdicts" &&
	test_grep f.txt "^repeat_bad (report_flag_repeat = 3)"
'

test_expect_success 'thresholds are station settings' '
	hcp-init -q -d hcp.db --set report_flag_run=30 \
		--set report_flag_same_time=7 --set report_flag_serial_run=23 \
		--set report_flag_bad_stop=17 --set report_flag_repeat=5 \
		--set report_flag_operator_gap=50 &&
	hcp-report -q -d hcp.db --flags -f csv -o g.csv &&
	test "$(wc -l <g.csv)" = 1
'

test_expect_success 'outside the period nothing is flagged' '
	hcp-init -q -d hcp.db --set report_flag_run=20 &&
	hcp-report -q -d hcp.db --flags --month 2024-03 -f csv -o h.csv &&
	test "$(wc -l <h.csv)" = 1 &&
	test_expect_code_ 2 hcp-report -d hcp.db --flags --public
'

test_done
