/* SPDX-License-Identifier: ISC */
/*
 * Figures of the evaluations (hcp-report(1)): counts, grades, 好评率,
 * 差评率, mean score, real-name share and, when hcp-review's table
 * "cases" exists, the follow-up of bad reviews, for one period and any
 * set of groupings.  The module reads the station db in one pass and
 * adds every record to each grouping asked for; all of its SQL is here.
 *
 * Memory: report_run() returns a struct report the caller frees with
 * report_free(); every string in it belongs to it.  Errors: functions
 * return -1 and set *errstr to a malloc'd English message.
 */
#ifndef HCP_REPORT_H
#define HCP_REPORT_H

#include <stddef.h>
#include <stdio.h>

struct db;

enum report_by {
	RB_DEPT,
	RB_WINDOW,
	RB_STAFF,
	RB_ITEM,
	RB_CHANNEL,
	RB_METHOD,
	RB_REGION,
	RB_DAY,
	RB_WEEK,
	RB_MONTH,
	RB_NBY
};

#define REPORT_DATELEN 11	/* "YYYY-MM-DD" and its NUL */

struct report_opts {
	char from[REPORT_DATELEN];	/* first day, "" for no limit */
	char to[REPORT_DATELEN];	/* last day, "" for no limit */
	char asof[REPORT_DATELEN];	/* overdue counted at this day */
	unsigned by;			/* 1 << enum report_by, OR'ed */
	int public;			/* --public: aggregates only */
	int public_staff;		/* setting report_public_staff */
	long min_public;		/* setting report_public_min */
	long min_rank;			/* setting report_rank_min */
	int batches;			/* figures of batches: no follow-up */
};

struct report_row {
	char *key;		/* code, date, week's Monday or month */
	char *name;		/* catalogue name, or "" */
	long n;			/* evaluations (excluded ones left out) */
	long grade[5];		/* grade[g - 1]: evaluations with grade g */
	long sum;		/* sum of grades */
	long realname;		/* with a name, certificate or phone */
	long cases;		/* bad reviews with a follow-up case */
	long visited;		/* ... with a return visit */
	long visited_ontime;	/* ... on or before visit_due */
	long closed;		/* ... rectified (closed) */
	long overdue;		/* ... closed late or open past due */
	long rank;		/* 1 best 好评率; 0 when not ranked */
	long services;		/* 办件 of the group in the period */
	long served;		/* ... of which evaluated (覆盖) */
	int suppressed;		/* public: below min_public */
};

struct report_table {
	enum report_by by;
	struct report_row *rows;	/* in key order */
	size_t n;
	size_t suppressed;		/* rows withheld (public) */
	size_t ranked;
};

struct report {
	struct report_opts o;
	int have_cases;			/* the table "cases" exists */
	int have_services;		/* a services list is loaded */
	long unmatched;			/* evaluations with no service */
	long excluded;			/* left out: appeal accepted */
	char *station;			/* station name setting */
	struct report_row total;
	struct report_table tables[RB_NBY];	/* those in o.by */
};

/* "dept" … "month", and the column heading (English, for _()). */
const char *report_by_name(enum report_by by);
const char *report_by_heading(enum report_by by);
/*
 * Parses a comma-separated list of grouping names ("all" for every one)
 * into *mask.  Returns 0, or -1 with *errstr.
 */
int report_by_parse(const char *list, unsigned *mask, char **errstr);
/*
 * Sets o->from and o->to from a period: kind 'd' a day "YYYY-MM-DD",
 * 'm' "YYYY-MM", 'q' "YYYY-Qn", 'y' "YYYY"; 'f' sets only o->from to the
 * first day and 't' only o->to to the last day of any of these.
 * Returns 0, or -1 with *errstr.
 */
int report_period(struct report_opts *o, int kind, const char *v,
    char **errstr);
/*
 * The period of o as the reports head it: "FROM – TO", "from FROM", "up
 * to TO", or all records (translated).
 */
void report_period_text(const struct report_opts *o, char *buf, size_t len);
/* Loads the report settings of the station into o (see settings.c). */
int report_load_settings(struct db *db, struct report_opts *o,
    char **errstr);

int report_run(struct db *db, const struct report_opts *o,
    struct report **out, char **errstr);
void report_free(struct report *r);

/* num / den, or a NaN when den is 0. */
double report_ratio(long num, long den);
/* The figures of one row as ratios (NaN when undefined). */
double report_good_rate(const struct report_row *r);
double report_bad_rate(const struct report_row *r);
double report_mean(const struct report_row *r);

/* The columns of every output, in order. */
enum report_col_kind { RC_COUNT, RC_RATE, RC_MEAN, RC_RANK };
struct report_col {
	const char *id;		/* CSV/JSON name */
	const char *heading;	/* English, for _() */
	enum report_col_kind kind;
	int needs;		/* 1: the cases table, 2: a services list */
};
const struct report_col *report_columns(size_t *n);
/* True if column c is given in this report. */
int report_column_used(const struct report *r, const struct report_col *c);
/* The value of column i of a row: NaN when undefined (no denominator). */
double report_value(const struct report_row *r, size_t i);

/* Output formats of the figures (reportout.c); 0, or -1 on a write error. */
int report_write_table(const struct report *r, FILE *fp, int colour);
int report_write_csv(const struct report *r, FILE *fp);
int report_write_json(const struct report *r, FILE *fp);
/*
 * The XLSX workbook (xlsxreport.c): a sheet per grouping, numbers as
 * numbers, rates formatted as percentages.  0, or -1 with *errstr.
 */
int report_write_xlsx(const struct report *r, FILE *fp, char **errstr);
/*
 * The PDF report with charts (render_report.c, in librender: only
 * tools that draw may call it): A4, fonts embedded, the same bytes for
 * the same figures under SOURCE_DATE_EPOCH.  0, or -1 with *errstr.
 */
int render_report_pdf(const struct report *r, FILE *fp, const char *name,
    char **errstr);

/*
 * Loads a services list (办件, hcp-csv(5) SERVICES) into the services
 * table: every data row is accepted, rejected into the rejects file at
 * rejects_path (with line, column, code and reason) or counted as a
 * duplicate of a service already loaded, and the three counts add up to
 * the rows read.  Returns 0 (rows may have been rejected), or -1 with
 * *errstr when the file cannot be read or stored (nothing is stored).
 */
struct services_stats {
	long read, accepted, rejected, duplicates;
	char *rejects_path;	/* set when a rejects file was written */
};
int report_load_services(struct db *db, const char *path, int enc,
    const char *rejects_path, struct services_stats *st, char **errstr);
/*
 * Writes, as CSV, the services of the period never evaluated and the
 * evaluations of the period whose project number names no service
 * (columns kind, project_no, item_code, window, staff, date; no personal
 * data).  0, or -1 with *errstr.
 */
int report_write_unmatched(struct db *db, const struct report_opts *o,
    FILE *fp, char **errstr);

/*
 * Writes the anomaly flags of the period (hcp-report(1) FLAGS): for each
 * rule its name, threshold (a station setting report_flag_*) and every
 * subject that passes it, with the file:line of the records behind it.
 * csv: as CSV (rule, threshold, subject, count, detail, evidence), else
 * as text.  Flags are leads, not verdicts.  0, or -1 with *errstr.
 */
int report_write_flags(struct db *db, const struct report_opts *o,
    FILE *fp, int csv, long *nflags, char **errstr);

/*
 * Reads the batches (*.tar.gz) of directory dir, in name order, into
 * mem, a station db made in memory: each batch is verified first
 * (verify.h) with each public key in turn until one passes; only the
 * records of batches that pass are added, a superseding record taking
 * the place of the one it corrects.  station, when not NULL, gives the
 * catalogue and settings (names, empty groups, the validator's checks).
 * A batch that fails is counted in bs, not an error.  0, or -1 with
 * *errstr when a batch cannot be read at all or the db fails.
 */
struct batches_stats {
	long batches;		/* read and added */
	long long records;
	long refused;		/* failed verification: left out */
	char *first_refused;	/* "path: first problem", malloc'd */
};
int report_load_batches(struct db *mem, struct db *station, const char *dir,
    const char *const *keys, size_t nkeys, struct batches_stats *bs,
    char **errstr);

/*
 * Reads the records of a receiving db (hcp-intake(1), SQLite or
 * PostgreSQL) on the days of o's period into mem, as
 * report_load_batches does with batches: they were verified when they
 * were received, and a correction has already taken the place of what
 * it corrects.  Returns the number of records, or -1 with *errstr.
 */
struct intake;
long long report_load_received(struct db *mem, struct db *station,
    struct intake *it, const struct report_opts *o, char **errstr);

#endif
