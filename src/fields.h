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
	/*
	 * The four 是/否 questions of the paper form (国办发〔2019〕51号
	 * 三(二)); no national interface field.  They come after the
	 * fields of hcp 0.1.0, whose row hash covers those 19 only.
	 */
	F_GUIDE_CLEAR,
	F_PROCESS_EASY,
	F_MATERIAL_LEAN,
	F_UI_FRIENDLY,
	F_NFIELDS
};

/* The first answer field, and how many there are. */
#define F_ANSWERS	F_GUIDE_CLEAR
#define F_NANSWERS	4

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

/* True if f is one of the four 是/否 answer fields. */
int field_is_answer(int f);

/*
 * The answer field whose question a form template asks (the text of an
 * "ask" line, "服务指引是否清晰"), or -1 if it is none of the four
 * questions of the policy.
 */
int field_question(const char *question);

#endif
