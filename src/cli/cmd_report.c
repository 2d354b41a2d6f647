/*
 * cmd_report.c: `vigie report`, the GDPR art. 33 notification draft from
 * the registry's statistics and a config file (docs/report.md).
 *
 * The numbers come from vg_registry_get_stats(): rows per source and per
 * category add up over every file ingested; people are approximated by the
 * largest table of email, phone, NIR or France Travail id (each table counts
 * distinct identifiers of one kind, so their sum would count a person once
 * per kind). The name + date of birth table is used only when those are all
 * empty: a person can have two name keys there (usage and birth names).
 * The registry is verified first (vg_registry_verify()): a damaged file must
 * not put wrong numbers in a notification to the regulator. A source flagged special-category in
 * the registry stays so in the report; [sources] special_category in the config can add more. The
 * report is written to memory first, so a failure never leaves a truncated
 * file behind.
 */
#include "cli/cli.h"
#include "vigie/exposure.h"
#include "vigie/registry.h"
#include "vigie/report.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help_fr[] =
    "Usage : vigie report [--registry DIR] --config FICHIER [--format md|json|html]\n"
    "                     [-o FICHIER] [--lang fr|en]\n"
    "\n"
    "Écrit le projet de notification à la CNIL (RGPD art. 33) : nature de la\n"
    "violation, catégories de données et nombres approximatifs de personnes et\n"
    "d'enregistrements (par catégorie, par source), données sensibles, risque et\n"
    "article 34, conséquences, mesures, chronologie et délai de 72 heures.\n"
    "Les nombres viennent du registre ; l'organisation, le DPO, les dates et les\n"
    "mesures viennent du fichier de configuration (docs/report.md).\n"
    "\n"
    "Options :\n"
    "  --registry DIR     le registre (par défaut $VIGIE_REGISTRY ou ./vigie-registry)\n"
    "  --config FICHIER   la configuration (obligatoire)\n"
    "  --format F         md (Markdown, par défaut), json ou html (avec un graphique\n"
    "                     SVG) ; par défaut d'après l'extension de -o\n"
    "  -o FICHIER         fichier de sortie (par défaut la sortie standard)\n"
    "  --lang fr|en       langue du rapport (par défaut fr)\n"
    "  -h, --help         cette aide\n"
    "\n"
    "La date de notification par défaut est l'heure de l'exécution.\n"
    "Codes de sortie : 0 rapport écrit ; 2 erreur d'usage ; 3 registre absent ou\n"
    "corrompu, configuration invalide, écriture impossible.\n";

static const char help_en[] =
    "Usage: vigie report [--registry DIR] --config FILE [--format md|json|html]\n"
    "                    [-o FILE] [--lang fr|en]\n"
    "\n"
    "Writes the draft of the notification to the CNIL (GDPR art. 33): nature of\n"
    "the breach, categories of data and approximate numbers of people and records\n"
    "(per category, per source), special-category data, risk and article 34,\n"
    "consequences, measures, timeline and the 72-hour deadline.\n"
    "The numbers come from the registry; the organisation, DPO, dates and\n"
    "measures come from the config file (docs/report.md).\n"
    "\n"
    "Options:\n"
    "  --registry DIR     the registry (default $VIGIE_REGISTRY or ./vigie-registry)\n"
    "  --config FILE      the configuration (required)\n"
    "  --format F         md (Markdown, default), json or html (with an SVG chart);\n"
    "                     by default from the extension of -o\n"
    "  -o FILE            output file (default standard output)\n"
    "  --lang fr|en       language of the report (default fr)\n"
    "  -h, --help         this help\n"
    "\n"
    "The notification time defaults to the time of the run.\n"
    "Exit codes: 0 report written; 2 usage error; 3 registry missing or corrupt,\n"
    "invalid configuration, output not writable.\n";

/* Parses a --format value. */
static int parse_format(const char *s, vg_report_format *out)
{
	if (!strcmp(s, "md") || !strcmp(s, "markdown"))
		*out = VG_REPORT_MARKDOWN;
	else if (!strcmp(s, "json"))
		*out = VG_REPORT_JSON;
	else if (!strcmp(s, "html"))
		*out = VG_REPORT_HTML;
	else
		return VG_EINVAL;
	return 0;
}

/* The format an output file name suggests (markdown when none). */
static vg_report_format format_of_path(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	vg_report_format f = VG_REPORT_MARKDOWN;
	if (dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm")))
		f = VG_REPORT_HTML;
	else if (dot && !strcmp(dot, ".json"))
		f = VG_REPORT_JSON;
	return f;
}

/* Writes buf to path (or stdout when NULL); 0 or an errno. */
static int write_out(const char *path, const vg_report_buf *buf)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	if (!f)
		return errno;
	size_t w = fwrite(buf->data, 1, buf->len, f);
	int e = (w != buf->len || ferror(f)) ? (errno ? errno : EIO) : 0;
	if (path) {
		if (fclose(f) != 0 && !e)
			e = errno ? errno : EIO;
	} else if (fflush(f) != 0 && !e) {
		e = errno ? errno : EIO;
	}
	return e;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"registry", required_argument, NULL, 'r'},
	    {"config", required_argument, NULL, 'c'},
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"lang", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	const char *dir = NULL, *config = NULL, *out = NULL;
	vg_report_format fmt = VG_REPORT_MARKDOWN;
	bool fmt_set = false;
	int c;
	vg_lang lang;
	opterr = 0;
	optind = 0; /* a full reset: the demo runs commands one after another */
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			dir = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'f':
			if (parse_format(optarg, &fmt) != 0)
				return cli_usage_error("report",
				                       L("--format attend md, json ou html : '%s'",
				                         "--format expects md, json or html: '%s'"),
				                       optarg);
			fmt_set = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("report", L("--lang attend fr ou en",
				                                   "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'h':
			return cli_print_help(&cmd_report);
		default:
			return cli_bad_option("report", optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage_error("report",
		                       L("argument inattendu : '%s'", "unexpected argument: '%s'"),
		                       argv[optind]);
	if (!config)
		return cli_usage_error("report",
		                       L("--config FICHIER manquant (voir docs/report.md)",
		                         "missing --config FILE (see docs/report.md)"));
	if (!fmt_set)
		fmt = format_of_path(out);
	dir = vg_exposure_registry_dir(dir);

	vg_registry *r = NULL;
	vg_regkey *k = NULL;
	vg_err err = {0};
	if (vg_exposure_open(dir, NULL, false, &r, &k, &err) != 0)
		return cli_fail("report", EXIT_DATA,
		                L("registre inutilisable : %s", "registry unusable: %s"), err.msg);

	/* a legal document is built on checked numbers only: the whole file,
	 * checksums and counters, once (about a second per gigabyte) */
	if (vg_registry_verify(r, &err) != 0) {
		vg_registry_close(r);
		return cli_fail("report", EXIT_DATA,
		                L("registre corrompu : %s", "registry corrupt: %s"), err.msg);
	}

	int64_t now = (int64_t)time(NULL);
	vg_report_source sources[VG_SOURCE_MAX];
	char key_id[VG_REGKEY_ID_HEX + 1];
	vg_report_input in;
	memset(sources, 0, sizeof(sources));
	memset(&in, 0, sizeof(in));
	vg_exposure_report_input(r, sources, key_id, &in);
	in.generated_at = vg_report_time_paris(now);

	vg_config cfg;
	vg_config_init(&cfg, cli_lang);
	vg_report_buf buf;
	vg_buf_init(&buf, VG_REPORT_MAX_BYTES);
	int status = EXIT_OK;
	if (vg_config_load(&cfg, config, &err) != 0 ||
	    vg_report_from_config(&cfg, now, &in, &err) != 0) {
		status = cli_fail("report", EXIT_DATA,
		                  L("configuration invalide : %s", "invalid configuration: %s"),
		                  err.msg);
	} else if (vg_report_write(&in, fmt, cli_lang, &buf, &err) != 0) {
		status =
		    cli_fail("report", EXIT_DATA,
		             L("rapport impossible : %s", "cannot write the report: %s"), err.msg);
	} else {
		int e = write_out(out, &buf);
		if (e)
			status = cli_fail(
			    "report", EXIT_DATA,
			    L("écriture impossible de %s : %s", "cannot write %s: %s"),
			    out ? out : L("la sortie standard", "standard output"), strerror(e));
	}
	vg_buf_release(&buf);
	vg_config_release(&cfg);
	vg_registry_close(r);
	return status;
}

const vg_cmd cmd_report = {
    .name = "report",
    .run = run,
    .summary_fr = "le projet de notification à la CNIL (RGPD art. 33) : Markdown, JSON, HTML",
    .summary_en = "the draft notification to the CNIL (GDPR art. 33): Markdown, JSON, HTML",
    .help_fr = help_fr,
    .help_en = help_en,
};
