#!/bin/sh
# SPDX-License-Identifier: ISC
# hcp-scan against a small generated corpus: forms printed by hcp-form,
# rasterised by pdftoppm at 150 dpi, filled in by tests/scan/scangen
# (ticks, crosses, fills, light pencil, marks over the border, a struck-
# out grade) and degraded (skew, upside down, scale, noise, blur, JPEG
# quality 40, bilevel dithering, a fold, a staple), written as PNG,
# JPEG, multi-page TIFF (G4, LZW) and multi-page PDF.  Every box must be
# read as the truth has it, no row may carry a grade other than the one
# ticked, and exactly the pages with a struck-out grade go to review.
. "$(dirname "$0")/lib.sh"

GEN="$HCP_BUILD/scan/scangen"
EVAL="$HCP_SRC/tests/scan/eval.sh"

setup_station
hcp-form -q -N 8 -o forms.pdf && pdftoppm -r 150 -gray forms.pdf p

# corpus NAME DEGRADATIONS OUT: fills in and degrades the 8 pages, scans
# them and holds the result against the truth.
corpus() {
	mkdir -p "$1" &&
	"$GEN" -s "$4" -g "$2" -o "$1/$3" p-*.pgm >"$1/truth" &&
	{ hcp-scan -q -o "$1/out.csv" --boxes "$1/boxes" "$1"/*.* \
		2>"$1/err"; echo $? >"$1/rc"; } &&
	sh "$EVAL" "$1/truth" "$1/boxes" "$1/out.csv" >"$1/eval" &&
	cat "$1/eval" && cat "$1/err" &&
	grep -q "boxes 184 right 184 pct 100.000 pages 8 review [0-9]* wrong_grades 0 missing 0" "$1/eval" &&
	want=$(grep -c "^G .* ?$" "$1/truth" || :) &&
	grep -q "review $want " "$1/eval" &&
	if [ "$want" = 0 ]; then test "$(cat "$1/rc")" = 0; \
	else test "$(cat "$1/rc")" = 1; fi
}

test_expect_success 'clean PNG pages: every box right' '
	corpus clean "" "%d.png" 1
'
test_expect_success 'skewed up to 5 degrees, noisy, JPEG' '
	corpus rot rot,noise "%d.jpg" 2
'
test_expect_success 'fed upside down, blurred' '
	corpus r180 r180,blur "%d.png" 3
'
test_expect_success 'scaled by up to 3%, JPEG quality 40, in one PDF' '
	corpus scale scale,jpeg "all.pdf" 4
'
test_expect_success 'bilevel (dithered), G4 multi-page TIFF' '
	corpus dither dither "all.tif" 5 &&
	test "$(grep -c "^dither/all.tif	" dither/boxes)" = 184
'
test_expect_success 'a fold line and a staple shadow, LZW TIFF' '
	corpus fold fold,staple,rot "all.tif" 6
'
test_expect_success 'a PDF as hcp-form wrote it (vector, blank forms)' '
	hcp-scan -q -o blank.csv --boxes blank.boxes forms.pdf 2>err;
	test $? = 1 &&
	test "$(grep -c "	empty	" blank.boxes)" = 184 &&
	test "$(grep -c "no grade marked" blank.csv.review.csv)" = 8
'
test_expect_success 'rows carry serial, grade word and answers' '
	"$GEN" -s 9 -c 0 -o "one-%d.png" p-1.pgm >one.truth &&
	hcp-scan -q -o one.csv one-1.png &&
	s=$(sqlite3 hcp.db "SELECT serial FROM forms ORDER BY seq LIMIT 1") &&
	g=$(sed -n "s/^G .* //p" one.truth) &&
	case $g in 5) w=非常满意 ;; 4) w=满意 ;; 3) w=基本满意 ;;
	2) w=不满意 ;; 1) w=非常不满意 ;; esac &&
	sed -n 2p one.csv | grep "^$s,.*,$w," &&
	test "$(wc -l <one.csv)" = 2
'
test_done
