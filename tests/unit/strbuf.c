/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for strbuf.c: what str_visible() lets through to a terminal
 * and what it writes as \xHH; str_is_visible() says the same.
 */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "tap.h"
#include "banned.h"

static void
shown(const char *in, const char *want, const char *what)
{
	char *got = str_visible(in);

	is_str(got, want, what);
	ok(str_is_visible(in) == (strcmp(want, in) == 0),
	    "str_is_visible() agrees");
	free(got);
}

static void
visible(void)
{
	struct strbuf sb = STRBUF_INIT;

	shown("", "", "nothing stays nothing");
	shown("hcp-33052301-000001.tar.gz", "hcp-33052301-000001.tar.gz",
	    "a batch name is shown as it is");
	shown("非常满意 窗口A01", "非常满意 窗口A01", "Chinese is shown as it is");
	shown("C:\\data\\表.csv", "C:\\data\\表.csv",
	    "a backslash is shown as it is");
	shown("😀", "😀", "a character beyond the BMP is shown");
	shown("9\033]0;pwn\007", "9\\x1b]0;pwn\\x07",
	    "an escape sequence and a bell are written as \\xHH");
	shown("a\nb\r\tc", "a\\x0ab\\x0d\\x09c",
	    "line breaks and tabs are written as \\xHH");
	shown("del\177", "del\\x7f", "DEL is written as \\xHH");
	shown("\302\233" "2J", "\\xc2\\x9b2J",
	    "a C1 control (CSI) is written byte by byte");
	shown("\302\240", "\302\240", "a no-break space (U+00A0) is shown");
	shown("gpj\342\200\256.exe", "gpj\\xe2\\x80\\xae.exe",
	    "a right-to-left override is written as \\xHH");
	shown("\342\201\246x", "\\xe2\\x81\\xa6x",
	    "a left-to-right isolate is written as \\xHH");
	shown("GBK \326\320\316\304", "GBK \\xd6\\xd0\\xce\\xc4",
	    "bytes that are not UTF-8 (GBK) are written as \\xHH");
	shown("\300\257", "\\xc0\\xaf", "an overlong '/' is written as \\xHH");
	shown("\355\240\200", "\\xed\\xa0\\x80",
	    "a UTF-16 surrogate is written as \\xHH");
	shown("\364\220\200\200", "\\xf4\\x90\\x80\\x80",
	    "a code point past U+10FFFF is written as \\xHH");
	shown("cut \344\270", "cut \\xe4\\xb8",
	    "a sequence cut short is written as \\xHH");

	strbuf_adds(&sb, "[");
	strbuf_add_visible(&sb, "a\0b", 3);
	strbuf_adds(&sb, "]");
	is_str(sb.buf, "[a\\x00b]", "a NUL inside the bytes is written too");
	strbuf_release(&sb);
}

int
main(void)
{
	visible();
	return tap_done();
}
