/* email.c: placeholder, being written. */
#include "vigie/email.h"

static const vg_reason pending = {"pending", "pas encore pris en charge", "not supported yet"};

int vg_email_normalize(const char *s, size_t n, vg_email *out)
{
	(void)s;
	(void)n;
	return vg_canon_fail(&out->c, &pending);
}

void vg_email_describe(const vg_email *v, json_t *obj)
{
	(void)v;
	(void)obj;
}
