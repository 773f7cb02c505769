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

static inline int
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

/* Inflates a raw deflate run that has no final block. */
static inline int
inflate_raw(const struct strbuf *raw, struct strbuf *out)
{
	z_stream s;
	unsigned char buf[65536];
	int rc;

	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, -15) != Z_OK)
		return -1;
	s.next_in = (unsigned char *)raw->buf;
	s.avail_in = (uInt)raw->len;
	do {
		s.next_out = buf;
		s.avail_out = sizeof(buf);
		rc = inflate(&s, Z_SYNC_FLUSH);
		strbuf_add(out, buf, sizeof(buf) - s.avail_out);
	} while (rc == Z_OK && (s.avail_in > 0 || s.avail_out == 0));
	inflateEnd(&s);
	/* All input used, no final block seen, no error. */
	return (rc == Z_OK || rc == Z_BUF_ERROR) && s.avail_in == 0 ? 0 : -1;
}

#endif
