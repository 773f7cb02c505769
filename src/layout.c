/* SPDX-License-Identifier: ISC */
/*
 * The paper form layout: template parser, flow layout in millimetres,
 * layout fingerprint (layout.h).  The layout is a single top-to-bottom
 * flow: a header (title and subtitles beside the QR, the serial under
 * it), then one row or block per template line, then a footer, with a
 * corner mark in each corner.  Text widths are estimated (CJK characters
 * one em, others 0.55 em) so that no font is needed here; the renderer
 * wraps text inside the boxes computed here.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "crypto.h"
#include "fileio.h"
#include "i18n.h"
#include "layout.h"
#include "num.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define PT_MM 0.352778		/* one point in millimetres */
#define MAX_TEMPLATE (256 * 1024)

/* Page geometry: everything but the page size scales with s. */
struct geom {
	double w, h;		/* page */
	double margin;		/* of the content area */
	double mark, inset;	/* corner mark side, distance from edge */
	double qr;		/* QR side */
	double s;		/* scale of type and rows */
};

struct ctx {
	struct layout *l;
	struct geom g;
	const char *name;
	int line;
	double x0, x1, y;	/* content column, cursor */
	double header_bottom;
	int in_header;
	int pending;		/* "field" cells on the current row */
	char *err;
};

static int
fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail(struct ctx *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (c->line > 0)
		strbuf_addf(&sb, "%s:%d: ", c->name, c->line);
	else
		strbuf_addf(&sb, "%s: ", c->name);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(c->err);
	c->err = strbuf_detach(&sb);
	return -1;
}

static struct layout_item *
add(struct ctx *c, enum layout_kind kind, double x, double y, double w,
    double h)
{
	struct layout *l = c->l;
	struct layout_item *it;

	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->x = x;
	it->y = y;
	it->w = w;
	it->h = h;
	it->field = -1;
	return it;
}

static struct layout_item *
add_text(struct ctx *c, double x, double y, double w, double h, double pt,
    enum layout_align align, int bold, const char *text)
{
	struct layout_item *it = add(c, LAYOUT_TEXT, x, y, w, h);

	it->pt = pt;
	it->align = align;
	it->bold = bold;
	it->text = xstrdup(text);
	it->dynamic = strstr(text, "{serial}") != NULL;
	return it;
}

static struct layout_item *
add_tick(struct ctx *c, double x, double y, double side, int field,
    const char *value)
{
	struct layout_item *it = add(c, LAYOUT_TICK, x, y, side, side);

	it->field = field;
	it->value = xstrdup(value);
	return it;
}

/* Estimated width of text in mm at pt points. */
static double
text_width(const char *s, double pt)
{
	const unsigned char *p = (const unsigned char *)s;
	double em = 0;

	while (*p != '\0') {
		unsigned cp;
		int n;

		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			n = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			n = 3;
		} else {
			cp = *p & 0x07;
			n = 4;
		}
		for (int i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				n = i;
				break;
			}
			cp = cp << 6 | (p[i] & 0x3f);
		}
		p += n;
		em += cp >= 0x2e80 ? 1.0 : 0.55;
	}
	return em * pt * PT_MM;
}

static double
line_height(double pt)
{
	return pt * PT_MM * 1.45;
}

/* Flushes a half-filled row of "field" cells. */
static void
flush_fields(struct ctx *c)
{
	if (c->pending > 0) {
		c->y += 9.0 * c->g.s;
		c->pending = 0;
	}
}

static void
leave_header(struct ctx *c)
{
	if (c->in_header) {
		c->in_header = 0;
		if (c->y < c->header_bottom)
			c->y = c->header_bottom;
		c->y += 2.0 * c->g.s;
	}
}

static int
set_page(struct ctx *c, const char *arg)
{
	static const struct geom a4 = { 210, 297, 14, 6, 6, 26, 1.0 };
	static const struct geom a5 = { 148, 210, 10, 5, 4, 22, 0.8 };

	if (strcmp(arg, "A4") == 0 || strcmp(arg, "a4") == 0)
		c->g = a4;
	else if (strcmp(arg, "A5") == 0 || strcmp(arg, "a5") == 0)
		c->g = a5;
	else
		return fail(c, _("page size must be A4 or A5, not \"%s\""),
		    arg);
	free(c->l->page);
	c->l->page = xstrdup(c->g.w == 210 ? "A4" : "A5");
	return 0;
}

static int
start_page(struct ctx *c, const char *size)
{
	if (set_page(c, size) != 0)
		return -1;
	c->x0 = c->g.margin;
	c->x1 = c->g.w - c->g.margin;
	c->y = c->g.margin;
	c->header_bottom = c->g.margin + c->g.qr + 5.5 * c->g.s;
	return 0;
}

static int
paragraph(struct ctx *c, const char *text, double pt, int bold)
{
	double w = c->x1 - c->x0;
	double lines = (double)(long)(text_width(text, pt) / (w - 1.0)) + 1;
	double h = lines * line_height(pt);

	add_text(c, c->x0, c->y, w, h, pt, LAYOUT_LEFT, bold, text);
	c->y += h + 1.0 * c->g.s;
	return 0;
}

static int
split_words(char *s, char **v, int max)
{
	int n = 0;
	char *p = s;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == max)
			return -1;
		v[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

static int
do_grades(struct ctx *c, char *arg)
{
	char *w[6];
	double s = c->g.s, cw = (c->x1 - c->x0) / 5, b = 4.5 * s;
	char val[2];
	int n, i;

	if ((n = split_words(arg, w, 6)) != 5)
		return fail(c, "%s", _("\"grades\" wants the five grade words, "
		    "best first"));
	for (i = 0; i < 5; i++) {
		double x = c->x0 + i * cw;

		val[0] = (char)('5' - i);
		val[1] = '\0';
		add_tick(c, x, c->y + 0.8 * s, b, F_SATISFACTION, val);
		add_text(c, x + b + 1.5 * s, c->y, cw - b - 2 * s, 6.5 * s,
		    11 * s, LAYOUT_LEFT, 0, w[i]);
	}
	c->l->keyed[F_SATISFACTION] = 1;
	c->y += 8.0 * s;
	return 0;
}

static int
do_ask(struct ctx *c, const char *arg)
{
	struct layout *l = c->l;
	double s = c->g.s, b = 4.2 * s, rx;
	struct layout_item *it;
	int q, f;

	if (*arg == '\0')
		return fail(c, "%s", _("\"ask\" wants the question"));
	/* the answer field: named first, or one of the policy's questions */
	{
		size_t n = strcspn(arg, " \t");
		char *w = xstrndup(arg, n);

		f = field_lookup(w);
		free(w);
		if (field_is_answer(f) && arg[n] != '\0') {
			arg += n;
			arg += strspn(arg, " \t");
		} else
			f = field_question(arg);
		if (f >= 0)
			l->keyed[f] = 1;
	}
	l->questions = xreallocarray(l->questions, l->nquestions + 1,
	    sizeof(*l->questions));
	l->question_field = xreallocarray(l->question_field, l->nquestions + 1,
	    sizeof(*l->question_field));
	l->question_field[l->nquestions] = f;
	l->questions[l->nquestions++] = xstrdup(arg);
	q = (int)l->nquestions;
	rx = c->x1 - 36 * s;
	add_text(c, c->x0 + 2 * s, c->y, rx - c->x0 - 4 * s, 6.5 * s,
	    10.5 * s, LAYOUT_LEFT, 0, arg);
	it = add_tick(c, rx, c->y + 0.9 * s, b, -1, "yes");
	it->question = q;
	add_text(c, rx + b + 1.2 * s, c->y, 10 * s, 6.5 * s, 10.5 * s,
	    LAYOUT_LEFT, 0, "是");
	it = add_tick(c, rx + 18 * s, c->y + 0.9 * s, b, -1, "no");
	it->question = q;
	add_text(c, rx + 18 * s + b + 1.2 * s, c->y, 10 * s, 6.5 * s,
	    10.5 * s, LAYOUT_LEFT, 0, "否");
	c->y += 7.0 * s;
	return 0;
}

/* One reason box in a two-column grid; col counts across calls. */
static void
reason_box(struct ctx *c, const char *code, const char *label, int *col)
{
	double s = c->g.s, cw = (c->x1 - c->x0) / 2, b = 4.2 * s;
	double x = c->x0 + *col * cw;
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s（%s）", label, code);
	add_tick(c, x, c->y + 0.8 * s, b, F_EVAL_DETAIL, code);
	add_text(c, x + b + 1.5 * s, c->y, cw - b - 3 * s, 6.0 * s, 10 * s,
	    LAYOUT_LEFT, 0, strbuf_str(&sb));
	strbuf_release(&sb);
	c->l->keyed[F_EVAL_DETAIL] = 1;
	if (++*col == 2) {
		*col = 0;
		c->y += 6.5 * s;
	}
}

static int
do_field(struct ctx *c, char *arg)
{
	double s = c->g.s, cw = (c->x1 - c->x0) / 2, lw, x;
	struct layout_item *it;
	const char *lab;
	char *label;
	int f;

	label = arg + strcspn(arg, " \t");
	if (*label != '\0')
		*label++ = '\0';
	label += strspn(label, " \t");
	if ((f = field_lookup(arg)) < 0)
		return fail(c, _("\"%s\" is not a field of the evaluation "
		    "record (see hcp-csv(5))"), arg);
	lab = *label != '\0' ? label : fields[f].zh;
	x = c->x0 + c->pending * cw;
	lw = text_width(lab, 10 * s) + 2 * s;
	add_text(c, x, c->y + 0.6 * s, lw, 6.5 * s, 10 * s, LAYOUT_LEFT, 0,
	    lab);
	it = add(c, LAYOUT_WRITE, x + lw, c->y, cw - lw - 4 * s, 7.5 * s);
	it->field = f;
	c->l->keyed[f] = 1;
	if (++c->pending == 2)
		flush_fields(c);
	return 0;
}

static int
do_keys(struct ctx *c, char *arg)
{
	char *w[F_NFIELDS + 1];
	int n, i, f;

	if ((n = split_words(arg, w, F_NFIELDS + 1)) < 0)
		return fail(c, "%s", _("too many names after \"keys\""));
	for (i = 0; i < n; i++) {
		if ((f = field_lookup(w[i])) < 0)
			return fail(c, _("\"%s\" is not a field of the "
			    "evaluation record (see hcp-csv(5))"), w[i]);
		c->l->keyed[f] = 1;
	}
	return 0;
}

static int
do_template(struct ctx *c, char *arg)
{
	char *w[3];
	long long v;
	size_t i;

	if (split_words(arg, w, 3) != 2)
		return fail(c, "%s", _("\"template\" wants an id and a "
		    "version number"));
	if (strlen(w[0]) < 1 || strlen(w[0]) > 10)
		return fail(c, "%s", _("the template id must be 1 to 10 "
		    "capital letters or digits"));
	for (i = 0; w[0][i] != '\0'; i++)
		if (!isupper((unsigned char)w[0][i]) &&
		    !isdigit((unsigned char)w[0][i]))
			return fail(c, "%s", _("the template id must be 1 to "
			    "10 capital letters or digits"));
	if (num_parse(w[1], 1, 9999, &v, NULL) != 0)
		return fail(c, "%s", _("the template version must be a "
		    "number 1 to 9999"));
	free(c->l->id);
	c->l->id = xstrdup(w[0]);
	c->l->version = (int)v;
	snprintf(c->l->tid, sizeof(c->l->tid), "%s-%d", w[0], (int)v);
	return 0;
}

static int
do_line(struct ctx *c, char *kw, char *arg,
    const struct layout_reason *reasons, size_t nreasons, int *rcol)
{
	double s = c->g.s;
	double hx1 = c->x1 - c->g.qr - 3;

	if (strcmp(kw, "template") == 0)
		return do_template(c, arg);
	if (strcmp(kw, "page") == 0) {
		if (c->l->n > 0)
			return fail(c, "%s", _("\"page\" must come before "
			    "anything printed"));
		return start_page(c, arg);
	}
	if (strcmp(kw, "keys") == 0)
		return do_keys(c, arg);
	if (c->l->page == NULL && start_page(c, "A4") == 0) {
		s = c->g.s;
		hx1 = c->x1 - c->g.qr - 3;
	}
	if (strcmp(kw, "title") == 0 || strcmp(kw, "subtitle") == 0) {
		double pt = kw[0] == 't' ? 17 * s : 11 * s;

		if (!c->in_header)
			return fail(c, _("\"%s\" must come before the body of "
			    "the form"), kw);
		if (*arg == '\0')
			return fail(c, _("\"%s\" wants a text"), kw);
		add_text(c, c->x0, c->y, hx1 - c->x0, line_height(pt), pt,
		    LAYOUT_CENTRE, kw[0] == 't', arg);
		c->y += line_height(pt) + 1.0 * s;
		return 0;
	}
	if (strcmp(kw, "field") != 0)
		flush_fields(c);
	if (strcmp(kw, "reason") != 0 && strcmp(kw, "reasons") != 0 &&
	    *rcol != 0) {
		*rcol = 0;
		c->y += 6.5 * s;
	}
	leave_header(c);
	if (strcmp(kw, "section") == 0) {
		if (*arg == '\0')
			return fail(c, "%s", _("\"section\" wants a heading"));
		c->y += 1.5 * s;
		add(c, LAYOUT_RULE, c->x0, c->y, c->x1 - c->x0, 0);
		c->y += 1.0 * s;
		add_text(c, c->x0, c->y, c->x1 - c->x0, 6 * s, 11 * s,
		    LAYOUT_LEFT, 1, arg);
		c->y += 6.8 * s;
		return 0;
	}
	if (strcmp(kw, "text") == 0 || strcmp(kw, "notice") == 0) {
		if (*arg == '\0')
			return fail(c, _("\"%s\" wants a text"), kw);
		return paragraph(c, arg, 9.5 * s, kw[0] == 'n');
	}
	if (strcmp(kw, "grades") == 0)
		return do_grades(c, arg);
	if (strcmp(kw, "ask") == 0)
		return do_ask(c, arg);
	if (strcmp(kw, "reasons") == 0) {
		size_t i;

		if (strcmp(arg, "dictionary") != 0)
			return fail(c, "%s", _("write \"reasons dictionary\" "
			    "or one \"reason CODE LABEL\" line per reason"));
		c->l->keyed[F_EVAL_DETAIL] = 1;
		for (i = 0; i < nreasons; i++)
			reason_box(c, reasons[i].code, reasons[i].label, rcol);
		return 0;
	}
	if (strcmp(kw, "reason") == 0) {
		char *label = arg + strcspn(arg, " \t");

		if (*label != '\0')
			*label++ = '\0';
		label += strspn(label, " \t");
		if (*arg == '\0' || *label == '\0')
			return fail(c, "%s", _("\"reason\" wants a code and "
			    "a label"));
		reason_box(c, arg, label, rcol);
		return 0;
	}
	if (strcmp(kw, "comment") == 0) {
		struct layout_item *it;
		long long h;

		if (num_parse(arg, 5, 200, &h, NULL) != 0)
			return fail(c, "%s", _("\"comment\" wants the box "
			    "height in mm, 5 to 200"));
		it = add(c, LAYOUT_WRITE, c->x0, c->y, c->x1 - c->x0,
		    (double)h * s);
		it->field = F_COMMENT;
		c->l->keyed[F_COMMENT] = 1;
		c->y += (double)h * s + 1.5 * s;
		return 0;
	}
	if (strcmp(kw, "field") == 0)
		return do_field(c, arg);
	if (strcmp(kw, "space") == 0) {
		long long h;

		if (num_parse(arg, 0, 100, &h, NULL) != 0)
			return fail(c, "%s", _("\"space\" wants a height in "
			    "mm, 0 to 100"));
		c->y += (double)h * s;
		return 0;
	}
	return fail(c, _("unknown line \"%s\""), kw);
}

static void
fingerprint(struct layout *l)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned char md[DIGEST_LEN];
	struct digest *d;
	size_t i;

	strbuf_addf(&sb, "%s %s %.1f %.1f\n", l->tid, l->page, l->page_w,
	    l->page_h);
	for (i = 0; i < l->n; i++) {
		const struct layout_item *it = &l->v[i];

		strbuf_addf(&sb, "%d %.1f %.1f %.1f %.1f %d %s %d %s\n",
		    (int)it->kind, it->x, it->y, it->w, it->h, it->field,
		    it->value != NULL ? it->value : "", it->question,
		    it->text != NULL && !it->dynamic ? it->text : "");
	}
	if ((d = digest_new(DIGEST_SM3)) != NULL) {
		digest_update(d, sb.buf, sb.len);
		digest_final(d, md);
		digest_free(d);
	} else
		memset(md, 0, sizeof(md));
	snprintf(l->fingerprint, sizeof(l->fingerprint), "%02X%02X%02X%02X",
	    md[0], md[1], md[2], md[3]);
	strbuf_release(&sb);
}

static int
finish(struct ctx *c)
{
	struct layout *l = c->l;
	struct geom *g = &c->g;
	double s = g->s, fy = g->h - g->margin - 3.5 * s;
	double q = g->qr;
	char foot[128];

	flush_fields(c);
	leave_header(c);
	if (l->id == NULL)
		return fail(c, "%s", _("the template has no \"template ID "
		    "VERSION\" line"));
	if (c->y > fy - 1)
		return fail(c, _("the form does not fit on an %s page (it "
		    "needs %.0f mm more)"), l->page, c->y - fy + 1);
	l->page_w = g->w;
	l->page_h = g->h;
	add(c, LAYOUT_QR, c->x1 - q, g->margin, q, q);
	add_text(c, c->x1 - 50 * s, g->margin + q + 0.3 * s, 50 * s, 5 * s,
	    9 * s, LAYOUT_RIGHT, 1, "No. {serial}");
	add(c, LAYOUT_MARK, g->inset, g->inset, g->mark, g->mark);
	add(c, LAYOUT_MARK, g->w - g->inset - g->mark, g->inset, g->mark,
	    g->mark);
	add(c, LAYOUT_MARK, g->inset, g->h - g->inset - g->mark, g->mark,
	    g->mark);
	add(c, LAYOUT_MARK, g->w - g->inset - g->mark,
	    g->h - g->inset - g->mark, g->mark, g->mark);
	l->keyed[F_SERIAL] = 1;
	fingerprint(l);
	/* The footer names the fingerprint, so it is not part of it. */
	snprintf(foot, sizeof(foot), "{name}  %s  %s", l->tid,
	    l->fingerprint);
	add_text(c, c->x0, fy, c->x1 - c->x0, 3.5 * s, 7 * s, LAYOUT_CENTRE,
	    0, foot);
	return 0;
}

struct layout *
layout_parse(const char *text, const char *name,
    const struct layout_reason *reasons, size_t nreasons, char **errstr)
{
	struct ctx c;
	char *copy = xstrdup(text), *p = copy, *nl;
	int rcol = 0;

	memset(&c, 0, sizeof(c));
	c.l = xcalloc(1, sizeof(*c.l));
	c.name = name;
	c.in_header = 1;
	*errstr = NULL;
	for (c.line = 1; p != NULL && *p != '\0'; c.line++, p = nl) {
		char *kw, *arg, *e;

		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		e = p + strlen(p);
		while (e > p && (e[-1] == '\r' || e[-1] == ' ' ||
		    e[-1] == '\t'))
			*--e = '\0';
		p += strspn(p, " \t");
		if (c.line == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;
		if (*p == '#' || *p == '\0')
			continue;
		kw = p;
		arg = p + strcspn(p, " \t");
		if (*arg != '\0')
			*arg++ = '\0';
		arg += strspn(arg, " \t");
		if (do_line(&c, kw, arg, reasons, nreasons, &rcol) != 0)
			goto fail;
	}
	c.line = 0;
	if (rcol != 0)
		c.y += 6.5 * c.g.s;
	if (c.l->page == NULL && start_page(&c, "A4") != 0)
		goto fail;
	if (finish(&c) != 0)
		goto fail;
	free(copy);
	return c.l;
fail:
	free(copy);
	layout_free(c.l);
	*errstr = c.err;
	return NULL;
}

struct layout *
layout_load(const char *path, const struct layout_reason *reasons,
    size_t nreasons, char **errstr)
{
	struct layout *l;
	char *buf;
	size_t len;

	if (fileio_read(path, MAX_TEMPLATE, &buf, &len) != 0) {
		*errstr = xasprintf("%s: %s", path, errno == EFBIG ?
		    _("file too large for a form template") : strerror(errno));
		return NULL;
	}
	if (memchr(buf, '\0', len) != NULL) {
		*errstr = xasprintf("%s: %s", path, _("not a text file"));
		free(buf);
		return NULL;
	}
	l = layout_parse(buf, path, reasons, nreasons, errstr);
	free(buf);
	return l;
}

void
layout_free(struct layout *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].value);
	}
	for (i = 0; i < l->nquestions; i++)
		free(l->questions[i]);
	free(l->questions);
	free(l->question_field);
	free(l->v);
	free(l->id);
	free(l->page);
	free(l);
}

/* The reasons read so far, for catalog_bad_reasons(). */
struct reasons {
	struct layout_reason *v;
	size_t n;
};

static void
add_reason(void *arg, const char *code, const char *label)
{
	struct reasons *r = arg;

	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->v[r->n].code = xstrdup(code);
	r->v[r->n].label = xstrdup(label);
	r->n++;
}

int
layout_dict_reasons(struct db *db, struct layout_reason **v, size_t *n)
{
	struct reasons r = { NULL, 0 };

	*v = NULL;
	*n = 0;
	if (catalog_bad_reasons(db, add_reason, &r) != 0) {
		layout_reasons_free(r.v, r.n);
		return -1;
	}
	*v = r.v;
	*n = r.n;
	return 0;
}

void
layout_reasons_free(struct layout_reason *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].code);
		free(v[i].label);
	}
	free(v);
}

const struct layout_item *
layout_find(const struct layout *l, enum layout_kind kind, int field)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && (field < 0 ||
		    l->v[i].field == field))
			return &l->v[i];
	return NULL;
}
