/* SPDX-License-Identifier: ISC */
/*
 * The receiving side (see intake.h): the registry, one batch's intake
 * (verify and load in one transaction, receipt, archive or refused/),
 * the inbox loop and the gaps.  The SQL here is the same for both back
 * ends (intake_db.h); what differs is in intake_sqlite.c and intake_pg.c.
 *
 * One batch, in order (hcp-intake(1), EXACTLY ONCE):
 *   1. the transaction begins (PostgreSQL: with the claim of the file);
 *   2. verify_batch() reads the file once; each record it accepts goes
 *      straight into records as it passes (the fast path: payload()),
 *      its keys after them, and the signature is checked with the key
 *      the registry has for the station at the batch's Hcp-Created;
 *   3. a batch whose bytes are loaded already is a duplicate; one that
 *      did not verify or whose sequence number is taken by other bytes
 *      is refused; all roll back;
 *   4. else the batch and its case events are inserted and the
 *      transaction commits.  What the fast path cannot take (a key
 *      taken, a correction, a month without its partition) rolls it
 *      back, and the batch is taken again on the slow path
 *      (it->careful): staged in intake_stage, conflicts looked up and
 *      listed, superseded records deleted, then inserted;
 *   5. then the receipt is written and the file moved.
 * A kill before 4 commits leaves nothing; after it, the next run finds
 * the batch loaded (a duplicate), writes the receipt and moves it.
 * Steps 1-2 are take_verify(), 3-5 take_finish(): with PostgreSQL they
 * run on two threads and two connections (lanes), a batch's end beside
 * the next one's verification (run_pg()).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "bag.h"
#include "clock.h"
#include "crypto.h"
#include "fileio.h"
#include "i18n.h"
#include "ids.h"
#include "intake.h"
#include "intake_db.h"
#include "outfile.h"
#include "receipt.h"
#include "record.h"
#include "strbuf.h"
#include "verify.h"
#include "xalloc.h"
#include "banned.h"

/* Conflicts listed in a refused batch's reason; more are counted. */
#define MAX_CONFLICTS 20
/* The SQL of share/intake is read whole: a few KB, refused past this. */
#define SQL_MAX (1024 * 1024)

void
intake_seterr(struct intake *it, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(it->err);
	it->err = s != NULL ? s : xstrdup(_("out of memory"));
}

const char *
intake_errstr(const struct intake *it)
{
	return it->err != NULL ? it->err : "";
}

char *
intake_read_sql(struct intake *it, const char *datadir, const char *name)
{
	char *path, *sql;
	size_t len;

	path = xasprintf("%s/intake/%s", datadir, name);
	if (fileio_read(path, SQL_MAX, &sql, &len) != 0)
		intake_seterr(it, "%s: %s", path, strerror(errno));
	free(path);
	return sql;
}

struct intake *
intake_open(const char *path, const char *pg, const char *datadir,
    char **errstr)
{
	struct intake *it = xcalloc(1, sizeof(*it));
	int rc;

	it->datadir = xstrdup(datadir);
	if (pg != NULL) {
		it->pg = 1;
		it->conninfo = xstrdup(pg);
		rc = intake_pg_open(it, pg, datadir);
	} else
		rc = intake_sqlite_open(it, path, datadir);
	if (rc != 0) {
		*errstr = xstrdup(intake_errstr(it));
		intake_close(it);
		return NULL;
	}
	return it;
}

void
intake_close(struct intake *it)
{
	if (it == NULL)
		return;
	if (it->be != NULL && it->h != NULL)
		it->be->close(it);
	free(it->err);
	free(it->stage_err);
	free(it->conninfo);
	free(it->datadir);
	free(it);
}

/* ---- small helpers ------------------------------------------------ */

static int
exec0(struct intake *it, const char *sql)
{
	return it->be->exec(it, sql, 0, NULL);
}

static void
rollback(struct intake *it)
{
	char *keep = it->err;

	it->err = NULL;
	(void)exec0(it, "ROLLBACK");
	free(it->err);
	it->err = keep;
}

/*
 * The error of a batch that could not be taken (a fault of the db, the
 * connection or the disk, not of the batch) names it, and says when it
 * is loaded all the same: only its receipt or its move failed.  One not
 * loaded is not said to be left in the inbox: with PostgreSQL another
 * worker, or the run's other lane, may take it meanwhile.
 */
static void
not_taken(struct intake *it, const char *file, int loaded)
{
	char *e = it->err;

	it->err = NULL;
	if (loaded)
		intake_seterr(it, _("%s: loaded, but left in the inbox (the "
		    "next run writes its receipt and moves it): %s"), file,
		    e != NULL ? e : "");
	else
		intake_seterr(it, "%s: %s", file, e != NULL ? e : "");
	free(e);
}

/* Collects the first row of a query as malloc'd strings. */
struct first {
	int found;
	char *v[8];
};

static int
first_row(void *arg, int n, const char *const *v)
{
	struct first *f = arg;
	int i;

	f->found = 1;
	for (i = 0; i < n && i < 8; i++)
		f->v[i] = v[i] != NULL ? xstrdup(v[i]) : NULL;
	return 1;
}

static void
first_release(struct first *f)
{
	int i;

	for (i = 0; i < 8; i++)
		free(f->v[i]);
	memset(f, 0, sizeof(*f));
}

/*
 * A time as the registry keeps it, "YYYY-MM-DD HH:MM:SS" (the station's
 * wall clock): s may be a date alone.  NULL if s is not a time.
 */
static int
norm_time(const char *s, char out[CLOCK_BUFLEN])
{
	long long t;
	time_t tt;
	struct tm tm;

	if (rec_parse_time(s, &t) != 0)
		return -1;
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL || strftime(out, CLOCK_BUFLEN,
	    "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return -1;
	return 0;
}

/* A station: its region (ids_region_check()) and issuer, 8 digits. */
static int
station_ok(const char *s)
{
	char reg[7];

	if (strlen(s) != 8 || strspn(s, "0123456789") != 8)
		return 0;
	memcpy(reg, s, 6);
	reg[6] = '\0';
	return ids_region_check(reg) == IDS_OK;
}

/* ---- the registry ------------------------------------------------- */

static int
key_usable(struct intake *it, const char *pem)
{
	char *e = NULL;

	if (crypto_sm2_public_check(pem, &e) != 0) {
		intake_seterr(it, _("not a usable SM2 public key: %s"), e);
		free(e);
		return -1;
	}
	return 0;
}

static int
get_station(struct intake *it, const char *station, struct first *f)
{
	const char *p[1] = { station };

	memset(f, 0, sizeof(*f));
	return it->be->query(it, "SELECT station, retired_at FROM stations "
	    "WHERE station = $1", 1, p, first_row, f);
}

int
intake_register(struct intake *it, const char *station, const char *region,
    const char *name, const char *pub_pem, const char *from, const char *to)
{
	char f[CLOCK_BUFLEN] = "", t[CLOCK_BUFLEN], now[CLOCK_BUFLEN];
	char reg[7];
	const char *p[5];
	struct first st;
	int rc;

	if (!station_ok(station)) {
		intake_seterr(it, _("%s: a station is 8 digits (region and "
		    "issuer)"), station);
		return -1;
	}
	if (region != NULL && ids_region_check(region) != IDS_OK) {
		intake_seterr(it, _("%s: a region is a 6-digit administrative "
		    "division code (GB/T 2260)"), region);
		return -1;
	}
	if (name != NULL && !str_is_visible(name)) {
		char *shown = str_visible(name);

		intake_seterr(it, _("%s: a station's name is one line of text, "
		    "without control characters"), shown);
		free(shown);
		return -1;
	}
	if (region == NULL) {
		memcpy(reg, station, 6);
		reg[6] = '\0';
		region = reg;
	}
	if ((from != NULL && norm_time(from, f) != 0) ||
	    (to != NULL && norm_time(to, t) != 0)) {
		intake_seterr(it, _("%s: not a time (YYYY-MM-DD [HH:MM:SS])"),
		    from != NULL && norm_time(from, f) != 0 ? from : to);
		return -1;
	}
	if (to != NULL && strcmp(t, f) <= 0) {
		intake_seterr(it, _("the key's validity ends before it "
		    "begins"));
		return -1;
	}
	if (key_usable(it, pub_pem) != 0)
		return -1;
	if (exec0(it, it->be->begin_sql) != 0)
		return -1;
	if (get_station(it, station, &st) != 0)
		goto fail;
	if (st.found) {
		first_release(&st);
		intake_seterr(it, _("station %s is registered already: give "
		    "it a new key with --rotate"), station);
		goto fail;
	}
	clock_format(clock_now(), now);
	p[0] = station;
	p[1] = region;
	p[2] = name != NULL ? name : "";
	p[3] = now;
	if (it->be->exec(it, "INSERT INTO stations (station, region, name, "
	    "registered_at) VALUES ($1, $2, $3, $4)", 4, p) != 0)
		goto fail;
	p[1] = f;
	p[2] = to != NULL ? t : NULL;
	p[3] = pub_pem;
	if (it->be->exec(it, "INSERT INTO station_keys (station, valid_from, "
	    "valid_to, pub_pem) VALUES ($1, $2, $3, $4)", 4, p) != 0)
		goto fail;
	if ((rc = exec0(it, "COMMIT")) != 0)
		goto fail;
	return 0;
fail:
	rollback(it);
	return -1;
}

int
intake_rotate(struct intake *it, const char *station, const char *pub_pem,
    const char *from)
{
	char f[CLOCK_BUFLEN];
	const char *p[3];
	struct first st, k;

	if (norm_time(from, f) != 0) {
		intake_seterr(it, _("%s: not a time (YYYY-MM-DD [HH:MM:SS])"),
		    from);
		return -1;
	}
	if (key_usable(it, pub_pem) != 0)
		return -1;
	if (exec0(it, it->be->begin_sql) != 0)
		return -1;
	if (get_station(it, station, &st) != 0)
		goto fail;
	if (!st.found) {
		intake_seterr(it, _("station %s is not registered"), station);
		goto fail;
	}
	if (st.v[1] != NULL) {
		intake_seterr(it, _("station %s was retired on %s"), station,
		    st.v[1]);
		first_release(&st);
		goto fail;
	}
	first_release(&st);
	p[0] = station;
	p[1] = f;
	memset(&k, 0, sizeof(k));
	if (it->be->query(it, "SELECT valid_from FROM station_keys WHERE "
	    "station = $1 AND valid_from >= $2", 2, p, first_row, &k) != 0)
		goto fail;
	if (k.found) {
		intake_seterr(it, _("station %s has a key valid from %s: a new "
		    "key must begin later"), station, k.v[0]);
		first_release(&k);
		goto fail;
	}
	/* the key in force until now stays valid before from */
	if (it->be->exec(it, "UPDATE station_keys SET valid_to = $2 WHERE "
	    "station = $1 AND (valid_to IS NULL OR valid_to > $2)", 2, p) != 0)
		goto fail;
	p[2] = pub_pem;
	if (it->be->exec(it, "INSERT INTO station_keys (station, valid_from, "
	    "pub_pem) VALUES ($1, $2, $3)", 3, p) != 0)
		goto fail;
	if (exec0(it, "COMMIT") != 0)
		goto fail;
	return 0;
fail:
	rollback(it);
	return -1;
}

int
intake_retire(struct intake *it, const char *station, const char *at)
{
	char a[CLOCK_BUFLEN];
	const char *p[2];
	struct first st;

	if (at == NULL)
		clock_format(clock_now(), a);
	else if (norm_time(at, a) != 0) {
		intake_seterr(it, _("%s: not a time (YYYY-MM-DD [HH:MM:SS])"),
		    at);
		return -1;
	}
	if (exec0(it, it->be->begin_sql) != 0)
		return -1;
	if (get_station(it, station, &st) != 0)
		goto fail;
	if (!st.found) {
		intake_seterr(it, _("station %s is not registered"), station);
		goto fail;
	}
	/* retired again: earlier only (a retirement is never undone) */
	if (st.v[1] != NULL && strcmp(st.v[1], a) <= 0) {
		intake_seterr(it, _("station %s was retired on %s already"),
		    station, st.v[1]);
		first_release(&st);
		goto fail;
	}
	first_release(&st);
	p[0] = station;
	p[1] = a;
	if (it->be->exec(it, "UPDATE stations SET retired_at = $2 WHERE "
	    "station = $1", 2, p) != 0 ||
	    it->be->exec(it, "UPDATE station_keys SET valid_to = $2 WHERE "
	    "station = $1 AND (valid_to IS NULL OR valid_to > $2)", 2, p) != 0)
		goto fail;
	if (exec0(it, "COMMIT") != 0)
		goto fail;
	return 0;
fail:
	rollback(it);
	return -1;
}

/* ---- the keys of a run -------------------------------------------- */

struct skey {
	char *station, *from, *to, *pem, *retired, *region;
};

/* What the batches of a run share. */
struct run {
	struct intake *it;
	const struct intake_opts *o;
	const char *inbox;
	char *archive, *refused;
	struct sm2_key *receipt_key;
	struct skey *keys;
	size_t nkeys;
};

/* A connection and the batch it takes. */
struct lane {
	struct run *r;
	struct intake *it;
	struct rec_ctx *ctx, *kctx;
	/* the batch at hand */
	char created[CLOCK_BUFLEN];
	const char *region;	/* its station's (keys[]) */
	long nsupersede;	/* superseding records staged */
	char *events;		/* data/case-events.csv, or NULL */
	size_t nevents;		/* its length */
	int skip;		/* its rows are not loaded */
	int again;		/* it must be taken on the slow path */
	char *file;		/* its name in the inbox */
	struct verify_result v;	/* take_verify()'s for take_finish() */
	/* the pipeline (run_pg) */
	enum { LANE_IDLE, LANE_QUEUED, LANE_AGAIN } state;
};

static int
add_key(void *arg, int n, const char *const *v)
{
	struct run *r = arg;
	struct skey *k;

	(void)n;
	r->keys = xreallocarray(r->keys, r->nkeys + 1, sizeof(*r->keys));
	k = &r->keys[r->nkeys++];
	k->station = xstrdup(v[0]);
	k->from = xstrdup(v[1] != NULL ? v[1] : "");
	k->to = v[2] != NULL ? xstrdup(v[2]) : NULL;
	k->pem = xstrdup(v[3]);
	k->retired = v[4] != NULL ? xstrdup(v[4]) : NULL;
	k->region = xstrdup(v[5]);
	return 0;
}

static void
keys_release(struct run *r)
{
	size_t i;

	for (i = 0; i < r->nkeys; i++) {
		free(r->keys[i].station);
		free(r->keys[i].from);
		free(r->keys[i].to);
		free(r->keys[i].pem);
		free(r->keys[i].retired);
		free(r->keys[i].region);
	}
	free(r->keys);
	r->keys = NULL;
	r->nkeys = 0;
}

/* Reads the registry, one row per station without keys too. */
static int
keys_load(struct run *r)
{
	keys_release(r);
	return r->it->be->query(r->it, "SELECT s.station, k.valid_from, "
	    "k.valid_to, k.pub_pem, s.retired_at, s.region FROM stations s "
	    "JOIN station_keys k ON k.station = s.station ORDER BY "
	    "s.station, k.valid_from", 0, NULL, add_key, r);
}

/* verify_opts.key_at: the key of station valid at created. */
static const char *
key_at(void *arg, const char *station, const char *created, char **why)
{
	struct lane *l = arg;
	struct skey *k, *last = NULL;
	char c[CLOCK_BUFLEN];
	size_t i;

	if (station == NULL) {
		*why = xstrdup(_("no station named in bag-info.txt: no key "
		    "to check the signature with"));
		return NULL;
	}
	if (created == NULL || norm_time(created, c) != 0) {
		*why = xstrdup(_("no valid Hcp-Created in bag-info.txt: the "
		    "station's key in force cannot be told"));
		return NULL;
	}
	snprintf(l->created, sizeof(l->created), "%s", c);
	for (i = 0; i < l->r->nkeys; i++) {
		k = &l->r->keys[i];
		if (strcmp(k->station, station) != 0)
			continue;
		last = k;
		if (strcmp(k->from, c) <= 0 && (k->to == NULL ||
		    strcmp(c, k->to) < 0)) {
			l->region = k->region;
			return k->pem;
		}
	}
	if (last == NULL)
		*why = xasprintf(_("station %s is not registered here: "
		    "refused"), station);
	else if (last->retired != NULL && strcmp(c, last->retired) >= 0)
		*why = xasprintf(_("station %s was retired on %s; the batch "
		    "was made on %s: refused"), station, last->retired, c);
	else
		*why = xasprintf(_("no key of station %s is valid at %s, when "
		    "the batch was made: refused"), station, c);
	return NULL;
}

/*
 * verify_opts.payload, on the fast path: the records go straight into
 * records, under the station and sequence number bag-info.txt announces
 * (verify checks them against the bag's name; a batch that fails is
 * rolled back).  Not when the batch is loaded already (by station and
 * sequence number: its receipt again, or refused), when its station is
 * not registered (refused), and not when bag-info.txt did not come
 * first (then the slow path).
 */
static void
payload(void *arg, const char *station, long long seq)
{
	struct lane *l = arg;
	struct intake *it = l->it;
	const char *p[2], *region = NULL;
	char s[24];
	struct first f;
	size_t i;

	if (it->careful)
		return;
	l->skip = 1;
	if (station == NULL || seq <= 0) {
		l->again = 1;
		return;
	}
	for (i = 0; i < l->r->nkeys && region == NULL; i++)
		if (strcmp(l->r->keys[i].station, station) == 0)
			region = l->r->keys[i].region;
	if (region == NULL)
		return;
	snprintf(s, sizeof(s), "%lld", seq);
	p[0] = station;
	p[1] = s;
	memset(&f, 0, sizeof(f));
	if (it->be->query(it, "SELECT sha256, received FROM batches WHERE "
	    "station = $1 AND seq = CAST($2 AS BIGINT)", 2, p, first_row,
	    &f) != 0 || f.found) {
		first_release(&f);
		l->again = !f.found;	/* an error: said again, slowly */
		return;
	}
	if (it->be->direct_begin(it, station, region, s) != 0) {
		l->again = 1;
		return;
	}
	l->skip = 0;
}

/*
 * verify_opts.row: one accepted record into records (the fast path) or
 * intake_stage (the slow path).  A record the fast path cannot take (a
 * correction, a month without its partition, a key taken) sends the
 * batch to the slow path.
 */
static int
stage_row(void *arg, const struct rec *rec, const char *supersedes,
    size_t ncells, const char *const *cells, char **why)
{
	struct lane *l = arg;
	struct intake *it = l->it;
	const char *v[INTAKE_NSTAGE];
	char line[24], month[11];
	const char *at;
	int f, rc;

	(void)ncells;
	(void)cells;
	if (rec == NULL || it->stage_failed || l->skip)
		return 0;
	if (*supersedes != '\0' && !it->careful) {
		l->skip = l->again = 1;
		return 0;
	}
	at = rec->v[F_ASSESS_TIME];
	snprintf(line, sizeof(line), "%ld", rec->line);
	if (strlen(at) >= 7)
		snprintf(month, sizeof(month), "%.7s-01", at);
	else
		snprintf(month, sizeof(month), "1970-01-01");
	v[0] = line;
	v[1] = *supersedes != '\0' ? supersedes : NULL;
	if (v[1] != NULL)
		l->nsupersede++;
	v[2] = month;
	/* the local fields (F_LOCAL on) are in no batch */
	for (f = 0; f < F_LOCAL; f++)
		v[3 + f] = *rec->v[f] != '\0' ? rec->v[f] : NULL;
	if ((rc = it->be->stage_row(it, v)) != 0 && rc != -1 &&
	    !it->careful) {
		l->skip = l->again = 1;
		return 0;
	}
	if (rc != 0) {
		it->stage_failed = 1;
		it->stage_err = xstrdup(intake_errstr(it));
		*why = xasprintf(_("cannot load the record: %s"),
		    intake_errstr(it));
		return -1;
	}
	return 0;
}

/* ---- one batch ---------------------------------------------------- */

/* Writes path; lazy: not synced (outfile_lazy()). */
static int
write_text(const char *path, const char *text, int lazy, char **e)
{
	struct outfile *of;

	if ((of = outfile_open(path, OUTFILE_PRIVATE, e)) == NULL)
		return -1;
	if (lazy)
		outfile_lazy(of);
	if (fputs(text, outfile_fp(of)) == EOF) {
		*e = xasprintf("%s: %s", path, strerror(errno));
		outfile_abort(of);
		return -1;
	}
	return outfile_commit(of, e);
}

/*
 * The name inbox/file takes in dir: to, or, when dir holds a file of
 * that name and other bytes (an upload of that name refused before),
 * the first free of STEM.2.tar.gz, STEM.3.tar.gz...: nothing kept there
 * is replaced or lost.  The same bytes again take the same name.
 */
static char *
free_name(struct lane *l, const char *file, const char *dir, const char *to)
{
	static const char tgz[] = ".tar.gz";
	size_t n = strlen(to), stem = n;
	const char *ext = "";
	char *from = xasprintf("%s/%s", l->r->inbox, file);
	char *name = xstrdup(to), *path;
	int k, taken;

	if (n > strlen(tgz) && strcmp(to + n - strlen(tgz), tgz) == 0) {
		stem = n - strlen(tgz);
		ext = tgz;
	}
	for (k = 2;; k++) {
		path = xasprintf("%s/%s", dir, name);
		taken = access(path, F_OK) == 0 && fileio_same(from, path) != 1;
		free(path);
		if (!taken)
			break;
		free(name);
		name = xasprintf("%.*s.%d%s", (int)stem, to, k, ext);
	}
	free(from);
	return name;
}

/* Removes refused/kept.reason when refused/kept is gone. */
static void
forget_one(struct lane *l, const char *kept)
{
	char *path = xasprintf("%s/%s", l->r->refused, kept);
	char *why = xasprintf("%s.reason", path);

	if (access(path, F_OK) != 0 && errno == ENOENT)
		(void)unlink(why);
	free(why);
	free(path);
}

/*
 * A batch taken after all (archived as to, "NAME.tar.gz"): the reasons
 * it was refused are over once their refused copies were moved back
 * (into the inbox, say) or removed.  So refused/file.reason goes, and
 * so do refused/NAME.tar.gz.reason and NAME.2.tar.gz.reason... (the
 * names free_name() gives) whose batch file is no longer beside them:
 * a copy moved back under another name is forgotten too.
 */
static void
forget_reason(struct lane *l, const char *file, const char *to)
{
	static const char tail[] = ".tar.gz.reason";
	size_t stem = strlen(to), n;
	struct dirent *e;
	char *kept;
	DIR *d;

	forget_one(l, file);
	if (stem <= 7 || strcmp(to + stem - 7, ".tar.gz") != 0)
		return;
	stem -= 7;
	if ((d = opendir(l->r->refused)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		const char *p = e->d_name + stem;

		n = strlen(e->d_name);
		if (n <= stem || strncmp(e->d_name, to, stem) != 0 ||
		    n < stem + sizeof(tail) - 1 ||
		    strcmp(e->d_name + n - (sizeof(tail) - 1), tail) != 0)
			continue;
		/* "" or ".K" between the stem and ".tar.gz.reason" */
		if (*p == '.' && p < e->d_name + n - (sizeof(tail) - 1) &&
		    strspn(p + 1, "0123456789") > 0)
			p += 1 + strspn(p + 1, "0123456789");
		if (p != e->d_name + n - (sizeof(tail) - 1))
			continue;
		kept = xstrndup(e->d_name, n - strlen(".reason"));
		forget_one(l, kept);
		free(kept);
	}
	closedir(d);
}

/*
 * Moves inbox/file to dir/to, or to the free name free_name() gives; if
 * the same bytes are there already (the same batch came again), the
 * inbox's copy is removed.  A file gone already (taken by another
 * worker) is no error.
 */
static int
move_file(struct lane *l, const char *file, const char *dir, const char *to)
{
	char *from = xasprintf("%s/%s", l->r->inbox, file);
	char *dest, *e, *name;
	struct stat st;
	int rc = 0;

	name = free_name(l, file, dir, to);
	dest = xasprintf("%s/%s", dir, name);
	free(name);
	if (outfile_mkdirs(dir, &e) != 0) {
		intake_seterr(l->it, "%s", e);
		free(e);
		rc = -1;
	} else if (lstat(dest, &st) == 0 && S_ISREG(st.st_mode)) {
		if (unlink(from) != 0 && errno != ENOENT) {
			intake_seterr(l->it, "%s: %s", from, strerror(errno));
			rc = -1;
		}
	} else if (rename(from, dest) != 0 && errno != ENOENT) {
		intake_seterr(l->it, _("cannot move %s to %s: %s"), from, dest,
		    strerror(errno));
		rc = -1;
	}
	free(from);
	free(dest);
	if (rc == 0 && dir == l->r->archive)
		forget_reason(l, file, to);
	return rc;
}

/*
 * Writes the signed receipt inbox/NAME.receipt, after the commit, not
 * synced: lost in a crash, it is written again when the station sends
 * the batch again for want of it (the batch is found loaded).
 */
static int
give_receipt(struct lane *l, const char *name, const char *sha256,
    long long records, const char *received)
{
	struct receipt rc;
	char *text, *e, *path;
	int ret;

	memset(&rc, 0, sizeof(rc));
	rc.batch = (char *)name;
	memcpy(rc.sha256, sha256, sizeof(rc.sha256));
	rc.sha256[64] = '\0';
	rc.records = records;
	rc.received = (char *)received;
	if (receipt_make(&rc, l->r->receipt_key, &text, &e) != 0) {
		intake_seterr(l->it, "%s", e);
		free(e);
		return -1;
	}
	path = xasprintf("%s/%s.receipt", l->r->inbox, name);
	ret = write_text(path, text, 1, &e);
	if (ret != 0) {
		intake_seterr(l->it, "%s", e);
		free(e);
	}
	free(path);
	/* a refusal of other bytes under that name is over */
	path = xasprintf("%s/%s.refused", l->r->inbox, name);
	if (ret == 0 && unlink(path) != 0 && errno != ENOENT) {
		intake_seterr(l->it, "%s: %s", path, strerror(errno));
		ret = -1;
	}
	free(path);
	free(text);
	return ret;
}

/*
 * The signed refusal of file where its station's upload script looks for
 * the receipt: inbox/STEM.refused, STEM the name it was uploaded under
 * (receipt_refusal()).
 */
static int
give_refusal(struct lane *l, const char *file, const char *reasons)
{
	char *text, *e, *path;
	int ret;

	if ((ret = receipt_refusal(file, l->v.sha256, reasons,
	    l->r->receipt_key, &text, &e)) != 0) {
		if (ret < 0) {
			intake_seterr(l->it, "%s", e);
			free(e);
		}
		return ret < 0 ? -1 : 0;
	}
	path = xasprintf("%s/%.*s.refused", l->r->inbox,
	    (int)(strlen(file) - strlen(".tar.gz")), file);
	if ((ret = write_text(path, text, 1, &e)) != 0) {
		intake_seterr(l->it, "%s", e);
		free(e);
	}
	free(path);
	free(text);
	return ret;
}

static int
refuse(struct lane *l, const char *file, struct strbuf *why,
    struct intake_batch *b)
{
	struct strbuf shown = STRBUF_INIT;
	const char *p, *nl;
	char *path, *e, *to;
	int rc;

	/* its lines as they may be shown: names and keys from outside */
	for (p = strbuf_str(why); *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		strbuf_add_visible(&shown, p, (size_t)(nl - p));
		if (*nl != '\0')
			strbuf_addc(&shown, '\n');
	}
	strbuf_release(why);
	*why = shown;
	to = free_name(l, file, l->r->refused, file);
	path = xasprintf("%s/%s.reason", l->r->refused, to);
	if (outfile_mkdirs(l->r->refused, &e) != 0 ||
	    write_text(path, why->buf, 0, &e) != 0) {
		intake_seterr(l->it, "%s", e);
		free(e);
		free(path);
		free(to);
		return -1;
	}
	free(path);
	b->outcome = INTAKE_REFUSED;
	b->reason = why->buf;
	if ((rc = give_refusal(l, file, why->buf)) == 0)
		rc = move_file(l, file, l->r->refused, to);
	free(to);
	return rc;
}

/* Lists conflicts (line, key, holder) into a reason. */
struct conflicts {
	struct strbuf *why;
	const char *what;
	long n;
};

static int
add_conflict(void *arg, int n, const char *const *v)
{
	struct conflicts *c = arg;

	(void)n;
	if (c->n++ < MAX_CONFLICTS)
		strbuf_addf(c->why, _("data/evaluations.csv:%s: %s %s is "
		    "loaded already from hcp-%s-%06lld line %s: conflict, "
		    "not overwritten\n"), v[0], c->what, v[1], v[2],
		    strtoll(v[3], NULL, 10), v[4]);
	return 0;
}

static const char sql_serial_conflicts[] =
    "SELECT s.line, s.serial, k.station, k.seq, k.line "
    "FROM intake_stage s JOIN serial_keys k ON k.station = $1 AND "
    "k.serial = s.serial WHERE s.supersedes IS NULL ORDER BY s.line";
static const char sql_project_conflicts[] =
    "SELECT s.line, s.project_no || '/' || s.assess_number, k.station, "
    "k.seq, k.line FROM intake_stage s JOIN project_keys k ON "
    "k.project_no = s.project_no AND k.assess_number = s.assess_number "
    "WHERE s.supersedes IS NULL OR k.station <> $1 ORDER BY s.line";

/*
 * The records a correction supersedes leave, with their keys (the
 * station's own only: another station's key is a conflict).  The records
 * are found through their keys.
 */
static const char *const sql_supersede[] = {
	"DELETE FROM records WHERE station = $1 AND (seq, line) IN (SELECT "
	"k.seq, k.line FROM serial_keys k JOIN intake_stage s ON s.serial = "
	"k.serial WHERE k.station = $1 AND s.supersedes IS NOT NULL)",
	"DELETE FROM records WHERE station = $1 AND (seq, line) IN (SELECT "
	"k.seq, k.line FROM project_keys k JOIN intake_stage s ON "
	"s.project_no = k.project_no AND s.assess_number = k.assess_number "
	"WHERE k.station = $1 AND s.supersedes IS NOT NULL)",
	"DELETE FROM serial_keys WHERE station = $1 AND serial IN (SELECT "
	"serial FROM intake_stage WHERE supersedes IS NOT NULL)",
	"DELETE FROM project_keys WHERE station = $1 AND EXISTS (SELECT 1 "
	"FROM intake_stage s WHERE s.supersedes IS NOT NULL AND "
	"s.project_no = project_keys.project_no AND s.assess_number = "
	"project_keys.assess_number)",
	NULL
};

/*
 * The slow path's load from intake_stage, conflicts listed before: the
 * keys, then the records.  Parameters: station, seq, region (the first n
 * of them).
 */
static const struct {
	const char *sql;
	int n;
} sql_load[] = {
	{ "INSERT INTO serial_keys (station, region, serial, seq, line) "
	  "SELECT $1, $3, serial, CAST($2 AS BIGINT), line FROM intake_stage "
	  "WHERE serial IS NOT NULL", 3 },
	{ "INSERT INTO project_keys (project_no, assess_number, station, seq, "
	  "line) SELECT project_no, assess_number, $1, CAST($2 AS BIGINT), "
	  "line FROM intake_stage WHERE project_no IS NOT NULL", 2 },
	{ "INSERT INTO records (station, region, seq, " INTAKE_STAGE_COLS ") "
	  "SELECT $1, $3, CAST($2 AS BIGINT), " INTAKE_STAGE_COLS " FROM "
	  "intake_stage", 3 },
	{ NULL, 0 }
};

/* The columns of data/case-events.csv (hcp-csv(5)), in its order. */
#define EVENT_COLS "event_id, case_id, serial, project_no, assess_number, " \
	"record_batch, assess_time, satisfaction, action, outcome, " \
	"action_date, recorded_at, operator, state_from, state_to, " \
	"reform_status, sfhfang, hfdc, sfeypj, due_date, text"
#define NEVENT_COLS 21

struct events {
	struct intake *it;
	const char *p[3 + NEVENT_COLS];	/* station, region, seq, cells */
	struct strbuf cell[NEVENT_COLS];
	size_t ncells;
	long line;
	long long n;
	int rc;
};

static void
event_field(void *f, size_t n, void *arg)
{
	struct events *e = arg;

	if (e->ncells < NEVENT_COLS) {
		strbuf_reset(&e->cell[e->ncells]);
		strbuf_add(&e->cell[e->ncells], f, n);
	}
	e->ncells++;
}

static void
event_row(int c, void *arg)
{
	struct events *e = arg;
	size_t k;

	(void)c;
	if (e->line++ == 0 || e->rc != 0 || e->ncells != NEVENT_COLS) {
		e->ncells = 0;
		return;		/* the header; the rest verify checked */
	}
	for (k = 0; k < NEVENT_COLS; k++)
		e->p[3 + k] = e->cell[k].len > 0 ? e->cell[k].buf : NULL;
	e->rc = e->it->be->exec(e->it, "INSERT INTO case_events (station, "
	    "region, seq, " EVENT_COLS ") VALUES ($1, $2, CAST($3 AS BIGINT), "
	    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
	    "$18, $19, $20, $21, $22, $23, $24) ON CONFLICT DO NOTHING",
	    3 + NEVENT_COLS, e->p);
	e->n++;
	e->ncells = 0;
}

/*
 * The case events the batch carries (verified with it), each once: an
 * event loaded already (its station and eventId) is left as it is.
 */
static int
load_events(struct lane *l, const char *station, const char *seq)
{
	struct csv_parser p;
	struct events e;
	size_t k;

	if (l->events == NULL)
		return 0;
	memset(&e, 0, sizeof(e));
	e.it = l->it;
	e.p[0] = station;
	e.p[1] = l->region;
	e.p[2] = seq;
	for (k = 0; k < NEVENT_COLS; k++)
		strbuf_init(&e.cell[k]);
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0) {
		intake_seterr(l->it, "out of memory");
		return -1;
	}
	if (csv_parse(&p, l->events, l->nevents, event_field, event_row,
	    &e) != l->nevents || csv_fini(&p, event_field, event_row, &e) !=
	    0) {
		intake_seterr(l->it, "%s: %s", BAG_EVENTS,
		    csv_strerror(csv_error(&p)));
		e.rc = -1;
	}
	csv_free(&p);
	for (k = 0; k < NEVENT_COLS; k++)
		strbuf_release(&e.cell[k]);
	return e.rc;
}

/* verify_opts.events: keeps data/case-events.csv for load_events(). */
static void
keep_events(void *arg, const char *csv, size_t len)
{
	struct lane *l = arg;

	free(l->events);
	l->events = xmalloc(len + 1);
	memcpy(l->events, csv, len);
	l->events[len] = '\0';
	l->nevents = len;
}

/* The batch into batches, then its case events. */
static int
insert_batch(struct lane *l, const struct verify_result *v,
    const char *received, const char *seq, const char *recs)
{
	const char *p[8];
	int rc;

	p[0] = v->station;
	p[1] = seq;
	p[2] = l->region;
	p[3] = v->name;
	p[4] = v->sha256;
	p[5] = recs;
	p[6] = l->created[0] != '\0' ? l->created : NULL;
	p[7] = received;
	if ((rc = l->it->be->exec(l->it, "INSERT INTO batches (station, seq, "
	    "region, name, sha256, records, created, received) VALUES ($1, "
	    "CAST($2 AS BIGINT), $3, $4, $5, CAST($6 AS BIGINT), $7, $8)", 8,
	    p)) != 0)
		return rc;
	return load_events(l, v->station, seq);
}

/*
 * Steps 3 and 4 for a batch that verified: returns 0 (loaded), 1
 * (refused, why filled), -1 (error), -2 (a key taken: by a record loaded
 * before, or meanwhile by a concurrent worker; try again, carefully).
 */
static int
load(struct lane *l, const struct verify_result *v, const char *received,
    struct strbuf *why)
{
	struct intake *it = l->it;
	char seq[24], recs[24];
	const char *p[8];
	struct first f;
	struct conflicts c;
	int i, rc;

	snprintf(seq, sizeof(seq), "%lld", v->seq);
	snprintf(recs, sizeof(recs), "%lld", v->records);
	p[0] = v->station;
	p[1] = seq;
	/* the fast path: payload() found the number free, records are in */
	if (!it->careful && !l->skip)
		return insert_batch(l, v, received, seq, recs);
	memset(&f, 0, sizeof(f));
	if (it->be->query(it, "SELECT sha256, received FROM batches WHERE "
	    "station = $1 AND seq = CAST($2 AS BIGINT)", 2, p, first_row,
	    &f) != 0)
		return -1;
	if (f.found) {
		strbuf_addf(why, _("sequence number %lld of station %s was "
		    "loaded on %s from another batch (SHA-256 %s): this one "
		    "is refused\n"), v->seq, v->station, f.v[1], f.v[0]);
		first_release(&f);
		return 1;
	}
	if (!it->careful)	/* nothing loaded: again, on the slow path */
		return -2;
	if (it->be->partitions(it) != 0)
		return -1;
	c.why = why;
	c.n = 0;
	c.what = _("serial");
	if (it->be->query(it, sql_serial_conflicts, 1, p, add_conflict, &c) !=
	    0)
		return -1;
	c.what = _("projectNo/assessNumber");
	if (it->be->query(it, sql_project_conflicts, 1, p, add_conflict, &c) !=
	    0)
		return -1;
	if (c.n > MAX_CONFLICTS)
		strbuf_addf(why, _("%ld more conflicts\n"), c.n -
		    MAX_CONFLICTS);
	if (c.n > 0)
		return 1;
	for (i = 0; l->nsupersede > 0 && sql_supersede[i] != NULL; i++)
		if (it->be->exec(it, sql_supersede[i], 1, p) != 0)
			return -1;
	p[2] = l->region;
	for (i = 0; sql_load[i].sql != NULL; i++)
		if ((rc = it->be->exec(it, sql_load[i].sql, sql_load[i].n,
		    p)) != 0)
			return rc;
	return insert_batch(l, v, received, seq, recs);
}

/*
 * The same bytes were loaded before (f: their name, records, received):
 * the receipt again, and the file to the archive.
 */
static int
resend(struct lane *l, const char *file, struct first *f, const char *sha,
    struct intake_batch *b)
{
	char *name;
	int rc;

	b->outcome = INTAKE_DUPLICATE;
	b->records = strtoll(f->v[1], NULL, 10);
	name = xstrdup(f->v[0]);
	rc = give_receipt(l, name, sha, b->records, f->v[2]);
	first_release(f);
	if (rc == 0) {
		char *to = xasprintf("%s.tar.gz", name);

		rc = move_file(l, file, l->r->archive, to);
		free(to);
	}
	free(name);
	return rc;
}

/*
 * The first half of taking inbox/file, inside a transaction begun by the
 * caller: verify_batch() reads it, the records streaming into the db.
 * Returns 0 (go on with take_finish()), or 2 (the file is gone: another
 * worker took it) or -1, rolled back.
 */
static int
take_verify(struct lane *l, const char *file)
{
	struct intake *it = l->it;
	struct verify_opts vo;
	char *path, *e;

	path = xstrdup(file);	/* file may be l->file */
	free(l->file);
	file = l->file = path;
	l->created[0] = '\0';
	l->region = NULL;
	l->nsupersede = 0;
	l->skip = l->again = 0;
	free(l->events);
	l->events = NULL;
	it->stage_failed = 0;
	free(it->stage_err);
	it->stage_err = NULL;
	if (it->careful && it->be->stage_begin(it) != 0) {
		rollback(it);
		not_taken(it, file, 0);
		return -1;
	}
	memset(&vo, 0, sizeof(vo));
	vo.ctx = l->ctx;
	vo.keys = l->kctx;
	vo.seen = rec_seen_new();
	vo.key_at = key_at;
	vo.row = stage_row;
	vo.events = keep_events;
	vo.payload = payload;
	vo.arg = l;
	path = xasprintf("%s/%s", l->r->inbox, file);
	if (verify_batch(path, &vo, &l->v, &e) == 0) {
		free(path);
		rec_seen_free(vo.seen);
		return 0;
	}
	(void)it->be->stage_end(it);
	rollback(it);
	rec_seen_free(vo.seen);
	verify_result_release(&l->v);
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		free(e);
		free(path);
		return 2;
	}
	intake_seterr(it, "%s", e);	/* it names the file */
	free(e);
	free(path);
	return -1;
}

/*
 * The second half: the batch verified by take_verify() is loaded,
 * refused or found loaded before, and the transaction ends (commit or
 * rollback).  Returns 0 (done: o->done says how), -2 (try again, on the
 * slow path) or -1.
 */
static int
take_finish(struct lane *l)
{
	struct intake *it = l->it;
	struct verify_result *v = &l->v;
	const char *file = l->file;
	struct intake_batch b;
	struct strbuf why = STRBUF_INIT;
	struct first f;
	char received[CLOCK_BUFLEN];
	const char *p[2];
	int rc = -1, lrc, loaded = 0;

	memset(&b, 0, sizeof(b));
	b.file = file;
	if ((lrc = it->be->stage_end(it)) == -2 && !it->careful)
		l->again = 1;
	else if (lrc != 0 && !it->stage_failed) {
		it->stage_failed = 1;
		it->stage_err = xstrdup(intake_errstr(it));
	}
	/* the fast path could not take it: again, on the slow path */
	if (l->again) {
		rollback(it);
		rc = -2;
		goto out;
	}
	if (it->stage_failed) {
		intake_seterr(it, "%s", it->stage_err);
		rollback(it);
		goto out;
	}
	b.name = v->name;
	b.records = v->records;

	/* the same bytes loaded before: the receipt again */
	memset(&f, 0, sizeof(f));
	p[0] = v->station;
	p[1] = v->sha256;
	if (v->station != NULL && it->be->query(it, "SELECT name, records, "
	    "received FROM batches WHERE station = $1 AND sha256 = $2", 2, p,
	    first_row, &f) != 0) {
		rollback(it);
		goto out;
	}
	if (f.found) {
		rollback(it);
		loaded = 1;
		rc = resend(l, file, &f, v->sha256, &b);
		goto out;
	}
	if (!verify_ok(v) || v->name == NULL || v->station == NULL) {
		rollback(it);
		verify_problems_text(v, &why);
		rc = refuse(l, file, &why, &b);
		goto out;
	}
	clock_format(clock_now(), received);
	lrc = load(l, v, received, &why);
	if (lrc == 1) {
		rollback(it);
		rc = refuse(l, file, &why, &b);
		goto out;
	}
	if (lrc != 0) {
		rollback(it);
		rc = lrc;
		goto out;
	}
	if ((lrc = exec0(it, "COMMIT")) != 0) {
		rollback(it);
		rc = lrc;
		goto out;
	}
	b.outcome = INTAKE_LOADED;
	loaded = 1;
	if ((rc = give_receipt(l, v->name, v->sha256, v->records,
	    received)) == 0) {
		char *to = xasprintf("%s.tar.gz", v->name);

		rc = move_file(l, file, l->r->archive, to);
		free(to);
	}
out:
	if (rc == -1)
		not_taken(it, file, loaded);
	if (rc == 0 && l->r->o->done != NULL)
		l->r->o->done(l->r->o->arg, &b);
	strbuf_release(&why);
	verify_result_release(v);
	return rc;
}

/* ---- the inbox ---------------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The *.tar.gz regular files of dir, sorted.  Any other *.tar.gz (a
 * link, a directory) is said to o->done as left where it is: nginx
 * writes none, and a link would take intake out of the inbox.
 */
static int
list_inbox(struct intake *it, const char *dir, const struct intake_opts *o,
    char ***out, size_t *n)
{
	struct intake_batch left;
	int there;
	DIR *d;
	struct dirent *de;
	struct stat st;
	char **v = NULL, *p;
	size_t len;

	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		intake_seterr(it, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 7 ||
		    strcmp(de->d_name + len - 7, ".tar.gz") != 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		/* one gone meanwhile was taken by another worker */
		there = lstat(p, &st) == 0;
		if (there && S_ISREG(st.st_mode)) {
			v = xreallocarray(v, *n + 1, sizeof(*v));
			v[(*n)++] = xstrdup(de->d_name);
		} else if (there && o->done != NULL) {
			memset(&left, 0, sizeof(left));
			left.file = de->d_name;
			left.outcome = INTAKE_LEFT;
			left.reason = _("not a regular file but a link, a "
			    "directory or a device: left where it is (only "
			    "files uploaded into the inbox are taken)");
			o->done(o->arg, &left);
		}
		free(p);
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), cmp_str);
	*out = v;
	return 0;
}

static int
take(struct lane *l, const char *file)
{
	int rc;

	if ((rc = take_verify(l, file)) != 0)
		return rc;
	return take_finish(l);
}

/*
 * Takes file on l from try number tries on, a try after the first on the
 * slow path; the first in a transaction of the caller's if claimed.
 * Returns 0 (taken, or gone) or -1.
 */
static int
take_retrying(struct lane *l, const char *name, int tries, int claimed)
{
	struct intake *it = l->it;
	char *file = xstrdup(name);	/* name may be l->file */
	const char *p[2];
	int rc = -1;

	for (; tries < 3; tries++) {
		/* a key taken: again, on the slow path */
		it->careful = tries > 0;
		if (!claimed || tries > 0) {
			if (exec0(it, it->be->begin_sql) != 0) {
				not_taken(it, file, 0);
				break;
			}
			/* PostgreSQL: claimed again (waits for a worker) */
			p[0] = l->r->inbox;
			p[1] = file;
			if (it->pg && it->be->exec(it, "DELETE FROM "
			    "intake_queue WHERE inbox = $1 AND file = $2", 2,
			    p) != 0) {
				rollback(it);
				not_taken(it, file, 0);
				break;
			}
		}
		rc = take(l, file);
		if (rc != -2)
			break;
		rc = -1;
	}
	free(file);
	return rc == 2 ? 0 : rc;
}

static int
name_row(void *arg, int n, const char *const *v)
{
	char **out = arg;

	(void)n;
	*out = xstrdup(v[0]);
	return 1;
}

/*
 * PostgreSQL: claims the next file of the inbox in a transaction begun
 * here: *file (malloc'd), or NULL when none is left (rolled back).  Each
 * worker claims one row of intake_queue at a time with FOR UPDATE SKIP
 * LOCKED, in the batch's own transaction, so a batch is taken by one
 * worker, and a worker killed gives its claim back with its transaction.
 */
static int
claim(struct lane *l, char **file)
{
	struct intake *it = l->it;
	const char *p[2];
	char *path;
	int rc;

	p[0] = l->r->inbox;
	for (;;) {
		if (exec0(it, it->be->begin_sql) != 0)
			return -1;
		*file = NULL;
		rc = it->be->query(it, "SELECT file FROM intake_queue WHERE "
		    "inbox = $1 ORDER BY file LIMIT 1 FOR UPDATE SKIP LOCKED",
		    1, p, name_row, file);
		if (rc != 0 || *file == NULL) {
			rollback(it);
			free(*file);
			*file = NULL;
			return rc;
		}
		p[1] = *file;
		rc = it->be->exec(it, "DELETE FROM intake_queue WHERE inbox = "
		    "$1 AND file = $2", 2, p);
		path = xasprintf("%s/%s", l->r->inbox, *file);
		if (rc == 0 && access(path, F_OK) == 0) {
			free(path);
			return 0;
		}
		free(path);
		free(*file);
		*file = NULL;
		/* taken and moved by another worker, or gone */
		if (rc != 0 || exec0(it, "COMMIT") != 0) {
			rollback(it);
			return -1;
		}
	}
}

/*
 * PostgreSQL takes batches on two connections (lanes): while the
 * finisher thread ends one batch on its lane (its keys, the commit, the
 * receipt), the calling thread claims and verifies the next one on the
 * other lane, its records streaming in.  A batch the fast path could not
 * take waits until both lanes are idle and is taken again, alone, on the
 * slow path.  o->done is called by one thread at a time, in order.
 */
#define NLANES 2

struct pipeline {
	struct lane *lanes;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct lane *q[NLANES];	/* for the finisher, in order */
	size_t nq;
	int stop;
	char *err;		/* the first error: the run stops */
};

/* Records the first error of the run (it's); the run stops. */
static void
pl_fail(struct pipeline *pl, struct intake *it)
{
	pthread_mutex_lock(&pl->mu);
	if (pl->err == NULL)
		pl->err = xstrdup(intake_errstr(it));
	pthread_mutex_unlock(&pl->mu);
}

static void *
finisher(void *arg)
{
	struct pipeline *pl = arg;
	struct lane *l;
	int rc;

	pthread_mutex_lock(&pl->mu);
	for (;;) {
		while (pl->nq == 0 && !pl->stop)
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (pl->nq == 0)
			break;
		l = pl->q[0];
		pthread_mutex_unlock(&pl->mu);
		rc = take_finish(l);
		pthread_mutex_lock(&pl->mu);
		pl->nq--;
		memmove(pl->q, pl->q + 1, pl->nq * sizeof(*pl->q));
		l->state = rc == -2 ? LANE_AGAIN : LANE_IDLE;
		pthread_mutex_unlock(&pl->mu);
		if (rc != 0 && rc != -2)
			pl_fail(pl, l->it);
		pthread_mutex_lock(&pl->mu);
		pthread_cond_broadcast(&pl->cv);
	}
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/*
 * Waits until lane l is idle.  If a batch waits to be taken again, all
 * lanes are let finish and it is taken, on the slow path.  Returns 0, or
 * -1 when the run must stop (pl->err).
 */
static int
lane_wait(struct pipeline *pl, struct lane *l)
{
	struct lane *again[NLANES];
	int n = 0, k, stop;

	pthread_mutex_lock(&pl->mu);
	while (l->state == LANE_QUEUED)
		pthread_cond_wait(&pl->cv, &pl->mu);
	for (k = 0; k < NLANES; k++)
		if (pl->lanes[k].state == LANE_AGAIN)
			n++;
	while (n > 0 && pl->nq > 0)	/* the finisher idle */
		pthread_cond_wait(&pl->cv, &pl->mu);
	for (n = k = 0; k < NLANES; k++)
		if (pl->lanes[k].state == LANE_AGAIN) {
			pl->lanes[k].state = LANE_IDLE;
			again[n++] = &pl->lanes[k];
		}
	stop = pl->err != NULL;
	pthread_mutex_unlock(&pl->mu);
	for (k = 0; k < n && !stop; k++)
		if (take_retrying(again[k], again[k]->file, 1, 0) != 0) {
			pl_fail(pl, again[k]->it);
			stop = 1;
		}
	return stop ? -1 : 0;
}

static int
run_pg(struct run *r, struct lane *lanes, char **files, size_t n)
{
	struct intake *it = r->it;
	struct pipeline pl;
	struct lane *l;
	pthread_t th;
	const char *p[2];
	char *file;
	size_t i;
	int k, rc;

	p[0] = r->inbox;
	for (i = 0; i < n; i++) {
		p[1] = files[i];
		if (it->be->exec(it, "INSERT INTO intake_queue (inbox, file) "
		    "VALUES ($1, $2) ON CONFLICT DO NOTHING", 2, p) != 0)
			return -1;
	}
	memset(&pl, 0, sizeof(pl));
	pl.lanes = lanes;
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	if (pthread_create(&th, NULL, finisher, &pl) != 0) {
		intake_seterr(it, "%s", strerror(errno));
		return -1;
	}
	for (k = 0;; k = (k + 1) % NLANES) {
		l = &lanes[k];
		if (lane_wait(&pl, l) != 0)
			break;
		if (claim(l, &file) != 0) {
			pl_fail(&pl, l->it);
			break;
		}
		if (file == NULL)
			break;
		l->it->careful = 0;
		rc = take_verify(l, file);
		free(file);
		if (rc == 2)
			continue;
		if (rc != 0) {
			pl_fail(&pl, l->it);
			break;
		}
		pthread_mutex_lock(&pl.mu);
		l->state = LANE_QUEUED;
		pl.q[pl.nq++] = l;
		pthread_cond_signal(&pl.cv);
		pthread_mutex_unlock(&pl.mu);
	}
	/* the lanes finish; a batch to take again is taken */
	for (k = 0; k < NLANES; k++)
		(void)lane_wait(&pl, &lanes[k]);
	pthread_mutex_lock(&pl.mu);
	pl.stop = 1;
	pthread_cond_signal(&pl.cv);
	pthread_mutex_unlock(&pl.mu);
	pthread_join(th, NULL);
	pthread_mutex_destroy(&pl.mu);
	pthread_cond_destroy(&pl.cv);
	if (pl.err == NULL)
		return 0;
	intake_seterr(it, "%s", pl.err);
	free(pl.err);
	return -1;
}

static void
lane_release(struct lane *l)
{
	free(l->events);
	free(l->file);
	rec_ctx_free(l->ctx);
	rec_ctx_free(l->kctx);
}

int
intake_inbox(struct intake *it, const char *inbox,
    const struct intake_opts *o)
{
	struct run r;
	struct lane lanes[NLANES];
	char **files = NULL, *lock, *e, real[PATH_MAX];
	struct stat sb;
	size_t n = 0, i;
	int fd = -1, rc = -1, k, nlanes = it->pg ? NLANES : 1;

	memset(&r, 0, sizeof(r));
	memset(lanes, 0, sizeof(lanes));
	r.it = it;
	r.o = o;
	/*
	 * Each batch allocates and frees the same large buffers (the
	 * verifier's 1 MiB chunks): kept by malloc rather than given back
	 * to the system and faulted in again, batch after batch.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 16 * 1024 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	/* the caller names the inbox in the message */
	if (realpath(inbox, real) == NULL || stat(real, &sb) != 0) {
		intake_seterr(it, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		intake_seterr(it, "%s", _("not a directory"));
		return -1;
	}
	r.inbox = real;
	r.archive = o->archive != NULL ? xstrdup(o->archive) :
	    xasprintf("%s/archive", real);
	r.refused = o->refused != NULL ? xstrdup(o->refused) :
	    xasprintf("%s/refused", real);
	if ((r.receipt_key = crypto_sm2_private(o->receipt_key, &e)) ==
	    NULL) {
		intake_seterr(it, "%s", e);
		free(e);
		goto out;
	}
	if (!it->pg) {
		lock = xasprintf("%s/.hcp-intake.lock", real);
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			intake_seterr(it, "%s: %s", lock, strerror(errno));
			free(lock);
			goto out;
		}
		free(lock);
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			rc = errno == EWOULDBLOCK ? 1 : -1;
			if (rc < 0)
				intake_seterr(it, "%s", strerror(errno));
			goto out;
		}
	}
	for (k = 0; k < nlanes; k++) {
		lanes[k].r = &r;
		lanes[k].ctx = rec_ctx_new();
		lanes[k].kctx = rec_ctx_new();
		lanes[k].it = k == 0 ? it : intake_open(NULL, it->conninfo,
		    it->datadir, &e);
		if (lanes[k].it == NULL) {
			intake_seterr(it, "%s", e);
			free(e);
			goto out;
		}
	}
	if (keys_load(&r) != 0 || list_inbox(it, real, o, &files, &n) != 0)
		goto out;
	if (it->pg)
		rc = run_pg(&r, lanes, files, n);
	else {
		rc = 0;
		for (i = 0; i < n && rc == 0; i++)
			rc = take_retrying(&lanes[0], files[i], 0, 0);
	}
out:
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	keys_release(&r);
	for (k = 0; k < nlanes; k++) {
		lane_release(&lanes[k]);
		if (k > 0)
			intake_close(lanes[k].it);
	}
	free(r.archive);
	free(r.refused);
	crypto_sm2_key_free(r.receipt_key);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ---- the registry ------------------------------------------------- */

int
intake_stations(struct intake *it, intake_row_fn *row, void *arg)
{
	return it->be->query(it, "SELECT s.station, s.region, s.name, "
	    "s.registered_at, s.retired_at, (SELECT count(*) FROM "
	    "station_keys k WHERE k.station = s.station), (SELECT "
	    "max(k.valid_from) FROM station_keys k WHERE k.station = "
	    "s.station), count(b.seq), max(b.seq), max(b.received) FROM "
	    "stations s LEFT JOIN batches b ON b.station = s.station GROUP "
	    "BY s.station, s.region, s.name, s.registered_at, s.retired_at "
	    "ORDER BY s.station", 0, NULL, row, arg);
}

/* ---- gaps --------------------------------------------------------- */

struct gaps {
	void (*gap)(void *, const char *, long long, long long);
	void *arg;
	char station[16];
	long long last;
	int n;
};

static int
gap_row(void *arg, int n, const char *const *v)
{
	struct gaps *g = arg;
	long long seq;

	(void)n;
	if (strcmp(g->station, v[0]) != 0) {
		snprintf(g->station, sizeof(g->station), "%s", v[0]);
		g->last = 0;
		if (v[1] == NULL) {
			g->gap(g->arg, v[0], 0, 0);
			g->n++;
			return 0;
		}
	}
	seq = strtoll(v[1], NULL, 10);
	if (seq > g->last + 1) {
		g->gap(g->arg, v[0], g->last + 1, seq - 1);
		g->n++;
	}
	g->last = seq;
	return 0;
}

int
intake_gaps(struct intake *it, void (*gap)(void *arg, const char *station,
    long long from, long long to), void *arg)
{
	struct gaps g;

	memset(&g, 0, sizeof(g));
	g.gap = gap;
	g.arg = arg;
	if (it->be->query(it, "SELECT s.station, b.seq FROM stations s LEFT "
	    "JOIN batches b ON b.station = s.station ORDER BY s.station, "
	    "b.seq", 0, NULL, gap_row, &g) != 0)
		return -1;
	return g.n;
}
