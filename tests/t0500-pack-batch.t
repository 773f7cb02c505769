#!/bin/sh
# hcp-pack writes signed BagIt batches that stock tools alone can check
# (tar, sha256sum, openssl), marks every record once, splits with
# --max-records, rebuilds byte for byte, repairs a missing file, lists
# and acknowledges; hcp-verify accepts what it writes.
. "$(dirname "$0")/lib.sh"

SOURCE_DATE_EPOCH=1795300000
export SOURCE_DATE_EPOCH

# keyed_csv FIRST COUNT: a keyed CSV of COUNT valid evaluations, project
# numbers from FIRST, with commas, quotes and a line break in comments.
keyed_csv() {
	awk -v first="$1" -v n="$2" 'BEGIN {
		print "project_no,item_code,dept_code,area_code,window," \
		    "staff,channel,satisfaction,eval_detail,comment," \
		    "evaluator,phone,service_time,assess_time"
		for (i = first; i < first + n; i++) {
			g = 5 - i % 5
			c = ""
			if (i % 3 == 0) c = "\"很好, 办得快 \"\"点赞\"\"\""
			if (i % 7 == 0) c = "\"第一行\n第二行\""
			printf "P%07d,11330523002572643X200016010000001," \
			    "11330523002572643X,330523,A01,AJ0001,4,%d,%d01," \
			    "%s,张三,138%08d,2026-11-20 09:%02d," \
			    "2026-11-20 10:%02d\n", i, g, g, c, i, i % 60, \
			    i % 60
		}
	}'
}

count() {
	sqlite3 hcp.db "$1"
}

test_expect_success 'setup: a station with 30 imported records' '
	setup_station &&
	keyed_csv 1 30 >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	test "$(count "SELECT count(*) FROM evaluations")" = 30 &&
	hcp-init -d hcp.db --print-pubkey >pub.pem
'

test_expect_success 'hcp-pack packs every record into one batch, prints it' '
	mkdir out &&
	hcp-pack -d hcp.db -o out >paths &&
	echo out/hcp-33052301-000001.tar.gz >expect &&
	test_cmp expect paths &&
	test "$(count "SELECT first_id || \"-\" || last_id FROM batches")" = 1-30 &&
	test "$(count "SELECT records || state FROM batches")" = 30packed
'

test_expect_success 'stock tools alone verify the batch' '
	mkdir x && (cd x && tar xzf ../out/hcp-33052301-000001.tar.gz) &&
	cd x/hcp-33052301-000001 &&
	sha256sum -c manifest-sha256.txt &&
	sha256sum -c tagmanifest-sha256.txt &&
	openssl dgst -sm3 -verify ../../pub.pem -signature signature.sm2 \
		tagmanifest-sm3.txt &&
	test "$(openssl dgst -sm3 -r data/evaluations.csv | cut -c1-64)" = \
		"$(cut -c1-64 manifest-sm3.txt)"
'

test_expect_success 'the members are sorted, 0644, owned 0:0, at the batch time' '
	tar tvzf out/hcp-33052301-000001.tar.gz >list &&
	awk "{ print \$6 }" list >names &&
	sort names >sorted && test_cmp sorted names &&
	test "$(wc -l <list)" = 8 &&
	! grep -v "^-rw-r--r-- 0/0 " list &&
	! grep -v " 2026-11-21 22:26 " list
'

test_expect_success 'bag-info says station, count, oxum and coding' '
	b=x/hcp-33052301-000001 &&
	test_grep $b/bag-info.txt "^External-Identifier: hcp-33052301-000001\$" &&
	test_grep $b/bag-info.txt "^Bag-Count: 1 of 1\$" &&
	test_grep $b/bag-info.txt "^Hcp-Records: 30\$" &&
	test_grep $b/bag-info.txt "^Satisfaction-Coding: interface" &&
	size=$(stat -c %s $b/data/evaluations.csv) &&
	test_grep $b/bag-info.txt "^Payload-Oxum: $size\\.1\$" &&
	test_cmp - $b/bagit.txt <<-EOT
	BagIt-Version: 1.0
	Tag-File-Character-Encoding: UTF-8
	EOT
'

test_expect_success 'the CSV: interface names, 12-digit areaCode, provenance' '
	csv=x/hcp-33052301-000001/data/evaluations.csv &&
	head -n 1 $csv | tr -d "\\r" >header &&
	echo "projectNo,taskCode,deptCode,areaCode,proManager,pf,satisfaction,evalDetail,writingEvaluation,userProp,userName,userPageType,certKey,assessTime,assessNumber,serial,window,phone,service_time,guide_clear,process_easy,material_lean,ui_friendly,src_file,src_hash,src_line,operator,entry_method,imported_at,supersedes,amend_reason,amend_operator,amended_at" >expect &&
	test_cmp expect header &&
	test_grep $csv "^P0000001,[^,]*,[^,]*,330523000000,AJ0001,4,4,401," &&
	test_grep $csv ",13800000001,2026-11-20 09:01:00,,,,,in.csv,$(sha256sum in.csv | cut -c1-64),2,tester,keyed," &&
	test_grep $csv "\"很好, 办得快 \"\"点赞\"\"\"" &&
	hcp-check -q -d hcp.db --ignore-unknown $csv 2>err ||
	{ cat err; false; }
'

test_expect_success 'hcp-verify accepts it, with and without the catalogue' '
	hcp-verify -k pub.pem out/hcp-33052301-000001.tar.gz >out.txt &&
	test_grep out.txt "OK: batch hcp-33052301-000001, 30 records" &&
	hcp-verify -d hcp.db out/hcp-33052301-000001.tar.gz
'

test_expect_success 'nothing new: a second run writes nothing, and says so' '
	hcp-pack -d hcp.db -o out >paths 2>err &&
	! test -s paths &&
	test "$(cat err)" = "hcp-pack: nothing to pack: every record is in a batch, every batch file in out" &&
	hcp-pack -q -d hcp.db -o out >paths 2>err &&
	! test -s paths && ! test -s err &&
	test "$(count "SELECT count(*) FROM batches")" = 1
'

test_expect_success '--rebuild re-creates the batch byte for byte' '
	mkdir again &&
	SOURCE_DATE_EPOCH=1800000000 hcp-pack -d hcp.db -o again --rebuild 1 &&
	cmp out/hcp-33052301-000001.tar.gz again/hcp-33052301-000001.tar.gz
'

test_expect_success '--max-records splits: Bag-Count i of n, numbered in a row' '
	keyed_csv 31 25 >in2.csv &&
	hcp-import -q -d hcp.db in2.csv &&
	hcp-pack -d hcp.db -o out -M 10 >paths &&
	printf "out/hcp-33052301-%06d.tar.gz\n" 2 3 4 >expect &&
	test_cmp expect paths &&
	for i in 2 3 4; do
		tar xzOf out/hcp-33052301-00000$i.tar.gz \
			hcp-33052301-00000$i/bag-info.txt >info$i || return 1
	done &&
	test_grep info2 "^Bag-Count: 1 of 3" && test_grep info3 "^Bag-Count: 2 of 3" &&
	test_grep info4 "^Bag-Count: 3 of 3" && test_grep info4 "^Hcp-Records: 5" &&
	test_grep info3 "^Bag-Group-Identifier: hcp-33052301-000002" &&
	test "$(count "SELECT group_concat(n) FROM (SELECT (SELECT count(*)
		FROM evaluations WHERE id BETWEEN first_id AND last_id) AS n
		FROM batches ORDER BY seq)")" = 30,10,10,5 &&
	test "$(count "SELECT group_concat(first_id || \"-\" || last_id)
		FROM batches")" = 1-30,31-40,41-50,51-55 &&
	hcp-verify -q -k pub.pem out/*.tar.gz
'

test_expect_success 'a missing batch file is written again, identical' '
	cp out/hcp-33052301-000003.tar.gz keep.tar.gz &&
	rm out/hcp-33052301-000003.tar.gz &&
	hcp-pack -d hcp.db -o out >paths &&
	echo out/hcp-33052301-000003.tar.gz >expect && test_cmp expect paths &&
	cmp keep.tar.gz out/hcp-33052301-000003.tar.gz
'

test_expect_success 'a batch whose records changed cannot be rebuilt' '
	sqlite3 hcp.db "UPDATE evaluations SET comment = comment || \"!\" WHERE id = 45" &&
	mkdir changed &&
	test_expect_code_ 1 hcp-pack -d hcp.db -o changed --rebuild 3 2>err &&
	test_grep err "changed in the db after packing" &&
	! ls changed/*.tar.gz &&
	sqlite3 hcp.db "UPDATE evaluations SET comment = rtrim(comment, \"!\") WHERE id = 45"
'

test_expect_success '--list shows states; -p -l the ones to send again' '
	hcp-pack -d hcp.db -l >list &&
	head -n 1 list | tr -s " " >head &&
	echo " seq batch state records part made acknowledged" >expect &&
	test_cmp expect head &&
	test "$(grep -c " packed " list)" = 4 &&
	test_grep list "4 batches not acknowledged" &&
	hcp-pack -d hcp.db -p -l >pending &&
	printf "hcp-33052301-%06d.tar.gz\n" 1 2 3 4 >expect &&
	test_cmp expect pending
'

test_expect_success 'a receipt from hcp-verify is recorded by --ack' '
	openssl genpkey -algorithm SM2 -out recv.pem 2>/dev/null &&
	hcp-verify -q -k pub.pem --receipt recv.pem out/hcp-33052301-000002.tar.gz &&
	test_expect_code_ 2 hcp-pack -d hcp.db \
		--ack out/hcp-33052301-000002.receipt 2>err &&
	test_grep err "hcp.db.receiver.pem: no receiving side.s public key here, which the receipts are checked with: put it there or give it with -k" &&
	openssl pkey -in recv.pem -pubout -out hcp.db.receiver.pem &&
	test_grep out/hcp-33052301-000002.receipt "^Batch: hcp-33052301-000002\$" &&
	test_grep out/hcp-33052301-000002.receipt "^SHA-256: $(sha256sum out/hcp-33052301-000002.tar.gz | cut -c1-64)\$" &&
	hcp-pack -d hcp.db --ack out/hcp-33052301-000002.receipt >ack &&
	test_grep ack "batch 2 acknowledged" &&
	test "$(count "SELECT state FROM batches WHERE seq = 2")" = acknowledged &&
	hcp-pack -d hcp.db --ack out/hcp-33052301-000002.receipt &&
	hcp-pack -d hcp.db -p -l >pending &&
	! grep 000002 pending
'

test_expect_success 'the receipt signature checks with openssl too' '
	r=out/hcp-33052301-000002.receipt &&
	head -n 5 $r >signed &&
	sed -n "s/^Signature: //p" $r | xxd -r -p >sig.der &&
	openssl pkey -in recv.pem -pubout -out recv.pub &&
	openssl dgst -sm3 -verify recv.pub -signature sig.der signed
'

test_expect_success 'forged or foreign receipts are refused' '
	r=out/hcp-33052301-000003 &&
	hcp-verify -q -k pub.pem --receipt recv.pem -o r3 $r.tar.gz &&
	sed "s/^Records: 10/Records: 11/" r3 >forged &&
	test_expect_code_ 1 hcp-pack -d hcp.db --ack forged 2>err &&
	test_grep err "signature is not good" &&
	openssl genpkey -algorithm SM2 -out other.pem 2>/dev/null &&
	hcp-verify -q -k pub.pem --receipt other.pem -o r3b $r.tar.gz &&
	test_expect_code_ 1 hcp-pack -d hcp.db --ack r3b &&
	test "$(count "SELECT state FROM batches WHERE seq = 3")" = packed
'

test_expect_success 'a batch that does not pass gets a signed refusal; its receipt later removes it' '
	b=out/hcp-33052301-000004 &&
	openssl genpkey -algorithm SM2 -out st2.pem 2>/dev/null &&
	openssl pkey -in st2.pem -pubout -out st2.pub &&
	test_expect_code_ 1 hcp-verify -q -k st2.pub --receipt recv.pem \
		$b.tar.gz 2>err &&
	! test -e $b.receipt &&
	test_grep $b.refused "^HCP-Refusal: 1\$" &&
	test_grep $b.refused "^SHA-256: $(sha256sum $b.tar.gz | cut -c1-64)\$" &&
	hcp-pack -d hcp.db --refusal $b.refused >why &&
	test_grep why "batch 4 (hcp-33052301-000004) was refused by the receiving side on " &&
	test_grep why "^  signature.sm2: the signature is not good for this station.s key" &&
	cp $b.refused old.refused &&
	hcp-pack -d hcp.db -l >list &&
	test_grep list "^ *4  hcp-33052301-000004  refused " &&
	test_grep list "^batch 4 (hcp-33052301-000004) was refused by the receiving side on " &&
	test_grep list "^  signature.sm2: the signature is not good for this station.s key" &&
	test_expect_code_ 1 hcp-pack -d hcp.db --ack $b.refused 2>err &&
	test_grep err "refusal of batch hcp-33052301-000004 (.*), not a receipt" &&
	test_expect_code_ 1 hcp-pack -d hcp.db --refusal \
		out/hcp-33052301-000002.receipt 2>err &&
	test_grep err "a receipt, not a refusal" &&
	test "$(count "SELECT state FROM batches WHERE seq = 4")" = packed &&
	hcp-verify -q -k pub.pem --receipt recv.pem $b.tar.gz &&
	test -s $b.receipt && ! test -e $b.refused &&
	hcp-pack -q -d hcp.db --ack $b.receipt &&
	hcp-pack -d hcp.db -l >list &&
	test_grep list "^ *4  hcp-33052301-000004  acknowledged " &&
	! grep "was refused" list &&
	test "$(count "SELECT count(*) FROM batches WHERE refusal IS NOT NULL")" = 0 &&
	test_expect_code_ 1 hcp-pack -d hcp.db --refusal old.refused 2>err &&
	test_grep err "old.refused: batch hcp-33052301-000004 is acknowledged: the receiving side took it"
'

test_expect_success 'batch files are private (mode 0600)' '
	test "$(stat -c %a out/hcp-33052301-000001.tar.gz)" = 600
'

test_expect_success 'a batch that cannot be repaired does not stop new ones' '
	sqlite3 hcp.db "UPDATE evaluations SET comment = comment || \"!\" WHERE id = 45" &&
	mv out/hcp-33052301-000003.tar.gz keep3.tar.gz &&
	keyed_csv 56 3 >in3.csv && hcp-import -q -d hcp.db in3.csv &&
	test_expect_code_ 1 hcp-pack -d hcp.db -o out >paths 2>err &&
	test_grep err "hcp-33052301-000003 comes out different" &&
	echo out/hcp-33052301-000005.tar.gz >expect && test_cmp expect paths &&
	! test -e out/hcp-33052301-000003.tar.gz &&
	sqlite3 hcp.db "UPDATE evaluations SET comment = rtrim(comment, \"!\") WHERE id = 45" &&
	hcp-pack -d hcp.db -o out >paths &&
	echo out/hcp-33052301-000003.tar.gz >expect && test_cmp expect paths &&
	cmp keep3.tar.gz out/hcp-33052301-000003.tar.gz
'

test_expect_success 'one batch across several imports, split in the middle of one' '
	keyed_csv 60 4 >in4.csv && hcp-import -q -d hcp.db in4.csv &&
	keyed_csv 70 5 >in5.csv && hcp-import -q -d hcp.db in5.csv &&
	hcp-pack -d hcp.db -o out --max-records 6 >paths &&
	printf "out/hcp-33052301-%06d.tar.gz\n" 6 7 >expect &&
	test_cmp expect paths &&
	test "$(count "SELECT group_concat(records || \":\" || (last_id - first_id + 1))
		FROM batches WHERE seq >= 6")" = "6:6,3:3" &&
	hcp-verify -k pub.pem out/hcp-33052301-000006.tar.gz \
		out/hcp-33052301-000007.tar.gz >v &&
	test $(grep -c ": OK: " v) = 2 &&
	tar xzOf out/hcp-33052301-000006.tar.gz \
		hcp-33052301-000006/data/evaluations.csv | grep -c in4.csv >n4 &&
	echo 4 >expect && test_cmp expect n4
'

test_expect_success 'a gap in the record ids: every record once, none lost' '
	keyed_csv 80 6 >in6.csv && hcp-import -q -d hcp.db in6.csv &&
	gap=$(count "SELECT max(id) - 2 FROM evaluations") &&
	sqlite3 hcp.db "DELETE FROM evaluations WHERE id = $gap" &&
	hcp-pack -d hcp.db -o out >paths &&
	echo out/hcp-33052301-000008.tar.gz >expect && test_cmp expect paths &&
	test "$(count "SELECT records FROM batches WHERE seq = 8")" = 5 &&
	test "$(count "SELECT count(*) FROM evaluations")" = \
		"$(count "SELECT sum(records) FROM batches")" &&
	hcp-verify -k pub.pem out/hcp-33052301-000008.tar.gz >v &&
	test_grep v "OK: batch hcp-33052301-000008, 5 records"
'

test_expect_success 'a station name of two lines from an old db stays one line of bag-info' '
	sqlite3 hcp.db "UPDATE settings SET value = '\''安吉县'\'' || char(10) ||
		'\''Hcp-Station: 11010101'\'' WHERE key = '\''name'\''" &&
	keyed_csv 90 2 >in7.csv && hcp-import -q -d hcp.db in7.csv &&
	hcp-pack -q -d hcp.db -o out &&
	tar xzOf out/hcp-33052301-000009.tar.gz \
		hcp-33052301-000009/bag-info.txt >info &&
	test "$(grep -c "^Hcp-Station:" info)" = 1 &&
	grep -qx "Source-Organization: 安吉县\\\\x0aHcp-Station: 11010101" info &&
	hcp-verify -k pub.pem out/hcp-33052301-000009.tar.gz >v &&
	test_grep v "OK: batch hcp-33052301-000009, 2 records"
'

test_done
