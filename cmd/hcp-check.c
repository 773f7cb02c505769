/* SPDX-License-Identifier: ISC */
/*
 * hcp-check: validate keyed CSV files without importing them, and say
 * which rows are wrong and why (as text, CSV or JSON).  A predicate: 0
 * every row valid, 1 some row invalid, 2 could not check.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvout.h"
#include "db.h"
#include "i18n.h"
#include "importer.h"
#include "record.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-check [-q] [-d db] [-f format] [-o output]\n"
    "                 [--coding coding] [--encoding encoding]\n"
    "                 [--ignore-unknown] [--excel] file ...\n";

enum format { FMT_TEXT, FMT_CSV, FMT_JSON };

struct out {
	FILE *fp;
	enum format fmt;
	int quiet;
	const char *eol;	/* "\r\n" for a spreadsheet, else "\n" */
	long nprob;		/* problems printed for the current file */
};

static const char *const sevname[] = { "error", "warning", "duplicate" };

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

static void
json_str(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', fp);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\r')
			fputs("\\r", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p < 0x20)
			fprintf(fp, "\\u%04x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

static void
csv_cell(FILE *fp, const char *s, int last, const char *eol)
{
	struct strbuf sb = STRBUF_INIT;

	csvout_field(&sb, s, strlen(s), 1);
	fputs(strbuf_str(&sb), fp);
	fputs(last ? eol : ",", fp);
	strbuf_release(&sb);
}

static void
on_problem(void *arg, const char *path, const struct rec_problem *p)
{
	struct out *o = arg;
	const char *code = rec_code_def(p->code)->name;
	char line[32];

	if (o->quiet)
		return;
	switch (o->fmt) {
	case FMT_TEXT:
		fprintf(o->fp, "%s:%ld: ", path, p->line);
		if (*p->column != '\0')
			fprintf(o->fp, "%s: ", p->column);
		fprintf(o->fp, "%s%s: %s\n", p->severity == REC_WARNING ?
		    _("warning: ") : p->severity == REC_DUPLICATE ?
		    _("duplicate: ") : "", code, p->msg);
		break;
	case FMT_CSV:
		snprintf(line, sizeof(line), "%ld", p->line);
		csv_cell(o->fp, path, 0, o->eol);
		csv_cell(o->fp, line, 0, o->eol);
		csv_cell(o->fp, p->column, 0, o->eol);
		csv_cell(o->fp, code, 0, o->eol);
		csv_cell(o->fp, sevname[p->severity], 0, o->eol);
		csv_cell(o->fp, p->msg, 1, o->eol);
		break;
	case FMT_JSON:
		fputs(o->nprob > 0 ? ",\n    " : "\n    ", o->fp);
		fprintf(o->fp, "{\"line\": %ld, \"column\": ", p->line);
		json_str(o->fp, p->column);
		fputs(", \"code\": ", o->fp);
		json_str(o->fp, code);
		fprintf(o->fp, ", \"severity\": \"%s\", \"message\": ",
		    sevname[p->severity]);
		json_str(o->fp, p->msg);
		fputc('}', o->fp);
		break;
	}
	o->nprob++;
}

struct opts {
	const char *dbpath, *outpath;
	struct cli_input in;
	int excel;
};

/* The options; returns how many arguments they took. */
static int
parse_options(int argc, char *argv[], struct opts *o, struct out *out)
{
	static const char shortopts[] = "d:f:ho:qV";
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "excel", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		CLI_INPUT_LONGOPTS,
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
		case 'f':
			if (strcmp(optarg, "text") == 0)
				out->fmt = FMT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				out->fmt = FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				out->fmt = FMT_JSON;
			else
				errx(EXIT_USAGE, _("--format must be text, "
				    "csv or json, not \"%s\""), optarg);
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'o':
			o->outpath = optarg;
			break;
		case 'q':
			out->quiet = 1;
			break;
		case 'X':
			o->excel = 1;
			break;
		case 'V':
			cli_version();
			exit(0);
		default:
			usage();
		}
	}
	return optind;
}

/* Writes the result of file path in the chosen format. */
static void
put_result(struct out *out, const char *path,
    const struct import_result *res)
{
	switch (out->fmt) {
	case FMT_TEXT:
		if (res->header_bad > 0 && res->other_sheets != NULL)
			fprintf(out->fp, _("%s: the header row is not usable "
			    "(the workbook's other sheets: %s; --sheet chooses "
			    "one)\n"), path, res->other_sheets);
		else if (res->header_bad > 0)
			fprintf(out->fp, _("%s: the header row is not "
			    "usable\n"), path);
		else if (res->header_bad == 0)
			fprintf(out->fp, _("%s: %ld rows: %ld valid, "
			    "%ld invalid, %ld duplicates, %ld "
			    "warnings\n"), path, res->rows,
			    res->accepted, res->rejected,
			    res->duplicates, res->warnings);
		break;
	case FMT_CSV:
		if (res->header_bad == 0)
			fprintf(stderr, _("%s: %ld rows: %ld valid, "
			    "%ld invalid, %ld duplicates, %ld "
			    "warnings\n"), path, res->rows,
			    res->accepted, res->rejected,
			    res->duplicates, res->warnings);
		break;
	case FMT_JSON:
		fprintf(out->fp, "%s], \"header_ok\": %s, "
		    "\"encoding\": ", out->nprob > 0 ? "\n  " : "",
		    res->header_bad == 0 ? "true" : "false");
		json_str(out->fp, res->encoding != NULL ? res->encoding :
		    "");
		fprintf(out->fp, ", \"rows\": %ld, \"valid\": %ld, "
		    "\"invalid\": %ld, \"duplicates\": %ld, "
		    "\"warnings\": %ld}", res->rows, res->accepted,
		    res->rejected, res->duplicates, res->warnings);
		break;
	}
}

/* Checks file path, the first when first: its exit status. */
static int
check_file(struct db *db, struct rec_ctx *ctx, const char *path,
    struct import_opts *io, struct out *out, int first)
{
	struct import_result res;
	char *e = NULL;
	int status = 0;

	out->nprob = 0;
	if (!out->quiet && out->fmt == FMT_JSON) {
		fputs(!first ? ",\n  {\"file\": " : "\n  {\"file\": ",
		    out->fp);
		json_str(out->fp, path);
		fputs(", \"problems\": [", out->fp);
	}
	if (import_file(db, ctx, path, io, &res, &e) != 0) {
		warnx("%s", e);
		free(e);
		status = 2;
		memset(&res, 0, sizeof(res));
		res.header_bad = -1;
	}
	if (res.header_bad > 0 || res.rejected > 0)
		status = status == 2 ? 2 : 1;
	if (res.stopped != NULL) {
		warnx(_("%s; the rows before it are counted, the rest "
		    "of the file was not read"), res.stopped);
		status = 2;
	}
	if (!out->quiet)
		put_result(out, path, &res);
	import_result_release(&res);
	return status;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct import_opts io;
	struct out out = { NULL, FMT_TEXT, 0, "\n", 0 };
	struct rec_ctx *ctx;
	struct db *db;
	int status = 0, i, k;

	memset(&io, 0, sizeof(io));
	cli_init();
	k = parse_options(argc, argv, &o, &out);
	argc -= k;
	argv += k;
	if (argc < 1)
		usage();
	io.dry_run = 1;
	io.on_problem = on_problem;
	io.arg = &out;

	db = db_new();
	if (db_open(db, cli_db_path(o.dbpath), DB_READONLY,
	    cli_schemadir()) != 0) {
		warnx("%s", db_errstr(db));
		db_free(db);
		return 2;
	}
	ctx = rec_ctx_new();
	if (rec_ctx_load(ctx, db) != 0) {
		warnx("%s", db_errstr(db));
		rec_ctx_free(ctx);
		db_free(db);
		return 2;
	}
	cli_input_apply(&o.in, ctx);
	io.enc = o.in.enc;
	io.map_flags = o.in.map_flags;
	out.fp = out.quiet ? stdout : cli_open_output(o.outpath);
	if (cli_csv_for_spreadsheet(o.outpath, o.excel)) {
		out.eol = "\r\n";
		if (!out.quiet && out.fmt == FMT_CSV)
			fputs("\xef\xbb\xbf", out.fp);
	}
	if (!out.quiet && out.fmt == FMT_CSV)
		fprintf(out.fp, "file,line,column,code,severity,message%s",
		    out.eol);
	if (!out.quiet && out.fmt == FMT_JSON)
		fputs("{\"files\": [", out.fp);

	for (i = 0; i < argc; i++) {
		k = check_file(db, ctx, argv[i], &io, &out, i == 0);
		if (k > status)
			status = k;
	}
	if (!out.quiet && out.fmt == FMT_JSON)
		fputs("\n]}\n", out.fp);
	if (!out.quiet)
		cli_close_output(out.fp, o.outpath);
	rec_ctx_free(ctx);
	db_free(db);
	return status;
}
