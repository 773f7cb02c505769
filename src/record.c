/* SPDX-License-Identifier: ISC */
/*
 * The shared evaluation-record normaliser and validator (see record.h):
 * the problem-code table, header mapping, in-memory catalogue sets,
 * value normalisation, the field and cross-field checks, the row hash,
 * and the key checks against the serial ledger and the db.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sqlite3.h>

#include "clock.h"
#include "crypto.h"
#include "db.h"
#include "excel.h"
#include "fields.h"
#include "i18n.h"
#include "ids.h"
#include "num.h"
#include "record.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* ---- the code table --------------------------------------------- */

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

static int
chinese_messages(void)
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

	return chinese_messages() ? d->zh : _(d->en);
}

/* ---- problems ------------------------------------------------------ */

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

/* Two digits at s as a number. */
static int
two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * Whether the n characters at s (digits, perhaps a final X) have the
 * structure of a certificate number (GB 11643: a region, a birth date
 * YYYYMMDD or, in the 15-digit form, YYMMDD, a sequence, for 18 a check
 * character; the check itself is not asked, a mistyped number is as
 * personal) or of an 11-digit mobile number (1, then 3-9).
 */
static int
looks_personal(const char *s, size_t n)
{
	size_t i, digits = n;
	const char *date;
	int y, m, d;

	if (n == 18 && (s[17] == 'X' || s[17] == 'x'))
		digits = 17;
	for (i = 0; i < digits; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (n == 11)
		return digits == 11 && s[0] == '1' && s[1] >= '3';
	if (n != 15 && n != 18)
		return 0;
	if (s[0] == '0')
		return 0;
	date = s + 6;
	if (n == 18) {
		y = two_digits(date) * 100 + two_digits(date + 2);
		if (y < 1900 || y > 2099)
			return 0;
		date += 4;
	} else
		date += 2;
	m = two_digits(date);
	d = two_digits(date + 2);
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/*
 * detail with every run of digits (and X) that looks like a certificate
 * or mobile number masked as rec_mask() does, whatever column it was
 * keyed in; malloc'd.
 */
static char *
mask_detail(const char *detail)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = detail, *t;
	char mk[32];

	while (*s != '\0') {
		if (!((*s >= '0' && *s <= '9') || *s == 'X' || *s == 'x')) {
			strbuf_addc(&sb, *s++);
			continue;
		}
		for (t = s; (*t >= '0' && *t <= '9') || *t == 'X' ||
		    *t == 'x'; t++)
			;
		if (looks_personal(s, (size_t)(t - s))) {
			char run[19];

			memcpy(run, s, (size_t)(t - s));
			run[t - s] = '\0';
			rec_mask(t - s == 11 ? F_PHONE : F_CERT_NO, run, mk,
			    sizeof(mk));
			strbuf_adds(&sb, mk);
		} else
			strbuf_add(&sb, s, (size_t)(t - s));
		s = t;
	}
	return strbuf_detach(&sb);
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
		char *m = mask_detail(detail);

		p->msg = xasprintf("%s (%s)", rec_code_text(code), m);
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

/* ---- small string hash sets ---------------------------------------- */

static uint64_t
fnv(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#define FNV0 14695981039346656037ULL

/*
 * A 64-bit hash of n bytes taken eight at a time (FNV-1a a byte at a
 * time is a long chain of multiplications), finished with the mixer of
 * MurmurHash3.  Only compared within one run, never stored.
 */
static uint64_t
hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = FNV0 ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

struct sentry {
	char *key;
	size_t klen;
	char *aux;		/* items: dept code */
	int ival;		/* eval codes: grade */
	int retired;
};

struct strset {
	struct sentry *v;
	size_t mask, n;
};

static void
strset_release(struct strset *s)
{
	size_t i;

	if (s->v == NULL)
		return;
	for (i = 0; i <= s->mask; i++) {
		free(s->v[i].key);
		free(s->v[i].aux);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The entry of key (n bytes), or NULL. */
static struct sentry *
strset_find(const struct strset *s, const char *key, size_t n)
{
	size_t i;

	if (s->v == NULL)
		return NULL;
	i = hash64(key, n) & s->mask;
	while (s->v[i].key != NULL) {
		if (s->v[i].klen == n && memcmp(s->v[i].key, key, n) == 0)
			return &s->v[i];
		i = (i + 1) & s->mask;
	}
	return NULL;
}

static void
strset_add(struct strset *s, const char *key, const char *aux, int ival,
    int retired)
{
	struct sentry *e;
	size_t i, n = strlen(key);

	if (s->v == NULL || 2 * (s->n + 1) > s->mask + 1) {
		struct strset o = *s;
		size_t sz = o.v == NULL ? 64 : 2 * (o.mask + 1);

		s->v = xcalloc(sz, sizeof(*s->v));
		s->mask = sz - 1;
		s->n = 0;
		for (i = 0; o.v != NULL && i <= o.mask; i++) {
			if (o.v[i].key == NULL)
				continue;
			e = &o.v[i];
			strset_add(s, e->key, e->aux, e->ival, e->retired);
			free(e->key);
			free(e->aux);
		}
		free(o.v);
	}
	if ((e = strset_find(s, key, n)) == NULL) {
		i = hash64(key, n) & s->mask;
		while (s->v[i].key != NULL)
			i = (i + 1) & s->mask;
		e = &s->v[i];
		e->key = xstrdup(key);
		e->klen = n;
		s->n++;
	} else {
		free(e->aux);
	}
	e->aux = aux != NULL ? xstrdup(aux) : NULL;
	e->ival = ival;
	e->retired = retired;
}

/* ---- the header map -------------------------------------------------- */

struct rec_map {
	char **names;		/* as in the file, trimmed */
	int *field;		/* per column: field id, -1 ignored */
	size_t ncols;
	int col[F_NFIELDS];
	char **ignore;
	size_t nignore;
};

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

/* Skips blanks, a BOM, U+3000 and U+00A0 at s; returns the first other. */
static const char *
skip_blanks(const char *s)
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

/* Length of s without trailing blanks (as skip_blanks). */
static size_t
trim_len(const char *s, size_t n)
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
    unsigned flags, struct rec_problems *pl)
{
	size_t i, k;
	int f, bad = 0;
	static const enum field_id required[] = { F_ITEM_CODE,
	    F_SATISFACTION, F_ASSESS_TIME };

	map_clear(m);
	for (i = 0; i < F_NFIELDS; i++)
		m->col[i] = -1;
	m->ncols = ncols;
	m->names = xcalloc(ncols ? ncols : 1, sizeof(*m->names));
	m->field = xcalloc(ncols ? ncols : 1, sizeof(*m->field));
	for (i = 0; i < ncols; i++) {
		const char *s = skip_blanks(names[i]);

		m->names[i] = xstrndup(s, trim_len(s, strlen(s)));
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

				rec_problem_add(pl, 1, (int)i, s,
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
			rec_problem_add(pl, 1, (int)i, s, E_HEADER_UNKNOWN,
			    NULL);
			bad = 1;
		}
	}
	for (k = 0; k < sizeof(required) / sizeof(required[0]); k++) {
		f = required[k];
		if (m->col[f] < 0) {
			char *d = xasprintf("%s / %s", fields[f].zh,
			    fields[f].name);

			rec_problem_add(pl, 1, -1, "", E_HEADER_MISSING, d);
			free(d);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
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

/* ---- the context ----------------------------------------------------- */

/*
 * Forms issued together: serials whose first 15 digits (region, issuer,
 * sequence) run from first to last, issued at one time for one window
 * (or none).  One hcp-form run makes one, so a station has few.
 */
struct form_run {
	uint64_t first, last;
	long long issued;	/* local wall clock as if UTC, seconds */
	char issued_at[20];	/* as the ledger has it */
	char *window;		/* printed on the forms, or NULL */
};

struct rec_ctx {
	enum rec_coding coding;
	int paper_channel;
	int supplement_days;
	time_t now;
	long long now_local;	/* seconds, local wall clock as if UTC */
	struct db *db;
	int loaded;
	char *codes_version;
	char *region;		/* the station's, "" if unknown */
	struct strset regions, depts, items, windows, staff, evcodes;
	struct strset item_names;	/* unique item name -> code */
	long long import_id;
	struct digest *dg;	/* rec_check()'s */
	struct digest *dgk;	/* rec_check_keys()'s (another thread) */
	int row_hash;
	struct strbuf tmp, tmp2;
	char last_dept[32];	/* the last department code checked */
	int last_dept_rc;	/* and ids_uscc_check() of it */
	int legacy;		/* 00:00:00 is a date alone (0.1.0 batches) */
	struct form_run *runs;	/* the ledger's issues, by serial */
	size_t nruns;
	sqlite3_stmt *st_form, *st_by_serial, *st_by_project;
	long long self_id;	/* a record whose keys are no conflict */
	sqlite3_stmt *st_amended;	/* a row hash a correction replaced */
};

static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

void
rec_ctx_set_now(struct rec_ctx *ctx, time_t now)
{
	struct tm tm;

	ctx->now = now;
	if (localtime_r(&now, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	ctx->now_local = days_from_civil(tm.tm_year + 1900,
	    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) * 86400 +
	    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

struct rec_ctx *
rec_ctx_new(void)
{
	struct rec_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->coding = REC_CODING_INTERFACE;
	ctx->paper_channel = 5;
	ctx->supplement_days = 7;
	ctx->codes_version = xstrdup("");
	ctx->region = xstrdup("");
	ctx->dg = digest_new(DIGEST_SHA256);
	ctx->dgk = digest_new(DIGEST_SHA256);
	ctx->row_hash = 1;
	rec_ctx_set_now(ctx, clock_now());
	(void)chinese_messages();	/* settled before any thread asks */
	return ctx;
}

void
rec_ctx_free(struct rec_ctx *ctx)
{
	if (ctx == NULL)
		return;
	strset_release(&ctx->regions);
	strset_release(&ctx->depts);
	strset_release(&ctx->items);
	strset_release(&ctx->item_names);
	strset_release(&ctx->windows);
	strset_release(&ctx->staff);
	strset_release(&ctx->evcodes);
	for (size_t i = 0; i < ctx->nruns; i++)
		free(ctx->runs[i].window);
	free(ctx->runs);
	sqlite3_finalize(ctx->st_form);
	sqlite3_finalize(ctx->st_by_serial);
	sqlite3_finalize(ctx->st_by_project);
	sqlite3_finalize(ctx->st_amended);
	digest_free(ctx->dg);
	digest_free(ctx->dgk);
	strbuf_release(&ctx->tmp);
	strbuf_release(&ctx->tmp2);
	free(ctx->codes_version);
	free(ctx->region);
	free(ctx);
}

int
rec_coding_parse(const char *s, enum rec_coding *out)
{
	if (strcmp(s, "interface") == 0)
		*out = REC_CODING_INTERFACE;
	else if (strcmp(s, "gbt39046") == 0)
		*out = REC_CODING_GBT39046;
	else
		return -1;
	return 0;
}

void
rec_ctx_set_coding(struct rec_ctx *ctx, enum rec_coding c)
{
	ctx->coding = c;
}

void
rec_ctx_set_paper_channel(struct rec_ctx *ctx, int channel)
{
	ctx->paper_channel = channel;
}

void
rec_ctx_set_supplement_days(struct rec_ctx *ctx, int days)
{
	ctx->supplement_days = days;
}

void
rec_ctx_set_now_local(struct rec_ctx *ctx, long long local)
{
	ctx->now_local = local;
}

void
rec_ctx_set_legacy(struct rec_ctx *ctx, int on)
{
	ctx->legacy = on;
}

int
rec_ctx_paper_channel(const struct rec_ctx *ctx)
{
	return ctx->paper_channel;
}

int
rec_ctx_supplement_days(const struct rec_ctx *ctx)
{
	return ctx->supplement_days;
}

void
rec_ctx_set_row_hash(struct rec_ctx *ctx, int on)
{
	ctx->row_hash = on;
}

void
rec_ctx_set_import(struct rec_ctx *ctx, long long import_id)
{
	ctx->import_id = import_id;
}

void
rec_ctx_set_self(struct rec_ctx *ctx, long long id)
{
	ctx->self_id = id;
}

const char *
rec_ctx_codes_version(const struct rec_ctx *ctx)
{
	return ctx->codes_version;
}

static int
load_set(struct db *db, struct strset *set, const char *sql,
    const char *param)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, sql) != 0)
		return -1;
	if (param != NULL)
		sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *aux = (const char *)sqlite3_column_text(st, 1);

		strset_add(set, (const char *)sqlite3_column_text(st, 0),
		    aux, sqlite3_column_int(st, 2),
		    sqlite3_column_int(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "catalogue");
	return 0;
}

static int load_runs(struct rec_ctx *ctx, struct db *db);
static void normalise(const char *s, size_t len, int fold,
    struct strbuf *out);

/*
 * The items whose name no other item of the station has, by name as
 * normalise() leaves it, for an item keyed by its name.
 */
static int
load_item_names(struct rec_ctx *ctx, struct db *db)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st, "SELECT name, min(code) FROM items "
	    "WHERE retired = 0 GROUP BY name HAVING count(*) = 1") != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);

		normalise(n, strlen(n), 1, &ctx->tmp);
		strset_add(&ctx->item_names, strbuf_str(&ctx->tmp),
		    (const char *)sqlite3_column_text(st, 1), 0, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "catalogue");
	return 0;
}

/*
 * An item keyed as its unique name, or as "name — code" (the drop-down
 * of the keying workbook), becomes its code.
 */
static void
item_from_name(struct rec_ctx *ctx, struct strbuf *v)
{
	const struct sentry *e;
	const char *code;

	if (v->len == 0 || strset_find(&ctx->items, v->buf, v->len) != NULL)
		return;
	if ((code = excel_item_code(v->buf)) != NULL) {
		memmove(v->buf, code, strlen(code) + 1);
		v->len = strlen(v->buf);
		return;
	}
	e = strset_find(&ctx->item_names, v->buf, v->len);
	if (e != NULL && e->aux != NULL) {
		strbuf_reset(v);
		strbuf_adds(v, e->aux);
	}
}

int
rec_ctx_use_codes(struct rec_ctx *ctx, const char *versions)
{
	if (!ctx->loaded || strcmp(versions, ctx->codes_version) == 0)
		return 0;
	strset_release(&ctx->evcodes);
	memset(&ctx->evcodes, 0, sizeof(ctx->evcodes));
	free(ctx->codes_version);
	ctx->codes_version = xstrdup(versions);
	return load_set(ctx->db, &ctx->evcodes, "SELECT code, NULL, grade, "
	    "retired FROM eval_codes WHERE instr(', ' || ?1 || ', ', "
	    "', ' || version || ', ') > 0", versions);
}

int
rec_ctx_load(struct rec_ctx *ctx, struct db *db)
{
	long long v;
	char *s;

	if (settings_get_int(db, "paper_channel", &v) != 0)
		return -1;
	ctx->paper_channel = (int)v;
	if (settings_get_int(db, "supplement_days", &v) != 0)
		return -1;
	ctx->supplement_days = (int)v;
	if ((s = settings_get(db, "satisfaction_coding")) == NULL)
		return -1;
	ctx->coding = strcmp(s, "gbt39046") == 0 ? REC_CODING_GBT39046 :
	    REC_CODING_INTERFACE;
	free(s);
	if ((s = settings_get(db, "eval_codes_version")) == NULL)
		return -1;
	free(ctx->codes_version);
	ctx->codes_version = s;
	if ((s = settings_get(db, "region")) != NULL) {
		free(ctx->region);
		ctx->region = s;
	}
	if (load_set(db, &ctx->regions, "SELECT code, NULL, 0, retired "
	    "FROM regions", NULL) != 0 ||
	    load_set(db, &ctx->depts, "SELECT code, area_code, 0, retired "
	    "FROM departments", NULL) != 0 ||
	    load_set(db, &ctx->items, "SELECT code, dept_code, 0, retired "
	    "FROM items", NULL) != 0 ||
	    load_item_names(ctx, db) != 0 ||
	    load_set(db, &ctx->windows, "SELECT id, NULL, 0, retired "
	    "FROM windows", NULL) != 0 ||
	    load_set(db, &ctx->staff, "SELECT id, NULL, 0, retired "
	    "FROM staff", NULL) != 0 ||
	    load_set(db, &ctx->evcodes, "SELECT code, NULL, grade, retired "
	    "FROM eval_codes WHERE version = ?1", ctx->codes_version) != 0 ||
	    load_runs(ctx, db) != 0)
		return -1;
	if (db_prepare(db, &ctx->st_form, "SELECT state FROM forms "
	    "WHERE serial = ?1") != 0 ||
	    db_prepare(db, &ctx->st_by_serial, "SELECT e.row_hash, "
	    "e.import_id, e.src_line, i.src_file, e.id FROM evaluations e "
	    "LEFT JOIN imports i ON i.id = e.import_id WHERE e.serial = ?1")
	    != 0 ||
	    db_prepare(db, &ctx->st_by_project, "SELECT e.row_hash, "
	    "e.import_id, e.src_line, i.src_file, e.id FROM evaluations e "
	    "LEFT JOIN imports i ON i.id = e.import_id "
	    "WHERE e.project_no = ?1 AND e.assess_number = ?2") != 0 ||
	    db_prepare(db, &ctx->st_amended, "SELECT 1 FROM audit "
	    "WHERE tbl IN ('evaluations', 'corrections') AND key = ?1 "
	    "AND field = 'row_hash' AND (old = ?2 OR new = ?2)") != 0)
		return -1;
	ctx->db = db;
	ctx->loaded = 1;
	return 0;
}

/* ---- normalisation ----------------------------------------------------- */

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
	const char *t = skip_blanks(s);

	n = trim_len(t, len - (size_t)(t - s));
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

/* 3.30523E+15 or 3.3E15: a number a spreadsheet shortened. */
static int
mangled(const char *s)
{
	const char *p = s;

	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != 'E' && *p != 'e')
		return 0;
	p++;
	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

/* ---- dates ------------------------------------------------------------- */

struct when {
	long long secs;		/* local wall clock as if UTC */
	long long day;		/* days since 1970-01-01 */
	int has_time;
};

static int
getnum(const char **pp, int maxdigits, int *out)
{
	const char *p = *pp;
	int v = 0, n = 0;

	while (*p >= '0' && *p <= '9' && n < maxdigits) {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n == 0)
		return -1;
	*pp = p;
	*out = v;
	return n;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Two decimal digits of n (0-99) at p. */
static void
put2(char *p, int n)
{
	p[0] = (char)('0' + n / 10);
	p[1] = (char)('0' + n % 10);
}

/*
 * Parses the forms of DESIGN §8; writes "YYYY-MM-DD HH:MM:SS", or
 * "YYYY-MM-DD" when only a date was given, to out.  With legacy, a time
 * of exactly 00:00:00 is a date alone.
 */
static int
parse_when(const char *s, int legacy, struct when *w, char out[64])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, n, cjk = 0;

	if ((n = getnum(&p, 4, &y)) != 4)
		return -1;
	if (*p >= '0' && *p <= '9') {		/* 20261122 */
		if (getnum(&p, 2, &mo) != 2 || getnum(&p, 2, &d) != 2)
			return -1;
	} else {
		if (strncmp(p, "年", 3) == 0) {
			p += 3;
			cjk = 1;
		} else if (*p == '-' || *p == '/' || *p == '.') {
			p++;
		} else {
			return -1;
		}
		if (getnum(&p, 2, &mo) < 1)
			return -1;
		if (cjk) {
			if (strncmp(p, "月", 3) != 0)
				return -1;
			p += 3;
		} else if (*p == '-' || *p == '/' || *p == '.') {
			p++;
		} else {
			return -1;
		}
		if (getnum(&p, 2, &d) < 1)
			return -1;
		if (strncmp(p, "日", 3) == 0 || strncmp(p, "号", 3) == 0)
			p += 3;
	}
	w->has_time = 0;
	if (*p == 'T' || *p == ' ') {
		while (*p == ' ' || *p == 'T')
			p++;
		if (*p != '\0') {
			if (getnum(&p, 2, &h) < 1)
				return -1;
			if (*p == ':') {
				p++;
			} else if (strncmp(p, "时", 3) == 0 ||
			    strncmp(p, "点", 3) == 0) {
				p += 3;
			} else {
				return -1;
			}
			if (getnum(&p, 2, &mi) != 2)
				return -1;
			if (strncmp(p, "分", 3) == 0)
				p += 3;
			if (*p == ':') {
				p++;
				if (getnum(&p, 2, &se) != 2)
					return -1;
			}
			if (strncmp(p, "秒", 3) == 0)
				p += 3;
			w->has_time = 1;
		}
	}
	if (*p != '\0')
		return -1;
	if (y < 1990 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && is_leap(y)) || h > 23 ||
	    mi > 59 || se > 59)
		return -1;
	/* 0.1.0 wrote a date alone as its midnight (see rec_ctx_legacy) */
	if (legacy && w->has_time && h == 0 && mi == 0 && se == 0)
		w->has_time = 0;
	w->day = days_from_civil(y, (unsigned)mo, (unsigned)d);
	w->secs = w->day * 86400 + h * 3600 + mi * 60 + se;
	/* "%04d-%02d-%02d[ %02d:%02d:%02d]" without printf's cost */
	put2(out, y / 100);
	put2(out + 2, y % 100);
	out[4] = '-';
	put2(out + 5, mo);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = '\0';
	if (!w->has_time)
		return 0;
	out[10] = ' ';
	put2(out + 11, h);
	out[13] = ':';
	put2(out + 14, mi);
	out[16] = ':';
	put2(out + 17, se);
	out[19] = '\0';
	return 0;
}

int
rec_parse_time(const char *s, long long *local)
{
	struct when w;
	char stamp[64];

	if (parse_when(s, 0, &w, stamp) != 0)
		return -1;
	*local = w.secs;
	return 0;
}

long long
rec_ctx_now_local(const struct rec_ctx *ctx)
{
	return ctx->now_local;
}

/* The first 15 digits of a 16-digit serial, as a number. */
static uint64_t
serial_prefix(const char *serial)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 15; i++)
		v = v * 10 + (uint64_t)(serial[i] - '0');
	return v;
}

/*
 * Reads the ledger as runs of forms issued together (struct form_run):
 * the serials in key order, a new run where the sequence jumps or the
 * time or window changes.
 */
static int
load_runs(struct rec_ctx *ctx, struct db *db)
{
	sqlite3_stmt *st;
	struct form_run *r = NULL;
	size_t alloc = 0;
	int rc;

	if (db_prepare(db, &st, "SELECT serial, issued_at, window_id "
	    "FROM forms ORDER BY serial") != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ser = (const char *)sqlite3_column_text(st, 0);
		const char *at = (const char *)sqlite3_column_text(st, 1);
		const char *win = (const char *)sqlite3_column_text(st, 2);
		struct when w;
		char stamp[64];
		uint64_t k;

		if (ser == NULL || strlen(ser) != 16 ||
		    strspn(ser, "0123456789") != 16 || at == NULL ||
		    parse_when(at, 0, &w, stamp) != 0)
			continue;	/* not a form hcp-form made */
		k = serial_prefix(ser);
		if (win != NULL && *win == '\0')
			win = NULL;
		r = ctx->nruns > 0 ? &ctx->runs[ctx->nruns - 1] : NULL;
		if (r != NULL && k == r->last + 1 && w.secs == r->issued &&
		    (win == NULL ? r->window == NULL : r->window != NULL &&
		    strcmp(win, r->window) == 0)) {
			r->last = k;
			continue;
		}
		if (ctx->nruns == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			ctx->runs = xreallocarray(ctx->runs, alloc,
			    sizeof(*ctx->runs));
		}
		r = &ctx->runs[ctx->nruns++];
		r->first = r->last = k;
		r->issued = w.secs;
		memcpy(r->issued_at, stamp, sizeof(r->issued_at) - 1);
		r->issued_at[sizeof(r->issued_at) - 1] = '\0';
		r->window = win != NULL ? xstrdup(win) : NULL;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sqlerr(db, "forms");
	return 0;
}

/* The run that issued a 16-digit serial, or NULL. */
static const struct form_run *
find_run(const struct rec_ctx *ctx, const char *serial)
{
	uint64_t k;
	size_t lo = 0, hi = ctx->nruns;

	if (ctx->nruns == 0 || strlen(serial) != 16)
		return NULL;
	k = serial_prefix(serial);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->runs[mid].last < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ctx->nruns && ctx->runs[lo].first <= k ? &ctx->runs[lo] :
	    NULL;
}

/* ---- the record -------------------------------------------------------- */

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

static const struct {
	const char *word;
	int grade;
} sat_words[] = {
	{ "非常满意", 5 }, { "满意", 4 }, { "基本满意", 3 }, { "不满意", 2 },
	{ "非常不满意", 1 }, { "很好", 5 }, { "好", 4 }, { "一般", 3 },
	{ "差", 2 }, { "很差", 1 },
};

static int
band(int grade)
{
	return grade <= 2 ? 0 : grade == 3 ? 1 : 2;
}

struct checkrow {
	struct rec_ctx *ctx;
	const struct rec_map *m;
	struct rec *r;
	struct rec_problems *pl;
	long line;
	int nerr;
	const struct form_run *run;	/* the serial's issue, if known */
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

static void
set_value(struct checkrow *c, enum field_id f, const char *s, size_t n)
{
	c->r->off[f] = c->r->buf.len;
	c->r->len[f] = n;
	strbuf_add(&c->r->buf, s, n);
	strbuf_addc(&c->r->buf, '\0');
}

/* A catalogue reference: E_x_UNKNOWN, or W_RETIRED. */
static const struct sentry *
cat_ref(struct checkrow *c, enum field_id f, struct strset *set,
    struct strbuf *v, enum rec_code unknown, int tryupper)
{
	const struct sentry *e;

	if (!c->ctx->loaded || v->len == 0)
		return NULL;
	e = strset_find(set, v->buf, v->len);
	if (e == NULL && tryupper) {
		upcase(v);
		e = strset_find(set, v->buf, v->len);
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
detail_sep(char ch)
{
	return ch == ',' || ch == ';' || ch == ' ' || ch == '/' || ch == '|';
}

/* Splits detail codes, drops repeats, checks them against the grade. */
static void
check_detail(struct checkrow *c, struct strbuf *v, int grade)
{
	struct strbuf *out = &c->ctx->tmp2;
	const char *p = v->buf, *q;
	size_t n;

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
		/* repeats */
		{
			const char *o = out->buf != NULL ? out->buf : "";
			int dup = 0;

			while (*o != '\0') {
				const char *e = strchr(o, ',');
				size_t on = e ? (size_t)(e - o) : strlen(o);

				if (on == n && memcmp(o, p, n) == 0)
					dup = 1;
				o += on + (e != NULL);
			}
			if (!dup) {
				if (out->len > 0)
					strbuf_addc(out, ',');
				strbuf_add(out, p, n);
			}
		}
		p = q;
	}
	strbuf_reset(v);
	strbuf_add(v, out->buf != NULL ? out->buf : "", out->len);
	if (!c->ctx->loaded || v->len == 0)
		return;
	p = v->buf;
	while (*p != '\0') {
		const struct sentry *e;
		char code[64];

		q = strchr(p, ',');
		n = q ? (size_t)(q - p) : strlen(p);
		if (n >= sizeof(code))
			n = sizeof(code) - 1;
		memcpy(code, p, n);
		code[n] = '\0';
		e = strset_find(&c->ctx->evcodes, code, n);
		if (e == NULL) {
			char *d = xasprintf(_("%s, dictionary %s"), code,
			    *c->ctx->codes_version ? c->ctx->codes_version :
			    _("not loaded"));

			problem(c, F_EVAL_DETAIL, E_DETAIL_UNKNOWN, d);
			free(d);
		} else if (grade > 0 && band(e->ival) != band(grade)) {
			char *d = xasprintf(_("%s is for grade %d"), code,
			    e->ival);

			problem(c, F_EVAL_DETAIL, E_DETAIL_GRADE, d);
			free(d);
		} else if (e->retired) {
			problem(c, F_EVAL_DETAIL, W_RETIRED, code);
		}
		p += n + (q != NULL);
	}
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
uscc_cached(struct rec_ctx *ctx, const char *s, size_t n)
{
	if (n == 0 || n >= sizeof(ctx->last_dept))
		return ids_uscc_check(s);
	if (memcmp(ctx->last_dept, s, n + 1) != 0) {
		ctx->last_dept_rc = ids_uscc_check(s);
		memcpy(ctx->last_dept, s, n + 1);
	}
	return ctx->last_dept_rc;
}

/*
 * How many bytes of r->buf the row hashes cover: all of them, or, when
 * no answer is given, the values before the answers (the 19 fields of
 * hcp 0.1.0), so that the rows 0.1.0 imported keep their hash.
 */
static size_t
hashed_len(const struct rec *r)
{
	int f;

	for (f = F_ANSWERS; f < F_ANSWERS + F_NANSWERS; f++)
		if (r->len[f] > 0)
			return r->buf.len;
	return r->off[F_ANSWERS];
}

/*
 * The hex SHA-256 row hash of r (see record.h) to out.  r->buf holds the
 * values in field order, each followed by its NUL; the hash covers the
 * first hashed_len() of those bytes but for two things, so that a row
 * keeps the hash 0.1.0 gave it: a date alone is hashed as its midnight,
 * and a window taken from the ledger as the empty cell it was keyed as.
 */
static void
row_hash(struct digest *dg, const struct rec *r, char out[REC_HASH_LEN + 1])
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

/*
 * The window: the catalogue's spelling; the one printed on the form
 * (the ledger) when the cell is empty; a keyed window other than the
 * printed one is E_WINDOW_FORM.
 */
static void
check_window(struct checkrow *c, struct strbuf *v)
{
	const char *printed = c->run != NULL ? c->run->window : NULL;

	if (v->len == 0 && printed != NULL) {
		strbuf_adds(v, printed);
		c->r->window_from_form = 1;
	}
	cat_ref(c, F_WINDOW, &c->ctx->windows, v, E_WINDOW_UNKNOWN, 1);
	if (printed != NULL && !c->r->window_from_form &&
	    strcmp(v->buf, printed) != 0) {
		char *d = xasprintf(_("%s keyed, %s printed on the form"),
		    v->buf, printed);

		problem(c, F_WINDOW, E_WINDOW_FORM, d);
		free(d);
	}
}

/*
 * Orders two times: to the second when both have a time of day, else by
 * day (a date alone is the whole day).  hcp-csv(5), DATES.
 */
static int
when_cmp(const struct when *a, const struct when *b)
{
	if (a->has_time && b->has_time)
		return a->secs < b->secs ? -1 : a->secs > b->secs;
	return a->day < b->day ? -1 : a->day > b->day;
}

/*
 * The date rules, the one place that decides them (hcp-csv(5), DATES):
 * neither time after now (a date alone: not after today); the
 * evaluation not before the service; the evaluation's day at most
 * supplement_days calendar days after the service's.
 */
static void
check_dates(struct checkrow *c, const struct when *svc,
    const struct when *ass)
{
	const struct rec_ctx *ctx = c->ctx;
	struct when now;

	now.secs = ctx->now_local;
	now.day = ctx->now_local / 86400;
	now.has_time = 1;
	if (svc != NULL && when_cmp(svc, &now) > 0)
		problem(c, F_SERVICE_TIME, E_DATE_FUTURE,
		    c->r->v[F_SERVICE_TIME]);
	if (ass != NULL && when_cmp(ass, &now) > 0)
		problem(c, F_ASSESS_TIME, E_DATE_FUTURE,
		    c->r->v[F_ASSESS_TIME]);
	if (svc == NULL || ass == NULL)
		return;
	if (when_cmp(ass, svc) < 0) {
		problem(c, F_ASSESS_TIME, E_DATE_ORDER,
		    c->r->v[F_SERVICE_TIME]);
	} else if (ass->day - svc->day > ctx->supplement_days) {
		char *d = xasprintf(_("%d days"), ctx->supplement_days);

		problem(c, F_ASSESS_TIME, E_DATE_LATE, d);
		free(d);
	}
}

/* A paper form is not filled in before its serial was issued. */
static void
check_issue(struct checkrow *c, const struct when *ass)
{
	struct when issued;

	if (c->run == NULL || ass == NULL)
		return;
	issued.secs = c->run->issued;
	issued.day = c->run->issued / 86400;
	issued.has_time = 1;
	if (when_cmp(ass, &issued) < 0)
		problem(c, F_ASSESS_TIME, E_DATE_BEFORE_ISSUE,
		    c->run->issued_at);
}

int
rec_check(struct rec_ctx *ctx, const struct rec_map *m, size_t ncols,
    const char *const *cells, const size_t *lens, long line, struct rec *r,
    struct rec_problems *pl)
{
	struct checkrow c = { ctx, m, r, pl, line, 0, NULL };
	struct strbuf *v = &ctx->tmp;
	struct when svc = { 0, 0, 0 }, ass = { 0, 0, 0 };
	int have_svc = 0, have_ass = 0, f;
	const struct sentry *item = NULL, *dept = NULL;
	size_t i;
	char stamp[64];

	strbuf_reset(&r->buf);
	strbuf_grow(&r->buf, 512);
	r->line = line;
	r->map = m;
	r->channel = r->satisfaction = r->user_prop = 0;
	r->assess_number = 1;
	r->hash[0] = '\0';
	r->h64 = 0;
	r->window_from_form = 0;

	for (i = m->ncols; i < ncols; i++) {
		if (*skip_blanks(cells[i]) != '\0') {
			char *d = xasprintf(_("%zu cells, %zu columns"),
			    ncols, m->ncols);

			rec_problem_add(pl, line, (int)i, "", E_EXTRA_CELLS,
			    d);
			free(d);
			c.nerr++;
			break;
		}
	}
	/* a value under an empty header is not dropped silently */
	for (i = 0; i < m->ncols && i < ncols; i++) {
		if (*m->names[i] == '\0' && *skip_blanks(cells[i]) != '\0') {
			char *d = xasprintf(_("column %zu"), i + 1);

			rec_problem_add(pl, line, (int)i, "", E_CELL_NO_HEADER,
			    d);
			free(d);
			c.nerr++;
		}
	}

	for (f = 0; f < F_NFIELDS; f++) {
		int col = m->col[f];
		int here = col >= 0 && (size_t)col < ncols;
		const char *raw = here ? cells[col] : "";
		size_t rawlen = !here ? 0 : lens != NULL ? lens[col] :
		    strlen(raw);
		int fold = f != F_COMMENT && f != F_EVALUATOR &&
		    f != F_SATISFACTION;

		normalise(raw, rawlen, fold, v);
		if ((f == F_PROJECT_NO || f == F_ITEM_CODE || f == F_WINDOW ||
		    f == F_STAFF || f == F_COMMENT || f == F_EVALUATOR ||
		    f == F_EVAL_DETAIL) && v->len > fields[f].maxlen &&
		    utf8_chars(v->buf, v->len) > fields[f].maxlen) {
			char *d = xasprintf(_("%zu characters, at most %zu"),
			    utf8_chars(v->buf, v->len), fields[f].maxlen);

			problem(&c, f, E_TOO_LONG, d);
			free(d);
			set_value(&c, f, v->buf, v->len);
			continue;
		}
		switch (f) {
		case F_SERIAL:
		case F_PROJECT_NO:
		case F_CERT_NO:
			if (mangled(v->buf) || excel_mangled(f == F_SERIAL ?
			    EXCEL_SERIAL : f == F_PROJECT_NO ? EXCEL_PROJECT :
			    EXCEL_CERT, v->buf)) {
				problem(&c, f, E_NUMBER_MANGLED, v->buf);
				break;
			}
			if (f == F_SERIAL && v->len > 0) {
				char bare[17];
				int rc = ids_serial_parse(v->buf, bare);

				if (rc == IDS_MALFORMED) {
					problem(&c, f, E_SERIAL_FORMAT,
					    v->buf);
				} else {
					if (rc == IDS_CHECK)
						problem(&c, f, E_SERIAL_CHECK,
						    v->buf);
					strbuf_reset(v);
					strbuf_add(v, bare, 16);
					if (rc == IDS_OK)
						c.run = find_run(ctx, bare);
				}
			}
			if (f == F_CERT_NO) {
				squeeze(v, " ");
				upcase(v);
			}
			break;
		case F_ITEM_CODE:
			item_from_name(ctx, v);
			upcase(v);
			item = cat_ref(&c, f, &ctx->items, v, E_ITEM_UNKNOWN,
			    0);
			break;
		case F_DEPT_CODE:
			upcase(v);
			/* the keying template leaves it to the catalogue */
			if (v->len == 0 && item != NULL && item->aux != NULL)
				strbuf_adds(v, item->aux);
			if (v->len == 0)
				break;
			switch (uscc_cached(ctx, v->buf, v->len)) {
			case IDS_MALFORMED:
				problem(&c, f, E_DEPT_FORMAT, v->buf);
				break;
			case IDS_CHECK:
				problem(&c, f, W_USCC_CHECK, v->buf);
				/* FALLTHROUGH */
			default:
				dept = cat_ref(&c, f, &ctx->depts, v,
				    E_DEPT_UNKNOWN, 0);
			}
			break;
		case F_AREA_CODE:
			if (v->len == 0 && dept != NULL && dept->aux != NULL)
				strbuf_adds(v, dept->aux);
			if (v->len == 0)
				strbuf_adds(v, ctx->region);
			if (v->len > 0) {
				char a6[7];

				if (ids_area_check(v->buf, a6) != IDS_OK) {
					problem(&c, f, E_AREA_FORMAT, v->buf);
					break;
				}
				strbuf_reset(v);
				strbuf_add(v, a6, 6);
				cat_ref(&c, f, &ctx->regions, v,
				    E_AREA_UNKNOWN, 0);
			}
			break;
		case F_WINDOW:
			check_window(&c, v);
			break;
		case F_STAFF:
			cat_ref(&c, f, &ctx->staff, v, E_STAFF_UNKNOWN, 1);
			break;
		case F_CHANNEL:
			if (v->len == 0) {
				strbuf_addc(v, (char)('0' +
				    ctx->paper_channel));
				r->channel = ctx->paper_channel;
			} else if ((r->channel = one_digit(v->buf, 1, 7)) ==
			    0) {
				problem(&c, f, E_CHANNEL, v->buf);
			}
			break;
		case F_SATISFACTION: {
			int g = 0;

			if (v->len == 0)
				break;
			/* the words are all longer than one byte */
			for (i = 0; v->len > 1 && i < sizeof(sat_words) /
			    sizeof(sat_words[0]); i++)
				if (strcmp(v->buf, sat_words[i].word) == 0)
					g = sat_words[i].grade;
			if (g == 0) {
				normalise(raw, rawlen, 1, v);
				g = one_digit(v->buf, 1, 5);
				if (g != 0 && ctx->coding ==
				    REC_CODING_GBT39046)
					g = 6 - g;
			}
			if (g == 0) {
				problem(&c, f, E_SATISFACTION, v->buf);
				break;
			}
			r->satisfaction = g;
			strbuf_reset(v);
			strbuf_addc(v, (char)('0' + g));
			break;
		}
		case F_EVAL_DETAIL:
			check_detail(&c, v, r->satisfaction);
			break;
		case F_USER_PROP:
			if (v->len == 0)
				break;
			if (strcmp(v->buf, "个人") == 0 ||
			    strcmp(v->buf, "自然人") == 0)
				r->user_prop = 1;
			else if (strcmp(v->buf, "法人") == 0 ||
			    strcmp(v->buf, "企业") == 0 ||
			    strcmp(v->buf, "单位") == 0)
				r->user_prop = 2;
			else
				r->user_prop = one_digit(v->buf, 1, 2);
			if (r->user_prop == 0) {
				problem(&c, f, E_USER_PROP, v->buf);
				break;
			}
			strbuf_reset(v);
			strbuf_addc(v, (char)('0' + r->user_prop));
			break;
		case F_CERT_TYPE:
			if (v->len == 0)
				break;
			if (strcmp(v->buf, "身份证") == 0 ||
			    strcmp(v->buf, "居民身份证") == 0) {
				strbuf_reset(v);
				strbuf_adds(v, "111");
			} else if (strcmp(v->buf, "统一社会信用代码") == 0) {
				strbuf_reset(v);
				strbuf_adds(v, "001");
			}
			if (v->len != 3 || strspn(v->buf, "0123456789") != 3)
				problem(&c, f, E_CERT_TYPE, v->buf);
			break;
		case F_PHONE:
			if (v->len == 0)
				break;
			squeeze(v, " -");
			if (v->len == 14 && memcmp(v->buf, "+86", 3) == 0) {
				memmove(v->buf, v->buf + 3, 12);
				v->len = 11;
			} else if (v->len == 13 && memcmp(v->buf, "86", 2) ==
			    0) {
				memmove(v->buf, v->buf + 2, 12);
				v->len = 11;
			}
			if (ids_phone_check(v->buf) != IDS_OK) {
				char mk[32];

				rec_mask(F_PHONE, v->buf, mk, sizeof(mk));
				problem(&c, f, E_PHONE, mk);
			}
			break;
		case F_SERVICE_TIME:
		case F_ASSESS_TIME:
			if (v->len == 0)
				break;
			if (parse_when(v->buf, ctx->legacy, f ==
			    F_SERVICE_TIME ? &svc : &ass, stamp) != 0) {
				problem(&c, f, E_DATE_FORMAT, v->buf);
				break;
			}
			if (f == F_SERVICE_TIME)
				have_svc = 1;
			else
				have_ass = 1;
			strbuf_reset(v);
			strbuf_adds(v, stamp);
			break;
		case F_ASSESS_NUMBER:
			if (v->len == 0 || strcmp(v->buf, "首次") == 0) {
				r->assess_number = 1;
			} else if (strcmp(v->buf, "追评") == 0 ||
			    strcmp(v->buf, "二次") == 0) {
				r->assess_number = 2;
			} else if ((r->assess_number = one_digit(v->buf, 1,
			    2)) == 0) {
				problem(&c, f, E_ASSESS_NUMBER, v->buf);
				r->assess_number = 1;
				break;
			}
			strbuf_reset(v);
			strbuf_addc(v, (char)('0' + r->assess_number));
			break;
		case F_GUIDE_CLEAR:
		case F_PROCESS_EASY:
		case F_MATERIAL_LEAN:
		case F_UI_FRIENDLY: {
			/*
			 * Full-width already folded, letters upper-cased;
			 * ticks ✓ ✔ √ ☑, crosses ✗ ✘ × ✕.  The letter X
			 * is neither: it ticks a box in some hands.
			 */
			static const char *const yes[] = { "是", "Y", "YES",
			    "1", "\u2713", "\u2714", "\u221a", "\u2611" };
			static const char *const no[] = { "否", "N", "NO", "0",
			    "\u2717", "\u2718", "\u00d7", "\u2715" };
			int a = -1;

			if (v->len == 0)
				break;
			upcase(v);
			for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
				if (strcmp(v->buf, yes[i]) == 0)
					a = 1;
			for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
				if (strcmp(v->buf, no[i]) == 0)
					a = 0;
			if (a < 0) {
				normalise(raw, rawlen, 1, v);	/* as keyed */
				problem(&c, f, E_ANSWER, v->buf);
				break;
			}
			strbuf_reset(v);
			strbuf_addc(v, (char)('0' + a));
			break;
		}
		default:
			break;
		}
		set_value(&c, f, v->buf != NULL ? v->buf : "", v->len);
	}
	for (f = 0; f < F_NFIELDS; f++)
		r->v[f] = r->buf.buf + r->off[f];

	/* required fields */
	{
		static const enum field_id req[] = { F_ITEM_CODE, F_DEPT_CODE,
		    F_AREA_CODE, F_SATISFACTION, F_ASSESS_TIME };

		for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
			if (*r->v[req[i]] == '\0')
				problem(&c, req[i], E_REQUIRED, NULL);
	}
	/* the cert number against its type */
	if (*r->v[F_CERT_NO] != '\0' && !mangled(r->v[F_CERT_NO]) &&
	    !excel_mangled(EXCEL_CERT, r->v[F_CERT_NO])) {
		const char *t = r->v[F_CERT_TYPE], *n = r->v[F_CERT_NO];
		char mk[64];

		rec_mask(F_CERT_NO, n, mk, sizeof(mk));
		if (strcmp(t, "111") == 0 || (*t == '\0' &&
		    r->user_prop != 2 && strlen(n) == 18 &&
		    strspn(n, "0123456789") >= 17)) {
			long b = ids_idcard_birth(n);

			if (ids_idcard_check(n) != IDS_OK) {
				problem(&c, F_CERT_NO, E_CERT_NO, mk);
			} else if (days_from_civil(b / 10000,
			    (unsigned)(b / 100 % 100), (unsigned)(b % 100)) >
			    ctx->now_local / 86400) {
				/* born after the day it is keyed */
				char *d = xasprintf(_("%s: its birth date is "
				    "after today"), mk);

				problem(&c, F_CERT_NO, E_CERT_NO, d);
				free(d);
			}
		} else if (strcmp(t, "001") == 0 || (*t == '\0' &&
		    r->user_prop == 2)) {
			int rc = ids_uscc_check(n);

			if (rc == IDS_MALFORMED)
				problem(&c, F_CERT_NO, E_CERT_NO, mk);
			else if (rc == IDS_CHECK)
				problem(&c, F_CERT_NO, W_USCC_CHECK, mk);
		} else if (utf8_chars(n, strlen(n)) >
		    fields[F_CERT_NO].maxlen) {
			problem(&c, F_CERT_NO, E_TOO_LONG, mk);
		}
	}
	/* the item's department */
	if (item != NULL && item->aux != NULL &&
	    *r->v[F_DEPT_CODE] != '\0' &&
	    strcmp(item->aux, r->v[F_DEPT_CODE]) != 0)
		problem(&c, F_ITEM_CODE, W_ITEM_DEPT, item->aux);
	/* the bad-review rule */
	if (r->satisfaction >= 1 && r->satisfaction <= 2 &&
	    *r->v[F_EVAL_DETAIL] == '\0' && *r->v[F_COMMENT] == '\0')
		problem(&c, F_SATISFACTION, E_BAD_REVIEW_REASON, NULL);
	/* serial and key */
	if (*r->v[F_SERIAL] == '\0') {
		if (r->channel != 0 && r->channel == ctx->paper_channel)
			problem(&c, F_SERIAL, E_SERIAL_MISSING, NULL);
		else if (*r->v[F_PROJECT_NO] == '\0') {
			rec_problem_add(pl, line, -1, "", E_NO_KEY, NULL);
			c.nerr++;
		}
	}
	/* dates */
	check_dates(&c, have_svc ? &svc : NULL, have_ass ? &ass : NULL);
	check_issue(&c, have_ass ? &ass : NULL);

	/*
	 * The row hashes.  r->buf holds the values in field order, each
	 * followed by its NUL: the bytes the hash covers, but for the
	 * answers when none is given (record.h).
	 */
	r->h64 = hash64(r->buf.buf, hashed_len(r));
	if (c.nerr == 0 && ctx->row_hash && ctx->dg != NULL)
		row_hash(ctx->dg, r, r->hash);
	return c.nerr;
}

/* ---- keys ---------------------------------------------------------------- */

/* 16 bytes: the table of a million-row input stays in fewer pages. */
struct seen_entry {
	uint64_t key;		/* 0: empty */
	uint32_t hash;		/* the high half of the row's h64 */
	uint32_t line;		/* UINT32_MAX: that line or later */
};

struct rec_seen {
	struct seen_entry *v;
	size_t mask, n;
};

struct rec_seen *
rec_seen_new(void)
{
	struct rec_seen *s = xcalloc(1, sizeof(*s));

	s->mask = 1023;
	s->v = xcalloc(s->mask + 1, sizeof(*s->v));
	return s;
}

void
rec_seen_free(struct rec_seen *s)
{
	if (s == NULL)
		return;
	free(s->v);
	free(s);
}

static struct seen_entry *
seen_slot(struct rec_seen *s, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & s->mask;

	while (s->v[i].key != 0 && s->v[i].key != key)
		i = (i + 1) & s->mask;
	return &s->v[i];
}

static void
seen_put(struct rec_seen *s, uint64_t key, uint32_t hash, long line)
{
	struct seen_entry *e;
	size_t i;

	if (2 * (s->n + 1) > s->mask + 1) {
		struct seen_entry *o = s->v;
		size_t om = s->mask;

		s->mask = 2 * (om + 1) - 1;
		s->v = xcalloc(s->mask + 1, sizeof(*s->v));
		for (i = 0; i <= om; i++)
			if (o[i].key != 0)
				*seen_slot(s, o[i].key) = o[i];
		free(o);
	}
	e = seen_slot(s, key);
	if (e->key == 0)
		s->n++;
	e->key = key;
	e->hash = hash;
	e->line = line < 0 ? 0 : (unsigned long)line >= UINT32_MAX ?
	    UINT32_MAX : (uint32_t)line;
}

void
rec_seen_reserve(struct rec_seen *s, size_t nkeys)
{
	struct seen_entry *o = s->v;
	size_t om = s->mask, want = s->mask + 1, i;

	if (nkeys > REC_SEEN_MAX_RESERVE)
		nkeys = REC_SEEN_MAX_RESERVE;
	while (want < 2 * (s->n + nkeys))
		want *= 2;
	if (want == om + 1)
		return;
	s->mask = want - 1;
	s->v = xcalloc(want, sizeof(*s->v));
	for (i = 0; i <= om; i++)
		if (o[i].key != 0)
			*seen_slot(s, o[i].key) = o[i];
	free(o);
}

static uint64_t
key_of(char kind, const char *a, const char *b)
{
	uint64_t h = fnv(&kind, 1, FNV0);

	h = fnv(a, strlen(a) + 1, h);
	if (b != NULL)
		h = fnv(b, strlen(b) + 1, h);
	return h != 0 ? h : 1;
}

/* Where an existing row came from, for the message. */
static char *
origin(struct rec_ctx *ctx, sqlite3_stmt *st)
{
	long long imp = sqlite3_column_int64(st, 1);
	long line = (long)sqlite3_column_int64(st, 2);
	const char *file = (const char *)sqlite3_column_text(st, 3);

	if (imp == ctx->import_id && ctx->import_id != 0)
		return xasprintf(_("line %ld of this file"), line);
	return xasprintf(_("import %lld, %s line %ld"), imp,
	    file != NULL ? file : "?", line);
}

/*
 * True if hash is what record id said before or after a correction
 * (hcp-amend): a row of the file it was first imported from, or the row
 * as corrected, is that record again.
 */
static int
amended_from(struct rec_ctx *ctx, long long id, const char *hash)
{
	char key[24];
	int rc;

	if (ctx->st_amended == NULL)
		return 0;
	snprintf(key, sizeof(key), "%lld", id);
	sqlite3_bind_text(ctx->st_amended, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ctx->st_amended, 2, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(ctx->st_amended);
	sqlite3_reset(ctx->st_amended);
	sqlite3_clear_bindings(ctx->st_amended);
	return rc == SQLITE_ROW;
}

/*
 * Looks a key up in the db: 0 not there (or the context's own record),
 * 1 same row (duplicate), 2 a different row, -1 error.  *where gets the
 * origin when found.
 */
static int
db_key(struct rec_ctx *ctx, sqlite3_stmt *st, const struct rec *r,
    char **where)
{
	int rc, res = 0;
	char mine[REC_HASH_LEN + 1];

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && ctx->self_id != 0 &&
	    sqlite3_column_int64(st, 4) == ctx->self_id) {
		res = 0;
	} else if (rc == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 0);

		if (r->hash[0] != '\0')
			memcpy(mine, r->hash, sizeof(mine));
		else
			row_hash(ctx->dgk, r, mine);
		res = h != NULL && strcmp(h, mine) == 0 ? 1 : 2;
		*where = origin(ctx, st);
		if (res == 2 && amended_from(ctx, sqlite3_column_int64(st,
		    4), mine)) {
			char *w = xasprintf(_("%s, corrected since"), *where);

			free(*where);
			*where = w;
			res = 1;
		}
	} else if (rc != SQLITE_DONE) {
		res = db_sqlerr(ctx->db, "evaluations");
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return res;
}

/* A problem with a key of r, in the column of field f. */
static void
key_problem(struct rec_problems *pl, const struct rec *r, enum field_id f,
    enum rec_code code, const char *detail)
{
	int col = r->map != NULL ? rec_map_column(r->map, f) : -1;

	rec_problem_add(pl, r->line, col, col >= 0 ?
	    rec_map_name(r->map, (size_t)col) : fields[f].zh, code, detail);
}

int
rec_check_keys(struct rec_ctx *ctx, const struct rec *r,
    struct rec_seen *seen, struct rec_problems *pl)
{
	const char *serial = r->v[F_SERIAL], *proj = r->v[F_PROJECT_NO];
	int res, rc;
	char *where = NULL;
	uint64_t kser = 0, kproj = 0;
	uint32_t h32 = (uint32_t)(r->h64 >> 32);
	struct seen_entry *e;
	char an[2] = { (char)('0' + r->assess_number), '\0' };

	/* against the rows seen earlier in this input */
	if (seen != NULL) {
		if (*serial != '\0') {
			kser = key_of('S', serial, NULL);
			e = seen_slot(seen, kser);
			if (e->key != 0) {
				char *d = xasprintf(_("line %ld of this file"),
				    (long)e->line);

				key_problem(pl, r, F_SERIAL, e->hash == h32 ?
				    D_DUPLICATE : E_SERIAL_USED, d);
				free(d);
				return e->hash == h32 ? REC_DUP : REC_REJECT;
			}
		}
		if (*proj != '\0') {
			kproj = key_of('P', proj, an);
			e = seen_slot(seen, kproj);
			if (e->key != 0) {
				char *d = xasprintf(_("line %ld of this file"),
				    (long)e->line);

				key_problem(pl, r, F_PROJECT_NO, e->hash ==
				    h32 ? D_DUPLICATE : E_DUPLICATE_PROJECT, d);
				free(d);
				return e->hash == h32 ? REC_DUP : REC_REJECT;
			}
		}
	}
	if (ctx->db != NULL) {
		/* an evaluation already holding the serial */
		if (*serial != '\0') {
			sqlite3_bind_text(ctx->st_by_serial, 1, serial, -1,
			    SQLITE_STATIC);
			if ((rc = db_key(ctx, ctx->st_by_serial, r, &where)) <
			    0)
				return -1;
			if (rc > 0) {
				key_problem(pl, r, F_SERIAL, rc == 1 ?
				    D_DUPLICATE : E_SERIAL_USED, where);
				free(where);
				return rc == 1 ? REC_DUP : REC_REJECT;
			}
		}
		if (*proj != '\0') {
			sqlite3_bind_text(ctx->st_by_project, 1, proj, -1,
			    SQLITE_STATIC);
			sqlite3_bind_int(ctx->st_by_project, 2,
			    r->assess_number);
			if ((rc = db_key(ctx, ctx->st_by_project, r, &where))
			    < 0)
				return -1;
			if (rc > 0) {
				key_problem(pl, r, F_PROJECT_NO, rc == 1 ?
				    D_DUPLICATE : E_DUPLICATE_PROJECT, where);
				free(where);
				return rc == 1 ? REC_DUP : REC_REJECT;
			}
		}
		/* the ledger */
		if (*serial != '\0') {
			const char *state;
			enum rec_code code = REC_OK;

			sqlite3_bind_text(ctx->st_form, 1, serial, -1,
			    SQLITE_STATIC);
			rc = sqlite3_step(ctx->st_form);
			if (rc == SQLITE_ROW) {
				state = (const char *)sqlite3_column_text(
				    ctx->st_form, 0);
				if (strcmp(state, "voided") == 0)
					code = E_SERIAL_VOIDED;
			} else if (rc == SQLITE_DONE) {
				code = E_SERIAL_UNKNOWN;
			}
			sqlite3_reset(ctx->st_form);
			sqlite3_clear_bindings(ctx->st_form);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				return db_sqlerr(ctx->db, "forms");
			if (code != REC_OK) {
				key_problem(pl, r, F_SERIAL, code, serial);
				return REC_REJECT;
			}
		}
	}
	res = REC_ACCEPT;
	if (seen != NULL) {
		if (kser != 0)
			seen_put(seen, kser, h32, r->line);
		if (kproj != 0)
			seen_put(seen, kproj, h32, r->line);
	}
	return res;
}

/* ---- masking ------------------------------------------------------------- */

void
rec_mask(enum field_id f, const char *value, char *out, size_t outlen)
{
	size_t n = strlen(value), i, o = 0;

	if (outlen == 0)
		return;
	if (f == F_EVALUATOR) {
		/* first character, then one star a character */
		size_t k = 1;

		while (k < n && ((unsigned char)value[k] & 0xc0) == 0x80)
			k++;
		for (i = 0; i < k && o + 1 < outlen; i++)
			out[o++] = value[i];
		for (i = k; i < n && o + 1 < outlen; i++)
			if (((unsigned char)value[i] & 0xc0) != 0x80)
				out[o++] = '*';
	} else if (n <= 7) {
		for (i = 0; i < n && o + 1 < outlen; i++)
			out[o++] = '*';
	} else {
		for (i = 0; i < n && o + 1 < outlen; i++)
			out[o++] = i < 3 || i >= n - 4 ? value[i] : '*';
	}
	out[o] = '\0';
}
