/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the parallel gzip writer: the output is one gzip member
 * that zlib inflates back to the input, whatever the size (empty, block
 * boundaries, several blocks), identical for any number of threads, and
 * within 3% of one deflate stream at the same level.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pgzip.h"
#include "strbuf.h"
#include "tap.h"
#include "banned.h"

static int
to_strbuf(void *arg, const void *buf, size_t n)
{
	strbuf_add(arg, buf, n);
	return 0;
}

static int
gunzip(const struct strbuf *gz, struct strbuf *out)
{
	z_stream s;
	unsigned char buf[65536];
	int rc;

	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, 31) != Z_OK)
		return -1;
	s.next_in = (unsigned char *)gz->buf;
	s.avail_in = (uInt)gz->len;
	do {
		s.next_out = buf;
		s.avail_out = sizeof(buf);
		rc = inflate(&s, Z_NO_FLUSH);
		strbuf_add(out, buf, sizeof(buf) - s.avail_out);
	} while (rc == Z_OK);
	inflateEnd(&s);
	/* One member, nothing after it. */
	return rc == Z_STREAM_END && s.avail_in == 0 ? 0 : -1;
}

static void
pg_compress(const unsigned char *p, size_t n, int threads, size_t step,
    struct strbuf *gz)
{
	struct pgzip *z = pgzip_new(6, threads, to_strbuf, gz);
	size_t off = 0;

	while (off < n) {
		size_t k = n - off < step ? n - off : step;

		pgzip_write(z, p + off, k);
		off += k;
	}
	pgzip_finish(z);
	pgzip_free(z);
}

/* CSV-like text with some randomness, as a batch holds. */
static unsigned char *
sample(size_t n)
{
	unsigned char *p = malloc(n + 1);
	unsigned long x = 12345;
	size_t i = 0;

	while (i < n) {
		char line[128];
		int k;

		x = x * 1103515245 + 12345;
		k = snprintf(line, sizeof(line),
		    "330523%010lu,11330523MB1D29376Q,%lu,A0%lu,%lu,2026-11-"
		    "%02lu 10:%02lu:00\n", (x >> 8) % 10000000000UL,
		    (x >> 3) % 5 + 1, (x >> 5) % 6 + 1, (x >> 7) % 1000,
		    (x >> 9) % 28 + 1, (x >> 11) % 60);
		memcpy(p + i, line, (size_t)k < n - i ? (size_t)k : n - i);
		i += (size_t)k < n - i ? (size_t)k : n - i;
	}
	return p;
}

int
main(void)
{
	static const size_t sizes[] = { 0, 1, PGZIP_BLOCK - 1, PGZIP_BLOCK,
	    PGZIP_BLOCK + 1, 3 * PGZIP_BLOCK, 2000000 };
	size_t i, big = 2000000;
	unsigned char *data = sample(big);

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct strbuf gz = STRBUF_INIT, back = STRBUF_INIT;
		struct strbuf gz2 = STRBUF_INIT;
		char what[80];

		pg_compress(data, sizes[i], 2, 1000, &gz);
		snprintf(what, sizeof(what), "%zu bytes round-trip",
		    sizes[i]);
		ok(gunzip(&gz, &back) == 0 && back.len == sizes[i] &&
		    memcmp(back.buf, data, sizes[i]) == 0, what);
		pg_compress(data, sizes[i], 5, 77777, &gz2);
		snprintf(what, sizeof(what), "%zu bytes: same output with "
		    "5 threads and other writes", sizes[i]);
		ok(gz.len == gz2.len && memcmp(gz.buf, gz2.buf, gz.len) == 0,
		    what);
		strbuf_release(&gz);
		strbuf_release(&gz2);
		strbuf_release(&back);
	}
	{
		struct strbuf gz = STRBUF_INIT;
		uLongf n = compressBound(big);
		unsigned char *one = malloc(n);

		pg_compress(data, big, 2, big, &gz);
		compress2(one, &n, data, big, 6);
		ok(gz.len <= n * 103 / 100, "within 3% of one deflate stream");
		printf("# pgzip %zu, zlib %lu\n", gz.len, (unsigned long)n);
		ok(memcmp(gz.buf, "\x1f\x8b\x08\x00\0\0\0\0", 8) == 0,
		    "gzip header without name or time");
		free(one);
		strbuf_release(&gz);
	}
	free(data);
	return tap_done();
}
