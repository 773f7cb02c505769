-- SPDX-License-Identifier: ISC
-- A station db (from the sample catalogue) with one planted case of each
-- anomaly rule of hcp-report --flags, and background evaluations that
-- raise none (tests/t0805-report-flags.t).
INSERT INTO imports (id, src_file, operator, started_at) VALUES
	(1, 'background.csv', 'alice', '2024-06-01 08:00:00'),
	(2, 'a01-0501.csv', 'alice', '2024-06-01 09:00:00'),
	(3, 'bob.csv', 'bob', '2024-06-01 10:00:00'),
	(4, 'pad.csv', 'alice', '2024-06-01 11:00:00');
-- background: 400 evaluations over April and May, windows A02..A04 and
-- B03..B06, grades 3 to 5 (no bad review, no window all 5, no shared
-- second)
INSERT INTO evaluations (project_no, item_code, dept_code, area_code,
	window_id, staff_id, channel, satisfaction, assess_time, import_id,
	src_line, entry_method, row_hash)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < 400)
SELECT 'BG' || i, '11330523002572643X200016010000001',
	'11330523002572643X', '330523',
	CASE i % 7 WHEN 0 THEN 'A02' WHEN 1 THEN 'A03' WHEN 2 THEN 'A04'
		WHEN 3 THEN 'B03' WHEN 4 THEN 'B04' WHEN 5 THEN 'B05'
		ELSE 'B06' END,
	'AJ00' || printf('%02d', i % 5 + 1), 5,
	CASE i % 9 WHEN 0 THEN 3 WHEN 1 THEN 3 WHEN 2 THEN 4 WHEN 3 THEN 4
		ELSE 5 END,
	date('2024-04-01', '+' || (i % 61) || ' days') ||
		printf(' %02d:%02d:%02d', 8 + i % 9, i % 60, (i * 7) % 60),
	1, i + 1, 'keyed', 'bg' || i
FROM n;
-- all_five_day and all_five_file: window A01, 2024-05-01, 25 times grade 5
INSERT INTO evaluations (project_no, item_code, dept_code, area_code,
	window_id, channel, satisfaction, assess_time, import_id, src_line,
	entry_method, row_hash)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < 25)
SELECT 'A5-' || i, '11330523002572643X200016010000001',
	'11330523002572643X', '330523', 'A01', 5, 5,
	'2024-05-01 ' || printf('%02d:%02d:00', 9 + i / 10, i), 2, i + 1,
	'keyed', 'a5' || i FROM n;
-- operator_fives: bob keys 40, all grade 5, at four windows, one a day
INSERT INTO evaluations (project_no, item_code, dept_code, area_code,
	window_id, channel, satisfaction, assess_time, import_id, src_line,
	entry_method, row_hash)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < 40)
SELECT 'BOB-' || i, '11330523002572643X200016010000001',
	'11330523002572643X', '330523', CASE i % 4 WHEN 0 THEN 'B01'
	WHEN 1 THEN 'B04' WHEN 2 THEN 'B05' ELSE 'B06' END, 5, 5,
	date('2024-04-01', '+' || i || ' days') || ' 15:00:00', 3, i + 1,
	'keyed', 'bob' || i FROM n;
-- same_time: 6 evaluations at window A02 at 2024-05-20 10:00:00
INSERT INTO evaluations (project_no, item_code, dept_code, area_code,
	window_id, channel, satisfaction, assess_time, import_id, src_line,
	entry_method, row_hash)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < 6)
SELECT 'ST-' || i, '11330523002572643X200016010000001',
	'11330523002572643X', '330523', 'A02', 5, 3 + i % 3,
	'2024-05-20 10:00:00', 1, 500 + i, 'keyed', 'st' || i FROM n;
-- serial_run: a pad of 22 forms keyed in the order of issue in pad.csv
INSERT INTO forms (serial, seq, template, fingerprint, window_id,
	issued_at, operator)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < 22)
SELECT printf('33052301%07d%d', 100 + i, i % 10), 100 + i, 'STD-1', 'x',
	'B03', '2024-04-01 08:00:00', 'alice' FROM n;
INSERT INTO evaluations (serial, project_no, item_code, dept_code,
	area_code, window_id, channel, satisfaction, assess_time, import_id,
	src_line, entry_method, row_hash)
SELECT serial, 'PAD-' || seq, '11330523002572643X200016010000001',
	'11330523002572643X', '330523', 'B03', 5, 3 + seq % 3,
	date('2024-04-02', '+' || (seq % 20) || ' days'), 4, seq - 90,
	'keyed', 'pad' || seq FROM forms;
-- bad_stop: window A06 has bad reviews half the time until 2024-04-20,
-- then 30 evaluations without one
INSERT INTO evaluations (project_no, item_code, dept_code, area_code,
	window_id, channel, satisfaction, assess_time, import_id, src_line,
	entry_method, row_hash)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < 50)
SELECT 'BS-' || i, '11330523002572643X200016010000001',
	'11330523002572643X', '330523', 'A06', 5,
	CASE WHEN i <= 20 THEN CASE WHEN i % 2 THEN 1 ELSE 4 END ELSE 4 END,
	CASE WHEN i <= 20 THEN date('2024-04-01', '+' || (i - 1) || ' days')
		ELSE date('2024-04-21', '+' || (i - 21) || ' days') END ||
		printf(' 11:%02d:01', i),
	1, 600 + i, 'keyed', 'bs' || i FROM n;
-- repeat_bad: AJ0020 has 4 bad reviews
INSERT INTO evaluations (project_no, item_code, dept_code, area_code,
	window_id, staff_id, channel, satisfaction, assess_time, import_id,
	src_line, entry_method, row_hash)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < 4)
SELECT 'RB-' || i, '11330523002572643X200016010000001',
	'11330523002572643X', '330523', 'B02', 'AJ0020', 5, 1 + i % 2,
	'2024-05-0' || i || ' 16:00:00', 1, 700 + i, 'keyed', 'rb' || i
FROM n;
