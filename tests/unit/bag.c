/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the BagIt module: tag-file and manifest parsing, path
 * safety, the writer (members in order, read back with libarchive with
 * the payload spliced in, the signature good over tagmanifest-sm3.txt,
 * the same bytes twice with the same signature, empty and large
 * payloads, the old unspliced way), and receipts (round trip, any change
 * refused).
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bag.h"
#include "crypto.h"
#include "pgzip.h"
#include "receipt.h"
#include "strbuf.h"
#include "tap.h"
#include "zhelp.h"
#include "banned.h"

static void
test_tags(void)
{
	static const char text[] = "BagIt-Version: 1.0\r\n"
	    "Source-Organization: 安吉县\n  政务服务中心\n\nBag-Count: 1 of 2\n";
	struct bag_tags t;
	char *e = NULL;

	ok(bag_tags_parse(text, strlen(text), &t, &e) == 0, "tags parse");
	is_int(t.n, 3, "three elements");
	is_str(bag_tags_get(&t, "BagIt-Version"), "1.0", "CRLF stripped");
	is_str(bag_tags_get(&t, "Source-Organization"), "安吉县 政务服务中心",
	    "continuation line joined");
	is_str(bag_tags_get(&t, "Bag-Count"), "1 of 2", "a value by label");
	ok(bag_tags_get(&t, "Nope") == NULL, "absent label");
	bag_tags_release(&t);
	ok(bag_tags_parse("no colon here\n", 14, &t, &e) == -1 &&
	    strstr(e, "line 1") != NULL, "a line without a label is refused");
	free(e);
	ok(bag_tags_parse("Refused:\n  2026-11-24\n", 22, &t, &e) == 0 &&
	    strcmp(bag_tags_get(&t, "Refused"), "2026-11-24") == 0,
	    "an empty value continued: no blank before it");
	bag_tags_release(&t);
	ok(bag_tags_parse("  lonely\n", 9, &t, &e) == -1,
	    "a continuation without a label is refused");
	free(e);
}

static void
test_manifest(void)
{
	char good[256], *e = NULL;
	struct bag_manifest m;
	const char *h =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	snprintf(good, sizeof(good), "%s  data/a.csv\n%s *data/b.csv\r\n",
	    h, h);
	ok(bag_manifest_parse(good, strlen(good), &m, &e) == 0,
	    "manifest parses (two blanks, binary marker, CRLF)");
	is_int(m.n, 2, "two entries");
	is_str(m.v[1].path, "data/b.csv", "binary marker dropped");
	is_int(m.v[0].digest[1], 0x23, "digest decoded");
	bag_manifest_release(&m);
	snprintf(good, sizeof(good), "%s  ../etc/passwd\n", h);
	ok(bag_manifest_parse(good, strlen(good), &m, &e) == -1,
	    "unsafe path refused");
	free(e);
	snprintf(good, sizeof(good), "%s  a\n%s  a\n", h, h);
	ok(bag_manifest_parse(good, strlen(good), &m, &e) == -1,
	    "a path listed twice is refused");
	free(e);
	ok(bag_manifest_parse("xyz  a\n", 7, &m, &e) == -1,
	    "a short digest is refused");
	free(e);
}

static void
test_paths(void)
{
	ok(bag_path_safe("hcp-1/data/evaluations.csv"), "plain path safe");
	ok(!bag_path_safe("/etc/passwd"), "absolute path unsafe");
	ok(!bag_path_safe("a/../b"), "dot-dot unsafe");
	ok(!bag_path_safe("a/./b"), "dot unsafe");
	ok(!bag_path_safe("a//b"), "empty component unsafe");
	ok(!bag_path_safe("a/"), "trailing slash unsafe");
	ok(!bag_path_safe(""), "empty unsafe");
	ok(!bag_path_safe("a\\b"), "backslash unsafe");
	ok(!bag_path_safe("a\nb"), "control character unsafe");
}

struct readback {
	struct strbuf names;
	struct strbuf tagsm3;
	struct strbuf sig;
	struct strbuf payload;
};

static int
read_back(const char *path, struct readback *rb)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int rc;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 10240) != ARCHIVE_OK)
		return -1;
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		struct strbuf *to = NULL;
		char buf[4096];
		la_ssize_t n;

		strbuf_addf(&rb->names, "%s %o %lld\n", name,
		    (unsigned)archive_entry_perm(e),
		    (long long)archive_entry_mtime(e));
		if (strstr(name, "/tagmanifest-sm3.txt") != NULL)
			to = &rb->tagsm3;
		else if (strstr(name, "/signature.sm2") != NULL)
			to = &rb->sig;
		else if (strstr(name, "/" BAG_PAYLOAD) != NULL)
			to = &rb->payload;
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
			if (to != NULL)
				strbuf_add(to, buf, (size_t)n);
	}
	archive_read_free(a);
	return rc == ARCHIVE_EOF ? 0 : -1;
}

static void
readback_release(struct readback *rb)
{
	strbuf_release(&rb->names);
	strbuf_release(&rb->tagsm3);
	strbuf_release(&rb->sig);
	strbuf_release(&rb->payload);
}

/* The payload of spec, compressed ahead in pieces of step bytes. */
static struct bag_payload *
payload(struct bag_spec *spec, const char *p, size_t n, size_t step)
{
	struct bag_payload *bp;
	char *e = NULL;
	size_t off;

	if ((bp = bag_payload_new("/tmp", spec->name, &e)) == NULL) {
		printf("# %s\n", e);
		free(e);
		return NULL;
	}
	for (off = 0; off < n; off += step)
		bag_payload_write(bp, p + off, n - off < step ? n - off : step,
		    &e);
	if (bag_payload_finish(bp, spec, &e) != 0) {
		printf("# %s\n", e);
		free(e);
	}
	return bp;
}

/* The whole file at fd, from its start. */
static void
slurp(int fd, struct strbuf *sb)
{
	char buf[65536];
	off_t off = 0;
	ssize_t n;

	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		strbuf_add(sb, buf, (size_t)n);
		off += n;
	}
}

static void
test_write(void)
{
	static const char csv[] = "projectNo,satisfaction\r\nP1,5\r\n";
	struct bag_spec spec;
	struct bag_payload *bp;
	struct readback rb = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
	    STRBUF_INIT };
	char tmpl1[] = "/tmp/bagtest.XXXXXX", tmpl2[] = "/tmp/bagtest.XXXXXX";
	char *priv = NULL, *pub = NULL, *e = NULL;
	const char *expect;
	unsigned char *sig = NULL, *sig2 = NULL, sha1[DIGEST_LEN],
	    sha2[DIGEST_LEN];
	size_t siglen = 0, siglen2 = 0;
	int fd1, fd2;

	ok(crypto_sm2_keygen(&priv, NULL) == 0 &&
		crypto_sm2_pubkey(priv, &pub, NULL) == 0,
	    "a station key");
	memset(&spec, 0, sizeof(spec));
	spec.name = "hcp-33052301-000001";
	spec.mtime = 1795300000;
	spec.info = "External-Identifier: hcp-33052301-000001\n";
	bp = payload(&spec, csv, strlen(csv), 7);
	ok(bp != NULL && spec.payload_len == strlen(csv),
	    "payload compressed ahead");
	spec.priv_pem = priv;

	fd1 = mkstemp(tmpl1);
	fd2 = mkstemp(tmpl2);
	ok(bag_write(&spec, fd1, &sig, &siglen, sha1, &e) == 0 &&
	    sig != NULL, "bag written and signed");
	ok(read_back(tmpl1, &rb) == 0, "libarchive reads it back");
	expect = "hcp-33052301-000001/bag-info.txt 644 1795300000\n"
	    "hcp-33052301-000001/bagit.txt 644 1795300000\n"
	    "hcp-33052301-000001/data/evaluations.csv 644 1795300000\n"
	    "hcp-33052301-000001/manifest-sha256.txt 644 1795300000\n"
	    "hcp-33052301-000001/manifest-sm3.txt 644 1795300000\n"
	    "hcp-33052301-000001/signature.sm2 644 1795300000\n"
	    "hcp-33052301-000001/tagmanifest-sha256.txt 644 1795300000\n"
	    "hcp-33052301-000001/tagmanifest-sm3.txt 644 1795300000\n";
	is_str(rb.names.buf, expect, "members in order, 0644, batch time");
	ok(rb.payload.len == strlen(csv) && memcmp(rb.payload.buf, csv,
	    strlen(csv)) == 0, "the spliced payload reads back");
	ok(crypto_sm2_verify(pub, rb.tagsm3.buf, rb.tagsm3.len,
	       (unsigned char *)rb.sig.buf, rb.sig.len, NULL) == 0,
	    "signature good over tagmanifest-sm3.txt");
	ok(strstr(rb.tagsm3.buf, "  manifest-sm3.txt\n") != NULL &&
	    strstr(rb.tagsm3.buf, "signature") == NULL,
	    "tag manifest lists the manifests, not the signature");

	spec.sig = sig;
	spec.siglen = siglen;
	ok(bag_write(&spec, fd2, &sig2, &siglen2, sha2, &e) == 0 &&
	    sig2 == NULL, "written again with the stored signature");
	ok(memcmp(sha1, sha2, DIGEST_LEN) == 0, "the same bytes");

	close(fd1);
	close(fd2);
	unlink(tmpl1);
	unlink(tmpl2);
	bag_payload_free(bp);
	readback_release(&rb);
	free(sig);
	free(priv);
	free(pub);
}

/* CSV-like lines, n bytes. */
static char *
sample(size_t n)
{
	char *p = malloc(n + 1);
	unsigned long x = 4321;
	size_t i = 0;

	while (i < n) {
		char line[96];
		int k;

		x = x * 1103515245 + 12345;
		k = snprintf(line, sizeof(line), "P%07lu,%lu,A0%lu,2026-11-"
		    "%02lu 10:%02lu:00\r\n", (x >> 8) % 10000000,
		    (x >> 3) % 5 + 1, (x >> 5) % 6 + 1, (x >> 9) % 28 + 1,
		    (x >> 11) % 60);
		memcpy(p + i, line, (size_t)k < n - i ? (size_t)k : n - i);
		i += (size_t)k < n - i ? (size_t)k : n - i;
	}
	return p;
}

/*
 * Payloads of 0 bytes and of many blocks: read back whole; gzip -t and
 * tar accept the file; written the old way (unspliced) the bag is the
 * same tar stream, compressed as one run (what pgzip makes of it whole),
 * and a run shorter than said is refused.
 */
static void
test_sizes(void)
{
	static const size_t sizes[] = { 0, 1500000 };
	char *priv = NULL, *data = sample(1500000);
	size_t i;

	crypto_sm2_keygen(&priv, NULL);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct readback rb = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
		    STRBUF_INIT };
		struct strbuf gz = STRBUF_INIT, tar = STRBUF_INIT;
		struct strbuf old = STRBUF_INIT, oldtar = STRBUF_INIT;
		struct strbuf whole = STRBUF_INIT;
		struct bag_spec spec;
		struct bag_payload *bp;
		struct pgzip *z;
		char tmpl[] = "/tmp/bagtest.XXXXXX", cmd[200], what[100];
		unsigned char *sig = NULL, *sig2 = NULL, sha[DIGEST_LEN];
		size_t siglen = 0;
		char *e = NULL;
		int fd;

		memset(&spec, 0, sizeof(spec));
		spec.name = "hcp-33052301-000002";
		spec.mtime = 1795300000;
		spec.info = "External-Identifier: hcp-33052301-000002\n"
		    "Payload-Oxum: whatever\n";
		bp = payload(&spec, data, sizes[i], 65536 + 3);
		spec.priv_pem = priv;
		fd = mkstemp(tmpl);
		snprintf(what, sizeof(what), "%zu-byte payload: written",
		    sizes[i]);
		ok(bag_write(&spec, fd, &sig, &siglen, sha, &e) == 0, what);
		snprintf(what, sizeof(what), "%zu-byte payload: reads back",
		    sizes[i]);
		ok(read_back(tmpl, &rb) == 0 && rb.payload.len == sizes[i] &&
		    (sizes[i] == 0 || memcmp(rb.payload.buf, data,
		    sizes[i]) == 0), what);
		snprintf(cmd, sizeof(cmd), "gzip -t %s && tar tzf %s "
		    ">/dev/null", tmpl, tmpl);
		snprintf(what, sizeof(what), "%zu-byte payload: gzip -t and "
		    "tar accept it", sizes[i]);
		ok(system(cmd) == 0, what);
		slurp(fd, &gz);
		gunzip(&gz, &tar);

		/* The old way, with the signature just made. */
		spec.sig = sig;
		spec.siglen = siglen;
		spec.unspliced = 1;
		if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
			printf("# cannot truncate %s\n", tmpl);
		snprintf(what, sizeof(what), "%zu-byte payload: written "
		    "unspliced", sizes[i]);
		ok(bag_write(&spec, fd, &sig2, &siglen, sha, &e) == 0, what);
		slurp(fd, &old);
		gunzip(&old, &oldtar);
		z = pgzip_new(6, 3, to_strbuf, &whole);
		pgzip_write(z, tar.buf, tar.len);
		pgzip_finish(z);
		pgzip_free(z);
		snprintf(what, sizeof(what), "%zu-byte payload: unspliced, the "
		    "same tar compressed whole", sizes[i]);
		ok(tar.len > 0 && tar.len == oldtar.len && memcmp(tar.buf,
		    oldtar.buf, tar.len) == 0 && old.len == whole.len &&
		    memcmp(old.buf, whole.buf, old.len) == 0, what);
		if (sizes[i] > 0) {
			ok(gz.len != old.len || memcmp(gz.buf, old.buf,
			    gz.len) != 0, "spliced is not the old bytes");
			spec.unspliced = 0;
			spec.zp.clen++;
			ok(bag_write(&spec, fd, &sig2, &siglen, sha, &e) ==
			    -1 && strstr(e, "too short") != NULL,
			    "a run shorter than said is refused");
			free(e);
			spec.zp.clen--;
			spec.unspliced = 1;
			spec.zp.crc ^= 1;
			ok(bag_write(&spec, fd, &sig2, &siglen, sha, &e) ==
			    -1 && strstr(e, "does not inflate") != NULL,
			    "unspliced, a wrong CRC is refused");
			free(e);
		}
		close(fd);
		unlink(tmpl);
		bag_payload_free(bp);
		readback_release(&rb);
		strbuf_release(&gz);
		strbuf_release(&tar);
		strbuf_release(&old);
		strbuf_release(&oldtar);
		strbuf_release(&whole);
		free(sig);
	}
	free(priv);
	free(data);
}

static void
test_receipt(void)
{
	char batch[] = "hcp-33052301-000001", when[] = "2026-11-22 10:05:00";
	char reasons[] = "signature.sm2: not good\nstation 33052301 is "
	    "not registered\n";
	char escaped[] = "data/a\033[2J.csv: not in the manifest\n";
	struct receipt r = { batch, "", 30, when, NULL }, back;
	char *priv = NULL, *other = NULL, *pub = NULL, *text = NULL, *e;
	struct sm2_key *k, *ko;
	size_t i, n, caught = 0;

	memset(r.sha256, 'a', 64);
	r.sha256[64] = '\0';
	crypto_sm2_keygen(&priv, NULL);
	crypto_sm2_keygen(&other, NULL);
	crypto_sm2_pubkey(priv, &pub, NULL);
	k = crypto_sm2_private(priv, NULL);
	ko = crypto_sm2_private(other, NULL);
	ok(k != NULL && ko != NULL, "private keys read once");
	ok(receipt_make(&r, k, &text, &e) == 0, "receipt made");
	ok(receipt_parse(text, strlen(text), pub, &back, &e) == 0,
	    "receipt parses and its signature is good");
	is_str(back.batch, r.batch, "batch name back");
	is_int(back.records, 30, "records back");
	is_str(back.sha256, r.sha256, "digest back");
	receipt_release(&back);
	/* Any change to a signed byte is refused. */
	n = strstr(text, "Signature: ") - text;
	for (i = 0; i < n; i++) {
		text[i] ^= 1;
		if (receipt_parse(text, strlen(text), pub, &back, &e) != 0) {
			caught++;
			free(e);
		} else
			receipt_release(&back);
		text[i] ^= 1;
	}
	is_int(caught, n, "every changed byte refused");
	free(text);
	/* a refusal: its reasons back, a line each; no receipt */
	r.reasons = reasons;
	ok(receipt_make(&r, k, &text, &e) == 0, "refusal made");
	ok(strncmp(text, "HCP-Refusal: 1\n", 15) == 0 &&
	    strstr(text, "\nReason: station 33052301 is not registered\n") !=
	    NULL && strstr(text, "Records:") == NULL, "refusal text");
	ok(receipt_parse(text, strlen(text), pub, &back, &e) == 0,
	    "refusal parses and its signature is good");
	is_str(back.reasons != NULL ? back.reasons : "", reasons,
	    "reasons back");
	is_str(back.received, when, "time refused back");
	receipt_release(&back);
	free(text);
	/* a reason with a control character (an escape) is not shown */
	r.reasons = escaped;
	ok(receipt_make(&r, k, &text, &e) == 0, "refusal with an escape made");
	ok(receipt_parse(text, strlen(text), pub, &back, &e) == -1 &&
	    strcmp(e, "refusal with a character that cannot be shown in its "
	    "Reason line") == 0, "an escape in a signed refusal refused");
	free(e);
	free(text);
	r.reasons = reasons;
	ok(receipt_make(&r, k, &text, &e) == 0, "refusal made again");
	/* a damaged refusal is called a refusal */
	text[strstr(text, "Batch: ") - text] = 'X';
	ok(receipt_parse(text, strlen(text), pub, &back, &e) == -1 &&
	    strcmp(e, "refusal without a valid Batch line") == 0,
	    "a refusal's missing line named as the refusal's");
	free(e);
	free(text);
	/* the refusal of a file: for the name it came under, if a batch's */
	ok(receipt_refusal("in/up-7.tar.gz", r.sha256, reasons, k, &text,
	    &e) == 0 && strstr(text, "\nBatch: up-7\n") != NULL,
	    "refusal of a file for its name");
	free(text);
	ok(receipt_refusal("in/up\033]0.tar.gz", r.sha256, reasons, k, &text,
	    &e) == 1, "no refusal for a name no batch could have");
	ok(receipt_refusal("in/..tar.gz", r.sha256, reasons, k, &text,
	    &e) == 1 && receipt_refusal("in/up-7.tar.gz", "", reasons, k,
	    &text, &e) == 1, "nor for .. nor an unknown digest");
	r.reasons = NULL;
	receipt_make(&r, ko, &text, &e);
	ok(receipt_parse(text, strlen(text), pub, &back, &e) == -1,
	    "another key's receipt refused");
	crypto_sm2_key_free(k);
	crypto_sm2_key_free(ko);
	free(e);
	free(text);
	free(priv);
	free(other);
	free(pub);
}

int
main(void)
{
	test_tags();
	test_manifest();
	test_paths();
	test_write();
	test_sizes();
	test_receipt();
	return tap_done();
}
