/* SPDX-License-Identifier: ISC */
/*
 * Internals shared by the renderers (render_*.c): millimetre units,
 * pango text in a box, QR symbols from libqrencode as one cairo path or
 * as a stencil, encoded one at a time or many in parallel.
 */
#ifndef HCP_RENDERINT_H
#define HCP_RENDERINT_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "layout.h"

#define RENDER_PT_MM 0.352778
/* render_text(): a text may take this much more than its box's height
 * (a line's descent in a tight row), and be set down to this much of
 * its size to fit */
#define RENDER_FIT_SLACK 1.15
#define RENDER_MIN_SCALE 0.7
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
 * vertically.  pl is reused between calls.  Returns 0, 1 if the text
 * was set smaller to fit, 2 if it was cut as well.
 */
int render_text(cairo_t *cr, PangoLayout *pl, const char *text, double x,
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

/*
 * Sets the pixels of the dark modules of q in the A1 image surface img,
 * the top left module at pixel (x, y); what falls outside is left out.
 */
void render_qr_blit(cairo_surface_t *img, const QRcode *q, int x, int y);

/*
 * Fills the set pixels of the A1 image img as a 1-bit stencil (an image
 * mask, drawn without smoothing) in the current source colour, each
 * pixel a square of side m, the image's corner at (x, y).  Codes blitted
 * into one image on a common module grid cost one small image in a PDF,
 * where a path of module runs is tens of kilobytes of numbers a code.
 */
void render_qr_stencil(cairo_t *cr, cairo_surface_t *img, double x,
    double y, double m);

/*
 * Encodes many payloads at once, on as many threads as there are
 * processors, while the caller draws the ones already done.  data must
 * outlive the batch.  render_qr_batch_get() waits for code i and hands
 * it over (the caller frees it with QRcode_free), or returns NULL with
 * errno set as render_qr_encode() does; each code is got at most once.
 * render_qr_batch_free() waits for the threads and frees the codes not
 * got.
 */
struct render_qr_batch;
struct render_qr_batch *render_qr_batch_new(const char *const *data,
    size_t n, int eclevel);
QRcode *render_qr_batch_get(struct render_qr_batch *b, size_t i);
void render_qr_batch_free(struct render_qr_batch *b);

/*
 * Calls fn(arg, i) for every i below n, on as many threads as there are
 * processors (the caller's among them), in no set order.  After a call
 * returns non-zero no more are started.  Returns -1 if one did, else 0.
 */
int render_parallel(size_t n, int (*fn)(void *, size_t), void *arg);

/*
 * Drops the fonts pango and cairo cached (the next drawing starts
 * afresh), so that a leak checker sees only real leaks.  Pango sorts
 * fallback fonts on a thread of its own that holds the font map for a
 * moment after a short run; cairo must not reset its caches while a font
 * is alive, so this waits (at most a second) for that thread to let go,
 * and else leaves cairo's caches alone.
 */
void render_fonts_release(void);

/* Sets the PDF's metadata (title, creator, dates from the clock). */
void render_pdf_metadata(cairo_surface_t *s, const char *title);

#endif
