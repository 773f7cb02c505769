#!/bin/sh
# SPDX-License-Identifier: ISC
# hcp-form's printed forms, checked as a person would: every page is
# rasterised (pdftoppm) and its QR decoded (zbarimg); each page has
# exactly one QR, holding the serial, template and layout fingerprint the
# ledger recorded for that page, in issue order; every serial passes an
# independent Damm check and is unique; --reprint prints the same
# serials and issues none; pdftotext finds the grade words, the serial,
# the hall and the notice as text, in an embedded font; -q silences the
# progress count.
. "$(dirname "$0")/lib.sh"

# Damm check of 16 digits, computed here independently of the tools.
damm_ok() {
	awk -v s="$1" 'BEGIN {
		split("0317598642 7092154863 4206871359 1750983426 " \
		    "6123045978 3674209581 5869720134 8945362017 " \
		    "9438617205 2581436790", row, " ")
		if (length(s) != 16 || s !~ /^[0-9]+$/) exit 1
		i = 0
		for (k = 1; k <= 16; k++)
			i = substr(row[i + 1], substr(s, k, 1) + 1, 1) + 0
		exit (i != 0)
	}'
}

# decode PDF: rasterises every page (grey, 150 dpi: PGM is as good as
# PNG for zbarimg and much faster to write) and prints the QR payloads
# of the pages in page order; fails unless each page has exactly one.
decode() {
	rm -rf "pages.$1" && mkdir "pages.$1" &&
	pdftoppm -r 150 -gray "$1" "pages.$1/p" || return 1
	n=$(pdfinfo "$1" | sed -n "s/^Pages: *//p")
	test "$(ls "pages.$1" | wc -l)" = "$n" || return 1
	for p in $(ls "pages.$1" | sort -V); do
		zbarimg --raw -q "pages.$1/$p" >qr 2>/dev/null
		if [ "$(wc -l <qr)" != 1 ]; then
			echo "$1: $p: $(wc -l <qr) QR codes" >&2
			return 1
		fi
		cat qr
	done
}

# expect FROM: the payloads the ledger says were printed, rows after
# sequence number FROM, in issue order.
expect() {
	sqlite3 hcp.db "SELECT 'HCPF:' || serial || ':' || template || ':' ||
	    fingerprint FROM forms WHERE seq > $1 ORDER BY seq"
}

maxseq() {
	sqlite3 hcp.db "SELECT coalesce(max(seq), 0) FROM forms"
}

# grouped SERIAL: as the tools print it, 330523-01-0000001-1
grouped() {
	echo "$1" | sed "s/^\(......\)\(..\)\(.......\)\(.\)\$/\1-\2-\3-\4/"
}

setup_station

test_expect_success 'hcp-form -N 6 writes six pages' '
	hcp-form -N 6 -o f.pdf &&
	test "$(pdfinfo f.pdf | sed -n "s/^Pages: *//p")" = 6
'

test_expect_success 'every page has one QR: the ledger serials in order' '
	decode f.pdf >f.qr &&
	test $(wc -l <f.qr) = 6 &&
	sqlite3 hcp.db "SELECT serial FROM forms ORDER BY seq" >f.ledger &&
	cut -d: -f2 f.qr >f.serials && test_cmp f.ledger f.serials
'

test_expect_success 'each QR is HCPF:serial:STD-1:fingerprint of the ledger' '
	! grep -v "^HCPF:[0-9]\{16\}:STD-1:[0-9A-F]\{8\}$" f.qr &&
	expect 0 >f.want && test_cmp f.want f.qr &&
	test "$(sqlite3 hcp.db "SELECT DISTINCT template, fingerprint
	    FROM forms")" = "$(cut -d: -f3,4 f.qr | sort -u | tr : "|")"
'

test_expect_success 'the fingerprint is the one printed at the foot' '
	pdftotext -layout f.pdf f.txt &&
	fp=$(head -n 1 f.qr | cut -d: -f4) &&
	test $(grep -c "STD-1  *$fp" f.txt) = 6
'

test_expect_success 'every serial passes its Damm check' '
	for s in $(cat f.serials); do
		damm_ok $s || { echo "bad check digit: $s"; exit 1; }
	done &&
	damm_ok 3305230100000011 && ! damm_ok 3305230100000012
'

test_expect_success 'pdftotext: the grade words of the template' '
	sed -n "s/^grades[ 	]*//p" "$HCP_DATADIR/forms/standard.form" \
	    >grades &&
	test "$(cat grades)" = "非常满意 满意 基本满意 不满意 非常不满意" &&
	pdftotext f.pdf plain.txt &&
	for w in $(cat grades); do
		test $(grep -c "^$w\$" plain.txt) = 6 ||
		    { echo "grade $w"; exit 1; }
	done
'

test_expect_success 'pdftotext: each page shows its serial, grouped' '
	sed -n "s/^No\. \([0-9-]*\)$/\1/p" plain.txt >printed &&
	test $(wc -l <printed) = 6 &&
	! grep -v "^[0-9]\{6\}-[0-9]\{2\}-[0-9]\{7\}-[0-9]$" printed &&
	tr -d - <printed >printed.bare && test_cmp f.serials printed.bare
'

test_expect_success 'pdftotext: the hall and the notice are text' '
	hall=$(sqlite3 hcp.db "SELECT value FROM settings WHERE key = '\''hall'\''") &&
	test -n "$hall" &&
	test $(grep -c "^$hall\$" plain.txt) = 6 &&
	sed -n "s/^notice[ 	]*//p" "$HCP_DATADIR/forms/standard.form" |
	    tr -d " " >notice &&
	grep -q "评价自愿" notice && grep -q "不会向第三方提供" notice &&
	tr -d " \n" <plain.txt >flat.txt &&
	test $(grep -o "$(cat notice)" flat.txt | wc -l) = 6
'

test_expect_success 'pdffonts: every font is embedded, Chinese as CID' '
	pdffonts f.pdf >fonts &&
	test $(sed 1,2d fonts | wc -l) -ge 1 &&
	sed 1,2d fonts | awk "\$(NF - 4) != \"yes\" { bad = 1 }
	    END { exit bad }" &&
	grep -q "CID .*Identity-H  *yes" fonts
'

test_expect_success 'A5: three pages, STD5-1, as the ledger says' '
	from=$(maxseq) &&
	hcp-form -t standard-a5 -N 3 -o a5.pdf &&
	pdfinfo a5.pdf | grep -q "^Page size: *419\.[0-9]* x 595\.[0-9]* pts" &&
	decode a5.pdf >a5.qr &&
	! grep -v "^HCPF:[0-9]\{16\}:STD5-1:[0-9A-F]\{8\}$" a5.qr &&
	expect $from >a5.want && test_cmp a5.want a5.qr &&
	test "$(cut -d: -f4 a5.qr | sort -u)" != "$(cut -d: -f4 f.qr | sort -u)" &&
	pdftotext a5.pdf a5.txt &&
	for w in $(cat grades); do grep -q "^$w\$" a5.txt || exit 1; done
'

test_expect_success '-w: the window is in the ledger and on the page' '
	from=$(maxseq) &&
	hcp-form -w B03 -N 3 -o w.pdf &&
	decode w.pdf >w.qr &&
	expect $from >w.want && test_cmp w.want w.qr &&
	test "$(sqlite3 hcp.db "SELECT DISTINCT window_id FROM forms
	    WHERE seq > $from")" = B03 &&
	name=$(sqlite3 hcp.db "SELECT name FROM windows WHERE id = '\''B03'\''") &&
	pdftotext w.pdf w.txt &&
	test $(grep -c "$name" w.txt) = 3
'

test_expect_success 'all serials printed so far are unique and check' '
	cat f.qr a5.qr w.qr | cut -d: -f2 >all &&
	test $(wc -l <all) = 12 &&
	sort all | uniq -d >dups && ! test -s dups &&
	for s in $(cat all); do damm_ok $s || exit 1; done
'

test_expect_success '--reprint: the same serials, nothing new issued' '
	n0=$(sqlite3 hcp.db "SELECT count(*), max(seq) FROM forms") &&
	s2=$(sed -n 2p f.serials) &&
	g5=$(sed -n 5p printed) &&
	ws=$(sed -n 1p w.qr | cut -d: -f2) &&
	hcp-form -o r.pdf --reprint $s2 $g5 $ws &&
	test "$(sqlite3 hcp.db "SELECT count(*), max(seq) FROM forms")" = "$n0" &&
	decode r.pdf >r.qr &&
	{ sed -n 2p f.qr; sed -n 5p f.qr; sed -n 1p w.qr; } >r.want &&
	test_cmp r.want r.qr &&
	pdftotext r.pdf r.txt &&
	test_grep r.txt "^No\. $g5\$" &&
	name=$(sqlite3 hcp.db "SELECT name FROM windows WHERE id = '\''B03'\''") &&
	test $(grep -c "$name" r.txt) = 1
'

test_expect_code 1 '--reprint of a voided serial prints nothing' '
	s3=$(sed -n 3p f.serials) &&
	hcp-form --void $s3 &&
	hcp-form -o r2.pdf --reprint $(sed -n 4p f.serials) $s3 2>err; rc=$?
	test_grep err "voided" && ! test -e r2.pdf && exit $rc || exit 99
'

test_expect_code 1 '--reprint with another template prints nothing' '
	hcp-form -t standard-a5 -o r3.pdf --reprint $(sed -n 4p f.serials) \
	    2>err; rc=$?
	test_grep err "STD-1" && ! test -e r3.pdf && exit $rc || exit 99
'

test_expect_success 'an output that cannot be made issues no serial (2)' '
	n0=$(sqlite3 hcp.db "SELECT count(*), max(seq) FROM forms") &&
	mkdir adir &&
	test_expect_code_ 2 hcp-form -N 3 -o adir 2>err &&
	test_grep err "adir: Is a directory" &&
	test_expect_code_ 2 hcp-form -N 3 -o no-such-dir/f.pdf 2>err &&
	test_grep err "no-such-dir/f.pdf: No such file or directory" &&
	test "$(sqlite3 hcp.db "SELECT count(*), max(seq) FROM forms")" = "$n0"
'

test_expect_success 'a PDF that fails half way names the serials left issued (2)' '
	from=$(maxseq) &&
	test_expect_code_ 2 hcp-form -N 2 -o /dev/full 2>err &&
	a=$(sqlite3 hcp.db "SELECT serial FROM forms WHERE seq = $from + 1") &&
	b=$(sqlite3 hcp.db "SELECT serial FROM forms WHERE seq = $from + 2") &&
	test_grep err "serials $(grouped $a) to $(grouped $b) stay issued" &&
	test "$(maxseq)" = $((from + 2))
'

test_expect_success '-o - writes the PDF to standard output' '
	from=$(maxseq) &&
	hcp-form -N 1 -o - >out.pdf &&
	decode out.pdf >out.qr && expect $from >out.want &&
	test_cmp out.want out.qr
'

# A terminal for stderr, where there is one to be had (script(1), a pty).
if script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	test_expect_success 'a run of 200 shows a progress count on a terminal' '
		script -qec "hcp-form -N 200 -o big.pdf" /dev/null \
		    </dev/null >tty.out &&
		grep -q "200/200" tty.out
	'

	test_expect_success '-q: no progress count, nothing on the terminal' '
		script -qec "hcp-form -q -N 200 -o big.pdf" /dev/null \
		    </dev/null >tty.out &&
		! test -s tty.out &&
		test "$(pdfinfo big.pdf | sed -n "s/^Pages: *//p")" = 200
	'
fi

test_expect_success '-q prints nothing on standard error' '
	hcp-form -q -N 2 -o q.pdf 2>err && ! test -s err &&
	hcp-form -q -o q2.pdf --reprint $(sed -n 1p f.serials) 2>err &&
	! test -s err
'

# A county's own template with a heading longer than its line: the text
# is set smaller and cut rather than printed over the grade boxes under
# it, which a scan would then read as ticked on a blank form.
test_expect_success 'a heading too long for its line is not printed over the boxes' '
	heading=$(printf "总体评价%.0s" $(seq 1 40)) &&
	sed "s/^section  一.*/section  一、$heading/; s/^template STD 1/template LONG 1/" \
		"$HCP_DATADIR/forms/standard.form" >long.form &&
	hcp-form -t ./long.form -N 2 -o long.pdf 2>err &&
	test "$(grep -c "too long for its line" err)" = 1 &&
	test_grep err "warning: a text of the form is too long for its line, and is cut: \"一、总体评价总体评价" &&
	test_expect_code_ 1 hcp-scan -q -t ./long.form -o long.csv \
		--boxes long.boxes long.pdf &&
	test "$(wc -l <long.boxes)" = 46 &&
	awk -F "	" "\$6 != \"empty\"" long.boxes >inked &&
	! test -s inked
'

test_done
