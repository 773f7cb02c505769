#!/bin/sh
# Deadlines in working days of the 2026 calendar: the return visit
# (revisit_days after the evaluation) and the term rectification
# (rectify_workdays after it is ordered) skip the Spring Festival and
# National Day holidays and count their make-up working days; a station's
# local day counts; a year no calendar file covers is an error naming
# the file to add; --due and --overdue list the right cases.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1792843200	# 2026-10-24 12:00:00 UTC
H=project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,comment,phone,service_time,assess_time
ITEM=11330523002572643X200016010000001
DEPT=11330523002572643X

# rec PROJECT DAY [PHONE]
rec() {
	echo "$1,$ITEM,$DEPT,330523,A01,AJ0001,6,1,慢,${3-13800000001},$2 09:00,$2 10:00"
}

q() {
	sqlite3 hcp.db "$1"
}

due() {
	q "SELECT c.visit_due FROM cases c JOIN evaluations e ON e.id = c.eval_id WHERE e.project_no = \"$1\""
}

test_expect_success 'setup: bad reviews around the 2026 holidays' '
	setup_station &&
	{ echo $H && rec NY 2026-01-03 && rec SF1 2026-02-13 &&
	rec SF2 2026-02-14 && rec ND1 2026-09-19 && rec ND2 2026-09-30 &&
	rec ND3 2026-10-09 && rec ANON 2026-10-09 ""; } >in.csv &&
	hcp-import -q -d hcp.db in.csv && hcp-review -d hcp.db >/dev/null
'

test_expect_success 'a holiday Saturday: due on the make-up Sunday (Jan 4)' '
	test "$(due NY)" = 2026-01-04
'

test_expect_success 'Friday before the Spring Festival: due on the make-up Saturday' '
	test "$(due SF1)" = 2026-02-14
'

test_expect_success 'the make-up Saturday: due after the nine days off' '
	test "$(due SF2)" = 2026-02-24
'

test_expect_success 'before National Day: the make-up Sunday Sep 20, then Oct 8' '
	test "$(due ND1)" = 2026-09-20 && test "$(due ND2)" = 2026-10-08
'

test_expect_success 'after National Day: due on the make-up Saturday Oct 10' '
	test "$(due ND3)" = 2026-10-10
'

test_expect_success 'no phone, no visit deadline' '
	test -z "$(due ANON)"
'

test_expect_success 'term rectification: 15 working days across the Spring Festival' '
	hcp-review -d hcp.db -D 2026-02-13 rectify SF1/1 term "new queue system" &&
	test "$(q "SELECT rectify_due FROM cases WHERE id = 2")" = 2026-03-12
'

test_expect_success 'term rectification: 15 working days across National Day' '
	hcp-review -d hcp.db -D 2026-09-28 rectify ND1/1 term "signs" &&
	test "$(q "SELECT rectify_due FROM cases WHERE id = 4")" = 2026-10-23
'

test_expect_success 'rectify_workdays is read from the settings' '
	hcp-init -q -d hcp.db --set rectify_workdays=5 &&
	hcp-review -d hcp.db -D 2026-09-30 rectify ND2/1 term "rails" &&
	test "$(q "SELECT rectify_due FROM cases WHERE id = 5")" = 2026-10-13
'

test_expect_success 'revisit_days is read from the settings' '
	hcp-init -q -d hcp.db --set revisit_days=3 &&
	{ echo $H && rec LATE 2026-10-16; } >in2.csv &&
	hcp-import -q -d hcp.db in2.csv && hcp-review -d hcp.db >/dev/null &&
	test "$(due LATE)" = 2026-10-21
'

test_expect_success 'a station-local holiday moves the deadlines after it' '
	hcp-review -d hcp.db day 2026-10-22 holiday "county sports day" &&
	hcp-review -d hcp.db day 2026-10-24 workday "make-up for it" &&
	{ echo $H && rec LOCAL 2026-10-19; } >in3.csv &&
	hcp-import -q -d hcp.db in3.csv && hcp-review -d hcp.db >/dev/null &&
	test "$(due LOCAL)" = 2026-10-23 &&
	test "$(q "SELECT kind FROM calendar_local WHERE day = \"2026-10-22\"")" = holiday
'

test_expect_success 'a bad local day is refused' '
	test_expect_code_ 2 hcp-review -d hcp.db day 2026-10-32 holiday x 2>err &&
	test_grep err "2026-10-32: not a date" &&
	test_expect_code_ 2 hcp-review -d hcp.db day 2026-10-30 party x 2>err &&
	test_grep err "party: a day is a holiday or a workday"
'

test_expect_success '--due: the nearest pending deadline first, overdue included' '
	hcp-review -d hcp.db --due --csv | tr -d "\r" | cut -d, -f1-4 >got &&
	cat >expect <<-EOF &&
	case,state,next_due,overdue
	1,open,2026-01-04,1
	2,rectifying,2026-02-14,1
	3,open,2026-02-24,1
	4,rectifying,2026-09-20,1
	5,rectifying,2026-10-08,1
	6,open,2026-10-10,1
	8,open,2026-10-21,1
	9,open,2026-10-23,1
	EOF
	test_cmp expect got
'

test_expect_success '--overdue at an earlier date leaves out what is not yet due' '
	SOURCE_DATE_EPOCH=1791460800 hcp-review -d hcp.db --overdue --csv |
		tr -d "\r" | cut -d, -f1 >got &&
	printf "%s\n" case 1 2 3 4 >expect &&
	test_cmp expect got
'

test_expect_success 'a visit ends the visit deadline; the rectification one stays' '
	hcp-review -d hcp.db -D 2026-02-14 visit 2 reached "called" &&
	hcp-review -d hcp.db --due --csv | tr -d "\r" | grep "^2," | cut -d, -f3 >got &&
	echo 2026-03-12 >expect && test_cmp expect got
'

test_expect_success 'a year with no calendar file is an error naming the file' '
	{ echo $H && rec Y27 2027-01-05; } >in4.csv &&
	SOURCE_DATE_EPOCH=1799150400 hcp-import -q -d hcp.db in4.csv &&
	test_expect_code_ 2 env SOURCE_DATE_EPOCH=1799150400 \
		hcp-review -d hcp.db 2>err &&
	test_grep err "2027-01-06: no working-day calendar for 2027: add .*/calendar/CN-2027.csv" &&
	test "$(q "SELECT count(*) FROM cases c JOIN evaluations e ON e.id = c.eval_id WHERE e.project_no = \"Y27\"")" = 0
'

test_expect_success 'with the 2027 file added the case opens (revisit_days 3)' '
	mkdir -p share/calendar &&
	cp -R "$HCP_DATADIR/schema" share/ &&
	cp "$HCP_DATADIR/calendar/CN-2026.csv" share/calendar/ &&
	printf "date,kind,name\n2027-01-01,holiday,元旦\n" >share/calendar/CN-2027.csv &&
	SOURCE_DATE_EPOCH=1799150400 HCP_DATADIR=$PWD/share \
		hcp-review -d hcp.db >/dev/null &&
	test "$(due Y27)" = 2027-01-08
'

test_done
