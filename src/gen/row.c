/*
 * row.c: one row of the extract, in CSV, TSV or JSONL, clean or messy.
 *
 * Clean rows (mess 0) use one format per field (dates DD/MM/YYYY, phones
 * 0612345678, NIR 15 characters, ...) and quote nothing, since no clean value
 * holds a delimiter or a quote (a value that did would be quoted properly).
 *
 * Messy rows (mess 1-3) draw, from the row's own random stream:
 *   - per field: a variant format the identifier library accepts (dates as
 *     YYYY-MM-DD or DDMMYYYY, phones with spaces or +33, NIR with spaces or
 *     without key, emails in capitals or with mailto:, names without
 *     accents, ...), or an empty value (missing field);
 *   - per row: every field quoted, a delimiter inside the address (properly
 *     quoted), the row re-encoded to Windows-1252 — all recoverable — or one
 *     damage that is not: a truncated line, a quote never closed, a
 *     delimiter inside a field without quotes (gen_row_info says which).
 */
#include "gen/internal.h"

#include <stdlib.h>
#include <string.h>

const char *const vg_gen_columns[] = {
    "nom_usage",
    "nom_naissance",
    "prenom",
    "sexe",
    "date_naissance",
    "nir",
    "adresse",
    "code_postal",
    "commune",
    "telephone",
    "email",
    "region",
    "identifiant_ft",
    "statut_inscription",
    "date_debut_inscription",
    "date_fin_inscription",
    "source",
    NULL,
};

enum {
	C_NOM_USAGE,
	C_NOM_NAISSANCE,
	C_PRENOM,
	C_SEXE,
	C_DATE_NAISSANCE,
	C_NIR,
	C_ADRESSE,
	C_CODE_POSTAL,
	C_COMMUNE,
	C_TELEPHONE,
	C_EMAIL,
	C_REGION,
	C_IDENTIFIANT_FT,
	C_STATUT,
	C_DATE_DEBUT,
	C_DATE_FIN,
	C_SOURCE,
	NCOLS
};

/* The categories each column carries. */
#define CAT(x) (1u << VG_GEN_CAT_##x)
static const unsigned col_cats[NCOLS] = {
    [C_NOM_USAGE] = CAT(NAME),        [C_NOM_NAISSANCE] = CAT(NAME),
    [C_PRENOM] = CAT(NAME),           [C_SEXE] = CAT(SEX),
    [C_DATE_NAISSANCE] = CAT(DOB),    [C_NIR] = CAT(NIR) | CAT(SEX) | CAT(BIRTHPLACE),
    [C_ADRESSE] = CAT(ADDRESS),       [C_TELEPHONE] = CAT(PHONE),
    [C_EMAIL] = CAT(EMAIL),           [C_IDENTIFIANT_FT] = CAT(FT_ID),
    [C_STATUT] = CAT(REGISTRATION),   [C_DATE_DEBUT] = CAT(REGISTRATION),
    [C_DATE_FIN] = CAT(REGISTRATION),
};

/* Per-mille rates by mess level. */
typedef struct mess_rates {
	unsigned variant, missing, quote_all, embedded, cp1252, damage;
} mess_rates;

static const mess_rates rates[VG_GEN_MESS_MAX + 1] = {
    {0, 0, 0, 0, 0, 0},
    {200, 20, 30, 10, 5, 3},
    {500, 50, 60, 20, 20, 10},
    {800, 100, 100, 40, 50, 30},
};

#define VAL_MAX 320

/* ------------------------------------------------------ text transforms */

/* Case of a Latin-1/Latin Extended-A letter encoded at s (ASCII or 2 bytes):
 * writes its upper (up=1) or lower form; returns bytes consumed. */
static size_t recase(const unsigned char *s, char **o, int up)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		if (up && c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 32);
		else if (!up && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		*(*o)++ = (char)c;
		return 1;
	}
	if (c == 0xC3 && s[1] >= 0x80 && s[1] <= 0xBF) {
		unsigned char b = s[1];
		if (up && b >= 0xA0 && b <= 0xBE && b != 0xB7)
			b = (unsigned char)(b - 0x20);
		else if (!up && b >= 0x80 && b <= 0x9E && b != 0x97)
			b = (unsigned char)(b + 0x20);
		*(*o)++ = (char)0xC3;
		*(*o)++ = (char)b;
		return 2;
	}
	if (c == 0xC5 && (s[1] == 0x92 || s[1] == 0x93)) {
		*(*o)++ = (char)0xC5;
		*(*o)++ = (char)(up ? 0x92 : 0x93);
		return 2;
	}
	/* any other byte (or sequence) is copied as is */
	*(*o)++ = (char)c;
	return 1;
}

/* mode: 'U' upper, 'L' lower, 'T' title (first letter of each word). */
static size_t set_case(char *v, size_t n, int mode)
{
	char tmp[VAL_MAX];
	char *o = tmp;
	int start = 1;
	const unsigned char *s = (const unsigned char *)v, *e = s + n;
	while (s < e && o < tmp + sizeof(tmp) - 2) {
		int up = mode == 'U' || (mode == 'T' && start);
		unsigned char c = *s;
		s += recase(s, &o, up);
		start = c == ' ' || c == '-' || c == '\'';
	}
	size_t k = (size_t)(o - tmp);
	memcpy(v, tmp, k);
	return k;
}

/* Removes accents (keeps case): "Hélène" -> "Helene", "Œ" -> "OE". */
static size_t strip_accents(char *v, size_t n)
{
	static const char lat[64] =
	    "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
	char tmp[VAL_MAX];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 2 < sizeof(tmp);) {
		unsigned char c = (unsigned char)v[i];
		if (c == 0xC3 && i + 1 < n && (unsigned char)v[i + 1] >= 0x80 &&
		    (unsigned char)v[i + 1] <= 0xBF) {
			unsigned idx = (unsigned char)v[i + 1] - 0x80;
			if (idx == 0x06 || idx == 0x26) { /* Æ æ */
				tmp[k++] = idx == 0x06 ? 'A' : 'a';
				tmp[k++] = idx == 0x06 ? 'E' : 'e';
			} else if (idx == 0x1F) { /* ß */
				tmp[k++] = 's';
				tmp[k++] = 's';
			} else {
				tmp[k++] = lat[idx];
			}
			i += 2;
		} else if (c == 0xC5 && i + 1 < n &&
		           ((unsigned char)v[i + 1] == 0x92 || (unsigned char)v[i + 1] == 0x93)) {
			int up = (unsigned char)v[i + 1] == 0x92;
			tmp[k++] = up ? 'O' : 'o';
			tmp[k++] = up ? 'E' : 'e';
			i += 2;
		} else if (c == 0xC5 && i + 1 < n && (unsigned char)v[i + 1] == 0xB8) {
			tmp[k++] = 'Y';
			i += 2;
		} else {
			tmp[k++] = (char)c;
			i++;
		}
	}
	memcpy(v, tmp, k);
	return k;
}

/* Re-encodes UTF-8 text to Windows-1252 in place; returns the new length
 * (0 changes means the text was ASCII). */
static size_t to_cp1252(char *v, size_t n, int *changed)
{
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)v[i];
		unsigned char b = i + 1 < n ? (unsigned char)v[i + 1] : 0;
		if (c == 0xC3 && b >= 0x80 && b <= 0xBF) {
			v[k++] = (char)(b + 0x40);
			i += 2;
			*changed = 1;
		} else if (c == 0xC2 && b >= 0xA0 && b <= 0xBF) {
			v[k++] = (char)b;
			i += 2;
			*changed = 1;
		} else if (c == 0xC5 && (b == 0x92 || b == 0x93 || b == 0xB8)) {
			v[k++] = (char)(b == 0x92 ? 0x8C : b == 0x93 ? 0x9C : 0x9F);
			i += 2;
			*changed = 1;
		} else {
			v[k++] = (char)c;
			i++;
		}
	}
	return k;
}

/* ---------------------------------------------------------- field values */

static size_t copy(char *v, const char *s)
{
	size_t n = strlen(s);
	if (n >= VAL_MAX)
		n = VAL_MAX - 1;
	memcpy(v, s, n);
	return n;
}

/* A date in one of the layouts the dob normalizer accepts. */
static size_t put_date(char *v, int y, int m, int d, int style)
{
	char *o = v;
	switch (style) {
	case 1: /* YYYY-MM-DD */
		o = gen_put_4d(o, y);
		*o++ = '-';
		o = gen_put_2d(o, m);
		*o++ = '-';
		o = gen_put_2d(o, d);
		break;
	case 2: /* DDMMYYYY */
		o = gen_put_2d(o, d);
		o = gen_put_2d(o, m);
		o = gen_put_4d(o, y);
		break;
	case 3: /* D/M/YYYY */
		o = gen_put_u64(o, (uint64_t)d);
		*o++ = '/';
		o = gen_put_u64(o, (uint64_t)m);
		*o++ = '/';
		o = gen_put_4d(o, y);
		break;
	case 4: /* ISO date-time */
		o = gen_put_4d(o, y);
		*o++ = '-';
		o = gen_put_2d(o, m);
		*o++ = '-';
		o = gen_put_2d(o, d);
		memcpy(o, "T00:00:00", 9);
		o += 9;
		break;
	case 5: /* DD.MM.YYYY */
	case 6: /* DD-MM-YYYY */
		o = gen_put_2d(o, d);
		*o++ = style == 5 ? '.' : '-';
		o = gen_put_2d(o, m);
		*o++ = style == 5 ? '.' : '-';
		o = gen_put_4d(o, y);
		break;
	default: /* DD/MM/YYYY */
		o = gen_put_2d(o, d);
		*o++ = '/';
		o = gen_put_2d(o, m);
		*o++ = '/';
		o = gen_put_4d(o, y);
		break;
	}
	return (size_t)(o - v);
}

/* Name variants: title case, lower case, no accents, capitals. */
static size_t name_variant(gen_rng *r, char *v, size_t n, int is_first)
{
	switch (gen_below(r, is_first ? 5 : 3)) {
	case 0:
		return set_case(v, n, is_first ? 'U' : 'T');
	case 1:
		return set_case(v, n, 'L');
	case 2:
		n = strip_accents(v, n);
		return is_first ? n : set_case(v, n, 'T');
	case 3:
		n = strip_accents(v, n);
		return set_case(v, n, 'U');
	default:
		for (size_t i = 0; i < n; i++)
			if (v[i] == '-')
				v[i] = ' ';
		return n;
	}
}

/* Phone variants: spaces, dots, dashes, +CC with or without spaces, 00CC. */
static size_t phone_variant(gen_rng *r, char *v, const vg_gen_person *p)
{
	const char *nat = p->phone, *e164 = p->phone_e164;
	size_t cc = strlen(e164) - 10; /* digits of the country code */
	char *o = v;
	switch (gen_below(r, 6)) {
	case 0: /* 06 12 34 56 78, or with dots or dashes */
	case 1:
	case 2: {
		char sep = " .-"[gen_below(r, 3)];
		for (int i = 0; i < 10; i++) {
			if (i && i % 2 == 0)
				*o++ = sep;
			*o++ = nat[i];
		}
		break;
	}
	case 3: /* +33 6 12 34 56 78 */
		memcpy(o, e164, 1 + cc);
		o += 1 + cc;
		*o++ = ' ';
		*o++ = nat[1];
		for (int i = 2; i < 10; i++) {
			if (i % 2 == 0)
				*o++ = ' ';
			*o++ = nat[i];
		}
		break;
	case 4: /* +33612345678 */
		o += copy(o, e164);
		break;
	default: /* 0033612345678 */
		*o++ = '0';
		*o++ = '0';
		o += copy(o, e164 + 1);
		break;
	}
	return (size_t)(o - v);
}

/* NIR variants: spaced, without key, key apart. */
static size_t nir_variant(gen_rng *r, char *v, const char *nir)
{
	char *o = v;
	switch (gen_below(r, 4)) {
	case 0:
	case 1: { /* 1 85 03 75 115 123 45 */
		static const int cuts[] = {1, 3, 5, 7, 10, 13};
		int c = 0;
		for (int i = 0; i < 15; i++) {
			if (c < 6 && i == cuts[c]) {
				*o++ = ' ';
				c++;
			}
			*o++ = nir[i];
		}
		break;
	}
	case 2: /* the body only; the key is computed */
		memcpy(o, nir, 13);
		o += 13;
		break;
	default: /* key separated */
		memcpy(o, nir, 13);
		o += 13;
		*o++ = ' ';
		*o++ = nir[13];
		*o++ = nir[14];
		break;
	}
	return (size_t)(o - v);
}

/* Email variants: case, surrounding spaces, mailto:, <...>. */
static size_t email_variant(gen_rng *r, char *v, size_t n)
{
	char tmp[VAL_MAX];
	switch (gen_below(r, 5)) {
	case 0: /* Marie.Martin@Gmail.com */
		return set_case(v, n, 'T');
	case 1:
		return set_case(v, n, 'U');
	case 2: /* surrounding spaces */
		memcpy(tmp, v, n);
		v[0] = ' ';
		memcpy(v + 1, tmp, n);
		v[n + 1] = ' ';
		return n + 2;
	case 3:
		memcpy(tmp, v, n);
		memcpy(v, "mailto:", 7);
		memcpy(v + 7, tmp, n);
		return n + 7;
	default:
		memcpy(tmp, v, n);
		v[0] = '<';
		memcpy(v + 1, tmp, n);
		v[n + 1] = '>';
		return n + 2;
	}
}

/* Street-type abbreviations, as the address normalizer expands them. */
static size_t address_variant(gen_rng *r, char *v, size_t n)
{
	static const char *const full[] = {"rue ",     "avenue ",   "boulevard ", "chemin ",
	                                   "impasse ", "allée ",    "place ",     "route ",
	                                   "square ",  "résidence "};
	static const char *const abbr[] = {"r ",   "av ", "bd ",  "ch ", "imp ",
	                                   "all ", "pl ", "rte ", "sq ", "res "};
	unsigned k = (unsigned)gen_below(r, 4);
	if (k == 0 || k == 3) {
		for (size_t i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
			char *at = memmem(v, n, full[i], strlen(full[i]));
			if (!at)
				continue;
			size_t fl = strlen(full[i]), al = strlen(abbr[i]);
			memmove(at + al, at + fl, n - (size_t)(at + fl - v));
			memcpy(at, abbr[i], al);
			n -= fl - al;
			break;
		}
	}
	if (k == 1 || k == 3) {
		n = strip_accents(v, n);
		n = set_case(v, n, 'U');
	}
	if (k == 2) {
		n = strip_accents(v, n);
		n = set_case(v, n, 'L');
	}
	return n;
}

/* Renders the clean value of column c, then maybe a variant. */
static size_t value(gen_rng *r, const vg_gen_person *p, unsigned source, int c, int variant,
                    char *v)
{
	size_t n = 0;
	switch (c) {
	case C_NOM_USAGE:
		n = copy(v, p->nom_usage);
		return variant ? name_variant(r, v, n, 0) : n;
	case C_NOM_NAISSANCE:
		n = copy(v, p->nom_naissance);
		return variant ? name_variant(r, v, n, 0) : n;
	case C_PRENOM:
		n = copy(v, p->prenom);
		return variant ? name_variant(r, v, n, 1) : n;
	case C_SEXE:
		if (!variant)
			return copy(v, p->sex == 1 ? "M" : "F");
		switch (gen_below(r, 4)) {
		case 0:
			return copy(v, p->sex == 1 ? "H" : "F");
		case 1:
			return copy(v, p->sex == 1 ? "1" : "2");
		case 2:
			return copy(v, p->sex == 1 ? "Masculin" : "Féminin");
		default:
			return copy(v, p->sex == 1 ? "homme" : "femme");
		}
	case C_DATE_NAISSANCE:
		return put_date(v, p->birth_year, p->birth_month, p->birth_day,
		                variant ? 1 + (int)gen_below(r, 6) : 0);
	case C_NIR:
		return variant ? nir_variant(r, v, p->nir) : copy(v, p->nir);
	case C_ADRESSE:
		n = copy(v, p->address);
		return variant ? address_variant(r, v, n) : n;
	case C_CODE_POSTAL:
		return copy(v, p->postcode);
	case C_COMMUNE:
		n = copy(v, p->commune);
		return variant ? set_case(v, n, gen_below(r, 2) ? 'T' : 'L') : n;
	case C_TELEPHONE:
		return variant ? phone_variant(r, v, p) : copy(v, p->phone);
	case C_EMAIL:
		n = copy(v, p->email);
		return variant ? email_variant(r, v, n) : n;
	case C_REGION:
		n = copy(v, p->region);
		if (variant) {
			n = strip_accents(v, n);
			if (gen_below(r, 2))
				n = set_case(v, n, 'U');
		}
		return n;
	case C_IDENTIFIANT_FT:
		n = copy(v, p->ft_id);
		if (variant) {
			switch (gen_below(r, 3)) {
			case 0:
				v[7] = (char)(v[7] - 'A' + 'a');
				break;
			case 1:
				v[8] = v[7];
				v[7] = ' ';
				n = 9;
				break;
			default:
				v[8] = v[7];
				v[7] = '-';
				n = 9;
				break;
			}
		}
		return n;
	case C_STATUT:
		n = copy(v, p->status);
		return variant ? set_case(v, n, 'U') : n;
	case C_DATE_DEBUT:
		return put_date(v, p->reg_start[0], p->reg_start[1], p->reg_start[2],
		                variant ? 1 + (int)gen_below(r, 6) : 0);
	case C_DATE_FIN:
		if (!p->reg_end[0])
			return 0;
		return put_date(v, p->reg_end[0], p->reg_end[1], p->reg_end[2],
		                variant ? 1 + (int)gen_below(r, 6) : 0);
	case C_SOURCE:
		n = copy(v, source == VG_GEN_SRC_CE ? "Cap Emploi" : "France Travail");
		return variant ? set_case(v, n, gen_below(r, 2) ? 'U' : 'L') : n;
	}
	return 0;
}

/* ------------------------------------------------------------------ rows */

size_t gen_header(const gen_row_cfg *cfg, char *buf, size_t cap)
{
	size_t k = 0;
	if (cfg->format == VG_GEN_JSONL)
		return 0;
	for (int c = 0; c < NCOLS; c++) {
		size_t n = strlen(vg_gen_columns[c]);
		if (k + n + 3 > cap)
			return 0;
		if (c)
			buf[k++] = cfg->delim;
		memcpy(buf + k, vg_gen_columns[c], n);
		k += n;
	}
	if (cfg->crlf)
		buf[k++] = '\r';
	buf[k++] = '\n';
	return k;
}

/* A CSV field needs quotes when it holds the delimiter, a quote or a line break. */
static int needs_quotes(const char *v, size_t n, char delim)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == delim || v[i] == '"' || v[i] == '\n' || v[i] == '\r')
			return 1;
	return 0;
}

/* A field between quotes, inner quotes doubled. */
static char *put_quoted(char *o, const char *v, size_t n)
{
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '"')
			*o++ = '"';
		*o++ = v[i];
	}
	*o++ = '"';
	return o;
}

/* Row-level choices, then each field, then the line (see internal.h). */
size_t gen_row(const gen_row_cfg *cfg, const vg_gen_person *p, unsigned source, uint64_t rowseed,
               char *buf, gen_row_info *info)
{
	gen_rng rr, *r = &rr;
	gen_rng_seed(r, rowseed);
	const mess_rates *mr = &rates[cfg->mess];
	int messy = cfg->mess > 0;
	int csv = cfg->format == VG_GEN_CSV, jsonl = cfg->format == VG_GEN_JSONL;
	char vals[NCOLS][VAL_MAX];
	size_t lens[NCOLS];
	int absent[NCOLS]; /* JSONL: 0 written, 1 key omitted, 2 null */
	unsigned cats = 0;

	/* row-level choices first, so that field choices do not shift them */
	vg_gen_damage dmg = VG_GEN_DMG_NONE;
	int quote_all = 0, embed = 0, cp = 0, dmg_col = 0;
	if (messy) {
		if (gen_chance(r, mr->damage)) {
			unsigned k = (unsigned)gen_below(r, 3);
			dmg = k == 0   ? VG_GEN_DMG_TRUNCATED
			      : k == 1 ? VG_GEN_DMG_BAD_QUOTE
			               : VG_GEN_DMG_EXTRA_FIELD;
			if (jsonl && dmg == VG_GEN_DMG_EXTRA_FIELD)
				dmg = VG_GEN_DMG_TRUNCATED;
			if (!csv && !jsonl && dmg == VG_GEN_DMG_BAD_QUOTE)
				dmg = VG_GEN_DMG_EXTRA_FIELD; /* TSV has no quoting */
		}
		quote_all = csv && gen_chance(r, mr->quote_all);
		embed = csv && gen_chance(r, mr->embedded);
		cp = gen_chance(r, mr->cp1252);
		dmg_col = (int)gen_below(r, NCOLS - 1);
	}

	for (int c = 0; c < NCOLS; c++) {
		absent[c] = 0;
		if (messy && c != C_SOURCE && gen_chance(r, mr->missing)) {
			lens[c] = 0;
			absent[c] = 1 + (int)gen_below(r, 3); /* omitted, null or "" */
			if (absent[c] == 3)
				absent[c] = 0;
			continue;
		}
		int variant = messy && gen_chance(r, mr->variant);
		lens[c] = value(r, p, source, c, variant, vals[c]);
		if (lens[c])
			cats |= col_cats[c];
		else if (jsonl && c == C_DATE_FIN)
			absent[c] = 2;
	}
	if (embed || dmg == VG_GEN_DMG_EXTRA_FIELD) {
		/* "12; rue ..." : the delimiter after the house number */
		char *v = vals[C_ADRESSE];
		size_t n = lens[C_ADRESSE], at = 0;
		while (at < n && v[at] != ' ')
			at++;
		if (at < n && n + 1 < VAL_MAX) {
			memmove(v + at + 1, v + at, n - at);
			v[at] = cfg->delim;
			lens[C_ADRESSE] = n + 1;
		} else if (dmg == VG_GEN_DMG_EXTRA_FIELD) {
			dmg = VG_GEN_DMG_TRUNCATED; /* no address to break */
		}
	}
	if (dmg == VG_GEN_DMG_BAD_QUOTE && (lens[dmg_col] == 0 || absent[dmg_col]))
		dmg = VG_GEN_DMG_TRUNCATED;

	char *o = buf;
	if (jsonl) {
		*o++ = '{';
		int first = 1;
		for (int c = 0; c < NCOLS; c++) {
			if (absent[c] == 1)
				continue;
			if (!first)
				*o++ = ',';
			first = 0;
			*o++ = '"';
			size_t kn = strlen(vg_gen_columns[c]);
			memcpy(o, vg_gen_columns[c], kn);
			o += kn;
			*o++ = '"';
			*o++ = ':';
			if (absent[c] == 2) {
				memcpy(o, "null", 4);
				o += 4;
				continue;
			}
			*o++ = '"';
			if (dmg == VG_GEN_DMG_BAD_QUOTE && c == dmg_col) {
				/* an unescaped quote inside the string */
				size_t half = lens[c] / 2;
				o = gen_put_json(o, vals[c], half);
				*o++ = '"';
				o = gen_put_json(o, vals[c] + half, lens[c] - half);
			} else {
				o = gen_put_json(o, vals[c], lens[c]);
			}
			*o++ = '"';
		}
		*o++ = '}';
	} else {
		for (int c = 0; c < NCOLS; c++) {
			if (c)
				*o++ = cfg->delim;
			const char *v = vals[c];
			size_t n = lens[c];
			if (dmg == VG_GEN_DMG_BAD_QUOTE && c == dmg_col) {
				*o++ = '"'; /* opened, never closed */
				memcpy(o, v, n);
				o += n;
			} else if (dmg == VG_GEN_DMG_EXTRA_FIELD && c == C_ADRESSE) {
				memcpy(o, v, n);
				o += n;
			} else if (csv && (quote_all || needs_quotes(v, n, cfg->delim))) {
				o = put_quoted(o, v, n);
			} else {
				memcpy(o, v, n);
				o += n;
			}
		}
	}
	size_t len = (size_t)(o - buf);
	int changed = 0;
	if (cp)
		len = to_cp1252(buf, len, &changed);
	if (dmg == VG_GEN_DMG_TRUNCATED && len > 2) {
		size_t cut = 1 + gen_below(r, len - 2);
		/* on a character boundary: the damage is the cut, not the encoding */
		while (cut > 1 && !changed && ((unsigned char)buf[cut] & 0xC0) == 0x80)
			cut--;
		len = cut;
	}
	/* every value is bounded (VG_GEN_TEXT_MAX and less), so a row is far
	 * below GEN_ROW_MAX; a longer one would be a bug */
	if (len + 2 > GEN_ROW_MAX)
		abort();
	if (cfg->crlf)
		buf[len++] = '\r';
	buf[len++] = '\n';
	info->cats = cats;
	info->damage = dmg;
	info->cp1252 = changed;
	return len;
}
