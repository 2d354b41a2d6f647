/*
 * vigie/email.h: email addresses as leaks write them.
 *
 * Canonical form: trimmed, a leading "mailto:" (any case) and surrounding
 * <...> stripped (also the display-name form `Name <addr>`, which keeps only
 * addr), ASCII letters lowercased, UTF-8 bytes kept; +tags and dots kept.
 * Invalid when there is not exactly one '@' outside a quoted local part, when
 * the local part or the domain is empty, when the domain has no dot or an
 * empty label, or when whitespace remains inside. Limits: local part 64
 * bytes, address 254 bytes, domain label 63 bytes. The full rules and the
 * reasons are in docs/ident/email.md.
 *
 * The result lives in the caller's vg_email: no allocation, no I/O.
 */
#ifndef VIGIE_EMAIL_H
#define VIGIE_EMAIL_H

#include "vigie/ident.h"

/* Longest local part, domain label and whole address, in bytes (RFC 5321). */
#define VG_EMAIL_LOCAL_MAX 64
#define VG_EMAIL_LABEL_MAX 63
#define VG_EMAIL_ADDR_MAX 254

enum {
	VG_EMAIL_QUOTED = 1u << 0, /* the local part is a quoted string */
	VG_EMAIL_TAGGED = 1u << 1, /* the local part has a +tag */
	VG_EMAIL_IDN = 1u << 2,    /* non-ASCII (UTF-8) characters, or an xn-- label */
};

typedef struct vg_email {
	vg_canon c;
	size_t local_len; /* c.s[0..local_len) is the local part; the domain follows '@' */
	size_t tag_off;   /* with VG_EMAIL_TAGGED: c.s[tag_off..tag_off+tag_len) is the */
	size_t tag_len;   /* tag, after the first '+' of the local part; else 0, 0 */
	unsigned flags;   /* VG_EMAIL_* */
} vg_email;

/* Normalizes s[0..n) (need not be NUL-terminated) into out; 0 or VG_EINVAL. */
int vg_email_normalize(const char *s, size_t n, vg_email *out) VG_MUST_CHECK;
/* Adds "parts" {local, domain[, tag]} and "flags" [quoted, tagged, idn] to obj,
 * for a valid e. */
void vg_email_describe(const vg_email *e, json_t *obj);

#endif
