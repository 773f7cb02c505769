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
 * Diagnostics (errors and warnings) go to dl.  Returns 0, or -1 when the
 * files had errors (dl says which) or the db failed (db_errstr()).
 */
int catalog_load(struct db *db, const char *dir, struct diag_list *dl,
    struct catalog_stats *stats);
void catalog_stats_release(struct catalog_stats *stats);

#endif
