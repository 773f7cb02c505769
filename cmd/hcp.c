/* SPDX-License-Identifier: ISC */
/*
 * hcp: the dispatcher.  "hcp NAME ARGS..." runs hcp-NAME ARGS..., found
 * first beside this program, then on PATH; "hcp" alone (or "hcp help")
 * lists the tools, "hcp help NAME" runs "hcp-NAME --help".
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
    "usage: hcp [-hV] command [argument ...]\n"
    "       hcp help [command]\n";

static const struct {
	const char *name;
	const char *doc;
} tools[] = {
	{ "init", N_("create a station db, load the catalogue, make keys") },
	{ "qr", N_("window QR codes as PDF, PNG, SVG or terminal art") },
	{ "form", N_("numbered paper forms and the serial ledger") },
	{ "scan", N_("read scanned paper forms into the import CSV") },
	{ "check", N_("validate keyed CSV files without importing") },
	{ "import", N_("validate and import keyed CSV files") },
	{ "compare", N_("compare two keyings of the same forms") },
	{ "amend", N_("correct a keying error, with an audit trail") },
	{ "review", N_("follow up bad reviews, with deadlines") },
	{ "pack", N_("pack imported records into signed batches") },
	{ "verify", N_("verify batches as the receiving side does") },
	{ "report", N_("good and bad rates, follow-up figures, public "
	    "export") },
	{ "intake", N_("receive batches into a county or province db") },
};

static void
list(FILE *fp)
{
	size_t i;

	cli_usage_print(usage_text, fp);
	fprintf(fp, "\n%s\n", _("commands:"));
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		fprintf(fp, "  %-8s %s\n", tools[i].name, _(tools[i].doc));
	fprintf(fp, "\n%s\n", _("\"hcp help command\" describes one; "
	    "see also hcp(7)."));
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char self[PATH_MAX], *slash, *name, *path;
	ssize_t n;
	int ch;

	cli_init();
	while ((ch = cli_getopt(argc, argv, "+hV", longopts)) != -1) {
		switch (ch) {
		case 'h':
			list(stdout);
			return 0;
		case 'V':
			cli_version();
			return 0;
		default:
			cli_usage_print(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc || (strcmp(argv[optind], "help") == 0 &&
	    optind + 1 == argc)) {
		list(stdout);
		return 0;
	}
	if (strcmp(argv[optind], "help") == 0) {
		if (optind + 2 != argc) {
			cli_usage_print(usage_text, stderr);
			return EXIT_USAGE;
		}
		argv[optind] = argv[optind + 1];
		argv[optind + 1] = (char *)"--help";
	}
	if (strchr(argv[optind], '/') != NULL)
		errx(EXIT_USAGE, _("no such command: %s"), argv[optind]);
	name = xasprintf("hcp-%s", argv[optind]);
	argv[optind] = name;
	fflush(stdout);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			path = xasprintf("%s/%s", self, name);
			execv(path, argv + optind);
			free(path);
		}
	}
	execvp(name, argv + optind);
	if (errno == ENOENT)
		errx(EXIT_USAGE, _("no such command: %s (try \"hcp\" for the "
		    "list)"), name + 4);
	err(2, "%s", name);
}
