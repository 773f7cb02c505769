/* SPDX-License-Identifier: ISC */
/*
 * Streaming CSV reader on libcsv, in constant memory whatever the file
 * size (a record at a time, plus one read block).  Input is UTF-8 with or
 * without BOM, or GB18030/GBK as Excel and WPS save it: detected from the
 * first non-ASCII bytes, or forced by the caller.  Records come out as
 * UTF-8 fields.  CRLF or LF line ends; quoted fields may hold commas,
 * quotes and line breaks.  Blank lines, and lines of nothing but commas
 * (spreadsheets leave them), are skipped.
 *
 * Errors: csvin_open() and csvin_next() return -1 and keep a message
 * naming file:line, read with csvin_errstr().  Field pointers stay valid
 * until the next csvin_next().
 */
#ifndef HCP_CSVIN_H
#define HCP_CSVIN_H

#include <stddef.h>

enum csvin_encoding {
	CSVIN_AUTO = 0,
	CSVIN_UTF8,
	CSVIN_GB18030,
	CSVIN_UTF16		/* read whole into UTF-8 (utf16.h) */
};

struct csvin;

struct csvin *csvin_new(void);
void csvin_free(struct csvin *c);

/*
 * Opens path ("-" is standard input) with the given encoding.  With
 * CSVIN_AUTO a regular file is read once through to choose; a file whose
 * lines do not agree is refused (-1, the message names the line).
 */
int csvin_open(struct csvin *c, const char *path, enum csvin_encoding enc);

/*
 * Which columns may hold line breaks in a quoted cell: ok(name, arg) is
 * asked once for each header cell (the first record).  Without it every
 * column may.  Call before the first csvin_next().
 */
void csvin_set_multiline(struct csvin *c, int (*ok)(const char *name,
    void *arg), void *arg);

/*
 * A line, or a row's lines, of more than this many bytes is no keyed row:
 * a longer line fails the file (at its line), and a quote left open over
 * more lines than this is cut there, its lines read again one by one,
 * as at the end of the file.  Memory stays a few times this.
 */
#define CSVIN_LINE_MAX (64 << 20)

/*
 * Rows above the header that hold one non-blank cell at most (the title
 * a spreadsheet puts above its header row, merged across the columns)
 * are skipped, up to CSVIN_MAX_TITLES of them, instead of being taken as
 * the header: for files whose header names several columns.  Each is
 * kept for csvin_title().
 */
#define CSVIN_MAX_TITLES 5
void csvin_skip_titles(struct csvin *c);
size_t csvin_ntitles(const struct csvin *c);
/* The text of skipped title i, its line in *line. */
const char *csvin_title(const struct csvin *c, size_t i, long *line);
/*
 * The header on two rows (rec_map_two_rows()) whose upper row, the
 * current one, mapped by upper, was not usable: reads the next row, the
 * lower one, and returns the map of both, or NULL (then that row is
 * lost: nothing is read after a header that is not usable).
 */
struct rec_map;
struct rec_map *csvin_header_below(struct csvin *c,
    const struct rec_map *upper, unsigned flags);

/* What is wrong with the current record beyond its cells. */
enum csvin_issue_kind {
	CSVIN_NUL_BYTE = 1,	/* a NUL byte in cell col, on line */
	CSVIN_QUOTE_OPEN,	/* a quote opened on line took lines from..to
				   (to 0: to the end of the file) */
	CSVIN_QUOTE_STRAY,	/* a stray quote on line; from: the line
				   where the quote opened */
	CSVIN_BAD_ENCODING,	/* line did not decode (or reads as the
				   other encoding); enc_other set then */
	CSVIN_FORMULA		/* a workbook's cell col is a formula whose
				   value was never saved: read as "" */
};

struct csvin_issue {
	enum csvin_issue_kind kind;
	long line;
	long col;		/* cell index, -1: the whole row */
	long from, to;
	int other;		/* BAD_ENCODING: 1 it reads as the other
				   encoding, 0 it reads as neither */
};

size_t csvin_nissues(const struct csvin *c);
const struct csvin_issue *csvin_issue(const struct csvin *c, size_t i);

/*
 * Parses an encoding name: utf-8, utf8, gb18030, gbk, gb2312, utf-16,
 * unicode, auto.
 */
int csvin_encoding_parse(const char *name, enum csvin_encoding *out);

/*
 * What every csvin_open() after them does, for tools that take --sheet
 * and --delimiter: an .xlsx workbook (found by its zip signature,
 * whatever the file's name) is read from the sheet named (its name or
 * its number from 1; NULL the first), a row a record, the line of a
 * record being its row in the sheet; a text file is split at delim (0:
 * a comma, or a tab when the first line has tabs and no comma).
 */
void csvin_set_sheet(const char *sheet);
void csvin_set_delimiter(int delim);
/* Whether the file open is a workbook (.xlsx). */
int csvin_is_workbook(const struct csvin *c);
/*
 * A workbook's sheet being read, and its other visible sheets (quoted,
 * "\"说明\", \"汇总\""); NULL for a CSV file, and for none.
 */
const char *csvin_sheet(const struct csvin *c);
const char *csvin_other_sheets(const struct csvin *c);

/* Reads the next record: 1 got one, 0 end of file, -1 error. */
int csvin_next(struct csvin *c);

size_t csvin_nfields(const struct csvin *c);
/* Field i as UTF-8, NUL-terminated; "" past the last field. */
const char *csvin_field(const struct csvin *c, size_t i);
size_t csvin_field_len(const struct csvin *c, size_t i);
/*
 * The cells of the current record as one block: each NUL-terminated, one
 * after the other, field 0 at the start; *len gets the block's size.  A
 * cell's offset in it is csvin_field(c, i) minus the start.
 */
const char *csvin_record(const struct csvin *c, size_t *len);
/*
 * The column (from 1) of the first cell of the current record that holds
 * more than blanks where named[i] is 0, or past the n columns of
 * named[]: a value under an empty header or right of the header's last
 * column, which no reader drops silently.  0 if there is none.
 */
size_t csvin_stray_value(const struct csvin *c, const unsigned char *named,
    size_t n);
/* The line (1-based) on which the current record starts. */
long csvin_line(const struct csvin *c);

const char *csvin_path(const struct csvin *c);
/*
 * The encoding in use: "UTF-8", "GB18030", "UTF-16", "XLSX" (a
 * workbook), or "ASCII" if undecided.
 */
const char *csvin_encoding_name(const struct csvin *c);
/* SHA-256 of the bytes read so far, as hex; complete after EOF. */
const char *csvin_sha256(struct csvin *c);
/* Bytes read from the file so far (for progress). */
unsigned long long csvin_bytes(const struct csvin *c);
const char *csvin_errstr(const struct csvin *c);

/*
 * The CSV writer is csvout.h.  For the callers that still use its old
 * name here (pack.c, rejects.c): goes when they include csvout.h.
 */
#include "csvout.h"

static inline void
csv_append_field(struct strbuf *sb, const char *s, size_t len,
    int neutralise)
{
	csvout_field(sb, s, len, neutralise);
}

#endif
