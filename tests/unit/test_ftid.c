/*
 * test_ftid.c: the France Travail identifier normalizer: valid shapes and
 * separators, every reason, the length boundaries, inputs without a NUL,
 * idempotence, and the JSON view. Every input is copied into a heap buffer of
 * its exact length, so a read past the end is caught by the sanitizers.
 */
#include "vigie/ftid.h"
#include "ident/ftid_slow.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Normalizes in[0..n) from an exact-size heap copy (no NUL after it). */
static int norm_n(const char *in, size_t n, vg_ftid *v)
{
	char *buf = malloc(n ? n : 1);
	assert_non_null(buf);
	memcpy(buf, in, n);
	int rc = vg_ftid_normalize(buf, n, v);
	free(buf);
	return rc;
}

static int norm(const char *in, vg_ftid *v)
{
	return norm_n(in, strlen(in), v);
}

/* Asserts in is valid with canonical form canon and flags. */
static void expect_valid(const char *in, const char *canon, unsigned flags)
{
	vg_ftid v;
	if (norm(in, &v) != 0)
		fail_msg("'%s': expected valid '%s', got reason %s", in, canon,
		         v.c.reason ? v.c.reason->code : "(none)");
	if (strcmp(v.c.s, canon) != 0)
		fail_msg("'%s': expected '%s', got '%s'", in, canon, v.c.s);
	assert_int_equal(v.c.len, strlen(canon));
	assert_null(v.c.reason);
	if (v.flags != flags)
		fail_msg("'%s': expected flags %u, got %u", in, flags, v.flags);
	size_t letters = (canon[v.c.len - 1] >= 'A');
	assert_int_equal(v.digits, v.c.len - letters);
	/* idempotence; the canonical form has no separators left */
	vg_ftid again;
	assert_int_equal(norm(v.c.s, &again), 0);
	assert_string_equal(again.c.s, v.c.s);
	assert_int_equal(again.flags, v.flags & ~(unsigned)VG_FTID_SEPARATED);
}

/* Asserts in[0..n) is invalid with reason code. */
static void expect_invalid_n(const char *in, size_t n, const char *code)
{
	vg_ftid v;
	if (norm_n(in, n, &v) != VG_EINVAL)
		fail_msg("'%.*s': expected invalid (%s), got '%s'", (int)n, in, code, v.c.s);
	assert_non_null(v.c.reason);
	if (strcmp(v.c.reason->code, code) != 0)
		fail_msg("'%.*s': expected reason %s, got %s", (int)n, in, code, v.c.reason->code);
	assert_int_equal(v.c.len, 0);
	assert_string_equal(v.c.s, "");
	assert_int_equal(v.flags, 0);
	assert_int_equal(v.digits, 0);
}

static void expect_invalid(const char *in, const char *code)
{
	expect_invalid_n(in, strlen(in), code);
}

static void test_valid(void **state)
{
	(void)state;
	const unsigned L = VG_FTID_LETTER, X = VG_FTID_EXTENDED, S = VG_FTID_SEPARATED;
	/* the standard form: 7 digits and a letter or a digit */
	expect_valid("1234567A", "1234567A", L);
	expect_valid("1234567a", "1234567A", L);
	expect_valid("12345678", "12345678", 0);
	expect_valid("0000000Z", "0000000Z", L);
	/* separators and surrounding whitespace */
	expect_valid("  1234567A  ", "1234567A", L);
	expect_valid("123 4567 A", "1234567A", L | S);
	expect_valid("123.456.7-a", "1234567A", L | S);
	expect_valid("1234567/A", "1234567A", L | S);
	expect_valid("12-34-56-7a", "1234567A", L | S);
	expect_valid("1234567\tA", "1234567A", L | S);
	expect_valid("123\xC2\xA0"
	             "4567A",
	             "1234567A", L | S); /* NBSP */
	expect_valid("123\xE2\x80\xAF"
	             "4567A",
	             "1234567A", L | S); /* NNBSP */
	expect_valid("123\xE2\x80\x93"
	             "4567A",
	             "1234567A", L | S); /* en dash */
	expect_valid("123\xE2\x88\x92"
	             "4567A",
	             "1234567A", L | S); /* minus sign */
	expect_valid("123\xC2\xB7"
	             "4567A",
	             "1234567A", L | S); /* middle dot */
	expect_valid("-1234567A-", "1234567A", L);
	expect_valid("..1234567A", "1234567A", L);
	/* longer export forms */
	expect_valid("12345678A", "12345678A", L | X);
	expect_valid("123456789", "123456789", X);
	expect_valid("123456789b", "123456789B", L | X);
	expect_valid("1234567890", "1234567890", X);
	expect_valid("1234567890C", "1234567890C", L | X);
	expect_valid("123 456 789 0C", "1234567890C", L | X | S);
}

static void test_reasons(void **state)
{
	(void)state;
	expect_invalid("", "empty");
	expect_invalid("   ", "empty");
	expect_invalid(" - . / ", "empty");
	/* bad characters */
	expect_invalid("1234567_A", "bad_char");
	expect_invalid("1234567+A", "bad_char");
	expect_invalid("1234567,A", "bad_char");
	expect_invalid("1234567#", "bad_char");
	expect_invalid("12345É78", "bad_char");
	expect_invalid("１２３４５６７A", "bad_char"); /* fullwidth digits */
	expect_invalid_n("1234567\0A", 9, "bad_char");
	expect_invalid("1234567\x01"
	               "A",
	               "bad_char");
	expect_invalid("1234567A\xFF", "bad_utf8");
	expect_invalid("\xC3(1234567A", "bad_utf8");
	/* bad lengths: 8 to 11 characters */
	expect_invalid("1", "bad_length");
	expect_invalid("1234567", "bad_length");
	expect_invalid("123456A", "bad_length");
	expect_invalid("123 456 7", "bad_length");
	expect_invalid("123456789012", "bad_length");
	expect_invalid("1234567890AB", "bad_length");
	expect_invalid("ABCDEFGHIJKLMNOP", "bad_length");
	/* bad shapes: 7 to 10 digits, then at most one letter, at the end */
	expect_invalid("A1234567", "bad_shape");
	expect_invalid("123A4567", "bad_shape");
	expect_invalid("1234567AB", "bad_shape");
	expect_invalid("123456AB", "bad_shape");
	expect_invalid("ABCDEFGH", "bad_shape");
	expect_invalid("12345678901", "bad_shape"); /* 11 digits */
	expect_invalid("FT1234567", "bad_shape");
}

static void test_boundaries(void **state)
{
	(void)state;
	char buf[VG_INPUT_MAX + 1];
	/* every digit count from 0 to 12, with and without a letter */
	for (int d = 0; d <= 12; d++) {
		for (int letter = 0; letter <= 1; letter++) {
			memset(buf, '7', (size_t)d);
			if (letter)
				buf[d] = 'k';
			size_t n = (size_t)d + (size_t)letter;
			vg_ftid v;
			int rc = norm_n(buf, n, &v);
			int ok_len = n >= VG_FTID_MIN && n <= VG_FTID_MAX;
			int ok_shape = d >= 7 && d <= 10;
			if (n == 0) {
				assert_string_equal(v.c.reason->code, "empty");
			} else if (!ok_len) {
				assert_string_equal(v.c.reason->code, "bad_length");
			} else if (!ok_shape) {
				assert_string_equal(v.c.reason->code, "bad_shape");
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal(v.c.len, n);
				assert_int_equal(v.digits, (size_t)d);
				if (letter)
					assert_int_equal(v.c.s[d], 'K');
			}
		}
	}
	/* the input limit applies to the raw input, separators included */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + 2000, "1234567A", 8);
	vg_ftid v;
	assert_int_equal(norm_n(buf, VG_INPUT_MAX, &v), 0);
	assert_string_equal(v.c.s, "1234567A");
	expect_invalid_n(buf, VG_INPUT_MAX + 1, "too_long");
	/* many characters: no overflow, just the wrong length */
	memset(buf, '9', VG_INPUT_MAX);
	expect_invalid_n(buf, VG_INPUT_MAX, "bad_length");
}

static void test_not_nul_terminated(void **state)
{
	(void)state;
	vg_ftid v;
	const char buf[] = {'1', '2', '3', '4', '5', '6', '7', 'a', 'b', 'c'};
	assert_int_equal(vg_ftid_normalize(buf, 8, &v), 0);
	assert_string_equal(v.c.s, "1234567A");
	assert_int_equal(vg_ftid_normalize(buf, 7, &v), VG_EINVAL);
	assert_string_equal(v.c.reason->code, "bad_length");
	assert_int_equal(vg_ftid_normalize(buf, 9, &v), VG_EINVAL);
	assert_string_equal(v.c.reason->code, "bad_shape");
	const char nb[] = {'1', '2', '3', '4', '5', '6', '7', 'A', '\xC2', '\xA0'};
	assert_int_equal(vg_ftid_normalize(nb, 9, &v), VG_EINVAL);
	assert_string_equal(v.c.reason->code, "bad_utf8");
	assert_int_equal(vg_ftid_normalize(nb, 10, &v), 0);
	assert_int_equal(vg_ftid_normalize(NULL, 0, &v), VG_EINVAL);
	assert_string_equal(v.c.reason->code, "empty");
}

static void test_describe(void **state)
{
	(void)state;
	vg_ftid v;
	assert_int_equal(norm("123 4567 a", &v), 0);
	json_t *o = json_object();
	vg_ftid_describe(&v, o);
	json_t *parts = json_object_get(o, "parts");
	assert_string_equal(json_string_value(json_object_get(parts, "digits")), "1234567");
	assert_string_equal(json_string_value(json_object_get(parts, "letter")), "A");
	json_t *flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 2);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "letter");
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "separators");
	json_decref(o);

	assert_int_equal(norm("1234567890", &v), 0);
	o = json_object();
	vg_ftid_describe(&v, o);
	parts = json_object_get(o, "parts");
	assert_string_equal(json_string_value(json_object_get(parts, "digits")), "1234567890");
	assert_true(json_is_null(json_object_get(parts, "letter")));
	flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 1);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "extended");
	json_decref(o);

	vg_canon c;
	assert_int_equal(vg_ident_normalize(VG_KIND_ID, "1234567-z", 9, &c), 0);
	assert_string_equal(c.s, "1234567Z");
	o = vg_ident_describe(VG_KIND_ID, "123", 3, VG_LANG_EN);
	json_t *r = json_object_get(o, "reason");
	assert_string_equal(json_string_value(json_object_get(r, "code")), "bad_length");
	assert_string_equal(json_string_value(json_object_get(r, "message")),
	                    "wrong length (8 to 11 characters expected)");
	json_decref(o);
}

/* The fast path gives exactly what the general path gives, on strings made
 * of the pieces that decide between them (digits, letters, separators,
 * UTF-8, lengths 0 to 14). */
static void test_fast_path(void **state)
{
	(void)state;
	static const char *const piece[] = {"0", "1", "5", "9", "a",        "K",    "z", "Z",
	                                    "-", ".", " ", "/", "\xc3\xa9", "\xff", "@", "00"};
	const size_t np = sizeof(piece) / sizeof(piece[0]);
	char buf[64];
	uint64_t x = 0x5DEECE66Dull;
	for (int it = 0; it < 300000; it++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t len = 0, parts = x % 15;
		for (size_t k = 0; k < parts; k++) {
			/* mostly digits, so that the plain shapes come often */
			const char *p = (x >> (4 * k + 8)) % 4 ? "7" : piece[(x >> (4 * k)) % np];
			size_t pl = strlen(p);
			memcpy(buf + len, p, pl);
			len += pl;
		}
		vg_ftid a, b;
		memset(&a, 0x55, sizeof(a));
		memset(&b, 0xAA, sizeof(b));
		int ra = vg_ftid_normalize(buf, len, &a);
		int rb = vgi_ftid_normalize_slow(buf, len, &b);
		assert_int_equal(ra, rb);
		assert_ptr_equal(a.c.reason, b.c.reason);
		if (ra == 0) {
			assert_int_equal(a.c.len, b.c.len);
			assert_memory_equal(a.c.s, b.c.s, a.c.len + 1);
			assert_int_equal(a.digits, b.digits);
			assert_int_equal(a.flags, b.flags);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),      cmocka_unit_test(test_reasons),
	    cmocka_unit_test(test_boundaries), cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_fast_path),  cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
