/*
 * cmd_audit.c: `vigie audit verify FILE`, checks the hash chain of the
 * helpdesk audit log written by `vigie serve` (vigie/audit.h).
 */
#include "cli/cli.h"
#include "vigie/audit.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char help_fr[] =
    "Usage : vigie audit verify FICHIER [--head SEQ:EMPREINTE] [--json]\n"
    "\n"
    "Vérifie le journal d'audit des conseillers (une ligne JSON par recherche,\n"
    "chaînée par empreintes BLAKE2b) : toute ligne modifiée, supprimée, insérée\n"
    "ou déplacée est détectée, et la première ligne touchée est nommée.\n"
    "Des lignes retirées à la fin ne se voient qu'avec une tête notée ailleurs :\n"
    "--head SEQ:EMPREINTE (ce que cette commande affiche, et ce que le serveur\n"
    "écrit dans son journal en s'arrêtant).\n"
    "\n"
    "Options :\n"
    "  --head SEQ:H       la ligne SEQ doit exister et avoir l'empreinte H ;\n"
    "                     --head H seul : le fichier doit finir par elle\n"
    "  --json             un objet JSON : ok, lines, bad_line, code, message, head\n"
    "  --lang fr|en       langue des messages\n"
    "  -h, --help         cette aide\n"
    "\n"
    "Codes de sortie : 0 journal intact ; 1 journal altéré ; 2 erreur d'usage ;\n"
    "3 fichier illisible.\n";

static const char help_en[] =
    "Usage: vigie audit verify FILE [--head SEQ:HASH] [--json]\n"
    "\n"
    "Verifies the helpdesk audit log (one JSON line per lookup, chained by\n"
    "BLAKE2b hashes): any line edited, deleted, inserted or moved is detected,\n"
    "and the first line affected is named.\n"
    "Lines cut off the end only show against a head kept elsewhere:\n"
    "--head SEQ:HASH (what this command prints, and what the server writes in\n"
    "its log when it stops).\n"
    "\n"
    "Options:\n"
    "  --head SEQ:H       line SEQ must exist and have hash H;\n"
    "                     --head H alone: the file must end with it\n"
    "  --json             one JSON object: ok, lines, bad_line, code, message, head\n"
    "  --lang fr|en       language of messages\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit codes: 0 log intact; 1 log tampered with; 2 usage error;\n"
    "3 unreadable file.\n";

static const char *message_fr(const char *code)
{
	if (!strcmp(code, "edited"))
		return "l'empreinte ne correspond plus au contenu : ligne modifiée";
	if (!strcmp(code, "bad-seq"))
		return "numéro de séquence inattendu : ligne(s) supprimée(s), insérée(s) ou "
		       "déplacée(s)";
	if (!strcmp(code, "broken-chain"))
		return "le chaînage (prev) ne correspond pas à la ligne d'avant : ligne "
		       "remplacée, insérée, supprimée ou déplacée";
	if (!strcmp(code, "cut"))
		return "la dernière ligne n'a pas de fin de ligne : fichier tronqué";
	if (!strcmp(code, "head-mismatch"))
		return "la tête notée ne correspond pas : lignes retirées à la fin, ou "
		       "fichier remplacé";
	return "ce n'est pas une ligne du journal d'audit";
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"head", required_argument, NULL, 'H'}, {"json", no_argument, NULL, 'j'},
	    {"lang", required_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	const char *head = NULL;
	bool json = false;
	int c;
	vg_lang lang;
	opterr = 0;
	optind = 0; /* a full reset: the demo runs commands one after another */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			head = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("audit", L("--lang attend fr ou en",
				                                  "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'h':
			return cli_print_help(&cmd_audit);
		default:
			return cli_bad_option("audit", optopt, argv, optind);
		}
	}
	if (optind >= argc || strcmp(argv[optind], "verify") != 0)
		return cli_usage_error("audit", L("action attendue : verify FICHIER",
		                                  "expected action: verify FILE"));
	if (optind + 2 != argc)
		return cli_usage_error("audit", L("verify attend un FICHIER", "verify expects one FILE"));
	const char *path = argv[optind + 1];
	vg_audit_check ck;
	vg_err err = {0};
	int rc = vg_audit_verify(path, head, &ck, &err);
	if (rc == VG_EINVAL)
		return cli_usage_error("audit", L("--head attend SEQ:EMPREINTE ou EMPREINTE (64 hex)",
		                                  "--head expects SEQ:HASH or HASH (64 hex)"));
	if (rc)
		return cli_fail("audit", EXIT_DATA, "%s", err.msg);
	if (json) {
		char hd[96];
		snprintf(hd, sizeof(hd), "%" PRIu64 ":%s", ck.head_seq, ck.head);
		json_t *o = json_pack("{s:b,s:I,s:I}", "ok", ck.ok, "lines", (json_int_t)ck.lines,
		                      "bad_line", (json_int_t)ck.bad_line);
		json_object_set_new(o, "code", ck.ok ? json_null() : json_string(ck.code));
		json_object_set_new(o, "message",
		                    ck.ok ? json_null()
		                          : json_string(L(message_fr(ck.code), ck.what)));
		json_object_set_new(o, "head", json_string(hd));
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else if (ck.ok) {
		printf(L("%s : intact, %" PRIu64 " lignes ; tête %" PRIu64 ":%s\n",
		         "%s: intact, %" PRIu64 " lines; head %" PRIu64 ":%s\n"),
		       path, ck.lines, ck.head_seq, ck.head);
	} else {
		printf(L("%s : ALTÉRÉ à la ligne %" PRIu64 " (%s) : %s\n",
		         "%s: TAMPERED at line %" PRIu64 " (%s): %s\n"),
		       path, ck.bad_line, ck.code, L(message_fr(ck.code), ck.what));
		printf(L("%" PRIu64 " lignes valides avant elle.\n",
		         "%" PRIu64 " valid lines before it.\n"),
		       ck.lines);
	}
	if (fflush(stdout) != 0)
		return EXIT_DATA;
	return ck.ok ? EXIT_OK : EXIT_NEGATIVE;
}

const vg_cmd cmd_audit = {
    .name = "audit",
    .run = run,
    .summary_fr = "vérifie le journal d'audit chaîné des conseillers",
    .summary_en = "verify the helpdesk's hash-chained audit log",
    .help_fr = help_fr,
    .help_en = help_en,
};
