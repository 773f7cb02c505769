#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The sample station end to end: what "make demo" runs.  Usage:
#   demo.sh DIR      (DIR is created afresh; the tools must be on PATH)
#
# A county hall sets up its station, issues numbered paper forms, keys a
# day's forms twice (double entry), checks and imports them (bad rows go
# to a rejects file, a re-import adds nothing), packs a signed batch and
# verifies it as the receiving side would, with hcp and with stock tools.
set -eu
dir=${1:?usage: demo.sh dir}
share=${HCP_DATADIR:-/usr/local/share/hcp}
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
export HCP_DB="$PWD/station.db" HCP_OPERATOR="${HCP_OPERATOR:-demo}"
have() { command -v "$1" >/dev/null 2>&1; }

echo "== hcp init: the sample station (安吉县政务服务中心)"
hcp init --catalog "$share/sample"
hcp init --show | head -n 4
echo "== hcp init again: the same files change nothing"
hcp init --catalog "$share/sample" | tail -n 1

if have hcp-qr; then
	echo "== hcp qr: window QR codes for every window"
	hcp qr --all -o window-qr.pdf && ls -l window-qr.pdf
	hcp qr -w A01 -T utf8 | head -n 3
fi

echo "== hcp form: issue 8 numbered paper forms"
# The forms were printed on 19 November, the day before the citizens
# below filled them in: an evaluation may not predate its form.
printed=1795075200	# 2026-11-19 08:00 UTC
if hcp-form --help 2>/dev/null | grep -q -- '-n count'; then
	SOURCE_DATE_EPOCH=$printed hcp form -N 8 -o forms.pdf &&
		ls -l forms.pdf
	hcp form --status $(sqlite3 station.db "SELECT serial FROM forms") |
		head -n 3
else
	SOURCE_DATE_EPOCH=$printed hcp form --issue 8 >/dev/null
fi
hcp form --csv-template >template.csv

# What the clerk keyed from the eight forms, as Excel saves it (GBK).
# Line 5 has a mistyped serial, line 7 a bad review with no reason.
set -- $(sqlite3 station.db "SELECT serial FROM forms ORDER BY seq")
typo=$(echo "$4" | awk '{ d = substr($0, 16, 1); print substr($0, 1, 15) (d + 1) % 10 }')
item=11330523002572643X200016010000002
{
	head -n 1 template.csv | tr -d '\r'
	cat <<EOT
$1,P-001,$item,A01,AJ0001,5,501,,1,,,,,2026-11-20 09:10,2026-11-20 09:20
$2,P-002,$item,A01,AJ0001,满意,,窗口人员很耐心,1,,,,,2026-11-20 09:30,2026-11-20 09:41
$3,P-003,$item,A02,AJ0003,4,,,2,,,,,2026/11/20 10:05,2026年11月20日 10:15
$typo,P-004,$item,A02,AJ0003,3,,,1,,,,,2026-11-20 10:20,2026-11-20 10:30
$5,P-005,$item,A01,AJ0002,非常满意,,,1,张三,111,11010519491231002X,13800001234,2026-11-20 11:00,2026-11-20 11:05
$6,P-006,$item,A01,AJ0002,2,,,1,,,,,2026-11-20 14:00,2026-11-20 14:30
$7,P-007,$item,A02,AJ0004,1,203,等了一个多小时,1,,,,,2026-11-20 15:00,2026-11-20 16:10
EOT
} | sed 's/^\xef\xbb\xbf//; s/$/\r/' | iconv -f UTF-8 -t GB18030 >keyed.csv
# The second clerk's keying of the same forms differs in one cell.
iconv -f GB18030 -t UTF-8 keyed.csv | sed 's/,P-003,\(.*\),4,/,P-003,\1,5,/' \
	>keyed-2.csv

echo "== hcp compare: double entry finds the cell the clerks disagree on"
hcp compare keyed.csv keyed-2.csv || true

echo "== hcp check: a dry run (exit 1: some rows are invalid)"
hcp check keyed.csv || true

echo "== hcp import: good rows in, bad rows to keyed.rejects.csv"
hcp import keyed.csv || true
echo "-- keyed.csv.rejects.csv (opens in Excel/WPS):"
cat keyed.csv.rejects.csv
echo "== importing the same file again adds nothing"
hcp import keyed.csv || true

echo "== the clerk fixes the rejects file and imports it"
{
	head -n 1 keyed.csv.rejects.csv
	tail -n +2 keyed.csv.rejects.csv |
		sed "s/^$typo,/$4,/; s/,P-006,\(.*\),2,,,/,P-006,\1,2,203,,/"
} >fixed.csv
hcp import fixed.csv
sqlite3 station.db "SELECT count(*) || ' evaluations in the db' FROM evaluations"

echo "== hcp pack: a signed batch for upload"
mkdir -p outbox
hcp pack -o outbox
hcp pack -l
hcp init --print-pubkey >station-pub.pem
echo "== hcp verify, as the receiving side"
hcp verify -k station-pub.pem outbox/*.tar.gz
echo "== the same with stock tools: tar, sha256sum, openssl"
mkdir unpacked
tar -xzf outbox/*.tar.gz -C unpacked
(cd unpacked/* && sha256sum -c --quiet manifest-sha256.txt &&
	openssl dgst -sm3 -verify ../../station-pub.pem \
		-signature signature.sm2 tagmanifest-sm3.txt)

echo "== hcp review: each bad review opened a case"
hcp review
echo "== the return visit and a rectification are recorded"
hcp review -D 2026-11-23 visit P-007/1 reached -s 4 "回访：已致歉，说明了排队原因"
hcp review -D 2026-11-23 rectify P-007/1 term "高峰时段增开一个窗口"
hcp review -o worksheet.pdf sheet P-006/1 && ls -l worksheet.pdf
hcp review show P-007/1 | tail -n 2
echo "== hcp pack: the case events go up in the next batch"
hcp pack -o outbox
hcp verify -k station-pub.pem outbox/hcp-33052301-000002.tar.gz
mkdir unpacked-events
tar -xzf outbox/hcp-33052301-000002.tar.gz -C unpacked-events
(cd unpacked-events/* && sha256sum -c manifest-sha256.txt &&
	openssl dgst -sm3 -verify ../../station-pub.pem \
		-signature signature.sm2 tagmanifest-sm3.txt)
echo "== hcp report: the figures by department and window"
hcp report -b dept,window
echo "== the report as a PDF with charts, a workbook, and the public export"
hcp report -q -b dept,window,month -o report.pdf
hcp report -q -b all -o report.xlsx
hcp report -q --public -b dept,window,month -o public.csv
pdftotext report.pdf - 2>/dev/null | head -n 8 || true
if have hcp-scan && have pdftoppm && [ -f forms.pdf ]; then
	echo "== hcp scan: the eighth form, as a scanner would give it"
	# (rendered from forms.pdf; nobody ticked it, so it goes to review)
	pdftoppm -r 150 -gray -f 8 -l 8 forms.pdf scan
	hcp scan -o scanned.csv scan-*.pgm || true
	cut -d, -f1,6,21- scanned.csv.review.csv
	ls scanned.csv.review.pdf	# its contact sheet: the empty grade boxes
	echo "== the clerk reads the paper: 满意; keys the item and the date"
	awk -F, -v OFS=, -v item=$item 'NR > 1 { $6 = "满意"; $3 = item;
	    $15 = "2026-11-20 16:30" } { print }' scanned.csv.review.csv \
		>decided.csv
	hcp scan -o resolved.csv --resolve decided.csv
	hcp import --scanned resolved.csv
	echo "== the image the record was read from: SHA-256 of the file, page"
	sha256sum scan-*.pgm | cut -c1-16
	cut -d, -f20 resolved.csv | tail -n 1 | cut -c1-16
fi

echo "demo finished in $PWD"
