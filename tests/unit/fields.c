/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the field table (src/fields.c) and what is derived from
 * it: the table is consistent (ids in order, every field named in three
 * ways, unique names, headers and columns, required-when that makes
 * sense), its columns are those of the evaluations table of the shipped
 * schema (NULL where the table says optional), the required lists the
 * header map and the validator use, the field list of hcp-csv(5), and
 * each kind of field check accepting and refusing typical values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fields.h"
#include "ids.h"
#include "record.h"
#include "strbuf.h"
#include "tap.h"
#include "xalloc.h"
#include "banned.h"

static void
test_table(void)
{
	int i, j, bad_id = 0, bad_name = 0, dup = 0, bad_req = 0;
	int bad_mask = 0, bad_lookup = 0, bad_int = 0;

	for (i = 0; i < F_NFIELDS; i++) {
		const struct field_def *f = &fields[i];

		bad_id += f->id != (enum field_id)i;
		bad_name += f->name == NULL || *f->name == '\0' ||
		    f->zh == NULL || *f->zh == '\0' || f->column == NULL ||
		    *f->column == '\0' || f->doc == NULL || f->maxlen == 0 ||
		    (unsigned)f->check >= FIELD_NCHECKS;
		/* a required column is there to hold a required value */
		bad_req += (f->required & FIELD_REQ_COLUMN) &&
		    !(f->required & FIELD_REQ_VALUE);
		bad_mask += f->personal != (f->mask != FIELD_MASK_NONE);
		bad_lookup += field_lookup(f->name) != i ||
		    field_lookup(f->zh) != i ||
		    (f->iface != NULL && field_lookup(f->iface) != i);
		/* rec_int() has a number for exactly the numeric fields */
		bad_int += (f->store == FIELD_STORE_INT ||
		    f->store == FIELD_STORE_INT_OPT) != (i == F_CHANNEL ||
		    i == F_SATISFACTION || i == F_USER_PROP ||
		    i == F_ASSESS_NUMBER);
		for (j = 0; j < i; j++) {
			const struct field_def *g = &fields[j];

			dup += strcmp(f->name, g->name) == 0 ||
			    strcmp(f->zh, g->zh) == 0 ||
			    strcmp(f->column, g->column) == 0 ||
			    (f->iface != NULL && g->iface != NULL &&
			    strcmp(f->iface, g->iface) == 0);
		}
	}
	is_int(bad_id, 0, "table: indexed by enum field_id");
	is_int(bad_name, 0, "table: every field has a name, a Chinese "
	    "header, a column, a length and a known check");
	is_int(dup, 0, "table: names, headers, interface names and columns "
	    "are unique");
	is_int(bad_req, 0, "table: a required column is a required value");
	is_int(bad_mask, 0, "table: personal fields are the masked ones");
	is_int(bad_lookup, 0, "table: every name finds its field");
	is_int(bad_int, 0, "table: the numbers stored are the numeric "
	    "fields");
	is_int(field_lookup(" 评价时间\t"), F_ASSESS_TIME,
	    "lookup trims blanks");
	is_int(field_lookup("ASSESSTIME"), F_ASSESS_TIME,
	    "lookup ignores the case of Latin names");
	is_int(field_lookup("nothing"), -1, "lookup of no field");
	is_str(field_column(F_WINDOW), "window_id", "window's column");
	is_str(field_column(F_STAFF), "staff_id", "staff's column");
	is_int(fields[F_ANSWERS + F_NANSWERS - 1].check, FIELD_ANSWER,
	    "the answers are the last fields");
}

/* The names of the fields whose required has bit, joined by spaces. */
static char *
required(unsigned bit)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < F_NFIELDS; i++)
		if (fields[i].required & bit)
			strbuf_addf(&sb, "%s%s", sb.len ? " " : "",
			    fields[i].name);
	return strbuf_detach(&sb);
}

static void
test_derived(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	int i;

	s = required(FIELD_REQ_COLUMN);
	is_str(s, "item_code satisfaction assess_time",
	    "required columns (E_HEADER_MISSING)");
	free(s);
	s = required(FIELD_REQ_VALUE);
	is_str(s, "item_code dept_code area_code satisfaction assess_time",
	    "required values (E_REQUIRED)");
	free(s);
	for (i = 0; i < F_NFIELDS; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", field_column(i));
	is_str(sb.buf, "serial,project_no,item_code,dept_code,area_code,"
	    "window_id,staff_id,channel,satisfaction,eval_detail,comment,"
	    "user_prop,evaluator,cert_type,cert_no,phone,service_time,"
	    "assess_time,assess_number,guide_clear,process_easy,"
	    "material_lean,ui_friendly,scan_image",
	    "the import's columns, in order");
	strbuf_release(&sb);
	/* pack.c, intake.c and the row hash stop at the first local field */
	for (i = 0; i < F_NFIELDS; i++)
		if (fields[i].local != (i >= F_LOCAL))
			break;
	is_int(i, F_NFIELDS, "the local fields come last, from F_LOCAL");
}

/* The table's columns against the evaluations table of the schema. */
static void
test_schema(void)
{
	const char *dd = getenv("HCP_DATADIR");
	char *schema = xasprintf("%s/schema", dd != NULL ? dd : "share");
	struct db *db = db_new();
	int i, missing = 0, nullness = 0;
	long long v;

	if (!ok(db_open(db, ":memory:", DB_CREATE, schema) == 0,
	    "schema opens")) {
		printf("# %s\n", db_errstr(db));
		goto out;
	}
	for (i = 0; i < F_NFIELDS; i++) {
		const struct field_def *f = &fields[i];
		int opt = f->store == FIELD_STORE_OPT ||
		    f->store == FIELD_STORE_INT_OPT;

		v = -1;
		if (db_query_int(db, "SELECT \"notnull\" FROM "
		    "pragma_table_info('evaluations') WHERE name = ?1",
		    f->column, &v) != 0 || v < 0) {
			printf("# no column %s\n", f->column);
			missing++;
			continue;
		}
		if ((v == 0) != opt) {
			printf("# %s: NOT NULL %lld, table says %s\n",
			    f->column, v, opt ? "optional" : "always");
			nullness++;
		}
	}
	is_int(missing, 0, "every field has its column in evaluations");
	is_int(nullness, 0, "NOT NULL in the schema where the table stores "
	    "a value always");
out:
	db_free(db);
	free(schema);
}

/* hcp-csv(5) lists the fields as the table has them, in its order. */
static void
test_man(void)
{
	const char *src = getenv("HCP_SRC");
	char *path = xasprintf("%s/man/hcp-csv.5", src != NULL ? src : ".");
	FILE *fp = fopen(path, "r");
	char line[512];
	int i = 0, bad = 0;

	if (!ok(fp != NULL, "man/hcp-csv.5 opens")) {
		free(path);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL && i < F_NFIELDS) {
		const struct field_def *f = &fields[i];
		char *want;

		if (strncmp(line, ".It Cm ", 7) != 0 ||
		    strstr(line, " Ta ") == NULL)
			continue;
		want = xasprintf(".It Cm %s Ta %s Ta %s Ta %s\n", f->name,
		    f->iface != NULL ? f->iface : "\\(em", f->zh, f->doc);
		if (strcmp(line, want) != 0) {
			printf("# got  %s# want %s", line, want);
			bad++;
		}
		free(want);
		i++;
	}
	fclose(fp);
	is_int(i, F_NFIELDS, "hcp-csv(5) lists every field");
	is_int(bad, 0, "hcp-csv(5) FIELDS says what the table says");
	free(path);
}

/* ---- the checks ---------------------------------------------------- */

static struct rec_ctx *ctx;
static struct rec_map *map;
static struct rec r;
static struct rec_problems pl = REC_PROBLEMS_INIT;

/*
 * Checks a row of every field (English headers) where field f is value
 * and the others are a good base row; returns the code of the first
 * problem (REC_OK if none).
 */
static enum rec_code
check1(enum field_id f, const char *value)
{
	const char *cells[F_NFIELDS];
	int i;

	for (i = 0; i < F_NFIELDS; i++)
		cells[i] = "";
	cells[F_PROJECT_NO] = "P-1";
	cells[F_ITEM_CODE] = "ITEM-1";
	cells[F_DEPT_CODE] = "11330523002572643X";
	cells[F_AREA_CODE] = "330523";
	cells[F_CHANNEL] = "1";
	cells[F_SATISFACTION] = "5";
	cells[F_ASSESS_TIME] = "2026-11-20";
	cells[f] = value;
	rec_problems_clear(&pl);
	rec_check(ctx, map, F_NFIELDS, cells, NULL, 2, &r, &pl);
	return pl.n > 0 ? pl.v[0].code : REC_OK;
}

/* value of field f is normalised to want without a problem */
#define ACCEPTS(f, value, want)						\
	do {								\
		is_int(check1((f), (value)), REC_OK, #f " " #value);	\
		is_str(r.v[(f)], (want), #f " " #value " normalised");	\
	} while (0)
/* 60 hexadecimal digits: after 4 more, an image's SHA-256 */
#define SHA60 "0123456789abcdef0123456789abcdef0123456789abcdef012345678901"
#define REFUSES(f, value, code)						\
	is_int(check1((f), (value)), (code), #f " " #value " refused")

static void
test_checks(void)
{
	const char *names[F_NFIELDS];
	char serial[IDS_SERIAL_SIZE], bad[IDS_SERIAL_SIZE];
	char longer[2100];
	int i;

	ctx = rec_ctx_new();
	rec_ctx_set_now(ctx, 1795348800);	/* 2026-11-22 12:00 UTC */
	map = rec_map_new();
	for (i = 0; i < F_NFIELDS; i++)
		names[i] = fields[i].name;
	is_int(rec_map_header(map, F_NFIELDS, names, 1, 0, &pl), 0,
	    "a header of every field");
	rec_init(&r);

	ACCEPTS(F_COMMENT, " ok ", "ok");
	memset(longer, 'x', 2001);
	longer[2001] = '\0';
	REFUSES(F_COMMENT, longer, E_TOO_LONG);
	ACCEPTS(F_PROJECT_NO, "'330523", "330523");
	REFUSES(F_PROJECT_NO, "3.30523E+15", E_NUMBER_MANGLED);
	ok(ids_serial_make("330523", 1, 7, serial) == 0, "a serial");
	ACCEPTS(F_SERIAL, serial, serial);
	memcpy(bad, serial, sizeof(bad));
	bad[15] = bad[15] == '9' ? '1' : bad[15] + 1;	/* a last 0 reads as Excel's */
	REFUSES(F_SERIAL, bad, E_SERIAL_CHECK);
	REFUSES(F_SERIAL, "12345", E_SERIAL_FORMAT);
	ACCEPTS(F_ITEM_CODE, "item-1", "ITEM-1");
	REFUSES(F_DEPT_CODE, "1133052300257", E_DEPT_FORMAT);
	REFUSES(F_DEPT_CODE, "91350203M0001QAY9B", W_USCC_CHECK);
	ACCEPTS(F_AREA_CODE, "３３０５２３", "330523");
	REFUSES(F_AREA_CODE, "33052", E_AREA_FORMAT);
	ACCEPTS(F_WINDOW, "A01", "A01");
	ACCEPTS(F_STAFF, "s01", "s01");
	/* an empty channel is the paper one, which must have its serial */
	REFUSES(F_CHANNEL, "", E_SERIAL_MISSING);
	is_str(r.v[F_CHANNEL], "5", "F_CHANNEL \"\" is the paper channel");
	REFUSES(F_CHANNEL, "8", E_CHANNEL);
	ACCEPTS(F_SATISFACTION, "基本满意", "3");
	ACCEPTS(F_SATISFACTION, "４", "4");
	REFUSES(F_SATISFACTION, "6", E_SATISFACTION);
	ACCEPTS(F_EVAL_DETAIL, "501、501；502", "501,502");
	ACCEPTS(F_USER_PROP, "法人", "2");
	REFUSES(F_USER_PROP, "3", E_USER_PROP);
	ACCEPTS(F_CERT_TYPE, "身份证", "111");
	REFUSES(F_CERT_TYPE, "11", E_CERT_TYPE);
	ACCEPTS(F_CERT_NO, "11010519491231002x", "11010519491231002X");
	REFUSES(F_CERT_NO, "110105194912310021", E_CERT_NO);
	REFUSES(F_CERT_NO, "1.10105E+17", E_NUMBER_MANGLED);
	ACCEPTS(F_PHONE, "+86 138-0013-8000", "13800138000");
	REFUSES(F_PHONE, "1234", E_PHONE);
	ACCEPTS(F_SERVICE_TIME, "2026年11月20日 9:30", "2026-11-20 09:30:00");
	REFUSES(F_SERVICE_TIME, "2026-13-01", E_DATE_FORMAT);
	REFUSES(F_ASSESS_TIME, "2026-11-23", E_DATE_FUTURE);
	ACCEPTS(F_ASSESS_NUMBER, "追评", "2");
	ACCEPTS(F_ASSESS_NUMBER, "", "1");
	REFUSES(F_ASSESS_NUMBER, "3", E_ASSESS_NUMBER);
	ACCEPTS(F_SCAN_IMAGE, "9F2C" SHA60 ":3", "9f2c" SHA60 ":3");
	ACCEPTS(F_SCAN_IMAGE, "", "");
	REFUSES(F_SCAN_IMAGE, "scan-0001.png", E_SCAN_IMAGE);
	REFUSES(F_SCAN_IMAGE, "9f2c" SHA60, E_SCAN_IMAGE);
	REFUSES(F_SCAN_IMAGE, "9f2c" SHA60 ":0", E_SCAN_IMAGE);
	REFUSES(F_SCAN_IMAGE, "9f2c" SHA60 ":3a", E_SCAN_IMAGE);
	REFUSES(F_SCAN_IMAGE, "9g2c" SHA60 ":3", E_SCAN_IMAGE);
	ACCEPTS(F_GUIDE_CLEAR, "√", "1");
	ACCEPTS(F_UI_FRIENDLY, "否", "0");
	REFUSES(F_PROCESS_EASY, "X", E_ANSWER);
	/* required values and cross-field rules */
	REFUSES(F_DEPT_CODE, "", E_REQUIRED);
	REFUSES(F_SATISFACTION, "1", E_BAD_REVIEW_REASON);
	REFUSES(F_PROJECT_NO, "", E_NO_KEY);
	REFUSES(F_SERVICE_TIME, "2026-11-01", E_DATE_LATE);

	rec_release(&r);
	rec_map_free(map);
	rec_ctx_free(ctx);
	rec_problems_release(&pl);
}

int
main(void)
{
	test_table();
	test_derived();
	test_schema();
	test_man();
	test_checks();
	return tap_done();
}
