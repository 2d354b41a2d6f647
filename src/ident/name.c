/* name.c: placeholder, being written. */
#include "vigie/name.h"

static const vg_reason pending = {"pending", "pas encore pris en charge", "not supported yet"};

int vg_name_normalize(const char *s, size_t n, vg_name *out)
{
	(void)s;
	(void)n;
	return vg_canon_fail(&out->c, &pending);
}

void vg_name_describe(const vg_name *v, json_t *obj)
{
	(void)v;
	(void)obj;
}

long vg_text_fold(const char *s, size_t n, char *out, size_t cap)
{
	(void)s;
	(void)n;
	(void)out;
	(void)cap;
	return VG_EINVAL;
}
