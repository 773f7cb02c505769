/* SPDX-License-Identifier: ISC */
/*
 * The follow-up of bad reviews (hcp-review(1)): cases, their actions and
 * deadlines.  This module owns the tables cases, case_events and
 * calendar_local (share/schema/007-review.sql); nothing else writes
 * them.
 *
 * A case is opened for every record graded 1 or 2 (review_sync()); a
 * re-evaluation (assess number 2) of a record with a case is linked to
 * it.  The actions move a case through the states
 *
 *   open --visit(reached|refused)--> visited
 *   open, visited --rectify now--> rectified
 *   open, visited --rectify term--> rectifying --done--> rectified
 *   open, visited --explain--> explained
 *   open, visited --appeal--> appealed --rule accept--> excluded
 *                                      --rule reject--> open or visited
 *   rectified, explained --close--> closed
 *
 * and a visit (a return visit, or the feedback after the handling) is
 * recorded in any state but appealed, excluded and closed.  Any other
 * action is refused (REVIEW_REFUSED) with a message that names the case,
 * its state and the states the action is allowed from.  Every action is
 * a row of case_events and a row of audit; nothing is deleted.
 *
 * Deadlines are working days of the calendar (workcal.h) from the
 * settings revisit_days (return visit, from the evaluation's date; only
 * when a phone number is known) and rectify_workdays (a 限期整改 with no
 * due date given, from the day it is ordered).
 *
 * Errors: functions return -1 (REVIEW_REFUSED where said) with *errstr
 * set to a malloc'd message (the caller frees).  Strings in results are
 * malloc'd and freed by the matching _free function.  Personal data
 * (phone, evaluator) comes back unmasked: the caller masks it.  Nothing
 * here prints or exits.
 */
#ifndef HCP_REVIEW_H
#define HCP_REVIEW_H

#include <stddef.h>

#define REVIEW_REFUSED 1

struct db;
struct review;

/*
 * Opens the station db at dbpath (migrating it with the files in
 * schemadir) and loads the calendar from caldir and the db's local days.
 */
struct review *review_open(const char *dbpath, const char *schemadir,
    const char *caldir, char **errstr);
void review_close(struct review *rv);

/*
 * Opens the cases of the records graded 1-2 that have none, links the
 * re-evaluations; *opened (may be NULL) gets how many were opened.
 */
int review_sync(struct review *rv, long *opened, char **errstr);

/* The same on an open db (for hcp-pack), loading the calendar itself. */
int review_sync_db(struct db *db, const char *caldir, long *opened,
    char **errstr);

/* One action, as hcp-review's options or a row of `apply` give it. */
struct review_act {
	const char *action;	/* visit rectify done explain appeal rule
				   close */
	const char *key;	/* case number, form serial or PROJECT/N */
	const char *operator;
	const char *text;	/* required */
	const char *day;	/* YYYY-MM-DD, NULL: today */
	const char *outcome;	/* see case_events.outcome; NULL if none */
	const char *due;	/* rectify term: due date, NULL: default */
	int satisfaction;	/* visit: 1-5, 0 not asked */
};

/*
 * Records an action.  Returns 0 (*case_id and state_to, 16 bytes, say
 * what it did), REVIEW_REFUSED (nothing changed, *errstr says why) or -1.
 */
int review_act(struct review *rv, const struct review_act *a,
    long long *case_id, char state_to[16], char **errstr);

/* A case, with what the lists show of its record. */
struct review_case {
	long long id, eval_id;
	char *state, *opened, *visit_due, *rectify_due, *visited, *closed;
	char *next_due;		/* the nearest pending deadline, or NULL */
	int overdue;		/* next_due is before today */
	int excluded;
	char *dept_code, *dept_name, *window, *staff, *staff_name;
	char *serial, *project_no, *item_code, *item_name;
	char *assess_time, *eval_detail, *comment;
	char *evaluator, *phone;	/* unmasked */
	int satisfaction, assess_number;
	long long reeval_id;	/* 0: none */
	int reeval_satisfaction;
};

struct review_filter {
	int all;		/* closed and excluded ones too */
	int due;		/* with a pending deadline, nearest first */
	int overdue;		/* only with a deadline passed */
	const char *staff;	/* NULL: any */
	const char *dept;	/* NULL: any */
	const char *state;	/* NULL: any */
	const char *key;	/* one case, NULL: any */
};

int review_list(struct review *rv, const struct review_filter *f,
    struct review_case **v, size_t *n, char **errstr);
void review_cases_free(struct review_case *v, size_t n);

struct review_event {
	long long id, case_id;
	char *action, *operator, *at, *day, *text, *outcome, *due;
	char *state_from, *state_to;
	int satisfaction;	/* 0: none */
};

/* The events of case case_id, oldest first. */
int review_events(struct review *rv, long long case_id,
    struct review_event **v, size_t *n, char **errstr);
void review_events_free(struct review_event *v, size_t n);

/*
 * The unmasked phone number of case key, for a return visit: operator and
 * reason are required, and the access is written to the audit table
 * (tbl 'evaluations', field 'phone', the reason).  *phone is malloc'd
 * ("" when there is none).
 */
int review_unmask(struct review *rv, const char *key, const char *operator,
    const char *reason, char **phone, char **errstr);

/* The station's name (setting name), malloc'd; "" if unset. */
char *review_station(struct review *rv);

/* A station-local calendar day (kind "holiday" or "workday"). */
int review_day(struct review *rv, const char *day, const char *kind,
    const char *name, char **errstr);

/* Counts of review_apply(); read + 0 = applied + rejected. */
struct review_apply_counts {
	long read, applied, rejected;
};

/*
 * Applies the actions of a CSV file (hcp-review(1), APPLY; header
 * case,action,date,operator,outcome,satisfaction,due,text, Chinese names
 * too), each row on its own: a refused row goes, as it was, with its line
 * and the reason, to the rejects file rejects_path (UTF-8 with BOM, made
 * only if a row is refused).  operator is used for rows that name none.
 */
int review_apply(struct review *rv, const char *path, const char *rejects_path,
    const char *operator, struct review_apply_counts *c, char **errstr);

#endif
