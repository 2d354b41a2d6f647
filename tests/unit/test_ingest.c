/*
 * test_ingest.c: the ingest, from one row to a published registry.
 *
 * The row tests call vg_ingest_row() on hand-made rows. The run tests
 * generate small leaks with vigie gen (library), ingest them, and compare
 * the registry with the generator's ground truth: every identifier of every
 * person is looked up and must carry exactly the categories and sources the
 * truth says, and each table must hold exactly as many entries as the
 * truth has distinct identifiers (so nothing extra either).
 */
#include "ingest/internal.h"
#include "vigie/exposure.h"
#include "vigie/gen.h"
#include "vigie/ingest.h"
#include "vigie/registry.h"

#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

/* ------------------------------------------------------------ helpers */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void tmpdir(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/vg-test-ingest-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static vg_regkey *test_key(void)
{
	uint8_t b[VG_REGKEY_BYTES];
	for (int i = 0; i < VG_REGKEY_BYTES; i++)
		b[i] = (uint8_t)(7 * i + 3);
	vg_regkey *k = NULL;
	assert_int_equal(vg_regkey_from_bytes(b, &k), 0);
	return k;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	p[n] = 0;
	*len = (size_t)n;
	return p;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The path of the live registry file of dir (in buf). */
static void live_path(const char *dir, char *buf, size_t cap)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/CURRENT", dir);
	size_t n;
	uint8_t *c = slurp(p, &n);
	while (n && c[n - 1] == '\n')
		c[--n] = 0;
	snprintf(buf, cap, "%s/%s", dir, (char *)c);
	free(c);
}

/* Generates a leak into dir: files leak*.EXT and truth.jsonl; names[] gets the files. */
static unsigned gen(const char *dir, uint64_t people, uint64_t seed, int mess, bool split,
                    const char *ext, char names[][600])
{
	vg_gen_opts o;
	vg_gen_opts_init(&o);
	char out[600], truth[600];
	snprintf(out, sizeof(out), "%s/leak.%s", dir, ext);
	snprintf(truth, sizeof(truth), "%s/truth.jsonl", dir);
	o.people = people;
	o.seed = seed;
	o.mess = mess;
	o.split_sources = split;
	o.output = out;
	o.truth = truth;
	if (strstr(ext, "jsonl")) {
		o.format = VG_GEN_JSONL;
		o.format_set = true;
	}
	if (strstr(ext, ".gz"))
		o.gzip = true;
	vg_err err;
	vg_gen_stats st;
	assert_int_equal(vg_gen_run(&o, &st, &err), 0);
	unsigned n = vg_gen_nfiles(&o);
	for (unsigned i = 0; i < n; i++)
		assert_true(vg_gen_file_name(&o, i, names[i], 600) > 0);
	return n;
}

/* The truth's person objects (a JSON array; caller decrefs). */
static json_t *load_truth(const char *dir, json_t **summary)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/truth.jsonl", dir);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	json_t *people = json_array();
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		json_error_t je;
		json_t *o = json_loads(line, 0, &je);
		assert_non_null(o);
		const char *type = json_string_value(json_object_get(o, "type"));
		if (type && !strcmp(type, "person"))
			json_array_append(people, o);
		else if (type && !strcmp(type, "summary") && summary)
			*summary = json_incref(o);
		json_decref(o);
	}
	free(line);
	fclose(f);
	return people;
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* ------------------------------------------------------------ expected entries */

typedef struct exp_ent {
	uint64_t key;
	uint16_t cats, sources;
	uint8_t table;
	bool loose; /* from a row parsed by a best guess: checked for presence only */
} exp_ent;

typedef struct exp_set {
	exp_ent *e;
	size_t n, cap;
} exp_set;

static void exp_add(exp_set *s, vg_idtab t, uint64_t key, uint16_t cats, uint16_t src, bool loose)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->e = realloc(s->e, s->cap * sizeof(*s->e));
		assert_non_null(s->e);
	}
	s->e[s->n++] = (exp_ent){key, cats, src, (uint8_t)t, loose};
}

static int exp_cmp(const void *a, const void *b)
{
	const exp_ent *x = a, *y = b;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Sorts and merges equal keys (OR of the bits, as the registry does). */
static void exp_merge(exp_set *s)
{
	qsort(s->e, s->n, sizeof(*s->e), exp_cmp);
	size_t o = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (o && s->e[o - 1].table == s->e[i].table && s->e[o - 1].key == s->e[i].key) {
			s->e[o - 1].cats |= s->e[i].cats;
			s->e[o - 1].sources |= s->e[i].sources;
			s->e[o - 1].loose |= s->e[i].loose;
		} else {
			s->e[o++] = s->e[i];
		}
	}
	s->n = o;
}

static bool exp_has(const exp_set *s, vg_idtab t, uint64_t key)
{
	exp_ent k = {key, 0, 0, (uint8_t)t, false};
	return bsearch(&k, s->e, s->n, sizeof(*s->e), exp_cmp) != NULL;
}

/* The registry source index of a truth source name ("cap_emploi"). */
static int source_of(const vg_registry *r, const char *truth_name)
{
	for (unsigned i = 0; i < vg_registry_source_count(r); i++) {
		char n[VG_SOURCE_NAME_MAX + 1];
		snprintf(n, sizeof(n), "%s", vg_registry_source(r, i)->name);
		for (char *p = n; *p; p++)
			*p = *p == ' ' ? '_' : (char)(*p | 0x20);
		if (!strcmp(n, truth_name))
			return (int)i;
	}
	return -1;
}

static uint16_t cats_of(json_t *arr)
{
	uint16_t c = 0;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		vg_category cat;
		assert_int_equal(vg_category_parse(json_string_value(v), &cat), 0);
		c |= VG_CAT_BIT(cat);
	}
	return c;
}

static uint64_t prf_str(const vg_regkey *k, vg_idtab t, json_t *v)
{
	const char *s = json_string_value(v);
	assert_non_null(s);
	return vg_regkey_prf(k, t, s, strlen(s));
}

/* The NAME_DOB pseudonym of a first name + a family name + a date, as check makes it. */
static uint64_t prf_name(const vg_regkey *k, const char *first, const char *family, const char *dob)
{
	char joined[1200], key[VG_EXPOSURE_KEY_MAX];
	snprintf(joined, sizeof(joined), "%s %s", first, family);
	size_t n = vg_exposure_name_dob_key(joined, strlen(joined), dob, strlen(dob), key);
	assert_true(n > 0);
	return vg_regkey_prf(k, VG_IDTAB_NAME_DOB, key, n);
}

/* A set of (file basename, line) pairs: rejected rows. */
typedef struct rowset {
	char (*file)[128];
	uint64_t *line;
	size_t n, cap;
} rowset;

static void rowset_add(rowset *s, const char *file, uint64_t line)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->file = realloc(s->file, s->cap * sizeof(*s->file));
		s->line = realloc(s->line, s->cap * sizeof(*s->line));
	}
	snprintf(s->file[s->n], sizeof(s->file[0]), "%s", basename_of(file));
	s->line[s->n++] = line;
}

static bool rowset_has(const rowset *s, const char *file, uint64_t line)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->line[i] == line && !strcmp(s->file[i], basename_of(file)))
			return true;
	return false;
}

static void rowset_free(rowset *s)
{
	free(s->file);
	free(s->line);
}

/* Reads a rejects file: header, then file<TAB>line<TAB>code<TAB>message<TAB>raw. */
static void read_rejects(const char *path, rowset *s)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *line = NULL;
	size_t cap = 0;
	bool first = true;
	while (getline(&line, &cap, f) > 0) {
		if (first) {
			assert_string_equal(line, "file\tline\treason\tmessage\traw\n");
			first = false;
			continue;
		}
		char *t1 = strchr(line, '\t');
		assert_non_null(t1);
		*t1 = 0;
		char *t2 = strchr(t1 + 1, '\t');
		assert_non_null(t2);
		/* five columns exactly: tabs inside are escaped */
		int tabs = 0;
		for (char *p = t2; *p; p++)
			tabs += *p == '\t';
		assert_int_equal(tabs, 3);
		rowset_add(s, line, strtoull(t1 + 1, NULL, 10));
	}
	free(line);
	fclose(f);
}

/*
 * The expected registry from the truth: for each person, each accepted row
 * (not in rejected) gives its categories and source to each identifier it
 * holds (a row's cats say which identifier columns were filled). Name +
 * dob only with names (clean data, where every name column is filled).
 */
static void expected_from_truth(json_t *people, const vg_registry *reg, const vg_regkey *k,
                                const rowset *rejected, bool with_names, exp_set *out,
                                size_t *damaged, size_t *damaged_accepted)
{
	size_t i;
	json_t *p;
	json_array_foreach(people, i, p)
	{
		json_t *rows = json_object_get(p, "rows");
		size_t j;
		json_t *row;
		json_array_foreach(rows, j, row)
		{
			const char *file = json_string_value(json_object_get(row, "file"));
			uint64_t line = (uint64_t)json_integer_value(json_object_get(row, "line"));
			bool dmg = json_object_get(row, "damage") != NULL;
			*damaged += dmg;
			if (rejected && rowset_has(rejected, file, line))
				continue;
			*damaged_accepted += dmg;
			uint16_t c = cats_of(json_object_get(row, "cats"));
			int src = source_of(reg, json_string_value(json_object_get(row, "source")));
			assert_true(src >= 0);
			uint16_t sb = (uint16_t)(1u << src);
			if (c & VG_CAT_BIT(VG_CAT_EMAIL))
				exp_add(out, VG_IDTAB_EMAIL,
				        prf_str(k, VG_IDTAB_EMAIL, json_object_get(p, "email")), c,
				        sb, dmg);
			if (c & VG_CAT_BIT(VG_CAT_PHONE))
				exp_add(out, VG_IDTAB_PHONE,
				        prf_str(k, VG_IDTAB_PHONE, json_object_get(p, "phone")), c,
				        sb, dmg);
			if (c & VG_CAT_BIT(VG_CAT_NIR))
				exp_add(out, VG_IDTAB_NIR,
				        prf_str(k, VG_IDTAB_NIR, json_object_get(p, "nir")), c, sb,
				        dmg);
			if (c & VG_CAT_BIT(VG_CAT_FTID))
				exp_add(out, VG_IDTAB_FTID,
				        prf_str(k, VG_IDTAB_FTID, json_object_get(p, "ft_id")), c,
				        sb, dmg);
			if (with_names) {
				json_t *nm = json_object_get(p, "name");
				const char *first = json_string_value(json_object_get(nm, "first"));
				const char *birth = json_string_value(json_object_get(nm, "birth"));
				const char *usage = json_string_value(json_object_get(nm, "usage"));
				const char *dob = json_string_value(json_object_get(p, "dob"));
				exp_add(out, VG_IDTAB_NAME_DOB, prf_name(k, first, birth, dob), c,
				        sb, dmg);
				exp_add(out, VG_IDTAB_NAME_DOB, prf_name(k, first, usage, dob), c,
				        sb, dmg);
			}
		}
	}
	exp_merge(out);
}

/* Every expected entry is in the registry with exactly its bits, and each
 * checked table holds exactly the expected entries (up to `loose` extra). */
static void check_registry(const vg_registry *reg, const exp_set *x, bool with_names)
{
	uint64_t count[VG_IDTAB__COUNT] = {0}, loose[VG_IDTAB__COUNT] = {0};
	for (size_t i = 0; i < x->n; i++) {
		const exp_ent *e = &x->e[i];
		vg_reghit hit;
		if (vg_registry_lookup(reg, (vg_idtab)e->table, e->key, &hit) != 1)
			fail_msg("%s entry %zu not found", vg_idtab_name((vg_idtab)e->table), i);
		count[e->table]++;
		if (e->loose) {
			loose[e->table]++;
			assert_true((hit.cats & e->cats) == e->cats);
			continue;
		}
		if (hit.cats != e->cats || hit.sources != e->sources)
			fail_msg("%s entry: cats %04x sources %04x, expected %04x %04x",
			         vg_idtab_name((vg_idtab)e->table), hit.cats, hit.sources, e->cats,
			         e->sources);
	}
	vg_registry_info info;
	vg_registry_get_info(reg, &info);
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		if (t == VG_IDTAB_NAME_DOB && !with_names)
			continue;
		assert_true(info.table_entries[t] >= count[t]);
		assert_true(info.table_entries[t] <= count[t] + loose[t]);
	}
}

/* Options for a test run. */
static void opts_for(vg_ingest_opts *o, const char *dir, const vg_regkey *k)
{
	vg_ingest_opts_init(o);
	o->dir = dir;
	o->key = k;
	o->now = 1700000000;
	o->memory = (size_t)64 << 20;
}

/* ------------------------------------------------------------ one row */

static void test_field_cats(void **state)
{
	(void)state;
	const uint16_t name = VG_CAT_BIT(VG_CAT_NAME);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_FIRST_NAME), name);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_USAGE_NAME), name);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_BIRTH_NAME), name);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_FAMILY_NAME), name);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_FULL_NAME), name);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_NIR), VG_CAT_BIT(VG_CAT_NIR) |
	                                                         VG_CAT_BIT(VG_CAT_SEX) |
	                                                         VG_CAT_BIT(VG_CAT_BIRTHPLACE));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_SEX), VG_CAT_BIT(VG_CAT_SEX));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_DOB), VG_CAT_BIT(VG_CAT_DOB));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_EMAIL), VG_CAT_BIT(VG_CAT_EMAIL));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_PHONE), VG_CAT_BIT(VG_CAT_PHONE));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_ADDRESS), VG_CAT_BIT(VG_CAT_ADDRESS));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_FT_ID), VG_CAT_BIT(VG_CAT_FTID));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_BIRTHPLACE), VG_CAT_BIT(VG_CAT_BIRTHPLACE));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_STATUS), VG_CAT_BIT(VG_CAT_REGISTRATION));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_REG_START), VG_CAT_BIT(VG_CAT_REGISTRATION));
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_REG_END), VG_CAT_BIT(VG_CAT_REGISTRATION));
	/* not a postal address, not a category */
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_POSTCODE), 0);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_COMMUNE), 0);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_REGION), 0);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_SOURCE), 0);
	assert_int_equal(vg_ingest_field_cats(VG_FIELD_NONE), 0);
	/* every category can be reached */
	uint16_t all = 0;
	for (int f = 0; f < VG_FIELD__COUNT; f++)
		all |= vg_ingest_field_cats((vg_field)f);
	assert_int_equal(all, VG_CAT_ALL);

	assert_true(vg_ingest_field_is_ident(VG_FIELD_EMAIL));
	assert_true(vg_ingest_field_is_ident(VG_FIELD_DOB));
	assert_true(vg_ingest_field_is_ident(VG_FIELD_FULL_NAME));
	assert_false(vg_ingest_field_is_ident(VG_FIELD_ADDRESS));
	assert_false(vg_ingest_field_is_ident(VG_FIELD_SEX));
	assert_false(vg_ingest_field_is_ident(VG_FIELD_SOURCE));

	assert_true(vg_ingest_blank("", 0));
	assert_true(vg_ingest_blank(" \t\r\n", 4));
	assert_false(vg_ingest_blank(" x ", 3));
	assert_false(vg_ingest_blank("\xc2\xa0", 2)); /* NBSP is text here */
	assert_string_equal(vg_ingest_kind_name(VG_INGEST_FTID), "ft_id");
	assert_string_equal(vg_ingest_kind_name(VG_INGEST__KINDS), "?");
}

#define ITEM(f, s)                                                                                 \
	{                                                                                          \
		(s), sizeof(s) - 1, (f)                                                            \
	}

static bool has_entry(const vg_ingest_rowres *r, vg_idtab t, uint64_t key)
{
	for (size_t i = 0; i < r->nentries; i++)
		if (r->e[i].table == t && r->e[i].key == key)
			return true;
	return false;
}

static void test_row_entries(void **state)
{
	(void)state;
	vg_regkey *k = test_key();
	vg_ingest_rowres *res = malloc(sizeof(*res));
	const vg_ingest_item items[] = {
	    ITEM(VG_FIELD_EMAIL, " Marie.Dupont@Example.FR "),
	    ITEM(VG_FIELD_PHONE, "06 12 34 56 78"),
	    ITEM(VG_FIELD_NIR, "2 85 03 75 115 123"), /* without its key */
	    ITEM(VG_FIELD_FT_ID, "1234567-a"),
	    ITEM(VG_FIELD_ADDRESS, "12 rue de la Paix"), /* not an identifier: ignored */
	};
	uint16_t cats =
	    VG_CAT_BIT(VG_CAT_EMAIL) | VG_CAT_BIT(VG_CAT_PHONE) | VG_CAT_BIT(VG_CAT_ADDRESS);
	size_t n = vg_ingest_row(k, items, 5, cats, 0x0004, res);
	assert_int_equal(n, 4);
	assert_int_equal(res->ninvalid, 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(res->e[i].cats, cats);
		assert_int_equal(res->e[i].sources, 0x0004);
	}
	/* the pseudonym of each canonical form, as check computes it */
	const struct {
		vg_idtab t;
		vg_kind kind;
		const char *raw;
	} ids[] = {{VG_IDTAB_EMAIL, VG_KIND_EMAIL, "marie.dupont@example.fr"},
	           {VG_IDTAB_PHONE, VG_KIND_PHONE, "+33612345678"},
	           {VG_IDTAB_NIR, VG_KIND_NIR, "2 85 03 75 115 123"},
	           {VG_IDTAB_FTID, VG_KIND_ID, "1234567A"}};
	for (size_t i = 0; i < 4; i++) {
		vg_exposure x;
		assert_int_equal(
		    vg_exposure_prepare(ids[i].t, ids[i].raw, strlen(ids[i].raw), NULL, 0, &x), 0);
		assert_true(has_entry(res, ids[i].t, vg_regkey_prf(k, ids[i].t, x.key, x.key_len)));
	}

	/* invalid fields are listed by kind and reason, and give nothing */
	const vg_ingest_item bad[] = {
	    ITEM(VG_FIELD_EMAIL, "not an email"),  ITEM(VG_FIELD_PHONE, "12"),
	    ITEM(VG_FIELD_NIR, "385037511512345"), ITEM(VG_FIELD_FT_ID, "abc"),
	    ITEM(VG_FIELD_DOB, "31/02/1985"),      ITEM(VG_FIELD_FIRST_NAME, "J3an"),
	    ITEM(VG_FIELD_EMAIL, "   "), /* blank: neither valid nor invalid */
	};
	n = vg_ingest_row(k, bad, 7, cats, 1, res);
	assert_int_equal(n, 0);
	assert_int_equal(res->ninvalid, 6);
	const vg_ingest_kind kinds[] = {VG_INGEST_EMAIL, VG_INGEST_PHONE, VG_INGEST_NIR,
	                                VG_INGEST_FTID,  VG_INGEST_DOB,   VG_INGEST_NAME};
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(res->invalid[i].kind, kinds[i]);
		assert_non_null(res->invalid[i].reason);
		assert_non_null(res->invalid[i].reason->code);
	}
	/* one valid identifier among invalid ones: accepted with one entry */
	const vg_ingest_item mixed[] = {ITEM(VG_FIELD_EMAIL, "nope"),
	                                ITEM(VG_FIELD_PHONE, "0612345678")};
	assert_int_equal(vg_ingest_row(k, mixed, 2, 1, 1, res), 1);
	assert_int_equal(res->e[0].table, VG_IDTAB_PHONE);
	assert_int_equal(res->ninvalid, 1);
	/* two phone columns: two entries (merged at commit when equal) */
	const vg_ingest_item two[] = {ITEM(VG_FIELD_PHONE, "0612345678"),
	                              ITEM(VG_FIELD_PHONE, "0298765432")};
	assert_int_equal(vg_ingest_row(k, two, 2, 1, 1, res), 2);
	assert_int_not_equal(res->e[0].key, res->e[1].key);
	free(res);
	vg_regkey_free(k);
}

/* The pseudonym `vigie check --name NAME --dob DOB` looks up. */
static uint64_t check_name_key(const vg_regkey *k, const char *name, const char *dob)
{
	vg_exposure x;
	assert_int_equal(
	    vg_exposure_prepare(VG_IDTAB_NAME_DOB, name, strlen(name), dob, strlen(dob), &x), 0);
	return vg_regkey_prf(k, VG_IDTAB_NAME_DOB, x.key, x.key_len);
}

static void test_row_names(void **state)
{
	(void)state;
	vg_regkey *k = test_key();
	vg_ingest_rowres *res = malloc(sizeof(*res));
	/* first + birth, first + usage: two keys, found by check in any word order */
	const vg_ingest_item a[] = {
	    ITEM(VG_FIELD_USAGE_NAME, "MARTIN"),
	    ITEM(VG_FIELD_BIRTH_NAME, "Dupont"),
	    ITEM(VG_FIELD_FIRST_NAME, "Hélène"),
	    ITEM(VG_FIELD_DOB, "15/03/1985"),
	};
	assert_int_equal(vg_ingest_row(k, a, 4, 1, 1, res), 2);
	assert_true(
	    has_entry(res, VG_IDTAB_NAME_DOB, check_name_key(k, "Hélène Dupont", "1985-03-15")));
	assert_true(
	    has_entry(res, VG_IDTAB_NAME_DOB, check_name_key(k, "DUPONT Helene", "15.03.1985")));
	assert_true(
	    has_entry(res, VG_IDTAB_NAME_DOB, check_name_key(k, "helene martin", "15/03/1985")));
	assert_false(
	    has_entry(res, VG_IDTAB_NAME_DOB, check_name_key(k, "Hélène Durand", "1985-03-15")));
	assert_false(
	    has_entry(res, VG_IDTAB_NAME_DOB, check_name_key(k, "Hélène Dupont", "1985-03-16")));

	/* usage = birth: one key */
	const vg_ingest_item b[] = {
	    ITEM(VG_FIELD_USAGE_NAME, "DUPONT"),
	    ITEM(VG_FIELD_BIRTH_NAME, "Dupont"),
	    ITEM(VG_FIELD_FIRST_NAME, "Jean-Pierre"),
	    ITEM(VG_FIELD_DOB, "1970-01-02"),
	};
	assert_int_equal(vg_ingest_row(k, b, 4, 1, 1, res), 1);
	assert_true(has_entry(res, VG_IDTAB_NAME_DOB,
	                      check_name_key(k, "Pierre Dupont Jean", "1970-01-02")));

	/* no date, or an invalid one: no name key (and the date is counted invalid) */
	assert_int_equal(vg_ingest_row(k, b, 3, 1, 1, res), 0);
	const vg_ingest_item c[] = {ITEM(VG_FIELD_BIRTH_NAME, "Dupont"),
	                            ITEM(VG_FIELD_FIRST_NAME, "Jean"),
	                            ITEM(VG_FIELD_DOB, "1970-13-02")};
	assert_int_equal(vg_ingest_row(k, c, 3, 1, 1, res), 0);
	assert_int_equal(res->ninvalid, 1);
	assert_int_equal(res->invalid[0].kind, VG_INGEST_DOB);
	/* a family name alone, or a first name alone: no key */
	const vg_ingest_item d[] = {ITEM(VG_FIELD_BIRTH_NAME, "Dupont"),
	                            ITEM(VG_FIELD_DOB, "1970-01-02")};
	assert_int_equal(vg_ingest_row(k, d, 2, 1, 1, res), 0);
	const vg_ingest_item e[] = {ITEM(VG_FIELD_FIRST_NAME, "Jean"),
	                            ITEM(VG_FIELD_DOB, "1970-01-02")};
	assert_int_equal(vg_ingest_row(k, e, 2, 1, 1, res), 0);
	/* a full-name column, and a plain "nom" (family name) */
	const vg_ingest_item f[] = {ITEM(VG_FIELD_FULL_NAME, "DUPONT Jean"),
	                            ITEM(VG_FIELD_DOB, "02/01/1970")};
	assert_int_equal(vg_ingest_row(k, f, 2, 1, 1, res), 1);
	assert_true(
	    has_entry(res, VG_IDTAB_NAME_DOB, check_name_key(k, "Jean Dupont", "1970-01-02")));
	const vg_ingest_item g[] = {ITEM(VG_FIELD_FAMILY_NAME, "Dupont"),
	                            ITEM(VG_FIELD_FIRST_NAME, "Jean"),
	                            ITEM(VG_FIELD_DOB, "02/01/1970")};
	assert_int_equal(vg_ingest_row(k, g, 3, 1, 1, res), 1);
	assert_true(
	    has_entry(res, VG_IDTAB_NAME_DOB, check_name_key(k, "Jean Dupont", "1970-01-02")));
	/* the first valid date is used; a second valid one is ignored */
	const vg_ingest_item h[] = {ITEM(VG_FIELD_FULL_NAME, "Jean Dupont"),
	                            ITEM(VG_FIELD_DOB, "nope"), ITEM(VG_FIELD_DOB, "02/01/1970"),
	                            ITEM(VG_FIELD_DOB, "03/01/1970")};
	assert_int_equal(vg_ingest_row(k, h, 4, 1, 1, res), 1);
	assert_true(
	    has_entry(res, VG_IDTAB_NAME_DOB, check_name_key(k, "Jean Dupont", "1970-01-02")));
	assert_int_equal(res->ninvalid, 1);
	/* an invalid name is counted under "name" */
	const vg_ingest_item i[] = {ITEM(VG_FIELD_FULL_NAME, "R2D2"),
	                            ITEM(VG_FIELD_DOB, "02/01/1970")};
	assert_int_equal(vg_ingest_row(k, i, 2, 1, 1, res), 0);
	assert_int_equal(res->ninvalid, 1);
	assert_int_equal(res->invalid[0].kind, VG_INGEST_NAME);
	free(res);
	vg_regkey_free(k);
}

static void test_reasons(void **state)
{
	(void)state;
	vg_ingest_reasons rs;
	memset(&rs, 0, sizeof(rs));
	static vg_reason many[40];
	for (int i = 0; i < 40; i++)
		many[i] = (vg_reason){"r", "r", "r"};
	for (int i = 0; i < 40; i++)
		vg_ingest_reasons_add(&rs, &many[i], (uint64_t)i + 1);
	vg_ingest_reasons_add(&rs, &many[0], 100);
	vg_ingest_reasons_add(&rs, NULL, 5);
	assert_int_equal(rs.n, VG_INGEST_MAX_REASONS);
	assert_ptr_equal(rs.reason[VG_INGEST_MAX_REASONS - 1], &vg_ingest_reason_other);
	uint64_t sum = 0;
	for (size_t i = 0; i < rs.n; i++)
		sum += rs.count[i];
	assert_int_equal(sum, rs.total);
	assert_int_equal(rs.total, 40 * 41 / 2 + 100 + 5);
	assert_int_equal(rs.count[0], 101);
	/* nothing lost: the reasons past the table are under "other" */
	uint64_t kept = 0;
	for (int i = 0; i < VG_INGEST_MAX_REASONS - 1; i++)
		kept += (uint64_t)i + 1;
	assert_int_equal(rs.count[VG_INGEST_MAX_REASONS - 1], 40 * 41 / 2 - kept + 5);
}

static void test_parse_size(void **state)
{
	(void)state;
	size_t v;
	assert_int_equal(vg_ingest_parse_size("4G", &v), 0);
	assert_int_equal(v, (size_t)4 << 30);
	assert_int_equal(vg_ingest_parse_size("512MiB", &v), 0);
	assert_int_equal(v, (size_t)512 << 20);
	assert_int_equal(vg_ingest_parse_size("2048k", &v), 0);
	assert_int_equal(v, (size_t)2 << 20);
	assert_int_equal(vg_ingest_parse_size("1073741824", &v), 0);
	assert_int_equal(v, (size_t)1 << 30);
	assert_int_equal(vg_ingest_parse_size("1M", &v), 0);
	assert_int_equal(vg_ingest_parse_size("1MB", &v), 0);
	const char *bad[] = {"",      "G",     "4X",  "-1G",
	                     "4 G",   "1023K", "100", "99999999999999999999G",
	                     "4GiBx", "1.5G",  NULL};
	for (int i = 0; bad[i]; i++)
		assert_int_equal(vg_ingest_parse_size(bad[i], &v), VG_EUSAGE);
}

static void test_source_name(void **state)
{
	(void)state;
	char out[VG_SOURCE_NAME_MAX + 1];
	assert_int_equal(vg_ingest_source_name("FRANCE TRAVAIL", 14, out), 14);
	assert_string_equal(out, "France Travail");
	assert_true(vg_ingest_source_name("  cap   emploi ", 15, out) > 0);
	assert_string_equal(out, "Cap Emploi");
	assert_true(vg_ingest_source_name("Pôle emploi", strlen("Pôle emploi"), out) > 0);
	assert_string_equal(out, "Pôle emploi"); /* mixed case: as written */
	assert_true(vg_ingest_source_name("ÉTAT-CIVIL", strlen("ÉTAT-CIVIL"), out) > 0);
	assert_string_equal(out, "État-Civil");
	assert_int_equal(vg_ingest_source_name("   ", 3, out), 0);
	assert_int_equal(vg_ingest_source_name("a\x01"
	                                       "b",
	                                       3, out),
	                 0);
	assert_int_equal(vg_ingest_source_name("\xff\xfe", 2, out), 0);
	char longname[80];
	memset(longname, 'a', sizeof(longname));
	assert_int_equal(vg_ingest_source_name(longname, VG_SOURCE_NAME_MAX, out),
	                 VG_SOURCE_NAME_MAX);
	assert_int_equal(vg_ingest_source_name(longname, VG_SOURCE_NAME_MAX + 1, out), 0);
}

/* ------------------------------------------------------------ runs */

/* Ingests files (names) into dir; asserts success; fills s. */
static void ingest_ok(const vg_ingest_opts *o, char names[][600], unsigned n, vg_ingest_summary *s)
{
	const char *files[8];
	for (unsigned i = 0; i < n; i++)
		files[i] = names[i];
	vg_err err;
	memset(&err, 0, sizeof(err));
	int rc = vg_ingest_run(o, files, n, s, &err);
	if (rc)
		fail_msg("ingest: %s", err.msg);
}

/* Rows read, accepted, rejected reconcile, per file and in total. */
static void check_reconciled(const vg_ingest_summary *s)
{
	uint64_t read = 0, acc = 0, rej = 0;
	for (size_t i = 0; i < s->nfiles; i++) {
		const vg_ingest_counts *c = &s->files[i].c;
		if (s->files[i].status == VG_INGEST_FILE_SKIPPED)
			continue;
		assert_int_equal(c->rows_read, c->rows_accepted + c->rows_rejected);
		assert_int_equal(c->rejected.total, c->rows_rejected);
		read += c->rows_read;
		acc += c->rows_accepted;
		rej += c->rows_rejected;
	}
	assert_int_equal(s->total.rows_read, read);
	assert_int_equal(s->total.rows_accepted, acc);
	assert_int_equal(s->total.rows_rejected, rej);
}

static void test_clean_truth(void **state)
{
	(void)state;
	char dir[64], reg[128], other[128], names[4][600], onames[4][600];
	tmpdir(dir, sizeof(dir));
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	assert_int_equal(mkdir(other, 0700), 0);
	unsigned nf = gen(dir, 1500, 11, 0, true, "csv", names);
	assert_int_equal(nf, 2);
	vg_regkey *k = test_key();
	vg_ingest_opts o;
	opts_for(&o, reg, k);
	vg_ingest_summary s;
	ingest_ok(&o, names, nf, &s);
	check_reconciled(&s);
	json_t *summary = NULL;
	json_t *people = load_truth(dir, &summary);
	assert_int_equal(s.total.rows_read, json_integer_value(json_object_get(summary, "rows")));
	assert_int_equal(s.total.rows_rejected, 0);
	assert_int_equal(s.ingested, 2);
	assert_true(s.result.published);
	assert_int_equal(s.result.generation, 1);
	assert_false(s.rejects_written);
	assert_int_equal(s.nsources, 2);
	assert_int_equal(s.new_sources, 3);
	for (int i = 0; i < VG_INGEST__KINDS; i++)
		assert_int_equal(s.total.invalid[i].total, 0);
	/* the file records carry their rows and sources */
	assert_string_equal(s.sources[s.files[0].source].name, "France Travail");
	assert_string_equal(s.sources[s.files[1].source].name, "Cap Emploi");
	assert_true(s.sources[s.files[1].source].flags & VG_SOURCE_SPECIAL);
	assert_false(s.sources[s.files[0].source].flags & VG_SOURCE_SPECIAL);

	vg_registry *r = NULL;
	vg_err err;
	assert_int_equal(vg_registry_open_dir(reg, k, 0, &r, &err), 0);
	assert_int_equal(vg_registry_verify(r, &err), 0);
	exp_set x = {0};
	size_t dmg = 0, dmg_acc = 0;
	expected_from_truth(people, r, k, NULL, true, &x, &dmg, &dmg_acc);
	assert_int_equal(dmg, 0);
	check_registry(r, &x, true);
	/* the summary's identifier counts are the registry's */
	for (int t = 0; t < VG_IDTAB__COUNT; t++)
		assert_int_equal(s.result.table_entries[t],
		                 vg_registry_get_stats(r)->table[t].entries);
	const vg_registry_stats *st = vg_registry_get_stats(r);
	assert_int_equal(st->rows_read, s.total.rows_read);
	assert_int_equal(st->files, 2);

	/* non-members (another seed) are not found, unless they share an identifier */
	unsigned onf = gen(other, 500, 12, 0, false, "csv", onames);
	assert_int_equal(onf, 1);
	json_t *others = load_truth(other, NULL);
	size_t i, checked = 0;
	json_t *p;
	json_array_foreach(others, i, p)
	{
		const struct {
			vg_idtab t;
			const char *key;
		} ks[] = {{VG_IDTAB_EMAIL, "email"},
		          {VG_IDTAB_PHONE, "phone"},
		          {VG_IDTAB_NIR, "nir"},
		          {VG_IDTAB_FTID, "ft_id"}};
		for (size_t j = 0; j < 4; j++) {
			uint64_t key = prf_str(k, ks[j].t, json_object_get(p, ks[j].key));
			if (exp_has(&x, ks[j].t, key))
				continue;
			vg_reghit hit;
			assert_int_equal(vg_registry_lookup(r, ks[j].t, key, &hit), 0);
			checked++;
		}
		json_t *nm = json_object_get(p, "name");
		uint64_t key = prf_name(k, json_string_value(json_object_get(nm, "first")),
		                        json_string_value(json_object_get(nm, "birth")),
		                        json_string_value(json_object_get(p, "dob")));
		if (!exp_has(&x, VG_IDTAB_NAME_DOB, key)) {
			vg_reghit hit;
			assert_int_equal(vg_registry_lookup(r, VG_IDTAB_NAME_DOB, key, &hit), 0);
			checked++;
		}
	}
	assert_true(checked > 4 * 500);
	json_decref(others);

	/* the same files again: nothing published, the file unchanged */
	char live[700];
	live_path(reg, live, sizeof(live));
	size_t n1, n2;
	uint8_t *before = slurp(live, &n1);
	vg_registry_close(r);
	vg_ingest_summary s2;
	ingest_ok(&o, names, nf, &s2);
	assert_int_equal(s2.skipped, 2);
	assert_int_equal(s2.ingested, 0);
	assert_false(s2.result.published);
	assert_int_equal(s2.result.generation, 1);
	assert_int_equal(s2.total.rows_read, 0);
	char live2[700];
	live_path(reg, live2, sizeof(live2));
	assert_string_equal(live, live2);
	uint8_t *after = slurp(live2, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	free(before);
	free(after);

	/* a file given twice in one run is read once */
	vg_ingest_summary s3;
	char twice[2][600];
	snprintf(twice[0], 600, "%s", onames[0]);
	snprintf(twice[1], 600, "%s", onames[0]);
	ingest_ok(&o, twice, 2, &s3);
	assert_int_equal(s3.ingested, 1);
	assert_int_equal(s3.skipped, 1);
	assert_true(s3.result.published);
	assert_int_equal(s3.result.generation, 2);
	check_reconciled(&s3);

	vg_ingest_summary_release(&s);
	vg_ingest_summary_release(&s2);
	vg_ingest_summary_release(&s3);
	free(x.e);
	json_decref(people);
	json_decref(summary);
	vg_regkey_free(k);
	rm_rf(dir);
}

static void test_messy_truth(void **state)
{
	(void)state;
	char dir[64], reg[128], rejects[128], names[4][600];
	tmpdir(dir, sizeof(dir));
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	snprintf(rejects, sizeof(rejects), "%s/rejects.tsv", dir);
	unsigned nf = gen(dir, 3000, 3, 2, true, "csv", names);
	vg_regkey *k = test_key();
	vg_ingest_opts o;
	opts_for(&o, reg, k);
	o.rejects = rejects;
	o.batch_rows = 97; /* many batches, rows split across them */
	vg_ingest_summary s;
	ingest_ok(&o, names, nf, &s);
	check_reconciled(&s);
	json_t *summary = NULL;
	json_t *people = load_truth(dir, &summary);
	assert_int_equal(s.total.rows_read, json_integer_value(json_object_get(summary, "rows")));
	assert_true(s.rejects_written);
	struct stat sb;
	assert_int_equal(stat(rejects, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	rowset rj = {0};
	read_rejects(rejects, &rj);
	assert_int_equal(rj.n, s.total.rows_rejected);
	assert_true(rj.n > 10);

	vg_registry *r = NULL;
	vg_err err;
	assert_int_equal(vg_registry_open_dir(reg, k, 0, &r, &err), 0);
	assert_int_equal(vg_registry_verify(r, &err), 0);
	exp_set x = {0};
	size_t dmg = 0, dmg_acc = 0;
	expected_from_truth(people, r, k, &rj, false, &x, &dmg, &dmg_acc);
	/* every rejected row is a damaged one; the damaged rows not rejected are
	 * the suspect ones the reader repaired by a best guess */
	size_t i;
	json_t *p;
	size_t rejected_damaged = 0;
	json_array_foreach(people, i, p)
	{
		size_t j;
		json_t *row;
		json_array_foreach(json_object_get(p, "rows"), j, row)
		{
			if (json_object_get(row, "damage") &&
			    rowset_has(&rj, json_string_value(json_object_get(row, "file")),
			               (uint64_t)json_integer_value(json_object_get(row, "line"))))
				rejected_damaged++;
		}
	}
	assert_int_equal(rejected_damaged, rj.n);
	assert_int_equal(dmg, rj.n + dmg_acc);
	assert_int_equal(dmg_acc, s.total.rows_suspect);
	json_t *dsum = json_object_get(summary, "damaged");
	assert_int_equal(dmg, json_integer_value(json_object_get(dsum, "truncated")) +
	                          json_integer_value(json_object_get(dsum, "bad_quote")) +
	                          json_integer_value(json_object_get(dsum, "extra_field")));
	/* the rows read as Windows-1252 are the generator's */
	assert_int_equal(s.total.rows_transcoded,
	                 json_integer_value(json_object_get(summary, "cp1252_rows")));
	check_registry(r, &x, false);
	/* variants of the generator are all valid forms */
	for (int kd = 0; kd < VG_INGEST__KINDS; kd++)
		assert_int_equal(s.total.invalid[kd].total, 0);

	vg_registry_close(r);
	rowset_free(&rj);
	vg_ingest_summary_release(&s);
	free(x.e);
	json_decref(people);
	json_decref(summary);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* Batch size, threads and spills do not change a byte of the registry:
 * the default (2 workers, no spill: the builder's copy path) against 3
 * workers with small batches and spills (its merge path), and against one
 * worker. */
static void test_same_bytes(void **state)
{
	(void)state;
	char dir[64], reg1[128], reg2[128], reg3[128], names[4][600];
	tmpdir(dir, sizeof(dir));
	snprintf(reg1, sizeof(reg1), "%s/reg1", dir);
	snprintf(reg2, sizeof(reg2), "%s/reg2", dir);
	snprintf(reg3, sizeof(reg3), "%s/reg3", dir);
	unsigned nf = gen(dir, 20000, 5, 1, false, "csv", names);
	vg_regkey *k = test_key();
	vg_ingest_opts o;
	opts_for(&o, reg1, k);
	vg_ingest_summary s1, s2, s3;
	ingest_ok(&o, names, nf, &s1);
	assert_int_equal(s1.result.runs, 0);
	opts_for(&o, reg2, k);
	o.batch_rows = 7;
	o.workers = 3;
	o.memory = VG_REGBUILD_MIN_BUDGET; /* spills */
	ingest_ok(&o, names, nf, &s2);
	assert_true(s2.result.runs > 0);
	opts_for(&o, reg3, k);
	o.workers = 1;
	ingest_ok(&o, names, nf, &s3);
	assert_int_equal(s1.total.rows_read, s2.total.rows_read);
	assert_int_equal(s1.total.rows_accepted, s2.total.rows_accepted);
	assert_int_equal(s1.total.rows_read, s3.total.rows_read);
	assert_int_equal(s1.total.rows_accepted, s3.total.rows_accepted);
	char l1[700], l2[700], l3[700];
	live_path(reg1, l1, sizeof(l1));
	live_path(reg2, l2, sizeof(l2));
	live_path(reg3, l3, sizeof(l3));
	size_t n1, n2, n3;
	uint8_t *a = slurp(l1, &n1), *b = slurp(l2, &n2), *c = slurp(l3, &n3);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	assert_int_equal(n1, n3);
	assert_memory_equal(a, c, n1);
	free(a);
	free(b);
	free(c);
	vg_ingest_summary_release(&s1);
	vg_ingest_summary_release(&s2);
	vg_ingest_summary_release(&s3);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* ------------------------------------------------------------ ranges */

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Writes a CSV file that puts every kind of row the reader knows near every
 * possible range boundary: quoted fields across lines, "" escapes, stray and
 * unclosed quotes, Windows-1252 rows, CRLF, blank lines, wrong widths, rows
 * without identifier, over-long lines, new source spellings late in the
 * file (their creation order is in the registry), no final newline.
 */
static void write_ranges_csv(const char *path, uint64_t seed, unsigned rows, bool bom)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
	if (bom)
		fputs("\xEF\xBB\xBF", f);
	fputs("nom;prenom;date_naissance;email;telephone;source\n", f);
	for (unsigned i = 0; i < rows; i++) {
		unsigned k = (unsigned)(rng_next(&x) % 24);
		const char *eol = rng_next(&x) % 5 == 0 ? "\r\n" : "\n";
		const char *src = (rng_next(&x) % 7) ? "France Travail" : "Cap emploi";
		char late[32];
		if (i > rows / 3 && rng_next(&x) % 40 == 0) {
			snprintf(late, sizeof(late), "Agence %u", (unsigned)(rng_next(&x) % 24));
			src = late;
		}
		unsigned d = 1 + (unsigned)(rng_next(&x) % 28);
		switch (k) {
		case 0: /* a quoted field across lines */
			fprintf(f, "\"DUPONT\nLIGNE %u\n\";Jean;%02u/03/1980;jd%u@exemple.fr;;%s%s",
			        i, d, i, src, eol);
			break;
		case 1: /* "" escapes */
			fprintf(f,
			        "\"MAR\"\"TIN\";\"Luc\";%02u/04/"
			        "1975;\"lm%u@exemple.fr\";0601020304;%s%s",
			        d, i, src, eol);
			break;
		case 2: /* a stray quote inside a field */
			fprintf(f, "DU\"RAND;Paul;%02u/05/1990;pd%u@exemple.fr;;%s%s", d, i, src,
			        eol);
			break;
		case 3: /* an unclosed quote: the line is rejected, the next read */
			fprintf(f, "\"BERNARD;Anne;%02u/06/1985;ab%u@exemple.fr;;%s%s", d, i, src,
			        eol);
			break;
		case 4: /* Windows-1252 */
			fprintf(f, "L\xC9GER;\xC9lodie;%02u/07/1970;el%u@exemple.fr;;%s%s", d, i,
			        src, eol);
			break;
		case 5: /* UTF-8 */
			fprintf(f, "LÉGER;Élodie;%02u/07/1971;el%u@exemple.fr;;%s%s", d, i, src,
			        eol);
			break;
		case 6: /* blank lines */
			fprintf(f, "%s\n%s", eol, eol);
			break;
		case 7: /* too few fields */
			fprintf(f, "PETIT;Marc;%02u/08/1960%s", d, eol);
			break;
		case 8: /* no identifier */
			fprintf(f, ";;;;;%s%s", src, eol);
			break;
		case 9: /* over-long line (max_row is 300 here) */
			fputs("LONG;", f);
			for (unsigned j = 0; j < 40; j++)
				fputs("abcdefghij", f);
			fprintf(f, ";%02u/01/1999;lg%u@exemple.fr;;%s%s", d, i, src, eol);
			break;
		case 10: /* a quoted field across many lines, over max_row: recovery */
			fputs("\"OUVERT", f);
			for (unsigned j = 0; j < 12; j++)
				fprintf(
				    f,
				    "\nsuite %u de la ligne ; avec un point-virgule ; et du texte",
				    j);
			fprintf(f, ";Zoé;%02u/02/2001;zo%u@exemple.fr;;%s%s", d, i, src, eol);
			break;
		case 11: /* text after a closing quote, once across a line: bad */
			fprintf(f, "\"A\nB\"C;Jean;%02u/09/1980;ac%u@exemple.fr;;%s%s", d, i, src,
			        eol);
			break;
		case 12: /* text after a closing quote on one line: kept, suspect */
			fprintf(f, "\"MOREAU\"X;Léa;%02u/10/1982;lx%u@exemple.fr;;%s%s", d, i, src,
			        eol);
			break;
		case 13: /* a quoted delimiter and a quoted line break, right width */
			fprintf(f, "\"A;B\";\"C\r\nD\";%02u/11/1983;q%u@exemple.fr;0612345678;%s%s",
			        d, i, src, eol);
			break;
		default: /* plain */
			fprintf(f, "NOM%u;Prénom;%02u/12/19%02u;p%u@exemple.fr;06%08u;%s%s", i, d,
			        50 + (unsigned)(rng_next(&x) % 50), i,
			        (unsigned)(rng_next(&x) % 100000000), src, eol);
			break;
		}
	}
	fputs("DERNIER;Sans;01/01/2000;fin@exemple.fr;;France Travail", f); /* no final newline */
	fclose(f);
}

/* Ranges of every size, from one byte, with 1 to 3 workers, give the same
 * registry byte for byte, the same counters and the same rejects file (same
 * line numbers, same order) as the reader parsing every row itself. */
static void test_ranges(void **state)
{
	(void)state;
	char dir[64], names[4][600], reg[128], rej[128], refreg[128], refrej[128];
	tmpdir(dir, sizeof(dir));
	snprintf(names[0], sizeof(names[0]), "%s/a.csv", dir);
	snprintf(names[1], sizeof(names[1]), "%s/b.csv", dir);
	write_ranges_csv(names[0], 1, 1500, false);
	write_ranges_csv(names[1], 2, 700, true);
	vg_regkey *k = test_key();
	vg_table_opts to;
	vg_table_opts_init(&to);
	to.max_row = 300;
	vg_ingest_opts o;
	snprintf(refreg, sizeof(refreg), "%s/ref", dir);
	snprintf(refrej, sizeof(refrej), "%s/ref.tsv", dir);
	opts_for(&o, refreg, k);
	o.table = &to;
	o.rejects = refrej;
	o.no_ranges = true;
	vg_ingest_summary ref;
	ingest_ok(&o, names, 2, &ref);
	check_reconciled(&ref);
	assert_true(ref.total.rows_rejected > 100);
	assert_true(ref.total.rows_transcoded > 20);
	assert_true(ref.total.rows_suspect > 20);
	assert_true(ref.nsources > 3);
	char l0[700];
	live_path(refreg, l0, sizeof(l0));
	size_t n0, r0;
	uint8_t *a = slurp(l0, &n0), *ra = slurp(refrej, &r0);
	static const struct {
		size_t bytes;
		unsigned workers;
	} v[] = {{1, 1},  {1, 3},   {2, 2},    {3, 2},    {7, 3}, {13, 1},
	         {64, 2}, {333, 3}, {1000, 2}, {4096, 1}, {0, 2}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(reg, sizeof(reg), "%s/r%zu", dir, i);
		snprintf(rej, sizeof(rej), "%s/r%zu.tsv", dir, i);
		opts_for(&o, reg, k);
		o.table = &to;
		o.rejects = rej;
		o.range_bytes = v[i].bytes;
		o.workers = v[i].workers;
		o.memory = i % 2 ? VG_REGBUILD_MIN_BUDGET : o.memory;
		vg_ingest_summary s;
		ingest_ok(&o, names, 2, &s);
		check_reconciled(&s);
		for (size_t f = 0; f < 2; f++) {
			assert_int_equal(s.files[f].c.rows_read, ref.files[f].c.rows_read);
			assert_int_equal(s.files[f].c.rows_accepted, ref.files[f].c.rows_accepted);
			assert_int_equal(s.files[f].c.rows_rejected, ref.files[f].c.rows_rejected);
			assert_int_equal(s.files[f].c.rows_transcoded,
			                 ref.files[f].c.rows_transcoded);
			assert_int_equal(s.files[f].c.rows_suspect, ref.files[f].c.rows_suspect);
			assert_int_equal(s.files[f].source, ref.files[f].source);
		}
		assert_int_equal(s.nsources, ref.nsources);
		char l1[700];
		live_path(reg, l1, sizeof(l1));
		size_t n1, r1;
		uint8_t *b = slurp(l1, &n1), *rb = slurp(rej, &r1);
		assert_int_equal(n1, n0);
		assert_memory_equal(a, b, n0);
		assert_int_equal(r1, r0);
		assert_memory_equal(ra, rb, r0);
		free(b);
		free(rb);
		vg_ingest_summary_release(&s);
	}
	free(a);
	free(ra);
	vg_ingest_summary_release(&ref);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* A generated messy leak (Windows-1252 rows, damaged quotes, split
 * sources): ranges give what the reader alone gives. */
static void test_ranges_messy(void **state)
{
	(void)state;
	char dir[64], names[4][600], reg1[128], reg2[128], rej1[128], rej2[128];
	tmpdir(dir, sizeof(dir));
	unsigned nf = gen(dir, 4000, 11, 3, true, "csv", names);
	snprintf(reg1, sizeof(reg1), "%s/reg1", dir);
	snprintf(reg2, sizeof(reg2), "%s/reg2", dir);
	snprintf(rej1, sizeof(rej1), "%s/rej1.tsv", dir);
	snprintf(rej2, sizeof(rej2), "%s/rej2.tsv", dir);
	vg_regkey *k = test_key();
	vg_ingest_opts o;
	opts_for(&o, reg1, k);
	o.rejects = rej1;
	o.no_ranges = true;
	vg_ingest_summary s1, s2;
	ingest_ok(&o, names, nf, &s1);
	opts_for(&o, reg2, k);
	o.rejects = rej2;
	o.range_bytes = 211;
	o.workers = 3;
	ingest_ok(&o, names, nf, &s2);
	check_reconciled(&s2);
	assert_true(s1.total.rows_rejected > 10);
	assert_int_equal(s1.total.rows_read, s2.total.rows_read);
	assert_int_equal(s1.total.rows_accepted, s2.total.rows_accepted);
	assert_int_equal(s1.total.rows_transcoded, s2.total.rows_transcoded);
	char l1[700], l2[700];
	live_path(reg1, l1, sizeof(l1));
	live_path(reg2, l2, sizeof(l2));
	size_t n1, n2, q1, q2;
	uint8_t *a = slurp(l1, &n1), *b = slurp(l2, &n2), *ra = slurp(rej1, &q1),
	        *rb = slurp(rej2, &q2);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	assert_int_equal(q1, q2);
	assert_memory_equal(ra, rb, q1);
	free(a);
	free(b);
	free(ra);
	free(rb);
	vg_ingest_summary_release(&s1);
	vg_ingest_summary_release(&s2);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* JSONL, gzip: the same truth holds. */
static void test_jsonl_gzip(void **state)
{
	(void)state;
	char dir[64], reg[128], names[4][600];
	tmpdir(dir, sizeof(dir));
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	unsigned nf = gen(dir, 800, 21, 0, true, "jsonl.gz", names);
	vg_regkey *k = test_key();
	vg_ingest_opts o;
	opts_for(&o, reg, k);
	vg_ingest_summary s;
	ingest_ok(&o, names, nf, &s);
	check_reconciled(&s);
	assert_int_equal(s.files[0].format, VG_TABLE_JSONL);
	assert_int_equal(s.files[0].compression, VG_TABLE_GZIP);
	assert_int_equal(s.total.rows_rejected, 0);
	json_t *people = load_truth(dir, NULL);
	vg_registry *r = NULL;
	vg_err err;
	assert_int_equal(vg_registry_open_dir(reg, k, 0, &r, &err), 0);
	exp_set x = {0};
	size_t dmg = 0, dmg_acc = 0;
	expected_from_truth(people, r, k, NULL, true, &x, &dmg, &dmg_acc);
	check_registry(r, &x, true);
	vg_registry_close(r);
	free(x.e);
	json_decref(people);
	vg_ingest_summary_release(&s);
	vg_regkey_free(k);
	rm_rf(dir);
}

static volatile sig_atomic_t test_stop;

/* Raises the stop flag once rows are being read. */
static void stop_when_reading(void *ctx, const vg_ingest_progress *p)
{
	(void)ctx;
	if (p->phase == VG_INGEST_PHASE_READ && p->rows > 0)
		test_stop = 1;
}

/* A stopped run publishes nothing: the previous version stays live and whole. */
static void test_stop_run(void **state)
{
	(void)state;
	char dir[64], reg[128], names[4][600], big[4][600], sub[128];
	tmpdir(dir, sizeof(dir));
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	snprintf(sub, sizeof(sub), "%s/big", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	unsigned nf = gen(dir, 300, 8, 0, false, "csv", names);
	unsigned nb = gen(sub, 20000, 9, 0, false, "csv", big);
	vg_regkey *k = test_key();
	vg_ingest_opts o;
	opts_for(&o, reg, k);
	vg_ingest_summary s;
	ingest_ok(&o, names, nf, &s);
	vg_ingest_summary_release(&s);
	char live[700];
	live_path(reg, live, sizeof(live));
	size_t n1, n2;
	uint8_t *before = slurp(live, &n1);

	test_stop = 0;
	o.stop = &test_stop;
	o.progress = stop_when_reading;
	o.batch_rows = 16;
	const char *files[1] = {big[0]};
	assert_int_equal(nb, 1);
	vg_err err;
	assert_int_equal(vg_ingest_run(&o, files, 1, &s, &err), VG_EIO);
	assert_true(s.interrupted);
	assert_false(s.committed);
	assert_false(s.rejects_written);
	char live2[700];
	live_path(reg, live2, sizeof(live2));
	assert_string_equal(live, live2);
	uint8_t *after = slurp(live2, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	vg_registry *r = NULL;
	assert_int_equal(vg_registry_open_dir(reg, k, 0, &r, &err), 0);
	assert_int_equal(vg_registry_verify(r, &err), 0);
	assert_int_equal(vg_registry_file_count(r), 1);
	vg_registry_close(r);
	vg_ingest_summary_release(&s);
	/* the stopped file is ingested by the next run (it was not recorded) */
	o.stop = NULL;
	o.progress = NULL;
	ingest_ok(&o, big, 1, &s);
	assert_int_equal(s.ingested, 1);
	assert_int_equal(s.result.generation, 2);
	vg_ingest_summary_release(&s);
	free(before);
	free(after);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* Files the ingest cannot use: a missing path stops everything before any
 * change; a file without identifier columns fails alone. */
static void test_bad_files(void **state)
{
	(void)state;
	char dir[64], reg[128], p1[128], p2[128], p3[128];
	tmpdir(dir, sizeof(dir));
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	snprintf(p1, sizeof(p1), "%s/noid.csv", dir);
	snprintf(p2, sizeof(p2), "%s/ok.csv", dir);
	snprintf(p3, sizeof(p3), "%s/missing.csv", dir);
	spit(p1, "ville;commentaire\nParis;x\nLyon;y\n");
	spit(p2, "email;telephone\na@b.fr;0612345678\n;\nnope;\n");
	vg_regkey *k = test_key();
	vg_ingest_opts o;
	opts_for(&o, reg, k);
	vg_ingest_summary s;
	vg_err err;
	const char *missing[] = {p2, p3};
	assert_int_equal(vg_ingest_run(&o, missing, 2, &s, &err), VG_ENOTFOUND);
	assert_non_null(strstr(err.msg, "missing.csv"));
	assert_false(s.committed);
	assert_int_equal(access(reg, F_OK), -1); /* nothing created */
	vg_ingest_summary_release(&s);
	const char *dirs[] = {dir};
	assert_int_equal(vg_ingest_run(&o, dirs, 1, &s, &err), VG_EIO);
	vg_ingest_summary_release(&s);

	const char *both[] = {p1, p2};
	assert_int_equal(vg_ingest_run(&o, both, 2, &s, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "noid.csv"));
	assert_non_null(strstr(err.msg, "--map"));
	assert_int_equal(s.files[0].status, VG_INGEST_FILE_FAILED);
	assert_int_equal(s.files[1].status, VG_INGEST_FILE_INGESTED);
	assert_true(s.committed);
	assert_true(s.result.published);
	/* ok.csv: one row accepted (with an invalid email counted), one blank
	 * row and one with only an invalid email rejected */
	assert_int_equal(s.files[1].c.rows_read, 3);
	assert_int_equal(s.files[1].c.rows_accepted, 1);
	assert_int_equal(s.files[1].c.rows_rejected, 2);
	assert_int_equal(s.total.invalid[VG_INGEST_EMAIL].total, 1);
	assert_int_equal(s.total.rejected.total, 2);
	assert_ptr_equal(s.total.rejected.reason[0], &vg_ingest_reason_no_identifier);
	assert_true(s.rejects_written);
	struct stat sb;
	assert_int_equal(stat(s.rejects_path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_non_null(strstr(s.rejects_path, "/rejects/2023"));
	assert_int_equal(s.result.table_entries[VG_IDTAB_EMAIL], 1);
	assert_int_equal(s.result.table_entries[VG_IDTAB_PHONE], 1);
	/* the row without a source column went to the default source */
	assert_int_equal(s.nsources, 1);
	assert_string_equal(s.sources[0].name, VG_INGEST_DEFAULT_SOURCE);
	vg_ingest_summary_release(&s);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* --map on a file without a header; --source; --special; sources from a column. */
static void test_map_and_sources(void **state)
{
	(void)state;
	char dir[64], reg[128], p1[128], p2[128], p3[128];
	tmpdir(dir, sizeof(dir));
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	snprintf(p1, sizeof(p1), "%s/nohead.csv", dir);
	snprintf(p2, sizeof(p2), "%s/sources.csv", dir);
	snprintf(p3, sizeof(p3), "%s/more.csv", dir);
	spit(p1, "x@y.fr;0612345678;Paris\nz@y.fr;0698765432;Lyon\n");
	vg_regkey *k = test_key();
	vg_ingest_opts o;
	opts_for(&o, reg, k);
	o.map = "1=email,2=phone,3=commune";
	o.source = "ameli";
	const char *special[] = {"AMELI"};
	o.special = special;
	o.nspecial = 1;
	vg_ingest_summary s;
	vg_err err;
	const char *f1[] = {p1};
	assert_int_equal(vg_ingest_run(&o, f1, 1, &s, &err), 0);
	assert_int_equal(s.total.rows_accepted, 2);
	assert_int_equal(s.nsources, 1);
	assert_string_equal(s.sources[0].name, "Ameli");
	assert_true(s.sources[0].flags & VG_SOURCE_SPECIAL);
	vg_ingest_summary_release(&s);

	/* a bad --map is a usage error, before anything is done */
	o.map = "1=emial";
	assert_int_equal(vg_ingest_run(&o, f1, 1, &s, &err), VG_EUSAGE);
	vg_ingest_summary_release(&s);

	/* a source column: spellings meet, a cut name is a truncated row,
	 * an empty one has no source, "cap emploi" is special */
	spit(p2, "email;source\n"
	         "a1@x.fr;AMELI\n"
	         "a2@x.fr;France Travail\n"
	         "a3@x.fr;FRANCE  TRAVAIL\n"
	         "a4@x.fr;France Trav\n"
	         "a5@x.fr;\n"
	         "a6@x.fr;cap emploi\n"
	         "a7@x.fr;Cap Emploi\n");
	opts_for(&o, reg, k);
	const char *f2[] = {p2};
	assert_int_equal(vg_ingest_run(&o, f2, 1, &s, &err), 0);
	check_reconciled(&s);
	assert_int_equal(s.total.rows_accepted, 5);
	assert_int_equal(s.total.rows_rejected, 2);
	assert_int_equal(s.nsources, 3);
	assert_string_equal(s.sources[0].name, "Ameli");
	assert_string_equal(s.sources[1].name, "France Travail");
	assert_string_equal(s.sources[2].name, "Cap Emploi");
	assert_true(s.sources[2].flags & VG_SOURCE_SPECIAL);
	assert_int_equal(s.new_sources, 6);
	assert_int_equal(s.total.source_rows[0], 1);
	assert_int_equal(s.total.source_rows[1], 2);
	assert_int_equal(s.total.source_rows[2], 2);
	bool trunc = false, nosrc = false;
	for (size_t i = 0; i < s.total.rejected.n; i++) {
		trunc |= s.total.rejected.reason[i] == &vg_ingest_reason_source_truncated;
		nosrc |= s.total.rejected.reason[i] == &vg_ingest_reason_no_source;
	}
	assert_true(trunc && nosrc);
	vg_ingest_summary_release(&s);

	/* at most VG_INGEST_MAX_NEW_SOURCES new sources from a column per run */
	FILE *f = fopen(p3, "w");
	fputs("email;source\n", f);
	for (int i = 0; i < VG_INGEST_MAX_NEW_SOURCES + 2; i++)
		fprintf(f, "b%d@x.fr;Export %c\n", i, 'A' + i);
	fclose(f);
	const char *f3[] = {p3};
	assert_int_equal(vg_ingest_run(&o, f3, 1, &s, &err), 0);
	assert_int_equal(s.total.rows_accepted, VG_INGEST_MAX_NEW_SOURCES);
	assert_int_equal(s.total.rows_rejected, 2);
	assert_ptr_equal(s.total.rejected.reason[0], &vg_ingest_reason_too_many_sources);
	assert_int_equal(s.nsources, 3 + VG_INGEST_MAX_NEW_SOURCES);
	vg_ingest_summary_release(&s);

	vg_registry *r = NULL;
	assert_int_equal(vg_registry_open_dir(reg, k, 0, &r, &err), 0);
	assert_int_equal(vg_registry_verify(r, &err), 0);
	vg_reghit hit;
	assert_int_equal(vg_registry_check(r, VG_IDTAB_EMAIL, "a3@x.fr", 7, &hit), 1);
	assert_int_equal(hit.sources, 1u << 1);
	assert_int_equal(hit.cats, VG_CAT_BIT(VG_CAT_EMAIL));
	assert_int_equal(vg_registry_check(r, VG_IDTAB_EMAIL, "a4@x.fr", 7, &hit), 0);
	assert_int_equal(vg_registry_check(r, VG_IDTAB_EMAIL, "x@y.fr", 6, &hit), 1);
	assert_int_equal(hit.sources, 1u << 0);
	vg_registry_close(r);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* The rejects file escapes what would break its lines. */
static void test_escape(void **state)
{
	(void)state;
	char out[128];
	const char in[] = "a\tb\\c\nd\re\x01\xff\xc3\xa9\xe2\x82\xac\xed\xa0\x80";
	size_t n = vgi_escape(in, sizeof(in) - 1, out);
	out[n] = 0;
	assert_string_equal(out, "a\\tb\\\\c\\nd\\re\\x01\\xff\xc3\xa9\xe2\x82\xac\\xed\\xa0\\x80");
}

/* --rejects must name a regular file: a pipe (or a device such as
 * /dev/null) is refused before anything is written, chmod-ed or removed,
 * and an existing file that the run did not create is kept when the run
 * is abandoned. */
static void test_rejects_not_regular(void **state)
{
	(void)state;
	char dir[] = "/tmp/vg-test-rejects-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char fifo[200], file[200];
	snprintf(fifo, sizeof(fifo), "%s/pipe", dir);
	snprintf(file, sizeof(file), "%s/mine.tsv", dir);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	int rd = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader: opening it to write succeeds */
	assert_true(rd >= 0);
	vgi_rejects r;
	vg_err err;
	assert_int_equal(vgi_rejects_init(&r, fifo, dir, 0, VG_LANG_EN, &err), VG_EUSAGE);
	assert_non_null(strstr(err.msg, "not a regular file"));
	struct stat st;
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0644);
	close(rd);
	/* an existing regular file: reused (0600), kept when the run is abandoned */
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(vgi_rejects_init(&r, file, dir, 0, VG_LANG_EN, &err), 0);
	vgi_rejects_discard(&r);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* a file the run created: removed when the run is abandoned */
	char made[200];
	snprintf(made, sizeof(made), "%s/new.tsv", dir);
	assert_int_equal(vgi_rejects_init(&r, made, dir, 0, VG_LANG_EN, &err), 0);
	vgi_rejects_discard(&r);
	assert_int_equal(stat(made, &st), -1);
	unlink(fifo);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_field_cats),
	    cmocka_unit_test(test_row_entries),
	    cmocka_unit_test(test_row_names),
	    cmocka_unit_test(test_reasons),
	    cmocka_unit_test(test_parse_size),
	    cmocka_unit_test(test_source_name),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_clean_truth),
	    cmocka_unit_test(test_messy_truth),
	    cmocka_unit_test(test_same_bytes),
	    cmocka_unit_test(test_jsonl_gzip),
	    cmocka_unit_test(test_stop_run),
	    cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_map_and_sources),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_ranges_messy),
	    cmocka_unit_test(test_rejects_not_regular),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
