/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the key table of src/keyset.c: every key put is found
 * with its hash and line after the table grew in place (by doubling, and
 * by the announced sizes of a batch), no absent key is found, replacing a
 * key keeps the count, and an announced batch of two keys a record grows
 * once, to the size the records can need.
 */
#include <stdint.h>
#include <stdio.h>

#include "keyset.h"
#include "tap.h"
#include "banned.h"

static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Puts n keys from seed, then checks them all and n absent ones. */
static void
fill_and_check(struct keyset *s, size_t n, uint64_t seed, const char *what)
{
	uint64_t x = seed, k;
	size_t i, bad = 0, ghost = 0;
	const struct keyset_entry *e;
	char msg[128];

	for (i = 0; i < n; i++)
		keyset_put(s, rnd(&x) | 1, (uint32_t)i, (long)i + 2);
	x = seed;
	for (i = 0; i < n; i++) {
		k = rnd(&x) | 1;
		e = keyset_find(s, k);
		if (e == NULL || e->hash != (uint32_t)i ||
		    e->line != (uint32_t)i + 2)
			bad++;
	}
	for (i = 0; i < n; i++)
		if (keyset_find(s, rnd(&x) & ~(uint64_t)1) != NULL)
			ghost++;
	snprintf(msg, sizeof(msg), "%s: %zu keys found with hash and line",
	    what, n);
	is_int((long long)bad, 0, msg);
	snprintf(msg, sizeof(msg), "%s: no absent key found", what);
	is_int((long long)ghost, 0, msg);
	snprintf(msg, sizeof(msg), "%s: %zu keys counted", what, n);
	is_int((long long)s->n, (long long)n, msg);
}

int
main(void)
{
	struct keyset s;
	size_t i, cap;
	uint64_t x = 99;

	keyset_init(&s);
	ok(keyset_find(&s, 42) == NULL, "an empty set finds nothing");
	fill_and_check(&s, 300000, 7, "doubling");
	ok(s.n * 2 <= s.cap, "unannounced: at most half full");
	keyset_put(&s, 12345, 1, 3);
	keyset_put(&s, 12345, 9, 30);
	is_int((long long)keyset_find(&s, 12345)->line, 30,
	    "a key put again is replaced");
	is_int((long long)s.n, 300001, "and counted once");
	keyset_clear(&s);

	/* a batch of 100,000 records of one key: sized once, never grown */
	keyset_init(&s);
	keyset_expect(&s, 100000);
	cap = s.cap;
	ok(cap >= 100000 * 8 / 7 && cap < 100000 * 8 / 7 + 2,
	    "announced: one key a record, at most 7/8 full");
	for (i = 0; i < 100000; i++) {
		keyset_put(&s, rnd(&x) | 1, 0, (long)i);
		keyset_record_done(&s);
	}
	is_int((long long)s.cap, (long long)cap, "one key a record: no growth");
	keyset_clear(&s);

	/* 100,000 records of two keys: grows once, to what they need */
	keyset_init(&s);
	keyset_expect(&s, 100000);
	x = 5;
	for (i = 0; i < 100000; i++) {
		keyset_put(&s, rnd(&x) | 1, (uint32_t)i, (long)i + 2);
		keyset_put(&s, rnd(&x) | 1, (uint32_t)i, (long)i + 2);
		keyset_record_done(&s);
		if (i == 1000)
			cap = s.cap;
	}
	ok(s.cap > cap && s.cap <= 200000 * 8 / 7 + 2,
	    "two keys a record: grown to at most what 200,000 keys need");
	x = 5;
	for (i = 0; i < 200000; i++)
		if (keyset_find(&s, rnd(&x) | 1) == NULL)
			break;
	is_int((long long)i, 200000, "every key of the grown set is found");
	/* more records than announced: the set keeps growing */
	for (i = 0; i < 100000; i++)
		keyset_put(&s, rnd(&x) | 1, 0, 0);
	is_int((long long)s.n, 300000, "records beyond the announced count");
	ok(s.n * 8 <= s.cap * 7, "still at most 7/8 full");
	keyset_clear(&s);
	return tap_done();
}
