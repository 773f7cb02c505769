/* SPDX-License-Identifier: ISC */
/*
 * Reading scanned forms (scan.h): the QR with libzbar, the corner marks
 * with leptonica's connected components, the page transform by least
 * squares, and the ink in every tick box of the layout that printed the
 * page.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <zbar.h>

#include "i18n.h"
#include "layout.h"
#include "qrpay.h"
#include "scan.h"
#include "scanint.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

struct scan_forms {
	struct layout **v;
	size_t n;
};

struct scan_forms *
scan_forms_new(void)
{
	return xcalloc(1, sizeof(struct scan_forms));
}

void
scan_forms_add(struct scan_forms *sf, struct layout *l)
{
	if (scan_forms_find(sf, l->fingerprint) != NULL) {
		layout_free(l);
		return;
	}
	sf->v = xreallocarray(sf->v, sf->n + 1, sizeof(*sf->v));
	sf->v[sf->n++] = l;
}

const struct layout *
scan_forms_find(const struct scan_forms *sf, const char *fp)
{
	size_t i;

	for (i = 0; i < sf->n; i++)
		if (strcmp(sf->v[i]->fingerprint, fp) == 0)
			return sf->v[i];
	return NULL;
}

void
scan_forms_free(struct scan_forms *sf)
{
	size_t i;

	if (sf == NULL)
		return;
	for (i = 0; i < sf->n; i++)
		layout_free(sf->v[i]);
	free(sf->v);
	free(sf);
}

int
scan_image_width(const struct scan_image *im)
{
	return pixGetWidth(im->pix);
}

int
scan_image_height(const struct scan_image *im)
{
	return pixGetHeight(im->pix);
}

void
scan_image_free(struct scan_image *im)
{
	if (im == NULL)
		return;
	pixDestroy(&im->pix);
	free(im);
}

/*
 * x rounded to the nearest integer, halves away from zero, as lround()
 * does but inline: the boxes and crops take it for every pixel.  -1 (a
 * point outside the image) for a value far off any page.
 */
static inline int
iround(double x)
{
	if (!(x > -1e8 && x < 1e8))	/* far off any page, or NaN */
		return -1;
	return x >= 0 ? (int)(x + 0.5) : -(int)(0.5 - x);
}

/* The grey value at (x, y), white outside the image. */
static inline int
grey_at(const struct scan_image *im, int x, int y)
{
	if (x < 0 || y < 0 || x >= im->w || y >= im->h)
		return 255;
	return GET_DATA_BYTE(im->data + (size_t)y * im->wpl, x);
}

/*
 * The paper's grey: the median of a sparse sample of the page (a form is
 * mostly blank paper).
 */
static int
paper_grey(const struct scan_image *im)
{
	unsigned long hist[256] = { 0 }, n = 0, acc = 0;
	int x, y, v, step = 7;

	for (y = 0; y < im->h; y += step)
		for (x = (y / step) % step; x < im->w; x += step) {
			hist[grey_at(im, x, y)]++;
			n++;
		}
	for (v = 255; v > 0; v--) {
		acc += hist[v];
		if (acc * 2 >= n)
			break;
	}
	return v < 128 ? 128 : v;
}

/* --- the QR ------------------------------------------------------- */

/*
 * Decodes the QR codes in the rectangle (x0, y0, w, h) of the image,
 * scanning every density-th row and column;
 * copies the first whose text starts with "HCPF:" (or else the first of
 * all) into out and its centre into *cx, *cy.  Returns 1 if one was found.
 */
static int
qr_in(const struct scan_image *im, int x0, int y0, int w, int h, char *out,
    size_t outsz, double *cx, double *cy, int density)
{
	zbar_image_scanner_t *sc;
	zbar_image_t *zi;
	const zbar_symbol_t *sym;
	unsigned char *buf;
	int x, y, found = 0;

	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x0 + w > im->w)
		w = im->w - x0;
	if (y0 + h > im->h)
		h = im->h - y0;
	if (w < 16 || h < 16)
		return 0;
	buf = xmalloc((size_t)w * h);
	for (y = 0; y < h; y++) {
		const l_uint32 *line = im->data + (size_t)(y0 + y) * im->wpl;

		for (x = 0; x < w; x++)
			buf[(size_t)y * w + x] = GET_DATA_BYTE(line, x0 + x);
	}
	sc = zbar_image_scanner_create();
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	/* every density-th line: a module is 5 pixels or more */
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_X_DENSITY,
	    density);
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_Y_DENSITY,
	    density);
	zi = zbar_image_create();
	zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zi, (unsigned)w, (unsigned)h);
	zbar_image_set_data(zi, buf, (unsigned long)w * h, NULL);
	if (zbar_scan_image(sc, zi) > 0) {
		for (sym = zbar_image_first_symbol(zi); sym != NULL;
		    sym = zbar_symbol_next(sym)) {
			const char *t = zbar_symbol_get_data(sym);
			unsigned i, n = zbar_symbol_get_loc_size(sym);
			double sx = 0, sy = 0;

			if (found && strncmp(t, "HCPF:", 5) != 0)
				continue;
			snprintf(out, outsz, "%s", t);
			for (i = 0; i < n; i++) {
				sx += zbar_symbol_get_loc_x(sym, i);
				sy += zbar_symbol_get_loc_y(sym, i);
			}
			*cx = x0 + (n > 0 ? sx / n : w / 2.0);
			*cy = y0 + (n > 0 ? sy / n : h / 2.0);
			found = 1;
			if (strncmp(t, "HCPF:", 5) == 0)
				break;
		}
	}
	zbar_image_destroy(zi);
	zbar_image_scanner_destroy(sc);
	free(buf);
	return found;
}

/*
 * Finds the form QR: first where it is printed (the top right corner),
 * then where a sheet fed upside down has it, then anywhere (every line).
 */
static int
find_qr(const struct scan_image *im, char *out, size_t outsz, double *cx,
    double *cy)
{
	int w = im->w, h = im->h;

	if (qr_in(im, w * 6 / 10, 0, w - w * 6 / 10, h / 5, out, outsz, cx,
	    cy, 2) && strncmp(out, "HCPF:", 5) == 0)
		return 1;
	if (qr_in(im, 0, h * 4 / 5, w * 4 / 10, h - h * 4 / 5, out, outsz,
	    cx, cy, 2) && strncmp(out, "HCPF:", 5) == 0)
		return 1;
	return qr_in(im, 0, 0, w, h, out, outsz, cx, cy, 1);
}

/* --- corner marks and the transform ------------------------------- */

/*
 * Finds the corner mark nearest to image corner (cx, cy) in the window
 * (x0, y0, w, h): a dark component about side px square and solid.
 * Writes its centre.  Returns 0, or -1 if there is none.
 */
static int
find_mark(const struct scan_image *im, int x0, int y0, int w, int h,
    double cx, double cy, double side, int thresh, double *mx, double *my)
{
	BOX *clip;
	BOXA *boxa;
	PIX *sub, *bin;
	double best = -1;
	int i, n, rc = -1;

	clip = boxCreate(x0, y0, w, h);
	sub = pixClipRectangle(im->pix, clip, NULL);
	boxDestroy(&clip);
	if (sub == NULL)
		return -1;
	bin = pixThresholdToBinary(sub, thresh);
	pixDestroy(&sub);
	if (bin == NULL)
		return -1;
	boxa = pixConnCompBB(bin, 8);
	n = boxa != NULL ? boxaGetCount(boxa) : 0;
	for (i = 0; i < n; i++) {
		l_int32 bx, by, bw, bh, cnt;
		double d, fill;
		BOX *b = boxaGetBox(boxa, i, L_CLONE);

		boxGetGeometry(b, &bx, &by, &bw, &bh);
		if (bw < side * 0.75 || bh < side * 0.75 ||
		    bw > side * 1.5 || bh > side * 1.5 ||
		    bw > bh * 1.35 || bh > bw * 1.35) {
			boxDestroy(&b);
			continue;
		}
		pixCountPixelsInRect(bin, b, &cnt, NULL);
		boxDestroy(&b);
		fill = (double)cnt / ((double)bw * bh);
		/* a square turned by 5 degrees fills 84% of its bounds */
		if (fill < 0.6 || (double)cnt < side * side * 0.7)
			continue;
		d = hypot(x0 + bx + bw / 2.0 - cx, y0 + by + bh / 2.0 - cy);
		if (best < 0 || d < best) {
			best = d;
			*mx = x0 + bx + bw / 2.0;
			*my = y0 + by + bh / 2.0;
			rc = 0;
		}
	}
	boxaDestroy(&boxa);
	pixDestroy(&bin);
	return rc;
}

/* Solves the 3x3 system a x = b by Cramer's rule; -1 if singular. */
static int
solve3(const double a[3][3], const double b[3], double x[3])
{
	double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
	    a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
	    a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
	int k;

	if (fabs(det) < 1e-12)
		return -1;
	for (k = 0; k < 3; k++) {
		double m[3][3];
		int i, j;

		for (i = 0; i < 3; i++)
			for (j = 0; j < 3; j++)
				m[i][j] = j == k ? b[i] : a[i][j];
		x[k] = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
		    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
		    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])) / det;
	}
	return 0;
}

/*
 * Fits the affine map (u, v) mm -> (x, y) px to n point pairs by least
 * squares.  Returns 0, or -1 if the points are degenerate.
 */
int
scan_fit_affine(const double *u, const double *v, const double *x,
    const double *y, int n, double m[6])
{
	double a[3][3] = { { 0 } }, bx[3] = { 0 }, by[3] = { 0 };
	int i;

	for (i = 0; i < n; i++) {
		double r[3] = { u[i], v[i], 1 };
		int j, k;

		for (j = 0; j < 3; j++) {
			for (k = 0; k < 3; k++)
				a[j][k] += r[j] * r[k];
			bx[j] += r[j] * x[i];
			by[j] += r[j] * y[i];
		}
	}
	if (solve3((const double (*)[3])a, bx, m) != 0 ||
	    solve3((const double (*)[3])a, by, m + 3) != 0)
		return -1;
	return 0;
}

static void
map_pt(const double m[6], double u, double v, double *x, double *y)
{
	*x = m[0] * u + m[1] * v + m[2];
	*y = m[3] * u + m[4] * v + m[5];
}

/*
 * Finds the four corner marks of l and fits pg->m.  ccx, ccy is where
 * the QR was found (it tells a sheet fed upside down).
 */
static int
fit_page(const struct scan_image *im, const struct layout *l,
    struct scan_page *pg, double qx, double qy, int paper)
{
	const struct layout_item *mk[4];
	double u[4], v[4], x[4], y[4], ppm, side;
	int i, k = 0, thresh, ww, wh;

	for (i = 0; i < (int)l->n && k < 4; i++)
		if (l->v[i].kind == LAYOUT_MARK)
			mk[k++] = &l->v[i];
	if (k != 4)
		return -1;
	/* pixels a mm, from the width the page would have upright */
	ppm = im->w / l->page_w;
	if (im->h / l->page_h < ppm * 0.9 || im->h / l->page_h > ppm * 1.1)
		ppm = (im->w / l->page_w + im->h / l->page_h) / 2;
	side = mk[0]->w * ppm;
	pg->upside_down = qx < im->w / 2.0 && qy > im->h / 2.0;
	thresh = paper * 55 / 100;
	ww = (int)(im->w * 0.2);
	wh = (int)(im->h * 0.15);
	for (i = 0; i < 4; i++) {
		/* the image corner where mark i lies (mk: TL TR BL BR) */
		int right = (i & 1) != pg->upside_down;
		int bottom = (i >> 1) != pg->upside_down;
		double cx = right ? im->w : 0, cy = bottom ? im->h : 0;

		if (find_mark(im, right ? im->w - ww : 0,
		    bottom ? im->h - wh : 0, ww, wh, cx, cy, side, thresh,
		    &x[i], &y[i]) != 0)
			return -1;
		u[i] = mk[i]->x + mk[i]->w / 2;
		v[i] = mk[i]->y + mk[i]->h / 2;
	}
	if (scan_fit_affine(u, v, x, y, 4, pg->m) != 0)
		return -1;
	pg->residual = 0;
	for (i = 0; i < 4; i++) {
		double px, py, r;

		map_pt(pg->m, u[i], v[i], &px, &py);
		r = hypot(px - x[i], py - y[i]) / ppm;
		if (r > pg->residual)
			pg->residual = r;
	}
	pg->dpi = 25.4 * sqrt(fabs(pg->m[0] * pg->m[4] - pg->m[1] * pg->m[3]));
	pg->angle = atan2(pg->m[3], pg->m[0]) * 180 / M_PI;
	/* four marks that do not make the layout's rectangle */
	if (pg->residual > 1.5)
		return -1;
	return 0;
}

/* --- the boxes ----------------------------------------------------- */

/* How much darker than the paper a point is, past the noise, 0..1. */
static inline double
ink_at(const struct scan_image *im, const double m[6], double u, double v,
    int paper)
{
	double px, py, t;

	map_pt(m, u, v, &px, &py);
	t = paper - grey_at(im, iround(px), iround(py)) - 25;
	if (t <= 0)
		return 0;
	t /= paper * 0.5;
	return t > 1 ? 1 : t;
}

#define RING_IN 0.45		/* the ring around a box, mm outside it */
#define RING_OUT 1.05

/*
 * Measures tick box it, sampled at about one point a pixel: *ink, the
 * mean ink of its inside (inset by inset mm, which leaves the printed
 * border out), and *ring, that of a ring RING_IN to RING_OUT mm around
 * it.  A band of ink that runs level through the box and out on both
 * sides (a fold or its shadow) is not a mark: when such rows are few,
 * the ink the ring has on both sides of a row is taken off the row.
 */
static void
measure_box(const struct scan_image *im, const double m[6], double ppm,
    const struct layout_item *it, double inset, int paper, double *ink,
    double *ring)
{
	double step = 1.0 / ppm, u, v;
	double ix0 = it->x + inset, ix1 = it->x + it->w - inset;
	double iy0 = it->y + inset, iy1 = it->y + it->h - inset;
	double rows_in[256], rows_l[256], rows_r[256], rows_ring[256];
	int cnt_in[256], cnt_l[256], cnt_r[256], cnt_ring[256];
	int nrows = 0, banded = 0, k;
	double sin_ = 0, sring = 0;
	long nin = 0, nring = 0;

	*ink = *ring = 0;
	if (step <= 0 || ix1 <= ix0 || iy1 <= iy0)
		return;
	for (v = it->y - RING_OUT + step / 2; v < it->y + it->h + RING_OUT &&
	    nrows < 256; v += step, nrows++) {
		int in_rows = v > iy0 && v < iy1;
		int ring_rows = v < it->y - RING_IN ||
		    v > it->y + it->h + RING_IN;

		k = nrows;
		rows_in[k] = rows_l[k] = rows_r[k] = rows_ring[k] = 0;
		cnt_in[k] = cnt_l[k] = cnt_r[k] = cnt_ring[k] = 0;
		for (u = it->x - RING_OUT + step / 2; u < it->x + it->w +
		    RING_OUT; u += step) {
			int left = u < it->x - RING_IN;
			int right = u > it->x + it->w + RING_IN;

			if (left || right) {
				double t = ink_at(im, m, u, v, paper);

				rows_ring[k] += t;
				cnt_ring[k]++;
				if (left) {
					rows_l[k] += t;
					cnt_l[k]++;
				} else {
					rows_r[k] += t;
					cnt_r[k]++;
				}
			} else if (ring_rows) {
				rows_ring[k] += ink_at(im, m, u, v, paper);
				cnt_ring[k]++;
			} else if (in_rows && u > ix0 && u < ix1) {
				rows_in[k] += ink_at(im, m, u, v, paper);
				cnt_in[k]++;
			}
		}
	}
	for (k = 0; k < nrows; k++) {
		double l = cnt_l[k] > 0 ? rows_l[k] / cnt_l[k] : 0;
		double r = cnt_r[k] > 0 ? rows_r[k] / cnt_r[k] : 0;

		if ((l < r ? l : r) > 0.1)
			banded++;
	}
	for (k = 0; k < nrows; k++) {
		double l = 0, r = 0, bg;
		int j;

		/* a band a row off level is still a band */
		for (j = k > 0 ? k - 1 : 0; j <= k + 1 && j < nrows; j++) {
			if (cnt_l[j] > 0 && rows_l[j] / cnt_l[j] > l)
				l = rows_l[j] / cnt_l[j];
			if (cnt_r[j] > 0 && rows_r[j] / cnt_r[j] > r)
				r = rows_r[j] / cnt_r[j];
		}
		bg = l < r ? l : r;

		/* a fold is a band; a scribble covers the rows */
		if (banded * 10 > nrows * 4)
			bg = 0;
		if (cnt_in[k] > 0) {
			double t = rows_in[k] - bg * cnt_in[k];

			sin_ += t > 0 ? t : 0;
			nin += cnt_in[k];
		}
		if (cnt_ring[k] > 0) {
			double t = rows_ring[k] - bg * cnt_ring[k];

			sring += t > 0 ? t : 0;
			nring += cnt_ring[k];
		}
	}
	*ink = nin > 0 ? sin_ / nin : 0;
	*ring = nring > 0 ? sring / nring : 0;
}

/* Confidence 0.5..1 from the distance of x to the nearest edge e. */
static double
conf_of(double x, double e)
{
	double d = fabs(x - e) / 0.04;

	return 0.5 + 0.5 * (d > 1 ? 1 : d);
}

void
scan_classify(struct scan_box *b)
{
	b->why = SCAN_WHY_NONE;
	if (b->ink < SCAN_INK_EMPTY) {
		b->state = SCAN_EMPTY;
		b->conf = conf_of(b->ink, SCAN_INK_EMPTY);
	} else if (b->ink < SCAN_INK_MARK) {
		b->state = SCAN_UNCERTAIN;
		b->why = SCAN_WHY_FAINT;
		b->conf = 0.5;
	} else if (b->ink >= SCAN_INK_DENSE && b->ring > SCAN_RING_SCRIBBLE) {
		b->state = SCAN_UNCERTAIN;
		b->why = SCAN_WHY_SCRIBBLED;
		b->conf = conf_of(b->ring, SCAN_RING_SCRIBBLE);
	} else {
		b->state = SCAN_MARKED;
		b->conf = conf_of(b->ink, SCAN_INK_MARK);
		if (b->ink >= SCAN_INK_DENSE) {
			double c = conf_of(b->ring, SCAN_RING_SCRIBBLE);

			if (c < b->conf)
				b->conf = c;
		}
	}
}

/* msg may quote a QR code's text, which a forged code makes anything */
static int
page_fail(struct scan_page *pg, enum scan_status st, char *msg)
{
	pg->status = st;
	pg->err = str_visible(msg);
	free(msg);
	return st;
}

int
scan_page_read(const struct scan_forms *sf, const struct scan_image *im,
    struct scan_page *pg)
{
	const struct layout *l;
	double qx = 0, qy = 0, ppm;
	size_t i, k;
	int paper;

	memset(pg, 0, sizeof(*pg));
	if (!find_qr(im, pg->qr, sizeof(pg->qr), &qx, &qy))
		return page_fail(pg, SCAN_NO_QR,
		    xstrdup(_("no form QR code found")));
	switch (qrpay_form_parse(pg->qr, pg->serial, pg->tid,
	    pg->fingerprint)) {
	case QRPAY_OK:
		break;
	case QRPAY_BAD:
		return page_fail(pg, SCAN_BAD_QR, xasprintf(_("the serial in "
		    "the form QR code \"%s\" has a bad check digit"),
		    pg->qr));
	default:
		return page_fail(pg, SCAN_BAD_QR, xasprintf(_("the QR code "
		    "\"%s\" is not a form's"), pg->qr));
	}
	if ((l = scan_forms_find(sf, pg->fingerprint)) == NULL)
		return page_fail(pg, SCAN_UNKNOWN_LAYOUT, xasprintf(_("form "
		    "%s was printed from template %s with layout %s, which "
		    "no form template here has (was the template changed "
		    "since?)"), pg->serial, pg->tid, pg->fingerprint));
	pg->l = l;
	paper = paper_grey(im);
	if (fit_page(im, l, pg, qx, qy, paper) != 0)
		return page_fail(pg, SCAN_NO_MARKS, xasprintf(_("form %s: "
		    "the four corner marks were not found"), pg->serial));
	ppm = pg->dpi / 25.4;
	for (i = 0, k = 0; i < l->n; i++)
		if (l->v[i].kind == LAYOUT_TICK)
			k++;
	pg->box = xcalloc(k > 0 ? k : 1, sizeof(*pg->box));
	for (i = 0; i < l->n; i++) {
		const struct layout_item *it = &l->v[i];
		struct scan_box *b;
		double inset;

		if (it->kind != LAYOUT_TICK)
			continue;
		b = &pg->box[pg->nbox];
		b->it = it;
		b->index = pg->nbox++;
		/* the printed border (0.3 mm) and a misfit margin */
		inset = it->w * 0.16;
		measure_box(im, pg->m, ppm, it, inset, paper, &b->ink,
		    &b->ring);
		scan_classify(b);
	}
	pg->status = SCAN_OK;
	return SCAN_OK;
}

void
scan_page_release(struct scan_page *pg)
{
	free(pg->err);
	free(pg->box);
	memset(pg, 0, sizeof(*pg));
}

struct scan_crop *
scan_crop_take(const struct scan_image *im, const struct scan_page *pg,
    double x0, double y0, double mw, double mh, int dpi)
{
	double ppm = dpi / 25.4;
	int w = (int)(mw * ppm + 0.5), h = (int)(mh * ppm + 0.5), x, y;
	struct scan_crop *c;

	if (w < 1 || h < 1 || w > 5000 || h > 5000)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->grey = xmalloc((size_t)w * h);
	c->w = w;
	c->h = h;
	c->mm_w = mw;
	c->mm_h = mh;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			double px, py;

			map_pt(pg->m, x0 + (x + 0.5) / ppm, y0 + (y + 0.5) /
			    ppm, &px, &py);
			c->grey[(size_t)y * w + x] = (unsigned char)grey_at(im,
			    iround(px), iround(py));
		}
	return c;
}

void
scan_crop_free(struct scan_crop *c)
{
	if (c == NULL)
		return;
	free(c->grey);
	free(c);
}

int
scan_crop_write(const struct scan_image *im, const struct scan_page *pg,
    const struct layout_item *it, double pad, int dpi, const char *path,
    char **errstr)
{
	double ppm = dpi / 25.4, x0 = it->x - pad, y0 = it->y - pad;
	int w = (int)((it->w + 2 * pad) * ppm), h = (int)((it->h + 2 * pad) *
	    ppm), x, y, rc;
	l_uint32 *data;
	l_int32 wpl;
	PIX *out;

	if (w < 1 || h < 1 || w > 20000 || h > 20000 ||
	    (out = pixCreate(w, h, 8)) == NULL) {
		*errstr = xasprintf("%s: %s", path, _("bad crop size"));
		return -1;
	}
	data = pixGetData(out);
	wpl = pixGetWpl(out);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			double px, py;

			map_pt(pg->m, x0 + (x + 0.5) / ppm, y0 + (y + 0.5) /
			    ppm, &px, &py);
			SET_DATA_BYTE(data + (size_t)y * wpl, x,
			    grey_at(im, iround(px), iround(py)));
		}
	pixSetResolution(out, dpi, dpi);
	rc = pixWritePng(path, out, 0);
	pixDestroy(&out);
	if (rc != 0) {
		*errstr = xasprintf("%s: %s", path, _("cannot write the "
		    "image"));
		return -1;
	}
	return 0;
}
