/*
 * cmd_check.c: `vigie check`, was this identifier exposed, and what with
 * it? One identifier from the options, or a batch of `kind<TAB>value` lines
 * for helpdesks. The work is in vg_exposure_* (include/vigie/exposure.h);
 * this file parses options, opens the registry and maps results to exit
 * codes. Reference: docs/check.md.
 *
 * The identifier is normalized before the registry is opened, so an invalid
 * one is refused (exit 2) even without a registry. Messages on standard error
 * never quote the identifier; the text answer on standard output shows its
 * canonical form to the operator; the JSON answer holds no identifier.
 */
#include "cli/cli.h"
#include "vigie/exposure.h"
#include "vigie/lines.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

static const char help_fr[] =
    "Usage : vigie check [--registry DIR] [--key-file F] IDENTIFIANT [--json] [--verify]\n"
    "        vigie check [--registry DIR] [--key-file F] --batch FICHIER|-\n"
    "\n"
    "Dit si un identifiant figure dans la fuite, quelles données ont été exposées\n"
    "avec lui, dans quelles sources, et les conseils qui vont avec.\n"
    "\n"
    "IDENTIFIANT (un seul) :\n"
    "  --email E            adresse électronique\n"
    "  --phone P            numéro de téléphone\n"
    "  --nir N              numéro de sécurité sociale\n"
    "  --id I               identifiant France Travail\n"
    "  --name \"Prénom Nom\" --dob D   nom complet (ordre libre) et date de naissance\n"
    "\n"
    "Options :\n"
    "  --registry DIR       le registre (par défaut $VIGIE_REGISTRY ou ./vigie-registry)\n"
    "  --key-file F         la clé du registre (par défaut $VIGIE_REGISTRY_KEY ou\n"
    "                       DIR/registry.key)\n"
    "  --json               un objet JSON : exposed, categories, sources, advice...\n"
    "  --batch FICHIER      lignes « type<TAB>valeur » (type : email, phone, nir, id ;\n"
    "                       name<TAB>nom<TAB>date) ; « - » pour l'entrée standard ;\n"
    "                       un objet JSON par ligne, dans l'ordre\n"
    "  --verify             vérifie d'abord tout le registre (sommes de contrôle)\n"
    "  --lang fr|en         langue des réponses (par défaut fr)\n"
    "  -h, --help           cette aide\n"
    "\n"
    "Codes de sortie : 0 exposé ; 1 non trouvé ; 2 erreur d'usage ou identifiant\n"
    "invalide ; 3 erreur de registre (absent, corrompu, mauvaise clé).\n"
    "Avec --batch : 0 le lot a été traité (résultat ligne par ligne) ; 2 usage ;\n"
    "3 erreur de registre ou de lecture.\n";

static const char help_en[] =
    "Usage: vigie check [--registry DIR] [--key-file F] IDENTIFIER [--json] [--verify]\n"
    "       vigie check [--registry DIR] [--key-file F] --batch FILE|-\n"
    "\n"
    "Says whether an identifier is in the leak, which data was exposed with it,\n"
    "in which sources, and the advice that fits.\n"
    "\n"
    "IDENTIFIER (exactly one):\n"
    "  --email E            email address\n"
    "  --phone P            phone number\n"
    "  --nir N              French social security number\n"
    "  --id I               France Travail identifier\n"
    "  --name \"First Last\" --dob D   full name (any order) and date of birth\n"
    "\n"
    "Options:\n"
    "  --registry DIR       the registry (default $VIGIE_REGISTRY or ./vigie-registry)\n"
    "  --key-file F         the registry key (default $VIGIE_REGISTRY_KEY or\n"
    "                       DIR/registry.key)\n"
    "  --json               one JSON object: exposed, categories, sources, advice...\n"
    "  --batch FILE         lines \"kind<TAB>value\" (kind: email, phone, nir, id;\n"
    "                       name<TAB>name<TAB>date); \"-\" for standard input;\n"
    "                       one JSON object per line, in order\n"
    "  --verify             verify the whole registry first (checksums)\n"
    "  --lang fr|en         language of answers (default fr)\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit codes: 0 exposed; 1 not found; 2 usage error or invalid identifier;\n"
    "3 registry error (missing, corrupt, wrong key).\n"
    "With --batch: 0 the batch ran (results line by line); 2 usage;\n"
    "3 registry or read error.\n";

/* The longest batch line kept: "name", a name, a date, two tabs. */
#define BATCH_LINE_MAX (2 * VG_INPUT_MAX + 16)

/* Opens the registry with its key, or says why not (exit 3). */
static int open_registry(const char *dir, const char *key_file, bool verify, vg_registry **r,
                         vg_regkey **k)
{
	vg_err err = {0};
	dir = vg_exposure_registry_dir(dir);
	if (vg_exposure_open(dir, key_file, true, r, k, &err) != 0)
		return cli_fail("check", EXIT_DATA,
		                L("registre inutilisable : %s", "registry unusable: %s"), err.msg);
	if (verify && vg_registry_verify(*r, &err) != 0) {
		vg_registry_close(*r);
		vg_regkey_free(*k);
		*r = NULL;
		*k = NULL;
		return cli_fail("check", EXIT_DATA,
		                L("registre corrompu : %s", "registry corrupt: %s"), err.msg);
	}
	return EXIT_OK;
}

/* Prints one JSON object on a line, with the batch line number when > 0. */
static void print_json(const vg_registry *r, const vg_exposure *e, uint64_t lineno)
{
	json_t *o = vg_exposure_json(r, e, cli_lang);
	if (lineno) {
		/* "line" first, for people reading the output */
		json_t *l = json_object();
		json_object_set_new(l, "line", json_integer((json_int_t)lineno));
		json_object_update(l, o);
		json_decref(o);
		o = l;
	}
	json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
}

/* Runs a batch file: one JSON object per line, in order. */
static int run_batch(const char *path, const char *dir, const char *key_file, bool verify)
{
	int fd = STDIN_FILENO;
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return cli_fail("check", EXIT_DATA,
			                L("impossible d'ouvrir %s : %s", "cannot open %s: %s"),
			                path, strerror(errno));
	}
	vg_registry *r = NULL;
	vg_regkey *k = NULL;
	int status = open_registry(dir, key_file, verify, &r, &k);
	if (status != EXIT_OK) {
		if (fd != STDIN_FILENO)
			close(fd);
		return status;
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	vg_lines lr;
	vg_line line;
	int rc;
	vg_lines_init(&lr, fd, BATCH_LINE_MAX);
	while ((rc = vg_lines_next(&lr, &line)) == 1) {
		vg_exposure e;
		const char *s = line.s;
		size_t n = line.len;
		if (line.lineno == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
			s += 3; /* a BOM, as spreadsheets write */
			n -= 3;
		}
		if (line.overlong) {
			vg_exposure_set_malformed(&e, &vg_exposure_reason_line_too_long);
		} else {
			/* the answer, valid or not, is in e: every line gets its object */
			int crc = vg_exposure_check_line(r, s, n, &e);
			(void)crc;
		}
		print_json(r, &e, line.lineno);
	}
	vg_lines_release(&lr);
	if (fd != STDIN_FILENO)
		close(fd);
	vg_registry_close(r);
	vg_regkey_free(k);
	if (fflush(stdout) != 0)
		return cli_fail("check", EXIT_DATA,
		                L("écriture impossible sur la sortie", "cannot write output"));
	if (rc < 0)
		return cli_fail(
		    "check", EXIT_DATA,
		    L("lecture de %s impossible (ligne %llu)", "cannot read %s (line %llu)"),
		    strcmp(path, "-") ? path : L("l'entrée standard", "standard input"),
		    (unsigned long long)lr.lineno + 1);
	return EXIT_OK;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"registry", required_argument, NULL, 'r'}, {"key-file", required_argument, NULL, 'k'},
	    {"email", required_argument, NULL, 'e'},    {"phone", required_argument, NULL, 'p'},
	    {"nir", required_argument, NULL, 'n'},      {"id", required_argument, NULL, 'i'},
	    {"name", required_argument, NULL, 'N'},     {"dob", required_argument, NULL, 'd'},
	    {"json", no_argument, NULL, 'j'},           {"batch", required_argument, NULL, 'b'},
	    {"verify", no_argument, NULL, 'V'},         {"lang", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},           {0, 0, 0, 0},
	};
	const char *dir = NULL, *key_file = NULL, *value = NULL, *dob = NULL, *batch = NULL;
	vg_idtab t = VG_IDTAB__COUNT;
	bool json = false, verify = false;
	int c;
	vg_lang lang;
	opterr = 0;
	optind = 0; /* a full reset: the demo runs commands one after another */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		vg_idtab nt = VG_IDTAB__COUNT;
		switch (c) {
		case 'r':
			dir = optarg;
			break;
		case 'k':
			key_file = optarg;
			break;
		case 'e':
			nt = VG_IDTAB_EMAIL;
			break;
		case 'p':
			nt = VG_IDTAB_PHONE;
			break;
		case 'n':
			nt = VG_IDTAB_NIR;
			break;
		case 'i':
			nt = VG_IDTAB_FTID;
			break;
		case 'N':
			nt = VG_IDTAB_NAME_DOB;
			break;
		case 'd':
			if (dob)
				return cli_usage_error(
				    "check", L("--dob donné deux fois", "--dob given twice"));
			dob = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'V':
			verify = true;
			break;
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("check", L("--lang attend fr ou en",
				                                  "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'h':
			return cli_print_help(&cmd_check);
		default:
			return cli_bad_option("check", optopt, argv, optind);
		}
		if (nt != VG_IDTAB__COUNT) {
			if (t != VG_IDTAB__COUNT)
				return cli_usage_error(
				    "check",
				    L("un seul identifiant à la fois (--%s et --%s)",
				      "one identifier at a time (--%s and --%s)"),
				    vg_exposure_kind_name(t), vg_exposure_kind_name(nt));
			t = nt;
			value = optarg;
		}
	}
	if (optind < argc)
		return cli_usage_error("check",
		                       L("argument inattendu : '%s'", "unexpected argument: '%s'"),
		                       argv[optind]);
	if (batch) {
		if (t != VG_IDTAB__COUNT || dob)
			return cli_usage_error("check",
			                       L("--batch ne se combine pas avec un identifiant",
			                         "--batch does not combine with an identifier"));
		return run_batch(batch, dir, key_file, verify);
	}
	if (t == VG_IDTAB__COUNT)
		return cli_usage_error("check",
		                       L("identifiant manquant : --email, --phone, --nir, --id, "
		                         "--name avec --dob, ou --batch",
		                         "missing identifier: --email, --phone, --nir, --id, "
		                         "--name with --dob, or --batch"));
	if (t == VG_IDTAB_NAME_DOB && !dob)
		return cli_usage_error("check", L("--name demande --dob (date de naissance)",
		                                  "--name needs --dob (date of birth)"));
	if (t != VG_IDTAB_NAME_DOB && dob)
		return cli_usage_error(
		    "check", L("--dob ne va qu'avec --name", "--dob goes with --name only"));

	vg_exposure e;
	if (vg_exposure_prepare(t, value, strlen(value), dob, dob ? strlen(dob) : 0, &e) != 0) {
		if (json) {
			print_json(NULL, &e, 0);
			fflush(stdout);
		}
		return cli_fail("check", EXIT_USAGE, L("%s invalide : %s", "invalid %s: %s"),
		                e.field, vg_reason_text(e.reason, cli_lang));
	}
	vg_registry *r = NULL;
	vg_regkey *k = NULL;
	int status = open_registry(dir, key_file, verify, &r, &k);
	if (status != EXIT_OK)
		return status;
	if (vg_exposure_lookup(r, &e) != 0) {
		vg_registry_close(r);
		vg_regkey_free(k);
		return cli_fail("check", EXIT_INTERNAL, L("recherche impossible", "lookup failed"));
	}
	if (json)
		print_json(r, &e, 0);
	else if (vg_exposure_text(r, &e, cli_lang, stdout) != 0)
		status = EXIT_DATA;
	vg_registry_close(r);
	vg_regkey_free(k);
	if (fflush(stdout) != 0 || status == EXIT_DATA)
		return cli_fail("check", EXIT_DATA,
		                L("écriture impossible sur la sortie", "cannot write output"));
	return e.exposed ? EXIT_OK : EXIT_NEGATIVE;
}

const vg_cmd cmd_check = {
    .name = "check",
    .run = run,
    .summary_fr = "un identifiant a-t-il fuité ? avec quelles données, où, et que faire",
    .summary_en = "was an identifier exposed? with what data, where, and what to do",
    .help_fr = help_fr,
    .help_en = help_en,
};
