#!/bin/sh
# Batches written by hcp 0.1.0, before the payload was compressed while
# it was made, are still rebuilt and repaired byte for byte from the db,
# and new batches of that db are written the new way and verify.
. "$(dirname "$0")/lib.sh"

FX="$HCP_SRC/tests/data/batch-0.1.0"
B1=hcp-33052301-000001.tar.gz
B2=hcp-33052301-000002.tar.gz
SOURCE_DATE_EPOCH=1795300000
export SOURCE_DATE_EPOCH

test_expect_success 'setup: the 0.1.0 station db and its keys' '
	sqlite3 hcp.db <"$FX/station.sql" &&
	sqlite3 hcp.db "PRAGMA user_version = 3" &&
	cp "$FX/station.sm2.pem" hcp.db.sm2.pem &&
	cp "$FX/station.qr.secret" hcp.db.qr.secret &&
	chmod 600 hcp.db.sm2.pem hcp.db.qr.secret &&
	test "$(sqlite3 hcp.db "SELECT group_concat(records) FROM batches")" = 30,15
'

test_expect_success '--rebuild writes both batches byte for byte' '
	mkdir r &&
	hcp-pack -d hcp.db -o r --rebuild 1 >paths &&
	hcp-pack -d hcp.db -o r --rebuild 2 >>paths &&
	printf "r/%s\nr/%s\n" $B1 $B2 >expect && test_cmp expect paths &&
	cmp "$FX/$B1" r/$B1 && cmp "$FX/$B2" r/$B2
'

test_expect_success 'a missing 0.1.0 batch file is repaired, identical' '
	mkdir out && cp "$FX/$B1" out/ &&
	hcp-pack -d hcp.db -o out >paths &&
	echo out/$B2 >expect && test_cmp expect paths &&
	cmp "$FX/$B2" out/$B2
'

test_expect_success 'new records go into a new batch that verifies' '
	printf "project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,assess_time\n" >new.csv &&
	for i in 1 2 3; do
		echo "N000000$i,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,4,5,2026-11-21 10:0$i"
	done >>new.csv &&
	hcp-import -q -d hcp.db new.csv &&
	hcp-pack -d hcp.db -o out >paths &&
	echo out/hcp-33052301-000003.tar.gz >expect && test_cmp expect paths &&
	hcp-verify -k "$FX/station.pub.pem" out/*.tar.gz >v.out &&
	test $(grep -c ": OK: " v.out) = 3
'

test_done
