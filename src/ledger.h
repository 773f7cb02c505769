/* SPDX-License-Identifier: ISC */
/*
 * The serial ledger of paper forms (DESIGN §7.1), kept in the forms
 * table of the station db.  A serial is issued here and may be voided
 * here while it is still unused; it is used once an imported evaluation
 * holds it (evaluations.serial is unique, so that is the only record of
 * it: the forms row stays "issued").
 *
 * Serials are 16 bare digits: region (6) + issuer (2) + sequence (7) +
 * Damm check digit.  Issuing takes the write lock first (BEGIN
 * IMMEDIATE), so two tools issuing at once get disjoint runs of
 * sequence numbers.
 *
 * Errors: functions return -1 and record an English message on the db
 * (db_errstr()).  Memory returned through pointers is malloc'd and owned
 * by the caller.
 */
#ifndef HCP_LEDGER_H
#define HCP_LEDGER_H

#include <stddef.h>

struct db;

#define LEDGER_SERIAL_LEN 17	/* 16 digits and a NUL */

enum ledger_state {
	LEDGER_NONE = 0,	/* not in the ledger: never issued here */
	LEDGER_ISSUED,
	LEDGER_USED,
	LEDGER_VOIDED
};

struct ledger_entry {
	char serial[LEDGER_SERIAL_LEN];
	long long seq;
	char *template;
	char *fingerprint;
	char *window;		/* NULL if the forms were not for a window */
	char *issued_at;
	char *operator;
	enum ledger_state state;
	char *state_at;		/* NULL while issued */
};

/*
 * Issues n new serials (1 <= n <= 1000000) for forms of the given
 * template and layout fingerprint, optionally for a window, in one
 * transaction: the next sequence number is one more than the highest
 * in the ledger.  *out receives n serials (an array the caller frees).
 * Fails if the station's region or issuer is not set, if the window is
 * not in the catalogue, or if the 7-digit sequence would overflow.
 */
int ledger_issue(struct db *db, size_t n, const char *template,
    const char *fingerprint, const char *window, const char *operator,
    char (**out)[LEDGER_SERIAL_LEN]);

/*
 * Looks serial (16 bare digits) up.  Returns 1 and fills e (release it
 * with ledger_entry_release()) if it is in the ledger, 0 if it is not
 * (e->state is LEDGER_NONE), -1 on error.
 */
int ledger_lookup(struct db *db, const char *serial, struct ledger_entry *e);
void ledger_entry_release(struct ledger_entry *e);

/*
 * Voids an issued serial and writes an audit row (operator, reason).
 * Returns 0; -1 with a message saying why if the serial was never
 * issued, is already used or already voided, or on a db error.
 */
int ledger_void(struct db *db, const char *serial, const char *operator,
    const char *reason);

/* "issued", "used", "voided" or "not issued". */
const char *ledger_state_name(enum ledger_state s);

#endif
