/* SPDX-License-Identifier: ISC */
/*
 * Streaming CSV reader (see csvin.h).  Bytes are read in blocks, decoded
 * to UTF-8 (iconv for GB18030), fed to libcsv, and the records libcsv
 * completes are queued until the caller takes them; the queue never holds
 * more than one block's worth of records.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "crypto.h"
#include "csvin.h"
#include "i18n.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define BLOCK 65536

struct field {
	size_t off;
	size_t len;
};

struct record {
	size_t first;		/* index into fields */
	size_t nfields;
	long line;
};

struct csvin {
	FILE *fp;
	char *path;
	char *err;
	enum csvin_encoding enc;	/* AUTO until decided */
	int bom_checked;
	iconv_t cd;
	struct csv_parser parser;
	int parser_live;
	int eof;
	int failed;

	/* undecoded bytes carried over a block boundary */
	char carry[8];
	size_t ncarry;
	struct strbuf utf8;		/* decoded block */

	/* the record being parsed: its cells from qdata.buf + cur */
	size_t cur;
	struct field *curf;
	size_t ncurf, acurf;
	long cur_line;
	int cur_started;
	int cur_bytes;		/* a cell of it is not empty */

	/* completed records */
	struct strbuf qdata;
	struct field *qf;
	size_t nqf, aqf;
	struct record *qr;
	size_t nqr, aqr, qhead;

	/* line accounting */
	long line;		/* current physical line, 1-based */
	int pending_cr;

	/* the record handed out */
	struct record *out;

	struct digest *hash;
	char hashhex[2 * DIGEST_LEN + 1];
	unsigned long long bytes;
};

struct csvin *
csvin_new(void)
{
	struct csvin *c = xcalloc(1, sizeof(*c));

	c->cd = (iconv_t)-1;
	return c;
}

void
csvin_free(struct csvin *c)
{
	if (c == NULL)
		return;
	if (c->fp != NULL && c->fp != stdin)
		fclose(c->fp);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	if (c->parser_live)
		csv_free(&c->parser);
	digest_free(c->hash);
	strbuf_release(&c->utf8);
	strbuf_release(&c->qdata);
	free(c->curf);
	free(c->qf);
	free(c->qr);
	free(c->path);
	free(c->err);
	free(c);
}

static int
seterr(struct csvin *c, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
seterr(struct csvin *c, long line, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (line > 0)
		strbuf_addf(&sb, "%s:%ld: ", c->path, line);
	else
		strbuf_addf(&sb, "%s: ", c->path);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(c->err);
	c->err = strbuf_detach(&sb);
	return -1;
}

const char *
csvin_errstr(const struct csvin *c)
{
	return c->err != NULL ? c->err : "no error";
}

const char *
csvin_path(const struct csvin *c)
{
	return c->path != NULL ? c->path : "";
}

int
csvin_encoding_parse(const char *name, enum csvin_encoding *out)
{
	if (strcasecmp(name, "auto") == 0)
		*out = CSVIN_AUTO;
	else if (strcasecmp(name, "utf-8") == 0 ||
	    strcasecmp(name, "utf8") == 0)
		*out = CSVIN_UTF8;
	else if (strcasecmp(name, "gb18030") == 0 ||
	    strcasecmp(name, "gbk") == 0 || strcasecmp(name, "gb2312") == 0 ||
	    strcasecmp(name, "cp936") == 0)
		*out = CSVIN_GB18030;
	else
		return -1;
	return 0;
}

const char *
csvin_encoding_name(const struct csvin *c)
{
	switch (c->enc) {
	case CSVIN_UTF8:
		return "UTF-8";
	case CSVIN_GB18030:
		return "GB18030";
	default:
		return "ASCII";
	}
}

static void
on_field(void *s, size_t len, void *data)
{
	struct csvin *c = data;
	const char *p = s;
	size_t i, n = len;

	if (!c->cur_started) {
		c->cur_started = 1;
		c->cur_line = c->line;
	}
	/*
	 * Line breaks inside a quoted field (CRLF counts once); a NUL byte
	 * ends the cell, as for every C string made of it.
	 */
	/* eight bytes at once past those above '\r' (most of them) */
	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (((w - 0x0e0e0e0e0e0e0e0eULL) & ~w &
		    0x8080808080808080ULL) != 0)
			break;
	}
	for (; i < len; i++) {
		if ((unsigned char)p[i] > '\r')
			continue;
		if (p[i] == '\n' && !(i > 0 && p[i - 1] == '\r'))
			c->line++;
		else if (p[i] == '\r')
			c->line++;
		else if (p[i] == '\0' && n == len)
			n = i;
	}
	if (c->ncurf == c->acurf) {
		c->acurf = c->acurf ? c->acurf * 2 : 32;
		c->curf = xreallocarray(c->curf, c->acurf, sizeof(*c->curf));
	}
	c->curf[c->ncurf].off = c->qdata.len;
	c->curf[c->ncurf].len = n;
	c->ncurf++;
	c->cur_bytes |= len > 0;
	strbuf_add(&c->qdata, s, len);
	strbuf_addc(&c->qdata, '\0');
}

static void
on_record(int term, void *data)
{
	struct csvin *c = data;
	struct record *r;
	size_t i;

	if (c->cur_started && c->cur_bytes) {
		if (c->nqr == c->aqr) {
			c->aqr = c->aqr ? c->aqr * 2 : 64;
			c->qr = xreallocarray(c->qr, c->aqr, sizeof(*c->qr));
		}
		r = &c->qr[c->nqr++];
		r->first = c->nqf;
		r->nfields = c->ncurf;
		r->line = c->cur_line;
		for (i = 0; i < c->ncurf; i++) {
			if (c->nqf == c->aqf) {
				c->aqf = c->aqf ? c->aqf * 2 : 256;
				c->qf = xreallocarray(c->qf, c->aqf,
				    sizeof(*c->qf));
			}
			c->qf[c->nqf] = c->curf[i];
			c->nqf++;
		}
	} else {
		c->qdata.len = c->cur;		/* a blank line: dropped */
		if (c->qdata.buf != NULL)
			c->qdata.buf[c->qdata.len] = '\0';
	}
	c->cur = c->qdata.len;
	c->cur_started = 0;
	c->cur_bytes = 0;
	c->ncurf = 0;
	/* physical line accounting: CRLF counts once */
	if (term == '\r') {
		c->line++;
		c->pending_cr = 1;
	} else if (term == '\n') {
		if (!c->pending_cr)
			c->line++;
		c->pending_cr = 0;
	} else {
		c->pending_cr = 0;
	}
}

int
csvin_open(struct csvin *c, const char *path, enum csvin_encoding enc)
{
	free(c->path);
	c->path = xstrdup(path);
	if (strcmp(path, "-") == 0) {
		c->fp = stdin;
		free(c->path);
		c->path = xstrdup(_("(standard input)"));
	} else if ((c->fp = fopen(path, "rb")) == NULL) {
		return seterr(c, 0, "%s", strerror(errno));
	}
	c->enc = enc;
	if (enc == CSVIN_GB18030) {
		c->cd = iconv_open("UTF-8", "GB18030");
		if (c->cd == (iconv_t)-1)
			return seterr(c, 0, "%s", _("GB18030 is not supported "
			    "by this system's iconv"));
	}
	if (csv_init(&c->parser, CSV_REPALL_NL | CSV_APPEND_NULL |
	    CSV_STRICT_FINI) != 0)
		return seterr(c, 0, "%s", _("out of memory"));
	c->parser_live = 1;
	c->line = 1;
	if ((c->hash = digest_new(DIGEST_SHA256)) == NULL)
		return seterr(c, 0, "%s", crypto_errstr());
	return 0;
}

/* Length of the valid UTF-8 prefix of p; *incomplete set if the rest is a
 * truncated but so far valid sequence. */
static size_t
utf8_valid_prefix(const unsigned char *p, size_t n, int *incomplete)
{
	size_t i = 0, k, need;
	unsigned cp;

	*incomplete = 0;
	while (i < n) {
		unsigned char b = p[i];
		uint64_t w;

		if (b < 0x80) {
			/* ASCII, most of a keyed file: eight bytes a step */
			i++;
			while (i + 8 <= n) {
				memcpy(&w, p + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf) {
			need = 1;
			cp = b & 0x1f;
		} else if (b >= 0xe0 && b <= 0xef) {
			need = 2;
			cp = b & 0x0f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			need = 3;
			cp = b & 0x07;
		} else {
			return i;
		}
		for (k = 1; k <= need; k++) {
			if (i + k >= n) {
				*incomplete = 1;
				return i;
			}
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (need == 3 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return i;
		i += need + 1;
	}
	return i;
}

/* The line a byte offset into the pending data falls on, for messages. */
static long
line_at(const struct csvin *c, const char *p, size_t off)
{
	long line = c->line;
	size_t i;

	for (i = 0; i < off; i++)
		if (p[i] == '\n')
			line++;
	return line;
}

/* Decodes raw bytes (with carry) into c->utf8.  Returns 0 or -1. */
static int
decode(struct csvin *c, const char *raw, size_t n, int last)
{
	struct strbuf in = STRBUF_INIT;
	const char *p;
	size_t len, ok;
	int incomplete, rc = 0;

	strbuf_reset(&c->utf8);
	if (c->ncarry > 0) {
		strbuf_add(&in, c->carry, c->ncarry);
		strbuf_add(&in, raw, n);
		c->ncarry = 0;
		p = in.buf;
		len = in.len;
	} else {
		p = raw != NULL ? raw : "";
		len = n;
	}
	if (!c->bom_checked && (len >= 3 || last)) {
		c->bom_checked = 1;
		if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			len -= 3;
			if (c->enc == CSVIN_AUTO)
				c->enc = CSVIN_UTF8;
		} else if (len >= 2 && (memcmp(p, "\xff\xfe", 2) == 0 ||
		    memcmp(p, "\xfe\xff", 2) == 0)) {
			rc = seterr(c, 1, "%s", _("the file is UTF-16 "
			    "(\"Unicode text\"); save it as CSV (UTF-8 or "
			    "the default encoding) instead"));
			goto out;
		}
	} else if (!c->bom_checked) {
		memcpy(c->carry, p, len);
		c->ncarry = len;
		goto out;
	}
	if (c->enc == CSVIN_AUTO) {
		ok = utf8_valid_prefix((const unsigned char *)p, len,
		    &incomplete);
		if (ok < len && !(incomplete && !last)) {
			/* invalid UTF-8: the spreadsheet's GB18030 */
			c->enc = CSVIN_GB18030;
			c->cd = iconv_open("UTF-8", "GB18030");
			if (c->cd == (iconv_t)-1) {
				rc = seterr(c, 0, "%s", _("GB18030 is not "
				    "supported by this system's iconv"));
				goto out;
			}
		} else {
			size_t i;

			for (i = 0; i < ok; i++)
				if ((unsigned char)p[i] >= 0x80)
					break;
			if (i < ok)
				c->enc = CSVIN_UTF8;
			strbuf_add(&c->utf8, p, ok);
			memcpy(c->carry, p + ok, len - ok);
			c->ncarry = len - ok;
			goto out;
		}
	}
	if (c->enc == CSVIN_UTF8) {
		ok = utf8_valid_prefix((const unsigned char *)p, len,
		    &incomplete);
		if (ok < len && !(incomplete && !last)) {
			rc = seterr(c, line_at(c, p, ok), "%s",
			    _("this line is not valid UTF-8, though the file "
			    "began as UTF-8; save the whole file in one "
			    "encoding"));
			goto out;
		}
		strbuf_add(&c->utf8, p, ok);
		memcpy(c->carry, p + ok, len - ok);
		c->ncarry = len - ok;
		goto out;
	}
	/* GB18030 through iconv */
	while (len > 0) {
		char obuf[4 * BLOCK], *op = obuf;
		size_t olen = sizeof(obuf);
		char *ip = (char *)p;
		size_t r;

		r = iconv(c->cd, &ip, &len, &op, &olen);
		strbuf_add(&c->utf8, obuf, (size_t)(op - obuf));
		if (r == (size_t)-1 && errno == EINVAL && !last &&
		    len < sizeof(c->carry)) {
			memcpy(c->carry, ip, len);
			c->ncarry = len;
			break;
		}
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = seterr(c, line_at(c, c->utf8.buf ?
			    c->utf8.buf : "", c->utf8.len), "%s",
			    _("this line is neither valid UTF-8 nor GB18030; "
			    "check the file's encoding"));
			goto out;
		}
		p = ip;
	}
out:
	strbuf_release(&in);
	return rc;
}

/* Empties the queue; the record being parsed moves to the front. */
static void
reset_queue(struct csvin *c)
{
	size_t i;

	c->nqr = c->qhead = c->nqf = 0;
	if (c->cur > 0) {
		memmove(c->qdata.buf, c->qdata.buf + c->cur,
		    c->qdata.len - c->cur);
		c->qdata.len -= c->cur;
		c->qdata.buf[c->qdata.len] = '\0';
		for (i = 0; i < c->ncurf; i++)
			c->curf[i].off -= c->cur;
		c->cur = 0;
	}
}

/* Reads and parses one block.  Returns 0, or -1 on error. */
static int
fill(struct csvin *c)
{
	char raw[BLOCK];
	size_t n;
	int last;

	n = fread(raw, 1, sizeof(raw), c->fp);
	if (ferror(c->fp))
		return seterr(c, 0, "%s", strerror(errno));
	last = n < sizeof(raw) && feof(c->fp);
	if (n > 0) {
		digest_update(c->hash, raw, n);
		c->bytes += n;
	}
	if (decode(c, raw, n, last) != 0)
		return -1;
	if (c->utf8.len > 0 &&
	    csv_parse(&c->parser, c->utf8.buf, c->utf8.len, on_field,
	    on_record, c) != c->utf8.len)
		return seterr(c, c->line, "%s",
		    csv_strerror(csv_error(&c->parser)));
	if (last) {
		c->eof = 1;
		/* strict at the end only: an unclosed quote loses rows */
		csv_set_opts(&c->parser, (unsigned char)(
		    csv_get_opts(&c->parser) | CSV_STRICT));
		if (csv_fini(&c->parser, on_field, on_record, c) != 0)
			return seterr(c, c->cur_started ? c->cur_line :
			    c->line, "%s", _("a quoted field is not closed "
			    "(a \" is missing)"));
	}
	return 0;
}

int
csvin_next(struct csvin *c)
{
	c->out = NULL;
	if (c->qhead == c->nqr) {
		reset_queue(c);
		while (c->nqr == 0) {
			if (c->failed)
				return -1;
			if (c->eof)
				return 0;
			/* records parsed before an error still come out */
			if (fill(c) != 0)
				c->failed = 1;
		}
	}
	c->out = &c->qr[c->qhead++];
	return 1;
}

size_t
csvin_nfields(const struct csvin *c)
{
	return c->out != NULL ? c->out->nfields : 0;
}

const char *
csvin_field(const struct csvin *c, size_t i)
{
	if (c->out == NULL || i >= c->out->nfields)
		return "";
	return c->qdata.buf + c->qf[c->out->first + i].off;
}

size_t
csvin_field_len(const struct csvin *c, size_t i)
{
	if (c->out == NULL || i >= c->out->nfields)
		return 0;
	return c->qf[c->out->first + i].len;
}

const char *
csvin_record(const struct csvin *c, size_t *len)
{
	const struct field *f;

	*len = 0;
	if (c->out == NULL || c->out->nfields == 0)
		return "";
	f = &c->qf[c->out->first];
	*len = f[c->out->nfields - 1].off + f[c->out->nfields - 1].len + 1 -
	    f[0].off;
	return c->qdata.buf + f[0].off;
}

long
csvin_line(const struct csvin *c)
{
	return c->out != NULL ? c->out->line : c->line;
}

unsigned long long
csvin_bytes(const struct csvin *c)
{
	return c->bytes;
}

const char *
csvin_sha256(struct csvin *c)
{
	unsigned char md[DIGEST_LEN];

	if (c->eof && c->hashhex[0] == '\0') {
		digest_final(c->hash, md);
		crypto_hex(md, sizeof(md), c->hashhex);
	}
	return c->hashhex;
}

void
csv_append_field(struct strbuf *sb, const char *s, size_t len,
    int neutralise)
{
	size_t need, i;

	if (neutralise && len > 0 && strchr("=+-@\t\r", s[0]) != NULL) {
		struct strbuf tmp = STRBUF_INIT;

		strbuf_addc(&tmp, '\'');
		strbuf_add(&tmp, s, len);
		csv_append_field(sb, tmp.buf, tmp.len, 0);
		strbuf_release(&tmp);
		return;
	}
	/* one pass: most fields are short and need no quotes */
	for (i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			break;
	if (i == len) {
		strbuf_add(sb, s, len);
		return;
	}
	need = 2 * len + 2;
	strbuf_grow(sb, need);
	sb->len += csv_write(sb->buf + sb->len, need, s, len);
	sb->buf[sb->len] = '\0';
}
