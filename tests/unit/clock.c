/* SPDX-License-Identifier: ISC */
/*
 * The civil-date arithmetic of clock.c, which dates, ids, report and the
 * working-day calendar share: checked day by day against the C library's
 * timegm/gmtime_r over 1900-2100, and at the edges of the formats.
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "tap.h"

static void
against_libc(void)
{
	struct tm tm;
	time_t t;
	long z, bad = 0, n = 0;
	int y, m, d;
	char s[CLOCK_DAYLEN], want[CLOCK_DAYLEN];

	for (z = clock_days_from_civil(1900, 1, 1);
	    z <= clock_days_from_civil(2100, 12, 31); z++, n++) {
		t = (time_t)z * 86400;
		gmtime_r(&t, &tm);
		clock_civil_from_days(z, &y, &m, &d);
		strftime(want, sizeof(want), "%Y-%m-%d", &tm);
		clock_format_day(z, s);
		if (y != tm.tm_year + 1900 || m != tm.tm_mon + 1 ||
		    d != tm.tm_mday || strcmp(s, want) != 0 ||
		    clock_days_from_civil(y, m, d) != z ||
		    d > clock_month_days(y, m))
			bad++;
	}
	is_int(bad, 0, "every day 1900-2100 agrees with gmtime_r");
	is_int(n, 73414, "and that is 73,414 days");
}

static void
parsing(void)
{
	long z = -1;

	ok(clock_parse_day("1970-01-01", &z) == 0 && z == 0,
	    "1970-01-01 is day 0");
	ok(clock_parse_day("2028-02-29", &z) == 0, "29 Feb of a leap year");
	ok(clock_parse_day("2026-02-29", &z) != 0, "not of another year");
	ok(clock_parse_day("2100-02-29", &z) != 0, "nor of 2100");
	ok(clock_parse_day("2000-02-29", &z) == 0, "but of 2000");
	ok(clock_parse_day("2026-04-31", &z) != 0, "31 April is refused");
	ok(clock_parse_day("2026-13-01", &z) != 0, "month 13 is refused");
	ok(clock_parse_day("2026-1-01", &z) != 0, "one-digit month refused");
	ok(clock_parse_day("2026-01-011", &z) != 0, "trailing digit refused");
	ok(clock_parse_day("2026-01", &z) != 0, "a month is not a day");
	ok(clock_parse_day("", &z) != 0, "empty refused");
	ok(clock_parse_day("1969-12-31", &z) == 0 && z == -1,
	    "days before 1970 are negative");
}

int
main(void)
{
	against_libc();
	parsing();
	return tap_done();
}
