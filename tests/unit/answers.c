/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the four 是/否 answer fields (guide_clear, process_easy,
 * material_lean, ui_friendly): their names in the field table, every
 * accepted spelling and E_ANSWER, the row hash of a row without answers
 * (that of hcp 0.1.0), and the "ask" lines of a form template that key
 * them, with the form's fingerprint left as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "layout.h"
#include "record.h"
#include "strbuf.h"
#include "tap.h"
#include "xalloc.h"
#include "banned.h"

static const char *const base_hdr[] = {
	"serial", "item_code", "dept_code", "area_code", "satisfaction",
	"assess_time"
};
static const char *const base_cells[] = {
	"3305230100000011", "ITEM-1", "11330523002572643X", "330523", "5",
	"2026-11-20 10:00"
};
#define NB (sizeof(base_hdr) / sizeof(base_hdr[0]))

static struct rec_ctx *ctx;
static struct rec_map *m;	/* the problems' column names point in it */
static struct rec r;
static struct rec_problems pl = REC_PROBLEMS_INIT;

/*
 * Checks the base row with the columns names[0..n-1] = values[0..n-1]
 * added after it; returns the errors.
 */
static int
check(size_t n, const char *const *names, const char *const *values)
{
	const char *h[NB + 4], *c[NB + 4];
	size_t i;

	for (i = 0; i < NB; i++) {
		h[i] = base_hdr[i];
		c[i] = base_cells[i];
	}
	for (i = 0; i < n; i++) {
		h[NB + i] = names[i];
		c[NB + i] = values[i];
	}
	rec_problems_clear(&pl);
	if (rec_map_header(m, NB + n, h, 1, 0, &pl) != 0)
		return -1;
	return rec_check(ctx, m, NB + n, c, NULL, 2, &r, &pl);
}

/* The normalised guide_clear of a row that keys it as s, or "ERR". */
static const char *
answer(const char *s)
{
	const char *name = "指引清晰";

	if (check(1, &name, &s) != 0)
		return "ERR";
	return r.v[F_GUIDE_CLEAR];
}

static void
fields_table(void)
{
	static const char *const names[][3] = {
		{ "guide_clear", "指引清晰", "服务指引是否清晰" },
		{ "process_easy", "程序便利", "办事程序是否便利" },
		{ "material_lean", "材料精简", "材料手续是否精简" },
		{ "ui_friendly", "界面友好", "操作界面是否友好" },
	};
	int i;

	for (i = 0; i < F_NANSWERS; i++) {
		is_int(field_lookup(names[i][0]), F_ANSWERS + i, names[i][0]);
		is_int(field_lookup(names[i][1]), F_ANSWERS + i, names[i][1]);
		is_int(field_question(names[i][2]), F_ANSWERS + i,
		    names[i][2]);
		ok(fields[F_ANSWERS + i].iface == NULL,
		    "no national interface name");
	}
	ok(!field_is_answer(F_ASSESS_NUMBER) && !field_is_answer(-1) &&
	    !field_is_answer(F_NFIELDS), "the others are no answers");
	is_int(field_question("有何改进意见"), -1, "another question: none");
	is_int(F_ANSWERS, 19, "the answers follow the 19 fields of 0.1.0");
}

static void
spellings(void)
{
	static const char *const yes[] = { "是", "Y", "y", "yes", "YES",
		"1", "１", "Ｙ", "ｙｅｓ", " 是 ", "\u2713", "\u2714",
		"\u221a", "\u2611" };
	static const char *const no[] = { "否", "N", "n", "no", "No", "0",
		"０", "Ｎ", "\u2717", "\u2718", "\u00d7", "\u2715" };
	static const char *const bad[] = { "X", "x", "2", "是否", "对",
		"yess", "-" };
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(what, sizeof(what), "\"%s\" is 1", yes[i]);
		is_str(answer(yes[i]), "1", what);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(what, sizeof(what), "\"%s\" is 0", no[i]);
		is_str(answer(no[i]), "0", what);
	}
	is_str(answer(""), "", "empty: not answered");
	is_str(answer("　"), "", "a full-width blank: not answered");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "\"%s\" is E_ANSWER", bad[i]);
		is_str(answer(bad[i]), "ERR", what);
		ok(pl.n == 1 && pl.v[0].code == E_ANSWER &&
		    pl.v[0].col == (int)NB &&
		    strcmp(pl.v[0].column, "指引清晰") == 0,
		    "  at the column of the answer");
		snprintf(what, sizeof(what), "(%s)", bad[i]);
		ok(pl.n == 1 && strstr(pl.v[0].msg, what) != NULL,
		    "  naming the value as keyed");
	}
}

static void
hashes(void)
{
	static const char *const names[] = { "guide_clear", "process_easy",
		"material_lean", "ui_friendly" };
	static const char *const empty[] = { "", "", "", "" };
	static const char *const one[] = { "", "", "否", "" };
	static const char *const one_yes[] = { "", "", "是", "" };
	char h0[REC_HASH_LEN + 1], h1[REC_HASH_LEN + 1];
	unsigned long long g0, g1;

	is_int(check(0, NULL, NULL), 0, "a row without answer columns");
	snprintf(h0, sizeof(h0), "%s", r.hash);
	g0 = r.h64;
	is_int(check(4, names, empty), 0, "the same with empty answers");
	is_str(r.hash, h0, "  has the same row hash");
	ok(r.h64 == g0, "  and the same h64");
	is_int(check(4, names, one), 0, "one answer given");
	ok(strcmp(r.hash, h0) != 0 && r.h64 != g0, "  another hash");
	snprintf(h1, sizeof(h1), "%s", r.hash);
	g1 = r.h64;
	is_int(check(4, names, one_yes), 0, "the other answer");
	ok(strcmp(r.hash, h1) != 0 && strcmp(r.hash, h0) != 0 &&
	    r.h64 != g1, "  a third hash");
}

static struct layout *
parse(const char *text)
{
	struct layout *l;
	char *e = NULL;

	if ((l = layout_parse(text, "t.form", NULL, 0, &e)) == NULL) {
		printf("# %s\n", e);
		free(e);
	}
	return l;
}

static void
form(void)
{
	static const char plain[] = "template T 1\n"
	    "ask 服务指引是否清晰\nask 办事程序是否便利\n"
	    "ask 材料手续是否精简\nask 操作界面是否友好\nask 有何不便\n";
	static const char named[] = "template T 1\n"
	    "ask guide_clear 服务指引是否清晰\nask process_easy 办事程序是否便利\n"
	    "ask 材料精简 材料手续是否精简\nask ui_friendly 操作界面是否友好\n"
	    "ask 有何不便\n";
	static const char reworded[] = "template T 1\n"
	    "ask 办事指南是否清楚\nask guide_clear 办事指南是否清楚\n";
	struct layout *a, *b, *c;
	int i;

	a = parse(plain);
	b = parse(named);
	c = parse(reworded);
	if (a == NULL || b == NULL || c == NULL) {
		ok(0, "the templates parse");
		goto out;
	}
	for (i = 0; i < F_NANSWERS; i++) {
		ok(a->keyed[F_ANSWERS + i] && b->keyed[F_ANSWERS + i],
		    fields[F_ANSWERS + i].name);
		is_int(a->question_field[i], F_ANSWERS + i,
		    "  the policy's question keys it");
		is_int(b->question_field[i], F_ANSWERS + i,
		    "  so does the question with its field named");
		is_str(b->questions[i], a->questions[i],
		    "  the printed question without the name");
	}
	is_int(a->question_field[4], -1, "another question keys nothing");
	is_str(a->fingerprint, b->fingerprint,
	    "naming the fields keeps the fingerprint");
	is_int(c->question_field[0], -1, "a reworded question keys nothing");
	ok(!c->keyed[F_PROCESS_EASY], "  nor another answer");
	is_int(c->question_field[1], F_GUIDE_CLEAR,
	    "but keys its field when named");
	ok(c->keyed[F_GUIDE_CLEAR], "  and is in the keying template");
out:
	layout_free(a);
	layout_free(b);
	layout_free(c);
}

int
main(void)
{
	ctx = rec_ctx_new();
	rec_ctx_set_now(ctx, 1795348800);	/* 2026-11-22 12:00 UTC */
	m = rec_map_new();
	rec_init(&r);

	fields_table();
	spellings();
	hashes();
	form();

	rec_release(&r);
	rec_map_free(m);
	rec_problems_release(&pl);
	rec_ctx_free(ctx);
	return tap_done();
}
