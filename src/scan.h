/* SPDX-License-Identifier: ISC */
/*
 * Reading scanned paper forms (OMR, DESIGN §4, §7): pages come out of a
 * file (PNG, JPEG, TIFF with one or more pages, PDF with one or more
 * pages) as grey images; each page is read back against the layout that
 * printed it.  Per page:
 *
 *  1. the form QR is decoded (libzbar) for serial, template and layout
 *     fingerprint; a fingerprint no known layout has is refused;
 *  2. the four corner marks of that layout are found (leptonica connected
 *     components in the four corners of the image) and the page transform
 *     (millimetres to pixels: rotation, a sheet fed upside down, scale,
 *     shift) is fitted to them by least squares;
 *  3. every tick box of the layout is measured: the ink inside it (the
 *     printed border left out) and in a thin ring around it, against the
 *     paper's own grey, and classified marked, empty or uncertain with a
 *     confidence.  A box scribbled over (dense ink running out of it, as
 *     when a mark is struck out) is uncertain, never guessed.
 *
 * Image decoding is leptonica's, PDF rasterising poppler's (the page is
 * rendered into a cairo image surface), QR decoding libzbar's.  The
 * leptonica, poppler and zbar types stay inside src/scan*.c.
 *
 * Errors: functions returning a pointer return NULL, those returning int
 * return -1, and set *errstr to a malloc'd message naming the file (and
 * page) that the caller frees.  Nothing here prints or exits.
 */
#ifndef HCP_SCAN_H
#define HCP_SCAN_H

#include <stddef.h>

struct layout;
struct layout_item;

/* The layouts a scan may have been printed from, by fingerprint. */
struct scan_forms;

struct scan_forms *scan_forms_new(void);
/* Adds l (the set takes it over and frees it); a duplicate is freed. */
void scan_forms_add(struct scan_forms *sf, struct layout *l);
/* The layout with fingerprint fp, or NULL. */
const struct layout *scan_forms_find(const struct scan_forms *sf,
    const char *fp);
void scan_forms_free(struct scan_forms *sf);

/*
 * An input file and its pages.  scan_doc_page() may be called from
 * several threads at once on one doc (pages of one PDF or TIFF are
 * decoded one at a time, under the doc's lock).
 */
struct scan_doc;
struct scan_image;

/*
 * Opens path: the format is found from its first bytes, not its name.
 * pdf_dpi is the resolution PDF pages are rasterised at (0: 200).
 */
struct scan_doc *scan_doc_open(const char *path, int pdf_dpi,
    char **errstr);
/*
 * The largest page, in pixels, that d decodes or renders (by default
 * 120 million: A4 at about 1100 dpi).  A page whose header asks for more is
 * refused with a message giving its size, before anything is allocated
 * for it.
 */
void scan_doc_limit(struct scan_doc *d, long max_pixels);
/* The number of pages (>= 1). */
int scan_doc_pages(const struct scan_doc *d);
const char *scan_doc_path(const struct scan_doc *d);
/*
 * The SHA-256 of the file's bytes, 64 hex digits ("" if unknown),
 * computed on the first call (under the doc's lock: any thread).
 */
const char *scan_doc_sha256(struct scan_doc *d);
/* Page i (0-based) as a grey image. */
struct scan_image *scan_doc_page(struct scan_doc *d, int i, char **errstr);
void scan_doc_close(struct scan_doc *d);

/* A grey image from a file of one page (for tests and crops). */
int scan_image_width(const struct scan_image *im);
int scan_image_height(const struct scan_image *im);
void scan_image_free(struct scan_image *im);

enum scan_state {
	SCAN_EMPTY = 0,
	SCAN_MARKED,
	SCAN_UNCERTAIN
};

/* Why a box is uncertain. */
enum scan_why {
	SCAN_WHY_NONE = 0,
	SCAN_WHY_FAINT,		/* too little ink to call a mark */
	SCAN_WHY_SCRIBBLED	/* dense ink running out of the box */
};

struct scan_box {
	const struct layout_item *it;	/* the tick box in the layout */
	size_t index;			/* among the layout's tick boxes */
	enum scan_state state;
	enum scan_why why;
	double ink;			/* share of the inside inked, 0..1 */
	double ring;			/* the same of the ring around it */
	double conf;			/* confidence in state, 0.5..1 */
};

enum scan_status {
	SCAN_OK = 0,
	SCAN_NO_QR,		/* no form QR found */
	SCAN_BAD_QR,		/* a QR, but not a form's, or a bad serial */
	SCAN_UNKNOWN_LAYOUT,	/* a fingerprint no known layout has */
	SCAN_NO_MARKS		/* the corner marks were not found */
};

struct scan_page {
	enum scan_status status;
	char *err;		/* English message when status != SCAN_OK */
	char qr[128];		/* the QR text found, or "" */
	char serial[17];
	char tid[24];
	char fingerprint[9];
	const struct layout *l;	/* from the scan_forms, when found */
	int upside_down;	/* the sheet was fed turned by 180° */
	double angle;		/* skew, degrees */
	double dpi;		/* pixels a mm times 25.4 */
	double residual;	/* largest mark misfit, mm */
	double m[6];		/* mm to pixels: x' = m0 x + m1 y + m2,
				   y' = m3 x + m4 y + m5 */
	struct scan_box *box;	/* the layout's tick boxes, in order */
	size_t nbox;
};

/* Reads one page against the layouts of sf.  Returns page->status. */
int scan_page_read(const struct scan_forms *sf, const struct scan_image *im,
    struct scan_page *page);
void scan_page_release(struct scan_page *page);

/*
 * Writes the area of item (a write-in box, in mm, grown by pad mm on
 * each side) of the page, straightened by the page transform, as a PNG
 * of dpi pixels an inch.
 */
int scan_crop_write(const struct scan_image *im, const struct scan_page *pg,
    const struct layout_item *it, double pad, int dpi, const char *path,
    char **errstr);

/*
 * A straightened area of a page (x, y, w, h in the layout's mm), as an
 * 8-bit grey image of dpi pixels an inch, kept after the page image is
 * freed: the keying and review sheets are drawn from these.  NULL if the
 * area is empty or too large.
 */
struct scan_crop;

struct scan_crop *scan_crop_take(const struct scan_image *im,
    const struct scan_page *pg, double x, double y, double w, double h,
    int dpi);
void scan_crop_free(struct scan_crop *c);

/*
 * The sheets a clerk works from (scan_sheet.c), PDF drawn with cairo and
 * pango as the forms are: the keying sheet, one block a row of the CSV
 * with a crop of each handwritten area beside an empty cell, and the
 * review contact sheet, one block a row of the review CSV with crops of
 * its unclear boxes.  Each block names its line in the CSV, the serial
 * and the page it came from.
 */
struct scan_sheet_area {
	const char *label;		/* the field, in Chinese */
	const struct scan_crop *crop;	/* NULL: not read */
};

struct scan_sheet_row {
	long line;			/* in the CSV (the header is 1) */
	const char *serial;
	const char *source;		/* file:page */
	const char *note;		/* review: what is unclear, or NULL */
	const struct scan_sheet_area *area;
	size_t narea;
};

enum scan_sheet_kind {
	SCAN_SHEET_KEYING,
	SCAN_SHEET_REVIEW
};

/* Writes the sheet of rows to path (for the CSV csv, named in it). */
int scan_sheet_write(const char *path, enum scan_sheet_kind kind,
    const char *csv, const struct scan_sheet_row *rows, size_t n,
    char **errstr);

/*
 * Thresholds of the classification (share of the box's inside inked):
 * below SCAN_INK_EMPTY empty, below SCAN_INK_MARK faint (uncertain),
 * then marked; at or above SCAN_INK_DENSE a box is filled (marked) when
 * the ring around it is clean and scribbled over (uncertain) when the
 * ring holds more than SCAN_RING_SCRIBBLE.
 */
#define SCAN_INK_EMPTY 0.025
#define SCAN_INK_MARK 0.045
#define SCAN_INK_DENSE 0.45
#define SCAN_RING_SCRIBBLE 0.22

#endif
