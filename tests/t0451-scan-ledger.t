#!/bin/sh
# SPDX-License-Identifier: ISC
# hcp-scan and the serial ledger: the window a form was printed for comes
# from the ledger; the CSV, once the handwriting is keyed, passes
# hcp-check and imports (hcp-import --scanned: entry method scanned); a
# serial that this station never issued, a voided one, one already
# imported and a page read twice in one run are reported and left out
# (exit 1); a page printed from a template that no known template
# matches is refused with the template and fingerprint.
. "$(dirname "$0")/lib.sh"

GEN="$HCP_BUILD/scan/scangen"
ITEM=11330523002572643X200016010000002
TODAY=$(date -u +%Y-%m-%d)

# key CSV: what the clerk keys from the crops: item code and date.
key() {
	awk -F, -v OFS=, -v item=$ITEM -v day="$TODAY" \
	    'NR > 1 { $3 = item; $15 = day } { print }' "$1"
}

setup_station
hcp-form -q -w A01 -N 4 -o forms.pdf && pdftoppm -r 150 -gray forms.pdf p
"$GEN" -s 3 -c 0 -G 4 -g rot -o "s-%d.png" p-*.pgm >truth

test_expect_success 'four forms read, the window from the ledger' '
	hcp-scan -q -o day.csv s-*.png &&
	test "$(sed 1d day.csv | wc -l)" = 4 &&
	test "$(sed 1d day.csv | cut -d, -f4 | sort -u)" = A01 &&
	test "$(sed 1d day.csv | cut -d, -f6 | sort -u)" = 满意 &&
	! test -e day.csv.review.csv
'
test_expect_success 'the keyed CSV passes hcp-check and imports' '
	key day.csv >keyed.csv &&
	hcp-check keyed.csv &&
	hcp-import -q --scanned keyed.csv &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations
	    WHERE satisfaction = 4 AND window_id = '\''A01'\''
	    AND entry_method = '\''scanned'\''")" = 4
'
test_expect_code 1 'a rescan of imported paper is reported, not written' '
	hcp-scan -q -o again.csv s-1.png 2>err; rc=$?
	cat err && test_grep err "s-1.png:1: form [0-9]* is already imported" &&
	test "$(wc -l <again.csv)" = 1 && exit $rc || exit 99
'
test_expect_code 1 'a voided serial is reported' '
	hcp-form -q -N 1 -o one.pdf && pdftoppm -r 150 -gray one.pdf q &&
	"$GEN" -s 4 -c 0 -o "v-%d.png" q-*.pgm >/dev/null &&
	s=$(sqlite3 hcp.db "SELECT serial FROM forms ORDER BY seq DESC LIMIT 1") &&
	hcp-form --void $s &&
	hcp-scan -q -o v.csv v-1.png 2>err; rc=$?
	test_grep err "v-1.png:1: form $s was voided" && exit $rc || exit 99
'
test_expect_code 1 'a page read twice in one run is a duplicate' '
	hcp-form -q -N 1 -o two.pdf && pdftoppm -r 150 -gray two.pdf r &&
	"$GEN" -s 5 -c 0 -o "d-%d.png" r-*.pgm >/dev/null &&
	cp d-1.png d-copy.png &&
	hcp-scan -q -o d.csv d-1.png d-copy.png 2>err; rc=$?
	test_grep err "d-copy.png:1: form [0-9]* was read already (d-1.png:1)" &&
	test "$(wc -l <d.csv)" = 2 && exit $rc || exit 99
'
test_expect_code 1 'a serial another station issued is reported' '
	setup_station other.db &&
	hcp-scan -q -d other.db -o o.csv d-1.png 2>err; rc=$?
	test_grep err "was not issued by this station" && exit $rc || exit 99
'
test_expect_code 1 'a form from an unknown template version is refused' '
	sed "s/^template  *STD 1/template STD 2/" \
	    "$HCP_DATADIR/forms/standard.form" >std2.form &&
	hcp-form -q -t ./std2.form -N 1 -o std2.pdf &&
	pdftoppm -r 150 -gray std2.pdf u &&
	hcp-scan -q -o u.csv u-1.pgm 2>err; rc=$?
	test_grep err "u-1.pgm:1: form [0-9]* was printed from template STD-2 with layout [0-9A-F]\{8\}, which no form template here has" &&
	test_expect_code_ 1 hcp-scan -q -t ./std2.form -o u2.csv u-1.pgm 2>err2 &&
	test_grep u2.csv.review.csv "no grade marked" && exit $rc || exit 99
'
test_done
