/* SPDX-License-Identifier: ISC */
/*
 * Corrections with an audit trail (see amend.h): finding the record,
 * checking it as corrected with the shared validator, changing it in
 * place or storing a superseding record, and the audit rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "amend.h"
#include "audit.h"
#include "clock.h"
#include "db.h"
#include "fields.h"
#include "i18n.h"
#include "record.h"
#include "pack.h"
#include "settings.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static int
dberr(struct db *db, char **errstr)
{
	*errstr = xstrdup(db_errstr(db));
	return -1;
}

void
amend_result_init(struct amend_result *res)
{
	struct rec_problems pl = REC_PROBLEMS_INIT;

	memset(res, 0, sizeof(*res));
	res->pl = pl;
}

void
amend_result_release(struct amend_result *res)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		free(res->v[i].old);
		free(res->v[i].new);
	}
	free(res->v);
	free(res->batch);
	rec_problems_release(&res->pl);
	rec_map_free(res->map);
	amend_result_init(res);
}

/*
 * The record key names: *id, and whether key is a form serial.  A
 * record is found by its values as last corrected.  Returns 0, or -1
 * with *errstr.
 */
static int
find_record(struct db *db, const char *key, long long *id, int *by_serial,
    char **errstr)
{
	const char *slash = strrchr(key, '/');
	char serial[17];
	char *proj = NULL;
	size_t n = 0;
	const char *p;
	int rc;

	*id = 0;
	*by_serial = slash == NULL;
	if (slash != NULL) {
		if (slash == key || (strcmp(slash + 1, "1") != 0 &&
		    strcmp(slash + 1, "2") != 0)) {
			*errstr = xasprintf(_("%s: not a form serial or "
			    "PROJECT_NO/ASSESS_NUMBER"), key);
			return -1;
		}
		proj = xstrndup(key, (size_t)(slash - key));
		rc = store_find_assess(db, proj, slash[1] - '0', id);
	} else {
		for (p = key; *p != '\0'; p++) {
			if (*p == '-' || *p == ' ')
				continue;
			if (*p < '0' || *p > '9' || n == 16)
				break;
			serial[n++] = *p;
		}
		serial[n] = '\0';
		if (*p != '\0' || n != 16) {
			*errstr = xasprintf(_("%s: not a form serial or "
			    "PROJECT_NO/ASSESS_NUMBER"), key);
			return -1;
		}
		rc = store_find_serial(db, serial, id);
	}
	free(proj);
	if (rc == 1)
		return 0;
	if (rc == 0)
		*errstr = xasprintf(_("%s: no such record in %s"), key,
		    db_path(db));
	else
		dberr(db, errstr);
	return -1;
}

/* What one record looks like now (its latest correction applied). */
struct current {
	char *v[F_NFIELDS];	/* as stored, "" for NULL */
	char *codes_version;	/* "" for NULL */
	char *row_hash;
	long long batch_seq;	/* 0: in no batch */
	char *batch;
	int acked;
};

static void
current_release(struct current *c)
{
	int f;

	for (f = 0; f < F_NFIELDS; f++)
		free(c->v[f]);
	free(c->codes_version);
	free(c->row_hash);
	free(c->batch);
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return xstrdup(v != NULL ? (const char *)v : "");
}

static int
load_current(struct db *db, long long id, struct current *c, char **errstr)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int f, rc;

	memset(c, 0, sizeof(*c));
	strbuf_adds(&sql, "SELECT ");
	for (f = 0; f < F_NFIELDS; f++)
		strbuf_addf(&sql, "%s, ", store_column(f));
	strbuf_adds(&sql, "eval_codes_version, row_hash FROM "
	    "evaluations_current WHERE id = ?1");
	rc = db_prepare(db, &st, sql.buf);
	strbuf_release(&sql);
	if (rc != 0)
		return dberr(db, errstr);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		db_sqlerr(db, _("cannot read the records"));
		return dberr(db, errstr);
	}
	for (f = 0; f < F_NFIELDS; f++)
		c->v[f] = col_text(st, f);
	c->codes_version = col_text(st, F_NFIELDS);
	c->row_hash = col_text(st, F_NFIELDS + 1);
	sqlite3_finalize(st);
	if (db_prepare(db, &st, "SELECT seq, name, state FROM batches WHERE "
	    "?1 BETWEEN first_id AND last_id") != 0)
		return dberr(db, errstr);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->batch_seq = sqlite3_column_int64(st, 0);
		c->batch = col_text(st, 1);
		c->acked = strcmp((const char *)sqlite3_column_text(st, 2),
		    "acknowledged") == 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_sqlerr(db, _("cannot read batches"));
		return dberr(db, errstr);
	}
	return 0;
}

/* Stores the checked record r as a correction of record id. */
static int
store_correction(struct db *db, long long id, const struct current *c,
    const struct rec *r, const char *codes_version, const char *operator,
    const char *reason, const char *now)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int f, i, rc;

	strbuf_adds(&sql, "INSERT INTO corrections (");
	for (f = 0; f < F_NFIELDS; f++)
		strbuf_addf(&sql, "%s, ", store_column(f));
	strbuf_adds(&sql, "eval_codes_version, row_hash, eval_id, "
	    "batch_seq, reason, operator, amended_at) VALUES (?1");
	for (i = 2; i <= F_NFIELDS + 7; i++)
		strbuf_addf(&sql, ", ?%d", i);
	strbuf_adds(&sql, ")");
	rc = db_prepare(db, &st, sql.buf);
	strbuf_release(&sql);
	if (rc != 0)
		return -1;
	for (f = 0; f < F_NFIELDS; f++)
		store_bind_field(st, f + 1, f, r);
	db_bind_opt(st, F_NFIELDS + 1, codes_version);
	sqlite3_bind_text(st, F_NFIELDS + 2, r->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, F_NFIELDS + 3, id);
	sqlite3_bind_int64(st, F_NFIELDS + 4, c->batch_seq);
	sqlite3_bind_text(st, F_NFIELDS + 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, F_NFIELDS + 6, operator, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, F_NFIELDS + 7, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, _("cannot store the correction"));
	return 0;
}

/*
 * Stores the checked record r: in place (store.h), its batch marked to be
 * written again (pack.h), or as a correction.
 */
static int
store(struct db *db, long long id, const struct current *c,
    const struct rec *r, const char *codes_version, const char *operator,
    const char *reason, const char *now)
{
	if (c->acked)
		return store_correction(db, id, c, r, codes_version, operator,
		    reason, now);
	if (store_update(db, id, r, codes_version) != 0)
		return -1;
	if (c->batch_seq != 0 && pack_mark_rewrite(db, c->batch_seq) != 0)
		return db_sqlerr(db, _("cannot store the correction"));
	return 0;
}

static void
add_change(struct amend_result *res, enum field_id f, const char *old,
    const char *new)
{
	struct amend_change *ch;

	res->v = xreallocarray(res->v, res->n + 1, sizeof(*res->v));
	ch = &res->v[res->n++];
	ch->field = f;
	ch->old = xstrdup(old);
	ch->new = xstrdup(new);
}

/*
 * The FIELD=VALUE arguments into given[] (malloc'd values, NULL for the
 * fields not named).  Returns 0, or -1 with *errstr.
 */
static int
parse_assignments(size_t nassign, const char *const *assign,
    char *given[F_NFIELDS], char **errstr)
{
	size_t i;
	int f;

	for (i = 0; i < nassign; i++) {
		const char *eq = strchr(assign[i], '=');
		char *name;

		if (eq == NULL || eq == assign[i]) {
			*errstr = xasprintf(_("%s: not FIELD=VALUE"),
			    assign[i]);
			return -1;
		}
		name = xstrndup(assign[i], (size_t)(eq - assign[i]));
		f = field_lookup(name);
		if (f < 0 || given[f] != NULL) {
			*errstr = xasprintf(f < 0 ? _("%s: no such field") :
			    _("%s: given twice"), name);
			free(name);
			return -1;
		}
		free(name);
		given[f] = xstrdup(eq + 1);
	}
	return 0;
}

/*
 * One audit row for every change of res, and for the dictionary version
 * and the row hash when they change, all with one time, operator and
 * reason.  Returns 0, or -1 (db_errstr()).
 */
static int
write_audit(struct db *db, const struct amend_result *res,
    const struct current *cur, const struct rec *r, const char *codes_version,
    const char *operator, const char *reason, const char *now)
{
	struct audit_entry *v = xcalloc(res->n + 2, sizeof(*v));
	char idtext[24];
	size_t i, n = 0;
	int rc;

	snprintf(idtext, sizeof(idtext), "%lld", res->id);
	for (i = 0; i < res->n; i++, n++) {
		v[n].field = fields[res->v[i].field].name;
		v[n].old = res->v[i].old;
		v[n].new = res->v[i].new;
	}
	if (strcmp(cur->codes_version, codes_version) != 0) {
		v[n].field = "eval_codes_version";
		v[n].old = cur->codes_version;
		v[n++].new = codes_version;
	}
	if (strcmp(cur->row_hash, r->hash) != 0) {
		v[n].field = "row_hash";
		v[n].old = cur->row_hash;
		v[n++].new = r->hash;
	}
	rc = audit_write(db, now, operator, cur->acked ? "corrections" :
	    "evaluations", idtext, reason, v, n);
	free(v);
	return rc;
}

/*
 * Checks the record as corrected, as an import would: the stored values
 * of cur, the given ones in their place, into r under *ctxp (the
 * caller frees it).  Returns 0, AMEND_REFUSED (res->pl says why) or -1.
 */
static int
check_corrected(struct db *db, struct amend_result *res,
    const struct current *cur, char *const given[F_NFIELDS], struct rec *r,
    struct rec_ctx **ctxp, char **errstr)
{
	const char *names[F_NFIELDS], *cells[F_NFIELDS];
	char sat[2], *coding;
	int f, k, refused;

	/*
	 * The row as it would be keyed.  A stored satisfaction is in the
	 * interface coding; the station keys in its own.
	 */
	if ((coding = settings_get(db, "satisfaction_coding")) == NULL)
		return dberr(db, errstr);
	for (f = 0; f < F_NFIELDS; f++) {
		names[f] = fields[f].name;
		cells[f] = given[f] != NULL ? given[f] : cur->v[f];
	}
	if (given[F_SATISFACTION] == NULL && strcmp(coding, "gbt39046") == 0 &&
	    strlen(cur->v[F_SATISFACTION]) == 1) {
		sat[0] = (char)('6' - cur->v[F_SATISFACTION][0] + '0');
		sat[1] = '\0';
		cells[F_SATISFACTION] = sat;
	}
	free(coding);
	*ctxp = rec_ctx_new();
	res->map = rec_map_new();
	if (rec_ctx_load(*ctxp, db) != 0)
		return dberr(db, errstr);
	rec_ctx_set_self(*ctxp, res->id);
	if (rec_map_header(res->map, F_NFIELDS, names, 1, 0,
	    &res->pl) != 0) {
		*errstr = xstrdup(_("cannot map the fields"));
		return -1;
	}
	refused = rec_check(*ctxp, res->map, F_NFIELDS, cells, NULL, 1, r,
	    &res->pl) > 0;
	if (refused)
		return AMEND_REFUSED;
	if ((k = rec_check_keys(*ctxp, r, NULL, &res->pl)) < 0)
		return dberr(db, errstr);
	return k != REC_ACCEPT ? AMEND_REFUSED : 0;
}

/*
 * What changes from cur to r, into res: 0, 1 if nothing does, -1 (with
 * *errstr) if the satisfaction would change of a record not named by its
 * serial (key).
 */
static int
find_changes(struct amend_result *res, const struct current *cur,
    const struct rec *r, const char *codes_version, int by_serial,
    const char *key, char **errstr)
{
	size_t i;
	int f;

	for (f = 0; f < F_NFIELDS; f++)
		if (strcmp(cur->v[f], r->v[f]) != 0)
			add_change(res, (enum field_id)f, cur->v[f], r->v[f]);
	if (res->n == 0 && strcmp(cur->codes_version, codes_version) == 0)
		return 1;
	for (i = 0; i < res->n; i++)
		if (res->v[i].field == F_SATISFACTION && !by_serial) {
			*errstr = xasprintf(_("%s: the satisfaction is "
			    "corrected only as a keying error against the "
			    "paper form: name the record by the form's "
			    "serial"), key);
			return -1;
		}
	return 0;
}

int
amend_apply(struct db *db, const char *key, size_t nassign,
    const char *const *assign, const char *operator, const char *reason,
    struct amend_result *res, char **errstr)
{
	char *given[F_NFIELDS], now[CLOCK_BUFLEN];
	struct current cur;
	struct rec_ctx *ctx = NULL;
	struct rec r;
	const char *codes_version;
	size_t i;
	int f, by_serial, began = 0, ret = -1, k;

	*errstr = NULL;
	memset(given, 0, sizeof(given));
	memset(&cur, 0, sizeof(cur));
	rec_init(&r);
	if (operator == NULL || *operator == '\0' || reason == NULL ||
	    *reason == '\0') {
		*errstr = xstrdup(_("a correction needs an operator and a "
		    "reason"));
		return -1;
	}
	if (parse_assignments(nassign, assign, given, errstr) != 0)
		goto out;
	if (db_begin(db) != 0) {
		dberr(db, errstr);
		goto out;
	}
	began = 1;
	if (find_record(db, key, &res->id, &by_serial, errstr) != 0 ||
	    load_current(db, res->id, &cur, errstr) != 0)
		goto out;
	if (cur.batch != NULL)
		res->batch = xstrdup(cur.batch);
	res->kind = cur.batch_seq == 0 ? AMEND_UNPACKED : cur.acked ?
	    AMEND_ACKED : AMEND_UNACKED;
	if ((ret = check_corrected(db, res, &cur, given, &r, &ctx,
	    errstr)) != 0)
		goto out;
	ret = -1;

	codes_version = *r.v[F_EVAL_DETAIL] != '\0' ?
	    rec_ctx_codes_version(ctx) : "";
	if ((k = find_changes(res, &cur, &r, codes_version, by_serial, key,
	    errstr)) != 0) {
		if (k > 0) {
			res->kind = AMEND_UNCHANGED;
			ret = 0;
		}
		goto out;
	}
	clock_format(clock_now(), now);
	if (store(db, res->id, &cur, &r, codes_version, operator, reason,
	    now) != 0 || write_audit(db, res, &cur, &r, codes_version,
	    operator, reason, now) != 0 || db_commit(db) != 0) {
		dberr(db, errstr);
		goto out;
	}
	began = 0;
	ret = 0;
out:
	if (began)
		db_rollback(db);
	if (ret != 0) {
		for (i = 0; i < res->n; i++) {
			free(res->v[i].old);
			free(res->v[i].new);
		}
		res->n = 0;
	}
	rec_release(&r);
	rec_ctx_free(ctx);
	current_release(&cur);
	for (f = 0; f < F_NFIELDS; f++)
		free(given[f]);
	return ret;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v != NULL ? xstrdup((const char *)v) : NULL;
}

int
amend_list(struct db *db, const char *key, struct amend_entry **v,
    size_t *n, char **errstr)
{
	sqlite3_stmt *st;
	long long id = 0;
	int by_serial, rc;

	*v = NULL;
	*n = 0;
	if (key != NULL && find_record(db, key, &id, &by_serial, errstr) !=
	    0)
		return -1;
	if (db_prepare(db, &st, "SELECT a.at, a.operator, a.tbl, a.key, "
	    "coalesce(c.serial, c.project_no || '/' || c.assess_number, "
	    "a.key), a.field, a.old, a.new, a.reason FROM audit a "
	    "LEFT JOIN evaluations_current c ON c.id = CAST(a.key AS INTEGER) "
	    "WHERE a.tbl IN ('evaluations', 'corrections') "
	    "AND a.field <> 'row_hash' AND (?1 IS NULL OR a.key = ?1) "
	    "ORDER BY a.id") != 0)
		return dberr(db, errstr);
	if (key != NULL) {
		char idtext[24];

		snprintf(idtext, sizeof(idtext), "%lld", id);
		sqlite3_bind_text(st, 1, idtext, -1, SQLITE_TRANSIENT);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct amend_entry *e;

		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		e = &(*v)[(*n)++];
		e->at = col_dup(st, 0);
		e->operator = col_dup(st, 1);
		e->tbl = col_dup(st, 2);
		e->id = sqlite3_column_int64(st, 3);
		e->record = col_dup(st, 4);
		e->field = col_dup(st, 5);
		e->old = col_dup(st, 6);
		e->new = col_dup(st, 7);
		e->reason = col_dup(st, 8);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(db, _("cannot read the audit records"));
		amend_entries_free(*v, *n);
		*v = NULL;
		*n = 0;
		return dberr(db, errstr);
	}
	return 0;
}

void
amend_entries_free(struct amend_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].at);
		free(v[i].operator);
		free(v[i].tbl);
		free(v[i].record);
		free(v[i].field);
		free(v[i].old);
		free(v[i].new);
		free(v[i].reason);
	}
	free(v);
}
