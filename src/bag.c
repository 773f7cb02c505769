/* SPDX-License-Identifier: ISC */
/*
 * BagIt bags as .tar.gz (see bag.h): the threaded payload digests, the
 * payload compressed ahead, the writer on libarchive and pgzip, and the
 * tag-file parsers.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bag.h"
#include "crypto.h"
#include "i18n.h"
#include "pgzip.h"
#include "ring.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

const char bag_bagit_txt[] =
    "BagIt-Version: " BAG_VERSION "\n"
    "Tag-File-Character-Encoding: UTF-8\n";

/*
 * Pipes: NCHUNK chunks go round two rings, the empty ones from the thread
 * back to the writer (free), the filled ones from the writer to the
 * thread (full).
 */
#define CHUNK (1024 * 1024)
#define NCHUNK 4

struct chunk {
	unsigned char *p;
	size_t len;
};

struct bag_pipe {
	pthread_t thread;
	struct chunk chunks[NCHUNK];
	struct ring *free, *full;
	struct chunk *cur;	/* being filled */
	int nothread;		/* no thread could be made: fn runs inline */
	bag_pipe_fn fn;
	void *arg;
};

static void *
pipe_thread(void *arg)
{
	struct bag_pipe *bp = arg;
	struct chunk *c;

	while ((c = ring_get(bp->full)) != NULL) {
		bp->fn(bp->arg, c->p, c->len);
		c->len = 0;
		ring_put(bp->free, c);
	}
	return NULL;
}

struct bag_pipe *
bag_pipe_new(bag_pipe_fn fn, void *arg)
{
	struct bag_pipe *bp = xcalloc(1, sizeof(*bp));
	int i;

	bp->fn = fn;
	bp->arg = arg;
	bp->free = ring_new(NCHUNK);
	bp->full = ring_new(NCHUNK);
	for (i = 0; i < NCHUNK; i++) {
		bp->chunks[i].p = xmalloc(CHUNK);
		ring_put(bp->free, &bp->chunks[i]);
	}
	bp->cur = ring_get(bp->free);
	/* Short of memory for a thread: the same work, on this one. */
	if (pthread_create(&bp->thread, NULL, pipe_thread, bp) != 0)
		bp->nothread = 1;
	return bp;
}

/* Hands the chunk being filled to the thread and takes an empty one. */
static void
pipe_pass(struct bag_pipe *bp)
{
	if (bp->nothread) {
		bp->fn(bp->arg, bp->cur->p, bp->cur->len);
		bp->cur->len = 0;
		return;
	}
	ring_put(bp->full, bp->cur);
	bp->cur = ring_get(bp->free);
}

void
bag_pipe_write(struct bag_pipe *bp, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n > 0) {
		struct chunk *c = bp->cur;
		size_t k = CHUNK - c->len < n ? CHUNK - c->len : n;

		memcpy(c->p + c->len, s, k);
		c->len += k;
		s += k;
		n -= k;
		if (c->len == CHUNK)
			pipe_pass(bp);
	}
}

void
bag_pipe_close(struct bag_pipe *bp)
{
	int i;

	if (bp == NULL)
		return;
	if (bp->cur->len > 0)
		pipe_pass(bp);
	ring_close(bp->full);
	if (!bp->nothread)
		pthread_join(bp->thread, NULL);
	for (i = 0; i < NCHUNK; i++)
		free(bp->chunks[i].p);
	ring_free(bp->full);
	ring_free(bp->free);
	free(bp);
}

/* Both payload digests on a pipe's thread. */
struct bag_digest {
	struct bag_pipe *pipe;
	struct digest *sha, *sm3;
};

static void
digest_both(void *arg, const void *p, size_t n)
{
	struct bag_digest *d = arg;

	digest_update(d->sha, p, n);
	digest_update(d->sm3, p, n);
}

struct bag_digest *
bag_digest_new(void)
{
	struct bag_digest *d = xcalloc(1, sizeof(*d));

	d->sha = digest_new(DIGEST_SHA256);
	d->sm3 = digest_new(DIGEST_SM3);
	if (d->sha == NULL || d->sm3 == NULL) {
		digest_free(d->sha);
		digest_free(d->sm3);
		free(d);
		return NULL;
	}
	d->pipe = bag_pipe_new(digest_both, d);
	return d;
}

void
bag_digest_update(struct bag_digest *d, const void *p, size_t n)
{
	bag_pipe_write(d->pipe, p, n);
}

void
bag_digest_final(struct bag_digest *d, unsigned char sha256[DIGEST_LEN],
    unsigned char sm3[DIGEST_LEN])
{
	bag_pipe_close(d->pipe);
	d->pipe = NULL;
	digest_final(d->sha, sha256);
	digest_final(d->sm3, sm3);
}

void
bag_digest_free(struct bag_digest *d)
{
	if (d == NULL)
		return;
	bag_pipe_close(d->pipe);
	digest_free(d->sha);
	digest_free(d->sm3);
	free(d);
}

/* Writes all of p to fd. */
static int
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The payload compressed ahead. */
struct bag_payload {
	int fd;
	char *dir;
	struct bag_digest *dg;
	struct pgzip *z;
};

static int
run_write(void *arg, const void *buf, size_t n)
{
	struct bag_payload *bp = arg;

	return write_all(bp->fd, buf, n);
}

struct bag_payload *
bag_payload_new(const char *dir, const char *name, char **errstr)
{
	struct bag_payload *bp = xcalloc(1, sizeof(*bp));
	char *tmp = xasprintf("%s/.%s.payload.XXXXXX", dir, name);

	bp->dir = xstrdup(dir);
	if ((bp->fd = mkstemp(tmp)) < 0) {
		*errstr = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		bag_payload_free(bp);
		return NULL;
	}
	unlink(tmp);
	free(tmp);
	if ((bp->z = pgzip_new_raw(6, 0, run_write, bp)) == NULL) {
		*errstr = xasprintf(_("cannot start compressing: %s"),
		    strerror(errno));
		bag_payload_free(bp);
		return NULL;
	}
	if ((bp->dg = bag_digest_new()) == NULL) {
		*errstr = xstrdup(_("cannot set up SHA-256 and SM3 with "
		    "libgcrypt"));
		bag_payload_free(bp);
		return NULL;
	}
	return bp;
}

int
bag_payload_write(struct bag_payload *bp, const void *p, size_t n,
    char **errstr)
{
	bag_digest_update(bp->dg, p, n);
	if (pgzip_write(bp->z, p, n) != 0) {
		*errstr = xasprintf("%s: %s", bp->dir, pgzip_errstr(bp->z));
		return -1;
	}
	return 0;
}

int
bag_payload_finish(struct bag_payload *bp, struct bag_spec *spec,
    char **errstr)
{
	if (pgzip_finish(bp->z) != 0) {
		*errstr = xasprintf("%s: %s", bp->dir, pgzip_errstr(bp->z));
		return -1;
	}
	bag_digest_final(bp->dg, spec->sha256, spec->sm3);
	spec->payload_len = pgzip_total_in(bp->z);
	spec->zp.fd = bp->fd;
	spec->zp.clen = pgzip_total_out(bp->z);
	spec->zp.crc = pgzip_crc(bp->z);
	return 0;
}

void
bag_payload_free(struct bag_payload *bp)
{
	if (bp == NULL)
		return;
	pgzip_free(bp->z);
	bag_digest_free(bp->dg);
	if (bp->fd >= 0)
		close(bp->fd);
	free(bp->dir);
	free(bp);
}

/*
 * The writer: libarchive -> pgzip -> fd, hashing what reaches fd.  The
 * payload's bytes in the tar stream are zeros from zero_feed; at pstart
 * the run is spliced in and the zeros are dropped.
 */
#define TAR_BLOCK 512

/* Fields of a ustar header (POSIX pax, ustar Interchange Format). */
#define USTAR_NAME	0	/* name, 100 bytes */
#define USTAR_NAME_LEN	100
#define USTAR_SIZE	124	/* size, 12 bytes of octal */
#define USTAR_SIZE_LEN	12
#define USTAR_TYPEFLAG	156	/* '0' or NUL: a regular file */
#define USTAR_MAGIC	257	/* "ustar" and a NUL */
#define USTAR_PREFIX	345	/* prefix of the name, 155 bytes */
#define USTAR_PREFIX_LEN 155

static const unsigned char zero_feed[64 * 1024];

struct sink {
	int fd;
	struct digest *sha;
	struct pgzip *z;
	const struct bag_spec *spec;
	uint64_t seen;		/* tar bytes handed to archive_cb so far */
	uint64_t pstart, pend;	/* the payload's bytes in the tar stream */
	unsigned char hdr[TAR_BLOCK];	/* the tar block before pstart */
	int reached;		/* the payload's start was seen */
};

static int
sink_write(void *arg, const void *buf, size_t n)
{
	struct sink *s = arg;

	digest_update(s->sha, buf, n);
	return write_all(s->fd, buf, n);
}

/* Bytes of a ustar member holding n bytes of data, header included. */
static uint64_t
tar_member_len(uint64_t n)
{
	return TAR_BLOCK + (n + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
}

/* A numeric ustar header field: octal, or base-256 if its top bit is set. */
static uint64_t
tar_number(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (p[0] & 0x80) {
		for (i = 1; i < n; i++)
			v = v << 8 | p[i];
		return v;
	}
	for (i = 0; i < n && p[i] == ' '; i++)
		;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++)
		v = v * 8 + (uint64_t)(p[i] - '0');
	return v;
}

/* Is s->hdr the ustar header of the payload member? */
static int
payload_header_ok(const struct sink *s)
{
	const unsigned char *h = s->hdr;
	char name[USTAR_NAME_LEN + 1], prefix[USTAR_PREFIX_LEN + 1];
	char *want, *got;
	int rc;

	memcpy(name, h + USTAR_NAME, USTAR_NAME_LEN);
	name[USTAR_NAME_LEN] = '\0';
	memcpy(prefix, h + USTAR_PREFIX, USTAR_PREFIX_LEN);
	prefix[USTAR_PREFIX_LEN] = '\0';
	if (memcmp(h + USTAR_MAGIC, "ustar", 5) != 0 ||
	    (h[USTAR_TYPEFLAG] != '0' && h[USTAR_TYPEFLAG] != '\0') ||
	    tar_number(h + USTAR_SIZE, USTAR_SIZE_LEN) !=
	    s->spec->payload_len)
		return 0;
	want = xasprintf("%s/%s", s->spec->name, BAG_PAYLOAD);
	got = prefix[0] != '\0' ? xasprintf("%s/%s", prefix, name) :
	    xstrdup(name);
	rc = strcmp(want, got) == 0;
	free(want);
	free(got);
	return rc;
}

static int
all_zero(const unsigned char *p, size_t n)
{
	while (n > 0) {
		size_t k = n < sizeof(zero_feed) ? n : sizeof(zero_feed);

		if (memcmp(p, zero_feed, k) != 0)
			return 0;
		p += k;
		n -= k;
	}
	return 1;
}

/* Compresses tar bytes outside the payload, or all with unspliced. */
static int
sink_pass(struct archive *a, struct sink *s, const unsigned char *p,
    size_t n)
{
	if (n > 0 && pgzip_write(s->z, p, n) != 0) {
		archive_set_error(a, EIO, "%s", pgzip_errstr(s->z));
		return -1;
	}
	s->seen += n;
	return 0;
}

static la_ssize_t
archive_cb(struct archive *a, void *arg, const void *buf, size_t n)
{
	struct sink *s = arg;
	const unsigned char *p = buf;
	size_t left = n, k;

	/* Up to the payload, keeping the payload's header block. */
	if (s->seen < s->pstart) {
		k = s->pstart - s->seen < left ? (size_t)(s->pstart -
		    s->seen) : left;
		if (s->seen + k > s->pstart - TAR_BLOCK) {
			uint64_t from = s->seen > s->pstart - TAR_BLOCK ?
			    s->seen : s->pstart - TAR_BLOCK;

			memcpy(s->hdr + (from - (s->pstart - TAR_BLOCK)),
			    p + (from - s->seen), (size_t)(s->seen + k - from));
		}
		if (sink_pass(a, s, p, k) != 0)
			return -1;
		p += k;
		left -= k;
	}
	if (s->seen == s->pstart && !s->reached && left > 0) {
		if (!payload_header_ok(s)) {
			archive_set_error(a, EINVAL, "the payload is not at "
			    "byte %llu of the tar stream",
			    (unsigned long long)s->pstart);
			return -1;
		}
		if (!s->spec->unspliced && pgzip_splice(s->z, s->spec->zp.fd,
		    s->spec->zp.clen, s->spec->zp.crc,
		    s->spec->payload_len) != 0) {
			archive_set_error(a, EIO, "%s", pgzip_errstr(s->z));
			return -1;
		}
		s->reached = 1;
	}
	/* The payload: zeros to drop, or its bytes with unspliced. */
	if (left > 0 && s->seen < s->pend) {
		k = s->pend - s->seen < left ? (size_t)(s->pend - s->seen) :
		    left;
		if (s->spec->unspliced) {
			if (sink_pass(a, s, p, k) != 0)
				return -1;
		} else {
			if (!all_zero(p, k)) {
				archive_set_error(a, EINVAL, "the payload is "
				    "not at byte %llu of the tar stream",
				    (unsigned long long)s->pstart);
				return -1;
			}
			s->seen += k;
		}
		p += k;
		left -= k;
	}
	if (sink_pass(a, s, p, left) != 0)
		return -1;
	return (la_ssize_t)n;
}

static int
add_header(struct archive *a, const struct bag_spec *spec, const char *rel,
    uint64_t n)
{
	struct archive_entry *e = archive_entry_new();
	char *path = xasprintf("%s/%s", spec->name, rel);
	int rc = 0;

	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_entry_set_mtime(e, spec->mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		rc = -1;
	archive_entry_free(e);
	free(path);
	return rc;
}

static int
add_data(struct archive *a, const void *p, size_t n)
{
	/* archive_write_data() may take less than asked. */
	while (n > 0) {
		la_ssize_t k = archive_write_data(a, p, n);

		if (k <= 0)
			return -1;
		p = (const char *)p + k;
		n -= (size_t)k;
	}
	return 0;
}

static int
add_member(struct archive *a, const struct bag_spec *spec, const char *rel,
    const void *p, size_t n)
{
	if (add_header(a, spec, rel, n) != 0)
		return -1;
	return add_data(a, p, n);
}

/*
 * The payload member: payload_len zeros for archive_cb to drop, or, with
 * unspliced, the run inflated, checked against its length and CRC.
 */
static int
add_payload(struct archive *a, const struct bag_spec *spec, char **errstr)
{
	unsigned char *in = NULL, *out = NULL;
	uint64_t left = spec->payload_len, off = 0;
	uLong crc = crc32(0L, Z_NULL, 0);
	z_stream zs;
	int rc = -1, zrc = Z_OK;

	if (add_header(a, spec, BAG_PAYLOAD, spec->payload_len) != 0)
		return -1;
	if (!spec->unspliced) {
		while (left > 0) {
			size_t k = left < sizeof(zero_feed) ? (size_t)left :
			    sizeof(zero_feed);

			if (add_data(a, zero_feed, k) != 0)
				return -1;
			left -= k;
		}
		return 0;
	}
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, -15) != Z_OK) {
		*errstr = xstrdup(_("cannot start inflating the payload"));
		return -1;
	}
	in = xmalloc(sizeof(zero_feed));
	out = xmalloc(sizeof(zero_feed));
	for (;;) {
		size_t got;

		if (zs.avail_in == 0 && off < spec->zp.clen) {
			size_t k = spec->zp.clen - off < sizeof(zero_feed) ?
			    (size_t)(spec->zp.clen - off) : sizeof(zero_feed);
			ssize_t r = pread(spec->zp.fd, in, k, (off_t)off);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				*errstr = xasprintf(_("cannot read the "
				    "compressed payload: %s"), r < 0 ?
				    strerror(errno) : _("file too short"));
				goto out;
			}
			zs.next_in = in;
			zs.avail_in = (uInt)r;
			off += (uint64_t)r;
		}
		zs.next_out = out;
		zs.avail_out = sizeof(zero_feed);
		zrc = inflate(&zs, Z_SYNC_FLUSH);
		got = sizeof(zero_feed) - zs.avail_out;
		if ((zrc != Z_OK && zrc != Z_BUF_ERROR) || got > left)
			break;
		crc = crc32(crc, out, (uInt)got);
		left -= got;
		if (got > 0 && add_data(a, out, got) != 0)
			goto out;
		if (got == 0 && zs.avail_in == 0 && off == spec->zp.clen)
			break;
	}
	if (left != 0 || zs.avail_in != 0 || (zrc != Z_OK &&
	    zrc != Z_BUF_ERROR) || crc != spec->zp.crc) {
		*errstr = xstrdup(_("the compressed payload does not "
		    "inflate to the payload"));
		goto out;
	}
	rc = 0;
out:
	inflateEnd(&zs);
	free(in);
	free(out);
	return rc;
}

/* Adds "digest  name" of the n bytes of file; -1 if alg cannot start. */
static int
manifest_line(struct strbuf *sb, const char *file, size_t n,
    enum digest_alg alg, const char *name)
{
	struct digest *d = digest_new(alg);
	unsigned char md[DIGEST_LEN];
	char hex[2 * DIGEST_LEN + 1];

	if (d == NULL)
		return -1;
	digest_update(d, file, n);
	digest_final(d, md);
	digest_free(d);
	crypto_hex(md, DIGEST_LEN, hex);
	strbuf_addf(sb, "%s  %s\n", hex, name);
	return 0;
}

/*
 * The payload manifests man[] (SHA-256, SM3), then the tag manifests tag[]
 * over the tag files: 0, or -1 with *errstr.
 */
static int
manifests(const struct bag_spec *spec, struct strbuf man[2],
    struct strbuf tag[2], char **errstr)
{
	static const enum digest_alg algs[2] = { DIGEST_SHA256, DIGEST_SM3 };
	char hex[2 * DIGEST_LEN + 1];
	size_t i;

	for (i = 0; spec->events != NULL && i < 2; i++)
		if (manifest_line(&man[i], spec->events, spec->events_len,
		    algs[i], BAG_EVENTS) != 0) {
			*errstr = xasprintf(_("cannot set up %s with "
			    "libgcrypt"), digest_name(algs[i]));
			return -1;
		}
	crypto_hex(spec->sha256, DIGEST_LEN, hex);
	strbuf_addf(&man[0], "%s  %s\n", hex, BAG_PAYLOAD);
	crypto_hex(spec->sm3, DIGEST_LEN, hex);
	strbuf_addf(&man[1], "%s  %s\n", hex, BAG_PAYLOAD);
	for (i = 0; i < 2; i++) {
		if (manifest_line(&tag[i], spec->info, strlen(spec->info),
		    algs[i], "bag-info.txt") != 0 ||
		    manifest_line(&tag[i], bag_bagit_txt,
		    strlen(bag_bagit_txt), algs[i], "bagit.txt") != 0 ||
		    manifest_line(&tag[i], man[0].buf, man[0].len, algs[i],
		    "manifest-sha256.txt") != 0 ||
		    manifest_line(&tag[i], man[1].buf, man[1].len, algs[i],
		    "manifest-sm3.txt") != 0) {
			*errstr = xasprintf(_("cannot set up %s with "
			    "libgcrypt"), digest_name(algs[i]));
			return -1;
		}
	}
	return 0;
}

int
bag_write(const struct bag_spec *spec, int fd, unsigned char **sig,
    size_t *siglen, unsigned char out_sha256[DIGEST_LEN], char **errstr)
{
	struct strbuf man[2] = { STRBUF_INIT, STRBUF_INIT };
	struct strbuf tag[2] = { STRBUF_INIT, STRBUF_INIT };
	const unsigned char *sigp;
	struct archive *a = NULL;
	struct sink s;
	size_t i, sign;
	int rc = -1;

	*sig = NULL;
	*siglen = 0;
	*errstr = NULL;
	memset(&s, 0, sizeof(s));
	if (manifests(spec, man, tag, errstr) != 0)
		goto out;
	if (spec->sig != NULL) {
		sigp = spec->sig;
		sign = spec->siglen;
	} else {
		char *e;

		if (crypto_sm2_sign(spec->priv_pem, tag[1].buf, tag[1].len,
		    sig, siglen, &e) != 0) {
			*errstr = xasprintf(_("cannot sign the batch: %s"), e);
			free(e);
			goto out;
		}
		sigp = *sig;
		sign = *siglen;
	}

	s.fd = fd;
	s.spec = spec;
	/* bag-info.txt, bagit.txt, then the payload's header (bag.h). */
	s.pstart = tar_member_len(strlen(spec->info)) +
	    tar_member_len(strlen(bag_bagit_txt)) + TAR_BLOCK;
	if (spec->events != NULL)
		s.pstart += tar_member_len(spec->events_len);
	s.pend = s.pstart + spec->payload_len;
	if ((s.sha = digest_new(DIGEST_SHA256)) == NULL ||
	    (s.z = pgzip_new(6, 0, sink_write, &s)) == NULL) {
		*errstr = xasprintf(_("cannot start compressing: %s"),
		    strerror(errno));
		goto out;
	}
	a = archive_write_new();
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_open(a, &s, NULL, archive_cb, NULL) !=
	    ARCHIVE_OK)
		goto aerr;
	if (add_member(a, spec, "bag-info.txt", spec->info,
	    strlen(spec->info)) != 0 ||
	    add_member(a, spec, "bagit.txt", bag_bagit_txt,
	    strlen(bag_bagit_txt)) != 0 ||
	    (spec->events != NULL && add_member(a, spec, BAG_EVENTS,
	    spec->events, spec->events_len) != 0) ||
	    add_payload(a, spec, errstr) != 0 ||
	    add_member(a, spec, "manifest-sha256.txt", man[0].buf,
	    man[0].len) != 0 ||
	    add_member(a, spec, "manifest-sm3.txt", man[1].buf,
	    man[1].len) != 0 ||
	    add_member(a, spec, "signature.sm2", sigp, sign) != 0 ||
	    add_member(a, spec, "tagmanifest-sha256.txt", tag[0].buf,
	    tag[0].len) != 0 ||
	    add_member(a, spec, "tagmanifest-sm3.txt", tag[1].buf,
	    tag[1].len) != 0 ||
	    archive_write_close(a) != ARCHIVE_OK)
		goto aerr;
	if (!s.reached || s.seen < s.pend) {
		*errstr = xasprintf(_("cannot write the archive: %s"),
		    "the payload never reached the tar stream");
		goto out;
	}
	if (pgzip_finish(s.z) != 0) {
		*errstr = xasprintf("%s", pgzip_errstr(s.z));
		goto out;
	}
	digest_final(s.sha, out_sha256);
	rc = 0;
	goto out;
aerr:
	if (*errstr == NULL)
		*errstr = xasprintf(_("cannot write the archive: %s"),
		    archive_error_string(a) != NULL ?
		    archive_error_string(a) : _("unknown error"));
out:
	if (a != NULL)
		archive_write_free(a);
	pgzip_free(s.z);
	digest_free(s.sha);
	for (i = 0; i < 2; i++) {
		strbuf_release(&man[i]);
		strbuf_release(&tag[i]);
	}
	if (rc != 0) {
		free(*sig);
		*sig = NULL;
		*siglen = 0;
	}
	return rc;
}

/* Tag files. */

static int
tag_err(char **errstr, size_t line, const char *what)
{
	*errstr = xasprintf(_("line %zu: %s"), line, what);
	return -1;
}

int
bag_tags_parse(const char *text, size_t len, struct bag_tags *out,
    char **errstr)
{
	const char *p = text, *end = text + len;
	size_t line = 0;

	out->v = NULL;
	out->n = 0;
	if (memchr(text, '\0', len) != NULL)
		return tag_err(errstr, 1, _("NUL byte in a tag file"));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end, *colon;
		size_t n;

		line++;
		n = (size_t)(e - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0) {
			p = nl != NULL ? nl + 1 : end;
			continue;
		}
		if (p[0] == ' ' || p[0] == '\t') {
			struct bag_tag *t;
			char *v;
			size_t k = 0;

			if (out->n == 0)
				goto bad;
			while (k < n && (p[k] == ' ' || p[k] == '\t'))
				k++;
			t = &out->v[out->n - 1];
			v = xasprintf("%s%s%.*s", t->value,
			    *t->value != '\0' ? " " : "", (int)(n - k), p + k);
			free(t->value);
			t->value = v;
		} else {
			struct bag_tag *t;
			const char *v;

			colon = memchr(p, ':', n);
			if (colon == NULL || colon == p) {
				bag_tags_release(out);
				return tag_err(errstr, line,
				    "not a \"Label: value\" line");
			}
			v = colon + 1;
			while (v < p + n && (*v == ' ' || *v == '\t'))
				v++;
			out->v = xreallocarray(out->v, out->n + 1,
			    sizeof(*out->v));
			t = &out->v[out->n++];
			t->label = xstrndup(p, (size_t)(colon - p));
			t->value = xstrndup(v, (size_t)(p + n - v));
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return 0;
bad:
	bag_tags_release(out);
	return tag_err(errstr, line, _("continuation line without a label"));
}

const char *
bag_tags_get(const struct bag_tags *t, const char *label)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].label, label) == 0)
			return t->v[i].value;
	return NULL;
}

void
bag_tags_release(struct bag_tags *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].label);
		free(t->v[i].value);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

int
bag_path_safe(const char *path)
{
	const char *p = path;

	if (*p == '\0' || *p == '/')
		return 0;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash != NULL ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	for (p = path; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	return 1;
}

int
bag_manifest_parse(const char *text, size_t len, struct bag_manifest *out,
    char **errstr)
{
	const char *p = text, *end = text + len;
	size_t line = 0, i;

	out->v = NULL;
	out->n = 0;
	if (memchr(text, '\0', len) != NULL)
		return tag_err(errstr, 1, _("NUL byte in a manifest"));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end, *q;
		struct bag_entry ent;
		char hex[2 * DIGEST_LEN + 1];
		size_t n;

		line++;
		n = (size_t)(e - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0) {
			p = nl != NULL ? nl + 1 : end;
			continue;
		}
		if (n < 2 * DIGEST_LEN + 2 ||
		    (p[2 * DIGEST_LEN] != ' ' && p[2 * DIGEST_LEN] != '\t'))
			goto bad;
		memcpy(hex, p, 2 * DIGEST_LEN);
		hex[2 * DIGEST_LEN] = '\0';
		if (crypto_unhex(hex, ent.digest, DIGEST_LEN) != 0)
			goto bad;
		q = p + 2 * DIGEST_LEN;
		while (q < p + n && (*q == ' ' || *q == '\t'))
			q++;
		/* sha256sum's binary-mode marker */
		if (q < p + n && *q == '*' && q == p + 2 * DIGEST_LEN + 1)
			q++;
		ent.path = xstrndup(q, (size_t)(p + n - q));
		if (!bag_path_safe(ent.path)) {
			free(ent.path);
			bag_manifest_release(out);
			return tag_err(errstr, line, _("unsafe path"));
		}
		for (i = 0; i < out->n; i++)
			if (strcmp(out->v[i].path, ent.path) == 0) {
				free(ent.path);
				bag_manifest_release(out);
				return tag_err(errstr, line,
				    _("file listed twice"));
			}
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = ent;
		p = nl != NULL ? nl + 1 : end;
	}
	return 0;
bad:
	bag_manifest_release(out);
	return tag_err(errstr, line, _("not a \"digest  path\" line"));
}

void
bag_manifest_release(struct bag_manifest *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
