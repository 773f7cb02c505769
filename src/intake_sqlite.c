/* SPDX-License-Identifier: ISC */
/*
 * hcp-intake's SQLite back end (intake_db.h): a county's receiving db in
 * one file, WAL, one writer at a time (the others wait up to a minute).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "i18n.h"
#include "intake_db.h"
#include "xalloc.h"
#include "banned.h"

static sqlite3 *
sq(struct intake *it)
{
	return it->h;
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

static int
sq_stage_begin(struct intake *it)
{
	if (sqlite3_exec(sq(it), "DELETE FROM temp.intake_stage", NULL, NULL,
	    NULL) != SQLITE_OK)
		return fail(it, SQLITE_ERROR);
	if (it->stmt == NULL && sqlite3_prepare_v2(sq(it),
	    "INSERT INTO temp.intake_stage (" INTAKE_STAGE_COLS ") VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?)", -1, (sqlite3_stmt **)&it->stmt, NULL) !=
	    SQLITE_OK)
		return fail(it, SQLITE_ERROR);
	return 0;
}

static int
sq_stage_row(struct intake *it, const char *const *v)
{
	sqlite3_stmt *st = it->stmt;
	int i, rc;

	for (i = 0; i < INTAKE_NSTAGE; i++)
		if (v[i] == NULL)
			sqlite3_bind_null(st, i + 1);
		else
			sqlite3_bind_text(st, i + 1, v[i], -1,
			    SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return fail(it, rc);
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
	sqlite3_finalize(it->stmt);
	sqlite3_close(sq(it));
}

static const struct intake_be sqlite_be = {
	"BEGIN IMMEDIATE",
	sq_close,
	sq_exec,
	sq_query,
	sq_stage_begin,
	sq_stage_row,
	sq_nothing,
	sq_nothing
};

int
intake_sqlite_open(struct intake *it, const char *path, const char *datadir)
{
	sqlite3 *db;
	char *sql;
	int rc, fd;

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
	sqlite3_busy_timeout(db, 60000);
	if ((sql = intake_read_sql(it, datadir, "sqlite.sql")) == NULL)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		intake_seterr(it, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}
