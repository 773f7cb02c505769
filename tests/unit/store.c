/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the record store on a scratch station db: an import run's
 * row, a group of records inserted with one statement (and one whose key
 * is taken stopping it, the records before it in), looking a record up
 * by serial and by project number and assess number, reading a range
 * back for packing, and the counts packing plans with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "fields.h"
#include "record.h"
#include "store.h"
#include "tap.h"
#include "xalloc.h"
#include "banned.h"

#define NREC 5

/* Sets field f of r to v (kept, not copied). */
static void
set(struct rec *r, enum field_id f, const char *v)
{
	r->v[f] = v;
	r->len[f] = strlen(v);
}

/* A valid record: number i, with a serial or a project number. */
static void
make(struct rec *r, int i, const char *serial, const char *project)
{
	int f;

	memset(r, 0, sizeof(*r));
	for (f = 0; f < F_NFIELDS; f++)
		set(r, (enum field_id)f, "");
	set(r, F_SERIAL, serial);
	set(r, F_PROJECT_NO, project);
	set(r, F_ITEM_CODE, "11440300MB2C92753X4442001000001");
	set(r, F_DEPT_CODE, "11440300MB2C92753X");
	set(r, F_AREA_CODE, "440304");
	set(r, F_ASSESS_TIME, "2026-11-20 10:00:00");
	r->channel = 1;
	r->satisfaction = 5;
	r->assess_number = 1;
	r->line = i + 2;
	snprintf(r->hash, sizeof(r->hash), "%032d", i);
}

static const char *
text(struct store_rows *rs, int i)
{
	size_t n;
	const char *v = store_rows_text(rs, i, &n);

	return v != NULL ? v : "(null)";
}

int
main(void)
{
	const char *dd = getenv("HCP_DATADIR");
	char tmpl[] = "/tmp/hcp-unit-store.XXXXXX", *dir, *path, *schema;
	char *at = NULL;
	static const char *const serials[NREC] = { "1000000000000017",
		"1000000000000025", "", "", "1000000000000033" };
	static const char *const projects[NREC] = { "", "", "P-1", "P-2",
	    "" };
	struct rec r[NREC + 2];
	const struct rec *rp[NREC + 2];
	const char *cols[] = { "serial", "project_no", "satisfaction" };
	struct store_counts c = { 7, 5, 1, 1 };
	struct store_writer *w;
	struct store_rows *rs;
	struct db *db;
	long long id, n, max, last, imp;
	size_t k;
	int i, rc;

	schema = xasprintf("%s/schema", dd != NULL ? dd : "share");
	dir = mkdtemp(tmpl);
	if (dir == NULL) {
		perror("mkdtemp");
		return 1;
	}
	path = xasprintf("%s/station.db", dir);
	db = db_new();
	if (!ok(db_open(db, path, DB_CREATE, schema) == 0, "station db"))
		printf("# %s\n", db_errstr(db));

	ok(store_import_begin(db, "keyed.csv", "op", "2026-11-21 09:00:00",
	    &imp) == 0 && imp > 0, "import run begun");
	for (i = 0; i < NREC; i++) {
		make(&r[i], i, serials[i], projects[i]);
		rp[i] = &r[i];
	}
	/* a record keyed twice, then one more */
	make(&r[NREC], NREC, "1000000000000025", "");
	make(&r[NREC + 1], NREC + 1, "1000000000000041", "");
	rp[NREC] = &r[NREC];
	rp[NREC + 1] = &r[NREC + 1];

	w = store_writer_new(db, imp, NULL, "v1");
	ok(w != NULL, "writer");
	ok(db_begin(db) == 0, "transaction");
	rc = store_insert(w, rp, NREC, &k);
	is_int(rc, 0, "a group goes in with one statement");
	is_int(k, NREC, "all of it");
	rc = store_insert(w, &rp[NREC], 2, &k);
	is_int(rc, STORE_TAKEN, "a serial already held is refused");
	is_int(k, 0, "nothing of that group went in");
	rc = store_insert(w, rp, 1, &k);
	is_int(rc, STORE_TAKEN, "the same record again is refused");
	rc = store_insert(w, &rp[NREC + 1], 1, &k);
	is_int(rc, 0, "the next record goes in");
	store_writer_free(w);
	ok(store_import_finish(db, imp, "2026-11-21 09:01:00", &c,
	    "abc") == 0, "import run finished");
	ok(db_commit(db) == 0, "committed");

	ok(store_find_serial(db, "1000000000000025", &id) == 1 && id == 2,
	    "found by serial");
	ok(store_find_assess(db, "P-2", 1, &id) == 1 && id == 4,
	    "found by project number and assess number");
	is_int(store_find_assess(db, "P-2", 2, &id), 0,
	    "another assess number is not found");
	is_int(store_find_serial(db, "9999999999999999", &id), 0,
	    "an unknown serial is not found");

	ok(store_count(db, &n, &max) == 0 && n == NREC + 1 && max == NREC + 1,
	    "count and highest id");
	ok(store_range_after(db, 2, 2, &n, &last) == 0 && n == 2 && last == 4,
	    "two records after id 2");
	ok(store_range_after(db, 0, -1, &n, &last) == 0 && n == NREC + 1 &&
	    last == NREC + 1, "every record");

	rs = store_rows_range(db, cols, 3, 0, 2, 4);
	ok(rs != NULL, "a range");
	ok(store_rows_next(rs) == 1, "its first row");
	is_str(text(rs, 0), "1000000000000025", "serial of id 2");
	is_int(store_rows_int(rs, 2), 5, "its satisfaction");
	is_int(store_rows_int(rs, 3), 3, "its src_line");
	is_str(text(rs, 4), "keyed", "its entry method");
	is_int(store_rows_int(rs, 5), imp, "its import run");
	ok(store_rows_next(rs) == 1, "the second");
	is_str(text(rs, 0), "(null)", "an empty serial is NULL");
	is_str(text(rs, 1), "P-1", "project number of id 3");
	ok(store_rows_next(rs) == 1 && store_rows_next(rs) == 0,
	    "three rows, in id order");
	store_rows_free(rs);

	rs = store_rows_imports(db);
	ok(rs != NULL && store_rows_seek(rs, imp) == 1, "the import run");
	is_str(text(rs, 0), "keyed.csv", "its file");
	is_str(text(rs, 1), "abc", "its SHA-256");
	is_str(text(rs, 2), "op", "its operator");
	is_int(store_rows_seek(rs, imp + 1), 0, "no other run");
	store_rows_free(rs);
	ok(store_import_earlier(db, "abc", &id, &at) == 1 && id == imp &&
	    at != NULL && strcmp(at, "2026-11-21 09:01:00") == 0,
	    "an earlier import of the same bytes");
	free(at);
	is_int(store_import_earlier(db, "abd", &id, &at), 0,
	    "none of other bytes");

	db_free(db);
	unlink(path);
	free(path);
	path = xasprintf("%s/station.db-wal", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/station.db-shm", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	free(schema);
	return tap_done();
}
