/* SPDX-License-Identifier: ISC */
/*
 * hcp-scan: read scanned paper forms (PNG, JPEG, TIFF, PDF) into the CSV
 * that hcp-check and hcp-import read; rows a person must look at go to a
 * review CSV, and --resolve applies the decisions written into it.
 */
#include <err.h>
#include <getopt.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csvin.h"
#include "db.h"
#include "fields.h"
#include "i18n.h"
#include "layout.h"
#include "ledger.h"
#include "num.h"
#include "outfile.h"
#include "scan.h"
#include "scanvalues.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-scan [-q] [-d db] [-j jobs] [-t template] [--review review]"
    "\n                [--boxes file] [--crops dir] [--dpi dpi] "
    "[--keying sheet]\n"
    "                [--no-sheets] -o file file ...\n"
    "       hcp-scan [-q] -o file --resolve review\n";

/* The columns the review CSV has after the record's. */
static const char *const review_cols[] = { "unsure", "note", "source" };
#define NREVIEW (sizeof(review_cols) / sizeof(review_cols[0]))

struct page_res {
	size_t file;		/* index in the file list */
	int page;		/* 0-based */
	char *err;		/* the file or page could not be read */
	int file_err;		/* err is about the whole file */
	int read;		/* the page was decoded and read */
	char *image;		/* "sha256:page" (scan_image) */
	/* crops for the sheets: handwritten areas, then unclear boxes */
	struct scan_sheet_area key[F_NFIELDS], rev[F_NFIELDS];
	int keyf[F_NFIELDS];	/* the field of key[i] */
	size_t nkey, nrev;
	struct scan_page pg;
	struct scan_values sv;
};

/* An open input file, closed when its last page is read. */
struct docref {
	struct scan_doc *d;
	int refs;		/* pages in work */
	int next;		/* the next page to hand out */
};

struct run {
	char **files;
	size_t nfiles;
	const struct scan_forms *sf;
	const char *crops;
	int sheets;		/* take the crops the sheets show */
	int pdf_dpi;
	int progress;
	/* under lock */
	pthread_mutex_t lock;
	size_t next_file;
	struct docref *doc;	/* handing out its pages */
	struct page_res **res;
	size_t nres;
	size_t done;
	struct timespec t0, last;
};

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

static double
since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) +
	    (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static struct page_res *
new_res(struct run *r, size_t file, int page)
{
	struct page_res *p = xcalloc(1, sizeof(*p));

	p->file = file;
	p->page = page;
	r->res = xreallocarray(r->res, r->nres + 1, sizeof(*r->res));
	r->res[r->nres++] = p;
	return p;
}

/*
 * Hands out the next page (under r->lock): its doc (with a reference)
 * and its result slot.  Returns NULL when all files are done.
 */
static void
doc_release(struct docref *dr)
{
	scan_doc_close(dr->d);
	free(dr);
}

static struct page_res *
next_page(struct run *r, struct docref **dp)
{
	struct page_res *p;
	struct scan_doc *d;
	char *e;

	while (r->doc == NULL || r->doc->next >= scan_doc_pages(r->doc->d)) {
		if (r->doc != NULL && r->doc->refs == 0)
			doc_release(r->doc);
		r->doc = NULL;
		if (r->next_file >= r->nfiles)
			return NULL;
		if ((d = scan_doc_open(r->files[r->next_file], r->pdf_dpi,
		    &e)) == NULL) {
			p = new_res(r, r->next_file++, 0);
			p->err = e;
			p->file_err = 1;
			continue;
		}
		r->doc = xcalloc(1, sizeof(*r->doc));
		r->doc->d = d;
		r->next_file++;
	}
	p = new_res(r, r->next_file - 1, r->doc->next++);
	r->doc->refs++;
	*dp = r->doc;
	return p;
}

static void
crops(struct run *r, const struct scan_image *im, struct page_res *p)
{
	const struct layout *l = p->pg.l;
	size_t i;
	char *e;

	for (i = 0; i < l->n; i++) {
		const struct layout_item *it = &l->v[i];
		char *path;

		if (it->kind != LAYOUT_WRITE || it->field < 0)
			continue;
		path = xasprintf("%s/%s-%s.png", r->crops, p->pg.serial,
		    fields[it->field].name);
		if (scan_crop_write(im, &p->pg, it, 1.0, 150, path, &e) != 0) {
			free(p->err);
			p->err = e;
		}
		free(path);
	}
}

#define SHEET_DPI 100	/* of the crops on the sheets */

/* The handwritten areas of the page, for the keying sheet. */
static void
sheet_key(const struct scan_image *im, struct page_res *p)
{
	const struct layout *l = p->pg.l;
	size_t i;

	for (i = 0; i < l->n && p->nkey < F_NFIELDS; i++) {
		const struct layout_item *it = &l->v[i];
		struct scan_sheet_area *a = &p->key[p->nkey];

		if (it->kind != LAYOUT_WRITE || it->field < 0)
			continue;
		a->label = fields[it->field].zh;
		a->crop = scan_crop_take(im, &p->pg, it->x - 1, it->y - 1,
		    it->w + 2, it->h + 2, SHEET_DPI);
		p->keyf[p->nkey++] = it->field;
	}
}

/* Whether tick box it records field f (an answer's by its question). */
static int
box_of(const struct layout *l, const struct layout_item *it, int f)
{
	if (it->kind != LAYOUT_TICK)
		return 0;
	if (it->field == f)
		return 1;
	return it->question > 0 && (size_t)it->question <= l->nquestions &&
	    l->question_field[it->question - 1] == f;
}

/*
 * The unclear fields of the page, for the review sheet: the line of
 * their boxes, with room on the right for the printed words.
 */
static void
sheet_rev(const struct scan_image *im, struct page_res *p)
{
	const struct layout *l = p->pg.l;
	int f;

	for (f = 0; f < F_NFIELDS; f++) {
		double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
		struct scan_sheet_area *a = &p->rev[p->nrev];
		size_t i;

		if (!p->sv.unsure[f])
			continue;
		for (i = 0; i < l->n; i++) {
			const struct layout_item *it = &l->v[i];

			if (!box_of(l, it, f))
				continue;
			if (it->x < x0)
				x0 = it->x;
			if (it->y < y0)
				y0 = it->y;
			if (it->x + it->w > x1)
				x1 = it->x + it->w;
			if (it->y + it->h > y1)
				y1 = it->y + it->h;
		}
		a->label = fields[f].zh;
		if (x1 > x0) {
			x0 -= 3;
			y0 -= 2;
			x1 = x1 + 30 < l->page_w ? x1 + 30 : l->page_w;
			y1 += 2;
			a->crop = scan_crop_take(im, &p->pg, x0, y0, x1 - x0,
			    y1 - y0, SHEET_DPI);
		}
		p->nrev++;
	}
}

static void *
worker(void *arg)
{
	struct run *r = arg;
	struct docref *d = NULL;
	struct page_res *p;

	for (;;) {
		struct scan_image *im;

		pthread_mutex_lock(&r->lock);
		p = next_page(r, &d);
		pthread_mutex_unlock(&r->lock);
		if (p == NULL)
			break;
		/* the file's hash once, on this thread, not under r->lock */
		p->image = xasprintf("%s:%d", scan_doc_sha256(d->d),
		    p->page + 1);
		if ((im = scan_doc_page(d->d, p->page, &p->err)) != NULL) {
			p->read = 1;
			if (scan_page_read(r->sf, im, &p->pg) == SCAN_OK) {
				scan_values_get(&p->pg, &p->sv);
				if (r->crops != NULL)
					crops(r, im, p);
				if (r->sheets) {
					sheet_key(im, p);
					if (p->sv.nunsure > 0)
						sheet_rev(im, p);
				}
			}
			scan_image_free(im);
		}
		pthread_mutex_lock(&r->lock);
		r->done++;
		if (--d->refs == 0 && d != r->doc)
			doc_release(d);
		if (r->progress && since(&r->last) > 0.25) {
			double t = since(&r->t0);

			clock_gettime(CLOCK_MONOTONIC, &r->last);
			fprintf(stderr, "\rhcp-scan: %zu %s, %.1f %s\033[K",
			    r->done, _("pages"), t > 0 ? r->done / t : 0.0,
			    _("pages/s"));
		}
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

/*
 * The fields the output has: those any known layout keys, in order, and
 * the provenance of the row (scan_image).
 */
static void
columns(const struct layout *const *lv, size_t n, int cols[F_NFIELDS],
    int *ncols)
{
	int f;
	size_t i;

	*ncols = 0;
	for (f = 0; f < F_NFIELDS; f++)
		for (i = 0; i < n; i++)
			if (lv[i]->keyed[f] || f == F_SCAN_IMAGE) {
				cols[(*ncols)++] = f;
				break;
			}
}

static void
put_row(FILE *fp, const char *const *cells, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *c = cells[i] != NULL ? cells[i] : "";

		if (i > 0)
			strbuf_addc(&sb, ',');
		csv_append_field(&sb, c, strlen(c), 1);
	}
	strbuf_adds(&sb, "\r\n");
	fwrite(sb.buf, 1, sb.len, fp);
	strbuf_release(&sb);
}

static void
put_header(FILE *fp, const int *cols, int ncols, int review)
{
	const char *cells[F_NFIELDS + NREVIEW];
	size_t n = 0, i;
	int c;

	fputs("\xef\xbb\xbf", fp);
	for (c = 0; c < ncols; c++)
		cells[n++] = fields[cols[c]].zh;
	if (review)
		for (i = 0; i < NREVIEW; i++)
			cells[n++] = review_cols[i];
	put_row(fp, cells, n);
}

/* The templates known: -t files, or every form in the data directory. */
static struct scan_forms *
load_forms(struct db *db, char **tv, size_t tn, const struct layout ***lvp,
    size_t *lnp)
{
	struct scan_forms *sf = scan_forms_new();
	struct layout_reason *rv = NULL;
	const struct layout **lv = NULL;
	size_t rn = 0, i, ln = 0;
	glob_t g;
	char *pat = NULL;

	if (layout_dict_reasons(db, &rv, &rn) != 0)
		errx(2, "%s", db_errstr(db));
	memset(&g, 0, sizeof(g));
	if (tn == 0) {
		pat = xasprintf("%s/forms/*.form", cli_datadir());
		if (glob(pat, 0, NULL, &g) == 0) {
			tv = g.gl_pathv;
			tn = g.gl_pathc;
		}
	}
	for (i = 0; i < tn; i++) {
		struct layout *l;
		char *path, *e;

		if (strchr(tv[i], '/') != NULL || access(tv[i], F_OK) == 0)
			path = xstrdup(tv[i]);
		else
			path = xasprintf("%s/forms/%s.form", cli_datadir(),
			    tv[i]);
		if ((l = layout_load(path, rv, rn, &e)) == NULL)
			errx(2, "%s", e);
		free(path);
		if (scan_forms_find(sf, l->fingerprint) == NULL) {
			lv = xreallocarray(lv, ln + 1, sizeof(*lv));
			lv[ln++] = l;
		}
		scan_forms_add(sf, l);
	}
	if (ln == 0)
		errx(2, "%s", _("no form template found"));
	globfree(&g);
	free(pat);
	layout_reasons_free(rv, rn);
	*lvp = lv;
	*lnp = ln;
	return sf;
}

static char *
source_of(const struct run *r, const struct page_res *p)
{
	return xasprintf("%s:%d", r->files[p->file], p->page + 1);
}

/*
 * Holds the page's serial against the ledger and the serials read before
 * in this run.  Returns 0 if the row may be written, with the window the
 * form was printed for in *win (malloc'd or NULL).
 */
static int
check_serial(struct db *db, const struct run *r, const struct page_res *p,
    char **win)
{
	struct ledger_entry e;
	char *src = source_of(r, p);
	size_t i;
	int rc = 0;

	*win = NULL;
	for (i = 0; r->res[i] != p; i++)
		if (r->res[i]->err == NULL &&
		    r->res[i]->pg.status == SCAN_OK &&
		    strcmp(r->res[i]->pg.serial, p->pg.serial) == 0) {
			char *o = source_of(r, r->res[i]);

			warnx(_("%s: form %s was read already (%s): a "
			    "duplicate, left out"), src, p->pg.serial, o);
			free(o);
			free(src);
			return -1;
		}
	switch (ledger_lookup(db, p->pg.serial, &e)) {
	case 1:
		break;
	case 0:
		warnx(_("%s: form %s was not issued by this station"), src,
		    p->pg.serial);
		free(src);
		return -1;
	default:
		errx(2, "%s", db_errstr(db));
	}
	if (e.state == LEDGER_VOIDED) {
		warnx(_("%s: form %s was voided"), src, p->pg.serial);
		rc = -1;
	} else if (e.state == LEDGER_USED) {
		warnx(_("%s: form %s is already imported: a duplicate, left "
		    "out"), src, p->pg.serial);
		rc = -1;
	} else if (strcmp(e.fingerprint, p->pg.fingerprint) != 0) {
		warnx(_("%s: form %s was issued for layout %s, but its QR "
		    "code says %s"), src, p->pg.serial, e.fingerprint,
		    p->pg.fingerprint);
		rc = -1;
	} else if (e.window != NULL)
		*win = xstrdup(e.window);
	ledger_entry_release(&e);
	free(src);
	return rc;
}

static void
put_boxes(FILE *fp, const struct run *r, const struct page_res *p)
{
	static const char *const st[] = { "empty", "marked", "uncertain" };
	size_t i;

	for (i = 0; i < p->pg.nbox; i++) {
		const struct scan_box *b = &p->pg.box[i];

		fprintf(fp, "%s\t%d\t%s\t%zu\t%s\t%s\t%.3f\t%.3f\t%.2f\n",
		    r->files[p->file], p->page + 1, p->pg.serial, b->index,
		    b->it->field >= 0 ? fields[b->it->field].name :
		    "answer", st[b->state], b->ink, b->ring, b->conf);
	}
}

struct outputs {
	FILE *out, *rev, *boxes;
	long rows, review, refused, errors;
	int sheets;
	/* the blocks of the keying and review sheets */
	struct scan_sheet_row *krow, *rrow;
	size_t nkrow, nrrow;
};

/*
 * Adds the block of a row (line of its CSV) to a sheet: the areas
 * first of rev (the unclear boxes, if any), then the handwritten areas
 * left empty in the row (the window the ledger gave is not keyed).
 */
static void
sheet_row(struct scan_sheet_row **v, size_t *n, long line,
    const struct page_res *p, const char *src, const char *win,
    int review)
{
	struct scan_sheet_area *a;
	struct scan_sheet_row *r;
	size_t i, k = 0;

	a = xcalloc(p->nkey + p->nrev + 1, sizeof(*a));
	for (i = 0; review && i < p->nrev; i++)
		a[k++] = p->rev[i];
	for (i = 0; i < p->nkey; i++) {
		int f = p->keyf[i];
		const char *val = f == F_WINDOW ? win : p->sv.v[f];

		if (val == NULL || *val == '\0')
			a[k++] = p->key[i];
	}
	if (k == 0) {
		free(a);
		return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	r = &(*v)[(*n)++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->serial = p->pg.serial;
	r->source = xstrdup(src);
	r->note = review ? p->sv.note : NULL;
	r->area = a;
	r->narea = k;
}

static void
write_page(struct db *db, const struct run *r, struct page_res *p,
    const int *cols, int ncols, struct outputs *o)
{
	const char *cells[F_NFIELDS + NREVIEW];
	char *src, *win = NULL, *unsure = NULL;
	int c;

	if (!p->read) {
		warnx("%s", p->err);
		o->errors++;
		return;
	}
	src = source_of(r, p);
	if (p->pg.status != SCAN_OK) {
		warnx("%s: %s", src, p->pg.err);
		o->refused++;
		free(src);
		return;
	}
	if (p->err != NULL)
		warnx("%s", p->err);
	if (o->boxes != NULL)
		put_boxes(o->boxes, r, p);
	if (check_serial(db, r, p, &win) != 0) {
		o->refused++;
		free(src);
		return;
	}
	for (c = 0; c < ncols; c++) {
		int f = cols[c];

		cells[c] = f == F_SERIAL ? p->pg.serial : f == F_WINDOW ? win :
		    f == F_SCAN_IMAGE ? p->image : p->sv.v[f];
	}
	if (p->sv.nunsure == 0) {
		put_row(o->out, cells, (size_t)ncols);
		o->rows++;
		if (o->sheets)
			sheet_row(&o->krow, &o->nkrow, o->rows + 1, p, src, win,
			    0);
	} else {
		struct strbuf sb = STRBUF_INIT;

		for (c = 0; c < F_NFIELDS; c++)
			if (p->sv.unsure[c]) {
				if (sb.len > 0)
					strbuf_addc(&sb, ' ');
				strbuf_adds(&sb, fields[c].name);
			}
		unsure = strbuf_detach(&sb);
		cells[ncols] = unsure;
		cells[ncols + 1] = p->sv.note;
		cells[ncols + 2] = src;
		put_row(o->rev, cells, (size_t)ncols + NREVIEW);
		o->review++;
		free(unsure);
		if (o->sheets)
			sheet_row(&o->rrow, &o->nrrow, o->review + 1, p, src,
			    win, 1);
	}
	free(win);
	free(src);
}

/* The review sheet's name: the review CSV's, .csv made .pdf. */
static char *
review_sheet_path(const char *review)
{
	size_t n = strlen(review);

	if (n > 4 && strcmp(review + n - 4, ".csv") == 0)
		return xasprintf("%.*s.pdf", (int)(n - 4), review);
	return xasprintf("%s.pdf", review);
}

/*
 * Writes one sheet, or removes the file a run before wrote when this
 * run has nothing for it.  Frees the blocks.
 */
static void
sheet_out(const char *path, enum scan_sheet_kind kind, const char *csv,
    struct scan_sheet_row *v, size_t n, int quiet)
{
	size_t i;
	char *e;

	if (n == 0)
		unlink(path);
	else if (scan_sheet_write(path, kind, csv, v, n, &e) != 0)
		errx(2, "%s", e);
	else if (!quiet)
		fprintf(stderr, kind == SCAN_SHEET_KEYING ? _("hcp-scan: "
		    "keying sheet %s\n") : _("hcp-scan: review sheet %s\n"),
		    path);
	for (i = 0; i < n; i++) {
		free((char *)v[i].source);
		free((struct scan_sheet_area *)v[i].area);
	}
	free(v);
}

/* The crops of a page, once its blocks are drawn. */
static void
res_free(struct page_res *p)
{
	size_t i;

	for (i = 0; i < p->nkey; i++)
		scan_crop_free((struct scan_crop *)p->key[i].crop);
	for (i = 0; i < p->nrev; i++)
		scan_crop_free((struct scan_crop *)p->rev[i].crop);
	scan_page_release(&p->pg);
	scan_values_release(&p->sv);
	free(p->err);
	free(p->image);
	free(p);
}

static int
scan_files(const char *dbpath, char **tv, size_t tn, char **files,
    size_t nfiles, int jobs, const char *out, const char *review,
    const char *boxes, const char *cropdir, int dpi, int quiet,
    const char *keying)
{
	const struct layout **lv;
	struct outputs o;
	struct run r;
	pthread_t *th;
	int cols[F_NFIELDS], ncols, i;
	size_t ln, k;
	struct db *db;
	struct outfile *rev, *box = NULL;
	char *revpath = NULL, *e;

	db = db_new();
	if (db_open(db, cli_db_path(dbpath), DB_READONLY, NULL) != 0)
		errx(2, "%s", db_errstr(db));
	if (nfiles == 0)
		usage();
	memset(&r, 0, sizeof(r));
	r.sf = load_forms(db, tv, tn, &lv, &ln);
	columns(lv, ln, cols, &ncols);
	r.files = files;
	r.nfiles = nfiles;
	r.crops = cropdir;
	r.sheets = keying != NULL;
	r.pdf_dpi = dpi;
	r.progress = !quiet && cli_progress_wanted();
	if (cropdir != NULL && mkdir(cropdir, 0700) != 0) {
		struct stat st;

		if (stat(cropdir, &st) != 0 || !S_ISDIR(st.st_mode))
			err(2, "%s", cropdir);
	}
	pthread_mutex_init(&r.lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	r.last = r.t0;
	th = xcalloc((size_t)jobs, sizeof(*th));
	for (i = 0; i < jobs; i++)
		if (pthread_create(&th[i], NULL, worker, &r) != 0)
			errx(2, "%s", _("cannot start a thread"));
	for (i = 0; i < jobs; i++)
		pthread_join(th[i], NULL);
	free(th);
	if (r.progress) {
		double t = since(&r.t0);

		fprintf(stderr, "\rhcp-scan: %zu %s, %.1f %s\033[K\n", r.done,
		    _("pages"), t > 0 ? r.done / t : 0.0, _("pages/s"));
	}

	memset(&o, 0, sizeof(o));
	o.sheets = r.sheets;
	if (review == NULL)
		review = revpath = xasprintf("%s.review.csv",
		    strcmp(out, "-") == 0 ? "scan" : out);
	o.out = cli_open_output(out);
	put_header(o.out, cols, ncols, 0);
	/* cli_open_output is for one file at a time: the others by hand */
	if ((rev = outfile_open(review, OUTFILE_PRIVATE, &e)) == NULL)
		errx(2, "%s", e);
	o.rev = outfile_fp(rev);
	put_header(o.rev, cols, ncols, 1);
	if (boxes != NULL) {
		if ((box = outfile_open(boxes, OUTFILE_PRIVATE, &e)) == NULL)
			errx(2, "%s", e);
		o.boxes = outfile_fp(box);
	}
	for (k = 0; k < r.nres; k++)
		write_page(db, &r, r.res[k], cols, ncols, &o);
	if (box != NULL && outfile_commit(box, &e) != 0)
		errx(2, "%s", e);
	if (o.review == 0) {
		/* a review file of an earlier run must not stay */
		outfile_abort(rev);
		unlink(review);
	} else if (outfile_commit(rev, &e) != 0)
		errx(2, "%s", e);
	cli_close_output(o.out, out);
	if (!quiet)
		fprintf(stderr, _("hcp-scan: %zu pages: %ld rows written, %ld "
		    "to review (%s), %ld refused, %ld unreadable\n"), r.nres,
		    o.rows, o.review, o.review > 0 ? review : "-", o.refused,
		    o.errors);
	if (r.sheets) {
		char *rs = review_sheet_path(review);

		sheet_out(keying, SCAN_SHEET_KEYING, out, o.krow, o.nkrow,
		    quiet);
		sheet_out(rs, SCAN_SHEET_REVIEW, review, o.rrow, o.nrrow,
		    quiet);
		free(rs);
	}
	for (k = 0; k < r.nres; k++)
		res_free(r.res[k]);
	free(r.res);
	free(lv);
	scan_forms_free((struct scan_forms *)r.sf);
	pthread_mutex_destroy(&r.lock);
	free(revpath);
	db_free(db);
	if (o.errors > 0)
		return 2;
	return o.review > 0 || o.refused > 0 ? 1 : 0;
}

/*
 * --resolve: the review CSV with its decisions filled in.  A row whose
 * unsure fields all have a value ("-" for none) is written to out
 * without the review columns; a row still undecided is reported.
 */
static int
resolve(const char *path, const char *out, int quiet)
{
	struct csvin *c = csvin_new();
	const char *cells[F_NFIELDS];
	long unsure_col = -1, written = 0, open = 0;
	int hdr[F_NFIELDS + NREVIEW], nrec = 0;
	size_t i, n;
	FILE *fp;

	if (csvin_open(c, path, CSVIN_AUTO) != 0 || csvin_next(c) != 1)
		errx(2, "%s", csvin_errstr(c));
	n = csvin_nfields(c);
	if (n > F_NFIELDS + NREVIEW)
		errx(2, _("%s:1: not a review file of hcp-scan"), path);
	for (i = 0; i < n; i++) {
		const char *h = csvin_field(c, i);
		int f = field_lookup(h);

		if (strcmp(h, "unsure") == 0)
			unsure_col = (long)i;
		if (f >= 0 && (size_t)nrec == i) {
			hdr[nrec++] = f;
			continue;
		}
		if (f >= 0 || (strcmp(h, "unsure") != 0 &&
		    strcmp(h, "note") != 0 && strcmp(h, "source") != 0))
			errx(2, _("%s:1: not a review file of hcp-scan "
			    "(column \"%s\")"), path, h);
	}
	if (unsure_col < 0 || nrec == 0)
		errx(2, _("%s:1: not a review file of hcp-scan"), path);
	fp = cli_open_output(out);
	fputs("\xef\xbb\xbf", fp);
	for (i = 0; i < (size_t)nrec; i++)
		cells[i] = fields[hdr[i]].zh;
	put_row(fp, cells, (size_t)nrec);
	for (;;) {
		char *u, *w, *save = NULL;
		int ok = 1, k;

		if ((k = csvin_next(c)) == 0)
			break;
		if (k < 0)
			errx(2, "%s", csvin_errstr(c));
		u = xstrdup(csvin_field(c, (size_t)unsure_col));
		for (w = strtok_r(u, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save)) {
			int f = field_lookup(w);

			for (k = 0; k < nrec; k++)
				if (hdr[k] == f && *csvin_field(c,
				    (size_t)k) == '\0')
					break;
			if (f < 0 || k < nrec) {
				warnx(_("%s:%ld: %s is not decided yet"),
				    path, csvin_line(c), w);
				ok = 0;
			}
		}
		free(u);
		if (!ok) {
			open++;
			continue;
		}
		for (k = 0; k < nrec; k++) {
			cells[k] = csvin_field(c, (size_t)k);
			if (strcmp(cells[k], "-") == 0)
				cells[k] = "";
		}
		put_row(fp, cells, (size_t)nrec);
		written++;
	}
	cli_close_output(fp, out);
	csvin_free(c);
	if (!quiet)
		fprintf(stderr, _("hcp-scan: %ld rows decided, %ld still "
		    "open\n"), written, open);
	return open > 0 ? 1 : 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "review", required_argument, NULL, 'r' },
		{ "template", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "boxes", required_argument, NULL, 'B' },
		{ "crops", required_argument, NULL, 'C' },
		{ "dpi", required_argument, NULL, 'D' },
		{ "resolve", required_argument, NULL, 'R' },
		{ "keying", required_argument, NULL, 'K' },
		{ "no-sheets", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dbpath = NULL, *out = NULL, *review = NULL, *boxes = NULL;
	const char *cropdir = NULL, *resolve_path = NULL, *keying = NULL;
	char *keying_def = NULL;
	char **tv = NULL;
	size_t tn = 0;
	long long v;
	int ch, quiet = 0, jobs = 0, dpi = 0, sheets = 1, rc;

	cli_init();
	while ((ch = cli_getopt(argc, argv, "d:hj:o:qt:V", longopts)) != -1) {
		switch (ch) {
		case 'd':
			dbpath = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, "d:hj:o:qt:V", longopts);
		case 'j':
			if (num_parse(optarg, 1, 256, &v, NULL) != 0)
				errx(EXIT_USAGE, _("jobs \"%s\" is not a "
				    "number 1 to 256"), optarg);
			jobs = (int)v;
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'r':
			review = optarg;
			break;
		case 't':
			tv = xreallocarray(tv, tn + 1, sizeof(*tv));
			tv[tn++] = optarg;
			break;
		case 'V':
			cli_version();
			return 0;
		case 'B':
			boxes = optarg;
			break;
		case 'C':
			cropdir = optarg;
			break;
		case 'D':
			if (num_parse(optarg, 72, 600, &v, NULL) != 0)
				errx(EXIT_USAGE, _("dpi \"%s\" is not a "
				    "number 72 to 600"), optarg);
			dpi = (int)v;
			break;
		case 'R':
			resolve_path = optarg;
			break;
		case 'K':
			keying = optarg;
			break;
		case 'N':
			sheets = 0;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (resolve_path != NULL) {
		if (argc != 0 || out == NULL)
			usage();
		return resolve(resolve_path, out, quiet);
	}
	if (out == NULL && argc > 0)
		usage();
	if (jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = n < 1 ? 1 : n > 16 ? 16 : (int)n;
	}
	if (out == NULL)
		out = "-";
	/* the sheets go beside the CSV: none for standard output */
	if (keying == NULL && strcmp(out, "-") != 0)
		keying = keying_def = xasprintf("%s.keying.pdf", out);
	if (!sheets || keying == NULL || strcmp(keying, "-") == 0)
		keying = NULL;
	rc = scan_files(dbpath, tv, tn, argv, (size_t)argc, jobs, out,
	    review, boxes, cropdir, dpi, quiet, keying);
	free(keying_def);
	free(tv);
	return rc;
}
