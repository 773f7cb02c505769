/* SPDX-License-Identifier: ISC */
/*
 * The rejects file of hcp-import (hcp-csv(5)): every rejected row as it
 * was keyed, followed by four annotation columns 错误行号 (line), 错误列
 * (columns), 错误代码 (codes) and 错误说明 (messages), several problems of
 * one row joined by "; ".  UTF-8 with a BOM and CRLF line ends so Excel
 * and WPS open it; cells a spreadsheet would take for a formula are
 * neutralised.  The file holds personal data: it is created mode 0600,
 * under an unpredictable temporary name in the same directory
 * (outfile.h), and renamed into place by rejects_commit(), so an
 * interrupted import never leaves half a rejects file under the real
 * name and a link planted at either name is never followed.
 *
 * Errors: functions return -1 and keep a message naming the file
 * (rejects_errstr()).
 */
#ifndef HCP_REJECTS_H
#define HCP_REJECTS_H

#include <stddef.h>

struct rec_problem;
struct rejects;

/*
 * Prepares a rejects file at path with the input's header (ncols names;
 * columns with drop[i] set, such as the annotation columns of an earlier
 * rejects file, are left out).  Nothing is created until the first row.
 */
struct rejects *rejects_new(const char *path, size_t ncols,
    const char *const *header, const int *drop);
/* Writes one rejected row with its n problems (only errors are listed). */
int rejects_row(struct rejects *rj, size_t ncols, const char *const *cells,
    long line, const struct rec_problem *p, size_t n);
/* Rows written so far. */
long rejects_count(const struct rejects *rj);
/* Flushes, syncs and renames the file into place (if any row). */
int rejects_commit(struct rejects *rj);
/* Removes the temporary file, if any, and frees rj (NULL allowed). */
void rejects_free(struct rejects *rj);
/*
 * Removes the file at path if it is a rejects file (its header ends with
 * the annotation columns), so that an older one does not look like the
 * rejects of an import that had none.  Returns 1 removed, 0 there was
 * none (or it is no rejects file: left alone), -1 (errno) on error.
 */
int rejects_remove_stale(const char *path);
const char *rejects_errstr(const struct rejects *rj);
/*
 * The language of the 错误说明 column of every rejects file made after:
 * -1 (the default) Chinese when the input's header has Chinese column
 * names, else English; 0 English; 1 Chinese.
 */
void rejects_set_language(int lang);
const char *rejects_path(const struct rejects *rj);

#endif
