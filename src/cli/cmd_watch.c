/*
 * cmd_watch.c: `vigie watch`, bulk extraction in access logs as it
 * happens (`vigie watch gen` is an alias of `vigie gen --access-log`,
 * cmd_gen.c). Parsing,
 * detection, alert texts, sinks and the replay evaluation live in libvigie
 * (vigie/alog.h, vigie/watch.h, vigie/alog_gen.h); this file reads the
 * options, the lines, and prints.
 */
#include "cli/cli.h"
#include "vigie/alog.h"
#include "vigie/watch.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>

static const char help_fr[] =
    "Usage : vigie watch [OPTIONS] [FICHIER...]\n"
    "        vigie watch --follow FICHIER\n"
    "        vigie watch --replay FICHIER [--truth VÉRITÉ]\n"
    "        vigie watch gen [OPTIONS] (= vigie gen --access-log [OPTIONS])\n"
    "\n"
    "Repère l'extraction massive de données personnelles dans les journaux d'accès\n"
    "d'un système de dossiers (JSONL ou CSV : horodatage, compte, rôle, agence,\n"
    "adresse source, navigateur, action, personne consultée, recherche). Apprend\n"
    "les habitudes de chaque compte, le compare à ses collègues (même rôle, même\n"
    "agence), applique des règles et donne un score de risque ; une alerte dit quel\n"
    "compte, depuis quand, combien de personnes consultées et pourquoi. Sans\n"
    "FICHIER ou avec -, lit l'entrée standard. Les lignes mal formées sont comptées\n"
    "et signalées avec leur numéro, jamais fatales.\n"
    "\n"
    "Entrée :\n"
    "  -F, --follow         suit un fichier qui grandit (comme tail -F, rotation comprise)\n"
    "  --format F           jsonl ou csv (par défaut : d'après la première ligne)\n"
    "  --fields MAP         noms des champs : ts=horodatage,account=agent,... (champs :\n"
    "                       ts account role agency src ua action person query results)\n"
    "  --utc-offset +hh:mm  heure locale des horodatages sans décalage, « Z » ou Unix\n"
    "                       (heures de travail) ; +00:00 par défaut\n"
    "  --max-errors N       lignes mal formées signalées une à une (10 par défaut)\n"
    "Détection :\n"
    "  --ceiling N          personnes distinctes par heure (60 par défaut)\n"
    "  --enum-run N         lectures d'identifiants consécutifs (20)\n"
    "  --export-rows N      lignes d'un gros export (500)\n"
    "  --threshold S        score d'une alerte (10)\n"
    "  --warmup HEURES      apprentissage seul au début du journal (24)\n"
    "Alertes :\n"
    "  (par défaut une ligne JSON par alerte sur la sortie standard)\n"
    "  --text               une ligne de texte par alerte au lieu de JSON\n"
    "  --alerts FICHIER     les alertes dans ce fichier\n"
    "  -q, --quiet          aucune alerte sur la sortie (syslog et webhook restent)\n"
    "  --syslog             aussi vers syslog (auth, « vigie-watch »)\n"
    "  --webhook URL        aussi en POST JSON vers cette URL\n"
    "Rejeu :\n"
    "  --replay             évalue tout un historique ; avec --truth, le délai de\n"
    "                       détection de chaque alerte et incident, et le taux de\n"
    "                       fausses alertes pour 10 000 jours-compte\n"
    "  --truth F            vérité terrain écrite par vigie gen --access-log --truth\n"
    "  --json               le bilan (et l'évaluation) en JSON sur la sortie standard\n"
    "  --lang fr|en         langue des messages et des alertes\n"
    "\n"
    "Journaux synthétiques avec vérité terrain : vigie gen --access-log --help.\n"
    "\n"
    "Codes de sortie : 0 aucune alerte ; 1 au moins une alerte (avec --replay --truth :\n"
    "un objectif manqué) ; 2 erreur d'usage ; 3 fichier illisible ou en-tête CSV sans\n"
    "les colonnes ts, account et action. Détails : docs/watch.md.\n";

static const char help_en[] =
    "Usage: vigie watch [OPTIONS] [FILE...]\n"
    "       vigie watch --follow FILE\n"
    "       vigie watch --replay FILE [--truth TRUTH]\n"
    "       vigie watch gen [OPTIONS] (= vigie gen --access-log [OPTIONS])\n"
    "\n"
    "Catches bulk extraction of personal data in the access logs of a records\n"
    "system (JSONL or CSV: timestamp, account, role, agency, source address, user\n"
    "agent, action, person read, search). Learns each account's habits, compares it\n"
    "with its peers (same role, same agency), applies rules and keeps a risk score;\n"
    "an alert says which account, since when, how many people read, and why.\n"
    "Without FILE or with -, reads standard input. Malformed lines are counted and\n"
    "reported with their line numbers, never fatal.\n"
    "\n"
    "Input:\n"
    "  -F, --follow         follow a growing file (like tail -F, rotation included)\n"
    "  --format F           jsonl or csv (default: from the first line)\n"
    "  --fields MAP         field names: ts=time,account=user,... (fields: ts account\n"
    "                       role agency src ua action person query results)\n"
    "  --utc-offset +hh:mm  wall clock of times without an offset, \"Z\" or Unix times\n"
    "                       (working hours); +00:00 by default\n"
    "  --max-errors N       malformed lines reported one by one (default 10)\n"
    "Detection:\n"
    "  --ceiling N          distinct people per hour (default 60)\n"
    "  --enum-run N         reads of consecutive identifiers (20)\n"
    "  --export-rows N      rows of a large export (500)\n"
    "  --threshold S        score of an alert (10)\n"
    "  --warmup HOURS       learning only at the start of the log (24)\n"
    "Alerts:\n"
    "  (by default one JSON line per alert on standard output)\n"
    "  --text               one line of text per alert instead of JSON\n"
    "  --alerts FILE        alerts into this file\n"
    "  -q, --quiet          no alerts on the output (syslog and webhook still work)\n"
    "  --syslog             also to syslog (auth, \"vigie-watch\")\n"
    "  --webhook URL        also POSTed as JSON to this URL\n"
    "Replay:\n"
    "  --replay             evaluate a whole history; with --truth, the detection\n"
    "                       delay of each alert and incident, and false alerts per\n"
    "                       10,000 account-days\n"
    "  --truth F            ground truth written by vigie gen --access-log --truth\n"
    "  --json               the summary (and evaluation) as JSON on standard output\n"
    "  --lang fr|en         language of messages and alerts\n"
    "\n"
    "Synthetic logs with ground truth: vigie gen --access-log --help.\n"
    "\n"
    "Exit codes: 0 no alert; 1 at least one alert (with --replay --truth: a target\n"
    "missed); 2 usage error; 3 unreadable file, or a CSV header without the ts,\n"
    "account and action columns. Details: docs/watch.md.\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct ctx {
	vg_watch_sink *sink;
	vg_watch_eval *eval;
} ctx;

static void on_alert(void *p, const vg_watch_alert *a)
{
	ctx *c = p;
	vg_watch_sink_alert(c->sink, a);
	if (c->eval)
		vg_watch_eval_alert(c->eval, a);
}

enum {
	O_FORMAT = 256,
	O_FIELDS,
	O_UTC,
	O_MAXERR,
	O_CEILING,
	O_ENUM,
	O_EXPORT,
	O_THRESH,
	O_WARMUP,
	O_TEXT,
	O_ALERTS,
	O_SYSLOG,
	O_WEBHOOK,
	O_REPLAY,
	O_TRUTH,
	O_JSON,
	O_LANG
};

static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int run(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "gen"))
		return cli_gen_access_log("watch gen", argc - 2, argv + 2);
	static const struct option longopts[] = {
	    {"follow", no_argument, NULL, 'F'},
	    {"format", required_argument, NULL, O_FORMAT},
	    {"fields", required_argument, NULL, O_FIELDS},
	    {"utc-offset", required_argument, NULL, O_UTC},
	    {"max-errors", required_argument, NULL, O_MAXERR},
	    {"ceiling", required_argument, NULL, O_CEILING},
	    {"enum-run", required_argument, NULL, O_ENUM},
	    {"export-rows", required_argument, NULL, O_EXPORT},
	    {"threshold", required_argument, NULL, O_THRESH},
	    {"warmup", required_argument, NULL, O_WARMUP},
	    {"text", no_argument, NULL, O_TEXT},
	    {"alerts", required_argument, NULL, O_ALERTS},
	    {"quiet", no_argument, NULL, 'q'},
	    {"syslog", no_argument, NULL, O_SYSLOG},
	    {"webhook", required_argument, NULL, O_WEBHOOK},
	    {"replay", no_argument, NULL, O_REPLAY},
	    {"truth", required_argument, NULL, O_TRUTH},
	    {"json", no_argument, NULL, O_JSON},
	    {"lang", required_argument, NULL, O_LANG},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	vg_alog_opts ao = {0};
	vg_watch_opts wo;
	vg_watch_defaults(&wo);
	vg_watch_sink_opts so = {0};
	bool follow = false, quiet = false, replay = false, json = false;
	const char *alerts_path = NULL, *truth_path = NULL;
	unsigned long max_errors = 10, v;
	const char *cmd = "watch";
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "Fqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			follow = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cli_print_help(&cmd_watch);
		case O_FORMAT:
			if (!strcmp(optarg, "jsonl"))
				ao.format = VG_ALOG_JSONL;
			else if (!strcmp(optarg, "csv"))
				ao.format = VG_ALOG_CSV;
			else
				return cli_usage_error(
				    cmd, L("--format : jsonl ou csv", "--format: jsonl or csv"));
			break;
		case O_FIELDS:
			ao.names = optarg;
			break;
		case O_UTC: {
			char tmp[48];
			int64_t utc;
			int32_t off;
			bool had;
			snprintf(tmp, sizeof(tmp), "2000-01-01T00:00:00%s", optarg);
			if (strlen(optarg) > 6 ||
			    vg_alog_parse_time(tmp, strlen(tmp), 0, &utc, &off, &had) || !had)
				return cli_usage_error(cmd, L("--utc-offset : +hh:mm ou -hh:mm",
				                              "--utc-offset: +hh:mm or -hh:mm"));
			ao.utc_offset = off;
			break;
		}
		case O_MAXERR:
			if (parse_uint(optarg, 0, 1000000, &max_errors))
				return cli_usage_error(
				    cmd, L("--max-errors : un entier de 0 à 1000000",
				           "--max-errors: an integer from 0 to 1000000"));
			break;
		case O_CEILING:
		case O_ENUM:
		case O_EXPORT:
		case O_WARMUP:
			if (parse_uint(optarg, c == O_WARMUP ? 0 : 2, 10000000, &v))
				return cli_usage_error(cmd,
				                       L("%s : un entier de %d à 10000000",
				                         "%s: an integer from %d to 10000000"),
				                       c == O_CEILING  ? "--ceiling"
				                       : c == O_ENUM   ? "--enum-run"
				                       : c == O_EXPORT ? "--export-rows"
				                                       : "--warmup",
				                       c == O_WARMUP ? 0 : 2);
			if (c == O_CEILING)
				wo.ceiling = (unsigned)v;
			else if (c == O_ENUM)
				wo.enum_run = (unsigned)v;
			else if (c == O_EXPORT)
				wo.export_rows = (unsigned)v;
			else
				wo.warmup = (int64_t)v * 3600;
			break;
		case O_THRESH: {
			char *end;
			double d = strtod(optarg, &end);
			if (*end || !(d >= 1 && d <= 1000))
				return cli_usage_error(cmd,
				                       L("--threshold : un nombre de 1 à 1000",
				                         "--threshold: a number from 1 to 1000"));
			wo.threshold = d;
			break;
		}
		case O_TEXT:
			so.text = true;
			break;
		case O_ALERTS:
			alerts_path = optarg;
			break;
		case O_SYSLOG:
			so.syslog = true;
			break;
		case O_WEBHOOK:
			so.webhook = optarg;
			break;
		case O_REPLAY:
			replay = true;
			break;
		case O_TRUTH:
			truth_path = optarg;
			break;
		case O_JSON:
			json = true;
			break;
		case O_LANG: {
			vg_lang lang;
			if (vg_lang_parse(optarg, &lang))
				return cli_usage_error(
				    cmd, L("--lang attend fr ou en", "--lang expects fr or en"));
			cli_lang = lang;
			break;
		}
		default:
			return cli_bad_option(cmd, optopt, argv, optind);
		}
	}
	if (truth_path && !replay)
		return cli_usage_error(cmd,
		                       L("--truth va avec --replay", "--truth goes with --replay"));
	if (follow && replay)
		return cli_usage_error(cmd, L("--follow et --replay s'excluent",
		                              "--follow and --replay exclude each other"));
	int nfiles = argc - optind;
	if (follow && nfiles != 1)
		return cli_usage_error(
		    cmd, L("--follow suit un seul fichier", "--follow follows one file"));
	if (replay && nfiles < 1)
		return cli_usage_error(cmd,
		                       L("--replay attend un fichier", "--replay expects a file"));

	vg_err err = {0};
	vg_alog_parser *parser = vg_xmalloc(sizeof(*parser));
	if (vg_alog_parser_init(parser, &ao, cli_lang, &err)) {
		free(parser);
		return cli_usage_error(cmd, "%s", err.msg);
	}
	FILE *alerts = quiet ? NULL : stdout;
	if (alerts_path && !(alerts = fopen(alerts_path, "w"))) {
		free(parser);
		return cli_fail(cmd, EXIT_DATA, "%s: %s", alerts_path, strerror(errno));
	}
	ctx cx = {0};
	int rc = EXIT_OK;
	if (truth_path && !(cx.eval = vg_watch_eval_load(truth_path, &err))) {
		rc = cli_fail(cmd, EXIT_DATA, "%s", err.msg);
		goto out;
	}
	so.out = alerts;
	so.lang = cli_lang;
	if (!(cx.sink = vg_watch_sink_new(&so, &err))) {
		rc = err.code == VG_EUSAGE ? cli_usage_error(cmd, "%s", err.msg)
		                           : cli_fail(cmd, EXIT_INTERNAL, "%s", err.msg);
		goto out;
	}
	wo.on_alert = on_alert;
	wo.ctx = &cx;
	vg_watch *w = vg_watch_new(&wo);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	uint64_t malformed = 0, first_bad[8];
	unsigned nfirst = 0;
	double t0 = now_s();
	for (int f = 0; f < (nfiles ? nfiles : 1) && !stop_flag; f++) {
		const char *path = nfiles ? argv[optind + f] : "-";
		vg_alog_reader r;
		if (vg_alog_reader_open(&r, path, follow, &err)) {
			rc = cli_fail(cmd, EXIT_DATA, "%s", err.msg);
			break;
		}
		r.stop = &stop_flag;
		vg_alog_line l;
		vg_alog_event ev;
		int got;
		while ((got = vg_alog_reader_next(&r, &l)) == 1) {
			const vg_reason *why = NULL;
			int pr =
			    l.overlong ? VG_EINVAL : vg_alog_parse(parser, l.s, l.len, &ev, &why);
			if (l.overlong)
				why = &vg_alog_reason_too_long;
			if (pr == VG_ALOG_EVENT) {
				vg_watch_event(w, &ev);
				continue;
			}
			if (pr == VG_ALOG_SKIP)
				continue;
			if (pr == VG_EUSAGE) {
				rc = cli_fail(cmd, EXIT_DATA, L("%s:%llu : %s", "%s:%llu: %s"),
				              path, (unsigned long long)l.lineno,
				              vg_reason_text(why, cli_lang));
				break;
			}
			malformed++;
			if (nfirst < 8)
				first_bad[nfirst++] = l.lineno;
			if (malformed <= max_errors)
				fprintf(stderr,
				        L("vigie watch: %s:%llu : ligne mal formée : %s\n",
				          "vigie watch: %s:%llu: malformed line: %s\n"),
				        path, (unsigned long long)l.lineno,
				        vg_reason_text(why, cli_lang));
		}
		if (got < 0)
			rc = cli_fail(cmd, EXIT_DATA, "%s: %s", path, vg_strerror(got));
		vg_alog_reader_close(&r);
		/* a new file starts with its own header */
		if (ao.format != VG_ALOG_JSONL) {
			parser->have_header = false;
			parser->format = ao.format;
		}
		if (rc)
			break;
	}
	double el = now_s() - t0;
	vg_watch_stats st;
	vg_watch_stats_get(w, &st);
	uint64_t failures = vg_watch_sink_failures(cx.sink);
	if (json) {
		json_t *j = json_object();
		json_object_set_new(j, "events", json_integer((json_int_t)st.events));
		json_object_set_new(j, "malformed_lines", json_integer((json_int_t)malformed));
		json_t *fb = json_array();
		for (unsigned i = 0; i < nfirst; i++)
			json_array_append_new(fb, json_integer((json_int_t)first_bad[i]));
		json_object_set_new(j, "first_malformed_lines", fb);
		json_object_set_new(j, "accounts", json_integer((json_int_t)st.accounts));
		json_object_set_new(j, "peer_groups", json_integer((json_int_t)st.peers));
		json_object_set_new(j, "account_days", json_integer((json_int_t)st.account_days));
		json_object_set_new(j, "alerts", json_integer((json_int_t)st.alerts));
		json_object_set_new(j, "updates", json_integer((json_int_t)st.updates));
		json_object_set_new(j, "stuffing_alerts",
		                    json_integer((json_int_t)st.stuffing_alerts));
		json_object_set_new(j, "dropped_events", json_integer((json_int_t)st.dropped));
		json_object_set_new(j, "webhook_failures", json_integer((json_int_t)failures));
		json_object_set_new(j, "memory_bytes", json_integer((json_int_t)st.memory));
		json_object_set_new(j, "seconds", json_real(el));
		json_object_set_new(j, "events_per_second", json_real(el > 0 ? st.events / el : 0));
		if (cx.eval)
			json_object_set_new(j, "evaluation", vg_watch_eval_json(cx.eval));
		json_dumpf(j, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		if (cx.eval)
			vg_watch_eval_print(cx.eval, stdout, cli_lang);
		fflush(stdout); /* the summary comes last, also when both go to one place */
		fprintf(
		    stderr,
		    L("vigie watch : %llu événements, %llu lignes mal formées, %llu comptes, "
		      "%llu alertes (+%llu suites, %llu bourrages), %.2f s, %.2f M événements/s, "
		      "mémoire %.1f Mo\n",
		      "vigie watch: %llu events, %llu malformed lines, %llu accounts, %llu alerts "
		      "(+%llu updates, %llu stuffing), %.2f s, %.2f M events/s, memory %.1f MB\n"),
		    (unsigned long long)st.events, (unsigned long long)malformed,
		    (unsigned long long)st.accounts, (unsigned long long)st.alerts,
		    (unsigned long long)st.updates, (unsigned long long)st.stuffing_alerts, el,
		    el > 0 ? st.events / el / 1e6 : 0.0, st.memory / 1e6);
		if (malformed > max_errors) {
			fprintf(stderr, L("vigie watch : premières lignes mal formées :",
			                  "vigie watch: first malformed lines:"));
			for (unsigned i = 0; i < nfirst; i++)
				fprintf(stderr, " %llu", (unsigned long long)first_bad[i]);
			fputc('\n', stderr);
		}
		if (failures)
			fprintf(stderr,
			        L("vigie watch : %llu appels au webhook ont échoué\n",
			          "vigie watch: %llu webhook calls failed\n"),
			        (unsigned long long)failures);
	}
	if (!rc) {
		if (cx.eval)
			rc = vg_watch_eval_ok(cx.eval) ? EXIT_OK : EXIT_NEGATIVE;
		else if (st.alerts || st.stuffing_alerts)
			rc = EXIT_NEGATIVE;
	}
	vg_watch_free(w);
out:
	vg_watch_sink_free(cx.sink);
	vg_watch_eval_free(cx.eval);
	if (alerts && alerts != stdout)
		fclose(alerts);
	free(parser);
	return rc;
}

const vg_cmd cmd_watch = {
    .name = "watch",
    .run = run,
    .summary_fr = "extraction massive dans les journaux d'accès, en direct",
    .summary_en = "bulk extraction in access logs, as it happens",
    .help_fr = help_fr,
    .help_en = help_en,
};
