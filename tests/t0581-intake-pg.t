#!/bin/sh
# hcp-intake on PostgreSQL (a province): the cases of
# tests/intake-cases.sh against a real server started for the test (an
# unprivileged user, a temporary directory, 127.0.0.1, a free port),
# then what only PostgreSQL has: monthly partitions, COPY, workers
# claiming batches with FOR UPDATE SKIP LOCKED.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/pg.sh"

if ! pg_have; then
	echo "1..0 # SKIP PostgreSQL is not installed (Debian: postgresql)"
	exit 0
fi
pg_start || { echo "Bail out! cannot start PostgreSQL"; exit 1; }
PG=$(pg_newdb province) || { echo "Bail out! cannot create a db"; exit 1; }

INTAKE_OPT=--pg INTAKE_ARG=$PG
q() {
	psql -X -A -t -q -d "$PG" -c "$1"
}
settle() {
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		test "$(q "SELECT count(*) FROM pg_stat_activity WHERE
			datname = current_database() AND
			pid <> pg_backend_pid()")" = 0 && return 0
		sleep 0.5
	done
	echo "a killed worker's session is still there"
	return 1
}

. "$HCP_SRC/tests/intake-cases.sh"

test_expect_success 'records are partitioned by month' '
	test "$(q "SELECT relkind FROM pg_class WHERE relname = '\''records'\''")" = p &&
	test "$(q "SELECT count(*) FROM ONLY records")" = 0 &&
	test "$(q "SELECT count(*) FROM records_p202611")" = "$(q "SELECT count(*) FROM records")"
'

test_expect_success 'a worker holds its claim until its batch commits' '
	batch s2.db $E1 5 P12 &&
	cp out/hcp-33052302-000004.tar.gz inbox/ &&
	q "INSERT INTO intake_queue VALUES ('\''$(cd inbox && pwd -P)'\'', '\''hcp-33052302-000004.tar.gz'\'')" &&
	{ psql -X -q -d "$PG" -c "BEGIN" \
		-c "SELECT file FROM intake_queue FOR UPDATE" \
		-c "SELECT pg_sleep(3)" -c "COMMIT" >/dev/null & p=$!; } &&
	sleep 1 && take &&
	test -e inbox/hcp-33052302-000004.tar.gz &&
	wait $p && take &&
	! test -e inbox/hcp-33052302-000004.tar.gz &&
	test "$(records 33052302)" = 3
'

test_expect_success 'a connection lost mid-batch: exit 2 naming the batch, nothing half-loaded, a re-run loads it once' '
	batch s2.db $E1 5 P13 &&
	cp out/hcp-33052302-000005.tar.gz inbox/ &&
	{ psql -X -q -d "$PG" -c "BEGIN" \
		-c "LOCK TABLE batches IN ACCESS EXCLUSIVE MODE" \
		-c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null & p=$!; } &&
	sleep 1 &&
	{ take & t=$!; } &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		sleep 0.1
		test "$(q "SELECT count(pg_terminate_backend(pid)) FROM
			pg_stat_activity WHERE datname = current_database() AND
			wait_event_type = '\''Lock'\'' AND
			application_name <> '\''psql'\''")" = 1 && break
	done &&
	test_expect_code_ 2 wait $t && wait $p &&
	test_grep err.txt "^hcp-intake: inbox: hcp-33052302-000005.tar.gz: .*\(terminating connection\|server closed the connection\)" &&
	# its claim given back, the run s other lane may have taken it
	case "$(q "SELECT count(*) FROM batches WHERE seq = 5 AND station = '\''33052302'\''") $(q "SELECT count(*) FROM records WHERE project_no = '\''P13'\''")" in
	"0 0"|"1 1") ;;
	*) echo "half-loaded"; false ;;
	esac &&
	settle && take &&
	test "$(q "SELECT count(*) FROM records WHERE project_no = '\''P13'\''")" = 1 &&
	! test -e inbox/hcp-33052302-000005.tar.gz
'

test_done
