/* SPDX-License-Identifier: ISC */
/*
 * The return-visit work sheet (render.h, hcp-review(1) sheet): an A4
 * page per case, its facts on the left of a ruled table, then boxes for
 * the result of the call, the evaluator's satisfaction with the
 * handling, what was done, and the signature.  Built on the shared
 * drawing helpers of render_util.c.
 */
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "render.h"
#include "renderint.h"
#include "xalloc.h"
#include "banned.h"

#define PAGE_W	210.0
#define PAGE_H	297.0
#define MARGIN	18.0
#define ROW_H	9.0
#define LABEL_W	44.0
#define BOX	3.6		/* a tick box, mm */

static cairo_status_t
write_fp(void *closure, const unsigned char *data, unsigned int len)
{
	FILE *fp = closure;

	return fwrite(data, 1, len, fp) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

static const char *
or_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

/* One ruled row "label | value" at y; returns the next y. */
static double
row(cairo_t *cr, PangoLayout *pl, double y, const char *label,
    const char *value, double h)
{
	double w = PAGE_W - 2 * MARGIN;

	cairo_rectangle(cr, MARGIN, y, w, h);
	cairo_move_to(cr, MARGIN + LABEL_W, y);
	cairo_line_to(cr, MARGIN + LABEL_W, y + h);
	cairo_stroke(cr);
	render_text(cr, pl, label, MARGIN + 2, y, LABEL_W - 4, h, 10, 0,
	    LAYOUT_LEFT);
	if (value != NULL)	/* NULL: a box to write in */
		render_text(cr, pl, or_dash(value), MARGIN + LABEL_W + 2, y,
		    w - LABEL_W - 4, h, 10, 0, LAYOUT_LEFT);
	return y + h;
}

/* A row of tick boxes, each followed by its label. */
static double
boxes(cairo_t *cr, PangoLayout *pl, double y, const char *label,
    const char *const *opts, size_t n, double h)
{
	double w = PAGE_W - 2 * MARGIN, x = MARGIN + LABEL_W + 3;
	double step = (w - LABEL_W - 6) / (double)n;
	size_t i;

	row(cr, pl, y, label, NULL, h);
	for (i = 0; i < n; i++) {
		cairo_rectangle(cr, x + step * (double)i, y + (h - BOX) / 2,
		    BOX, BOX);
		cairo_stroke(cr);
		render_text(cr, pl, opts[i], x + step * (double)i + BOX + 1.5,
		    y, step - BOX - 2, h, 10, 0, LAYOUT_LEFT);
	}
	return y + h;
}

static void
page(cairo_t *cr, PangoLayout *pl, const struct render_case_sheet *c)
{
	static const char *const result[] = { "已联系", "未接通", "拒绝回访" };
	static const char *const grade[] = { "非常满意", "满意", "基本满意",
		"不满意", "非常不满意" };
	static const char *const handling[] = { "立行立改", "限期整改",
		"解释说明", "申诉" };
	char title[256];
	double y = MARGIN;

	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.3);
	render_text(cr, pl, "政务服务差评回访工作单", MARGIN, y,
	    PAGE_W - 2 * MARGIN, 10, 16, 1, LAYOUT_CENTRE);
	y += 11;
	snprintf(title, sizeof(title), "%s%s案件 %s", c->station != NULL ?
	    c->station : "", c->station != NULL && *c->station != '\0' ?
	    "  " : "", c->case_no);
	render_text(cr, pl, title, MARGIN, y, PAGE_W - 2 * MARGIN, 7, 11, 0,
	    LAYOUT_CENTRE);
	y += 10;
	y = row(cr, pl, y, "案件编号 Case", c->case_no, ROW_H);
	y = row(cr, pl, y, "状态 State", c->state, ROW_H);
	y = row(cr, pl, y, "评价 Record", c->record, ROW_H);
	y = row(cr, pl, y, "评价等级 Grade", c->grade, ROW_H);
	y = row(cr, pl, y, "评价时间 Assessed", c->assessed, ROW_H);
	y = row(cr, pl, y, "事项 Item", c->item, ROW_H);
	y = row(cr, pl, y, "责任部门 Dept", c->dept, ROW_H);
	y = row(cr, pl, y, "窗口/人员 Window", c->window, ROW_H);
	y = row(cr, pl, y, "工作人员 Staff", c->staff, ROW_H);
	y = row(cr, pl, y, "差评原因 Reason", c->detail, ROW_H);
	y = row(cr, pl, y, "评价意见 Comment", c->comment, 2 * ROW_H);
	y = row(cr, pl, y, "评价人 Evaluator", c->evaluator, ROW_H);
	y = row(cr, pl, y, "联系电话 Phone", c->phone, ROW_H);
	y = row(cr, pl, y, "回访期限 Visit due", c->visit_due, ROW_H);
	y = row(cr, pl, y, "整改期限 Rectify due", c->rectify_due, ROW_H);
	y = row(cr, pl, y, "下一期限 Next due", c->next_due, ROW_H);
	y += 6;
	render_text(cr, pl, "回访记录（手写）", MARGIN, y, PAGE_W - 2 * MARGIN,
	    7, 11, 1, LAYOUT_LEFT);
	y += 8;
	y = boxes(cr, pl, y, "回访结果", result, 3, ROW_H);
	y = boxes(cr, pl, y, "对处理的评价", grade, 5, ROW_H);
	y = boxes(cr, pl, y, "处理方式", handling, 4, ROW_H);
	y = row(cr, pl, y, "处理情况", NULL, 4 * ROW_H);
	y = row(cr, pl, y, "回访日期", NULL, ROW_H);
	(void)row(cr, pl, y, "经办人签名", NULL, ROW_H);
	cairo_show_page(cr);
}

int
render_case_sheets(const struct render_case_sheet *v, size_t n, FILE *fp,
    const char *name, char **errstr)
{
	cairo_surface_t *pdf;
	cairo_status_t st;
	PangoLayout *pl;
	cairo_t *cr;
	size_t i;

	pdf = cairo_pdf_surface_create_for_stream(write_fp, fp,
	    PAGE_W * RENDER_MM_PT, PAGE_H * RENDER_MM_PT);
	if ((st = cairo_surface_status(pdf)) != CAIRO_STATUS_SUCCESS) {
		*errstr = xasprintf("%s: %s", name,
		    cairo_status_to_string(st));
		cairo_surface_destroy(pdf);
		return -1;
	}
	render_pdf_metadata(pdf, "政务服务差评回访工作单");
	cr = cairo_create(pdf);
	cairo_scale(cr, RENDER_MM_PT, RENDER_MM_PT);
	pl = render_layout_new(cr);
	for (i = 0; i < n; i++)
		page(cr, pl, &v[i]);
	g_object_unref(pl);
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	render_fonts_release();
	if (st != CAIRO_STATUS_SUCCESS) {
		*errstr = xasprintf("%s: %s", name,
		    cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
