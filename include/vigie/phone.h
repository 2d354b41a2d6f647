/*
 * vigie/phone.h: telephone numbers to E.164.
 *
 * National numbers (leading 0) are French, except the overseas prefixes,
 * which take their own country code (Réunion and Mayotte +262, Guadeloupe
 * +590, Guyane +594, Martinique +596). International numbers are normalized
 * for every country. Validity follows libphonenumber; French numbers take a
 * hand-written fast path that is tested to give the library's answers.
 */
#ifndef VIGIE_PHONE_H
#define VIGIE_PHONE_H

#include "vigie/ident.h"

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
	vg_canon c;           /* "+33612345678" */
	unsigned country;     /* calling code, 33 */
	char region[3];       /* ISO 3166 region, "FR", "RE"; "" if unknown */
	vg_phone_type type;
	int fast_path;        /* 1 when the French fast path answered */
} vg_phone;

int vg_phone_normalize(const char *s, size_t n, vg_phone *out) VG_MUST_CHECK;
/* Same, but always through libphonenumber (for tests and benchmarks). */
int vg_phone_normalize_lib(const char *s, size_t n, vg_phone *out) VG_MUST_CHECK;
void vg_phone_describe(const vg_phone *p, json_t *obj);
const char *vg_phone_type_name(vg_phone_type t);

#endif
