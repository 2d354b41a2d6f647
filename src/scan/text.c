/*
 * text.c: the folded form of a message, which the rules and the model read,
 * and small buffers.
 *
 * Folding makes "Réglez IMMÉDIATEMENT 1,99 €" and "reglez immediatement
 * 0,00 eur" the same text, so one rule phrase or one model feature covers
 * both, and masked digits (SPAM-Hunter writes "XX €") look like digits. It is
 * one pass, no allocation once the buffer has grown, and keeps for every
 * output byte the offset of its source byte, so a reason can quote the
 * message as the person received it.
 *
 * Invariants: no byte outside s[0..n) is read; the output holds only
 * [a-z0-9], the kept punctuation, single spaces, and UTF-8 sequences of
 * non-Latin letters; f->map is non-decreasing and f->map[f->len] == n.
 */
#include "scan/scan_int.h"

#include <string.h>

/* ---- UTF-8 ---- */

/* Decodes the code point at s[i..n); 0 when the bytes are not valid UTF-8
 * (overlong forms, surrogates and truncated sequences included). */
size_t vg_utf8_decode(const unsigned char *s, size_t i, size_t n, uint32_t *cp)
{
	unsigned c = s[i];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n - i < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i + k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/* ---- Folding ---- */

/* Latin-1 letters U+00C0..U+00FF without their accents ("" for × and ÷). */
static const char *const latin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",
};

/* Latin Extended-A U+0100..U+017F, by ranges of the same base letter. */
static const char *latin_ext_a(uint32_t cp)
{
	static const struct {
		uint16_t last;
		const char *s;
	} r[] = {
	    {0x105, "a"}, {0x10D, "c"},  {0x111, "d"}, {0x11B, "e"}, {0x123, "g"}, {0x127, "h"},
	    {0x131, "i"}, {0x133, "ij"}, {0x135, "j"}, {0x138, "k"}, {0x142, "l"}, {0x14B, "n"},
	    {0x151, "o"}, {0x153, "oe"}, {0x159, "r"}, {0x161, "s"}, {0x167, "t"}, {0x173, "u"},
	    {0x175, "w"}, {0x178, "y"},  {0x17E, "z"}, {0x17F, "s"},
	};
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (cp <= r[i].last)
			return r[i].s;
	return NULL;
}

/* Windows-1252 bytes 0x80..0x9F as code points (0 when unassigned). */
static const uint16_t cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* True for the punctuation the folded text keeps. */
static bool kept_punct(unsigned c)
{
	return c && strchr("!?.,:/@%&+-'*#", (int)c) != NULL;
}

typedef struct fold_out {
	vg_fold *f;
	uint32_t src; /* source offset of what is being written */
} fold_out;

/* Appends bytes s[0..n) coming from the current source offset. */
static void emit(fold_out *o, const char *s, size_t n)
{
	vg_fold *f = o->f;
	for (size_t i = 0; i < n; i++) {
		f->s[f->len] = s[i];
		f->map[f->len] = o->src;
		f->len++;
	}
}

/* Appends one space unless the output is empty or already ends with one. */
static void emit_space(fold_out *o)
{
	if (o->f->len && o->f->s[o->f->len - 1] != ' ')
		emit(o, " ", 1);
}

/* The folded form of one code point (not ASCII): NULL to drop it, "" for a
 * separator, else the replacement text (ASCII). */
static const char *fold_cp(uint32_t cp)
{
	if (cp >= 0xC0 && cp <= 0xFF)
		return latin1[cp - 0xC0][0] ? latin1[cp - 0xC0] : "";
	if (cp >= 0x100 && cp <= 0x17F)
		return latin_ext_a(cp);
	if ((cp >= 0x300 && cp <= 0x36F) || cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) ||
	    cp == 0x2060 || cp == 0xFEFF || cp == 0x34F)
		return NULL; /* combining accents and invisible characters */
	/* fullwidth Latin letters, as lowercase ASCII */
	static const char az[] =
	    "a\0b\0c\0d\0e\0f\0g\0h\0i\0j\0k\0l\0m\0n\0o\0p\0q\0r\0s\0t\0u\0v\0"
	    "w\0x\0y\0z";
	if (cp >= 0xFF21 && cp <= 0xFF3A)
		return az + 2 * (cp - 0xFF21);
	if (cp >= 0xFF41 && cp <= 0xFF5A)
		return az + 2 * (cp - 0xFF41);
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return "0";
	switch (cp) {
	case 0x20AC:
		return " eur ";
	case 0xA3:
		return " gbp ";
	case 0x2019:
	case 0x2018:
	case 0x2032:
		return "'";
	case 0x2010:
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2212:
		return "-";
	case 0x2026:
		return "...";
	case 0xFF0E:
	case 0x3002:
		return ".";
	case 0xFF1A:
		return ":";
	case 0xFF0F:
		return "/";
	default:
		return "";
	}
}

/* True when cp is a letter of another script that the folded text keeps as
 * it is (Greek, Cyrillic, Armenian, Hebrew, Arabic, ... CJK). */
static bool other_letter(uint32_t cp)
{
	return (cp >= 0x180 && cp < 0x2000 && !(cp >= 0x2B0 && cp < 0x370)) ||
	       (cp >= 0x3040 && cp < 0xA000) || (cp >= 0xAC00 && cp < 0xD7B0);
}

/* Length of the run of capital X and digits at s[i..n) when it stands alone
 * (no letter touches it on either side) and holds at least one X, else 0. */
static size_t masked_run(const unsigned char *s, size_t i, size_t n)
{
	if (i > 0 && ((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z'))
		return 0;
	size_t j = i;
	while (j < n && (s[j] == 'X' || (s[j] >= '0' && s[j] <= '9')))
		j++;
	if (j < n && (((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z') || s[j] >= 0x80))
		return 0;
	return j - i;
}

/* Folds s[0..n) into f (see scan_int.h). */
void vg_fold_text(vg_fold *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	/* the worst expansion is one byte to " eur " (5 bytes) */
	size_t need = 5 * n + 2;
	if (f->cap < need) {
		f->s = vg_xrealloc(f->s, need);
		f->map = vg_xrealloc(f->map, need * sizeof(*f->map));
		f->cap = need;
	}
	f->len = 0;
	fold_out o = {f, 0};
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		o.src = (uint32_t)i;
		if (c < 0x80) {
			if (c >= 'a' && c <= 'z') {
				emit(&o, (const char *)p + i, 1);
			} else if (c >= 'A' && c <= 'Z') {
				size_t run = c == 'X' ? masked_run(p, i, n) : 0;
				if (run) {
					for (size_t k = 0; k < run; k++) {
						o.src = (uint32_t)(i + k);
						emit(&o, "0", 1);
					}
					i += run;
					continue;
				}
				char l = (char)(c | 0x20);
				emit(&o, &l, 1);
			} else if (c >= '0' && c <= '9') {
				emit(&o, "0", 1);
			} else if (c == '$') {
				emit_space(&o);
				emit(&o, "usd ", 4);
			} else if (kept_punct(c)) {
				emit(&o, (const char *)p + i, 1);
			} else {
				emit_space(&o);
			}
			i++;
			continue;
		}
		uint32_t cp;
		size_t len = vg_utf8_decode(p, i, n, &cp);
		if (len == 0) {
			/* not UTF-8: read the byte as Windows-1252 */
			len = 1;
			cp = c >= 0xA0 ? c : cp1252[c - 0x80];
		}
		const char *rep = fold_cp(cp);
		if (rep == NULL) {
			/* dropped */
		} else if (rep[0] == 0) {
			if (other_letter(cp))
				emit(&o, (const char *)p + i, len);
			else
				emit_space(&o);
		} else if (rep[0] == ' ') {
			emit_space(&o);
			emit(&o, rep + 1, strlen(rep + 1));
		} else {
			emit(&o, rep, strlen(rep));
		}
		i += len;
	}
	/* no trailing space */
	if (f->len && f->s[f->len - 1] == ' ')
		f->len--;
	f->s[f->len] = 0;
	f->map[f->len] = (uint32_t)n;
}

/* Frees the buffers of f. */
void vg_fold_free(vg_fold *f)
{
	free(f->s);
	free(f->map);
	memset(f, 0, sizeof(*f));
}

/* True for a byte that is part of a word of the folded text. */
static inline bool word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Splits the folded text into words. */
size_t vg_fold_words(const vg_fold *f, vg_word *w, size_t max)
{
	size_t nw = 0, i = 0;
	const unsigned char *s = (const unsigned char *)f->s;
	while (i < f->len && nw < max) {
		while (i < f->len && !word_byte(s[i]))
			i++;
		size_t st = i;
		while (i < f->len && word_byte(s[i]))
			i++;
		if (i > st) {
			w[nw].off = (uint32_t)st;
			w[nw].len = (uint32_t)(i - st);
			nw++;
		}
	}
	return nw;
}
