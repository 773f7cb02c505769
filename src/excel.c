/* SPDX-License-Identifier: ISC */
/*
 * Spreadsheet damage to long numbers (see excel.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "excel.h"
#include "ids.h"
#include "banned.h"

/* Excel's precision: significant digits it keeps of a number. */
#define EXCEL_DIGITS 15
/* General format shows integers of up to this many digits in full. */
#define GENERAL_INT_DIGITS 11

int
excel_scientific(const char *s)
{
	const char *p = s;

	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != 'E' && *p != 'e')
		return 0;
	p++;
	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

/*
 * The digits of s without the separators a serial may carry, into d
 * (size bytes); -1 if s holds anything else or is too long.
 */
static int
bare_digits(const char *s, char *d, size_t size)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == '-' || *s == ' ')
			continue;
		if (*s < '0' || *s > '9' || n + 1 >= size)
			return -1;
		d[n++] = *s;
	}
	d[n] = '\0';
	return 0;
}

int
excel_mangled(enum excel_field f, const char *s)
{
	char d[64], bare[17];
	size_t i, n, zeros;

	if (excel_scientific(s))
		return 1;
	if (bare_digits(s, d, sizeof(d)) != 0)
		return 0;
	for (i = 0; d[i] == '0'; i++)
		continue;		/* leading zeros are not significant */
	n = strlen(d + i);
	if (n <= EXCEL_DIGITS)
		return 0;
	for (zeros = 0; zeros < n - EXCEL_DIGITS; zeros++)
		if (d[i + EXCEL_DIGITS + zeros] != '0')
			return 0;
	switch (f) {
	case EXCEL_SERIAL:
		return strlen(d) == 16 &&
		    ids_serial_parse(d, bare) == IDS_CHECK;
	case EXCEL_CERT:
		return strlen(d) == 18 && ids_idcard_check(d) != IDS_OK;
	case EXCEL_PROJECT:
		return zeros >= 2;
	}
	return 0;
}

void
excel_general(const char *v, char *out, unsigned long size)
{
	char *end, *e, *m;
	double x;
	int n;

	x = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || !isfinite(x)) {
		snprintf(out, size, "%s", v);
		return;
	}
	if (fabs(x) < 1e11 && x == floor(x)) {
		snprintf(out, size, "%.0f", x);
		return;
	}
	if (fabs(x) < 1e11) {
		snprintf(out, size, "%.15g", x);
		return;
	}
	/* 3.30523052026111E+15: the mantissa's trailing zeros dropped */
	n = snprintf(out, size, "%.14E", x);
	if (n < 0 || (unsigned long)n >= size)
		return;
	e = strchr(out, 'E');
	for (m = e; m > out && m[-1] == '0'; m--)
		continue;
	if (m > out && m[-1] == '.')
		m--;
	memmove(m, e, strlen(e) + 1);
	/* E+015 on some systems: two exponent digits at least, as Excel */
	e = strchr(out, 'E');
	if (e[2] == '0' && e[3] != '\0' && e[4] != '\0')
		memmove(e + 2, e + 3, strlen(e + 3) + 1);
}

const char *
excel_item_code(const char *s)
{
	const char *p, *last = NULL;

	for (p = s; (p = strstr(p, EXCEL_ITEM_SEP)) != NULL; p++)
		last = p;
	if (last == NULL || last == s)
		return NULL;
	last += strlen(EXCEL_ITEM_SEP);
	return *last != '\0' ? last : NULL;
}
