#!/bin/sh
# SPDX-License-Identifier: ISC
#
# populate.sh DB N [FROM]: adds N plausible evaluation records (one import
# run, project numbers from FROM + 1)
# to the station db DB, made from its catalogue by one recursive-CTE
# INSERT, for the pack and verify benchmarks.  Each record is valid:
# items with their department, windows and staff from the catalogue,
# detail codes of the record's grade, times within the supplementary
# window, no paper serial (hall-tablet channel 4).
set -eu
db=$1
n=$2
from=${3:-0}
sqlite3 "$db" <<SQL
PRAGMA foreign_keys = ON;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO imports (src_file, src_hash, operator, started_at)
VALUES ('bench.csv', '$(printf bench | sha256sum | cut -c1-64)',
	'bench', '2026-11-20 08:00:00');
CREATE TEMP TABLE it AS
	SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, dept_code
	FROM items WHERE retired = 0;
CREATE TEMP TABLE st AS
	SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, window_id
	FROM staff WHERE retired = 0 AND window_id IS NOT NULL;
CREATE TEMP TABLE ec AS
	SELECT grade, group_concat(code) AS codes
	FROM (SELECT grade, code FROM eval_codes
	      WHERE version = (SELECT value FROM settings
			       WHERE key = 'eval_codes_version')
	      ORDER BY code LIMIT 1000)
	GROUP BY grade;
WITH RECURSIVE n(i) AS (SELECT $from + 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < $from + $n),
r AS (SELECT i,
	(i * 7919) % (SELECT count(*) FROM it) AS ik,
	(i * 104729) % (SELECT count(*) FROM st) AS sk,
	CASE WHEN i % 50 = 0 THEN 1 WHEN i % 23 = 0 THEN 2
	     WHEN i % 11 = 0 THEN 3 WHEN i % 3 = 0 THEN 4 ELSE 5 END AS g,
	1792800000 + (i % 300000) * 7 AS t
	FROM n)
INSERT INTO evaluations (project_no, item_code, dept_code, area_code,
	window_id, staff_id, channel, satisfaction, eval_detail,
	eval_codes_version, comment, user_prop, evaluator, phone,
	service_time, assess_time, assess_number, import_id, src_line,
	entry_method, row_hash)
SELECT printf('330523%010d', r.i), it.code, it.dept_code, '330523',
	st.window_id, st.id, 4, r.g,
	(SELECT substr(codes, 1, instr(codes || ',', ',') - 1) FROM ec
	 WHERE ec.grade = r.g),
	(SELECT value FROM settings WHERE key = 'eval_codes_version'),
	CASE WHEN r.i % 7 = 0 THEN '窗口工作人员解释耐心，办事很快'
	     WHEN r.g <= 2 THEN '排队时间太长，材料要求不清楚' END,
	1 + (r.i % 9 = 0),
	CASE WHEN r.i % 5 = 0 THEN '张三' END,
	CASE WHEN r.i % 4 = 0 THEN printf('138%08d', r.i % 100000000) END,
	datetime(r.t, 'unixepoch'), datetime(r.t + 600, 'unixepoch'), 1,
	(SELECT max(id) FROM imports), r.i - $from + 1, 'keyed',
	printf('%064x', r.i)
FROM r JOIN it ON it.k = r.ik JOIN st ON st.k = r.sk;
UPDATE imports SET finished_at = '2026-11-20 08:10:00', rows_read = $n,
	accepted = $n, rejected = 0, duplicates = 0
WHERE id = (SELECT max(id) FROM imports);
COMMIT;
SQL
