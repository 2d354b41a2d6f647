/*
 * address.c: French postal addresses to one canonical line.
 *
 * The input is cut into segments at the separators people and files use
 * between address lines (, ; | tab newline); each segment is folded with
 * vg_text_fold() (lowercase ASCII words) and cut into tokens that remember
 * their segment. Then, on the tokens:
 *
 *   1. postcode: the last 5-digit token, passing over one right after
 *      bp/cs/tsa (a postal box number) when there is another, and preferring
 *      one not followed by a street type or a bis/ter suffix (a house
 *      number); else "dd ddd" (75 011). Its first digits must be a
 *      department (table below, from La Poste's base of postcodes).
 *   2. marks: postal boxes (bp N, b p N, boite postale N, cs N, tsa N) and
 *      "cedex [n]" are taken out wherever they are.
 *   3. commune: the words after the postcode in its segment, up to a house
 *      number followed by a street type ("75011 paris 12 rue x"); else the
 *      words before it when they do not look like a street ("paris 75011");
 *      else the next segment ("75011, paris"). A trailing "france" and a
 *      Paris/Lyon/Marseille arrondissement ("paris 11e") are dropped.
 *   4. street: every other run of words is a candidate. A run that is only
 *      a house number is joined to the next ("12 bis, av. x"). Complements
 *      are cut off the front (appt 4, bat a, 2e etage, chez x, residence x
 *      when a numbered street follows) and the back (... appt 4); what is
 *      left is ranked: number + street (3), street type (2), residence-like
 *      type (1: residence, lotissement, lieu dit, hameau, zac, ...), other
 *      words (0); the best rank wins, the last one on ties (the street line
 *      comes last before the postcode line). The others are complements.
 *   5. canonical line: number, suffix, type, street, po box, postcode,
 *      commune, cedex.
 *
 * Invariants: never reads past s[n); no allocation (the parser state is on
 * the stack, about 15 KB); at most MAX_TOK tokens. The canonical line must
 * read back as itself: the normalizer parses it again and, if it changes,
 * once more; a line that still moves is rejected (reason "ambiguous"), so
 * normalizing is idempotent by construction.
 */
#include "vigie/address.h"
#include "vigie/name.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOK 256

static const vg_reason reason_no_postcode = {"no_postcode", "code postal manquant (5 chiffres)",
                                             "missing postcode (5 digits)"};
static const vg_reason reason_bad_department = {
    "bad_department", "code postal invalide : ne commence pas par un numéro de département",
    "invalid postcode: does not start with a department number"};
static const vg_reason reason_no_commune = {"no_commune", "commune manquante après le code postal",
                                            "missing commune (town) after the postcode"};
static const vg_reason reason_no_street = {"no_street",
                                           "voie manquante : ni rue, ni lieu-dit, ni boîte postale",
                                           "missing street: no street, place name or postal box"};
static const vg_reason reason_ambiguous = {
    "ambiguous", "adresse ambiguë : sa forme canonique se lit autrement",
    "ambiguous address: its canonical form reads differently"};
static const vg_reason reason_fold_failed = {"fold_failed",
                                             "translittération impossible (ICU indisponible)",
                                             "transliteration failed (ICU unavailable)"};

/* ------------------------------------------------------------------------ */
/* Word lists                                                                 */

/* A street type: its spellings map to the full form; res = residence-like
 * (names a place more than a street, and can be a complement line). */
typedef struct stype {
	const char *abbr;
	const char *full;
	int res;
} stype;

/* One-word spellings (La Poste / AFNOR XP Z10-011 abbreviations and usual
 * variants). "qu"/"qua" are read as quai. */
/* clang-format off */
static const stype types1[] = {
	{"rue", "rue", 0}, {"r", "rue", 0},
	{"avenue", "avenue", 0}, {"av", "avenue", 0}, {"ave", "avenue", 0}, {"avn", "avenue", 0},
	{"aven", "avenue", 0},
	{"boulevard", "boulevard", 0}, {"bd", "boulevard", 0}, {"bld", "boulevard", 0},
	{"blvd", "boulevard", 0}, {"bvd", "boulevard", 0}, {"boul", "boulevard", 0},
	{"place", "place", 0}, {"pl", "place", 0}, {"plc", "place", 0},
	{"chemin", "chemin", 0}, {"ch", "chemin", 0}, {"che", "chemin", 0}, {"chem", "chemin", 0},
	{"chmn", "chemin", 0},
	{"impasse", "impasse", 0}, {"imp", "impasse", 0},
	{"allee", "allee", 0}, {"all", "allee", 0}, {"al", "allee", 0},
	{"route", "route", 0}, {"rte", "route", 0}, {"rt", "route", 0},
	{"faubourg", "faubourg", 0}, {"fbg", "faubourg", 0}, {"fg", "faubourg", 0},
	{"faub", "faubourg", 0},
	{"square", "square", 0}, {"sq", "square", 0}, {"squ", "square", 0},
	{"cours", "cours", 0}, {"crs", "cours", 0},
	{"quai", "quai", 0}, {"qu", "quai", 0}, {"qua", "quai", 0},
	{"passage", "passage", 0}, {"pas", "passage", 0}, {"psg", "passage", 0},
	{"pass", "passage", 0},
	{"sente", "sente", 0}, {"sen", "sente", 0},
	{"sentier", "sentier", 0}, {"sent", "sentier", 0},
	{"voie", "voie", 0},
	{"carrefour", "carrefour", 0}, {"car", "carrefour", 0}, {"carr", "carrefour", 0},
	{"chaussee", "chaussee", 0}, {"chs", "chaussee", 0}, {"chau", "chaussee", 0},
	{"clos", "clos", 0},
	{"corniche", "corniche", 0}, {"cor", "corniche", 0},
	{"cote", "cote", 0},
	{"cour", "cour", 0},
	{"descente", "descente", 0}, {"dsc", "descente", 0},
	{"esplanade", "esplanade", 0}, {"esp", "esplanade", 0}, {"espl", "esplanade", 0},
	{"galerie", "galerie", 0}, {"gal", "galerie", 0},
	{"halle", "halle", 0}, {"hle", "halle", 0},
	{"mail", "mail", 0},
	{"marche", "marche", 0}, {"mar", "marche", 0},
	{"montee", "montee", 0}, {"mte", "montee", 0},
	{"parvis", "parvis", 0}, {"prv", "parvis", 0}, {"pvs", "parvis", 0},
	{"plaine", "plaine", 0}, {"pln", "plaine", 0},
	{"plateau", "plateau", 0}, {"plt", "plateau", 0},
	{"promenade", "promenade", 0}, {"prom", "promenade", 0}, {"pro", "promenade", 0},
	{"rocade", "rocade", 0}, {"roc", "rocade", 0},
	{"ruelle", "ruelle", 0}, {"rle", "ruelle", 0},
	{"terrasse", "terrasse", 0}, {"tsse", "terrasse", 0},
	{"traverse", "traverse", 0}, {"tra", "traverse", 0}, {"trav", "traverse", 0},
	{"villa", "villa", 0}, {"vla", "villa", 0},
	{"rpt", "rond point", 0}, {"rdpt", "rond point", 0},
	{"rn", "route nationale", 0},
	{"rd", "route departementale", 0},
	{"cr", "chemin rural", 0},
	{"cv", "chemin vicinal", 0},
	{"vc", "voie communale", 0},
	{"tpl", "terre plein", 0},
	{"gr", "grande rue", 0},
	{"residence", "residence", 1}, {"res", "residence", 1}, {"resid", "residence", 1},
	{"lotissement", "lotissement", 1}, {"lot", "lotissement", 1},
	{"lotiss", "lotissement", 1},
	{"hlm", "hlm", 1},
	{"cite", "cite", 1},
	{"domaine", "domaine", 1}, {"dom", "domaine", 1},
	{"hameau", "hameau", 1}, {"ham", "hameau", 1},
	{"ld", "lieu dit", 1}, {"lieudit", "lieu dit", 1},
	{"quartier", "quartier", 1}, {"qrt", "quartier", 1},
	{"village", "village", 1}, {"vlge", "village", 1}, {"vge", "village", 1},
	{"ecart", "ecart", 1}, {"eca", "ecart", 1},
	{"ilot", "ilot", 1},
	{"parc", "parc", 1},
	{"zone", "zone", 1},
	{"zac", "zac", 1},
	{"zi", "zi", 1},
	{"za", "za", 1},
	{"zae", "zae", 1},
	{"zad", "zad", 1},
	{"zup", "zup", 1},
};
/* clang-format on */

/* Two-word full forms, matched before the one-word ones. */
static const struct {
	const char *w1, *w2, *full;
	int res;
} types2[] = {
    {"lieu", "dit", "lieu dit", 1},
    {"rond", "point", "rond point", 0},
    {"route", "nationale", "route nationale", 0},
    {"route", "departementale", "route departementale", 0},
    {"chemin", "rural", "chemin rural", 0},
    {"chemin", "vicinal", "chemin vicinal", 0},
    {"voie", "communale", "voie communale", 0},
    {"terre", "plein", "terre plein", 0},
    {"grande", "rue", "grande rue", 0},
};

/* Complement keywords followed by one value: "appt 4", "bat a", "esc 2".
 * Strong ones take any value at the front of a line ("batiment les lilas");
 * weak ones, and any of them at the end of a street line, only a short value
 * ("porte 3", not "allee de la porte rouge"). */
static const char *const units_strong[] = {
    "appt", "app",      "apt",   "appart", "appartement", "bat",      "batiment",
    "esc",  "escalier", "etage", "etg",    "imm",         "immeuble", "logement",
};
static const char *const units_weak[] = {
    "bt", "bloc", "porte", "entree", "log", "lgt", "chambre", "chbre", "bal", "box",
};

/* Abbreviations inside street names and communes. */
static const char *const expand_common[][2] = {
    {"st", "saint"},
    {"ste", "sainte"},
    {"sts", "saints"},
    {"stes", "saintes"},
};
static const char *const expand_street[][2] = {
    {"gal", "general"},     {"gen", "general"},     {"mal", "marechal"},  {"pdt", "president"},
    {"dr", "docteur"},      {"cdt", "commandant"},  {"lt", "lieutenant"}, {"cne", "capitaine"},
    {"mgr", "monseigneur"}, {"prof", "professeur"},
};

/* ------------------------------------------------------------------------ */
/* Tokens                                                                     */

/* What a token was taken for. */
enum { M_FREE, M_POSTCODE, M_COMMUNE, M_BOX, M_CEDEX, M_COUNTRY };

/* Word classes of the dictionary. */
enum {
	W_UNIT_STRONG = 1u << 0, /* in units_strong */
	W_UNIT_WEAK = 1u << 1,   /* in units_weak */
	W_TYPE2 = 1u << 2,       /* first word of a two-word street type */
	W_BOX = 1u << 3,         /* starts a postal box: bp cs tsa b boite bte */
	W_CEDEX = 1u << 4,       /* "cedex" */
};

/* A word of the dictionary: every list above, merged and sorted once, so
 * that each token is looked up once (binary search) when it is cut. */
typedef struct dword {
	const char *w;
	unsigned cls;              /* W_* */
	const stype *ty;           /* one-word street type, or NULL */
	const char *expand;        /* spelled out in streets and communes, or NULL */
	const char *expand_street; /* spelled out in street names, or NULL */
} dword;

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define DICT_MAX                                                                                   \
	(N_OF(types1) + N_OF(types2) + N_OF(units_strong) + N_OF(units_weak) +                     \
	 N_OF(expand_common) + N_OF(expand_street) + 8)

static dword dict[DICT_MAX];
static size_t ndict;
static pthread_once_t dict_once = PTHREAD_ONCE_INIT;

/* The entry of w, added if new (while building). */
static dword *dict_add(const char *w)
{
	for (size_t i = 0; i < ndict; i++)
		if (!strcmp(dict[i].w, w))
			return &dict[i];
	dict[ndict] = (dword){w, 0, NULL, NULL, NULL};
	return &dict[ndict++];
}

/* qsort order of the dictionary. */
static int dword_cmp(const void *a, const void *b)
{
	return strcmp(((const dword *)a)->w, ((const dword *)b)->w);
}

/* Builds the sorted dictionary from the lists. */
static void dict_build(void)
{
	static const char *const box[] = {"bp", "cs", "tsa", "b", "boite", "bte"};
	for (size_t i = 0; i < N_OF(types1); i++)
		dict_add(types1[i].abbr)->ty = &types1[i];
	for (size_t i = 0; i < N_OF(types2); i++)
		dict_add(types2[i].w1)->cls |= W_TYPE2;
	for (size_t i = 0; i < N_OF(units_strong); i++)
		dict_add(units_strong[i])->cls |= W_UNIT_STRONG;
	for (size_t i = 0; i < N_OF(units_weak); i++)
		dict_add(units_weak[i])->cls |= W_UNIT_WEAK;
	for (size_t i = 0; i < N_OF(expand_common); i++)
		dict_add(expand_common[i][0])->expand = expand_common[i][1];
	for (size_t i = 0; i < N_OF(expand_street); i++)
		dict_add(expand_street[i][0])->expand_street = expand_street[i][1];
	for (size_t i = 0; i < N_OF(box); i++)
		dict_add(box[i])->cls |= W_BOX;
	dict_add("cedex")->cls |= W_CEDEX;
	qsort(dict, ndict, sizeof(dict[0]), dword_cmp);
}

typedef struct tok {
	const char *p;
	unsigned len;
	unsigned seg;
	unsigned mark;  /* M_* */
	const dword *d; /* its dictionary entry, or NULL */
} tok;

/* The classes of t. */
static inline unsigned cls(const tok *t)
{
	return t->d ? t->d->cls : 0;
}

/* A candidate street: n tokens from the pool, starting at off. */
typedef struct cand {
	unsigned off, n;
} cand;

typedef struct parser {
	char fold[VG_INPUT_MAX + 1];
	tok t[MAX_TOK];
	unsigned nt;
	const tok *pool[MAX_TOK];
	unsigned npool;
	cand cands[MAX_TOK];
	unsigned ncand;
} parser;

/* strcmp() of the word w and the token t (tokens hold no NUL). */
static inline int tokcmp(const char *w, const tok *t)
{
	unsigned i = 0;
	for (; i < t->len; i++) {
		if (w[i] != t->p[i])
			return (unsigned char)w[i] - (unsigned char)t->p[i];
	}
	return w[i] != '\0';
}

/* True when t is the word w. */
static int is(const tok *t, const char *w)
{
	return t && t->len && t->p[0] == w[0] && tokcmp(w, t) == 0;
}

/* Number of leading ASCII digits of t. */
static unsigned ndigits(const tok *t)
{
	unsigned i = 0;
	while (i < t->len && t->p[i] >= '0' && t->p[i] <= '9')
		i++;
	return i;
}

/* True when t is only digits. */
static int all_digits(const tok *t)
{
	return t && t->len && ndigits(t) == t->len;
}

/* True when t has a letter. */
static int has_letter(const tok *t)
{
	for (unsigned i = 0; i < t->len; i++)
		if (t->p[i] >= 'a' && t->p[i] <= 'z')
			return 1;
	return 0;
}

/* The spelled-out house-number suffix for w[0..n) ("b" -> "bis"), or NULL.
 * A single letter other than b, t, q, r stands for itself. */
static const char *suffix_of(const char *w, size_t n)
{
	static const char *const map[][2] = {
	    {"bis", "bis"},
	    {"b", "bis"},
	    {"ter", "ter"},
	    {"t", "ter"},
	    {"quater", "quater"},
	    {"q", "quater"},
	    {"quinquies", "quinquies"},
	    {"quinques", "quinquies"},
	};
	static const char letters[] =
	    "a\0c\0d\0e\0f\0g\0h\0i\0j\0k\0l\0m\0n\0o\0p\0s\0u\0v\0w\0x\0y\0z";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i][0]) == n && !memcmp(w, map[i][0], n))
			return map[i][1];
	if (n == 1)
		for (size_t i = 0; i < sizeof(letters); i += 2)
			if (letters[i] == w[0])
				return letters + i;
	return NULL;
}

/* True when t is a house number: 1-5 digits, or digits and a suffix
 * ("12b", "3bis"); *suf gets the attached suffix or NULL. */
static int house_number(const tok *t, const char **suf)
{
	unsigned d = ndigits(t);
	*suf = NULL;
	if (d == 0 || d > 5)
		return 0;
	if (d == t->len)
		return 1;
	*suf = suffix_of(t->p + d, t->len - d);
	return *suf != NULL;
}

/* The street type starting at c[i] (of n): its full form, the number of
 * tokens it takes (0 when none), and whether it is residence-like. */
static unsigned street_type(const tok *const *c, unsigned i, unsigned n, const char **full,
                            int *res)
{
	if (i >= n)
		return 0;
	if (i + 1 < n) {
		for (size_t k = 0; k < sizeof(types2) / sizeof(types2[0]) && (cls(c[i]) & W_TYPE2);
		     k++) {
			if (is(c[i], types2[k].w1) && is(c[i + 1], types2[k].w2)) {
				*full = types2[k].full;
				*res = types2[k].res;
				return 2;
			}
		}
	}
	const stype *ty = c[i]->d ? c[i]->d->ty : NULL;
	if (ty) {
		*full = ty->full;
		*res = ty->res;
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Street lines                                                               */

/* A street line read from candidate tokens c[0..n). */
typedef struct street {
	const tok *num, *num2; /* house number, end of a range */
	const char *suffix;    /* spelled out, or NULL */
	const char *type;      /* full form, or NULL */
	int res;               /* the type is residence-like */
	unsigned words;        /* c[words..n) is the street name */
	int rank;              /* 3 number+street, 2 type, 1 residence-like, 0 words, -1 none */
} street;

/* Reads number, range, suffix and type at the front of c[0..n). */
static void read_street(const tok *const *c, unsigned n, street *st)
{
	unsigned i = 0;
	memset(st, 0, sizeof(*st));
	const char *suf;
	if (n > 1 && (is(c[0], "n") || is(c[0], "no") || is(c[0], "num") || is(c[0], "numero")) &&
	    house_number(c[1], &suf))
		i = 1;
	if (i < n && house_number(c[i], &suf)) {
		st->num = c[i++];
		st->suffix = suf;
		/* "12 14 rue x": a range, when something follows */
		if (!suf && i + 1 < n && all_digits(c[i]) && c[i]->len <= 5) {
			st->num2 = c[i++];
		}
		if (!suf && i < n && (st->suffix = suffix_of(c[i]->p, c[i]->len)) != NULL)
			i++;
	}
	unsigned k = street_type(c, i, n, &st->type, &st->res);
	i += k;
	st->words = i;
	if (st->num)
		st->rank = (k || i < n) ? 3 : -1;
	else if (k)
		st->rank = st->res ? 1 : 2;
	else
		st->rank = n ? 0 : -1;
}

/* True when t is a complement keyword. */
static int unit(const tok *t)
{
	return (cls(t) & (W_UNIT_STRONG | W_UNIT_WEAK)) != 0;
}

/* True when t is a short unit value: one character, or a few with a digit
 * ("4", "a", "b2", "12"). */
static int short_value(const tok *t)
{
	if (t->len == 1)
		return 1;
	for (unsigned i = 0; i < t->len; i++)
		if (t->p[i] >= '0' && t->p[i] <= '9')
			return t->len <= 6;
	return 0;
}

/* True when c[i] is a floor: "2e", "1er", "3eme", digits. */
static int ordinal(const tok *t)
{
	unsigned d = ndigits(t);
	if (d == 0)
		return is(t, "premier") || is(t, "rdc");
	const char *r = t->p + d;
	size_t k = t->len - d;
	return k == 0 || (k == 1 && r[0] == 'e') || (k == 2 && !memcmp(r, "er", 2)) ||
	       (k == 3 && (!memcmp(r, "ere", 3) || !memcmp(r, "eme", 3))) ||
	       (k == 4 && !memcmp(r, "ieme", 4));
}

/* Length of a floor complement at c[i..n): "2e etage", "rdc", "rez de
 * chaussee"; 0 when none. */
static unsigned floor_at(const tok *const *c, unsigned i, unsigned n)
{
	if (i + 1 < n && ordinal(c[i]) && (is(c[i + 1], "etage") || is(c[i + 1], "etg")))
		return 2;
	if (i < n && is(c[i], "rdc"))
		return 1;
	if (i + 2 < n && is(c[i], "rez") && is(c[i + 1], "de") && is(c[i + 2], "chaussee"))
		return 3;
	return 0;
}

/* True when c[i..n) starts like a street: a house number with something
 * after it, or a street type. */
static int street_like(const tok *const *c, unsigned i, unsigned n)
{
	const char *suf, *full;
	int res;
	if (i < n && house_number(c[i], &suf) && i + 1 < n)
		return 1;
	return street_type(c, i, n, &full, &res) > 0;
}

/* Length of a unit complement at the front of c[i..n): "appt 4", "bat a"
 * (then a street follows), or the whole of "batiment les tilleuls"; 0 when
 * none. */
static unsigned unit_at(const tok *const *c, unsigned i, unsigned n)
{
	if (!unit(c[i]))
		return 0;
	unsigned j = i + 1;
	if (j + 1 < n && (is(c[j], "n") || is(c[j], "no")))
		j++;
	if (j < n && !(cls(c[i]) & W_UNIT_STRONG) && !short_value(c[j]))
		return 0; /* "porte de versailles" */
	if (j < n)
		j++;
	/* "bat a 3 rue x" keeps "3 rue x"; "bat les lilas" is all complement */
	if (j < n && !street_like(c, j, n))
		j = n;
	return j - i;
}

/* Length of a recipient ("chez x", "c/o x") or residence-like place
 * ("residence x") at the front of c[i..n), up to a numbered street; a
 * recipient with no street after it is all complement. 0 when none. */
static unsigned place_at(const tok *const *c, unsigned i, unsigned n)
{
	unsigned j = i;
	int chez = 0, res = 0;
	const char *full, *suf;
	if (is(c[i], "chez")) {
		chez = 1;
		j = i + 1;
	} else if (i + 1 < n && is(c[i], "c") && is(c[i + 1], "o")) {
		chez = 1;
		j = i + 2;
	} else if (street_type(c, i, n, &full, &res) == 0 || !res) {
		return 0;
	} else {
		j = i + 1;
	}
	while (j < n && !(house_number(c[j], &suf) && j + 1 < n))
		j++;
	return j < n || chez ? j - i : 0;
}

/* Cuts complements off the front and back of candidate c[*a..*b); calls
 * keep() on each piece cut. */
static void strip(const tok *const *c, unsigned *a, unsigned *b,
                  void (*keep)(void *ctx, const tok *const *c, unsigned a, unsigned b), void *ctx)
{
	for (;;) {
		unsigned i = *a, n = *b, k;
		if (i >= n)
			return;
		if ((k = floor_at(c, i, n)) == 0 && (k = unit_at(c, i, n)) == 0 &&
		    (k = place_at(c, i, n)) == 0)
			break;
		keep(ctx, c, i, i + k);
		*a = i + k;
	}
	for (;;) {
		unsigned i = *a, n = *b;
		if (n - i < 3)
			return;
		if (unit(c[n - 2]) && short_value(c[n - 1])) {
			keep(ctx, c, n - 2, n);
			*b = n - 2;
		} else if (n - i >= 4 && unit(c[n - 3]) &&
		           (is(c[n - 2], "n") || is(c[n - 2], "no")) && short_value(c[n - 1])) {
			keep(ctx, c, n - 3, n);
			*b = n - 3;
		} else if (floor_at(c, n - 2, n) == 2) {
			keep(ctx, c, n - 2, n);
			*b = n - 2;
		} else if (is(c[n - 1], "rdc")) {
			keep(ctx, c, n - 1, n);
			*b = n - 1;
		} else {
			return;
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Output                                                                     */

/* A bounded string being built; over is set when it did not fit. */
typedef struct sbuf {
	char *s;
	size_t cap, len;
	int over;
} sbuf;

/* Appends s[0..n), after a space (or sep) when the buffer is not empty. */
static void sb_add(sbuf *b, const char *sep, const char *s, size_t n)
{
	size_t sl = b->len ? strlen(sep) : 0;
	if (b->len + sl + n + 1 > b->cap) {
		b->over = 1;
		return;
	}
	memcpy(b->s + b->len, sep, sl);
	memcpy(b->s + b->len + sl, s, n);
	b->len += sl + n;
	b->s[b->len] = '\0';
}

/* Appends a word, expanded when it is in the table (or tables). */
static void sb_word(sbuf *b, const tok *t, int street_words)
{
	const char *x = !t->d          ? NULL
	                : t->d->expand ? t->d->expand
	                : street_words ? t->d->expand_street
	                               : NULL;
	if (x)
		sb_add(b, " ", x, strlen(x));
	else
		sb_add(b, " ", t->p, t->len);
}

/* Appends a number without its leading zeros ("007" -> "7"). */
static void sb_number(sbuf *b, const char *sep, const tok *t)
{
	unsigned d = ndigits(t), z = 0;
	while (z + 1 < d && t->p[z] == '0')
		z++;
	sb_add(b, sep, t->p + z, d - z);
}

/* Ignores complement pieces (while ranking candidates). */
static void keep_nothing(void *ctx, const tok *const *c, unsigned a, unsigned b)
{
	(void)ctx;
	(void)c;
	(void)a;
	(void)b;
}

/* Collects complement pieces into out->complement. */
static void keep_complement(void *ctx, const tok *const *c, unsigned a, unsigned b)
{
	vg_address *out = ctx;
	if (a >= b)
		return;
	sbuf sb = {out->complement, sizeof(out->complement), strlen(out->complement), 0};
	char piece[256];
	sbuf pb = {piece, sizeof(piece), 0, 0};
	piece[0] = '\0';
	for (unsigned i = a; i < b; i++)
		sb_add(&pb, " ", c[i]->p, c[i]->len);
	sb_add(&sb, ", ", piece, pb.len);
	out->flags |= VG_ADDR_COMPLEMENT;
}

/* ------------------------------------------------------------------------ */
/* Postcode and department                                                    */

/* Sets dept from a 5-digit postcode; returns 0, or -1 when its prefix is
 * no department. Prefixes as in La Poste's base (2020): 01-95 (20 is
 * Corsica: 200-201 2A, 202-209 2B), 971-976, 980 (Monaco), 986-988, and
 * 984 (French Southern Territories). */
static int postcode_dept(const char *pc, char dept[4], unsigned *flags)
{
	int d2 = (pc[0] - '0') * 10 + (pc[1] - '0');
	int d3 = d2 * 10 + (pc[2] - '0');
	if (d2 >= 1 && d2 <= 95) {
		if (d2 == 20)
			memcpy(dept, d3 <= 201 ? "2A" : "2B", 3);
		else
			memcpy(dept, pc, 2), dept[2] = '\0';
		return 0;
	}
	if ((d3 >= 971 && d3 <= 976) || d3 == 980 || d3 == 984 || (d3 >= 986 && d3 <= 988)) {
		memcpy(dept, pc, 3);
		dept[3] = '\0';
		*flags |= d3 == 980 ? VG_ADDR_MONACO : VG_ADDR_OVERSEAS;
		return 0;
	}
	return -1;
}

/* True when token i follows a postal-box keyword (bp, b p, cs, tsa, postale). */
static int after_box(const parser *P, unsigned i)
{
	if (i == 0)
		return 0;
	const tok *p = &P->t[i - 1];
	return is(p, "bp") || is(p, "cs") || is(p, "tsa") || is(p, "postale") ||
	       (is(p, "p") && i >= 2 && is(&P->t[i - 2], "b"));
}

/* True when token i is followed, in its segment, by a street type or a
 * house-number suffix: then it is more likely a house number. */
static int before_street(const parser *P, unsigned i)
{
	if (i + 1 >= P->nt || P->t[i + 1].seg != P->t[i].seg)
		return 0;
	const tok *c[2] = {&P->t[i + 1], i + 2 < P->nt ? &P->t[i + 2] : NULL};
	const char *full;
	int res;
	return street_type(c, 0, c[1] ? 2 : 1, &full, &res) ||
	       (suffix_of(c[0]->p, c[0]->len) && c[0]->len > 1);
}

/* Finds the postcode; returns its first token index and sets *ntok (1 or
 * 2), or returns -1. */
static int find_postcode(const parser *P, unsigned *ntok)
{
	int last = -1, last_free = -1, last_pref = -1, count = 0;
	for (unsigned i = 0; i < P->nt; i++) {
		if (P->t[i].len != 5 || !all_digits(&P->t[i]))
			continue;
		count++;
		last = (int)i;
		if (after_box(P, i))
			continue;
		last_free = (int)i;
		if (!before_street(P, i))
			last_pref = (int)i;
	}
	*ntok = 1;
	if (count == 1 || last_free < 0)
		return last;
	return last_pref >= 0 ? last_pref : last_free;
}

/* Finds a postcode written "dd ddd" (the last one followed by a word). */
static int find_split_postcode(const parser *P)
{
	int found = -1;
	for (unsigned i = 0; i + 2 < P->nt; i++) {
		const tok *a = &P->t[i], *b = &P->t[i + 1], *c = &P->t[i + 2];
		if (a->len == 2 && all_digits(a) && b->len == 3 && all_digits(b) &&
		    a->seg == b->seg && has_letter(c))
			found = (int)i;
	}
	return found;
}

/* ------------------------------------------------------------------------ */
/* Parser                                                                     */

/* The dictionary entry of t, or NULL. */
static const dword *dict_find(const tok *t)
{
	if (t->len == 0 || t->p[0] < 'a')
		return NULL;
	size_t lo = 0, hi = ndict;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = tokcmp(dict[mid].w, t);
		if (c == 0)
			return &dict[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* True for a byte that separates address lines: , ; | tab CR LF. */
static inline int line_sep(char c)
{
	return c == ',' || c == ';' || c == '|' || c == '\t' || c == '\n' || c == '\r';
}

/* Cuts the input into segments, folds them and splits the words. */
static const vg_reason *tokenize(parser *P, const char *s, size_t n)
{
	size_t used = 0;
	unsigned seg = 0;
	int too_big = 0;
	P->nt = 0;
	for (size_t i = 0; i <= n;) {
		size_t j = i;
		while (j < n && !line_sep(s[j]))
			j++;
		if (too_big) {
			char scratch[64];
			long r = vg_text_fold(s + i, j - i, scratch, sizeof(scratch));
			if (r == VG_EINVAL)
				return &vg_reason_bad_utf8;
		} else {
			long r = vg_text_fold(s + i, j - i, P->fold + used, sizeof(P->fold) - used);
			if (r == VG_EINVAL)
				return &vg_reason_bad_utf8;
			if (r == VG_ETOOBIG) {
				too_big = 1;
			} else if (r < 0) {
				return &reason_fold_failed;
			} else {
				char *w = P->fold + used;
				for (long k = 0; k < r;) {
					long e = k;
					while (e < r && w[e] != ' ')
						e++;
					if (P->nt == MAX_TOK) {
						too_big = 1;
						break;
					}
					P->t[P->nt] =
					    (tok){w + k, (unsigned)(e - k), seg, M_FREE, NULL};
					P->t[P->nt].d = dict_find(&P->t[P->nt]);
					P->nt++;
					k = e + 1;
				}
				used += (size_t)r + 1;
				if (r)
					seg++;
			}
		}
		i = j + 1;
	}
	return too_big ? &vg_reason_too_long : NULL;
}

/* Marks postal boxes and cedex everywhere but the postcode. */
static void mark_boxes(parser *P, vg_address *out)
{
	for (unsigned i = 0; i < P->nt; i++) {
		tok *t = &P->t[i];
		if (t->mark != M_FREE || !(cls(t) & (W_BOX | W_CEDEX)))
			continue;
		unsigned k = 0;
		const char *kw = NULL;
		if (is(t, "bp") || is(t, "cs") || is(t, "tsa")) {
			k = 1;
			kw = is(t, "bp") ? "bp" : is(t, "cs") ? "cs" : "tsa";
		} else if (i + 1 < P->nt &&
		           ((is(t, "b") && is(&P->t[i + 1], "p")) ||
		            ((is(t, "boite") || is(t, "bte")) && is(&P->t[i + 1], "postale")))) {
			k = 2;
			kw = "bp";
		}
		if (k && i + k < P->nt && all_digits(&P->t[i + k]) && P->t[i + k].len <= 6 &&
		    P->t[i + k].mark == M_FREE) {
			for (unsigned j = i; j <= i + k; j++)
				P->t[j].mark = M_BOX;
			if (!out->po_box[0]) {
				sbuf b = {out->po_box, sizeof(out->po_box), 0, 0};
				sb_add(&b, " ", kw, strlen(kw));
				sb_number(&b, " ", &P->t[i + k]);
			}
			out->flags |= VG_ADDR_PO_BOX;
			i += k;
			continue;
		}
		if (is(t, "cedex")) {
			t->mark = M_CEDEX;
			out->flags |= VG_ADDR_CEDEX;
			if (i + 1 < P->nt && all_digits(&P->t[i + 1]) && P->t[i + 1].len <= 3 &&
			    P->t[i + 1].mark == M_FREE) {
				P->t[i + 1].mark = M_CEDEX;
				if (!out->cedex[0]) {
					sbuf b = {out->cedex, sizeof(out->cedex), 0, 0};
					sb_number(&b, "", &P->t[i + 1]);
				}
				i++;
			}
		}
	}
}

/* Length of the run of free tokens of one segment starting at i. */
static unsigned run_from(const parser *P, unsigned i)
{
	unsigned j = i;
	while (j < P->nt && P->t[j].mark == M_FREE && P->t[j].seg == P->t[i].seg)
		j++;
	return j - i;
}

/* True when the tokens P->t[a..b) do not start like a street. */
static int not_street(const parser *P, unsigned a, unsigned b)
{
	const tok *c[3] = {NULL};
	unsigned n = 0;
	for (unsigned i = a; i < b && n < 3; i++)
		c[n++] = &P->t[i];
	return !street_like(c, 0, n);
}

/* Finds and marks the commune; writes it. Returns NULL or a reason. */
static const vg_reason *read_commune(parser *P, unsigned p, unsigned pe, vg_address *out)
{
	unsigned seg = P->t[p].seg, a = 0, b = 0;
	unsigned na = pe < P->nt && P->t[pe].seg == seg ? run_from(P, pe) : 0;
	unsigned bs = p; /* start of the run before the postcode */
	while (bs > 0 && P->t[bs - 1].mark == M_FREE && P->t[bs - 1].seg == seg)
		bs--;
	unsigned others = 0;
	for (unsigned i = 0; i < P->nt; i++)
		if (P->t[i].mark == M_FREE && !(i >= bs && i < p) && !(i >= pe && i < pe + na))
			others++;
	if (na) {
		a = pe;
		b = pe + na;
		/* "75011 paris 12 bis avenue x": the street follows the commune */
		for (unsigned k = a + 1; k < b; k++) {
			const tok *c[4] = {NULL};
			unsigned m = 0;
			for (unsigned j = k; j < b && m < 4; j++)
				c[m++] = &P->t[j];
			const char *suf, *full;
			int res;
			if (m < 2 || !house_number(c[0], &suf))
				continue;
			unsigned i = 1;
			if (!suf && suffix_of(c[1]->p, c[1]->len) && m > 2)
				i = 2;
			if (street_type(c, i, m, &full, &res)) {
				b = k;
				break;
			}
		}
	} else if (bs < p && others && not_street(P, bs, p)) {
		a = bs;
		b = p;
	} else {
		unsigned i = pe;
		while (i < P->nt && P->t[i].mark != M_FREE)
			i++;
		if (i < P->nt) {
			a = i;
			b = i + run_from(P, i);
		} else if (bs < p && not_street(P, bs, p)) {
			a = bs;
			b = p;
		}
	}
	if (a == b)
		return &reason_no_commune;
	for (unsigned i = a; i < b; i++)
		P->t[i].mark = M_COMMUNE;
	/* a trailing "france" is the country */
	if (is(&P->t[b - 1], "france") && (b - a == 1 || !is(&P->t[b - 2], "de"))) {
		P->t[--b].mark = M_COUNTRY;
		out->flags |= VG_ADDR_COUNTRY;
	}
	/* "paris 11", "lyon 3e", "marseille 13 eme", "paris 1er arrondissement" */
	const tok *c0 = &P->t[a];
	if (a == b)
		return &reason_no_commune;
	if (b - a >= 2 && (is(c0, "paris") || is(c0, "lyon") || is(c0, "marseille")) &&
	    ndigits(&P->t[a + 1]) > 0 && ndigits(&P->t[a + 1]) <= 2 && ordinal(&P->t[a + 1])) {
		unsigned e = a + 2;
		if (e < b && all_digits(&P->t[a + 1]) &&
		    (is(&P->t[e], "e") || is(&P->t[e], "er") || is(&P->t[e], "eme")))
			e++;
		if (e < b && (is(&P->t[e], "arrondissement") || is(&P->t[e], "arr")))
			e++;
		if (e == b) {
			b = a + 1;
			out->flags |= VG_ADDR_ARRONDISSEMENT;
		}
	}
	int letter = 0;
	sbuf sb = {out->commune, sizeof(out->commune), 0, 0};
	for (unsigned i = a; i < b; i++) {
		letter |= has_letter(&P->t[i]);
		sb_word(&sb, &P->t[i], 0);
	}
	if (sb.over)
		return &vg_reason_too_long;
	if (!letter)
		return &reason_no_commune;
	return NULL;
}

/* Parses s[0..n) once into out (without the read-back check). */
static int parse(const char *s, size_t n, vg_address *out)
{
	parser P;
	const vg_reason *why;
	memset(out->number, 0, sizeof(*out) - offsetof(vg_address, number));
	if (n > VG_INPUT_MAX)
		return vg_canon_fail(&out->c, &vg_reason_too_long);
	pthread_once(&dict_once, dict_build);
	if ((why = tokenize(&P, s, n)) != NULL)
		return vg_canon_fail(&out->c, why);
	if (P.nt == 0) {
		size_t i = 0;
		while (i < n && (line_sep(s[i]) || s[i] == ' ' || s[i] == '\v' || s[i] == '\f'))
			i++;
		return vg_canon_fail(&out->c, i == n ? &vg_reason_empty : &reason_no_postcode);
	}

	/* 1. postcode */
	unsigned np = 1;
	int p = find_postcode(&P, &np);
	char pc[6];
	if (p >= 0) {
		memcpy(pc, P.t[p].p, 5);
	} else if ((p = find_split_postcode(&P)) >= 0) {
		np = 2;
		memcpy(pc, P.t[p].p, 2);
		memcpy(pc + 2, P.t[p + 1].p, 3);
	} else {
		return vg_canon_fail(&out->c, &reason_no_postcode);
	}
	pc[5] = '\0';
	if (postcode_dept(pc, out->dept, &out->flags) != 0)
		return vg_canon_fail(&out->c, &reason_bad_department);
	memcpy(out->postcode, pc, 6);
	for (unsigned i = 0; i < np; i++)
		P.t[(unsigned)p + i].mark = M_POSTCODE;

	/* 2. postal boxes, cedex */
	mark_boxes(&P, out);

	/* 3. commune */
	if ((why = read_commune(&P, (unsigned)p, (unsigned)p + np, out)) != NULL)
		return vg_canon_fail(&out->c, why);

	/* 4. street candidates: runs of free tokens, a lone number joined to the next */
	P.npool = P.ncand = 0;
	for (unsigned i = 0; i < P.nt;) {
		unsigned r = P.t[i].mark == M_FREE ? run_from(&P, i) : 0;
		if (!r) {
			i++;
			continue;
		}
		if (r == 1 && is(&P.t[i], "france")) { /* a line of its own */
			P.t[i].mark = M_COUNTRY;
			out->flags |= VG_ADDR_COUNTRY;
			i++;
			continue;
		}
		P.cands[P.ncand++] = (cand){P.npool, r};
		for (unsigned j = 0; j < r; j++)
			P.pool[P.npool++] = &P.t[i + j];
		i += r;
	}
	int best = -1, best_rank = -1;
	unsigned best_a = 0, best_b = 0;
	street st;
	for (unsigned k = 0; k < P.ncand; k++) {
		const tok *const *c = P.pool + P.cands[k].off;
		unsigned cn = P.cands[k].n;
		read_street(c, cn, &st);
		if (st.num && st.rank < 0 && k + 1 < P.ncand) {
			/* a lone house number: joined to the next run (adjacent in the pool) */
			P.cands[k + 1].off = P.cands[k].off;
			P.cands[k + 1].n += cn;
			P.cands[k].n = 0;
		}
	}
	for (unsigned k = 0; k < P.ncand; k++) {
		unsigned a = 0, b = P.cands[k].n;
		if (!b)
			continue;
		strip(P.pool + P.cands[k].off, &a, &b, keep_nothing, NULL);
		read_street(P.pool + P.cands[k].off + a, b - a, &st);
		if (st.rank >= 0 && st.rank >= best_rank) {
			best = (int)k;
			best_rank = st.rank;
			best_a = a;
			best_b = b;
		}
	}
	/* complements, in input order */
	for (unsigned k = 0; k < P.ncand; k++) {
		const tok *const *c = P.pool + P.cands[k].off;
		unsigned a = 0, b = P.cands[k].n;
		if (!b)
			continue;
		strip(c, &a, &b, keep_complement, out);
		if ((int)k != best)
			keep_complement(out, c, a, b);
	}
	if (best < 0 && !(out->flags & VG_ADDR_PO_BOX))
		return vg_canon_fail(&out->c, &reason_no_street);

	/* 5. the line */
	sbuf line = {out->c.s, VG_CANON_MAX, 0, 0};
	out->c.s[0] = '\0';
	if (best >= 0) {
		const tok *const *c = P.pool + P.cands[best].off + best_a;
		unsigned cn = best_b - best_a;
		read_street(c, cn, &st);
		sbuf num = {out->number, sizeof(out->number), 0, 0};
		sbuf stw = {out->street, sizeof(out->street), 0, 0};
		if (st.num) {
			sb_number(&num, "", st.num);
			if (st.num2) {
				sb_number(&num, "-", st.num2);
				out->flags |= VG_ADDR_RANGE;
			}
			sb_add(&line, " ", out->number, num.len);
		} else {
			out->flags |= VG_ADDR_NO_NUMBER;
		}
		if (st.suffix) {
			snprintf(out->suffix, sizeof(out->suffix), "%s", st.suffix);
			sb_add(&line, " ", st.suffix, strlen(st.suffix));
		}
		if (st.type) {
			snprintf(out->street_type, sizeof(out->street_type), "%s", st.type);
			sb_add(&line, " ", st.type, strlen(st.type));
		}
		for (unsigned i = st.words; i < cn; i++)
			sb_word(&stw, c[i], 1);
		if (stw.over || num.over)
			return vg_canon_fail(&out->c, &vg_reason_too_long);
		if (stw.len)
			sb_add(&line, " ", out->street, stw.len);
	} else {
		out->flags |= VG_ADDR_NO_NUMBER;
	}
	if (out->po_box[0])
		sb_add(&line, " ", out->po_box, strlen(out->po_box));
	sb_add(&line, " ", out->postcode, 5);
	sb_add(&line, " ", out->commune, strlen(out->commune));
	if (out->flags & VG_ADDR_CEDEX) {
		sb_add(&line, " ", "cedex", 5);
		if (out->cedex[0])
			sb_add(&line, " ", out->cedex, strlen(out->cedex));
	}
	if (line.over)
		return vg_canon_fail(&out->c, &vg_reason_too_long);
	out->c.len = line.len;
	out->c.reason = NULL;
	return 0;
}

/* Parses an address, then checks that its line reads back as itself. */
int vg_address_normalize(const char *s, size_t n, vg_address *out)
{
	int rc = parse(s, n, out);
	if (rc != 0)
		return rc;
	/* The line must read back as itself; allow one more step to settle. */
	vg_address again, third;
	if (parse(out->c.s, out->c.len, &again) != 0)
		return vg_canon_fail(&out->c, &reason_ambiguous);
	if (again.c.len == out->c.len && !memcmp(again.c.s, out->c.s, out->c.len))
		return 0;
	if (parse(again.c.s, again.c.len, &third) != 0 || third.c.len != again.c.len ||
	    memcmp(third.c.s, again.c.s, again.c.len) != 0)
		return vg_canon_fail(&out->c, &reason_ambiguous);
	/* the settled line, with what the first reading knew about dropped text */
	unsigned keep =
	    out->flags & (VG_ADDR_COMPLEMENT | VG_ADDR_COUNTRY | VG_ADDR_ARRONDISSEMENT);
	char complement[sizeof(out->complement)];
	memcpy(complement, out->complement, sizeof(complement));
	*out = again;
	out->flags |= keep;
	if (!out->complement[0])
		memcpy(out->complement, complement, sizeof(complement));
	return 0;
}

/* Adds key: string, or null when s is empty. */
static void set_str(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, s[0] ? json_string(s) : json_null());
}

/* Adds the parts and flags of a valid address to obj. */
void vg_address_describe(const vg_address *v, json_t *obj)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
	    {VG_ADDR_CEDEX, "cedex"},
	    {VG_ADDR_PO_BOX, "po_box"},
	    {VG_ADDR_COMPLEMENT, "complement"},
	    {VG_ADDR_COUNTRY, "country"},
	    {VG_ADDR_ARRONDISSEMENT, "arrondissement"},
	    {VG_ADDR_OVERSEAS, "overseas"},
	    {VG_ADDR_RANGE, "range"},
	    {VG_ADDR_NO_NUMBER, "no_number"},
	    {VG_ADDR_MONACO, "monaco"},
	};
	json_t *parts = json_object(), *flags = json_array();
	set_str(parts, "number", v->number);
	set_str(parts, "suffix", v->suffix);
	set_str(parts, "street_type", v->street_type);
	set_str(parts, "street", v->street);
	set_str(parts, "postcode", v->postcode);
	set_str(parts, "department", v->dept);
	set_str(parts, "commune", v->commune);
	if (v->po_box[0])
		set_str(parts, "po_box", v->po_box);
	if (v->flags & VG_ADDR_CEDEX)
		json_object_set_new(parts, "cedex", json_string(v->cedex));
	if (v->complement[0])
		set_str(parts, "complement", v->complement);
	json_object_set_new(obj, "parts", parts);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (v->flags & names[i].bit)
			json_array_append_new(flags, json_string(names[i].name));
	json_object_set_new(obj, "flags", flags);
}
