/* SPDX-License-Identifier: ISC */
/*
 * hcp-intake: the receiving side of a county (SQLite) or a province
 * (PostgreSQL): the station registry, batches from inbox directories
 * verified and loaded exactly once, receipts, sequence gaps.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "intake.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-intake [-q] [-d db | --pg conninfo] -K key "
    "[--archive dir] [--refused dir] inbox ...\n"
    "       hcp-intake [-d db | --pg conninfo] --register station "
    "--pubkey file [--region code] [--name name] [--from time] "
    "[--to time]\n"
    "       hcp-intake [-d db | --pg conninfo] --rotate station "
    "--pubkey file --from time\n"
    "       hcp-intake [-d db | --pg conninfo] --retire station "
    "[--at time]\n"
    "       hcp-intake [-d db | --pg conninfo] --gaps\n"
    "       hcp-intake [-d db | --pg conninfo] --stations\n";

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

struct counts {
	int quiet;
	long loaded, duplicate, refused, left;
	long long records;
};

static void
done(void *arg, const struct intake_batch *b)
{
	struct counts *c = arg;
	const char *p, *e;
	/* the inbox's names are the uploaders' */
	char *file = str_visible(b->file);

	switch (b->outcome) {
	case INTAKE_LOADED:
		c->loaded++;
		c->records += b->records;
		if (!c->quiet)
			printf(_("%s: loaded: batch %s, %lld records\n"),
			    file, b->name, b->records);
		break;
	case INTAKE_DUPLICATE:
		c->duplicate++;
		if (!c->quiet)
			printf(_("%s: loaded before as %s: receipt given "
			    "again\n"), file, b->name);
		break;
	case INTAKE_REFUSED:
		c->refused++;
		warnx(_("%s: REFUSED:"), file);
		for (p = b->reason; p != NULL && *p != '\0'; p = e + 1) {
			if ((e = strchr(p, '\n')) == NULL)
				e = p + strlen(p);
			warnx("%s:   %.*s", file, (int)(e - p), p);
			if (*e == '\0')
				break;
		}
		break;
	case INTAKE_LEFT:
		c->left++;
		warnx("%s: %s", file, b->reason);
		break;
	}
	fflush(stdout);
	free(file);
}

static void
gap(void *arg, const char *station, long long from, long long to)
{
	(void)arg;
	if (from == 0)
		printf(_("%s: no batch received\n"), station);
	else if (from == to)
		printf(_("%s: missing batch %lld (hcp-%s-%06lld)\n"), station,
		    from, station, from);
	else
		printf(_("%s: missing batches %lld to %lld\n"), station, from,
		    to);
}

/* The columns of --stations, the name last for it has any width. */
static const struct cli_col station_cols[] = {
	{ N_("station"), 8, 0 }, { N_("region"), 6, 0 },
	{ N_("registered"), 19, 0 }, { N_("retired"), 19, 0 },
	{ N_("keys"), 4, 1 }, { N_("newest key from"), 19, 0 },
	{ N_("batches"), 7, 1 }, { N_("last"), 6, 1 },
	{ N_("last received"), 19, 0 }, { N_("name"), 0, 0 },
};
#define NSTATION_COLS (sizeof(station_cols) / sizeof(station_cols[0]))
/* which value of INTAKE_STATION_COLS each column shows */
static const int station_col_of[NSTATION_COLS] = {
	0, 1, 3, 4, 5, 6, 7, 8, 9, 2
};

/* One station of --stations under the header, which the first prints. */
static int
station_row(void *arg, int n, const char *const *v)
{
	int *rows = arg;
	const char *cells[NSTATION_COLS];
	size_t i;

	(void)n;
	if ((*rows)++ == 0)
		cli_list_line(station_cols, NSTATION_COLS, NULL);
	for (i = 0; i < NSTATION_COLS; i++) {
		cells[i] = v[station_col_of[i]];
		if (cells[i] == NULL || *cells[i] == '\0')
			cells[i] = station_col_of[i] == 2 ? "" : "-";
	}
	cli_list_line(station_cols, NSTATION_COLS, cells);
	return 0;
}

enum { OPT_PG = 256, OPT_REGISTER, OPT_ROTATE, OPT_RETIRE, OPT_GAPS,
    OPT_STATIONS,
    OPT_PUBKEY, OPT_REGION, OPT_NAME, OPT_FROM, OPT_TO, OPT_AT };

struct opts {
	const char *db, *pg, *keypath, *station;
	const char *pubpath, *region, *name;
	const char *from, *to, *at;
	struct intake_opts io;
	int mode, quiet;
};

/* The options; returns how many arguments they took. */
static int
parse_options(int argc, char *argv[], struct opts *o)
{
	static const char shortopts[] = "d:hK:qV";
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "pg", required_argument, NULL, OPT_PG },
		{ "key", required_argument, NULL, 'K' },
		{ "archive", required_argument, NULL, 'a' },
		{ "refused", required_argument, NULL, 'r' },
		{ "register", required_argument, NULL, OPT_REGISTER },
		{ "rotate", required_argument, NULL, OPT_ROTATE },
		{ "retire", required_argument, NULL, OPT_RETIRE },
		{ "gaps", no_argument, NULL, OPT_GAPS },
		{ "stations", no_argument, NULL, OPT_STATIONS },
		{ "pubkey", required_argument, NULL, OPT_PUBKEY },
		{ "region", required_argument, NULL, OPT_REGION },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "at", required_argument, NULL, OPT_AT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		switch (ch) {
		case 'a':
			o->io.archive = optarg;
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'K':
			o->keypath = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'r':
			o->io.refused = optarg;
			break;
		case 'V':
			cli_version();
			exit(0);
		case OPT_PG:
			o->pg = optarg;
			break;
		case OPT_REGISTER:
		case OPT_ROTATE:
		case OPT_RETIRE:
		case OPT_GAPS:
		case OPT_STATIONS:
			if (o->mode != 0)
				usage();
			o->mode = ch;
			o->station = optarg;
			break;
		case OPT_PUBKEY:
			o->pubpath = optarg;
			break;
		case OPT_REGION:
			o->region = optarg;
			break;
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_FROM:
			o->from = optarg;
			break;
		case OPT_TO:
			o->to = optarg;
			break;
		case OPT_AT:
			o->at = optarg;
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
	int mode = o->mode;

	if (mode == 0 && argc > 0 && o->keypath == NULL)
		warnx(_("-K key is needed: the receiving side's private "
		    "key, which signs the receipts"));
	if ((o->db != NULL && o->pg != NULL) ||
	    (mode == 0 && (argc == 0 || o->keypath == NULL)) ||
	    (mode != 0 && argc != 0) ||
	    ((mode == OPT_REGISTER || mode == OPT_ROTATE) != (o->pubpath !=
	    NULL)) ||
	    (mode == OPT_ROTATE && o->from == NULL) ||
	    ((o->region != NULL || o->name != NULL || o->to != NULL) &&
	    mode != OPT_REGISTER) ||
	    (o->from != NULL && mode != OPT_REGISTER &&
	    mode != OPT_ROTATE) ||
	    (o->at != NULL && mode != OPT_RETIRE))
		usage();
}

static int
count_row(void *arg, int n, const char *const *v)
{
	(void)n;
	(void)v;
	++*(long *)arg;
	return 0;
}

/*
 * Says so when no station is registered: an empty list (or no gap)
 * would otherwise read as all being well.
 */
static void
warn_unregistered(struct intake *it)
{
	long rows = 0;

	if (intake_stations(it, count_row, &rows) != 0)
		errx(2, "%s", intake_errstr(it));
	if (rows == 0)
		warnx("%s", _("no station is registered (--register "
		    "adds one)"));
}

/* --register, --rotate, --retire, --gaps, --stations: the exit status. */
static int
admin(struct intake *it, const struct opts *o, const char *pub)
{
	int rows = 0;
	int n;

	switch (o->mode) {
	case OPT_REGISTER:
		if (intake_register(it, o->station, o->region, o->name, pub,
		    o->from, o->to) != 0)
			errx(2, "%s", intake_errstr(it));
		break;
	case OPT_ROTATE:
		if (intake_rotate(it, o->station, pub, o->from) != 0)
			errx(2, "%s", intake_errstr(it));
		break;
	case OPT_RETIRE:
		if (intake_retire(it, o->station, o->at) != 0)
			errx(2, "%s", intake_errstr(it));
		break;
	case OPT_GAPS:
		if ((n = intake_gaps(it, gap, NULL)) < 0)
			errx(2, "%s", intake_errstr(it));
		if (n == 0)
			warn_unregistered(it);
		return n > 0;
	case OPT_STATIONS:
		if (intake_stations(it, station_row, &rows) != 0)
			errx(2, "%s", intake_errstr(it));
		if (rows == 0)
			warn_unregistered(it);
		break;
	}
	return 0;
}

/* Loads the batches of each inbox: 1 if one was refused. */
static int
load_inboxes(struct intake *it, struct opts *o, char *argv[], int argc)
{
	struct counts c;
	int i, n;

	memset(&c, 0, sizeof(c));
	c.quiet = o->quiet;
	o->io.done = done;
	o->io.arg = &c;
	for (i = 0; i < argc; i++) {
		n = intake_inbox(it, argv[i], &o->io);
		if (n < 0)
			errx(2, "%s: %s", argv[i], intake_errstr(it));
		if (n == 1 && !o->quiet)
			warnx(_("%s: another hcp-intake is at work "
			    "on this inbox: left to it"), argv[i]);
	}
	if (!o->quiet && argc > 0)
		printf(_("%ld loaded (%lld records), %ld loaded "
		    "before, %ld refused\n"), c.loaded, c.records,
		    c.duplicate, c.refused);
	if (!o->quiet && c.left > 0)
		printf(_("%ld not taken: not regular files\n"), c.left);
	return c.refused > 0 || c.left > 0;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct intake *it;
	const char *db;
	char *e, *pub = NULL;
	int rc, n;

	cli_init();
	n = parse_options(argc, argv, &o);
	argc -= n;
	argv += n;
	check_usage(&o, argc);
	db = o.db;
	if (db == NULL && o.pg == NULL && (db = getenv("HCP_INTAKE_DB")) ==
	    NULL)
		db = "intake.db";
	if (o.pubpath != NULL)
		pub = cli_read_key(o.pubpath);
	if (o.keypath != NULL)
		o.io.receipt_key = cli_read_key(o.keypath);
	cli_check_keys(o.pubpath, pub, o.keypath, o.io.receipt_key);
	if ((it = intake_open(db, o.pg, cli_datadir(), &e)) == NULL)
		errx(2, "%s", e);
	if (o.mode != 0)
		rc = admin(it, &o, pub);
	else
		rc = load_inboxes(it, &o, argv, argc);
	intake_close(it);
	free(pub);
	if (o.io.receipt_key != NULL) {
		explicit_bzero((char *)o.io.receipt_key,
		    strlen(o.io.receipt_key));
		free((char *)o.io.receipt_key);
	}
	return rc;
}
