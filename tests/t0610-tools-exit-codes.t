#!/bin/sh
# One exit-status rule for every tool (hcp(7)): 0 all good, 1 the data
# has findings, 2 the tool could not do its job -- a usage error, a
# missing file, a missing or locked db.  A locked db is waited for, and
# said so after a second (HCP_DB_TIMEOUT shortens the wait here).
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1795300000
I=11330523002572643X200016010000001

# run WANT CMD...: the command must exit WANT
run() {
	want=$1
	shift
	"$@" >out 2>err
	got=$?
	[ "$got" = "$want" ] && return 0
	echo "exit $got, wanted $want: $*"
	cat err
	return 1
}

test_expect_success 'set up: a station, a record, a batch, a receipt' '
	setup_station &&
	cat >good.csv <<-EOF &&
	project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time
	P1,$I,11330523002572643X,330523,A01,AJ0001,4,5,501,2026-11-20 09:00,2026-11-20 10:00
	EOF
	sed "s/,5,501,/,9,501,/; s/P1,/P2,/" good.csv >bad.csv &&
	sed "s/,5,501,/,4,,/" good.csv >other.csv &&
	cp "$HCP_SRC/tests/data/keyed/valid.csv" a.csv &&
	sed "s/,5,5,501,/,5,4,,/" a.csv >b.csv &&
	hcp-import -q -d hcp.db good.csv &&
	hcp-pack -q -d hcp.db -o . &&
	B=$(ls hcp-*.tar.gz) && test -n "$B" &&
	echo "$B" >batch &&
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	cp "$B" tampered.tar.gz &&
	printf x | dd of=tampered.tar.gz bs=1 seek=100 conv=notrunc 2>/dev/null &&
	echo "not a receipt" >bad-receipt &&
	hcp-form -d hcp.db --issue 1 >serial
'

test_expect_success 'usage errors exit 2, for every tool' '
	for t in init qr form check import compare pack verify amend; do
		run 2 hcp-$t --no-such-option || return 1
	done &&
	run 2 hcp no-such-command
'

test_expect_success 'a missing file exits 2' '
	run 2 hcp-init -d new.db -c no-such-dir &&
	run 2 hcp-qr -d hcp.db -o no-such-dir/qr.pdf --all &&
	run 2 hcp-form -d hcp.db -t no-such.form --csv-template &&
	run 2 hcp-check -d hcp.db no-such.csv &&
	run 2 hcp-import -d hcp.db no-such.csv &&
	run 2 hcp-compare a.csv no-such.csv &&
	run 2 hcp-pack -d hcp.db -k pub.pem --ack no-such-receipt &&
	run 2 hcp-verify -k pub.pem no-such.tar.gz &&
	run 2 hcp-verify -k no-such.pem "$(cat batch)"
'

test_expect_success 'an output or a catalogue that cannot be used exits 2' '
	run 2 hcp-pack -d hcp.db -o good.csv &&
	test_grep err "good.csv: Not a directory" &&
	run 2 hcp-init -d new.db --catalog no-such-dir --set region=330523 &&
	test_grep err "no-such-dir/regions.csv"
'

test_expect_success 'a missing db exits 2 and says to run hcp-init' '
	for c in "hcp-init --show" "hcp-qr --all -o q.pdf" "hcp-form --issue 1" \
	    "hcp-check good.csv" "hcp-import good.csv" \
	    "hcp-compare a.csv a.csv" "hcp-pack -l" \
	    "hcp-verify -k pub.pem $(cat batch)" "hcp-amend -l"; do
		run 2 $c -d no.db || return 1
		test_grep err "hcp-init" || return 1
	done
'

test_expect_success 'a locked db is waited for, said after a second, then exits 2' '
	{ (printf "PRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\nUPDATE settings SET value = value;\n"; sleep 6) |
		sqlite3 hcp.db >/dev/null & } &&
	sleep 1 &&
	export HCP_DB_TIMEOUT=2 &&
	n=0 &&
	for c in "hcp-init --show" "hcp-qr --all -o q.pdf" "hcp-form --issue 1" \
	    "hcp-check good.csv" "hcp-import other.csv" \
	    "hcp-compare a.csv a.csv" "hcp-pack -l" \
	    "hcp-verify -k pub.pem $(cat batch)" "hcp-amend -l"; do
		n=$((n + 1))
		($c -d hcp.db >/dev/null 2>lock$n.err; echo $? >lock$n.rc) &
	done &&
	wait &&
	unset HCP_DB_TIMEOUT &&
	for i in 1 2 3 4 5 6 7 8 9; do
		test "$(cat lock$i.rc)" = 2 || { echo "tool $i:"; cat lock$i.err; exit 1; }
		grep -q "in use by another program.*waiting up to 2 s" lock$i.err ||
			{ echo "tool $i did not say it waits:"; cat lock$i.err; exit 1; }
		grep -q "database is locked" lock$i.err ||
			{ cat lock$i.err; exit 1; }
	done
'

test_expect_success 'findings exit 1' '
	run 1 hcp-check -d hcp.db bad.csv &&
	run 1 hcp-import -d hcp.db bad.csv &&
	run 1 hcp-compare a.csv b.csv &&
	run 1 hcp-verify -k pub.pem tampered.tar.gz &&
	run 1 hcp-pack -d hcp.db -k pub.pem --ack bad-receipt &&
	run 1 hcp-form -d hcp.db -o f.pdf --reprint 3305230100000019 &&
	run 1 hcp-qr -d hcp.db -o q.pdf -w NO-SUCH-WINDOW
'

test_expect_success 'all good exits 0' '
	run 0 hcp-init -d hcp.db --show &&
	run 0 hcp-qr -d hcp.db -o q.pdf -w A01 &&
	run 0 hcp-form -d hcp.db --status "$(cat serial)" &&
	run 0 hcp-check -d hcp.db good.csv &&
	run 0 hcp-import -d hcp.db good.csv &&
	run 0 hcp-compare a.csv a.csv &&
	run 0 hcp-pack -d hcp.db -l &&
	run 0 hcp-verify -k pub.pem "$(cat batch)" &&
	run 0 hcp-amend -d hcp.db -l
'

test_done
