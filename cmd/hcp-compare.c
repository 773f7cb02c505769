/* SPDX-License-Identifier: ISC */
/*
 * hcp-compare: double entry.  Compares two independent keyings of the
 * same paper forms, matched on the form serial, and lists every
 * difference as CSV (serial, column, A, B, line in A, line in B).
 * Exit 0 identical, 1 different, 2 error.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "csvout.h"
#include "db.h"
#include "i18n.h"
#include "record.h"
#include "strbuf.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-compare [-q] [-d db] [-o output] [--coding coding]\n"
    "                   [--encoding encoding] [--ignore-unknown] [--excel]\n"
    "                   file1 file2\n";

struct out {
	FILE *fp;
	int quiet;
	int bom;		/* a spreadsheet's UTF-8 byte order mark */
	int started;		/* the header is written */
	const char *eol;	/* "\r\n" for a spreadsheet, else "\n" */
	struct strbuf sb;
};

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

static void
cell(struct strbuf *sb, const char *s, int last, const char *eol)
{
	csvout_field(sb, s, strlen(s), 1);
	strbuf_adds(sb, last ? eol : ",");
}

/* The header, written with the first difference or at the end. */
static void
start(struct out *o)
{
	if (o->started)
		return;
	o->started = 1;
	if (o->bom)
		fputs("\xef\xbb\xbf", o->fp);
	fprintf(o->fp, "serial,column,A,B,line_A,line_B%s", o->eol);
}

static void
on_diff(void *arg, const struct cmp_diff *d)
{
	struct out *o = arg;
	char la[24] = "", lb[24] = "";

	if (o->quiet)
		return;
	start(o);
	if (d->line_a > 0)
		snprintf(la, sizeof(la), "%ld", d->line_a);
	if (d->line_b > 0)
		snprintf(lb, sizeof(lb), "%ld", d->line_b);
	strbuf_reset(&o->sb);
	cell(&o->sb, d->serial, 0, o->eol);
	cell(&o->sb, d->column, 0, o->eol);
	cell(&o->sb, d->a, 0, o->eol);
	cell(&o->sb, d->b, 0, o->eol);
	cell(&o->sb, la, 0, o->eol);
	cell(&o->sb, lb, 1, o->eol);
	fputs(o->sb.buf, o->fp);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "excel", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		CLI_INPUT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char *dbpath = NULL, *outpath = NULL;
	struct cmp_opts co;
	struct cmp_stats st;
	struct out out = { NULL, 0, 0, 0, "\n", STRBUF_INIT };
	struct rec_ctx *ctx;
	struct db *db = NULL;
	struct cli_input in;
	char *e = NULL;
	int ch, differ, excel = 0;

	memset(&co, 0, sizeof(co));
	cli_input_init(&in);
	cli_init();
	while ((ch = cli_getopt(argc, argv, "d:ho:qV", longopts)) != -1) {
		if (cli_input_option(&in, ch, optarg))
			continue;
		switch (ch) {
		case 'd':
			dbpath = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, "d:ho:qV", longopts);
		case 'o':
			outpath = optarg;
			break;
		case 'q':
			out.quiet = 1;
			break;
		case 'X':
			excel = 1;
			break;
		case 'V':
			cli_version();
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();

	ctx = rec_ctx_new();
	/* the db is optional: it only supplies the station's coding */
	if (dbpath != NULL || getenv("HCP_DB") != NULL) {
		db = db_new();
		if (db_open(db, cli_db_path(dbpath), DB_READONLY,
		    cli_schemadir()) != 0 ||
		    rec_ctx_load(ctx, db) != 0) {
			warnx("%s", db_errstr(db));
			rec_ctx_free(ctx);
			db_free(db);
			return 2;
		}
	}
	cli_input_apply(&in, ctx);
	co.enc = in.enc;
	co.map_flags = in.map_flags;
	if (!out.quiet) {
		out.fp = cli_open_output(outpath);
		if (cli_csv_for_spreadsheet(outpath, excel)) {
			out.eol = "\r\n";
			out.bom = 1;
		}
	}
	co.on_diff = on_diff;
	co.arg = &out;
	if (compare_files(ctx, argv[0], argv[1], &co, &st, &e) != 0) {
		warnx("%s", e);
		free(e);
		strbuf_release(&out.sb);
		rec_ctx_free(ctx);
		db_free(db);
		return 2;
	}
	differ = st.fields > 0 || st.only_a > 0 || st.only_b > 0 ||
	    st.dup_a > 0 || st.dup_b > 0 || st.noserial_a > 0 ||
	    st.noserial_b > 0;
	if (!out.quiet) {
		start(&out);
		cli_close_output(out.fp, outpath);
		fprintf(stderr, _("%s: %ld rows, %s: %ld rows: %ld matched, "
		    "%ld with differences (%ld fields), %ld only in %s, %ld "
		    "only in %s, %ld duplicate serials, %ld rows without "
		    "serial\n"), argv[0], st.rows_a, argv[1], st.rows_b,
		    st.matched, st.differing, st.fields, st.only_a, argv[0],
		    st.only_b, argv[1], st.dup_a + st.dup_b,
		    st.noserial_a + st.noserial_b);
	}
	strbuf_release(&out.sb);
	rec_ctx_free(ctx);
	db_free(db);
	return differ ? 1 : 0;
}
