/* SPDX-License-Identifier: ISC */
/*
 * The station's key files beside the db (see keys.h): created once with
 * O_EXCL and mode 0600, read back for signing batches and tagging window
 * QR codes.  Buffers that held key material are wiped before they are
 * freed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "i18n.h"
#include "keys.h"
#include "xalloc.h"
#include "banned.h"

/* Key files are small; anything bigger is not ours. */
#define KEYS_MAX_FILE (64 * 1024)

char *
keys_path(const char *dbpath, const char *suffix)
{
	return xasprintf("%s%s", dbpath, suffix);
}

static void
wipe_free(char *s, size_t len)
{
	if (s == NULL)
		return;
	explicit_bzero(s, len);
	free(s);
}

static void
wipe_free_str(char *s)
{
	if (s != NULL)
		wipe_free(s, strlen(s));
}

/* fsyncs the directory holding path, so that a new entry survives. */
static int
sync_dir(const char *path)
{
	char *copy;
	int fd, rc = 0;

	copy = xstrdup(path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd == -1)
		return -1;
	/* Some file systems cannot sync a directory; that is not an error. */
	if (fsync(fd) == -1 && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

/*
 * Creates path mode 0600 holding len bytes of data, unless it exists.
 * Sets *made to 1 if it created the file.  On failure the file is
 * removed and *errstr set.
 */
static int
write_new(const char *path, const char *data, size_t len, int *made,
    char **errstr)
{
	const char *what = "cannot create";
	size_t off = 0;
	ssize_t n;
	int fd, saved;

	*made = 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		*errstr = xasprintf(_("%s: cannot create: %s"), path,
		    strerror(errno));
		return -1;
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			what = _("cannot write");
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		what = _("cannot save to disk");
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		what = _("cannot write");
		goto fail;
	}
	*made = 1;
	if (sync_dir(path) == -1) {
		*errstr = xasprintf(_("%s: cannot save its directory to "
		    "disk: %s"), path, strerror(errno));
		return -1;
	}
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(path);
	*errstr = xasprintf("%s: %s: %s", path, what, strerror(saved));
	return -1;
}

/* Returns 1 if path exists (as anything, even a dangling link), 0 if not. */
static int
exists(const char *path, char **errstr)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	*errstr = xasprintf("%s: %s", path, strerror(errno));
	return -1;
}

static int
create_sm2(const char *path, int *made, char **errstr)
{
	char *pem, *e;
	int rc;

	*made = 0;
	if ((rc = exists(path, errstr)) != 0)
		return rc == 1 ? 0 : -1;
	if (crypto_sm2_keygen(&pem, &e) == -1) {
		*errstr = xasprintf("%s: %s", path, e);
		free(e);
		return -1;
	}
	rc = write_new(path, pem, strlen(pem), made, errstr);
	wipe_free_str(pem);
	return rc;
}

static int
create_qr(const char *path, int *made, char **errstr)
{
	unsigned char secret[KEYS_QR_SECRET_LEN];
	char hex[2 * KEYS_QR_SECRET_LEN + 2], *e;
	int rc;

	*made = 0;
	if ((rc = exists(path, errstr)) != 0)
		return rc == 1 ? 0 : -1;
	if (crypto_random(secret, sizeof(secret), &e) == -1) {
		*errstr = xasprintf("%s: %s", path, e);
		free(e);
		return -1;
	}
	crypto_hex(secret, sizeof(secret), hex);
	hex[2 * KEYS_QR_SECRET_LEN] = '\n';
	hex[2 * KEYS_QR_SECRET_LEN + 1] = '\0';
	rc = write_new(path, hex, 2 * KEYS_QR_SECRET_LEN + 1, made, errstr);
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(hex, sizeof(hex));
	return rc;
}

int
keys_create(const char *dbpath, int *created, char **errstr)
{
	char *path;
	int made_sm2 = 0, made_qr = 0, rc;

	*errstr = NULL;
	path = keys_path(dbpath, KEYS_SM2_SUFFIX);
	rc = create_sm2(path, &made_sm2, errstr);
	free(path);
	if (rc == 0) {
		path = keys_path(dbpath, KEYS_QR_SUFFIX);
		rc = create_qr(path, &made_qr, errstr);
		free(path);
	}
	if (created != NULL)
		*created = made_sm2 || made_qr;
	return rc;
}

/*
 * Reads a whole small regular file into a malloc'd NUL-terminated string
 * of exactly the file's size (no reallocation leaves copies of a key
 * behind).  *lenp gets the length.
 */
static char *
read_small(const char *path, size_t *lenp, char **errstr)
{
	struct stat st;
	char *buf;
	size_t len, off = 0;
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*errstr = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		*errstr = xasprintf("%s: %s", path, strerror(saved));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > KEYS_MAX_FILE) {
		close(fd);
		*errstr = xasprintf(_("%s: not a key file"), path);
		return NULL;
	}
	len = (size_t)st.st_size;
	buf = xmalloc(len + 1);
	while (off < len) {
		n = read(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			wipe_free(buf, len + 1);
			*errstr = xasprintf("%s: %s", path, strerror(saved));
			return NULL;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	*lenp = off;
	return buf;
}

char *
keys_private_pem(const char *dbpath, char **errstr)
{
	char *path, *pem;
	size_t len;

	*errstr = NULL;
	path = keys_path(dbpath, KEYS_SM2_SUFFIX);
	if ((pem = read_small(path, &len, errstr)) != NULL &&
	    (memchr(pem, '\0', len) != NULL ||
	    strstr(pem, "-----BEGIN ") == NULL)) {
		wipe_free(pem, len);
		pem = NULL;
		*errstr = xasprintf(_("%s: not a PEM key file"), path);
	}
	free(path);
	return pem;
}

char *
keys_public_pem(const char *dbpath, char **errstr)
{
	char *priv, *pub, *path, *e;

	if ((priv = keys_private_pem(dbpath, errstr)) == NULL)
		return NULL;
	if (crypto_sm2_pubkey(priv, &pub, &e) == -1) {
		path = keys_path(dbpath, KEYS_SM2_SUFFIX);
		*errstr = xasprintf("%s: %s", path, e);
		free(e);
		free(path);
		pub = NULL;
	}
	wipe_free_str(priv);
	return pub;
}

int
keys_qr_secret(const char *dbpath, unsigned char out[KEYS_QR_SECRET_LEN],
    char **errstr)
{
	char *path, *text;
	size_t len;
	int rc = -1;

	*errstr = NULL;
	path = keys_path(dbpath, KEYS_QR_SUFFIX);
	if ((text = read_small(path, &len, errstr)) == NULL)
		goto out;
	if (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (len > 0 && text[len - 1] == '\r')
		text[--len] = '\0';
	if (strlen(text) != len ||
	    crypto_unhex(text, out, KEYS_QR_SECRET_LEN) == -1)
		*errstr = xasprintf(_("%s: not %d hex digits"), path,
		    2 * KEYS_QR_SECRET_LEN);
	else
		rc = 0;
	wipe_free(text, len);
out:
	free(path);
	return rc;
}

int
keys_check_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	return (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
}
