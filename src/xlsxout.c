/* SPDX-License-Identifier: ISC */
/*
 * Workbooks written with libxlsxwriter (see xlsxout.h).  Every keyed
 * column is formatted as text ("@") so that Excel and WPS keep long
 * numbers as they are typed: the 15-digit limit of a number cell is what
 * damages serials, project and ID numbers (excel.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#include <sqlite3.h>
#include <xlsxwriter.h>

#include "db.h"
#include "excel.h"
#include "fields.h"
#include "i18n.h"
#include "strbuf.h"
#include "xalloc.h"
#include "xlsxin.h"
#include "xlsxout.h"
#include "banned.h"

#define SHEET_KEY "录入"
#define SHEET_KEY_EN "keying"
#define SHEET_CAT "目录"

/* The hidden sheet's columns: one list each. */
enum catcol {
	CAT_ITEMS,
	CAT_WINDOWS,
	CAT_STAFF,
	CAT_DETAIL,
	CAT_NCOLS
};

static const char *const cat_head[CAT_NCOLS] = {
	"事项（名称 — 编码）", "窗口编号", "工号", "评价详情代码"
};

static const char *const cat_sql[CAT_NCOLS] = {
	"SELECT name || ' \xe2\x80\x94 ' || code FROM items WHERE retired = 0 "
	"ORDER BY name, code",
	"SELECT id FROM windows WHERE retired = 0 ORDER BY id",
	"SELECT id FROM staff WHERE retired = 0 ORDER BY id",
	"SELECT code FROM eval_codes WHERE retired = 0 AND version = "
	"(SELECT value FROM settings WHERE key = 'eval_codes_version') "
	"ORDER BY code"
};

/* The input hint of each field: title and message. */
struct hint {
	const char *title, *msg;
};

static const struct hint hints[F_NFIELDS] = {
	[F_SERIAL] = { "表单编号", "16位数字，照评价表上印的编号填写" },
	[F_PROJECT_NO] = { "办件编号", "照办件系统的编号完整填写" },
	[F_ITEM_CODE] = { "事项", "从下拉列表选择，或填写事项编码" },
	[F_DEPT_CODE] = { "部门代码", "18位统一社会信用代码；可不填，"
	    "按事项目录补齐" },
	[F_AREA_CODE] = { "行政区划代码", "6位数字" },
	[F_WINDOW] = { "窗口编号", "从下拉列表选择" },
	[F_STAFF] = { "工号", "从下拉列表选择" },
	[F_CHANNEL] = { "评价渠道", "1至7的代码；纸质评价表照站点设置" },
	[F_SATISFACTION] = { "满意度", "从下拉列表选择" },
	[F_EVAL_DETAIL] = { "评价详情代码", "可填多个，用逗号分隔" },
	[F_COMMENT] = { "文字评价", "照评价表原文填写" },
	[F_USER_PROP] = { "用户类型", "1 个人，2 法人" },
	[F_EVALUATOR] = { "评价人", "照评价表填写" },
	[F_CERT_TYPE] = { "证件类型", "3位代码，如111（居民身份证）" },
	[F_CERT_NO] = { "证件号码", "完整填写，末位可为X" },
	[F_PHONE] = { "手机号码", "11位数字" },
	[F_SERVICE_TIME] = { "办理时间", "如 2026-11-22 09:30" },
	[F_ASSESS_TIME] = { "评价时间", "如 2026-11-22 10:00" },
	[F_ASSESS_NUMBER] = { "评价次数", "1 首次，2 追评" },
	[F_GUIDE_CLEAR] = { "是/否", "从下拉列表选择" },
	[F_PROCESS_EASY] = { "是/否", "从下拉列表选择" },
	[F_MATERIAL_LEAN] = { "是/否", "从下拉列表选择" },
	[F_UI_FRIENDLY] = { "是/否", "从下拉列表选择" },
};

static const char *satisfaction_words[] = {
	"非常满意", "满意", "基本满意", "不满意", "非常不满意", NULL
};
static const char *answer_words[] = { "是", "否", NULL };
static const char *assess_numbers[] = { "1", "2", NULL };
static const char *user_props[] = { "1", "2", NULL };

static int
fail(char **err, const char *what, lxw_error e)
{
	*err = xasprintf("%s: %s", what, lxw_strerror(e));
	return -1;
}

/* Writes a catalogue list down column col; returns how many rows. */
static int
cat_column(lxw_worksheet *ws, struct db *db, int col, long *n, char **err)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	worksheet_write_string(ws, 0, (lxw_col_t)col, cat_head[col], NULL);
	if (db == NULL)
		return 0;
	if (db_prepare(db, &st, cat_sql[col]) != 0) {
		*err = xstrdup(db_errstr(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (v == NULL)
			continue;
		worksheet_write_string(ws, (lxw_row_t)(*n + 1),
		    (lxw_col_t)col, v, NULL);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*err = xasprintf(_("reading the catalogue: %s"),
		    db_errstr(db));
		return -1;
	}
	return 0;
}

int
xlsxout_template(const char *path, struct db *db,
    const int keyed[F_NFIELDS], int english, char **err)
{
	lxw_workbook *wb;
	lxw_worksheet *ws, *cat;
	lxw_format *text, *head, *when;
	long ncat[CAT_NCOLS];
	char formula[128], colname[8];
	lxw_error e;
	int f, c, k;

	if ((wb = workbook_new(path)) == NULL) {
		*err = xasprintf(_("%s: cannot create the workbook"), path);
		return -1;
	}
	ws = workbook_add_worksheet(wb, english ? SHEET_KEY_EN : SHEET_KEY);
	cat = workbook_add_worksheet(wb, SHEET_CAT);
	text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	head = workbook_add_format(wb);
	format_set_num_format(head, "@");
	format_set_bold(head);
	when = workbook_add_format(wb);
	format_set_num_format(when, "yyyy-mm-dd hh:mm");
	for (k = 0; k < CAT_NCOLS; k++) {
		if (cat_column(cat, db, k, &ncat[k], err) != 0) {
			workbook_close(wb);
			remove(path);
			return -1;
		}
	}
	worksheet_set_column(cat, 0, 0, 40, text);
	worksheet_set_column(cat, 1, CAT_NCOLS - 1, 14, text);
	worksheet_hide(cat);

	for (f = c = 0; f < F_NFIELDS; f++) {
		lxw_data_validation dv;
		int date = f == F_SERVICE_TIME || f == F_ASSESS_TIME;
		const char **list = NULL;
		int catcol = -1;

		if (!keyed[f])
			continue;
		worksheet_write_string(ws, 0, (lxw_col_t)c, english ?
		    fields[f].name : fields[f].zh, head);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
		    date ? 18 : f == F_PROJECT_NO || f == F_ITEM_CODE ? 28 :
		    f == F_COMMENT ? 30 : 16, date ? when : text);
		memset(&dv, 0, sizeof(dv));
		dv.validate = LXW_VALIDATION_TYPE_ANY;
		if (f == F_SATISFACTION)
			list = satisfaction_words;
		else if (field_is_answer(f))
			list = answer_words;
		else if (f == F_ASSESS_NUMBER)
			list = assess_numbers;
		else if (f == F_USER_PROP)
			list = user_props;
		else if (f == F_ITEM_CODE)
			catcol = CAT_ITEMS;
		else if (f == F_WINDOW)
			catcol = CAT_WINDOWS;
		else if (f == F_STAFF)
			catcol = CAT_STAFF;
		if (list != NULL) {
			dv.validate = LXW_VALIDATION_TYPE_LIST;
			dv.value_list = (char **)(uintptr_t)list;
		} else if (catcol >= 0 && ncat[catcol] > 0) {
			/* a warning, not a stop: a new item can still be typed */
			xlsxin_col_name((size_t)catcol, colname);
			snprintf(formula, sizeof(formula), "='%s'!$%s$2:$%s$%ld",
			    SHEET_CAT, colname, colname, ncat[catcol] + 1);
			dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
			dv.value_formula = formula;
			dv.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
		} else if (date) {
			dv.validate = LXW_VALIDATION_TYPE_DATE;
			dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
			dv.minimum_datetime = (lxw_datetime){ 2000, 1, 1, 0, 0,
			    0 };
			dv.maximum_datetime = (lxw_datetime){ 2099, 12, 31, 23,
			    59, 59 };
			dv.error_title = (char *)(uintptr_t)"日期无效";
			dv.error_message = (char *)(uintptr_t)
			    "请填写日期和时间，如 2026-11-22 09:30";
		}
		dv.ignore_blank = LXW_VALIDATION_ON;
		if (hints[f].title != NULL) {
			dv.input_title = (char *)(uintptr_t)hints[f].title;
			dv.input_message = (char *)(uintptr_t)hints[f].msg;
		}
		e = worksheet_data_validation_range(ws, 1, (lxw_col_t)c,
		    XLSXOUT_ROWS, (lxw_col_t)c, &dv);
		if (e != LXW_NO_ERROR) {
			workbook_close(wb);
			remove(path);
			return fail(err, path, e);
		}
		c++;
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_activate(ws);
	if ((e = workbook_close(wb)) != LXW_NO_ERROR)
		return fail(err, path, e);
	return 0;
}

struct xlsxout_book {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *head;
	char *path;
	lxw_row_t row;
	size_t maxcol;
};

struct xlsxout_book *
xlsxout_book_new(const char *path, char **err)
{
	struct xlsxout_book *b = xcalloc(1, sizeof(*b));

	if ((b->wb = workbook_new(path)) == NULL) {
		*err = xasprintf(_("%s: cannot create the workbook"), path);
		free(b);
		return NULL;
	}
	b->path = xstrdup(path);
	b->ws = workbook_add_worksheet(b->wb, NULL);
	b->text = workbook_add_format(b->wb);
	format_set_num_format(b->text, "@");
	b->head = workbook_add_format(b->wb);
	format_set_num_format(b->head, "@");
	format_set_bold(b->head);
	return b;
}

int
xlsxout_book_row(struct xlsxout_book *b, const char *const *cells,
    size_t n)
{
	size_t i;

	for (i = 0; i < n && i < LXW_COL_MAX; i++)
		if (cells[i] != NULL && cells[i][0] != '\0')
			worksheet_write_string(b->ws, b->row, (lxw_col_t)i,
			    cells[i], b->row == 0 ? b->head : b->text);
	if (n > b->maxcol)
		b->maxcol = n;
	b->row++;
	return 0;
}

int
xlsxout_book_close(struct xlsxout_book *b, char **err)
{
	lxw_error e;
	int rc = 0;

	if (b->maxcol > 0)
		worksheet_set_column(b->ws, 0, (lxw_col_t)(b->maxcol - 1), 16,
		    b->text);
	worksheet_freeze_panes(b->ws, 1, 0);
	if ((e = workbook_close(b->wb)) != LXW_NO_ERROR)
		rc = fail(err, b->path, e);
	free(b->path);
	free(b);
	return rc;
}

/* The CSV being copied: the cells of the row being read. */
struct copy {
	struct xlsxout_book *b;
	struct strbuf data;
	size_t *off;
	size_t n, a;
};

static void
copy_field(void *s, size_t len, void *arg)
{
	struct copy *c = arg;

	if (c->n == c->a) {
		c->a = c->a ? c->a * 2 : 32;
		c->off = xreallocarray(c->off, c->a, sizeof(*c->off));
	}
	c->off[c->n++] = c->data.len;
	strbuf_add(&c->data, s, len);
	strbuf_addc(&c->data, '\0');
}

static void
copy_row(int term, void *arg)
{
	struct copy *c = arg;
	const char **cells;
	size_t i;

	(void)term;
	cells = xreallocarray(NULL, c->n ? c->n : 1, sizeof(*cells));
	for (i = 0; i < c->n; i++)
		cells[i] = c->data.buf + c->off[i];
	xlsxout_book_row(c->b, cells, c->n);
	free(cells);
	c->n = 0;
	strbuf_reset(&c->data);
}

int
xlsxout_from_csv(const char *csvpath, const char *path, char **err)
{
	struct copy c;
	struct csv_parser p;
	char buf[65536], *tmp;
	size_t n;
	int fd, first = 1, rc = 0;
	FILE *fp;

	if ((fp = fopen(csvpath, "rb")) == NULL) {
		*err = xasprintf("%s: %s", csvpath, strerror(errno));
		return -1;
	}
	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		fclose(fp);
		free(tmp);
		return -1;
	}
	close(fd);
	memset(&c, 0, sizeof(c));
	if ((c.b = xlsxout_book_new(tmp, err)) == NULL ||
	    csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(fp);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		const char *q = buf;

		if (first && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
			q += 3;
			n -= 3;
		}
		first = 0;
		csv_parse(&p, q, n, copy_field, copy_row, &c);
	}
	csv_fini(&p, copy_field, copy_row, &c);
	csv_free(&p);
	if (ferror(fp)) {
		*err = xasprintf("%s: %s", csvpath, strerror(errno));
		rc = -1;
	}
	fclose(fp);
	if (xlsxout_book_close(c.b, rc == 0 ? err : &(char *){ NULL }) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(tmp);
	strbuf_release(&c.data);
	free(c.off);
	free(tmp);
	return rc;
}
