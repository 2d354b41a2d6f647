/*
 * test_phone.c: the phone normalizer (src/ident/phone.c, phonelib.cc).
 *
 * Three kinds of tests:
 *  - tables of inputs and expected answers, for every accepted form and
 *    every reason (written by hand from the contract and libphonenumber's
 *    documented ranges, not copied from the code's output);
 *  - a sweep over every 5-digit prefix of every French calling code (+33,
 *    +262, +590, +594, +596) that compares the fast path with the library;
 *  - a differential test on random French and overseas numbers written in
 *    varied formats, valid and invalid, national and international.
 * The last two compare vg_phone_normalize() with vg_phone_normalize_lib()
 * on everything they return. VG_PHONE_DIFF_N sets the number of random
 * numbers (default 500000; with the sweep's 500000 that is 1 million),
 * VG_PHONE_SWEEP_K the numbers per prefix in the sweep (default 1),
 * VG_PHONE_DIFF_SEED the seed.
 */
#include "vigie/phone.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ------------------------------------------------------------ helpers */

/* Normalizes the C string s with the full path. */
static int norm(const char *s, vg_phone *p)
{
	return vg_phone_normalize(s, strlen(s), p);
}

/* Asserts that s normalizes to e164. */
static void expect_valid(const char *s, const char *e164)
{
	vg_phone p;
	int rc = norm(s, &p);
	if (rc != 0)
		fail_msg("'%s': rc %d, reason %s, expected %s", s, rc,
		         p.c.reason ? p.c.reason->code : "(none)", e164);
	if (strcmp(p.c.s, e164) != 0)
		fail_msg("'%s': got %s, expected %s", s, p.c.s, e164);
	assert_int_equal(p.c.len, strlen(e164));
	assert_null(p.c.reason);
}

/* Asserts that s is invalid with the reason code `code`. */
static void expect_reason(const char *s, size_t n, const char *code)
{
	vg_phone p;
	int rc = vg_phone_normalize(s, n, &p);
	if (rc != VG_EINVAL || !p.c.reason || strcmp(p.c.reason->code, code) != 0)
		fail_msg("'%.*s': rc %d, canonical '%s', reason %s, expected %s", (int)n, s, rc,
		         p.c.s, p.c.reason ? p.c.reason->code : "(none)", code);
	assert_int_equal(p.c.len, 0);
	assert_string_equal(p.c.s, "");
	assert_int_equal(p.country, 0);
	assert_string_equal(p.region, "");
	assert_int_equal(p.type, VG_PHONE_UNKNOWN);
	/* both languages have a message */
	assert_true(strlen(p.c.reason->fr) > 3 && strlen(p.c.reason->en) > 3);
}

/* Asserts the C string s is invalid with reason `code`. */
static void expect_invalid(const char *s, const char *code)
{
	expect_reason(s, strlen(s), code);
}

/* Asserts region, type, country and fast-path use for a valid s. */
static void expect_info(const char *s, const char *e164, unsigned country, const char *region,
                        vg_phone_type type, int fast)
{
	vg_phone p;
	expect_valid(s, e164);
	assert_int_equal(norm(s, &p), 0);
	if (p.country != country || strcmp(p.region, region) != 0 || p.type != type ||
	    p.fast_path != fast)
		fail_msg("'%s': country %u region '%s' type %s fast %d, expected %u '%s' %s %d", s,
		         p.country, p.region, vg_phone_type_name(p.type), p.fast_path, country,
		         region, vg_phone_type_name(type), fast);
}

/* ------------------------------------------------------- accepted forms */

static void test_french_forms(void **state)
{
	(void)state;
	static const char *const forms[] = {
	    "0612345678",
	    "06 12 34 56 78",
	    "06.12.34.56.78",
	    "06-12-34-56-78",
	    "06/12/34/56/78",
	    "(06) 12 34 56 78",
	    "06 12 34 56 78 ",
	    "\t 06 12 34 56 78\r\n",
	    "06\xC2\xA0"
	    "12\xC2\xA0"
	    "34\xC2\xA0"
	    "56\xC2\xA0"
	    "78", /* no-break spaces */
	    "06\xE2\x80\xAF"
	    "12\xE2\x80\xAF"
	    "34\xE2\x80\xAF"
	    "56\xE2\x80\xAF"
	    "78", /* U+202F */
	    "06\xE2\x80\x93"
	    "12\xE2\x80\x93"
	    "34\xE2\x80\x93"
	    "56\xE2\x80\x93"
	    "78", /* en dash */
	    "0 6 1 2 3 4 5 6 7 8",
	    "+33612345678",
	    "+33 6 12 34 56 78",
	    "+33 (0)6 12 34 56 78",
	    "+33(0)612345678",
	    "+33 (0) 6 12 34 56 78",
	    "+33 0 6 12 34 56 78",
	    "(+33) 6 12 34 56 78",
	    "+ 33 6 12 34 56 78",
	    "0033612345678",
	    "0033 6 12 34 56 78",
	    "00 33 6 12 34 56 78",
	    "0033 (0)6 12 34 56 78",
	    "tel:+33612345678",
	    "tel:+33-6-12-34-56-78",
	    "TEL:+33-6-12-34-56-78",
	    "Tel:06 12 34 56 78",
	    "tEl: 0612345678",
	    "  tel:+33.6.12.34.56.78  ",
	    "612345678", /* the 0 lost by a spreadsheet */
	    "6 12 34 56 78",
	    "33612345678", /* the + lost: libphonenumber drops a leading 33 */
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		expect_valid(forms[i], "+33612345678");
}

static void test_metropolitan(void **state)
{
	(void)state;
	/* fixed lines 01-05 (04 but not 040...), mobiles 06/07, 08, 09 */
	expect_info("01 42 68 53 00", "+33142685300", 33, "FR", VG_PHONE_FIXED, 1);
	expect_info("02 99 12 34 56", "+33299123456", 33, "FR", VG_PHONE_FIXED, 1);
	expect_info("03 20 12 34 56", "+33320123456", 33, "FR", VG_PHONE_FIXED, 1);
	expect_info("04 91 12 34 56", "+33491123456", 33, "FR", VG_PHONE_FIXED, 1);
	expect_info("05 61 12 34 56", "+33561123456", 33, "FR", VG_PHONE_FIXED, 1);
	expect_info("07 81 23 45 67", "+33781234567", 33, "FR", VG_PHONE_MOBILE, 1);
	expect_info("07 00 12 34 56", "+33700123456", 33, "FR", VG_PHONE_MOBILE, 1);
	expect_info("06 38 12 34 56", "+33638123456", 33, "FR", VG_PHONE_MOBILE, 1);
	expect_info("06 99 12 34 56", "+33699123456", 33, "FR", VG_PHONE_MOBILE, 1);
	expect_info("0800 12 34 56", "+33800123456", 33, "FR", VG_PHONE_TOLL_FREE, 1);
	expect_info("0810 12 34 56", "+33810123456", 33, "FR", VG_PHONE_SHARED_COST, 1);
	expect_info("0899 12 34 56", "+33899123456", 33, "FR", VG_PHONE_PREMIUM, 1);
	expect_info("0806 12 34 56", "+33806123456", 33, "FR", VG_PHONE_UAN, 1);
	expect_info("09 72 12 34 56", "+33972123456", 33, "FR", VG_PHONE_VOIP, 1);
	/* ranges the French plan leaves unallocated */
	expect_invalid("04 01 23 45 67", "invalid_number");    /* 040 */
	expect_invalid("07 12 34 56 78", "invalid_number");    /* 071 */
	expect_invalid("07 01 23 45 67", "invalid_number");    /* 0701 */
	expect_invalid("+33 6 92 12 34 56", "invalid_number"); /* 0692 is Réunion's */
	expect_invalid("08 70 12 34 56", "invalid_number");    /* 087 */
	expect_invalid("+33 8 36 04 12 34", "invalid_number"); /* 83604 */
}

static void test_overseas(void **state)
{
	(void)state;
	/* each national prefix of the contract takes its own country code */
	expect_info("0692 12 34 56", "+262692123456", 262, "RE", VG_PHONE_MOBILE, 1);
	expect_info("0693 10 12 34", "+262693101234", 262, "RE", VG_PHONE_MOBILE, 1);
	expect_info("0262 12 34 56", "+262262123456", 262, "RE", VG_PHONE_FIXED, 1);
	expect_info("0263 01 23 45", "+262263012345", 262, "RE", VG_PHONE_FIXED, 1);
	expect_info("0269 61 23 45", "+262269612345", 262, "YT", VG_PHONE_FIXED, 1);
	expect_info("0639 21 23 45", "+262639212345", 262, "YT", VG_PHONE_MOBILE, 1);
	expect_info("0590 82 12 34", "+590590821234", 590, "GP", VG_PHONE_FIXED, 1);
	expect_info("0690 12 34 56", "+590690123456", 590, "GP", VG_PHONE_MOBILE, 1);
	expect_info("0691 22 12 34", "+590691221234", 590, "GP", VG_PHONE_MOBILE, 1);
	expect_info("0590 27 12 34", "+590590271234", 590, "BL", VG_PHONE_FIXED, 1);
	expect_info("0590 87 12 34", "+590590871234", 590, "BL", VG_PHONE_FIXED, 1);
	expect_info("0590 00 12 34", "+590590001234", 590, "MF", VG_PHONE_FIXED, 1);
	expect_info("0594 30 12 34", "+594594301234", 594, "GF", VG_PHONE_FIXED, 1);
	expect_info("0694 20 12 34", "+594694201234", 594, "GF", VG_PHONE_MOBILE, 1);
	expect_info("0596 30 12 34", "+596596301234", 596, "MQ", VG_PHONE_FIXED, 1);
	expect_info("0696 12 34 56", "+596696123456", 596, "MQ", VG_PHONE_MOBILE, 1);
	expect_info("0697 27 12 34", "+596697271234", 596, "MQ", VG_PHONE_MOBILE, 1);
	/* the same numbers written internationally, and a lost 0 */
	expect_valid("+262 692 12 34 56", "+262692123456");
	expect_valid("+262 (0)692 12 34 56", "+262692123456");
	expect_valid("00262692123456", "+262692123456");
	expect_valid("tel:+590-690-12-34-56", "+590690123456");
	expect_valid("692123456", "+262692123456");
	/* overseas VoIP and toll-free numbers exist only internationally: 09 and
	 * 08 national numbers are metropolitan */
	expect_info("+596 976 61 23 45", "+596976612345", 596, "MQ", VG_PHONE_VOIP, 1);
	expect_info("+594 976 12 34 56", "+594976123456", 594, "GF", VG_PHONE_VOIP, 1);
	expect_info("+262 800 12 34 56", "+262800123456", 262, "RE", VG_PHONE_TOLL_FREE, 1);
	expect_info("0976 12 34 56", "+33976123456", 33, "FR", VG_PHONE_VOIP, 1);
	/* numbers outside the overseas plans */
	expect_invalid("0697 12 34 56", "invalid_number");      /* only 0697 27 is allocated */
	expect_invalid("+262 5 12 34 56 78", "invalid_number"); /* no region claims it */
	expect_invalid("0691 40 12 34", "invalid_number");
}

static void test_international(void **state)
{
	(void)state;
	expect_info("+44 20 7946 0958", "+442079460958", 44, "GB", VG_PHONE_FIXED, 0);
	expect_valid("0044 20 7946 0958", "+442079460958");
	expect_valid("+44 (0)20 7946 0958", "+442079460958");
	expect_valid("tel:+44-20-7946-0958", "+442079460958");
	expect_info("+44 7400 123456", "+447400123456", 44, "GB", VG_PHONE_MOBILE, 0);
	expect_info("+49 30 901820", "+4930901820", 49, "DE", VG_PHONE_FIXED, 0);
	expect_info("+1 (202) 456-1111", "+12024561111", 1, "US", VG_PHONE_FIXED_OR_MOBILE, 0);
	/* Italy keeps its leading 0, even written "(0)" */
	expect_info("+39 02 1234 5678", "+390212345678", 39, "IT", VG_PHONE_FIXED, 0);
	expect_info("+39 (0)2 1234 5678", "+390212345678", 39, "IT", VG_PHONE_FIXED, 0);
	/* the Vatican shares +39 06 698 */
	expect_info("+39 06 6982 1234", "+390669821234", 39, "VA", VG_PHONE_FIXED, 0);
	expect_info("+32 470 12 34 56", "+32470123456", 32, "BE", VG_PHONE_MOBILE, 0);
	expect_info("+41 44 668 18 00", "+41446681800", 41, "CH", VG_PHONE_FIXED, 0);
	expect_info("+212 6 12 34 56 78", "+212612345678", 212, "MA", VG_PHONE_MOBILE, 0);
	/* other French territories are the library's */
	expect_info("+687 75 12 34", "+687751234", 687, "NC", VG_PHONE_MOBILE, 0);
	expect_info("+508 41 12 34", "+508411234", 508, "PM", VG_PHONE_FIXED, 0);
	/* non-geographic codes have no region */
	expect_info("+800 1234 5678", "+80012345678", 800, "", VG_PHONE_TOLL_FREE, 0);
}

/* ------------------------------------------------------------ reasons */

static void test_reasons(void **state)
{
	(void)state;
	expect_invalid("", "empty");
	expect_invalid("   \t ", "empty");
	expect_invalid("\xC2\xA0", "empty");
	expect_invalid("tel:", "no_digits");
	expect_invalid("+", "no_digits");
	expect_invalid("-- / --", "no_digits");
	expect_invalid("()", "no_digits");
	/* letters: vanity numbers, extensions, words */
	expect_invalid("1-800-FLOWERS", "letters");
	expect_invalid("+1 800 FLOWERS", "letters");
	expect_invalid("06 12 34 56 78 ext 12", "letters");
	expect_invalid("06 12 34 56 78 x12", "letters");
	expect_invalid("inconnu", "letters");
	expect_invalid("06l2345678", "letters");
	expect_invalid("tel:tel:0612345678", "letters");
	expect_invalid("0612345678 tel:", "letters");
	expect_invalid("Tél: 0612345678", "letters");
	expect_invalid("phone:0612345678", "letters");
	/* other characters */
	expect_invalid("06 12 34 56 78;ext=12", "bad_char");
	expect_invalid("06#12345678", "bad_char");
	expect_invalid("*0612345678", "bad_char");
	expect_invalid("'0612345678", "bad_char");
	expect_invalid("06_12_34_56_78", "bad_char");
	expect_invalid("06,12,34,56,78", "bad_char");
	expect_invalid("\xEF\xBC\x90\xEF\xBC\x96"
	               "12345678",
	               "bad_char");               /* fullwidth 06 */
	expect_invalid("06\xC3\xA9", "bad_char"); /* é */
	expect_reason("06\0"
	              "12345678",
	              11, "bad_char");
	expect_invalid("06\xFF"
	               "12345678",
	               "bad_utf8");
	expect_invalid("06 12 34 56 7\xC2", "bad_utf8");
	/* a '+' anywhere but before the first digit */
	expect_invalid("++33612345678", "bad_plus");
	expect_invalid("33+612345678", "bad_plus");
	expect_invalid("0612345678+", "bad_plus");
	/* lengths */
	expect_invalid("1", "too_short");
	expect_invalid("12", "too_short");
	expect_invalid("06 12", "too_short");
	expect_invalid("06 12 34 56 7", "too_short");
	expect_invalid("+33 6 12 34 56", "too_short");
	expect_invalid("+3", "too_short");
	expect_invalid("00", "too_short");
	expect_invalid("06 12 34 56 78 9", "too_long");
	expect_invalid("+33 6 12 34 56 78 90", "too_long");
	expect_invalid("0692 12 34 56 7", "too_long");
	expect_invalid("+47 55 55 55", "bad_length");
	expect_invalid("1234567890123456789012345", "too_long"); /* over VG_PHONE_DIGITS_MAX */
	/* country codes */
	expect_invalid("+999 612345678", "unknown_country_code");
	expect_invalid("+0 612345678", "unknown_country_code");
	expect_invalid("00999 612345678", "unknown_country_code");
	/* valid lengths outside every range */
	expect_invalid("+44 20 5000 0000", "invalid_number");
	expect_invalid("+33 6 91 23 45 67", "invalid_number");
	expect_invalid("+33 0 0 12 34 56 78", "invalid_number");

	/* an input over VG_INPUT_MAX is too long, whatever it holds */
	size_t big = VG_INPUT_MAX + 1;
	char *s = malloc(big);
	assert_non_null(s);
	memset(s, ' ', big);
	memcpy(s, "0612345678", 10);
	expect_reason(s, big, "too_long");
	vg_phone p;
	assert_int_equal(vg_phone_normalize(s, VG_INPUT_MAX, &p), 0); /* the limit itself is fine */
	assert_string_equal(p.c.s, "+33612345678");
	free(s);
}

/* The two paths give the same reasons for the same inputs. */
static void test_reasons_lib(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"", "empty"},
	    {"tel:", "no_digits"},
	    {"1-800-FLOWERS", "letters"},
	    {"06#1", "bad_char"},
	    {"0+6", "bad_plus"},
	    {"12", "too_short"},
	    {"06123456789", "too_long"},
	    {"+999 1", "unknown_country_code"},
	    {"0697123456", "invalid_number"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vg_phone p;
		assert_int_equal(vg_phone_normalize_lib(cases[i][0], strlen(cases[i][0]), &p),
		                 VG_EINVAL);
		assert_non_null(p.c.reason);
		assert_string_equal(p.c.reason->code, cases[i][1]);
		assert_int_equal(p.fast_path, 0);
	}
}

/* Only s[0..n) is read: the bytes after n do not change the answer. */
static void test_slice(void **state)
{
	(void)state;
	vg_phone p;
	const char *s = "0612345678999 letters";
	assert_int_equal(vg_phone_normalize(s, 10, &p), 0);
	assert_string_equal(p.c.s, "+33612345678");
	assert_int_equal(vg_phone_normalize(s, 13, &p), VG_EINVAL);
	assert_string_equal(p.c.reason->code, "too_long");
	assert_int_equal(vg_phone_normalize("tel:x", 4, &p), VG_EINVAL);
	assert_string_equal(p.c.reason->code, "no_digits");
	assert_int_equal(vg_phone_normalize("06\xC2\xA0", 3, &p), VG_EINVAL); /* cut sequence */
	assert_string_equal(p.c.reason->code, "bad_utf8");
	assert_int_equal(vg_phone_normalize(NULL, 0, &p), VG_EINVAL);
	assert_string_equal(p.c.reason->code, "empty");
}

/* A canonical form normalizes to itself, on both paths. */
static void test_idempotent(void **state)
{
	(void)state;
	static const char *const inputs[] = {
	    "06 12 34 56 78",   "0692 12 34 56",     "0590 00 12 34",    "+44 20 7946 0958",
	    "+39 06 6982 1234", "+800 1234 5678",    "+1 202 456 1111",  "0899 12 34 56",
	    "+687 75 12 34",    "+86 138 0013 8000", "+7 912 345 67 89", "+596 976 61 23 45",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		vg_phone a, b, c;
		assert_int_equal(norm(inputs[i], &a), 0);
		assert_int_equal(vg_phone_normalize(a.c.s, a.c.len, &b), 0);
		assert_string_equal(a.c.s, b.c.s);
		assert_int_equal(vg_phone_normalize_lib(a.c.s, a.c.len, &c), 0);
		assert_string_equal(a.c.s, c.c.s);
		assert_string_equal(a.region, c.region);
		assert_int_equal(a.type, c.type);
	}
}

/* The kind dispatcher reaches this module. */
static void test_dispatch(void **state)
{
	(void)state;
	vg_canon c;
	assert_int_equal(vg_ident_normalize(VG_KIND_PHONE, "06 12 34 56 78", 14, &c), 0);
	assert_string_equal(c.s, "+33612345678");
	assert_int_equal(vg_ident_normalize(VG_KIND_PHONE, "abc", 3, &c), VG_EINVAL);
	assert_string_equal(c.reason->code, "letters");
}

/* ------------------------------------------------------------ describe */

static void test_describe(void **state)
{
	(void)state;
	json_t *o = vg_ident_describe(VG_KIND_PHONE, "0692 12 34 56", 13, VG_LANG_FR);
	assert_true(json_is_true(json_object_get(o, "valid")));
	assert_string_equal(json_string_value(json_object_get(o, "canonical")), "+262692123456");
	json_t *parts = json_object_get(o, "parts");
	assert_int_equal(json_integer_value(json_object_get(parts, "country_code")), 262);
	assert_string_equal(json_string_value(json_object_get(parts, "national_number")),
	                    "692123456");
	assert_string_equal(json_string_value(json_object_get(parts, "region")), "RE");
	assert_string_equal(json_string_value(json_object_get(parts, "type")), "mobile");
	json_t *flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 2);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "fast_path");
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "overseas");
	json_decref(o);

	o = vg_ident_describe(VG_KIND_PHONE, "+39 02 1234 5678", 16, VG_LANG_FR);
	parts = json_object_get(o, "parts");
	assert_int_equal(json_integer_value(json_object_get(parts, "country_code")), 39);
	assert_string_equal(json_string_value(json_object_get(parts, "national_number")),
	                    "0212345678");
	assert_string_equal(json_string_value(json_object_get(parts, "region")), "IT");
	assert_string_equal(json_string_value(json_object_get(parts, "type")), "fixed");
	assert_int_equal(json_array_size(json_object_get(o, "flags")), 0);
	json_decref(o);

	o = vg_ident_describe(VG_KIND_PHONE, "+800 1234 5678", 14, VG_LANG_FR);
	parts = json_object_get(o, "parts");
	assert_true(json_is_null(json_object_get(parts, "region")));
	flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 1);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "non_geographic");
	json_decref(o);

	o = vg_ident_describe(VG_KIND_PHONE, "0697 12 34 56", 13, VG_LANG_EN);
	assert_true(json_is_false(json_object_get(o, "valid")));
	json_t *r = json_object_get(o, "reason");
	assert_string_equal(json_string_value(json_object_get(r, "code")), "invalid_number");
	assert_non_null(strstr(json_string_value(json_object_get(r, "message")), "invalid"));
	json_decref(o);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(vg_phone_type_name(VG_PHONE_MOBILE), "mobile");
	assert_string_equal(vg_phone_type_name(VG_PHONE_FIXED), "fixed");
	assert_string_equal(vg_phone_type_name(VG_PHONE_FIXED_OR_MOBILE), "fixed_or_mobile");
	assert_string_equal(vg_phone_type_name(VG_PHONE_TOLL_FREE), "toll_free");
	assert_string_equal(vg_phone_type_name(VG_PHONE_PREMIUM), "premium");
	assert_string_equal(vg_phone_type_name(VG_PHONE_SHARED_COST), "shared_cost");
	assert_string_equal(vg_phone_type_name(VG_PHONE_VOIP), "voip");
	assert_string_equal(vg_phone_type_name(VG_PHONE_UAN), "uan");
	assert_string_equal(vg_phone_type_name(VG_PHONE_VOICEMAIL), "voicemail");
	assert_string_equal(vg_phone_type_name(VG_PHONE_UNKNOWN), "unknown");
	assert_string_equal(vg_phone_type_name((vg_phone_type)99), "unknown");
}

/* -------------------------------------------------- differential tests */

/* Counts of the differential tests. */
typedef struct diff_stats {
	unsigned long total, fast, fast_valid, fast_invalid, lib_valid;
} diff_stats;

/* Compares both paths on s; fails with the input on any difference. */
static void compare(const char *s, size_t n, diff_stats *st)
{
	vg_phone a, b;
	int ra = vg_phone_normalize(s, n, &a);
	int rb = vg_phone_normalize_lib(s, n, &b);
	st->total++;
	if (a.fast_path) {
		st->fast++;
		if (ra == 0)
			st->fast_valid++;
		else
			st->fast_invalid++;
	} else if (ra == 0) {
		st->lib_valid++;
	}
	if (ra != rb || a.c.reason != b.c.reason || a.c.len != b.c.len ||
	    strcmp(a.c.s, b.c.s) != 0 || a.country != b.country ||
	    strcmp(a.region, b.region) != 0 || a.type != b.type)
		fail_msg("'%.*s': fast path %d '%s' %u %s %s %s, library %d '%s' %u %s %s %s",
		         (int)n, s, ra, a.c.s, a.country, a.region, vg_phone_type_name(a.type),
		         a.c.reason ? a.c.reason->code : "-", rb, b.c.s, b.country, b.region,
		         vg_phone_type_name(b.type), b.c.reason ? b.c.reason->code : "-");
}

static uint64_t rng_state;

/* xorshift64*: deterministic for a given seed. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* A random integer in [0, n). */
static unsigned below(unsigned n)
{
	return (unsigned)((rnd() >> 32) % n);
}

/* Appends s to buf at *len. */
static void put(char *buf, size_t *len, const char *s)
{
	size_t k = strlen(s);
	memcpy(buf + *len, s, k);
	*len += k;
}

/* Appends digits d[0..n) to buf, in groups, with one random separator. */
static void put_digits(char *buf, size_t *len, const char *d, size_t n)
{
	static const char *const seps[] = {"",  " ", ".", "-", "/", "\xC2\xA0", "\xE2\x80\xAF",
	                                   "  "};
	const char *sep = seps[below(sizeof(seps) / sizeof(seps[0]))];
	/* odd lengths start with a single digit ("6 12 34 56 78"), or in 3s */
	size_t first = n % 2 ? 1 : 2;
	if (below(4) == 0)
		first = 3;
	for (size_t i = 0; i < n; i++) {
		if (i && (i == first || (i > first && (i - first) % 2 == 0)))
			put(buf, len, sep);
		buf[(*len)++] = d[i];
	}
}

/*
 * Writes the number with calling code cc and national significant digits
 * nsn[0..n) into buf in a random format; returns its length.
 */
static size_t format_number(char *buf, const char *cc, const char *nsn, size_t n)
{
	size_t len = 0;
	static const char *const tels[] = {"tel:", "TEL:", "Tel:", "tEL:"};
	switch (below(11)) {
	case 0: /* national */
	case 1:
		if (below(2)) {
			put(buf, &len, "0");
			put_digits(buf, &len, nsn, n);
		} else { /* "(06) 12 34 56 78" */
			put(buf, &len, "(0");
			buf[len++] = nsn[0];
			put(buf, &len, ") ");
			put_digits(buf, &len, nsn + 1, n - 1);
		}
		break;
	case 2: /* national without its 0 */
		put_digits(buf, &len, nsn, n);
		break;
	case 3: /* +CC */
		put(buf, &len, "+");
		put(buf, &len, cc);
		put(buf, &len, below(2) ? " " : "");
		put_digits(buf, &len, nsn, n);
		break;
	case 4: /* 00CC */
		put(buf, &len, below(2) ? "00" : "00 ");
		put(buf, &len, cc);
		put(buf, &len, " ");
		put_digits(buf, &len, nsn, n);
		break;
	case 5: /* +CC (0) */
		put(buf, &len, "+");
		put(buf, &len, cc);
		put(buf, &len, below(2) ? " (0)" : "(0) ");
		put_digits(buf, &len, nsn, n);
		break;
	case 6: /* tel:+CC-... */
		put(buf, &len, tels[below(4)]);
		put(buf, &len, "+");
		put(buf, &len, cc);
		put(buf, &len, "-");
		for (size_t i = 0; i < n; i++) {
			if (i && i % 2 == 1)
				buf[len++] = '-';
			buf[len++] = nsn[i];
		}
		break;
	case 7: /* tel: national */
		put(buf, &len, tels[below(4)]);
		put(buf, &len, "0");
		put_digits(buf, &len, nsn, n);
		break;
	case 8: /* +CC 0 */
		put(buf, &len, "+");
		put(buf, &len, cc);
		put(buf, &len, " 0");
		put_digits(buf, &len, nsn, n);
		break;
	case 9: /* (+CC) */
		put(buf, &len, "(+");
		put(buf, &len, cc);
		put(buf, &len, ") ");
		put_digits(buf, &len, nsn, n);
		break;
	default: /* 00CC (0) */
		put(buf, &len, "00");
		put(buf, &len, cc);
		put(buf, &len, " (0)");
		put_digits(buf, &len, nsn, n);
		break;
	}
	if (below(8) == 0)
		put(buf, &len, " ");
	buf[len] = '\0';
	return len;
}

static const char *const french_codes[] = {"33", "262", "590", "594", "596"};

/* Seeds the generator from VG_PHONE_DIFF_SEED, or a fixed value. */
static void seed_rng(void)
{
	const char *e = getenv("VG_PHONE_DIFF_SEED");
	rng_state = e ? strtoull(e, NULL, 10) : 0;
	if (!rng_state)
		rng_state = 0x9E3779B97F4A7C15ULL;
}

/* Every 5-digit prefix of every French calling code, international forms,
 * random last 4 digits: the fast path's rules are all checked. */
static void test_prefix_sweep(void **state)
{
	(void)state;
	const char *e = getenv("VG_PHONE_SWEEP_K");
	unsigned long reps = e ? strtoul(e, NULL, 10) : 1;
	diff_stats st = {0};
	char nsn[9], buf[128];
	seed_rng();
	for (size_t c = 0; c < 5; c++) {
		for (unsigned long q = 0; q < 100000 * reps; q++) {
			unsigned p = (unsigned)(q % 100000);
			unsigned x = p;
			for (int i = 4; i >= 0; i--, x /= 10)
				nsn[i] = (char)('0' + x % 10);
			for (int i = 5; i < 9; i++)
				nsn[i] = (char)('0' + below(10));
			/* forms that keep the calling code: +CC, 00CC, +CC (0) */
			size_t len = 0;
			switch (below(3)) {
			case 0:
				put(buf, &len, "+");
				break;
			case 1:
				put(buf, &len, "00");
				break;
			default:
				put(buf, &len, "tel:+");
				break;
			}
			put(buf, &len, french_codes[c]);
			if (below(4) == 0)
				put(buf, &len, " (0)");
			put_digits(buf, &len, nsn, 9);
			compare(buf, len, &st);
		}
	}
	printf("prefix sweep: %lu numbers, %lu by the fast path (%lu valid, %lu invalid)\n",
	       st.total, st.fast, st.fast_valid, st.fast_invalid);
	/* every number with a nonzero first digit is the fast path's */
	assert_int_equal(st.fast, 5 * 90000 * reps);
	assert_true(st.fast_valid > 50000 && st.fast_invalid > 200000);
}

/* Random French and overseas numbers in random formats, some with a wrong
 * number of digits or a leading 0 (which the fast path leaves to the
 * library). */
static void test_differential(void **state)
{
	(void)state;
	static const char *const prefixes[] = {
	    "262", "263", "269", "639", "692", "693", "590", "690", "691", "594", "694",
	    "596", "696", "697", "976", "800", "806", "810", "836", "890", "899", "700",
	};
	const char *e = getenv("VG_PHONE_DIFF_N");
	unsigned long count = e ? strtoul(e, NULL, 10) : 500000;
	diff_stats st = {0};
	char nsn[12], buf[128];
	seed_rng();
	for (unsigned long k = 0; k < count; k++) {
		/* 9 digits: fully random (first 1-9), or an interesting prefix */
		size_t i = 0;
		if (below(2)) {
			nsn[i++] = (char)('1' + below(9));
		} else {
			const char *p = prefixes[below(sizeof(prefixes) / sizeof(prefixes[0]))];
			memcpy(nsn, p, 3);
			i = 3;
		}
		for (; i < 11; i++)
			nsn[i] = (char)('0' + below(10));
		size_t n = 9;
		unsigned r = below(20);
		if (r == 0)
			n = 8; /* too short */
		else if (r == 1)
			n = 10; /* too long */
		else if (r == 2)
			nsn[0] = '0'; /* a 0 too many */
		else if (r == 3)
			n = 1 + below(11);
		/* calling code: France half of the time */
		const char *cc = below(2) ? "33" : french_codes[1 + below(4)];
		size_t len = format_number(buf, cc, nsn, n);
		compare(buf, len, &st);
	}
	printf("differential: %lu numbers, %lu by the fast path (%lu valid, %lu invalid), "
	       "%lu valid by the library\n",
	       st.total, st.fast, st.fast_valid, st.fast_invalid, st.lib_valid);
	if (count >= 10000) {
		assert_true(st.fast > count / 2);
		assert_true(st.fast_valid > count / 10 && st.fast_invalid > count / 10);
		assert_true(st.total - st.fast > count / 20);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_french_forms), cmocka_unit_test(test_metropolitan),
	    cmocka_unit_test(test_overseas),     cmocka_unit_test(test_international),
	    cmocka_unit_test(test_reasons),      cmocka_unit_test(test_reasons_lib),
	    cmocka_unit_test(test_slice),        cmocka_unit_test(test_idempotent),
	    cmocka_unit_test(test_dispatch),     cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_type_names),   cmocka_unit_test(test_prefix_sweep),
	    cmocka_unit_test(test_differential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
