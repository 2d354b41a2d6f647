/*
 * http.c: vg_http_resp helpers shared by every handler (vigie/http.h).
 */
#include "vigie/http.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct vg_http_shared {
	atomic_uint refs;
	size_t len;
	const char *content_type;
	_Atomic(void *) prepared;
	void (*prepared_free)(void *); /* written by set_prepared's winner */
	char body[];
};

vg_http_shared *vg_http_shared_new(const char *s, size_t n, const char *content_type)
{
	vg_http_shared *sh = vg_xmalloc(sizeof(*sh) + n + 1);
	atomic_init(&sh->refs, 1);
	sh->len = n;
	sh->content_type = content_type;
	atomic_init(&sh->prepared, NULL);
	sh->prepared_free = NULL;
	if (n)
		memcpy(sh->body, s, n);
	sh->body[n] = '\0';
	return sh;
}

void vg_http_shared_ref(vg_http_shared *sh)
{
	atomic_fetch_add(&sh->refs, 1);
}

void vg_http_shared_unref(vg_http_shared *sh)
{
	if (!sh || atomic_fetch_sub(&sh->refs, 1) != 1)
		return;
	void *p = atomic_load(&sh->prepared);
	if (p && sh->prepared_free)
		sh->prepared_free(p);
	free(sh);
}

void *vg_http_shared_prepared(vg_http_shared *sh)
{
	return atomic_load_explicit(&sh->prepared, memory_order_acquire);
}

void *vg_http_shared_set_prepared(vg_http_shared *sh, void *obj, void (*free_fn)(void *))
{
	void *expected = NULL;
	if (atomic_compare_exchange_strong_explicit(&sh->prepared, &expected, obj,
	                                            memory_order_acq_rel, memory_order_acquire)) {
		/* only the winner writes it; read by the last unref, which
		 * comes after this caller's own reference is dropped */
		sh->prepared_free = free_fn;
		return obj;
	}
	return expected;
}

void vg_http_resp_init(vg_http_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	r->content_type = "application/json";
}

void vg_http_resp_release(vg_http_resp *r)
{
	if (!r->body_static)
		free(r->body);
	vg_http_shared_unref(r->shared);
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	memset(r, 0, sizeof(*r));
}

int vg_http_header_add(vg_http_resp *r, const char *name, const char *value)
{
	if (r->nheaders >= VG_HTTP_MAX_HEADERS)
		return VG_ETOOBIG;
	r->headers[r->nheaders].name = vg_xstrdup(name);
	r->headers[r->nheaders].value = vg_xstrdup(value);
	r->nheaders++;
	return 0;
}

static void drop_body(vg_http_resp *r)
{
	if (!r->body_static)
		free(r->body);
	vg_http_shared_unref(r->shared);
	r->shared = NULL;
	r->body = NULL;
	r->body_len = 0;
	r->body_static = false;
}

void vg_http_set_shared(vg_http_resp *r, int status, vg_http_shared *sh)
{
	drop_body(r);
	vg_http_shared_ref(sh);
	r->shared = sh;
	r->status = status;
	r->content_type = sh->content_type;
	r->body = sh->body;
	r->body_len = sh->len;
	r->body_static = true;
}

void vg_http_set_body(vg_http_resp *r, int status, const char *content_type, const char *s,
                      size_t n)
{
	drop_body(r);
	r->status = status;
	r->content_type = content_type;
	r->body = vg_xmalloc(n + 1);
	if (n)
		memcpy(r->body, s, n);
	r->body[n] = '\0';
	r->body_len = n;
}

void vg_http_set_json(vg_http_resp *r, int status, const json_t *j)
{
	drop_body(r);
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!s) {
		static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
		r->status = 500;
		r->content_type = "application/json";
		r->body = (char *)oom;
		r->body_len = sizeof(oom) - 1;
		r->body_static = true;
		return;
	}
	r->status = status;
	r->content_type = "application/json";
	r->body = s;
	r->body_len = strlen(s);
}

void vg_http_error(vg_http_resp *r, int status, const char *code, const char *message)
{
	json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);
	vg_http_set_json(r, status, j);
	json_decref(j);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vg_http_query_get(const char *q, const char *name, char *out, size_t outsz)
{
	if (!q || !outsz)
		return -1;
	size_t nl = strlen(name);
	const char *p = q;
	while (*p) {
		const char *end = strchr(p, '&');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) >= nl && !strncmp(p, name, nl) && (p[nl] == '=' || p + nl == end)) {
			const char *v = p + nl + (p[nl] == '=');
			size_t o = 0;
			while (v < end) {
				int c = (unsigned char)*v;
				if (c == '+') {
					c = ' ';
					v++;
				} else if (c == '%' && end - v >= 3 && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
					c = hexval(v[1]) * 16 + hexval(v[2]);
					v += 3;
				} else {
					v++;
				}
				if (o + 1 >= outsz)
					return -1;
				out[o++] = (char)c;
			}
			out[o] = '\0';
			return (int)o;
		}
		p = *end ? end + 1 : end;
	}
	return -1;
}

json_t *vg_http_json_body(const vg_http_req *req, size_t max, vg_http_resp *r)
{
	bool fr = req->lang == VG_LANG_FR;
	if (req->body_len > max) {
		vg_http_error(r, 413, "too-large",
		              fr ? "requête trop grande" : "request too large");
		return NULL;
	}
	json_error_t jerr;
	json_t *j = req->body ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!j || !json_is_object(j)) {
		json_decref(j);
		vg_http_error(r, 400, "bad-json",
		              fr ? "le corps de la requête doit être un objet JSON"
		                 : "the request body must be a JSON object");
		return NULL;
	}
	return j;
}
