/* SPDX-License-Identifier: ISC */
/*
 * The validation context (record.h, recint.h): the shared read-only
 * rules (settings, the catalogue as in-memory sets, the ledger as runs of
 * forms) and the scratch of the two threads that use them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "clock.h"
#include "crypto.h"
#include "db.h"
#include "record.h"
#include "recint.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/*
 * A 64-bit hash of n bytes taken eight at a time (FNV-1a a byte at a
 * time is a long chain of multiplications), finished with the mixer of
 * MurmurHash3.  Only compared within one run, never stored.
 */
uint64_t
rec_hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = REC_FNV0 ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static void
strset_release(struct strset *s)
{
	size_t i;

	if (s->v == NULL)
		return;
	for (i = 0; i <= s->mask; i++) {
		free(s->v[i].key);
		free(s->v[i].aux);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct sentry *
rec_set_find(const struct strset *s, const char *key, size_t n)
{
	size_t i;

	if (s->v == NULL)
		return NULL;
	i = rec_hash64(key, n) & s->mask;
	while (s->v[i].key != NULL) {
		if (s->v[i].klen == n && memcmp(s->v[i].key, key, n) == 0)
			return &s->v[i];
		i = (i + 1) & s->mask;
	}
	return NULL;
}

static void
strset_add(struct strset *s, const char *key, const char *aux, int ival,
    int retired)
{
	struct sentry *e;
	size_t i, n = strlen(key);

	if (s->v == NULL || 2 * (s->n + 1) > s->mask + 1) {
		struct strset o = *s;
		size_t sz = o.v == NULL ? 64 : 2 * (o.mask + 1);

		s->v = xcalloc(sz, sizeof(*s->v));
		s->mask = sz - 1;
		s->n = 0;
		for (i = 0; o.v != NULL && i <= o.mask; i++) {
			if (o.v[i].key == NULL)
				continue;
			e = &o.v[i];
			strset_add(s, e->key, e->aux, e->ival, e->retired);
			free(e->key);
			free(e->aux);
		}
		free(o.v);
	}
	if ((e = rec_set_find(s, key, n)) == NULL) {
		i = rec_hash64(key, n) & s->mask;
		while (s->v[i].key != NULL)
			i = (i + 1) & s->mask;
		e = &s->v[i];
		e->key = xstrdup(key);
		e->klen = n;
		s->n++;
	} else {
		free(e->aux);
	}
	e->aux = aux != NULL ? xstrdup(aux) : NULL;
	e->ival = ival;
	e->retired = retired;
}

void
rec_ctx_set_now(struct rec_ctx *ctx, time_t now)
{
	struct tm tm;

	ctx->rules.now = now;
	if (localtime_r(&now, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	ctx->rules.now_local = clock_days_from_civil(tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday) * 86400 +
	    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

struct rec_ctx *
rec_ctx_new(void)
{
	struct rec_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->rules.coding = REC_CODING_INTERFACE;
	ctx->rules.paper_channel = 5;
	ctx->rules.supplement_days = 7;
	ctx->rules.codes_version = xstrdup("");
	ctx->rules.region = xstrdup("");
	ctx->check.dg = digest_new(DIGEST_SHA256);
	ctx->keys.dg = digest_new(DIGEST_SHA256);
	ctx->rules.row_hash = 1;
	rec_ctx_set_now(ctx, clock_now());
	(void)rec_chinese_messages();	/* settled before any thread asks */
	return ctx;
}

void
rec_ctx_free(struct rec_ctx *ctx)
{
	if (ctx == NULL)
		return;
	strset_release(&ctx->rules.regions);
	strset_release(&ctx->rules.depts);
	strset_release(&ctx->rules.items);
	strset_release(&ctx->rules.item_names);
	strset_release(&ctx->rules.windows);
	strset_release(&ctx->rules.staff);
	strset_release(&ctx->rules.evcodes);
	for (size_t i = 0; i < ctx->rules.nruns; i++)
		free(ctx->rules.runs[i].window);
	free(ctx->rules.runs);
	sqlite3_finalize(ctx->keys.st_form);
	sqlite3_finalize(ctx->keys.st_by_serial);
	sqlite3_finalize(ctx->keys.st_by_project);
	sqlite3_finalize(ctx->keys.st_amended);
	digest_free(ctx->check.dg);
	digest_free(ctx->keys.dg);
	strbuf_release(&ctx->check.tmp);
	strbuf_release(&ctx->check.tmp2);
	free(ctx->rules.codes_version);
	free(ctx->rules.region);
	free(ctx);
}

int
rec_coding_parse(const char *s, enum rec_coding *out)
{
	if (strcmp(s, "interface") == 0)
		*out = REC_CODING_INTERFACE;
	else if (strcmp(s, "gbt39046") == 0)
		*out = REC_CODING_GBT39046;
	else
		return -1;
	return 0;
}

void
rec_ctx_set_coding(struct rec_ctx *ctx, enum rec_coding c)
{
	ctx->rules.coding = c;
}

void
rec_ctx_set_paper_channel(struct rec_ctx *ctx, int channel)
{
	ctx->rules.paper_channel = channel;
}

void
rec_ctx_set_supplement_days(struct rec_ctx *ctx, int days)
{
	ctx->rules.supplement_days = days;
}

void
rec_ctx_set_now_local(struct rec_ctx *ctx, long long local)
{
	ctx->rules.now_local = local;
}

void
rec_ctx_set_legacy(struct rec_ctx *ctx, int on)
{
	ctx->rules.legacy = on;
}

int
rec_ctx_paper_channel(const struct rec_ctx *ctx)
{
	return ctx->rules.paper_channel;
}

int
rec_ctx_supplement_days(const struct rec_ctx *ctx)
{
	return ctx->rules.supplement_days;
}

void
rec_ctx_set_row_hash(struct rec_ctx *ctx, int on)
{
	ctx->rules.row_hash = on;
}

void
rec_ctx_set_import(struct rec_ctx *ctx, long long import_id)
{
	ctx->keys.import_id = import_id;
}

void
rec_ctx_set_self(struct rec_ctx *ctx, long long id)
{
	ctx->keys.self_id = id;
}

const char *
rec_ctx_codes_version(const struct rec_ctx *ctx)
{
	return ctx->rules.codes_version;
}

static int
load_set(struct db *db, struct strset *set, const char *sql,
    const char *param)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, sql) != 0)
		return -1;
	if (param != NULL)
		sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *aux = (const char *)sqlite3_column_text(st, 1);

		strset_add(set, (const char *)sqlite3_column_text(st, 0),
		    aux, sqlite3_column_int(st, 2),
		    sqlite3_column_int(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "catalogue");
	return 0;
}

static int load_runs(struct rec_rules *rules, struct db *db);

/*
 * The items whose name no other item of the station has, by name as the
 * validator normalises a code, for an item keyed by its name.
 */
static int
load_item_names(struct rec_ctx *ctx, struct db *db)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, "SELECT name, min(code) FROM items "
	    "WHERE retired = 0 GROUP BY name HAVING count(*) = 1") != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);

		strbuf_reset(&ctx->check.tmp);
		rec_normalise_code(n, strlen(n), &ctx->check.tmp);
		strset_add(&ctx->rules.item_names, ctx->check.tmp.buf != NULL ?
		    ctx->check.tmp.buf : "",
		    (const char *)sqlite3_column_text(st, 1), 0, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "catalogue");
	return 0;
}

int
rec_ctx_use_codes(struct rec_ctx *ctx, const char *versions)
{
	if (!ctx->rules.loaded || strcmp(versions, ctx->rules.codes_version) == 0)
		return 0;
	strset_release(&ctx->rules.evcodes);
	memset(&ctx->rules.evcodes, 0, sizeof(ctx->rules.evcodes));
	free(ctx->rules.codes_version);
	ctx->rules.codes_version = xstrdup(versions);
	return load_set(ctx->keys.db, &ctx->rules.evcodes, "SELECT code, NULL, grade, "
	    "retired FROM eval_codes WHERE instr(', ' || ?1 || ', ', "
	    "', ' || version || ', ') > 0", versions);
}

int
rec_ctx_load(struct rec_ctx *ctx, struct db *db)
{
	long long v;
	char *s;

	if (settings_get_int(db, "paper_channel", &v) != 0)
		return -1;
	ctx->rules.paper_channel = (int)v;
	if (settings_get_int(db, "supplement_days", &v) != 0)
		return -1;
	ctx->rules.supplement_days = (int)v;
	if ((s = settings_get(db, "satisfaction_coding")) == NULL)
		return -1;
	ctx->rules.coding = strcmp(s, "gbt39046") == 0 ? REC_CODING_GBT39046 :
	    REC_CODING_INTERFACE;
	free(s);
	if ((s = settings_get(db, "eval_codes_version")) == NULL)
		return -1;
	free(ctx->rules.codes_version);
	ctx->rules.codes_version = s;
	if ((s = settings_get(db, "region")) != NULL) {
		free(ctx->rules.region);
		ctx->rules.region = s;
	}
	if (load_set(db, &ctx->rules.regions, "SELECT code, NULL, 0, retired "
	    "FROM regions", NULL) != 0 ||
	    load_set(db, &ctx->rules.depts, "SELECT code, area_code, 0, retired "
	    "FROM departments", NULL) != 0 ||
	    load_set(db, &ctx->rules.items, "SELECT code, dept_code, 0, retired "
	    "FROM items", NULL) != 0 ||
	    load_item_names(ctx, db) != 0 ||
	    load_set(db, &ctx->rules.windows, "SELECT id, NULL, 0, retired "
	    "FROM windows", NULL) != 0 ||
	    load_set(db, &ctx->rules.staff, "SELECT id, NULL, 0, retired "
	    "FROM staff", NULL) != 0 ||
	    load_set(db, &ctx->rules.evcodes, "SELECT code, NULL, grade, retired "
	    "FROM eval_codes WHERE version = ?1", ctx->rules.codes_version) != 0 ||
	    load_runs(&ctx->rules, db) != 0)
		return -1;
	if (db_prepare(db, &ctx->keys.st_form, "SELECT state FROM forms "
	    "WHERE serial = ?1") != 0 ||
	    db_prepare(db, &ctx->keys.st_by_serial, "SELECT e.row_hash, "
	    "e.import_id, e.src_line, i.src_file, e.id FROM evaluations e "
	    "LEFT JOIN imports i ON i.id = e.import_id WHERE e.serial = ?1")
	    != 0 ||
	    db_prepare(db, &ctx->keys.st_by_project, "SELECT e.row_hash, "
	    "e.import_id, e.src_line, i.src_file, e.id FROM evaluations e "
	    "LEFT JOIN imports i ON i.id = e.import_id "
	    "WHERE e.project_no = ?1 AND e.assess_number = ?2") != 0 ||
	    db_prepare(db, &ctx->keys.st_amended, "SELECT 1 FROM audit "
	    "WHERE tbl IN ('evaluations', 'corrections') AND key = ?1 "
	    "AND field = 'row_hash' AND (old = ?2 OR new = ?2)") != 0)
		return -1;
	ctx->keys.db = db;
	ctx->rules.loaded = 1;
	return 0;
}

long long
rec_ctx_now_local(const struct rec_ctx *ctx)
{
	return ctx->rules.now_local;
}

/* The first 15 digits of a 16-digit serial, as a number. */
static uint64_t
serial_prefix(const char *serial)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 15; i++)
		v = v * 10 + (uint64_t)(serial[i] - '0');
	return v;
}

/*
 * Reads the ledger as runs of forms issued together (struct form_run):
 * the serials in key order, a new run where the sequence jumps or the
 * time or window changes.
 */
static int
load_runs(struct rec_rules *rules, struct db *db)
{
	sqlite3_stmt *st;
	struct form_run *r = NULL;
	size_t alloc = 0;
	int rc;

	if (db_prepare(db, &st, "SELECT serial, issued_at, window_id "
	    "FROM forms ORDER BY serial") != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ser = (const char *)sqlite3_column_text(st, 0);
		const char *at = (const char *)sqlite3_column_text(st, 1);
		const char *win = (const char *)sqlite3_column_text(st, 2);
		struct when w;
		char stamp[64];
		uint64_t k;

		if (ser == NULL || strlen(ser) != 16 ||
		    strspn(ser, "0123456789") != 16 || at == NULL ||
		    rec_parse_when(at, 0, &w, stamp) != 0)
			continue;	/* not a form hcp-form made */
		k = serial_prefix(ser);
		if (win != NULL && *win == '\0')
			win = NULL;
		r = rules->nruns > 0 ? &rules->runs[rules->nruns - 1] : NULL;
		if (r != NULL && k == r->last + 1 && w.secs == r->issued &&
		    (win == NULL ? r->window == NULL : r->window != NULL &&
		    strcmp(win, r->window) == 0)) {
			r->last = k;
			continue;
		}
		if (rules->nruns == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			rules->runs = xreallocarray(rules->runs, alloc,
			    sizeof(*rules->runs));
		}
		r = &rules->runs[rules->nruns++];
		r->first = r->last = k;
		r->issued = w.secs;
		memcpy(r->issued_at, stamp, sizeof(r->issued_at) - 1);
		r->issued_at[sizeof(r->issued_at) - 1] = '\0';
		r->window = win != NULL ? xstrdup(win) : NULL;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "forms");
	return 0;
}

const struct form_run *
rec_find_run(const struct rec_rules *rules, const char *serial)
{
	uint64_t k;
	size_t lo = 0, hi = rules->nruns;

	if (rules->nruns == 0 || strlen(serial) != 16)
		return NULL;
	k = serial_prefix(serial);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rules->runs[mid].last < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rules->nruns && rules->runs[lo].first <= k ? &rules->runs[lo] :
	    NULL;
}
