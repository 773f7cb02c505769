/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for src/qrpay.c: form payloads made, parsed and checked;
 * window URLs filled in, percent-encoded and tagged, the tags equal to
 * HMAC-SM3 computed independently (openssl mac -digest SM3 -macopt
 * hexkey:000102...1f HMAC over "HCPW1\n" and the URL), verified, altered
 * and read back; the printed check code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qrpay.h"
#include "tap.h"
#include "banned.h"

static unsigned char key[32];

static void
test_form(void)
{
	char out[QRPAY_FORM_MAX], serial[17], tid[24], fp[9];

	is_int(qrpay_form_make("3305230100000011", "STD-1", "19A267A9", out),
	    0, "form payload made");
	is_str(out, "HCPF:3305230100000011:STD-1:19A267A9",
	    "form payload text");
	is_int(qrpay_form_make("330523010000001", "STD-1", "19A267A9", out),
	    -1, "15-digit serial refused");
	is_int(qrpay_form_make("3305230100000011", "std-1", "19A267A9", out),
	    -1, "lower-case template id refused");
	is_int(qrpay_form_parse(out, serial, tid, fp), QRPAY_OK,
	    "form payload parses");
	is_str(serial, "3305230100000011", "serial read back");
	is_str(tid, "STD-1", "template id read back");
	is_str(fp, "19A267A9", "fingerprint read back");
	is_int(qrpay_form_parse("HCPF:3305230100000012:STD-1:19A267A9",
	    serial, tid, fp), QRPAY_BAD, "a mistyped serial is BAD");
	is_int(qrpay_form_parse("HCPF:3305230100000011:STD-1:19A267A", serial,
	    tid, fp), QRPAY_MALFORMED, "a short fingerprint is MALFORMED");
	is_int(qrpay_form_parse("https://example.invalid/", serial, tid, fp),
	    QRPAY_MALFORMED, "a URL is not a form payload");
}

static const char tmpl[] = "https://h.example/p?area={area}&dept={dept}"
    "&win={window}&staff={staff}&item={item}";
/* HMAC-SM3 of "HCPW1\n" + the URL up to the tag, by openssl mac. */
static const char url_a05[] = "https://h.example/p?area=330523"
    "&dept=11330523MB1D29376Q&win=A05&staff=&item=&tag=776b99e784221921";

static void
test_window(void)
{
	struct qrpay_window w, back;
	char tag[QRPAY_TAG_HEX + 1], check[10], *url, *alt;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.area = "330523";
	w.dept = "11330523MB1D29376Q";
	w.window = "A05";
	url = qrpay_window_url(tmpl, &w, key, sizeof(key));
	is_str(url, url_a05, "URL filled in, tag = HMAC-SM3 (openssl)");
	is_int(qrpay_window_verify(url, key, sizeof(key), tag), QRPAY_OK,
	    "the URL verifies");
	is_str(tag, "776b99e784221921", "the tag is copied out");
	qrpay_check_code(tag, check);
	is_str(check, "776B-99E7", "check code: 8 hex digits, upper case");

	/* Every single character changed, anywhere, is caught. */
	alt = strdup(url);
	for (i = 0; alt != NULL && alt[i] != '\0'; i++) {
		char c = alt[i];

		alt[i] = c == 'a' ? 'b' : c == '0' ? '1' : c == 'x' ? 'y' :
		    'a';
		if (qrpay_window_verify(alt, key, sizeof(key), NULL) ==
		    QRPAY_OK)
			break;
		alt[i] = c;
	}
	ok(alt != NULL && alt[i] == '\0',
	    "no changed character (host, parameter or tag) verifies");
	free(alt);
	key[0] ^= 1;
	is_int(qrpay_window_verify(url, key, sizeof(key), NULL), QRPAY_BAD,
	    "another station's key: BAD");
	key[0] ^= 1;
	is_int(qrpay_window_verify("https://h.example/p?win=A05", key,
	    sizeof(key), NULL), QRPAY_MALFORMED, "no tag: MALFORMED");
	is_int(qrpay_window_verify("https://h.example/p?tag=776b99e78422192g",
	    key, sizeof(key), NULL), QRPAY_MALFORMED,
	    "a tag that is not hex: MALFORMED");

	is_int(qrpay_window_fields(url, tmpl, &back), 0,
	    "fields read back by the template");
	is_str(back.area, "330523", "area read back");
	is_str(back.dept, "11330523MB1D29376Q", "dept read back");
	is_str(back.window, "A05", "window read back");
	is_str(back.staff, "", "empty staff read back");
	is_str(back.item, "", "empty item read back");
	qrpay_window_release(&back);
	is_int(qrpay_window_fields(url, "https://other.example/p?win={window}",
	    &back), -1, "another template does not match");
	free(url);

	/* Percent-encoding, and a template with no query: "?tag=". */
	memset(&w, 0, sizeof(w));
	w.window = "窗口 1/2";
	url = qrpay_window_url("https://h.example/w/{window}", &w, key,
	    sizeof(key));
	is_str(url, "https://h.example/w/%E7%AA%97%E5%8F%A3%201%2F2"
	    "?tag=43dccc08306b3178", "percent-encoded, ?tag= (openssl)");
	is_int(qrpay_window_fields(url, "https://h.example/w/{window}", &back),
	    0, "encoded field read back");
	is_str(back.window, "窗口 1/2", "percent-decoded");
	qrpay_window_release(&back);
	free(url);

	qrpay_check_code("776b99e7", check);
	is_str(check, "776B-99E7", "check code of a short tag");
	qrpay_check_code("776b", check);
	is_str(check, "", "no check code from fewer than 8 digits");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	test_form();
	test_window();
	return tap_done();
}
