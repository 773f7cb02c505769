#!/bin/sh
# SPDX-License-Identifier: ISC
#
# intake.sh [DIR [STATIONS [BATCHES [RECORDS]]]]: hcp-intake against a
# bare load of the same CSV payloads, on PostgreSQL and on SQLite.
# STATIONS stations (at most 100: issuers 00-99 of the sample region),
# each with BATCHES batches of RECORDS records made by hcp-import and
# hcp-pack (default 100 x 10 x 1000: 1,000,000 records in 1,000
# batches).  Timed, each on a fresh db with the stations registered:
#   pg-intake-1   one hcp-intake --pg worker on the inbox
#   pg-intake-2   two workers on the same inbox at once
#   pg-copy       psql \copy of every payload CSV (extracted beforehand)
#                 into a bare table of text columns, no verification
#   sq-intake     hcp-intake -d on the inbox
#   sq-import     sqlite3 .import of the same CSVs into a bare table
# and prints the ratios intake / bare load and the second worker's
# speed-up.  PostgreSQL is started as in the tests (tests/pg.sh) and
# stopped at the end.
set -eu
dir=${1:-${TMPDIR:-/tmp}/hcp-bench-intake}
nst=${2:-100}
nb=${3:-10}
nr=${4:-1000}
bench=$(cd "$(dirname "$0")" && pwd)
HCP_SRC=$(cd "$bench/../.." && pwd)
: "${HCP_DATADIR:=$HCP_SRC/share}"
export HCP_DATADIR
LC_ALL=C.UTF-8 TZ=UTC HCP_OPERATOR=bench
export LC_ALL TZ HCP_OPERATOR
[ "$nst" -le 100 ] || { echo "intake.sh: at most 100 stations" >&2; exit 2; }
mkdir -p "$dir"
cd "$dir"
dir=$(pwd)

measure() {
	name_=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "time.$name_" "$@" >"log.$name_" 2>&1
	read -r wall u s rss <"time.$name_"
	eval "wall_$(echo "$name_" | tr - _)=$wall"
	printf '%-14s %8.2f s wall %8.2f s cpu %8d KB peak\n' "$name_" \
		"$wall" "$(echo "$u + $s" | bc)" "$rss"
}

ratio() {
	echo "scale=2; $1 / $2" | bc
}

# ---- the batches (kept between runs) ----
if [ ! -f batches.done ]; then
	rm -rf st batches csv && mkdir -p st batches csv
	echo "making $nst stations x $nb batches x $nr records" >&2
	openssl genpkey -algorithm SM2 -out recv.pem 2>/dev/null
	i=0
	while [ $i -lt "$nst" ]; do
		printf '%02d\n' $i
		i=$((i + 1))
	done | xargs -P 2 -I NN sh -c '
		set -e
		hcp-init -q -d st/NN.db --catalog "$HCP_DATADIR/sample" \
			-s issuer=NN
		hcp-init -d st/NN.db --print-pubkey >st/NN.pub
		awk -v n='"$((nb * nr))"' -v s=NN "BEGIN {
			print \"project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time\"
			for (i = 1; i <= n; i++)
				printf \"B%s-%07d,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,4,%d,%d01,2026-11-20 09:00,2026-11-20 10:00\\n\", s, i, 5 - i % 3, 5 - i % 3
		}" >st/NN.csv
		SOURCE_DATE_EPOCH=1795300000 hcp-import -q -d st/NN.db st/NN.csv
		SOURCE_DATE_EPOCH=1795300000 hcp-pack -q -d st/NN.db \
			-m '"$nr"' -o batches
		rm -f st/NN.csv'
	for b in batches/*.tar.gz; do
		n=$(basename "$b" .tar.gz)
		tar xzOf "$b" "$n/data/evaluations.csv" >"csv/$n.csv"
	done
	touch batches.done
fi
nbatch=$(ls batches | grep -c 'tar.gz$')
nrec=$(cat csv/*.csv | wc -l)
nrec=$((nrec - nbatch))
echo "$nbatch batches, $nrec records" >&2

# fresh_inbox: the batches linked into an empty inbox.
fresh_inbox() {
	rm -rf inbox && mkdir inbox && ln batches/*.tar.gz inbox/
}

# register OPT ARG: every station into the receiving db.
register() {
	for p in st/*.pub; do
		s=$(basename "$p" .pub)
		hcp-intake "$1" "$2" --register 330523$s --pubkey "$p"
	done
}

# ---- PostgreSQL ----
. "$HCP_SRC/tests/pg.sh"
TEST_DIR=$dir/pgtmp
mkdir -p "$TEST_DIR"
if pg_have && pg_start; then
	psql -X -q -d "$PG_CONNINFO" -c "CREATE DATABASE copy"
	cp_db="${PG_CONNINFO% dbname=*} dbname=copy"
	cols=$(head -n 1 "$(ls csv/*.csv | head -n 1)" | tr , '\n' |
		sed 's/.*/"&" text/' | paste -sd, -)
	psql -X -q -d "$cp_db" -c "CREATE TABLE bare ($cols)"
	for f in csv/*.csv; do
		echo "\\copy bare FROM '$f' WITH (FORMAT csv, HEADER true)"
	done >copy.sql
	measure pg-copy psql -X -q -d "$cp_db" -f copy.sql
	for w in 1 2; do
		psql -X -q -d "$PG_CONNINFO" -c "CREATE DATABASE intake$w"
		db="${PG_CONNINFO% dbname=*} dbname=intake$w"
		register --pg "$db"
		fresh_inbox
		if [ $w = 1 ]; then
			measure pg-intake-1 hcp-intake -q --pg "$db" -K recv.pem \
				inbox
		else
			measure pg-intake-2 sh -c "
				hcp-intake -q --pg '$db' -K recv.pem inbox &
				hcp-intake -q --pg '$db' -K recv.pem inbox &
				wait"
		fi
		n=$(psql -X -A -t -d "$db" -c "SELECT count(*) FROM records")
		[ "$n" = "$nrec" ] || { echo "intake$w: $n records" >&2; exit 1; }
	done
	printf 'PostgreSQL: 1 worker / copy %sx, 2 workers / copy %sx, ' \
		"$(ratio "$wall_pg_intake_1" "$wall_pg_copy")" \
		"$(ratio "$wall_pg_intake_2" "$wall_pg_copy")"
	printf "the second worker's speed-up %sx\n" \
		"$(ratio "$wall_pg_intake_1" "$wall_pg_intake_2")"
	pg_stop
else
	echo "PostgreSQL is not installed or did not start: skipped" >&2
fi

# ---- SQLite ----
rm -f county.db* bare.db
register -d county.db
fresh_inbox
measure sq-intake hcp-intake -q -d county.db -K recv.pem inbox
n=$(sqlite3 county.db "SELECT count(*) FROM records")
[ "$n" = "$nrec" ] || { echo "county.db: $n records" >&2; exit 1; }
for f in csv/*.csv; do
	echo ".import --csv --skip 1 $f bare"
done >import.sql
cols=$(head -n 1 "$(ls csv/*.csv | head -n 1)" | tr , '\n' |
	sed 's/.*/"&" text/' | paste -sd, -)
sqlite3 bare.db "PRAGMA journal_mode = WAL; CREATE TABLE bare ($cols)" \
	>/dev/null
measure sq-import sh -c "{ echo BEGIN\\;; cat import.sql; echo COMMIT\\;; } |
	sqlite3 bare.db"
printf 'SQLite: hcp-intake / .import %sx\n' \
	"$(ratio "$wall_sq_intake" "$wall_sq_import")"
