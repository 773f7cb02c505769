/* SPDX-License-Identifier: ISC */
/*
 * scangen: the test corpus of hcp-scan.  It takes pages of blank forms
 * as hcp-form printed them (rasterised by pdftoppm, grey), fills them in
 * as people do, degrades them as scanners and paper do, writes them out
 * and prints the ground truth.  The box positions come from the same
 * layout module that printed the forms.
 *
 * usage: scangen -d db [-t template] [-s seed] [-c n] [-G grade]
 *            [-g degradations] [-o out] page.pgm ...
 *
 * Marks, chosen at random per page (seed and page number): the grade
 * (one box; on one page in n (-c, 8 by default, 0 never) a box ticked,
 * then scribbled over, and another ticked), each 是/否 question answered or not, bad-review reasons for
 * a grade of 1 or 2; each mark a tick, a cross, a full fill, a light
 * pencil tick or a tick running over the border.
 *
 * Degradations, comma separated: rot (a random skew up to ±5°), r180
 * (fed upside down), scale (±3%), noise, blur, jpeg (quality 40), dither
 * (bilevel, error diffusion), fold (a dark fold line), staple (a staple
 * and its shadow in a corner).
 *
 * out is a file name ending in .png, .jpg, .tif or .pdf; with "%d" in it
 * one file a page (numbered from 1), else all pages in one file (TIFF
 * and PDF only).  Truth on stdout, one line a box and one a page:
 *
 *	B <file> <page> <box index> <empty|marked|uncertain>
 *	G <file> <page> <grade 1-5, or "?" if the page must go to review>
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <leptonica/allheaders.h>

#include "db.h"
#include "layout.h"
#include "xalloc.h"

static unsigned long long rng_state;

static double
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static int
rint_(int n)
{
	return (int)(rnd() * n) % n;
}

static double
gauss(void)
{
	double u = rnd() + 1e-12, v = rnd();

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* --- drawing on an 8-bit grey image, in mm ---------------------------- */

struct canvas {
	PIX *pix;
	l_uint32 *data;
	int w, h, wpl;
	double ppm;
};

static void
dot(struct canvas *c, double x, double y, double r, int ink)
{
	int x0 = (int)floor(x - r), x1 = (int)ceil(x + r);
	int y0 = (int)floor(y - r), y1 = (int)ceil(y + r), i, j;

	for (j = y0; j <= y1; j++)
		for (i = x0; i <= x1; i++) {
			l_uint32 *line;
			double d = hypot(i - x, j - y);
			int v, old;

			if (i < 0 || j < 0 || i >= c->w || j >= c->h || d > r)
				continue;
			line = c->data + (size_t)j * c->wpl;
			old = GET_DATA_BYTE(line, i);
			v = ink;
			if (d > r - 1)	/* soft edge */
				v = (int)(ink + (old - ink) * (d - r + 1));
			if (v < old)
				SET_DATA_BYTE(line, i, v);
		}
}

/* A stroke from (x0, y0) to (x1, y1) mm, width wmm, grey ink. */
static void
stroke(struct canvas *c, double x0, double y0, double x1, double y1,
    double wmm, int ink)
{
	double len = hypot(x1 - x0, y1 - y0) * c->ppm, t;
	double r = wmm * c->ppm / 2;

	if (r < 0.7)
		r = 0.7;
	for (t = 0; t <= len; t += 0.5) {
		double f = len > 0 ? t / len : 0;

		dot(c, (x0 + (x1 - x0) * f) * c->ppm, (y0 + (y1 - y0) * f) *
		    c->ppm, r, ink);
	}
}

enum mark {
	M_TICK,
	M_CROSS,
	M_FILL,
	M_PENCIL,
	M_OVER,
	M_NKINDS
};

static double
jit(double s)
{
	return (rnd() - 0.5) * 0.16 * s;
}

static void
tick(struct canvas *c, const struct layout_item *it, double grow, double w,
    int ink)
{
	double s = it->w * grow, x = it->x + it->w / 2 - s / 2,
	    y = it->y + it->h / 2 - s / 2;
	double ax = x + 0.15 * s + jit(s), ay = y + 0.5 * s + jit(s);
	double bx = x + 0.4 * s + jit(s), by = y + 0.85 * s + jit(s);
	double cx = x + 0.92 * s + jit(s), cy = y + 0.08 * s + jit(s);

	stroke(c, ax, ay, bx, by, w, ink);
	stroke(c, bx, by, cx, cy, w, ink);
}

static void
draw_mark(struct canvas *c, const struct layout_item *it, enum mark m)
{
	double s = it->w, x = it->x, y = it->y, v;

	switch (m) {
	case M_TICK:
		tick(c, it, 1.0, 0.5, 40);
		break;
	case M_CROSS:
		stroke(c, x + 0.15 * s + jit(s), y + 0.15 * s + jit(s),
		    x + 0.85 * s + jit(s), y + 0.85 * s + jit(s), 0.5, 40);
		stroke(c, x + 0.85 * s + jit(s), y + 0.15 * s + jit(s),
		    x + 0.15 * s + jit(s), y + 0.85 * s + jit(s), 0.5, 40);
		break;
	case M_FILL:
		for (v = y + 0.1 * s; v < y + 0.9 * s; v += 0.25)
			stroke(c, x + 0.1 * s, v, x + 0.9 * s, v, 0.45, 45);
		break;
	case M_PENCIL:
		tick(c, it, 1.0, 0.45, 150);
		break;
	case M_OVER:
		tick(c, it, 1.6, 0.55, 35);
		break;
	default:
		break;
	}
}

/* A mark struck out: a dense zigzag over the box and past its border. */
static void
scribble(struct canvas *c, const struct layout_item *it)
{
	double s = it->w, x0 = it->x - 0.35 * s, x1 = it->x + 1.35 * s;
	double y, y0 = it->y - 0.3 * s, y1 = it->y + 1.3 * s;
	int k = 0;

	for (y = y0; y < y1; y += 0.3, k++)
		stroke(c, k % 2 ? x0 : x1, y, k % 2 ? x1 : x0, y + 0.3, 0.5,
		    35);
}

/* --- filling in a page ------------------------------------------------ */

enum truth {
	T_EMPTY,
	T_MARKED,
	T_UNCERTAIN
};

static const char *const truth_name[] = { "empty", "marked", "uncertain" };

/* Fills in the page; writes the truth of every tick box, returns the grade
 * or 0 if the page must go to review. */
static int corr = 8;
static int force_grade;

static int
fill_page(struct canvas *c, const struct layout *l, enum truth *t)
{
	const struct layout_item *grades[5], *boxes[64];
	size_t i, nb = 0;
	int g, q = 2, lastq = 0, review = 0;

	for (i = 0; i < l->n && nb < 64; i++)
		if (l->v[i].kind == LAYOUT_TICK) {
			t[nb] = T_EMPTY;
			boxes[nb++] = &l->v[i];
		}
	for (i = 0, g = 0; i < nb; i++)
		if (boxes[i]->field == F_SATISFACTION && g < 5)
			grades[g++] = boxes[i];
	g = 1 + rint_(5);		/* the grade given */
	if (force_grade > 0)
		g = force_grade;
	for (i = 0; i < nb; i++) {
		const struct layout_item *it = boxes[i];
		enum mark m = (enum mark)rint_(M_NKINDS);

		if (it == grades[5 - g]) {
			draw_mark(c, it, m);
			t[i] = T_MARKED;
		} else if (it->question > 0) {
			/* 0 yes, 1 no, 2 not answered; drawn per question */
			if (it->question != lastq) {
				lastq = it->question;
				q = rint_(3);
			}
			if ((q == 0 && strcmp(it->value, "yes") == 0) ||
			    (q == 1 && strcmp(it->value, "no") == 0)) {
				draw_mark(c, it, m);
				t[i] = T_MARKED;
			}
		} else if (it->field == F_EVAL_DETAIL && g <= 2 &&
		    rint_(4) == 0) {
			draw_mark(c, it, m);
			t[i] = T_MARKED;
		}
	}
	/* one page in `corr': another grade ticked first, then struck out */
	if (corr > 0 && rint_(corr) == 0) {
		int other = (g + rint_(4)) % 5 + 1;

		for (i = 0; i < nb; i++)
			if (boxes[i] == grades[5 - other]) {
				tick(c, boxes[i], 1.0, 0.5, 40);
				scribble(c, boxes[i]);
				t[i] = T_UNCERTAIN;
				review = 1;
			}
	}
	return review ? 0 : g;
}

/* --- degrading -------------------------------------------------------- */

static int
has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return 0;
}

static void
sync_canvas(struct canvas *c, PIX *pix, double ppm)
{
	c->pix = pix;
	c->data = pixGetData(pix);
	c->w = pixGetWidth(pix);
	c->h = pixGetHeight(pix);
	c->wpl = pixGetWpl(pix);
	c->ppm = ppm;
}

static PIX *
degrade(struct canvas *c, const char *dg, const struct layout *l)
{
	PIX *p = c->pix, *q;
	int x, y;

	if (has(dg, "staple")) {
		double x0 = 16 + rnd() * 6, y0 = 3 + rnd() * 2;

		stroke(c, x0 + 0.6, y0 + 0.8, x0 + 12.6, y0 + 5.8, 2.2, 170);
		stroke(c, x0, y0, x0 + 12, y0 + 5, 1.0, 60);
	}
	if (has(dg, "fold")) {
		double fy = l->page_h * (0.3 + rnd() * 0.4);

		stroke(c, 0, fy + 0.5, l->page_w, fy + 0.5 + rnd(), 1.6, 200);
		stroke(c, 0, fy, l->page_w, fy + rnd(), 0.3, 110);
	}
	if (has(dg, "rot") || has(dg, "scale")) {
		/* the scanner's bed is larger than the sheet */
		int b = (int)(8 * c->ppm);

		q = pixAddBorder(p, b, 255);
		pixDestroy(&p);
		p = q;
	}
	if (has(dg, "rot")) {
		double a = (rnd() * 2 - 1) * 5 * M_PI / 180;

		q = pixRotate(p, (float)a, L_ROTATE_AREA_MAP,
		    L_BRING_IN_WHITE, 0, 0);
		pixDestroy(&p);
		p = q;
	}
	if (has(dg, "scale")) {
		double f = 1 + (rnd() * 2 - 1) * 0.03;

		q = pixScale(p, (float)f, (float)f);
		pixDestroy(&p);
		p = q;
	}
	if (has(dg, "r180")) {
		q = pixRotate180(NULL, p);
		pixDestroy(&p);
		p = q;
	}
	if (has(dg, "blur")) {
		q = pixBlockconv(p, 1, 1);
		pixDestroy(&p);
		p = q;
	}
	if (has(dg, "noise")) {
		l_uint32 *d = pixGetData(p);
		int wpl = pixGetWpl(p);

		for (y = 0; y < (int)pixGetHeight(p); y++)
			for (x = 0; x < (int)pixGetWidth(p); x++) {
				l_uint32 *line = d + (size_t)y * wpl;
				int v = GET_DATA_BYTE(line, x) +
				    (int)lround(gauss() * 12);

				SET_DATA_BYTE(line, x, v < 0 ? 0 : v > 255 ?
				    255 : v);
			}
	}
	if (has(dg, "dither")) {
		q = pixDitherToBinary(p);
		pixDestroy(&p);
		p = q;
	}
	return p;
}

static void
usage(void)
{
	fputs("usage: scangen -d db [-t template] [-s seed] [-c n] [-G grade] "
	    "[-g degradations] [-o out] page.pgm ...\n", stderr);
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *dbpath = "hcp.db", *tpath = NULL, *dg = "", *out =
	    "out-%d.png";
	struct layout_reason *rv;
	struct layout *l;
	struct db *db;
	PIXA *pixa = NULL;
	size_t rn;
	unsigned long long seed = 1;
	int ch, i, one_file, jpeg;
	char *e, path[4096];
	const char *ext;

	while ((ch = getopt(argc, argv, "c:d:G:g:o:s:t:")) != -1) {
		switch (ch) {
		case 'G':
			force_grade = atoi(optarg);
			break;
		case 'c':
			corr = atoi(optarg);
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'g':
			dg = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 't':
			tpath = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	setMsgSeverity(L_SEVERITY_ERROR);
	db = db_new();
	if (db_open(db, dbpath, DB_READONLY, NULL) != 0 ||
	    layout_dict_reasons(db, &rv, &rn) != 0) {
		fprintf(stderr, "scangen: %s\n", db_errstr(db));
		return 2;
	}
	if (tpath == NULL)
		tpath = "standard";
	if (getenv("HCP_DATADIR") != NULL && strchr(tpath, '/') == NULL) {
		snprintf(path, sizeof(path), "%s/forms/%s.form",
		    getenv("HCP_DATADIR"), tpath);
		tpath = path;
	}
	if ((l = layout_load(tpath, rv, rn, &e)) == NULL) {
		fprintf(stderr, "scangen: %s\n", e);
		return 2;
	}
	ext = strrchr(out, '.');
	ext = ext != NULL ? ext + 1 : "png";
	one_file = strstr(out, "%d") == NULL;
	jpeg = strcmp(ext, "jpg") == 0;
	if (one_file)
		pixa = pixaCreate(argc);
	for (i = 0; i < argc; i++) {
		enum truth t[64];
		struct canvas c;
		PIX *pix, *g;
		size_t k, nb = 0;
		int grade;
		char name[4096];

		/* splitmix64 of seed and page: unrelated streams */
		rng_state = seed * 1000003 + (unsigned)i;
		rng_state = (rng_state ^ rng_state >> 30) *
		    0xbf58476d1ce4e5b9ULL;
		rng_state = (rng_state ^ rng_state >> 27) *
		    0x94d049bb133111ebULL;
		rng_state ^= rng_state >> 31;
		if (rng_state == 0)
			rng_state = 1;
		if ((pix = pixRead(argv[i])) == NULL) {
			fprintf(stderr, "scangen: %s: cannot read\n", argv[i]);
			return 2;
		}
		g = pixConvertTo8(pix, 0);
		pixDestroy(&pix);
		sync_canvas(&c, g, pixGetWidth(g) / l->page_w);
		grade = fill_page(&c, l, t);
		g = degrade(&c, dg, l);
		if (one_file)
			snprintf(name, sizeof(name), "%s", out);
		else {
			const char *pc = strstr(out, "%d");

			snprintf(name, sizeof(name), "%.*s%d%s",
			    (int)(pc - out), out, i + 1, pc + 2);
		}
		for (k = 0; k < l->n; k++)
			if (l->v[k].kind == LAYOUT_TICK) {
				printf("B %s %d %zu %s\n", name,
				    one_file ? i + 1 : 1, nb, truth_name[t[nb]]);
				nb++;
			}
		if (grade > 0)
			printf("G %s %d %d\n", name, one_file ? i + 1 : 1,
			    grade);
		else
			printf("G %s %d ?\n", name, one_file ? i + 1 : 1);
		if (one_file && strcmp(ext, "pdf") == 0) {
			pixaAddPix(pixa, g, L_INSERT);
			continue;
		}
		if (strcmp(ext, "tif") == 0)
			pixWriteTiff(name, g, pixGetDepth(g) == 1 ?
			    IFF_TIFF_G4 : IFF_TIFF_LZW, one_file && i > 0 ?
			    "a" : "w");
		else if (jpeg)
			pixWriteJpeg(name, g, has(dg, "jpeg") ? 40 : 85, 0);
		else
			pixWrite(name, g, IFF_PNG);
		pixDestroy(&g);
	}
	if (pixa != NULL) {
		if (strcmp(ext, "pdf") == 0 && pixaConvertToPdf(pixa, 0, 1.0,
		    L_DEFAULT_ENCODE, has(dg, "jpeg") ? 40 : 85, "scan",
		    out) != 0) {
			fprintf(stderr, "scangen: %s: cannot write\n", out);
			return 2;
		}
		pixaDestroy(&pixa);
	}
	layout_free(l);
	layout_reasons_free(rv, rn);
	db_free(db);
	return fflush(stdout) == 0 ? 0 : 1;
}
