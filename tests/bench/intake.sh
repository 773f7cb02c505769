#!/bin/sh
# SPDX-License-Identifier: ISC
#
# intake.sh [DIR [STATIONS [BATCHES [RECORDS]]]]: hcp-intake against a
# bare load of the same CSV payloads, on PostgreSQL and on SQLite.
# STATIONS stations (at most 10,000: issuers 00-99 of the regions
# 330400-330499, a hundred stations a region), each with BATCHES batches
# of RECORDS records made by hcp-import and hcp-pack (default
# 1000 x 1 x 1000: 1,000,000 records in 1,000 batches).  Timed, each on
# a fresh db with the stations registered:
#   pg-intake-1   one hcp-intake --pg worker on the inbox
#   pg-intake-2   two workers on the same inbox at once
#   pg-copy       psql \copy of every payload CSV (extracted beforehand)
#                 into a bare table of text columns, no verification
#   sq-intake     hcp-intake -d on the inbox
#   sq-import     sqlite3 .import of the same CSVs into a bare table
# (every load one transaction a file, committed durably: fsync on).
# and prints the ratios intake / bare load and the second worker's
# speed-up.  PostgreSQL is started as in the tests (tests/pg.sh) and
# stopped at the end.
set -eu
uptime
dir=${1:-${TMPDIR:-/tmp}/hcp-bench-intake}
nst=${2:-1000}
nb=${3:-1}
nr=${4:-1000}
bench=$(cd "$(dirname "$0")" && pwd)
HCP_SRC=$(cd "$bench/../.." && pwd)
: "${HCP_DATADIR:=$HCP_SRC/share}"
export HCP_DATADIR
LC_ALL=C.UTF-8 TZ=UTC HCP_OPERATOR=bench
export LC_ALL TZ HCP_OPERATOR
[ "$nst" -le 10000 ] || { echo "intake.sh: at most 10000 stations" >&2; exit 2; }
mkdir -p "$dir"
cd "$dir"
dir=$(pwd)

# server_cpu: CPU seconds of the PostgreSQL server so far (the
# postmaster, the sessions it has reaped, its live processes); 0 without.
server_cpu() {
	[ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ] ||
		{ echo 0; return; }
	pm=$(head -n 1 "$PG_DIR/data/postmaster.pid")
	for p_ in $pm $(pgrep -P "$pm"); do
		cat "/proc/$p_/stat" 2>/dev/null
	done | sed 's/.*) //' |
	awk -v hz="$(getconf CLK_TCK)" '
		{ t += $12 + $13 + $14 + $15 }
		END { printf "%.2f\n", t / hz }'
}

# measure NAME CMD...: runs CMD, prints its wall time, its CPU time and
# the server's CPU time meanwhile.
measure() {
	name_=$1
	shift
	c0_=$(server_cpu)
	/usr/bin/time -f '%e %U %S %M' -o "time.$name_" "$@" >"log.$name_" 2>&1
	sleep 2		# the sessions ended, reaped by the postmaster
	c1_=$(server_cpu)
	read -r wall u s rss <"time.$name_"
	eval "wall_$(echo "$name_" | tr - _)=$wall"
	printf '%-12s %8.2f s wall %8.2f s cpu %8.2f s server cpu %7d KB\n' \
		"$name_" "$wall" "$(echo "$u + $s" | bc)" \
		"$(echo "$c1_ - $c0_" | bc)" "$rss"
}

checkpoint() {
	psql -X -q -d "$PG_CONNINFO" -c CHECKPOINT
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
		printf '3304%02d%02d\n' $((i / 100)) $((i % 100))
		i=$((i + 1))
	done | xargs -P 2 -I NN sh -c '
		set -e
		s=NN
		hcp-init -q -d st/NN.db --catalog "$HCP_DATADIR/sample" \
			--set region=${s%??} --set issuer=${s#??????}
		hcp-init -d st/NN.db --print-pubkey >st/NN.pub
		awk -v n='"$((nb * nr))"' -v s=NN "BEGIN {
			print \"project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time\"
			for (i = 1; i <= n; i++)
				printf \"B%s-%07d,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,4,%d,%d01,2026-11-20 09:00,2026-11-20 10:00\\n\", s, i, 5 - i % 3, 5 - i % 3
		}" >st/NN.csv
		SOURCE_DATE_EPOCH=1795300000 hcp-import -q -d st/NN.db st/NN.csv
		SOURCE_DATE_EPOCH=1795300000 hcp-pack -q -d st/NN.db \
			-M '"$nr"' -o batches
		rm -f st/NN.csv'
	for b in batches/*.tar.gz; do
		n=$(basename "$b" .tar.gz)
		tar xzOf "$b" "$n/data/evaluations.csv" >"csv/$n.csv"
	done
	touch batches.done
fi
[ -z "${INTAKE_BENCH_PREPARE:-}" ] || exit 0
nbatch=$(ls batches | grep -c 'tar.gz$')
nrec=$(cat csv/*.csv | wc -l)
nrec=$((nrec - nbatch))
echo "$nbatch batches, $nrec records" >&2

# fresh_inbox: the batches linked into an empty inbox.
fresh_inbox() {
	rm -rf inbox && mkdir inbox && ln batches/*.tar.gz inbox/
}

# register OPT ARG: every station into the receiving db, two at a time.
register() {
	ls st | sed -n 's/\.pub$//p' | xargs -P 2 -I S \
		hcp-intake "$1" "$2" --register S --pubkey st/S.pub
}

# ---- PostgreSQL ----
# commits are durable, as in production (tests run without fsync); the
# server is set for bulk loads as PostgreSQL's "Populating a Database"
# advises (a larger max_wal_size), and each load starts after a
# CHECKPOINT: no load pays for a checkpoint the one before it ran up.
PG_FSYNC=on
PG_OPTS="-c max_wal_size=4GB -c checkpoint_timeout=1h"
. "$HCP_SRC/tests/pg.sh"
TEST_DIR=$dir/pgtmp
mkdir -p "$TEST_DIR"
if pg_have && pg_start; then
	psql -X -q -d "$PG_CONNINFO" -c "CREATE DATABASE copy"
	cp_db="${PG_CONNINFO% dbname=*} dbname=copy"
	cols=$(head -n 1 "$(ls csv/*.csv | head -n 1)" | tr , '\n' |
		sed 's/.*/"&" text/' | paste -sd, -)
	psql -X -q -d "$cp_db" -c "CREATE TABLE bare ($cols)"
	# printf: the echo of sh(1) may take \c for "no more output"
	for f in csv/*.csv; do
		printf '%s\n' "\\copy bare FROM '$f' WITH (FORMAT csv, HEADER true)"
	done >copy.sql
	# a first load, not timed, makes the server's WAL files (each load
	# after it reuses them) and reads the CSVs into the page cache
	psql -X -q -d "$cp_db" -f copy.sql
	psql -X -q -d "$cp_db" -c "TRUNCATE bare"
	checkpoint
	measure pg-copy psql -X -q -d "$cp_db" -f copy.sql
	n=$(psql -X -A -t -d "$cp_db" -c "SELECT count(*) FROM bare")
	[ "$n" = "$nrec" ] || { echo "copy: $n records" >&2; exit 1; }
	for w in 1 2; do
		psql -X -q -d "$PG_CONNINFO" -c "CREATE DATABASE intake$w"
		db="${PG_CONNINFO% dbname=*} dbname=intake$w"
		register --pg "$db"
		fresh_inbox
		checkpoint
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
	printf '%s\n' ".import --csv --skip 1 $f bare"
done >import.sql
cols=$(head -n 1 "$(ls csv/*.csv | head -n 1)" | tr , '\n' |
	sed 's/.*/"&" text/' | paste -sd, -)
sqlite3 bare.db "PRAGMA journal_mode = WAL; CREATE TABLE bare ($cols)" \
	>/dev/null
# each .import its own transaction, as each \copy and each batch
measure sq-import sh -c "sqlite3 bare.db <import.sql"
n=$(sqlite3 bare.db "SELECT count(*) FROM bare")
[ "$n" = "$nrec" ] || { echo "bare.db: $n records" >&2; exit 1; }
printf 'SQLite: hcp-intake / .import %sx\n' \
	"$(ratio "$wall_sq_intake" "$wall_sq_import")"
uptime
