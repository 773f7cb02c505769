/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the record normaliser and validator (src/record.c),
 * without a db: header mapping in three languages, full-width and blank
 * normalisation, date forms, satisfaction words and codings, the
 * bad-review rule, the serial checks, masking, the row hash, and the
 * duplicate keys of one input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "record.h"
#include "tap.h"
#include "banned.h"

static const char *const hdr[] = {
	"表单编号", "projectNo", "item_code", "deptCode", "行政区划代码",
	"满意度", "评价详情代码", "文字评价", "phone", "service_time",
	"assessTime", "src_file"
};
#define NH (sizeof(hdr) / sizeof(hdr[0]))

static struct rec_ctx *ctx;
static struct rec_map *map;
static struct rec r;
static struct rec_problems pl = REC_PROBLEMS_INIT;

/* Checks one row given as 11 cells; returns the errors. */
static int
row(const char *serial, const char *sat, const char *detail,
    const char *comment, const char *phone, const char *svc,
    const char *ass)
{
	const char *cells[NH] = { serial, "P-1", "ITEM-1",
		"11330523002572643X", "330523", sat, detail, comment, phone,
		svc, ass, "x.csv" };
	size_t lens[NH], i;
	int rc, rc2;

	for (i = 0; i < NH; i++)
		lens[i] = strlen(cells[i]);
	/* the same answer with the lengths given and without */
	rec_problems_clear(&pl);
	rc2 = rec_check(ctx, map, NH, cells, NULL, 2, &r, &pl);
	rec_problems_clear(&pl);
	rc = rec_check(ctx, map, NH, cells, lens, 2, &r, &pl);
	if (rc != rc2)
		ok(0, "rec_check: as many errors with the lengths as without");
	return rc;
}

static int
has(enum rec_code c)
{
	size_t i;

	for (i = 0; i < pl.n; i++)
		if (pl.v[i].code == c)
			return 1;
	return 0;
}

int
main(void)
{
	char buf[64], hash1[REC_HASH_LEN + 1];
	struct rec_seen *seen;
	size_t n, i;
	const struct rec_code_def *t = rec_code_table(&n);

	/* the table is indexed by code, and names are unique */
	for (i = 0; i < n; i++)
		if (t[i].code != (enum rec_code)i)
			break;
	is_int(i, n, "code table indexed by code");
	is_int(rec_code_lookup("E_SERIAL_CHECK"), E_SERIAL_CHECK,
	    "lookup by name");

	ctx = rec_ctx_new();
	rec_ctx_set_now(ctx, 1795348800);	/* 2026-11-22 12:00 UTC */
	map = rec_map_new();
	rec_map_ignore(map, "src_file");
	rec_init(&r);
	is_int(rec_map_header(map, NH, hdr, 1, 0, &pl), 0,
	    "Chinese, interface and English headers map");
	is_int(rec_map_column(map, F_ASSESS_TIME), 10, "assessTime column");
	is_int(rec_map_field(map, 11), -1, "src_file ignored");
	{
		const char *bad[] = { "满意度", "评价时间", "事项编码",
			"what" };

		is_int(rec_map_header(map, 4, bad, 1, 0, &pl), -1,
		    "an unknown column is an error");
		ok(pl.n == 1 && pl.v[0].code == E_HEADER_UNKNOWN &&
		    strcmp(pl.v[0].column, "what") == 0, "named");
		rec_problems_clear(&pl);
		is_int(rec_map_header(map, 4, bad, 1, REC_MAP_IGNORE_UNKNOWN,
		    &pl), 0, "unless ignored");
		rec_problems_clear(&pl);
	}
	rec_map_header(map, NH, hdr, 1, 0, &pl);

	is_int(row("3305230100000011", "5", "", "", "", "", "2026-11-20"),
	    0, "a plain row is valid (no catalogue)");
	is_str(r.v[F_ASSESS_TIME], "2026-11-20", "a date alone stays a date");
	snprintf(hash1, sizeof(hash1), "%s", r.hash);
	is_int(strlen(hash1), REC_HASH_LEN, "hash length");

	is_int(row(" ３３０５２３-０１-0000001-1 ", " 非常满意 ", "", "",
	    "+86 138 1234 5678", "", "2026年11月20日"), 0,
	    "full width, blanks, grouped serial, words, +86");
	is_str(r.v[F_SERIAL], "3305230100000011", "serial normalised");
	is_str(r.v[F_SATISFACTION], "5", "非常满意 is 5");
	is_str(r.v[F_PHONE], "13812345678", "phone normalised");
	is_str(r.v[F_ASSESS_TIME], "2026-11-20", "年月日");
	is_int(row("33052301000000１１", "5", "", "", "+86 138 1234 ５６７８",
	    "", "2026-11-20　"), 0, "full width after eight ASCII bytes");
	is_str(r.v[F_SERIAL], "3305230100000011", "serial: tail folded");
	is_str(r.v[F_PHONE], "13812345678", "phone: tail folded");

	row("3305230100000011", "5", "", "", "", "", "2026/11/20");
	is_str(r.hash, hash1, "same content, same hash");
	row("3305230100000011", "4", "", "", "", "", "2026/11/20");
	ok(strcmp(r.hash, hash1) != 0, "other content, other hash");

	row("3305230100000011", "5", "", "", "", "2026.11.20 9:05",
	    "2026-11-20T10:00:30");
	is_str(r.v[F_SERVICE_TIME], "2026-11-20 09:05:00", "dotted date");
	is_str(r.v[F_ASSESS_TIME], "2026-11-20 10:00:30", "T and seconds");

	rec_ctx_set_coding(ctx, REC_CODING_GBT39046);
	row("3305230100000011", "1", "", "", "", "", "2026-11-20");
	is_str(r.v[F_SATISFACTION], "5", "GB/T 39046 1 is 5");
	row("3305230100000011", "满意", "", "", "", "", "2026-11-20");
	is_str(r.v[F_SATISFACTION], "4", "words do not flip");
	rec_ctx_set_coding(ctx, REC_CODING_INTERFACE);

	ok(row("3305230100000011", "2", "", "", "", "", "2026-11-20") == 1 &&
	    has(E_BAD_REVIEW_REASON), "bad review without a reason");
	is_int(row("3305230100000011", "差", "", "很慢", "", "",
	    "2026-11-20"), 0, "bad review with a comment");
	is_int(row("3305230100000011", "1", "101、102，101", "", "", "",
	    "2026-11-20"), 0, "bad review with codes");
	is_str(r.v[F_EVAL_DETAIL], "101,102", "codes split, repeats dropped");

	ok(row("3305230100000012", "5", "", "", "", "", "2026-11-20") &&
	    has(E_SERIAL_CHECK), "mistyped serial");
	ok(row("3305230100000101", "5", "", "", "", "", "2026-11-20") &&
	    has(E_SERIAL_CHECK), "adjacent transposition");
	ok(row("3.30523E+15", "5", "", "", "", "", "2026-11-20") &&
	    has(E_NUMBER_MANGLED), "scientific notation");
	ok(row("", "5", "", "", "", "", "2026-11-20") &&
	    has(E_SERIAL_MISSING), "paper needs a serial");
	ok(row("3305230100000011", "0", "", "", "", "", "2026-11-20") &&
	    has(E_SATISFACTION), "grade 0");
	ok(row("3305230100000011", "5", "", "", "23812345678", "",
	    "2026-11-20") && has(E_PHONE), "phone not starting with 1");
	ok(row("3305230100000011", "5", "", "", "", "", "2026-02-29") &&
	    has(E_DATE_FORMAT), "no 29 February in 2026");
	ok(row("3305230100000011", "5", "", "", "", "", "2026-11-23") &&
	    has(E_DATE_FUTURE), "tomorrow");
	is_int(row("3305230100000011", "5", "", "", "", "", "2026-11-22"),
	    0, "today, date only, is not the future");
	ok(row("3305230100000011", "5", "", "", "", "2026-11-20 10:00",
	    "2026-11-20 09:59") && has(E_DATE_ORDER), "before the service");
	ok(row("3305230100000011", "5", "", "", "", "2026-11-01",
	    "2026-11-09") && has(E_DATE_LATE), "after 7 days");
	is_int(row("3305230100000011", "5", "", "", "", "2026-11-01",
	    "2026-11-08"), 0, "7 days is within the window");
	is_int(row("3305230100000011", "5", "", "", "", "2026-11-20 10:00",
	    "2026-11-20"), 0, "date-only evaluation the same day");
	{
		const char *cells[NH + 1] = { "3305230100000011", "", "ITEM-1",
			"11330523002572643X", "330523", "5", "", "'=1+1", "",
			"", "2026-11-20", "x", "extra" };

		rec_problems_clear(&pl);
		ok(rec_check(ctx, map, NH + 1, cells, NULL, 2, &r, &pl) == 1 &&
		    has(E_EXTRA_CELLS), "a cell beyond the header");
		is_str(r.v[F_COMMENT], "=1+1", "apostrophe before = undone");
	}

	/* duplicates inside one input */
	seen = rec_seen_new();
	row("3305230100000011", "5", "", "", "", "", "2026-11-20");
	is_int(rec_check_keys(ctx, &r, seen, &pl), REC_ACCEPT, "first");
	row("3305230100000011", "5", "", "", "", "", "2026-11-20");
	is_int(rec_check_keys(ctx, &r, seen, &pl), REC_DUP, "same again");
	row("3305230100000011", "4", "", "", "", "", "2026-11-20");
	ok(rec_check_keys(ctx, &r, seen, &pl) == REC_REJECT &&
	    has(E_SERIAL_USED), "same serial, other content");
	rec_seen_free(seen);

	rec_mask(F_PHONE, "13812345678", buf, sizeof(buf));
	is_str(buf, "138****5678", "phone masked");
	rec_mask(F_CERT_NO, "11010519491231002X", buf, sizeof(buf));
	is_str(buf, "110***********002X", "ID number masked");
	rec_mask(F_EVALUATOR, "李娜娜", buf, sizeof(buf));
	is_str(buf, "李**", "name masked");

	rec_problems_release(&pl);
	rec_release(&r);
	rec_map_free(map);
	rec_ctx_free(ctx);
	return tap_done();
}
