/* SPDX-License-Identifier: ISC */
/*
 * The station catalogue: regions, departments, service items, windows,
 * staff and the evaluation-detail dictionary, loaded from a directory of
 * CSV files (formats in hcp-csv(5)).
 *
 * catalog_load() reads and checks every file before it writes anything:
 * each bad row becomes a "file:line: what is wrong" diagnostic, and if
 * there is any error nothing is loaded.  Otherwise, in one transaction,
 * new codes are added, changed names updated, codes missing from the
 * files retired (never deleted: records may reference them) and retired
 * codes that reappear brought back.  Loading the same files twice
 * changes nothing.
 *
 * The read side (catalog_window_get() and the others below) is the one
 * place the tools and the other modules look the catalogue up: no SQL on
 * these tables elsewhere.  Strings returned are malloc'd and belong to
 * the caller (the _release functions free them); on a db error the
 * functions return -1 and db_errstr() says why.
 */
#ifndef HCP_CATALOG_H
#define HCP_CATALOG_H

#include <stddef.h>

struct db;
struct diag_list;

#define CATALOG_NTABLES 6

struct catalog_count {
	const char *table;	/* static */
	long rows, added, updated, retired;
};

struct catalog_stats {
	struct catalog_count t[CATALOG_NTABLES];
	char *eval_codes_version;	/* malloc'd */
};

/*
 * Loads dir/{regions,departments,items,windows,staff,eval_codes}.csv.
 * Diagnostics (errors and warnings) go to dl.  Returns 0, -1 when the
 * files had errors (dl says which), or -2 when a file could not be read
 * (dl says which) or the db failed (db_errstr(), dl empty).
 */
int catalog_load(struct db *db, const char *dir, struct diag_list *dl,
    struct catalog_stats *stats);
void catalog_stats_release(struct catalog_stats *stats);

/* A window, with its department's area code. */
struct catalog_window {
	char *id;
	char *name;
	char *dept;		/* "" if the window has no department */
	char *area;		/* the department's area, or "" */
	int retired;
};

/*
 * Looks up window id, retired or not.  Returns 1 and fills w, 0 if there
 * is no such window, -1 on a db error.
 */
int catalog_window_get(struct db *db, const char *id,
    struct catalog_window *w);
/*
 * Every window not retired, in order of id: *v (malloc'd, *n of them;
 * NULL and 0 when there is none).  Returns 0, or -1 on a db error.
 */
int catalog_windows_current(struct db *db, struct catalog_window **v,
    size_t *n);
void catalog_window_release(struct catalog_window *w);

/* The tables catalog_each() reads. */
enum catalog_set {
	CATALOG_REGIONS,	/* code */
	CATALOG_DEPARTMENTS,	/* code, parent = area code */
	CATALOG_ITEMS,		/* code, parent = department */
	CATALOG_WINDOWS,	/* id */
	CATALOG_STAFF,		/* id */
	CATALOG_EVAL_CODES	/* code and grade, of the versions given */
};

/* One code as catalog_each() hands it over; valid during the call. */
struct catalog_code {
	const char *code;
	const char *parent;	/* NULL where the table has none */
	int grade;		/* evaluation-detail codes, else 0 */
	int retired;
};

/*
 * Calls fn for every code of the set, retired ones too, in no set order.
 * For CATALOG_EVAL_CODES, versions is a list of dictionary versions
 * separated by ", " (one version is a list of one); else NULL.  Returns
 * 0, or -1 on a db error.
 */
int catalog_each(struct db *db, enum catalog_set set, const char *versions,
    void (*fn)(void *arg, const struct catalog_code *c), void *arg);

/*
 * Calls fn with the code and label of every evaluation-detail code of
 * grade 1 or 2 (the reasons for a bad evaluation) in the station's
 * current dictionary, not retired, grade 2 first, then by code.  Returns
 * 0, or -1 on a db error.
 */
int catalog_bad_reasons(struct db *db,
    void (*fn)(void *arg, const char *code, const char *label), void *arg);

#endif
