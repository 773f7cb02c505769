-- SPDX-License-Identifier: ISC
-- Fills a station db made from the sample catalogue with @n evaluations
-- spread over 2024-01-20 .. 2024-03-10 (so across months and the leap
-- day 2024-02-29), for tests/t08*-report-*.t and tests/bench/report.sh:
--   sqlite3 hcp.db -cmd ".parameter set @n 600" <gen.sql
-- Values come from a multiplicative hash of the id; two departments of
-- the catalogue get no evaluation (empty groups).  With @cases = 1 it
-- also makes hcp-review's table "cases" (the columns of its contract)
-- with a case for every bad review, some visited late, some closed,
-- some excluded (appeal accepted).
INSERT INTO imports (id, src_file, operator, started_at)
	VALUES (1, 'gen.sql', 'gen', '2024-01-01 00:00:00');
CREATE TEMP TABLE it AS SELECT row_number() OVER (ORDER BY code) - 1 AS k,
	code, dept_code FROM items WHERE dept_code NOT IN
	(SELECT code FROM departments ORDER BY code LIMIT 2);
CREATE TEMP TABLE sf AS SELECT row_number() OVER (ORDER BY id) - 1 AS k,
	id, window_id FROM staff;
INSERT INTO evaluations (id, project_no, item_code, dept_code, area_code,
	window_id, staff_id, channel, satisfaction, evaluator, cert_type,
	cert_no, phone, assess_time, import_id, src_line, entry_method,
	row_hash)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < @n),
h AS (SELECT i, (i * 2654435761) % 1000003 AS x FROM n)
SELECT i, 'P' || i, it.code, it.dept_code, '330523',
	CASE WHEN x % 17 = 0 THEN NULL ELSE sf.window_id END,
	CASE WHEN x % 17 = 0 THEN NULL ELSE sf.id END,
	x % 3 + 3,
	CASE x % 13 WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 4
		WHEN 4 THEN 4 WHEN 5 THEN 4 ELSE 5 END,
	CASE WHEN x % 4 = 0 THEN '张' || (x % 1000) || '号' END,
	CASE WHEN x % 9 = 0 THEN '111' END,
	CASE WHEN x % 9 = 0 THEN printf('33052319800101%04d', x % 10000) END,
	CASE WHEN x % 6 = 0 THEN printf('139%08d', x % 100000000) END,
	date('2024-01-20', '+' || (x / 7 % 51) || ' days') ||
		CASE WHEN x % 2 = 0 THEN ' 09:30:00' ELSE '' END,
	1, i, CASE WHEN x % 5 = 0 THEN 'scanned' ELSE 'keyed' END, 'h' || i
FROM h JOIN it ON it.k = x % (SELECT count(*) FROM it)
JOIN sf ON sf.k = x / 11 % (SELECT count(*) FROM sf);
