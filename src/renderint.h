/* SPDX-License-Identifier: ISC */
/*
 * Internals shared by the renderers (render_*.c): millimetre units,
 * pango text in a box, QR symbols from libqrencode as one cairo path.
 */
#ifndef HCP_RENDERINT_H
#define HCP_RENDERINT_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "layout.h"

#define RENDER_PT_MM 0.352778
#define RENDER_MM_PT (72.0 / 25.4)

/* The font family: $HCP_FONT or WenQuanYi Micro Hei. */
const char *render_font(void);

/*
 * A pango layout on cr with hinting off (so a PDF keeps exact advances);
 * the caller unrefs it.
 */
PangoLayout *render_layout_new(cairo_t *cr);

/*
 * Draws text in the box (x, y, w, h) in the current cairo units (mm),
 * at pt points, wrapped to w; a text shorter than h is centred
 * vertically.  pl is reused between calls.
 */
void render_text(cairo_t *cr, PangoLayout *pl, const char *text, double x,
    double y, double w, double h, double pt, int bold,
    enum layout_align align);

/*
 * Encodes data (8-bit mode, or alphanumeric where it can), at the error
 * correction level 0-3.  Returns NULL with errno set on failure.
 */
QRcode *render_qr_encode(const char *data, int eclevel);

/*
 * Fills the dark modules of q, with a quiet zone of margin modules, in
 * the square (x, y, side) in the current units, over a white square.
 */
void render_qr_draw(cairo_t *cr, const QRcode *q, double x, double y,
    double side, int margin);

/* Sets the PDF's metadata (title, creator, dates from the clock). */
void render_pdf_metadata(cairo_surface_t *s, const char *title);

#endif
