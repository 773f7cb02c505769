#!/bin/sh
# Every transition of a case (hcp-review(1), States and actions) and
# every refusal: an action not allowed in the case's state, a missing
# text or operator, a bad outcome, grade or date, an unknown case; each
# refusal exits 2 with a message naming the case and its state, and
# changes nothing.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1771416000	# 2026-02-18 12:00:00 UTC
H=project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,comment,phone,service_time,assess_time
ITEM=11330523002572643X200016010000001
DEPT=11330523002572643X

q() {
	sqlite3 hcp.db "$1"
}

# state CASE: the case's state
state() {
	q "SELECT state FROM cases WHERE id = $1"
}

# refused WHAT ARGS...: exits 2, says WHAT on stderr, nothing changes
refused() {
	what=$1
	shift
	q "SELECT count(*), group_concat(state) FROM case_events, cases" >before &&
	test_expect_code_ 2 hcp-review -d hcp.db "$@" >out 2>err &&
	test_grep err "$what" &&
	q "SELECT count(*), group_concat(state) FROM case_events, cases" >after &&
	test_cmp before after
}

test_expect_success 'setup: nine bad reviews, the last without a phone' '
	setup_station &&
	{ echo $H &&
	for i in 1 2 3 4 5 6 7 8; do
		echo "P$i,$ITEM,$DEPT,330523,A01,AJ0001,6,1,慢,1380000000$i,2026-02-10 09:00,2026-02-10 10:00"
	done &&
	echo "P9,$ITEM,$DEPT,330523,A01,AJ0001,6,2,慢,,2026-02-10 09:00,2026-02-10 10:00"
	} >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	hcp-review -d hcp.db >/dev/null &&
	test "$(q "SELECT count(*) FROM cases WHERE state = \"open\"")" = 9
'

test_expect_success 'visit unreached: still open, no visit date' '
	hcp-review -d hcp.db -D 2026-02-11 visit 1 unreached "no answer" >out &&
	test_grep out "^case 1: open\$" &&
	test "$(q "SELECT state, visited IS NULL FROM cases WHERE id = 1")" = "open|1"
'

test_expect_success 'visit reached, with the satisfaction: open to visited' '
	LC_ALL=zh_CN.UTF-8 hcp-review -d hcp.db -D 2026-02-12 visit P1/1 \
		reached -s 3 "called back" >out &&
	test_grep out "^案件 1：已回访\$" &&
	test "$(q "SELECT state, visited FROM cases WHERE id = 1")" = "visited|2026-02-12" &&
	test "$(q "SELECT outcome, satisfaction FROM case_events WHERE case_id = 1 ORDER BY id DESC LIMIT 1")" = "reached|3"
'

test_expect_success 'visit refused counts as reached: open to visited' '
	hcp-review -d hcp.db -D 2026-02-12 visit 2 refused "hung up" &&
	test "$(state 2)" = visited
'

test_expect_success 'rectify now: visited to rectified, due the same day' '
	hcp-review -d hcp.db -D 2026-02-13 rectify 1 now "queue sign fixed" &&
	test "$(q "SELECT state, rectify_due FROM cases WHERE id = 1")" = "rectified|2026-02-13"
'

test_expect_success 'close: rectified to closed' '
	hcp-review -d hcp.db -D 2026-02-13 close 1 "fed back" &&
	test "$(q "SELECT state, closed FROM cases WHERE id = 1")" = "closed|2026-02-13"
'

test_expect_success 'rectify term: open to rectifying with the due date given' '
	hcp-review -d hcp.db -D 2026-02-11 rectify 3 term --by 2026-03-02 "new form" &&
	test "$(q "SELECT state, rectify_due FROM cases WHERE id = 3")" = "rectifying|2026-03-02"
'

test_expect_success 'done: rectifying to rectified' '
	hcp-review -d hcp.db -D 2026-02-13 done 3 "form printed" &&
	test "$(state 3)" = rectified
'

test_expect_success 'close refused while a phone case has had no visit' '
	refused "case 3: cannot close: the evaluator left a phone number" \
		close 3 "nothing"
'

test_expect_success 'a feedback visit keeps the state; then close' '
	hcp-review -d hcp.db -D 2026-02-14 visit 3 reached -s 5 "told them" &&
	test "$(state 3)" = rectified &&
	hcp-review -d hcp.db close 3 "fed back" && test "$(state 3)" = closed
'

test_expect_success 'explain: visited to explained, then closed' '
	hcp-review -d hcp.db visit 4 reached "called" &&
	hcp-review -d hcp.db explain 4 "the law asks for the original" &&
	test "$(state 4)" = explained &&
	hcp-review -d hcp.db close 4 "explained by phone" &&
	test "$(state 4)" = closed
'

test_expect_success 'explain from open, a case without a phone closes unvisited' '
	hcp-review -d hcp.db explain 9 "no fault found" &&
	hcp-review -d hcp.db close 9 "done" && test "$(state 9)" = closed
'

test_expect_success 'appeal, rule reject: back to open' '
	hcp-review -d hcp.db appeal 5 misjudged "ticked the wrong box, says the note" &&
	test "$(state 5)" = appealed &&
	hcp-review -d hcp.db rule 5 reject "no evidence" &&
	test "$(state 5)" = open
'

test_expect_success 'appeal after a visit, rule reject: back to visited' '
	hcp-review -d hcp.db visit 6 reached "called" &&
	hcp-review -d hcp.db appeal 6 malicious "same person, 40 forms" &&
	hcp-review -d hcp.db rule 6 reject "not shown" &&
	test "$(state 6)" = visited
'

test_expect_success 'rule accept: excluded, kept, closed that day' '
	hcp-review -d hcp.db appeal 7 malicious "abusive text" &&
	hcp-review -d hcp.db rule 7 accept "county decision 12" &&
	test "$(q "SELECT state, excluded, closed FROM cases WHERE id = 7")" = "excluded|1|2026-02-18" &&
	test "$(q "SELECT count(*) FROM evaluations WHERE project_no = \"P7\"")" = 1 &&
	hcp-review -d hcp.db -a --state excluded --csv | grep -c "^7,excluded" >n &&
	echo 1 >expect && test_cmp expect n
'

test_expect_success 'an unknown --state is a usage error naming the states (2)' '
	test_expect_code_ 2 hcp-review -d hcp.db -a --state exclude 2>err &&
	test_grep err "unknown state \"exclude\" (open, visited, rectifying, rectified, explained, appealed, excluded, closed)"
'

test_expect_success 'refused: done when not rectifying' '
	refused "case 8: cannot done: the case is open (done is allowed when it is rectifying)" done 8 "x"
'

test_expect_success 'refused: close when open' '
	refused "case 8: cannot close: the case is open (close is allowed when it is rectified, explained)" close 8 "x"
'

test_expect_success 'refused: rule when not appealed' '
	refused "case 8: cannot rule: the case is open" rule 8 accept "x"
'

test_expect_success 'refused: rectify, explain, appeal when rectified' '
	hcp-review -d hcp.db rectify 8 now "fixed" &&
	refused "case 8: cannot rectify: the case is rectified (rectify is allowed when it is open, visited)" rectify 8 now "x" &&
	refused "case 8: cannot explain: the case is rectified" explain 8 "x" &&
	refused "case 8: cannot appeal: the case is rectified" appeal 8 misjudged "x"
'

test_expect_success 'refused: anything on a closed case' '
	for a in "visit 1 reached" "rectify 1 now" "done 1" "explain 1" \
		"appeal 1 misjudged" "rule 1 accept" "close 1"; do
		refused "case 1: cannot ${a%% *}: the case is closed" $a "x" ||
			return 1
	done
'

test_expect_success 'refused: anything on an excluded case, visits too' '
	refused "case 7: cannot visit: the case is excluded" visit 7 reached "x" &&
	refused "case 7: cannot appeal: the case is excluded" appeal 7 malicious "x" &&
	refused "case 7: cannot close: the case is excluded" close 7 "x"
'

test_expect_success 'refused: a visit while appealed' '
	hcp-review -d hcp.db appeal 5 misjudged "again" &&
	refused "case 5: cannot visit: the case is appealed" visit 5 reached "x"
'

test_expect_success 'refused: an empty text, no operator' '
	refused "visit: the text is required" visit 6 reached "  " &&
	refused "visit: say who acts" -u "" visit 6 reached "x"
'

test_expect_success 'refused: a missing text or case is a usage error saying what the command takes' '
	refused "^usage: hcp-review" visit 6 reached &&
	refused "visit takes a case, an outcome (reached|unreached|refused) and a text" visit 6 reached &&
	refused "close takes a case and a text" close "x" &&
	refused "show takes one case" show &&
	refused "apply takes one file" apply &&
	refused "day takes a date, holiday or workday, and a name" day 2026-02-20 &&
	refused "list takes no argument (6): show takes a case" list 6 &&
	refused "--due and --overdue do not go together" --due --overdue &&
	refused "--csv and --json do not go together" list --csv --json
'

test_expect_success 'refused: a bad or missing outcome, a grade out of range' '
	refused "visit: maybe: not an outcome of visit: reached|unreached|refused" visit 6 maybe "x" &&
	refused "rule: the outcome is required: accept|reject" rule 5 "" "x" &&
	refused "7: a grade is 1 to 5" visit 6 reached -s 7 "x" &&
	refused "explain: a satisfaction (1-5) goes with a visit" -s 4 explain 6 "x"
'

test_expect_success 'refused: an unknown case, an unknown action' '
	refused "99: no such case" visit 99 reached "x" &&
	refused "P404/1: no such case" visit P404/1 reached "x" &&
	refused "^usage: hcp-review" frobnicate 6 "x" &&
	refused "frobnicate: no such command: list, show, apply, sheet, day, or an action: visit, rectify, done, explain, appeal, rule, close" frobnicate 6 "x"
'

test_expect_success 'refused: a date before the evaluation, in the future, not a date' '
	refused "case 6: visit: 2026-02-09 is before the evaluation (2026-02-10)" -D 2026-02-09 visit 6 reached "x" &&
	refused "2026-02-19: in the future (today is 2026-02-18)" -D 2026-02-19 visit 6 reached "x" &&
	refused "2026-02-30: not a date" -D 2026-02-30 visit 6 reached "x"
'

test_expect_success 'refused: a due date before the order, or with rectify now' '
	refused "case 6: rectify: the due date 2026-02-01 is before 2026-02-18" rectify 6 term --by 2026-02-01 "x" &&
	refused "rectify: a due date goes with rectify term" rectify 6 now --by 2026-03-01 "x"
'

test_expect_success 'the events hold every transition made, in order' '
	q "SELECT action || \":\" || state_from || \">\" || state_to FROM case_events WHERE case_id = 6 ORDER BY id" >got &&
	printf "%s\n" visit:open\>visited appeal:visited\>appealed rule:appealed\>visited >expect &&
	test_cmp expect got
'

test_expect_success 'a state reads in the language of the messages; the CSV keeps its word' '
	LC_ALL=zh_CN.UTF-8 hcp-review -d hcp.db show 6 >show &&
	test_grep show "^状态: 已回访$" &&
	test_grep show "待回访 -> 已回访" &&
	test_grep show "已申诉 -> 已回访" &&
	LC_ALL=C.UTF-8 hcp-review -d hcp.db show 6 >show &&
	test_grep show "^state: visited$" &&
	LC_ALL=zh_CN.UTF-8 hcp-review -d hcp.db list -a >list &&
	test_grep list "^1 *结案 " &&
	LC_ALL=zh_CN.UTF-8 hcp-review -d hcp.db list -a --state closed --csv >list.csv &&
	grep -q "^1,closed," list.csv
'

test_done
