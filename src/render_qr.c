/* SPDX-License-Identifier: ISC */
/*
 * Window QR codes (render.h): an A4 PDF sheet of labels or of posters,
 * a PNG or SVG of the code alone, UTF-8 terminal art.
 *
 * A sheet of a thousand labels must come out much faster than a
 * thousand runs of qrencode, so the codes are encoded on every processor
 * while the pages are drawn; the codes of a page are one 1-bit stencil
 * image (one per code size), not a path of module runs each; the part of
 * a label that is the same on every label (cut line, hall, "请扫码评价",
 * the caption) is drawn once into a recording surface that the PDF holds
 * once and paints once a full page; and the two texts that change
 * (window name, window code) each have one pango layout, set up once,
 * that gets only new text per label.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "i18n.h"
#include "outfile.h"
#include "render.h"
#include "renderint.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define PAGE_W 210.0
#define PAGE_H 297.0
#define PAGE_MARGIN 8.0

#define PROMPT "请扫码评价"
#define CAPTION "窗口编号 · 校验码"

/* Where things go on a label or a poster, in mm from its corner. */
struct geom {
	double w, h;		/* the label (the page for a poster) */
	double pad;		/* inner margin */
	double hall_y, hall_h, hall_pt;
	double name_y, name_h, name_pt;
	double prompt_y, prompt_h, prompt_pt;
	double qr_x, qr_y, side;
	double cap_y, cap_h, cap_pt;	/* caption of the code line */
	double code_y, code_h, code_pt;
	int cols, rows;		/* labels on a page */
};

/* One text style: a pango layout set up once, reused for every label. */
struct style {
	PangoLayout *pl;
	double h;
};

struct sheet {
	const struct render_qr_opts *o;
	const char *name;
	struct geom g;
	struct render_qr_batch *batch;
	struct placed {
		QRcode *q;
		double x, y;	/* corner of the quiet zone, mm */
		int gx, gy;	/* first module on the module grid */
	} *codes;		/* on this page, drawn at its end */
	size_t ncodes;
	cairo_surface_t *pdf, *rec, *rec_page;
	char *rec_hall;		/* the hall drawn into rec and rec_page */
	cairo_t *cr;
	struct style sname, scode, scode2;
	struct strbuf sb;
};

static const char levels[] = "LMQH";

static char *
cairo_err(const char *name, cairo_status_t st)
{
	if (st == CAIRO_STATUS_WRITE_ERROR)
		return xasprintf("%s: %s", name, _("write error"));
	return xasprintf("%s: %s", name, cairo_status_to_string(st));
}

static cairo_status_t
write_fp(void *closure, const unsigned char *data, unsigned int len)
{
	FILE *fp = closure;

	return fwrite(data, 1, len, fp) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

static int
level(const struct render_qr_opts *o)
{
	return o->eclevel >= 0 && o->eclevel <= 3 ? o->eclevel : 1;
}

/* Sets *errstr for a code that could not be made (errno says why). */
static void
encode_err(const struct render_qr_label *lab, int lv, const char *name,
    char **errstr)
{
	if (errno == ERANGE)
		*errstr = xasprintf(_("%s: window %s: the URL (%zu bytes) is "
		    "too long for a QR code at level %c"), name, lab->window,
		    strlen(lab->payload), levels[lv]);
	else
		*errstr = xasprintf("%s: window %s: %s", name, lab->window,
		    strerror(errno));
}

/* Encodes the payload of lab, or sets *errstr naming the window. */
static QRcode *
encode(const struct render_qr_label *lab, const struct render_qr_opts *o,
    const char *name, char **errstr)
{
	QRcode *q;

	if ((q = render_qr_encode(lab->payload, level(o))) == NULL)
		encode_err(lab, level(o), name, errstr);
	return q;
}

/*
 * Lays out a label around a QR side of s mm, and the grid of labels on
 * the page.  Returns -1 if not even one label fits.
 */
static int
geom_label(struct geom *g, double s)
{
	double tw = s > 36 ? s : 36;	/* room for the texts */
	double minw, minh, top;

	memset(g, 0, sizeof(*g));
	g->pad = 2.5;
	g->hall_h = 4.5, g->hall_pt = 8;
	g->name_h = 9, g->name_pt = 11;
	g->prompt_h = 6.5, g->prompt_pt = 13;
	g->cap_h = 3.5, g->cap_pt = 6.5;
	g->code_h = 5.5, g->code_pt = 9;
	g->side = s;
	minw = tw + 2 * g->pad;
	minh = 2 * g->pad + g->hall_h + g->name_h + g->prompt_h + s +
	    g->cap_h + g->code_h;
	g->cols = (int)((PAGE_W - 2 * PAGE_MARGIN) / minw);
	g->rows = (int)((PAGE_H - 2 * PAGE_MARGIN) / minh);
	if (g->cols < 1 || g->rows < 1)
		return -1;
	g->w = (PAGE_W - 2 * PAGE_MARGIN) / g->cols;
	g->h = (PAGE_H - 2 * PAGE_MARGIN) / g->rows;
	top = g->pad + (g->h - minh) / 2;
	g->hall_y = top;
	g->name_y = g->hall_y + g->hall_h;
	g->prompt_y = g->name_y + g->name_h;
	g->qr_y = g->prompt_y + g->prompt_h;
	g->qr_x = (g->w - s) / 2;
	g->cap_y = g->qr_y + s;
	g->code_y = g->cap_y + g->cap_h;
	return 0;
}

/* A poster: one label as large as the page, the texts larger. */
static int
geom_poster(struct geom *g, double s)
{
	double total;

	memset(g, 0, sizeof(*g));
	g->w = PAGE_W, g->h = PAGE_H;
	g->pad = 15;
	g->hall_h = 12, g->hall_pt = 16;
	g->name_h = 28, g->name_pt = 30;
	g->prompt_h = 20, g->prompt_pt = 36;
	g->cap_h = 9, g->cap_pt = 12;
	g->code_h = 12, g->code_pt = 20;
	g->side = s;
	g->cols = g->rows = 1;
	total = g->hall_h + g->name_h + g->prompt_h + s + g->cap_h +
	    g->code_h;
	if (s + 2 * g->pad > PAGE_W || total + 2 * g->pad > PAGE_H)
		return -1;
	g->hall_y = (PAGE_H - total) / 2;
	g->name_y = g->hall_y + g->hall_h;
	g->prompt_y = g->name_y + g->name_h;
	g->qr_y = g->prompt_y + g->prompt_h;
	g->qr_x = (PAGE_W - s) / 2;
	g->cap_y = g->qr_y + s;
	g->code_y = g->cap_y + g->cap_h;
	return 0;
}

/*
 * A layout of one style: centred in width w, at most lines lines (the
 * rest ellipsized), glyphs where the font puts them (see render_form.c).
 */
static void
style_init(struct style *st, cairo_t *cr, double pt, int bold, double w,
    double h, int lines)
{
	PangoFontDescription *fd = pango_font_description_new();

	st->pl = render_layout_new(cr);
	st->h = h;
	pango_context_set_round_glyph_positions(
	    pango_layout_get_context(st->pl), FALSE);
	pango_layout_context_changed(st->pl);
	pango_font_description_set_family_static(fd, render_font());
	pango_font_description_set_absolute_size(fd,
	    pt * RENDER_PT_MM * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(st->pl, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(st->pl, (int)(w * PANGO_SCALE));
	pango_layout_set_height(st->pl, -lines);
	pango_layout_set_wrap(st->pl, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_ellipsize(st->pl, PANGO_ELLIPSIZE_END);
	pango_layout_set_alignment(st->pl, PANGO_ALIGN_CENTER);
}

/*
 * Shows text in the style's box at (x, y), centred vertically; if it
 * had to be shortened and there is a second style, text2 in that one
 * instead.
 */
static void
style_show2(cairo_t *cr, struct style *st, const char *text,
    struct style *st2, const char *text2, double x, double y)
{
	PangoRectangle logical;
	double th;

	if (text == NULL || *text == '\0')
		return;
	pango_layout_set_text(st->pl, text, -1);
	if (st2 != NULL && pango_layout_is_ellipsized(st->pl)) {
		st = st2;
		pango_layout_set_text(st->pl, text2, -1);
	}
	pango_layout_get_extents(st->pl, NULL, &logical);
	th = (double)logical.height / PANGO_SCALE;
	cairo_move_to(cr, x, th < st->h ? y + (st->h - th) / 2 : y);
	pango_cairo_show_layout(cr, st->pl);
}

static void
style_show(cairo_t *cr, struct style *st, const char *text, double x,
    double y)
{
	style_show2(cr, st, text, NULL, NULL, x, y);
}

static void
style_release(struct style *st)
{
	if (st->pl != NULL)
		g_object_unref(st->pl);
	st->pl = NULL;
}

static const char *
hall_of(const struct render_qr_label *lab)
{
	return lab->hall != NULL ? lab->hall : "";
}

/*
 * Records what every label with this hall shows: the cut line (labels
 * only), the hall and the prompt.
 */
static void
record_static(struct sheet *sh, const char *hall)
{
	const struct geom *g = &sh->g;
	cairo_rectangle_t ext = { 0, 0, g->w, g->h };
	struct style st;
	double tw = g->w - 2 * g->pad;
	cairo_t *rcr;

	if (sh->rec != NULL)
		cairo_surface_destroy(sh->rec);
	if (sh->rec_page != NULL)
		cairo_surface_destroy(sh->rec_page);
	sh->rec_page = NULL;
	sh->rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA,
	    &ext);
	rcr = cairo_create(sh->rec);
	if (sh->o->format == RQR_PDF) {
		static const double dash[] = { 1.5, 1.5 };

		cairo_set_source_rgb(rcr, 0.6, 0.6, 0.6);
		cairo_set_line_width(rcr, 0.15);
		cairo_set_dash(rcr, dash, 2, 0);
		cairo_rectangle(rcr, 0, 0, g->w, g->h);
		cairo_stroke(rcr);
		cairo_set_dash(rcr, NULL, 0, 0);
	}
	cairo_set_source_rgb(rcr, 0, 0, 0);
	style_init(&st, rcr, g->hall_pt, 0, tw, g->hall_h, 1);
	style_show(rcr, &st, hall, g->pad, g->hall_y);
	style_release(&st);
	style_init(&st, rcr, g->prompt_pt, 1, tw, g->prompt_h, 1);
	style_show(rcr, &st, PROMPT, g->pad, g->prompt_y);
	style_release(&st);
	style_init(&st, rcr, g->cap_pt, 0, tw, g->cap_h, 1);
	style_show(rcr, &st, CAPTION, g->pad, g->cap_y);
	style_release(&st);
	cairo_destroy(rcr);
	free(sh->rec_hall);
	sh->rec_hall = xstrdup(hall);
}

/*
 * Draws the codes of the page: those of one size (modules a side) go
 * into one 1-bit image on a grid of their module size, so that the PDF
 * has one small image a page, not one a code.  A code moves by less
 * than half a module to sit on the grid.
 */
static void
draw_codes(struct sheet *sh)
{
	int margin = sh->o->margin;
	size_t i, j;

	for (i = 0; i < sh->ncodes; i++) {
		QRcode *q = sh->codes[i].q;
		int n, x0, y0, x1, y1;
		cairo_surface_t *img;
		double m;

		if (q == NULL)
			continue;
		n = q->width;
		m = sh->g.side / (n + 2 * margin);
		/* The grid positions, and the box around them. */
		x0 = y0 = 1 << 30;
		x1 = y1 = 0;
		for (j = i; j < sh->ncodes; j++) {
			struct placed *p = &sh->codes[j];

			if (p->q == NULL || p->q->width != n)
				continue;
			p->gx = (int)(p->x / m + 0.5) + margin;
			p->gy = (int)(p->y / m + 0.5) + margin;
			x0 = p->gx < x0 ? p->gx : x0;
			y0 = p->gy < y0 ? p->gy : y0;
			x1 = p->gx + n > x1 ? p->gx + n : x1;
			y1 = p->gy + n > y1 ? p->gy + n : y1;
		}
		img = cairo_image_surface_create(CAIRO_FORMAT_A1, x1 - x0,
		    y1 - y0);
		for (j = i; j < sh->ncodes; j++) {
			struct placed *p = &sh->codes[j];

			if (p->q == NULL || p->q->width != n)
				continue;
			render_qr_blit(img, p->q, p->gx - x0, p->gy - y0);
			QRcode_free(p->q);
			p->q = NULL;
		}
		cairo_set_source_rgb(sh->cr, 0, 0, 0);
		render_qr_stencil(sh->cr, img, x0 * m, y0 * m, m);
		cairo_surface_destroy(img);
	}
	sh->ncodes = 0;
}

/*
 * Paints what every label of a full page of labels with this hall
 * shows, all cells at once (one operation a page, not one a label).
 */
static void
page_static(struct sheet *sh, const char *hall)
{
	cairo_rectangle_t ext = { 0, 0, PAGE_W, PAGE_H };
	const struct geom *g = &sh->g;
	cairo_t *rcr;
	int r, c;

	if (sh->rec == NULL || strcmp(sh->rec_hall, hall) != 0)
		record_static(sh, hall);
	if (sh->rec_page == NULL) {
		sh->rec_page = cairo_recording_surface_create(
		    CAIRO_CONTENT_COLOR_ALPHA, &ext);
		rcr = cairo_create(sh->rec_page);
		for (r = 0; r < g->rows; r++)
			for (c = 0; c < g->cols; c++) {
				cairo_set_source_surface(rcr, sh->rec,
				    PAGE_MARGIN + c * g->w,
				    PAGE_MARGIN + r * g->h);
				cairo_paint(rcr);
			}
		cairo_destroy(rcr);
	}
	cairo_set_source_surface(sh->cr, sh->rec_page, 0, 0);
	cairo_paint(sh->cr);
}

/*
 * Draws label i of v with its corner at (x, y); its unchanging part
 * too unless page_static() drew it.
 */
static int
label(struct sheet *sh, const struct render_qr_label *v, size_t i,
    double x, double y, int whole, char **errstr)
{
	const struct render_qr_label *lab = &v[i];
	const struct geom *g = &sh->g;
	cairo_t *cr = sh->cr;
	const char *hall = hall_of(lab);
	QRcode *q;

	if ((q = render_qr_batch_get(sh->batch, i)) == NULL) {
		encode_err(lab, level(sh->o), sh->name, errstr);
		return -1;
	}
	if (whole) {
		if (sh->rec == NULL || strcmp(sh->rec_hall, hall) != 0)
			record_static(sh, hall);
		cairo_set_source_surface(cr, sh->rec, x, y);
		cairo_paint(cr);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	style_show(cr, &sh->sname, lab->window_name, x + g->pad,
	    y + g->name_y);
	sh->codes[sh->ncodes].q = q;
	sh->codes[sh->ncodes].x = x + g->qr_x;
	sh->codes[sh->ncodes++].y = y + g->qr_y;
	/* Never shortened: a long id and its check code take two lines. */
	strbuf_reset(&sh->sb);
	strbuf_addf(&sh->sb, "%s · %s", lab->window, lab->check);
	strbuf_addc(&sh->sb, '\0');
	strbuf_addf(&sh->sb, "%s ·\n%s", lab->window, lab->check);
	cairo_set_source_rgb(cr, 0, 0, 0);
	style_show2(cr, &sh->scode, sh->sb.buf, &sh->scode2,
	    sh->sb.buf + strlen(sh->sb.buf) + 1, x + g->pad, y + g->code_y);
	return 0;
}

int
render_qr_pdf(const struct render_qr_label *v, size_t n,
    const struct render_qr_opts *o, FILE *fp, const char *name,
    char **errstr)
{
	const char **data;
	struct sheet sh;
	cairo_status_t st;
	size_t i, per;
	double s, tw;
	int rc = 0, full = 0;

	memset(&sh, 0, sizeof(sh));
	sh.o = o;
	sh.name = name;
	strbuf_init(&sh.sb);
	if (o->format == RQR_POSTER) {
		s = o->side_mm > 0 ? o->side_mm : RENDER_QR_POSTER_MM;
		rc = geom_poster(&sh.g, s);
	} else {
		s = o->side_mm > 0 ? o->side_mm : RENDER_QR_LABEL_MM;
		rc = geom_label(&sh.g, s);
	}
	if (rc != 0) {
		*errstr = xasprintf(_("%s: a QR side of %g mm does not fit "
		    "on an A4 page"), name, s);
		return -1;
	}
	sh.pdf = cairo_pdf_surface_create_for_stream(write_fp, fp,
	    PAGE_W * RENDER_MM_PT, PAGE_H * RENDER_MM_PT);
	if ((st = cairo_surface_status(sh.pdf)) != CAIRO_STATUS_SUCCESS) {
		*errstr = cairo_err(name, st);
		cairo_surface_destroy(sh.pdf);
		return -1;
	}
	render_pdf_metadata(sh.pdf, "政务服务好差评窗口二维码");
	sh.cr = cairo_create(sh.pdf);
	cairo_scale(sh.cr, RENDER_MM_PT, RENDER_MM_PT);
	tw = sh.g.w - 2 * sh.g.pad;
	style_init(&sh.sname, sh.cr, sh.g.name_pt, 1, tw, sh.g.name_h, 2);
	style_init(&sh.scode, sh.cr, sh.g.code_pt, 1, tw, sh.g.code_h, 1);
	style_init(&sh.scode2, sh.cr, sh.g.code_pt * 0.8, 1, tw, sh.g.code_h,
	    2);
	pango_layout_set_ellipsize(sh.scode2.pl, PANGO_ELLIPSIZE_NONE);
	per = (size_t)sh.g.cols * (size_t)sh.g.rows;
	data = xcalloc(n > 0 ? n : 1, sizeof(*data));
	for (i = 0; i < n; i++)
		data[i] = v[i].payload;
	sh.batch = render_qr_batch_new(data, n, level(o));
	sh.codes = xcalloc(per, sizeof(*sh.codes));
	for (i = 0; i < n && rc == 0; i++) {
		size_t k = i % per;
		double x = 0, y = 0;

		/* A full page of labels of one hall: its static part once. */
		if (k == 0) {
			size_t j;

			full = o->format == RQR_PDF && per > 1 && n - i >= per;
			for (j = i + 1; full && j < i + per; j++)
				full = strcmp(hall_of(&v[j]), hall_of(&v[i])) ==
				    0;
			if (full)
				page_static(&sh, hall_of(&v[i]));
		}
		if (o->format == RQR_PDF) {
			x = PAGE_MARGIN + (double)(k % (size_t)sh.g.cols) *
			    sh.g.w;
			y = PAGE_MARGIN + (double)(k / (size_t)sh.g.cols) *
			    sh.g.h;
		}
		rc = label(&sh, v, i, x, y, !full, errstr);
		if (rc == 0 && (k + 1 == per || i + 1 == n)) {
			draw_codes(&sh);
			cairo_show_page(sh.cr);
		}
	}
	if (rc == 0 && (st = cairo_status(sh.cr)) != CAIRO_STATUS_SUCCESS) {
		*errstr = cairo_err(name, st);
		rc = -1;
	}
	for (i = 0; i < sh.ncodes; i++)
		QRcode_free(sh.codes[i].q);
	free(sh.codes);
	render_qr_batch_free(sh.batch);
	free(data);
	style_release(&sh.sname);
	style_release(&sh.scode);
	style_release(&sh.scode2);
	cairo_destroy(sh.cr);
	if (sh.rec != NULL)
		cairo_surface_destroy(sh.rec);
	if (sh.rec_page != NULL)
		cairo_surface_destroy(sh.rec_page);
	cairo_surface_finish(sh.pdf);
	if (rc == 0 &&
	    (st = cairo_surface_status(sh.pdf)) != CAIRO_STATUS_SUCCESS) {
		*errstr = cairo_err(name, st);
		rc = -1;
	}
	cairo_surface_destroy(sh.pdf);
	free(sh.rec_hall);
	strbuf_release(&sh.sb);
	render_fonts_release();
	return rc;
}

/*
 * A PNG is a 1-bit grey image (cairo writes an A1 surface so, a set
 * bit white), filled pixel by pixel: whole pixels a module, no grey
 * edges, and a few hundred bytes a file.
 */
static cairo_surface_t *
png_surface(const QRcode *q, int margin, int size)
{
	int n = q->width, px = (n + 2 * margin) * size, stride, r, c, k;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A1, px,
	    px);
	unsigned char *d;

	cairo_surface_flush(s);
	if ((d = cairo_image_surface_get_data(s)) == NULL)
		return s;
	stride = cairo_image_surface_get_stride(s);
	/* All white, then each module row drawn once and copied. */
	memset(d, 0xff, (size_t)stride * (size_t)px);
	for (r = 0; r < n; r++) {
		unsigned char *first = d + (size_t)((margin + r) * size) *
		    (size_t)stride;
		uint32_t *row = (uint32_t *)(void *)first;

		for (c = 0; c < n; c++) {
			int x;

			if (!(q->data[r * n + c] & 1))
				continue;
			for (x = (margin + c) * size;
			    x < (margin + c + 1) * size; x++)
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
				row[x >> 5] &= ~(0x80000000u >> (x & 31));
#else
				row[x >> 5] &= ~(1u << (x & 31));
#endif
		}
		for (k = 1; k < size; k++)
			memcpy(first + (size_t)k * (size_t)stride, first,
			    (size_t)stride);
	}
	cairo_surface_mark_dirty(s);
	return s;
}

/* Writes q as a PNG or an SVG to fp. */
static int
write_code(const QRcode *q, const struct render_qr_opts *o, FILE *fp,
    const char *name, char **errstr)
{
	int px = (q->width + 2 * o->margin) * o->size;
	cairo_surface_t *s;
	cairo_status_t st;
	cairo_t *cr;

	if (o->format == RQR_SVG) {
		s = cairo_svg_surface_create_for_stream(write_fp, fp, px, px);
		cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
		cr = cairo_create(s);
		cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
		render_qr_draw(cr, q, 0, 0, px, o->margin);
		st = cairo_status(cr);
		cairo_destroy(cr);
		cairo_surface_finish(s);
		if (st == CAIRO_STATUS_SUCCESS)
			st = cairo_surface_status(s);
	} else {
		s = png_surface(q, o->margin, o->size);
		st = cairo_surface_status(s);
		if (st == CAIRO_STATUS_SUCCESS)
			st = cairo_surface_write_to_png_stream(s, write_fp,
			    fp);
	}
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		*errstr = cairo_err(name, st);
		return -1;
	}
	return 0;
}

int
render_qr_file(const struct render_qr_label *lab,
    const struct render_qr_opts *o, FILE *fp, const char *name,
    char **errstr)
{
	QRcode *q;
	int rc;

	if ((q = encode(lab, o, name, errstr)) == NULL)
		return -1;
	rc = write_code(q, o, fp, name, errstr);
	QRcode_free(q);
	return rc;
}

struct dir_job {
	const struct render_qr_label *v;
	const struct render_qr_opts *o;
	const char *dir, *ext;
	char **err;		/* the message of each code that failed */
};

/* Encodes code i of a directory job and writes its file. */
static int
dir_one(void *arg, size_t i)
{
	struct dir_job *j = arg;
	char *path = xasprintf("%s/%s.%s", j->dir, j->v[i].window, j->ext);
	struct outfile *of;
	QRcode *q;
	FILE *fp;
	int rc = -1, bad;

	if ((q = render_qr_encode(j->v[i].payload, level(j->o))) == NULL) {
		encode_err(&j->v[i], level(j->o), path, &j->err[i]);
		goto out;
	}
	/* no personal data: 0666 less the umask, like the PDF sheet */
	if ((of = outfile_open(path, OUTFILE_PUBLIC, &j->err[i])) == NULL)
		goto out;
	fp = outfile_fp(of);
	rc = write_code(q, j->o, fp, path, &j->err[i]);
	bad = ferror(fp);
	if (rc != 0 || bad) {
		outfile_abort(of);
		if (rc == 0)
			j->err[i] = xasprintf("%s: %s", path,
			    _("write error"));
		rc = -1;
	} else if (outfile_commit(of, &j->err[i]) != 0)
		rc = -1;
out:
	if (q != NULL)
		QRcode_free(q);
	free(path);
	return rc;
}

int
render_qr_dir(const struct render_qr_label *v, size_t n,
    const struct render_qr_opts *o, const char *dir, char **errstr)
{
	struct dir_job j;
	size_t i;
	int rc;

	j.v = v;
	j.o = o;
	j.dir = dir;
	j.ext = o->format == RQR_SVG ? "svg" : "png";
	j.err = xcalloc(n > 0 ? n : 1, sizeof(*j.err));
	rc = render_parallel(n, dir_one, &j);
	/* The first failure in window order, whichever thread saw it. */
	for (i = 0; i < n; i++) {
		if (j.err[i] != NULL && *errstr == NULL)
			*errstr = j.err[i];
		else
			free(j.err[i]);
	}
	free(j.err);
	return rc;
}

int
render_qr_utf8(const struct render_qr_label *lab,
    const struct render_qr_opts *o, FILE *fp, const char *name,
    char **errstr)
{
	/* Indexed by (top light) << 1 | (bottom light). */
	static const char *const cell[] = { " ", "▄", "▀",
	    "█" };
	struct strbuf sb = STRBUF_INIT;
	int n, total, r, c;
	QRcode *q;

	if ((q = encode(lab, o, name, errstr)) == NULL)
		return -1;
	n = q->width;
	total = n + 2 * o->margin;
	for (r = 0; r < total; r += 2) {
		for (c = 0; c < total; c++) {
			int k, light[2];

			for (k = 0; k < 2; k++) {
				int rr = r + k - o->margin,
				    cc = c - o->margin;

				light[k] = rr < 0 || rr >= n || cc < 0 ||
				    cc >= n || !(q->data[rr * n + cc] & 1);
			}
			strbuf_adds(&sb, cell[light[0] << 1 | light[1]]);
		}
		strbuf_addc(&sb, '\n');
	}
	QRcode_free(q);
	if (fwrite(sb.buf, 1, sb.len, fp) != sb.len) {
		*errstr = xasprintf("%s: %s", name, _("write error"));
		strbuf_release(&sb);
		return -1;
	}
	strbuf_release(&sb);
	return 0;
}
