/* SPDX-License-Identifier: ISC */
/*
 * The values a read page gives its record (scan_values.c): grade (as its
 * word), the 是/否 answers and the reason codes, from the tick boxes of
 * a struct scan_page; a field the boxes do not settle (no grade, two
 * grades, 是 and 否 both, a faint or scribbled-over box) has no value,
 * is flagged unsure and is described in the note, for a person to
 * decide.  Memory is malloc'd and owned by the struct.
 */
#ifndef HCP_SCANVALUES_H
#define HCP_SCANVALUES_H

#include "fields.h"

struct scan_page;

struct scan_values {
	char *v[F_NFIELDS];	/* a value, or NULL */
	int unsure[F_NFIELDS];	/* a person must decide the field */
	int nunsure;
	char *note;		/* what is unclear, or NULL */
};

/* Fills sv from pg (status SCAN_OK); returns the unsure fields. */
int scan_values_get(const struct scan_page *pg, struct scan_values *sv);
void scan_values_release(struct scan_values *sv);

/* The word of a grade "1".."5" (非常不满意 .. 非常满意), or NULL. */
const char *scan_grade_word(const char *v);

#endif
