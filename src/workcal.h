/* SPDX-License-Identifier: ISC */
/*
 * Working days (hcp-review(1), CALENDAR).  A calendar is data: files
 * NAME-YYYY.csv (share/calendar/CN-2026.csv ships) list the public
 * holidays and the make-up working days of one year; Saturdays and
 * Sundays not listed are days off, every other day is a working day.
 * A station adds days of its own with workcal_set() (hcp-review keeps
 * them in its db).  A year no file covers is an error that names the
 * file to add: a deadline is never guessed.
 *
 * Dates are "YYYY-MM-DD".  Errors: functions return -1 with *errstr set
 * to a malloc'd message (the caller frees).  Nothing here prints.
 */
#ifndef HCP_WORKCAL_H
#define HCP_WORKCAL_H

#define WORKCAL_DATELEN 11	/* "YYYY-MM-DD" and its NUL */

enum workcal_kind {
	WORKCAL_DEFAULT = 0,	/* as the day of the week says */
	WORKCAL_HOLIDAY,	/* a day off */
	WORKCAL_WORKDAY		/* a working day, a weekend one too */
};

struct workcal;

struct workcal *workcal_new(void);
void workcal_free(struct workcal *wc);

/*
 * Loads every NAME-YYYY.csv in dir (in name order; a later line for the
 * same date wins).  Each file marks its year as covered.  A missing
 * directory is not an error (no year is covered then).
 */
int workcal_load_dir(struct workcal *wc, const char *dir, char **errstr);

/* Loads one file; path:line names a bad line. */
int workcal_load_file(struct workcal *wc, const char *path, char **errstr);

/* Marks date as a holiday or a working day (station-local days). */
int workcal_set(struct workcal *wc, const char *date, enum workcal_kind kind,
    char **errstr);

/* 1 if date is a working day, 0 if not, -1 (year not covered, bad date). */
int workcal_is_workday(const struct workcal *wc, const char *date,
    char **errstr);

/*
 * The date n working days after date (n >= 0; with n 0, date itself if
 * it is a working day, else the next one) into out.
 */
int workcal_add(const struct workcal *wc, const char *date, int n,
    char out[WORKCAL_DATELEN], char **errstr);

/* The date n calendar days after date (no calendar needed). */
int workcal_add_days(const char *date, int n, char out[WORKCAL_DATELEN]);

/* 0 if s is a real date "YYYY-MM-DD", else -1. */
int workcal_parse(const char *s, long *day);

#endif
