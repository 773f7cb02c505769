#!/bin/sh
# CSV written to standard output or a pipe is plain UTF-8 without a byte
# order mark, with LF line ends, so that cut, awk and Python's csv module
# see the first field as it is; --excel, or -o naming a .csv file, gives
# the byte order mark and CRLF that Excel and WPS need.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
K="$HCP_SRC/tests/data/keyed"

test_expect_success 'set up a station' '
	setup_station &&
	issue_serials hcp.db 10 >/dev/null
'

test_expect_success 'hcp-check -f csv into a pipe: no BOM, no CR' '
	hcp-check -d hcp.db -f csv "$K/codes/E_PHONE.csv" | cat >out
	head -c 4 out >first &&
	test "$(cat first)" = file &&
	! grep -q "$(printf "\r")" out &&
	test "$(cut -d, -f4 out | sed -n 2p)" = E_PHONE &&
	python3 -c "import csv, sys; r = list(csv.reader(open(sys.argv[1])));
assert r[0][0] == \"file\", r[0]" out
'

test_expect_success 'hcp-check -f csv --excel, or -o x.csv: BOM and CRLF' '
	hcp-check -d hcp.db -f csv --excel "$K/codes/E_PHONE.csv" >ex
	test "$(head -c 3 ex | od -An -tx1 | tr -d " ")" = efbbbf &&
	test "$(grep -c "$(printf "\r")\$" ex)" = 2 &&
	hcp-check -d hcp.db -f csv -o named.csv "$K/codes/E_PHONE.csv"
	test "$(head -c 3 named.csv | od -An -tx1 | tr -d " ")" = efbbbf &&
	hcp-check -d hcp.db -f csv -o named.txt "$K/codes/E_PHONE.csv"
	test "$(head -c 4 named.txt)" = file
'

test_expect_success 'hcp-compare into a pipe is plain; --excel is not' '
	sed "s/,5,5,501,/,5,4,,/" "$K/valid.csv" >b.csv &&
	hcp-compare "$K/valid.csv" b.csv 2>/dev/null | cat >diff.csv
	test "$(head -n 1 diff.csv)" = "serial,column,A,B,line_A,line_B" &&
	! grep -q "$(printf "\r")" diff.csv &&
	hcp-compare --excel "$K/valid.csv" b.csv 2>/dev/null >diffx.csv
	test "$(head -c 3 diffx.csv | od -An -tx1 | tr -d " ")" = efbbbf &&
	grep -q "$(printf "\r")\$" diffx.csv
'

test_done
