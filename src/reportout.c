/* SPDX-License-Identifier: ISC */
/*
 * The figures of hcp-report as a terminal table (columns aligned by
 * display width, so Chinese names line up), as CSV and as JSON
 * (report.h).  Every writer takes the columns from report_columns().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "i18n.h"
#include "report.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static int
use_col(const struct report *r, const struct report_col *c)
{
	return report_column_used(r, c);
}

static int
visible(const struct report_row *row)
{
	return !row->suppressed;
}

/*
 * v rounded to d decimals, halves away from zero as statisticians and
 * spreadsheets round (printf rounds 3.125 to 3.12, to even).
 */
static double
round_half_up(double v, int d)
{
	double f = pow(10.0, d);

	return floor(v * f + 0.5 + 1e-9) / f;
}

/* A value as text: "" when undefined; rates in per cent for people. */
static void
fmt_value(char *buf, size_t len, const struct report_col *c, double v,
    int percent)
{
	if (isnan(v))
		snprintf(buf, len, "%s", percent && c->kind != RC_RANK ? "-" :
		    "");
	else if (c->kind == RC_RATE && percent)
		snprintf(buf, len, "%.1f%%", round_half_up(v * 100.0, 1));
	else if (c->kind == RC_RATE)
		snprintf(buf, len, "%.4f", round_half_up(v, 4));
	else if (c->kind == RC_MEAN)
		snprintf(buf, len, "%.2f", round_half_up(v, 2));
	else
		snprintf(buf, len, "%.0f", v);
}

#define CELL 160

static int
write_grid(const struct report *r, FILE *fp, int colour,
    const char *title, const struct report_row *rows, size_t n,
    const char *keyhead)
{
	const struct report_col *cols;
	struct strbuf sb = STRBUF_INIT;
	size_t ncol, nc, i, j, k, *w;
	char (*cell)[CELL];
	const char **head;
	int rc;

	cols = report_columns(&ncol);
	nc = ncol + 2;
	w = xcalloc(nc, sizeof(*w));
	head = xcalloc(nc, sizeof(*head));
	cell = xreallocarray(NULL, (n + 1) * nc, sizeof(*cell));
	head[0] = keyhead;
	head[1] = _("name");
	for (j = 0; j < ncol; j++)
		head[j + 2] = use_col(r, &cols[j]) ? _(cols[j].heading) : NULL;
	for (j = 0; j < nc; j++)
		if (head[j] != NULL)
			w[j] = str_width(head[j]);
	for (i = 0; i < n; i++) {
		if (!visible(&rows[i]))
			continue;
		snprintf(cell[i * nc], CELL, "%s", rows[i].key);
		snprintf(cell[i * nc + 1], CELL, "%s", rows[i].name);
		for (j = 0; j < ncol; j++)
			fmt_value(cell[i * nc + j + 2], CELL, &cols[j],
			    report_value(&rows[i], j), 1);
		for (j = 0; j < nc; j++)
			if (head[j] != NULL &&
			    (k = str_width(cell[i * nc + j])) > w[j])
				w[j] = k;
	}
	strbuf_addf(&sb, "\n%s%s%s\n", colour ? "\033[1m" : "", title,
	    colour ? "\033[0m" : "");
	for (j = 0; j < nc; j++) {
		if (head[j] == NULL)
			continue;
		if (j > 0)
			strbuf_adds(&sb, "  ");
		strbuf_add_padded(&sb, head[j], w[j], j >= 2);
	}
	strbuf_adds(&sb, "\n");
	for (i = 0; i < n; i++) {
		if (!visible(&rows[i]))
			continue;
		for (j = 0; j < nc; j++) {
			if (head[j] == NULL)
				continue;
			if (j > 0)
				strbuf_adds(&sb, "  ");
			/* a bad rate above the whole period's in red */
			if (colour && j == 9 && rows[i].n > 0 &&
			    report_bad_rate(&rows[i]) >
			    report_bad_rate(&r->total)) {
				strbuf_adds(&sb, "\033[31m");
				strbuf_add_padded(&sb, cell[i * nc + j], w[j], 1);
				strbuf_adds(&sb, "\033[0m");
			} else
				strbuf_add_padded(&sb, cell[i * nc + j], w[j], j >= 2);
		}
		strbuf_adds(&sb, "\n");
	}
	rc = fputs(sb.buf, fp) == EOF ? -1 : 0;
	strbuf_release(&sb);
	free(cell);
	free(head);
	free(w);
	return rc;
}

int
report_write_table(const struct report *r, FILE *fp, int colour)
{
	char period[64], title[256];
	int i;

	report_period_text(&r->o, period, sizeof(period));
	fprintf(fp, "%s%s%s  %s  %s\n", colour ? "\033[1m" : "",
	    r->station[0] != '\0' ? r->station : "hcp",
	    colour ? "\033[0m" : "", _("period"), period);
	fprintf(fp, _("%ld evaluations; %ld excluded by an accepted appeal "
	    "(not in any figure)\n"), r->total.n, r->excluded);
	fprintf(fp, "%s\n", _("good rate = (very satisfied + satisfied) / "
	    "evaluations; bad rate = (dissatisfied + very dissatisfied) / "
	    "evaluations"));
	if (!r->have_cases)
		fprintf(fp, "%s\n", _("follow-up figures not available: the "
		    "station has no bad-review cases (hcp-review)"));
	if (r->have_services)
		fprintf(fp, _("%ld services (办件) in the period, %ld of them "
		    "evaluated; %ld evaluations match no service\n"),
		    r->total.services, r->total.served, r->unmatched);
	if (r->o.public)
		fprintf(fp, _("public: groups under %ld evaluations are "
		    "withheld\n"), r->o.min_public);
	if (write_grid(r, fp, colour, _("total"), &r->total, 1, "") != 0)
		return -1;
	for (i = 0; i < RB_NBY; i++) {
		const struct report_table *t = &r->tables[i];

		if (!(r->o.by & (1u << i)))
			continue;
		snprintf(title, sizeof(title), "%s", _(report_by_heading(
		    t->by)));
		if (write_grid(r, fp, colour, title, t->rows, t->n,
		    _(report_by_heading(t->by))) != 0)
			return -1;
		if (t->suppressed > 0)
			fprintf(fp, _("%zu groups withheld (fewer than %ld "
			    "evaluations)\n"), t->suppressed, r->o.min_public);
		if (t->by == RB_DEPT || t->by == RB_WINDOW ||
		    t->by == RB_STAFF)
			fprintf(fp, _("ranked by good rate: groups with at "
			    "least %ld evaluations\n"), r->o.min_rank);
	}
	return ferror(fp) ? -1 : 0;
}

static void
csv_row(struct strbuf *sb, const struct report *r, const char *by,
    const struct report_row *row)
{
	const struct report_col *cols;
	size_t ncol, j;
	char buf[CELL];

	cols = report_columns(&ncol);
	csv_append_field(sb, by, strlen(by), 1);
	strbuf_adds(sb, ",");
	csv_append_field(sb, row->key, strlen(row->key), 1);
	strbuf_adds(sb, ",");
	csv_append_field(sb, row->name, strlen(row->name), 1);
	for (j = 0; j < ncol; j++) {
		if (!use_col(r, &cols[j]))
			continue;
		fmt_value(buf, sizeof(buf), &cols[j], report_value(row, j),
		    0);
		strbuf_addf(sb, ",%s", buf);
	}
	strbuf_adds(sb, "\r\n");
}

int
report_write_csv(const struct report *r, FILE *fp)
{
	const struct report_col *cols;
	struct strbuf sb = STRBUF_INIT;
	size_t ncol, j;
	int i, rc;

	cols = report_columns(&ncol);
	strbuf_adds(&sb, "grouping,key,name");
	for (j = 0; j < ncol; j++)
		if (use_col(r, &cols[j]))
			strbuf_addf(&sb, ",%s", cols[j].id);
	strbuf_adds(&sb, "\r\n");
	csv_row(&sb, r, "total", &r->total);
	for (i = 0; i < RB_NBY; i++) {
		if (!(r->o.by & (1u << i)))
			continue;
		for (j = 0; j < r->tables[i].n; j++)
			if (visible(&r->tables[i].rows[j]))
				csv_row(&sb, r, report_by_name(i),
				    &r->tables[i].rows[j]);
	}
	rc = fputs(sb.buf, fp) == EOF ? -1 : 0;
	strbuf_release(&sb);
	return rc;
}

static void
json_str(struct strbuf *sb, const char *s)
{
	strbuf_adds(sb, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c < 0x20)
			strbuf_addf(sb, "\\u%04x", c);
		else
			strbuf_add(sb, s, 1);
	}
	strbuf_adds(sb, "\"");
}

static void
json_row(struct strbuf *sb, const struct report *r,
    const struct report_row *row)
{
	const struct report_col *cols;
	size_t ncol, j;
	char buf[CELL];

	cols = report_columns(&ncol);
	strbuf_adds(sb, "{\"key\": ");
	json_str(sb, row->key);
	strbuf_adds(sb, ", \"name\": ");
	json_str(sb, row->name);
	for (j = 0; j < ncol; j++) {
		if (!use_col(r, &cols[j]))
			continue;
		fmt_value(buf, sizeof(buf), &cols[j], report_value(row, j),
		    0);
		strbuf_addf(sb, ", \"%s\": %s", cols[j].id,
		    buf[0] != '\0' ? buf : "null");
	}
	strbuf_adds(sb, "}");
}

int
report_write_json(const struct report *r, FILE *fp)
{
	struct strbuf sb = STRBUF_INIT;
	size_t j, k;
	int i, rc, first = 1;

	strbuf_adds(&sb, "{\"station\": ");
	json_str(&sb, r->station);
	strbuf_adds(&sb, ", \"from\": ");
	if (r->o.from[0] != '\0')
		json_str(&sb, r->o.from);
	else
		strbuf_adds(&sb, "null");
	strbuf_adds(&sb, ", \"to\": ");
	if (r->o.to[0] != '\0')
		json_str(&sb, r->o.to);
	else
		strbuf_adds(&sb, "null");
	strbuf_addf(&sb, ", \"as_of\": \"%s\", \"public\": %s, "
	    "\"followup_available\": %s, \"services_available\": %s, "
	    "\"evaluations_without_service\": %ld, \"excluded\": %ld, "
	    "\"min_public\": %ld, \"min_rank\": %ld,\n \"total\": ",
	    r->o.asof, r->o.public ? "true" : "false",
	    r->have_cases ? "true" : "false",
	    r->have_services ? "true" : "false", r->unmatched, r->excluded,
	    r->o.min_public, r->o.min_rank);
	json_row(&sb, r, &r->total);
	strbuf_adds(&sb, ",\n \"groupings\": {");
	for (i = 0; i < RB_NBY; i++) {
		const struct report_table *t = &r->tables[i];

		if (!(r->o.by & (1u << i)))
			continue;
		strbuf_addf(&sb, "%s\n  \"%s\": {\"withheld\": %zu, "
		    "\"rows\": [", first ? "" : ",", report_by_name(i),
		    t->suppressed);
		first = 0;
		for (j = 0, k = 0; j < t->n; j++) {
			if (!visible(&t->rows[j]))
				continue;
			strbuf_adds(&sb, k++ > 0 ? ",\n   " : "\n   ");
			json_row(&sb, r, &t->rows[j]);
		}
		strbuf_adds(&sb, "]}");
	}
	strbuf_adds(&sb, "}}\n");
	rc = fputs(sb.buf, fp) == EOF ? -1 : 0;
	strbuf_release(&sb);
	return rc;
}
