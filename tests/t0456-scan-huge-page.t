#!/bin/sh
# SPDX-License-Identifier: ISC
# A file whose header asks for a page larger than hcp-scan reads (120
# million pixels) is refused from its header, with the size it asked
# for, before anything is allocated for it; the other files are still
# read (exit 2): a PNG and a TIFF of 60000 x 60000 pixels, and a PDF
# page of 99999 points square (a malformed MediaBox).
. "$(dirname "$0")/lib.sh"

setup_station
hcp-form -q -N 1 -o forms.pdf && pdftoppm -r 150 -gray forms.pdf p &&
pdftoppm -r 20 -gray -png forms.pdf small
# the IHDR width and height of a real PNG made 60000 (0xEA60)
{ head -c 16 small-1.png; printf '\000\000\352\140\000\000\352\140';
  tail -c +25 small-1.png; } >huge.png
# a TIFF directory: 60000 x 60000, 8 bits grey, one strip
{ printf 'II*\000\010\000\000\000\010\000'
  printf '\000\001\004\000\001\000\000\000\140\352\000\000'
  printf '\001\001\004\000\001\000\000\000\140\352\000\000'
  printf '\002\001\003\000\001\000\000\000\010\000\000\000'
  printf '\003\001\003\000\001\000\000\000\001\000\000\000'
  printf '\006\001\003\000\001\000\000\000\001\000\000\000'
  printf '\021\001\004\000\001\000\000\000\200\000\000\000'
  printf '\026\001\004\000\001\000\000\000\140\352\000\000'
  printf '\027\001\004\000\001\000\000\000\000\020\000\000'
  printf '\000\000\000\000'; head -c 4096 /dev/zero; } >huge.tif
sed 's|MediaBox \[ 0 0 595.275591 841.889764 \]|MediaBox [ 0 0 99999.9999 99999.9999 ]|' \
    forms.pdf >huge.pdf

test_expect_code 2 'a PNG asking for 60000 x 60000 pixels' '
	hcp-scan -q -o a.csv huge.png p-1.pgm 2>err; rc=$?
	cat err && test_grep err "^hcp-scan: huge.png: page 1: the image is 60000 x 60000 pixels, more than the 120 million a page may have$" &&
	test "$(grep -c "^[0-9]\{16\}," a.csv.review.csv)" = 1 && exit $rc || exit 99
'
test_expect_code 2 'a TIFF asking for 60000 x 60000 pixels' '
	hcp-scan -q -o b.csv huge.tif p-1.pgm 2>err; rc=$?
	cat err && test_grep err "^hcp-scan: huge.tif: page 1: the image is 60000 x 60000 pixels" &&
	test "$(grep -c "^[0-9]\{16\}," b.csv.review.csv)" = 1 && exit $rc || exit 99
'
test_expect_code 2 'a PDF page of 99999 points square' '
	grep -a -q "MediaBox \[ 0 0 99999" huge.pdf &&
	hcp-scan -q -o c.csv huge.pdf p-1.pgm 2>err; rc=$?
	cat err && test_grep err "^hcp-scan: huge.pdf: page 1: has an unusable size (100000 x 100000 points at 200 dpi)" &&
	test "$(grep -c "^[0-9]\{16\}," c.csv.review.csv)" = 1 && exit $rc || exit 99
'
test_done
