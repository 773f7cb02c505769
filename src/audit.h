/* SPDX-License-Identifier: ISC */
/*
 * The audit trail (table audit): the sole writer of its rows.  A row says
 * who changed what, when and why: the table and key of the row changed,
 * the field, its old and new value.  Rows are only ever added.
 *
 * Errors: audit_write() returns 0, or -1 with db_errstr() set.
 */
#ifndef HCP_AUDIT_H
#define HCP_AUDIT_H

#include <stddef.h>

struct db;

struct audit_entry {
	const char *field;	/* NULL: the row as a whole */
	const char *old, *new;	/* NULL or "": none */
};

/*
 * Adds one row for each of the n entries v[], all with the time at,
 * operator, table tbl, key and reason (NULL: none), in the caller's
 * transaction.
 */
int audit_write(struct db *db, const char *at, const char *operator,
    const char *tbl, const char *key, const char *reason,
    const struct audit_entry *v, size_t n);

#endif
