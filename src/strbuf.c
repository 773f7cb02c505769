/* SPDX-License-Identifier: ISC */
/*
 * Growable NUL-terminated byte strings (see strbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

void
strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
}

void
strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

char *
strbuf_detach(struct strbuf *sb)
{
	char *p;

	strbuf_grow(sb, 0);
	p = sb->buf;
	strbuf_init(sb);
	return p;
}

void
strbuf_grow_(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want < sb->len)
		want = (size_t)-1;	/* xrealloc will fail and die */
	if (want <= sb->alloc)
		return;
	if (want < sb->alloc + sb->alloc / 2)
		want = sb->alloc + sb->alloc / 2;
	if (want < 64)
		want = 64;
	sb->buf = xrealloc(sb->buf, want);
	sb->alloc = want;
	sb->buf[sb->len] = '\0';
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len > 0)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

/*
 * The length of the UTF-8 sequence at p (at most n bytes) if it is well
 * formed (no overlong form, no surrogate, at most U+10FFFF) and shown as
 * it is; 0 for a byte to escape.
 */
static size_t
visible_len(const unsigned char *p, size_t n)
{
	unsigned long c;
	size_t len, i;

	if (p[0] < 0x80)
		return p[0] >= 0x20 && p[0] != 0x7f;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, c = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff) ||
	    c <= 0x9f ||			/* C1 */
	    c == 0x200e || c == 0x200f ||	/* direction marks */
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		return 0;
	return len;
}

void
strbuf_add_visible(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, len;
	char esc[4] = { '\\', 'x', 0, 0 };

	while (i < n) {
		for (k = i; k < n && (len = visible_len(p + k, n - k)) > 0; )
			k += len;
		strbuf_add(sb, s + i, k - i);
		if (k == n)
			break;
		esc[2] = hex[p[k] >> 4];
		esc[3] = hex[p[k] & 0xf];
		strbuf_add(sb, esc, sizeof(esc));
		i = k + 1;
	}
}

char *
str_visible(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_visible(&sb, s, strlen(s));
	return strbuf_detach(&sb);
}

int
str_is_visible(const char *s)
{
	size_t n = strlen(s), k, len;

	for (k = 0; k < n; k += len)
		if ((len = visible_len((const unsigned char *)s + k,
		    n - k)) == 0)
			return 0;
	return 1;
}

void
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

const char *
strbuf_str(const struct strbuf *sb)
{
	return sb->buf != NULL ? sb->buf : "";
}

size_t
str_width(const char *s)
{
	mbstate_t ps;
	size_t w = 0, n = strlen(s), k;
	wchar_t wc;
	int cw;

	memset(&ps, 0, sizeof(ps));
	while (n > 0) {
		k = mbrtowc(&wc, s, n, &ps);
		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&ps, 0, sizeof(ps));
			w++;
			s++;
			n--;
			continue;
		}
		cw = wcwidth(wc);
		w += cw > 0 ? (size_t)cw : 0;
		s += k;
		n -= k;
	}
	return w;
}

void
strbuf_add_padded(struct strbuf *sb, const char *s, size_t width, int right)
{
	size_t w = str_width(s);

	if (right)
		for (; w < width; w++)
			strbuf_adds(sb, " ");
	strbuf_adds(sb, s);
	if (!right)
		for (; w < width; w++)
			strbuf_adds(sb, " ");
}
