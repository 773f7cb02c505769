/* SPDX-License-Identifier: ISC */
/*
 * Identifier checks of DESIGN §6.2 and the form serial of §7.1.  Pure
 * functions on NUL-terminated ASCII input (callers normalise full-width
 * characters and blanks first); nothing is allocated.
 *
 * Checks return IDS_OK, IDS_MALFORMED (wrong length, alphabet, or an
 * impossible date or region) or IDS_CHECK (well formed, but the check
 * character does not match).
 */
#ifndef HCP_IDS_H
#define HCP_IDS_H

#include <stddef.h>

enum ids_result {
	IDS_OK = 0,
	IDS_MALFORMED,
	IDS_CHECK
};

/* 统一社会信用代码 (GB 32100): 18 symbols, check symbol last. */
int ids_uscc_check(const char *s);
/* The check symbol for the first 17 symbols of s, or 0 if they are bad. */
char ids_uscc_checkchar(const char *s);

/*
 * 公民身份号码 (GB 11643): 18 characters, last may be X (or x); the birth
 * date must be a real date not before 1900 and the first two digits a
 * province code.
 */
int ids_idcard_check(const char *s);
/*
 * The birth date of an 18-character 公民身份号码 as YYYYMMDD (digits 7-14),
 * or 0 if s is not 18 characters whose first 17 are digits.  A date later
 * than the day the number is keyed makes the number invalid: callers
 * compare it with their "today".
 */
long ids_idcard_birth(const char *s);

/*
 * 行政区划代码 (GB/T 2260): 6 digits, or 9 or 12 whose extra digits are
 * zeros.  On IDS_OK writes the 6-digit form to out (7 bytes) if non-NULL.
 */
int ids_area_check(const char *s, char *out);
/*
 * A station's region: a 行政区划代码 of exactly 6 digits (as hcp-init
 * sets it and a station's number begins with it).
 */
int ids_region_check(const char *s);

/* Mobile number: 11 digits starting with 1. */
int ids_phone_check(const char *s);

/* Damm check digit ('0'-'9') of a string of digits, or 0 if not digits. */
char ids_damm_digit(const char *digits, size_t len);

/*
 * Buffers for a form serial, NUL included: the 16 bare digits
 * (ids_serial_parse(), ids_serial_make()) and the grouped form
 * 110105-01-0000123-7 (ids_serial_format()).
 */
#define IDS_SERIAL_SIZE		17
#define IDS_SERIAL_FMT_SIZE	20

/*
 * Form serial: region (6) + issuer (2) + sequence (7) + Damm digit (1).
 * ids_serial_parse() accepts it with or without '-' or ' ' separators,
 * writes the 16 bare digits to out (IDS_SERIAL_SIZE bytes) when they are
 * well formed (even if the check digit is wrong), and returns the result.
 */
int ids_serial_parse(const char *in, char *out);
/*
 * Builds the 16-digit serial for region (6 digits), issuer (0-99) and seq
 * (0-9999999) into out (IDS_SERIAL_SIZE bytes); IDS_MALFORMED if any is
 * out of range.
 */
int ids_serial_make(const char *region, unsigned issuer, unsigned long seq,
    char *out);
/*
 * Groups a 16-digit serial as 110105-01-0000123-7 into out
 * (IDS_SERIAL_FMT_SIZE bytes); out is the empty string if serial is not
 * 16 digits.
 */
void ids_serial_format(const char *serial, char *out);

#endif
