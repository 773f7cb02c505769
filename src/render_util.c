/* SPDX-License-Identifier: ISC */
/*
 * Shared drawing helpers: text boxes with pango, QR symbols with
 * libqrencode drawn as one cairo path of merged module runs or as a
 * 1-bit stencil, many symbols encoded on several threads, PDF metadata
 * (renderint.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>

#include "clock.h"
#include "renderint.h"
#include "ring.h"
#include "xalloc.h"
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

/* Sets the font of pl: pt points, bold or not; the height of its text. */
static double
set_size(PangoLayout *pl, double pt, int bold)
{
	PangoFontDescription *fd = pango_font_description_new();
	PangoRectangle logical;

	pango_font_description_set_family_static(fd, render_font());
	pango_font_description_set_absolute_size(fd,
	    pt * RENDER_PT_MM * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(pl, fd);
	pango_font_description_free(fd);
	pango_layout_get_extents(pl, NULL, &logical);
	return (double)logical.height / PANGO_SCALE;
}

/*
 * A text stays in its box: one that would run over the box's height
 * (and over the boxes below it: a grade box of a form, the next row of a
 * sheet) is set smaller, down to RENDER_MIN_SCALE of its size, and what
 * still does not fit is cut with an ellipsis.
 */
int
render_text(cairo_t *cr, PangoLayout *pl, const char *text, double x,
    double y, double w, double h, double pt, int bold,
    enum layout_align align)
{
	double th, size = pt;
	int fitted = 0;

	pango_layout_set_width(pl, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_NONE);
	pango_layout_set_height(pl, -1);
	pango_layout_set_alignment(pl, align == LAYOUT_CENTRE ?
	    PANGO_ALIGN_CENTER : align == LAYOUT_RIGHT ? PANGO_ALIGN_RIGHT :
	    PANGO_ALIGN_LEFT);
	pango_layout_set_text(pl, text, -1);
	th = set_size(pl, size, bold);
	while (th > h * RENDER_FIT_SLACK && size > pt * RENDER_MIN_SCALE) {
		size *= 0.9;
		if (size < pt * RENDER_MIN_SCALE)
			size = pt * RENDER_MIN_SCALE;
		th = set_size(pl, size, bold);
	}
	if (size < pt)
		fitted = 1;
	if (th > h * RENDER_FIT_SLACK) {
		pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(pl, (int)(h * PANGO_SCALE));
		th = set_size(pl, size, bold);
		fitted = 2;
	}
	cairo_move_to(cr, x, th < h ? y + (h - th) / 2 : y);
	pango_cairo_show_layout(cr, pl);
	return fitted;
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
render_qr_blit(cairo_surface_t *img, const QRcode *q, int x, int y)
{
	int n = q->width, w, h, stride, r, c;
	unsigned char *d;

	cairo_surface_flush(img);
	if ((d = cairo_image_surface_get_data(img)) == NULL)
		return;
	w = cairo_image_surface_get_width(img);
	h = cairo_image_surface_get_height(img);
	stride = cairo_image_surface_get_stride(img);
	/* A1: 32-bit words, the first pixel in the low bit (LE). */
	for (r = 0; r < n; r++) {
		const unsigned char *src = q->data + (size_t)r * n;
		uint32_t *row;

		if (y + r < 0 || y + r >= h)
			continue;
		row = (uint32_t *)(void *)(d + (size_t)(y + r) *
		    (size_t)stride);
		for (c = 0; c < n; c++) {
			int px = x + c;

			if (!(src[c] & 1) || px < 0 || px >= w)
				continue;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			row[px >> 5] |= 0x80000000u >> (px & 31);
#else
			row[px >> 5] |= 1u << (px & 31);
#endif
		}
	}
	cairo_surface_mark_dirty(img);
}

void
render_qr_stencil(cairo_t *cr, cairo_surface_t *img, double x, double y,
    double m)
{
	cairo_pattern_t *pat;
	cairo_matrix_t mx;

	pat = cairo_pattern_create_for_surface(img);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
	cairo_matrix_init_scale(&mx, 1 / m, 1 / m);
	cairo_matrix_translate(&mx, -x, -y);
	cairo_pattern_set_matrix(pat, &mx);
	cairo_mask(cr, pat);
	cairo_pattern_destroy(pat);
}

#define BATCH_THREADS_MAX 8

/* The threads a pool starts: one a processor, at most the maximum. */
static int
pool_threads(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	return ncpu < 1 ? 1 : ncpu > BATCH_THREADS_MAX ? BATCH_THREADS_MAX :
	    (int)ncpu;
}

/* Empties a ring of work not started: the pool stops. */
static void
pool_stop(struct ring *todo)
{
	while (ring_try_get(todo) != NULL)
		continue;
}

/*
 * One code of a batch.  A worker takes it from the todo ring, sets q and
 * err and puts it on the done ring; the caller alone reads it from there
 * on and sets done.
 */
struct qr_job {
	size_t i;
	QRcode *q;
	int err;		/* errno of a failed code */
	int done;
};

struct render_qr_batch {
	const char *const *data;
	size_t n;
	int eclevel, nth;
	struct qr_job *job;
	struct ring *todo, *done;
	pthread_t th[BATCH_THREADS_MAX];
};

static void *
batch_worker(void *arg)
{
	struct render_qr_batch *b = arg;
	struct qr_job *j;

	while ((j = ring_get(b->todo)) != NULL) {
		errno = 0;
		j->q = render_qr_encode(b->data[j->i], b->eclevel);
		j->err = j->q == NULL ? (errno != 0 ? errno : EINVAL) : 0;
		/* The done ring has a slot for every code: never waits. */
		ring_put(b->done, j);
	}
	return NULL;
}

struct render_qr_batch *
render_qr_batch_new(const char *const *data, size_t n, int eclevel)
{
	struct render_qr_batch *b = xcalloc(1, sizeof(*b));
	int want, i;
	size_t k;

	b->data = data;
	b->n = n;
	b->eclevel = eclevel;
	/* A few codes are not worth a thread. */
	want = n < 4 ? 0 : pool_threads();
	if (want == 0)
		return b;
	b->job = xcalloc(n, sizeof(*b->job));
	b->todo = ring_new(n);
	b->done = ring_new(n);
	for (k = 0; k < n; k++) {
		b->job[k].i = k;
		ring_put(b->todo, &b->job[k]);
	}
	ring_close(b->todo);
	for (i = 0; i < want; i++) {
		if (pthread_create(&b->th[i], NULL, batch_worker, b) != 0)
			break;
		b->nth++;
	}
	return b;
}

QRcode *
render_qr_batch_get(struct render_qr_batch *b, size_t i)
{
	struct qr_job *j;
	QRcode *q;

	if (b->nth == 0)
		return render_qr_encode(b->data[i], b->eclevel);
	j = &b->job[i];
	while (!j->done) {
		struct qr_job *d = ring_get(b->done);

		d->done = 1;
	}
	q = j->q;
	j->q = NULL;
	if (q == NULL)
		errno = j->err;
	return q;
}

void
render_qr_batch_free(struct render_qr_batch *b)
{
	size_t i;
	int k;

	if (b == NULL)
		return;
	if (b->todo != NULL)
		pool_stop(b->todo);
	for (k = 0; k < b->nth; k++)
		pthread_join(b->th[k], NULL);
	for (i = 0; b->job != NULL && i < b->n; i++)
		if (b->job[i].q != NULL)
			QRcode_free(b->job[i].q);
	ring_free(b->todo);
	ring_free(b->done);
	free(b->job);
	free(b);
}

/* render_parallel(): the indices on a ring, as i + 1 (never NULL). */
struct par {
	struct ring *todo;
	atomic_int failed;
	int (*fn)(void *, size_t);
	void *arg;
};

static void *
par_worker(void *arg)
{
	struct par *p = arg;
	void *x;

	while ((x = ring_get(p->todo)) != NULL) {
		if (p->fn(p->arg, (size_t)(uintptr_t)x - 1) != 0) {
			atomic_store(&p->failed, 1);
			pool_stop(p->todo);
		}
	}
	return NULL;
}

int
render_parallel(size_t n, int (*fn)(void *, size_t), void *arg)
{
	pthread_t th[BATCH_THREADS_MAX];
	struct par p;
	int k, nth = 0, want = pool_threads();
	size_t i;

	p.todo = ring_new(n);
	for (i = 0; i < n; i++)
		ring_put(p.todo, (void *)(uintptr_t)(i + 1));
	ring_close(p.todo);
	atomic_init(&p.failed, 0);
	p.fn = fn;
	p.arg = arg;
	for (k = 1; k < want && (size_t)k < n; k++)
		if (pthread_create(&th[nth], NULL, par_worker, &p) == 0)
			nth++;
	par_worker(&p);
	for (k = 0; k < nth; k++)
		pthread_join(th[k], NULL);
	ring_free(p.todo);
	return atomic_load(&p.failed) ? -1 : 0;
}

/*
 * Under LeakSanitizer (make check SANITIZE=1): fontconfig keeps a small
 * part of its configuration (parsed on pango's start-up thread) where a
 * leak checker cannot see it; that is fontconfig's, not ours.  Every tool
 * that draws links this file, so one suppression serves them all, and
 * it is not counted on standard error at exit.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

void
render_fonts_release(void)
{
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	int i;

	for (i = 0; i < 1000 && g_atomic_int_get(&G_OBJECT(fm)->ref_count) > 1; i++)
		g_usleep(1000);
	i = g_atomic_int_get(&G_OBJECT(fm)->ref_count) > 1;
	pango_cairo_font_map_set_default(NULL);
	if (!i)
		cairo_debug_reset_static_data();
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
