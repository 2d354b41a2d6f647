/*
 * cli.h: what every subcommand file shares. The vigie executable only
 * parses arguments and calls libvigie; each subcommand lives in its own
 * cmd_<name>.c and is registered in the table in main.c.
 *
 * Exit codes (stable, documented in docs/cli.md):
 *   0  success
 *   1  a negative answer: an invalid value, a value not found
 *   2  usage error: unknown command or option, bad option value
 *   3  data or input/output error: unreadable file, corrupt input
 *   4  internal error
 */
#ifndef VIGIE_CLI_H
#define VIGIE_CLI_H

#include "vigie/core.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_NEGATIVE = 1, EXIT_USAGE = 2, EXIT_DATA = 3, EXIT_INTERNAL = 4 };

typedef struct vg_cmd {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
	const char *summary_fr;            /* one line, for `vigie --help` */
	const char *summary_en;
	const char *help_fr; /* full help: usage, options, exit codes */
	const char *help_en;
} vg_cmd;

/* Language for messages to people: --lang, else VIGIE_LANG, else French. */
extern vg_lang cli_lang;

/* Picks the French or English text (a macro, so format strings stay literal
 * and the compiler checks both). */
#define L(fr, en) (cli_lang == VG_LANG_EN ? (en) : (fr))

/* Prints "vigie CMD: message" on stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) VG_PRINTF(2, 3);
/* Prints "vigie CMD: message" on stderr and returns code. */
int cli_fail(const char *cmd, int code, const char *fmt, ...) VG_PRINTF(3, 4);
/* Prints the full help of a command on stdout; returns EXIT_OK. */
int cli_print_help(const vg_cmd *cmd);
/* For getopt's '?' and ':' returns: an unknown option or a missing value. */
int cli_bad_option(const char *cmd, int optopt_c, char **argv, int optind_v);
/* The table entry for a command name, or NULL. */
const vg_cmd *cli_find(const char *name);
/* `vigie gen --access-log` and its alias `vigie watch gen` (cmd_gen.c):
 * argv holds the generator's options only; cmd names the command in
 * messages. Returns an exit code. */
int cli_gen_access_log(const char *cmd, int argc, char **argv);

extern const vg_cmd cmd_normalize;
extern const vg_cmd cmd_gen;
extern const vg_cmd cmd_ingest;
extern const vg_cmd cmd_check;
extern const vg_cmd cmd_report;
extern const vg_cmd cmd_registry;
extern const vg_cmd cmd_demo;
extern const vg_cmd cmd_scan;
extern const vg_cmd cmd_watch;
extern const vg_cmd cmd_password;
extern const vg_cmd cmd_attest;
extern const vg_cmd cmd_serve;
extern const vg_cmd cmd_token;
extern const vg_cmd cmd_audit;
extern const vg_cmd cmd_notify;
extern const vg_cmd cmd_export_ranges;

/* `vigie ingest --passwords ...` (ingest_passwords.c), called by cmd_ingest. */
int cli_ingest_passwords(int argc, char **argv);

/*
 * A clean stop on SIGINT/SIGTERM for long jobs (ingest): the first signal
 * sets cli_stop_flag (and cli_stop_signal to it), which the library polls;
 * a second SIGINT (an impatient Ctrl-C) kills at once. A repeated SIGTERM
 * is the same request (timeout(1) sends it to the process and its group).
 * cli_stop_handlers(true) puts the default dispositions back.
 */
extern volatile sig_atomic_t cli_stop_flag;
extern volatile sig_atomic_t cli_stop_signal;
void cli_stop_handlers(bool dfl);

#endif
