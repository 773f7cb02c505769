/* SPDX-License-Identifier: ISC */
/*
 * The record store: the sole writer of the tables evaluations (the
 * imported records) and imports (one row a run of hcp-import), and the
 * reader of records for packing.  Nothing else writes them (README,
 * Decisions).
 *
 * Records go in a group at a time through a writer (struct store_writer):
 * one INSERT takes them straight from their checked struct rec.  A record
 * is found by its form serial or by PROJECT_NO/ASSESS_NUMBER; a range of
 * record ids is read in id order for a batch.
 *
 * Errors: functions return 0 on success and -1 on failure, the message in
 * db_errstr() of the db they were given.
 */
#ifndef HCP_STORE_H
#define HCP_STORE_H

#include <stddef.h>

struct db;
struct rec;

/* ---- the imports table ------------------------------------------ */

/*
 * Starts an import run in a transaction of its own: a row with the file
 * name, operator and time (the SHA-256 is known at the end).  *id gets
 * the run's id.
 */
int store_import_begin(struct db *db, const char *src_file,
    const char *operator, const char *started_at, long long *id);

struct store_counts {
	long rows, accepted, rejected, duplicates;
};

/*
 * Finishes run id (in the caller's transaction): its time, counts and the
 * file's SHA-256 (kept if it was set; NULL or "" for none).
 */
int store_import_finish(struct db *db, long long id, const char *finished_at,
    const struct store_counts *c, const char *src_hash);

/*
 * The latest finished run of the file with SHA-256 src_hash: 1 with *id
 * and *at (malloc'd) set, 0 if there is none, -1 on error.
 */
int store_import_earlier(struct db *db, const char *src_hash, long long *id,
    char **at);

/* ---- writing records -------------------------------------------- */

struct store_writer;

/*
 * A writer of the records of import run import_id, entered by
 * entry_method ("keyed", "scanned"), whose evaluation details were
 * checked against dictionary codes_version (kept, not copied: it must
 * outlive the writer).  One writer at a time on a db.  NULL with
 * db_errstr() set on failure.
 */
struct store_writer *store_writer_new(struct db *db, long long import_id,
    const char *entry_method, const char *codes_version);
void store_writer_free(struct store_writer *w);

#define STORE_TAKEN 1	/* a unique key of the table was taken */

/*
 * Inserts the n checked records r[] with one statement, in order,
 * stopping at the first whose key (serial, project number and assess
 * number, row hash) is taken: the records before it stay in.  *k gets
 * how many went in.  Returns 0 (all did), STORE_TAKEN, or -1.
 */
int store_insert(struct store_writer *w, const struct rec *const *r,
    size_t n, size_t *k);

/* ---- a report's db in memory ------------------------------------ */

/*
 * hcp-report(1) --batches and --received put the records they read into
 * a db in memory, for the same queries as a station's: written here, as
 * every record is.  The values are strings as read (NULL or "" for none),
 * area_code cut to its 6 stored digits.
 */
struct store_row {
	const char *serial, *project_no, *item_code, *dept_code, *area_code;
	const char *window, *staff, *channel, *satisfaction, *evaluator;
	const char *cert_no, *phone, *assess_time;
	int assess_number;		/* 0: 1 */
	long long src_line;
	const char *entry_method;	/* "keyed" or "scanned" */
	const char *row_hash;		/* a key unique to the record */
};

struct store_scratch;

/* Prepares the statements on db; NULL with db_errstr() set. */
struct store_scratch *store_scratch_new(struct db *db);
void store_scratch_free(struct store_scratch *s);
/* An import run for src_file (a batch, say) begun at now: *id. */
int store_scratch_import(struct store_scratch *s, const char *src_file,
    const char *now, long long *id);
/*
 * Adds row to import run import_id; replace: it supersedes the record
 * with its keys (a correction).  0, or -1 (db_errstr(): a key taken).
 */
int store_scratch_add(struct store_scratch *s, long long import_id,
    const struct store_row *row, int replace);

/* ---- finding records -------------------------------------------- */

/*
 * The record whose values as last corrected (evaluations_current) have
 * the serial (16 digits, no separators), or the project number and
 * assess number: 1 with *id set, 0 if there is none, -1 on error.
 */
int store_find_serial(struct db *db, const char *serial, long long *id);
int store_find_assess(struct db *db, const char *project_no,
    int assess_number, long long *id);

/*
 * Changes record id in place (hcp-amend(1)): its fields as in the checked
 * record r, its dictionary version (NULL or "" for none), its row hash r's.
 */
int store_update(struct db *db, long long id, const struct rec *r,
    const char *codes_version);

/* The db column of field f (an enum field_id). */
const char *store_column(int f);
/*
 * Binds field f of the checked record r to parameter i of st as the
 * column holds it (for corrections, whose columns are those of
 * evaluations).
 */
struct sqlite3_stmt;
void store_bind_field(struct sqlite3_stmt *st, int i, int f,
    const struct rec *r);

/* ---- reading records for packing -------------------------------- */

/* How many records there are, and the highest id (0 if none). */
int store_count(struct db *db, long long *n, long long *max_id);

/*
 * Of the records with ids above after, the first limit (-1: all): how
 * many (*n) and the last id (*last, 0 if none).
 */
int store_range_after(struct db *db, long long after, long long limit,
    long long *n, long long *last);

struct store_rows;

/*
 * The records lo..hi (ids) in id order: the ncols columns cols[] (db
 * columns, store_column()), then src_line, entry_method and import_id.
 * With corrections set, the superseding records lo..hi (ids of
 * corrections, hcp-amend(1)) instead: their columns, the src_line,
 * entry_method and import_id of the record superseded, then the name of
 * the batch it is in, reason, operator and amended_at.  NULL with
 * db_errstr() set on failure.
 */
struct store_rows *store_rows_range(struct db *db, const char *const *cols,
    size_t ncols, int corrections, long long lo, long long hi);
/*
 * Of import run id: src_file, src_hash, operator, started_at; a cursor
 * to move with store_rows_seek().
 */
struct store_rows *store_rows_imports(struct db *db);
/* Moves to import run id: 1, 0 if there is none, -1 on error. */
int store_rows_seek(struct store_rows *rs, long long id);
/* The next row: 1, 0 at the end, -1 on error (db_errstr()). */
int store_rows_next(struct store_rows *rs);
/* Column i of the row as text (NULL for NULL), its length in *len. */
const char *store_rows_text(struct store_rows *rs, int i, size_t *len);
long long store_rows_int(struct store_rows *rs, int i);
void store_rows_free(struct store_rows *rs);

#endif
