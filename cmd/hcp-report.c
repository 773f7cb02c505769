/* SPDX-License-Identifier: ISC */
/*
 * hcp-report: the figures of the evaluations for a period, by
 * department, window, staff, item, channel, entry method, region, day,
 * week or month, as a terminal table, CSV, JSON, an XLSX workbook or a
 * PDF report with charts; --public for the disclosure export.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvin.h"
#include "db.h"
#include "i18n.h"
#include "intake.h"
#include "keys.h"
#include "report.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-report [-q] [-d db] [-o output] [-b groupings]\n"
    "                  [-f table | csv | json | xlsx | pdf] [--public]\n"
    "                  [--unmatched | --flags] [--from period]\n"
    "                  [--to period] [--month YYYY-MM] [--quarter YYYY-Qn]\n"
    "                  [--year YYYY] [--as-of day]\n"
    "                  [--batches dir [-k pubkey ...] |\n"
    "                  --county county.db | --pg conninfo]\n"
    "       hcp-report [-q] [-d db] [--encoding encoding] [--rejects path]\n"
    "                  --load-services file\n";

enum { OPT_COUNTY = 256, OPT_PG };
enum fmt { F_NONE, F_TABLE, F_CSV, F_JSON, F_XLSX, F_PDF };

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

static enum fmt
fmt_parse(const char *s)
{
	static const char *const names[] = { "", "table", "csv", "json",
		"xlsx", "pdf" };
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (enum fmt)i;
	return F_NONE;
}

static enum fmt
fmt_of_path(const char *path)
{
	const char *dot;

	if (path == NULL || strcmp(path, "-") == 0 ||
	    (dot = strrchr(path, '.')) == NULL)
		return F_TABLE;
	if (strcmp(dot, ".txt") == 0)
		return F_TABLE;
	return fmt_parse(dot + 1) != F_NONE ? fmt_parse(dot + 1) : F_TABLE;
}

#define MAX_KEYS 64

/*
 * A station db in memory holding the records of the verified batches of
 * dir; the station db (-d or $HCP_DB), when given, supplies the
 * catalogue, the settings and, without -k, the public key.
 */
static struct db *
open_batches(const char *dbpath, const char *dir, char **keys,
    size_t *nkeys, struct batches_stats *bs)
{
	struct db *station = NULL, *mem = db_new();
	char *e = NULL;

	if (dbpath != NULL || getenv("HCP_DB") != NULL) {
		station = db_new();
		if (db_open(station, cli_db_path(dbpath), DB_READONLY,
		    cli_schemadir()) != 0)
			errx(2, "%s", db_errstr(station));
	}
	if (*nkeys == 0) {
		if (station == NULL)
			errx(EXIT_USAGE, "%s", _("--batches needs the "
			    "stations' public keys (-k) or a station db (-d)"));
		if ((keys[0] = keys_public_pem(db_path(station), &e)) == NULL)
			errx(2, "%s", e);
		*nkeys = 1;
	}
	if (db_open(mem, ":memory:", DB_CREATE, cli_schemadir()) != 0)
		errx(2, "%s", db_errstr(mem));
	if (report_load_batches(mem, station, dir, (const char *const *)keys,
	    *nkeys, bs, &e) != 0)
		errx(2, "%s", e);
	db_free(station);
	if (bs->refused > 0)
		warnx(_("%ld batches failed verification and are left out "
		    "(hcp-verify tells why), the first: %s"), bs->refused,
		    bs->first_refused);
	free(bs->first_refused);
	return mem;
}

static int
load_services(const char *dbpath, const char *path, const char *rejects,
    enum csvin_encoding enc, int quiet)
{
	struct services_stats st;
	struct db *db = db_new();
	char *e = NULL;

	if (db_open(db, cli_db_path(dbpath), 0, cli_schemadir()) != 0) {
		warnx("%s", db_errstr(db));
		db_free(db);
		return 2;
	}
	if (report_load_services(db, path, (int)enc, rejects, &st, &e) !=
	    0) {
		warnx("%s", e);
		free(e);
		db_free(db);
		return 2;
	}
	db_free(db);
	if (!quiet)
		printf(_("%s: %ld rows read: %ld services loaded, %ld "
		    "rejected, %ld already loaded\n"), path, st.read,
		    st.accepted, st.rejected, st.duplicates);
	if (st.rejects_path != NULL && !quiet)
		printf(_("%s: rejected rows written to %s\n"), path,
		    st.rejects_path);
	free(st.rejects_path);
	if (fflush(stdout) != 0 || ferror(stdout))
		err(2, "%s", _("standard output"));
	return st.rejected > 0 ? 1 : 0;
}

/*
 * A station db in memory holding the records of a receiving db
 * (hcp-intake(1)) in the period; the station db, when given, supplies
 * the catalogue and the settings.
 */
static struct db *
open_received(const char *dbpath, const char *county, const char *pg,
    const struct report_opts *o)
{
	struct db *station = NULL, *mem = db_new();
	struct intake *it;
	char *e = NULL;

	if (county != NULL && access(county, R_OK) != 0)
		err(2, "%s", county);
	if ((it = intake_open(county, pg, cli_datadir(), &e)) == NULL)
		errx(2, "%s", e);
	if (dbpath != NULL || getenv("HCP_DB") != NULL) {
		station = db_new();
		if (db_open(station, cli_db_path(dbpath), DB_READONLY,
		    cli_schemadir()) != 0)
			errx(2, "%s", db_errstr(station));
	}
	if (db_open(mem, ":memory:", DB_CREATE, cli_schemadir()) != 0)
		errx(2, "%s", db_errstr(mem));
	if (report_load_received(mem, station, it, o, &e) < 0)
		errx(2, "%s", e);
	intake_close(it);
	db_free(station);
	return mem;
}

struct opts {
	const char *dbpath, *outpath, *by, *services, *rejects, *batchdir;
	const char *county, *pg;	/* a receiving db (hcp-intake) */
	enum csvin_encoding enc;
	char *keys[MAX_KEYS];
	size_t nkeys;
	int unmatched, flags, quiet;
	/* how the period was given: --month, --quarter, --year (a bit
	 * each), --from or --to */
	unsigned named, bounds;
	enum fmt fmt;
	struct report_opts ro;
};

/* One option of parse_options(). */
static void
take_option(struct opts *o, int ch, const char *arg)
{
	struct report_opts tmp;
	char *e = NULL;

	switch (ch) {
	case 'F':
	case 'T':
	case 'M':
	case 'Q':
	case 'Y':
		if (report_period(&o->ro, ch == 'F' ? 'f' : ch == 'T' ?
		    't' : ch == 'M' ? 'm' : ch == 'Q' ? 'q' : 'y',
		    arg, &e) != 0) {
			warnx("%s", e);
			usage();
		}
		if (ch == 'F' || ch == 'T')
			o->bounds = 1;
		else
			o->named |= ch == 'M' ? 1 : ch == 'Q' ? 2 : 4;
		break;
	case 'A':
		if (report_period(&tmp, 'd', arg, &e) != 0) {
			warnx("%s", e);
			usage();
		}
		memcpy(o->ro.asof, tmp.to, sizeof(o->ro.asof));
		break;
	case 'k':
		if (o->nkeys == MAX_KEYS)
			errx(EXIT_USAGE, _("at most %d public keys"),
			    MAX_KEYS);
		o->keys[o->nkeys] = cli_read_key(arg);
		cli_check_keys(arg, o->keys[o->nkeys++], NULL, NULL);
		break;
	case 'E':
		if (csvin_encoding_parse(arg, &o->enc) != 0) {
			warnx(_("unknown encoding \"%s\""), arg);
			usage();
		}
		break;
	default:
		usage();
	}
}

/* The options; exits with a usage error if arguments are left. */
static void
parse_options(int argc, char *argv[], struct opts *o)
{
	static const char shortopts[] = "b:d:f:hk:o:qV";
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "month", required_argument, NULL, 'M' },
		{ "quarter", required_argument, NULL, 'Q' },
		{ "year", required_argument, NULL, 'Y' },
		{ "as-of", required_argument, NULL, 'A' },
		{ "public", no_argument, NULL, 'P' },
		{ "unmatched", no_argument, NULL, 'U' },
		{ "flags", no_argument, NULL, 'G' },
		{ "load-services", required_argument, NULL, 'L' },
		{ "rejects", required_argument, NULL, 'R' },
		{ "encoding", required_argument, NULL, 'E' },
		{ "batches", required_argument, NULL, 'B' },
		{ "pubkey", required_argument, NULL, 'k' },
		{ "county", required_argument, NULL, OPT_COUNTY },
		{ "pg", required_argument, NULL, OPT_PG },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->by = "dept";
	o->enc = CSVIN_AUTO;
	o->fmt = F_NONE;
	while ((ch = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		switch (ch) {
		case 'b':
			o->by = optarg;
			break;
		case 'd':
			o->dbpath = optarg;
			break;
		case 'f':
			if ((o->fmt = fmt_parse(optarg)) == F_NONE) {
				warnx(_("unknown format \"%s\""), optarg);
				usage();
			}
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'o':
			o->outpath = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'V':
			cli_version();
			exit(0);
		case 'P':
			o->ro.public = 1;
			break;
		case 'U':
			o->unmatched = 1;
			break;
		case 'G':
			o->flags = 1;
			break;
		case 'B':
			o->batchdir = optarg;
			break;
		case OPT_COUNTY:
			o->county = optarg;
			break;
		case OPT_PG:
			o->pg = optarg;
			break;
		case 'L':
			o->services = optarg;
			break;
		case 'R':
			o->rejects = optarg;
			break;
		default:
			take_option(o, ch, optarg);
		}
	}
	if (optind != argc)
		usage();
}

/* Exits with a usage error unless the options go together. */
static void
check_usage(struct opts *o)
{
	char *e = NULL;

	if (o->rejects != NULL || (o->unmatched && o->flags) ||
	    (o->nkeys > 0 && o->batchdir == NULL) ||
	    (o->batchdir != NULL) + (o->county != NULL) + (o->pg != NULL) > 1)
		usage();
	if (o->ro.public && (o->unmatched || o->flags))
		errx(EXIT_USAGE, "%s", _("--public gives figures only, not "
		    "--unmatched or --flags"));
	if (report_by_parse(o->by, &o->ro.by, &e) != 0) {
		warnx("%s", e);
		usage();
	}
	if (o->fmt == F_NONE)
		o->fmt = fmt_of_path(o->outpath);
	/* one month or quarter or year, or the days it begins and ends */
	if ((o->named & (o->named - 1)) != 0 || (o->named && o->bounds))
		errx(EXIT_USAGE, "%s", _("give the period one way: --month, "
		    "--quarter or --year, or --from and --to"));
	if (o->ro.from[0] != '\0' && o->ro.to[0] != '\0' &&
	    strcmp(o->ro.from, o->ro.to) > 0)
		errx(EXIT_USAGE, _("the period ends (%s) before it begins "
		    "(%s)"), o->ro.to, o->ro.from);
}

/* Writes the report, the flags or the unmatched to fp: 0, or not. */
static int
write_report(struct db *db, struct opts *o, struct report *r, FILE *fp,
    long *nflags, char **e)
{
	if (o->flags)
		return report_write_flags(db, &o->ro, fp, o->fmt == F_CSV,
		    nflags, e);
	if (o->unmatched)
		return report_write_unmatched(db, &o->ro, fp, e);
	switch (o->fmt) {
	case F_CSV:
		return report_write_csv(r, fp);
	case F_JSON:
		return report_write_json(r, fp);
	case F_XLSX:
		return report_write_xlsx(r, fp, e);
	case F_PDF:
		return render_report_pdf(r, fp, o->outpath != NULL ?
		    o->outpath : "-", e);
	default:
		return report_write_table(r, fp, fp == stdout &&
		    isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL);
	}
}

int
main(int argc, char *argv[])
{
	struct batches_stats bs;
	struct report *r = NULL;
	struct opts o;
	struct db *db;
	long nflags = 0;
	char *e = NULL;
	int refused = 0, rc;
	size_t i;
	FILE *fp;

	cli_init();
	parse_options(argc, argv, &o);
	if (o.services != NULL)
		return load_services(o.dbpath, o.services, o.rejects, o.enc,
		    o.quiet);
	check_usage(&o);

	if (o.batchdir != NULL) {
		db = open_batches(o.dbpath, o.batchdir, o.keys, &o.nkeys,
		    &bs);
		for (i = 0; i < o.nkeys; i++)
			free(o.keys[i]);
		refused = bs.refused > 0;
		o.ro.batches = 1;
	} else if (o.county != NULL || o.pg != NULL) {
		db = open_received(o.dbpath, o.county, o.pg, &o.ro);
		o.ro.batches = 1;
	} else {
		db = db_new();
		if (db_open(db, cli_db_path(o.dbpath), DB_READONLY,
		    cli_schemadir()) != 0) {
			warnx("%s", db_errstr(db));
			db_free(db);
			return 2;
		}
	}
	if (report_load_settings(db, &o.ro, &e) != 0 ||
	    report_run(db, &o.ro, &r, &e) != 0) {
		warnx("%s", e != NULL ? e : db_errstr(db));
		db_free(db);
		return 2;
	}
	fp = o.ro.public ? cli_open_public_output(o.outpath) :
	    cli_open_output(o.outpath);
	rc = write_report(db, &o, r, fp, &nflags, &e);
	db_free(db);
	if (rc != 0) {
		if (e != NULL)
			warnx("%s", e);
		else
			warn("%s", o.outpath != NULL ? o.outpath :
			    _("standard output"));
		cli_discard_output(fp);
		report_free(r);
		return 2;
	}
	cli_close_output(fp, o.outpath);
	if (o.flags && !o.quiet)
		fprintf(stderr, _("hcp-report: %ld flags: leads for a closer "
		    "look, not verdicts\n"), nflags);
	else if (!o.quiet && o.fmt != F_TABLE)
		fprintf(stderr, _("hcp-report: %ld evaluations, %ld excluded "
		    "by an accepted appeal%s\n"), r->total.n, r->excluded,
		    r->have_cases ? "" : _("; follow-up figures not "
		    "available"));
	report_free(r);
	return refused ? 1 : 0;
}
