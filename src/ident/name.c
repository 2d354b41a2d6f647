/*
 * name.c: text folding (fast path and ICU path) and the name normalizer.
 *
 * Folding maps UTF-8 text to lowercase ASCII words separated by one space:
 *   1. every character becomes a short ASCII string through the reference
 *      pipeline, the ICU transliterator "NFKC; Any-Latin; Latin-ASCII; Lower";
 *   2. in that output, ASCII letters and digits are kept (lowercased), marks
 *      (Mn, Mc, Me) and format characters (Cf: soft joiners, RLM/LRM, BOM)
 *      are dropped without a break, and everything else is a word break;
 *   3. runs of breaks become one space; none at either end.
 *
 * The fast path does steps 1-2 with a table for U+0080..U+017F (ASCII,
 * Latin-1, Latin Extended-A) and the usual typographic apostrophes and
 * dashes; the table was produced by running ICU on each character, and
 * tests/unit/test_name.c checks it against ICU character by character and
 * on thousands of real French names. Any other character sends the whole
 * text to the ICU path, so a text is always folded by one path.
 *
 * Invariants: the input is s[0..n), never read past n, need not be
 * NUL-terminated; both paths reject ill-formed UTF-8 (overlong forms,
 * surrogates, code points above U+10FFFF, truncated sequences) with
 * VG_EINVAL, and invalid UTF-8 wins over VG_ETOOBIG; the fast path never
 * allocates. ICU transliterators are not thread-safe: each thread opens its
 * own on first use (freed when the thread exits).
 */
#include "vigie/name.h"
#include "ident/name_slow.h"

#include <pthread.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* ------------------------------------------------------------------------ */
/* Output sink shared by both paths                                          */

/* Folded output being written: at most cap-1 bytes land in out, len counts
 * all of them so that an overflow is known at the end. */
typedef struct sink {
	char *out;
	size_t cap;
	size_t len;
	int brk; /* a word break is pending */
} sink;

/* Appends one letter or digit, after a space if a break is pending. */
static inline void put(sink *k, char c)
{
	if (k->brk && k->len) {
		if (k->len + 1 < k->cap)
			k->out[k->len] = ' ';
		k->len++;
	}
	k->brk = 0;
	if (k->len + 1 < k->cap)
		k->out[k->len] = c;
	k->len++;
}

/* Appends a table string: ' ' is a word break, other bytes are output. */
static inline void put_str(sink *k, const char *p)
{
	for (; *p; p++) {
		if (*p == ' ')
			k->brk = 1;
		else
			put(k, *p);
	}
}

/* NUL-terminates and returns the length, or VG_ETOOBIG if it did not fit. */
static long finish(sink *k)
{
	if (k->len + 1 > k->cap)
		return VG_ETOOBIG;
	k->out[k->len] = '\0';
	return (long)k->len;
}

/* What folding saw, for the name flags. */
enum {
	FOLD_NON_ASCII = 1u << 0, /* a character above U+007F */
	FOLD_NON_LATIN = 1u << 1, /* a letter of another script than Latin */
};

/* ------------------------------------------------------------------------ */
/* Fast path                                                                  */

/* ASCII: letters lowercased, digits kept, 0 = word break. */
static const char ascii_fold[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',
    ['7'] = '7', ['8'] = '8', ['9'] = '9', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k',
    ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
    ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
    ['z'] = 'z', ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
    ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm',
    ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
};

/*
 * U+0080..U+017F as the ICU pipeline folds them (' ' = word break): C1
 * controls and symbols break words, "²" is "2", "¼" is "1 4", "Æ" is "ae",
 * "ß" is "ss", "Œ" is "oe", "ŉ" is " n" (ʼn).
 */
/* clang-format off */
static const char latin_fold[256][4] = {
	/* U+0080 */ " ", " ", " ", " ", " ", " ", " ", " ",
	/* U+0088 */ " ", " ", " ", " ", " ", " ", " ", " ",
	/* U+0090 */ " ", " ", " ", " ", " ", " ", " ", " ",
	/* U+0098 */ " ", " ", " ", " ", " ", " ", " ", " ",
	/* U+00A0 */ " ", " ", " ", " ", " ", " ", " ", " ",
	/* U+00A8 */ " ", " c ", "a", " ", " ", " ", " r ", " ",
	/* U+00B0 */ " ", " ", "2", "3", " ", "m", " ", " ",
	/* U+00B8 */ " ", "1", "o", " ", "1 4", "1 2", "3 4", " ",
	/* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", " ",
	/* U+00D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
	/* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", " ",
	/* U+00F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	/* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c",
	/* U+0108 */ "c", "c", "c", "c", "c", "c", "d", "d",
	/* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e",
	/* U+0118 */ "e", "e", "e", "e", "g", "g", "g", "g",
	/* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h",
	/* U+0128 */ "i", "i", "i", "i", "i", "i", "i", "i",
	/* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k",
	/* U+0138 */ "q", "l", "l", "l", "l", "l", "l", "l ",
	/* U+0140 */ "l ", "l", "l", "n", "n", "n", "n", "n",
	/* U+0148 */ "n", " n", "n", "n", "o", "o", "o", "o",
	/* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r",
	/* U+0158 */ "r", "r", "s", "s", "s", "s", "s", "s",
	/* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t",
	/* U+0168 */ "u", "u", "u", "u", "u", "u", "u", "u",
	/* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y",
	/* U+0178 */ "y", "z", "z", "z", "z", "z", "z", "s",
};
/* clang-format on */

#define FAST_NO (-1000)

/* Folds s[0..n) if every character is in the fast path's tables; returns the
 * length, VG_ETOOBIG, or FAST_NO when the ICU path must take the text. */
static long fold_fast(const unsigned char *s, size_t n, char *out, size_t cap, unsigned *info)
{
	sink k = {out, cap, 0, 0};
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c < 0x80) {
			char a = ascii_fold[c];
			if (a)
				put(&k, a);
			else
				k.brk = 1;
			i++;
			continue;
		}
		*info |= FOLD_NON_ASCII;
		if (c >= 0xC2 && c <= 0xC5 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
			unsigned cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
			put_str(&k, latin_fold[cp - 0x80]);
			i += 2;
		} else if (c == 0xCA && i + 1 < n && s[i + 1] == 0xBC) {
			k.brk = 1; /* U+02BC modifier letter apostrophe */
			i += 2;
		} else if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 &&
		           ((s[i + 2] >= 0x90 && s[i + 2] <= 0x95) || s[i + 2] == 0x98 ||
		            s[i + 2] == 0x99)) {
			k.brk = 1; /* U+2010..U+2015 dashes, U+2018 U+2019 quotes */
			i += 3;
		} else {
			return FAST_NO;
		}
	}
	return finish(&k);
}

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                      */

/* Decodes one well-formed UTF-8 sequence at s[i..n) into *cp; returns its
 * length (1-4), or 0 if it is ill-formed (Unicode 3.9, table 3-7). */
static size_t utf8_next(const unsigned char *s, size_t n, size_t i, UChar32 *cp)
{
	unsigned c = s[i];
	if (c < 0x80) {
		*cp = (UChar32)c;
		return 1;
	}
	size_t len;
	unsigned lo = 0x80, hi = 0xBF, v;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* no overlong forms */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (len > n - i)
		return 0;
	for (size_t j = 1; j < len; j++) {
		unsigned b = s[i + j];
		if (b < (j == 1 ? lo : 0x80) || b > (j == 1 ? hi : 0xBF))
			return 0;
		v = (v << 6) | (b & 0x3F);
	}
	*cp = (UChar32)v;
	return len;
}

/* ------------------------------------------------------------------------ */
/* ICU path                                                                   */

static const char fold_id[] = "NFKC; Any-Latin; Latin-ASCII; Lower";

/* One thread's transliterator and its work buffer. */
typedef struct icu_ctx {
	UTransliterator *t;
	UChar buf[VG_FOLD_ICU_MAX];
} icu_ctx;

static _Thread_local icu_ctx *tl_icu;
static pthread_key_t icu_key;
static pthread_once_t icu_once = PTHREAD_ONCE_INIT;
static int icu_key_ok;

/* Thread-exit destructor of a thread's ICU context. */
static void icu_ctx_free(void *p)
{
	icu_ctx *x = p;
	utrans_close(x->t);
	free(x);
}

/* Creates the key whose destructor frees each thread's context. */
static void icu_key_init(void)
{
	icu_key_ok = pthread_key_create(&icu_key, icu_ctx_free) == 0;
}

/* This thread's ICU context, opened on first use; NULL if ICU fails. */
static icu_ctx *icu_get(void)
{
	if (tl_icu)
		return tl_icu;
	UChar id[sizeof(fold_id)];
	u_charsToUChars(fold_id, id, (int32_t)sizeof(fold_id));
	UErrorCode err = U_ZERO_ERROR;
	UParseError perr;
	UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, &perr, &err);
	if (U_FAILURE(err))
		return NULL;
	icu_ctx *x = vg_xmalloc(sizeof(*x));
	x->t = t;
	pthread_once(&icu_once, icu_key_init);
	if (icu_key_ok)
		pthread_setspecific(icu_key, x);
	tl_icu = x;
	return x;
}

/* True for a letter of a script other than Latin (Cyrillic, Han, ...). */
static int non_latin_letter(UChar32 cp)
{
	if (!u_isalpha(cp))
		return 0;
	UErrorCode err = U_ZERO_ERROR;
	UScriptCode sc = uscript_getScript(cp, &err);
	return U_SUCCESS(err) && sc != USCRIPT_LATIN && sc != USCRIPT_COMMON &&
	       sc != USCRIPT_INHERITED;
}

/* Folds s[0..n) through ICU; see vg_text_fold_icu(). */
static long fold_icu(const unsigned char *s, size_t n, char *out, size_t cap, unsigned *info)
{
	if (cap == 0)
		return VG_ETOOBIG;
	icu_ctx *x = icu_get();
	if (!x)
		return VG_EINTERNAL;
	int32_t len = 0;
	int too_big = 0;
	for (size_t i = 0; i < n;) {
		UChar32 cp;
		size_t k = utf8_next(s, n, i, &cp);
		if (!k)
			return VG_EINVAL;
		i += k;
		if (cp >= 0x80)
			*info |= FOLD_NON_ASCII;
		if (cp >= 0x80 && non_latin_letter(cp))
			*info |= FOLD_NON_LATIN;
		if (len > VG_FOLD_ICU_MAX - 2)
			too_big = 1; /* keep validating: bad UTF-8 wins */
		else
			U16_APPEND_UNSAFE(x->buf, len, cp);
	}
	if (too_big)
		return VG_ETOOBIG;
	UErrorCode err = U_ZERO_ERROR;
	int32_t limit = len;
	utrans_transUChars(x->t, x->buf, &len, VG_FOLD_ICU_MAX, 0, &limit, &err);
	if (err == U_BUFFER_OVERFLOW_ERROR)
		return VG_ETOOBIG;
	if (U_FAILURE(err))
		return VG_EINTERNAL;
	sink k = {out, cap, 0, 0};
	for (int32_t i = 0; i < len;) {
		UChar32 c;
		U16_NEXT(x->buf, i, len, c);
		if (c < 0x80) {
			char a = ascii_fold[c];
			if (a)
				put(&k, a);
			else
				k.brk = 1;
			continue;
		}
		int8_t ty = u_charType(c);
		if (ty == U_NON_SPACING_MARK || ty == U_COMBINING_SPACING_MARK ||
		    ty == U_ENCLOSING_MARK || ty == U_FORMAT_CHAR)
			continue;
		k.brk = 1;
	}
	return finish(&k);
}

/* Folds through the fast path, or ICU when the text needs it. */
static long fold(const char *s, size_t n, char *out, size_t cap, unsigned *info)
{
	const unsigned char *u = (const unsigned char *)s;
	if (cap == 0)
		return VG_ETOOBIG;
	*info = 0;
	long r = fold_fast(u, n, out, cap, info);
	if (r != FAST_NO)
		return r;
	*info = 0;
	return fold_icu(u, n, out, cap, info);
}

/* Folds UTF-8 text to lowercase ASCII words (see name.h). */
long vg_text_fold(const char *s, size_t n, char *out, size_t cap)
{
	unsigned info;
	return fold(s, n, out, cap, &info);
}

/* The fast path alone; VG_ENOTFOUND when the text needs ICU. */
long vg_text_fold_fast(const char *s, size_t n, char *out, size_t cap)
{
	unsigned info = 0;
	if (cap == 0)
		return VG_ETOOBIG;
	long r = fold_fast((const unsigned char *)s, n, out, cap, &info);
	return r == FAST_NO ? VG_ENOTFOUND : r;
}

/* The ICU path alone, the reference of the fast path. */
long vg_text_fold_icu(const char *s, size_t n, char *out, size_t cap)
{
	unsigned info = 0;
	return fold_icu((const unsigned char *)s, n, out, cap, &info);
}

/* ------------------------------------------------------------------------ */
/* Names                                                                      */

static const vg_reason reason_no_letters = {"no_letters", "aucune lettre dans le nom",
                                            "the name has no letters"};
static const vg_reason reason_digits = {"contains_digits", "le nom contient des chiffres",
                                        "the name contains digits"};
static const vg_reason reason_fold_failed = {"fold_failed",
                                             "translittération impossible (ICU indisponible)",
                                             "transliteration failed (ICU unavailable)"};

/* Civility titles recognised as a first word (kept in the form, flagged). */
static const char *const titles[] = {
    "m", "mr", "mme", "mlle", "mrs", "ms", "monsieur", "madame", "mademoiselle", "dr",
};

/* True when w[0..n) is a civility title. */
static int is_title(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strlen(titles[i]) == n && !memcmp(w, titles[i], n))
			return 1;
	return 0;
}

/* True when s[0..n) is only white space and invisible format characters. */
static int blank(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		UChar32 cp;
		size_t k = utf8_next(u, n, i, &cp);
		if (!k)
			return 0;
		if (!u_isUWhiteSpace(cp) && u_charType(cp) != U_FORMAT_CHAR)
			return 0;
		i += k;
	}
	return 1;
}

/* Folds a name; rejects what folds to nothing or holds digits. A name of
 * ASCII letters only (most names in a leak: "DUPONT", "Marie") is its
 * lowercase, one word, no flag: what the general path gives it, in one
 * short pass. */
int vg_name_normalize(const char *s, size_t n, vg_name *out)
{
	if (n > 0 && n < VG_CANON_MAX) {
		unsigned bad = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned c = (unsigned char)s[i] | 0x20u;
			bad |= (unsigned)(c - 'a') > 25;
			out->c.s[i] = (char)c;
		}
		if (!bad) {
			out->c.s[n] = '\0';
			out->c.len = n;
			out->c.reason = NULL;
			out->ntokens = 1;
			out->non_ascii = out->transliterated = out->title = 0;
			return 0;
		}
	}
	return vgi_name_normalize_slow(s, n, out);
}

int vgi_name_normalize_slow(const char *s, size_t n, vg_name *out)
{
	out->ntokens = 0;
	out->non_ascii = out->transliterated = out->title = 0;
	if (n > VG_INPUT_MAX)
		return vg_canon_fail(&out->c, &vg_reason_too_long);
	unsigned info = 0;
	long r = fold(s, n, out->c.s, VG_CANON_MAX, &info);
	if (r == VG_EINVAL)
		return vg_canon_fail(&out->c, &vg_reason_bad_utf8);
	if (r == VG_ETOOBIG)
		return vg_canon_fail(&out->c, &vg_reason_too_long);
	if (r < 0)
		return vg_canon_fail(&out->c, &reason_fold_failed);
	if (r == 0)
		return vg_canon_fail(&out->c, blank(s, n) ? &vg_reason_empty : &reason_no_letters);
	const char *c = out->c.s;
	size_t len = (size_t)r;
	/* one pass: digits (refused), words, the first space */
	unsigned words = 1, digits = 0;
	size_t sp = len;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)c[i];
		digits |= (unsigned)(ch - '0') <= 9;
		if (ch == ' ') {
			if (words == 1)
				sp = i;
			words++;
		}
	}
	if (digits)
		return vg_canon_fail(&out->c, &reason_digits);
	out->title = sp < len && is_title(c, sp);
	out->c.len = len;
	out->c.reason = NULL;
	out->ntokens = words;
	out->non_ascii = (info & FOLD_NON_ASCII) != 0;
	out->transliterated = (info & FOLD_NON_LATIN) != 0;
	return 0;
}

/* Adds the words and the flags of a valid name to obj. */
void vg_name_describe(const vg_name *v, json_t *obj)
{
	json_t *parts = json_object(), *words = json_array(), *flags = json_array();
	const char *c = v->c.s;
	for (size_t i = 0, start = 0; i <= v->c.len; i++) {
		if (i == v->c.len || c[i] == ' ') {
			json_array_append_new(words, json_stringn(c + start, i - start));
			start = i + 1;
		}
	}
	json_object_set_new(parts, "words", words);
	json_object_set_new(obj, "parts", parts);
	if (v->non_ascii)
		json_array_append_new(flags, json_string("non_ascii"));
	if (v->transliterated)
		json_array_append_new(flags, json_string("transliterated"));
	if (v->title)
		json_array_append_new(flags, json_string("title"));
	json_object_set_new(obj, "flags", flags);
}
