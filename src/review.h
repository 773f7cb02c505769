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

/*
 * A state as a person reads it, in the language of the messages (the
 * CSV, JSON and --state keep the English word); an unknown one as is.
 */
const char *review_state_word(const char *state);
/* Whether state is a state's English word (--state), 1 or 0. */
int review_state_known(const char *state);
/* The states' English words, "open, visited, ...": static. */
const char *review_state_list(void);
/*
 * The outcomes action takes, "a|b|c" ("" when it takes none), or NULL
 * when there is no such action.
 */
const char *review_action_outcomes(const char *action);
/* The actions' names, "visit, rectify, ...": static. */
const char *review_action_list(void);

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

/*
 * hcp-pack's part (hcp-csv(5), CASE EVENTS): the case events not yet in
 * a batch travel in the last batch of the next hcp-pack run, as
 * data/case-events.csv; the batch row keeps their ids (first_event,
 * last_event) so that the batch is rebuilt byte for byte.  A run with
 * events and no records makes a batch of events alone.
 *
 * review_events_pending() counts them; review_batch_label() appends the
 * line "Hcp-Case-Events: N" to bag-info (nothing if none);
 * review_events_range() gives their count and first and last ids, which
 * hcp-pack records in the batch row that carries them (batches.first_event,
 * last_event; pack.c is the one writer of batches), all three in the
 * transaction that creates the batch rows.  These three return -1
 * with the error on the db (db_errstr()).  review_batch_events() gives
 * the CSV of the events batch seq carries (*csv malloc'd, NULL when it
 * carries none).
 */
struct strbuf;
int review_events_pending(struct db *db, long long *n);
int review_batch_label(struct db *db, struct strbuf *info);
int review_events_range(struct db *db, long long *n, long long *lo,
    long long *hi);
int review_batch_events(struct db *db, long long seq, char **csv,
    size_t *len, char **errstr);

/*
 * hcp-verify's part: the events of data/case-events.csv checked with only
 * the batch.  review_vevents_new() parses the file (len bytes); every
 * record of the batch's evaluations.csv is then shown to
 * review_vevents_record() (on any one thread); review_vevents_check()
 * calls problem(arg, message) for each problem: a bad header or row, an
 * action or outcome that does not exist, an illegal transition or one
 * that does not follow the case's previous event, a date before the
 * record's evaluation, a record that is unknown (the batch that carried
 * it, recordBatch, is not this one or an earlier one, or is this one
 * and the record is not in it, or differs), a count other than
 * Hcp-Case-Events (label, NULL if absent).  Memory: the file and one
 * small entry an event.
 */
struct review_vevents;
struct rec;
struct review_vevents *review_vevents_new(const char *csv, size_t len);
void review_vevents_record(struct review_vevents *ve, const struct rec *r);
/* ve may be NULL (no events file), then only the label is checked. */
void review_vevents_check(struct review_vevents *ve, long long seq,
    const char *label, void (*problem)(void *, const char *), void *arg);
void review_vevents_free(struct review_vevents *ve);

#endif
