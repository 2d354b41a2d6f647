/* address.c: placeholder, being written. */
#include "vigie/address.h"

static const vg_reason pending = {"pending", "pas encore pris en charge", "not supported yet"};

int vg_address_normalize(const char *s, size_t n, vg_address *out)
{
	(void)s;
	(void)n;
	return vg_canon_fail(&out->c, &pending);
}

void vg_address_describe(const vg_address *v, json_t *obj)
{
	(void)v;
	(void)obj;
}
