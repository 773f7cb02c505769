/* SPDX-License-Identifier: ISC */
/*
 * hcp-intake's PostgreSQL back end (intake_db.h), through libpq: a
 * province's receiving db, several workers at once.  A batch's records
 * reach records (the fast path) or the connection's temporary
 * intake_stage (the slow path) by COPY as they are verified, and on the
 * fast path their keys follow by COPY too.  Records are partitioned by
 * month.  The fast path takes only months whose partition is known to
 * exist; a month's partition is made on the slow path, when a batch
 * first brings one, on a second connection of its own (DDL outside the
 * batch's transaction, under an advisory lock, so that two workers never
 * make it at once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "i18n.h"
#include "intake_db.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* Advisory lock keys: the schema, the partitions. */
#define LOCK_SCHEMA	"7235001"
#define LOCK_PARTITIONS	"7235002"
/*
 * COPY data is sent in pieces of about this many bytes: small enough
 * that the server parses a batch's rows while the next ones are
 * verified, large enough to cost few calls.
 */
#define COPY_PIECE	(32 * 1024)
/*
 * The months a connection knows to have their partition: read at the
 * start, and again before the next batch when a row met a month not
 * known (another worker or lane may have made its partition meanwhile).
 */
#define MAX_KNOWN	256
#define SEED_KNOWN	"192"
/* Statements prepared once a connection and executed again. */
#define MAX_PREPARED	48

/* it->stmt holds this for PostgreSQL. */
struct pgstate {
	struct strbuf copy;
	int copying;
	/* the fast path: what starts each line of records, of the keys */
	struct strbuf prefix, kprefix, skeys, pkeys;
	char *conninfo;
	char known[MAX_KNOWN][11];	/* "YYYY-MM-01" */
	size_t nknown, hit;
	int missed;			/* a month not known: read again */
	char *prepared[MAX_PREPARED];	/* the SQL of statement "sN" */
	int nprepared;
	char *lost;			/* why the connection was lost */
};

static PGconn *
conn(struct intake *it)
{
	return it->h;
}

static struct pgstate *
state(struct intake *it)
{
	return it->stmt;
}

/*
 * libpq's message without its final newline.  Once the connection is
 * lost, every error says why it was (the first message then), not "no
 * connection to the server".
 */
static void
seterr(struct intake *it, const char *msg)
{
	struct pgstate *s = state(it);
	size_t n;

	if (s != NULL && PQstatus(conn(it)) == CONNECTION_BAD) {
		if (s->lost == NULL)
			s->lost = xstrdup(msg);
		msg = s->lost;
	}
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	intake_seterr(it, "%.*s", (int)n, msg);
}

static int
result(struct intake *it, PGresult *res, int want)
{
	const char *state_code;
	int rc = 0;

	if (res == NULL) {
		seterr(it, PQerrorMessage(conn(it)));
		return -1;
	}
	if ((int)PQresultStatus(res) != want) {
		seterr(it, PQresultErrorMessage(res));
		state_code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		/*
		 * -2 for a unique key, and for a month whose partition the
		 * fast path believed there (removed meanwhile): taken again
		 * on the slow path, which makes it.  pg.sql has no CHECK.
		 */
		rc = state_code != NULL && (strcmp(state_code, "23505") == 0 ||
		    strcmp(state_code, "23514") == 0) ? -2 : -1;
	}
	return rc;
}

/*
 * A statement with parameters is prepared the first time it is run and
 * executed prepared afterwards: parsed and planned once a run, not once
 * a batch.  NULL when it cannot be (then it is run unprepared); a
 * statement that cannot be prepared gives the error.
 */
static PGresult *
run_prepared(struct intake *it, const char *sql, int n, const char *const *p)
{
	struct pgstate *s = state(it);
	PGresult *res;
	char name[16];
	int i;

	for (i = 0; i < s->nprepared; i++)
		if (strcmp(s->prepared[i], sql) == 0)
			break;
	snprintf(name, sizeof(name), "s%d", i);
	if (i == s->nprepared) {
		if (i == MAX_PREPARED || PQtransactionStatus(conn(it)) ==
		    PQTRANS_INERROR)
			return NULL;
		res = PQprepare(conn(it), name, sql, n, NULL);
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
			return res;	/* the error, as running it would */
		PQclear(res);
		s->prepared[s->nprepared++] = xstrdup(sql);
	}
	return PQexecPrepared(conn(it), name, n, p, NULL, NULL, 0);
}

static int
pg_query(struct intake *it, const char *sql, int n, const char *const *p,
    intake_row_fn *row, void *arg)
{
	PGresult *res = NULL;
	const char *v[32];
	int rc, i, j, nc, nr;

	if (n > 0)
		res = run_prepared(it, sql, n, p);
	if (res == NULL)
		res = PQexecParams(conn(it), sql, n, NULL, p, NULL, NULL, 0);
	if (res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK) {
		PQclear(res);
		return 0;
	}
	if ((rc = result(it, res, PGRES_TUPLES_OK)) != 0) {
		PQclear(res);
		return rc;
	}
	nc = PQnfields(res);
	if (nc > 32)
		nc = 32;
	nr = PQntuples(res);
	for (i = 0; i < nr && row != NULL; i++) {
		for (j = 0; j < nc; j++)
			v[j] = PQgetisnull(res, i, j) ? NULL :
			    PQgetvalue(res, i, j);
		if (row(arg, nc, v) != 0)
			break;
	}
	PQclear(res);
	return 0;
}

static int
pg_exec(struct intake *it, const char *sql, int n, const char *const *p)
{
	return pg_query(it, sql, n, p, NULL, NULL);
}

static int
simple(struct intake *it, PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	int rc = 0;

	if (res == NULL || (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)) {
		seterr(it, res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(c));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

static int
flush_copy(struct intake *it)
{
	struct pgstate *s = state(it);

	if (s->copy.len == 0)
		return 0;
	if (PQputCopyData(conn(it), s->copy.buf, (int)s->copy.len) != 1) {
		seterr(it, PQerrorMessage(conn(it)));
		return -1;
	}
	strbuf_reset(&s->copy);
	return 0;
}

/* Starts COPY sql FROM STDIN: 0, -1 or -2. */
static int
start_copy(struct intake *it, const char *sql)
{
	PGresult *res = PQexec(conn(it), sql);
	int rc = result(it, res, PGRES_COPY_IN);

	PQclear(res);
	return rc;
}

static int
pg_stage_begin(struct intake *it)
{
	if (simple(it, conn(it), "TRUNCATE intake_stage") != 0 ||
	    start_copy(it, "COPY intake_stage (" INTAKE_STAGE_COLS ") FROM "
	    "STDIN") != 0)
		return -1;
	state(it)->copying = 1;
	return 0;
}

static void copy_field(struct strbuf *sb, const char *v, char end);
static int read_known(struct intake *it);

static int
pg_direct_begin(struct intake *it, const char *station, const char *region,
    const char *seq)
{
	struct pgstate *s = state(it);

	if (s->missed && read_known(it) != 0)
		return -1;
	strbuf_reset(&s->prefix);
	copy_field(&s->prefix, station, '\t');
	copy_field(&s->prefix, region, '\t');
	copy_field(&s->prefix, seq, '\t');
	strbuf_reset(&s->kprefix);
	copy_field(&s->kprefix, station, '\t');
	copy_field(&s->kprefix, seq, '\t');
	strbuf_reset(&s->skeys);
	strbuf_reset(&s->pkeys);
	if (start_copy(it, "COPY records (station, region, seq, "
	    INTAKE_STAGE_COLS ") FROM STDIN") != 0)
		return -1;
	s->copying = 1;
	it->direct = 1;
	return 0;
}

/* Whether month ("YYYY-MM-01") is known to have its partition. */
static int
month_known(struct pgstate *s, const char *month)
{
	size_t k;

	if (s->hit < s->nknown && strcmp(s->known[s->hit], month) == 0)
		return 1;
	for (k = 0; k < s->nknown; k++)
		if (strcmp(s->known[k], month) == 0) {
			s->hit = k;
			return 1;
		}
	return 0;
}

/* One value in COPY's text format. */
static void
copy_value(struct strbuf *sb, const char *v)
{
	const char *p;
	size_t n;

	if (v == NULL) {
		strbuf_add(sb, "\\N", 2);
		return;
	}
	for (p = v; *p != '\0'; p += n) {
		n = strcspn(p, "\\\t\n\r");
		strbuf_add(sb, p, n);
		switch (p[n]) {
		case '\\':
			strbuf_add(sb, "\\\\", 2);
			break;
		case '\t':
			strbuf_add(sb, "\\t", 2);
			break;
		case '\n':
			strbuf_add(sb, "\\n", 2);
			break;
		case '\r':
			strbuf_add(sb, "\\r", 2);
			break;
		default:
			return;
		}
		n++;
	}
}

/* A value and the character after it (a tab, or the line's end). */
static void
copy_field(struct strbuf *sb, const char *v, char end)
{
	copy_value(sb, v);
	strbuf_add(sb, &end, 1);
}

static int
pg_stage_row(struct intake *it, const char *const *v)
{
	struct pgstate *s = state(it);
	int i;

	if (it->direct) {
		if (!month_known(s, v[STAGE_MONTH])) {
			s->missed = 1;
			return 1;
		}
		strbuf_add(&s->copy, s->prefix.buf, s->prefix.len);
		if (v[STAGE_SERIAL] != NULL) {
			strbuf_add(&s->skeys, s->prefix.buf, s->prefix.len);
			copy_field(&s->skeys, v[STAGE_LINE], '\t');
			copy_field(&s->skeys, v[STAGE_SERIAL], '\n');
		}
		if (v[STAGE_PROJECT] != NULL) {
			strbuf_add(&s->pkeys, s->kprefix.buf, s->kprefix.len);
			copy_field(&s->pkeys, v[STAGE_LINE], '\t');
			copy_field(&s->pkeys, v[STAGE_PROJECT], '\t');
			copy_field(&s->pkeys, v[STAGE_NUMBER], '\n');
		}
	}
	for (i = 0; i < INTAKE_NSTAGE; i++)
		copy_field(&s->copy, v[i], i + 1 < INTAKE_NSTAGE ? '\t' : '\n');
	if (s->copy.len >= COPY_PIECE)
		return flush_copy(it);
	return 0;
}

/* Ends the COPY under way: 0, -1, or -2 (a unique key). */
static int
end_copy(struct intake *it, int rc)
{
	PGresult *res;
	int r;

	if (PQputCopyEnd(conn(it), rc == 0 ? NULL : "stopped") != 1) {
		seterr(it, PQerrorMessage(conn(it)));
		rc = -1;
	}
	while ((res = PQgetResult(conn(it))) != NULL) {
		if (rc == 0 && (r = result(it, res, PGRES_COMMAND_OK)) != 0)
			rc = r;
		PQclear(res);
	}
	return rc;
}

/* COPY sql FROM STDIN of the lines in data (none: nothing). */
static int
copy_all(struct intake *it, const char *sql, const struct strbuf *data)
{
	int rc;

	if (data->len == 0)
		return 0;
	if ((rc = start_copy(it, sql)) != 0)
		return rc;
	if (PQputCopyData(conn(it), data->buf, (int)data->len) != 1) {
		seterr(it, PQerrorMessage(conn(it)));
		rc = -1;
	}
	return end_copy(it, rc);
}

static int
pg_stage_end(struct intake *it)
{
	struct pgstate *s = state(it);
	int rc = 0, direct = it->direct;

	it->direct = 0;
	if (!s->copying)
		return 0;
	s->copying = 0;
	if (flush_copy(it) != 0)
		rc = -1;
	rc = end_copy(it, rc);
	strbuf_reset(&s->copy);
	if (direct) {
		if (rc == 0)
			rc = copy_all(it, "COPY serial_keys (station, region, "
			    "seq, line, serial) FROM STDIN", &s->skeys);
		if (rc == 0)
			rc = copy_all(it, "COPY project_keys (station, seq, "
			    "line, project_no, assess_number) FROM STDIN",
			    &s->pkeys);
		return rc;
	}
	/*
	 * The planner knows nothing of a temporary table: without its
	 * statistics the joins of the slow path with the keys scan them
	 * whole.  The fast path needs none (the inserts read the stage).
	 */
	if (rc == 0 && it->careful && simple(it, conn(it),
	    "ANALYZE intake_stage") != 0)
		rc = -1;
	return rc;
}

/* The months of intake_stage, as "YYYY-MM-01". */
struct months {
	char (*v)[11];
	size_t n;
};

static int
add_month(void *arg, int n, const char *const *v)
{
	struct months *m = arg;

	(void)n;
	if (v[0] == NULL || strlen(v[0]) != 10)
		return 0;
	m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
	memcpy(m->v[m->n++], v[0], 11);
	return 0;
}

static int
make_partition(struct intake *it, PGconn *c, const char *month)
{
	char name[48], sql[256], next[32];
	const char *p[1];
	PGresult *res;
	int y, mo, exists;

	if (sscanf(month, "%4d-%2d", &y, &mo) != 2 || y < 1 || y > 9998 ||
	    mo < 1 || mo > 12)
		return 0;
	snprintf(name, sizeof(name), "records_p%04d%02d", y, mo);
	p[0] = name;
	res = PQexecParams(c, "SELECT to_regclass($1) IS NOT NULL", 1, NULL,
	    p, NULL, NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		seterr(it, res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(c));
		PQclear(res);
		return -1;
	}
	exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (exists)
		return 0;
	if (mo == 12)
		snprintf(next, sizeof(next), "%04d-01-01", y + 1);
	else
		snprintf(next, sizeof(next), "%04d-%02d-01", y, mo + 1);
	snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS %s PARTITION "
	    "OF records FOR VALUES FROM ('%04d-%02d-01') TO ('%s')", name, y,
	    mo, next);
	return simple(it, c, sql);
}

static int
pg_partitions(struct intake *it)
{
	struct pgstate *s = state(it);
	struct months m = { NULL, 0 };
	PGconn *c;
	size_t i, k;
	int rc = 0;

	if (pg_query(it, "SELECT DISTINCT CAST(assess_month AS TEXT) FROM "
	    "intake_stage", 0, NULL, add_month, &m) != 0)
		return -1;
	for (i = 0; i < m.n; i++) {
		for (k = 0; k < s->nknown; k++)
			if (strcmp(s->known[k], m.v[i]) == 0)
				break;
		if (k == s->nknown)
			break;
	}
	if (i == m.n) {		/* every month has its partition */
		free(m.v);
		return 0;
	}
	if (it->h2 == NULL) {
		c = PQconnectdb(s->conninfo);
		if (PQstatus(c) != CONNECTION_OK) {
			seterr(it, PQerrorMessage(c));
			PQfinish(c);
			free(m.v);
			return -1;
		}
		it->h2 = c;
	}
	c = it->h2;
	if (simple(it, c, "SELECT pg_advisory_lock(" LOCK_PARTITIONS ")") !=
	    0) {
		free(m.v);
		return -1;
	}
	for (i = 0; i < m.n && rc == 0; i++)
		if ((rc = make_partition(it, c, m.v[i])) == 0 &&
		    s->nknown < MAX_KNOWN)
			memcpy(s->known[s->nknown++], m.v[i], 11);
	if (simple(it, c, "SELECT pg_advisory_unlock(" LOCK_PARTITIONS ")")
	    != 0)
		rc = -1;
	free(m.v);
	return rc;
}

static void
pg_close(struct intake *it)
{
	struct pgstate *s = state(it);
	int i;

	PQfinish(conn(it));
	if (it->h2 != NULL)
		PQfinish(it->h2);
	if (s != NULL) {
		for (i = 0; i < s->nprepared; i++)
			free(s->prepared[i]);
		strbuf_release(&s->copy);
		strbuf_release(&s->prefix);
		strbuf_release(&s->kprefix);
		strbuf_release(&s->skeys);
		strbuf_release(&s->pkeys);
		free(s->conninfo);
		free(s->lost);
		free(s);
	}
}

static const struct intake_be pg_be = {
	"BEGIN",
	pg_close,
	pg_exec,
	pg_query,
	pg_stage_begin,
	pg_direct_begin,
	pg_stage_row,
	pg_stage_end,
	pg_partitions
};

static int
has_tables(void *arg, int n, const char *const *v)
{
	int *have = arg;

	(void)n;
	*have = v[0] != NULL && strcmp(v[0], "t") == 0;
	return 1;
}

static int
known_row(void *arg, int n, const char *const *v)
{
	struct pgstate *s = arg;

	(void)n;
	if (v[0] != NULL && strlen(v[0]) == 10 && s->nknown < MAX_KNOWN)
		memcpy(s->known[s->nknown++], v[0], 11);
	return 0;
}

/* The months whose partition is there, the newest first. */
static int
read_known(struct intake *it)
{
	struct pgstate *s = state(it);

	s->nknown = s->hit = 0;
	s->missed = 0;
	return pg_query(it, "SELECT substr(c.relname, 10, 4) || '-' || "
	    "substr(c.relname, 14, 2) || '-01' FROM pg_inherits i JOIN "
	    "pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = "
	    "to_regclass('records') AND c.relname ~ '^records_p[0-9]{6}$' "
	    "ORDER BY 1 DESC LIMIT " SEED_KNOWN, 0, NULL, known_row, s);
}

int
intake_pg_open(struct intake *it, const char *conninfo, const char *datadir)
{
	struct pgstate *s;
	PGconn *c;
	char *sql;
	int have = 0, rc;

	it->be = &pg_be;
	c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		seterr(it, PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	it->h = c;
	s = xcalloc(1, sizeof(*s));
	strbuf_init(&s->copy);
	strbuf_init(&s->prefix);
	strbuf_init(&s->kprefix);
	strbuf_init(&s->skeys);
	strbuf_init(&s->pkeys);
	s->conninfo = xstrdup(conninfo);
	it->stmt = s;
	if (simple(it, c, "SET client_min_messages = warning") != 0 ||
	    simple(it, c, "SELECT pg_advisory_lock(" LOCK_SCHEMA ")") != 0)
		return -1;
	/* pg.sql runs as one transaction: its last table, or none */
	rc = pg_query(it, "SELECT to_regclass('intake_queue') IS NOT NULL", 0,
	    NULL, has_tables, &have);
	if (rc == 0 && !have) {
		if ((sql = intake_read_sql(it, datadir, "pg.sql")) == NULL)
			rc = -1;
		else {
			rc = simple(it, c, sql);
			free(sql);
		}
	}
	if (simple(it, c, "SELECT pg_advisory_unlock(" LOCK_SCHEMA ")") != 0)
		rc = -1;
	if (rc == 0)
		rc = simple(it, c, "CREATE TEMP TABLE intake_stage "
		    INTAKE_STAGE_AS " WITH NO DATA");
	if (rc == 0)
		rc = read_known(it);
	return rc;
}
