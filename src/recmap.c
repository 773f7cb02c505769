/* SPDX-License-Identifier: ISC */
/*
 * The header map (record.h): which column of a keyed file holds which
 * field, and the required columns (fields.h FIELD_REQ_COLUMN).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fields.h"
#include "i18n.h"
#include "record.h"
#include "recint.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char *const rejects_columns[] = {
	"错误行号", "错误列", "错误代码", "错误说明"
};

int
rec_is_rejects_column(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(rejects_columns) / sizeof(rejects_columns[0]);
	    k++)
		if (strcmp(name, rejects_columns[k]) == 0)
			return 1;
	return 0;
}

const char *const *
rec_rejects_columns(size_t *n)
{
	*n = sizeof(rejects_columns) / sizeof(rejects_columns[0]);
	return rejects_columns;
}

struct rec_map *
rec_map_new(void)
{
	struct rec_map *m = xcalloc(1, sizeof(*m));
	int i;

	for (i = 0; i < F_NFIELDS; i++)
		m->col[i] = -1;
	return m;
}

static void
map_clear(struct rec_map *m)
{
	size_t i;

	for (i = 0; i < m->ncols; i++)
		free(m->names[i]);
	free(m->names);
	free(m->field);
	m->names = NULL;
	m->field = NULL;
	m->ncols = 0;
}

void
rec_map_free(struct rec_map *m)
{
	size_t i;

	if (m == NULL)
		return;
	map_clear(m);
	for (i = 0; i < m->nignore; i++)
		free(m->ignore[i]);
	free(m->ignore);
	free(m);
}

void
rec_map_ignore(struct rec_map *m, const char *name)
{
	m->ignore = xreallocarray(m->ignore, m->nignore + 1,
	    sizeof(*m->ignore));
	m->ignore[m->nignore++] = xstrdup(name);
}

const char *
rec_skip_blanks(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	/* the multi-byte ones looked at only after their first byte */
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		else if ((p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) ||
		    (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf))
			p += 3;
		else if (p[0] == 0xc2 && p[1] == 0xa0)
			p += 2;
		else
			return (const char *)p;
	}
}

size_t
rec_trim_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (;;) {
		if (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
		    p[n - 1] == '\r' || p[n - 1] == '\n'))
			n--;
		else if (n >= 3 && p[n - 1] >= 0x80 &&
		    (memcmp(p + n - 3, "\xe3\x80\x80", 3) == 0 ||
		    memcmp(p + n - 3, "\xef\xbb\xbf", 3) == 0))
			n -= 3;
		else if (n >= 2 && p[n - 1] == 0xa0 && p[n - 2] == 0xc2)
			n -= 2;
		else
			return n;
	}
}

int
rec_map_header(struct rec_map *m, size_t ncols, const char *const *names,
    long line, unsigned flags, struct rec_problems *pl)
{
	size_t i, k;
	int f, bad = 0;

	map_clear(m);
	for (i = 0; i < F_NFIELDS; i++)
		m->col[i] = -1;
	m->ncols = ncols;
	m->names = xcalloc(ncols ? ncols : 1, sizeof(*m->names));
	m->field = xcalloc(ncols ? ncols : 1, sizeof(*m->field));
	for (i = 0; i < ncols; i++) {
		const char *s = rec_skip_blanks(names[i]);
		struct strbuf sb = STRBUF_INIT;

		/* as shown in problems: no field's name has a control */
		strbuf_add_visible(&sb, s, rec_trim_len(s, strlen(s)));
		m->names[i] = strbuf_detach(&sb);
		m->field[i] = -1;
	}
	for (i = 0; i < ncols; i++) {
		const char *s = m->names[i];
		int known = 0;

		if (*s == '\0')
			continue;	/* an empty column: only empty cells */
		if ((f = field_lookup(s)) >= 0) {
			if (m->col[f] >= 0) {
				char *d = xasprintf(_("also column %d"),
				    m->col[f] + 1);

				rec_problem_add(pl, line, (int)i, s,
				    E_HEADER_DUPLICATE, d);
				free(d);
				bad = 1;
				continue;
			}
			m->col[f] = (int)i;
			m->field[i] = f;
			continue;
		}
		if (rec_is_rejects_column(s))
			known = 1;
		for (k = 0; k < m->nignore; k++)
			if (strcasecmp(s, m->ignore[k]) == 0)
				known = 1;
		if (!known && !(flags & REC_MAP_IGNORE_UNKNOWN)) {
			rec_problem_add(pl, line, (int)i, s, E_HEADER_UNKNOWN,
			    NULL);
			bad = 1;
		}
	}
	for (f = 0; f < F_NFIELDS; f++) {
		if ((fields[f].required & FIELD_REQ_COLUMN) && m->col[f] < 0) {
			char *d = xasprintf("%s / %s", fields[f].zh,
			    fields[f].name);

			rec_problem_add(pl, line, -1, "", E_HEADER_MISSING, d);
			free(d);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

struct rec_map *
rec_map_two_rows(const struct rec_map *upper, size_t ncols,
    const char *const *lower, long line, unsigned flags)
{
	struct rec_problems pl = REC_PROBLEMS_INIT;
	struct rec_map *m;
	size_t n = upper->ncols > ncols ? upper->ncols : ncols, i, k;
	const char **names;
	char **below;
	int names_only = 1, named = 0, rc;

	below = xcalloc(n ? n : 1, sizeof(*below));
	names = xcalloc(n ? n : 1, sizeof(*names));
	for (i = 0; i < n; i++) {
		const char *s = rec_skip_blanks(i < ncols ? lower[i] : "");
		int known;

		below[i] = xstrndup(s, rec_trim_len(s, strlen(s)));
		names[i] = *below[i] != '\0' ? below[i] :
		    i < upper->ncols ? upper->names[i] : "";
		if (*below[i] == '\0')
			continue;
		/* a row of data is no header, whatever flags say */
		known = field_lookup(below[i]) >= 0;
		named |= known;
		known |= rec_is_rejects_column(below[i]);
		for (k = 0; k < upper->nignore; k++)
			known |= strcasecmp(below[i], upper->ignore[k]) == 0;
		names_only &= known;
	}
	m = rec_map_new();
	for (k = 0; k < upper->nignore; k++)
		rec_map_ignore(m, upper->ignore[k]);
	rc = names_only && named ? rec_map_header(m, n, names, line, flags,
	    &pl) : -1;
	if (rc != 0) {
		rec_map_free(m);
		m = NULL;
	}
	rec_problems_release(&pl);
	for (i = 0; i < n; i++)
		free(below[i]);
	free(below);
	free(names);
	return m;
}

size_t
rec_map_ncols(const struct rec_map *m)
{
	return m->ncols;
}

const char *
rec_map_name(const struct rec_map *m, size_t col)
{
	return col < m->ncols ? m->names[col] : "";
}

int
rec_map_column(const struct rec_map *m, enum field_id f)
{
	return (unsigned)f < F_NFIELDS ? m->col[f] : -1;
}

int
rec_map_field(const struct rec_map *m, size_t col)
{
	return col < m->ncols ? m->field[col] : -1;
}
