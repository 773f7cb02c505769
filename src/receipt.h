/* SPDX-License-Identifier: ISC */
/*
 * Receipts: the receiving side's signed statement that it got a batch
 * intact (DESIGN §9), written by hcp-verify --receipt and recorded by
 * hcp-pack --ack.  A receipt is a small UTF-8 text file:
 *
 *   HCP-Receipt: 1
 *   Batch: hcp-33052301-000001
 *   SHA-256: <64 hex digits of the .tar.gz>
 *   Records: 1000
 *   Received: 2026-11-22 10:05:00
 *   Signature: <hex of the DER SM2 signature>
 *
 * The signature (SM2 with SM3, OpenSSL's default ID, as `openssl dgst
 * -sm3 -sign` makes it) covers every byte before the "Signature:" line,
 * so `head -n 5 r.receipt | openssl dgst -sm3 -verify pub.pem -signature
 * sig.der` checks it once the hex is decoded (xxd -r -p).
 *
 * A refusal is the receiving side's signed statement that it refused a
 * batch, and why (hcp-intake writes it, hcp-pack --refusal checks it),
 * signed the same way:
 *
 *   HCP-Refusal: 1
 *   Batch: hcp-33052301-000001	(the name it was uploaded under)
 *   SHA-256: <64 hex digits of the .tar.gz refused>
 *   Refused: 2026-11-22 10:05:00
 *   Reason: <one line>		(one or more)
 *   Signature: <hex>
 *
 * Functions return 0 or -1 with *errstr set to a malloc'd English message
 * (the caller frees).
 */
#ifndef HCP_RECEIPT_H
#define HCP_RECEIPT_H

#include <stddef.h>

struct receipt {
	char *batch;		/* batch name, no suffix */
	char sha256[65];	/* hex */
	long long records;	/* a receipt's */
	char *received;		/* "YYYY-MM-DD HH:MM:SS": received, refused */
	char *reasons;		/* a refusal's, one a line; NULL: a receipt */
};

struct sm2_key;

/*
 * Makes the text of a receipt (r->reasons NULL) or of a refusal, signed
 * with key; *text is malloc'd.
 */
int receipt_make(const struct receipt *r, const struct sm2_key *key,
    char **text, char **errstr);
/*
 * Makes the text of the refusal of the batch file path, for the name it
 * came under (path's last component without ".tar.gz"), refused now:
 * 0, -1 with *errstr, or 1 (nothing made) when no batch could have that
 * name or the file's SHA-256 is not known (sha256 not 64 digits).
 */
int receipt_refusal(const char *path, const char *sha256,
    const char *reasons, const struct sm2_key *key, char **text,
    char **errstr);
/*
 * Parses a receipt or a refusal (then r->reasons is set) and checks its
 * signature with pub_pem.  Returns 0 if it is well formed and the
 * signature good, -1 otherwise.
 */
int receipt_parse(const char *text, size_t len, const char *pub_pem,
    struct receipt *r, char **errstr);
void receipt_release(struct receipt *r);

#endif
