/* phone.c: placeholder, being written. */
#include "vigie/phone.h"

static const vg_reason pending = {"pending", "pas encore pris en charge", "not supported yet"};

int vg_phone_normalize(const char *s, size_t n, vg_phone *out)
{
	(void)s;
	(void)n;
	return vg_canon_fail(&out->c, &pending);
}

void vg_phone_describe(const vg_phone *v, json_t *obj)
{
	(void)v;
	(void)obj;
}

int vg_phone_normalize_lib(const char *s, size_t n, vg_phone *out)
{
	return vg_phone_normalize(s, n, out);
}

const char *vg_phone_type_name(vg_phone_type t)
{
	(void)t;
	return "unknown";
}
