/* SPDX-License-Identifier: ISC */
/*
 * Whole small files read into memory (see fileio.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"
#include "strbuf.h"
#include "banned.h"

int
fileio_read(const char *path, size_t max, char **buf, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *fp;
	int saved = 0;

	*buf = NULL;
	*len = 0;
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		strbuf_add(&sb, chunk, n);
		if (sb.len > max) {
			saved = EFBIG;
			break;
		}
	}
	if (saved == 0 && ferror(fp))
		saved = errno != 0 ? errno : EIO;
	fclose(fp);
	if (saved != 0) {
		strbuf_release(&sb);
		errno = saved;
		return -1;
	}
	*len = sb.len;
	*buf = strbuf_detach(&sb);
	return 0;
}
