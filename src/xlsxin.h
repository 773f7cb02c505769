/* SPDX-License-Identifier: ISC */
/*
 * Reads the rows of one sheet of an Excel or WPS workbook (.xlsx, Office
 * Open XML): the zip through libarchive, the XML through expat.  The
 * sheet is streamed a row at a time; the shared strings and the styles
 * are held in memory.  Cell types are honoured: shared and inline
 * strings as they are, numbers as Excel's General format shows them
 * (excel.h: a long number stored as a number comes out in scientific
 * notation, which the validator reports as damaged), numbers formatted
 * as dates or times as 2026-11-22, 2026-11-22 09:30 or 09:30, booleans
 * as 1 and 0, error values as their text (#N/A).
 *
 * Errors: xlsxin_open() returns NULL and sets *err (a string the caller
 * frees) naming the file; xlsxin_next() returns -1 and keeps the message
 * (xlsxin_errstr()).  Cell pointers stay valid until the next
 * xlsxin_next().
 */
#ifndef HCP_XLSXIN_H
#define HCP_XLSXIN_H

#include <stddef.h>
#include <stdio.h>

struct xlsxin;

/* Whether the file at path starts as a zip archive (an .xlsx does). */
int xlsxin_detect(const char *path);
/*
 * Whether it starts as an OLE2 compound file: a workbook of Excel 97-2003
 * (.xls) or of WPS (.et), which is not read.
 */
int xlsxin_legacy(const char *path);

/*
 * Opens sheet (its name, or its number from 1, or NULL for the first
 * sheet) of the workbook at path.
 */
struct xlsxin *xlsxin_open(const char *path, const char *sheet, char **err);
/*
 * The same for a workbook held in memory (standard input): buf, len
 * bytes from malloc, is the workbook's from here on (xlsxin_free() frees
 * it, as a failed open does); name stands for it in messages.
 */
struct xlsxin *xlsxin_open_mem(const char *name, char *buf, size_t len,
    const char *sheet, char **err);
/*
 * Standard input if it holds a workbook (a zip: "PK\3\4"): 1, the whole
 * of it read into *buf (*len bytes, the caller's).  0 if it does not, and
 * *fp is where the rest of it is read from: stdin itself, or, when its
 * first byte was a 'P', a temporary file of all of it (the caller closes
 * it).  -1 on a read error or a workbook over XLSXIN_STDIN_MAX, *err set.
 */
#define XLSXIN_STDIN_MAX (256UL << 20)
int xlsxin_stdin(char **buf, size_t *len, FILE **fp, char **err);
void xlsxin_free(struct xlsxin *x);

/* The next row with a cell that is not empty: 1, 0 at the end, -1. */
int xlsxin_next(struct xlsxin *x);
/* The row's number in the sheet (1-based), as the spreadsheet shows it. */
long xlsxin_row(const struct xlsxin *x);
/* Cells of the row from column A to its last cell that is not empty. */
size_t xlsxin_ncells(const struct xlsxin *x);
const char *xlsxin_cell(const struct xlsxin *x, size_t i);
size_t xlsxin_cell_len(const struct xlsxin *x, size_t i);
/* Whether cell i is a formula whose value was never saved (read as ""). */
int xlsxin_cell_unvalued(const struct xlsxin *x, size_t i);
/* The name of the sheet being read. */
const char *xlsxin_sheet(const struct xlsxin *x);
/* The workbook's other visible sheets, "\"说明\", \"汇总\"" ("" if none). */
const char *xlsxin_other_sheets(const struct xlsxin *x);
const char *xlsxin_errstr(const struct xlsxin *x);

/* The column letters of a 0-based column index (0 A, 26 AA) into out. */
void xlsxin_col_name(size_t col, char out[8]);

#endif
