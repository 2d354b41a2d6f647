/*
 * vigie/name.h: given and family names.
 *
 * Canonical form: Unicode-aware, accents folded, case folded, hyphens,
 * apostrophes and runs of spaces made one space, so that
 * "Jean-François D'ARC" and "jean francois d arc" give the same form.
 */
#ifndef VIGIE_NAME_H
#define VIGIE_NAME_H

#include "vigie/ident.h"

typedef struct vg_name {
	vg_canon c;
	unsigned ntokens;  /* words in the canonical form */
	int non_ascii;     /* the input had non-ASCII letters */
} vg_name;

int vg_name_normalize(const char *s, size_t n, vg_name *out) VG_MUST_CHECK;
void vg_name_describe(const vg_name *v, json_t *obj);

/*
 * Folds UTF-8 text to lowercase ASCII words separated by single spaces
 * (accents removed, punctuation to spaces). Used by names, communes and
 * addresses. Writes at most cap-1 bytes plus NUL; returns the length, or a
 * negative VG_E* code (VG_EINVAL on invalid UTF-8, VG_ETOOBIG when the
 * result does not fit).
 */
long vg_text_fold(const char *s, size_t n, char *out, size_t cap);

#endif
