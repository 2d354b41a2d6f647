/* test_password.c: score thresholds, crack times, feedback selection,
 * strength through libzxcvbn, SHA-1 vectors, range bodies, local ranges,
 * the wiping line reader. */
#include "vigie/password.h"

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

/* ---- Score, crack times, durations ------------------------------------- */

static void test_score_thresholds(void **state)
{
	(void)state;
	const struct {
		double guesses;
		int score;
	} cases[] = {
	    {0, 0},           {1, 0},         {1004.99, 0},   {1005, 1},
	    {1e6 + 4.9, 1},   {1e6 + 5, 2},   {1e8 + 4.9, 2}, {1e8 + 5, 3},
	    {1e10 + 4, 3},    {1e10 + 5, 4},  {1e300, 4},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(vg_password_score(cases[i].guesses), cases[i].score);
}

static void test_crack_times(void **state)
{
	(void)state;
	double t[VG_PW_SCENARIOS];
	vg_password_crack_times(1e4, t);
	assert_float_equal(t[VG_PW_ONLINE_THROTTLED], 360000.0, 1e-6);
	assert_float_equal(t[VG_PW_ONLINE], 1000.0, 1e-9);
	assert_float_equal(t[VG_PW_OFFLINE_SLOW], 1.0, 1e-12);
	assert_float_equal(t[VG_PW_OFFLINE_FAST], 1e-6, 1e-15);
	assert_string_equal(vg_password_scenario_key(VG_PW_ONLINE_THROTTLED),
	                    "online_throttling_100_per_hour");
	assert_string_equal(vg_password_scenario_key(VG_PW_OFFLINE_FAST),
	                    "offline_fast_hashing_1e10_per_second");
}

static void test_durations(void **state)
{
	(void)state;
	char b[64];
	const struct {
		double s;
		const char *en, *fr;
	} cases[] = {
	    {0.2, "less than a second", "moins d'une seconde"},
	    {1, "1 second", "1 seconde"},
	    {59.4, "59 seconds", "59 secondes"},
	    {59.6, "60 seconds", "60 secondes"}, /* JS rounds within the unit */
	    {60, "1 minute", "1 minute"},
	    {7200, "2 hours", "2 heures"},
	    {86400 * 3, "3 days", "3 jours"},
	    {86400.0 * 31, "1 month", "1 mois"},
	    {86400.0 * 31 * 5, "5 months", "5 mois"},
	    {86400.0 * 31 * 12, "1 year", "1 an"},
	    {86400.0 * 31 * 12 * 40, "40 years", "40 ans"},
	    {86400.0 * 31 * 12 * 100, "centuries", "des siècles"},
	    {1e300, "centuries", "des siècles"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(vg_password_duration_text(cases[i].s, VG_LANG_EN, b, sizeof(b)),
		                    cases[i].en);
		assert_string_equal(vg_password_duration_text(cases[i].s, VG_LANG_FR, b, sizeof(b)),
		                    cases[i].fr);
	}
}

/* ---- Feedback selection ------------------------------------------------- */

static vg_pw_match part(vg_pw_pattern p, unsigned len, double bits)
{
	vg_pw_match m;
	memset(&m, 0, sizeof(m));
	m.pattern = p;
	m.len = len;
	m.log2_guesses = bits;
	m.rank = 1;
	return m;
}

static const char *warning(const vg_pw_feedback *f)
{
	return f->warning ? f->warning->code : "-";
}

/* The suggestion codes joined by commas. */
static const char *suggestions(const vg_pw_feedback *f)
{
	static char b[256];
	b[0] = 0;
	for (size_t i = 0; i < f->nsuggestions; i++) {
		if (i)
			strcat(b, ",");
		strcat(b, f->suggestions[i]->code);
	}
	return b;
}

static void test_feedback_empty_and_good(void **state)
{
	(void)state;
	vg_pw_feedback f;
	vg_password_feedback(0, NULL, 0, &f);
	assert_string_equal(warning(&f), "-");
	assert_string_equal(suggestions(&f), "few_words,no_symbols_needed");

	vg_pw_match m = part(VG_PW_DICTIONARY, 8, 0);
	vg_password_feedback(3, &m, 1, &f);
	assert_string_equal(warning(&f), "-");
	assert_int_equal(f.nsuggestions, 0);
	vg_password_feedback(4, &m, 1, &f);
	assert_int_equal(f.nsuggestions, 0);
}

static void test_feedback_dictionary(void **state)
{
	(void)state;
	vg_pw_feedback f;
	vg_pw_match m = part(VG_PW_DICTIONARY, 8, 3);
	m.rank = 8;
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(warning(&f), "top10");
	assert_string_equal(suggestions(&f), "add_word");
	m.rank = 11;
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(warning(&f), "top100");
	m.rank = 100;
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(warning(&f), "top100");
	m.rank = 101;
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(warning(&f), "common");

	/* not alone: "similar" up to 10^4 guesses for the word, then nothing */
	vg_pw_match two[2] = {part(VG_PW_DICTIONARY, 8, 13.2), part(VG_PW_BRUTE, 2, 6)};
	vg_password_feedback(1, two, 2, &f);
	assert_string_equal(warning(&f), "similar");
	two[0].log2_guesses = 13.4; /* 10^4.03 */
	vg_password_feedback(1, two, 2, &f);
	assert_string_equal(warning(&f), "-");
	assert_string_equal(suggestions(&f), "add_word");

	/* l33t: never ranked, always the substitution hint */
	m = part(VG_PW_DICT_LEET, 8, 2);
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(warning(&f), "similar");
	assert_string_equal(suggestions(&f), "add_word,l33t");

	/* capitalisation */
	m = part(VG_PW_DICTIONARY, 8, 1);
	m.casing = VG_PW_CASE_START;
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(suggestions(&f), "add_word,capitalization");
	m.casing = VG_PW_CASE_ALL;
	m.pattern = VG_PW_DICT_LEET;
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(suggestions(&f), "add_word,all_uppercase,l33t");
}

static void test_feedback_patterns(void **state)
{
	(void)state;
	vg_pw_feedback f;
	vg_pw_match m = part(VG_PW_SPATIAL, 6, 10);
	m.straight = true;
	vg_password_feedback(1, &m, 1, &f);
	assert_string_equal(warning(&f), "straight_row");
	assert_string_equal(suggestions(&f), "add_word,longer_keyboard_pattern");
	m.straight = false;
	vg_password_feedback(1, &m, 1, &f);
	assert_string_equal(warning(&f), "keyboard_pattern");

	m = part(VG_PW_REPEAT, 6, 5);
	m.base_len = 1;
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(warning(&f), "repeated_character");
	assert_string_equal(suggestions(&f), "add_word,avoid_repeats");
	/* a repeated word or chunk is a repeat, whatever its unit */
	m = part(VG_PW_DICTIONARY, 8, 2);
	m.repeated = true;
	m.base_len = 4;
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(warning(&f), "repeated_pattern");

	m = part(VG_PW_SEQUENCE, 5, 4);
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(warning(&f), "sequence");
	assert_string_equal(suggestions(&f), "add_word,avoid_sequences");

	m = part(VG_PW_YEAR, 4, 7);
	vg_password_feedback(0, &m, 1, &f);
	assert_string_equal(warning(&f), "recent_year");
	assert_string_equal(suggestions(&f), "add_word,avoid_recent_years,avoid_your_years");

	m = part(VG_PW_DATE, 8, 15);
	vg_password_feedback(1, &m, 1, &f);
	assert_string_equal(warning(&f), "date");
	assert_string_equal(suggestions(&f), "add_word,avoid_your_dates");

	m = part(VG_PW_BRUTE, 8, 30);
	vg_password_feedback(2, &m, 1, &f);
	assert_string_equal(warning(&f), "-");
	assert_string_equal(suggestions(&f), "add_word");
}

static void test_feedback_longest(void **state)
{
	(void)state;
	vg_pw_feedback f;
	/* the longest part decides; the first of equal lengths wins, as in JS */
	vg_pw_match seq[3] = {part(VG_PW_YEAR, 4, 7), part(VG_PW_SEQUENCE, 5, 4),
	                      part(VG_PW_DATE, 5, 12)};
	vg_password_feedback(1, seq, 3, &f);
	assert_string_equal(warning(&f), "sequence");
	seq[2].len = 6;
	vg_password_feedback(1, seq, 3, &f);
	assert_string_equal(warning(&f), "date");
}

/* ---- Strength through libzxcvbn ---------------------------------------- */

static vg_pw_strength strength(const char *pw)
{
	vg_pw_strength s;
	vg_err err = {0};
	assert_int_equal(vg_password_strength(pw, strlen(pw), &s, &err), 0);
	assert_int_equal(s.score, vg_password_score(s.guesses));
	return s;
}

static void test_strength(void **state)
{
	(void)state;
	vg_pw_strength s = strength("password");
	assert_int_equal(s.score, 0);
	assert_string_equal(warning(&s.feedback), "top10");
	s = strength("PASSWORD");
	assert_string_equal(warning(&s.feedback), "top10");
	assert_string_equal(suggestions(&s.feedback), "add_word,all_uppercase");
	s = strength("zxcvbnm,./");
	assert_string_equal(warning(&s.feedback), "straight_row");
	s = strength("!@#$%^&*");
	assert_string_equal(warning(&s.feedback), "straight_row");
	s = strength("abcdefgh");
	assert_string_equal(warning(&s.feedback), "sequence");
	s = strength("13/05/1987");
	assert_string_equal(warning(&s.feedback), "date");
	s = strength("aaaaaaaa");
	assert_string_equal(warning(&s.feedback), "repeated_character");
	s = strength("x7#kP!2mQz9@");
	assert_int_equal(s.score, 4);
	assert_null(s.feedback.warning);
	assert_int_equal(s.feedback.nsuggestions, 0);
	assert_float_equal(s.log10_guesses, s.log2_guesses * 0.30102999566, 1e-9);

	s = strength("");
	assert_int_equal(s.score, 0);
	assert_int_equal(s.nmatches, 0);
	assert_string_equal(suggestions(&s.feedback), "few_words,no_symbols_needed");

	/* long passwords: libzxcvbn details 100 characters, sums up the rest */
	char long_pw[VG_PASSWORD_MAX + 2];
	memset(long_pw, 'x', sizeof(long_pw));
	for (size_t i = 0; i < sizeof(long_pw); i++)
		long_pw[i] = (char)('a' + (i * 7) % 26);
	vg_err err = {0};
	assert_int_equal(vg_password_strength(long_pw, VG_PASSWORD_MAX, &s, &err), 0);
	assert_int_equal(vg_password_strength(long_pw, VG_PASSWORD_MAX + 1, &s, &err), VG_ETOOBIG);
	assert_int_equal(vg_password_strength("ab\0cd", 5, &s, &err), VG_EINVAL);
	assert_null(strstr(err.msg, "ab"));
}

/* ---- SHA-1 and range bodies -------------------------------------------- */

static void sha1_hex(const char *pw, char out[41])
{
	uint8_t d[VG_SHA1_LEN];
	vg_password_sha1(pw, strlen(pw), d);
	vg_password_sha1_hex(d, out);
}

static void test_sha1_vectors(void **state)
{
	(void)state;
	char h[41];
	sha1_hex("", h);
	assert_string_equal(h, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709");
	sha1_hex("abc", h);
	assert_string_equal(h, "A9993E364706816ABA3E25717850C26C9CD0D89D");
	sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", h);
	assert_string_equal(h, "84983E441C3BD26EBAAE4AA1F95129E5E54670F1");
	sha1_hex("password", h); /* HIBP's own example */
	assert_string_equal(h, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8");
}

static uint8_t pw_sha1[VG_SHA1_LEN]; /* SHA-1 of "password" */

static int range(const char *body, uint64_t *count, vg_err *err)
{
	return vg_password_range_find(body, strlen(body), pw_sha1, count, err);
}

static void test_range_parse(void **state)
{
	(void)state;
	vg_password_sha1("password", 8, pw_sha1);
	uint64_t n = 99;
	vg_err err = {0};
	/* suffix of 5BAA6 1E4C9B93F3F0682250B6CF8331B7EE68FD8 */
	assert_int_equal(range("0018A45C4D1DEF81644B54AB7F969B88D65:10\r\n"
	                       "1E4C9B93F3F0682250B6CF8331B7EE68FD8:3861493\r\n"
	                       "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0\r\n",
	                       &n, &err),
	                 0);
	assert_int_equal(n, 3861493);
	/* LF only, lowercase hex, no final newline, blank lines */
	assert_int_equal(range("\n1e4c9b93f3f0682250b6cf8331b7ee68fd8:7", &n, &err), 0);
	assert_int_equal(n, 7);
	/* absent */
	assert_int_equal(range("0018A45C4D1DEF81644B54AB7F969B88D65:10\r\n", &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(range("", &n, &err), 0);
	assert_int_equal(n, 0);
	/* padding lines (count 0) never match, even with our suffix */
	assert_int_equal(range("1E4C9B93F3F0682250B6CF8331B7EE68FD8:0\r\n", &n, &err), 0);
	assert_int_equal(n, 0);
	/* duplicates add up */
	assert_int_equal(range("1E4C9B93F3F0682250B6CF8331B7EE68FD8:2\n"
	                       "1E4C9B93F3F0682250B6CF8331B7EE68FD8:3\n",
	                       &n, &err),
	                 0);
	assert_int_equal(n, 5);
	/* the biggest count accepted: 2^63 */
	assert_int_equal(range("1E4C9B93F3F0682250B6CF8331B7EE68FD8:9223372036854775808\n", &n,
	                       &err),
	                 0);
	assert_true(n == UINT64_C(9223372036854775808));

	static const char *const bad[] = {
	    "1E4C9B93F3F0682250B6CF8331B7EE68FD8\r\n",          /* no count */
	    "1E4C9B93F3F0682250B6CF8331B7EE68FD8:\r\n",         /* empty count */
	    "1E4C9B93F3F0682250B6CF8331B7EE68FD:12\r\n",        /* 34 hex */
	    "1E4C9B93F3F0682250B6CF8331B7EE68FD8A:12\r\n",      /* 36 hex */
	    "1E4C9B93F3F0682250B6CF8331B7EE68FDG:12\r\n",       /* not hex */
	    "1E4C9B93F3F0682250B6CF8331B7EE68FD8:12x\r\n",      /* not a number */
	    "1E4C9B93F3F0682250B6CF8331B7EE68FD8:-1\r\n",       /* negative */
	    "1E4C9B93F3F0682250B6CF8331B7EE68FD8:9223372036854775809\n", /* > 2^63 */
	    "1E4C9B93F3F0682250B6CF8331B7EE68FD8:99999999999999999999\n",
	    "<html>Service unavailable</html>\n",
	    "1E4C9B93F3F0682250B6CF8331B7EE68FD8: 12\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 99;
		memset(&err, 0, sizeof(err));
		assert_int_equal(range(bad[i], &n, &err), VG_ECORRUPT);
		assert_int_equal(n, 0);
		assert_non_null(strstr(err.msg, "line 1"));
		assert_null(strstr(err.msg, "1E4C9")); /* never the content */
	}
	/* the line number of the first bad line */
	assert_int_equal(range("0018A45C4D1DEF81644B54AB7F969B88D65:10\r\n\r\nzz:1\r\n", &n, &err),
	                 VG_ECORRUPT);
	assert_non_null(strstr(err.msg, "line 3"));
}

/* ---- Local range files -------------------------------------------------- */

static void write_file(const char *path, const char *body)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(body, f);
	fclose(f);
}

static void test_local(void **state)
{
	(void)state;
	vg_password_sha1("password", 8, pw_sha1);
	char dir[] = "/tmp/vigie-test-ranges-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[512];
	uint64_t n = 99;
	vg_err err = {0};

	/* the range file is missing: an error, not "not found" */
	assert_int_equal(vg_password_breach_local(dir, pw_sha1, &n, &err), VG_ENOTFOUND);
	assert_null(strstr(err.msg, "5BAA6"));

	snprintf(path, sizeof(path), "%s/5BAA6", dir);
	write_file(path, "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n"
	                 "1E4C9B93F3F0682250B6CF8331B7EE68FD8:42\r\n");
	assert_int_equal(vg_password_breach_local(dir, pw_sha1, &n, &err), 0);
	assert_int_equal(n, 42);

	uint8_t other[VG_SHA1_LEN];
	vg_password_sha1("drowssap-not-in-file", 20, other);
	char hex[41];
	vg_password_sha1_hex(other, hex);
	char opath[512];
	snprintf(opath, sizeof(opath), "%s/%.5s", dir, hex);
	write_file(opath, "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n");
	assert_int_equal(vg_password_breach_local(dir, other, &n, &err), 0);
	assert_int_equal(n, 0);

	write_file(path, "garbage\r\n");
	assert_int_equal(vg_password_breach_local(dir, pw_sha1, &n, &err), VG_ECORRUPT);
	assert_non_null(strstr(err.msg, "line 1"));

	unlink(path);
	unlink(opath);
	rmdir(dir);
	assert_int_equal(vg_password_breach_local(dir, pw_sha1, &n, &err), VG_ENOTFOUND);

	vg_pw_api *a;
	assert_int_equal(vg_pw_api_open("ftp://example.org", NULL, &a, &err), VG_EUSAGE);
	assert_int_equal(vg_pw_api_open("https://example.org/?x=1", NULL, &a, &err), VG_EUSAGE);
}

/* ---- Line reader -------------------------------------------------------- */

static int fd_of(const char *data, size_t n)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	int fd = dup(fileno(f));
	fclose(f);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void test_reader(void **state)
{
	(void)state;
	size_t big = VG_PASSWORD_MAX + 10;
	size_t total = big + 64;
	char *in = malloc(total + 1);
	strcpy(in, "one\r\ntwo\n\n");
	size_t at = strlen(in);
	memset(in + at, 'x', big);
	at += big;
	strcpy(in + at, "\nlast");
	at += 5;
	int fd = fd_of(in, at);
	free(in);

	vg_pw_reader *r = vg_pw_reader_new(fd);
	assert_non_null(r);
	const char *pw;
	size_t len;
	const char *want[] = {"one", "two", ""};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(vg_pw_reader_next(r, &pw, &len), 1);
		assert_int_equal(len, strlen(want[i]));
		assert_string_equal(pw, want[i]);
		assert_int_equal(vg_pw_reader_lineno(r), i + 1);
		assert_false(vg_pw_reader_at_end(r));
	}
	assert_int_equal(vg_pw_reader_next(r, &pw, &len), VG_ETOOBIG);
	assert_int_equal(vg_pw_reader_lineno(r), 4);
	assert_int_equal(vg_pw_reader_next(r, &pw, &len), 1);
	assert_string_equal(pw, "last");
	assert_int_equal(vg_pw_reader_lineno(r), 5);
	assert_true(vg_pw_reader_at_end(r));
	assert_int_equal(vg_pw_reader_next(r, &pw, &len), 0);
	vg_pw_reader_free(r);
	close(fd);

	/* exactly the maximum is accepted */
	char *exact = malloc(VG_PASSWORD_MAX + 2);
	memset(exact, 'y', VG_PASSWORD_MAX);
	memcpy(exact + VG_PASSWORD_MAX, "\r\n", 2);
	fd = fd_of(exact, VG_PASSWORD_MAX + 2);
	free(exact);
	r = vg_pw_reader_new(fd);
	assert_int_equal(vg_pw_reader_next(r, &pw, &len), 1);
	assert_int_equal(len, VG_PASSWORD_MAX);
	assert_true(vg_pw_reader_at_end(r));
	vg_pw_reader_free(r);
	close(fd);

	/* a terminal is required for the no-echo read */
	fd = fd_of("x\n", 2);
	char buf[16];
	vg_err err = {0};
	assert_int_equal(vg_password_read_tty(fd, NULL, buf, sizeof(buf), &len, &err), VG_EIO);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_score_thresholds),
	    cmocka_unit_test(test_crack_times),
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_feedback_empty_and_good),
	    cmocka_unit_test(test_feedback_dictionary),
	    cmocka_unit_test(test_feedback_patterns),
	    cmocka_unit_test(test_feedback_longest),
	    cmocka_unit_test(test_strength),
	    cmocka_unit_test(test_sha1_vectors),
	    cmocka_unit_test(test_range_parse),
	    cmocka_unit_test(test_local),
	    cmocka_unit_test(test_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
