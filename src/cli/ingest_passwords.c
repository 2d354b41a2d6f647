/*
 * ingest_passwords.c: `vigie ingest --passwords FILE...`, password lists and
 * HIBP files into the breached-password stores (vigie/pwned.h). Called by
 * cmd_ingest.c when --passwords is on the command line; the work is
 * libvigie's vg_pwned_ingest().
 */
#include "cli/cli.h"
#include "vigie/ingest.h"
#include "vigie/pwned.h"
#include "vigie/table.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct progress {
	bool display, shown;
} progress;

static void on_progress(void *ctx, const vg_pwned_progress *p)
{
	progress *pr = ctx;
	if (p->commit)
		cli_stop_handlers(true); /* the publish is atomic: a signal now kills at once */
	if (!pr->display)
		return;
	char line[160];
	if (p->commit)
		snprintf(line, sizeof(line), "%s",
		         L("  écriture des empreintes (tri, fusion, publication)...",
		           "  writing the hashes (sort, merge, publish)..."));
	else if (p->total_known && p->total_bytes)
		snprintf(line, sizeof(line),
		         L("  fichier %zu/%zu  %5.1f %%  %llu lignes  %9.0f lignes/s",
		           "  file %zu/%zu  %5.1f %%  %llu lines  %9.0f lines/s"),
		         p->file + 1, p->nfiles,
		         100.0 * (double)p->done_bytes / (double)p->total_bytes,
		         (unsigned long long)p->lines,
		         p->seconds > 0 ? (double)p->lines / p->seconds : 0.0);
	else
		snprintf(line, sizeof(line), L("  fichier %zu/%zu", "  file %zu/%zu"), p->file + 1,
		         p->nfiles);
	fprintf(stderr, "\r%-78s", line);
	fflush(stderr);
	pr->shown = true;
}

static const char *kind_label(vg_pwned_list k)
{
	switch (k) {
	case VG_PWNED_LIST_HIBP_SHA1:
		return L("empreintes SHA-1 (format HIBP)", "SHA-1 hashes (HIBP format)");
	case VG_PWNED_LIST_HIBP_NTLM:
		return L("empreintes NTLM (format HIBP)", "NTLM hashes (HIBP format)");
	case VG_PWNED_LIST_PLAIN_RAW:
		return L("mots de passe en clair (lignes entières)",
		         "plaintext passwords (whole lines)");
	default:
		return L("mots de passe en clair", "plaintext passwords");
	}
}

static void print_summary(const vg_pwned_summary *s, double seconds)
{
	printf(L("Fichiers : %zu ingéré(s), %zu déjà ingéré(s) et ignoré(s), %zu en échec\n",
	         "Files: %zu ingested, %zu already ingested and skipped, %zu failed\n"),
	       s->ingested, s->skipped, s->failed);
	for (size_t i = 0; i < s->nfiles; i++) {
		const vg_pwned_ingest_file *f = &s->files[i];
		if (!f->path)
			continue;
		const char *name =
		    strcmp(f->path, "-") ? f->path : L("(entrée standard)", "(standard input)");
		if (f->status == VG_PWNED_FILE_FAILED) {
			printf(L("  %s : échec : %s\n", "  %s: failed: %s\n"), name, f->err.msg);
			continue;
		}
		if (f->status == VG_PWNED_FILE_SKIPPED) {
			printf(
			    L("  %s : déjà ingéré, ignoré\n", "  %s: already ingested, skipped\n"),
			    name);
			continue;
		}
		printf(
		    L("  %s : %s%s%s, %llu lignes : %llu acceptées, %llu mauvaises, %llu vides\n",
		      "  %s: %s%s%s, %llu lines: %llu accepted, %llu bad, %llu blank\n"),
		    name, kind_label(f->kind), f->compression ? ", " : "",
		    f->compression ? vg_table_compression_name((vg_table_compression)f->compression)
		                   : "",
		    (unsigned long long)f->lines, (unsigned long long)f->accepted,
		    (unsigned long long)f->bad, (unsigned long long)f->blank);
		if (f->transcoded)
			printf(L("    %llu lignes lues en Windows-1252 et converties en UTF-8\n",
			         "    %llu lines read as Windows-1252 and converted to UTF-8\n"),
			       (unsigned long long)f->transcoded);
		for (size_t k = 0; k < f->nreasons; k++)
			printf("    %-16s %10llu  %s\n", f->reason[k]->code,
			       (unsigned long long)f->reason_count[k],
			       vg_reason_text(f->reason[k], cli_lang));
		for (size_t k = 0; k < f->nfirst_bad; k++)
			printf(L("    ligne %llu : %s\n", "    line %llu: %s\n"),
			       (unsigned long long)f->first_bad[k].lineno,
			       f->first_bad[k].why->code);
		if (f->bad > f->nfirst_bad)
			printf(L("    ... et %llu autres mauvaises lignes\n",
			         "    ... and %llu more bad lines\n"),
			       (unsigned long long)(f->bad - f->nfirst_bad));
	}
	for (int m = 0; m < VG_PWNED__MODES; m++) {
		const vg_pwbuild_result *r = &s->result[m];
		const char *label = m == VG_PWNED_SHA1 ? "SHA-1" : "NTLM";
		if (r->published)
			printf(
			    L("%s : version %llu publiée, %llu empreintes (%llu nouvelles), %llu "
			      "occurrences, %s\n",
			      "%s: version %llu published, %llu hashes (%llu new), %llu "
			      "occurrences, %s\n"),
			    label, (unsigned long long)r->generation,
			    (unsigned long long)r->entries,
			    (unsigned long long)(r->entries - r->entries_before),
			    (unsigned long long)r->total, r->path);
		else if (r->generation)
			printf(L("%s : inchangé, version %llu, %llu empreintes, %s\n",
			         "%s: unchanged, version %llu, %llu hashes, %s\n"),
			       label, (unsigned long long)r->generation,
			       (unsigned long long)r->entries, r->path);
		else
			printf(L("%s : vide, rien publié\n", "%s: empty, nothing published\n"),
			       label);
	}
	char sec[32];
	snprintf(sec, sizeof(sec), "%.1f", seconds);
	if (cli_lang == VG_LANG_FR)
		for (char *p = sec; *p; p++)
			if (*p == '.')
				*p = ',';
	printf(L("Durée : %s s (%.0f empreintes/s)\n", "Time: %s s (%.0f hashes/s)\n"), sec,
	       seconds > 0 ? (double)s->hashes / seconds : 0.0);
}

static json_t *summary_json(const vg_pwned_summary *s, const char *dir)
{
	json_t *j = json_object();
	json_t *files = json_array();
	for (size_t i = 0; i < s->nfiles; i++) {
		const vg_pwned_ingest_file *f = &s->files[i];
		if (!f->path)
			continue;
		json_t *fo = json_object();
		json_object_set_new(fo, "path", json_string(f->path));
		json_object_set_new(fo, "status",
		                    json_string(vg_pwned_file_status_name(f->status)));
		if (f->status == VG_PWNED_FILE_FAILED) {
			json_object_set_new(fo, "error", json_string(f->err.msg));
		} else {
			json_object_set_new(fo, "kind", json_string(vg_pwned_list_name(f->kind)));
			json_object_set_new(fo, "compression",
			                    json_string(vg_table_compression_name(
			                        (vg_table_compression)f->compression)));
		}
		json_object_set_new(fo, "bytes", json_integer((json_int_t)f->size));
		json_object_set_new(fo, "lines", json_integer((json_int_t)f->lines));
		json_object_set_new(fo, "accepted", json_integer((json_int_t)f->accepted));
		json_object_set_new(fo, "bad", json_integer((json_int_t)f->bad));
		json_object_set_new(fo, "blank", json_integer((json_int_t)f->blank));
		json_object_set_new(fo, "transcoded", json_integer((json_int_t)f->transcoded));
		json_t *rs = json_object();
		for (size_t k = 0; k < f->nreasons; k++)
			json_object_set_new(rs, f->reason[k]->code,
			                    json_integer((json_int_t)f->reason_count[k]));
		json_object_set_new(fo, "bad_by_reason", rs);
		json_t *fb = json_array();
		for (size_t k = 0; k < f->nfirst_bad; k++)
			json_array_append_new(fb, json_pack("{s:I,s:s}", "line",
			                                    (json_int_t)f->first_bad[k].lineno,
			                                    "reason", f->first_bad[k].why->code));
		json_object_set_new(fo, "first_bad_lines", fb);
		json_t *ms = json_array();
		for (int m = 0; m < VG_PWNED__MODES; m++)
			if (f->modes[m] && f->status == VG_PWNED_FILE_INGESTED)
				json_array_append_new(
				    ms, json_string(vg_pwned_mode_name((vg_pwned_mode)m)));
		json_object_set_new(fo, "stores", ms);
		json_array_append_new(files, fo);
	}
	json_object_set_new(j, "files", files);
	json_object_set_new(j, "files_ingested", json_integer((json_int_t)s->ingested));
	json_object_set_new(j, "files_skipped", json_integer((json_int_t)s->skipped));
	json_object_set_new(j, "files_failed", json_integer((json_int_t)s->failed));
	json_object_set_new(j, "lines", json_integer((json_int_t)s->lines));
	json_object_set_new(j, "accepted", json_integer((json_int_t)s->accepted));
	json_object_set_new(j, "bad", json_integer((json_int_t)s->bad));
	json_object_set_new(j, "hashes_added", json_integer((json_int_t)s->hashes));
	json_t *st = json_object();
	for (int m = 0; m < VG_PWNED__MODES; m++) {
		const vg_pwbuild_result *r = &s->result[m];
		json_t *o = json_object();
		json_object_set_new(o, "published", json_boolean(r->published));
		json_object_set_new(o, "version", json_integer((json_int_t)r->generation));
		json_object_set_new(o, "entries", json_integer((json_int_t)r->entries));
		json_object_set_new(o, "new",
		                    json_integer((json_int_t)(r->entries - r->entries_before)));
		json_object_set_new(o, "occurrences", json_integer((json_int_t)r->total));
		json_object_set_new(o, "path", r->generation ? json_string(r->path) : json_null());
		json_object_set_new(o, "runs", json_integer((json_int_t)r->runs));
		json_object_set_new(st, vg_pwned_mode_name((vg_pwned_mode)m), o);
	}
	json_object_set_new(j, "stores", st);
	json_object_set_new(j, "dir", json_string(dir));
	json_object_set_new(j, "seconds", json_real(s->seconds));
	json_object_set_new(j, "read_seconds", json_real(s->read_seconds));
	json_object_set_new(j, "commit_seconds", json_real(s->commit_seconds));
	json_object_set_new(j, "hashes_per_second",
	                    json_real(s->seconds > 0 ? (double)s->hashes / s->seconds : 0));
	return j;
}

enum { OPT_REGISTRY = 256, OPT_MEMORY, OPT_FORMAT, OPT_JSON, OPT_LANG, OPT_PASSWORDS };

int cli_ingest_passwords(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"passwords", no_argument, NULL, OPT_PASSWORDS},
	    {"registry", required_argument, NULL, OPT_REGISTRY},
	    {"memory", required_argument, NULL, OPT_MEMORY},
	    {"password-format", required_argument, NULL, OPT_FORMAT},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"quiet", no_argument, NULL, 'q'},
	    {"lang", required_argument, NULL, OPT_LANG},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	vg_pwned_ingest_opts o;
	memset(&o, 0, sizeof(o));
	bool json = false, quiet = false;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PASSWORDS:
			break;
		case OPT_REGISTRY:
			o.dir = optarg;
			break;
		case OPT_MEMORY:
			if (vg_ingest_parse_size(optarg, &o.memory) != 0)
				return cli_usage_error("ingest",
				                       L("--memory : taille invalide « %s » "
				                         "(exemples : 512M, 4G ; au moins 1M)",
				                         "--memory: invalid size \"%s\" (examples: "
				                         "512M, 4G; at least 1M)"),
				                       optarg);
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "auto"))
				o.kind = VG_PWNED_LIST_AUTO;
			else if (!strcmp(optarg, "plain"))
				o.kind = VG_PWNED_LIST_PLAIN;
			else if (!strcmp(optarg, "plain-raw"))
				o.kind = VG_PWNED_LIST_PLAIN_RAW;
			else if (!strcmp(optarg, "hibp-sha1"))
				o.kind = VG_PWNED_LIST_HIBP_SHA1;
			else if (!strcmp(optarg, "hibp-ntlm"))
				o.kind = VG_PWNED_LIST_HIBP_NTLM;
			else
				return cli_usage_error("ingest",
				                       L("--password-format attend auto, plain, "
				                         "plain-raw, hibp-sha1 ou "
				                         "hibp-ntlm",
				                         "--password-format expects auto, plain, "
				                         "plain-raw, hibp-sha1 or "
				                         "hibp-ntlm"));
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_LANG: {
			vg_lang lang;
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("ingest", L("--lang attend fr ou en",
				                                   "--lang expects fr or en"));
			cli_lang = lang;
			break;
		}
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cli_print_help(&cmd_ingest);
		default:
			return cli_bad_option("ingest", optopt, argv, optind);
		}
	}
	if (optind >= argc)
		return cli_usage_error("ingest", L("aucune liste de mots de passe à ingérer",
		                                   "no password list to ingest"));
	if (!o.dir) {
		const char *env = getenv("VIGIE_REGISTRY");
		o.dir = env && *env ? env : "vigie-registry";
	}
	o.stop = &cli_stop_flag;
	progress pr = {!quiet && isatty(STDERR_FILENO), false};
	o.progress = on_progress;
	o.progress_ctx = &pr;
	cli_stop_handlers(false);
	vg_pwned_summary s;
	vg_err err;
	memset(&err, 0, sizeof(err));
	int irc = vg_pwned_ingest(&o, (const char *const *)(argv + optind), (size_t)(argc - optind),
	                          &s, &err);
	if (pr.shown)
		fprintf(stderr, "\r%-78s\r", "");
	if (s.interrupted || cli_stop_flag) {
		if (!s.committed)
			fprintf(
			    stderr, "vigie ingest: %s\n",
			    L("interrompu : rien n'a été publié, les empreintes sont inchangées",
			      "interrupted: nothing was published, the hashes are unchanged"));
		vg_pwned_summary_release(&s);
		int sig = cli_stop_signal ? cli_stop_signal : SIGINT;
		cli_stop_handlers(true);
		raise(sig);
		return EXIT_DATA;
	}
	cli_stop_handlers(true);
	int rc = EXIT_OK;
	if (irc == VG_EUSAGE)
		rc = cli_usage_error("ingest", "%s", err.msg);
	else if (irc != 0)
		rc = cli_fail("ingest", irc == VG_EINTERNAL ? EXIT_INTERNAL : EXIT_DATA, "%s",
		              err.msg);
	if (s.committed) {
		if (json) {
			json_t *j = summary_json(&s, o.dir);
			json_dumpf(j, stdout, JSON_COMPACT);
			fputc('\n', stdout);
			json_decref(j);
		} else {
			print_summary(&s, s.seconds);
		}
		if (fflush(stdout) != 0 && rc == EXIT_OK)
			rc =
			    cli_fail("ingest", EXIT_DATA, L("écriture impossible", "cannot write"));
	}
	vg_pwned_summary_release(&s);
	return rc;
}
