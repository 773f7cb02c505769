#!/bin/sh
# SPDX-License-Identifier: ISC
#
# intake-server.sh [BATCHES [RECORDS]]: what the server alone spends on
# the tables hcp-intake loads, against a bare table: the same rows
# (BATCHES x RECORDS, default 300 x 1000) loaded by psql \copy, one
# transaction a batch, into each of
#   bare          a table of 33 text columns, as tests/bench/intake.sh
#                 (its CSV: the payload's columns)
#   records       hcp-intake's records (typed, partitioned by month,
#                 primary key), COPY's text format, as intake sends it
#   records-nopk  the same without the primary key
#   keys          project_keys, the key unique across stations
#   keys-nopk     the same without its primary key
#   keys-unlogged the same, unlogged (no WAL)
#   both          records and project_keys in one transaction a batch,
#                 as hcp-intake loads them
# and prints the backend's CPU seconds for each (read from /proc by the
# backend itself) and its wall time.  PostgreSQL as in intake.sh.
set -eu
nb=${1:-300}
nr=${2:-1000}
bench=$(cd "$(dirname "$0")" && pwd)
HCP_SRC=$(cd "$bench/../.." && pwd)
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hcp-bench-server.XXXXXX")
PG_FSYNC=on
PG_OPTS="-c max_wal_size=4GB -c checkpoint_timeout=1h"
. "$HCP_SRC/tests/pg.sh"
pg_have || { echo "PostgreSQL is not installed" >&2; exit 2; }
pg_start || { echo "cannot start PostgreSQL" >&2; exit 2; }
chmod 755 "$TEST_DIR"	# the server reads nothing here; psql does
cd "$TEST_DIR"

# the rows: station s, batch 1, line 2.. (as hcp-pack numbers them)
awk -v nb="$nb" -v nr="$nr" 'BEGIN {
	for (b = 0; b < nb; b++) {
		s = sprintf("3304%04d", b)
		r = "r" s ".txt"; k = "k" s ".txt"; c = "c" s ".csv"
		printf "projectNo,taskCode,deptCode,areaCode,proManager,pf," \
		    "satisfaction,evalDetail,writingEvaluation,userProp," \
		    "userName,userPageType,certKey,assessTime,assessNumber," \
		    "serial,window,phone,service_time,guide_clear," \
		    "process_easy,material_lean,ui_friendly,src_file," \
		    "src_hash,src_line,operator,entry_method,imported_at," \
		    "supersedes,amend_reason,amend_operator,amended_at\n" >c
		for (i = 1; i <= nr; i++) {
			p = sprintf("B%s-%07d", s, i); g = 5 - i % 3
			printf "%s\t%s\t1\t%d\t\\N\t2026-11-01\t\\N\t%s\t" \
			    "11330523002572643X200016010000001\t" \
			    "11330523002572643X\t330523\tA01\tAJ0001\t4\t%d\t" \
			    "%d01\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t" \
			    "2026-11-20 09:00:00\t2026-11-20 10:00:00\t1\t" \
			    "\\N\t\\N\t\\N\t\\N\n", s, substr(s, 1, 6), i + 1,
			    p, g, g >r
			printf "%s\t1\t%d\t%s\t1\n", s, i + 1, p >k
			printf "%s,11330523002572643X200016010000001," \
			    "11330523002572643X,330523000000,AJ0001,4,%d,%d01," \
			    ",,,,,2026-11-20 10:00:00,1,,A01,,2026-11-20 " \
			    "09:00:00,,,,,st/%s.csv,%064d,%d,bench,keyed," \
			    "2026-11-21 22:26:40,,,,\n", p, g, g, s, 0, i + 1 >c
		}
		close(r); close(k); close(c)
	}
}'
cols="station, region, seq, line, supersedes, assess_month, serial, \
project_no, item_code, dept_code, area_code, window_code, staff_code, \
channel, satisfaction, eval_detail, comment, user_prop, evaluator, \
cert_type, cert_no, phone, service_time, assess_time, assess_number, \
guide_clear, process_easy, material_lean, ui_friendly"
kcols="station, seq, line, project_no, assess_number"
bare=$(head -n 1 c33040000.csv | tr , '\n' | sed 's/.*/"&" text/' |
	paste -sd, -)

# run VARIANT: a new db with the schema, the variant's change, the load
run() {
	v=$1
	psql -X -q -d "$PG_CONNINFO" -c "DROP DATABASE IF EXISTS x" \
		-c "CREATE DATABASE x"
	db="${PG_CONNINFO% dbname=*} dbname=x"
	psql -X -q -d "$db" -f "$HCP_SRC/share/intake/pg.sql"
	psql -X -q -d "$db" -c "CREATE TABLE records_p202611 PARTITION OF \
records FOR VALUES FROM ('2026-11-01') TO ('2026-12-01')" \
		-c "CREATE TABLE bare ($bare)"
	case $v in
	records-nopk) psql -X -q -d "$db" \
		-c "ALTER TABLE records DROP CONSTRAINT records_pkey" ;;
	keys-nopk) psql -X -q -d "$db" \
		-c "ALTER TABLE project_keys DROP CONSTRAINT project_keys_pkey" ;;
	keys-unlogged) psql -X -q -d "$db" \
		-c "ALTER TABLE project_keys SET UNLOGGED" ;;
	esac
	for f in r*.txt; do
		s=${f#r}
		s=${s%.txt}
		# printf: the echo of sh(1) may take \c for "no more output"
		case $v in
		bare) printf '%s\n' "\\copy bare FROM 'c$s.csv' WITH (FORMAT csv, HEADER true)" ;;
		records*) printf '%s\n' "\\copy records ($cols) FROM 'r$s.txt'" ;;
		keys*) printf '%s\n' "\\copy project_keys ($kcols) FROM 'k$s.txt'" ;;
		both) printf '%s\n' "BEGIN;" \
			"\\copy records ($cols) FROM 'r$s.txt'" \
			"\\copy project_keys ($kcols) FROM 'k$s.txt'" "COMMIT;" ;;
		esac
	done >load.sql
	echo "SELECT (split_part(pg_read_file('/proc/self/stat'), ' ', 14)::int +
	    split_part(pg_read_file('/proc/self/stat'), ' ', 15)::int)::float /
	    $(getconf CLK_TCK);" >>load.sql
	psql -X -q -d "$db" -c CHECKPOINT
	t0=$(date +%s.%N)
	cpu=$(psql -X -q -A -t -d "$db" -f load.sql)
	t1=$(date +%s.%N)
	printf '%-14s %6.2f s backend cpu %6.2f s wall\n' "$v" "$cpu" \
		"$(echo "$t1 - $t0" | bc)"
}

echo "$nb batches x $nr records, one transaction a batch"
run bare >/dev/null	# warms the server: its WAL files made
for v in bare records records-nopk keys keys-nopk keys-unlogged both; do
	run $v
done
