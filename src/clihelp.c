/* SPDX-License-Identifier: ISC */
/*
 * --help of every tool (see cli.h): the usage, then each option on a
 * line of its own with what it does.  An option means the same in every
 * tool that has it, so one table says it, by long name; the man page
 * stays the reference.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "banned.h"

struct opthelp {
	const char *name;	/* long option */
	const char *arg;	/* its argument's name */
	const char *what;
};

static const struct opthelp table[] = {
	{ "ack", NULL, N_("record the receipts named as arguments") },
	{ "all", NULL, N_("every window of the catalogue") },
	{ "archive", "dir", N_("where loaded batches go") },
	{ "as-of", "day",
	    N_("the day open cases are overdue at (default today)") },
	{ "at", "time", N_("from this time on (default now)") },
	{ "batches", "dir", N_("read the verified batches of dir") },
	{ "boxes", "file", N_("write every box measured to file") },
	{ "by", "groupings", N_("group the figures by these") },
	{ "catalog", "dir", N_("load the catalogue CSV files of dir") },
	{ "chunk", "rows", N_("rows a transaction (tuning)") },
	{ "county", "county.db", N_("read the records of a county's "
	    "receiving db") },
	{ "coding", "coding", N_("satisfaction coding: interface or "
	    "gbt39046") },
	{ "count", "count", N_("issue and print count forms") },
	{ "crops", "dir", N_("write the handwritten areas to dir") },
	{ "csv", NULL, N_("the list as CSV") },
	{ "csv-template", NULL, N_("print the header of the keying CSV") },
	{ "date", "date", N_("the day of the action (default today)") },
	{ "db", "db", N_("the station database ($HCP_DB, else hcp.db)") },
	{ "delimiter", "c", N_("cells split at c: , ; | or tab") },
	{ "dept", "code", N_("only the cases of that department") },
	{ "dpi", "dpi", N_("rasterise PDF pages at dpi (72 to 600)") },
	{ "dry-run", NULL, N_("check only; import nothing") },
	{ "due", NULL, N_("only the cases with a pending deadline") },
	{ "encoding", "enc", N_("utf-8, gb18030, utf-16 or auto "
	    "(default)") },
	{ "english", NULL, N_("English column names") },
	{ "excel", NULL, N_("CSV for Excel: byte order mark, CRLF") },
	{ "flags", NULL, N_("the anomaly flags instead of the figures") },
	{ "format", "format", N_("report as text, csv or json") },
	{ "from", "time", N_("from this day or time on") },
	{ "gaps", NULL, N_("list the batches missing per station") },
	{ "help", NULL, N_("print this help and exit") },
	{ "ignore-unknown", NULL, N_("ignore columns that name no field") },
	{ "issue", "count", N_("issue count serials without printing") },
	{ "jobs", "jobs", N_("work with this many threads") },
	{ "json", NULL, N_("the list as JSON") },
	{ "key", "key", N_("the private key that signs the receipts") },
	{ "keying", "sheet", N_("write the keying sheet (PDF) to sheet") },
	{ "level", "level", N_("QR error correction: L, M, Q or H") },
	{ "list", NULL, N_("list what is recorded") },
	{ "load-services", "file", N_("load a services list and exit") },
	{ "margin", "modules", N_("quiet zone around the code, in "
	    "modules") },
	{ "max-records", "max", N_("at most max records a batch") },
	{ "mine", "staff", N_("only the cases of that staff member") },
	{ "month", "YYYY-MM", N_("this month as the period") },
	{ "name", "name", N_("the station's name") },
	{ "no-sheets", NULL, N_("write neither the keying nor the review "
	    "sheet") },
	{ "operator", "name", N_("who does it ($HCP_OPERATOR)") },
	{ "output", "output", N_("write to this file or directory (- stdout)") },
	{ "overdue", NULL, N_("only the cases whose deadline has passed") },
	{ "pending", NULL, N_("with -l: only batches to send again") },
	{ "pg", "conninfo", N_("the PostgreSQL database") },
	{ "print-pubkey", NULL, N_("print the station's public key") },
	{ "pubkey", "key", N_("the other side's public key file") },
	{ "public", NULL, N_("the public disclosure export") },
	{ "quarter", "YYYY-Qn", N_("this quarter as the period") },
	{ "quiet", NULL, N_("print nothing but errors") },
	{ "reason", "text", N_("why (recorded)") },
	{ "rebuild", "seq", N_("write batch seq again, the same bytes") },
	{ "receipt", "key", N_("sign a receipt with this private key") },
	{ "refusal", NULL, N_("check the receiving side's refusals named "
	    "as arguments") },
	{ "refused", "dir", N_("where refused batches go") },
	{ "region", "code", N_("the station's region code") },
	{ "register", "station", N_("register a station and its key") },
	{ "rejects", "path", N_("write rejected rows to path") },
	{ "rejects-language", "lang", N_("错误说明 in zh, en or auto "
	    "(the header's)") },
	{ "repack", "seq", N_("pack batch seq again from the db as it is") },
	{ "reprint", NULL, N_("print the serials named again") },
	{ "resolve", "review", N_("apply the decisions of a review file") },
	{ "retire", "station", N_("retire a station") },
	{ "review", "review", N_("where the rows to review go") },
	{ "rotate", "station", N_("give a station a new key") },
	{ "satisfaction", "grade", N_("the evaluator's satisfaction, 1 to 5") },
	{ "scanned", NULL, N_("the rows were read by hcp-scan") },
	{ "set", "key=value", N_("set a station setting") },
	{ "sheet", "sheet", N_("the sheet of a workbook: name or number") },
	{ "show", NULL, N_("print the settings and counts") },
	{ "size", "size", N_("size of the code (mm, or pixels a module)") },
	{ "state", "state", N_("only the cases in that state") },
	{ "stations", NULL, N_("list the stations registered, their keys "
	    "and batches") },
	{ "status", NULL, N_("print the state of the serials named") },
	{ "tab", NULL, N_("cells split at tabs") },
	{ "template", "template", N_("form template: id or file") },
	{ "to", "time", N_("up to this day or time") },
	{ "type", "type", N_("pdf, poster, png, svg, utf8 or list") },
	{ "unmask", NULL, N_("show personal data in full (recorded)") },
	{ "unmatched", NULL, N_("services never evaluated and the reverse") },
	{ "verbose", NULL, N_("print every problem") },
	{ "version", NULL, N_("print the version and exit") },
	{ "void", NULL, N_("void the serials named") },
	{ "window", "window", N_("the window (id in the catalogue)") },
	{ "xlsx-template", NULL, N_("write the keying workbook (.xlsx)") },
	{ "year", "YYYY", N_("this year as the period") },
};

/* Where a tool's option of that name does something else. */
static const struct {
	const char *tool;
	struct opthelp h;
} tool_table[] = {
	{ "hcp-review", { "all", NULL, N_("closed and excluded cases "
	    "too") } },
	{ "hcp-review", { "by", "date", N_("the rectification is due by "
	    "date") } },
	{ "hcp-report", { "format", "format", N_("table, csv, json, xlsx or "
	    "pdf") } },
	{ "hcp-report", { "from", "period", N_("from the first day of this "
	    "day, month, quarter or year") } },
	{ "hcp-report", { "to", "period", N_("up to the last day of this "
	    "day, month, quarter or year") } },
	{ "hcp-report", { "pg", "conninfo", N_("read the records of a "
	    "receiving db on PostgreSQL") } },
	{ "hcp-intake", { "db", "db", N_("the receiving database "
	    "($HCP_INTAKE_DB, else intake.db)") } },
	{ "hcp-intake", { "pubkey", "file", N_("the station's public key "
	    "file") } },
};

extern char *program_invocation_short_name;

static const struct opthelp *
lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tool_table) / sizeof(tool_table[0]); i++)
		if (strcmp(tool_table[i].h.name, name) == 0 &&
		    strcmp(tool_table[i].tool,
		    program_invocation_short_name) == 0)
			return &tool_table[i].h;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

void
cli_help_exit(const char *usage, const char *shortopts,
    const struct option *longopts)
{
	const struct option *o;
	char left[64];

	cli_usage_print(usage, stdout);
	printf("\n%s\n", _("options:"));
	for (o = longopts; o->name != NULL; o++) {
		const struct opthelp *h = lookup(o->name);
		const char *arg = h != NULL && h->arg != NULL ? h->arg :
		    "arg";
		int sh = o->val > ' ' && o->val < 127 &&
		    strchr(shortopts, o->val) != NULL;

		if (sh)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->val,
			    o->name, o->has_arg != no_argument ? " " : "",
			    o->has_arg != no_argument ? arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
			    o->has_arg != no_argument ? " " : "",
			    o->has_arg != no_argument ? arg : "");
		printf("  %-28s %s\n", left,
		    h != NULL ? _(h->what) : "");
	}
	exit(0);
}
