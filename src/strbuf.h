/* SPDX-License-Identifier: ISC */
/*
 * Growable byte strings, always NUL-terminated.  A struct strbuf is
 * initialised with STRBUF_INIT or strbuf_init() and owns its buffer until
 * strbuf_release() or strbuf_detach(); allocation failure dies (xalloc.h).
 */
#ifndef HCP_STRBUF_H
#define HCP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Returns the buffer (caller frees) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_grow_(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/*
 * Appends s (n bytes) as it may be shown on a terminal or in a one-line
 * message: every byte of a control character (C0, DEL, C1), of a
 * direction mark or override (U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069) or of anything that is not UTF-8 written as \xHH.  For
 * what came from outside (a file name, a cell, a batch's member), so that
 * it cannot move the cursor, retitle the window or break the line.
 */
void strbuf_add_visible(struct strbuf *sb, const char *s, size_t n);
/* The display width of UTF-8 s: a CJK character takes 2 columns. */
size_t str_width(const char *s);
/*
 * Appends s padded with blanks to width display columns (str_width()):
 * after it, or before it when right is set (a right-aligned cell).
 */
void strbuf_add_padded(struct strbuf *sb, const char *s, size_t width,
    int right);
/* s made visible so, in a new string (the caller frees). */
char *str_visible(const char *s);
/* Whether s is shown as it is (strbuf_add_visible() would escape nothing). */
int str_is_visible(const char *s);
/* The contents, "" for an empty buffer that never allocated. */
const char *strbuf_str(const struct strbuf *sb);

/*
 * The calls made for every byte or field of a large input, inline: room
 * for extra more bytes and the NUL; empty; one byte more.
 */
static inline void
strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (extra >= sb->alloc - sb->len)	/* also when alloc is 0 */
		strbuf_grow_(sb, extra);
}

static inline void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf != NULL)
		sb->buf[0] = '\0';
}

static inline void
strbuf_addc(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

#endif
