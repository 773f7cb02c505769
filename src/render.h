/* SPDX-License-Identifier: ISC */
/*
 * Drawing with cairo and pango (linked only into the tools that draw):
 * numbered paper forms as PDF, and window QR codes as a PDF sheet of
 * labels or posters, PNG, SVG or UTF-8 terminal art.  QR symbols come
 * from libqrencode; Chinese text is real text in an embedded, subset
 * font (WenQuanYi Micro Hei unless $HCP_FONT names another fontconfig
 * family).  PDF dates follow SOURCE_DATE_EPOCH when it is set.
 *
 * The form renderer draws exactly the items of a struct layout; it has
 * no coordinates of its own.
 *
 * Errors: functions return -1 (or NULL) and set *errstr to a malloc'd
 * English message naming the output file; the caller frees it.
 */
#ifndef HCP_RENDER_H
#define HCP_RENDER_H

#include <stdio.h>

struct layout;

/* Values of the text placeholders; NULL or "" leaves a text out. */
struct render_vars {
	const char *hall;
	const char *name;
	const char *window;
	const char *window_name;
};

/* A PDF of forms, one page per serial. */
struct render_forms;

/*
 * Starts a PDF written to fp (name is for messages); l must outlive the
 * object.  The caller closes fp after render_forms_close().
 */
struct render_forms *render_forms_open(const struct layout *l, FILE *fp,
    const char *name, char **errstr);
/*
 * Adds one page for serial (16 digits) with the placeholder values of
 * vars (the part of the page that does not change is drawn again only
 * when vars->window changes).
 */
int render_forms_page(struct render_forms *rf, const char *serial,
    const struct render_vars *vars, char **errstr);
/*
 * The texts of the pages so far that did not fit their box even set
 * smaller, and were cut: one a line, each once ("" if none).
 */
const char *render_forms_cut(const struct render_forms *rf);
/* Finishes the PDF and frees rf (also after a failure). */
int render_forms_close(struct render_forms *rf, char **errstr);

/*
 * Window QR codes.  Every format draws the same symbol: the payload
 * encoded once by libqrencode (8-bit mode, at the error correction
 * level asked for), dark modules as one path, a quiet zone of margin
 * modules around it.
 */
enum render_qr_format {
	RQR_PDF,	/* A4 sheet of labels in a grid */
	RQR_POSTER,	/* A4, one large code per page */
	RQR_PNG,
	RQR_SVG,
	RQR_UTF8	/* terminal art */
};

struct render_qr_label {
	const char *payload;	/* the URL */
	const char *hall;	/* the service hall, "" to leave it out */
	const char *window;	/* id */
	const char *window_name;
	const char *check;	/* human-readable check code */
};

struct render_qr_opts {
	enum render_qr_format format;
	int eclevel;		/* 0 L, 1 M, 2 Q, 3 H */
	int margin;		/* quiet zone, modules */
	int size;		/* PNG/SVG: pixels per module */
	double side_mm;		/* PDF: QR side in mm, 0 for the default */
};

/* The default QR side on a label sheet and on a poster, in mm. */
#define RENDER_QR_LABEL_MM 34.0
#define RENDER_QR_POSTER_MM 150.0
/* The largest QR side that fits the page, in mm. */
#define RENDER_QR_LABEL_MAX_MM 150.0
#define RENDER_QR_POSTER_MAX_MM 180.0

/*
 * Writes a PDF (o->format RQR_PDF: labels, RQR_POSTER: posters) of the n
 * codes of v to fp; name is for messages.  Labels fill an A4 page in a
 * grid (as many columns and rows as the QR side allows), each with the
 * hall, the window name, "请扫码评价", the code and the window id with
 * its check code, inside a light cut line.  A poster has the same, large,
 * alone on its page.  The caller closes fp.
 */
int render_qr_pdf(const struct render_qr_label *v, size_t n,
    const struct render_qr_opts *o, FILE *fp, const char *name,
    char **errstr);

/*
 * Writes the code of lab alone (o->format RQR_PNG or RQR_SVG), o->size
 * pixels a module, to fp; name is for messages.
 */
int render_qr_file(const struct render_qr_label *lab,
    const struct render_qr_opts *o, FILE *fp, const char *name,
    char **errstr);

/*
 * Writes the codes of v (o->format RQR_PNG or RQR_SVG) as the files
 * dir/<window>.png or .svg, replacing files of those names.  A file that
 * could not be written completely is removed.
 */
int render_qr_dir(const struct render_qr_label *v, size_t n,
    const struct render_qr_opts *o, const char *dir, char **errstr);

/*
 * Writes the code of lab as UTF-8 half blocks to fp, two module rows a
 * line: light modules are blocks, dark ones blanks, as a terminal with
 * light text on a dark background shows them (like qrencode -t UTF8).
 */
int render_qr_utf8(const struct render_qr_label *lab,
    const struct render_qr_opts *o, FILE *fp, const char *name,
    char **errstr);

/*
 * Return-visit work sheets of hcp-review(1): one A4 page per case with
 * what the caller gives (personal data already masked: this draws the
 * strings as they are), and boxes to record the result of the call.
 */
struct render_case_sheet {
	const char *station;	/* the heading, "" to leave it out */
	const char *case_no, *state, *record, *grade, *assessed;
	const char *dept, *window, *staff, *item, *detail, *comment;
	const char *evaluator, *phone;	/* masked */
	const char *visit_due, *rectify_due, *next_due;
};
int render_case_sheets(const struct render_case_sheet *v, size_t n,
    FILE *fp, const char *name, char **errstr);

#endif
