/* SPDX-License-Identifier: ISC */
/*
 * Identifier checks (see ids.h): 统一社会信用代码 (GB 32100), 公民身份号码
 * (GB 11643), 行政区划代码 (GB/T 2260), mobile numbers, and the 16-digit
 * form serial with its Damm check digit (DESIGN §6.2, §7.1).  Everything
 * here is a pure function over ASCII; nothing is allocated (the table of
 * credit-code symbols is filled once, thread-safely).
 */
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "clock.h"
#include "ids.h"
#include "banned.h"

#define USCC_LEN	18
#define IDCARD_LEN	18
#define PHONE_LEN	11
#define SERIAL_LEN	16
#define REGION_LEN	6

/* GB 32100 alphabet: 0-9 and A-Z without I, O, S, V, Z. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* 3^i mod 31, i = 0..16. */
static const unsigned char uscc_weights[USCC_LEN - 1] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};

/* 2^(17-i) mod 11, i = 0..16 (ISO 7064 MOD 11-2). */
static const unsigned char idcard_weights[IDCARD_LEN - 1] = {
	7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
};

static const char idcard_checks[] = "10X98765432";

/*
 * The order-10 weakly totally anti-symmetric quasigroup of H. Michael
 * Damm's thesis (2004), as commonly published.
 */
static const unsigned char damm_table[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 }
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether the first n characters of s are all digits (stops at NUL). */
static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/*
 * The value plus one of each symbol of uscc_alphabet; 0: not one.  Made
 * once (uscc_once), by the functions below that take a code.
 */
static unsigned char uscc_values[256];
static pthread_once_t uscc_once = PTHREAD_ONCE_INIT;

static void
uscc_setup(void)
{
	size_t i;

	for (i = 0; uscc_alphabet[i] != '\0'; i++)
		uscc_values[(unsigned char)uscc_alphabet[i]] =
		    (unsigned char)(i + 1);
}

/* The value 0-30 of a GB 32100 symbol, or -1. */
static int
uscc_value(char c)
{
	return uscc_values[(unsigned char)c] - 1;
}

/*
 * Province-level prefixes accepted in ID numbers and area codes: the
 * GB/T 2260 provinces, 71 台湾, 81 香港, 82 澳门, plus 83 (台湾居民居住证)
 * and 91 (外国人永久居留身份证) as in hutool's list.
 */
static int
province_ok(const char *s)
{
	int p;

	if (!is_digit(s[0]) || !is_digit(s[1]))
		return 0;
	p = (s[0] - '0') * 10 + (s[1] - '0');
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) ||
	    (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
	    (p >= 50 && p <= 54) || (p >= 61 && p <= 65) ||
	    p == 71 || p == 81 || p == 82 || p == 83 || p == 91;
}

/* Whether the 8 digits at s are a real date YYYYMMDD, year >= 1900. */
static int
date_ok(const char *s)
{
	int y, m, d, i;

	y = 0;
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	d = (s[6] - '0') * 10 + (s[7] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= clock_month_days(y, m);
}

/* Checks the form of the first 17 symbols; returns 0 if bad. */
static int
uscc_body_ok(const char *s)
{
	size_t i;

	for (i = 0; i < USCC_LEN - 1; i++) {
		if (i >= 2 && i < 8) {
			if (!is_digit(s[i]))
				return 0;
		} else if (uscc_value(s[i]) < 0)
			return 0;
	}
	return 1;
}

char
ids_uscc_checkchar(const char *s)
{
	unsigned sum;
	size_t i;

	pthread_once(&uscc_once, uscc_setup);
	if (s == NULL || !uscc_body_ok(s))
		return 0;
	sum = 0;
	for (i = 0; i < USCC_LEN - 1; i++)
		sum += (unsigned)uscc_value(s[i]) * uscc_weights[i];
	return uscc_alphabet[(31 - sum % 31) % 31];
}

int
ids_uscc_check(const char *s)
{
	char c;

	pthread_once(&uscc_once, uscc_setup);
	if (s == NULL || strlen(s) != USCC_LEN || !uscc_body_ok(s) ||
	    uscc_value(s[USCC_LEN - 1]) < 0)
		return IDS_MALFORMED;
	c = ids_uscc_checkchar(s);
	return c == s[USCC_LEN - 1] ? IDS_OK : IDS_CHECK;
}

int
ids_idcard_check(const char *s)
{
	unsigned sum;
	size_t i;
	char last;

	if (s == NULL || strlen(s) != IDCARD_LEN ||
	    !all_digits(s, IDCARD_LEN - 1))
		return IDS_MALFORMED;
	last = s[IDCARD_LEN - 1];
	if (last == 'x')
		last = 'X';
	if (!is_digit(last) && last != 'X')
		return IDS_MALFORMED;
	if (!province_ok(s) || !date_ok(s + 6))
		return IDS_MALFORMED;
	sum = 0;
	for (i = 0; i < IDCARD_LEN - 1; i++)
		sum += (unsigned)(s[i] - '0') * idcard_weights[i];
	return idcard_checks[sum % 11] == last ? IDS_OK : IDS_CHECK;
}

long
ids_idcard_birth(const char *s)
{
	long v = 0;
	size_t i;

	if (s == NULL || strlen(s) != IDCARD_LEN ||
	    !all_digits(s, IDCARD_LEN - 1))
		return 0;
	for (i = 6; i < 14; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int
ids_area_check(const char *s, char *out)
{
	size_t len;

	if (s == NULL)
		return IDS_MALFORMED;
	len = strlen(s);
	if ((len != 6 && len != 9 && len != 12) || !all_digits(s, len))
		return IDS_MALFORMED;
	if (strspn(s + 6, "0") != len - 6)
		return IDS_MALFORMED;
	if (!province_ok(s))
		return IDS_MALFORMED;
	if (out != NULL) {
		memcpy(out, s, 6);
		out[6] = '\0';
	}
	return IDS_OK;
}

int
ids_region_check(const char *s)
{
	return s != NULL && strlen(s) == 6 ? ids_area_check(s, NULL) :
	    IDS_MALFORMED;
}

int
ids_phone_check(const char *s)
{
	if (s == NULL || strlen(s) != PHONE_LEN || s[0] != '1' ||
	    !all_digits(s, PHONE_LEN))
		return IDS_MALFORMED;
	return IDS_OK;
}

char
ids_damm_digit(const char *digits, size_t len)
{
	unsigned interim;
	size_t i;

	if (digits == NULL && len > 0)
		return 0;
	interim = 0;
	for (i = 0; i < len; i++) {
		if (!is_digit(digits[i]))
			return 0;
		interim = damm_table[interim][digits[i] - '0'];
	}
	return (char)('0' + interim);
}

int
ids_serial_parse(const char *in, char *out)
{
	char buf[SERIAL_LEN + 1];
	size_t n;

	if (in == NULL)
		return IDS_MALFORMED;
	n = 0;
	for (; *in != '\0'; in++) {
		if (*in == '-' || *in == ' ')
			continue;
		if (!is_digit(*in) || n == SERIAL_LEN)
			return IDS_MALFORMED;
		buf[n++] = *in;
	}
	if (n != SERIAL_LEN)
		return IDS_MALFORMED;
	buf[n] = '\0';
	if (out != NULL)
		memcpy(out, buf, sizeof(buf));
	/* A Damm sum over the whole serial, check digit included, is 0. */
	return ids_damm_digit(buf, SERIAL_LEN) == '0' ? IDS_OK : IDS_CHECK;
}

int
ids_serial_make(const char *region, unsigned issuer, unsigned long seq,
    char *out)
{
	size_t i;

	if (region == NULL || strlen(region) != REGION_LEN ||
	    !all_digits(region, REGION_LEN) || issuer > 99 || seq > 9999999UL)
		return IDS_MALFORMED;
	memcpy(out, region, REGION_LEN);
	out[6] = (char)('0' + issuer / 10);
	out[7] = (char)('0' + issuer % 10);
	for (i = 0; i < 7; i++) {
		out[14 - i] = (char)('0' + seq % 10);
		seq /= 10;
	}
	out[15] = ids_damm_digit(out, SERIAL_LEN - 1);
	out[16] = '\0';
	return IDS_OK;
}

void
ids_serial_format(const char *serial, char *out)
{
	/* Sizes of the groups: region, issuer, sequence, check digit. */
	static const size_t group[] = { 6, 2, 7, 1 };
	size_t g, i, o;

	if (serial == NULL || strlen(serial) != SERIAL_LEN ||
	    !all_digits(serial, SERIAL_LEN)) {
		out[0] = '\0';
		return;
	}
	o = 0;
	for (g = 0; g < sizeof(group) / sizeof(group[0]); g++) {
		if (g > 0)
			out[o++] = '-';
		for (i = 0; i < group[g]; i++)
			out[o++] = *serial++;
	}
	out[o] = '\0';
}
