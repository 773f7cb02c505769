#!/bin/sh
# Case events travel upstream: hcp-pack puts the events not yet sent into
# the next batch as data/case-events.csv, covered by both manifests and
# the signature; a batch of events alone when there are no new records;
# --rebuild gives the same bytes; hcp-verify with only the public key
# accepts it and stock tools verify it; a changed case-events.csv is BAD,
# and so is a re-signed one with an illegal transition, an unknown
# record or a date before the record's.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1771416000	# 2026-02-18 12:00:00 UTC
H=project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,comment,phone,service_time,assess_time
ITEM=11330523002572643X200016010000001
DEPT=11330523002572643X
B1=hcp-33052301-000001
B2=hcp-33052301-000002

q() {
	sqlite3 hcp.db "$1"
}

# resign DIR: Payload-Oxum, manifests, tag manifests and signature made
# again by the station's key, as a forger holding it would; DIR.tar.gz
resign() {
	(cd "$1" &&
	n=$(cat data/case-events.csv data/evaluations.csv | wc -c) &&
	sed -i "s/^Payload-Oxum: .*/Payload-Oxum: $n.2/" bag-info.txt &&
	for a in sha256 sm3; do
		for f in data/case-events.csv data/evaluations.csv; do
			printf "%s  %s\n" "$(openssl dgst -$a -r $f | cut -c1-64)" $f
		done >manifest-$a.txt
	done &&
	for a in sha256 sm3; do
		for f in bag-info.txt bagit.txt manifest-sha256.txt manifest-sm3.txt; do
			printf "%s  %s\n" "$(openssl dgst -$a -r $f | cut -c1-64)" $f
		done >tagmanifest-$a.txt
	done &&
	openssl dgst -sm3 -sign ../../hcp.db.sm2.pem -out signature.sm2 \
		tagmanifest-sm3.txt) &&
	tar -C "$(dirname "$1")" -czf "$1.tar.gz" "$(basename "$1")"
}

test_expect_success 'setup: bad reviews, actions on them' '
	setup_station &&
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	{ echo $H && for i in 1 2 3; do
		echo "P$i,$ITEM,$DEPT,330523,A01,AJ0001,6,$i,慢,1380000000$i,2026-02-10 09:00,2026-02-10 10:00"
	done; } >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	hcp-review -d hcp.db -D 2026-02-11 visit 1 reached -s 4 "called" &&
	hcp-review -d hcp.db -D 2026-02-12 rectify 1 term "signs" &&
	hcp-review -d hcp.db appeal 2 malicious "abuse" &&
	hcp-review -d hcp.db rule 2 accept "county ruling 7"
'

test_expect_success 'the batch carries the events, in both manifests' '
	hcp-pack -q -d hcp.db -o out &&
	tar tzf out/$B1.tar.gz >list &&
	test_grep list "^$B1/data/case-events.csv\$" &&
	mkdir x && tar xzf out/$B1.tar.gz -C x &&
	tr -d "\r" <x/$B1/data/case-events.csv >ev &&
	test "$(wc -l <ev)" = 5 &&
	test_grep ev "^1,1,,P1,1,1,2026-02-10 10:00:00,1,visit,reached,2026-02-11,2026-02-18 12:00:00,tester,open,visited,999,1,4,,,called\$" &&
	test_grep ev "^2,1,,P1,1,1,.*,rectify,term,2026-02-12,.*,visited,rectifying,20,,,,2026-03-11,signs\$" &&
	test_grep ev "^4,2,,P2,1,1,.*,rule,accept,.*,appealed,excluded,11,,,1,,county ruling 7\$" &&
	test_grep x/$B1/manifest-sha256.txt "  data/case-events.csv\$" &&
	test_grep x/$B1/manifest-sm3.txt "  data/case-events.csv\$" &&
	test_grep x/$B1/bag-info.txt "^Hcp-Case-Events: 4\$" &&
	test_grep x/$B1/bag-info.txt "^Payload-Oxum: [0-9]*\\.2\$" &&
	test "$(q "SELECT first_event, last_event FROM batches WHERE seq = 1")" = "1|4"
'

test_expect_success 'hcp-verify accepts it with only the public key' '
	hcp-verify -k pub.pem out/$B1.tar.gz >out.txt &&
	test_grep out.txt "OK"
'

test_expect_success 'stock tools verify it' '
	(cd x/$B1 && sha256sum -c manifest-sha256.txt &&
	sha256sum -c tagmanifest-sha256.txt &&
	openssl dgst -sm3 -verify ../../pub.pem -signature signature.sm2 \
		tagmanifest-sm3.txt) >stock.txt &&
	test_grep stock.txt "data/case-events.csv: OK" &&
	test_grep stock.txt "Verified OK"
'

test_expect_success '--rebuild gives the same bytes' '
	SOURCE_DATE_EPOCH=1780000000 hcp-pack -q -d hcp.db -o again --rebuild 1 &&
	cmp out/$B1.tar.gz again/$B1.tar.gz
'

test_expect_success 'events and no new records: a batch of events alone' '
	hcp-review -d hcp.db -D 2026-02-18 done 1 "signs put up" &&
	hcp-pack -q -d hcp.db -o out &&
	test -f out/$B2.tar.gz &&
	hcp-verify -k pub.pem out/$B2.tar.gz >v.txt && test_grep v.txt OK &&
	tar xzOf out/$B2.tar.gz $B2/data/case-events.csv | tr -d "\r" >ev2 &&
	test "$(sed 1d ev2 | cut -d, -f1,6,9)" = "5,1,done" &&
	tar xzOf out/$B2.tar.gz $B2/bag-info.txt | grep -q "^Hcp-Records: 0\$"
'

test_expect_success 'nothing new: no batch' '
	hcp-pack -q -d hcp.db -o out && ! test -e out/hcp-33052301-000003.tar.gz
'

test_expect_success 'a changed case-events.csv is BAD' '
	rm -rf t && mkdir t && tar xzf out/$B1.tar.gz -C t &&
	sed -i "s/county ruling 7/county ruling 8/" t/$B1/data/case-events.csv &&
	tar -C t -czf t/$B1.tar.gz $B1 &&
	test_expect_code_ 1 hcp-verify -k pub.pem t/$B1.tar.gz >v.txt 2>&1 &&
	test_grep v.txt "digest of data/case-events.csv does not match" &&
	test_grep v.txt "BAD"
'

# forge SED: batch 1 with its events edited by SED, re-signed
forge() {
	rm -rf f && mkdir f && tar xzf out/$B1.tar.gz -C f &&
	sed -i "$1" f/$B1/data/case-events.csv &&
	resign f/$B1
}

test_expect_success 're-signed with good events: OK (the forging works)' '
	forge "s/signs/signs!/" &&
	hcp-verify -k pub.pem f/$B1.tar.gz >v.txt
'

test_expect_success 'an illegal transition is BAD' '
	forge "s/,appealed,excluded,/,open,excluded,/" &&
	test_expect_code_ 1 hcp-verify -k pub.pem f/$B1.tar.gz >v.txt 2>&1 &&
	test_grep v.txt "data/case-events.csv:5: event 4: rule (accept) from open to excluded: an illegal transition"
'

test_expect_success 'an event that does not follow the one before is BAD' '
	forge "2s/,open,visited,/,rectified,rectified,/" &&
	test_expect_code_ 1 hcp-verify -k pub.pem f/$B1.tar.gz >v.txt 2>&1 &&
	test_grep v.txt "event 2: case 1 was rectified after event 1, not visited"
'

test_expect_success 'an unknown record is BAD: not in this batch, or a later one' '
	forge "2s/,P1,1,1,/,P9,1,1,/" &&
	test_expect_code_ 1 hcp-verify -k pub.pem f/$B1.tar.gz >v.txt 2>&1 &&
	test_grep v.txt "event 1: unknown record P9/1: it is not in this batch" &&
	forge "2s/,P1,1,1,/,P1,1,5,/" &&
	test_expect_code_ 1 hcp-verify -k pub.pem f/$B1.tar.gz >v.txt 2>&1 &&
	test_grep v.txt "event 1: unknown record P1/1: recordBatch 5 is not this batch (1) or an earlier one"
'

test_expect_success 'a date before the record is BAD' '
	forge "2s/,2026-02-11,/,2026-02-09,/" &&
	test_expect_code_ 1 hcp-verify -k pub.pem f/$B1.tar.gz >v.txt 2>&1 &&
	test_grep v.txt "event 1: 2026-02-09 is before the record.s evaluation (2026-02-10)"
'

test_expect_success 'a count other than Hcp-Case-Events is BAD' '
	forge "5d" &&
	test_expect_code_ 1 hcp-verify -k pub.pem f/$B1.tar.gz >v.txt 2>&1 &&
	test_grep v.txt "Hcp-Case-Events says 4, but data/case-events.csv has 3 events"
'

test_done
