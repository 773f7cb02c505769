#!/bin/sh
# SPDX-License-Identifier: ISC
# Inputs hcp-scan cannot read give a clear message naming the file, and
# the other files are still read: an empty file, text, a truncated PNG,
# a truncated PDF, a TIFF header with nothing behind it, random bytes
# (exit 2); a page with no form QR code, or with a QR code that is not a
# form's, is refused (exit 1), the code's text quoted without its
# control characters.
. "$(dirname "$0")/lib.sh"

setup_station
hcp-form -q -N 1 -o forms.pdf && pdftoppm -r 150 -gray forms.pdf p &&
pdftoppm -r 150 -gray -png forms.pdf png
head -c 3000 png-1.png >cut.png
head -c 2000 forms.pdf >cut.pdf
printf 'II*\000\010\000\000\000' >hdr.tif
: >empty.png
echo "serial,grade" >text.jpg
head -c 4096 /dev/urandom >noise.bin 2>/dev/null ||
	awk 'BEGIN { srand(1); for (i = 0; i < 4096; i++) printf "%c", int(rand() * 256) }' >noise.bin

for f in cut.png cut.pdf hdr.tif empty.png text.jpg noise.bin; do
	test_expect_code 2 "$f: a clear error, the good page still read" "
		hcp-scan -q -o out.csv $f p-1.pgm 2>err; rc=\$?
		cat err && test_grep err '^hcp-scan: $f: ' &&
		! grep -q -i 'leptonica\|poppler' err &&
		test \"\$(grep -c '^[0-9]\{16\},' out.csv.review.csv)\" = 1 &&
		exit \$rc || exit 99
	"
done
test_expect_success 'a page without a form QR code is refused (1)' '
	awk "BEGIN { print \"P2 200 300 255\"; for (i = 0; i < 60000; i++)
	    print 255 }" >white.pgm &&
	{ hcp-scan -q -o w.csv white.pgm 2>err; test $? = 1; } &&
	test_grep err "white.pgm:1: no form QR code found"
'
test_expect_success 'a QR code that is no form'"'"'s is refused (1), its controls as \xHH' '
	qrencode -s 6 -o odd.png "$(printf "x\033]0;pwn\007")" &&
	{ hcp-scan -q -o o.csv odd.png 2>err; test $? = 1; } &&
	test_grep err "odd.png:1: the QR code \"x\\\\x1b\]0;pwn\\\\x07\" is not a form" &&
	! LC_ALL=C grep -q "$(printf "[\033\007]")" err
'
test_done
