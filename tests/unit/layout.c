/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the form layout: the shipped templates parse, every item
 * lies on the page, no two boxes overlap, the boxes stand for the right
 * fields and values, the fingerprint follows the layout (not comments),
 * template errors name file:line, and the reasons come from the
 * dictionary in force.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fields.h"
#include "layout.h"
#include "settings.h"
#include "strbuf.h"
#include "tap.h"
#include "xalloc.h"
#include "banned.h"

#define EPS 1e-6

/* The bad-review reasons of the sample dictionary. */
static const char *const reason_text[][2] = {
	{ "201", "办事程序繁琐" }, { "202", "材料手续复杂" },
	{ "203", "等候时间长" }, { "204", "服务态度差" },
	{ "205", "一次性告知不到位" }, { "101", "多次跑腿仍未办成" },
	{ "102", "推诿扯皮" }, { "103", "服务态度恶劣" },
	{ "104", "超时办理" }, { "105", "违规收费或索要好处" }
};
#define NREASONS (sizeof(reason_text) / sizeof(reason_text[0]))
static struct layout_reason reasons[NREASONS];

static const char *kind_names[] = { "text", "tick", "write", "rule", "qr",
	"mark" };

static char *
read_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	return strbuf_detach(&sb);
}

/* The template text with the first occurrence of from replaced by to. */
static char *
replace(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	struct strbuf sb = STRBUF_INIT;

	if (p == NULL)
		return NULL;
	strbuf_add(&sb, text, (size_t)(p - text));
	strbuf_adds(&sb, to);
	strbuf_adds(&sb, p + strlen(from));
	return strbuf_detach(&sb);
}

static struct layout *
parse(const char *text, const struct layout_reason *r, size_t n)
{
	struct layout *l;
	char *e;

	if (text == NULL)
		return NULL;
	if ((l = layout_parse(text, "t.form", r, n, &e)) == NULL) {
		printf("# %s\n", e);
		free(e);
	}
	return l;
}

/* Fingerprint of text, or "" if it does not parse. */
static void
fp_of(const char *text, const struct layout_reason *r, size_t n,
    char out[9])
{
	struct layout *l = parse(text, r, n);

	snprintf(out, 9, "%s", l != NULL ? l->fingerprint : "");
	layout_free(l);
}

/* The error message of a template that must fail, or NULL. */
static char *
error_of(const char *text)
{
	struct layout *l;
	char *e = NULL;

	if ((l = layout_parse(text, "bad.form", reasons, NREASONS, &e)) !=
	    NULL) {
		layout_free(l);
		return NULL;
	}
	return e;
}

static int
prefix(const char *s, const char *p)
{
	return s != NULL && strncmp(s, p, strlen(p)) == 0;
}

static int
boxes_overlap(const struct layout_item *a, const struct layout_item *b)
{
	return a->x < b->x + b->w - EPS && b->x < a->x + a->w - EPS &&
	    a->y < b->y + b->h - EPS && b->y < a->y + a->h - EPS;
}

static int
count(const struct layout *l, enum layout_kind kind, int field)
{
	size_t i;
	int n = 0;

	for (i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && (field < 0 ||
		    l->v[i].field == field))
			n++;
	return n;
}

/* Checks one shipped template's layout. */
static void
check_shipped(const char *dd, const char *name, const char *tid,
    const char *page, double pw, double ph)
{
	char *path = xasprintf("%s/forms/%s.form", dd, name), *e = NULL;
	struct layout *l = layout_load(path, reasons, NREASONS, &e);
	const struct layout_item *qr;
	int outside = 0, overlaps = 0, badtick = 0, grades = 0, yes = 0,
	    no = 0, dyn = 0;
	size_t i, j;
	char what[160];

	snprintf(what, sizeof(what), "%s parses", name);
	if (!ok(l != NULL, what)) {
		printf("# %s\n", e);
		free(e);
		free(path);
		return;
	}
	is_str(l->tid, tid, "template id and version");
	is_str(l->page, page, "page size");
	ok(l->page_w == pw && l->page_h == ph, "page in mm");
	ok(strlen(l->fingerprint) == 8 &&
	    strspn(l->fingerprint, "0123456789ABCDEF") == 8,
	    "fingerprint is 8 upper-case hex digits");

	for (i = 0; i < l->n; i++) {
		const struct layout_item *it = &l->v[i];

		if (it->x < -EPS || it->y < -EPS || it->w < 0 || it->h < 0 ||
		    it->x + it->w > l->page_w + EPS ||
		    it->y + it->h > l->page_h + EPS) {
			printf("# outside the page: %s at %.1f,%.1f %.1fx%.1f"
			    "\n", kind_names[it->kind], it->x, it->y, it->w,
			    it->h);
			outside++;
		}
		if (it->kind == LAYOUT_RULE)
			continue;
		for (j = i + 1; j < l->n; j++) {
			const struct layout_item *o = &l->v[j];

			if (o->kind == LAYOUT_RULE || !boxes_overlap(it, o))
				continue;
			printf("# overlap: %s \"%s\" at %.1f,%.1f %.1fx%.1f "
			    "and %s \"%s\" at %.1f,%.1f %.1fx%.1f\n",
			    kind_names[it->kind], it->text ? it->text : "",
			    it->x, it->y, it->w, it->h, kind_names[o->kind],
			    o->text ? o->text : "", o->x, o->y, o->w, o->h);
			overlaps++;
		}
		if (it->kind == LAYOUT_TICK) {
			if (it->value == NULL || it->w != it->h)
				badtick++;
			else if (it->field == F_SATISFACTION &&
			    strlen(it->value) == 1 &&
			    it->value[0] == '5' - grades)
				grades++;
			else if (it->question > 0 &&
			    strcmp(it->value, "yes") == 0)
				yes++;
			else if (it->question > 0 &&
			    strcmp(it->value, "no") == 0)
				no++;
			else if (it->field != F_EVAL_DETAIL)
				badtick++;
		}
		if (it->kind == LAYOUT_TEXT && it->dynamic) {
			dyn++;
			ok(strstr(it->text, "{serial}") != NULL &&
			    it->x + it->w > l->page_w / 2,
			    "the serial is printed, on the right");
		}
	}
	is_int(outside, 0, "every item lies inside the page");
	is_int(overlaps, 0, "no two items overlap (rules aside)");
	is_int(badtick, 0, "every tick box is square and means something");
	is_int(grades, 5, "five grade boxes, 5 to 1 from the left");
	is_int(count(l, LAYOUT_TICK, F_EVAL_DETAIL), (long long)NREASONS,
	    "one box per dictionary reason");
	is_int((long long)l->nquestions, 4, "four questions");
	ok(yes == 4 && no == 4, "a yes and a no box per question");
	is_int(dyn, 1, "one text changes with the serial");
	is_int(count(l, LAYOUT_QR, -1), 1, "one QR");
	is_int(count(l, LAYOUT_MARK, -1), 4, "four corner marks");
	qr = layout_find(l, LAYOUT_QR, -1);
	ok(qr != NULL && qr->w == qr->h && qr->x > l->page_w / 2 &&
	    qr->y < l->page_h / 4, "the QR is square, top right");
	ok(layout_find(l, LAYOUT_WRITE, F_COMMENT) != NULL,
	    "a comment box");
	is_int(count(l, LAYOUT_WRITE, -1), 10, "comment and nine field boxes");
	ok(l->keyed[F_SERIAL] && l->keyed[F_SATISFACTION] &&
	    l->keyed[F_EVAL_DETAIL] && l->keyed[F_COMMENT] &&
	    l->keyed[F_PHONE] && l->keyed[F_USER_PROP] &&
	    l->keyed[F_CERT_TYPE] && !l->keyed[F_CHANNEL] &&
	    !l->keyed[F_DEPT_CODE], "the keyed fields");
	layout_free(l);
	free(path);
}

static void
fingerprints(const char *dd)
{
	char *path = xasprintf("%s/forms/standard.form", dd);
	char *text = read_file(path), *t;
	char base[9], f[9];

	ok(text != NULL, "read standard.form");
	if (text == NULL) {
		free(path);
		return;
	}
	fp_of(text, reasons, NREASONS, base);
	fp_of(text, reasons, NREASONS, f);
	ok(*base != '\0' && strcmp(base, f) == 0,
	    "the same template gives the same fingerprint");

	t = replace(text, "# Plain text", "# Some other comment text");
	fp_of(t, reasons, NREASONS, f);
	is_str(f, base, "a changed comment keeps the fingerprint");
	free(t);
	t = replace(text, "\ntitle", "\n# a new comment line\n\n\ntitle");
	fp_of(t, reasons, NREASONS, f);
	is_str(f, base, "added comment and blank lines keep it");
	free(t);
	t = replace(text, "grades   非常满意", "grades  \t 非常满意");
	fp_of(t, reasons, NREASONS, f);
	is_str(f, base, "other blanks between words keep it");
	free(t);

	t = replace(text, "comment  40", "comment  41");
	fp_of(t, reasons, NREASONS, f);
	ok(*f != '\0' && strcmp(f, base) != 0,
	    "a taller comment box (moving what follows) changes it");
	free(t);
	t = replace(text, "section  五", "space 1\nsection  五");
	fp_of(t, reasons, NREASONS, f);
	ok(*f != '\0' && strcmp(f, base) != 0,
	    "1 mm of space before a section changes it");
	free(t);
	t = replace(text, "field    evaluator 姓名\nfield    phone 手机号码",
	    "field    phone 手机号码\nfield    evaluator 姓名");
	fp_of(t, reasons, NREASONS, f);
	ok(*f != '\0' && strcmp(f, base) != 0,
	    "two fields swapping places changes it");
	free(t);
	t = replace(text, "非常不满意\n", "很不满意\n");
	fp_of(t, reasons, NREASONS, f);
	ok(*f != '\0' && strcmp(f, base) != 0, "a printed word changes it");
	free(t);
	t = replace(text, "template STD 1", "template STD 2");
	fp_of(t, reasons, NREASONS, f);
	ok(*f != '\0' && strcmp(f, base) != 0, "the version changes it");
	free(t);
	fp_of(text, reasons, NREASONS - 1, f);
	ok(*f != '\0' && strcmp(f, base) != 0,
	    "one reason less in the dictionary changes it");
	free(text);
	free(path);

	/* the A5 form printed on A4 (the A4 form does not fit on A5) */
	path = xasprintf("%s/forms/standard-a5.form", dd);
	if ((text = read_file(path)) != NULL) {
		fp_of(text, reasons, NREASONS, base);
		t = replace(text, "page     A5", "page     A4");
		fp_of(t, reasons, NREASONS, f);
		ok(*base != '\0' && *f != '\0' && strcmp(f, base) != 0,
		    "the page size changes it");
		free(t);
	}
	free(text);
	free(path);
}

static void
errors(void)
{
	static const struct {
		const char *text, *prefix, *what;
	} bad[] = {
		{ "template STD 1\npage A3\n", "bad.form:2: ",
		    "a bad page size names its line" },
		{ "template STD 1\n\n# c\n\ntitle T\nfrobnicate x\n",
		    "bad.form:6: ", "an unknown keyword names its line" },
		{ "template STD 1\ngrades a b c d\n", "bad.form:2: ",
		    "four grade words" },
		{ "template std 1\n", "bad.form:1: ",
		    "a lower-case template id" },
		{ "template STD 0\n", "bad.form:1: ", "version 0" },
		{ "template STD\n", "bad.form:1: ", "no version" },
		{ "template STD 1\nfield nosuch 名\n", "bad.form:2: ",
		    "an unknown field" },
		{ "template STD 1\nkeys serial nosuch\n", "bad.form:2: ",
		    "an unknown field after keys" },
		{ "template STD 1\ntitle T\npage A5\n", "bad.form:3: ",
		    "page after something printed" },
		{ "template STD 1\nsection S\ntitle T\n", "bad.form:3: ",
		    "a title below the header" },
		{ "template STD 1\ncomment 4\n", "bad.form:2: ",
		    "a comment box too low" },
		{ "template STD 1\nreasons some\n", "bad.form:2: ",
		    "reasons without dictionary" },
		{ "template STD 1\r\ntitle T\r\nreason 101\r\n",
		    "bad.form:3: ", "a reason without label, CRLF lines" },
		{ "title T\n", "bad.form: ", "no template line" },
		{ "template STD 1\ncomment 200\ncomment 200\n", "bad.form: ",
		    "a form that does not fit the page" },
	};
	size_t i;
	char *e;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = error_of(bad[i].text);
		if (!ok(prefix(e, bad[i].prefix) &&
		    strlen(e) > strlen(bad[i].prefix) + 5, bad[i].what))
			printf("#   got \"%s\"\n", e != NULL ? e : "(parsed)");
		free(e);
	}
	e = error_of("template STD 1\ncomment 200\ncomment 200\n");
	ok(e != NULL && strstr(e, "A4") != NULL && strstr(e, "mm") != NULL,
	    "and says by how many mm");
	free(e);
	e = error_of("\xef\xbb\xbftemplate STD 1\r\ntitle T\r\n");
	ok(e == NULL, "a byte order mark and CRLF are accepted");
	free(e);

	ok(layout_load("/nonexistent/x.form", reasons, NREASONS, &e) ==
	    NULL && prefix(e, "/nonexistent/x.form: "),
	    "a missing file names the file");
	free(e);
}

static void
dictionary(const char *dd)
{
	char *schema = xasprintf("%s/schema", dd);
	struct layout_reason *v = NULL;
	struct db *db = db_new();
	size_t n = 0;

	if (!ok(db_open(db, ":memory:", DB_CREATE, schema) == 0, "schema"))
		printf("# %s\n", db_errstr(db));
	ok(settings_set(db, "eval_codes_version", "V2") == 0 &&
	    db_exec(db, "INSERT INTO eval_codes VALUES "
	    "('V2', '105', 1, 'five', 0), ('V2', '101', 1, 'one', 0), "
	    "('V2', '202', 2, 'two', 0), ('V2', '203', 2, 'gone', 1), "
	    "('V2', '301', 3, 'three', 0), ('V2', '501', 5, 'good', 0), "
	    "('V1', '201', 2, 'old', 0)") == 0, "a dictionary");
	ok(layout_dict_reasons(db, &v, &n) == 0, "read the reasons");
	is_int((long long)n, 3, "grades 1 and 2, in force, not retired");
	if (n == 3) {
		is_str(v[0].code, "202", "grade 2 first");
		is_str(v[0].label, "two", "with its label");
		is_str(v[1].code, "101", "then grade 1 by code");
		is_str(v[2].code, "105", "and the next");
	}
	layout_reasons_free(v, n);
	db_free(db);
	free(schema);
}

int
main(void)
{
	const char *dd = getenv("HCP_DATADIR");

	size_t i;

	if (dd == NULL)
		dd = "share";
	for (i = 0; i < NREASONS; i++) {
		reasons[i].code = xstrdup(reason_text[i][0]);
		reasons[i].label = xstrdup(reason_text[i][1]);
	}
	{
		struct layout_item a = { .x = 10, .y = 10, .w = 5, .h = 5 };
		struct layout_item b = a;

		ok(boxes_overlap(&a, &b), "the overlap check: same box");
		b.x = 14.9;
		ok(boxes_overlap(&a, &b), "the overlap check: 0.1 mm");
		b.x = 15;
		ok(!boxes_overlap(&a, &b), "the overlap check: side by side");
		b.x = 10;
		b.y = 15;
		ok(!boxes_overlap(&a, &b), "the overlap check: one below");
	}
	check_shipped(dd, "standard", "STD-1", "A4", 210, 297);
	check_shipped(dd, "standard-a5", "STD5-1", "A5", 148, 210);
	fingerprints(dd);
	errors();
	dictionary(dd);
	for (i = 0; i < NREASONS; i++) {
		free(reasons[i].code);
		free(reasons[i].label);
	}
	return tap_done();
}
