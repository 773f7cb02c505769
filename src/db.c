/* SPDX-License-Identifier: ISC */
/*
 * Station database: open/create, pragmas, migrations (see db.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

struct db {
	sqlite3 *sq;
	char *path;
	char *err;
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
	if (db->sq != NULL)
		sqlite3_close_v2(db->sq);
	free(db->path);
	free(db->err);
	free(db);
}

const char *
db_errstr(const struct db *db)
{
	return db->err != NULL ? db->err : "no error";
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

int
db_sqlerr(struct db *db, const char *what)
{
	return db_seterr(db, "%s: %s: %s", db_path(db), what,
	    db->sq != NULL ? sqlite3_errmsg(db->sq) : "not open");
}

int
db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->sq, sql, NULL, NULL, &msg) != SQLITE_OK) {
		db_seterr(db, "%s: %s", db_path(db),
		    msg != NULL ? msg : sqlite3_errmsg(db->sq));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
db_prepare(struct db *db, sqlite3_stmt **stmt, const char *sql)
{
	if (sqlite3_prepare_v2(db->sq, sql, -1, stmt, NULL) != SQLITE_OK) {
		*stmt = NULL;
		return db_sqlerr(db, "cannot prepare statement");
	}
	return 0;
}

int
db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

int
db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void
db_rollback(struct db *db)
{
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
		return db_sqlerr(db, "query failed");
	return 0;
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
			return db_seterr(db, "%s: no station database here "
			    "(create one with hcp-init)", path);
		if (create_file(db, path) != 0)
			return -1;
		fresh = 1;
	}
	oflags = (flags & DB_READONLY) ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(path, &db->sq, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK)
		return db_sqlerr(db, "cannot open database");
	sqlite3_extended_result_codes(db->sq, 1);
	sqlite3_busy_timeout(db->sq, 30000);
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

static int
read_file(struct db *db, const char *path, struct strbuf *sb)
{
	char buf[8192];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return db_seterr(db, "%s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(sb, buf, n);
	if (ferror(fp)) {
		fclose(fp);
		return db_seterr(db, "%s: read error", path);
	}
	fclose(fp);
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
		db_seterr(db, "%s: database schema version %d is newer than "
		    "this hcp knows (%d); use a newer hcp", db_path(db), have,
		    last);
		goto out;
	}
	if (have == last) {
		rc = 0;
		goto out;
	}
	if (sqlite3_db_readonly(db->sq, "main") == 1) {
		db_seterr(db, "%s: database schema version %d is older than "
		    "this hcp's (%d); any tool that writes to it upgrades it, "
		    "e.g. hcp-init -d %s", db_path(db), have, last,
		    db_path(db));
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
	if (db_commit(db) != 0)
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
