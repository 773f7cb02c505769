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
 * writer inserts them (store.h), and the checkpointer (db.h) copies what
 * the writer committed from the -wal file into the db, with the fsyncs
 * that takes, so that the writer never waits for the disk.
 *
 * import_file() is a sequence of steps: open the input, read its header,
 * begin writing, hand the rows from the reader to the writer, finish.
 */
#include <assert.h>
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
#include "ring.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define DEFAULT_CHUNK 50000
#define TAIL_ROWS 1024	/* the shortest commit near the end of a file */
#define GROUP 32		/* rows written by one statement */
/* a group's serials this close are looked up with one range scan */
#define RANGE_SPAN (4 * GROUP)

/*
 * The reader thread parses and checks rows into slots, a batch at a
 * time; the calling thread writes them to the db in file order.  Both
 * share nothing but the batches, handed over on two rings: full ones to
 * the writer, written ones back to the reader.  4096 rows in flight let
 * the reader go on while the writer commits, so that the writer seldom
 * waits for rows (see hcp-import(1)).
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
	struct ring *full;		/* batches for the writer */
	struct ring *empty;		/* batches written, for the reader */
	struct batch *all[NBATCHES];	/* made by the reader */
	size_t nall;
	pthread_t tid;
	int started;
	/* reader side */
	struct csvin *in;
	struct rec_ctx *ctx;
	const struct rec_map *m;
	char *err;			/* the reader's error */
};

/* One run of import_file(). */
struct run {
	struct db *db;
	struct rec_ctx *ctx;
	const struct import_opts *o;
	struct import_result *res;
	const char *path;		/* as named, then the input's name */
	char **errp;
	/* the input */
	struct csvin *in;
	unsigned long long total;	/* its size, 0 if not known */
	struct rec_map *m;
	struct rec_problems hpl;	/* the header's problems */
	const char **cells;		/* the header's cells */
	int *drop;			/* columns left out of the rejects */
	struct rejects *rj;
	struct pipe p;
	/* the writer */
	struct store_writer *w;
	sqlite3_stmt *issued;
	/* GROUP rows at once: ledger checks (a list, a range) */
	sqlite3_stmt *g_forms, *g_range;
	struct rec_seen *seen;		/* dry run: rows seen */
	long chunk, inchunk;		/* rows a transaction; in this one */
	int in_tx;
	char now[CLOCK_BUFLEN];
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

static int
dbfail(struct run *x)
{
	return fail(x->errp, "%s", db_errstr(x->db));
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

/* ---- the writer ------------------------------------------------- */

/* Inserts the checked row.  Returns REC_ACCEPT/REJECT/DUP or -1. */
static int
insert_row(struct run *x, struct slot *sl)
{
	const struct rec *r = &sl->r;
	size_t n;
	int rc, k;

	if (*r->v[F_SERIAL] != '\0') {
		/* not issued (used, voided, unknown): rec_check_keys says */
		sqlite3_bind_text(x->issued, 1, r->v[F_SERIAL], -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(x->issued);
		sqlite3_reset(x->issued);
		if (rc == SQLITE_DONE) {
			k = rec_check_keys(x->ctx, r, NULL, &sl->pl);
			if (k == REC_ACCEPT)
				return fail(x->errp, "%s:%ld: %s", x->path,
				    r->line,
				    _("the serial could not be marked used"));
			return k;
		}
		if (rc != SQLITE_ROW)
			return fail(x->errp, "%s: %s", db_path(x->db),
			    sqlite3_errmsg(db_sqlite(x->db)));
	}
	rc = store_insert(x->w, &r, 1, &n);
	if (rc == STORE_TAKEN) {
		/* a unique key: duplicate or conflict; rec_check_keys says */
		k = rec_check_keys(x->ctx, r, NULL, &sl->pl);
		if (k == REC_ACCEPT)
			return fail(x->errp, "%s:%ld: %s", x->path, r->line,
			    db_errstr(x->db));
		return k;
	}
	if (rc != 0)
		return dbfail(x);
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
	size_t i, k;
	int rc;

	if ((rc = all_issued(x, sl)) != 1)
		return rc;
	for (i = 0; i < GROUP; i++)
		r[i] = &sl[i]->r;
	rc = store_insert(x->w, r, GROUP, &k);
	if (rc == STORE_TAKEN)
		return (int)k;	/* rows 0 .. k-1 are in */
	if (rc != 0 || k != GROUP)
		return -1;
	return GROUP;
}

static int
prepare(struct run *x)
{
	x->w = store_writer_new(x->db, x->res->import_id, x->o->entry_method,
	    rec_ctx_codes_version(x->ctx));
	if (x->w == NULL || db_prepare(x->db, &x->issued, "SELECT 1 FROM "
	    "forms WHERE serial = ?1 AND state = 'issued'") != 0)
		return dbfail(x);
	return prepare_group(x);
}

static int
finish_import(struct run *x)
{
	struct store_counts c;
	char now[CLOCK_BUFLEN];

	clock_format(clock_now(), now);
	c.rows = x->res->rows;
	c.accepted = x->res->accepted;
	c.rejected = x->res->rejected;
	c.duplicates = x->res->duplicates;
	if (store_import_finish(x->db, x->res->import_id, now, &c,
	    x->res->src_hash) != 0)
		return dbfail(x);
	return 0;
}

/* An earlier finished import of the same bytes, for the message. */
static void
find_earlier(struct run *x)
{
	store_import_earlier(x->db, x->res->src_hash,
	    &x->res->earlier_import, &x->res->earlier_at);
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
next_tx(struct run *x)
{
	if (db_commit(x->db) != 0)
		return dbfail(x);
	db_checkpoint_bound(x->db);
	if (db_begin(x->db) != 0)
		return dbfail(x);
	x->inchunk = 0;
	return 0;
}

/* Writes the row to the rejects file, if there is one. */
static int
reject_row(struct run *x, const struct slot *sl)
{
	const char **cv;
	size_t j;
	int k;

	if (x->rj == NULL)
		return 0;
	cv = xcalloc(sl->ncells ? sl->ncells : 1, sizeof(*cv));
	for (j = 0; j < sl->ncells; j++)
		cv[j] = sl->raw.buf + sl->celloff[j];
	k = rejects_row(x->rj, sl->ncells, cv, sl->line, sl->pl.v, sl->pl.n);
	free(cv);
	if (k != 0)
		return fail(x->errp, "%s", rejects_errstr(x->rj));
	return 0;
}

/* One row on its own: accepted, rejected or a duplicate.  0 or -1. */
static int
take_row(struct run *x, struct slot *sl)
{
	int k;

	x->res->rows++;
	if (sl->nerr != 0)
		k = REC_REJECT;
	else if (x->o->dry_run)
		k = rec_check_keys(x->ctx, &sl->r, x->seen, &sl->pl);
	else
		k = insert_row(x, sl);
	if (k < 0) {
		if (*x->errp == NULL)
			dbfail(x);
		return -1;
	}
	report(x, &sl->pl);
	x->inchunk++;
	if (k == REC_ACCEPT)
		x->res->accepted++;
	else if (k == REC_DUP)
		x->res->duplicates++;
	else {
		x->res->rejected++;
		return reject_row(x, sl);
	}
	return 0;
}

/*
 * The GROUP rows of b from i on, when they are all valid, with one
 * statement: how many went in (0: none, take them one at a time), or -1.
 */
static int
take_group(struct run *x, struct batch *b, size_t i)
{
	struct slot *g[GROUP];
	size_t j;
	int k;

	for (j = 0; j < GROUP && b->s[i + j].nerr == 0; j++)
		g[j] = &b->s[i + j];
	if (j < GROUP)
		return 0;
	if ((k = write_group(x, g)) < 0)
		return fail(x->errp, "%s: %s", db_path(x->db),
		    sqlite3_errmsg(db_sqlite(x->db)));
	for (j = 0; j < (size_t)k; j++)
		report(x, &g[j]->pl);
	x->res->rows += k;
	x->res->accepted += k;
	x->inchunk += k;
	return k;
}

/* Writes (or checks) the rows of batch b, committing as they go. */
static int
take_batch(struct run *x, struct batch *b)
{
	/* rows to come after this batch, from the bytes read */
	size_t left = 0, i = 0;
	int k;

	if (!b->last && b->bytes > 0 && b->bytes < x->total)
		left = (size_t)((x->total - b->bytes) * (x->res->rows +
		    b->n) / b->bytes) + 1;
	while (i < b->n) {
		k = 0;
		if (!x->o->dry_run && i + GROUP <= b->n && i % GROUP == 0 &&
		    (k = take_group(x, b, i)) < 0)
			return -1;
		if (k == 0) {
			if (take_row(x, &b->s[i]) != 0)
				return -1;
			k = 1;
		}
		i += (size_t)k;
		if (x->in_tx && !x->o->dry_run && commit_due(x->inchunk,
		    x->chunk, left > 0 ? left + (b->n - i) : 0) &&
		    next_tx(x) != 0)
			return -1;
	}
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

	switch (is->kind) {
	case CSVIN_NUL_BYTE:
	case CSVIN_FORMULA:
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
	rec_problem_add(pl, is->line, (int)is->col, col, rec_issue_code(is),
	    d);
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
	for (i = 0; i < csvin_nissues(in); i++) {
		const struct csvin_issue *is = csvin_issue(in, i);

		sl->nerr += read_problem(p, is, &sl->pl);
		/* a formula without its value is said as that alone, not
		 * also as a required field left empty */
		if (is->kind == CSVIN_FORMULA)
			rec_problems_drop(&sl->pl, (int)is->col, E_REQUIRED);
	}
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
		if (p->nall < NBATCHES)
			b = p->all[p->nall++] = batch_new();
		else if ((b = ring_get(p->empty)) == NULL)
			break;		/* the writer gave up */
		b->n = 0;
		b->last = 0;
		while (b->n < BATCH_ROWS && (k = csvin_next(p->in)) == 1)
			slot_fill(p, &b->s[b->n++]);
		if (k < 0)
			p->err = xstrdup(csvin_errstr(p->in));
		b->last = k != 1;
		b->bytes = csvin_bytes(p->in);
		if (ring_put(p->full, b) != 0)
			break;
	}
	return NULL;
}

static int
pipe_start(struct run *x)
{
	struct pipe *p = &x->p;

	p->in = x->in;
	p->ctx = x->ctx;
	p->m = x->m;
	p->full = ring_new(NBATCHES);
	p->empty = ring_new(NBATCHES);
	if (pthread_create(&p->tid, NULL, reader, p) != 0)
		return fail(x->errp, "%s", _("cannot start the reader thread"));
	p->started = 1;
	return 0;
}

/* Stops the reader, if it runs, and frees what it made. */
static void
pipe_release(struct pipe *p)
{
	size_t i, j;

	if (p->started) {
		ring_close(p->full);
		ring_close(p->empty);
		pthread_join(p->tid, NULL);
	}
	for (i = 0; i < p->nall; i++) {
		for (j = 0; j < BATCH_ROWS; j++) {
			struct slot *sl = &p->all[i]->s[j];

			rec_release(&sl->r);
			rec_problems_release(&sl->pl);
			strbuf_release(&sl->raw);
			free(sl->celloff);
		}
		free(p->all[i]);
	}
	ring_free(p->full);
	ring_free(p->empty);
	free(p->err);
	memset(p, 0, sizeof(*p));
}

/* ---- the steps of an import ------------------------------------- */

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

/* Opens the input and reads its header row.  0 or -1. */
static int
open_input(struct run *x)
{
	struct stat sb;
	size_t i;
	int k;

	if (strcmp(x->path, "-") != 0) {
		if (stat(x->path, &sb) != 0)
			return fail(x->errp, "%s: %s", x->path,
			    strerror(errno));
		if (S_ISREG(sb.st_mode))
			x->total = (unsigned long long)sb.st_size;
	}
	x->in = csvin_new();
	if (csvin_open(x->in, x->path, x->o->enc) != 0)
		return fail(x->errp, "%s", csvin_errstr(x->in));
	x->path = csvin_path(x->in);
	csvin_set_multiline(x->in, multiline_ok, NULL);
	csvin_skip_titles(x->in);
	if ((k = csvin_next(x->in)) < 0)
		return fail(x->errp, "%s", csvin_errstr(x->in));
	if (k == 0 && csvin_other_sheets(x->in) != NULL)
		return fail(x->errp, _("%s: the sheet \"%s\" is empty: a "
		    "header row is needed (the workbook's other sheets: %s; "
		    "--sheet chooses one)"), x->path, csvin_sheet(x->in),
		    csvin_other_sheets(x->in));
	if (k == 0)
		return fail(x->errp, _("%s: the file is empty: a header row "
		    "is needed"), x->path);
	for (i = 0; i < csvin_nissues(x->in); i++) {
		if (csvin_issue(x->in, i)->kind != CSVIN_BAD_ENCODING)
			continue;
		/* no column could be known: the file cannot be read */
		return fail(x->errp, _("%s:%ld: the header row is not valid "
		    "%s: name the file's encoding with --encoding"), x->path,
		    csvin_issue(x->in, i)->line, csvin_encoding_name(x->in));
	}
	return 0;
}

/*
 * Maps the header's columns and opens the rejects file: 0, 1 when the
 * header is unusable (res says so, nothing more to do), or -1.
 */
static int
read_header(struct run *x, const char *path)
{
	struct rec_problems pl = REC_PROBLEMS_INIT;
	struct rec_map *two;
	size_t n = csvin_nfields(x->in), i;
	const char *title;
	long line, hline = csvin_line(x->in);
	char *rp;
	int bad;

	for (i = 0; (title = csvin_title(x->in, i, &line)) != NULL; i++)
		rec_problem_add(&x->hpl, line, -1, "", W_TITLE_ROW, title);
	x->cells = xcalloc(n ? n : 1, sizeof(*x->cells));
	for (i = 0; i < n; i++)
		x->cells[i] = csvin_field(x->in, i);
	x->m = rec_map_new();
	bad = rec_map_header(x->m, n, x->cells, hline, x->o->map_flags,
	    &pl) != 0;
	if (bad && (two = csvin_header_below(x->in, x->m,
	    x->o->map_flags)) != NULL) {
		/* the rejects file gets the header as one row */
		rec_problems_release(&pl);
		rec_map_free(x->m);
		x->m = two;
		n = rec_map_ncols(x->m);
		free(x->cells);
		x->cells = xcalloc(n ? n : 1, sizeof(*x->cells));
		for (i = 0; i < n; i++)
			x->cells[i] = rec_map_name(x->m, i);
		rec_problem_add(&x->hpl, hline, -1, "", W_HEADER_TWO_ROWS,
		    NULL);
		bad = 0;
	}
	rec_problems_move(&x->hpl, &pl);
	rec_problems_release(&pl);
	if (bad) {
		x->res->header_bad = 1;
		report(x, &x->hpl);
		x->res->encoding = csvin_encoding_name(x->in);
		if (csvin_other_sheets(x->in) != NULL)
			x->res->other_sheets =
			    xstrdup(csvin_other_sheets(x->in));
		return 1;
	}
	report(x, &x->hpl);
	if (x->o->dry_run || x->o->no_rejects)
		return 0;
	rp = x->o->rejects != NULL ? xstrdup(x->o->rejects) :
	    xasprintf("%s.rejects.csv", path);
	x->drop = xcalloc(n ? n : 1, sizeof(*x->drop));
	for (i = 0; i < n; i++)
		x->drop[i] = rec_is_rejects_column(rec_map_name(x->m, i));
	x->rj = rejects_new(rp, n, x->cells, x->drop);
	free(rp);
	return 0;
}

/*
 * The import row, the statements and the first transaction; a dry run
 * reads in one transaction: one snapshot, no lock per lookup.
 */
static int
begin_writing(struct run *x)
{
	if (x->o->dry_run) {
		x->seen = rec_seen_new();
		if (db_exec(x->db, "BEGIN") != 0)
			return dbfail(x);
		x->in_tx = 1;
		return 0;
	}
	if (store_import_begin(x->db, x->path, x->o->operator, x->now,
	    &x->res->import_id) != 0)
		return dbfail(x);
	rec_ctx_set_import(x->ctx, x->res->import_id);
	/*
	 * The only reference an import makes is to its own imports row:
	 * checking it on every record is wasted.
	 */
	if (db_exec(x->db, "PRAGMA foreign_keys = OFF") != 0)
		return dbfail(x);
	if (prepare(x) != 0)
		return -1;
	if (db_begin(x->db) != 0)
		return dbfail(x);
	x->in_tx = 1;
	db_checkpointer_start(x->db);
	return 0;
}

/* Every row, from the reader to the db, in file order. */
static int
write_all(struct run *x)
{
	struct batch *b;
	int last = 0, k;

	if (pipe_start(x) != 0)
		return -1;
	/* only the writer closes the rings: get and put cannot fail */
	while (!last) {
		b = ring_get(x->p.full);
		assert(b != NULL);
		if (take_batch(x, b) != 0)
			return -1;
		if (x->o->on_progress != NULL)
			x->o->on_progress(x->o->arg, x->path, b->bytes,
			    x->total, x->res->rows);
		last = b->last;
		k = ring_put(x->p.empty, b);
		assert(k == 0);
		(void)k;
	}
	pthread_join(x->p.tid, NULL);
	x->p.started = 0;
	db_checkpointer_stop(x->db);
	return 0;
}

/*
 * The rejects file (written, or an older one removed), the file's
 * SHA-256 and counts into its import row, and the last commit.
 */
static int
finish(struct run *x)
{
	struct import_result *res = x->res;
	int k;

	/*
	 * The input could not be read to its end: the rows before are
	 * counted, imported and their rejects written as usual, and the
	 * caller says where it stopped.
	 */
	if (x->p.err != NULL)
		res->stopped = xstrdup(x->p.err);
	/* the file's SHA-256, computed while it was read */
	res->encoding = csvin_encoding_name(x->in);
	snprintf(res->src_hash, sizeof(res->src_hash), "%s",
	    csvin_sha256(x->in));
	find_earlier(x);
	if (x->rj != NULL && rejects_count(x->rj) > 0) {
		if (rejects_commit(x->rj) != 0)
			return fail(x->errp, "%s", rejects_errstr(x->rj));
		res->rejects_path = xstrdup(rejects_path(x->rj));
	} else if (x->rj != NULL && res->stopped == NULL) {
		/* an older one must not look like this import's */
		k = rejects_remove_stale(rejects_path(x->rj));
		if (k > 0)
			res->rejects_removed = xstrdup(rejects_path(x->rj));
		else if (k < 0)
			return fail(x->errp, _("%s: cannot remove the old "
			    "rejects file: %s"), rejects_path(x->rj),
			    strerror(errno));
	}
	if (x->o->dry_run) {
		db_rollback(x->db);
		x->in_tx = 0;
		return 0;
	}
	if (finish_import(x) != 0)
		return -1;
	if (db_commit(x->db) != 0)
		return dbfail(x);
	x->in_tx = 0;
	return 0;
}

/* Undoes what is left of the run; rc is its result so far. */
static int
run_release(struct run *x, int rc)
{
	pipe_release(&x->p);
	db_checkpointer_stop(x->db);
	if (x->in_tx)
		db_rollback(x->db);
	sqlite3_finalize(x->issued);
	sqlite3_finalize(x->g_forms);
	sqlite3_finalize(x->g_range);
	store_writer_free(x->w);
	if (!x->o->dry_run && db_exec(x->db, "PRAGMA foreign_keys = ON") !=
	    0 && rc == 0)
		rc = dbfail(x);
	rejects_free(x->rj);
	rec_seen_free(x->seen);
	rec_problems_release(&x->hpl);
	rec_map_free(x->m);
	csvin_free(x->in);
	free(x->cells);
	free(x->drop);
	return rc;
}

int
import_file(struct db *db, struct rec_ctx *ctx, const char *path,
    const struct import_opts *o, struct import_result *res, char **errp)
{
	struct run x;
	struct rec_problems hpl = REC_PROBLEMS_INIT;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.ctx = ctx;
	x.o = o;
	x.res = res;
	x.path = path;
	x.errp = errp;
	x.hpl = hpl;
	x.chunk = o->chunk > 0 ? o->chunk : DEFAULT_CHUNK;
	clock_format(clock_now(), x.now);

	rc = open_input(&x);
	if (rc == 0)
		rc = read_header(&x, path);
	if (rc == 0)
		rc = begin_writing(&x);
	if (rc == 0)
		rc = write_all(&x);
	if (rc == 0)
		rc = finish(&x);
	return run_release(&x, rc < 0 ? -1 : 0);
}

void
import_result_release(struct import_result *res)
{
	free(res->rejects_path);
	free(res->earlier_at);
	free(res->stopped);
	free(res->rejects_removed);
	free(res->other_sheets);
	res->other_sheets = NULL;
	res->rejects_path = NULL;
	res->earlier_at = NULL;
	res->stopped = NULL;
	res->rejects_removed = NULL;
}
