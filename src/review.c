/* SPDX-License-Identifier: ISC */
/*
 * Bad-review follow-up (see review.h): the cases and case_events tables,
 * the state machine, deadlines and the CSV import of actions.  All the
 * SQL on those tables is here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <sqlite3.h>

#include "bag.h"
#include "clock.h"
#include "csvin.h"
#include "audit.h"
#include "db.h"
#include "num.h"
#include "outfile.h"
#include "record.h"
#include "review.h"
#include "settings.h"
#include "strbuf.h"
#include "workcal.h"
#include "i18n.h"
#include "xalloc.h"
#include "banned.h"

struct review {
	struct db *db;
	struct workcal *wc;
	char today[WORKCAL_DATELEN];
	char now[CLOCK_BUFLEN];
};

/* The states, as bits for the transition table. */
enum {
	S_OPEN = 1 << 0,
	S_VISITED = 1 << 1,
	S_RECTIFYING = 1 << 2,
	S_RECTIFIED = 1 << 3,
	S_EXPLAINED = 1 << 4,
	S_APPEALED = 1 << 5,
	S_EXCLUDED = 1 << 6,
	S_CLOSED = 1 << 7
};

/* A case's nearest pending deadline, NULL when none (review.h). */
#define DUE_EXPR \
    "(CASE WHEN c.state IN ('appealed', 'excluded', 'closed') THEN NULL " \
    "WHEN c.visited IS NULL AND c.visit_due IS NOT NULL AND " \
    "c.state = 'rectifying' THEN min(c.visit_due, c.rectify_due) " \
    "WHEN c.visited IS NULL AND c.visit_due IS NOT NULL THEN c.visit_due " \
    "WHEN c.state = 'rectifying' THEN c.rectify_due END)"

static const char *const state_names[] = { "open", "visited", "rectifying",
	"rectified", "explained", "appealed", "excluded", "closed" };
#define NSTATES (sizeof(state_names) / sizeof(state_names[0]))
/* The same, as a person reads them (translated where they are shown). */
static const char *const state_words[NSTATES] = { N_("open"),
	N_("visited"), N_("rectifying"), N_("rectified"), N_("explained"),
	N_("appealed"), N_("excluded"), N_("closed") };

const char *
review_state_word(const char *state)
{
	size_t i;

	for (i = 0; state != NULL && i < NSTATES; i++)
		if (strcmp(state_names[i], state) == 0)
			return _(state_words[i]);
	return state != NULL ? state : "";
}

int
review_state_known(const char *state)
{
	size_t i;

	for (i = 0; i < NSTATES; i++)
		if (strcmp(state_names[i], state) == 0)
			return 1;
	return 0;
}

const char *
review_state_list(void)
{
	static char list[128];
	size_t i, n = 0;

	if (list[0] == '\0')
		for (i = 0; i < NSTATES; i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", i ? ", " : "", state_names[i]);
	return list;
}

/* What each action takes: its outcomes and the states it starts from. */
static const struct action_def {
	const char *name;
	const char *outcomes;	/* "a|b|c", NULL: none taken */
	int need_outcome;
	unsigned from;
} actions[] = {
	{ "visit", "reached|unreached|refused", 1,
	  S_OPEN | S_VISITED | S_RECTIFYING | S_RECTIFIED | S_EXPLAINED },
	{ "rectify", "now|term", 1, S_OPEN | S_VISITED },
	{ "done", NULL, 0, S_RECTIFYING },
	{ "explain", NULL, 0, S_OPEN | S_VISITED },
	{ "appeal", "misjudged|malicious", 1, S_OPEN | S_VISITED },
	{ "rule", "accept|reject", 1, S_APPEALED },
	{ "close", NULL, 0, S_RECTIFIED | S_EXPLAINED }
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

const char *
review_action_outcomes(const char *action)
{
	size_t i;

	for (i = 0; i < NACTIONS; i++)
		if (strcmp(actions[i].name, action) == 0)
			return actions[i].outcomes != NULL ?
			    actions[i].outcomes : "";
	return NULL;
}

const char *
review_action_list(void)
{
	static char list[128];
	size_t i, n = 0;

	if (list[0] == '\0')
		for (i = 0; i < NACTIONS; i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", i ? ", " : "", actions[i].name);
	return list;
}

static int
sqlfail(struct db *db, char **errstr)
{
	*errstr = xstrdup(db_errstr(db));
	return -1;
}

static unsigned
state_bit(const char *s)
{
	size_t i;

	for (i = 0; i < NSTATES; i++)
		if (strcmp(state_names[i], s) == 0)
			return 1u << i;
	return 0;
}

static char *
states_text(unsigned set)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < NSTATES; i++)
		if (set & (1u << i))
			strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "",
			    state_names[i]);
	return strbuf_detach(&sb);
}

static int
outcome_ok(const char *list, const char *o)
{
	size_t len = strlen(o);
	const char *p = list;

	while (len > 0 && p != NULL) {
		if (strncmp(p, o, len) == 0 && (p[len] == '|' ||
		    p[len] == '\0'))
			return 1;
		if ((p = strchr(p, '|')) != NULL)
			p++;
	}
	return 0;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

static int
load_local_days(struct db *db, struct workcal *wc, char **errstr)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, "SELECT day, kind FROM calendar_local") != 0)
		return sqlfail(db, errstr);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 1);

		if (workcal_set(wc, (const char *)sqlite3_column_text(st, 0),
		    strcmp(kind, "holiday") == 0 ? WORKCAL_HOLIDAY :
		    WORKCAL_WORKDAY, errstr) != 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(db, "calendar_local");
		return sqlfail(db, errstr);
	}
	return 0;
}

static struct workcal *
calendar_load(struct db *db, const char *caldir, char **errstr)
{
	struct workcal *wc = workcal_new();

	if (workcal_load_dir(wc, caldir, errstr) != 0 ||
	    load_local_days(db, wc, errstr) != 0) {
		workcal_free(wc);
		return NULL;
	}
	return wc;
}

static void
set_clock(struct review *rv)
{
	clock_format(clock_now(), rv->now);
	snprintf(rv->today, sizeof(rv->today), "%.10s", rv->now);
}

struct review *
review_open(const char *dbpath, const char *schemadir, const char *caldir,
    char **errstr)
{
	struct review *rv = xcalloc(1, sizeof(*rv));

	rv->db = db_new();
	if (db_open(rv->db, dbpath, 0, schemadir) != 0) {
		*errstr = xstrdup(db_errstr(rv->db));
		review_close(rv);
		return NULL;
	}
	if ((rv->wc = calendar_load(rv->db, caldir, errstr)) == NULL) {
		review_close(rv);
		return NULL;
	}
	set_clock(rv);
	return rv;
}

void
review_close(struct review *rv)
{
	if (rv == NULL)
		return;
	db_free(rv->db);
	workcal_free(rv->wc);
	free(rv);
}

/* Inserts one event (and its audit row); 0 or -1. */
static int
add_event(struct review *rv, long long case_id, const char *action,
    const char *operator, const char *day, const char *text,
    const char *outcome, int satisfaction, const char *due,
    const char *from, const char *to, char **errstr)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(rv->db, &st, "INSERT INTO case_events (case_id, "
	    "action, operator, at, day, text, outcome, satisfaction, due, "
	    "state_from, state_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11)") != 0)
		return sqlfail(rv->db, errstr);
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, operator, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, rv->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, outcome, -1, SQLITE_STATIC);
	if (satisfaction > 0)
		sqlite3_bind_int(st, 8, satisfaction);
	sqlite3_bind_text(st, 9, due, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, to, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(rv->db, "case_events");
		return sqlfail(rv->db, errstr);
	}
	{
		struct audit_entry ae = { action, from, to };
		char key[24];

		snprintf(key, sizeof(key), "%lld", case_id);
		if (audit_write(rv->db, rv->now, operator, "cases", key, text,
		    &ae, 1) != 0)
			return sqlfail(rv->db, errstr);
	}
	return 0;
}

/* The case of the first evaluation of project, or 0. */
static int
first_case(struct review *rv, const char *project, long long *case_id,
    char state[16], char **errstr)
{
	sqlite3_stmt *st;
	int rc;

	*case_id = 0;
	if (project == NULL)
		return 0;
	if (db_prepare(rv->db, &st, "SELECT c.id, c.state FROM evaluations e "
	    "JOIN cases c ON c.eval_id = e.id WHERE e.project_no = ?1 AND "
	    "e.assess_number = 1") != 0)
		return sqlfail(rv->db, errstr);
	sqlite3_bind_text(st, 1, project, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*case_id = sqlite3_column_int64(st, 0);
		snprintf(state, 16, "%s", sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_sqlerr(rv->db, "cases");
		return sqlfail(rv->db, errstr);
	}
	return 0;
}

static int
link_reeval(struct review *rv, long long case_id, const char *state,
    long long eval_id, int grade, const char *day, char **errstr)
{
	sqlite3_stmt *st;
	char text[64];
	int rc;

	if (db_prepare(rv->db, &st, "UPDATE cases SET reeval_id = ?2 WHERE "
	    "id = ?1") != 0)
		return sqlfail(rv->db, errstr);
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, eval_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(rv->db, "cases");
		return sqlfail(rv->db, errstr);
	}
	snprintf(text, sizeof(text), "re-evaluation graded %d", grade);
	return add_event(rv, case_id, "reeval", "hcp", day, text, NULL, grade,
	    NULL, state, state, errstr);
}

static int
open_case(struct review *rv, sqlite3_stmt *ins, sqlite3_stmt *row,
    long long revisit, char **errstr)
{
	const char *phone = (const char *)sqlite3_column_text(row, 2);
	char opened[WORKCAL_DATELEN], due[WORKCAL_DATELEN];
	int rc;

	snprintf(opened, sizeof(opened), "%.10s",
	    sqlite3_column_text(row, 1));
	if (phone != NULL && *phone != '\0' &&
	    workcal_add(rv->wc, opened, (int)revisit, due, errstr) != 0)
		return -1;
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, sqlite3_column_int64(row, 0));
	sqlite3_bind_text(ins, 2, opened, -1, SQLITE_TRANSIENT);
	if (phone != NULL && *phone != '\0')
		sqlite3_bind_text(ins, 3, due, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(ins, 3);
	sqlite3_bind_value(ins, 4, sqlite3_column_value(row, 3));
	sqlite3_bind_value(ins, 5, sqlite3_column_value(row, 4));
	sqlite3_bind_value(ins, 6, sqlite3_column_value(row, 5));
	rc = sqlite3_step(ins);
	if (rc != SQLITE_DONE) {
		db_sqlerr(rv->db, "cases");
		return sqlfail(rv->db, errstr);
	}
	return 0;
}

static int
sync_rows(struct review *rv, long *opened, char **errstr)
{
	sqlite3_stmt *row = NULL, *ins = NULL;
	long long revisit, last = 0, case_id;
	char state[16];
	int rc, ret = -1;

	if (settings_get_int(rv->db, "revisit_days", &revisit) != 0)
		return sqlfail(rv->db, errstr);
	if (db_prepare(rv->db, &row, "SELECT e.id, e.assess_time, e.phone, "
	    "coalesce(i.dept_code, nullif(w.dept_code, ''), e.dept_code), "
	    "e.window_id, e.staff_id, e.assess_number, e.project_no, "
	    "e.satisfaction FROM evaluations e "
	    "LEFT JOIN items i ON i.code = e.item_code "
	    "LEFT JOIN windows w ON w.id = e.window_id "
	    "WHERE e.id > (SELECT last_eval FROM review_mark) AND "
	    "(e.satisfaction <= 2 OR e.assess_number = 2) ORDER BY e.id") !=
	    0 || db_prepare(rv->db, &ins, "INSERT INTO cases (eval_id, "
	    "opened, visit_due, dept_code, window, staff, next_due) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?3)") != 0) {
		sqlfail(rv->db, errstr);
		goto out;
	}
	while ((rc = sqlite3_step(row)) == SQLITE_ROW) {
		int grade = sqlite3_column_int(row, 8);
		char day[WORKCAL_DATELEN];

		last = sqlite3_column_int64(row, 0);
		snprintf(day, sizeof(day), "%.10s",
		    sqlite3_column_text(row, 1));
		if (sqlite3_column_int(row, 6) == 2) {
			if (first_case(rv, (const char *)
			    sqlite3_column_text(row, 7), &case_id, state,
			    errstr) != 0)
				goto out;
			if (case_id != 0) {
				if (link_reeval(rv, case_id, state, last,
				    grade, day, errstr) != 0)
					goto out;
				continue;
			}
			if (grade > 2)
				continue;
		}
		if (open_case(rv, ins, row, revisit, errstr) != 0)
			goto out;
		if (opened != NULL)
			(*opened)++;
	}
	if (rc != SQLITE_DONE) {
		db_sqlerr(rv->db, "evaluations");
		sqlfail(rv->db, errstr);
		goto out;
	}
	sqlite3_finalize(ins);
	ins = NULL;
	if (last > 0) {
		if (db_prepare(rv->db, &ins, "UPDATE review_mark SET "
		    "last_eval = ?1") != 0) {
			sqlfail(rv->db, errstr);
			goto out;
		}
		sqlite3_bind_int64(ins, 1, last);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			db_sqlerr(rv->db, "review_mark");
			sqlfail(rv->db, errstr);
			goto out;
		}
	}
	ret = 0;
out:
	sqlite3_finalize(row);
	sqlite3_finalize(ins);
	return ret;
}

int
review_sync(struct review *rv, long *opened, char **errstr)
{
	long long pending;

	if (opened != NULL)
		*opened = 0;
	/* nothing new: no write transaction, so readers never wait */
	if (db_query_int(rv->db, "SELECT count(*) FROM evaluations WHERE "
	    "id > (SELECT last_eval FROM review_mark) AND (satisfaction <= 2 "
	    "OR assess_number = 2)", NULL, &pending) != 0)
		return sqlfail(rv->db, errstr);
	if (pending == 0)
		return 0;
	if (db_begin(rv->db) != 0)
		return sqlfail(rv->db, errstr);
	if (sync_rows(rv, opened, errstr) != 0) {
		db_rollback(rv->db);
		return -1;
	}
	if (db_commit(rv->db) != 0)
		return sqlfail(rv->db, errstr);
	return 0;
}

int
review_sync_db(struct db *db, const char *caldir, long *opened,
    char **errstr)
{
	struct review rv;
	int rc;

	memset(&rv, 0, sizeof(rv));
	rv.db = db;
	if ((rv.wc = calendar_load(db, caldir, errstr)) == NULL)
		return -1;
	set_clock(&rv);
	rc = review_sync(&rv, opened, errstr);
	workcal_free(rv.wc);
	return rc;
}

/* The SQL that picks a case by key, bound to ?1 (see find_case()). */
static const char *
key_where(const char *key, char buf[64], int *kind)
{
	size_t len = strlen(key), i, nd = 0;

	for (i = 0; i < len; i++) {
		if (key[i] >= '0' && key[i] <= '9') {
			if (nd < 63)
				buf[nd] = key[i];
			nd++;
		} else if (key[i] != '-' && !(i == 0 && key[i] == '#'))
			break;
	}
	if (i == len && nd == 16) {
		buf[16] = '\0';
		*kind = 1;
		return "e.serial = ?1";
	}
	if (i == len && nd > 0 && nd < 16 && strchr(key, '-') == NULL) {
		buf[nd] = '\0';
		*kind = 0;
		return "c.id = ?1";
	}
	*kind = 2;
	return "e.project_no = ?1 AND e.assess_number = ?2";
}

static int
bind_key(sqlite3_stmt *st, const char *key, int kind, const char *buf,
    char **errstr)
{
	const char *slash;
	long long n;

	switch (kind) {
	case 0:
		sqlite3_bind_int64(st, 1, strtoll(buf, NULL, 10));
		return 0;
	case 1:
		sqlite3_bind_text(st, 1, buf, -1, SQLITE_TRANSIENT);
		return 0;
	}
	slash = strrchr(key, '/');
	if (slash == NULL || slash == key || (strcmp(slash, "/1") != 0 &&
	    strcmp(slash, "/2") != 0)) {
		*errstr = xasprintf(_("%s: not a case: give a case number, a "
		    "form serial or PROJECT_NO/ASSESS_NUMBER"), key);
		return REVIEW_REFUSED;
	}
	n = slash[1] - '0';
	sqlite3_bind_text(st, 1, key, (int)(slash - key), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, n);
	return 0;
}

/* The case of the record a re-evaluation key names resolves to its own. */
struct case_row {
	long long id, eval_id;
	char state[16];
	char opened[WORKCAL_DATELEN];
	int has_phone;
	int visited;
};

static int
find_case(struct review *rv, const char *key, struct case_row *c,
    char **errstr)
{
	sqlite3_stmt *st;
	struct strbuf sql = STRBUF_INIT;
	char buf[64];
	int kind, rc;
	const char *w = key_where(key, buf, &kind);

	strbuf_addf(&sql, "SELECT c.id, c.eval_id, c.state, c.opened, "
	    "coalesce(e.phone, '') <> '', c.visited IS NOT NULL FROM cases c "
	    "JOIN evaluations e ON e.id = c.eval_id WHERE %s", w);
	if (kind == 2)
		strbuf_addf(&sql, " UNION ALL SELECT c.id, c.eval_id, "
		    "c.state, c.opened, coalesce(f.phone, '') <> '', "
		    "c.visited IS NOT NULL FROM cases c JOIN evaluations f ON "
		    "f.id = c.eval_id JOIN evaluations e ON e.id = c.reeval_id "
		    "WHERE %s", w);
	rc = db_prepare(rv->db, &st, sql.buf);
	strbuf_release(&sql);
	if (rc != 0)
		return sqlfail(rv->db, errstr);
	if ((rc = bind_key(st, key, kind, buf, errstr)) != 0) {
		sqlite3_finalize(st);
		return rc;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->id = sqlite3_column_int64(st, 0);
		c->eval_id = sqlite3_column_int64(st, 1);
		snprintf(c->state, sizeof(c->state), "%s",
		    sqlite3_column_text(st, 2));
		snprintf(c->opened, sizeof(c->opened), "%s",
		    sqlite3_column_text(st, 3));
		c->has_phone = sqlite3_column_int(st, 4);
		c->visited = sqlite3_column_int(st, 5);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		*errstr = xasprintf(_("%s: no such case (a case is opened for "
		    "every record graded 1 or 2)"), key);
		return REVIEW_REFUSED;
	}
	if (rc != SQLITE_ROW) {
		db_sqlerr(rv->db, "cases");
		return sqlfail(rv->db, errstr);
	}
	return 0;
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* Checks what a does not need the db for; REVIEW_REFUSED or 0. */
static int
check_act(struct review *rv, const struct review_act *a,
    const struct action_def **dp, char **errstr)
{
	const struct action_def *d = NULL;
	size_t i;
	long z;

	for (i = 0; i < NACTIONS; i++)
		if (strcmp(actions[i].name, a->action) == 0)
			d = &actions[i];
	if (d == NULL)
		*errstr = xasprintf(_("%s: no such action (visit, rectify, "
		    "done, explain, appeal, rule, close)"), a->action);
	else if (blank(a->operator))
		*errstr = xasprintf(_("%s: say who acts: the operator is "
		    "required"), a->action);
	else if (blank(a->text))
		*errstr = xasprintf(_("%s: the text is required (what was done "
		    "or said)"), a->action);
	else if (d->need_outcome && blank(a->outcome))
		*errstr = xasprintf(_("%s: the outcome is required: %s"),
		    a->action, d->outcomes);
	else if (!blank(a->outcome) && (d->outcomes == NULL ||
	    !outcome_ok(d->outcomes, a->outcome)))
		*errstr = xasprintf(_("%s: %s: not an outcome of %s%s%s"),
		    a->action, a->outcome, a->action,
		    d->outcomes != NULL ? ": " : "",
		    d->outcomes != NULL ? d->outcomes : "");
	else if (a->satisfaction != 0 && (strcmp(a->action, "visit") != 0 ||
	    a->satisfaction < 1 || a->satisfaction > 5))
		*errstr = xasprintf(_("%s: a satisfaction (1-5) goes with a "
		    "visit"), a->action);
	else if (a->due != NULL && (strcmp(a->action, "rectify") != 0 ||
	    strcmp(a->outcome, "term") != 0))
		*errstr = xasprintf(_("%s: a due date goes with rectify term"),
		    a->action);
	else if (a->due != NULL && workcal_parse(a->due, &z) != 0)
		*errstr = xasprintf(_("%s: not a date (YYYY-MM-DD)"), a->due);
	else if (a->day != NULL && workcal_parse(a->day, &z) != 0)
		*errstr = xasprintf(_("%s: not a date (YYYY-MM-DD)"), a->day);
	else if (a->day != NULL && strcmp(a->day, rv->today) > 0)
		*errstr = xasprintf(_("%s: in the future (today is %s)"),
		    a->day, rv->today);
	else {
		*dp = d;
		return 0;
	}
	return REVIEW_REFUSED;
}

static int
update_case(struct review *rv, long long id, const char *to,
    const char *visited, const char *rectify_due, const char *closed,
    int excluded, char **errstr)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(rv->db, &st, "UPDATE cases SET state = ?2, "
	    "visited = coalesce(visited, ?3), "
	    "rectify_due = coalesce(?4, rectify_due), "
	    "closed = coalesce(?5, closed), excluded = excluded OR ?6 "
	    "WHERE id = ?1") != 0)
		return sqlfail(rv->db, errstr);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, visited, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, rectify_due, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, closed, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, excluded);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(rv->db, "cases");
		return sqlfail(rv->db, errstr);
	}
	/* then the deadline the lists follow, from the new state */
	if (db_prepare(rv->db, &st, "UPDATE cases AS c SET next_due = "
	    DUE_EXPR " WHERE id = ?1") != 0)
		return sqlfail(rv->db, errstr);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(rv->db, "cases");
		return sqlfail(rv->db, errstr);
	}
	return 0;
}

/* The transition of a on c: to, and what changes on the case. */
static int
act_on(struct review *rv, const struct review_act *a,
    const struct action_def *d, const struct case_row *c, const char *day,
    char to[16], char **errstr)
{
	const char *visited = NULL, *closed = NULL, *o = a->outcome;
	char due[WORKCAL_DATELEN], *allowed;
	const char *rdue = NULL;
	long long workdays;
	int excluded = 0;

	if ((state_bit(c->state) & d->from) == 0) {
		allowed = states_text(d->from);
		*errstr = xasprintf(_("case %lld: cannot %s: the case is %s "
		    "(%s is allowed when it is %s)"), c->id, a->action,
		    c->state, a->action, allowed);
		free(allowed);
		return REVIEW_REFUSED;
	}
	if (strcmp(day, c->opened) < 0) {
		*errstr = xasprintf(_("case %lld: %s: %s is before the "
		    "evaluation (%s)"), c->id, a->action, day, c->opened);
		return REVIEW_REFUSED;
	}
	snprintf(to, 16, "%s", c->state);
	if (strcmp(a->action, "visit") == 0) {
		if (strcmp(o, "unreached") != 0) {
			visited = day;
			if (strcmp(c->state, "open") == 0)
				snprintf(to, 16, "visited");
		}
	} else if (strcmp(a->action, "rectify") == 0) {
		if (strcmp(o, "now") == 0) {
			snprintf(to, 16, "rectified");
			rdue = day;
		} else {
			snprintf(to, 16, "rectifying");
			if (a->due != NULL)
				snprintf(due, sizeof(due), "%s", a->due);
			else if (settings_get_int(rv->db, "rectify_workdays",
			    &workdays) != 0)
				return sqlfail(rv->db, errstr);
			else if (workcal_add(rv->wc, day, (int)workdays, due,
			    errstr) != 0)
				return -1;
			if (strcmp(due, day) < 0) {
				*errstr = xasprintf(_("case %lld: rectify: the "
				    "due date %s is before %s"), c->id, due,
				    day);
				return REVIEW_REFUSED;
			}
			rdue = due;
		}
	} else if (strcmp(a->action, "done") == 0)
		snprintf(to, 16, "rectified");
	else if (strcmp(a->action, "explain") == 0)
		snprintf(to, 16, "explained");
	else if (strcmp(a->action, "appeal") == 0)
		snprintf(to, 16, "appealed");
	else if (strcmp(a->action, "rule") == 0) {
		if (strcmp(o, "accept") == 0) {
			snprintf(to, 16, "excluded");
			excluded = 1;
			closed = day;
		} else
			snprintf(to, 16, "%s", c->visited ? "visited" :
			    "open");
	} else if (strcmp(a->action, "close") == 0) {
		if (c->has_phone && !c->visited) {
			*errstr = xasprintf(_("case %lld: cannot close: the "
			    "evaluator left a phone number and no return "
			    "visit reached them (record one with visit)"),
			    c->id);
			return REVIEW_REFUSED;
		}
		snprintf(to, 16, "closed");
		closed = day;
	}
	if (update_case(rv, c->id, to, visited, rdue, closed, excluded,
	    errstr) != 0)
		return -1;
	return add_event(rv, c->id, a->action, a->operator, day, a->text,
	    blank(o) ? NULL : o, a->satisfaction, rdue != NULL &&
	    strcmp(a->action, "rectify") == 0 ? rdue : NULL, c->state, to,
	    errstr);
}

int
review_act(struct review *rv, const struct review_act *a,
    long long *case_id, char state_to[16], char **errstr)
{
	const struct action_def *d;
	struct case_row c;
	int rc;

	if ((rc = check_act(rv, a, &d, errstr)) != 0)
		return rc;
	if (db_begin(rv->db) != 0)
		return sqlfail(rv->db, errstr);
	if ((rc = find_case(rv, a->key, &c, errstr)) == 0)
		rc = act_on(rv, a, d, &c, a->day != NULL ? a->day : rv->today,
		    state_to, errstr);
	if (rc != 0) {
		db_rollback(rv->db);
		return rc;
	}
	if (db_commit(rv->db) != 0)
		return sqlfail(rv->db, errstr);
	*case_id = c.id;
	return 0;
}

/* Columns of review_list's query, in struct review_case order. */
static const char list_sql[] =
    "SELECT c.id, c.eval_id, c.state, c.opened, c.visit_due, "
    "c.rectify_due, c.visited, c.closed, c.excluded, c.dept_code, "
    "d.name, c.window, c.staff, s.name, e.serial, e.project_no, "
    "e.item_code, i.name, e.assess_time, e.eval_detail, e.comment, "
    "e.evaluator, e.phone, e.satisfaction, c.reeval_id, r.satisfaction, "
    "c.next_due, e.assess_number FROM cases c "
    "JOIN evaluations e ON e.id = c.eval_id "
    "LEFT JOIN evaluations r ON r.id = c.reeval_id "
    "LEFT JOIN departments d ON d.code = c.dept_code "
    "LEFT JOIN staff s ON s.id = c.staff "
    "LEFT JOIN items i ON i.code = e.item_code WHERE 1";

int
review_list(struct review *rv, const struct review_filter *f,
    struct review_case **vp, size_t *np, char **errstr)
{
	struct strbuf sql = STRBUF_INIT;
	struct review_case *v = NULL, *c;
	struct case_row one;
	size_t n = 0;
	sqlite3_stmt *st;
	int rc;

	if (f->key != NULL && (rc = find_case(rv, f->key, &one, errstr)) != 0)
		return rc;
	strbuf_adds(&sql, list_sql);
	if (f->key != NULL)
		strbuf_adds(&sql, " AND c.id = ?1");
	else if (!f->all)
		strbuf_adds(&sql, " AND c.state NOT IN ('closed', "
		    "'excluded')");
	if (f->due || f->overdue)
		strbuf_adds(&sql, " AND c.next_due IS NOT NULL");
	if (f->overdue)
		strbuf_adds(&sql, " AND c.next_due < ?2");
	if (f->staff != NULL)
		strbuf_adds(&sql, " AND c.staff = ?3");
	if (f->dept != NULL)
		strbuf_adds(&sql, " AND c.dept_code = ?4");
	if (f->state != NULL)
		strbuf_adds(&sql, " AND c.state = ?5");
	strbuf_adds(&sql, f->due || f->overdue ? " ORDER BY c.next_due, "
	    "c.id" : " ORDER BY c.id");
	rc = db_prepare(rv->db, &st, sql.buf);
	strbuf_release(&sql);
	if (rc != 0)
		return sqlfail(rv->db, errstr);
	if (f->key != NULL)
		sqlite3_bind_int64(st, 1, one.id);
	sqlite3_bind_text(st, 2, rv->today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->staff, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->dept, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->state, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		c = &v[n++];
		c->id = sqlite3_column_int64(st, 0);
		c->eval_id = sqlite3_column_int64(st, 1);
		c->state = col_dup(st, 2);
		c->opened = col_dup(st, 3);
		c->visit_due = col_dup(st, 4);
		c->rectify_due = col_dup(st, 5);
		c->visited = col_dup(st, 6);
		c->closed = col_dup(st, 7);
		c->excluded = sqlite3_column_int(st, 8);
		c->dept_code = col_dup(st, 9);
		c->dept_name = col_dup(st, 10);
		c->window = col_dup(st, 11);
		c->staff = col_dup(st, 12);
		c->staff_name = col_dup(st, 13);
		c->serial = col_dup(st, 14);
		c->project_no = col_dup(st, 15);
		c->item_code = col_dup(st, 16);
		c->item_name = col_dup(st, 17);
		c->assess_time = col_dup(st, 18);
		c->eval_detail = col_dup(st, 19);
		c->comment = col_dup(st, 20);
		c->evaluator = col_dup(st, 21);
		c->phone = col_dup(st, 22);
		c->satisfaction = sqlite3_column_int(st, 23);
		c->reeval_id = sqlite3_column_int64(st, 24);
		c->reeval_satisfaction = sqlite3_column_int(st, 25);
		c->next_due = col_dup(st, 26);
		c->assess_number = sqlite3_column_int(st, 27);
		c->overdue = c->next_due != NULL &&
		    strcmp(c->next_due, rv->today) < 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		review_cases_free(v, n);
		db_sqlerr(rv->db, "cases");
		return sqlfail(rv->db, errstr);
	}
	*vp = v;
	*np = n;
	return 0;
}

void
review_cases_free(struct review_case *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].state);
		free(v[i].opened);
		free(v[i].visit_due);
		free(v[i].rectify_due);
		free(v[i].visited);
		free(v[i].closed);
		free(v[i].next_due);
		free(v[i].dept_code);
		free(v[i].dept_name);
		free(v[i].window);
		free(v[i].staff);
		free(v[i].staff_name);
		free(v[i].serial);
		free(v[i].project_no);
		free(v[i].item_code);
		free(v[i].item_name);
		free(v[i].assess_time);
		free(v[i].eval_detail);
		free(v[i].comment);
		free(v[i].evaluator);
		free(v[i].phone);
	}
	free(v);
}

int
review_events(struct review *rv, long long case_id, struct review_event **vp,
    size_t *np, char **errstr)
{
	struct review_event *v = NULL, *e;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	if (db_prepare(rv->db, &st, "SELECT id, case_id, action, operator, "
	    "at, day, text, outcome, due, state_from, state_to, "
	    "coalesce(satisfaction, 0) FROM case_events WHERE case_id = ?1 "
	    "ORDER BY id") != 0)
		return sqlfail(rv->db, errstr);
	sqlite3_bind_int64(st, 1, case_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		e = &v[n++];
		e->id = sqlite3_column_int64(st, 0);
		e->case_id = sqlite3_column_int64(st, 1);
		e->action = col_dup(st, 2);
		e->operator = col_dup(st, 3);
		e->at = col_dup(st, 4);
		e->day = col_dup(st, 5);
		e->text = col_dup(st, 6);
		e->outcome = col_dup(st, 7);
		e->due = col_dup(st, 8);
		e->state_from = col_dup(st, 9);
		e->state_to = col_dup(st, 10);
		e->satisfaction = sqlite3_column_int(st, 11);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		review_events_free(v, n);
		db_sqlerr(rv->db, "case_events");
		return sqlfail(rv->db, errstr);
	}
	*vp = v;
	*np = n;
	return 0;
}

void
review_events_free(struct review_event *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].action);
		free(v[i].operator);
		free(v[i].at);
		free(v[i].day);
		free(v[i].text);
		free(v[i].outcome);
		free(v[i].due);
		free(v[i].state_from);
		free(v[i].state_to);
	}
	free(v);
}

int
review_unmask(struct review *rv, const char *key, const char *operator,
    const char *reason, char **phone, char **errstr)
{
	struct case_row c;
	sqlite3_stmt *st;
	int rc;

	if (blank(operator)) {
		*errstr = xstrdup(_("say who is looking: the operator is "
		    "required"));
		return REVIEW_REFUSED;
	}
	if (blank(reason)) {
		*errstr = xstrdup(_("say why: a reason is required to see a "
		    "phone number unmasked"));
		return REVIEW_REFUSED;
	}
	if (db_begin(rv->db) != 0)
		return sqlfail(rv->db, errstr);
	if ((rc = find_case(rv, key, &c, errstr)) != 0) {
		db_rollback(rv->db);
		return rc;
	}
	{
		struct audit_entry ae = { "phone", NULL, NULL };
		char id[24];

		snprintf(id, sizeof(id), "%lld", c.eval_id);
		if (audit_write(rv->db, rv->now, operator, "evaluations", id,
		    reason, &ae, 1) != 0)
			goto fail;
	}
	if (db_prepare(rv->db, &st, "SELECT coalesce(phone, '') FROM "
	    "evaluations WHERE id = ?1") != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, c.eval_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		db_sqlerr(rv->db, "evaluations");
		goto fail;
	}
	*phone = col_dup(st, 0);
	sqlite3_finalize(st);
	if (db_commit(rv->db) != 0) {
		free(*phone);
		return sqlfail(rv->db, errstr);
	}
	return 0;
fail:
	sqlfail(rv->db, errstr);
	db_rollback(rv->db);
	return -1;
}

char *
review_station(struct review *rv)
{
	char *s = settings_get(rv->db, "name");

	return s != NULL ? s : xstrdup("");
}

int
review_day(struct review *rv, const char *day, const char *kind,
    const char *name, char **errstr)
{
	sqlite3_stmt *st;
	long z;
	int rc;

	if (workcal_parse(day, &z) != 0) {
		*errstr = xasprintf(_("%s: not a date (YYYY-MM-DD)"), day);
		return REVIEW_REFUSED;
	}
	if (strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0) {
		*errstr = xasprintf(_("%s: a day is a holiday or a workday"),
		    kind);
		return REVIEW_REFUSED;
	}
	if (blank(name)) {
		*errstr = xstrdup(_("name the day (why it is off or worked)"));
		return REVIEW_REFUSED;
	}
	if (db_prepare(rv->db, &st, "INSERT OR REPLACE INTO calendar_local "
	    "(day, kind, name) VALUES (?1, ?2, ?3)") != 0)
		return sqlfail(rv->db, errstr);
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(rv->db, "calendar_local");
		return sqlfail(rv->db, errstr);
	}
	return workcal_set(rv->wc, day, strcmp(kind, "holiday") == 0 ?
	    WORKCAL_HOLIDAY : WORKCAL_WORKDAY, errstr);
}

/* The columns of an actions file, English and Chinese names. */
enum {
	A_CASE, A_ACTION, A_DATE, A_OPERATOR, A_OUTCOME, A_SATISFACTION,
	A_DUE, A_TEXT, A_NCOLS
};
static const char *const apply_cols[A_NCOLS][2] = {
	{ "case", "案件" }, { "action", "动作" }, { "date", "日期" },
	{ "operator", "经办人" }, { "outcome", "结果" },
	{ "satisfaction", "满意度" }, { "due", "整改期限" },
	{ "text", "说明" }
};

/* A rejects file as hcp-import writes one: rows as read, then why. */
struct apply_rejects {
	const char *path;
	struct outfile *of;
	struct strbuf hdr;
	char *drop;		/* columns of an earlier rejects file, or
				 * without a name: not written */
	unsigned char *named;	/* columns read or passed over by name */
	size_t ncols;
	long n;
};

static int
annotation(const char *h)
{
	return strcmp(h, "错误行号") == 0 || strcmp(h, "错误说明") == 0;
}

static int
rejects_add(struct apply_rejects *rj, struct csvin *in, const char *why,
    char **errstr)
{
	struct strbuf sb = STRBUF_INIT;
	char line[32];
	size_t i;

	if (rj->of == NULL) {
		if ((rj->of = outfile_open(rj->path, OUTFILE_PRIVATE,
		    errstr)) == NULL)
			return -1;
		fputs("\xef\xbb\xbf", outfile_fp(rj->of));
		fwrite(rj->hdr.buf, 1, rj->hdr.len, outfile_fp(rj->of));
	}
	/* the header's columns, so that the notes stay under theirs */
	for (i = 0; i < rj->ncols; i++) {
		if (rj->drop[i])
			continue;
		csv_append_field(&sb, csvin_field(in, i),
		    csvin_field_len(in, i), 1);
		strbuf_adds(&sb, ",");
	}
	snprintf(line, sizeof(line), "%ld", csvin_line(in));
	csv_append_field(&sb, line, strlen(line), 0);
	strbuf_adds(&sb, ",");
	csv_append_field(&sb, why, strlen(why), 1);
	strbuf_adds(&sb, "\r\n");
	fwrite(sb.buf, 1, sb.len, outfile_fp(rj->of));
	strbuf_release(&sb);
	rj->n++;
	return 0;
}

static int
header_map(struct csvin *in, int map[A_NCOLS], struct apply_rejects *rj,
    char **errstr)
{
	size_t i, k;
	const char *h;

	for (k = 0; k < A_NCOLS; k++)
		map[k] = -1;
	rj->ncols = csvin_nfields(in);
	rj->drop = xcalloc(rj->ncols + 1, 1);
	rj->named = xcalloc(rj->ncols + 1, 1);
	for (i = 0; i < csvin_nfields(in); i++) {
		h = csvin_field(in, i);
		if (i == 0 && strncmp(h, "\xef\xbb\xbf", 3) == 0)
			h += 3;
		if (h[strspn(h, " \t")] == '\0') {
			/* only empty cells (csvin_stray_value) */
			rj->drop[i] = 1;
			continue;
		}
		rj->named[i] = 1;
		if (annotation(h)) {
			rj->drop[i] = 1;
			continue;
		}
		for (k = 0; k < A_NCOLS; k++)
			if (strcmp(h, apply_cols[k][0]) == 0 ||
			    strcmp(h, apply_cols[k][1]) == 0)
				break;
		if (k == A_NCOLS) {
			*errstr = xasprintf(_("%s:1: %s: unknown column (%s)"),
			    csvin_path(in), h, "case, action, date, operator, "
			    "outcome, satisfaction, due, text");
			return -1;
		}
		if (map[k] >= 0) {
			*errstr = xasprintf(_("%s:1: %s: column given twice"),
			    csvin_path(in), h);
			return -1;
		}
		map[k] = (int)i;
		csv_append_field(&rj->hdr, h, strlen(h), 1);
		strbuf_adds(&rj->hdr, ",");
	}
	strbuf_adds(&rj->hdr, "错误行号,错误说明\r\n");
	for (k = 0; k < A_NCOLS; k++)
		if (map[k] < 0 && (k == A_CASE || k == A_ACTION ||
		    k == A_TEXT)) {
			*errstr = xasprintf(_("%s:1: the column %s is missing"),
			    csvin_path(in), apply_cols[k][0]);
			return -1;
		}
	return 0;
}

static const char *
cell(struct csvin *in, const int map[A_NCOLS], int k)
{
	const char *s;

	if (map[k] < 0 || (size_t)map[k] >= csvin_nfields(in))
		return NULL;
	s = csvin_field(in, (size_t)map[k]);
	return *s != '\0' ? s : NULL;
}

static int
apply_row(struct review *rv, struct csvin *in, const int map[A_NCOLS],
    const char *operator, char **why)
{
	struct review_act a;
	const char *sat;
	long long id;
	char to[16];

	memset(&a, 0, sizeof(a));
	a.key = cell(in, map, A_CASE);
	a.action = cell(in, map, A_ACTION);
	a.day = cell(in, map, A_DATE);
	a.operator = cell(in, map, A_OPERATOR);
	if (a.operator == NULL)
		a.operator = operator;
	a.outcome = cell(in, map, A_OUTCOME);
	a.due = cell(in, map, A_DUE);
	a.text = cell(in, map, A_TEXT);
	if (a.key == NULL || a.action == NULL) {
		*why = xstrdup(_("the case and the action are required"));
		return REVIEW_REFUSED;
	}
	if ((sat = cell(in, map, A_SATISFACTION)) != NULL) {
		if (strlen(sat) != 1 || sat[0] < '1' || sat[0] > '5') {
			*why = xasprintf(_("%s: a satisfaction is 1 to 5"),
			    sat);
			return REVIEW_REFUSED;
		}
		a.satisfaction = sat[0] - '0';
	}
	return review_act(rv, &a, &id, to, why);
}

int
review_apply(struct review *rv, const char *path, const char *rejects_path,
    const char *operator, struct review_apply_counts *c, char **errstr)
{
	struct apply_rejects rj;
	struct csvin *in = csvin_new();
	int map[A_NCOLS], rc, ret = -1;
	size_t col;
	char *why;

	memset(c, 0, sizeof(*c));
	memset(&rj, 0, sizeof(rj));
	rj.path = rejects_path;
	strbuf_init(&rj.hdr);
	if (csvin_open(in, path, CSVIN_AUTO) != 0 ||
	    (rc = csvin_next(in)) < 0) {
		*errstr = xstrdup(csvin_errstr(in));
		goto out;
	}
	if (rc == 0) {
		*errstr = xasprintf(_("%s: empty: a header is required"), path);
		goto out;
	}
	if (header_map(in, map, &rj, errstr) != 0)
		goto out;
	while ((rc = csvin_next(in)) > 0) {
		c->read++;
		why = NULL;
		if (csvin_nissues(in) > 0) {
			why = xstrdup(rec_code_text(rec_issue_code(
			    csvin_issue(in, 0))));
			rc = REVIEW_REFUSED;
		} else if ((col = csvin_stray_value(in, rj.named,
		    rj.ncols)) > 0) {
			why = xasprintf(col > rj.ncols ? _("column %zu: a value "
			    "right of the last column of the header (%s)") :
			    _("column %zu: a value under a column without a "
			    "name (%s)"), col, csvin_field(in, col - 1));
			rc = REVIEW_REFUSED;
		} else
			rc = apply_row(rv, in, map, operator, &why);
		if (rc < 0) {
			*errstr = xasprintf("%s:%ld: %s", path,
			    csvin_line(in), why);
			free(why);
			goto out;
		}
		if (rc == 0) {
			c->applied++;
			continue;
		}
		c->rejected++;
		rc = rejects_add(&rj, in, why, errstr);
		free(why);
		if (rc != 0)
			goto out;
	}
	if (rc < 0) {
		*errstr = xstrdup(csvin_errstr(in));
		goto out;
	}
	if (rj.of != NULL) {
		rc = outfile_commit(rj.of, errstr);
		rj.of = NULL;
		if (rc != 0)
			goto out;
	}
	ret = 0;
out:
	outfile_abort(rj.of);
	strbuf_release(&rj.hdr);
	free(rj.drop);
	free(rj.named);
	csvin_free(in);
	return ret;
}

/* ---- hcp-pack: the events a batch carries ---------------------------- */

static const char events_pending_sql[] =
    "SELECT count(*), min(id), max(id) FROM case_events WHERE id > "
    "(SELECT coalesce(max(last_event), 0) FROM batches)";

static int
pending(struct db *db, long long *n, long long *lo, long long *hi)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, events_pending_sql) != 0)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		*lo = sqlite3_column_int64(st, 1);
		*hi = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_sqlerr(db, "case_events");
	return 0;
}

int
review_events_pending(struct db *db, long long *n)
{
	long long lo, hi;

	return pending(db, n, &lo, &hi);
}

int
review_batch_label(struct db *db, struct strbuf *info)
{
	long long n, lo, hi;

	if (pending(db, &n, &lo, &hi) != 0)
		return -1;
	if (n > 0)
		strbuf_addf(info, "Hcp-Case-Events: %lld\n", n);
	return 0;
}

int
review_events_range(struct db *db, long long *n, long long *lo,
    long long *hi)
{
	return pending(db, n, lo, hi);
}

/* The columns of data/case-events.csv (hcp-csv(5), CASE EVENTS). */
static const char *const ev_cols[] = { "eventId", "caseId", "serial",
	"projectNo", "assessNumber", "recordBatch", "assessTime",
	"satisfaction", "action", "outcome", "actionDate", "recordedAt",
	"operator", "stateFrom", "stateTo", "reformStatus", "sfhfang",
	"hfdc", "sfeypj", "dueDate", "text" };
#define EV_NCOLS (sizeof(ev_cols) / sizeof(ev_cols[0]))
enum { EV_ID, EV_CASE, EV_SERIAL, EV_PROJECT, EV_ASSESSNO, EV_RBATCH,
	EV_ASSESSTIME, EV_GRADE, EV_ACTION, EV_OUTCOME, EV_DATE, EV_AT,
	EV_OPERATOR, EV_FROM, EV_TO, EV_REFORM, EV_SFHFANG, EV_HFDC,
	EV_SFEYPJ, EV_DUE, EV_TEXT };

/* 整改状态 of an action (domain-notes §4, EvaluationReformStatusEnum). */
static const char *
reform_status(const char *action, const char *outcome)
{
	static const struct {
		const char *action, *outcome, *code;
	} t[] = {
		{ "visit", NULL, "999" }, { "rectify", "term", "20" },
		{ "rectify", "now", "21" }, { "done", NULL, "21" },
		{ "appeal", NULL, "10" }, { "rule", "accept", "11" },
		{ "rule", "reject", "12" }
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].action, action) == 0 && (t[i].outcome ==
		    NULL || (outcome != NULL &&
		    strcmp(t[i].outcome, outcome) == 0)))
			return t[i].code;
	return "";
}

int
review_batch_events(struct db *db, long long seq, char **csv, size_t *len,
    char **errstr)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st;
	const char *v[EV_NCOLS], *action, *outcome, *appeal;
	size_t k;
	int rc, nrows = 0;

	*csv = NULL;
	*len = 0;
	if (db_prepare(db, &st, "SELECT ev.id, ev.case_id, e.serial, "
	    "e.project_no, e.assess_number, (SELECT b.seq FROM batches b "
	    "WHERE e.id BETWEEN b.first_id AND b.last_id ORDER BY b.seq "
	    "LIMIT 1), e.assess_time, e.satisfaction, ev.action, "
	    "ev.outcome, ev.day, ev.at, ev.operator, ev.state_from, "
	    "ev.state_to, ev.satisfaction, ev.due, ev.text, "
	    "(SELECT a.outcome FROM case_events a WHERE a.case_id = "
	    "ev.case_id AND a.action = 'appeal' AND a.id < ev.id ORDER BY "
	    "a.id DESC LIMIT 1) "
	    "FROM batches bt JOIN case_events ev ON ev.id BETWEEN "
	    "bt.first_event AND bt.last_event "
	    "JOIN cases c ON c.id = ev.case_id "
	    "JOIN evaluations e ON e.id = c.eval_id "
	    "WHERE bt.seq = ?1 ORDER BY ev.id") != 0)
		return sqlfail(db, errstr);
	sqlite3_bind_int64(st, 1, seq);
	for (k = 0; k < EV_NCOLS; k++)
		strbuf_addf(&sb, "%s%s", k > 0 ? "," : "", ev_cols[k]);
	strbuf_adds(&sb, "\r\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		static const int map[] = { EV_ID, EV_CASE, EV_SERIAL,
		    EV_PROJECT, EV_ASSESSNO, EV_RBATCH, EV_ASSESSTIME,
		    EV_GRADE, EV_ACTION, EV_OUTCOME, EV_DATE, EV_AT,
		    EV_OPERATOR, EV_FROM, EV_TO, EV_HFDC, EV_DUE, EV_TEXT };

		for (k = 0; k < EV_NCOLS; k++)
			v[k] = "";
		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (sqlite3_column_type(st, (int)k) != SQLITE_NULL)
				v[map[k]] = (const char *)
				    sqlite3_column_text(st, (int)k);
		action = v[EV_ACTION];
		outcome = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL :
		    v[EV_OUTCOME];
		appeal = (const char *)sqlite3_column_text(st, 18);
		v[EV_REFORM] = reform_status(action, outcome);
		if (strcmp(action, "visit") == 0)
			v[EV_SFHFANG] = strcmp(outcome, "unreached") == 0 ?
			    "0" : "1";
		if (strcmp(action, "rule") == 0 &&
		    strcmp(outcome, "accept") == 0)
			v[EV_SFEYPJ] = appeal != NULL &&
			    strcmp(appeal, "malicious") == 0 ? "1" : "0";
		for (k = 0; k < EV_NCOLS; k++) {
			if (k > 0)
				strbuf_adds(&sb, ",");
			csv_append_field(&sb, v[k], strlen(v[k]), 0);
		}
		strbuf_adds(&sb, "\r\n");
		nrows++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		strbuf_release(&sb);
		db_sqlerr(db, "case_events");
		return sqlfail(db, errstr);
	}
	if (nrows == 0) {
		strbuf_release(&sb);
		return 0;
	}
	*len = sb.len;
	*csv = strbuf_detach(&sb);
	return 0;
}

/* ---- hcp-verify: the events of a batch, checked with only the batch --- */

struct vev {
	long long id, case_id, rbatch;
	long line;
	char key[96];		/* "S" serial or "P" project "/" assess */
	char date[WORKCAL_DATELEN];	/* the record's evaluation date */
	int grade;
	char from[16], to[16];
	int match;		/* 0 not seen, 1 seen alike, 2 seen unlike */
};

struct review_vevents {
	struct vev *v;
	size_t n;
	size_t *bykey;		/* indexes of v sorted by key */
	char **msgs;
	size_t nmsgs;
	/* parsing */
	struct strbuf cell[EV_NCOLS + 1];
	size_t ncells;
	long line;
	int header_ok;
	long long last_id;
};

#define VEV_MAX_MSGS 50

static void
vev_problem(struct review_vevents *ve, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
vev_problem(struct review_vevents *ve, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (ve->nmsgs >= VEV_MAX_MSGS)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ve->msgs = xreallocarray(ve->msgs, ve->nmsgs + 1, sizeof(char *));
	ve->msgs[ve->nmsgs++] = strbuf_detach(&sb);
}

/* The date that starts s ("YYYY-MM-DD[ HH:MM:SS]") as a day number. */
static int
date_prefix(const char *s, long *z)
{
	char d[WORKCAL_DATELEN];

	if (strlen(s) < 10 || (s[10] != '\0' && s[10] != ' '))
		return -1;
	snprintf(d, sizeof(d), "%.10s", s);
	return workcal_parse(d, z);
}

static const struct action_def *
action_find(const char *name)
{
	size_t i;

	for (i = 0; i < NACTIONS; i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

/* 1 if action (outcome) may take a case from state from to state to. */
static int
transition_ok(const char *action, const char *outcome, const char *from,
    const char *to)
{
	const struct action_def *d;
	const char *want = NULL;

	if (strcmp(action, "reeval") == 0)
		return strcmp(from, to) == 0;
	if ((d = action_find(action)) == NULL ||
	    (state_bit(from) & d->from) == 0)
		return 0;
	if (strcmp(action, "visit") == 0)
		want = strcmp(outcome, "unreached") != 0 &&
		    strcmp(from, "open") == 0 ? "visited" : from;
	else if (strcmp(action, "rectify") == 0)
		want = strcmp(outcome, "now") == 0 ? "rectified" :
		    "rectifying";
	else if (strcmp(action, "done") == 0)
		want = "rectified";
	else if (strcmp(action, "explain") == 0)
		want = "explained";
	else if (strcmp(action, "appeal") == 0)
		want = "appealed";
	else if (strcmp(action, "rule") == 0) {
		if (strcmp(outcome, "reject") == 0)
			return strcmp(to, "open") == 0 ||
			    strcmp(to, "visited") == 0;
		want = "excluded";
	} else if (strcmp(action, "close") == 0)
		want = "closed";
	return want != NULL && strcmp(want, to) == 0;
}

static void
vev_row(struct review_vevents *ve)
{
	const char *c[EV_NCOLS];
	const struct action_def *d = NULL;
	struct vev *e;
	long long id, cs, rb, an, g;
	long z, za;
	size_t k;

	ve->line++;
	if (ve->ncells != EV_NCOLS) {
		vev_problem(ve, _("%s:%ld: %zu cells, not %zu"), BAG_EVENTS,
		    ve->line, ve->ncells, (size_t)EV_NCOLS);
		return;
	}
	for (k = 0; k < EV_NCOLS; k++)
		c[k] = ve->cell[k].buf != NULL ? ve->cell[k].buf : "";
	if (ve->line == 1) {
		for (k = 0; k < EV_NCOLS; k++)
			if (strcmp(c[k], ev_cols[k]) != 0)
				break;
		ve->header_ok = k == EV_NCOLS;
		if (!ve->header_ok)
			vev_problem(ve, _("%s:1: the header is not that of "
			    "case events (hcp-csv(5))"), BAG_EVENTS);
		return;
	}
	if (!ve->header_ok)
		return;
#define BAD(...) do { vev_problem(ve, __VA_ARGS__); return; } while (0)
	if (num_parse(c[EV_ID], 1, 999999999999LL, &id, NULL) != 0 ||
	    id <= ve->last_id)
		BAD(_("%s:%ld: eventId %s: not a number above the one "
		    "before"), BAG_EVENTS, ve->line, c[EV_ID]);
	ve->last_id = id;
	if (num_parse(c[EV_CASE], 1, 999999999999LL, &cs, NULL) != 0)
		BAD(_("%s:%ld: caseId %s: not a number"), BAG_EVENTS,
		    ve->line, c[EV_CASE]);
	if (*c[EV_SERIAL] == '\0' && (*c[EV_PROJECT] == '\0' ||
	    num_parse(c[EV_ASSESSNO], 1, 2, &an, NULL) != 0))
		BAD(_("%s:%ld: event %lld names no record (serial, or "
		    "projectNo and assessNumber)"), BAG_EVENTS, ve->line,
		    id);
	if (num_parse(c[EV_RBATCH], 1, 999999999LL, &rb, NULL) != 0)
		BAD(_("%s:%ld: event %lld: unknown record: recordBatch \"%s\" "
		    "names no batch"), BAG_EVENTS, ve->line, id,
		    c[EV_RBATCH]);
	if (date_prefix(c[EV_ASSESSTIME], &za) != 0)
		BAD(_("%s:%ld: event %lld: assessTime %s: not a date"),
		    BAG_EVENTS, ve->line, id, c[EV_ASSESSTIME]);
	if (num_parse(c[EV_GRADE], 1, 2, &g, NULL) != 0)
		BAD(_("%s:%ld: event %lld: satisfaction %s: not a bad review "
		    "(1 or 2)"), BAG_EVENTS, ve->line, id, c[EV_GRADE]);
	if (strcmp(c[EV_ACTION], "reeval") != 0 &&
	    (d = action_find(c[EV_ACTION])) == NULL)
		BAD(_("%s:%ld: event %lld: %s: no such action"),
		    BAG_EVENTS, ve->line, id, c[EV_ACTION]);
	if (d != NULL && (d->need_outcome ? !outcome_ok(d->outcomes,
	    c[EV_OUTCOME]) : *c[EV_OUTCOME] != '\0' && (d->outcomes == NULL ||
	    !outcome_ok(d->outcomes, c[EV_OUTCOME]))))
		BAD(_("%s:%ld: event %lld: %s: not an outcome of %s"),
		    BAG_EVENTS, ve->line, id, c[EV_OUTCOME], c[EV_ACTION]);
	if (workcal_parse(c[EV_DATE], &z) != 0)
		BAD(_("%s:%ld: event %lld: actionDate %s: not a date"),
		    BAG_EVENTS, ve->line, id, c[EV_DATE]);
	if (z < za)
		BAD(_("%s:%ld: event %lld: %s is before the record's "
		    "evaluation (%.10s)"), BAG_EVENTS, ve->line, id,
		    c[EV_DATE], c[EV_ASSESSTIME]);
	if (*c[EV_DUE] != '\0' && workcal_parse(c[EV_DUE], &z) != 0)
		BAD(_("%s:%ld: event %lld: dueDate %s: not a date"),
		    BAG_EVENTS, ve->line, id, c[EV_DUE]);
	if (state_bit(c[EV_FROM]) == 0 || state_bit(c[EV_TO]) == 0 ||
	    !transition_ok(c[EV_ACTION], c[EV_OUTCOME], c[EV_FROM], c[EV_TO]))
		BAD(_("%s:%ld: event %lld: %s (%s) from %s to %s: an illegal "
		    "transition"), BAG_EVENTS, ve->line, id, c[EV_ACTION],
		    c[EV_OUTCOME], c[EV_FROM], c[EV_TO]);
	if (blank(c[EV_TEXT]) || blank(c[EV_OPERATOR]))
		BAD(_("%s:%ld: event %lld: the operator and the text are "
		    "required"), BAG_EVENTS, ve->line, id);
#undef BAD
	ve->v = xreallocarray(ve->v, ve->n + 1, sizeof(*ve->v));
	e = &ve->v[ve->n++];
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->case_id = cs;
	e->rbatch = rb;
	e->line = ve->line;
	e->grade = (int)g;
	snprintf(e->date, sizeof(e->date), "%.10s", c[EV_ASSESSTIME]);
	if (*c[EV_SERIAL] != '\0')
		snprintf(e->key, sizeof(e->key), "S%s", c[EV_SERIAL]);
	else
		snprintf(e->key, sizeof(e->key), "P%s/%s", c[EV_PROJECT],
		    c[EV_ASSESSNO]);
	snprintf(e->from, sizeof(e->from), "%s", c[EV_FROM]);
	snprintf(e->to, sizeof(e->to), "%s", c[EV_TO]);
}

static void
vev_field(void *p, size_t n, void *arg)
{
	struct review_vevents *ve = arg;
	size_t k = ve->ncells < EV_NCOLS ? ve->ncells : EV_NCOLS;

	strbuf_reset(&ve->cell[k]);
	strbuf_add(&ve->cell[k], p != NULL ? p : "", n);
	ve->ncells++;
}

static void
vev_endrow(int c, void *arg)
{
	struct review_vevents *ve = arg;

	(void)c;
	vev_row(ve);
	ve->ncells = 0;
}

static int
bykey_cmp(const void *a, const void *b, void *arg)
{
	const struct review_vevents *ve = arg;
	const struct vev *x = &ve->v[*(const size_t *)a];
	const struct vev *y = &ve->v[*(const size_t *)b];

	return strcmp(x->key, y->key);
}

struct review_vevents *
review_vevents_new(const char *csv, size_t len)
{
	struct review_vevents *ve = xcalloc(1, sizeof(*ve));
	struct csv_parser p;
	size_t k;

	for (k = 0; k <= EV_NCOLS; k++)
		strbuf_init(&ve->cell[k]);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) !=
	    0)
		abort();
	if (csv_parse(&p, csv, len, vev_field, vev_endrow, ve) != len ||
	    csv_fini(&p, vev_field, vev_endrow, ve) != 0)
		vev_problem(ve, _("%s: not valid CSV: %s"), BAG_EVENTS,
		    csv_strerror(csv_error(&p)));
	csv_free(&p);
	if (ve->line == 0)
		vev_problem(ve, _("%s: empty"), BAG_EVENTS);
	for (k = 0; k <= EV_NCOLS; k++)
		strbuf_release(&ve->cell[k]);
	ve->bykey = xreallocarray(NULL, ve->n + 1, sizeof(size_t));
	for (k = 0; k < ve->n; k++)
		ve->bykey[k] = k;
	qsort_r(ve->bykey, ve->n, sizeof(size_t), bykey_cmp, ve);
	return ve;
}

void
review_vevents_record(struct review_vevents *ve, const struct rec *r)
{
	char key[96], date[WORKCAL_DATELEN];
	const char *serial = r->v[F_SERIAL], *t = r->v[F_ASSESS_TIME];
	size_t lo = 0, hi = ve->n, mid;
	int c;

	if (serial != NULL && *serial != '\0')
		snprintf(key, sizeof(key), "S%s", serial);
	else
		snprintf(key, sizeof(key), "P%s/%d", r->v[F_PROJECT_NO] !=
		    NULL ? r->v[F_PROJECT_NO] : "", r->assess_number);
	snprintf(date, sizeof(date), "%.10s", t != NULL ? t : "");
	while (lo < hi) {		/* the first event with this key */
		mid = lo + (hi - lo) / 2;
		if (strcmp(ve->v[ve->bykey[mid]].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ve->n; lo++) {
		struct vev *e = &ve->v[ve->bykey[lo]];

		if ((c = strcmp(e->key, key)) != 0)
			break;
		e->match = strcmp(e->date, date) == 0 &&
		    e->grade == r->satisfaction ? 1 : 2;
	}
}

static int
bycase_cmp(const void *a, const void *b)
{
	const struct vev *x = a, *y = b;

	if (x->case_id != y->case_id)
		return x->case_id < y->case_id ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

void
review_vevents_check(struct review_vevents *ve, long long seq,
    const char *label, void (*problem)(void *, const char *), void *arg)
{
	struct vev *e;
	char buf[512];
	long long n;
	size_t i;

	if (ve == NULL) {
		if (label != NULL) {
			snprintf(buf, sizeof(buf), _("bag-info.txt: "
			    "Hcp-Case-Events %s, but the batch has no %s"),
			    label, BAG_EVENTS);
			problem(arg, buf);
		}
		return;
	}
	for (i = 0; i < ve->nmsgs; i++)
		problem(arg, ve->msgs[i]);
	for (i = 0; i < ve->n; i++) {
		e = &ve->v[i];
		if (e->rbatch > seq)
			snprintf(buf, sizeof(buf), _("%s:%ld: event %lld: "
			    "unknown record %s: recordBatch %lld is not this "
			    "batch (%lld) or an earlier one"), BAG_EVENTS,
			    e->line, e->id, e->key + 1, e->rbatch, seq);
		else if (e->rbatch == seq && e->match == 0)
			snprintf(buf, sizeof(buf), _("%s:%ld: event %lld: "
			    "unknown record %s: it is not in this batch"),
			    BAG_EVENTS, e->line, e->id, e->key + 1);
		else if (e->rbatch == seq && e->match == 2)
			snprintf(buf, sizeof(buf), _("%s:%ld: event %lld: "
			    "record %s: its date or grade is not the "
			    "batch's"), BAG_EVENTS, e->line, e->id,
			    e->key + 1);
		else
			continue;
		problem(arg, buf);
	}
	/* each event of a case starts where the one before left it */
	qsort(ve->v, ve->n, sizeof(*ve->v), bycase_cmp);
	for (i = 1; i < ve->n; i++) {
		e = &ve->v[i];
		if (e->case_id != e[-1].case_id ||
		    strcmp(e->from, e[-1].to) == 0)
			continue;
		snprintf(buf, sizeof(buf), _("%s:%ld: event %lld: case %lld "
		    "was %s after event %lld, not %s: an illegal transition"),
		    BAG_EVENTS, e->line, e->id, e->case_id, e[-1].to,
		    e[-1].id, e->from);
		problem(arg, buf);
	}
	if (label == NULL || num_parse(label, 0, 999999999999LL, &n, NULL) !=
	    0)
		snprintf(buf, sizeof(buf), _("bag-info.txt: Hcp-Case-Events "
		    "missing or not a number"));
	else if (n != ve->line - 1)
		snprintf(buf, sizeof(buf), _("bag-info.txt: Hcp-Case-Events "
		    "says %lld, but %s has %ld events"), n, BAG_EVENTS,
		    ve->line > 0 ? ve->line - 1 : 0);
	else
		return;
	problem(arg, buf);
}

void
review_vevents_free(struct review_vevents *ve)
{
	size_t i;

	if (ve == NULL)
		return;
	for (i = 0; i < ve->nmsgs; i++)
		free(ve->msgs[i]);
	free(ve->msgs);
	free(ve->v);
	free(ve->bykey);
	free(ve);
}
