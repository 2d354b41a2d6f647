/*
 * colmap.c: header names to leak fields, by synonyms or by --map.
 *
 * A header name is first folded: decoded as UTF-8 (a byte that is not is
 * read as Latin-1), letters lowercased with their accents removed ("É" ->
 * "e", "œ" -> "oe"), digits kept, everything else dropped (separators,
 * apostrophes, spaces, combining marks). The folded name is looked up in one
 * table of synonyms; when it is not there, trailing digits are dropped and
 * it is looked up again ("telephone2" -> "telephone"). Folding is what makes
 * "Nom d'usage", "NOM_USAGE" and "nom-usage" the same column.
 *
 * A plain "nom" is ambiguous: it is the family name in a file without a
 * birth/usage split, the birth name (the legal "nom de famille") next to a
 * usage-name column, and the usage name next to a birth-name column.
 * vg_colmap_build() settles it once all the columns are known.
 */
#include "vigie/colmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ field names */

static const char *const field_names[VG_FIELD__COUNT] = {
    [VG_FIELD_NONE] = "ignore",
    [VG_FIELD_USAGE_NAME] = "usage_name",
    [VG_FIELD_BIRTH_NAME] = "birth_name",
    [VG_FIELD_FAMILY_NAME] = "family_name",
    [VG_FIELD_FIRST_NAME] = "first_name",
    [VG_FIELD_FULL_NAME] = "full_name",
    [VG_FIELD_SEX] = "sex",
    [VG_FIELD_DOB] = "dob",
    [VG_FIELD_NIR] = "nir",
    [VG_FIELD_EMAIL] = "email",
    [VG_FIELD_PHONE] = "phone",
    [VG_FIELD_ADDRESS] = "address",
    [VG_FIELD_POSTCODE] = "postcode",
    [VG_FIELD_COMMUNE] = "commune",
    [VG_FIELD_FT_ID] = "ft_id",
    [VG_FIELD_REGION] = "region",
    [VG_FIELD_BIRTHPLACE] = "birthplace",
    [VG_FIELD_STATUS] = "status",
    [VG_FIELD_REG_START] = "reg_start",
    [VG_FIELD_REG_END] = "reg_end",
    [VG_FIELD_SOURCE] = "source",
};

/* The --map name of a field. */
const char *vg_field_name(vg_field f)
{
	return (unsigned)f < VG_FIELD__COUNT ? field_names[f] : "?";
}

/* A field from its --map name, ASCII case-insensitive. */
int vg_field_parse(const char *s, size_t n, vg_field *out)
{
	for (int f = 0; f < VG_FIELD__COUNT; f++) {
		const char *name = field_names[f];
		if (strlen(name) != n)
			continue;
		size_t i = 0;
		while (i < n) {
			char c = s[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != name[i])
				break;
			i++;
		}
		if (i == n) {
			*out = (vg_field)f;
			return 0;
		}
	}
	return VG_EINVAL;
}

/* ---------------------------------------------------------------- folding */

/* Base letters of U+00C0..U+00FF ("" for × and ÷). */
static const char *const latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",
};

/* Decodes one UTF-8 character at s[*i]; a byte that starts none is Latin-1. */
static uint32_t next_cp(const unsigned char *s, size_t n, size_t *i)
{
	unsigned c = s[*i];
	size_t need = c >= 0xC2 && c < 0xE0   ? 1
	              : c >= 0xE0 && c < 0xF0 ? 2
	              : c >= 0xF0 && c < 0xF5 ? 3
	                                      : 0;
	if (need == 0 || *i + need >= n) {
		(*i)++;
		return c;
	}
	uint32_t cp = c & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07);
	for (size_t k = 1; k <= need; k++) {
		unsigned b = s[*i + k];
		if ((b & 0xC0) != 0x80) {
			(*i)++;
			return c;
		}
		cp = (cp << 6) | (b & 0x3F);
	}
	*i += need + 1;
	return cp;
}

/*
 * Folds name[0..n) into out (cap bytes, NUL-terminated); returns the
 * length, or 0 when the name is too long to be a column name we know.
 */
static size_t fold(const char *name, size_t n, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t o = 0;
	if (n > VG_COLMAP_MAX_NAME)
		return 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp = next_cp(s, n, &i);
		const char *add = "";
		char one[2] = {0, 0};
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			one[0] = (char)cp;
			add = one;
		} else if (cp >= 'A' && cp <= 'Z') {
			one[0] = (char)(cp - 'A' + 'a');
			add = one;
		} else if (cp >= 0xC0 && cp <= 0xFF) {
			add = latin1_fold[cp - 0xC0];
		} else if (cp == 0x152 || cp == 0x153) {
			add = "oe";
		} else if (cp == 0x178) {
			add = "y";
		}
		size_t k = strlen(add);
		if (o + k + 1 > cap)
			return 0;
		memcpy(out + o, add, k);
		o += k;
	}
	out[o] = '\0';
	return o;
}

/* --------------------------------------------------------------- synonyms */

typedef struct synonym {
	const char *key; /* folded */
	vg_field field;
} synonym;

/* Keep in step with the table in docs/io.md. */
static const synonym synonyms[] = {
    /* usage name */
    {"nomusage", VG_FIELD_USAGE_NAME},
    {"nomdusage", VG_FIELD_USAGE_NAME},
    {"usagename", VG_FIELD_USAGE_NAME},
    {"nommarital", VG_FIELD_USAGE_NAME},
    {"nomepouse", VG_FIELD_USAGE_NAME},
    {"marriedname", VG_FIELD_USAGE_NAME},
    /* birth name */
    {"nomnaissance", VG_FIELD_BIRTH_NAME},
    {"nomdenaissance", VG_FIELD_BIRTH_NAME},
    {"birthname", VG_FIELD_BIRTH_NAME},
    {"maidenname", VG_FIELD_BIRTH_NAME},
    {"nomdejeunefille", VG_FIELD_BIRTH_NAME},
    {"nompatronymique", VG_FIELD_BIRTH_NAME},
    {"patronyme", VG_FIELD_BIRTH_NAME},
    /* plain name */
    {"nom", VG_FIELD_FAMILY_NAME},
    {"lastname", VG_FIELD_FAMILY_NAME},
    {"surname", VG_FIELD_FAMILY_NAME},
    {"familyname", VG_FIELD_FAMILY_NAME},
    {"nomdefamille", VG_FIELD_FAMILY_NAME},
    {"nomfamille", VG_FIELD_FAMILY_NAME},
    /* first name */
    {"prenom", VG_FIELD_FIRST_NAME},
    {"prenoms", VG_FIELD_FIRST_NAME},
    {"firstname", VG_FIELD_FIRST_NAME},
    {"givenname", VG_FIELD_FIRST_NAME},
    {"forename", VG_FIELD_FIRST_NAME},
    /* full name */
    {"nomcomplet", VG_FIELD_FULL_NAME},
    {"fullname", VG_FIELD_FULL_NAME},
    {"name", VG_FIELD_FULL_NAME},
    {"nomprenom", VG_FIELD_FULL_NAME},
    {"prenomnom", VG_FIELD_FULL_NAME},
    /* sex */
    {"sexe", VG_FIELD_SEX},
    {"sex", VG_FIELD_SEX},
    {"genre", VG_FIELD_SEX},
    {"gender", VG_FIELD_SEX},
    {"civilite", VG_FIELD_SEX},
    /* date of birth */
    {"datenaissance", VG_FIELD_DOB},
    {"datedenaissance", VG_FIELD_DOB},
    {"dob", VG_FIELD_DOB},
    {"birthdate", VG_FIELD_DOB},
    {"dateofbirth", VG_FIELD_DOB},
    {"ddn", VG_FIELD_DOB},
    {"naissance", VG_FIELD_DOB},
    /* NIR */
    {"nir", VG_FIELD_NIR},
    {"numerosecuritesociale", VG_FIELD_NIR},
    {"numerodesecuritesociale", VG_FIELD_NIR},
    {"numsecu", VG_FIELD_NIR},
    {"numerosecu", VG_FIELD_NIR},
    {"numeross", VG_FIELD_NIR},
    {"securitesociale", VG_FIELD_NIR},
    {"ssn", VG_FIELD_NIR},
    {"insee", VG_FIELD_NIR},
    {"numeroinsee", VG_FIELD_NIR},
    /* email */
    {"email", VG_FIELD_EMAIL},
    {"mail", VG_FIELD_EMAIL},
    {"courriel", VG_FIELD_EMAIL},
    {"adressemail", VG_FIELD_EMAIL},
    {"adresseemail", VG_FIELD_EMAIL},
    {"adressecourriel", VG_FIELD_EMAIL},
    {"emailaddress", VG_FIELD_EMAIL},
    /* phone */
    {"telephone", VG_FIELD_PHONE},
    {"tel", VG_FIELD_PHONE},
    {"portable", VG_FIELD_PHONE},
    {"mobile", VG_FIELD_PHONE},
    {"phone", VG_FIELD_PHONE},
    {"phonenumber", VG_FIELD_PHONE},
    {"numerotelephone", VG_FIELD_PHONE},
    {"numerodetelephone", VG_FIELD_PHONE},
    {"numtel", VG_FIELD_PHONE},
    {"fixe", VG_FIELD_PHONE},
    {"telephoneportable", VG_FIELD_PHONE},
    {"telephonefixe", VG_FIELD_PHONE},
    {"gsm", VG_FIELD_PHONE},
    /* address */
    {"adresse", VG_FIELD_ADDRESS},
    {"address", VG_FIELD_ADDRESS},
    {"adressepostale", VG_FIELD_ADDRESS},
    {"rue", VG_FIELD_ADDRESS},
    {"street", VG_FIELD_ADDRESS},
    {"ligneadresse", VG_FIELD_ADDRESS},
    {"voie", VG_FIELD_ADDRESS},
    /* postcode */
    {"codepostal", VG_FIELD_POSTCODE},
    {"cp", VG_FIELD_POSTCODE},
    {"postcode", VG_FIELD_POSTCODE},
    {"postalcode", VG_FIELD_POSTCODE},
    {"zip", VG_FIELD_POSTCODE},
    {"zipcode", VG_FIELD_POSTCODE},
    /* commune */
    {"commune", VG_FIELD_COMMUNE},
    {"ville", VG_FIELD_COMMUNE},
    {"city", VG_FIELD_COMMUNE},
    {"localite", VG_FIELD_COMMUNE},
    {"town", VG_FIELD_COMMUNE},
    /* France Travail id */
    {"identifiant", VG_FIELD_FT_ID},
    {"identifiantft", VG_FIELD_FT_ID},
    {"idfrancetravail", VG_FIELD_FT_ID},
    {"identifiantfrancetravail", VG_FIELD_FT_ID},
    {"identifiantpe", VG_FIELD_FT_ID},
    {"idpoleemploi", VG_FIELD_FT_ID},
    {"identifiantpoleemploi", VG_FIELD_FT_ID},
    {"numeroidentifiant", VG_FIELD_FT_ID},
    {"ftid", VG_FIELD_FT_ID},
    {"idft", VG_FIELD_FT_ID},
    /* region */
    {"region", VG_FIELD_REGION},
    /* birthplace */
    {"lieunaissance", VG_FIELD_BIRTHPLACE},
    {"lieudenaissance", VG_FIELD_BIRTHPLACE},
    {"communenaissance", VG_FIELD_BIRTHPLACE},
    {"communedenaissance", VG_FIELD_BIRTHPLACE},
    {"paysnaissance", VG_FIELD_BIRTHPLACE},
    {"paysdenaissance", VG_FIELD_BIRTHPLACE},
    {"birthplace", VG_FIELD_BIRTHPLACE},
    {"placeofbirth", VG_FIELD_BIRTHPLACE},
    /* registration */
    {"statutinscription", VG_FIELD_STATUS},
    {"statut", VG_FIELD_STATUS},
    {"situation", VG_FIELD_STATUS},
    {"status", VG_FIELD_STATUS},
    {"datedebutinscription", VG_FIELD_REG_START},
    {"dateinscription", VG_FIELD_REG_START},
    {"datefininscription", VG_FIELD_REG_END},
    {"dateradiation", VG_FIELD_REG_END},
    /* source */
    {"source", VG_FIELD_SOURCE},
    {"origine", VG_FIELD_SOURCE},
    {"fichier", VG_FIELD_SOURCE},
};

/* The field of a folded name, or VG_FIELD_NONE. */
static vg_field lookup(const char *key)
{
	for (size_t i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
		if (!strcmp(synonyms[i].key, key))
			return synonyms[i].field;
	return VG_FIELD_NONE;
}

/* Folds, looks up, and looks up again without trailing digits. */
vg_field vg_colmap_guess(const char *name, size_t n)
{
	char key[VG_COLMAP_MAX_NAME * 2 + 1];
	size_t len = fold(name, n, key, sizeof(key));
	if (len == 0)
		return VG_FIELD_NONE;
	vg_field f = lookup(key);
	if (f != VG_FIELD_NONE)
		return f;
	/* "telephone2", "email_2", "adresse1" */
	size_t k = len;
	while (k > 0 && key[k - 1] >= '0' && key[k - 1] <= '9')
		k--;
	if (k == len || k == 0)
		return VG_FIELD_NONE;
	key[k] = '\0';
	return lookup(key);
}

/* ----------------------------------------------------------------- --map */

/* The message for a bad pair: "--map: pair N "text": why". */
VG_PRINTF(6, 7)
static int pair_error(vg_err *err, vg_lang lang, size_t index, const char *pair, size_t len,
                      const char *fmt, ...)
{
	char why[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	int shown = (int)(len > 60 ? 60 : len);
	const char *more = len > 60 ? "..." : "";
	if (lang == VG_LANG_EN)
		return vg_err_set(err, VG_EUSAGE, "--map: pair %zu \"%.*s%s\": %s", index, shown,
		                  pair, more, why);
	return vg_err_set(err, VG_EUSAGE, "--map : paire n°%zu « %.*s%s » : %s", index, shown, pair,
	                  more, why);
}

/* "usage_name, birth_name, ..." for messages. */
static void field_list(char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (int f = 1; f <= VG_FIELD__COUNT; f++) {
		const char *name = f == VG_FIELD__COUNT ? field_names[0] : field_names[f];
		int w = snprintf(out + o, cap - o, "%s%s", o ? ", " : "", name);
		if (w < 0 || (size_t)w >= cap - o)
			return;
		o += (size_t)w;
	}
}

/* Space or tab. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* True when both names fold to the same non-empty key. */
static bool same_folded(const char *a, size_t an, const char *b, size_t bn)
{
	char ka[VG_COLMAP_MAX_NAME * 2 + 1], kb[VG_COLMAP_MAX_NAME * 2 + 1];
	size_t la = fold(a, an, ka, sizeof(ka));
	size_t lb = fold(b, bn, kb, sizeof(kb));
	return la && la == lb && !memcmp(ka, kb, la);
}

/* Splits on commas, then each pair on its last "=". */
int vg_colmap_spec_parse(vg_colmap_spec *spec, const char *s, vg_lang lang, vg_err *err)
{
	bool en = lang == VG_LANG_EN;
	memset(spec, 0, sizeof(*spec));
	size_t n = s ? strnlen(s, VG_COLMAP_MAX_TEXT + 1) : 0;
	if (n > VG_COLMAP_MAX_TEXT)
		return vg_err_set(err, VG_EUSAGE,
		                  en ? "--map: text longer than %d bytes"
		                     : "--map : texte de plus de %d octets",
		                  VG_COLMAP_MAX_TEXT);
	size_t k = 0;
	while (k < n && is_space(s[k]))
		k++;
	if (k == n)
		return vg_err_set(err, VG_EUSAGE,
		                  en ? "--map: empty (expected column=field[,column=field...])"
		                     : "--map : vide (attendu colonne=champ[,colonne=champ...])");

	char *text = vg_xmalloc(n + 1);
	memcpy(text, s, n);
	text[n] = '\0';
	size_t index = 0;
	int rc = 0;
	for (size_t at = 0; at <= n && rc == 0;) {
		size_t end = at;
		while (end < n && text[end] != ',')
			end++;
		index++;
		const char *pair = s + at;
		size_t plen = end - at;
		/* trim the pair */
		size_t a = at, b = end;
		while (a < b && is_space(text[a]))
			a++;
		while (b > a && is_space(text[b - 1]))
			b--;
		if (a == b) {
			rc = pair_error(
			    err, lang, index, pair, plen, "%s",
			    en ? "empty pair (two commas in a row, or a comma at an end)"
			       : "paire vide (deux virgules de suite, ou une virgule au bout)");
			break;
		}
		size_t eq = b;
		while (eq > a && text[eq - 1] != '=')
			eq--;
		if (eq == a) {
			rc = pair_error(err, lang, index, pair, plen, "%s",
			                en ? "no \"=\" (expected column=field)"
			                   : "il manque « = » (attendu colonne=champ)");
			break;
		}
		eq--; /* text[eq] == '=' */
		size_t ce = eq, fs = eq + 1;
		while (ce > a && is_space(text[ce - 1]))
			ce--;
		while (fs < b && is_space(text[fs]))
			fs++;
		if (ce == a) {
			rc = pair_error(err, lang, index, pair, plen, "%s",
			                en ? "empty column name" : "nom de colonne vide");
			break;
		}
		if (ce - a > VG_COLMAP_MAX_NAME) {
			rc = pair_error(err, lang, index, pair, plen,
			                en ? "column name longer than %d bytes"
			                   : "nom de colonne de plus de %d octets",
			                VG_COLMAP_MAX_NAME);
			break;
		}
		vg_field f;
		if (fs == b) {
			rc = pair_error(err, lang, index, pair, plen, "%s",
			                en ? "empty field name" : "nom de champ vide");
			break;
		}
		if (vg_field_parse(text + fs, b - fs, &f) != 0) {
			char list[400];
			field_list(list, sizeof(list));
			int fl = (int)(b - fs > 40 ? 40 : b - fs);
			rc = pair_error(err, lang, index, pair, plen,
			                en ? "unknown field \"%.*s\" (fields: %s)"
			                   : "champ « %.*s » inconnu (champs : %s)",
			                fl, text + fs, list);
			break;
		}
		if (spec->n == VG_TABLE_MAX_FIELDS) {
			rc = pair_error(err, lang, index, pair, plen,
			                en ? "more than %d pairs" : "plus de %d paires",
			                VG_TABLE_MAX_FIELDS);
			break;
		}
		text[ce] = '\0';
		vg_colmap_pair *p = &spec->pairs[spec->n];
		p->column = text + a;
		p->column_len = ce - a;
		p->field = f;
		p->position = 0;
		bool digits = true;
		uint64_t pos = 0;
		for (size_t i = a; i < ce; i++) {
			if (text[i] < '0' || text[i] > '9') {
				digits = false;
				break;
			}
			if (pos <= 100000)
				pos = pos * 10 + (uint64_t)(text[i] - '0');
		}
		if (digits) {
			if (pos == 0) {
				rc = pair_error(err, lang, index, pair, plen, "%s",
				                en ? "column numbers start at 1"
				                   : "les numéros de colonne commencent à 1");
				break;
			}
			p->position =
			    pos > VG_TABLE_MAX_FIELDS ? VG_TABLE_MAX_FIELDS + 1 : (uint32_t)pos;
		}
		for (size_t j = 0; j < spec->n; j++) {
			const vg_colmap_pair *q = &spec->pairs[j];
			if (q->column_len == p->column_len &&
			    !memcmp(q->column, p->column, p->column_len)) {
				rc = pair_error(
				    err, lang, index, pair, plen,
				    en ? "column \"%s\" is already mapped (pair %zu)"
				       : "la colonne « %s » est déjà associée (paire n°%zu)",
				    p->column, j + 1);
				break;
			}
		}
		if (rc)
			break;
		spec->n++;
		at = end + 1;
	}
	if (rc) {
		free(text);
		memset(spec, 0, sizeof(*spec));
		return rc;
	}
	spec->text = text;
	return 0;
}

/* Frees the copy of the text. */
void vg_colmap_spec_release(vg_colmap_spec *spec)
{
	if (!spec)
		return;
	free(spec->text);
	spec->text = NULL;
	spec->n = 0;
}

/* Exact or folded match against the named pairs. */
bool vg_colmap_spec_names(const vg_colmap_spec *spec, const char *name, size_t n)
{
	if (!spec)
		return false;
	for (size_t i = 0; i < spec->n; i++) {
		const vg_colmap_pair *p = &spec->pairs[i];
		if (p->column_len == n && !memcmp(p->column, name, n))
			return true;
		if (!p->position && same_folded(p->column, p->column_len, name, n))
			return true;
	}
	return false;
}

/* ----------------------------------------------------------------- build */

/* Columns a pair designates: exact names, else folded names, else its number. */
static size_t pair_columns(const vg_colmap_pair *p, const vg_table_field *names, size_t ncolumns,
                           uint16_t *cols)
{
	size_t k = 0;
	if (names) {
		for (size_t c = 0; c < ncolumns; c++)
			if (names[c].len == p->column_len &&
			    !memcmp(names[c].s, p->column, p->column_len))
				cols[k++] = (uint16_t)c;
		if (k)
			return k;
		if (!p->position)
			for (size_t c = 0; c < ncolumns; c++)
				if (same_folded(names[c].s, names[c].len, p->column, p->column_len))
					cols[k++] = (uint16_t)c;
		if (k)
			return k;
	}
	if (p->position && p->position <= ncolumns)
		cols[k++] = (uint16_t)(p->position - 1);
	return k;
}

/* Guesses, applies --map, settles the plain "nom", then counts. */
int vg_colmap_build(vg_colmap *m, const vg_table_field *names, size_t ncolumns,
                    const vg_colmap_spec *spec, unsigned flags, vg_lang lang, vg_err *err)
{
	memset(m, 0, sizeof(*m));
	if (ncolumns > VG_TABLE_MAX_FIELDS)
		ncolumns = VG_TABLE_MAX_FIELDS;
	m->ncolumns = ncolumns;
	for (size_t c = 0; c < ncolumns && names; c++)
		m->field[c] = (uint8_t)vg_colmap_guess(names[c].s, names[c].len);

	for (size_t i = 0; spec && i < spec->n; i++) {
		const vg_colmap_pair *p = &spec->pairs[i];
		uint16_t cols[VG_TABLE_MAX_FIELDS];
		size_t k = pair_columns(p, names, ncolumns, cols);
		if (k == 0) {
			if (flags & VG_COLMAP_PARTIAL) {
				m->nmissing++;
				continue;
			}
			if (p->position && !names)
				return vg_err_set(
				    err, VG_EUSAGE,
				    lang == VG_LANG_EN
				        ? "--map: column %s does not exist (the file has %zu)"
				        : "--map : la colonne %s n'existe pas (le fichier en a "
				          "%zu)",
				    p->column, ncolumns);
			if (!names)
				return vg_err_set(err, VG_EUSAGE,
				                  lang == VG_LANG_EN
				                      ? "--map: the file has no header line; name "
				                        "column \"%s\" by its "
				                        "number (1 to %zu)"
				                      : "--map : le fichier n'a pas de ligne "
				                        "d'en-tête ; désignez la "
				                        "colonne « %s » par son numéro (1 à %zu)",
				                  p->column, ncolumns);
			return vg_err_set(
			    err, VG_EUSAGE,
			    lang == VG_LANG_EN
			        ? "--map: no column \"%s\" in the header (%zu columns)"
			        : "--map : pas de colonne « %s » dans l'en-tête (%zu "
			          "colonnes)",
			    p->column, ncolumns);
		}
		for (size_t j = 0; j < k; j++) {
			m->field[cols[j]] = (uint8_t)p->field;
			m->explicit_map[cols[j]] = true;
		}
	}

	/* settle the plain "nom" from the other guessed or mapped columns */
	bool usage = false, birth = false;
	for (size_t c = 0; c < ncolumns; c++) {
		usage |= m->field[c] == VG_FIELD_USAGE_NAME;
		birth |= m->field[c] == VG_FIELD_BIRTH_NAME;
	}
	if (usage != birth)
		for (size_t c = 0; c < ncolumns; c++)
			if (m->field[c] == VG_FIELD_FAMILY_NAME && !m->explicit_map[c])
				m->field[c] = usage ? VG_FIELD_BIRTH_NAME : VG_FIELD_USAGE_NAME;

	for (size_t c = 0; c < ncolumns; c++) {
		vg_field f = (vg_field)m->field[c];
		if (f == VG_FIELD_NONE) {
			if (!m->explicit_map[c])
				m->unknown[m->nunknown++] = (uint16_t)c;
			continue;
		}
		if (m->count[f] < VG_COLMAP_PER_FIELD)
			m->cols[f][m->count[f]] = (uint16_t)c;
		m->count[f]++;
	}
	return 0;
}
