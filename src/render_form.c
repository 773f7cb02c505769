/* SPDX-License-Identifier: ISC */
/*
 * Numbered paper forms as PDF (render.h).  The part of the page that is
 * the same on every copy is drawn once into a cairo recording surface
 * and painted on each page, so the PDF holds it once (as a form
 * XObject) and every page adds only its serial and its QR.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "i18n.h"
#include "ids.h"
#include "layout.h"
#include "qrpay.h"
#include "render.h"
#include "renderint.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

struct render_forms {
	const struct layout *l;
	char *path;
	char *window;		/* of the static part recorded */
	cairo_surface_t *pdf, *rec;
	cairo_t *cr;
	PangoLayout *pl;
	struct strbuf cut;	/* texts cut to fit, one a line */
};

/*
 * Expands the placeholders of text into sb.  Returns 0, or -1 if one of
 * them has no value (the text is then left out).
 */
static int
expand(struct strbuf *sb, const char *text, const struct render_vars *v,
    const char *serial)
{
	static const char *names[] = { "{serial}", "{hall}", "{name}",
	    "{window_name}", "{window}" };
	const char *p = text;

	strbuf_reset(sb);
	while (*p != '\0') {
		const char *val = NULL;
		size_t i, k = 0;

		if (*p == '{') {
			for (i = 0; i < sizeof(names) / sizeof(names[0]);
			    i++) {
				k = strlen(names[i]);
				if (strncmp(p, names[i], k) == 0)
					break;
			}
			switch (i) {
			case 0:
				val = serial;
				break;
			case 1:
				val = v->hall;
				break;
			case 2:
				val = v->name;
				break;
			case 3:
				val = v->window_name;
				break;
			case 4:
				val = v->window;
				break;
			default:
				k = 0;
				break;
			}
			if (k > 0) {
				if (val == NULL || *val == '\0')
					return -1;
				strbuf_adds(sb, val);
				p += k;
				continue;
			}
		}
		strbuf_addc(sb, *p++);
	}
	return 0;
}

/* Keeps text, cut to fit its box, in rf->cut (once). */
static void
note_cut(struct render_forms *rf, const char *text)
{
	const char *p = strbuf_str(&rf->cut);
	size_t n = strlen(text);

	for (; *p != '\0'; p += strcspn(p, "\n") + 1)
		if (strncmp(p, text, n) == 0 && p[n] == '\n')
			return;
	strbuf_adds(&rf->cut, text);
	strbuf_addc(&rf->cut, '\n');
}

static void
draw_item(struct render_forms *rf, cairo_t *cr, PangoLayout *pl,
    const struct layout_item *it, const struct render_vars *v,
    const char *serial, struct strbuf *sb)
{
	switch (it->kind) {
	case LAYOUT_TEXT:
		if (expand(sb, it->text, v, serial) == 0 &&
		    render_text(cr, pl, strbuf_str(sb), it->x, it->y, it->w,
		    it->h, it->pt, it->bold, it->align) == 2 &&
		    strchr(strbuf_str(sb), '\n') == NULL)
			note_cut(rf, strbuf_str(sb));
		break;
	case LAYOUT_TICK:
		cairo_set_line_width(cr, 0.3);
		cairo_rectangle(cr, it->x, it->y, it->w, it->h);
		cairo_stroke(cr);
		break;
	case LAYOUT_WRITE:
		cairo_set_line_width(cr, 0.2);
		cairo_rectangle(cr, it->x, it->y, it->w, it->h);
		cairo_stroke(cr);
		break;
	case LAYOUT_RULE:
		cairo_save(cr);
		cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
		cairo_set_line_width(cr, 0.2);
		cairo_move_to(cr, it->x, it->y);
		cairo_line_to(cr, it->x + it->w, it->y);
		cairo_stroke(cr);
		cairo_restore(cr);
		break;
	case LAYOUT_MARK:
		cairo_rectangle(cr, it->x, it->y, it->w, it->h);
		cairo_fill(cr);
		break;
	case LAYOUT_QR:
		break;
	}
}

/*
 * A pango layout that places glyphs where the font puts them: pango
 * otherwise rounds glyph positions to whole user-space units, here
 * millimetres, so CJK text at 10 pt came out spread (3.5 mm advances
 * rounded to 4) and at 9.5 pt squeezed (3.35 mm rounded to 3).
 */
static PangoLayout *
layout_new(cairo_t *cr)
{
	PangoLayout *pl = render_layout_new(cr);

	pango_context_set_round_glyph_positions(pango_layout_get_context(pl),
	    FALSE);
	pango_layout_context_changed(pl);
	return pl;
}

static char *
cairo_err(const char *path, cairo_status_t st)
{
	return xasprintf("%s: %s", path, cairo_status_to_string(st));
}

static cairo_status_t
write_fp(void *closure, const unsigned char *data, unsigned int len)
{
	FILE *fp = closure;

	return fwrite(data, 1, len, fp) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

struct render_forms *
render_forms_open(const struct layout *l, FILE *fp, const char *name,
    char **errstr)
{
	struct render_forms *rf = xcalloc(1, sizeof(*rf));
	cairo_status_t st;

	rf->l = l;
	rf->path = xstrdup(name);
	rf->pdf = cairo_pdf_surface_create_for_stream(write_fp, fp,
	    l->page_w * RENDER_MM_PT, l->page_h * RENDER_MM_PT);
	if ((st = cairo_surface_status(rf->pdf)) != CAIRO_STATUS_SUCCESS) {
		*errstr = cairo_err(name, st);
		cairo_surface_destroy(rf->pdf);
		free(rf->path);
		free(rf);
		return NULL;
	}
	render_pdf_metadata(rf->pdf, "政务服务好差评评价表");
	rf->cr = cairo_create(rf->pdf);
	cairo_scale(rf->cr, RENDER_MM_PT, RENDER_MM_PT);
	rf->pl = layout_new(rf->cr);
	strbuf_init(&rf->cut);
	return rf;
}

const char *
render_forms_cut(const struct render_forms *rf)
{
	return strbuf_str(&rf->cut);
}

/* Draws the part of the page that is the same on every copy, in mm. */
static void
record_static(struct render_forms *rf, const struct render_vars *vars)
{
	const struct layout *l = rf->l;
	cairo_rectangle_t ext = { 0, 0, l->page_w, l->page_h };
	struct strbuf sb = STRBUF_INIT;
	PangoLayout *pl;
	cairo_t *rcr;
	size_t i;

	if (rf->rec != NULL)
		cairo_surface_destroy(rf->rec);
	rf->rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA,
	    &ext);
	rcr = cairo_create(rf->rec);
	cairo_set_source_rgb(rcr, 0, 0, 0);
	pl = layout_new(rcr);
	for (i = 0; i < l->n; i++)
		if (!l->v[i].dynamic)
			draw_item(rf, rcr, pl, &l->v[i], vars, "", &sb);
	g_object_unref(pl);
	cairo_destroy(rcr);
	strbuf_release(&sb);
	free(rf->window);
	rf->window = xstrdup(vars->window != NULL ? vars->window : "");
}

int
render_forms_page(struct render_forms *rf, const char *serial,
    const struct render_vars *vars, char **errstr)
{
	const struct layout *l = rf->l;
	struct strbuf sb = STRBUF_INIT;
	char grouped[20], payload[QRPAY_FORM_MAX];
	cairo_t *cr = rf->cr;
	cairo_status_t st;
	QRcode *q;
	size_t i;

	if (qrpay_form_make(serial, l->tid, l->fingerprint, payload) != 0) {
		*errstr = xasprintf("%s: %s: %s", rf->path, serial,
		    _("not a serial, or a bad template id"));
		return -1;
	}
	if (rf->rec == NULL || strcmp(rf->window, vars->window != NULL ?
	    vars->window : "") != 0)
		record_static(rf, vars);
	ids_serial_format(serial, grouped);
	cairo_set_source_surface(cr, rf->rec, 0, 0);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (i = 0; i < l->n; i++) {
		const struct layout_item *it = &l->v[i];

		if (it->dynamic)
			draw_item(rf, cr, rf->pl, it, vars, grouped, &sb);
		else if (it->kind == LAYOUT_QR) {
			if ((q = render_qr_encode(payload, 1)) == NULL) {
				*errstr = xasprintf("%s: %s: %s", rf->path,
				    payload, strerror(errno));
				strbuf_release(&sb);
				return -1;
			}
			render_qr_draw(cr, q, it->x, it->y, it->w, 2);
			QRcode_free(q);
		}
	}
	strbuf_release(&sb);
	cairo_show_page(cr);
	if ((st = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
		*errstr = cairo_err(rf->path, st);
		return -1;
	}
	return 0;
}

int
render_forms_close(struct render_forms *rf, char **errstr)
{
	cairo_status_t st;
	int rc = 0;

	g_object_unref(rf->pl);
	cairo_destroy(rf->cr);
	if (rf->rec != NULL)
		cairo_surface_destroy(rf->rec);
	cairo_surface_finish(rf->pdf);
	if ((st = cairo_surface_status(rf->pdf)) != CAIRO_STATUS_SUCCESS) {
		*errstr = st == CAIRO_STATUS_WRITE_ERROR ?
		    xasprintf("%s: %s", rf->path, _("write error")) :
		    cairo_err(rf->path, st);
		rc = -1;
	}
	free(rf->window);
	strbuf_release(&rf->cut);
	cairo_surface_destroy(rf->pdf);
	free(rf->path);
	free(rf);
	render_fonts_release();
	return rc;
}
