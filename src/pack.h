/* SPDX-License-Identifier: ISC */
/*
 * Packing the station's records into batches (DESIGN §9) and keeping the
 * batch ledger (table batches): new batches, repair and rebuild of batch
 * files, the list, and receipts.
 *
 * The order of work makes a crash harmless (hcp-pack(1) tells the user):
 *
 *   1. one transaction inserts the batch rows (seq, name, time, fixed
 *      bag-info lines, and the range of record ids first_id..last_id:
 *      every record above the last batch's range, in order);
 *   2. the file is written under a temporary name in the output
 *      directory and synced;
 *   3. one transaction stores its SHA-256 and signature in the row;
 *   4. it is renamed to NAME.tar.gz and the directory synced.
 *
 * A batch is what the db says it is: a row and its range of records (ids
 * only grow, and no record is ever deleted, so a range never changes).
 * Its file is a function of the db (records, time, stored lines, stored
 * signature), so any later run writes a missing file again, the same
 * bytes; a file renamed into place is always complete.
 *
 * Functions return 0 or -1 with *errstr set to a malloc'd English
 * message (the caller frees); struct pack_batch strings are malloc'd.
 */
#ifndef HCP_PACK_H
#define HCP_PACK_H

#include <stddef.h>

struct db;

struct pack_batch {
	long long seq;
	char *name;		/* hcp-<region><issuer>-<seq>, no suffix */
	char *created_at;
	long long records;
	int part, parts;
	char *sha256;		/* hex, NULL until the file was written */
	char *state;		/* "packed" or "acknowledged" */
	char *acked_at;		/* NULL unless acknowledged */
	int rewrite;		/* a record in it was corrected */
	long long corrections;	/* superseding records it carries */
	char *refused_at;	/* the receiver's refusal of its bytes, */
	char *refused_why;	/* reasons a line each; NULL if none kept */
};

/* Called with the path of every batch file written. */
typedef void (*pack_written_fn)(void *arg, const char *path);

/*
 * pack_run(), pack_rebuild() and pack_repack() return 0, 1 when a batch
 * is refused for what it is (it comes out different from its first
 * file, it was acknowledged, there is no such batch), or -1 when a file,
 * a directory, the key or the db failed; *errstr then says why (the
 * first error, else the first refusal).  pack_run() goes on past a batch
 * it cannot write again.
 */

/*
 * Writes again every unacknowledged batch a correction marked (as
 * pack_repack() does) and the file of every unacknowledged batch whose
 * file is not in outdir or was never completed, then puts every record
 * not yet in a batch into new batches of at most max_records (0: no
 * limit), the superseding records not yet in a batch (hcp-amend(1)) into
 * the first of them (a batch of their own if there are no new records),
 * and writes them.  dbpath locates the station key (keys.h).
 */
int pack_run(struct db *db, const char *dbpath, const char *outdir,
    long long max_records, pack_written_fn fn, void *arg, char **errstr);

/*
 * Writes batch seq again into outdir; fails, leaving nothing, if the
 * result differs from the SHA-256 recorded when it was first written.
 * A batch written before payloads were spliced in (bag.h) is written
 * the older way, so it too comes out byte for byte.
 */
int pack_rebuild(struct db *db, const char *dbpath, long long seq,
    const char *outdir, pack_written_fn fn, void *arg, char **errstr);

/*
 * Writes batch seq again into outdir, from the records as they are now
 * (hcp-amend(1) corrected one, or the receiver refused the batch): the
 * same name, sequence and records, new bag-info lines made now with
 * Hcp-Replaces (the SHA-256 of the file replaced), a new signature and
 * SHA-256 recorded.  The file replaced, if in outdir, is renamed to
 * NAME.tar.gz.replaced.  Fails for an acknowledged batch.  pack_run()
 * does this for every batch marked by a correction.
 */
int pack_repack(struct db *db, const char *dbpath, long long seq,
    const char *outdir, pack_written_fn fn, void *arg, char **errstr);

/*
 * Marks batch seq, if it is not acknowledged, to be written again by the
 * next pack_run() (hcp-amend(1) corrected a record in it).  Returns 0, or
 * -1 (db_errstr()).
 */
int pack_mark_rewrite(struct db *db, long long seq);

/* All batches in seq order; *v is malloc'd. */
int pack_list(struct db *db, struct pack_batch **v, size_t *n,
    char **errstr);
void pack_batches_free(struct pack_batch *v, size_t n);

struct receipt;

/*
 * Records a receipt (receipt.h) for the batch it names, after checking
 * its signature with the receiver's public key and that its digest and
 * count are those of the batch.  *seq gets the batch.  Recording the same
 * receipt again is not an error.
 */
int pack_ack(struct db *db, const char *receipt_text, size_t len,
    const char *receiver_pub_pem, long long *seq, char **errstr);
/*
 * Checks a refusal (receipt.h) of the batch it names: 0 when it is signed
 * with the receiver's public key and is for the batch's bytes as written
 * (*seq gets the batch, r the refusal: receipt_release() it), -1 when
 * not, a refusal of other bytes among them (the batch was written again
 * since) and of a batch acknowledged.  A good refusal is kept with the
 * batch (pack_list()) until it is written again or acknowledged.
 */
int pack_refusal(struct db *db, const char *text, size_t len,
    const char *receiver_pub_pem, long long *seq, struct receipt *r,
    char **errstr);

#endif
