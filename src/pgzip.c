/* SPDX-License-Identifier: ISC */
/*
 * Parallel gzip writer (see pgzip.h).  Jobs live in an array used round
 * robin; the caller's thread fills them and puts them on the work ring,
 * the workers take them from it in order of submission, compress them
 * and put them on the done ring, and the caller takes them from there
 * and writes them out in order.  A job belongs to one thread at a time
 * (the rings hand it over), so only the rings lock.  A splice waits
 * until every job before it was written, then copies the run out on the
 * caller's thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "i18n.h"
#include "pgzip.h"
#include "ring.h"
#include "xalloc.h"
#include "banned.h"

#define DICT_LEN 32768
#define SPLICE_BUF (256 * 1024)

/* As the caller sees a job; workers do not touch it. */
enum job_state {
	JOB_FREE,	/* may be filled */
	JOB_FILLING,	/* the caller is adding input */
	JOB_QUEUED,	/* on the work ring, with a worker or on the done ring */
	JOB_DONE	/* taken back from the done ring, waiting to be written */
};

struct job {
	enum job_state state;
	int last;		/* ends the stream (Z_FINISH) */
	int failed;
	unsigned char *in;	/* DICT_LEN of dictionary, then the block */
	size_t dictlen, inlen;	/* inlen counts block bytes only */
	unsigned char *out;
	size_t outlen, outcap;
	uLong crc;
};

struct pgzip {
	struct ring *work;	/* jobs to compress, in order */
	struct ring *done;	/* jobs compressed, in any order */
	pthread_t *threads;
	int nthreads, level, broken;
	int raw;		/* no header, trailer or final block */
	int fresh;		/* the next job starts without dictionary */
	struct job *ring;
	size_t nring;
	uint64_t next_fill;	/* seq of the job being filled */
	uint64_t next_out;	/* seq to write next */
	struct job *cur;	/* being filled, or NULL */
	pgzip_write_fn fn;
	void *arg;
	uLong crc;
	uint64_t total_in, total_out;
	int header_done, finished;
	char errstr[160];
};

static int
fail(struct pgzip *z, const char *what)
{
	if (z->errstr[0] == '\0')
		snprintf(z->errstr, sizeof(z->errstr), "%s", what);
	z->broken = 1;
	return -1;
}

/* Compresses one job with the worker's stream.  Runs unlocked. */
static void
compress_job(z_stream *s, struct job *j)
{
	int flush = j->last ? Z_FINISH : Z_SYNC_FLUSH, rc;

	j->crc = crc32(0L, j->in + DICT_LEN, (uInt)j->inlen);
	if (deflateReset(s) != Z_OK) {
		j->failed = 1;
		return;
	}
	if (j->dictlen > 0 && deflateSetDictionary(s,
	    j->in + DICT_LEN - j->dictlen, (uInt)j->dictlen) != Z_OK) {
		j->failed = 1;
		return;
	}
	s->next_in = j->in + DICT_LEN;
	s->avail_in = (uInt)j->inlen;
	j->outlen = 0;
	for (;;) {
		if (j->outlen == j->outcap) {
			j->outcap *= 2;
			j->out = xrealloc(j->out, j->outcap);
		}
		s->next_out = j->out + j->outlen;
		s->avail_out = (uInt)(j->outcap - j->outlen);
		rc = deflate(s, flush);
		j->outlen = j->outcap - s->avail_out;
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			j->failed = 1;
			return;
		}
		/* Sync flush is complete once output space is left. */
		if (flush == Z_SYNC_FLUSH && s->avail_out > 0 &&
		    s->avail_in == 0)
			break;
	}
}

static void *
worker(void *arg)
{
	struct pgzip *z = arg;
	struct job *j;
	z_stream s;
	int ok;

	memset(&s, 0, sizeof(s));
	ok = deflateInit2(&s, z->level, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) == Z_OK;
	/* The done ring has a slot for every job: the put never waits. */
	while ((j = ring_get(z->work)) != NULL) {
		if (ok)
			compress_job(&s, j);
		else
			j->failed = 1;
		ring_put(z->done, j);
	}
	if (ok)
		deflateEnd(&s);
	return NULL;
}

static int
emit(struct pgzip *z, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (z->fn(z->arg, p, n) != 0) {
		snprintf(z->errstr, sizeof(z->errstr), "%s", strerror(errno));
		z->broken = 1;
		return -1;
	}
	z->total_out += n;
	return 0;
}

static int
write_header(struct pgzip *z)
{
	unsigned char h[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };

	if (z->level == 9)
		h[8] = 2;
	else if (z->level == 1)
		h[8] = 4;
	z->header_done = 1;
	return emit(z, h, sizeof(h));
}

/*
 * Writes out finished jobs in order.  With wait set, blocks until the job
 * of sequence number upto has been written; else writes only what is
 * finished already.
 */
static int
drain(struct pgzip *z, int wait, uint64_t upto)
{
	while (z->next_out < z->next_fill) {
		struct job *j = &z->ring[z->next_out % z->nring], *d;

		if (j->state != JOB_DONE) {
			if (wait && z->next_out <= upto)
				d = ring_get(z->done);
			else
				d = ring_try_get(z->done);
			if (d == NULL)
				return 0;
			d->state = JOB_DONE;
			continue;
		}
		if (j->failed)
			return fail(z, _("deflate failed"));
		if (emit(z, j->out, j->outlen) != 0)
			return -1;
		z->crc = crc32_combine(z->crc, j->crc, (z_off_t)j->inlen);
		j->state = JOB_FREE;
		z->next_out++;
	}
	return 0;
}

/* Takes the next ring slot for filling, seeding its dictionary. */
static int
start_job(struct pgzip *z)
{
	struct job *j = &z->ring[z->next_fill % z->nring];
	struct job *prev = NULL;

	if (z->next_fill > 0 && !z->fresh)
		prev = &z->ring[(z->next_fill - 1) % z->nring];
	z->fresh = 0;
	if (z->next_fill >= z->nring &&
	    drain(z, 1, z->next_fill - z->nring) != 0)
		return -1;
	/* The previous job's input stays intact until its slot refills. */
	j->dictlen = 0;
	if (prev != NULL) {
		size_t have = prev->dictlen + prev->inlen, n;

		n = have < DICT_LEN ? have : DICT_LEN;
		memcpy(j->in + DICT_LEN - n,
		    prev->in + DICT_LEN + prev->inlen - n, n);
		j->dictlen = n;
	}
	j->state = JOB_FILLING;
	j->inlen = 0;
	j->last = 0;
	j->failed = 0;
	z->cur = j;
	return 0;
}

static void
submit(struct pgzip *z)
{
	z->cur->state = JOB_QUEUED;
	z->next_fill++;
	/* The work ring has a slot for every job: the put never waits. */
	ring_put(z->work, z->cur);
	z->cur = NULL;
	/* Write whatever is already finished, without waiting. */
	(void)drain(z, 0, UINT64_MAX);
}

static struct pgzip *
start(int level, int nthreads, int raw, pgzip_write_fn fn, void *arg)
{
	struct pgzip *z;
	size_t i;
	int t;

	if (nthreads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		nthreads = n < 2 ? 2 : n > 64 ? 64 : (int)n;
	}
	z = xcalloc(1, sizeof(*z));
	z->level = level < 1 || level > 9 ? 6 : level;
	z->raw = raw;
	z->fn = fn;
	z->arg = arg;
	z->crc = crc32(0L, Z_NULL, 0);
	/*
	 * Eight blocks a thread (1 MiB of input each, about 5 MiB of
	 * buffers for two threads): with two blocks a thread the caller
	 * could not run far enough ahead while it shares the processors with
	 * the compressors and a digest thread, and 5% of a 1M-record pack
	 * was idle processor time; with eight, 1%, and the pack 8% faster.
	 */
	z->nring = (size_t)nthreads * 8 + 2;
	z->ring = xcalloc(z->nring, sizeof(*z->ring));
	for (i = 0; i < z->nring; i++) {
		z->ring[i].in = xmalloc(DICT_LEN + PGZIP_BLOCK);
		z->ring[i].outcap = PGZIP_BLOCK + PGZIP_BLOCK / 16 + 1024;
		z->ring[i].out = xmalloc(z->ring[i].outcap);
	}
	z->work = ring_new(z->nring);
	z->done = ring_new(z->nring);
	z->threads = xcalloc((size_t)nthreads, sizeof(*z->threads));
	for (t = 0; t < nthreads; t++) {
		if ((errno = pthread_create(&z->threads[t], NULL, worker,
		    z)) != 0) {
			z->nthreads = t;
			pgzip_free(z);
			return NULL;
		}
		z->nthreads = t + 1;
	}
	return z;
}

struct pgzip *
pgzip_new(int level, int nthreads, pgzip_write_fn fn, void *arg)
{
	return start(level, nthreads, 0, fn, arg);
}

struct pgzip *
pgzip_new_raw(int level, int nthreads, pgzip_write_fn fn, void *arg)
{
	return start(level, nthreads, 1, fn, arg);
}

int
pgzip_write(struct pgzip *z, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (z->broken || z->finished)
		return fail(z, _("write after end of stream"));
	if (!z->raw && !z->header_done && write_header(z) != 0)
		return -1;
	while (n > 0) {
		size_t room, k;

		if (z->cur == NULL && start_job(z) != 0)
			return -1;
		room = PGZIP_BLOCK - z->cur->inlen;
		k = n < room ? n : room;
		memcpy(z->cur->in + DICT_LEN + z->cur->inlen, p, k);
		z->cur->inlen += k;
		z->total_in += k;
		p += k;
		n -= k;
		if (z->cur->inlen == PGZIP_BLOCK) {
			submit(z);
			if (z->broken)
				return -1;
		}
	}
	return 0;
}

/* Submits the job being filled, if any, and writes out every job. */
static int
flush_all(struct pgzip *z)
{
	if (z->cur != NULL) {
		submit(z);
		if (z->broken)
			return -1;
	}
	return z->next_fill > 0 ? drain(z, 1, z->next_fill - 1) : 0;
}

int
pgzip_splice(struct pgzip *z, int fd, uint64_t clen, uint32_t crc,
    uint64_t len)
{
	unsigned char *buf;
	uint64_t off = 0;

	if (z->broken || z->finished)
		return fail(z, _("splice after end of stream"));
	if (!z->raw && !z->header_done && write_header(z) != 0)
		return -1;
	/* Every job so far ends with a sync flush: the output is aligned. */
	if (flush_all(z) != 0)
		return -1;
	buf = xmalloc(SPLICE_BUF);
	while (off < clen) {
		size_t k = clen - off < SPLICE_BUF ? (size_t)(clen - off) :
		    SPLICE_BUF;
		ssize_t r = pread(fd, buf, k, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(z->errstr, sizeof(z->errstr), _("cannot read "
			    "the deflate run to splice in: %s"), r < 0 ?
			    strerror(errno) : _("file too short"));
			z->broken = 1;
			free(buf);
			return -1;
		}
		if (emit(z, buf, (size_t)r) != 0) {
			free(buf);
			return -1;
		}
		off += (uint64_t)r;
	}
	free(buf);
	z->crc = crc32_combine(z->crc, crc, (z_off_t)len);
	z->total_in += len;
	/* No match may reach back across the run. */
	z->fresh = 1;
	return 0;
}

int
pgzip_finish(struct pgzip *z)
{
	unsigned char t[8];
	int i;

	if (z->broken || z->finished)
		return fail(z, _("finish after end of stream"));
	if (z->raw) {
		/* Every block ends with a sync flush; none is final. */
		if (flush_all(z) != 0)
			return -1;
		z->finished = 1;
		return 0;
	}
	if (!z->header_done && write_header(z) != 0)
		return -1;
	/* The final block, possibly empty, carries the end marker. */
	if (z->cur == NULL && start_job(z) != 0)
		return -1;
	z->cur->last = 1;
	if (flush_all(z) != 0)
		return -1;
	for (i = 0; i < 4; i++) {
		t[i] = (unsigned char)(z->crc >> (8 * i));
		t[4 + i] = (unsigned char)(z->total_in >> (8 * i));
	}
	z->finished = 1;
	return emit(z, t, sizeof(t));
}

void
pgzip_free(struct pgzip *z)
{
	size_t i;
	int t;

	if (z == NULL)
		return;
	/* The workers compress what is queued still, then end. */
	ring_close(z->work);
	for (t = 0; t < z->nthreads; t++)
		pthread_join(z->threads[t], NULL);
	for (i = 0; i < z->nring; i++) {
		free(z->ring[i].in);
		free(z->ring[i].out);
	}
	free(z->ring);
	free(z->threads);
	ring_free(z->work);
	ring_free(z->done);
	free(z);
}

uint64_t
pgzip_total_in(const struct pgzip *z)
{
	return z->total_in;
}

uint64_t
pgzip_total_out(const struct pgzip *z)
{
	return z->total_out;
}

uint32_t
pgzip_crc(const struct pgzip *z)
{
	return (uint32_t)z->crc;
}

const char *
pgzip_errstr(const struct pgzip *z)
{
	return z->errstr;
}
