/* ftid.c: placeholder, being written. */
#include "vigie/ftid.h"

static const vg_reason pending = {"pending", "pas encore pris en charge", "not supported yet"};

int vg_ftid_normalize(const char *s, size_t n, vg_ftid *out)
{
	(void)s;
	(void)n;
	return vg_canon_fail(&out->c, &pending);
}

void vg_ftid_describe(const vg_ftid *v, json_t *obj)
{
	(void)v;
	(void)obj;
}
