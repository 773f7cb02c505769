/* SPDX-License-Identifier: ISC */
/*
 * Number parsing in the manner of OpenBSD strtonum(3): the whole string
 * must be a decimal number within [min, max].  Returns 0 and stores the
 * value, or -1 and sets *errstr to "invalid", "too small" or "too large"
 * (English; callers translate).
 */
#ifndef HCP_NUM_H
#define HCP_NUM_H

int num_parse(const char *s, long long min, long long max, long long *out,
    const char **errstr);

#endif
