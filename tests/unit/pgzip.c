/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the parallel gzip writer: the output is one gzip member
 * that zlib inflates back to the input, whatever the size (empty, block
 * boundaries, several blocks), identical for any number of threads, and
 * within 3% of one deflate stream at the same level.  A raw run inflates
 * back to its input and has its CRC; spliced into a member between a
 * prefix and a suffix, the member inflates to prefix, run and suffix,
 * with the trailer's CRC-32 and length of all three, the same bytes for
 * 1, 2 or 4 threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pgzip.h"
#include "strbuf.h"
#include "tap.h"
#include "zhelp.h"
#include "banned.h"

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

/* A raw run of n bytes into a temporary file; its length and CRC. */
static int
raw_file(const unsigned char *p, size_t n, int threads, struct strbuf *raw,
    uint32_t *crc)
{
	struct pgzip *z = pgzip_new_raw(6, threads, to_strbuf, raw);
	FILE *fp = tmpfile();
	int fd;

	pgzip_write(z, p, n);
	pgzip_finish(z);
	*crc = pgzip_crc(z);
	pgzip_free(z);
	if (fp == NULL)
		return -1;
	fd = dup(fileno(fp));
	if (raw->len > 0)
		fwrite(raw->buf, 1, raw->len, fp);
	fclose(fp);
	return fd;
}

/* prefix, the run of the payload spliced in, suffix: one gzip member. */
static int
splice_member(const unsigned char *pre, size_t npre, int fd,
    const struct strbuf *raw, uint32_t crc, size_t nrun,
    const unsigned char *suf, size_t nsuf, int threads, struct strbuf *gz)
{
	struct pgzip *z = pgzip_new(6, threads, to_strbuf, gz);
	int rc;

	rc = pgzip_write(z, pre, npre) == 0 &&
	    pgzip_splice(z, fd, raw->len, crc, nrun) == 0 &&
	    pgzip_write(z, suf, nsuf) == 0 && pgzip_finish(z) == 0 ? 0 : -1;
	pgzip_free(z);
	return rc;
}

static int
same(const struct strbuf *a, const struct strbuf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->buf, b->buf,
	    a->len) == 0);
}

static unsigned long
le32(const struct strbuf *gz, size_t off)
{
	const unsigned char *p = (const unsigned char *)gz->buf + off;

	return (unsigned long)p[0] | (unsigned long)p[1] << 8 |
	    (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

static void
test_raw(const unsigned char *data)
{
	static const size_t sizes[] = { 0, 1, 5000, PGZIP_BLOCK,
	    3 * PGZIP_BLOCK + 7, 2000000 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct strbuf raw[3] = { STRBUF_INIT, STRBUF_INIT,
		    STRBUF_INIT };
		struct strbuf back = STRBUF_INIT;
		static const int threads[3] = { 1, 2, 4 };
		uint32_t crc[3];
		char what[80];
		int t, fd[3];

		for (t = 0; t < 3; t++)
			fd[t] = raw_file(data, sizes[i], threads[t], &raw[t],
			    &crc[t]);
		snprintf(what, sizeof(what), "raw %zu bytes inflate back",
		    sizes[i]);
		ok(inflate_raw(&raw[0], &back) == 0 && back.len == sizes[i] &&
		    (sizes[i] == 0 || memcmp(back.buf, data, sizes[i]) == 0),
		    what);
		snprintf(what, sizeof(what), "raw %zu bytes: CRC-32 of the "
		    "input", sizes[i]);
		is_int(crc[0], crc32(0L, data, (uInt)sizes[i]), what);
		snprintf(what, sizeof(what), "raw %zu bytes: same run and CRC "
		    "with 1, 2, 4 threads", sizes[i]);
		ok(same(&raw[0], &raw[1]) && same(&raw[0], &raw[2]) &&
		    crc[0] == crc[1] && crc[0] == crc[2], what);
		if (sizes[i] == 0)
			is_int(raw[0].len, 0, "an empty run is no bytes");
		for (t = 0; t < 3; t++) {
			if (fd[t] >= 0)
				close(fd[t]);
			strbuf_release(&raw[t]);
		}
		strbuf_release(&back);
	}
}

static void
test_splice(const unsigned char *data)
{
	/* prefix, payload, suffix lengths; the payload is data + 777 */
	static const size_t cases[][3] = {
		{ 1536, 0, 9728 },		/* empty payload */
		{ 1536, 300, 9728 },		/* less than a block */
		{ 1536, 2000000 - 10240, 9728 },	/* many blocks */
		{ 0, 5000, 0 },			/* nothing around it */
		{ PGZIP_BLOCK, PGZIP_BLOCK, PGZIP_BLOCK },	/* boundaries */
		{ 3 * PGZIP_BLOCK + 11, 70000, 200000 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const unsigned char *pre = data, *pay = data + 777;
		const unsigned char *suf = data + 1000;
		size_t npre = cases[i][0], npay = cases[i][1];
		size_t nsuf = cases[i][2], total = npre + npay + nsuf;
		struct strbuf raw = STRBUF_INIT, gz[3] = { STRBUF_INIT,
		    STRBUF_INIT, STRBUF_INIT };
		struct strbuf back = STRBUF_INIT, want = STRBUF_INIT;
		static const int threads[3] = { 1, 2, 4 };
		uint32_t crc;
		char what[120];
		int fd, t, rc = 0;

		fd = raw_file(pay, npay, 2, &raw, &crc);
		for (t = 0; t < 3; t++)
			rc |= splice_member(pre, npre, fd, &raw, crc, npay,
			    suf, nsuf, threads[t], &gz[t]);
		strbuf_add(&want, pre, npre);
		strbuf_add(&want, pay, npay);
		strbuf_add(&want, suf, nsuf);
		snprintf(what, sizeof(what), "splice %zu+%zu+%zu: one member "
		    "inflating to prefix, payload, suffix", npre, npay, nsuf);
		ok(fd >= 0 && rc == 0 && gunzip(&gz[0], &back) == 0 &&
		    back.len == total && memcmp(back.buf, want.buf, total) ==
		    0, what);
		snprintf(what, sizeof(what), "splice %zu+%zu+%zu: trailer "
		    "CRC-32 and length", npre, npay, nsuf);
		ok(gz[0].len >= 18 && le32(&gz[0], gz[0].len - 8) ==
		    crc32(0L, (unsigned char *)want.buf, (uInt)total) &&
		    le32(&gz[0], gz[0].len - 4) == total, what);
		snprintf(what, sizeof(what), "splice %zu+%zu+%zu: same bytes "
		    "with 1, 2, 4 threads", npre, npay, nsuf);
		ok(same(&gz[0], &gz[1]) && same(&gz[0], &gz[2]), what);
		if (fd >= 0)
			close(fd);
		strbuf_release(&raw);
		for (t = 0; t < 3; t++)
			strbuf_release(&gz[t]);
		strbuf_release(&back);
		strbuf_release(&want);
	}
}

static void
test_splice_short(const unsigned char *data)
{
	struct strbuf raw = STRBUF_INIT, gz = STRBUF_INIT;
	struct pgzip *z;
	uint32_t crc;
	int fd = raw_file(data, 100000, 2, &raw, &crc);

	z = pgzip_new(6, 2, to_strbuf, &gz);
	ok(pgzip_write(z, data, 100) == 0 &&
	    pgzip_splice(z, fd, raw.len + 1, crc, 100000) == -1 &&
	    strstr(pgzip_errstr(z), "too short") != NULL,
	    "a run shorter than said is an error");
	ok(pgzip_finish(z) == -1, "and ends the stream");
	pgzip_free(z);
	close(fd);
	strbuf_release(&raw);
	strbuf_release(&gz);
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
	test_raw(data);
	test_splice(data);
	test_splice_short(data);
	free(data);
	return tap_done();
}
