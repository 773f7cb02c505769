/* SPDX-License-Identifier: ISC */
/*
 * From the boxes of a read page to the values of the record (scan.h,
 * scan_values_get): the grade as its word (so the coding of the station
 * does not matter), the 是/否 answers, the reason codes; and for every
 * field the boxes do not settle, why, for the person who decides.
 */
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "i18n.h"
#include "layout.h"
#include "scan.h"
#include "scanvalues.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char *const grade_word[6] = { "", "非常不满意", "不满意",
    "基本满意", "满意", "非常满意" };

const char *
scan_grade_word(const char *v)
{
	if (v == NULL || v[0] < '1' || v[0] > '5' || v[1] != '\0')
		return NULL;
	return grade_word[v[0] - '0'];
}

/* What a box stands for, for a note: "满意", "是 (question 2)", "203". */
static void
box_name(struct strbuf *sb, const struct scan_box *b)
{
	const struct layout_item *it = b->it;
	const char *w;

	if (it->field == F_SATISFACTION && (w = scan_grade_word(it->value)) !=
	    NULL)
		strbuf_adds(sb, w);
	else if (it->question > 0)
		strbuf_addf(sb, "%d:%s", it->question,
		    strcmp(it->value, "yes") == 0 ? "是" : "否");
	else
		strbuf_adds(sb, it->value != NULL ? it->value : "?");
}

static void
note(struct scan_values *sv, int f, const char *what, const struct scan_box *b)
{
	struct strbuf sb = STRBUF_INIT;

	if (sv->note != NULL) {
		strbuf_adds(&sb, sv->note);
		strbuf_adds(&sb, "; ");
		free(sv->note);
	}
	strbuf_addf(&sb, "%s: ", fields[f].name);
	if (b != NULL) {
		box_name(&sb, b);
		strbuf_adds(&sb, " ");
	}
	strbuf_adds(&sb, what);
	sv->note = strbuf_detach(&sb);
	if (!sv->unsure[f])
		sv->nunsure++;
	sv->unsure[f] = 1;
}

static const char *
why_text(const struct scan_box *b)
{
	return b->why == SCAN_WHY_SCRIBBLED ? _("scribbled over") :
	    _("faintly marked");
}

/* The grade: exactly one box marked and none unclear. */
static void
grade(const struct scan_page *pg, struct scan_values *sv)
{
	const struct scan_box *one = NULL;
	size_t i;
	int marked = 0, unsure = 0, any = 0;

	for (i = 0; i < pg->nbox; i++) {
		const struct scan_box *b = &pg->box[i];

		if (b->it->field != F_SATISFACTION)
			continue;
		any = 1;
		if (b->state == SCAN_MARKED) {
			marked++;
			one = b;
		} else if (b->state == SCAN_UNCERTAIN) {
			unsure++;
			note(sv, F_SATISFACTION, why_text(b), b);
		}
	}
	if (!any)
		return;
	if (marked == 1 && unsure == 0) {
		sv->v[F_SATISFACTION] = xstrdup(scan_grade_word(one->it->value));
		return;
	}
	if (marked == 0 && unsure == 0)
		note(sv, F_SATISFACTION, _("no grade marked"), NULL);
	else if (marked > 1)
		note(sv, F_SATISFACTION, _("more than one grade marked"),
		    NULL);
	else if (marked == 1)
		note(sv, F_SATISFACTION, _("marked"), one);
}

static void
answers(const struct scan_page *pg, struct scan_values *sv)
{
	const struct layout *l = pg->l;
	size_t q, i;

	for (q = 1; q <= l->nquestions; q++) {
		const struct scan_box *yes = NULL, *no = NULL, *unsure = NULL;
		int f = l->question_field[q - 1];

		if (f < 0)
			continue;
		for (i = 0; i < pg->nbox; i++) {
			const struct scan_box *b = &pg->box[i];

			if (b->it->question != (int)q)
				continue;
			if (b->state == SCAN_UNCERTAIN)
				unsure = b;
			else if (b->state == SCAN_MARKED) {
				if (strcmp(b->it->value, "yes") == 0)
					yes = b;
				else
					no = b;
			}
		}
		if (unsure != NULL)
			note(sv, f, why_text(unsure), unsure);
		else if (yes != NULL && no != NULL)
			note(sv, f, _("both 是 and 否 marked"), NULL);
		else if (yes != NULL || no != NULL)
			sv->v[f] = xstrdup(yes != NULL ? "是" : "否");
	}
}

static void
reasons(const struct scan_page *pg, struct scan_values *sv)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int unsure = 0;

	for (i = 0; i < pg->nbox; i++) {
		const struct scan_box *b = &pg->box[i];

		if (b->it->field != F_EVAL_DETAIL)
			continue;
		if (b->state == SCAN_UNCERTAIN) {
			note(sv, F_EVAL_DETAIL, why_text(b), b);
			unsure = 1;
		} else if (b->state == SCAN_MARKED) {
			if (sb.len > 0)
				strbuf_addc(&sb, ',');
			strbuf_adds(&sb, b->it->value);
		}
	}
	if (!unsure && sb.len > 0)
		sv->v[F_EVAL_DETAIL] = strbuf_detach(&sb);
	strbuf_release(&sb);
}

int
scan_values_get(const struct scan_page *pg, struct scan_values *sv)
{
	memset(sv, 0, sizeof(*sv));
	grade(pg, sv);
	answers(pg, sv);
	reasons(pg, sv);
	return sv->nunsure;
}

void
scan_values_release(struct scan_values *sv)
{
	int i;

	for (i = 0; i < F_NFIELDS; i++)
		free(sv->v[i]);
	free(sv->note);
	memset(sv, 0, sizeof(*sv));
}
