/* SPDX-License-Identifier: ISC */
/*
 * Safe output files: mkstemp in the target directory, rename into
 * place (see outfile.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "xalloc.h"
#include "banned.h"

struct outfile {
	char *path;		/* the final name */
	char *tmp;		/* the temporary name, NULL if direct */
	FILE *fp;
	int lazy;		/* not synced (outfile_lazy) */
	struct outfile *prev, *next;	/* in pending, while tmp exists */
};

static pthread_once_t umask_once = PTHREAD_ONCE_INIT;
static mode_t umask_value;

/*
 * The files begun and neither committed nor abandoned: a tool that exits
 * on an error (errx) half way, or is interrupted (Ctrl-C, kill), leaves
 * no temporary file behind.
 *
 * The signal handler cannot take the lock (it may have interrupted its
 * holder), and another thread may be changing the list meanwhile.  So a
 * change is made with the signals below blocked in its thread (its own
 * handler never waits for it), counted in `changing`, and only while no
 * handler runs: the handler sets `dying`, waits until no change is under
 * way (in other threads: each is a few instructions), then walks a list
 * that no longer changes.  A change that finds `dying` set leaves the
 * list and frees nothing: the process is about to die of the signal.
 * While a handler runs, these signals are blocked in its thread: a second
 * one (timeout(1) sends one to the tool and one to its group) waits
 * instead of killing the tool half way through its cleaning up.
 */
static const int sigs[] = { SIGHUP, SIGINT, SIGPIPE, SIGTERM };
static pthread_once_t init_done = PTHREAD_ONCE_INIT;
static pthread_mutex_t pending_mu = PTHREAD_MUTEX_INITIALIZER;
static struct outfile *pending;
static atomic_int dying, changing;
static _Atomic(const char *) note;	/* outfile_dying_note() */

/* At exit: the names only (another thread may still be writing). */
static void
remove_pending(void)
{
	struct outfile *of;

	pthread_mutex_lock(&pending_mu);
	for (of = pending; of != NULL; of = of->next)
		unlink(of->tmp);
	pthread_mutex_unlock(&pending_mu);
}

static void
on_signal(int sig)
{
	struct outfile *of;
	const char *line = atomic_load(&note);
	struct sigaction dfl;
	sigset_t set;
	int saved = errno;
	ssize_t said;

	if (line != NULL) {
		said = write(STDERR_FILENO, line, strlen(line));
		(void)said;	/* nothing more can be said */
	}
	atomic_store(&dying, 1);
	while (atomic_load(&changing) != 0)
		;	/* another thread ends its change */
	for (of = pending; of != NULL; of = of->next)
		unlink(of->tmp);
	/* as if it were not caught: the signals of sa_mask (a second
	 * one, sent meanwhile) wait until this one is the default again */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	errno = saved;
	raise(sig);
}

static void
init_once(void)
{
	struct sigaction sa, old;
	size_t i;

	atexit(remove_pending);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	/* a signal ignored (nohup) stays ignored */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
}

/* Begins a change of the list: 0, or -1 when a handler is at work. */
static int
change_begin(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
	pthread_mutex_lock(&pending_mu);
	atomic_fetch_add(&changing, 1);
	if (atomic_load(&dying)) {
		atomic_fetch_sub(&changing, 1);
		pthread_mutex_unlock(&pending_mu);
		pthread_sigmask(SIG_SETMASK, old, NULL);
		return -1;
	}
	return 0;
}

static void
change_end(const sigset_t *old)
{
	atomic_fetch_sub(&changing, 1);
	pthread_mutex_unlock(&pending_mu);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/*
 * Makes the temporary file of->tmp (mkostemp: O_CREAT|O_EXCL, mode 0600,
 * never a link) and lists it, as one change: no signal finds the file
 * made and not listed.  The descriptor, or -1 with errno (EINTR when the
 * process is dying of a signal).
 */
static int
pending_create(struct outfile *of)
{
	sigset_t old;
	int fd;

	if (change_begin(&old) != 0) {
		errno = EINTR;
		return -1;
	}
	if ((fd = mkostemp(of->tmp, O_CLOEXEC)) != -1) {
		of->prev = NULL;
		of->next = pending;
		if (pending != NULL)
			pending->prev = of;
		pending = of;
	}
	change_end(&old);
	return fd;
}

/* Takes of out: 0, or -1 when it must not be freed (a handler walks). */
static int
pending_remove(struct outfile *of)
{
	sigset_t old;

	if (change_begin(&old) != 0)
		return -1;
	if (of->prev != NULL)
		of->prev->next = of->next;
	else if (pending == of)
		pending = of->next;
	if (of->next != NULL)
		of->next->prev = of->prev;
	of->prev = of->next = NULL;
	change_end(&old);
	return 0;
}

/* umask(2) can only be read by setting it: once, before any thread. */
static void
read_umask(void)
{
	umask_value = umask(077);
	umask(umask_value);
}

static char *
dir_of(const char *path)
{
	char *copy = xstrdup(path), *d;

	d = xstrdup(dirname(copy));
	free(copy);
	return d;
}

static int
sync_dir(const char *path)
{
	char *d = dir_of(path);
	int fd, rc = 0;

	fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(d);
	if (fd == -1)
		return -1;
	/* Some file systems cannot sync a directory; that is not an error. */
	if (fsync(fd) == -1 && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

/*
 * When no file can be made in the directory (not ours, read-only) but
 * path is a regular file we may write, it is written in place: opened
 * without following a link, made 0600 first if private, then truncated.
 * Returns the descriptor, or -1 with errno that of the directory.
 */
static int
in_place(const char *path, mode_t mode)
{
	struct stat st;
	int fd, saved = errno;

	if ((saved != EACCES && saved != EPERM && saved != EROFS) ||
	    lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		errno = saved;
		return -1;
	}
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (((mode & 077) == 0 && fchmod(fd, mode) != 0) ||
	    ftruncate(fd, 0) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

struct outfile *
outfile_open(const char *path, mode_t mode, char **errstr)
{
	struct outfile *of;
	struct stat st;
	char *d, *base, *copy;
	int fd;

	pthread_once(&umask_once, read_umask);
	pthread_once(&init_done, init_once);
	of = xcalloc(1, sizeof(*of));
	of->path = xstrdup(path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* a device or a pipe: nothing to rename over */
		fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd == -1)
			goto fail;
	} else {
		d = dir_of(path);
		copy = xstrdup(path);
		base = basename(copy);
		of->tmp = xasprintf("%s/.%s.XXXXXX", d, base);
		free(copy);
		free(d);
		if ((fd = pending_create(of)) == -1) {
			int saved = errno;

			free(of->tmp);
			of->tmp = NULL;
			errno = saved;
			if (saved == EINTR || (fd = in_place(path, mode)) == -1)
				goto fail;
		} else if ((mode & 077) != 0 &&
		    fchmod(fd, mode & ~umask_value & 0777) != 0) {
			close(fd);
			goto fail_tmp;
		}
	}
	if ((of->fp = fdopen(fd, "wb")) == NULL) {
		close(fd);
		if (of->tmp != NULL)
			goto fail_tmp;
		goto fail;
	}
	return of;
fail_tmp:
	{
		int saved = errno;

		unlink(of->tmp);
		if (pending_remove(of) != 0) {	/* dying: nothing freed */
			*errstr = xasprintf("%s: %s", path, strerror(EINTR));
			return NULL;
		}
		errno = saved;
	}
fail:
	*errstr = xasprintf("%s: %s", path, strerror(errno));
	free(of->tmp);
	free(of->path);
	free(of);
	return NULL;
}

FILE *
outfile_fp(struct outfile *of)
{
	return of->fp;
}

void
outfile_lazy(struct outfile *of)
{
	of->lazy = 1;
}

const char *
outfile_tmpname(const struct outfile *of)
{
	return of->tmp != NULL ? of->tmp : of->path;
}

static void
outfile_release(struct outfile *of)
{
	if (of->tmp != NULL && pending_remove(of) != 0)
		return;
	free(of->path);
	free(of->tmp);
	free(of);
}

int
outfile_commit(struct outfile *of, char **errstr)
{
	int bad;

	bad = fflush(of->fp) != 0 || ferror(of->fp);
	if (!bad && of->tmp != NULL && !of->lazy &&
	    fsync(fileno(of->fp)) != 0)
		bad = 1;
	if (bad) {
		*errstr = xasprintf("%s: %s", of->path, strerror(errno));
		outfile_abort(of);
		return -1;
	}
	if (fclose(of->fp) != 0) {
		of->fp = NULL;
		*errstr = xasprintf("%s: %s", of->path, strerror(errno));
		outfile_abort(of);
		return -1;
	}
	of->fp = NULL;
	if (of->tmp != NULL) {
		if (rename(of->tmp, of->path) != 0) {
			*errstr = xasprintf("%s: %s", of->path,
			    strerror(errno));
			outfile_abort(of);
			return -1;
		}
		if (!of->lazy && sync_dir(of->path) != 0) {
			*errstr = xasprintf("%s: %s", of->path,
			    strerror(errno));
			outfile_release(of);
			return -1;
		}
	}
	outfile_release(of);
	return 0;
}

void
outfile_abort(struct outfile *of)
{
	if (of == NULL)
		return;
	if (of->fp != NULL)
		fclose(of->fp);
	if (of->tmp != NULL)
		unlink(of->tmp);
	outfile_release(of);
}

int
outfile_mkdirs(const char *dir, char **errstr)
{
	struct stat st;
	char *p, *s;

	if (*dir == '\0') {
		*errstr = xasprintf("%s: %s", dir, strerror(ENOENT));
		return -1;
	}
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		*errstr = xasprintf("%s: %s", dir, strerror(ENOTDIR));
		return -1;
	}
	p = xstrdup(dir);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST) {
				*errstr = xasprintf("%s: %s", p,
				    strerror(errno));
				free(p);
				return -1;
			}
			*s = c;
		}
		if (*s == '\0')
			break;
	}
	free(p);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		*errstr = xasprintf("%s: %s", dir, strerror(errno != 0 ?
		    errno : ENOTDIR));
		return -1;
	}
	return 0;
}

void
outfile_dying_note(const char *line)
{
	atomic_store(&note, line);
}
