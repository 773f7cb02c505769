/* SPDX-License-Identifier: ISC */
/*
 * The figures of hcp-report(1) (report.h).  One SELECT reads the
 * records of the period (each with its latest correction, and its
 * follow-up case when hcp-review's table exists); every record is added
 * to one row of each grouping asked for, found in a hash table by key.
 * A million records are one pass, not one GROUP BY per grouping.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "clock.h"
#include "csvin.h"
#include "db.h"
#include "fields.h"
#include "i18n.h"
#include "intake.h"
#include "num.h"
#include "record.h"
#include "rejects.h"
#include "report.h"
#include "settings.h"
#include "store.h"
#include "strbuf.h"
#include "verify.h"
#include "xalloc.h"
#include "banned.h"

static const struct {
	const char *name;
	const char *heading;
	const char *catalog;	/* SQL: code, name of the catalogue */
} bys[RB_NBY] = {
	{ "dept", N_("department"), "SELECT code, name, retired FROM departments" },
	{ "window", N_("window"), "SELECT id, name, retired FROM windows" },
	{ "staff", N_("staff"), "SELECT id, name, retired FROM staff" },
	{ "item", N_("item"), "SELECT code, name, retired FROM items" },
	{ "channel", N_("channel"), NULL },
	{ "method", N_("entry method"), NULL },
	{ "region", N_("region"), "SELECT code, name, retired FROM regions" },
	{ "day", N_("day"), NULL },
	{ "week", N_("week from"), NULL },
	{ "month", N_("month"), NULL },
};

/* pf code set (DESIGN §6.1) */
static const char *const channels[] = {
	"", "PC", "移动端", "二维码", "政务大厅平板", "政务大厅其他终端",
	"电话", "短信"
};

const char *
report_by_name(enum report_by by)
{
	return bys[by].name;
}

const char *
report_by_heading(enum report_by by)
{
	return bys[by].heading;
}

int
report_by_parse(const char *list, unsigned *mask, char **errstr)
{
	const char *p = list, *e;
	size_t len;
	int i;

	*mask = 0;
	while (*p != '\0') {
		e = strchr(p, ',');
		len = e == NULL ? strlen(p) : (size_t)(e - p);
		if (len == 3 && strncmp(p, "all", 3) == 0)
			*mask |= (1u << RB_NBY) - 1;
		else {
			for (i = 0; i < RB_NBY; i++)
				if (strlen(bys[i].name) == len &&
				    strncmp(bys[i].name, p, len) == 0)
					break;
			if (i == RB_NBY) {
				*errstr = xasprintf(_("unknown grouping "
				    "\"%.*s\" (dept, window, staff, item, "
				    "channel, method, region, day, week, "
				    "month, all)"), (int)len, p);
				return -1;
			}
			*mask |= 1u << i;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (*mask == 0) {
		*errstr = xstrdup(_("no grouping given"));
		return -1;
	}
	return 0;
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * The first and the last day of v when it has the shape kind: 'd'
 * YYYY-MM-DD, 'm' YYYY-MM, 'q' YYYY-Qn, 'y' YYYY.  0, or -1.
 */
static int
period_shape(int kind, const char *v, long *first, long *last)
{
	size_t n = strlen(v);
	long y, m, months;

	switch (kind) {
	case 'd':
		if (clock_parse_day(v, first) != 0)
			return -1;
		*last = *first;
		return 0;
	case 'm':
		if (n != 7 || !digits(v, 4) || v[4] != '-' ||
		    !digits(v + 5, 2))
			return -1;
		m = strtol(v + 5, NULL, 10);
		months = 1;
		break;
	case 'q':
		if (n != 7 || !digits(v, 4) || v[4] != '-' ||
		    (v[5] != 'Q' && v[5] != 'q') || v[6] < '1' || v[6] > '4')
			return -1;
		m = (v[6] - '1') * 3 + 1;
		months = 3;
		break;
	case 'y':
		if (n != 4 || !digits(v, 4))
			return -1;
		m = 1;
		months = 12;
		break;
	default:
		return -1;
	}
	y = strtol(v, NULL, 10);
	if (m < 1 || m > 12)
		return -1;
	*first = clock_days_from_civil(y, (int)m, 1);
	m += months - 1;
	*last = clock_days_from_civil(y, (int)m, clock_month_days(y, (int)m));
	return 0;
}

int
report_period(struct report_opts *o, int kind, const char *v,
    char **errstr)
{
	static const char shapes[] = "dmqy";
	long first, last;
	const char *k;

	if (kind == 'f' || kind == 't') {
		/* a month, quarter or year: its first or its last day */
		for (k = shapes; *k != '\0'; k++)
			if (period_shape(*k, v, &first, &last) == 0)
				break;
		if (*k == '\0') {
			*errstr = xasprintf(_("bad period \"%s\" (YYYY-MM-DD, "
			    "YYYY-MM, YYYY-Qn or YYYY)"), v);
			return -1;
		}
		if (kind == 'f')
			clock_format_day(first, o->from);
		else
			clock_format_day(last, o->to);
		return 0;
	}
	if (period_shape(kind, v, &first, &last) != 0) {
		*errstr = kind == 'd' ?
		    xasprintf(_("bad day \"%s\" (YYYY-MM-DD)"), v) :
		    kind == 'm' ?
		    xasprintf(_("bad month \"%s\" (YYYY-MM)"), v) :
		    kind == 'q' ?
		    xasprintf(_("bad quarter \"%s\" (YYYY-Qn)"), v) :
		    xasprintf(_("bad year \"%s\" (YYYY)"), v);
		return -1;
	}
	clock_format_day(first, o->from);
	clock_format_day(last, o->to);
	return 0;
}

void
report_period_text(const struct report_opts *o, char *buf, size_t len)
{
	if (o->from[0] != '\0' && o->to[0] != '\0')
		snprintf(buf, len, "%s – %s", o->from, o->to);
	else if (o->from[0] != '\0')
		snprintf(buf, len, _("from %s"), o->from);
	else if (o->to[0] != '\0')
		snprintf(buf, len, _("up to %s"), o->to);
	else
		snprintf(buf, len, "%s", _("all records"));
}

int
report_load_settings(struct db *db, struct report_opts *o, char **errstr)
{
	long long v;

	if (settings_get_int(db, "report_public_min", &v) != 0)
		goto fail;
	o->min_public = (long)v;
	if (settings_get_int(db, "report_rank_min", &v) != 0)
		goto fail;
	o->min_rank = (long)v;
	if (settings_get_int(db, "report_public_staff", &v) != 0)
		goto fail;
	o->public_staff = v != 0;
	return 0;
fail:
	*errstr = xstrdup(db_errstr(db));
	return -1;
}

double
report_ratio(long num, long den)
{
	return den > 0 ? (double)num / (double)den : NAN;
}

double
report_good_rate(const struct report_row *r)
{
	return report_ratio(r->grade[3] + r->grade[4], r->n);
}

double
report_bad_rate(const struct report_row *r)
{
	return report_ratio(r->grade[0] + r->grade[1], r->n);
}

double
report_mean(const struct report_row *r)
{
	return report_ratio(r->sum, r->n);
}

static const struct report_col columns[] = {
	{ "evaluations", N_("evaluations"), RC_COUNT, 0 },
	{ "grade5", N_("very satisfied"), RC_COUNT, 0 },
	{ "grade4", N_("satisfied"), RC_COUNT, 0 },
	{ "grade3", N_("fairly satisfied"), RC_COUNT, 0 },
	{ "grade2", N_("dissatisfied"), RC_COUNT, 0 },
	{ "grade1", N_("very dissatisfied"), RC_COUNT, 0 },
	{ "good_rate", N_("good rate"), RC_RATE, 0 },
	{ "bad_rate", N_("bad rate"), RC_RATE, 0 },
	{ "mean", N_("mean score"), RC_MEAN, 0 },
	{ "real_name_share", N_("real-name share"), RC_RATE, 0 },
	{ "bad_reviews", N_("bad reviews"), RC_COUNT, 0 },
	{ "followed_on_time", N_("visited on time"), RC_COUNT, 1 },
	{ "revisit_rate", N_("revisit rate"), RC_RATE, 1 },
	{ "rectify_rate", N_("rectification rate"), RC_RATE, 1 },
	{ "overdue", N_("overdue"), RC_COUNT, 1 },
	{ "rank", N_("rank"), RC_RANK, 0 },
	{ "services", N_("services"), RC_COUNT, 2 },
	{ "coverage", N_("coverage"), RC_RATE, 2 },
	{ "unevaluated_rate", N_("unevaluated rate"), RC_RATE, 2 },
};

const struct report_col *
report_columns(size_t *n)
{
	*n = sizeof(columns) / sizeof(columns[0]);
	return columns;
}

int
report_column_used(const struct report *r, const struct report_col *c)
{
	return c->needs == 0 || (c->needs == 1 && r->have_cases) ||
	    (c->needs == 2 && r->have_services);
}

double
report_value(const struct report_row *r, size_t i)
{
	long bad = r->grade[0] + r->grade[1];

	switch (i) {
	case 0:
		return (double)r->n;
	case 1: case 2: case 3: case 4: case 5:
		return (double)r->grade[5 - i];
	case 6:
		return report_good_rate(r);
	case 7:
		return report_bad_rate(r);
	case 8:
		return report_mean(r);
	case 9:
		return report_ratio(r->realname, r->n);
	case 10:
		return (double)bad;
	case 11:
		return (double)r->visited_ontime;
	case 12:
		return report_ratio(r->visited, bad);
	case 13:
		return report_ratio(r->closed, bad);
	case 14:
		return (double)r->overdue;
	case 15:
		return r->rank > 0 ? (double)r->rank : NAN;
	case 16:
		return (double)r->services;
	case 17:
		return report_ratio(r->served, r->services);
	case 18:
		return report_ratio(r->services - r->served, r->services);
	}
	return NAN;
}

/* An open-addressing hash of rows by key, one per grouping. */
struct acc {
	struct report_row *rows;
	size_t n, cap;		/* rows used, allocated */
	uint32_t *slot;		/* index + 1, 0 empty */
	size_t nslot;		/* a power of two */
};

static uint32_t
hash_key(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void
acc_rehash(struct acc *a)
{
	size_t i, j;

	free(a->slot);
	a->nslot = a->nslot == 0 ? 64 : a->nslot * 2;
	a->slot = xcalloc(a->nslot, sizeof(*a->slot));
	for (i = 0; i < a->n; i++) {
		j = hash_key(a->rows[i].key, strlen(a->rows[i].key)) &
		    (a->nslot - 1);
		while (a->slot[j] != 0)
			j = (j + 1) & (a->nslot - 1);
		a->slot[j] = (uint32_t)i + 1;
	}
}

static struct report_row *
acc_get(struct acc *a, const char *key, size_t len)
{
	struct report_row *r;
	size_t j;

	if (2 * (a->n + 1) > a->nslot)
		acc_rehash(a);
	j = hash_key(key, len) & (a->nslot - 1);
	while (a->slot[j] != 0) {
		r = &a->rows[a->slot[j] - 1];
		if (strncmp(r->key, key, len) == 0 && r->key[len] == '\0')
			return r;
		j = (j + 1) & (a->nslot - 1);
	}
	if (a->n == a->cap) {
		a->cap = a->cap == 0 ? 16 : a->cap * 2;
		a->rows = xreallocarray(a->rows, a->cap, sizeof(*a->rows));
	}
	r = &a->rows[a->n];
	memset(r, 0, sizeof(*r));
	r->key = xstrndup(key, len);
	a->slot[j] = (uint32_t)++a->n;
	return r;
}

/* One record as the SELECT gives it. */
struct ev {
	const char *key[RB_NBY];
	size_t len[RB_NBY];
	int grade;
	int realname;
	int has_case;
	const char *visited, *visit_due, *closed, *rectify_due;
};

static void
row_add(struct report_row *r, const struct ev *e, const char *asof)
{
	r->n++;
	r->grade[e->grade - 1]++;
	r->sum += e->grade;
	r->realname += e->realname;
	if (!e->has_case || e->grade > 2)
		return;
	r->cases++;
	if (e->visited != NULL) {
		r->visited++;
		if (e->visit_due == NULL || strcmp(e->visited, e->visit_due)
		    <= 0)
			r->visited_ontime++;
	}
	if (e->closed != NULL)
		r->closed++;
	if (e->rectify_due != NULL && (e->closed != NULL ?
	    strcmp(e->closed, e->rectify_due) > 0 :
	    strcmp(asof, e->rectify_due) > 0))
		r->overdue++;
}

static int
table_exists(struct db *db, const char *name)
{
	long long n = 0;

	if (db_query_int(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "type IN ('table', 'view') AND name = ?1", name, &n) != 0)
		return 0;
	return n > 0;
}

static int
row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct report_row *)a)->key,
	    ((const struct report_row *)b)->key);
}

static int
rank_cmp(const void *a, const void *b)
{
	const struct report_row *x = *(struct report_row *const *)a;
	const struct report_row *y = *(struct report_row *const *)b;
	double gx = report_good_rate(x), gy = report_good_rate(y);

	if (gx != gy)
		return gx > gy ? -1 : 1;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Ranks units, windows and staff by 好评率 (ties share a rank). */
static void
rank_table(struct report_table *t, long min)
{
	struct report_row **v;
	size_t i, k = 0;

	if (t->by != RB_DEPT && t->by != RB_WINDOW && t->by != RB_STAFF)
		return;
	v = xreallocarray(NULL, t->n + 1, sizeof(*v));
	for (i = 0; i < t->n; i++)
		if (t->rows[i].n >= min && t->rows[i].n > 0 &&
		    !t->rows[i].suppressed)
			v[k++] = &t->rows[i];
	qsort(v, k, sizeof(*v), rank_cmp);
	for (i = 0; i < k; i++)
		v[i]->rank = i > 0 && report_good_rate(v[i]) ==
		    report_good_rate(v[i - 1]) ? v[i - 1]->rank : (long)i + 1;
	t->ranked = k;
	free(v);
}

/* Adds the catalogue names; in public mode staff names only if allowed. */
static int
name_table(struct db *db, struct report_table *t, const struct report *r)
{
	sqlite3_stmt *st;
	struct report_row key, *hit;
	size_t i, nold, cap;
	long c;
	int rc;

	if (t->by == RB_CHANNEL) {
		for (i = 0; i < t->n; i++) {
			c = strtol(t->rows[i].key, NULL, 10);
			t->rows[i].name = xstrdup(c >= 1 && c <= 7 ?
			    channels[c] : "");
		}
		return 0;
	}
	if (t->by == RB_METHOD) {
		for (i = 0; i < t->n; i++)
			t->rows[i].name = xstrdup(strcmp(t->rows[i].key,
			    "scanned") == 0 ? "扫描" : strcmp(t->rows[i].key,
			    "keyed") == 0 ? "录入" : "");
		return 0;
	}
	for (i = 0; i < t->n; i++)
		t->rows[i].name = xstrdup("");
	if (bys[t->by].catalog == NULL || (t->by == RB_STAFF &&
	    r->o.public && !r->o.public_staff))
		return 0;
	if (db_prepare(db, &st, bys[t->by].catalog) != 0)
		return -1;
	cap = t->n;
	nold = t->n;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		key.key = (char *)sqlite3_column_text(st, 0);
		if (key.key == NULL)
			continue;
		hit = nold == 0 ? NULL : bsearch(&key, t->rows, nold,
		    sizeof(*t->rows), row_cmp);
		if (hit == NULL) {
			/* an empty group: in the catalogue, not retired */
			if (sqlite3_column_int(st, 2) != 0)
				continue;
			if (t->n == cap) {
				cap = cap * 2 + 16;
				t->rows = xreallocarray(t->rows, cap,
				    sizeof(*t->rows));
			}
			hit = &t->rows[t->n++];
			memset(hit, 0, sizeof(*hit));
			hit->key = xstrdup(key.key);
		} else
			free(hit->name);
		hit->name = xstrdup((const char *)sqlite3_column_text(st,
		    1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "catalogue");
	if (t->n > 0)
		qsort(t->rows, t->n, sizeof(*t->rows), row_cmp);
	if (t->n > 0 && t->rows[0].key[0] == '\0') {
		free(t->rows[0].name);
		t->rows[0].name = xstrdup(_("(not given)"));
	}
	return 0;
}

/* The week of a day: its Monday, "YYYY-MM-DD". */
static void
week_of(const char *day, char out[REPORT_DATELEN])
{
	long z, wd;

	if (clock_parse_day(day, &z) != 0) {
		snprintf(out, REPORT_DATELEN, "%s", day);
		return;
	}
	wd = ((z % 7) + 7 + 3) % 7;	/* 1970-01-01 was a Thursday */
	clock_format_day(z - wd, out);
}

static const char *
col_text(sqlite3_stmt *st, int i, size_t *len)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	if (s == NULL)
		s = "";
	*len = strlen(s);
	return s;
}

/*
 * Adds the services (办件) of the period to the groupings that a
 * service has a key for (not channel or entry method): a service counts
 * as evaluated when an evaluation (or a correction) has its project
 * number.  Also counts the evaluations of the period with no service.
 */
static int
services_pass(struct db *db, struct report *r, struct acc *acc)
{
	static const char sel[] =
	    "SELECT coalesce(i.dept_code, ''), coalesce(s.window_id, ''), "
	    "coalesce(s.staff_id, ''), coalesce(s.item_code, ''), "
	    "coalesce(d.area_code, ''), s.service_date, "
	    "EXISTS (SELECT 1 FROM evaluations e WHERE e.project_no = "
	    "s.project_no) OR EXISTS (SELECT 1 FROM corrections c WHERE "
	    "c.project_no = s.project_no) "
	    "FROM services s LEFT JOIN items i ON i.code = s.item_code "
	    "LEFT JOIN departments d ON d.code = i.dept_code "
	    "WHERE s.service_date BETWEEN ?1 AND ?2";
	static const char unmatched[] =
	    "SELECT count(*) FROM evaluations_current e "
	    "WHERE substr(e.assess_time, 1, 10) BETWEEN ?1 AND ?2 AND "
	    "NOT EXISTS (SELECT 1 FROM services s WHERE "
	    "s.project_no = e.project_no)";
	static const int col[RB_NBY] = { 0, 1, 2, 3, -1, -1, 4, 5, 5, 5 };
	struct report_row *row;
	char week[REPORT_DATELEN];
	const char *k;
	sqlite3_stmt *st;
	size_t len;
	long long n = 0;
	int i, served, rc;

	if (!table_exists(db, "services") || db_query_int(db,
	    "SELECT count(*) FROM services", NULL, &n) != 0 || n == 0)
		return 0;
	r->have_services = 1;
	if (db_prepare(db, &st, sel) != 0)
		return -1;
	sqlite3_bind_text(st, 1, r->o.from[0] != '\0' ? r->o.from : "0000",
	    -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->o.to[0] != '\0' ? r->o.to : "9999",
	    -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		served = sqlite3_column_int(st, 6) != 0;
		r->total.services++;
		r->total.served += served;
		for (i = 0; i < RB_NBY; i++) {
			if (!(r->o.by & (1u << i)) || col[i] < 0)
				continue;
			k = col_text(st, col[i], &len);
			if (i == RB_MONTH && len > 7)
				len = 7;
			else if (i == RB_WEEK) {
				week_of(k, week);
				k = week;
				len = strlen(week);
			}
			row = acc_get(&acc[i], k, len);
			row->services++;
			row->served += served;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "services");
	if (db_prepare(db, &st, unmatched) != 0)
		return -1;
	sqlite3_bind_text(st, 1, r->o.from[0] != '\0' ? r->o.from : "0000",
	    -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->o.to[0] != '\0' ? r->o.to : "9999",
	    -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		r->unmatched = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_sqlerr(db, "evaluations");
}

/* The options as run, the date of the figures and the station's name. */
static void
report_setup(struct db *db, struct report *r, const struct report_opts *o)
{
	time_t now;
	struct tm tm;
	char *name;

	r->o = *o;
	if (r->o.asof[0] == '\0') {
		now = clock_now();
		if (localtime_r(&now, &tm) != NULL)
			strftime(r->o.asof, REPORT_DATELEN, "%Y-%m-%d", &tm);
	}
	if (r->o.public && !r->o.public_staff)
		r->o.by &= ~(1u << RB_STAFF);
	r->have_cases = !o->batches && table_exists(db, "cases");
	name = settings_get(db, "name");
	r->station = name != NULL ? name : xstrdup("");
}

/*
 * One row of the evaluations query into e (week is its week key's
 * buffer); 0 if the row counts, -1 if not.
 */
static int
ev_read(sqlite3_stmt *st, const struct report *r, struct ev *e, char *week)
{
	e->key[RB_DEPT] = col_text(st, 0, &e->len[RB_DEPT]);
	e->key[RB_WINDOW] = col_text(st, 1, &e->len[RB_WINDOW]);
	e->key[RB_STAFF] = col_text(st, 2, &e->len[RB_STAFF]);
	e->key[RB_ITEM] = col_text(st, 3, &e->len[RB_ITEM]);
	e->key[RB_CHANNEL] = col_text(st, 4, &e->len[RB_CHANNEL]);
	e->key[RB_METHOD] = col_text(st, 5, &e->len[RB_METHOD]);
	e->key[RB_REGION] = col_text(st, 6, &e->len[RB_REGION]);
	e->key[RB_DAY] = col_text(st, 7, &e->len[RB_DAY]);
	e->key[RB_MONTH] = e->key[RB_DAY];
	e->len[RB_MONTH] = e->len[RB_DAY] < 7 ? e->len[RB_DAY] : 7;
	if (r->o.by & (1u << RB_WEEK)) {
		week_of(e->key[RB_DAY], week);
		e->key[RB_WEEK] = week;
		e->len[RB_WEEK] = strlen(week);
	}
	e->grade = sqlite3_column_int(st, 8);
	if (e->grade < 1 || e->grade > 5)
		return -1;	/* the schema's CHECK forbids it */
	e->realname = sqlite3_column_int(st, 9) != 0;
	e->has_case = sqlite3_column_int(st, 10) != 0;
	e->visited = (const char *)sqlite3_column_text(st, 11);
	e->visit_due = (const char *)sqlite3_column_text(st, 12);
	e->closed = (const char *)sqlite3_column_text(st, 13);
	e->rectify_due = (const char *)sqlite3_column_text(st, 14);
	return 0;
}

/* The evaluations of the period into the total and acc[] by key. */
static int
evals_pass(struct db *db, struct report *r, struct acc *acc)
{
	static const char sel[] =
	    "SELECT e.dept_code, coalesce(e.window_id, ''), "
	    "coalesce(e.staff_id, ''), e.item_code, e.channel, "
	    "e.entry_method, e.area_code, substr(e.assess_time, 1, 10), "
	    "e.satisfaction, coalesce(e.evaluator, '') <> '' OR "
	    "coalesce(e.cert_no, '') <> '' OR coalesce(e.phone, '') <> ''";
	static const char with_cases[] =
	    ", c.id IS NOT NULL, c.visited, c.visit_due, c.closed, "
	    "c.rectify_due, coalesce(c.excluded, 0) "
	    "FROM %s e LEFT JOIN cases c ON c.eval_id = e.id";
	static const char without_cases[] =
	    ", 0, NULL, NULL, NULL, NULL, 0 FROM %s e";
	static const char where[] =
	    " WHERE substr(e.assess_time, 1, 10) BETWEEN ?1 AND ?2";
	char sql[1024], from[256], week[REPORT_DATELEN];
	long long ncorr = 0;
	sqlite3_stmt *st;
	struct ev e;
	int i, rc;

	/*
	 * Each record with its latest correction: the view does one lookup
	 * in corrections per record, which a station without corrections
	 * (most) need not pay for on a million records.
	 */
	if (db_query_int(db, "SELECT EXISTS (SELECT 1 FROM corrections)",
	    NULL, &ncorr) != 0)
		return -1;
	snprintf(from, sizeof(from), r->have_cases ? with_cases :
	    without_cases, ncorr > 0 ? "evaluations_current" : "evaluations");
	snprintf(sql, sizeof(sql), "%s%s%s", sel, from, where);
	if (db_prepare(db, &st, sql) != 0)
		return -1;
	sqlite3_bind_text(st, 1, r->o.from[0] != '\0' ? r->o.from : "0000",
	    -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->o.to[0] != '\0' ? r->o.to : "9999",
	    -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 15) != 0) {
			r->excluded++;
			continue;
		}
		if (ev_read(st, r, &e, week) != 0)
			continue;
		row_add(&r->total, &e, r->o.asof);
		for (i = 0; i < RB_NBY; i++)
			if (r->o.by & (1u << i))
				row_add(acc_get(&acc[i], e.key[i], e.len[i]),
				    &e, r->o.asof);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_sqlerr(db, "evaluations");
}

/* The rows of acc as table i of r: sorted, named, suppressed, ranked. */
static int
table_finish(struct db *db, struct report *r, struct acc *acc, int i)
{
	struct report_table *t = &r->tables[i];
	size_t j;

	t->by = (enum report_by)i;
	t->rows = acc->rows;
	t->n = acc->n;
	acc->rows = NULL;
	free(acc->slot);
	acc->slot = NULL;
	if (t->n > 0)
		qsort(t->rows, t->n, sizeof(*t->rows), row_cmp);
	if (name_table(db, t, r) != 0)
		return -1;
	if (r->o.public)
		for (j = 0; j < t->n; j++)
			if (t->rows[j].n < r->o.min_public) {
				t->rows[j].suppressed = 1;
				t->suppressed++;
			}
	rank_table(t, r->o.min_rank);
	return 0;
}

int
report_run(struct db *db, const struct report_opts *o,
    struct report **out, char **errstr)
{
	struct report *r = xcalloc(1, sizeof(*r));
	struct acc acc[RB_NBY];
	int i;

	memset(acc, 0, sizeof(acc));
	report_setup(db, r, o);
	if (evals_pass(db, r, acc) != 0 || services_pass(db, r, acc) != 0)
		goto fail;
	r->total.key = xstrdup("");
	r->total.name = xstrdup("");
	for (i = 0; i < RB_NBY; i++)
		if (table_finish(db, r, &acc[i], i) != 0)
			goto fail;
	*out = r;
	return 0;
fail:
	*errstr = xstrdup(db_errstr(db));
	for (i = 0; i < RB_NBY; i++) {
		free(acc[i].slot);
		if (acc[i].rows != NULL) {
			r->tables[i].rows = acc[i].rows;
			r->tables[i].n = acc[i].n;
		}
	}
	report_free(r);
	return -1;
}

void
report_free(struct report *r)
{
	size_t j;
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < RB_NBY; i++) {
		for (j = 0; j < r->tables[i].n; j++) {
			free(r->tables[i].rows[j].key);
			free(r->tables[i].rows[j].name);
		}
		free(r->tables[i].rows);
	}
	free(r->total.key);
	free(r->total.name);
	free(r->station);
	free(r);
}

/* ---- the services list (办件) ----------------------------------------- */

enum { SV_PROJECT, SV_ITEM, SV_WINDOW, SV_STAFF, SV_DATE, SV_NCOL };

static const struct {
	const char *names[5];	/* accepted headers */
	int required;
} sv_cols[SV_NCOL] = {
	{ { "办件编号", "project_no", "projectNo", NULL }, 1 },
	{ { "事项编码", "item_code", "taskCode", NULL }, 0 },
	{ { "窗口", "window", "window_id", NULL }, 0 },
	{ { "工号", "staff", "staff_id", "proManager", NULL }, 0 },
	{ { "办理日期", "办理时间", "service_date", "service_time", NULL },
	  1 },
};

#define SV_PROJECT_MAX 50	/* projectNo, DESIGN §6.1 */

static int
sv_column(const char *h)
{
	int i, j;

	if (strncmp(h, "\xef\xbb\xbf", 3) == 0)
		h += 3;
	for (i = 0; i < SV_NCOL; i++)
		for (j = 0; sv_cols[i].names[j] != NULL; j++)
			if (strcmp(h, sv_cols[i].names[j]) == 0)
				return i;
	return -1;
}

/* 1 if the catalogue table (its SQL) has the code, 0 if not, -1 error. */
static int
known(struct db *db, const char *sql, const char *code)
{
	long long n = 0;

	if (db_query_int(db, sql, code, &n) != 0)
		return -1;
	return n > 0;
}

/* A services list being loaded. */
struct svload {
	struct db *db;
	struct csvin *c;
	const char *path;
	size_t ncols;
	const char **hdr, **cells;
	int map[SV_NCOL];
	unsigned char *named;	/* columns with a name, read */
	struct rejects *rj;
	sqlite3_stmt *ins, *old;
	struct rec_problems pl;
	char now[CLOCK_BUFLEN];
};

/* Opens the list and maps its header to the columns known. */
static int
sv_header(struct svload *s, int enc, char **errstr)
{
	size_t i;
	int rc, k;

	if (csvin_open(s->c, s->path, (enum csvin_encoding)enc) != 0 ||
	    (rc = csvin_next(s->c)) < 0) {
		*errstr = xstrdup(csvin_errstr(s->c));
		return -1;
	}
	if (rc == 0) {
		*errstr = xasprintf(_("%s: empty file, no header"), s->path);
		return -1;
	}
	s->ncols = csvin_nfields(s->c);
	s->hdr = xcalloc(s->ncols, sizeof(*s->hdr));
	s->cells = xcalloc(s->ncols, sizeof(*s->cells));
	s->named = xcalloc(s->ncols + 1, 1);
	for (k = 0; k < SV_NCOL; k++)
		s->map[k] = -1;
	for (i = 0; i < s->ncols; i++) {
		s->hdr[i] = xstrdup(csvin_field(s->c, i));
		if (s->hdr[i][strspn(s->hdr[i], " \t")] == '\0')
			continue;	/* only empty cells (sv_check) */
		if ((k = sv_column(s->hdr[i])) < 0) {
			*errstr = xasprintf(_("%s:1:%zu: unknown column \"%s\" "
			    "in a services list"), s->path, i + 1, s->hdr[i]);
			return -1;
		}
		if (s->map[k] >= 0) {
			*errstr = xasprintf(_("%s:1:%zu: column \"%s\" given "
			    "twice"), s->path, i + 1, s->hdr[i]);
			return -1;
		}
		s->map[k] = (int)i;
		s->named[i] = 1;
	}
	for (k = 0; k < SV_NCOL; k++)
		if (sv_cols[k].required && s->map[k] < 0) {
			*errstr = xasprintf(_("%s:1: no column \"%s\" in the "
			    "services list"), s->path, sv_cols[k].names[0]);
			return -1;
		}
	return 0;
}

/*
 * The problems of one row's values into s->pl, its date (YYYY-MM-DD) into
 * day; -1 on a database error.
 */
static int
sv_check(struct svload *s, long line, const char *const *v, char *day)
{
	/* the catalogue codes a row names */
	static const struct {
		int col;
		const char *sql;
		enum rec_code code;
	} refs[] = {
		{ SV_ITEM, "SELECT count(*) FROM items WHERE code = ?1",
		  E_ITEM_UNKNOWN },
		{ SV_WINDOW, "SELECT count(*) FROM windows WHERE id = ?1",
		  E_WINDOW_UNKNOWN },
		{ SV_STAFF, "SELECT count(*) FROM staff WHERE id = ?1",
		  E_STAFF_UNKNOWN },
	};
	const int *map = s->map;
	const char **hdr = s->hdr;
	struct rec_problems *pl = &s->pl;
	long long secs;
	time_t t;
	struct tm tm;
	size_t i;
	int c, k;

	for (i = 0; i < csvin_nissues(s->c); i++) {
		const struct csvin_issue *is = csvin_issue(s->c, i);

		rec_problem_add(pl, line, (int)is->col, is->col >= 0 &&
		    (size_t)is->col < s->ncols ? hdr[is->col] : "",
		    rec_issue_code(is), NULL);
	}
	if ((i = csvin_stray_value(s->c, s->named, s->ncols)) > 0) {
		/* as a keyed file's (record.c) */
		char *d = xasprintf(_("column %zu"), i);

		rec_problem_add(pl, line, (int)i - 1, i <= s->ncols ?
		    hdr[i - 1] : "", i <= s->ncols ? E_CELL_NO_HEADER :
		    E_EXTRA_CELLS, d);
		free(d);
	}
	if (*v[SV_PROJECT] == '\0')
		rec_problem_add(pl, line, map[SV_PROJECT],
		    hdr[map[SV_PROJECT]], E_REQUIRED, NULL);
	else if (strlen(v[SV_PROJECT]) > SV_PROJECT_MAX)
		rec_problem_add(pl, line, map[SV_PROJECT],
		    hdr[map[SV_PROJECT]], E_TOO_LONG, NULL);
	day[0] = '\0';
	if (*v[SV_DATE] == '\0')
		rec_problem_add(pl, line, map[SV_DATE],
		    hdr[map[SV_DATE]], E_REQUIRED, NULL);
	else if (rec_parse_time(v[SV_DATE], &secs) != 0)
		rec_problem_add(pl, line, map[SV_DATE],
		    hdr[map[SV_DATE]], E_DATE_FORMAT, v[SV_DATE]);
	else {
		t = (time_t)secs;
		if (gmtime_r(&t, &tm) != NULL)
			strftime(day, REPORT_DATELEN, "%Y-%m-%d", &tm);
	}
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		c = refs[i].col;
		if (*v[c] == '\0' || (k = known(s->db, refs[i].sql, v[c])) > 0)
			continue;
		if (k < 0)
			return -1;
		rec_problem_add(pl, line, map[c], hdr[map[c]], refs[i].code,
		    v[c]);
	}
	return 0;
}

/*
 * A project loaded before: *dup set if it is the same service, a problem
 * added if it clashes; -1 on a database error.
 */
static int
sv_clash(struct svload *s, long line, const char *const *v,
    const char *day, int *dup)
{
	sqlite3_stmt *old = s->old;
	int rc;

	*dup = 0;
	sqlite3_reset(old);
	sqlite3_bind_text(old, 1, v[SV_PROJECT], -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(old)) == SQLITE_ROW) {
		if (strcmp((const char *)sqlite3_column_text(old, 0),
		    v[SV_ITEM]) == 0 &&
		    strcmp((const char *)sqlite3_column_text(old, 1),
		    v[SV_WINDOW]) == 0 &&
		    strcmp((const char *)sqlite3_column_text(old, 2),
		    v[SV_STAFF]) == 0 &&
		    strcmp((const char *)sqlite3_column_text(old, 3),
		    day) == 0)
			*dup = 1;
		else
			rec_problem_add(&s->pl, line, s->map[SV_PROJECT],
			    s->hdr[s->map[SV_PROJECT]], E_DUPLICATE_PROJECT,
			    v[SV_PROJECT]);
	} else if (rc != SQLITE_DONE)
		return -1;
	return 0;
}

/* Inserts one accepted row; -1 on a database error. */
static int
sv_insert(struct svload *s, long line, const char *const *v,
    const char *day)
{
	sqlite3_stmt *ins = s->ins;
	int k;

	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, v[SV_PROJECT], -1, SQLITE_TRANSIENT);
	for (k = SV_ITEM; k <= SV_STAFF; k++)
		if (*v[k] != '\0')
			sqlite3_bind_text(ins, k + 1, v[k], -1,
			    SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, k + 1);
	sqlite3_bind_text(ins, 5, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 6, s->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 7, line);
	sqlite3_bind_text(ins, 8, s->now, -1, SQLITE_TRANSIENT);
	return sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
}

/* The current row: accepted, rejected or a duplicate; -1 with *errstr. */
static int
sv_row(struct svload *s, struct services_stats *stats, char **errstr)
{
	long line = csvin_line(s->c);
	const char *v[SV_NCOL];
	char day[REPORT_DATELEN];
	size_t i;
	int k, dup = 0;

	stats->read++;
	rec_problems_clear(&s->pl);
	for (i = 0; i < s->ncols; i++)
		s->cells[i] = csvin_field(s->c, i);
	for (k = 0; k < SV_NCOL; k++)
		v[k] = s->map[k] >= 0 ? csvin_field(s->c, (size_t)s->map[k]) :
		    "";
	if (sv_check(s, line, v, day) != 0)
		goto dberr;
	/* a formula without its value is said as that alone (importer.c) */
	for (i = 0; i < csvin_nissues(s->c); i++)
		if (csvin_issue(s->c, i)->kind == CSVIN_FORMULA)
			rec_problems_drop(&s->pl,
			    (int)csvin_issue(s->c, i)->col, E_REQUIRED);
	if (s->pl.n == 0 && sv_clash(s, line, v, day, &dup) != 0)
		goto dberr;
	if (dup) {
		stats->duplicates++;
		return 0;
	}
	if (s->pl.n > 0) {
		if (rejects_row(s->rj, s->ncols, s->cells, line, s->pl.v,
		    s->pl.n) != 0) {
			*errstr = xstrdup(rejects_errstr(s->rj));
			return -1;
		}
		stats->rejected++;
		return 0;
	}
	if (sv_insert(s, line, v, day) != 0)
		goto dberr;
	stats->accepted++;
	return 0;
dberr:
	*errstr = xstrdup(db_errstr(s->db));
	return -1;
}

int
report_load_services(struct db *db, const char *path, int enc,
    const char *rjname, struct services_stats *stats, char **errstr)
{
	struct svload s;
	char *rjpath = NULL;
	size_t i;
	int rc, began = 0;

	memset(stats, 0, sizeof(*stats));
	memset(&s, 0, sizeof(s));
	s.pl = (struct rec_problems)REC_PROBLEMS_INIT;
	s.db = db;
	s.c = csvin_new();
	s.path = path;
	clock_format(clock_now(), s.now);
	if (sv_header(&s, enc, errstr) != 0)
		goto fail;
	rjpath = rjname != NULL ? xstrdup(rjname) :
	    xasprintf("%s.rejects.csv", path);
	s.rj = rejects_new(rjpath, s.ncols, s.hdr, NULL);
	if (db_begin(db) != 0)
		goto dberr;
	began = 1;
	if (db_prepare(db, &s.ins, "INSERT INTO services (project_no, "
	    "item_code, window_id, staff_id, service_date, src_file, "
	    "src_line, loaded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
	    != 0 || db_prepare(db, &s.old, "SELECT coalesce(item_code, ''), "
	    "coalesce(window_id, ''), coalesce(staff_id, ''), service_date "
	    "FROM services WHERE project_no = ?1") != 0)
		goto dberr;
	while ((rc = csvin_next(s.c)) > 0)
		if (sv_row(&s, stats, errstr) != 0)
			goto fail;
	if (rc < 0) {
		*errstr = xstrdup(csvin_errstr(s.c));
		goto fail;
	}
	if (rejects_count(s.rj) > 0) {
		if (rejects_commit(s.rj) != 0) {
			*errstr = xstrdup(rejects_errstr(s.rj));
			goto fail;
		}
		stats->rejects_path = xstrdup(rejects_path(s.rj));
	}
	sqlite3_finalize(s.ins);
	sqlite3_finalize(s.old);
	s.ins = s.old = NULL;
	if (db_commit(db) != 0)
		goto dberr;
	rc = 0;
	goto out;
dberr:
	*errstr = xstrdup(db_errstr(db));
fail:
	rc = -1;
	sqlite3_finalize(s.ins);
	sqlite3_finalize(s.old);
	if (began)
		db_rollback(db);
out:
	rejects_free(s.rj);
	rec_problems_release(&s.pl);
	for (i = 0; s.hdr != NULL && i < s.ncols; i++)
		free((char *)s.hdr[i]);
	free(s.hdr);
	free(s.cells);
	free(s.named);
	free(rjpath);
	csvin_free(s.c);
	return rc;
}

int
report_write_unmatched(struct db *db, const struct report_opts *o,
    FILE *fp, char **errstr)
{
	static const char sql[] =
	    "SELECT 'service not evaluated', s.project_no, "
	    "coalesce(s.item_code, ''), coalesce(s.window_id, ''), "
	    "coalesce(s.staff_id, ''), s.service_date FROM services s "
	    "WHERE s.service_date BETWEEN ?1 AND ?2 "
	    "AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE "
	    "e.project_no = s.project_no) AND NOT EXISTS (SELECT 1 FROM "
	    "corrections c WHERE c.project_no = s.project_no) "
	    "UNION ALL SELECT 'evaluation without service', "
	    "coalesce(e.project_no, ''), e.item_code, "
	    "coalesce(e.window_id, ''), coalesce(e.staff_id, ''), "
	    "substr(e.assess_time, 1, 10) FROM evaluations_current e "
	    "WHERE substr(e.assess_time, 1, 10) BETWEEN ?1 AND ?2 "
	    "AND NOT EXISTS (SELECT 1 FROM services s WHERE "
	    "s.project_no = e.project_no) ORDER BY 1 DESC, 6, 2";
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st;
	const char *s;
	int i, rc;

	if (db_prepare(db, &st, sql) != 0) {
		*errstr = xstrdup(db_errstr(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, o->from[0] != '\0' ? o->from : "0000", -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, o->to[0] != '\0' ? o->to : "9999", -1,
	    SQLITE_TRANSIENT);
	strbuf_adds(&sb, "kind,project_no,item_code,window,staff,date\r\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < 6; i++) {
			s = (const char *)sqlite3_column_text(st, i);
			if (s == NULL)
				s = "";
			csv_append_field(&sb, s, strlen(s), 1);
			strbuf_adds(&sb, i < 5 ? "," : "\r\n");
		}
		if (sb.len > 65536) {
			if (fputs(sb.buf, fp) == EOF)
				break;
			strbuf_reset(&sb);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_sqlerr(db, "services");
		*errstr = xstrdup(db_errstr(db));
		strbuf_release(&sb);
		return -1;
	}
	rc = fputs(sb.buf, fp) == EOF || rc == SQLITE_ROW ? -1 : 0;
	strbuf_release(&sb);
	if (rc != 0)
		*errstr = xstrdup(strerror(errno));
	return rc;
}

/* ---- anomaly flags ------------------------------------------------------ */

#define FROM_PERIOD \
	" FROM evaluations e JOIN imports i ON i.id = e.import_id" \
	" WHERE substr(e.assess_time, 1, 10) BETWEEN ?1 AND ?2"
#define EVIDENCE "group_concat(i.src_file || ':' || e.src_line, ' ')"

/*
 * Each rule: its name, the setting of its threshold, what it says, and
 * a query binding ?1 ?2 (the period) and ?3 (the threshold) that
 * returns subject, count, detail, evidence (file:line of the records).
 */
static const struct flag_rule {
	const char *name;
	const char *setting;
	const char *rule;
	const char *sql;
} flag_rules[] = {
	{ "all_five_day", "report_flag_run",
	  N_("a window's evaluations of one day, at least the threshold, "
	  "are all grade 5"),
	  "SELECT 'window ' || coalesce(e.window_id, '-') || ' on ' || "
	  "substr(e.assess_time, 1, 10), count(*), '', " EVIDENCE
	  FROM_PERIOD " GROUP BY e.window_id, substr(e.assess_time, 1, 10) "
	  "HAVING count(*) >= ?3 AND min(e.satisfaction) = 5 ORDER BY 1" },
	{ "all_five_file", "report_flag_run",
	  N_("a window's evaluations from one keyed file, at least the "
	  "threshold, are all grade 5"),
	  "SELECT 'window ' || coalesce(e.window_id, '-') || ' in ' || "
	  "i.src_file || ' (import ' || i.id || ')', count(*), '', "
	  EVIDENCE FROM_PERIOD " GROUP BY e.window_id, i.id "
	  "HAVING count(*) >= ?3 AND min(e.satisfaction) = 5 ORDER BY 1" },
	{ "operator_fives", "report_flag_operator_gap",
	  N_("an operator keyed a share of grade 5 higher than the other "
	  "operators' by at least the threshold (percentage points; only "
	  "operators with report_flag_run evaluations)"),
	  "WITH p AS (SELECT i.operator AS op, e.satisfaction AS s, "
	  "i.src_file AS f, i.id AS imp" FROM_PERIOD "), "
	  "o AS (SELECT op, count(*) AS n, sum(s = 5) AS f5, "
	  "group_concat(DISTINCT f) AS files FROM p GROUP BY op), "
	  "t AS (SELECT count(*) AS n, sum(s = 5) AS f5 FROM p) "
	  "SELECT 'operator ' || o.op, o.n, printf('%.1f%% grade 5, the "
	  "others %.1f%%', 100.0 * o.f5 / o.n, 100.0 * (t.f5 - o.f5) / "
	  "(t.n - o.n)), o.files FROM o, t WHERE t.n > o.n AND o.n >= "
	  "(SELECT coalesce((SELECT value FROM settings WHERE key = "
	  "'report_flag_run'), 20)) AND 100.0 * o.f5 / o.n - "
	  "100.0 * (t.f5 - o.f5) / (t.n - o.n) >= ?3 ORDER BY 1" },
	{ "same_time", "report_flag_same_time",
	  N_("evaluations of one window with the same time to the second, "
	  "at least the threshold"),
	  "SELECT 'window ' || coalesce(e.window_id, '-') || ' at ' || "
	  "e.assess_time, count(*), '', " EVIDENCE FROM_PERIOD
	  " AND length(e.assess_time) > 10 GROUP BY e.window_id, "
	  "e.assess_time HAVING count(*) >= ?3 ORDER BY 1" },
	{ "serial_run", "report_flag_serial_run",
	  N_("forms keyed on the lines of one file in the order they were "
	  "issued, at least the threshold (returned forms come back "
	  "shuffled)"),
	  "SELECT 'import ' || i.id || ' (' || i.src_file || ') from "
	  "serial ' || min(e.serial), count(*), '', " EVIDENCE
	  " FROM evaluations e JOIN imports i ON i.id = e.import_id "
	  "JOIN forms f ON f.serial = e.serial "
	  "WHERE substr(e.assess_time, 1, 10) BETWEEN ?1 AND ?2 "
	  "GROUP BY i.id, f.seq - e.src_line HAVING count(*) >= ?3 "
	  "ORDER BY 1" },
	{ "bad_stop", "report_flag_bad_stop",
	  N_("a window's bad reviews stop: after its last bad review, at "
	  "least the threshold would be expected at its earlier rate"),
	  "WITH p AS (SELECT coalesce(e.window_id, '-') AS w, "
	  "substr(e.assess_time, 1, 10) AS d, e.satisfaction AS s"
	  FROM_PERIOD "), l AS (SELECT w, max(d) AS last FROM p "
	  "WHERE s <= 2 GROUP BY w), x AS (SELECT p.w, l.last, "
	  "sum(p.d <= l.last) AS nb, sum(p.d <= l.last AND p.s <= 2) AS bb, "
	  "sum(p.d > l.last) AS na FROM p JOIN l ON l.w = p.w GROUP BY p.w) "
	  "SELECT 'window ' || w || ' after ' || last, na, printf('%d bad "
	  "of %d up to %s, none of %d after (%.1f expected)', bb, nb, "
	  "last, na, 1.0 * bb * na / nb), '' FROM x "
	  "WHERE 1.0 * bb * na / nb >= ?3 ORDER BY 1" },
	{ "repeat_bad", "report_flag_repeat",
	  N_("one staff member has at least the threshold of bad reviews "
	  "in the period (反复差评)"),
	  "SELECT 'staff ' || e.staff_id, count(*), '', " EVIDENCE
	  FROM_PERIOD " AND e.staff_id IS NOT NULL AND e.satisfaction <= 2 "
	  "GROUP BY e.staff_id HAVING count(*) >= ?3 ORDER BY 1" },
};

#define EVIDENCE_MAX 20		/* file:line items listed per flag */

static void
flag_cell(struct strbuf *sb, const char *s, int last)
{
	csv_append_field(sb, s, strlen(s), 1);
	strbuf_adds(sb, last ? "\r\n" : ",");
}

int
report_write_flags(struct db *db, const struct report_opts *o, FILE *fp,
    int csv, long *nflags, char **errstr)
{
	struct strbuf sb = STRBUF_INIT, ev = STRBUF_INIT;
	sqlite3_stmt *st;
	const char *s, *p;
	char num[32];
	long long th;
	size_t i, k;
	int rc = 0, n;

	*nflags = 0;
	if (csv)
		strbuf_adds(&sb, "rule,threshold,subject,count,detail,"
		    "evidence\r\n");
	else
		strbuf_addf(&sb, "%s\n", _("Flags are leads for a closer look, "
		    "not verdicts: each names its rule, its threshold (a "
		    "station setting) and the records behind it."));
	for (i = 0; i < sizeof(flag_rules) / sizeof(flag_rules[0]); i++) {
		const struct flag_rule *fr = &flag_rules[i];

		if (settings_get_int(db, fr->setting, &th) != 0 ||
		    db_prepare(db, &st, fr->sql) != 0) {
			*errstr = xstrdup(db_errstr(db));
			strbuf_release(&sb);
			strbuf_release(&ev);
			return -1;
		}
		sqlite3_bind_text(st, 1, o->from[0] != '\0' ? o->from :
		    "0000", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, o->to[0] != '\0' ? o->to : "9999",
		    -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, th);
		if (!csv)
			strbuf_addf(&sb, "\n%s (%s = %lld): %s\n", fr->name,
			    fr->setting, th, _(fr->rule));
		n = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			n++;
			(*nflags)++;
			/* the first EVIDENCE_MAX items, and how many more */
			strbuf_reset(&ev);
			s = (const char *)sqlite3_column_text(st, 3);
			for (k = 0; s != NULL && *s != '\0'; k++) {
				p = strchr(s, ' ');
				if (k < EVIDENCE_MAX) {
					if (k > 0)
						strbuf_adds(&ev, " ");
					strbuf_add(&ev, s, p != NULL ?
					    (size_t)(p - s) : strlen(s));
				}
				s = p != NULL ? p + 1 : "";
			}
			if (k > EVIDENCE_MAX)
				strbuf_addf(&ev, " (+%zu)", k - EVIDENCE_MAX);
			snprintf(num, sizeof(num), "%lld", th);
			s = (const char *)sqlite3_column_text(st, 0);
			p = (const char *)sqlite3_column_text(st, 2);
			if (csv) {
				flag_cell(&sb, fr->name, 0);
				flag_cell(&sb, num, 0);
				flag_cell(&sb, s != NULL ? s : "", 0);
				snprintf(num, sizeof(num), "%lld", (long long)
				    sqlite3_column_int64(st, 1));
				flag_cell(&sb, num, 0);
				flag_cell(&sb, p != NULL ? p : "", 0);
				flag_cell(&sb, strbuf_str(&ev), 1);
			} else
				strbuf_addf(&sb, "  %s: %lld%s%s%s%s\n",
				    s != NULL ? s : "",
				    (long long)sqlite3_column_int64(st, 1),
				    p != NULL && *p != '\0' ? "; " : "",
				    p != NULL ? p : "",
				    ev.len > 0 ? "\n    " : "",
				    strbuf_str(&ev));
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			db_sqlerr(db, fr->name);
			*errstr = xstrdup(db_errstr(db));
			strbuf_release(&sb);
			strbuf_release(&ev);
			return -1;
		}
		if (!csv && n == 0)
			strbuf_addf(&sb, "  %s\n", _("none"));
	}
	rc = fputs(strbuf_str(&sb), fp) == EOF ? -1 : 0;
	if (rc != 0)
		*errstr = xstrdup(strerror(errno));
	strbuf_release(&sb);
	strbuf_release(&ev);
	return rc;
}

/* ---- reading from batches ------------------------------------------------ */

struct bload {
	struct db *db;
	struct store_scratch *ss;	/* writes the records (store.h) */
	long long import_id;
	int col_method;		/* entry_method column of the payload */
	int col_line;		/* src_line column */
	int failed;
	long long records;	/* received records added */
};

static int
batch_record(void *arg, const struct rec *r, const char *supersedes,
    size_t ncells, const char *const *cells, char **why)
{
	struct bload *b = arg;
	struct store_row row;
	char channel[12], satisfaction[12];
	size_t i;

	if (r == NULL) {
		b->col_method = b->col_line = -1;
		for (i = 0; i < ncells; i++)
			if (strcmp(cells[i], "entry_method") == 0)
				b->col_method = (int)i;
			else if (strcmp(cells[i], "src_line") == 0)
				b->col_line = (int)i;
		return 0;
	}
	(void)why;
	if (b->failed)
		return 0;
	snprintf(channel, sizeof(channel), "%d", r->channel);
	snprintf(satisfaction, sizeof(satisfaction), "%d", r->satisfaction);
	memset(&row, 0, sizeof(row));
	row.serial = r->v[F_SERIAL];
	row.project_no = r->v[F_PROJECT_NO];
	row.item_code = r->v[F_ITEM_CODE];
	row.dept_code = r->v[F_DEPT_CODE];
	row.area_code = r->v[F_AREA_CODE];
	row.window = r->v[F_WINDOW];
	row.staff = r->v[F_STAFF];
	row.channel = channel;
	row.satisfaction = satisfaction;
	row.evaluator = r->v[F_EVALUATOR];
	row.cert_no = r->v[F_CERT_NO];
	row.phone = r->v[F_PHONE];
	row.assess_time = r->v[F_ASSESS_TIME];
	row.assess_number = r->assess_number;
	row.src_line = b->col_line >= 0 && (size_t)b->col_line < ncells ?
	    strtol(cells[b->col_line], NULL, 10) : r->line;
	row.entry_method = b->col_method >= 0 &&
	    (size_t)b->col_method < ncells && strcmp(cells[b->col_method],
	    "scanned") == 0 ? "scanned" : "keyed";
	row.row_hash = r->hash;
	if (store_scratch_add(b->ss, b->import_id, &row,
	    *supersedes != '\0') != 0)
		b->failed = 1;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
batch_names(const char *dir, char ***out, size_t *n, char **errstr)
{
	struct dirent *de;
	DIR *d;
	size_t len;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		*errstr = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 7 || strcmp(de->d_name + len - 7, ".tar.gz") != 0)
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(*out, *n, sizeof(**out), cmp_str);
	return 0;
}

/*
 * The station's catalogue, settings and ledger, for names and checks:
 * the station db stays attached to mem (as st), read through views of
 * the same names in mem's temp schema, which unqualified names find
 * before mem's own (empty) tables.  Nothing is copied.
 */
static int
attach_station(struct db *mem, struct db *station)
{
	static const char *const read[] = { "settings", "regions",
	    "departments", "items", "windows", "staff", "eval_codes",
	    "forms" };
	sqlite3_stmt *st;
	char *sql;
	size_t i;
	int k;

	if (sqlite3_prepare_v2(db_sqlite(mem), "ATTACH DATABASE ?1 AS st", -1,
	    &st, NULL) != SQLITE_OK)
		return db_sqlerr(mem, db_path(station));
	sqlite3_bind_text(st, 1, db_path(station), -1, SQLITE_STATIC);
	k = sqlite3_step(st) != SQLITE_DONE;
	if (k)
		db_sqlerr(mem, db_path(station));
	sqlite3_finalize(st);
	for (i = 0; !k && i < sizeof(read) / sizeof(read[0]); i++) {
		sql = xasprintf("CREATE TEMP VIEW %s AS SELECT * FROM st.%s",
		    read[i], read[i]);
		k = db_exec(mem, sql) != 0;
		free(sql);
	}
	return k ? -1 : 0;
}

/*
 * Verifies the batch name with the key in o, in a savepoint of its own:
 * 1 if it is loaded, 0 if refused (counted in bs if the key is the last
 * one), -1 with *errstr.
 */
static int
batch_try(struct bload *b, struct verify_opts *o, const char *name,
    const char *now, int last, struct batches_stats *bs, char **errstr)
{
	struct db *mem = b->db;
	struct verify_result res;
	int ok;

	if (db_exec(mem, "SAVEPOINT batch") != 0 ||
	    store_scratch_import(b->ss, name, now, &b->import_id) != 0)
		goto dberr;
	b->failed = 0;
	memset(&res, 0, sizeof(res));
	if (verify_batch(name, o, &res, errstr) != 0) {
		verify_result_release(&res);
		db_exec(mem, "ROLLBACK TO batch; RELEASE batch");
		return -1;
	}
	ok = verify_ok(&res) && !b->failed;
	if (ok) {
		bs->batches++;
		bs->records += res.records;
		if (db_exec(mem, "RELEASE batch") != 0) {
			verify_result_release(&res);
			goto dberr;
		}
	} else if (db_exec(mem, "ROLLBACK TO batch; RELEASE batch") != 0) {
		verify_result_release(&res);
		goto dberr;
	}
	if (!ok && last) {
		bs->refused++;
		if (bs->first_refused == NULL)
			bs->first_refused = xasprintf("%s: %s", name,
			    res.problems.n > 0 ? res.problems.v[0].msg : "");
	}
	verify_result_release(&res);
	return ok;
dberr:
	*errstr = xstrdup(db_errstr(mem));
	return -1;
}

int
report_load_batches(struct db *mem, struct db *station, const char *dir,
    const char *const *keys, size_t nkeys, struct batches_stats *bs,
    char **errstr)
{
	struct verify_opts o;
	struct bload b;
	char **names = NULL, now[CLOCK_BUFLEN];
	size_t n = 0, i, k;
	int rc = -1, ok;

	memset(bs, 0, sizeof(*bs));
	memset(&b, 0, sizeof(b));
	memset(&o, 0, sizeof(o));
	b.db = mem;
	clock_format(clock_now(), now);
	if (batch_names(dir, &names, &n, errstr) != 0)
		return -1;
	if (n == 0) {
		*errstr = xasprintf(_("%s: no batch (*.tar.gz) here"), dir);
		free(names);
		return -1;
	}
	if (station != NULL && attach_station(mem, station) != 0)
		goto dberr;
	/*
	 * No seen-keys set: a batch may be tried with several keys, and a
	 * record given twice across batches breaks a UNIQUE constraint of
	 * the db in memory, which refuses its batch.
	 */
	o.ctx = rec_ctx_new();
	o.keys = rec_ctx_new();
	if (station != NULL && rec_ctx_load(o.ctx, station) != 0) {
		*errstr = xstrdup(db_errstr(station));
		goto out;
	}
	o.row = batch_record;
	o.arg = &b;
	if ((b.ss = store_scratch_new(mem)) == NULL)
		goto dberr;
	for (i = 0; i < n; i++)
		/* each key in turn: a county holds those of its stations */
		for (k = 0, ok = 0; k < nkeys && !ok; k++) {
			o.pub_pem = keys[k];
			ok = batch_try(&b, &o, names[i], now,
			    k + 1 == nkeys, bs, errstr);
			if (ok < 0)
				goto out;
		}
	rc = 0;
	goto out;
dberr:
	*errstr = xstrdup(db_errstr(mem));
out:
	store_scratch_free(b.ss);
	rec_ctx_free(o.ctx);
	rec_ctx_free(o.keys);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* ---- reading from a receiving db ----------------------------------------- */

/* Adds a record of the receiving db (INTAKE_READ_COLS) to the db. */
static int
received_record(void *arg, int n, const char *const *v)
{
	struct bload *b = arg;
	struct store_row row;
	char *key;
	int rc;

	if (n != INTAKE_READ_N)
		return b->failed = 1;
	/* in the order of INTAKE_READ_COLS */
	memset(&row, 0, sizeof(row));
	row.serial = v[3];
	row.project_no = v[4];
	row.item_code = v[5];
	row.dept_code = v[6];
	row.area_code = v[7];
	row.window = v[8];
	row.staff = v[9];
	row.channel = v[10];
	row.satisfaction = v[11];
	row.evaluator = v[12];
	row.cert_no = v[13];
	row.phone = v[14];
	row.assess_time = v[15];
	row.assess_number = v[16] != NULL ? (int)strtol(v[16], NULL, 10) : 1;
	row.src_line = strtoll(v[2], NULL, 10);
	row.entry_method = "keyed";
	row.row_hash = key = xasprintf("%s:%s:%s", v[0], v[1], v[2]);
	rc = store_scratch_add(b->ss, b->import_id, &row, 0);
	free(key);
	if (rc != 0)
		return b->failed = 1;
	b->records++;
	return 0;
}

long long
report_load_received(struct db *mem, struct db *station, struct intake *it,
    const struct report_opts *o, char **errstr)
{
	struct bload b;
	char now[CLOCK_BUFLEN];
	long long rc = -1;

	memset(&b, 0, sizeof(b));
	b.db = mem;
	clock_format(clock_now(), now);
	if ((station != NULL && attach_station(mem, station) != 0) ||
	    (b.ss = store_scratch_new(mem)) == NULL || db_begin(mem) != 0 ||
	    store_scratch_import(b.ss, "(received)", now, &b.import_id) != 0)
		goto dberr;
	if (intake_each_record(it, o->from, o->to, received_record, &b) != 0) {
		*errstr = xstrdup(intake_errstr(it));
		db_rollback(mem);
		goto out;
	}
	if (b.failed) {
		db_rollback(mem);
		goto dberr;
	}
	if (db_commit(mem) != 0)
		goto dberr;
	rc = b.records;
	goto out;
dberr:
	*errstr = xstrdup(db_errstr(mem));
out:
	store_scratch_free(b.ss);
	return rc;
}
