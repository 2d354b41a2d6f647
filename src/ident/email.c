/*
 * email.c: email addresses as leaks write them, to one canonical form.
 *
 * The input is hostile and not NUL-terminated. Normalizing works on a window
 * [b, e) of s that only ever shrinks: trim, strip the wrappers ("mailto:",
 * "<...>", "Name <...>"), then split at the one '@' that is outside a quoted
 * local part, and check each side while copying it lowercased into out->c.s.
 * Everything is bounded by n and by VG_EMAIL_ADDR_MAX; nothing is allocated,
 * so the hot path of ingest runs at several million addresses a second.
 *
 * Invariants:
 *  1. No byte outside s[0..n) is read.
 *  2. A valid result is NUL-terminated, at most VG_EMAIL_ADDR_MAX bytes, valid
 *     UTF-8 without whitespace or control characters, and normalizing it again
 *     gives it back unchanged (it never starts with a wrapper, never holds '<'
 *     outside quotes, never ends with '>').
 *  3. An invalid result has a reason.
 *
 * Choices (see docs/ident/email.md): dots in the local part are kept as they
 * are, even leading, trailing or doubled (providers differ; we match what was
 * written); whitespace is refused even inside quotes (the contract: "no
 * whitespace inside"); only ASCII letters are lowercased, UTF-8 bytes are kept
 * and flag the address as IDN; domain literals ([1.2.3.4]) are refused.
 */
#include "vigie/email.h"
#include "ident/email_slow.h"

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

static const vg_reason r_no_at = {"no_at", "pas de @ dans l'adresse", "no @ in the address"};
static const vg_reason r_many_at = {"many_at", "plus d'un @ dans l'adresse",
                                    "more than one @ in the address"};
static const vg_reason r_unterminated_quote = {
    "unterminated_quote", "guillemet ouvrant sans guillemet fermant dans la partie locale",
    "opening quote without a closing quote in the local part"};
static const vg_reason r_whitespace = {"whitespace", "espace à l'intérieur de l'adresse",
                                       "whitespace inside the address"};
static const vg_reason r_control = {"control_char", "caractère de contrôle dans l'adresse",
                                    "control character in the address"};
static const vg_reason r_empty_local = {"empty_local", "partie locale vide (avant le @)",
                                        "empty local part (before the @)"};
static const vg_reason r_bad_char = {"bad_char", "caractère interdit dans la partie locale",
                                     "forbidden character in the local part"};
static const vg_reason r_local_too_long = {"local_too_long",
                                           "partie locale de plus de 64 caractères",
                                           "local part longer than 64 characters"};
static const vg_reason r_empty_domain = {"empty_domain", "domaine vide (après le @)",
                                         "empty domain (after the @)"};
static const vg_reason r_bad_domain_char = {"bad_domain_char", "caractère interdit dans le domaine",
                                            "forbidden character in the domain"};
static const vg_reason r_empty_label = {"empty_label",
                                        "domaine avec une partie vide (point en trop)",
                                        "domain with an empty label (extra dot)"};
static const vg_reason r_label_too_long = {"label_too_long",
                                           "partie du domaine de plus de 63 caractères",
                                           "domain label longer than 63 characters"};
static const vg_reason r_no_dot = {"no_dot", "domaine sans point", "domain without a dot"};
static const vg_reason r_bad_label = {"bad_label",
                                      "partie du domaine commençant ou finissant par - ou _",
                                      "domain label starting or ending with - or _"};
static const vg_reason r_numeric_tld = {"numeric_tld", "extension de domaine numérique (.123)",
                                        "numeric top-level domain (.123)"};

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

/* Byte length of the whitespace character that ends at s[e) (b < e), or 0. */
static size_t space_before(const char *s, size_t b, size_t e)
{
	for (size_t len = 1; len <= 3 && len <= e - b; len++)
		if (space_at(s, e - len, e) == len)
			return len;
	return 0;
}

/* Shrinks [*b, *e) past whitespace at both ends. */
static void trim(const char *s, size_t *b, size_t *e)
{
	size_t k;
	while (*b < *e && (k = space_at(s, *b, *e)) != 0)
		*b += k;
	while (*b < *e && (k = space_before(s, *b, *e)) != 0)
		*e -= k;
}

/* ASCII lowercase of one byte; other bytes unchanged. */
static inline unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* True when s[b..) starts with the ASCII word w, ignoring case. */
static int has_prefix_ci(const char *s, size_t b, size_t e, const char *w, size_t wn)
{
	if (e - b < wn)
		return 0;
	for (size_t i = 0; i < wn; i++)
		if (lower((unsigned char)s[b + i]) != (unsigned char)w[i])
			return 0;
	return 1;
}

/* Strips one leading "mailto:" (any case) and the whitespace after it. */
static void strip_mailto(const char *s, size_t *b, size_t *e)
{
	if (has_prefix_ci(s, *b, *e, "mailto:", 7)) {
		*b += 7;
		trim(s, b, e);
	}
}

/* Index of the first '<' outside double quotes in [b, e), or e. */
static size_t find_angle(const char *s, size_t b, size_t e)
{
	int quoted = 0;
	for (size_t i = b; i < e; i++) {
		char c = s[i];
		if (quoted && c == '\\')
			i++;
		else if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == '<')
			return i;
	}
	return e;
}

/* Strips "mailto:", then "<addr>" or "Display Name <addr>", then "mailto:". */
static void strip_wrappers(const char *s, size_t *b, size_t *e)
{
	strip_mailto(s, b, e);
	if (*e - *b >= 2 && s[*e - 1] == '>') {
		size_t lt = find_angle(s, *b, *e - 1);
		if (lt < *e - 1) {
			*b = lt + 1;
			*e -= 1;
			trim(s, b, e);
			strip_mailto(s, b, e);
		}
	}
}

/* True for the characters RFC 5322 allows in an unquoted local part (atext
 * and '.'), and for UTF-8 bytes (RFC 6531). */
static inline int local_ok(unsigned char c)
{
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return 1;
	if (c >= '0' && c <= '9')
		return 1;
	if (c >= 0x80)
		return 1;
	return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

/* True for the characters allowed at both ends of a domain label: letters,
 * digits and UTF-8 bytes (IDN). */
static inline int label_edge_ok(unsigned char c)
{
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* True for the characters allowed in a domain label: the above, '-', and
 * '_' (not a host name character, but seen in real records). */
static inline int domain_ok(unsigned char c)
{
	return label_edge_ok(c) || c == '-' || c == '_';
}

/* Checks the local part out->c.s[0..ll) (already copied); sets flags. */
static const vg_reason *check_local(vg_email *out, size_t ll)
{
	const char *p = out->c.s;
	if (p[0] == '"') {
		/* the quotes were matched by the caller; only the content matters */
		if (ll <= 2)
			return &r_empty_local;
		out->flags |= VG_EMAIL_QUOTED;
	} else {
		if (ll == 0)
			return &r_empty_local;
		for (size_t i = 0; i < ll; i++)
			if (!local_ok((unsigned char)p[i]))
				return &r_bad_char;
		const char *plus = memchr(p + 1, '+', ll - 1);
		if (plus) {
			out->flags |= VG_EMAIL_TAGGED;
			out->tag_off = (size_t)(plus - p) + 1;
			out->tag_len = ll - out->tag_off;
		}
	}
	if (ll > VG_EMAIL_LOCAL_MAX)
		return &r_local_too_long;
	return NULL;
}

/* Checks the domain out->c.s[d..len) (already copied); sets the IDN flag. */
static const vg_reason *check_domain(vg_email *out, size_t d)
{
	const char *p = out->c.s;
	size_t len = out->c.len, label = d, last = d, dots = 0;
	if (d == len)
		return &r_empty_domain;
	for (size_t i = d; i < len; i++)
		if (p[i] != '.' && !domain_ok((unsigned char)p[i]))
			return &r_bad_domain_char;
	for (size_t i = d; i <= len; i++) {
		if (i < len && p[i] != '.')
			continue;
		if (i == label)
			return &r_empty_label;
		if (i - label > VG_EMAIL_LABEL_MAX)
			return &r_label_too_long;
		if (!label_edge_ok((unsigned char)p[label]) ||
		    !label_edge_ok((unsigned char)p[i - 1]))
			return &r_bad_label;
		if (i - label >= 4 && !memcmp(p + label, "xn--", 4))
			out->flags |= VG_EMAIL_IDN;
		dots += i < len;
		last = label;
		label = i + 1;
	}
	if (dots == 0)
		return &r_no_dot;
	/* the top-level label (from the last dot) is never all digits */
	size_t tld = last;
	while (tld < len && p[tld] >= '0' && p[tld] <= '9')
		tld++;
	if (tld == len)
		return &r_numeric_tld;
	return NULL;
}

/* Sets the result of the checks of an address copied into out->c (its '@'
 * at index at, high: it has UTF-8 bytes); the last step of both paths. */
static int conclude(vg_email *out, size_t at, size_t addr_len, unsigned high)
{
	const vg_reason *why = check_local(out, at);
	if (!why)
		why = check_domain(out, at + 1);
	if (!why && addr_len > VG_EMAIL_ADDR_MAX)
		why = &vg_reason_too_long;
	if (why) {
		out->flags = 0;
		out->tag_off = out->tag_len = 0;
		return vg_canon_fail(&out->c, why);
	}
	if (high)
		out->flags |= VG_EMAIL_IDN;
	out->local_len = at;
	out->c.reason = NULL;
	return 0;
}

/* Printable ASCII sets as 128-bit maps (bit c of lo for c < 64, of hi for
 * c - 64): the unquoted local part's characters (local_ok() on ASCII), and
 * a domain label's (domain_ok() on ASCII: letters, digits, '-', '_'). */
#define LOCAL_LO 0xa3ffecfa00000000ull
#define LOCAL_HI 0x7fffffffc7fffffeull
#define LABEL_LO 0x03ff200000000000ull
#define LABEL_HI 0x07fffffe87fffffeull

/* Byte classes of the fast path: 1 in the local part's set, 2 in a label's,
 * 4 the lowercase offset (an ASCII capital); computed from the maps by the
 * compiler. */
#define BIT_(lo, hi, c) ((((c) < 64 ? (lo) : (c) < 128 ? (hi) : 0) >> ((c)&63)) & 1)
#define CLS_(c)                                                                                    \
	(uint8_t)(BIT_(LOCAL_LO, LOCAL_HI, c) | BIT_(LABEL_LO, LABEL_HI, c) << 1 |                 \
	          ((c) >= 'A' && (c) <= 'Z') << 2)
#define CLS4_(c) CLS_(c), CLS_((c) + 1), CLS_((c) + 2), CLS_((c) + 3)
#define CLS16_(c) CLS4_(c), CLS4_((c) + 4), CLS4_((c) + 8), CLS4_((c) + 12)
#define CLS64_(c) CLS16_(c), CLS16_((c) + 16), CLS16_((c) + 32), CLS16_((c) + 48)
static const uint8_t cls[256] = {CLS64_(0), CLS64_(64), CLS64_(128), CLS64_(192)};

/* A letter or a digit: what a domain label starts and ends with, in ASCII. */
static inline int edge_ascii(unsigned char c)
{
	return (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10;
}

/*
 * The common case in one pass: an address that is valid as written, in
 * ASCII, unquoted, without wrappers or whitespace (then trimming, the UTF-8
 * check and the wrappers would change nothing, and the general path would
 * copy it lowercased and accept it: the result is the same). Anything else
 * (including every invalid address, whose reason the general path names)
 * returns 1, with out->c.s possibly written. tests/unit/test_email.c
 * compares the two paths on 200,000 addresses made of the pieces that
 * decide between them.
 */
static int normalize_fast(const char *s, size_t n, vg_email *out)
{
	if (n > VG_EMAIL_ADDR_MAX)
		return 1;
	char *o = out->c.s;
	/* the local part: up to the first byte out of its set, which must be
	 * the '@' ('@' is not in the set) */
	size_t at = 0, plus = 0;
	for (; at < n; at++) {
		unsigned char c = (unsigned char)s[at];
		unsigned k = cls[c];
		if (!(k & 1))
			break;
		if (c == '+' && !plus && at)
			plus = at;
		o[at] = (char)(c | (k & 4) << 3);
	}
	if (at == n || s[at] != '@' || at == 0 || at > VG_EMAIL_LOCAL_MAX)
		return 1;
	unsigned ok = 1;
	o[at] = '@';
	unsigned idn = 0;
	size_t label = at + 1, dots = 0;
	for (size_t i = at + 1;; i++) {
		if (i == n || s[i] == '.') {
			if (i == label || i - label > VG_EMAIL_LABEL_MAX ||
			    !edge_ascii((unsigned char)o[label]) ||
			    !edge_ascii((unsigned char)o[i - 1]))
				return 1;
			if (i - label >= 4 && !memcmp(o + label, "xn--", 4))
				idn = VG_EMAIL_IDN;
			if (i == n)
				break;
			o[i] = '.';
			dots++;
			label = i + 1;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		unsigned k = cls[c];
		ok &= k >> 1;
		o[i] = (char)(c | (k & 4) << 3);
	}
	if (!ok || dots == 0)
		return 1;
	size_t d = label; /* the top-level label is never all digits */
	while (d < n && (unsigned)(o[d] - '0') < 10)
		d++;
	if (d == n)
		return 1;
	o[n] = '\0';
	out->c.len = n;
	out->c.reason = NULL;
	out->local_len = at;
	out->flags = idn;
	if (plus) {
		out->flags |= VG_EMAIL_TAGGED;
		out->tag_off = plus + 1;
		out->tag_len = at - out->tag_off;
	}
	return 0;
}

#ifdef __SSE2__
/* Bytes of v in [lo, hi] (ASCII bounds; bytes of 0x80 and up are not). */
static inline __m128i in_range(__m128i v, char lo, char hi)
{
	return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1))),
	                     _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1))));
}

/*
 * normalize_fast() for an address of 16 to 64 bytes made of letters,
 * digits, '.', '-', '_', '+' and one '@' (nearly every address of a leak),
 * 16 bytes at a time: masks over the address (bit i: byte i), then the
 * checks of normalize_fast() as operations on them. Returns 1 when the
 * address is not such a case or not valid (normalize_fast() then decides).
 */
static int normalize_simd(const char *s, size_t n, vg_email *out)
{
	if (n < 16 || n > 64)
		return 1;
	uint64_t m_at = 0, m_dot = 0, m_alnum = 0, m_digit = 0, m_ok = 0, m_plus = 0;
	char *o = out->c.s;
	for (size_t i = 0;; i += 16) {
		if (i + 16 > n)
			i = n - 16; /* the last block overlaps: the same bytes again */
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i up = in_range(v, 'A', 'Z');
		__m128i digit = in_range(v, '0', '9');
		__m128i alnum = _mm_or_si128(_mm_or_si128(up, in_range(v, 'a', 'z')), digit);
		__m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
		__m128i at = _mm_cmpeq_epi8(v, _mm_set1_epi8('@'));
		__m128i plus = _mm_cmpeq_epi8(v, _mm_set1_epi8('+'));
		__m128i ok =
		    _mm_or_si128(_mm_or_si128(alnum, dot),
		                 _mm_or_si128(_mm_or_si128(at, plus),
		                              _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
		                                           _mm_cmpeq_epi8(v, _mm_set1_epi8('_')))));
		_mm_storeu_si128((__m128i *)(void *)(o + i),
		                 _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20))));
		m_at |= (uint64_t)(unsigned)_mm_movemask_epi8(at) << i;
		m_dot |= (uint64_t)(unsigned)_mm_movemask_epi8(dot) << i;
		m_alnum |= (uint64_t)(unsigned)_mm_movemask_epi8(alnum) << i;
		m_digit |= (uint64_t)(unsigned)_mm_movemask_epi8(digit) << i;
		m_ok |= (uint64_t)(unsigned)_mm_movemask_epi8(ok) << i;
		m_plus |= (uint64_t)(unsigned)_mm_movemask_epi8(plus) << i;
		if (i + 16 == n)
			break;
	}
	const uint64_t all = n == 64 ? ~0ull : (1ull << n) - 1;
	if (m_ok != all || m_at == 0 || (m_at & (m_at - 1)))
		return 1; /* another byte, or not one '@' */
	size_t at = (size_t)__builtin_ctzll(m_at);
	if (at == 0 || at > VG_EMAIL_LOCAL_MAX || at + 1 >= n)
		return 1; /* (the general path names an empty part) */
	const uint64_t local = (1ull << at) - 1, dom = all & ~local & ~m_at;
	const uint64_t first = 1ull << (at + 1), last = 1ull << (n - 1);
	const uint64_t dots = m_dot & dom;
	if (!dom || !dots || (m_plus & dom))
		return 1;
	/* labels: none empty, each starting and ending with a letter or digit */
	const uint64_t starts = first | (dots << 1), ends = last | (dots >> 1);
	if ((dots & (first | last | (dots << 1))) || ((starts | ends) & dom & ~m_alnum))
		return 1;
	/* the top-level label is not all digits */
	const uint64_t tld = dom & ~((2ull << (63 - __builtin_clzll(dots))) - 1);
	if (!(tld & ~m_digit))
		return 1;
	unsigned idn = 0;
	for (uint64_t st = starts & dom; st; st &= st - 1) {
		size_t k = (size_t)__builtin_ctzll(st);
		if (k + 4 <= n && !memcmp(o + k, "xn--", 4))
			idn = VG_EMAIL_IDN;
	}
	o[n] = '\0';
	out->c.len = n;
	out->c.reason = NULL;
	out->local_len = at;
	out->flags = idn;
	uint64_t tag = m_plus & local & ~1ull;
	if (tag) {
		out->flags |= VG_EMAIL_TAGGED;
		out->tag_off = (size_t)__builtin_ctzll(tag) + 1;
		out->tag_len = at - out->tag_off;
	}
	return 0;
}
#endif

int vg_email_normalize(const char *s, size_t n, vg_email *out)
{
	out->local_len = 0;
	out->tag_off = 0;
	out->tag_len = 0;
	out->flags = 0;
#ifdef __SSE2__
	if (normalize_simd(s, n, out) == 0)
		return 0;
#endif
	if (n > 0) {
		int rc = normalize_fast(s, n, out);
		if (rc != 1)
			return rc;
	}
	return vgi_email_normalize_slow(s, n, out);
}

/* Normalizes one address; see the header and the design notes above. */
int vgi_email_normalize_slow(const char *s, size_t n, vg_email *out)
{
	out->local_len = 0;
	out->tag_off = 0;
	out->tag_len = 0;
	out->flags = 0;
	if (n > VG_INPUT_MAX)
		return vg_canon_fail(&out->c, &vg_reason_too_long);
	if (n == 0)
		return vg_canon_fail(&out->c, &vg_reason_empty);
	size_t b = 0, e = n;
	trim(s, &b, &e);
	if (b == e)
		return vg_canon_fail(&out->c, &vg_reason_empty);
	if (!vg_utf8_valid(s + b, e - b))
		return vg_canon_fail(&out->c, &vg_reason_bad_utf8);
	strip_wrappers(s, &b, &e);
	if (b == e)
		return vg_canon_fail(&out->c, &vg_reason_empty);

	/* The '@' that separates local part and domain: after the closing quote
	 * of a quoted local part, else the first one. */
	size_t at;
	if (s[b] == '"') {
		size_t i = b + 1;
		while (i < e && s[i] != '"')
			i += (s[i] == '\\' && i + 1 < e) ? 2 : 1;
		if (i >= e)
			return vg_canon_fail(&out->c, &r_unterminated_quote);
		at = i + 1;
		if (at == e || s[at] != '@')
			return vg_canon_fail(&out->c,
			                     memchr(s + at, '@', e - at) ? &r_bad_char : &r_no_at);
	} else {
		const char *p = memchr(s + b, '@', e - b);
		if (!p)
			return vg_canon_fail(&out->c, &r_no_at);
		at = (size_t)(p - s);
	}
	if (memchr(s + at + 1, '@', e - at - 1))
		return vg_canon_fail(&out->c, &r_many_at);

	/* Far over the limit: refuse before copying (the buffer holds 511). */
	if (e - b >= VG_CANON_MAX)
		return vg_canon_fail(&out->c, &vg_reason_too_long);

	/* Copy lowercased, refusing whitespace and control characters. */
	unsigned high = 0;
	size_t o = 0;
	for (size_t i = b; i < e; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (c <= ' ' || c == 0x7F)
				return vg_canon_fail(&out->c, (c == ' ' || (c >= '\t' && c <= '\r'))
				                                  ? &r_whitespace
				                                  : &r_control);
		} else {
			high = 1;
			if (space_at(s, i, e))
				return vg_canon_fail(&out->c, &r_whitespace);
			if (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0) /* C1 controls */
				return vg_canon_fail(&out->c, &r_control);
		}
		out->c.s[o++] = (char)lower(c);
	}
	out->c.len = o;
	out->c.s[o] = '\0';
	return conclude(out, at - b, e - b, high);
}

/* Adds the parts and flags of a valid address to obj. */
void vg_email_describe(const vg_email *e, json_t *obj)
{
	json_t *parts = json_object();
	json_object_set_new(parts, "local", json_stringn(e->c.s, e->local_len));
	json_object_set_new(parts, "domain",
	                    json_stringn(e->c.s + e->local_len + 1, e->c.len - e->local_len - 1));
	if (e->flags & VG_EMAIL_TAGGED)
		json_object_set_new(parts, "tag", json_stringn(e->c.s + e->tag_off, e->tag_len));
	json_object_set_new(obj, "parts", parts);
	json_t *flags = json_array();
	if (e->flags & VG_EMAIL_QUOTED)
		json_array_append_new(flags, json_string("quoted"));
	if (e->flags & VG_EMAIL_TAGGED)
		json_array_append_new(flags, json_string("tagged"));
	if (e->flags & VG_EMAIL_IDN)
		json_array_append_new(flags, json_string("idn"));
	json_object_set_new(obj, "flags", flags);
}
