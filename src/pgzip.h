/* SPDX-License-Identifier: ISC */
/*
 * Parallel gzip writer, after pigz: the input is cut into fixed 128 KiB
 * blocks, each compressed by zlib's deflate on a pool of threads with the
 * previous block's last 32 KiB as its dictionary, so the ratio stays that
 * of one deflate stream.  Every block but the last ends with a sync flush
 * (byte aligned), the last with the final block; the pieces are written
 * in order as one standard gzip member (RFC 1952) whose CRC-32 is
 * combined from the blocks' (crc32_combine).  Block boundaries depend
 * only on the input offsets (and where a run is spliced in), never on
 * thread timing, so the same input gives the same bytes: the output is
 * deterministic.  The header carries
 * no name and a zero time stamp (as gzip -n writes it).
 *
 * A raw stream (pgzip_new_raw) is the same run of blocks without header,
 * trailer or final block: every block, the last too, ends with a sync
 * flush, so the output is byte aligned deflate that may stand in the
 * middle of another deflate stream.  pgzip_splice() puts such a run into
 * a gzip member at the current input offset: the block being filled is
 * ended there (sync flush), the run is copied out as it is, and the
 * blocks after it start afresh, with no dictionary, since no match may
 * reach back across it.  The member stays one standard gzip member, and
 * the same input and run still give the same bytes.
 *
 * Compressed bytes go to a caller's write function, in order, from the
 * thread that calls pgzip_write(), pgzip_splice() or pgzip_finish().
 * Functions return 0 or -1; after -1 the object only accepts
 * pgzip_free(), and pgzip_errstr() says what failed.
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
/*
 * Starts a raw stream: as pgzip_new() but no gzip header or trailer, and
 * no final block (see above).  Empty input gives no output at all.
 */
struct pgzip *pgzip_new_raw(int level, int nthreads, pgzip_write_fn fn,
    void *arg);
/* Adds n bytes of input. */
int pgzip_write(struct pgzip *z, const void *buf, size_t n);
/*
 * Ends the block being filled at the current input offset, then writes
 * clen bytes of raw stream (pgzip_new_raw) read from fd at offsets 0 to
 * clen with pread(), in order, as if its len bytes of input, whose CRC-32
 * is crc, had been written here.
 */
int pgzip_splice(struct pgzip *z, int fd, uint64_t clen, uint32_t crc,
    uint64_t len);
/* Compresses what is left and writes the trailer, if any. */
int pgzip_finish(struct pgzip *z);
/* Stops the threads and frees; NULL is allowed. */
void pgzip_free(struct pgzip *z);
/* Input and output byte counts so far. */
uint64_t pgzip_total_in(const struct pgzip *z);
uint64_t pgzip_total_out(const struct pgzip *z);
/* The CRC-32 of all input, once pgzip_finish() returned 0. */
uint32_t pgzip_crc(const struct pgzip *z);
const char *pgzip_errstr(const struct pgzip *z);

#endif
