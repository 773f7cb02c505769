/* SPDX-License-Identifier: ISC */
/*
 * Station settings: the table of keys, defaults and checks (settings.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "diag.h"
#include "i18n.h"
#include "ids.h"
#include "num.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char *
check_region(const char *v)
{
	return ids_region_check(v) == IDS_OK ? NULL :
	    N_("must be a 6-digit administrative division code (GB/T 2260)");
}

static const char *
check_issuer(const char *v)
{
	return strlen(v) == 2 && isdigit((unsigned char)v[0]) &&
	    isdigit((unsigned char)v[1]) ? NULL :
	    N_("must be two digits, 00 to 99");
}

static const char *
check_range(const char *v, long long lo, long long hi)
{
	long long n;

	return num_parse(v, lo, hi, &n, NULL) == 0 ? NULL : "";
}

static const char *
check_channel(const char *v)
{
	return check_range(v, 1, 7) == NULL ? NULL :
	    N_("must be an evaluation channel code 1 to 7");
}

static const char *
check_days(const char *v)
{
	return check_range(v, 0, 366) == NULL ? NULL :
	    N_("must be a number of days, 0 to 366");
}

/* Text printed on forms and sheets and written into bag-info.txt. */
static const char *
check_text(const char *v)
{
	if (strlen(v) > 400)
		return N_("is longer than 400 bytes");
	if (!str_is_visible(v))
		return N_("must be one line of text, without control "
		    "characters");
	return NULL;
}

static const char *
check_url(const char *v)
{
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return N_("must be an http:// or https:// URL template");
	return check_text(v);
}

static const char *
check_coding(const char *v)
{
	return strcmp(v, "interface") == 0 || strcmp(v, "gbt39046") == 0 ?
	    NULL : N_("must be interface (5 = very satisfied) or gbt39046 "
	    "(1 = very satisfied)");
}

static const char *
check_count(const char *v)
{
	return check_range(v, 0, 1000000) == NULL ? NULL :
	    N_("must be a number, 0 to 1000000");
}

static const char *
check_bool(const char *v)
{
	return strcmp(v, "0") == 0 || strcmp(v, "1") == 0 ? NULL :
	    N_("must be 0 or 1");
}

static const struct setting_def table[] = {
	{ "region", NULL,
	  N_("station's administrative division code (6 digits)"),
	  check_region },
	{ "issuer", "01",
	  N_("issuer number of this station in its region (2 digits)"),
	  check_issuer },
	{ "name", "", N_("station name, printed on forms and QR sheets"),
	  check_text },
	{ "hall", "", N_("service hall name, printed on forms and QR sheets"),
	  check_text },
	{ "paper_channel", "5",
	  N_("evaluation channel code (pf) given to paper forms"),
	  check_channel },
	{ "supplement_days", "7",
	  N_("days after the service within which an evaluation is accepted"),
	  check_days },
	{ "revisit_days", "1",
	  N_("days within which a bad review gets a return visit"),
	  check_days },
	{ "rectify_workdays", "15",
	  N_("working days within which a bad review is rectified"),
	  check_days },
	{ "qr_url", "https://example.invalid/hcp?area={area}&dept={dept}"
	  "&win={window}&staff={staff}&item={item}",
	  N_("window QR URL template; placeholders {area} {dept} {window} "
	  "{staff} {item}"), check_url },
	{ "satisfaction_coding", "interface",
	  N_("default satisfaction coding of keyed files"), check_coding },
	{ "report_public_min", "10",
	  N_("hcp-report --public withholds groups with fewer evaluations"),
	  check_count },
	{ "report_public_staff", "0",
	  N_("1: hcp-report --public may show staff (names and figures)"),
	  check_bool },
	{ "report_rank_min", "30",
	  N_("hcp-report ranks only groups with at least this many "
	  "evaluations"), check_count },
	{ "report_flag_run", "20",
	  N_("hcp-report --flags: evaluations of one window in a day or a "
	  "file, all grade 5, that raise a flag"), check_count },
	{ "report_flag_operator_gap", "20",
	  N_("hcp-report --flags: percentage points by which an operator's "
	  "share of grade 5 exceeds the others'"), check_count },
	{ "report_flag_same_time", "5",
	  N_("hcp-report --flags: evaluations of one window with the same "
	  "time to the second"), check_count },
	{ "report_flag_serial_run", "20",
	  N_("hcp-report --flags: forms keyed in the order of issue in one "
	  "file"), check_count },
	{ "report_flag_bad_stop", "5",
	  N_("hcp-report --flags: bad reviews expected after a window's "
	  "last one"), check_count },
	{ "report_flag_repeat", "3",
	  N_("hcp-report --flags: bad reviews of one staff member in the "
	  "period"), check_count },
	{ "eval_codes_version", "",
	  N_("version of the evaluation-detail dictionary in force "
	  "(set by loading eval_codes.csv)"), check_text },
};

const struct setting_def *
settings_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct setting_def *
settings_find(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].key, key) == 0)
			return &table[i];
	return NULL;
}

/* Returns 1 if changed, 0 if the same, -1 on error. */
static int
set_one(struct db *db, const char *key, const char *value)
{
	const struct setting_def *d = settings_find(key);
	const char *why;
	sqlite3_stmt *st;
	int rc, changed;

	if (d == NULL)
		return db_seterr(db, _("unknown setting \"%s\""), key);
	if ((why = d->check(value)) != NULL) {
		char *shown = str_visible(value);

		db_seterr(db, _("setting %s = \"%s\" %s"), key, shown, _(why));
		free(shown);
		return -1;
	}
	if (db_prepare(db, &st, "INSERT INTO settings (key, value) "
	    "VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2 "
	    "WHERE value IS NOT ?2") != 0)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	/* The statement's own handle: the db's raw one is db.c's. */
	changed = rc == SQLITE_DONE &&
	    sqlite3_changes(sqlite3_db_handle(st)) > 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, _("cannot store setting"));
	return changed;
}

int
settings_set(struct db *db, const char *key, const char *value)
{
	return set_one(db, key, value) < 0 ? -1 : 0;
}

char *
settings_get(struct db *db, const char *key)
{
	const struct setting_def *d = settings_find(key);
	sqlite3_stmt *st;
	char *v = NULL;
	int rc;

	if (db_prepare(db, &st, "SELECT value FROM settings WHERE key = ?1")
	    != 0)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_sqlerr(db, _("cannot read settings"));
		return NULL;
	}
	if (v == NULL && d != NULL && d->def != NULL)
		v = xstrdup(d->def);
	if (v == NULL)
		db_seterr(db, _("%s: the station setting \"%s\" is not set "
		    "(hcp-init --set %s=...)"), db_path(db), key, key);
	return v;
}

int
settings_get_int(struct db *db, const char *key, long long *out)
{
	const char *e;
	char *v;
	int rc;

	if ((v = settings_get(db, key)) == NULL)
		return -1;
	rc = num_parse(v, -1000000000LL, 1000000000LL, out, &e);
	if (rc != 0)
		db_seterr(db, _("setting %s = \"%s\" is not a number"), key,
		    v);
	free(v);
	return rc;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int
settings_load_file(struct db *db, const char *path, struct diag_list *dl)
{
	char *line = NULL, *k, *v, *eq;
	size_t cap = 0;
	long lineno = 0;
	int changed = 0, bad = 0, rc;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		db_seterr(db, "%s: %s", path, strerror(errno));
		return -2;
	}
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		k = line;
		if (lineno == 1 && strncmp(k, "\xef\xbb\xbf", 3) == 0)
			k += 3;
		k = trim(k);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			diag_add(dl, 0, _("%s:%ld: expected \"key = value\""),
			    path, lineno);
			bad = 1;
			continue;
		}
		*eq = '\0';
		v = trim(eq + 1);
		k = trim(k);
		if ((rc = set_one(db, k, v)) < 0) {
			/* "# ..." after a value is part of it */
			int hash = strstr(v, " #") != NULL ||
			    strstr(v, "\t#") != NULL;

			diag_add(dl, 0, "%s:%ld: %s%s", path, lineno,
			    db_errstr(db), hash ? _(" (a comment goes on a "
			    "line of its own, starting with #)") : "");
			bad = 1;
			continue;
		}
		changed += rc;
	}
	free(line);
	fclose(fp);
	return bad ? -1 : changed;
}
