/* SPDX-License-Identifier: ISC */
/*
 * The busy handler of every station db connection (see dbwait.h).
 */
#include <time.h>

#include "dbwait.h"
#include "banned.h"

static long timeout = DBWAIT_TIMEOUT_MS;
static void (*notice_fn)(const char *, long);

/* the lock being waited for, per thread (the importer has two) */
static _Thread_local struct timespec start;
static _Thread_local int told;

void
dbwait_configure(long timeout_ms, void (*notice)(const char *, long))
{
	timeout = timeout_ms > 0 ? timeout_ms : DBWAIT_TIMEOUT_MS;
	notice_fn = notice;
}

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
}

int
dbwait_busy(void *arg, int count)
{
	struct timespec nap = { 0, 0 };
	long waited;

	if (count == 0) {
		clock_gettime(CLOCK_MONOTONIC, &start);
		told = 0;
	}
	waited = ms_since(&start);
	if (waited >= timeout)
		return 0;
	if (!told && waited >= DBWAIT_NOTICE_MS) {
		told = 1;
		if (notice_fn != NULL)
			notice_fn(arg != NULL ? arg : "", timeout);
	}
	/* 1, 2, 4 ... ms, then 50 ms at a time */
	nap.tv_nsec = (count < 6 ? 1L << count : 50L) * 1000000L;
	nanosleep(&nap, NULL);
	return 1;
}
