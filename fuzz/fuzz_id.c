/* fuzz_id.c: the id normalizer and its JSON view on arbitrary bytes. */
#include "vigie/ftid.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_ftid v;
	vg_canon again;
	if (vg_ftid_normalize((const char *)data, size, &v) == 0) {
		/* invariants: NUL-terminated, fits, and normalizing is idempotent */
		if (v.c.len >= VG_CANON_MAX || v.c.s[v.c.len] != '\0' || strlen(v.c.s) != v.c.len)
			__builtin_trap();
		if (vg_ident_normalize(VG_KIND_ID, v.c.s, v.c.len, &again) != 0 ||
		    again.len != v.c.len || memcmp(again.s, v.c.s, v.c.len) != 0)
			__builtin_trap();
	} else if (!v.c.reason) {
		__builtin_trap();
	}
	json_decref(vg_ident_describe(VG_KIND_ID, (const char *)data, size, VG_LANG_FR));
	return 0;
}
