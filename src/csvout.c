/* SPDX-License-Identifier: ISC */
/*
 * CSV output (see csvout.h), on libcsv's quoting.
 */
#include <string.h>

#include <csv.h>

#include "csvout.h"
#include "strbuf.h"
#include "banned.h"

void
csvout_field(struct strbuf *sb, const char *s, size_t len,
    int neutralise)
{
	size_t need, i;

	if (neutralise && len > 0 && strchr("=+-@\t\r", s[0]) != NULL) {
		struct strbuf tmp = STRBUF_INIT;

		strbuf_addc(&tmp, '\'');
		strbuf_add(&tmp, s, len);
		csvout_field(sb, tmp.buf, tmp.len, 0);
		strbuf_release(&tmp);
		return;
	}
	/* one pass: most fields are short and need no quotes */
	for (i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			break;
	if (i == len) {
		strbuf_add(sb, s, len);
		return;
	}
	need = 2 * len + 2;
	strbuf_grow(sb, need);
	sb->len += csv_write(sb->buf + sb->len, need, s, len);
	sb->buf[sb->len] = '\0';
}
