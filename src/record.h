/* SPDX-License-Identifier: ISC */
/*
 * One evaluation record (DESIGN §6.1, §8): the header mapping, the
 * normaliser, the validator and the table of stable problem codes that
 * every tool shares (hcp-check, hcp-import, hcp-scan output, hcp-verify).
 * The code table is documented in hcp-csv(5); what each field accepts is
 * the field table of fields.h.  The implementation is spread over
 * record.c, recctx.c, recmap.c, reckeys.c, dates.c, problems.c and
 * mask.c (recint.h says which holds what).
 *
 * Use:
 *
 *	ctx = rec_ctx_new();
 *	rec_ctx_load(ctx, db);		optional: settings, catalogue, ledger
 *	map = rec_map_new();
 *	rec_map_ignore(map, "src_file");	extra columns the caller knows
 *	rec_map_header(map, ncols, names, 1, 0, &pl);
 *	for each data row:
 *		if (rec_check(ctx, map, ncols, cells, NULL, line, &r,
 *		    &pl) == 0)
 *			rec_check_keys(ctx, &r, seen, &pl);
 *
 * Without rec_ctx_load() only format-level checks run (formats, codes,
 * dates, identifiers, the bad-review rule, lengths); with it the
 * catalogue references are checked too (from in-memory sets loaded once)
 * and rec_check_keys() consults the serial ledger and the evaluations
 * already in the db.
 *
 * Threads: a context holds three parts (recint.h): the rules (settings,
 * catalogue, ledger), set up by rec_ctx_new(), rec_ctx_set_*(),
 * rec_ctx_load() and rec_ctx_use_codes() before rows are checked and only
 * read afterwards; the scratch of rec_check(), which one thread at a time
 * may call; and the db statements of rec_check_keys(), which one other
 * thread (the one that owns the db connection) may call at the same time.
 *
 * Memory: struct rec owns its normalised values (reused row after row,
 * no allocation per row once warm).  struct rec_problems owns its
 * messages; the column names in problems point into the rec_map and stay
 * valid while it lives.  Errors of the db are returned as -1 with the
 * message on the db (db_errstr()).  Nothing here prints or exits.
 */
#ifndef HCP_RECORD_H
#define HCP_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "fields.h"
#include "strbuf.h"

struct db;

enum rec_severity {
	REC_ERROR = 0,		/* the row is rejected */
	REC_WARNING,		/* the row is accepted; the problem is shown */
	REC_DUPLICATE		/* the row is already in the db: skipped */
};

/*
 * Stable problem codes.  The names ("E_SERIAL_CHECK") never change
 * meaning; new codes are added at the end.  E_ errors reject the row, W_
 * warnings do not, D_DUPLICATE marks a row already imported.
 */
enum rec_code {
	REC_OK = 0,
	/* the header (line 1) */
	E_HEADER_UNKNOWN,	/* a column names no field */
	E_HEADER_DUPLICATE,	/* two columns name the same field */
	E_HEADER_MISSING,	/* a required field has no column */
	/* the row as a whole */
	E_EXTRA_CELLS,		/* more non-empty cells than header columns */
	E_NO_KEY,		/* neither a serial nor a project number */
	/* any field */
	E_REQUIRED,		/* a required field is empty */
	E_TOO_LONG,		/* longer than the field allows */
	E_NUMBER_MANGLED,	/* 3.30523E+15: a spreadsheet ate the digits */
	/* serial and the ledger */
	E_SERIAL_FORMAT,
	E_SERIAL_CHECK,		/* Damm check digit wrong: mistyped */
	E_SERIAL_MISSING,	/* paper channel without a serial */
	E_SERIAL_UNKNOWN,	/* never issued by this station */
	E_SERIAL_VOIDED,
	E_SERIAL_USED,		/* used by another, different evaluation */
	E_DUPLICATE_PROJECT,	/* project_no + assess_number taken */
	/* catalogue references */
	E_ITEM_UNKNOWN,
	E_DEPT_FORMAT,
	E_DEPT_UNKNOWN,
	E_AREA_FORMAT,
	E_AREA_UNKNOWN,
	E_WINDOW_UNKNOWN,
	E_STAFF_UNKNOWN,
	/* codes */
	E_CHANNEL,
	E_SATISFACTION,
	E_DETAIL_UNKNOWN,
	E_DETAIL_GRADE,
	E_BAD_REVIEW_REASON,	/* grade 1-2 without detail code or comment */
	E_USER_PROP,
	E_CERT_TYPE,
	E_CERT_NO,
	E_PHONE,
	E_ASSESS_NUMBER,
	E_SCAN_IMAGE,
	/* dates */
	E_DATE_FORMAT,
	E_DATE_FUTURE,
	E_DATE_ORDER,		/* assess_time before service_time */
	E_DATE_LATE,		/* after the supplementary-evaluation window */
	/* warnings */
	W_USCC_CHECK,		/* credit code well formed, check fails */
	W_RETIRED,		/* a retired catalogue code */
	W_ITEM_DEPT,		/* item belongs to another department */
	/* what the paper implies (the ledger) */
	E_DATE_BEFORE_ISSUE,	/* evaluated before the form was issued */
	E_WINDOW_FORM,		/* keyed window is not the printed one */

	/* the row as read (csvin.h) */
	E_NUL_BYTE,		/* a NUL byte in a cell */
	E_CELL_NO_HEADER,	/* a value under a column with no header */
	E_QUOTE_OPEN,		/* a quote left open (or a stray one) */
	E_ENCODING,		/* the line did not decode */

	E_ANSWER,		/* a 是/否 answer that is neither */
	W_TITLE_ROW,		/* a title above the header, skipped */
	W_HEADER_TWO_ROWS,	/* a header of names grouped on two rows */
	E_FORMULA,		/* a workbook formula without its value */
	/* duplicates */
	D_DUPLICATE,
	REC_NCODES
};

struct rec_code_def {
	enum rec_code code;
	const char *name;		/* "E_SERIAL_CHECK" */
	enum rec_severity severity;
	const char *en;			/* English message */
	const char *zh;			/* Chinese message */
};

/* The whole table, indexed by enum rec_code (entry 0 is REC_OK). */
const struct rec_code_def *rec_code_table(size_t *n);
const struct rec_code_def *rec_code_def(enum rec_code c);
/* The code for a name such as "E_SERIAL_CHECK", or REC_OK. */
enum rec_code rec_code_lookup(const char *name);
/*
 * The message of c in the user's language: Chinese when LC_MESSAGES is
 * zh*, else the English text through gettext.
 */
const char *rec_code_text(enum rec_code c);

struct rec_problem {
	long line;		/* 1-based line of the row (1: header) */
	int col;		/* column index in the file, -1: whole row */
	const char *column;	/* the column's header as in the file; the
				   field's Chinese name if the file has no
				   such column; "" for the whole row */
	enum rec_code code;
	enum rec_severity severity;
	char *msg;		/* rec_code_text() plus any detail */
};

struct rec_problems {
	struct rec_problem *v;
	size_t n, alloc;
	size_t nerrors, nwarnings, nduplicates;
};

#define REC_PROBLEMS_INIT { NULL, 0, 0, 0, 0, 0 }

/* Empties the list (frees the messages, keeps the array). */
void rec_problems_clear(struct rec_problems *pl);
void rec_problems_release(struct rec_problems *pl);
struct csvin_issue;
/* The problem code of what the reader found wrong with a row (csvin.h). */
enum rec_code rec_issue_code(const struct csvin_issue *is);
/* Appends a problem; detail (may be NULL) is added to the message. */
void rec_problem_add(struct rec_problems *pl, long line, int col,
    const char *column, enum rec_code code, const char *detail);
/* Removes the problems of code in column col. */
void rec_problems_drop(struct rec_problems *pl, int col, enum rec_code code);
/* Appends the problems of from to pl; from is left empty. */
void rec_problems_move(struct rec_problems *pl, struct rec_problems *from);

/* ---- header mapping ---------------------------------------------- */

/* Unknown columns are ignored instead of being E_HEADER_UNKNOWN. */
#define REC_MAP_IGNORE_UNKNOWN	0x1

struct rec_map;

struct rec_map *rec_map_new(void);
void rec_map_free(struct rec_map *m);
/*
 * Declares a column name the caller knows and wants ignored (e.g. the
 * provenance columns of a batch).  Call before rec_map_header().  The
 * annotation columns of a rejects file (错误行号 错误列 错误代码 错误说明)
 * are always ignored.
 */
void rec_map_ignore(struct rec_map *m, const char *name);
/*
 * Maps a header row of ncols names, each an English field name, a
 * national interface name or a Chinese header (fields.h field_lookup(),
 * blanks and a BOM trimmed), found on line of its file.  Problems
 * (E_HEADER_*) go to pl with that line.  Returns 0 if the header is
 * usable, -1 if not.
 */
int rec_map_header(struct rec_map *m, size_t ncols, const char *const *names,
    long line, unsigned flags, struct rec_problems *pl);
/*
 * A header on two rows: names grouped under a label on the row above
 * them (评价人信息 over 评价人, 证件类型, ...), the other names on the
 * upper row with a blank below, or the same name on both (a workbook's
 * cell merged down).  upper is the map of the upper row, whose header
 * was not usable; lower the cells of the row below it, on line.  Each
 * column takes the name below when there is one, else the name above.
 * Returns a new map of that header, or NULL when the lower row is not
 * one of names alone or the header is still not usable.
 */
struct rec_map *rec_map_two_rows(const struct rec_map *upper, size_t ncols,
    const char *const *lower, long line, unsigned flags);
size_t rec_map_ncols(const struct rec_map *m);
/*
 * True if name is one of the annotation columns hcp-import adds to a
 * rejects file (错误行号 错误列 错误代码 错误说明).
 */
int rec_is_rejects_column(const char *name);
/* Their names, in order; *n gets 4. */
const char *const *rec_rejects_columns(size_t *n);
/* The header text of column col as in the file ("" out of range). */
const char *rec_map_name(const struct rec_map *m, size_t col);
/* The column index of field f, or -1 if the file has no such column. */
int rec_map_column(const struct rec_map *m, enum field_id f);
/* The field of column col, or -1 (ignored or unknown column). */
int rec_map_field(const struct rec_map *m, size_t col);

/* ---- validation context ------------------------------------------ */

enum rec_coding {
	REC_CODING_INTERFACE = 0,	/* 5 非常满意 ... 1 非常不满意 */
	REC_CODING_GBT39046		/* 1 非常满意 ... 5 非常不满意 */
};

struct rec_ctx;

/*
 * A context with the defaults of settings.h (paper channel 5,
 * supplementary window 7 days, interface coding), "now" from
 * clock_now(), and no catalogue.
 */
struct rec_ctx *rec_ctx_new(void);
void rec_ctx_free(struct rec_ctx *ctx);
/* Parses "interface" or "gbt39046"; -1 if neither. */
int rec_coding_parse(const char *s, enum rec_coding *out);
void rec_ctx_set_coding(struct rec_ctx *ctx, enum rec_coding c);
void rec_ctx_set_paper_channel(struct rec_ctx *ctx, int channel);
void rec_ctx_set_supplement_days(struct rec_ctx *ctx, int days);
void rec_ctx_set_now(struct rec_ctx *ctx, time_t now);
/*
 * "Now" as the station's wall clock (seconds since 1970-01-01 as if it
 * were UTC): a batch is judged as of its creation time (Hcp-Created).
 */
void rec_ctx_set_now_local(struct rec_ctx *ctx, long long local);
/*
 * Reads times as 0.1.0 wrote them, where a date keyed alone was stored
 * as its midnight: a time of exactly 00:00:00 is then a date alone.  For
 * batches without Hcp-Format (hcp-verify).
 */
void rec_ctx_set_legacy(struct rec_ctx *ctx, int on);
long long rec_ctx_now_local(const struct rec_ctx *ctx);
/*
 * Checks detail codes against the dictionaries named in versions ("V1"
 * or "V1, V2", as a batch's Hcp-Eval-Codes-Version says) instead of the
 * one in force.  Only a context loaded from a db has dictionaries; others
 * ignore this.  Returns 0, or -1 (db_errstr()).
 */
int rec_ctx_use_codes(struct rec_ctx *ctx, const char *versions);
/*
 * Parses a time as the keyed CSV may write it (DESIGN §8) into seconds
 * of the wall clock since 1970-01-01 as if it were UTC; a date alone is
 * its midnight.  Returns 0, or -1 if it is not a valid time.
 */
int rec_parse_time(const char *s, long long *local);
int rec_ctx_paper_channel(const struct rec_ctx *ctx);
int rec_ctx_supplement_days(const struct rec_ctx *ctx);
/*
 * Whether rec_check() fills r->hash (default 1).  A tool that never
 * stores the hash (hcp-verify) turns it off; rec_check_keys() computes
 * it by itself when it has to compare with the db.
 */
void rec_ctx_set_row_hash(struct rec_ctx *ctx, int on);
/*
 * Reads the settings (paper_channel, supplement_days,
 * satisfaction_coding, eval_codes_version, region) and the whole
 * catalogue of db into memory, and keeps db for rec_check_keys().  The db
 * must outlive the context.  Returns 0, or -1 (db_errstr()).  Files whose
 * coding is fixed (a batch is always in the interface coding) call
 * rec_ctx_set_coding() after this, since it takes the station's default.
 */
int rec_ctx_load(struct rec_ctx *ctx, struct db *db);
/*
 * Tells rec_check_keys() which import run is current, so a conflict with
 * a row of the same run is reported as "line N of this file".
 */
void rec_ctx_set_import(struct rec_ctx *ctx, long long import_id);
/*
 * Tells rec_check_keys() that the row is record id of the db itself (a
 * correction, hcp-amend): its own serial and project number are no
 * conflict.  0 (the default) for none.
 */
void rec_ctx_set_self(struct rec_ctx *ctx, long long id);
/* The evaluation-detail dictionary version in force ("" if none). */
const char *rec_ctx_codes_version(const struct rec_ctx *ctx);

/* ---- the record --------------------------------------------------- */

#define REC_HASH_LEN 32		/* hex digits of the row hash */

/*
 * A normalised record.  v[f] is the normalised value of field f ("" when
 * empty), NUL-terminated, owned by the record:
 *   serial        16 bare digits
 *   dept_code     when empty, the department of the item (catalogue)
 *   area_code     6 digits; when empty, the department's area
 *                 (catalogue), else the station's region
 *   dept_code, item_code, cert_no   upper case
 *   window, staff the catalogue's spelling
 *   channel, user_prop, assess_number   one digit ("1" when
 *                 assess_number is empty)
 *   satisfaction  one digit, always in the interface coding
 *   eval_detail   codes separated by single commas, as keyed, no repeats
 *   phone         11 digits
 *   service_time, assess_time   "YYYY-MM-DD HH:MM:SS", or "YYYY-MM-DD"
 *                 when only a date was keyed (a date alone is that whole
 *                 day: hcp-csv(5), DATES)
 *   window        when empty and the form's serial was issued for a
 *                 window (hcp-form -w), that window (window_from_form)
 *   guide_clear, process_easy, material_lean, ui_friendly   "1" (是),
 *                 "0" (否) or "" (not answered)
 * hash is the first 128 bits of the SHA-256, in hex, of the normalised
 * values in field order, each followed by a NUL byte, but with a date
 * alone as its midnight and a window taken from the ledger as empty (the
 * bytes 0.1.0 hashed): two rows with the same hash say the same thing.
 * The four answers, which hcp 0.1.0 did not have, are hashed only when
 * at least one is given: a row without answers hashes its first 19
 * values, as 0.1.0 did, so a file imported by 0.1.0 is a duplicate when
 * imported again, not a conflict.  It is computed only when
 * the context asks for it (rec_ctx_set_row_hash(), on by default) and
 * left "" otherwise; h64, a 64-bit FNV-1a of the same bytes, is always
 * computed and is what the in-memory duplicate check compares.
 */
struct rec {
	long line;
	const struct rec_map *map;	/* the header it was read under */
	const char *v[F_NFIELDS];
	int channel;		/* 1-7, 0 if bad */
	int satisfaction;	/* 1-5 interface coding, 0 if bad */
	int user_prop;		/* 1, 2, 0 if empty */
	int assess_number;	/* 1, 2 */
	int window_from_form;	/* window filled in from the ledger */
	char hash[REC_HASH_LEN + 1];
	uint64_t h64;
	struct strbuf buf;	/* storage of v[] */
	size_t off[F_NFIELDS];
	size_t len[F_NFIELDS];	/* strlen(v[f]) */
};

void rec_init(struct rec *r);
void rec_release(struct rec *r);
/*
 * The number of a field stored as one (fields.h FIELD_STORE_INT*):
 * channel, satisfaction, user_prop, assess_number; 0 for any other.
 */
int rec_int(const struct rec *r, enum field_id f);

/*
 * Normalises and checks one data row: ncols cells (UTF-8, NUL-terminated;
 * lens, when not NULL, their lengths) read under the header m, starting
 * on line.  Full-width digits, letters and punctuation, surrounding
 * blanks (also U+3000 and U+00A0), and the apostrophe a rejects file put
 * before = + - @ are undone; dates may be 2026-11-22, 2026/11/22,
 * 2026.11.22 or 2026年11月22日, with an optional time H:MM[:SS];
 * satisfaction may be a digit (ctx's coding) or a word.
 * Problems are appended to pl.  Returns the number of errors in this row
 * (0: the row is acceptable; warnings do not count).  r is filled as far
 * as the values allowed.
 */
int rec_check(struct rec_ctx *ctx, const struct rec_map *m, size_t ncols,
    const char *const *cells, const size_t *lens, long line, struct rec *r,
    struct rec_problems *pl);

/*
 * Duplicate keys seen earlier in one input, for checks that do not write
 * to the db (hcp-check, hcp-import -n, hcp-verify): a row's keys are its
 * serial and its (project_no, assess_number), 16 bytes a key (keyset.h).
 */
struct rec_seen;
struct rec_seen *rec_seen_new(void);
void rec_seen_free(struct rec_seen *s);
/*
 * Says that nrec more records follow (a batch says how many it holds),
 * so that the table is sized for them once, and grows at most once more
 * if they carry two keys (keyset_expect()).
 */
void rec_seen_expect(struct rec_seen *s, size_t nrec);

/* What rec_check_keys() decided. */
#define REC_ACCEPT	0
#define REC_REJECT	1
#define REC_DUP		2

/*
 * Checks the keys of a row that passed rec_check(): the serial against
 * the ledger (issued here, not voided, not used by another record) and
 * the serial and (project_no, assess_number) against the evaluations in
 * the db (when the context was loaded from one) and against the rows
 * recorded in seen (if not NULL; an accepted row is added to it).  The
 * same key with the same hash is a duplicate (D_DUPLICATE), the same key
 * with another hash a conflict (E_SERIAL_USED, E_DUPLICATE_PROJECT).
 * Returns REC_ACCEPT, REC_REJECT, REC_DUP, or -1 on a db error.
 */
int rec_check_keys(struct rec_ctx *ctx, const struct rec *r,
    struct rec_seen *seen, struct rec_problems *pl);

/*
 * Masks personal data for display: keeps the first 3 and last 4
 * characters of a phone or certificate number (138****1234), the first
 * character of a name.  Writes at most outlen bytes (NUL included).
 */
void rec_mask(enum field_id f, const char *value, char *out, size_t outlen);

#endif
