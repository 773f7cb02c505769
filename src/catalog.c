/* SPDX-License-Identifier: ISC */
/*
 * Catalogue loading (see catalog.h).  One table describes each file: its
 * columns (English name and Chinese alias), its key, and how each value
 * is checked; the loader is the same for all six.  Then the read side:
 * the lookups the tools and the validator make.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "catalog.h"
#include "csvin.h"
#include "db.h"
#include "diag.h"
#include "i18n.h"
#include "ids.h"
#include "record.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define MAXCOLS 4

enum kind {
	K_TEXT,		/* non-empty text, at most 200 bytes */
	K_AREA,		/* GB/T 2260, stored as 6 digits */
	K_AREA_OPT,	/* the same, or empty */
	K_USCC,		/* 统一社会信用代码 */
	K_CODE,		/* [0-9A-Z-]{1,50} */
	K_ID,		/* [A-Za-z0-9_-]{1,20} */
	K_GRADE,	/* 1-5 */
	K_DEPT_OPT,	/* empty or a department of departments.csv */
	K_DEPT,		/* a department of departments.csv */
	K_WINDOW_OPT	/* empty or a window of windows.csv */
};

struct column {
	const char *name;
	const char *alias;	/* Chinese name */
	const char *alias2;	/* a shorter Chinese name, or NULL */
	enum kind kind;
};

struct table {
	const char *name;	/* db table, and file name without .csv */
	int nkeys;		/* leading columns forming the key */
	int ncols;
	struct column cols[MAXCOLS];
};

/* Load order matters: references point to earlier tables. */
static const struct table tables[CATALOG_NTABLES] = {
	{ "regions", 1, 3, {
		{ "code", "代码", "区划代码", K_AREA },
		{ "name", "名称", "区划名称", K_TEXT },
		{ "parent", "上级代码", "上级", K_AREA_OPT } } },
	{ "departments", 1, 3, {
		{ "code", "统一社会信用代码", "代码", K_USCC },
		{ "name", "名称", "部门名称", K_TEXT },
		{ "area_code", "行政区划代码", "区划代码", K_AREA } } },
	{ "items", 1, 3, {
		{ "code", "事项编码", "代码", K_CODE },
		{ "name", "事项名称", "名称", K_TEXT },
		{ "dept_code", "部门代码", NULL, K_DEPT } } },
	{ "windows", 1, 3, {
		{ "id", "窗口编号", "编号", K_ID },
		{ "name", "窗口名称", "名称", K_TEXT },
		{ "dept_code", "部门代码", NULL, K_DEPT_OPT } } },
	{ "staff", 1, 3, {
		{ "id", "工号", "编号", K_ID },
		{ "name", "姓名", "名称", K_TEXT },
		{ "window_id", "窗口编号", NULL, K_WINDOW_OPT } } },
	{ "eval_codes", 2, 4, {
		{ "version", "版本", "版本号", K_TEXT },
		{ "code", "代码", "评价代码", K_ID },
		{ "grade", "满意度", "等级", K_GRADE },
		{ "label", "内容", "名称", K_TEXT } } },
};

struct row {
	long line;
	char *v[MAXCOLS];
};

struct file {
	const struct table *t;
	char *path;
	struct row *rows;
	size_t nrows;
};

static void
file_release(struct file *f)
{
	size_t i;
	int j;

	for (i = 0; i < f->nrows; i++)
		for (j = 0; j < MAXCOLS; j++)
			free(f->rows[i].v[j]);
	free(f->rows);
	free(f->path);
}

static char *
trimdup(const char *s)
{
	const char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

static int
match_header(const struct table *t, const char *h)
{
	int j;

	for (j = 0; j < t->ncols; j++)
		if (strcasecmp(h, t->cols[j].name) == 0 ||
		    strcmp(h, t->cols[j].alias) == 0 ||
		    (t->cols[j].alias2 != NULL &&
		    strcmp(h, t->cols[j].alias2) == 0))
			return j;
	return -1;
}

/*
 * Reads one catalogue file into f; problems go to dl.  Returns 0, -1 if
 * the file has errors, -2 if it could not be read (missing, unreadable,
 * mixed encodings).
 */
static int
read_file(struct file *f, struct diag_list *dl)
{
	const struct table *t = f->t;
	struct csvin *in = csvin_new();
	int map[32], seen[MAXCOLS] = { 0 };
	unsigned char named[32];
	size_t i, nh;
	int j, rc, ret = -1;

	if (csvin_open(in, f->path, CSVIN_AUTO) != 0 ||
	    (rc = csvin_next(in)) < 0) {
		diag_add(dl, 0, "%s", csvin_errstr(in));
		ret = -2;
		goto out;
	}
	if (rc == 0) {
		diag_add(dl, 0, _("%s: the file is empty; it needs a header "
		    "row"), f->path);
		goto out;
	}
	nh = csvin_nfields(in);
	if (nh > sizeof(map) / sizeof(map[0]))
		nh = sizeof(map) / sizeof(map[0]);
	for (i = 0; i < nh; i++) {
		char *h = trimdup(csvin_field(in, i));

		/* a column without a name (Excel's trailing commas) has
		 * only empty cells, as in a keyed file (hcp-csv(5)) */
		map[i] = *h == '\0' ? -1 : match_header(t, h);
		named[i] = map[i] >= 0;
		if (map[i] < 0 && *h != '\0')
			diag_add(dl, 0, _("%s:%ld: unknown column \"%s\""),
			    f->path, csvin_line(in), h);
		else if (map[i] >= 0 && seen[map[i]]++)
			diag_add(dl, 0, _("%s:%ld: column \"%s\" appears "
			    "twice"), f->path, csvin_line(in), h);
		free(h);
	}
	for (j = 0; j < t->ncols; j++)
		if (!seen[j])
			diag_add(dl, 0, _("%s:%ld: column \"%s\" is missing"),
			    f->path, csvin_line(in), t->cols[j].name);
	if (dl->nerrors > 0)
		goto out;
	while ((rc = csvin_next(in)) > 0) {
		struct row *r;

		if (csvin_nissues(in) > 0) {
			const struct csvin_issue *is = csvin_issue(in, 0);

			diag_add(dl, 0, "%s:%ld: %s", f->path, csvin_line(in),
			    rec_code_text(rec_issue_code(is)));
			continue;
		}
		if ((i = csvin_stray_value(in, named, nh)) > 0) {
			diag_add(dl, 0, i > nh ? _("%s:%ld:%zu: a value right "
			    "of the last column of the header: clear the cell")
			    : _("%s:%ld:%zu: a value under a column without a "
			    "name: name the column, or clear the cell"),
			    f->path, csvin_line(in), i);
			continue;
		}
		f->rows = xreallocarray(f->rows, f->nrows + 1,
		    sizeof(*f->rows));
		r = &f->rows[f->nrows++];
		memset(r, 0, sizeof(*r));
		r->line = csvin_line(in);
		for (i = 0; i < nh; i++)
			if (map[i] >= 0)
				r->v[map[i]] = trimdup(csvin_field(in, i));
		for (j = 0; j < t->ncols; j++)
			if (r->v[j] == NULL)
				r->v[j] = xstrdup("");
	}
	if (rc < 0) {
		diag_add(dl, 0, "%s", csvin_errstr(in));
		ret = -2;
	} else
		ret = 0;
out:
	csvin_free(in);
	return ret;
}

static int
valid_chars(const char *s, size_t max, const char *extra, int lower)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (!(isdigit(c) || isupper(c) || (lower && islower(c)) ||
		    strchr(extra, c) != NULL))
			return 0;
	}
	return 1;
}

static int
find_key(const struct file *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nrows; i++)
		if (strcmp(f->rows[i].v[0], key) == 0)
			return 1;
	return 0;
}

/* Checks one value, normalising it in place; 0 ok, -1 error reported. */
static int
check_value(struct file *files, struct file *f, struct row *r, int j,
    struct diag_list *dl)
{
	const struct column *c = &f->t->cols[j];
	char *v = r->v[j], area[7];
	const char *why = NULL;

	switch (c->kind) {
	case K_TEXT:
		if (*v == '\0')
			why = _("is empty");
		else if (strlen(v) > 200)
			why = _("is longer than 200 bytes");
		break;
	case K_AREA_OPT:
		if (*v == '\0')
			break;
		/* FALLTHROUGH */
	case K_AREA:
		if (ids_area_check(v, area) != IDS_OK)
			why = _("is not an administrative division code "
			    "(6 digits, GB/T 2260)");
		else
			memcpy(v, area, 7);
		break;
	case K_USCC:
		for (char *p = v; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		switch (ids_uscc_check(v)) {
		case IDS_OK:
			break;
		case IDS_CHECK:
			diag_add(dl, 1, _("%s:%ld: %s \"%s\": the check "
			    "character does not match (accepted: some early "
			    "codes fail the check legitimately)"), f->path,
			    r->line, c->name, v);
			break;
		default:
			why = _("is not a unified social credit code (18 "
			    "characters, GB 32100)");
		}
		break;
	case K_CODE:
		if (!valid_chars(v, 50, "-", 0))
			why = _("must be 1 to 50 capital letters, digits "
			    "or -");
		break;
	case K_ID:
		if (!valid_chars(v, 20, "-_", 1))
			why = _("must be 1 to 20 letters, digits, - or _");
		break;
	case K_GRADE:
		if (strlen(v) != 1 || v[0] < '1' || v[0] > '5')
			why = _("must be a satisfaction grade 1 to 5");
		break;
	case K_DEPT_OPT:
		if (*v == '\0')
			break;
		/* FALLTHROUGH */
	case K_DEPT:
		if (!find_key(&files[1], v))
			why = _("is not a department in departments.csv");
		break;
	case K_WINDOW_OPT:
		if (*v != '\0' && !find_key(&files[3], v))
			why = _("is not a window in windows.csv");
		break;
	}
	if (why == NULL)
		return 0;
	diag_add(dl, 0, "%s:%ld: %s \"%s\" %s", f->path, r->line, c->name, v,
	    why);
	return -1;
}

static void
check_file(struct file *files, struct file *f, struct diag_list *dl)
{
	size_t i, k;
	int j;

	for (i = 0; i < f->nrows; i++) {
		struct row *r = &f->rows[i];

		for (j = 0; j < f->t->ncols; j++)
			check_value(files, f, r, j, dl);
		for (k = 0; k < i; k++) {
			int same = 1;

			for (j = 0; j < f->t->nkeys; j++)
				if (strcmp(f->rows[k].v[j], r->v[j]) != 0)
					same = 0;
			if (same) {
				diag_add(dl, 0, _("%s:%ld: %s \"%s\" already "
				    "appears on line %ld"), f->path, r->line,
				    f->t->cols[f->t->nkeys - 1].name,
				    r->v[f->t->nkeys - 1], f->rows[k].line);
				break;
			}
		}
	}
	if (strcmp(f->t->name, "regions") == 0)
		for (i = 0; i < f->nrows; i++)
			if (f->rows[i].v[2][0] != '\0' &&
			    !find_key(f, f->rows[i].v[2]))
				diag_add(dl, 0, _("%s:%ld: parent \"%s\" is not "
				    "a region in this file"), f->path,
				    f->rows[i].line, f->rows[i].v[2]);
	if (strcmp(f->t->name, "eval_codes") == 0)
		for (i = 1; i < f->nrows; i++)
			if (strcmp(f->rows[i].v[0], f->rows[0].v[0]) != 0) {
				diag_add(dl, 0, _("%s:%ld: version \"%s\" differs "
				    "from \"%s\" on line %ld; one file holds "
				    "one version of the dictionary"), f->path,
				    f->rows[i].line, f->rows[i].v[0],
				    f->rows[0].v[0], f->rows[0].line);
				break;
			}
}

/* The statements store() runs on one table. */
struct store_st {
	sqlite3_stmt *sel;	/* retired and the other columns, by key */
	sqlite3_stmt *ins;	/* a new row */
	sqlite3_stmt *upd;	/* a row changed or back from retirement */
	sqlite3_stmt *tmp;	/* a key the file lists */
	sqlite3_stmt *ret;	/* retire the rows the file does not list */
};

/* Builds the SQL of the statements of struct store_st, in that order. */
static void
store_sql(const struct table *t, struct strbuf q[5])
{
	struct strbuf *sel = &q[0], *ins = &q[1], *upd = &q[2];
	int j;

	/* key predicate: k1 = ?1 [AND k2 = ?2] */
	strbuf_addf(sel, "SELECT retired");
	for (j = t->nkeys; j < t->ncols; j++)
		strbuf_addf(sel, ", %s", t->cols[j].name);
	strbuf_addf(sel, " FROM %s WHERE ", t->name);
	strbuf_addf(ins, "INSERT INTO %s (", t->name);
	strbuf_addf(upd, "UPDATE %s SET retired = 0", t->name);
	for (j = 0; j < t->ncols; j++) {
		strbuf_addf(ins, "%s%s", j ? ", " : "", t->cols[j].name);
		if (j >= t->nkeys)
			strbuf_addf(upd, ", %s = ?%d", t->cols[j].name,
			    j + 1);
	}
	strbuf_adds(ins, ") VALUES (");
	for (j = 0; j < t->ncols; j++)
		strbuf_addf(ins, "%s?%d", j ? ", " : "", j + 1);
	strbuf_adds(ins, ")");
	strbuf_adds(upd, " WHERE ");
	for (j = 0; j < t->nkeys; j++) {
		strbuf_addf(sel, "%s%s = ?%d", j ? " AND " : "",
		    t->cols[j].name, j + 1);
		strbuf_addf(upd, "%s%s = ?%d", j ? " AND " : "",
		    t->cols[j].name, j + 1);
	}
	/* Retire what the file no longer lists, via a temp table of keys. */
	strbuf_addf(&q[3], "INSERT INTO temp.catalog_keys VALUES (?1, ?2)");
	if (t->nkeys == 1)
		strbuf_addf(&q[4], "UPDATE %s SET retired = 1 "
		    "WHERE retired = 0 "
		    "AND %s NOT IN (SELECT k2 FROM temp.catalog_keys)",
		    t->name, t->cols[0].name);
	else
		strbuf_addf(&q[4], "UPDATE %s SET retired = 1 "
		    "WHERE retired = 0 "
		    "AND %s = ?1 AND %s NOT IN (SELECT k2 FROM "
		    "temp.catalog_keys)", t->name, t->cols[0].name,
		    t->cols[1].name);
}

/* Empties the temp table of keys and prepares the statements. */
static int
store_prepare(struct db *db, const struct table *t, struct store_st *st)
{
	struct strbuf q[5] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
	    STRBUF_INIT, STRBUF_INIT };
	int i, rc = -1;

	memset(st, 0, sizeof(*st));
	store_sql(t, q);
	if (db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS catalog_keys "
	    "(k1 TEXT, k2 TEXT); DELETE FROM temp.catalog_keys") == 0 &&
	    db_prepare(db, &st->sel, q[0].buf) == 0 &&
	    db_prepare(db, &st->ins, q[1].buf) == 0 &&
	    db_prepare(db, &st->upd, q[2].buf) == 0 &&
	    db_prepare(db, &st->tmp, q[3].buf) == 0 &&
	    db_prepare(db, &st->ret, q[4].buf) == 0)
		rc = 0;
	for (i = 0; i < 5; i++)
		strbuf_release(&q[i]);
	return rc;
}

static void
store_finalize(struct store_st *st)
{
	sqlite3_finalize(st->sel);
	sqlite3_finalize(st->ins);
	sqlite3_finalize(st->upd);
	sqlite3_finalize(st->tmp);
	sqlite3_finalize(st->ret);
}

/* Runs a statement that returns no row, and resets it. */
static int
store_step(struct db *db, const struct table *t, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		return db_sqlerr(db, t->name);
	sqlite3_reset(s);
	return 0;
}

/* Adds or updates one row, if it is new or differs; notes its key. */
static int
store_row(struct db *db, const struct table *t, struct store_st *st,
    const struct row *r, struct catalog_count *cnt)
{
	sqlite3_stmt *s;
	int j, step, differs = 0;

	for (j = 0; j < t->nkeys; j++)
		sqlite3_bind_text(st->sel, j + 1, r->v[j], -1, SQLITE_STATIC);
	step = sqlite3_step(st->sel);
	if (step == SQLITE_ROW) {
		differs = sqlite3_column_int(st->sel, 0) != 0;
		for (j = t->nkeys; j < t->ncols; j++) {
			const char *old = (const char *)
			    sqlite3_column_text(st->sel, j - t->nkeys + 1);

			if (strcmp(old != NULL ? old : "", r->v[j]))
				differs = 1;
		}
	} else if (step != SQLITE_DONE)
		return db_sqlerr(db, t->name);
	sqlite3_reset(st->sel);
	s = step == SQLITE_ROW ? st->upd : st->ins;
	if (step != SQLITE_ROW || differs) {
		for (j = 0; j < t->ncols; j++)
			sqlite3_bind_text(s, j + 1, r->v[j], -1,
			    SQLITE_STATIC);
		if (store_step(db, t, s) != 0)
			return -1;
		if (s == st->ins)
			cnt->added++;
		else
			cnt->updated++;
	}
	sqlite3_bind_text(st->tmp, 1, t->nkeys == 2 ? r->v[0] : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st->tmp, 2, r->v[t->nkeys - 1], -1, SQLITE_STATIC);
	return store_step(db, t, st->tmp);
}

/* Writes one file's rows into its table; counts into cnt. */
static int
store(struct db *db, const struct file *f, struct catalog_count *cnt)
{
	const struct table *t = f->t;
	struct store_st st;
	size_t i;
	int rc = -1;

	if (store_prepare(db, t, &st) != 0)
		goto out;
	cnt->rows = (long)f->nrows;
	for (i = 0; i < f->nrows; i++)
		if (store_row(db, t, &st, &f->rows[i], cnt) != 0)
			goto out;
	if (t->nkeys == 2 && f->nrows > 0)
		sqlite3_bind_text(st.ret, 1, f->rows[0].v[0], -1,
		    SQLITE_STATIC);
	if (t->nkeys == 1 || f->nrows > 0) {
		if (store_step(db, t, st.ret) != 0)
			goto out;
		cnt->retired = sqlite3_changes(sqlite3_db_handle(st.ret));
	}
	rc = 0;
out:
	store_finalize(&st);
	return rc;
}

int
catalog_load(struct db *db, const char *dir, struct diag_list *dl,
    struct catalog_stats *stats)
{
	struct file files[CATALOG_NTABLES];
	int i, rc = -1;

	memset(files, 0, sizeof(files));
	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < CATALOG_NTABLES; i++) {
		files[i].t = &tables[i];
		files[i].path = xasprintf("%s/%s.csv", dir, tables[i].name);
		stats->t[i].table = tables[i].name;
		if (read_file(&files[i], dl) == -2)
			rc = -2;
	}
	if (dl->nerrors > 0)
		goto out;
	rc = -2;		/* only the db fails from here on */
	for (i = 0; i < CATALOG_NTABLES; i++)
		check_file(files, &files[i], dl);
	if (files[5].nrows == 0)
		diag_add(dl, 0, _("%s: the evaluation-detail dictionary is "
		    "empty"), files[5].path);
	if (dl->nerrors > 0) {
		rc = -1;
		goto out;
	}
	if (db_begin(db) != 0)
		goto out;
	for (i = 0; i < CATALOG_NTABLES; i++)
		if (store(db, &files[i], &stats->t[i]) != 0)
			goto fail;
	stats->eval_codes_version = xstrdup(files[5].rows[0].v[0]);
	if (settings_set(db, "eval_codes_version",
	    stats->eval_codes_version) != 0)
		goto fail;
	if (db_commit(db) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
out:
	for (i = 0; i < CATALOG_NTABLES; i++)
		file_release(&files[i]);
	return rc;
}

void
catalog_stats_release(struct catalog_stats *stats)
{
	free(stats->eval_codes_version);
	stats->eval_codes_version = NULL;
}

#define WINDOW_SQL "SELECT w.id, w.name, coalesce(w.dept_code, ''), " \
    "coalesce(d.area_code, ''), w.retired FROM windows w " \
    "LEFT JOIN departments d ON d.code = w.dept_code "

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return xstrdup(t != NULL ? (const char *)t : "");
}

static void
window_from_row(sqlite3_stmt *st, struct catalog_window *w)
{
	w->id = col_dup(st, 0);
	w->name = col_dup(st, 1);
	w->dept = col_dup(st, 2);
	w->area = col_dup(st, 3);
	w->retired = sqlite3_column_int(st, 4);
}

int
catalog_window_get(struct db *db, const char *id, struct catalog_window *w)
{
	sqlite3_stmt *st;
	int rc;

	memset(w, 0, sizeof(*w));
	if (db_prepare(db, &st, WINDOW_SQL "WHERE w.id = ?1") != 0)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		window_from_row(st, w);
		rc = 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		rc = db_sqlerr(db, "windows");
		break;
	}
	sqlite3_finalize(st);
	return rc;
}

int
catalog_windows_current(struct db *db, struct catalog_window **v, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*v = NULL;
	*n = 0;
	if (db_prepare(db, &st, WINDOW_SQL
	    "WHERE w.retired = 0 ORDER BY w.id") != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		window_from_row(st, &(*v)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		while (*n > 0)
			catalog_window_release(&(*v)[--*n]);
		free(*v);
		*v = NULL;
		return db_sqlerr(db, "windows");
	}
	return 0;
}

void
catalog_window_release(struct catalog_window *w)
{
	free(w->id);
	free(w->name);
	free(w->dept);
	free(w->area);
	memset(w, 0, sizeof(*w));
}

static const char *const set_sql[] = {
	[CATALOG_REGIONS] = "SELECT code, NULL, 0, retired FROM regions",
	[CATALOG_DEPARTMENTS] = "SELECT code, area_code, 0, retired "
	    "FROM departments",
	[CATALOG_ITEMS] = "SELECT code, dept_code, 0, retired FROM items",
	[CATALOG_WINDOWS] = "SELECT id, NULL, 0, retired FROM windows",
	[CATALOG_STAFF] = "SELECT id, NULL, 0, retired FROM staff",
	[CATALOG_EVAL_CODES] = "SELECT code, NULL, grade, retired "
	    "FROM eval_codes WHERE instr(', ' || ?1 || ', ', "
	    "', ' || version || ', ') > 0"
};

int
catalog_each(struct db *db, enum catalog_set set, const char *versions,
    void (*fn)(void *arg, const struct catalog_code *c), void *arg)
{
	struct catalog_code c;
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, set_sql[set]) != 0)
		return -1;
	if (set == CATALOG_EVAL_CODES)
		sqlite3_bind_text(st, 1, versions != NULL ? versions : "", -1,
		    SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c.code = (const char *)sqlite3_column_text(st, 0);
		c.parent = (const char *)sqlite3_column_text(st, 1);
		c.grade = sqlite3_column_int(st, 2);
		c.retired = sqlite3_column_int(st, 3);
		fn(arg, &c);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "catalogue");
	return 0;
}

int
catalog_bad_reasons(struct db *db,
    void (*fn)(void *arg, const char *code, const char *label), void *arg)
{
	sqlite3_stmt *st;
	char *ver;
	int rc;

	if ((ver = settings_get(db, "eval_codes_version")) == NULL)
		return -1;
	if (db_prepare(db, &st, "SELECT code, label FROM eval_codes "
	    "WHERE version = ?1 AND grade <= 2 AND retired = 0 "
	    "ORDER BY grade DESC, code") != 0) {
		free(ver);
		return -1;
	}
	sqlite3_bind_text(st, 1, ver, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	free(ver);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, _("cannot read the evaluation-detail "
		    "dictionary"));
	return 0;
}
