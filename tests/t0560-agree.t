#!/bin/sh
# One meaning of a record: whatever hcp-import accepts, hcp-verify accepts
# at a receiver that has only the batch and the station's public key.
# The date mixes a paper form makes normal (评价日期 is a date alone),
# settings other than the defaults, a station ahead of UTC, a dictionary
# refreshed between import and pack, and 100,000 random rows of every
# kind (tests/bench/gen-random.sh) over three stations.
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
GEN="$HCP_SRC/tests/bench/gen-random.sh"
H='表单编号,办件编号,事项编码,满意度,文字评价,办理时间,评价时间'
ITEM=11330523002572643X200016010000002
DAY=86400

# station DIR [key=value ...]: a station in DIR with the sample catalogue
station() {
	d=$1; shift
	mkdir -p "$d" &&
	hcp-init -q -d "$d/hcp.db" -c "$SAMPLE" "$@" &&
	hcp-init -d "$d/hcp.db" --print-pubkey >"$d/pub.pem"
}

# issue DB DAYS-AGO N [-w WINDOW]: N serials issued DAYS-AGO days before now
issue() {
	db=$1 ago=$2 n=$3; shift 3
	SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH - ago * DAY)) \
		hcp-form -d "$db" "$@" --issue "$n"
}

# receiver DIR: every batch in DIR/out verified with the public key alone
receiver() {
	hcp-verify -k "$1/pub.pem" "$1"/out/*.tar.gz >"$1/verify.out" \
		2>"$1/verify.err" || { grep -v warning "$1/verify.err"; return 1; }
	test "$(grep -c ": OK: " "$1/verify.out")" = \
		"$(ls "$1"/out/*.tar.gz | wc -l)"
}

# records DIR: the records the batches of DIR hold, from their bag-info
records() {
	for b in "$1"/out/*.tar.gz; do
		tar xzf "$b" -O --wildcards '*/bag-info.txt' |
			sed -n 's/^Hcp-Records: //p'
	done | awk '{ n += $1 } END { print n + 0 }'
}

test_expect_success 'a date alone and a time on the same day: accepted, verified' '
	station a &&
	issue a/hcp.db 30 4 >a/serials &&
	{
	printf "%s\r\n" "$H"
	printf "%s,P1,%s,5,,2026-11-20 09:10,2026-11-20\r\n" "$(sed -n 1p a/serials)" "$ITEM"
	printf "%s,P2,%s,4,,2026-11-13,2026-11-20 10:00\r\n" "$(sed -n 2p a/serials)" "$ITEM"
	printf "%s,P3,%s,5,,2026-11-20,2026-11-20 08:00\r\n" "$(sed -n 3p a/serials)" "$ITEM"
	printf "%s,P4,%s,5,,2026-11-13 23:59,2026-11-20 00:01\r\n" "$(sed -n 4p a/serials)" "$ITEM"
	} >a/mix.csv &&
	hcp-import -q -d a/hcp.db --operator t a/mix.csv &&
	test "$(sqlite3 a/hcp.db "SELECT group_concat(service_time || \"|\" ||
		assess_time, \" \") FROM evaluations")" = \
		"2026-11-20 09:10:00|2026-11-20 2026-11-13|2026-11-20 10:00:00 2026-11-20|2026-11-20 08:00:00 2026-11-13 23:59:00|2026-11-20 00:01:00" &&
	mkdir -p a/out && hcp-pack -q -d a/hcp.db -o a/out && receiver a
'

test_expect_success 'the same rules refuse the same rows at import' '
	issue a/hcp.db 30 3 >a/s2 &&
	{
	printf "%s\r\n" "$H"
	printf "%s,Q1,%s,5,,2026-11-20 09:10,2026-11-19\r\n" "$(sed -n 1p a/s2)" "$ITEM"
	printf "%s,Q2,%s,4,,2026-11-12,2026-11-20 10:00\r\n" "$(sed -n 2p a/s2)" "$ITEM"
	printf "%s,Q3,%s,4,,2026-11-20 10:00,2026-11-23\r\n" "$(sed -n 3p a/s2)" "$ITEM"
	} >a/bad.csv &&
	{ hcp-import -q -d a/hcp.db --operator t a/bad.csv; test $? = 1; } &&
	sqlite3 :memory: ".import --csv a/bad.csv.rejects.csv r" \
		"SELECT 错误行号 || \" \" || 错误代码 FROM r" >codes &&
	printf "2 E_DATE_ORDER\n3 E_DATE_LATE\n4 E_DATE_FUTURE\n" >want &&
	test_cmp want codes
'

test_expect_success 'a station with other settings, ahead of UTC: its batch says so and verifies' '
	TZ=Asia/Shanghai station b --set supplement_days=14 --set paper_channel=4 &&
	issue b/hcp.db 30 2 >b/serials &&
	{
	printf "%s\r\n" "$H"
	# 13 days after the service; 19:30 in Shanghai is 11:30 UTC, before
	# the epoch (20:00 in Shanghai), but after it for a receiver in UTC
	printf "%s,R1,%s,5,,2026-11-09,2026-11-22\r\n" "$(sed -n 1p b/serials)" "$ITEM"
	printf "%s,R2,%s,5,,2026-11-22 19:00,2026-11-22 19:30\r\n" "$(sed -n 2p b/serials)" "$ITEM"
	} >b/k.csv &&
	TZ=Asia/Shanghai hcp-import -q -d b/hcp.db --operator t b/k.csv &&
	mkdir -p b/out && TZ=Asia/Shanghai hcp-pack -q -d b/hcp.db -o b/out &&
	tar xzf b/out/*.tar.gz -O --wildcards "*/bag-info.txt" >b/info &&
	grep -qx "Hcp-Format: 2" b/info &&
	grep -qx "Hcp-Supplement-Days: 14" b/info &&
	grep -qx "Hcp-Paper-Channel: 4" b/info &&
	grep -qx "Hcp-UTC-Offset: +08:00" b/info &&
	receiver b
'

test_expect_success 'a rule label changed after signing: the signature says so' '
	mkdir -p b/t && tar xzf b/out/*.tar.gz -C b/t &&
	sed -i "s/^Hcp-Supplement-Days: 14/Hcp-Supplement-Days: 365/" \
		b/t/*/bag-info.txt &&
	(cd b/t && tar czf ../forged.tar.gz hcp-*) &&
	{ hcp-verify -k b/pub.pem b/forged.tar.gz >out 2>&1; test $? = 1; } &&
	test_grep out "bag-info.txt" && test_grep out BAD
'

test_expect_success 'a dictionary refreshed between import and pack: verify -d judges by the batch' '
	station c &&
	issue c/hcp.db 30 1 >c/serials &&
	printf "%s\r\n%s,S1,%s,5,501,,2026-11-20\r\n" "表单编号,办件编号,事项编码,满意度,评价详情代码,办理时间,评价时间" \
		"$(cat c/serials)" "$ITEM" >c/k.csv &&
	hcp-import -q -d c/hcp.db --operator t c/k.csv &&
	mkdir c/cat && cp "$SAMPLE"/*.csv c/cat/ &&
	sed -i "s/^EXAMPLE-2026.1,/EXAMPLE-2027.1,/; /,501,/d" c/cat/eval_codes.csv &&
	hcp-init -q -d c/hcp.db -c c/cat &&
	test "$(sqlite3 c/hcp.db "SELECT value FROM settings
		WHERE key = \"eval_codes_version\"")" = EXAMPLE-2027.1 &&
	mkdir -p c/out && hcp-pack -q -d c/hcp.db -o c/out &&
	tar xzf c/out/*.tar.gz -O --wildcards "*/bag-info.txt" |
		grep -qx "Hcp-Eval-Codes-Version: EXAMPLE-2026.1, EXAMPLE-2027.1" &&
	hcp-verify -d c/hcp.db -k c/pub.pem c/out/*.tar.gz
'

test_expect_success 'a window printed on the form fills an empty cell; another is refused' '
	issue a/hcp.db 30 3 -w A01 >a/sw &&
	{
	printf "%s\r\n" "表单编号,办件编号,事项编码,窗口编号,满意度,评价时间"
	printf "%s,W1,%s,,5,2026-11-20\r\n" "$(sed -n 1p a/sw)" "$ITEM"
	printf "%s,W2,%s,a01,5,2026-11-20\r\n" "$(sed -n 2p a/sw)" "$ITEM"
	printf "%s,W3,%s,B01,5,2026-11-20\r\n" "$(sed -n 3p a/sw)" "$ITEM"
	} >a/w.csv &&
	{ hcp-import -q -d a/hcp.db --operator t a/w.csv; test $? = 1; } &&
	test "$(sqlite3 a/hcp.db "SELECT group_concat(window_id) FROM
		evaluations WHERE project_no IN (\"W1\", \"W2\")")" = A01,A01 &&
	sqlite3 :memory: ".import --csv a/w.csv.rejects.csv r" \
		"SELECT 错误行号 || \" \" || 错误列 || \" \" || 错误代码 FROM r" >codes &&
	echo "4 窗口编号 E_WINDOW_FORM" >want && test_cmp want codes &&
	hcp-import -d a/hcp.db --operator t a/w.csv >out 2>&1
	test_grep out "3 rows read: 0 accepted, 1 rejected, 2 duplicates"
'

test_expect_success 'an evaluation dated before its form was issued' '
	issue a/hcp.db 2 1 >a/late &&
	printf "%s\r\n%s,L1,%s,5,,2026-11-18,2026-11-18\r\n" "$H" "$(cat a/late)" \
		"$ITEM" >a/l.csv &&
	{ hcp-import -d a/hcp.db --operator t a/l.csv 2>err; test $? = 1; } &&
	test_grep a/l.csv.rejects.csv ",2,评价时间,E_DATE_BEFORE_ISSUE,.*2026-11-20"
'

test_expect_success 'hcp-check says the same as hcp-import' '
	printf "%s\r\n%s,L1,%s,5,,2026-11-18,2026-11-18\r\n" "$H" "$(cat a/late)" \
		"$ITEM" >a/l2.csv &&
	{ hcp-check -d a/hcp.db a/l2.csv >out 2>&1; test $? = 1; } &&
	test_grep out "E_DATE_BEFORE_ISSUE"
'

# three stations, 34,000 random rows each: every accepted row verifies
for st in 1:7:5:UTC 2:3:4:Asia/Shanghai 3:15:7:Asia/Urumqi; do
	IFS=: read -r k days ch zone <<-EOF
	$st
	EOF
	test_expect_success "random rows, station $k (supplement_days $days, paper channel $ch, $zone)" '
		export TZ=$zone &&
		station r$k --set supplement_days=$days --set paper_channel=$ch &&
		{
		issue r$k/hcp.db 45 20000
		issue r$k/hcp.db 45 12000 -w A02
		issue r$k/hcp.db 3 2000
		} >r$k/serials &&
		sh "$GEN" -r $k -d $days -s r$k/serials 34000 >r$k/k.csv &&
		{ hcp-import -d r$k/hcp.db --operator t r$k/k.csv >r$k/imp 2>/dev/null
		  test $? = 1; } &&
		acc=$(sed -n "s/.*rows read: \([0-9]*\) accepted.*/\1/p" r$k/imp) &&
		say "station $k: $(cat r$k/imp | head -n 1)" &&
		test "$acc" -gt 10000 &&
		mkdir -p r$k/out && hcp-pack -q -d r$k/hcp.db -M 10000 -o r$k/out &&
		receiver r$k &&
		test "$(records r$k)" = "$acc"
	'
done

test_done
