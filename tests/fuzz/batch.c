/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the batch reader (verify.c): the gzip layer, the
 * tar stream, the member rules, bag-info.txt and bagit.txt, the four
 * manifests, the signature and the CSV rows.  An input that starts with
 * the gzip magic is the batch file itself; any other is taken as a tar
 * stream and wrapped in the gzip member hcp-pack writes, so that
 * mutations reach the tar and the bag, not only deflate.  Either way
 * verify_batch() must give a verdict or a clean error, never a crash, a
 * leak or unbounded memory.  The key is a fixed SM2 public key; the
 * signature check runs after every other one, so it gates nothing.
 * Build and run with "make fuzz" (clang); batch.seeds seeds the corpus
 * with real batches and their tar streams.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "record.h"
#include "verify.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pub_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEOONLQeYEgwcJGM+AZMNdryQLcAUt\n"
    "pe/xoekHybVWNQxzY3WjwsUBlkhWnoQzi3p2k9pX5aUQytZTNQInKps1+g==\n"
    "-----END PUBLIC KEY-----\n";

/* Writes the tar stream p as one gzip member as hcp-pack writes it. */
static void
write_gzip(FILE *fp, const uint8_t *p, size_t n)
{
	static const unsigned char head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0,
	    0, 3 };
	unsigned char out[16384], tail[8];
	uLong crc = crc32(0L, p, (uInt)n);
	z_stream zs;
	int i, rc;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		abort();
	fwrite(head, 1, sizeof(head), fp);
	zs.next_in = (unsigned char *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	do {
		zs.next_out = out;
		zs.avail_out = sizeof(out);
		rc = deflate(&zs, Z_FINISH);
		fwrite(out, 1, sizeof(out) - zs.avail_out, fp);
	} while (rc == Z_OK);
	deflateEnd(&zs);
	for (i = 0; i < 4; i++) {
		tail[i] = (unsigned char)(crc >> (8 * i));
		tail[4 + i] = (unsigned char)((n & 0xffffffffUL) >> (8 * i));
	}
	fwrite(tail, 1, sizeof(tail), fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static struct rec_ctx *ctx, *keys;
	struct verify_opts o;
	struct verify_result res;
	char *e = NULL;
	FILE *fp;

	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/hcp-fuzz-batch.%ld",
		    (long)getpid());
		ctx = rec_ctx_new();
		rec_ctx_set_now(ctx, 1795348800);
		keys = rec_ctx_new();
	}
	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		fwrite(data, 1, size, fp);
	else
		write_gzip(fp, data, size);
	if (fclose(fp) != 0)
		abort();

	memset(&o, 0, sizeof(o));
	o.pub_pem = pub_pem;
	o.ctx = ctx;
	o.keys = keys;
	o.seen = rec_seen_new();
	if (verify_batch(path, &o, &res, &e) == 0) {
		/* Nothing here is signed with this key's private half. */
		if (verify_ok(&res))
			abort();
	} else {
		free(e);
	}
	verify_result_release(&res);
	rec_seen_free(o.seen);
	unlink(path);
	return 0;
}
