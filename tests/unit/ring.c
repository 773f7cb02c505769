/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the ring: one thread sees its items back in order and a
 * full ring refuses nothing but waits; closing lets the consumers drain
 * what is left, then get NULL, and makes later puts fail; closing wakes
 * a consumer blocked on an empty ring and a producer blocked on a full
 * one; with several producers and consumers on a small ring every item
 * comes out exactly once and each producer's items in the order it put
 * them.  ring_try_get() does not wait: NULL on an empty ring.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ring.h"
#include "tap.h"
#include "banned.h"

#define NPROD	4
#define NCONS	3
#define PER	20000		/* items per producer */

/* Items are small integers cast to pointers; 0 is never used. */
#define ITEM(p, i)	((void *)(uintptr_t)((p) * PER + (i) + 1))
#define PROD(x)		(((uintptr_t)(x) - 1) / PER)
#define SEQ(x)		(((uintptr_t)(x) - 1) % PER)

struct prod {
	struct ring *r;
	int id;
	int refused;
};

struct cons {
	struct ring *r;
	unsigned char *seen;	/* NPROD * PER counters */
	long got;
	int disorder;		/* a producer's items out of order */
};

static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;

static void *
producer(void *arg)
{
	struct prod *p = arg;
	int i;

	for (i = 0; i < PER; i++)
		if (ring_put(p->r, ITEM(p->id, i)) != 0)
			p->refused++;
	return NULL;
}

static void *
consumer(void *arg)
{
	struct cons *c = arg;
	long last[NPROD];
	void *x;
	int i;

	for (i = 0; i < NPROD; i++)
		last[i] = -1;
	while ((x = ring_get(c->r)) != NULL) {
		uintptr_t p = PROD(x), s = SEQ(x);

		if ((long)s <= last[p])
			c->disorder++;
		last[p] = (long)s;
		pthread_mutex_lock(&seen_mu);
		c->seen[(uintptr_t)x - 1]++;
		pthread_mutex_unlock(&seen_mu);
		c->got++;
	}
	return NULL;
}

static void
test_single(void)
{
	struct ring *r = ring_new(4);
	int i, order = 1;

	for (i = 0; i < 4; i++)
		ring_put(r, ITEM(0, i));
	for (i = 0; i < 4; i++)
		if (ring_get(r) != ITEM(0, i))
			order = 0;
	ok(order, "single thread: items come back in order");

	/* Wrap around the end of the array several times. */
	for (i = 0; i < 10; i++) {
		ring_put(r, ITEM(0, i));
		ring_put(r, ITEM(0, i + 100));
		if (ring_get(r) != ITEM(0, i) ||
		    ring_get(r) != ITEM(0, i + 100))
			order = 0;
	}
	ok(order, "single thread: order kept across the wrap");

	ok(ring_try_get(r) == NULL, "try_get on an empty ring is NULL");
	ring_put(r, ITEM(0, 5));
	ok(ring_try_get(r) == ITEM(0, 5), "try_get takes what is there");

	ring_put(r, ITEM(0, 1));
	ring_put(r, ITEM(0, 2));
	ring_close(r);
	is_int(ring_put(r, ITEM(0, 3)), -1, "put after close fails");
	ok(ring_get(r) == ITEM(0, 1) && ring_get(r) == ITEM(0, 2),
	    "get after close drains what is left");
	ok(ring_get(r) == NULL, "get on a closed empty ring is NULL");
	ok(ring_get(r) == NULL, "and stays NULL");
	ring_close(r);
	ok(1, "closing twice is harmless");
	ring_free(r);

	r = ring_new(0);
	ring_put(r, ITEM(0, 7));
	ok(ring_get(r) == ITEM(0, 7), "a ring of 0 slots holds one item");
	ring_free(r);
	ring_free(NULL);
}

static void *
get_one(void *arg)
{
	return ring_get(arg);
}

static void *
put_one(void *arg)
{
	return (void *)(intptr_t)ring_put(arg, ITEM(0, 9));
}

static void
test_close_wakes(void)
{
	struct ring *r = ring_new(1);
	pthread_t t;
	void *res = ITEM(0, 0);

	pthread_create(&t, NULL, get_one, r);
	usleep(20000);
	ring_close(r);
	pthread_join(t, &res);
	ok(res == NULL, "close wakes a consumer blocked on an empty ring");
	ring_free(r);

	r = ring_new(1);
	ring_put(r, ITEM(0, 1));
	pthread_create(&t, NULL, put_one, r);
	usleep(20000);
	ring_close(r);
	pthread_join(t, &res);
	is_int((intptr_t)res, -1,
	    "close wakes a producer blocked on a full ring; its put fails");
	ok(ring_get(r) == ITEM(0, 1) && ring_get(r) == NULL,
	    "the item put before the close is still there, and no other");
	ring_free(r);
}

static void
test_many(size_t nslots)
{
	struct ring *r = ring_new(nslots);
	struct prod p[NPROD];
	struct cons c[NCONS];
	pthread_t tp[NPROD], tc[NCONS];
	unsigned char *seen = calloc(NPROD * PER, 1);
	long got = 0, once = 0;
	int i, refused = 0, disorder = 0;
	char what[96];

	for (i = 0; i < NCONS; i++) {
		c[i] = (struct cons){ r, seen, 0, 0 };
		pthread_create(&tc[i], NULL, consumer, &c[i]);
	}
	for (i = 0; i < NPROD; i++) {
		p[i] = (struct prod){ r, i, 0 };
		pthread_create(&tp[i], NULL, producer, &p[i]);
	}
	for (i = 0; i < NPROD; i++) {
		pthread_join(tp[i], NULL);
		refused += p[i].refused;
	}
	ring_close(r);
	for (i = 0; i < NCONS; i++) {
		pthread_join(tc[i], NULL);
		got += c[i].got;
		disorder += c[i].disorder;
	}
	for (i = 0; i < NPROD * PER; i++)
		once += seen[i] == 1;

	snprintf(what, sizeof(what), "%d producers, %d consumers, %zu slots: "
	    "no put refused", NPROD, NCONS, nslots);
	is_int(refused, 0, what);
	snprintf(what, sizeof(what), "%zu slots: every item got once "
	    "(none lost, none twice)", nslots);
	is_int(got, NPROD * PER, what);
	is_int(once, NPROD * PER, what);
	snprintf(what, sizeof(what), "%zu slots: each producer's items in "
	    "order", nslots);
	is_int(disorder, 0, what);
	free(seen);
	ring_free(r);
}

int
main(void)
{
	test_single();
	test_close_wakes();
	test_many(1);
	test_many(3);
	test_many(64);
	return tap_done();
}
