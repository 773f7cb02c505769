/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the serial ledger on a scratch station db: issuing
 * (numbering, check digits, uniqueness across two connections, window,
 * limits), looking up, voiding and its audit row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "ids.h"
#include "ledger.h"
#include "settings.h"
#include "tap.h"
#include "xalloc.h"
#include "banned.h"

/* Damm check of 16 digits, written out here independently of ids.c. */
static int
damm_ok(const char *s)
{
	static const char t[10][11] = { "0317598642", "7092154863",
		"4206871359", "1750983426", "6123045978", "3674209581",
		"5869720134", "8945362017", "9438617205", "2581436790" };
	int i, d = 0;

	if (strlen(s) != 16)
		return 0;
	for (i = 0; i < 16; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = t[d][s[i] - '0'] - '0';
	}
	return d == 0;
}

static long long
q(struct db *db, const char *sql, const char *param)
{
	long long v = -1;

	if (db_query_int(db, sql, param, &v) != 0)
		printf("# %s\n", db_errstr(db));
	return v;
}

static int
has(struct db *db, const char *what)
{
	const char *e = db_errstr(db);

	if (e != NULL && strstr(e, what) != NULL)
		return 1;
	printf("#   error \"%s\" lacks \"%s\"\n", e != NULL ? e : "", what);
	return 0;
}

/* Counts serials in v[0..n) that fail their check or repeat. */
static int
bad_serials(char (*v)[LEDGER_SERIAL_LEN], size_t n)
{
	size_t i, j;
	int bad = 0;

	for (i = 0; i < n; i++) {
		if (!damm_ok(v[i]) || strncmp(v[i], "33052301", 8) != 0)
			bad++;
		for (j = 0; j < i; j++)
			if (strcmp(v[i], v[j]) == 0)
				bad++;
	}
	return bad;
}

int
main(void)
{
	const char *dd = getenv("HCP_DATADIR");
	char tmpl[] = "/tmp/hcp-unit-ledger.XXXXXX", *dir, *path, *schema;
	char (*v)[LEDGER_SERIAL_LEN] = NULL, (*w)[LEDGER_SERIAL_LEN] = NULL;
	char (*all)[LEDGER_SERIAL_LEN];
	char never[LEDGER_SERIAL_LEN], grouped[20];
	struct ledger_entry e;
	struct db *db, *db2;
	size_t i, nall = 0;

	setenv("SOURCE_DATE_EPOCH", "1763800000", 1);
	schema = xasprintf("%s/schema", dd != NULL ? dd : "share");
	dir = mkdtemp(tmpl);
	ok(dir != NULL, "scratch dir");
	if (dir == NULL)
		return tap_done();
	path = xasprintf("%s/hcp.db", dir);
	db = db_new();
	if (!ok(db_open(db, path, DB_CREATE, schema) == 0, "station db"))
		printf("# %s\n", db_errstr(db));

	/* the station must say who it is first */
	ok(ledger_issue(db, 1, "STD-1", "0172BF23", NULL, "tester", &v) != 0,
	    "no serials without the station's region");
	ok(v == NULL && has(db, "region"), "and the error says so");
	ok(settings_set(db, "region", "330523") == 0 &&
	    settings_set(db, "issuer", "01") == 0, "region and issuer set");
	ok(ledger_issue(db, 0, "STD-1", "0172BF23", NULL, "tester", &v) != 0,
	    "0 serials refused");
	ok(ledger_issue(db, 1000001, "STD-1", "0172BF23", NULL, "tester",
	    &v) != 0 && has(db, "1000000"), "over 1000000 refused");
	is_int(q(db, "SELECT count(*) FROM forms", NULL), 0,
	    "nothing issued so far");

	/* issue */
	ok(ledger_issue(db, 5, "STD-1", "0172BF23", NULL, "tester", &v) == 0,
	    "issue 5");
	if (v == NULL)
		return tap_done();
	is_int(bad_serials(v, 5), 0,
	    "16 digits, region and issuer, Damm check, all different");
	is_str(v[0], "3305230100000011", "the first serial is sequence 1");
	is_str(v[4], "3305230100000054", "the fifth is sequence 5");
	is_int(q(db, "SELECT count(*) FROM forms WHERE state = 'issued' "
	    "AND template = 'STD-1' AND fingerprint = '0172BF23' AND "
	    "operator = 'tester' AND window_id IS NULL AND "
	    "issued_at = '2025-11-22 08:26:40' AND state_at IS NULL", NULL),
	    5, "recorded: issued, template, layout, operator, time");
	is_int(q(db, "SELECT max(seq) FROM forms", NULL), 5, "seq 1 to 5");
	all = xreallocarray(NULL, 100, sizeof(*all));
	memcpy(all, v, 5 * sizeof(*v));
	nall = 5;

	/* lookup */
	ok(ledger_lookup(db, v[2], &e) == 1, "look up an issued serial");
	ok(e.state == LEDGER_ISSUED && e.seq == 3 &&
	    strcmp(e.template, "STD-1") == 0 &&
	    strcmp(e.fingerprint, "0172BF23") == 0 && e.window == NULL &&
	    strcmp(e.operator, "tester") == 0 &&
	    strcmp(e.issued_at, "2025-11-22 08:26:40") == 0 &&
	    e.state_at == NULL, "its entry");
	is_str(ledger_state_name(e.state), "issued", "state name");
	ledger_entry_release(&e);
	ok(ids_serial_make("330523", 1, 999, never) == IDS_OK, "a serial");
	ok(ledger_lookup(db, never, &e) == 0 && e.state == LEDGER_NONE,
	    "a serial never issued is not in the ledger");
	is_str(ledger_state_name(e.state), "not issued", "state name");
	ledger_entry_release(&e);
	ok(ledger_lookup(db, "12345", &e) < 0 && has(db, "12345"),
	    "a short serial is an error naming it");

	/* windows */
	ok(db_exec(db, "INSERT INTO windows (id, name) VALUES "
	    "('B03', 'window B03'), ('B04', 'closed')") == 0 &&
	    db_exec(db, "UPDATE windows SET retired = 1 WHERE id = 'B04'") ==
	    0, "two windows, one retired");
	ok(ledger_issue(db, 2, "STD-1", "0172BF23", "B03", "tester", &w) ==
	    0, "issue 2 for window B03");
	if (w != NULL) {
		memcpy(all + nall, w, 2 * sizeof(*w));
		nall += 2;
		ok(ledger_lookup(db, w[1], &e) == 1 && e.window != NULL &&
		    strcmp(e.window, "B03") == 0 && e.seq == 7,
		    "the window is recorded, numbering goes on");
		ledger_entry_release(&e);
		free(w);
		w = NULL;
	}
	ok(ledger_issue(db, 2, "STD-1", "0172BF23", "Z99", "tester", &w) !=
	    0 && w == NULL && has(db, "Z99"), "an unknown window is refused");
	ok(ledger_issue(db, 2, "STD-1", "0172BF23", "B04", "tester", &w) !=
	    0 && has(db, "B04"), "a retired window is refused");
	is_int(q(db, "SELECT count(*) FROM forms", NULL), 7,
	    "and nothing was issued by them");

	/* two connections issuing in turn never share a serial */
	db2 = db_new();
	ok(db_open(db2, path, 0, schema) == 0, "a second connection");
	for (i = 0; i < 3; i++) {
		struct db *d = i % 2 ? db2 : db;

		if (ledger_issue(d, 10 + i, "STD-1", "0172BF23", NULL, "tester",
		    &w) != 0) {
			printf("# %s\n", db_errstr(d));
			break;
		}
		memcpy(all + nall, w, (10 + i) * sizeof(*w));
		nall += 10 + i;
		free(w);
		w = NULL;
	}
	is_int((long long)nall, 40, "40 serials issued in all");
	is_int(bad_serials(all, nall), 0,
	    "every one checks and none repeats, across connections");
	is_int(q(db, "SELECT count(*) FROM forms", NULL), 40, "40 rows");
	is_int(q(db, "SELECT count(DISTINCT seq) FROM forms WHERE seq "
	    "BETWEEN 1 AND 40", NULL), 40, "sequence 1 to 40, no gap");
	db_free(db2);

	/* void */
	ok(ledger_void(db, v[1], "clerk", "lost") == 0, "void an issued one");
	ok(ledger_lookup(db, v[1], &e) == 1 && e.state == LEDGER_VOIDED &&
	    e.state_at != NULL && strcmp(e.state_at, "2025-11-22 08:26:40") ==
	    0, "it is voided, with the time");
	is_str(ledger_state_name(e.state), "voided", "state name");
	ledger_entry_release(&e);
	is_int(q(db, "SELECT count(*) FROM audit WHERE operator = 'clerk' "
	    "AND tbl = 'forms' AND key = ?1 AND field = 'state' AND "
	    "old = 'issued' AND new = 'voided' AND reason = 'lost'", v[1]), 1,
	    "one audit row: who, what, why");
	ok(ledger_void(db, v[1], "clerk", NULL) != 0 &&
	    has(db, "already voided"), "voided twice refused");
	ids_serial_format(v[1], grouped);
	ok(has(db, grouped), "the message gives the grouped serial");
	/* used: an evaluation holds the serial */
	ok(db_exec(db, "INSERT INTO imports (src_file, operator, "
	    "started_at) VALUES ('k.csv', 'clerk', '2025-11-22 09:00:00'); "
	    "INSERT INTO evaluations (serial, item_code, dept_code, "
	    "area_code, channel, satisfaction, assess_time, import_id, "
	    "src_line, entry_method, row_hash) SELECT serial, 'i', 'd', "
	    "'330523', 5, 5, '2025-11-22 08:00:00', last_insert_rowid(), 2, "
	    "'keyed', 'h' FROM forms WHERE seq = 4") == 0,
	    "an import uses serial 4");
	ok(ledger_void(db, v[3], "clerk", NULL) != 0 &&
	    has(db, "already used"), "a used serial cannot be voided");
	ok(ledger_lookup(db, v[3], &e) == 1 && e.state == LEDGER_USED,
	    "and stays used");
	is_str(ledger_state_name(e.state), "used", "state name");
	ledger_entry_release(&e);
	ok(ledger_void(db, never, "clerk", NULL) != 0 &&
	    has(db, "never issued"), "a serial never issued is refused");
	ok(ledger_void(db, v[4], "clerk", NULL) == 0, "void without reason");
	is_int(q(db, "SELECT count(*) FROM audit", NULL), 2,
	    "two audit rows in all");
	is_int(q(db, "SELECT count(*) FROM ledger WHERE state = 'issued'",
	    NULL), 37, "37 still issued");

	/* the 7-digit sequence runs out */
	ok(db_exec(db, "INSERT INTO forms (serial, seq, template, "
	    "fingerprint, issued_at, operator) VALUES ('3305230199999980', "
	    "9999998, 'STD-1', '0172BF23', '2025-01-01 00:00:00', 'x')") == 0,
	    "a ledger near its end");
	free(w);
	w = NULL;
	ok(ledger_issue(db, 2, "STD-1", "0172BF23", NULL, "tester", &w) !=
	    0 && has(db, "only 1 serials are left"),
	    "issuing past 9999999 is refused, saying how many are left");
	ok(ledger_issue(db, 1, "STD-1", "0172BF23", NULL, "tester", &w) ==
	    0 && w != NULL && strncmp(w[0], "330523019999999", 15) == 0 &&
	    damm_ok(w[0]), "the last one can be issued");
	free(w);
	w = NULL;
	ok(ledger_issue(db, 1, "STD-1", "0172BF23", NULL, "tester", &w) != 0,
	    "then none");

	db_free(db);
	free(all);
	free(v);
	unlink(path);
	free(path);
	path = xasprintf("%s/hcp.db-wal", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/hcp.db-shm", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/hcp.db-journal", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	free(schema);
	return tap_done();
}
