#!/bin/sh
# hcp-verify refuses hostile batches made from a real one by
# tests/hostile-batch.py: data or a second tar after the tar's end
# (which tar -i would extract over the verified CSV), a second gzip
# member, thousands of directories, members that are not files of a
# batch (even listed and signed again with the station key), links,
# unsafe names, names with control characters (shown as \xHH, never
# raw), oversize tag files, labels given twice, absurd
# Bag-Count values, a Payload-Oxum lie, one huge field, one huge row,
# a padding bomb.  No receipt is written for any of them, a signed
# refusal for each.
. "$(dirname "$0")/lib.sh"

SOURCE_DATE_EPOCH=1795300000
export SOURCE_DATE_EPOCH

B=hcp-33052301-000001

test_expect_success 'setup: a station, one batch, the hostile variants' '
	setup_station &&
	{ echo project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time &&
	echo P1,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,4,5,501,2026-11-20 09:00,2026-11-20 10:00
	} >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	hcp-pack -q -d hcp.db -o . &&
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	openssl genpkey -algorithm SM2 -out receiver.pem 2>/dev/null &&
	hcp-verify -q -k pub.pem $B.tar.gz &&
	mkdir hostile &&
	python3 "$HCP_SRC/tests/hostile-batch.py" $B.tar.gz hcp.db.sm2.pem \
		hostile &&
	test "$(wc -l <hostile/EXPECT)" -ge 25
'

test_expect_success 'the generator writes good batches: its control verifies' '
	hcp-verify -k pub.pem hostile/control.tar.gz >out &&
	test_grep out "OK: batch $B, 1 records"
'

test_expect_success 'the smuggled tar is real: tar -i extracts a forged CSV' '
	mkdir x && tar -xzif hostile/appended-tar.tar.gz -C x &&
	grep -q forged x/$B/data/evaluations.csv
'

test_expect_success 'every hostile batch is refused (1) for its reason' '
	: >missed &&
	while IFS="	" read -r c what; do
		hcp-verify -k pub.pem --receipt receiver.pem hostile/$c.tar.gz \
			>/dev/null 2>hostile/$c.err
		rc=$?
		if test $rc != 1 || ! grep -Eq "$what" hostile/$c.err ||
		    ! grep -q "BAD" hostile/$c.err ||
		    test -e hostile/$c.receipt ||
		    ! grep -qx "HCP-Refusal: 1" hostile/$c.refused; then
			echo "$c: exit $rc: $(head -n 1 hostile/$c.err)" >>missed
		fi
	done <hostile/EXPECT &&
	{ ! test -s missed || { cat missed; false; }; }
'

test_expect_success 'refusals stop reading: one problem, nothing after it' '
	for c in appended-tar dirs-3000 extra-payload field-bomb; do
		test "$(grep -vc BAD hostile/$c.err)" = 1 || exit 1
	done
'

test_expect_success 'a member name with controls is shown as \xHH, on one line' '
	test_grep hostile/control-name.err "data/\\\\x1b]0;pwn\\\\x07" &&
	! LC_ALL=C grep -q "$(printf "[\033\007]")" hostile/control-name.err &&
	! grep -v "^hcp-verify: hostile/control-name.tar.gz: " \
		hostile/control-name.err
'

test_expect_success 'Bag-Count "1 of 1" and "3 of 9999" pass, re-signed' '
	mkdir bc && tar -xzf $B.tar.gz -C bc && cd bc/$B &&
	sed -i "s/^Bag-Count: .*/Bag-Count: 3 of 9999/" bag-info.txt &&
	set -- bag-info.txt bagit.txt manifest-sha256.txt manifest-sm3.txt &&
	sha256sum "$@" >tagmanifest-sha256.txt &&
	openssl dgst -sm3 -r "$@" | sed "s/ \*/  /" >tagmanifest-sm3.txt &&
	openssl dgst -sm3 -sign ../../hcp.db.sm2.pem -out signature.sm2 \
		tagmanifest-sm3.txt &&
	cd .. && tar --format=ustar --owner=0 --group=0 -cf - $B |
		gzip -n >../bc.tar.gz && cd .. &&
	hcp-verify -q -k pub.pem bc.tar.gz
'

test_done
