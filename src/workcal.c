/* SPDX-License-Identifier: ISC */
/*
 * Working-day calendar (see workcal.h): a table of marks per covered
 * year, one byte a day, and date arithmetic on day numbers.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "i18n.h"
#include "workcal.h"
#include "xalloc.h"
#include "banned.h"

#define WORKCAL_MAXYEARS 64	/* more than any station keeps */

struct wc_year {
	int year;
	int covered;		/* a calendar file for it was loaded */
	unsigned char day[366];	/* enum workcal_kind, by day of year */
};

struct workcal {
	struct wc_year *v;
	size_t n;
	char *dir;		/* the directory loaded, for messages */
};

int
workcal_parse(const char *s, long *day)
{
	long z;

	if (clock_parse_day(s, &z) != 0 || z < 0)
		return -1;
	*day = z;
	return 0;
}

int
workcal_add_days(const char *date, int n, char out[WORKCAL_DATELEN])
{
	long z;

	if (workcal_parse(date, &z) != 0)
		return -1;
	clock_format_day(z + n, out);
	return 0;
}

struct workcal *
workcal_new(void)
{
	return xcalloc(1, sizeof(struct workcal));
}

void
workcal_free(struct workcal *wc)
{
	if (wc == NULL)
		return;
	free(wc->v);
	free(wc->dir);
	free(wc);
}

static struct wc_year *
year_get(struct workcal *wc, int year, int create)
{
	size_t i;

	for (i = 0; i < wc->n; i++)
		if (wc->v[i].year == year)
			return &wc->v[i];
	if (!create || wc->n == WORKCAL_MAXYEARS)
		return NULL;
	wc->v = xreallocarray(wc->v, wc->n + 1, sizeof(*wc->v));
	memset(&wc->v[wc->n], 0, sizeof(*wc->v));
	wc->v[wc->n].year = year;
	return &wc->v[wc->n++];
}

/* Year and day of year of day number z. */
static void
year_day(long z, int *year, int *yday)
{
	int m, d;

	clock_civil_from_days(z, year, &m, &d);
	*yday = (int)(z - clock_days_from_civil(*year, 1, 1));
}

static int
mark(struct workcal *wc, const char *date, enum workcal_kind kind,
    struct wc_year **yp)
{
	struct wc_year *y;
	int year, yday;
	long z;

	if (workcal_parse(date, &z) != 0)
		return -1;
	year_day(z, &year, &yday);
	if ((y = year_get(wc, year, 1)) == NULL)
		return -1;
	y->day[yday] = (unsigned char)kind;
	if (yp != NULL)
		*yp = y;
	return 0;
}

int
workcal_set(struct workcal *wc, const char *date, enum workcal_kind kind,
    char **errstr)
{
	if (mark(wc, date, kind, NULL) != 0) {
		*errstr = xasprintf(_("%s: not a date (YYYY-MM-DD)"), date);
		return -1;
	}
	return 0;
}

/* The year a file name NAME-YYYY.csv covers, or -1. */
static int
file_year(const char *name)
{
	size_t len = strlen(name);
	const char *p;
	int y = 0, i;

	if (len < 10 || strcmp(name + len - 4, ".csv") != 0)
		return -1;
	p = name + len - 9;
	if (*p != '-')
		return -1;
	for (i = 1; i <= 4; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		y = y * 10 + (p[i] - '0');
	}
	return y;
}

int
workcal_load_file(struct workcal *wc, const char *path, char **errstr)
{
	const char *base = strrchr(path, '/');
	char line[512], *date, *kind, *p;
	struct wc_year *y;
	long lineno = 0;
	int year, header = 0;
	FILE *fp;

	base = base != NULL ? base + 1 : path;
	if ((year = file_year(base)) < 0) {
		*errstr = xasprintf(_("%s: a calendar file is named "
		    "NAME-YYYY.csv"), path);
		return -1;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		*errstr = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!header && strncmp(line, "date,", 5) == 0) {
			header = 1;
			continue;
		}
		date = line;
		if ((p = strchr(date, ',')) == NULL)
			goto bad;
		*p = '\0';
		kind = p + 1;
		if ((p = strchr(kind, ',')) != NULL)
			*p = '\0';
		if (strcmp(kind, "holiday") != 0 &&
		    strcmp(kind, "workday") != 0)
			goto bad;
		if (mark(wc, date, strcmp(kind, "holiday") == 0 ?
		    WORKCAL_HOLIDAY : WORKCAL_WORKDAY, &y) != 0 ||
		    y->year != year)
			goto bad;
	}
	if (ferror(fp)) {
		*errstr = xasprintf("%s: %s", path, strerror(errno));
		fclose(fp);
		return -1;
	}
	fclose(fp);
	if ((y = year_get(wc, year, 1)) == NULL) {
		*errstr = xasprintf(_("%s: too many calendar years"), path);
		return -1;
	}
	y->covered = 1;
	return 0;
bad:
	*errstr = xasprintf(_("%s:%ld: not \"YYYY-MM-DD,holiday|workday,name\" "
	    "of %d"), path, lineno, year);
	fclose(fp);
	return -1;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
workcal_load_dir(struct workcal *wc, const char *dir, char **errstr)
{
	struct dirent *de;
	char **names = NULL, *path;
	size_t n = 0, i;
	int rc = 0;
	DIR *d;

	free(wc->dir);
	wc->dir = xstrdup(dir);
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		*errstr = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (file_year(de->d_name) < 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			path = xasprintf("%s/%s", dir, names[i]);
			rc = workcal_load_file(wc, path, errstr);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* 1 working, 0 not, -1 uncovered year (message set). */
static int
is_workday(const struct workcal *wc, long z, char **errstr)
{
	const struct wc_year *y = NULL;
	int year, yday;
	size_t i;
	char date[WORKCAL_DATELEN];

	year_day(z, &year, &yday);
	for (i = 0; i < wc->n; i++)
		if (wc->v[i].year == year)
			y = &wc->v[i];
	if (y == NULL || !y->covered) {
		clock_format_day(z, date);
		*errstr = xasprintf(_("%s: no working-day calendar for %d: add "
		    "%s/CN-%d.csv (hcp-review(1), CALENDAR)"), date, year,
		    wc->dir != NULL ? wc->dir : "share/calendar", year);
		return -1;
	}
	if (y->day[yday] != WORKCAL_DEFAULT)
		return y->day[yday] == WORKCAL_WORKDAY;
	/* 1970-01-01 was a Thursday: (z + 4) % 7 is 0 on a Sunday */
	return (z + 4) % 7 != 0 && (z + 4) % 7 != 6;
}

int
workcal_is_workday(const struct workcal *wc, const char *date,
    char **errstr)
{
	long z;

	if (workcal_parse(date, &z) != 0) {
		*errstr = xasprintf(_("%s: not a date (YYYY-MM-DD)"), date);
		return -1;
	}
	return is_workday(wc, z, errstr);
}

int
workcal_add(const struct workcal *wc, const char *date, int n,
    char out[WORKCAL_DATELEN], char **errstr)
{
	long z;
	int w;

	if (workcal_parse(date, &z) != 0) {
		*errstr = xasprintf(_("%s: not a date (YYYY-MM-DD)"), date);
		return -1;
	}
	if (n == 0) {
		while ((w = is_workday(wc, z, errstr)) == 0)
			z++;
	} else {
		while (n > 0) {
			z++;
			if ((w = is_workday(wc, z, errstr)) < 0)
				return -1;
			n -= w;
		}
		w = 1;
	}
	if (w < 0)
		return -1;
	clock_format_day(z, out);
	return 0;
}
