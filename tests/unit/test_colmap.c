/* test_colmap.c: header synonyms, the plain "nom" rule, --map parsing and errors. */
#include "vigie/colmap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static vg_field guess(const char *s)
{
	return vg_colmap_guess(s, strlen(s));
}

/* Every synonym the brief lists, and a few spellings of each. */
static void test_synonyms(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		vg_field f;
	} cases[] = {
	    {"nom_usage", VG_FIELD_USAGE_NAME},
	    {"nom d'usage", VG_FIELD_USAGE_NAME},
	    {"Nom d\xE2\x80\x99usage", VG_FIELD_USAGE_NAME}, /* typographic apostrophe */
	    {"usage_name", VG_FIELD_USAGE_NAME},
	    {"nom_marital", VG_FIELD_USAGE_NAME},
	    {"nom_naissance", VG_FIELD_BIRTH_NAME},
	    {"nom_de_naissance", VG_FIELD_BIRTH_NAME},
	    {"birth_name", VG_FIELD_BIRTH_NAME},
	    {"maiden_name", VG_FIELD_BIRTH_NAME},
	    {"nom", VG_FIELD_FAMILY_NAME},
	    {"last_name", VG_FIELD_FAMILY_NAME},
	    {"surname", VG_FIELD_FAMILY_NAME},
	    {"family_name", VG_FIELD_FAMILY_NAME},
	    {"prenom", VG_FIELD_FIRST_NAME},
	    {"prénom", VG_FIELD_FIRST_NAME},
	    {"PRÉNOM", VG_FIELD_FIRST_NAME},
	    {"pre\xCC\x81nom", VG_FIELD_FIRST_NAME}, /* decomposed accent */
	    {"pr\xE9nom", VG_FIELD_FIRST_NAME},      /* Latin-1 byte */
	    {"first_name", VG_FIELD_FIRST_NAME},
	    {"given_name", VG_FIELD_FIRST_NAME},
	    {"firstname", VG_FIELD_FIRST_NAME},
	    {"FirstName", VG_FIELD_FIRST_NAME},
	    {"nom_complet", VG_FIELD_FULL_NAME},
	    {"full_name", VG_FIELD_FULL_NAME},
	    {"name", VG_FIELD_FULL_NAME},
	    {"sexe", VG_FIELD_SEX},
	    {"sex", VG_FIELD_SEX},
	    {"genre", VG_FIELD_SEX},
	    {"civilite", VG_FIELD_SEX},
	    {"Civilité", VG_FIELD_SEX},
	    {"date_naissance", VG_FIELD_DOB},
	    {"date_de_naissance", VG_FIELD_DOB},
	    {"Date de naissance", VG_FIELD_DOB},
	    {"date.naissance", VG_FIELD_DOB},
	    {"dob", VG_FIELD_DOB},
	    {"birth_date", VG_FIELD_DOB},
	    {"birthdate", VG_FIELD_DOB},
	    {"DDN", VG_FIELD_DOB},
	    {"naissance", VG_FIELD_DOB},
	    {"nir", VG_FIELD_NIR},
	    {"numero_securite_sociale", VG_FIELD_NIR},
	    {"Numéro de sécurité sociale", VG_FIELD_NIR},
	    {"num_secu", VG_FIELD_NIR},
	    {"numero_ss", VG_FIELD_NIR},
	    {"securite_sociale", VG_FIELD_NIR},
	    {"ssn", VG_FIELD_NIR},
	    {"insee", VG_FIELD_NIR},
	    {"email", VG_FIELD_EMAIL},
	    {"e-mail", VG_FIELD_EMAIL},
	    {"E-Mail", VG_FIELD_EMAIL},
	    {"mail", VG_FIELD_EMAIL},
	    {"courriel", VG_FIELD_EMAIL},
	    {"adresse_mail", VG_FIELD_EMAIL},
	    {"adresse_email", VG_FIELD_EMAIL},
	    {"email2", VG_FIELD_EMAIL},
	    {"telephone", VG_FIELD_PHONE},
	    {"téléphone", VG_FIELD_PHONE},
	    {"TÉLÉPHONE", VG_FIELD_PHONE},
	    {"tel", VG_FIELD_PHONE},
	    {"portable", VG_FIELD_PHONE},
	    {"mobile", VG_FIELD_PHONE},
	    {"phone", VG_FIELD_PHONE},
	    {"phone_number", VG_FIELD_PHONE},
	    {"numero_telephone", VG_FIELD_PHONE},
	    {"fixe", VG_FIELD_PHONE},
	    {"telephone_2", VG_FIELD_PHONE},
	    {"adresse", VG_FIELD_ADDRESS},
	    {"address", VG_FIELD_ADDRESS},
	    {"adresse_postale", VG_FIELD_ADDRESS},
	    {"rue", VG_FIELD_ADDRESS},
	    {"street", VG_FIELD_ADDRESS},
	    {"ligne_adresse", VG_FIELD_ADDRESS},
	    {"adresse1", VG_FIELD_ADDRESS},
	    {"code_postal", VG_FIELD_POSTCODE},
	    {"Code Postal", VG_FIELD_POSTCODE},
	    {"cp", VG_FIELD_POSTCODE},
	    {"postcode", VG_FIELD_POSTCODE},
	    {"postal_code", VG_FIELD_POSTCODE},
	    {"zip", VG_FIELD_POSTCODE},
	    {"zipcode", VG_FIELD_POSTCODE},
	    {"commune", VG_FIELD_COMMUNE},
	    {"ville", VG_FIELD_COMMUNE},
	    {"city", VG_FIELD_COMMUNE},
	    {"localite", VG_FIELD_COMMUNE},
	    {"localité", VG_FIELD_COMMUNE},
	    {"town", VG_FIELD_COMMUNE},
	    {"identifiant", VG_FIELD_FT_ID},
	    {"identifiant_ft", VG_FIELD_FT_ID},
	    {"id_france_travail", VG_FIELD_FT_ID},
	    {"identifiant_pe", VG_FIELD_FT_ID},
	    {"id_pole_emploi", VG_FIELD_FT_ID},
	    {"id_pôle_emploi", VG_FIELD_FT_ID},
	    {"numero_identifiant", VG_FIELD_FT_ID},
	    {"ft_id", VG_FIELD_FT_ID},
	    {"region", VG_FIELD_REGION},
	    {"région", VG_FIELD_REGION},
	    {"lieu_naissance", VG_FIELD_BIRTHPLACE},
	    {"commune_naissance", VG_FIELD_BIRTHPLACE},
	    {"pays_naissance", VG_FIELD_BIRTHPLACE},
	    {"birthplace", VG_FIELD_BIRTHPLACE},
	    {"statut_inscription", VG_FIELD_STATUS},
	    {"statut", VG_FIELD_STATUS},
	    {"situation", VG_FIELD_STATUS},
	    {"status", VG_FIELD_STATUS},
	    {"date_debut_inscription", VG_FIELD_REG_START},
	    {"date_inscription", VG_FIELD_REG_START},
	    {"date_fin_inscription", VG_FIELD_REG_END},
	    {"date_radiation", VG_FIELD_REG_END},
	    {"source", VG_FIELD_SOURCE},
	    {"origine", VG_FIELD_SOURCE},
	    {"fichier", VG_FIELD_SOURCE},
	    {"  Nom-Usage  ", VG_FIELD_USAGE_NAME},
	    {"NOM_NAISSANCE", VG_FIELD_BIRTH_NAME},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vg_field f = guess(cases[i].name);
		if (f != cases[i].f)
			fail_msg("\"%s\": got %s, want %s", cases[i].name, vg_field_name(f),
			         vg_field_name(cases[i].f));
	}
	/* not fields */
	const char *unknown[] = {"",    "id",  "foo",  "commentaire", "date",       "numero",
	                         "123", "___", "nomx", "e",           "email_pro_x"};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (guess(unknown[i]) != VG_FIELD_NONE)
			fail_msg("\"%s\" should be unknown", unknown[i]);
	/* a very long name is unknown, not a crash */
	char longname[2000];
	memset(longname, 'a', sizeof(longname));
	assert_int_equal(vg_colmap_guess(longname, sizeof(longname)), VG_FIELD_NONE);
}

static void test_field_names(void **state)
{
	(void)state;
	for (int f = 0; f < VG_FIELD__COUNT; f++) {
		const char *n = vg_field_name((vg_field)f);
		vg_field back;
		assert_int_equal(vg_field_parse(n, strlen(n), &back), 0);
		assert_int_equal(back, f);
	}
	vg_field out;
	assert_int_equal(vg_field_parse("EMAIL", 5, &out), 0);
	assert_int_equal(out, VG_FIELD_EMAIL);
	assert_int_equal(vg_field_parse("emai", 4, &out), VG_EINVAL);
	assert_int_equal(vg_field_parse("", 0, &out), VG_EINVAL);
	assert_string_equal(vg_field_name(VG_FIELD_NONE), "ignore");
	assert_string_equal(vg_field_name(VG_FIELD_REG_END), "reg_end");
}

/* Builds a map from header names given as one ';'-separated string. */
static int build(vg_colmap *m, const char *header, const vg_colmap_spec *spec, unsigned flags,
                 vg_err *err)
{
	static char copy[1024];
	vg_table_field names[64];
	size_t n = 0;
	snprintf(copy, sizeof(copy), "%s", header);
	char *s = copy;
	for (;;) {
		char *e = strchr(s, ';');
		names[n].s = s;
		names[n].len = e ? (size_t)(e - s) : strlen(s);
		n++;
		if (!e)
			break;
		*e = '\0';
		s = e + 1;
	}
	return vg_colmap_build(m, names, n, spec, flags, VG_LANG_EN, err);
}

static void test_plain_name_rule(void **state)
{
	(void)state;
	vg_colmap m;
	vg_err err;
	assert_int_equal(build(&m, "nom;prenom;email", NULL, 0, &err), 0);
	assert_int_equal(m.field[0], VG_FIELD_FAMILY_NAME);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_FAMILY_NAME), 0);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_FIRST_NAME), 1);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_EMAIL), 2);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_PHONE), -1);
	/* next to a birth name, "nom" is the usage name */
	assert_int_equal(build(&m, "nom;nom_naissance;prenom", NULL, 0, &err), 0);
	assert_int_equal(m.field[0], VG_FIELD_USAGE_NAME);
	assert_int_equal(m.field[1], VG_FIELD_BIRTH_NAME);
	/* next to a usage name, it is the birth (legal family) name */
	assert_int_equal(build(&m, "nom_usage;nom;prenom", NULL, 0, &err), 0);
	assert_int_equal(m.field[1], VG_FIELD_BIRTH_NAME);
	/* with both, it stays a family name */
	assert_int_equal(build(&m, "nom_usage;nom_naissance;nom", NULL, 0, &err), 0);
	assert_int_equal(m.field[2], VG_FIELD_FAMILY_NAME);
}

static void test_build(void **state)
{
	(void)state;
	vg_colmap m;
	vg_err err;
	/* the generator's header maps completely */
	assert_int_equal(
	    build(&m,
	          "nom_usage;nom_naissance;prenom;sexe;date_naissance;nir;adresse;"
	          "code_postal;commune;telephone;email;region;identifiant_ft;"
	          "statut_inscription;date_debut_inscription;date_fin_inscription;source",
	          NULL, 0, &err),
	    0);
	assert_int_equal(m.ncolumns, 17);
	assert_int_equal(m.nunknown, 0);
	const vg_field want[] = {VG_FIELD_USAGE_NAME, VG_FIELD_BIRTH_NAME, VG_FIELD_FIRST_NAME,
	                         VG_FIELD_SEX,        VG_FIELD_DOB,        VG_FIELD_NIR,
	                         VG_FIELD_ADDRESS,    VG_FIELD_POSTCODE,   VG_FIELD_COMMUNE,
	                         VG_FIELD_PHONE,      VG_FIELD_EMAIL,      VG_FIELD_REGION,
	                         VG_FIELD_FT_ID,      VG_FIELD_STATUS,     VG_FIELD_REG_START,
	                         VG_FIELD_REG_END,    VG_FIELD_SOURCE};
	for (size_t c = 0; c < 17; c++)
		assert_int_equal(m.field[c], want[c]);
	/* several columns for one field; unknown columns listed in order */
	assert_int_equal(build(&m, "id;Téléphone;Portable;remarque;Mail", NULL, 0, &err), 0);
	assert_int_equal(m.count[VG_FIELD_PHONE], 2);
	assert_int_equal(m.cols[VG_FIELD_PHONE][0], 1);
	assert_int_equal(m.cols[VG_FIELD_PHONE][1], 2);
	assert_int_equal(m.nunknown, 2);
	assert_int_equal(m.unknown[0], 0);
	assert_int_equal(m.unknown[1], 3);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_EMAIL), 4);
	/* no names: nothing maps, nothing is "unknown" by name either */
	assert_int_equal(vg_colmap_build(&m, NULL, 5, NULL, 0, VG_LANG_EN, &err), 0);
	assert_int_equal(m.ncolumns, 5);
	assert_int_equal(m.nunknown, 5);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_EMAIL), -1);
}

static void test_spec_parse(void **state)
{
	(void)state;
	vg_colmap_spec spec;
	vg_err err;
	assert_int_equal(vg_colmap_spec_parse(&spec,
	                                      " courriel pro = email ,Tel=PHONE,3=nir,x=ignore",
	                                      VG_LANG_EN, &err),
	                 0);
	assert_int_equal(spec.n, 4);
	assert_string_equal(spec.pairs[0].column, "courriel pro");
	assert_int_equal(spec.pairs[0].field, VG_FIELD_EMAIL);
	assert_int_equal(spec.pairs[0].position, 0);
	assert_string_equal(spec.pairs[1].column, "Tel");
	assert_int_equal(spec.pairs[1].field, VG_FIELD_PHONE);
	assert_string_equal(spec.pairs[2].column, "3");
	assert_int_equal(spec.pairs[2].position, 3);
	assert_int_equal(spec.pairs[3].field, VG_FIELD_NONE);
	assert_true(vg_colmap_spec_names(&spec, "courriel pro", 12));
	assert_true(vg_colmap_spec_names(&spec, "COURRIEL_PRO", 12)); /* folded */
	assert_false(vg_colmap_spec_names(&spec, "email", 5));
	assert_false(vg_colmap_spec_names(NULL, "email", 5));
	vg_colmap_spec_release(&spec);
	/* a column name with '=' in it: the last '=' splits */
	assert_int_equal(vg_colmap_spec_parse(&spec, "a=b=email", VG_LANG_EN, &err), 0);
	assert_string_equal(spec.pairs[0].column, "a=b");
	vg_colmap_spec_release(&spec);
	vg_colmap_spec_release(NULL);
}

/* Parses s, expects VG_EUSAGE and every needle in the message. */
static void spec_fails(const char *s, vg_lang lang, const char *needle1, const char *needle2)
{
	vg_colmap_spec spec;
	vg_err err = {0, ""};
	int rc = vg_colmap_spec_parse(&spec, s, lang, &err);
	if (rc != VG_EUSAGE)
		fail_msg("\"%s\" parsed (rc %d)", s ? s : "(null)", rc);
	if (needle1 && !strstr(err.msg, needle1))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, needle1);
	if (needle2 && !strstr(err.msg, needle2))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, needle2);
	assert_null(spec.text);
	assert_int_equal(spec.n, 0);
}

static void test_spec_errors(void **state)
{
	(void)state;
	spec_fails("", VG_LANG_EN, "empty", NULL);
	spec_fails("   ", VG_LANG_EN, "empty", NULL);
	spec_fails(NULL, VG_LANG_EN, "empty", NULL);
	spec_fails("email", VG_LANG_EN, "pair 1", "\"=\"");
	spec_fails("mail=email,tel", VG_LANG_EN, "pair 2", "\"tel\"");
	spec_fails("=email", VG_LANG_EN, "pair 1", "empty column");
	spec_fails("col=", VG_LANG_EN, "pair 1", "empty field");
	spec_fails("col=emial", VG_LANG_EN, "unknown field \"emial\"", "usage_name");
	spec_fails("a=email,,b=phone", VG_LANG_EN, "pair 2", "empty pair");
	spec_fails("a=email,", VG_LANG_EN, "pair 2", "empty pair");
	spec_fails("a=email,b=phone,a=nir", VG_LANG_EN, "pair 3", "already mapped (pair 1)");
	spec_fails("0=email", VG_LANG_EN, "pair 1", "start at 1");
	/* the same in French */
	spec_fails("col=emial", VG_LANG_FR, "paire n°1", "champ « emial » inconnu");
	spec_fails("mail=email,tel", VG_LANG_FR, "paire n°2", "il manque");
	/* limits */
	char big[400];
	memset(big, 'c', 300);
	memcpy(big + 300, "=email", 7);
	spec_fails(big, VG_LANG_EN, "longer than 256", NULL);
	size_t n = 300 * 16;
	char *many = malloc(n);
	size_t k = 0;
	for (int i = 0; i < 300; i++)
		k += (size_t)snprintf(many + k, n - k, "%sc%d=email", i ? "," : "", i);
	spec_fails(many, VG_LANG_EN, "more than 256 pairs", "pair 257");
	free(many);
	char *huge = malloc(VG_COLMAP_MAX_TEXT + 10);
	memset(huge, 'a', VG_COLMAP_MAX_TEXT + 5);
	huge[VG_COLMAP_MAX_TEXT + 5] = '\0';
	spec_fails(huge, VG_LANG_EN, "longer than", NULL);
	free(huge);
}

static void test_build_with_spec(void **state)
{
	(void)state;
	vg_colmap_spec spec;
	vg_colmap m;
	vg_err err;
	/* --map overrides the guess, adds an unknown column, drops one */
	assert_int_equal(vg_colmap_spec_parse(&spec,
	                                      "courriel_pro=email,tel=ignore,identifiant=nir",
	                                      VG_LANG_EN, &err),
	                 0);
	assert_int_equal(build(&m, "nom;Courriel Pro;tel;identifiant;email", &spec, 0, &err), 0);
	assert_int_equal(m.field[1], VG_FIELD_EMAIL); /* folded match */
	assert_true(m.explicit_map[1]);
	assert_int_equal(m.field[2], VG_FIELD_NONE);
	assert_int_equal(m.field[3], VG_FIELD_NIR);
	assert_int_equal(m.count[VG_FIELD_EMAIL], 2);
	assert_int_equal(m.count[VG_FIELD_PHONE], 0);
	assert_int_equal(m.count[VG_FIELD_FT_ID], 0);
	assert_int_equal(m.nunknown, 0); /* an ignored column is not "unknown" */
	/* a missing column is an error naming it */
	assert_int_equal(build(&m, "nom;email", &spec, 0, &err), VG_EUSAGE);
	assert_non_null(strstr(err.msg, "courriel_pro"));
	/* ... unless partial (JSONL) */
	assert_int_equal(build(&m, "nom;email", &spec, VG_COLMAP_PARTIAL, &err), 0);
	assert_int_equal(m.nmissing, 3);
	vg_colmap_spec_release(&spec);

	/* numbered columns, with and without header */
	assert_int_equal(vg_colmap_spec_parse(&spec, "2=email,1=family_name", VG_LANG_EN, &err), 0);
	assert_int_equal(vg_colmap_build(&m, NULL, 3, &spec, 0, VG_LANG_EN, &err), 0);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_EMAIL), 1);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_FAMILY_NAME), 0);
	assert_int_equal(m.nunknown, 1);
	assert_int_equal(build(&m, "a;b;c", &spec, 0, &err), 0);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_EMAIL), 1);
	assert_int_equal(vg_colmap_build(&m, NULL, 1, &spec, 0, VG_LANG_EN, &err), VG_EUSAGE);
	assert_non_null(strstr(err.msg, "column 2 does not exist"));
	vg_colmap_spec_release(&spec);
	/* a header column literally named "2" wins over the position */
	assert_int_equal(vg_colmap_spec_parse(&spec, "2=phone", VG_LANG_EN, &err), 0);
	assert_int_equal(build(&m, "x;y;2", &spec, 0, &err), 0);
	assert_int_equal(vg_colmap_col(&m, VG_FIELD_PHONE), 2);
	vg_colmap_spec_release(&spec);
	/* a named pair on a file without header */
	assert_int_equal(vg_colmap_spec_parse(&spec, "mail=email", VG_LANG_FR, &err), 0);
	assert_int_equal(vg_colmap_build(&m, NULL, 3, &spec, 0, VG_LANG_FR, &err), VG_EUSAGE);
	assert_non_null(strstr(err.msg, "pas de ligne d'en-tête"));
	vg_colmap_spec_release(&spec);
	/* an explicit family_name is not re-guessed by the "nom" rule */
	assert_int_equal(vg_colmap_spec_parse(&spec, "nom=family_name", VG_LANG_EN, &err), 0);
	assert_int_equal(build(&m, "nom;nom_naissance", &spec, 0, &err), 0);
	assert_int_equal(m.field[0], VG_FIELD_FAMILY_NAME);
	vg_colmap_spec_release(&spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_synonyms),        cmocka_unit_test(test_field_names),
	    cmocka_unit_test(test_plain_name_rule), cmocka_unit_test(test_build),
	    cmocka_unit_test(test_spec_parse),      cmocka_unit_test(test_spec_errors),
	    cmocka_unit_test(test_build_with_spec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
