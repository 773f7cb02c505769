#!/bin/sh
# SPDX-License-Identifier: ISC
# The review cycle of hcp-scan: a grade ticked, scribbled over and
# another ticked is never guessed: the row goes to the review CSV with
# the grade empty, "satisfaction" in its unsure column, a note of what
# was seen and the page it came from.  --resolve writes the rows whose
# unsure fields the clerk filled in, names those still open (exit 1),
# and what it writes passes hcp-check once the handwriting is keyed.
. "$(dirname "$0")/lib.sh"

GEN="$HCP_BUILD/scan/scangen"
ITEM=11330523002572643X200016010000002
TODAY=$(date -u +%Y-%m-%d)

setup_station
hcp-form -q -N 3 -o forms.pdf && pdftoppm -r 150 -gray forms.pdf p
"$GEN" -s 11 -c 1 -G 3 -o "s-%d.png" p-*.pgm >truth

test_expect_code 1 'struck-out grades: every row to review, none guessed' '
	hcp-scan -q -o day.csv s-*.png; rc=$?
	test "$(wc -l <day.csv)" = 1 &&
	test "$(sed 1d day.csv.review.csv | wc -l)" = 3 &&
	head -n 1 day.csv.review.csv | grep ",unsure,note,source\r$" &&
	sed 1d day.csv.review.csv | cut -d, -f6 | grep -v "^$" >grades;
	! test -s grades &&
	test "$(grep -c ",satisfaction,satisfaction: [^,]* scribbled over; satisfaction: 基本满意 marked,s-[123].png:1" day.csv.review.csv)" = 3 &&
	exit $rc || exit 99
'
test_expect_code 1 'nothing decided: --resolve names every open row' '
	hcp-scan -o none.csv --resolve day.csv.review.csv 2>err; rc=$?
	test_grep err "day.csv.review.csv:2: satisfaction is not decided yet" &&
	test_grep err "day.csv.review.csv:4: satisfaction is not decided yet" &&
	test_grep err "0 rows decided, 3 still open" &&
	test "$(wc -l <none.csv)" = 1 && exit $rc || exit 99
'
test_expect_code 1 'one row decided: written without the review columns' '
	awk -F, -v OFS=, "NR == 2 { \$6 = \"基本满意\" } { print }" \
	    day.csv.review.csv >part.csv &&
	hcp-scan -q -o part-out.csv --resolve part.csv; rc=$?
	test "$(wc -l <part-out.csv)" = 2 &&
	head -n 1 part-out.csv | grep -v unsure &&
	sed -n 2p part-out.csv | grep "^[0-9]\{16\},.*,基本满意," &&
	exit $rc || exit 99
'
test_expect_success 'all decided and keyed: hcp-check accepts them' '
	awk -F, -v OFS=, -v item=$ITEM -v day=$TODAY \
	    "NR > 1 { \$6 = \"基本满意\"; \$3 = item; \$15 = day } { print }" \
	    day.csv.review.csv >all.csv &&
	hcp-scan -q -o decided.csv --resolve all.csv &&
	test "$(sed 1d decided.csv | wc -l)" = 3 &&
	hcp-check decided.csv
'
test_expect_code 2 'a file that is not a review file is refused' '
	printf "a,b\n1,2\n" >bad.csv &&
	hcp-scan -o x.csv --resolve bad.csv 2>err; rc=$?
	test_grep err "bad.csv:1: not a review file of hcp-scan" && exit $rc || exit 99
'
test_done
