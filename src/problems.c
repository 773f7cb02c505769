/* SPDX-License-Identifier: ISC */
/*
 * The table of stable problem codes, their messages in English and
 * Chinese, and the lists of problems a check appends to (record.h).
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "i18n.h"
#include "record.h"
#include "recint.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

enum rec_code
rec_issue_code(const struct csvin_issue *is)
{
	switch (is->kind) {
	case CSVIN_NUL_BYTE:
		return E_NUL_BYTE;
	case CSVIN_BAD_ENCODING:
		return E_ENCODING;
	case CSVIN_FORMULA:
		return E_FORMULA;
	case CSVIN_QUOTE_OPEN:
	case CSVIN_QUOTE_STRAY:
		break;
	}
	return E_QUOTE_OPEN;
}

/* ---- the code table ----------------------------------------------------- */

#define E REC_ERROR
#define W REC_WARNING

static const struct rec_code_def codes[REC_NCODES] = {
	{ REC_OK, "OK", E, N_("no problem"), "无问题" },
	{ E_HEADER_UNKNOWN, "E_HEADER_UNKNOWN", E,
	  N_("this column is not a field of the evaluation record"),
	  "此列不是评价记录的字段" },
	{ E_HEADER_DUPLICATE, "E_HEADER_DUPLICATE", E,
	  N_("two columns name the same field"),
	  "两列对应同一个字段" },
	{ E_HEADER_MISSING, "E_HEADER_MISSING", E,
	  N_("a required column is missing"),
	  "缺少必填的列" },
	{ E_EXTRA_CELLS, "E_EXTRA_CELLS", E,
	  N_("the row has more cells than the header has columns"),
	  "该行的单元格多于表头的列数" },
	{ E_NO_KEY, "E_NO_KEY", E,
	  N_("the row has neither a form serial nor a project number, so "
	  "nothing identifies it"),
	  "该行既无表单编号也无办件编号，无法识别" },
	{ E_REQUIRED, "E_REQUIRED", E,
	  N_("this field must be filled in"),
	  "此项必须填写" },
	{ E_TOO_LONG, "E_TOO_LONG", E,
	  N_("the value is too long"),
	  "内容超出长度限制" },
	{ E_NUMBER_MANGLED, "E_NUMBER_MANGLED", E,
	  N_("a spreadsheet kept this long number as a number and lost "
	  "digits (scientific notation, or zeros after the 15th digit); "
	  "format the column as text (or key into the workbook of "
	  "hcp-form --xlsx-template) and key it again"),
	  "电子表格把该长数字当作数值保存，数字已丢失（变成科学计数法，"
	  "或第15位之后变成0）；请把该列设为文本格式（或使用 hcp-form "
	  "--xlsx-template 生成的录入工作簿）后重新录入" },
	{ E_SERIAL_FORMAT, "E_SERIAL_FORMAT", E,
	  N_("the form serial must have 16 digits"),
	  "表单编号应为16位数字" },
	{ E_SERIAL_CHECK, "E_SERIAL_CHECK", E,
	  N_("the check digit of the form serial is wrong: the serial was "
	  "mistyped"),
	  "表单编号校验位不符，编号录入有误" },
	{ E_SERIAL_MISSING, "E_SERIAL_MISSING", E,
	  N_("a paper form must have its form serial"),
	  "纸质评价表必须填写表单编号" },
	{ E_SERIAL_UNKNOWN, "E_SERIAL_UNKNOWN", E,
	  N_("this form serial was never issued by this station"),
	  "本站未发放过此表单编号" },
	{ E_SERIAL_VOIDED, "E_SERIAL_VOIDED", E,
	  N_("this form serial was voided"),
	  "此表单编号已作废" },
	{ E_SERIAL_USED, "E_SERIAL_USED", E,
	  N_("this form serial is already used by another evaluation"),
	  "此表单编号已被另一条评价使用" },
	{ E_DUPLICATE_PROJECT, "E_DUPLICATE_PROJECT", E,
	  N_("this project number already has a different evaluation with "
	  "the same evaluation count"),
	  "该办件编号已有相同评价次数的另一条评价" },
	{ E_ITEM_UNKNOWN, "E_ITEM_UNKNOWN", E,
	  N_("the service item code is not in the catalogue"),
	  "事项编码不在目录中" },
	{ E_DEPT_FORMAT, "E_DEPT_FORMAT", E,
	  N_("the department code must be an 18-character unified social "
	  "credit code"),
	  "部门代码应为18位统一社会信用代码" },
	{ E_DEPT_UNKNOWN, "E_DEPT_UNKNOWN", E,
	  N_("the department is not in the catalogue"),
	  "部门不在目录中" },
	{ E_AREA_FORMAT, "E_AREA_FORMAT", E,
	  N_("the area code must be a 6-digit administrative division code"),
	  "行政区划代码应为6位数字" },
	{ E_AREA_UNKNOWN, "E_AREA_UNKNOWN", E,
	  N_("the area code is not in the catalogue"),
	  "行政区划代码不在目录中" },
	{ E_WINDOW_UNKNOWN, "E_WINDOW_UNKNOWN", E,
	  N_("the window is not in the catalogue"),
	  "窗口不在目录中" },
	{ E_STAFF_UNKNOWN, "E_STAFF_UNKNOWN", E,
	  N_("the staff number is not in the catalogue"),
	  "工号不在目录中" },
	{ E_CHANNEL, "E_CHANNEL", E,
	  N_("the evaluation channel must be a code 1 to 7"),
	  "评价渠道应为1至7的代码" },
	{ E_SATISFACTION, "E_SATISFACTION", E,
	  N_("the satisfaction must be 1 to 5 or a word such as 满意"),
	  "满意度应为1至5或“满意”等文字" },
	{ E_DETAIL_UNKNOWN, "E_DETAIL_UNKNOWN", E,
	  N_("the evaluation detail code is not in the dictionary in force"),
	  "评价详情代码不在现行字典中" },
	{ E_DETAIL_GRADE, "E_DETAIL_GRADE", E,
	  N_("the evaluation detail code belongs to another satisfaction "
	  "grade"),
	  "评价详情代码与满意度等级不符" },
	{ E_BAD_REVIEW_REASON, "E_BAD_REVIEW_REASON", E,
	  N_("a bad review (satisfaction 1 or 2) needs a detail code or a "
	  "comment"),
	  "差评（满意度1或2）须勾选评价详情或填写文字评价" },
	{ E_USER_PROP, "E_USER_PROP", E,
	  N_("the user type must be 1 (person) or 2 (legal person)"),
	  "用户类型应为1（个人）或2（法人）" },
	{ E_CERT_TYPE, "E_CERT_TYPE", E,
	  N_("the certificate type must be a 3-digit code such as 111"),
	  "证件类型应为111等3位代码" },
	{ E_CERT_NO, "E_CERT_NO", E,
	  N_("the certificate number is not valid for its type"),
	  "证件号码与证件类型不符或校验错误" },
	{ E_PHONE, "E_PHONE", E,
	  N_("the mobile number must have 11 digits starting with 1"),
	  "手机号码应为以1开头的11位数字" },
	{ E_ASSESS_NUMBER, "E_ASSESS_NUMBER", E,
	  N_("the evaluation count must be 1 (first) or 2 (follow-up)"),
	  "评价次数应为1（首次）或2（追评）" },
	{ E_SCAN_IMAGE, "E_SCAN_IMAGE", E,
	  N_("the scan reference must be what hcp-scan writes: the "
	  "image's SHA-256 (64 hexadecimal digits), a colon and the page"),
	  "扫描件应为hcp-scan写入的内容：图像的SHA-256（64位十六进制数字）、"
	  "冒号和页码" },
	{ E_DATE_FORMAT, "E_DATE_FORMAT", E,
	  N_("not a valid date: write it as 2026-11-22 or 2026-11-22 "
	  "09:30"),
	  "日期无效，请写成2026-11-22或2026-11-22 09:30" },
	{ E_DATE_FUTURE, "E_DATE_FUTURE", E,
	  N_("the date is in the future"),
	  "日期晚于当前时间" },
	{ E_DATE_ORDER, "E_DATE_ORDER", E,
	  N_("the evaluation time is before the service time"),
	  "评价时间早于办理时间" },
	{ E_DATE_LATE, "E_DATE_LATE", E,
	  N_("the evaluation is later than the supplementary-evaluation "
	  "window allows"),
	  "评价时间超出补充评价期限" },
	{ W_USCC_CHECK, "W_USCC_CHECK", W,
	  N_("the check character of the credit code does not match "
	  "(accepted: some early codes fail it)"),
	  "统一社会信用代码校验位不符（部分早期代码如此，已接受）" },
	{ W_RETIRED, "W_RETIRED", W,
	  N_("this code is retired from the catalogue"),
	  "此代码已从目录中停用" },
	{ W_ITEM_DEPT, "W_ITEM_DEPT", W,
	  N_("the service item belongs to another department in the "
	  "catalogue"),
	  "目录中该事项属于另一部门" },
	{ E_DATE_BEFORE_ISSUE, "E_DATE_BEFORE_ISSUE", E,
	  N_("the evaluation is dated before its form was issued: check "
	  "the date and the serial"),
	  "评价日期早于该表单的发放时间，请核对日期和表单编号" },
	{ E_WINDOW_FORM, "E_WINDOW_FORM", E,
	  N_("the window differs from the one printed on the form"),
	  "窗口编号与表单上印制的窗口不符" },

	{ E_NUL_BYTE, "E_NUL_BYTE", E,
	  N_("the cell holds a NUL byte (shown as ␀), which would cut "
	  "it short"),
	  "单元格含有NUL字节（显示为␀），内容会被截断" },
	{ E_CELL_NO_HEADER, "E_CELL_NO_HEADER", E,
	  N_("a value under a column whose header is empty"),
	  "表头为空的列下填有内容" },
	{ E_QUOTE_OPEN, "E_QUOTE_OPEN", E,
	  N_("a quote (\") is left open, or stray: read as it stands, it "
	  "would run the following lines into one cell"),
	  "引号（\"）未闭合或多余：照此读取会把后面的行并入一个单元格" },
	{ E_ENCODING, "E_ENCODING", E,
	  N_("this line is not in the file's encoding; nothing of it is "
	  "stored"),
	  "此行与文件编码不符，未保存" },

	{ E_ANSWER, "E_ANSWER", E,
	  N_("the answer must be 是 or 否 (also Y or N, 1 or 0, a tick or "
	  "a cross)"),
	  "回答应为“是”或“否”（也可写Y或N、1或0、√或×）" },
	{ W_TITLE_ROW, "W_TITLE_ROW", W,
	  N_("a title above the header row, not an evaluation: skipped"),
	  "表头上方的标题行，不是评价记录：已跳过" },
	{ W_HEADER_TWO_ROWS, "W_HEADER_TWO_ROWS", W,
	  N_("the header is on two rows, this one and the next: each "
	  "column's name is the lower one, else the upper"),
	  "表头占两行（本行和下一行）：每列名称取下一行的，下一行为空时取上一行的" },
	{ E_FORMULA, "E_FORMULA", E,
	  N_("the cell is a formula whose result the workbook does not "
	  "hold (the program that wrote it saves none): open and save it "
	  "in Excel or WPS, or key the value"),
	  "该单元格是公式，但工作簿中没有保存其计算结果（生成该文件的程序不保存结果）：请用"
	  "Excel或WPS打开并保存后再导入，或直接录入数值" },
	{ D_DUPLICATE, "D_DUPLICATE", REC_DUPLICATE,
	  N_("this evaluation is already imported"),
	  "此评价已导入过" },
};

#undef E
#undef W

const struct rec_code_def *
rec_code_table(size_t *n)
{
	*n = REC_NCODES;
	return codes;
}

const struct rec_code_def *
rec_code_def(enum rec_code c)
{
	return (unsigned)c < REC_NCODES ? &codes[c] : &codes[0];
}

enum rec_code
rec_code_lookup(const char *name)
{
	size_t i;

	for (i = 1; i < REC_NCODES; i++)
		if (strcmp(codes[i].name, name) == 0)
			return codes[i].code;
	return REC_OK;
}

int
rec_chinese_messages(void)
{
	static int cached = -1;
	const char *l;

	if (cached < 0) {
		if ((l = getenv("LANGUAGE")) == NULL || *l == '\0')
			l = setlocale(LC_MESSAGES, NULL);
		cached = l != NULL && strncmp(l, "zh", 2) == 0;
	}
	return cached;
}

const char *
rec_code_text(enum rec_code c)
{
	const struct rec_code_def *d = rec_code_def(c);

	return rec_chinese_messages() ? d->zh : _(d->en);
}

/* ---- problems ----------------------------------------------------------- */

void
rec_problems_clear(struct rec_problems *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		free(pl->v[i].msg);
	pl->n = pl->nerrors = pl->nwarnings = pl->nduplicates = 0;
}

void
rec_problems_release(struct rec_problems *pl)
{
	rec_problems_clear(pl);
	free(pl->v);
	pl->v = NULL;
	pl->alloc = 0;
}

void
rec_problem_add(struct rec_problems *pl, long line, int col,
    const char *column, enum rec_code code, const char *detail)
{
	struct rec_problem *p;

	if (pl == NULL)
		return;
	if (pl->n == pl->alloc) {
		pl->alloc = pl->alloc ? 2 * pl->alloc : 16;
		pl->v = xreallocarray(pl->v, pl->alloc, sizeof(*pl->v));
	}
	p = &pl->v[pl->n++];
	p->line = line;
	p->col = col;
	p->column = column != NULL ? column : "";
	p->code = code;
	p->severity = rec_code_def(code)->severity;
	if (detail != NULL && *detail != '\0') {
		/* a number keyed in the wrong column is masked there too */
		char *m = rec_mask_detail(detail), *v = str_visible(m);

		/* the detail quotes a cell: shown without its controls */
		p->msg = xasprintf("%s (%s)", rec_code_text(code), v);
		free(v);
		free(m);
	} else
		p->msg = xstrdup(rec_code_text(code));
	switch (p->severity) {
	case REC_ERROR:
		pl->nerrors++;
		break;
	case REC_WARNING:
		pl->nwarnings++;
		break;
	default:
		pl->nduplicates++;
		break;
	}
}

void
rec_problems_drop(struct rec_problems *pl, int col, enum rec_code code)
{
	size_t i, k = 0;

	for (i = 0; i < pl->n; i++) {
		struct rec_problem *p = &pl->v[i];

		if (p->col != col || p->code != code) {
			pl->v[k++] = *p;
			continue;
		}
		free(p->msg);
		if (p->severity == REC_ERROR)
			pl->nerrors--;
		else if (p->severity == REC_WARNING)
			pl->nwarnings--;
		else
			pl->nduplicates--;
	}
	pl->n = k;
}

void
rec_problems_move(struct rec_problems *pl, struct rec_problems *from)
{
	size_t i;

	if (pl->n + from->n > pl->alloc) {
		pl->alloc = pl->n + from->n + 16;
		pl->v = xreallocarray(pl->v, pl->alloc, sizeof(*pl->v));
	}
	for (i = 0; i < from->n; i++)
		pl->v[pl->n++] = from->v[i];
	pl->nerrors += from->nerrors;
	pl->nwarnings += from->nwarnings;
	pl->nduplicates += from->nduplicates;
	from->n = from->nerrors = from->nwarnings = from->nduplicates = 0;
}
