#!/bin/sh
# Excel's "Unicode text" (UTF-16LE with a BOM, tab-separated) and
# tab-separated UTF-8 are read as such: found by the BOM and by a first
# line with tabs and no comma, or named by --encoding utf-16, --tab and
# --delimiter.  They import exactly like the CSV they come from.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
GEN="$HCP_SRC/tests/bench/gen-keyed.sh"

station_with() {
	rm -f "$2" "$2"-wal "$2"-shm &&
	setup_station "$2" &&
	issue_serials "$2" 20 >/dev/null &&
	hcp-import -q -d "$2" "$1"
}

dump() {
	sqlite3 "$1" "SELECT * FROM evaluations ORDER BY id"
}

test_expect_success 'set up: a CSV with Chinese text, and its tab twin' '
	setup_station &&
	issue_serials hcp.db 20 >serials &&
	sh "$GEN" -s serials 20 | tail -c +4 | tr -d "\r" >in.csv &&
	grep -q "李娜\|王建平\|刘洋" in.csv &&
	! grep -q "	" in.csv &&
	python3 -c "import csv, sys
w = csv.writer(sys.stdout, delimiter=sys.argv[1], lineterminator=\"\\n\")
w.writerows(csv.reader(sys.stdin))" "	" <in.csv >tab.csv &&
	{ printf "\377\376"; iconv -f UTF-8 -t UTF-16LE tab.csv; } >unicode.txt &&
	station_with in.csv a.db && dump a.db >a.dump &&
	test "$(sqlite3 a.db "SELECT count(*) FROM evaluations")" -ge 15 &&
	test_expect_code_ 0 hcp-check -d hcp.db in.csv >want &&
	sed -n "\$s/^in.csv: //p" want >counts &&
	test_grep counts "^20 rows: "
'

test_expect_success 'Unicode text (UTF-16LE, BOM, tabs) imports the same' '
	station_with unicode.txt b.db && dump b.db >b.dump &&
	test_cmp a.dump b.dump &&
	test_expect_code_ 0 hcp-check -d b.db -f json unicode.txt >out.json &&
	test_grep out.json "\"encoding\": \"UTF-16\""
'

test_expect_success 'big-endian UTF-16 too' '
	{ printf "\376\377"; iconv -f UTF-8 -t UTF-16BE tab.csv; } >be.txt &&
	test_expect_code_ 0 hcp-check -d hcp.db be.txt >out &&
	test_grep out "be.txt: $(cat counts)"
'

test_expect_success 'from standard input with --encoding utf-16' '
	test_expect_code_ 0 hcp-check -d hcp.db --encoding utf-16 - <unicode.txt >out &&
	test_grep out "$(cat counts)" &&
	hcp-check -d hcp.db - <unicode.txt >out 2>err
	test $? = 2 && test_grep err "UTF-16.*--encoding utf-16"
'

test_expect_success 'tab-separated UTF-8 is found by its first line' '
	station_with tab.csv c.db && dump c.db >c.dump &&
	test_cmp a.dump c.dump
'

test_expect_success '--tab and --delimiter name it; a wrong one is a usage error' '
	test_expect_code_ 0 hcp-check -d hcp.db --tab - <tab.csv >out &&
	test_grep out "$(cat counts)" &&
	python3 -c "import csv, sys
w = csv.writer(sys.stdout, delimiter=\";\", lineterminator=\"\\n\")
w.writerows(csv.reader(sys.stdin))" <in.csv >semi.csv &&
	hcp-check -d hcp.db --delimiter ";" semi.csv >out ;
	test_grep out "$(cat counts)" &&
	test_expect_code_ 0 hcp-check -d hcp.db --delimiter tab tab.csv >out &&
	test_grep out "$(cat counts)" &&
	hcp-check -d hcp.db --delimiter x semi.csv 2>err
	test $? = 2 && test_grep err "delimiter"
'

test_expect_success 'UTF-16 that breaks off is refused, naming the byte' '
	head -c 101 unicode.txt >odd.txt &&
	hcp-check -d hcp.db odd.txt 2>err
	test $? = 2 && test_grep err "odd.txt: byte [0-9]* is not UTF-16"
'

test_done
