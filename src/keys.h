/* SPDX-License-Identifier: ISC */
/*
 * The station's key files, kept beside the station db (DESIGN §7.3, §9,
 * §10):
 *
 *   <db>.sm2.pem     SM2 private key, PKCS#8 PEM, signs batches;
 *   <db>.qr.secret   32 random bytes as 64 hex digits and a newline, the
 *                    HMAC-SM3 key of the window QR tags.
 *
 * Both are created mode 0600 and never overwritten.  Returned strings are
 * malloc'd and owned by the caller; key text should be wiped with
 * explicit_bzero before it is freed.  On failure a function sets *errstr
 * to a malloc'd English message naming the file (the caller frees it).
 */
#ifndef HCP_KEYS_H
#define HCP_KEYS_H

#define KEYS_SM2_SUFFIX ".sm2.pem"
#define KEYS_QR_SUFFIX ".qr.secret"
#define KEYS_QR_SECRET_LEN 32

/* Returns dbpath followed by suffix, malloc'd. */
char *keys_path(const char *dbpath, const char *suffix);

/*
 * Creates whichever of the two key files is missing (O_CREAT|O_EXCL,
 * mode 0600, data and directory fsync'd); an existing file is left alone
 * whatever it holds.  Sets *created (if not NULL) to 1 if a file was
 * made, else 0.  Returns 0, or -1 with *errstr set; a file that could not
 * be written completely is removed again.
 */
int keys_create(const char *dbpath, int *created, char **errstr);

/* Returns the text of <db>.sm2.pem, or NULL with *errstr set. */
char *keys_private_pem(const char *dbpath, char **errstr);

/*
 * Returns the public key (SubjectPublicKeyInfo PEM) of <db>.sm2.pem, or
 * NULL with *errstr set.
 */
char *keys_public_pem(const char *dbpath, char **errstr);

/*
 * Reads <db>.qr.secret into out.  Returns 0, or -1 with *errstr set if
 * the file cannot be read or is not 64 hex digits (a final newline is
 * allowed).
 */
int keys_qr_secret(const char *dbpath, unsigned char out[KEYS_QR_SECRET_LEN],
    char **errstr);

/*
 * Returns 1 if the file at path has any group or other permission bit
 * set, 0 if not, -1 if it cannot be examined (errno set).  Warning about
 * it is the tool's business.
 */
int keys_check_mode(const char *path);

#endif
