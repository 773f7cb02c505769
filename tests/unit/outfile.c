/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for outfile.c: a file appears under its name whole or not
 * at all, and a program that exits half way, or is killed, leaves no
 * temporary file.
 */
#include <sys/wait.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "tap.h"
#include "banned.h"

/* The number of entries of dir, . and .. aside. */
static int
entries(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path)
{
	static char buf[64];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

int
main(void)
{
	char dir[] = "/tmp/hcp-outfile.XXXXXX", path[64];
	struct outfile *of;
	char *e = NULL;
	pid_t pid;
	int status;

	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(path, sizeof(path), "%s/out.csv", dir);

	of = outfile_open(path, OUTFILE_PRIVATE, &e);
	ok(of != NULL, "a file is begun");
	fputs("a,b\n", outfile_fp(of));
	is_int(entries(dir), 1, "while it is written, under a temporary name");
	ok(slurp(path) == NULL, "and not under its own");
	is_int(outfile_commit(of, &e), 0, "committed");
	is_str(slurp(path), "a,b\n", "then it is there whole");
	is_int(entries(dir), 1, "and the temporary name is gone");

	of = outfile_open(path, OUTFILE_PRIVATE, &e);
	fputs("c,d\n", outfile_fp(of));
	outfile_abort(of);
	is_str(slurp(path), "a,b\n", "abandoned: the file before stays");
	is_int(entries(dir), 1, "and nothing else is left");

	fflush(stdout);
	if ((pid = fork()) == 0) {
		/* begun, half written, then an error exit */
		of = outfile_open(path, OUTFILE_PRIVATE, &e);
		fputs("half", outfile_fp(of));
		exit(2);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 2, "a program exits half way (2)");
	is_str(slurp(path), "a,b\n", "the file before stays");
	is_int(entries(dir), 1, "no temporary file is left behind");

	fflush(stdout);
	if ((pid = fork()) == 0) {
		/* begun, half written, then stopped by kill(1) */
		of = outfile_open(path, OUTFILE_PRIVATE, &e);
		fputs("half", outfile_fp(of));
		kill(getpid(), SIGTERM);
		exit(0);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	    "a program is stopped half way by SIGTERM, and dies of it");
	is_str(slurp(path), "a,b\n", "the file before stays");
	is_int(entries(dir), 1, "no temporary file is left behind");

	unlink(path);
	rmdir(dir);
	return tap_done();
}
