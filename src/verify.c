/* SPDX-License-Identifier: ISC */
/*
 * Batch verification (see verify.h).  The file is read once: its bytes
 * are hashed (for receipts), the gzip member is checked and inflated here
 * with zlib (header as hcp-pack writes it, CRC-32, length, nothing after
 * it), and the tar stream goes to libarchive, which only parses headers:
 * member data is read into memory (tag files) or into the digests and
 * the CSV parser (payload).
 */
#include <archive.h>
#include <archive_entry.h>
#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "bag.h"
#include "clock.h"
#include "crypto.h"
#include "diag.h"
#include "i18n.h"
#include "num.h"
#include "record.h"
#include "review.h"
#include "settings.h"
#include "strbuf.h"
#include "verify.h"
#include "xalloc.h"
#include "banned.h"

#define INBUF (256 * 1024)
#define OUTBUF (1024 * 1024)
/* The end of the previous tar chunk kept for the check after the tar. */
#define PREVBUF 8192
/* The CSV is parsed in pieces this long, the bounds checked after each. */
#define CSV_PIECE (64 * 1024)

struct member {
	char *rel;		/* path inside the top directory */
	int payload;		/* under data/ */
	struct strbuf data;	/* tag files only */
	unsigned long long size;
	unsigned char sha256[DIGEST_LEN], sm3[DIGEST_LEN];
};

/* A superseding record: where, what it supersedes, its keys. */
struct sup_row {
	long line;
	char *supersedes;
	char *serial, *project;	/* "" when empty */
	int assess_number;
};

struct vstate {
	const struct verify_opts *o;
	struct verify_result *res;
	int fd;
	const char *path;
	/* raw file and gzip layer */
	struct digest *filesha;
	unsigned char *in, *out;
	z_stream zs;
	int zinit, zend, zbad, header_done;
	uLong crc;
	unsigned long long total;
	unsigned char tail[8];	/* trailer bytes */
	unsigned char lastb;	/* last compressed byte inflate took */
	int padn;		/* a pad check waiting for the next byte */
	size_t ntail;
	int readerr;
	int oom;		/* memory ran out in a library: exit 2 */
	/* the tar stream after its end-of-archive blocks */
	size_t lastlen;		/* bytes of the last chunk in out */
	unsigned char prev[PREVBUF];	/* the end of the one before */
	size_t prevlen;
	/* members */
	struct member *m;
	size_t nm;
	size_t nmembers;	/* of any kind */
	int dir_top, dir_data;	/* directory members seen */
	char *top;
	/* CSV */
	struct csv_parser csv;
	size_t ncells;
	long rowno, line, pending_nl;
	int header_seen, header_ok;
	struct rec_map *map;
	struct rec rec;
	struct rec_problems pl;
	size_t bad_rows;
	int csv_failed;
	int csv_over;		/* field or row over its bound (CSV thread) */
	int csv_refused;	/* stop reading the batch (under mu) */
	struct bag_pipe *vpipe;	/* rows to the validating thread */
	struct strbuf rowbuf, vbuf;
	const char **vcells;
	/* superseding records (hcp-csv(5)), on the validating thread */
	int sup_col[4];		/* columns of sup_names[], or -1 */
	struct sup_row *sup;
	size_t nsup;
	int ordinary_seen;
	char now[CLOCK_BUFLEN];
	/* problem() is called from the CSV threads too */
	pthread_mutex_t mu;
	/* the validator's rules before this batch's labels (apply_rules) */
	int base_days, base_channel;
	long long base_now;
	char *base_codes;
	struct review_vevents *events;	/* data/case-events.csv */
};

static void
problem(struct vstate *s, int warning, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(struct vstate *s, int warning, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	pthread_mutex_lock(&s->mu);
	if (s->res->problems.n >= VERIFY_MAX_SHOWN) {
		if (!warning) {
			s->res->problems.nerrors++;
			s->res->hidden++;
		}
		pthread_mutex_unlock(&s->mu);
		return;
	}
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_add(&s->res->problems, warning, "%s", sb.buf);
	pthread_mutex_unlock(&s->mu);
	strbuf_release(&sb);
}

/* ---- the gzip layer ------------------------------------------------ */

/*
 * The gzip header hcp-pack (and gzip -n -6) writes: no name, no time,
 * no extra flags, Unix.
 */
static int
check_header(struct vstate *s, const unsigned char *p)
{
	if (p[0] != 0x1f || p[1] != 0x8b || p[2] != 8) {
		problem(s, 0, _("not a gzip file"));
		return -1;
	}
	if (p[3] != 0 || p[4] != 0 || p[5] != 0 || p[6] != 0 || p[7] != 0 ||
	    p[8] != 0 || p[9] != 3) {
		problem(s, 0, _("gzip header is not the one hcp-pack writes "
		    "(file name, time or flags set)"));
		return -1;
	}
	return 0;
}

/* Reads raw bytes, hashing them; returns bytes read, 0 at EOF, -1. */
static ssize_t
read_raw(struct vstate *s, unsigned char *buf, size_t n)
{
	ssize_t k;

	do
		k = read(s->fd, buf, n);
	while (k < 0 && errno == EINTR);
	if (k < 0) {
		s->readerr = errno;
		return -1;
	}
	digest_update(s->filesha, buf, (size_t)k);
	return k;
}

/*
 * Deflate ignores the bits that pad a stored block's header to a byte
 * boundary, and those after the last block; hcp-pack (zlib) writes them
 * as zero.  Checking them makes every change to the compressed bytes
 * count, not only those that change the content.  At a block boundary b
 * is the last byte taken, with n unused (high) bits, which start the
 * next block's 3-bit header; c is the byte after it, or -1 if not read
 * yet (then the check waits for it).
 */
static void
check_pad(struct vstate *s, unsigned b, int n, int c)
{
	unsigned hdr, pad;

	if (n >= 3) {
		hdr = (b >> (8 - n)) & 7;
		pad = b >> (8 - n + 3);
	} else {
		if (c < 0) {
			s->padn = n;
			return;
		}
		hdr = ((b >> (8 - n)) | ((unsigned)c << n)) & 7;
		pad = (unsigned)c >> (3 - n);
	}
	if ((hdr >> 1) == 0 && pad != 0) {
		problem(s, 0, _("compressed data changed (padding bits set)"));
		s->zbad = 1;
	}
}

/*
 * libarchive's read callback: inflates the next piece of the tar stream.
 * A corrupt stream ends the tar stream early; the problem is recorded.
 */
static la_ssize_t
tar_read(struct archive *a, void *arg, const void **buf)
{
	struct vstate *s = arg;

	(void)a;
	*buf = s->out;
	if (!s->header_done) {
		size_t have = 0;
		ssize_t k;

		while (have < 10) {
			if ((k = read_raw(s, s->in + have, 10 - have)) <= 0)
				break;
			have += (size_t)k;
		}
		s->header_done = 1;
		if (s->readerr != 0)
			return -1;
		if (have < 10) {
			problem(s, 0, _("not a gzip file (too short)"));
			s->zbad = 1;
			return 0;
		}
		if (check_header(s, s->in) != 0) {
			s->zbad = 1;
			return 0;
		}
	}
	if (s->zbad || s->zend)
		return 0;
	/*
	 * libarchive may hold bytes of the previous chunk it has not
	 * consumed yet; after the tar's end they are checked (finish_gzip).
	 */
	s->prevlen = s->lastlen < PREVBUF ? s->lastlen : PREVBUF;
	memcpy(s->prev, s->out + s->lastlen - s->prevlen, s->prevlen);
	s->lastlen = 0;
	s->zs.next_out = s->out;
	s->zs.avail_out = OUTBUF;
	/* Whole chunks: a tar block spans at most two. */
	while (s->zs.avail_out > 0) {
		int rc;

		if (s->zs.avail_in == 0) {
			ssize_t k = read_raw(s, s->in, INBUF);

			if (k < 0)
				return -1;
			if (k == 0) {
				problem(s, 0, _("truncated: the compressed "
				    "stream ends early"));
				s->zbad = 1;
				return 0;
			}
			s->zs.next_in = s->in;
			s->zs.avail_in = (uInt)k;
			if (s->padn >= 0) {
				check_pad(s, s->lastb, s->padn, s->in[0]);
				s->padn = -1;
				if (s->zbad)
					return 0;
			}
		}
		rc = inflate(&s->zs, Z_BLOCK);
		if (s->zs.next_in > s->in)
			s->lastb = s->zs.next_in[-1];
		if (rc == Z_STREAM_END) {
			s->zend = 1;
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			problem(s, 0, _("corrupt compressed data (%s)"),
			    s->zs.msg != NULL ? s->zs.msg : _("inflate error"));
			s->zbad = 1;
			return 0;
		}
		if (rc == Z_OK && (s->zs.data_type & (128 | 64)) ==
		    (128 | 64)) {
			/* End of the last block: the rest of the byte pads. */
			int n = s->zs.data_type & 7;

			if (n > 0 && (s->lastb >> (8 - n)) != 0) {
				problem(s, 0, _("compressed data changed "
				    "(padding bits set)"));
				s->zbad = 1;
				return 0;
			}
		} else if (rc == Z_OK && (s->zs.data_type & 128) != 0) {
			check_pad(s, s->lastb, s->zs.data_type & 7,
			    s->zs.avail_in > 0 ? s->zs.next_in[0] : -1);
			if (s->zbad)
				return 0;
		}
	}
	s->crc = crc32(s->crc, s->out, (uInt)(OUTBUF - s->zs.avail_out));
	s->total += OUTBUF - s->zs.avail_out;
	s->lastlen = OUTBUF - s->zs.avail_out;
	return (la_ssize_t)(OUTBUF - s->zs.avail_out);
}

static int
all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/*
 * The tar stream after its end-of-archive blocks, which end at pos:
 * first what libarchive was given but did not consume, then the rest
 * of the stream.  Only zero bytes may follow (the padding to a tar
 * record), VERIFY_MAX_TAIL at most; anything else is a second archive
 * or data that tar -i, or another reader, would take for members.
 */
static int
check_after_tar(struct vstate *s, unsigned long long pos)
{
	unsigned long long left, tail;
	const void *p;
	size_t a, b;
	la_ssize_t k;

	left = s->total >= pos ? s->total - pos : 0;
	if (left > s->lastlen + s->prevlen) {
		problem(s, 0, _("cannot check what follows the end of the tar "
		    "archive: refused"));
		return -1;
	}
	a = left < s->lastlen ? (size_t)left : s->lastlen;
	b = (size_t)left - a;
	tail = left;
	if (!all_zero(s->out + s->lastlen - a, a) ||
	    !all_zero(s->prev + s->prevlen - b, b))
		goto data;
	while (!s->zbad && !s->zend && s->readerr == 0) {
		if ((k = tar_read(NULL, s, &p)) <= 0)
			break;
		if (!all_zero(s->out, (size_t)k))
			goto data;
		tail += (unsigned long long)k;
		if (tail > VERIFY_MAX_TAIL) {
			problem(s, 0, _("more than %d bytes of padding after "
			    "the end of the tar archive: refused"),
			    VERIFY_MAX_TAIL);
			return -1;
		}
	}
	return 0;
data:
	problem(s, 0, _("data after the end of the tar archive (a second "
	    "archive or appended members): refused"));
	return -1;
}

/*
 * After the tar stream (whose end-of-archive blocks end at pos): inflates
 * what is left, which must be zero padding, then checks the trailer and
 * that nothing follows the member.
 */
static void
finish_gzip(struct vstate *s, unsigned long long pos)
{
	unsigned char extra[1];
	uLong crc = 0;
	unsigned long long isize = 0;
	size_t have, need;
	int i;

	if (check_after_tar(s, pos) != 0)
		return;
	if (s->zbad || s->readerr != 0 || !s->zend)
		return;
	have = s->zs.avail_in < 8 ? s->zs.avail_in : 8;
	memcpy(s->tail, s->zs.next_in, have);
	need = 8 - have;
	while (need > 0) {
		ssize_t k = read_raw(s, s->tail + 8 - need, need);

		if (k <= 0) {
			problem(s, 0,
			    _("truncated: the gzip trailer is missing"));
			return;
		}
		need -= (size_t)k;
	}
	for (i = 3; i >= 0; i--) {
		crc = (crc << 8) | s->tail[i];
		isize = (isize << 8) | s->tail[4 + i];
	}
	if (crc != s->crc)
		problem(s, 0, _("CRC-32 of the compressed stream does not "
		    "match: the file was changed or damaged"));
	if (isize != (s->total & 0xffffffffULL))
		problem(s, 0, _("length of the compressed stream does not "
		    "match: the file was changed or damaged"));
	if (s->zs.avail_in > 8 || read_raw(s, extra, 1) != 0)
		problem(s, 0, _("data after the end of the compressed stream"));
	/* Hash the rest of the file for the receipt anyway. */
	while (read_raw(s, s->in, INBUF) > 0)
		;
}

/* ---- the CSV payload ------------------------------------------------ */

/*
 * Rows travel from the parsing thread to the validating one as records:
 * total length (8 bytes), line (8), number of cells (4), then each cell
 * as its length with the NUL (4), its bytes and a NUL.  libcsv's field
 * callback writes the cells straight into the row's record; the row
 * callback fills in the head and sends it.
 */
static void
csv_field(void *p, size_t n, void *arg)
{
	struct vstate *s = arg;
	const char *q = p, *end = q + n;
	uint32_t len = (uint32_t)n + 1;
	char *w;

	/* Over a bound, nothing more is kept (csv_chunk refuses). */
	if (n > VERIFY_MAX_FIELD)
		s->csv_over = 1;
	else if (s->rowbuf.len + 4 + n + 1 > VERIFY_MAX_ROW)
		s->csv_over = 2;
	if (s->csv_over)
		return;
	if (s->rowbuf.len == 0)
		strbuf_add(&s->rowbuf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
		    "\0\0\0\0", 20);
	strbuf_grow(&s->rowbuf, 4 + n + 1);
	w = s->rowbuf.buf + s->rowbuf.len;
	memcpy(w, &len, 4);
	memcpy(w + 4, p, n);
	w[4 + n] = '\0';
	s->rowbuf.len += 4 + n + 1;
	s->rowbuf.buf[s->rowbuf.len] = '\0';
	s->ncells++;
	while (q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
		s->pending_nl++;
		q++;
	}
}

static void
report_rec(struct vstate *s)
{
	size_t i;

	for (i = 0; i < s->pl.n; i++) {
		const struct rec_problem *q = &s->pl.v[i];

		if (q->severity == REC_DUPLICATE) {
			problem(s, 0, _("%s:%ld: record given twice (%s)"),
			    BAG_PAYLOAD, q->line, q->msg);
			continue;
		}
		if (q->column != NULL && *q->column != '\0')
			problem(s, q->severity == REC_WARNING,
			    "%s:%ld: %s: %s", BAG_PAYLOAD, q->line,
			    q->column, q->msg);
		else
			problem(s, q->severity == REC_WARNING,
			    "%s:%ld: %s", BAG_PAYLOAD, q->line, q->msg);
	}
	rec_problems_clear(&s->pl);
}

/* ---- superseding records ------------------------------------------ */

static const char *const sup_names[] = { "supersedes", "amend_reason",
    "amend_operator", "amended_at" };

/*
 * The header of a batch that may carry superseding records: their four
 * columns are not fields of the record.
 */
static void
sup_header(struct vstate *s, size_t ncells, const char **cells)
{
	size_t i, k;

	for (k = 0; k < 4; k++) {
		s->sup_col[k] = -1;
		rec_map_ignore(s->map, sup_names[k]);
		for (i = 0; i < ncells; i++)
			if (strcmp(cells[i], sup_names[k]) == 0)
				s->sup_col[k] = (int)i;
	}
	clock_format(clock_now(), s->now);
}

static const char *
sup_cell(struct vstate *s, int k, size_t ncells, const char **cells)
{
	int c = s->sup_col[k];

	return c >= 0 && (size_t)c < ncells ? cells[c] : "";
}

/* True if v is "YYYY-MM-DD HH:MM:SS". */
static int
is_stamp(const char *v)
{
	static const char pat[] = "dddd-dd-dd dd:dd:dd";
	size_t i;

	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? v[i] < '0' || v[i] > '9' : v[i] != pat[i])
			return 0;
	return v[i] == '\0';
}

/*
 * The checks of a superseding record that need only its row (hcp-csv(5)):
 * superseding records come before the new ones; reason and operator are
 * not empty; amended_at is a time not in the future; a new record's row
 * has the four columns empty.  Returns 1 if the row supersedes a
 * record, else 0.
 */
static int
sup_check_row(struct vstate *s, long line, size_t ncells, const char **cells)
{
	const char *sup = sup_cell(s, 0, ncells, cells);
	const char *at = sup_cell(s, 3, ncells, cells);
	int k;

	if (*sup == '\0') {
		s->ordinary_seen = 1;
		for (k = 1; k < 4; k++)
			if (*sup_cell(s, k, ncells, cells) != '\0') {
				problem(s, 0, _("%s:%ld: %s: given on a row "
				    "that supersedes nothing"), BAG_PAYLOAD,
				    line, sup_names[k]);
				break;
			}
		return 0;
	}
	if (s->ordinary_seen)
		problem(s, 0, _("%s:%ld: supersedes: a superseding record "
		    "after new records (they come first)"), BAG_PAYLOAD, line);
	for (k = 1; k < 3; k++)
		if (*sup_cell(s, k, ncells, cells) == '\0')
			problem(s, 0, _("%s:%ld: %s: empty in a superseding "
			    "record"), BAG_PAYLOAD, line, sup_names[k]);
	if (!is_stamp(at))
		problem(s, 0, _("%s:%ld: amended_at: not a time "
		    "(YYYY-MM-DD HH:MM:SS): %s"), BAG_PAYLOAD, line, at);
	else if (strcmp(at, s->now) > 0)
		problem(s, 0, _("%s:%ld: amended_at: in the future: %s"),
		    BAG_PAYLOAD, line, at);
	s->sup = xreallocarray(s->sup, s->nsup + 1, sizeof(*s->sup));
	s->sup[s->nsup].line = line;
	s->sup[s->nsup].supersedes = xstrdup(sup);
	s->sup[s->nsup].serial = NULL;
	s->sup[s->nsup].project = NULL;
	s->nsup++;
	return 1;
}

/*
 * After the validator: a superseding record's keys are kept; a new
 * record must not have the key of one (a key appears again in a batch
 * only as another superseding record, the later one winning).
 */
static void
sup_check_keys(struct vstate *s, int superseding, const struct rec *r)
{
	struct sup_row *q;
	size_t i;

	if (superseding) {
		q = &s->sup[s->nsup - 1];
		q->serial = xstrdup(r->v[F_SERIAL]);
		q->project = xstrdup(r->v[F_PROJECT_NO]);
		q->assess_number = r->assess_number;
		return;
	}
	for (i = 0; i < s->nsup; i++) {
		q = &s->sup[i];
		if (q->serial == NULL)
			continue;
		if ((*q->serial != '\0' && strcmp(q->serial,
		    r->v[F_SERIAL]) == 0) || (*q->project != '\0' &&
		    strcmp(q->project, r->v[F_PROJECT_NO]) == 0 &&
		    q->assess_number == r->assess_number)) {
			problem(s, 0, _("%s:%ld: the record superseded on "
			    "line %ld is given again as a new record"),
			    BAG_PAYLOAD, r->line, q->line);
			return;
		}
	}
}

/*
 * The checks that need bag-info.txt: each superseding record names an
 * earlier batch of the same station, and Hcp-Corrections counts them.
 */
static void
sup_check_batch(struct vstate *s, const char *ncorr)
{
	struct sup_row *q;
	long long n = 0, seq;
	size_t i, len;
	char want[32];

	if (ncorr != NULL && num_parse(ncorr, 0, 1000000000000LL, &n, NULL) !=
	    0)
		problem(s, 0, _("bag-info.txt: Hcp-Corrections is not a "
		    "number"));
	else if ((size_t)n != s->nsup)
		problem(s, 0, _("bag-info.txt: Hcp-Corrections says %lld, "
		    "but %s has %zu superseding records"), n, BAG_PAYLOAD,
		    s->nsup);
	if (s->res->station == NULL || s->res->seq <= 0)
		return;
	snprintf(want, sizeof(want), "hcp-%s-", s->res->station);
	len = strlen(want);
	for (i = 0; i < s->nsup; i++) {
		q = &s->sup[i];
		if (strncmp(q->supersedes, want, len) != 0 ||
		    strlen(q->supersedes + len) != 6 ||
		    num_parse(q->supersedes + len, 1, 999999, &seq, NULL) !=
		    0 || seq >= s->res->seq)
			problem(s, 0, _("%s:%ld: supersedes: %s is not an "
			    "earlier batch of this station"), BAG_PAYLOAD,
			    q->line, q->supersedes);
	}
}

/*
 * Hands the header (r NULL) or an accepted record to the caller's row
 * hook (verify_opts).
 */
static void
row_hook(struct vstate *s, const struct rec *r, const char *supersedes,
    size_t ncells, const char **cells)
{
	char *why = NULL;

	if (s->o->row(s->o->arg, r, supersedes, ncells,
	    (const char *const *)cells, &why) != 0) {
		problem(s, 0, "%s:%ld: %s", BAG_PAYLOAD, r != NULL ? r->line :
		    1, why != NULL ? why : "");
		free(why);
	}
}

/*
 * The checks of one row (or the header), on the validating thread.  cells
 * point into that thread's buffer.
 */
static void
check_row(struct vstate *s, long line, size_t ncells, const char **cells)
{
	size_t i;
	int bad, superseding;

	if (!s->header_seen) {
		static const char *const prov[] = { "src_file", "src_hash",
		    "src_line", "operator", "entry_method", "imported_at" };

		s->header_seen = 1;
		for (i = 0; i < sizeof(prov) / sizeof(prov[0]); i++)
			rec_map_ignore(s->map, prov[i]);
		sup_header(s, ncells, cells);
		s->header_ok = rec_map_header(s->map, ncells, cells, line,
		    0, &s->pl) == 0;
		report_rec(s);
		if (s->o->row != NULL)
			row_hook(s, NULL, "", ncells, cells);
		return;
	}
	s->rowno++;
	if (!s->header_ok)
		return;
	superseding = sup_check_row(s, line, ncells, cells);
	bad = rec_check(s->o->ctx, s->map, ncells, cells, NULL, line, &s->rec,
	    &s->pl);
	if (bad == 0 && s->events != NULL)
		review_vevents_record(s->events, &s->rec);
	if (bad == 0)
		sup_check_keys(s, superseding, &s->rec);
	/* a superseding record's keys are those of an earlier batch's */
	if (bad == 0 && !superseding && s->o->seen != NULL &&
	    rec_check_keys(s->o->keys, &s->rec, s->o->seen, &s->pl) != 0)
		bad = 1;
	if (bad == 0 && s->o->row != NULL)
		row_hook(s, &s->rec, superseding ? sup_cell(s, 0, ncells,
		    cells) : "", ncells, cells);
	if (bad)
		s->bad_rows++;
	if (s->pl.n > 0)
		report_rec(s);
}

static void
csv_row(int c, void *arg)
{
	struct vstate *s = arg;
	uint64_t total, line = (uint64_t)s->line;
	uint32_t nc = (uint32_t)s->ncells;

	(void)c;
	if (s->csv_over)
		return;
	s->line += 1 + s->pending_nl;
	s->pending_nl = 0;
	if (s->rowbuf.len == 0)
		strbuf_add(&s->rowbuf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
		    "\0\0\0\0", 20);
	total = s->rowbuf.len;
	/* host order: both ends are this process */
	memcpy(s->rowbuf.buf, &total, 8);
	memcpy(s->rowbuf.buf + 8, &line, 8);
	memcpy(s->rowbuf.buf + 16, &nc, 4);
	bag_pipe_write(s->vpipe, s->rowbuf.buf, s->rowbuf.len);
	s->ncells = 0;
	strbuf_reset(&s->rowbuf);
}

/* The validating thread: reassembles records and checks them. */
static void
rows_chunk(void *arg, const void *p, size_t n)
{
	struct vstate *s = arg;
	size_t off = 0;

	strbuf_add(&s->vbuf, p, n);
	while (s->vbuf.len - off >= 8) {
		const char *r = s->vbuf.buf + off, *q;
		uint64_t total, line;
		uint32_t nc, len, i;

		memcpy(&total, r, 8);
		if (s->vbuf.len - off < total)
			break;
		memcpy(&line, r + 8, 8);
		memcpy(&nc, r + 16, 4);
		s->vcells = xreallocarray(s->vcells, (size_t)nc + 1,
		    sizeof(*s->vcells));
		q = r + 20;
		for (i = 0; i < nc; i++) {
			memcpy(&len, q, 4);
			s->vcells[i] = q + 4;
			q += 4 + len;
		}
		check_row(s, (long)line, nc, s->vcells);
		off += total;
	}
	memmove(s->vbuf.buf, s->vbuf.buf + off, s->vbuf.len - off);
	s->vbuf.len -= off;
}

/* ---- members ------------------------------------------------------- */

static struct member *
find(struct vstate *s, const char *rel)
{
	size_t i;

	for (i = 0; i < s->nm; i++)
		if (strcmp(s->m[i].rel, rel) == 0)
			return &s->m[i];
	return NULL;
}

/* Both digests of a tag file; a digest that cannot start is s->oom. */
static void
hash_small(struct vstate *s, struct member *m)
{
	struct digest *d;

	if ((d = digest_new(DIGEST_SHA256)) == NULL) {
		s->oom = 1;
		return;
	}
	digest_update(d, m->data.buf, m->data.len);
	digest_final(d, m->sha256);
	digest_free(d);
	if ((d = digest_new(DIGEST_SM3)) == NULL) {
		s->oom = 1;
		return;
	}
	digest_update(d, m->data.buf, m->data.len);
	digest_final(d, m->sm3);
	digest_free(d);
}

/* A safe name; a directory's may end in one slash. */
static int
path_ok(const char *path, int dir)
{
	size_t n = strlen(path);
	char *p;
	int ok;

	if (!dir || n < 2 || path[n - 1] != '/')
		return bag_path_safe(path);
	p = xstrndup(path, n - 1);
	ok = bag_path_safe(p);
	free(p);
	return ok;
}

/* The files a batch may hold (bag.h): seven tag files, one payload. */
static int
batch_file(const char *rel)
{
	static const char *const files[] = { "bag-info.txt", "bagit.txt",
	    BAG_PAYLOAD, BAG_EVENTS, "manifest-sha256.txt",
	    "manifest-sm3.txt",
	    "signature.sm2", "tagmanifest-sha256.txt",
	    "tagmanifest-sm3.txt" };
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(rel, files[i]) == 0)
			return 1;
	return 0;
}

/*
 * A directory member (rel is its path after the top directory's name):
 * only the bag's own and its data/, once each.  hcp-pack writes none,
 * tar(1) both.  Always returns NULL (no data to read).
 */
static struct member *
take_dir(struct vstate *s, const char *path, const char *rel, int *stop)
{
	size_t n = strlen(rel);
	int *seen = NULL;

	if (n > 0 && rel[n - 1] == '/')
		n--;
	if (n == 0)
		seen = &s->dir_top;
	else if (n == 5 && strncmp(rel, "/data", 5) == 0)
		seen = &s->dir_data;
	*stop = 1;
	if (seen == NULL) {
		problem(s, 0, _("%s: a directory that is not part of a batch: "
		    "refused"), path);
		return NULL;
	}
	if (*seen) {
		problem(s, 0, _("%s: member given twice: refused"), path);
		return NULL;
	}
	*seen = 1;
	*stop = 0;
	return NULL;
}

/*
 * Before the payload is read: if bag-info.txt came first (hcp-pack
 * writes it first), its Payload-Oxum must be the payload member's size
 * and one file.  Returns 1 (a problem recorded) to refuse.
 */
static int
oxum_refuses(struct vstate *s, long long size)
{
	struct member *bi = find(s, "bag-info.txt");
	struct bag_tags t;
	const char *v;
	char want[64], *e;
	int refuse = 0;

	if (bi == NULL)
		return 0;
	if (bag_tags_parse(bi->data.buf != NULL ? bi->data.buf : "",
	    bi->data.len, &t, &e) != 0) {
		free(e);
		return 0;	/* check_bag() says what is wrong */
	}
	snprintf(want, sizeof(want), "%lld.1", size);
	if (find(s, BAG_EVENTS) != NULL)	/* hcp-review's, read first */
		snprintf(want, sizeof(want), "%lld.2", size +
		    (long long)find(s, BAG_EVENTS)->size);
	if ((v = bag_tags_get(&t, "Payload-Oxum")) != NULL &&
	    strcmp(v, want) != 0) {
		problem(s, 0, _("bag-info.txt: Payload-Oxum %s, but the "
		    "payload is %s: refused before reading it"), v, want);
		refuse = 1;
	}
	bag_tags_release(&t);
	return refuse;
}

/*
 * Checks one header; returns the member to fill, NULL to skip the data,
 * or sets *stop when reading must end (unsafe archive).
 */
static struct member *
take_member(struct vstate *s, struct archive_entry *e, int *stop)
{
	const char *path = archive_entry_pathname(e);
	mode_t type = archive_entry_filetype(e);
	la_int64_t size = archive_entry_size(e);
	const char *slash, *rel;
	struct member *m;

	*stop = 1;
	if (path == NULL || !path_ok(path, type == AE_IFDIR)) {
		problem(s, 0, _("unsafe member name \"%s\": refused"),
		    path != NULL ? path : "");
		return NULL;
	}
	if (archive_entry_hardlink(e) != NULL || archive_entry_symlink(e) !=
	    NULL || (type != AE_IFREG && type != AE_IFDIR)) {
		problem(s, 0, _("%s: links, devices and other special files "
		    "are not allowed in a batch: refused"), path);
		return NULL;
	}
	if (++s->nmembers > VERIFY_MAX_MEMBERS) {
		problem(s, 0, _("more than %d members: refused"),
		    VERIFY_MAX_MEMBERS);
		return NULL;
	}
	slash = strchr(path, '/');
	if (s->top == NULL)
		s->top = xstrndup(path, slash != NULL ? (size_t)(slash - path) :
		    strlen(path));
	if (strncmp(path, s->top, strlen(s->top)) != 0 ||
	    (path[strlen(s->top)] != '/' && path[strlen(s->top)] != '\0')) {
		problem(s, 0, _("%s: outside the bag's directory %s: refused"),
		    path, s->top);
		return NULL;
	}
	rel = path + strlen(s->top);
	if (type == AE_IFDIR)
		return take_dir(s, path, rel, stop);
	*stop = 0;
	if (*rel == '\0') {
		*stop = 1;
		problem(s, 0, _("%s: a file where the bag's directory should "
		    "be: refused"), path);
		return NULL;
	}
	rel++;
	if (!batch_file(rel)) {
		*stop = 1;
		problem(s, 0, _("%s: not a file of a batch: refused"), path);
		return NULL;
	}
	if (find(s, rel) != NULL) {
		*stop = 1;
		problem(s, 0, _("%s: member given twice: refused"), path);
		return NULL;
	}
	s->m = xreallocarray(s->m, s->nm + 1, sizeof(*s->m));
	m = &s->m[s->nm++];
	memset(m, 0, sizeof(*m));
	strbuf_init(&m->data);
	m->rel = xstrdup(rel);
	m->payload = strncmp(rel, "data/", 5) == 0;
	if (size < 0 || (m->payload && size > VERIFY_MAX_PAYLOAD) ||
	    (strcmp(rel, BAG_EVENTS) == 0 && size > VERIFY_MAX_EVENTS) ||
	    (!m->payload && size > VERIFY_MAX_TAG)) {
		*stop = 1;
		problem(s, 0, _("%s: member too large (%lld bytes): refused"),
		    path, (long long)size);
		return NULL;
	}
	if (m->payload && strcmp(rel, BAG_EVENTS) != 0 &&
	    oxum_refuses(s, size)) {
		*stop = 1;
		return NULL;
	}
	return m;
}

/* Tells the reading thread to stop: the batch is refused. */
static void
csv_refuse(struct vstate *s)
{
	s->csv_failed = 1;
	pthread_mutex_lock(&s->mu);
	s->csv_refused = 1;
	pthread_mutex_unlock(&s->mu);
}

static int
csv_is_refused(struct vstate *s)
{
	int r;

	pthread_mutex_lock(&s->mu);
	r = s->csv_refused;
	pthread_mutex_unlock(&s->mu);
	return r;
}

/*
 * The CSV thread: parses and checks the payload as it arrives, in
 * pieces, so that libcsv never buffers much more of a field, nor this
 * file of a row, than the bounds allow.
 */
static void
csv_chunk(void *arg, const void *p, size_t n)
{
	struct vstate *s = arg;
	const char *q = p;

	while (n > 0 && !s->csv_failed) {
		size_t k = n < CSV_PIECE ? n : CSV_PIECE;

		if (csv_parse(&s->csv, q, k, csv_field, csv_row, s) != k) {
			if (csv_error(&s->csv) == CSV_ENOMEM) {
				s->oom = 1;
				csv_refuse(s);
				return;
			}
			problem(s, 0, _("%s: not valid CSV: %s"), BAG_PAYLOAD,
			    csv_strerror(csv_error(&s->csv)));
			s->csv_failed = 1;
			return;
		}
		if (s->csv_over == 0 && s->csv.entry_pos > VERIFY_MAX_FIELD)
			s->csv_over = 1;
		else if (s->csv_over == 0 && s->rowbuf.len +
		    s->csv.entry_pos > VERIFY_MAX_ROW)
			s->csv_over = 2;
		if (s->csv_over) {
			if (s->csv_over == 1)
				problem(s, 0, _("%s:%ld: a field longer than "
				    "%d bytes: refused"), BAG_PAYLOAD, s->line,
				    VERIFY_MAX_FIELD);
			else
				problem(s, 0, _("%s:%ld: a row longer than %d "
				    "bytes: refused"), BAG_PAYLOAD, s->line,
				    VERIFY_MAX_ROW);
			csv_refuse(s);
			return;
		}
		q += k;
		n -= k;
	}
}

static void apply_rules(struct vstate *s);

/*
 * Reads a member's data into memory, or through the digests and, for
 * the CSV, the checks; both on threads of their own.  Returns 0, 1 if
 * the CSV was refused (stop reading), -1 on a read error.
 */
/* hcp-review's case events: parsed before the records they name. */
static void
events_read(struct vstate *s, struct member *m)
{
	if (find(s, BAG_PAYLOAD) != NULL)
		problem(s, 0, _("%s comes after %s: its records cannot be "
		    "checked"), BAG_EVENTS, BAG_PAYLOAD);
	else {
		s->events = review_vevents_new(m->data.buf != NULL ?
		    m->data.buf : "", m->data.len);
		if (s->o->events != NULL)
			s->o->events(s->o->arg, m->data.buf != NULL ?
			    m->data.buf : "", m->data.len);
	}
}

static void
events_problem(void *arg, const char *msg)
{
	problem(arg, 0, "%s", msg);
}

static int
read_member(struct vstate *s, struct archive *a, struct member *m)
{
	const void *buf;
	size_t n;
	la_int64_t off;
	struct bag_digest *dg = NULL;
	struct bag_pipe *csv = NULL;
	int rc;

	if (m->payload && (dg = bag_digest_new()) == NULL) {
		s->oom = 1;	/* as hash_small() says it */
		return -1;
	}
	if (strcmp(m->rel, BAG_PAYLOAD) == 0) {
		apply_rules(s);
		csv_init(&s->csv, CSV_STRICT | CSV_STRICT_FINI |
		    CSV_APPEND_NULL);
		s->line = 1;
		s->vpipe = bag_pipe_new(rows_chunk, s);
		csv = bag_pipe_new(csv_chunk, s);
	}
	while ((rc = archive_read_data_block(a, &buf, &n, &off)) ==
	    ARCHIVE_OK) {
		if (csv != NULL && csv_is_refused(s)) {
			rc = ARCHIVE_WARN;
			break;
		}
		m->size += n;
		if (dg != NULL)
			bag_digest_update(dg, buf, n);
		if (dg == NULL || strcmp(m->rel, BAG_EVENTS) == 0)
			strbuf_add(&m->data, buf, n);
		if (csv != NULL)
			bag_pipe_write(csv, buf, n);
	}
	if (csv != NULL) {
		bag_pipe_close(csv);
		if (s->csv_refused)
			rc = ARCHIVE_WARN;
		if (!s->csv_failed && csv_fini(&s->csv, csv_field, csv_row,
		    s) != 0)
			problem(s, 0, _("%s: not valid CSV at the end: %s"),
			    BAG_PAYLOAD, csv_strerror(csv_error(&s->csv)));
		else if (!s->csv_failed && s->csv_over)
			problem(s, 0, _("%s:%ld: a row longer than %d bytes: "
			    "refused"), BAG_PAYLOAD, s->line, VERIFY_MAX_ROW);
		csv_free(&s->csv);
		bag_pipe_close(s->vpipe);
		s->vpipe = NULL;
	}
	if (dg != NULL) {
		bag_digest_final(dg, m->sha256, m->sm3);
		bag_digest_free(dg);
	} else
		hash_small(s, m);
	if (strcmp(m->rel, BAG_EVENTS) == 0)
		events_read(s, m);
	if (s->oom)
		return -1;
	if (s->csv_refused)
		return 1;
	return rc == ARCHIVE_EOF ? 0 : -1;
}

/* ---- the rules a batch was packed under ---------------------------- */

/*
 * A rule label of bag-info: an integer the setting key accepts
 * (settings.h, the same check as when the station sets it).  Returns 1
 * and *out, 0 when the label is absent, -1 (a problem) when bad.
 */
static int
rule_int(struct vstate *s, const struct bag_tags *bi, const char *label,
    const char *key, int *out)
{
	const struct setting_def *d = settings_find(key);
	const char *v = bag_tags_get(bi, label);
	long long n;

	if (v == NULL)
		return 0;
	if ((d != NULL && d->check != NULL && d->check(v) != NULL) ||
	    num_parse(v, 0, 100000, &n, NULL) != 0) {
		problem(s, 0, _("bag-info.txt: %s: not a valid value: %s"),
		    label, v);
		return -1;
	}
	*out = (int)n;
	return 1;
}

/* "+08:00" into seconds east of UTC; -1 if malformed. */
static int
parse_offset(const char *v, long *secs)
{
	int h, m;

	if (strlen(v) != 6 || (v[0] != '+' && v[0] != '-') || v[3] != ':' ||
	    sscanf(v + 1, "%2d:%2d", &h, &m) != 2 || h > 14 || m > 59)
		return -1;
	*secs = (h * 3600L + m * 60L) * (v[0] == '-' ? -1 : 1);
	return 0;
}

/* bag-info.txt's Hcp-Station, or NULL if missing or not 8 digits. */
static const char *
info_station(const struct bag_tags *bi)
{
	const char *v = bag_tags_get(bi, "Hcp-Station");

	if (v == NULL || strlen(v) != 8 || strspn(v, "0123456789") != 8)
		return NULL;
	return v;
}

/* bag-info.txt's Hcp-Sequence, or 0 if missing or not valid. */
static long long
info_seq(const struct bag_tags *bi)
{
	const char *v = bag_tags_get(bi, "Hcp-Sequence");
	long long seq;

	if (v == NULL || num_parse(v, 1, 999999999LL, &seq, NULL) != 0)
		return 0;
	return seq;
}

/*
 * Sets the validator to the rules the batch was packed under, from
 * bag-info.txt (hcp-csv(5), BATCH RULES), before its first row is
 * checked: a batch of Hcp-Format 2 says its supplementary-evaluation
 * window, paper channel, UTC offset and detail dictionaries; one
 * without it is 0.1.0's, whose 00:00:00 stands for a date alone.  Its
 * records are judged as of its Hcp-Created, which must not lie ahead of
 * this machine's clock by more than VERIFY_CLOCK_SLACK.  The payload
 * hook hears the station and sequence number announced.
 */
static void
apply_rules(struct vstate *s)
{
	struct rec_ctx *ctx = s->o->ctx;
	struct member *m = find(s, "bag-info.txt");
	struct bag_tags bi;
	const char *v;
	char *e = NULL;
	int n;
	long long created, here, nrec;
	long off;

	if (m == NULL || bag_tags_parse(m->data.buf != NULL ? m->data.buf :
	    "", m->data.len, &bi, &e) != 0) {
		free(e);
		if (s->o->payload != NULL)
			s->o->payload(s->o->arg, NULL, 0);
		return;		/* check_bag() says what is wrong */
	}
	if (s->o->payload != NULL)
		s->o->payload(s->o->arg, info_station(&bi), info_seq(&bi));
	rec_ctx_set_legacy(ctx, bag_tags_get(&bi, "Hcp-Format") == NULL);
	if ((v = bag_tags_get(&bi, "Hcp-Format")) != NULL &&
	    strcmp(v, "2") != 0)
		problem(s, 0, _("bag-info.txt: Hcp-Format %s is not one this "
		    "version knows: use a newer hcp-verify"), v);
	if (rule_int(s, &bi, "Hcp-Supplement-Days", "supplement_days",
	    &n) > 0)
		rec_ctx_set_supplement_days(ctx, n);
	if (rule_int(s, &bi, "Hcp-Paper-Channel", "paper_channel", &n) > 0)
		rec_ctx_set_paper_channel(ctx, n);
	if ((v = bag_tags_get(&bi, "Hcp-Eval-Codes-Version")) != NULL &&
	    rec_ctx_use_codes(ctx, v) != 0)
		problem(s, 0, _("cannot read the detail dictionaries %s"), v);
	/* the duplicate table sized once for the records announced */
	if ((v = bag_tags_get(&bi, "Hcp-Records")) != NULL &&
	    s->o->seen != NULL && num_parse(v, 0, 1000000000000LL, &nrec,
	    NULL) == 0)
		rec_seen_expect(s->o->seen, (size_t)nrec);
	v = bag_tags_get(&bi, "Hcp-Created");
	if (v != NULL && rec_parse_time(v, &created) == 0) {
		time_t now = clock_now();

		if ((v = bag_tags_get(&bi, "Hcp-UTC-Offset")) != NULL) {
			if (parse_offset(v, &off) != 0) {
				problem(s, 0, _("bag-info.txt: Hcp-UTC-Offset "
				    "is not like +08:00: %s"), v);
				off = 0;
			}
			here = (long long)now + off;
		} else {
			here = s->base_now;	/* this machine's zone */
		}
		if (created > here + VERIFY_CLOCK_SLACK)
			problem(s, 0, _("bag-info.txt: the batch was made "
			    "after now (%s): the station's clock is wrong"),
			    bag_tags_get(&bi, "Hcp-Created"));
		rec_ctx_set_now_local(ctx, created);
	}
	bag_tags_release(&bi);
}

/* Gives the validator back the rules it had before this batch. */
static void
restore_rules(struct vstate *s)
{
	struct rec_ctx *ctx = s->o->ctx;

	rec_ctx_set_legacy(ctx, 0);
	rec_ctx_set_supplement_days(ctx, s->base_days);
	rec_ctx_set_paper_channel(ctx, s->base_channel);
	rec_ctx_set_now_local(ctx, s->base_now);
	if (s->base_codes != NULL)
		(void)rec_ctx_use_codes(ctx, s->base_codes);
	free(s->base_codes);
	s->base_codes = NULL;
}

/* ---- the bag ------------------------------------------------------- */

static void
check_manifest(struct vstate *s, const char *rel, int tag,
    enum digest_alg alg)
{
	struct member *mf = find(s, rel), *m;
	struct bag_manifest man;
	char *e;
	size_t i, j;

	if (mf == NULL) {
		problem(s, 0, _("%s is missing"), rel);
		return;
	}
	if (bag_manifest_parse(mf->data.buf != NULL ? mf->data.buf : "",
	    mf->data.len, &man, &e) != 0) {
		problem(s, 0, "%s: %s", rel, e);
		free(e);
		return;
	}
	for (i = 0; i < man.n; i++) {
		const unsigned char *d;

		if ((m = find(s, man.v[i].path)) == NULL) {
			problem(s, 0, _("%s lists %s, which the batch does not "
			    "have"), rel, man.v[i].path);
			continue;
		}
		if (m->payload == tag) {
			problem(s, 0, _("%s lists %s, which belongs in the %s"),
			    rel, man.v[i].path, tag ? _("payload manifest") :
			    _("tag manifest"));
			continue;
		}
		d = alg == DIGEST_SHA256 ? m->sha256 : m->sm3;
		if (memcmp(d, man.v[i].digest, DIGEST_LEN) != 0)
			problem(s, 0, _("%s: %s digest of %s does not match: "
			    "the file was changed"), rel, digest_name(alg),
			    man.v[i].path);
	}
	/* The other direction: every file of its kind is listed. */
	for (j = 0; j < s->nm; j++) {
		m = &s->m[j];
		if (tag ? (m->payload || strncmp(m->rel, "tagmanifest-",
		    12) == 0 || strcmp(m->rel, "signature.sm2") == 0) :
		    !m->payload)
			continue;
		for (i = 0; i < man.n; i++)
			if (strcmp(man.v[i].path, m->rel) == 0)
				break;
		if (i == man.n)
			problem(s, 0, _("%s does not list %s"), rel, m->rel);
	}
	bag_manifest_release(&man);
}

/*
 * Bag-Count: "i of n", digits only, 1 <= i <= n <= VERIFY_MAX_BAGS.
 * Returns 0 or -1.
 */
static int
bag_count_parse(const char *v, long long *i, long long *n)
{
	char buf[16];
	const char *of = strstr(v, " of ");
	size_t k;

	if (of == NULL || (k = (size_t)(of - v)) == 0 || k >= sizeof(buf))
		return -1;
	memcpy(buf, v, k);
	buf[k] = '\0';
	if (strspn(buf, "0123456789") != k || strspn(of + 4, "0123456789") !=
	    strlen(of + 4) || num_parse(buf, 1, VERIFY_MAX_BAGS, i, NULL) != 0 ||
	    num_parse(of + 4, 1, VERIFY_MAX_BAGS, n, NULL) != 0 || *n < *i)
		return -1;
	return 0;
}

/*
 * A label given twice in a tag file: the first would be read here, the
 * last perhaps by another tool.  Refused, but for the descriptive labels
 * RFC 8493 (2.2.2) lets a bag repeat and nothing here reads.
 */
static void
check_once(struct vstate *s, const char *rel)
{
	static const char *const repeatable[] = { "Contact-Email",
	    "Contact-Name", "Contact-Phone", "External-Description",
	    "Internal-Sender-Description", "Internal-Sender-Identifier",
	    "Organization-Address" };
	struct member *m = find(s, rel);
	struct bag_tags t;
	size_t i, j, k;
	char *e;

	if (m == NULL || bag_tags_parse(m->data.buf != NULL ? m->data.buf :
	    "", m->data.len, &t, &e) != 0) {
		if (m != NULL)
			free(e);
		return;		/* said by check_bag() */
	}
	for (i = 0; i < t.n; i++) {
		for (k = 0; k < sizeof(repeatable) / sizeof(repeatable[0]); k++)
			if (strcasecmp(t.v[i].label, repeatable[k]) == 0)
				break;
		if (k < sizeof(repeatable) / sizeof(repeatable[0]))
			continue;
		for (j = 0; j < i; j++)
			if (strcasecmp(t.v[j].label, t.v[i].label) == 0)
				break;
		if (j == i)
			continue;
		/* once per label: only at its second occurrence */
		for (k = j + 1; k < i; k++)
			if (strcasecmp(t.v[k].label, t.v[i].label) == 0)
				break;
		if (k == i)
			problem(s, 0, _("%s: label %s given more than once: "
			    "refused"), rel, t.v[i].label);
	}
	bag_tags_release(&t);
}

/*
 * Every member is a file of a batch; the payload is there.  Sets *bytes
 * and *files to the payload's size and count, for Payload-Oxum.
 */
static void
check_members(struct vstate *s, unsigned long long *bytes,
    unsigned long long *files)
{
	static const char *const known[] = { "bag-info.txt", "bagit.txt",
	    "manifest-sha256.txt", "manifest-sm3.txt", "signature.sm2",
	    "tagmanifest-sha256.txt", "tagmanifest-sm3.txt" };
	size_t i, k;

	*bytes = *files = 0;
	for (i = 0; i < s->nm; i++) {
		struct member *m = &s->m[i];

		if (m->payload) {
			*bytes += m->size;
			(*files)++;
			continue;
		}
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(m->rel, known[k]) == 0)
				break;
		if (k == sizeof(known) / sizeof(known[0]))
			problem(s, 0, _("%s: not a file of a batch"), m->rel);
	}
	if (find(s, BAG_PAYLOAD) == NULL)
		problem(s, 0, _("%s is missing"), BAG_PAYLOAD);
}

/*
 * The tag file m parsed into t: 0, or -1 with the parser's message in
 * *e (the caller says it, and frees it).
 */
static int
tag_parse(const struct member *m, struct bag_tags *t, char **e)
{
	return bag_tags_parse(m->data.buf != NULL ? m->data.buf : "",
	    m->data.len, t, e);
}

static void
check_bagit_txt(struct vstate *s)
{
	struct bag_tags bt;
	struct member *m;
	const char *v;
	char *e;

	if ((m = find(s, "bagit.txt")) == NULL) {
		problem(s, 0, _("bagit.txt is missing"));
		return;
	}
	if (tag_parse(m, &bt, &e) != 0) {
		problem(s, 0, _("bagit.txt: %s"), e);
		free(e);
		return;
	}
	if ((v = bag_tags_get(&bt, "BagIt-Version")) == NULL ||
	    (strcmp(v, "1.0") != 0 && strcmp(v, "0.97") != 0))
		problem(s, 0, _("bagit.txt: BagIt-Version missing or "
		    "unknown"));
	if ((v = bag_tags_get(&bt, "Tag-File-Character-Encoding")) ==
	    NULL || strcasecmp(v, "UTF-8") != 0)
		problem(s, 0, _("bagit.txt: tag files must be UTF-8"));
	bag_tags_release(&bt);
}

/* Hcp-Station and Hcp-Sequence, and the bag's name made of them. */
static void
check_info_station(struct vstate *s, const struct bag_tags *bi)
{
	const char *v;
	long long seq;
	char want[64];

	if ((v = info_station(bi)) == NULL)
		problem(s, 0, _("bag-info.txt: Hcp-Station missing"));
	else
		s->res->station = xstrdup(v);
	if ((seq = info_seq(bi)) == 0)
		problem(s, 0, _("bag-info.txt: Hcp-Sequence missing"));
	else
		s->res->seq = seq;
	if (s->res->station != NULL && s->res->seq > 0) {
		snprintf(want, sizeof(want), "hcp-%s-%06lld",
		    s->res->station, s->res->seq);
		if (strcmp(want, s->top) != 0)
			problem(s, 0, _("bag-info.txt: station and "
			    "sequence say %s, the bag is %s"), want,
			    s->top);
	}
}

static void
check_bag_info(struct vstate *s, unsigned long long bytes,
    unsigned long long files)
{
	struct bag_tags bi;
	struct member *m;
	const char *v;
	char oxum[64], *e;
	long long n, i1, n1;

	if ((m = find(s, "bag-info.txt")) == NULL) {
		problem(s, 0, _("bag-info.txt is missing"));
		return;
	}
	if (tag_parse(m, &bi, &e) != 0) {
		problem(s, 0, _("bag-info.txt: %s"), e);
		free(e);
		return;
	}
	snprintf(oxum, sizeof(oxum), "%llu.%llu", bytes, files);
	if ((v = bag_tags_get(&bi, "Payload-Oxum")) == NULL)
		problem(s, 0, _("bag-info.txt: Payload-Oxum missing"));
	else if (strcmp(v, oxum) != 0)
		problem(s, 0, _("bag-info.txt: Payload-Oxum %s, but "
		    "the payload is %s"), v, oxum);
	if ((v = bag_tags_get(&bi, "External-Identifier")) == NULL ||
	    strcmp(v, s->top) != 0)
		problem(s, 0, _("bag-info.txt: External-Identifier is "
		    "not the bag's name %s"), s->top);
	if ((v = bag_tags_get(&bi, "Bag-Count")) == NULL ||
	    bag_count_parse(v, &i1, &n1) != 0)
		problem(s, 0, _("bag-info.txt: Bag-Count missing or "
		    "not \"i of n\" (n at most %d)"), VERIFY_MAX_BAGS);
	if ((v = bag_tags_get(&bi, "Hcp-Records")) == NULL ||
	    num_parse(v, 0, 1000000000000LL, &n, NULL) != 0)
		problem(s, 0, _("bag-info.txt: Hcp-Records missing"));
	else if (n != s->rowno)
		problem(s, 0, _("bag-info.txt: Hcp-Records says %lld, "
		    "but %s has %ld records"), n, BAG_PAYLOAD,
		    s->rowno);
	check_info_station(s, &bi);
	if ((v = bag_tags_get(&bi, "Satisfaction-Coding")) == NULL ||
	    strncmp(v, "interface", 9) != 0)
		problem(s, 0, _("bag-info.txt: Satisfaction-Coding is "
		    "not the interface coding"));
	sup_check_batch(s, bag_tags_get(&bi, "Hcp-Corrections"));
	review_vevents_check(s->events, s->res->seq,
	    bag_tags_get(&bi, "Hcp-Case-Events"), events_problem, s);
	bag_tags_release(&bi);
}

/*
 * The key the signature is checked with: pub_pem, or the one the key_at
 * hook gives for the batch's station and Hcp-Created (NULL, a problem
 * said, if none).
 */
static const char *
station_key(struct vstate *s)
{
	struct member *m = find(s, "bag-info.txt");
	struct bag_tags bi = { NULL, 0 };
	const char *pub;
	char *why = NULL, *e = NULL;

	if (s->o->key_at == NULL)
		return s->o->pub_pem;
	if (m != NULL && bag_tags_parse(m->data.buf != NULL ? m->data.buf :
	    "", m->data.len, &bi, &e) != 0)
		free(e);
	pub = s->o->key_at(s->o->arg, s->res->station,
	    bag_tags_get(&bi, "Hcp-Created"), &why);
	if (pub == NULL) {
		problem(s, 0, "signature.sm2: %s", why != NULL ? why : "");
		free(why);
	}
	bag_tags_release(&bi);
	return pub;
}

static void
check_signature(struct vstate *s)
{
	struct member *m, *sig;
	const char *pub;
	char *e = NULL;
	int good;

	m = find(s, "tagmanifest-sm3.txt");
	if ((sig = find(s, "signature.sm2")) == NULL)
		problem(s, 0, _("signature.sm2 is missing: the batch is not "
		    "signed"));
	else if (m != NULL && (pub = station_key(s)) != NULL) {
		good = crypto_sm2_verify(pub, m->data.buf != NULL ?
		    m->data.buf : "", m->data.len,
		    (const unsigned char *)sig->data.buf, sig->data.len, &e);
		if (good < 0)
			problem(s, 0, _("cannot check the signature: %s"), e);
		else if (good != 0)
			problem(s, 0, _("signature.sm2: the signature is not "
			    "good for this station's key: the batch was "
			    "changed or signed by another key"));
		free(e);
	}
}

static void
check_bag(struct vstate *s)
{
	unsigned long long bytes, files;

	if (s->top == NULL) {
		problem(s, 0, _("empty archive: not a batch"));
		return;
	}
	s->res->name = xstrdup(s->top);
	check_members(s, &bytes, &files);
	check_once(s, "bagit.txt");
	check_once(s, "bag-info.txt");
	check_bagit_txt(s);
	check_bag_info(s, bytes, files);
	check_manifest(s, "manifest-sha256.txt", 0, DIGEST_SHA256);
	check_manifest(s, "manifest-sm3.txt", 0, DIGEST_SM3);
	check_manifest(s, "tagmanifest-sha256.txt", 1, DIGEST_SHA256);
	check_manifest(s, "tagmanifest-sm3.txt", 1, DIGEST_SM3);
	check_signature(s);
	if (s->bad_rows > 0)
		problem(s, 0, _("%s: %zu of %ld records are not valid"),
		    BAG_PAYLOAD, s->bad_rows, s->rowno);
}

/* Sets s up to verify path into res; vstate_release() frees. */
static void
vstate_init(struct vstate *s, const char *path, const struct verify_opts *o,
    struct verify_result *res)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->fd = -1;
	s->o = o;
	s->res = res;
	s->path = path;
	s->crc = crc32(0L, Z_NULL, 0);
	s->padn = -1;
	strbuf_init(&s->rowbuf);
	strbuf_init(&s->vbuf);
	rec_init(&s->rec);
	s->map = rec_map_new();
	/* nothing here stores the SHA-256 row hash: h64 is enough */
	rec_ctx_set_row_hash(o->ctx, 0);
	s->base_days = rec_ctx_supplement_days(o->ctx);
	s->base_channel = rec_ctx_paper_channel(o->ctx);
	s->base_now = rec_ctx_now_local(o->ctx);
	s->base_codes = xstrdup(rec_ctx_codes_version(o->ctx));
}

/* Opens the file, its digest and the inflater; -1 with *errstr set. */
static int
vstate_open(struct vstate *s, char **errstr)
{
	if ((s->fd = open(s->path, O_RDONLY | O_CLOEXEC)) < 0) {
		*errstr = xasprintf("%s: %s", s->path, strerror(errno));
		return -1;
	}
	if ((s->filesha = digest_new(DIGEST_SHA256)) == NULL) {
		*errstr = xasprintf(_("cannot set up %s with libgcrypt"),
		    digest_name(DIGEST_SHA256));
		return -1;
	}
	s->in = xmalloc(INBUF);
	s->out = xmalloc(OUTBUF);
	if (inflateInit2(&s->zs, -15) != Z_OK) {
		*errstr = xstrdup(_("cannot start zlib"));
		return -1;
	}
	s->zinit = 1;
	return 0;
}

static void
vstate_release(struct vstate *s)
{
	size_t i;

	if (s->zinit)
		inflateEnd(&s->zs);
	if (s->fd >= 0)
		close(s->fd);
	digest_free(s->filesha);
	free(s->in);
	free(s->out);
	for (i = 0; i < s->nm; i++) {
		free(s->m[i].rel);
		strbuf_release(&s->m[i].data);
	}
	free(s->m);
	free(s->top);
	strbuf_release(&s->rowbuf);
	strbuf_release(&s->vbuf);
	free(s->vcells);
	for (i = 0; i < s->nsup; i++) {
		free(s->sup[i].supersedes);
		free(s->sup[i].serial);
		free(s->sup[i].project);
	}
	free(s->sup);
	rec_map_free(s->map);
	rec_release(&s->rec);
	review_vevents_free(s->events);
	rec_problems_release(&s->pl);
	restore_rules(s);
	pthread_mutex_destroy(&s->mu);
}

/* How reading the archive ended, beyond the problems it found. */
enum { READ_DONE, READ_FAILED, READ_NOMEM };

/*
 * Reads the members one by one.  Sets *stop when reading stopped early
 * (the archive is damaged) and *rc to libarchive's last answer.
 */
static int
read_members(struct vstate *s, struct archive *a, int *stop, int *rc)
{
	struct archive_entry *e;

	while (!*stop && (*rc = archive_read_next_header(a, &e)) ==
	    ARCHIVE_OK) {
		struct member *m = take_member(s, e, stop);
		int mrc;

		if (m != NULL && (mrc = read_member(s, a, m)) != 0) {
			if (s->readerr != 0)
				return READ_FAILED;
			if (s->oom || archive_errno(a) == ENOMEM)
				return READ_NOMEM;
			if (mrc < 0 && !s->zbad)
				problem(s, 0, "%s: %s", m->rel,
				    archive_error_string(a));
			*stop = 1;
		}
	}
	if (!*stop && *rc != ARCHIVE_EOF) {
		if (s->readerr != 0)
			return READ_FAILED;
		if (archive_errno(a) == ENOMEM)
			return READ_NOMEM;
		if (!s->zbad)
			problem(s, 0, _("damaged tar archive: %s"),
			    archive_error_string(a));
		*stop = 1;
	}
	return READ_DONE;
}

/*
 * Reads the tar stream through libarchive, then checks what follows
 * it.  Sets *stop as read_members() does.
 */
static int
read_archive(struct vstate *s, int *stop)
{
	struct archive *a = archive_read_new();
	unsigned long long endpos;
	int rc = ARCHIVE_FATAL, how = READ_DONE;

	archive_read_support_format_tar(a);
	if (archive_read_open(a, s, NULL, tar_read, NULL) != ARCHIVE_OK) {
		if (s->readerr != 0)
			how = READ_FAILED;
		else if (!s->zbad)
			problem(s, 0, _("not a tar archive: %s"),
			    archive_error_string(a));
	} else
		how = read_members(s, a, stop, &rc);
	/*
	 * Where the end-of-archive blocks end: what libarchive consumed
	 * (when the tar did not even open, whatever it was given).
	 */
	if (how == READ_DONE && !*stop && !s->zbad) {
		endpos = rc == ARCHIVE_EOF ?
		    (unsigned long long)archive_filter_bytes(a, 0) : s->total;
		finish_gzip(s, endpos);
	}
	archive_read_free(a);
	if (how == READ_DONE && s->readerr != 0)
		how = READ_FAILED;
	return how;
}

int
verify_batch(const char *path, const struct verify_opts *o,
    struct verify_result *res, char **errstr)
{
	struct vstate s;
	unsigned char sha[DIGEST_LEN];
	int stop = 0, ret = -1;

	memset(res, 0, sizeof(*res));
	res->path = xstrdup(path);
	vstate_init(&s, path, o, res);
	if (vstate_open(&s, errstr) != 0)
		goto out;
	switch (read_archive(&s, &stop)) {
	case READ_FAILED:
		*errstr = xasprintf("%s: %s", path, strerror(s.readerr));
		goto out;
	case READ_NOMEM:
		*errstr = xasprintf("%s: %s", path, strerror(ENOMEM));
		goto out;
	}
	if (!stop && !s.zbad)
		check_bag(&s);
	else if (s.top != NULL && res->name == NULL)
		res->name = xstrdup(s.top);
	/* Hash the rest of the file, for the receipt. */
	while (read_raw(&s, s.in, INBUF) > 0)
		;
	digest_final(s.filesha, sha);
	crypto_hex(sha, DIGEST_LEN, res->sha256);
	res->records = s.rowno;
	ret = 0;
out:
	vstate_release(&s);
	return ret;
}

int
verify_ok(const struct verify_result *res)
{
	return res->problems.nerrors == 0;
}

void
verify_problems_text(const struct verify_result *res, struct strbuf *out)
{
	size_t k;

	for (k = 0; k < res->problems.n; k++)
		strbuf_addf(out, "%s%s\n", res->problems.v[k].warning ?
		    _("warning: ") : "", res->problems.v[k].msg);
	if (res->hidden > 0)
		strbuf_addf(out, _("%zu more problems not shown\n"),
		    res->hidden);
}

void
verify_result_release(struct verify_result *res)
{
	free(res->path);
	free(res->name);
	free(res->station);
	diag_list_release(&res->problems);
	memset(res, 0, sizeof(*res));
}

static int
cmp_seq(const void *a, const void *b)
{
	const struct verify_result *x = *(struct verify_result *const *)a;
	const struct verify_result *y = *(struct verify_result *const *)b;
	int c = strcmp(x->station, y->station);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
verify_sequence(struct verify_result *v, size_t n, struct diag_list *out)
{
	struct verify_result **p = xcalloc(n + 1, sizeof(*p));
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (v[i].station != NULL && v[i].seq > 0)
			p[k++] = &v[i];
	qsort(p, k, sizeof(*p), cmp_seq);
	for (i = 1; i < k; i++) {
		struct verify_result *a = p[i - 1], *b = p[i];

		if (strcmp(a->station, b->station) != 0)
			continue;
		if (a->seq == b->seq) {
			if (strcmp(a->sha256, b->sha256) == 0)
				diag_add(out, 1, _("%s and %s are the same "
				    "batch %s"), a->path, b->path, b->name);
			else
				diag_add(&b->problems, 0,
				    _("overlap: %s and %s are different "
				    "batches with the same number %s"),
				    a->path, b->path, b->name);
		} else if (b->seq > a->seq + 1) {
			if (b->seq == a->seq + 2)
				diag_add(out, 1, _("gap: station %s batch "
				    "%06lld is missing (between %s and %s)"),
				    a->station, a->seq + 1, a->name, b->name);
			else
				diag_add(out, 1, _("gap: station %s batches "
				    "%06lld to %06lld are missing (between "
				    "%s and %s)"), a->station, a->seq + 1,
				    b->seq - 1, a->name, b->name);
		}
	}
	free(p);
}
