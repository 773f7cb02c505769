/* SPDX-License-Identifier: ISC */
/*
 * "Now" for every tool: the time in SOURCE_DATE_EPOCH when it is set (so
 * output can be rebuilt byte for byte and tests can pin the date), else
 * the system clock.  Times are shown and stored in the station's local
 * time as "YYYY-MM-DD HH:MM:SS".
 */
#ifndef HCP_CLOCK_H
#define HCP_CLOCK_H

#include <time.h>

#define CLOCK_BUFLEN 20

time_t clock_now(void);
/* Formats t as "YYYY-MM-DD HH:MM:SS" (local time) into out. */
void clock_format(time_t t, char out[CLOCK_BUFLEN]);

/*
 * Civil dates of the proleptic Gregorian calendar, as day numbers from
 * 1970-01-01 (negative before it): the one copy of this arithmetic.
 */
#define CLOCK_DAYLEN 11		/* "YYYY-MM-DD" and its NUL */

/* Days in month m (1-12) of year y. */
int clock_month_days(long y, int m);
long clock_days_from_civil(long y, int m, int d);
void clock_civil_from_days(long z, int *y, int *m, int *d);
/* Parses "YYYY-MM-DD" naming a real day: 0 and *day, or -1. */
int clock_parse_day(const char *s, long *day);
/* Writes day z as "YYYY-MM-DD" (years 0-9999). */
void clock_format_day(long z, char out[CLOCK_DAYLEN]);

#endif
