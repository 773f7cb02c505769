/* SPDX-License-Identifier: ISC */
/*
 * Form and window QR payloads: build, parse, tag, verify (qrpay.h).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "ids.h"
#include "qrpay.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define TAG_LABEL "HCPW1\n"

static int
token_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!isupper((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static int
digits16(const char *s)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[16] == '\0';
}

int
qrpay_form_make(const char *serial, const char *tid,
    const char *fingerprint, char out[QRPAY_FORM_MAX])
{
	if (strlen(serial) != 16 || !digits16(serial) || !token_ok(tid, 23) ||
	    !token_ok(fingerprint, 8))
		return -1;
	snprintf(out, QRPAY_FORM_MAX, "HCPF:%s:%s:%s", serial, tid,
	    fingerprint);
	return 0;
}

int
qrpay_form_parse(const char *text, char serial[17], char tid[24],
    char fingerprint[9])
{
	const char *p, *q;
	size_t n;

	if (strncmp(text, "HCPF:", 5) != 0)
		return QRPAY_MALFORMED;
	p = text + 5;
	if ((q = strchr(p, ':')) == NULL || q - p != 16)
		return QRPAY_MALFORMED;
	memcpy(serial, p, 16);
	serial[16] = '\0';
	if (!digits16(serial))
		return QRPAY_MALFORMED;
	p = q + 1;
	if ((q = strchr(p, ':')) == NULL || (n = (size_t)(q - p)) == 0 ||
	    n > 23)
		return QRPAY_MALFORMED;
	memcpy(tid, p, n);
	tid[n] = '\0';
	p = q + 1;
	if (strlen(p) != 8)
		return QRPAY_MALFORMED;
	memcpy(fingerprint, p, 9);
	if (!token_ok(tid, 23) || !token_ok(fingerprint, 8))
		return QRPAY_MALFORMED;
	return ids_serial_parse(serial, serial) == IDS_OK ? QRPAY_OK :
	    QRPAY_BAD;
}

static void
pct_encode(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~')
			strbuf_addc(sb, c);
		else {
			strbuf_addc(sb, '%');
			strbuf_addc(sb, hex[c >> 4]);
			strbuf_addc(sb, hex[c & 15]);
		}
	}
}

static const char *const placeholders[] = { "{area}", "{dept}",
    "{window}", "{staff}", "{item}" };

static const char **
slot(struct qrpay_window *w, int i)
{
	switch (i) {
	case 0:
		return &w->area;
	case 1:
		return &w->dept;
	case 2:
		return &w->window;
	case 3:
		return &w->staff;
	default:
		return &w->item;
	}
}

/* The index of the placeholder at p, or -1. */
static int
placeholder_at(const char *p)
{
	int i;

	for (i = 0; i < 5; i++)
		if (strncmp(p, placeholders[i], strlen(placeholders[i])) == 0)
			return i;
	return -1;
}

static void
tag_of(const char *url, size_t len, const unsigned char *key,
    size_t keylen, char out[QRPAY_TAG_HEX + 1])
{
	struct strbuf sb = STRBUF_INIT;
	unsigned char md[DIGEST_LEN];

	strbuf_adds(&sb, TAG_LABEL);
	strbuf_add(&sb, url, len);
	if (crypto_hmac_sm3(key, keylen, sb.buf, sb.len, md, NULL) != 0)
		memset(md, 0, sizeof(md));
	crypto_hex(md, QRPAY_TAG_HEX / 2, out);
	explicit_bzero(md, sizeof(md));
	strbuf_release(&sb);
}

char *
qrpay_window_url(const char *tmpl, const struct qrpay_window *w,
    const unsigned char *key, size_t keylen)
{
	struct qrpay_window copy = *w;
	struct strbuf sb = STRBUF_INIT;
	char tag[QRPAY_TAG_HEX + 1];
	const char *p;
	int i;

	for (p = tmpl; *p != '\0';) {
		if (*p == '{' && (i = placeholder_at(p)) >= 0) {
			pct_encode(&sb, *slot(&copy, i));
			p += strlen(placeholders[i]);
		} else
			strbuf_addc(&sb, *p++);
	}
	tag_of(sb.buf, sb.len, key, keylen, tag);
	strbuf_adds(&sb, strchr(strbuf_str(&sb), '?') != NULL ? "&tag=" :
	    "?tag=");
	strbuf_adds(&sb, tag);
	return strbuf_detach(&sb);
}

int
qrpay_window_verify(const char *url, const unsigned char *key,
    size_t keylen, char tag[QRPAY_TAG_HEX + 1])
{
	char want[QRPAY_TAG_HEX + 1];
	size_t n = strlen(url), i;
	const char *t;
	unsigned diff = 0;

	/* The URL ends in [?&]tag=<16 hex>. */
	if (n < 5 + QRPAY_TAG_HEX)
		return QRPAY_MALFORMED;
	t = url + n - QRPAY_TAG_HEX;
	if (strncmp(t - 4, "tag=", 4) != 0 || (t[-5] != '&' && t[-5] != '?'))
		return QRPAY_MALFORMED;
	for (i = 0; i < QRPAY_TAG_HEX; i++)
		if (!isxdigit((unsigned char)t[i]))
			return QRPAY_MALFORMED;
	if (tag != NULL) {
		memcpy(tag, t, QRPAY_TAG_HEX);
		tag[QRPAY_TAG_HEX] = '\0';
	}
	tag_of(url, (size_t)(t - 5 - url), key, keylen, want);
	for (i = 0; i < QRPAY_TAG_HEX; i++)
		diff |= (unsigned)(want[i] ^ t[i]);
	return diff == 0 ? QRPAY_OK : QRPAY_BAD;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *
pct_decode(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			strbuf_addc(&sb, hexval(s[i + 1]) << 4 |
			    hexval(s[i + 2]));
			i += 2;
		} else
			strbuf_addc(&sb, s[i]);
	}
	return strbuf_detach(&sb);
}

int
qrpay_window_fields(const char *url, const char *tmpl,
    struct qrpay_window *w)
{
	const char *u = url, *p = tmpl;
	char *val[5] = { NULL, NULL, NULL, NULL, NULL };
	int i, k;

	memset(w, 0, sizeof(*w));
	while (*p != '\0') {
		if (*p == '{' && (i = placeholder_at(p)) >= 0) {
			const char *lit = p + strlen(placeholders[i]);
			size_t litlen = 0;
			const char *end;

			/* The literal text up to the next placeholder. */
			while (lit[litlen] != '\0' && !(lit[litlen] == '{' &&
			    placeholder_at(lit + litlen) >= 0))
				litlen++;
			if (litlen == 0)
				end = u + strcspn(u, "&?#");
			else {
				/* Values are percent-encoded: no '&' etc. */
				end = u;
				while (*end != '\0' &&
				    strncmp(end, lit, litlen) != 0)
					end++;
				if (*end == '\0')
					goto fail;
			}
			free(val[i]);
			val[i] = pct_decode(u, (size_t)(end - u));
			u = end;
			p = lit;
		} else if (*p++ != *u++)
			goto fail;
	}
	/* What is left must be the tag parameter. */
	if (*u != '\0' && *u != '&' && *u != '?')
		goto fail;
	for (k = 0; k < 5; k++)
		*slot(w, k) = val[k] != NULL ? val[k] : xstrdup("");
	return 0;
fail:
	for (k = 0; k < 5; k++)
		free(val[k]);
	return -1;
}

void
qrpay_window_release(struct qrpay_window *w)
{
	int k;

	for (k = 0; k < 5; k++)
		free((void *)(uintptr_t)*slot(w, k));
	memset(w, 0, sizeof(*w));
}

void
qrpay_check_code(const char *tag, char out[10])
{
	int i;

	for (i = 0; i < 8 && tag[i] != '\0'; i++)
		out[i + (i >= 4)] = (char)toupper((unsigned char)tag[i]);
	out[4] = '-';
	out[9] = '\0';
	if (i < 8)
		out[0] = '\0';
}
