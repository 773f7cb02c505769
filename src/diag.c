/* SPDX-License-Identifier: ISC */
/*
 * Lists of diagnostics (see diag.h).  A message is kept as it may be
 * shown: its control characters written as \xHH (strbuf_add_visible).
 */
#include <stdarg.h>
#include <stdlib.h>

#include "diag.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

void
diag_add(struct diag_list *dl, int warning, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT, shown = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* a name or value from outside may hold control characters */
	strbuf_add_visible(&shown, sb.buf, sb.len);
	strbuf_release(&sb);
	if (dl->n == dl->alloc) {
		dl->alloc = dl->alloc ? 2 * dl->alloc : 16;
		dl->v = xreallocarray(dl->v, dl->alloc, sizeof(*dl->v));
	}
	dl->v[dl->n].warning = warning;
	dl->v[dl->n].msg = strbuf_detach(&shown);
	dl->n++;
	if (warning)
		dl->nwarnings++;
	else
		dl->nerrors++;
}

void
diag_list_release(struct diag_list *dl)
{
	size_t i;

	for (i = 0; i < dl->n; i++)
		free(dl->v[i].msg);
	free(dl->v);
	dl->v = NULL;
	dl->n = dl->alloc = dl->nerrors = dl->nwarnings = 0;
}
