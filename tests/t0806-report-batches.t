#!/bin/sh
# hcp-report --batches: the same figures from the batches of a station
# as from its db; each batch is verified first, and one that fails is
# left out (exit 1), not read.
. "$(dirname "$0")/lib.sh"

SOURCE_DATE_EPOCH=1795348800
export SOURCE_DATE_EPOCH
BENCH="$HCP_SRC/tests/bench"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

test_expect_success 'a station with two packed batches' '
	setup_station &&
	issue_serials hcp.db 260 >serials &&
	head -n 150 serials >s1 && tail -n +151 serials >s2 &&
	sh "$BENCH/gen-keyed.sh" -s s1 150 >k1.csv &&
	sh "$BENCH/gen-keyed.sh" -s s2 110 >k2.csv &&
	hcp-import -q -d hcp.db k1.csv &&
	mkdir out && hcp-pack -q -d hcp.db -o out &&
	hcp-import -q -d hcp.db k2.csv &&
	hcp-pack -q -d hcp.db -o out &&
	test "$(ls out/*.tar.gz | wc -l)" = 2 &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations")" = 260
'

# The db's report has the follow-up columns of hcp-review's cases too;
# batches carry case events, which --batches does not read: compare the
# columns both have.
test_expect_success 'the batches give the figures of the db' '
	hcp-report -q -d hcp.db -b all -f csv -o db.full.csv &&
	hcp-report -q -d hcp.db --batches out -b all -f csv -o b.csv &&
	awk -F, "NR == FNR { if (FNR == 1) for (i = 1; i <= NF; i++)
			want[\$i] = 1; next }
		FNR == 1 { for (i = 1; i <= NF; i++) keep[i] = (\$i in want) }
		{ o = \"\"; sep = \"\"
		  for (i = 1; i <= NF; i++) if (keep[i]) { o = o sep \$i; sep = \",\" }
		  print o }" b.csv db.full.csv >db.csv &&
	test "$(head -n 1 db.full.csv | tr , "\n" | grep -c revisit_rate)" = 1 &&
	test_cmp db.csv b.csv &&
	grep -q "^total,,,260," b.csv
'

test_expect_success 'without the station db: a public key and no names' '
	hcp-init -q -d hcp.db --print-pubkey >pub.pem &&
	hcp-report -q --batches out -k pub.pem -b dept,window,day -f csv \
		-o nodb.csv &&
	cut -d, -f1,2,4- db.csv | grep -v "^\(dept\|window\|staff\|item\|region\|channel\|method\|week\|month\)," |
		grep -v "^day," >want.total &&
	cut -d, -f1,2,4- nodb.csv | grep -v "^\(dept\|window\|day\)," \
		>got.total &&
	test_cmp want.total got.total &&
	for g in dept window day; do
		grep "^$g," db.csv | awk -F, "\$4 > 0" | cut -d, -f1,2,4- \
			>want.$g &&
		grep "^$g," nodb.csv | cut -d, -f1,2,4- >got.$g &&
		test_cmp want.$g got.$g || return 1
	done
'

test_expect_success 'a tampered batch is left out, exit 1' '
	mkdir bad && cp out/*.tar.gz bad/ &&
	b=$(ls bad/*.tar.gz | tail -n 1) &&
	mkdir x && tar -xzf "$b" -C x &&
	sed -i "3s/,5,/,1,/; 3s/,4,/,1,/" x/*/data/evaluations.csv &&
	(cd x && tar -czf "../$b" *) &&
	test_expect_code_ 1 hcp-report -q --batches bad -k pub.pem -f csv \
		-o part.csv 2>err &&
	test_grep err "1 batches failed verification" &&
	grep -q "^total,,,150," part.csv
'

test_expect_success 'a key that fits no batch reads nothing' '
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 \
		-out other.key 2>/dev/null &&
	openssl pkey -in other.key -pubout -out other.pem &&
	test_expect_code_ 1 hcp-report -q --batches out -k other.pem \
		-f csv -o none.csv 2>err &&
	grep -q "^total,,,0," none.csv &&
	hcp-report -q --batches out -k other.pem -k pub.pem -f csv \
		-o two.csv &&
	grep -q "^total,,,260," two.csv
'

test_expect_success 'a file that is not a public key is refused by name (2)' '
	test_expect_code_ 2 hcp-report -q --batches out -k other.key \
		-f csv -o k.csv 2>err &&
	test_grep err "other.key: not a usable SM2 public key" &&
	! test -e k.csv
'

test_done
