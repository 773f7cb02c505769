/* SPDX-License-Identifier: ISC */
/*
 * The current time, pinned by SOURCE_DATE_EPOCH (see clock.h).
 */
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "num.h"
#include "banned.h"

time_t
clock_now(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	long long v;

	if (e != NULL && num_parse(e, 0, 253402300799LL, &v, NULL) == 0)
		return (time_t)v;
	return time(NULL);
}

void
clock_format(time_t t, char out[CLOCK_BUFLEN])
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, CLOCK_BUFLEN, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		out[0] = '\0';
}
