/* SPDX-License-Identifier: ISC */
/*
 * Workbooks written with libxlsxwriter: the keying workbook of
 * hcp-form --xlsx-template, and the rejects of a workbook read in.
 *
 * Errors: the functions return -1 and set *err (the caller frees it).
 */
#ifndef HCP_XLSXOUT_H
#define HCP_XLSXOUT_H

#include <stddef.h>

#include "fields.h"

struct db;

/* Rows of the keying sheet that get the drop-downs and checks. */
#define XLSXOUT_ROWS 5000

/*
 * Writes the keying workbook to path: sheet 录入 (or "keying" with
 * english) has a header of the fields keyed[] marks, frozen; every
 * column is text but the two dates, which take a date and time and are
 * checked as such; drop-down lists offer the satisfaction words, the
 * 是/否 answers, the evaluation count, the user type and, from db's
 * catalogue (when db is not NULL), the items ("name — code"), windows,
 * staff and the detail codes in force, kept on the hidden sheet 目录;
 * each column shows a hint in Chinese when its cell is chosen.
 */
int xlsxout_template(const char *path, struct db *db,
    const int keyed[F_NFIELDS], int english, char **err);

/*
 * A workbook of rows of cells: rows[r][c] for r < nrows and c <
 * ncols[r], the first row the header (bold, frozen), every cell text.
 */
struct xlsxout_book;
struct xlsxout_book *xlsxout_book_new(const char *path, char **err);
int xlsxout_book_row(struct xlsxout_book *b, const char *const *cells,
    size_t n);
/* Writes the file and frees b (also on error). */
int xlsxout_book_close(struct xlsxout_book *b, char **err);

/*
 * Writes the CSV file at csvpath (UTF-8, as rejects files are) as the
 * workbook path, every cell text, the first row the header; the file is
 * created mode 0600 (it holds what the CSV holds) under a temporary name
 * and renamed into place.
 */
int xlsxout_from_csv(const char *csvpath, const char *path, char **err);

#endif
