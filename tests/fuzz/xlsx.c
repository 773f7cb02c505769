/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the workbook reader (xlsxin.c): the input is the
 * XML of a workbook's parts, which the harness zips (libarchive) with the
 * parts a workbook needs around them, so that mutations reach the XML
 * parsers rather than stop at the zip's checksums.  Parts are separated
 * by a line "--": the sheet, then the shared strings, then the styles
 * (each may be missing or empty).  Whatever they hold, the reader gives
 * rows or a clean error, never a crash or a leak, and a cell it marks as
 * a formula without its value reads as "".
 * Build and run with "make fuzz" (clang).
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsxin.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "content-types\"><Default Extension=\"xml\" ContentType="
    "\"application/xml\"/></Types>";
static const char rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
    "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char workbook[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships\"><sheets><sheet name=\"录入\" "
    "sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char wbrels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
    "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

static void
add(struct archive *a, const char *name, const void *p, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len > 0 && archive_write_data(a, p, len) != (la_ssize_t)len))
		abort();
	archive_entry_free(e);
}

/* The next part of the input: up to a line "--" or the end. */
static const uint8_t *
part(const uint8_t **p, const uint8_t *end, size_t *len)
{
	const uint8_t *s = *p, *q;

	for (q = s; q < end; q++)
		if (*q == '\n' && end - q >= 4 && memcmp(q, "\n--\n", 4) == 0)
			break;
	*len = (size_t)(q - s);
	*p = q < end ? q + 4 : end;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *sheet, *sst, *sty;
	size_t nsheet, nsst, nsty, cap = size + 64 * 1024, used = 0, i;
	struct archive *a = archive_write_new();
	struct xlsxin *x;
	char *buf = malloc(cap), *err = NULL;
	int k;

	if (a == NULL || buf == NULL)
		abort();
	sheet = part(&p, end, &nsheet);
	sst = part(&p, end, &nsst);
	sty = part(&p, end, &nsty);
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_open_memory(a, buf, cap, &used) != ARCHIVE_OK)
		abort();
	add(a, "[Content_Types].xml", types, sizeof(types) - 1);
	add(a, "_rels/.rels", rels, sizeof(rels) - 1);
	add(a, "xl/workbook.xml", workbook, sizeof(workbook) - 1);
	add(a, "xl/_rels/workbook.xml.rels", wbrels, sizeof(wbrels) - 1);
	add(a, "xl/worksheets/sheet1.xml", sheet, nsheet);
	if (nsst > 0)
		add(a, "xl/sharedStrings.xml", sst, nsst);
	if (nsty > 0)
		add(a, "xl/styles.xml", sty, nsty);
	if (archive_write_close(a) != ARCHIVE_OK)
		abort();
	archive_write_free(a);

	/* the reader takes buf and frees it, also when it fails */
	if ((x = xlsxin_open_mem("fuzz.xlsx", buf, used, NULL, &err)) ==
	    NULL) {
		free(err);
		return 0;
	}
	while ((k = xlsxin_next(x)) > 0) {
		if (xlsxin_row(x) <= 0)
			abort();
		for (i = 0; i < xlsxin_ncells(x); i++) {
			size_t n = xlsxin_cell_len(x, i);

			if (strlen(xlsxin_cell(x, i)) > n)
				abort();
			if (xlsxin_cell_unvalued(x, i) && n != 0)
				abort();
		}
	}
	if (k < 0 && xlsxin_errstr(x) == NULL)
		abort();
	xlsxin_free(x);
	return 0;
}
