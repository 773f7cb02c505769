#!/bin/sh
# hcp-verify: every single-byte change to a batch is caught; unsafe
# archives (absolute names, "..", links, fifos, oversize or too many
# members) are refused and nothing is written anywhere; bags made with
# stock tools verify, and their rows go through the shared validator;
# several batches: overlaps, records twice, gaps.
. "$(dirname "$0")/lib.sh"

SOURCE_DATE_EPOCH=1795300000
export SOURCE_DATE_EPOCH

HEADER="projectNo,taskCode,deptCode,areaCode,proManager,pf,satisfaction,evalDetail,writingEvaluation,userProp,userName,userPageType,certKey,assessTime,assessNumber,serial,window,phone,service_time,src_file,src_hash,src_line,operator,entry_method,imported_at"

# row PROJECT SATISFACTION [PHONE]: one batch CSV row.
row() {
	printf '%s,11330523002572643X200016010000001,11330523002572643X,330523000000,AJ0001,4,%s,%s01,,1,,,,2026-11-20 10:00:00,1,,A01,%s,2026-11-20 09:00:00,in.csv,%s,2,tester,keyed,2026-11-21 08:00:00\r\n' \
		"$1" "$2" "$2" "${3:-13812345678}" \
		0000000000000000000000000000000000000000000000000000000000000000
}

# stock_bag NAME SEQ CSV: a batch made with stock tools only (tar, gzip
# -n, sha256sum, openssl), signed with the station key.
stock_bag() {
	rm -rf "$1" && mkdir -p "$1/data" &&
	cp "$3" "$1/data/evaluations.csv" &&
	printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' \
		>"$1/bagit.txt" &&
	printf 'External-Identifier: %s\nBag-Count: 1 of 1\nHcp-Station: 33052301\nHcp-Sequence: %d\nHcp-Records: %d\nSatisfaction-Coding: interface (5=very satisfied)\nPayload-Oxum: %d.1\n' \
		"$1" "$2" $(($(wc -l <"$3") - 1)) "$(stat -c %s "$3")" \
		>"$1/bag-info.txt" &&
	(cd "$1" &&
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

test_expect_success 'setup: a station with one small batch' '
	setup_station &&
	{ echo project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time &&
	echo P1,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,4,5,501,2026-11-20 09:00,2026-11-20 10:00
	} >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	hcp-pack -q -d hcp.db -o . &&
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	hcp-verify -q -k pub.pem hcp-33052301-000001.tar.gz
'

# Each byte in turn is replaced by its complement.  A change that
# decompresses to the very same tar is no change of the batch (deflate's
# code tables can say the same thing two ways, and the SM2 signature, a
# different length each time, moves where such a byte falls); any other
# must be caught.  See hcp-verify(1).
test_expect_success 'the station private key given for its public key is named as such' '
	test_expect_code_ 2 hcp-verify -k hcp.db.sm2.pem \
		hcp-33052301-000001.tar.gz 2>err &&
	test_grep err "hcp.db.sm2.pem: not a usable SM2 public key: this is a private key: give the public key (hcp-init --print-pubkey writes it)"
'

test_expect_success 'every single-byte change anywhere in the batch is caught' '
	f=hcp-33052301-000001.tar.gz &&
	size=$(stat -c %s $f) && say "$size bytes" &&
	mkdir flip &&
	perl -e "
		local \$/; open(F, q{<}, \$ARGV[0]) or die; binmode F;
		my \$d = <F>;
		for my \$i (0 .. length(\$d) - 1) {
			my \$c = \$d;
			substr(\$c, \$i, 1) = chr(ord(substr(\$c, \$i, 1)) ^ 0xff);
			open(O, q{>}, qq{flip/\$i.tar.gz}) or die; binmode O;
			print O \$c; close O;
		}" $f &&
	gzip -dc $f >orig.tar &&
	ls flip | xargs -P 2 -n 1 sh -c "
		hcp-verify -q -k pub.pem flip/\$0 2>/dev/null
		rc=\$?; test \$rc = 1 && exit 0
		gzip -dc flip/\$0 2>/dev/null | cmp -s - orig.tar ||
			echo \$0 exit \$rc" >missed &&
	test "$(ls flip | wc -l)" = "$size" &&
	{ ! test -s missed || { head missed; false; }; }
'

test_expect_success 'a stock-tool bag of valid rows verifies' '
	{ echo "$HEADER" && row P2 5 && row P3 1; } >good.csv &&
	sed -i "s/,101,,1,/,101,排队太久,1,/" good.csv &&
	stock_bag hcp-33052301-000002 2 good.csv &&
	hcp-verify -k pub.pem -d hcp.db hcp-33052301-000002.tar.gz
'

test_expect_success 'rows go through the shared validator, named by line' '
	{ echo "$HEADER" && row P4 5 && row P5 9 && row P6 4 12345; } >bad.csv &&
	stock_bag hcp-33052301-000003 3 bad.csv &&
	test_expect_code_ 1 hcp-verify -k pub.pem hcp-33052301-000003.tar.gz 2>err &&
	test_grep err "evaluations.csv:3: satisfaction" &&
	test_grep err "evaluations.csv:4: phone" &&
	test_grep err "2 of 3 records are not valid" &&
	test_grep err "BAD"
'

test_expect_success 'with -d, rows are checked against the catalogue' '
	{ echo "$HEADER" && row P7 5; } | sed "s/,AJ0001,/,ZZ9999,/" >cat.csv &&
	stock_bag hcp-33052301-000004 4 cat.csv &&
	hcp-verify -k pub.pem hcp-33052301-000004.tar.gz &&
	test_expect_code_ 1 hcp-verify -k pub.pem -d hcp.db \
		hcp-33052301-000004.tar.gz 2>err &&
	test_grep err "evaluations.csv:2: proManager"
'

test_expect_success 'a foreign signature is refused' '
	openssl genpkey -algorithm SM2 -out other.pem 2>/dev/null &&
	openssl pkey -in other.pem -pubout -out other.pub &&
	test_expect_code_ 1 hcp-verify -k other.pub hcp-33052301-000002.tar.gz 2>err &&
	test_grep err "signature is not good"
'

test_expect_success 'several batches: overlap, record twice, gap' '
	{ echo "$HEADER" && row P1 3; } >dup.csv &&
	stock_bag hcp-33052301-000001 1 dup.csv &&
	mkdir other && mv hcp-33052301-000001.tar.gz other/ &&
	hcp-pack -q -d hcp.db -o . --rebuild 1 &&
	test_expect_code_ 1 hcp-verify -k pub.pem hcp-33052301-000001.tar.gz \
		other/hcp-33052301-000001.tar.gz 2>err &&
	test_grep err "overlap: .* different batches with the same number" &&
	{ echo "$HEADER" && row P1 5 | sed "s/,501,,1,,,,2026-11-20 10:00:00,/,501,,,,,,2026-11-20 10:00:00,/"; } >twice.csv &&
	stock_bag hcp-33052301-000005 5 twice.csv &&
	test_expect_code_ 1 hcp-verify -k pub.pem hcp-33052301-000001.tar.gz \
		hcp-33052301-000005.tar.gz 2>err &&
	test_grep err "hcp-33052301-000005.tar.gz: .*projectNo" &&
	hcp-verify -k pub.pem hcp-33052301-000001.tar.gz \
		hcp-33052301-000004.tar.gz 2>err &&
	test_grep err "gap: station 33052301 batches 000002 to 000003 are missing"
'

# refused ARCHIVE WHAT: hcp-verify says BAD and the message matches.
refused() {
	test_expect_code_ 1 hcp-verify -k "$TEST_DIR/pub.pem" "$1" 2>err &&
	test_grep err "$2"
}

test_expect_success 'absolute names and ".." are refused, nothing is written' '
	mkdir -p evil/sub && cd evil/sub &&
	echo x >f &&
	tar --format=ustar -P -cf - "$PWD/f" | gzip -n >../abs.tar.gz &&
	tar --format=ustar -cf - --transform "s,^,hcp-x/../../," f |
		gzip -n >../dots.tar.gz &&
	rm f && ls -A ../.. >../before &&
	refused ../abs.tar.gz "unsafe member name" &&
	refused ../dots.tar.gz "unsafe member name" &&
	ls -A ../.. >../after && test_cmp ../before ../after &&
	! test -e f && ! test -e ../../f
'

test_expect_success 'links and fifos are refused' '
	mkdir -p lk/hcp-x && ln -s /etc/passwd lk/hcp-x/bagit.txt &&
	(cd lk && tar --format=ustar -cf - hcp-x | gzip -n >../sym.tar.gz) &&
	refused sym.tar.gz "links, devices" &&
	mkdir -p hl/hcp-x && echo x >hl/hcp-x/bagit.txt &&
	ln hl/hcp-x/bagit.txt hl/hcp-x/bag-info.txt &&
	(cd hl && tar --format=ustar -cf - hcp-x | gzip -n >../hard.tar.gz) &&
	refused hard.tar.gz "links, devices" &&
	mkdir -p ff/hcp-x && mkfifo ff/hcp-x/bagit.txt &&
	(cd ff && tar --format=ustar -cf - hcp-x | gzip -n >../fifo.tar.gz) &&
	refused fifo.tar.gz "links, devices"
'

test_expect_success 'oversize tag files and too many members are refused' '
	mkdir -p big/hcp-x &&
	head -c 2000000 /dev/zero | tr "\\0" a >big/hcp-x/bag-info.txt &&
	(cd big && tar --format=ustar -cf - hcp-x | gzip -n >../big.tar.gz) &&
	refused big.tar.gz "too large" &&
	mkdir -p many/hcp-x && (cd many/hcp-x && touch $(seq 1 70)) &&
	(cd many && tar --format=ustar -cf - hcp-x | gzip -n >../many.tar.gz) &&
	refused many.tar.gz "not a file of a batch\\|more than 64 members"
'

test_expect_success 'not a batch: plain file, truncated, trailing data' '
	echo hello >plain.tar.gz && refused plain.tar.gz "not a gzip file" &&
	head -c 500 hcp-33052301-000002.tar.gz >short.tar.gz &&
	refused short.tar.gz "truncated\\|corrupt" &&
	{ cat hcp-33052301-000002.tar.gz && echo x; } >trail.tar.gz &&
	refused trail.tar.gz "data after the end"
'

test_expect_code 2 'an unreadable file is an error (2), not a verdict' '
	hcp-verify -k pub.pem no-such.tar.gz
'

test_done
