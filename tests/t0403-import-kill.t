#!/bin/sh
# kill -9 in the middle of a large import leaves a consistent db, and
# running the import again completes it: every row is in the db exactly
# once, every serial used once.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800
GEN="$HCP_SRC/tests/bench/gen-keyed.sh"
N=40000

test_expect_success 'set up: a station and a large keyed file' '
	setup_station &&
	issue_serials hcp.db $N >serials &&
	sh "$GEN" -s serials $N >big.csv
'

test_expect_success 'kill -9 part way through' '
	hcp-import -q -d hcp.db --operator x --chunk 500 big.csv &
	pid=$!
	i=0
	while [ $i -lt 400 ]; do
		n=$(sqlite3 hcp.db "SELECT count(*) FROM evaluations" 2>/dev/null)
		[ "${n:-0}" -gt 2000 ] && break
		i=$((i + 1))
		sleep 0.01
	done
	kill -9 $pid
	wait $pid; rc=$?
	echo "killed with ${n:-0} rows in, exit $rc" &&
	test $rc -ne 0 &&
	sqlite3 hcp.db "PRAGMA integrity_check" >ic &&
	test "$(cat ic)" = ok &&
	sqlite3 hcp.db "SELECT count(*) FROM evaluations" >n1 &&
	test "$(cat n1)" -gt 0 && test "$(cat n1)" -lt $N
'

test_expect_success 'the ledger agrees with the records after the kill' '
	test "$(sqlite3 hcp.db "SELECT count(*) FROM ledger
		WHERE state = '\''used'\''")" = "$(cat n1)" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations e
		JOIN forms f ON f.serial = e.serial AND f.state = '\''issued'\''")" = "$(cat n1)" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM imports
		WHERE finished_at IS NULL")" = 1
'

test_expect_success 'the re-run completes the job' '
	hcp-import -d hcp.db --operator x big.csv >out &&
	test_grep out "$N rows read: $(( N - $(cat n1) )) accepted, 0 rejected, $(cat n1) duplicates"
'

test_expect_success 'every row is in the db exactly once' '
	sqlite3 hcp.db "SELECT count(*), count(DISTINCT serial),
		count(DISTINCT src_line), min(src_line), max(src_line)
		FROM evaluations" >got &&
	echo "$N|$N|$N|2|$((N + 1))" >want && test_cmp want got &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM ledger
		WHERE state = '\''used'\''")" = $N &&
	test "$(sqlite3 hcp.db "PRAGMA integrity_check")" = ok
'

test_done
