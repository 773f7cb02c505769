/* SPDX-License-Identifier: ISC */
/*
 * The paper form layout (DESIGN §4, §7.4): one module reads a form
 * template (share/forms/\*.form, format in hcp-form(1)) and computes the
 * position of everything on the page in millimetres from the top-left
 * corner: texts, tick boxes, write-in boxes, the QR and the four corner
 * marks.  hcp-form draws exactly these items; hcp-scan reads the same
 * items back from a scan.  Neither keeps coordinates of its own.
 *
 * The layout fingerprint is the first 32 bits (8 upper-case hex digits)
 * of the SM3 hash of the computed items (kinds, positions to 0.1 mm,
 * fields, values and static texts), so a form printed from another
 * template version, another page size or another reason list is told
 * apart by its QR.
 *
 * Texts may hold placeholders filled when a copy is drawn: {serial}
 * (grouped serial), {hall}, {name} (station), {window}, {window_name}.
 * A text item with {serial} is "dynamic": it differs on every copy.
 *
 * Errors: layout_load() and layout_parse() return NULL and set *errstr to
 * a malloc'd English message naming file:line (the caller frees it).
 * The struct layout owns all its strings; layout_free() frees it.
 */
#ifndef HCP_LAYOUT_H
#define HCP_LAYOUT_H

#include <stddef.h>

#include "fields.h"

struct db;

enum layout_kind {
	LAYOUT_TEXT,		/* text in the box, wrapped to its width */
	LAYOUT_TICK,		/* a square box to tick */
	LAYOUT_WRITE,		/* a rectangle to write in */
	LAYOUT_RULE,		/* a horizontal line along the box's top */
	LAYOUT_QR,		/* the form QR, a square (quiet zone inside) */
	LAYOUT_MARK		/* a filled square corner mark */
};

enum layout_align {
	LAYOUT_LEFT,
	LAYOUT_CENTRE,
	LAYOUT_RIGHT
};

struct layout_item {
	enum layout_kind kind;
	double x, y, w, h;	/* mm, from the page's top-left corner */
	double pt;		/* text size in points (LAYOUT_TEXT) */
	enum layout_align align;
	int bold;
	char *text;		/* LAYOUT_TEXT, else NULL */
	int dynamic;		/* text holds {serial} */
	int field;		/* enum field_id a box records, or -1 */
	char *value;		/* what a tick means: "5" (grade), a
				   reason code, "yes"/"no"; else NULL */
	int question;		/* 1-based question of an "ask" box, or 0 */
};

/* An evaluation-detail reason printed as a tick box. */
struct layout_reason {
	char *code;
	char *label;
};

struct layout {
	char *id;		/* template id, e.g. "STD" */
	int version;
	char tid[24];		/* id and version, "STD-1": goes in the QR */
	char fingerprint[9];	/* 8 upper-case hex digits */
	char *page;		/* "A4" or "A5" */
	double page_w, page_h;	/* mm */
	struct layout_item *v;
	size_t n;
	int keyed[F_NFIELDS];	/* fields staff key from this form */
	char **questions;	/* texts of the "ask" questions */
	int *question_field;	/* per question, the answer field its
				   是/否 ticks record, or -1 */
	size_t nquestions;
};

/*
 * Reads the template at path and computes its layout.  reasons (may be
 * empty) are the tick boxes a "reasons dictionary" line stands for.
 */
struct layout *layout_load(const char *path,
    const struct layout_reason *reasons, size_t nreasons, char **errstr);
/* The same from template text in memory; name is used in messages. */
struct layout *layout_parse(const char *text, const char *name,
    const struct layout_reason *reasons, size_t nreasons, char **errstr);
void layout_free(struct layout *l);

/*
 * The bad-review reasons of the dictionary in force (settings
 * eval_codes_version; grades 1 and 2, not retired, by grade then code).
 * Returns 0 and a malloc'd array (free with layout_reasons_free()), or
 * -1 with the error on the db.
 */
int layout_dict_reasons(struct db *db, struct layout_reason **v,
    size_t *n);
void layout_reasons_free(struct layout_reason *v, size_t n);

/* The first item of kind (and field, if >= 0), or NULL. */
const struct layout_item *layout_find(const struct layout *l,
    enum layout_kind kind, int field);

#endif
