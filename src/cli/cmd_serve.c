/*
 * cmd_serve.c: `vigie serve`, the check service. Reads serve.conf and the
 * options, opens the server (vigie/serve.h), registers the routes of the
 * other service modules, listens, then waits for signals on the main
 * thread: SIGHUP reloads the registry (and the token file, and reopens the
 * access log), SIGTERM or SIGINT drain in-flight requests and exit 0.
 * Reference: docs/api.md.
 */
#include "cli/cli.h"
#include "vigie/assets.h"
#include "vigie/exposure.h"
#include "vigie/public.h"
#include "vigie/pwned.h"
#include "vigie/serve.h"

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const char help_fr[] =
    "Usage : vigie serve [--config FICHIER] [--registry DIR] [--listen HÔTE:PORT]\n"
    "                    [--key-file F] [OPTIONS]\n"
    "\n"
    "Le service de vérification : API des conseillers (POST /v1/operator/check,\n"
    "avec jeton), analyse de messages (POST /v1/scan), état (GET /v1/health).\n"
    "Référence de l'API : docs/api.md ; configuration : docs/examples/serve.conf.\n"
    "\n"
    "Options (elles priment sur le fichier de configuration) :\n"
    "  --config FICHIER     serve.conf : adresse, registre, limites, jetons, journaux\n"
    "  --registry DIR       le registre (par défaut $VIGIE_REGISTRY ou ./vigie-registry)\n"
    "  --key-file F         la clé du registre (par défaut $VIGIE_REGISTRY_KEY ou\n"
    "                       DIR/registry.key)\n"
    "  --listen HÔTE:PORT   adresse d'écoute (par défaut 127.0.0.1:8080 ; port 0 :\n"
    "                       un port libre, affiché au démarrage)\n"
    "  --tokens FICHIER     les jetons des conseillers (vigie token add)\n"
    "  --audit-log FICHIER  le journal d'audit chaîné (vigie audit verify)\n"
    "  --access-log F|-     journal d'accès (- : l'erreur standard)\n"
    "  --threads N          fils de traitement (par défaut : un par processeur)\n"
    "  --lang fr|en         langue des messages\n"
    "  -h, --help           cette aide\n"
    "\n"
    "Signaux : SIGHUP recharge le registre (nouvelle version), les jetons et\n"
    "rouvre le journal d'accès, sans perdre de requête ; SIGTERM ou SIGINT\n"
    "cessent d'accepter, terminent les requêtes en cours puis quittent (code 0).\n"
    "\n"
    "Au démarrage, une ligne sur la sortie standard : « vigie serve: listening on\n"
    "http://ADRESSE (registry generation N) ».\n"
    "\n"
    "Codes de sortie : 0 arrêt normal ; 2 erreur d'usage ou de configuration ;\n"
    "3 registre, clé, jetons ou journal inutilisables, ou adresse déjà prise ;\n"
    "4 erreur interne.\n";

static const char help_en[] =
    "Usage: vigie serve [--config FILE] [--registry DIR] [--listen HOST:PORT]\n"
    "                   [--key-file F] [OPTIONS]\n"
    "\n"
    "The check service: the helpdesk API (POST /v1/operator/check, with a\n"
    "token), message scanning (POST /v1/scan), health (GET /v1/health).\n"
    "API reference: docs/api.md; configuration: docs/examples/serve.conf.\n"
    "\n"
    "Options (they override the configuration file):\n"
    "  --config FILE        serve.conf: address, registry, limits, tokens, logs\n"
    "  --registry DIR       the registry (default $VIGIE_REGISTRY or ./vigie-registry)\n"
    "  --key-file F         the registry key (default $VIGIE_REGISTRY_KEY or\n"
    "                       DIR/registry.key)\n"
    "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; port 0:\n"
    "                       a free port, printed at start)\n"
    "  --tokens FILE        the helpdesk tokens (vigie token add)\n"
    "  --audit-log FILE     the hash-chained audit log (vigie audit verify)\n"
    "  --access-log F|-     access log (-: standard error)\n"
    "  --threads N          worker threads (default: one per CPU)\n"
    "  --lang fr|en         language of messages\n"
    "  -h, --help           this help\n"
    "\n"
    "Signals: SIGHUP reloads the registry (new version) and the tokens and\n"
    "reopens the access log, without dropping requests; SIGTERM or SIGINT stop\n"
    "accepting, finish the requests in flight, then exit (code 0).\n"
    "\n"
    "At start, one line on standard output: \"vigie serve: listening on\n"
    "http://ADDRESS (registry generation N)\".\n"
    "\n"
    "Exit codes: 0 clean stop; 2 usage or configuration error; 3 registry,\n"
    "key, tokens or log unusable, or address in use; 4 internal error.\n";

/*
 * ---- HOOK: the routes of the other service modules ----
 * Each module registers its handlers here, with one call each, reading its
 * own section of serve.conf from cfg (may be empty), e.g.:
 *   vg_serve_route(srv, "GET", "/range/", VG_ROUTE_PREFIX, vg_range_handler, ranges, err);
 *   vg_serve_route(srv, "POST", "/v1/public/check", VG_ROUTE_EXACT, ...);
 *   vg_serve_route(srv, "GET", "/", VG_ROUTE_EXACT, ...); "/assets/" VG_ROUTE_PREFIX
 * What a module allocates here it frees in unregister_modules().
 */
static vg_public *public_mod;
static vg_pwned_service *pwned_mod;

static void public_log(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "vigie serve: %s\n", msg);
}

static int register_modules(vg_serve *srv, vg_config *cfg, const char *dir, vg_err *err)
{
	/* Breached-password ranges from DIR/passwords.* (docs/passwords.md);
	 * missing stores answer every prefix with an empty 200. */
	int prc = vg_pwned_service_open(dir, 0, &pwned_mod, err);
	if (prc == 0)
		prc = vg_serve_route(srv, "GET", "/range/", VG_ROUTE_PREFIX, vg_pwned_range_handler,
		                     pwned_mod, err);
	if (prc)
		return prc;

	/* The page and its assets, compiled into the binary (docs/web.md). */
	int rc = vg_serve_route(srv, "GET", "/", VG_ROUTE_EXACT, vg_assets_handler, NULL, err);
	if (rc == 0)
		rc = vg_serve_route(srv, "GET", "/assets/", VG_ROUTE_PREFIX, vg_assets_handler, NULL,
		                    err);
	if (rc)
		return rc;

	/* The public check, its outbox and attestations (docs/public-check.md). */
	vg_public_opts po = {.log = public_log};
	if ((rc = vg_public_new(cfg, &po, &public_mod, err)) != 0)
		return rc;
	vg_public_routes pr;
	vg_public_get_routes(public_mod, &pr);
	for (size_t i = 0; i < VG_PUBLIC_ROUTES; i++) {
		rc = vg_serve_route(srv, pr.route[i].method, pr.route[i].path, VG_ROUTE_EXACT,
		                    pr.route[i].handler, pr.ctx, err);
		if (rc)
			return rc;
	}
	return 0;
}

static void unregister_modules(void)
{
	vg_public_free(public_mod);
	public_mod = NULL;
	vg_pwned_service_close(pwned_mod);
	pwned_mod = NULL;
}

static int exit_for(int code)
{
	switch (code) {
	case VG_EUSAGE:
	case VG_EINVAL:
		return EXIT_USAGE;
	case VG_EINTERNAL:
		return EXIT_INTERNAL;
	default:
		return EXIT_DATA;
	}
}

static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		int rc = setrlimit(RLIMIT_NOFILE, &rl);
		(void)rc;
	}
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},     {"registry", required_argument, NULL, 'r'},
	    {"key-file", required_argument, NULL, 'k'},   {"listen", required_argument, NULL, 'L'},
	    {"tokens", required_argument, NULL, 't'},     {"audit-log", required_argument, NULL, 'a'},
	    {"access-log", required_argument, NULL, 'A'}, {"threads", required_argument, NULL, 'T'},
	    {"lang", required_argument, NULL, 'l'},       {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	const char *config = NULL, *dir = NULL, *key_file = NULL, *listen = NULL, *tokens = NULL,
	           *audit = NULL, *access = NULL;
	long threads = -1;
	int c;
	vg_lang lang;
	opterr = 0;
	optind = 0; /* a full reset: the demo runs commands one after another */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'r':
			dir = optarg;
			break;
		case 'k':
			key_file = optarg;
			break;
		case 'L':
			listen = optarg;
			break;
		case 't':
			tokens = optarg;
			break;
		case 'a':
			audit = optarg;
			break;
		case 'A':
			access = optarg;
			break;
		case 'T': {
			char *end;
			threads = strtol(optarg, &end, 10);
			if (*end || threads < 1 || threads > 256)
				return cli_usage_error("serve", L("--threads attend un entier de 1 à 256",
				                                  "--threads expects an integer from 1 to 256"));
			break;
		}
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("serve", L("--lang attend fr ou en",
				                                  "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'h':
			return cli_print_help(&cmd_serve);
		default:
			return cli_bad_option("serve", optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage_error("serve", L("argument inattendu : '%s'", "unexpected argument: '%s'"),
		                       argv[optind]);

	vg_config cfg;
	vg_config_init(&cfg, cli_lang);
	vg_err err = {0};
	vg_serve_opts o;
	vg_serve_opts_default(&o);
	int status = EXIT_OK;
	vg_serve *srv = NULL;
	if (config) {
		int rc = vg_config_load(&cfg, config, &err);
		if (rc == 0)
			rc = vg_serve_opts_config(&o, &cfg, &err);
		if (rc) {
			status = cli_fail("serve", rc == VG_ENOTFOUND || rc == VG_EIO ? EXIT_DATA : EXIT_USAGE,
			                  "%s", err.msg);
			goto out;
		}
	}
	if (dir)
		o.registry_dir = dir;
	if (key_file)
		o.key_file = key_file;
	if (listen)
		o.listen = listen;
	if (tokens)
		o.token_file = tokens;
	if (audit)
		o.audit_log = audit;
	if (access)
		o.access_log = access;
	if (threads > 0)
		o.threads = (unsigned)threads;

	/* Signals are taken by sigwait() on this thread only: block them
	 * before any thread starts, so that every thread inherits the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();

	int rc = vg_serve_new(&o, &srv, &err);
	if (rc == 0)
		rc = register_modules(srv, &cfg, vg_exposure_registry_dir(o.registry_dir), &err);
	if (rc == 0 && (rc = vg_serve_config_unused(&cfg, &err)) != 0)
		rc = VG_EUSAGE;
	if (rc) {
		status = cli_fail("serve", exit_for(rc), "%s", err.msg);
		goto out;
	}
	if ((rc = vg_serve_start(srv, &err)) != 0) {
		status = cli_fail("serve", exit_for(rc), "%s", err.msg);
		goto out;
	}
	printf("vigie serve: listening on http://%s\n", vg_serve_address(srv));
	fflush(stdout);
	for (;;) {
		int sig = 0;
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			vg_err rerr = {0};
			if (pwned_mod && vg_pwned_service_reload(pwned_mod, &rerr) != 0)
				fprintf(stderr,
				        L("vigie serve: mots de passe non rechargés : %s\n",
				          "vigie serve: passwords not reloaded: %s\n"),
				        rerr.msg);
			if (vg_serve_reload(srv, &rerr) != 0)
				fprintf(stderr,
				        L("vigie serve: rechargement impossible, la version en cours "
				          "reste servie : %s\n",
				          "vigie serve: reload failed, the current version stays live: %s\n"),
				        rerr.msg);
			continue;
		}
		unsigned left = vg_serve_stop(srv);
		if (left)
			fprintf(stderr,
			        L("vigie serve: %u requêtes coupées par le délai d'arrêt\n",
			          "vigie serve: %u requests cut by the drain timeout\n"),
			        left);
		break;
	}
out:
	vg_serve_free(srv);
	unregister_modules();
	vg_config_release(&cfg);
	return status;
}

const vg_cmd cmd_serve = {
    .name = "serve",
    .run = run,
    .summary_fr = "le service de vérification : API des conseillers, page, mots de passe",
    .summary_en = "the check service: helpdesk API, web page, passwords",
    .help_fr = help_fr,
    .help_en = help_en,
};
