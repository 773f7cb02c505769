#!/bin/sh
# SPDX-License-Identifier: ISC
#
# qr.sh [DIR]: window QR codes for a station with 1,000 windows.  The
# sample catalogue with windows.csv grown to 1,000 windows (the 12 of the
# sample and 988 more, spread over the sample's departments); then one
# run each of
#   hcp-qr --all -o sheet.pdf          (the A4 label sheet, 63 pages)
#   hcp-qr --all -T png -o png/        (one PNG file per window)
# against what a user would otherwise do: a qrencode loop writing the
# same payloads (from hcp-qr -T list) to PNG files, one process a code,
# at hcp-qr's error correction level (M), so the codes are the same.
# Prints the times and the ratios (target: the sheet >= 10x faster than
# the loop).
set -eu
dir=${1:-${TMPDIR:-/tmp}/hcp-bench/qr}
share=${HCP_DATADIR:-/usr/local/share/hcp}
n=1000
rm -rf "$dir"
mkdir -p "$dir/catalog"
cd "$dir"
dir=$PWD
cp "$share/sample/"*.csv "$share/sample/station.conf" catalog/
depts=$(sed 1d catalog/departments.csv | cut -d, -f1 | tr '\n' ' ')
sed 1d "$share/sample/windows.csv" | wc -l | {
	read -r have
	awk -v n=$n -v have="$have" -v depts="$depts" 'BEGIN {
		nd = split(depts, d, " ")
		for (i = 1; i <= n - have; i++)
			printf "W%04d,第%d号综合窗口,%s\n", i, i,
			    i % 5 == 0 ? "" : d[i % nd + 1]
	}' >>catalog/windows.csv
}
export HCP_DB="$dir/hcp.db"
hcp-init -q --catalog catalog
test "$(hcp-qr --all -T list | wc -l)" -eq $n
hcp-qr --all -T list | cut -f1,3 >payloads

now() { date +%s.%N; }

# The first run after a boot also reads the font and libraries from disk
# (about 0.1 s here); it is shown, and the ratio is of the next run, as
# the loop's processes after its first run find qrencode in memory.
c0=$(now)
hcp-qr --all -o sheet.pdf
t0=$(now)
hcp-qr --all -o sheet.pdf
t1=$(now)
hcp-qr --all -T png -o png
t2=$(now)
mkdir loop
while IFS='	' read -r id url; do
	qrencode -l M -o "loop/$id.png" "$url"
done <payloads
t3=$(now)

# The same codes: qrencode's defaults but for the level, which is hcp-qr's
# (M); a symbol of the same size that scans to the same text.
first=$(sed -n '1s/\t.*//p' payloads)
hcp-qr -w "$first" -T png --size 3 --margin 4 -o one.png
test "$(file -b one.png | cut -d, -f2)" = "$(file -b "loop/$first.png" | cut -d, -f2)"
if command -v zbarimg >/dev/null; then
	test "$(zbarimg -q --raw one.png)" = "$(zbarimg -q --raw "loop/$first.png")"
fi

pages=$(pdfinfo sheet.pdf 2>/dev/null | sed -n 's/^Pages: *//p')
awk -v n=$n -v pages="${pages:-?}" -v a="$t0" -v b="$t1" -v c="$t2" \
    -v d="$t3" -v z="$c0" 'BEGIN {
	sheet = b - a; png = c - b; loop = d - c
	printf "qr: %d windows: hcp-qr sheet, first run %.2f s\n", n, a - z
	printf "qr: %d windows: hcp-qr sheet (%s pages) %.2f s, " \
	    "qrencode loop %.2f s, ratio %.1fx (target >= 10x)\n",
	    n, pages, sheet, loop, loop / sheet
	printf "qr: %d windows: hcp-qr -T png %.2f s, " \
	    "qrencode loop %.2f s, ratio %.1fx\n", n, png, loop, loop / png
}'
