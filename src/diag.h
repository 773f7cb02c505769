/* SPDX-License-Identifier: ISC */
/*
 * A list of diagnostics ("file:line: what is wrong"), errors and warnings,
 * gathered by a library routine so the tool can print them all.  The list
 * owns its strings; diag_list_release() frees them.
 */
#ifndef HCP_DIAG_H
#define HCP_DIAG_H

#include <stddef.h>

struct diag {
	int warning;		/* 0 error, 1 warning */
	char *msg;
};

struct diag_list {
	struct diag *v;
	size_t n, alloc;
	size_t nerrors, nwarnings;
};

#define DIAG_LIST_INIT { NULL, 0, 0, 0, 0 }

void diag_add(struct diag_list *dl, int warning, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_list_release(struct diag_list *dl);

#endif
