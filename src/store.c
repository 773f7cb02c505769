/* SPDX-License-Identifier: ISC */
/*
 * The record store (see store.h): the evaluations and imports tables.
 *
 * A writer's INSERT reads its records through a virtual table:
 * "INSERT ... SELECT ... FROM hcp_rows" takes each value straight from
 * its checked record, where binding would copy it twice.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "fields.h"
#include "i18n.h"
#include "record.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* ---- the imports table ------------------------------------------ */

int
store_import_begin(struct db *db, const char *src_file, const char *operator,
    const char *started_at, long long *id)
{
	sqlite3_stmt *st;
	int rc;

	if (db_begin(db) != 0)
		return -1;
	if (db_prepare(db, &st, "INSERT INTO imports (src_file, "
	    "src_hash, operator, started_at) VALUES (?1, NULL, ?2, ?3)") != 0) {
		db_rollback(db);
		return -1;
	}
	sqlite3_bind_text(st, 1, src_file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, operator, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, started_at, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(db, "imports");
		db_rollback(db);
		return -1;
	}
	*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return db_commit(db);
}

int
store_import_finish(struct db *db, long long id, const char *finished_at,
    const struct store_counts *c, const char *src_hash)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, "UPDATE imports SET finished_at = ?1, "
	    "rows_read = ?2, accepted = ?3, rejected = ?4, duplicates = ?5, "
	    "src_hash = coalesce(src_hash, ?6) WHERE id = ?7") != 0)
		return -1;
	sqlite3_bind_text(st, 1, finished_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->rows);
	sqlite3_bind_int64(st, 3, c->accepted);
	sqlite3_bind_int64(st, 4, c->rejected);
	sqlite3_bind_int64(st, 5, c->duplicates);
	if (src_hash != NULL && *src_hash != '\0')
		sqlite3_bind_text(st, 6, src_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "imports");
	return 0;
}

int
store_import_earlier(struct db *db, const char *src_hash, long long *id,
    char **at)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, "SELECT id, finished_at FROM imports "
	    "WHERE src_hash = ?1 AND finished_at IS NOT NULL "
	    "ORDER BY id DESC LIMIT 1") != 0)
		return -1;
	sqlite3_bind_text(st, 1, src_hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*at = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_sqlerr(db, "imports");
}

/* ---- writing records -------------------------------------------- */

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
#define ROWS_ESTIMATE 32	/* rows of one INSERT, for the planner */

struct store_writer {
	struct db *db;
	sqlite3_stmt *ins;
	const char *codes_version;
	/* the rows ins writes: the virtual table hcp_rows */
	const struct rec *const *rows;
	size_t nrows;
};

struct vt {
	sqlite3_vtab base;
	struct store_writer *w;
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
	t->w = aux;
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
	info->estimatedCost = ROWS_ESTIMATE;
	info->estimatedRows = ROWS_ESTIMATE;
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

	return ((struct vt_cursor *)c)->i >= t->w->nrows;
}

static int
vt_column(sqlite3_vtab_cursor *c, sqlite3_context *cx, int i)
{
	struct store_writer *w = ((struct vt *)c->pVtab)->w;
	const struct rec *r = w->rows[((struct vt_cursor *)c)->i];
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
		sqlite3_result_text(cx, w->codes_version, -1, SQLITE_STATIC);
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

struct store_writer *
store_writer_new(struct db *db, long long import_id, const char *entry_method,
    const char *codes_version)
{
	struct store_writer *w = xcalloc(1, sizeof(*w));
	struct strbuf sb = STRBUF_INIT;
	int rc;

	w->db = db;
	w->codes_version = codes_version != NULL ? codes_version : "";
	if (sqlite3_create_module_v2(db_sqlite(db), "hcp_rows", &vt_module, w,
	    NULL) != SQLITE_OK) {
		db_sqlerr(db, "hcp_rows");
		free(w);
		return NULL;
	}
	strbuf_adds(&sb, "INSERT OR FAIL INTO evaluations (");
	vcol_names(&sb);
	strbuf_adds(&sb, ", import_id, entry_method) SELECT ");
	vcol_names(&sb);
	strbuf_adds(&sb, ", ?1, ?2 FROM hcp_rows");
	rc = db_prepare(db, &w->ins, sb.buf);
	strbuf_release(&sb);
	if (rc != 0) {
		store_writer_free(w);
		return NULL;
	}
	sqlite3_bind_int64(w->ins, 1, import_id);
	sqlite3_bind_text(w->ins, 2, entry_method != NULL ? entry_method :
	    "keyed", -1, SQLITE_TRANSIENT);
	return w;
}

void
store_writer_free(struct store_writer *w)
{
	if (w == NULL)
		return;
	sqlite3_finalize(w->ins);
	sqlite3_create_module(db_sqlite(w->db), "hcp_rows", NULL, NULL);
	free(w);
}

int
store_insert(struct store_writer *w, const struct rec *const *r, size_t n,
    size_t *k)
{
	int rc;

	w->rows = r;
	w->nrows = n;
	rc = sqlite3_step(w->ins);
	*k = (size_t)sqlite3_changes(db_sqlite(w->db));
	w->nrows = 0;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(w->ins);
		return 0;
	}
	db_sqlerr(w->db, "evaluations");
	sqlite3_reset(w->ins);
	return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_TAKEN : -1;
}

/* ---- a report's db in memory ------------------------------------ */

struct store_scratch {
	struct db *db;
	sqlite3_stmt *ins, *rep, *imp;
};

struct store_scratch *
store_scratch_new(struct db *db)
{
	static const char cols[] = "(serial, project_no, item_code, "
	    "dept_code, area_code, window_id, staff_id, channel, "
	    "satisfaction, evaluator, cert_no, phone, assess_time, "
	    "assess_number, import_id, src_line, entry_method, row_hash) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16, ?17, ?18)";
	struct store_scratch *s = xcalloc(1, sizeof(*s));
	char *ins = xasprintf("INSERT INTO evaluations %s", cols);
	char *rep = xasprintf("INSERT OR REPLACE INTO evaluations %s", cols);
	int rc;

	s->db = db;
	rc = db_prepare(db, &s->ins, ins) != 0 ||
	    db_prepare(db, &s->rep, rep) != 0 ||
	    db_prepare(db, &s->imp, "INSERT INTO imports (src_file, "
	    "operator, started_at) VALUES (?1, '', ?2)") != 0;
	free(ins);
	free(rep);
	if (rc) {
		store_scratch_free(s);
		return NULL;
	}
	return s;
}

void
store_scratch_free(struct store_scratch *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->rep);
	sqlite3_finalize(s->imp);
	free(s);
}

int
store_scratch_import(struct store_scratch *s, const char *src_file,
    const char *now, long long *id)
{
	sqlite3_reset(s->imp);
	sqlite3_bind_text(s->imp, 1, src_file, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s->imp, 2, now, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s->imp) != SQLITE_DONE)
		return db_sqlerr(s->db, "imports");
	*id = sqlite3_last_insert_rowid(db_sqlite(s->db));
	return 0;
}

int
store_scratch_add(struct store_scratch *s, long long import_id,
    const struct store_row *row, int replace)
{
	sqlite3_stmt *st = replace ? s->rep : s->ins;
	const char *area = row->area_code != NULL ? row->area_code : "";

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	db_bind_opt(st, 1, row->serial);
	db_bind_opt(st, 2, row->project_no);
	db_bind_opt(st, 3, row->item_code);
	db_bind_opt(st, 4, row->dept_code);
	/* stored 6 digits, exported padded to 12 (DESIGN §6.1) */
	sqlite3_bind_text(st, 5, area, strlen(area) > 6 ? 6 : -1,
	    SQLITE_TRANSIENT);
	db_bind_opt(st, 6, row->window);
	db_bind_opt(st, 7, row->staff);
	db_bind_opt(st, 8, row->channel);
	db_bind_opt(st, 9, row->satisfaction);
	db_bind_opt(st, 10, row->evaluator);
	db_bind_opt(st, 11, row->cert_no);
	db_bind_opt(st, 12, row->phone);
	db_bind_opt(st, 13, row->assess_time);
	sqlite3_bind_int(st, 14, row->assess_number > 0 ? row->assess_number :
	    1);
	sqlite3_bind_int64(st, 15, import_id);
	sqlite3_bind_int64(st, 16, row->src_line);
	sqlite3_bind_text(st, 17, row->entry_method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 18, row->row_hash, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_sqlerr(s->db, "evaluations");
	return 0;
}

/* ---- finding and changing records ------------------------------- */

/* Steps st for one id: 1 with *id, 0 if no row, -1. */
static int
step_id(struct db *db, sqlite3_stmt *st, long long *id)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		db_sqlerr(db, _("cannot read the records"));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_find_serial(struct db *db, const char *serial, long long *id)
{
	sqlite3_stmt *st;

	if (db_prepare(db, &st, "SELECT id FROM evaluations_current "
	    "WHERE id IN (SELECT id FROM evaluations WHERE "
	    "serial = ?1 UNION SELECT eval_id FROM corrections WHERE "
	    "serial = ?1) AND serial = ?1") != 0)
		return -1;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	return step_id(db, st, id);
}

int
store_find_assess(struct db *db, const char *project_no, int assess_number,
    long long *id)
{
	sqlite3_stmt *st;

	if (db_prepare(db, &st, "SELECT id FROM evaluations_current "
	    "WHERE id IN (SELECT id FROM evaluations WHERE "
	    "project_no = ?1 AND assess_number = ?2 UNION SELECT "
	    "eval_id FROM corrections WHERE project_no = ?1 AND "
	    "assess_number = ?2) AND project_no = ?1 AND "
	    "assess_number = ?2") != 0)
		return -1;
	sqlite3_bind_text(st, 1, project_no, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, assess_number);
	return step_id(db, st, id);
}

const char *
store_column(int f)
{
	return fields[f].column;
}

/* Binds field f of r as the field table stores it (as vt_column does). */
void
store_bind_field(struct sqlite3_stmt *st, int i, int f, const struct rec *r)
{
	int v;

	switch (fields[f].store) {
	case FIELD_STORE_INT:
	case FIELD_STORE_INT_OPT:
		v = rec_int(r, (enum field_id)f);
		if (v == 0 && fields[f].store == FIELD_STORE_INT_OPT)
			sqlite3_bind_null(st, i);
		else
			sqlite3_bind_int(st, i, v);
		break;
	case FIELD_STORE_OPT:
		if (r->len[f] == 0) {
			sqlite3_bind_null(st, i);
			break;
		}
		/* FALLTHROUGH */
	case FIELD_STORE_TEXT:
		sqlite3_bind_text(st, i, r->v[f], (int)r->len[f],
		    SQLITE_STATIC);
		break;
	}
}

int
store_update(struct db *db, long long id, const struct rec *r,
    const char *codes_version)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int f, rc;

	strbuf_adds(&sql, "UPDATE evaluations SET ");
	for (f = 0; f < F_NFIELDS; f++)
		strbuf_addf(&sql, "%s = ?%d, ", store_column(f), f + 1);
	strbuf_addf(&sql, "eval_codes_version = ?%d, row_hash = ?%d "
	    "WHERE id = ?%d", F_NFIELDS + 1, F_NFIELDS + 2, F_NFIELDS + 3);
	rc = db_prepare(db, &st, sql.buf);
	strbuf_release(&sql);
	if (rc != 0)
		return -1;
	for (f = 0; f < F_NFIELDS; f++)
		store_bind_field(st, f + 1, f, r);
	if (codes_version != NULL && *codes_version != '\0')
		sqlite3_bind_text(st, F_NFIELDS + 1, codes_version, -1,
		    SQLITE_STATIC);
	sqlite3_bind_text(st, F_NFIELDS + 2, r->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, F_NFIELDS + 3, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, _("cannot store the correction"));
	return 0;
}

/* ---- reading records for packing -------------------------------- */

int
store_count(struct db *db, long long *n, long long *max_id)
{
	if (db_query_int(db, "SELECT count(*) FROM evaluations", NULL,
	    n) != 0 || db_query_int(db, "SELECT coalesce(max(id), 0) FROM "
	    "evaluations", NULL, max_id) != 0)
		return -1;
	return 0;
}

int
store_range_after(struct db *db, long long after, long long limit,
    long long *n, long long *last)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, "SELECT count(*), coalesce(max(id), 0) FROM "
	    "(SELECT id FROM evaluations WHERE id > ?1 ORDER BY id "
	    "LIMIT ?2)") != 0)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, limit);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		*last = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_sqlerr(db, _("cannot choose the records"));
	return 0;
}

struct store_rows {
	struct db *db;
	sqlite3_stmt *st;
	int row;		/* st is on a row */
};

static struct store_rows *
rows_new(struct db *db, const char *sql)
{
	struct store_rows *rs = xcalloc(1, sizeof(*rs));

	rs->db = db;
	if (db_prepare(db, &rs->st, sql) != 0) {
		free(rs);
		return NULL;
	}
	return rs;
}

struct store_rows *
store_rows_range(struct db *db, const char *const *cols, size_t ncols,
    int corrections, long long lo, long long hi)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_rows *rs;
	size_t i;

	strbuf_adds(&sql, "SELECT ");
	for (i = 0; i < ncols; i++)
		strbuf_addf(&sql, "%c.%s, ", corrections ? 'c' : 'e', cols[i]);
	if (corrections)
		strbuf_adds(&sql, "e.src_line, e.entry_method, e.import_id, "
		    "b.name, c.reason, c.operator, c.amended_at FROM "
		    "corrections c JOIN evaluations e ON e.id = c.eval_id "
		    "JOIN batches b ON b.seq = c.batch_seq "
		    "WHERE c.id BETWEEN ?1 AND ?2 ORDER BY c.id");
	else
		strbuf_adds(&sql, "e.src_line, e.entry_method, e.import_id "
		    "FROM evaluations e WHERE e.id BETWEEN ?1 AND ?2 "
		    "ORDER BY e.id");
	rs = rows_new(db, sql.buf);
	strbuf_release(&sql);
	if (rs != NULL) {
		sqlite3_bind_int64(rs->st, 1, lo);
		sqlite3_bind_int64(rs->st, 2, hi);
	}
	return rs;
}

struct store_rows *
store_rows_imports(struct db *db)
{
	return rows_new(db, "SELECT src_file, src_hash, operator, started_at "
	    "FROM imports WHERE id = ?1");
}

int
store_rows_seek(struct store_rows *rs, long long id)
{
	sqlite3_reset(rs->st);
	sqlite3_bind_int64(rs->st, 1, id);
	return store_rows_next(rs);
}

int
store_rows_next(struct store_rows *rs)
{
	int rc = sqlite3_step(rs->st);

	rs->row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_sqlerr(rs->db, _("cannot read the records"));
}

const char *
store_rows_text(struct store_rows *rs, int i, size_t *len)
{
	const char *v = (const char *)sqlite3_column_text(rs->st, i);

	*len = v != NULL ? (size_t)sqlite3_column_bytes(rs->st, i) : 0;
	return v;
}

long long
store_rows_int(struct store_rows *rs, int i)
{
	return sqlite3_column_int64(rs->st, i);
}

void
store_rows_free(struct store_rows *rs)
{
	if (rs == NULL)
		return;
	sqlite3_finalize(rs->st);
	free(rs);
}
