#!/bin/sh
# hcp-review opens a case for every record graded 1 or 2, on first use,
# records imported before the upgrade too; good records get none; a case
# is routed to the item's department, the window and the staff member; a
# re-evaluation (assess number 2) links to the case of its record; a bad
# re-evaluation of a good record opens its own case.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1771416000	# 2026-02-18 12:00:00 UTC
H=project_no,assess_number,item_code,dept_code,area_code,window,staff,channel,satisfaction,comment,evaluator,phone,service_time,assess_time
ITEM=11330523002572643X200016010000001
DEPT=11330523002572643X

# rec PROJECT ASSESS GRADE PHONE DAY
rec() {
	echo "$1,$2,$ITEM,$DEPT,330523,A01,AJ0001,6,$3,评价意见,,$4,$5 09:00,$5 10:00"
}

q() {
	sqlite3 hcp.db "$1"
}

test_expect_success 'setup: a schema-6 station with records imported' '
	setup_station &&
	{ echo $H && rec P1 1 1 13800000001 2026-02-10 &&
	rec P2 1 2 "" 2026-02-11 && rec P3 1 5 "" 2026-02-11 &&
	rec P4 1 4 "" 2026-02-12; } >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	test "$(q "SELECT count(*) FROM evaluations")" = 4
'

test_expect_success 'the first use opens cases for the bad records only' '
	hcp-review -d hcp.db --csv | tr -d "\r" >out &&
	q "SELECT c.id, e.project_no, c.state, c.opened FROM cases c
		JOIN evaluations e ON e.id = c.eval_id ORDER BY c.id" >got &&
	printf "%s\n" "1|P1|open|2026-02-10" "2|P2|open|2026-02-11" >expect &&
	test_cmp expect got &&
	test "$(wc -l <out)" = 3
'

test_expect_success 'a case is routed to the department, window and staff' '
	test "$(q "SELECT dept_code, window, staff FROM cases WHERE id = 1")" = "$DEPT|A01|AJ0001"
'

test_expect_success 'running again opens nothing twice' '
	hcp-review -d hcp.db >/dev/null &&
	test "$(q "SELECT count(*) FROM cases")" = 2
'

test_expect_success 'records imported later open cases on the next use' '
	{ echo $H && rec P5 1 1 "" 2026-02-12; } >in2.csv &&
	hcp-import -q -d hcp.db in2.csv &&
	hcp-review -d hcp.db list --csv | tr -d "\r" >out &&
	test_grep out "^3,open,.*,P5/1,1," &&
	test "$(q "SELECT count(*) FROM cases")" = 3
'

test_expect_success 'a re-evaluation links to the case of its record' '
	{ echo $H && rec P1 2 3 "" 2026-02-13 && rec P3 2 5 "" 2026-02-13 &&
	rec P4 2 1 "" 2026-02-13; } >in3.csv &&
	hcp-import -q -d hcp.db in3.csv &&
	hcp-review -d hcp.db --csv | tr -d "\r" >out &&
	test_grep out "^1,open,.*,P1/1,1,,138\\*\\*\\*\\*0001,3\$" &&
	test "$(q "SELECT action, text FROM case_events WHERE case_id = 1")" = "reeval|re-evaluation graded 3"
'

test_expect_success 'a bad re-evaluation of a good record opens its own case' '
	test "$(q "SELECT e.project_no, e.assess_number FROM cases c
		JOIN evaluations e ON e.id = c.eval_id WHERE c.id = 4")" = "P4|2" &&
	hcp-review -d hcp.db --csv | tr -d "\r" >out &&
	test_grep out "^4,open,.*,P4/2,1," &&
	test "$(q "SELECT count(*) FROM cases")" = 4
'

test_expect_success 'a db migrated from schema 6 opens cases for old records' '
	setup_station old.db &&
	sqlite3 old.db "PRAGMA user_version" >v &&
	hcp-import -q -d old.db in.csv &&
	sqlite3 old.db "DROP TABLE case_events; DROP TABLE cases;
		DROP TABLE calendar_local; DROP TABLE review_mark;
		DROP TABLE services;
		DROP VIEW evaluations_current;
		DROP INDEX evaluations_scan_image;
		ALTER TABLE evaluations DROP COLUMN scan_image;
		ALTER TABLE corrections DROP COLUMN scan_image;
		ALTER TABLE batches DROP COLUMN first_event;
		ALTER TABLE batches DROP COLUMN last_event;
		ALTER TABLE batches DROP COLUMN refusal;
		ALTER TABLE batches DROP COLUMN refused_at;
		ALTER TABLE batches DROP COLUMN refused_why;
		PRAGMA user_version = 6" &&
	hcp-review -d old.db --csv >out &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = "$(cat v)" &&
	test "$(sqlite3 old.db "SELECT count(*) FROM cases")" = 2
'

test_done
