/*
 * test_address.c: the address normalizer, rule by rule and reason by
 * reason, on the issue's input forms, and on thousands of generated
 * addresses whose canonical line is built here independently (from full
 * spellings), written in many styles (abbreviations, upper case, accents,
 * commas, postcode first, complements, cedex, country).
 */
#include "vigie/address.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Normalizes a C string. */
static int norm(const char *s, vg_address *v)
{
	return vg_address_normalize(s, strlen(s), v);
}

/* Asserts s[0..n) is valid with canonical line want. */
static void assert_canon_n(const char *s, size_t n, const char *want)
{
	vg_address v;
	int rc = vg_address_normalize(s, n, &v);
	if (rc != 0 || strcmp(v.c.s, want) != 0 || v.c.len != strlen(want)) {
		fprintf(stderr, "input '%.*s': rc %d, got '%s' (%s), want '%s'\n", (int)n, s, rc,
		        v.c.s, v.c.reason ? v.c.reason->code : "-", want);
		fail();
	}
}

/* Asserts the C string s is valid with canonical line want. */
static void assert_canon(const char *s, const char *want)
{
	assert_canon_n(s, strlen(s), want);
}

/* Asserts s[0..n) is invalid with the given reason code. */
static void assert_reason_n(const char *s, size_t n, const char *code)
{
	vg_address v;
	int rc = vg_address_normalize(s, n, &v);
	if (rc != VG_EINVAL || !v.c.reason || strcmp(v.c.reason->code, code) != 0 || v.c.len != 0 ||
	    v.c.s[0] != '\0') {
		fprintf(stderr, "input '%.*s': rc %d, got '%s', reason %s, want %s\n", (int)n, s,
		        rc, v.c.s, v.c.reason ? v.c.reason->code : "-", code);
		fail();
	}
}

/* Asserts the C string s is invalid with the given reason code. */
static void assert_reason(const char *s, const char *code)
{
	assert_reason_n(s, strlen(s), code);
}

/* The input forms of the issue. */
static void test_issue_forms(void **state)
{
	(void)state;
	const char *want = "12 bis avenue de la republique 75011 paris";
	assert_canon("12 bis, av. de la République 75011 Paris", want);
	assert_canon("12B AVENUE DE LA REPUBLIQUE, 75011 PARIS", want);
	assert_canon("75011 Paris, 12 bis avenue de la République", want);
	assert_canon("75011 Paris 12 bis avenue de la République", want);
	assert_canon("12 bis avenue de la republique 75011 paris", want);
	assert_canon("Appt 4, 3 rue X, 69001 LYON", "3 rue x 69001 lyon");
	assert_reason("BP 12", "no_postcode");
	assert_canon("BP 12, 69001 Lyon", "bp 12 69001 lyon");
	assert_canon("CS 70001, 75700 PARIS CEDEX 07", "cs 70001 75700 paris cedex 7");
}

/* Every abbreviation the issue lists, expanded at the street-type place. */
static void test_street_types(void **state)
{
	(void)state;
	static const char *const map[][2] = {
	    {"bd", "boulevard"},   {"av", "avenue"},
	    {"ave", "avenue"},     {"av.", "avenue"},
	    {"r", "rue"},          {"r.", "rue"},
	    {"pl", "place"},       {"chem", "chemin"},
	    {"che", "chemin"},     {"imp", "impasse"},
	    {"all", "allee"},      {"rte", "route"},
	    {"fbg", "faubourg"},   {"fg", "faubourg"},
	    {"sq", "square"},      {"crs", "cours"},
	    {"qu", "quai"},        {"qua", "quai"},
	    {"pas", "passage"},    {"psg", "passage"},
	    {"res", "residence"},  {"lot", "lotissement"},
	    {"hlm", "hlm"},        {"zac", "zac"},
	    {"zi", "zi"},          {"za", "za"},
	    {"cite", "cite"},      {"cité", "cite"},
	    {"sente", "sente"},    {"voie", "voie"},
	    {"ham", "hameau"},     {"lieu-dit", "lieu dit"},
	    {"ld", "lieu dit"},    {"BD", "boulevard"},
	    {"Av.", "avenue"},     {"ALLÉE", "allee"},
	    {"rpt", "rond point"}, {"rd", "route departementale"},
	    {"mte", "montee"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		char in[128], want[128];
		snprintf(in, sizeof(in), "7 %s des Lilas, 44000 Nantes", map[i][0]);
		snprintf(want, sizeof(want), "7 %s des lilas 44000 nantes", map[i][1]);
		assert_canon(in, want);
		vg_address v;
		assert_int_equal(norm(in, &v), 0);
		assert_string_equal(v.street_type, map[i][1]);
		assert_string_equal(v.street, "des lilas");
		assert_string_equal(v.number, "7");
	}
	/* only at the type place: "bd" inside a name stays */
	assert_canon("3 rue du bd 44000 Nantes", "3 rue du bd 44000 nantes");
	/* no type: the words are the street */
	assert_canon("Le Bourg 23000 Guéret", "le bourg 23000 gueret");
	assert_canon("12 Grande Rue 25000 Besançon", "12 grande rue 25000 besancon");
}

/* House numbers: suffixes, abbreviations, attached forms, ranges, zeros. */
static void test_house_numbers(void **state)
{
	(void)state;
	static const char *const map[][2] = {
	    {"12 bis", "12 bis"},  {"12 BIS", "12 bis"},  {"12bis", "12 bis"},
	    {"12B", "12 bis"},     {"12 b", "12 bis"},    {"12 ter", "12 ter"},
	    {"12T", "12 ter"},     {"12 t", "12 ter"},    {"12 quater", "12 quater"},
	    {"12Q", "12 quater"},  {"12 q", "12 quater"}, {"12 quinquies", "12 quinquies"},
	    {"12 A", "12 a"},      {"12a", "12 a"},       {"012", "12"},
	    {"12-14", "12-14"},    {"N° 12", "12"},       {"no 12", "12"},
	    {"12 bis,", "12 bis"}, {"12,", "12"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		char in[128], want[128];
		snprintf(in, sizeof(in), "%s rue de la Paix 75002 Paris", map[i][0]);
		snprintf(want, sizeof(want), "%s rue de la paix 75002 paris", map[i][1]);
		assert_canon(in, want);
	}
	vg_address v;
	assert_int_equal(norm("12-14 rue X 75002 Paris", &v), 0);
	assert_string_equal(v.number, "12-14");
	assert_true(v.flags & VG_ADDR_RANGE);
	assert_int_equal(norm("12 ter rue X 75002 Paris", &v), 0);
	assert_string_equal(v.number, "12");
	assert_string_equal(v.suffix, "ter");
	assert_false(v.flags & VG_ADDR_NO_NUMBER);
	assert_int_equal(norm("rue X 75002 Paris", &v), 0);
	assert_string_equal(v.number, "");
	assert_true(v.flags & VG_ADDR_NO_NUMBER);
	/* "r" is the street type, never a suffix */
	assert_canon("12 r de la Paix 75002 Paris", "12 rue de la paix 75002 paris");
}

/* Independent rule: is this 5-digit postcode's prefix a department? */
static int ref_valid_prefix(int d2, int d3)
{
	if (d2 >= 1 && d2 <= 95)
		return 1;
	static const int dom[] = {971, 972, 973, 974, 975, 976, 980, 984, 986, 987, 988};
	for (size_t i = 0; i < sizeof(dom) / sizeof(dom[0]); i++)
		if (d3 == dom[i])
			return 1;
	return 0;
}

/* Every 3-digit prefix: valid or bad_department, and the department. */
static void test_postcode_departments(void **state)
{
	(void)state;
	for (int d3 = 0; d3 < 1000; d3++) {
		char in[64];
		snprintf(in, sizeof(in), "3 rue X %03d10 Ville", d3);
		vg_address v;
		int rc = norm(in, &v);
		if (!ref_valid_prefix(d3 / 10, d3)) {
			assert_reason(in, "bad_department");
			continue;
		}
		assert_int_equal(rc, 0);
		char want[4];
		if (d3 / 10 == 20)
			snprintf(want, sizeof(want), "%s", d3 <= 201 ? "2A" : "2B");
		else if (d3 >= 970)
			snprintf(want, sizeof(want), "%03d", d3);
		else
			snprintf(want, sizeof(want), "%02d", d3 / 10);
		assert_string_equal(v.dept, want);
		assert_int_equal((v.flags & VG_ADDR_OVERSEAS) != 0, d3 >= 970 && d3 != 980);
		assert_int_equal((v.flags & VG_ADDR_MONACO) != 0, d3 == 980);
	}
	assert_reason("3 rue x 00100 Ville", "bad_department");
	assert_reason("3 rue x 96000 Ville", "bad_department");
	assert_reason("3 rue x 99000 Ville", "bad_department");
	assert_reason("3 rue x 97800 Ville", "bad_department");
	assert_canon("3 cours Napoléon 20000 Ajaccio", "3 cours napoleon 20000 ajaccio");
	assert_canon("5 rue Schoelcher 97200 Fort-de-France",
	             "5 rue schoelcher 97200 fort de france");
}

/* Finding the postcode among numbers. */
static void test_postcode_choice(void **state)
{
	(void)state;
	vg_address v;
	assert_canon("12 rue X 75 011 Paris", "12 rue x 75011 paris"); /* split */
	assert_canon("12345 route de X 69001 Lyon", "12345 route de x 69001 lyon");
	assert_canon("75011 Paris, 12345 route de X", "12345 route de x 75011 paris");
	assert_canon("CS 70001, 75700 Paris Cedex", "cs 70001 75700 paris cedex");
	assert_canon("TSA 30001 69001 Lyon Cedex 03", "tsa 30001 69001 lyon cedex 3");
	assert_canon("12 rue bp, 69001 Lyon", "12 rue bp 69001 lyon");
	assert_canon("RD 12, 47360 Cours", "route departementale 12 47360 cours");
	assert_int_equal(norm("3 rue X 20200 Bastia", &v), 0);
	assert_string_equal(v.postcode, "20200");
	assert_string_equal(v.dept, "2B");
	assert_reason("3 rue de la Paix Paris", "no_postcode");
	assert_reason("3 rue x 7500 Paris", "no_postcode");
	assert_reason("3 rue x 750011 Paris", "no_postcode");
	assert_reason("3 rue x 2A000 Ajaccio", "no_postcode");
}

/* Commune: where it is, cedex, country, arrondissements, saint. */
static void test_commune(void **state)
{
	(void)state;
	vg_address v;
	assert_canon("12 rue de la Paix, Paris 75002", "12 rue de la paix 75002 paris");
	assert_canon("3 rue X, 75011, Paris", "3 rue x 75011 paris");
	assert_canon("3 rue X 75011 PARIS FRANCE", "3 rue x 75011 paris");
	assert_canon("Place de la Comédie, 34000 Montpellier, FRANCE",
	             "place de la comedie 34000 montpellier");
	assert_canon("12 rue de France 06000 Nice", "12 rue de france 06000 nice");
	assert_canon("3 rue X 75002 Paris 2e", "3 rue x 75002 paris");
	assert_canon("3 rue X 69003 LYON 3EME", "3 rue x 69003 lyon");
	assert_canon("3 rue X 13001 Marseille 1er arrondissement", "3 rue x 13001 marseille");
	assert_canon("3 rue X 75011 PARIS 11", "3 rue x 75011 paris");
	assert_canon("3 rue X 42000 St-Étienne", "3 rue x 42000 saint etienne");
	assert_canon("3 rue X 97133 Saint-Barthélemy", "3 rue x 97133 saint barthelemy");
	assert_canon("3 rue X 01000 Bourg-en-Bresse", "3 rue x 01000 bourg en bresse");
	assert_int_equal(norm("3 rue X 75011 PARIS CEDEX 11 FRANCE", &v), 0);
	assert_string_equal(v.c.s, "3 rue x 75011 paris cedex 11");
	assert_string_equal(v.commune, "paris");
	assert_string_equal(v.cedex, "11");
	assert_true(v.flags & VG_ADDR_CEDEX);
	assert_int_equal(norm("3 rue X 75002 Paris 2e, France", &v), 0);
	assert_true(v.flags & VG_ADDR_ARRONDISSEMENT);
	assert_true(v.flags & VG_ADDR_COUNTRY);
	assert_reason("3 rue de la Paix 75002", "no_commune");
	assert_reason("3 rue de la Paix 75002 12", "no_commune");
	assert_reason("75002 France", "no_commune");
}

/* Complements: kept aside, left out of the line. */
static void test_complements(void **state)
{
	(void)state;
	vg_address v;
	const char *want = "15 rue jean jaures 59000 lille";
	assert_canon("Appt 12, 15 rue Jean Jaurès, 59000 Lille", want);
	assert_canon("Appt 12 15 rue Jean Jaurès 59000 Lille", want);
	assert_canon("15 rue Jean Jaurès appt 12, 59000 Lille", want);
	assert_canon("15 rue Jean Jaurès Bât. B Appt 12 59000 Lille", want);
	assert_canon("Rés. Les Lilas, Bât. B, Appt 12, 15 rue Jean Jaurès, 59000 Lille", want);
	assert_canon("Résidence Les Lilas 15 rue Jean Jaurès 59000 Lille", want);
	assert_canon("2e étage, 15 rue Jean Jaurès, 59000 Lille", want);
	assert_canon("15 rue Jean Jaurès, 1er étage, 59000 Lille", want);
	assert_canon("chez M. Dupont, 15 rue Jean Jaurès, 59000 Lille", want);
	assert_canon("C/O Dupont 15 rue Jean Jaurès 59000 Lille", want);
	assert_canon("M. Dupont\n15 rue Jean Jaurès\n59000 Lille", want);
	assert_canon("Bâtiment Les Tilleuls, 15 rue Jean Jaurès, 59000 Lille", want);
	assert_canon("Escalier 2, Porte 5, 15 rue Jean Jaurès, 59000 Lille", want);
	assert_int_equal(
	    norm("Rés. Les Lilas, Bât. B, 15 rue Jean Jaurès appt 12, 59000 Lille", &v), 0);
	assert_string_equal(v.c.s, want);
	assert_string_equal(v.complement, "res les lilas, bat b, appt 12");
	assert_true(v.flags & VG_ADDR_COMPLEMENT);
	/* a residence alone is the street */
	assert_canon("Résidence Les Lilas, 59000 Lille", "residence les lilas 59000 lille");
	/* a long value after a weak keyword is a street name, not a complement */
	assert_canon("5 allée de la Porte Rouge 44000 Nantes",
	             "5 allee de la porte rouge 44000 nantes");
	assert_int_equal(norm("15 rue Jean Jaurès 59000 Lille", &v), 0);
	assert_false(v.flags & VG_ADDR_COMPLEMENT);
	assert_string_equal(v.complement, "");
	/* only complements: no street */
	assert_reason("Appt 12, 59000 Lille", "no_street");
	assert_reason("Bâtiment B, 2e étage, 59000 Lille", "no_street");
}

/* Postal boxes (BP, CS, TSA) and lieux-dits. */
static void test_po_box(void **state)
{
	(void)state;
	vg_address v;
	assert_canon("B.P. 12, 69001 Lyon", "bp 12 69001 lyon");
	assert_canon("Boîte postale 12 69001 Lyon", "bp 12 69001 lyon");
	assert_canon("Mairie, 3 place X, BP 7, 69001 Lyon", "3 place x bp 7 69001 lyon");
	assert_canon("3 place X BP 007 69001 Lyon Cedex", "3 place x bp 7 69001 lyon cedex");
	assert_int_equal(norm("BP 12, 69001 Lyon", &v), 0);
	assert_string_equal(v.po_box, "bp 12");
	assert_true(v.flags & VG_ADDR_PO_BOX);
	assert_true(v.flags & VG_ADDR_NO_NUMBER);
	assert_string_equal(v.street, "");
	assert_canon("Lieu-dit Les Granges, 12340 Bozouls", "lieu dit les granges 12340 bozouls");
	assert_canon("Hameau de Gorre 87310 Gorre", "hameau de gorre 87310 gorre");
}

/* Street name abbreviations. */
static void test_street_words(void **state)
{
	(void)state;
	assert_canon("3 r. du Gal de Gaulle 75001 Paris", "3 rue du general de gaulle 75001 paris");
	assert_canon("3 rue du Mal Foch 75001 Paris", "3 rue du marechal foch 75001 paris");
	assert_canon("3 rue du Dr Roux 75001 Paris", "3 rue du docteur roux 75001 paris");
	assert_canon("3 rue St Jean 75001 Paris", "3 rue saint jean 75001 paris");
	assert_canon("3 rue Ste-Anne 75001 Paris", "3 rue sainte anne 75001 paris");
	assert_canon("3 RUE DE L'ÉGLISE 75001 PARIS", "3 rue de l eglise 75001 paris");
}

/* Empty, blank, too long, bad UTF-8, no street. */
static void test_reasons(void **state)
{
	(void)state;
	assert_reason("", "empty");
	assert_reason("   ", "empty");
	assert_reason(" , ;\n\t", "empty");
	assert_reason("---", "no_postcode");
	assert_reason("3 rue \xff 75002 Paris", "bad_utf8");
	assert_reason("3 rue \xc1\x81 75002 Paris", "bad_utf8");
	assert_reason("3 rue \xed\xa0\x80 75002 Paris", "bad_utf8");
	assert_reason("3 rue x 75002 Paris\xe2\x80", "bad_utf8");
	assert_reason("75002 Paris", "no_street");
	assert_reason("Paris 75011", "no_street");
	assert_reason("12, 75011 Paris", "no_street");
	size_t n = VG_INPUT_MAX + 1;
	char *buf = malloc(n);
	assert_non_null(buf);
	memset(buf, 'x', n);
	memcpy(buf, "3 rue ", 6);
	memcpy(buf + n - 12, " 75001 Paris", 12);
	assert_reason_n(buf, n, "too_long");
	/* within the input limit, but the line does not fit VG_CANON_MAX */
	assert_reason_n(buf + 1, n - 1, "too_long");
	/* too many words */
	size_t k = 0;
	k += (size_t)snprintf(buf + k, n - k, "3 rue");
	for (int i = 0; i < 300; i++)
		k += (size_t)snprintf(buf + k, n - k, " a");
	k += (size_t)snprintf(buf + k, n - k, " 75001 Paris");
	assert_reason_n(buf, k, "too_long");
	/* bad UTF-8 wins over too long */
	memset(buf, 'x', VG_INPUT_MAX);
	buf[VG_INPUT_MAX - 1] = (char)0xff;
	assert_reason_n(buf, VG_INPUT_MAX, "bad_utf8");
	free(buf);
}

/* Separators between lines: comma, semicolon, newline, tab, pipe. */
static void test_line_separators(void **state)
{
	(void)state;
	const char *want = "3 rue x 69001 lyon";
	assert_canon("3 rue X\n69001 Lyon", want);
	assert_canon("3 rue X\r\n69001 Lyon\r\n", want);
	assert_canon("3 rue X\t69001\tLyon", want);
	assert_canon("3 rue X;69001;Lyon", want);
	assert_canon("3 rue X | 69001 | Lyon", want);
	assert_canon("  3   RUE   X ,,, 69001   LYON  ", want);
	assert_canon_n("3 rue X\0 69001 Lyon", 19, want);
}

/* Accents and other scripts are folded as in names. */
static void test_folding(void **state)
{
	(void)state;
	assert_canon("3 rue José\xcc\x81 75002 Paris", "3 rue jose 75002 paris");
	assert_canon("3 RUE DE L’ÉGLISE 75002 PARIS", "3 rue de l eglise 75002 paris");
	assert_canon("3 улица Ленина 75002 Paris", "3 ulica lenina 75002 paris");
	assert_canon("3 rue Œuvre 75002 Paris", "3 rue oeuvre 75002 paris");
}

/* The input is s[0..n): exact-size buffers (ASan) and prefixes. */
static void test_not_nul_terminated(void **state)
{
	(void)state;
	static const char *const in[] = {"12 bis, av. de la République 75011 Paris",
	                                 "3 улица Ленина 75002 Paris", "BP 12, 69001 Lyon"};
	static const char *const want[] = {"12 bis avenue de la republique 75011 paris",
	                                   "3 ulica lenina 75002 paris", "bp 12 69001 lyon"};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		size_t n = strlen(in[i]);
		char *buf = malloc(n);
		assert_non_null(buf);
		memcpy(buf, in[i], n);
		assert_canon_n(buf, n, want[i]);
		free(buf);
	}
	assert_canon_n("3 rue X 69001 Lyon 12345 Ailleurs", 18, "3 rue x 69001 lyon");
	assert_reason_n("3 rue X 69001 Lyon", 13, "no_commune");
	assert_reason_n("3 rue X 69001 Lyon", 11, "no_postcode");
}

/* Street types spelled in full and abbreviated, for the generated set. */
static const char *const gen_types[][4] = {
    {"rue", "RUE", "r.", "R"},
    {"avenue", "AV.", "av", "Ave"},
    {"boulevard", "BD", "bd", "Bld"},
    {"place", "PL", "pl.", "Place"},
    {"chemin", "CHE", "chem.", "Ch."},
    {"impasse", "IMP", "imp.", "Impasse"},
    {"allee", "ALL", "Allée", "all."},
    {"route", "RTE", "rte", "Route"},
    {"faubourg", "FBG", "fg", "Faubourg"},
    {"quai", "QU", "qua", "Quai"},
    {"passage", "PAS", "psg", "Passage"},
    {"square", "SQ", "sq.", "Square"},
    {"cours", "CRS", "crs", "Cours"},
};
/* Street names: as written, and folded. */
static const char *const gen_streets[][2] = {
    {"de la République", "de la republique"},
    {"Victor Hugo", "victor hugo"},
    {"du Général de Gaulle", "du general de gaulle"},
    {"des Écoles", "des ecoles"},
    {"Jean-Jaurès", "jean jaures"},
    {"de l'Église", "de l eglise"},
    {"Émile Zola", "emile zola"},
    {"du 8 Mai 1945", "du 8 mai 1945"},
    {"des Œillets", "des oeillets"},
    {"Pasteur", "pasteur"},
};
/* Communes with their postcode: as written, and folded. */
static const char *const gen_communes[][3] = {
    {"75011", "Paris", "paris"},
    {"69001", "LYON", "lyon"},
    {"13008", "Marseille", "marseille"},
    {"01000", "Bourg-en-Bresse", "bourg en bresse"},
    {"20000", "Ajaccio", "ajaccio"},
    {"97200", "Fort-de-France", "fort de france"},
    {"42000", "Saint-Étienne", "saint etienne"},
    {"59800", "LILLE", "lille"},
    {"29200", "Brest", "brest"},
    {"98800", "Nouméa", "noumea"},
};
/* House numbers: as written, and canonical. */
static const char *const gen_numbers[][2] = {
    {"1", "1"},         {"12", "12"},   {"12 bis", "12 bis"}, {"12B", "12 bis"},
    {"7 ter", "7 ter"}, {"105", "105"}, {"3Q", "3 quater"},   {"", ""},
};

/* Thousands of generated addresses in several styles: each gives the
 * independently built line, and the line gives itself back. */
static void test_generated(void **state)
{
	(void)state;
	unsigned count = 0, seed = 12345;
	size_t nt = sizeof(gen_types) / sizeof(gen_types[0]);
	size_t ns = sizeof(gen_streets) / sizeof(gen_streets[0]);
	size_t nc = sizeof(gen_communes) / sizeof(gen_communes[0]);
	size_t nn = sizeof(gen_numbers) / sizeof(gen_numbers[0]);
	for (size_t t = 0; t < nt; t++)
		for (size_t s = 0; s < ns; s++)
			for (size_t num = 0; num < nn; num++)
				for (int style = 0; style < 8; style++) {
					seed = seed * 1103515245u + 12345u;
					const char *const *cm = gen_communes[(seed >> 8) % nc];
					const char *spell = gen_types[t][(seed >> 4) % 4];
					const char *n = gen_numbers[num][0];
					const char *sp = *n ? " " : "";
					const char *street = gen_streets[s][0];
					char in[256], want[256];
					snprintf(want, sizeof(want), "%s%s%s %s %s %s",
					         gen_numbers[num][1], sp, gen_types[t][0],
					         gen_streets[s][1], cm[0], cm[2]);
					switch (style) {
					case 0:
						snprintf(in, sizeof(in), "%s%s%s %s %s %s", n, sp,
						         spell, street, cm[0], cm[1]);
						break;
					case 1:
						snprintf(in, sizeof(in), "%s%s%s %s, %s %s", n,
						         *n ? ", " : "", spell, street, cm[0],
						         cm[1]);
						break;
					case 2:
						snprintf(in, sizeof(in), "%s %s, %s%s%s %s", cm[0],
						         cm[1], n, sp, spell, street);
						break;
					case 3:
						snprintf(in, sizeof(in),
						         "Appt %u, %s%s%s %s\n%s %s", seed % 90 + 1,
						         n, sp, spell, street, cm[0], cm[1]);
						break;
					case 4:
						snprintf(in, sizeof(in),
						         "%s%s%s %s; %s; %s; France", n, sp, spell,
						         street, cm[0], cm[1]);
						break;
					case 5:
						snprintf(
						    in, sizeof(in),
						    "Résidence Les Pins, Bât. C, %s%s%s %s, %s %s",
						    n, sp, spell, street, cm[0], cm[1]);
						break;
					case 6:
						snprintf(in, sizeof(in),
						         "  %s%s%s   %s  ,  %s  %s  ", n, sp, spell,
						         street, cm[0], cm[1]);
						break;
					default:
						snprintf(in, sizeof(in), "%s%s%s %s\t%s\t%s", n, sp,
						         spell, street, cm[0], cm[1]);
						break;
					}
					assert_canon(in, want);
					assert_canon(want, want);
					count++;
				}
	assert_true(count >= 8000);
}

/* Normalizing a canonical line gives it back, for the examples above. */
static void test_idempotent(void **state)
{
	(void)state;
	static const char *const in[] = {
	    "12 bis, av. de la République 75011 Paris",
	    "CS 70001, 75700 PARIS CEDEX 07",
	    "Rés. Les Lilas, Bât. B, 15 rue Jean Jaurès appt 12, 59000 Lille",
	    "12-14 rue X 75002 Paris 2e",
	    "RD 12, 47360 Cours",
	    "Lieu-dit Les Granges, 12340 Bozouls",
	    "12345 route de X 69001 Lyon",
	    "3 place X BP 007 69001 Lyon Cedex",
	    "3 улица Ленина 75002 Paris",
	    "12 a rue x 69001 lyon",
	};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		vg_address a, b;
		assert_int_equal(norm(in[i], &a), 0);
		assert_int_equal(vg_address_normalize(a.c.s, a.c.len, &b), 0);
		assert_string_equal(a.c.s, b.c.s);
		assert_string_equal(a.number, b.number);
		assert_string_equal(a.street_type, b.street_type);
		assert_string_equal(a.street, b.street);
		assert_string_equal(a.commune, b.commune);
	}
}

/* The JSON view: parts and flags. */
static void test_describe(void **state)
{
	(void)state;
	vg_address v;
	assert_int_equal(norm("Appt 4, 12 bis av. de la République, 75011 PARIS CEDEX 11", &v), 0);
	json_t *o = json_object();
	vg_address_describe(&v, o);
	json_t *p = json_object_get(o, "parts");
	assert_string_equal(json_string_value(json_object_get(p, "number")), "12");
	assert_string_equal(json_string_value(json_object_get(p, "suffix")), "bis");
	assert_string_equal(json_string_value(json_object_get(p, "street_type")), "avenue");
	assert_string_equal(json_string_value(json_object_get(p, "street")), "de la republique");
	assert_string_equal(json_string_value(json_object_get(p, "postcode")), "75011");
	assert_string_equal(json_string_value(json_object_get(p, "department")), "75");
	assert_string_equal(json_string_value(json_object_get(p, "commune")), "paris");
	assert_string_equal(json_string_value(json_object_get(p, "cedex")), "11");
	assert_string_equal(json_string_value(json_object_get(p, "complement")), "appt 4");
	assert_null(json_object_get(p, "po_box"));
	json_t *f = json_object_get(o, "flags");
	assert_int_equal(json_array_size(f), 2);
	assert_string_equal(json_string_value(json_array_get(f, 0)), "cedex");
	assert_string_equal(json_string_value(json_array_get(f, 1)), "complement");
	json_decref(o);

	json_t *d = vg_ident_describe(VG_KIND_ADDRESS, "BP 12, 69001 Lyon", 17, VG_LANG_EN);
	p = json_object_get(d, "parts");
	assert_true(json_is_null(json_object_get(p, "number")));
	assert_string_equal(json_string_value(json_object_get(p, "po_box")), "bp 12");
	json_decref(d);
	d = vg_ident_describe(VG_KIND_ADDRESS, "3 rue x 96000 y", 15, VG_LANG_EN);
	json_t *r = json_object_get(d, "reason");
	assert_string_equal(json_string_value(json_object_get(r, "code")), "bad_department");
	assert_string_equal(json_string_value(json_object_get(r, "message")),
	                    "invalid postcode: does not start with a department number");
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_issue_forms),        cmocka_unit_test(test_street_types),
	    cmocka_unit_test(test_house_numbers),      cmocka_unit_test(test_postcode_departments),
	    cmocka_unit_test(test_postcode_choice),    cmocka_unit_test(test_commune),
	    cmocka_unit_test(test_complements),        cmocka_unit_test(test_po_box),
	    cmocka_unit_test(test_street_words),       cmocka_unit_test(test_reasons),
	    cmocka_unit_test(test_line_separators),    cmocka_unit_test(test_folding),
	    cmocka_unit_test(test_not_nul_terminated), cmocka_unit_test(test_generated),
	    cmocka_unit_test(test_idempotent),         cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
