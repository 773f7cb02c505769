/* SPDX-License-Identifier: ISC */
/*
 * The evaluation record's field table (see fields.h).
 */
#include <string.h>
#include <strings.h>

#include "fields.h"
#include "banned.h"

/*
 * One entry a field, in the order of enum field_id (which is also the
 * order of the row hash and of the keying template).  What is derived from
 * it: the header map and its required columns (record.c), the validator's
 * per-field normalisation and check and the required values (record.c),
 * masking (rec_mask()), the import's columns (importer.c), the batch's
 * columns (pack.c), the keying template (hcp-form --csv-template) and the
 * field list of hcp-csv(5), which tests/unit/fields.c holds against it.
 */
const struct field_def fields[F_NFIELDS] = {
	{
		.id = F_SERIAL, .name = "serial", .iface = NULL,
		.zh = "表单编号",
		.maxlen = 19, .personal = 0, .column = "serial",
		.norm = FIELD_FOLD, .check = FIELD_SERIAL, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "form serial, 16 digits",
	},
	{
		.id = F_PROJECT_NO, .name = "project_no", .iface = "projectNo",
		.zh = "办件编号",
		.maxlen = 50, .personal = 0, .column = "project_no",
		.norm = FIELD_FOLD, .check = FIELD_NUMBER, .limit = 1,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "up to 50",
	},
	{
		.id = F_ITEM_CODE, .name = "item_code", .iface = "taskCode",
		.zh = "事项编码",
		.maxlen = 50, .personal = 0, .column = "item_code",
		.required = FIELD_REQ_COLUMN | FIELD_REQ_VALUE,
		.norm = FIELD_FOLD, .check = FIELD_ITEM, .limit = 1,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_TEXT,
		.doc = "catalogue",
	},
	{
		.id = F_DEPT_CODE, .name = "dept_code", .iface = "deptCode",
		.zh = "部门代码",
		.maxlen = 18, .personal = 0, .column = "dept_code",
		.required = FIELD_REQ_VALUE,
		.norm = FIELD_FOLD, .check = FIELD_DEPT, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_TEXT,
		.doc = "catalogue",
	},
	{
		.id = F_AREA_CODE, .name = "area_code", .iface = "areaCode",
		.zh = "行政区划代码",
		.maxlen = 12, .personal = 0, .column = "area_code",
		.required = FIELD_REQ_VALUE,
		.norm = FIELD_FOLD, .check = FIELD_AREA, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_TEXT,
		.doc = "catalogue",
	},
	{
		.id = F_WINDOW, .name = "window", .iface = NULL,
		.zh = "窗口编号",
		.maxlen = 20, .personal = 0, .column = "window_id",
		.norm = FIELD_FOLD, .check = FIELD_WINDOW, .limit = 1,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "catalogue",
	},
	{
		.id = F_STAFF, .name = "staff", .iface = "proManager",
		.zh = "工号",
		.maxlen = 20, .personal = 0, .column = "staff_id",
		.norm = FIELD_FOLD, .check = FIELD_STAFF, .limit = 1,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "catalogue",
	},
	{
		.id = F_CHANNEL, .name = "channel", .iface = "pf",
		.zh = "评价渠道",
		.maxlen = 1, .personal = 0, .column = "channel",
		.norm = FIELD_FOLD, .check = FIELD_CHANNEL, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_INT,
		.doc = "1\\(en7",
	},
	{
		.id = F_SATISFACTION, .name = "satisfaction", .iface = "satisfaction",
		.zh = "满意度",
		.maxlen = 5, .personal = 0, .column = "satisfaction",
		.required = FIELD_REQ_COLUMN | FIELD_REQ_VALUE,
		.norm = FIELD_RAW, .check = FIELD_SATISFACTION, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_INT,
		.doc = "1\\(en5 or a word",
	},
	{
		.id = F_EVAL_DETAIL, .name = "eval_detail", .iface = "evalDetail",
		.zh = "评价详情代码",
		.maxlen = 200, .personal = 0, .column = "eval_detail",
		.norm = FIELD_FOLD, .check = FIELD_DETAIL, .limit = 1,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "dictionary codes",
	},
	{
		.id = F_COMMENT, .name = "comment", .iface = "writingEvaluation",
		.zh = "文字评价",
		.maxlen = 2000, .personal = 0, .column = "comment",
		.norm = FIELD_RAW, .check = FIELD_TEXT, .limit = 1,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "up to 2000",
	},
	{
		.id = F_USER_PROP, .name = "user_prop", .iface = "userProp",
		.zh = "用户类型",
		.maxlen = 1, .personal = 0, .column = "user_prop",
		.norm = FIELD_FOLD, .check = FIELD_USER_PROP, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_INT_OPT,
		.doc = "1 or 2",
	},
	{
		.id = F_EVALUATOR, .name = "evaluator", .iface = "userName",
		.zh = "评价人",
		.maxlen = 30, .personal = 1, .column = "evaluator",
		.norm = FIELD_RAW, .check = FIELD_TEXT, .limit = 1,
		.mask = FIELD_MASK_NAME, .store = FIELD_STORE_OPT,
		.doc = "up to 30",
	},
	{
		.id = F_CERT_TYPE, .name = "cert_type", .iface = "userPageType",
		.zh = "证件类型",
		.maxlen = 3, .personal = 0, .column = "cert_type",
		.norm = FIELD_FOLD, .check = FIELD_CERT_TYPE, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "3 digits",
	},
	{
		.id = F_CERT_NO, .name = "cert_no", .iface = "certKey",
		.zh = "证件号码",
		.maxlen = 50, .personal = 1, .column = "cert_no",
		.norm = FIELD_FOLD, .check = FIELD_CERT_NO, .limit = 0,
		.mask = FIELD_MASK_NUMBER, .store = FIELD_STORE_OPT,
		.doc = "up to 50",
	},
	{
		.id = F_PHONE, .name = "phone", .iface = NULL,
		.zh = "手机号码",
		.maxlen = 11, .personal = 1, .column = "phone",
		.norm = FIELD_FOLD, .check = FIELD_PHONE, .limit = 0,
		.mask = FIELD_MASK_NUMBER, .store = FIELD_STORE_OPT,
		.doc = "11 digits",
	},
	{
		.id = F_SERVICE_TIME, .name = "service_time", .iface = NULL,
		.zh = "办理时间",
		.maxlen = 19, .personal = 0, .column = "service_time",
		.norm = FIELD_FOLD, .check = FIELD_TIME, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "date and time",
	},
	{
		.id = F_ASSESS_TIME, .name = "assess_time", .iface = "assessTime",
		.zh = "评价时间",
		.maxlen = 19, .personal = 0, .column = "assess_time",
		.required = FIELD_REQ_COLUMN | FIELD_REQ_VALUE,
		.norm = FIELD_FOLD, .check = FIELD_TIME, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_TEXT,
		.doc = "date and time",
	},
	{
		.id = F_ASSESS_NUMBER, .name = "assess_number", .iface = "assessNumber",
		.zh = "评价次数",
		.maxlen = 1, .personal = 0, .column = "assess_number",
		.norm = FIELD_FOLD, .check = FIELD_ASSESS_NUMBER, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_INT,
		.doc = "1 or 2",
	},
	{
		.id = F_GUIDE_CLEAR, .name = "guide_clear", .iface = NULL,
		.zh = "指引清晰",
		.maxlen = 1, .personal = 0, .column = "guide_clear",
		.norm = FIELD_FOLD, .check = FIELD_ANSWER, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "是 or 否",
	},
	{
		.id = F_PROCESS_EASY, .name = "process_easy", .iface = NULL,
		.zh = "程序便利",
		.maxlen = 1, .personal = 0, .column = "process_easy",
		.norm = FIELD_FOLD, .check = FIELD_ANSWER, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "是 or 否",
	},
	{
		.id = F_MATERIAL_LEAN, .name = "material_lean", .iface = NULL,
		.zh = "材料精简",
		.maxlen = 1, .personal = 0, .column = "material_lean",
		.norm = FIELD_FOLD, .check = FIELD_ANSWER, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "是 or 否",
	},
	{
		.id = F_UI_FRIENDLY, .name = "ui_friendly", .iface = NULL,
		.zh = "界面友好",
		.maxlen = 1, .personal = 0, .column = "ui_friendly",
		.norm = FIELD_FOLD, .check = FIELD_ANSWER, .limit = 0,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.doc = "是 or 否",
	},
	{
		.id = F_SCAN_IMAGE, .name = "scan_image", .iface = NULL,
		.zh = "扫描件",
		.maxlen = 80, .personal = 0, .column = "scan_image",
		.norm = FIELD_FOLD, .check = FIELD_SCAN_IMAGE, .limit = 1,
		.mask = FIELD_MASK_NONE, .store = FIELD_STORE_OPT,
		.local = 1,
		.doc = "written by hcp-scan",
	},
};

/* The questions of the answer fields as the policy words them. */
static const struct {
	enum field_id id;
	const char *question;
} questions[F_NANSWERS] = {
	{ F_GUIDE_CLEAR, "服务指引是否清晰" },
	{ F_PROCESS_EASY, "办事程序是否便利" },
	{ F_MATERIAL_LEAN, "材料手续是否精简" },
	{ F_UI_FRIENDLY, "操作界面是否友好" },
};

int
field_lookup(const char *header)
{
	size_t n;
	int i;

	while (*header == ' ' || *header == '\t')
		header++;
	n = strlen(header);
	while (n > 0 && (header[n - 1] == ' ' || header[n - 1] == '\t'))
		n--;
	for (i = 0; i < F_NFIELDS; i++) {
		const struct field_def *f = &fields[i];

		if ((strlen(f->name) == n &&
		    strncasecmp(f->name, header, n) == 0) ||
		    (f->iface != NULL && strlen(f->iface) == n &&
		    strncasecmp(f->iface, header, n) == 0) ||
		    (strlen(f->zh) == n && memcmp(f->zh, header, n) == 0))
			return i;
	}
	return -1;
}

int
field_is_answer(int f)
{
	return f >= F_ANSWERS && f < F_ANSWERS + F_NANSWERS;
}

const char *
field_column(enum field_id f)
{
	return fields[f].column;
}

int
field_question(const char *question)
{
	size_t i;

	for (i = 0; i < F_NANSWERS; i++)
		if (strcmp(questions[i].question, question) == 0)
			return questions[i].id;
	return -1;
}
