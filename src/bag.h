/* SPDX-License-Identifier: ISC */
/*
 * Batches as BagIt bags (RFC 8493) in one .tar.gz (DESIGN §9):
 *
 *   NAME/bag-info.txt          NAME/bagit.txt
 *   NAME/data/evaluations.csv  NAME/manifest-sha256.txt
 *   NAME/manifest-sm3.txt      NAME/signature.sm2
 *   NAME/tagmanifest-sha256.txt NAME/tagmanifest-sm3.txt
 *
 * in that (sorted) order, ustar members with fixed mode 0644, owner 0:0
 * and the batch time as mtime, compressed by pgzip, so the same records
 * give the same bytes.  The tag manifests list bag-info.txt, bagit.txt and
 * both payload manifests; signature.sm2 is the DER SM2 signature (SM3,
 * OpenSSL's default ID) over tagmanifest-sm3.txt, as `openssl dgst -sm3
 * -sign` writes it.
 *
 * The payload is compressed while it is produced (struct bag_payload):
 * a raw deflate run (pgzip_new_raw) goes to an unlinked temporary file,
 * and the digests are computed on a thread of their own.  bag_write()
 * then splices that run into the gzip member where the payload's bytes
 * fall in the tar stream (pgzip_splice); everything else is compressed
 * as it comes.  The gzip member is standard, and deterministic: the same
 * records give the same bytes.
 *
 * This module writes bags and parses their tag files; reading an archive
 * safely is verify.c's business.  Functions return 0 or -1 with *errstr
 * set to a malloc'd English message that the caller frees.
 */
#ifndef HCP_BAG_H
#define HCP_BAG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "crypto.h"

#define BAG_PAYLOAD "data/evaluations.csv"
/* The case events (hcp-review(1)) a batch may carry, before the payload. */
#define BAG_EVENTS "data/case-events.csv"
#define BAG_VERSION "1.0"

/*
 * A byte stream handed, in order and in chunks of up to 1 MiB, to fn on a
 * thread of its own, so producing and consuming run on two processors.
 * bag_pipe_close() waits until fn has seen every byte, then frees.
 */
struct bag_pipe;
typedef void (*bag_pipe_fn)(void *arg, const void *p, size_t n);

struct bag_pipe *bag_pipe_new(bag_pipe_fn fn, void *arg);
/* Adds n bytes (copied). */
void bag_pipe_write(struct bag_pipe *bp, const void *p, size_t n);
/* NULL is allowed. */
void bag_pipe_close(struct bag_pipe *bp);

/*
 * SHA-256 and SM3 of one byte stream, computed on a thread of their own
 * while the caller produces the bytes.  bag_digest_new() returns NULL
 * when libgcrypt cannot provide either; allocation failure dies.
 */
struct bag_digest;

struct bag_digest *bag_digest_new(void);
/* Adds n bytes (copied). */
void bag_digest_update(struct bag_digest *d, const void *p, size_t n);
/* Waits for the thread and gives both digests; then only free is valid. */
void bag_digest_final(struct bag_digest *d, unsigned char sha256[DIGEST_LEN],
    unsigned char sm3[DIGEST_LEN]);
void bag_digest_free(struct bag_digest *d);

/* A payload compressed ahead: a raw deflate run (pgzip.h) in a file. */
struct bag_zpayload {
	int fd;			/* read with pread() from offset 0 */
	uint64_t clen;		/* bytes of the run */
	uint32_t crc;		/* CRC-32 of the payload */
};

/* What goes into one bag. */
struct bag_spec {
	const char *name;		/* top directory, hcp-<station>-<seq> */
	time_t mtime;			/* of every member */
	const char *info;		/* bag-info.txt, complete */
	uint64_t payload_len;		/* data/evaluations.csv, bytes */
	struct bag_zpayload zp;		/* and compressed */
	/*
	 * 1: inflate the run and compress the payload along with the rest,
	 * as hcp did before splicing, to rebuild such a batch byte for byte.
	 */
	int unspliced;
	unsigned char sha256[DIGEST_LEN];	/* of the payload */
	unsigned char sm3[DIGEST_LEN];
	const unsigned char *sig;	/* signature to reuse, or NULL */
	size_t siglen;
	const char *priv_pem;		/* signs when sig is NULL */
	const char *events;		/* BAG_EVENTS, NULL: none */
	size_t events_len;
};

/*
 * A payload as it is produced: bag_payload_write() hands the bytes to the
 * digest thread and to the compressing threads, whose raw run goes to an
 * unlinked temporary file .NAME.payload.XXXXXX in dir.
 */
struct bag_payload;

/* Returns NULL with *errstr set if the file or a thread cannot be made. */
struct bag_payload *bag_payload_new(const char *dir, const char *name,
    char **errstr);
/* Adds n bytes. */
int bag_payload_write(struct bag_payload *bp, const void *p, size_t n,
    char **errstr);
/*
 * Ends the payload and sets spec->payload_len, spec->zp, spec->sha256 and
 * spec->sm3.  spec->zp.fd belongs to bp: it is closed by
 * bag_payload_free(), so free bp only after bag_write().
 */
int bag_payload_finish(struct bag_payload *bp, struct bag_spec *spec,
    char **errstr);
/* NULL is allowed. */
void bag_payload_free(struct bag_payload *bp);

/*
 * Writes the bag as .tar.gz to fd, with the payload spec->zp spliced in
 * (or inflated and compressed again, with spec->unspliced).  If
 * spec->sig is NULL the tag manifest is signed with spec->priv_pem and
 * *sig (malloc'd, *siglen bytes) gets the new signature, else spec->sig
 * is used and *sig is set to NULL.  out_sha256 gets the SHA-256 of the
 * bytes written.  Does not sync.  Fails, rather than write a wrong
 * archive, if the payload is not where the tar stream has it or the run
 * does not inflate to the payload.
 */
int bag_write(const struct bag_spec *spec, int fd, unsigned char **sig,
    size_t *siglen, unsigned char out_sha256[DIGEST_LEN], char **errstr);

/* The text of bagit.txt that bag_write() writes. */
extern const char bag_bagit_txt[];

/* One "Label: value" element of bagit.txt or bag-info.txt. */
struct bag_tag {
	char *label;
	char *value;
};

struct bag_tags {
	struct bag_tag *v;
	size_t n;
};

/*
 * Parses a tag file (UTF-8, "Label: value" lines, continuation lines
 * starting with blanks are joined with one space).  Returns 0, or -1 with
 * *errstr naming the line.
 */
int bag_tags_parse(const char *text, size_t len, struct bag_tags *out,
    char **errstr);
/* The value of the first element with this label, or NULL. */
const char *bag_tags_get(const struct bag_tags *t, const char *label);
void bag_tags_release(struct bag_tags *t);

/* One manifest line. */
struct bag_entry {
	char *path;
	unsigned char digest[DIGEST_LEN];
};

struct bag_manifest {
	struct bag_entry *v;
	size_t n;
};

/*
 * Parses a manifest ("hex  path" lines, one or more blanks, LF or CRLF).
 * Refuses malformed digests, unsafe paths and a path listed twice.
 */
int bag_manifest_parse(const char *text, size_t len, struct bag_manifest *out,
    char **errstr);
void bag_manifest_release(struct bag_manifest *m);

/*
 * Returns 1 if path (relative to the bag) is safe to name: not empty, not
 * absolute, no "." or ".." component, no empty component, no backslash or
 * control character.  Else 0.
 */
int bag_path_safe(const char *path);

#endif
