/* test_exposure.c: the name + dob key, checks against a registry built with
 * vg_regbuild, the JSON and text answers, the advice, batch lines. */
#include "vigie/advice.h"
#include "vigie/exposure.h"
#include "vigie/registry.h"

#include <ftw.h>
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

#define CB(c) VG_CAT_BIT(VG_CAT_##c)

/* ------------------------------------------------------------ fixture */

static char dir[64];
static vg_regkey *key;
static vg_registry *reg;

enum { SRC_FT = 0, SRC_CE = 1 };

static const uint16_t cats_a =
    CB(NAME) | CB(NIR) | CB(DOB) | CB(FTID) | CB(EMAIL) | CB(ADDRESS) | CB(PHONE);
static const uint16_t cats_b = CB(NAME) | CB(EMAIL) | CB(PHONE);
static const uint16_t cats_b_name = CB(NAME) | CB(DOB) | CB(REGISTRATION);
static const uint16_t cats_c = CB(NAME) | CB(EMAIL);

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* An entry for canonical form s in table t. */
static vg_regentry ent(vg_idtab t, const char *s, size_t n, uint16_t cats, uint16_t sources)
{
	vg_regentry e = {.key = vg_regkey_prf(key, t, s, n),
	                 .cats = cats,
	                 .sources = sources,
	                 .table = (uint8_t)t};
	return e;
}

#define ENT(t, lit, cats, src) ent(t, lit, sizeof(lit) - 1, cats, src)

/* Builds the registry: person A in France Travail, B in both, C in Cap Emploi.
 * Keys are computed here from literal canonical forms, not by the module. */
static int setup(void **state)
{
	(void)state;
	uint8_t b[VG_REGKEY_BYTES];
	memset(b, 7, sizeof(b));
	if (vg_regkey_from_bytes(b, &key))
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/vg-test-exposure-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	vg_regbuild_opts o = {.now = 1700000000};
	vg_regbuild *bld = NULL;
	vg_err err = {0};
	unsigned ft, ce;
	if (vg_regbuild_begin(dir, key, &o, &bld, &err) ||
	    vg_regbuild_source(bld, "France Travail", 0, &ft, &err) ||
	    vg_regbuild_source(bld, "Cap Emploi", VG_SOURCE_SPECIAL, &ce, &err) || ft != SRC_FT ||
	    ce != SRC_CE) {
		fprintf(stderr, "build: %s\n", err.msg);
		return -1;
	}
	const uint16_t FT = 1u << SRC_FT, CE = 1u << SRC_CE;
	vg_regentry e[] = {
	    ENT(VG_IDTAB_EMAIL, "virginie-blandin13@gmail.com", cats_a, FT),
	    ENT(VG_IDTAB_PHONE, "+33796930399", cats_a, FT),
	    ENT(VG_IDTAB_NIR, "297083306306889", cats_a, FT),
	    ENT(VG_IDTAB_FTID, "9820590A", cats_a, FT),
	    ENT(VG_IDTAB_NAME_DOB,
	        "blandin virginie\0"
	        "1997-08-18",
	        cats_a, FT),
	    ENT(VG_IDTAB_EMAIL, "teddy.vogel4@gmail.com", cats_b, FT | CE),
	    ENT(VG_IDTAB_PHONE, "+33778626763", cats_b, CE),
	    ENT(VG_IDTAB_NAME_DOB,
	        "teddy vogel\0"
	        "1972-12-25",
	        cats_b_name, FT | CE),
	    ENT(VG_IDTAB_EMAIL, "hugo.locatelli@gmail.com", cats_c, CE),
	};
	if (vg_regbuild_add_batch(bld, e, sizeof(e) / sizeof(e[0]), &err) ||
	    vg_regbuild_commit(bld, NULL, &err)) {
		fprintf(stderr, "build: %s\n", err.msg);
		return -1;
	}
	if (vg_registry_open_dir(dir, key, 0, &reg, &err)) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vg_registry_close(reg);
	vg_regkey_free(key);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ------------------------------------------------------------ the name + dob key */

/* The key as bytes: name, '\0', dob. */
static void assert_key(const char *name, const char *dob, const char *want_name)
{
	char out[VG_EXPOSURE_KEY_MAX];
	size_t n = vg_exposure_name_dob_key(name, strlen(name), dob, strlen(dob), out);
	size_t wn = strlen(want_name);
	assert_int_equal(n, wn + 1 + strlen(dob));
	assert_memory_equal(out, want_name, wn);
	assert_int_equal(out[wn], '\0');
	assert_memory_equal(out + wn + 1, dob, strlen(dob));
	assert_int_equal(out[n], '\0');
}

static void test_key_sorted(void **state)
{
	(void)state;
	assert_key("jean dupont", "1984-03-05", "dupont jean");
	assert_key("dupont jean", "1984-03-05", "dupont jean");
	assert_key("marie claire de la tour", "2001-01-31", "claire de la marie tour");
	/* a word before a longer word it starts, either way round */
	assert_key("jeanne jean", "1990-01-01", "jean jeanne");
	assert_key("jean jeanne", "1990-01-01", "jean jeanne");
	/* duplicates are kept; one word stays one word */
	assert_key("jean jean martin", "1990-01-01", "jean jean martin");
	assert_key("cher", "1946-05-20", "cher");
	/* stray spaces (not canonical) do not make empty words */
	assert_key("  b   a ", "1990-01-01", "a b");
}

static void test_key_refused(void **state)
{
	(void)state;
	char out[VG_EXPOSURE_KEY_MAX];
	assert_int_equal(vg_exposure_name_dob_key("", 0, "1990-01-01", 10, out), 0);
	assert_int_equal(vg_exposure_name_dob_key("   ", 3, "1990-01-01", 10, out), 0);
	assert_int_equal(vg_exposure_name_dob_key("a b", 3, "", 0, out), 0);
	assert_int_equal(vg_exposure_name_dob_key("a b", 3, "1990-01-01x", 11, out), 0);
	char big[VG_CANON_MAX + 1];
	memset(big, 'a', sizeof(big));
	assert_int_equal(vg_exposure_name_dob_key(big, VG_CANON_MAX, "1990-01-01", 10, out), 0);
	/* the longest canonical name: 256 one-letter words, reversed */
	char name[VG_CANON_MAX - 1];
	for (size_t i = 0; i < sizeof(name); i++)
		name[i] = (i % 2) ? ' ' : (char)('z' - (i / 2) % 26);
	size_t n = vg_exposure_name_dob_key(name, sizeof(name), "1990-01-01", 10, out);
	assert_int_equal(n, sizeof(name) + 1 + 10);
	for (size_t i = 2; i < sizeof(name); i += 2)
		assert_true(out[i - 2] <= out[i]);
}

/* The key the module computes is what the registry's own helper hashes. */
static void test_key_prf(void **state)
{
	(void)state;
	char out[VG_EXPOSURE_KEY_MAX];
	size_t n = vg_exposure_name_dob_key("virginie blandin", 16, "1997-08-18", 10, out);
	assert_int_equal(vg_regkey_prf(key, VG_IDTAB_NAME_DOB, out, n),
	                 vg_regkey_prf_name_dob(key, "blandin virginie", 16, "1997-08-18", 10));
}

/* ------------------------------------------------------------ kinds */

static void test_kinds(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		vg_idtab t;
	} ok[] = {{"email", VG_IDTAB_EMAIL},      {"phone", VG_IDTAB_PHONE},
	          {"nir", VG_IDTAB_NIR},          {"id", VG_IDTAB_FTID},
	          {"ft_id", VG_IDTAB_FTID},       {"name", VG_IDTAB_NAME_DOB},
	          {"name_dob", VG_IDTAB_NAME_DOB}};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		vg_idtab t = VG_IDTAB__COUNT;
		assert_int_equal(vg_exposure_kind_parse(ok[i].s, strlen(ok[i].s), &t), 0);
		assert_int_equal(t, ok[i].t);
	}
	static const char *const bad[] = {"", "Email", "mail", "dob", "emails", "nir "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vg_idtab t;
		assert_int_equal(vg_exposure_kind_parse(bad[i], strlen(bad[i]), &t), VG_EINVAL);
	}
	/* not NUL-terminated: only n bytes count */
	vg_idtab t;
	assert_int_equal(vg_exposure_kind_parse("nirvana", 3, &t), 0);
	assert_int_equal(t, VG_IDTAB_NIR);
	assert_string_equal(vg_exposure_kind_name(VG_IDTAB_FTID), "id");
	assert_string_equal(vg_exposure_kind_name(VG_IDTAB_NAME_DOB), "name");
	assert_string_equal(vg_exposure_kind_name(VG_IDTAB__COUNT), "?");
}

/* ------------------------------------------------------------ checks */

static vg_exposure check(vg_idtab t, const char *v, const char *dob)
{
	vg_exposure e;
	int rc = vg_exposure_check(reg, t, v, strlen(v), dob, dob ? strlen(dob) : 0, &e);
	assert_int_equal(rc, 0);
	assert_true(e.valid);
	return e;
}

static void assert_found(vg_exposure e, uint16_t cats, uint16_t sources, uint16_t special)
{
	assert_true(e.exposed);
	assert_int_equal(e.cats, cats);
	assert_int_equal(e.sources, sources);
	assert_int_equal(e.special, special);
}

static void test_found_each_kind(void **state)
{
	(void)state;
	const uint16_t FT = 1u << SRC_FT, CE = 1u << SRC_CE;
	vg_exposure e = check(VG_IDTAB_EMAIL, "  Virginie-Blandin13@GMAIL.com ", NULL);
	assert_found(e, cats_a, FT, 0);
	assert_string_equal(e.shown, "virginie-blandin13@gmail.com");
	e = check(VG_IDTAB_PHONE, "07 96 93 03 99", NULL);
	assert_found(e, cats_a, FT, 0);
	assert_string_equal(e.shown, "+33796930399");
	e = check(VG_IDTAB_PHONE, "+33 7 96 93 03 99", NULL);
	assert_found(e, cats_a, FT, 0);
	e = check(VG_IDTAB_NIR, "2 97 08 33 063 068 89", NULL);
	assert_found(e, cats_a, FT, 0);
	e = check(VG_IDTAB_FTID, "9820590a", NULL);
	assert_found(e, cats_a, FT, 0);
	e = check(VG_IDTAB_NAME_DOB, "Virginie BLANDIN", "18/08/1997");
	assert_found(e, cats_a, FT, 0);
	assert_int_equal(e.table, VG_IDTAB_NAME_DOB);
	/* both sources, one of them special */
	e = check(VG_IDTAB_EMAIL, "teddy.vogel4@gmail.com", NULL);
	assert_found(e, cats_b, FT | CE, CE);
	e = check(VG_IDTAB_PHONE, "0778626763", NULL);
	assert_found(e, cats_b, CE, CE);
	e = check(VG_IDTAB_EMAIL, "hugo.locatelli@gmail.com", NULL);
	assert_found(e, cats_c, CE, CE);
}

static void test_name_word_order(void **state)
{
	(void)state;
	const uint16_t FT = 1u << SRC_FT, CE = 1u << SRC_CE;
	static const char *const names[] = {"Teddy Vogel", "VOGEL Teddy", "vogel, teddy",
	                                    "  TEDDY   vogel "};
	static const char *const dobs[] = {"25/12/1972", "1972-12-25", "25 décembre 1972"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (size_t j = 0; j < sizeof(dobs) / sizeof(dobs[0]); j++)
			assert_found(check(VG_IDTAB_NAME_DOB, names[i], dobs[j]), cats_b_name,
			             FT | CE, CE);
	/* one letter off, another day, a word missing: not found */
	assert_false(check(VG_IDTAB_NAME_DOB, "Teddy Vogle", "25/12/1972").exposed);
	assert_false(check(VG_IDTAB_NAME_DOB, "Teddy Vogel", "26/12/1972").exposed);
	assert_false(check(VG_IDTAB_NAME_DOB, "Vogel", "25/12/1972").exposed);
	assert_false(check(VG_IDTAB_NAME_DOB, "Teddy Vogel Vogel", "25/12/1972").exposed);
	/* the screen shows the name in its typed order */
	assert_string_equal(check(VG_IDTAB_NAME_DOB, "VOGEL Teddy", "25/12/1972").shown,
	                    "vogel teddy 1972-12-25");
}

static void test_not_found(void **state)
{
	(void)state;
	vg_exposure e = check(VG_IDTAB_EMAIL, "nobody@example.org", NULL);
	assert_false(e.exposed);
	assert_int_equal(e.cats, 0);
	assert_int_equal(e.sources, 0);
	assert_int_equal(e.special, 0);
	assert_false(check(VG_IDTAB_PHONE, "0612345678", NULL).exposed);
	assert_false(check(VG_IDTAB_NIR, "172125750900177", NULL).exposed);
	assert_false(check(VG_IDTAB_FTID, "2668944S", NULL).exposed);
	/* a person present by email only is not found by name + dob */
	assert_true(check(VG_IDTAB_EMAIL, "hugo.locatelli@gmail.com", NULL).exposed);
	assert_false(check(VG_IDTAB_NAME_DOB, "Hugo Locatelli", "29/06/2007").exposed);
	assert_false(check(VG_IDTAB_FTID, "9820590B", NULL).exposed);
}

static void test_invalid(void **state)
{
	(void)state;
	vg_exposure e;
	assert_int_equal(vg_exposure_check(reg, VG_IDTAB_EMAIL, "not an email", 12, NULL, 0, &e),
	                 VG_EINVAL);
	assert_false(e.valid);
	assert_false(e.exposed);
	assert_non_null(e.reason);
	assert_string_equal(e.field, "email");
	assert_int_equal(vg_exposure_check(reg, VG_IDTAB_NIR, "123", 3, NULL, 0, &e), VG_EINVAL);
	assert_string_equal(e.field, "nir");
	assert_int_equal(vg_exposure_check(reg, VG_IDTAB_PHONE, "", 0, NULL, 0, &e), VG_EINVAL);
	assert_string_equal(e.reason->code, vg_reason_empty.code);
	assert_int_equal(vg_exposure_check(reg, VG_IDTAB_NAME_DOB, "R2D2", 4, "1990-01-01", 10, &e),
	                 VG_EINVAL);
	assert_string_equal(e.field, "name");
	assert_int_equal(
	    vg_exposure_check(reg, VG_IDTAB_NAME_DOB, "Jean Dupont", 11, "31/02/1990", 10, &e),
	    VG_EINVAL);
	assert_string_equal(e.field, "dob");
	assert_int_equal(vg_exposure_check(reg, VG_IDTAB_NAME_DOB, "Jean Dupont", 11, NULL, 0, &e),
	                 VG_EINVAL);
	assert_string_equal(e.field, "dob");
	assert_int_equal(vg_exposure_check(reg, VG_IDTAB__COUNT, "x", 1, NULL, 0, &e), VG_EINVAL);
	assert_false(e.has_kind);
	/* prepare alone refuses without a registry; lookup refuses an invalid one */
	assert_int_equal(vg_exposure_prepare(VG_IDTAB_EMAIL, "@", 1, NULL, 0, &e), VG_EINVAL);
	assert_int_equal(vg_exposure_lookup(reg, &e), VG_EINVAL);
	assert_int_equal(vg_exposure_prepare(VG_IDTAB_EMAIL, "a@b.fr", 6, NULL, 0, &e), 0);
	assert_true(e.valid);
	assert_string_equal(e.key, "a@b.fr");
	assert_int_equal(e.key_len, 6);
}

static void test_no_key(void **state)
{
	(void)state;
	vg_registry *r = NULL;
	vg_err err = {0};
	assert_int_equal(vg_registry_open_dir(dir, NULL, 0, &r, &err), 0);
	vg_exposure e;
	assert_int_equal(vg_exposure_check(r, VG_IDTAB_EMAIL, "a@b.fr", 6, NULL, 0, &e), VG_EUSAGE);
	vg_registry_close(r);
}

/* ------------------------------------------------------------ batch lines */

static int line(const char *s, vg_exposure *e)
{
	return vg_exposure_check_line(reg, s, strlen(s), e);
}

static void test_batch_lines(void **state)
{
	(void)state;
	vg_exposure e;
	assert_int_equal(line("email\tteddy.vogel4@gmail.com", &e), 0);
	assert_true(e.exposed);
	assert_int_equal(e.table, VG_IDTAB_EMAIL);
	assert_int_equal(line("phone\t07 96 93 03 99", &e), 0);
	assert_true(e.exposed);
	assert_int_equal(line("nir\t297083306306889", &e), 0);
	assert_true(e.exposed);
	assert_int_equal(line("id\t9820590A", &e), 0);
	assert_true(e.exposed);
	assert_int_equal(line("name\tBLANDIN Virginie\t18/08/1997", &e), 0);
	assert_true(e.exposed);
	assert_int_equal(e.cats, cats_a);
	assert_int_equal(line("email\tnobody@example.org", &e), 0);
	assert_false(e.exposed);
	/* only n bytes are read: the line is not NUL-terminated */
	assert_int_equal(vg_exposure_check_line(reg, "id\t9820590AXYZ", 11, &e), 0);
	assert_true(e.exposed);

	static const struct {
		const char *line, *code, *field;
	} bad[] = {
	    {"", "batch_empty_line", "line"},
	    {"teddy.vogel4@gmail.com", "batch_no_tab", "line"},
	    {"mail\tteddy.vogel4@gmail.com", "batch_unknown_kind", "kind"},
	    {"\tteddy.vogel4@gmail.com", "batch_unknown_kind", "kind"},
	    {"name\tTeddy Vogel", "batch_no_dob", "line"},
	    {"email\t", "empty", "email"},
	    {"name\tTeddy Vogel\t", "empty", "dob"},
	    {"email\ta\tb@c.fr", NULL, "email"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(line(bad[i].line, &e), VG_EINVAL);
		assert_false(e.valid);
		assert_false(e.exposed);
		assert_non_null(e.reason);
		if (bad[i].code)
			assert_string_equal(e.reason->code, bad[i].code);
		assert_string_equal(e.field, bad[i].field);
		assert_non_null(e.reason->fr);
		assert_non_null(e.reason->en);
	}
	vg_exposure_set_malformed(&e, &vg_exposure_reason_line_too_long);
	assert_false(e.valid);
	assert_string_equal(e.reason->code, "batch_line_too_long");
}

/* ------------------------------------------------------------ advice */

static bool has_advice(const vg_exposure *e, const char *code)
{
	vg_advice_list l = vg_advice_for(vg_exposure_advice_mask(e), VG_LANG_FR);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.item[i].code, code))
			return true;
	return false;
}

static void test_advice(void **state)
{
	(void)state;
	vg_exposure a = check(VG_IDTAB_NIR, "297083306306889", NULL);
	assert_int_equal(vg_exposure_advice_mask(&a), cats_a);
	assert_true(has_advice(&a, "nir_permanent"));
	assert_true(has_advice(&a, "ft_id_quoted"));
	assert_true(has_advice(&a, "address_mail_fraud"));
	assert_true(has_advice(&a, "identity_questions"));
	assert_true(has_advice(&a, "urgent_messages"));
	assert_false(has_advice(&a, "special_category"));
	assert_false(has_advice(&a, "registration_scams"));

	vg_exposure c = check(VG_IDTAB_EMAIL, "hugo.locatelli@gmail.com", NULL);
	assert_int_equal(vg_exposure_advice_mask(&c), cats_c | VG_ADVICE_SPECIAL);
	assert_true(has_advice(&c, "special_category"));
	assert_true(has_advice(&c, "email_phishing"));
	assert_false(has_advice(&c, "nir_permanent"));
	assert_false(has_advice(&c, "identity_questions"));

	vg_exposure n = check(VG_IDTAB_EMAIL, "nobody@example.org", NULL);
	assert_int_equal(vg_exposure_advice_mask(&n), 0);
}

/* ------------------------------------------------------------ JSON */

static json_t *strings(const char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

static void assert_json_array(json_t *o, const char *member, const char *const *want, size_t n)
{
	json_t *a = json_object_get(o, member);
	assert_true(json_is_array(a));
	json_t *w = strings(want, n);
	assert_true(json_equal(a, w));
	json_decref(w);
}

static void test_json_exposed(void **state)
{
	(void)state;
	vg_exposure e = check(VG_IDTAB_EMAIL, "teddy.vogel4@gmail.com", NULL);
	json_t *o = vg_exposure_json(reg, &e, VG_LANG_FR);
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "email");
	assert_true(json_is_true(json_object_get(o, "valid")));
	assert_true(json_is_true(json_object_get(o, "exposed")));
	static const char *const cats[] = {"name", "email", "phone"};
	assert_json_array(o, "categories", cats, 3);
	static const char *const labels[] = {"Nom et prénom", "Adresse électronique",
	                                     "Numéro de téléphone"};
	assert_json_array(o, "category_labels", labels, 3);
	static const char *const srcs[] = {"France Travail", "Cap Emploi"};
	assert_json_array(o, "sources", srcs, 2);
	assert_json_array(o, "special_sources", srcs + 1, 1);
	assert_true(json_is_true(json_object_get(o, "special_category")));
	json_t *adv = json_object_get(o, "advice");
	assert_true(json_is_array(adv));
	vg_advice_list l = vg_advice_for(cats_b | VG_ADVICE_SPECIAL, VG_LANG_FR);
	assert_int_equal(json_array_size(adv), l.n);
	assert_string_equal(json_string_value(json_object_get(json_array_get(adv, 0), "code")),
	                    "special_category");
	for (size_t i = 0; i < l.n; i++) {
		json_t *a = json_array_get(adv, i);
		assert_string_equal(json_string_value(json_object_get(a, "code")), l.item[i].code);
		assert_string_equal(json_string_value(json_object_get(a, "title")),
		                    l.item[i].title);
		assert_string_equal(json_string_value(json_object_get(a, "text")), l.item[i].text);
	}
	assert_null(json_object_get(o, "error"));
	/* no identifier in the object */
	char *dump = json_dumps(o, JSON_COMPACT);
	assert_null(strstr(dump, "vogel"));
	free(dump);
	json_decref(o);

	/* English labels, same stable names */
	o = vg_exposure_json(reg, &e, VG_LANG_EN);
	assert_json_array(o, "categories", cats, 3);
	static const char *const labels_en[] = {"Name", "Email address", "Phone number"};
	assert_json_array(o, "category_labels", labels_en, 3);
	json_decref(o);
}

static void test_json_not_found_and_invalid(void **state)
{
	(void)state;
	vg_exposure e = check(VG_IDTAB_NIR, "172125750900177", NULL);
	json_t *o = vg_exposure_json(reg, &e, VG_LANG_FR);
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "nir");
	assert_true(json_is_false(json_object_get(o, "exposed")));
	assert_json_array(o, "categories", NULL, 0);
	assert_json_array(o, "sources", NULL, 0);
	assert_json_array(o, "advice", NULL, 0);
	assert_true(json_is_false(json_object_get(o, "special_category")));
	char *dump = json_dumps(o, JSON_COMPACT);
	assert_null(strstr(dump, "172125750900177"));
	free(dump);
	json_decref(o);

	assert_int_equal(line("phone\t12", &e), VG_EINVAL);
	o = vg_exposure_json(NULL, &e, VG_LANG_EN);
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "phone");
	assert_true(json_is_false(json_object_get(o, "valid")));
	assert_true(json_is_null(json_object_get(o, "exposed")));
	assert_json_array(o, "categories", NULL, 0);
	assert_json_array(o, "sources", NULL, 0);
	json_t *err = json_object_get(o, "error");
	assert_true(json_is_object(err));
	assert_string_equal(json_string_value(json_object_get(err, "field")), "phone");
	assert_string_equal(json_string_value(json_object_get(err, "code")), e.reason->code);
	assert_string_equal(json_string_value(json_object_get(err, "message")), e.reason->en);
	json_decref(o);

	assert_int_equal(line("fax\t0123", &e), VG_EINVAL);
	o = vg_exposure_json(reg, &e, VG_LANG_FR);
	assert_true(json_is_null(json_object_get(o, "kind")));
	err = json_object_get(o, "error");
	assert_string_equal(json_string_value(json_object_get(err, "code")), "batch_unknown_kind");
	assert_string_equal(json_string_value(json_object_get(err, "message")),
	                    "type inconnu (attendu email, phone, nir, id ou name)");
	json_decref(o);
}

/* ------------------------------------------------------------ text */

static char *text_of(const vg_exposure *e, vg_lang lang)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(vg_exposure_text(reg, e, lang, f), 0);
	fclose(f);
	return buf;
}

static void test_text(void **state)
{
	(void)state;
	vg_exposure e = check(VG_IDTAB_PHONE, "0778626763", NULL);
	char *t = text_of(&e, VG_LANG_FR);
	assert_non_null(strstr(t, "+33778626763"));
	assert_non_null(strstr(t, "EXPOSÉ"));
	assert_non_null(strstr(t, "  - Nom et prénom\n"));
	assert_non_null(strstr(t, "  - Numéro de téléphone\n"));
	assert_null(strstr(t, "Date de naissance"));
	assert_non_null(strstr(t, "  - Cap Emploi (*)\n"));
	assert_null(strstr(t, "France Travail (*)"));
	assert_non_null(strstr(t, "article 9"));
	assert_non_null(strstr(t, " 1. Les données exposées peuvent révéler un handicap\n"));
	/* wrapped at 78 columns (counted in characters) */
	for (char *p = t; *p;) {
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		size_t w = 0;
		for (char *q = p; q < nl; q++)
			w += ((unsigned char)*q & 0xc0) != 0x80;
		assert_true(w <= 78);
		p = nl + 1;
	}
	free(t);

	t = text_of(&e, VG_LANG_EN);
	assert_non_null(strstr(t, "EXPOSED"));
	assert_non_null(strstr(t, "  - Phone number\n"));
	assert_non_null(strstr(t, "Sensitive source"));
	free(t);

	e = check(VG_IDTAB_NIR, "297083306306889", NULL);
	t = text_of(&e, VG_LANG_FR);
	assert_null(strstr(t, "(*)"));
	assert_non_null(strstr(t, "  - France Travail\n"));
	assert_non_null(strstr(t, "ne peut pas être changé"));
	free(t);

	/* French typography: no line starts with ':' or '»', none ends with '«' */
	e = check(VG_IDTAB_NAME_DOB, "Teddy Vogel", "25/12/1972");
	t = text_of(&e, VG_LANG_FR);
	assert_non_null(strstr(t, "« Votre allocation"));
	for (char *p = t; *p;) {
		char *nl = strchr(p, '\n');
		char *q = p;
		while (q < nl && *q == ' ')
			q++;
		assert_false(*q == ':' || !strncmp(q, "»", strlen("»")));
		assert_false(nl - p >= 2 && !strncmp(nl - 2, "«", 2));
		p = nl + 1;
	}
	free(t);

	e = check(VG_IDTAB_EMAIL, "nobody@example.org", NULL);
	t = text_of(&e, VG_LANG_EN);
	assert_non_null(strstr(t, "not found"));
	assert_null(strstr(t, "Advice"));
	free(t);
}

/* ------------------------------------------------------------ opening */

static void test_open(void **state)
{
	(void)state;
	vg_registry *r = NULL;
	vg_regkey *k = NULL;
	vg_err err = {0};
	char missing[128];
	snprintf(missing, sizeof(missing), "%s/none", dir);
	unsetenv(VG_REGKEY_ENV);
	assert_int_equal(vg_exposure_open(missing, NULL, true, &r, &k, &err), VG_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no registry"));
	assert_null(r);
	assert_null(k);

	/* the directory holds no key file: the test built it with its own key */
	assert_int_not_equal(vg_exposure_open(dir, NULL, true, &r, &k, &err), 0);
	assert_non_null(strstr(err.msg, "key"));
	/* the right key through the environment */
	setenv(VG_REGKEY_ENV, "0707070707070707070707070707070707070707070707070707070707070707",
	       1);
	assert_int_equal(vg_exposure_open(dir, NULL, true, &r, &k, &err), 0);
	vg_exposure e;
	assert_int_equal(vg_exposure_check(r, VG_IDTAB_NIR, "297083306306889", 15, NULL, 0, &e), 0);
	assert_true(e.exposed);
	vg_registry_close(r);
	vg_regkey_free(k);
	/* a wrong key is refused with both key ids */
	setenv(VG_REGKEY_ENV, "0808080808080808080808080808080808080808080808080808080808080808",
	       1);
	assert_int_not_equal(vg_exposure_open(dir, NULL, true, &r, &k, &err), 0);
	assert_non_null(strstr(err.msg, "key id"));
	assert_null(r);
	assert_null(k);
	unsetenv(VG_REGKEY_ENV);
	/* without a key: info and stats only */
	assert_int_equal(vg_exposure_open(dir, NULL, false, &r, &k, &err), 0);
	assert_null(k);
	assert_int_equal(vg_registry_source_count(r), 2);
	vg_registry_close(r);

	setenv("VIGIE_REGISTRY", "/somewhere", 1);
	assert_string_equal(vg_exposure_registry_dir(NULL), "/somewhere");
	assert_string_equal(vg_exposure_registry_dir("x"), "x");
	setenv("VIGIE_REGISTRY", "", 1);
	assert_string_equal(vg_exposure_registry_dir(NULL), "vigie-registry");
	unsetenv("VIGIE_REGISTRY");
	assert_string_equal(vg_exposure_registry_dir(NULL), "vigie-registry");
}

/* The pair key is the key of the joined name, on random words (one or
 * several, prefixes of each other, empty, spaces at the ends). */
static void test_key_pair(void **state)
{
	(void)state;
	static const char *const w[] = {"a",  "ab", "abc", "b",   "jean",   "jeanne", "de",
	                                "la", "",   " ",   "z z", "martin", "marti",  "aa"};
	const size_t nw = sizeof(w) / sizeof(w[0]);
	static const char *const dobs[] = {"1990-01-01", "", "1990-01-01x", "2001-12-31"};
	uint64_t x = 0x2545F4914F6CDD1Dull;
	for (int it = 0; it < 100000; it++) {
		char a[64] = "", b[64] = "", joined[130];
		size_t an = 0, bn = 0;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		for (unsigned k = 0; k < 1 + x % 3; k++) {
			const char *p = w[(x >> (8 * k)) % nw];
			an += (size_t)snprintf(a + an, sizeof(a) - an, "%s%s", k ? " " : "", p);
		}
		for (unsigned k = 0; k < 1 + (x >> 20) % 3; k++) {
			const char *p = w[(x >> (8 * k + 30)) % nw];
			bn += (size_t)snprintf(b + bn, sizeof(b) - bn, "%s%s", k ? " " : "", p);
		}
		const char *d = dobs[(x >> 60) % 4];
		snprintf(joined, sizeof(joined), "%s %s", a, b);
		char k1[VG_EXPOSURE_KEY_MAX], k2[VG_EXPOSURE_KEY_MAX];
		size_t n1 = vg_exposure_name_dob_key(joined, an + 1 + bn, d, strlen(d), k1);
		size_t n2 = vg_exposure_name_pair_key(a, an, b, bn, d, strlen(d), false, k2);
		assert_int_equal(n1, n2);
		if (n1)
			assert_memory_equal(k1, k2, n1 + 1);
		if (!strchr(a, ' ') && !strchr(b, ' ')) { /* the caller's promise holds */
			size_t n3 = vg_exposure_name_pair_key(a, an, b, bn, d, strlen(d), true, k2);
			assert_int_equal(n1, n3);
			if (n1)
				assert_memory_equal(k1, k2, n1 + 1);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_sorted),
	    cmocka_unit_test(test_key_refused),
	    cmocka_unit_test(test_key_pair),
	    cmocka_unit_test(test_key_prf),
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_found_each_kind),
	    cmocka_unit_test(test_name_word_order),
	    cmocka_unit_test(test_not_found),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_no_key),
	    cmocka_unit_test(test_batch_lines),
	    cmocka_unit_test(test_advice),
	    cmocka_unit_test(test_json_exposed),
	    cmocka_unit_test(test_json_not_found_and_invalid),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_open),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
