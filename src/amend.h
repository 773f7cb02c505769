/* SPDX-License-Identifier: ISC */
/*
 * Corrections of imported records with an audit trail (hcp-amend(1),
 * DESIGN §10).  A record is found by its form serial or by
 * PROJECT_NO/ASSESS_NUMBER; the corrected record is checked as a whole
 * by the shared validator (record.h), as an import would check it, its
 * own keys not counting as conflicts.  Then, in one transaction:
 *
 *   - not in a batch yet: the evaluations row is changed in place and
 *     its row hash computed again as an import computes it;
 *   - in a batch not acknowledged: the same, and the batch is marked to
 *     be written again (batches.rewrite; hcp-pack does it);
 *   - in an acknowledged batch: the row is not touched (its batch must
 *     rebuild byte for byte); the record as corrected is stored in
 *     corrections, a superseding record that travels in the next batch.
 *
 * Every changed column gets one audit row (table audit: tbl
 * 'evaluations' or 'corrections', key the record's id, field, old and
 * new value, operator, time, reason), the row hash too.  Nothing is
 * deleted.
 *
 * Functions return 0 or -1 with *errstr set to a malloc'd message (the
 * caller frees); amend_apply() returns AMEND_REFUSED when the validator
 * refuses the corrected record.  Nothing here prints or exits.
 */
#ifndef HCP_AMEND_H
#define HCP_AMEND_H

#include <stddef.h>

#include "fields.h"
#include "record.h"

struct db;

#define AMEND_REFUSED 1

enum amend_kind {
	AMEND_UNCHANGED,	/* every value was already so */
	AMEND_UNPACKED,		/* changed in place, in no batch yet */
	AMEND_UNACKED,		/* changed in place, batch written again */
	AMEND_ACKED		/* superseding record for the next batch */
};

struct amend_change {
	enum field_id field;
	char *old, *new;	/* normalised values, "" when empty */
};

struct amend_result {
	long long id;		/* the record (evaluations.id) */
	enum amend_kind kind;
	char *batch;		/* the batch holding it, or NULL */
	struct amend_change *v;	/* the fields changed */
	size_t n;
	struct rec_problems pl;	/* the validator's findings (warnings
				   too); errors when AMEND_REFUSED */
	struct rec_map *map;	/* the columns pl names */
};

void amend_result_init(struct amend_result *res);
void amend_result_release(struct amend_result *res);

/*
 * Corrects the record key names (a form serial, with or without
 * separators, or PROJECT_NO/ASSESS_NUMBER) with the nassign assignments
 * "FIELD=VALUE" (FIELD as field_lookup() takes it; VALUE as it would be
 * keyed, satisfaction in the station's coding).  operator and reason
 * must not be empty.  The satisfaction may change only when key is a
 * form serial: it corrects keying against the paper form, never an
 * opinion.  Returns 0 (res says what was done), AMEND_REFUSED (res->pl
 * says why, nothing changed) or -1.
 */
int amend_apply(struct db *db, const char *key, size_t nassign,
    const char *const *assign, const char *operator, const char *reason,
    struct amend_result *res, char **errstr);

/* One audit row of a record's trail. */
struct amend_entry {
	char *at;
	char *operator;
	char *tbl;		/* "evaluations" or "corrections" */
	long long id;		/* the record */
	char *record;		/* its serial, else PROJECT_NO/N */
	char *field;
	char *old, *new;	/* NULL when empty; not masked */
	char *reason;
};

/*
 * The audit trail of corrections, oldest first: of the record key names,
 * or of every record when key is NULL.  The rows of the row hash are
 * left out.  *v is malloc'd.
 */
int amend_list(struct db *db, const char *key, struct amend_entry **v,
    size_t *n, char **errstr);
void amend_entries_free(struct amend_entry *v, size_t n);

#endif
