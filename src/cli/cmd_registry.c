/*
 * cmd_registry.c: `vigie registry info | verify`, what a registry holds and
 * whether it is intact. Neither needs the key: the header, the counts, the
 * sources, the file records and the checksums are not secret (the key id is
 * public by design), and verify recomputes checksums and counters without
 * computing a pseudonym. Reference: docs/check.md and docs/registry.md.
 */
#include "cli/cli.h"
#include "vigie/exposure.h"
#include "vigie/registry.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

static const char help_fr[] =
    "Usage : vigie registry info [--registry DIR] [--json]\n"
    "        vigie registry verify [--registry DIR] [--json]\n"
    "\n"
    "info : l'en-tête du registre (version du format, génération, date de\n"
    "création, identifiant de clé), le nombre d'identifiants par table, les\n"
    "sources (et celles à caractère sensible), les fichiers ingérés et leurs\n"
    "lignes, les sections et leurs sommes de contrôle.\n"
    "verify : relit tout le registre (sommes de contrôle, ordre des clés,\n"
    "compteurs) et dit s'il est intact, ou le premier problème trouvé.\n"
    "Aucune des deux n'a besoin de la clé.\n"
    "\n"
    "Options :\n"
    "  --registry DIR   le registre (par défaut $VIGIE_REGISTRY ou ./vigie-registry)\n"
    "  --json           un objet JSON\n"
    "  --lang fr|en     langue (par défaut fr)\n"
    "  -h, --help       cette aide\n"
    "\n"
    "Codes de sortie : 0 succès (verify : intact) ; 2 erreur d'usage ; 3 registre\n"
    "absent, illisible ou corrompu (le problème précis est affiché).\n";

static const char help_en[] =
    "Usage: vigie registry info [--registry DIR] [--json]\n"
    "       vigie registry verify [--registry DIR] [--json]\n"
    "\n"
    "info: the registry's header (format version, generation, creation time,\n"
    "key id), the identifiers per table, the sources (and which are special-\n"
    "category), the files ingested and their rows, the sections and their\n"
    "checksums.\n"
    "verify: reads the whole registry again (checksums, key order, counters)\n"
    "and says whether it is intact, or the first problem found.\n"
    "Neither needs the key.\n"
    "\n"
    "Options:\n"
    "  --registry DIR   the registry (default $VIGIE_REGISTRY or ./vigie-registry)\n"
    "  --json           one JSON object\n"
    "  --lang fr|en     language (default fr)\n"
    "  -h, --help       this help\n"
    "\n"
    "Exit codes: 0 success (verify: intact); 2 usage error; 3 registry missing,\n"
    "unreadable or corrupt (the precise problem is printed).\n";

/* "2024-03-08T14:30:00Z" into buf. */
static const char *utc(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, cap, "%" PRId64, t);
	return buf;
}

/* The first bytes of a fingerprint in hex (enough to tell files apart). */
static const char *fp_hex(const uint8_t *fp, char *buf)
{
	for (int i = 0; i < 8; i++)
		snprintf(buf + 2 * i, 3, "%02x", fp[i]);
	return buf;
}

static json_t *hex64(uint64_t v)
{
	char b[17];
	snprintf(b, sizeof(b), "%016" PRIx64, v);
	return json_string(b);
}

/* Prints a JSON object on stdout and frees it. */
static void put_json(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
}

static int info_json(const vg_registry *r, const vg_registry_info *in)
{
	const vg_registry_stats *st = vg_registry_get_stats(r);
	char tb[32], fb[17];
	json_t *o = json_object();
	json_object_set_new(o, "path", json_string(vg_registry_path(r)));
	json_object_set_new(o, "format_version", json_integer(in->format_version));
	json_object_set_new(o, "generation", json_integer((json_int_t)in->generation));
	json_object_set_new(o, "created", json_string(utc(in->created, tb, sizeof(tb))));
	json_object_set_new(o, "file_bytes", json_integer((json_int_t)in->file_len));
	json_object_set_new(o, "key_id", json_string(in->key_id));
	json_object_set_new(o, "entries", json_integer((json_int_t)in->entries));
	json_object_set_new(o, "bytes_per_entry", json_real(in->bytes_per_entry));
	json_t *tables = json_object();
	for (unsigned t = 0; t < VG_IDTAB__COUNT; t++)
		json_object_set_new(tables, vg_idtab_name((vg_idtab)t),
		                    json_integer((json_int_t)in->table_entries[t]));
	json_object_set_new(o, "tables", tables);
	json_t *rows = json_object();
	json_object_set_new(rows, "read", json_integer((json_int_t)st->rows_read));
	json_object_set_new(rows, "accepted", json_integer((json_int_t)st->rows_accepted));
	json_object_set_new(rows, "rejected", json_integer((json_int_t)st->rows_rejected));
	json_object_set_new(o, "rows", rows);
	json_t *srcs = json_array();
	for (unsigned i = 0; i < vg_registry_source_count(r); i++) {
		const vg_regsource *s = vg_registry_source(r, i);
		json_t *so = json_object();
		json_object_set_new(so, "index", json_integer(i));
		json_object_set_new(so, "name", json_string(s->name));
		json_object_set_new(so, "special_category",
		                    json_boolean(s->flags & VG_SOURCE_SPECIAL));
		json_object_set_new(so, "files", json_integer((json_int_t)st->source[i].files));
		json_object_set_new(so, "rows_read",
		                    json_integer((json_int_t)st->source[i].rows_read));
		json_array_append_new(srcs, so);
	}
	json_object_set_new(o, "sources", srcs);
	json_t *files = json_array();
	for (uint64_t i = 0; i < vg_registry_file_count(r); i++) {
		vg_regfile f;
		if (vg_registry_file(r, i, &f) != 0)
			continue;
		const vg_regsource *s = vg_registry_source(r, f.source);
		json_t *fo = json_object();
		json_object_set_new(fo, "name", f.name[0] ? json_string(f.name) : json_null());
		json_object_set_new(fo, "source", json_string(s ? s->name : "?"));
		json_object_set_new(fo, "bytes", json_integer((json_int_t)f.size));
		json_object_set_new(fo, "rows_read", json_integer((json_int_t)f.rows_read));
		json_object_set_new(fo, "rows_accepted", json_integer((json_int_t)f.rows_accepted));
		json_object_set_new(fo, "rows_rejected", json_integer((json_int_t)f.rows_rejected));
		json_object_set_new(fo, "ingested", json_string(utc(f.time, tb, sizeof(tb))));
		json_object_set_new(fo, "fingerprint", json_string(fp_hex(f.fingerprint, fb)));
		json_array_append_new(files, fo);
	}
	json_object_set_new(o, "files", files);
	json_t *secs = json_array();
	for (unsigned i = 0; i < VG_REGISTRY_SECTIONS; i++) {
		const vg_regsection_info *s = &in->section[i];
		json_t *so = json_object();
		json_object_set_new(so, "name", json_string(s->name));
		json_object_set_new(so, "offset", json_integer((json_int_t)s->offset));
		json_object_set_new(so, "length", json_integer((json_int_t)s->length));
		json_object_set_new(so, "count", json_integer((json_int_t)s->count));
		json_object_set_new(so, "checksum", hex64(s->checksum));
		json_array_append_new(secs, so);
	}
	json_object_set_new(o, "sections", secs);
	json_object_set_new(o, "header_checksum", hex64(in->header_checksum));
	put_json(o);
	return EXIT_OK;
}

static int info_text(const vg_registry *r, const vg_registry_info *in)
{
	const vg_registry_stats *st = vg_registry_get_stats(r);
	char tb[32], fb[17];
	printf(L("Registre          %s\n", "Registry          %s\n"), vg_registry_path(r));
	printf(L("Format            version %u, génération %" PRIu64 "\n",
	         "Format            version %u, generation %" PRIu64 "\n"),
	       (unsigned)in->format_version, in->generation);
	printf(L("Créé le           %s\n", "Created           %s\n"),
	       utc(in->created, tb, sizeof(tb)));
	printf(L("Taille            %" PRIu64 " octets (%.1f par identifiant)\n",
	         "Size              %" PRIu64 " bytes (%.1f per identifier)\n"),
	       in->file_len, in->bytes_per_entry);
	printf(L("Identifiant de clé %s\n", "Key id            %s\n"), in->key_id);
	printf(L("Identifiants      %" PRIu64 "\n", "Identifiers       %" PRIu64 "\n"),
	       in->entries);
	for (unsigned t = 0; t < VG_IDTAB__COUNT; t++)
		printf("  %-10s %" PRIu64 "\n", vg_idtab_name((vg_idtab)t), in->table_entries[t]);
	printf(
	    L("Lignes            %" PRIu64 " lues, %" PRIu64 " acceptées, %" PRIu64 " rejetées\n",
	      "Rows              %" PRIu64 " read, %" PRIu64 " accepted, %" PRIu64 " rejected\n"),
	    st->rows_read, st->rows_accepted, st->rows_rejected);
	printf(L("Sources           %u\n", "Sources           %u\n"), vg_registry_source_count(r));
	for (unsigned i = 0; i < vg_registry_source_count(r); i++) {
		const vg_regsource *s = vg_registry_source(r, i);
		printf("  %2u %s%s\n", i, s->name,
		       (s->flags & VG_SOURCE_SPECIAL) ? L("  [catégorie particulière, art. 9 RGPD]",
		                                          "  [special category, GDPR art. 9]")
		                                      : "");
	}
	printf(L("Fichiers ingérés  %" PRIu64 "\n", "Files ingested    %" PRIu64 "\n"),
	       vg_registry_file_count(r));
	for (uint64_t i = 0; i < vg_registry_file_count(r); i++) {
		vg_regfile f;
		if (vg_registry_file(r, i, &f) != 0)
			continue;
		const vg_regsource *s = vg_registry_source(r, f.source);
		printf(L("  %s  %s  %s : %" PRIu64 " lues, %" PRIu64 " acceptées, %" PRIu64
		         " rejetées, %" PRIu64 " octets, %s\n",
		         "  %s  %s  %s: %" PRIu64 " read, %" PRIu64 " accepted, %" PRIu64
		         " rejected, %" PRIu64 " bytes, %s\n"),
		       fp_hex(f.fingerprint, fb), utc(f.time, tb, sizeof(tb)), s ? s->name : "?",
		       f.rows_read, f.rows_accepted, f.rows_rejected, f.size,
		       f.name[0] ? f.name : L("(nom non conservé)", "(name not kept)"));
	}
	printf(L("Sections          nom, position, longueur, nombre, somme de contrôle (XXH3-64)\n",
	         "Sections          name, offset, length, count, checksum (XXH3-64)\n"));
	for (unsigned i = 0; i < VG_REGISTRY_SECTIONS; i++) {
		const vg_regsection_info *s = &in->section[i];
		printf("  %-18s %10" PRIu64 " %12" PRIu64 " %10" PRIu64 "  %016" PRIx64 "\n",
		       s->name, s->offset, s->length, s->count, s->checksum);
	}
	printf(L("En-tête           somme de contrôle %016" PRIx64 "\n",
	         "Header            checksum %016" PRIx64 "\n"),
	       in->header_checksum);
	return EXIT_OK;
}

/* Says why the registry could not be used, as text or JSON; exit 3. */
static int fail(bool json, const char *what, const char *dir, const vg_err *err)
{
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "registry", json_string(dir));
		json_object_set_new(o, "ok", json_false());
		json_object_set_new(o, "error", json_string(err->msg));
		put_json(o);
		fflush(stdout);
	}
	return cli_fail("registry", EXIT_DATA, L("%s : %s", "%s: %s"), what, err->msg);
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"registry", required_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    {"lang", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	if (argc < 2)
		return cli_usage_error("registry", L("sous-commande manquante : info ou verify",
		                                     "missing subcommand: info or verify"));
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cli_print_help(&cmd_registry);
	bool verify;
	if (!strcmp(argv[1], "info"))
		verify = false;
	else if (!strcmp(argv[1], "verify"))
		verify = true;
	else
		return cli_usage_error("registry",
		                       L("sous-commande inconnue : '%s' (info ou verify)",
		                         "unknown subcommand: '%s' (info or verify)"),
		                       argv[1]);
	const char *dir = NULL;
	bool json = false;
	int c;
	vg_lang lang;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("registry", L("--lang attend fr ou en",
				                                     "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'h':
			return cli_print_help(&cmd_registry);
		default:
			return cli_bad_option("registry", optopt, argv + 1, optind);
		}
	}
	if (optind < argc - 1)
		return cli_usage_error("registry",
		                       L("argument inattendu : '%s'", "unexpected argument: '%s'"),
		                       argv[1 + optind]);
	dir = vg_exposure_registry_dir(dir);

	vg_registry *r = NULL;
	vg_regkey *k = NULL;
	vg_err err = {0};
	if (vg_exposure_open(dir, NULL, false, &r, &k, &err) != 0)
		return fail(json, L("registre inutilisable", "registry unusable"), dir, &err);
	int status;
	if (verify) {
		if (vg_registry_verify(r, &err) != 0) {
			status = fail(json, L("registre corrompu", "registry corrupt"), dir, &err);
		} else if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "registry", json_string(dir));
			json_object_set_new(o, "path", json_string(vg_registry_path(r)));
			json_object_set_new(o, "ok", json_true());
			put_json(o);
			status = EXIT_OK;
		} else {
			printf(L("%s : intact\n", "%s: intact\n"), vg_registry_path(r));
			status = EXIT_OK;
		}
	} else {
		vg_registry_info in;
		vg_registry_get_info(r, &in);
		status = json ? info_json(r, &in) : info_text(r, &in);
	}
	vg_registry_close(r);
	if (fflush(stdout) != 0)
		return cli_fail("registry", EXIT_DATA,
		                L("écriture impossible sur la sortie", "cannot write output"));
	return status;
}

const vg_cmd cmd_registry = {
    .name = "registry",
    .run = run,
    .summary_fr = "le registre d'exposition : contenu (info) et intégrité (verify)",
    .summary_en = "the exposure registry: contents (info) and integrity (verify)",
    .help_fr = help_fr,
    .help_en = help_en,
};
