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

#endif
