/*
 * phone.c: telephone numbers to E.164.
 *
 * Two stages.
 *
 * scan() reads what people and old databases write. It skips blanks and
 * separators (spaces, dots, dashes, slashes, parentheses, and the Unicode
 * spaces and dashes of word processors), strips a leading "tel:" in any case,
 * keeps one optional '+' before the first digit and up to VG_PHONE_DIGITS_MAX
 * digits, and rejects everything else with a reason: letters (vanity numbers,
 * "ext."), other characters, a misplaced '+'. What is left is a "dial":
 * "+DIGITS" or "DIGITS". Parentheses are only separators: the trunk 0 of
 * "+33 (0)6..." is dropped by the interpretation below, as for "+3306...".
 *
 * Then one of two interpreters reads the dial:
 *  - fast() answers for French numbers in their common shapes, with rules
 *    transcribed from libphonenumber's metadata, in plain C;
 *  - lib() asks libphonenumber (phonelib.cc) and answers for everything.
 * A national number (leading 0, not 00) takes the calling code its first
 * digits give (home()): the overseas prefixes 0262 0263 0269 0639 0692 0693
 * (+262), 0590 0690 0691 (+590), 0594 0694 (+594), 0596 0696 0697 (+596),
 * and France (+33) for everything else; the library sees it as +CC and the
 * digits after the 0. Nine digits with no prefix are a national number that
 * lost its 0. Other digits with no prefix are left to the library, in region
 * FR (it reads "33612345678" as +33612345678).
 *
 * Invariants:
 *  1. Only s[0..n) is read; nothing is allocated unless the library is
 *     called; the result is in the caller's vg_phone.
 *  2. fast() answers only when the national significant number has exactly
 *     9 digits, the first not 0, and the country code is 33, 262, 590, 594
 *     or 596. Then its answer (valid or not, E.164, country, region, type,
 *     reason) is exactly lib()'s. Any other dial goes to lib().
 *  3. The rules are those of libphonenumber 8.12.57 (PhoneNumberMetadata.xml,
 *     territories FR, RE, YT, GP, BL, MF, GF, MQ). Every pattern there is
 *     decided by the first 5 digits of a 9-digit number, so checking every
 *     5-digit prefix of every code against the library checks them all; the
 *     unit tests do that, and compare both paths on 1M formatted numbers. A
 *     metadata update of the library shows up there as a failure.
 */
#include "vigie/phone.h"

#include "ident/digits.h"
#include "ident/phonelib.h"

#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------- reasons */

static const vg_reason letters = {"letters",
                                  "lettres dans le numéro (seul un préfixe « tel: » est admis)",
                                  "letters in the number (only a \"tel:\" prefix is allowed)"};
static const vg_reason bad_char = {
    "bad_char",
    "caractère non autorisé dans un numéro de téléphone (chiffres, +, espaces, . - / ( ))",
    "character not allowed in a phone number (digits, +, spaces, . - / ( ))"};
static const vg_reason bad_plus = {"bad_plus",
                                   "« + » mal placé : un seul, devant l'indicatif du pays",
                                   "misplaced \"+\": only one, before the country code"};
static const vg_reason no_digits = {"no_digits", "aucun chiffre", "no digits"};
static const vg_reason too_short = {"too_short", "numéro trop court", "number too short"};
static const vg_reason too_long = {"too_long", "numéro trop long", "number too long"};
static const vg_reason bad_length = {"bad_length", "nombre de chiffres impossible pour ce pays",
                                     "number of digits not possible for this country"};
static const vg_reason unknown_country = {"unknown_country_code", "indicatif de pays inconnu",
                                          "unknown country code"};
static const vg_reason invalid_number = {
    "invalid_number", "numéro invalide : hors des plages attribuées dans ce pays",
    "invalid number: not in a range allocated in this country"};
static const vg_reason lib_error = {"internal", "erreur interne de libphonenumber",
                                    "internal error in libphonenumber"};

/* Sets out to invalid with reason r; returns rc. */
static int fail(vg_phone *out, const vg_reason *r, int rc)
{
	vg_canon_fail(&out->c, r);
	out->country = 0;
	out->region[0] = '\0';
	out->type = VG_PHONE_UNKNOWN;
	out->fast_path = 0;
	return rc;
}

/* ------------------------------------------------------------------ scan */

/* A number as dialled: an optional '+' and digits, nothing else. */
typedef struct dial {
	char d[VG_PHONE_DIGITS_MAX];
	size_t nd;
	int plus;
} dial;

/* Length of the Unicode separator at p (left bytes), or 0; *space tells
 * whether it is blank. */
static size_t unicode_sep(const unsigned char *p, size_t left, int *space)
{
	*space = 1;
	if (left >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return 2; /* U+00A0 no-break space */
	if (left >= 2 && p[0] == 0xC2 && p[1] == 0xB7) {
		*space = 0;
		return 2; /* U+00B7 middle dot */
	}
	if (left < 3)
		return 0;
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] <= 0x8B || p[2] == 0xAF))
		return 3; /* U+2000-200B spaces, U+202F narrow no-break space */
	if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return 3; /* U+FEFF byte order mark */
	*space = 0;
	if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x90 && p[2] <= 0x94)
		return 3; /* U+2010-2014 hyphens and dashes */
	if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92)
		return 3; /* U+2212 minus sign */
	return 0;
}

/* Whether c is ASCII whitespace. */
static int is_blank(unsigned c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Reads s[0..n) into p; NULL, or the reason it is not a number. */
static const vg_reason *scan(const char *s, size_t n, dial *p)
{
	const unsigned char *u = (const unsigned char *)s;
	int seen = 0; /* a character other than a blank was seen */
	size_t i = 0;

	p->nd = 0;
	p->plus = 0;
	if (n > VG_INPUT_MAX)
		return &vg_reason_too_long;
	while (i < n && is_blank(u[i]))
		i++;
	if (n - i >= 4 && (u[i] | 0x20) == 't' && (u[i + 1] | 0x20) == 'e' &&
	    (u[i + 2] | 0x20) == 'l' && u[i + 3] == ':') {
		i += 4;
		seen = 1;
	}
	for (; i < n; i++) {
		unsigned c = u[i];
		if (c >= '0' && c <= '9') {
			if (p->nd == sizeof(p->d))
				return &too_long;
			p->d[p->nd++] = (char)c;
			continue;
		}
		if (is_blank(c))
			continue;
		if (c >= 0x80) {
			int space;
			size_t k = unicode_sep(u + i, n - i, &space);
			if (!k)
				return vg_utf8_seq(u + i, n - i) ? &bad_char : &vg_reason_bad_utf8;
			seen |= !space;
			i += k - 1;
			continue;
		}
		seen = 1;
		if (c == '+') {
			if (p->plus || p->nd)
				return &bad_plus;
			p->plus = 1;
		} else if (c == '.' || c == '-' || c == '/' || c == '(' || c == ')') {
			continue;
		} else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			return &letters;
		} else {
			return &bad_char;
		}
	}
	if (!p->nd)
		return seen ? &no_digits : &vg_reason_empty;
	return NULL;
}

/* ----------------------------------------------------- French fast path */

/*
 * The metadata of each region, as rules on the first digits of the 9-digit
 * national significant number. A rule is a list of digit sets (bit d set:
 * digit d allowed), one per leading position; the remaining digits are free.
 * Each rule below is one alternative of the library's pattern, quoted above
 * it.
 */
typedef struct rule {
	uint16_t set[5];
	uint8_t len;
	uint8_t type; /* a vg_phone_type, for the special-rate rules */
} rule;

typedef struct rules {
	const rule *r;
	size_t n;
} rules;

/* One region of a country code, as libphonenumber describes it (a
 * <territory> of its metadata). */
typedef struct territory {
	char id[3];
	rules lead;    /* leadingDigits: pick this region (none: pick it by type) */
	rules general; /* generalDesc: every number of the region */
	rules special; /* premium, toll-free, shared cost, VoIP, UAN, in the library's order */
	rules fixed;   /* fixedLine */
	rules mobile;  /* mobile */
} territory;

/* A country calling code: its regions, in the library's order. */
typedef struct country {
	unsigned cc;
	char code[4]; /* cc as text */
	const territory *regions;
	size_t nregions;
} country;

/* clang-format off */
#define N(x) (1u << (x))                       /* the digit x */
#define R(a, b) ((2u << (b)) - (1u << (a)))    /* the digits a to b */
#define ROW(t, ...) {{__VA_ARGS__}, sizeof((uint16_t[]){__VA_ARGS__}) / sizeof(uint16_t), t}
#define P(...) ROW(VG_PHONE_UNKNOWN, __VA_ARGS__)
#define RULES(a) {a, sizeof(a) / sizeof(a[0])}
#define NONE {NULL, 0}
/* clang-format on */
#define COUNT(a) (sizeof(a) / sizeof(a[0]))

/* FR (+33), general [1-9]\d{8} */
static const rule fr_general[] = {P(R(1, 9))};
static const rule fr_special[] = {
    /* premiumRate 836(?:0[0-36-9]|[1-9]\d)\d{4} */
    ROW(VG_PHONE_PREMIUM, N(8), N(3), N(6), N(0), R(0, 3) | R(6, 9)),
    ROW(VG_PHONE_PREMIUM, N(8), N(3), N(6), R(1, 9)),
    /* | 8(?:1[2-9]|2[2-47-9]|3[0-57-9]|[569]\d|8[0-35-9])\d{6} */
    ROW(VG_PHONE_PREMIUM, N(8), N(1), R(2, 9)),
    ROW(VG_PHONE_PREMIUM, N(8), N(2), R(2, 4) | R(7, 9)),
    ROW(VG_PHONE_PREMIUM, N(8), N(3), R(0, 5) | R(7, 9)),
    ROW(VG_PHONE_PREMIUM, N(8), N(5) | N(6) | N(9)),
    ROW(VG_PHONE_PREMIUM, N(8), N(8), R(0, 3) | R(5, 9)),
    /* tollFree 80[0-5]\d{6} */
    ROW(VG_PHONE_TOLL_FREE, N(8), N(0), R(0, 5)),
    /* sharedCost 8(?:1[01]|2[0156]|4[02]|84)\d{6} */
    ROW(VG_PHONE_SHARED_COST, N(8), N(1), R(0, 1)),
    ROW(VG_PHONE_SHARED_COST, N(8), N(2), N(0) | N(1) | N(5) | N(6)),
    ROW(VG_PHONE_SHARED_COST, N(8), N(4), N(0) | N(2)),
    ROW(VG_PHONE_SHARED_COST, N(8), N(8), N(4)),
    /* voip 9\d{8} */
    ROW(VG_PHONE_VOIP, N(9)),
    /* uan 80[6-9]\d{6} */
    ROW(VG_PHONE_UAN, N(8), N(0), R(6, 9)),
};
/* fixedLine (?:[1-35]\d|4[1-9])\d{7} */
static const rule fr_fixed[] = {P(R(1, 3) | N(5)), P(N(4), R(1, 9))};
/* mobile (?:6(?:[0-24-8]\d|3[0-8]|9[589])|7(?:00|[3-9]\d))\d{6} */
static const rule fr_mobile[] = {
    P(N(6), R(0, 2) | R(4, 8)), P(N(6), N(3), R(0, 8)), P(N(6), N(9), N(5) | N(8) | N(9)),
    P(N(7), N(0), N(0)),        P(N(7), R(3, 9)),
};

/* RE (+262, main region), leadingDigits 26[23]|69|[89] */
static const rule re_lead[] = {P(N(2), N(6), R(2, 3)), P(N(6), N(9)), P(R(8, 9))};
/* general 976\d{6}|(?:26|[68]\d)\d{7} */
static const rule re_general[] = {P(N(9), N(7), N(6)), P(N(2), N(6)), P(N(6) | N(8))};
static const rule re_special[] = {
    /* premiumRate 89[1-37-9]\d{6} */
    ROW(VG_PHONE_PREMIUM, N(8), N(9), R(1, 3) | R(7, 9)),
    /* tollFree 80\d{7} */
    ROW(VG_PHONE_TOLL_FREE, N(8), N(0)),
    /* sharedCost 8(?:1[019]|2[0156]|84|90)\d{6} */
    ROW(VG_PHONE_SHARED_COST, N(8), N(1), N(0) | N(1) | N(9)),
    ROW(VG_PHONE_SHARED_COST, N(8), N(2), N(0) | N(1) | N(5) | N(6)),
    ROW(VG_PHONE_SHARED_COST, N(8), N(8), N(4)),
    ROW(VG_PHONE_SHARED_COST, N(8), N(9), N(0)),
};
/* fixedLine 26(?:2\d\d|3(?:0\d|1[01]))\d{4} */
static const rule re_fixed[] = {P(N(2), N(6), N(2)), P(N(2), N(6), N(3), N(0)),
                                P(N(2), N(6), N(3), N(1), R(0, 1))};
/* mobile (?:69(?:2\d\d|3(?:0[0-46]|1[013]|2[0-2]|3[0-39]|4\d|5[0-5]|6[0-6]|7[0-27]|8[0-8]|
 * 9[0-479])))|976(?:2[27]|3[0-37]|9\d))\d{4} */
static const rule re_mobile[] = {
    P(N(6), N(9), N(2)),
    P(N(6), N(9), N(3), N(0), R(0, 4) | N(6)),
    P(N(6), N(9), N(3), N(1), N(0) | N(1) | N(3)),
    P(N(6), N(9), N(3), N(2), R(0, 2)),
    P(N(6), N(9), N(3), N(3), R(0, 3) | N(9)),
    P(N(6), N(9), N(3), N(4)),
    P(N(6), N(9), N(3), N(5), R(0, 5)),
    P(N(6), N(9), N(3), N(6), R(0, 6)),
    P(N(6), N(9), N(3), N(7), R(0, 2) | N(7)),
    P(N(6), N(9), N(3), N(8), R(0, 8)),
    P(N(6), N(9), N(3), N(9), R(0, 4) | N(7) | N(9)),
    P(N(9), N(7), N(6), N(2), N(2) | N(7)),
    P(N(9), N(7), N(6), N(3), R(0, 3) | N(7)),
    P(N(9), N(7), N(6), N(9)),
};

/* YT (+262), leadingDigits 269|63 */
static const rule yt_lead[] = {P(N(2), N(6), N(9)), P(N(6), N(3))};
/* general 80\d{7}|(?:26|63)9\d{6} */
static const rule yt_general[] = {P(N(8), N(0)), P(N(2), N(6), N(9)), P(N(6), N(3), N(9))};
/* tollFree 80\d{7} */
static const rule yt_special[] = {ROW(VG_PHONE_TOLL_FREE, N(8), N(0))};
/* fixedLine 269(?:0[0-367]|5[0-3]|6\d|[78]0)\d{4} */
static const rule yt_fixed[] = {
    P(N(2), N(6), N(9), N(0), R(0, 3) | R(6, 7)),
    P(N(2), N(6), N(9), N(5), R(0, 3)),
    P(N(2), N(6), N(9), N(6)),
    P(N(2), N(6), N(9), R(7, 8), N(0)),
};
/* mobile 639(?:0[0-79]|1[019]|[267]\d|3[09]|40|5[05-9]|9[04-79])\d{4} */
static const rule yt_mobile[] = {
    P(N(6), N(3), N(9), N(0), R(0, 7) | N(9)),
    P(N(6), N(3), N(9), N(1), N(0) | N(1) | N(9)),
    P(N(6), N(3), N(9), N(2) | R(6, 7)),
    P(N(6), N(3), N(9), N(3), N(0) | N(9)),
    P(N(6), N(3), N(9), N(4), N(0)),
    P(N(6), N(3), N(9), N(5), N(0) | R(5, 9)),
    P(N(6), N(3), N(9), N(9), N(0) | R(4, 7) | N(9)),
};

/* GP, BL, MF (+590) share all but their fixed lines; no leadingDigits, so
 * the first region (GP, BL, MF) whose rules match the number is taken.
 * general (?:590|(?:69|80)\d|976)\d{6} */
static const rule gp_general[] = {P(N(5), N(9), N(0)), P(N(6), N(9)), P(N(8), N(0)),
                                  P(N(9), N(7), N(6))};
static const rule gp_special[] = {
    /* tollFree 80[0-5]\d{6} */
    ROW(VG_PHONE_TOLL_FREE, N(8), N(0), R(0, 5)),
    /* voip 976[01]\d{5} */
    ROW(VG_PHONE_VOIP, N(9), N(7), N(6), R(0, 1)),
};
/* mobile 69(?:0\d\d|1(?:2[2-9]|3[0-5]))\d{4} */
static const rule gp_mobile[] = {
    P(N(6), N(9), N(0)),
    P(N(6), N(9), N(1), N(2), R(2, 9)),
    P(N(6), N(9), N(1), N(3), R(0, 5)),
};
/* GP fixedLine 590(?:0[1-68]|[14][0-24-9]|2[0-68]|3[1289]|5[3-579]|6[0-289]|7[08]|8[0-689]|
 * 9\d)\d{4} */
static const rule gp_fixed[] = {
    P(N(5), N(9), N(0), N(0), R(1, 6) | N(8)),
    P(N(5), N(9), N(0), N(1) | N(4), R(0, 2) | R(4, 9)),
    P(N(5), N(9), N(0), N(2), R(0, 6) | N(8)),
    P(N(5), N(9), N(0), N(3), R(1, 2) | R(8, 9)),
    P(N(5), N(9), N(0), N(5), R(3, 5) | N(7) | N(9)),
    P(N(5), N(9), N(0), N(6), R(0, 2) | R(8, 9)),
    P(N(5), N(9), N(0), N(7), N(0) | N(8)),
    P(N(5), N(9), N(0), N(8), R(0, 6) | R(8, 9)),
    P(N(5), N(9), N(0), N(9)),
};
/* BL fixedLine 590(?:2[7-9]|5[12]|87)\d{4} */
static const rule bl_fixed[] = {
    P(N(5), N(9), N(0), N(2), R(7, 9)),
    P(N(5), N(9), N(0), N(5), R(1, 2)),
    P(N(5), N(9), N(0), N(8), N(7)),
};
/* MF fixedLine 590(?:0[079]|[14]3|[27][79]|30|5[0-268]|87)\d{4} */
static const rule mf_fixed[] = {
    P(N(5), N(9), N(0), N(0), N(0) | N(7) | N(9)),    P(N(5), N(9), N(0), N(1) | N(4), N(3)),
    P(N(5), N(9), N(0), N(2) | N(7), N(7) | N(9)),    P(N(5), N(9), N(0), N(3), N(0)),
    P(N(5), N(9), N(0), N(5), R(0, 2) | N(6) | N(8)), P(N(5), N(9), N(0), N(8), N(7)),
};

/* GF (+594), general (?:[56]94|80\d|976)\d{6} */
static const rule gf_general[] = {P(N(5) | N(6), N(9), N(4)), P(N(8), N(0)), P(N(9), N(7), N(6))};
static const rule gf_special[] = {
    /* tollFree 80[0-5]\d{6} */
    ROW(VG_PHONE_TOLL_FREE, N(8), N(0), R(0, 5)),
    /* voip 976\d{6} */
    ROW(VG_PHONE_VOIP, N(9), N(7), N(6)),
};
/* fixedLine 594(?:[0239]\d|1[0-2]|4[03-9]|5[6-9]|6[0-3]|80)\d{4} */
static const rule gf_fixed[] = {
    P(N(5), N(9), N(4), N(0) | R(2, 3) | N(9)), P(N(5), N(9), N(4), N(1), R(0, 2)),
    P(N(5), N(9), N(4), N(4), N(0) | R(3, 9)),  P(N(5), N(9), N(4), N(5), R(6, 9)),
    P(N(5), N(9), N(4), N(6), R(0, 3)),         P(N(5), N(9), N(4), N(8), N(0)),
};
/* mobile 694(?:[0-249]\d|3[0-8])\d{4} */
static const rule gf_mobile[] = {
    P(N(6), N(9), N(4), R(0, 2) | N(4) | N(9)),
    P(N(6), N(9), N(4), N(3), R(0, 8)),
};

/* MQ (+596), general (?:69|80)\d{7}|(?:59|97)6\d{6} */
static const rule mq_general[] = {P(N(6), N(9)), P(N(8), N(0)), P(N(5), N(9), N(6)),
                                  P(N(9), N(7), N(6))};
static const rule mq_special[] = {
    /* tollFree 80[0-5]\d{6} */
    ROW(VG_PHONE_TOLL_FREE, N(8), N(0), R(0, 5)),
    /* voip 976(?:6\d|7[0-367])\d{4} */
    ROW(VG_PHONE_VOIP, N(9), N(7), N(6), N(6)),
    ROW(VG_PHONE_VOIP, N(9), N(7), N(6), N(7), R(0, 3) | R(6, 7)),
};
/* fixedLine 596(?:[03-7]\d|10|2[7-9]|8[09]|9[4-9])\d{4} */
static const rule mq_fixed[] = {
    P(N(5), N(9), N(6), N(0) | R(3, 7)), P(N(5), N(9), N(6), N(1), N(0)),
    P(N(5), N(9), N(6), N(2), R(7, 9)),  P(N(5), N(9), N(6), N(8), N(0) | N(9)),
    P(N(5), N(9), N(6), N(9), R(4, 9)),
};
/* mobile 69(?:6(?:[0-46-9]\d|5[0-6])|727)\d{4} */
static const rule mq_mobile[] = {
    P(N(6), N(9), N(6), R(0, 4) | R(6, 9)),
    P(N(6), N(9), N(6), N(5), R(0, 6)),
    P(N(6), N(9), N(7), N(2), N(7)),
};

static const territory fr_regions[] = {
    {"FR", NONE, RULES(fr_general), RULES(fr_special), RULES(fr_fixed), RULES(fr_mobile)},
};
static const territory re_regions[] = {
    {"RE", RULES(re_lead), RULES(re_general), RULES(re_special), RULES(re_fixed), RULES(re_mobile)},
    {"YT", RULES(yt_lead), RULES(yt_general), RULES(yt_special), RULES(yt_fixed), RULES(yt_mobile)},
};
static const territory gp_regions[] = {
    {"GP", NONE, RULES(gp_general), RULES(gp_special), RULES(gp_fixed), RULES(gp_mobile)},
    {"BL", NONE, RULES(gp_general), RULES(gp_special), RULES(bl_fixed), RULES(gp_mobile)},
    {"MF", NONE, RULES(gp_general), RULES(gp_special), RULES(mf_fixed), RULES(gp_mobile)},
};
static const territory gf_regions[] = {
    {"GF", NONE, RULES(gf_general), RULES(gf_special), RULES(gf_fixed), RULES(gf_mobile)},
};
static const territory mq_regions[] = {
    {"MQ", NONE, RULES(mq_general), RULES(mq_special), RULES(mq_fixed), RULES(mq_mobile)},
};

enum { C_FR, C_RE, C_GP, C_GF, C_MQ };
static const country countries[] = {
    [C_FR] = {33, "33", fr_regions, COUNT(fr_regions)},
    [C_RE] = {262, "262", re_regions, COUNT(re_regions)},
    [C_GP] = {590, "590", gp_regions, COUNT(gp_regions)},
    [C_GF] = {594, "594", gf_regions, COUNT(gf_regions)},
    [C_MQ] = {596, "596", mq_regions, COUNT(mq_regions)},
};

/* The country of a national number from its first three significant digits
 * (the overseas prefixes); France for anything else. */
static const country *home(const char *nsn)
{
	unsigned p = (unsigned)(nsn[0] - '0') * 100 + (unsigned)(nsn[1] - '0') * 10 +
	             (unsigned)(nsn[2] - '0');
	switch (p) {
	case 262: /* Réunion */
	case 263:
	case 692:
	case 693:
	case 269: /* Mayotte */
	case 639:
		return &countries[C_RE];
	case 590: /* Guadeloupe, Saint-Martin, Saint-Barthélemy */
	case 690:
	case 691:
		return &countries[C_GP];
	case 594: /* Guyane */
	case 694:
		return &countries[C_GF];
	case 596: /* Martinique */
	case 696:
	case 697:
		return &countries[C_MQ];
	default:
		return &countries[C_FR];
	}
}

/* The country whose calling code starts d[0..nd), and its length in *len. */
static const country *calling_code(const char *d, size_t nd, size_t *len)
{
	for (size_t i = 0; i < sizeof(countries) / sizeof(countries[0]); i++) {
		size_t k = strlen(countries[i].code);
		if (nd >= k && !memcmp(d, countries[i].code, k)) {
			*len = k;
			return &countries[i];
		}
	}
	return NULL;
}

/* Whether the digits v match rule r. */
static int match(const rule *r, const uint8_t *v)
{
	for (unsigned i = 0; i < r->len; i++)
		if (!((r->set[i] >> v[i]) & 1u))
			return 0;
	return 1;
}

/* The first rule of rs that v matches, or NULL. */
static const rule *match_any(rules rs, const uint8_t *v)
{
	for (size_t i = 0; i < rs.n; i++)
		if (match(&rs.r[i], v))
			return &rs.r[i];
	return NULL;
}

/* The type of v in region g, as libphonenumber's GetNumberTypeHelper. */
static vg_phone_type region_type(const territory *g, const uint8_t *v)
{
	if (!match_any(g->general, v))
		return VG_PHONE_UNKNOWN;
	const rule *r = match_any(g->special, v);
	if (r)
		return (vg_phone_type)r->type;
	int fixed = match_any(g->fixed, v) != NULL;
	int mobile = match_any(g->mobile, v) != NULL;
	if (fixed)
		return mobile ? VG_PHONE_FIXED_OR_MOBILE : VG_PHONE_FIXED;
	return mobile ? VG_PHONE_MOBILE : VG_PHONE_UNKNOWN;
}

/* The region of v in country c (as GetRegionCodeForNumber) and its type,
 * or NULL when no region claims it. */
static const territory *pick_region(const country *c, const uint8_t *v, vg_phone_type *type)
{
	*type = VG_PHONE_UNKNOWN;
	for (size_t i = 0; i < c->nregions; i++) {
		const territory *g = &c->regions[i];
		if (g->lead.n) {
			if (match_any(g->lead, v)) {
				*type = region_type(g, v);
				return g;
			}
		} else if ((*type = region_type(g, v)) != VG_PHONE_UNKNOWN) {
			return g;
		}
	}
	return NULL;
}

/*
 * pick_region()'s answer, remembered per country and first five digits of
 * the number: every rule looks at five leading digits at most, so the
 * answer depends on them alone. An answer is MEMO_SET | region index << 4 |
 * type (region index NREG: none). The first use of three leading digits
 * computes the hundred answers under them; when they agree (most do: a
 * region and a type are seldom decided past the third digit) memo3 holds
 * the answer itself, a table of 4 KB that stays in cache, else it sends to
 * the hundred in memo. Threads may compute the same prefix at the same
 * time: they store the same values, memo3 last (release).
 */
_Static_assert(sizeof(((rule *)0)->set) / sizeof(uint16_t) == 5, "rules see five digits");
_Static_assert(VG_PHONE_VOICEMAIL < 16, "a type fits in four bits");
#define MEMO_SET 0x8000u
#define MEMO_SUB 0x10000u
#define NREG 0x7FFu
#define NCOUNTRIES (sizeof(countries) / sizeof(countries[0]))
static uint32_t memo3[NCOUNTRIES][1000];
static uint16_t memo[NCOUNTRIES][100000];

static unsigned answer(const country *c, const uint8_t *v)
{
	vg_phone_type type;
	const territory *g = pick_region(c, v, &type);
	unsigned idx = g ? (unsigned)(g - c->regions) : NREG;
	return MEMO_SET | idx << 4 | (unsigned)type;
}

static const territory *pick_region_memo(const country *c, const uint8_t *v, vg_phone_type *type)
{
	size_t ci = (size_t)(c - countries);
	unsigned p3 = v[0] * 100u + v[1] * 10u + v[2];
	uint32_t e = __atomic_load_n(&memo3[ci][p3], __ATOMIC_ACQUIRE);
	if (!e) {
		uint8_t w[9] = {v[0], v[1], v[2], 0, 0, 0, 0, 0, 0};
		unsigned first = 0;
		bool same = true;
		for (unsigned k = 0; k < 100; k++) {
			w[3] = (uint8_t)(k / 10);
			w[4] = (uint8_t)(k % 10);
			unsigned a = answer(c, w);
			__atomic_store_n(&memo[ci][p3 * 100 + k], (uint16_t)a, __ATOMIC_RELAXED);
			if (k == 0)
				first = a;
			same = same && a == first;
		}
		e = same ? first : MEMO_SET | MEMO_SUB;
		__atomic_store_n(&memo3[ci][p3], e, __ATOMIC_RELEASE);
	}
	if (e & MEMO_SUB)
		e = __atomic_load_n(&memo[ci][p3 * 100 + v[3] * 10u + v[4]], __ATOMIC_RELAXED);
	*type = (vg_phone_type)(e & 15u);
	unsigned idx = (e >> 4) & NREG;
	return idx == NREG ? NULL : &c->regions[idx];
}

/*
 * The fast path: answers (fills out, sets *rc, returns 1) for a French
 * number of one of the shapes of invariant 2, else returns 0.
 */
static int fast(const dial *p, vg_phone *out, int *rc)
{
	const char *d = p->d;
	size_t nd = p->nd, cl;
	const country *c;

	if (!p->plus && nd == 10 && d[0] == '0' && d[1] != '0') {
		d++; /* national: 0 + 9 digits */
		nd--;
		c = home(d);
	} else if (!p->plus && nd == 9 && d[0] != '0') {
		c = home(d); /* national without its 0 */
	} else {
		if (!p->plus) {
			if (nd < 2 || d[0] != '0' || d[1] != '0')
				return 0;
			d += 2; /* international prefix 00 */
			nd -= 2;
		}
		c = calling_code(d, nd, &cl);
		if (!c)
			return 0;
		d += cl;
		nd -= cl;
		if (nd == 10 && d[0] == '0') {
			d++; /* trunk 0 after the country code */
			nd--;
		}
	}
	if (nd != 9 || d[0] == '0')
		return 0;

	uint8_t v[9];
	for (size_t i = 0; i < 9; i++)
		v[i] = (uint8_t)(d[i] - '0');
	vg_phone_type type;
	const territory *g = pick_region_memo(c, v, &type);
	if (!g || type == VG_PHONE_UNKNOWN) {
		*rc = fail(out, &invalid_number, VG_EINVAL);
		out->fast_path = 1;
		return 1;
	}
	size_t k = strlen(c->code);
	out->c.s[0] = '+';
	memcpy(out->c.s + 1, c->code, k);
	memcpy(out->c.s + 1 + k, d, 9);
	out->c.len = 1 + k + 9;
	out->c.s[out->c.len] = '\0';
	out->c.reason = NULL;
	out->country = c->cc;
	memcpy(out->region, g->id, sizeof(out->region));
	out->type = type;
	out->fast_path = 1;
	*rc = 0;
	return 1;
}

/* ------------------------------------------------------------ library */

/* The library's answer for dial p. */
static int lib(const dial *p, vg_phone *out)
{
	char text[VG_PHONE_DIGITS_MAX + 8];
	const char *d = p->d;
	size_t nd = p->nd, len = 0;

	if (p->plus) {
		text[len++] = '+';
	} else if ((nd == 9 && d[0] != '0') || (nd >= 2 && d[0] == '0' && d[1] != '0')) {
		/*
		 * A national number, with or without its trunk 0: given to the
		 * library as +CC and the digits after the 0, so that a number
		 * one digit short is "too short" rather than read with the 0 as
		 * part of it ("061234567" is 9 digits in France).
		 */
		if (d[0] == '0') {
			d++;
			nd--;
		}
		const country *c = nd >= 3 ? home(d) : &countries[C_FR];
		text[len++] = '+';
		memcpy(text + len, c->code, strlen(c->code));
		len += strlen(c->code);
	}
	memcpy(text + len, d, nd);
	len += nd;

	vg_phonelib_result r;
	switch (vg_phonelib_parse(text, len, "FR", &r)) {
	case VG_PHONELIB_VALID:
		break;
	case VG_PHONELIB_INVALID:
		return fail(out, &invalid_number, VG_EINVAL);
	case VG_PHONELIB_TOO_SHORT:
	case VG_PHONELIB_NOT_A_NUMBER:
		return fail(out, &too_short, VG_EINVAL);
	case VG_PHONELIB_TOO_LONG:
		return fail(out, &too_long, VG_EINVAL);
	case VG_PHONELIB_BAD_LENGTH:
		return fail(out, &bad_length, VG_EINVAL);
	case VG_PHONELIB_BAD_COUNTRY:
		return fail(out, &unknown_country, VG_EINVAL);
	case VG_PHONELIB_ERROR:
	default:
		return fail(out, &lib_error, VG_EINTERNAL);
	}
	size_t n = strnlen(r.e164, sizeof(r.e164));
	if (n < 2 || n >= sizeof(r.e164) || r.e164[0] != '+')
		return fail(out, &lib_error, VG_EINTERNAL);
	memcpy(out->c.s, r.e164, n + 1);
	out->c.len = n;
	out->c.reason = NULL;
	out->country = r.country;
	/* "001" (non-geographic codes such as +800) is not an ISO region */
	if (strlen(r.region) == 2)
		memcpy(out->region, r.region, 3);
	else
		out->region[0] = '\0';
	out->type = (vg_phone_type)r.type;
	out->fast_path = 0;
	return 0;
}

/* ------------------------------------------------------------ public */

int vg_phone_normalize(const char *s, size_t n, vg_phone *out)
{
	dial p;
	if (n == 10 && vgi_digits(s, 10)) {
		/* the form of most numbers in a French file ("0612345678"): what
		 * scan() makes of it, without scanning */
		memcpy(p.d, s, 10);
		p.nd = 10;
		p.plus = 0;
		int rc;
		if (fast(&p, out, &rc))
			return rc;
		return lib(&p, out);
	}
	const vg_reason *why = scan(s, n, &p);
	if (why)
		return fail(out, why, VG_EINVAL);
	int rc;
	if (fast(&p, out, &rc))
		return rc;
	return lib(&p, out);
}

int vg_phone_normalize_lib(const char *s, size_t n, vg_phone *out)
{
	dial p;
	const vg_reason *why = scan(s, n, &p);
	if (why)
		return fail(out, why, VG_EINVAL);
	return lib(&p, out);
}

/* Whether region is a French overseas territory. */
static int overseas(const char *region)
{
	static const char list[][3] = {"RE", "YT", "GP", "BL", "MF", "GF",
	                               "MQ", "PM", "WF", "PF", "NC", "TF"};
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (!strcmp(region, list[i]))
			return 1;
	return 0;
}

void vg_phone_describe(const vg_phone *p, json_t *obj)
{
	size_t cc_len = 0;
	for (unsigned cc = p->country; cc; cc /= 10)
		cc_len++;
	if (cc_len + 1 > p->c.len)
		cc_len = p->c.len ? p->c.len - 1 : 0;

	json_t *parts = json_object();
	json_object_set_new(parts, "country_code", json_integer(p->country));
	json_object_set_new(parts, "national_number",
	                    json_stringn(p->c.s + 1 + cc_len, p->c.len - 1 - cc_len));
	json_object_set_new(parts, "region", p->region[0] ? json_string(p->region) : json_null());
	json_object_set_new(parts, "type", json_string(vg_phone_type_name(p->type)));
	json_object_set_new(obj, "parts", parts);

	json_t *flags = json_array();
	if (p->fast_path)
		json_array_append_new(flags, json_string("fast_path"));
	if (p->region[0] && overseas(p->region))
		json_array_append_new(flags, json_string("overseas"));
	if (!p->region[0])
		json_array_append_new(flags, json_string("non_geographic"));
	json_object_set_new(obj, "flags", flags);
}

const char *vg_phone_type_name(vg_phone_type t)
{
	static const char *const names[] = {
	    [VG_PHONE_UNKNOWN] = "unknown",
	    [VG_PHONE_MOBILE] = "mobile",
	    [VG_PHONE_FIXED] = "fixed",
	    [VG_PHONE_FIXED_OR_MOBILE] = "fixed_or_mobile",
	    [VG_PHONE_TOLL_FREE] = "toll_free",
	    [VG_PHONE_PREMIUM] = "premium",
	    [VG_PHONE_SHARED_COST] = "shared_cost",
	    [VG_PHONE_VOIP] = "voip",
	    [VG_PHONE_PERSONAL] = "personal",
	    [VG_PHONE_PAGER] = "pager",
	    [VG_PHONE_UAN] = "uan",
	    [VG_PHONE_VOICEMAIL] = "voicemail",
	};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}
