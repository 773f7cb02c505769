/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the streaming CSV reader: encodings, line numbers,
 * quoting, blank lines, errors; and of CSV field writing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "csvout.h"
#include "strbuf.h"
#include "tap.h"
#include "xalloc.h"
#include "banned.h"

static char dir[] = "/tmp/hcp-unit-csvin.XXXXXX";

static char *
mkfile(const char *name, const void *data, size_t len)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(p, "wb");

	if (fp == NULL || fwrite(data, 1, len, fp) != len)
		abort();
	fclose(fp);
	return p;
}

/* Reads the whole file; returns "line:f1|f2;line:..." */
static char *
slurp(const char *path, enum csvin_encoding enc, int *rc)
{
	struct csvin *c = csvin_new();
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	*rc = csvin_open(c, path, enc);
	while (*rc == 0 && (*rc = csvin_next(c)) > 0) {
		strbuf_addf(&sb, "%ld:", csvin_line(c));
		for (i = 0; i < csvin_nfields(c); i++)
			strbuf_addf(&sb, "%s%s", i ? "|" : "",
			    csvin_field(c, i));
		/* issues: [N line] NUL, [O line:from-to], [S line:from],
		 * [E line] encoding */
		for (i = 0; i < csvin_nissues(c); i++) {
			const struct csvin_issue *is = csvin_issue(c, i);

			if (is->kind == CSVIN_QUOTE_OPEN)
				strbuf_addf(&sb, "[O%ld:%ld-%ld]", is->line,
				    is->from, is->to);
			else if (is->kind == CSVIN_QUOTE_STRAY)
				strbuf_addf(&sb, "[S%ld:%ld]", is->line,
				    is->from);
			else
				strbuf_addf(&sb, "[%c%ld]", is->kind ==
				    CSVIN_NUL_BYTE ? 'N' : 'E', is->line);
		}
		strbuf_addc(&sb, ';');
		*rc = 0;
	}
	if (*rc < 0)
		strbuf_addf(&sb, "ERR %s", csvin_errstr(c));
	csvin_free(c);
	return strbuf_detach(&sb);
}

/* Cuts an error message after "ERR " so tests compare the fact. */
static void
cut_err(char *s)
{
	char *e = strstr(s, "ERR ");

	if (e != NULL)
		e[4] = '\0';
}

#define CHECK(name, data, enc, want, what)                              \
	do {                                                            \
		char *p_ = mkfile(name, data, sizeof(data) - 1), *s_;   \
		int rc_;                                                \
		s_ = slurp(p_, enc, &rc_);                              \
		cut_err(s_);                                            \
		is_str(s_, want, what);                                 \
		free(s_);                                               \
		free(p_);                                               \
	} while (0)

int
main(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct csvin *c;
	char *p, *g;
	int rc;
	size_t i;

	if (mkdtemp(dir) == NULL)
		abort();

	CHECK("lf.csv", "a,b\n1,2\n", CSVIN_AUTO, "1:a|b;2:1|2;",
	    "plain LF");
	CHECK("crlf.csv", "a,b\r\n1,2\r\n3,4", CSVIN_AUTO,
	    "1:a|b;2:1|2;3:3|4;", "CRLF, no final line end");
	CHECK("bom.csv", "\xef\xbb\xbf满意度,x\n5,y\n", CSVIN_AUTO,
	    "1:满意度|x;2:5|y;", "UTF-8 BOM is dropped");
	CHECK("quoted.csv", "a,b\n\"x,1\",\"say \"\"hi\"\"\"\n"
	    "\"two\nlines\",z\nlast,1\n", CSVIN_AUTO,
	    "1:a|b;2:x,1|say \"hi\";3:two\nlines|z;5:last|1;",
	    "quoted commas, quotes, newlines; lines counted");
	CHECK("blank.csv", "a,b\n\n,,\n1,2\n\r\n3,4\n", CSVIN_AUTO,
	    "1:a|b;4:1|2;6:3|4;", "blank and all-comma lines skipped");
	/* 满意 in GB18030 is c2 fa d2 e2 */
	CHECK("gbk.csv", "h\n\xc2\xfa\xd2\xe2\n", CSVIN_AUTO,
	    "1:h;2:满意;", "GBK detected and decoded");
	CHECK("gbk2.csv", "h\n\xc2\xfa\xd2\xe2\n", CSVIN_GB18030,
	    "1:h;2:满意;", "GB18030 forced");
	CHECK("open.csv", "a\n\"never closed\n", CSVIN_AUTO,
	    "1:a;2:never closed[O2:3-0];", "unterminated quote: flagged");
	CHECK("utf16.csv", "\xff\xfe" "a\0\t\0b\0\n\0" "1\0\t\0" "2\0",
	    CSVIN_AUTO, "1:a|b;2:1|2;", "UTF-16 with a BOM, tab-separated, read");
	CHECK("nul.csv", "a,b\n1\0x,2\n\0,\0\n", CSVIN_AUTO,
	    "1:a|b;2:1\xe2\x90\x80x|2[N2];3:\xe2\x90\x80|\xe2\x90\x80[N3][N3];",
	    "a NUL byte is shown as U+2400 and flagged; the cell is whole");
	/* line breaks and a NUL past the first eight bytes of a cell */
	CHECK("long.csv", "a,b\n\"0123456789\r\n0123456789\n01234567\r89\","
	    "z\n\"0123456789abcdef\0tail\",w\nlast,1\n", CSVIN_AUTO,
	    "1:a|b;2:0123456789\r\n0123456789\n01234567\r89|z;"
	    "6:0123456789abcdef\xe2\x90\x80tail|w[N6];7:last|1;",
	    "line breaks and NUL deep in long cells: lines counted");

	/* a quote left open swallows no rows (issue 20, finding 1) */
	CHECK("swallow.csv", "a,b,c,d,e\n1,2,\"x,4,5\n6,7,8,9,10\n"
	    "11,12,y\",14,15\n16,17,18,19,20\n", CSVIN_AUTO,
	    "1:a|b|c|d|e;2:1|2|x,4,5[O2:3-4];3:6|7|8|9|10;"
	    "4:11|12|y\"|14|15[S4:2];5:16|17|18|19|20;",
	    "a quote left open: each line read as a row, both ends flagged");
	CHECK("swallow2.csv", "serial,b,c,d,e,f\n"
	    "3305230100000011,2,\"x\n3305230100000022,7,y\",9,10,11\n",
	    CSVIN_AUTO, "1:serial|b|c|d|e|f;2:3305230100000011|2|x[O2:3-3];"
	    "3:3305230100000022|7|y\"|9|10|11[S3:2];",
	    "a line inside a cell that starts with a serial is a row");
	CHECK("legit.csv", "a,b,c,d,e\n1,2,\"two\nlines, both\",4,5\n",
	    CSVIN_AUTO, "1:a|b|c|d|e;2:1|2|two\nlines, both|4|5;",
	    "a true multi-line cell stays one cell");
	CHECK("cr.csv", "a,b\r\"x\ry\",1\rc,2\r\r\rd,3", CSVIN_AUTO,
	    "1:a|b;2:x\ry|1;4:c|2;7:d|3;",
	    "CR line ends with a multi-line cell: lines counted");
	/* 卢叶 in GBK is c2ac d2b6, valid UTF-8 too (U+00AC U+04B6) */
	CHECK("short.csv", "h\n\xc2\xac\xd2\xb6\n\xd6\xa3\xd4\xac\n",
	    CSVIN_AUTO, "1:h;2:卢叶;3:郑袁;",
	    "short GBK names that are valid UTF-8 read as GBK");
	CHECK("forced.csv", "h\n\xff\nok\n", CSVIN_UTF8,
	    "1:h;2:\xef\xbf\xbd[E2];3:ok;",
	    "--encoding: a line that does not decode is flagged, not fatal");
	CHECK("crbad.csv", "h\r\"x\ry\"\r\xff\rok\r", CSVIN_UTF8,
	    "1:h;2:x\ry;4:\xef\xbf\xbd[E4];5:ok;",
	    "the line of an encoding error, after CR-only multi-line cells");

	/*
	 * Rows across many 64 KiB blocks, each with a quoted line break: the
	 * row being parsed when a block ends is carried into the next.
	 */
	strbuf_reset(&sb);
	for (i = 0; i < 9000; i++)
		strbuf_addf(&sb, "%zu,\"x%zu\ny\",z\n", i, i);
	p = mkfile("blocks.csv", sb.buf, sb.len);
	c = csvin_new();
	rc = csvin_open(c, p, CSVIN_AUTO);
	for (i = 0; rc == 0 && csvin_next(c) == 1; i++) {
		g = xasprintf("x%zu\ny", i);
		if (csvin_nfields(c) != 3 || csvin_line(c) != 2 * (long)i + 1 ||
		    strcmp(csvin_field(c, 1), g) != 0 ||
		    csvin_field_len(c, 1) != strlen(g) ||
		    strcmp(csvin_field(c, 2), "z") != 0)
			rc = -1;
		free(g);
	}
	ok(rc == 0 && i == 9000, "9000 rows over many blocks, all whole");
	csvin_free(c);
	free(p);

	/* a multi-byte character or a GBK byte at every offset of a word */
	for (i = 0; i < 17; i++) {
		char name[40], *want;
		int okutf = 1, okgbk = 1, k;

		for (k = 0; k < 2; k++) {
			strbuf_reset(&sb);
			strbuf_adds(&sb, "h\n");
			strbuf_addf(&sb, "%.*s", (int)i, "abcdefghijklmnopq");
			strbuf_adds(&sb, k == 0 ? "满意" : "\xc2\xfa\xd2\xe2");
			strbuf_adds(&sb, "xyz\n");
			snprintf(name, sizeof(name), "word%zu-%d.csv", i, k);
			p = mkfile(name, sb.buf, sb.len);
			g = slurp(p, CSVIN_AUTO, &rc);
			want = xasprintf("1:h;2:%.*s满意xyz;", (int)i,
			    "abcdefghijklmnopq");
			if (rc != 0 || strcmp(g, want) != 0) {
				printf("# %s: got %s\n", name, g);
				*(k == 0 ? &okutf : &okgbk) = 0;
			}
			free(want);
			free(g);
			free(p);
		}
		snprintf(name, sizeof(name), "UTF-8 and GBK after %zu bytes",
		    i);
		ok(okutf && okgbk, name);
	}
	strbuf_reset(&sb);

	/* an unclosed quote names its line */
	p = mkfile("open2.csv", "a\nb\n\"c\nd\n", 9);
	g = slurp(p, CSVIN_AUTO, &rc);
	is_str(g, "1:a;2:b;3:c[O3:4-0];4:d;",
	    "an unclosed quote names its line; the lines after are rows");
	free(g);
	free(p);

	/* mixed encodings: UTF-8 in the first block, GBK much later */
	strbuf_adds(&sb, "h\n满意\n");
	for (i = 0; i < 20000; i++)
		strbuf_adds(&sb, "abcdef\n");
	strbuf_adds(&sb, "\xc2\xfa\n");
	p = mkfile("mixed.csv", sb.buf, sb.len);
	g = slurp(p, CSVIN_AUTO, &rc);
	ok(rc < 0 && strstr(g, "mixed.csv:20003:") != NULL,
	    "a file that changes encoding is refused at the bad line");
	free(g);
	free(p);
	strbuf_reset(&sb);

	/* GBK after more than one read block of ASCII */
	for (i = 0; i < 20000; i++)
		strbuf_adds(&sb, "abc,def\n");
	strbuf_adds(&sb, "\xc2\xfa\xd2\xe2,x\n");
	p = mkfile("late.csv", sb.buf, sb.len);
	c = csvin_new();
	rc = csvin_open(c, p, CSVIN_AUTO);
	while (rc == 0 && (rc = csvin_next(c)) > 0)
		rc = 0;
	ok(rc == 0 && strcmp(csvin_encoding_name(c), "GB18030") == 0,
	    "GBK found after 160 KB of ASCII");
	csvin_free(c);
	free(p);
	strbuf_reset(&sb);

	/* hash */
	p = mkfile("h.csv", "abc", 3);
	c = csvin_new();
	rc = csvin_open(c, p, CSVIN_AUTO);
	while (rc == 0 && (rc = csvin_next(c)) > 0)
		rc = 0;
	is_str(csvin_sha256(c), "ba7816bf8f01cfea414140de5dae2223b00361a396"
	    "177a9cb410ff61f20015ad", "SHA-256 of the file");
	csvin_free(c);
	free(p);

	/* writing */
	csvout_field(&sb, "plain", 5, 0);
	strbuf_addc(&sb, ',');
	csvout_field(&sb, "a,\"b\"", 5, 0);
	strbuf_addc(&sb, ',');
	csvout_field(&sb, "=1+1", 4, 1);
	strbuf_addc(&sb, ',');
	csvout_field(&sb, "-5", 2, 0);
	is_str(sb.buf, "plain,\"a,\"\"b\"\"\",'=1+1,-5",
	    "quoting only when needed; formulas neutralised");
	strbuf_release(&sb);

	p = xasprintf("rm -rf '%s'", dir);
	if (system(p) != 0)
		printf("# could not remove %s\n", dir);
	free(p);
	return tap_done();
}
