/* SPDX-License-Identifier: ISC */
/*
 * The PDF report of hcp-report (report.h): A4 portrait, in mm.  Page 1
 * has the period's figures, the grade distribution, bars of 好评率 by
 * unit (the first grouping asked for) and the trend of 好评率 by month
 * (or day); the next pages list every grouping as a table.  Drawn with
 * the cairo/pango helpers of render_util.c; fonts are embedded by
 * cairo, and the metadata dates come from the clock (SOURCE_DATE_EPOCH),
 * so the same figures give the same bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "i18n.h"
#include "renderint.h"
#include "report.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define PAGE_W 210.0
#define PAGE_H 297.0
#define MARGIN 15.0
#define ROW_H 5.0
#define CHART_BARS 20		/* at most this many bars by unit */

struct pdf {
	cairo_surface_t *s;
	cairo_t *cr;
	PangoLayout *pl;
	double y;
	int page;
};

static cairo_status_t
write_fp(void *closure, const unsigned char *data, unsigned int len)
{
	FILE *fp = closure;

	return fwrite(data, 1, len, fp) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

static void
text(struct pdf *p, const char *s, double x, double y, double w,
    double pt, int bold, enum layout_align a)
{
	render_text(p->cr, p->pl, s, x, y, w, pt * RENDER_PT_MM * 1.3, pt,
	    bold, a);
}

static void
pct(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else	/* rounded half up, as in the table (reportout.c) */
		snprintf(buf, len, "%.1f%%", floor(v * 1000.0 + 0.5 + 1e-9) /
		    10.0);
}

static void
new_page(struct pdf *p)
{
	char buf[32];

	if (p->page > 0)
		cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
	snprintf(buf, sizeof(buf), "%d", p->page);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	text(p, buf, MARGIN, PAGE_H - 10, PAGE_W - 2 * MARGIN, 8, 0,
	    LAYOUT_CENTRE);
}

static void
chart_title(struct pdf *p, const char *s)
{
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	text(p, s, MARGIN, p->y, PAGE_W - 2 * MARGIN, 11, 1, LAYOUT_LEFT);
	p->y += 7;
}

/* Horizontal bars of the five grades of the total. */
static void
chart_grades(struct pdf *p, const struct report *r)
{
	static const char *const names[] = { N_("very satisfied"),
		N_("satisfied"), N_("fairly satisfied"), N_("dissatisfied"),
		N_("very dissatisfied") };
	double x0 = MARGIN + 35, w = PAGE_W - 2 * MARGIN - 60, max = 0, bw;
	char buf[48];
	int g;

	chart_title(p, _("grade distribution"));
	for (g = 0; g < 5; g++)
		if (r->total.grade[g] > max)
			max = (double)r->total.grade[g];
	for (g = 5; g >= 1; g--) {
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text(p, _(names[5 - g]), MARGIN, p->y, 33, 8, 0,
		    LAYOUT_RIGHT);
		bw = max > 0 ? w * (double)r->total.grade[g - 1] / max : 0;
		if (g <= 2)
			cairo_set_source_rgb(p->cr, 0.80, 0.20, 0.15);
		else
			cairo_set_source_rgb(p->cr, 0.20, 0.45, 0.70);
		cairo_rectangle(p->cr, x0, p->y + 0.8, bw, ROW_H - 1.6);
		cairo_fill(p->cr);
		pct(buf, sizeof(buf), report_ratio(r->total.grade[g - 1],
		    r->total.n));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "  %ld", r->total.grade[g - 1]);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text(p, buf, x0 + bw + 1, p->y, 30, 8, 0, LAYOUT_LEFT);
		p->y += ROW_H;
	}
	p->y += 5;
}

/* Bars of 好评率 by unit (the first grouping asked for). */
static void
chart_units(struct pdf *p, const struct report *r)
{
	const struct report_table *t = NULL;
	double x0 = MARGIN + 60, w = PAGE_W - 2 * MARGIN - 80, v;
	char buf[48];
	size_t i, k;
	int b;

	for (b = 0; b < RB_NBY && t == NULL; b++)
		if (r->o.by & (1u << b) && b != RB_DAY && b != RB_WEEK &&
		    b != RB_MONTH)
			t = &r->tables[b];
	if (t == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s: %s", _("good rate"),
	    _(report_by_heading(t->by)));
	chart_title(p, buf);
	for (i = 0, k = 0; i < t->n && k < CHART_BARS; i++) {
		const struct report_row *row = &t->rows[i];

		if (row->suppressed || row->n == 0)
			continue;
		k++;
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text(p, row->name[0] != '\0' ? row->name : row->key, MARGIN,
		    p->y, 58, 7, 0, LAYOUT_RIGHT);
		v = report_good_rate(row);
		cairo_set_source_rgb(p->cr, 0.20, 0.55, 0.35);
		cairo_rectangle(p->cr, x0, p->y + 0.8, w * v, ROW_H - 1.6);
		cairo_fill(p->cr);
		pct(buf, sizeof(buf), v);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "  n=%ld", row->n);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text(p, buf, x0 + w * v + 1, p->y, 30, 7, 0, LAYOUT_LEFT);
		p->y += ROW_H;
	}
	p->y += 5;
}

/* A line of 好评率 by month (or by day, or by week). */
static void
chart_trend(struct pdf *p, const struct report *r)
{
	const struct report_table *t = NULL;
	double x0 = MARGIN + 12, w = PAGE_W - 2 * MARGIN - 20, h = 50;
	double x, y, step;
	size_t i, k, n = 0;
	char buf[32];
	int first = 1;

	if (r->o.by & (1u << RB_MONTH))
		t = &r->tables[RB_MONTH];
	else if (r->o.by & (1u << RB_WEEK))
		t = &r->tables[RB_WEEK];
	else if (r->o.by & (1u << RB_DAY))
		t = &r->tables[RB_DAY];
	if (t == NULL || p->y + h + 20 > PAGE_H - MARGIN)
		return;
	chart_title(p, _("good rate over time"));
	for (i = 0; i < t->n; i++)
		if (!t->rows[i].suppressed && t->rows[i].n > 0)
			n++;
	cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(p->cr, 0.2);
	for (i = 0; i <= 4; i++) {
		y = p->y + h - h * (double)i / 4;
		cairo_move_to(p->cr, x0, y);
		cairo_line_to(p->cr, x0 + w, y);
		cairo_stroke(p->cr);
		snprintf(buf, sizeof(buf), "%zu%%", i * 25);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text(p, buf, MARGIN, y - 2, 10, 6, 0, LAYOUT_RIGHT);
		cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
	}
	step = n > 1 ? w / (double)(n - 1) : 0;
	cairo_set_source_rgb(p->cr, 0.15, 0.35, 0.75);
	cairo_set_line_width(p->cr, 0.6);
	for (i = 0, k = 0; i < t->n; i++) {
		if (t->rows[i].suppressed || t->rows[i].n == 0)
			continue;
		x = x0 + step * (double)k;
		y = p->y + h - h * report_good_rate(&t->rows[i]);
		if (first)
			cairo_move_to(p->cr, x, y);
		else
			cairo_line_to(p->cr, x, y);
		first = 0;
		k++;
	}
	cairo_stroke(p->cr);
	for (i = 0, k = 0; i < t->n; i++) {
		if (t->rows[i].suppressed || t->rows[i].n == 0)
			continue;
		x = x0 + step * (double)k;
		y = p->y + h - h * report_good_rate(&t->rows[i]);
		cairo_set_source_rgb(p->cr, 0.15, 0.35, 0.75);
		cairo_arc(p->cr, x, y, 0.8, 0, 2 * M_PI);
		cairo_fill(p->cr);
		if (n <= 13 || k % ((n + 11) / 12) == 0) {
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			text(p, t->rows[i].key, x - 10, p->y + h + 1, 20, 6, 0,
			    LAYOUT_CENTRE);
		}
		k++;
	}
	p->y += h + 10;
}

static void
table(struct pdf *p, const struct report *r, const struct report_table *t)
{
	static const double cx[] = { 0, 42, 100, 118, 136, 154, 168 };
	const char *head[7];
	char buf[7][64];
	size_t i;
	int c;

	head[0] = _(report_by_heading(t->by));
	head[1] = _("name");
	head[2] = _("evaluations");
	head[3] = _("good rate");
	head[4] = _("bad rate");
	head[5] = _("mean score");
	head[6] = _("rank");
	if (p->y + 4 * ROW_H > PAGE_H - MARGIN - 10)
		new_page(p);
	chart_title(p, head[0]);
	for (c = 0; c < 7; c++)
		text(p, head[c], MARGIN + cx[c], p->y, c < 6 ? cx[c + 1] -
		    cx[c] - 1 : 12, 8, 1, c >= 2 ? LAYOUT_RIGHT : LAYOUT_LEFT);
	p->y += ROW_H;
	for (i = 0; i < t->n; i++) {
		const struct report_row *row = &t->rows[i];

		if (row->suppressed)
			continue;
		if (p->y + ROW_H > PAGE_H - MARGIN - 10) {
			new_page(p);
			chart_title(p, head[0]);
		}
		snprintf(buf[0], sizeof(buf[0]), "%s", row->key);
		snprintf(buf[1], sizeof(buf[1]), "%s", row->name);
		snprintf(buf[2], sizeof(buf[2]), "%ld", row->n);
		pct(buf[3], sizeof(buf[3]), report_good_rate(row));
		pct(buf[4], sizeof(buf[4]), report_bad_rate(row));
		if (row->n > 0)
			snprintf(buf[5], sizeof(buf[5]), "%.2f",
			    report_mean(row));
		else
			snprintf(buf[5], sizeof(buf[5]), "-");
		if (row->rank > 0)
			snprintf(buf[6], sizeof(buf[6]), "%ld", row->rank);
		else
			buf[6][0] = '\0';
		for (c = 0; c < 7; c++)
			text(p, buf[c], MARGIN + cx[c], p->y, c < 6 ?
			    cx[c + 1] - cx[c] - 1 : 12, 7, 0, c >= 2 ?
			    LAYOUT_RIGHT : LAYOUT_LEFT);
		p->y += ROW_H;
	}
	if (t->suppressed > 0) {
		snprintf(buf[0], sizeof(buf[0]), _("%zu groups withheld"),
		    t->suppressed);
		text(p, buf[0], MARGIN, p->y, 100, 7, 0, LAYOUT_LEFT);
		p->y += ROW_H;
	}
	(void)r;
	p->y += 4;
}

int
render_report_pdf(const struct report *r, FILE *fp, const char *name,
    char **errstr)
{
	struct strbuf sb = STRBUF_INIT;
	cairo_status_t st;
	struct pdf p;
	char a[32], b[32], period[64];
	int i;

	memset(&p, 0, sizeof(p));
	p.s = cairo_pdf_surface_create_for_stream(write_fp, fp,
	    PAGE_W * RENDER_MM_PT, PAGE_H * RENDER_MM_PT);
	render_pdf_metadata(p.s, _("good/bad evaluation report"));
	p.cr = cairo_create(p.s);
	cairo_scale(p.cr, RENDER_MM_PT, RENDER_MM_PT);
	p.pl = render_layout_new(p.cr);
	/* glyph positions rounded to whole mm would tear words apart */
	pango_context_set_round_glyph_positions(pango_layout_get_context(
	    p.pl), FALSE);
	pango_layout_context_changed(p.pl);
	new_page(&p);
	strbuf_addf(&sb, "%s %s", r->station, _("good/bad evaluation "
	    "report"));
	text(&p, sb.buf, MARGIN, p.y, PAGE_W - 2 * MARGIN, 16, 1,
	    LAYOUT_CENTRE);
	p.y += 10;
	strbuf_reset(&sb);
	report_period_text(&r->o, period, sizeof(period));
	strbuf_addf(&sb, "%s %s", _("period"), period);
	text(&p, sb.buf, MARGIN, p.y, PAGE_W - 2 * MARGIN, 10, 0,
	    LAYOUT_CENTRE);
	p.y += 8;
	pct(a, sizeof(a), report_good_rate(&r->total));
	pct(b, sizeof(b), report_bad_rate(&r->total));
	strbuf_reset(&sb);
	strbuf_addf(&sb, _("%ld evaluations, good rate %s, bad rate %s, "
	    "%ld excluded by an accepted appeal"), r->total.n, a, b,
	    r->excluded);
	text(&p, sb.buf, MARGIN, p.y, PAGE_W - 2 * MARGIN, 9, 0,
	    LAYOUT_LEFT);
	p.y += 6;
	text(&p, _("good rate = (very satisfied + satisfied) / evaluations; "
	    "bad rate = (dissatisfied + very dissatisfied) / evaluations"),
	    MARGIN, p.y, PAGE_W - 2 * MARGIN, 7, 0, LAYOUT_LEFT);
	p.y += 5;
	if (!r->have_cases) {
		text(&p, _("follow-up figures not available: the station "
		    "has no bad-review cases (hcp-review)"), MARGIN, p.y,
		    PAGE_W - 2 * MARGIN, 7, 0, LAYOUT_LEFT);
		p.y += 5;
	}
	p.y += 4;
	chart_grades(&p, r);
	chart_units(&p, r);
	chart_trend(&p, r);
	new_page(&p);
	for (i = 0; i < RB_NBY; i++)
		if (r->o.by & (1u << i))
			table(&p, r, &r->tables[i]);
	cairo_show_page(p.cr);
	g_object_unref(p.pl);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.s);
	st = cairo_surface_status(p.s);
	cairo_surface_destroy(p.s);
	strbuf_release(&sb);
	if (st != CAIRO_STATUS_SUCCESS) {
		*errstr = xasprintf("%s: %s", name,
		    cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
