-- SPDX-License-Identifier: ISC
-- A case in hcp-review's table "cases" (schema 007) for every bad
-- review of the db gen.sql filled (see there), in the states and with
-- the dates the report's tests need.
DELETE FROM cases;
INSERT INTO cases (eval_id, state, opened, visit_due, rectify_due,
	visited, closed, excluded, dept_code, window, staff)
SELECT id, CASE WHEN id % 2 = 0 THEN 'closed' ELSE 'open' END, d,
	date(d, '+1 day'), date(d, '+21 days'),
	CASE id % 3 WHEN 0 THEN NULL WHEN 1 THEN date(d, '+1 day')
		ELSE date(d, '+2 days') END,
	CASE WHEN id % 2 = 0 THEN date(d, CASE WHEN id % 4 = 0 THEN
		'+10 days' ELSE '+30 days' END) END,
	id % 7 = 0, dept_code, window_id, staff_id
FROM (SELECT id, substr(assess_time, 1, 10) AS d, dept_code, window_id,
	staff_id FROM evaluations WHERE satisfaction <= 2);
