/* SPDX-License-Identifier: ISC */
/*
 * The keys of the rows seen earlier in one input (record.h's struct
 * rec_seen): a 64-bit key with the row's 32-bit content hash and its line,
 * 16 bytes a key, in an open-addressing table with linear probing.
 *
 * Memory is the point.  The table grows in place (realloc, then the
 * entries are moved to their new places within the one array), never
 * holding an old and a new table at once.  By default it is at most half
 * full and doubles, which is what a keyed file of unknown length wants.
 * Once the input has said how many records follow (keyset_expect(), from
 * a batch's Hcp-Records), it is sized for one key a record at most 7/8
 * full, and when a record with two keys makes it grow, it grows at once
 * to what the records still to come can need (two keys each): a million
 * paper records take 2.3 million slots (36 MB), a million hall records
 * 1.15 million (18 MB).
 */
#ifndef HCP_KEYSET_H
#define HCP_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct keyset_entry {
	uint64_t key;		/* 0: empty */
	uint32_t hash;		/* the high half of the row's h64 */
	uint32_t line;		/* UINT32_MAX: that line or later */
};

struct keyset {
	struct keyset_entry *v;
	size_t cap;		/* slots */
	size_t n;		/* keys */
	size_t pending;		/* records announced and not yet seen */
	unsigned load;		/* at most load/8 of the slots are used */
};

/* An empty set (the slots come with the first key). */
void keyset_init(struct keyset *s);
void keyset_clear(struct keyset *s);

/* The entry of key (nonzero), or NULL. */
const struct keyset_entry *keyset_find(const struct keyset *s, uint64_t key);
/* Adds key (nonzero) or replaces its entry. */
void keyset_put(struct keyset *s, uint64_t key, uint32_t hash, long line);
/*
 * Says that nrec more records follow, each with one or two keys: makes
 * room for one key each now (at most KEYSET_MAX_EXPECT records).
 */
#define KEYSET_MAX_EXPECT	((size_t)4 * 1024 * 1024)
void keyset_expect(struct keyset *s, size_t nrec);
/* One of the announced records was seen (its keys are in). */
void keyset_record_done(struct keyset *s);

#endif
