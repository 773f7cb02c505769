/* SPDX-License-Identifier: ISC */
/*
 * The fields of an evaluation record (DESIGN §6.1), in one table that
 * every tool shares: the keyed CSV header (Chinese as hcp-form
 * --csv-template prints it, or the English name), the national interface
 * name used in upload batches, the column in the db, whether it is
 * required, how it is normalised, checked, masked and stored, the longest
 * value accepted, and what hcp-csv(5) says of it.  fields.c says what is
 * derived from the table.
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
	/*
	 * Local fields (field_def.local): kept at the station, in no batch
	 * and in no row hash.  They come last.
	 */
	F_SCAN_IMAGE,		/* the scanned page: image SHA-256 and page */
	F_NFIELDS
};

/* The first local field: the fields before it travel in batches. */
#define F_LOCAL		F_SCAN_IMAGE

/* The first answer field, and how many there are. */
#define F_ANSWERS	F_GUIDE_CLEAR
#define F_NANSWERS	4

/* Whether a field must be given (rec_map_header(), rec_check()). */
#define FIELD_REQ_COLUMN	0x1	/* the header must have its column */
#define FIELD_REQ_VALUE		0x2	/* the value, once normalised (and
					   filled in from the catalogue), must
					   not be empty: E_REQUIRED */

/*
 * How a cell is normalised before it is checked (record.c normalise()):
 * blanks trimmed either way; FIELD_FOLD also folds full-width ASCII,
 * U+3000, 、 and 。 and drops Excel's leading apostrophe; FIELD_RAW (free
 * text, and the satisfaction words) keeps the text as keyed.
 */
enum field_norm {
	FIELD_FOLD,
	FIELD_RAW
};

/*
 * The check rec_check() runs on the normalised value (record.c keeps one
 * function a kind).  The cross-field rules (the bad-review reason, the
 * certificate against its type, the dates, the serial a paper form must
 * have, the item's department) run after all fields, in record.c.
 */
enum field_check {
	FIELD_TEXT,		/* free text: only its length */
	FIELD_NUMBER,		/* a long number: not mangled by a spreadsheet */
	FIELD_SERIAL,		/* the form serial: format, Damm digit, ledger */
	FIELD_ITEM,		/* catalogue item */
	FIELD_DEPT,		/* credit code, catalogue; item's when empty */
	FIELD_AREA,		/* division code, catalogue; dept's when empty */
	FIELD_WINDOW,		/* catalogue; printed on the form when empty */
	FIELD_STAFF,		/* catalogue */
	FIELD_CHANNEL,		/* 1-7; the paper channel when empty */
	FIELD_SATISFACTION,	/* 1-5 (the file's coding) or a word */
	FIELD_DETAIL,		/* dictionary codes of the grade */
	FIELD_USER_PROP,	/* 1, 2 or a word */
	FIELD_CERT_TYPE,	/* 3 digits or a word */
	FIELD_CERT_NO,		/* a number (checked against its type later) */
	FIELD_PHONE,		/* 11 digits */
	FIELD_TIME,		/* a date, perhaps with a time */
	FIELD_ASSESS_NUMBER,	/* 1, 2 or a word; 1 when empty */
	FIELD_ANSWER,		/* 是 or 否 */
	FIELD_SCAN_IMAGE,	/* an image's SHA-256, a colon, a page */
	FIELD_NCHECKS
};

/* How a value is shown where personal data must not be (rec_mask()). */
enum field_mask {
	FIELD_MASK_NONE,
	FIELD_MASK_NAME,	/* first character, then stars */
	FIELD_MASK_NUMBER	/* first 3 and last 4 characters */
};

/* How the value is stored in the evaluations table (hcp-import). */
enum field_store {
	FIELD_STORE_TEXT,	/* the normalised text, never NULL */
	FIELD_STORE_OPT,	/* the normalised text, NULL when empty */
	FIELD_STORE_INT,	/* the number struct rec holds */
	FIELD_STORE_INT_OPT	/* ... NULL when 0 */
};

struct field_def {
	enum field_id id;
	const char *name;	/* English name */
	const char *iface;	/* national interface name, or NULL */
	const char *zh;		/* Chinese header of the keying template */
	size_t maxlen;		/* in characters (not bytes), after
				   normalisation */
	int personal;		/* personal data: masked when shown */
	const char *column;	/* its column in evaluations */
	unsigned required;	/* FIELD_REQ_* */
	enum field_norm norm;
	enum field_check check;
	int limit;		/* maxlen is checked as such (E_TOO_LONG);
				   else the format check bounds it */
	enum field_mask mask;
	enum field_store store;
	int local;		/* kept at the station only (F_LOCAL) */
	const char *doc;	/* the value, as hcp-csv(5) FIELDS says it */
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

/* The column of evaluations that holds field f. */
const char *field_column(enum field_id f);

#endif
