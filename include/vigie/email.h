/*
 * vigie/email.h: email addresses as leaks write them.
 *
 * Canonical form: trimmed, a leading "mailto:" (any case) and surrounding
 * <...> stripped, lowercased; +tags and dots kept. Invalid when there is not
 * exactly one '@' outside a quoted local part, when the local part or the
 * domain is empty, when the domain has no dot or an empty label, or when
 * whitespace remains inside.
 */
#ifndef VIGIE_EMAIL_H
#define VIGIE_EMAIL_H

#include "vigie/ident.h"

enum {
	VG_EMAIL_QUOTED = 1u << 0, /* the local part is a quoted string */
	VG_EMAIL_TAGGED = 1u << 1, /* the local part has a +tag */
	VG_EMAIL_IDN = 1u << 2,    /* the domain has non-ASCII or xn-- labels */
};

typedef struct vg_email {
	vg_canon c;
	size_t local_len; /* c.s[0..local_len) is the local part */
	unsigned flags;   /* VG_EMAIL_* */
} vg_email;

int vg_email_normalize(const char *s, size_t n, vg_email *out) VG_MUST_CHECK;
/* Adds "parts" and "flags" members describing a valid e to obj. */
void vg_email_describe(const vg_email *e, json_t *obj);

#endif
