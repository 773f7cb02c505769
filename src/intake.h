/* SPDX-License-Identifier: ISC */
/*
 * The receiving side (hcp-intake(1)): a registry of stations and their
 * keys, and the intake of batches from an inbox directory into a
 * receiving db, SQLite (a county) or PostgreSQL (a province), with the
 * same tables (share/intake/).  Each batch is verified by the verify
 * library (verify.h) while its records are loaded, in one transaction:
 * the transaction commits only if the batch verifies and none of its
 * records conflicts with one already loaded; then a signed receipt is
 * written into the inbox (NAME.receipt, where the station's upload
 * script fetches it) and the batch moves to the archive; a refused batch
 * moves to refused/ with a FILE.reason beside it.  A batch already
 * loaded (the same bytes, under any file name) is not loaded again: its
 * receipt is written again.
 *
 * Errors: functions return -1 and leave an English message (through
 * gettext) in intake_errstr(); nothing here prints or exits.  Strings
 * handed to callbacks are valid during the call only.
 */
#ifndef HCP_INTAKE_H
#define HCP_INTAKE_H

struct intake;

/*
 * Opens the receiving db: the SQLite file path, or the PostgreSQL
 * database conninfo (libpq's syntax) when pg is not NULL.  The tables
 * are created if missing from datadir/intake/{sqlite,pg}.sql.  Returns
 * NULL with *errstr (malloc'd) on failure.
 */
struct intake *intake_open(const char *path, const char *pg,
    const char *datadir, char **errstr);
void intake_close(struct intake *it);
const char *intake_errstr(const struct intake *it);

/* ---- the registry ------------------------------------------------- */

/*
 * Times are the station's wall clock, "YYYY-MM-DD HH:MM:SS" or a date
 * alone (its midnight), as a batch's Hcp-Created: a key is valid for the
 * batches created at or after its from and before its to.
 */

/*
 * Registers station (8 digits: region and issuer) with its public key,
 * valid from from (NULL: always) to to (NULL: until rotated or retired).
 * A station already registered is an error.
 */
int intake_register(struct intake *it, const char *station,
    const char *region, const char *name, const char *pub_pem,
    const char *from, const char *to);
/*
 * A new key for station, valid from from; the key in force until then
 * stays valid before from, so older batches still verify.
 */
int intake_rotate(struct intake *it, const char *station,
    const char *pub_pem, const char *from);
/* Retires station as of at: no key of it is valid for later batches. */
int intake_retire(struct intake *it, const char *station, const char *at);

/* ---- intake ------------------------------------------------------- */

enum intake_outcome {
	INTAKE_LOADED,		/* verified, loaded, receipt written */
	INTAKE_DUPLICATE,	/* loaded before: receipt written again */
	INTAKE_REFUSED,		/* moved to refused/ with the reason */
	INTAKE_LEFT		/* not a regular file: left where it is */
};

struct intake_batch {
	const char *file;	/* as found in the inbox */
	const char *name;	/* the batch's name, or NULL */
	enum intake_outcome outcome;
	long long records;	/* loaded (or loaded before) */
	const char *reason;	/* refused, left: lines "what is wrong" */
};

struct intake_opts {
	const char *receipt_key;	/* the receiver's SM2 private key */
	const char *archive;	/* NULL: INBOX/archive */
	const char *refused;	/* NULL: INBOX/refused */
	/*
	 * called after each batch, one call at a time, in the order the
	 * batches end (with PostgreSQL from a thread of the run's own)
	 */
	void (*done)(void *arg, const struct intake_batch *b);
	void *arg;
};

/*
 * Takes every *.tar.gz of the directory inbox, oldest name first.  With
 * SQLite a lock (inbox/.hcp-intake.lock) keeps a second run away: it
 * returns 1 at once, doing nothing.  With PostgreSQL several runs share
 * an inbox: each batch is claimed by one of them (FOR UPDATE SKIP
 * LOCKED).  Returns 0, 1 (busy), or -1 on an error that stopped the run
 * (naming the batch at hand: loaded whole, or nothing of it).
 */
int intake_inbox(struct intake *it, const char *inbox,
    const struct intake_opts *o);

/*
 * Calls gap() for each run of missing sequence numbers of a station
 * (from 1 up to its highest batch), and with from = 0 for each station
 * registered that has sent nothing.  Returns the number of calls, or -1.
 */
int intake_gaps(struct intake *it, void (*gap)(void *arg,
    const char *station, long long from, long long to), void *arg);

/*
 * The registry: row() is called for each station, in order, with the
 * INTAKE_STATION_N values of INTAKE_STATION_COLS: its region, name, when
 * registered and retired (NULL: not), how many keys it has had and since
 * when its newest is valid ("" since always), how many batches it sent,
 * the highest sequence number and the last time one was received (NULL:
 * none).  0, or -1 (intake_errstr).
 */
#define INTAKE_STATION_COLS "station, region, name, registered, retired, " \
	"keys, key_from, batches, last_seq, last_received"
#define INTAKE_STATION_N 10
int intake_stations(struct intake *it,
    int (*row)(void *arg, int n, const char *const *v), void *arg);

/*
 * Reads the records of the receiving db (intake_read.c) whose assess_time
 * falls on the days from to to ("YYYY-MM-DD", "" for no limit), in
 * (station, seq, line) order: row() is called with the INTAKE_READ_N
 * values of INTAKE_READ_COLS, NULL for an empty one; a nonzero return
 * stops.  0, or -1 (intake_errstr).
 */
#define INTAKE_READ_COLS "station, seq, line, serial, project_no, " \
	"item_code, dept_code, area_code, window_code, staff_code, channel, " \
	"satisfaction, evaluator, cert_no, phone, assess_time, assess_number"
#define INTAKE_READ_N 17
int intake_each_record(struct intake *it, const char *from, const char *to,
    int (*row)(void *arg, int n, const char *const *v), void *arg);

#endif
