/* SPDX-License-Identifier: ISC */
/*
 * hcp-import: validate keyed CSV files and import their valid rows into
 * the station db; bad rows go to a rejects file, duplicates of rows
 * already imported are counted, and the three counts add up to the rows
 * read.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvin.h"
#include "db.h"
#include "i18n.h"
#include "importer.h"
#include "record.h"
#include "rejects.h"
#include "xalloc.h"
#include "xlsxout.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-import [-nqv] [-d db] [-u name] [--rejects path]\n"
    "                  [--rejects-language lang] [--coding coding]\n"
    "                  [--encoding encoding] [--ignore-unknown] [--scanned]\n"
    "                  file ...\n";

struct out {
	int verbose, quiet, progress;
	long shown;
};

/* The rejects of a workbook, as a workbook too: FILE.rejects.xlsx. */
static void
rejects_workbook(const char *input, const char *csvpath)
{
	size_t n = strlen(csvpath);
	char *path, *e = NULL;

	if (n > 4 && strcmp(csvpath + n - 4, ".csv") == 0)
		path = xasprintf("%.*s.xlsx", (int)(n - 4), csvpath);
	else
		path = xasprintf("%s.xlsx", csvpath);
	if (xlsxout_from_csv(csvpath, path, &e) != 0) {
		warnx("%s", e);
		free(e);
	} else {
		printf(_("%s: rejected rows written to %s\n"), input, path);
	}
	free(path);
}

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

static void
on_problem(void *arg, const char *path, const struct rec_problem *p)
{
	struct out *o = arg;

	/* errors are in the rejects file; warnings and duplicates here */
	if (o->quiet || (p->severity == REC_ERROR && p->line > 1 &&
	    !o->verbose) || (p->severity == REC_DUPLICATE && !o->verbose))
		return;
	if (!o->verbose && p->severity == REC_WARNING && ++o->shown > 20)
		return;
	if (o->progress)
		fputs("\r\033[K", stderr);
	if (*p->column != '\0')
		warnx("%s:%ld: %s: %s%s: %s", path, p->line, p->column,
		    p->severity == REC_WARNING ? _("warning: ") : "",
		    rec_code_def(p->code)->name, p->msg);
	else
		warnx("%s:%ld: %s%s: %s", path, p->line,
		    p->severity == REC_WARNING ? _("warning: ") : "",
		    rec_code_def(p->code)->name, p->msg);
}

static void
on_progress(void *arg, const char *path, unsigned long long done,
    unsigned long long total, long rows)
{
	(void)arg;
	if (total > 0)
		fprintf(stderr, "\r%s: %ld %s, %llu%%\033[K", path, rows,
		    _("rows"), done * 100 / total);
	else
		fprintf(stderr, "\r%s: %ld %s\033[K", path, rows, _("rows"));
}

struct opts {
	const char *dbpath, *oper;
	struct import_opts io;
	struct cli_input in;
};

/* The options; returns how many arguments they took. */
static int
parse_options(int argc, char *argv[], struct opts *o, struct out *out)
{
	static const char shortopts[] = "d:hnqu:vV";
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "operator", required_argument, NULL, 'u' },
		{ "rejects", required_argument, NULL, 'R' },
		{ "rejects-language", required_argument, NULL, 'L' },
		CLI_INPUT_LONGOPTS,
		{ "chunk", required_argument, NULL, 'K' },
		{ "scanned", no_argument, NULL, 'M' },	/* entry method */
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	cli_input_init(&o->in);
	while ((ch = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		if (cli_input_option(&o->in, ch, optarg))
			continue;
		switch (ch) {
		case 'd':
			o->dbpath = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'n':
			o->io.dry_run = 1;
			break;
		case 'q':
			out->quiet = 1;
			break;
		case 'v':
			out->verbose = 1;
			break;
		case 'V':
			cli_version();
			exit(0);
		case 'u':
			o->oper = optarg;
			break;
		case 'R':
			o->io.rejects = optarg;
			break;
		case 'L':
			if (strcmp(optarg, "zh") == 0)
				rejects_set_language(1);
			else if (strcmp(optarg, "en") == 0)
				rejects_set_language(0);
			else if (strcmp(optarg, "auto") != 0)
				errx(EXIT_USAGE, _("--rejects-language must be "
				    "zh, en or auto, not \"%s\""), optarg);
			break;
		case 'M':	/* rows read from scans by hcp-scan */
			o->io.entry_method = "scanned";
			break;
		case 'K': {
			char *end;

			o->io.chunk = strtol(optarg, &end, 10);
			if (*end != '\0' || o->io.chunk < 1)
				errx(EXIT_USAGE, _("--chunk wants a number of "
				    "rows, not \"%s\""), optarg);
			break;
		}
		default:
			usage();
		}
	}
	return optind;
}

/* What became of the rows of path, on stdout. */
static void
put_result(const char *path, const struct import_opts *io,
    const struct out *out, const struct import_result *res)
{
	if (!out->verbose && out->shown > 20)
		warnx(_("%s: %ld more warnings (-v shows all)"),
		    path, out->shown - 20);
	if (res->earlier_import != 0 && !out->quiet)
		printf(_("%s: this file was imported before (import "
		    "%lld, %s)\n"), path, res->earlier_import,
		    res->earlier_at);
	if (!out->quiet || res->rejected > 0)
		printf(io->dry_run ? _("%s: %ld rows read: %ld would "
		    "be accepted, %ld rejected, %ld duplicates\n") :
		    _("%s: %ld rows read: %ld accepted, %ld rejected, "
		    "%ld duplicates\n"), path, res->rows,
		    res->accepted, res->rejected, res->duplicates);
	if (res->rows > 0 && res->accepted == 0 && res->rejected == 0 &&
	    !out->quiet)
		printf(_("%s: nothing new: every row was already "
		    "imported\n"), path);
	if (res->rejects_path != NULL)
		printf(_("%s: rejected rows written to %s\n"),
		    path, res->rejects_path);
	if (res->rejects_path != NULL && res->encoding != NULL &&
	    strcmp(res->encoding, "XLSX") == 0)
		rejects_workbook(path, res->rejects_path);
	if (res->rejects_removed != NULL && !out->quiet)
		printf(_("%s: no row rejected: the older rejects file "
		    "%s was removed\n"), path, res->rejects_removed);
}

/* Imports file path: its exit status. */
static int
import_one(struct db *db, struct rec_ctx *ctx, const char *path,
    struct import_opts *io, struct out *out)
{
	struct import_result res;
	char *e = NULL;
	int status = 0;

	if (strcmp(path, "-") == 0 && io->rejects == NULL && !io->dry_run)
		errx(EXIT_USAGE, "%s", _("reading standard input: name "
		    "the rejects file with --rejects"));
	out->shown = 0;
	if (import_file(db, ctx, path, io, &res, &e) != 0) {
		if (out->progress)
			fputs("\r\033[K", stderr);
		warnx("%s", e);
		free(e);
		if (db_refused(db))
			errx(2, "%s", _("nothing more is imported "
			    "into a damaged db"));
		return 2;	/* could not do the job */
	}
	if (out->progress)
		fputs("\r\033[K", stderr);
	if (res.header_bad && res.other_sheets != NULL) {
		warnx(_("%s: the header row is not usable; nothing was "
		    "imported (the workbook's other sheets: %s; --sheet "
		    "chooses one)"), path, res.other_sheets);
		import_result_release(&res);
		return 1;
	}
	if (res.header_bad) {
		warnx(_("%s: the header row is not usable; nothing "
		    "was imported"), path);
		import_result_release(&res);
		return 1;
	}
	put_result(path, io, out, &res);
	if (res.rejected > 0)
		status = 1;
	if (res.stopped != NULL) {
		warnx(_("%s; the rows before it are counted above and "
		    "imported, the rest of the file was not read"),
		    res.stopped);
		status = 2;
	}
	import_result_release(&res);
	return status;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct out out = { 0, 0, 0, 0 };
	struct rec_ctx *ctx;
	struct db *db;
	int status = 0, i, k;

	cli_init();
	k = parse_options(argc, argv, &o, &out);
	argc -= k;
	argv += k;
	if (argc < 1)
		usage();
	if (o.io.rejects != NULL && argc > 1)
		errx(EXIT_USAGE, "%s", _("--rejects names one file: import "
		    "one input at a time with it"));
	o.io.operator = cli_operator(o.oper);
	if (!o.io.dry_run && *o.io.operator == '\0')
		errx(EXIT_USAGE, "%s", _("say who is importing: --operator "
		    "NAME (or set HCP_OPERATOR)"));
	out.progress = !out.quiet && cli_progress_wanted();
	o.io.on_problem = on_problem;
	o.io.on_progress = out.progress ? on_progress : NULL;
	o.io.arg = &out;

	db = db_new();
	if (db_open(db, cli_db_path(o.dbpath), o.io.dry_run ? DB_READONLY :
	    0, cli_schemadir()) != 0)
		errx(2, "%s", db_errstr(db));
	ctx = rec_ctx_new();
	if (rec_ctx_load(ctx, db) != 0)
		errx(2, "%s", db_errstr(db));
	cli_input_apply(&o.in, ctx);
	o.io.enc = o.in.enc;
	o.io.map_flags = o.in.map_flags;
	/* A page cache of 16 MB whatever the file size. */
	db_cache_kib(db, 16384);

	for (i = 0; i < argc; i++) {
		k = import_one(db, ctx, argv[i], &o.io, &out);
		if (k > status)
			status = k;
	}
	rec_ctx_free(ctx);
	db_free(db);
	return status;
}
