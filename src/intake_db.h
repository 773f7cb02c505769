/* SPDX-License-Identifier: ISC */
/*
 * What the two back ends of intake.h give it (intake_sqlite.c,
 * intake_pg.c): SQL with text parameters written $1, $2, ... (both
 * understand that), a batch's records streamed as they are verified
 * (SQLite: prepared inserts; PostgreSQL: COPY), and the monthly
 * partitions.  The records go either straight into records and their
 * keys into serial_keys and project_keys (direct_begin: the fast path),
 * or into the connection's own table intake_stage (stage_begin: the
 * slow path, which SQL then compares and moves).  Every function
 * returns 0, or -1 with the message in it->err (-2 for a unique key
 * violated: a record's key loaded before, or a batch loaded meanwhile
 * by a concurrent worker).  Only intake*.c include this.
 */
#ifndef HCP_INTAKE_DB_H
#define HCP_INTAKE_DB_H

#include <stddef.h>

/*
 * Columns of intake_stage, in the order stage_row() takes them: those of
 * records, whose types and collations the stage takes (each back end
 * makes it, empty, from this SELECT).
 */
#define INTAKE_STAGE_COLS "line, supersedes, assess_month, serial, " \
	"project_no, item_code, dept_code, area_code, window_code, " \
	"staff_code, channel, satisfaction, eval_detail, comment, " \
	"user_prop, evaluator, cert_type, cert_no, phone, service_time, " \
	"assess_time, assess_number, guide_clear, process_easy, " \
	"material_lean, ui_friendly"
#define INTAKE_NSTAGE 26
#define INTAKE_STAGE_AS "AS SELECT " INTAKE_STAGE_COLS " FROM records"
/* Some of them by their place. */
#define STAGE_LINE	0
#define STAGE_MONTH	2
#define STAGE_SERIAL	3
#define STAGE_PROJECT	4
#define STAGE_NUMBER	21	/* assess_number */

struct intake;

/* A row of a query: n values, NULL for SQL NULL.  Nonzero stops. */
typedef int intake_row_fn(void *arg, int n, const char *const *v);

struct intake_be {
	const char *begin_sql;	/* starts a batch's transaction */
	void (*close)(struct intake *it);
	int (*exec)(struct intake *it, const char *sql, int n,
	    const char *const *p);
	int (*query)(struct intake *it, const char *sql, int n,
	    const char *const *p, intake_row_fn *row, void *arg);
	int (*stage_begin)(struct intake *it);
	/* records of station (text), of region, in batch seq (text) */
	int (*direct_begin)(struct intake *it, const char *station,
	    const char *region, const char *seq);
	/*
	 * INTAKE_NSTAGE values, NULL for NULL; on verify's thread.  After
	 * direct_begin, 1: the row cannot go straight in (its month has
	 * no partition known to exist), nothing sent.
	 */
	int (*stage_row)(struct intake *it, const char *const *v);
	/* after direct_begin: the keys too */
	int (*stage_end)(struct intake *it);
	/* the partitions the months of intake_stage need */
	int (*partitions)(struct intake *it);
};

struct intake {
	const struct intake_be *be;
	void *h;		/* sqlite3 * or PGconn * */
	void *h2;		/* PostgreSQL: a connection for DDL */
	void *stmt;		/* SQLite: the stage insert */
	int pg;
	char *conninfo;		/* PostgreSQL's, for another connection */
	char *datadir;
	char *err;
	/* the batch being loaded (intake.c) */
	int careful;		/* the slow path: statistics, conflicts */
	int direct;		/* rows go straight in (direct_begin) */
	int stage_failed;
	char *stage_err;
};

/* Sets it->err (a malloc'd copy of the formatted text). */
void intake_seterr(struct intake *it, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The text of datadir/intake/name, malloc'd, or NULL (it->err). */
char *intake_read_sql(struct intake *it, const char *datadir,
    const char *name);

int intake_sqlite_open(struct intake *it, const char *path,
    const char *datadir);
int intake_pg_open(struct intake *it, const char *conninfo,
    const char *datadir);

#endif
