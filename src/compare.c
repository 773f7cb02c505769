/* SPDX-License-Identifier: ISC */
/*
 * Double-entry comparison (see compare.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csvin.h"
#include "fields.h"
#include "i18n.h"
#include "record.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* One row of the second file, kept: its values in one block. */
struct brow {
	char *serial;
	long line;
	int matched;
	char *block;
	size_t off[F_NFIELDS];
};

struct side {
	struct csvin *in;
	struct rec_map *m;
	const char **cells;
	size_t acells, ncells;
	char *names[F_NFIELDS];	/* header of each field, or NULL */
};

/* A set of serials with a payload index, open addressing. */
struct smap {
	char **key;
	size_t *val;
	size_t mask, n;
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t *
smap_slot(struct smap *m, const char *k, int create)
{
	size_t i;

	if (create && 2 * (m->n + 1) > m->mask + 1) {
		struct smap o = *m;

		m->mask = o.key == NULL ? 255 : 2 * (o.mask + 1) - 1;
		m->key = xcalloc(m->mask + 1, sizeof(*m->key));
		m->val = xcalloc(m->mask + 1, sizeof(*m->val));
		m->n = 0;
		for (i = 0; o.key != NULL && i <= o.mask; i++)
			if (o.key[i] != NULL) {
				*smap_slot(m, o.key[i], 1) = o.val[i];
				free(o.key[i]);
			}
		free(o.key);
		free(o.val);
	}
	if (m->key == NULL)
		return NULL;
	i = (size_t)hash(k) & m->mask;
	while (m->key[i] != NULL && strcmp(m->key[i], k) != 0)
		i = (i + 1) & m->mask;
	if (m->key[i] == NULL) {
		if (!create)
			return NULL;
		m->key[i] = xstrdup(k);
		m->n++;
	}
	return &m->val[i];
}

static void
smap_release(struct smap *m)
{
	size_t i;

	for (i = 0; m->key != NULL && i <= m->mask; i++)
		free(m->key[i]);
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static int
side_open(struct side *s, const char *path, const struct cmp_opts *o,
    char **errp)
{
	struct rec_problems pl = REC_PROBLEMS_INIT;
	struct rec_map *two;
	size_t i, n;
	int k, f;

	s->in = csvin_new();
	csvin_skip_titles(s->in);
	if (csvin_open(s->in, path, o->enc) != 0 ||
	    (k = csvin_next(s->in)) < 0) {
		*errp = xstrdup(csvin_errstr(s->in));
		return -1;
	}
	if (k == 0) {
		*errp = xasprintf(_("%s: the file is empty: a header row is "
		    "needed"), csvin_path(s->in));
		return -1;
	}
	n = csvin_nfields(s->in);
	s->acells = n + 16;
	s->cells = xcalloc(s->acells, sizeof(*s->cells));
	for (i = 0; i < n; i++)
		s->cells[i] = csvin_field(s->in, i);
	s->m = rec_map_new();
	if (rec_map_header(s->m, n, s->cells, csvin_line(s->in), o->map_flags,
	    &pl) != 0 && (two = csvin_header_below(s->in, s->m,
	    o->map_flags)) != NULL) {
		rec_map_free(s->m);
		s->m = two;
		rec_problems_clear(&pl);
	}
	if (pl.nerrors > 0) {
		*errp = xasprintf(_("%s:%ld: %s: %s (%s)"), csvin_path(s->in),
		    pl.v[0].line, rec_code_def(pl.v[0].code)->name,
		    pl.v[0].msg, pl.v[0].column);
		rec_problems_release(&pl);
		return -1;
	}
	rec_problems_release(&pl);
	for (f = 0; f < F_NFIELDS; f++) {
		int col = rec_map_column(s->m, f);

		s->names[f] = col >= 0 ? xstrdup(rec_map_name(s->m,
		    (size_t)col)) : NULL;
	}
	return 0;
}

/* Reads the next row of s into r.  1 got one, 0 end, -1 error. */
static int
side_next(struct side *s, struct rec_ctx *ctx, struct rec *r, char **errp)
{
	struct rec_problems pl = REC_PROBLEMS_INIT;
	size_t i, n;
	int k;

	if ((k = csvin_next(s->in)) <= 0) {
		if (k < 0)
			*errp = xstrdup(csvin_errstr(s->in));
		return k;
	}
	n = csvin_nfields(s->in);
	if (n > s->acells) {
		s->acells = n + 16;
		s->cells = xreallocarray(s->cells, s->acells,
		    sizeof(*s->cells));
	}
	for (i = 0; i < n; i++)
		s->cells[i] = csvin_field(s->in, i);
	/* problems do not matter here: hcp-check reports them */
	rec_check(ctx, s->m, n, s->cells, NULL, csvin_line(s->in), r,
	    &pl);
	rec_problems_release(&pl);
	return 1;
}

static void
side_close(struct side *s)
{
	int f;

	csvin_free(s->in);
	rec_map_free(s->m);
	free(s->cells);
	for (f = 0; f < F_NFIELDS; f++)
		free(s->names[f]);
}

static void
emit(const struct cmp_opts *o, const char *serial, const char *column,
    const char *a, const char *b, long la, long lb)
{
	struct cmp_diff d = { serial, column, a, b, la, lb };

	if (o->on_diff != NULL)
		o->on_diff(o->arg, &d);
}

static void
shown(enum field_id f, const char *v, char *out, size_t n)
{
	if (fields[f].personal && *v != '\0')
		rec_mask(f, v, out, n);
	else
		snprintf(out, n, "%s", v);
}

#define MAXCHARS 128

/*
 * The byte offset of each UTF-8 character of s, and strlen(s) after the
 * last; returns the number of characters, or MAXCHARS + 1 if more.
 */
static size_t
char_offsets(const char *s, size_t off[MAXCHARS + 1])
{
	size_t i, n = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (n == MAXCHARS)
			return MAXCHARS + 1;
		off[n++] = i;
	}
	off[n] = i;
	return n;
}

/*
 * A personal value v that differs from other, shown without revealing
 * it: masked as rec_mask() does, with every character that differs
 * from the one at the same place in other (or has none there) shown as
 * ^, so 李四 against 李五 is 李^ on both sides.
 */
static void
shown_diff(enum field_id f, const char *v, const char *other, char *out,
    size_t n)
{
	size_t ov[MAXCHARS + 1], oo[MAXCHARS + 1], om[MAXCHARS + 1];
	size_t nv, no, nm, i, o = 0;
	char mk[4 * MAXCHARS];

	shown(f, v, mk, sizeof(mk));
	nv = char_offsets(v, ov);
	no = char_offsets(other, oo);
	nm = char_offsets(mk, om);
	if (*v == '\0' || *other == '\0' || nv > MAXCHARS ||
	    no > MAXCHARS) {
		o = strlen(mk) < n ? strlen(mk) : n - 1;
		memcpy(out, mk, o);
		out[o] = '\0';
		return;
	}
	for (i = 0; i < nv; i++) {
		size_t len = ov[i + 1] - ov[i];
		const char *c = "*";
		size_t clen = 1;

		if (i >= no || oo[i + 1] - oo[i] != len ||
		    memcmp(v + ov[i], other + oo[i], len) != 0)
			c = "^";
		else if (nm == nv) {
			c = mk + om[i];
			clen = om[i + 1] - om[i];
		}
		if (o + clen + 1 > n)
			break;
		memcpy(out + o, c, clen);
		o += clen;
	}
	out[o] = '\0';
}

/*
 * Emits the fields in which r (first keying) and br (second) differ,
 * personal ones masked; returns 1 if any does.
 */
static int
diff_fields(const struct cmp_opts *o, const struct side *sa,
    const struct side *sb, const struct rec *r, const struct brow *br,
    struct cmp_stats *st)
{
	const char *ser = r->v[F_SERIAL];
	int f, differ = 0;

	for (f = 0; f < F_NFIELDS; f++) {
		const char *va = r->v[f], *vb = br->block + br->off[f];
		char ta[128], tb[128];
		const char *col;

		if (f == F_SERIAL || strcmp(va, vb) == 0)
			continue;
		col = sa->names[f] != NULL ? sa->names[f] :
		    sb->names[f] != NULL ? sb->names[f] : fields[f].name;
		if (fields[f].personal) {
			shown_diff(f, va, vb, ta, sizeof(ta));
			shown_diff(f, vb, va, tb, sizeof(tb));
			emit(o, ser, col, ta, tb, r->line, br->line);
		} else {
			emit(o, ser, col, va, vb, r->line, br->line);
		}
		st->fields++;
		differ = 1;
	}
	return differ;
}

int
compare_files(struct rec_ctx *ctx, const char *a, const char *b,
    const struct cmp_opts *o, struct cmp_stats *st, char **errp)
{
	struct side sa, sb;
	struct smap mb = { NULL, NULL, 0, 0 }, ma = { NULL, NULL, 0, 0 };
	struct brow *rows = NULL;
	size_t nrows = 0, arows = 0, i, *slot;
	struct rec r;
	int k, f, rc = -1;

	memset(st, 0, sizeof(*st));
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	rec_init(&r);
	if (side_open(&sb, b, o, errp) != 0 || side_open(&sa, a, o, errp) !=
	    0)
		goto out;

	/* the second keying, into memory */
	while ((k = side_next(&sb, ctx, &r, errp)) == 1) {
		struct brow *br;
		const char *ser = r.v[F_SERIAL];

		st->rows_b++;
		if (*ser == '\0') {
			st->noserial_b++;
			emit(o, "", CMP_NO_SERIAL, "", "present", 0, r.line);
			continue;
		}
		if ((slot = smap_slot(&mb, ser, 0)) != NULL) {
			st->dup_b++;
			emit(o, ser, CMP_DUPLICATE, "", "repeated", 0, r.line);
			continue;
		}
		if (nrows == arows) {
			arows = arows ? 2 * arows : 256;
			rows = xreallocarray(rows, arows, sizeof(*rows));
		}
		br = &rows[nrows];
		br->serial = xstrdup(ser);
		br->line = r.line;
		br->matched = 0;
		br->block = xmalloc(r.buf.len + 1);
		memcpy(br->block, r.buf.buf, r.buf.len);
		br->block[r.buf.len] = '\0';
		for (f = 0; f < F_NFIELDS; f++)
			br->off[f] = (size_t)(r.v[f] - r.buf.buf);
		*smap_slot(&mb, ser, 1) = nrows++;
	}
	if (k < 0)
		goto out;

	/* the first keying, streamed */
	while ((k = side_next(&sa, ctx, &r, errp)) == 1) {
		const char *ser = r.v[F_SERIAL];
		struct brow *br;

		st->rows_a++;
		if (*ser == '\0') {
			st->noserial_a++;
			emit(o, "", CMP_NO_SERIAL, "present", "", r.line, 0);
			continue;
		}
		if (smap_slot(&ma, ser, 0) != NULL) {
			st->dup_a++;
			emit(o, ser, CMP_DUPLICATE, "repeated", "", r.line, 0);
			continue;
		}
		*smap_slot(&ma, ser, 1) = 1;
		if ((slot = smap_slot(&mb, ser, 0)) == NULL) {
			st->only_a++;
			emit(o, ser, CMP_MISSING, "present", "missing", r.line,
			    0);
			continue;
		}
		br = &rows[*slot];
		br->matched = 1;
		st->matched++;
		st->differing += diff_fields(o, &sa, &sb, &r, br, st);
	}
	if (k < 0)
		goto out;
	for (i = 0; i < nrows; i++) {
		if (rows[i].matched)
			continue;
		st->only_b++;
		emit(o, rows[i].serial, CMP_MISSING, "missing", "present", 0,
		    rows[i].line);
	}
	rc = 0;
out:
	for (i = 0; i < nrows; i++) {
		free(rows[i].serial);
		free(rows[i].block);
	}
	free(rows);
	smap_release(&ma);
	smap_release(&mb);
	side_close(&sa);
	side_close(&sb);
	rec_release(&r);
	return rc;
}
