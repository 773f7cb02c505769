#!/bin/sh
# SPDX-License-Identifier: ISC
# The sheets of hcp-scan.  Beside day.csv, day.csv.keying.pdf has a
# block for every row: the row's line number in the CSV, its serial and
# page, and a crop of every handwritten area the row leaves empty (not
# the window the ledger filled in), each beside an empty cell.  Beside
# the review CSV, day.csv.review.pdf has a block for every row to
# review, numbered by its line in the review CSV, with what is unclear
# and the crop of the unclear boxes first.  A run with nothing for a
# sheet removes the one an earlier run left; --no-sheets and -o - write
# none.
. "$(dirname "$0")/lib.sh"

GEN="$HCP_BUILD/scan/scangen"

setup_station
hcp-form -q -w A01 -N 4 -o forms.pdf && pdftoppm -r 150 -gray forms.pdf p
# two clean pages, two with a struck-out grade (to review)
"$GEN" -s 11 -c 0 -o "s-%d.png" p-1.pgm p-2.pgm >truth &&
"$GEN" -s 12 -c 1 -o "x-%d.png" p-3.pgm p-4.pgm >>truth

# blocks PDF: "line serial" of every block of a sheet, in order
blocks() {
	pdftotext -layout "$1" - | tr -d "\f" |
	    sed -n "s/^ *\([0-9][0-9]*\)  *表单编号 \([0-9]\{16\}\) .*/\1 \2/p"
}

test_expect_code 1 'the keying sheet: a block a row, numbered as the CSV' '
	hcp-scan -o day.csv s-1.png x-1.png s-2.png x-2.png 2>err; rc=$?
	test_grep err "keying sheet day.csv.keying.pdf" &&
	test "$(sed 1d day.csv | wc -l)" = 2 &&
	awk -F, "NR > 1 { print NR, \$1 }" day.csv >want &&
	blocks day.csv.keying.pdf >got &&
	test_cmp want got &&
	# pdftotext puts a space where the font changes: "s-2.png :1"
	pdftotext day.csv.keying.pdf - | tr -d " " | grep -q "s-2.png:1" &&
	test_grep err "review sheet day.csv.review.pdf" &&
	exit $rc || exit 99
'
test_expect_success 'nine crops a row: every handwritten area but the window' '
	pdfimages -list day.csv.keying.pdf | sed 1,2d >imgs &&
	test "$(wc -l <imgs)" = 18 &&
	pdftotext day.csv.keying.pdf - >k.txt &&
	test_grep k.txt 评价人 && test_grep k.txt 事项编码 &&
	! grep -q 窗口编号 k.txt
'
test_expect_success 'the review sheet: its rows, what is unclear, the boxes' '
	test -s day.csv.review.pdf &&
	awk -F, "NR > 1 { print NR, \$1 }" day.csv.review.csv >rwant &&
	test "$(wc -l <rwant)" = 2 &&
	blocks day.csv.review.pdf >rgot &&
	test_cmp rwant rgot &&
	pdftotext day.csv.review.pdf - | tr -d " " >r.txt &&
	test_grep r.txt "satisfaction:.*scribbledover" &&
	test_grep r.txt 满意度 &&
	pdfimages -list day.csv.review.pdf | sed 1,2d >rimgs &&
	test "$(wc -l <rimgs)" = 20
'
test_expect_success 'nothing to review: the old review sheet goes' '
	hcp-scan -q -o day.csv s-1.png s-2.png &&
	! test -e day.csv.review.pdf && ! test -e day.csv.review.csv &&
	test "$(blocks day.csv.keying.pdf | wc -l)" = 2
'
test_expect_success '--keying names it; --no-sheets and -o - write none' '
	hcp-scan -q -o two.csv --keying two.pdf s-2.png &&
	test "$(blocks two.pdf)" = "2 $(sed -n 2p two.csv | cut -d, -f1)" &&
	! test -e two.csv.keying.pdf &&
	hcp-scan -q -o none.csv --no-sheets s-2.png &&
	! test -e none.csv.keying.pdf &&
	hcp-scan -q -o - s-2.png >out.csv && ! ls *.keying.pdf | grep -v day
'
test_done
