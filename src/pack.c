/* SPDX-License-Identifier: ISC */
/*
 * hcp-pack's logic (see pack.h): batch rows and record marks in the db,
 * the payload CSV, the bag file, its repair and rebuild, receipts.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bag.h"
#include "clock.h"
#include "crypto.h"
#include "csvin.h"
#include "db.h"
#include "fields.h"
#include "i18n.h"
#include "keys.h"
#include "outfile.h"
#include "pack.h"
#include "receipt.h"
#include "review.h"
#include "settings.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define LOCK_NAME ".hcp-pack.lock"
#define FLUSH_AT (1024 * 1024)

/* The provenance columns after the record's fields, in order. */
static const char *const prov_names[] = { "src_file", "src_hash",
    "src_line", "operator", "entry_method", "imported_at" };
/*
 * The columns of a superseding record (hcp-amend(1)) after those, in
 * Hcp-Format: 2 batches only; empty on ordinary rows.
 */
static const char *const amend_names[] = { "supersedes", "amend_reason",
    "amend_operator", "amended_at" };

static char *col_dup(sqlite3_stmt *st, int i);

/* "object: reason" */
static int
seterr(char **errstr, const char *obj, const char *why)
{
	*errstr = xasprintf("%s: %s", obj, why);
	return -1;
}

static int
dberr(struct db *db, char **errstr)
{
	*errstr = xstrdup(db_errstr(db));
	return -1;
}

/*
 * The format of a batch from its stored bag-info lines: the number of its
 * "Hcp-Format:" line, or 1 (hcp 0.1.0 wrote none).
 */
static int
batch_format(const char *bag_info)
{
	static const char label[] = "Hcp-Format:";
	const char *p = bag_info;
	int v = 0;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, label, sizeof(label) - 1) == 0) {
			p += sizeof(label) - 1;
			while (*p == ' ')
				p++;
			while (*p >= '0' && *p <= '9' && v < 1000)
				v = v * 10 + (*p++ - '0');
			return v > 0 ? v : 1;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 1;
}

/*
 * The record's fields in batch column order: interface names first, then
 * the others; the 是/否 answers (last of them) only from format 2 on, so
 * a batch of format 1 has the columns of hcp 0.1.0 exactly; never the
 * local fields (scan_image), which stay at the station.
 */
static size_t
batch_fields(int format, enum field_id out[F_NFIELDS])
{
	size_t n = 0;
	int pass, i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < F_NFIELDS; i++)
			if ((fields[i].iface != NULL) == (pass == 0) &&
			    (format >= 2 || !field_is_answer(i)) &&
			    !fields[i].local)
				out[n++] = (enum field_id)i;
	return n;
}

static const char *
db_column(enum field_id f)
{
	return fields[f].column;
}

/*
 * The provenance columns of one import run, as CSV pieces around the
 * record's src_line and entry_method: "src_file,src_hash,", then
 * ",operator,", then ",imported_at" (the row's end is the caller's).
 */
struct prov {
	int have;
	long long id;
	struct strbuf pre, mid, post;
};

/* Adds column i of rs as a CSV field (nothing for NULL); its length. */
static size_t
add_column(struct strbuf *sb, struct store_rows *rs, int i)
{
	size_t n;
	const char *v = store_rows_text(rs, i, &n);

	if (v == NULL)
		return 0;
	csv_append_field(sb, v, n, 0);
	return n;
}

static int
prov_load(struct db *db, struct store_rows *imp, long long id,
    struct prov *p)
{
	int rc;

	p->have = 1;
	p->id = id;
	strbuf_reset(&p->pre);
	strbuf_reset(&p->mid);
	strbuf_reset(&p->post);
	if ((rc = store_rows_seek(imp, id)) == 0)
		return db_seterr(db, _("%s: %s: import run %lld is missing"),
		    db_path(db), _("cannot read the records"), id);
	if (rc < 0)
		return -1;
	add_column(&p->pre, imp, 0);
	strbuf_addc(&p->pre, ',');
	add_column(&p->pre, imp, 1);
	strbuf_addc(&p->pre, ',');
	strbuf_addc(&p->mid, ',');
	add_column(&p->mid, imp, 2);
	strbuf_addc(&p->mid, ',');
	strbuf_addc(&p->post, ',');
	add_column(&p->post, imp, 3);
	return 0;
}

/* Adds the record's fields of a row of rs (columns 0..nf-1) and commas. */
static void
add_fields(struct strbuf *out, struct store_rows *rs,
    const enum field_id *order, size_t nf)
{
	size_t i;

	for (i = 0; i < nf; i++) {
		size_t n = add_column(out, rs, (int)i);

		/* areaCode goes out with 12 digits */
		if (order[i] == F_AREA_CODE && n == 6)
			strbuf_add(out, "000000", 6);
		strbuf_addc(out, ',');
	}
}

/*
 * Adds the provenance columns of a row of rs: src_line, entry_method and
 * import_id at columns nf..nf+2.
 */
static int
add_prov(struct db *db, struct strbuf *out, struct store_rows *rs,
    size_t nf, struct store_rows *imp, struct prov *prov, char **errstr)
{
	long long import_id = store_rows_int(rs, (int)nf + 2);

	if ((!prov->have || import_id != prov->id) && prov_load(db, imp,
	    import_id, prov) != 0)
		return dberr(db, errstr);
	strbuf_add(out, prov->pre.buf, prov->pre.len);
	add_column(out, rs, (int)nf);		/* src_line */
	strbuf_add(out, prov->mid.buf, prov->mid.len);
	add_column(out, rs, (int)nf + 1);	/* entry_method */
	strbuf_add(out, prov->post.buf, prov->post.len);
	return 0;
}

/* What make_payload() works with. */
struct payload {
	struct db *db;
	enum field_id order[F_NFIELDS];
	const char *cols[F_NFIELDS];	/* their db columns */
	size_t nf;
	int fmt2;
	struct store_rows *imp;		/* the import runs */
	struct prov prov;
	struct strbuf out;		/* CSV not yet in the payload */
	struct bag_payload *bp;
};

/* The header row of the CSV, into pl->out. */
static void
payload_header(struct payload *pl)
{
	struct strbuf *out = &pl->out;
	size_t i, np = sizeof(prov_names) / sizeof(prov_names[0]);

	for (i = 0; i < pl->nf; i++) {
		const char *h = fields[pl->order[i]].iface != NULL ?
		    fields[pl->order[i]].iface : fields[pl->order[i]].name;

		pl->cols[i] = db_column(pl->order[i]);
		csv_append_field(out, h, strlen(h), 0);
		strbuf_addc(out, ',');
	}
	for (i = 0; i < np; i++) {
		strbuf_adds(out, prov_names[i]);
		strbuf_adds(out, i + 1 < np ? "," : "");
	}
	if (pl->fmt2)
		for (i = 0; i < sizeof(amend_names) / sizeof(amend_names[0]);
		    i++) {
			strbuf_addc(out, ',');
			strbuf_adds(out, amend_names[i]);
		}
	strbuf_adds(out, "\r\n");
}

/* The superseding records clo..chi (hcp-csv(5)) into pl->out. */
static int
payload_corrections(struct payload *pl, long long clo, long long chi,
    long long *crows, char **errstr)
{
	struct store_rows *rs;
	size_t i, nf = pl->nf;
	int rc;

	if ((rs = store_rows_range(pl->db, pl->cols, nf, 1, clo, chi)) ==
	    NULL)
		return dberr(pl->db, errstr);
	while ((rc = store_rows_next(rs)) == 1) {
		add_fields(&pl->out, rs, pl->order, nf);
		if (add_prov(pl->db, &pl->out, rs, nf, pl->imp, &pl->prov,
		    errstr) != 0)
			break;
		for (i = 0; i < sizeof(amend_names) / sizeof(amend_names[0]);
		    i++) {
			strbuf_addc(&pl->out, ',');
			add_column(&pl->out, rs, (int)(nf + 3 + i));
		}
		strbuf_adds(&pl->out, "\r\n");
		(*crows)++;
	}
	store_rows_free(rs);
	if (rc < 0)
		return dberr(pl->db, errstr);
	return rc == 0 ? 0 : -1;
}

/* The records lo..hi into the payload. */
static int
payload_records(struct payload *pl, long long lo, long long hi,
    long long *rows, char **errstr)
{
	struct store_rows *rs;
	struct strbuf *out = &pl->out;
	int rc;

	if ((rs = store_rows_range(pl->db, pl->cols, pl->nf, 0, lo, hi)) ==
	    NULL)
		return dberr(pl->db, errstr);
	while ((rc = store_rows_next(rs)) == 1) {
		add_fields(out, rs, pl->order, pl->nf);
		if (add_prov(pl->db, out, rs, pl->nf, pl->imp, &pl->prov,
		    errstr) != 0)
			break;
		if (pl->fmt2)
			strbuf_add(out, ",,,,\r\n", 6);
		else
			strbuf_add(out, "\r\n", 2);
		(*rows)++;
		if (out->len >= FLUSH_AT) {
			if (bag_payload_write(pl->bp, out->buf, out->len,
			    errstr) != 0)
				break;
			strbuf_reset(out);
		}
	}
	store_rows_free(rs);
	if (rc < 0)
		return dberr(pl->db, errstr);
	return rc == 0 ? 0 : -1;
}

/*
 * Generates the CSV of the batch, with the columns of its format
 * (batch_fields()), into a payload that is digested and
 * compressed while it is made (bag.h): in a format 2 batch the
 * superseding records clo..chi (ids of corrections) first, then the
 * records lo..hi (ids); sets *rows and *crows and the payload fields of
 * spec.  *bpp holds the compressed run until freed.  The provenance of
 * the import run is read once per run, not per row.
 */
static int
make_payload(struct db *db, long long lo, long long hi, int format,
    long long clo, long long chi, const char *dir, const char *name,
    struct bag_spec *spec, struct bag_payload **bpp, long long *rows,
    long long *crows, char **errstr)
{
	struct payload pl;
	int ret = -1;

	*rows = *crows = 0;
	if ((*bpp = bag_payload_new(dir, name, errstr)) == NULL)
		return -1;
	memset(&pl, 0, sizeof(pl));
	pl.db = db;
	pl.bp = *bpp;
	pl.nf = batch_fields(format, pl.order);
	pl.fmt2 = format >= 2;
	strbuf_init(&pl.out);
	strbuf_init(&pl.prov.pre);
	strbuf_init(&pl.prov.mid);
	strbuf_init(&pl.prov.post);
	payload_header(&pl);
	if ((pl.imp = store_rows_imports(db)) == NULL)
		dberr(db, errstr);
	/* superseding records first (hcp-csv(5)) */
	else if ((!pl.fmt2 || chi < clo || clo <= 0 ||
	    payload_corrections(&pl, clo, chi, crows, errstr) == 0) &&
	    payload_records(&pl, lo, hi, rows, errstr) == 0 &&
	    bag_payload_write(pl.bp, pl.out.buf, pl.out.len, errstr) == 0 &&
	    bag_payload_finish(pl.bp, spec, errstr) == 0)
		ret = 0;
	store_rows_free(pl.imp);
	strbuf_release(&pl.out);
	strbuf_release(&pl.prov.pre);
	strbuf_release(&pl.prov.mid);
	strbuf_release(&pl.prov.post);
	return ret;
}

static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* A batch's row, as write_batch() reads it. */
struct stored {
	char *name;
	time_t mtime;
	struct strbuf info;	/* bag-info lines */
	long long records;
	unsigned char *sig;	/* NULL until the file was written */
	size_t siglen;
	char *sha;		/* hex, NULL until the file was written */
	long long seq, lo, hi, clo, chi, ncorr;
	int replaces;		/* it replaces a file written before */
	char *events;		/* hcp-review's case events, or NULL */
};

static void
stored_release(struct stored *b)
{
	free(b->name);
	strbuf_release(&b->info);
	free(b->sig);
	free(b->sha);
	free(b->events);
}

/* Reads the row of batch seq into b (zeroed).  Returns 0 or -1. */
static int
load_batch(struct db *db, long long seq, struct stored *b, char **errstr)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (db_prepare(db, &st, "SELECT name, mtime, bag_info, records, "
	    "signature, sha256, first_id, last_id, first_corr, last_corr, "
	    "corrections, replaces IS NOT NULL FROM batches WHERE seq = ?1")
	    != 0)
		return dberr(db, errstr);
	b->seq = seq;
	sqlite3_bind_int64(st, 1, seq);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			*errstr = xasprintf(_("there is no batch %lld"), seq);
		else {
			db_sqlerr(db, _("cannot read batches"));
			dberr(db, errstr);
		}
		sqlite3_finalize(st);
		return -1;
	}
	b->name = xstrdup((const char *)sqlite3_column_text(st, 0));
	b->mtime = (time_t)sqlite3_column_int64(st, 1);
	if (sqlite3_column_type(st, 2) == SQLITE_NULL) {
		*errstr = xasprintf(_("batch %s was made by an older hcp and "
		    "cannot be rebuilt"), b->name);
		sqlite3_finalize(st);
		return -1;
	}
	strbuf_adds(&b->info, (const char *)sqlite3_column_text(st, 2));
	b->records = sqlite3_column_int64(st, 3);
	if (sqlite3_column_type(st, 4) == SQLITE_BLOB) {
		b->siglen = (size_t)sqlite3_column_bytes(st, 4);
		b->sig = xmalloc(b->siglen + 1);
		memcpy(b->sig, sqlite3_column_blob(st, 4), b->siglen);
	}
	if (sqlite3_column_type(st, 5) == SQLITE_TEXT)
		b->sha = xstrdup((const char *)sqlite3_column_text(st, 5));
	b->lo = sqlite3_column_int64(st, 6);
	b->hi = sqlite3_column_int64(st, 7);
	b->clo = sqlite3_column_int64(st, 8);
	b->chi = sqlite3_column_int64(st, 9);
	b->ncorr = sqlite3_column_int64(st, 10);
	b->replaces = sqlite3_column_int(st, 11);
	sqlite3_finalize(st);
	return 0;
}

/*
 * Writes the bag of spec into fd (the file tmp, to be final), the
 * digest into hex.  A batch whose recorded SHA-256 (sha) is not that of
 * the file as written now is written again the way hcp wrote batches
 * before the payload was spliced in (bag.h); first_hex keeps the first
 * digest.  *sig gets a new signature (none if spec has one).
 */
static int
write_bag(struct bag_spec *spec, int fd, const char *tmp, const char *final,
    const char *sha, unsigned char **sig, size_t *siglen, char *hex,
    char *first_hex, char **errstr)
{
	unsigned char d[DIGEST_LEN];
	char *e = NULL;

	for (;;) {
		if (bag_write(spec, fd, sig, siglen, d, &e) != 0) {
			*errstr = xasprintf("%s: %s", final, e);
			free(e);
			return -1;
		}
		crypto_hex(d, DIGEST_LEN, hex);
		if (sha == NULL || strcmp(sha, hex) == 0 || spec->unspliced)
			break;
		/*
		 * Batches written before the payload was spliced in have it
		 * compressed with the rest: try that way (README).
		 */
		memcpy(first_hex, hex, 2 * DIGEST_LEN + 1);
		spec->unspliced = 1;
		free(*sig);
		*sig = NULL;
		if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
			return seterr(errstr, tmp, strerror(errno));
	}
	return 0;
}

/*
 * Step 3: the signature and digest of batch seq become part of the db.
 * Returns 0, 1 if another run completed it first (its file counts), -1.
 */
static int
record_batch(struct db *db, long long seq, const char *hex,
    const unsigned char *sig, size_t siglen, char **errstr)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, "UPDATE batches SET sha256 = ?1, "
	    "signature = ?2 WHERE seq = ?3 AND sha256 IS NULL") != 0)
		return dberr(db, errstr);
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, sig, (int)siglen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, seq);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(db, _("cannot record the batch"));
		return dberr(db, errstr);
	}
	return sqlite3_changes(db_sqlite(db)) == 0;
}

/*
 * The payload of batch b and the spec of its file: its name, lines,
 * stored signature, or else the station key to sign with (*priv).
 */
static int
batch_spec(struct db *db, const char *dbpath, const char *dir,
    struct stored *b, struct bag_spec *spec, struct bag_payload **bp,
    char **priv, char **errstr)
{
	long long rows, crows;

	spec->mtime = b->mtime;
	if (make_payload(db, b->lo, b->hi, batch_format(b->info.buf), b->clo,
	    b->chi, dir, b->name, spec, bp, &rows, &crows, errstr) != 0)
		return -1;
	if (rows != b->records || crows != b->ncorr) {
		*errstr = xasprintf(_("batch %s should hold %lld records but "
		    "the db has %lld marked with it"), b->name,
		    b->records + b->ncorr, rows + crows);
		return -1;
	}
	if (review_batch_events(db, b->seq, &b->events, &spec->events_len,
	    errstr) != 0)
		return -1;
	spec->events = b->events;
	strbuf_addf(&b->info, "Payload-Oxum: %llu.%d\n",
	    (unsigned long long)(spec->payload_len + spec->events_len),
	    b->events != NULL ? 2 : 1);
	spec->name = b->name;
	spec->info = b->info.buf;
	spec->sig = b->sig;
	spec->siglen = b->siglen;
	if (b->sig == NULL) {
		if ((*priv = keys_private_pem(dbpath, errstr)) == NULL)
			return -1;
		spec->priv_pem = *priv;
	}
	return 0;
}

/*
 * What the file written says of batch b: 1 (a refusal) if it differs
 * from the one first written, or (must_match) none was, -1 on an error,
 * else 0.  A batch written again (pack_repack()) has the file it replaces
 * kept aside as replaced before the new one is recorded, so a crash
 * leaves the name free and the next run writes it.
 */
static int
check_written(const struct stored *b, const char *hex, const char *first_hex,
    int must_match, const char *final, const char *replaced, char **errstr)
{
	if (b->sha != NULL && strcmp(b->sha, hex) != 0) {
		*errstr = xasprintf(_("batch %s comes out different from the "
		    "file first written (SHA-256 %s, now %s): its records "
		    "were changed in the db after packing"), b->name, b->sha,
		    first_hex);
		return 1;
	}
	if (must_match && b->sha == NULL) {
		*errstr = xasprintf(_("batch %s was never completed; run "
		    "hcp-pack without --rebuild to complete it"), b->name);
		return 1;
	}
	if (b->sha == NULL && b->replaces && rename(final, replaced) != 0 &&
	    errno != ENOENT)
		return seterr(errstr, final, strerror(errno));
	return 0;
}

/*
 * Writes the file of batch seq into dir (steps 2-4 of pack.h).  With
 * must_match, fails unless the result has the recorded SHA-256.  A batch
 * whose recorded SHA-256 is not that of the file as written now is
 * written again the way hcp wrote batches before the payload was spliced
 * in (bag.h), which gives an older batch its first bytes.
 */
static int
write_batch(struct db *db, const char *dbpath, long long seq,
    const char *dir, int must_match, pack_written_fn fn, void *arg,
    char **errstr)
{
	struct stored b;
	struct bag_payload *bp = NULL;
	struct bag_spec spec;
	char *tmp = NULL, *final = NULL, *priv = NULL, *replaced = NULL;
	unsigned char *sig = NULL;
	char hex[2 * DIGEST_LEN + 1], first_hex[2 * DIGEST_LEN + 1];
	size_t siglen = 0;
	int out = -1, ret = -1, rc = 0;

	memset(&spec, 0, sizeof(spec));
	memset(&b, 0, sizeof(b));
	strbuf_init(&b.info);
	if (load_batch(db, seq, &b, errstr) != 0 || batch_spec(db, dbpath,
	    dir, &b, &spec, &bp, &priv, errstr) != 0)
		goto out;
	tmp = xasprintf("%s/.%s.tar.gz.XXXXXX", dir, b.name);
	final = xasprintf("%s/%s.tar.gz", dir, b.name);
	replaced = xasprintf("%s.replaced", final);
	if ((out = mkstemp(tmp)) < 0) {
		seterr(errstr, tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (write_bag(&spec, out, tmp, final, b.sha, &sig, &siglen, hex,
	    first_hex, errstr) != 0)
		goto out;
	rc = fsync(out) != 0;
	if (close(out) != 0 || rc) {
		out = -1;
		seterr(errstr, tmp, strerror(errno));
		goto out;
	}
	out = -1;
	if ((rc = check_written(&b, hex, first_hex, must_match, final,
	    replaced, errstr)) != 0) {
		ret = rc;
		goto out;
	}
	if (b.sha == NULL && (rc = record_batch(db, seq, hex, sig, siglen,
	    errstr)) != 0) {
		ret = rc == 1 ? 0 : -1;
		goto out;
	}
	/* Step 4. */
	if (rename(tmp, final) != 0) {
		seterr(errstr, final, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if (sync_dir(dir) != 0) {
		seterr(errstr, dir, strerror(errno));
		goto out;
	}
	if (fn != NULL)
		fn(arg, final);
	ret = 0;
out:
	if (out >= 0)
		close(out);
	if (tmp != NULL)
		unlink(tmp);
	bag_payload_free(bp);
	if (priv != NULL) {
		explicit_bzero(priv, strlen(priv));
		free(priv);
	}
	stored_release(&b);
	free(tmp);
	free(final);
	free(replaced);
	free(sig);
	return ret;
}

/*
 * Creates the output directory if it is missing (0700, parents too),
 * takes its lock and removes stale temporary files.
 */
static int
lock_dir(const char *dir, char **errstr)
{
	char *path;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if (outfile_mkdirs(dir, errstr) != 0)
		return -1;
	if (stat(dir, &st) != 0)
		return seterr(errstr, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return seterr(errstr, dir, _("not a directory"));
	path = xasprintf("%s/%s", dir, LOCK_NAME);
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) < 0 ||
	    flock(fd, LOCK_EX) != 0) {
		seterr(errstr, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return -1;
	}
	free(path);
	/* Under the lock no other hcp-pack is writing here. */
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, ".hcp-", 5) == 0 &&
			    strstr(de->d_name, ".tar.gz.") != NULL) {
				char *p = xasprintf("%s/%s", dir,
				    de->d_name);

				unlink(p);
				free(p);
			}
		}
		closedir(d);
	}
	return fd;
}

/*
 * The fixed lines of bag-info.txt (all but Payload-Oxum) of batch seq,
 * part of parts, holding records records and ncorr superseding records,
 * made at created: the same for a new batch and for one written again
 * (pack_repack(); replaces, the SHA-256 of the file it replaces, or
 * NULL).
 */
static void
batch_info(struct strbuf *info, const char *station, const char *region,
    const char *issuer, const char *name, const char *created, long long seq,
    long long part, long long parts, long long records, long long ncorr,
    const char *replaces)
{
	strbuf_reset(info);
	/* one line, whatever a db set before names were checked holds */
	if (station != NULL && *station != '\0') {
		strbuf_adds(info, "Source-Organization: ");
		strbuf_add_visible(info, station, strlen(station));
		strbuf_addc(info, '\n');
	}
	strbuf_addf(info, "External-Identifier: %s\n"
	    "Bagging-Date: %.10s\nBag-Count: %lld of %lld\n", name,
	    created, part, parts);
	if (parts > 1)
		strbuf_addf(info, "Bag-Group-Identifier: hcp-%s%s-%06lld\n",
		    region, issuer, seq - part + 1);
	strbuf_addf(info, "Hcp-Station: %s%s\nHcp-Sequence: %lld\n"
	    "Hcp-Records: %lld\nHcp-Created: %s\n"
	    "Satisfaction-Coding: interface (5=very satisfied)\n",
	    region, issuer, seq, records + ncorr, created);
	strbuf_adds(info, "Hcp-Format: 2\n");
	if (ncorr > 0)
		strbuf_addf(info, "Hcp-Corrections: %lld\n", ncorr);
	if (replaces != NULL)
		strbuf_addf(info, "Hcp-Replaces: %s\n", replaces);
}

/*
 * The labels that say under which rules the records of a batch were
 * accepted, so that a receiver with only the batch judges them alike
 * (hcp-csv(5), Batch rules): the settings that decide validity, the
 * station's offset from UTC at packing, and the evaluation-detail
 * dictionaries the records were checked against.
 */
static int
rule_labels(struct db *db, time_t now, struct strbuf *info)
{
	static const char *const keys[][2] = {
		{ "supplement_days", "Hcp-Supplement-Days" },
		{ "paper_channel", "Hcp-Paper-Channel" },
	};
	sqlite3_stmt *st;
	struct tm tm;
	size_t i;
	long off;
	char *v;
	int rc;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((v = settings_get(db, keys[i][0])) == NULL)
			return -1;
		strbuf_addf(info, "%s: %s\n", keys[i][1], v);
		free(v);
	}
	if (localtime_r(&now, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	off = tm.tm_gmtoff / 60;
	strbuf_addf(info, "Hcp-UTC-Offset: %c%02ld:%02ld\n", off < 0 ? '-' :
	    '+', labs(off) / 60, labs(off) % 60);
	/*
	 * Every dictionary the station has loaded: each record was checked
	 * against one of them.  Asking the records which (a scan of a
	 * million took 0.3 s, a tenth of packing them) would name fewer;
	 * a code is then accepted if any of them has it.
	 */
	if (db_prepare(db, &st, "SELECT group_concat(version, ', ') FROM "
	    "(SELECT DISTINCT version FROM eval_codes ORDER BY version)") != 0)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL &&
	    *sqlite3_column_text(st, 0) != '\0')
		strbuf_addf(info, "Hcp-Eval-Codes-Version: %s\n",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_sqlerr(db, "evaluations");
	return 0;
}

/* What create_batches() makes, worked out in its transaction. */
struct plan {
	long long lo;		/* the last record in a batch */
	long long seq0;		/* the first new batch */
	long long unbatched;	/* records above lo */
	long long maxid;	/* the last record */
	long long clo, ncorr;	/* superseding records not in a batch */
	int dense;		/* every id above lo is a record */
	long long max_records, parts;
};

/*
 * The records and superseding records not yet in a batch, and how many
 * batches they make.  Returns 0, or -1 (db_errstr()).
 */
static int
plan_batches(struct db *db, long long max_records, struct plan *p)
{
	long long n, last, chi, records;

	if (db_query_int(db, "SELECT coalesce(max(last_id), 0) FROM batches",
	    NULL, &p->lo) != 0 ||
	    db_query_int(db, "SELECT coalesce(max(seq), 0) + 1 FROM batches",
	    NULL, &p->seq0) != 0 ||
	    db_query_int(db, "SELECT coalesce(sum(records), 0) FROM batches",
	    NULL, &records) != 0 || store_count(db, &n, &p->maxid) != 0 ||
	    db_query_int(db, "SELECT coalesce(max(last_corr), 0) FROM batches",
	    NULL, &p->clo) != 0 ||
	    db_query_int(db, "SELECT coalesce(max(id), 0) FROM corrections",
	    NULL, &chi) != 0)
		return -1;
	/*
	 * Superseding records (corrections, never deleted, ids only grow)
	 * not yet in a batch: clo+1..chi.  They all go into the first new
	 * batch, even with no new records to pack.
	 */
	p->ncorr = chi - p->clo;
	p->clo++;
	/*
	 * Every record up to lo is in a batch that counts it, and none is
	 * ever deleted (pack.h), so count(*) - sum(records) records lie
	 * above lo, found without reading them (a scan of a million took
	 * 0.3 s).  If they are as many as the ids lo+1..maxid, every such
	 * id is a record and the ranges follow from the counts; else (a gap
	 * in the ids) the records are counted.  A range that held fewer
	 * records than its row says would fail write_batch's row count.
	 */
	p->unbatched = n - records;
	p->dense = p->unbatched >= 0 && p->unbatched == p->maxid - p->lo;
	if (!p->dense && store_range_after(db, p->lo, -1, &p->unbatched,
	    &last) != 0)
		return -1;
	if (max_records <= 0 || max_records > p->unbatched)
		max_records = p->unbatched;
	p->max_records = max_records;
	p->parts = p->unbatched == 0 ? 1 :
	    (p->unbatched + max_records - 1) / max_records;
	return 0;
}

/* The next batch's records after p->lo: their count and last id. */
static int
next_range(struct db *db, const struct plan *p, long long *n,
    long long *hi)
{
	if (p->dense) {
		*n = p->maxid - p->lo < p->max_records ? p->maxid - p->lo :
		    p->max_records;
		*hi = p->lo + *n;
	} else if (store_range_after(db, p->lo, p->max_records, n, hi) != 0)
		return -1;
	if (*n == 0)
		*hi = p->lo;
	return 0;
}

/* Inserts part i of the batches of p: n records up to hi, info. */
static int
insert_batch(struct db *db, sqlite3_stmt *ins, const struct plan *p,
    long long i, const char *name, const char *created, time_t now,
    long long n, long long hi, const struct strbuf *info)
{
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, p->seq0 + i);
	sqlite3_bind_text(ins, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 3, created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 4, n);
	sqlite3_bind_int64(ins, 5, i + 1);
	sqlite3_bind_int64(ins, 6, p->parts);
	sqlite3_bind_int64(ins, 7, (sqlite3_int64)now);
	sqlite3_bind_text(ins, 8, info->buf, (int)info->len,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 9, p->lo + 1);
	sqlite3_bind_int64(ins, 10, hi);
	if (i == 0 && p->ncorr > 0) {
		sqlite3_bind_int64(ins, 11, p->clo);
		sqlite3_bind_int64(ins, 12, p->clo + p->ncorr - 1);
		sqlite3_bind_int64(ins, 13, p->ncorr);
	} else {
		sqlite3_bind_null(ins, 11);
		sqlite3_bind_null(ins, 12);
		sqlite3_bind_int64(ins, 13, 0);
	}
	if (sqlite3_step(ins) != SQLITE_DONE)
		return db_sqlerr(db, _("cannot record a batch"));
	return 0;
}

/*
 * The rows of the batches p plans, each with its bag-info lines, in the
 * caller's transaction.  Returns 0, or -1 (db_errstr()).
 */
static int
insert_batches(struct db *db, struct plan *p, time_t now)
{
	char *region = NULL, *issuer = NULL, *station = NULL;
	char created[CLOCK_BUFLEN], name[64];
	struct strbuf info = STRBUF_INIT;
	sqlite3_stmt *ins = NULL;
	long long i, n, hi;
	int ret = -1;

	clock_format(now, created);
	if ((region = settings_get(db, "region")) == NULL ||
	    (issuer = settings_get(db, "issuer")) == NULL)
		goto out;
	station = settings_get(db, "name");
	if (db_prepare(db, &ins, "INSERT INTO batches (seq, name, "
	    "created_at, records, part, parts, mtime, bag_info, first_id, "
	    "last_id, first_corr, last_corr, corrections) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)") != 0)
		goto out;
	for (i = 0; i < p->parts; i++) {
		if (next_range(db, p, &n, &hi) != 0)
			goto out;
		snprintf(name, sizeof(name), "hcp-%s%s-%06lld", region,
		    issuer, p->seq0 + i);
		batch_info(&info, station, region, issuer, name, created,
		    p->seq0 + i, i + 1, p->parts, n,
		    i == 0 && p->ncorr > 0 ? p->ncorr : 0, NULL);
		if (rule_labels(db, now, &info) != 0 ||
		    (i == p->parts - 1 && review_batch_label(db, &info) != 0) ||
		    insert_batch(db, ins, p, i, name, created, now, n, hi,
		    &info) != 0)
			goto out;
		p->lo = hi;
	}
	ret = 0;
out:
	sqlite3_finalize(ins);
	strbuf_release(&info);
	free(region);
	free(issuer);
	free(station);
	return ret;
}

/* Records in batch seq the case events (hcp-review) it carries. */
static int
claim_events(struct db *db, long long seq)
{
	long long n, lo, hi;
	sqlite3_stmt *st;
	int rc;

	if (review_events_range(db, &n, &lo, &hi) != 0)
		return -1;
	if (n == 0)
		return 0;
	if (db_prepare(db, &st, "UPDATE batches SET first_event = ?2, "
	    "last_event = ?3 WHERE seq = ?1") != 0)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "batches");
	return 0;
}

/*
 * Step 1: the batch rows, in one transaction: every record above the last
 * batch's range, max_records at most to a batch.  Sets *first and *last
 * to the new seqs (both 0 if there was nothing to pack).
 */
static int
create_batches(struct db *db, long long max_records, long long *first,
    long long *last, char **errstr)
{
	struct plan p;
	time_t now = clock_now();
	long long nevents;	/* hcp-review's case events to send */

	*first = *last = 0;
	memset(&p, 0, sizeof(p));
	if (db_begin(db) != 0)
		return dberr(db, errstr);
	if (plan_batches(db, max_records, &p) != 0)
		goto fail;
	if (review_events_pending(db, &nevents) != 0)
		goto fail;
	if (p.unbatched == 0 && p.ncorr <= 0 && nevents == 0) {
		db_rollback(db);
		return 0;
	}
	if (insert_batches(db, &p, now) != 0 ||
	    claim_events(db, p.seq0 + p.parts - 1) != 0 ||
	    db_commit(db) != 0)
		goto fail;
	*first = p.seq0;
	*last = p.seq0 + p.parts - 1;
	return 0;
fail:
	dberr(db, errstr);
	db_rollback(db);
	return -1;
}

/*
 * Step 1 of writing batch seq again: one transaction gives it new
 * bag-info lines (made now, Hcp-Replaces the SHA-256 of its file) and
 * forgets its digest and signature, so the steps 2-4 of write_batch()
 * make, sign and record the new file.  An acknowledged batch is never
 * changed.
 */
static int
renew_batch(struct db *db, long long seq, char **errstr)
{
	sqlite3_stmt *st = NULL;
	char *region = NULL, *issuer = NULL, *station = NULL, *name = NULL;
	char *prev = NULL, *state = NULL, created[CLOCK_BUFLEN];
	struct strbuf info = STRBUF_INIT;
	long long part, parts, records, ncorr;
	time_t now = clock_now();
	int ret = -1, began = 0, rc;

	clock_format(now, created);
	if ((region = settings_get(db, "region")) == NULL ||
	    (issuer = settings_get(db, "issuer")) == NULL)
		goto dbfail;
	station = settings_get(db, "name");
	if (db_begin(db) != 0)
		goto dbfail;
	began = 1;
	if (db_prepare(db, &st, "SELECT name, state, part, parts, records, "
	    "corrections, sha256 FROM batches WHERE seq = ?1") != 0)
		goto dbfail;
	sqlite3_bind_int64(st, 1, seq);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE) {
			db_sqlerr(db, _("cannot read batches"));
			goto dbfail;
		}
		*errstr = xasprintf(_("there is no batch %lld"), seq);
		ret = 1;
		goto out;
	}
	name = col_dup(st, 0);
	state = col_dup(st, 1);
	part = sqlite3_column_int64(st, 2);
	parts = sqlite3_column_int64(st, 3);
	records = sqlite3_column_int64(st, 4);
	ncorr = sqlite3_column_int64(st, 5);
	prev = col_dup(st, 6);
	sqlite3_finalize(st);
	st = NULL;
	if (strcmp(state, "packed") != 0) {
		*errstr = xasprintf(_("batch %s was acknowledged by the "
		    "receiver: it is never changed (a correction goes in the "
		    "next batch)"), name);
		ret = 1;
		goto out;
	}
	batch_info(&info, station, region, issuer, name, created, seq, part,
	    parts, records, ncorr, prev);
	if (rule_labels(db, now, &info) != 0)
		goto dbfail;
	if (db_prepare(db, &st, "UPDATE batches SET created_at = ?1, "
	    "mtime = ?2, bag_info = ?3, sha256 = NULL, signature = NULL, "
	    "refusal = NULL, refused_at = NULL, refused_why = NULL, "
	    "rewrite = 0, replaces = coalesce(?4, replaces) WHERE seq = ?5 "
	    "AND state = 'packed'") != 0)
		goto dbfail;
	sqlite3_bind_text(st, 1, created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_text(st, 3, info.buf, (int)info.len, SQLITE_STATIC);
	if (prev != NULL)
		sqlite3_bind_text(st, 4, prev, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, seq);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_sqlerr(db, _("cannot record a batch"));
		goto dbfail;
	}
	if (db_commit(db) != 0)
		goto dbfail;
	began = 0;
	ret = 0;
	goto out;
dbfail:
	dberr(db, errstr);
out:
	sqlite3_finalize(st);
	if (began)
		db_rollback(db);
	strbuf_release(&info);
	free(region);
	free(issuer);
	free(station);
	free(name);
	free(state);
	free(prev);
	return ret;
}

/* Packs the unbatched records into new batches and writes them. */
static int
pack_new(struct db *db, const char *dbpath, const char *outdir,
    long long max_records, pack_written_fn fn, void *arg, char **errstr)
{
	long long first, last, s;

	if (create_batches(db, max_records, &first, &last, errstr) != 0)
		return -1;
	for (s = first; s > 0 && s <= last; s++)
		if (write_batch(db, dbpath, s, outdir, 0, fn, arg, errstr) !=
		    0)
			return -1;
	return 0;
}

/*
 * Keeps e as *errstr if it is the first failure, or the first error
 * (rc -1) after refusals (rc 1); *worst is the status to return.
 */
static void
keep_failure(int rc, char *e, int *worst, char **errstr)
{
	if (*errstr == NULL || (rc < 0 && *worst > 0)) {
		free(*errstr);
		*errstr = e;
		*worst = rc;
	} else
		free(e);
}

int
pack_run(struct db *db, const char *dbpath, const char *outdir,
    long long max_records, pack_written_fn fn, void *arg, char **errstr)
{
	struct pack_batch *v = NULL;
	size_t n = 0, i;
	int lock, ret = -1, rc, worst = 0;
	char *e = NULL;

	*errstr = NULL;
	if ((lock = lock_dir(outdir, errstr)) < 0)
		return -1;
	/*
	 * Repair: unacknowledged batches whose file is missing here.  One
	 * that cannot be repaired does not stop new records being packed;
	 * its error is returned at the end.
	 */
	if (pack_list(db, &v, &n, errstr) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		char *path;
		int missing;

		if (strcmp(v[i].state, "packed") != 0)
			continue;
		if (v[i].rewrite) {
			/* a record in it was corrected (hcp-amend(1)) */
			if ((rc = renew_batch(db, v[i].seq, &e)) == 0)
				rc = write_batch(db, dbpath, v[i].seq, outdir,
				    0, fn, arg, &e);
			if (rc != 0)
				keep_failure(rc, e, &worst, errstr);
			e = NULL;
			continue;
		}
		path = xasprintf("%s/%s.tar.gz", outdir, v[i].name);
		missing = access(path, F_OK) != 0;
		free(path);
		if ((missing || v[i].sha256 == NULL) && (rc = write_batch(db,
		    dbpath, v[i].seq, outdir, 0, fn, arg, &e)) != 0)
			keep_failure(rc, e, &worst, errstr);
		e = NULL;
	}
	if (pack_new(db, dbpath, outdir, max_records, fn, arg, &e) != 0)
		keep_failure(-1, e, &worst, errstr);
	ret = worst;
out:
	pack_batches_free(v, n);
	close(lock);
	return ret;
}

int
pack_rebuild(struct db *db, const char *dbpath, long long seq,
    const char *outdir, pack_written_fn fn, void *arg, char **errstr)
{
	int lock, ret;

	if ((lock = lock_dir(outdir, errstr)) < 0)
		return -1;
	ret = write_batch(db, dbpath, seq, outdir, 1, fn, arg, errstr);
	close(lock);
	return ret;
}

int
pack_repack(struct db *db, const char *dbpath, long long seq,
    const char *outdir, pack_written_fn fn, void *arg, char **errstr)
{
	int lock, ret;

	*errstr = NULL;
	if ((lock = lock_dir(outdir, errstr)) < 0)
		return -1;
	ret = renew_batch(db, seq, errstr);
	if (ret == 0)
		ret = write_batch(db, dbpath, seq, outdir, 0, fn, arg,
		    errstr);
	close(lock);
	return ret;
}

int
pack_mark_rewrite(struct db *db, long long seq)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, "UPDATE batches SET rewrite = 1 "
	    "WHERE seq = ?1 AND state = 'packed'") != 0)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v != NULL ? xstrdup((const char *)v) : NULL;
}

int
pack_list(struct db *db, struct pack_batch **v, size_t *n, char **errstr)
{
	sqlite3_stmt *st;
	int rc;

	*v = NULL;
	*n = 0;
	if (db_prepare(db, &st, "SELECT seq, name, created_at, records, "
	    "part, parts, sha256, state, acked_at, rewrite, corrections, "
	    "refused_at, refused_why FROM batches ORDER BY seq")
	    != 0)
		return dberr(db, errstr);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pack_batch *b;

		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		b = &(*v)[(*n)++];
		b->seq = sqlite3_column_int64(st, 0);
		b->name = col_dup(st, 1);
		b->created_at = col_dup(st, 2);
		b->records = sqlite3_column_int64(st, 3);
		b->part = sqlite3_column_int(st, 4);
		b->parts = sqlite3_column_int(st, 5);
		b->sha256 = col_dup(st, 6);
		b->state = col_dup(st, 7);
		b->acked_at = col_dup(st, 8);
		b->rewrite = sqlite3_column_int(st, 9);
		b->corrections = sqlite3_column_int64(st, 10);
		b->refused_at = col_dup(st, 11);
		b->refused_why = col_dup(st, 12);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(db, _("cannot read batches"));
		pack_batches_free(*v, *n);
		*v = NULL;
		*n = 0;
		return dberr(db, errstr);
	}
	return 0;
}

void
pack_batches_free(struct pack_batch *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].created_at);
		free(v[i].sha256);
		free(v[i].state);
		free(v[i].acked_at);
		free(v[i].refused_at);
		free(v[i].refused_why);
	}
	free(v);
}

/*
 * The batch named by r: its sequence number in *seq, its records and
 * corrections in *records.  0, 1 when the station db has no such batch,
 * 2 when its bytes are not those r is for (SHA-256), -1 on an error.
 */
static int
batch_of(struct db *db, const struct receipt *r, long long *seq,
    long long *records, char **errstr)
{
	sqlite3_stmt *st = NULL;
	char *sha = NULL;
	int ret = 1;

	if (db_prepare(db, &st, "SELECT seq, sha256, records + corrections "
	    "FROM batches WHERE name = ?1") != 0) {
		dberr(db, errstr);
		return -1;
	}
	sqlite3_bind_text(st, 1, r->batch, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		sha = col_dup(st, 1);
		*records = sqlite3_column_int64(st, 2);
		ret = sha != NULL && strcmp(sha, r->sha256) == 0 ? 0 : 2;
	}
	sqlite3_finalize(st);
	free(sha);
	return ret;
}

/*
 * Keeps refusal r of batch r->batch (its bytes as they are, checked) for
 * hcp-pack -l, unless a later one is kept.  -1 if the batch was
 * acknowledged: the refusal is past.
 */
static int
keep_refusal(struct db *db, const char *text, size_t len,
    const struct receipt *r, char **errstr)
{
	sqlite3_stmt *st;
	long long acked;
	int rc;

	if (db_prepare(db, &st, "UPDATE batches SET refusal = ?1, "
	    "refused_at = ?2, refused_why = ?3 WHERE name = ?4 AND "
	    "state = 'packed' AND coalesce(refused_at, '') <= ?2") != 0)
		return dberr(db, errstr);
	sqlite3_bind_text(st, 1, text, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->received, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->reasons, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->batch, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(db, _("cannot record the refusal"));
		return dberr(db, errstr);
	}
	if (db_query_int(db, "SELECT count(*) FROM batches WHERE name = ?1 "
	    "AND state = 'acknowledged'", r->batch, &acked) != 0)
		return dberr(db, errstr);
	if (acked > 0) {
		*errstr = xasprintf(_("batch %s is acknowledged: the "
		    "receiving side took it, and this refusal no longer "
		    "counts"), r->batch);
		return -1;
	}
	return 0;
}

int
pack_refusal(struct db *db, const char *text, size_t len, const char *pub_pem,
    long long *seq, struct receipt *r, char **errstr)
{
	long long records;
	int k;

	*seq = 0;
	if (receipt_parse(text, len, pub_pem, r, errstr) != 0)
		return -1;
	if (r->reasons == NULL) {
		*errstr = xstrdup(_("a receipt, not a refusal: record it with "
		    "--ack"));
		receipt_release(r);
		return -1;
	}
	if ((k = batch_of(db, r, seq, &records, errstr)) == 1)
		*errstr = xasprintf(_("the refusal is for batch %s, which "
		    "this station db does not have"), r->batch);
	else if (k == 2)
		*errstr = xasprintf(_("the refusal is for other bytes than "
		    "batch %s has now: it was written again since, and is "
		    "to be sent"), r->batch);
	if (k != 0 || keep_refusal(db, text, len, r, errstr) != 0) {
		receipt_release(r);
		return -1;
	}
	return 0;
}

int
pack_ack(struct db *db, const char *text, size_t len, const char *pub_pem,
    long long *seq, char **errstr)
{
	struct receipt r;
	sqlite3_stmt *st = NULL;
	long long records;
	int ret = -1, k;

	*seq = 0;
	if (receipt_parse(text, len, pub_pem, &r, errstr) != 0)
		return -1;
	if (r.reasons != NULL) {
		*errstr = xasprintf(_("the receiving side's refusal of batch "
		    "%s (%s), not a receipt: check it with --refusal"),
		    r.batch, r.received);
		goto out;
	}
	if ((k = batch_of(db, &r, seq, &records, errstr)) == 1)
		*errstr = xasprintf(_("the receipt is for batch %s, which this "
		    "station db does not have"), r.batch);
	else if (k == 2)
		*errstr = xasprintf(_("the receipt is for another file than "
		    "batch %s (SHA-256 differs): it was not received intact"),
		    r.batch);
	if (k != 0)
		goto out;
	if (records != r.records) {
		*errstr = xasprintf(_("the receipt counts %lld records but "
		    "batch %s has %lld"), r.records, r.batch, records);
		goto out;
	}
	/*
	 * Not a batch a correction marked to be written again: the receipt
	 * is for the file the next one replaces (Hcp-Replaces), and the
	 * receipt of that one is what counts.
	 */
	if (db_prepare(db, &st, "UPDATE batches SET state = 'acknowledged', "
	    "acked_at = ?1, receipt = ?2, refusal = NULL, refused_at = NULL, "
	    "refused_why = NULL WHERE seq = ?3 AND state = 'packed' "
	    "AND rewrite = 0") != 0) {
		dberr(db, errstr);
		goto out;
	}
	sqlite3_bind_text(st, 1, r.received, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, *seq);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_sqlerr(db, _("cannot record the receipt"));
		dberr(db, errstr);
		goto out;
	}
	if (sqlite3_changes(db_sqlite(db)) == 0) {
		if (db_query_int(db, "SELECT count(*) FROM batches WHERE "
		    "rewrite = 1 AND name = ?1", r.batch, &records) != 0) {
			dberr(db, errstr);
			goto out;
		}
		if (records > 0) {
			*errstr = xasprintf(_("batch %s was corrected after "
			    "it was written: hcp-pack writes it again, and "
			    "the receipt for that file is the one to "
			    "record"), r.batch);
			goto out;
		}
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	receipt_release(&r);
	return ret;
}
