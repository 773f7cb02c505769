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
    "                  [--unmatched | --flags] [--from day] [--to day]\n"
    "                  [--month YYYY-MM] [--quarter YYYY-Qn] [--year YYYY]\n"
    "                  [--as-of day] [--batches dir [-k pubkey ...] |\n"
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

static char *
read_key(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp, *mem;
	char chunk[4096];
	size_t k;

	if ((fp = fopen(path, "r")) == NULL)
		err(2, "%s", path);
	if ((mem = open_memstream(&buf, &len)) == NULL)
		err(2, "open_memstream");
	while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		fwrite(chunk, 1, k, mem);
	if (ferror(fp))
		err(2, "%s", path);
	fclose(fp);
	fclose(mem);
	return buf;
}

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

int
main(int argc, char *argv[])
{
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
	const char *dbpath = NULL, *outpath = NULL, *by = "dept";
	const char *services = NULL, *rejects = NULL;
	enum csvin_encoding enc = CSVIN_AUTO;
	const char *batchdir = NULL, *county = NULL, *pg = NULL;
	char *keys[MAX_KEYS];
	size_t nkeys = 0, i;
	struct batches_stats bs;
	int unmatched = 0, flags = 0, refused = 0;
	long nflags = 0;
	struct report_opts o, tmp;
	struct report *r = NULL;
	struct db *db;
	enum fmt fmt = F_NONE;
	char *e = NULL;
	FILE *fp;
	int ch, quiet = 0, rc;

	memset(&o, 0, sizeof(o));
	cli_init();
	while ((ch = getopt_long(argc, argv, "b:d:f:hk:o:qV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			by = optarg;
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'f':
			if ((fmt = fmt_parse(optarg)) == F_NONE) {
				warnx(_("unknown format \"%s\""), optarg);
				usage();
			}
			break;
		case 'h':
			cli_usage_exit(usage_text, stdout, 0);
		case 'o':
			outpath = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'V':
			cli_version();
			return 0;
		case 'F':
		case 'T':
		case 'M':
		case 'Q':
		case 'Y':
			if (report_period(&o, ch == 'F' ? 'f' : ch == 'T' ?
			    't' : ch == 'M' ? 'm' : ch == 'Q' ? 'q' : 'y',
			    optarg, &e) != 0) {
				warnx("%s", e);
				usage();
			}
			break;
		case 'A':
			if (report_period(&tmp, 't', optarg, &e) != 0) {
				warnx("%s", e);
				usage();
			}
			memcpy(o.asof, tmp.to, sizeof(o.asof));
			break;
		case 'P':
			o.public = 1;
			break;
		case 'U':
			unmatched = 1;
			break;
		case 'G':
			flags = 1;
			break;
		case 'B':
			batchdir = optarg;
			break;
		case OPT_COUNTY:
			county = optarg;
			break;
		case OPT_PG:
			pg = optarg;
			break;
		case 'k':
			if (nkeys == MAX_KEYS)
				errx(EXIT_USAGE, _("at most %d public keys"),
				    MAX_KEYS);
			keys[nkeys++] = read_key(optarg);
			break;
		case 'L':
			services = optarg;
			break;
		case 'R':
			rejects = optarg;
			break;
		case 'E':
			if (csvin_encoding_parse(optarg, &enc) != 0) {
				warnx(_("unknown encoding \"%s\""), optarg);
				usage();
			}
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (services != NULL)
		return load_services(dbpath, services, rejects, enc, quiet);
	if (rejects != NULL || (unmatched && flags) ||
	    (nkeys > 0 && batchdir == NULL) ||
	    (batchdir != NULL) + (county != NULL) + (pg != NULL) > 1)
		usage();
	if (o.public && (unmatched || flags))
		errx(EXIT_USAGE, "%s", _("--public gives figures only, not "
		    "--unmatched or --flags"));
	if (report_by_parse(by, &o.by, &e) != 0) {
		warnx("%s", e);
		usage();
	}
	if (fmt == F_NONE)
		fmt = fmt_of_path(outpath);
	if (o.from[0] != '\0' && o.to[0] != '\0' &&
	    strcmp(o.from, o.to) > 0)
		errx(EXIT_USAGE, _("the period ends (%s) before it begins "
		    "(%s)"), o.to, o.from);

	if (batchdir != NULL) {
		db = open_batches(dbpath, batchdir, keys, &nkeys, &bs);
		for (i = 0; i < nkeys; i++)
			free(keys[i]);
		refused = bs.refused > 0;
		o.batches = 1;
	} else if (county != NULL || pg != NULL) {
		db = open_received(dbpath, county, pg, &o);
		o.batches = 1;
	} else {
		db = db_new();
		if (db_open(db, cli_db_path(dbpath), DB_READONLY,
		    cli_schemadir()) != 0) {
			warnx("%s", db_errstr(db));
			db_free(db);
			return 2;
		}
	}
	if (report_load_settings(db, &o, &e) != 0 ||
	    report_run(db, &o, &r, &e) != 0) {
		warnx("%s", e != NULL ? e : db_errstr(db));
		db_free(db);
		return 2;
	}
	fp = o.public ? cli_open_public_output(outpath) :
	    cli_open_output(outpath);
	if (flags)
		rc = report_write_flags(db, &o, fp, fmt == F_CSV, &nflags,
		    &e);
	else if (unmatched)
		rc = report_write_unmatched(db, &o, fp, &e);
	else switch (fmt) {
	case F_CSV:
		rc = report_write_csv(r, fp);
		break;
	case F_JSON:
		rc = report_write_json(r, fp);
		break;
	case F_XLSX:
		rc = report_write_xlsx(r, fp, &e);
		break;
	case F_PDF:
		rc = render_report_pdf(r, fp, outpath != NULL ? outpath :
		    "-", &e);
		break;
	default:
		rc = report_write_table(r, fp, fp == stdout &&
		    isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL);
		break;
	}
	db_free(db);
	if (rc != 0) {
		if (e != NULL)
			warnx("%s", e);
		else
			warn("%s", outpath != NULL ? outpath :
			    _("standard output"));
		cli_discard_output(fp);
		report_free(r);
		return 2;
	}
	cli_close_output(fp, outpath);
	if (flags && !quiet)
		fprintf(stderr, _("hcp-report: %ld flags: leads for a closer "
		    "look, not verdicts\n"), nflags);
	else if (!quiet && fmt != F_TABLE)
		fprintf(stderr, _("hcp-report: %ld evaluations, %ld excluded "
		    "by an accepted appeal%s\n"), r->total.n, r->excluded,
		    r->have_cases ? "" : _("; follow-up figures not "
		    "available"));
	report_free(r);
	return refused ? 1 : 0;
}
