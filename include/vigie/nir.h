/*
 * vigie/nir.h: the French social security number (NIR, "numéro
 * d'inscription au répertoire"): a 13-character body and a 2-digit key.
 *
 * Body: sex (1), birth year (2), birth month (2), place of birth (5: a
 * 2-character department and a 3-digit commune; 97x/98x: a 3-digit
 * department and a 2-digit commune; 99: "99" and the last 3 digits of the
 * INSEE country code), order number (3).
 *
 * Canonical form: 15 characters, uppercase, no separators, key included. A
 * 13-character body gets its key computed (VG_NIR_KEY_COMPUTED); a
 * 15-character input whose key is wrong is invalid. Key = 97 - (N mod 97)
 * where N is the body as a number, Corsica's 2A and 2B (positions 6-7 only)
 * counting as 19 and 18. The rules, the accepted separators and the reasons
 * are in docs/ident/nir.md.
 */
#ifndef VIGIE_NIR_H
#define VIGIE_NIR_H

#include "vigie/ident.h"

typedef enum {
	VG_NIR_REGULAR = 0,  /* sex digit 1 or 2 */
	VG_NIR_FOREIGN_BORN, /* 3 or 4: born abroad, registration in progress */
	VG_NIR_TEMPORARY,    /* 7 or 8: temporary number (NIA) */
} vg_nir_type;

enum {
	VG_NIR_MONTH_UNKNOWN = 1u << 0, /* month 20, 30-42 or 50-99 */
	VG_NIR_KEY_COMPUTED = 1u << 1,  /* input had no key */
	VG_NIR_BORN_ABROAD = 1u << 2,   /* department 99 */
	VG_NIR_OVERSEAS = 1u << 3,      /* department 97x or 98x */
	VG_NIR_CORSICA = 1u << 4,       /* department 2A, 2B or 20 (before 1976) */
};

/* A NIR and its parts. Only c is meaningful when normalize fails. */
typedef struct vg_nir {
	vg_canon c;
	vg_nir_type type;
	unsigned flags;           /* VG_NIR_* */
	int sex;                  /* 1 male, 2 female (from the sex digit) */
	int year2;                /* two-digit birth year, 0-99 */
	int month;                /* 1-12, or the raw code when unknown */
	char dept[4];             /* "75", "2A", "971", "99" */
	char commune[4];          /* "116"; 2 digits after 97x/98x; "350" for 99 */
	char order[4];            /* 3-digit order number */
	int key;                  /* 1-97 */
	int country;              /* INSEE country code (99350) for 99, else 0 */
	const char *country_name; /* French name for 99 ("Maroc"), else NULL */
	const char *country_iso2; /* ISO 3166 alpha-2 ("MA"), "" or NULL */
} vg_nir;

/*
 * Normalizes s[0..n) (not NUL-terminated) into out. Returns 0 when valid,
 * VG_EINVAL when not (out->c.reason says why). No allocation.
 */
int vg_nir_normalize(const char *s, size_t n, vg_nir *out) VG_MUST_CHECK;

/* Adds "parts" and "flags" to obj for a valid v. */
void vg_nir_describe(const vg_nir *v, json_t *obj);

/*
 * The key (1-97) of a 13-character body: digits, with 2A or 2B (either
 * case) allowed at positions 6-7. Returns -1 when body is not of that form.
 * Nothing else of the body is checked.
 */
int vg_nir_key(const char body[13]);

/* "regular", "foreign_born" or "temporary". */
const char *vg_nir_type_name(vg_nir_type t);

#endif
