/* dob.c: placeholder, being written. */
#include "vigie/dob.h"

static const vg_reason pending = {"pending", "pas encore pris en charge", "not supported yet"};

int vg_dob_normalize(const char *s, size_t n, vg_dob *out)
{
	(void)s;
	(void)n;
	return vg_canon_fail(&out->c, &pending);
}

void vg_dob_describe(const vg_dob *v, json_t *obj)
{
	(void)v;
	(void)obj;
}
