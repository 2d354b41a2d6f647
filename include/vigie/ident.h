/*
 * vigie/ident.h: the identifiers of a leak, by kind, behind one interface.
 *
 * Each kind has its own module (email.h, phone.h, nir.h, name.h, dob.h,
 * address.h, ftid.h): pure functions, no I/O, no allocation in the
 * normalize path. Every kind's result struct starts with a vg_canon, so the
 * canonical form and the rejection reason are read the same way for all.
 *
 * This header dispatches by kind, for callers that handle every kind alike
 * (the CLI, ingest): vg_ident_normalize() for the hot path,
 * vg_ident_describe() for the detailed JSON view.
 */
#ifndef VIGIE_IDENT_H
#define VIGIE_IDENT_H

#include "vigie/core.h"

#include <jansson.h>
#include <stdbool.h>

/* Longest canonical form of any kind, NUL included. */
#define VG_CANON_MAX 512
/* Longest raw input a normalizer looks at; longer inputs are invalid. */
#define VG_INPUT_MAX 4096

/* The canonical form (NUL-terminated) or, when invalid, the reason. */
typedef struct vg_canon {
	char s[VG_CANON_MAX];
	size_t len;
	const vg_reason *reason; /* NULL when valid */
} vg_canon;

typedef enum {
	VG_KIND_EMAIL,
	VG_KIND_PHONE,
	VG_KIND_NIR,
	VG_KIND_NAME,
	VG_KIND_DOB,
	VG_KIND_ADDRESS,
	VG_KIND_ID,
	VG_KIND__COUNT
} vg_kind;

/* "email", "phone", "nir", "name", "dob", "address", "id". */
const char *vg_kind_name(vg_kind k);
/* Parses a kind name; returns VG_EINVAL for an unknown one. */
int vg_kind_parse(const char *name, vg_kind *out) VG_MUST_CHECK;

/*
 * Normalizes s[0..n) as kind k into out. Returns 0 when valid, VG_EINVAL
 * when not (out->reason says why).
 */
int vg_ident_normalize(vg_kind k, const char *s, size_t n, vg_canon *out) VG_MUST_CHECK;

/*
 * The detailed view, as a new JSON object (caller owns the reference):
 * {"kind", "input", "valid", "canonical"|null, "parts":{...}, "flags":[...],
 *  "reason":{"code","message"}|null}. Input that is not valid UTF-8 is shown
 * with its invalid bytes replaced by U+FFFD.
 */
json_t *vg_ident_describe(vg_kind k, const char *s, size_t n, vg_lang lang);

/* Shared helpers for the kind modules. */

/* Sets out to invalid with reason r; returns VG_EINVAL. */
int vg_canon_fail(vg_canon *out, const vg_reason *r);

/* Reasons shared by every kind. */
extern const vg_reason vg_reason_empty;
extern const vg_reason vg_reason_too_long;
extern const vg_reason vg_reason_bad_utf8;

#endif
