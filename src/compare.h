/* SPDX-License-Identifier: ISC */
/*
 * Double entry (hcp-compare): two independent keyings of the same paper
 * forms, matched on the form serial after both were normalised by
 * record.h, so that "330523-01-0000123-7" and "3305230100001237", or 满意
 * and 4, are the same.  Every difference is handed to a callback: a
 * field that differs, a serial on one side only, a serial keyed twice on
 * one side, a row without a serial.  The second file is held in memory
 * (one keying session: thousands of rows, not millions); the first is
 * streamed.
 *
 * Errors: compare_files() returns -1 with a malloc'd message in *errp.
 */
#ifndef HCP_COMPARE_H
#define HCP_COMPARE_H

#include "csvin.h"
#include "record.h"

/* What a difference is about; the column for field differences. */
#define CMP_MISSING	"(missing)"	/* serial on one side only */
#define CMP_DUPLICATE	"(duplicate)"	/* serial keyed twice on a side */
#define CMP_NO_SERIAL	"(no serial)"	/* the row cannot be matched */

struct cmp_diff {
	const char *serial;	/* normalised; "" for CMP_NO_SERIAL */
	const char *column;	/* header of the field, or a CMP_ marker */
	const char *a, *b;	/* values (personal data masked, the
				   characters that differ shown as ^), or
				   "present" / "missing" / "repeated" / "" */
	long line_a, line_b;	/* 0 if none */
};

struct cmp_stats {
	long rows_a, rows_b;
	long matched;		/* serials on both sides */
	long differing;		/* of those, rows with some field different */
	long fields;		/* differing fields */
	long only_a, only_b, dup_a, dup_b, noserial_a, noserial_b;
};

struct cmp_opts {
	enum csvin_encoding enc;
	unsigned map_flags;
	void (*on_diff)(void *arg, const struct cmp_diff *d);
	void *arg;
};

/*
 * Compares files a and b under ctx (its coding and catalogue).  Fills
 * st; returns 0 (st says whether they differ) or -1 with *errp set.
 */
int compare_files(struct rec_ctx *ctx, const char *a, const char *b,
    const struct cmp_opts *o, struct cmp_stats *st, char **errp);

#endif
