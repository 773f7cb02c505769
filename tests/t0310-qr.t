#!/bin/sh
# SPDX-License-Identifier: ISC
# hcp-qr's window codes, checked as a person would: each label of the
# PDF sheet is found by its printed prompt and caption (pdftotext
# -bbox), rasterised (pdftoppm) and scanned (zbarimg), in reading order;
# every code holds the URL hcp-qr lists for its window, verifies, and
# carries a tag equal to HMAC-SM3 computed with openssl; a changed host,
# parameter or tag does not verify; pdftotext shows the Chinese text;
# posters, PNG, SVG (rasterised here from its path) and the UTF-8 art
# scan too; retired and unknown windows are refused.
. "$(dirname "$0")/lib.sh"

SOURCE_DATE_EPOCH=1795000000
export SOURCE_DATE_EPOCH
setup_station
export HCP_DB="$PWD/hcp.db"

# labels PDF: one line per label, "page x y w h" in pixels at 150 dpi:
# the square between the prompt 请扫码评价 and the caption under the
# code, centred on the prompt, in reading order.
labels() {
	pdftotext -bbox "$1" - | sed -n '
		/<page /s/.*/PAGE/p
		s/.*xMin="\([0-9.]*\)" yMin="\([0-9.]*\)" xMax="\([0-9.]*\)" yMax="\([0-9.]*\)">请扫码评价<.*/P \1 \2 \3 \4/p
		s/.*xMin="\([0-9.]*\)" yMin="\([0-9.]*\)" xMax="\([0-9.]*\)" yMax="\([0-9.]*\)">窗口编号<.*/C \1 \2 \3 \4/p' |
	awk -v k=$((150)) '
		$1 == "PAGE" { page++; np = 0; next }
		$1 == "P" { np++; px[np] = ($2 + $4) / 2; pb[np] = $5; next }
		$1 == "C" {
			# the prompt above this caption: same column, nearest
			best = 0
			for (i = 1; i <= np; i++)
				if (pb[i] < $3 && (best == 0 || pb[i] > pb[best]) &&
				    px[i] - $2 < 60 && $2 - px[i] < 60)
					best = i
			if (best == 0) { print "caption without prompt" >"/dev/stderr"; exit 1 }
			s = k / 72; h = $3 - pb[best]
			printf "%d %d %d %d %d\n", page, (px[best] - h / 2) * s,
			    pb[best] * s, h * s, h * s
		}'
}

# scan_labels PDF: the payload of every label, in reading order; fails
# unless each label has exactly one code.
scan_labels() {
	labels "$1" >boxes || return 1
	test -s boxes || return 1
	while read -r p x y w h; do
		pdftoppm -r 150 -gray -f $p -l $p -x $x -y $y -W $w -H $h \
		    "$1" crop || return 1
		zbarimg --raw -q crop*.pgm >one 2>/dev/null
		rm -f crop*.pgm
		if [ "$(wc -l <one)" != 1 ]; then
			echo "$1: page $p at $x,$y: $(wc -l <one) codes" >&2
			return 1
		fi
		cat one
	done <boxes
}

# scan_pages PDF: the payload of each page (one code a page).
scan_pages() {
	rm -rf pg && mkdir pg && pdftoppm -r 100 -gray "$1" pg/p || return 1
	for f in $(ls pg | sort -V); do
		zbarimg --raw -q "pg/$f" >one 2>/dev/null
		test "$(wc -l <one)" = 1 || { echo "$f: not one code" >&2; return 1; }
		cat one
	done
}

# tag_of URL: HMAC-SM3 over "HCPW1\n" and the URL up to [?&]tag=, with
# the station secret, by openssl: the first 16 hex digits.
tag_of() {
	printf 'HCPW1\n%s' "${1%[?&]tag=*}" |
	openssl mac -digest SM3 -macopt hexkey:$(cat hcp.db.qr.secret) HMAC |
	cut -c1-16 | tr A-F a-f
}

test_expect_success 'list: one line per window, id, check code, URL' '
	hcp-qr --all -T list >list &&
	test $(wc -l <list) = 12 &&
	sqlite3 hcp.db "SELECT id FROM windows ORDER BY id" >ids &&
	cut -f1 list >list.ids && test_cmp ids list.ids &&
	! grep -v "^[A-Z0-9]*	[0-9A-F]\{4\}-[0-9A-F]\{4\}	https://zwfw\.example\.gov\.cn/hcp/pj?area=330523&dept=[0-9A-Z]*&win=[A-Z0-9]*&staff=&item=&tag=[0-9a-f]\{16\}$" list &&
	cut -f3 list >urls &&
	grep -q "dept=11330523MB1D29376Q&win=A05&" urls &&
	grep -q "dept=&win=A01&" urls
'

test_expect_success 'every tag is HMAC-SM3 of the URL (openssl), check code its head' '
	while IFS="	" read -r id check url; do
		t=$(tag_of "$url") &&
		test "${url##*tag=}" = "$t" &&
		test "$check" = "$(echo $t | cut -c1-8 | tr a-f A-F |
		    sed "s/..../&-/")" || { echo "$id"; exit 1; }
	done <list
'

test_expect_success 'sheet: every label scans, in order, to its window URL' '
	hcp-qr --all -o sheet.pdf &&
	test "$(pdfinfo sheet.pdf | sed -n "s/^Pages: *//p")" = 1 &&
	pdfinfo sheet.pdf | grep -q "^Page size: *595\.[0-9]* x 841\.[0-9]* pts" &&
	scan_labels sheet.pdf >sheet.qr &&
	test_cmp urls sheet.qr
'

test_expect_success 'every scanned code verifies: genuine, its window' '
	hcp-qr verify $(cat sheet.qr) >v.out &&
	sqlite3 -separator "	" hcp.db \
	    "SELECT '\''genuine'\'', id, name FROM windows ORDER BY id" >v.want &&
	test_cmp v.want v.out
'

test_expect_code 1 'a changed window parameter does not verify' '
	u=$(sed -n 1p sheet.qr) &&
	hcp-qr verify "$(echo "$u" | sed "s/win=A01/win=A02/")" >out; rc=$?
	grep -q "^forged or altered	" out && exit $rc || exit 99
'

test_expect_code 1 'a changed host does not verify' '
	hcp-qr verify "$(sed -n 5p sheet.qr | sed "s/zwfw/zwfx/")"
'

test_expect_code 1 'a changed tag digit does not verify' '
	u=$(sed -n 7p sheet.qr) &&
	last=$(echo "$u" | sed "s/.*\(.\)$/\1/") &&
	if [ "$last" = 0 ]; then new=1; else new=0; fi &&
	hcp-qr verify "${u%?}$new"
'

test_expect_code 1 'one bad text among good ones fails the lot' '
	hcp-qr -q verify $(sed -n 1,3p sheet.qr) \
	    "$(sed -n 4p sheet.qr | sed "s/dept=/dept=X/")" >out; rc=$?
	! test -s out && exit $rc || exit 99
'

test_expect_code 1 'a text that is no window code' '
	hcp-qr verify "hello world" >out; rc=$?
	grep -q "^not a window code	hello world" out && exit $rc || exit 99
'

test_expect_success 'the printed id and check code verify, forms a clerk types' '
	check=$(sed -n 3p list | cut -f2) &&
	hcp-qr verify "A03 · $check" "A03 $check" "A03:$check" \
	    "A03 $(echo $check | tr -d - | tr A-F a-f)" >out &&
	test $(grep -c "^genuine	A03	" out) = 4 &&
	test_expect_code_ 1 hcp-qr verify "A04 $check" &&
	test_expect_code_ 1 hcp-qr verify "A03 x $check"
'

test_expect_code 2 'verify without the QR secret is an error, not a verdict' '
	cp hcp.db other.db &&
	hcp-qr -d other.db verify "$(sed -n 1p sheet.qr)" 2>err; rc=$?
	test_grep err "other.db.qr.secret" && exit $rc || exit 99
'

test_expect_success 'pdftotext: prompt, hall, names, id and check code' '
	pdftotext sheet.pdf sheet.txt &&
	test $(grep -c "^请扫码评价$" sheet.txt) = 12 &&
	test $(grep -c "^安吉县政务服务中心一楼大厅$" sheet.txt) = 12 &&
	test $(grep -c "^窗口编号 · 校验码$" sheet.txt) = 12 &&
	sqlite3 hcp.db "SELECT name FROM windows ORDER BY id" >names &&
	while read -r n; do
		test $(grep -c "^$n$" sheet.txt) = 1 || { echo "$n"; exit 1; }
	done <names &&
	while IFS="	" read -r id check url; do
		grep -q "^$id · $check$" sheet.txt || { echo "$id"; exit 1; }
	done <list
'

test_expect_success 'pdffonts: the Chinese font is embedded' '
	pdffonts sheet.pdf >fonts &&
	sed 1,2d fonts | awk "\$(NF - 4) != \"yes\" { bad = 1 } END { exit bad }" &&
	grep -q "CID .*Identity-H  *yes" fonts
'

test_expect_success 'the same catalogue gives the same PDF' '
	hcp-qr --all -o again.pdf && cmp sheet.pdf again.pdf
'

test_expect_success 'a bigger side: fewer labels a page, still scanning' '
	hcp-qr --all --size 60 --level H -o big.pdf &&
	test "$(pdfinfo big.pdf | sed -n "s/^Pages: *//p")" = 3 &&
	scan_labels big.pdf >big.qr && test_cmp urls big.qr
'

test_expect_success 'posters: one window a page, in the order asked' '
	hcp-qr -T poster -w B03 -w A01 -o poster.pdf &&
	test "$(pdfinfo poster.pdf | sed -n "s/^Pages: *//p")" = 2 &&
	scan_pages poster.pdf >poster.qr &&
	{ grep "&win=B03&" urls; grep "&win=A01&" urls; } >poster.want &&
	test_cmp poster.want poster.qr &&
	pdftotext poster.pdf poster.txt &&
	grep -q "^不动产登记窗口$" poster.txt && grep -q "^请扫码评价$" poster.txt
'

test_expect_success '-o - writes the PDF to standard output' '
	hcp-qr -w B05 -o - >out.pdf &&
	scan_labels out.pdf >out.qr && grep "&win=B05&" urls >out.want &&
	test_cmp out.want out.qr
'

test_expect_success 'png: one window to a file, 4 pixels a module' '
	hcp-qr -w A06 -T png -o a06.png &&
	zbarimg --raw -q a06.png >a06.qr 2>/dev/null &&
	grep "&win=A06&" urls >a06.want && test_cmp a06.want a06.qr &&
	hcp-qr -w A06 -T png --size 2 --margin 1 -o small.png &&
	zbarimg --raw -q small.png >small.qr 2>/dev/null &&
	test_cmp a06.want small.qr &&
	w=$(od -An -tu1 -j16 -N4 a06.png | awk "{ print \$3 * 256 + \$4 }") &&
	s=$(od -An -tu1 -j16 -N4 small.png | awk "{ print \$3 * 256 + \$4 }") &&
	test $((w / 4 - 8)) = $((s / 2 - 2))
'

test_expect_success 'png --all: a directory of files named by window' '
	hcp-qr --all -T png -o png &&
	ls png >files && sed "s/$/.png/" ids >files.want &&
	test_cmp files.want files &&
	for id in $(cat ids); do
		zbarimg --raw -q png/$id.png 2>/dev/null
	done >png.qr &&
	test_cmp urls png.qr
'

test_expect_code 2 'png for several windows needs a directory' '
	hcp-qr -w A01 -w A02 -T png -o - >out
'

# svg2pbm: the dark path of an SVG, each "M x y L ... Z" a rectangle,
# as a plain PBM of the SVG's size.
svg2pbm() {
	sed 's/>[[:space:]]*</>\n</g' "$1" |
	sed -n 's/.*<svg[^>]* width="\([0-9]*\)px" height="\([0-9]*\)px".*/S \1 \2/p
		s/.*fill:rgb(0%,0%,0%).* d="\([^"]*\)".*/D \1/p' |
	awk '
	$1 == "S" { w = $2; h = $3; next }
	$1 == "D" {
		for (i = 2; i <= NF; i++) {
			if ($i == "M") { x0 = x1 = $(i + 1); y0 = y1 = $(i + 2); i += 2 }
			else if ($i == "L") {
				x = $(i + 1); y = $(i + 2); i += 2
				if (x < x0) x0 = x; if (x > x1) x1 = x
				if (y < y0) y0 = y; if (y > y1) y1 = y
			} else if ($i == "Z") {
				n++
				for (y = y0; y < y1; y++)
					for (x = x0; x < x1; x++)
						dark[y, x] = 1
			}
		}
	}
	END {
		if (!w || !n) exit 1
		printf "P1\n%d %d\n", w, h
		for (y = 0; y < h; y++) {
			line = ""
			for (x = 0; x < w; x++)
				line = line ((y, x) in dark ? "1" : "0")
			print line
		}
	}'
}

test_expect_success 'svg: one path of dark modules, scans when rasterised' '
	hcp-qr -w B02 -T svg -o b02.svg &&
	head -n 1 b02.svg | grep -q "^<?xml" &&
	grep -q "<svg .*width=\"[0-9]*px\"" b02.svg &&
	test $(grep -c "<path" b02.svg) = 1 &&
	svg2pbm b02.svg >b02.pbm &&
	zbarimg --raw -q b02.pbm >b02.qr 2>/dev/null &&
	grep "&win=B02&" urls >b02.want && test_cmp b02.want b02.qr &&
	hcp-qr --all -T svg -o svg && test $(ls svg/*.svg | wc -l) = 12
'

# utf8 FILE: the art of one code as a PBM, 4 pixels a half block.
utf82pbm() {
	sed 's/█/F/g; s/▀/T/g; s/▄/B/g; s/ /E/g' "$1" | awk '
	{ row[NR] = $0; if (length($0) > w) w = length($0) }
	END {
		printf "P1\n%d %d\n", w * 4, NR * 8
		for (r = 1; r <= NR; r++)
			for (half = 0; half < 2; half++) {
				line = ""
				for (c = 1; c <= w; c++) {
					ch = substr(row[r], c, 1)
					light = ch == "F" || (ch == "T" && half == 0) ||
					    (ch == "B" && half == 1)
					line = line (light ? "0 0 0 0 " : "1 1 1 1 ")
				}
				for (k = 0; k < 4; k++) print line
			}
	}'
}

test_expect_success 'utf8: half blocks, (n + 4) wide, scans' '
	hcp-qr -w A01 -T utf8 >a01.txt &&
	! LC_ALL=C.UTF-8 grep -v "^[█▀▄ ]*$" a01.txt &&
	cols=$(sed "s/█/F/g; s/▀/T/g; s/▄/B/g" a01.txt | awk "{ print length }" | sort -u) &&
	test $(echo "$cols" | wc -l) = 1 &&
	test $(wc -l <a01.txt) = $(((cols + 1) / 2)) &&
	test $((cols - 4)) = $(( $(od -An -tu1 -j16 -N4 png/A01.png |
	    awk "{ print \$3 * 256 + \$4 }") / 4 - 8 )) &&
	utf82pbm a01.txt >a01.pbm &&
	zbarimg --raw -q a01.pbm >a01.qr 2>/dev/null &&
	sed -n 1p urls >a01.want && test_cmp a01.want a01.qr
'

# width FILE: the characters of the first line of UTF-8 art.
width() {
	head -n 1 "$1" | sed "s/█/F/g; s/▀/T/g; s/▄/B/g" | awk "{ print length }"
}

test_expect_success 'utf8: -m 0 and -l change the size as they should' '
	hcp-qr -w A01 -T utf8 --margin 0 >m0.txt &&
	test $(($(width m0.txt) + 4)) = $(width a01.txt) &&
	hcp-qr -w A01 -T utf8 --level L >l.txt && hcp-qr -w A01 -T utf8 --level H >h.txt &&
	test $(width l.txt) -lt $(width h.txt)
'

test_expect_success 'utf8 for several windows: a heading line each' '
	hcp-qr -w A01 -w B06 -T utf8 >two.txt &&
	grep -q "^A01 综合受理1号窗口 [0-9A-F-]*$" two.txt &&
	grep -q "^B06 婚姻登记窗口 [0-9A-F-]*$" two.txt
'

test_expect_code 1 'an unknown window is an error naming it, nothing written' '
	hcp-qr -w A01 -w Z99 -o none.pdf 2>err; rc=$?
	test_grep err "Z99" && ! test -e none.pdf && exit $rc || exit 99
'

test_expect_success 'a retired window: left out of --all, refused by -w' '
	mkdir cat && cp "$SAMPLE"/*.csv "$SAMPLE"/station.conf cat/ &&
	grep -v "^B06," "$SAMPLE/windows.csv" >cat/windows.csv &&
	grep -v ",B06$" "$SAMPLE/staff.csv" >cat/staff.csv &&
	hcp-init -q --catalog cat &&
	test "$(sqlite3 hcp.db "SELECT retired FROM windows WHERE id = '\''B06'\''")" = 1 &&
	hcp-qr --all -T list >list2 && test $(wc -l <list2) = 11 &&
	! grep -q "^B06	" list2 &&
	test_expect_code_ 1 hcp-qr -w B06 -T list 2>err &&
	test_grep err "B06.*retired"
'

test_expect_success 'a retired window: its printed code is genuine, with a warning' '
	u=$(grep "win=B06" sheet.qr) &&
	hcp-qr verify "$u" >out 2>err &&
	test_grep out "^genuine	B06	" &&
	test_grep err "B06 is retired" &&
	hcp-qr -q verify "$u" 2>err && ! test -s err
'

test_expect_success 'a long id and name: the check code is never cut short' '
	id=LONG_WINDOW_ID-12345 &&
	echo "$id,不动产登记与房屋交易税费综合受理一窗通办窗口（含抵押登记、预告登记）," \
	    >>cat/windows.csv &&
	hcp-init -q --catalog cat &&
	hcp-qr -w $id -T list >long.list &&
	hcp-qr -w $id -o long.pdf &&
	pdftotext long.pdf - | tr -d "\n" >long.txt &&
	grep -q "$id · *$(cut -f2 long.list)" long.txt &&
	grep -q "不动产登记与房屋交易" long.txt &&
	scan_labels long.pdf >long.qr &&
	cut -f3 long.list >long.want && test_cmp long.want long.qr
'

test_expect_success 'usage errors exit 2' '
	test_expect_code_ 2 hcp-qr -o x.pdf 2>/dev/null &&
	test_expect_code_ 2 hcp-qr --all -w A01 2>/dev/null &&
	test_expect_code_ 2 hcp-qr --all -T jpeg 2>/dev/null &&
	test_expect_code_ 2 hcp-qr --all --level X 2>/dev/null &&
	test_expect_code_ 2 hcp-qr --all --size 400 2>/dev/null &&
	test_expect_code_ 2 hcp-qr --all -T utf8 --size 3 2>/dev/null &&
	test_expect_code_ 2 hcp-qr verify 2>/dev/null &&
	test_expect_code_ 2 hcp-qr --all verify x 2>/dev/null
'

test_done
