/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for receipts and refusals (receipt.c, bag.c's tag
 * reader): what upload.sh fetches from the receiving side's server and
 * hcp-pack --ack and --refusal read, so bytes a hostile or broken server
 * chose.  Each input is read twice:
 *   - as it is, signature and all, which is refused unless it is signed
 *     (mutations reach the signature line and the hex);
 *   - with a good signature of its bytes by the fixed key appended, when
 *     it has no Signature line of its own, so that mutations reach every
 *     field past the signature check.
 * A receipt or refusal read must have a batch name that is a file name,
 * a digest of 64 hex digits and a time shown as it is; a refusal, its
 * reasons.  What is read is made again with receipt_make() and must read
 * back the same.  Build and run with "make fuzz" (clang).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bag.h"
#include "crypto.h"
#include "receipt.h"
#include "strbuf.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char priv_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg67NbPqgAFdMmibIu\n"
    "4JnIF/MSlth7XdUpfu+LaIjWhpmhRANCAASNrL11SnYikf7eJBJ+Ugw/pfXW4Zbw\n"
    "/pJx5u3NETXR9ax+twj8PFD9sKQUbh63yyuwAMuVO9Ru+vbcQoXFufju\n"
    "-----END PRIVATE KEY-----\n";
static const char pub_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEjay9dUp2IpH+3iQSflIMP6X11uGW\n"
    "8P6ScebtzRE10fWsfrcI/DxQ/bCkFG4et8srsADLlTvUbvr23EKFxbn47g==\n"
    "-----END PUBLIC KEY-----\n";

/* What a receipt or refusal read holds: abort() if not. */
static void
check_read(const struct receipt *r)
{
	if (r->batch == NULL || *r->batch == '\0' ||
	    strchr(r->batch, '/') != NULL || !bag_path_safe(r->batch) ||
	    strlen(r->sha256) != 64 ||
	    strspn(r->sha256, "0123456789abcdef") != 64 ||
	    r->received == NULL || !str_is_visible(r->received) ||
	    (r->reasons != NULL && (*r->reasons == '\0' ||
	    strpbrk(r->reasons, "\r\t\033") != NULL ||
	    r->reasons[strlen(r->reasons) - 1] != '\n' ||
	    strstr(r->reasons, "\n\n") != NULL)))
		abort();
}

/* A receipt or refusal r, made again and read back, is the same. */
static void
check_again(const struct receipt *r, const struct sm2_key *key)
{
	struct receipt back;
	char *text, *e = NULL;

	if (receipt_make(r, key, &text, &e) != 0)
		abort();
	if (receipt_parse(text, strlen(text), pub_pem, &back, &e) != 0)
		abort();
	if (strcmp(back.batch, r->batch) != 0 ||
	    strcmp(back.sha256, r->sha256) != 0 ||
	    strcmp(back.received, r->received) != 0 ||
	    (r->reasons == NULL) != (back.reasons == NULL) ||
	    (r->reasons != NULL && strcmp(back.reasons, r->reasons) != 0) ||
	    (r->reasons == NULL && back.records != r->records))
		abort();
	receipt_release(&back);
	free(text);
}

/* Reads text; checks what was read. */
static void
read_one(const char *text, size_t len, const struct sm2_key *key)
{
	struct receipt r;
	char *e = NULL;

	if (receipt_parse(text, len, pub_pem, &r, &e) != 0) {
		if (e == NULL || *e == '\0')
			abort();
		free(e);
		return;
	}
	check_read(&r);
	check_again(&r, key);
	receipt_release(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sm2_key *key;
	struct strbuf sb = STRBUF_INIT;
	unsigned char *sig;
	size_t siglen;
	char *hex, *e = NULL;

	if (key == NULL && (key = crypto_sm2_private(priv_pem, &e)) == NULL)
		abort();
	if (size > 64 * 1024)
		return 0;
	read_one((const char *)data, size, key);
	strbuf_add(&sb, data, size);
	if (size > 0 && data[size - 1] != '\n')
		strbuf_addc(&sb, '\n');
	if (strstr(sb.buf, "Signature:") == NULL &&
	    memchr(data, '\0', size) == NULL &&
	    crypto_sm2_sign_with(key, sb.buf, sb.len, &sig, &siglen, &e) ==
	    0) {
		hex = malloc(2 * siglen + 1);
		if (hex == NULL)
			abort();
		crypto_hex(sig, siglen, hex);
		strbuf_addf(&sb, "Signature: %s\n", hex);
		read_one(sb.buf, sb.len, key);
		free(hex);
		free(sig);
	}
	strbuf_release(&sb);
	return 0;
}
