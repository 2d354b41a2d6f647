/*
 * gen.c: `vigie gen` as a library: options, the run loop, the ground-truth
 * sidecar and the statistics.
 *
 * The run is one pass over people 0..N-1. Each person yields one row per
 * source (France Travail, Cap Emploi or both) and, with --mess, sometimes a
 * duplicate row in another file; rows are rendered straight into the output
 * file's buffer. Which file a row goes to, whether it is duplicated, and how
 * each row is messed up all come from random streams keyed by (seed, person,
 * row), so the bytes depend on nothing but the options. Memory is the
 * model's tables plus one buffer per file: constant in N.
 */
#include "gen/internal.h"
#include "vigie/address.h"
#include "vigie/name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --------------------------------------------------------------- names */

/* The stable name of a category. */
const char *vg_gen_cat_name(vg_gen_cat c)
{
	static const char *const names[VG_GEN_CAT__COUNT] = {
	    "name",    "nir",   "dob", "ft_id",      "email",
	    "address", "phone", "sex", "birthplace", "registration",
	};
	return (unsigned)c < VG_GEN_CAT__COUNT ? names[c] : "?";
}

/* The stable name of a damage kind. */
const char *vg_gen_damage_name(vg_gen_damage d)
{
	static const char *const names[VG_GEN_DMG__COUNT] = {"none", "truncated", "bad_quote",
	                                                     "extra_field"};
	return (unsigned)d < VG_GEN_DMG__COUNT ? names[d] : "?";
}

/* ------------------------------------------------------------- options */

/* Defaults: 1000 people, seed 1, clean CSV on standard output. */
void vg_gen_opts_init(vg_gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->people = 1000;
	o->seed = 1;
	o->format = VG_GEN_CSV;
	o->files = 1;
	o->lang = VG_LANG_FR;
}

#define UERR(fr, en, ...) vg_err_set(err, VG_EUSAGE, o->lang == VG_LANG_EN ? en : fr, __VA_ARGS__)

/*
 * A count: decimal digits with an optional k (10^3), M (10^6) or G (10^9)
 * suffix. 0 or VG_EINVAL (garbage, sign) or VG_ETOOBIG (over max).
 */
static int parse_count(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	if (!*p)
		return VG_EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return VG_ETOOBIG;
		v = v * 10 + d;
	}
	if (p == s)
		return VG_EINVAL;
	uint64_t mul = 1;
	if (*p == 'k' || *p == 'K')
		mul = 1000;
	else if (*p == 'M')
		mul = 1000000;
	else if (*p == 'G')
		mul = 1000000000;
	if (mul > 1)
		p++;
	if (*p)
		return VG_EINVAL;
	if (mul > 1 && v > UINT64_MAX / mul)
		return VG_ETOOBIG;
	v *= mul;
	if (v > max)
		return VG_ETOOBIG;
	*out = v;
	return 0;
}

/* Whether s ends with suffix. */
static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* The format an output name implies (the extension before any .gz). */
static vg_gen_format format_of_name(const char *name)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", name);
	if (ends_with(tmp, ".gz"))
		tmp[strlen(tmp) - 3] = '\0';
	if (ends_with(tmp, ".tsv") || ends_with(tmp, ".tab"))
		return VG_GEN_TSV;
	if (ends_with(tmp, ".jsonl") || ends_with(tmp, ".ndjson"))
		return VG_GEN_JSONL;
	return VG_GEN_CSV;
}

enum {
	OPT_PEOPLE = 1,
	OPT_SEED,
	OPT_FORMAT,
	OPT_DELIM,
	OPT_MESS,
	OPT_FILES,
	OPT_SPLIT,
	OPT_GZIP,
	OPT_OUTPUT,
	OPT_TRUTH,
	OPT_JSON,
	OPT_QUIET,
	OPT_LANG,
	OPT_HELP,
};

typedef struct opt_def {
	const char *name;
	char short_name;
	int has_arg;
	int id;
} opt_def;

static const opt_def opt_defs[] = {
    {"people", 'n', 1, OPT_PEOPLE},     {"seed", 's', 1, OPT_SEED}, {"format", 'f', 1, OPT_FORMAT},
    {"delimiter", 'd', 1, OPT_DELIM},   {"mess", 0, 1, OPT_MESS},   {"files", 0, 1, OPT_FILES},
    {"split-sources", 0, 0, OPT_SPLIT}, {"gzip", 'z', 0, OPT_GZIP}, {"output", 'o', 1, OPT_OUTPUT},
    {"truth", 0, 1, OPT_TRUTH},         {"json", 0, 0, OPT_JSON},   {"quiet", 'q', 0, OPT_QUIET},
    {"lang", 0, 1, OPT_LANG},           {"help", 'h', 0, OPT_HELP},
};
#define NOPTS (sizeof(opt_defs) / sizeof(opt_defs[0]))

/* Checks a file-name pattern: at most one "%d" and no other '%'. */
static int pattern_ok(const char *s, int *has_d)
{
	*has_d = 0;
	for (const char *p = s; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] != 'd' || *has_d)
			return 0;
		*has_d = 1;
		p++;
	}
	return 1;
}

/* Applies one option; shown is how the user wrote it ("--people", "-n"). */
static int apply(vg_gen_opts *o, int id, const char *shown, const char *v, vg_err *err)
{
	uint64_t n;
	int rc;
	switch (id) {
	case OPT_PEOPLE:
		rc = parse_count(v, VG_GEN_PEOPLE_MAX, &n);
		if (rc == VG_ETOOBIG)
			return UERR("%s : '%s' dépasse le maximum de 10000000000 personnes",
			            "%s: '%s' exceeds the maximum of 10000000000 people", shown, v);
		if (rc)
			return UERR(
			    "%s attend un nombre entier positif ou nul (ex. 1000, 43M), pas '%s'",
			    "%s expects a non-negative whole number (e.g. 1000, 43M), not '%s'",
			    shown, v);
		o->people = n;
		return 0;
	case OPT_SEED:
		rc = (*v >= '0' && *v <= '9') ? parse_count(v, UINT64_MAX, &n) : VG_EINVAL;
		if (rc == 0 && strspn(v, "0123456789") != strlen(v))
			rc = VG_EINVAL;
		if (rc == VG_ETOOBIG)
			return UERR("%s : '%s' dépasse 18446744073709551615",
			            "%s: '%s' exceeds 18446744073709551615", shown, v);
		if (rc)
			return UERR("%s attend un entier positif ou nul, pas '%s'",
			            "%s expects a non-negative integer, not '%s'", shown, v);
		o->seed = n;
		return 0;
	case OPT_FORMAT:
		if (!strcmp(v, "csv"))
			o->format = VG_GEN_CSV;
		else if (!strcmp(v, "tsv"))
			o->format = VG_GEN_TSV;
		else if (!strcmp(v, "jsonl"))
			o->format = VG_GEN_JSONL;
		else
			return UERR("%s attend csv, tsv ou jsonl, pas '%s'",
			            "%s expects csv, tsv or jsonl, not '%s'", shown, v);
		o->format_set = true;
		return 0;
	case OPT_DELIM:
		if (!strcmp(v, ";") || !strcmp(v, ",") || !strcmp(v, "|") || !strcmp(v, "\t"))
			o->delimiter = v[0];
		else if (!strcmp(v, "tab"))
			o->delimiter = '\t';
		else
			return UERR("%s attend ';', ',', '|' ou 'tab', pas '%s'",
			            "%s expects ';', ',', '|' or 'tab', not '%s'", shown, v);
		return 0;
	case OPT_MESS:
		if (parse_count(v, VG_GEN_MESS_MAX, &n) != 0 ||
		    strspn(v, "0123456789") != strlen(v))
			return UERR("%s attend un niveau de 0 à 3, pas '%s'",
			            "%s expects a level from 0 to 3, not '%s'", shown, v);
		o->mess = (int)n;
		return 0;
	case OPT_FILES:
		if (parse_count(v, VG_GEN_FILES_MAX, &n) != 0 || n == 0 ||
		    strspn(v, "0123456789") != strlen(v))
			return UERR("%s attend un nombre de fichiers de 1 à 1000, pas '%s'",
			            "%s expects a number of files from 1 to 1000, not '%s'", shown,
			            v);
		o->files = (unsigned)n;
		return 0;
	case OPT_SPLIT:
		o->split_sources = true;
		return 0;
	case OPT_GZIP:
		o->gzip = true;
		return 0;
	case OPT_OUTPUT:
		if (!*v)
			return UERR("%s attend un nom de fichier", "%s expects a file name", shown);
		o->output = v;
		return 0;
	case OPT_TRUTH:
		if (!*v || !strcmp(v, "-"))
			return UERR("%s attend un nom de fichier", "%s expects a file name", shown);
		o->truth = v;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_QUIET:
		o->quiet = true;
		return 0;
	case OPT_LANG: {
		vg_lang l;
		if (vg_lang_parse(v, &l) != 0)
			return UERR("%s attend fr ou en, pas '%s'", "%s expects fr or en, not '%s'",
			            shown, v);
		o->lang = l;
		return 0;
	}
	case OPT_HELP:
		o->help = true;
		return 0;
	}
	return vg_err_set(err, VG_EINTERNAL, "unknown option id %d", id);
}

/* Checks the options as a whole, and fills what the others imply. */
static int check(vg_gen_opts *o, vg_err *err)
{
	int to_stdout = !o->output || !strcmp(o->output, "-");
	if (!to_stdout) {
		if (!o->format_set)
			o->format = format_of_name(o->output);
		if (ends_with(o->output, ".gz"))
			o->gzip = true;
	}
	if (o->delimiter && o->format != VG_GEN_CSV)
		return UERR("--delimiter ne s'applique qu'au format csv",
		            "--delimiter only applies to the csv format%s", "");
	if (!o->delimiter)
		o->delimiter = o->format == VG_GEN_TSV ? '\t' : ';';
	if (o->format == VG_GEN_TSV)
		o->delimiter = '\t';
	if ((o->files > 1 || o->split_sources) && to_stdout)
		return UERR(
		    "--files et --split-sources écrivent plusieurs fichiers : donnez -o NOM",
		    "--files and --split-sources write several files: give -o NAME%s", "");
	int has_d;
	if (!to_stdout && !pattern_ok(o->output, &has_d))
		return UERR("-o : '%s' ne peut contenir que %%d comme motif",
		            "-o: '%s' may only contain %%d as a pattern", o->output);
	if (!to_stdout && has_d && vg_gen_nfiles(o) == 1)
		return UERR("-o : '%s' contient %%d mais un seul fichier est écrit (voir --files)",
		            "-o: '%s' has %%d but only one file is written (see --files)",
		            o->output);
	if (o->truth && o->output && !strcmp(o->truth, o->output))
		return UERR("--truth et -o désignent le même fichier '%s'",
		            "--truth and -o name the same file '%s'", o->truth);
	return 0;
}

/* Long options (--name, --name=value), short ones (-n 5, -n5), "--"; then the checks. */
int vg_gen_parse_args(int argc, char **argv, vg_gen_opts *o, vg_err *err)
{
	int only_args = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!a)
			break;
		if (only_args || a[0] != '-' || !a[1]) {
			return UERR("argument inattendu : '%s' (gen ne prend que des options)",
			            "unexpected argument: '%s' (gen takes options only)", a);
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		const opt_def *d = NULL;
		const char *val = NULL;
		char shown[64];
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			for (size_t k = 0; k < NOPTS; k++)
				if (strlen(opt_defs[k].name) == len &&
				    !strncmp(opt_defs[k].name, name, len))
					d = &opt_defs[k];
			snprintf(shown, sizeof(shown), "--%.*s", (int)(len < 40 ? len : 40), name);
			if (!d)
				return UERR("option inconnue : %s", "unknown option: %s", shown);
			if (eq) {
				if (!d->has_arg)
					return UERR("%s ne prend pas de valeur",
					            "%s takes no value", shown);
				val = eq + 1;
			}
		} else {
			for (size_t k = 0; k < NOPTS; k++)
				if (opt_defs[k].short_name && opt_defs[k].short_name == a[1])
					d = &opt_defs[k];
			snprintf(shown, sizeof(shown), "-%c", a[1]);
			if (!d)
				return UERR("option inconnue : %s", "unknown option: %s", shown);
			if (a[2]) {
				if (!d->has_arg)
					return UERR("%s ne prend pas de valeur ('%s')",
					            "%s takes no value ('%s')", shown, a);
				val = a + 2;
			}
		}
		if (d->has_arg && !val) {
			if (i + 1 >= argc || !argv[i + 1])
				return UERR("%s attend une valeur", "%s expects a value", shown);
			val = argv[++i];
		}
		int rc = apply(o, d->id, shown, val, err);
		if (rc)
			return rc;
		if (o->help)
			return 0;
	}
	return check(o, err);
}

/* ----------------------------------------------------------- file names */

/* K files, twice with --split-sources. */
unsigned vg_gen_nfiles(const vg_gen_opts *o)
{
	return (o->files ? o->files : 1) * (o->split_sources ? 2 : 1);
}

/* Name of file index: see vigie/gen.h for the rules. */
int vg_gen_file_name(const vg_gen_opts *o, unsigned index, char *buf, size_t cap)
{
	const char *out = o->output ? o->output : "-";
	unsigned files = o->files ? o->files : 1;
	int n;
	if (vg_gen_nfiles(o) == 1) {
		n = snprintf(buf, cap, "%s", out);
		return n < 0 || (size_t)n >= cap ? VG_ETOOBIG : n;
	}
	unsigned k = index % files + 1;
	const char *tag = !o->split_sources ? ""
	                  : index / files   ? "-cap-emploi"
	                                    : "-france-travail";
	char num[16] = "";
	const char *pct = strstr(out, "%d");
	/* the extension: from the last '.' of the base name, with a .gz before it */
	const char *slash = strrchr(out, '/');
	const char *basename = slash ? slash + 1 : out;
	const char *dot = strrchr(basename, '.');
	if (dot && !strcmp(dot, ".gz") && dot > basename) {
		const char *d2 = dot - 1;
		while (d2 > basename && *d2 != '.')
			d2--;
		if (*d2 == '.' && d2 > basename)
			dot = d2;
	}
	if (!dot || dot == basename)
		dot = out + strlen(out);
	if (pct) {
		/* NAME with %d replaced, the source tag before the extension */
		char tmp[4096];
		n = snprintf(tmp, sizeof(tmp), "%.*s%u%s", (int)(pct - out), out, k, pct + 2);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return VG_ETOOBIG;
		vg_gen_opts o2 = *o;
		o2.output = tmp;
		o2.files = 1;
		if (!o->split_sources) {
			n = snprintf(buf, cap, "%s", tmp);
			return n < 0 || (size_t)n >= cap ? VG_ETOOBIG : n;
		}
		return vg_gen_file_name(&o2, index / files, buf, cap);
	}
	if (files > 1)
		snprintf(num, sizeof(num), "-%u", k);
	n = snprintf(buf, cap, "%.*s%s%s%s", (int)(dot - out), out, tag, num, dot);
	return n < 0 || (size_t)n >= cap ? VG_ETOOBIG : n;
}

/* ------------------------------------------------------------------ run */

/* The state of one run. */
typedef struct run {
	const vg_gen_opts *o;
	vg_gen_model *m;
	gen_row_cfg cfg;
	unsigned nf;
	gen_out *out;
	char (*names)[1024];
	uint64_t *lines; /* lines written per file (header included) */
	uint64_t *rows;
	int *crlf, *bom;
	gen_out truth;
	int has_truth;
	char *tbuf; /* one truth line */
	size_t tcap;
	vg_gen_stats st;
} run;

/* Monotonic seconds. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Appends a NUL-terminated string. */
static char *cat(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

/* Appends s as a JSON string. */
static char *cat_json_str(char *p, const char *s)
{
	*p++ = '"';
	p = gen_put_json(p, s, strlen(s));
	*p++ = '"';
	return p;
}

/* Appends a JSON array of category names. */
static char *cat_cats(char *p, unsigned cats)
{
	*p++ = '[';
	int first = 1;
	for (int c = 0; c < VG_GEN_CAT__COUNT; c++) {
		if (!(cats & (1u << c)))
			continue;
		if (!first)
			*p++ = ',';
		first = 0;
		p = cat_json_str(p, vg_gen_cat_name((vg_gen_cat)c));
	}
	*p++ = ']';
	return p;
}

/* Appends the canonical form of a name, or null. */
static char *cat_name_canon(char *p, const char *s)
{
	vg_name v;
	if (vg_name_normalize(s, strlen(s), &v) == 0)
		return cat_json_str(p, v.c.s);
	return cat(p, "null");
}

/* The meta line of the truth file. */
static int truth_meta(run *R, vg_err *err)
{
	const vg_gen_opts *o = R->o;
	char *p = R->tbuf;
	static const char *const fmts[] = {"csv", "tsv", "jsonl"};
	p = cat(p, "{\"type\":\"meta\",\"generator\":\"vigie gen\",\"version\":");
	p = cat_json_str(p, vg_version());
	p = cat(p, ",\"seed\":");
	p = gen_put_u64(p, o->seed);
	p = cat(p, ",\"people\":");
	p = gen_put_u64(p, o->people);
	p = cat(p, ",\"mess\":");
	p = gen_put_u64(p, (uint64_t)o->mess);
	p = cat(p, ",\"format\":");
	p = cat_json_str(p, fmts[o->format]);
	p = cat(p, ",\"delimiter\":");
	char d[2] = {R->cfg.delim, 0};
	p = cat_json_str(p, o->format == VG_GEN_JSONL ? "" : d);
	p = cat(p, ",\"columns\":[");
	for (int c = 0; vg_gen_columns[c]; c++) {
		if (c)
			*p++ = ',';
		p = cat_json_str(p, vg_gen_columns[c]);
	}
	p = cat(p, "],\"files\":[");
	int rc = 0;
	for (unsigned f = 0; f < R->nf; f++) {
		if (f)
			*p++ = ',';
		p = cat(p, "{\"index\":");
		p = gen_put_u64(p, f);
		p = cat(p, ",\"name\":");
		p = cat_json_str(p, R->names[f]);
		p = cat(p, ",\"source\":");
		if (!o->split_sources)
			p = cat(p, "null");
		else
			p = cat_json_str(p, f / o->files ? "cap_emploi" : "france_travail");
		p = cat(p, R->bom[f] ? ",\"bom\":true" : ",\"bom\":false");
		p = cat(p, R->crlf[f] ? ",\"crlf\":true" : ",\"crlf\":false");
		p = cat(p, o->gzip ? ",\"gzip\":true}" : ",\"gzip\":false}");
		if ((size_t)(p - R->tbuf) > R->tcap - 8192) {
			rc = gen_out_write(&R->truth, R->tbuf, (size_t)(p - R->tbuf), err);
			if (rc)
				return rc;
			p = R->tbuf;
		}
	}
	p = cat(p, "]}\n");
	return gen_out_write(&R->truth, R->tbuf, (size_t)(p - R->tbuf), err);
}

/* A row as the truth file records it. */
typedef struct row_rec {
	unsigned file;
	uint64_t line;
	unsigned source;
	gen_row_info info;
} row_rec;

/* Writes a person's truth line: canonical identifiers, categories, rows. */
static int truth_person(run *R, const vg_gen_person *p, const row_rec *rows, int nrows, vg_err *err)
{
	char *o = R->tbuf;
	o = cat(o, "{\"type\":\"person\",\"i\":");
	o = gen_put_u64(o, p->index);
	o = cat(o, ",\"email\":");
	o = cat_json_str(o, p->email);
	o = cat(o, ",\"phone\":");
	o = cat_json_str(o, p->phone_e164);
	o = cat(o, ",\"nir\":");
	o = cat_json_str(o, p->nir);
	o = cat(o, ",\"name\":{\"first\":");
	o = cat_name_canon(o, p->prenom);
	o = cat(o, ",\"usage\":");
	o = cat_name_canon(o, p->nom_usage);
	o = cat(o, ",\"birth\":");
	o = cat_name_canon(o, p->nom_naissance);
	o = cat(o, "},\"dob\":\"");
	o = gen_put_4d(o, p->birth_year);
	*o++ = '-';
	o = gen_put_2d(o, p->birth_month);
	*o++ = '-';
	o = gen_put_2d(o, p->birth_day);
	o = cat(o, "\",\"address\":");
	char line[3 * VG_GEN_TEXT_MAX];
	int n = snprintf(line, sizeof(line), "%s %s %s", p->address, p->postcode, p->commune);
	vg_address a;
	if (n > 0 && vg_address_normalize(line, (size_t)n, &a) == 0)
		o = cat_json_str(o, a.c.s);
	else
		o = cat(o, "null");
	o = cat(o, ",\"ft_id\":");
	o = cat_json_str(o, p->ft_id);
	o = cat(o, p->sex == 1 ? ",\"sex\":\"M\"" : ",\"sex\":\"F\"");
	o = cat(o, ",\"birthplace\":");
	o = cat_json_str(o, p->birthplace);
	o = cat(o, ",\"birth_country\":");
	o = cat_json_str(o, p->birth_country);
	o = cat(o, ",\"sources\":{");
	int firstsrc = 1;
	for (unsigned s = VG_GEN_SRC_FT; s <= VG_GEN_SRC_CE; s <<= 1) {
		if (!(p->sources & s))
			continue;
		unsigned cats = 0;
		for (int k = 0; k < nrows; k++)
			if (rows[k].source == s && rows[k].info.damage == VG_GEN_DMG_NONE)
				cats |= rows[k].info.cats;
		if (!firstsrc)
			*o++ = ',';
		firstsrc = 0;
		o = cat(o, s == VG_GEN_SRC_FT ? "\"france_travail\":" : "\"cap_emploi\":");
		o = cat_cats(o, cats);
	}
	o = cat(o, "},\"rows\":[");
	for (int k = 0; k < nrows; k++) {
		if (k)
			*o++ = ',';
		o = cat(o, "{\"file\":");
		o = cat_json_str(o, R->names[rows[k].file]);
		o = cat(o, ",\"line\":");
		o = gen_put_u64(o, rows[k].line);
		o = cat(o, rows[k].source == VG_GEN_SRC_FT ? ",\"source\":\"france_travail\""
		                                           : ",\"source\":\"cap_emploi\"");
		o = cat(o, ",\"cats\":");
		o = cat_cats(o, rows[k].info.cats);
		if (rows[k].info.damage) {
			o = cat(o, ",\"damage\":");
			o = cat_json_str(o, vg_gen_damage_name(rows[k].info.damage));
		}
		if (rows[k].info.cp1252)
			o = cat(o, ",\"cp1252\":true");
		*o++ = '}';
	}
	o = cat(o, "]");
	if (p->nir_overflow)
		o = cat(o, ",\"nir_overflow\":true");
	o = cat(o, "}\n");
	return gen_out_write(&R->truth, R->tbuf, (size_t)(o - R->tbuf), err);
}

/* Writes the last truth line: the counts. */
static int truth_summary(run *R, vg_err *err)
{
	char *o = R->tbuf;
	const vg_gen_stats *s = &R->st;
	o = cat(o, "{\"type\":\"summary\",\"people\":");
	o = gen_put_u64(o, s->people);
	o = cat(o, ",\"rows\":");
	o = gen_put_u64(o, s->rows);
	o = cat(o, ",\"rows_by_source\":{\"france_travail\":");
	o = gen_put_u64(o, s->rows_ft);
	o = cat(o, ",\"cap_emploi\":");
	o = gen_put_u64(o, s->rows_ce);
	o = cat(o, "},\"people_both\":");
	o = gen_put_u64(o, s->people_both);
	o = cat(o, ",\"duplicate_rows\":");
	o = gen_put_u64(o, s->duplicate_rows);
	o = cat(o, ",\"damaged\":{");
	for (int d = 1; d < VG_GEN_DMG__COUNT; d++) {
		if (d > 1)
			*o++ = ',';
		o = cat_json_str(o, vg_gen_damage_name((vg_gen_damage)d));
		*o++ = ':';
		o = gen_put_u64(o, s->damaged[d]);
	}
	o = cat(o, "},\"cp1252_rows\":");
	o = gen_put_u64(o, s->cp1252_rows);
	o = cat(o, ",\"files\":[");
	int rc = 0;
	for (unsigned f = 0; f < R->nf; f++) {
		if (f)
			*o++ = ',';
		o = cat(o, "{\"name\":");
		o = cat_json_str(o, R->names[f]);
		o = cat(o, ",\"rows\":");
		o = gen_put_u64(o, R->rows[f]);
		o = cat(o, ",\"lines\":");
		o = gen_put_u64(o, R->lines[f]);
		*o++ = '}';
		if ((size_t)(o - R->tbuf) > R->tcap - 8192) {
			rc = gen_out_write(&R->truth, R->tbuf, (size_t)(o - R->tbuf), err);
			if (rc)
				return rc;
			o = R->tbuf;
		}
	}
	o = cat(o, "]}\n");
	return gen_out_write(&R->truth, R->tbuf, (size_t)(o - R->tbuf), err);
}

/* Writes one row of person p for source s into file f. */
static int emit_row(run *R, const vg_gen_person *p, unsigned s, unsigned f, uint64_t rowseed,
                    row_rec *rec, vg_err *err)
{
	gen_out *out = &R->out[f];
	int rc = gen_out_reserve(out, GEN_ROW_MAX, err);
	if (rc)
		return rc;
	R->cfg.crlf = R->crlf[f];
	size_t n = gen_row(&R->cfg, p, s, rowseed, out->buf + out->len, &rec->info);
	out->len += n;
	rec->file = f;
	rec->line = ++R->lines[f];
	rec->source = s;
	R->rows[f]++;
	R->st.rows++;
	if (s == VG_GEN_SRC_FT)
		R->st.rows_ft++;
	else
		R->st.rows_ce++;
	R->st.damaged[rec->info.damage]++;
	if (rec->info.cp1252)
		R->st.cp1252_rows++;
	return 0;
}

/* Duplicate rates per mess level, per mille of people. */
static const unsigned dup_rate[VG_GEN_MESS_MAX + 1] = {0, 20, 50, 100};

/* Writes person i's rows (one per source, maybe a duplicate) and truth line. */
static int person_rows(run *R, uint64_t i, vg_err *err)
{
	const vg_gen_opts *o = R->o;
	vg_gen_person p;
	gen_extra x;
	gen_person(R->m, i, &p, &x);
	gen_rng r;
	gen_rng_seed(&r, gen_hash(o->seed, 31, i, 0));
	unsigned files = o->files ? o->files : 1;
	row_rec rows[3];
	int nrows = 0;
	unsigned kfile[2] = {0, 0};
	for (int si = 0; si < 2; si++) {
		unsigned s = si ? VG_GEN_SRC_CE : VG_GEN_SRC_FT;
		kfile[si] = files > 1 ? (unsigned)gen_below(&r, files) : 0;
		if (!(p.sources & s))
			continue;
		unsigned f = (o->split_sources && si ? files : 0) + kfile[si];
		int rc = emit_row(R, &p, s, f, gen_hash(o->seed, 32, i, (uint64_t)si),
		                  &rows[nrows++], err);
		if (rc)
			return rc;
	}
	if (o->mess && gen_chance(&r, dup_rate[o->mess])) {
		int si = p.sources == (VG_GEN_SRC_FT | VG_GEN_SRC_CE) ? (int)gen_below(&r, 2)
		         : p.sources == VG_GEN_SRC_CE                 ? 1
		                                                      : 0;
		unsigned k = kfile[si];
		if (files > 1)
			k = (k + 1 + (unsigned)gen_below(&r, files - 1)) % files;
		unsigned f = (o->split_sources && si ? files : 0) + k;
		int rc = emit_row(R, &p, si ? VG_GEN_SRC_CE : VG_GEN_SRC_FT, f,
		                  gen_hash(o->seed, 32, i, 2), &rows[nrows++], err);
		if (rc)
			return rc;
		R->st.duplicate_rows++;
	}
	unsigned cats = 0;
	for (int k = 0; k < nrows; k++)
		if (rows[k].info.damage == VG_GEN_DMG_NONE)
			cats |= rows[k].info.cats;
	for (int c = 0; c < VG_GEN_CAT__COUNT; c++)
		if (cats & (1u << c))
			R->st.cat_people[c]++;
	if (p.sources == (VG_GEN_SRC_FT | VG_GEN_SRC_CE))
		R->st.people_both++;
	if (p.nir_overflow)
		R->st.nir_overflow++;
	R->st.people++;
	if (R->has_truth)
		return truth_person(R, &p, rows, nrows, err);
	return 0;
}

/* Frees what a run allocated (outputs are closed before). */
static void run_free(run *R)
{
	free(R->out);
	free(R->names);
	free(R->lines);
	free(R->rows);
	free(R->crlf);
	free(R->bom);
	free(R->tbuf);
	vg_gen_model_free(R->m);
}

/* Opens the files, writes headers, every person, the truth, and closes. */
int vg_gen_run(const vg_gen_opts *o, vg_gen_stats *st, vg_err *err)
{
	if (o->people > VG_GEN_PEOPLE_MAX || o->mess < 0 || o->mess > VG_GEN_MESS_MAX ||
	    o->files > VG_GEN_FILES_MAX ||
	    (o->format != VG_GEN_CSV && o->format != VG_GEN_TSV && o->format != VG_GEN_JSONL))
		return vg_err_set(err, VG_EUSAGE, "gen: options out of range");
	if (o->format == VG_GEN_CSV && o->delimiter && !strchr(";,|\t", o->delimiter))
		return vg_err_set(err, VG_EUSAGE, "gen: bad delimiter");
	double t0 = now();
	run R;
	memset(&R, 0, sizeof(R));
	R.o = o;
	R.cfg.format = o->format;
	R.cfg.delim = o->format == VG_GEN_TSV ? '\t' : o->delimiter ? o->delimiter : ';';
	R.cfg.mess = o->mess;
	R.nf = vg_gen_nfiles(o);
	R.out = vg_xcalloc(R.nf, sizeof(gen_out));
	R.names = vg_xcalloc(R.nf, sizeof(*R.names));
	R.lines = vg_xcalloc(R.nf, sizeof(uint64_t));
	R.rows = vg_xcalloc(R.nf, sizeof(uint64_t));
	R.crlf = vg_xcalloc(R.nf, sizeof(int));
	R.bom = vg_xcalloc(R.nf, sizeof(int));
	R.tcap = 64 * 1024;
	R.tbuf = vg_xmalloc(R.tcap);
	int rc = 0;
	for (unsigned f = 0; f < R.nf; f++) {
		if (vg_gen_file_name(o, f, R.names[f], sizeof(R.names[f])) < 0) {
			run_free(&R);
			return vg_err_set(err, VG_EUSAGE, "gen: output name too long");
		}
		if (o->mess) {
			uint64_t h = gen_hash(o->seed, 40, f, 0);
			R.bom[f] = o->format != VG_GEN_JSONL && (h & 1);
			R.crlf[f] = (h >> 1) & 1;
		}
	}
	R.m = vg_gen_model_new(o->people, o->seed);
	size_t bufsize = (64u << 20) / R.nf;
	if (bufsize > (1u << 20))
		bufsize = 1u << 20;
	if (bufsize < (32u << 10))
		bufsize = 32u << 10;
	unsigned opened = 0;
	for (; opened < R.nf && !rc; opened++) {
		rc = gen_out_open(&R.out[opened], R.names[opened], (int)opened, o->sink, o->gzip,
		                  bufsize, R.nf > 64, err);
		if (rc)
			break;
		char hdr[1024];
		size_t n = 0;
		if (R.bom[opened]) {
			memcpy(hdr, "\xEF\xBB\xBF", 3);
			n = 3;
		}
		R.cfg.crlf = R.crlf[opened];
		size_t h = gen_header(&R.cfg, hdr + n, sizeof(hdr) - n);
		if (h)
			R.lines[opened] = 1;
		rc = gen_out_write(&R.out[opened], hdr, n + h, err);
	}
	if (!rc && o->truth) {
		rc = gen_out_open(&R.truth, o->truth, -1, o->sink, ends_with(o->truth, ".gz"),
		                  1u << 20, 0, err);
		if (!rc) {
			R.has_truth = 1;
			rc = truth_meta(&R, err);
		}
	}
	double last = t0;
	for (uint64_t i = 0; i < o->people && !rc; i++) {
		rc = person_rows(&R, i, err);
		if (o->progress && (i & 0xFFFF) == 0xFFFF) {
			double t = now();
			if (t - last >= 0.25) {
				last = t;
				o->progress(o->progress_ctx, i + 1, o->people);
			}
		}
	}
	if (!rc && R.has_truth)
		rc = truth_summary(&R, err);
	for (unsigned f = 0; f < opened; f++) {
		vg_err e2;
		int c = gen_out_close(&R.out[f], rc ? &e2 : err);
		if (!rc)
			rc = c;
		R.st.bytes += R.out[f].bytes;
	}
	if (R.has_truth) {
		vg_err e2;
		int c = gen_out_close(&R.truth, rc ? &e2 : err);
		if (!rc)
			rc = c;
	}
	if (!rc && o->progress)
		o->progress(o->progress_ctx, o->people, o->people);
	R.st.nfiles = R.nf;
	for (unsigned f = 0; f < R.nf && f < VG_GEN_STATS_FILES; f++)
		R.st.file_rows[f] = R.rows[f];
	R.st.seconds = now() - t0;
	if (st)
		*st = R.st;
	run_free(&R);
	return rc;
}
