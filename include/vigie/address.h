/*
 * vigie/address.h: French postal addresses, one canonical line.
 *
 * House number with bis/ter/quater, street-type abbreviations expanded,
 * accents and case folded, 5-digit postcode (valid department prefix) and
 * commune.
 */
#ifndef VIGIE_ADDRESS_H
#define VIGIE_ADDRESS_H

#include "vigie/ident.h"

typedef struct vg_address {
	vg_canon c;
	char number[16];     /* "12", "" when absent */
	char suffix[16];     /* "bis", "ter", "quater", "a", ... */
	char street_type[32];/* expanded: "rue", "boulevard", ... */
	char street[256];    /* folded street name */
	char postcode[6];
	char dept[4];        /* "75", "2A", "971" */
	char commune[128];   /* folded commune */
} vg_address;

int vg_address_normalize(const char *s, size_t n, vg_address *out) VG_MUST_CHECK;
void vg_address_describe(const vg_address *v, json_t *obj);

#endif
