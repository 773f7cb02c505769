#!/bin/sh
# hcp-verify's exit codes and bounds: peak memory stays under 64 MB on
# bombs (a 64 MiB field, a 16 MiB row, 16 MiB of padding); a key that
# cannot check anything (garbage, a P-256 key) is an error (2) found
# before any batch is read; running out of memory is an error (2), never
# a verdict or a crash; the same batch given twice is checked once and
# no record of it is said to be given twice.
. "$(dirname "$0")/lib.sh"

SOURCE_DATE_EPOCH=1795300000
export SOURCE_DATE_EPOCH

B=hcp-33052301-000001

test_expect_success 'setup: a station, one batch, the bombs' '
	setup_station &&
	{ echo project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time &&
	echo P1,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,4,5,501,2026-11-20 09:00,2026-11-20 10:00
	} >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	hcp-pack -q -d hcp.db -o . &&
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	mkdir hostile &&
	python3 "$HCP_SRC/tests/hostile-batch.py" $B.tar.gz hcp.db.sm2.pem \
		hostile
'

# peak KB COMMAND...: runs COMMAND (exit 1 expected), prints its peak
# resident memory in KB.
peak() {
	/usr/bin/time -f %M -o peak.out "$@" >/dev/null 2>peak.err
	rc=$?
	test $rc = 1 || { echo "exit $rc: $*"; cat peak.err; return 1; }
	tail -n 1 peak.out
}

case $HCP_BUILD in
*asan*)
	say "skipped under ASan: its shadow memory is not the tool's" ;;
*)
test_expect_success 'peak memory stays under 64 MB on bombs' '
	for c in field-bomb row-bomb padding-bomb; do
		kb=$(peak hcp-verify -q -k pub.pem hostile/$c.tar.gz) || exit 1
		say "$c: $(stat -c %s hostile/$c.tar.gz) bytes, peak $kb KB"
		test "$kb" -lt 65536 || { echo "$c: $kb KB"; exit 1; }
	done
'

test_expect_success 'out of memory is an error (2), never a verdict or a crash' '
	: >codes &&
	for v in 40 50 60 70 80 90 100 120 140 160 200; do
		(ulimit -v $((v * 1024)) &&
		hcp-verify -q -k pub.pem hostile/field-bomb.tar.gz \
			>/dev/null 2>oom.$v.err
		echo "$v $?" >>codes)
	done &&
	cat codes &&
	! grep -v " [0-9]*$" codes >/dev/null &&
	! grep -Ev " (1|2|127)$" codes &&
	grep -q " 2$" codes &&
	grep -l "out of memory" oom.*.err >/dev/null &&
	for v in $(sed -n "s/ 1$//p" codes); do
		test_grep oom.$v.err "a field longer than" || exit 1
	done
'
;;
esac

test_expect_success 'an unusable public key is an error (2), before any batch' '
	echo garbage >garbage.pem &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out p256.pem 2>/dev/null &&
	openssl pkey -in p256.pem -pubout -out p256.pub &&
	for k in garbage.pem p256.pub p256.pem; do
		test_expect_code_ 2 hcp-verify -k $k $B.tar.gz >out 2>err &&
		test_grep err "$k: not a usable SM2 public key" &&
		! grep -q "$B" out err || exit 1
	done
'

test_expect_success 'an unusable receipt key is an error (2), before any batch' '
	test_expect_code_ 2 hcp-verify -k pub.pem --receipt p256.pem \
		$B.tar.gz >out 2>err &&
	test_grep err "p256.pem: not a usable SM2 private key" &&
	! grep -q "$B" out err && ! test -e $B.receipt
'

test_expect_success 'the same batch given twice is checked once' '
	cp $B.tar.gz copy.tar.gz &&
	openssl genpkey -algorithm SM2 -out receiver.pem 2>/dev/null &&
	hcp-verify -k pub.pem --receipt receiver.pem $B.tar.gz $B.tar.gz \
		copy.tar.gz >out 2>err &&
	test "$(grep -c "OK: batch $B" out)" = 1 &&
	test_grep err "copy.tar.gz: the same batch as $B.tar.gz, given twice" &&
	! grep -q "record given twice" err &&
	test -s $B.receipt && ! test -e copy.receipt
'

test_expect_success 'a bad batch given twice is reported once' '
	test_expect_code_ 1 hcp-verify -k pub.pem hostile/label-twice.tar.gz \
		hostile/label-twice.tar.gz 2>err &&
	test "$(grep -c BAD err)" = 1 &&
	test "$(grep -c "given more than once" err)" = 1 &&
	test_grep err "given twice: checked once"
'

test_done
