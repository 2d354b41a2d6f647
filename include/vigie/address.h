/*
 * vigie/address.h: French postal addresses, one canonical line.
 *
 * Canonical form: lowercase ASCII words (text folded as in name.h),
 *   [number[-number2] [suffix]] [street type] [street] [po box] postcode commune [cedex [n]]
 * e.g. "12 bis avenue de la republique 75011 paris". House-number suffixes
 * are spelled out (b -> bis, t -> ter, q -> quater), street-type
 * abbreviations expanded (bd -> boulevard, av -> avenue, ...), "st"/"ste"
 * expanded to "saint"/"sainte"; the postcode has 5 digits and a valid
 * department prefix (01-95, 20 = Corsica, 971-976, 980 Monaco, 984,
 * 986-988). Complements (appartement, bâtiment, résidence when a street
 * follows, "chez ...") are kept in `complement` but left out of the line;
 * a trailing "France" and Paris/Lyon/Marseille arrondissement numbers after
 * the commune are dropped. The canonical line always reads back as itself;
 * an input whose line would not is rejected as ambiguous. The rules and the
 * reasons are in docs/ident/address.md.
 *
 * The result lives in the caller's vg_address: no allocation, no I/O (text
 * outside Latin-1/Latin Extended-A goes through the ICU path of
 * vg_text_fold()).
 */
#ifndef VIGIE_ADDRESS_H
#define VIGIE_ADDRESS_H

#include "vigie/ident.h"

enum {
	VG_ADDR_CEDEX = 1u << 0,          /* "cedex [n]" after the commune */
	VG_ADDR_PO_BOX = 1u << 1,         /* a BP / CS / TSA postal box */
	VG_ADDR_COMPLEMENT = 1u << 2,     /* complement text left out of the line */
	VG_ADDR_COUNTRY = 1u << 3,        /* a trailing "France" was dropped */
	VG_ADDR_ARRONDISSEMENT = 1u << 4, /* "paris 11e": the number was dropped */
	VG_ADDR_OVERSEAS = 1u << 5,       /* 97x/98x postcode (overseas France) */
	VG_ADDR_RANGE = 1u << 6,          /* house number range "12-14" */
	VG_ADDR_NO_NUMBER = 1u << 7,      /* no house number */
	VG_ADDR_MONACO = 1u << 8,         /* 980xx: Monaco, served by La Poste */
};

typedef struct vg_address {
	vg_canon c;
	char number[16];      /* "12", "12-14", "" when absent */
	char suffix[16];      /* "bis", "ter", "quater", "quinquies", "a", ... */
	char street_type[32]; /* expanded: "rue", "boulevard", "lieu dit", ... */
	char street[256];     /* folded street name, after the type */
	char postcode[6];
	char dept[4];         /* "75", "2A", "2B", "971", "980" (Monaco) */
	char commune[128];    /* folded commune */
	char po_box[32];      /* "bp 12", "cs 70001", "tsa 30001", "" */
	char cedex[8];        /* cedex number ("7"), "" (also when cedex has none) */
	char complement[256]; /* complements left out of the line, ", "-separated */
	unsigned flags;       /* VG_ADDR_* */
} vg_address;

/* Normalizes s[0..n) (need not be NUL-terminated) into out; 0 or VG_EINVAL. */
int vg_address_normalize(const char *s, size_t n, vg_address *out) VG_MUST_CHECK;
/* Adds "parts" {number, suffix, street_type, street, postcode, department,
 * commune[, po_box, cedex, complement]} and "flags" to obj, for a valid v. */
void vg_address_describe(const vg_address *v, json_t *obj);

#endif
