/* SPDX-License-Identifier: ISC */
/*
 * Streaming CSV reader (see csvin.h).  Bytes are read in blocks and cut
 * into physical lines (LF, CRLF or CR); each line is decoded to UTF-8 on
 * its own (iconv for GB18030), so that a line that does not decode is
 * known by its number, and fed to libcsv.  The records libcsv completes
 * are queued until the caller takes them; the queue never holds more than
 * one block's worth of records.  The lines of a record that is still open
 * at a line end (a quoted cell with a line break) are kept aside, so that
 * the record can be read again a line at a time when its quote turns out
 * to have been left open.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>

#include "crypto.h"
#include "csvin.h"
#include "i18n.h"
#include "record.h"
#include "strbuf.h"
#include "utf16.h"
#include "xalloc.h"
#include "xlsxin.h"
#include "banned.h"

#define BLOCK 65536
/* libcsv's options for the file's parser */
#define CSV_PARSER_OPTS (CSV_REPALL_NL | CSV_APPEND_NULL | CSV_STRICT_FINI)
/*
 * How much libcsv's cell buffer grows by at a time (its default is 128
 * bytes): a cell of many MB grows in few steps, each a copy where
 * realloc cannot move pages.
 */
#define CSV_BLK (1 << 20)
#define SYM_NUL "\xe2\x90\x80"		/* U+2400, shown for a NUL byte */
#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */
/* the pre-scan maps the file: its pages read in at once where we can */
#ifdef MAP_POPULATE
#define MAP_PREFAULT MAP_POPULATE
#else
#define MAP_PREFAULT 0
#endif
/* libcsv's parser states (csv.c) */
#define PSTATE_ROW_NOT_BEGUN 0
#define PSTATE_FIELD_BEGUN 2

struct field {
	size_t off;
	size_t len;
};

struct record {
	size_t first;		/* index into fields */
	size_t nfields;
	long line;
	size_t ifirst;		/* index into issues */
	size_t niss;
};

struct badline {
	long line;
	int other;
};

struct csvin {
	FILE *fp;
	char *path;
	char *err;
	enum csvin_encoding enc;	/* AUTO until decided */
	int decided;		/* forced, or chosen over the whole file */
	int bom_checked;
	iconv_t cd;
	struct csv_parser parser;
	int parser_live;
	struct csv_parser lp;	/* one line on its own */
	int lp_live;
	int eof;
	int failed;

	struct strbuf carry;	/* raw bytes of a line not yet complete */
	struct strbuf dec;	/* a decoded line */
	long rawline;		/* the line being read, 1-based */
	size_t nlpos, crpos;	/* next LF, CR in the block */
	int eol_known;		/* nlpos and crpos are of this block */
	size_t scan_from;	/* no line end before, in the carry */
	struct strbuf span;	/* lines of a record open at a line end */
	long span_line;
	int judge;		/* a record of span lines was queued */
	int resplitting;

	/* the header: its width and the columns that may hold line breaks */
	long nrecords;
	size_t hdr_cols;
	unsigned char *mlok;
	int (*mlfn)(const char *, void *);
	void *mlarg;
	/* titles above the header (csvin_skip_titles()) */
	int skip_titles;
	struct title {
		long line;
		char *text;
	} titles[CSVIN_MAX_TITLES];
	size_t ntitles;

	/* lines that did not decode, not yet given to their record */
	struct badline *bad;
	size_t nbad, abad;

	/* the record being parsed: its cells from qdata.buf + cur */
	size_t cur;
	struct field *curf;
	size_t ncurf, acurf;
	struct csvin_issue *curi;
	size_t ncuri, acuri;
	long cur_line;
	int cur_started;
	int cur_bytes;		/* a cell of it is not empty */

	/* completed records */
	struct strbuf qdata;
	struct field *qf;
	size_t nqf, aqf;
	struct record *qr;
	size_t nqr, aqr, qhead;
	struct csvin_issue *qi;
	size_t nqi, aqi;

	/* line accounting */
	long line;		/* current physical line, 1-based */
	int pending_cr;

	/* the record handed out */
	struct record *out;

	struct digest *hash;
	char hashhex[2 * DIGEST_LEN + 1];
	unsigned long long bytes;

	struct xlsxin *x;	/* a workbook: its rows, not CSV */
	int utf16;		/* read from UTF-16 into a temporary file */
	char delim;
};

/* csvin_set_sheet(), csvin_set_delimiter() */
static const char *opt_sheet;
static int opt_delim;

void
csvin_set_sheet(const char *sheet)
{
	opt_sheet = sheet;
}

void
csvin_set_delimiter(int delim)
{
	opt_delim = delim;
}

int
csvin_is_workbook(const struct csvin *c)
{
	return c->x != NULL;
}

const char *
csvin_sheet(const struct csvin *c)
{
	return c->x != NULL ? xlsxin_sheet(c->x) : NULL;
}

const char *
csvin_other_sheets(const struct csvin *c)
{
	if (c->x == NULL || *xlsxin_other_sheets(c->x) == '\0')
		return NULL;
	return xlsxin_other_sheets(c->x);
}

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
	xlsxin_free(c->x);
	while (c->ntitles > 0)
		free(c->titles[--c->ntitles].text);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	if (c->parser_live)
		csv_free(&c->parser);
	if (c->lp_live)
		csv_free(&c->lp);
	digest_free(c->hash);
	strbuf_release(&c->carry);
	strbuf_release(&c->dec);
	strbuf_release(&c->span);
	strbuf_release(&c->qdata);
	free(c->mlok);
	free(c->bad);
	free(c->curf);
	free(c->curi);
	free(c->qf);
	free(c->qr);
	free(c->qi);
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
	else if (strcasecmp(name, "utf-16") == 0 ||
	    strcasecmp(name, "utf16") == 0 ||
	    strcasecmp(name, "utf-16le") == 0 ||
	    strcasecmp(name, "unicode") == 0)
		*out = CSVIN_UTF16;
	else
		return -1;
	return 0;
}

static const char *
enc_name(enum csvin_encoding e)
{
	switch (e) {
	case CSVIN_UTF8:
		return "UTF-8";
	case CSVIN_GB18030:
		return "GB18030";
	default:
		return "ASCII";
	}
}

const char *
csvin_encoding_name(const struct csvin *c)
{
	if (c->x != NULL)
		return "XLSX";
	if (c->utf16)
		return "UTF-16";
	return enc_name(c->enc);
}

void
csvin_set_multiline(struct csvin *c, int (*ok)(const char *, void *),
    void *arg)
{
	c->mlfn = ok;
	c->mlarg = arg;
}

void
csvin_skip_titles(struct csvin *c)
{
	c->skip_titles = 1;
}

size_t
csvin_ntitles(const struct csvin *c)
{
	return c->ntitles;
}

const char *
csvin_title(const struct csvin *c, size_t i, long *line)
{
	if (i >= c->ntitles)
		return NULL;
	*line = c->titles[i].line;
	return c->titles[i].text;
}

/* csvin.h */
struct rec_map *
csvin_header_below(struct csvin *c, const struct rec_map *upper,
    unsigned flags)
{
	struct rec_map *two;
	const char **cells;
	size_t n, i;

	if (csvin_next(c) != 1)
		return NULL;
	n = csvin_nfields(c);
	cells = xcalloc(n ? n : 1, sizeof(*cells));
	for (i = 0; i < n; i++)
		cells[i] = csvin_field(c, i);
	two = rec_map_two_rows(upper, n, cells, csvin_line(c), flags);
	free(cells);
	return two;
}

/* ---- encodings ---------------------------------------------------- */

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

/*
 * How Chinese text looks in each encoding, to choose between two that
 * both decode a line.  A character is "odd" when Chinese text has no use
 * for it and the other encoding's bytes misread would make it: for
 * UTF-8, Latin-1 symbols, Cyrillic, Hebrew, Arabic, box drawing, Hangul,
 * private use (GBK names such as 卢叶, C2AC D2B6, read as UTF-8 give
 * U+00AC U+04B6); for GB18030, the GBK extension rows, user-defined rows
 * and four-byte sequences (UTF-8 Chinese read as GBK lands there).
 * "good" counts CJK ideographs, to break a tie.
 */
struct vote {
	int valid;
	unsigned odd, good;
};

/* The offset of the first non-ASCII byte at or after i, or n. */
static size_t
ascii_end(const unsigned char *p, size_t i, size_t n)
{
	uint64_t w;

	while (i + 8 <= n && (memcpy(&w, p + i, 8),
	    (w & 0x8080808080808080ULL) == 0))
		i += 8;
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

static int
u_odd(unsigned cp, int *good)
{
	*good = 0;
	if (cp < 0x800) {
		/* symbols ° ± · §, Latin letters (pinyin), Greek */
		return !(cp == 0xa0 || cp == 0xa7 || cp == 0xb0 ||
		    cp == 0xb1 || cp == 0xb7 || (cp >= 0xc0 && cp <= 0x24f) ||
		    (cp >= 0x2c7 && cp <= 0x2dd) ||
		    (cp >= 0x391 && cp <= 0x3c9));
	}
	if (cp < 0x10000) {
		if ((cp >= 0x3400 && cp <= 0x4dbf) ||
		    (cp >= 0x4e00 && cp <= 0x9fff) ||
		    (cp >= 0xf900 && cp <= 0xfaff)) {
			*good = 1;
			return 0;
		}
		return !((cp >= 0x2000 && cp <= 0x24ff) ||
		    (cp >= 0x25a0 && cp <= 0x27bf) ||
		    (cp >= 0x2e80 && cp <= 0x33ff) ||
		    (cp >= 0xfe30 && cp <= 0xfe4f) ||
		    (cp >= 0xff00 && cp <= 0xffef && cp != 0xfffd));
	}
	if (cp >= 0x20000 && cp <= 0x3ffff) {
		*good = 1;
		return 0;
	}
	return !(cp >= 0x1f000 && cp <= 0x1faff);
}

static void
vote_utf8(const unsigned char *p, size_t n, struct vote *v)
{
	size_t i = 0, k, need;
	unsigned cp;
	int good;

	memset(v, 0, sizeof(*v));
	while (i < n) {
		unsigned char b = p[i];

		if (b < 0x80) {
			i = ascii_end(p, i + 1, n);
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
			return;
		}
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (p[i + k] & 0xc0) != 0x80)
				return;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (need == 3 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return;
		v->odd += u_odd(cp, &good);
		v->good += good;
		i += need + 1;
	}
	v->valid = 1;
}

static void
vote_gb(const unsigned char *p, size_t n, struct vote *v)
{
	size_t i = 0;

	memset(v, 0, sizeof(*v));
	while (i < n) {
		unsigned char b = p[i], t;

		if (b < 0x80) {
			i = ascii_end(p, i + 1, n);
			continue;
		}
		if (b == 0x80 || b == 0xff || i + 1 >= n)
			return;
		t = p[i + 1];
		if ((t >= 0x40 && t <= 0x7e) || (t >= 0x80 && t <= 0xfe)) {
			if (t >= 0xa1 && b >= 0xb0 && b <= 0xf7)
				v->good++;
			else if (!(t >= 0xa1 && b >= 0xa1 && b <= 0xa9))
				v->odd++;
			i += 2;
		} else if (t >= 0x30 && t <= 0x39 && i + 3 < n &&
		    p[i + 2] >= 0x81 && p[i + 2] <= 0xfe &&
		    p[i + 3] >= 0x30 && p[i + 3] <= 0x39) {
			v->odd++;
			i += 4;
		} else {
			return;
		}
	}
	v->valid = 1;
}

/* What a line with non-ASCII bytes reads as. */
enum verdict {
	V_EITHER,	/* both decode it alike */
	V_UTF8,
	V_GB,
	V_NEITHER
};

/* *strong: decided by what decodes or by odd characters, not a tie. */
static enum verdict
vote_line(const unsigned char *p, size_t n, int *strong)
{
	struct vote u, g;

	vote_utf8(p, n, &u);
	vote_gb(p, n, &g);
	*strong = 1;
	if (u.valid != g.valid)
		return u.valid ? V_UTF8 : V_GB;
	if (!u.valid)
		return V_NEITHER;
	if (u.odd != g.odd)
		return u.odd < g.odd ? V_UTF8 : V_GB;
	*strong = 0;
	if (u.good != g.good)
		return u.good > g.good ? V_UTF8 : V_GB;
	return V_EITHER;
}

/* The line at byte offset off of p: LF, CRLF and CR end a line. */
static long
line_of(const char *p, size_t off)
{
	long line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (p[i] == '\n' || (p[i] == '\r' && (i + 1 >= off ||
		    p[i + 1] != '\n')))
			line++;
	return line;
}

/* The offset of the first CR or LF at or after i, or n. */
static size_t
eol(const unsigned char *p, size_t i, size_t n)
{
	uint64_t w;

	for (;;) {
		/* eight bytes a step while none is below 0x0e */
		while (i + 8 <= n && (memcpy(&w, p + i, 8),
		    ((w - 0x0e0e0e0e0e0e0e0eULL) & ~w &
		    0x8080808080808080ULL) == 0))
			i += 8;
		if (i >= n)
			return n;
		if (p[i] == '\n' || p[i] == '\r')
			return i;
		i++;
	}
}

/*
 * Chooses the encoding of a regular file over all of it, before a record
 * is read: each line with non-ASCII bytes votes; the majority of the
 * decided votes wins (UTF-8 on a tie).  A line that decodes only in the
 * other encoding, or reads plainly as it, or decodes in neither, makes
 * the file refused.  Returns 0 (c->enc set, or left AUTO when the file
 * is ASCII or cannot be mapped), -1 with the message.
 */
static int
prescan(struct csvin *c)
{
	struct stat st;
	const unsigned char *p;
	void *map;
	size_t n, i, ls, le;
	size_t first[4] = { 0, 0, 0, 0 };
	long cnt[4] = { 0, 0, 0, 0 }, weak[4] = { 0, 0, 0, 0 };
	enum verdict v, want, other;
	int strong, rc = 0;
	long line;
	char bom[3];

	if (fstat(fileno(c->fp), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= 0)
		return 0;
	n = (size_t)st.st_size;
	if (n >= 3 && pread(fileno(c->fp), bom, 3, 0) == 3 &&
	    memcmp(bom, "\xef\xbb\xbf", 3) == 0) {
		/* a BOM says UTF-8; lines that are not are flagged */
		c->enc = CSVIN_UTF8;
		c->decided = 1;
		return 0;
	}
	map = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_PREFAULT,
	    fileno(c->fp), 0);
	if (map == MAP_FAILED)
		return 0;
	madvise(map, n, MADV_SEQUENTIAL);
	p = map;
	i = 0;
	for (;;) {
		uint64_t w;

		/* ASCII, most of a keyed file: eight bytes a step */
		while (i + 8 <= n && (memcpy(&w, p + i, 8),
		    (w & 0x8080808080808080ULL) == 0))
			i += 8;
		while (i < n && p[i] < 0x80)
			i++;
		if (i >= n)
			break;
		/*
		 * The rest of its line votes (what comes before is ASCII,
		 * the same in either); ls, inside the line, names it.
		 */
		ls = i;
		le = eol(p, i, n);
		v = vote_line(p + ls, le - ls, &strong);
		if (strong) {
			if (cnt[v]++ == 0)
				first[v] = ls;
		} else {
			weak[v]++;
		}
		i = le;
	}
	if (cnt[V_UTF8] + cnt[V_GB] + cnt[V_NEITHER] + weak[V_UTF8] +
	    weak[V_GB] + weak[V_EITHER] == 0) {
		munmap(map, n);
		c->decided = 1;		/* ASCII */
		return 0;
	}
	if (cnt[V_GB] > cnt[V_UTF8] || (cnt[V_GB] == 0 && cnt[V_UTF8] == 0 &&
	    weak[V_GB] > weak[V_UTF8]))
		want = V_GB;
	else
		want = V_UTF8;
	other = want == V_GB ? V_UTF8 : V_GB;
	if (cnt[other] > 0 && (cnt[V_NEITHER] == 0 ||
	    first[other] < first[V_NEITHER])) {
		line = line_of((const char *)p, first[other]);
		rc = seterr(c, line, _("this line is %s, but most of the file "
		    "(%ld lines against %ld) is %s: the file mixes two "
		    "encodings; save it again in one, or name it with "
		    "--encoding (lines that do not decode are then "
		    "rejected)"), want == V_GB ? "UTF-8" : "GB18030",
		    cnt[other], cnt[want], want == V_GB ? "GB18030" :
		    "UTF-8");
	} else if (cnt[V_NEITHER] > 0) {
		line = line_of((const char *)p, first[V_NEITHER]);
		rc = seterr(c, line, _("this line is neither UTF-8 nor "
		    "GB18030, while the rest of the file is %s; correct it, "
		    "or name the encoding with --encoding (lines that do not "
		    "decode are then rejected)"), want == V_GB ? "GB18030" :
		    "UTF-8");
	}
	munmap(map, n);
	if (rc != 0)
		return rc;
	c->enc = want == V_GB ? CSVIN_GB18030 : CSVIN_UTF8;
	c->decided = 1;
	return 0;
}

static int
open_iconv(struct csvin *c)
{
	if (c->cd != (iconv_t)-1)
		return 0;
	c->cd = iconv_open("UTF-8", "GB18030");
	if (c->cd == (iconv_t)-1)
		return seterr(c, 0, "%s", _("GB18030 is not supported by this "
		    "system's iconv"));
	return 0;
}

/* The rows come from workbook x (NULL: e says why, and is taken). */
static int
use_workbook(struct csvin *c, struct xlsxin *x, char *e)
{
	if ((c->x = x) == NULL) {
		free(c->err);
		c->err = e;
		return -1;
	}
	c->enc = CSVIN_UTF8;
	c->decided = 1;
	c->line = 1;
	return 0;
}

/* A workbook: the file is hashed, then its sheet read by xlsxin. */
static int
open_workbook(struct csvin *c, const char *path)
{
	struct xlsxin *x;
	char buf[BLOCK], *e = NULL;
	size_t n;

	if ((c->hash = digest_new(DIGEST_SHA256)) == NULL)
		return seterr(c, 0, _("cannot set up %s with libgcrypt"),
		    digest_name(DIGEST_SHA256));
	while ((n = fread(buf, 1, sizeof(buf), c->fp)) > 0) {
		digest_update(c->hash, buf, n);
		c->bytes += n;
	}
	if (ferror(c->fp))
		return seterr(c, 0, "%s", strerror(errno));
	x = xlsxin_open(path, opt_sheet, &e);
	return use_workbook(c, x, e);
}

/* A workbook on standard input, read whole into buf (len bytes). */
static int
open_stdin_workbook(struct csvin *c, char *buf, size_t len)
{
	struct xlsxin *x;
	char *e = NULL;

	if ((c->hash = digest_new(DIGEST_SHA256)) == NULL) {
		free(buf);
		return seterr(c, 0, _("cannot set up %s with libgcrypt"),
		    digest_name(DIGEST_SHA256));
	}
	digest_update(c->hash, buf, len);
	c->bytes = len;
	x = xlsxin_open_mem(c->path, buf, len, opt_sheet, &e);
	return use_workbook(c, x, e);
}

/* UTF-16 text: read on from a UTF-8 copy. */
static int
open_utf16(struct csvin *c)
{
	char *e = NULL;
	FILE *tmp;

	if ((tmp = utf16_to_utf8(c->fp, &e)) == NULL) {
		seterr(c, 0, "%s", e);
		free(e);
		return -1;
	}
	if (c->fp != stdin)
		fclose(c->fp);
	c->fp = tmp;
	c->utf16 = 1;
	return 0;
}

static void
set_delim(struct csvin *c, char d)
{
	c->delim = d;
	csv_set_delim(&c->parser, (unsigned char)d);
	csv_set_delim(&c->lp, (unsigned char)d);
}

/*
 * A file that does not read as text, and whose encoding was not named:
 * -1, and when it is named as a workbook (of Excel 2007 or later), the
 * message says that rather than which line does not decode.
 */
static int
not_text(struct csvin *c, const char *path, enum csvin_encoding enc)
{
	size_t n = strlen(path);

	if (enc != CSVIN_AUTO || n <= 5 ||
	    (strcasecmp(path + n - 5, ".xlsx") != 0 &&
	    strcasecmp(path + n - 5, ".xlsm") != 0))
		return -1;
	return seterr(c, 0, "%s", _("named as a workbook (.xlsx), but it "
	    "is neither a workbook nor a CSV file: it may be damaged or cut "
	    "short; save it again from Excel or WPS"));
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
	if (c->fp == stdin) {
		char *buf = NULL, *e = NULL;
		size_t len = 0;
		int k = xlsxin_stdin(&buf, &len, &c->fp, &e);

		if (k < 0) {
			free(c->err);
			c->err = e;
			return -1;
		}
		if (k > 0)
			return open_stdin_workbook(c, buf, len);
	}
	if (strcmp(path, "-") != 0 && xlsxin_detect(path))
		return open_workbook(c, path);
	if (strcmp(path, "-") != 0 && xlsxin_legacy(path))
		return seterr(c, 0, "%s", _("a workbook of Excel 97-2003 or "
		    "of WPS (.xls, .et), which hcp does not read: save it "
		    "as .xlsx (Excel 2007 and later, WPS) or as CSV"));
	if (enc == CSVIN_UTF16 || (enc == CSVIN_AUTO && c->fp != stdin &&
	    utf16_detect(c->fp))) {
		if (open_utf16(c) != 0)
			return not_text(c, path, enc);
		enc = CSVIN_UTF8;
	}
	c->enc = enc;
	c->decided = enc != CSVIN_AUTO;
	if (enc == CSVIN_AUTO && c->fp != stdin && prescan(c) != 0)
		return not_text(c, path, enc);
	if (c->enc == CSVIN_GB18030 && open_iconv(c) != 0)
		return -1;
	if (csv_init(&c->parser, CSV_PARSER_OPTS) != 0)
		return seterr(c, 0, "%s", _("out of memory"));
	csv_set_blk_size(&c->parser, CSV_BLK);
	c->parser_live = 1;
	if (csv_init(&c->lp, CSV_APPEND_NULL) != 0)
		return seterr(c, 0, "%s", _("out of memory"));
	csv_set_blk_size(&c->lp, CSV_BLK);
	c->lp_live = 1;
	if (opt_delim != 0)
		set_delim(c, (char)opt_delim);
	c->line = 1;
	if ((c->hash = digest_new(DIGEST_SHA256)) == NULL)
		return seterr(c, 0, _("cannot set up %s with libgcrypt"),
		    digest_name(DIGEST_SHA256));
	return 0;
}

/* ---- records ------------------------------------------------------ */

static void
add_issue(struct csvin_issue **v, size_t *n, size_t *a,
    const struct csvin_issue *is)
{
	if (*n == *a) {
		*a = *a ? *a * 2 : 16;
		*v = xreallocarray(*v, *a, sizeof(**v));
	}
	(*v)[(*n)++] = *is;
}

/*
 * The cell at p (len bytes, its first NUL byte at n) into the record: a
 * NUL would end it for every C string made of it, so each is shown as
 * U+2400, and the cell is flagged on the line of its first NUL.
 */
static void
nul_field(struct csvin *c, const char *p, size_t n, size_t len)
	__attribute__((noinline, cold));

static void
nul_field(struct csvin *c, const char *p, size_t n, size_t len)
{
	struct csvin_issue is = { CSVIN_NUL_BYTE, c->line, (long)c->ncurf,
	    0, 0, 0 };
	size_t i;

	/* c->line is past the cell's line breaks: back to the NUL's */
	for (i = n; i < len; i++)
		if (p[i] == '\r' || (p[i] == '\n' && p[i - 1] != '\r'))
			is.line--;
	add_issue(&c->curi, &c->ncuri, &c->acuri, &is);
	for (i = 0; i < len; i++) {
		if (p[i] == '\0')
			strbuf_adds(&c->qdata, SYM_NUL);
		else
			strbuf_addc(&c->qdata, p[i]);
	}
	c->curf[c->ncurf].len = c->qdata.len - c->curf[c->ncurf].off;
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
	 * Line breaks inside a quoted field (CRLF counts once); n gets the
	 * offset of the first NUL byte, if any.
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
	c->cur_bytes |= len > 0;
	if (n == len) {
		c->curf[c->ncurf].len = len;
		strbuf_add(&c->qdata, s, len);
	} else {
		nul_field(c, p, n, len);
	}
	c->ncurf++;
	strbuf_addc(&c->qdata, '\0');
}

/* The header: its width, and which columns may hold line breaks. */
static void
take_header(struct csvin *c, const struct record *r)
{
	size_t i;

	c->hdr_cols = r->nfields;
	if (c->mlfn == NULL)
		return;
	c->mlok = xcalloc(r->nfields ? r->nfields : 1, 1);
	for (i = 0; i < r->nfields; i++)
		c->mlok[i] = (unsigned char)(c->mlfn(c->qdata.buf +
		    c->qf[r->first + i].off, c->mlarg) != 0);
}

/*
 * Whether the record being parsed is a title above the header
 * (csvin_skip_titles()); if so it is kept in c->titles.
 */
static int
take_title(struct csvin *c)
{
	const char *text = "", *s;
	size_t i, n, len = 0, nonblank = 0;

	if (!c->skip_titles || c->nrecords > 0 ||
	    c->ntitles == CSVIN_MAX_TITLES)
		return 0;
	for (i = 0; i < c->ncurf; i++) {
		s = c->qdata.buf + c->curf[i].off;
		n = c->curf[i].len;
		while (n > 0 && memchr(" \t\r\n", *s, 4) != NULL)
			s++, n--;
		while (n > 0 && memchr(" \t\r\n", s[n - 1], 4) != NULL)
			n--;
		if (n == 0)
			continue;
		if (nonblank++ > 0)
			return 0;
		text = s;
		len = n;
	}
	c->titles[c->ntitles].text = xstrndup(text, len);
	c->titles[c->ntitles++].line = c->cur_line;
	return 1;
}

static void
on_record(int term, void *data)
{
	struct csvin *c = data;
	struct record *r;
	size_t i, k;

	if (c->cur_started && c->cur_bytes && !take_title(c)) {
		if (c->nqr == c->aqr) {
			c->aqr = c->aqr ? c->aqr * 2 : 64;
			c->qr = xreallocarray(c->qr, c->aqr, sizeof(*c->qr));
		}
		r = &c->qr[c->nqr++];
		r->first = c->nqf;
		r->nfields = c->ncurf;
		r->line = c->cur_line;
		r->ifirst = c->nqi;
		for (i = 0; i < c->ncurf; i++) {
			if (c->nqf == c->aqf) {
				c->aqf = c->aqf ? c->aqf * 2 : 256;
				c->qf = xreallocarray(c->qf, c->aqf,
				    sizeof(*c->qf));
			}
			c->qf[c->nqf] = c->curf[i];
			c->nqf++;
		}
		for (i = 0; i < c->ncuri; i++)
			add_issue(&c->qi, &c->nqi, &c->aqi, &c->curi[i]);
		/* its lines that did not decode */
		for (i = k = 0; i < c->nbad; i++) {
			if (c->bad[i].line > c->line) {
				c->bad[k++] = c->bad[i];
			} else if (c->bad[i].line >= c->cur_line) {
				struct csvin_issue is = { CSVIN_BAD_ENCODING,
				    c->bad[i].line, -1, 0, 0,
				    c->bad[i].other };

				add_issue(&c->qi, &c->nqi, &c->aqi, &is);
			}
		}
		c->nbad = k;
		r->niss = c->nqi - r->ifirst;
		if (c->nrecords++ == 0)
			take_header(c, r);
		if (c->span.len > 0 && !c->resplitting)
			c->judge = 1;
	} else {
		c->qdata.len = c->cur;		/* a blank line: dropped */
		if (c->qdata.buf != NULL)
			c->qdata.buf[c->qdata.len] = '\0';
	}
	c->cur = c->qdata.len;
	c->cur_started = 0;
	c->cur_bytes = 0;
	c->ncurf = 0;
	c->ncuri = 0;
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

/*
 * At the end of a file whose rows were all taken for titles, the first
 * of them is the header after all (its caller then says what is wrong
 * with it), queued as a record of its one cell; the others go.  1 if
 * it was queued.
 */
static int
titles_back(struct csvin *c)
{
	struct title t;

	if (c->nrecords > 0 || c->ntitles == 0)
		return 0;
	t = c->titles[0];
	while (c->ntitles > 1)
		free(c->titles[--c->ntitles].text);
	c->ntitles = 0;
	c->skip_titles = 0;
	c->cur_started = 1;
	c->cur_line = t.line;
	on_field(t.text, strlen(t.text), c);
	c->cur_bytes = 1;
	on_record(0, c);
	free(t.text);
	return 1;
}

/* Whether a line inside a cell looks like a row of the file. */
static int
row_like(const struct csvin *c, const char *s, size_t n)
{
	size_t i, commas = 0, digits = 0;

	for (i = 0; i < n; i++)
		commas += s[i] == (c->delim != 0 ? c->delim : ',');
	if (c->hdr_cols >= 4 && commas + 1 >= c->hdr_cols)
		return 1;
	if (c->hdr_cols >= 6 && 2 * commas + 1 >= c->hdr_cols)
		return 1;
	/* it starts with a form serial (16 digits, maybe grouped) */
	for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		continue;
	for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
	    s[i] == ' '); i++)
		digits += s[i] >= '0' && s[i] <= '9';
	return digits >= 16 && digits <= 18 && i < n && s[i] == ',';
}

/* Whether a cell's line breaks say that its quote was left open. */
static int
suspicious(const struct csvin *c, size_t col, const char *s, size_t n)
{
	const char *e = s + n, *q;

	if (memchr(s, '\n', n) == NULL && memchr(s, '\r', n) == NULL)
		return 0;
	if (c->nrecords <= 1)
		return 0;		/* the header */
	if (col >= c->hdr_cols || (c->mlok != NULL && !c->mlok[col]))
		return 1;
	/* each line after the first */
	for (q = s; q < e && *q != '\n' && *q != '\r'; q++)
		continue;
	while (q < e) {
		const char *b;

		q += *q == '\r' && q + 1 < e && q[1] == '\n' ? 2 : 1;
		for (b = q; q < e && *q != '\n' && *q != '\r'; q++)
			continue;
		if (row_like(c, b, (size_t)(q - b)))
			return 1;
	}
	return 0;
}

/* Whether a line on its own has a quote out of place (strict libcsv). */
static int
stray_quote(const char *s, size_t n)
{
	struct csv_parser sp;
	int bad;

	if (memchr(s, '"', n) == NULL)
		return 0;
	if (csv_init(&sp, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return 1;
	bad = csv_parse(&sp, s, n, NULL, NULL, NULL) != n ||
	    csv_fini(&sp, NULL, NULL, NULL) != 0;
	csv_free(&sp);
	return bad;
}

/*
 * Reads the n bytes at s (the lines of one record, from line first) again
 * a line at a time: each line is a record.  The first is flagged
 * CSVIN_QUOTE_OPEN (taking lines first+1 .. to), others with a stray
 * quote CSVIN_QUOTE_STRAY.
 */
static void
resplit(struct csvin *c, const char *s, size_t n, long first, long to)
{
	const char *e = s + n, *b, *q = s;
	long line = c->line, k = first;
	int pcr = c->pending_cr;

	c->resplitting = 1;
	while (q < e) {
		size_t before = c->nqr, len;
		int stray;

		for (b = q; q < e && *q != '\n' && *q != '\r'; q++)
			continue;
		len = (size_t)(q - b);
		if (q < e)
			q += *q == '\r' && q + 1 < e && q[1] == '\n' ? 2 : 1;
		stray = stray_quote(b, len);
		c->line = k;
		csv_parse(&c->lp, b, len, on_field, on_record, c);
		csv_fini(&c->lp, on_field, on_record, c);
		if (c->nqr > before) {
			struct record *r = &c->qr[c->nqr - 1];
			struct csvin_issue is = { CSVIN_QUOTE_OPEN, k, -1,
			    first + 1, to, 0 };

			if (k != first) {
				is.kind = CSVIN_QUOTE_STRAY;
				is.from = first;
				is.to = 0;
			}
			if (k == first || stray) {
				add_issue(&c->qi, &c->nqi, &c->aqi, &is);
				r->niss++;
			}
		}
		k++;
	}
	c->resplitting = 0;
	c->line = line;
	c->pending_cr = pcr;
}

/* Gives back the lines that did not decode of record r, undone. */
static void
unbad(struct csvin *c, const struct record *r)
{
	size_t i;

	for (i = 0; i < r->niss; i++) {
		const struct csvin_issue *is = &c->qi[r->ifirst + i];

		if (is->kind != CSVIN_BAD_ENCODING)
			continue;
		if (c->nbad == c->abad) {
			c->abad = c->abad ? c->abad * 2 : 16;
			c->bad = xreallocarray(c->bad, c->abad,
			    sizeof(*c->bad));
		}
		c->bad[c->nbad].line = is->line;
		c->bad[c->nbad].other = is->other;
		c->nbad++;
	}
}

/*
 * The last record queued spans the lines in c->span: if a cell of it
 * says that a quote was left open, it is undone and its lines read again
 * one by one.
 */
static void
judge(struct csvin *c, long to)
{
	struct record *r;
	size_t i;
	int bad = 0;

	c->judge = 0;
	if (c->nqr == 0)
		return;
	r = &c->qr[c->nqr - 1];
	for (i = 0; i < r->nfields && !bad; i++)
		bad = suspicious(c, i, c->qdata.buf + c->qf[r->first + i].off,
		    c->qf[r->first + i].len);
	if (!bad)
		return;
	unbad(c, r);
	c->qdata.len = r->nfields > 0 ? c->qf[r->first].off : c->cur;
	c->qdata.buf[c->qdata.len] = '\0';
	c->cur = c->qdata.len;
	c->nqf = r->first;
	c->nqi = r->ifirst;
	c->nqr--;
	c->nrecords--;
	resplit(c, c->span.buf, c->span.len, c->span_line, to);
}

/*
 * The record open in the parser (its quote left open) is dropped and its
 * lines, in c->span, read one by one; to: the last line it took (0: to
 * the end of the file).
 */
static void
drop_open(struct csvin *c, long to)
{
	c->qdata.len = c->cur;
	if (c->qdata.buf != NULL)
		c->qdata.buf[c->qdata.len] = '\0';
	c->ncurf = 0;
	c->ncuri = 0;
	c->cur_started = 0;
	c->cur_bytes = 0;
	csv_free(&c->parser);
	c->parser_live = 0;
	resplit(c, c->span.buf, c->span.len, c->span_line, to);
	strbuf_reset(&c->span);
}

/*
 * A record open over more than CSVIN_LINE_MAX bytes of lines: a quote
 * left open, whatever follows, dropped as at the end of the file, and
 * the lines after it parsed afresh (memory stays bounded).  0 or -1.
 */
static int
cut_open(struct csvin *c)
{
	if (!c->parser.quoted)
		return seterr(c, c->span_line, _("a row longer than %d MB: "
		    "this is no keyed file"), CSVIN_LINE_MAX >> 20);
	drop_open(c, c->rawline);
	if (csv_init(&c->parser, CSV_PARSER_OPTS) != 0)
		return seterr(c, 0, "%s", _("out of memory"));
	csv_set_blk_size(&c->parser, CSV_BLK);
	c->parser_live = 1;
	if (c->delim != 0)
		csv_set_delim(&c->parser, (unsigned char)c->delim);
	return 0;
}

/* Feeds one decoded line (with its line end, if any) to libcsv. */
static int
feed(struct csvin *c, const char *t, size_t n)
{
	if (n > 0 && csv_parse(&c->parser, t, n, on_field, on_record, c) !=
	    n)
		return seterr(c, c->rawline, "%s",
		    csv_strerror(csv_error(&c->parser)));
	if (c->judge) {
		strbuf_add(&c->span, t, n);
		judge(c, c->rawline);
		strbuf_reset(&c->span);
	} else if (c->parser.pstate != PSTATE_ROW_NOT_BEGUN) {
		/* a record open at the end of the line: keep its lines */
		if (c->span.len == 0)
			c->span_line = c->rawline;
		strbuf_add(&c->span, t, n);
		if (c->span.len > CSVIN_LINE_MAX)
			return cut_open(c);
	} else if (c->span.len > 0) {
		strbuf_reset(&c->span);
	}
	return 0;
}

static void
mark_bad(struct csvin *c, int other)
{
	if (c->nbad == c->abad) {
		c->abad = c->abad ? c->abad * 2 : 16;
		c->bad = xreallocarray(c->bad, c->abad, sizeof(*c->bad));
	}
	c->bad[c->nbad].line = c->rawline;
	c->bad[c->nbad].other = other;
	c->nbad++;
}

/* UTF-8 of the line at p, U+FFFD for what is not, into c->dec. */
static void
utf8_lossy(struct csvin *c, const char *p, size_t n)
{
	size_t ok;
	int inc;

	strbuf_reset(&c->dec);
	while (n > 0) {
		ok = utf8_valid_prefix((const unsigned char *)p, n, &inc);
		strbuf_add(&c->dec, p, ok);
		if (ok == n)
			break;
		strbuf_adds(&c->dec, REPLACEMENT);
		p += ok + 1;
		n -= ok + 1;
	}
}

/* GB18030 of the line at p into c->dec; 0, or -1 if a byte did not
 * decode (shown as U+FFFD). */
static int
gb_decode(struct csvin *c, const char *p, size_t n)
{
	int rc = 0;

	strbuf_reset(&c->dec);
	iconv(c->cd, NULL, NULL, NULL, NULL);
	while (n > 0) {
		char obuf[4096], *op = obuf;
		size_t olen = sizeof(obuf), r;
		char *ip = (char *)p;

		r = iconv(c->cd, &ip, &n, &op, &olen);
		strbuf_add(&c->dec, obuf, (size_t)(op - obuf));
		p = ip;
		if (r == (size_t)-1 && errno != E2BIG) {
			/* EILSEQ, or EINVAL: cut short at the line end */
			strbuf_adds(&c->dec, REPLACEMENT);
			p++;
			n--;
			rc = -1;
		}
	}
	return rc;
}

/*
 * Decodes one raw line (with its line end) and feeds it.  A line that
 * does not decode in the encoding in use, or, when the encoding is being
 * guessed from a pipe, reads plainly as the other, is marked bad and fed
 * as best it can be shown (U+FFFD, or in the other encoding).
 */
static int
take_line(struct csvin *c, const char *p, size_t n)
{
	size_t ok;
	int inc, strong = 1;
	enum verdict v = V_EITHER;

	c->rawline++;
	if (c->enc != CSVIN_GB18030) {
		ok = utf8_valid_prefix((const unsigned char *)p, n, &inc);
		if (ok == n && c->decided)
			return feed(c, p, n);
	}
	if (!c->decided) {
		size_t i;

		/* a pipe: guessed from the lines as they come */
		for (i = 0; i < n && (unsigned char)p[i] < 0x80; i++)
			continue;
		if (i == n)
			return feed(c, p, n);
		v = vote_line((const unsigned char *)p, n, &strong);
		if (c->enc == CSVIN_AUTO && (v == V_UTF8 || v == V_GB)) {
			c->enc = v == V_GB ? CSVIN_GB18030 : CSVIN_UTF8;
			if (c->enc == CSVIN_GB18030 && open_iconv(c) != 0)
				return -1;
		}
		if (v == V_EITHER || (!strong && v != V_NEITHER) ||
		    (v == V_UTF8 && c->enc != CSVIN_GB18030) ||
		    (v == V_GB && c->enc == CSVIN_GB18030)) {
			/* it reads as the encoding in use */
			if (c->enc != CSVIN_GB18030)
				return feed(c, p, n);
			gb_decode(c, p, n);
			return feed(c, c->dec.buf, c->dec.len);
		}
		if (v != V_NEITHER) {
			/* the other encoding: shown as such, rejected */
			mark_bad(c, 1);
			if (v == V_UTF8)
				return feed(c, p, n);
			if (open_iconv(c) != 0)
				return -1;
			gb_decode(c, p, n);
			return feed(c, c->dec.buf, c->dec.len);
		}
		mark_bad(c, 0);
		if (c->enc == CSVIN_GB18030)
			gb_decode(c, p, n);
		else
			utf8_lossy(c, p, n);
		return feed(c, c->dec.buf, c->dec.len);
	}
	if (c->enc == CSVIN_GB18030) {
		if (gb_decode(c, p, n) != 0)
			mark_bad(c, 0);
	} else {
		mark_bad(c, 0);
		utf8_lossy(c, p, n);
	}
	return feed(c, c->dec.buf, c->dec.len);
}

/* The end of input: a quote still open takes no rows with it. */
static int
finish(struct csvin *c)
{
	if (c->parser.pstate == PSTATE_FIELD_BEGUN && c->parser.quoted &&
	    c->span.len > 0) {
		drop_open(c, 0);
		return 0;
	}
	if (csv_fini(&c->parser, on_field, on_record, c) != 0)
		return seterr(c, c->cur_started ? c->cur_line : c->line,
		    "%s", _("a quoted field is not closed (a \" is missing)"));
	if (c->judge)
		judge(c, c->rawline);
	strbuf_reset(&c->span);
	return 0;
}

/* Empties the queue; the record being parsed moves to the front. */
static void
reset_queue(struct csvin *c)
{
	size_t i;

	c->nqr = c->qhead = c->nqf = c->nqi = 0;
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

/*
 * The end (one past the line end) of the line at pos of the n bytes at
 * p, or 0 when it is not complete yet.
 */
static size_t
line_end(struct csvin *c, const char *p, size_t pos, size_t n, int last)
{
	const char *q;

	size_t from = pos > c->scan_from ? pos : c->scan_from;

	if (!c->eol_known || c->nlpos < pos) {
		q = memchr(p + from, '\n', n - from);
		c->nlpos = q != NULL ? (size_t)(q - p) : n;
	}
	if (!c->eol_known || c->crpos < pos) {
		q = memchr(p + from, '\r', n - from);
		c->crpos = q != NULL ? (size_t)(q - p) : n;
	}
	c->eol_known = 1;
	if (c->crpos < c->nlpos) {
		if (c->crpos + 1 < n)
			return c->crpos + 1 + (p[c->crpos + 1] == '\n');
		return last ? n : 0;
	}
	if (c->nlpos < n)
		return c->nlpos + 1;
	return last ? n : 0;
}

/*
 * The first line (from p, n bytes) chooses the delimiter when none is
 * set: a tab when it has tabs and no comma (Excel's "Unicode text" and
 * "Text (tab delimited)"), else a comma.
 */
static void
guess_delim(struct csvin *c, const char *p, size_t n)
{
	size_t i, tabs = 0, commas = 0;

	for (i = 0; i < n && p[i] != '\n' && p[i] != '\r'; i++) {
		tabs += p[i] == '\t';
		commas += p[i] == ',';
	}
	if (tabs > 0 && commas == 0)
		set_delim(c, '\t');
	else
		c->delim = ',';
}

/* Reads, decodes and parses one block.  Returns 0, or -1 on error. */
static int
fill(struct csvin *c)
{
	char raw[BLOCK];
	const char *p;
	size_t n, len, pos = 0, e, valid;
	int last, inc;

	n = fread(raw, 1, sizeof(raw), c->fp);
	if (ferror(c->fp))
		return seterr(c, 0, "%s", strerror(errno));
	last = n < sizeof(raw) && feof(c->fp);
	if (n > 0) {
		digest_update(c->hash, raw, n);
		c->bytes += n;
	}
	/* a line not yet complete has no line end but maybe a last CR */
	c->scan_from = c->carry.len > 0 ? c->carry.len - 1 : 0;
	if (c->carry.len > 0 || !c->bom_checked) {
		strbuf_add(&c->carry, raw, n);
		p = c->carry.buf != NULL ? c->carry.buf : "";
		len = c->carry.len;
	} else {
		p = raw;
		len = n;
	}
	if (!c->bom_checked) {
		if (len < 3 && !last)
			return 0;
		c->bom_checked = 1;
		if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			pos = 3;
			if (c->enc == CSVIN_AUTO) {
				c->enc = CSVIN_UTF8;
				c->decided = 1;
			}
		} else if (len >= 2 && (memcmp(p, "\xff\xfe", 2) == 0 ||
		    memcmp(p, "\xfe\xff", 2) == 0)) {
			return seterr(c, 1, "%s", _("the input is UTF-16 "
			    "(\"Unicode text\"): read it with --encoding "
			    "utf-16"));
		}
		if (c->delim == 0)
			guess_delim(c, p + pos, len - pos);
	}
	c->eol_known = 0;
	/* UTF-8 checked for the whole block at once: lines before are fed */
	valid = 0;
	if (c->decided && c->enc != CSVIN_GB18030)
		valid = pos + utf8_valid_prefix((const unsigned char *)p + pos,
		    len - pos, &inc);
	while (pos < len) {
		e = line_end(c, p, pos, len, last);
		if (e == 0)
			break;
		if (e <= valid) {
			c->rawline++;
			if (feed(c, p + pos, e - pos) != 0)
				return -1;
		} else if (take_line(c, p + pos, e - pos) != 0) {
			return -1;
		}
		pos = e;
	}
	c->scan_from = 0;
	if (len - pos > CSVIN_LINE_MAX)
		return seterr(c, c->rawline + 1, _("a line longer than %d MB: "
		    "this is no keyed file"), CSVIN_LINE_MAX >> 20);
	/* the line not yet complete waits for the next block */
	if (p == c->carry.buf) {
		memmove(c->carry.buf, c->carry.buf + pos, len - pos);
		c->carry.len = len - pos;
		c->carry.buf[c->carry.len] = '\0';
	} else {
		strbuf_reset(&c->carry);
		strbuf_add(&c->carry, p + pos, len - pos);
	}
	if (last) {
		c->eof = 1;
		if (finish(c) != 0)
			return -1;
	}
	return 0;
}

/* The next row of a workbook, queued as a record of its cells. */
static int
workbook_next(struct csvin *c)
{
	size_t i;
	int k;

	c->out = NULL;
	reset_queue(c);
	if ((k = xlsxin_next(c->x)) <= 0) {
		if (k < 0) {
			free(c->err);
			c->err = xstrdup(xlsxin_errstr(c->x));
		}
		c->eof = 1;
		if (k == 0 && titles_back(c)) {
			c->out = &c->qr[c->qhead++];
			return 1;
		}
		return k;
	}
	c->cur_started = 1;
	c->cur_line = xlsxin_row(c->x);
	for (i = 0; i < xlsxin_ncells(c->x); i++) {
		if (xlsxin_cell_unvalued(c->x, i)) {
			struct csvin_issue is = { CSVIN_FORMULA, c->cur_line,
			    (long)i, 0, 0, 0 };

			add_issue(&c->curi, &c->ncuri, &c->acuri, &is);
		}
		on_field((void *)(uintptr_t)xlsxin_cell(c->x, i),
		    xlsxin_cell_len(c->x, i), c);
	}
	on_record(0, c);
	if (c->nqr == 0)
		return workbook_next(c);
	c->out = &c->qr[c->qhead++];
	return 1;
}

int
csvin_next(struct csvin *c)
{
	if (c->x != NULL)
		return workbook_next(c);
	c->out = NULL;
	if (c->qhead == c->nqr) {
		reset_queue(c);
		while (c->nqr == 0) {
			if (c->failed)
				return -1;
			if (c->eof) {
				if (!titles_back(c))
					return 0;
				continue;
			}
			/* records parsed before an error still come out */
			if (fill(c) != 0)
				c->failed = 1;
		}
	}
	c->out = &c->qr[c->qhead++];
	return 1;
}

size_t
csvin_nissues(const struct csvin *c)
{
	return c->out != NULL ? c->out->niss : 0;
}

const struct csvin_issue *
csvin_issue(const struct csvin *c, size_t i)
{
	if (c->out == NULL || i >= c->out->niss)
		return NULL;
	return &c->qi[c->out->ifirst + i];
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

size_t
csvin_stray_value(const struct csvin *c, const unsigned char *named,
    size_t n)
{
	size_t i, nf = csvin_nfields(c);
	const char *v;

	for (i = 0; i < nf; i++) {
		if (i < n && named[i])
			continue;
		for (v = csvin_field(c, i); *v == ' ' || *v == '\t'; v++)
			;
		if (*v != '\0')
			return i + 1;
	}
	return 0;
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
