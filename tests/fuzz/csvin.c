/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the CSV reader: any bytes, in each encoding mode,
 * must give records or a clean error, never a crash or a leak.
 * Build and run with "make fuzz" (clang).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "fields.h"
#include "record.h"
#include "strbuf.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The header of c (its current row), on two rows when that is what it
 * is: a map of two rows always has the required columns.
 */
static void
header(struct csvin *c)
{
	struct rec_problems pl = REC_PROBLEMS_INIT;
	struct rec_map *m = rec_map_new(), *two;
	const char **names;
	size_t i, n = csvin_nfields(c);

	names = calloc(n ? n : 1, sizeof(*names));
	if (names == NULL)
		abort();
	for (i = 0; i < n; i++)
		names[i] = csvin_field(c, i);
	if (rec_map_header(m, n, names, csvin_line(c), 0, &pl) != 0 &&
	    (two = csvin_header_below(c, m, 0)) != NULL) {
		if (rec_map_column(two, F_ITEM_CODE) < 0 ||
		    rec_map_column(two, F_SATISFACTION) < 0)
			abort();
		rec_map_free(two);
	}
	rec_problems_release(&pl);
	rec_map_free(m);
	free(names);
}

/* every other column may hold line breaks */
static int
odd_columns(const char *name, void *arg)
{
	(void)arg;
	return strlen(name) % 2;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct strbuf sb = STRBUF_INIT;
	struct csvin *c;
	enum csvin_encoding enc;
	FILE *fp;
	size_t i;
	long line;
	int first;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/hcp-fuzz-csvin.%ld",
		    (long)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	for (enc = CSVIN_AUTO; enc <= CSVIN_GB18030; enc++) {
		c = csvin_new();
		csvin_set_multiline(c, odd_columns, NULL);
		if (enc != CSVIN_UTF8)
			csvin_skip_titles(c);
		/* the first row is mapped as a header, maybe of two rows */
		first = enc != CSVIN_UTF8;
		if (csvin_open(c, path, enc) == 0)
			while (csvin_next(c) > 0) {
				if (first)
					header(c);
				first = 0;
				for (i = 0; i < csvin_nfields(c); i++) {
					strbuf_reset(&sb);
					csv_append_field(&sb, csvin_field(c, i),
					    csvin_field_len(c, i), 1);
				}
				/* at most five titles, each on a line */
				for (i = 0; i < csvin_ntitles(c); i++)
					if (i == CSVIN_MAX_TITLES ||
					    csvin_title(c, i, &line) == NULL ||
					    line < 1)
						abort();
				/* an issue names a line of the file */
				for (i = 0; i < csvin_nissues(c); i++)
					if (csvin_issue(c, i)->line < 1)
						abort();
			}
		csvin_free(c);
	}
	strbuf_release(&sb);
	return 0;
}
