/* SPDX-License-Identifier: ISC */
/*
 * Parallel gzip writer, after pigz: the input is cut into fixed 128 KiB
 * blocks, each compressed by zlib's deflate on a pool of threads with the
 * previous block's last 32 KiB as its dictionary, so the ratio stays that
 * of one deflate stream.  Every block but the last ends with a sync flush
 * (byte aligned), the last with the final block; the pieces are written
 * in order as one standard gzip member (RFC 1952) whose CRC-32 is
 * combined from the blocks' (crc32_combine).  Block boundaries depend
 * only on the input offsets, never on thread timing, so the same input
 * gives the same bytes: the output is deterministic.  The header carries
 * no name and a zero time stamp (as gzip -n writes it).
 *
 * Compressed bytes go to a caller's write function, in order, from the
 * thread that calls pgzip_write() or pgzip_finish().  Functions return 0
 * or -1; after -1 the object only accepts pgzip_free(), and
 * pgzip_errstr() says what failed.
 */
#ifndef HCP_PGZIP_H
#define HCP_PGZIP_H

#include <stddef.h>
#include <stdint.h>

#define PGZIP_BLOCK (128 * 1024)

/* Writes n bytes; returns 0, or -1 (errno set) to stop the stream. */
typedef int (*pgzip_write_fn)(void *arg, const void *buf, size_t n);

struct pgzip;

/*
 * Starts a gzip member at the given zlib level (1-9) using nthreads
 * compressing threads (0: one per online CPU, at least 2).  Returns NULL
 * only if a thread cannot be started (errno set).
 */
struct pgzip *pgzip_new(int level, int nthreads, pgzip_write_fn fn,
    void *arg);
/* Adds n bytes of input. */
int pgzip_write(struct pgzip *z, const void *buf, size_t n);
/* Compresses what is left and writes the trailer. */
int pgzip_finish(struct pgzip *z);
/* Stops the threads and frees; NULL is allowed. */
void pgzip_free(struct pgzip *z);
/* Input and output byte counts so far. */
uint64_t pgzip_total_in(const struct pgzip *z);
uint64_t pgzip_total_out(const struct pgzip *z);
const char *pgzip_errstr(const struct pgzip *z);

#endif
