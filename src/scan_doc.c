/* SPDX-License-Identifier: ISC */
/*
 * The pages of a scanned file (scan.h): PNG, JPEG, TIFF (one page or
 * many; G4, LZW and the rest libtiff reads) and the other formats
 * leptonica reads, and PDF, rasterised by poppler into a cairo image
 * surface.  The file is read into memory once; the format is found from
 * its first bytes.  Pages come out as 8-bit grey; a page scanned finer
 * than the reading needs (a long side over 2700 pixels: an A4 page at
 * more than about 230 dpi) is halved, by area averaging, until it is
 * not.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <leptonica/allheaders.h>
#include <poppler.h>

#include "crypto.h"
#include "i18n.h"
#include "scan.h"
#include "scanint.h"
#include "xalloc.h"
#include "banned.h"

#define MAX_FILE (1024L * 1024 * 1024)	/* bytes of one input file */
#define MAX_PIXELS (120L * 1000 * 1000)	/* of one page */
#define WORK_SIDE 2700			/* longest side worked on */

enum doc_kind {
	DOC_IMAGE,
	DOC_TIFF,
	DOC_PDF
};

struct scan_doc {
	char *path;
	enum doc_kind kind;
	unsigned char *buf;
	size_t len;
	int npages;
	int dpi;
	long max_pixels;
	char sha256[2 * DIGEST_LEN + 1];
	PopplerDocument *pdf;
	pthread_mutex_t lock;
};

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

/* Leptonica reports to stderr unless told not to; errors come back here. */
static void
quiet(void)
{
	setMsgSeverity(L_SEVERITY_NONE);
}

struct scan_image *
scan_image_from_pix(PIX *pix)
{
	struct scan_image *im;
	PIX *g;

	if (pix == NULL)
		return NULL;
	if ((long)pixGetWidth(pix) * pixGetHeight(pix) > MAX_PIXELS) {
		pixDestroy(&pix);
		return NULL;
	}
	if (pixGetDepth(pix) == 8 && pixGetColormap(pix) == NULL)
		g = pixClone(pix);
	else
		g = pixConvertTo8(pix, 0);
	pixDestroy(&pix);
	if (g == NULL)
		return NULL;
	while (pixGetWidth(g) > WORK_SIDE || pixGetHeight(g) > WORK_SIDE) {
		PIX *s = pixScaleAreaMap2(g);

		pixDestroy(&g);
		if ((g = s) == NULL)
			return NULL;
	}
	im = xcalloc(1, sizeof(*im));
	im->pix = g;
	im->data = pixGetData(g);
	im->w = pixGetWidth(g);
	im->h = pixGetHeight(g);
	im->wpl = pixGetWpl(g);
	return im;
}

static int
read_all(const char *path, unsigned char **buf, size_t *len, char **errstr)
{
	unsigned char *b = NULL;
	size_t n = 0, cap = 0, r;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		*errstr = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - n < 65536) {
			cap = cap == 0 ? 1 << 20 : cap * 2;
			b = xrealloc(b, cap);
		}
		r = fread(b + n, 1, cap - n, fp);
		n += r;
		if (r == 0 || n > MAX_FILE)
			break;
	}
	if (ferror(fp) || n > MAX_FILE) {
		*errstr = xasprintf("%s: %s", path, ferror(fp) ?
		    strerror(errno) : _("file too large"));
		fclose(fp);
		free(b);
		return -1;
	}
	fclose(fp);
	*buf = b;
	*len = n;
	return 0;
}

static int
open_pdf(struct scan_doc *d, char **errstr)
{
	GBytes *bytes = g_bytes_new_static(d->buf, d->len);
	GError *ge = NULL;

	d->pdf = poppler_document_new_from_bytes(bytes, NULL, &ge);
	g_bytes_unref(bytes);
	if (d->pdf == NULL) {
		*errstr = xasprintf("%s: %s: %s", d->path,
		    _("not a PDF file that can be read"),
		    ge != NULL ? ge->message : "?");
		if (ge != NULL)
			g_error_free(ge);
		return -1;
	}
	d->npages = poppler_document_get_n_pages(d->pdf);
	if (d->npages < 1) {
		*errstr = xasprintf("%s: %s", d->path, _("the PDF has no "
		    "pages"));
		return -1;
	}
	return 0;
}

static int
open_image(struct scan_doc *d, char **errstr)
{
	l_int32 fmt = IFF_UNKNOWN, n = 0;
	FILE *fp;

	if (d->len < 12 || findFileFormatBuffer(d->buf, &fmt) != 0 ||
	    fmt == IFF_UNKNOWN) {
		*errstr = xasprintf("%s: %s", d->path, _("not an image or PDF "
		    "file (PNG, JPEG, TIFF or PDF)"));
		return -1;
	}
	d->npages = 1;
	switch (fmt) {
	case IFF_TIFF:
	case IFF_TIFF_PACKBITS:
	case IFF_TIFF_RLE:
	case IFF_TIFF_G3:
	case IFF_TIFF_G4:
	case IFF_TIFF_LZW:
	case IFF_TIFF_ZIP:
	case IFF_TIFF_JPEG:
		d->kind = DOC_TIFF;
		if ((fp = fmemopen(d->buf, d->len, "rb")) == NULL ||
		    tiffGetCount(fp, &n) != 0 || n < 1) {
			if (fp != NULL)
				fclose(fp);
			*errstr = xasprintf("%s: %s", d->path, _("a TIFF file "
			    "that cannot be read"));
			return -1;
		}
		fclose(fp);
		d->npages = n;
		break;
	default:
		d->kind = DOC_IMAGE;
		break;
	}
	return 0;
}

/* The file's SHA-256: the scan's provenance (hcp-csv(5) scan_image). */
static void
hash_buf(struct scan_doc *d)
{
	struct digest *dg = digest_new(DIGEST_SHA256);
	unsigned char md[DIGEST_LEN];

	if (dg == NULL)
		return;
	digest_update(dg, d->buf, d->len);
	digest_final(dg, md);
	digest_free(dg);
	crypto_hex(md, DIGEST_LEN, d->sha256);
}

struct scan_doc *
scan_doc_open(const char *path, int pdf_dpi, char **errstr)
{
	struct scan_doc *d;

	pthread_once(&quiet_once, quiet);
	d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(path);
	d->dpi = pdf_dpi > 0 ? pdf_dpi : 200;
	d->max_pixels = MAX_PIXELS;
	pthread_mutex_init(&d->lock, NULL);
	if (read_all(path, &d->buf, &d->len, errstr) != 0)
		goto fail;
	if (d->len >= 5 && memcmp(d->buf, "%PDF-", 5) == 0) {
		d->kind = DOC_PDF;
		if (open_pdf(d, errstr) != 0)
			goto fail;
	} else if (open_image(d, errstr) != 0)
		goto fail;
	return d;
fail:
	scan_doc_close(d);
	return NULL;
}

void
scan_doc_limit(struct scan_doc *d, long max_pixels)
{
	d->max_pixels = max_pixels > 0 && max_pixels < MAX_PIXELS ?
	    max_pixels : MAX_PIXELS;
}

int
scan_doc_pages(const struct scan_doc *d)
{
	return d->npages;
}

const char *
scan_doc_path(const struct scan_doc *d)
{
	return d->path;
}

const char *
scan_doc_sha256(struct scan_doc *d)
{
	pthread_mutex_lock(&d->lock);
	if (d->sha256[0] == '\0')
		hash_buf(d);
	pthread_mutex_unlock(&d->lock);
	return d->sha256;
}

/* Renders PDF page i at d->dpi into an 8-bit grey image. */
static PIX *
pdf_page(struct scan_doc *d, int i, char **errstr)
{
	PopplerPage *pp = poppler_document_get_page(d->pdf, i);
	cairo_surface_t *s;
	double wpt, hpt;
	unsigned char *src;
	l_uint32 *data;
	cairo_t *cr;
	int w, h, x, y, stride, wpl;
	PIX *pix;

	if (pp == NULL) {
		*errstr = xasprintf(_("%s: page %d: %s"), d->path, i + 1,
		    _("cannot be read"));
		return NULL;
	}
	poppler_page_get_size(pp, &wpt, &hpt);
	w = wpt > 0 && wpt < 1e5 ? (int)(wpt * d->dpi / 72 + 0.5) : 0;
	h = hpt > 0 && hpt < 1e5 ? (int)(hpt * d->dpi / 72 + 0.5) : 0;
	if (wpt < 1 || hpt < 1 || wpt > 1e5 || hpt > 1e5 || w < 16 ||
	    h < 16 || (double)w * h > (double)d->max_pixels) {
		g_object_unref(pp);
		*errstr = xasprintf(_("%s: page %d: %s (%.0f x %.0f points "
		    "at %d dpi)"), d->path, i + 1, _("has an unusable size"),
		    wpt, hpt, d->dpi);
		return NULL;
	}
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, d->dpi / 72.0, d->dpi / 72.0);
	poppler_page_render(pp, cr);
	cairo_destroy(cr);
	g_object_unref(pp);
	cairo_surface_flush(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
	    (pix = pixCreate(w, h, 8)) == NULL) {
		cairo_surface_destroy(s);
		*errstr = xasprintf(_("%s: page %d: %s"), d->path, i + 1,
		    _("cannot be rendered"));
		return NULL;
	}
	src = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	data = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (y = 0; y < h; y++) {
		const uint32_t *p = (const uint32_t *)(src + (size_t)y *
		    stride);
		l_uint32 *line = data + (size_t)y * wpl;

		for (x = 0; x < w; x++) {
			uint32_t c = p[x];
			unsigned r = c >> 16 & 0xff, g = c >> 8 & 0xff,
			    b = c & 0xff;

			SET_DATA_BYTE(line, x, (r * 77 + g * 150 + b * 29) >>
			    8);
		}
	}
	cairo_surface_destroy(s);
	pixSetResolution(pix, d->dpi, d->dpi);
	return pix;
}

/*
 * Reads the size of image page i from its header (under d->lock for a
 * TIFF): 0 if it may be decoded, else -1 with *errstr set.
 */
static int
check_size(struct scan_doc *d, int i, char **errstr)
{
	l_int32 w = 0, h = 0, bps, spp, res, cmap, fmt, rc;

	if (d->kind == DOC_TIFF)
		rc = readHeaderMemTiff(d->buf, d->len, i, &w, &h, &bps, &spp,
		    &res, &cmap, &fmt);
	else
		rc = pixReadHeaderMem(d->buf, d->len, &fmt, &w, &h, &bps, &spp,
		    &cmap);
	if (rc != 0 || w < 1 || h < 1) {
		*errstr = d->npages > 1 ? xasprintf(_("%s: page %d: %s"),
		    d->path, i + 1, _("the image cannot be read")) :
		    xasprintf("%s: %s", d->path, _("the image cannot be read"));
		return -1;
	}
	if ((double)w * h > (double)d->max_pixels) {
		*errstr = xasprintf(_("%s: page %d: the image is %d x %d "
		    "pixels, more than the %ld million a page may have"),
		    d->path, i + 1, (int)w, (int)h, d->max_pixels / 1000000);
		return -1;
	}
	return 0;
}

struct scan_image *
scan_doc_page(struct scan_doc *d, int i, char **errstr)
{
	struct scan_image *im;
	PIX *pix = NULL;

	*errstr = NULL;
	if (i < 0 || i >= d->npages) {
		*errstr = xasprintf(_("%s: page %d: %s"), d->path, i + 1,
		    _("no such page"));
		return NULL;
	}
	switch (d->kind) {
	case DOC_PDF:
		pthread_mutex_lock(&d->lock);
		pix = pdf_page(d, i, errstr);
		pthread_mutex_unlock(&d->lock);
		if (pix == NULL)
			return NULL;
		break;
	case DOC_TIFF:
		pthread_mutex_lock(&d->lock);
		if (check_size(d, i, errstr) == 0)
			pix = pixReadMemTiff(d->buf, d->len, i);
		pthread_mutex_unlock(&d->lock);
		if (*errstr != NULL)
			return NULL;
		break;
	case DOC_IMAGE:
		if (check_size(d, i, errstr) != 0)
			return NULL;
		pix = pixReadMem(d->buf, d->len);
		break;
	}
	if ((im = scan_image_from_pix(pix)) == NULL) {
		if (d->npages > 1)
			*errstr = xasprintf(_("%s: page %d: %s"), d->path,
			    i + 1, _("the image cannot be read"));
		else
			*errstr = xasprintf("%s: %s", d->path,
			    _("the image cannot be read"));
		return NULL;
	}
	return im;
}

void
scan_doc_close(struct scan_doc *d)
{
	if (d == NULL)
		return;
	if (d->pdf != NULL)
		g_object_unref(d->pdf);
	pthread_mutex_destroy(&d->lock);
	free(d->buf);
	free(d->path);
	free(d);
}
