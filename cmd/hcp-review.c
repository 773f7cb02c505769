/* SPDX-License-Identifier: ISC */
/*
 * hcp-review: the follow-up of bad reviews (差评) at the station: list the
 * cases and their deadlines, record return visits, rectifications,
 * explanations, appeals and rulings, print work sheets for the calls.
 * The cases and their SQL live in src/review.c.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvin.h"
#include "fields.h"
#include "i18n.h"
#include "record.h"
#include "render.h"
#include "review.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp-review [-d db] [list] [-a] [--due | --overdue] [-m staff] "
    "[--dept code] [--state state] [--csv | --json]\n"
    "       hcp-review [-d db] [-u operator] show [--unmask -r reason] "
    "case\n"
    "       hcp-review [-d db] [-u operator] [-D date] action case "
    "[outcome] [-s grade] [--by date] text\n"
    "       hcp-review [-d db] [-u operator] apply [--rejects path] file\n"
    "       hcp-review [-d db] [-o file] sheet [--dept code] [-m staff] "
    "[case ...]\n"
    "       hcp-review [-d db] day date holiday|workday name\n";

static void
usage(void)
{
	cli_usage_exit(usage_text, stderr, EXIT_USAGE);
}

enum { FMT_TABLE, FMT_CSV, FMT_JSON };

struct opts {
	const char *db, *oper, *day, *by, *reason, *rejects, *output;
	struct review_filter f;
	int fmt, unmask, quiet, sat;
};

static void
mask(enum field_id f, const char *v, char *out, size_t len)
{
	if (v == NULL || *v == '\0')
		snprintf(out, len, "%s", "");
	else
		rec_mask(f, v, out, len);
}

static const char *
s_(const char *s)
{
	return s != NULL ? s : "";
}

static const char *
record_of(const struct review_case *c, char *buf, size_t len)
{
	if (c->serial != NULL)
		return c->serial;
	snprintf(buf, len, "%s/%d", s_(c->project_no), c->assess_number);
	return buf;
}

static void
json_str(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s_(s);

	strbuf_adds(sb, "\"");
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(sb, "\\%c", *p);
		else if (*p < 0x20)
			strbuf_addf(sb, "\\u%04x", *p);
		else
			strbuf_add(sb, p, 1);
	}
	strbuf_adds(sb, "\"");
}

static const char *const list_cols[] = { "case", "state", "next_due",
	"overdue", "opened", "visit_due", "visited", "rectify_due", "closed",
	"excluded", "dept_code", "window", "staff", "record", "grade",
	"evaluator", "phone", "reeval_grade" };
#define NLISTCOLS (sizeof(list_cols) / sizeof(list_cols[0]))

/* The cells of c as lists show them (personal data masked). */
static void
cells_of(const struct review_case *c, char v[NLISTCOLS][128])
{
	char rec[128];

	snprintf(v[0], 128, "%lld", c->id);
	snprintf(v[1], 128, "%s", c->state);
	snprintf(v[2], 128, "%s", s_(c->next_due));
	snprintf(v[3], 128, "%d", c->overdue);
	snprintf(v[4], 128, "%s", s_(c->opened));
	snprintf(v[5], 128, "%s", s_(c->visit_due));
	snprintf(v[6], 128, "%s", s_(c->visited));
	snprintf(v[7], 128, "%s", s_(c->rectify_due));
	snprintf(v[8], 128, "%s", s_(c->closed));
	snprintf(v[9], 128, "%d", c->excluded);
	snprintf(v[10], 128, "%s", s_(c->dept_code));
	snprintf(v[11], 128, "%s", s_(c->window));
	snprintf(v[12], 128, "%s", s_(c->staff));
	snprintf(v[13], 128, "%s", record_of(c, rec, sizeof(rec)));
	snprintf(v[14], 128, "%d", c->satisfaction);
	mask(F_EVALUATOR, c->evaluator, v[15], 128);
	mask(F_PHONE, c->phone, v[16], 128);
	if (c->reeval_id != 0)
		snprintf(v[17], 128, "%d", c->reeval_satisfaction);
	else
		v[17][0] = '\0';
}

static void
print_list(const struct review_case *v, size_t n, int fmt)
{
	static const char *const heads[] = { N_("case"), N_("state"),
	    N_("due"), N_("department"), N_("staff"), N_("record"),
	    N_("grade"), N_("phone") };
	static const size_t widths[] = { 6, 10, 10, 18, 8, 20, 5 };
	static char cells[NLISTCOLS][128];
	const char *row[7];
	struct strbuf sb = STRBUF_INIT;
	int red;
	int colour = fmt == FMT_TABLE && isatty(STDOUT_FILENO) &&
	    getenv("NO_COLOR") == NULL;
	size_t i, k;

	if (fmt == FMT_CSV) {
		for (k = 0; k < NLISTCOLS; k++)
			strbuf_addf(&sb, "%s%s", k > 0 ? "," : "",
			    list_cols[k]);
		strbuf_adds(&sb, "\r\n");
	} else if (fmt == FMT_JSON)
		strbuf_adds(&sb, "[");
	else {
		for (k = 0; k < 7; k++) {
			strbuf_add_padded(&sb, _(heads[k]), widths[k], 0);
			strbuf_addc(&sb, ' ');
		}
		strbuf_addf(&sb, "%s\n", _(heads[7]));
	}
	for (i = 0; i < n; i++) {
		cells_of(&v[i], cells);
		if (fmt == FMT_CSV) {
			for (k = 0; k < NLISTCOLS; k++) {
				if (k > 0)
					strbuf_adds(&sb, ",");
				csv_append_field(&sb, cells[k],
				    strlen(cells[k]), 1);
			}
			strbuf_adds(&sb, "\r\n");
		} else if (fmt == FMT_JSON) {
			strbuf_adds(&sb, i > 0 ? ",\n{" : "\n{");
			for (k = 0; k < NLISTCOLS; k++) {
				strbuf_addf(&sb, "%s\"%s\":", k > 0 ? "," : "",
				    list_cols[k]);
				json_str(&sb, cells[k]);
			}
			strbuf_adds(&sb, "}");
		} else {
			/* the colour codes outside the padding */
			red = colour && v[i].overdue;
			row[0] = cells[0];
			row[1] = review_state_word(cells[1]);
			row[2] = *cells[2] != '\0' ? cells[2] : "-";
			row[3] = cells[10];
			row[4] = *cells[12] != '\0' ? cells[12] : "-";
			row[5] = cells[13];
			row[6] = cells[14];
			for (k = 0; k < 7; k++) {
				strbuf_adds(&sb, k == 2 && red ? "\033[31m" :
				    "");
				strbuf_add_padded(&sb, row[k], widths[k], 0);
				strbuf_adds(&sb, k == 2 && red ? "\033[0m" : "");
				strbuf_addc(&sb, ' ');
			}
			strbuf_addf(&sb, "%s\n", *cells[16] != '\0' ?
			    cells[16] : "-");
		}
		if (sb.len > 65536) {
			fwrite(sb.buf, 1, sb.len, stdout);
			sb.len = 0;
		}
	}
	if (fmt == FMT_JSON)
		strbuf_adds(&sb, "\n]\n");
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

static void
print_show(struct review *rv, const struct review_case *c,
    const char *phone)
{
	struct review_event *ev;
	char rec[128], m[128];
	size_t n, i;
	char *e;

	printf("%s: %lld\n", _("case"), c->id);
	printf("%s: %s%s\n", _("state"), review_state_word(c->state),
	    c->excluded ? _(" (excluded from the rates)") : "");
	printf("%s: %s\n", _("record"), record_of(c, rec, sizeof(rec)));
	printf("%s: %d\n", _("grade"), c->satisfaction);
	printf("%s: %s %s\n", _("item"), s_(c->item_code), s_(c->item_name));
	printf("%s: %s %s\n", _("department"), s_(c->dept_code),
	    s_(c->dept_name));
	printf("%s: %s\n", _("window"), s_(c->window));
	printf("%s: %s %s\n", _("staff"), s_(c->staff), s_(c->staff_name));
	printf("%s: %s\n", _("assessed"), s_(c->assess_time));
	printf("%s: %s\n", _("detail"), s_(c->eval_detail));
	printf("%s: %s\n", _("comment"), s_(c->comment));
	mask(F_EVALUATOR, c->evaluator, m, sizeof(m));
	printf("%s: %s\n", _("evaluator"), m);
	mask(F_PHONE, c->phone, m, sizeof(m));
	printf("%s: %s\n", _("phone"), phone != NULL ? phone : m);
	printf("%s: %s\n", _("opened"), s_(c->opened));
	printf("%s: %s\n", _("visit due"), s_(c->visit_due));
	printf("%s: %s\n", _("visited"), s_(c->visited));
	printf("%s: %s\n", _("rectify due"), s_(c->rectify_due));
	printf("%s: %s\n", _("closed"), s_(c->closed));
	printf("%s: %s%s\n", _("next due"), s_(c->next_due), c->overdue ?
	    _(" (overdue)") : "");
	if (c->reeval_id != 0)
		printf("%s: %d\n", _("re-evaluation"),
		    c->reeval_satisfaction);
	if (review_events(rv, c->id, &ev, &n, &e) != 0)
		errx(EXIT_USAGE, "%s", e);
	for (i = 0; i < n; i++) {
		printf("%s\t%s\t%s\t%s", ev[i].day, ev[i].action,
		    ev[i].operator, s_(ev[i].outcome));
		if (ev[i].satisfaction > 0)
			printf(" %d", ev[i].satisfaction);
		if (ev[i].due != NULL)
			printf(" %s", ev[i].due);
		printf("\t%s -> %s\t%s\n", review_state_word(ev[i].state_from),
		    review_state_word(ev[i].state_to), ev[i].text);
	}
	review_events_free(ev, n);
}

static int
cmd_list(struct review *rv, struct opts *o, int argc, char **argv)
{
	struct review_case *v;
	size_t n;
	char *e;

	if (argc != 0) {
		warnx(_("list takes no argument (%s): show takes a case"),
		    argv[0]);
		usage();
	}
	if (o->f.due && o->f.overdue) {
		warnx("%s", _("--due and --overdue do not go together"));
		usage();
	}
	if (review_list(rv, &o->f, &v, &n, &e) != 0)
		errx(EXIT_USAGE, "%s", e);
	print_list(v, n, o->fmt);
	review_cases_free(v, n);
	return 0;
}

static int
cmd_show(struct review *rv, struct opts *o, int argc, char **argv)
{
	struct review_case *v;
	char *phone = NULL, *e;
	size_t n;

	if (argc != 1) {
		warnx("%s", _("show takes one case"));
		usage();
	}
	if (o->reason != NULL && !o->unmask) {
		warnx("%s", _("-r (a reason) goes with --unmask"));
		usage();
	}
	if (o->unmask) {
		if (review_unmask(rv, argv[0], cli_operator(o->oper),
		    o->reason, &phone, &e) != 0)
			errx(EXIT_USAGE, "%s", e);
	}
	o->f.key = argv[0];
	o->f.all = 1;
	if (review_list(rv, &o->f, &v, &n, &e) != 0)
		errx(EXIT_USAGE, "%s", e);
	if (n == 1)
		print_show(rv, &v[0], phone);
	review_cases_free(v, n);
	free(phone);
	return 0;
}

static int
cmd_act(struct review *rv, struct opts *o, const char *action, int argc,
    char **argv)
{
	struct review_act a;
	const char *outcomes;
	long long id;
	char to[16], *e;
	int rc, want_outcome;

	outcomes = review_action_outcomes(action);
	want_outcome = *outcomes != '\0';
	if (argc != (want_outcome ? 3 : 2)) {
		if (want_outcome)
			warnx(_("%s takes a case, an outcome (%s) and a text"),
			    action, outcomes);
		else
			warnx(_("%s takes a case and a text"), action);
		usage();
	}
	memset(&a, 0, sizeof(a));
	a.action = action;
	a.key = argv[0];
	a.outcome = want_outcome ? argv[1] : NULL;
	a.text = argv[argc - 1];
	a.operator = cli_operator(o->oper);
	a.day = o->day;
	a.due = o->by;
	a.satisfaction = o->sat;
	if ((rc = review_act(rv, &a, &id, to, &e)) != 0)
		errx(EXIT_USAGE, "%s", e);
	if (!o->quiet)
		printf(_("case %lld: %s\n"), id, review_state_word(to));
	return 0;
}

static int
cmd_apply(struct review *rv, struct opts *o, int argc, char **argv)
{
	struct review_apply_counts c;
	char *rj, *e;

	if (argc != 1) {
		warnx("%s", _("apply takes one file"));
		usage();
	}
	rj = o->rejects != NULL ? xstrdup(o->rejects) :
	    xasprintf("%s.rejects.csv", argv[0]);
	if (review_apply(rv, argv[0], rj, cli_operator(o->oper), &c, &e) != 0)
		errx(EXIT_USAGE, "%s", e);
	if (!o->quiet)
		printf(_("%s: %ld read, %ld applied, %ld rejected\n"),
		    argv[0], c.read, c.applied, c.rejected);
	if (c.rejected > 0)
		warnx(_("%s: rejected rows are in %s"), argv[0], rj);
	free(rj);
	return c.rejected > 0 ? 1 : 0;
}

static int
cmd_sheet(struct review *rv, struct opts *o, int argc, char **argv)
{
	struct render_case_sheet *sh;
	struct review_case *v = NULL, *one;
	size_t n = 0, k, i;
	char (*buf)[6][128];
	char *station, *e;
	FILE *fp;
	int j;

	if (argc == 0) {
		if (review_list(rv, &o->f, &v, &n, &e) != 0)
			errx(EXIT_USAGE, "%s", e);
	}
	for (j = 0; j < argc; j++) {
		o->f.key = argv[j];
		o->f.all = 1;
		if (review_list(rv, &o->f, &one, &k, &e) != 0)
			errx(EXIT_USAGE, "%s", e);
		v = xreallocarray(v, n + k, sizeof(*v));
		memcpy(v + n, one, k * sizeof(*v));
		n += k;
		free(one);
	}
	if (n == 0)
		errx(1, "%s", _("no case to print"));
	station = review_station(rv);
	sh = xcalloc(n, sizeof(*sh));
	buf = xcalloc(n, sizeof(*buf));
	for (i = 0; i < n; i++) {
		snprintf(buf[i][0], 128, "%lld", v[i].id);
		snprintf(buf[i][1], 128, "%s", record_of(&v[i], buf[i][5],
		    128));
		snprintf(buf[i][2], 128, "%d", v[i].satisfaction);
		mask(F_EVALUATOR, v[i].evaluator, buf[i][3], 128);
		mask(F_PHONE, v[i].phone, buf[i][4], 128);
		sh[i].station = station;
		sh[i].case_no = buf[i][0];
		sh[i].state = v[i].state;
		sh[i].record = buf[i][1];
		sh[i].grade = buf[i][2];
		sh[i].assessed = v[i].assess_time;
		sh[i].dept = v[i].dept_name != NULL ? v[i].dept_name :
		    v[i].dept_code;
		sh[i].window = v[i].window;
		sh[i].staff = v[i].staff_name != NULL ? v[i].staff_name :
		    v[i].staff;
		sh[i].item = v[i].item_name != NULL ? v[i].item_name :
		    v[i].item_code;
		sh[i].detail = v[i].eval_detail;
		sh[i].comment = v[i].comment;
		sh[i].evaluator = buf[i][3];
		sh[i].phone = buf[i][4];
		sh[i].visit_due = v[i].visit_due;
		sh[i].rectify_due = v[i].rectify_due;
		sh[i].next_due = v[i].next_due;
	}
	fp = cli_open_output(o->output);
	if (render_case_sheets(sh, n, fp, o->output != NULL ? o->output :
	    "-", &e) != 0) {
		cli_discard_output(fp);
		errx(EXIT_USAGE, "%s", e);
	}
	cli_close_output(fp, o->output);
	free(sh);
	free(buf);
	free(station);
	review_cases_free(v, n);
	return 0;
}

static int
cmd_day(struct review *rv, int argc, char **argv)
{
	char *e;

	if (argc != 3) {
		warnx("%s", _("day takes a date, holiday or workday, and a "
		    "name"));
		usage();
	}
	if (review_day(rv, argv[0], argv[1], argv[2], &e) != 0)
		errx(EXIT_USAGE, "%s", e);
	return 0;
}

static int
grade_arg(const char *s)
{
	if (strlen(s) != 1 || s[0] < '1' || s[0] > '5')
		errx(EXIT_USAGE, _("%s: a grade is 1 to 5"), s);
	return s[0] - '0';
}

/* The options, into o; returns how many arguments they took. */
static int
parse_options(int argc, char *argv[], struct opts *o)
{
	enum { O_DUE = 256, O_OVERDUE, O_DEPT, O_STATE, O_CSV, O_JSON,
		O_UNMASK, O_BY, O_REJECTS };
	static const char shortopts[] = "aD:d:hm:o:qr:s:u:V";
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "operator", required_argument, NULL, 'u' },
		{ "date", required_argument, NULL, 'D' },
		{ "output", required_argument, NULL, 'o' },
		{ "all", no_argument, NULL, 'a' },
		{ "mine", required_argument, NULL, 'm' },
		{ "reason", required_argument, NULL, 'r' },
		{ "satisfaction", required_argument, NULL, 's' },
		{ "due", no_argument, NULL, O_DUE },
		{ "overdue", no_argument, NULL, O_OVERDUE },
		{ "dept", required_argument, NULL, O_DEPT },
		{ "state", required_argument, NULL, O_STATE },
		{ "csv", no_argument, NULL, O_CSV },
		{ "json", no_argument, NULL, O_JSON },
		{ "unmask", no_argument, NULL, O_UNMASK },
		{ "by", required_argument, NULL, O_BY },
		{ "rejects", required_argument, NULL, O_REJECTS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		switch (ch) {
		case 'a':
			o->f.all = 1;
			break;
		case 'D':
			o->day = optarg;
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'h':
			cli_help_exit(usage_text, shortopts, longopts);
		case 'm':
			o->f.staff = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'r':
			o->reason = optarg;
			break;
		case 's':
			o->sat = grade_arg(optarg);
			break;
		case 'u':
			o->oper = optarg;
			break;
		case 'V':
			cli_version();
			exit(0);
		case O_DUE:
			o->f.due = 1;
			break;
		case O_OVERDUE:
			o->f.overdue = 1;
			break;
		case O_DEPT:
			o->f.dept = optarg;
			break;
		case O_STATE:
			if (!review_state_known(optarg)) {
				warnx(_("unknown state \"%s\" (%s)"), optarg,
				    review_state_list());
				usage();
			}
			o->f.state = optarg;
			break;
		case O_CSV:
		case O_JSON:
			if (o->fmt != FMT_TABLE && o->fmt != (ch == O_CSV ?
			    FMT_CSV : FMT_JSON)) {
				warnx("%s", _("--csv and --json do not go "
				    "together"));
				usage();
			}
			o->fmt = ch == O_CSV ? FMT_CSV : FMT_JSON;
			break;
		case O_UNMASK:
			o->unmask = 1;
			break;
		case O_BY:
			o->by = optarg;
			break;
		case O_REJECTS:
			o->rejects = optarg;
			break;
		default:
			usage();
		}
	}
	return optind;
}

int
main(int argc, char *argv[])
{
	struct review *rv;
	struct opts o;
	const char *cmd = "list";
	char *caldir, *e;
	int rc, n;

	cli_init();
	n = parse_options(argc, argv, &o);
	argc -= n;
	argv += n;
	if (argc > 0) {
		cmd = argv[0];
		argc--;
		argv++;
	}
	if (strcmp(cmd, "list") != 0 && strcmp(cmd, "show") != 0 &&
	    strcmp(cmd, "apply") != 0 && strcmp(cmd, "sheet") != 0 &&
	    strcmp(cmd, "day") != 0 && review_action_outcomes(cmd) == NULL) {
		warnx(_("%s: no such command: list, show, apply, sheet, day, "
		    "or an action: %s"), cmd, review_action_list());
		usage();
	}
	caldir = xasprintf("%s/calendar", cli_datadir());
	if ((rv = review_open(cli_db_path(o.db), cli_schemadir(), caldir,
	    &e)) == NULL)
		errx(EXIT_USAGE, "%s", e);
	free(caldir);
	if (review_sync(rv, NULL, &e) != 0)
		errx(EXIT_USAGE, "%s", e);
	if (strcmp(cmd, "list") == 0)
		rc = cmd_list(rv, &o, argc, argv);
	else if (strcmp(cmd, "show") == 0)
		rc = cmd_show(rv, &o, argc, argv);
	else if (strcmp(cmd, "apply") == 0)
		rc = cmd_apply(rv, &o, argc, argv);
	else if (strcmp(cmd, "sheet") == 0)
		rc = cmd_sheet(rv, &o, argc, argv);
	else if (strcmp(cmd, "day") == 0)
		rc = cmd_day(rv, argc, argv);
	else
		rc = cmd_act(rv, &o, cmd, argc, argv);
	review_close(rv);
	return rc;
}
