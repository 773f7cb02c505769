/* SPDX-License-Identifier: ISC */
/*
 * zlib helpers of the unit tests that check compressed output: a pgzip
 * write function into a strbuf, and inflating a gzip member or a raw
 * deflate run whole.
 */
#ifndef HCP_TEST_ZHELP_H
#define HCP_TEST_ZHELP_H

#include <string.h>
#include <zlib.h>

#include "strbuf.h"

static inline int
to_strbuf(void *arg, const void *buf, size_t n)
{
	strbuf_add(arg, buf, n);
	return 0;
}

/*
 * Inflates all of in (wbits as for inflateInit2) to out; returns zlib's
 * last code, and whether every byte of in was used.
 */
static inline int
inflate_all(const struct strbuf *in, int wbits, struct strbuf *out,
    int *used_all)
{
	z_stream s;
	unsigned char buf[65536];
	int rc;

	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, wbits) != Z_OK)
		return Z_STREAM_ERROR;
	s.next_in = (unsigned char *)in->buf;
	s.avail_in = (uInt)in->len;
	do {
		s.next_out = buf;
		s.avail_out = sizeof(buf);
		rc = inflate(&s, Z_SYNC_FLUSH);
		strbuf_add(out, buf, sizeof(buf) - s.avail_out);
	} while (rc == Z_OK && (s.avail_in > 0 || s.avail_out == 0));
	inflateEnd(&s);
	*used_all = s.avail_in == 0;
	return rc;
}

/* Inflates one gzip member, with nothing after it. */
static inline int
gunzip(const struct strbuf *gz, struct strbuf *out)
{
	int all, rc = inflate_all(gz, 31, out, &all);

	return rc == Z_STREAM_END && all ? 0 : -1;
}

/* Inflates a raw deflate run that has no final block. */
static inline int
inflate_raw(const struct strbuf *raw, struct strbuf *out)
{
	int all, rc = inflate_all(raw, -15, out, &all);

	/* all input used, no final block seen, no error */
	return (rc == Z_OK || rc == Z_BUF_ERROR) && all ? 0 : -1;
}

#endif
