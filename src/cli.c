/* SPDX-License-Identifier: ISC */
/*
 * Shared tool plumbing: locale, messages, version, output checks.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "crypto.h"
#include "dbwait.h"
#include "fileio.h"
#include "i18n.h"
#include "outfile.h"
#include "record.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#ifndef HCP_VERSION
#define HCP_VERSION "0"
#endif
#ifndef HCP_DATADIR
#define HCP_DATADIR "/usr/local/share/hcp"
#endif
#ifndef HCP_LOCALEDIR
#define HCP_LOCALEDIR "/usr/local/share/locale"
#endif

extern char *program_invocation_short_name;

static void
close_stdout(void)
{
	int bad = ferror(stdout);

	if (fclose(stdout) != 0 || bad) {
		/* EPIPE to a closed pager is not worth a message. */
		if (errno != EPIPE)
			warnx("%s", _("write error on standard output"));
		_exit(2);
	}
}

/* A locked db: said once, after a second of waiting. */
static void
db_waiting(const char *path, long timeout_ms)
{
	warnx(_("%s: the database is in use by another program (an hcp "
	    "tool importing, packing or correcting, or sqlite3); waiting up "
	    "to %ld s for it to finish"), path, (timeout_ms + 999) / 1000);
}

void
cli_init(void)
{
	char buf[4096];
	const char *dd = getenv("HCP_DATADIR");
	const char *ld = HCP_LOCALEDIR;

	setlocale(LC_ALL, "");
	if (dd != NULL && *dd != '\0') {
		if (snprintf(buf, sizeof(buf), "%s/locale", dd) <
		    (int)sizeof(buf))
			ld = buf;
	}
	bindtextdomain(HCP_TEXTDOMAIN, ld);
	bind_textdomain_codeset(HCP_TEXTDOMAIN, "UTF-8");
	atexit(close_stdout);
	/* HCP_DB_TIMEOUT: how many seconds to wait for a locked db */
	dd = getenv("HCP_DB_TIMEOUT");
	dbwait_configure(dd != NULL ? strtol(dd, NULL, 10) * 1000 : 0,
	    db_waiting);
}

void
cli_version(void)
{
	printf("%s (hcp) %s\n", program_invocation_short_name, HCP_VERSION);
}

const char *
cli_datadir(void)
{
	const char *dd = getenv("HCP_DATADIR");

	return dd != NULL && *dd != '\0' ? dd : HCP_DATADIR;
}

const char *
cli_schemadir(void)
{
	static char *s;

	if (s == NULL)
		s = xasprintf("%s/schema", cli_datadir());
	return s;
}

const char *
cli_db_path(const char *opt)
{
	const char *e;

	if (opt != NULL)
		return opt;
	e = getenv("HCP_DB");
	return e != NULL && *e != '\0' ? e : "hcp.db";
}

const char *
cli_operator(const char *opt)
{
	const char *e;

	if (opt != NULL)
		return opt;
	if ((e = getenv("HCP_OPERATOR")) != NULL && *e != '\0')
		return e;
	if ((e = getenv("LOGNAME")) != NULL && *e != '\0')
		return e;
	return "";
}

/* The file being written by cli_open_output(). */
static struct outfile *output;

static FILE *
open_output(const char *path, mode_t mode)
{
	char *e = NULL;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	if (output != NULL)
		errx(2, "%s: %s", path, _("one output file at a time"));
	if ((output = outfile_open(path, mode, &e)) == NULL)
		errx(2, "%s", e);
	return outfile_fp(output);
}

FILE *
cli_open_output(const char *path)
{
	return open_output(path, OUTFILE_PRIVATE);
}

FILE *
cli_open_public_output(const char *path)
{
	return open_output(path, OUTFILE_PUBLIC);
}

void
cli_discard_output(FILE *fp)
{
	if (fp == stdout || output == NULL || fp != outfile_fp(output))
		return;
	outfile_abort(output);
	output = NULL;
}

void
cli_fail_output(FILE *fp, const char *msg)
{
	cli_discard_output(fp);
	errx(2, "%s", msg);
}

void
cli_close_output(FILE *fp, const char *path)
{
	struct outfile *of;
	char *e = NULL;

	if (fp == stdout) {
		if (fflush(stdout) != 0 || ferror(stdout))
			err(2, "%s", _("standard output"));
		return;
	}
	if (output == NULL || fp != outfile_fp(output)) {
		if (ferror(fp)) {
			fclose(fp);
			errx(2, "%s: %s", path, _("write error"));
		}
		if (fclose(fp) != 0)
			err(2, "%s", path);
		return;
	}
	if (ferror(fp)) {
		cli_discard_output(fp);
		errx(2, "%s: %s", path, _("write error"));
	}
	of = output;
	output = NULL;
	if (outfile_commit(of, &e) != 0)
		errx(2, "%s", e);
}

int
cli_csv_for_spreadsheet(const char *path, int excel)
{
	size_t n;

	if (excel)
		return 1;
	if (path == NULL || strcmp(path, "-") == 0)
		return 0;
	n = strlen(path);
	return n > 4 && strcasecmp(path + n - 4, ".csv") == 0;
}

/*
 * Letters a tool gave up so that a letter means one thing in every tool
 * (hcp(7), "Options common to all tools"), and the long option each now
 * is.  The old letter still works, with a warning, until the next
 * release; then its line goes.
 */
static const struct {
	const char *tool;
	char old;
	const char *name;
} renamed[] = {
	{ "hcp-form", 'n', "count" },
	{ "hcp-init", 's', "set" },
	{ "hcp-intake", 'a', "archive" },
	{ "hcp-intake", 'k', "key" },
	{ "hcp-intake", 'r', "refused" },
	{ "hcp-pack", 'm', "max-records" },
	{ "hcp-qr", 'l', "level" },
	{ "hcp-qr", 'm', "margin" },
	{ "hcp-qr", 's', "size" },
	{ "hcp-qr", 't', "type" },
	{ "hcp-scan", 'r', "review" },
};

static const struct option *
long_option(const struct option *longopts, const char *name)
{
	const struct option *o;

	for (o = longopts; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* The long option old letter ch now is, in this tool, or NULL. */
static const struct option *
renamed_option(const struct option *longopts, int ch)
{
	size_t i;

	for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		if (renamed[i].old == ch && strcmp(renamed[i].tool,
		    program_invocation_short_name) == 0)
			return long_option(longopts, renamed[i].name);
	return NULL;
}

static void
warn_renamed(const char *shortopts, int ch, const struct option *o)
{
	static char warned[128];

	if (warned[ch & 127])
		return;
	warned[ch & 127] = 1;
	if (o->val > ' ' && o->val < 127 && strchr(shortopts, o->val) != NULL)
		warnx(_("-%c is now -%c (--%s); -%c will be removed in the "
		    "next release"), ch, o->val, o->name, ch);
	else
		warnx(_("-%c is now --%s; -%c will be removed in the next "
		    "release"), ch, o->name, ch);
}

int
cli_getopt(int argc, char *const argv[], const char *shortopts,
    const struct option *longopts)
{
	static char opts[256];
	const struct option *o;
	size_t i, n;
	int ch, li = -1;

	n = (size_t)snprintf(opts, sizeof(opts), "%s", shortopts);
	for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]) &&
	    n + 3 < sizeof(opts); i++) {
		if (strcmp(renamed[i].tool, program_invocation_short_name) !=
		    0 || strchr(shortopts, renamed[i].old) != NULL ||
		    (o = long_option(longopts, renamed[i].name)) == NULL)
			continue;
		opts[n++] = renamed[i].old;
		if (o->has_arg != no_argument)
			opts[n++] = ':';
		if (o->has_arg == optional_argument)
			opts[n++] = ':';
		opts[n] = '\0';
	}
	ch = getopt_long(argc, argv, opts, longopts, &li);
	if (ch == -1 || ch == '?' || ch == ':' || li >= 0 ||
	    strchr(shortopts, ch) != NULL ||
	    (o = renamed_option(longopts, ch)) == NULL)
		return ch;
	warn_renamed(shortopts, ch, o);
	return o->val;
}

void
cli_usage_print(const char *usage, FILE *fp)
{
	/* the word "usage:" in the user's language; the synopsis as is */
	if (strncmp(usage, "usage:", 6) == 0) {
		fputs(_("usage:"), fp);
		usage += 6;
	}
	fputs(usage, fp);
}

void
cli_usage_exit(const char *usage, FILE *fp, int status)
{
	cli_usage_print(usage, fp);
	exit(status);
}

int
cli_progress_wanted(void)
{
	return isatty(STDERR_FILENO);
}

void
cli_input_init(struct cli_input *in)
{
	memset(in, 0, sizeof(*in));
	in->enc = CSVIN_AUTO;
	in->coding = -1;
}

int
cli_input_option(struct cli_input *in, int ch, const char *arg)
{
	enum rec_coding c;

	switch (ch) {
	case 'C':
		if (rec_coding_parse(arg, &c) != 0)
			errx(EXIT_USAGE, _("--coding must be interface or "
			    "gbt39046, not \"%s\""), arg);
		in->coding = (int)c;
		return 1;
	case 'E':
		if (csvin_encoding_parse(arg, &in->enc) != 0)
			errx(EXIT_USAGE, _("unknown encoding \"%s\": use "
			    "utf-8, gb18030, utf-16 or auto"), arg);
		return 1;
	case 'I':
		in->map_flags |= REC_MAP_IGNORE_UNKNOWN;
		return 1;
	case 'S':
		csvin_set_sheet(arg);
		return 1;
	case 'T':
		csvin_set_delimiter('\t');
		return 1;
	case 'D':
		if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
			csvin_set_delimiter('\t');
		else if (strlen(arg) == 1 && strchr(",;|\t", *arg) != NULL)
			csvin_set_delimiter(*arg);
		else
			errx(EXIT_USAGE, _("--delimiter must be one of , ; | "
			    "or tab, not \"%s\""), arg);
		return 1;
	}
	return 0;
}

void
cli_input_apply(const struct cli_input *in, struct rec_ctx *ctx)
{
	if (in->coding >= 0)
		rec_ctx_set_coding(ctx, (enum rec_coding)in->coding);
}

char *
cli_read_key(const char *path)
{
	char *buf;
	size_t len;

	if (fileio_read(path, 64 * 1024, &buf, &len) != 0) {
		if (errno == EFBIG)
			errx(2, _("%s: too large for a key"), path);
		err(2, "%s", path);
	}
	return buf;
}

void
cli_check_keys(const char *pubname, const char *pub, const char *keyname,
    const char *key)
{
	struct sm2_key *k;
	char *e;

	if (pub != NULL && crypto_sm2_public_check(pub, &e) != 0)
		errx(2, _("%s: not a usable SM2 public key: %s"), pubname, e);
	if (key != NULL) {
		if ((k = crypto_sm2_private(key, &e)) == NULL)
			errx(2, _("%s: not a usable SM2 private key: %s"),
			    keyname, e);
		crypto_sm2_key_free(k);
	}
}

void
cli_list_line(const struct cli_col *c, size_t n, const char *const *cells)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, w;

	for (i = 0; i < n; i++) {
		w = str_width(_(c[i].head));
		if (w < c[i].width)
			w = c[i].width;
		strbuf_add_padded(&sb, cells != NULL ? cells[i] :
		    _(c[i].head), i + 1 < n ? w : 0, c[i].right);
		if (i + 1 < n)
			strbuf_adds(&sb, "  ");
	}
	while (sb.len > 0 && sb.buf[sb.len - 1] == ' ')
		sb.buf[--sb.len] = '\0';
	strbuf_addc(&sb, '\n');
	fputs(strbuf_str(&sb), stdout);
	strbuf_release(&sb);
}
