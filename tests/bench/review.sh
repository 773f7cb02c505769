#!/bin/sh
# SPDX-License-Identifier: ISC
#
# review.sh [DIR]: hcp-review on a station with 1,000,000 records and
# 50,000 bad reviews (every 20th record, graded 1 or 2, with a phone),
# against a plain sqlite3 query of the same rows.  The db is made with
# INSERT ... SELECT from a recursive CTE (the records need not pass the
# validator to be listed).  Figures: opening the 50,000 cases (first run,
# the deadlines counted on the 2026 calendar), then `hcp-review --due
# --csv` against the sqlite3 query that lists the same cases by their
# nearest deadline, then one staff member's cases (--mine).
set -eu
dir=${1:-${TMPDIR:-/tmp}/hcp-bench-review}
bench=$(cd "$(dirname "$0")" && pwd)
: "${HCP_DATADIR:=$bench/../../share}"
export HCP_DATADIR SOURCE_DATE_EPOCH=1798675200	# 2026-12-31
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
hcp-init -q -d hcp.db --catalog "$HCP_DATADIR/sample"
sqlite3 hcp.db <<'EOT'
INSERT INTO imports (id, src_file, operator, started_at)
	VALUES (1, 'bench', 'bench', '2026-12-31 00:00:00');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	WHERE i < 1000000)
INSERT INTO evaluations (id, project_no, item_code, dept_code, area_code,
	window_id, staff_id, channel, satisfaction, phone, service_time,
	assess_time, import_id, src_line, entry_method, row_hash)
SELECT i, 'P' || i, '11330523002572643X200016010000001',
	'11330523002572643X', '330523', 'A01',
	'AJ000' || (1 + i / 20 % 4), 6,
	CASE WHEN i % 20 = 0 THEN 1 + i % 40 / 20 ELSE 4 + i % 2 END,
	CASE WHEN i % 20 = 0 THEN '1380000' || printf('%04d', i % 10000) END,
	date('2026-01-01', '+' || (i % 360) || ' days') || ' 09:00:00',
	date('2026-01-01', '+' || (i % 360) || ' days') || ' 10:00:00',
	1, i, 'keyed', 'x' FROM n;
EOT
measure() {
	name_=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "time.$name_" "$@" >"out.$name_"
	set -- $(cat "time.$name_")
	printf '%-20s %6.2f s wall %6.2f s cpu %7d KB peak %6d lines\n' \
		"$name_" "$1" "$(echo "$2 + $3" | bc)" "$4" \
		"$(wc -l <"out.$name_")"
}
measure open-50000-cases hcp-review -d hcp.db -a --csv
measure review-due hcp-review -d hcp.db --due --csv
measure sqlite3-due sqlite3 -csv hcp.db "SELECT c.id, c.state, c.next_due,
	c.next_due < date('now'), c.opened, c.visit_due, c.visited,
	c.rectify_due, c.closed, c.excluded, c.dept_code, c.window, c.staff,
	coalesce(e.serial, e.project_no || '/' || e.assess_number),
	e.satisfaction, e.evaluator, e.phone
	FROM cases c JOIN evaluations e ON e.id = c.eval_id
	WHERE c.next_due IS NOT NULL ORDER BY c.next_due, c.id"
# the same again: the pages are in the cache
measure review-due-again hcp-review -d hcp.db --due --csv
measure sqlite3-due-again sqlite3 -csv hcp.db "SELECT c.id, c.state,
	c.next_due, e.phone FROM cases c JOIN evaluations e ON
	e.id = c.eval_id WHERE c.next_due IS NOT NULL ORDER BY c.next_due,
	c.id"
measure review-mine hcp-review -d hcp.db --due --mine AJ0002 --csv
measure sqlite3-mine sqlite3 -csv hcp.db "SELECT c.id, c.visit_due
	FROM cases c JOIN evaluations e ON e.id = c.eval_id
	WHERE c.staff = 'AJ0002' AND c.next_due IS NOT NULL
	ORDER BY c.next_due, c.id"
