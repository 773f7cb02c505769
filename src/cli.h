/* SPDX-License-Identifier: ISC */
/*
 * What every tool shares: locale and message set-up, the version banner,
 * the default paths, and the check that standard output really reached
 * its file (a full disk must not exit 0).  Tools print their own errors
 * with err(3) and friends; the program name comes from the C library.
 */
#ifndef HCP_CLI_H
#define HCP_CLI_H

#include <stdio.h>

#include "csvin.h"

/* Exit statuses (DESIGN §11).  Predicates use 0 yes, 1 no, 2 error. */
#define EXIT_USAGE 2

/*
 * Sets the locale from the environment, binds the message catalogue
 * ($HCP_DATADIR/locale or the installed one) and arranges for standard
 * output to be checked at exit.
 */
void cli_init(void);

/* Prints "NAME (hcp) VERSION" to stdout. */
void cli_version(void);

/* The data directory: $HCP_DATADIR, else the installed share/hcp. */
const char *cli_datadir(void);

/* The schema migrations: cli_datadir()/schema. */
const char *cli_schemadir(void);

/* The db path: opt if given, else $HCP_DB, else "hcp.db". */
const char *cli_db_path(const char *opt);

/* The operator name: opt, else $HCP_OPERATOR, else $LOGNAME, else "". */
const char *cli_operator(const char *opt);

/*
 * Opens the -o argument for writing: "-" or NULL is stdout.  A file is
 * written under a temporary name and renamed into place when closed
 * (outfile.h), mode 0600: reports and lists can hold personal data.
 * Dies with a message naming the file on failure.  One file at a time.
 */
FILE *cli_open_output(const char *path);
/* The same for output without personal data (forms, QR codes): 0666
 * less the umask. */
FILE *cli_open_public_output(const char *path);

/*
 * Closes a stream from cli_open_output, checking for write errors, and
 * puts the file in place; dies naming the file (exit 2) if the data did
 * not all reach it.
 */
void cli_close_output(FILE *fp, const char *path);
/* Abandons a stream from cli_open_output: the file named is not touched. */
void cli_discard_output(FILE *fp);
/*
 * Abandons it after a failed write (a render, say) and dies with msg,
 * exit 2: the tools' one way out of a half-written -o file.
 */
void cli_fail_output(FILE *fp, const char *msg) __attribute__((noreturn));

/*
 * Reads a small text file named on the command line (a key), at most
 * 64 KiB; exits 2 naming it on failure.  The caller frees it.
 */
char *cli_read_key(const char *path);
/*
 * Refuses, exit 2 naming the file, a public key (pub, from pubname) or a
 * private key (key, from keyname) that is not a usable SM2 key; a NULL
 * key is not checked.
 */
void cli_check_keys(const char *pubname, const char *pub,
    const char *keyname, const char *key);

/*
 * Whether CSV output goes to a spreadsheet, and so gets a UTF-8 byte
 * order mark and CRLF line ends: excel (the tool's --excel) is set, or
 * path names a file ending in .csv.  Standard output, a pipe or any other
 * file get plain UTF-8 and LF, which cut, awk and csv modules read.
 */
int cli_csv_for_spreadsheet(const char *path, int excel);

/*
 * --help: prints usage, then each option of longopts on a line with what
 * it does (its short letter when shortopts has it), and exits 0.
 */
struct option;
void cli_help_exit(const char *usage, const char *shortopts,
    const struct option *longopts) __attribute__((noreturn));

/*
 * A column of a list printed under a header: its heading (N_(), shown
 * translated), its width in display columns at least (the heading's if
 * wider; the last column has any width), right-aligned or not.
 */
struct cli_col {
	const char *head;
	size_t width;
	int right;
};
/*
 * Prints a line of the n columns of c to stdout: the cells, or the
 * headings when cells is NULL; two blanks between columns, none at the
 * end of the line.
 */
void cli_list_line(const struct cli_col *c, size_t n,
    const char *const *cells);

/* Prints the usage text to fp, its "usage:" in the user's language. */
void cli_usage_print(const char *usage, FILE *fp);
/*
 * getopt_long(3) for every tool, with the letters a tool renamed (the
 * table in cli.c): an old letter still works for one release, as the
 * option that took its place, and says so once ("-m is now -M
 * (--max-records); -m will be removed in the next release").  shortopts
 * lists only the current letters.
 */
int cli_getopt(int argc, char *const argv[], const char *shortopts,
    const struct option *longopts);

/* Prints the usage text to fp and exits with status. */
void cli_usage_exit(const char *usage, FILE *fp, int status)
	__attribute__((noreturn));

/* True when stderr is a terminal, so progress lines are wanted. */
int cli_progress_wanted(void);

/*
 * The options of every tool that reads keyed CSV (hcp-check, hcp-import,
 * hcp-compare): --coding, --encoding, --ignore-unknown, --sheet, --tab and
 * --delimiter (csvin_set_sheet(), csvin_set_delimiter()), handled in one
 * place so they mean the same everywhere.  Put CLI_INPUT_LONGOPTS in the
 * getopt_long table, offer every option character to cli_input_option()
 * before the tool's own, and call cli_input_apply() once the station's
 * settings are loaded into the record context.
 */
struct rec_ctx;
struct cli_input {
	enum csvin_encoding enc;	/* --encoding, auto by default */
	unsigned map_flags;		/* REC_MAP_IGNORE_UNKNOWN */
	int coding;			/* enum rec_coding, or -1: the station's */
};

#define CLI_INPUT_LONGOPTS \
	{ "coding", required_argument, NULL, 'C' }, \
	{ "encoding", required_argument, NULL, 'E' }, \
	{ "ignore-unknown", no_argument, NULL, 'I' }, \
	{ "sheet", required_argument, NULL, 'S' }, \
	{ "tab", no_argument, NULL, 'T' }, \
	{ "delimiter", required_argument, NULL, 'D' }

void cli_input_init(struct cli_input *in);
/*
 * Takes option ch (with its argument) if it is one of CLI_INPUT_LONGOPTS:
 * returns 1; a bad value exits with a usage error.  Returns 0 for any
 * other option.
 */
int cli_input_option(struct cli_input *in, int ch, const char *arg);
/* Applies --coding, if given, over the station's default. */
void cli_input_apply(const struct cli_input *in, struct rec_ctx *ctx);

#endif
