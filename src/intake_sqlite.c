/* SPDX-License-Identifier: ISC */
/*
 * hcp-intake's SQLite back end (intake_db.h): a county's receiving db in
 * one file, WAL, one writer at a time (the others wait up to a minute).
 * Rows and keys go in by statements prepared once a run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "i18n.h"
#include "intake_db.h"
#include "xalloc.h"
#include "banned.h"

/* The schema script run again on SQLITE_BUSY: up to 60 s in all. */
#define BUSY_TRIES	600
#define BUSY_WAIT_NS	100000000L

/* it->stmt holds this for SQLite. */
enum { ST_STAGE, ST_RECORD, ST_SERIAL, ST_PROJECT, NST };
struct sqstate {
	sqlite3_stmt *st[NST];
	char *station, *region, *seq;	/* of the fast path's batch */
};

static const char *const st_sql[NST] = {
	"INSERT INTO temp.intake_stage (" INTAKE_STAGE_COLS ") VALUES (?, ?, "
	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	"?)",
	"INSERT INTO records (" INTAKE_STAGE_COLS ", station, region, seq) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	"?, ?, ?, ?, ?, ?, ?, ?, ?)",
	"INSERT INTO serial_keys (line, serial, station, region, seq) VALUES "
	"(?, ?, ?, ?, ?)",
	"INSERT INTO project_keys (line, project_no, assess_number, station, "
	"seq) VALUES (?, ?, ?, ?, ?)",
};

static sqlite3 *
sq(struct intake *it)
{
	return it->h;
}

static struct sqstate *
state(struct intake *it)
{
	return it->stmt;
}

static int
fail(struct intake *it, int rc)
{
	intake_seterr(it, "%s", sqlite3_errmsg(sq(it)));
	return rc == SQLITE_CONSTRAINT ? -2 : -1;
}

/*
 * The shared SQL writes PostgreSQL's $1, $2; SQLite takes those as names
 * numbered in the order they first appear, so they become ?1, ?2.
 */
static int
prepare(struct intake *it, const char *sql, int n, const char *const *p,
    sqlite3_stmt **st)
{
	char *q = xstrdup(sql), *c;
	int i, rc;

	for (c = q; *c != '\0'; c++)
		if (c[0] == '$' && c[1] >= '0' && c[1] <= '9')
			c[0] = '?';
	rc = sqlite3_prepare_v2(sq(it), q, -1, st, NULL);
	free(q);
	if (rc != SQLITE_OK)
		return fail(it, SQLITE_ERROR);
	for (i = 0; i < n; i++)
		if (sqlite3_bind_text(*st, i + 1, p[i], -1,
		    SQLITE_TRANSIENT) != SQLITE_OK) {
			sqlite3_finalize(*st);
			return fail(it, SQLITE_ERROR);
		}
	return 0;
}

static int
sq_query(struct intake *it, const char *sql, int n, const char *const *p,
    intake_row_fn *row, void *arg)
{
	sqlite3_stmt *st;
	const char *v[32];
	int rc, i, nc;

	if (prepare(it, sql, n, p, &st) != 0)
		return -1;
	nc = sqlite3_column_count(st);
	if (nc > 32)
		nc = 32;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row == NULL)
			continue;
		for (i = 0; i < nc; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		if (row(arg, nc, v) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = fail(it, sqlite3_extended_errcode(sq(it)) & 0xff);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return 0;
}

static int
sq_exec(struct intake *it, const char *sql, int n, const char *const *p)
{
	return sq_query(it, sql, n, p, NULL, NULL);
}

/* Statement k, prepared the first time. */
static sqlite3_stmt *
stmt(struct intake *it, int k)
{
	struct sqstate *s = state(it);

	if (s->st[k] == NULL && sqlite3_prepare_v2(sq(it), st_sql[k], -1,
	    &s->st[k], NULL) != SQLITE_OK) {
		(void)fail(it, SQLITE_ERROR);
		return NULL;
	}
	return s->st[k];
}

static int
sq_stage_begin(struct intake *it)
{
	if (sqlite3_exec(sq(it), "DELETE FROM temp.intake_stage", NULL, NULL,
	    NULL) != SQLITE_OK)
		return fail(it, SQLITE_ERROR);
	return 0;
}

static int
sq_direct_begin(struct intake *it, const char *station, const char *region,
    const char *seq)
{
	struct sqstate *s = state(it);

	free(s->station);
	free(s->region);
	free(s->seq);
	s->station = xstrdup(station);
	s->region = xstrdup(region);
	s->seq = xstrdup(seq);
	it->direct = 1;
	return 0;
}

/*
 * Runs statement k with n values: v (NULL for NULL), then the fast
 * path's station, region and seq as the statement names them.
 */
static int
run(struct intake *it, int k, int n, const char *const *v)
{
	struct sqstate *s = state(it);
	sqlite3_stmt *st;
	int i, rc;

	if ((st = stmt(it, k)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (v[i] == NULL)
			sqlite3_bind_null(st, i + 1);
		else
			sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
	if (k != ST_STAGE) {
		sqlite3_bind_text(st, n + 1, s->station, -1, SQLITE_STATIC);
		if (k != ST_PROJECT)
			sqlite3_bind_text(st, n + 2, s->region, -1,
			    SQLITE_STATIC);
		sqlite3_bind_text(st, k != ST_PROJECT ? n + 3 : n + 2, s->seq,
		    -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return fail(it, rc);
	return 0;
}

static int
sq_stage_row(struct intake *it, const char *const *v)
{
	const char *k[3];
	int rc;

	if (!it->direct)
		return run(it, ST_STAGE, INTAKE_NSTAGE, v);
	if ((rc = run(it, ST_RECORD, INTAKE_NSTAGE, v)) != 0)
		return rc;
	k[0] = v[STAGE_LINE];
	if ((k[1] = v[STAGE_SERIAL]) != NULL &&
	    (rc = run(it, ST_SERIAL, 2, k)) != 0)
		return rc;
	k[2] = v[STAGE_NUMBER];
	if ((k[1] = v[STAGE_PROJECT]) != NULL &&
	    (rc = run(it, ST_PROJECT, 3, k)) != 0)
		return rc;
	return 0;
}

static int
sq_stage_end(struct intake *it)
{
	it->direct = 0;
	return 0;
}

static int
sq_nothing(struct intake *it)
{
	(void)it;
	return 0;
}

static void
sq_close(struct intake *it)
{
	struct sqstate *s = state(it);
	int k;

	if (s != NULL) {
		for (k = 0; k < NST; k++)
			sqlite3_finalize(s->st[k]);
		free(s->station);
		free(s->region);
		free(s->seq);
		free(s);
	}
	sqlite3_close(sq(it));
}

static const struct intake_be sqlite_be = {
	"BEGIN IMMEDIATE",
	sq_close,
	sq_exec,
	sq_query,
	sq_stage_begin,
	sq_direct_begin,
	sq_stage_row,
	sq_stage_end,
	sq_nothing
};

int
intake_sqlite_open(struct intake *it, const char *path, const char *datadir)
{
	sqlite3 *db;
	char *sql;
	struct timespec wait = { 0, BUSY_WAIT_NS };
	int rc, fd, tries;

	it->be = &sqlite_be;
	/* created 0600: the records hold personal data */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		intake_seterr(it, "%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		intake_seterr(it, "%s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : strerror(ENOMEM));
		sqlite3_close(db);
		return -1;
	}
	it->h = db;
	it->stmt = xcalloc(1, sizeof(struct sqstate));
	sqlite3_busy_timeout(db, 60000);
	if ((sql = intake_read_sql(it, datadir, "sqlite.sql")) == NULL)
		return -1;
	/*
	 * Two processes opening a new db at once can deadlock on its
	 * first write (the journal mode): SQLite then gives one of them
	 * SQLITE_BUSY at once, without the busy handler.  The script is
	 * idempotent: that one runs it again.
	 */
	for (tries = 0;; tries++) {
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY || tries == BUSY_TRIES)
			break;
		(void)nanosleep(&wait, NULL);
	}
	free(sql);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "CREATE TEMP TABLE intake_stage "
		    INTAKE_STAGE_AS " WHERE 0", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		intake_seterr(it, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}
