/*
 * vigie/dob.h: dates of birth as leaks write them.
 *
 * Accepted: DD/MM/YYYY, YYYY-MM-DD, DD-MM-YY (century rule below), DDMMYYYY,
 * YYYYMMDD, ISO date-times (the time is checked, then dropped), single-digit
 * days and months, separators / - . and space, and month names in French or
 * English ("5 mars 1984", "05-MAR-84"). Output YYYY-MM-DD. Impossible dates
 * are invalid. The full rules are in docs/ident/dob.md.
 *
 * Century rule, fixed at build time and never read from the clock: a
 * two-digit year YY is 20YY when YY <= VG_DOB_REF_YEAR % 100, else 19YY.
 * Range: 1900-01-01 to VG_DOB_REF_YEAR-12-31 (no date of birth in the future
 * of the release); raise VG_DOB_REF_YEAR with each yearly release.
 *
 * No allocation, no I/O; the result lives in the caller's vg_dob.
 */
#ifndef VIGIE_DOB_H
#define VIGIE_DOB_H

#include "vigie/ident.h"

/* The reference year of the century rule and the upper bound of the range. */
#ifndef VG_DOB_REF_YEAR
#define VG_DOB_REF_YEAR 2026
#endif
/* The earliest year accepted. */
#define VG_DOB_MIN_YEAR 1900

enum {
	VG_DOB_CENTURY_GUESSED = 1u << 0, /* two-digit year, century rule applied */
	VG_DOB_HAD_TIME = 1u << 1,        /* a date-time; the time is dropped */
};

typedef struct vg_dob {
	vg_canon c;
	int year, month, day; /* 0 when invalid */
	unsigned flags;       /* VG_DOB_* */
	const char *format;   /* the date layout recognized ("DD/MM/YYYY", ...), or NULL */
} vg_dob;

/* Normalizes s[0..n) (need not be NUL-terminated) into out; 0 or VG_EINVAL. */
int vg_dob_normalize(const char *s, size_t n, vg_dob *out) VG_MUST_CHECK;
/* Adds "parts" {year, month, day, format} and "flags" [century_guessed,
 * had_time] to obj, for a valid v. */
void vg_dob_describe(const vg_dob *v, json_t *obj);

#endif
