/* SPDX-License-Identifier: ISC */
/*
 * QR payloads (DESIGN §7.2, §7.3).
 *
 * Form QR: alphanumeric-mode text (0-9 A-Z and ":" only), so the symbol
 * stays small:
 *
 *	HCPF:<serial, 16 digits>:<template id>-<version>:<fingerprint>
 *	e.g. HCPF:3305230100001234:STD-1:C4D6A8CF
 *
 * Window QR: the station's URL template (setting qr_url) with the
 * placeholders {area} {dept} {window} {staff} {item} replaced by their
 * values, percent-encoded (RFC 3986: everything but A-Z a-z 0-9 - . _ ~),
 * then a last parameter "tag=" ("&tag=", or "?tag=" if the URL has no
 * query yet) of 16 lower-case hex digits: the first 8 bytes of
 *
 *	HMAC-SM3(station QR secret, "HCPW1\n" <URL up to the tag parameter>)
 *
 * The canonical payload is thus the URL exactly as printed, without its
 * tag, so any change to the host, a parameter or the tag is caught.
 *
 * Nothing here allocates except where noted (malloc'd, caller frees).
 */
#ifndef HCP_QRPAY_H
#define HCP_QRPAY_H

#include <stddef.h>

#define QRPAY_FORM_MAX 64	/* buffer for a form payload */
#define QRPAY_TAG_HEX 16	/* hex digits of a window tag */

/*
 * Writes the form payload into out.  Returns 0, or -1 if the serial is
 * not 16 digits or tid/fingerprint are not upper-case letters, digits
 * and '-'.
 */
int qrpay_form_make(const char *serial, const char *tid,
    const char *fingerprint, char out[QRPAY_FORM_MAX]);

enum qrpay_result {
	QRPAY_OK = 0,		/* genuine / well formed */
	QRPAY_BAD,		/* forged, altered or failed check digit */
	QRPAY_MALFORMED		/* not a payload of this kind at all */
};

/*
 * Parses a form payload: writes the serial (17 bytes), template id (24)
 * and fingerprint (9).  QRPAY_BAD if the serial's check digit fails.
 */
int qrpay_form_parse(const char *text, char serial[17], char tid[24],
    char fingerprint[9]);

struct qrpay_window {
	const char *area;	/* each may be NULL or "" */
	const char *dept;
	const char *window;
	const char *staff;
	const char *item;
};

/* Returns the URL of tmpl filled in with w, with its tag (malloc'd). */
char *qrpay_window_url(const char *tmpl, const struct qrpay_window *w,
    const unsigned char *key, size_t keylen);

/*
 * Checks a scanned window URL: QRPAY_OK if its tag is right for key,
 * QRPAY_BAD if it is not, QRPAY_MALFORMED if it has no tag parameter at
 * its end.  With tag non-NULL, copies the tag found (17 bytes).
 */
int qrpay_window_verify(const char *url, const unsigned char *key,
    size_t keylen, char tag[QRPAY_TAG_HEX + 1]);

/*
 * Reads the values back out of url by matching it against tmpl (which
 * must be the template it was made from).  Returns 0 and fills the five
 * strings (malloc'd, percent-decoded; free with
 * qrpay_window_release()), or -1 if url does not match tmpl.
 */
int qrpay_window_fields(const char *url, const char *tmpl,
    struct qrpay_window *w);
void qrpay_window_release(struct qrpay_window *w);

/* The check code printed under a window QR: "ABCD-EF12" (10 bytes). */
void qrpay_check_code(const char *tag, char out[10]);

#endif
