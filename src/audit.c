/* SPDX-License-Identifier: ISC */
/*
 * The audit trail (see audit.h).
 */
#include <stddef.h>

#include <sqlite3.h>

#include "audit.h"
#include "db.h"
#include "i18n.h"
#include "banned.h"

int
audit_write(struct db *db, const char *at, const char *operator,
    const char *tbl, const char *key, const char *reason,
    const struct audit_entry *v, size_t n)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_DONE;

	if (db_prepare(db, &st, "INSERT INTO audit (at, operator, tbl, key, "
	    "field, old, new, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8)") != 0)
		return -1;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, operator, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
	if (reason != NULL)
		sqlite3_bind_text(st, 8, reason, -1, SQLITE_STATIC);
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		if (v[i].field != NULL)
			sqlite3_bind_text(st, 5, v[i].field, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		db_bind_opt(st, 6, v[i].old);
		db_bind_opt(st, 7, v[i].new);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, _("cannot write the audit record"));
	return 0;
}
