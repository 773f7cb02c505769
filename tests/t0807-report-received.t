#!/bin/sh
# hcp-report --county / --pg: the figures of a receiving db (hcp-intake)
# are those of the batches it received, with the same groupings, on
# SQLite and on a real PostgreSQL.
. "$(dirname "$0")/lib.sh"

SOURCE_DATE_EPOCH=1795348800
export SOURCE_DATE_EPOCH
BENCH="$HCP_SRC/tests/bench"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

test_expect_success 'two stations, each with two packed batches' '
	for i in 1 2; do
		hcp-init -q -d s$i.db --catalog "$SAMPLE" --set issuer=0$i &&
		hcp-init -d s$i.db --print-pubkey >s$i.pub &&
		issue_serials s$i.db 200 >serials$i &&
		head -n 120 serials$i >a$i && tail -n +121 serials$i >b$i &&
		sh "$BENCH/gen-keyed.sh" -s a$i 120 >k$i.csv &&
		sh "$BENCH/gen-keyed.sh" -s b$i 80 >l$i.csv &&
		mkdir -p out$i &&
		hcp-import -q -d s$i.db k$i.csv &&
		hcp-pack -q -d s$i.db -o out$i &&
		hcp-import -q -d s$i.db l$i.csv &&
		hcp-pack -q -d s$i.db -o out$i || return 1
	done &&
	mkdir all inbox && cp out1/*.tar.gz out2/*.tar.gz all/ &&
	cp all/*.tar.gz inbox/ &&
	openssl genpkey -algorithm SM2 -out recv.pem 2>/dev/null
'

test_expect_success 'intake into a county db' '
	hcp-intake -q -d county.db --register 33052301 --pubkey s1.pub &&
	hcp-intake -q -d county.db --register 33052302 --pubkey s2.pub &&
	hcp-intake -q -d county.db -K recv.pem inbox &&
	test "$(sqlite3 county.db "SELECT count(*) FROM records")" = 400
'

test_expect_success 'the county db gives the figures of the batches' '
	hcp-report -q -d s1.db --batches all -k s1.pub -k s2.pub -b all \
		-f csv -o batches.csv &&
	hcp-report -q -d s1.db --county county.db -b all -f csv \
		-o county.csv &&
	test_cmp batches.csv county.csv &&
	grep -q "^total,,,400," county.csv
'

test_expect_success 'a period reads only its days' '
	hcp-report -q -d s1.db --batches all -k s1.pub -k s2.pub -b day \
		--from 2026-11-10 --to 2026-11-12 -f csv -o b3.csv &&
	hcp-report -q -d s1.db --county county.db -b day \
		--from 2026-11-10 --to 2026-11-12 -f csv -o c3.csv &&
	test_cmp b3.csv c3.csv
'

test_expect_success 'a county db that is not there: exit 2, nothing made' '
	test_expect_code_ 2 hcp-report -q --county nowhere.db -f csv 2>err &&
	test_grep err "nowhere.db" && ! test -e nowhere.db
'

test_expect_success 'one source at a time' '
	test_expect_code_ 2 hcp-report -q --county county.db --batches all \
		-f csv 2>err
'

. "$HCP_SRC/tests/pg.sh"
if ! pg_have; then
	say "PostgreSQL is not installed: the PostgreSQL cases are skipped"
	test_done
	exit 0
fi

pg_start || { echo "Bail out! cannot start PostgreSQL"; exit 1; }

test_expect_success 'PostgreSQL: intake, then the same figures' '
	hcp-intake -q --pg "$PG_CONNINFO" --register 33052301 --pubkey s1.pub &&
	hcp-intake -q --pg "$PG_CONNINFO" --register 33052302 --pubkey s2.pub &&
	mkdir inbox2 && cp all/*.tar.gz inbox2/ &&
	hcp-intake -q --pg "$PG_CONNINFO" -K recv.pem inbox2 &&
	hcp-report -q -d s1.db --pg "$PG_CONNINFO" -b all -f csv -o pg.csv &&
	test_cmp batches.csv pg.csv &&
	hcp-report -q -d s1.db --pg "$PG_CONNINFO" -b day \
		--from 2026-11-10 --to 2026-11-12 -f csv -o p3.csv &&
	test_cmp b3.csv p3.csv
'

test_done
