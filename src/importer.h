/* SPDX-License-Identifier: ISC */
/*
 * Reading a keyed CSV into the station db (hcp-import), or only checking
 * it (hcp-check, hcp-import -n): every data row is validated by record.h
 * and ends up accepted, rejected (written to the rejects file with its
 * line, columns, codes and messages) or counted as a duplicate of a row
 * already imported; the three counts add up to the rows read.
 *
 * Rows are written in transactions of opts->chunk rows (shorter near
 * the end of a file), each holding the evaluations of its rows, so an
 * interrupted import leaves whole chunks behind and a re-run finds them
 * as duplicates.  One import run is one row of the imports table with the
 * file's SHA-256, the operator and the counts; each evaluation keeps its
 * line and the run's id.
 *
 * Errors: import_file() returns -1 with a malloc'd message in *errp (file
 * or db errors); bad rows are not errors.
 */
#ifndef HCP_IMPORTER_H
#define HCP_IMPORTER_H

#include "csvin.h"
#include "record.h"

struct db;

struct import_opts {
	const char *operator;		/* required unless dry_run */
	const char *rejects;		/* NULL: INPUT.rejects.csv */
	enum csvin_encoding enc;
	unsigned map_flags;		/* REC_MAP_IGNORE_UNKNOWN */
	int dry_run;			/* check only; write nothing */
	int no_rejects;			/* do not write a rejects file */
	long chunk;			/* rows a transaction; 0: 50000 */
	const char *entry_method;	/* "keyed" (NULL) or "scanned" */
	/* every problem found, as it is found (may be NULL) */
	void (*on_problem)(void *arg, const char *path,
	    const struct rec_problem *p);
	/* progress now and then (may be NULL) */
	void (*on_progress)(void *arg, const char *path,
	    unsigned long long done, unsigned long long total, long rows);
	void *arg;
};

struct import_result {
	long rows, accepted, rejected, duplicates, warnings;
	int header_bad;			/* the header was unusable */
	long long import_id;		/* 0 on a dry run */
	char *rejects_path;		/* written, or NULL */
	char src_hash[65];
	const char *encoding;		/* static */
	long long earlier_import;	/* a finished earlier import of the
					   same bytes, or 0 */
	char *earlier_at;		/* its time, or NULL */
	char *stopped;			/* the input could not be read to
					   its end: why (file:line: ...);
					   the counts are of the rows before,
					   which are imported */
	char *rejects_removed;		/* an older rejects file of the
					   input, removed: no row was
					   rejected this time */
	char *other_sheets;		/* the header was unusable, and the
					   workbook has these other sheets
					   ("\"录入\", ..."), or NULL */
};

/*
 * Imports (or checks) path ("-": standard input) into db under ctx,
 * which rec_ctx_load() filled from db.  Fills res (release it with
 * import_result_release()).  Returns 0, or -1 with *errp set.
 */
int import_file(struct db *db, struct rec_ctx *ctx, const char *path,
    const struct import_opts *opts, struct import_result *res, char **errp);
void import_result_release(struct import_result *res);

#endif
