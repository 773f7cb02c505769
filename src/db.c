/* SPDX-License-Identifier: ISC */
/*
 * Station database: open/create, pragmas, migrations (see db.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "dbwait.h"
#include "fileio.h"
#include "i18n.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* A migration script is read whole: a few KB, refused past this. */
#define MIGRATION_MAX (1024 * 1024)
#define CKPT_FRAMES 256	/* pages in the -wal file worth a checkpoint */
#define WAL_FRAMES_MAX 8192	/* db_checkpoint_bound() waits from here */

struct ckpt;

struct db {
	sqlite3 *sq;
	char *path;
	char *err;
	int refused;		/* damaged, or not a station db */
	int nested;		/* db_begin()s inside the transaction */
	struct ckpt *ck;	/* the checkpointer, or NULL */
};

struct db *
db_new(void)
{
	return xcalloc(1, sizeof(struct db));
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_checkpointer_stop(db);
	if (db->sq != NULL)
		sqlite3_close_v2(db->sq);
	free(db->path);
	free(db->err);
	free(db);
}

const char *
db_errstr(const struct db *db)
{
	return db->err != NULL ? db->err : _("no error");
}

const char *
db_path(const struct db *db)
{
	return db->path != NULL ? db->path : "";
}

sqlite3 *
db_sqlite(struct db *db)
{
	return db->sq;
}

int
db_seterr(struct db *db, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(db->err);
	db->err = strbuf_detach(&sb);
	return -1;
}

/* True if SQLite's last error on db says the file is damaged. */
static int
corrupt_code(struct db *db)
{
	int rc;

	if (db->sq == NULL)
		return 0;
	rc = sqlite3_errcode(db->sq) & 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/* The damaged-db message with the recovery steps (hcp(7)). */
static int
damaged(struct db *db, const char *why)
{
	char *w = xstrdup(why), *p;

	/* quick_check's report spans lines: one line for the message */
	for (p = w; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	db->refused = 1;
	db_seterr(db, _("%s: the station db is damaged (%s): stop every "
	    "hcp tool, keep a copy of the file and of its -wal file, then "
	    "restore the db from a backup or salvage it with sqlite3's "
	    ".recover or .dump (see hcp(7))"), db_path(db), w);
	free(w);
	return -1;
}

int
db_refused(const struct db *db)
{
	return db->refused;
}

/*
 * SQLite's message for its last error, in the user's language for the
 * errors a user meets (a lock, a full disk, a file that cannot be opened
 * or written); SQLite's own English for the rest.
 */
static const char *
sqlite_words(struct db *db)
{
	if (db->sq == NULL)
		return _("the database is not open");
	switch (sqlite3_errcode(db->sq) & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return _("database is locked: another program is still "
		    "using it; try again when it has finished");
	case SQLITE_READONLY:
		return _("the database is read-only here (check the "
		    "permissions of the file and of its directory)");
	case SQLITE_CANTOPEN:
		return _("cannot open the database file (check that the "
		    "directory exists and may be written)");
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return _("permission denied");
	case SQLITE_FULL:
		return _("the disk is full");
	case SQLITE_IOERR:
		return _("disk read or write error");
	case SQLITE_NOMEM:
		return _("out of memory");
	default:
		return sqlite3_errmsg(db->sq);
	}
}

int
db_sqlerr(struct db *db, const char *what)
{
	int rc = db->sq != NULL ? sqlite3_errcode(db->sq) & 0xff : 0;

	if (corrupt_code(db))
		return damaged(db, sqlite3_errmsg(db->sq));
	/* a lock is the same whatever was being done */
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return db_seterr(db, "%s: %s", db_path(db), sqlite_words(db));
	return db_seterr(db, "%s: %s: %s", db_path(db), what,
	    sqlite_words(db));
}

int
db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->sq, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (corrupt_code(db))
			damaged(db, sqlite3_errmsg(db->sq));
		else
			db_seterr(db, "%s: %s", db_path(db),
			    (sqlite3_errcode(db->sq) & 0xff) == SQLITE_ERROR &&
			    msg != NULL ? msg : sqlite_words(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* PRAGMA quick_check(arg): 0 if it says ok, else -1 (damaged). */
static int
quick_check(struct db *db, const char *arg)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	sql = xasprintf("PRAGMA quick_check(%s)", arg);
	rc = db_prepare(db, &st, sql);
	free(sql);
	if (rc != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		char *why = xstrdup(s != NULL ? s : "?");

		sqlite3_finalize(st);
		if (strcmp(why, "ok") == 0) {
			free(why);
			return 0;
		}
		damaged(db, why);
		free(why);
		return -1;
	}
	sqlite3_finalize(st);
	return db_sqlerr(db, _("integrity check"));
}

int
db_quick_check(struct db *db, const char *skip)
{
	sqlite3_stmt *st;
	char **names = NULL;
	size_t n = 0, i;
	int rc;

	if (skip == NULL)
		return quick_check(db, "1");
	if (db_prepare(db, &st, "SELECT name FROM sqlite_schema WHERE "
	    "type = 'table' AND name <> ?1 AND name NOT LIKE 'sqlite%' "
	    "ORDER BY name") != 0)
		return -1;
	sqlite3_bind_text(st, 1, skip, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);

		/* a pragma takes no parameter: plain names only */
		if (s == NULL || s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "0123456789_")] != '\0')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(s);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		rc = db_sqlerr(db, _("integrity check"));
	else
		rc = 0;
	for (i = 0; i < n; i++) {
		if (rc == 0 && quick_check(db, names[i]) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int
db_prepare(struct db *db, sqlite3_stmt **stmt, const char *sql)
{
	if (sqlite3_prepare_v2(db->sq, sql, -1, stmt, NULL) != SQLITE_OK) {
		*stmt = NULL;
		return db_sqlerr(db, _("cannot prepare a query"));
	}
	return 0;
}

void
db_bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL || *v == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/*
 * Inside a transaction (hcp-init's settings, then its catalogue) a begin
 * is a savepoint: its commit releases it, its rollback undoes what came
 * after it, and the outer transaction decides the rest.
 */
int
db_begin(struct db *db)
{
	if (sqlite3_get_autocommit(db->sq))
		return db_exec(db, "BEGIN IMMEDIATE");
	if (db_exec(db, "SAVEPOINT hcp_nested") != 0)
		return -1;
	db->nested++;
	return 0;
}

int
db_commit(struct db *db)
{
	if (db->nested > 0) {
		db->nested--;
		return db_exec(db, "RELEASE hcp_nested");
	}
	return db_exec(db, "COMMIT");
}

void
db_rollback(struct db *db)
{
	if (db->nested > 0) {
		db->nested--;
		if (!sqlite3_get_autocommit(db->sq))
			sqlite3_exec(db->sq, "ROLLBACK TO hcp_nested; "
			    "RELEASE hcp_nested", NULL, NULL, NULL);
		return;
	}
	if (!sqlite3_get_autocommit(db->sq))
		sqlite3_exec(db->sq, "ROLLBACK", NULL, NULL, NULL);
}

int
db_query_int(struct db *db, const char *sql, const char *param,
    long long *out)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, sql) != 0)
		return -1;
	if (param != NULL)
		sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_sqlerr(db, _("query failed"));
	return 0;
}

int
db_table_rows(struct db *db, const char *table, long long *n)
{
	char *sql;
	int rc;

	if (strspn(table, "abcdefghijklmnopqrstuvwxyz_") != strlen(table))
		return db_seterr(db, _("%s: not a table name"), table);
	sql = xasprintf("SELECT count(*) FROM %s", table);
	rc = db_query_int(db, sql, NULL, n);
	free(sql);
	return rc;
}

int
db_cache_kib(struct db *db, long kib)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%ld", kib);
	return db_exec(db, sql);
}

int
db_user_version(struct db *db)
{
	long long v;

	if (db_query_int(db, "PRAGMA user_version", NULL, &v) != 0)
		return -1;
	return (int)v;
}

static int
create_file(struct db *db, const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		return db_seterr(db, "%s: %s", path, strerror(errno));
	}
	close(fd);
	return 0;
}

/*
 * Makes sure the file just opened is a station db before anything is
 * written to it (not even the WAL mode, which rewrites the header).
 * An empty file becomes one only with DB_CREATE (*fresh is set); another
 * program's file, or a file SQLite cannot read, is refused.
 */
static int
check_identity(struct db *db, unsigned flags, int *fresh)
{
	long long pages, app, ver, tables;

	if (db_query_int(db, "PRAGMA page_count", NULL, &pages) != 0) {
		if ((sqlite3_errcode(db->sq) & 0xff) != SQLITE_NOTADB)
			return -1;
		db_seterr(db, _("%s: not a station db: not an SQLite "
		    "database, or one whose first page is damaged; hcp leaves "
		    "it alone"), db_path(db));
		db->refused = 1;
		return -1;
	}
	if (pages == 0) {
		if (flags & DB_CREATE) {
			*fresh = 1;
			return 0;
		}
		db->refused = 1;
		return db_seterr(db, _("%s: no station database here (the "
		    "file is empty); create one with hcp-init"), db_path(db));
	}
	if (db_query_int(db, "PRAGMA application_id", NULL, &app) != 0 ||
	    db_query_int(db, "PRAGMA user_version", NULL, &ver) != 0 ||
	    db_query_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
	    "type = 'table' AND name IN ('settings', 'evaluations')", NULL,
	    &tables) != 0)
		return -1;
	if (app == DB_APPLICATION_ID)
		return 0;
	if (app != 0) {
		db->refused = 1;
		return db_seterr(db, _("%s: this is another program's SQLite "
		    "database (application_id 0x%08llx), not a station db: "
		    "hcp leaves it alone"), db_path(db),
		    (unsigned long long)app & 0xffffffffULL);
	}
	/* a station db made before hcp marked its files */
	if (ver >= 1 && tables == 2)
		return 0;
	db->refused = 1;
	return db_seterr(db, _("%s: this SQLite database is not a station "
	    "db (no hcp tables): hcp leaves it alone; create a station db "
	    "with hcp-init under another name"), db_path(db));
}

int
db_open(struct db *db, const char *path, unsigned flags,
    const char *schemadir)
{
	struct stat st;
	int memory = strcmp(path, ":memory:") == 0;
	int fresh = 0, oflags;

	free(db->path);
	db->path = xstrdup(path);
	if (!memory && stat(path, &st) == -1) {
		if (errno != ENOENT)
			return db_seterr(db, "%s: %s", path, strerror(errno));
		if (!(flags & DB_CREATE))
			return db_seterr(db, _("%s: no station database here "
			    "(create one with hcp-init)"), path);
		if (create_file(db, path) != 0)
			return -1;
		fresh = 1;
	}
	oflags = (flags & DB_READONLY) ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(path, &db->sq, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK)
		return db_sqlerr(db, _("cannot open the database"));
	sqlite3_extended_result_codes(db->sq, 1);
	sqlite3_busy_handler(db->sq, dbwait_busy, db->path);
	if (!memory && !fresh && check_identity(db, flags, &fresh) != 0)
		return -1;
	/*
	 * A station db is mostly one wide table written in id order and read
	 * in ranges: 16 KiB pages (SQLite's default is 4) hold four times the
	 * rows per page, which cuts the b-tree work of a large import by
	 * about a tenth.  The size must be set before the first write, and
	 * WAL mode fixes it, so only a db created here gets it.
	 */
	if (fresh && db_exec(db, "PRAGMA page_size=16384") != 0)
		return -1;
	if (!memory && !(flags & DB_READONLY) &&
	    db_exec(db, "PRAGMA journal_mode=WAL") != 0)
		return -1;
	if (db_exec(db, "PRAGMA synchronous=NORMAL;"
	    "PRAGMA foreign_keys=ON;") != 0)
		return -1;
	if (schemadir != NULL)
		return db_migrate(db, schemadir);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NNN of "NNN-name.sql", or -1. */
static int
migration_number(const char *name)
{
	int n = 0;
	size_t i, len = strlen(name);

	if (len < 8 || strcmp(name + len - 4, ".sql") != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		n = n * 10 + (name[i] - '0');
	}
	return name[3] == '-' ? n : -1;
}

/* A migration script appended to sb. */
static int
read_file(struct db *db, const char *path, struct strbuf *sb)
{
	char *text;
	size_t len;

	if (fileio_read(path, MIGRATION_MAX, &text, &len) != 0)
		return db_seterr(db, "%s: %s", path, strerror(errno));
	strbuf_add(sb, text, len);
	free(text);
	return 0;
}

/* Sets the application_id of a station db that lacks it. */
static int
mark(struct db *db)
{
	long long app;
	char *sql;
	int rc;

	if (db_query_int(db, "PRAGMA application_id", NULL, &app) != 0)
		return -1;
	if (app == DB_APPLICATION_ID)
		return 0;
	sql = xasprintf("PRAGMA application_id = %ld",
	    (long)DB_APPLICATION_ID);
	rc = db_exec(db, sql);
	free(sql);
	return rc;
}

/*
 * An up-to-date station db made before hcp marked its files gets the
 * mark from the next tool that writes to it.
 */
static int
mark_once(struct db *db)
{
	long long app;

	if (sqlite3_db_readonly(db->sq, "main") != 0)
		return 0;
	if (db_query_int(db, "PRAGMA application_id", NULL, &app) != 0)
		return -1;
	if (app == DB_APPLICATION_ID)
		return 0;
	if (db_begin(db) != 0)
		return -1;
	if (mark(db) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int
db_migrate(struct db *db, const char *schemadir)
{
	struct strbuf sql = STRBUF_INIT;
	struct dirent *de;
	char **names = NULL;
	size_t nnames = 0, i;
	int have, last = 0, rc = -1;
	DIR *dir;

	if ((have = db_user_version(db)) < 0)
		return -1;
	if ((dir = opendir(schemadir)) == NULL)
		return db_seterr(db, "%s: %s", schemadir, strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		if (migration_number(de->d_name) < 0)
			continue;
		names = xreallocarray(names, nnames + 1, sizeof(*names));
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(dir);
	qsort(names, nnames, sizeof(*names), cmp_names);
	if (nnames > 0)
		last = migration_number(names[nnames - 1]);
	if (have > last) {
		db_seterr(db, _("%s: database schema version %d is newer "
		    "than this hcp knows (%d); use a newer hcp"), db_path(db),
		    have, last);
		goto out;
	}
	if (have == last) {
		rc = mark_once(db);
		goto out;
	}
	if (sqlite3_db_readonly(db->sq, "main") == 1) {
		db_seterr(db, _("%s: database schema version %d is older "
		    "than this hcp's (%d); any tool that writes to it "
		    "upgrades it, e.g. hcp-init -d %s"), db_path(db), have,
		    last, db_path(db));
		goto out;
	}
	if (db_begin(db) != 0)
		goto out;
	/* Another tool may have migrated while we waited for the lock. */
	if ((have = db_user_version(db)) < 0)
		goto fail;
	for (i = 0; i < nnames; i++) {
		int n = migration_number(names[i]);
		char *path;

		if (n <= have)
			continue;
		strbuf_reset(&sql);
		path = xasprintf("%s/%s", schemadir, names[i]);
		if (read_file(db, path, &sql) != 0) {
			free(path);
			goto fail;
		}
		free(path);
		strbuf_addf(&sql, "\nPRAGMA user_version = %d;\n", n);
		if (db_exec(db, strbuf_str(&sql)) != 0)
			goto fail;
	}
	if (mark(db) != 0 || db_commit(db) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	strbuf_release(&sql);
	return rc;
}

/* ---- the checkpointer thread ------------------------------------ */

struct ckpt {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct db *db;			/* its own connection */
	pthread_t tid;
	int stop;
	long long autockpt;		/* the writer's, given back at the end */
	int frames;			/* in the -wal file at the last commit */
	unsigned long asked, done;	/* checkpoints */
};

static void *
checkpointer(void *arg)
{
	struct ckpt *c = arg;
	unsigned long n;

	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		if (c->done == c->asked) {
			pthread_cond_wait(&c->cv, &c->mu);
			continue;
		}
		n = c->asked;
		pthread_mutex_unlock(&c->mu);
		/*
		 * PASSIVE: it copies what is committed and waits for no
		 * one.  A checkpoint that fails (a reader holds a page) is
		 * done again later, at the latest when the db is closed.
		 */
		sqlite3_wal_checkpoint_v2(c->db->sq, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->mu);
		c->done = n;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* After every commit of the writer: nframes pages are in the -wal file. */
static int
ckpt_hook(void *arg, sqlite3 *sq, const char *name, int nframes)
{
	struct ckpt *c = arg;

	(void)sq;
	(void)name;
	pthread_mutex_lock(&c->mu);
	c->frames = nframes;
	if (nframes >= CKPT_FRAMES) {
		c->asked++;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return SQLITE_OK;
}

void
db_checkpointer_start(struct db *db)
{
	struct ckpt *c;
	long long wal = 0, autockpt;

	if (db->ck != NULL || db_query_int(db, "SELECT journal_mode = 'wal' "
	    "FROM pragma_journal_mode", NULL, &wal) != 0 || !wal ||
	    db_query_int(db, "PRAGMA wal_autocheckpoint", NULL,
	    &autockpt) != 0)
		return;
	c = xcalloc(1, sizeof(*c));
	c->autockpt = autockpt;
	c->db = db_new();
	if (db_open(c->db, db->path, 0, NULL) != 0) {
		db_free(c->db);
		free(c);
		return;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->tid, NULL, checkpointer, c) != 0) {
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		db_free(c->db);
		free(c);
		return;
	}
	db->ck = c;
	sqlite3_wal_hook(db->sq, ckpt_hook, c);
}

void
db_checkpoint_bound(struct db *db)
{
	struct ckpt *c = db->ck;
	unsigned long n;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->frames >= WAL_FRAMES_MAX) {
		n = ++c->asked;
		pthread_cond_broadcast(&c->cv);
		while (c->done < n)
			pthread_cond_wait(&c->cv, &c->mu);
		c->frames = 0;
	}
	pthread_mutex_unlock(&c->mu);
}

void
db_checkpointer_stop(struct db *db)
{
	struct ckpt *c = db->ck;

	if (c == NULL)
		return;
	/* sets the automatic checkpoints again, and removes the hook */
	sqlite3_wal_autocheckpoint(db->sq, (int)c->autockpt);
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->tid, NULL);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	db_free(c->db);
	free(c);
	db->ck = NULL;
}
