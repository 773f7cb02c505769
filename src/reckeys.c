/* SPDX-License-Identifier: ISC */
/*
 * The keys of a record (record.h rec_check_keys()): its serial and its
 * (project_no, assess_number) against the rows seen earlier in the input,
 * the evaluations in the db and the serial ledger.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "fields.h"
#include "i18n.h"
#include "keyset.h"
#include "record.h"
#include "recint.h"
#include "xalloc.h"
#include "banned.h"

static uint64_t
fnv(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct rec_seen {
	struct keyset ks;
};

struct rec_seen *
rec_seen_new(void)
{
	struct rec_seen *s = xmalloc(sizeof(*s));

	keyset_init(&s->ks);
	return s;
}

void
rec_seen_free(struct rec_seen *s)
{
	if (s == NULL)
		return;
	keyset_clear(&s->ks);
	free(s);
}

void
rec_seen_expect(struct rec_seen *s, size_t nrec)
{
	keyset_expect(&s->ks, nrec);
}

static uint64_t
key_of(char kind, const char *a, const char *b)
{
	uint64_t h = fnv(&kind, 1, REC_FNV0);

	h = fnv(a, strlen(a) + 1, h);
	if (b != NULL)
		h = fnv(b, strlen(b) + 1, h);
	return h != 0 ? h : 1;
}

/* Where an existing row came from, for the message. */
static char *
origin(struct rec_keyside *k, sqlite3_stmt *st)
{
	long long imp = sqlite3_column_int64(st, 1);
	long line = (long)sqlite3_column_int64(st, 2);
	const char *file = (const char *)sqlite3_column_text(st, 3);

	if (imp == k->import_id && k->import_id != 0)
		return xasprintf(_("line %ld of this file"), line);
	return xasprintf(_("import %lld, %s line %ld"), imp,
	    file != NULL ? file : "?", line);
}

/*
 * True if hash is what record id said before or after a correction
 * (hcp-amend): a row of the file it was first imported from, or the row
 * as corrected, is that record again.
 */
static int
amended_from(struct rec_keyside *k, long long id, const char *hash)
{
	char key[24];
	int rc;

	if (k->st_amended == NULL)
		return 0;
	snprintf(key, sizeof(key), "%lld", id);
	sqlite3_bind_text(k->st_amended, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(k->st_amended, 2, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(k->st_amended);
	sqlite3_reset(k->st_amended);
	sqlite3_clear_bindings(k->st_amended);
	return rc == SQLITE_ROW;
}

/*
 * Looks a key up in the db: 0 not there (or the context's own record),
 * 1 same row (duplicate), 2 a different row, -1 error.  *where gets the
 * origin when found.
 */
static int
db_key(struct rec_keyside *k, sqlite3_stmt *st, const struct rec *r,
    char **where)
{
	int rc, res = 0;
	char mine[REC_HASH_LEN + 1];

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && k->self_id != 0 &&
	    sqlite3_column_int64(st, 4) == k->self_id) {
		res = 0;
	} else if (rc == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 0);

		if (r->hash[0] != '\0')
			memcpy(mine, r->hash, sizeof(mine));
		else
			rec_row_hash(k->dg, r, mine);
		res = h != NULL && strcmp(h, mine) == 0 ? 1 : 2;
		*where = origin(k, st);
		if (res == 2 && amended_from(k, sqlite3_column_int64(st,
		    4), mine)) {
			char *w = xasprintf(_("%s, corrected since"), *where);

			free(*where);
			*where = w;
			res = 1;
		}
	} else if (rc != SQLITE_DONE) {
		res = db_sqlerr(k->db, "evaluations");
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return res;
}

/* A problem with a key of r, in the column of field f. */
static void
key_problem(struct rec_problems *pl, const struct rec *r, enum field_id f,
    enum rec_code code, const char *detail)
{
	int col = r->map != NULL ? rec_map_column(r->map, f) : -1;

	rec_problem_add(pl, r->line, col, col >= 0 ?
	    rec_map_name(r->map, (size_t)col) : fields[f].zh, code, detail);
}

int
rec_check_keys(struct rec_ctx *ctx, const struct rec *r,
    struct rec_seen *seen, struct rec_problems *pl)
{
	struct rec_keyside *k = &ctx->keys;
	const char *serial = r->v[F_SERIAL], *proj = r->v[F_PROJECT_NO];
	int res, rc;
	char *where = NULL;
	uint64_t kser = 0, kproj = 0;
	uint32_t h32 = (uint32_t)(r->h64 >> 32);
	const struct keyset_entry *e;
	char an[2] = { (char)('0' + r->assess_number), '\0' };

	/* against the rows seen earlier in this input */
	if (seen != NULL) {
		if (*serial != '\0') {
			kser = key_of('S', serial, NULL);
			if ((e = keyset_find(&seen->ks, kser)) != NULL) {
				char *d = xasprintf(_("line %ld of this file"),
				    (long)e->line);

				key_problem(pl, r, F_SERIAL, e->hash == h32 ?
				    D_DUPLICATE : E_SERIAL_USED, d);
				free(d);
				return e->hash == h32 ? REC_DUP : REC_REJECT;
			}
		}
		if (*proj != '\0') {
			kproj = key_of('P', proj, an);
			if ((e = keyset_find(&seen->ks, kproj)) != NULL) {
				char *d = xasprintf(_("line %ld of this file"),
				    (long)e->line);

				key_problem(pl, r, F_PROJECT_NO, e->hash ==
				    h32 ? D_DUPLICATE : E_DUPLICATE_PROJECT, d);
				free(d);
				return e->hash == h32 ? REC_DUP : REC_REJECT;
			}
		}
	}
	if (k->db != NULL) {
		/* an evaluation already holding the serial */
		if (*serial != '\0') {
			sqlite3_bind_text(k->st_by_serial, 1, serial, -1,
			    SQLITE_STATIC);
			if ((rc = db_key(k, k->st_by_serial, r, &where)) <
			    0)
				return -1;
			if (rc > 0) {
				key_problem(pl, r, F_SERIAL, rc == 1 ?
				    D_DUPLICATE : E_SERIAL_USED, where);
				free(where);
				return rc == 1 ? REC_DUP : REC_REJECT;
			}
		}
		if (*proj != '\0') {
			sqlite3_bind_text(k->st_by_project, 1, proj, -1,
			    SQLITE_STATIC);
			sqlite3_bind_int(k->st_by_project, 2,
			    r->assess_number);
			if ((rc = db_key(k, k->st_by_project, r, &where))
			    < 0)
				return -1;
			if (rc > 0) {
				key_problem(pl, r, F_PROJECT_NO, rc == 1 ?
				    D_DUPLICATE : E_DUPLICATE_PROJECT, where);
				free(where);
				return rc == 1 ? REC_DUP : REC_REJECT;
			}
		}
		/* the ledger */
		if (*serial != '\0') {
			const char *state;
			enum rec_code code = REC_OK;

			sqlite3_bind_text(k->st_form, 1, serial, -1,
			    SQLITE_STATIC);
			rc = sqlite3_step(k->st_form);
			if (rc == SQLITE_ROW) {
				state = (const char *)sqlite3_column_text(
				    k->st_form, 0);
				if (strcmp(state, "voided") == 0)
					code = E_SERIAL_VOIDED;
			} else if (rc == SQLITE_DONE) {
				code = E_SERIAL_UNKNOWN;
			}
			sqlite3_reset(k->st_form);
			sqlite3_clear_bindings(k->st_form);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				return db_sqlerr(k->db, "forms");
			if (code != REC_OK) {
				key_problem(pl, r, F_SERIAL, code, serial);
				return REC_REJECT;
			}
		}
	}
	res = REC_ACCEPT;
	if (seen != NULL) {
		if (kser != 0)
			keyset_put(&seen->ks, kser, h32, r->line);
		if (kproj != 0)
			keyset_put(&seen->ks, kproj, h32, r->line);
		keyset_record_done(&seen->ks);
	}
	return res;
}
