/*
 * vigie/ftid.h: France Travail identifiers (ex-Pôle emploi "identifiant").
 *
 * Canonical form: uppercase, separators removed. The accepted shape is
 * documented in docs/identifiers.md.
 */
#ifndef VIGIE_FTID_H
#define VIGIE_FTID_H

#include "vigie/ident.h"

typedef struct vg_ftid {
	vg_canon c;
} vg_ftid;

int vg_ftid_normalize(const char *s, size_t n, vg_ftid *out) VG_MUST_CHECK;
void vg_ftid_describe(const vg_ftid *v, json_t *obj);

#endif
