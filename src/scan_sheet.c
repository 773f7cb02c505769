/* SPDX-License-Identifier: ISC */
/*
 * The keying sheet and the review contact sheet of hcp-scan (scan.h),
 * A4 PDF drawn with cairo and pango as the forms are (renderint.h: the
 * font, text in a box, the PDF metadata).  A row of the CSV is a block:
 * a head line (the CSV's line number, large, the serial, the page it was
 * read from, and for review what is unclear), then its areas, one under
 * the other: the field's name, the crop at its size on the paper (made
 * smaller only when wider than the space), and on the keying sheet an
 * empty cell beside it.  A block is never split across pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>

#include "i18n.h"
#include "outfile.h"
#include "renderint.h"
#include "scan.h"
#include "scanint.h"
#include "xalloc.h"
#include "banned.h"

#define PAGE_W 210.0
#define PAGE_H 297.0
#define MARGIN 12.0
#define HEAD_H 7.0		/* a block's head line */
#define LABEL_W 22.0		/* the field names */
#define CELL_W 55.0		/* the keying sheet's empty cells */
#define GAP 1.5			/* between areas */
#define BLOCK_GAP 4.0		/* between blocks */
#define MAX_AREA_H 40.0		/* an area taller is made smaller */

struct sheet {
	enum scan_sheet_kind kind;
	cairo_t *cr;
	PangoLayout *pl;
	double y;		/* where the next block goes */
	int page;
	const char *csv;
};

static cairo_status_t
write_fp(void *arg, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, arg) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

/* The room an area takes across and down (mm), and its scale. */
static double
area_size(const struct sheet *sh, const struct scan_sheet_area *a,
    double *w, double *h)
{
	double room = PAGE_W - 2 * MARGIN - LABEL_W -
	    (sh->kind == SCAN_SHEET_KEYING ? CELL_W + 2 : 0);
	double s = 1;

	if (a->crop == NULL) {
		*w = room;
		*h = 6;
		return 1;
	}
	if (a->crop->mm_w > room)
		s = room / a->crop->mm_w;
	if (a->crop->mm_h * s > MAX_AREA_H)
		s = MAX_AREA_H / a->crop->mm_h;
	*w = a->crop->mm_w * s;
	*h = a->crop->mm_h * s;
	if (*h < 6)
		*h = 6;
	return s;
}

static double
block_height(const struct sheet *sh, const struct scan_sheet_row *r)
{
	double h = HEAD_H + (r->note != NULL ? 5 : 0), w, ah;
	size_t i;

	for (i = 0; i < r->narea; i++) {
		area_size(sh, &r->area[i], &w, &ah);
		h += ah + GAP;
	}
	return h;
}

/* The foot line of a page: the CSV it belongs to and the page number. */
static void
page_foot(struct sheet *sh)
{
	char *t = xasprintf("%s  %s  %d", sh->csv,
	    sh->kind == SCAN_SHEET_KEYING ? "录入单" : "复核单", sh->page);

	cairo_set_source_rgb(sh->cr, 0.3, 0.3, 0.3);
	render_text(sh->cr, sh->pl, t, MARGIN, PAGE_H - MARGIN + 3,
	    PAGE_W - 2 * MARGIN, 5, 8, 0, LAYOUT_RIGHT);
	free(t);
}

static void
new_page(struct sheet *sh)
{
	if (sh->page > 0) {
		page_foot(sh);
		cairo_show_page(sh->cr);
	}
	sh->page++;
	sh->y = MARGIN;
}

/* Draws crop c into (x, y, w, h), grey. */
static void
draw_crop(cairo_t *cr, const struct scan_crop *c, double x, double y,
    double w, double h)
{
	cairo_surface_t *img;
	unsigned char *d;
	int stride, i, j;

	img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, c->w, c->h);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return;
	}
	cairo_surface_flush(img);
	d = cairo_image_surface_get_data(img);
	stride = cairo_image_surface_get_stride(img);
	for (j = 0; j < c->h; j++) {
		uint32_t *p = (uint32_t *)(void *)(d + (size_t)j * stride);

		for (i = 0; i < c->w; i++) {
			uint32_t g = c->grey[(size_t)j * c->w + i];

			p[i] = g << 16 | g << 8 | g;
		}
	}
	cairo_surface_mark_dirty(img);
	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h);
	cairo_clip(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, w / c->w, h / c->h);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_surface_destroy(img);
}

static void
draw_block(struct sheet *sh, const struct scan_sheet_row *r)
{
	cairo_t *cr = sh->cr;
	double y, x = MARGIN + LABEL_W, w, h;
	char *t;
	size_t i;

	if (sh->page == 0 || sh->y + block_height(sh, r) > PAGE_H - MARGIN)
		new_page(sh);
	y = sh->y;
	cairo_set_source_rgb(cr, 0, 0, 0);
	t = xasprintf("%ld", r->line);
	render_text(cr, sh->pl, t, MARGIN, y, LABEL_W - 2, HEAD_H, 14, 1,
	    LAYOUT_LEFT);
	free(t);
	t = xasprintf("表单编号 %s    %s", r->serial, r->source);
	render_text(cr, sh->pl, t, x, y, PAGE_W - MARGIN - x, HEAD_H, 9, 0,
	    LAYOUT_LEFT);
	free(t);
	y += HEAD_H;
	if (r->note != NULL) {
		render_text(cr, sh->pl, r->note, x, y, PAGE_W - MARGIN - x, 5,
		    8, 0, LAYOUT_LEFT);
		y += 5;
	}
	for (i = 0; i < r->narea; i++) {
		const struct scan_sheet_area *a = &r->area[i];

		area_size(sh, a, &w, &h);
		cairo_set_source_rgb(cr, 0, 0, 0);
		render_text(cr, sh->pl, a->label, MARGIN, y, LABEL_W - 2, h,
		    8, 0, LAYOUT_RIGHT);
		if (a->crop != NULL)
			draw_crop(cr, a->crop, x, y, w, h);
		else
			render_text(cr, sh->pl, "(未读出)", x, y, w, h, 8, 0,
			    LAYOUT_LEFT);
		cairo_set_line_width(cr, 0.2);
		cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
		cairo_rectangle(cr, x, y, w, h);
		cairo_stroke(cr);
		if (sh->kind == SCAN_SHEET_KEYING) {
			cairo_set_source_rgb(cr, 0, 0, 0);
			cairo_rectangle(cr, PAGE_W - MARGIN - CELL_W, y,
			    CELL_W, h);
			cairo_stroke(cr);
		}
		y += h + GAP;
	}
	cairo_set_line_width(cr, 0.3);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, MARGIN, y + BLOCK_GAP / 2);
	cairo_line_to(cr, PAGE_W - MARGIN, y + BLOCK_GAP / 2);
	cairo_stroke(cr);
	sh->y = y + BLOCK_GAP;
}

int
scan_sheet_write(const char *path, enum scan_sheet_kind kind,
    const char *csv, const struct scan_sheet_row *rows, size_t n,
    char **errstr)
{
	struct sheet sh;
	cairo_surface_t *pdf;
	cairo_status_t st;
	struct outfile *of;
	size_t i;

	if ((of = outfile_open(path, OUTFILE_PRIVATE, errstr)) == NULL)
		return -1;
	pdf = cairo_pdf_surface_create_for_stream(write_fp, outfile_fp(of),
	    PAGE_W * RENDER_MM_PT, PAGE_H * RENDER_MM_PT);
	if ((st = cairo_surface_status(pdf)) != CAIRO_STATUS_SUCCESS) {
		*errstr = xasprintf("%s: %s", path, cairo_status_to_string(st));
		cairo_surface_destroy(pdf);
		outfile_abort(of);
		return -1;
	}
	render_pdf_metadata(pdf, kind == SCAN_SHEET_KEYING ?
	    "扫描表单录入单" : "扫描表单复核单");
	memset(&sh, 0, sizeof(sh));
	sh.kind = kind;
	sh.csv = csv;
	sh.cr = cairo_create(pdf);
	cairo_scale(sh.cr, RENDER_MM_PT, RENDER_MM_PT);
	sh.pl = render_layout_new(sh.cr);
	for (i = 0; i < n; i++)
		draw_block(&sh, &rows[i]);
	if (sh.page > 0) {
		page_foot(&sh);
		cairo_show_page(sh.cr);
	}
	g_object_unref(sh.pl);
	st = cairo_status(sh.cr);
	cairo_destroy(sh.cr);
	cairo_surface_finish(pdf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	render_fonts_release();
	if (st != CAIRO_STATUS_SUCCESS) {
		*errstr = xasprintf("%s: %s", path, cairo_status_to_string(st));
		outfile_abort(of);
		return -1;
	}
	return outfile_commit(of, errstr);
}
