/* SPDX-License-Identifier: ISC */
/*
 * Keyed CSV into the station db (see importer.h).
 *
 * The fast path checks a group of rows at a time: one query that their
 * serials are all issued, then one INSERT of all of them, which reads
 * them from the checked records through a virtual table.  A serial is
 * "used" when an evaluation holds it (evaluations.serial is unique), so
 * nothing else is written.  Only when a serial is not issued, or the
 * INSERT hits a unique key, does rec_check_keys() look up why (duplicate,
 * serial used, voided, unknown...).  Rows of one input that repeat each
 * other meet the same way, because the earlier row is already in the
 * (uncommitted) transaction.
 *
 * Three threads share the work: the reader parses and checks rows, the
 * writer inserts them, and the checkpointer copies what the writer
 * committed from the -wal file into the db, with the fsyncs that takes,
 * so that the writer never waits for the disk.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "clock.h"
#include "crypto.h"
#include "csvin.h"
#include "db.h"
#include "fields.h"
#include "i18n.h"
#include "importer.h"
#include "record.h"
#include "rejects.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define DEFAULT_CHUNK 50000
#define TAIL_ROWS 1024	/* the shortest commit near the end of a file */
#define GROUP 32		/* rows written by one statement */
#define CKPT_FRAMES 256	/* pages in the -wal file worth a checkpoint */
#define WAL_FRAMES_MAX 8192	/* the writer waits for a checkpoint here */
/* a group's serials this close are looked up with one range scan */
#define RANGE_SPAN (4 * GROUP)

struct run {
	struct db *db;
	struct rec_ctx *ctx;
	const struct import_opts *o;
	struct import_result *res;
	const char *path;
	sqlite3_stmt *ins, *issued;
	/* GROUP rows at once: ledger checks (a list, a range) */
	sqlite3_stmt *g_forms, *g_range;
	/* the rows ins writes: the virtual table hcp_rows */
	const struct rec *const *rows;
	size_t nrows;
	struct rec_problems *pl;	/* of the row being written */
	const struct rec *r;
	struct rec_seen *seen;
	char **errp;
};

/*
 * The reader thread parses and checks rows into slots, a batch at a
 * time; the calling thread writes them to the db in file order.  Both
 * share nothing but the batches, handed over under the lock.  4096 rows
 * in flight let the reader go on while the writer commits, so that the
 * writer seldom waits for rows (see hcp-import(1)).
 */
#define BATCH_ROWS	256
#define NBATCHES	16

struct slot {
	struct rec r;
	struct rec_problems pl;
	int nerr;
	long line;
	struct strbuf raw;		/* the cells, each NUL-terminated */
	size_t *celloff;
	size_t ncells, acells;
};

struct batch {
	struct slot s[BATCH_ROWS];
	size_t n;
	unsigned long long bytes;	/* read so far, for progress */
	int last;			/* end of input (or error) */
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *b[NBATCHES];
	int full[NBATCHES];		/* 1: ready for the writer */
	size_t rd, wr;			/* next for the reader, writer */
	int stop;			/* the writer gave up */
	/* reader side */
	struct csvin *in;
	struct rec_ctx *ctx;
	const struct rec_map *m;
	char *err;			/* the reader's error */
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

static void
bind_text(sqlite3_stmt *st, int i, const char *s, size_t n)
{
	sqlite3_bind_text(st, i, s, (int)n, SQLITE_STATIC);
}

/* Binds s (n bytes), or NULL when it is empty. */
static void
bind_opt(sqlite3_stmt *st, int i, const char *s, size_t n)
{
	if (n == 0)
		sqlite3_bind_null(st, i);
	else
		bind_text(st, i, s, n);
}

/*
 * The rows to write, as a table SQLite reads: "INSERT ... SELECT ... FROM
 * hcp_rows" takes each value straight from its checked record, where
 * binding would copy it twice.  An eponymous virtual table of the
 * writer's connection; its rows are x->rows[0 .. x->nrows - 1].
 */
enum vkind {
	V_TEXT,		/* field f */
	V_OPT,		/* field f, NULL when empty */
	V_INT,		/* rec_int() of field f */
	V_INT_OPT,	/* ... NULL when 0 */
	V_LINE,
	V_HASH,
	V_CODES		/* the catalogue's code version, with a detail code */
};

struct vcol {
	const char *name;
	enum vkind kind;
	size_t f;
};

/*
 * Column i: the record's fields as the field table has them (fields.h:
 * column, store), the dictionary version after eval_detail, then
 * src_line and row_hash.
 */
#define NVCOLS ((size_t)F_NFIELDS + 3)

static struct vcol
vcol_at(size_t i)
{
	static const enum vkind kinds[] = {
		[FIELD_STORE_TEXT] = V_TEXT, [FIELD_STORE_OPT] = V_OPT,
		[FIELD_STORE_INT] = V_INT, [FIELD_STORE_INT_OPT] = V_INT_OPT
	};
	struct vcol vc = { "eval_codes_version", V_CODES, F_EVAL_DETAIL };

	if (i == F_EVAL_DETAIL + 1)
		return vc;
	if (i > F_EVAL_DETAIL + 1)
		i--;
	if (i < F_NFIELDS) {
		vc.name = fields[i].column;
		vc.kind = kinds[fields[i].store];
		vc.f = i;
	} else {
		vc.name = i == F_NFIELDS ? "src_line" : "row_hash";
		vc.kind = i == F_NFIELDS ? V_LINE : V_HASH;
	}
	return vc;
}

struct vt {
	sqlite3_vtab base;
	struct run *x;
};

struct vt_cursor {
	sqlite3_vtab_cursor base;
	size_t i;
};

/* "a, b, c" of the columns' names */
static void
vcol_names(struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < NVCOLS; i++)
		strbuf_addf(sb, "%s%s", i > 0 ? ", " : "", vcol_at(i).name);
}

static int
vt_connect(sqlite3 *sq, void *aux, int argc, const char *const *argv,
    sqlite3_vtab **vtp, char **err)
{
	struct strbuf sb = STRBUF_INIT;
	struct vt *t;
	int rc;

	(void)argc;
	(void)argv;
	(void)err;
	strbuf_adds(&sb, "CREATE TABLE x(");
	vcol_names(&sb);
	strbuf_adds(&sb, ")");
	rc = sqlite3_declare_vtab(sq, sb.buf);
	strbuf_release(&sb);
	if (rc != SQLITE_OK)
		return rc;
	/* not for a trigger or a view of the db to read */
	sqlite3_vtab_config(sq, SQLITE_VTAB_DIRECTONLY);
	t = xcalloc(1, sizeof(*t));
	t->x = aux;
	*vtp = &t->base;
	return SQLITE_OK;
}

static int
vt_disconnect(sqlite3_vtab *vt)
{
	free(vt);
	return SQLITE_OK;
}

static int
vt_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	info->estimatedCost = GROUP;
	info->estimatedRows = GROUP;
	return SQLITE_OK;
}

static int
vt_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **cp)
{
	struct vt_cursor *c = xcalloc(1, sizeof(*c));

	(void)vt;
	*cp = &c->base;
	return SQLITE_OK;
}

static int
vt_close(sqlite3_vtab_cursor *c)
{
	free(c);
	return SQLITE_OK;
}

static int
vt_filter(sqlite3_vtab_cursor *c, int idxnum, const char *idxstr, int argc,
    sqlite3_value **argv)
{
	(void)idxnum;
	(void)idxstr;
	(void)argc;
	(void)argv;
	((struct vt_cursor *)c)->i = 0;
	return SQLITE_OK;
}

static int
vt_next(sqlite3_vtab_cursor *c)
{
	((struct vt_cursor *)c)->i++;
	return SQLITE_OK;
}

static int
vt_eof(sqlite3_vtab_cursor *c)
{
	struct vt *t = (struct vt *)c->pVtab;

	return ((struct vt_cursor *)c)->i >= t->x->nrows;
}

static int
vt_column(sqlite3_vtab_cursor *c, sqlite3_context *cx, int i)
{
	struct run *x = ((struct vt *)c->pVtab)->x;
	const struct rec *r = x->rows[((struct vt_cursor *)c)->i];
	struct vcol vcv = vcol_at((size_t)i);
	const struct vcol *vc = &vcv;
	int v;

	switch (vc->kind) {
	case V_OPT:
		if (r->len[vc->f] == 0)
			break;
		/* FALLTHROUGH */
	case V_TEXT:
		sqlite3_result_text(cx, r->v[vc->f], (int)r->len[vc->f],
		    SQLITE_STATIC);
		return SQLITE_OK;
	case V_INT:
	case V_INT_OPT:
		v = rec_int(r, (enum field_id)vc->f);
		if (v == 0 && vc->kind == V_INT_OPT)
			break;
		sqlite3_result_int(cx, v);
		return SQLITE_OK;
	case V_LINE:
		sqlite3_result_int64(cx, r->line);
		return SQLITE_OK;
	case V_HASH:
		sqlite3_result_text(cx, r->hash, -1, SQLITE_STATIC);
		return SQLITE_OK;
	case V_CODES:
		if (r->len[vc->f] == 0)
			break;
		sqlite3_result_text(cx, rec_ctx_codes_version(x->ctx), -1,
		    SQLITE_STATIC);
		return SQLITE_OK;
	}
	sqlite3_result_null(cx);
	return SQLITE_OK;
}

static int
vt_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct vt_cursor *)c)->i;
	return SQLITE_OK;
}

static const sqlite3_module vt_module = {
	.xConnect = vt_connect,
	.xBestIndex = vt_best_index,
	.xDisconnect = vt_disconnect,
	.xOpen = vt_open,
	.xClose = vt_close,
	.xFilter = vt_filter,
	.xNext = vt_next,
	.xEof = vt_eof,
	.xColumn = vt_column,
	.xRowid = vt_rowid,
};

/*
 * Writes the n rows r[] with one statement, in order: it stops at the
 * first whose key is taken (a duplicate, a conflict), the rows before
 * it stay in.  Returns SQLite's result; *k gets how many rows went in.
 */
static int
insert_rows(struct run *x, const struct rec *const *r, size_t n, int *k)
{
	int rc;

	x->rows = r;
	x->nrows = n;
	rc = sqlite3_step(x->ins);
	*k = sqlite3_changes(db_sqlite(x->db));
	sqlite3_reset(x->ins);
	x->nrows = 0;
	return rc;
}

/* Inserts the checked row.  Returns REC_ACCEPT/REJECT/DUP or -1. */
static int
insert_row(struct run *x)
{
	const struct rec *r = x->r;
	sqlite3 *sq = db_sqlite(x->db);
	int rc, k;

	if (*r->v[F_SERIAL] != '\0') {
		/* not issued (used, voided, unknown): rec_check_keys says */
		sqlite3_bind_text(x->issued, 1, r->v[F_SERIAL], -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(x->issued);
		sqlite3_reset(x->issued);
		if (rc == SQLITE_DONE) {
			k = rec_check_keys(x->ctx, r, NULL, x->pl);
			if (k == REC_ACCEPT)
				return fail(x->errp, "%s:%ld: %s", x->path,
				    r->line,
				    _("the serial could not be marked used"));
			return k;
		}
		if (rc != SQLITE_ROW)
			return fail(x->errp, "%s: %s", db_path(x->db),
			    sqlite3_errmsg(sq));
	}
	rc = insert_rows(x, &x->r, 1, &k);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		/* a unique key: duplicate or conflict; rec_check_keys says */
		k = rec_check_keys(x->ctx, r, NULL, x->pl);
		if (k == REC_ACCEPT)
			return fail(x->errp, "%s:%ld: %s", x->path, r->line,
			    sqlite3_errmsg(sq));
		return k;
	}
	if (rc != SQLITE_DONE)
		return fail(x->errp, "%s: %s", db_path(x->db),
		    sqlite3_errmsg(sq));
	return REC_ACCEPT;
}

/* "?a, ?a+1, ... ?b" */
static void
params(struct strbuf *sb, int a, int b)
{
	int i;

	for (i = a; i <= b; i++)
		strbuf_addf(sb, "%s?%d", i > a ? ", " : "", i);
}

static int
prepare_group(struct run *x)
{
	struct strbuf sb = STRBUF_INIT;
	struct db *db = x->db;
	int rc;

	strbuf_adds(&sb, "SELECT count(*) FROM forms WHERE state = 'issued' "
	    "AND serial IN (");
	params(&sb, 1, GROUP);
	strbuf_adds(&sb, ")");
	rc = db_prepare(db, &x->g_forms, sb.buf);
	rc |= db_prepare(db, &x->g_range, "SELECT serial FROM forms WHERE "
	    "serial BETWEEN ?1 AND ?2 AND state = 'issued' ORDER BY serial");
	strbuf_release(&sb);
	if (rc != 0)
		return fail(x->errp, "%s", db_errstr(db));
	return 0;
}

/* Steps a one-row query and returns its integer, or -1 on error. */
static long long
query_int(sqlite3_stmt *st)
{
	long long v = 0;
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		v = -1;
	sqlite3_reset(st);
	return v;
}

/*
 * Whether the n serials s[] (sorted, distinct, all of one length) are all
 * issued, by one scan of the ledger from the first to the last: 1 yes,
 * 0 no, -1 on a db error.
 */
static int
range_issued(sqlite3_stmt *st, const char *const *s, size_t n, size_t len)
{
	size_t j = 0;
	int rc = SQLITE_ROW, c;

	bind_text(st, 1, s[0], len);
	bind_text(st, 2, s[n - 1], len);
	while (j < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((size_t)sqlite3_column_bytes(st, 0) != len)
			continue;
		c = memcmp(sqlite3_column_text(st, 0), s[j], len);
		if (c > 0)
			break;		/* s[j] is not issued */
		j += c == 0;
	}
	if (j < n && rc != SQLITE_ROW && rc != SQLITE_DONE)
		j = (size_t)-1;
	sqlite3_reset(st);
	return j == (size_t)-1 ? -1 : j == n;
}

/*
 * Whether the serials of GROUP rows are all issued: 1 yes, 0 no (or one
 * is keyed twice: the rows then go one at a time), -1 on a db error.
 * Forms are issued in numbered pads and come back in bundles, so a
 * group's serials are often a few apart: then one range scan of the
 * ledger answers for all of them, else the IN list looks up each.
 */
static int
all_issued(struct run *x, struct slot *const *sl)
{
	const char *s[GROUP], *t;
	size_t i, k, n = 0, len = 0;
	long long v;

	for (i = 0; i < GROUP; i++) {
		t = sl[i]->r.v[F_SERIAL];
		if (*t == '\0')
			continue;
		if (n > 0 && sl[i]->r.len[F_SERIAL] != len)
			len = 0;	/* not the range's */
		else
			len = sl[i]->r.len[F_SERIAL];
		/* insertion sort: a bundle is mostly in order already */
		for (k = n; k > 0 && strcmp(s[k - 1], t) > 0; k--)
			s[k] = s[k - 1];
		s[k] = t;
		n++;
	}
	if (n == 0)
		return 1;
	for (i = 1; i < n; i++)
		if (strcmp(s[i - 1], s[i]) == 0)
			return 0;
	if (len > 0 && len <= 19 && strtoull(s[n - 1], NULL, 10) -
	    strtoull(s[0], NULL, 10) < 10 * RANGE_SPAN)
		return range_issued(x->g_range, s, n, len);
	for (i = 0; i < GROUP; i++)
		bind_opt(x->g_forms, (int)i + 1, sl[i]->r.v[F_SERIAL],
		    sl[i]->r.len[F_SERIAL]);
	if ((v = query_int(x->g_forms)) < 0)
		return -1;
	return v == (long long)n;
}

/*
 * Writes GROUP checked rows with two statements instead of two a row:
 * one query that their serials are all issued, one INSERT OR FAIL of all
 * of them.  The insert stops at the first row whose key is taken (a
 * duplicate, a conflict; two rows of the group with one project number):
 * the rows before it stay in.  Returns how many rows, from the first,
 * were written (0 to GROUP; the caller takes the rest one at a time, to
 * find out what is wrong), or -1 on a db error.
 */
static int
write_group(struct run *x, struct slot *const *sl)
{
	const struct rec *r[GROUP];
	size_t i;
	int rc, k;

	if ((k = all_issued(x, sl)) != 1)
		return k;
	for (i = 0; i < GROUP; i++)
		r[i] = &sl[i]->r;
	rc = insert_rows(x, r, GROUP, &k);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return k;	/* rows 0 .. k-1 are in */
	if (rc != SQLITE_DONE || k != GROUP)
		return -1;
	return GROUP;
}

static int
prepare(struct run *x)
{
	struct db *db = x->db;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (sqlite3_create_module_v2(db_sqlite(db), "hcp_rows", &vt_module, x,
	    NULL) != SQLITE_OK)
		return fail(x->errp, "%s", sqlite3_errmsg(db_sqlite(db)));
	strbuf_adds(&sb, "INSERT OR FAIL INTO evaluations (");
	vcol_names(&sb);
	strbuf_adds(&sb, ", import_id, entry_method) SELECT ");
	vcol_names(&sb);
	strbuf_adds(&sb, ", ?1, ?2 FROM hcp_rows");
	rc = db_prepare(db, &x->ins, sb.buf);
	strbuf_release(&sb);
	if (rc != 0 || db_prepare(db, &x->issued, "SELECT 1 FROM forms WHERE "
	    "serial = ?1 AND state = 'issued'") != 0)
		return fail(x->errp, "%s", db_errstr(db));
	if (prepare_group(x) != 0)
		return -1;
	sqlite3_bind_int64(x->ins, 1, x->res->import_id);
	sqlite3_bind_text(x->ins, 2, x->o->entry_method != NULL ?
	    x->o->entry_method : "keyed", -1, SQLITE_TRANSIENT);
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
	sqlite3_bind_null(st, 2);	/* known at the end */
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
	bind_opt(st, 6, x->res->src_hash, strlen(x->res->src_hash));
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
report(struct run *x, const struct rec_problems *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		if (pl->v[i].severity == REC_WARNING)
			x->res->warnings++;
		if (x->o->on_problem != NULL)
			x->o->on_problem(x->o->arg, x->path, &pl->v[i]);
	}
}

/* ---- the checkpointer thread ------------------------------------ */

struct ckpt {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct db *db;			/* its own connection */
	pthread_t tid;
	int started, stop;
	long long autockpt;		/* the writer's, given back at the end */
	int frames;			/* in the -wal file at the last commit */
	unsigned long asked, done;	/* checkpoints */
};

static void *
checkpointer(void *arg)
{
	struct ckpt *c = arg;
	unsigned long n;

	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		if (c->done == c->asked) {
			pthread_cond_wait(&c->cv, &c->mu);
			continue;
		}
		n = c->asked;
		pthread_mutex_unlock(&c->mu);
		/*
		 * PASSIVE: it copies what is committed and waits for no
		 * one.  A checkpoint that fails (a reader holds a page) is
		 * done again later, at the latest when the db is closed.
		 */
		sqlite3_wal_checkpoint_v2(db_sqlite(c->db), NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->mu);
		c->done = n;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* After every commit of the writer: nframes pages are in the -wal file. */
static int
ckpt_hook(void *arg, sqlite3 *sq, const char *name, int nframes)
{
	struct ckpt *c = arg;

	(void)sq;
	(void)name;
	pthread_mutex_lock(&c->mu);
	c->frames = nframes;
	if (nframes >= CKPT_FRAMES) {
		c->asked++;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return SQLITE_OK;
}

/*
 * Takes the checkpoints off the writer's connection (c zeroed), when the
 * db is in WAL mode.  Without the thread (another journal mode, no second
 * connection) SQLite checkpoints on the writer's commits as usual.
 */
static void
ckpt_start(struct ckpt *c, struct db *db)
{
	long long wal = 0;

	if (db_query_int(db, "SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode", NULL, &wal) != 0 || !wal ||
	    db_query_int(db, "PRAGMA wal_autocheckpoint", NULL,
	    &c->autockpt) != 0)
		return;
	c->db = db_new();
	if (db_open(c->db, db_path(db), 0, NULL) != 0) {
		db_free(c->db);
		c->db = NULL;
		return;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->tid, NULL, checkpointer, c) != 0) {
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		db_free(c->db);
		c->db = NULL;
		return;
	}
	c->started = 1;
	sqlite3_wal_hook(db_sqlite(db), ckpt_hook, c);
}

/*
 * Keeps the -wal file small: once it holds WAL_FRAMES_MAX pages, waits
 * (between two transactions) for a checkpoint of all of it, so that the
 * writer's next transaction starts it again from the beginning.
 */
static void
ckpt_bound(struct ckpt *c)
{
	unsigned long n;

	if (!c->started)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->frames >= WAL_FRAMES_MAX) {
		n = ++c->asked;
		pthread_cond_broadcast(&c->cv);
		while (c->done < n)
			pthread_cond_wait(&c->cv, &c->mu);
		c->frames = 0;
	}
	pthread_mutex_unlock(&c->mu);
}

/* Stops the thread; the writer's commits checkpoint as SQLite does. */
static void
ckpt_stop(struct ckpt *c, struct db *db)
{
	if (!c->started)
		return;
	sqlite3_wal_autocheckpoint(db_sqlite(db), (int)c->autockpt);
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->tid, NULL);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	db_free(c->db);
	c->started = 0;
}

/*
 * Whether inchunk rows make a transaction, left more being estimated to
 * come (0: not known): chunk rows; and near the end of a file, as soon
 * as it holds as many rows as are left.  The last transactions then
 * halve down to TAIL_ROWS, the checkpoint of each overlapping the
 * writing of the next, so the run ends by waiting for a short one only.
 */
static int
commit_due(long inchunk, long chunk, size_t left)
{
	return inchunk >= chunk || (left > 0 && inchunk >= TAIL_ROWS &&
	    (size_t)inchunk >= left);
}

/* Commits the rows written so far and begins the next transaction. */
static int
next_tx(struct db *db, struct ckpt *ck, char **errp)
{
	if (db_commit(db) != 0)
		return fail(errp, "%s", db_errstr(db));
	ckpt_bound(ck);
	if (db_begin(db) != 0)
		return fail(errp, "%s", db_errstr(db));
	return 0;
}

/* ---- the reader thread ------------------------------------------ */

/*
 * What the reader found wrong with a row beyond its cells (csvin.h), as
 * a problem of the row.  Returns 1 (an error).
 */
static int
read_problem(struct pipe *p, const struct csvin_issue *is,
    struct rec_problems *pl)
{
	char *d = NULL;
	const char *col = "";
	enum rec_code code = E_QUOTE_OPEN;

	switch (is->kind) {
	case CSVIN_NUL_BYTE:
		code = E_NUL_BYTE;
		col = rec_map_name(p->m, (size_t)is->col);
		break;
	case CSVIN_QUOTE_OPEN:
		if (is->to > is->from)
			d = xasprintf(_("it would have taken lines %ld-%ld, "
			    "which are read as rows of their own"), is->from,
			    is->to);
		else if (is->to == is->from)
			d = xasprintf(_("it would have taken line %ld, which "
			    "is read as a row of its own"), is->from);
		else
			d = xasprintf(_("it is never closed: it would have "
			    "taken lines %ld to the end of the file, which are "
			    "read as rows of their own"), is->from);
		break;
	case CSVIN_QUOTE_STRAY:
		d = xasprintf(_("a stray quote here closes the one left open "
		    "on line %ld"), is->from);
		break;
	case CSVIN_BAD_ENCODING: {
		const char *enc = csvin_encoding_name(p->in);

		code = E_ENCODING;
		if (is->other)
			d = xasprintf(_("it reads as %s, not as %s like the "
			    "file"), strcmp(enc, "GB18030") == 0 ? "UTF-8" :
			    "GB18030", enc);
		else
			d = xasprintf(_("it is not valid %s; what did not "
			    "decode is shown as U+FFFD"), enc);
		break;
	}
	}
	rec_problem_add(pl, is->line, (int)is->col, col, code, d);
	free(d);
	return 1;
}

static void
slot_fill(struct pipe *p, struct slot *sl)
{
	const struct csvin *in = p->in;
	size_t i, n = csvin_nfields(in);
	const char *cells[64], **cv = cells;
	size_t lens[64], *lv = lens;

	const char *rec;
	size_t len;

	sl->line = csvin_line(in);
	if (n > sl->acells) {
		sl->acells = n + 16;
		sl->celloff = xreallocarray(sl->celloff, sl->acells,
		    sizeof(*sl->celloff));
	}
	/* the cells, as keyed, for the rejects file: one copy */
	rec = csvin_record(in, &len);
	strbuf_reset(&sl->raw);
	strbuf_add(&sl->raw, rec, len);
	for (i = 0; i < n; i++)
		sl->celloff[i] = (size_t)(csvin_field(in, i) - rec);
	sl->ncells = n;
	if (n > sizeof(cells) / sizeof(cells[0])) {
		cv = xcalloc(n, sizeof(*cv));
		lv = xcalloc(n, sizeof(*lv));
	}
	for (i = 0; i < n; i++) {
		cv[i] = sl->raw.buf + sl->celloff[i];
		lv[i] = csvin_field_len(in, i);
	}
	rec_problems_clear(&sl->pl);
	sl->nerr = rec_check(p->ctx, p->m, n, cv, lv, sl->line, &sl->r,
	    &sl->pl);
	for (i = 0; i < csvin_nissues(in); i++)
		sl->nerr += read_problem(p, csvin_issue(in, i), &sl->pl);
	if (cv != cells) {
		free(cv);
		free(lv);
	}
}

/*
 * A batch of empty slots.  The reader makes them as it first needs them,
 * so that a short file does not wait for all of them.
 */
static struct batch *
batch_new(void)
{
	struct batch *b = xcalloc(1, sizeof(*b));
	size_t i;

	for (i = 0; i < BATCH_ROWS; i++)
		rec_init(&b->s[i].r);
	return b;
}

static void *
reader(void *arg)
{
	struct pipe *p = arg;
	struct batch *b;
	int k = 1;

	while (k == 1) {
		pthread_mutex_lock(&p->mu);
		while (p->full[p->rd] && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		b = p->b[p->rd];
		pthread_mutex_unlock(&p->mu);

		if (b == NULL)
			b = batch_new();
		b->n = 0;
		b->last = 0;
		while (b->n < BATCH_ROWS && (k = csvin_next(p->in)) == 1)
			slot_fill(p, &b->s[b->n++]);
		if (k < 0)
			p->err = xstrdup(csvin_errstr(p->in));
		b->last = k != 1;
		b->bytes = csvin_bytes(p->in);

		pthread_mutex_lock(&p->mu);
		p->b[p->rd] = b;
		p->full[p->rd] = 1;
		p->rd = (p->rd + 1) % NBATCHES;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* The next batch in file order, or NULL once the last was taken. */
static struct batch *
take(struct pipe *p)
{
	struct batch *b;

	pthread_mutex_lock(&p->mu);
	while (!p->full[p->wr])
		pthread_cond_wait(&p->cv, &p->mu);
	b = p->b[p->wr];
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void
give_back(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->full[p->wr] = 0;
	p->wr = (p->wr + 1) % NBATCHES;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void
pipe_release(struct pipe *p)
{
	size_t i, j;

	for (i = 0; i < NBATCHES; i++) {
		if (p->b[i] == NULL)
			continue;
		for (j = 0; j < BATCH_ROWS; j++) {
			struct slot *sl = &p->b[i]->s[j];

			rec_release(&sl->r);
			rec_problems_release(&sl->pl);
			strbuf_release(&sl->raw);
			free(sl->celloff);
		}
		free(p->b[i]);
	}
	free(p->err);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}

/*
 * The columns whose quoted cells may hold line breaks: the free-text
 * comment, and columns that are no field (their content is not known).
 */
static int
multiline_ok(const char *name, void *arg)
{
	int f = field_lookup(name);

	(void)arg;
	return f == F_COMMENT || f < 0;
}

int
import_file(struct db *db, struct rec_ctx *ctx, const char *path,
    const struct import_opts *o, struct import_result *res, char **errp)
{
	struct run x;
	struct pipe p;
	struct csvin *in = NULL;
	struct rec_map *m = NULL;
	struct rejects *rj = NULL;
	struct rec_problems hpl = REC_PROBLEMS_INIT;
	const char **cells = NULL;
	size_t n, i;
	unsigned long long total = 0;
	char now[CLOCK_BUFLEN];
	long chunk = o->chunk > 0 ? o->chunk : DEFAULT_CHUNK, inchunk = 0;
	int rc = -1, k, in_tx = 0, *drop = NULL, started = 0, done = 0;
	pthread_t tid;
	struct ckpt ck;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	memset(&p, 0, sizeof(p));
	memset(&ck, 0, sizeof(ck));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	x.db = db;
	x.ctx = ctx;
	x.o = o;
	x.res = res;
	x.path = path;
	x.errp = errp;
	clock_format(clock_now(), now);

	if (strcmp(path, "-") != 0) {
		struct stat sb;

		if (stat(path, &sb) != 0) {
			fail(errp, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (S_ISREG(sb.st_mode))
			total = (unsigned long long)sb.st_size;
	}
	in = csvin_new();
	if (csvin_open(in, path, o->enc) != 0) {
		fail(errp, "%s", csvin_errstr(in));
		goto out;
	}
	x.path = csvin_path(in);
	csvin_set_multiline(in, multiline_ok, NULL);
	if ((k = csvin_next(in)) < 0) {
		fail(errp, "%s", csvin_errstr(in));
		goto out;
	}
	if (k == 0) {
		fail(errp, _("%s: the file is empty: a header row is needed"),
		    x.path);
		goto out;
	}
	for (i = 0; i < csvin_nissues(in); i++) {
		if (csvin_issue(in, i)->kind != CSVIN_BAD_ENCODING)
			continue;
		/* no column could be known: the file cannot be read */
		fail(errp, _("%s:%ld: the header row is not valid %s: name "
		    "the file's encoding with --encoding"), x.path,
		    csvin_issue(in, i)->line, csvin_encoding_name(in));
		goto out;
	}
	n = csvin_nfields(in);
	cells = xcalloc(n ? n : 1, sizeof(*cells));
	for (i = 0; i < n; i++)
		cells[i] = csvin_field(in, i);
	m = rec_map_new();
	if (rec_map_header(m, n, cells, o->map_flags, &hpl) != 0) {
		res->header_bad = 1;
		report(&x, &hpl);
		res->encoding = csvin_encoding_name(in);
		rc = 0;
		goto out;
	}
	report(&x, &hpl);
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
		/* one read transaction: one snapshot, no lock per lookup */
		x.seen = rec_seen_new();
		if (db_exec(db, "BEGIN") != 0) {
			fail(errp, "%s", db_errstr(db));
			goto out;
		}
		in_tx = 1;
	} else {
		/*
		 * The only reference an import makes is to its own imports
		 * row: checking it on every record is wasted.
		 */
		if (start_import(&x, now) != 0 ||
		    db_exec(db, "PRAGMA foreign_keys = OFF") != 0 ||
		    prepare(&x) != 0)
			goto out;
		if (db_begin(db) != 0) {
			fail(errp, "%s", db_errstr(db));
			goto out;
		}
		in_tx = 1;
		ckpt_start(&ck, db);
	}

	p.in = in;
	p.ctx = ctx;
	p.m = m;
	if (pthread_create(&tid, NULL, reader, &p) != 0) {
		fail(errp, "%s", _("cannot start the reader thread"));
		goto out;
	}
	started = 1;

	while (!done) {
		struct batch *b = take(&p);
		/* rows to come after this batch, from the bytes read */
		size_t left = 0;

		if (!b->last && b->bytes > 0 && b->bytes < total)
			left = (size_t)((total - b->bytes) * (res->rows +
			    b->n) / b->bytes) + 1;
		for (i = 0; i < b->n; i++) {
			struct slot *sl = &b->s[i];
			const char **cv;
			size_t j;

			if (!o->dry_run && i + GROUP <= b->n &&
			    (i % GROUP) == 0) {
				struct slot *g[GROUP];

				for (j = 0; j < GROUP && b->s[i + j].nerr ==
				    0; j++)
					g[j] = &b->s[i + j];
				k = j == GROUP ? write_group(&x, g) : 0;
				if (k < 0) {
					fail(errp, "%s: %s", db_path(db),
					    sqlite3_errmsg(db_sqlite(db)));
					goto out;
				}
				if (k > 0) {
					for (j = 0; j < (size_t)k; j++)
						report(&x, &g[j]->pl);
					res->rows += k;
					res->accepted += k;
					inchunk += k;
					i += (size_t)k - 1;
					goto commit;
				}
			}
			res->rows++;
			x.pl = &sl->pl;
			x.r = &sl->r;
			if (sl->nerr != 0)
				k = REC_REJECT;
			else if (o->dry_run)
				k = rec_check_keys(ctx, &sl->r, x.seen,
				    &sl->pl);
			else
				k = insert_row(&x);
			if (k < 0) {
				if (*errp == NULL)
					fail(errp, "%s", db_errstr(db));
				goto out;
			}
			report(&x, &sl->pl);
			if (k == REC_ACCEPT) {
				res->accepted++;
			} else if (k == REC_DUP) {
				res->duplicates++;
			} else {
				res->rejected++;
				if (rj == NULL)
					goto next;
				cv = xcalloc(sl->ncells ? sl->ncells : 1,
				    sizeof(*cv));
				for (j = 0; j < sl->ncells; j++)
					cv[j] = sl->raw.buf + sl->celloff[j];
				k = rejects_row(rj, sl->ncells, cv, sl->line,
				    sl->pl.v, sl->pl.n);
				free(cv);
				if (k != 0) {
					fail(errp, "%s", rejects_errstr(rj));
					goto out;
				}
			}
		next:
			inchunk++;
		commit:
			if (in_tx && !o->dry_run && commit_due(inchunk, chunk,
			    left > 0 ? left + (b->n - i - 1) : 0)) {
				if (next_tx(db, &ck, errp) != 0)
					goto out;
				inchunk = 0;
			}
		}
		if (o->on_progress != NULL)
			o->on_progress(o->arg, x.path, b->bytes, total,
			    res->rows);
		done = b->last;
		give_back(&p);
	}
	pthread_join(tid, NULL);
	started = 0;
	ckpt_stop(&ck, db);
	/*
	 * The input could not be read to its end: the rows before are
	 * counted, imported and their rejects written as usual, and the
	 * caller says where it stopped.
	 */
	if (p.err != NULL)
		res->stopped = xstrdup(p.err);
	/* the file's SHA-256, computed while it was read */
	res->encoding = csvin_encoding_name(in);
	snprintf(res->src_hash, sizeof(res->src_hash), "%s", csvin_sha256(in));
	find_earlier(&x);
	if (rj != NULL && rejects_count(rj) > 0) {
		if (rejects_commit(rj) != 0) {
			fail(errp, "%s", rejects_errstr(rj));
			goto out;
		}
		res->rejects_path = xstrdup(rejects_path(rj));
	} else if (rj != NULL && res->stopped == NULL) {
		/* an older one must not look like this import's */
		k = rejects_remove_stale(rejects_path(rj));
		if (k > 0)
			res->rejects_removed = xstrdup(rejects_path(rj));
		else if (k < 0) {
			fail(errp, _("%s: cannot remove the old rejects file: "
			    "%s"), rejects_path(rj), strerror(errno));
			goto out;
		}
	}
	if (in_tx && o->dry_run) {
		db_rollback(db);
		in_tx = 0;
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
	if (started) {
		pthread_mutex_lock(&p.mu);
		p.stop = 1;
		for (i = 0; i < NBATCHES; i++)
			p.full[i] = 0;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		pthread_join(tid, NULL);
	}
	ckpt_stop(&ck, db);
	if (in_tx)
		db_rollback(db);
	sqlite3_finalize(x.ins);
	sqlite3_finalize(x.issued);
	sqlite3_finalize(x.g_forms);
	sqlite3_finalize(x.g_range);
	sqlite3_create_module(db_sqlite(db), "hcp_rows", NULL, NULL);
	if (!o->dry_run && db_exec(db, "PRAGMA foreign_keys = ON") != 0 &&
	    rc == 0) {
		fail(errp, "%s", db_errstr(db));
		rc = -1;
	}
	pipe_release(&p);
	rejects_free(rj);
	rec_seen_free(x.seen);
	rec_problems_release(&hpl);
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
	free(res->stopped);
	free(res->rejects_removed);
	res->rejects_path = NULL;
	res->earlier_at = NULL;
	res->stopped = NULL;
	res->rejects_removed = NULL;
}
