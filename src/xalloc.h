/* SPDX-License-Identifier: ISC */
/*
 * Allocators that never return NULL: on exhaustion they print one line
 * and exit 2 (the job could not be done; 1 would say the data is bad).  They are the only library functions allowed to end the
 * process; everything else returns an error to its caller.
 */
#ifndef HCP_XALLOC_H
#define HCP_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of nmemb elements of size bytes; overflow dies too. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a malloc'd string formatted as by printf. */
char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
