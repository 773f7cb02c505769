/* SPDX-License-Identifier: ISC */
/*
 * The fields of an evaluation record (DESIGN §6.1), in one table that
 * every tool shares: the keyed CSV header (Chinese as hcp-form
 * --csv-template prints it, or the English name), the national interface
 * name used in upload batches, and the longest value accepted.
 */
#ifndef HCP_FIELDS_H
#define HCP_FIELDS_H

#include <stddef.h>

enum field_id {
	F_SERIAL,
	F_PROJECT_NO,
	F_ITEM_CODE,
	F_DEPT_CODE,
	F_AREA_CODE,
	F_WINDOW,
	F_STAFF,
	F_CHANNEL,
	F_SATISFACTION,
	F_EVAL_DETAIL,
	F_COMMENT,
	F_USER_PROP,
	F_EVALUATOR,
	F_CERT_TYPE,
	F_CERT_NO,
	F_PHONE,
	F_SERVICE_TIME,
	F_ASSESS_TIME,
	F_ASSESS_NUMBER,
	F_NFIELDS
};

struct field_def {
	enum field_id id;
	const char *name;	/* English name; the db column, but for
				   window_id and staff_id */
	const char *iface;	/* national interface name, or NULL */
	const char *zh;		/* Chinese header of the keying template */
	size_t maxlen;		/* in characters (not bytes), after
				   normalisation */
	int personal;		/* personal data: masked when shown */
};

/* The table, indexed by enum field_id. */
extern const struct field_def fields[F_NFIELDS];

/*
 * The field a header names: its English name, its interface name or its
 * Chinese header, compared after trimming blanks (case-insensitive for
 * the Latin names).  Returns the id, or -1.
 */
int field_lookup(const char *header);

#endif
