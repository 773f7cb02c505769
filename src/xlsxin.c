/* SPDX-License-Identifier: ISC */
/*
 * The rows of a sheet of an .xlsx workbook (see xlsxin.h).  The archive
 * is read twice: once for the small parts (the workbook with its list of
 * sheets, its relationships, the shared strings, the styles), once more
 * to stream the sheet's XML through expat, which is suspended at the end
 * of each row that has a value so that a row is handed out at a time.
 * Element and attribute names are matched on their local part, so a
 * prefixed namespace (x:row, as some writers have it) reads the same.
 * A sheet with merged cells (listed after its rows) is read once more
 * beforehand for them.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <expat.h>

#include "excel.h"
#include "i18n.h"
#include "strbuf.h"
#include "xalloc.h"
#include "xlsxin.h"
#include "banned.h"

#define BLOCK 65536
/* the most a part held in memory may unpack to (a zip bomb stops here) */
#define PART_MAX (256UL << 20)
/*
 * The most ranges of merged cells honoured (each row looks at each): a
 * keyed sheet has a few, a hostile one is kept from costing rows times
 * ranges without end.
 */
#define MERGE_MAX 4096
/* Excel's serial day of 1970-01-01 (the 1900 date system) */
#define EXCEL_EPOCH_1970 25569
/* the 1904 date system counts from four years and a day later */
#define EXCEL_1904_SHIFT 1462

/* What a cell format shows a number as. */
enum numkind {
	NK_NUMBER = 0,
	NK_DATE,
	NK_TIME,
	NK_DATETIME
};

struct cell {
	size_t off, len;
	int unvalued;		/* a formula whose value was never saved */
};

struct sheetref {
	char *name;
	char *rid;
	int hidden;
};

/* Cells merged over rows r1 to r2 from column col: r1's value, once read. */
struct merge {
	long r1, r2;
	size_t col;
	char *text;
};

struct xlsxin {
	char *path;
	char *err;
	char *mem;		/* the workbook, when read from memory */
	size_t memlen;
	char *sheetname;
	char *sheetpart;	/* e.g. xl/worksheets/sheet1.xml */
	struct strbuf others;	/* the other sheets' names, quoted */

	/* the parts read first */
	struct strbuf workbook, rels, sst_xml, styles;
	struct sheetref *sheets;
	size_t nsheets;
	int date1904;

	/* shared strings */
	struct strbuf sst;
	size_t *sstoff;
	size_t nsst, asst;
	int in_si, in_t, in_rph;

	/* styles: each cell format's kind, custom formats by id */
	unsigned char *xfkind;
	size_t nxf, axf;
	long *fmtid;
	unsigned char *fmtkind;
	size_t nfmt, afmt;
	int in_cellxfs, in_numfmts;

	/* cells merged over several rows */
	struct merge *merges;
	size_t nmerges, amerges;

	/* the sheet, streamed */
	struct archive *ar;
	XML_Parser xp;
	int suspended, done, failed;
	struct strbuf rowdata;
	struct cell *cells;
	size_t ncells, acells;
	long rownum, lastrow;
	int row_ready, row_has;
	int in_c, in_v, in_is, in_ist;
	int c_formula, c_value;	/* the cell has <f>, <v> or <is> */
	size_t ccol, nextcol;
	char ctype;
	long cstyle;
	struct strbuf text;
	char buf[BLOCK];
};

static int
seterr(struct xlsxin *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
seterr(struct xlsxin *x, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&sb, "%s: ", x->path);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(x->err);
	x->err = strbuf_detach(&sb);
	return -1;
}

const char *
xlsxin_errstr(const struct xlsxin *x)
{
	return x->err != NULL ? x->err : "no error";
}

/* Whether the file at path starts with the n bytes magic. */
static int
starts_with(const char *path, const char *magic, size_t n)
{
	unsigned char m[8];
	FILE *fp;
	int yes;

	if (n > sizeof(m) || (fp = fopen(path, "rb")) == NULL)
		return 0;
	yes = fread(m, 1, n, fp) == n && memcmp(m, magic, n) == 0;
	fclose(fp);
	return yes;
}

int
xlsxin_detect(const char *path)
{
	return starts_with(path, "PK\003\004", 4);
}

int
xlsxin_legacy(const char *path)
{
	return starts_with(path, "\320\317\021\340\241\261\032\341", 8);
}

void
xlsxin_col_name(size_t col, char out[8])
{
	char t[8];
	size_t n = 0, i;

	col++;
	while (col > 0 && n < sizeof(t) - 1) {
		t[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	out[n] = '\0';
}

/* The local part of an XML name (row of x:row). */
static const char *
lname(const char *n)
{
	const char *p = strrchr(n, ':');

	return p != NULL ? p + 1 : n;
}

static const char *
attr(const XML_Char **atts, const char *name)
{
	size_t i;

	for (i = 0; atts[i] != NULL; i += 2)
		if (strcmp(lname(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* ---- the parts read whole -------------------------------------------- */

/* Whether an archive entry's name is the part name (case aside). */
static int
same_part(const char *entry, const char *part)
{
	while (*entry == '/')
		entry++;
	return strcasecmp(entry, part) == 0;
}

static int
read_data(struct xlsxin *x, struct archive *a, struct strbuf *sb,
    const char *name)
{
	la_ssize_t n;

	strbuf_reset(sb);
	while ((n = archive_read_data(a, x->buf, sizeof(x->buf))) > 0) {
		if (sb->len + (size_t)n > PART_MAX)
			return seterr(x, _("%s unpacks to more than %lu MiB"),
			    name, PART_MAX >> 20);
		strbuf_add(sb, x->buf, (size_t)n);
	}
	if (n < 0)
		return seterr(x, "%s: %s", name, archive_error_string(a));
	return 0;
}

static struct archive *
open_archive(struct xlsxin *x)
{
	struct archive *a = archive_read_new();

	archive_read_support_format_zip(a);
	if ((x->mem != NULL ? archive_read_open_memory(a, x->mem, x->memlen) :
	    archive_read_open_filename(a, x->path, BLOCK)) != ARCHIVE_OK) {
		seterr(x, _("not a workbook that can be read: %s"),
		    archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int
read_parts(struct xlsxin *x)
{
	struct archive *a;
	struct archive_entry *e;
	int rc = 0, r;

	if ((a = open_archive(x)) == NULL)
		return -1;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *n = archive_entry_pathname(e);
		struct strbuf *sb = NULL;

		if (n == NULL)
			continue;
		if (same_part(n, "xl/workbook.xml"))
			sb = &x->workbook;
		else if (same_part(n, "xl/_rels/workbook.xml.rels"))
			sb = &x->rels;
		else if (same_part(n, "xl/sharedStrings.xml"))
			sb = &x->sst_xml;
		else if (same_part(n, "xl/styles.xml"))
			sb = &x->styles;
		if (sb != NULL && (rc = read_data(x, a, sb, n)) != 0)
			break;
	}
	if (rc == 0 && r != ARCHIVE_EOF)
		rc = seterr(x, _("not a workbook that can be read: %s"),
		    archive_error_string(a));
	archive_read_free(a);
	if (rc == 0 && x->workbook.len == 0)
		rc = seterr(x, "%s", _("a zip file, but not an Excel workbook "
		    "(.xlsx): it has no xl/workbook.xml"));
	return rc;
}

static int
parse_part(struct xlsxin *x, const struct strbuf *sb, const char *name,
    XML_StartElementHandler start, XML_EndElementHandler end,
    XML_CharacterDataHandler text)
{
	XML_Parser p;
	int rc = 0;

	if (sb->len == 0)
		return 0;
	if ((p = XML_ParserCreate(NULL)) == NULL)
		return seterr(x, "%s", _("out of memory"));
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	if (text != NULL)
		XML_SetCharacterDataHandler(p, text);
	if (XML_Parse(p, sb->buf, (int)sb->len, 1) == XML_STATUS_ERROR)
		rc = seterr(x, "%s:%lu: %s", name,
		    (unsigned long)XML_GetCurrentLineNumber(p),
		    XML_ErrorString(XML_GetErrorCode(p)));
	XML_ParserFree(p);
	return rc;
}

static void XMLCALL
wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin *x = ud;
	const char *n = lname(name), *v, *id;

	if (strcmp(n, "workbookPr") == 0) {
		v = attr(atts, "date1904");
		x->date1904 = v != NULL && (strcmp(v, "1") == 0 ||
		    strcmp(v, "true") == 0);
	} else if (strcmp(n, "sheet") == 0) {
		v = attr(atts, "name");
		id = attr(atts, "id");
		if (v == NULL || id == NULL)
			return;
		x->sheets = xreallocarray(x->sheets, x->nsheets + 1,
		    sizeof(*x->sheets));
		x->sheets[x->nsheets].name = xstrdup(v);
		x->sheets[x->nsheets].rid = xstrdup(id);
		v = attr(atts, "state");
		x->sheets[x->nsheets].hidden = v != NULL &&
		    strcmp(v, "visible") != 0;
		x->nsheets++;
	}
}

static void XMLCALL
no_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

/* The rels parse looks for the chosen sheet's relationship id. */
static const char *want_rid;

static void XMLCALL
rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin *x = ud;
	const char *id, *t;

	if (strcmp(lname(name), "Relationship") != 0 || x->sheetpart != NULL)
		return;
	id = attr(atts, "Id");
	t = attr(atts, "Target");
	if (id == NULL || t == NULL || strcmp(id, want_rid) != 0)
		return;
	if (*t == '/')
		x->sheetpart = xstrdup(t + 1);
	else
		x->sheetpart = xasprintf("xl/%s", t);
}

static void XMLCALL
sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin *x = ud;
	const char *n = lname(name);

	(void)atts;
	if (strcmp(n, "si") == 0) {
		x->in_si = 1;
		if (x->nsst == x->asst) {
			x->asst = x->asst ? x->asst * 2 : 256;
			x->sstoff = xreallocarray(x->sstoff, x->asst,
			    sizeof(*x->sstoff));
		}
		x->sstoff[x->nsst++] = x->sst.len;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 1;		/* phonetic guide: not the text */
	} else if (strcmp(n, "t") == 0) {
		x->in_t = 1;
	}
}

static void XMLCALL
sst_end(void *ud, const XML_Char *name)
{
	struct xlsxin *x = ud;
	const char *n = lname(name);

	if (strcmp(n, "si") == 0) {
		x->in_si = 0;
		strbuf_addc(&x->sst, '\0');
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 0;
	} else if (strcmp(n, "t") == 0) {
		x->in_t = 0;
	}
}

static void XMLCALL
sst_text(void *ud, const XML_Char *s, int len)
{
	struct xlsxin *x = ud;

	if (x->in_si && x->in_t && !x->in_rph)
		strbuf_add(&x->sst, s, (size_t)len);
}

/* What a number format code shows: date, time, both or a number. */
static enum numkind
code_kind(const char *c)
{
	int date = 0, time = 0;

	for (; *c != '\0'; c++) {
		switch (*c) {
		case '"':
			while (c[1] != '\0' && c[1] != '"')
				c++;
			if (c[1] != '\0')
				c++;
			break;
		case '[':
			while (c[1] != '\0' && c[1] != ']')
				c++;
			break;
		case '\\':
		case '_':
		case '*':
			if (c[1] != '\0')
				c++;
			break;
		case 'y': case 'Y': case 'd': case 'D':
		case 'e':	/* the year in some locales */
			date = 1;
			break;
		case 'h': case 'H': case 's': case 'S':
			time = 1;
			break;
		case ';':
			goto out;	/* the first section decides */
		}
	}
out:
	return date && time ? NK_DATETIME : date ? NK_DATE : time ? NK_TIME :
	    NK_NUMBER;
}

/* The built-in formats (ECMA-376 18.8.30, and the East Asian ones). */
static enum numkind
builtin_kind(long id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) ||
	    (id >= 34 && id <= 36) || (id >= 50 && id <= 58))
		return NK_DATE;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 33) ||
	    (id >= 45 && id <= 47))
		return NK_TIME;
	if (id == 22)
		return NK_DATETIME;
	return NK_NUMBER;
}

static void XMLCALL
st_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin *x = ud;
	const char *n = lname(name), *id, *code;
	enum numkind k;
	long fid;
	size_t i;

	if (strcmp(n, "numFmts") == 0) {
		x->in_numfmts = 1;
	} else if (strcmp(n, "cellXfs") == 0) {
		x->in_cellxfs = 1;
	} else if (strcmp(n, "numFmt") == 0 && x->in_numfmts) {
		id = attr(atts, "numFmtId");
		code = attr(atts, "formatCode");
		if (id == NULL || code == NULL)
			return;
		if (x->nfmt == x->afmt) {
			x->afmt = x->afmt ? x->afmt * 2 : 16;
			x->fmtid = xreallocarray(x->fmtid, x->afmt,
			    sizeof(*x->fmtid));
			x->fmtkind = xreallocarray(x->fmtkind, x->afmt, 1);
		}
		x->fmtid[x->nfmt] = strtol(id, NULL, 10);
		x->fmtkind[x->nfmt++] = (unsigned char)code_kind(code);
	} else if (strcmp(n, "xf") == 0 && x->in_cellxfs) {
		id = attr(atts, "numFmtId");
		fid = id != NULL ? strtol(id, NULL, 10) : 0;
		k = builtin_kind(fid);
		for (i = 0; i < x->nfmt; i++)
			if (x->fmtid[i] == fid)
				k = (enum numkind)x->fmtkind[i];
		if (x->nxf == x->axf) {
			x->axf = x->axf ? x->axf * 2 : 16;
			x->xfkind = xreallocarray(x->xfkind, x->axf, 1);
		}
		x->xfkind[x->nxf++] = (unsigned char)k;
	}
}

static void XMLCALL
st_end(void *ud, const XML_Char *name)
{
	struct xlsxin *x = ud;
	const char *n = lname(name);

	if (strcmp(n, "numFmts") == 0)
		x->in_numfmts = 0;
	else if (strcmp(n, "cellXfs") == 0)
		x->in_cellxfs = 0;
}

/* Chooses the sheet: by name, by number from 1, or the first. */
static int
choose_sheet(struct xlsxin *x, const char *sheet)
{
	struct strbuf names = STRBUF_INIT;
	size_t i, k = 0;
	char *end;
	int found = sheet == NULL && x->nsheets > 0;

	for (i = 0; sheet != NULL && i < x->nsheets && !found; i++)
		if (strcmp(x->sheets[i].name, sheet) == 0) {
			k = i;
			found = 1;
		}
	if (!found && sheet != NULL) {
		unsigned long n = strtoul(sheet, &end, 10);

		if (*sheet >= '1' && *sheet <= '9' && *end == '\0' &&
		    n <= x->nsheets) {
			k = n - 1;
			found = 1;
		}
	}
	if (!found) {
		for (i = 0; i < x->nsheets; i++)
			strbuf_addf(&names, "%s\"%s\"", i > 0 ? ", " : "",
			    x->sheets[i].name);
		if (sheet == NULL)
			seterr(x, "%s", _("the workbook has no sheet"));
		else
			seterr(x, _("the workbook has no sheet \"%s\" (its "
			    "sheets: %s)"), sheet, strbuf_str(&names));
		strbuf_release(&names);
		return -1;
	}
	x->sheetname = xstrdup(x->sheets[k].name);
	for (i = 0; i < x->nsheets; i++)
		if (i != k && !x->sheets[i].hidden)
			strbuf_addf(&x->others, "%s\"%s\"", x->others.len > 0 ?
			    ", " : "", x->sheets[i].name);
	want_rid = x->sheets[k].rid;
	if (parse_part(x, &x->rels, "xl/_rels/workbook.xml.rels", rels_start,
	    no_end, NULL) != 0)
		return -1;
	if (x->sheetpart == NULL)
		return seterr(x, _("the workbook does not say where its sheet "
		    "\"%s\" is"), x->sheetname);
	return 0;
}

/* ---- the sheet ------------------------------------------------------- */

/* Column index of a cell reference such as AB12, or -1. */
static long
ref_col(const char *r)
{
	long col = 0;
	int n = 0;

	for (; *r >= 'A' && *r <= 'Z' && n < 4; r++, n++)
		col = col * 26 + (*r - 'A' + 1);
	return n > 0 && n < 4 ? col - 1 : -1;
}

static void
add_cell(struct xlsxin *x, const char *s, size_t len)
{
	if (x->ncells == x->acells) {
		x->acells = x->acells ? x->acells * 2 : 32;
		x->cells = xreallocarray(x->cells, x->acells,
		    sizeof(*x->cells));
	}
	x->cells[x->ncells].off = x->rowdata.len;
	x->cells[x->ncells].len = len;
	x->cells[x->ncells].unvalued = 0;
	strbuf_add(&x->rowdata, s, len);
	strbuf_addc(&x->rowdata, '\0');
	x->ncells++;
	x->row_has |= len > 0;
}

/* days since 1970-01-01 to a civil date (H. Hinnant's algorithm) */
static void
civil(long long z, int *y, unsigned *m, unsigned *d)
{
	long long era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

/* A date or time cell as the CSV contract writes it. */
static void
date_text(struct xlsxin *x, const char *v, enum numkind k, char *out,
    size_t size)
{
	double serial = strtod(v, NULL), days;
	long long secs, day;
	unsigned m, d;
	int y;

	if (x->date1904)
		serial += EXCEL_1904_SHIFT;
	days = floor(serial);
	secs = llround((serial - days) * 86400.0);
	day = (long long)days;
	if (secs >= 86400) {
		day++;
		secs -= 86400;
	}
	civil(day - EXCEL_EPOCH_1970, &y, &m, &d);
	if (k == NK_TIME)
		snprintf(out, size, "%02lld:%02lld", secs / 3600,
		    secs / 60 % 60);
	else if (secs == 0 && k == NK_DATE)
		snprintf(out, size, "%04d-%02u-%02u", y, m, d);
	else if (secs % 60 == 0)
		snprintf(out, size, "%04d-%02u-%02u %02lld:%02lld", y, m, d,
		    secs / 3600, secs / 60 % 60);
	else
		snprintf(out, size, "%04d-%02u-%02u %02lld:%02lld:%02lld", y,
		    m, d, secs / 3600, secs / 60 % 60, secs % 60);
}

/* The cell just read, as text, into the row. */
static void
end_cell(struct xlsxin *x)
{
	const char *t = strbuf_str(&x->text);
	char num[64];
	unsigned long idx;
	enum numkind k;
	char *end;

	while (x->ncells < x->ccol)
		add_cell(x, "", 0);
	if (x->ncells > x->ccol)
		return;		/* a cell out of order: the first stands */
	/* a number's <v> empty is no value either (openpyxl writes so) */
	if (x->c_formula && (!x->c_value || (*t == '\0' && x->ctype != 't' &&
	    x->ctype != 's'))) {
		/* written by a program that saves no values: Excel and WPS
		 * compute it when they open the workbook, hcp cannot */
		add_cell(x, "", 0);
		x->cells[x->ncells - 1].unvalued = 1;
		x->row_has = 1;
		return;
	}
	switch (x->ctype) {
	case 's':
		idx = strtoul(t, &end, 10);
		if (*t != '\0' && *end == '\0' && idx < x->nsst)
			t = x->sst.buf + x->sstoff[idx];
		else
			t = "";
		add_cell(x, t, strlen(t));
		return;
	case 'b':
		add_cell(x, strcmp(t, "1") == 0 ? "1" : "0", 1);
		return;
	case 'd':
		/* ISO 8601: 2026-11-22T09:30:00 */
		snprintf(num, sizeof(num), "%s", t);
		if ((end = strchr(num, 'T')) != NULL) {
			*end = ' ';
			if (strlen(end) > 6 && strcmp(end + 6, ":00") == 0)
				end[6] = '\0';
		}
		add_cell(x, num, strlen(num));
		return;
	case 'n':
		if (*t == '\0')
			break;
		k = x->cstyle >= 0 && (size_t)x->cstyle < x->nxf ?
		    (enum numkind)x->xfkind[x->cstyle] : NK_NUMBER;
		if (k != NK_NUMBER)
			date_text(x, t, k, num, sizeof(num));
		else
			excel_general(t, num, sizeof(num));
		add_cell(x, num, strlen(num));
		return;
	}
	add_cell(x, t, strlen(t));
}

/*
 * The row ends: it keeps the value of each range of merged cells that
 * starts in it, and gets it where such a range covers it (the first
 * column of the range; Excel shows the value over all of it, but keeps
 * it in the first cell alone).  Only for a row with a value of its own.
 */
static void
fill_merged(struct xlsxin *x)
{
	struct merge *m;
	size_t i, len;

	for (i = 0; i < x->nmerges; i++) {
		m = &x->merges[i];
		if (x->rownum == m->r1) {
			free(m->text);
			m->text = xstrdup(m->col < x->ncells ? x->rowdata.buf +
			    x->cells[m->col].off : "");
		} else if (x->rownum > m->r1 && x->rownum <= m->r2 &&
		    m->text != NULL && *m->text != '\0' &&
		    (m->col >= x->ncells || x->cells[m->col].len == 0)) {
			while (x->ncells <= m->col)
				add_cell(x, "", 0);
			len = strlen(m->text);
			x->cells[m->col].off = x->rowdata.len;
			x->cells[m->col].len = len;
			strbuf_add(&x->rowdata, m->text, len);
			strbuf_addc(&x->rowdata, '\0');
		}
	}
}

/* "B3" into its row (1-based) and column (0-based); 0 or -1. */
static int
parse_ref(const char *r, long *row, size_t *col)
{
	long c = ref_col(r), n;
	char *end;

	while (*r >= 'A' && *r <= 'Z')
		r++;
	n = strtol(r, &end, 10);
	if (c < 0 || end == r || n <= 0)
		return -1;
	*row = n;
	*col = (size_t)c;
	return 0;
}

static void XMLCALL
mc_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin *x = ud;
	const char *v, *colon;
	struct merge m;
	size_t c2;
	long r2;
	char a[32];

	if (strcmp(lname(name), "mergeCell") != 0 ||
	    (v = attr(atts, "ref")) == NULL || (colon = strchr(v, ':')) == NULL ||
	    (size_t)(colon - v) >= sizeof(a))
		return;
	memcpy(a, v, (size_t)(colon - v));
	a[colon - v] = '\0';
	memset(&m, 0, sizeof(m));
	if (parse_ref(a, &m.r1, &m.col) != 0 ||
	    parse_ref(colon + 1, &r2, &c2) != 0 || r2 <= m.r1 || c2 < m.col)
		return;		/* within one row: nothing to fill */
	m.r2 = r2;
	if (x->nmerges == MERGE_MAX)
		return;
	if (x->nmerges == x->amerges) {
		x->amerges = x->amerges ? x->amerges * 2 : 16;
		x->merges = xreallocarray(x->merges, x->amerges,
		    sizeof(*x->merges));
	}
	x->merges[x->nmerges++] = m;
}

/*
 * Opens the sheet's part for reading in *ap: 0, 1 when the workbook has
 * no such part, or -1 (x->err says why).
 */
static int
sheet_part(struct xlsxin *x, struct archive **ap)
{
	struct archive_entry *e;
	const char *n;

	if ((*ap = open_archive(x)) == NULL)
		return -1;
	while (archive_read_next_header(*ap, &e) == ARCHIVE_OK)
		if ((n = archive_entry_pathname(e)) != NULL &&
		    same_part(n, x->sheetpart))
			return 0;
	archive_read_free(*ap);
	*ap = NULL;
	return 1;
}

/*
 * The ranges of merged cells of the sheet, which come after its rows: the
 * sheet's XML is searched for them first, and parsed for them only when
 * it has some.  What is wrong with the part is said by open_sheet().
 */
static int
read_merges(struct xlsxin *x)
{
	static const char tag[] = "mergeCell";
	const size_t tl = sizeof(tag) - 1;
	char win[2 * sizeof(tag)];	/* the tag across two blocks */
	struct archive *a;
	XML_Parser p;
	size_t nt = 0, k;
	la_ssize_t n;
	int found = 0;

	if (sheet_part(x, &a) != 0)
		return 0;
	while (!found && (n = archive_read_data(a, x->buf,
	    sizeof(x->buf))) > 0) {
		k = (size_t)n < tl ? (size_t)n : tl;
		memcpy(win + nt, x->buf, k);
		found = memmem(win, nt + k, tag, tl) != NULL ||
		    memmem(x->buf, (size_t)n, tag, tl) != NULL;
		nt = k;
		memcpy(win, x->buf + (size_t)n - nt, nt);
	}
	archive_read_free(a);
	if (!found || sheet_part(x, &a) != 0)
		return 0;
	if ((p = XML_ParserCreate(NULL)) == NULL) {
		archive_read_free(a);
		return seterr(x, "%s", _("out of memory"));
	}
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, mc_start, no_end);
	while ((n = archive_read_data(a, x->buf, sizeof(x->buf))) >= 0 &&
	    XML_Parse(p, x->buf, (int)n, n == 0) != XML_STATUS_ERROR &&
	    n > 0)
		continue;
	XML_ParserFree(p);
	archive_read_free(a);
	return 0;
}

static void XMLCALL
sh_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin *x = ud;
	const char *n = lname(name), *v;
	long col;

	if (strcmp(n, "row") == 0) {
		v = attr(atts, "r");
		x->rownum = v != NULL ? strtol(v, NULL, 10) : x->lastrow + 1;
		if (x->rownum <= 0)
			x->rownum = x->lastrow + 1;
		strbuf_reset(&x->rowdata);
		x->ncells = 0;
		x->nextcol = 0;
		x->row_has = 0;
	} else if (strcmp(n, "c") == 0) {
		x->in_c = 1;
		v = attr(atts, "r");
		col = v != NULL ? ref_col(v) : -1;
		x->ccol = col >= 0 ? (size_t)col : x->nextcol;
		v = attr(atts, "t");
		x->ctype = v == NULL || strcmp(v, "n") == 0 ? 'n' :
		    strcmp(v, "s") == 0 ? 's' : strcmp(v, "b") == 0 ? 'b' :
		    strcmp(v, "d") == 0 ? 'd' : 't';
		v = attr(atts, "s");
		x->cstyle = v != NULL ? strtol(v, NULL, 10) : 0;
		x->c_formula = x->c_value = 0;
		strbuf_reset(&x->text);
	} else if (x->in_c && strcmp(n, "f") == 0) {
		x->c_formula = 1;
	} else if (x->in_c && strcmp(n, "v") == 0) {
		x->in_v = 1;
		x->c_value = 1;
	} else if (x->in_c && strcmp(n, "is") == 0) {
		x->in_is = 1;
		x->c_value = 1;
	} else if (x->in_is && strcmp(n, "rPh") == 0) {
		x->in_rph = 1;
	} else if (x->in_is && strcmp(n, "t") == 0) {
		x->in_ist = 1;
	}
}

static void XMLCALL
sh_end(void *ud, const XML_Char *name)
{
	struct xlsxin *x = ud;
	const char *n = lname(name);

	if (strcmp(n, "v") == 0) {
		x->in_v = 0;
	} else if (strcmp(n, "t") == 0) {
		x->in_ist = 0;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 0;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = 0;
	} else if (strcmp(n, "c") == 0 && x->in_c) {
		x->in_c = 0;
		end_cell(x);
		x->nextcol = x->ccol + 1;
	} else if (strcmp(n, "row") == 0) {
		x->lastrow = x->rownum;
		if (x->row_has && x->nmerges > 0)
			fill_merged(x);
		/* the empty cells at the end of the row are not cells */
		while (x->ncells > 0 && x->cells[x->ncells - 1].len == 0 &&
		    !x->cells[x->ncells - 1].unvalued)
			x->ncells--;
		if (x->row_has) {
			x->row_ready = 1;
			XML_StopParser(x->xp, XML_TRUE);
		}
	}
}

static void XMLCALL
sh_text(void *ud, const XML_Char *s, int len)
{
	struct xlsxin *x = ud;

	if (x->in_v || (x->in_ist && !x->in_rph))
		strbuf_add(&x->text, s, (size_t)len);
}

static int
open_sheet(struct xlsxin *x)
{
	int r;

	if ((r = sheet_part(x, &x->ar)) < 0)
		return -1;
	if (r > 0)
		return seterr(x, _("the workbook has no part %s for its sheet "
		    "\"%s\""), x->sheetpart, x->sheetname);
	if ((x->xp = XML_ParserCreate(NULL)) == NULL)
		return seterr(x, "%s", _("out of memory"));
	XML_SetUserData(x->xp, x);
	XML_SetElementHandler(x->xp, sh_start, sh_end);
	XML_SetCharacterDataHandler(x->xp, sh_text);
	return 0;
}

static struct xlsxin *
open_x(struct xlsxin *x, const char *sheet, char **err)
{
	if (read_parts(x) != 0 ||
	    parse_part(x, &x->workbook, "xl/workbook.xml", wb_start, no_end,
	    NULL) != 0 ||
	    choose_sheet(x, sheet) != 0 ||
	    parse_part(x, &x->sst_xml, "xl/sharedStrings.xml", sst_start,
	    sst_end, sst_text) != 0 ||
	    parse_part(x, &x->styles, "xl/styles.xml", st_start, st_end,
	    NULL) != 0 ||
	    read_merges(x) != 0 ||
	    open_sheet(x) != 0) {
		*err = x->err;
		x->err = NULL;
		xlsxin_free(x);
		return NULL;
	}
	/* the parts are parsed: their text is not needed any more */
	strbuf_release(&x->workbook);
	strbuf_release(&x->rels);
	strbuf_release(&x->sst_xml);
	strbuf_release(&x->styles);
	return x;
}

struct xlsxin *
xlsxin_open(const char *path, const char *sheet, char **err)
{
	struct xlsxin *x = xcalloc(1, sizeof(*x));

	x->path = xstrdup(path);
	return open_x(x, sheet, err);
}

struct xlsxin *
xlsxin_open_mem(const char *name, char *buf, size_t len, const char *sheet,
    char **err)
{
	struct xlsxin *x = xcalloc(1, sizeof(*x));

	x->path = xstrdup(name);
	x->mem = buf;
	x->memlen = len;
	return open_x(x, sheet, err);
}

/* Reads the rest of fp onto sb, up to max bytes: 0, 1 over max, -1. */
static int
slurp(FILE *fp, struct strbuf *sb, size_t max)
{
	char buf[BLOCK];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (sb->len + n > max)
			return 1;
		strbuf_add(sb, buf, n);
	}
	return ferror(fp) ? -1 : 0;
}

/* Copies head, then the rest of stdin, into a temporary file. */
static FILE *
stdin_copy(const struct strbuf *head, char **err)
{
	char buf[BLOCK];
	size_t n;
	FILE *tmp;

	if ((tmp = tmpfile()) == NULL)
		goto fail;
	if (fwrite(head->buf, 1, head->len, tmp) != head->len)
		goto fail;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (fwrite(buf, 1, n, tmp) != n)
			goto fail;
	if (ferror(stdin) || fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0)
		goto fail;
	return tmp;
fail:
	*err = xasprintf("%s: %s", _("(standard input)"), strerror(errno));
	if (tmp != NULL)
		fclose(tmp);
	return NULL;
}

int
xlsxin_stdin(char **buf, size_t *len, FILE **fp, char **err)
{
	struct strbuf sb = STRBUF_INIT;
	int ch, rc;

	*fp = stdin;
	/* only a 'P' can start a zip: anything else is given back */
	if ((ch = getc(stdin)) != 'P') {
		if (ch != EOF)
			ungetc(ch, stdin);
		return 0;
	}
	strbuf_add(&sb, "P", 1);
	while (sb.len < 4 && (ch = getc(stdin)) != EOF) {
		char c = (char)ch;

		strbuf_add(&sb, &c, 1);
	}
	if (sb.len < 4 || memcmp(sb.buf, "PK\003\004", 4) != 0) {
		rc = (*fp = stdin_copy(&sb, err)) != NULL ? 0 : -1;
		strbuf_release(&sb);
		return rc;
	}
	if ((rc = slurp(stdin, &sb, XLSXIN_STDIN_MAX)) != 0) {
		if (rc > 0)
			*err = xasprintf(_("%s: a workbook on standard input "
			    "may have at most %lu MiB; give its file name"),
			    _("(standard input)"), XLSXIN_STDIN_MAX >> 20);
		else
			*err = xasprintf("%s: %s", _("(standard input)"),
			    strerror(errno));
		strbuf_release(&sb);
		return -1;
	}
	*len = sb.len;
	*buf = strbuf_detach(&sb);
	return 1;
}

void
xlsxin_free(struct xlsxin *x)
{
	size_t i;

	if (x == NULL)
		return;
	if (x->xp != NULL)
		XML_ParserFree(x->xp);
	if (x->ar != NULL)
		archive_read_free(x->ar);
	for (i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
	}
	free(x->sheets);
	for (i = 0; i < x->nmerges; i++)
		free(x->merges[i].text);
	free(x->merges);
	strbuf_release(&x->others);
	strbuf_release(&x->workbook);
	strbuf_release(&x->rels);
	strbuf_release(&x->sst_xml);
	strbuf_release(&x->styles);
	strbuf_release(&x->sst);
	strbuf_release(&x->rowdata);
	strbuf_release(&x->text);
	free(x->sstoff);
	free(x->xfkind);
	free(x->fmtid);
	free(x->fmtkind);
	free(x->cells);
	free(x->sheetname);
	free(x->sheetpart);
	free(x->path);
	free(x->err);
	free(x->mem);
	free(x);
}

int
xlsxin_next(struct xlsxin *x)
{
	enum XML_Status st;
	la_ssize_t n;

	if (x->failed)
		return -1;
	for (;;) {
		if (x->suspended) {
			st = XML_ResumeParser(x->xp);
		} else if (x->done) {
			return 0;
		} else {
			n = archive_read_data(x->ar, x->buf, sizeof(x->buf));
			if (n < 0) {
				x->failed = 1;
				return seterr(x, "%s: %s", x->sheetpart,
				    archive_error_string(x->ar));
			}
			x->done = n == 0;
			st = XML_Parse(x->xp, x->buf, (int)n, n == 0);
		}
		if (st == XML_STATUS_ERROR) {
			x->failed = 1;
			return seterr(x, "%s:%lu: %s", x->sheetpart,
			    (unsigned long)XML_GetCurrentLineNumber(x->xp),
			    XML_ErrorString(XML_GetErrorCode(x->xp)));
		}
		x->suspended = st == XML_STATUS_SUSPENDED;
		if (x->row_ready) {
			x->row_ready = 0;
			return 1;
		}
	}
}

long
xlsxin_row(const struct xlsxin *x)
{
	return x->rownum;
}

size_t
xlsxin_ncells(const struct xlsxin *x)
{
	return x->ncells;
}

const char *
xlsxin_cell(const struct xlsxin *x, size_t i)
{
	return i < x->ncells ? x->rowdata.buf + x->cells[i].off : "";
}

size_t
xlsxin_cell_len(const struct xlsxin *x, size_t i)
{
	return i < x->ncells ? x->cells[i].len : 0;
}

int
xlsxin_cell_unvalued(const struct xlsxin *x, size_t i)
{
	return i < x->ncells && x->cells[i].unvalued;
}

const char *
xlsxin_sheet(const struct xlsxin *x)
{
	return x->sheetname;
}

const char *
xlsxin_other_sheets(const struct xlsxin *x)
{
	return strbuf_str(&x->others);
}
