/*
 * nir.c: the French social security number (NIR).
 *
 * One pass over the input collects the significant characters (digits, and
 * A/B for Corsica) into a 16-byte buffer and skips separators: ASCII
 * whitespace, '.', '-', '_', '/', and a few Unicode spaces and dashes that
 * spreadsheets and word processors put in numbers. Then the fields are
 * checked in reading order, and the first rule broken is the reason:
 * characters, length, letters, sex, month, department, commune or country,
 * order number, key.
 *
 * Invariants:
 *  1. Only s[0..n) is read; no allocation; at most VG_INPUT_MAX bytes.
 *  2. A valid result's canonical form is 15 bytes from [0-9AB], and
 *     normalizing it again gives it back.
 *  3. The body fits in 64 bits (13 digits < 10^13), so the key is a single
 *     mod 97 of a uint64_t.
 *
 * The validity choices (department 20, 96 refused, which 97x/98x, 99100) are
 * explained in docs/ident/nir.md.
 */
#include "vigie/nir.h"

#include "ident/digits.h"

#include "ident/nir_countries.h"

#include <stdint.h>
#include <string.h>

static const vg_reason bad_char = {
    "bad_char", "caractère non autorisé dans un NIR (chiffres, 2A ou 2B, espaces, points, tirets)",
    "character not allowed in a NIR (digits, 2A or 2B, spaces, dots, dashes)"};
static const vg_reason bad_length = {"bad_length", "un NIR a 13 caractères, ou 15 avec la clé",
                                     "a NIR has 13 characters, or 15 with its key"};
static const vg_reason bad_letter = {
    "bad_letter", "lettre mal placée : seuls 2A et 2B (Corse) sont admis, en positions 6 et 7",
    "misplaced letter: only 2A and 2B (Corsica) are allowed, at positions 6 and 7"};
static const vg_reason bad_sex = {"bad_sex",
                                  "premier chiffre (sexe) invalide : 1, 2, 3, 4, 7 ou 8 attendu",
                                  "invalid first digit (sex): expected 1, 2, 3, 4, 7 or 8"};
static const vg_reason bad_month = {"bad_month", "mois de naissance invalide",
                                    "invalid birth month"};
static const vg_reason bad_department = {"bad_department", "département de naissance invalide",
                                         "invalid birth department"};
static const vg_reason bad_commune = {"bad_commune", "code commune de naissance invalide (000)",
                                      "invalid birth commune code (000)"};
static const vg_reason bad_country = {"bad_country",
                                      "code pays de naissance inconnu de l'INSEE (99xxx)",
                                      "birth country code unknown to INSEE (99xxx)"};
static const vg_reason country_france = {
    "country_france", "99100 (France) ne peut pas être un pays de naissance à l'étranger",
    "99100 (France) cannot be a country of birth abroad"};
static const vg_reason bad_order = {"bad_order", "numéro d'ordre invalide (000)",
                                    "invalid order number (000)"};
static const vg_reason bad_key = {"bad_key", "clé de contrôle fausse", "wrong check key"};

/* Length of the Unicode separator starting at p (left bytes), or 0. */
static size_t unicode_sep(const unsigned char *p, size_t left)
{
	if (left >= 2 && p[0] == 0xC2 && (p[1] == 0xA0 || p[1] == 0xB7))
		return 2; /* U+00A0 no-break space, U+00B7 middle dot */
	if (left < 3)
		return 0;
	if (p[0] == 0xE2 && p[1] == 0x80 &&
	    (p[2] <= 0x8B || (p[2] >= 0x90 && p[2] <= 0x94) || p[2] == 0xAF))
		return 3; /* U+2000-200B spaces, U+2010-2014 dashes, U+202F */
	if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92)
		return 3; /* U+2212 minus sign */
	if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return 3; /* U+FEFF byte order mark */
	return 0;
}

/* Value of two ASCII digits. */
static int two(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Key of a body already known to be digits with 2A/2B possible at 5-6. */
static int key_of(const char *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 13; i++) {
		unsigned d = (unsigned)(b[i] - '0');
		if (i == 5 && (b[6] == 'A' || b[6] == 'B'))
			d = 1; /* 2A -> 19, 2B -> 18 */
		else if (i == 6 && b[6] == 'A')
			d = 9;
		else if (i == 6 && b[6] == 'B')
			d = 8;
		v = v * 10 + d;
	}
	return (int)(97 - v % 97);
}

/* key_of() for 13 digits, without 64-bit division: the number is
 * hi * 10^7 + lo, hi and lo below 2^32. */
static int key_of_digits(const char *b)
{
	uint32_t hi = 0, lo = 0;
	for (int i = 0; i < 6; i++)
		hi = hi * 10 + (uint32_t)(b[i] - '0');
	for (int i = 6; i < 13; i++)
		lo = lo * 10 + (uint32_t)(b[i] - '0');
	uint32_t r = (hi % 97 * (10000000u % 97) + lo % 97) % 97;
	return (int)(97 - r);
}

/* The country with INSEE code 99000 + code3, or NULL. */
static const nir_country *find_country(unsigned code3)
{
	size_t lo = 0, hi = sizeof(nir_countries) / sizeof(nir_countries[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nir_countries[mid].code < code3)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sizeof(nir_countries) / sizeof(nir_countries[0]) &&
	    nir_countries[lo].code == code3)
		return &nir_countries[lo];
	return NULL;
}

/* Whether a 3-digit overseas department (970-989) is one that exists. */
static int overseas_ok(int d3)
{
	/* 971-978: Guadeloupe, Martinique, Guyane, La Réunion,
	 * Saint-Pierre-et-Miquelon, Mayotte, Saint-Barthélemy, Saint-Martin;
	 * 984-989: TAAF, Mayotte before 2011 (985), Wallis-et-Futuna,
	 * Polynésie française, Nouvelle-Calédonie, Clipperton. */
	return (d3 >= 971 && d3 <= 978) || (d3 >= 984 && d3 <= 989);
}

/* Collects the significant characters; 0, or VG_EINVAL with the reason. */
static int collect(const char *s, size_t n, char buf[16], size_t *count, unsigned *letters,
                   const vg_reason **why)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0;
	unsigned lt = 0;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		if (c - '0' < 10u) {
			if (k < 16)
				buf[k] = (char)c;
			k++;
			i++;
			continue;
		}
		switch (c) {
		case 'A':
		case 'B':
		case 'a':
		case 'b':
			if (k < 16) {
				buf[k] = (char)(c & ~0x20u);
				lt |= 1u << k;
			}
			k++;
			i++;
			continue;
		case ' ':
		case '\t':
		case '\n':
		case '\v':
		case '\f':
		case '\r':
		case '.':
		case '-':
		case '_':
		case '/':
			i++;
			continue;
		default:
			break;
		}
		size_t sl = c >= 0x80 ? unicode_sep(u + i, n - i) : 0;
		if (sl) {
			i += sl;
			continue;
		}
		*why = c >= 0x80 && !vg_utf8_seq(u + i, n - i) ? &vg_reason_bad_utf8 : &bad_char;
		return VG_EINVAL;
	}
	*count = k;
	*letters = lt;
	return 0;
}

/* Checks department and commune (or country) of buf; fills out. */
static const vg_reason *check_place(const char *buf, vg_nir *out)
{
	const char *d = buf + 5;
	out->country = 0;
	out->country_name = NULL;
	out->country_iso2 = NULL;
	if (d[1] == 'A' || d[1] == 'B') {
		out->flags |= VG_NIR_CORSICA;
	} else {
		int d2 = two(d);
		if (d2 == 97 || d2 == 98) {
			if (!overseas_ok(d2 * 10 + (d[2] - '0')))
				return &bad_department;
			if (d[3] == '0' && d[4] == '0')
				return &bad_commune;
			out->flags |= VG_NIR_OVERSEAS;
			memcpy(out->dept, d, 3);
			out->dept[3] = '\0';
			memcpy(out->commune, d + 3, 2);
			out->commune[2] = '\0';
			return NULL;
		}
		if (d2 == 0 || d2 == 96)
			return &bad_department;
		if (d2 == 99) {
			unsigned code3 = (unsigned)(d[2] - '0') * 100 + (unsigned)two(d + 3);
			const nir_country *ct = find_country(code3);
			if (!ct)
				return &bad_country;
			if (code3 == 100)
				return &country_france;
			out->flags |= VG_NIR_BORN_ABROAD;
			out->country = 99000 + (int)code3;
			out->country_name = ct->name;
			out->country_iso2 = ct->iso2;
		} else if (d2 == 20) {
			out->flags |= VG_NIR_CORSICA;
		}
		/* 01-95 otherwise (96, Tunisia before 1956, is refused: see docs). */
	}
	if (d[2] == '0' && d[3] == '0' && d[4] == '0')
		return &bad_commune;
	memcpy(out->dept, d, 2);
	out->dept[2] = '\0';
	memcpy(out->commune, d + 2, 3);
	out->commune[3] = '\0';
	return NULL;
}

int vg_nir_normalize(const char *s, size_t n, vg_nir *out)
{
	char buf[16];
	size_t k = 0;
	unsigned letters = 0;
	const vg_reason *why = NULL;

	if (n > VG_INPUT_MAX)
		return vg_canon_fail(&out->c, &vg_reason_too_long);
	if (n == 15 && vgi_digits(s, 15)) { /* as most files write it */
		memcpy(buf, s, 15);
		k = 15;
	} else if (collect(s, n, buf, &k, &letters, &why) != 0) {
		return vg_canon_fail(&out->c, why);
	}
	if (k == 0)
		return vg_canon_fail(&out->c, &vg_reason_empty);
	if (k != 13 && k != 15)
		return vg_canon_fail(&out->c, &bad_length);
	/* Letters only at position 7 (index 6), after a 2: 2A, 2B. */
	if ((letters & ~(1u << 6)) || (letters && buf[5] != '2'))
		return vg_canon_fail(&out->c, &bad_letter);

	out->flags = 0;
	switch (buf[0]) {
	case '1':
	case '2':
		out->type = VG_NIR_REGULAR;
		break;
	case '3':
	case '4':
		out->type = VG_NIR_FOREIGN_BORN;
		break;
	case '7':
	case '8':
		out->type = VG_NIR_TEMPORARY;
		break;
	default:
		return vg_canon_fail(&out->c, &bad_sex);
	}
	out->sex = (buf[0] - '0') % 2 ? 1 : 2;
	out->year2 = two(buf + 1);

	int m = two(buf + 3);
	if (m == 20 || (m >= 30 && m <= 42) || m >= 50)
		out->flags |= VG_NIR_MONTH_UNKNOWN;
	else if (m < 1 || m > 12)
		return vg_canon_fail(&out->c, &bad_month);
	out->month = m;

	const vg_reason *place = check_place(buf, out);
	if (place)
		return vg_canon_fail(&out->c, place);

	if (buf[10] == '0' && buf[11] == '0' && buf[12] == '0')
		return vg_canon_fail(&out->c, &bad_order);
	memcpy(out->order, buf + 10, 3);
	out->order[3] = '\0';

	int key = letters ? key_of(buf) : key_of_digits(buf);
	if (k == 15) {
		if (two(buf + 13) != key)
			return vg_canon_fail(&out->c, &bad_key);
	} else {
		out->flags |= VG_NIR_KEY_COMPUTED;
		buf[13] = (char)('0' + key / 10);
		buf[14] = (char)('0' + key % 10);
	}
	out->key = key;
	memcpy(out->c.s, buf, 15);
	out->c.s[15] = '\0';
	out->c.len = 15;
	out->c.reason = NULL;
	return 0;
}

const char *vg_nir_type_name(vg_nir_type t)
{
	switch (t) {
	case VG_NIR_REGULAR:
		return "regular";
	case VG_NIR_FOREIGN_BORN:
		return "foreign_born";
	case VG_NIR_TEMPORARY:
		return "temporary";
	}
	return "?";
}

/* Adds a string member made of the first n bytes of s. */
static void set_str(json_t *o, const char *key, const char *s, size_t n)
{
	json_object_set_new(o, key, json_stringn(s, n));
}

void vg_nir_describe(const vg_nir *v, json_t *obj)
{
	json_t *parts = json_object();
	json_object_set_new(parts, "sex", json_string(v->sex == 1 ? "male" : "female"));
	set_str(parts, "birth_year", v->c.s + 1, 2);
	set_str(parts, "birth_month", v->c.s + 3, 2);
	json_object_set_new(parts, "department", json_string(v->dept));
	if (v->flags & VG_NIR_BORN_ABROAD) {
		char code[6] = {'9', '9', v->commune[0], v->commune[1], v->commune[2], '\0'};
		json_object_set_new(parts, "country", json_string(code));
		json_object_set_new(parts, "country_name", json_string(v->country_name));
		if (v->country_iso2 && v->country_iso2[0])
			json_object_set_new(parts, "country_iso2", json_string(v->country_iso2));
	} else {
		char code[6];
		size_t dl = strlen(v->dept), cl = strlen(v->commune);
		memcpy(code, v->dept, dl);
		memcpy(code + dl, v->commune, cl);
		json_object_set_new(parts, "commune", json_string(v->commune));
		set_str(parts, "commune_code", code, dl + cl); /* INSEE code, e.g. 75116 */
	}
	json_object_set_new(parts, "order", json_string(v->order));
	set_str(parts, "key", v->c.s + 13, 2);
	json_object_set_new(parts, "type", json_string(vg_nir_type_name(v->type)));
	json_object_set_new(obj, "parts", parts);

	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
	    {VG_NIR_MONTH_UNKNOWN, "month_unknown"},
	    {VG_NIR_KEY_COMPUTED, "key_computed"},
	    {VG_NIR_BORN_ABROAD, "born_abroad"},
	    {VG_NIR_OVERSEAS, "overseas"},
	    {VG_NIR_CORSICA, "corsica"},
	};
	json_t *flags = json_array();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (v->flags & names[i].bit)
			json_array_append_new(flags, json_string(names[i].name));
	json_object_set_new(obj, "flags", flags);
}

int vg_nir_key(const char body[13])
{
	char b[13];
	for (int i = 0; i < 13; i++) {
		char c = body[i];
		if (i == 6 && body[5] == '2' && (c == 'A' || c == 'B' || c == 'a' || c == 'b'))
			c = (char)(c & ~0x20);
		else if (c < '0' || c > '9')
			return -1;
		b[i] = c;
	}
	return key_of(b);
}
