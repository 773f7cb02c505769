/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the db module (migrations on :memory: and on a scratch
 * schema directory), settings and the field table.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "fields.h"
#include "settings.h"
#include "tap.h"
#include "xalloc.h"
#include "banned.h"

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static long long
q(struct db *db, const char *sql)
{
	long long v = -1;

	if (db_query_int(db, sql, NULL, &v) != 0)
		printf("# %s\n", db_errstr(db));
	return v;
}

int
main(void)
{
	const char *dd = getenv("HCP_DATADIR");
	char *schema, tmpl[] = "/tmp/hcp-unit-db.XXXXXX", *dir, *p, *v;
	struct db *db;
	struct stat st;
	long long n;

	schema = xasprintf("%s/schema", dd != NULL ? dd : "share");

	/* the shipped schema on :memory: */
	db = db_new();
	ok(db_open(db, ":memory:", DB_CREATE, schema) == 0,
	    "shipped schema migrates on :memory:");
	ok(db_user_version(db) >= 1, "user_version is set");
	is_int(q(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
	    "('settings','regions','departments','items','windows','staff',"
	    "'eval_codes','forms','evaluations','batches','imports','audit')"),
	    12, "all the DESIGN tables exist");
	ok(db_migrate(db, schema) == 0, "migrating again is a no-op");

	/* settings: defaults, checks, storage */
	v = settings_get(db, "supplement_days");
	is_str(v, "7", "supplement_days defaults to 7");
	free(v);
	ok(settings_get(db, "region") == NULL, "region has no default");
	ok(settings_set(db, "region", "33052") != 0, "5-digit region refused");
	ok(settings_set(db, "region", "330523") == 0, "region set");
	ok(settings_set(db, "paper_channel", "8") != 0, "channel 8 refused");
	ok(settings_set(db, "no_such", "1") != 0, "unknown key refused");
	ok(strstr(db_errstr(db), "no_such") != NULL, "error names the key");
	ok(settings_set(db, "rectify_workdays", "20") == 0 &&
	    settings_get_int(db, "rectify_workdays", &n) == 0 && n == 20,
	    "a time limit is a setting, not a constant");
	db_free(db);

	/* migrations step by step on a scratch schema directory */
	dir = mkdtemp(tmpl);
	ok(dir != NULL, "scratch dir");
	p = xasprintf("%s/001-a.sql", dir);
	write_file(p, "CREATE TABLE a (x INTEGER);");
	free(p);
	p = xasprintf("%s/test.db", dir);
	db = db_new();
	ok(db_open(db, p, 0, dir) != 0, "a missing db is not created "
	    "without DB_CREATE");
	ok(strstr(db_errstr(db), "hcp-init") != NULL,
	    "and the message says to run hcp-init");
	db_free(db);
	db = db_new();
	ok(db_open(db, p, DB_CREATE, dir) == 0, "create with migration 1");
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "the db file is mode 0600");
	is_int(db_user_version(db), 1, "user_version 1");
	db_free(db);
	free(p);
	p = xasprintf("%s/002-b.sql", dir);
	write_file(p, "ALTER TABLE a ADD COLUMN y TEXT; INSERT INTO a "
	    "VALUES (1, 'b');");
	free(p);
	p = xasprintf("%s/test.db", dir);
	db = db_new();
	ok(db_open(db, p, 0, dir) == 0, "open applies migration 2");
	is_int(db_user_version(db), 2, "user_version 2");
	is_int(q(db, "SELECT count(*) FROM a WHERE y = 'b'"), 1,
	    "migration 2 ran once");
	db_free(db);
	free(p);
	p = xasprintf("%s/003-c.sql", dir);
	write_file(p, "INSERT INTO a VALUES (2, 'c'); THIS IS NOT SQL;");
	free(p);
	p = xasprintf("%s/test.db", dir);
	db = db_new();
	ok(db_open(db, p, 0, dir) != 0, "a failing migration is an error");
	is_int(db_user_version(db), 2, "and leaves user_version alone");
	is_int(q(db, "SELECT count(*) FROM a"), 1,
	    "and none of its statements applied");
	db_free(db);
	free(p);
	p = xasprintf("%s/003-c.sql", dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/002-b.sql", dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/test.db", dir);
	db = db_new();
	ok(db_open(db, p, 0, dir) != 0 && strstr(db_errstr(db), "newer"),
	    "a db newer than the schema is refused");
	db_free(db);
	free(p);

	/* the checkpointer: writes are copied out of the -wal file */
	p = xasprintf("%s/ckpt.db", dir);
	db = db_new();
	ok(db_open(db, p, DB_CREATE, schema) == 0, "a station db in a file");
	db_checkpointer_start(db);
	is_int(q(db, "PRAGMA wal_autocheckpoint"), 0,
	    "the writer leaves checkpoints to the thread");
	for (n = 0; n < 40; n++) {
		if (db_begin(db) != 0 || db_exec(db, "INSERT INTO settings "
		    "(key, value) SELECT 'k' || (SELECT count(*) FROM "
		    "settings), zeroblob(65536)") != 0 || db_commit(db) != 0)
			break;
		db_checkpoint_bound(db);
	}
	is_int(n, 40, "forty transactions of 64 KB");
	db_checkpointer_stop(db);
	is_int(q(db, "PRAGMA wal_autocheckpoint"), 1000,
	    "stopped: the writer checkpoints again");
	db_checkpointer_stop(db);
	ok(1, "stopping twice is harmless");
	is_int(q(db, "SELECT count(*) FROM settings WHERE key LIKE 'k%'"),
	    40, "every row is there");
	db_free(db);
	free(p);

	/* the field table */
	is_int(field_lookup("serial"), F_SERIAL, "English name");
	is_int(field_lookup("projectNo"), F_PROJECT_NO, "interface name");
	is_int(field_lookup(" 满意度 "), F_SATISFACTION, "Chinese header");
	is_int(field_lookup("PF"), F_CHANNEL, "case-insensitive Latin");
	is_int(field_lookup("no such"), -1, "unknown header");

	p = xasprintf("rm -rf '%s'", dir);
	if (system(p) != 0)
		printf("# could not remove %s\n", dir);
	free(p);
	free(schema);
	return tap_done();
}
