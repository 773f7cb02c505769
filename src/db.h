/* SPDX-License-Identifier: ISC */
/*
 * The station database: a SQLite file in WAL mode with a busy timeout, so
 * two tools can work on one db at once.  New files are created mode 0600
 * (they hold personal data).  The schema lives in share/schema/NNN-*.sql
 * and is applied by db_migrate() according to PRAGMA user_version.
 *
 * Errors: functions return 0 on success and -1 on failure; the message
 * (English, naming the file) is kept until the next failure and read
 * with db_errstr().  The struct db owns its sqlite3 handle.
 */
#ifndef HCP_DB_H
#define HCP_DB_H

/* SQLite's own types; only the files that call SQLite include its header. */
struct sqlite3;
struct sqlite3_stmt;

/*
 * PRAGMA application_id of a station db: "HCP1" in ASCII.  Set when the
 * schema is applied (and on an older station db by the next tool that
 * writes to it); db_open() refuses a file that is not empty and carries
 * another id, or none and no hcp tables.
 */
#define DB_APPLICATION_ID	0x48435031

#define DB_CREATE	0x1	/* create the file (0600) if it is missing,
				   or make an empty file a station db */
#define DB_READONLY	0x2	/* open read-only; an older schema is an error */

struct db;

struct db *db_new(void);
/*
 * Opens path.  With schemadir non-NULL, applies the migrations the file
 * lacks (see db_migrate()).  A missing file without DB_CREATE is an error that tells the
 * user to run hcp-init.
 */
int db_open(struct db *db, const char *path, unsigned flags,
    const char *schemadir);
/* Closes and frees; NULL is allowed. */
void db_free(struct db *db);

const char *db_errstr(const struct db *db);
const char *db_path(const struct db *db);
struct sqlite3 *db_sqlite(struct db *db);

/* Records an error message (printf format); always returns -1. */
int db_seterr(struct db *db, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Records "what: <sqlite message>"; always returns -1. */
int db_sqlerr(struct db *db, const char *what);
/*
 * True once the file was refused: not a station db (db_open()), or
 * damaged (an error with SQLITE_CORRUPT or SQLITE_NOTADB, or a failed
 * db_quick_check()), when db_errstr() reads "the station db is damaged"
 * and gives the recovery steps.  Tools exit 2.
 */
int db_refused(const struct db *db);
/*
 * SQLite's PRAGMA quick_check of the whole file, or with skip non-NULL of
 * every table (and its indexes) but that one: 0 if SQLite finds them
 * sound, else -1 with the damaged-db message.
 */
int db_quick_check(struct db *db, const char *skip);

int db_exec(struct db *db, const char *sql);
int db_prepare(struct db *db, struct sqlite3_stmt **stmt, const char *sql);
/* Binds text v (copied) to parameter i, or NULL when v is NULL or "". */
void db_bind_opt(struct sqlite3_stmt *st, int i, const char *v);
/*
 * BEGIN IMMEDIATE, COMMIT, ROLLBACK (rollback never fails loudly); inside
 * a transaction, a savepoint that commit releases and rollback undoes.
 */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* PRAGMA user_version, or -1. */
int db_user_version(struct db *db);
/*
 * Applies schemadir/NNN-*.sql with NNN > user_version, in order; on a
 * read-only db, fails if there is any to apply.
 */
int db_migrate(struct db *db, const char *schemadir);

/* The number of rows of table (one of the schema's): 0, or -1. */
int db_table_rows(struct db *db, const char *table, long long *n);
/* SQLite's page cache of this connection, in KiB whatever the file size. */
int db_cache_kib(struct db *db, long kib);

/*
 * Runs a query that returns one integer (e.g. SELECT count(*)), binding
 * the optional text parameter to ?1.  Returns 0 and stores the value (0
 * if no row), or -1.
 */
int db_query_int(struct db *db, const char *sql, const char *param,
    long long *out);

/*
 * Checkpoints taken off a writer's connection, for a long run of
 * transactions (hcp-import): when the db is in WAL mode, a thread with a
 * connection of its own copies what the writer committed from the -wal
 * file into the db (PASSIVE: it waits for no one), with the fsyncs that
 * takes, so that the writer never waits for the disk.  Without the
 * thread (another journal mode, no second connection) SQLite
 * checkpoints on the writer's commits as usual; start never fails.
 * db_checkpoint_bound(), between two transactions, waits for a
 * checkpoint of the whole -wal file once it is large, so that it starts
 * again from its beginning.  db_checkpointer_stop() (and db_free())
 * ends the thread and gives the writer its automatic checkpoints back.
 */
void db_checkpointer_start(struct db *db);
void db_checkpoint_bound(struct db *db);
void db_checkpointer_stop(struct db *db);

#endif
