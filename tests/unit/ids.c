/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the identifier checks in src/ids.c: known-good and
 * known-bad 统一社会信用代码, ID numbers, area codes and phone numbers, the
 * Damm check digit, and the form serial.  For a sample of serials it
 * proves by brute force that every single-digit substitution and every
 * adjacent transposition is caught.
 */
#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "tap.h"
#include "banned.h"

static void
test_uscc(void)
{
	static const char *good[] = {
		"11310000MB2F30661Y",
		"11100000000013338W",
		"11511301008778183N",
	};
	static const char *bad_alphabet[] = {
		"11310000MB2F3066IY",	/* I */
		"11310000MB2F3O661Y",	/* O */
		"11310000MS2F30661Y",	/* S */
		"1131000VMB2F30661Y",	/* V in the region digits */
		"11310000MB2F30661V",	/* V as the check */
		"Z1310000MB2F30661Y",	/* Z */
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		is_int(ids_uscc_check(good[i]), IDS_OK, good[i]);
		is_int(ids_uscc_checkchar(good[i]), good[i][17],
		    "uscc check char");
	}
	is_int(ids_uscc_check("91350203M0001QAY9B"), IDS_CHECK,
	    "pilot code 91350203M0001QAY9B fails the check, well formed");
	is_int(ids_uscc_check("11310000MB2F30661X"), IDS_CHECK,
	    "uscc wrong check symbol");
	is_int(ids_uscc_check("11310000MB2F30660Y"), IDS_CHECK,
	    "uscc one symbol changed");
	for (i = 0; i < sizeof(bad_alphabet) / sizeof(bad_alphabet[0]); i++)
		is_int(ids_uscc_check(bad_alphabet[i]), IDS_MALFORMED,
		    bad_alphabet[i]);
	is_int(ids_uscc_check("1131A000MB2F30661Y"), IDS_MALFORMED,
	    "uscc letter in region part");
	is_int(ids_uscc_check("11310000mb2f30661y"), IDS_MALFORMED,
	    "uscc lower case");
	is_int(ids_uscc_check("11310000MB2F30661"), IDS_MALFORMED,
	    "uscc 17 symbols");
	is_int(ids_uscc_check("11310000MB2F30661YY"), IDS_MALFORMED,
	    "uscc 19 symbols");
	is_int(ids_uscc_check(""), IDS_MALFORMED, "uscc empty");
	is_int(ids_uscc_checkchar("11310000MB2F3066"), 0,
	    "uscc check char of 16 symbols");
	is_int(ids_uscc_checkchar("11310000MB2F3066I"), 0,
	    "uscc check char of a bad body");
	is_int(ids_uscc_checkchar("11310000MB2F30661"), 'Y',
	    "uscc check char of exactly 17 symbols");
}

static void
test_idcard(void)
{
	is_int(ids_idcard_check("11010519491231002X"), IDS_OK,
	    "id 11010519491231002X");
	is_int(ids_idcard_check("11010519491231002x"), IDS_OK,
	    "id lower-case x");
	is_int(ids_idcard_check("11010519491231003X"), IDS_CHECK,
	    "id one digit changed");
	is_int(ids_idcard_check("110105194912310020"), IDS_CHECK,
	    "id check digit changed");
	is_int(ids_idcard_check("11010519490230002X"), IDS_MALFORMED,
	    "id birth date 19490230");
	is_int(ids_idcard_check("11010518991231002X"), IDS_MALFORMED,
	    "id born before 1900");
	is_int(ids_idcard_check("11010519491301002X"), IDS_MALFORMED,
	    "id month 13");
	is_int(ids_idcard_check("11010519490100002X"), IDS_MALFORMED,
	    "id day 0");
	/* 2000-02-29 exists, 1900-02-29 and 2023-02-29 do not. */
	is_int(ids_idcard_check("110105200002290013"), IDS_OK,
	    "id born 20000229");
	is_int(ids_idcard_check("110105190002290017"), IDS_MALFORMED,
	    "id born 19000229");
	is_int(ids_idcard_check("110105202302290014"), IDS_MALFORMED,
	    "id born 20230229");
	is_int(ids_idcard_check("16010519491231002X"), IDS_MALFORMED,
	    "id province 16");
	is_int(ids_idcard_check("1101051949123100X2"), IDS_MALFORMED,
	    "id X not last");
	is_int(ids_idcard_check("11010519491231002Y"), IDS_MALFORMED,
	    "id last symbol Y");
	is_int(ids_idcard_check("11010519491231002"), IDS_MALFORMED,
	    "id 17 characters");
	is_int(ids_idcard_check("110105491231002"), IDS_MALFORMED,
	    "id legacy 15 digits");
}

static void
test_area(void)
{
	char out[7];

	memset(out, 'z', sizeof(out));
	is_int(ids_area_check("110105", out), IDS_OK, "area 110105");
	is_str(out, "110105", "area 110105 six-digit form");
	memset(out, 'z', sizeof(out));
	is_int(ids_area_check("110105000", out), IDS_OK, "area 110105000");
	is_str(out, "110105", "area 110105000 six-digit form");
	memset(out, 'z', sizeof(out));
	is_int(ids_area_check("110105000000", out), IDS_OK,
	    "area 110105000000");
	is_str(out, "110105", "area 110105000000 six-digit form");
	is_int(ids_area_check("330523", NULL), IDS_OK, "area 330523 no out");
	is_int(ids_area_check("1101050", NULL), IDS_MALFORMED,
	    "area 7 digits");
	is_int(ids_area_check("110105001", NULL), IDS_MALFORMED,
	    "area 9 digits not zero");
	is_int(ids_area_check("110105000001", NULL), IDS_MALFORMED,
	    "area 12 digits not zero");
	is_int(ids_area_check("000000", NULL), IDS_MALFORMED, "area 000000");
	is_int(ids_area_check("990000", NULL), IDS_MALFORMED, "area 990000");
	is_int(ids_area_check("11010A", NULL), IDS_MALFORMED,
	    "area with a letter");
	is_int(ids_area_check("", NULL), IDS_MALFORMED, "area empty");
	is_int(ids_region_check("330523"), IDS_OK, "region 330523");
	is_int(ids_region_check("330523000"), IDS_MALFORMED,
	    "a region is 6 digits, not the 9-digit form");
	is_int(ids_region_check("000000"), IDS_MALFORMED, "region 000000");
	is_int(ids_region_check("xx"), IDS_MALFORMED, "region xx");
}

static void
test_phone(void)
{
	is_int(ids_phone_check("13800138000"), IDS_OK, "phone 13800138000");
	is_int(ids_phone_check("19912345678"), IDS_OK, "phone 19912345678");
	is_int(ids_phone_check("23800138000"), IDS_MALFORMED,
	    "phone not starting with 1");
	is_int(ids_phone_check("1380013800"), IDS_MALFORMED, "phone 10 digits");
	is_int(ids_phone_check("138001380001"), IDS_MALFORMED,
	    "phone 12 digits");
	is_int(ids_phone_check("1380013800a"), IDS_MALFORMED,
	    "phone with a letter");
	is_int(ids_phone_check("138-0013-800"), IDS_MALFORMED,
	    "phone with dashes");
}

static void
test_damm(void)
{
	is_int(ids_damm_digit("572", 3), '4', "damm 572 -> 4");
	is_int(ids_damm_digit("5724", 4), '0', "damm 5724 sums to 0");
	is_int(ids_damm_digit("5727", 3), '4', "damm honours len");
	is_int(ids_damm_digit("", 0), '0', "damm of nothing");
	is_int(ids_damm_digit("57a", 3), 0, "damm of a non-digit");
}

/*
 * Every single-digit substitution and every adjacent transposition of two
 * distinct digits in a valid serial must fail the check.
 */
static void
test_serial_errors(void)
{
	static const char *regions[] = {
		"110105", "330523", "440305", "650102", "810000"
	};
	static const unsigned long seqs[] = {
		0, 1, 9, 123, 4711, 90210, 1234567, 5555555, 9876543, 9999999
	};
	char s[17], t[17], tmp;
	unsigned issuer;
	size_t r, q, i;
	int d, n, subst, subst_missed, transp, transp_missed;

	n = subst = subst_missed = transp = transp_missed = 0;
	for (r = 0; r < sizeof(regions) / sizeof(regions[0]); r++)
		for (issuer = 0; issuer <= 99; issuer += 11)
			for (q = 0; q < sizeof(seqs) / sizeof(seqs[0]); q++) {
				if (ids_serial_make(regions[r], issuer,
				    seqs[q], s) != IDS_OK ||
				    ids_serial_parse(s, NULL) != IDS_OK) {
					n = -1;
					goto done;
				}
				n++;
				for (i = 0; i < 16; i++)
					for (d = '0'; d <= '9'; d++) {
						if (d == s[i])
							continue;
						memcpy(t, s, sizeof(t));
						t[i] = (char)d;
						subst++;
						if (ids_serial_parse(t, NULL) !=
						    IDS_CHECK)
							subst_missed++;
					}
				for (i = 0; i + 1 < 16; i++) {
					if (s[i] == s[i + 1])
						continue;
					memcpy(t, s, sizeof(t));
					tmp = t[i];
					t[i] = t[i + 1];
					t[i + 1] = tmp;
					transp++;
					if (ids_serial_parse(t, NULL) !=
					    IDS_CHECK)
						transp_missed++;
				}
			}
done:
	ok(n > 0, "sample serials made and valid");
	printf("# %d serials, %d substitutions, %d transpositions\n", n,
	    subst, transp);
	ok(subst == n * 16 * 9, "every substitution tried");
	is_int(subst_missed, 0, "every single-digit substitution detected");
	ok(transp >= n * 8, "transpositions tried");
	is_int(transp_missed, 0, "every adjacent transposition detected");
}

static void
test_serial(void)
{
	char s[17], f[20], p[17];

	is_int(ids_serial_make("110105", 1, 123, s), IDS_OK, "serial make");
	is_str(s, "1101050100001237", "serial digits");
	ids_serial_format(s, f);
	is_str(f, "110105-01-0000123-7", "serial format");

	memset(p, 'z', sizeof(p));
	is_int(ids_serial_parse("1101050100001237", p), IDS_OK,
	    "serial parse bare");
	is_str(p, "1101050100001237", "serial parse bare digits");
	memset(p, 'z', sizeof(p));
	is_int(ids_serial_parse(f, p), IDS_OK, "serial parse grouped");
	is_str(p, s, "serial format round trip");
	memset(p, 'z', sizeof(p));
	is_int(ids_serial_parse("110105 01 0000123 7", p), IDS_OK,
	    "serial parse with spaces");
	is_str(p, s, "serial parse with spaces digits");
	is_int(ids_serial_parse("1101-0501 0000-1237", NULL), IDS_OK,
	    "serial parse odd grouping");

	memset(p, 'z', sizeof(p));
	is_int(ids_serial_parse("110105-01-0000123-8", p), IDS_CHECK,
	    "serial wrong check digit");
	is_str(p, "1101050100001238", "serial digits written despite check");
	is_int(ids_serial_parse("110105-01-0000132-7", NULL), IDS_CHECK,
	    "serial transposed");
	is_int(ids_serial_parse("110105-01-000123-7", NULL), IDS_MALFORMED,
	    "serial 15 digits");
	is_int(ids_serial_parse("110105-01-00001234-7", NULL), IDS_MALFORMED,
	    "serial 17 digits");
	is_int(ids_serial_parse("110105_01_0000123_7", NULL), IDS_MALFORMED,
	    "serial underscore separators");
	is_int(ids_serial_parse("110105/01/0000123/7", NULL), IDS_MALFORMED,
	    "serial slash separators");
	is_int(ids_serial_parse("110105-01-0000123-7\n", NULL),
	    IDS_MALFORMED, "serial trailing newline");
	is_int(ids_serial_parse("", NULL), IDS_MALFORMED, "serial empty");

	is_int(ids_serial_make("330523", 99, 9999999UL, s), IDS_OK,
	    "serial make maxima");
	ids_serial_format(s, f);
	memset(p, 'z', sizeof(p));
	is_int(ids_serial_parse(f, p), IDS_OK, "serial maxima parse");
	is_str(p, s, "serial maxima round trip");
	is_int(ids_serial_make("330523", 0, 0, s), IDS_OK, "serial make zero");
	is_str(s, "3305230000000000", "serial all-zero body");
	is_int(ids_serial_make("330523", 100, 1, s), IDS_MALFORMED,
	    "serial issuer 100");
	is_int(ids_serial_make("330523", 1, 10000000UL, s), IDS_MALFORMED,
	    "serial seq 10000000");
	is_int(ids_serial_make("33052", 1, 1, s), IDS_MALFORMED,
	    "serial region 5 digits");
	is_int(ids_serial_make("3305230", 1, 1, s), IDS_MALFORMED,
	    "serial region 7 digits");
	is_int(ids_serial_make("33O523", 1, 1, s), IDS_MALFORMED,
	    "serial region with a letter");
}

int
main(void)
{
	test_uscc();
	test_idcard();
	test_area();
	test_phone();
	test_damm();
	test_serial_errors();
	test_serial();
	return tap_done();
}
