/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the record normaliser and validator: the input
 * is split into cells (at NUL bytes) and checked under a header that
 * names every field, with no db.  Any cells must give problems or a
 * valid record, never a crash, a leak or a value past its buffer.
 * Build and run with "make fuzz" (clang).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "record.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec_ctx *ctx;
	static struct rec_map *map;
	struct rec_problems pl = REC_PROBLEMS_INIT;
	struct rec_seen *seen;
	const char *names[F_NFIELDS], *cells[F_NFIELDS + 4];
	size_t lens[F_NFIELDS + 4];
	struct rec r;
	char *buf, *p;
	size_t n = 0, i;

	if (ctx == NULL) {
		ctx = rec_ctx_new();
		rec_ctx_set_now(ctx, 1795348800);
		map = rec_map_new();
		for (i = 0; i < F_NFIELDS; i++)
			names[i] = i % 2 ? fields[i].zh : fields[i].name;
		if (rec_map_header(map, F_NFIELDS, names, 1, 0, &pl) != 0)
			abort();
		rec_problems_release(&pl);
	}
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf; n < F_NFIELDS + 4; n++) {
		cells[n] = p;
		p += strlen(p);
		if (p == buf + size)
			break;
		p++;
	}
	if (n < F_NFIELDS + 4)
		n++;
	rec_init(&r);
	seen = rec_seen_new();
	for (i = 0; i < n; i++)
		lens[i] = strlen(cells[i]);
	/* the lengths given or not, the same answer */
	if (rec_check(ctx, map, n, cells, NULL, 2, &r, &pl) !=
	    rec_check(ctx, map, n, cells, lens, 2, &r, &pl))
		abort();
	rec_problems_clear(&pl);
	if (rec_check(ctx, map, n, cells, lens, 2, &r, &pl) == 0) {
		for (i = 0; i < F_NFIELDS; i++)
			if (r.v[i] == NULL)
				abort();
		rec_check_keys(ctx, &r, seen, &pl);
		rec_check_keys(ctx, &r, seen, &pl);
	}
	rec_seen_free(seen);
	rec_problems_release(&pl);
	rec_release(&r);
	free(buf);
	return 0;
}
