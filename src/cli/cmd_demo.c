/*
 * cmd_demo.c: `vigie demo`, the whole story on one machine. This first
 * version generates a sample leak and shows what it holds; later steps
 * (ingest, report, serve) append themselves to the steps table below.
 *
 * The demo writes only its own files in its directory (created if needed):
 * leak-1.csv .. leak-3.csv and truth.jsonl; anything else there is left
 * alone.
 */
#include "cli/cli.h"
#include "vigie/config.h"
#include "vigie/exposure.h"
#include "vigie/ingest.h"
#include "vigie/report.h"
#include "vigie/gen.h"
#include "vigie/notify.h"
#include "vigie/pwned.h"
#include "vigie/token.h"

#include <sodium.h>

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char help_fr[] =
    "Usage : vigie demo [--dir RÉPERTOIRE] [--people N] [--seed S] [--listen HÔTE:PORT]\n"
    "                   [--no-serve]\n"
    "\n"
    "Montre vigie sur une fuite synthétique, étape par étape : génère une fuite\n"
    "réaliste de 100 000 personnes (trois fichiers CSV un peu désordonnés par\n"
    "source, comme les vrais, et leur vérité terrain), décrit ce qu'elle contient,\n"
    "l'intègre dans un registre des expositions (pseudonymes à clé), écrit le\n"
    "projet de notification à la CNIL (article 33, en Markdown, HTML et JSON),\n"
    "écrit le message de l'article 34 à chaque personne dans un spool (et en montre\n"
    "un), vérifie une personne comme le ferait un conseiller, puis démarre le\n"
    "service de vérification (vigie serve) sur 127.0.0.1:8080 avec une liste\n"
    "d'exemple de mots de passe divulgués, et dit quoi ouvrir et essayer. Les\n"
    "données sont inventées.\n"
    "\n"
    "Options :\n"
    "  --dir R         répertoire de la démo (par défaut ./vigie-demo ; créé au besoin).\n"
    "                  Seuls les fichiers de la démo y sont écrits (leak-*.csv,\n"
    "                  truth.jsonl, rapport-cnil.*, registry/, notify-spool*,\n"
    "                  serve.conf, tokens, outbox/, refaits à chaque fois) ; le reste\n"
    "                  n'est pas touché.\n"
    "  -n, --people N  nombre de personnes (100000 par défaut)\n"
    "  -s, --seed S    graine (1 par défaut)\n"
    "  --listen A      adresse du service (127.0.0.1:8080 par défaut ; port 0 : libre)\n"
    "  --no-serve      s'arrêter avant de démarrer le service\n"
    "  --lang fr|en    langue\n"
    "  -h, --help      cette aide\n"
    "\n"
    "Codes de sortie : 0 succès (après Ctrl-C quand le service tourne) ; 2 erreur\n"
    "d'usage ; 3 écriture impossible ou adresse déjà prise.\n";

static const char help_en[] =
    "Usage: vigie demo [--dir DIRECTORY] [--people N] [--seed S] [--listen HOST:PORT]\n"
    "                  [--no-serve]\n"
    "\n"
    "Shows vigie on a synthetic leak, step by step: generates a realistic leak of\n"
    "100,000 people (three slightly messy CSV files per source, like real ones, and\n"
    "their ground truth), describes what it holds, ingests it into an exposure\n"
    "registry (keyed pseudonyms), writes the draft notification to the CNIL (art.\n"
    "33, in Markdown, HTML and JSON), writes the art. 34 message to every person into\n"
    "a spool (and shows one), checks one person as a helpdesk would, then starts\n"
    "the check service (vigie serve) on 127.0.0.1:8080 with a sample list of\n"
    "breached passwords, and says what to open and try. The data is made up.\n"
    "\n"
    "Options:\n"
    "  --dir D         the demo's directory (default ./vigie-demo; created if needed).\n"
    "                  Only the demo's files are written there (leak-*.csv,\n"
    "                  truth.jsonl, rapport-cnil.*, registry/, notify-spool*,\n"
    "                  serve.conf, tokens, outbox/, rebuilt each time); nothing else\n"
    "                  is touched.\n"
    "  -n, --people N  number of people (default 100000)\n"
    "  -s, --seed S    seed (default 1)\n"
    "  --listen A      the service's address (default 127.0.0.1:8080; port 0: free)\n"
    "  --no-serve      stop before starting the service\n"
    "  --lang fr|en    language\n"
    "  -h, --help      this help\n"
    "\n"
    "Exit codes: 0 success (after Ctrl-C when the service runs); 2 usage error;\n"
    "3 cannot write, or address in use.\n";

#define DEMO_FILES 3

/* What the steps share. */
typedef struct demo {
	const char *dir;
	uint64_t people, seed;
	char leak_pattern[4096];
	char truth[4096];
	vg_gen_opts gen;
	vg_gen_stats st;
	char registry[4096];
	char email[256];       /* an exposed address, for the service step */
	char conf[4096];       /* the service's serve.conf */
	const char *listen;    /* where the service listens */
	bool serve;            /* start it at the end (not with --no-serve) */
} demo;

typedef struct demo_step {
	const char *title_fr, *title_en;
	int (*run)(demo *d);
} demo_step;

/* Monotonic seconds. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 1234567 as "1 234 567" (French) or "1,234,567" (English). */
static const char *num(uint64_t v, char *buf, size_t cap)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	char sep = cli_lang == VG_LANG_EN ? ',' : ' ';
	size_t k = 0;
	for (int i = 0; i < n && k + 2 < cap; i++) {
		if (i && (n - i) % 3 == 0)
			buf[k++] = sep;
		buf[k++] = tmp[i];
	}
	buf[k] = '\0';
	return buf;
}

/* Seconds with one decimal, with a decimal comma in French. */
static const char *secs(double s, char *buf, size_t cap)
{
	snprintf(buf, cap, "%.1f", s);
	if (cli_lang == VG_LANG_FR)
		for (char *p = buf; *p; p++)
			if (*p == '.')
				*p = ',';
	return buf;
}

/* mkdir -p, one level at a time. */
static int make_dir(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		char c = tmp[i];
		tmp[i] = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -1;
		tmp[i] = c;
	}
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* Step 1: the leak, its files and its truth. */
static int step_generate(demo *d)
{
	char a[32], b[32], c[32];
	if (make_dir(d->dir) != 0)
		return cli_fail("demo", EXIT_DATA,
		                L("impossible de créer le répertoire '%s' : %s",
		                  "cannot create directory '%s': %s"),
		                d->dir, strerror(errno));
	snprintf(d->leak_pattern, sizeof(d->leak_pattern), "%s/leak.csv", d->dir);
	snprintf(d->truth, sizeof(d->truth), "%s/truth.jsonl", d->dir);
	vg_gen_opts *o = &d->gen;
	vg_gen_opts_init(o);
	o->lang = cli_lang;
	o->people = d->people;
	o->seed = d->seed;
	o->mess = 1;
	o->files = DEMO_FILES;
	o->split_sources = true; /* one set of files per source, as extracted */
	o->delimiter = ';';
	o->output = d->leak_pattern;
	o->truth = d->truth;
	vg_err err;
	if (vg_gen_run(o, &d->st, &err) != 0)
		return cli_fail("demo", EXIT_DATA, "%s", err.msg);
	const vg_gen_stats *s = &d->st;
	printf(L("  %s personnes, %s lignes, en %s s (%s personnes/s)\n",
	         "  %s people, %s rows, in %s s (%s people/s)\n"),
	       num(s->people, a, sizeof(a)), num(s->rows, b, sizeof(b)),
	       secs(s->seconds, c, sizeof(c)),
	       num(s->seconds > 0 ? (uint64_t)(s->people / s->seconds) : 0, c + 16, 16));
	printf(L("  France Travail : %s lignes ; Cap Emploi : %s lignes ; %s personnes dans les "
	         "deux\n",
	         "  France Travail: %s rows; Cap Emploi: %s rows; %s people in both\n"),
	       num(s->rows_ft, a, sizeof(a)), num(s->rows_ce, b, sizeof(b)),
	       num(s->people_both, c, sizeof(c)));
	printf(L("  fichiers :\n", "  files:\n"));
	for (unsigned f = 0; f < s->nfiles; f++) {
		char name[4096];
		if (vg_gen_file_name(o, f, name, sizeof(name)) < 0)
			continue;
		struct stat stt;
		uint64_t size = stat(name, &stt) == 0 ? (uint64_t)stt.st_size : 0;
		printf(L("    %s  %s lignes, %s octets\n", "    %s  %s rows, %s bytes\n"), name,
		       num(s->file_rows[f], a, sizeof(a)), num(size, b, sizeof(b)));
	}
	printf(L("    %s  la vérité terrain (une ligne JSON par personne)\n",
	         "    %s  the ground truth (one JSON line per person)\n"),
	       d->truth);
	return EXIT_OK;
}

/* The label of a category for people. */
static const char *cat_label(int c)
{
	static const char *const fr[VG_GEN_CAT__COUNT] = {"nom",
	                                                  "NIR",
	                                                  "date de naissance",
	                                                  "identifiant France Travail",
	                                                  "email",
	                                                  "adresse postale",
	                                                  "téléphone",
	                                                  "sexe",
	                                                  "lieu de naissance",
	                                                  "inscription"};
	static const char *const en[VG_GEN_CAT__COUNT] = {
	    "name",           "NIR",   "date of birth", "France Travail id", "email",
	    "postal address", "phone", "sex",           "place of birth",    "registration"};
	return L(fr[c], en[c]);
}

/* Step 2: what the leak holds, and examples. */
static int step_describe(demo *d)
{
	const vg_gen_stats *s = &d->st;
	char a[32], b[32], c[32];
	printf(L("  personnes exposées, par catégorie de données (lignes intactes) :\n",
	         "  people exposed, by category of data (intact rows):\n"));
	for (int k = 0; k < VG_GEN_CAT__COUNT; k++) {
		/* pad by characters, not bytes (UTF-8 labels) */
		const char *lab = cat_label(k);
		int width = 0;
		for (const char *q = lab; *q; q++)
			width += ((unsigned char)*q & 0xC0) != 0x80;
		printf("    %s%*s %12s\n", lab, 28 - width, "",
		       num(s->cat_people[k], a, sizeof(a)));
	}
	printf(L("  désordre : %s lignes en double, %s en Windows-1252, %s tronquées,\n"
	         "  %s guillemets non fermés, %s séparateurs en trop\n",
	         "  disorder: %s duplicate rows, %s in Windows-1252, %s truncated,\n"
	         "  %s unclosed quotes, %s extra delimiters\n"),
	       num(s->duplicate_rows, a, sizeof(a)), num(s->cp1252_rows, b, sizeof(b)),
	       num(s->damaged[VG_GEN_DMG_TRUNCATED], c, sizeof(c)),
	       num(s->damaged[VG_GEN_DMG_BAD_QUOTE], a + 16, 16),
	       num(s->damaged[VG_GEN_DMG_EXTRA_FIELD], b + 16, 16));
	printf(L("  exemples (données inventées) :\n", "  examples (made-up data):\n"));
	vg_gen_model *m = vg_gen_model_new(d->people, d->seed);
	for (uint64_t i = 0; i < 3 && i < d->people; i++) {
		vg_gen_person p;
		vg_gen_person_make(m, i, &p);
		char born[64];
		if (!strcmp(p.birth_country, "FR"))
			snprintf(born, sizeof(born), "%s", p.birthplace);
		else
			snprintf(born, sizeof(born), "%s (%s)", p.birthplace, p.birth_country);
		char maiden[VG_GEN_TEXT_MAX + 16] = "";
		if (strcmp(p.nom_usage, p.nom_naissance))
			snprintf(maiden, sizeof(maiden), " (%s %s)", p.sex == 2 ? "née" : "né",
			         p.nom_naissance);
		const char *bornw = cli_lang == VG_LANG_EN ? "born"
		                    : p.sex == 2           ? "née le"
		                                           : "né le";
		printf("    %s %s%s, %s %02d/%02d/%04d %s %s, NIR %s\n", p.prenom, p.nom_usage,
		       maiden, bornw, p.birth_day, p.birth_month, p.birth_year, L("à", "in"), born,
		       p.nir);
		printf("      %s, %s, %s %s %s\n", p.email, p.phone, p.address, p.postcode,
		       p.commune);
		const char *src = p.sources == (VG_GEN_SRC_FT | VG_GEN_SRC_CE)
		                      ? "France Travail + Cap Emploi"
		                  : p.sources == VG_GEN_SRC_CE ? "Cap Emploi"
		                                               : "France Travail";
		if (p.reg_end[0])
			printf(L("      %s, identifiant %s, inscription du %02d/%02d/%04d au "
			         "%02d/%02d/%04d (%s)\n",
			         "      %s, id %s, registered from %02d/%02d/%04d to "
			         "%02d/%02d/%04d (%s)\n"),
			       src, p.ft_id, p.reg_start[2], p.reg_start[1], p.reg_start[0],
			       p.reg_end[2], p.reg_end[1], p.reg_end[0], p.status);
		else
			printf(L("      %s, identifiant %s, %s depuis le %02d/%02d/%04d\n",
			         "      %s, id %s, %s since %02d/%02d/%04d\n"),
			       src, p.ft_id, p.status, p.reg_start[2], p.reg_start[1],
			       p.reg_start[0]);
	}
	vg_gen_model_free(m);
	return EXIT_OK;
}


/* Removes the demo's own registry directory (a fresh story every run). */
static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Step 3: the leaked files into the exposure registry (keyed pseudonyms). */
static int step_ingest(demo *d)
{
	char a[32], b[32], c[32];
	snprintf(d->registry, sizeof(d->registry), "%s/registry", d->dir);
	if (nftw(d->registry, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
		return cli_fail("demo", EXIT_DATA, L("impossible de vider '%s' : %s",
		                                     "cannot empty '%s': %s"),
		                d->registry, strerror(errno));
	static char names[2 * DEMO_FILES][4096];
	const char *files[2 * DEMO_FILES];
	size_t n = 0;
	for (unsigned f = 0; f < d->st.nfiles && n < 2 * DEMO_FILES; f++)
		if (vg_gen_file_name(&d->gen, f, names[n], sizeof(names[n])) >= 0) {
			files[n] = names[n];
			n++;
		}
	vg_ingest_opts o;
	vg_ingest_opts_init(&o);
	o.dir = d->registry;
	o.lang = cli_lang;
	static vg_ingest_summary sum;
	vg_err err;
	int rc = vg_ingest_run(&o, files, n, &sum, &err);
	if (rc != 0) {
		vg_ingest_summary_release(&sum);
		return cli_fail("demo", EXIT_DATA, "%s", err.msg);
	}
	const vg_ingest_counts *t = &sum.total;
	printf(L("  %s lignes lues = %s acceptées + %s rejetées, en %s s (%s lignes/s)\n",
	         "  %s rows read = %s accepted + %s rejected, in %s s (%s rows/s)\n"),
	       num(t->rows_read, a, sizeof(a)), num(t->rows_accepted, b, sizeof(b)),
	       num(t->rows_rejected, c, sizeof(c)), secs(sum.seconds, c + 16, 16),
	       num(sum.seconds > 0 ? (uint64_t)((double)t->rows_read / sum.seconds) : 0, a + 16,
	           16));
	printf(L("  identifiants enregistrés (pseudonymes à clé, jamais en clair) :\n",
	         "  identifiers recorded (keyed pseudonyms, never in clear):\n"));
	for (unsigned k = 0; k < VG_IDTAB__COUNT; k++)
		printf("    %-10s %12s\n", vg_idtab_name((vg_idtab)k),
		       num(sum.result.table_entries[k], a, sizeof(a)));
	printf(L("  registre : %s (clé : %s/registry.key, 0600)\n",
	         "  registry: %s (key: %s/registry.key, 0600)\n"),
	       d->registry, d->registry);
	if (sum.rejects_written)
		printf(L("  lignes rejetées et leur raison : %s (données en clair : à relire puis "
		         "supprimer)\n",
		         "  rejected rows and why: %s (clear data: review, then delete)\n"),
		       sum.rejects_path);
	vg_ingest_summary_release(&sum);
	return EXIT_OK;
}

/* The demo's report configuration: the France Travail timeline of 2024. */
static const char demo_config[] =
    "[organisation]\n"
    "name = France Travail (démonstration vigie)\n"
    "address = 1 avenue du Docteur Gley, 75020 Paris\n"
    "[dpo]\n"
    "name = Délégué à la protection des données\n"
    "email = dpo@example.org\n"
    "[breach]\n"
    "nature = Des comptes de conseillers de Cap Emploi ont été détournés et utilisés "
    "pour extraire les dossiers des demandeurs d'emploi.\n"
    "discovery = Volume anormal d'extractions repéré dans les journaux d'accès.\n"
    "intrusion_start = 2024-02-06\n"
    "intrusion_end = 2024-03-05\n"
    "awareness = 2024-03-05 18:00\n"
    "notification = 2024-03-08 10:00\n"
    "measures_taken = Comptes de conseillers compromis désactivés\n"
    "measures_proposed = Authentification à deux facteurs pour les conseillers partenaires\n"
    "[sources]\n"
    "special_category = Cap Emploi\n";

/* Step 4: the art. 33 notification draft, in three formats. */
static int step_report(demo *d)
{
	vg_registry *reg = NULL;
	vg_regkey *key = NULL;
	vg_err err;
	if (vg_exposure_open(d->registry, NULL, false, &reg, &key, &err) != 0)
		return cli_fail("demo", EXIT_DATA, "%s", err.msg);
	static vg_report_source sources[VG_SOURCE_MAX];
	static char key_id[VG_REGKEY_ID_HEX + 1];
	vg_report_input in;
	memset(&in, 0, sizeof(in));
	vg_exposure_report_input(reg, sources, key_id, &in);
	int64_t t = (int64_t)time(NULL);
	in.generated_at = vg_report_time_paris(t);
	vg_config cfg;
	vg_config_init(&cfg, cli_lang);
	int rc = vg_config_parse(&cfg, "demo.conf", demo_config, sizeof(demo_config) - 1, &err);
	if (rc == 0)
		rc = vg_report_from_config(&cfg, t, &in, &err);
	static const struct {
		vg_report_format fmt;
		const char *ext;
	} outs[] = {{VG_REPORT_MARKDOWN, "md"}, {VG_REPORT_HTML, "html"}, {VG_REPORT_JSON, "json"}};
	for (size_t i = 0; rc == 0 && i < sizeof(outs) / sizeof(outs[0]); i++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/rapport-cnil.%s", d->dir, outs[i].ext);
		FILE *f = fopen(path, "w");
		if (!f) {
			rc = vg_err_set(&err, VG_EIO, "%s: %s", path, strerror(errno));
			break;
		}
		rc = vg_report_print(&in, outs[i].fmt, cli_lang, f, &err);
		if (fclose(f) != 0 && rc == 0)
			rc = vg_err_set(&err, VG_EIO, "%s: %s", path, strerror(errno));
		if (rc == 0)
			printf("  %s\n", path);
	}
	if (rc == 0) {
		char a[32], b[32];
		vg_report_deadline dl = vg_report_deadline_of(&in);
		printf(L("  %s personnes exposées (environ), %s lignes ; données sensibles (art. 9) : "
		         "%s\n",
		         "  %s people exposed (approximately), %s rows; special-category data (art. "
		         "9): %s\n"),
		       num(in.totals.people, a, sizeof(a)), num(in.totals.rows_accepted, b, sizeof(b)),
		       vg_report_special(&in) ? L("oui (Cap Emploi)", "yes (Cap Emploi)")
		                              : L("non", "no"));
		printf(L("  notification %s h après la prise de connaissance : %s\n",
		         "  notified %s h after awareness: %s\n"),
		       num((uint64_t)(dl.elapsed / 3600), a, sizeof(a)),
		       !dl.within ? L("hors délai (72 h)", "late (72 h)")
		               : L("dans le délai de 72 h", "within the 72-hour deadline"));
	}
	vg_config_release(&cfg);
	vg_registry_close(reg);
	if (rc != 0)
		return cli_fail("demo", EXIT_DATA, "%s", err.msg);
	return EXIT_OK;
}

/* Step 5: what to try: a real check on one generated person, and the commands. */
static int step_try(demo *d)
{
	json_error_t jerr;
	FILE *f = fopen(d->truth, "r");
	if (!f)
		return cli_fail("demo", EXIT_DATA, "%s: %s", d->truth, strerror(errno));
	json_t *person = NULL;
	char line[65536];
	while (!person && fgets(line, sizeof(line), f)) {
		json_t *o = json_loads(line, 0, &jerr);
		const char *type = json_string_value(json_object_get(o, "type"));
		if (type && !strcmp(type, "person") && json_string_value(json_object_get(o, "email")))
			person = o;
		else
			json_decref(o);
	}
	fclose(f);
	if (!person)
		return cli_fail("demo", EXIT_DATA, L("%s : aucune personne", "%s: no person"),
		                d->truth);
	const char *email = json_string_value(json_object_get(person, "email"));
	const char *phone = json_string_value(json_object_get(person, "phone"));
	const char *nir = json_string_value(json_object_get(person, "nir"));
	snprintf(d->email, sizeof(d->email), "%s", email);
	vg_registry *reg = NULL;
	vg_regkey *key = NULL;
	vg_err err;
	vg_exposure e;
	int rc = vg_exposure_open(d->registry, NULL, true, &reg, &key, &err);
	if (rc == 0 && vg_exposure_check(reg, VG_IDTAB_EMAIL, email, strlen(email), NULL, 0, &e) == 0) {
		printf("  $ vigie check --registry %s --email %s\n", d->registry, email);
		fflush(stdout);
		(void)!vg_exposure_text(reg, &e, cli_lang, stdout);
	}
	if (rc == 0) {
		printf(L("\n  À essayer aussi :\n", "\n  Also try:\n"));
		if (phone)
			printf("    vigie check --registry %s --phone %s\n", d->registry, phone);
		if (nir)
			printf("    vigie check --registry %s --nir %s --json\n", d->registry, nir);
		printf("    vigie check --registry %s --email personne@example.org\n", d->registry);
		printf("    vigie registry info --registry %s\n", d->registry);
	}
	json_decref(person);
	vg_registry_close(reg);
	vg_regkey_free(key);
	if (rc != 0)
		return cli_fail("demo", EXIT_DATA, "%s", err.msg);
	return EXIT_OK;
}

/* Step 5: the art. 34 message to every person, into a spool; one shown. */
static int step_notify(demo *d)
{
	static const char notify_config[] = "[notify]\n"
	                                    "from = notification@francetravail.example\n"
	                                    "site = francetravail.fr\n"
	                                    "sms_sender = FTRAVAIL\n";
	char spool[4200], state[4200], a[32], b[32], c[32];
	snprintf(spool, sizeof(spool), "%s/notify-spool", d->dir);
	snprintf(state, sizeof(state), "%s/notify-spool.notify-state", d->dir);
	for (int i = 0; i < 2; i++) {
		const char *p = i ? state : spool;
		if (nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
			return cli_fail("demo", EXIT_DATA,
			                L("impossible de vider '%s' : %s", "cannot empty '%s': %s"), p,
			                strerror(errno));
	}
	static char names[2 * DEMO_FILES][4096];
	const char *files[2 * DEMO_FILES];
	size_t n = 0;
	for (unsigned f = 0; f < d->st.nfiles && n < 2 * DEMO_FILES; f++)
		if (vg_gen_file_name(&d->gen, f, names[n], sizeof(names[n])) >= 0)
			files[n] = names[n], n++;
	vg_registry *reg = NULL;
	vg_regkey *key = NULL;
	vg_err err;
	if (vg_exposure_open(d->registry, NULL, true, &reg, &key, &err) != 0)
		return cli_fail("demo", EXIT_DATA, "%s", err.msg);
	size_t clen = strlen(demo_config) + strlen(notify_config);
	char *text = vg_xmalloc(clen + 1);
	snprintf(text, clen + 1, "%s%s", demo_config, notify_config);
	vg_config cfg;
	vg_config_init(&cfg, cli_lang);
	vg_notify_settings st;
	vg_notify_result res;
	vg_notify_opts o;
	memset(&o, 0, sizeof(o));
	int rc = vg_config_parse(&cfg, "demo.conf", text, clen, &err);
	if (rc == 0)
		rc = vg_notify_from_config(&cfg, reg, &st, &err);
	if (rc == 0) {
		o.reg = reg;
		o.key = key;
		o.settings = &st;
		o.out = VG_NOTIFY_OUT_SPOOL;
		o.out_path = spool;
		o.state = state;
		o.lang = cli_lang;
		rc = vg_notify_run(&o, files, n, &res, &err);
	}
	vg_notify_buf msg, txt;
	vg_buf_init(&msg, 2 * VG_NOTIFY_BODY_MAX);
	vg_buf_init(&txt, VG_NOTIFY_BODY_MAX);
	if (rc == 0) {
		const vg_notify_counts *k = &res.counts;
		printf(L("  %s messages : %s courriels, %s SMS (une adresse, un message ; les "
		         "catégories et sources de chacun d'après le registre)\n",
		         "  %s messages: %s emails, %s SMS (one per address; each one's categories "
		         "and sources from the registry)\n"),
		       num(k->messages, a, sizeof(a)), num(k->channel[0], b, sizeof(b)),
		       num(k->channel[1], c, sizeof(c)));
		printf(L("  écrits en %s s (%s messages/s) dans le spool %s\n",
		         "  written in %s s (%s messages/s) to the spool %s\n"),
		       secs(res.send_seconds, a, sizeof(a)),
		       num(res.send_seconds > 0 ? (uint64_t)((double)res.written / res.send_seconds)
		                                : 0,
		           b, sizeof(b)),
		       spool);
		/* the first message of the spool, as its person would read it */
		if (vg_notify_spool_message(spool, 1, 0, &msg, &err) == 0 && msg.data &&
		    vg_notify_text_part(msg.data, msg.len, &txt) == 0 && txt.data) {
			const char *to = strstr(msg.data, "\nTo: ");
			int tl = to ? (int)strcspn(to + 5, "\r\n") : 0;
			printf(L("  le premier message (pour %.*s, texte seul ; la partie HTML dit la "
			         "même chose) :\n\n",
			         "  the first message (to %.*s, text only; the HTML part says the same):"
			         "\n\n"),
			       tl, to ? to + 5 : "");
			for (const char *p = txt.data; *p;) {
				size_t l = strcspn(p, "\n");
				printf(l ? "    %.*s\n" : "%.*s\n", (int)l, p);
				p += l + (p[l] == '\n');
			}
		}
	}
	vg_buf_release(&msg);
	vg_buf_release(&txt);
	vg_config_release(&cfg);
	free(text);
	vg_registry_close(reg);
	vg_regkey_free(key);
	if (rc != 0)
		return cli_fail("demo", EXIT_DATA, "%s", err.msg);
	return EXIT_OK;
}

/* The demo, in order. Later versions add notify and serve here. */
/* Step 7: the check service, with a sample list of breached passwords, a
 * helpdesk token and the public check's outbox in the demo's directory. */
static int step_serve(demo *d)
{
	char pw[4096], tokens[4096], tok[VG_TOKEN_TEXT_MAX];
	vg_err err;
	snprintf(pw, sizeof(pw), "%s/passwords-sample.txt", d->dir);
	FILE *f = fopen(pw, "w");
	if (!f || fwrite(vg_pwned_sample, 1, vg_pwned_sample_len, f) != vg_pwned_sample_len ||
	    fclose(f) != 0)
		return cli_fail("demo", EXIT_DATA, "%s: %s", pw, strerror(errno));
	vg_pwned_ingest_opts po;
	memset(&po, 0, sizeof(po));
	po.dir = d->registry;
	po.kind = VG_PWNED_LIST_AUTO;
	vg_pwned_summary ps;
	const char *paths[] = {pw};
	if (vg_pwned_ingest(&po, paths, 1, &ps, &err) != 0)
		return cli_fail("demo", EXIT_DATA, "%s", err.msg);
	printf(L("  %s : liste d'exemple de %zu mots de passe divulgués (occurrences\n"
	         "  inventées), intégrée au registre en SHA-1 et NTLM\n",
	         "  %s: sample list of %zu breached passwords (invented counts),\n"
	         "  ingested into the registry as SHA-1 and NTLM\n"),
	       pw, (size_t)ps.accepted);
	vg_pwned_summary_release(&ps);

	snprintf(tokens, sizeof(tokens), "%s/tokens", d->dir);
	(void)unlink(tokens);
	if (vg_tokens_add(tokens, "demo", 0, tok, &err) != 0)
		return cli_fail("demo", EXIT_DATA, "%s", err.msg);

	snprintf(d->conf, sizeof(d->conf), "%s/serve.conf", d->dir);
	f = fopen(d->conf, "w");
	if (!f)
		return cli_fail("demo", EXIT_DATA, "%s: %s", d->conf, strerror(errno));
	fprintf(f,
	        "# vigie serve, as the demo runs it (reference: docs/examples/serve.conf)\n"
	        "[server]\nlisten = %s\naccess_log = %s/access.log\n"
	        "[registry]\ndir = %s\n"
	        "[operator]\ntokens = %s\naudit_log = %s/audit.jsonl\n"
	        "[public]\noutbox = %s/outbox\nattest_key = %s/attest.key\n"
	        "organisation = France Travail (démonstration)\n"
	        "breach = Fuite de données France Travail (démonstration)\n",
	        d->listen, d->dir, d->registry, tokens, d->dir, d->dir, d->dir);
	if (fclose(f) != 0)
		return cli_fail("demo", EXIT_DATA, "%s: %s", d->conf, strerror(errno));

	const char *host = d->listen;
	printf(L("  %s : la configuration du service\n", "  %s: the service's configuration\n"),
	       d->conf);
	printf(L("\n  À ouvrir : http://%s/\n"
	         "    - « Mes données ont-elles fuité ? » avec %s : le code arrive dans\n"
	         "      %s/outbox (un fichier .eml par courriel) ; une adresse absente reçoit\n"
	         "      la même réponse et aucun code ;\n"
	         "    - un mot de passe : « password » ou « azerty » (divulgués), un autre ;\n"
	         "    - « Ce message est-il authentique ? » : collez un SMS.\n",
	         "\n  Open: http://%s/\n"
	         "    - \"Has my data leaked?\" with %s: the code lands in\n"
	         "      %s/outbox (one .eml file per email); an absent address gets\n"
	         "      the same answer and no code;\n"
	         "    - a password: \"password\" or \"azerty\" (breached), another one;\n"
	         "    - \"Is this message genuine?\": paste an SMS.\n"),
	       host, d->email, d->dir);
	printf(L("\n  Pour les conseillers (jeton « demo », journal d'audit %s/audit.jsonl) :\n",
	         "\n  For helpdesks (token \"demo\", audit log %s/audit.jsonl):\n"),
	       d->dir);
	printf("    curl -s -H 'Authorization: Bearer %s' \\\n"
	       "      -d '{\"kind\":\"email\",\"value\":\"%s\"}' http://%s/v1/operator/check\n",
	       tok, d->email, host);
	printf("    vigie audit verify %s/audit.jsonl\n", d->dir);
	printf(L("  Mots de passe divulgués (compatible Have I Been Pwned) :\n",
	         "  Breached passwords (Have I Been Pwned compatible):\n"));
	printf("    curl -s http://%s/range/5BAA6 | grep 1E4C9B93F3F0682250B6CF8331B7EE68FD8\n",
	       host);
	printf("    vigie password --api http://%s\n", host);
	sodium_memzero(tok, sizeof(tok));
	if (!d->serve)
		printf(L("\n  Pour démarrer le service : vigie serve --config %s\n",
		         "\n  To start the service: vigie serve --config %s\n"),
		       d->conf);
	return EXIT_OK;
}

static const demo_step steps[] = {
    {"génération de la fuite", "generating the leak", step_generate},
    {"ce que contient la fuite", "what the leak holds", step_describe},
    {"intégration dans le registre des expositions", "ingesting into the exposure registry",
     step_ingest},
    {"notification à la CNIL (article 33 du RGPD)", "notifying the CNIL (GDPR article 33)",
     step_report},
    {"message à chaque personne (article 34 du RGPD)", "a message to every person (GDPR "
     "article 34)", step_notify},
    {"vérifier une personne", "checking a person", step_try},
    {"le service de vérification", "the check service", step_serve},
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* Options, then the steps in order. */
static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dir", required_argument, NULL, 'D'},  {"people", required_argument, NULL, 'n'},
	    {"seed", required_argument, NULL, 's'}, {"lang", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},       {"listen", required_argument, NULL, 'L'},
	    {"no-serve", no_argument, NULL, 'N'},   {0, 0, 0, 0},
	};
	static demo d;
	memset(&d, 0, sizeof(d));
	d.dir = "./vigie-demo";
	d.people = 100000;
	d.seed = 1;
	d.listen = "127.0.0.1:8080";
	d.serve = true;
	int c;
	vg_lang lang;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+hn:s:", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			if (!*optarg)
				return cli_usage_error("demo", L("--dir attend un répertoire",
				                                 "--dir expects a directory"));
			d.dir = optarg;
			break;
		case 'n':
		case 's': {
			/* the generator's parser checks numbers the same way */
			vg_gen_opts o;
			vg_err err;
			vg_gen_opts_init(&o);
			o.lang = cli_lang;
			char *args[] = {"gen", c == 'n' ? "--people" : "--seed", optarg, NULL};
			if (vg_gen_parse_args(3, args, &o, &err) != 0)
				return cli_usage_error("demo", "%s", err.msg);
			if (c == 'n' && (o.people == 0 || o.people > 100000000))
				return cli_usage_error(
				    "demo", L("--people : de 1 à 100000000 pour la démo",
				              "--people: from 1 to 100000000 for the demo"));
			if (c == 'n')
				d.people = o.people;
			else
				d.seed = o.seed;
			break;
		}
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error(
				    "demo", L("--lang attend fr ou en", "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'L':
			if (!*optarg)
				return cli_usage_error("demo", L("--listen attend HÔTE:PORT",
				                                 "--listen expects HOST:PORT"));
			d.listen = optarg;
			break;
		case 'N':
			d.serve = false;
			break;
		case 'h':
			return cli_print_help(&cmd_demo);
		default:
			return cli_bad_option("demo", optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage_error("demo",
		                       L("argument inattendu : '%s'", "unexpected argument: '%s'"),
		                       argv[optind]);
	char a[32], b[32];
	double t0 = now();
	printf(L("vigie demo : une fuite synthétique de %s personnes, dans %s\n",
	         "vigie demo: a synthetic leak of %s people, in %s\n"),
	       num(d.people, a, sizeof(a)), d.dir);
	for (size_t i = 0; i < NSTEPS; i++) {
		printf(L("\nÉtape %zu/%zu : %s\n", "\nStep %zu/%zu: %s\n"), i + 1, NSTEPS,
		       L(steps[i].title_fr, steps[i].title_en));
		fflush(stdout);
		int rc = steps[i].run(&d);
		if (rc != EXIT_OK)
			return rc;
	}
	printf(L("\nTerminé en %s s.\n", "\nDone in %s s.\n"), secs(now() - t0, b, sizeof(b)));
	if (fflush(stdout) != 0)
		return cli_fail("demo", EXIT_DATA, L("écriture impossible", "cannot write"));
	if (!d.serve)
		return EXIT_OK;
	printf(L("\nLe service démarre (Ctrl-C pour l'arrêter) :\n",
	         "\nStarting the service (Ctrl-C to stop it):\n"));
	fflush(stdout);
	char *sargs[] = {"serve", "--config", d.conf, NULL};
	return cmd_serve.run(3, sargs);
}

const vg_cmd cmd_demo = {
    .name = "demo",
    .run = run,
    .summary_fr = "démonstration sur une fuite synthétique (génère, intègre, notifie, sert)",
    .summary_en = "demonstration on a synthetic leak (generates, ingests, reports, serves)",
    .help_fr = help_fr,
    .help_en = help_en,
};
