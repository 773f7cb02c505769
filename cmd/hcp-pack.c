/* SPDX-License-Identifier: ISC */
/*
 * hcp-pack: pack the records not yet sent into signed batches, rebuild
 * a batch for re-sending, write one again (repack), list batches, record
 * receipts, check refusals.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "db.h"
#include "fileio.h"
#include "i18n.h"
#include "keys.h"
#include "num.h"
#include "pack.h"
#include "receipt.h"
#include "xalloc.h"
#include "banned.h"

#define RECEIVER_SUFFIX ".receiver.pem"

static const char usage_text[] =
    "usage: hcp-pack [-qV] [-d db] [-M max] [-o dir]\n"
    "       hcp-pack [-q] [-d db] [-o dir] --rebuild seq\n"
    "       hcp-pack [-q] [-d db] [-o dir] --repack seq\n"
    "       hcp-pack [-d db] [-p] -l\n"
    "       hcp-pack [-q] [-d db] [-k pubkey] --ack receipt ...\n"
    "       hcp-pack [-q] [-d db] [-k pubkey] --refusal refusal ...\n";

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

/* Prints the path of a batch written; *arg counts them. */
static void
print_path(void *arg, const char *path)
{
	++*(long *)arg;
	printf("%s\n", path);
	fflush(stdout);
}

static char *
read_text(const char *path, size_t *len)
{
	char *buf;

	if (fileio_read(path, 1024 * 1024, &buf, len) != 0) {
		if (errno == EFBIG)
			errx(2, _("%s: too large for a receipt"), path);
		err(2, "%s", path);
	}
	return buf;
}

/* Reasons, a line each, indented. */
static void
print_reasons(const char *reasons)
{
	const char *p, *nl;

	for (p = reasons; *p != '\0'; p = nl) {
		nl = p + strcspn(p, "\n");
		printf("  %.*s\n", (int)(nl - p), p);
		nl += *nl != '\0';
	}
}

/* The columns of -l. */
static const struct cli_col list_cols[] = {
	{ N_("seq"), 6, 1 }, { N_("batch"), 19, 0 }, { N_("state"), 12, 0 },
	{ N_("records"), 8, 1 }, { N_("part"), 5, 0 }, { N_("made"), 19, 0 },
	{ N_("acknowledged"), 0, 0 },
};
#define NLIST_COLS (sizeof(list_cols) / sizeof(list_cols[0]))

static int
list(struct db *db, int pending)
{
	struct pack_batch *v;
	size_t n, i, open = 0;
	char seq[24], records[24], part[24], *e;
	const char *cell[NLIST_COLS];

	if (pack_list(db, &v, &n, &e) != 0)
		errx(2, "%s", e);
	for (i = 0; i < n; i++) {
		int acked = strcmp(v[i].state, "acknowledged") == 0;

		if (!acked)
			open++;
		if (pending) {
			if (!acked)
				printf("%s.tar.gz\n", v[i].name);
			continue;
		}
		if (i == 0)
			cli_list_line(list_cols, NLIST_COLS, NULL);
		snprintf(seq, sizeof(seq), "%lld", v[i].seq);
		snprintf(records, sizeof(records), "%lld", v[i].records);
		snprintf(part, sizeof(part), "%d/%d", v[i].part, v[i].parts);
		cell[0] = seq;
		cell[1] = v[i].name;
		cell[2] = !acked && v[i].refused_at != NULL ? "refused" :
		    v[i].state;
		cell[3] = records;
		cell[4] = part;
		cell[5] = v[i].created_at;
		cell[6] = acked ? v[i].acked_at : "-";
		cli_list_line(list_cols, NLIST_COLS, cell);
	}
	for (i = 0; !pending && i < n; i++) {
		if (strcmp(v[i].state, "acknowledged") == 0 ||
		    v[i].refused_at == NULL)
			continue;
		printf(_("batch %lld (%s) was refused by the receiving side "
		    "on %s:\n"), v[i].seq, v[i].name, v[i].refused_at);
		print_reasons(v[i].refused_why != NULL ? v[i].refused_why : "");
	}
	if (!pending && open > 0)
		printf(_("%zu batches not acknowledged yet: send them again "
		    "(hcp-pack -p -l lists them)\n"), open);
	pack_batches_free(v, n);
	return 0;
}

struct opts {
	const char *dbpath, *outdir, *pubpath;
	long long max, rebuild, repack;
	int quiet, dolist, pending, ack, refusal, o_given;
};

/* The options; returns how many arguments they took. */
static int
parse_options(int argc, char *argv[], struct opts *o)
{
	static const char shortopts[] = "d:hk:lM:o:pqV";
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "max-records", required_argument, NULL, 'M' },
		{ "rebuild", required_argument, NULL, 'R' },
		{ "repack", required_argument, NULL, 'P' },
		{ "list", no_argument, NULL, 'l' },
		{ "pending", no_argument, NULL, 'p' },
		{ "ack", no_argument, NULL, 'A' },
		{ "refusal", no_argument, NULL, 'F' },
		{ "pubkey", required_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *es;
	int ch;

	memset(o, 0, sizeof(*o));
	o->outdir = ".";
	while ((ch = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		switch (ch) {
		case 'd':
			o->dbpath = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'k':
			o->pubpath = optarg;
			break;
		case 'l':
			o->dolist = 1;
			break;
		case 'M':
			if (num_parse(optarg, 1, 1000000000LL, &o->max,
			    &es) != 0)
				errx(EXIT_USAGE, _("--max-records %s: %s"),
				    optarg, _(es));
			break;
		case 'o':
			o->outdir = optarg;
			o->o_given = 1;
			break;
		case 'p':
			o->pending = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'R':
			if (num_parse(optarg, 1, 999999999LL, &o->rebuild,
			    &es) != 0)
				errx(EXIT_USAGE, _("--rebuild %s: %s"),
				    optarg, _(es));
			break;
		case 'P':
			if (num_parse(optarg, 1, 999999999LL, &o->repack,
			    &es) != 0)
				errx(EXIT_USAGE, _("--repack %s: %s"),
				    optarg, _(es));
			break;
		case 'A':
			o->ack = 1;
			break;
		case 'F':
			o->refusal = 1;
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

/*
 * --ack receipt ...: records each receipt; 1 if one was refused.
 * --refusal refusal ...: checks each refusal and says why its batch was
 * refused; 1 if one is not a good refusal of its batch as written.
 */
static int
ack(struct db *db, const char *dbpath, const char *pubpath, char *argv[],
    int argc, int refusal, int quiet)
{
	struct receipt r;
	char *pub, *keypath = NULL, *text, *e = NULL;
	long long seq;
	size_t len;
	int i, rc = 0, k;

	if (pubpath == NULL) {
		pubpath = keypath = keys_path(dbpath, RECEIVER_SUFFIX);
		if (access(pubpath, F_OK) != 0 && errno == ENOENT)
			errx(2, _("%s: no receiving side's public key here, "
			    "which the receipts are checked with: put it there "
			    "or give it with -k"), pubpath);
	}
	pub = read_text(pubpath, &len);
	free(keypath);
	for (i = 0; i < argc; i++) {
		text = read_text(argv[i], &len);
		k = refusal ? pack_refusal(db, text, len, pub, &seq, &r, &e) :
		    pack_ack(db, text, len, pub, &seq, &e);
		if (k != 0) {
			warnx("%s: %s", argv[i], e);
			free(e);
			rc = 1;
		} else if (refusal) {
			if (!quiet)
				printf(_("%s: batch %lld (%s) was refused by "
				    "the receiving side on %s:\n"), argv[i],
				    seq, r.batch, r.received);
			if (!quiet)
				print_reasons(r.reasons);
			receipt_release(&r);
		} else if (!quiet)
			printf(_("%s: batch %lld acknowledged\n"), argv[i],
			    seq);
		free(text);
	}
	free(pub);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	const char *dbpath;
	char *e = NULL;
	struct db *db;
	int rc = 0, n;

	cli_init();
	n = parse_options(argc, argv, &o);
	argc -= n;
	argv += n;
	if (o.dolist + o.ack + o.refusal + (o.rebuild > 0) + (o.repack > 0) >
	    1)
		usage();
	o.ack |= o.refusal;	/* from here on, the same as --ack */
	if ((o.pending && !o.dolist) ||
	    (o.pubpath != NULL && !o.ack) || (o.ack && argc == 0) ||
	    (!o.ack && argc > 0) || ((o.dolist || o.ack) &&
	    (o.o_given || o.max)) || ((o.rebuild > 0 || o.repack > 0) &&
	    o.max))
		usage();
	dbpath = cli_db_path(o.dbpath);

	db = db_new();
	if (db_open(db, dbpath, 0, cli_schemadir()) != 0)
		errx(2, "%s", db_errstr(db));
	/*
	 * Nothing is signed from a damaged db.  SQLite's quick_check of
	 * every table but the records (settings, catalogue, batches, ...)
	 * takes milliseconds; of the whole file, about 1 s a million
	 * records, a quarter to a third of packing them (hcp-pack(1)).
	 * The record pages a batch holds are checked by SQLite as it reads
	 * them.
	 */
	if (!o.dolist && !o.ack && db_quick_check(db, "evaluations") != 0)
		errx(2, "%s", db_errstr(db));
	if (o.dolist) {
		rc = list(db, o.pending);
	} else if (o.ack) {
		rc = ack(db, dbpath, o.pubpath, argv, argc, o.refusal,
		    o.quiet);
	} else {
		pack_written_fn fn = o.quiet ? NULL : print_path;
		long written = 0;

		if (o.repack > 0)
			n = pack_repack(db, dbpath, o.repack, o.outdir, fn,
			    &written, &e);
		else if (o.rebuild > 0)
			n = pack_rebuild(db, dbpath, o.rebuild, o.outdir, fn,
			    &written, &e);
		else
			n = pack_run(db, dbpath, o.outdir, o.max, fn,
			    &written, &e);
		/* 1: a batch refused for what it is; -1: an error */
		if (n != 0)
			errx(n < 0 ? 2 : 1, "%s", e);
		if (!o.quiet && written == 0)
			warnx(_("nothing to pack: every record is in a batch, "
			    "every batch file in %s"), o.outdir);
	}
	db_free(db);
	return rc;
}
