/*
 * cmd_password.c: `vigie password`, how strong is a password and has it
 * leaked. The work is in vg_password_* (include/vigie/password.h); this file
 * reads the password (terminal without echo, or standard input), picks the
 * breach source (--ranges DIR or --api URL), prints and maps results to exit
 * codes. Reference: docs/password.md.
 *
 * The password never comes from the command line (ps, shell history): an
 * argument is refused, without being quoted. No message quotes a password,
 * an unknown option (it could be one) or a hash prefix. Buffers holding
 * passwords are sodium_malloc'd and wiped.
 */
#include "cli/cli.h"
#include "vigie/password.h"
#include "vigie/pwned.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help_fr[] =
    "Usage : vigie password [--registry DIR | --ranges DIR | --api URL] [--json]\n"
    "                       [--min-score N]\n"
    "        vigie password --batch [--registry DIR | --ranges DIR | --api URL] < FICHIER\n"
    "\n"
    "Dit si un mot de passe est robuste (score 0 à 4, essais nécessaires, temps\n"
    "pour le casser, conseils) et s'il figure dans une fuite. Le mot de passe est\n"
    "tapé sans écho au terminal, ou lu sur l'entrée standard (une ligne) ; il\n"
    "n'est jamais accepté en argument, ni affiché, ni journalisé.\n"
    "\n"
    "Options :\n"
    "  --registry DIR       cherche dans le registre local de mots de passe divulgués\n"
    "                       (écrit par vigie ingest --passwords --registry DIR)\n"
    "  --ranges DIR         cherche dans des fichiers de plages locaux DIR/XXXXX\n"
    "                       (format Have I Been Pwned, écrits par vigie export-ranges)\n"
    "  --api URL            interroge une API de plages compatible Have I Been Pwned\n"
    "                       (ex. https://api.pwnedpasswords.com, ou vigie serve) :\n"
    "                       seuls les 5 premiers caractères hexadécimaux du SHA-1\n"
    "                       sont envoyés, avec « Add-Padding: true ». Sans --ranges\n"
    "                       ni --api, rien n'est vérifié et rien ne sort du poste.\n"
    "  --timeout S          délai maximal d'une requête à l'API (défaut 30 s)\n"
    "  --min-score N        score minimal accepté, de 0 à 4 (défaut 3)\n"
    "  --json               un objet JSON (score, guesses, crack_times, feedback,\n"
    "                       breach, ok)\n"
    "  --batch              un mot de passe par ligne sur l'entrée standard (pas un\n"
    "                       terminal), un objet JSON par ligne avec son numéro\n"
    "  --lang fr|en         langue des réponses (par défaut fr)\n"
    "  -h, --help           cette aide\n"
    "\n"
    "Codes de sortie : 0 robuste (score ≥ N) et absent des fuites consultées ;\n"
    "1 trop faible ou trouvé dans une fuite (avec --batch : au moins une ligne) ;\n"
    "2 erreur d'usage (argument, option, entrée vide ou invalide) ;\n"
    "3 erreur d'entrée/sortie ou de l'API (plages illisibles, réseau, réponse\n"
    "invalide).\n";

static const char help_en[] =
    "Usage: vigie password [--registry DIR | --ranges DIR | --api URL] [--json]\n"
    "                      [--min-score N]\n"
    "       vigie password --batch [--registry DIR | --ranges DIR | --api URL] < FILE\n"
    "\n"
    "Says whether a password is strong (score 0 to 4, guesses needed, time to\n"
    "crack, advice) and whether it is in a leak. The password is typed without\n"
    "echo on the terminal, or read from standard input (one line); it is never\n"
    "accepted as an argument, shown or logged.\n"
    "\n"
    "Options:\n"
    "  --registry DIR       look it up in the local store of breached passwords\n"
    "                       (written by vigie ingest --passwords --registry DIR)\n"
    "  --ranges DIR         look it up in local range files DIR/XXXXX (Have I Been\n"
    "                       Pwned format, as written by vigie export-ranges)\n"
    "  --api URL            ask a Have-I-Been-Pwned-compatible range API (e.g.\n"
    "                       https://api.pwnedpasswords.com, or vigie serve): only\n"
    "                       the first 5 hex characters of the SHA-1 are sent, with\n"
    "                       \"Add-Padding: true\". Without --ranges or --api nothing\n"
    "                       is checked and nothing leaves the machine.\n"
    "  --timeout S          longest API request (default 30 s)\n"
    "  --min-score N        lowest score accepted, 0 to 4 (default 3)\n"
    "  --json               one JSON object (score, guesses, crack_times, feedback,\n"
    "                       breach, ok)\n"
    "  --batch              one password per line on standard input (not a\n"
    "                       terminal), one JSON object per line with its number\n"
    "  --lang fr|en         language of answers (default fr)\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit codes: 0 strong (score >= N) and not in the leaks looked up; 1 too weak\n"
    "or found in a leak (with --batch: at least one line); 2 usage error\n"
    "(argument, option, empty or invalid input); 3 input/output or API error\n"
    "(unreadable ranges, network, invalid response).\n";

#define CMD "password"

typedef struct opts {
	const char *ranges;
	const char *registry; /* the store of `vigie ingest --passwords` */
	vg_pwned *store;
	const char *api_url;
	vg_pw_api *api;
	int min_score;
	bool json;
} opts;

/* The outcome of a breach lookup. */
typedef struct breach {
	bool checked;
	bool failed;
	uint64_t count;
	vg_err err;
} breach;

static void lookup(const opts *o, const char *pw, size_t len, breach *b)
{
	memset(b, 0, sizeof(*b));
	if (!o->ranges && !o->api && !o->store)
		return;
	uint8_t sha1[VG_SHA1_LEN];
	vg_password_sha1(pw, len, sha1);
	int rc = 0;
	if (o->store)
		b->count = vg_pwned_lookup(o->store, sha1);
	else
		rc = o->ranges ? vg_password_breach_local(o->ranges, sha1, &b->count, &b->err)
		               : vg_pw_api_lookup(o->api, sha1, &b->count, &b->err);
	sodium_memzero(sha1, sizeof(sha1));
	if (rc)
		b->failed = true;
	else
		b->checked = true;
}

static const char *source_text(const opts *o)
{
	return o->store    ? L("registre local", "local registry")
	       : o->ranges ? L("plages locales", "local ranges")
	                   : L("API", "API");
}

static json_t *reason_json(const vg_reason *r)
{
	return json_pack("{s:s, s:s}", "code", r->code, "text", vg_reason_text(r, cli_lang));
}

static json_t *result_json(const opts *o, const vg_pw_strength *s, const breach *b, bool ok)
{
	json_t *j = json_object();
	json_object_set_new(j, "score", json_integer(s->score));
	json_object_set_new(j, "strength", json_string(vg_password_score_text(s->score, cli_lang)));
	json_object_set_new(j, "ok", json_boolean(ok));
	json_object_set_new(j, "guesses", json_real(s->guesses));
	json_object_set_new(j, "guesses_log10", json_real(round(s->log10_guesses * 1000) / 1000));
	json_t *secs = json_object(), *disp = json_object();
	for (int i = 0; i < VG_PW_SCENARIOS; i++) {
		char text[64];
		json_object_set_new(secs, vg_password_scenario_key(i), json_real(s->crack_seconds[i]));
		json_object_set_new(disp, vg_password_scenario_key(i),
		                    json_string(vg_password_duration_text(s->crack_seconds[i], cli_lang,
		                                                          text, sizeof(text))));
	}
	json_object_set_new(j, "crack_times_seconds", secs);
	json_object_set_new(j, "crack_times_display", disp);
	json_t *fb = json_object(), *sugg = json_array();
	json_object_set_new(fb, "warning",
	                    s->feedback.warning ? reason_json(s->feedback.warning) : json_null());
	for (size_t i = 0; i < s->feedback.nsuggestions; i++)
		json_array_append_new(sugg, reason_json(s->feedback.suggestions[i]));
	json_object_set_new(fb, "suggestions", sugg);
	json_object_set_new(j, "feedback", fb);
	json_t *br = json_object();
	json_object_set_new(br, "checked", json_boolean(b->checked));
	if (o->ranges || o->api_url || o->store)
		json_object_set_new(br, "source",
		                    json_string(o->store ? "registry" : o->ranges ? "ranges" : "api"));
	if (b->checked) {
		json_object_set_new(br, "found", json_boolean(b->count > 0));
		json_object_set_new(br, "count", json_integer((json_int_t)(b->count > INT64_MAX ? INT64_MAX : b->count)));
	}
	if (b->failed)
		json_object_set_new(br, "error", json_string(b->err.msg));
	json_object_set_new(j, "breach", br);
	return j;
}

static void print_json(json_t *j, uint64_t lineno)
{
	if (lineno) {
		json_t *l = json_object();
		json_object_set_new(l, "line", json_integer((json_int_t)lineno));
		json_object_update(l, j);
		json_decref(j);
		j = l;
	}
	json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8));
	fputc('\n', stdout);
	json_decref(j);
}

static void print_text(const opts *o, const vg_pw_strength *s, const breach *b, bool ok)
{
	printf(L("Robustesse : %d/4 (%s)\n", "Strength: %d/4 (%s)\n"), s->score,
	       vg_password_score_text(s->score, cli_lang));
	if (s->guesses < 1e9)
		printf(L("Essais nécessaires (estimation) : %.0f (10^%.1f)\n",
		         "Estimated guesses: %.0f (10^%.1f)\n"),
		       s->guesses, s->log10_guesses);
	else
		printf(L("Essais nécessaires (estimation) : 10^%.1f\n", "Estimated guesses: 10^%.1f\n"),
		       s->log10_guesses);
	fputs(L("Temps pour le casser :\n", "Time to crack:\n"), stdout);
	for (int i = 0; i < VG_PW_SCENARIOS; i++) {
		char text[64];
		printf(L("  %s : %s\n", "  %s: %s\n"), vg_password_scenario_text(i, cli_lang),
		       vg_password_duration_text(s->crack_seconds[i], cli_lang, text, sizeof(text)));
	}
	if (s->feedback.warning)
		printf(L("Attention : %s\n", "Warning: %s\n"),
		       vg_reason_text(s->feedback.warning, cli_lang));
	if (s->feedback.nsuggestions) {
		fputs(L("Conseils :\n", "Suggestions:\n"), stdout);
		for (size_t i = 0; i < s->feedback.nsuggestions; i++)
			printf("  - %s\n", vg_reason_text(s->feedback.suggestions[i], cli_lang));
	}
	if (b->checked && b->count)
		printf(L("Fuites : TROUVÉ, %llu fois dans les fuites connues (%s). Ne l'utilisez plus.\n",
		         "Leaks: FOUND, %llu times in known leaks (%s). Stop using it.\n"),
		       (unsigned long long)b->count, source_text(o));
	else if (b->checked)
		printf(L("Fuites : absent des fuites connues (%s).\n",
		         "Leaks: not in known leaks (%s).\n"),
		       source_text(o));
	else if (!b->failed)
		fputs(L("Fuites : non vérifié (--registry DIR, --ranges DIR ou --api URL pour "
		        "vérifier).\n",
		        "Leaks: not checked (--registry DIR, --ranges DIR or --api URL to check).\n"),
		      stdout);
	printf(L("Verdict : %s\n", "Verdict: %s\n"),
	       ok ? L("acceptable", "acceptable")
	          : (b->checked && b->count ? L("à changer : il a fuité", "change it: it has leaked")
	                                    : L("trop faible", "too weak")));
}

/* Evaluates one password; returns the exit code it calls for. */
static int evaluate(const opts *o, const char *pw, size_t len, uint64_t lineno)
{
	vg_pw_strength s;
	vg_err err = {0};
	int rc = vg_password_strength(pw, len, &s, &err);
	if (rc) {
		const char *code = rc == VG_ETOOBIG ? "too_long" : "invalid";
		const char *msg = rc == VG_ETOOBIG ? L("mot de passe trop long", "password too long")
		                                   : L("mot de passe invalide (octet nul)",
		                                       "invalid password (NUL byte)");
		if (lineno) {
			print_json(json_pack("{s:{s:s, s:s}, s:b}", "error", "code", code, "message", msg,
			                     "ok", 0),
			           lineno);
			return EXIT_NEGATIVE;
		}
		return cli_usage_error(CMD, "%s (> %d)", msg, VG_PASSWORD_MAX);
	}
	breach b;
	lookup(o, pw, len, &b);
	bool ok = s.score >= o->min_score && !(b.checked && b.count);
	if (o->json || lineno)
		print_json(result_json(o, &s, &b, ok), lineno);
	else
		print_text(o, &s, &b, ok);
	if (b.failed) {
		if (!lineno) {
			fflush(stdout);
			cli_fail(CMD, EXIT_DATA, L("vérification des fuites impossible : %s",
			                           "cannot check leaks: %s"),
			         b.err.msg);
		}
		return EXIT_DATA;
	}
	return ok ? EXIT_OK : EXIT_NEGATIVE;
}

static int run_batch(const opts *o)
{
	if (isatty(STDIN_FILENO))
		return cli_usage_error(CMD, L("--batch lit l'entrée standard, qui est un terminal : "
		                              "les mots de passe s'afficheraient",
		                              "--batch reads standard input, which is a terminal: "
		                              "passwords would be echoed"));
	vg_pw_reader *r = vg_pw_reader_new(STDIN_FILENO);
	if (!r)
		return cli_fail(CMD, EXIT_INTERNAL, "sodium_malloc");
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	int status = EXIT_OK, rc;
	const char *pw;
	size_t len;
	while ((rc = vg_pw_reader_next(r, &pw, &len)) != 0) {
		int st;
		if (rc == VG_ETOOBIG) {
			print_json(json_pack("{s:{s:s, s:s}, s:b}", "error", "code", "too_long", "message",
			                     L("mot de passe trop long", "password too long"), "ok", 0),
			           vg_pw_reader_lineno(r));
			st = EXIT_NEGATIVE;
		} else if (rc < 0) {
			break;
		} else {
			st = evaluate(o, pw, len, vg_pw_reader_lineno(r));
		}
		if (st == EXIT_DATA || (st == EXIT_NEGATIVE && status == EXIT_OK))
			status = st;
	}
	uint64_t lineno = vg_pw_reader_lineno(r);
	vg_pw_reader_free(r);
	if (fflush(stdout) != 0)
		return cli_fail(CMD, EXIT_DATA, L("écriture impossible sur la sortie", "cannot write output"));
	if (rc < 0)
		return cli_fail(CMD, EXIT_DATA,
		                L("lecture de l'entrée standard impossible (ligne %llu)",
		                  "cannot read standard input (line %llu)"),
		                (unsigned long long)lineno + 1);
	if (status == EXIT_DATA)
		return cli_fail(CMD, EXIT_DATA,
		                L("des vérifications de fuites ont échoué (voir « breach.error »)",
		                  "some leak checks failed (see \"breach.error\")"));
	return status;
}

/* One password from the terminal (no echo) or one line of standard input. */
static int run_one(const opts *o)
{
	if (isatty(STDIN_FILENO)) {
		if (sodium_init() < 0)
			return cli_fail(CMD, EXIT_INTERNAL, "sodium_init");
		size_t cap = VG_PASSWORD_MAX + 2;
		char *buf = sodium_malloc(cap);
		if (!buf)
			return cli_fail(CMD, EXIT_INTERNAL, "sodium_malloc");
		size_t len;
		vg_err err = {0};
		int rc = vg_password_read_tty(STDIN_FILENO, L("Mot de passe : ", "Password: "), buf,
		                              cap, &len, &err);
		int status;
		if (rc == VG_ENOTFOUND)
			status = cli_usage_error(CMD, L("aucun mot de passe tapé", "no password typed"));
		else if (rc == VG_ETOOBIG)
			status = cli_usage_error(CMD, L("mot de passe trop long (> %d)",
			                                "password too long (> %d)"),
			                         VG_PASSWORD_MAX);
		else if (rc)
			status = cli_fail(CMD, EXIT_DATA, L("lecture du terminal impossible : %s",
			                                    "cannot read the terminal: %s"),
			                  err.msg);
		else
			status = evaluate(o, buf, len, 0);
		sodium_free(buf);
		return status;
	}
	vg_pw_reader *r = vg_pw_reader_new(STDIN_FILENO);
	if (!r)
		return cli_fail(CMD, EXIT_INTERNAL, "sodium_malloc");
	const char *pw;
	size_t len;
	int status, rc = vg_pw_reader_next(r, &pw, &len);
	if (rc == 0)
		status = cli_usage_error(CMD, L("aucun mot de passe sur l'entrée standard",
		                                "no password on standard input"));
	else if (rc == VG_ETOOBIG)
		status = cli_usage_error(CMD, L("mot de passe trop long (> %d)",
		                                "password too long (> %d)"),
		                         VG_PASSWORD_MAX);
	else if (rc < 0)
		status = cli_fail(CMD, EXIT_DATA, L("lecture de l'entrée standard impossible",
		                                    "cannot read standard input"));
	else if (!vg_pw_reader_at_end(r))
		status = cli_usage_error(CMD, L("plusieurs lignes sur l'entrée standard : une seule, "
		                                "ou --batch",
		                                "several lines on standard input: one only, or --batch"));
	else
		status = evaluate(o, pw, len, 0);
	vg_pw_reader_free(r);
	if (fflush(stdout) != 0)
		return cli_fail(CMD, EXIT_DATA, L("écriture impossible sur la sortie", "cannot write output"));
	return status;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"ranges", required_argument, NULL, 'r'}, {"api", required_argument, NULL, 'a'},
	    {"registry", required_argument, NULL, 'R'},
	    {"timeout", required_argument, NULL, 't'}, {"min-score", required_argument, NULL, 'm'},
	    {"json", no_argument, NULL, 'j'},         {"batch", no_argument, NULL, 'b'},
	    {"lang", required_argument, NULL, 'l'},   {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	opts o = {.min_score = 3};
	bool batch = false;
	long timeout_s = 30;
	int c;
	vg_lang lang;
	opterr = 0;
	optind = 0; /* a full reset: the demo runs commands one after another */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'r':
			o.ranges = optarg;
			break;
		case 'R':
			o.registry = optarg;
			break;
		case 'a':
			o.api_url = optarg;
			break;
		case 't':
			timeout_s = strtol(optarg, &end, 10);
			if (*end || end == optarg || timeout_s < 1 || timeout_s > 3600)
				return cli_usage_error(CMD, L("--timeout attend un nombre de secondes (1 à 3600)",
				                              "--timeout expects seconds (1 to 3600)"));
			break;
		case 'm':
			o.min_score = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || o.min_score < 0 || o.min_score > 4)
				return cli_usage_error(CMD, L("--min-score attend 0, 1, 2, 3 ou 4",
				                              "--min-score expects 0, 1, 2, 3 or 4"));
			break;
		case 'j':
			o.json = true;
			break;
		case 'b':
			batch = true;
			break;
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error(CMD, L("--lang attend fr ou en", "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'h':
			return cli_print_help(&cmd_password);
		case ':':
			/* argv[optind-1] is a known option here, safe to quote */
			return cli_usage_error(CMD, L("valeur manquante pour %s", "missing value for %s"),
			                       argv[optind - 1]);
		default:
			/* not quoted: it could be a password typed as an option */
			return cli_usage_error(CMD, L("option inconnue (non recopiée)",
			                              "unknown option (not shown)"));
		}
	}
	if (optind < argc)
		return cli_usage_error(CMD, L("le mot de passe ne se donne jamais en argument (il "
		                              "resterait dans l'historique et la liste des processus) : "
		                              "tapez-le à l'invite, ou passez-le sur l'entrée standard",
		                              "a password is never given as an argument (it would stay "
		                              "in shell history and the process list): type it at the "
		                              "prompt, or pass it on standard input"));
	if ((o.ranges != NULL) + (o.api_url != NULL) + (o.registry != NULL) > 1)
		return cli_usage_error(CMD, L("une seule source : --registry, --ranges ou --api",
		                              "one source only: --registry, --ranges or --api"));
	if (o.registry) {
		vg_err err = {0};
		int rc = vg_pwned_open(o.registry, VG_PWNED_SHA1, &o.store, &err);
		if (rc == VG_ENOTFOUND)
			return cli_fail(CMD, EXIT_DATA,
			                L("%s : aucun mot de passe divulgué intégré (vigie ingest "
			                  "--passwords --registry %s FICHIER)",
			                  "%s: no breached passwords ingested (vigie ingest --passwords "
			                  "--registry %s FILE)"),
			                o.registry, o.registry);
		if (rc)
			return cli_fail(CMD, EXIT_DATA, "%s", err.msg);
	}
	if (o.api_url) {
		vg_err err = {0};
		vg_pw_api_opts ao = {.timeout_ms = timeout_s * 1000,
		                     .connect_timeout_ms = timeout_s * 1000 < 10000 ? timeout_s * 1000 : 10000};
		int rc = vg_pw_api_open(o.api_url, &ao, &o.api, &err);
		if (rc == VG_EUSAGE)
			return cli_usage_error(CMD, L("--api : %s", "--api: %s"), err.msg);
		if (rc)
			return cli_fail(CMD, EXIT_INTERNAL, "%s", err.msg);
	}
	int status = batch ? run_batch(&o) : run_one(&o);
	vg_pw_api_close(o.api);
	vg_pwned_close(o.store);
	return status;
}

const vg_cmd cmd_password = {
    .name = "password",
    .run = run,
    .summary_fr = "un mot de passe est-il robuste ? a-t-il fuité ? (sans jamais l'afficher)",
    .summary_en = "is a password strong? has it leaked? (never shown)",
    .help_fr = help_fr,
    .help_en = help_en,
};
