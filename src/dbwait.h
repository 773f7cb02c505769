/* SPDX-License-Identifier: ISC */
/*
 * Waiting for a station db that another program is writing to.  SQLite
 * calls dbwait_busy() while the db is locked; it sleeps a little at a
 * time, tells the tool once, after a second, that it is waiting (the
 * tool prints it: this module prints nothing), and gives up after the
 * timeout, when the SQLite call fails with "database is locked".
 */
#ifndef HCP_DBWAIT_H
#define HCP_DBWAIT_H

/* The default timeout, in milliseconds. */
#define DBWAIT_TIMEOUT_MS 30000
/* How long the wait is before the tool is told. */
#define DBWAIT_NOTICE_MS 1000

/*
 * For the whole process: wait up to timeout_ms (0: the default) and call
 * notice(path, timeout_ms) once a wait has lasted DBWAIT_NOTICE_MS.
 */
void dbwait_configure(long timeout_ms, void (*notice)(const char *path,
    long timeout_ms));

/*
 * The SQLite busy handler: arg is the db's path (a string that outlives
 * the connection), count how many times it was called for this lock.
 * Returns 1 to try again, 0 to give up.
 */
int dbwait_busy(void *arg, int count);

#endif
