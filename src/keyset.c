/* SPDX-License-Identifier: ISC */
/*
 * The keys seen in one input: see keyset.h.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyset.h"
#include "xalloc.h"

#include "banned.h"

#define KEYSET_MIN	1024

void
keyset_init(struct keyset *s)
{
	memset(s, 0, sizeof(*s));
	s->load = 4;
}

void
keyset_clear(struct keyset *s)
{
	free(s->v);
	keyset_init(s);
}

/* The first slot to probe for key: the multiply-shift of its mixed bits. */
static size_t
home(const struct keyset *s, uint64_t key)
{
	uint64_t h = (key * UINT64_C(0x9e3779b97f4a7c15)) >> 32;

	return (size_t)((h * (uint64_t)s->cap) >> 32);
}

static size_t
slot(const struct keyset *s, uint64_t key)
{
	size_t i = home(s, key);

	while (s->v[i].key != 0 && s->v[i].key != key)
		if (++i == s->cap)
			i = 0;
	return i;
}

const struct keyset_entry *
keyset_find(const struct keyset *s, uint64_t key)
{
	size_t i;

	if (s->cap == 0)
		return NULL;
	i = slot(s, key);
	return s->v[i].key != 0 ? &s->v[i] : NULL;
}

#define BIT(m, i)	((m)[(i) / 64] >> ((i) % 64) & 1)
#define SETBIT(m, i)	((m)[(i) / 64] |= UINT64_C(1) << ((i) % 64))

/*
 * Puts e where it belongs in the grown table.  Slots already placed are
 * stepped over; one still holding an entry of the old layout is taken,
 * and that entry is placed in turn.  No placed entry's probe ever stepped
 * over a slot that is not placed, so no probe crosses a hole.
 */
static void
place(struct keyset *s, uint64_t *placed, struct keyset_entry e)
{
	size_t j = home(s, e.key);

	for (;;) {
		if (s->v[j].key == 0) {
			s->v[j] = e;
			SETBIT(placed, j);
			return;
		}
		if (!BIT(placed, j)) {
			struct keyset_entry t = s->v[j];

			s->v[j] = e;
			SETBIT(placed, j);
			e = t;
			j = home(s, e.key);
			continue;
		}
		if (++j == s->cap)
			j = 0;
	}
}

/* Grows the table to cap slots in place: one array, never two. */
static void
grow(struct keyset *s, size_t cap)
{
	uint64_t *placed;
	size_t i;

	if (cap <= s->cap)
		return;
	assert(cap <= UINT32_MAX);
	s->v = xreallocarray(s->v, cap, sizeof(*s->v));
	memset(s->v + s->cap, 0, (cap - s->cap) * sizeof(*s->v));
	s->cap = cap;
	placed = xcalloc((cap + 63) / 64, sizeof(*placed));
	for (i = 0; i < cap; i++) {
		struct keyset_entry e = s->v[i];

		if (e.key == 0 || BIT(placed, i))
			continue;
		s->v[i].key = 0;
		place(s, placed, e);
	}
	free(placed);
}

/* The slots that hold nkeys at the set's load. */
static size_t
slots_for(const struct keyset *s, size_t nkeys)
{
	size_t cap = nkeys * 8 / s->load + 1;

	return cap < KEYSET_MIN ? KEYSET_MIN : cap;
}

void
keyset_put(struct keyset *s, uint64_t key, uint32_t hash, long line)
{
	struct keyset_entry *e;

	assert(key != 0);
	if ((s->n + 1) * 8 > s->cap * s->load) {
		size_t want = 2 * s->cap;

		/* announced: room for two keys for every record to come */
		if (s->pending > 0)
			want = slots_for(s, s->n + 1 + 2 * s->pending);
		if (want < s->cap + s->cap / 2)
			want = s->cap + s->cap / 2;
		grow(s, want < KEYSET_MIN ? KEYSET_MIN : want);
	}
	e = &s->v[slot(s, key)];
	if (e->key == 0)
		s->n++;
	e->key = key;
	e->hash = hash;
	e->line = line < 0 ? 0 : (unsigned long)line >= UINT32_MAX ?
	    UINT32_MAX : (uint32_t)line;
}

void
keyset_expect(struct keyset *s, size_t nrec)
{
	if (nrec > KEYSET_MAX_EXPECT)
		nrec = KEYSET_MAX_EXPECT;
	s->pending += nrec;
	s->load = 7;
	grow(s, slots_for(s, s->n + nrec));
}

void
keyset_record_done(struct keyset *s)
{
	if (s->pending > 0)
		s->pending--;
}
