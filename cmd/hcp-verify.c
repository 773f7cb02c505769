/* SPDX-License-Identifier: ISC */
/*
 * hcp-verify: check batches as the receiving side does (predicate), and
 * issue signed receipts for the good ones.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "crypto.h"
#include "db.h"
#include "i18n.h"
#include "keys.h"
#include "outfile.h"
#include "receipt.h"
#include "record.h"
#include "strbuf.h"
#include "verify.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-verify [-qV] [-d db] [-k pubkey] batch ...\n"
    "       hcp-verify [-q] [-d db] [-k pubkey] --receipt key [-o file] "
    "batch ...\n";

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

/*
 * The index of an earlier argument that is the same batch as res[i] (the
 * same bytes), or -1.  Such a batch is reported once: its records would
 * otherwise all be "given twice", in the wrong batch.
 */
static int
same_as_earlier(const struct verify_result *res, int i)
{
	int j;

	for (j = 0; j < i; j++)
		if (strcmp(res[j].sha256, res[i].sha256) == 0)
			return j;
	return -1;
}

static char *
receipt_path(const char *batch, const char *suffix)
{
	size_t n = strlen(batch);

	if (n > 7 && strcmp(batch + n - 7, ".tar.gz") == 0)
		n -= 7;
	return xasprintf("%.*s%s", (int)n, batch, suffix);
}

/*
 * The receipt of a batch that passed, or (reasons not NULL) the refusal
 * of one that did not, beside it as STEM.refused (receipt_refusal()).
 */
static void
write_receipt(const struct verify_result *res, const struct sm2_key *key,
    const char *out, const char *reasons)
{
	struct receipt r;
	char when[CLOCK_BUFLEN], *text, *e, *path;
	struct outfile *of;
	int k;

	if (reasons != NULL) {
		if ((k = receipt_refusal(res->path, res->sha256, reasons, key,
		    &text, &e)) < 0)
			errx(2, "%s", e);
		if (k > 0)
			return;
	} else {
		clock_format(clock_now(), when);
		memset(&r, 0, sizeof(r));
		r.batch = res->name;
		memcpy(r.sha256, res->sha256, sizeof(r.sha256));
		r.records = res->records;
		r.received = when;
		if (receipt_make(&r, key, &text, &e) != 0)
			errx(2, "%s", e);
	}
	path = reasons != NULL ? receipt_path(res->path, ".refused") :
	    out != NULL ? xstrdup(out) : receipt_path(res->path, ".receipt");
	/* A receipt that cannot be written is an error (2), not a verdict. */
	if (strcmp(path, "-") == 0) {
		if (fputs(text, stdout) == EOF || fflush(stdout) != 0)
			err(2, "%s", _("standard output"));
	} else {
		/* written safely and 0600, like every file hcp writes */
		if ((of = outfile_open(path, OUTFILE_PRIVATE, &e)) == NULL)
			errx(2, "%s", e);
		if (fputs(text, outfile_fp(of)) == EOF) {
			outfile_abort(of);
			err(2, "%s", path);
		}
		if (outfile_commit(of, &e) != 0)
			errx(2, "%s", e);
	}
	free(path);
	free(text);
	/* a refusal beside it, of bytes sent before, is over */
	if (reasons == NULL && out == NULL) {
		path = receipt_path(res->path, ".refused");
		if (unlink(path) != 0 && errno != ENOENT)
			err(2, "%s", path);
		free(path);
	}
}

/* The refusal of a batch that did not pass: why, as hcp-intake says it. */
static void
refusal(const struct verify_result *res, const struct sm2_key *key)
{
	struct strbuf why = STRBUF_INIT;

	verify_problems_text(res, &why);
	if (why.len > 0)
		write_receipt(res, key, NULL, why.buf);
	strbuf_release(&why);
}

struct opts {
	const char *dbopt, *pubpath, *keypath, *out;
	int quiet;
};

/* The options; returns how many arguments they took. */
static int
parse_options(int argc, char *argv[], struct opts *o)
{
	static const char shortopts[] = "d:hk:o:qV";
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "pubkey", required_argument, NULL, 'k' },
		{ "receipt", required_argument, NULL, 'R' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		switch (ch) {
		case 'd':
			o->dbopt = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'k':
			o->pubpath = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'R':
			o->keypath = optarg;
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
 * The verdicts of the batches of argv, verified into res, and a receipt
 * for each good one when key is given: 0, or 1 if one is bad.
 */
static int
verdicts(struct verify_result *res, char *argv[], int argc,
    const struct opts *op, const struct sm2_key *key)
{
	struct diag_list seqd = DIAG_LIST_INIT;
	int i, j, bad = 0;
	size_t k;

	for (i = 0; i < argc; i++)
		if ((j = same_as_earlier(res, i)) >= 0) {
			/* not compared with itself in verify_sequence */
			free(res[i].station);
			res[i].station = NULL;
		}
	verify_sequence(res, (size_t)argc, &seqd);
	for (i = 0; i < argc; i++) {
		if ((j = same_as_earlier(res, i)) >= 0) {
			warnx(_("warning: %s: the same batch as %s, given "
			    "twice: checked once"), argv[i], argv[j]);
			continue;
		}
		for (k = 0; k < res[i].problems.n; k++)
			warnx("%s: %s%s", argv[i], res[i].problems.v[k].warning
			    ? _("warning: ") : "", res[i].problems.v[k].msg);
		if (res[i].hidden > 0)
			warnx(_("%s: %zu more problems not shown"), argv[i],
			    res[i].hidden);
		if (!verify_ok(&res[i])) {
			bad = 1;
			warnx(_("%s: BAD: do not accept this batch"),
			    argv[i]);
			if (key != NULL && op->out == NULL)
				refusal(&res[i], key);
			continue;
		}
		if (!op->quiet)
			printf(_("%s: OK: batch %s, %lld records\n"), argv[i],
			    res[i].name, res[i].records);
		if (key != NULL)
			write_receipt(&res[i], key, op->out, NULL);
	}
	for (k = 0; k < seqd.n; k++)
		warnx("%s%s", seqd.v[k].warning ? _("warning: ") : "",
		    seqd.v[k].msg);
	diag_list_release(&seqd);
	return bad;
}

int
main(int argc, char *argv[])
{
	struct verify_result *res;
	struct verify_opts o;
	struct opts op;
	struct db *db = NULL;
	struct sm2_key *sk = NULL;
	char *pub, *key = NULL, *e;
	int i, bad = 0;

	cli_init();
	i = parse_options(argc, argv, &op);
	argc -= i;
	argv += i;
	if (argc == 0 || (op.out != NULL && (op.keypath == NULL ||
	    argc > 1)))
		usage();

	if (op.pubpath != NULL)
		pub = cli_read_key(op.pubpath);
	else if ((pub = keys_public_pem(cli_db_path(op.dbopt), &e)) == NULL)
		errx(2, _("%s; give the station's public key with "
		    "--pubkey"), e);
	if (op.keypath != NULL)
		key = cli_read_key(op.keypath);
	/*
	 * A key that cannot check anything makes every verdict
	 * meaningless: it is refused up front, before any batch is read.
	 */
	cli_check_keys(op.pubpath != NULL ? op.pubpath : cli_db_path(op.dbopt),
	    pub, op.keypath, key);

	memset(&o, 0, sizeof(o));
	o.pub_pem = pub;
	o.ctx = rec_ctx_new();
	o.keys = rec_ctx_new();
	o.seen = rec_seen_new();
	if (op.dbopt != NULL) {
		db = db_new();
		if (db_open(db, op.dbopt, DB_READONLY, cli_schemadir()) != 0 ||
		    rec_ctx_load(o.ctx, db) != 0) {
			warnx("%s", db_errstr(db));
			db_free(db);
			exit(2);
		}
	}

	res = xcalloc((size_t)argc, sizeof(*res));
	for (i = 0; i < argc; i++) {
		if (verify_batch(argv[i], &o, &res[i], &e) != 0) {
			/* an error, not a verdict: say it, free, exit 2 */
			warnx("%s", e);
			free(e);
			bad = 2;
			break;
		}
	}
	if (bad == 0) {
		/* read once, signs every receipt (cli_check_keys() read it) */
		if (key != NULL && (sk = crypto_sm2_private(key, &e)) == NULL)
			errx(2, _("%s: not a usable SM2 private key: %s"),
			    op.keypath, e);
		bad = verdicts(res, argv, argc, &op, sk);
		crypto_sm2_key_free(sk);
	}
	for (i = 0; i < argc; i++)
		verify_result_release(&res[i]);
	free(res);
	rec_seen_free(o.seen);
	rec_ctx_free(o.ctx);
	rec_ctx_free(o.keys);
	db_free(db);
	free(pub);
	if (key != NULL) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
	return bad;
}
