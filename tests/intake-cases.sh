# SPDX-License-Identifier: ISC
#
# The cases of hcp-intake, run against each back end: t0580 (SQLite) and
# t0581 (PostgreSQL) set INTAKE_OPT and INTAKE_ARG to -d FILE or --pg
# CONNINFO, q to a function printing the single value of a query, and
# settle to one that waits until the workers killed are gone (a server
# notices a dead client only when it next talks to it, and keeps its
# claim until then), then source this.
#
# Stations: A 33052301 (registered, rotates its key, retired), B 33052302
# (registered; its first batch comes late, one batch conflicts with A's
# records), C 33052303 (never registered), D 33052304 (registered, sends
# nothing), E 33052306 (eight batches, for two workers), K 33052305 (one
# batch of 30,000 records, for kill -9).

E1=1795300000			# 2026-11-21 22:26:40, the first batches
E2=$((E1 + 86400))		# 2026-11-22 22:26:40, after A's new key
E3=$((E1 + 2 * 86400))		# 2026-11-23 22:26:40, after A retired
NOW=$((E1 + 3 * 86400))		# the receiving side's clock

HEAD=project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time

# keyed SATISFACTION PROJECT...: a keyed CSV with a record for each.
keyed() {
	s=$1
	shift
	echo "$HEAD"
	for p in "$@"; do
		echo "$p,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,4,$s,${s}01,2026-11-20 09:00,2026-11-20 10:00"
	done
}

# batch DB EPOCH SATISFACTION PROJECT...: imports the records into the
# station DB and packs them into out/ at EPOCH.
batch() {
	db=$1 at=$2
	shift 2
	keyed "$@" >in.csv &&
	SOURCE_DATE_EPOCH=$at hcp-import -q -d "$db" in.csv &&
	SOURCE_DATE_EPOCH=$at hcp-pack -q -d "$db" -o out
}

intake() {
	SOURCE_DATE_EPOCH=$NOW hcp-intake "$INTAKE_OPT" "$INTAKE_ARG" "$@"
}

take() {
	intake -K recv.pem inbox >out.txt 2>err.txt
}

records() {
	q "SELECT count(*) FROM records WHERE station = '$1'"
}

test_expect_success 'an empty registry says so, to --stations and to --gaps' '
	intake --stations >list.txt 2>err.txt &&
	! test -s list.txt &&
	test_grep err.txt "no station is registered (--register adds one)" &&
	intake --gaps >gaps.txt 2>err.txt &&
	! test -s gaps.txt &&
	test_grep err.txt "no station is registered (--register adds one)"
'

test_expect_success 'setup: stations, batches, the receiver key, registry' '
	for i in 1 2 3 4 5 6; do
		hcp-init -q -d s$i.db --catalog "$SAMPLE" --set issuer=0$i ||
			return 1
		hcp-init -d s$i.db --print-pubkey >s$i.pub || return 1
	done &&
	openssl genpkey -algorithm SM2 -out recv.pem 2>/dev/null &&
	openssl pkey -in recv.pem -pubout -out recv.pub &&
	mkdir inbox &&
	batch s1.db $E1 5 P1 P2 &&
	batch s1.db $E1 4 P3 &&
	batch s2.db $E1 5 P10 &&
	batch s2.db $E1 5 P11 &&
	batch s2.db $E1 2 P1 &&
	batch s3.db $E1 5 P20 &&
	intake --register 33052301 --pubkey s1.pub --name A \
		--from 2026-11-01 &&
	intake --register 33052302 --pubkey s2.pub --name B &&
	intake --register 33052304 --pubkey s4.pub --name D &&
	ls out >batches.txt && test $(wc -l <batches.txt) = 6
'

test_expect_success 'a batch is verified, loaded, receipted and archived' '
	cp out/hcp-33052301-000001.tar.gz inbox/ &&
	take &&
	test_grep out.txt "hcp-33052301-000001.tar.gz: loaded: batch hcp-33052301-000001, 2 records" &&
	test "$(records 33052301)" = 2 &&
	test "$(q "SELECT satisfaction FROM records WHERE project_no = '\''P1'\''")" = 5 &&
	test -f inbox/archive/hcp-33052301-000001.tar.gz &&
	test -f inbox/hcp-33052301-000001.receipt &&
	! ls inbox/*.tar.gz 2>/dev/null &&
	hcp-pack -q -d s1.db -k recv.pub --ack inbox/hcp-33052301-000001.receipt &&
	hcp-pack -d s1.db -l >list.txt && test_grep list.txt "^ *1 .*acknowledged"
'

test_expect_success 'a batch still being written under a dot name is passed over until renamed' '
	head -c 300 out/hcp-33052301-000002.tar.gz >inbox/.hcp-33052301-000002.tar.gz &&
	take &&
	test -f inbox/.hcp-33052301-000002.tar.gz &&
	! ls inbox/*.refused inbox/refused 2>/dev/null &&
	test "$(records 33052301)" = 2 &&
	rm inbox/.hcp-33052301-000002.tar.gz
'

test_expect_success 'the same batch again: not loaded twice, receipt again' '
	rm inbox/hcp-33052301-000001.receipt &&
	cp out/hcp-33052301-000001.tar.gz inbox/ &&
	take &&
	test_grep out.txt "loaded before as hcp-33052301-000001" &&
	test "$(records 33052301)" = 2 &&
	test "$(q "SELECT count(*) FROM batches")" = 1 &&
	hcp-pack -q -d s1.db -k recv.pub --ack inbox/hcp-33052301-000001.receipt &&
	! ls inbox/*.tar.gz 2>/dev/null
'

test_expect_success 'a batch replayed under another name is not loaded again' '
	cp out/hcp-33052301-000001.tar.gz inbox/replay.tar.gz &&
	take &&
	test_grep out.txt "^replay.tar.gz: loaded before as hcp-33052301-000001" &&
	test "$(records 33052301)" = 2 &&
	! test -e inbox/replay.tar.gz && ! test -e inbox/archive/replay.tar.gz
'

test_expect_success 'a tampered batch is refused, with the reason, nothing loaded' '
	perl -e "local \$/; my \$d = <STDIN>; my \$i = int(length(\$d) / 2);
		substr(\$d, \$i, 1) = chr(ord(substr(\$d, \$i, 1)) ^ 0x55);
		print \$d" <out/hcp-33052301-000002.tar.gz >inbox/tampered.tar.gz &&
	{ take; test $? = 1; } &&
	test_grep err.txt "tampered.tar.gz: REFUSED" &&
	test -f inbox/refused/tampered.tar.gz &&
	test -s inbox/refused/tampered.tar.gz.reason &&
	! test -e inbox/hcp-33052301-000002.receipt &&
	test "$(records 33052301)" = 2 &&
	test "$(q "SELECT count(*) FROM batches")" = 1
'

test_expect_success 'an upload named with controls is refused, its name shown as \xHH' '
	n=$(printf "up\033]0;pwn\007\nx.tar.gz") &&
	printf "not a batch" >"inbox/$n" &&
	{ take; test $? = 1; } &&
	test_grep err.txt "up\\\\x1b]0;pwn\\\\x07\\\\x0ax.tar.gz: REFUSED" &&
	! LC_ALL=C grep -q "$(printf "[\033\007]")" err.txt &&
	test -f "inbox/refused/$n" && test -s "inbox/refused/$n.reason"
'

test_expect_success 'a link or a directory named *.tar.gz is said and left where it is (1)' '
	ln -s "$PWD/out/hcp-33052301-000002.tar.gz" inbox/linked.tar.gz &&
	mkdir inbox/dir.tar.gz &&
	{ take; test $? = 1; } &&
	test_grep err.txt "linked.tar.gz: not a regular file" &&
	test_grep err.txt "dir.tar.gz: not a regular file" &&
	test_grep out.txt "^2 not taken: not regular files" &&
	test -L inbox/linked.tar.gz && test -d inbox/dir.tar.gz &&
	! test -e inbox/refused/linked.tar.gz &&
	test "$(records 33052301)" = 2 &&
	rm inbox/linked.tar.gz && rmdir inbox/dir.tar.gz &&
	take && ! grep -q "not taken" out.txt
'

test_expect_success 'refused uploads of one name, other bytes: each kept with its reason' '
	printf "first" >inbox/junk.tar.gz &&
	{ take; test $? = 1; } &&
	printf "second, longer" >inbox/junk.tar.gz &&
	{ take; test $? = 1; } &&
	printf "first" >inbox/junk.tar.gz &&
	{ take; test $? = 1; } &&
	test "$(cat inbox/refused/junk.tar.gz)" = first &&
	test "$(cat inbox/refused/junk.2.tar.gz)" = "second, longer" &&
	test -s inbox/refused/junk.tar.gz.reason &&
	test -s inbox/refused/junk.2.tar.gz.reason &&
	! test -e inbox/refused/junk.3.tar.gz && ! test -e inbox/junk.tar.gz
'

test_expect_success 'a batch of a station not registered is refused' '
	cp out/hcp-33052303-000001.tar.gz inbox/ &&
	{ take; test $? = 1; } &&
	test_grep inbox/refused/hcp-33052303-000001.tar.gz.reason \
		"station 33052303 is not registered here" &&
	test_grep err.txt "station 33052303 is not registered here" &&
	test "$(records 33052303)" = 0
'

test_expect_success 'a refusal, signed, is put where the station looks for its receipt' '
	test -f inbox/hcp-33052303-000001.refused &&
	! test -e inbox/hcp-33052303-000001.receipt &&
	hcp-pack -d s3.db -k recv.pub --refusal \
		inbox/hcp-33052303-000001.refused >ref.txt &&
	test_grep ref.txt "batch 1 (hcp-33052303-000001) was refused by the receiving side on 2026-11-24 22:26:40:" &&
	test_grep ref.txt "^  signature.sm2: station 33052303 is not registered here" &&
	test_expect_code_ 1 hcp-pack -d s3.db -k s3.pub --refusal \
		inbox/hcp-33052303-000001.refused 2>/dev/null &&
	test -f inbox/tampered.refused && test -f inbox/junk.refused &&
	test "$(ls inbox | grep -c "^up")" = 0
'

test_expect_success 'a record of another station (projectNo, assessNumber) is a conflict, not overwritten' '
	cp out/hcp-33052302-000002.tar.gz out/hcp-33052302-000003.tar.gz inbox/ &&
	{ take; test $? = 1; } &&
	test_grep out.txt "hcp-33052302-000002.tar.gz: loaded" &&
	test_grep inbox/refused/hcp-33052302-000003.tar.gz.reason \
		"P1/1 is loaded already from hcp-33052301-000001 line 2" &&
	test "$(records 33052302)" = 1 &&
	test "$(q "SELECT station || '\'' '\'' || satisfaction FROM records WHERE project_no = '\''P1'\''")" = "33052301 5"
'

test_expect_success '--gaps lists a missing first batch and a station that sent nothing' '
	{ intake --gaps >gaps.txt; test $? = 1; } &&
	cat >expect <<-EOF &&
	33052302: missing batch 1 (hcp-33052302-000001)
	33052304: no batch received
	EOF
	test_cmp expect gaps.txt
'

test_expect_success 'the first batch arrives late: no gap left for that station' '
	cp out/hcp-33052302-000001.tar.gz inbox/ &&
	take &&
	intake --gaps >gaps.txt; test $? = 1 &&
	echo "33052304: no batch received" >expect &&
	test_cmp expect gaps.txt
'

test_expect_success 'rotated key: old batches verify under the old key, new ones under the new' '
	cp s1.db.sm2.pem s1.old.pem &&
	openssl genpkey -algorithm SM2 -out s1.db.sm2.pem 2>/dev/null &&
	chmod 600 s1.db.sm2.pem &&
	openssl pkey -in s1.db.sm2.pem -pubout -out s1.new.pub &&
	intake --rotate 33052301 --pubkey s1.new.pub --from 2026-11-22 &&
	batch s1.db $E2 5 P4 &&
	cp out/hcp-33052301-000002.tar.gz out/hcp-33052301-000003.tar.gz inbox/ &&
	take &&
	test_grep out.txt "hcp-33052301-000002.tar.gz: loaded" &&
	test_grep out.txt "hcp-33052301-000003.tar.gz: loaded" &&
	test "$(records 33052301)" = 4
'

test_expect_success 'a batch signed with a key outside its validity is refused' '
	cp s1.db.sm2.pem s1.new.pem && cp s1.old.pem s1.db.sm2.pem &&
	batch s1.db $E2 5 P5 &&
	cp s1.new.pem s1.db.sm2.pem &&
	cp out/hcp-33052301-000004.tar.gz inbox/ &&
	{ take; test $? = 1; } &&
	test_grep inbox/refused/hcp-33052301-000004.tar.gz.reason \
		"signature is not good" &&
	test "$(records 33052301)" = 4
'

test_expect_success 'a batch made after its station was retired is refused' '
	intake --retire 33052301 --at 2026-11-23 &&
	batch s1.db $E3 5 P6 &&
	cp out/hcp-33052301-000005.tar.gz inbox/ &&
	{ take; test $? = 1; } &&
	test_grep inbox/refused/hcp-33052301-000005.tar.gz.reason \
		"station 33052301 was retired on 2026-11-23 00:00:00" &&
	test "$(records 33052301)" = 4
'

test_expect_success 'a retired station gets no new key' '
	{ intake --rotate 33052301 --pubkey s1.new.pub --from 2026-11-24 \
		2>err.txt; test $? = 2; } &&
	test_grep err.txt "station 33052301 was retired"
'

test_expect_success 'retired again at a later time: refused, the date kept' '
	test_expect_code_ 2 intake --retire 33052301 2>err.txt &&
	test_grep err.txt "station 33052301 was retired on 2026-11-23 00:00:00 already" &&
	test_expect_code_ 2 intake --retire 33052301 --at 2026-11-23 2>err.txt &&
	test "$(q "SELECT retired_at FROM stations WHERE station = '\''33052301'\''")" = "2026-11-23 00:00:00"
'

test_expect_success 'the registry refuses a station twice and a bad key' '
	test_expect_code_ 2 intake --register 33052301 --pubkey s1.pub &&
	echo nokey >bad.pub &&
	test_expect_code_ 2 intake --register 33052309 --pubkey bad.pub \
		2>err &&
	test_grep err "bad.pub: not a usable SM2 public key" &&
	test_expect_code_ 2 intake --register 33052309 --pubkey recv.pem \
		2>err &&
	test_grep err "recv.pem: not a usable SM2 public key: this is a private key" &&
	for st in 3305230 abcdefgh 00000000 99052301; do
		test_expect_code_ 2 intake --register $st --pubkey s6.pub \
			2>err &&
		test_grep err "$st: a station is 8 digits (region and issuer)" ||
			return 1
	done &&
	test_expect_code_ 2 intake --register 33052309 --pubkey s6.pub \
		--region xx 2>err &&
	test_grep err "xx: a region is a 6-digit administrative division code" &&
	test_expect_code_ 2 intake --register 33052309 --pubkey s6.pub \
		--name "$(printf "县政务\\n中心")" 2>err &&
	test_grep err "县政务\\\\x0a中心: a station.s name is one line of text" &&
	test "$(q "SELECT count(*) FROM stations")" = 3
'

test_expect_success 'a wrong inbox or receipt key is named, nothing taken (2)' '
	cp out/* inbox/ &&
	ls -R inbox >before &&
	test_expect_code_ 2 intake -K recv.pem no-such-inbox 2>err &&
	test_grep err "^hcp-intake: no-such-inbox: No such file or directory\$" &&
	test_expect_code_ 2 intake -K recv.pem recv.pem 2>err &&
	test_grep err "^hcp-intake: recv.pem: not a directory\$" &&
	test_expect_code_ 2 intake -K recv.pub inbox 2>err &&
	test_grep err "recv.pub: not a usable SM2 private key: this is a public key" &&
	test_expect_code_ 2 intake inbox 2>err &&
	test_grep err "^hcp-intake: -K key is needed" &&
	ls -R inbox >after &&
	test_cmp before after &&
	rm inbox/*.tar.gz
'

test_expect_success 'a serial loaded from another batch, a sequence number from other bytes: refused' '
	hcp-init -q -d s7.db --catalog "$SAMPLE" --set issuer=07 &&
	hcp-init -q -d s7b.db --catalog "$SAMPLE" --set issuer=07 &&
	cp s7.db.sm2.pem s7b.db.sm2.pem &&
	hcp-init -d s7.db --print-pubkey >s7.pub &&
	intake --register 33052307 --pubkey s7.pub &&
	x=$(SOURCE_DATE_EPOCH=$((E1 - 2 * 86400)) hcp-form -d s7.db --issue 1) &&
	test "$x" = "$(SOURCE_DATE_EPOCH=$((E1 - 2 * 86400)) hcp-form -d s7b.db --issue 1)" &&
	keyed 5 P30 | sed "1s/^/serial,/; 2s/^/$x,/; s/,4,5,/,5,5,/" >in.csv &&
	SOURCE_DATE_EPOCH=$E1 hcp-import -q -d s7.db in.csv &&
	SOURCE_DATE_EPOCH=$E1 hcp-pack -q -d s7.db -o out7 &&
	batch s7b.db $E1 5 P32 && mv out/hcp-33052307-000001.tar.gz other.tar.gz &&
	keyed 5 P31 | sed "1s/^/serial,/; 2s/^/$x,/; s/,4,5,/,5,5,/" >in.csv &&
	SOURCE_DATE_EPOCH=$E1 hcp-import -q -d s7b.db in.csv &&
	SOURCE_DATE_EPOCH=$E1 hcp-pack -q -d s7b.db -o out &&
	cp out7/hcp-33052307-000001.tar.gz out/hcp-33052307-000002.tar.gz inbox/ &&
	{ take; test $? = 1; } &&
	test_grep out.txt "hcp-33052307-000001.tar.gz: loaded" &&
	test_grep inbox/refused/hcp-33052307-000002.tar.gz.reason \
		"serial $x is loaded already from hcp-33052307-000001 line 2" &&
	cp other.tar.gz inbox/ && take; test $? = 1 &&
	test_grep inbox/refused/other.tar.gz.reason \
		"sequence number 1 of station 33052307 was loaded on .* from another batch" &&
	test "$(records 33052307)" = 1 &&
	test "$(q "SELECT count(*) FROM serial_keys WHERE station = '\''33052307'\''")" = 1
'

test_expect_success 'a correction supersedes the record loaded, its keys with it' '
	hcp-init -q -d s8.db --catalog "$SAMPLE" --set issuer=08 &&
	hcp-init -d s8.db --print-pubkey >s8.pub &&
	cp recv.pub s8.db.receiver.pem &&
	intake --register 33052308 --pubkey s8.pub --name G &&
	batch s8.db $E1 5 P80 P81 &&
	cp out/hcp-33052308-000001.tar.gz inbox/ && take &&
	hcp-pack -q -d s8.db --ack inbox/hcp-33052308-000001.receipt &&
	SOURCE_DATE_EPOCH=$E1 hcp-amend -q -d s8.db -r "digits swapped" \
		P80/1 phone=13812345678 &&
	batch s8.db $E2 4 P82 &&
	tar xzOf out/hcp-33052308-000002.tar.gz \
		hcp-33052308-000002/data/evaluations.csv >payload.csv &&
	test_grep payload.csv "^P80,.*,hcp-33052308-000001" &&
	cp out/hcp-33052308-000002.tar.gz inbox/ && take &&
	test_grep out.txt "hcp-33052308-000002.tar.gz: loaded" &&
	test "$(records 33052308)" = 3 &&
	q "SELECT project_no, seq, satisfaction, phone, supersedes FROM
		records WHERE station = '\''33052308'\'' ORDER BY 1" |
		tr "|" , >got &&
	printf "%s\n" P80,2,5,13812345678,hcp-33052308-000001 P81,1,5,, \
		P82,2,4,, >expect &&
	test_cmp expect got &&
	q "SELECT project_no, seq, line FROM project_keys WHERE station =
		'\''33052308'\'' ORDER BY 1" | tr "|" , >got &&
	printf "%s\n" P80,2,2 P81,1,3 P82,2,3 >expect &&
	test_cmp expect got
'

test_expect_success 'a batch whose bag-info.txt comes last is loaded all the same' '
	batch s8.db $E2 3 P83 P84 &&
	n=hcp-33052308-000003 && mkdir re && tar xzf out/$n.tar.gz -C re &&
	(cd re && tar --format=ustar --owner=0 --group=0 -cf - \
		$(find $n -type f | sort -r)) | gzip -n >inbox/$n.tar.gz &&
	tar tzf inbox/$n.tar.gz | tail -n 1 | grep -q "/bag-info.txt$" &&
	take && test_grep out.txt "$n.tar.gz: loaded" &&
	test "$(q "SELECT count(*) FROM records WHERE station =
		'\''33052308'\'' AND seq = 3")" = 2 &&
	test "$(q "SELECT count(*) FROM project_keys WHERE station =
		'\''33052308'\'' AND seq = 3")" = 2
'

test_expect_success 'a batch and its replay in one run: loaded once, both receipted' '
	batch s8.db $E2 5 P85 &&
	n=hcp-33052308-000004 &&
	cp out/$n.tar.gz inbox/ && cp out/$n.tar.gz inbox/zz-replay.tar.gz &&
	take &&
	test_grep out.txt "^$n.tar.gz: loaded" &&
	test_grep out.txt "^zz-replay.tar.gz: loaded before as $n" &&
	test "$(q "SELECT count(*) FROM records WHERE station =
		'\''33052308'\'' AND seq = 4")" = 1 &&
	hcp-pack -q -d s8.db -k recv.pub --ack inbox/$n.receipt &&
	! ls inbox/*.tar.gz 2>/dev/null
'

test_expect_success 'two workers on one inbox: each batch loaded once' '
	intake --register 33052306 --pubkey s6.pub --name E &&
	for i in 1 2 3 4 5 6 7 8; do
		awk -v i=$i "BEGIN { for (j = 1; j <= 300; j++)
			printf \"E%d-%d\\n\", i, j }" >p.txt &&
		batch s6.db $E1 5 $(cat p.txt) || return 1
	done &&
	cp out/hcp-33052306-*.tar.gz inbox/ &&
	{ intake -K recv.pem inbox >w1.txt 2>&1 & p1=$!; } &&
	{ intake -K recv.pem inbox >w2.txt 2>&1 & p2=$!; } &&
	wait $p1 && wait $p2 &&
	cat w1.txt w2.txt | grep ": loaded: batch hcp-33052306" |
		sed "s/.*batch //; s/,.*//" | sort >loaded.txt &&
	ls out | grep 33052306 | sed "s/.tar.gz//" >expect &&
	test_cmp expect loaded.txt &&
	test "$(records 33052306)" = 2400 &&
	test "$(q "SELECT count(*) FROM batches WHERE station = '\''33052306'\''")" = 8 &&
	! ls inbox/*.tar.gz 2>/dev/null &&
	test $(ls inbox/archive | grep -c 33052306) = 8 &&
	test $(ls inbox | grep -c "33052306.*receipt") = 8
'

test_expect_success 'kill -9 at any moment of a load: nothing half-loaded, a re-run loads it once' '
	intake --register 33052305 --pubkey s5.pub --name K &&
	awk "BEGIN { for (j = 1; j <= 30000; j++) printf \"K%d\\n\", j }" >p.txt &&
	batch s5.db $E1 5 $(cat p.txt) &&
	k=out/hcp-33052305-000001.tar.gz &&
	for d in 0.1 0.4 0.7 1.0 1.4; do
		test -e inbox/hcp-33052305-000001.tar.gz ||
			cp $k inbox/ || return 1
		# the tool itself in the background, not a subshell running it
		SOURCE_DATE_EPOCH=$NOW hcp-intake "$INTAKE_OPT" "$INTAKE_ARG" \
			-q -K recv.pem inbox >/dev/null 2>&1 &
		pid=$!
		sleep $d; kill -9 $pid 2>/dev/null; wait $pid
		ps -p $pid >/dev/null && { echo "$pid still runs"; return 1; }
		n=$(records 33052305) b=$(q "SELECT count(*) FROM batches WHERE station = '\''33052305'\''")
		say "killed after ${d}s: $b batches, $n records"
		case "$b $n" in
		"0 0"|"1 30000") ;;
		*) echo "half-loaded: $b batches, $n records"; return 1 ;;
		esac
	done &&
	test -e inbox/hcp-33052305-000001.tar.gz || cp $k inbox/ &&
	settle && take &&
	test "$(records 33052305)" = 30000 &&
	test "$(q "SELECT count(*) FROM serial_keys WHERE station = '\''33052305'\''")" = 0 &&
	test "$(q "SELECT count(*) FROM project_keys WHERE station = '\''33052305'\''")" = 30000 &&
	test -f inbox/hcp-33052305-000001.receipt &&
	! ls inbox/*.tar.gz 2>/dev/null
'

test_expect_success 'a receipt that cannot be written: loaded, left in the inbox, receipted by the next run (2)' '
	batch s5.db $E1 5 KR1 &&
	cp out/hcp-33052305-000002.tar.gz inbox/ &&
	mkdir inbox/hcp-33052305-000002.receipt &&
	test_expect_code_ 2 take &&
	test_grep err.txt "hcp-33052305-000002.tar.gz: loaded, but left in the inbox (the next run writes its receipt and moves it): " &&
	test "$(q "SELECT records FROM batches WHERE station = '\''33052305'\'' AND seq = 2")" = 1 &&
	test -e inbox/hcp-33052305-000002.tar.gz &&
	rmdir inbox/hcp-33052305-000002.receipt &&
	take &&
	test_grep out.txt "hcp-33052305-000002.tar.gz: loaded before as hcp-33052305-000002" &&
	test "$(records 33052305)" = 30001 &&
	test -s inbox/hcp-33052305-000002.receipt &&
	! ls inbox/*.tar.gz 2>/dev/null
'

test_expect_success 'a station registered after its batch was refused: the batch moved back from refused/, loaded, the refusal gone' '
	intake --register 33052303 --pubkey s3.pub --name C &&
	r=inbox/refused/hcp-33052303-000001 &&
	echo "an older refusal" >$r.2.tar.gz.reason &&
	echo "other bytes" >$r.3.tar.gz && echo "kept" >$r.3.tar.gz.reason &&
	mv $r.tar.gz inbox/moved-back.tar.gz &&
	cmp inbox/moved-back.tar.gz out/hcp-33052303-000001.tar.gz &&
	take &&
	test "$(records 33052303)" = 1 &&
	test -f inbox/hcp-33052303-000001.receipt &&
	! test -e inbox/hcp-33052303-000001.refused &&
	! test -e $r.tar.gz.reason && ! test -e $r.2.tar.gz.reason &&
	test -s $r.3.tar.gz.reason &&
	test -s inbox/refused/tampered.tar.gz.reason &&
	rm $r.3.tar.gz $r.3.tar.gz.reason
'

test_expect_success '--stations lists the registry: keys, batches, the last one, retired' '
	intake --stations >st.txt &&
	test_grep st.txt "^station  *region  *registered  *retired  *keys  *newest key from  *batches  *last  *last received  *name$" &&
	test_grep st.txt "^33052301  330523  2026-11-24 22:26:40  2026-11-23 00:00:00     2  2026-11-22 00:00:00        3       3  2026-11-24 22:26:40  A$" &&
	test_grep st.txt "^33052303  330523  2026-11-24 22:26:40  -                       1  -                          1       1  2026-11-24 22:26:40  C$" &&
	test_grep st.txt "^33052304  330523  2026-11-24 22:26:40  -                       1  -                          0       -  -                    D$" &&
	test "$(grep -c "^3305230[0-9] " st.txt)" = "$(q "SELECT count(*) FROM stations")"
'

test_expect_success 'retired again at an earlier time: taken, and its keys end then too' '
	intake --retire 33052301 --at "2026-11-22 23:00:00" &&
	test "$(q "SELECT retired_at FROM stations WHERE station = '\''33052301'\''")" = "2026-11-22 23:00:00" &&
	test "$(q "SELECT max(valid_to) FROM station_keys WHERE station = '\''33052301'\''")" = "2026-11-22 23:00:00"
'
