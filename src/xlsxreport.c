/* SPDX-License-Identifier: ISC */
/*
 * The figures of hcp-report as an XLSX workbook for the office
 * (report.h): a sheet "total" and one sheet per grouping, counts and
 * means as numbers, rates as numbers formatted as percentages, an
 * undefined rate as an empty cell.  libxlsxwriter writes to a file
 * name, so the workbook is made in a temporary file and copied to the
 * stream the tool opened.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "clock.h"
#include "i18n.h"
#include "report.h"
#include "xalloc.h"
#include "banned.h"

struct fmts {
	lxw_format *head, *pct, *mean, *text;
};

static void
sheet_rows(lxw_workbook *wb, const struct report *r, const char *title,
    const char *keyhead, const struct report_row *rows, size_t n,
    const struct fmts *f)
{
	const struct report_col *cols;
	lxw_worksheet *ws;
	size_t ncol, i, j, row = 0;
	lxw_col_t c;
	double v;

	cols = report_columns(&ncol);
	ws = workbook_add_worksheet(wb, title);
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, 1, 28, NULL);
	worksheet_set_column(ws, 2, (lxw_col_t)ncol + 1, 11, NULL);
	worksheet_write_string(ws, 0, 0, keyhead, f->head);
	worksheet_write_string(ws, 0, 1, _("name"), f->head);
	for (j = 0, c = 2; j < ncol; j++)
		if (report_column_used(r, &cols[j]))
			worksheet_write_string(ws, 0, c++, _(cols[j].heading),
			    f->head);
	worksheet_freeze_panes(ws, 1, 2);
	for (i = 0; i < n; i++) {
		if (rows[i].suppressed)
			continue;
		row++;
		worksheet_write_string(ws, (lxw_row_t)row, 0, rows[i].key,
		    f->text);
		worksheet_write_string(ws, (lxw_row_t)row, 1, rows[i].name,
		    NULL);
		for (j = 0, c = 2; j < ncol; j++) {
			if (!report_column_used(r, &cols[j]))
				continue;
			v = report_value(&rows[i], j);
			if (!isnan(v))
				worksheet_write_number(ws, (lxw_row_t)row, c,
				    v, cols[j].kind == RC_RATE ? f->pct :
				    cols[j].kind == RC_MEAN ? f->mean : NULL);
			c++;
		}
	}
}

int
report_write_xlsx(const struct report *r, FILE *fp, char **errstr)
{
	lxw_doc_properties props;
	lxw_workbook *wb;
	struct fmts f;
	const char *tmpdir;
	char *path, buf[8192];
	lxw_error le;
	FILE *in;
	size_t k;
	int fd, i, rc = 0;

	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	path = xasprintf("%s/hcp-report.XXXXXX", tmpdir);
	if ((fd = mkstemp(path)) == -1) {
		*errstr = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	close(fd);
	if ((wb = workbook_new(path)) == NULL) {
		*errstr = xasprintf("%s: %s", path, _("cannot make workbook"));
		goto fail;
	}
	memset(&props, 0, sizeof(props));
	props.title = r->station;
	props.created = clock_now();
	workbook_set_properties(wb, &props);
	f.head = workbook_add_format(wb);
	format_set_bold(f.head);
	format_set_text_wrap(f.head);
	f.pct = workbook_add_format(wb);
	format_set_num_format(f.pct, "0.0%");
	f.mean = workbook_add_format(wb);
	format_set_num_format(f.mean, "0.00");
	f.text = workbook_add_format(wb);
	format_set_num_format(f.text, "@");
	sheet_rows(wb, r, "total", "", &r->total, 1, &f);
	for (i = 0; i < RB_NBY; i++)
		if (r->o.by & (1u << i))
			sheet_rows(wb, r, report_by_name(i),
			    _(report_by_heading(i)), r->tables[i].rows,
			    r->tables[i].n, &f);
	if ((le = workbook_close(wb)) != LXW_NO_ERROR) {
		*errstr = xasprintf("%s: %s", path, lxw_strerror(le));
		goto fail;
	}
	if ((in = fopen(path, "rb")) == NULL) {
		*errstr = xasprintf("%s: %s", path, strerror(errno));
		goto fail;
	}
	while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, k, fp) != k) {
			rc = -1;
			break;
		}
	if (ferror(in))
		rc = -1;
	fclose(in);
	if (rc != 0)
		*errstr = xasprintf("%s", strerror(errno));
	unlink(path);
	free(path);
	return rc;
fail:
	unlink(path);
	free(path);
	return -1;
}
