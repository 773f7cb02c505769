#!/bin/sh
# SPDX-License-Identifier: ISC
#
# report.sh [DIR] [N]: hcp-report over a station db of N (default
# 1,000,000) evaluations, against the plain sqlite3 GROUP BY queries
# that compute the same counts (evaluations, each grade, grade sum,
# real-name count) for the same period and groupings.
# The db is made with SQL INSERT ... SELECT (tests/data/report/gen.sql:
# evaluations over 2024-01-20 .. 2024-03-10, from the sample
# catalogue), not through hcp-import, which its own benchmark measures.
# Measured: the terminal table of one grouping and of all ten, the
# whole monthly report (all groupings) as CSV, XLSX and PDF, and the ten
# GROUP BY queries in one sqlite3 run.  One run each, warm cache.
set -eu
bench=$(cd "$(dirname "$0")" && pwd)
: "${HCP_DATADIR:=$bench/../../share}"
export HCP_DATADIR
dir=${1:-${TMPDIR:-/tmp}/hcp-bench}/report
n=${2:-1000000}
mkdir -p "$dir"
cd "$dir"
if [ ! -f hcp.db ] || [ "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations")" != "$n" ]; then
	rm -f hcp.db
	hcp-init -q -d hcp.db --catalog "$HCP_DATADIR/sample"
	t0=$(date +%s.%N)
	sqlite3 hcp.db -cmd ".parameter set @n $n" \
		<"$bench/../data/report/gen.sql"
	t1=$(date +%s.%N)
	printf 'db of %d evaluations made by INSERT ... SELECT in %.1f s\n' \
		"$n" "$(echo "$t1 - $t0" | bc)"
fi
month="--month 2024-02"
from=2024-02-01 to=2024-02-29

measure() {
	name_=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "time.$name_" "$@" >/dev/null
	set -- $(cat "time.$name_")
	eval "wall_$name_=$1"
	printf '%-34s %7.2f s wall %7.2f s cpu %7d KB peak\n' "$name_" \
		"$1" "$(echo "$2 + $3" | bc)" "$4"
}

q() {
	printf "SELECT %s, count(*), sum(satisfaction = 5), sum(satisfaction = 4),
	    sum(satisfaction = 3), sum(satisfaction = 2),
	    sum(satisfaction = 1), sum(satisfaction),
	    sum(coalesce(evaluator, '') <> '' OR coalesce(cert_no, '') <> ''
	    OR coalesce(phone, '') <> '')
	    FROM evaluations WHERE substr(assess_time, 1, 10)
	    BETWEEN '%s' AND '%s' GROUP BY 1;\n" "$1" "$from" "$to"
}
{
	q dept_code; q window_id; q staff_id; q item_code; q channel
	q entry_method; q area_code; q "substr(assess_time, 1, 10)"
	q "date(substr(assess_time, 1, 10), '-6 days', 'weekday 1')"
	q "substr(assess_time, 1, 7)"
} >groupby.sql
one=$(q dept_code)

cat hcp.db >/dev/null
measure sqlite3_groupby_dept sqlite3 hcp.db "$one"
measure sqlite3_groupby_all sh -c "sqlite3 hcp.db <groupby.sql"
measure report_table_dept hcp-report -d hcp.db $month -b dept
measure report_table_all hcp-report -d hcp.db $month -b all
measure report_csv_all hcp-report -q -d hcp.db $month -b all -o r.csv
measure report_xlsx_all hcp-report -q -d hcp.db $month -b all -o r.xlsx
measure report_pdf_all hcp-report -q -d hcp.db $month -b all -o r.pdf
measure report_full sh -c "hcp-report -q -d hcp.db $month -b all -o r.xlsx &&
	hcp-report -q -d hcp.db $month -b all -o r.pdf"
printf 'report table (1 grouping) / sqlite3 GROUP BY: %.2f\n' \
	"$(echo "$wall_report_table_dept / $wall_sqlite3_groupby_dept" | bc -l)"
printf 'report table (all) / sqlite3 GROUP BY (all): %.2f\n' \
	"$(echo "$wall_report_table_all / $wall_sqlite3_groupby_all" | bc -l)"
printf 'full report (XLSX + PDF) / sqlite3 GROUP BY (all): %.2f\n' \
	"$(echo "$wall_report_full / $wall_sqlite3_groupby_all" | bc -l)"
