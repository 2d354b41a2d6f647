/*
 * cli.c: error printing and help shared by the subcommands.
 */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

vg_lang cli_lang = VG_LANG_FR;

VG_PRINTF(2, 0) static void vmsg(const char *cmd, const char *fmt, va_list ap)
{
	if (cmd)
		fprintf(stderr, "vigie %s: ", cmd);
	else
		fputs("vigie: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, L("Aide : vigie help %s\n", "See: vigie help %s\n"), cmd);
	else
		fputs(L("Aide : vigie --help\n", "See: vigie --help\n"), stderr);
	return EXIT_USAGE;
}

int cli_fail(const char *cmd, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return code;
}

int cli_print_help(const vg_cmd *cmd)
{
	fputs(L(cmd->help_fr, cmd->help_en), stdout);
	return EXIT_OK;
}

int cli_bad_option(const char *cmd, int optopt_c, char **argv, int optind_v)
{
	const char *opt = argv[optind_v - 1];
	if (optopt_c && opt && opt[0] == '-' && opt[1] != '-')
		return cli_usage_error(cmd, L("option inconnue ou sans valeur : -%c", "unknown option or missing value: -%c"),
				       optopt_c);
	return cli_usage_error(cmd, L("option inconnue ou sans valeur : %s", "unknown option or missing value: %s"),
			       opt ? opt : "?");
}

/* ------------------------------------------------------------ clean stop */

volatile sig_atomic_t cli_stop_flag;
volatile sig_atomic_t cli_stop_signal;

static void on_stop_signal(int sig)
{
	if (cli_stop_flag && sig == SIGINT) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	if (!cli_stop_flag)
		cli_stop_signal = sig;
	cli_stop_flag = 1;
}

void cli_stop_handlers(bool dfl)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dfl ? SIG_DFL : on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
