/* SPDX-License-Identifier: ISC */
/*
 * Station settings (DESIGN §6.1): identity, the paper channel code, the
 * time limits and the window-QR URL template.  They live in the settings
 * table; every key has a documented default and a check, and no other
 * module hard-codes these values.
 *
 * Errors are recorded on the db (db_errstr()).  Returned strings are
 * malloc'd and owned by the caller.
 */
#ifndef HCP_SETTINGS_H
#define HCP_SETTINGS_H

#include <stddef.h>

struct db;

struct setting_def {
	const char *key;
	const char *def;	/* default, NULL: must be set */
	const char *doc;	/* English, one line */
	/* NULL if value is acceptable, else an English reason */
	const char *(*check)(const char *value);
};

/* The table of known settings, in documentation order. */
const struct setting_def *settings_table(size_t *n);
const struct setting_def *settings_find(const char *key);

/* Checks and stores one setting.  Unknown keys are an error. */
int settings_set(struct db *db, const char *key, const char *value);
/* The value, or the default; NULL (with error) if neither exists. */
char *settings_get(struct db *db, const char *key);
int settings_get_int(struct db *db, const char *key, long long *out);

struct diag_list;
/*
 * Reads "key = value" lines ('#' comments, blank lines) from path and
 * sets each.  Every bad line goes to dl, naming path:line.  Returns the
 * number of settings changed, or -1 if a line was bad (the good ones
 * are set all the same: the caller's transaction undoes them), or -2
 * if the file could not be read or the db failed (db_errstr()).
 */
int settings_load_file(struct db *db, const char *path,
    struct diag_list *dl);

#endif
