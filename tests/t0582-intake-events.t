#!/bin/sh
# hcp-intake loads the case events a batch carries (data/case-events.csv,
# hcp-review(1)) into case_events with its records, in the batch's
# transaction, each event once however often the batch comes; records,
# batches and events carry the station's registered region; on
# PostgreSQL every unique key of the station's tables holds the
# distribution column (station and region).  Run on SQLite, then on a
# real PostgreSQL server if one is installed.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/pg.sh"

export SOURCE_DATE_EPOCH=1795300000	# 2026-11-21 22:26:40
NOW=$((SOURCE_DATE_EPOCH + 86400))
H=project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,comment,phone,service_time,assess_time
ITEM=11330523002572643X200016010000001
DEPT=11330523002572643X
B1=hcp-33052301-000001
B2=hcp-33052301-000002

test_expect_success 'setup: a station with bad reviews followed up, two batches' '
	setup_station s.db &&
	hcp-init -d s.db --print-pubkey >s.pub &&
	openssl genpkey -algorithm SM2 -out recv.pem 2>/dev/null &&
	{ echo $H && for i in 1 2 3; do
		echo "P$i,$ITEM,$DEPT,330523,A01,AJ0001,6,$i,慢,1380000000$i,2026-11-18 09:00,2026-11-18 10:00"
	done; } >in.csv &&
	hcp-import -q -d s.db in.csv &&
	hcp-review -d s.db -D 2026-11-19 visit 1 reached -s 4 "called" &&
	hcp-review -d s.db -D 2026-11-20 rectify 1 term "signs" &&
	hcp-review -d s.db appeal 2 malicious "abuse" &&
	hcp-pack -q -d s.db -o out &&
	hcp-review -d s.db rule 2 accept "county ruling 7" &&
	SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 60)) \
		hcp-pack -q -d s.db -o out &&
	test -e out/$B1.tar.gz && test -e out/$B2.tar.gz &&
	tar xzOf out/$B2.tar.gz $B2/bag-info.txt >info &&
	test_grep info "^Hcp-Records: 0" &&
	test_grep info "^Hcp-Case-Events: 1"
'

# cases NAME: the cases on the back end intake() and q() talk to.
cases() {
	test_expect_success "$1: the registered region, the first batch" '
		rm -rf inbox && mkdir inbox &&
		intake --register 33052301 --pubkey s.pub --region 330599 &&
		cp out/$B1.tar.gz inbox/ &&
		intake -K recv.pem inbox >out.txt &&
		test_grep out.txt "loaded: batch $B1, 3 records"
	'

	test_expect_success "$1: the events are loaded with the records" '
		test "$(q "SELECT count(*) FROM records")" = 3 &&
		test "$(q "SELECT count(*) FROM case_events")" = 3 &&
		test "$(q "SELECT event_id, case_id, project_no, assess_number,
			record_batch, action, outcome, action_date, state_from,
			state_to, reform_status, sfhfang, hfdc, text
			FROM case_events WHERE event_id = 1")" = \
		"1|1|P1|1|1|visit|reached|2026-11-19|open|visited|999|1|4|called" &&
		test "$(q "SELECT count(*) FROM case_events WHERE
			station = '\''33052301'\'' AND seq = 1 AND
			serial IS NULL AND sfeypj IS NULL")" = 3
	'

	test_expect_success "$1: records, batches and events carry the station's region" '
		test "$(q "SELECT DISTINCT region FROM records")" = 330599 &&
		test "$(q "SELECT DISTINCT region FROM case_events")" = 330599 &&
		test "$(q "SELECT region FROM batches")" = 330599 &&
		test "$(q "SELECT count(*) FROM project_keys")" = 3
	'

	test_expect_success "$1: the batch again under another name: no event twice" '
		cp out/$B1.tar.gz inbox/again.tar.gz &&
		intake -K recv.pem inbox >out.txt &&
		test_grep out.txt "loaded before" &&
		test "$(q "SELECT count(*) FROM case_events")" = 3 &&
		test "$(q "SELECT count(*) FROM records")" = 3
	'

	test_expect_success "$1: a batch of events alone adds them" '
		cp out/$B2.tar.gz inbox/ &&
		intake -K recv.pem inbox >out.txt &&
		test_grep out.txt "loaded: batch $B2, 0 records" &&
		test "$(q "SELECT count(*) FROM case_events")" = 4 &&
		test "$(q "SELECT seq || '\'' '\'' || action || '\'' '\'' ||
			outcome FROM case_events WHERE event_id = 4")" = \
			"2 rule accept"
	'

	test_expect_success "$1: a batch whose events were changed loads nothing" '
		mkdir -p x && tar xzf out/$B1.tar.gz -C x &&
		sed -i "s/,called/,CALLED/" x/$B1/data/case-events.csv &&
		tar -C x -czf inbox/hcp-33052301-000009.tar.gz $B1 &&
		test_expect_code_ 1 intake -K recv.pem inbox >out.txt &&
		test -e inbox/refused/hcp-33052301-000009.tar.gz.reason &&
		test "$(q "SELECT count(*) FROM case_events")" = 4 &&
		test "$(q "SELECT count(*) FROM case_events WHERE text =
			'\''CALLED'\''")" = 0
	'
}

intake() {
	SOURCE_DATE_EPOCH=$NOW hcp-intake -d county.db "$@"
}
q() {
	sqlite3 county.db "$1"
}
cases SQLite

if ! pg_have; then
	say "PostgreSQL is not installed (Debian: postgresql): its cases skipped"
	test_done
fi
pg_start || { echo "Bail out! cannot start PostgreSQL"; exit 1; }
PG=$(pg_newdb province) || { echo "Bail out! cannot create a db"; exit 1; }
intake() {
	SOURCE_DATE_EPOCH=$NOW hcp-intake --pg "$PG" "$@"
}
q() {
	psql -X -A -t -q -d "$PG" -c "$1"
}
cases PostgreSQL

test_expect_success 'PostgreSQL: every unique key of a station table holds station and region' '
	q "SELECT c.conrelid::regclass, pg_get_constraintdef(c.oid)
		FROM pg_constraint c WHERE c.contype IN ('\''p'\'', '\''u'\'')
		AND c.conrelid::regclass::text IN ('\''records'\'',
		'\''batches'\'', '\''serial_keys'\'', '\''case_events'\'')" \
		>keys.txt &&
	test "$(wc -l <keys.txt)" = 5 &&
	! grep -v "station.*region" keys.txt
'

test_done
