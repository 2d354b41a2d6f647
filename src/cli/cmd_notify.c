/*
 * cmd_notify.c: `vigie notify`, one GDPR art. 34 message per person exposed
 * (docs/notify.md). Parses options, loads the config and the registry,
 * calls vg_notify_run() and prints the counts. SIGINT/SIGTERM stop the run
 * cleanly at the next check (the journal is up to date); run it again to
 * resume.
 */
#include "cli/cli.h"
#include "vigie/config.h"
#include "vigie/exposure.h"
#include "vigie/ingest.h"
#include "vigie/notify.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help_fr[] =
    "Usage : vigie notify --config FICHIER (--spool DIR | --maildir DIR | --mbox FICHIER |\n"
    "                     --smtp --state DIR | --dry-run) [options] FICHIER...\n"
    "\n"
    "Écrit le message de l'article 34 du RGPD à chaque personne exposée : un\n"
    "courriel par adresse (texte et HTML, sans aucun lien), ou un SMS (deux\n"
    "segments au plus) à qui n'a qu'un mobile. Chaque message dit exactement\n"
    "quelles catégories de données de la personne ont fuité et de quelle source,\n"
    "d'après le registre (toutes ses lignes, tous fichiers et sources confondus),\n"
    "les conséquences possibles, les mesures prises, le contact du DPO et les\n"
    "conseils qui s'appliquent. FICHIER : les fichiers de la fuite ou un export de\n"
    "contacts (CSV, TSV, JSONL, gzip, zstd, comme pour ingest).\n"
    "\n"
    "Sortie (une au choix) :\n"
    "  --spool DIR        spool de vigie : segments de messages et corps partagés\n"
    "  --maildir DIR      un fichier par message dans DIR/new\n"
    "  --mbox FICHIER     une boîte mbox\n"
    "  --smtp             envoi par le relais [notify] smtp_url, au débit rate,\n"
    "                     avec reprises (retries, backoff_ms)\n"
    "  --dry-run          rien n'est écrit : nombres par canal et par catégorie\n"
    "\n"
    "Options :\n"
    "  --config FICHIER   organisation, DPO, violation et section [notify] (obligatoire)\n"
    "  --registry DIR     le registre (par défaut $VIGIE_REGISTRY ou ./vigie-registry)\n"
    "  --key-file F       la clé du registre\n"
    "  --state DIR        plan et journal (par défaut SORTIE.notify-state)\n"
    "  --sms-spool DIR    où vont les SMS hors --spool (par défaut STATE/sms)\n"
    "  --map COL=CHAMP,…  colonnes, comme pour ingest\n"
    "  --memory TAILLE    mémoire du tri de déduplication (par défaut 512M)\n"
    "  --batch N          messages par lot rendu durable (par défaut 65536)\n"
    "  --threads N        fils de normalisation et de recherche, 1 à 16 (défaut 2),\n"
    "                     en plus du fil de lecture ; le plan est le même\n"
    "  --restart          oublie le plan et le journal d'un autre envoi dans STATE\n"
    "  --json             le résumé en JSON\n"
    "  -q, --quiet        pas de progression\n"
    "  --lang fr|en       langue des messages et de la sortie\n"
    "  -h, --help         cette aide\n"
    "\n"
    "Reprise : après un arrêt (Ctrl-C, kill -9, panne), relancez la même commande :\n"
    "elle envoie exactement ce qui ne l'a pas été.\n"
    "Codes de sortie : 0 fait ; 1 des messages refusés définitivement par le relais ;\n"
    "2 erreur d'usage ; 3 fichier, registre, configuration ou sortie inutilisable,\n"
    "ou envoi interrompu (relancez pour reprendre).\n";

static const char help_en[] =
    "Usage: vigie notify --config FILE (--spool DIR | --maildir DIR | --mbox FILE |\n"
    "                    --smtp --state DIR | --dry-run) [options] FILE...\n"
    "\n"
    "Writes the GDPR article 34 message to every person exposed: one email per\n"
    "address (text and HTML, with no link at all), or one SMS (two segments at\n"
    "most) to people with only a mobile. Each message says exactly which\n"
    "categories of the person's data leaked and from which source, from the\n"
    "registry (all their rows, across files and sources), the likely\n"
    "consequences, the measures taken, the DPO's contact and the advice that\n"
    "applies. FILE: the leaked files or a contact export (CSV, TSV, JSONL, gzip,\n"
    "zstd, as for ingest).\n"
    "\n"
    "Output (one of):\n"
    "  --spool DIR        vigie's spool: segments of messages and shared bodies\n"
    "  --maildir DIR      one file per message in DIR/new\n"
    "  --mbox FILE        an mbox mailbox\n"
    "  --smtp             through the relay [notify] smtp_url, at the configured\n"
    "                     rate, with retries (retries, backoff_ms)\n"
    "  --dry-run          nothing is written: counts per channel and category\n"
    "\n"
    "Options:\n"
    "  --config FILE      organisation, DPO, breach and [notify] section (required)\n"
    "  --registry DIR     the registry (default $VIGIE_REGISTRY or ./vigie-registry)\n"
    "  --key-file F       the registry key\n"
    "  --state DIR        plan and journal (default OUTPUT.notify-state)\n"
    "  --sms-spool DIR    where SMS go without --spool (default STATE/sms)\n"
    "  --map COL=FIELD,…  columns, as for ingest\n"
    "  --memory SIZE      memory of the deduplication sort (default 512M)\n"
    "  --batch N          messages per durable batch (default 65536)\n"
    "  --threads N        normalizing and lookup threads, 1 to 16 (default 2), besides\n"
    "                     the reading thread; the plan is the same\n"
    "  --restart          forget another run's plan and journal in STATE\n"
    "  --json             the summary as JSON\n"
    "  -q, --quiet        no progress\n"
    "  --lang fr|en       language of the messages and of the output\n"
    "  -h, --help         this help\n"
    "\n"
    "Resuming: after a stop (Ctrl-C, kill -9, power loss), run the same command\n"
    "again: it sends exactly what was not sent.\n"
    "Exit codes: 0 done; 1 messages refused for good by the relay; 2 usage error;\n"
    "3 unusable file, registry, configuration or output, or the run was\n"
    "interrupted (run again to resume).\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

typedef struct prog {
	bool display;
} prog;

static void on_progress(void *ctx, const vg_notify_progress *p)
{
	prog *pr = ctx;
	if (!pr->display)
		return;
	static const char *const fr[] = {"lecture", "tri", "envoi"};
	static const char *const en[] = {"reading", "sorting", "sending"};
	const char *ph = (cli_lang == VG_LANG_EN ? en : fr)[p->phase < 3 ? p->phase : 2];
	if (p->total)
		fprintf(stderr, "\r%s %llu / %llu (%.0f%%) %.1f s   ", ph, (unsigned long long)p->done,
		        (unsigned long long)p->total, 100.0 * (double)p->done / (double)p->total,
		        p->seconds);
	else
		fprintf(stderr, "\r%s %llu %.1f s   ", ph, (unsigned long long)p->done, p->seconds);
}

static json_t *pair(uint64_t e, uint64_t s)
{
	return json_pack("{sIsI}", "email", (json_int_t)e, "sms", (json_int_t)s);
}

static void print_json(const vg_notify_result *r, const vg_registry *reg, bool dry)
{
	const vg_notify_counts *c = &r->counts;
	json_t *cats = json_object(), *srcs = json_object();
	for (unsigned k = 0; k < VG_CAT__COUNT; k++)
		json_object_set_new(cats, vg_category_name((vg_category)k),
		                    pair(c->category[0][k], c->category[1][k]));
	for (unsigned k = 0; k < vg_registry_source_count(reg) && k < VG_SOURCE_MAX; k++)
		json_object_set_new(srcs, vg_registry_source(reg, k)->name,
		                    pair(c->source[0][k], c->source[1][k]));
	json_t *o = json_pack(
	    "{sbss sIsIsIsIsIsIsIsI so so so so sbsIsIsIsIsI s{sfsfsfsf}}", "dry_run", dry, "plan_id",
	    r->plan_id, "files", (json_int_t)c->files, "rows", (json_int_t)c->rows, "rows_bad",
	    (json_int_t)c->rows_bad, "not_exposed", (json_int_t)c->not_exposed, "no_contact",
	    (json_int_t)c->no_contact, "contacts", (json_int_t)c->contacts, "sms_covered",
	    (json_int_t)c->sms_covered, "messages", (json_int_t)c->messages, "channels",
	    pair(c->channel[0], c->channel[1]), "categories", cats, "sources", srcs, "special",
	    pair(c->special[0], c->special[1]), "resumed", r->plan_reused, "resumed_at",
	    (json_int_t)r->resumed_at, "written", (json_int_t)r->written, "failed",
	    (json_int_t)r->failed, "retries", (json_int_t)r->retries, "bodies",
	    (json_int_t)r->bodies, "seconds", "plan", r->plan_seconds, "send", r->send_seconds,
	    "read", r->read_seconds, "merge", r->merge_seconds);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
}

static void print_text(const vg_notify_result *r, const vg_registry *reg, bool dry,
                       vg_notify_out out)
{
	const vg_notify_counts *c = &r->counts;
	printf(L("Plan : %llu ligne(s) lue(s) dans %llu fichier(s) ; %llu message(s) : %llu "
	         "courriel(s), %llu SMS.\n",
	         "Plan: %llu row(s) read in %llu file(s); %llu message(s): %llu email(s), %llu "
	         "SMS.\n"),
	       (unsigned long long)c->rows, (unsigned long long)c->files,
	       (unsigned long long)c->messages, (unsigned long long)c->channel[0],
	       (unsigned long long)c->channel[1]);
	printf(L("Lignes non exposées : %llu ; exposées sans courriel ni mobile : %llu ; lignes "
	         "illisibles : %llu ; SMS évités (un courriel atteint la personne) : %llu.\n",
	         "Rows not exposed: %llu; exposed with no email nor mobile: %llu; unreadable "
	         "rows: %llu; SMS skipped (an email reaches the person): %llu.\n"),
	       (unsigned long long)c->not_exposed, (unsigned long long)c->no_contact,
	       (unsigned long long)c->rows_bad, (unsigned long long)c->sms_covered);
	printf("%-34s %10s %10s\n", L("Par catégorie", "By category"), L("courriel", "email"),
	       "SMS");
	for (unsigned k = 0; k < VG_CAT__COUNT; k++)
		printf("  %-32s %10llu %10llu\n", vg_category_name((vg_category)k),
		       (unsigned long long)c->category[0][k], (unsigned long long)c->category[1][k]);
	printf("%-34s\n", L("Par source", "By source"));
	for (unsigned k = 0; k < vg_registry_source_count(reg) && k < VG_SOURCE_MAX; k++)
		printf("  %-32s %10llu %10llu\n", vg_registry_source(reg, k)->name,
		       (unsigned long long)c->source[0][k], (unsigned long long)c->source[1][k]);
	printf("  %-32s %10llu %10llu\n", L("données sensibles (art. 9)", "special category (art. 9)"),
	       (unsigned long long)c->special[0], (unsigned long long)c->special[1]);
	if (dry)
		return;
	if (r->resumed_at)
		printf(L("Reprise après %llu message(s) déjà faits.\n",
		         "Resumed after %llu message(s) already done.\n"),
		       (unsigned long long)r->resumed_at);
	printf(L("Écrits cette fois : %llu message(s)", "Written this time: %llu message(s)"),
	       (unsigned long long)r->written);
	if (r->send_seconds > 0 && r->written)
		printf(L(" en %.2f s (%.0f messages/s)", " in %.2f s (%.0f messages/s)"),
		       r->send_seconds, (double)r->written / r->send_seconds);
	printf(".\n");
	if (out == VG_NOTIFY_OUT_SMTP)
		printf(L("Refusés définitivement par le relais : %llu ; nouvelles tentatives : %llu.\n",
		         "Refused for good by the relay: %llu; retries: %llu.\n"),
		       (unsigned long long)r->failed, (unsigned long long)r->retries);
}

static int run(int argc, char **argv)
{
	enum { O_SPOOL = 256, O_MAILDIR, O_MBOX, O_SMTP, O_STATE, O_SMS, O_MAP, O_DRY, O_JSON,
	       O_MEM, O_BATCH, O_THREADS, O_RESTART, O_KEY, O_LANG, O_REG, O_CONFIG };
	static const struct option opts[] = {
	    {"config", required_argument, NULL, O_CONFIG},
	    {"registry", required_argument, NULL, O_REG},
	    {"key-file", required_argument, NULL, O_KEY},
	    {"spool", required_argument, NULL, O_SPOOL},
	    {"maildir", required_argument, NULL, O_MAILDIR},
	    {"mbox", required_argument, NULL, O_MBOX},
	    {"smtp", no_argument, NULL, O_SMTP},
	    {"state", required_argument, NULL, O_STATE},
	    {"sms-spool", required_argument, NULL, O_SMS},
	    {"map", required_argument, NULL, O_MAP},
	    {"dry-run", no_argument, NULL, O_DRY},
	    {"json", no_argument, NULL, O_JSON},
	    {"memory", required_argument, NULL, O_MEM},
	    {"batch", required_argument, NULL, O_BATCH},
	    {"threads", required_argument, NULL, O_THREADS},
	    {"restart", no_argument, NULL, O_RESTART},
	    {"quiet", no_argument, NULL, 'q'},
	    {"lang", required_argument, NULL, O_LANG},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	vg_notify_opts o;
	memset(&o, 0, sizeof(o));
	const char *config = NULL, *dir = NULL, *key_file = NULL;
	bool json = false, quiet = false;
	int nout = 0, c;
	opterr = 0;
	optind = 0; /* a full reset: the demo runs commands one after another */
	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case O_CONFIG:
			config = optarg;
			break;
		case O_REG:
			dir = optarg;
			break;
		case O_KEY:
			key_file = optarg;
			break;
		case O_SPOOL:
			o.out = VG_NOTIFY_OUT_SPOOL, o.out_path = optarg, nout++;
			break;
		case O_MAILDIR:
			o.out = VG_NOTIFY_OUT_MAILDIR, o.out_path = optarg, nout++;
			break;
		case O_MBOX:
			o.out = VG_NOTIFY_OUT_MBOX, o.out_path = optarg, nout++;
			break;
		case O_SMTP:
			o.out = VG_NOTIFY_OUT_SMTP, nout++;
			break;
		case O_DRY:
			o.out = VG_NOTIFY_OUT_NONE, nout++;
			break;
		case O_STATE:
			o.state = optarg;
			break;
		case O_SMS:
			o.sms_path = optarg;
			break;
		case O_MAP:
			o.map = optarg;
			break;
		case O_JSON:
			json = true;
			break;
		case O_MEM:
			if (vg_ingest_parse_size(optarg, &o.memory) != 0)
				return cli_usage_error("notify",
				                       L("--memory : taille invalide '%s'",
				                         "--memory: invalid size '%s'"),
				                       optarg);
			break;
		case O_BATCH: {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (errno || *end || v == 0 || v > 100000000 || optarg[0] == '-')
				return cli_usage_error("notify",
				                       L("--batch attend un entier de 1 à 100000000",
				                         "--batch expects an integer from 1 to 100000000"));
			o.batch = (size_t)v;
			break;
		}
		case O_THREADS: {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > VG_NOTIFY_MAX_THREADS || optarg[0] == '-')
				return cli_usage_error("notify",
				                       L("--threads attend un nombre de 1 à %d",
				                         "--threads expects a number from 1 to %d"),
				                       VG_NOTIFY_MAX_THREADS);
			o.threads = (unsigned)v;
			break;
		}
		case O_RESTART:
			o.restart = true;
			break;
		case 'q':
			quiet = true;
			break;
		case O_LANG: {
			vg_lang lang;
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("notify", L("--lang attend fr ou en",
				                                   "--lang expects fr or en"));
			cli_lang = lang;
			break;
		}
		case 'h':
			return cli_print_help(&cmd_notify);
		default:
			return cli_bad_option("notify", optopt, argv, optind);
		}
	}
	if (!config)
		return cli_usage_error("notify", L("--config FICHIER manquant (voir docs/notify.md)",
		                                   "missing --config FILE (see docs/notify.md)"));
	if (nout != 1)
		return cli_usage_error(
		    "notify", L("une sortie et une seule : --spool, --maildir, --mbox, --smtp ou "
		                "--dry-run",
		                "one output and one only: --spool, --maildir, --mbox, --smtp or "
		                "--dry-run"));
	if (optind == argc)
		return cli_usage_error("notify", L("aucun fichier à lire", "no file to read"));
	char state[4200];
	if (!o.state) {
		if (o.out == VG_NOTIFY_OUT_SMTP)
			return cli_usage_error("notify", L("--smtp demande --state DIR",
			                                   "--smtp needs --state DIR"));
		if (o.out == VG_NOTIFY_OUT_NONE) {
			const char *t = getenv("TMPDIR");
			snprintf(state, sizeof(state), "%s", t && *t ? t : "/tmp");
		} else {
			snprintf(state, sizeof(state), "%s.notify-state", o.out_path);
		}
		o.state = state;
	}
	o.lang = cli_lang;
	const char *crash = getenv("VIGIE_NOTIFY_CRASH_AFTER");
	if (crash && *crash)
		o.crash_after = strtoull(crash, NULL, 10);

	vg_registry *reg = NULL;
	vg_regkey *key = NULL;
	vg_err err = {0};
	dir = vg_exposure_registry_dir(dir);
	if (vg_exposure_open(dir, key_file, true, &reg, &key, &err) != 0)
		return cli_fail("notify", EXIT_DATA,
		                L("registre inutilisable : %s", "registry unusable: %s"), err.msg);
	vg_config cfg;
	vg_config_init(&cfg, cli_lang);
	vg_notify_settings st;
	int status = EXIT_OK;
	if (vg_config_load(&cfg, config, &err) != 0 ||
	    vg_notify_from_config(&cfg, reg, &st, &err) != 0) {
		status = cli_fail("notify", EXIT_DATA,
		                  L("configuration invalide : %s", "invalid configuration: %s"),
		                  err.msg);
		goto out;
	}
	o.reg = reg;
	o.key = key;
	o.settings = &st;
	o.stop = &stop_flag;
	prog pr = {.display = !quiet && !json && isatty(STDERR_FILENO)};
	o.progress = on_progress;
	o.progress_ctx = &pr;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	vg_notify_result res;
	int rc = vg_notify_run(&o, (const char *const *)argv + optind, (size_t)(argc - optind),
	                       &res, &err);
	if (pr.display)
		fprintf(stderr, "\r\033[K");
	if (rc) {
		if (stop_flag)
			status = cli_fail("notify", EXIT_DATA,
			                  L("interrompu après %llu message(s) ; relancez la même "
			                    "commande pour reprendre",
			                    "interrupted after %llu message(s); run the same command "
			                    "again to resume"),
			                  (unsigned long long)(res.resumed_at + res.written));
		else
			status = cli_fail("notify", rc == VG_EUSAGE ? EXIT_USAGE : EXIT_DATA, "%s",
			                  err.msg);
		goto out;
	}
	if (json)
		print_json(&res, reg, o.out == VG_NOTIFY_OUT_NONE);
	else
		print_text(&res, reg, o.out == VG_NOTIFY_OUT_NONE, o.out);
	if (res.failed)
		status = EXIT_NEGATIVE;
out:
	vg_config_release(&cfg);
	vg_registry_close(reg);
	vg_regkey_free(key);
	return status;
}

const vg_cmd cmd_notify = {
    .name = "notify",
    .run = run,
    .summary_fr = "le message de l'article 34 à chaque personne exposée (courriel, SMS)",
    .summary_en = "the article 34 message to every person exposed (email, SMS)",
    .help_fr = help_fr,
    .help_en = help_en,
};
