/*
 * ftid.c: France Travail identifiers (ex-Pôle emploi "identifiant"), to one
 * canonical form.
 *
 * One pass over the input: separators (whitespace, '.', '-', '/', and their
 * Unicode look-alikes: no-break spaces, dashes, minus, middle dot) are
 * dropped, ASCII letters and digits are kept uppercased, anything else makes
 * the value invalid. Then the shape is checked: 7 to 10 digits, then at most
 * one letter, 8 to 11 characters in all. The standard identifier is 7 digits
 * and a letter or a digit; longer forms are accepted because exports carry
 * them (8 digits and a letter, 11-character forms), and flagged "extended".
 *
 * Invariants: no byte outside s[0..n) is read; a valid result is 8 to 11
 * ASCII characters [0-9]{7,10}[A-Z]?, NUL-terminated, and reads back as
 * itself. Reasons are checked in the order bad_char, bad_length, bad_shape.
 */
#include "vigie/ftid.h"
#include "ident/ftid_slow.h"

static const vg_reason r_bad_char = {
    "bad_char", "caractère interdit (seuls chiffres, lettres et séparateurs . - / espace)",
    "forbidden character (only digits, letters and separators . - / space)"};
static const vg_reason r_bad_length = {"bad_length",
                                       "longueur incorrecte (8 à 11 caractères attendus)",
                                       "wrong length (8 to 11 characters expected)"};
static const vg_reason r_bad_shape = {
    "bad_shape", "forme incorrecte (7 à 10 chiffres puis une lettre facultative)",
    "wrong shape (7 to 10 digits then an optional letter)"};

/* Byte length of the whitespace character at s[i] (i < e), or 0 if none:
 * ASCII spaces, NBSP, NEL, the Unicode spaces, zero-width space and BOM. */
static size_t space_at(const char *s, size_t i, size_t e)
{
	const unsigned char *p = (const unsigned char *)s + i;
	size_t left = e - i;
	if (p[0] < 0x80)
		return p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r');
	if (p[0] == 0xC2 && left >= 2 && (p[1] == 0xA0 || p[1] == 0x85))
		return 2;
	if (left < 3)
		return 0;
	if (p[0] == 0xE2 && p[1] == 0x80 &&
	    (p[2] <= 0x8B || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
		return 3; /* U+2000..U+200B, U+2028, U+2029, U+202F */
	if ((p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) ||
	    (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) ||
	    (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) ||
	    (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF))
		return 3; /* U+205F, U+3000, U+1680, U+FEFF */
	return 0;
}

/* Byte length of a Unicode dash or dot at s[i] (i < e), or 0: the hyphens
 * and dashes U+2010..U+2015, the minus sign U+2212, the middle dot U+00B7,
 * which word processors put in numbers typed by people. */
static size_t dash_at(const char *s, size_t i, size_t e)
{
	const unsigned char *p = (const unsigned char *)s + i;
	size_t left = e - i;
	if (p[0] == 0xC2 && left >= 2 && p[1] == 0xB7)
		return 2;
	if (p[0] == 0xE2 && left >= 3 &&
	    ((p[1] == 0x80 && p[2] >= 0x90 && p[2] <= 0x95) || (p[1] == 0x88 && p[2] == 0x92)))
		return 3;
	return 0;
}

/*
 * An identifier written plainly, as most files write it: 7 to 10 digits,
 * then at most one ASCII letter, nothing else. The general path would copy
 * it as it is, the letter uppercased: the same result, in one short pass.
 * Returns 1 for anything else (out->c.s may have been written).
 */
static int normalize_fast(const char *s, size_t n, vg_ftid *out)
{
	if (n < VG_FTID_MIN || n > VG_FTID_MAX)
		return 1;
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((unsigned)(c - '0') > 9)
			return 1;
		out->c.s[i] = (char)c;
	}
	unsigned char last = (unsigned char)s[n - 1];
	size_t d = n;
	if ((unsigned)(last - '0') > 9) {
		if ((unsigned)((last | 0x20) - 'a') > 25)
			return 1;
		last &= (unsigned char)~0x20u;
		d = n - 1;
	}
	if (d < 7 || d > 10)
		return 1;
	out->c.s[n - 1] = (char)last;
	out->c.s[n] = '\0';
	out->c.len = n;
	out->c.reason = NULL;
	out->digits = d;
	out->flags = (d < n ? VG_FTID_LETTER : 0u) | (n > VG_FTID_MIN ? VG_FTID_EXTENDED : 0u);
	return 0;
}

int vg_ftid_normalize(const char *s, size_t n, vg_ftid *out)
{
	if (normalize_fast(s, n, out) == 0)
		return 0;
	return vgi_ftid_normalize_slow(s, n, out);
}

/* Normalizes one identifier; see the header and the notes above. */
int vgi_ftid_normalize_slow(const char *s, size_t n, vg_ftid *out)
{
	out->digits = 0;
	out->flags = 0;
	if (n > VG_INPUT_MAX)
		return vg_canon_fail(&out->c, &vg_reason_too_long);
	if (n == 0)
		return vg_canon_fail(&out->c, &vg_reason_empty);
	if (!vg_utf8_valid(s, n))
		return vg_canon_fail(&out->c, &vg_reason_bad_utf8);

	size_t o = 0, k;
	int pending_sep = 0; /* a separator seen since the last kept character */
	unsigned flags = 0;
	for (size_t i = 0; i < n; i += k) {
		unsigned char c = (unsigned char)s[i];
		k = 1;
		if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
			if (pending_sep && o > 0)
				flags |= VG_FTID_SEPARATED;
			pending_sep = 0;
			if (o <= VG_FTID_MAX)
				out->c.s[o] = (char)(c >= 'a' ? c - 0x20 : c);
			o++;
		} else if (c == '.' || c == '-' || c == '/' || (k = space_at(s, i, n)) != 0 ||
		           (k = dash_at(s, i, n)) != 0) {
			pending_sep = 1;
		} else {
			return vg_canon_fail(&out->c, &r_bad_char);
		}
	}
	if (o == 0)
		return vg_canon_fail(&out->c, &vg_reason_empty);
	if (o < VG_FTID_MIN || o > VG_FTID_MAX)
		return vg_canon_fail(&out->c, &r_bad_length);

	size_t d = 0;
	while (d < o && out->c.s[d] <= '9')
		d++;
	if (d < 7 || d > 10 || o - d > 1)
		return vg_canon_fail(&out->c, &r_bad_shape);
	if (o - d == 1)
		flags |= VG_FTID_LETTER;
	if (o > VG_FTID_MIN)
		flags |= VG_FTID_EXTENDED;
	out->c.s[o] = '\0';
	out->c.len = o;
	out->c.reason = NULL;
	out->digits = d;
	out->flags = flags;
	return 0;
}

/* Adds the parts and flags of a valid identifier to obj. */
void vg_ftid_describe(const vg_ftid *v, json_t *obj)
{
	json_t *parts = json_object();
	json_object_set_new(parts, "digits", json_stringn(v->c.s, v->digits));
	json_object_set_new(parts, "letter",
	                    v->c.len > v->digits ? json_stringn(v->c.s + v->digits, 1)
	                                         : json_null());
	json_object_set_new(obj, "parts", parts);
	json_t *flags = json_array();
	if (v->flags & VG_FTID_LETTER)
		json_array_append_new(flags, json_string("letter"));
	if (v->flags & VG_FTID_EXTENDED)
		json_array_append_new(flags, json_string("extended"));
	if (v->flags & VG_FTID_SEPARATED)
		json_array_append_new(flags, json_string("separators"));
	json_object_set_new(obj, "flags", flags);
}
