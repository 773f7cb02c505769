/* SPDX-License-Identifier: ISC */
/*
 * Reading the receiving db's records back, on either back end (see
 * intake.h): what hcp-report(1) counts for a county or a province.
 */
#include <stdio.h>
#include <string.h>

#include "intake.h"
#include "intake_db.h"
#include "banned.h"

int
intake_each_record(struct intake *it, const char *from, const char *to,
    int (*row)(void *arg, int n, const char *const *v), void *arg)
{
	/* a time "YYYY-MM-DD HH:MM:SS" of day to sorts before "to~" */
	char end[16];
	const char *p[2];

	snprintf(end, sizeof(end), "%s~", to);
	p[0] = from;
	p[1] = end;
	return it->be->query(it, "SELECT " INTAKE_READ_COLS " FROM records "
	    "WHERE (CAST($1 AS TEXT) = '' OR assess_time >= $1) AND "
	    "(CAST($2 AS TEXT) = '~' OR assess_time < $2) "
	    "ORDER BY station, seq, line", 2,
	    p, row, arg);
}
