/* SPDX-License-Identifier: ISC */
/*
 * Shared drawing helpers: text boxes with pango, QR symbols with
 * libqrencode drawn as one cairo path of merged module runs, PDF
 * metadata (renderint.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>

#include "clock.h"
#include "renderint.h"
#include "banned.h"

const char *
render_font(void)
{
	const char *f = getenv("HCP_FONT");

	return f != NULL && *f != '\0' ? f : "WenQuanYi Micro Hei";
}

PangoLayout *
render_layout_new(cairo_t *cr)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	PangoLayout *pl;

	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pl = pango_cairo_create_layout(cr);
	pango_cairo_context_set_font_options(pango_layout_get_context(pl),
	    fo);
	pango_layout_context_changed(pl);
	cairo_font_options_destroy(fo);
	return pl;
}

void
render_text(cairo_t *cr, PangoLayout *pl, const char *text, double x,
    double y, double w, double h, double pt, int bold,
    enum layout_align align)
{
	PangoFontDescription *fd = pango_font_description_new();
	PangoRectangle ink, logical;
	double th;

	pango_font_description_set_family_static(fd, render_font());
	pango_font_description_set_absolute_size(fd,
	    pt * RENDER_PT_MM * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(pl, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(pl, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(pl, align == LAYOUT_CENTRE ?
	    PANGO_ALIGN_CENTER : align == LAYOUT_RIGHT ? PANGO_ALIGN_RIGHT :
	    PANGO_ALIGN_LEFT);
	pango_layout_set_text(pl, text, -1);
	pango_layout_get_extents(pl, &ink, &logical);
	th = (double)logical.height / PANGO_SCALE;
	cairo_move_to(cr, x, th < h ? y + (h - th) / 2 : y);
	pango_cairo_show_layout(cr, pl);
}

QRcode *
render_qr_encode(const char *data, int eclevel)
{
	static const QRecLevel lv[] = { QR_ECLEVEL_L, QR_ECLEVEL_M,
	    QR_ECLEVEL_Q, QR_ECLEVEL_H };

	if (eclevel < 0 || eclevel > 3)
		eclevel = 1;
	return QRcode_encodeString(data, 0, lv[eclevel], QR_MODE_8, 1);
}

void
render_qr_draw(cairo_t *cr, const QRcode *q, double x, double y,
    double side, int margin)
{
	int n = q->width, total = n + 2 * margin, r, c;
	double m = side / total;

	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, side, side);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_new_path(cr);
	for (r = 0; r < n; r++) {
		const unsigned char *row = q->data + (size_t)r * n;

		for (c = 0; c < n; c++) {
			int e = c;

			if (!(row[c] & 1))
				continue;
			while (e + 1 < n && (row[e + 1] & 1))
				e++;
			cairo_rectangle(cr, x + (margin + c) * m,
			    y + (margin + r) * m, (e - c + 1) * m, m);
			c = e;
		}
	}
	/* Adjacent rectangles of one path: no seams with the winding rule. */
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
	cairo_fill(cr);
	cairo_restore(cr);
}

void
render_pdf_metadata(cairo_surface_t *s, const char *title)
{
	char iso[32];
	time_t t = clock_now();
	struct tm tm;

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "hcp");
	if (gmtime_r(&t, &tm) != NULL &&
	    strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0) {
		cairo_pdf_surface_set_metadata(s,
		    CAIRO_PDF_METADATA_CREATE_DATE, iso);
		cairo_pdf_surface_set_metadata(s,
		    CAIRO_PDF_METADATA_MOD_DATE, iso);
	}
}
