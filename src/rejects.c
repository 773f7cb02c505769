/* SPDX-License-Identifier: ISC */
/*
 * The rejects file (see rejects.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "outfile.h"
#include "record.h"
#include "rejects.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

struct rejects {
	char *path, *err;
	struct outfile *of;
	FILE *fp;
	size_t ncols;
	char **header;
	int *drop;
	long rows;
	int failed;
	int zh;			/* 错误说明 in Chinese */
	struct strbuf line;
};

/* rejects_set_language(): -1 the header's, 0 English, 1 Chinese */
static int language = -1;

void
rejects_set_language(int lang)
{
	language = lang;
}

/*
 * The message of problem p in the rejects file's language: the code's
 * text in it, then the detail p->msg carries after the text of the
 * user's language.
 */
static void
add_msg(struct rejects *rj, struct strbuf *sb, const struct rec_problem *p)
{
	const struct rec_code_def *d = rec_code_def(p->code);
	const char *cur = rec_code_text(p->code);
	size_t n = strlen(cur);

	if (strncmp(p->msg, cur, n) != 0) {
		strbuf_adds(sb, p->msg);
		return;
	}
	strbuf_adds(sb, rj->zh ? d->zh : d->en);
	strbuf_adds(sb, p->msg + n);
}

struct rejects *
rejects_new(const char *path, size_t ncols, const char *const *header,
    const int *drop)
{
	struct rejects *rj = xcalloc(1, sizeof(*rj));
	size_t i;

	rj->path = xstrdup(path);
	rj->ncols = ncols;
	rj->header = xcalloc(ncols ? ncols : 1, sizeof(*rj->header));
	rj->drop = xcalloc(ncols ? ncols : 1, sizeof(*rj->drop));
	for (i = 0; i < ncols; i++) {
		rj->header[i] = xstrdup(header[i]);
		rj->drop[i] = drop != NULL && drop[i];
		/* Chinese column names: Chinese explanations */
		if (!rj->drop[i] && strlen(header[i]) !=
		    strspn(header[i], " !\"#$%&'()*+,-./0123456789:;<=>?@"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
		    "abcdefghijklmnopqrstuvwxyz{|}~"))
			rj->zh = 1;
	}
	if (language >= 0)
		rj->zh = language;
	strbuf_init(&rj->line);
	return rj;
}

static int
fail(struct rejects *rj, const char *what)
{
	free(rj->err);
	rj->err = xasprintf("%s: %s", what, strerror(errno));
	rj->failed = 1;
	return -1;
}

static void
add_cells(struct rejects *rj, size_t ncols, const char *const *cells)
{
	size_t i;
	int first = 1;

	for (i = 0; i < rj->ncols; i++) {
		const char *s = i < ncols ? cells[i] : "";

		if (rj->drop[i])
			continue;
		if (!first)
			strbuf_addc(&rj->line, ',');
		first = 0;
		csv_append_field(&rj->line, s, strlen(s), 1);
	}
	/* cells beyond the header are kept too, so nothing is lost */
	for (i = rj->ncols; i < ncols; i++) {
		strbuf_addc(&rj->line, ',');
		csv_append_field(&rj->line, cells[i], strlen(cells[i]), 1);
	}
}

static int
start(struct rejects *rj)
{
	size_t i, n;
	const char *const *ann = rec_rejects_columns(&n);

	char *e = NULL;

	/* a private file: it holds names, certificate numbers, phones */
	if ((rj->of = outfile_open(rj->path, OUTFILE_PRIVATE, &e)) == NULL) {
		free(rj->err);
		rj->err = e;
		rj->failed = 1;
		return -1;
	}
	rj->fp = outfile_fp(rj->of);
	strbuf_reset(&rj->line);
	strbuf_adds(&rj->line, "\xef\xbb\xbf");
	add_cells(rj, rj->ncols, (const char *const *)rj->header);
	for (i = 0; i < n; i++) {
		strbuf_addc(&rj->line, ',');
		strbuf_adds(&rj->line, ann[i]);
	}
	strbuf_adds(&rj->line, "\r\n");
	if (fwrite(rj->line.buf, 1, rj->line.len, rj->fp) != rj->line.len)
		return fail(rj, rj->path);
	return 0;
}

int
rejects_row(struct rejects *rj, size_t ncols, const char *const *cells,
    long line, const struct rec_problem *p, size_t n)
{
	struct strbuf cols = STRBUF_INIT, codes = STRBUF_INIT,
	    msgs = STRBUF_INIT;
	size_t i;
	int k = 0;

	if (rj->failed)
		return -1;
	if (rj->fp == NULL && start(rj) != 0)
		return -1;
	strbuf_reset(&rj->line);
	add_cells(rj, ncols, cells);
	for (i = 0; i < n; i++) {
		if (p[i].severity != REC_ERROR)
			continue;
		if (k++ > 0) {
			strbuf_adds(&cols, "; ");
			strbuf_adds(&codes, "; ");
			strbuf_adds(&msgs, "; ");
		}
		strbuf_adds(&cols, p[i].column);
		strbuf_adds(&codes, rec_code_def(p[i].code)->name);
		add_msg(rj, &msgs, &p[i]);
	}
	strbuf_addf(&rj->line, ",%ld,", line);
	csv_append_field(&rj->line, strbuf_str(&cols), cols.len, 1);
	strbuf_addc(&rj->line, ',');
	csv_append_field(&rj->line, strbuf_str(&codes), codes.len, 1);
	strbuf_addc(&rj->line, ',');
	csv_append_field(&rj->line, strbuf_str(&msgs), msgs.len, 1);
	strbuf_adds(&rj->line, "\r\n");
	strbuf_release(&cols);
	strbuf_release(&codes);
	strbuf_release(&msgs);
	if (fwrite(rj->line.buf, 1, rj->line.len, rj->fp) != rj->line.len)
		return fail(rj, rj->path);
	rj->rows++;
	return 0;
}

long
rejects_count(const struct rejects *rj)
{
	return rj->rows;
}

int
rejects_commit(struct rejects *rj)
{
	struct outfile *of = rj->of;
	char *e = NULL;

	if (rj->failed)
		return -1;
	if (of == NULL)
		return 0;
	rj->of = NULL;
	rj->fp = NULL;
	if (outfile_commit(of, &e) != 0) {
		free(rj->err);
		rj->err = e;
		rj->failed = 1;
		return -1;
	}
	return 0;
}

void
rejects_free(struct rejects *rj)
{
	size_t i;

	if (rj == NULL)
		return;
	outfile_abort(rj->of);
	for (i = 0; i < rj->ncols; i++)
		free(rj->header[i]);
	free(rj->header);
	free(rj->drop);
	free(rj->path);
	free(rj->err);
	strbuf_release(&rj->line);
	free(rj);
}

int
rejects_remove_stale(const char *path)
{
	const char *const *ann;
	char head[4096];
	size_t n, len;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return errno == ENOENT ? 0 : -1;
	len = fread(head, 1, sizeof(head) - 1, fp);
	fclose(fp);
	head[len] = '\0';
	head[strcspn(head, "\r\n")] = '\0';
	ann = rec_rejects_columns(&n);
	len = strlen(head);
	if (n == 0 || len < strlen(ann[n - 1]) ||
	    strcmp(head + len - strlen(ann[n - 1]), ann[n - 1]) != 0)
		return 0;
	if (unlink(path) != 0)
		return errno == ENOENT ? 0 : -1;
	return 1;
}

const char *
rejects_errstr(const struct rejects *rj)
{
	return rj->err != NULL ? rj->err : "no error";
}

const char *
rejects_path(const struct rejects *rj)
{
	return rj->path;
}
