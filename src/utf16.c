/* SPDX-License-Identifier: ISC */
/*
 * UTF-16 to UTF-8 through iconv, into a temporary file (see utf16.h), so
 * that the CSV reader stays one reader of UTF-8 bytes, in constant
 * memory.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "utf16.h"
#include "xalloc.h"
#include "banned.h"

#define BLOCK 65536

int
utf16_detect(FILE *fp)
{
	unsigned char b[2];

	if (pread(fileno(fp), b, 2, 0) != 2)
		return 0;
	return (b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff);
}

FILE *
utf16_to_utf8(FILE *fp, char **err)
{
	char in[BLOCK], out[2 * BLOCK];
	size_t have = 0, n;
	unsigned long long off = 0;
	const char *from = "UTF-16LE";
	int first = 1;
	iconv_t cd;
	FILE *tmp;

	if ((tmp = tmpfile()) == NULL) {
		*err = xasprintf("%s: %s", _("temporary file"),
		    strerror(errno));
		return NULL;
	}
	cd = (iconv_t)-1;
	while ((n = fread(in + have, 1, sizeof(in) - have, fp)) > 0 ||
	    have > 0) {
		char *ip = in, *op = out;
		size_t ilen = have + n, olen = sizeof(out);

		if (first) {
			first = 0;
			if (ilen >= 2 && (unsigned char)in[0] == 0xfe &&
			    (unsigned char)in[1] == 0xff)
				from = "UTF-16BE";
			if (ilen >= 2 && ((unsigned char)in[0] == 0xfe ||
			    (unsigned char)in[0] == 0xff) &&
			    ((unsigned char)in[1] == 0xfe ||
			    (unsigned char)in[1] == 0xff)) {
				ip += 2;
				ilen -= 2;
				off = 2;
			}
			if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1) {
				*err = xasprintf(_("UTF-16 is not supported "
				    "by this system's iconv"));
				fclose(tmp);
				return NULL;
			}
		}
		if (iconv(cd, &ip, &ilen, &op, &olen) == (size_t)-1 &&
		    (errno == EILSEQ || (errno == EINVAL && n == 0))) {
			*err = xasprintf(_("byte %llu is not UTF-16"),
			    off + (unsigned long long)(ip - in));
			iconv_close(cd);
			fclose(tmp);
			return NULL;
		}
		if (fwrite(out, 1, (size_t)(op - out), tmp) !=
		    (size_t)(op - out)) {
			*err = xasprintf("%s: %s", _("temporary file"),
			    strerror(errno));
			iconv_close(cd);
			fclose(tmp);
			return NULL;
		}
		off += (unsigned long long)(ip - in);
		memmove(in, ip, ilen);
		have = ilen;
		if (n == 0 && have > 0 && ip == in)
			break;
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	if (ferror(fp)) {
		*err = xstrdup(strerror(errno));
		fclose(tmp);
		return NULL;
	}
	if (fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0) {
		*err = xasprintf("%s: %s", _("temporary file"),
		    strerror(errno));
		fclose(tmp);
		return NULL;
	}
	return tmp;
}
