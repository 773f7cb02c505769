/* SPDX-License-Identifier: ISC */
/*
 * Inside the scan module (src/scan*.c only): the grey image and the
 * pieces of scan.c that the other files and the tests use.
 */
#ifndef HCP_SCANINT_H
#define HCP_SCANINT_H

#include <leptonica/allheaders.h>

#include "scan.h"

/* A page as an 8-bit grey leptonica image (0 black, 255 white). */
struct scan_image {
	PIX *pix;
	l_uint32 *data;
	int w, h, wpl;
};

/* A straightened area of a page (scan_crop_take()). */
struct scan_crop {
	unsigned char *grey;	/* w * h, row after row, 0 black */
	int w, h;
	double mm_w, mm_h;	/* its size on the paper */
};

/* Takes pix over (any depth), making it 8-bit grey; NULL on failure. */
struct scan_image *scan_image_from_pix(PIX *pix);

/* Fits an affine map from n >= 3 pairs (u, v) -> (x, y). */
int scan_fit_affine(const double *u, const double *v, const double *x,
    const double *y, int n, double m[6]);

/* Sets b->state, b->why and b->conf from b->ink and b->ring. */
void scan_classify(struct scan_box *b);

#endif
