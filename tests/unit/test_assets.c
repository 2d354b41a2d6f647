/* test_assets.c: the page's files compiled in, and their handler (vigie/assets.h). */
#include "vigie/assets.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>
#include <sodium.h>

#define WEB_DIR VG_TEST_DATA "/../../web"

static const char *const page_files[] = {"index.html", "app.css", "app.js", "logo.svg"};
#define N_PAGE_FILES (sizeof(page_files) / sizeof(page_files[0]))

/* The value of response header name, or NULL. */
static const char *header(const vg_http_resp *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

/* Runs the handler on method path (If-None-Match inm), into r. */
static void run(const vg_asset_table *t, const char *method, const char *path, const char *inm,
                vg_lang lang, vg_http_resp *r)
{
	vg_http_req req;
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = path;
	req.client = "127.0.0.1";
	req.if_none_match = inm;
	req.lang = lang;
	vg_http_resp_init(r);
	vg_assets_handler((void *)t, &req, r);
}

/* The bytes of web/name, NUL-terminated; *n their count. */
static char *slurp(const char *name, size_t *n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", WEB_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	char *s = malloc((size_t)len + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
	s[len] = '\0';
	fclose(f);
	*n = (size_t)len;
	return s;
}

static void assert_error(const vg_http_resp *r, int status, const char *code)
{
	assert_int_equal(r->status, status);
	assert_string_equal(r->content_type, "application/json");
	json_error_t e;
	json_t *j = json_loadb(r->body, r->body_len, 0, &e);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")), code);
	assert_non_null(json_string_value(json_object_get(json_object_get(j, "error"), "message")));
	json_decref(j);
}

/* Every file of web/ is in the table, byte for byte, sorted, with its
 * type, and an ETag that is the BLAKE2b-128 of the content. */
static void test_builtin_table(void **state)
{
	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	const vg_asset_table *t = &vg_assets_builtin;
	assert_int_equal(t->n, N_PAGE_FILES);
	for (size_t i = 1; i < t->n; i++)
		assert_true(strcmp(t->assets[i - 1].name, t->assets[i].name) < 0);
	for (size_t i = 0; i < N_PAGE_FILES; i++) {
		const vg_asset *a = vg_assets_find(t, page_files[i]);
		assert_non_null(a);
		size_t n;
		char *disk = slurp(page_files[i], &n);
		assert_int_equal(a->len, n);
		assert_memory_equal(a->data, disk, n);
		assert_int_equal(a->data[n], 0);
		free(disk);

		unsigned char h[16];
		char hex[2 * sizeof(h) + 1], quoted[sizeof(hex) + 2];
		crypto_generichash(h, sizeof(h), a->data, a->len, NULL, 0);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		snprintf(quoted, sizeof(quoted), "\"%s\"", hex);
		assert_string_equal(a->etag, quoted);
	}
	assert_string_equal(vg_assets_find(t, "index.html")->content_type, "text/html; charset=utf-8");
	assert_string_equal(vg_assets_find(t, "app.css")->content_type, "text/css; charset=utf-8");
	assert_string_equal(vg_assets_find(t, "app.js")->content_type,
	                    "text/javascript; charset=utf-8");
	assert_string_equal(vg_assets_find(t, "logo.svg")->content_type, "image/svg+xml");
	assert_null(vg_assets_find(t, "APP.JS"));
	assert_null(vg_assets_find(t, ""));
}

static void test_get_root_and_assets(void **state)
{
	(void)state;
	vg_http_resp r;
	run(NULL, "GET", "/", NULL, VG_LANG_FR, &r);
	const vg_asset *index = vg_assets_find(&vg_assets_builtin, "index.html");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "text/html; charset=utf-8");
	assert_int_equal(r.body_len, index->len);
	assert_memory_equal(r.body, index->data, index->len);
	assert_true(r.body_static);
	assert_string_equal(header(&r, "ETag"), index->etag);
	assert_string_equal(header(&r, "Cache-Control"), "no-cache");
	vg_http_resp_release(&r);

	for (size_t i = 0; i < N_PAGE_FILES; i++) {
		const vg_asset *a = vg_assets_find(&vg_assets_builtin, page_files[i]);
		char path[64];
		snprintf(path, sizeof(path), "/assets/%s", page_files[i]);
		run(NULL, "GET", path, NULL, VG_LANG_FR, &r);
		assert_int_equal(r.status, 200);
		assert_string_equal(r.content_type, a->content_type);
		assert_int_equal(r.body_len, a->len);
		assert_memory_equal(r.body, a->data, a->len);
		assert_string_equal(header(&r, "ETag"), a->etag);
		vg_http_resp_release(&r);
	}

	/* HEAD: the same headers and length (the server drops the body). */
	run(NULL, "HEAD", "/assets/app.js", NULL, VG_LANG_FR, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, vg_assets_find(&vg_assets_builtin, "app.js")->len);
	assert_non_null(header(&r, "ETag"));
	vg_http_resp_release(&r);
}

static void test_if_none_match(void **state)
{
	(void)state;
	const vg_asset *a = vg_assets_find(&vg_assets_builtin, "app.css");
	char list[256], weak[128];
	snprintf(list, sizeof(list), "\"0123\", %s , \"x\"", a->etag);
	snprintf(weak, sizeof(weak), "W/%s", a->etag);
	const char *match[] = {a->etag, list, weak, "*", " *"};
	vg_http_resp r;
	for (size_t i = 0; i < sizeof(match) / sizeof(match[0]); i++) {
		run(NULL, "GET", "/assets/app.css", match[i], VG_LANG_FR, &r);
		assert_int_equal(r.status, 304);
		assert_int_equal(r.body_len, 0);
		assert_null(r.body);
		assert_string_equal(header(&r, "ETag"), a->etag);
		assert_string_equal(header(&r, "Cache-Control"), "no-cache");
		vg_http_resp_release(&r);
	}

	/* Another tag, a prefix of ours, garbage: the full answer. */
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%.*s\"", 10, a->etag);
	char unterminated[64];
	snprintf(unterminated, sizeof(unterminated), "%.*s", 20, a->etag);
	const char *other[] = {"\"0123\"", prefix, unterminated, "abc", "", ",,", "W/", "W/x",
	                       vg_assets_find(&vg_assets_builtin, "app.js")->etag};
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		run(NULL, "GET", "/assets/app.css", other[i], VG_LANG_FR, &r);
		assert_int_equal(r.status, 200);
		assert_int_equal(r.body_len, a->len);
		vg_http_resp_release(&r);
	}
}

static void test_not_found(void **state)
{
	(void)state;
	const char *paths[] = {"/assets/nope.js", "/assets/", "/assets", "/assets/../index.html",
	                       "/assets/./app.js", "/assets/app.js/", "/assets/APP.JS", "/index.html",
	                       "/favicon.ico", "", "//", "/assets//app.js", "/assets/app.js\n"};
	vg_http_resp r;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		run(NULL, "GET", paths[i], NULL, VG_LANG_FR, &r);
		assert_error(&r, 404, "not-found");
		assert_null(header(&r, "ETag"));
		vg_http_resp_release(&r);
	}
	run(NULL, "GET", NULL, NULL, VG_LANG_EN, &r);
	assert_error(&r, 404, "not-found");
	assert_non_null(strstr(r.body, "no such page"));
	vg_http_resp_release(&r);
}

static void test_methods(void **state)
{
	(void)state;
	const char *methods[] = {"POST", "PUT", "DELETE", "get", "OPTIONS"};
	vg_http_resp r;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		run(NULL, methods[i], "/", NULL, VG_LANG_FR, &r);
		assert_error(&r, 405, "method-not-allowed");
		assert_string_equal(header(&r, "Allow"), "GET, HEAD");
		vg_http_resp_release(&r);
	}
	/* An unknown name is a 404 whatever the method. */
	run(NULL, "POST", "/assets/nope.js", NULL, VG_LANG_FR, &r);
	assert_error(&r, 404, "not-found");
	vg_http_resp_release(&r);
}

/* ctx selects another table (a page under test, a themed page). */
static void test_custom_table(void **state)
{
	(void)state;
	static const unsigned char hello[] = "<p>bonjour</p>";
	static const vg_asset assets[] = {
	    {"index.html", "text/html; charset=utf-8", hello, sizeof(hello) - 1, "\"abc\""},
	};
	static const vg_asset_table t = {assets, 1};
	vg_http_resp r;
	run(&t, "GET", "/", NULL, VG_LANG_FR, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, sizeof(hello) - 1);
	assert_memory_equal(r.body, hello, sizeof(hello) - 1);
	vg_http_resp_release(&r);
	run(&t, "GET", "/", "\"abc\"", VG_LANG_FR, &r);
	assert_int_equal(r.status, 304);
	vg_http_resp_release(&r);
	run(&t, "GET", "/assets/app.js", NULL, VG_LANG_FR, &r);
	assert_error(&r, 404, "not-found");
	vg_http_resp_release(&r);
}

/* The page obeys the service's CSP: no inline script, style or event
 * handler, and everything it links to is in the table. */
static void test_page_rules(void **state)
{
	(void)state;
	const vg_asset *index = vg_assets_find(&vg_assets_builtin, "index.html");
	const char *html = (const char *)index->data;
	assert_non_null(strstr(html, "<html lang=\"fr\">"));
	assert_null(strstr(html, " style="));
	assert_null(strstr(html, "<style"));
	assert_null(strstr(html, "javascript:"));
	for (const char *p = html; (p = strstr(p, "<script")); p++) {
		const char *end = strchr(p, '>');
		assert_non_null(end);
		const char *src = strstr(p, " src=\"");
		assert_true(src && src < end); /* no inline script */
	}
	for (const char *p = html; (p = strstr(p, " on")); p++) {
		size_t n = strspn(p + 3, "abcdefghijklmnopqrstuvwxyz");
		assert_false(n > 0 && p[3 + n] == '='); /* no onclick= ... */
	}
	size_t refs = 0;
	for (const char *p = html; (p = strstr(p, "\"/assets/")); p++) {
		char name[64];
		size_t n = strcspn(p + 9, "\"");
		assert_true(n < sizeof(name));
		memcpy(name, p + 9, n);
		name[n] = '\0';
		assert_non_null(vg_assets_find(&vg_assets_builtin, name));
		refs++;
	}
	assert_true(refs >= 3);
	/* No third-party origin anywhere in the page's code. */
	for (size_t i = 0; i < vg_assets_builtin.n; i++) {
		const char *s = (const char *)vg_assets_builtin.assets[i].data;
		if (!strcmp(vg_assets_builtin.assets[i].name, "logo.svg"))
			continue; /* its xmlns is a name, not a request */
		assert_null(strstr(s, "https://"));
		assert_null(strstr(s, "http://"));
		assert_null(strstr(s, "//cdn"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtin_table), cmocka_unit_test(test_get_root_and_assets),
	    cmocka_unit_test(test_if_none_match), cmocka_unit_test(test_not_found),
	    cmocka_unit_test(test_methods),       cmocka_unit_test(test_custom_table),
	    cmocka_unit_test(test_page_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
