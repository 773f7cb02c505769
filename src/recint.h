/* SPDX-License-Identifier: ISC */
/*
 * Inside the record modules (record.h is their interface): the types and
 * helpers record.c (normalise, field and cross-field checks, row hash),
 * recctx.c (the rules: settings, catalogue sets, ledger runs), recmap.c
 * (the header map), dates.c, reckeys.c (keys against the input and the
 * db), problems.c (codes and problem lists) and mask.c share.  No other
 * file includes it.
 *
 * A context is three parts with three owners:
 *   struct rec_rules    shared and read-only while rows are checked:
 *                       built by rec_ctx_new(), the rec_ctx_set_*()
 *                       calls, rec_ctx_load() and rec_ctx_use_codes()
 *                       before any row, then read by every thread;
 *   struct rec_scratch  the thread that calls rec_check();
 *   struct rec_keyside  the thread that calls rec_check_keys(), which
 *                       owns the db connection and its statements.
 */
#ifndef HCP_RECINT_H
#define HCP_RECINT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "crypto.h"
#include "fields.h"
#include "record.h"
#include "strbuf.h"

/* ---- catalogue sets (recctx.c) ------------------------------------------ */

struct sentry {
	char *key;
	size_t klen;
	char *aux;		/* items: dept code */
	int ival;		/* eval codes: grade */
	int retired;
};

struct strset {
	struct sentry *v;
	size_t mask, n;
};

/* The entry of key (n bytes), or NULL. */
struct sentry *rec_set_find(const struct strset *s, const char *key,
    size_t n);
/* The offset basis of FNV-1a. */
#define REC_FNV0 14695981039346656037ULL
/* A 64-bit hash of n bytes, only compared within one run. */
uint64_t rec_hash64(const void *p, size_t n);

/*
 * Forms issued together: serials whose first 15 digits (region, issuer,
 * sequence) run from first to last, issued at one time for one window
 * (or none).  One hcp-form run makes one, so a station has few.
 */
struct form_run {
	uint64_t first, last;
	long long issued;	/* local wall clock as if UTC, seconds */
	char issued_at[20];	/* as the ledger has it */
	char *window;		/* printed on the forms, or NULL */
};

/* ---- the context -------------------------------------------------------- */

struct rec_rules {
	enum rec_coding coding;
	int paper_channel;
	int supplement_days;
	time_t now;
	long long now_local;	/* seconds, local wall clock as if UTC */
	int legacy;		/* 00:00:00 is a date alone (0.1.0 batches) */
	int row_hash;		/* rec_check() fills r->hash */
	int loaded;		/* the catalogue below is there */
	char *codes_version;
	char *region;		/* the station's, "" if unknown */
	struct strset regions, depts, items, windows, staff, evcodes;
	struct strset item_names;	/* unique item name -> code */
	struct form_run *runs;	/* the ledger's issues, by serial */
	size_t nruns;
};

struct rec_scratch {
	struct digest *dg;	/* the row hash */
	struct strbuf tmp, tmp2;	/* a value; the detail codes */
	char last_dept[32];	/* the last department code checked */
	int last_dept_rc;	/* and ids_uscc_check() of it */
};

struct sqlite3_stmt;

struct rec_keyside {
	struct db *db;		/* NULL unless loaded */
	struct digest *dg;	/* a row hash rec_check() did not make */
	struct sqlite3_stmt *st_form, *st_by_serial, *st_by_project;
	struct sqlite3_stmt *st_amended; /* a row hash a correction replaced */
	long long import_id;
	long long self_id;	/* a record whose keys are no conflict */
};

struct rec_ctx {
	struct rec_rules rules;
	struct rec_scratch check;
	struct rec_keyside keys;
};

/*
 * Appends the value at s as the validator normalises a code (folded,
 * trimmed) to out: how an item's name is compared with what was keyed.
 */
void rec_normalise_code(const char *s, size_t len, struct strbuf *out);

/* The run that issued a 16-digit serial, or NULL. */
const struct form_run *rec_find_run(const struct rec_rules *rules,
    const char *serial);

/* ---- the header map (recmap.c) ------------------------------------------ */

struct rec_map {
	char **names;		/* as in the file, trimmed */
	int *field;		/* per column: field id, -1 ignored */
	size_t ncols;
	int col[F_NFIELDS];
	char **ignore;
	size_t nignore;
};

/* Skips blanks, a BOM, U+3000 and U+00A0 at s; returns the first other. */
const char *rec_skip_blanks(const char *s);
/* Length of s without trailing blanks (as rec_skip_blanks()). */
size_t rec_trim_len(const char *s, size_t n);

/* ---- dates (dates.c) ---------------------------------------------------- */

struct when {
	long long secs;		/* local wall clock as if UTC */
	long long day;		/* days since 1970-01-01 */
	int has_time;
};

/*
 * Parses the forms of DESIGN §8; writes "YYYY-MM-DD HH:MM:SS", or
 * "YYYY-MM-DD" when only a date was given, to out.  With legacy, a time
 * of exactly 00:00:00 is a date alone.  Returns 0 or -1.
 */
int rec_parse_when(const char *s, int legacy, struct when *w, char out[64]);
/*
 * Orders two times: to the second when both have a time of day, else by
 * day (a date alone is the whole day).  hcp-csv(5), DATES.
 */
int rec_when_cmp(const struct when *a, const struct when *b);

/* ---- the rest ----------------------------------------------------------- */

/* Whether messages are Chinese (settled on the first call). */
int rec_chinese_messages(void);
/*
 * detail with every run of digits that looks like a certificate or
 * mobile number masked; malloc'd (mask.c).
 */
char *rec_mask_detail(const char *detail);
/* The hex row hash of r (record.h) to out (record.c). */
void rec_row_hash(struct digest *dg, const struct rec *r,
    char out[REC_HASH_LEN + 1]);

#endif
