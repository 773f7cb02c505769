/* SPDX-License-Identifier: ISC */
/*
 * A bounded blocking queue of pointers: the one hand-off between
 * producer and consumer threads.  Any number of threads may put and get
 * at once; items come out in the order they went in (per ring, FIFO).
 *
 * The ring never owns its items: it stores the pointers and hands them
 * back.  ring_close() says no more items come: later puts fail, gets
 * drain what is left and then return NULL, and every blocked thread
 * wakes.  NULL cannot be put (a get could not tell it from the end).
 * Allocation failure dies (xalloc.h); nothing else can fail.
 */
#ifndef HCP_RING_H
#define HCP_RING_H

#include <stddef.h>

struct ring;

/* A ring of nslots slots (at least 1). */
struct ring *ring_new(size_t nslots);
/* Frees the ring, not its items; no thread may be using it. */
void ring_free(struct ring *r);
/* Appends item (not NULL), waiting while the ring is full; 0, or -1 once
 * the ring is closed (the item was not taken). */
int ring_put(struct ring *r, void *item);
/* The oldest item, waiting while the ring is empty and open; NULL once
 * the ring is closed and empty. */
void *ring_get(struct ring *r);
/* The oldest item without waiting; NULL if the ring is empty. */
void *ring_try_get(struct ring *r);
/* No more puts; wakes every waiting thread.  Idempotent. */
void ring_close(struct ring *r);

#endif
