/*
 * cmd_token.c: `vigie token add|revoke|list`, the helpdesk's bearer tokens
 * for `vigie serve` (vigie/token.h). A new token is printed once, on
 * standard output; the file keeps only its salted hash.
 */
#include "cli/cli.h"
#include "vigie/config.h"
#include "vigie/token.h"

#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help_fr[] =
    "Usage : vigie token add NOM [--tokens FICHIER | --config serve.conf]\n"
    "        vigie token revoke NOM [--tokens FICHIER | --config serve.conf]\n"
    "        vigie token list [--json] [--tokens FICHIER | --config serve.conf]\n"
    "\n"
    "Les jetons d'accès des conseillers à POST /v1/operator/check.\n"
    "add affiche le nouveau jeton une seule fois, sur la sortie standard : le\n"
    "fichier n'en garde qu'une empreinte salée (BLAKE2b). revoke le révoque (le\n"
    "serveur le voit dans la seconde). list montre les noms, dates et états.\n"
    "NOM : 1 à 64 caractères parmi A-Z a-z 0-9 . _ -\n"
    "\n"
    "Options :\n"
    "  --tokens FICHIER   le fichier des jetons (mode 0600 ; par défaut\n"
    "                     $VIGIE_TOKENS, sinon ./vigie-tokens)\n"
    "  --config F         prend le fichier de [operator] tokens dans serve.conf\n"
    "  --json             list : un objet JSON par jeton\n"
    "  --lang fr|en       langue des messages\n"
    "  -h, --help         cette aide\n"
    "\n"
    "Codes de sortie : 0 fait ; 1 nom déjà pris (add) ou aucun jeton actif de ce\n"
    "nom (revoke) ; 2 erreur d'usage ; 3 fichier illisible ou corrompu.\n";

static const char help_en[] =
    "Usage: vigie token add NAME [--tokens FILE | --config serve.conf]\n"
    "       vigie token revoke NAME [--tokens FILE | --config serve.conf]\n"
    "       vigie token list [--json] [--tokens FILE | --config serve.conf]\n"
    "\n"
    "The helpdesk's access tokens for POST /v1/operator/check.\n"
    "add prints the new token once, on standard output: the file keeps only a\n"
    "salted hash (BLAKE2b). revoke revokes it (the server sees it within a\n"
    "second). list shows names, dates and states.\n"
    "NAME: 1 to 64 characters among A-Z a-z 0-9 . _ -\n"
    "\n"
    "Options:\n"
    "  --tokens FILE      the token file (mode 0600; default $VIGIE_TOKENS,\n"
    "                     else ./vigie-tokens)\n"
    "  --config F         takes the file from [operator] tokens in serve.conf\n"
    "  --json             list: one JSON object per token\n"
    "  --lang fr|en       language of messages\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit codes: 0 done; 1 name taken (add) or no active token of that name\n"
    "(revoke); 2 usage error; 3 unreadable or corrupt file.\n";

static void print_time(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	printf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	       tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int list(const char *path, bool json)
{
	vg_tokens *t;
	vg_err err = {0};
	int rc = vg_tokens_load(path, &t, &err);
	if (rc == VG_ENOTFOUND) {
		if (!json)
			fprintf(stderr, L("vigie token: aucun jeton (%s n'existe pas)\n",
			                  "vigie token: no tokens (%s does not exist)\n"),
			        path);
		return EXIT_OK;
	}
	if (rc)
		return cli_fail("token", EXIT_DATA, "%s", err.msg);
	for (size_t i = 0; i < vg_tokens_count(t); i++) {
		vg_token_info in;
		vg_tokens_info(t, i, &in);
		if (json) {
			json_t *o = json_pack("{s:s,s:I,s:b}", "name", in.name, "created",
			                      (json_int_t)in.created, "active", in.revoked == 0);
			json_object_set_new(o, "revoked",
			                    in.revoked ? json_integer((json_int_t)in.revoked) : json_null());
			json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(o);
			continue;
		}
		printf("%-24s ", in.name);
		print_time(in.created);
		if (in.revoked) {
			printf(L("  révoqué ", "  revoked "));
			print_time(in.revoked);
		} else {
			printf(L("  actif", "  active"));
		}
		putchar('\n');
	}
	vg_tokens_free(t);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_DATA;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"tokens", required_argument, NULL, 't'}, {"config", required_argument, NULL, 'c'},
	    {"json", no_argument, NULL, 'j'},         {"lang", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0},
	};
	const char *path = NULL, *config = NULL;
	bool json = false;
	int c;
	vg_lang lang;
	opterr = 0;
	optind = 0; /* a full reset: the demo runs commands one after another */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			path = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("token", L("--lang attend fr ou en",
				                                  "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'h':
			return cli_print_help(&cmd_token);
		default:
			return cli_bad_option("token", optopt, argv, optind);
		}
	}
	if (optind >= argc)
		return cli_usage_error("token", L("action manquante : add, revoke ou list",
		                                  "missing action: add, revoke or list"));
	const char *action = argv[optind++];
	bool is_list = !strcmp(action, "list");
	if (!is_list && strcmp(action, "add") && strcmp(action, "revoke"))
		return cli_usage_error("token", L("action inconnue : '%s'", "unknown action: '%s'"),
		                       action);
	if (is_list ? optind != argc : optind + 1 != argc)
		return cli_usage_error("token", is_list ? L("list ne prend pas d'argument",
		                                            "list takes no argument")
		                                        : L("%s attend un NOM", "%s expects one NAME"),
		                       action);
	if (path && config)
		return cli_usage_error("token", L("--tokens et --config s'excluent",
		                                  "--tokens and --config exclude each other"));
	vg_config cfg;
	vg_config_init(&cfg, cli_lang);
	vg_err err = {0};
	int status = EXIT_OK;
	if (config) {
		if (vg_config_load(&cfg, config, &err) != 0) {
			status = cli_fail("token", EXIT_DATA, "%s", err.msg);
			goto out;
		}
		path = vg_config_get(&cfg, "operator", "tokens");
		if (!path || !*path) {
			status = cli_usage_error("token", L("%s : pas de clé [operator] tokens",
			                                    "%s: no [operator] tokens key"),
			                         config);
			goto out;
		}
	}
	if (!path)
		path = getenv("VIGIE_TOKENS");
	if (!path || !*path)
		path = "vigie-tokens";
	if (is_list) {
		status = list(path, json);
		goto out;
	}
	const char *name = argv[optind];
	if (!vg_token_name_ok(name)) {
		status = cli_usage_error("token", L("nom invalide : 1 à 64 caractères parmi A-Z a-z "
		                                    "0-9 . _ -",
		                                    "bad name: 1 to 64 characters among A-Z a-z 0-9 . _ -"));
		goto out;
	}
	if (!strcmp(action, "add")) {
		char tok[VG_TOKEN_TEXT_MAX];
		int rc = vg_tokens_add(path, name, 0, tok, &err);
		if (rc) {
			status = cli_fail("token", rc == VG_EINVAL ? EXIT_NEGATIVE : EXIT_DATA, "%s",
			                  err.msg);
			goto out;
		}
		printf("%s\n", tok);
		sodium_memzero(tok, sizeof(tok));
		if (fflush(stdout) != 0)
			status = EXIT_DATA;
		fprintf(stderr,
		        L("vigie token: jeton « %s » créé dans %s ; il n'est affiché qu'une fois.\n",
		          "vigie token: token \"%s\" created in %s; it is shown only once.\n"),
		        name, path);
	} else {
		int rc = vg_tokens_revoke(path, name, 0, &err);
		if (rc) {
			status = cli_fail("token", rc == VG_ENOTFOUND ? EXIT_NEGATIVE : EXIT_DATA, "%s",
			                  err.msg);
			goto out;
		}
		fprintf(stderr, L("vigie token: jeton « %s » révoqué\n",
		                  "vigie token: token \"%s\" revoked\n"),
		        name);
	}
out:
	vg_config_release(&cfg);
	return status;
}

const vg_cmd cmd_token = {
    .name = "token",
    .run = run,
    .summary_fr = "jetons d'accès des conseillers à vigie serve (créer, révoquer, lister)",
    .summary_en = "helpdesk access tokens for vigie serve (add, revoke, list)",
    .help_fr = help_fr,
    .help_en = help_en,
};
