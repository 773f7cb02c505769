#!/bin/sh
# A station db of schema version 2 (records marked with their batch,
# serials marked used in the ledger) is brought to version 3 by the next
# tool that opens it: batches become ranges of record ids, the ledger
# keeps issued and voided and derives used, nothing is lost, and hcp-pack
# goes on from where the old batches ended.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

SOURCE_DATE_EPOCH=1795300000
export SOURCE_DATE_EPOCH
GEN="$HCP_SRC/tests/bench/gen-keyed.sh"

# The columns of evaluations in versions 1 to 3, but batch_seq.
V1COLS="id, serial, project_no, item_code, dept_code, area_code, window_id,
	staff_id, channel, satisfaction, eval_detail, eval_codes_version,
	comment, user_prop, evaluator, cert_type, cert_no, phone, service_time,
	assess_time, assess_number, import_id, src_line, entry_method, row_hash"

# This hcp writes columns that version 2 has not: the records are
# imported into a current db and copied into the version 2 one.
test_expect_success 'a version 2 db with 25 records, 2 batches, a voided serial' '
	hcp-init -q -d new.db --catalog "$SAMPLE" &&
	issue_serials new.db 26 >serials &&
	head -n 25 serials >used &&
	sh "$GEN" -s used 25 >k.csv &&
	hcp-import -q -d new.db --operator x k.csv &&
	mkdir -p v2/schema &&
	cp "$HCP_DATADIR"/schema/001-*.sql "$HCP_DATADIR"/schema/002-*.sql v2/schema/ &&
	ln -s "$HCP_DATADIR"/forms "$HCP_DATADIR"/sample v2/ &&
	HCP_DATADIR=$PWD/v2 && export HCP_DATADIR &&
	hcp-init -q -d old.db --catalog "$SAMPLE" &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = 2 &&
	issue_serials old.db 26 >serials.old && test_cmp serials serials.old &&
	sqlite3 old.db "UPDATE forms SET state = '\''voided'\'',
		state_at = '\''2026-11-21 08:00:00'\''
		WHERE serial = '\''$(sed -n 26p serials)'\''" &&
	sqlite3 old.db "ATTACH '\''new.db'\'' AS n;
	    INSERT INTO imports SELECT * FROM n.imports;
	    INSERT INTO evaluations ($V1COLS) SELECT $V1COLS
		FROM n.evaluations" &&
	sqlite3 old.db "
	    UPDATE forms SET state = '\''used'\'', state_at = '\''2026-11-20 10:00:00'\''
		WHERE serial IN (SELECT serial FROM evaluations);
	    INSERT INTO batches (seq, name, created_at, records, state, sha256)
		VALUES (1, '\''hcp-33052301-000001'\'', '\''2026-11-20 11:00:00'\'', 10,
		    '\''acknowledged'\'', '\''0'\''),
		(2, '\''hcp-33052301-000002'\'', '\''2026-11-20 12:00:00'\'', 5,
		    '\''acknowledged'\'', '\''0'\'');
	    UPDATE evaluations SET batch_seq = 1 WHERE id <= 10;
	    UPDATE evaluations SET batch_seq = 2 WHERE id BETWEEN 11 AND 15;" &&
	sqlite3 old.db "SELECT * FROM evaluations ORDER BY id" >records.before
'

test_expect_code 2 'a read-only tool says how to upgrade, and changes nothing' '
	hcp-check -d old.db k.csv 2>err; rc=$?
	test_grep err "schema version 2 is older.*hcp-init -d old.db" &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = 2 && exit $rc || exit 99
'

test_expect_success 'the next tool that writes migrates it to the latest version' '
	latest=$(ls "$HCP_DATADIR/schema" | sed -n "s/^0*\([0-9][0-9]*\)-.*\.sql$/\1/p" |
		sort -n | tail -n 1) &&
	hcp-form -d old.db --status "$(head -n 1 serials)" >st &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = "$latest" &&
	test_grep st "	used	" &&
	test "$(sqlite3 old.db "PRAGMA integrity_check")" = ok &&
	test "$(sqlite3 old.db "PRAGMA foreign_key_check")" = ""
'

test_expect_success 'every record is kept, each field the same' '
	sqlite3 old.db "SELECT $V1COLS, CASE WHEN id <= 10 THEN 1
		WHEN id <= 15 THEN 2 END FROM evaluations ORDER BY id" \
	    >records.after &&
	test_cmp records.before records.after &&
	test "$(sqlite3 old.db "SELECT count(*) FROM evaluations WHERE
		coalesce(guide_clear, process_easy, material_lean,
		ui_friendly) IS NOT NULL")" = 0
'

test_expect_success 'the batches became ranges of ids' '
	test "$(sqlite3 old.db "SELECT group_concat(first_id || \"-\" || last_id)
		FROM batches")" = 1-10,11-15
'

test_expect_success 'the ledger stores issued and voided, and shows used' '
	sqlite3 old.db "SELECT state, count(*) FROM forms GROUP BY 1" >got &&
	printf "issued|25\nvoided|1\n" >want && test_cmp want got &&
	sqlite3 old.db "SELECT state, count(*) FROM ledger GROUP BY 1" >got &&
	printf "used|25\nvoided|1\n" >want && test_cmp want got
'

test_expect_success 'hcp-pack goes on after the old batches' '
	mkdir out &&
	hcp-pack -d old.db -o out >paths &&
	echo out/hcp-33052301-000003.tar.gz >want && test_cmp want paths &&
	test "$(sqlite3 old.db "SELECT records, first_id, last_id FROM batches
		WHERE seq = 3")" = "10|16|25" &&
	hcp-init -d old.db --print-pubkey >pub.pem &&
	hcp-verify -q -k pub.pem out/hcp-33052301-000003.tar.gz
'

test_done
