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
    "usage: hcp-intake [-q] [-d db | --pg conninfo] -k key [-a dir] "
    "[-r dir] inbox ...\n"
    "       hcp-intake [-d db | --pg conninfo] --register station "
    "--pubkey file [--region code] [--name name] [--from time] "
    "[--to time]\n"
    "       hcp-intake [-d db | --pg conninfo] --rotate station "
    "--pubkey file --from time\n"
    "       hcp-intake [-d db | --pg conninfo] --retire station "
    "[--at time]\n"
    "       hcp-intake [-d db | --pg conninfo] --gaps\n";

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

/* Reads a small text file (a key); exits 2 on failure. */
static char *
read_key(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		err(2, "%s", path);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		strbuf_add(&sb, buf, n);
		if (sb.len > 64 * 1024)
			errx(2, _("%s: too large for a key"), path);
	}
	if (ferror(fp))
		err(2, "%s", path);
	fclose(fp);
	return strbuf_detach(&sb);
}

struct counts {
	int quiet;
	long loaded, duplicate, refused;
	long long records;
};

static void
done(void *arg, const struct intake_batch *b)
{
	struct counts *c = arg;
	const char *p, *e;

	switch (b->outcome) {
	case INTAKE_LOADED:
		c->loaded++;
		c->records += b->records;
		if (!c->quiet)
			printf(_("%s: loaded: batch %s, %lld records\n"),
			    b->file, b->name, b->records);
		break;
	case INTAKE_DUPLICATE:
		c->duplicate++;
		if (!c->quiet)
			printf(_("%s: loaded before as %s: receipt given "
			    "again\n"), b->file, b->name);
		break;
	case INTAKE_REFUSED:
		c->refused++;
		warnx(_("%s: REFUSED:"), b->file);
		for (p = b->reason; p != NULL && *p != '\0'; p = e + 1) {
			if ((e = strchr(p, '\n')) == NULL)
				e = p + strlen(p);
			warnx("%s:   %.*s", b->file, (int)(e - p), p);
			if (*e == '\0')
				break;
		}
		break;
	}
	fflush(stdout);
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

enum { OPT_PG = 256, OPT_REGISTER, OPT_ROTATE, OPT_RETIRE, OPT_GAPS,
    OPT_PUBKEY, OPT_REGION, OPT_NAME, OPT_FROM, OPT_TO, OPT_AT };

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "pg", required_argument, NULL, OPT_PG },
		{ "key", required_argument, NULL, 'k' },
		{ "archive", required_argument, NULL, 'a' },
		{ "refused", required_argument, NULL, 'r' },
		{ "register", required_argument, NULL, OPT_REGISTER },
		{ "rotate", required_argument, NULL, OPT_ROTATE },
		{ "retire", required_argument, NULL, OPT_RETIRE },
		{ "gaps", no_argument, NULL, OPT_GAPS },
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
	const char *db = NULL, *pg = NULL, *keypath = NULL, *station = NULL;
	const char *pubpath = NULL, *region = NULL, *name = NULL;
	const char *from = NULL, *to = NULL, *at = NULL;
	struct intake_opts o;
	struct counts c;
	struct intake *it;
	char *e, *pub = NULL;
	int ch, mode = 0, quiet = 0, i, rc = 0, n;

	cli_init();
	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "a:d:hk:qr:V", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'a':
			o.archive = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'h':
			cli_usage_exit(usage_text, stdout, 0);
		case 'k':
			keypath = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'r':
			o.refused = optarg;
			break;
		case 'V':
			cli_version();
			return 0;
		case OPT_PG:
			pg = optarg;
			break;
		case OPT_REGISTER:
		case OPT_ROTATE:
		case OPT_RETIRE:
		case OPT_GAPS:
			if (mode != 0)
				usage();
			mode = ch;
			station = optarg;
			break;
		case OPT_PUBKEY:
			pubpath = optarg;
			break;
		case OPT_REGION:
			region = optarg;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_TO:
			to = optarg;
			break;
		case OPT_AT:
			at = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((db != NULL && pg != NULL) ||
	    (mode == 0 && (argc == 0 || keypath == NULL)) ||
	    (mode != 0 && argc != 0) ||
	    ((mode == OPT_REGISTER || mode == OPT_ROTATE) != (pubpath !=
	    NULL)) ||
	    (mode == OPT_ROTATE && from == NULL) ||
	    ((region != NULL || name != NULL || to != NULL) &&
	    mode != OPT_REGISTER) ||
	    (from != NULL && mode != OPT_REGISTER && mode != OPT_ROTATE) ||
	    (at != NULL && mode != OPT_RETIRE))
		usage();
	if (db == NULL && pg == NULL && (db = getenv("HCP_INTAKE_DB")) ==
	    NULL)
		db = "intake.db";
	if (pubpath != NULL)
		pub = read_key(pubpath);
	if (keypath != NULL)
		o.receipt_key = read_key(keypath);
	if ((it = intake_open(db, pg, cli_datadir(), &e)) == NULL)
		errx(2, "%s", e);

	switch (mode) {
	case OPT_REGISTER:
		if (intake_register(it, station, region, name, pub, from,
		    to) != 0)
			errx(2, "%s", intake_errstr(it));
		break;
	case OPT_ROTATE:
		if (intake_rotate(it, station, pub, from) != 0)
			errx(2, "%s", intake_errstr(it));
		break;
	case OPT_RETIRE:
		if (intake_retire(it, station, at) != 0)
			errx(2, "%s", intake_errstr(it));
		break;
	case OPT_GAPS:
		if ((n = intake_gaps(it, gap, NULL)) < 0)
			errx(2, "%s", intake_errstr(it));
		rc = n > 0;
		break;
	default:
		memset(&c, 0, sizeof(c));
		c.quiet = quiet;
		o.done = done;
		o.arg = &c;
		for (i = 0; i < argc; i++) {
			n = intake_inbox(it, argv[i], &o);
			if (n < 0)
				errx(2, "%s: %s", argv[i], intake_errstr(it));
			if (n == 1 && !quiet)
				warnx(_("%s: another hcp-intake is at work "
				    "on this inbox: left to it"), argv[i]);
		}
		if (!quiet && argc > 0)
			printf(_("%ld loaded (%lld records), %ld loaded "
			    "before, %ld refused\n"), c.loaded, c.records,
			    c.duplicate, c.refused);
		rc = c.refused > 0;
		break;
	}
	intake_close(it);
	free(pub);
	if (o.receipt_key != NULL) {
		explicit_bzero((char *)o.receipt_key,
		    strlen(o.receipt_key));
		free((char *)o.receipt_key);
	}
	return rc;
}
