/* SPDX-License-Identifier: ISC */
/*
 * hcp-form: issue serials from the station's ledger and print numbered
 * paper evaluation forms from a form template; reprint, void and look
 * up serials; print the CSV keying template that matches the form.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "db.h"
#include "fields.h"
#include "i18n.h"
#include "ids.h"
#include "layout.h"
#include "ledger.h"
#include "num.h"
#include "outfile.h"
#include "render.h"
#include "settings.h"
#include "xalloc.h"
#include "xlsxout.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-form [-qV] [-d db] [-t template] [-w window] -N count "
    "-o file\n"
    "       hcp-form [-d db] [-t template] [-w window] --issue count\n"
    "       hcp-form [-q] [-d db] [-t template] -o file --reprint serial "
    "...\n"
    "       hcp-form [-d db] [--reason text] --void serial ...\n"
    "       hcp-form [-d db] --status serial ...\n"
    "       hcp-form [-t template] [--english] --csv-template\n"
    "       hcp-form [-d db] [-t template] [--english] --xlsx-template "
    "-o file\n";

enum mode {
	M_NONE,
	M_RENDER,
	M_ISSUE,
	M_REPRINT,
	M_VOID,
	M_STATUS,
	M_CSV,
	M_XLSX
};

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

static void
set_mode(enum mode *m, enum mode want)
{
	if (*m != M_NONE && *m != want)
		usage();
	*m = want;
}

/* The template file: a path, or a name in the data directory. */
static char *
template_path(const char *t)
{
	if (t == NULL)
		t = "standard";
	if (strchr(t, '/') != NULL || access(t, F_OK) == 0)
		return xstrdup(t);
	return xasprintf("%s/forms/%s.form", cli_datadir(), t);
}

static struct layout *
load_layout(struct db *db, const char *tpath)
{
	struct layout_reason *rv = NULL;
	struct layout *l;
	size_t rn = 0;
	char *e;

	if (db != NULL && layout_dict_reasons(db, &rv, &rn) != 0)
		errx(2, "%s", db_errstr(db));
	if ((l = layout_load(tpath, rv, rn, &e)) == NULL)
		errx(2, "%s", e);
	layout_reasons_free(rv, rn);
	return l;
}

static long long
count_arg(const char *s)
{
	const char *es;
	long long n;

	if (num_parse(s, 1, 1000000, &n, &es) != 0)
		errx(EXIT_USAGE, _("count \"%s\" is %s (1 to 1000000)"), s,
		    _(es));
	return n;
}

/* Parses a serial argument into 16 bare digits, or warns. */
static int
serial_arg(const char *arg, char out[17])
{
	switch (ids_serial_parse(arg, out)) {
	case IDS_OK:
		return 0;
	case IDS_CHECK:
		warnx(_("%s: bad check digit in serial"), arg);
		return -1;
	default:
		warnx(_("%s: not a serial (16 digits, e.g. "
		    "330523-01-0000123-7)"), arg);
		return -1;
	}
}

static char *
window_name(struct db *db, const char *id)
{
	struct catalog_window w;
	char *name;

	switch (catalog_window_get(db, id, &w)) {
	case -1:
		errx(2, "%s", db_errstr(db));
	case 0:
		return NULL;
	}
	name = w.name;
	w.name = NULL;
	catalog_window_release(&w);
	return name;
}

/* A window forms may be issued for: in the catalogue, not retired. */
static int
window_usable(struct db *db, const char *id)
{
	struct catalog_window w;
	int rc;

	memset(&w, 0, sizeof(w));
	if ((rc = catalog_window_get(db, id, &w)) < 0)
		errx(2, "%s", db_errstr(db));
	rc = rc > 0 && !w.retired;
	catalog_window_release(&w);
	return rc;
}

static void
csv_template(const struct layout *l, int english)
{
	int i, first = 1;

	if (!english)
		fputs("\xef\xbb\xbf", stdout);
	for (i = 0; i < F_NFIELDS; i++) {
		if (!l->keyed[i])
			continue;
		printf("%s%s", first ? "" : ",",
		    english ? fields[i].name : fields[i].zh);
		first = 0;
	}
	fputs("\r\n", stdout);
}

/* The keying workbook, with the station's catalogue in its lists. */
static int
xlsx_template(struct db *db, const char *tpath, const char *out,
    int english)
{
	struct layout *l = load_layout(db, tpath);
	char *e = NULL;

	if (xlsxout_template(out, db, l->keyed, english, &e) != 0)
		errx(2, "%s", e);
	layout_free(l);
	return 0;
}

static int
status(struct db *db, char **argv, int argc)
{
	struct ledger_entry e;
	char s[17], g[20];
	int i, rc = 0;

	for (i = 0; i < argc; i++) {
		if (serial_arg(argv[i], s) != 0) {
			rc = 1;
			continue;
		}
		ids_serial_format(s, g);
		switch (ledger_lookup(db, s, &e)) {
		case 1:
			printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", g,
			    ledger_state_name(e.state), e.template,
			    e.fingerprint, e.window != NULL ? e.window : "-",
			    e.issued_at, e.operator,
			    e.state_at != NULL ? e.state_at : "-");
			ledger_entry_release(&e);
			break;
		case 0:
			printf("%s\t%s\n", g, ledger_state_name(LEDGER_NONE));
			rc = 1;
			break;
		default:
			errx(2, "%s", db_errstr(db));
		}
	}
	return rc;
}

static int
void_serials(struct db *db, char **argv, int argc, const char *op,
    const char *reason)
{
	char s[17];
	int i, rc = 0;

	for (i = 0; i < argc; i++) {
		if (serial_arg(argv[i], s) != 0) {
			rc = 1;
			continue;
		}
		if (ledger_void(db, s, op, reason) != 0) {
			warnx("%s", db_errstr(db));
			rc = 1;
		}
	}
	return rc;
}

struct page {
	char serial[17];
	char *window;
};

/* Exits 2 with e, and what stays done (issued) if anything, as fp fails. */
static void
fail(FILE *fp, char *e, const char *issued)
{
	char *msg = issued != NULL ? xasprintf("%s; %s", e, issued) : e;

	cli_fail_output(fp, msg);
}

/*
 * Renders the pages into fp, the output out opened, removing it again on
 * failure; issued says which serials stay issued then (or NULL).
 */
static void
render(struct db *db, const struct layout *l, const struct page *pv,
    size_t n, FILE *fp, const char *out, int quiet, const char *issued)
{
	struct render_vars vars;
	struct render_forms *rf;
	char *hall, *name, *wname = NULL, *e = NULL;
	const char *lastwin = NULL, *cut;
	size_t i;
	int progress = !quiet && cli_progress_wanted() && n >= 200;

	if ((hall = settings_get(db, "hall")) == NULL ||
	    (name = settings_get(db, "name")) == NULL)
		errx(2, "%s", db_errstr(db));
	if ((rf = render_forms_open(l, fp, out, &e)) == NULL)
		fail(fp, e, issued);
	memset(&vars, 0, sizeof(vars));
	vars.hall = hall;
	vars.name = name;
	for (i = 0; i < n; i++) {
		if (lastwin == NULL || pv[i].window == NULL ||
		    strcmp(lastwin, pv[i].window) != 0) {
			free(wname);
			wname = pv[i].window != NULL ?
			    window_name(db, pv[i].window) : NULL;
			lastwin = pv[i].window != NULL ? pv[i].window : "";
		}
		vars.window = pv[i].window;
		vars.window_name = wname;
		if (render_forms_page(rf, pv[i].serial, &vars, &e) != 0) {
			char *e2 = NULL;

			render_forms_close(rf, &e2);
			free(e2);
			fail(fp, e, issued);
		}
		if (progress && (i + 1) % 100 == 0)
			fprintf(stderr, "\r%zu/%zu", i + 1, n);
	}
	if (progress)
		fputc('\n', stderr);
	for (cut = render_forms_cut(rf); !quiet && *cut != '\0';
	    cut += strcspn(cut, "\n") + 1)
		warnx(_("warning: a text of the form is too long for its line, "
		    "and is cut: \"%.*s\""), (int)strcspn(cut, "\n"), cut);
	if (render_forms_close(rf, &e) != 0)
		fail(fp, e, issued);
	cli_close_output(fp, out);
	free(wname);
	free(hall);
	free(name);
}

struct opts {
	const char *dbpath, *out, *tname, *win, *reason, *op;
	enum mode mode;
	long long count;
	int quiet, english;
};

/* The options; returns how many arguments they took. */
static int
parse_options(int argc, char *argv[], struct opts *o)
{
	enum {
		O_ISSUE = 256, O_REPRINT, O_VOID, O_STATUS, O_CSV, O_ENGLISH,
		O_REASON, O_XLSX
	};
	static const char shortopts[] = "d:hN:o:qt:u:Vw:";
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'N' },
		{ "output", required_argument, NULL, 'o' },
		{ "template", required_argument, NULL, 't' },
		{ "window", required_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "issue", required_argument, NULL, O_ISSUE },
		{ "reprint", no_argument, NULL, O_REPRINT },
		{ "void", no_argument, NULL, O_VOID },
		{ "status", no_argument, NULL, O_STATUS },
		{ "csv-template", no_argument, NULL, O_CSV },
		{ "xlsx-template", no_argument, NULL, O_XLSX },
		{ "english", no_argument, NULL, O_ENGLISH },
		{ "reason", required_argument, NULL, O_REASON },
		{ "operator", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->mode = M_NONE;
	while ((ch = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		switch (ch) {
		case 'd':
			o->dbpath = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'N':
			set_mode(&o->mode, M_RENDER);
			o->count = count_arg(optarg);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 't':
			o->tname = optarg;
			break;
		case 'V':
			cli_version();
			exit(0);
		case 'w':
			o->win = optarg;
			break;
		case O_ISSUE:
			set_mode(&o->mode, M_ISSUE);
			o->count = count_arg(optarg);
			break;
		case O_REPRINT:
			set_mode(&o->mode, M_REPRINT);
			break;
		case O_VOID:
			set_mode(&o->mode, M_VOID);
			break;
		case O_STATUS:
			set_mode(&o->mode, M_STATUS);
			break;
		case O_CSV:
			set_mode(&o->mode, M_CSV);
			break;
		case O_XLSX:
			set_mode(&o->mode, M_XLSX);
			break;
		case O_ENGLISH:
			o->english = 1;
			break;
		case O_REASON:
			o->reason = optarg;
			break;
		case 'u':
			o->op = optarg;
			break;
		default:
			usage();
		}
	}
	return optind;
}

/* Exits with a usage error unless the options and argc fit the mode. */
static void
check_usage(const struct opts *o, int argc)
{
	int bad = 0;

	switch (o->mode) {
	case M_NONE:
		bad = 1;
		break;
	case M_RENDER:
		bad = argc != 0 || o->out == NULL;
		break;
	case M_ISSUE:
		bad = argc != 0 || o->out != NULL;
		break;
	case M_REPRINT:
		bad = argc == 0 || o->out == NULL || o->win != NULL;
		break;
	case M_VOID:
	case M_STATUS:
		bad = argc == 0 || o->out != NULL || o->win != NULL ||
		    o->tname != NULL;
		break;
	case M_CSV:
		bad = argc != 0 || o->out != NULL || o->win != NULL;
		break;
	case M_XLSX:
		bad = argc != 0 || o->out == NULL || o->win != NULL;
		break;
	}
	if ((o->english || o->reason != NULL) && o->mode != M_CSV &&
	    o->mode != M_VOID && o->mode != M_XLSX)
		bad = 1;
	if (bad)
		usage();
}

/* --issue count (print the serials) or -N count (print the forms). */
static void
issue(struct db *db, const struct opts *o, const char *tpath)
{
	char (*serials)[LEDGER_SERIAL_LEN];
	struct layout *l;
	size_t i, count = (size_t)o->count;
	FILE *fp = NULL;

	l = load_layout(db, tpath);
	if (o->win != NULL && !window_usable(db, o->win))
		errx(1, _("window %s is not in the catalogue (or is "
		    "retired)"), o->win);
	/* an output that cannot be made issues no serial */
	if (o->mode != M_ISSUE)
		fp = cli_open_public_output(o->out);
	if (ledger_issue(db, count, l->tid, l->fingerprint, o->win, o->op,
	    &serials) != 0)
		errx(2, "%s", db_errstr(db));
	if (o->mode == M_ISSUE) {
		for (i = 0; i < count; i++)
			printf("%s\n", serials[i]);
	} else {
		struct page *pv = xcalloc(count, sizeof(*pv));
		char first[20], last[20], *issued, *note;

		for (i = 0; i < count; i++) {
			memcpy(pv[i].serial, serials[i], 17);
			pv[i].window = (char *)(uintptr_t)o->win;
		}
		ids_serial_format(serials[0], first);
		ids_serial_format(serials[count - 1], last);
		issued = xasprintf(_("serials %s to %s stay issued: print "
		    "them with --reprint"), first, last);
		/* stopped by a signal, it says so too */
		note = xasprintf("%s: %s\n", program_invocation_short_name,
		    issued);
		outfile_dying_note(note);
		render(db, l, pv, count, fp, o->out, o->quiet, issued);
		outfile_dying_note(NULL);
		free(note);
		free(issued);
		free(pv);
	}
	free(serials);
	layout_free(l);
}

/* --reprint serial ...: all of them, or none (exit 1). */
static void
reprint(struct db *db, const struct opts *o, const char *tpath,
    char *argv[], int argc)
{
	struct page *pv = xcalloc((size_t)argc, sizeof(*pv));
	struct ledger_entry e;
	struct layout *l;
	size_t i, n = 0;
	int k, rc = 0;

	l = load_layout(db, tpath);
	for (k = 0; k < argc; k++) {
		char s[17], g[20];

		if (serial_arg(argv[k], s) != 0) {
			rc = 1;
			continue;
		}
		ids_serial_format(s, g);
		switch (ledger_lookup(db, s, &e)) {
		case -1:
			errx(2, "%s", db_errstr(db));
		case 0:
			warnx(_("%s: serial was never issued by this "
			    "station; issue new forms with -N"), g);
			rc = 1;
			continue;
		}
		if (e.state != LEDGER_ISSUED)
			warnx(_("%s: serial is %s and cannot be "
			    "reprinted"), g, ledger_state_name(e.state));
		else if (strcmp(e.template, l->tid) != 0 ||
		    strcmp(e.fingerprint, l->fingerprint) != 0)
			warnx(_("%s: serial was issued for template %s "
			    "layout %s, but %s gives %s layout %s"), g,
			    e.template, e.fingerprint, tpath, l->tid,
			    l->fingerprint);
		else {
			memcpy(pv[n].serial, s, 17);
			pv[n++].window = e.window;
			e.window = NULL;
			ledger_entry_release(&e);
			continue;
		}
		rc = 1;
		ledger_entry_release(&e);
	}
	if (rc != 0)
		errx(1, "%s", _("nothing reprinted"));
	render(db, l, pv, n, cli_open_public_output(o->out), o->out, o->quiet,
	    NULL);
	for (i = 0; i < n; i++)
		free(pv[i].window);
	free(pv);
	layout_free(l);
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct layout *l;
	struct db *db;
	char *tpath;
	int rc = 0, n;

	cli_init();
	n = parse_options(argc, argv, &o);
	argc -= n;
	argv += n;
	check_usage(&o, argc);
	o.op = cli_operator(o.op);
	tpath = template_path(o.tname);

	if (o.mode == M_CSV) {
		l = load_layout(NULL, tpath);
		csv_template(l, o.english);
		layout_free(l);
		free(tpath);
		return 0;
	}

	db = db_new();
	if (db_open(db, cli_db_path(o.dbpath), 0, cli_schemadir()) != 0)
		errx(2, "%s", db_errstr(db));
	switch (o.mode) {
	case M_XLSX:
		rc = xlsx_template(db, tpath, o.out, o.english);
		break;
	case M_STATUS:
		rc = status(db, argv, argc);
		break;
	case M_VOID:
		rc = void_serials(db, argv, argc, o.op, o.reason);
		break;
	case M_ISSUE:
	case M_RENDER:
		issue(db, &o, tpath);
		break;
	case M_REPRINT:
		reprint(db, &o, tpath, argv, argc);
		break;
	default:
		break;
	}
	db_free(db);
	free(tpath);
	return rc;
}
