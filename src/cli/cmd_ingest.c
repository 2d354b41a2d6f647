/*
 * cmd_ingest.c: `vigie ingest`, leaked files into the exposure registry.
 * The work is libvigie's (vigie/ingest.h); this file parses options,
 * turns SIGINT/SIGTERM into a clean stop, shows progress on a terminal and
 * prints the summary (French, English with --lang en, JSON with --json).
 */
#include "cli/cli.h"
#include "vigie/ingest.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char help_fr[] =
    "Usage : vigie ingest [--registry DIR] [--source NOM] [--special NOM] [--map SPEC]\n"
    "                     [--key-file FICHIER] [--rejects FICHIER] [--memory TAILLE]\n"
    "                     [--threads N] [--json] [--quiet] FICHIER...\n"
    "\n"
    "Lit des fichiers fuités (CSV, TSV, JSONL ; gzip, zstd ; « - » pour l'entrée\n"
    "standard ; séparateur, en-tête, BOM et encodage détectés) et enregistre dans le\n"
    "registre d'exposition, pour chaque identifiant (email, téléphone, NIR,\n"
    "identifiant France Travail, nom et date de naissance), les catégories de\n"
    "données exposées avec lui et les sources. Le registre ne contient que des\n"
    "pseudonymes à clé secrète, jamais un identifiant en clair.\n"
    "\n"
    "Chaque ligne est acceptée ou rejetée ; les lignes rejetées (illisibles, nombre\n"
    "de champs faux, sans identifiant utilisable) vont au fichier des rejets avec\n"
    "leur motif. Le résumé rapproche : lignes lues = acceptées + rejetées. Un fichier\n"
    "déjà ingéré (même contenu) est ignoré. La nouvelle version du registre est\n"
    "publiée atomiquement : une ingestion interrompue laisse l'ancienne intacte.\n"
    "\n"
    "Options :\n"
    "  --registry DIR     répertoire du registre (défaut : $VIGIE_REGISTRY, sinon\n"
    "                     ./vigie-registry)\n"
    "  --source NOM       source de toutes les lignes (sinon la colonne source du\n"
    "                     fichier, sinon « " VG_INGEST_DEFAULT_SOURCE " »)\n"
    "  --special NOM      source de catégorie particulière (RGPD art. 9) ; « Cap\n"
    "                     Emploi » l'est toujours (répétable)\n"
    "  --map SPEC         colonnes explicites : \"col=champ,3=nir,autre=ignore\"\n"
    "                     (champs : docs/io.md)\n"
    "  --key-file FICHIER clé du registre (défaut : $VIGIE_REGISTRY_KEY, sinon\n"
    "                     DIR/registry.key, créée en 0600 à la première ingestion)\n"
    "  --rejects FICHIER  fichier des rejets (défaut : DIR/rejects/<date UTC>.tsv,\n"
    "                     créé en 0600 au premier rejet) ; il contient des données\n"
    "                     personnelles en clair : à examiner puis supprimer\n"
    "  --memory TAILLE    mémoire de construction du registre (défaut 4G ; 512M, 2G...)\n"
    "  --threads N        fils de normalisation, 1 à 16 (défaut 2), en plus du fil de\n"
    "                     lecture ; le registre produit est le même octet pour octet\n"
    "  --json             résumé en un objet JSON sur la sortie standard\n"
    "  -q, --quiet        pas de barre de progression\n"
    "  --lang fr|en       langue des messages\n"
    "  -h, --help         cette aide\n"
    "\n"
    "La progression (lignes/s, pourcentage, temps restant) ne s'affiche que sur un\n"
    "terminal. Les règles (catégories, clé nom + date, sources, lignes suspectes) :\n"
    "docs/ingest.md.\n"
    "\n"
    "Mots de passe fuités (plages compatibles Have I Been Pwned, docs/passwords.md) :\n"
    "  vigie ingest --passwords [--registry DIR] [--password-format FORMAT]\n"
    "               [--memory TAILLE] [--json] [--quiet] FICHIER...\n"
    "  lit des listes de mots de passe en clair (un par ligne, nombre d'occurrences\n"
    "  facultatif après « : » ou une tabulation) ou des fichiers HIBP « EMPREINTE:NOMBRE »\n"
    "  (SHA-1 40 hex ou NTLM 32 hex, détectés) ; gzip, zstd, CRLF. Écrit DIR/passwords.sha1\n"
    "  et DIR/passwords.ntlm ; les nombres s'additionnent, un fichier déjà ingéré est\n"
    "  ignoré. Les mauvaises lignes sont comptées par motif, avec leurs numéros.\n"
    "  FORMAT : auto (défaut), plain, plain-raw (ligne entière, sans nombre),\n"
    "  hibp-sha1, hibp-ntlm. --memory : mémoire de tri par empreinte (défaut 256M).\n"
    "\n"
    "Codes de sortie : 0 terminé (même avec des lignes rejetées) ; 2 erreur d'usage ;\n"
    "3 fichier illisible ou erreur de données (les autres fichiers sont ingérés) ;\n"
    "4 erreur interne. Interrompu par SIGINT ou SIGTERM : rien n'est publié, et vigie\n"
    "meurt du même signal (code 130 ou 143 dans un shell).\n";

static const char help_en[] =
    "Usage: vigie ingest [--registry DIR] [--source NAME] [--special NAME] [--map SPEC]\n"
    "                    [--key-file FILE] [--rejects FILE] [--memory SIZE]\n"
    "                    [--threads N] [--json] [--quiet] FILE...\n"
    "\n"
    "Reads leaked files (CSV, TSV, JSONL; gzip, zstd; \"-\" for standard input;\n"
    "delimiter, header, BOM and encoding detected) and records in the exposure\n"
    "registry, for each identifier (email, phone, NIR, France Travail id, name and\n"
    "date of birth), the categories of data exposed with it and the sources. The\n"
    "registry holds keyed pseudonyms only, never an identifier in clear.\n"
    "\n"
    "Every row is accepted or rejected; rejected rows (unreadable, wrong number of\n"
    "fields, no usable identifier) go to the rejects file with their reason. The\n"
    "summary reconciles: rows read = accepted + rejected. A file already ingested\n"
    "(same content) is skipped. The new registry version is published atomically:\n"
    "an interrupted ingest leaves the previous one intact.\n"
    "\n"
    "Options:\n"
    "  --registry DIR     registry directory (default: $VIGIE_REGISTRY, else\n"
    "                     ./vigie-registry)\n"
    "  --source NAME      source of every row (else the file's source column, else\n"
    "                     \"" VG_INGEST_DEFAULT_SOURCE "\")\n"
    "  --special NAME     a special-category source (GDPR art. 9); \"Cap Emploi\"\n"
    "                     always is (repeatable)\n"
    "  --map SPEC         explicit columns: \"col=field,3=nir,other=ignore\"\n"
    "                     (fields: docs/io.md)\n"
    "  --key-file FILE    registry key (default: $VIGIE_REGISTRY_KEY, else\n"
    "                     DIR/registry.key, created 0600 on the first ingest)\n"
    "  --rejects FILE     rejects file (default: DIR/rejects/<UTC time>.tsv, created\n"
    "                     0600 at the first rejected row); it holds personal data in\n"
    "                     clear: review it, then delete it\n"
    "  --memory SIZE      memory for building the registry (default 4G; 512M, 2G...)\n"
    "  --threads N        normalizing threads, 1 to 16 (default 2), besides the reading\n"
    "                     thread; the registry is the same byte for byte\n"
    "  --json             the summary as one JSON object on standard output\n"
    "  -q, --quiet        no progress bar\n"
    "  --lang fr|en       language of messages\n"
    "  -h, --help         this help\n"
    "\n"
    "Progress (rows/s, percentage, time left) is shown on a terminal only. The rules\n"
    "(categories, name + date key, sources, suspect rows): docs/ingest.md.\n"
    "\n"
    "Breached passwords (ranges compatible with Have I Been Pwned, docs/passwords.md):\n"
    "  vigie ingest --passwords [--registry DIR] [--password-format FORMAT]\n"
    "               [--memory SIZE] [--json] [--quiet] FILE...\n"
    "  reads plaintext password lists (one per line, optional count after \":\" or a\n"
    "  tab) or HIBP \"HASH:COUNT\" files (SHA-1 40 hex or NTLM 32 hex, detected); gzip,\n"
    "  zstd, CRLF. Writes DIR/passwords.sha1 and DIR/passwords.ntlm; counts add up, a\n"
    "  file already ingested is skipped. Bad lines are counted by reason, with their\n"
    "  line numbers. FORMAT: auto (default), plain, plain-raw (whole line, no count),\n"
    "  hibp-sha1, hibp-ntlm. --memory: sort memory per hash kind (default 256M).\n"
    "\n"
    "Exit codes: 0 done (even with rejected rows); 2 usage error; 3 unreadable file\n"
    "or data error (the other files are ingested); 4 internal error. Interrupted by\n"
    "SIGINT or SIGTERM: nothing is published, and vigie dies of the same signal\n"
    "(status 130 or 143 in a shell).\n";

/* ------------------------------------------------------------ progress */

typedef struct progress {
	bool display; /* standard error is a terminal and no --quiet */
	bool shown;
	double read_t0; /* seconds (run clock) when reading began */
	uint64_t rows0;
} progress;

/* Rewrites the progress line on standard error. */
static void on_progress(void *ctx, const vg_ingest_progress *p)
{
	progress *pr = ctx;
	char line[256];
	if (p->phase == VG_INGEST_PHASE_COMMIT)
		cli_stop_handlers(true); /* from here a signal kills at once: the publish is atomic */
	if (!pr->display)
		return;
	if (p->phase == VG_INGEST_PHASE_COMMIT) {
		snprintf(line, sizeof(line), "%s",
		         L("  écriture du registre (tri, fusion, publication)...",
		           "  writing the registry (sort, merge, publish)..."));
	} else if (p->phase == VG_INGEST_PHASE_FINGERPRINT) {
		double pct =
		    p->total_bytes ? 100.0 * (double)p->done_bytes / (double)p->total_bytes : 0;
		snprintf(line, sizeof(line),
		         L("  fichier %zu/%zu : empreinte %5.1f %%",
		           "  file %zu/%zu: fingerprint %5.1f %%"),
		         p->file + 1, p->nfiles, pct);
	} else {
		if (pr->read_t0 == 0) {
			pr->read_t0 = p->seconds > 0 ? p->seconds : 1e-9;
			pr->rows0 = p->rows;
		}
		double el = p->seconds - pr->read_t0;
		double rate = el > 0 ? (double)(p->rows - pr->rows0) / el : 0;
		if (p->total_known && p->total_bytes > 0) {
			double frac = (double)p->done_bytes / (double)p->total_bytes;
			double left = frac > 0 && el > 0 ? el * (1 - frac) / frac : 0;
			unsigned l = (unsigned)(left + 0.5);
			snprintf(
			    line, sizeof(line),
			    L("  fichier %zu/%zu  %5.1f %%  %9.0f lignes/s  reste %u:%02u:%02u",
			      "  file %zu/%zu  %5.1f %%  %9.0f rows/s  left %u:%02u:%02u"),
			    p->file + 1, p->nfiles, 100.0 * frac, rate, l / 3600, l / 60 % 60,
			    l % 60);
		} else {
			snprintf(line, sizeof(line),
			         L("  fichier %zu/%zu  %llu lignes  %9.0f lignes/s",
			           "  file %zu/%zu  %llu rows  %9.0f rows/s"),
			         p->file + 1, p->nfiles, (unsigned long long)p->rows, rate);
		}
	}
	fprintf(stderr, "\r%-78s", line);
	fflush(stderr);
	pr->shown = true;
}

/* ------------------------------------------------------------ summary */

/* A duration with the language's decimal mark. */
static void seconds_text(double s, char *out, size_t cap)
{
	snprintf(out, cap, "%.1f", s);
	if (cli_lang == VG_LANG_FR)
		for (char *p = out; *p; p++)
			if (*p == '.')
				*p = ',';
}

static const char *format_name(const vg_ingest_file *f)
{
	static char buf[32];
	if (f->compression == VG_TABLE_PLAIN)
		return vg_table_format_name(f->format);
	snprintf(buf, sizeof(buf), "%s, %s", vg_table_format_name(f->format),
	         vg_table_compression_name(f->compression));
	return buf;
}

/* Prints counts by reason, one per line, with the message. */
static void print_reasons(const vg_ingest_reasons *rs, const char *prefix)
{
	for (size_t i = 0; i < rs->n; i++)
		printf("  %s%-22s %10llu  %s\n", prefix, rs->reason[i]->code,
		       (unsigned long long)rs->count[i], vg_reason_text(rs->reason[i], cli_lang));
}

/* The summary for people, on standard output. */
static void print_summary(const vg_ingest_summary *s, const char *dir)
{
	const vg_ingest_counts *t = &s->total;
	printf(L("Fichiers : %zu ingéré(s), %zu déjà ingéré(s) et ignoré(s), %zu en échec\n",
	         "Files: %zu ingested, %zu already ingested and skipped, %zu failed\n"),
	       s->ingested, s->skipped, s->failed);
	for (size_t i = 0; i < s->nfiles; i++) {
		const vg_ingest_file *f = &s->files[i];
		const char *name =
		    strcmp(f->path, "-") ? f->path : L("(entrée standard)", "(standard input)");
		switch (f->status) {
		case VG_INGEST_FILE_SKIPPED:
			printf(
			    L("  %s : déjà ingéré, ignoré\n", "  %s: already ingested, skipped\n"),
			    name);
			break;
		case VG_INGEST_FILE_FAILED:
			printf(L("  %s : échec : %s\n", "  %s: failed: %s\n"), name, f->err.msg);
			break;
		case VG_INGEST_FILE_PENDING:
			printf(L("  %s : non lu\n", "  %s: not read\n"), name);
			break;
		default:
			printf(L("  %s : %llu lignes lues, %llu acceptées, %llu rejetées (%s, "
			         "source %s)\n",
			         "  %s: %llu rows read, %llu accepted, %llu rejected (%s, source "
			         "%s)\n"),
			       name, (unsigned long long)f->c.rows_read,
			       (unsigned long long)f->c.rows_accepted,
			       (unsigned long long)f->c.rows_rejected, format_name(f),
			       f->has_source && f->source < s->nsources ? s->sources[f->source].name
			                                                : "?");
			if (f->nunknown)
				printf(
				    L("    colonnes ignorées : %s\n", "    columns ignored: %s\n"),
				    f->unknown_columns);
		}
	}
	printf(L("Lignes : %llu lues = %llu acceptées + %llu rejetées\n",
	         "Rows: %llu read = %llu accepted + %llu rejected\n"),
	       (unsigned long long)t->rows_read, (unsigned long long)t->rows_accepted,
	       (unsigned long long)t->rows_rejected);
	if (t->rows_suspect)
		printf(L("  dont %llu acceptées sur une lecture incertaine (guillemet refermé en "
		         "cours "
		         "de champ)\n",
		         "  of which %llu accepted on an uncertain reading (a quote closed "
		         "mid-field)\n"),
		       (unsigned long long)t->rows_suspect);
	if (t->rows_transcoded)
		printf(
		    L("  %llu lignes lues en Windows-1252\n", "  %llu rows read as Windows-1252\n"),
		    (unsigned long long)t->rows_transcoded);
	if (t->rejected.n) {
		printf(L("Rejets par motif :\n", "Rejected rows by reason:\n"));
		print_reasons(&t->rejected, "");
	}
	bool any = false;
	for (int k = 0; k < VG_INGEST__KINDS; k++)
		any |= t->invalid[k].n > 0;
	if (any) {
		printf(L("Champs invalides (comptés, non enregistrés) :\n",
		         "Invalid fields (counted, not recorded):\n"));
		for (int k = 0; k < VG_INGEST__KINDS; k++) {
			char prefix[16];
			snprintf(prefix, sizeof(prefix), "%-6s ",
			         vg_ingest_kind_name((vg_ingest_kind)k));
			print_reasons(&t->invalid[k], prefix);
		}
	} else {
		printf(L("Champs invalides : aucun\n", "Invalid fields: none\n"));
	}
	printf(L("Identifiants (ajoutés par ce passage ; nouveaux ; total du registre) :\n",
	         "Identifiers (given by this run; new; registry total):\n"));
	for (int tb = 0; tb < VG_IDTAB__COUNT; tb++) {
		uint64_t after = s->result.table_entries[tb], before = s->entries_before[tb];
		printf("  %-9s %12llu %12llu %12llu\n", vg_idtab_name((vg_idtab)tb),
		       (unsigned long long)t->identifiers[tb],
		       (unsigned long long)(after > before ? after - before : 0),
		       (unsigned long long)after);
	}
	if (s->nsources) {
		printf(L("Sources :\n", "Sources:\n"));
		for (unsigned i = 0; i < s->nsources; i++) {
			printf("  %s", s->sources[i].name);
			if (s->new_sources & (1u << i))
				printf(L(" (nouvelle)", " (new)"));
			if (s->sources[i].flags & VG_SOURCE_SPECIAL)
				printf(L(" (catégorie particulière, art. 9)",
				         " (special category, art. 9)"));
			if (t->source_rows[i])
				printf(L(" : %llu lignes acceptées", ": %llu rows accepted"),
				       (unsigned long long)t->source_rows[i]);
			putchar('\n');
		}
	}
	if (s->result.published)
		printf(L("Registre : version %llu publiée, %s\n",
		         "Registry: version %llu published, %s\n"),
		       (unsigned long long)s->result.generation, s->result.path);
	else if (s->result.generation)
		printf(L("Registre : inchangé, version %llu, %s\n",
		         "Registry: unchanged, version %llu, %s\n"),
		       (unsigned long long)s->result.generation, s->result.path);
	else
		printf(L("Registre : vide, rien publié (%s)\n",
		         "Registry: empty, nothing published (%s)\n"),
		       dir);
	if (s->key_created)
		printf(
		    L("Clé : créée dans %s (0600) ; gardez-la en lieu sûr, sans elle le registre "
		      "est illisible\n",
		      "Key: created in %s (0600); keep it safe, the registry cannot be read "
		      "without it\n"),
		    s->key_origin);
	if (s->rejects_written)
		printf(
		    L("Rejets : %s (données personnelles en clair : à examiner puis supprimer)\n",
		      "Rejects: %s (personal data in clear: review, then delete)\n"),
		    s->rejects_path);
	else
		printf(L("Rejets : aucun\n", "Rejects: none\n"));
	char sec[32];
	seconds_text(s->seconds, sec, sizeof(sec));
	printf(L("Durée : %s s (%.0f lignes/s)\n", "Time: %s s (%.0f rows/s)\n"), sec,
	       s->seconds > 0 ? (double)t->rows_read / s->seconds : 0.0);
}

/* Counts by reason code, as a JSON object. */
static json_t *reasons_json(const vg_ingest_reasons *rs)
{
	json_t *o = json_object();
	for (size_t i = 0; i < rs->n; i++)
		json_object_set_new(o, rs->reason[i]->code, json_integer((json_int_t)rs->count[i]));
	return o;
}

/* The row counters shared by files and totals. */
static void counts_json(json_t *o, const vg_ingest_counts *c)
{
	json_object_set_new(o, "rows_read", json_integer((json_int_t)c->rows_read));
	json_object_set_new(o, "rows_accepted", json_integer((json_int_t)c->rows_accepted));
	json_object_set_new(o, "rows_rejected", json_integer((json_int_t)c->rows_rejected));
	json_object_set_new(o, "rows_suspect", json_integer((json_int_t)c->rows_suspect));
	json_object_set_new(o, "rows_transcoded", json_integer((json_int_t)c->rows_transcoded));
}

/* The --json summary. */
static json_t *summary_json(const vg_ingest_summary *s, const char *dir)
{
	const vg_ingest_counts *t = &s->total;
	json_t *j = json_object();
	json_t *files = json_array();
	for (size_t i = 0; i < s->nfiles; i++) {
		const vg_ingest_file *f = &s->files[i];
		json_t *fo = json_object();
		json_object_set_new(fo, "path", json_string(f->path));
		json_object_set_new(fo, "status",
		                    json_string(vg_ingest_file_status_name(f->status)));
		if (f->status == VG_INGEST_FILE_INGESTED || f->c.rows_read) {
			json_object_set_new(fo, "format",
			                    json_string(vg_table_format_name(f->format)));
			json_object_set_new(fo, "compression",
			                    json_string(vg_table_compression_name(f->compression)));
		}
		json_object_set_new(fo, "bytes", json_integer((json_int_t)f->size));
		json_object_set_new(fo, "source",
		                    f->has_source && f->source < s->nsources
		                        ? json_string(s->sources[f->source].name)
		                        : json_null());
		counts_json(fo, &f->c);
		json_object_set_new(fo, "rejected", reasons_json(&f->c.rejected));
		if (f->status == VG_INGEST_FILE_FAILED)
			json_object_set_new(fo, "error", json_string(f->err.msg));
		json_array_append_new(files, fo);
	}
	json_object_set_new(j, "files", files);
	json_object_set_new(j, "files_ingested", json_integer((json_int_t)s->ingested));
	json_object_set_new(j, "files_skipped", json_integer((json_int_t)s->skipped));
	json_object_set_new(j, "files_failed", json_integer((json_int_t)s->failed));
	counts_json(j, t);
	json_object_set_new(j, "rejected", reasons_json(&t->rejected));
	json_t *inv = json_object();
	for (int k = 0; k < VG_INGEST__KINDS; k++)
		json_object_set_new(inv, vg_ingest_kind_name((vg_ingest_kind)k),
		                    reasons_json(&t->invalid[k]));
	json_object_set_new(j, "invalid_fields", inv);
	json_t *cats = json_object();
	for (int c = 0; c < VG_CAT__COUNT; c++)
		json_object_set_new(cats, vg_category_name((vg_category)c),
		                    json_integer((json_int_t)t->rows_with[c]));
	json_object_set_new(j, "rows_with", cats);
	json_t *ids = json_object();
	for (int tb = 0; tb < VG_IDTAB__COUNT; tb++) {
		uint64_t after = s->result.table_entries[tb], before = s->entries_before[tb];
		json_t *io = json_object();
		json_object_set_new(io, "added", json_integer((json_int_t)t->identifiers[tb]));
		json_object_set_new(
		    io, "new", json_integer((json_int_t)(after > before ? after - before : 0)));
		json_object_set_new(io, "total", json_integer((json_int_t)after));
		json_object_set_new(ids, vg_idtab_name((vg_idtab)tb), io);
	}
	json_object_set_new(j, "identifiers", ids);
	json_t *srcs = json_array();
	for (unsigned i = 0; i < s->nsources; i++) {
		json_t *so = json_object();
		json_object_set_new(so, "name", json_string(s->sources[i].name));
		json_object_set_new(so, "special",
		                    json_boolean(s->sources[i].flags & VG_SOURCE_SPECIAL));
		json_object_set_new(so, "new", json_boolean(s->new_sources & (1u << i)));
		json_object_set_new(so, "rows_accepted",
		                    json_integer((json_int_t)t->source_rows[i]));
		json_array_append_new(srcs, so);
	}
	json_object_set_new(j, "sources", srcs);
	json_t *reg = json_object();
	json_object_set_new(reg, "dir", json_string(dir));
	json_object_set_new(reg, "published", json_boolean(s->result.published));
	json_object_set_new(reg, "version", json_integer((json_int_t)s->result.generation));
	json_object_set_new(reg, "path",
	                    s->result.generation ? json_string(s->result.path) : json_null());
	json_object_set_new(reg, "entries", json_integer((json_int_t)s->result.entries));
	json_object_set_new(reg, "bytes", json_integer((json_int_t)s->result.file_len));
	json_object_set_new(reg, "key", json_string(s->key_origin));
	json_object_set_new(reg, "key_created", json_boolean(s->key_created));
	json_object_set_new(j, "registry", reg);
	json_object_set_new(j, "rejects",
	                    s->rejects_written ? json_string(s->rejects_path) : json_null());
	json_object_set_new(j, "seconds", json_real(s->seconds));
	json_object_set_new(j, "read_seconds", json_real(s->read_seconds));
	json_object_set_new(j, "commit_seconds", json_real(s->commit_seconds));
	json_object_set_new(j, "rows_per_second",
	                    json_real(s->seconds > 0 ? (double)t->rows_read / s->seconds : 0));
	return j;
}

/* ------------------------------------------------------------ run */

enum {
	OPT_REGISTRY = 256,
	OPT_SOURCE,
	OPT_SPECIAL,
	OPT_MAP,
	OPT_KEY,
	OPT_REJECTS,
	OPT_MEMORY,
	OPT_THREADS,
	OPT_JSON,
	OPT_LANG
};

/* Parses, runs, prints; exit codes as in the help. */
static int run(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--passwords"))
			return cli_ingest_passwords(argc, argv);
	static const struct option longopts[] = {
	    {"registry", required_argument, NULL, OPT_REGISTRY},
	    {"source", required_argument, NULL, OPT_SOURCE},
	    {"special", required_argument, NULL, OPT_SPECIAL},
	    {"map", required_argument, NULL, OPT_MAP},
	    {"key-file", required_argument, NULL, OPT_KEY},
	    {"rejects", required_argument, NULL, OPT_REJECTS},
	    {"memory", required_argument, NULL, OPT_MEMORY},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"quiet", no_argument, NULL, 'q'},
	    {"lang", required_argument, NULL, OPT_LANG},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	vg_ingest_opts o;
	vg_ingest_opts_init(&o);
	bool json = false, quiet = false;
	const char **special = vg_xcalloc((size_t)argc + 1, sizeof(*special));
	size_t nspecial = 0;
	int c, rc = EXIT_OK;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_REGISTRY:
			o.dir = optarg;
			break;
		case OPT_SOURCE:
			o.source = optarg;
			break;
		case OPT_SPECIAL:
			special[nspecial++] = optarg;
			break;
		case OPT_MAP:
			o.map = optarg;
			break;
		case OPT_KEY:
			o.key_file = optarg;
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_MEMORY:
			if (vg_ingest_parse_size(optarg, &o.memory) != 0) {
				free(special);
				return cli_usage_error(
				    "ingest",
				    L("--memory : taille invalide « %s » (exemples : 512M, "
				      "4G ; au moins 1M)",
				      "--memory: invalid size \"%s\" (examples: 512M, 4G; "
				      "at least 1M)"),
				    optarg);
			}
			break;
		case OPT_THREADS: {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || v < 1 ||
			    v > VG_INGEST_MAX_WORKERS) {
				free(special);
				return cli_usage_error("ingest",
				                       L("--threads attend un nombre de 1 à %d",
				                         "--threads expects a number from 1 to %d"),
				                       VG_INGEST_MAX_WORKERS);
			}
			o.workers = (unsigned)v;
			break;
		}
		case OPT_JSON:
			json = true;
			break;
		case OPT_LANG: {
			vg_lang lang;
			if (vg_lang_parse(optarg, &lang) != 0) {
				free(special);
				return cli_usage_error("ingest", L("--lang attend fr ou en",
				                                   "--lang expects fr or en"));
			}
			cli_lang = lang;
			break;
		}
		case 'q':
			quiet = true;
			break;
		case 'h':
			free(special);
			return cli_print_help(&cmd_ingest);
		default:
			free(special);
			return cli_bad_option("ingest", optopt, argv, optind);
		}
	}
	if (optind >= argc) {
		free(special);
		return cli_usage_error("ingest", L("aucun fichier à ingérer", "no file to ingest"));
	}
	if (!o.dir) {
		const char *env = getenv("VIGIE_REGISTRY");
		o.dir = env && *env ? env : "vigie-registry";
	}
	o.special = special;
	o.nspecial = nspecial;
	o.lang = cli_lang;
	o.stop = &cli_stop_flag;
	progress pr = {0};
	pr.display = !quiet && isatty(STDERR_FILENO);
	o.progress = on_progress; /* also switches the signal handlers at commit */
	o.progress_ctx = &pr;
	cli_stop_handlers(false);

	vg_ingest_summary s;
	vg_err err;
	memset(&err, 0, sizeof(err));
	int irc = vg_ingest_run(&o, (const char *const *)(argv + optind), (size_t)(argc - optind),
	                        &s, &err);
	if (pr.shown)
		fprintf(stderr, "\r%-78s\r", "");
	if (s.interrupted || cli_stop_flag) {
		if (!s.committed || !s.result.published)
			fprintf(stderr, "vigie ingest: %s\n",
			        L("interrompu : rien n'a été publié, le registre est inchangé",
			          "interrupted: nothing was published, the registry is unchanged"));
		vg_ingest_summary_release(&s);
		free(special);
		int sig = cli_stop_signal ? cli_stop_signal : SIGINT;
		cli_stop_handlers(true);
		raise(sig);
		return EXIT_DATA;
	}
	cli_stop_handlers(true);
	if (irc == VG_EUSAGE) {
		rc = cli_usage_error("ingest", "%s", err.msg);
	} else if (irc != 0) {
		rc = cli_fail("ingest", irc == VG_EINTERNAL ? EXIT_INTERNAL : EXIT_DATA, "%s",
		              err.msg);
	}
	/* the summary, unless the run did nothing at all (the error says why) */
	if (s.committed && (json || irc == 0 || s.ingested || s.skipped)) {
		if (json) {
			json_t *j = summary_json(&s, o.dir);
			json_dumpf(j, stdout, JSON_COMPACT);
			fputc('\n', stdout);
			json_decref(j);
		} else {
			print_summary(&s, o.dir);
		}
		if (fflush(stdout) != 0 && rc == EXIT_OK)
			rc =
			    cli_fail("ingest", EXIT_DATA, L("écriture impossible", "cannot write"));
	}
	vg_ingest_summary_release(&s);
	free(special);
	return rc;
}

const vg_cmd cmd_ingest = {
    .name = "ingest",
    .run = run,
    .summary_fr = "ingère des fichiers fuités dans le registre d'exposition",
    .summary_en = "ingest leaked files into the exposure registry",
    .help_fr = help_fr,
    .help_en = help_en,
};
