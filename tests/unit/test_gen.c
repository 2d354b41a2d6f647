/*
 * test_gen.c: the synthetic leak generator.
 *
 * Output is captured in memory through a vg_gen_sink. Identifiers are
 * checked with the identifier library (each normalizer must accept the
 * generated value and give the canonical form the truth file states) and
 * against independent computations here (NIR key from its definition,
 * consistency of the NIR with sex, date and place of birth).
 */
#include "vigie/address.h"
#include "vigie/dob.h"
#include "vigie/email.h"
#include "vigie/ftid.h"
#include "vigie/gen.h"
#include "vigie/name.h"
#include "vigie/nir.h"
#include "vigie/phone.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>
#include <cmocka.h>

/* ------------------------------------------------------------- helpers */

typedef struct membuf {
	char *p;
	size_t n, cap;
} membuf;

#define MAXF 16
typedef struct capture {
	membuf files[MAXF];
	membuf truth;
	int discard; /* count bytes only */
	uint64_t count;
} capture;

static void mb_add(membuf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static int sink_write(void *ctx, int file, const void *buf, size_t n)
{
	capture *c = ctx;
	c->count += n;
	if (c->discard)
		return 0;
	if (file < 0)
		mb_add(&c->truth, buf, n);
	else if (file < MAXF)
		mb_add(&c->files[file], buf, n);
	return 0;
}

static void capture_free(capture *c)
{
	for (int i = 0; i < MAXF; i++)
		free(c->files[i].p);
	free(c->truth.p);
	memset(c, 0, sizeof(*c));
}

/* Parses argv (NULL-terminated, without the command name) into o. */
static int parse(vg_gen_opts *o, vg_err *err, const char *const *args)
{
	char *argv[64];
	int argc = 0;
	argv[argc++] = (char *)"gen";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	vg_gen_opts_init(o);
	o->lang = VG_LANG_EN;
	memset(err, 0, sizeof(*err));
	return vg_gen_parse_args(argc, argv, o, err);
}

/* Runs the generator on args into c (a sink: nothing touches the disk). */
static void gen_into(capture *c, vg_gen_stats *st, const char *const *args)
{
	vg_gen_opts o;
	vg_err err;
	assert_int_equal(parse(&o, &err, args), 0);
	vg_gen_sink sink = {sink_write, c};
	o.sink = &sink;
	assert_int_equal(vg_gen_run(&o, st, &err), 0);
}

/* Splits a line into fields, RFC 4180 quoting, delimiter d. Returns the
 * count, or -1 when a quote is never closed or closed mid-field. */
static int split_fields(const char *s, size_t n, char d, char fields[][512], int max)
{
	int k = 0;
	size_t i = 0;
	for (;;) {
		if (k >= max)
			return k + 1;
		char *f = fields[k];
		size_t fl = 0;
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= n)
					return -1;
				if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
					f[fl++] = '"';
					i += 2;
				} else if (s[i] == '"') {
					i++;
					break;
				} else {
					f[fl++] = s[i++];
				}
			}
			if (i < n && s[i] != d)
				return -1;
		} else {
			while (i < n && s[i] != d) {
				if (fl < 511)
					f[fl++] = s[i];
				i++;
			}
		}
		f[fl] = '\0';
		k++;
		if (i >= n)
			return k;
		i++; /* the delimiter */
	}
}

/* The lines of a buffer: pointers and lengths without the line ending. */
typedef struct lines {
	const char **s;
	size_t *n;
	size_t count;
} lines;

static void split_lines(const membuf *b, lines *l)
{
	size_t cap = 1024;
	l->s = malloc(cap * sizeof(char *));
	l->n = malloc(cap * sizeof(size_t));
	l->count = 0;
	size_t start = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->p[i] != '\n')
			continue;
		if (l->count == cap) {
			cap *= 2;
			l->s = realloc(l->s, cap * sizeof(char *));
			l->n = realloc(l->n, cap * sizeof(size_t));
		}
		size_t e = i;
		if (e > start && b->p[e - 1] == '\r')
			e--;
		l->s[l->count] = b->p + start;
		l->n[l->count++] = e - start;
		start = i + 1;
	}
}

static void lines_free(lines *l)
{
	free(l->s);
	free(l->n);
}

/* NIR key from the definition: 97 - (N mod 97), 2A -> 19, 2B -> 18. */
static int ref_key(const char *body)
{
	char b[14];
	memcpy(b, body, 13);
	b[13] = '\0';
	if (b[5] == '2' && b[6] == 'A') {
		b[5] = '1';
		b[6] = '9';
	} else if (b[5] == '2' && b[6] == 'B') {
		b[5] = '1';
		b[6] = '8';
	}
	int r = 0;
	for (int i = 0; i < 13; i++)
		r = (r * 10 + (b[i] - '0')) % 97;
	return 97 - r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --------------------------------------------------------------- options */

static void test_parse_ok(void **state)
{
	(void)state;
	vg_gen_opts o;
	vg_err err;
	assert_int_equal(parse(&o, &err, (const char *[]){NULL}), 0);
	assert_int_equal(o.people, 1000);
	assert_int_equal(o.seed, 1);
	assert_int_equal(o.format, VG_GEN_CSV);
	assert_int_equal(o.delimiter, ';');
	assert_int_equal(o.files, 1);

	assert_int_equal(
	    parse(&o, &err,
	          (const char *[]){"--people", "43M", "--seed", "18446744073709551615", NULL}),
	    0);
	assert_int_equal(o.people, 43000000);
	assert_true(o.seed == UINT64_MAX);
	assert_int_equal(parse(&o, &err, (const char *[]){"-n5", "-s", "0", NULL}), 0);
	assert_int_equal(o.people, 5);
	assert_int_equal(o.seed, 0);
	assert_int_equal(parse(&o, &err, (const char *[]){"--people=10000000000", NULL}), 0);
	assert_true(o.people == 10000000000ull);
	assert_int_equal(parse(&o, &err, (const char *[]){"--people", "100k", "--mess", "3", NULL}),
	                 0);
	assert_int_equal(o.people, 100000);
	assert_int_equal(o.mess, 3);
	assert_int_equal(parse(&o, &err, (const char *[]){"--format", "tsv", NULL}), 0);
	assert_int_equal(o.format, VG_GEN_TSV);
	assert_int_equal(o.delimiter, '\t');
	assert_int_equal(parse(&o, &err, (const char *[]){"--delimiter", ",", NULL}), 0);
	assert_int_equal(o.delimiter, ',');
	assert_int_equal(parse(&o, &err, (const char *[]){"-d", "tab", NULL}), 0);
	assert_int_equal(o.delimiter, '\t');
	/* the format and compression follow the output name */
	assert_int_equal(parse(&o, &err, (const char *[]){"-o", "x.jsonl.gz", NULL}), 0);
	assert_int_equal(o.format, VG_GEN_JSONL);
	assert_true(o.gzip);
	assert_int_equal(parse(&o, &err, (const char *[]){"-o", "x.tsv", NULL}), 0);
	assert_int_equal(o.format, VG_GEN_TSV);
	assert_false(o.gzip);
	assert_int_equal(parse(&o, &err, (const char *[]){"-o", "x.tsv", "--format", "csv", NULL}),
	                 0);
	assert_int_equal(o.format, VG_GEN_CSV);
	assert_int_equal(
	    parse(&o, &err,
	          (const char *[]){"--files", "3", "-o", "leak-%d.csv", "--split-sources", NULL}),
	    0);
	assert_int_equal(vg_gen_nfiles(&o), 6);
	assert_int_equal(
	    parse(&o, &err, (const char *[]){"--lang", "fr", "--json", "-q", "-z", NULL}), 0);
	assert_int_equal(o.lang, VG_LANG_FR);
	assert_true(o.json && o.quiet && o.gzip);
	/* --help stops there */
	assert_int_equal(parse(&o, &err, (const char *[]){"--help", "--bogus", NULL}), 0);
	assert_true(o.help);
}

static void test_parse_errors(void **state)
{
	(void)state;
	static const struct {
		const char *args[6];
		const char *msg; /* a part of the English message */
	} cases[] = {
	    {{"--people", "-5"}, "--people expects a non-negative whole number"},
	    {{"--people", "abc"}, "not 'abc'"},
	    {{"--people", "5x"}, "not '5x'"},
	    {{"--people", ""}, "--people expects"},
	    {{"--people", "10000000001"}, "exceeds the maximum"},
	    {{"--people", "99999999999999999999999"}, "exceeds the maximum"},
	    {{"--people", "20G"}, "exceeds the maximum"},
	    {{"--people", "1.5M"}, "not '1.5M'"},
	    {{"-n"}, "-n expects a value"},
	    {{"--seed", "-1"}, "--seed expects a non-negative integer"},
	    {{"--seed", "18446744073709551616"}, "exceeds 18446744073709551615"},
	    {{"--seed", "1k"}, "--seed expects"},
	    {{"--format", "xml"}, "expects csv, tsv or jsonl"},
	    {{"--format", "tsv", "--delimiter", ","}, "only applies to the csv format"},
	    {{"--delimiter", "::"}, "expects ';', ','"},
	    {{"--mess", "4"}, "from 0 to 3"},
	    {{"--mess", "-1"}, "from 0 to 3"},
	    {{"--files", "0", "-o", "x.csv"}, "from 1 to 1000"},
	    {{"--files", "1001", "-o", "x.csv"}, "from 1 to 1000"},
	    {{"--files", "2"}, "give -o NAME"},
	    {{"--split-sources", "-o", "-"}, "give -o NAME"},
	    {{"-o", "a%sb.csv", "--files", "2"}, "may only contain %d"},
	    {{"-o", "a%d.csv"}, "only one file is written"},
	    {{"--truth", "x.jsonl", "-o", "x.jsonl"}, "the same file"},
	    {{"--truth", "-"}, "expects a file name"},
	    {{"--bogus"}, "unknown option: --bogus"},
	    {{"-x"}, "unknown option: -x"},
	    {{"--json=1"}, "takes no value"},
	    {{"-zq"}, "takes no value"},
	    {{"stray"}, "unexpected argument: 'stray'"},
	    {{"--", "--people"}, "unexpected argument"},
	    {{"--lang", "de"}, "expects fr or en"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vg_gen_opts o;
		vg_err err;
		const char *args[8] = {0};
		for (int k = 0; k < 6 && cases[i].args[k]; k++)
			args[k] = cases[i].args[k];
		int rc = parse(&o, &err, args);
		if (rc != VG_EUSAGE || !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu (%s): rc %d, message '%s'", i, cases[i].args[0], rc,
			         err.msg);
	}
	/* French by default */
	vg_gen_opts o;
	vg_err err;
	vg_gen_opts_init(&o);
	char *argv[] = {"gen", "--people", "x", NULL};
	assert_int_equal(vg_gen_parse_args(3, argv, &o, &err), VG_EUSAGE);
	assert_non_null(strstr(err.msg, "attend un nombre"));
}

static void test_file_names(void **state)
{
	(void)state;
	vg_gen_opts o;
	vg_err err;
	char name[256];
	assert_int_equal(
	    parse(&o, &err, (const char *[]){"-o", "dir/leak.csv.gz", "--files", "3", NULL}), 0);
	assert_true(vg_gen_file_name(&o, 0, name, sizeof(name)) > 0);
	assert_string_equal(name, "dir/leak-1.csv.gz");
	assert_true(vg_gen_file_name(&o, 2, name, sizeof(name)) > 0);
	assert_string_equal(name, "dir/leak-3.csv.gz");
	assert_int_equal(parse(&o, &err, (const char *[]){"-o", "a.b/leak", "--files", "2", NULL}),
	                 0);
	assert_true(vg_gen_file_name(&o, 1, name, sizeof(name)) > 0);
	assert_string_equal(name, "a.b/leak-2");
	assert_int_equal(
	    parse(&o, &err, (const char *[]){"-o", "part%d.tsv", "--files", "12", NULL}), 0);
	assert_true(vg_gen_file_name(&o, 11, name, sizeof(name)) > 0);
	assert_string_equal(name, "part12.tsv");
	assert_int_equal(
	    parse(&o, &err, (const char *[]){"-o", "leak.csv", "--split-sources", NULL}), 0);
	assert_true(vg_gen_file_name(&o, 0, name, sizeof(name)) > 0);
	assert_string_equal(name, "leak-france-travail.csv");
	assert_true(vg_gen_file_name(&o, 1, name, sizeof(name)) > 0);
	assert_string_equal(name, "leak-cap-emploi.csv");
	assert_int_equal(
	    parse(&o, &err,
	          (const char *[]){"-o", "x%d.csv", "--split-sources", "--files", "2", NULL}),
	    0);
	assert_true(vg_gen_file_name(&o, 3, name, sizeof(name)) > 0);
	assert_string_equal(name, "x2-cap-emploi.csv");
	assert_int_equal(parse(&o, &err, (const char *[]){"-o", "one.csv", NULL}), 0);
	assert_true(vg_gen_file_name(&o, 0, name, sizeof(name)) > 0);
	assert_string_equal(name, "one.csv");
	assert_int_equal(vg_gen_file_name(&o, 0, name, 4), VG_ETOOBIG);
}

/* ------------------------------------------------------------ determinism */

static void test_determinism(void **state)
{
	(void)state;
	capture a = {0}, b = {0}, c = {0};
	vg_gen_stats st;
	const char *args[] = {"--people", "3000",    "--seed",  "42", "--mess",
	                      "2",        "--truth", "t.jsonl", NULL};
	gen_into(&a, &st, args);
	gen_into(&b, &st, args);
	assert_true(a.files[0].n > 100000);
	assert_int_equal(a.files[0].n, b.files[0].n);
	assert_memory_equal(a.files[0].p, b.files[0].p, a.files[0].n);
	assert_int_equal(a.truth.n, b.truth.n);
	assert_memory_equal(a.truth.p, b.truth.p, a.truth.n);
	const char *args2[] = {"--people", "3000", "--seed", "43", "--mess", "2", NULL};
	gen_into(&c, &st, args2);
	assert_true(c.files[0].n != a.files[0].n ||
	            memcmp(c.files[0].p, a.files[0].p, a.files[0].n) != 0);
	/* rows differ person by person, not just somewhere */
	lines la, lc;
	split_lines(&a.files[0], &la);
	split_lines(&c.files[0], &lc);
	size_t same = 0;
	for (size_t i = 1; i < la.count && i < lc.count; i++)
		same += la.n[i] == lc.n[i] && !memcmp(la.s[i], lc.s[i], la.n[i]);
	assert_true(same < 10);
	lines_free(&la);
	lines_free(&lc);
	capture_free(&a);
	capture_free(&b);
	capture_free(&c);
}

/* Person i alone is the person of the full run (no state carried over). */
static void test_person_alone(void **state)
{
	(void)state;
	capture a = {0};
	vg_gen_stats st;
	gen_into(&a, &st,
	         (const char *[]){"--people", "500", "--seed", "9", "--format", "tsv", NULL});
	lines l;
	split_lines(&a.files[0], &l);
	vg_gen_model *m = vg_gen_model_new(500, 9);
	size_t line = 1;
	for (uint64_t i = 0; i < 500; i++) {
		vg_gen_person p;
		vg_gen_person_make(m, i, &p);
		int nsrc =
		    (p.sources & VG_GEN_SRC_FT ? 1 : 0) + (p.sources & VG_GEN_SRC_CE ? 1 : 0);
		assert_true(nsrc >= 1);
		for (int k = 0; k < nsrc; k++, line++) {
			char f[VG_GEN_NCOLUMNS + 1][512];
			assert_true(line < l.count);
			assert_int_equal(
			    split_fields(l.s[line], l.n[line], '\t', f, VG_GEN_NCOLUMNS + 1),
			    VG_GEN_NCOLUMNS);
			assert_string_equal(f[0], p.nom_usage);
			assert_string_equal(f[2], p.prenom);
			assert_string_equal(f[5], p.nir);
			assert_string_equal(f[10], p.email);
			assert_string_equal(f[12], p.ft_id);
		}
	}
	assert_int_equal(line, l.count);
	vg_gen_model_free(m);
	lines_free(&l);
	capture_free(&a);
}

/* The exact bytes of a tiny run: a change to the model shows here. */
static void test_header_and_columns(void **state)
{
	(void)state;
	capture a = {0};
	vg_gen_stats st;
	gen_into(&a, &st, (const char *[]){"--people", "2000", "--seed", "5", NULL});
	lines l;
	split_lines(&a.files[0], &l);
	const char *hdr = "nom_usage;nom_naissance;prenom;sexe;date_naissance;nir;adresse;"
	                  "code_postal;commune;telephone;email;region;identifiant_ft;"
	                  "statut_inscription;date_debut_inscription;date_fin_inscription;source";
	assert_int_equal(l.n[0], strlen(hdr));
	assert_memory_equal(l.s[0], hdr, l.n[0]);
	assert_int_equal(l.count, st.rows + 1);
	assert_int_equal(st.rows, st.rows_ft + st.rows_ce);
	assert_int_equal(st.people, 2000);
	/* clean: every row has 17 fields, no quotes, no CR */
	uint64_t registered = 0;
	for (size_t i = 1; i < l.count; i++) {
		char f[VG_GEN_NCOLUMNS + 1][512];
		assert_int_equal(split_fields(l.s[i], l.n[i], ';', f, VG_GEN_NCOLUMNS + 1),
		                 VG_GEN_NCOLUMNS);
		assert_null(memchr(l.s[i], '"', l.n[i]));
		assert_null(memchr(l.s[i], '\r', l.n[i]));
		for (int c = 0; c < VG_GEN_NCOLUMNS; c++)
			if (c != 15 && !f[c][0])
				fail_msg("line %zu: empty %s", i, vg_gen_columns[c]);
		/* registration: end date empty exactly when still registered */
		int inscrit = !strncmp(f[13], "inscrit cat. ", 13);
		assert_int_equal(inscrit, f[15][0] == '\0');
		registered += inscrit;
		assert_true(!strcmp(f[16], "France Travail") || !strcmp(f[16], "Cap Emploi"));
	}
	/* a realistic share of people still registered */
	assert_true(registered > st.rows / 20 && registered < st.rows / 4);
	lines_free(&l);
	capture_free(&a);
}

/* --------------------------------------------------------- identity checks */

static void check_person(const vg_gen_person *p)
{
	/* NIR: valid, canonical, key from the definition, consistent */
	vg_nir nir;
	if (vg_nir_normalize(p->nir, strlen(p->nir), &nir) != 0)
		fail_msg("person %llu: NIR %s rejected: %s", (unsigned long long)p->index, p->nir,
		         nir.c.reason ? nir.c.reason->en : "?");
	assert_string_equal(nir.c.s, p->nir);
	int key = (p->nir[13] - '0') * 10 + (p->nir[14] - '0');
	assert_int_equal(key, ref_key(p->nir));
	int sexd = p->nir[0] - '0';
	int abroad = !strncmp(p->birthplace, "99", 2);
	if (abroad)
		assert_true(sexd == p->sex || sexd == p->sex + 2);
	else
		assert_int_equal(sexd, p->sex);
	assert_int_equal((p->nir[1] - '0') * 10 + (p->nir[2] - '0'), p->birth_year % 100);
	assert_int_equal((p->nir[3] - '0') * 10 + (p->nir[4] - '0'), p->birth_month);
	if (p->birthplace[0] == '2' && (p->birthplace[1] == 'A' || p->birthplace[1] == 'B') &&
	    p->birth_year < 1976) {
		assert_memory_equal(p->nir + 5, "20", 2); /* Corsica before the split */
		assert_memory_equal(p->nir + 7, p->birthplace + 2, 3);
	} else {
		assert_memory_equal(p->nir + 5, p->birthplace, 5);
	}
	assert_int_equal(strcmp(p->birth_country, "FR") == 0, !abroad);
	assert_true(p->birth_year >= 1940 && p->birth_year <= 2008);
	/* email */
	vg_email em;
	if (vg_email_normalize(p->email, strlen(p->email), &em) != 0)
		fail_msg("email %s rejected", p->email);
	assert_string_equal(em.c.s, p->email);
	/* phone: national and E.164 agree with the library */
	vg_phone ph;
	if (vg_phone_normalize(p->phone, strlen(p->phone), &ph) != 0)
		fail_msg("phone %s rejected", p->phone);
	assert_string_equal(ph.c.s, p->phone_e164);
	vg_phone phl;
	assert_int_equal(vg_phone_normalize_lib(p->phone_e164, strlen(p->phone_e164), &phl), 0);
	assert_string_equal(phl.c.s, p->phone_e164);
	int overseas = p->dept[0] == '9' && p->dept[1] == '7';
	if (overseas)
		assert_true(ph.country != 33);
	else if (p->phone[1] >= '1' && p->phone[1] <= '5') {
		/* landlines: the zone of the region (01 Île-de-France, ...) */
		if (!strcmp(p->region, "Île-de-France"))
			assert_int_equal(p->phone[1], '1');
		else if (!strcmp(p->region, "Bretagne"))
			assert_int_equal(p->phone[1], '2');
		else if (!strcmp(p->region, "Grand Est"))
			assert_int_equal(p->phone[1], '3');
		else if (!strcmp(p->region, "Provence-Alpes-Côte d'Azur"))
			assert_int_equal(p->phone[1], '4');
		else if (!strcmp(p->region, "Nouvelle-Aquitaine"))
			assert_int_equal(p->phone[1], '5');
	} else {
		assert_true(p->phone[1] == '6' || p->phone[1] == '7');
	}
	/* France Travail identifier: 7 digits and a letter */
	assert_int_equal(strlen(p->ft_id), 8);
	assert_int_equal(strspn(p->ft_id, "0123456789"), 7);
	assert_true(p->ft_id[7] >= 'A' && p->ft_id[7] <= 'Z');
	vg_ftid ft;
	assert_int_equal(vg_ftid_normalize(p->ft_id, 8, &ft), 0);
	/* names, date of birth, address */
	vg_name nm;
	assert_int_equal(vg_name_normalize(p->prenom, strlen(p->prenom), &nm), 0);
	assert_int_equal(vg_name_normalize(p->nom_usage, strlen(p->nom_usage), &nm), 0);
	assert_int_equal(vg_name_normalize(p->nom_naissance, strlen(p->nom_naissance), &nm), 0);
	char d[16];
	snprintf(d, sizeof(d), "%02d/%02d/%04d", p->birth_day, p->birth_month, p->birth_year);
	vg_dob dob;
	assert_int_equal(vg_dob_normalize(d, strlen(d), &dob), 0);
	char line[512];
	int n = snprintf(line, sizeof(line), "%s %s %s", p->address, p->postcode, p->commune);
	vg_address ad;
	if (vg_address_normalize(line, (size_t)n, &ad) != 0)
		fail_msg("address '%s' rejected: %s", line, ad.c.reason ? ad.c.reason->en : "?");
	/* a 5-digit postcode (it may belong to a neighbouring department) */
	assert_int_equal(strlen(p->postcode), 5);
	assert_int_equal(strspn(p->postcode, "0123456789"), 5);
	assert_string_equal(ad.postcode, p->postcode);
	/* registration after the 16th birthday, end after start */
	assert_true(p->reg_start[0] * 10000 + p->reg_start[1] * 100 + p->reg_start[2] >=
	            (p->birth_year + 16) * 10000 + p->birth_month * 100 + p->birth_day - 3);
	if (p->reg_end[0])
		assert_true(p->reg_end[0] * 10000 + p->reg_end[1] * 100 + p->reg_end[2] >
		            p->reg_start[0] * 10000 + p->reg_start[1] * 100 + p->reg_start[2]);
	assert_true(p->reg_start[0] >= 2004 && p->reg_start[0] <= 2024);
}

static void test_identities(void **state)
{
	(void)state;
	const uint64_t n = 30000;
	vg_gen_model *m = vg_gen_model_new(n, 77);
	char **emails = malloc(n * sizeof(char *));
	char **nirs = malloc(n * sizeof(char *));
	char **ftids = malloc(n * sizeof(char *));
	uint64_t ce = 0, both = 0, women = 0, women_usage = 0, abroad = 0, foreign_digit = 0;
	uint64_t overseas = 0, mobiles = 0;
	for (uint64_t i = 0; i < n; i++) {
		vg_gen_person p;
		vg_gen_person_make(m, i, &p);
		assert_int_equal(p.index, i);
		check_person(&p);
		emails[i] = strdup(p.email);
		nirs[i] = strdup(p.nir);
		ftids[i] = strdup(p.ft_id);
		ce += (p.sources & VG_GEN_SRC_CE) != 0;
		both += p.sources == (VG_GEN_SRC_FT | VG_GEN_SRC_CE);
		if (p.sex == 2) {
			women++;
			women_usage += strcmp(p.nom_usage, p.nom_naissance) != 0;
		}
		abroad += !strncmp(p.birthplace, "99", 2);
		foreign_digit += p.nir[0] == '3' || p.nir[0] == '4';
		overseas += p.dept[0] == '9' && p.dept[1] == '7';
		mobiles += p.phone[1] == '6' || p.phone[1] == '7';
		assert_false(p.nir_overflow);
	}
	/* realistic shares */
	assert_true(ce > n * 3 / 100 && ce < n * 6 / 100);
	assert_true(both > n / 200 && both < n * 3 / 100);
	assert_true(women > n * 45 / 100 && women < n * 56 / 100);
	assert_true(women_usage > women / 4 && women_usage < women * 6 / 10);
	assert_true(abroad > n * 8 / 100 && abroad < n * 16 / 100);
	assert_true(foreign_digit > 0 && foreign_digit < abroad / 10);
	assert_true(overseas > n / 100 && overseas < n * 6 / 100);
	assert_true(mobiles > n * 7 / 10 && mobiles < n * 9 / 10);
	/* emails, NIRs and identifiers are unique */
	char **arrs[3] = {emails, nirs, ftids};
	for (int a = 0; a < 3; a++) {
		qsort(arrs[a], n, sizeof(char *), cmp_str);
		for (uint64_t i = 1; i < n; i++)
			if (!strcmp(arrs[a][i], arrs[a][i - 1]))
				fail_msg("duplicate %s", arrs[a][i]);
		for (uint64_t i = 0; i < n; i++)
			free(arrs[a][i]);
		free(arrs[a]);
	}
	vg_gen_model_free(m);
}

/* Homonyms (same first name and surname) get distinct emails. */
static void test_homonyms(void **state)
{
	(void)state;
	const uint64_t n = 200000;
	vg_gen_model *m = vg_gen_model_new(n, 3);
	char **keys = malloc(n * sizeof(char *));
	char **emails = malloc(n * sizeof(char *));
	uint64_t zero_digits = 0;
	for (uint64_t i = 0; i < n; i++) {
		vg_gen_person p;
		vg_gen_person_make(m, i, &p);
		char k[512];
		snprintf(k, sizeof(k), "%s|%s|%s", p.prenom, p.nom_naissance, p.email);
		keys[i] = strdup(k);
		emails[i] = strdup(p.email);
		/* "0" + digits: a prenomnom string with a shorter reading */
		const char *at = strchr(p.email, '@'), *d = at;
		while (d > p.email && d[-1] >= '0' && d[-1] <= '9')
			d--;
		zero_digits += d < at && *d == '0';
	}
	/* every email is unique, homonyms or not */
	qsort(emails, n, sizeof(char *), cmp_str);
	for (uint64_t i = 1; i < n; i++)
		if (!strcmp(emails[i], emails[i - 1]))
			fail_msg("two people share %s", emails[i]);
	for (uint64_t i = 0; i < n; i++)
		free(emails[i]);
	free(emails);
	assert_true(zero_digits > 0 && zero_digits < n / 100);
	qsort(keys, n, sizeof(char *), cmp_str);
	uint64_t homonyms = 0;
	for (uint64_t i = 1; i < n; i++) {
		const char *a = keys[i - 1], *b = keys[i];
		const char *ea = strrchr(a, '|'), *eb = strrchr(b, '|');
		if (ea - a == eb - b && !memcmp(a, b, (size_t)(ea - a))) {
			homonyms++;
			if (!strcmp(ea, eb))
				fail_msg("homonyms share an email: %s", b);
		}
	}
	/* common names do repeat: the check above is not vacuous */
	assert_true(homonyms > 1000);
	for (uint64_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	vg_gen_model_free(m);
}

/* ------------------------------------------------------------ mess, truth */

/* cp1252 back to UTF-8, for the characters the generator uses. */
static size_t from_cp1252(const char *s, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp = c;
		if (c == 0x8C)
			cp = 0x152;
		else if (c == 0x9C)
			cp = 0x153;
		else if (c == 0x9F)
			cp = 0x178;
		if (cp < 0x80) {
			out[k++] = (char)cp;
		} else {
			out[k++] = (char)(0xC0 | (cp >> 6));
			out[k++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	return k;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Every row that is not deliberately damaged gives back the truth's
 * canonical identifiers; every damaged row is broken as stated. */
static void check_mess(const char *format, const char *delim)
{
	capture a = {0};
	vg_gen_stats st;
	const char *args[] = {
	    "--people", "4000",    "--seed",   "11",   "--mess",
	    "3",        "--files", "3",        "-o",   "leak.csv",
	    "--truth",  "t.jsonl", "--format", format, delim ? "--delimiter" : NULL,
	    delim,      NULL};
	gen_into(&a, &st, args);
	int jsonl = !strcmp(format, "jsonl");
	char d = delim ? delim[0] : !strcmp(format, "tsv") ? '\t' : ';';
	lines fl[3];
	for (int f = 0; f < 3; f++)
		split_lines(&a.files[f], &fl[f]);
	lines tl;
	split_lines(&a.truth, &tl);
	assert_int_equal(tl.count, 4000 + 2);
	json_error_t je;
	json_t *meta = json_loadb(tl.s[0], tl.n[0], 0, &je);
	assert_non_null(meta);
	json_t *files = json_object_get(meta, "files");
	assert_int_equal(json_array_size(files), 3);
	const char *names[3];
	for (int f = 0; f < 3; f++)
		names[f] = jstr(json_array_get(files, (size_t)f), "name");
	assert_string_equal(names[1], "leak-2.csv");
	uint64_t rows = 0, damaged = 0, checked = 0, dups = 0, multi_file = 0;
	for (size_t t = 1; t + 1 < tl.count; t++) {
		json_t *p = json_loadb(tl.s[t], tl.n[t], 0, &je);
		assert_non_null(p);
		assert_string_equal(jstr(p, "type"), "person");
		json_t *name = json_object_get(p, "name");
		json_t *rws = json_object_get(p, "rows");
		const char *first_file = NULL;
		int several = 0;
		for (size_t r = 0; r < json_array_size(rws); r++) {
			json_t *row = json_array_get(rws, r);
			const char *file = jstr(row, "file");
			if (first_file && strcmp(first_file, file))
				several = 1;
			first_file = file;
			int f = !strcmp(file, names[0]) ? 0 : !strcmp(file, names[1]) ? 1 : 2;
			assert_string_equal(file, names[f]);
			size_t line = (size_t)json_integer_value(json_object_get(row, "line"));
			assert_true(line >= 1 && line <= fl[f].count);
			const char *s = fl[f].s[line - 1];
			size_t n = fl[f].n[line - 1];
			if (line == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
				s += 3;
				n -= 3;
			}
			rows++;
			const char *dmg = jstr(row, "damage");
			char buf[8192];
			if (json_is_true(json_object_get(row, "cp1252"))) {
				/* not valid UTF-8 any more, but readable as cp1252 */
				n = from_cp1252(s, n, buf);
				s = buf;
			}
			char fld[VG_GEN_NCOLUMNS + 2][512];
			memset(fld, 0, sizeof(fld));
			int nf;
			json_t *jrow = NULL;
			if (jsonl) {
				jrow = json_loadb(s, n, 0, &je);
				nf = jrow ? VG_GEN_NCOLUMNS : -1;
				for (int c = 0; jrow && c < VG_GEN_NCOLUMNS; c++) {
					const char *v = jstr(jrow, vg_gen_columns[c]);
					snprintf(fld[c], sizeof(fld[c]), "%s", v ? v : "");
				}
			} else {
				nf = split_fields(s, n, d, fld, VG_GEN_NCOLUMNS + 2);
			}
			if (dmg) {
				damaged++;
				/* the row does not read as a well-formed row */
				if (!strcmp(dmg, "truncated"))
					assert_true(nf < VG_GEN_NCOLUMNS ||
					            (nf == VG_GEN_NCOLUMNS &&
					             strcmp(fld[16], "France Travail") &&
					             strcmp(fld[16], "Cap Emploi")) ||
					            nf == -1);
				else if (!strcmp(dmg, "bad_quote"))
					assert_int_equal(nf, -1);
				else if (!strcmp(dmg, "extra_field"))
					assert_int_equal(nf, VG_GEN_NCOLUMNS + 1);
				else
					fail_msg("unknown damage %s", dmg);
				json_decref(jrow);
				continue;
			}
			if (nf != VG_GEN_NCOLUMNS)
				fail_msg("%s:%zu: %d fields: %.*s", file, line, nf, (int)n, s);
			json_decref(jrow);
			/* categories present */
			json_t *cats = json_object_get(row, "cats");
			int has[VG_GEN_CAT__COUNT] = {0};
			for (size_t k = 0; k < json_array_size(cats); k++)
				for (int c = 0; c < VG_GEN_CAT__COUNT; c++)
					if (!strcmp(json_string_value(json_array_get(cats, k)),
					            vg_gen_cat_name((vg_gen_cat)c)))
						has[c] = 1;
			assert_int_equal(has[VG_GEN_CAT_EMAIL], fld[10][0] != 0);
			assert_int_equal(has[VG_GEN_CAT_PHONE], fld[9][0] != 0);
			assert_int_equal(has[VG_GEN_CAT_NIR], fld[5][0] != 0);
			assert_int_equal(has[VG_GEN_CAT_DOB], fld[4][0] != 0);
			assert_int_equal(has[VG_GEN_CAT_FT_ID], fld[12][0] != 0);
			assert_int_equal(has[VG_GEN_CAT_ADDRESS], fld[6][0] != 0);
			assert_int_equal(has[VG_GEN_CAT_SEX], fld[3][0] || fld[5][0]);
			assert_int_equal(has[VG_GEN_CAT_NAME], fld[0][0] || fld[1][0] || fld[2][0]);
			/* each present identifier normalizes to the truth */
			static const struct {
				int col;
				vg_kind kind;
				const char *key;
			} ids[] = {{10, VG_KIND_EMAIL, "email"},
			           {9, VG_KIND_PHONE, "phone"},
			           {5, VG_KIND_NIR, "nir"},
			           {4, VG_KIND_DOB, "dob"},
			           {12, VG_KIND_ID, "ft_id"}};
			for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
				const char *v = fld[ids[k].col];
				if (!*v)
					continue;
				vg_canon cn;
				if (vg_ident_normalize(ids[k].kind, v, strlen(v), &cn) != 0)
					fail_msg("%s:%zu: %s '%s' rejected (%s)", file, line,
					         ids[k].key, v, cn.reason ? cn.reason->en : "?");
				if (strcmp(cn.s, jstr(p, ids[k].key)))
					fail_msg("%s:%zu: %s '%s' -> '%s', truth '%s'", file, line,
					         ids[k].key, v, cn.s, jstr(p, ids[k].key));
				checked++;
			}
			static const struct {
				int col;
				const char *key;
			} nms[] = {{0, "usage"}, {1, "birth"}, {2, "first"}};
			for (size_t k = 0; k < 3; k++) {
				const char *v = fld[nms[k].col];
				if (!*v)
					continue;
				vg_canon cn;
				assert_int_equal(
				    vg_ident_normalize(VG_KIND_NAME, v, strlen(v), &cn), 0);
				if (strcmp(cn.s, jstr(name, nms[k].key)))
					fail_msg("%s:%zu: name '%s' -> '%s', truth '%s'", file,
					         line, v, cn.s, jstr(name, nms[k].key));
				checked++;
			}
			if (fld[6][0] && fld[7][0] && fld[8][0]) {
				char ad[1600];
				int an =
				    snprintf(ad, sizeof(ad), "%s %s %s", fld[6], fld[7], fld[8]);
				vg_canon cn;
				if (vg_ident_normalize(VG_KIND_ADDRESS, ad, (size_t)an, &cn) != 0)
					fail_msg("%s:%zu: address '%s' rejected (%s)", file, line,
					         ad, cn.reason ? cn.reason->en : "?");
				if (strcmp(cn.s, jstr(p, "address")))
					fail_msg("%s:%zu: address '%s' -> '%s', truth '%s'", file,
					         line, ad, cn.s, jstr(p, "address"));
				checked++;
			}
		}
		dups += json_array_size(rws) > 1;
		multi_file += several;
		json_decref(p);
	}
	json_t *sum = json_loadb(tl.s[tl.count - 1], tl.n[tl.count - 1], 0, &je);
	assert_string_equal(jstr(sum, "type"), "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "rows")), rows);
	assert_int_equal(st.rows, rows);
	uint64_t lines_total = 0;
	for (int f = 0; f < 3; f++)
		lines_total += fl[f].count - (jsonl ? 0 : 1);
	assert_int_equal(lines_total, rows);
	assert_int_equal(st.damaged[1] + st.damaged[2] + st.damaged[3], damaged);
	assert_true(damaged > 20 && damaged < rows / 10);
	assert_true(checked > rows * 5);
	assert_true(dups > 200);
	assert_true(multi_file > 200);
	json_decref(sum);
	json_decref(meta);
	for (int f = 0; f < 3; f++)
		lines_free(&fl[f]);
	lines_free(&tl);
	capture_free(&a);
}

static void test_mess_csv(void **state)
{
	(void)state;
	check_mess("csv", NULL);
	check_mess("csv", ",");
}

static void test_mess_tsv_jsonl(void **state)
{
	(void)state;
	check_mess("tsv", NULL);
	check_mess("jsonl", NULL);
}

/* Mess levels add disorder progressively; level 0 has none. */
static void test_mess_levels(void **state)
{
	(void)state;
	uint64_t damage[4], bytes_with_quotes[4];
	for (int lvl = 0; lvl <= 3; lvl++) {
		capture a = {0};
		vg_gen_stats st;
		char l[2] = {(char)('0' + lvl), 0};
		gen_into(&a, &st, (const char *[]){"--people", "5000", "--mess", l, NULL});
		damage[lvl] = st.damaged[1] + st.damaged[2] + st.damaged[3] + st.cp1252_rows +
		              st.duplicate_rows;
		bytes_with_quotes[lvl] = 0;
		for (size_t i = 0; i < a.files[0].n; i++)
			bytes_with_quotes[lvl] += a.files[0].p[i] == '"';
		capture_free(&a);
	}
	assert_int_equal(damage[0], 0);
	assert_int_equal(bytes_with_quotes[0], 0);
	assert_true(damage[1] < damage[2] && damage[2] < damage[3]);
	assert_true(bytes_with_quotes[1] < bytes_with_quotes[3]);
}

static void test_formats(void **state)
{
	(void)state;
	capture a = {0}, b = {0};
	vg_gen_stats st;
	gen_into(&a, &st, (const char *[]){"--people", "300", "--format", "jsonl", NULL});
	lines l;
	split_lines(&a.files[0], &l);
	assert_int_equal(l.count, st.rows);
	for (size_t i = 0; i < l.count; i++) {
		json_error_t je;
		json_t *o = json_loadb(l.s[i], l.n[i], JSON_REJECT_DUPLICATES, &je);
		assert_non_null(o);
		assert_int_equal(json_object_size(o), VG_GEN_NCOLUMNS);
		json_t *end = json_object_get(o, "date_fin_inscription");
		assert_true(json_is_null(end) || json_is_string(end));
		json_decref(o);
	}
	lines_free(&l);
	/* gzip: the same bytes once inflated */
	gen_into(&b, &st, (const char *[]){"--people", "300", "--format", "jsonl", "--gzip", NULL});
	assert_true(b.files[0].n > 20 && (unsigned char)b.files[0].p[0] == 0x1f &&
	            (unsigned char)b.files[0].p[1] == 0x8b);
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
	char *out = malloc(a.files[0].n + 16);
	z.next_in = (Bytef *)b.files[0].p;
	z.avail_in = (uInt)b.files[0].n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)(a.files[0].n + 16);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, a.files[0].n);
	assert_memory_equal(out, a.files[0].p, a.files[0].n);
	inflateEnd(&z);
	free(out);
	capture_free(&a);
	capture_free(&b);
}

/* With --split-sources each file holds one source only. */
static void test_split_sources(void **state)
{
	(void)state;
	capture a = {0};
	vg_gen_stats st;
	gen_into(&a, &st,
	         (const char *[]){"--people", "3000", "--split-sources", "--files", "2", "-o",
	                          "x.csv", NULL});
	assert_int_equal(st.nfiles, 4);
	uint64_t total = 0;
	for (int f = 0; f < 4; f++) {
		lines l;
		split_lines(&a.files[f], &l);
		const char *want = f < 2 ? "France Travail" : "Cap Emploi";
		for (size_t i = 1; i < l.count; i++) {
			char fld[VG_GEN_NCOLUMNS + 1][512];
			assert_int_equal(
			    split_fields(l.s[i], l.n[i], ';', fld, VG_GEN_NCOLUMNS + 1),
			    VG_GEN_NCOLUMNS);
			assert_string_equal(fld[16], want);
		}
		assert_int_equal(l.count - 1, st.file_rows[f]);
		total += l.count - 1;
		lines_free(&l);
	}
	assert_int_equal(total, st.rows);
	assert_int_equal(st.rows_ce, st.file_rows[2] + st.file_rows[3]);
	assert_true(st.file_rows[2] > 0 && st.file_rows[3] > 0);
	capture_free(&a);
}

/* Memory does not grow with N: a run 20 times larger keeps the same peak. */
static void progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	uint64_t *last = ctx;
	assert_true(done <= total);
	*last = done;
}

static void test_constant_memory(void **state)
{
	(void)state;
	capture a = {.discard = 1};
	vg_gen_stats st;
	gen_into(&a, &st,
	         (const char *[]){"--people", "20000", "--mess", "1", "--truth", "t", NULL});
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long before = ru.ru_maxrss;
	vg_gen_opts o;
	vg_err err;
	assert_int_equal(
	    parse(&o, &err,
	          (const char *[]){"--people", "400000", "--mess", "1", "--truth", "t", NULL}),
	    0);
	vg_gen_sink sink = {sink_write, &a};
	uint64_t last = 0;
	o.sink = &sink;
	o.progress = progress_cb;
	o.progress_ctx = &last;
	assert_int_equal(vg_gen_run(&o, &st, &err), 0);
	getrusage(RUSAGE_SELF, &ru);
	assert_int_equal(last, 400000);
	assert_int_equal(st.people, 400000);
	assert_true(a.count > 100000000); /* ~100 MB went through */
	if (ru.ru_maxrss - before > 16 * 1024)
		fail_msg("peak memory grew by %ld kB", ru.ru_maxrss - before);
}

/* A failing sink stops the run with an error. */
static int failing_write(void *ctx, int file, const void *buf, size_t n)
{
	(void)file;
	(void)buf;
	size_t *left = ctx;
	if (n > *left)
		return VG_EIO;
	*left -= n;
	return 0;
}

static void test_write_error(void **state)
{
	(void)state;
	vg_gen_opts o;
	vg_err err;
	assert_int_equal(parse(&o, &err, (const char *[]){"--people", "100000", NULL}), 0);
	size_t left = 3 << 20;
	vg_gen_sink sink = {failing_write, &left};
	o.sink = &sink;
	vg_gen_stats st;
	assert_int_equal(vg_gen_run(&o, &st, &err), VG_EIO);
	/* and an unwritable file is an I/O error naming it */
	assert_int_equal(parse(&o, &err, (const char *[]){"-o", "/nonexistent-dir/x.csv", NULL}),
	                 0);
	assert_int_equal(vg_gen_run(&o, &st, &err), VG_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent-dir/x.csv"));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vg_gen_cat_name(VG_GEN_CAT_FT_ID), "ft_id");
	assert_string_equal(vg_gen_cat_name(VG_GEN_CAT_REGISTRATION), "registration");
	assert_string_equal(vg_gen_damage_name(VG_GEN_DMG_BAD_QUOTE), "bad_quote");
	assert_string_equal(vg_gen_columns[VG_GEN_NCOLUMNS - 1], "source");
	assert_null(vg_gen_columns[VG_GEN_NCOLUMNS]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ok),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_file_names),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_determinism),
	    cmocka_unit_test(test_person_alone),
	    cmocka_unit_test(test_header_and_columns),
	    cmocka_unit_test(test_identities),
	    cmocka_unit_test(test_homonyms),
	    cmocka_unit_test(test_mess_csv),
	    cmocka_unit_test(test_mess_tsv_jsonl),
	    cmocka_unit_test(test_mess_levels),
	    cmocka_unit_test(test_formats),
	    cmocka_unit_test(test_split_sources),
	    cmocka_unit_test(test_write_error),
	    cmocka_unit_test(test_constant_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
