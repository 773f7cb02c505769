/* SPDX-License-Identifier: ISC */
/*
 * Keyed CSV into the station db (see importer.h).
 *
 * The fast path writes first and asks later: a row that passed
 * rec_check() is inserted, and its serial marked used with one UPDATE
 * that succeeds only if the serial is issued; only when the INSERT hits a
 * unique key, or the UPDATE finds no issued serial, does rec_check_keys()
 * look up why (duplicate, serial used, voided, unknown...).  Rows of one
 * input that repeat each other meet the same way, because the earlier row
 * is already in the (uncommitted) transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "clock.h"
#include "crypto.h"
#include "csvin.h"
#include "db.h"
#include "i18n.h"
#include "importer.h"
#include "record.h"
#include "rejects.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define DEFAULT_CHUNK 20000

struct run {
	struct db *db;
	struct rec_ctx *ctx;
	const struct import_opts *o;
	struct import_result *res;
	const char *path;
	sqlite3_stmt *ins, *use, *del;
	struct rec_problems pl;
	struct rec r;
	struct rec_seen *seen;
	char **errp;
};

static int
fail(char **errp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail(char **errp, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(*errp);
	*errp = strbuf_detach(&sb);
	return -1;
}

/* SHA-256 of a regular file, read once before importing it. */
static int
hash_file(const char *path, char out[65], unsigned long long *size,
    char **errp)
{
	struct digest *d;
	unsigned char md[DIGEST_LEN];
	char buf[65536];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return fail(errp, "%s: %s", path, strerror(errno));
	if ((d = digest_new(DIGEST_SHA256)) == NULL) {
		fclose(fp);
		return fail(errp, "%s", crypto_errstr());
	}
	*size = 0;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		digest_update(d, buf, n);
		*size += n;
	}
	if (ferror(fp)) {
		digest_free(d);
		fclose(fp);
		return fail(errp, "%s: %s", path, strerror(errno));
	}
	fclose(fp);
	digest_final(d, md);
	digest_free(d);
	crypto_hex(md, sizeof(md), out);
	return 0;
}

static void
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (*s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Inserts the checked row.  Returns REC_ACCEPT/REJECT/DUP or -1. */
static int
insert_row(struct run *x)
{
	const struct rec *r = &x->r;
	sqlite3_stmt *st = x->ins;
	sqlite3 *sq = db_sqlite(x->db);
	int rc, k;

	bind_opt(st, 1, r->v[F_SERIAL]);
	bind_opt(st, 2, r->v[F_PROJECT_NO]);
	sqlite3_bind_text(st, 3, r->v[F_ITEM_CODE], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->v[F_DEPT_CODE], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->v[F_AREA_CODE], -1, SQLITE_STATIC);
	bind_opt(st, 6, r->v[F_WINDOW]);
	bind_opt(st, 7, r->v[F_STAFF]);
	sqlite3_bind_int(st, 8, r->channel);
	sqlite3_bind_int(st, 9, r->satisfaction);
	bind_opt(st, 10, r->v[F_EVAL_DETAIL]);
	if (*r->v[F_EVAL_DETAIL] != '\0')
		bind_opt(st, 11, rec_ctx_codes_version(x->ctx));
	else
		sqlite3_bind_null(st, 11);
	bind_opt(st, 12, r->v[F_COMMENT]);
	if (r->user_prop != 0)
		sqlite3_bind_int(st, 13, r->user_prop);
	else
		sqlite3_bind_null(st, 13);
	bind_opt(st, 14, r->v[F_EVALUATOR]);
	bind_opt(st, 15, r->v[F_CERT_TYPE]);
	bind_opt(st, 16, r->v[F_CERT_NO]);
	bind_opt(st, 17, r->v[F_PHONE]);
	bind_opt(st, 18, r->v[F_SERVICE_TIME]);
	sqlite3_bind_text(st, 19, r->v[F_ASSESS_TIME], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 20, r->assess_number);
	sqlite3_bind_int64(st, 21, r->line);
	sqlite3_bind_text(st, 22, r->hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		/* a unique key: duplicate or conflict; rec_check_keys says */
		k = rec_check_keys(x->ctx, r, NULL, &x->pl);
		if (k == REC_ACCEPT)
			return fail(x->errp, "%s:%ld: %s", x->path, r->line,
			    sqlite3_errmsg(sq));
		return k;
	}
	if (rc != SQLITE_DONE)
		return fail(x->errp, "%s: %s", db_path(x->db),
		    sqlite3_errmsg(sq));
	if (*r->v[F_SERIAL] == '\0')
		return REC_ACCEPT;
	/* the serial: issued -> used, or find out why not */
	sqlite3_bind_text(x->use, 2, r->v[F_SERIAL], -1, SQLITE_STATIC);
	rc = sqlite3_step(x->use);
	sqlite3_reset(x->use);
	if (rc != SQLITE_DONE)
		return fail(x->errp, "%s: %s", db_path(x->db),
		    sqlite3_errmsg(sq));
	if (sqlite3_changes(sq) == 1)
		return REC_ACCEPT;
	sqlite3_bind_int64(x->del, 1, sqlite3_last_insert_rowid(sq));
	rc = sqlite3_step(x->del);
	sqlite3_reset(x->del);
	if (rc != SQLITE_DONE)
		return fail(x->errp, "%s: %s", db_path(x->db),
		    sqlite3_errmsg(sq));
	k = rec_check_keys(x->ctx, r, NULL, &x->pl);
	if (k == REC_ACCEPT)
		return fail(x->errp, "%s:%ld: %s", x->path, r->line,
		    _("the serial could not be marked used"));
	return k;
}

static int
prepare(struct run *x, const char *now)
{
	struct db *db = x->db;

	if (db_prepare(db, &x->ins, "INSERT INTO evaluations (serial, "
	    "project_no, item_code, dept_code, area_code, window_id, "
	    "staff_id, channel, satisfaction, eval_detail, "
	    "eval_codes_version, comment, user_prop, evaluator, cert_type, "
	    "cert_no, phone, service_time, assess_time, assess_number, "
	    "src_line, row_hash, import_id, entry_method) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
	    "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)") != 0 ||
	    db_prepare(db, &x->use, "UPDATE forms SET state = 'used', "
	    "state_at = ?1 WHERE serial = ?2 AND state = 'issued'") != 0 ||
	    db_prepare(db, &x->del, "DELETE FROM evaluations WHERE id = ?1")
	    != 0)
		return fail(x->errp, "%s", db_errstr(db));
	sqlite3_bind_int64(x->ins, 23, x->res->import_id);
	sqlite3_bind_text(x->ins, 24, x->o->entry_method != NULL ?
	    x->o->entry_method : "keyed", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(x->use, 1, now, -1, SQLITE_TRANSIENT);
	return 0;
}

static int
start_import(struct run *x, const char *now)
{
	sqlite3_stmt *st;
	int rc;

	if (db_begin(x->db) != 0)
		return fail(x->errp, "%s", db_errstr(x->db));
	if (db_prepare(x->db, &st, "INSERT INTO imports (src_file, "
	    "src_hash, operator, started_at) VALUES (?1, ?2, ?3, ?4)") != 0) {
		db_rollback(x->db);
		return fail(x->errp, "%s", db_errstr(x->db));
	}
	sqlite3_bind_text(st, 1, x->path, -1, SQLITE_STATIC);
	bind_opt(st, 2, x->res->src_hash);
	sqlite3_bind_text(st, 3, x->o->operator, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(x->db, "imports");
		db_rollback(x->db);
		return fail(x->errp, "%s", db_errstr(x->db));
	}
	x->res->import_id = sqlite3_last_insert_rowid(db_sqlite(x->db));
	if (db_commit(x->db) != 0)
		return fail(x->errp, "%s", db_errstr(x->db));
	rec_ctx_set_import(x->ctx, x->res->import_id);
	return 0;
}

static int
finish_import(struct run *x)
{
	sqlite3_stmt *st;
	char now[CLOCK_BUFLEN];
	int rc;

	clock_format(clock_now(), now);
	if (db_prepare(x->db, &st, "UPDATE imports SET finished_at = ?1, "
	    "rows_read = ?2, accepted = ?3, rejected = ?4, duplicates = ?5, "
	    "src_hash = coalesce(src_hash, ?6) WHERE id = ?7") != 0)
		return fail(x->errp, "%s", db_errstr(x->db));
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, x->res->rows);
	sqlite3_bind_int64(st, 3, x->res->accepted);
	sqlite3_bind_int64(st, 4, x->res->rejected);
	sqlite3_bind_int64(st, 5, x->res->duplicates);
	bind_opt(st, 6, x->res->src_hash);
	sqlite3_bind_int64(st, 7, x->res->import_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(x->db, "imports");
		return fail(x->errp, "%s", db_errstr(x->db));
	}
	return 0;
}

/* An earlier finished import of the same bytes, for the message. */
static void
find_earlier(struct run *x)
{
	sqlite3_stmt *st;

	if (db_prepare(x->db, &st, "SELECT id, finished_at FROM imports "
	    "WHERE src_hash = ?1 AND finished_at IS NOT NULL "
	    "ORDER BY id DESC LIMIT 1") != 0)
		return;
	sqlite3_bind_text(st, 1, x->res->src_hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		x->res->earlier_import = sqlite3_column_int64(st, 0);
		x->res->earlier_at = xstrdup((const char *)
		    sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
}

static void
report(struct run *x)
{
	size_t i;

	for (i = 0; i < x->pl.n; i++) {
		if (x->pl.v[i].severity == REC_WARNING)
			x->res->warnings++;
		if (x->o->on_problem != NULL)
			x->o->on_problem(x->o->arg, x->path, &x->pl.v[i]);
	}
}

int
import_file(struct db *db, struct rec_ctx *ctx, const char *path,
    const struct import_opts *o, struct import_result *res, char **errp)
{
	struct run x;
	struct csvin *in = NULL;
	struct rec_map *m = NULL;
	struct rejects *rj = NULL;
	const char **cells = NULL;
	size_t acells = 0, n, i;
	unsigned long long total = 0;
	char now[CLOCK_BUFLEN];
	long chunk = o->chunk > 0 ? o->chunk : DEFAULT_CHUNK, inchunk = 0;
	int rc = -1, k, in_tx = 0, *drop = NULL;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.ctx = ctx;
	x.o = o;
	x.res = res;
	x.path = path;
	x.errp = errp;
	rec_init(&x.r);
	clock_format(clock_now(), now);

	if (strcmp(path, "-") != 0) {
		struct stat sb;

		if (stat(path, &sb) != 0)
			return fail(errp, "%s: %s", path, strerror(errno));
		if (S_ISREG(sb.st_mode)) {
			if (hash_file(path, res->src_hash, &total, errp) != 0)
				return -1;
			find_earlier(&x);
		}
	}
	in = csvin_new();
	if (csvin_open(in, path, o->enc) != 0) {
		fail(errp, "%s", csvin_errstr(in));
		goto out;
	}
	x.path = csvin_path(in);
	if ((k = csvin_next(in)) < 0) {
		fail(errp, "%s", csvin_errstr(in));
		goto out;
	}
	if (k == 0) {
		fail(errp, _("%s: the file is empty: a header row is needed"),
		    x.path);
		goto out;
	}
	n = csvin_nfields(in);
	acells = n + 16;
	cells = xcalloc(acells, sizeof(*cells));
	for (i = 0; i < n; i++)
		cells[i] = csvin_field(in, i);
	m = rec_map_new();
	if (rec_map_header(m, n, cells, o->map_flags, &x.pl) != 0) {
		res->header_bad = 1;
		report(&x);
		res->encoding = csvin_encoding_name(in);
		rc = 0;
		goto out;
	}
	report(&x);
	if (!o->dry_run && !o->no_rejects) {
		char *rp = o->rejects != NULL ? xstrdup(o->rejects) :
		    xasprintf("%s.rejects.csv", path);

		drop = xcalloc(n ? n : 1, sizeof(*drop));
		for (i = 0; i < n; i++)
			drop[i] = rec_is_rejects_column(rec_map_name(m, i));
		rj = rejects_new(rp, n, cells, drop);
		free(rp);
	}
	if (o->dry_run) {
		x.seen = rec_seen_new();
	} else {
		if (start_import(&x, now) != 0 || prepare(&x, now) != 0)
			goto out;
		if (db_begin(db) != 0) {
			fail(errp, "%s", db_errstr(db));
			goto out;
		}
		in_tx = 1;
	}

	while ((k = csvin_next(in)) == 1) {
		long line = csvin_line(in);

		n = csvin_nfields(in);
		if (n > acells) {
			acells = n + 16;
			cells = xreallocarray(cells, acells, sizeof(*cells));
		}
		for (i = 0; i < n; i++)
			cells[i] = csvin_field(in, i);
		res->rows++;
		rec_problems_clear(&x.pl);
		if (rec_check(ctx, m, n, cells, line, &x.r, &x.pl) != 0)
			k = REC_REJECT;
		else if (o->dry_run)
			k = rec_check_keys(ctx, &x.r, x.seen, &x.pl);
		else
			k = insert_row(&x);
		if (k < 0) {
			if (*errp == NULL)
				fail(errp, "%s", db_errstr(db));
			goto out;
		}
		report(&x);
		if (k == REC_ACCEPT) {
			res->accepted++;
		} else if (k == REC_DUP) {
			res->duplicates++;
		} else {
			res->rejected++;
			if (rj != NULL && rejects_row(rj, n, cells, line,
			    x.pl.v, x.pl.n) != 0) {
				fail(errp, "%s", rejects_errstr(rj));
				goto out;
			}
		}
		if (in_tx && ++inchunk >= chunk) {
			if (db_commit(db) != 0 || db_begin(db) != 0) {
				fail(errp, "%s", db_errstr(db));
				goto out;
			}
			inchunk = 0;
		}
		if (o->on_progress != NULL && (res->rows & 4095) == 0)
			o->on_progress(o->arg, x.path, csvin_bytes(in), total,
			    res->rows);
	}
	if (k < 0) {
		fail(errp, "%s", csvin_errstr(in));
		goto out;
	}
	res->encoding = csvin_encoding_name(in);
	if (res->src_hash[0] == '\0')
		snprintf(res->src_hash, sizeof(res->src_hash), "%s",
		    csvin_sha256(in));
	if (o->on_progress != NULL)
		o->on_progress(o->arg, x.path, csvin_bytes(in), total,
		    res->rows);
	if (rj != NULL && rejects_count(rj) > 0) {
		if (rejects_commit(rj) != 0) {
			fail(errp, "%s", rejects_errstr(rj));
			goto out;
		}
		res->rejects_path = xstrdup(rejects_path(rj));
	}
	if (in_tx) {
		if (finish_import(&x) != 0)
			goto out;
		if (db_commit(db) != 0) {
			fail(errp, "%s", db_errstr(db));
			goto out;
		}
		in_tx = 0;
	}
	rc = 0;
out:
	if (in_tx)
		db_rollback(db);
	sqlite3_finalize(x.ins);
	sqlite3_finalize(x.use);
	sqlite3_finalize(x.del);
	rejects_free(rj);
	rec_seen_free(x.seen);
	rec_problems_release(&x.pl);
	rec_release(&x.r);
	rec_map_free(m);
	csvin_free(in);
	free(cells);
	free(drop);
	return rc;
}

void
import_result_release(struct import_result *res)
{
	free(res->rejects_path);
	free(res->earlier_at);
	res->rejects_path = NULL;
	res->earlier_at = NULL;
}
