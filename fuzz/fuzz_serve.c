/*
 * fuzz_serve.c: the request-side parsers of vigie serve on arbitrary bytes:
 * the audit log verifier (a log is hostile input: verify must name a line,
 * never crash), the Accept-Language and ?lang= parsers, the bearer token,
 * the listen address, and the route table's matching.
 *
 * Invariants: verify's bad_line lies within the file's lines + 1 and ok
 * means no bad line; a bearer token is a non-empty slice inside the header.
 */
#include "vigie/audit.h"
#include "vigie/serve.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static void h(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	vg_audit_check c;
	vg_audit_verify_mem(s, size, NULL, &c);
	size_t lines = 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	check(c.ok ? c.bad_line == 0 : (c.bad_line >= 1 && c.bad_line <= lines + 1 && c.code));
	check(c.lines <= lines);

	char *z = malloc(size + 1);
	memcpy(z, data, size);
	z[size] = '\0';
	vg_lang l = vg_serve_lang(z, z);
	check(l == VG_LANG_FR || l == VG_LANG_EN);
	const char *tok;
	size_t n;
	if (vg_serve_bearer(z, &tok, &n) == 0)
		check(n > 0 && tok >= z && tok + n <= z + strlen(z));
	struct sockaddr_storage sa;
	socklen_t sl;
	int lr = vg_serve_parse_listen(z, &sa, &sl, NULL);
	check(lr == 0 || lr == VG_EINVAL);

	vg_router r;
	vg_router_init(&r);
	int rc = vg_router_add(&r, "GET", "/range/", VG_ROUTE_PREFIX, h, NULL, NULL);
	rc |= vg_router_add(&r, "POST", "/v1/operator/check", VG_ROUTE_EXACT, h, NULL, NULL);
	rc |= vg_router_add(&r, "GET", "/", VG_ROUTE_EXACT, h, NULL, NULL);
	check(rc == 0);
	int st = 0;
	char allow[64];
	const vg_route *rt = vg_router_match(&r, size && data[0] & 1 ? "POST" : "GET", z, &st, allow,
	                                     sizeof(allow));
	check(rt != NULL || st == 404 || st == 405);
	free(z);
	return 0;
}
