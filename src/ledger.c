/* SPDX-License-Identifier: ISC */
/*
 * The serial ledger of paper forms: issue, look up, void (ledger.h).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "catalog.h"
#include "clock.h"
#include "audit.h"
#include "db.h"
#include "i18n.h"
#include "ids.h"
#include "ledger.h"
#include "num.h"
#include "settings.h"
#include "xalloc.h"
#include "banned.h"

#define SEQ_MAX 9999999LL
#define ISSUE_MAX 1000000

static int
station_id(struct db *db, char region[7], unsigned *issuer)
{
	char *r, *i;
	long long v;
	int rc = -1;

	if ((r = settings_get(db, "region")) == NULL)
		return -1;
	if ((i = settings_get(db, "issuer")) == NULL) {
		free(r);
		return -1;
	}
	if (strlen(r) != 6 || num_parse(i, 0, 99, &v, NULL) != 0)
		db_seterr(db, _("%s: the station's region or issuer number is "
		    "not valid (hcp-init --show)"), db_path(db));
	else {
		memcpy(region, r, 7);
		*issuer = (unsigned)v;
		rc = 0;
	}
	free(r);
	free(i);
	return rc;
}

static int
window_known(struct db *db, const char *window)
{
	struct catalog_window w;
	int rc, retired;

	if ((rc = catalog_window_get(db, window, &w)) < 0)
		return -1;
	retired = w.retired;
	catalog_window_release(&w);
	if (rc == 0 || retired)
		return db_seterr(db, _("window %s is not in the catalogue "
		    "(or is retired)"), window);
	return 0;
}

int
ledger_issue(struct db *db, size_t n, const char *template,
    const char *fingerprint, const char *window, const char *operator,
    char (**out)[LEDGER_SERIAL_LEN])
{
	char (*v)[LEDGER_SERIAL_LEN] = NULL;
	char region[7], now[CLOCK_BUFLEN];
	unsigned issuer;
	long long last;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if (n < 1 || n > ISSUE_MAX)
		return db_seterr(db, _("can issue 1 to %d serials at a time"),
		    ISSUE_MAX);
	if (station_id(db, region, &issuer) != 0)
		return -1;
	if (db_begin(db) != 0)
		return -1;
	if (window != NULL && window_known(db, window) != 0)
		goto fail;
	if (db_query_int(db, "SELECT coalesce(max(seq), 0) FROM forms", NULL,
	    &last) != 0)
		goto fail;
	if (last + (long long)n > SEQ_MAX) {
		db_seterr(db, _("%s: only %lld serials are left for issuer "
		    "%02u; set another issuer number"), db_path(db),
		    SEQ_MAX - last, issuer);
		goto fail;
	}
	clock_format(clock_now(), now);
	if (db_prepare(db, &st, "INSERT INTO forms (serial, seq, template, "
	    "fingerprint, window_id, issued_at, operator) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)") != 0)
		goto fail;
	sqlite3_bind_text(st, 3, template, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, fingerprint, -1, SQLITE_STATIC);
	if (window != NULL)
		sqlite3_bind_text(st, 5, window, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, operator, -1, SQLITE_STATIC);
	v = xreallocarray(NULL, n, sizeof(*v));
	for (i = 0; i < n; i++) {
		long long seq = last + 1 + (long long)i;

		if (ids_serial_make(region, issuer, (unsigned long)seq,
		    v[i]) != IDS_OK) {
			db_seterr(db, _("cannot make a serial from region %s "
			    "issuer %02u"), region, issuer);
			goto fail;
		}
		sqlite3_bind_text(st, 1, v[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, seq);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			db_sqlerr(db, _("cannot record the issued serial"));
			goto fail;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (db_commit(db) != 0)
		goto fail;
	*out = v;
	return 0;
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	free(v);
	return -1;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

static enum ledger_state
state_of(const char *s)
{
	if (s == NULL)
		return LEDGER_NONE;
	if (strcmp(s, "issued") == 0)
		return LEDGER_ISSUED;
	if (strcmp(s, "used") == 0)
		return LEDGER_USED;
	if (strcmp(s, "voided") == 0)
		return LEDGER_VOIDED;
	return LEDGER_NONE;
}

int
ledger_lookup(struct db *db, const char *serial, struct ledger_entry *e)
{
	sqlite3_stmt *st;
	int rc;

	memset(e, 0, sizeof(*e));
	if (strlen(serial) != 16)
		return db_seterr(db, _("\"%s\" is not a 16-digit serial"),
		    serial);
	memcpy(e->serial, serial, LEDGER_SERIAL_LEN);
	if (db_prepare(db, &st, "SELECT seq, template, fingerprint, "
	    "window_id, issued_at, operator, state, state_at FROM ledger "
	    "WHERE serial = ?1") != 0)
		return -1;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		e->seq = sqlite3_column_int64(st, 0);
		e->template = col_dup(st, 1);
		e->fingerprint = col_dup(st, 2);
		e->window = col_dup(st, 3);
		e->issued_at = col_dup(st, 4);
		e->operator = col_dup(st, 5);
		e->state = state_of((const char *)sqlite3_column_text(st, 6));
		e->state_at = col_dup(st, 7);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_sqlerr(db, _("cannot read the serial ledger"));
}

void
ledger_entry_release(struct ledger_entry *e)
{
	free(e->template);
	free(e->fingerprint);
	free(e->window);
	free(e->issued_at);
	free(e->operator);
	free(e->state_at);
	memset(e, 0, sizeof(*e));
}

int
ledger_void(struct db *db, const char *serial, const char *operator,
    const char *reason)
{
	struct ledger_entry e;
	char now[CLOCK_BUFLEN], grouped[20];
	sqlite3_stmt *st;
	int rc;

	ids_serial_format(serial, grouped);
	if (db_begin(db) != 0)
		return -1;
	if ((rc = ledger_lookup(db, serial, &e)) < 0)
		goto fail;
	if (e.state != LEDGER_ISSUED) {
		db_seterr(db, e.state == LEDGER_NONE ?
		    _("%s: serial was never issued by this station") :
		    e.state == LEDGER_USED ?
		    _("%s: serial is already used by an imported evaluation; "
		    "it cannot be voided") :
		    _("%s: serial is already voided"), grouped);
		ledger_entry_release(&e);
		goto fail;
	}
	ledger_entry_release(&e);
	clock_format(clock_now(), now);
	if (db_prepare(db, &st, "UPDATE forms SET state = 'voided', "
	    "state_at = ?2 WHERE serial = ?1 AND state = 'issued'") != 0)
		goto fail;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(db, _("cannot void the serial"));
		goto fail;
	}
	if (audit_write(db, now, operator, "forms", serial, reason,
	    &(const struct audit_entry){ "state", "issued", "voided" }, 1) != 0)
		goto fail;
	return db_commit(db) == 0 ? 0 : (db_rollback(db), -1);
fail:
	db_rollback(db);
	return -1;
}

const char *
ledger_state_name(enum ledger_state s)
{
	switch (s) {
	case LEDGER_ISSUED:
		return _("issued");
	case LEDGER_USED:
		return _("used");
	case LEDGER_VOIDED:
		return _("voided");
	default:
		return _("not issued");
	}
}
