#!/bin/sh
# SPDX-License-Identifier: ISC
#
# import.sh [DIR [N ...]]: hcp-import of a realistic keyed CSV (made by
# gen-keyed.sh, every row valid, every serial issued) against sqlite3's
# own ".import" of the same file into a bare table, which checks
# nothing.  For each size N (default 100000 and 1000000) the two run in
# PAIRS interleaved pairs (default 5; the first of a pair alternates), each
# hcp-import on a fresh copy of the same station db (the copy is not
# timed), so that a machine whose speed drifts weighs on both alike.  It
# prints every pair's times and ratio (hcp-import / sqlite3; at most 1.0
# is the target), the median ratio, and hcp-import's peak memory from
# /usr/bin/time -v (target: at most 64 MB, the same at every size).
# Only the import itself is timed; the serials are issued before.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/hcp-bench-import}
[ $# -gt 0 ] && shift
sizes=${*:-100000 1000000}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795348800}
export TZ=${TZ:-UTC}
mkdir -p "$dir"
cd "$dir"

secs() {
	awk '/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$1"
}
peak_mb() {
	awk '/Maximum resident set size/ { printf "%.1f", $NF / 1024 }' "$1"
}

pairs=${PAIRS:-5}

# run NAME CMD...: CMD under /usr/bin/time -v into NAME.time
run() {
	name=$1
	shift
	sync
	/usr/bin/time -v -o "$name.time" "$@" >/dev/null
}

for n in $sizes; do
	rm -f station.db* run.db* bare.db* serials.txt keyed.csv
	hcp-init -q -d station.db --catalog "${HCP_DATADIR:-$here/../../share}/sample"
	if hcp-form --help 2>/dev/null | grep -q -- '--issue'; then
		# issued 90 days before: gen-keyed.sh dates the forms up
		# to 64 days back, and none may predate its form
		SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH - 7776000)) \
		    hcp-form -d station.db --issue "$n" >serials.txt
	else
		# the ledger rows hcp-form would write, straight into the db
		sh "$here/gen-keyed.sh" -t "$SOURCE_DATE_EPOCH" "$n" |
		    awk -F, 'NR > 1 { s = $1; gsub(/-/, "", s); print s }' \
		    >serials.txt
		awk '{ printf "%s,%d,standard,bench,2026-11-01 08:00:00,bench\n",
		    $1, NR }' serials.txt >forms.csv
		sqlite3 station.db "CREATE TEMP TABLE f (serial, seq,
		    template, fingerprint, issued_at, operator)" \
		    ".import --csv forms.csv f" \
		    "INSERT INTO forms (serial, seq, template, fingerprint,
		    issued_at, operator) SELECT * FROM f"
		rm -f forms.csv
	fi
	sqlite3 station.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	sh "$here/gen-keyed.sh" -s serials.txt "$n" >keyed.csv
	printf '%-9s %4s %12s %14s %7s %14s\n' rows pair "sqlite3 (s)" \
	    "hcp-import (s)" ratio "hcp peak (MB)"
	: >ratios
	i=1
	while [ "$i" -le "$pairs" ]; do
		rm -f run.db* bare.db*
		cp station.db run.db
		for who in $([ $((i % 2)) = 1 ] && echo sq hcp || echo hcp sq); do
			if [ "$who" = sq ]; then
				run sqlite sqlite3 bare.db \
				    ".import --csv keyed.csv evaluations"
			else
				run hcp hcp-import -q -d run.db --operator bench \
				    keyed.csv
			fi
		done
		got=$(sqlite3 run.db "SELECT count(*) FROM evaluations")
		[ "$got" = "$n" ] || { echo "import.sh: $got rows imported, not $n" >&2; exit 1; }
		a=$(secs sqlite.time)
		b=$(secs hcp.time)
		r=$(echo "$b $a" | awk '{ printf "%.2f", $1 / $2 }')
		echo "$r" >>ratios
		printf '%-9s %4s %12s %14s %7s %14s\n' "$n" "$i" "$a" "$b" "$r" \
		    "$(peak_mb hcp.time)"
		i=$((i + 1))
	done
	printf '%-9s %4s %27s %7s\n' "$n" median "" "$(sort -n ratios |
	    awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2);
	    printf "%.2f", NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2 }')"
done
rm -f run.db* bare.db* ratios
