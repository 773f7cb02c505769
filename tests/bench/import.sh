#!/bin/sh
# SPDX-License-Identifier: ISC
#
# import.sh [DIR [N ...]]: hcp-import of a realistic keyed CSV (made by
# gen-keyed.sh, every row valid, every serial issued) against sqlite3's
# own ".import" of the same file into a bare table, which checks
# nothing.  For each size N (default 100000 and 1000000) it prints both
# times, their ratio (hcp-import / sqlite3; at most 1.0 is the target)
# and hcp-import's peak memory from /usr/bin/time -v (target: at most
# 64 MB, the same at every size).  Only the import itself is timed; the
# serials are issued before.
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

printf '%-9s %12s %12s %7s %14s %14s\n' rows "sqlite3 (s)" \
    "hcp-import (s)" ratio "hcp peak (MB)" "sqlite3 peak"
for n in $sizes; do
	rm -f station.db* bare.db* serials.txt keyed.csv
	hcp-init -q -d station.db --catalog "${HCP_DATADIR:-$here/../../share}/sample"
	if hcp-form --help 2>/dev/null | grep -q -- '--issue'; then
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
	sync
	/usr/bin/time -v -o sqlite.time sqlite3 bare.db \
	    ".import --csv keyed.csv evaluations" >/dev/null
	/usr/bin/time -v -o hcp.time hcp-import -q -d station.db \
	    --operator bench keyed.csv
	got=$(sqlite3 station.db "SELECT count(*) FROM evaluations")
	[ "$got" = "$n" ] || { echo "import.sh: $got rows imported, not $n" >&2; exit 1; }
	a=$(secs sqlite.time)
	b=$(secs hcp.time)
	printf '%-9s %12s %12s %7.2f %14s %14s\n' "$n" "$a" "$b" \
	    "$(echo "$b $a" | awk '{ print $1 / $2 }')" "$(peak_mb hcp.time)" \
	    "$(peak_mb sqlite.time)"
done
