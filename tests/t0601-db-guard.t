#!/bin/sh
# The station db is marked (PRAGMA application_id "HCP1") and guarded:
# another program's SQLite file, a db without the hcp tables, a file that
# is not SQLite, an empty file (except for hcp-init) are refused with
# exit 2 and left unchanged; an older unmarked station db is marked by
# the next tool that writes.  A damaged db (a corrupt settings page)
# makes hcp-check, hcp-import and hcp-pack say "the station db is
# damaged" and exit 2, and no batch is signed.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1795300000
I=11330523002572643X200016010000002
APPID=1212370993	# 0x48435031, "HCP1"

test_expect_success 'set up: a station with one record, a keyed file' '
	setup_station &&
	cat >good.csv <<-EOF &&
	project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,comment,evaluator,phone,service_time,assess_time
	P0000001,${I%2}1,11330523002572643X,330523,A01,AJ0001,4,5,501,,张三,13800000001,2026-11-20 09:00,2026-11-20 10:00
	EOF
	hcp-import -q -d hcp.db good.csv &&
	cp hcp.db clean.db
'

test_expect_success 'a new station db carries the application_id' '
	test "$(sqlite3 hcp.db "PRAGMA application_id")" = $APPID
'

test_expect_success 'another program'\''s SQLite file is refused by every tool, unchanged' '
	sqlite3 other.db "PRAGMA application_id = 1234; CREATE TABLE t(a);
		INSERT INTO t VALUES (1)" &&
	cp other.db other.orig &&
	for t in "hcp-init -d other.db" "hcp-import -d other.db good.csv" \
	    "hcp-check -d other.db good.csv" "hcp-pack -d other.db -o out" \
	    "hcp-form -d other.db -N 1 -o f.pdf"; do
		$t >/dev/null 2>err; rc=$?
		test $rc = 2 || { echo "$t: exit $rc"; return 1; }
		test_grep err "another program" || return 1
	done &&
	cmp other.db other.orig &&
	test "$(sqlite3 other.db "SELECT count(*) FROM sqlite_schema")" = 1 &&
	! test -e out && ! test -e f.pdf
'

test_expect_success 'an SQLite file without an id and the hcp tables is refused' '
	sqlite3 plain.db "CREATE TABLE notes(a); PRAGMA user_version = 7" &&
	cp plain.db plain.orig &&
	test_expect_code_ 2 hcp-init -d plain.db 2>err &&
	test_grep err "not a station db" &&
	test_expect_code_ 2 hcp-import -d plain.db good.csv 2>err &&
	cmp plain.db plain.orig
'

test_expect_success 'a file that is not SQLite at all is refused, unchanged' '
	cp good.csv notdb.db &&
	test_expect_code_ 2 hcp-init -d notdb.db 2>err &&
	test_grep err "not an SQLite database" &&
	cmp notdb.db good.csv
'

test_expect_success 'an empty file: hcp-init makes it a station db, the others refuse' '
	: >empty.db &&
	test_expect_code_ 2 hcp-check -d empty.db good.csv 2>err &&
	test_grep err "no station database here" &&
	test_expect_code_ 2 hcp-import -d empty.db good.csv 2>err &&
	test_grep err "run hcp-init\|with hcp-init" &&
	! test -s empty.db &&
	hcp-init -q -d empty.db --catalog "$SAMPLE" &&
	test "$(sqlite3 empty.db "PRAGMA application_id")" = $APPID
'

test_expect_success 'an older station db without the id is marked by the next write' '
	cp clean.db old.db && cp hcp.db.sm2.pem old.db.sm2.pem &&
	sqlite3 old.db "PRAGMA application_id = 0" &&
	hcp-check -d old.db good.csv >/dev/null &&
	test "$(sqlite3 old.db "PRAGMA application_id")" = 0 &&
	hcp-pack -d old.db -o out-old >/dev/null &&
	test "$(sqlite3 old.db "PRAGMA application_id")" = $APPID
'

# corrupt DB TABLE: overwrites the root page of TABLE with garbage
corrupt() {
	ps=$(sqlite3 "$1" "PRAGMA page_size") &&
	pg=$(sqlite3 "$1" "SELECT rootpage FROM sqlite_schema
		WHERE name = '$2'") &&
	awk "BEGIN { for (i = 0; i < $ps; i++) printf \"%c\", 65 + i % 26 }" |
	dd of="$1" bs="$ps" seek=$((pg - 1)) count=1 conv=notrunc 2>/dev/null
}

test_expect_success 'a damaged settings page: check, import, pack exit 2 and say so' '
	cp clean.db bad.db &&
	cp hcp.db.sm2.pem bad.db.sm2.pem &&
	corrupt bad.db settings &&
	for t in "hcp-check -d bad.db good.csv" \
	    "hcp-import -d bad.db good.csv" "hcp-pack -d bad.db -o out-bad"; do
		$t >/dev/null 2>err; rc=$?
		test $rc = 2 || { echo "$t: exit $rc"; cat err; return 1; }
		test_grep err "the station db is damaged" || return 1
		test_grep err "hcp(7)" || return 1
	done &&
	! ls out-bad/*.tar.gz 2>/dev/null
'

test_expect_success 'a damaged eval_codes page: no batch is signed' '
	cp clean.db bad2.db &&
	cp hcp.db.sm2.pem bad2.db.sm2.pem &&
	corrupt bad2.db eval_codes &&
	test_expect_code_ 2 hcp-pack -d bad2.db -o out-bad2 2>err &&
	test_grep err "the station db is damaged" &&
	! ls out-bad2/*.tar.gz 2>/dev/null &&
	test "$(sqlite3 bad2.db "SELECT count(*) FROM batches" 2>/dev/null || echo 0)" = 0
'

test_done
