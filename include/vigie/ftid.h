/*
 * vigie/ftid.h: France Travail identifiers (ex-Pôle emploi "identifiant").
 *
 * Canonical form: uppercase, separators (whitespace, '.', '-', '/') removed.
 * Accepted shape: 7 to 10 ASCII digits, then at most one ASCII letter; 8 to
 * 11 characters in all. The real identifier is 7 digits and a letter or a
 * digit (1234567A, 12345678); the longer forms come from exports that pad or
 * extend it. Details and reasons: docs/ident/id.md.
 *
 * No allocation, no I/O; the result lives in the caller's vg_ftid.
 */
#ifndef VIGIE_FTID_H
#define VIGIE_FTID_H

#include "vigie/ident.h"

/* Shortest and longest canonical identifier, in characters. */
#define VG_FTID_MIN 8
#define VG_FTID_MAX 11

enum {
	VG_FTID_LETTER = 1u << 0,    /* ends with a letter */
	VG_FTID_EXTENDED = 1u << 1,  /* longer than the standard 8 characters */
	VG_FTID_SEPARATED = 1u << 2, /* the input had separators, now removed */
};

typedef struct vg_ftid {
	vg_canon c;
	size_t digits;  /* c.s[0..digits) are the digits; a letter may follow */
	unsigned flags; /* VG_FTID_* */
} vg_ftid;

/* Normalizes s[0..n) (need not be NUL-terminated) into out; 0 or VG_EINVAL. */
int vg_ftid_normalize(const char *s, size_t n, vg_ftid *out) VG_MUST_CHECK;
/* Adds "parts" {digits, letter|null} and "flags" [letter, extended,
 * separators] to obj, for a valid v. */
void vg_ftid_describe(const vg_ftid *v, json_t *obj);

#endif
