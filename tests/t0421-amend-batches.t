#!/bin/sh
# hcp-amend after packing.  In a batch without a receipt the record
# changes in place and hcp-pack writes the batch again (new SHA-256,
# Hcp-Replaces, the old file kept); --repack does it on demand and is
# refused for an acknowledged batch.  In an acknowledged batch the record
# stays, the batch still rebuilds byte for byte, and the next batch
# carries a superseding record that hcp-verify and stock tools accept;
# a superseding record tampered with is refused.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
H=serial,project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,comment,evaluator,phone,service_time,assess_time
B1=hcp-33052301-000001
B2=hcp-33052301-000002
B3=hcp-33052301-000003

# row SERIAL N GRADE DETAIL PHONE: a keyed row of record N
row() {
	printf '%s,P%07d,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,5,%s,%s,,张三,%s,2026-11-20 09:00,2026-11-20 10:00\n' \
		"$1" "$2" "$3" "$4" "$5"
}

q() {
	sqlite3 hcp.db "$1"
}

info() {
	tar xzOf out/$1.tar.gz $1/bag-info.txt
}

payload() {
	tar xzOf out/$1.tar.gz $1/data/evaluations.csv | tr -d "\r"
}

# rebag DIR: the manifests, signature and .tar.gz of an extracted batch
# made again with stock tools and the station key, after an edit.
rebag() {
	(cd "$1" &&
	size=$(stat -c %s data/evaluations.csv) &&
	sed -i "s/^Payload-Oxum: .*/Payload-Oxum: $size.1/" bag-info.txt &&
	sha256sum data/evaluations.csv >manifest-sha256.txt &&
	openssl dgst -sm3 -r data/evaluations.csv |
		sed "s/ \*/  /" >manifest-sm3.txt &&
	set -- bag-info.txt bagit.txt manifest-sha256.txt manifest-sm3.txt &&
	sha256sum "$@" >tagmanifest-sha256.txt &&
	openssl dgst -sm3 -r "$@" | sed "s/ \*/  /" >tagmanifest-sm3.txt &&
	openssl dgst -sm3 -sign ../hcp.db.sm2.pem -out signature.sm2 \
		tagmanifest-sm3.txt) &&
	tar --format=ustar --owner=0 --group=0 -cf - "$1" | gzip -n >"$1.tar.gz"
}

test_expect_success 'setup: four records in batch 1, keys of both sides' '
	setup_station &&
	issue_serials hcp.db 8 >serials &&
	{ echo $H && n=0 && head -n 4 serials | while read -r s; do
		n=$((n + 1)) && row $s $n 4 401 1380000000$n || exit 1
	done; } >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	openssl genpkey -algorithm SM2 -out recv.pem 2>/dev/null &&
	openssl pkey -in recv.pem -pubout -out hcp.db.receiver.pem &&
	mkdir out && hcp-pack -q -d hcp.db -o out &&
	test -f out/$B1.tar.gz
'
S1=$(sed -n 1p serials) S2=$(sed -n 2p serials) S5=$(sed -n 5p serials)

test_expect_success 'a correction in a batch without receipt marks it' '
	q "SELECT sha256 FROM batches WHERE seq = 1" >sha.1 &&
	hcp-amend -d hcp.db -r "digits swapped" $S1 phone=13912345678 >out.txt &&
	test_grep out.txt "batch $B1 has no receipt" &&
	test "$(q "SELECT rewrite FROM batches WHERE seq = 1")" = 1 &&
	test "$(q "SELECT phone FROM evaluations WHERE id = 1")" = 13912345678
'

test_expect_code 1 'a receipt for the file before the correction is not recorded' '
	hcp-verify -q -k pub.pem --receipt recv.pem -o old.receipt \
		out/$B1.tar.gz &&
	hcp-pack -d hcp.db --ack old.receipt 2>err; rc=$?
	test_grep err "corrected after it was written" &&
	test "$(q "SELECT state FROM batches WHERE seq = 1")" = packed &&
	exit $rc || exit 99
'

test_expect_success 'hcp-pack writes it again: new SHA-256, Hcp-Replaces, old kept' '
	SOURCE_DATE_EPOCH=1795352400 hcp-pack -d hcp.db -o out >paths &&
	echo out/$B1.tar.gz >expect && test_cmp expect paths &&
	test "$(sha256sum <out/$B1.tar.gz.replaced | cut -c1-64)" = "$(cat sha.1)" &&
	test "$(q "SELECT sha256 FROM batches WHERE seq = 1")" = \
		"$(sha256sum <out/$B1.tar.gz | cut -c1-64)" &&
	! test "$(q "SELECT sha256 FROM batches WHERE seq = 1")" = "$(cat sha.1)" &&
	info $B1 >info1 &&
	test_grep info1 "^Hcp-Replaces: $(cat sha.1)\$" &&
	test_grep info1 "^Hcp-Created: 2026-11-22 13:00:00\$" &&
	test_grep info1 "^Hcp-Sequence: 1\$" && test_grep info1 "^Hcp-Records: 4\$" &&
	payload $B1 | grep -c ",13912345678," >n && test "$(cat n)" = 1 &&
	test "$(q "SELECT rewrite || count(*) FROM batches")" = 01 &&
	hcp-verify -k pub.pem out/$B1.tar.gz
'

test_expect_success 'the batch written again rebuilds byte for byte' '
	mkdir again &&
	hcp-pack -q -d hcp.db -o again --rebuild 1 &&
	cmp out/$B1.tar.gz again/$B1.tar.gz
'

test_expect_success '--repack writes an unacknowledged batch again on demand' '
	q "SELECT sha256 FROM batches WHERE seq = 1" >sha.2 &&
	hcp-pack -d hcp.db -o out --repack 1 >paths &&
	echo out/$B1.tar.gz >expect && test_cmp expect paths &&
	test "$(sha256sum <out/$B1.tar.gz.replaced | cut -c1-64)" = "$(cat sha.2)" &&
	info $B1 >info1 &&
	test_grep info1 "^Hcp-Replaces: $(cat sha.2)\$" &&
	test "$(grep -c "^Hcp-Replaces:" info1)" = 1 &&
	hcp-verify -q -k pub.pem out/$B1.tar.gz
'

test_expect_success 'the receiver acknowledges it' '
	hcp-verify -q -k pub.pem --receipt recv.pem out/$B1.tar.gz &&
	hcp-pack -q -d hcp.db --ack out/$B1.receipt &&
	test "$(q "SELECT state FROM batches WHERE seq = 1")" = acknowledged &&
	cp out/$B1.tar.gz acked.tar.gz
'

test_expect_code 1 '--repack of an acknowledged batch is refused' '
	hcp-pack -d hcp.db -o out --repack 1 2>err; rc=$?
	test_grep err "acknowledged" &&
	cmp acked.tar.gz out/$B1.tar.gz && exit $rc || exit 99
'

test_expect_success 'a correction in an acknowledged batch supersedes' '
	q "SELECT * FROM evaluations WHERE id = 2" >row.before &&
	hcp-amend -d hcp.db -u 李娜 -r "the form says 2" $S2 满意度=2 \
		评价详情代码=201 >out.txt &&
	test_grep out.txt "batch $B1 was acknowledged" &&
	q "SELECT * FROM evaluations WHERE id = 2" >row.after &&
	test_cmp row.before row.after &&
	test "$(q "SELECT eval_id || batch_seq || satisfaction || eval_detail || operator FROM corrections")" = "212201李娜" &&
	test "$(q "SELECT satisfaction || correction_id FROM evaluations_current WHERE id = 2")" = 21 &&
	test "$(q "SELECT tbl FROM audit WHERE field = \"satisfaction\"")" = corrections &&
	test "$(q "SELECT rewrite FROM batches WHERE seq = 1")" = 0
'

test_expect_success 'the acknowledged batch still rebuilds byte for byte' '
	rm -rf again && mkdir again &&
	hcp-pack -q -d hcp.db -o again --rebuild 1 &&
	cmp acked.tar.gz again/$B1.tar.gz
'

test_expect_success 'the next batch carries the superseding record alone' '
	hcp-pack -d hcp.db -o out >paths &&
	echo out/$B2.tar.gz >expect && test_cmp expect paths &&
	info $B2 >info2 &&
	test_grep info2 "^Hcp-Records: 1\$" &&
	test_grep info2 "^Hcp-Corrections: 1\$" &&
	test_grep info2 "^Hcp-Format: 2\$" &&
	payload $B2 >csv2 &&
	test "$(wc -l <csv2)" = 2 &&
	test_grep csv2 "imported_at,supersedes,amend_reason,amend_operator,amended_at\$" &&
	test_grep csv2 "^P0000002,.*,2,201,.*,$S2,.*,$B1,the form says 2,李娜,2026-11-22 12:00:00\$" &&
	test "$(q "SELECT first_corr || last_corr || corrections || records FROM batches WHERE seq = 2")" = 1110
'

test_expect_success 'hcp-verify accepts it with the public key alone, and both together' '
	hcp-verify -k pub.pem out/$B2.tar.gz >v.out &&
	test_grep v.out "OK: batch $B2, 1 records" &&
	hcp-verify -q -k pub.pem out/$B1.tar.gz out/$B2.tar.gz
'

test_expect_success 'stock tools accept it' '
	mkdir x && (cd x && tar xzf ../out/$B2.tar.gz) &&
	(cd x/$B2 && sha256sum -c manifest-sha256.txt &&
	sha256sum -c tagmanifest-sha256.txt &&
	openssl dgst -sm3 -verify ../../pub.pem -signature signature.sm2 \
		tagmanifest-sm3.txt)
'

test_expect_success 'its receipt counts the superseding record' '
	hcp-verify -q -k pub.pem --receipt recv.pem out/$B2.tar.gz &&
	hcp-pack -q -d hcp.db --ack out/$B2.receipt &&
	test "$(q "SELECT state FROM batches WHERE seq = 2")" = acknowledged
'

test_expect_success 'the corrected row and the original are duplicates on import' '
	{ echo $H && row $S2 2 4 401 13800000002 && row $S2 2 2 201 13800000002; } >re.csv &&
	hcp-import -d hcp.db re.csv >out.txt &&
	test_grep out.txt "2 rows read: 0 accepted, 0 rejected, 2 duplicates"
'

test_expect_success 'superseding records come before new records' '
	{ echo $H && row $S5 5 5 501 13800000005; } >new.csv &&
	hcp-import -q -d hcp.db new.csv &&
	hcp-amend -q -d hcp.db -r "comment left out" P0000003/1 comment=好 &&
	hcp-amend -q -d hcp.db -r "and the phone" P0000003/1 phone=13700000003 &&
	hcp-pack -q -d hcp.db -o out &&
	payload $B3 >csv3 &&
	test "$(sed -n "2p;3p" csv3 | grep -c ",$B1,")" = 2 &&
	sed -n 4p csv3 | grep "^P0000005,.*,,,,\$" &&
	test_grep csv3 "^P0000003,.*,好,.*13700000003,.*,and the phone," &&
	hcp-verify -q -k pub.pem out/$B1.tar.gz out/$B2.tar.gz out/$B3.tar.gz
'

# tamper EXPR: batch 3 with sed EXPR applied to its payload, signed again
tamper() {
	rm -rf $B3 $B3.tar.gz &&
	tar xzf out/$B3.tar.gz &&
	sed -i "$1" $B3/data/evaluations.csv &&
	rebag $B3
}

test_expect_success 'a re-signed batch 3 unchanged verifies (the harness is sound)' '
	tamper "s/x/x/" &&
	hcp-verify -q -k pub.pem $B3.tar.gz
'

test_expect_code 1 'supersedes naming a later batch is refused' '
	tamper "2s/,$B1,/,hcp-33052301-000004,/" &&
	hcp-verify -k pub.pem $B3.tar.gz 2>err; rc=$?
	test_grep err "supersedes: hcp-33052301-000004 is not an earlier batch" &&
	exit $rc || exit 99
'

test_expect_code 1 'supersedes naming another station is refused' '
	tamper "2s/,$B1,/,hcp-33052399-000001,/" &&
	hcp-verify -k pub.pem $B3.tar.gz 2>err; rc=$?
	test_grep err "not an earlier batch" && exit $rc || exit 99
'

test_expect_code 1 'an empty reason is refused' '
	tamper "2s/,comment left out,/,,/" &&
	hcp-verify -k pub.pem $B3.tar.gz 2>err; rc=$?
	test_grep err "amend_reason: empty" && exit $rc || exit 99
'

test_expect_code 1 'amended_at in the future is refused' '
	tamper "2s/,2026-11-22 12:00:00\r\$/,2027-01-01 00:00:00\r/" &&
	hcp-verify -k pub.pem $B3.tar.gz 2>err; rc=$?
	test_grep err "amended_at: in the future" && exit $rc || exit 99
'

test_expect_code 1 'a superseding record after the new records is refused' '
	tamper "2{h;d};4G" &&
	hcp-verify -k pub.pem $B3.tar.gz 2>err; rc=$?
	test_grep err "after new records" && exit $rc || exit 99
'

test_expect_code 1 'a superseded key again as a new record is refused' '
	tamper "4s/^P0000005,/P0000003,/" &&
	hcp-verify -k pub.pem $B3.tar.gz 2>err; rc=$?
	test_grep err "given again as a new record" && exit $rc || exit 99
'

test_expect_code 1 'amend columns on a new record are refused' '
	tamper "4s/,,,,\r\$/,,why,who,\r/" &&
	hcp-verify -k pub.pem $B3.tar.gz 2>err; rc=$?
	test_grep err "supersedes nothing" && exit $rc || exit 99
'

test_expect_code 1 'an invalid superseding record is refused by the validator' '
	tamper "/^P0000003,/s/,13700000003,/,1370000,/" &&
	n=$(grep -n "^P0000003," $B3/data/evaluations.csv | cut -d: -f1) &&
	test "$(grep -c ",1370000," $B3/data/evaluations.csv)" = 1 &&
	hcp-verify -k pub.pem $B3.tar.gz 2>err; rc=$?
	test_grep err "evaluations.csv:$n: .*phone" && exit $rc || exit 99
'

test_expect_code 1 'Hcp-Corrections must count them' '
	rm -rf $B3 && tar xzf out/$B3.tar.gz &&
	sed -i "s/^Hcp-Corrections: 2/Hcp-Corrections: 1/" $B3/bag-info.txt &&
	rebag $B3 &&
	hcp-verify -k pub.pem $B3.tar.gz 2>err; rc=$?
	test_grep err "Hcp-Corrections says 1" && exit $rc || exit 99
'

test_done
