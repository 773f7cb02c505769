/* SPDX-License-Identifier: ISC */
/*
 * The bounded blocking queue of ring.h: a circular array of pointers
 * under one mutex, with one condition variable for "not full" (waited on
 * by producers) and one for "not empty" (waited on by consumers).
 */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

#include "ring.h"
#include "xalloc.h"
#include "banned.h"

struct ring {
	pthread_mutex_t mu;
	pthread_cond_t notfull;
	pthread_cond_t notempty;
	void **slot;
	size_t nslots;
	size_t head;		/* next slot to get */
	size_t count;		/* items held */
	int closed;
};

struct ring *
ring_new(size_t nslots)
{
	struct ring *r = xcalloc(1, sizeof(*r));

	if (nslots == 0)
		nslots = 1;
	r->slot = xreallocarray(NULL, nslots, sizeof(*r->slot));
	r->nslots = nslots;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->notfull, NULL);
	pthread_cond_init(&r->notempty, NULL);
	return r;
}

void
ring_free(struct ring *r)
{
	if (r == NULL)
		return;
	pthread_cond_destroy(&r->notempty);
	pthread_cond_destroy(&r->notfull);
	pthread_mutex_destroy(&r->mu);
	free(r->slot);
	free(r);
}

int
ring_put(struct ring *r, void *item)
{
	assert(item != NULL);
	pthread_mutex_lock(&r->mu);
	while (r->count == r->nslots && !r->closed)
		pthread_cond_wait(&r->notfull, &r->mu);
	if (r->closed) {
		pthread_mutex_unlock(&r->mu);
		return -1;
	}
	r->slot[(r->head + r->count) % r->nslots] = item;
	r->count++;
	pthread_cond_signal(&r->notempty);
	pthread_mutex_unlock(&r->mu);
	return 0;
}

/* Takes the oldest item, if any.  Called locked. */
static void *
take(struct ring *r)
{
	void *item;

	if (r->count == 0)
		return NULL;
	item = r->slot[r->head];
	r->head = (r->head + 1) % r->nslots;
	r->count--;
	pthread_cond_signal(&r->notfull);
	return item;
}

void *
ring_get(struct ring *r)
{
	void *item;

	pthread_mutex_lock(&r->mu);
	while (r->count == 0 && !r->closed)
		pthread_cond_wait(&r->notempty, &r->mu);
	item = take(r);
	pthread_mutex_unlock(&r->mu);
	return item;
}

void *
ring_try_get(struct ring *r)
{
	void *item;

	pthread_mutex_lock(&r->mu);
	item = take(r);
	pthread_mutex_unlock(&r->mu);
	return item;
}

void
ring_close(struct ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->closed = 1;
	pthread_cond_broadcast(&r->notfull);
	pthread_cond_broadcast(&r->notempty);
	pthread_mutex_unlock(&r->mu);
}
