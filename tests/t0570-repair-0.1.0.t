#!/bin/sh
# Batches that hcp 0.1.0 packed and refused itself (a date alone read as
# midnight; the station's supplementary window not in the batch) are
# repaired after upgrading, as hcp-csv(5) and hcp-pack(1) say: the first
# verifies as it is, read under the rules 0.1.0 wrote it with; the
# second is written again with its rules (hcp-pack --repack); the
# upgraded station db keeps every record and row hash.
. "$(dirname "$0")/lib.sh"

D="$HCP_SRC/tests/data/batch-bad-0.1.0"
B1=hcp-33052301-000001.tar.gz
B2=hcp-33052301-000002.tar.gz

test_expect_success 'set up the 0.1.0 station and its batches' '
	sqlite3 hcp.db <"$D/station.sql" &&
	sqlite3 hcp.db "PRAGMA user_version = 3" &&
	cp "$D/station.sm2.pem" hcp.db.sm2.pem &&
	cp "$D/station.qr.secret" hcp.db.qr.secret &&
	chmod 600 hcp.db hcp.db.sm2.pem hcp.db.qr.secret &&
	mkdir out && cp "$D"/hcp-*.tar.gz out/ &&
	test "$(sqlite3 hcp.db "PRAGMA user_version")" = 3 &&
	sqlite3 hcp.db "SELECT id, row_hash FROM evaluations ORDER BY id" >hashes
'

test_expect_success 'the date-mix batch verifies as it is, read under 0.1.0 rules' '
	hcp-verify -k "$D/station.pub.pem" out/$B1 >v1 &&
	test_grep v1 "OK: batch hcp-33052301-000001, 3 records"
'

test_expect_success 'the batch without its settings is still refused' '
	{ hcp-verify -k "$D/station.pub.pem" out/$B2 2>err; test $? = 1; } &&
	test_grep err "later than the supplementary-evaluation window"
'

test_expect_success 'upgrading keeps every record, hash and packed byte' '
	hcp-pack -d hcp.db -l >list &&
	latest=$(ls "$HCP_DATADIR/schema" | sed -n "s/^0*\([0-9][0-9]*\)-.*\.sql$/\1/p" |
		sort -n | tail -n 1) &&
	hcp-init -q -d hcp.db &&
	test "$(sqlite3 hcp.db "PRAGMA user_version")" = "$latest" &&
	sqlite3 hcp.db "SELECT id, row_hash FROM evaluations ORDER BY id" >hashes.after &&
	test_cmp hashes hashes.after &&
	sqlite3 hcp.db "SELECT assess_time FROM evaluations ORDER BY id" >times &&
	printf "%s\n" "2026-11-20 00:00:00" "2026-11-20 10:00:00" \
		"2026-11-20 10:00:00" "2026-11-20 10:00:00" "2026-11-20 10:00:00" \
		"2026-11-21" >want &&
	test_cmp want times &&
	mkdir re && hcp-pack -q -d hcp.db -o re --rebuild 1 &&
	hcp-pack -q -d hcp.db -o re --rebuild 2 &&
	cmp re/$B1 out/$B1 && cmp re/$B2 out/$B2
'

test_expect_success 'the files imported by 0.1.0 are still duplicates' '
	for k in k1 k2 k3; do
		cp "$D/$k.csv" . &&
		hcp-import -d hcp.db --operator 李娜 $k.csv >o.$k || return 1
		test_grep o.$k "0 accepted, 0 rejected" || return 1
	done
'

test_expect_success 'the unpacked record is packed the new way and verifies' '
	hcp-pack -q -d hcp.db -o out &&
	hcp-verify -k "$D/station.pub.pem" out/hcp-33052301-000003.tar.gz >v3 &&
	test_grep v3 "OK: batch hcp-33052301-000003, 1 records" &&
	tar xzf out/hcp-33052301-000003.tar.gz -O --wildcards "*/bag-info.txt" |
		grep -qx "Hcp-Supplement-Days: 14"
'

test_expect_success 'upload.sh holds back the refused batch and names the record to correct' '
	{ HCP_UPLOAD_TRIES=1 sh "$HCP_SRC/share/examples/upload.sh" -d hcp.db \
		-o out http://127.0.0.1:9/in/ >up.out 2>up.err; test $? = 3; } &&
	test_grep up.err "$B2: refused by the rules; not sent" &&
	test_grep up.err "$B2: correct 3305230100000040 (k2.csv:2): assessTime: the evaluation is later" &&
	test_grep up.err "hcp-pack --repack 2" &&
	test_grep up.err "$B1: not sent; will try again" &&
	! grep "$B1: refused" up.err
'

test_expect_success 'the receiving side.s refusal is kept: hcp-pack -l shows it and why' '
	openssl genpkey -algorithm SM2 -out recv.pem 2>/dev/null &&
	openssl pkey -in recv.pem -pubout -out recv.pub &&
	mkdir county && cp out/$B2 county/ &&
	test_expect_code_ 1 hcp-verify -q -k "$D/station.pub.pem" \
		--receipt recv.pem county/$B2 2>/dev/null &&
	hcp-pack -q -d hcp.db -k recv.pub --refusal county/${B2%.tar.gz}.refused &&
	hcp-pack -d hcp.db -l >list &&
	test_grep list "^ *2  hcp-33052301-000002  refused " &&
	test_grep list "^batch 2 (hcp-33052301-000002) was refused by the receiving side on " &&
	test_grep list "^  .*later than the supplementary-evaluation window" &&
	hcp-pack -d hcp.db -p -l >pending &&
	test_grep pending "^$B2\$"
'

test_expect_success 'hcp-pack --repack writes the refused batch again with its rules; it verifies' '
	sha_before=$(sha256sum out/$B2 | cut -c1-64) &&
	hcp-pack -q -d hcp.db -o out --repack 2 &&
	test -f out/$B2.replaced &&
	test "$(sha256sum out/$B2.replaced | cut -c1-64)" = "$sha_before" &&
	tar xzf out/$B2 -O --wildcards "*/bag-info.txt" >info2 &&
	grep -qx "Hcp-Supplement-Days: 14" info2 &&
	grep -qx "Hcp-Replaces: $sha_before" info2 &&
	hcp-verify -k "$D/station.pub.pem" out/$B2 >v2 &&
	test_grep v2 "OK: batch hcp-33052301-000002, 2 records" &&
	hcp-pack -d hcp.db -l >list &&
	test_grep list "^ *2  hcp-33052301-000002  packed " &&
	! grep "was refused" list &&
	test_expect_code_ 1 hcp-pack -d hcp.db -k recv.pub \
		--refusal county/${B2%.tar.gz}.refused 2>err &&
	test_grep err "other bytes than batch hcp-33052301-000002 has now"
'

test_expect_success 'upload.sh then sends it: nothing is refused any more' '
	{ HCP_UPLOAD_TRIES=1 sh "$HCP_SRC/share/examples/upload.sh" -d hcp.db \
		-o out http://127.0.0.1:9/in/ >up2.out 2>up2.err; test $? = 1; } &&
	! grep refused up2.err &&
	test_grep up2.err "$B2: not sent; will try again"
'

test_done
