/*
 * fuzz_assets.c: the page's handler (vg_assets_handler) on arbitrary
 * requests. Input: one byte choosing the method, the path up to the first
 * newline, then the If-None-Match value. Checks that every answer is 200
 * with exactly an asset's bytes, a body-less 304 with the ETag, a 404 or a
 * 405, and that a 304 happens only when the header holds the ETag or `*`.
 */
#include "vigie/assets.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "HEAD", "POST", "PUT"};
	if (size < 1 || size > 4096)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	char *nl = strchr(s, '\n');
	const char *inm = NULL;
	if (nl) {
		*nl = '\0';
		inm = nl + 1;
	}
	vg_http_req req;
	memset(&req, 0, sizeof(req));
	req.method = methods[data[0] % 4];
	req.path = s;
	req.if_none_match = inm;
	req.lang = data[0] & 4 ? VG_LANG_EN : VG_LANG_FR;
	vg_http_resp r;
	vg_http_resp_init(&r);
	vg_assets_handler(NULL, &req, &r);

	const vg_asset *a = NULL;
	if (!strcmp(s, "/"))
		a = vg_assets_find(&vg_assets_builtin, "index.html");
	else if (!strncmp(s, "/assets/", 8))
		a = vg_assets_find(&vg_assets_builtin, s + 8);
	switch (r.status) {
	case 200:
		if (!a || r.body_len != a->len || memcmp(r.body, a->data, a->len))
			__builtin_trap();
		break;
	case 304:
		if (!a || r.body || r.body_len || !inm ||
		    (!strstr(inm, a->etag) && !strchr(inm, '*')))
			__builtin_trap();
		break;
	case 404:
		if (a)
			__builtin_trap();
		break;
	case 405:
		if (!a || data[0] % 4 < 2)
			__builtin_trap();
		break;
	default:
		__builtin_trap();
	}
	vg_http_resp_release(&r);
	free(s);
	return 0;
}
