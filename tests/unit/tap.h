/* SPDX-License-Identifier: ISC */
/*
 * A very small TAP producer for the unit tests: each test program calls
 * ok()/is_int()/is_str() and ends with return tap_done();  prove reads
 * the output.
 */
#ifndef HCP_TAP_H
#define HCP_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int
tap_ok(int cond, const char *file, int line, const char *what)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, what);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return cond;
}

#define ok(cond, what) tap_ok(!!(cond), __FILE__, __LINE__, (what))

#define is_int(got, want, what)                                         \
	do {                                                            \
		long long g_ = (got), w_ = (want);                      \
		if (!ok(g_ == w_, (what)))                              \
			printf("#   got %lld, want %lld\n", g_, w_);        \
	} while (0)

#define is_str(got, want, what)                                         \
	do {                                                            \
		const char *g_ = (got), *w_ = (want);                   \
		int c_ = g_ != NULL && w_ != NULL ? strcmp(g_, w_) == 0 \
						  : g_ == w_;           \
		if (!ok(c_, (what)))                                    \
			printf("#   got \"%s\", want \"%s\"\n",            \
			    g_ ? g_ : "(null)", w_ ? w_ : "(null)");    \
	} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
