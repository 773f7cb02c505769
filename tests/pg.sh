# SPDX-License-Identifier: ISC
#
# A real PostgreSQL server for a test, after lib.sh: pg_start runs
# initdb and pg_ctl (Debian's postgresql, /usr/lib/postgresql/*/bin) as
# an unprivileged user (the caller, or "nobody" when the tests run as
# root) in a temporary directory of its own, listening on 127.0.0.1 on a
# free port only, and sets PG_CONNINFO; the server is stopped when the
# test exits, however it exits.  pg_have says whether PostgreSQL is
# installed; a test without it skips with a message saying so.  The
# server runs with fsync=off (tests), or PG_FSYNC=on (a benchmark that
# keeps commits durable); PG_OPTS adds server options ("-c name=value").
# Its databases sort text as a province's would, in zh_CN.UTF-8 (when
# the locale is there; its messages stay in English).
#
#   . "$(dirname "$0")/pg.sh"
#   pg_have || { echo "1..0 # SKIP PostgreSQL is not installed"; exit 0; }
#   pg_start || { echo "Bail out! cannot start PostgreSQL"; exit 1; }

PG_BIN=
for d in /usr/lib/postgresql/*/bin; do
	[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && PG_BIN=$d
done
PG_DIR=
PG_CONNINFO=

pg_have() {
	[ -n "$PG_BIN" ] && command -v psql >/dev/null 2>&1
}

# pg_as CMD...: runs CMD as the server's user.
pg_as() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid="$(id -g nobody)" \
			--clear-groups -- env HOME="$PG_DIR" "$@"
	else
		"$@"
	fi
}

pg_stop() {
	if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w \
			stop >/dev/null 2>&1
	fi
	[ -z "$PG_DIR" ] || rm -rf "$PG_DIR"
	PG_DIR=
}

# A port nothing listens on now (the kernel's choice).
pg_free_port() {
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(Listen => 1,
		    LocalAddr => "127.0.0.1", LocalPort => 0) or die;
		print $s->sockport, "\n";'
}

pg_start() {
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hcp-pg.XXXXXX") || return 1
	trap 'pg_stop; rm -rf "$TEST_DIR"' EXIT
	trap 'exit 2' HUP INT TERM
	chmod 755 "$PG_DIR"
	[ "$(id -u)" != 0 ] || chown nobody "$PG_DIR"
	coll_=C.UTF-8
	! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$' ||
		coll_=zh_CN.UTF-8
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U hcp -A trust \
		-E UTF8 --locale=C.UTF-8 --lc-collate=$coll_ \
		--lc-ctype=$coll_ >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log"; return 1; }
	for try in 1 2 3 4 5; do
		port=$(pg_free_port) || return 1
		if pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 30 \
		    -l "$PG_DIR/log" -o "-c listen_addresses=127.0.0.1 \
		    -p $port -k $PG_DIR -c fsync=${PG_FSYNC:-off} \
		    -c max_connections=40 ${PG_OPTS:-}" \
		    start >/dev/null 2>&1; then
			PG_CONNINFO="host=127.0.0.1 port=$port user=hcp dbname=postgres"
			export PG_CONNINFO
			return 0
		fi
	done
	cat "$PG_DIR/log" 2>/dev/null
	return 1
}

# pg_newdb NAME: a fresh database; prints its conninfo.
pg_newdb() {
	psql -q -X -d "$PG_CONNINFO" -c "CREATE DATABASE $1" >/dev/null &&
	echo "${PG_CONNINFO% dbname=*} dbname=$1"
}
