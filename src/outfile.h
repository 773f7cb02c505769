/* SPDX-License-Identifier: ISC */
/*
 * Output files written safely: the data goes to a temporary file made
 * with mkstemp(3) in the target's own directory (so no other user can
 * guess its name or plant a link there first), is flushed and synced,
 * and is renamed over the final name, which replaces a symlink planted
 * there rather than following it.  A half-written file never appears
 * under the final name.  A final name that exists and is not a regular
 * file (a terminal, a pipe, /dev/null, /dev/stdout) is written directly,
 * and so is an existing regular file (not a link) in a directory where
 * no file can be created.  A temporary file neither committed nor
 * abandoned when the program exits (an error exit half way) is removed
 * then, and so it is when the program is stopped by SIGHUP, SIGINT,
 * SIGPIPE or SIGTERM (the first outfile_open() installs the handler
 * for each of these signals not ignored).
 *
 * Modes: OUTFILE_PRIVATE (0600) for anything that can hold personal
 * data; OUTFILE_PUBLIC (0666 less the umask) for forms and QR codes.
 * Directories made by outfile_mkdirs() are 0700.
 *
 * Errors: functions return -1 (or NULL) with *errstr set to a malloc'd
 * message naming the file (the caller frees).
 */
#ifndef HCP_OUTFILE_H
#define HCP_OUTFILE_H

#include <sys/types.h>

#include <stdio.h>

#define OUTFILE_PRIVATE	0600
#define OUTFILE_PUBLIC	0666

struct outfile;

/* Starts writing path with the given mode; NULL on failure. */
struct outfile *outfile_open(const char *path, mode_t mode, char **errstr);
/* The stream to write to (owned by of). */
FILE *outfile_fp(struct outfile *of);
/*
 * The file need not outlive a crash of the machine: it is renamed into
 * place whole, but neither it nor the directory is synced.  For what is
 * written again when lost (a receipt: its batch comes again).
 */
void outfile_lazy(struct outfile *of);
/* The name the temporary file has (or path itself if written directly). */
const char *outfile_tmpname(const struct outfile *of);
/*
 * Flushes, syncs and closes the file, renames it into place and syncs
 * the directory.  Frees of, whatever the result; on failure the
 * temporary file is removed and the final name left as it was.
 */
int outfile_commit(struct outfile *of, char **errstr);
/* Closes and removes the temporary file, frees of (NULL allowed). */
void outfile_abort(struct outfile *of);
/*
 * Creates directory dir and any missing parents (like mkdir -p) mode
 * 0700; an existing directory is left as it is.
 */
int outfile_mkdirs(const char *dir, char **errstr);
/*
 * A line the signal handler writes to standard error as the program
 * dies of one of the signals above, NULL for none: what stays done (the
 * serials issued for a PDF never written).  The caller keeps it alive
 * until it sets another.
 */
void outfile_dying_note(const char *line);

#endif
