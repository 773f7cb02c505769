/* SPDX-License-Identifier: ISC */
/*
 * UTF-16 text, as Excel's "Unicode text" saves it (UTF-16LE with a BOM,
 * tab-separated), turned into UTF-8 for the CSV reader.
 */
#ifndef HCP_UTF16_H
#define HCP_UTF16_H

#include <stdio.h>

/*
 * Whether the file fp (a regular file, read with pread, its position
 * untouched) starts with a UTF-16 byte order mark.
 */
int utf16_detect(FILE *fp);

/*
 * Reads fp to its end as UTF-16 (its BOM says which byte order; without
 * one, little-endian, as Windows writes it) and returns an unlinked
 * temporary file holding the same text as UTF-8, at its start; the BOM
 * is not carried over.  NULL on error, with *err set (the caller frees
 * it): bytes that are not UTF-16 name their offset.
 */
FILE *utf16_to_utf8(FILE *fp, char **err);

#endif
