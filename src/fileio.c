/* SPDX-License-Identifier: ISC */
/*
 * Whole small files read into memory, two files compared (fileio.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
fileio_same(const char *a, const char *b)
{
	char ca[8192], cb[8192];
	size_t na, nb;
	FILE *fa, *fb;
	int rc = 1, saved = 0;

	if ((fa = fopen(a, "rb")) == NULL)
		return -1;
	if ((fb = fopen(b, "rb")) == NULL) {
		saved = errno;
		fclose(fa);
		errno = saved;
		return -1;
	}
	do {
		na = fread(ca, 1, sizeof(ca), fa);
		nb = fread(cb, 1, sizeof(cb), fb);
		if (na != nb || memcmp(ca, cb, na) != 0)
			rc = 0;
	} while (rc == 1 && na > 0);
	if (ferror(fa) || ferror(fb)) {
		saved = errno != 0 ? errno : EIO;
		rc = -1;
	}
	fclose(fa);
	fclose(fb);
	if (rc < 0)
		errno = saved;
	return rc;
}
