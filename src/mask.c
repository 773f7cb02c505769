/* SPDX-License-Identifier: ISC */
/*
 * Masking personal data for display: a value (rec_mask()) and the
 * numbers that look personal in a problem's detail, whatever column they
 * were keyed in.
 */
#include <string.h>

#include "fields.h"
#include "record.h"
#include "recint.h"
#include "strbuf.h"
#include "banned.h"

/* Two digits at s as a number. */
static int
two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * Whether the n characters at s (digits, perhaps a final X) have the
 * structure of a certificate number (GB 11643: a region, a birth date
 * YYYYMMDD or, in the 15-digit form, YYMMDD, a sequence, for 18 a check
 * character; the check itself is not asked, a mistyped number is as
 * personal) or of an 11-digit mobile number (1, then 3-9).
 */
static int
looks_personal(const char *s, size_t n)
{
	size_t i, digits = n;
	const char *date;
	int y, m, d;

	if (n == 18 && (s[17] == 'X' || s[17] == 'x'))
		digits = 17;
	for (i = 0; i < digits; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (n == 11)
		return digits == 11 && s[0] == '1' && s[1] >= '3';
	if (n != 15 && n != 18)
		return 0;
	if (s[0] == '0')
		return 0;
	date = s + 6;
	if (n == 18) {
		y = two_digits(date) * 100 + two_digits(date + 2);
		if (y < 1900 || y > 2099)
			return 0;
		date += 4;
	} else
		date += 2;
	m = two_digits(date);
	d = two_digits(date + 2);
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/*
 * detail with every run of digits (and X) that looks like a certificate
 * or mobile number masked as rec_mask() does, whatever column it was
 * keyed in; malloc'd.
 */
char *
rec_mask_detail(const char *detail)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = detail, *t;
	char mk[32];

	while (*s != '\0') {
		if (!((*s >= '0' && *s <= '9') || *s == 'X' || *s == 'x')) {
			strbuf_addc(&sb, *s++);
			continue;
		}
		for (t = s; (*t >= '0' && *t <= '9') || *t == 'X' ||
		    *t == 'x'; t++)
			;
		if (looks_personal(s, (size_t)(t - s))) {
			char run[19];

			memcpy(run, s, (size_t)(t - s));
			run[t - s] = '\0';
			rec_mask(t - s == 11 ? F_PHONE : F_CERT_NO, run, mk,
			    sizeof(mk));
			strbuf_adds(&sb, mk);
		} else
			strbuf_add(&sb, s, (size_t)(t - s));
		s = t;
	}
	return strbuf_detach(&sb);
}

void
rec_mask(enum field_id f, const char *value, char *out, size_t outlen)
{
	size_t n = strlen(value), i, o = 0;

	if (outlen == 0)
		return;
	if ((unsigned)f < F_NFIELDS && fields[f].mask == FIELD_MASK_NAME) {
		/* first character, then one star a character */
		size_t k = 1;

		while (k < n && ((unsigned char)value[k] & 0xc0) == 0x80)
			k++;
		for (i = 0; i < k && o + 1 < outlen; i++)
			out[o++] = value[i];
		for (i = k; i < n && o + 1 < outlen; i++)
			if (((unsigned char)value[i] & 0xc0) != 0x80)
				out[o++] = '*';
	} else if (n <= 7) {
		for (i = 0; i < n && o + 1 < outlen; i++)
			out[o++] = '*';
	} else {
		for (i = 0; i < n && o + 1 < outlen; i++)
			out[o++] = i < 3 || i >= n - 4 ? value[i] : '*';
	}
	out[o] = '\0';
}
