/*
 * cmd_normalize.c: `vigie normalize KIND [VALUE...]`, canonical forms of the
 * identifiers of a leak.
 */
#include "cli/cli.h"
#include "vigie/ident.h"
#include "vigie/lines.h"

#include <getopt.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

static const char help_fr[] =
	"Usage : vigie normalize [--json] KIND [VALEUR...]\n"
	"\n"
	"Donne la forme canonique d'identifiants tels que les fuites les écrivent.\n"
	"KIND : email, phone (E.164), nir (numéro de sécurité sociale), name,\n"
	"dob (date de naissance), address (adresse postale française),\n"
	"id (identifiant France Travail).\n"
	"\n"
	"Avec des VALEURs : imprime la forme canonique de chacune ; une valeur\n"
	"invalide imprime la raison sur la sortie d'erreur.\n"
	"Sans VALEUR : lit une valeur par ligne sur l'entrée standard et imprime une\n"
	"ligne par entrée : la forme canonique, ou « invalid: RAISON ».\n"
	"\n"
	"Options :\n"
	"  --json         un objet JSON par valeur (kind, canonical, parts, flags, reason)\n"
	"  --lang fr|en   langue des raisons (par défaut fr)\n"
	"  -h, --help     cette aide\n"
	"\n"
	"Codes de sortie : 0 toutes les valeurs données sont valides (ou l'entrée\n"
	"standard a été lue en entier) ; 1 au moins une VALEUR invalide ; 2 erreur\n"
	"d'usage ; 3 erreur de lecture.\n";

static const char help_en[] =
	"Usage: vigie normalize [--json] KIND [VALUE...]\n"
	"\n"
	"Prints the canonical form of identifiers as leaks write them.\n"
	"KIND: email, phone (E.164), nir (French social security number), name,\n"
	"dob (date of birth), address (French postal address),\n"
	"id (France Travail identifier).\n"
	"\n"
	"With VALUEs: prints the canonical form of each; an invalid value prints\n"
	"the reason on standard error.\n"
	"Without VALUE: reads one value per line from standard input and prints one\n"
	"line per input: the canonical form, or \"invalid: REASON\".\n"
	"\n"
	"Options:\n"
	"  --json         one JSON object per value (kind, canonical, parts, flags, reason)\n"
	"  --lang fr|en   language of reasons (default fr)\n"
	"  -h, --help     this help\n"
	"\n"
	"Exit codes: 0 every given value is valid (or standard input was read to\n"
	"the end); 1 at least one VALUE is invalid; 2 usage error; 3 read error.\n";

static void print_json(vg_kind k, const char *s, size_t n)
{
	json_t *o = vg_ident_describe(k, s, n, cli_lang);
	json_dumpf(o, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(o);
}

static int from_stdin(vg_kind k, int json)
{
	vg_lines r;
	vg_line line;
	vg_canon c;
	int rc;
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	vg_lines_init(&r, STDIN_FILENO, VG_INPUT_MAX + 1);
	while ((rc = vg_lines_next(&r, &line)) == 1) {
		/* An overlong line arrives cut at VG_INPUT_MAX + 1 bytes, which every
		 * normalizer rejects as too long. */
		if (json) {
			print_json(k, line.s, line.len);
			continue;
		}
		if (vg_ident_normalize(k, line.s, line.len, &c) == 0) {
			fwrite(c.s, 1, c.len, stdout);
			fputc('\n', stdout);
		} else {
			printf("invalid: %s\n", vg_reason_text(c.reason, cli_lang));
		}
	}
	vg_lines_release(&r);
	if (fflush(stdout) != 0)
		return cli_fail("normalize", EXIT_DATA, L("écriture impossible sur la sortie", "cannot write output"));
	if (rc < 0)
		return cli_fail("normalize", EXIT_DATA,
				L("lecture de l'entrée standard impossible (ligne %llu)",
				  "cannot read standard input (line %llu)"),
				(unsigned long long)r.lineno + 1);
	return EXIT_OK;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"lang", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	int json = 0, c;
	vg_lang lang;
	opterr = 0;
	optind = 0; /* a full reset: the demo runs commands one after another */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("normalize", L("--lang attend fr ou en", "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'h':
			return cli_print_help(&cmd_normalize);
		default:
			return cli_bad_option("normalize", optopt, argv, optind);
		}
	}
	if (optind >= argc)
		return cli_usage_error("normalize", L("KIND manquant (email, phone, nir, name, dob, address, id)",
						      "missing KIND (email, phone, nir, name, dob, address, id)"));
	vg_kind k;
	if (vg_kind_parse(argv[optind], &k) != 0)
		return cli_usage_error("normalize",
				       L("type d'identifiant inconnu : '%s' (email, phone, nir, name, dob, address, id)",
					 "unknown identifier kind: '%s' (email, phone, nir, name, dob, address, id)"),
				       argv[optind]);
	optind++;
	if (optind >= argc)
		return from_stdin(k, json);

	int status = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		size_t n = strlen(argv[i]);
		vg_canon out;
		int rc = vg_ident_normalize(k, argv[i], n, &out);
		if (rc != 0)
			status = EXIT_NEGATIVE;
		if (json) {
			print_json(k, argv[i], n);
		} else if (rc == 0) {
			printf("%s\n", out.s);
		} else {
			fflush(stdout);
			fprintf(stderr, "vigie normalize: %s: %s\n", vg_kind_name(k),
				vg_reason_text(out.reason, cli_lang));
		}
	}
	if (fflush(stdout) != 0)
		return cli_fail("normalize", EXIT_DATA, L("écriture impossible sur la sortie", "cannot write output"));
	return status;
}

const vg_cmd cmd_normalize = {
	.name = "normalize",
	.run = run,
	.summary_fr = "forme canonique d'identifiants (email, téléphone, NIR, nom, date, adresse, id)",
	.summary_en = "canonical forms of identifiers (email, phone, NIR, name, date, address, id)",
	.help_fr = help_fr,
	.help_en = help_en,
};
