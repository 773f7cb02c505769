/* SPDX-License-Identifier: ISC */
/*
 * Signed receipts of batches (see receipt.h).
 */
#include <stdlib.h>
#include <string.h>

#include "bag.h"
#include "clock.h"
#include "crypto.h"
#include "i18n.h"
#include "num.h"
#include "receipt.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define SIG_LABEL "Signature: "

int
receipt_make(const struct receipt *r, const struct sm2_key *key,
    char **text, char **errstr)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned char *sig;
	size_t siglen;
	char *hex, *e;
	const char *p, *nl;

	if (r->reasons == NULL)
		strbuf_addf(&sb, "HCP-Receipt: 1\nBatch: %s\nSHA-256: %s\n"
		    "Records: %lld\nReceived: %s\n", r->batch, r->sha256,
		    r->records, r->received);
	else {
		strbuf_addf(&sb, "HCP-Refusal: 1\nBatch: %s\nSHA-256: %s\n"
		    "Refused: %s\n", r->batch, r->sha256, r->received);
		for (p = r->reasons; *p != '\0'; p = *nl ? nl + 1 : nl) {
			nl = p + strcspn(p, "\n");
			if (nl > p)
				strbuf_addf(&sb, "Reason: %.*s\n",
				    (int)(nl - p), p);
		}
	}
	if (crypto_sm2_sign_with(key, sb.buf, sb.len, &sig, &siglen, &e) !=
	    0) {
		*errstr = xasprintf(_("cannot sign the receipt: %s"), e);
		free(e);
		strbuf_release(&sb);
		return -1;
	}
	hex = xmalloc(2 * siglen + 1);
	crypto_hex(sig, siglen, hex);
	strbuf_addf(&sb, "%s%s\n", SIG_LABEL, hex);
	free(hex);
	free(sig);
	*text = strbuf_detach(&sb);
	return 0;
}

int
receipt_refusal(const char *path, const char *sha256, const char *reasons,
    const struct sm2_key *key, char **text, char **errstr)
{
	struct receipt r;
	char when[CLOCK_BUFLEN];
	const char *base = strrchr(path, '/');
	size_t n;
	int rc = 1;

	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	if (n > 7 && strcmp(base + n - 7, ".tar.gz") == 0)
		n -= 7;
	memset(&r, 0, sizeof(r));
	r.batch = xstrndup(base, n);
	if (bag_path_safe(r.batch) && strchr(r.batch, '/') == NULL &&
	    strlen(sha256) == 64) {
		clock_format(clock_now(), when);
		memcpy(r.sha256, sha256, sizeof(r.sha256));
		r.received = when;
		r.reasons = (char *)reasons;
		rc = receipt_make(&r, key, text, errstr);
	}
	free(r.batch);
	return rc;
}

/* "receipt without a valid LABEL line", or the refusal's. */
static char *
lacks(int refusal, const char *label)
{
	return xasprintf(refusal ? _("refusal without a valid %s line") :
	    _("receipt without a valid %s line"), label);
}

/* The fields of a receipt, or of a refusal, into r: 0 or -1. */
static int
fields(const struct bag_tags *t, int refusal, struct receipt *r,
    char **errstr)
{
	struct strbuf reasons = STRBUF_INIT;
	const char *v;
	long long n;
	size_t i;

	if ((v = bag_tags_get(t, "Batch")) == NULL || *v == '\0' ||
	    !bag_path_safe(v) || strchr(v, '/') != NULL) {
		*errstr = lacks(refusal, "Batch");
		return -1;
	}
	r->batch = xstrdup(v);
	if ((v = bag_tags_get(t, "SHA-256")) == NULL || strlen(v) != 64 ||
	    strspn(v, "0123456789abcdef") != 64) {
		*errstr = lacks(refusal, "SHA-256");
		return -1;
	}
	memcpy(r->sha256, v, 65);
	/* what is read is shown: hcp writes nothing to escape */
	for (i = 0; i < t->n; i++)
		if (!str_is_visible(t->v[i].label) ||
		    !str_is_visible(t->v[i].value)) {
			char *label = str_visible(t->v[i].label);

			*errstr = xasprintf(refusal ? _("refusal with a "
			    "character that cannot be shown in its %s line") :
			    _("receipt with a character that cannot be shown "
			    "in its %s line"), label);
			free(label);
			return -1;
		}
	if (refusal) {
		for (i = 0; i < t->n; i++)
			if (strcmp(t->v[i].label, "Reason") == 0 &&
			    *t->v[i].value != '\0')
				strbuf_addf(&reasons, "%s\n", t->v[i].value);
		if ((v = bag_tags_get(t, "Refused")) == NULL ||
		    reasons.len == 0) {
			strbuf_release(&reasons);
			*errstr = xstrdup(_("refusal without its Refused and "
			    "Reason lines"));
			return -1;
		}
		r->received = xstrdup(v);
		r->reasons = strbuf_detach(&reasons);
		return 0;
	}
	if ((v = bag_tags_get(t, "Records")) == NULL ||
	    num_parse(v, 0, 1000000000000LL, &n, NULL) != 0) {
		*errstr = lacks(0, "Records");
		return -1;
	}
	r->records = n;
	if ((v = bag_tags_get(t, "Received")) == NULL) {
		*errstr = lacks(0, "Received");
		return -1;
	}
	r->received = xstrdup(v);
	return 0;
}

int
receipt_parse(const char *text, size_t len, const char *pub_pem,
    struct receipt *r, char **errstr)
{
	struct bag_tags t = { NULL, 0 };
	const char *p, *v, *e;
	char *ce;
	unsigned char *sig = NULL;
	size_t signedlen, hexlen;
	int rc = -1, good, refusal;

	memset(r, 0, sizeof(*r));
	/* The signature line starts a line of its own. */
	for (p = text; p != NULL && p < text + len;) {
		if ((size_t)(text + len - p) >= strlen(SIG_LABEL) &&
		    memcmp(p, SIG_LABEL, strlen(SIG_LABEL)) == 0)
			break;
		p = memchr(p, '\n', (size_t)(text + len - p));
		if (p != NULL)
			p++;
	}
	if (p == NULL || p >= text + len) {
		*errstr = xstrdup(_("not a receipt: no Signature line"));
		return -1;
	}
	signedlen = (size_t)(p - text);
	if (bag_tags_parse(text, len, &t, errstr) != 0)
		return -1;
	refusal = bag_tags_get(&t, "HCP-Refusal") != NULL;
	if ((v = bag_tags_get(&t, refusal ? "HCP-Refusal" : "HCP-Receipt")) ==
	    NULL || strcmp(v, "1") != 0) {
		*errstr = xstrdup(_("not a receipt of a version this hcp "
		    "knows"));
		goto out;
	}
	if (fields(&t, refusal, r, errstr) != 0)
		goto out;
	v = bag_tags_get(&t, "Signature");
	hexlen = v != NULL ? strlen(v) : 0;
	if (hexlen == 0 || hexlen % 2 != 0 || hexlen > 1024) {
		*errstr = lacks(refusal, "Signature");
		goto out;
	}
	sig = xmalloc(hexlen / 2);
	if (crypto_unhex(v, sig, hexlen / 2) != 0) {
		*errstr = lacks(refusal, "Signature");
		goto out;
	}
	/* Nothing may follow the signature line. */
	e = memchr(p, '\n', (size_t)(text + len - p));
	if (e != NULL && e + 1 != text + len) {
		*errstr = xstrdup(refusal ? _("text after the refusal's "
		    "signature") : _("text after the receipt's signature"));
		goto out;
	}
	good = crypto_sm2_verify(pub_pem, text, signedlen, sig, hexlen / 2,
	    &ce);
	if (good < 0) {
		*errstr = xasprintf(refusal ? _("cannot check the refusal: "
		    "%s") : _("cannot check the receipt: %s"), ce);
		free(ce);
		goto out;
	}
	if (good != 0) {
		*errstr = xstrdup(refusal ? _("the refusal's signature is not "
		    "good for this key") : _("the receipt's signature is not "
		    "good for this key"));
		goto out;
	}
	rc = 0;
out:
	free(sig);
	bag_tags_release(&t);
	if (rc != 0)
		receipt_release(r);
	return rc;
}

void
receipt_release(struct receipt *r)
{
	free(r->batch);
	free(r->received);
	free(r->reasons);
	r->batch = NULL;
	r->received = NULL;
	r->reasons = NULL;
}
