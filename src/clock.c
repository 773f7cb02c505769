/* SPDX-License-Identifier: ISC */
/*
 * The current time, pinned by SOURCE_DATE_EPOCH, and civil-date
 * arithmetic (see clock.h).
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

int
clock_month_days(long y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return md[m - 1];
}

/* H. Hinnant's days_from_civil and civil_from_days. */
long
clock_days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
clock_civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
clock_parse_day(const char *s, long *day)
{
	int i, y, m, d;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
		    s[i] < '0' || s[i] > '9')
			return -1;
	if (s[10] != '\0')
		return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > clock_month_days(y, m))
		return -1;
	*day = clock_days_from_civil(y, m, d);
	return 0;
}

void
clock_format_day(long z, char out[CLOCK_DAYLEN])
{
	int y, m, d;

	clock_civil_from_days(z, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}
