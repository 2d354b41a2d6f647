/*
 * vigie/phone.h: telephone numbers to E.164 ("+33612345678").
 *
 * Accepted: digits with spaces, dots, dashes, slashes, parentheses (and the
 * Unicode spaces and dashes word processors insert), a leading "tel:" in any
 * case, an international prefix "+CC" or "00CC", a trunk "(0)" after the
 * country code. National numbers (leading 0) are French, except the overseas
 * prefixes, which take their own country code: 0262 0263 0692 0693 0269
 * 0639 -> +262 (Réunion, Mayotte), 0590 0690 0691 -> +590 (Guadeloupe,
 * Saint-Martin, Saint-Barthélemy), 0594 0694 -> +594 (Guyane), 0596 0696
 * 0697 -> +596 (Martinique). Nine digits with no prefix at all are read as a
 * national number that lost its 0 (spreadsheets do that). International
 * numbers are normalized for every country. Letters (vanity numbers,
 * extensions) are rejected.
 *
 * Validity, region and type follow libphonenumber (isValidNumber,
 * getRegionCodeForNumber, getNumberType). French numbers (+33 and the
 * overseas codes above) take a hand-written fast path that gives exactly the
 * library's answers; the rest goes to the library. Details and reasons:
 * docs/ident/phone.md.
 *
 * The result lives in the caller's vg_phone: no allocation on the fast path,
 * no I/O; safe to call from several threads.
 */
#ifndef VIGIE_PHONE_H
#define VIGIE_PHONE_H

#include "vigie/ident.h"

/* Most digits looked at in one number ("00", a 3-digit code, 17 national
 * digits, and slack); more is too long. */
#define VG_PHONE_DIGITS_MAX 24

/* libphonenumber's number types. */
typedef enum {
	VG_PHONE_UNKNOWN = 0,
	VG_PHONE_MOBILE,
	VG_PHONE_FIXED,
	VG_PHONE_FIXED_OR_MOBILE,
	VG_PHONE_TOLL_FREE,
	VG_PHONE_PREMIUM,
	VG_PHONE_SHARED_COST,
	VG_PHONE_VOIP,
	VG_PHONE_PERSONAL,
	VG_PHONE_PAGER,
	VG_PHONE_UAN,
	VG_PHONE_VOICEMAIL,
} vg_phone_type;

typedef struct vg_phone {
	vg_canon c;         /* "+33612345678" */
	unsigned country;   /* calling code, 33; 0 when invalid */
	char region[3];     /* ISO 3166 region, "FR", "RE"; "" if invalid or non-geographic */
	vg_phone_type type; /* VG_PHONE_UNKNOWN when invalid */
	int fast_path;      /* 1 when the French fast path answered */
} vg_phone;

/* Normalizes s[0..n) (need not be NUL-terminated) into out; 0 or VG_EINVAL
 * (out->c.reason says why), VG_EINTERNAL if the library failed. */
int vg_phone_normalize(const char *s, size_t n, vg_phone *out) VG_MUST_CHECK;
/* Same, but always through libphonenumber (for tests and benchmarks). */
int vg_phone_normalize_lib(const char *s, size_t n, vg_phone *out) VG_MUST_CHECK;
/* Adds "parts" {country_code, national_number, region, type} and "flags"
 * (fast_path, overseas, non_geographic) to obj, for a valid p. */
void vg_phone_describe(const vg_phone *p, json_t *obj);
/* "mobile", "fixed", "toll_free", ...; "unknown" for anything else. */
const char *vg_phone_type_name(vg_phone_type t);

#endif
