/*
 * vigie/name.h: given and family names, and the text folding that names,
 * addresses and communes share.
 *
 * Canonical form: lowercase ASCII words separated by single spaces. Accents
 * are removed, case folded, ligatures spelled out (œ -> oe, æ -> ae,
 * ß -> ss), hyphens, apostrophes (' ’ ‘ ʼ) and every other punctuation become
 * word breaks, other scripts are transliterated to Latin (ICU), so that
 * "Jean-François D'ARC" and "jean francois d arc" give the same form.
 * A name with digits is invalid; titles ("M.", "Mme") are kept as words.
 * The rules and the reasons are in docs/ident/name.md.
 *
 * Folding has two paths that give the same result: a table-driven fast path
 * for ASCII, Latin-1 and Latin Extended-A (U+0080..U+017F, plus the usual
 * typographic apostrophes and dashes), and the ICU path for everything else
 * (transliterator "NFKC; Any-Latin; Latin-ASCII; Lower", one per thread).
 * No I/O; the fast path does not allocate; the ICU path allocates its
 * per-thread transliterator once.
 */
#ifndef VIGIE_NAME_H
#define VIGIE_NAME_H

#include "vigie/ident.h"

typedef struct vg_name {
	vg_canon c;
	unsigned ntokens;   /* words in the canonical form */
	int non_ascii;      /* the input had non-ASCII characters */
	int transliterated; /* the input had letters of a non-Latin script */
	int title;          /* the first word is a civility title (m, mme, ...) */
} vg_name;

/* Normalizes s[0..n) (need not be NUL-terminated) into out; 0 or VG_EINVAL. */
int vg_name_normalize(const char *s, size_t n, vg_name *out) VG_MUST_CHECK;
/* Adds "parts" {words: [...]} and "flags" [non_ascii, transliterated, title]
 * to obj, for a valid v. */
void vg_name_describe(const vg_name *v, json_t *obj);

/*
 * Folds UTF-8 text to lowercase ASCII words separated by single spaces
 * (accents removed, punctuation to spaces; digits are kept). Used by names,
 * communes and addresses. Writes at most cap-1 bytes plus NUL; returns the
 * length, or a negative VG_E* code (VG_EINVAL on invalid UTF-8, VG_ETOOBIG
 * when the result does not fit, VG_EINTERNAL when ICU cannot be used).
 * Thread-safe.
 */
long vg_text_fold(const char *s, size_t n, char *out, size_t cap);

/*
 * The same folding, always through ICU (the reference for the fast path;
 * for tests and benchmarks). Also fails with VG_ETOOBIG when the text or
 * its transliteration exceeds VG_FOLD_ICU_MAX UTF-16 units.
 */
long vg_text_fold_icu(const char *s, size_t n, char *out, size_t cap);
#define VG_FOLD_ICU_MAX 32768

/*
 * The fast path alone (for tests and benchmarks): as vg_text_fold(), but
 * returns VG_ENOTFOUND when the text has a character outside its tables
 * (or ill-formed UTF-8), i.e. when vg_text_fold() would use ICU.
 */
long vg_text_fold_fast(const char *s, size_t n, char *out, size_t cap);

#endif
