/* SPDX-License-Identifier: ISC */
/*
 * Checking a batch (DESIGN §9) as the receiving side does: the archive is
 * read as a stream, straight from the .tar.gz into memory and the
 * digests, and nothing is ever extracted, so no member can write
 * anywhere.  Unsafe archives are refused: members that are not plain
 * files or directories (links, devices, fifos), absolute paths, "..",
 * members outside one top directory, a name twice, more than
 * VERIFY_MAX_MEMBERS members, a tag file over VERIFY_MAX_TAG bytes or a
 * payload over VERIFY_MAX_PAYLOAD bytes.  Then bagit.txt, bag-info.txt
 * (names, Payload-Oxum, Bag-Count, record count), every line of both
 * payload manifests and both tag manifests in both directions, the SM2
 * signature over tagmanifest-sm3.txt, and every CSV row through the
 * shared validator (record.h), with the rules of superseding records
 * (hcp-csv(5)) for the rows that carry a correction.
 *
 * Memory is bounded whatever the bytes (under 30 MB, mostly the 1 MiB
 * chunks of the three stream threads), but for the table of record keys
 * that finds duplicates, which grows with the records (keyset.h: 16
 * bytes a key, sized once from Hcp-Records and grown in place; 18 MB
 * for a million records of one key each, 37 MB for a million paper
 * records, which have two): a batch holds at most
 * VERIFY_MAX_MEMBERS members of any kind; the only directories allowed
 * are the bag's and its data/; the only files the seven tag files of a
 * batch (each at most VERIFY_MAX_TAG bytes, the only ones held in
 * memory) and data/evaluations.csv, whose fields and rows are checked as
 * they stream by and refused beyond VERIFY_MAX_FIELD and VERIFY_MAX_ROW
 * bytes.  The longest field of the fields table (a comment, 2000
 * characters) takes at most 8000 bytes in UTF-8; a path in src_file at
 * most PATH_MAX.  Any of these refusals stops reading at once.  If
 * bag-info.txt comes before the payload in the tar, its Payload-Oxum is
 * checked against the payload's size before a byte of it is read.
 * After the tar's end-of-archive blocks only zero bytes may follow, at
 * most VERIFY_MAX_TAIL of them counting the blocks; after the gzip
 * member, nothing.  Bag-Count must be "i of n" with 1 <= i <= n <=
 * VERIFY_MAX_BAGS, and no label of bagit.txt or bag-info.txt may be
 * given twice but the descriptive ones RFC 8493 lets a bag repeat.
 *
 * verify_batch() returns 0 when the file could be examined (problems, if
 * any, are in the result) and -1 when it could not be read at all or
 * memory ran out (*errstr set, malloc'd).
 */
#ifndef HCP_VERIFY_H
#define HCP_VERIFY_H

#include <stddef.h>

#include "crypto.h"
#include "diag.h"

#define VERIFY_MAX_MEMBERS 64
#define VERIFY_MAX_TAG (64 * 1024)
#define VERIFY_MAX_PAYLOAD (16LL * 1024 * 1024 * 1024)
/* data/case-events.csv (hcp-review(1)), held in memory to be checked */
#define VERIFY_MAX_EVENTS (8 * 1024 * 1024)
#define VERIFY_MAX_FIELD 8192
#define VERIFY_MAX_ROW (64 * 1024)
#define VERIFY_MAX_TAIL (64 * 1024)
#define VERIFY_MAX_BAGS 9999
/*
 * How far a batch's Hcp-Created may lie ahead of this machine's clock
 * (both in the station's zone, by Hcp-UTC-Offset) before the station's
 * clock is said to be wrong: a day.
 */
#define VERIFY_CLOCK_SLACK 86400
/* Problems listed per batch; more are only counted. */
#define VERIFY_MAX_SHOWN 50

struct rec;
struct rec_ctx;
struct rec_seen;

struct verify_opts {
	const char *pub_pem;	/* the station's public key */
	struct rec_ctx *ctx;	/* validator: format level, or loaded */
	struct rec_ctx *keys;	/* unloaded context for rec_check_keys */
	struct rec_seen *seen;	/* records across batches, or NULL */
	/*
	 * Hooks of a side that uses what it verifies (hcp-report,
	 * hcp-intake), all NULL for a plain check.  key_at, if set, gives
	 * the public key of station valid at created (bag-info.txt's
	 * Hcp-Station and Hcp-Created, either NULL if missing) in place of
	 * pub_pem, or NULL with *why (malloc'd) saying why there is none:
	 * the batch is then bad.  row, if set, is called on the validating
	 * thread with the header row (r NULL), then in row order with each
	 * record that passed every check, what it supersedes ("" for a new
	 * record) and the row's cells; a nonzero return makes the batch bad
	 * with *why (malloc'd) as the problem.  Whether the batch as a whole
	 * passed is known only from verify_ok() afterwards.  arg is passed
	 * to each.
	 */
	const char *(*key_at)(void *arg, const char *station,
	    const char *created, char **why);
	int (*row)(void *arg, const struct rec *r, const char *supersedes,
	    size_t ncells, const char *const *cells, char **why);
	/*
	 * events, if set, is called with the bytes of data/case-events.csv
	 * once read (valid during the call), before any record; whether
	 * they passed is known from verify_ok() afterwards.
	 */
	void (*events)(void *arg, const char *csv, size_t len);
	/*
	 * payload, if set, is called once before the first row of
	 * data/evaluations.csv reaches row (and on another thread than
	 * row), with bag-info.txt's Hcp-Station and Hcp-Sequence as far as
	 * bag-info.txt came before the payload (hcp-pack writes it first)
	 * and they are well formed; NULL and 0 if not.  They are checked
	 * against the bag's name only at the end.
	 */
	void (*payload)(void *arg, const char *station, long long seq);
	void *arg;
};

struct verify_result {
	char *path;
	char *name;		/* top directory / External-Identifier */
	char *station;		/* Hcp-Station, or NULL */
	long long seq;		/* Hcp-Sequence, or 0 */
	long long records;	/* CSV data rows read */
	char sha256[2 * DIGEST_LEN + 1];	/* of the whole file */
	struct diag_list problems;	/* "member: what is wrong" */
	size_t hidden;		/* problems not listed */
};

int verify_batch(const char *path, const struct verify_opts *o,
    struct verify_result *res, char **errstr);
/* True if the batch passed every check. */
int verify_ok(const struct verify_result *res);
/*
 * The problems of res as a refusal gives them, a line each ("warning: "
 * before a warning), and how many more were not kept; appended to out.
 */
struct strbuf;
void verify_problems_text(const struct verify_result *res,
    struct strbuf *out);
void verify_result_release(struct verify_result *res);

/*
 * Looks at several verified batches together: for each station, a
 * sequence number given twice with different content (overlap) is an
 * error added to the later batch's problems; missing numbers between the
 * lowest and the highest (gaps) are warnings in out.
 */
void verify_sequence(struct verify_result *v, size_t n,
    struct diag_list *out);

#endif
