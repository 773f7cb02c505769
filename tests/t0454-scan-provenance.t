#!/bin/sh
# SPDX-License-Identifier: ISC
# Where a scanned record came from: hcp-scan writes, for every row, the
# SHA-256 of the image file and the page in it (column scan_image,
# hcp-csv(5)); hcp-import keeps it with the record, so sqlite3 finds the
# image of a record by its serial.  It is a local field: the row hash
# leaves it out (a rescan of the same paper, a different image file, is
# a duplicate) and no batch carries it.
. "$(dirname "$0")/lib.sh"

GEN="$HCP_BUILD/scan/scangen"
ITEM=11330523002572643X200016010000002
TODAY=$(date -u +%Y-%m-%d)

key() {
	awk -F, -v OFS=, -v item=$ITEM -v day="$TODAY" \
	    'NR > 1 { $3 = item; $15 = day } { print }' "$1"
}

setup_station
hcp-form -q -N 3 -o forms.pdf && pdftoppm -r 150 -gray forms.pdf p
"$GEN" -s 7 -c 0 -o "all.tif" p-*.pgm >truth
"$GEN" -s 7 -c 0 -o "again-%d.png" p-*.pgm >/dev/null
sum=$(sha256sum all.tif | cut -d" " -f1)

test_expect_success 'every row names its image file hash and page' '
	hcp-scan -q -o day.csv all.tif &&
	tr -d "\r" <day.csv >day.txt &&
	head -n 1 day.txt | grep ",扫描件$" &&
	test "$(sed 1d day.txt | wc -l)" = 3 &&
	test "$(grep -c ",$sum:1$" day.txt)" = 1 &&
	test "$(grep -c ",$sum:2$" day.txt)" = 1 &&
	test "$(grep -c ",$sum:3$" day.txt)" = 1
'
test_expect_success 'a rescan of the same paper, before import: other hash' '
	hcp-scan -q -o again.csv again-*.png &&
	test "$(sed 1d again.csv | cut -d, -f1-19 | sort)" = \
	    "$(sed 1d day.csv | cut -d, -f1-19 | sort)" &&
	! grep -q "$sum" again.csv
'
test_expect_success 'hcp-import keeps it; sqlite3 finds the image of a form' '
	key day.csv >keyed.csv &&
	sqlite3 hcp.db ".backup before.db" &&
	hcp-import -q --scanned keyed.csv &&
	s=$(sed -n 3p day.csv | cut -d, -f1) &&
	test "$(sqlite3 hcp.db "SELECT scan_image FROM evaluations
	    WHERE serial = '\''$s'\''")" = "$sum:2" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations
	    WHERE scan_image LIKE '\''$sum:%'\''")" = 3
'
test_expect_success 'the rescan imports as 3 duplicates, not new records' '
	key again.csv >again-keyed.csv &&
	hcp-import --scanned again-keyed.csv >err 2>&1 &&
	test_grep err "3 rows read: 0 accepted, 0 rejected, 3 duplicates" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations")" = 3 &&
	test "$(sqlite3 hcp.db "SELECT count(DISTINCT scan_image)
	    FROM evaluations WHERE scan_image LIKE '\''$sum:%'\''")" = 3
'
test_expect_success 'the row hash leaves it out: as keyed without it' '
	cut -d, -f1-19 keyed.csv >plain.csv &&
	hcp-import -q -d before.db plain.csv &&
	test "$(sqlite3 before.db "SELECT count(*) FROM evaluations
	    WHERE scan_image IS NULL")" = 3 &&
	test "$(sqlite3 before.db "SELECT row_hash FROM evaluations
	    ORDER BY serial")" = "$(sqlite3 hcp.db "SELECT row_hash
	    FROM evaluations ORDER BY serial")"
'
test_expect_success 'no batch carries it' '
	hcp-pack -q -o outbox &&
	mkdir bag && tar xzf outbox/*.tar.gz -C bag &&
	! grep -r -l -e scan_image -e "$sum" bag &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations
	    WHERE scan_image IS NOT NULL")" = 3
'
test_expect_success 'a correction keeps the image of the record' '
	s=$(sed -n 2p day.csv | cut -d, -f1) &&
	hcp-amend -q -u clerk -r "comment misread" $s comment=等候太久 &&
	test "$(sqlite3 hcp.db "SELECT comment, scan_image FROM
	    evaluations_current WHERE serial = '\''$s'\''")" = \
	    "等候太久|$sum:1"
'
test_done
