/*
 * cmd_export_ranges.c: `vigie export-ranges`, the 1,048,576 range files of
 * the breached-password store, for a static host or a CDN. The work is
 * libvigie's vg_pwned_export().
 */
#include "cli/cli.h"
#include "vigie/pwned.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help_fr[] =
    "Usage : vigie export-ranges [--registry DIR] [--mode sha1|ntlm] [--json] [--quiet]\n"
    "                            SORTIE\n"
    "\n"
    "Écrit les 1 048 576 fichiers de plages de mots de passe fuités, un par préfixe de\n"
    "5 chiffres hexadécimaux : SORTIE/range/ABCDE (SHA-1) ou SORTIE/range-ntlm/ABCDE\n"
    "(NTLM), chacun identique à la réponse de GET /range/ABCDE de vigie serve (sans\n"
    "remplissage). N'importe quel hébergement statique ou CDN les sert alors comme\n"
    "l'API de Have I Been Pwned. Les fichiers sont écrits dans un répertoire\n"
    "temporaire de SORTIE puis mis en place d'un seul renommage (un ancien export est\n"
    "échangé atomiquement puis supprimé).\n"
    "\n"
    "Options :\n"
    "  --registry DIR  répertoire du registre (défaut : $VIGIE_REGISTRY, sinon\n"
    "                  ./vigie-registry) ; sans empreintes ingérées, les fichiers\n"
    "                  sont vides\n"
    "  --mode MODE     sha1 (défaut) ou ntlm\n"
    "  --json          résumé en un objet JSON\n"
    "  -q, --quiet     pas de progression\n"
    "  --lang fr|en    langue des messages\n"
    "  -h, --help      cette aide\n"
    "\n"
    "Codes de sortie : 0 terminé ; 2 erreur d'usage ; 3 erreur d'entrée/sortie ou\n"
    "empreintes endommagées.\n";

static const char help_en[] =
    "Usage: vigie export-ranges [--registry DIR] [--mode sha1|ntlm] [--json] [--quiet]\n"
    "                           OUTDIR\n"
    "\n"
    "Writes the 1,048,576 breached-password range files, one per 5-hex-digit prefix:\n"
    "OUTDIR/range/ABCDE (SHA-1) or OUTDIR/range-ntlm/ABCDE (NTLM), each the same as\n"
    "vigie serve's answer to GET /range/ABCDE (without padding). Any static host or\n"
    "CDN then serves them like Have I Been Pwned's API. The files are written into a\n"
    "temporary directory in OUTDIR, then put in place with one rename (a previous\n"
    "export is swapped atomically, then removed).\n"
    "\n"
    "Options:\n"
    "  --registry DIR  registry directory (default: $VIGIE_REGISTRY, else\n"
    "                  ./vigie-registry); with no hashes ingested, the files are empty\n"
    "  --mode MODE     sha1 (default) or ntlm\n"
    "  --json          the summary as one JSON object\n"
    "  -q, --quiet     no progress\n"
    "  --lang fr|en    language of messages\n"
    "  -h, --help      this help\n"
    "\n"
    "Exit codes: 0 done; 2 usage error; 3 input/output error or damaged hashes.\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_progress(void *ctx, uint32_t done, uint32_t total)
{
	bool *shown = ctx;
	fprintf(stderr, L("\r  %7u / %u fichiers (%5.1f %%)", "\r  %7u / %u files (%5.1f %%)"),
	        done, total, 100.0 * done / total);
	fflush(stderr);
	*shown = true;
}

enum { OPT_REGISTRY = 256, OPT_MODE, OPT_JSON, OPT_LANG };

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"registry", required_argument, NULL, OPT_REGISTRY},
	    {"mode", required_argument, NULL, OPT_MODE},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"quiet", no_argument, NULL, 'q'},
	    {"lang", required_argument, NULL, OPT_LANG},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = NULL;
	vg_pwned_mode mode = VG_PWNED_SHA1;
	bool json = false, quiet = false;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_REGISTRY:
			dir = optarg;
			break;
		case OPT_MODE:
			if (vg_pwned_mode_parse(optarg, &mode) != 0)
				return cli_usage_error(
				    "export-ranges",
				    L("--mode attend sha1 ou ntlm", "--mode expects sha1 or ntlm"));
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_LANG: {
			vg_lang lang;
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error(
				    "export-ranges",
				    L("--lang attend fr ou en", "--lang expects fr or en"));
			cli_lang = lang;
			break;
		}
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cli_print_help(&cmd_export_ranges);
		default:
			return cli_bad_option("export-ranges", optopt, argv, optind);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("export-ranges",
		                       L("un répertoire de sortie, et un seul, est attendu",
		                         "one output directory, and only one, is expected"));
	const char *outdir = argv[optind];
	if (!dir) {
		const char *env = getenv("VIGIE_REGISTRY");
		dir = env && *env ? env : "vigie-registry";
	}
	vg_err err;
	memset(&err, 0, sizeof(err));
	vg_pwned *p = NULL;
	int rc = vg_pwned_open(dir, mode, &p, &err);
	if (rc == VG_ENOTFOUND) {
		p = NULL;
		fprintf(stderr,
		        L("vigie export-ranges: aucune empreinte %s dans %s : les fichiers seront "
		          "vides\n",
		          "vigie export-ranges: no %s hashes in %s: the files will be empty\n"),
		        vg_pwned_mode_name(mode), dir);
	} else if (rc) {
		return cli_fail("export-ranges", EXIT_DATA, "%s", err.msg);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	bool shown = false;
	bool display = !quiet && isatty(STDERR_FILENO);
	vg_pwned_export_result res;
	rc = vg_pwned_export(p, mode, outdir, &stop_flag, display ? on_progress : NULL, &shown,
	                     &res, &err);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (shown)
		fprintf(stderr, "\r%-60s\r", "");
	vg_pwned_close(p);
	if (stop_flag) {
		fprintf(stderr, "vigie export-ranges: %s\n",
		        L("interrompu : rien n'a été mis en place",
		          "interrupted: nothing was put in place"));
		raise(SIGINT);
		return EXIT_DATA;
	}
	if (rc)
		return cli_fail("export-ranges", EXIT_DATA, "%s", err.msg);
	if (json) {
		json_t *j = json_pack("{s:s,s:s,s:I,s:I,s:I,s:f}", "dir", res.dir, "mode",
		                      vg_pwned_mode_name(mode), "files", (json_int_t)res.files,
		                      "nonempty", (json_int_t)res.nonempty, "bytes",
		                      (json_int_t)res.bytes, "seconds", res.seconds);
		json_dumpf(j, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		char sec[32];
		snprintf(sec, sizeof(sec), "%.1f", res.seconds);
		if (cli_lang == VG_LANG_FR)
			for (char *q = sec; *q; q++)
				if (*q == '.')
					*q = ',';
		printf(L("%llu fichiers (%llu non vides, %llu octets) écrits dans %s en %s s\n",
		         "%llu files (%llu non-empty, %llu bytes) written to %s in %s s\n"),
		       (unsigned long long)res.files, (unsigned long long)res.nonempty,
		       (unsigned long long)res.bytes, res.dir, sec);
	}
	return fflush(stdout) == 0
	           ? EXIT_OK
	           : cli_fail("export-ranges", EXIT_DATA, L("écriture impossible", "cannot write"));
}

const vg_cmd cmd_export_ranges = {
    .name = "export-ranges",
    .run = run,
    .summary_fr = "écrit les fichiers de plages de mots de passe fuités (hébergement statique)",
    .summary_en = "write the breached-password range files (static hosting)",
    .help_fr = help_fr,
    .help_en = help_en,
};
