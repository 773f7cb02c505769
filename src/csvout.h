/* SPDX-License-Identifier: ISC */
/*
 * CSV output: fields appended to a struct strbuf, which the caller owns
 * and writes out (rejects files, reports, batches).  The reader is
 * csvin.h.  Nothing here fails; allocation failure dies (xalloc.h).
 */
#ifndef HCP_CSVOUT_H
#define HCP_CSVOUT_H

#include <stddef.h>

struct strbuf;

/*
 * Appends s (len bytes) to sb as one CSV field, quoted by libcsv only when
 * it holds a comma, quote, CR or LF.  With neutralise set, a field that a
 * spreadsheet would take for a formula (starting = + - @, tab or CR) is
 * prefixed with an apostrophe.
 */
void csvout_field(struct strbuf *sb, const char *s, size_t len,
    int neutralise);

#endif
