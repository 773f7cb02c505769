/* SPDX-License-Identifier: ISC */
/*
 * strtonum-style decimal parsing (see num.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "i18n.h"
#include "num.h"
#include "banned.h"

int
num_parse(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	char *end;
	long long v;
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t') {
		*errstr = N_("invalid");
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = N_("invalid");
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = N_("too small");
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = N_("too large");
		return -1;
	}
	*errstr = NULL;
	*out = v;
	return 0;
}
