/* SPDX-License-Identifier: ISC */
/*
 * The evaluation-record normaliser and validator (see record.h): value
 * normalisation, the per-field checks the field table (fields.h) names,
 * the cross-field rules, and the row hash.  The rest of the record's
 * modules are listed in recint.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "crypto.h"
#include "excel.h"
#include "fields.h"
#include "i18n.h"
#include "ids.h"
#include "record.h"
#include "recint.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* ---- normalisation ------------------------------------------------------ */

/*
 * Appends the trimmed value at s to out.  With fold, full-width ASCII
 * (U+FF01-U+FF5E) becomes ASCII, U+3000 a blank, 、 a comma and 。 a
 * full stop, and one leading apostrophe (Excel's mark for "text", as in
 * '330523...) goes; without fold (the free text) an apostrophe goes only
 * where a rejects file put it, before = + - @.
 */
static void
normalise(const char *s, size_t len, int fold, struct strbuf *out)
{
	size_t n;
	const unsigned char *p, *end;
	const char *t = rec_skip_blanks(s);

	n = rec_trim_len(t, len - (size_t)(t - s));
	s = t;
	if ((n >= 1 && fold && s[0] == '\'') ||
	    (n >= 2 && s[0] == '\'' && strchr("=+-@", s[1]) != NULL)) {
		s++;
		n--;
	}
	strbuf_reset(out);
	if (!fold) {
		strbuf_add(out, s, n);
		return;
	}
	strbuf_grow(out, n);
	p = (const unsigned char *)s;
	end = p + n;
	while (p < end) {
		uint64_t w;

		/* eight ASCII bytes at once: most values are all ASCII */
		if (end - p >= 8 && (memcpy(&w, p, 8),
		    (w & 0x8080808080808080ULL) == 0)) {
			memcpy(out->buf + out->len, p, 8);
			out->len += 8;
			p += 8;
		} else if (p[0] < 0x80) {
			out->buf[out->len++] = (char)*p++;
		} else if (end - p >= 3 && p[0] == 0xef && (p[1] == 0xbc ||
		    p[1] == 0xbd)) {
			unsigned cp = ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);

			/* U+FF01..U+FF5E: 0xff01 = 0xef 0xbc 0x81 */
			cp |= 0xf000;
			if (cp >= 0xff01 && cp <= 0xff5e) {
				out->buf[out->len++] = (char)(cp - 0xfee0);
				p += 3;
			} else {
				strbuf_add(out, p, 3);
				p += 3;
			}
		} else if (end - p >= 3 && memcmp(p, "\xe3\x80\x80", 3) == 0) {
			out->buf[out->len++] = ' ';
			p += 3;
		} else if (end - p >= 3 && memcmp(p, "\xe3\x80\x81", 3) == 0) {
			out->buf[out->len++] = ',';
			p += 3;
		} else if (end - p >= 3 && memcmp(p, "\xe3\x80\x82", 3) == 0) {
			out->buf[out->len++] = '.';
			p += 3;
		} else {
			out->buf[out->len++] = (char)*p++;
		}
	}
	out->buf[out->len] = '\0';
}

void
rec_normalise_code(const char *s, size_t len, struct strbuf *out)
{
	normalise(s, len, 1, out);
}

static void
upcase(struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < sb->len; i++)
		if (sb->buf[i] >= 'a' && sb->buf[i] <= 'z')
			sb->buf[i] -= 'a' - 'A';
}

/* Removes blanks and hyphens inside the value. */
static void
squeeze(struct strbuf *sb, const char *drop)
{
	size_t i, j = 0;

	for (i = 0; i < sb->len; i++) {
		const char *d = drop;

		/* drop is a few characters: no call per byte */
		while (*d != '\0' && *d != sb->buf[i])
			d++;
		if (*d == '\0')
			sb->buf[j++] = sb->buf[i];
	}
	sb->len = j;
	if (sb->buf != NULL)
		sb->buf[j] = '\0';
}

static size_t
utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* ---- the record --------------------------------------------------------- */

void
rec_init(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->buf);
}

void
rec_release(struct rec *r)
{
	strbuf_release(&r->buf);
	memset(r, 0, sizeof(*r));
}

int
rec_int(const struct rec *r, enum field_id f)
{
	switch (f) {
	case F_CHANNEL:
		return r->channel;
	case F_SATISFACTION:
		return r->satisfaction;
	case F_USER_PROP:
		return r->user_prop;
	case F_ASSESS_NUMBER:
		return r->assess_number;
	default:
		return 0;
	}
}

/* ---- the row hash ------------------------------------------------------- */

/*
 * How many bytes of r->buf the row hashes cover: all of them but the
 * local fields (F_LOCAL on), or, when no answer is given, the values
 * before the answers (the 19 fields of hcp 0.1.0), so that the rows
 * 0.1.0 imported keep their hash.
 */
static size_t
hashed_len(const struct rec *r)
{
	int f;

	for (f = F_ANSWERS; f < F_ANSWERS + F_NANSWERS; f++)
		if (r->len[f] > 0)
			return r->off[F_LOCAL];
	return r->off[F_ANSWERS];
}

/*
 * The hex SHA-256 row hash of r (see record.h) to out.  r->buf holds the
 * values in field order, each followed by its NUL; the hash covers the
 * first hashed_len() of those bytes but for two things, so that a row
 * keeps the hash 0.1.0 gave it: a date alone is hashed as its midnight,
 * and a window taken from the ledger as the empty cell it was keyed as.
 */
void
rec_row_hash(struct digest *dg, const struct rec *r,
    char out[REC_HASH_LEN + 1])
{
	static const char midnight[] = " 00:00:00";
	unsigned char md[DIGEST_LEN];
	const char *b = r->buf.buf;
	size_t at = 0, e;

	digest_reset(dg);
	if (r->window_from_form) {
		digest_update(dg, b, r->off[F_WINDOW]);
		at = r->off[F_WINDOW] + r->len[F_WINDOW];
	}
	if (r->len[F_SERVICE_TIME] == 10) {
		e = r->off[F_SERVICE_TIME] + 10;
		digest_update(dg, b + at, e - at);
		digest_update(dg, midnight, sizeof(midnight) - 1);
		at = e;
	}
	if (r->len[F_ASSESS_TIME] == 10) {
		e = r->off[F_ASSESS_TIME] + 10;
		digest_update(dg, b + at, e - at);
		digest_update(dg, midnight, sizeof(midnight) - 1);
		at = e;
	}
	digest_update(dg, b + at, hashed_len(r) - at);
	digest_final(dg, md);
	crypto_hex(md, REC_HASH_LEN / 2, out);
}

/* ---- one row ------------------------------------------------------------ */

/* What rec_check() knows of the row it checks. */
struct checkrow {
	const struct rec_rules *rules;
	struct rec_scratch *s;
	const struct rec_map *m;
	struct rec *r;
	struct rec_problems *pl;
	long line;
	int nerr;
	const char *raw;		/* the field's cell as keyed */
	size_t rawlen;
	const struct form_run *run;	/* the serial's issue, if known */
	const struct sentry *item, *dept;	/* as found in the catalogue */
	struct when svc, ass;		/* valid when have_svc, have_ass */
	int have_svc, have_ass;
};

static void
problem(struct checkrow *c, enum field_id f, enum rec_code code,
    const char *detail)
{
	int col = c->m->col[f];

	rec_problem_add(c->pl, c->line, col, col >= 0 ?
	    rec_map_name(c->m, (size_t)col) : fields[f].zh, code, detail);
	if (rec_code_def(code)->severity == REC_ERROR)
		c->nerr++;
}

/* A problem of the whole row (no column). */
static void
row_problem(struct checkrow *c, int col, enum rec_code code,
    const char *detail)
{
	rec_problem_add(c->pl, c->line, col, "", code, detail);
	c->nerr++;
}

static void
set_value(struct checkrow *c, enum field_id f, const char *s, size_t n)
{
	c->r->off[f] = c->r->buf.len;
	c->r->len[f] = n;
	strbuf_add(&c->r->buf, s, n);
	strbuf_addc(&c->r->buf, '\0');
}

/* Replaces v by the one character ch. */
static void
set_char(struct strbuf *v, char ch)
{
	strbuf_reset(v);
	strbuf_addc(v, ch);
}

/* A catalogue reference: E_x_UNKNOWN, or W_RETIRED. */
static const struct sentry *
cat_ref(struct checkrow *c, enum field_id f, const struct strset *set,
    struct strbuf *v, enum rec_code unknown, int tryupper)
{
	const struct sentry *e;

	if (!c->rules->loaded || v->len == 0)
		return NULL;
	e = rec_set_find(set, v->buf, v->len);
	if (e == NULL && tryupper) {
		upcase(v);
		e = rec_set_find(set, v->buf, v->len);
	}
	if (e == NULL) {
		problem(c, f, unknown, v->buf);
		return NULL;
	}
	if (e->retired)
		problem(c, f, W_RETIRED, v->buf);
	return e;
}

static int
one_digit(const char *s, int lo, int hi)
{
	if (s[0] >= '0' + lo && s[0] <= '0' + hi && s[1] == '\0')
		return s[0] - '0';
	return 0;
}

/*
 * ids_uscc_check() of a department code; rows of one file name few
 * departments, so the last answer is kept.
 */
static int
uscc_cached(struct rec_scratch *sc, const char *s, size_t n)
{
	if (n == 0 || n >= sizeof(sc->last_dept))
		return ids_uscc_check(s);
	if (memcmp(sc->last_dept, s, n + 1) != 0) {
		sc->last_dept_rc = ids_uscc_check(s);
		memcpy(sc->last_dept, s, n + 1);
	}
	return sc->last_dept_rc;
}

/* ---- the field checks (fields.h enum field_check) ----------------------- */

static void
check_text(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	(void)c;
	(void)f;
	(void)v;
}

static void
check_number(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	if (excel_mangled(EXCEL_PROJECT, v->buf))
		problem(c, f, E_NUMBER_MANGLED, v->buf);
}

static void
check_serial(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	char bare[IDS_SERIAL_SIZE];
	int rc;

	if (excel_mangled(EXCEL_SERIAL, v->buf)) {
		problem(c, f, E_NUMBER_MANGLED, v->buf);
		return;
	}
	if (v->len == 0)
		return;
	rc = ids_serial_parse(v->buf, bare);
	if (rc == IDS_MALFORMED) {
		problem(c, f, E_SERIAL_FORMAT, v->buf);
		return;
	}
	if (rc == IDS_CHECK)
		problem(c, f, E_SERIAL_CHECK, v->buf);
	strbuf_reset(v);
	strbuf_add(v, bare, IDS_SERIAL_SIZE - 1);
	if (rc == IDS_OK)
		c->run = rec_find_run(c->rules, bare);
}

/*
 * An item keyed as its unique name, or as "name — code" (the drop-down
 * of the keying workbook), becomes its code.
 */
static void
item_from_name(struct checkrow *c, struct strbuf *v)
{
	const struct sentry *e;
	const char *code;

	if (v->len == 0 || rec_set_find(&c->rules->items, v->buf, v->len) !=
	    NULL)
		return;
	if ((code = excel_item_code(v->buf)) != NULL) {
		memmove(v->buf, code, strlen(code) + 1);
		v->len = strlen(v->buf);
		return;
	}
	e = rec_set_find(&c->rules->item_names, v->buf, v->len);
	if (e != NULL && e->aux != NULL) {
		strbuf_reset(v);
		strbuf_adds(v, e->aux);
	}
}

static void
check_item(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	item_from_name(c, v);
	upcase(v);
	c->item = cat_ref(c, f, &c->rules->items, v, E_ITEM_UNKNOWN, 0);
}

static void
check_dept(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	upcase(v);
	/* the keying template leaves it to the catalogue */
	if (v->len == 0 && c->item != NULL && c->item->aux != NULL)
		strbuf_adds(v, c->item->aux);
	if (v->len == 0)
		return;
	switch (uscc_cached(c->s, v->buf, v->len)) {
	case IDS_MALFORMED:
		problem(c, f, E_DEPT_FORMAT, v->buf);
		break;
	case IDS_CHECK:
		problem(c, f, W_USCC_CHECK, v->buf);
		/* FALLTHROUGH */
	default:
		c->dept = cat_ref(c, f, &c->rules->depts, v, E_DEPT_UNKNOWN,
		    0);
	}
}

static void
check_area(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	char a6[7];

	if (v->len == 0 && c->dept != NULL && c->dept->aux != NULL)
		strbuf_adds(v, c->dept->aux);
	if (v->len == 0)
		strbuf_adds(v, c->rules->region);
	if (v->len == 0)
		return;
	if (ids_area_check(v->buf, a6) != IDS_OK) {
		problem(c, f, E_AREA_FORMAT, v->buf);
		return;
	}
	strbuf_reset(v);
	strbuf_add(v, a6, 6);
	cat_ref(c, f, &c->rules->regions, v, E_AREA_UNKNOWN, 0);
}

/*
 * The window: the catalogue's spelling; the one printed on the form
 * (the ledger) when the cell is empty; a keyed window other than the
 * printed one is E_WINDOW_FORM.
 */
static void
check_window(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	const char *printed = c->run != NULL ? c->run->window : NULL;

	if (v->len == 0 && printed != NULL) {
		strbuf_adds(v, printed);
		c->r->window_from_form = 1;
	}
	cat_ref(c, f, &c->rules->windows, v, E_WINDOW_UNKNOWN, 1);
	if (printed != NULL && !c->r->window_from_form &&
	    strcmp(v->buf, printed) != 0) {
		char *d = xasprintf(_("%s keyed, %s printed on the form"),
		    v->buf, printed);

		problem(c, f, E_WINDOW_FORM, d);
		free(d);
	}
}

static void
check_staff(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	cat_ref(c, f, &c->rules->staff, v, E_STAFF_UNKNOWN, 1);
}

static void
check_channel(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	if (v->len == 0) {
		strbuf_addc(v, (char)('0' + c->rules->paper_channel));
		c->r->channel = c->rules->paper_channel;
	} else if ((c->r->channel = one_digit(v->buf, 1, 7)) == 0) {
		problem(c, f, E_CHANNEL, v->buf);
	}
}

static const struct {
	const char *word;
	int grade;
} sat_words[] = {
	{ "非常满意", 5 }, { "满意", 4 }, { "基本满意", 3 }, { "不满意", 2 },
	{ "非常不满意", 1 }, { "很好", 5 }, { "好", 4 }, { "一般", 3 },
	{ "差", 2 }, { "很差", 1 },
};

static void
check_satisfaction(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	size_t i;
	int g = 0;

	if (v->len == 0)
		return;
	/* the words are all longer than one byte */
	for (i = 0; v->len > 1 && i < sizeof(sat_words) /
	    sizeof(sat_words[0]); i++)
		if (strcmp(v->buf, sat_words[i].word) == 0)
			g = sat_words[i].grade;
	if (g == 0) {
		normalise(c->raw, c->rawlen, 1, v);
		g = one_digit(v->buf, 1, 5);
		if (g != 0 && c->rules->coding == REC_CODING_GBT39046)
			g = 6 - g;
	}
	if (g == 0) {
		problem(c, f, E_SATISFACTION, v->buf);
		return;
	}
	c->r->satisfaction = g;
	set_char(v, (char)('0' + g));
}

static int
band(int grade)
{
	return grade <= 2 ? 0 : grade == 3 ? 1 : 2;
}

static int
detail_sep(char ch)
{
	return ch == ',' || ch == ';' || ch == ' ' || ch == '/' || ch == '|';
}

/* Whether the n bytes at p are one of the codes of the list out. */
static int
detail_has(const struct strbuf *out, const char *p, size_t n)
{
	const char *o = out->buf != NULL ? out->buf : "";

	while (*o != '\0') {
		const char *e = strchr(o, ',');
		size_t on = e ? (size_t)(e - o) : strlen(o);

		if (on == n && memcmp(o, p, n) == 0)
			return 1;
		o += on + (e != NULL);
	}
	return 0;
}

/* One detail code (NUL-terminated, n bytes) against the dictionary. */
static void
detail_code(struct checkrow *c, const char *code, size_t n, int grade)
{
	const struct rec_rules *ru = c->rules;
	const struct sentry *e = rec_set_find(&ru->evcodes, code, n);
	char *d;

	if (e == NULL) {
		d = xasprintf(_("%s, dictionary %s"), code,
		    *ru->codes_version ? ru->codes_version : _("not loaded"));
		problem(c, F_EVAL_DETAIL, E_DETAIL_UNKNOWN, d);
		free(d);
	} else if (grade > 0 && band(e->ival) != band(grade)) {
		d = xasprintf(_("%s is for grade %d"), code, e->ival);
		problem(c, F_EVAL_DETAIL, E_DETAIL_GRADE, d);
		free(d);
	} else if (e->retired) {
		problem(c, F_EVAL_DETAIL, W_RETIRED, code);
	}
}

/* Splits detail codes, drops repeats, checks them against the grade. */
static void
check_detail(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	struct strbuf *out = &c->s->tmp2;
	const char *p = v->buf, *q;
	size_t n;

	(void)f;
	strbuf_reset(out);
	while (*p != '\0') {
		while (detail_sep(*p))
			p++;
		if (*p == '\0')
			break;
		q = p;
		while (*q != '\0' && !detail_sep(*q))
			q++;
		n = (size_t)(q - p);
		if (!detail_has(out, p, n)) {
			if (out->len > 0)
				strbuf_addc(out, ',');
			strbuf_add(out, p, n);
		}
		p = q;
	}
	strbuf_reset(v);
	strbuf_add(v, out->buf != NULL ? out->buf : "", out->len);
	if (!c->rules->loaded || v->len == 0)
		return;
	for (p = v->buf; *p != '\0'; p += n + (q != NULL)) {
		char code[64];

		q = strchr(p, ',');
		n = q ? (size_t)(q - p) : strlen(p);
		if (n >= sizeof(code))
			n = sizeof(code) - 1;
		memcpy(code, p, n);
		code[n] = '\0';
		detail_code(c, code, n, c->r->satisfaction);
	}
}

static void
check_user_prop(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	struct rec *r = c->r;

	if (v->len == 0)
		return;
	if (strcmp(v->buf, "个人") == 0 || strcmp(v->buf, "自然人") == 0)
		r->user_prop = 1;
	else if (strcmp(v->buf, "法人") == 0 ||
	    strcmp(v->buf, "企业") == 0 || strcmp(v->buf, "单位") == 0)
		r->user_prop = 2;
	else
		r->user_prop = one_digit(v->buf, 1, 2);
	if (r->user_prop == 0) {
		problem(c, f, E_USER_PROP, v->buf);
		return;
	}
	set_char(v, (char)('0' + r->user_prop));
}

static void
check_cert_type(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	if (v->len == 0)
		return;
	if (strcmp(v->buf, "身份证") == 0 ||
	    strcmp(v->buf, "居民身份证") == 0) {
		strbuf_reset(v);
		strbuf_adds(v, "111");
	} else if (strcmp(v->buf, "统一社会信用代码") == 0) {
		strbuf_reset(v);
		strbuf_adds(v, "001");
	}
	if (v->len != 3 || strspn(v->buf, "0123456789") != 3)
		problem(c, f, E_CERT_TYPE, v->buf);
}

static void
check_cert_no(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	if (excel_mangled(EXCEL_CERT, v->buf)) {
		problem(c, f, E_NUMBER_MANGLED, v->buf);
		return;
	}
	squeeze(v, " ");
	upcase(v);
}

static void
check_phone(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	char mk[32];

	if (v->len == 0)
		return;
	squeeze(v, " -");
	if (v->len == 14 && memcmp(v->buf, "+86", 3) == 0) {
		memmove(v->buf, v->buf + 3, 12);
		v->len = 11;
	} else if (v->len == 13 && memcmp(v->buf, "86", 2) == 0) {
		memmove(v->buf, v->buf + 2, 12);
		v->len = 11;
	}
	if (ids_phone_check(v->buf) != IDS_OK) {
		rec_mask(F_PHONE, v->buf, mk, sizeof(mk));
		problem(c, f, E_PHONE, mk);
	}
}

static void
check_time(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	char stamp[64];
	int svc = f == F_SERVICE_TIME;

	if (v->len == 0)
		return;
	if (rec_parse_when(v->buf, c->rules->legacy, svc ? &c->svc : &c->ass,
	    stamp) != 0) {
		problem(c, f, E_DATE_FORMAT, v->buf);
		return;
	}
	if (svc)
		c->have_svc = 1;
	else
		c->have_ass = 1;
	strbuf_reset(v);
	strbuf_adds(v, stamp);
}

static void
check_assess_number(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	struct rec *r = c->r;

	if (v->len == 0 || strcmp(v->buf, "首次") == 0) {
		r->assess_number = 1;
	} else if (strcmp(v->buf, "追评") == 0 ||
	    strcmp(v->buf, "二次") == 0) {
		r->assess_number = 2;
	} else if ((r->assess_number = one_digit(v->buf, 1, 2)) == 0) {
		problem(c, f, E_ASSESS_NUMBER, v->buf);
		r->assess_number = 1;
		return;
	}
	set_char(v, (char)('0' + r->assess_number));
}

static void
check_answer(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	/*
	 * Full-width already folded, letters upper-cased; ticks ✓ ✔ √ ☑,
	 * crosses ✗ ✘ × ✕.  The letter X is neither: it ticks a box in
	 * some hands.
	 */
	static const char *const yes[] = { "是", "Y", "YES", "1", "\u2713",
	    "\u2714", "\u221a", "\u2611" };
	static const char *const no[] = { "否", "N", "NO", "0", "\u2717",
	    "\u2718", "\u00d7", "\u2715" };
	size_t i;
	int a = -1;

	if (v->len == 0)
		return;
	upcase(v);
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(v->buf, yes[i]) == 0)
			a = 1;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(v->buf, no[i]) == 0)
			a = 0;
	if (a < 0) {
		normalise(c->raw, c->rawlen, 1, v);	/* as keyed */
		problem(c, f, E_ANSWER, v->buf);
		return;
	}
	set_char(v, (char)('0' + a));
}

/*
 * The image a scanned record came from, as hcp-scan writes it: the
 * SHA-256 of the file (lower case), a colon and the page, from 1.
 */
static void
check_scan_image(struct checkrow *c, enum field_id f, struct strbuf *v)
{
	size_t i;

	if (v->len == 0)
		return;
	for (i = 0; i < 64 && i < v->len; i++)
		if (v->buf[i] >= 'A' && v->buf[i] <= 'F')
			v->buf[i] = (char)(v->buf[i] - 'A' + 'a');
	/* the page: 1 to 9 digits, no leading zero */
	if (v->len < 66 || v->len > 64 + 1 + 9 ||
	    strspn(v->buf, "0123456789abcdef") != 64 || v->buf[64] != ':' ||
	    v->buf[65] == '0' ||
	    strspn(v->buf + 65, "0123456789") != v->len - 65)
		problem(c, f, E_SCAN_IMAGE, v->buf);
}

typedef void check_fn(struct checkrow *, enum field_id, struct strbuf *);

static check_fn *const checks[FIELD_NCHECKS] = {
	[FIELD_TEXT] = check_text,
	[FIELD_NUMBER] = check_number,
	[FIELD_SERIAL] = check_serial,
	[FIELD_ITEM] = check_item,
	[FIELD_DEPT] = check_dept,
	[FIELD_AREA] = check_area,
	[FIELD_WINDOW] = check_window,
	[FIELD_STAFF] = check_staff,
	[FIELD_CHANNEL] = check_channel,
	[FIELD_SATISFACTION] = check_satisfaction,
	[FIELD_DETAIL] = check_detail,
	[FIELD_USER_PROP] = check_user_prop,
	[FIELD_CERT_TYPE] = check_cert_type,
	[FIELD_CERT_NO] = check_cert_no,
	[FIELD_PHONE] = check_phone,
	[FIELD_TIME] = check_time,
	[FIELD_ASSESS_NUMBER] = check_assess_number,
	[FIELD_ANSWER] = check_answer,
	[FIELD_SCAN_IMAGE] = check_scan_image,
};

/*
 * Field f of the row: its cell normalised as the table says, then its
 * length (when the table bounds it) or its check; the value stored in r.
 */
static void
check_field(struct checkrow *c, enum field_id f, size_t ncols,
    const char *const *cells, const size_t *lens)
{
	const struct field_def *fd = &fields[f];
	struct strbuf *v = &c->s->tmp;
	int col = c->m->col[f];
	int here = col >= 0 && (size_t)col < ncols;
	size_t nch;

	c->raw = here ? cells[col] : "";
	c->rawlen = !here ? 0 : lens != NULL ? lens[col] : strlen(c->raw);
	normalise(c->raw, c->rawlen, fd->norm == FIELD_FOLD, v);
	if (fd->limit && v->len > fd->maxlen &&
	    (nch = utf8_chars(v->buf, v->len)) > fd->maxlen) {
		char *d = xasprintf(_("%zu characters, at most %zu"), nch,
		    fd->maxlen);

		problem(c, f, E_TOO_LONG, d);
		free(d);
	} else
		checks[fd->check](c, f, v);
	set_value(c, f, v->buf != NULL ? v->buf : "", v->len);
}

/* ---- the cross-field rules ---------------------------------------------- */

/* Cells past the header's columns, values under an empty header. */
static void
check_cells(struct checkrow *c, size_t ncols, const char *const *cells)
{
	const struct rec_map *m = c->m;
	size_t i;
	char *d;

	for (i = m->ncols; i < ncols; i++) {
		if (*rec_skip_blanks(cells[i]) != '\0') {
			d = xasprintf(_("%zu cells, %zu columns"), ncols,
			    m->ncols);
			row_problem(c, (int)i, E_EXTRA_CELLS, d);
			free(d);
			break;
		}
	}
	/* a value under an empty header is not dropped silently */
	for (i = 0; i < m->ncols && i < ncols; i++) {
		if (*m->names[i] == '\0' &&
		    *rec_skip_blanks(cells[i]) != '\0') {
			d = xasprintf(_("column %zu"), i + 1);
			row_problem(c, (int)i, E_CELL_NO_HEADER, d);
			free(d);
		}
	}
}

/* The fields the table says must have a value (FIELD_REQ_VALUE). */
static void
check_required(struct checkrow *c)
{
	int f;

	for (f = 0; f < F_NFIELDS; f++)
		if ((fields[f].required & FIELD_REQ_VALUE) &&
		    *c->r->v[f] == '\0')
			problem(c, (enum field_id)f, E_REQUIRED, NULL);
}

/* An identity card number: its check character, its birth date. */
static void
check_idcard(struct checkrow *c, const char *n, const char *mk)
{
	long b = ids_idcard_birth(n);
	char *d;

	if (ids_idcard_check(n) != IDS_OK) {
		problem(c, F_CERT_NO, E_CERT_NO, mk);
	} else if (clock_days_from_civil(b / 10000, (int)(b / 100 % 100),
	    (int)(b % 100)) > c->rules->now_local / 86400) {
		/* born after the day it is keyed */
		d = xasprintf(_("%s: its birth date is after today"), mk);
		problem(c, F_CERT_NO, E_CERT_NO, d);
		free(d);
	}
}

/*
 * The certificate number against its type: an identity card (111, or an
 * 18-character number of a person when no type is given), a credit code
 * (001, or any number of a legal person), else only its length.
 */
static void
check_cert(struct checkrow *c)
{
	const struct rec *r = c->r;
	const char *t = r->v[F_CERT_TYPE], *n = r->v[F_CERT_NO];
	char mk[64];
	int rc;

	if (*n == '\0' || excel_mangled(EXCEL_CERT, n))
		return;
	rec_mask(F_CERT_NO, n, mk, sizeof(mk));
	if (strcmp(t, "111") == 0 || (*t == '\0' && r->user_prop != 2 &&
	    strlen(n) == 18 && strspn(n, "0123456789") >= 17)) {
		check_idcard(c, n, mk);
	} else if (strcmp(t, "001") == 0 || (*t == '\0' &&
	    r->user_prop == 2)) {
		if ((rc = ids_uscc_check(n)) == IDS_MALFORMED)
			problem(c, F_CERT_NO, E_CERT_NO, mk);
		else if (rc == IDS_CHECK)
			problem(c, F_CERT_NO, W_USCC_CHECK, mk);
	} else if (utf8_chars(n, strlen(n)) > fields[F_CERT_NO].maxlen) {
		problem(c, F_CERT_NO, E_TOO_LONG, mk);
	}
}

/* The item belongs to the department keyed (W_ITEM_DEPT). */
static void
check_item_dept(struct checkrow *c)
{
	const char *dept = c->r->v[F_DEPT_CODE];

	if (c->item != NULL && c->item->aux != NULL && *dept != '\0' &&
	    strcmp(c->item->aux, dept) != 0)
		problem(c, F_ITEM_CODE, W_ITEM_DEPT, c->item->aux);
}

/* A bad review (1 or 2) says why: a detail code or a comment. */
static void
check_bad_review(struct checkrow *c)
{
	const struct rec *r = c->r;

	if (r->satisfaction >= 1 && r->satisfaction <= 2 &&
	    *r->v[F_EVAL_DETAIL] == '\0' && *r->v[F_COMMENT] == '\0')
		problem(c, F_SATISFACTION, E_BAD_REVIEW_REASON, NULL);
}

/*
 * Something identifies the row: a paper form its serial, any other row
 * its serial or its project number.
 */
static void
check_key(struct checkrow *c)
{
	const struct rec *r = c->r;

	if (*r->v[F_SERIAL] != '\0')
		return;
	if (r->channel != 0 && r->channel == c->rules->paper_channel)
		problem(c, F_SERIAL, E_SERIAL_MISSING, NULL);
	else if (*r->v[F_PROJECT_NO] == '\0')
		row_problem(c, -1, E_NO_KEY, NULL);
}

/*
 * The date rules, the one place that decides them (hcp-csv(5), DATES):
 * neither time after now (a date alone: not after today); the
 * evaluation not before the service; the evaluation's day at most
 * supplement_days calendar days after the service's.
 */
static void
check_dates(struct checkrow *c)
{
	const struct rec_rules *ru = c->rules;
	const struct when *svc = c->have_svc ? &c->svc : NULL;
	const struct when *ass = c->have_ass ? &c->ass : NULL;
	struct when now;

	now.secs = ru->now_local;
	now.day = ru->now_local / 86400;
	now.has_time = 1;
	if (svc != NULL && rec_when_cmp(svc, &now) > 0)
		problem(c, F_SERVICE_TIME, E_DATE_FUTURE,
		    c->r->v[F_SERVICE_TIME]);
	if (ass != NULL && rec_when_cmp(ass, &now) > 0)
		problem(c, F_ASSESS_TIME, E_DATE_FUTURE,
		    c->r->v[F_ASSESS_TIME]);
	if (svc == NULL || ass == NULL)
		return;
	if (rec_when_cmp(ass, svc) < 0) {
		problem(c, F_ASSESS_TIME, E_DATE_ORDER,
		    c->r->v[F_SERVICE_TIME]);
	} else if (ass->day - svc->day > ru->supplement_days) {
		char *d = xasprintf(_("%d days"), ru->supplement_days);

		problem(c, F_ASSESS_TIME, E_DATE_LATE, d);
		free(d);
	}
}

/* A paper form is not filled in before its serial was issued. */
static void
check_issue(struct checkrow *c)
{
	struct when issued;

	if (c->run == NULL || !c->have_ass)
		return;
	issued.secs = c->run->issued;
	issued.day = c->run->issued / 86400;
	issued.has_time = 1;
	if (rec_when_cmp(&c->ass, &issued) < 0)
		problem(c, F_ASSESS_TIME, E_DATE_BEFORE_ISSUE,
		    c->run->issued_at);
}

/* ---- the row ------------------------------------------------------------ */

int
rec_check(struct rec_ctx *ctx, const struct rec_map *m, size_t ncols,
    const char *const *cells, const size_t *lens, long line, struct rec *r,
    struct rec_problems *pl)
{
	struct checkrow c;
	int f;

	memset(&c, 0, sizeof(c));
	c.rules = &ctx->rules;
	c.s = &ctx->check;
	c.m = m;
	c.r = r;
	c.pl = pl;
	c.line = line;
	strbuf_reset(&r->buf);
	strbuf_grow(&r->buf, 512);
	r->line = line;
	r->map = m;
	r->channel = r->satisfaction = r->user_prop = 0;
	r->assess_number = 1;
	r->hash[0] = '\0';
	r->h64 = 0;
	r->window_from_form = 0;

	check_cells(&c, ncols, cells);
	/* in field order: dept after item, window after serial, ... */
	for (f = 0; f < F_NFIELDS; f++)
		check_field(&c, (enum field_id)f, ncols, cells, lens);
	for (f = 0; f < F_NFIELDS; f++)
		r->v[f] = r->buf.buf + r->off[f];

	check_required(&c);
	check_cert(&c);
	check_item_dept(&c);
	check_bad_review(&c);
	check_key(&c);
	check_dates(&c);
	check_issue(&c);

	/*
	 * The row hashes.  r->buf holds the values in field order, each
	 * followed by its NUL: the bytes the hash covers, but for the
	 * answers when none is given (record.h).
	 */
	r->h64 = rec_hash64(r->buf.buf, hashed_len(r));
	if (c.nerr == 0 && ctx->rules.row_hash && ctx->check.dg != NULL)
		rec_row_hash(ctx->check.dg, r, r->hash);
	return c.nerr;
}
