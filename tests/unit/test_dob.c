/*
 * test_dob.c: the date-of-birth normalizer: every accepted layout, the
 * century rule, the eight-digit choice, times, every reason, the calendar
 * edges, inputs without a NUL, idempotence, and the JSON view. Every input is
 * copied into a heap buffer of its exact length, so a read past the end is
 * caught by the sanitizers.
 */
#include "vigie/dob.h"
#include "ident/slow.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Normalizes in[0..n) from an exact-size heap copy (no NUL after it). */
static int norm_n(const char *in, size_t n, vg_dob *d)
{
	char *buf = malloc(n ? n : 1);
	assert_non_null(buf);
	memcpy(buf, in, n);
	int rc = vg_dob_normalize(buf, n, d);
	free(buf);
	return rc;
}

static int norm(const char *in, vg_dob *d)
{
	return norm_n(in, strlen(in), d);
}

/* Asserts in is valid, with canonical form canon, layout fmt and flags. */
static void expect_valid(const char *in, const char *canon, const char *fmt, unsigned flags)
{
	vg_dob d;
	if (norm(in, &d) != 0)
		fail_msg("'%s': expected valid '%s', got reason %s", in, canon,
		         d.c.reason ? d.c.reason->code : "(none)");
	if (strcmp(d.c.s, canon) != 0)
		fail_msg("'%s': expected '%s', got '%s'", in, canon, d.c.s);
	assert_int_equal(d.c.len, 10);
	assert_null(d.c.reason);
	if (fmt && strcmp(d.format, fmt) != 0)
		fail_msg("'%s': expected format '%s', got '%s'", in, fmt, d.format);
	if (d.flags != flags)
		fail_msg("'%s': expected flags %u, got %u", in, flags, d.flags);
	char again[11];
	snprintf(again, sizeof(again), "%04d-%02d-%02d", d.year, d.month, d.day);
	assert_string_equal(again, canon);
	/* idempotence */
	vg_dob d2;
	assert_int_equal(norm(d.c.s, &d2), 0);
	assert_string_equal(d2.c.s, d.c.s);
	assert_string_equal(d2.format, "YYYY-MM-DD");
	assert_int_equal(d2.flags, 0);
}

/* Asserts in[0..n) is invalid with reason code. */
static void expect_invalid_n(const char *in, size_t n, const char *code)
{
	vg_dob d;
	if (norm_n(in, n, &d) != VG_EINVAL)
		fail_msg("'%.*s': expected invalid (%s), got '%s'", (int)n, in, code, d.c.s);
	assert_non_null(d.c.reason);
	if (strcmp(d.c.reason->code, code) != 0)
		fail_msg("'%.*s': expected reason %s, got %s", (int)n, in, code, d.c.reason->code);
	assert_int_equal(d.c.len, 0);
	assert_string_equal(d.c.s, "");
	assert_int_equal(d.year, 0);
	assert_int_equal(d.flags, 0);
	assert_null(d.format);
}

static void expect_invalid(const char *in, const char *code)
{
	expect_invalid_n(in, strlen(in), code);
}

static void test_layouts(void **state)
{
	(void)state;
	expect_valid("05/03/1984", "1984-03-05", "DD/MM/YYYY", 0);
	expect_valid("5/3/1984", "1984-03-05", "DD/MM/YYYY", 0);
	expect_valid("05-03-1984", "1984-03-05", "DD-MM-YYYY", 0);
	expect_valid("05.03.1984", "1984-03-05", "DD.MM.YYYY", 0);
	expect_valid("05 03 1984", "1984-03-05", "DD MM YYYY", 0);
	expect_valid("05 / 03 / 1984", "1984-03-05", "DD/MM/YYYY", 0);
	expect_valid("  05/03/1984\t\r\n", "1984-03-05", "DD/MM/YYYY", 0);
	expect_valid("\xC2\xA0"
	             "05/03/1984\xC2\xA0",
	             "1984-03-05", "DD/MM/YYYY", 0);
	expect_valid("1984-03-05", "1984-03-05", "YYYY-MM-DD", 0);
	expect_valid("1984-3-5", "1984-03-05", "YYYY-MM-DD", 0);
	expect_valid("1984/03/05", "1984-03-05", "YYYY/MM/DD", 0);
	expect_valid("1984.03.05", "1984-03-05", "YYYY.MM.DD", 0);
	expect_valid("1984 03 05", "1984-03-05", "YYYY MM DD", 0);
	expect_valid("05031984", "1984-03-05", "DDMMYYYY", 0);
	expect_valid("19840305", "1984-03-05", "YYYYMMDD", 0);
	expect_valid("31121999", "1999-12-31", "DDMMYYYY", 0);
	expect_valid("19991231", "1999-12-31", "YYYYMMDD", 0);
	expect_valid("01012000", "2000-01-01", "DDMMYYYY", 0);
	expect_valid("20000101", "2000-01-01", "YYYYMMDD", 0);
	expect_valid("12122012", "2012-12-12", "DDMMYYYY", 0);
	/* month names, French and English, any case, with or without accents */
	expect_valid("5 mars 1984", "1984-03-05", "DD MON YYYY", 0);
	expect_valid("1er janvier 1990", "1990-01-01", "DD MON YYYY", 0);
	expect_valid("12 février 1970", "1970-02-12", "DD MON YYYY", 0);
	expect_valid("12 FÉVRIER 1970", "1970-02-12", "DD MON YYYY", 0);
	expect_valid("12 fevrier 1970", "1970-02-12", "DD MON YYYY", 0);
	expect_valid("15 août 1966", "1966-08-15", "DD MON YYYY", 0);
	expect_valid("3 déc. 1950", "1950-12-03", "DD MON YYYY", 0);
	expect_valid("3 janv. 1950", "1950-01-03", "DD MON YYYY", 0);
	expect_valid("05-MAR-84", "1984-03-05", "DD-MON-YY", VG_DOB_CENTURY_GUESSED);
	expect_valid("05-Sep-1984", "1984-09-05", "DD-MON-YYYY", 0);
	expect_valid("05MAY1984", "1984-05-05", "DDMONYYYY", 0);
	expect_valid("31 December 1999", "1999-12-31", "DD MON YYYY", 0);
}

static void test_century(void **state)
{
	(void)state;
	char in[16], want[16];
	const unsigned g = VG_DOB_CENTURY_GUESSED;
	const int pivot = VG_DOB_REF_YEAR % 100;
	expect_valid("05-03-84", "1984-03-05", "DD-MM-YY", g);
	expect_valid("5/3/84", "1984-03-05", "DD/MM/YY", g);
	expect_valid("05.03.00", "2000-03-05", "DD.MM.YY", g);
	expect_valid("05 03 99", "1999-03-05", "DD MM YY", g);
	/* the pivot itself is this century, the next two-digit year the last */
	snprintf(in, sizeof(in), "01/01/%02d", pivot);
	snprintf(want, sizeof(want), "%d-01-01", 2000 + pivot);
	expect_valid(in, want, "DD/MM/YY", g);
	snprintf(in, sizeof(in), "01/01/%02d", pivot + 1);
	snprintf(want, sizeof(want), "%d-01-01", 1900 + pivot + 1);
	expect_valid(in, want, "DD/MM/YY", g);
	/* the rule never gives a date in the future */
	for (int yy = 0; yy < 100; yy++) {
		vg_dob d;
		snprintf(in, sizeof(in), "31/12/%02d", yy);
		assert_int_equal(norm(in, &d), 0);
		assert_true(d.year >= 1900 && d.year <= VG_DOB_REF_YEAR);
		assert_int_equal(d.year % 100, yy);
	}
}

static void test_times(void **state)
{
	(void)state;
	const unsigned t = VG_DOB_HAD_TIME;
	expect_valid("2024-03-05T12:00:00Z", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05t12:00:00z", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05T12:00:00+01:00", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05T23:59:59-05:00", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05T00:30:00+0530", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05T12:00:00+01", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05T12:00:00.123Z", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05T12:00:00,5", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05T12:00:00.123456789+02:00", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05T12:00", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05 12:00:00", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05 12:00:00 +0100", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05 12:00:00 UTC", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("2024-03-05T23:59:60Z", "2024-03-05", "YYYY-MM-DD", t);
	expect_valid("05/03/1984 00:00:00", "1984-03-05", "DD/MM/YYYY", t);
	expect_valid("5/3/1984 0:00", "1984-03-05", "DD/MM/YYYY", t);
	expect_valid("19840305T120000Z", "1984-03-05", "YYYYMMDD", t);
	expect_valid("19840305T1200", "1984-03-05", "YYYYMMDD", t);
	expect_valid("05/03/84 12:00", "1984-03-05", "DD/MM/YY", t | VG_DOB_CENTURY_GUESSED);
}

static void test_reasons(void **state)
{
	(void)state;
	expect_invalid("", "empty");
	expect_invalid(" \t ", "empty");
	expect_invalid("1984", "bad_format");
	expect_invalid("03/1984", "bad_format");
	expect_invalid("050384", "bad_format"); /* six digits: ambiguous */
	expect_invalid("5031984", "bad_format");
	expect_invalid("050319840", "bad_format");
	expect_invalid("05/03/1984/", "bad_format");
	expect_invalid("05/03-1984", "bad_format");
	expect_invalid("05//03/1984", "bad_format");
	expect_invalid("005/03/1984", "bad_format");
	expect_invalid("05/003/1984", "bad_format");
	expect_invalid("05/03/984", "bad_format");
	expect_invalid("05/03/19845", "bad_format");
	expect_invalid("1984-03", "bad_format");
	expect_invalid("1984-03-005", "bad_format");
	expect_invalid("1984-03/05", "bad_format");
	expect_invalid("05031984x", "bad_format");
	expect_invalid("né le 05/03/1984", "bad_format");
	expect_invalid("March 5, 1984", "bad_format");
	expect_invalid("-05/03/1984", "bad_format");
	expect_invalid("1984-03-05Z", "bad_format");
	expect_invalid("05/03/1984T12:00", "bad_format"); /* 'T' only after a year-first date */
	expect_invalid("05031984T1200", "bad_format");
	expect_invalid("31/02/1984", "bad_day");
	expect_invalid("30/02/2000", "bad_day");
	expect_invalid("29/02/1900", "bad_day"); /* not leap: divisible by 100 */
	expect_invalid("29/02/2001", "bad_day");
	expect_invalid("31/04/1984", "bad_day");
	expect_invalid("00/01/1984", "bad_day");
	expect_invalid("32/01/1984", "bad_day");
	expect_invalid("1984-02-30", "bad_day");
	expect_invalid("30021984", "bad_day");
	expect_invalid("19840230", "bad_day");
	expect_invalid("01/13/1984", "bad_month");
	expect_invalid("01/00/1984", "bad_month");
	expect_invalid("1984-13-01", "bad_month");
	expect_invalid("19841301", "bad_month");
	expect_invalid("01131984", "bad_month");
	expect_invalid("5 foo 1984", "bad_month");
	expect_invalid("5 marsx 1984", "bad_month");
	expect_invalid("31/12/1899", "too_early");
	expect_invalid("1850-06-01", "too_early");
	expect_invalid("01011850", "too_early");
	expect_invalid("2024-03-05T25:00:00Z", "bad_time");
	expect_invalid("2024-03-05T12:60", "bad_time");
	expect_invalid("2024-03-05T12:00:61", "bad_time");
	expect_invalid("2024-03-05T", "bad_time");
	expect_invalid("2024-03-05T12", "bad_time");
	expect_invalid("2024-03-05T12:0", "bad_time");
	expect_invalid("2024-03-05T12:00:00.", "bad_time");
	expect_invalid("2024-03-05T12:00:00+1", "bad_time");
	expect_invalid("2024-03-05T12:00:00+25:00", "bad_time");
	expect_invalid("2024-03-05T12:00:00Zjunk", "bad_time");
	expect_invalid("05/03/1984 12h30", "bad_time");
	expect_invalid("05/03/1984 environ", "bad_time");
	expect_invalid("05/03/19\xFF", "bad_utf8");
	expect_invalid_n("05/03/1984\0", 11, "bad_format");
	/* the date is checked before the time */
	expect_invalid("2024-02-30T25:00", "bad_day");
}

static void test_range(void **state)
{
	(void)state;
	char in[32], want[16];
	expect_valid("01/01/1900", "1900-01-01", "DD/MM/YYYY", 0);
	expect_invalid("31/12/1899", "too_early");
	snprintf(in, sizeof(in), "31/12/%d", VG_DOB_REF_YEAR);
	snprintf(want, sizeof(want), "%d-12-31", VG_DOB_REF_YEAR);
	expect_valid(in, want, "DD/MM/YYYY", 0);
	snprintf(in, sizeof(in), "01/01/%d", VG_DOB_REF_YEAR + 1);
	expect_invalid(in, "in_future");
	snprintf(in, sizeof(in), "%d-01-01T00:00:00Z", VG_DOB_REF_YEAR + 1);
	expect_invalid(in, "in_future");
	expect_invalid("01/01/9999", "in_future");
	/* leap days */
	expect_valid("29/02/2000", "2000-02-29", "DD/MM/YYYY", 0);
	expect_valid("29/02/1904", "1904-02-29", "DD/MM/YYYY", 0);
	expect_valid("29021984", "1984-02-29", "DDMMYYYY", 0);
	/* every day of a non-leap and a leap year, in two layouts */
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	for (int y = 1999; y <= 2000; y++) {
		for (int m = 1; m <= 12; m++) {
			int last = mdays[m - 1] + (m == 2 && y == 2000);
			for (int d = 1; d <= last + 1; d++) {
				vg_dob v;
				snprintf(in, sizeof(in), "%d/%d/%d", d, m, y);
				int rc = norm(in, &v);
				assert_int_equal(rc, d <= last ? 0 : VG_EINVAL);
				snprintf(in, sizeof(in), "%04d%02d%02d", y, m, d);
				assert_int_equal(norm(in, &v), d <= last ? 0 : VG_EINVAL);
			}
		}
	}
}

static void test_not_nul_terminated(void **state)
{
	(void)state;
	vg_dob d;
	const char buf[] = {'0', '5', '/', '0', '3', '/', '1', '9', '8', '4', '7', '7'};
	assert_int_equal(vg_dob_normalize(buf, 10, &d), 0);
	assert_string_equal(d.c.s, "1984-03-05");
	assert_int_equal(vg_dob_normalize(buf, 8, &d), 0); /* 05/03/19 */
	assert_string_equal(d.c.s, "2019-03-05");
	assert_int_equal(vg_dob_normalize(buf, sizeof(buf), &d), VG_EINVAL);
	assert_string_equal(d.c.reason->code, "bad_format");
	const char t[] = {'2', '0', '2', '4', '-', '0', '3', '-',
	                  '0', '5', 'T', '1', '2', ':', '0', '0'};
	assert_int_equal(vg_dob_normalize(t, 11, &d), VG_EINVAL);
	assert_string_equal(d.c.reason->code, "bad_time");
	assert_int_equal(vg_dob_normalize(t, 15, &d), VG_EINVAL);
	assert_int_equal(vg_dob_normalize(t, sizeof(t), &d), 0);
	const char m[] = {'1', ' ', 'a', 'o', '\xC3', '\xBB', 't', ' ', '2', '0', '0', '0'};
	assert_int_equal(vg_dob_normalize(m, 5, &d), VG_EINVAL);
	assert_string_equal(d.c.reason->code, "bad_utf8");
	assert_int_equal(vg_dob_normalize(m, sizeof(m), &d), 0);
	assert_string_equal(d.c.s, "2000-08-01");
	assert_int_equal(vg_dob_normalize(NULL, 0, &d), VG_EINVAL);
	assert_string_equal(d.c.reason->code, "empty");
}

static void test_lengths(void **state)
{
	(void)state;
	static char big[VG_INPUT_MAX + 1];
	memset(big, ' ', sizeof(big));
	memcpy(big + 100, "05/03/1984", 10);
	vg_dob d;
	assert_int_equal(vg_dob_normalize(big, VG_INPUT_MAX, &d), 0);
	assert_string_equal(d.c.s, "1984-03-05");
	expect_invalid_n(big, VG_INPUT_MAX + 1, "too_long");
	/* a very long digit run or word does not overflow anything */
	memset(big, '1', VG_INPUT_MAX);
	expect_invalid_n(big, VG_INPUT_MAX, "bad_format");
	memset(big, 'a', VG_INPUT_MAX);
	big[0] = '1';
	big[1] = ' ';
	expect_invalid_n(big, VG_INPUT_MAX, "bad_format");
}

static void test_describe(void **state)
{
	(void)state;
	vg_dob d;
	assert_int_equal(norm("05-03-84 12:00", &d), 0);
	json_t *o = json_object();
	vg_dob_describe(&d, o);
	json_t *parts = json_object_get(o, "parts");
	assert_int_equal(json_integer_value(json_object_get(parts, "year")), 1984);
	assert_int_equal(json_integer_value(json_object_get(parts, "month")), 3);
	assert_int_equal(json_integer_value(json_object_get(parts, "day")), 5);
	assert_string_equal(json_string_value(json_object_get(parts, "format")), "DD-MM-YY");
	json_t *flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 2);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "century_guessed");
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "had_time");
	json_decref(o);

	o = vg_ident_describe(VG_KIND_DOB, "31/02/1984", 10, VG_LANG_EN);
	json_t *r = json_object_get(o, "reason");
	assert_string_equal(json_string_value(json_object_get(r, "code")), "bad_day");
	assert_string_equal(json_string_value(json_object_get(r, "message")),
	                    "impossible day for this month");
	json_decref(o);
}

/* Compares the whole result of vg_dob_normalize() (fast path first) with
 * the general path's, from exact-size heap copies. */
static void dob_same_as_slow(const char *in, size_t n)
{
	char *s = malloc(n ? n : 1);
	memcpy(s, in, n);
	vg_dob a, b;
	memset(&a, 0x55, sizeof(a));
	memset(&b, 0xAA, sizeof(b));
	int ra = vg_dob_normalize(s, n, &a);
	int rb = vgi_dob_normalize_slow(s, n, &b);
	assert_int_equal(ra, rb);
	assert_ptr_equal(a.c.reason, b.c.reason);
	if (ra == 0) {
		assert_int_equal(a.c.len, b.c.len);
		assert_memory_equal(a.c.s, b.c.s, a.c.len + 1);
	}
	assert_int_equal(a.year, b.year);
	assert_int_equal(a.month, b.month);
	assert_int_equal(a.day, b.day);
	assert_int_equal(a.flags, b.flags);
	assert_ptr_equal(a.format, b.format);
	free(s);
}

/* The fast path ("DD/MM/YYYY", "YYYY-MM-DD") gives exactly what the
 * general path gives: on every day of 1890..2030 written both ways, on
 * impossible values, and on random ten-byte strings over the characters
 * that decide between the paths. */
static void test_fast_path(void **state)
{
	(void)state;
	char buf[16];
	for (int y = 1890; y <= 2030; y++)
		for (int m = 0; m <= 13; m++)
			for (int d = 0; d <= 32; d++) {
				snprintf(buf, sizeof(buf), "%02d/%02d/%04d", d, m, y);
				dob_same_as_slow(buf, 10);
				snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
				dob_same_as_slow(buf, 10);
			}
	static const char alpha[] = "0123456789/-. T:x\xc3";
	uint64_t x = 88172645463325252ull;
	for (int it = 0; it < 300000; it++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t n = 8 + (size_t)(x % 5); /* 8 to 12 bytes */
		uint64_t r = x;
		for (size_t k = 0; k < n; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[k] = (char)(x % 4 ? '0' + (char)(x / 4 % 10) : alpha[x / 4 % (sizeof(alpha) - 1)]);
		}
		/* most of them shaped like the two layouts */
		if (r % 3 == 0) {
			buf[2] = buf[5] = '/';
		} else if (r % 3 == 1) {
			buf[4] = buf[7] = '-';
		}
		dob_same_as_slow(buf, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layouts), cmocka_unit_test(test_century),
	    cmocka_unit_test(test_times),   cmocka_unit_test(test_reasons),
	    cmocka_unit_test(test_range),   cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_lengths), cmocka_unit_test(test_describe), cmocka_unit_test(test_fast_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
