/* SPDX-License-Identifier: ISC */
/*
 * hcp-qr: window QR codes from the station's catalogue, as a PDF sheet
 * of labels or posters, PNG or SVG files, UTF-8 terminal art or a list;
 * "hcp-qr verify" checks the tag of a scanned code (DESIGN §7.3).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "db.h"
#include "i18n.h"
#include "keys.h"
#include "num.h"
#include "qrpay.h"
#include "render.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-qr [-d db] [--level level] [--margin margin] [-o output]\n"
    "              [--size size] [-T type] {--all | -w window ...}\n"
    "       hcp-qr [-q] [-d db] verify text ...\n";

enum type {
	T_PDF,
	T_POSTER,
	T_PNG,
	T_SVG,
	T_UTF8,
	T_LIST
};

static const char *const type_names[] = { "pdf", "poster", "png", "svg",
    "utf8", "list" };

/* A window of the catalogue and its code. */
struct win {
	char *id, *name, *dept, *area;
	char *url;
	char check[10];
};

struct station {
	struct db *db;
	const char *dbpath;
	char *tmpl, *hall, *region;
	unsigned char key[KEYS_QR_SECRET_LEN];
};

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

static long long
number_arg(const char *what, const char *s, long long min, long long max)
{
	const char *es;
	long long n;

	if (num_parse(s, min, max, &n, &es) != 0)
		errx(EXIT_USAGE, _("%s \"%s\" is %s (%lld to %lld)"), what, s,
		    _(es), min, max);
	return n;
}

/* Opens the db and reads what every code needs; dies with status ex. */
static void
station_open(struct station *st, const char *dbpath, int ex)
{
	char *e = NULL;

	memset(st, 0, sizeof(*st));
	st->dbpath = cli_db_path(dbpath);
	st->db = db_new();
	if (db_open(st->db, st->dbpath, DB_READONLY, NULL) != 0)
		errx(ex, "%s", db_errstr(st->db));
	if ((st->tmpl = settings_get(st->db, "qr_url")) == NULL ||
	    (st->hall = settings_get(st->db, "hall")) == NULL ||
	    (st->region = settings_get(st->db, "region")) == NULL)
		errx(ex, "%s", db_errstr(st->db));
	if (keys_qr_secret(st->dbpath, st->key, &e) != 0)
		errx(ex, "%s", e);
}

static void
station_close(struct station *st)
{
	explicit_bzero(st->key, sizeof(st->key));
	free(st->tmpl);
	free(st->hall);
	free(st->region);
	db_free(st->db);
}

static void
win_release(struct win *w)
{
	free(w->id);
	free(w->name);
	free(w->dept);
	free(w->area);
	free(w->url);
}

/*
 * Fills in the code of w: the URL template with the window's area (its
 * department's, else the station's region), department and id, no
 * staff and no service item, and the tag; the check code from the tag.
 */
static void
win_code(const struct station *st, struct win *w)
{
	struct qrpay_window qw;

	memset(&qw, 0, sizeof(qw));
	qw.area = *w->area != '\0' ? w->area : st->region;
	qw.dept = w->dept;
	qw.window = w->id;
	w->url = qrpay_window_url(st->tmpl, &qw, st->key, sizeof(st->key));
	qrpay_check_code(w->url + strlen(w->url) - QRPAY_TAG_HEX, w->check);
}

/* Takes over the strings of c. */
static void
win_from_catalog(struct win *w, struct catalog_window *c)
{
	memset(w, 0, sizeof(*w));
	w->id = c->id;
	w->name = c->name;
	w->dept = c->dept;
	w->area = c->area;
}

/*
 * Looks a window up, retired or not.  Returns 1 and fills w (retired
 * set), 0 if there is none, -1 on a db error.
 */
static int
win_lookup(struct db *db, const char *id, struct win *w, int *retired)
{
	struct catalog_window c;
	int rc;

	if ((rc = catalog_window_get(db, id, &c)) == 1) {
		win_from_catalog(w, &c);
		*retired = c.retired;
	}
	return rc;
}

/* The windows asked for: every current one, or the ids of ids. */
static struct win *
windows(struct station *st, int all, char **ids, size_t nids, size_t *np)
{
	struct win *v = NULL;
	struct catalog_window *cv;
	size_t n = 0, i;
	int retired = 0, bad = 0;

	if (all) {
		if (catalog_windows_current(st->db, &cv, &n) != 0)
			errx(2, "%s", db_errstr(st->db));
		v = xcalloc(n > 0 ? n : 1, sizeof(*v));
		for (i = 0; i < n; i++)
			win_from_catalog(&v[i], &cv[i]);
		free(cv);
		if (n == 0)
			errx(1, _("%s: the catalogue has no windows; load "
			    "windows.csv with hcp-init --catalog"),
			    db_path(st->db));
	} else {
		v = xcalloc(nids, sizeof(*v));
		for (i = 0; i < nids; i++) {
			switch (win_lookup(st->db, ids[i], &v[n], &retired)) {
			case -1:
				errx(2, "%s", db_errstr(st->db));
			case 0:
				warnx(_("window %s: no such window in the "
				    "catalogue"), ids[i]);
				bad = 1;
				continue;
			}
			if (retired) {
				warnx(_("window %s is retired: it is no longer "
				    "in windows.csv"), ids[i]);
				win_release(&v[n]);
				bad = 1;
				continue;
			}
			n++;
		}
		if (bad)
			exit(1);
	}
	for (i = 0; i < n; i++)
		win_code(st, &v[i]);
	*np = n;
	return v;
}

static void
label_of(const struct station *st, const struct win *w,
    struct render_qr_label *lab)
{
	lab->payload = w->url;
	lab->hall = st->hall;
	lab->window = w->id;
	lab->window_name = w->name;
	lab->check = w->check;
}

/* Binary output without -o goes to stdout, unless that is a terminal. */
static const char *
binary_out(const char *out)
{
	if (out == NULL) {
		if (isatty(STDOUT_FILENO))
			errx(EXIT_USAGE, "%s", _("will not write an image to a "
			    "terminal: give -o file"));
		return "-";
	}
	return out;
}

static void
write_pdf(const struct station *st, const struct win *v, size_t n,
    const struct render_qr_opts *o, const char *out)
{
	struct render_qr_label *labs = xcalloc(n, sizeof(*labs));
	char *e = NULL;
	FILE *fp;
	size_t i;

	for (i = 0; i < n; i++)
		label_of(st, &v[i], &labs[i]);
	out = binary_out(out);
	fp = cli_open_public_output(out);
	if (render_qr_pdf(labs, n, o, fp, out, &e) != 0)
		cli_fail_output(fp, e);
	cli_close_output(fp, out);
	free(labs);
}

static void
write_one(const struct station *st, const struct win *w,
    const struct render_qr_opts *o, const char *out)
{
	struct render_qr_label lab;
	char *e = NULL;
	FILE *fp;

	label_of(st, w, &lab);
	fp = cli_open_public_output(out);
	if (render_qr_file(&lab, o, fp, out, &e) != 0)
		cli_fail_output(fp, e);
	cli_close_output(fp, out);
}

/*
 * PNG or SVG: one file, or one file per window, DIR/<id>.png, when
 * there are several windows or -o names a directory.
 */
static void
write_files(const struct station *st, const struct win *v, size_t n,
    int all, const struct render_qr_opts *o, const char *out)
{
	const char *ext = o->format == RQR_SVG ? "svg" : "png";
	struct render_qr_label *labs;
	struct stat sb;
	char *e = NULL;
	size_t i;

	if (!all && n == 1 && (out == NULL || stat(out, &sb) != 0 ||
	    !S_ISDIR(sb.st_mode))) {
		write_one(st, &v[0], o, binary_out(out));
		return;
	}
	if (out == NULL || strcmp(out, "-") == 0)
		errx(EXIT_USAGE, _("-o must name a directory for the %s "
		    "files of several windows"), ext);
	if (mkdir(out, 0777) != 0 && errno != EEXIST)
		err(2, "%s", out);
	labs = xcalloc(n, sizeof(*labs));
	for (i = 0; i < n; i++)
		label_of(st, &v[i], &labs[i]);
	if (render_qr_dir(labs, n, o, out, &e) != 0)
		errx(2, "%s", e);
	free(labs);
}

static void
write_text(const struct station *st, const struct win *v, size_t n,
    enum type t, const struct render_qr_opts *o, const char *out)
{
	struct render_qr_label lab;
	char *e = NULL;
	FILE *fp = cli_open_public_output(out);
	size_t i;

	if (out == NULL)
		out = "-";
	for (i = 0; i < n; i++) {
		if (t == T_LIST) {
			fprintf(fp, "%s\t%s\t%s\n", v[i].id, v[i].check,
			    v[i].url);
			continue;
		}
		if (n > 1)
			fprintf(fp, "%s%s %s %s\n", i > 0 ? "\n" : "",
			    v[i].id, v[i].name, v[i].check);
		label_of(st, &v[i], &lab);
		if (render_qr_utf8(&lab, o, fp, strcmp(out, "-") == 0 ?
		    _("standard output") : out, &e) != 0)
			cli_fail_output(fp, e);
	}
	cli_close_output(fp, out);
}

/*
 * A window code as printed under the QR, "A01 · ABCD-EF12" (or with a
 * blank or colon for the dot, the hyphen optional, the digits in any
 * case): splits it into the id and
 * the check code, upper case with its hyphen.  Returns -1 if it is not
 * one.
 */
static int
human_code(const char *text, char **id, char check[10])
{
	const char *sep = NULL, *p, *end;
	char hex[9];
	size_t k = 0;

	for (p = text; *p != '\0'; p++)
		if (*p == ' ' || *p == ':')
			sep = p;
	if (sep == NULL || sep == text)
		return -1;
	for (p = sep + 1; *p != '\0'; p++) {
		if (*p == '-' && k == 4)
			continue;
		if (!isxdigit((unsigned char)*p) || k == 8)
			return -1;
		hex[k++] = (char)tolower((unsigned char)*p);
	}
	if (k != 8)
		return -1;
	hex[8] = '\0';
	for (p = text; p < sep && *p != ' ' && *p != ':'; p++)
		;
	end = p;
	/* Between them only blanks, colons and the printed "·". */
	while (p <= sep) {
		if (*p == ' ' || *p == ':')
			p++;
		else if (strncmp(p, "·", strlen("·")) == 0)
			p += strlen("·");
		else
			return -1;
	}
	*id = xstrndup(text, (size_t)(end - text));
	qrpay_check_code(hex, check);
	return 0;
}

enum verdict {
	V_GENUINE,
	V_FORGED,
	V_MALFORMED
};

static int verify_texts(struct station *st, char **argv, int argc,
    int quiet);

/*
 * Checks one text; fills the window it names when it is genuine, and
 * *retired when that window is retired.
 */
static enum verdict
verify_one(struct station *st, const char *text, struct win *w,
    int *retired)
{
	struct qrpay_window qw;
	char check[10], *id;

	memset(w, 0, sizeof(*w));
	*retired = 0;
	switch (qrpay_window_verify(text, st->key, sizeof(st->key), NULL)) {
	case QRPAY_OK:
		if (qrpay_window_fields(text, st->tmpl, &qw) == 0) {
			if (win_lookup(st->db, qw.window, w, retired) == -1)
				errx(EXIT_USAGE, "%s", db_errstr(st->db));
			qrpay_window_release(&qw);
		}
		return V_GENUINE;
	case QRPAY_BAD:
		return V_FORGED;
	}
	if (human_code(text, &id, check) != 0)
		return V_MALFORMED;
	switch (win_lookup(st->db, id, w, retired)) {
	case -1:
		errx(EXIT_USAGE, "%s", db_errstr(st->db));
	case 0:
		free(id);
		return V_FORGED;
	}
	free(id);
	win_code(st, w);
	return strcmp(w->check, check) == 0 ? V_GENUINE : V_FORGED;
}

/*
 * hcp-qr verify: one line per text, "genuine" and the window id and
 * name, or "forged or altered" or "not a window code" and the text,
 * tab-separated; a retired window's code is genuine, with a warning on
 * standard error.  Exits 0 if every text is genuine, else 1.
 */
/* zbarimg prints "QR-Code:" before what it decodes, unless --raw */
#define ZBAR_PREFIX "QR-Code:"

/* Each line of standard input, as if it were an argument. */
static int
verify_stdin(struct station *st, int quiet)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	int rc = 0;

	while ((n = getline(&line, &size, stdin)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (verify_texts(st, &line, 1, quiet) != 0)
			rc = 1;
	}
	if (ferror(stdin))
		err(2, "%s", _("standard input"));
	free(line);
	return rc;
}

static int
verify(const char *dbpath, char **argv, int argc, int quiet)
{
	struct station st;
	int i, rc = 0;

	station_open(&st, dbpath, EXIT_USAGE);
	for (i = 0; i < argc; i++)
		if ((strcmp(argv[i], "-") == 0 ? verify_stdin(&st, quiet) :
		    verify_texts(&st, argv + i, 1, quiet)) != 0)
			rc = 1;
	station_close(&st);
	return rc;
}

/* The texts of argv, each with zbarimg's prefix, if any, dropped. */
static int
verify_texts(struct station *st, char **argv, int argc, int quiet)
{
	int i, rc = 0;

	for (i = 0; i < argc; i++) {
		enum verdict v;
		struct win w;
		int retired;
		const char *text = argv[i];
		char *shown;

		if (strncmp(text, ZBAR_PREFIX, strlen(ZBAR_PREFIX)) == 0)
			text += strlen(ZBAR_PREFIX);
		v = verify_one(st, text, &w, &retired);
		if (v == V_GENUINE && retired && !quiet)
			warnx(_("window %s is retired: the code is genuine, "
			    "but take it down"), w.id);
		if (v != V_GENUINE)
			rc = 1;
		if (quiet) {
			win_release(&w);
			continue;
		}
		switch (v) {
		case V_GENUINE:
			printf("%s\t%s\t%s\n", _("genuine"),
			    w.id != NULL ? w.id : "-",
			    w.name != NULL ? w.name : "-");
			break;
		case V_FORGED:
		case V_MALFORMED:
			/* a sticker's text: it may hold controls, tabs */
			shown = str_visible(text);
			printf("%s\t%s\n", v == V_FORGED ?
			    _("forged or altered") : _("not a window code"),
			    shown);
			free(shown);
			break;
		}
		win_release(&w);
	}
	return rc;
}

struct opts {
	const char *dbpath, *out, *size;
	struct render_qr_opts ro;
	enum type type;
	char **ids;
	size_t nids;
	int all, quiet, gen, margin;
};

static enum type
type_arg(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(s, type_names[i]) == 0)
			return (enum type)i;
	errx(EXIT_USAGE, _("type \"%s\" is not pdf, poster, png, svg, utf8 "
	    "or list"), s);
}

/* The options; returns how many arguments they took. */
static int
parse_options(int argc, char *argv[], struct opts *o)
{
	enum { O_ALL = 256 };
	static const char shortopts[] = "d:ho:qT:Vw:";
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "level", required_argument, NULL, 'l' },
		{ "margin", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ "type", required_argument, NULL, 'T' },
		{ "window", required_argument, NULL, 'w' },
		{ "all", no_argument, NULL, O_ALL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->ro.eclevel = 1;
	o->type = T_PDF;
	o->margin = -1;
	o->ids = xcalloc((size_t)argc, sizeof(*o->ids));
	while ((ch = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		switch (ch) {
		case 'd':
			o->dbpath = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'l': {
			const char *p = strchr("LMQHlmqh", *optarg);

			if (*optarg == '\0' || optarg[1] != '\0' || p == NULL)
				errx(EXIT_USAGE, _("error correction level "
				    "\"%s\" is not L, M, Q or H"), optarg);
			o->ro.eclevel = (int)(p - "LMQHlmqh") % 4;
			o->gen = 1;
			break;
		}
		case 'm':
			o->margin = (int)number_arg(_("margin"), optarg, 0,
			    40);
			o->gen = 1;
			break;
		case 'o':
			o->out = optarg;
			o->gen = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 's':
			o->size = optarg;
			o->gen = 1;
			break;
		case 'T':
			o->type = type_arg(optarg);
			o->gen = 1;
			break;
		case 'V':
			cli_version();
			exit(0);
		case 'w':
			o->ids[o->nids++] = optarg;
			o->gen = 1;
			break;
		case O_ALL:
			o->all = 1;
			o->gen = 1;
			break;
		default:
			usage();
		}
	}
	return optind;
}

/* The rendering options of the type, from --size and --margin. */
static void
set_format(struct opts *o)
{
	struct render_qr_opts *ro = &o->ro;

	switch (o->type) {
	case T_PDF:
	case T_POSTER:
		ro->format = o->type == T_PDF ? RQR_PDF : RQR_POSTER;
		if (o->size != NULL)
			ro->side_mm = (double)number_arg(_("QR side in mm"),
			    o->size, 10, (long long)(o->type == T_PDF ?
			    RENDER_QR_LABEL_MAX_MM : RENDER_QR_POSTER_MAX_MM));
		break;
	case T_PNG:
	case T_SVG:
		ro->format = o->type == T_PNG ? RQR_PNG : RQR_SVG;
		ro->size = o->size != NULL ? (int)number_arg(_("pixels per "
		    "module"), o->size, 1, 100) : 4;
		break;
	case T_UTF8:
	case T_LIST:
		ro->format = RQR_UTF8;
		if (o->size != NULL)
			usage();
		break;
	}
	ro->margin = o->margin >= 0 ? o->margin : o->type == T_UTF8 ? 2 : 4;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct station st;
	struct win *v;
	size_t n, i;
	int k;

	cli_init();
	k = parse_options(argc, argv, &o);
	argc -= k;
	argv += k;
	if (argc > 0 && strcmp(argv[0], "verify") == 0) {
		if (o.gen || argc < 2)
			usage();
		free(o.ids);
		return verify(o.dbpath, argv + 1, argc - 1, o.quiet);
	}
	if (argc != 0 || o.all == (o.nids > 0))
		usage();
	set_format(&o);

	station_open(&st, o.dbpath, 2);
	v = windows(&st, o.all, o.ids, o.nids, &n);
	switch (o.type) {
	case T_PDF:
	case T_POSTER:
		write_pdf(&st, v, n, &o.ro, o.out);
		break;
	case T_PNG:
	case T_SVG:
		write_files(&st, v, n, o.all || o.nids > 1, &o.ro, o.out);
		break;
	case T_UTF8:
	case T_LIST:
		write_text(&st, v, n, o.type, &o.ro, o.out);
		break;
	}
	for (i = 0; i < n; i++)
		win_release(&v[i]);
	free(v);
	free(o.ids);
	station_close(&st);
	return 0;
}
