/*
 * test_email.c: the email normalizer: valid forms and their canonical form,
 * every reason, the length limits, inputs without a NUL, idempotence, and the
 * JSON view. Every input is copied into a heap buffer of its exact length, so
 * a read past the end is caught by the sanitizers.
 */
#include "vigie/email.h"
#include "ident/email_slow.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Normalizes in[0..n) from an exact-size heap copy (no NUL after it). */
static int norm_n(const char *in, size_t n, vg_email *e)
{
	char *buf = malloc(n ? n : 1);
	assert_non_null(buf);
	memcpy(buf, in, n);
	int rc = vg_email_normalize(buf, n, e);
	free(buf);
	return rc;
}

/* Same, for a C string. */
static int norm(const char *in, vg_email *e)
{
	return norm_n(in, strlen(in), e);
}

/* Asserts in is valid with canonical form canon and flags. */
static void expect_valid(const char *in, const char *canon, unsigned flags)
{
	vg_email e;
	if (norm(in, &e) != 0)
		fail_msg("'%s': expected valid '%s', got reason %s", in, canon,
		         e.c.reason ? e.c.reason->code : "(none)");
	if (strcmp(e.c.s, canon) != 0)
		fail_msg("'%s': expected '%s', got '%s'", in, canon, e.c.s);
	assert_int_equal(e.c.len, strlen(canon));
	assert_null(e.c.reason);
	if (e.flags != flags)
		fail_msg("'%s': expected flags %u, got %u", in, flags, e.flags);
	/* idempotence: the canonical form is its own canonical form */
	vg_email again;
	assert_int_equal(norm(e.c.s, &again), 0);
	assert_string_equal(again.c.s, e.c.s);
	assert_int_equal(again.flags, e.flags);
	assert_int_equal(again.local_len, e.local_len);
}

/* Asserts in is invalid with reason code. */
static void expect_invalid_n(const char *in, size_t n, const char *code)
{
	vg_email e;
	int rc = norm_n(in, n, &e);
	if (rc != VG_EINVAL)
		fail_msg("'%.*s': expected invalid (%s), got '%s'", (int)n, in, code, e.c.s);
	assert_non_null(e.c.reason);
	if (strcmp(e.c.reason->code, code) != 0)
		fail_msg("'%.*s': expected reason %s, got %s", (int)n, in, code, e.c.reason->code);
	assert_int_equal(e.c.len, 0);
	assert_string_equal(e.c.s, "");
	assert_non_null(e.c.reason->fr);
	assert_non_null(e.c.reason->en);
}

static void expect_invalid(const char *in, const char *code)
{
	expect_invalid_n(in, strlen(in), code);
}

static void test_valid_forms(void **state)
{
	(void)state;
	expect_valid("jean.dupont@example.fr", "jean.dupont@example.fr", 0);
	expect_valid("Jean.Dupont@Example.FR", "jean.dupont@example.fr", 0);
	expect_valid("  jean@x.fr \t\r\n", "jean@x.fr", 0);
	expect_valid("\xC2\xA0jean@x.fr\xE2\x80\xAF", "jean@x.fr", 0); /* NBSP, NNBSP */
	expect_valid("\xEF\xBB\xBFjean@x.fr", "jean@x.fr", 0);         /* BOM */
	expect_valid("mailto:jean@x.fr", "jean@x.fr", 0);
	expect_valid("MAILTO:Jean@X.fr", "jean@x.fr", 0);
	expect_valid("MailTo: jean@x.fr", "jean@x.fr", 0);
	expect_valid("<jean@x.fr>", "jean@x.fr", 0);
	expect_valid("< jean@x.fr >", "jean@x.fr", 0);
	expect_valid("mailto:<jean@x.fr>", "jean@x.fr", 0);
	expect_valid("<mailto:jean@x.fr>", "jean@x.fr", 0);
	expect_valid(" <MAILTO:JEAN@X.FR> ", "jean@x.fr", 0);
	/* display-name form: the address in angle brackets is kept */
	expect_valid("Jean Dupont <Jean.Dupont@x.fr>", "jean.dupont@x.fr", 0);
	expect_valid("\"Dupont, Jean\" <jean@x.fr>", "jean@x.fr", 0);
	expect_valid("\"a <b>\" <jean@x.fr>", "jean@x.fr", 0);
	expect_valid("jean@x.fr <jean@x.fr>", "jean@x.fr", 0);
	/* tags and dots are kept */
	expect_valid("jean+promo@gmail.com", "jean+promo@gmail.com", VG_EMAIL_TAGGED);
	expect_valid("J.E.A.N+A+B@gmail.com", "j.e.a.n+a+b@gmail.com", VG_EMAIL_TAGGED);
	expect_valid("jean+@x.fr", "jean+@x.fr", VG_EMAIL_TAGGED);
	expect_valid("+jean@x.fr", "+jean@x.fr", 0); /* no base: not a tag */
	expect_valid("a..b@x.fr", "a..b@x.fr", 0);
	expect_valid(".a.@x.fr", ".a.@x.fr", 0);
	expect_valid("o'neil@x.fr", "o'neil@x.fr", 0);
	expect_valid("a!#$%&'*/=?^_`{|}~-@x.fr", "a!#$%&'*/=?^_`{|}~-@x.fr", 0);
	/* domains */
	expect_valid("a@sub.domain.example.co.uk", "a@sub.domain.example.co.uk", 0);
	expect_valid("a@my-host_1.fr", "a@my-host_1.fr", 0);
	expect_valid("a@123.fr", "a@123.fr", 0);
	expect_valid("a@x.f1", "a@x.f1", 0);
	expect_valid("a@a-b--c.fr", "a@a-b--c.fr", 0);
	expect_valid("a@XN--BCHER-KVA.de", "a@xn--bcher-kva.de", VG_EMAIL_IDN);
	/* quoted local parts: the @ inside the quotes does not count */
	expect_valid("\"a@b\"@x.fr", "\"a@b\"@x.fr", VG_EMAIL_QUOTED);
	expect_valid("\"A@B\"@X.FR", "\"a@b\"@x.fr", VG_EMAIL_QUOTED);
	expect_valid("\"a\\\"b\"@x.fr", "\"a\\\"b\"@x.fr", VG_EMAIL_QUOTED);
	expect_valid("\"a+b\"@x.fr", "\"a+b\"@x.fr", VG_EMAIL_QUOTED); /* no tag in quotes */
	expect_valid("\"<a>\"@x.fr", "\"<a>\"@x.fr", VG_EMAIL_QUOTED);
	expect_valid("<\"a>b\"@x.fr>", "\"a>b\"@x.fr", VG_EMAIL_QUOTED);
	expect_valid("\"a(b),c:d;e[f]\"@x.fr", "\"a(b),c:d;e[f]\"@x.fr", VG_EMAIL_QUOTED);
	/* UTF-8: ASCII letters lowered, other bytes kept */
	expect_valid("Jéan@Exämple.FR", "jéan@exämple.fr", VG_EMAIL_IDN);
	expect_valid("jean@ÉCOLE.fr", "jean@École.fr", VG_EMAIL_IDN);
	expect_valid("用户@例子.广告", "用户@例子.广告", VG_EMAIL_IDN);
	expect_valid("X+Y@Exämple.fr", "x+y@exämple.fr", VG_EMAIL_TAGGED | VG_EMAIL_IDN);
}

static void test_reasons(void **state)
{
	(void)state;
	expect_invalid("", "empty");
	expect_invalid(" \t\r\n ", "empty");
	expect_invalid("mailto:", "empty");
	expect_invalid("<>", "empty");
	expect_invalid("Jean < >", "empty");
	expect_invalid("jean.dupont", "no_at");
	expect_invalid("jean(at)x.fr", "no_at");
	expect_invalid("\"a@b\"", "no_at");
	expect_invalid("a@b@x.fr", "many_at");
	expect_invalid("a@x.fr,b@y.fr", "many_at");
	expect_invalid("\"a@b\"@c@x.fr", "many_at");
	expect_invalid("Jean <a@x.fr>, Paul <b@y.fr>", "many_at");
	expect_invalid("\"a@x.fr", "unterminated_quote");
	expect_invalid("\"a\\\"@x.fr", "unterminated_quote");
	expect_invalid("\"a\\", "unterminated_quote");
	expect_invalid("jean dupont@x.fr", "whitespace");
	expect_invalid("jean@x .fr", "whitespace");
	expect_invalid("jean\t@x.fr", "whitespace");
	expect_invalid("\"a b\"@x.fr", "whitespace");
	expect_invalid("jean@x.\xC2\xA0"
	               "fr",
	               "whitespace");
	expect_invalid("jean\xE2\x80\x8B@x.fr", "whitespace"); /* zero-width space */
	expect_invalid("jean\x01@x.fr", "control_char");
	expect_invalid("jean@x.fr\x7F"
	               "a",
	               "control_char");
	expect_invalid("jean\xC2\x80@x.fr", "control_char"); /* C1 control */
	expect_invalid_n("jean\0@x.fr", 10, "control_char");
	expect_invalid("@x.fr", "empty_local");
	expect_invalid("\"\"@x.fr", "empty_local");
	expect_invalid("<@x.fr>", "empty_local");
	expect_invalid("a,b@x.fr", "bad_char");
	expect_invalid("a<b@x.fr", "bad_char");
	expect_invalid("<a@x.fr", "bad_char");
	expect_invalid("a\\b@x.fr", "bad_char");
	expect_invalid("a\"b\"@x.fr", "bad_char");
	expect_invalid("\"a\"b@x.fr", "bad_char");
	expect_invalid("mailto:mailto:a@x.fr", "bad_char");
	expect_invalid("a@", "empty_domain");
	expect_invalid("<a@>", "empty_domain");
	expect_invalid("a@x.fr>", "bad_domain_char");
	expect_invalid("a@[192.168.0.1]", "bad_domain_char");
	expect_invalid("a@x.fr?subject=hi", "bad_domain_char");
	expect_invalid("a@x!y.fr", "bad_domain_char");
	expect_invalid("a@x..fr", "empty_label");
	expect_invalid("a@.x.fr", "empty_label");
	expect_invalid("a@x.fr.", "empty_label");
	expect_invalid("a@.", "empty_label");
	expect_invalid("a@-x.fr", "bad_label");
	expect_invalid("a@x-.fr", "bad_label");
	expect_invalid("a@_x.fr", "bad_label");
	expect_invalid("a@x.fr-", "bad_label");
	expect_invalid("a@x.-", "bad_label");
	expect_invalid("a@1.2.3.4", "numeric_tld");
	expect_invalid("a@x.123", "numeric_tld");
	expect_invalid("a@localhost", "no_dot");
	expect_invalid("a@fr", "no_dot");
	expect_invalid("\xC3(@x.fr", "bad_utf8");
	expect_invalid("a@x.fr\xFF", "bad_utf8");
	expect_invalid("a@\xE0\x80\x80.fr", "bad_utf8");     /* overlong */
	expect_invalid("a@\xED\xA0\x80.fr", "bad_utf8");     /* surrogate */
	expect_invalid("a@\xF4\x90\x80\x80.fr", "bad_utf8"); /* > U+10FFFF */
	expect_invalid("a@x.fr\xE2\x82", "bad_utf8");        /* truncated */
}

/* A string of n copies of c, NUL-terminated (caller frees). */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_lengths(void **state)
{
	(void)state;
	char buf[VG_INPUT_MAX + 64];
	char *l64 = repeat('a', 64), *l65 = repeat('a', 65), *lab63 = repeat('b', 63),
	     *lab64 = repeat('b', 64);

	/* local part: 64 bytes ok, 65 not */
	snprintf(buf, sizeof(buf), "%s@x.fr", l64);
	expect_valid(buf, buf, 0);
	snprintf(buf, sizeof(buf), "%s@x.fr", l65);
	expect_invalid(buf, "local_too_long");
	/* quoted: the quotes count */
	snprintf(buf, sizeof(buf), "\"%.62s\"@x.fr", l64);
	expect_valid(buf, buf, VG_EMAIL_QUOTED);
	snprintf(buf, sizeof(buf), "\"%.63s\"@x.fr", l64);
	expect_invalid(buf, "local_too_long");

	/* domain label: 63 bytes ok, 64 not */
	snprintf(buf, sizeof(buf), "a@%s.fr", lab63);
	expect_valid(buf, buf, 0);
	snprintf(buf, sizeof(buf), "a@%s.fr", lab64);
	expect_invalid(buf, "label_too_long");

	/* whole address: 254 bytes ok, 255 not: a@ + 4 labels of 63 = 254 */
	snprintf(buf, sizeof(buf), "a@%s.%s.%s.%.57s.fr", lab63, lab63, lab63, lab63);
	assert_int_equal(strlen(buf), 254);
	expect_valid(buf, buf, 0);
	snprintf(buf, sizeof(buf), "ab@%s.%s.%s.%.57s.fr", lab63, lab63, lab63, lab63);
	assert_int_equal(strlen(buf), 255);
	expect_invalid(buf, "too_long");
	/* the limit applies after the wrappers are stripped */
	snprintf(buf, sizeof(buf), "  mailto:<a@%s.%s.%s.%.57s.fr>  ", lab63, lab63, lab63, lab63);
	vg_email e;
	assert_int_equal(norm(buf, &e), 0);
	assert_int_equal(e.c.len, 254);

	/* far over: more than the canonical buffer */
	memset(buf, 'a', 600);
	memcpy(buf + 600, "@x.fr", 6);
	expect_invalid(buf, "too_long");

	/* input over VG_INPUT_MAX, even if mostly blank */
	memset(buf, ' ', VG_INPUT_MAX + 1);
	memcpy(buf + 10, "a@x.fr", 6);
	expect_invalid_n(buf, VG_INPUT_MAX + 1, "too_long");
	/* exactly VG_INPUT_MAX is looked at */
	assert_int_equal(norm_n(buf, VG_INPUT_MAX, &e), 0);
	assert_string_equal(e.c.s, "a@x.fr");
	free(l64);
	free(l65);
	free(lab63);
	free(lab64);
}

static void test_not_nul_terminated(void **state)
{
	(void)state;
	vg_email e;
	/* n stops before the trailing junk, which must not be seen */
	const char buf[] = {'J', '@', 'X', '.', 'F', 'R', '.', 'x', '@'};
	assert_int_equal(vg_email_normalize(buf, 6, &e), 0);
	assert_string_equal(e.c.s, "j@x.fr");
	assert_int_equal(vg_email_normalize(buf, 7, &e), VG_EINVAL);
	assert_string_equal(e.c.reason->code, "empty_label");
	assert_int_equal(vg_email_normalize(buf, sizeof(buf), &e), VG_EINVAL);
	assert_string_equal(e.c.reason->code, "many_at");
	/* a quote that would close after n */
	const char q[] = {'"', 'a', '"', '@', 'x', '.', 'f', 'r'};
	assert_int_equal(vg_email_normalize(q, 2, &e), VG_EINVAL);
	assert_string_equal(e.c.reason->code, "unterminated_quote");
	/* a UTF-8 sequence cut by n */
	const char u[] = {'a', '@', 'x', '.', 'f', 'r', '\xC3', '\xA9'};
	assert_int_equal(vg_email_normalize(u, 7, &e), VG_EINVAL);
	assert_string_equal(e.c.reason->code, "bad_utf8");
	assert_int_equal(vg_email_normalize(u, 8, &e), 0);
	/* NULL with no length is just empty */
	assert_int_equal(vg_email_normalize(NULL, 0, &e), VG_EINVAL);
	assert_string_equal(e.c.reason->code, "empty");
}

static void test_parts(void **state)
{
	(void)state;
	vg_email e;
	assert_int_equal(norm("Jean.Dupont+Promo@Gmail.com", &e), 0);
	assert_int_equal(e.local_len, strlen("jean.dupont+promo"));
	assert_int_equal(e.tag_len, 5);
	assert_memory_equal(e.c.s + e.tag_off, "promo", 5);

	json_t *o = json_object();
	vg_email_describe(&e, o);
	json_t *parts = json_object_get(o, "parts");
	assert_string_equal(json_string_value(json_object_get(parts, "local")),
	                    "jean.dupont+promo");
	assert_string_equal(json_string_value(json_object_get(parts, "domain")), "gmail.com");
	assert_string_equal(json_string_value(json_object_get(parts, "tag")), "promo");
	json_t *flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 1);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "tagged");
	json_decref(o);

	assert_int_equal(norm("\"A@B\"@exämple.fr", &e), 0);
	o = json_object();
	vg_email_describe(&e, o);
	parts = json_object_get(o, "parts");
	assert_string_equal(json_string_value(json_object_get(parts, "local")), "\"a@b\"");
	assert_string_equal(json_string_value(json_object_get(parts, "domain")), "exämple.fr");
	assert_null(json_object_get(parts, "tag"));
	flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 2);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "quoted");
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "idn");
	json_decref(o);

	/* the dispatcher gives the same canonical form and a full view */
	vg_canon c;
	assert_int_equal(vg_ident_normalize(VG_KIND_EMAIL, " <A@B.FR> ", 10, &c), 0);
	assert_string_equal(c.s, "a@b.fr");
	o = vg_ident_describe(VG_KIND_EMAIL, "a@b", 3, VG_LANG_EN);
	assert_false(json_is_true(json_object_get(o, "valid")));
	json_t *r = json_object_get(o, "reason");
	assert_string_equal(json_string_value(json_object_get(r, "code")), "no_dot");
	assert_string_equal(json_string_value(json_object_get(r, "message")),
	                    "domain without a dot");
	json_decref(o);
}

/* Invalid results leave no stale parts behind. */
static void test_reset(void **state)
{
	(void)state;
	vg_email e;
	assert_int_equal(norm("a+b@x.fr", &e), 0);
	assert_int_equal(norm("a+b@x", &e), VG_EINVAL);
	assert_int_equal(e.flags, 0);
	assert_int_equal(e.tag_len, 0);
	assert_int_equal(e.local_len, 0);
}

/* Compares the whole result of the fast path with the general path's. */
static void same_as_slow(const char *s, size_t n)
{
	vg_email a, b;
	memset(&a, 0x55, sizeof(a));
	memset(&b, 0xAA, sizeof(b));
	int ra = vg_email_normalize(s, n, &a);
	int rb = vgi_email_normalize_slow(s, n, &b);
	assert_int_equal(ra, rb);
	assert_ptr_equal(a.c.reason, b.c.reason);
	assert_int_equal(a.c.len, b.c.len);
	assert_memory_equal(a.c.s, b.c.s, a.c.len + 1);
	assert_int_equal(a.flags, b.flags);
	assert_int_equal(a.local_len, b.local_len);
	assert_int_equal(a.tag_off, b.tag_off);
	assert_int_equal(a.tag_len, b.tag_len);
}

/* The one-pass fast path gives exactly what the general path gives, on
 * addresses built from the pieces that decide between them (case, '@',
 * dots, quotes, wrappers, spaces, UTF-8, controls, lengths). */
static void test_fast_path(void **state)
{
	(void)state;
	static const char *const piece[] = {
	    "a",           "Z",         "0",        "9",        ".",    "@",  "@",    "@",
	    "+",           "-",         "_",        "\"",       "<",    ">",  " ",    "\t",
	    ",",           "(",         ")",        ":",        ";",    "[",  "]",    "\\",
	    "é",           "\x01",      "\x7f",     "!",        "#",    "~",  "xn--", "fr",
	    "com",         "mailto:",   "MAILTO:",  "\xc2\xa0", "\xff", "12", "-.",   "._",
	    "Jean.Dupont", "orange.fr", "gmail.com"};
	const size_t np = sizeof(piece) / sizeof(piece[0]);
	static const char *const fixed[] = {
	    "a@b.fr",   "A.B+c@Orange.FR", "x@y",          "x@1.23",   "@b.fr",         "a@",
	    "a@@b.fr",  "a@b@c.fr",        "\"a b\"@x.fr", "<a@b.fr>", "mailto:a@b.fr", "a@-b.fr",
	    "a@b-.fr",  "a@b..fr",         "a@.b.fr",      "a.@b.fr",  ".a@b.fr",       "a@b.fr>",
	    "a@b_c.fr", "a@xn--e-9ga.fr"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		same_as_slow(fixed[i], strlen(fixed[i]));
	char buf[400];
	uint64_t x = 88172645463325252ull;
	for (int it = 0; it < 200000; it++) {
		size_t len = 0, parts;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		parts = 1 + (size_t)(x % 9);
		if (x % 97 == 0)
			parts = 60; /* long ones, past the length limits */
		for (size_t k = 0; k < parts; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			const char *p = piece[x % np];
			size_t pl = strlen(p);
			if (len + pl > sizeof(buf))
				break;
			memcpy(buf + len, p, pl);
			len += pl;
		}
		same_as_slow(buf, len);
	}
	/* 16 to 70 bytes of the characters of plain addresses, '@' and dots
	 * placed often (the 16-byte path and its edges) */
	static const char plain[] = "aZ09.-_+@@..xX";
	for (int it = 0; it < 300000; it++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t len = 16 + x % 55;
		uint64_t y = x;
		for (size_t k = 0; k < len; k++) {
			y = y * 6364136223846793005ull + 1442695040888963407ull;
			buf[k] = (y >> 60) < 9 ? "abcdefghi"[(y >> 56) % 9] : plain[(y >> 50) % 14];
		}
		if (x % 3 == 0) { /* one '@' and a dot after it, most often */
			for (size_t k = 0; k < len; k++)
				if (buf[k] == '@')
					buf[k] = 'q';
			size_t a = 1 + (x >> 20) % (len - 4);
			buf[a] = '@';
			buf[a + 1 + (x >> 30) % (len - a - 3)] = '.';
			if (x % 5 == 0)
				memcpy(buf + a + 1, "Xn--", 4 <= len - a - 1 ? 4 : 0);
		}
		same_as_slow(buf, len);
	}
	/* local part and address length limits around the edges */
	for (size_t l = 60; l <= 70; l++)
		for (size_t d = 180; d <= 200; d += 5) {
			size_t len = 0;
			memset(buf, 'a', l);
			len = l;
			buf[len++] = '@';
			memset(buf + len, 'b', d);
			len += d;
			memcpy(buf + len, ".fr", 3);
			len += 3;
			same_as_slow(buf, len);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_forms), cmocka_unit_test(test_reasons),
	    cmocka_unit_test(test_lengths),     cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_parts),       cmocka_unit_test(test_reset),
	    cmocka_unit_test(test_fast_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
