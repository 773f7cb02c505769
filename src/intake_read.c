/* SPDX-License-Identifier: ISC */
/*
 * Reading the receiving db's records back, on either back end (see
 * intake.h): what hcp-report(1) counts for a county or a province.
 * SQLite hands rows over as it steps; PostgreSQL would hold the whole
 * result in the client, so there the rows come through a cursor, a few
 * thousand at a time, and a province's month never sits in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "intake.h"
#include "intake_db.h"
#include "xalloc.h"
#include "banned.h"

#define FETCH_ROWS 5000
#define FETCH_N "5000"	/* FETCH_ROWS in words */

struct fetch {
	int (*row)(void *arg, int n, const char *const *v);
	void *arg;
	long got;		/* rows of this FETCH */
	int stopped;
};

static int
fetched(void *arg, int n, const char *const *v)
{
	struct fetch *f = arg;

	f->got++;
	if (f->row(f->arg, n, v) != 0)
		return f->stopped = 1;
	return 0;
}

/* Whether s is "" or a day "YYYY-MM-DD" (safe to put in SQL as it is). */
static int
day_ok(const char *s)
{
	size_t i;

	if (*s == '\0')
		return 1;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return 0;
	return s[10] == '\0';
}

int
intake_each_record(struct intake *it, const char *from, const char *to,
    int (*row)(void *arg, int n, const char *const *v), void *arg)
{
	/* a time "YYYY-MM-DD HH:MM:SS" of day to sorts before "to~" */
	static const char sel[] = "SELECT " INTAKE_READ_COLS " FROM records "
	    "WHERE ('%s' = '' OR assess_time >= '%s') AND "
	    "('%s' = '' OR assess_time < '%s~') ORDER BY station, seq, line";
	struct fetch f = { row, arg, 0, 0 };
	char sql[sizeof(sel) + 64], *decl;
	int rc;

	if (!day_ok(from) || !day_ok(to)) {
		intake_seterr(it, _("not a day: \"%s\" or \"%s\""), from, to);
		return -1;
	}
	snprintf(sql, sizeof(sql), sel, from, from, to, to);
	if (!it->pg)
		return it->be->query(it, sql, 0, NULL, row, arg);
	decl = xasprintf("DECLARE hcp_read NO SCROLL CURSOR FOR %s", sql);
	rc = it->be->exec(it, "BEGIN", 0, NULL) != 0 ||
	    it->be->exec(it, decl, 0, NULL) != 0;
	free(decl);
	do {
		f.got = 0;
		if (!rc)
			rc = it->be->query(it, "FETCH " FETCH_N " FROM hcp_read",
			    0, NULL, fetched, &f) != 0;
	} while (!rc && !f.stopped && f.got == FETCH_ROWS);
	if (rc || f.stopped) {
		it->be->exec(it, "ROLLBACK", 0, NULL);
		return rc ? -1 : 0;
	}
	return it->be->exec(it, "COMMIT", 0, NULL) != 0 ? -1 : 0;
}
