#!/bin/sh
# SPDX-License-Identifier: ISC
# eval.sh TRUTH BOXES CSV: holds what hcp-scan read (--boxes file BOXES,
# output CSV) against the ground truth scangen printed.  Prints one line:
#   boxes N right R pct P pages N review N wrong_grades N missing N
# wrong_grades counts pages written to CSV with a grade that is not the
# one ticked; missing counts boxes of the truth that were not measured.
awk -F'\t' -v T="$1" -v C="$3" '
BEGIN {
	while ((getline l < T) > 0) {
		split(l, a, " ")
		if (a[1] == "B") { truth[a[2] " " a[3] " " a[4]] = a[5]; nt++ }
		else grade[a[2] " " a[3]] = a[4]
	}
	FS = ","
	while ((getline l < C) > 0) {
		split(l, a, ",")
		sub(/^\357\273\277/, "", a[1])
		csvg[a[1]] = a[6]
	}
	FS = "\t"
	w["非常满意"] = 5; w["满意"] = 4; w["基本满意"] = 3
	w["不满意"] = 2; w["非常不满意"] = 1
}
{
	k = $1 " " $2 " " $4
	n++
	if (truth[k] == $6) ok++
	else if (bad++ < 10)
		print "# box " k ": truth " truth[k] ", read " $6 " " $7 " " $8
	serial[$1 " " $2] = $3
}
END {
	for (p in serial) {
		pages++
		s = serial[p]
		if (s in csvg) {
			if (w[csvg[s]] != grade[p]) {
				wrong++
				print "# page " p ": grade " grade[p] ", read " csvg[s]
			}
		} else review++
	}
	printf "boxes %d right %d pct %.3f pages %d review %d wrong_grades %d missing %d\n",
	    n, ok, n ? 100 * ok / n : 0, pages, review, wrong, nt - n
}' "$2"
