/* SPDX-License-Identifier: ISC */
/*
 * Whole small files read into memory (keys, receipts, templates), and
 * two files compared: one reader instead of a loop in every module.
 * Like the system calls it wraps, it says what failed in errno.
 */
#ifndef HCP_FILEIO_H
#define HCP_FILEIO_H

#include <stddef.h>

/*
 * Reads the file at path into *buf, malloc'd, NUL-terminated, *len
 * bytes (the NUL not counted; the file may hold NULs of its own), which
 * the caller frees.  Returns 0, or -1 with errno set and *buf NULL:
 * EFBIG if the file holds more than max bytes (nothing is kept), else
 * the errno of open or read.
 */
int fileio_read(const char *path, size_t max, char **buf, size_t *len);

/*
 * Whether the files at a and b hold the same bytes, read side by side:
 * 1, 0, or -1 with errno set (the errno of open or read).
 */
int fileio_same(const char *a, const char *b);

#endif
