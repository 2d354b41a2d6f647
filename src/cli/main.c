/*
 * main.c: vigie's entry point. Global options, then dispatch to one
 * subcommand from the table below.
 *
 * Adding a subcommand: write src/cli/cmd_<name>.c defining a `const vg_cmd
 * cmd_<name>` (name, run function, one-line summaries, full help texts in
 * French and English), declare it in cli.h, add it to the table below and
 * to src/meson.build, and add black-box cases in tests/cli/.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static const vg_cmd *const commands[] = {
	&cmd_normalize,
	&cmd_gen,
	&cmd_ingest,
	&cmd_export_ranges,
	&cmd_check,
	&cmd_report,
	&cmd_notify,
	&cmd_registry,
	&cmd_demo,
	&cmd_scan,
	&cmd_watch,
	&cmd_password,
	&cmd_attest,
	&cmd_serve,
	&cmd_token,
	&cmd_audit,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const vg_cmd *cli_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static int usage(FILE *f)
{
	fputs(L("Usage : vigie [--lang fr|en] COMMANDE [OPTIONS] [ARGUMENTS]\n"
		"\n"
		"vigie : le lendemain d'une fuite massive de données personnelles.\n"
		"\n"
		"Commandes :\n",
		"Usage: vigie [--lang fr|en] COMMAND [OPTIONS] [ARGUMENTS]\n"
		"\n"
		"vigie: the day after a mass leak of personal data.\n"
		"\n"
		"Commands:\n"),
	      f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name,
			L(commands[i]->summary_fr, commands[i]->summary_en));
	fputs(L("\n"
		"Options générales :\n"
		"  -h, --help       cette aide\n"
		"  -V, --version    la version\n"
		"  --lang fr|en     langue des messages (par défaut : fr, ou $VIGIE_LANG)\n"
		"\n"
		"Aide d'une commande : vigie help COMMANDE (ou vigie COMMANDE --help).\n"
		"Codes de sortie : 0 succès, 1 réponse négative (valeur invalide, absente),\n"
		"2 erreur d'usage, 3 erreur de données ou d'entrée/sortie, 4 erreur interne.\n",
		"\n"
		"Global options:\n"
		"  -h, --help       this help\n"
		"  -V, --version    the version\n"
		"  --lang fr|en     language of messages (default: fr, or $VIGIE_LANG)\n"
		"\n"
		"Help on a command: vigie help COMMAND (or vigie COMMAND --help).\n"
		"Exit codes: 0 success, 1 negative answer (invalid or absent value),\n"
		"2 usage error, 3 data or input/output error, 4 internal error.\n"),
	      f);
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

static int help(int argc, char **argv)
{
	if (argc < 2)
		return usage(stdout);
	const vg_cmd *c = cli_find(argv[1]);
	if (!c)
		return cli_usage_error(NULL, L("commande inconnue : '%s'", "unknown command: '%s'"), argv[1]);
	return cli_print_help(c);
}

int main(int argc, char **argv)
{
	const char *env = getenv("VIGIE_LANG");
	vg_lang lang;
	if (env && vg_lang_parse(env, &lang) == 0)
		cli_lang = lang;

	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return usage(stdout);
		if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("vigie %s\n", vg_version());
			return EXIT_OK;
		}
		if (!strcmp(a, "--lang") || !strncmp(a, "--lang=", 7)) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v || vg_lang_parse(v, &lang) != 0)
				return cli_usage_error(NULL, L("--lang attend fr ou en", "--lang expects fr or en"));
			cli_lang = lang;
			continue;
		}
		return cli_usage_error(NULL, L("option inconnue : '%s'", "unknown option: '%s'"), a);
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help"))
		return help(argc - i, argv + i);
	const vg_cmd *c = cli_find(argv[i]);
	if (!c)
		return cli_usage_error(NULL, L("commande inconnue : '%s'", "unknown command: '%s'"), argv[i]);
	return c->run(argc - i, argv + i);
}
