/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for src/crypto.c and src/keys.c: digest known answers,
 * streaming, hex, HMAC-SM3 known answers, SM2 sign/verify round trips and
 * tampering, and the station key files (mode 0600, created once, never
 * overwritten).  Interoperability with the openssl command line is left
 * to the CLI tests.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "keys.h"
#include "tap.h"
#include "xalloc.h"
#include "banned.h"

static char *
hexdigest(enum digest_alg alg, const void *p, size_t n)
{
	static char hex[2 * DIGEST_LEN + 1];
	unsigned char md[DIGEST_LEN];
	struct digest *d;

	if ((d = digest_new(alg)) == NULL)
		return NULL;
	digest_update(d, p, n);
	digest_final(d, md);
	digest_free(d);
	crypto_hex(md, sizeof(md), hex);
	return hex;
}

static void
test_digests(void)
{
	static const char sm3_abc[] =
	    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
	unsigned char buf[1000], one[DIGEST_LEN], many[DIGEST_LEN];
	char hex[2 * DIGEST_LEN + 1];
	struct digest *d;
	size_t i, off, step;
	int alg;

	is_str(hexdigest(DIGEST_SM3, "abc", 3), sm3_abc,
	    "SM3(\"abc\") (GB/T 32905 example 1)");
	is_str(hexdigest(DIGEST_SM3,
	    "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd",
	    64),
	    "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
	    "SM3(\"abcd\" x 16) (GB/T 32905 example 2)");
	is_str(hexdigest(DIGEST_SHA256, "abc", 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "SHA-256(\"abc\") (FIPS 180-2)");
	is_str(hexdigest(DIGEST_SHA256, "", 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "SHA-256 of nothing");
	is_str(digest_name(DIGEST_SHA256), "sha256", "name of SHA-256");
	is_str(digest_name(DIGEST_SM3), "sm3", "name of SM3");

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	for (alg = DIGEST_SHA256; alg <= DIGEST_SM3; alg++) {
		d = digest_new((enum digest_alg)alg);
		ok(d != NULL, "digest_new");
		if (d == NULL)
			continue;
		digest_update(d, buf, sizeof(buf));
		digest_final(d, one);
		digest_reset(d);
		for (off = 0, step = 1; off < sizeof(buf); off += step,
		    step = step * 3 % 61 + 1) {
			if (step > sizeof(buf) - off)
				step = sizeof(buf) - off;
			digest_update(d, buf + off, step);
		}
		digest_final(d, many);
		ok(memcmp(one, many, DIGEST_LEN) == 0,
		    alg == DIGEST_SM3 ? "SM3 in pieces equals one go" :
		    "SHA-256 in pieces equals one go");
		digest_reset(d);
		digest_update(d, "abc", 3);
		digest_final(d, one);
		crypto_hex(one, DIGEST_LEN, hex);
		ok(strcmp(hex, hexdigest((enum digest_alg)alg, "abc", 3)) ==
		    0, "digest reusable after reset");
		digest_free(d);
	}
	digest_free(NULL);
}

static void
test_hex(void)
{
	static const unsigned char bytes[] = { 0x00, 0xff, 0x10, 0xab, 0x7e };
	unsigned char back[5];
	char hex[11];

	crypto_hex(bytes, sizeof(bytes), hex);
	is_str(hex, "00ff10ab7e", "hex is lower case");
	memset(back, 0, sizeof(back));
	is_int(crypto_unhex(hex, back, sizeof(back)), 0, "unhex");
	ok(memcmp(back, bytes, sizeof(bytes)) == 0, "hex round trip");
	is_int(crypto_unhex("00FF10AB7E", back, sizeof(back)), 0,
	    "unhex takes upper case");
	ok(memcmp(back, bytes, sizeof(bytes)) == 0, "upper case decodes");
	is_int(crypto_unhex("00ff10ab7", back, sizeof(back)), -1,
	    "unhex rejects too short");
	is_int(crypto_unhex("00ff10ab7e00", back, sizeof(back)), -1,
	    "unhex rejects too long");
	is_int(crypto_unhex("00ff10ag7e", back, sizeof(back)), -1,
	    "unhex rejects a non-hex digit");
	is_int(crypto_unhex("00ff10ab7e\n", back, sizeof(back)), -1,
	    "unhex rejects a trailing newline");
	is_int(crypto_unhex("", back, 0), 0, "unhex of nothing");
}

static void
test_hmac(void)
{
	static const unsigned char key32[] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
		0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
		0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f
	};
	static const char jefe_msg[] = "what do ya want for nothing?";
	unsigned char mac[DIGEST_LEN];
	char hex[2 * DIGEST_LEN + 1];

	/*
	 * Expected values from OpenSSL 3.0.22:
	 *   printf 'what do ya want for nothing?' |
	 *       openssl dgst -sm3 -hmac Jefe
	 *   k=000102030405060708090a0b0c0d0e0f
	 *   k=${k}101112131415161718191a1b1c1d1e1f
	 *   printf abc | openssl mac -digest SM3 -macopt hexkey:$k HMAC
	 */
	is_int(
	    crypto_hmac_sm3("Jefe", 4, jefe_msg, strlen(jefe_msg), mac, NULL),
	    0, "HMAC-SM3 works");
	crypto_hex(mac, sizeof(mac), hex);
	is_str(hex,
	    "2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882",
	    "HMAC-SM3 key \"Jefe\" (RFC 2104 test 2 input)");
	is_int(crypto_hmac_sm3(key32, sizeof(key32), "abc", 3, mac, NULL), 0,
	    "HMAC-SM3 with a 32-byte key works");
	crypto_hex(mac, sizeof(mac), hex);
	is_str(hex,
	    "a8f95cf26f204957e7ca73c9602a25dda35f168b28103b51dfc968c810416b63",
	    "HMAC-SM3 32-byte key over \"abc\"");
}

static void
test_random(void)
{
	unsigned char a[32], b[32];

	is_int(crypto_random(a, sizeof(a), NULL), 0, "random bytes");
	is_int(crypto_random(b, sizeof(b), NULL), 0, "more random bytes");
	ok(memcmp(a, b, sizeof(a)) != 0, "two draws differ");
	is_int(crypto_random(a, 0, NULL), 0, "zero random bytes");
}

static void
test_sm2(void)
{
	static const char msg[] = "manifest line\n";
	static const char p256[] = "-----BEGIN PUBLIC KEY-----\n"
	    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJWGyxJrCkzLY3QIZ6t+M/g+z8dR/\n"
	    "VGkmed9RsmreuEem1fUGduBRVQVhHrxWLMaHLH5YkwFOquRa1+6U9O+8Gg==\n"
	    "-----END PUBLIC KEY-----\n";
	char *priv = NULL, *pub = NULL, *priv2 = NULL, *pub2 = NULL, *e = NULL;
	char bad[sizeof(msg)];
	unsigned char *sig = NULL, *sig2 = NULL;
	size_t siglen = 0, siglen2 = 0, i;
	int all;

	is_int(crypto_sm2_keygen(&priv, NULL), 0, "SM2 key generated");
	ok(priv != NULL &&
	    strncmp(priv, "-----BEGIN PRIVATE KEY-----\n", 28) == 0,
	    "private key is PKCS#8 PEM");
	is_int(crypto_sm2_pubkey(priv, &pub, NULL), 0,
	    "SM2 public key derived");
	ok(pub != NULL &&
	    strncmp(pub, "-----BEGIN PUBLIC KEY-----\n", 27) == 0,
	    "public key is SubjectPublicKeyInfo PEM");
	if (priv == NULL || pub == NULL)
		return;

	is_int(crypto_sm2_sign(priv, msg, strlen(msg), &sig, &siglen, NULL), 0,
	    "sign");
	ok(sig != NULL && siglen >= 8 && siglen <= 72 && sig[0] == 0x30,
	    "signature is a DER SEQUENCE");
	is_int(crypto_sm2_verify(pub, msg, strlen(msg), sig, siglen, NULL), 0,
	    "signature verifies");

	memcpy(bad, msg, sizeof(msg));
	bad[3] ^= 0x01;
	is_int(crypto_sm2_verify(pub, bad, strlen(bad), sig, siglen, NULL), 1,
	    "a flipped bit in the message fails");
	is_int(crypto_sm2_verify(pub, msg, strlen(msg) - 1, sig, siglen, NULL),
	    1, "a shortened message fails");

	/* Every byte of the signature matters, the DER framing too. */
	all = 1;
	for (i = 0; i < siglen; i++) {
		sig[i] ^= 0x40;
		if (crypto_sm2_verify(pub, msg, strlen(msg), sig, siglen,
			NULL) != 1)
			all = 0;
		sig[i] ^= 0x40;
	}
	ok(all, "a flipped byte anywhere in the signature fails (1)");
	is_int(crypto_sm2_verify(pub, msg, strlen(msg), sig, siglen - 1, NULL),
	    1, "a truncated signature fails (1)");
	is_int(crypto_sm2_verify(pub, msg, strlen(msg), sig, 0, NULL), 1,
	    "an empty signature fails (1)");
	is_int(crypto_sm2_verify(pub, msg, strlen(msg), sig, siglen, NULL), 0,
	    "the restored signature verifies again");

	is_int(crypto_sm2_keygen(&priv2, NULL), 0, "second key");
	is_int(crypto_sm2_pubkey(priv2, &pub2, NULL), 0, "second public key");
	ok(pub2 != NULL && strcmp(pub, pub2) != 0, "keys differ");
	is_int(crypto_sm2_verify(pub2, msg, strlen(msg), sig, siglen, NULL), 1,
	    "another key's public key rejects the signature");
	is_int(crypto_sm2_sign(priv2, "", 0, &sig2, &siglen2, NULL), 0,
	    "sign an empty message");
	is_int(crypto_sm2_verify(pub2, "", 0, sig2, siglen2, NULL), 0,
	    "empty message verifies");

	is_int(
	    crypto_sm2_verify("not a key", msg, strlen(msg), sig, siglen, &e),
	    -1, "a bad public key is an error (-1)");
	ok(e != NULL && strstr(e, "public key") != NULL,
	    "and the error argument says why");
	free(e);
	e = NULL;
	is_int(crypto_sm2_verify(pub, msg, strlen(msg), sig, siglen, &e), 0,
	    "a good signature");
	ok(e == NULL, "sets no error");
	is_int(crypto_sm2_verify(priv, msg, strlen(msg), sig, siglen, NULL), -1,
	    "a private key is not a public key");
	e = NULL;
	is_int(crypto_sm2_verify(p256, msg, strlen(msg), sig, siglen, &e), -1,
	    "a NIST P-256 public key is refused");
	ok(e != NULL && strstr(e, "not an SM2 key (EC)") != NULL,
	    "as not an SM2 key, naming its type");
	free(e);
	e = xasprintf("a note before the key\n%s", pub);
	is_int(crypto_sm2_verify(e, msg, strlen(msg), sig, siglen, NULL), 0,
	    "text before the PEM block is skipped, as PEM readers do");
	free(e);
	e = xstrdup(pub);
	e[30] = e[30] == 'A' ? 'B' : 'A';
	is_int(crypto_sm2_verify(e, msg, strlen(msg), sig, siglen, NULL), -1,
	    "a key whose DER is damaged is an error");
	free(e);
	e = NULL;
	free(sig2);
	sig2 = NULL;
	is_int(crypto_sm2_sign("-----BEGIN PRIVATE KEY-----\nAAAA\n"
			       "-----END PRIVATE KEY-----\n",
		   msg, strlen(msg), &sig2, &siglen2, NULL),
	    -1, "a bad private key is an error");
	ok(sig2 == NULL, "and no signature is returned");

	free(sig);
	explicit_bzero(priv, strlen(priv));
	explicit_bzero(priv2, strlen(priv2));
	free(priv);
	free(priv2);
	free(pub);
	free(pub2);
}

static char *
slurp(const char *path)
{
	FILE *fp;
	char *buf;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	buf = calloc(1, 65536);
	if (buf != NULL) {
		n = fread(buf, 1, 65535, fp);
		buf[n] = '\0';
	}
	fclose(fp);
	return buf;
}

static int
mode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	return (int)(st.st_mode & 07777);
}

static void
test_keys(void)
{
	char dir[] = "/tmp/hcp-unit-crypto.XXXXXX";
	char *db, *pem_path, *qr_path, *pem1, *qr1, *pem2, *qr2, *errstr;
	char *priv, *pub, hex[2 * KEYS_QR_SECRET_LEN + 1];
	unsigned char secret[KEYS_QR_SECRET_LEN], *sig;
	size_t siglen;
	int created;
	FILE *fp;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	db = keys_path(dir, "/hcp.db");
	pem_path = keys_path(db, KEYS_SM2_SUFFIX);
	qr_path = keys_path(db, KEYS_QR_SUFFIX);
	is_str(strrchr(pem_path, '/'), "/hcp.db.sm2.pem", "keys_path");

	errstr = NULL;
	priv = keys_private_pem(db, &errstr);
	ok(priv == NULL && errstr != NULL &&
	    strstr(errstr, "hcp.db.sm2.pem") != NULL,
	    "missing key file: error names it");
	free(errstr);

	created = -1;
	errstr = NULL;
	is_int(keys_create(db, &created, &errstr), 0, "keys_create");
	is_int(created, 1, "it created something");
	ok(errstr == NULL, "no error message");
	is_int(mode_of(pem_path), 0600, "key file is mode 0600");
	is_int(mode_of(qr_path), 0600, "secret file is mode 0600");
	is_int(keys_check_mode(pem_path), 0, "keys_check_mode: private");
	pem1 = slurp(pem_path);
	qr1 = slurp(qr_path);
	ok(pem1 != NULL && strncmp(pem1, "-----BEGIN PRIVATE KEY-----", 27) ==
	    0, "key file holds a PEM private key");
	ok(qr1 != NULL && strlen(qr1) == 65 && qr1[64] == '\n',
	    "secret file is 64 hex digits and a newline");

	created = -1;
	is_int(keys_create(db, &created, &errstr), 0, "keys_create again");
	is_int(created, 0, "it created nothing");
	pem2 = slurp(pem_path);
	qr2 = slurp(qr_path);
	ok(pem1 != NULL && pem2 != NULL && strcmp(pem1, pem2) == 0,
	    "key file unchanged");
	ok(qr1 != NULL && qr2 != NULL && strcmp(qr1, qr2) == 0,
	    "secret file unchanged");
	free(pem2);
	free(qr2);

	is_int(keys_qr_secret(db, secret, &errstr), 0, "keys_qr_secret");
	crypto_hex(secret, sizeof(secret), hex);
	ok(qr1 != NULL && strncmp(hex, qr1, 64) == 0,
	    "secret matches the file");

	priv = keys_private_pem(db, &errstr);
	ok(priv != NULL && pem1 != NULL && strcmp(priv, pem1) == 0,
	    "keys_private_pem");
	pub = keys_public_pem(db, &errstr);
	ok(pub != NULL && strncmp(pub, "-----BEGIN PUBLIC KEY-----", 26) == 0,
	    "keys_public_pem");
	if (priv != NULL && pub != NULL) {
		sig = NULL;
		is_int(crypto_sm2_sign(priv, "x", 1, &sig, &siglen, NULL), 0,
		    "sign with the station key");
		is_int(crypto_sm2_verify(pub, "x", 1, sig, siglen, NULL), 0,
		    "verify with the station public key");
		free(sig);
	}
	if (priv != NULL)
		explicit_bzero(priv, strlen(priv));
	free(priv);
	free(pub);

	/* Only the missing file is made again. */
	unlink(qr_path);
	created = -1;
	is_int(keys_create(db, &created, &errstr), 0, "keys_create: one gone");
	is_int(created, 1, "it created the missing one");
	pem2 = slurp(pem_path);
	qr2 = slurp(qr_path);
	ok(pem1 != NULL && pem2 != NULL && strcmp(pem1, pem2) == 0,
	    "existing key file left alone");
	ok(qr1 != NULL && qr2 != NULL && strlen(qr2) == 65 &&
	    strcmp(qr1, qr2) != 0, "new secret written");
	free(pem2);
	free(qr2);

	chmod(pem_path, 0640);
	is_int(keys_check_mode(pem_path), 1, "keys_check_mode: group bits");
	chmod(pem_path, 0604);
	is_int(keys_check_mode(pem_path), 1, "keys_check_mode: other bits");
	is_int(keys_check_mode(db), -1, "keys_check_mode: missing file");

	if ((fp = fopen(qr_path, "w")) != NULL) {
		fputs("0123\n", fp);
		fclose(fp);
	}
	errstr = NULL;
	is_int(keys_qr_secret(db, secret, &errstr), -1,
	    "short secret rejected");
	ok(errstr != NULL && strstr(errstr, ".qr.secret") != NULL,
	    "error names the secret file");
	free(errstr);

	unlink(pem_path);
	unlink(qr_path);
	rmdir(dir);
	free(pem1);
	free(qr1);
	free(db);
	free(pem_path);
	free(qr_path);
}

int
main(void)
{
	test_digests();
	test_hex();
	test_hmac();
	test_random();
	test_sm2();
	test_keys();
	return tap_done();
}
