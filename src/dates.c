/* SPDX-License-Identifier: ISC */
/*
 * Dates and times as the keyed CSV may write them (DESIGN §8,
 * hcp-csv(5) DATES): parsing, normalising, ordering.
 */
#include <string.h>

#include "clock.h"
#include "record.h"
#include "recint.h"
#include "banned.h"

static int
getnum(const char **pp, int maxdigits, int *out)
{
	const char *p = *pp;
	int v = 0, n = 0;

	while (*p >= '0' && *p <= '9' && n < maxdigits) {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n == 0)
		return -1;
	*pp = p;
	*out = v;
	return n;
}

/* Two decimal digits of n (0-99) at p. */
static void
put2(char *p, int n)
{
	p[0] = (char)('0' + n / 10);
	p[1] = (char)('0' + n % 10);
}

int
rec_parse_when(const char *s, int legacy, struct when *w, char out[64])
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, n, cjk = 0;

	if ((n = getnum(&p, 4, &y)) != 4)
		return -1;
	if (*p >= '0' && *p <= '9') {		/* 20261122 */
		if (getnum(&p, 2, &mo) != 2 || getnum(&p, 2, &d) != 2)
			return -1;
	} else {
		if (strncmp(p, "年", 3) == 0) {
			p += 3;
			cjk = 1;
		} else if (*p == '-' || *p == '/' || *p == '.') {
			p++;
		} else {
			return -1;
		}
		if (getnum(&p, 2, &mo) < 1)
			return -1;
		if (cjk) {
			if (strncmp(p, "月", 3) != 0)
				return -1;
			p += 3;
		} else if (*p == '-' || *p == '/' || *p == '.') {
			p++;
		} else {
			return -1;
		}
		if (getnum(&p, 2, &d) < 1)
			return -1;
		if (strncmp(p, "日", 3) == 0 || strncmp(p, "号", 3) == 0)
			p += 3;
	}
	w->has_time = 0;
	if (*p == 'T' || *p == ' ') {
		while (*p == ' ' || *p == 'T')
			p++;
		if (*p != '\0') {
			if (getnum(&p, 2, &h) < 1)
				return -1;
			if (*p == ':') {
				p++;
			} else if (strncmp(p, "时", 3) == 0 ||
			    strncmp(p, "点", 3) == 0) {
				p += 3;
			} else {
				return -1;
			}
			if (getnum(&p, 2, &mi) != 2)
				return -1;
			if (strncmp(p, "分", 3) == 0)
				p += 3;
			if (*p == ':') {
				p++;
				if (getnum(&p, 2, &se) != 2)
					return -1;
			}
			if (strncmp(p, "秒", 3) == 0)
				p += 3;
			w->has_time = 1;
		}
	}
	if (*p != '\0')
		return -1;
	if (y < 1990 || mo < 1 || mo > 12 || d < 1 ||
	    d > clock_month_days(y, mo) || h > 23 ||
	    mi > 59 || se > 59)
		return -1;
	/* 0.1.0 wrote a date alone as its midnight (see rec_ctx_legacy) */
	if (legacy && w->has_time && h == 0 && mi == 0 && se == 0)
		w->has_time = 0;
	w->day = clock_days_from_civil(y, mo, d);
	w->secs = w->day * 86400 + h * 3600 + mi * 60 + se;
	/* "%04d-%02d-%02d[ %02d:%02d:%02d]" without printf's cost */
	put2(out, y / 100);
	put2(out + 2, y % 100);
	out[4] = '-';
	put2(out + 5, mo);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = '\0';
	if (!w->has_time)
		return 0;
	out[10] = ' ';
	put2(out + 11, h);
	out[13] = ':';
	put2(out + 14, mi);
	out[16] = ':';
	put2(out + 17, se);
	out[19] = '\0';
	return 0;
}

int
rec_parse_time(const char *s, long long *local)
{
	struct when w;
	char stamp[64];

	if (rec_parse_when(s, 0, &w, stamp) != 0)
		return -1;
	*local = w.secs;
	return 0;
}

int
rec_when_cmp(const struct when *a, const struct when *b)
{
	if (a->has_time && b->has_time)
		return a->secs < b->secs ? -1 : a->secs > b->secs;
	return a->day < b->day ? -1 : a->day > b->day;
}
