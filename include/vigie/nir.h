/*
 * vigie/nir.h: the French social security number (NIR, "numéro de sécurité
 * sociale"): 13-character body and 2-digit key.
 *
 * Canonical form: 15 characters, uppercase, no separators, key included. A
 * 13-character body gets its key computed; a 15-character input whose key is
 * wrong is invalid. Key = 97 - (N mod 97), 2A -> 19 and 2B -> 18 at
 * positions 6-7 only.
 */
#ifndef VIGIE_NIR_H
#define VIGIE_NIR_H

#include "vigie/ident.h"

typedef enum {
	VG_NIR_REGULAR = 0,   /* sex digit 1 or 2 */
	VG_NIR_FOREIGN_BORN,  /* 3 or 4: foreign-born, registration pending */
	VG_NIR_TEMPORARY,     /* 7 or 8: temporary number (NIA) */
} vg_nir_type;

enum {
	VG_NIR_MONTH_UNKNOWN = 1u << 0, /* month 20, 30-42 or 50-99 */
	VG_NIR_KEY_COMPUTED = 1u << 1,  /* input had no key */
	VG_NIR_BORN_ABROAD = 1u << 2,   /* department 99 */
	VG_NIR_OVERSEAS = 1u << 3,      /* department 97x or 98x */
};

typedef struct vg_nir {
	vg_canon c;
	vg_nir_type type;
	unsigned flags;   /* VG_NIR_* */
	int sex;          /* 1 male, 2 female (from the sex digit) */
	int year2;        /* two-digit birth year */
	int month;        /* 1-12, or the raw code when unknown */
	char dept[4];     /* "75", "2A", "971", "99" */
	char commune[4];  /* 3 characters: commune or country code */
	char order[4];    /* 3-digit order number */
	int key;
} vg_nir;

int vg_nir_normalize(const char *s, size_t n, vg_nir *out) VG_MUST_CHECK;
void vg_nir_describe(const vg_nir *v, json_t *obj);
/* The key of a 13-character canonical body (uppercase, 2A/2B allowed). */
int vg_nir_key(const char body[13]);

#endif
