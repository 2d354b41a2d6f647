/* nir.c: placeholder, being written. */
#include "vigie/nir.h"

static const vg_reason pending = {"pending", "pas encore pris en charge", "not supported yet"};

int vg_nir_normalize(const char *s, size_t n, vg_nir *out)
{
	(void)s;
	(void)n;
	return vg_canon_fail(&out->c, &pending);
}

void vg_nir_describe(const vg_nir *v, json_t *obj)
{
	(void)v;
	(void)obj;
}

int vg_nir_key(const char body[13])
{
	(void)body;
	return 0;
}
