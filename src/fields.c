/* SPDX-License-Identifier: ISC */
/*
 * The evaluation record's field table (see fields.h).
 */
#include <string.h>
#include <strings.h>

#include "fields.h"
#include "banned.h"

const struct field_def fields[F_NFIELDS] = {
	{ F_SERIAL, "serial", NULL, "表单编号", 19, 0 },
	{ F_PROJECT_NO, "project_no", "projectNo", "办件编号", 50, 0 },
	{ F_ITEM_CODE, "item_code", "taskCode", "事项编码", 50, 0 },
	{ F_DEPT_CODE, "dept_code", "deptCode", "部门代码", 18, 0 },
	{ F_AREA_CODE, "area_code", "areaCode", "行政区划代码", 12, 0 },
	{ F_WINDOW, "window", NULL, "窗口编号", 20, 0 },
	{ F_STAFF, "staff", "proManager", "工号", 20, 0 },
	{ F_CHANNEL, "channel", "pf", "评价渠道", 1, 0 },
	{ F_SATISFACTION, "satisfaction", "satisfaction", "满意度", 5, 0 },
	{ F_EVAL_DETAIL, "eval_detail", "evalDetail", "评价详情代码", 200, 0 },
	{ F_COMMENT, "comment", "writingEvaluation", "文字评价", 2000, 0 },
	{ F_USER_PROP, "user_prop", "userProp", "用户类型", 1, 0 },
	{ F_EVALUATOR, "evaluator", "userName", "评价人", 30, 1 },
	{ F_CERT_TYPE, "cert_type", "userPageType", "证件类型", 3, 0 },
	{ F_CERT_NO, "cert_no", "certKey", "证件号码", 50, 1 },
	{ F_PHONE, "phone", NULL, "手机号码", 11, 1 },
	{ F_SERVICE_TIME, "service_time", NULL, "办理时间", 19, 0 },
	{ F_ASSESS_TIME, "assess_time", "assessTime", "评价时间", 19, 0 },
	{ F_ASSESS_NUMBER, "assess_number", "assessNumber", "评价次数", 1,
	  0 },
	{ F_GUIDE_CLEAR, "guide_clear", NULL, "指引清晰", 1, 0 },
	{ F_PROCESS_EASY, "process_easy", NULL, "程序便利", 1, 0 },
	{ F_MATERIAL_LEAN, "material_lean", NULL, "材料精简", 1, 0 },
	{ F_UI_FRIENDLY, "ui_friendly", NULL, "界面友好", 1, 0 },
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

int
field_question(const char *question)
{
	size_t i;

	for (i = 0; i < F_NANSWERS; i++)
		if (strcmp(questions[i].question, question) == 0)
			return questions[i].id;
	return -1;
}
