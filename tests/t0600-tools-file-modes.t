#!/bin/sh
# Personal data at rest: with umask 022 every file a tool writes that can
# hold names, certificate numbers or phones (db, keys, rejects, reports,
# difference lists, batches, receipts) is 0600, every directory a tool
# creates 0700 (hcp-pack -o creates it, parents too); forms and QR codes
# follow the umask.  Files are written through an unpredictable
# temporary name: a symlink planted at the old FILE.tmp name or at the
# final name never leads a tool to write into its target.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1795300000
H='表单编号,办件编号,事项编码,满意度,评价人,手机号码,证件号码,办理时间,评价时间'
I=11330523002572643X200016010000002
umask 022

# modes: "mode path" of every file and directory under . but the inputs
modes() {
	find . -mindepth 1 ! -name '*.in.csv' ! -name victim ! -name pub.pem \
		! -name recv.pem ! -name 'got*' ! -name want ! -name .out ! -name 'from-pipe*' ! -name 'pipe*' \
		-printf '%m %P\n' | sort
}

test_expect_success 'set up: inputs' '
	cat >bad.in.csv <<-EOF &&
	$H
	3305230100000019,P1,$I,5,张三,13812345678,330102199001011234,2026-11-20 09:00,2026-11-20 10:00
	,P2,$I,9,李四,13912345678,,2026-11-20 09:00,2026-11-20 10:00
	EOF
	sed "s/张三/张五/" bad.in.csv >other.in.csv &&
	cat >good.in.csv <<-EOF &&
	project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,comment,evaluator,phone,service_time,assess_time
	P0000001,${I%2}1,11330523002572643X,330523,A01,AJ0001,4,5,501,,张三,13800000001,2026-11-20 09:00,2026-11-20 10:00
	P0000002,${I%2}1,11330523002572643X,330523,A01,AJ0001,4,4,401,,李四,13800000002,2026-11-20 09:00,2026-11-20 10:00
	EOF
	openssl genpkey -algorithm SM2 -out recv.pem 2>/dev/null
'

test_expect_success 'every tool, umask 022: each file and directory it writes' '
	setup_station &&
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	hcp-form -d hcp.db -N 2 -o forms.pdf >/dev/null &&
	hcp-qr -d hcp.db --all -o qr.pdf &&
	hcp-qr -d hcp.db --all -T png -o qr &&
	{ hcp-check -d hcp.db -o report.txt bad.in.csv; test $? = 1; } &&
	{ hcp-import -d hcp.db bad.in.csv >/dev/null; test $? = 1; } &&
	{ hcp-import -d hcp.db --rejects named.csv other.in.csv >/dev/null;
	  test $? = 1; } &&
	hcp-import -q -d hcp.db good.in.csv &&
	{ hcp-compare -o diff.csv bad.in.csv other.in.csv 2>/dev/null;
	  test $? = 1; } &&
	hcp-pack -d hcp.db -o outbox/new >/dev/null &&
	hcp-verify -q -k pub.pem --receipt recv.pem \
		outbox/new/hcp-33052301-000001.tar.gz &&
	modes >got &&
	grep -v " qr/" got >got.main &&
	cat >want <<-\EOF &&
	600 bad.in.csv.rejects.csv
	600 diff.csv
	600 hcp.db
	600 hcp.db.qr.secret
	600 hcp.db.sm2.pem
	600 named.csv
	600 outbox/new/.hcp-pack.lock
	600 outbox/new/hcp-33052301-000001.receipt
	600 outbox/new/hcp-33052301-000001.tar.gz
	600 report.txt
	644 forms.pdf
	644 qr.pdf
	700 outbox
	700 outbox/new
	755 qr
	EOF
	test_cmp want got.main &&
	grep " qr/" got >got.qr && test -s got.qr &&
	! grep -v "^644 qr/.*\.png\$" got.qr
'

test_expect_success 'a symlink at the old FILE.rejects.csv.tmp name is not followed' '
	echo precious >victim &&
	rm -f bad.in.csv.rejects.csv &&
	ln -s victim bad.in.csv.rejects.csv.tmp &&
	{ hcp-import -n -d hcp.db bad.in.csv >/dev/null 2>&1; test $? = 1; } &&
	cp bad.in.csv b2.in.csv &&
	ln -s victim b2.in.csv.rejects.csv.tmp &&
	{ hcp-import -d hcp.db b2.in.csv >/dev/null 2>&1; test $? = 1; } &&
	echo precious >want && test_cmp want victim &&
	test -f b2.in.csv.rejects.csv && ! test -h b2.in.csv.rejects.csv &&
	test "$(stat -c %a b2.in.csv.rejects.csv)" = 600 &&
	test_grep b2.in.csv.rejects.csv E_SERIAL_CHECK
'

test_expect_success 'a symlink at the final name is replaced, its target untouched' '
	echo precious >victim &&
	cp bad.in.csv b3.in.csv &&
	ln -s victim b3.in.csv.rejects.csv &&
	ln -s victim d.csv && ln -s victim r.txt && ln -s victim rc.txt &&
	{ hcp-import -d hcp.db b3.in.csv >/dev/null 2>&1; test $? = 1; } &&
	{ hcp-compare -o d.csv bad.in.csv other.in.csv 2>/dev/null;
	  test $? = 1; } &&
	{ hcp-check -d hcp.db -o r.txt bad.in.csv; test $? = 1; } &&
	hcp-verify -q -k pub.pem --receipt recv.pem -o rc.txt \
		outbox/new/hcp-33052301-000001.tar.gz &&
	echo precious >want && test_cmp want victim &&
	for f in b3.in.csv.rejects.csv d.csv r.txt rc.txt; do
		test -f $f && ! test -h $f &&
		test "$(stat -c %a $f)" = 600 || return 1
	done &&
	test_grep d.csv 评价人
'

test_expect_success 'hcp-pack: a symlink at the batch name is replaced' '
	echo precious >victim &&
	{ hcp-import -q -d hcp.db --rejects r5.csv other.in.csv; test $? = 1; } &&
	rm -f r5.csv &&
	sed "s/P000000/Q000000/" good.in.csv >more.in.csv &&
	hcp-import -q -d hcp.db more.in.csv &&
	ln -s ../../victim outbox/new/hcp-33052301-000002.tar.gz &&
	hcp-pack -d hcp.db -o outbox/new >/dev/null &&
	echo precious >want && test_cmp want victim &&
	f=outbox/new/hcp-33052301-000002.tar.gz &&
	test -f $f && ! test -h $f && test "$(stat -c %a $f)" = 600 &&
	tar tzf $f >/dev/null
'

test_expect_success 'output to a pipe is written into it, not replaced' '
	mkfifo pipe pipe2 &&
	{ timeout 10 cat pipe >from-pipe & } &&
	{ hcp-compare -o pipe bad.in.csv other.in.csv 2>/dev/null;
	  test $? = 1; } &&
	{ timeout 10 cat pipe2 >from-pipe2 & } &&
	{ hcp-import -d hcp.db --rejects pipe2 bad.in.csv >/dev/null;
	  test $? = 1; } &&
	wait &&
	test -p pipe && test -p pipe2 &&
	test_grep from-pipe 评价人 && test_grep from-pipe2 E_SERIAL_CHECK
'

test_done
