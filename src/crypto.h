/* SPDX-License-Identifier: ISC */
/*
 * Thin wrappers over libgcrypt (SHA-256 and SM3 digests of streams) and
 * OpenSSL libcrypto (HMAC-SM3 for window QR tags, DESIGN §7.3; random
 * bytes; SM2 keys and signatures for batches, DESIGN §9), and hex.
 * Nothing here hashes or signs by hand.
 *
 * Functions return 0 on success and -1 on failure unless stated; after a
 * failure *errstr (their last argument) is a malloc'd English message
 * saying why, with OpenSSL's reason when it gave one, which the caller
 * frees; errstr may be NULL when the caller does not want it.  Strings
 * and buffers returned through pointers are malloc'd and owned by the
 * caller; the PEM text of a private key should be wiped (explicit_bzero)
 * before it is freed.
 */
#ifndef HCP_CRYPTO_H
#define HCP_CRYPTO_H

#include <stddef.h>

enum digest_alg {
	DIGEST_SHA256,
	DIGEST_SM3
};

/* Both algorithms give 32 bytes. */
#define DIGEST_LEN 32

/* A streaming hash. */
struct digest;

/*
 * Returns a hash ready for input, or NULL when libgcrypt cannot provide
 * the algorithm (too old, or not initialised); digest_name() names it.
 */
struct digest *digest_new(enum digest_alg alg);
/* Adds n bytes at p. */
void digest_update(struct digest *d, const void *p, size_t n);
/*
 * Writes the hash of everything added since digest_new or digest_reset
 * to out.  The object is then reusable only after digest_reset.
 */
void digest_final(struct digest *d, unsigned char out[DIGEST_LEN]);
/* Starts a new hash with the same algorithm. */
void digest_reset(struct digest *d);
/* Frees d; NULL is allowed. */
void digest_free(struct digest *d);
/* "sha256" or "sm3": the algorithm names of BagIt manifest files. */
const char *digest_name(enum digest_alg alg);

/* Writes n bytes at p as 2n lower-case hex digits and a NUL to out. */
void crypto_hex(const unsigned char *p, size_t n, char *out);
/*
 * Decodes hex, which must be exactly 2n hex digits (either case) and
 * nothing else, into n bytes at out.  Returns 0, or -1 if malformed.
 */
int crypto_unhex(const char *hex, unsigned char *out, size_t n);

/* HMAC with SM3 of msg under key. */
int crypto_hmac_sm3(const void *key, size_t keylen, const void *msg,
    size_t len, unsigned char out[DIGEST_LEN], char **errstr);
/* Fills buf with n bytes from the OpenSSL CSPRNG. */
int crypto_random(void *buf, size_t n, char **errstr);

/*
 * SM2 keys travel as PEM text: private keys as PKCS#8 ("BEGIN PRIVATE
 * KEY"; SEC1 "BEGIN SM2 PRIVATE KEY" or "BEGIN EC PRIVATE KEY" is read
 * too, unencrypted only), public keys as SubjectPublicKeyInfo ("BEGIN
 * PUBLIC KEY").  A key on any other curve is an error.
 */

/* Generates an SM2 key pair; *priv_pem gets the private key. */
int crypto_sm2_keygen(char **priv_pem, char **errstr);
/* Derives the public key PEM from a private key PEM. */
int crypto_sm2_pubkey(const char *priv_pem, char **pub_pem,
    char **errstr);

/*
 * Signs msg with SM2 over SM3 and the empty distinguishing ID (OpenSSL's
 * default, not GM/T 0009's "1234567812345678"), exactly as `openssl dgst
 * -sm3 -sign key.pem` does; *sig gets the DER signature (*siglen bytes),
 * which `openssl dgst -sm3 -verify pub.pem -signature` accepts.
 */
int crypto_sm2_sign(const char *priv_pem, const void *msg, size_t len,
    unsigned char **sig, size_t *siglen, char **errstr);
/*
 * Whether pub_pem holds an SM2 public key (as crypto_sm2_verify() reads
 * it): 0, or -1 with *errstr saying why.
 */
int crypto_sm2_public_check(const char *pub_pem, char **errstr);
/* A private key read once, to sign many times (a receiver's receipts). */
struct sm2_key;
struct sm2_key *crypto_sm2_private(const char *priv_pem, char **errstr);
int crypto_sm2_sign_with(const struct sm2_key *key, const void *msg,
    size_t len, unsigned char **sig, size_t *siglen, char **errstr);
void crypto_sm2_key_free(struct sm2_key *key);
/*
 * Checks an SM2/SM3 signature as `openssl dgst -sm3 -verify` does.
 * Returns 0 if it is good, 1 if it is not (including a malformed
 * signature), -1 on error (unreadable or non-SM2 key; *errstr is set
 * only then).
 */
int crypto_sm2_verify(const char *pub_pem, const void *msg, size_t len,
    const unsigned char *sig, size_t siglen, char **errstr);

#endif
