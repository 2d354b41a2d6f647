/*
 * test_name.c: text folding and the name normalizer, rule by rule and
 * reason by reason; the fast path against the ICU path on every character
 * of its tables and on thousands of real French names (tests/data).
 */
#include "vigie/name.h"
#include "ident/name_slow.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unicode/ustring.h>

/* Normalizes a C string. */
static int norm(const char *s, vg_name *v)
{
	return vg_name_normalize(s, strlen(s), v);
}

/* Asserts s[0..n) is a valid name with canonical form want. */
static void assert_canon_n(const char *s, size_t n, const char *want)
{
	vg_name v;
	int rc = vg_name_normalize(s, n, &v);
	if (rc != 0 || strcmp(v.c.s, want) != 0 || v.c.len != strlen(want)) {
		fprintf(stderr, "input '%.*s': rc %d, got '%s' (%s), want '%s'\n", (int)n, s, rc,
		        v.c.s, v.c.reason ? v.c.reason->code : "-", want);
		fail();
	}
}

/* Asserts the C string s is a valid name with canonical form want. */
static void assert_canon(const char *s, const char *want)
{
	assert_canon_n(s, strlen(s), want);
}

/* Asserts s[0..n) is invalid with the given reason code. */
static void assert_reason_n(const char *s, size_t n, const char *code)
{
	vg_name v;
	int rc = vg_name_normalize(s, n, &v);
	if (rc != VG_EINVAL || !v.c.reason || strcmp(v.c.reason->code, code) != 0 || v.c.len != 0 ||
	    v.c.s[0] != '\0') {
		fprintf(stderr, "input '%.*s': rc %d, reason %s, want %s\n", (int)n, s, rc,
		        v.c.reason ? v.c.reason->code : "-", code);
		fail();
	}
}

/* Asserts the C string s is invalid with the given reason code. */
static void assert_reason(const char *s, const char *code)
{
	assert_reason_n(s, strlen(s), code);
}

/* The issue's example: both spellings give one form. */
static void test_issue_example(void **state)
{
	(void)state;
	assert_canon("Jean-François D'ARC", "jean francois d arc");
	assert_canon("jean francois d arc", "jean francois d arc");
	assert_canon("JEAN-FRANÇOIS D’ARC", "jean francois d arc");
	assert_canon("  Jean  -  François   d'  Arc  ", "jean francois d arc");
}

/* Accents and case: every letter the fast path names, both cases. */
static void test_accents_and_case(void **state)
{
	(void)state;
	assert_canon("éèêë àâä îï ôö ùûü ÿ ç ñ", "eeee aaa ii oo uuu y c n");
	assert_canon("ÉÈÊË ÀÂÄ ÎÏ ÔÖ ÙÛÜ Ÿ Ç Ñ", "eeee aaa ii oo uuu y c n");
	assert_canon("Hélène", "helene");
	assert_canon("ANAÏS", "anais");
	assert_canon("Zoë", "zoe");
	assert_canon("ÅSA ØYVIND", "asa oyvind");
	assert_canon("Łukasz Đorđe Ștefan Şahin Čapek Żaneta",
	             "lukasz dorde stefan sahin capek zaneta");
	assert_canon("mIxEd CaSe", "mixed case");
}

/* Ligatures and letters that become two. */
static void test_ligatures(void **state)
{
	(void)state;
	assert_canon("Œdipe", "oedipe");
	assert_canon("cœur", "coeur");
	assert_canon("Lætitia", "laetitia");
	assert_canon("ÆSIR", "aesir");
	assert_canon("Straße", "strasse");
	assert_canon("Þór", "thor");
	assert_canon("Ĳsbrand", "ijsbrand");
}

/* Hyphens, apostrophes (' ’ ‘ ʼ), dashes and runs of spaces are one break. */
static void test_separators(void **state)
{
	(void)state;
	assert_canon("O'Brien", "o brien");
	assert_canon("O’Brien", "o brien");
	assert_canon("O‘Brien", "o brien");
	assert_canon("OʼBrien", "o brien");
	assert_canon("Marie--Anne", "marie anne");
	assert_canon("Marie–Anne — Claire", "marie anne claire");
	assert_canon("Marie\u2010Anne\u2011Claire", "marie anne claire");
	assert_canon("\t Jean \r\n Paul \t", "jean paul");
	assert_canon("Jean\xc2\xa0Paul", "jean paul");     /* no-break space */
	assert_canon("Jean\xe2\x80\xafPaul", "jean paul"); /* narrow no-break space */
	assert_canon("Jean.Paul,Pierre;Marc/Luc", "jean paul pierre marc luc");
	assert_canon("(Jean) «Paul»", "jean paul");
	assert_canon_n("Jean\0Pierre", 11, "jean pierre"); /* NUL is a break too */
	assert_canon("Jean\xc2\xadPierre", "jean pierre"); /* soft hyphen, as ICU */
}

/* Other scripts go through ICU's transliteration to Latin. */
static void test_other_scripts(void **state)
{
	(void)state;
	vg_name v;
	assert_canon("Дмитрий Шостакович", "dmitrij sostakovic");
	assert_canon("Αλέξανδρος", "alexandros");
	assert_canon("王伟", "wang wei");
	assert_canon("محمد", "mhmd");
	assert_canon("\xe2\x80\x8f"
	             "כהן"
	             "\xe2\x80\x8e",
	             "khn"); /* RLM/LRM dropped */
	assert_canon("Nguyễn Thị Minh Khai", "nguyen thi minh khai");
	assert_canon("Ｊｅａｎ", "jean"); /* full-width */
	assert_int_equal(norm("Дмитрий", &v), 0);
	assert_true(v.transliterated);
	assert_true(v.non_ascii);
	assert_int_equal(norm("Nguyễn", &v), 0);
	assert_false(v.transliterated); /* Latin with diacritics */
	assert_true(v.non_ascii);
}

/* Decomposed accents (combining marks) fold like precomposed ones; format
 * characters (RLM, ZWJ, BOM) vanish without breaking the word. */
static void test_combining_and_format(void **state)
{
	(void)state;
	assert_canon("Jose\xcc\x81", "jose");
	assert_canon("Zoe\xcc\x88 He\xcc\x81le\xcc\x80ne", "zoe helene");
	assert_canon("E\xcc\x81LODIE", "elodie");
	assert_canon("e\xe2\x80\x8fz", "ez");
	assert_canon("Jo\xe2\x80\x8dhn", "john");
	assert_canon("\xef\xbb\xbfMarie", "marie"); /* BOM */
	assert_canon("A\xcc\x8a"
	             "sa",
	             "asa");
}

/* Titles are kept as words and flagged. */
static void test_titles(void **state)
{
	(void)state;
	vg_name v;
	assert_int_equal(norm("M. Jean DUPONT", &v), 0);
	assert_string_equal(v.c.s, "m jean dupont");
	assert_true(v.title);
	assert_int_equal(v.ntokens, 3);
	assert_int_equal(norm("Mme Durand", &v), 0);
	assert_string_equal(v.c.s, "mme durand");
	assert_true(v.title);
	assert_int_equal(norm("Mlle Zoé", &v), 0);
	assert_true(v.title);
	assert_int_equal(norm("Madame", &v), 0); /* a lone word is a name, not a title */
	assert_false(v.title);
	assert_int_equal(norm("Marc Dupont", &v), 0);
	assert_false(v.title);
	assert_false(v.non_ascii);
	assert_int_equal(v.ntokens, 2);
}

/* Empty, blank, no letters. */
static void test_reason_empty_and_no_letters(void **state)
{
	(void)state;
	assert_reason("", "empty");
	assert_reason("   ", "empty");
	assert_reason("\t\r\n", "empty");
	assert_reason("\xc2\xa0\xe2\x80\xaf\xe3\x80\x80", "empty"); /* Unicode spaces */
	assert_reason("\xef\xbb\xbf \xe2\x80\x8b", "empty");        /* BOM, zero-width space */
	assert_reason("---", "no_letters");
	assert_reason("' ’ . ,", "no_letters");
	assert_reason("\xf0\x9f\x98\x80", "no_letters"); /* emoji */
	assert_reason("\xcc\x81\xcc\x88", "no_letters"); /* combining marks alone */
	assert_reason_n("\0\0", 2, "no_letters");
}

/* Digits, ASCII or not, make a name invalid. */
static void test_reason_digits(void **state)
{
	(void)state;
	assert_reason("Jean2", "contains_digits");
	assert_reason("Louis 14", "contains_digits");
	assert_reason("123", "contains_digits");
	assert_reason("Jean\xc2\xb2", "contains_digits");       /* superscript two */
	assert_reason("Ali \xd9\xa3", "contains_digits");       /* Arabic-Indic three */
	assert_reason("Marie \xef\xbc\x91", "contains_digits"); /* full-width one */
	assert_canon("Louis XIV", "louis xiv");                 /* Roman numerals are letters */
}

/* Ill-formed UTF-8, every kind, in both paths' positions. */
static void test_reason_bad_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "Jean\x80",              /* lone continuation byte */
	    "\xc0\xaf",              /* overlong '/' */
	    "\xc1\xbf",              /* overlong */
	    "\xe0\x80\xaf",          /* overlong, 3 bytes */
	    "\xf0\x80\x80\xaf",      /* overlong, 4 bytes */
	    "\xed\xa0\x80",          /* surrogate D800 */
	    "\xed\xbf\xbf",          /* surrogate DFFF */
	    "\xf4\x90\x80\x80",      /* above U+10FFFF */
	    "\xf5\x80\x80\x80",      /* invalid lead */
	    "\xff",                  /* invalid byte */
	    "Ren\xc3",               /* truncated at the end */
	    "Ren\xc3 e",             /* truncated in the middle */
	    "\xe2\x80",              /* truncated 3-byte */
	    "Zo\xc3\xab \xe7\x8e",   /* good fast-path text, then a truncated CJK char */
	    "\xe7\x8e\x8b \xc3\x28", /* ICU text, then a bad continuation */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_reason(bad[i], "bad_utf8");
	/* bad UTF-8 wins over an overflowing canonical form */
	char buf[1200];
	memset(buf, 'a', sizeof(buf));
	buf[sizeof(buf) - 1] = (char)0xff;
	assert_reason_n(buf, sizeof(buf), "bad_utf8");
}

/* Input over VG_INPUT_MAX, canonical form over VG_CANON_MAX - 1. */
static void test_reason_too_long(void **state)
{
	(void)state;
	size_t n = VG_INPUT_MAX + 1;
	char *buf = malloc(n);
	assert_non_null(buf);
	memset(buf, 'a', n);
	assert_reason_n(buf, n, "too_long");
	assert_reason_n(buf, VG_CANON_MAX, "too_long");
	assert_int_equal(vg_name_normalize(buf, VG_CANON_MAX - 1, &(vg_name){0}), 0);
	/* 511 bytes fit exactly, written by the ICU path too */
	vg_name v;
	assert_int_equal(vg_name_normalize(buf, VG_CANON_MAX - 1, &v), 0);
	assert_int_equal(v.c.len, VG_CANON_MAX - 1);
	memcpy(buf + VG_CANON_MAX - 3, "\xd0\x94", 2); /* Д -> d: ICU path, same length */
	assert_int_equal(vg_name_normalize(buf, VG_CANON_MAX - 1, &v), 0);
	assert_int_equal(v.c.len, VG_CANON_MAX - 2);
	/* CJK expands through transliteration: 1,365 characters fit the input, not the form */
	size_t k = 0;
	for (; k + 3 <= VG_INPUT_MAX; k += 3)
		memcpy(buf + k, "\xe7\x8e\x8b", 3);
	assert_reason_n(buf, k, "too_long");
	free(buf);
}

/* Normalizing a canonical form gives it back. */
static void test_idempotent(void **state)
{
	(void)state;
	static const char *const in[] = {
	    "Jean-François D'ARC", "Œdipe Straße", "Дмитрий Шостакович", "王伟",
	    "M. Jean DUPONT",      "Jose\xcc\x81", "Nguyễn Thị",         "O’Brien",
	    "\xc2\xaa Marie",      "Ŀuis ŉ",
	};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		vg_name a, b;
		assert_int_equal(norm(in[i], &a), 0);
		assert_int_equal(vg_name_normalize(a.c.s, a.c.len, &b), 0);
		assert_string_equal(a.c.s, b.c.s);
		assert_int_equal(a.c.len, b.c.len);
	}
}

/* The input is s[0..n): bytes after n are never read nor used. Buffers
 * are exactly n bytes long (ASan reports any read past them). */
static void test_not_nul_terminated(void **state)
{
	(void)state;
	static const char *const in[] = {"Jean-Pierre", "Zoé", "王伟", "Jose\xcc\x81"};
	static const char *const want[] = {"jean pierre", "zoe", "wang wei", "jose"};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		size_t n = strlen(in[i]);
		char *buf = malloc(n);
		assert_non_null(buf);
		memcpy(buf, in[i], n);
		assert_canon_n(buf, n, want[i]);
		free(buf);
	}
	/* a prefix: what follows n does not count */
	assert_canon_n("Jean-Pierre Dupont", 11, "jean pierre");
	assert_canon_n("Zoé\xff\xff", 4, "zoe");
	/* a prefix that cuts a character in two is ill-formed */
	assert_reason_n("Zoé", 3, "bad_utf8");
	assert_reason_n("   Jean", 3, "empty");
}

/* vg_text_fold: digits kept, cap respected, errors. */
static void test_text_fold(void **state)
{
	(void)state;
	char out[32];
	assert_int_equal(vg_text_fold("12 Rue de l'Église", 19, out, sizeof(out)), 18);
	assert_string_equal(out, "12 rue de l eglise");
	assert_int_equal(vg_text_fold("A2B", 3, out, sizeof(out)), 3);
	assert_string_equal(out, "a2b");
	assert_int_equal(vg_text_fold("", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(vg_text_fold(" ,; ", 4, out, sizeof(out)), 0);
	/* exactly cap-1 bytes fit; one more does not */
	assert_int_equal(vg_text_fold("abcd", 4, out, 5), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(vg_text_fold("abcde", 5, out, 5), VG_ETOOBIG);
	assert_int_equal(vg_text_fold("ab cd", 5, out, 5), VG_ETOOBIG);
	assert_int_equal(vg_text_fold("a", 1, out, 0), VG_ETOOBIG);
	assert_int_equal(vg_text_fold("ß", 2, out, 2), VG_ETOOBIG);  /* "ss" needs 3 */
	assert_int_equal(vg_text_fold("王", 3, out, 4), VG_ETOOBIG); /* "wang" needs 5 */
	assert_int_equal(vg_text_fold("\xc0\xaf", 2, out, sizeof(out)), VG_EINVAL);
	assert_int_equal(vg_text_fold_icu("\xc0\xaf", 2, out, sizeof(out)), VG_EINVAL);
	assert_int_equal(vg_text_fold_fast("\xc0\xaf", 2, out, sizeof(out)), VG_ENOTFOUND);
	assert_int_equal(vg_text_fold_fast("王", 3, out, sizeof(out)), VG_ENOTFOUND);
	/* the ICU path's own limit */
	size_t n = VG_FOLD_ICU_MAX + 10;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	assert_int_equal(vg_text_fold_icu(big, n, out, sizeof(out)), VG_ETOOBIG);
	big[n] = (char)0xff;
	assert_int_equal(vg_text_fold_icu(big, n + 1, out, sizeof(out)), VG_EINVAL);
	free(big);
}

/* Encodes code point cp as UTF-8 into b; returns the length. */
static size_t utf8(uint32_t cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	b[0] = (char)(0xE0 | (cp >> 12));
	b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	b[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* Asserts the fast path takes s[0..n) and agrees with ICU. */
static void assert_fast_is_icu(const char *s, size_t n)
{
	char f[1024], u[1024];
	long rf = vg_text_fold_fast(s, n, f, sizeof(f));
	long ru = vg_text_fold_icu(s, n, u, sizeof(u));
	if (rf == VG_ENOTFOUND || rf != ru || (rf >= 0 && strcmp(f, u) != 0)) {
		fprintf(stderr, "'%.*s': fast %ld '%s', icu %ld '%s'\n", (int)n, s, rf,
		        rf >= 0 ? f : "", ru, ru >= 0 ? u : "");
		fail();
	}
	/* and the dispatching entry point gives the same */
	char d[1024];
	assert_int_equal(vg_text_fold(s, n, d, sizeof(d)), rf);
	if (rf >= 0)
		assert_string_equal(d, f);
}

/* Every character of the fast path's tables, alone and inside words, and
 * every ASCII character. */
static void test_fast_path_table_vs_icu(void **state)
{
	(void)state;
	uint32_t extra[] = {0x2BC, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2018, 0x2019};
	char b[16];
	unsigned checked = 0;
	for (uint32_t cp = 1; cp < 0x180 + sizeof(extra) / sizeof(extra[0]); cp++) {
		uint32_t c = cp < 0x180 ? cp : extra[cp - 0x180];
		size_t k = utf8(c, b);
		assert_fast_is_icu(b, k);
		/* in context: "x" c "y", "X" c c "Y", c at both ends */
		char ctx[32];
		size_t m = 0;
		ctx[m++] = 'x';
		memcpy(ctx + m, b, k), m += k;
		ctx[m++] = 'y';
		assert_fast_is_icu(ctx, m);
		m = 0;
		ctx[m++] = 'X';
		memcpy(ctx + m, b, k), m += k;
		memcpy(ctx + m, b, k), m += k;
		ctx[m++] = 'Y';
		ctx[m++] = ' ';
		memcpy(ctx + m, b, k), m += k;
		assert_fast_is_icu(ctx, m);
		checked++;
	}
	assert_int_equal(checked, 0x17F + 9);
	/* the letters the brief names, all at once, in both cases */
	const char *latin = "é è ê ë à â ä î ï ô ö ù û ü ÿ ç ñ É È Ê Ë À Â Ä Î Ï Ô Ö Ù Û Ü Ÿ Ç Ñ "
	                    "œ Œ æ Æ ß";
	assert_fast_is_icu(latin, strlen(latin));
}

/* Case variants of a UTF-8 name through ICU: lower and title case. */
static int recase(const char *s, char *out, size_t cap, int title)
{
	UChar u[256], v[256];
	int32_t ul, vl, ol;
	UErrorCode err = U_ZERO_ERROR;
	u_strFromUTF8(u, 256, &ul, s, -1, &err);
	if (title)
		vl = u_strToTitle(v, 256, u, ul, NULL, "fr", &err);
	else
		vl = u_strToLower(v, 256, u, ul, "fr", &err);
	u_strToUTF8(out, (int32_t)cap, &ol, v, vl, &err);
	return U_SUCCESS(err) ? 0 : -1;
}

/* Thousands of real French names, as INSEE writes them (upper case) and
 * lower- and title-cased: the fast path takes them all and agrees with ICU. */
static void test_fast_path_real_names(void **state)
{
	(void)state;
	FILE *f = fopen(VG_TEST_DATA "/names_fr_sample.txt", "r");
	assert_non_null(f);
	char line[256], var[512];
	unsigned names = 0, accented = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		names++;
		for (const char *p = line; *p; p++)
			if ((unsigned char)*p >= 0x80) {
				accented++;
				break;
			}
		assert_fast_is_icu(line, strlen(line));
		assert_int_equal(recase(line, var, sizeof(var), 0), 0);
		assert_fast_is_icu(var, strlen(var));
		assert_int_equal(recase(line, var, sizeof(var), 1), 0);
		assert_fast_is_icu(var, strlen(var));
		/* and as a name: valid, ASCII letters and single spaces only */
		vg_name v;
		assert_int_equal(norm(line, &v), 0);
		for (size_t i = 0; i < v.c.len; i++)
			assert_true(
			    (v.c.s[i] >= 'a' && v.c.s[i] <= 'z') ||
			    (v.c.s[i] == ' ' && i > 0 && i + 1 < v.c.len && v.c.s[i - 1] != ' '));
	}
	fclose(f);
	assert_true(names >= 7000);
	assert_true(accented >= 3000);
}

/* Worker of the thread test: folds its inputs many times, through ICU. */
static void *fold_worker(void *arg)
{
	static const char *const in[] = {"Дмитрий Шостакович", "王伟", "Αλέξανδρος", "Nguyễn Thị"};
	static const char *const want[] = {"dmitrij sostakovic", "wang wei", "alexandros",
	                                   "nguyen thi"};
	unsigned id = (unsigned)(uintptr_t)arg;
	for (unsigned i = 0; i < 2000; i++) {
		unsigned k = (i + id) % 4;
		char out[64];
		long r = vg_text_fold(in[k], strlen(in[k]), out, sizeof(out));
		if (r < 0 || strcmp(out, want[k]) != 0)
			return (void *)1;
	}
	return NULL;
}

/* Each thread has its own transliterator: concurrent folding is correct. */
static void test_threads(void **state)
{
	(void)state;
	pthread_t th[8];
	for (uintptr_t i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, fold_worker, (void *)i), 0);
	for (int i = 0; i < 8; i++) {
		void *r;
		assert_int_equal(pthread_join(th[i], &r), 0);
		assert_null(r);
	}
}

/* The JSON view: words and flags. */
static void test_describe(void **state)
{
	(void)state;
	vg_name v;
	assert_int_equal(norm("M. Jean-François DÜPONT", &v), 0);
	json_t *o = json_object();
	vg_name_describe(&v, o);
	json_t *words = json_object_get(json_object_get(o, "parts"), "words");
	assert_int_equal(json_array_size(words), 4);
	assert_string_equal(json_string_value(json_array_get(words, 0)), "m");
	assert_string_equal(json_string_value(json_array_get(words, 3)), "dupont");
	json_t *flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 2);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "non_ascii");
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "title");
	json_decref(o);

	json_t *d = vg_ident_describe(VG_KIND_NAME, "Jean2", 5, VG_LANG_EN);
	assert_false(json_is_true(json_object_get(d, "valid")));
	json_t *r = json_object_get(d, "reason");
	assert_string_equal(json_string_value(json_object_get(r, "code")), "contains_digits");
	assert_string_equal(json_string_value(json_object_get(r, "message")),
	                    "the name contains digits");
	json_decref(d);
	d = vg_ident_describe(VG_KIND_NAME, "王伟", 6, VG_LANG_FR);
	assert_string_equal(json_string_value(json_object_get(d, "canonical")), "wang wei");
	flags = json_object_get(d, "flags");
	assert_int_equal(json_array_size(flags), 2);
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "transliterated");
	json_decref(d);
}

/* Every reason has a code and both messages. */
static void test_reason_texts(void **state)
{
	(void)state;
	static const char *const in[] = {"", "---", "Jean2", "\xff"};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		vg_name v;
		assert_int_equal(norm(in[i], &v), VG_EINVAL);
		assert_non_null(v.c.reason);
		assert_true(strlen(v.c.reason->code) > 0);
		assert_true(strlen(v.c.reason->fr) > 0);
		assert_true(strlen(v.c.reason->en) > 0);
		assert_string_not_equal(v.c.reason->fr, v.c.reason->en);
	}
}

/* The ASCII-letters fast path gives exactly what the general path gives,
 * on strings made of letters mostly, with the bytes next to the letters'
 * ranges, separators, digits, accents and titles mixed in. */
static void test_fast_path(void **state)
{
	(void)state;
	static const char *const piece[] = {"a", "Z", "m", "@",        "[",    "`",    "{",   "-",
	                                    " ", "'", "1", "\xc3\xa9", "\xc9", "\x01", "mme", "DE"};
	const size_t np = sizeof(piece) / sizeof(piece[0]);
	char buf[700];
	uint64_t x = 0x123456789ABCDEFull;
	for (int it = 0; it < 200000; it++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t len = 0, parts = x % 12;
		if (x % 101 == 0)
			parts = 600; /* around the length limit */
		for (size_t k = 0; k < parts; k++) {
			uint64_t y = x * (k + 1) * 0x9E3779B97F4A7C15ull;
			const char *p = (y >> 60) % 4 ? "x" : piece[(y >> 32) % np];
			size_t pl = strlen(p);
			if (len + pl > sizeof(buf))
				break;
			memcpy(buf + len, p, pl);
			len += pl;
		}
		vg_name a, b;
		memset(&a, 0x55, sizeof(a));
		memset(&b, 0xAA, sizeof(b));
		int ra = vg_name_normalize(buf, len, &a);
		int rb = vgi_name_normalize_slow(buf, len, &b);
		assert_int_equal(ra, rb);
		assert_ptr_equal(a.c.reason, b.c.reason);
		if (ra == 0) {
			assert_int_equal(a.c.len, b.c.len);
			assert_memory_equal(a.c.s, b.c.s, a.c.len + 1);
			assert_int_equal(a.ntokens, b.ntokens);
			assert_int_equal(a.non_ascii, b.non_ascii);
			assert_int_equal(a.transliterated, b.transliterated);
			assert_int_equal(a.title, b.title);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_issue_example),
	    cmocka_unit_test(test_accents_and_case),
	    cmocka_unit_test(test_ligatures),
	    cmocka_unit_test(test_separators),
	    cmocka_unit_test(test_other_scripts),
	    cmocka_unit_test(test_combining_and_format),
	    cmocka_unit_test(test_titles),
	    cmocka_unit_test(test_reason_empty_and_no_letters),
	    cmocka_unit_test(test_reason_digits),
	    cmocka_unit_test(test_reason_bad_utf8),
	    cmocka_unit_test(test_reason_too_long),
	    cmocka_unit_test(test_idempotent),
	    cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_text_fold),
	    cmocka_unit_test(test_fast_path_table_vs_icu),
	    cmocka_unit_test(test_fast_path_real_names),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_reason_texts),
	    cmocka_unit_test(test_fast_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
