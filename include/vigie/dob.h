/*
 * vigie/dob.h: dates of birth as leaks write them.
 *
 * Accepted: DD/MM/YYYY, YYYY-MM-DD, DD-MM-YY, DDMMYYYY, ISO date-times, and
 * the variants documented in docs/identifiers.md. Output YYYY-MM-DD.
 * Impossible dates are invalid.
 */
#ifndef VIGIE_DOB_H
#define VIGIE_DOB_H

#include "vigie/ident.h"

enum {
	VG_DOB_CENTURY_GUESSED = 1u << 0, /* two-digit year, century rule applied */
	VG_DOB_HAD_TIME = 1u << 1,        /* an ISO date-time; the time is dropped */
};

typedef struct vg_dob {
	vg_canon c;
	int year, month, day;
	unsigned flags; /* VG_DOB_* */
	const char *format; /* the format recognized, "DD/MM/YYYY", ... */
} vg_dob;

int vg_dob_normalize(const char *s, size_t n, vg_dob *out) VG_MUST_CHECK;
void vg_dob_describe(const vg_dob *v, json_t *obj);

#endif
