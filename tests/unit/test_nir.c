/*
 * test_nir.c: the NIR normalizer, rule by rule and reason by reason.
 *
 * Keys are checked against published examples and against an independent
 * computation here (Horner's rule mod 97 on the decimal string, 2A/2B
 * replaced by 19/18), never against vg_nir_key() itself.
 */
#include "vigie/nir.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Key of a 13-character body, computed the slow way, from the definition. */
static int ref_key(const char *body)
{
	char b[14];
	memcpy(b, body, 13);
	b[13] = '\0';
	if (b[6] == 'A' || b[6] == 'a') {
		b[5] = '1';
		b[6] = '9';
	} else if (b[6] == 'B' || b[6] == 'b') {
		b[5] = '1';
		b[6] = '8';
	}
	int r = 0;
	for (int i = 0; i < 13; i++)
		r = (r * 10 + (b[i] - '0')) % 97;
	return 97 - r;
}

/* body + its reference key, as a 15-character NUL-terminated string. */
static void with_key(const char *body, char out[16])
{
	memcpy(out, body, 13);
	int k = ref_key(body);
	out[13] = (char)('0' + k / 10);
	out[14] = (char)('0' + k % 10);
	out[15] = '\0';
}

/* Normalizes a C string. */
static int norm(const char *s, vg_nir *v)
{
	return vg_nir_normalize(s, strlen(s), v);
}

/* Asserts s is invalid with the given reason code. */
static void assert_reason(const char *s, const char *code)
{
	vg_nir v;
	int rc = norm(s, &v);
	if (rc != VG_EINVAL || !v.c.reason || strcmp(v.c.reason->code, code) != 0) {
		fprintf(stderr, "input '%s': rc %d, reason %s, want %s\n", s, rc,
		        v.c.reason ? v.c.reason->code : "(none)", code);
		fail();
	}
	assert_int_equal(v.c.len, 0);
	assert_string_equal(v.c.s, "");
	assert_non_null(v.c.reason->fr);
	assert_non_null(v.c.reason->en);
	assert_true(strlen(v.c.reason->fr) > 5 && strlen(v.c.reason->en) > 5);
}

/* Asserts s is valid with canonical form want. */
static void assert_canon(const char *s, const char *want)
{
	vg_nir v;
	int rc = norm(s, &v);
	if (rc != 0 || strcmp(v.c.s, want) != 0) {
		fprintf(stderr, "input '%s': rc %d (%s), got '%s', want '%s'\n", s, rc,
		        v.c.reason ? v.c.reason->code : "ok", v.c.s, want);
		fail();
	}
	assert_int_equal(v.c.len, 15);
	assert_null(v.c.reason);
}

/* Published examples (python-stdnum's documentation of stdnum.fr.nir). */
static void test_published_examples(void **state)
{
	(void)state;
	assert_canon("2 95 10 99 126 111 93", "295109912611193");
	assert_canon("253072B07300470", "253072B07300470");
	assert_canon("253072A07300443", "253072A07300443");
	assert_reason("295109912611199", "bad_key");
	assert_reason("253072C07300443", "bad_char");
	assert_reason("6546546546546703", "bad_length");
	assert_int_equal(vg_nir_key("2951099126111"), 93);
	assert_int_equal(vg_nir_key("253072B073004"), 70);
	assert_int_equal(vg_nir_key("253072A073004"), 43);
}

/* The brief's example body, and the key as 97 - N mod 97 on a 64-bit N. */
static void test_key_definition(void **state)
{
	(void)state;
	const char *bodies[] = {"1840675116001", "2550819004123", "1850599350123", "2900397101005",
	                        "1000101001001", "8999999999999", "3010199101001", "2950396001999"};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		uint64_t n = strtoull(bodies[i], NULL, 10);
		int k = vg_nir_key(bodies[i]);
		assert_int_equal(k, (int)(97 - n % 97));
		assert_int_equal(k, ref_key(bodies[i]));
		/* N + key is a multiple of 97 and the key is in 1-97 */
		assert_int_equal((n + (uint64_t)k) % 97, 0);
		assert_true(k >= 1 && k <= 97);
	}
	assert_int_equal(vg_nir_key("1840675116001"), 27);
	vg_nir v;
	assert_int_equal(norm("1840675116001", &v), 0);
	assert_string_equal(v.c.s, "184067511600127");
	assert_int_equal(v.key, 27);
	assert_true(v.flags & VG_NIR_KEY_COMPUTED);
}

/* The 15-digit fast path and the 13-digit key without 64-bit division
 * agree with the reference key and with the general path (the same number
 * written with spaces), on 200,000 random bodies; every 15-byte string with
 * one non-digit byte is judged as the general path judges it. */
static void test_fast_path(void **state)
{
	(void)state;
	uint64_t x = 0x9E3779B97F4A7C15ull;
	int valid = 0;
	for (int it = 0; it < 200000; it++) {
		char body[14], full[16], spaced[24];
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t y = x;
		for (int i = 0; i < 13; i++) {
			body[i] = (char)('0' + y % 10);
			y /= 10;
		}
		body[0] = "1278"[x >> 62];
		body[13] = '\0';
		with_key(body, full);
		snprintf(spaced, sizeof(spaced), "%.1s %.2s %.2s %.2s %.3s %.3s %.2s", full,
		         full + 1, full + 3, full + 5, full + 7, full + 10, full + 13);
		vg_nir a, b, c;
		int ra = norm(full, &a), rb = norm(spaced, &b), rc = norm(body, &c);
		assert_int_equal(ra, rb);
		assert_int_equal(ra, rc);
		if (ra == 0) {
			valid++;
			assert_int_equal(a.key, ref_key(body));
			assert_int_equal(c.key, ref_key(body));
			assert_string_equal(a.c.s, b.c.s);
			assert_string_equal(a.c.s, c.c.s);
		} else {
			assert_ptr_equal(a.c.reason, b.c.reason);
		}
		/* one byte changed to a non-digit: never the fast path's answer */
		char bad[16];
		memcpy(bad, full, 16);
		bad[x % 15] = (char)":/ A\x80\xff"[x % 6];
		vg_nir d;
		int rd = norm(bad, &d);
		if (rd == 0) /* only a letter A or B at index 6 after a 2, or a space */
			assert_true(bad[x % 15] == 'A' || bad[x % 15] == ' ');
	}
	assert_true(valid > 10000);
}

/* Key 97 (N mod 97 == 0) is written "97", and small keys get a leading 0. */
static void test_key_extremes(void **state)
{
	(void)state;
	/* find bodies whose key is 97 and 1..9 by walking the order number */
	int seen97 = 0, seen_small = 0;
	char body[14] = "1840675116001";
	for (int order = 1; order <= 999 && !(seen97 && seen_small); order++) {
		snprintf(body + 10, 4, "%03d", order);
		int k = ref_key(body);
		char full[16];
		with_key(body, full);
		if (k == 97) {
			seen97 = 1;
			assert_canon(body, full);
			assert_string_equal(full + 13, "97");
		}
		if (k < 10) {
			seen_small = 1;
			assert_canon(body, full);
			assert_int_equal(full[13], '0');
		}
	}
	assert_true(seen97 && seen_small);
}

/* Corsica: 2A counts as 19, 2B as 18, for the key only. */
static void test_corsica_keys(void **state)
{
	(void)state;
	const char *pairs[][2] = {
	    {"2550819004123", "255082A004123"}, /* 19 <-> 2A */
	    {"1780518033051", "178052B033051"}, /* 18 <-> 2B */
	};
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(vg_nir_key(pairs[i][0]), vg_nir_key(pairs[i][1]));
	/* 2A and 2B give different keys, and neither is the key of "20" */
	assert_int_not_equal(vg_nir_key("255082A004123"), vg_nir_key("255082B004123"));
	assert_int_not_equal(vg_nir_key("255082A004123"), vg_nir_key("2550820004123"));
	/* lowercase, in the key function and in normalize */
	assert_int_equal(vg_nir_key("255082a004123"), vg_nir_key("255082A004123"));
	char full[16];
	with_key("255082A004123", full);
	assert_canon("2 55 08 2a 004 123", full);
	assert_canon("255082a004123", full);
	with_key("178052B033051", full);
	assert_canon("1 78 05 2b 033 051", full);

	vg_nir v;
	assert_int_equal(norm("255082A004123", &v), 0);
	assert_string_equal(v.dept, "2A");
	assert_string_equal(v.commune, "004");
	assert_true(v.flags & VG_NIR_CORSICA);
	assert_false(v.flags & (VG_NIR_OVERSEAS | VG_NIR_BORN_ABROAD));

	/* the key function refuses letters elsewhere */
	assert_int_equal(vg_nir_key("2550812A04123"), -1); /* not after a 2 at 6 */
	assert_int_equal(vg_nir_key("25508A2004123"), -1);
	assert_int_equal(vg_nir_key("255082C004123"), -1);
	assert_int_equal(vg_nir_key("25508 2004123"), -1);
	assert_int_equal(vg_nir_key("255082A00412A"), -1);
	assert_int_equal(vg_nir_key("355082A004123"), vg_nir_key("3550819004123"));
}

/* Department 20 (Corsica before 1976) is valid and flagged corsica. */
static void test_corsica_20(void **state)
{
	(void)state;
	char full[16];
	with_key("1500520004012", full);
	assert_canon(full, full);
	vg_nir v;
	assert_int_equal(norm(full, &v), 0);
	assert_string_equal(v.dept, "20");
	assert_true(v.flags & VG_NIR_CORSICA);
	/* 20 with a 13-character body: the key is that of the plain number */
	assert_int_equal(norm("1500520004012", &v), 0);
	assert_string_equal(v.c.s, full);
}

/* Separators: spaces, dots, dashes, underscores, slashes, Unicode spaces. */
static void test_separators(void **state)
{
	(void)state;
	const char *want = "184067511600127";
	const char *forms[] = {
	    "184067511600127",
	    "1 84 06 75 116 001 27",
	    "  1 84 06 75 116 001 27  ",
	    "1.84.06.75.116.001.27",
	    "1-84-06-75-116-001-27",
	    "1_84_06_75_116_001_27",
	    "1/84/06/75/116/001/27",
	    "1\t84\t06\t75\t116\t001\t27\r\n",
	    "1 84 06 75 116 001 - 27",
	    "1  84..06--75 116 001 27",
	    "1\xC2\xA0"
	    "84\xC2\xA0"
	    "06\xC2\xA0"
	    "75\xC2\xA0"
	    "116\xC2\xA0"
	    "001\xC2\xA0"
	    "27", /* U+00A0 */
	    "1\xE2\x80\xAF"
	    "84 06 75 116 001 27", /* U+202F */
	    "1 84 06 75 116 001\xE2\x80\x93"
	    "27", /* U+2013 en dash */
	    "\xEF\xBB\xBF"
	    "184067511600127", /* byte order mark */
	    "1\xE2\x80\x89"
	    "84\xE2\x88\x92"
	    "06\xC2\xB7"
	    "75116001\xE2\x80\x8B"
	    "27", /* thin space, minus, middle dot, zero width space */
	    "1 84 06 75 116 001",
	    "1840675116001",
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		assert_canon(forms[i], want);
}

/* Every sex digit: 1-2 regular, 3-4 foreign-born, 7-8 temporary, others invalid. */
static void test_sex_digit(void **state)
{
	(void)state;
	for (char d = '0'; d <= '9'; d++) {
		char body[14] = "1840675116001";
		body[0] = d;
		vg_nir v;
		int rc = norm(body, &v);
		switch (d) {
		case '1':
		case '2':
			assert_int_equal(rc, 0);
			assert_int_equal(v.type, VG_NIR_REGULAR);
			break;
		case '3':
		case '4':
			assert_int_equal(rc, 0);
			assert_int_equal(v.type, VG_NIR_FOREIGN_BORN);
			break;
		case '7':
		case '8':
			assert_int_equal(rc, 0);
			assert_int_equal(v.type, VG_NIR_TEMPORARY);
			break;
		default:
			assert_reason(body, "bad_sex");
			continue;
		}
		assert_int_equal(v.sex, (d - '0') % 2 ? 1 : 2);
	}
	assert_string_equal(vg_nir_type_name(VG_NIR_REGULAR), "regular");
	assert_string_equal(vg_nir_type_name(VG_NIR_FOREIGN_BORN), "foreign_born");
	assert_string_equal(vg_nir_type_name(VG_NIR_TEMPORARY), "temporary");
}

/* Every month code 00-99 against the table of the specification. */
static void test_month(void **state)
{
	(void)state;
	for (int m = 0; m <= 99; m++) {
		char body[32];
		snprintf(body, sizeof(body), "184%02d75116001", m);
		int known = m >= 1 && m <= 12;
		int unknown = m == 20 || (m >= 30 && m <= 42) || m >= 50;
		vg_nir v;
		if (!known && !unknown) {
			assert_reason(body, "bad_month");
			continue;
		}
		assert_int_equal(norm(body, &v), 0);
		assert_int_equal(v.month, m);
		assert_int_equal(!!(v.flags & VG_NIR_MONTH_UNKNOWN), unknown);
	}
	/* the boundaries, spelled out */
	assert_reason("1840075116001", "bad_month");
	assert_reason("1841375116001", "bad_month");
	assert_reason("1841975116001", "bad_month");
	assert_reason("1842175116001", "bad_month");
	assert_reason("1842975116001", "bad_month");
	assert_reason("1844375116001", "bad_month");
	assert_reason("1844975116001", "bad_month");
}

/* Two-digit departments 00-96 (00 and 96 refused), and the overseas 97x/98x ones. */
static void test_department(void **state)
{
	(void)state;
	for (int d = 0; d <= 96; d++) {
		char body[32];
		snprintf(body, sizeof(body), "18406%02d116001", d);
		if (d == 0 || d == 96) {
			assert_reason(body, "bad_department");
			continue;
		}
		vg_nir v;
		assert_int_equal(norm(body, &v), 0);
		assert_int_equal(atoi(v.dept), d);
		assert_int_equal(strlen(v.dept), 2);
		assert_string_equal(v.commune, "116");
		assert_int_equal(!!(v.flags & VG_NIR_CORSICA), d == 20);
		assert_false(v.flags & (VG_NIR_OVERSEAS | VG_NIR_BORN_ABROAD));
	}
	for (int d = 970; d <= 989; d++) {
		char body[32];
		snprintf(body, sizeof(body), "18406%03d01001", d);
		int ok = (d >= 971 && d <= 978) || (d >= 984 && d <= 989);
		if (!ok) {
			assert_reason(body, "bad_department");
			continue;
		}
		vg_nir v;
		assert_int_equal(norm(body, &v), 0);
		assert_int_equal(atoi(v.dept), d);
		assert_string_equal(v.commune, "01");
		assert_string_equal(v.order, "001");
		assert_true(v.flags & VG_NIR_OVERSEAS);
		assert_false(v.flags & (VG_NIR_CORSICA | VG_NIR_BORN_ABROAD));
	}
	/* overseas: the commune has 2 digits, so 971 + commune 23 + order 456 */
	vg_nir v;
	assert_int_equal(norm("2920397123456", &v), 0);
	assert_string_equal(v.dept, "971");
	assert_string_equal(v.commune, "23");
	assert_string_equal(v.order, "456");
}

/* Commune 000 (00 overseas) and order 000 are invalid. */
static void test_commune_and_order(void **state)
{
	(void)state;
	assert_reason("1840675000001", "bad_commune");
	assert_reason("18406 2A 000 001", "bad_commune");
	assert_reason("1840697100001", "bad_commune"); /* 971, commune 00 */
	assert_reason("1840675116000", "bad_order");
	assert_reason("1840697101000", "bad_order");
	assert_reason("1840699350000", "bad_order");
	/* commune 001 and order 001 are fine, and so is overseas commune 01 */
	char full[16];
	with_key("1840675001001", full);
	assert_canon("1840675001001", full);
	with_key("1840697101100", full);
	assert_canon("1840697101100", full);
}

/* Department 99: the commune field is an INSEE country code. */
static void test_country(void **state)
{
	(void)state;
	struct {
		const char *code3, *name, *iso2;
	} known[] = {
	    {"350", "Maroc", "MA"},
	    {"351", "Tunisie", "TN"},
	    {"352", "Algérie", "DZ"},
	    {"126", "Grèce", "GR"},
	    {"139", "Portugal", "PT"},
	    {"109", "Allemagne", "DE"},
	    {"230", "Hong Kong", "HK"}, /* a territory with its own code */
	    {"159", "Territoires norvégiens en Atlantique Nord", ""},
	    {"699", "Antarctique", "AQ"},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		char body[32];
		snprintf(body, sizeof(body), "28511 99 %s 042", known[i].code3);
		vg_nir v;
		assert_int_equal(norm(body, &v), 0);
		assert_string_equal(v.dept, "99");
		assert_string_equal(v.commune, known[i].code3);
		assert_int_equal(v.country, 99000 + atoi(known[i].code3));
		assert_string_equal(v.country_name, known[i].name);
		assert_string_equal(v.country_iso2, known[i].iso2);
		assert_true(v.flags & VG_NIR_BORN_ABROAD);
	}
	assert_reason("2851199000042", "bad_country");
	assert_reason("2851199115042", "bad_country"); /* not in the 2025 list */
	assert_reason("2851199999042", "bad_country");
	assert_reason("2851199200042", "bad_country");
	assert_reason("2851199100042", "country_france");
	/* how many codes are accepted: the 228 of the file other than France */
	int valid = 0;
	for (int c = 0; c <= 999; c++) {
		char body[32];
		snprintf(body, sizeof(body), "2851199%03d042", c);
		vg_nir v;
		if (norm(body, &v) == 0) {
			valid++;
			assert_non_null(v.country_name);
			assert_true(c >= 101 && c <= 699);
		} else {
			assert_true(!strcmp(v.c.reason->code, "bad_country") ||
			            !strcmp(v.c.reason->code, "country_france"));
		}
	}
	assert_int_equal(valid, 228);
}

/* A 15-character input with a wrong key is invalid, whatever the key. */
static void test_wrong_key(void **state)
{
	(void)state;
	const char *bodies[] = {"1840675116001", "255082A004123", "178052B033051", "2851199350042",
	                        "2920397123456"};
	for (size_t b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
		int good = ref_key(bodies[b]);
		for (int k = 0; k <= 99; k++) {
			char s[32];
			snprintf(s, sizeof(s), "%.13s%02d", bodies[b], k);
			vg_nir v;
			int rc = norm(s, &v);
			if (k == good) {
				assert_int_equal(rc, 0);
				assert_int_equal(v.key, k);
				assert_false(v.flags & VG_NIR_KEY_COMPUTED);
			} else {
				assert_reason(s, "bad_key");
			}
		}
	}
}

/* Shape errors: empty, blank, too long, bad bytes, lengths, letters. */
static void test_shape_errors(void **state)
{
	(void)state;
	vg_nir v;
	assert_int_equal(vg_nir_normalize("", 0, &v), VG_EINVAL);
	assert_string_equal(v.c.reason->code, "empty");
	assert_reason("   ", "empty");
	assert_reason(" - . ", "empty");
	assert_reason("\xC2\xA0", "empty");

	char *big = malloc(VG_INPUT_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', VG_INPUT_MAX + 1);
	memcpy(big, "184067511600127", 15);
	assert_int_equal(vg_nir_normalize(big, VG_INPUT_MAX + 1, &v), VG_EINVAL);
	assert_string_equal(v.c.reason->code, "too_long");
	assert_int_equal(vg_nir_normalize(big, VG_INPUT_MAX, &v), 0); /* at the limit */
	assert_string_equal(v.c.s, "184067511600127");
	memset(big, '1', VG_INPUT_MAX);
	assert_int_equal(vg_nir_normalize(big, VG_INPUT_MAX, &v), VG_EINVAL);
	assert_string_equal(v.c.reason->code, "bad_length");
	free(big);

	assert_reason("1840675116001\xFF", "bad_utf8");
	assert_reason("18406751\xC3(16001", "bad_utf8");
	assert_reason("1840675116001\xE2\x82", "bad_utf8");
	assert_reason("1840675116001\xC3\xA9", "bad_char"); /* é: valid UTF-8 */
	assert_reason("1840675116001x", "bad_char");
	assert_reason("NIR 1840675116001", "bad_char");
	assert_reason("+1840675116001", "bad_char");
	assert_reason("1840675116001,27", "bad_char");
	char nul[] = "18406751\0"
	             "16001";
	assert_int_equal(vg_nir_normalize(nul, sizeof(nul) - 1, &v), VG_EINVAL);
	assert_string_equal(v.c.reason->code, "bad_char");

	assert_reason("184067511600", "bad_length");   /* 12 */
	assert_reason("18406751160012", "bad_length"); /* 14 */
	assert_reason("1840675116001270", "bad_length");
	assert_reason("1", "bad_length");

	assert_reason("18406751A6001", "bad_letter");   /* letter at 8 */
	assert_reason("184063A116001", "bad_letter");   /* 3A */
	assert_reason("18406A2116001", "bad_letter");   /* A2 */
	assert_reason("184062A1160012A", "bad_letter"); /* letter in the key */
	assert_reason("A840675116001", "bad_letter");
}

/* Reason order: the first broken rule in reading order is reported. */
static void test_reason_order(void **state)
{
	(void)state;
	assert_reason("0841375000000", "bad_sex");
	assert_reason("1841300000000", "bad_month");
	assert_reason("1840600000000", "bad_department");
	assert_reason("1840675000000", "bad_commune");
	assert_reason("184067500100099", "bad_order");
}

/* Normalizing a canonical form gives it back, over many generated bodies. */
static void test_idempotent(void **state)
{
	(void)state;
	uint64_t x = 88172645463325252ull;
	int checked = 0;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		char body[32];
		static const char *const depts[] = {"75", "2A",  "2B",  "20",
		                                    "13", "971", "988", "99"};
		const char *d = depts[x % 8];
		static const char *const countries[] = {"350", "352", "126", "401"};
		char place[16];
		if (strlen(d) == 3)
			snprintf(place, sizeof(place), "%s%02u", d, (unsigned)(x >> 8) % 99 + 1);
		else if (!strcmp(d, "99"))
			snprintf(place, sizeof(place), "99%s", countries[(x >> 8) % 4]);
		else
			snprintf(place, sizeof(place), "%s%03u", d, (unsigned)(x >> 8) % 999 + 1);
		snprintf(body, sizeof(body), "%c%02u%02u%s%03u", "123478"[(x >> 20) % 6],
		         (unsigned)(x >> 24) % 100, (unsigned)(x >> 32) % 12 + 1, place,
		         (unsigned)(x >> 40) % 999 + 1);
		vg_nir a, b;
		assert_int_equal(norm(body, &a), 0);
		assert_int_equal(vg_nir_normalize(a.c.s, a.c.len, &b), 0);
		assert_string_equal(a.c.s, b.c.s);
		assert_int_equal(a.key, ref_key(body));
		assert_int_equal(b.flags, a.flags & ~(unsigned)VG_NIR_KEY_COMPUTED);
		/* and through the dispatcher */
		vg_canon c;
		assert_int_equal(vg_ident_normalize(VG_KIND_NIR, a.c.s, a.c.len, &c), 0);
		assert_string_equal(c.s, a.c.s);
		checked++;
	}
	assert_int_equal(checked, 20000);
}

/* The input is a slice: bytes after s[n) are never read nor used. */
static void test_not_nul_terminated(void **state)
{
	(void)state;
	const char *src = "1 84 06 75 116 001 27";
	size_t n = strlen(src);
	char *exact = malloc(n); /* no room for a NUL: ASan catches a read past it */
	assert_non_null(exact);
	memcpy(exact, src, n);
	vg_nir v;
	assert_int_equal(vg_nir_normalize(exact, n, &v), 0);
	assert_string_equal(v.c.s, "184067511600127");
	/* a prefix of the same buffer: the key is then computed */
	assert_int_equal(vg_nir_normalize(exact, n - 3, &v), 0);
	assert_string_equal(v.c.s, "184067511600127");
	assert_true(v.flags & VG_NIR_KEY_COMPUTED);
	/* a cut in the middle of a multibyte separator: bad UTF-8 */
	free(exact);
	const char *u = "1840675116001\xC2\xA0";
	exact = malloc(14);
	assert_non_null(exact);
	memcpy(exact, u, 14);
	assert_int_equal(vg_nir_normalize(exact, 14, &v), VG_EINVAL);
	assert_string_equal(v.c.reason->code, "bad_utf8");
	free(exact);
	/* trailing garbage beyond n is ignored */
	const char *g = "1840675116001xyz";
	assert_int_equal(vg_nir_normalize(g, 13, &v), 0);
}

/* Returns the JSON view of s as a string the caller frees. */
static char *describe(const char *s)
{
	json_t *o = vg_ident_describe(VG_KIND_NIR, s, strlen(s), VG_LANG_EN);
	char *out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return out;
}

/* The JSON view: parts and flags for each kind of number. */
static void test_describe(void **state)
{
	(void)state;
	char *j = describe("1 84 06 75 116 001");
	assert_non_null(strstr(j, "\"canonical\":\"184067511600127\""));
	assert_non_null(strstr(j, "\"flags\":[\"key_computed\"]"));
	assert_non_null(strstr(j, "\"parts\":{\"birth_month\":\"06\",\"birth_year\":\"84\","
	                          "\"commune\":\"116\",\"commune_code\":\"75116\","
	                          "\"department\":\"75\",\"key\":\"27\",\"order\":\"001\","
	                          "\"sex\":\"male\",\"type\":\"regular\"}"));
	free(j);

	char full[16];
	with_key("2855099350042", full);
	j = describe(full);
	assert_non_null(strstr(j, "\"country\":\"99350\""));
	assert_non_null(strstr(j, "\"country_name\":\"Maroc\""));
	assert_non_null(strstr(j, "\"country_iso2\":\"MA\""));
	assert_null(strstr(j, "\"commune\""));
	assert_non_null(strstr(j, "\"sex\":\"female\""));
	assert_non_null(strstr(j, "\"flags\":[\"month_unknown\",\"born_abroad\"]"));
	free(j);

	j = describe("8 92 03 988 12 345");
	assert_non_null(strstr(j, "\"department\":\"988\""));
	assert_non_null(strstr(j, "\"commune\":\"12\""));
	assert_non_null(strstr(j, "\"commune_code\":\"98812\""));
	assert_non_null(strstr(j, "\"type\":\"temporary\""));
	assert_non_null(strstr(j, "\"sex\":\"female\""));
	assert_non_null(strstr(j, "\"flags\":[\"key_computed\",\"overseas\"]"));
	free(j);

	j = describe("3 01 12 2b 050 010");
	assert_non_null(strstr(j, "\"department\":\"2B\""));
	assert_non_null(strstr(j, "\"type\":\"foreign_born\""));
	assert_non_null(strstr(j, "\"flags\":[\"key_computed\",\"corsica\"]"));
	free(j);

	j = describe("1840675116099");
	assert_non_null(strstr(j, "\"valid\":true"));
	free(j);
	j = describe("184067511600199");
	assert_non_null(strstr(j, "\"valid\":false"));
	assert_non_null(
	    strstr(j, "\"reason\":{\"code\":\"bad_key\",\"message\":\"wrong check key\"}"));
	assert_null(strstr(j, "\"parts\""));
	free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_published_examples),
	    cmocka_unit_test(test_key_definition),
	    cmocka_unit_test(test_key_extremes),
	    cmocka_unit_test(test_fast_path),
	    cmocka_unit_test(test_corsica_keys),
	    cmocka_unit_test(test_corsica_20),
	    cmocka_unit_test(test_separators),
	    cmocka_unit_test(test_sex_digit),
	    cmocka_unit_test(test_month),
	    cmocka_unit_test(test_department),
	    cmocka_unit_test(test_commune_and_order),
	    cmocka_unit_test(test_country),
	    cmocka_unit_test(test_wrong_key),
	    cmocka_unit_test(test_shape_errors),
	    cmocka_unit_test(test_reason_order),
	    cmocka_unit_test(test_idempotent),
	    cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
