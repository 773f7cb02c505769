/* SPDX-License-Identifier: ISC */
/*
 * hcp-amend: correct a keying error in an imported record, with the
 * operator's name and a reason, and show the audit trail of corrections.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amend.h"
#include "cli.h"
#include "db.h"
#include "fields.h"
#include "i18n.h"
#include "record.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-amend [-q] [-d db] [-u operator] -r reason key "
    "field=value ...\n"
    "       hcp-amend [-d db] -l [key]\n";

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

/* value as shown: personal data masked, "" as "-" */
static void
shown(const char *field, const char *value, char *out, size_t outlen)
{
	int f = field_lookup(field);

	if (value == NULL || *value == '\0')
		snprintf(out, outlen, "-");
	else if (f >= 0 && fields[f].personal)
		rec_mask((enum field_id)f, value, out, outlen);
	else
		snprintf(out, outlen, "%s", value);
}

static int
list(struct db *db, const char *key)
{
	struct amend_entry *v;
	char old[4096], new[4096];
	size_t n, i;
	char *e;

	if (amend_list(db, key, &v, &n, &e) != 0)
		errx(EXIT_USAGE, "%s", e);
	for (i = 0; i < n; i++) {
		shown(v[i].field, v[i].old, old, sizeof(old));
		shown(v[i].field, v[i].new, new, sizeof(new));
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v[i].at,
		    v[i].operator, v[i].record,
		    strcmp(v[i].tbl, "corrections") == 0 ? "superseding" :
		    "in-place", v[i].field, old, new,
		    v[i].reason != NULL ? v[i].reason : "");
	}
	amend_entries_free(v, n);
	return 0;
}

static void
report(const char *key, const struct amend_result *res)
{
	char old[4096], new[4096];
	size_t i;

	for (i = 0; i < res->n; i++) {
		const char *name = fields[res->v[i].field].name;

		shown(name, res->v[i].old, old, sizeof(old));
		shown(name, res->v[i].new, new, sizeof(new));
		printf("%s: %s: %s -> %s\n", key, name, old, new);
	}
	switch (res->kind) {
	case AMEND_UNCHANGED:
		printf(_("%s: nothing to change\n"), key);
		break;
	case AMEND_UNPACKED:
		break;
	case AMEND_UNACKED:
		printf(_("%s: batch %s has no receipt: hcp-pack writes it "
		    "again\n"), key, res->batch);
		break;
	case AMEND_ACKED:
		printf(_("%s: batch %s was acknowledged: the correction "
		    "goes in the next batch as a superseding record\n"), key,
		    res->batch);
		break;
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "operator", required_argument, NULL, 'u' },
		{ "reason", required_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dbpath = NULL, *oper = NULL, *reason = NULL;
	struct amend_result res;
	struct db *db;
	size_t i;
	int ch, dolist = 0, quiet = 0, rc;
	char *e = NULL;

	cli_init();
	while ((ch = cli_getopt(argc, argv, "d:hlqr:u:V", longopts)) != -1) {
		switch (ch) {
		case 'd':
			dbpath = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, "d:hlqr:u:V", longopts);
		case 'l':
			dolist = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'u':
			oper = optarg;
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
	if (dolist ? argc > 1 || reason != NULL || oper != NULL || quiet :
	    argc < 2)
		usage();
	if (!dolist) {
		/* the reason first: checking it needs no db */
		if (reason == NULL || reason[strspn(reason, " \t")] == '\0')
			errx(EXIT_USAGE, "%s", _("say why: -r reason is "
			    "required"));
		oper = cli_operator(oper);
		if (*oper == '\0')
			errx(EXIT_USAGE, "%s", _("say who is correcting: -u "
			    "operator or HCP_OPERATOR"));
	}
	db = db_new();
	if (db_open(db, cli_db_path(dbpath), 0, cli_schemadir()) != 0)
		errx(EXIT_USAGE, "%s", db_errstr(db));
	if (dolist) {
		rc = list(db, argc > 0 ? argv[0] : NULL);
		db_free(db);
		return rc;
	}
	amend_result_init(&res);
	rc = amend_apply(db, argv[0], (size_t)(argc - 1),
	    (const char *const *)(argv + 1), oper, reason, &res, &e);
	if (rc < 0)
		errx(EXIT_USAGE, "%s", e);
	for (i = 0; i < res.pl.n; i++) {
		const struct rec_problem *p = &res.pl.v[i];

		if (rc != AMEND_REFUSED && p->severity != REC_WARNING)
			continue;
		warnx("%s: %s%s%s%s: %s", argv[0], p->column,
		    *p->column != '\0' ? ": " : "",
		    p->severity == REC_WARNING ? _("warning: ") : "",
		    rec_code_def(p->code)->name, p->msg);
	}
	if (rc == AMEND_REFUSED)
		warnx(_("%s: not corrected: the corrected record would be "
		    "rejected on import"), argv[0]);
	else if (!quiet)
		report(argv[0], &res);
	amend_result_release(&res);
	db_free(db);
	return rc == AMEND_REFUSED ? 1 : 0;
}
