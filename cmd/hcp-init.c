/* SPDX-License-Identifier: ISC */
/*
 * hcp-init: create a station db, set the station identity, load or
 * refresh the catalogue, create the station's keys.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "db.h"
#include "diag.h"
#include "i18n.h"
#include "keys.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-init [-qV] [-d db] [-c dir] [--set key=value ...]\n"
    "       hcp-init [-d db] --print-pubkey\n"
    "       hcp-init [-d db] --show\n";

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

static void
print_stats(const struct catalog_stats *st)
{
	long changes = 0;
	int i;

	for (i = 0; i < CATALOG_NTABLES; i++) {
		const struct catalog_count *c = &st->t[i];

		printf(_("%-12s %5ld rows: %ld added, %ld updated, "
		    "%ld retired\n"), c->table, c->rows, c->added,
		    c->updated, c->retired);
		changes += c->added + c->updated + c->retired;
	}
	printf(_("evaluation-detail dictionary version %s\n"),
	    st->eval_codes_version);
	if (changes == 0)
		printf("%s\n", _("catalogue unchanged"));
}

static void
show(struct db *db)
{
	const struct setting_def *t;
	size_t i, n;
	long long count;
	static const char *tables[] = { "regions", "departments", "items",
	    "windows", "staff", "eval_codes", "forms", "evaluations",
	    "batches" };

	t = settings_table(&n);
	for (i = 0; i < n; i++) {
		char *v = settings_get(db, t[i].key);

		printf("%s = %s\n", t[i].key, v != NULL ? v : _("(not set)"));
		free(v);
	}
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (db_table_rows(db, tables[i], &count) != 0)
			errx(2, "%s", db_errstr(db));
		printf("# %-12s %lld\n", tables[i], count);
	}
}

struct opts {
	const char *dbpath, *catdir;
	char **sets;
	size_t nsets;
	int quiet, pubkey, showit;
};

/* The options; exits with a usage error if arguments are left. */
static void
parse_options(int argc, char *argv[], struct opts *o)
{
	static const char shortopts[] = "c:d:hqV";
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "catalog", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "print-pubkey", no_argument, NULL, 'P' },
		{ "show", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		switch (ch) {
		case 'c':
			o->catdir = optarg;
			break;
		case 'd':
			o->dbpath = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'q':
			o->quiet = 1;
			break;
		case 's':
			if (strchr(optarg, '=') == NULL)
				errx(EXIT_USAGE, _("--set wants key=value, "
				    "not \"%s\""), optarg);
			o->sets = xreallocarray(o->sets, o->nsets + 1,
			    sizeof(*o->sets));
			o->sets[o->nsets++] = optarg;
			break;
		case 'V':
			cli_version();
			exit(0);
		case 'P':
			o->pubkey = 1;
			break;
		case 'S':
			o->showit = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (o->pubkey && o->showit) ||
	    ((o->pubkey || o->showit) && (o->catdir != NULL ||
	    o->nsets > 0)))
		usage();
}

/* Undoes the settings begun and exits 2: msg, if any, says why. */
static void
settings_fail(struct db *db, const char *msg)
{
	char *m = msg != NULL ? xstrdup(msg) : NULL;

	db_rollback(db);
	if (m != NULL)
		warnx("%s", m);
	free(m);
	warnx("%s", _("no setting was changed"));
	exit(2);
}

/*
 * station.conf of -c, then each --set, all or none; the region must be
 * set.  Every bad line of station.conf is said.  The transaction stays
 * open for the catalogue: the caller commits or undoes both.
 */
static void
apply_settings(struct db *db, const struct opts *o)
{
	struct diag_list dl = DIAG_LIST_INIT;
	char *conf, *v;
	size_t i;
	int rc = 0;

	if (db_begin(db) != 0)
		errx(2, "%s", db_errstr(db));
	if (o->catdir != NULL) {
		conf = xasprintf("%s/station.conf", o->catdir);
		if (access(conf, F_OK) == 0)
			rc = settings_load_file(db, conf, &dl);
		free(conf);
		for (i = 0; i < dl.n; i++)
			warnx("%s", dl.v[i].msg);
		diag_list_release(&dl);
		if (rc == -2)
			settings_fail(db, db_errstr(db));
		if (rc < 0)
			settings_fail(db, NULL);
	}
	for (i = 0; i < o->nsets; i++) {
		char *k = xstrdup(o->sets[i]), *eq = strchr(k, '=');

		*eq = '\0';
		rc = settings_set(db, k, eq + 1);
		free(k);
		if (rc != 0)
			settings_fail(db, db_errstr(db));
	}
	if ((v = settings_get(db, "region")) == NULL)
		settings_fail(db, _("the station's region is not set: put "
		    "\"region = 6-digit code\" in station.conf or use "
		    "--set region=CODE"));
	free(v);
}

/*
 * Loads the catalogue CSV files of catdir: 0, 1 if refused for what the
 * files say, 2 if a file could not be read or the db failed.
 */
static int
load_catalog(struct db *db, const char *catdir, int quiet)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct catalog_stats st;
	size_t i;
	int rc;

	rc = catalog_load(db, catdir, &dl, &st);
	for (i = 0; i < dl.n; i++)
		warnx("%s%s", dl.v[i].warning ? _("warning: ") : "",
		    dl.v[i].msg);
	if (rc != 0) {
		if (dl.nerrors > 0)
			warnx(_("%zu errors; nothing was loaded"),
			    dl.nerrors);
		else
			warnx("%s", db_errstr(db));
	} else if (!quiet)
		print_stats(&st);
	diag_list_release(&dl);
	catalog_stats_release(&st);
	return -rc;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	const char *dbpath;
	char *e = NULL, *v;
	int created = 0, rc;
	struct db *db;

	cli_init();
	parse_options(argc, argv, &o);
	dbpath = cli_db_path(o.dbpath);

	if (o.pubkey) {
		if ((v = keys_public_pem(dbpath, &e)) == NULL)
			errx(2, "%s", e);
		fputs(v, stdout);
		free(v);
		return 0;
	}

	db = db_new();
	if (db_open(db, dbpath, o.showit ? DB_READONLY : DB_CREATE,
	    cli_schemadir()) != 0)
		errx(2, "%s", db_errstr(db));
	if (o.showit) {
		show(db);
		db_free(db);
		return 0;
	}
	apply_settings(db, &o);
	if (o.catdir != NULL && (rc = load_catalog(db, o.catdir,
	    o.quiet)) != 0) {
		/* neither the catalogue nor station.conf */
		db_rollback(db);
		db_free(db);
		free(o.sets);
		return rc;
	}
	if (db_commit(db) != 0)
		settings_fail(db, db_errstr(db));
	if (keys_create(dbpath, &created, &e) != 0)
		errx(2, "%s", e);
	if (created && !o.quiet) {
		char *p = keys_path(dbpath, KEYS_SM2_SUFFIX);

		printf(_("created the station's signing key %s\n"), p);
		free(p);
	}
	db_free(db);
	free(o.sets);
	return 0;
}
