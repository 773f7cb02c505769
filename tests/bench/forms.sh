#!/bin/sh
# SPDX-License-Identifier: ISC
#
# forms.sh [DIR] [N]: hcp-form -N N (default 10,000) forms on a fresh
# station, one timed run: pages per second and PDF bytes per page against
# the targets (at least 200 pages/s, at most 30 KB per page; 1 KB = 1024
# bytes).  Then checks the whole PDF the way a person would, every page:
# its top right corner (where the QR is) rasterised with pdftoppm and
# decoded with zbarimg, one QR per page, equal page by page to what the
# ledger recorded; every serial passes an independent Damm check and is
# unique; pdftotext finds the grade words and every serial as text;
# pdffonts shows the fonts embedded.  Run by run.sh (make bench).
set -eu
dir=${1:-${TMPDIR:-/tmp}/hcp-bench/forms}
n=${2:-10000}
bench=$(cd "$(dirname "$0")" && pwd)
: "${HCP_DATADIR:=$bench/../../share}"
export HCP_DATADIR
HCP_OPERATOR=bench
LC_ALL=C.UTF-8
export HCP_OPERATOR LC_ALL

rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
hcp-init -q -d hcp.db --catalog "$HCP_DATADIR/sample"

sync
/usr/bin/time -v -o time.forms hcp-form -q -d hcp.db -N "$n" -o forms.pdf
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' \
	time.forms | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' \
	time.forms)
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.forms)
bytes=$(stat -c %s forms.pdf)
pages=$(pdfinfo forms.pdf | sed -n 's/^Pages: *//p')
awk -v n="$pages" -v w="$wall" -v c="$cpu" -v r="$rss" -v b="$bytes" \
    'BEGIN {
	if (w <= 0)
		w = 0.01
	pps = n / w
	kb = b / n / 1024
	printf("forms: %d pages in %.1f s (%.1f s cpu, %d KB peak): " \
	    "%.0f pages/s (target >= 200: %s), %.2f KB/page " \
	    "(target <= 30: %s)\n", n, w, c, r, pps,
	    (pps >= 200 ? "met" : "NOT MET"), kb,
	    (kb <= 30 ? "met" : "NOT MET"))
}'
test "$pages" = "$n" || { echo "forms: $pages pages, not $n" >&2; exit 1; }

# What the ledger says was printed, in page order.
sqlite3 hcp.db "SELECT 'HCPF:' || serial || ':' || template || ':' ||
    fingerprint FROM forms ORDER BY seq" >want

# Every page: the top right 60 x 50 mm at 150 dpi, 500 pages at a time,
# one pdftoppm and one zbarimg per batch, one batch per processor.
# Prints "page payload" for each QR found.
decode_range() {
	first=$1
	last=$2
	while [ "$first" -le "$last" ]; do
		to=$((first + 499))
		[ "$to" -le "$last" ] || to=$last
		d=qr.$first
		mkdir "$d"
		pdftoppm -r 150 -gray -x 886 -y 0 -W 354 -H 295 \
		    -f "$first" -l "$to" forms.pdf "$d/p"
		zbarimg --xml -q "$d"/*.pgm 2>/dev/null |
		    sed -n -e "s/^<source href='[^']*p-0*\([0-9]*\)\.pgm'>.*/P \1/p" \
			-e 's/.*<data><!\[CDATA\[\(.*\)\]\]><\/data>.*/D \1/p' |
		    awk '$1 == "P" { p = $2 } $1 == "D" { print p, $2 }' \
		    >"$d.out" || true
		rm -rf "$d"
		first=$((to + 1))
	done
}

t0=$(date +%s.%N)
jobs=$(nproc 2>/dev/null || echo 1)
per=$(((n + jobs - 1) / jobs))
j=0
while [ "$j" -lt "$jobs" ]; do
	a=$((j * per + 1))
	b=$(((j + 1) * per))
	[ "$b" -le "$n" ] || b=$n
	[ "$a" -gt "$n" ] || decode_range "$a" "$b" &
	j=$((j + 1))
done
wait
cat qr.*.out | sort -n -k1,1 >decoded
rm -f qr.*.out
t1=$(date +%s.%N)

ok=yes
qrs=$(wc -l <decoded)
pages_with=$(cut -d' ' -f1 decoded | uniq | wc -l)
if [ "$qrs" != "$n" ] || [ "$pages_with" != "$n" ]; then
	echo "forms: $qrs QR codes decoded on $pages_with of $n pages" >&2
	ok=no
fi
cut -d' ' -f2 decoded >got
if ! cmp -s want got; then
	echo "forms: decoded payloads differ from the ledger:" >&2
	diff want got | head -n 5 >&2
	ok=no
fi
cut -d: -f2 want >serials
bad=$(awk 'BEGIN {
	split("0317598642 7092154863 4206871359 1750983426 " \
	    "6123045978 3674209581 5869720134 8945362017 " \
	    "9438617205 2581436790", row, " ")
}
{
	i = 0
	if (length($0) != 16 || $0 !~ /^[0-9]+$/) { bad++; next }
	for (k = 1; k <= 16; k++)
		i = substr(row[i + 1], substr($0, k, 1) + 1, 1) + 0
	if (i != 0)
		bad++
}
END { print bad + 0 }' serials)
dups=$(sort serials | uniq -d | wc -l)
if [ "$bad" != 0 ] || [ "$dups" != 0 ]; then
	echo "forms: $bad serials fail their check digit, $dups repeat" >&2
	ok=no
fi
if [ $ok = yes ]; then
	res="each as the ledger says; serials check and are unique"
else
	res=FAILED
fi
awk -v q="$qrs" -v p="$pages_with" -v a="$t0" -v b="$t1" -v r="$res" \
    'BEGIN { printf("forms: zbarimg decoded %d QR codes on %d pages in " \
    "%.0f s: %s\n", q, p, b - a, r) }'

# Text: the grade words of the template and every serial, once a page.
pdftotext forms.pdf forms.txt
text=yes
for w in $(sed -n 's/^grades[ 	]*//p' "$HCP_DATADIR/forms/standard.form"); do
	[ "$(grep -c "^$w\$" forms.txt)" = "$n" ] || text=no
done
sed -n 's/^No\. \([0-9-]*\)$/\1/p' forms.txt | tr -d - >printed
cmp -s serials printed || text=no
pdffonts forms.pdf | sed 1,2d | awk '$(NF - 4) != "yes" { bad = 1 }
    END { exit bad }' || text=no
echo "forms: pdftotext finds the grade words and the serial on every page," \
    "fonts embedded: $text"
[ $ok = yes ] && [ $text = yes ]
