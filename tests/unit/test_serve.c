/* test_serve.c: the parts of vigie serve that need no socket: the route
 * table, request helpers (language, bearer token, listen address), options
 * from serve.conf, and the built-in handlers (health, helpdesk check with
 * tokens, rate limit and audit, scan) called directly. */
#include "vigie/exposure.h"
#include "vigie/registry.h"
#include "vigie/serve.h"

#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

/* ------------------------------------------------------------ router */

static int hits[4];
static void h0(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	hits[0]++;
}
static void h1(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	hits[1]++;
}
static void h2(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	hits[2]++;
}

static void test_router(void **state)
{
	(void)state;
	vg_router r;
	vg_router_init(&r);
	int ctx1;
	assert_int_equal(vg_router_add(&r, "GET", "/v1/health", VG_ROUTE_EXACT, h0, NULL, NULL), 0);
	assert_int_equal(vg_router_add(&r, "GET", "/range/", VG_ROUTE_PREFIX, h1, &ctx1, NULL), 0);
	assert_int_equal(vg_router_add(&r, "GET", "/", VG_ROUTE_EXACT, h2, NULL, NULL), 0);
	assert_int_equal(vg_router_add(&r, "POST", "/v1/operator/check", VG_ROUTE_EXACT, h0, NULL,
	                               NULL),
	                 0);
	assert_int_equal(vg_router_add(&r, "GET", "/assets/", VG_ROUTE_PREFIX, h2, NULL, NULL), 0);
	assert_int_equal(vg_router_add(&r, "GET", "/assets/big/", VG_ROUTE_PREFIX, h0, NULL, NULL),
	                 0);
	/* errors */
	assert_int_equal(vg_router_add(&r, "GET", "/range/", VG_ROUTE_PREFIX, h1, NULL, NULL),
	                 VG_EINVAL);
	assert_int_equal(vg_router_add(&r, "get", "/x", VG_ROUTE_EXACT, h1, NULL, NULL), VG_EINVAL);
	assert_int_equal(vg_router_add(&r, "GET", "x", VG_ROUTE_EXACT, h1, NULL, NULL), VG_EINVAL);
	assert_int_equal(vg_router_add(&r, "GET", "/x", VG_ROUTE_EXACT, NULL, NULL, NULL), VG_EINVAL);

	int st = 0;
	char allow[64];
	const vg_route *rt = vg_router_match(&r, "GET", "/range/ABCDE", &st, allow, sizeof(allow));
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, h1);
	assert_ptr_equal(rt->ctx, &ctx1);
	assert_string_equal(rt->path, "/range/");
	/* HEAD answers like GET */
	rt = vg_router_match(&r, "HEAD", "/range/ABCDE", &st, allow, sizeof(allow));
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, h1);
	/* exact beats prefix; longest prefix wins */
	rt = vg_router_match(&r, "GET", "/", &st, allow, sizeof(allow));
	assert_ptr_equal(rt->handler, h2);
	rt = vg_router_match(&r, "GET", "/assets/big/x.png", &st, allow, sizeof(allow));
	assert_ptr_equal(rt->handler, h0);
	rt = vg_router_match(&r, "GET", "/assets/app.js", &st, allow, sizeof(allow));
	assert_ptr_equal(rt->handler, h2);
	/* an exact route does not match longer paths */
	assert_null(vg_router_match(&r, "GET", "/v1/health/x", &st, allow, sizeof(allow)));
	assert_int_equal(st, 404);
	assert_null(vg_router_match(&r, "GET", "/range", &st, allow, sizeof(allow)));
	assert_int_equal(st, 404);
	/* 405 with the methods allowed */
	assert_null(vg_router_match(&r, "GET", "/v1/operator/check", &st, allow, sizeof(allow)));
	assert_int_equal(st, 405);
	assert_string_equal(allow, "POST");
	assert_null(vg_router_match(&r, "DELETE", "/range/ABCDE", &st, allow, sizeof(allow)));
	assert_int_equal(st, 405);
	assert_string_equal(allow, "GET, HEAD");
	assert_null(vg_router_match(&r, "POST", "/v1/health", &st, allow, sizeof(allow)));
	assert_int_equal(st, 405);
	/* a full table */
	vg_router full;
	vg_router_init(&full);
	char p[32];
	for (int i = 0; i < VG_ROUTER_MAX; i++) {
		snprintf(p, sizeof(p), "/r%d", i);
		assert_int_equal(vg_router_add(&full, "GET", p, VG_ROUTE_EXACT, h0, NULL, NULL), 0);
	}
	assert_int_equal(vg_router_add(&full, "GET", "/more", VG_ROUTE_EXACT, h0, NULL, NULL),
	                 VG_ETOOBIG);
}

/* ------------------------------------------------------------ request helpers */

static void test_lang(void **state)
{
	(void)state;
	assert_int_equal(vg_serve_lang(NULL, NULL), VG_LANG_FR);
	assert_int_equal(vg_serve_lang("lang=en", NULL), VG_LANG_EN);
	assert_int_equal(vg_serve_lang("a=1&lang=EN", "fr"), VG_LANG_EN);
	assert_int_equal(vg_serve_lang("lang=fr", "en"), VG_LANG_FR);
	assert_int_equal(vg_serve_lang("lang=de", "en"), VG_LANG_EN);
	assert_int_equal(vg_serve_lang(NULL, "en-US,en;q=0.9,fr;q=0.8"), VG_LANG_EN);
	assert_int_equal(vg_serve_lang(NULL, "fr-FR,fr;q=0.9,en;q=0.8"), VG_LANG_FR);
	assert_int_equal(vg_serve_lang(NULL, "fr;q=0.5, en;q=0.9"), VG_LANG_EN);
	assert_int_equal(vg_serve_lang(NULL, "de-DE, en;q=0.3"), VG_LANG_EN);
	assert_int_equal(vg_serve_lang(NULL, "de-DE"), VG_LANG_FR);
	assert_int_equal(vg_serve_lang(NULL, "eng, english"), VG_LANG_FR);
	assert_int_equal(vg_serve_lang(NULL, "en;q=0"), VG_LANG_FR);
	assert_int_equal(vg_serve_lang(NULL, ""), VG_LANG_FR);
}

static void test_bearer(void **state)
{
	(void)state;
	const char *t;
	size_t n;
	assert_int_equal(vg_serve_bearer("Bearer vgt_abc", &t, &n), 0);
	assert_int_equal(n, 7);
	assert_memory_equal(t, "vgt_abc", 7);
	assert_int_equal(vg_serve_bearer("bearer   vgt_abc  ", &t, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(vg_serve_bearer(NULL, &t, &n), VG_EINVAL);
	assert_int_equal(vg_serve_bearer("Basic YWxhZGRpbjpvcGVu", &t, &n), VG_EINVAL);
	assert_int_equal(vg_serve_bearer("Bearer", &t, &n), VG_EINVAL);
	assert_int_equal(vg_serve_bearer("Bearer   ", &t, &n), VG_EINVAL);
	assert_int_equal(vg_serve_bearer("Bearervgt_abc", &t, &n), VG_EINVAL);
}

static void test_listen(void **state)
{
	(void)state;
	struct sockaddr_storage sa;
	socklen_t len;
	assert_int_equal(vg_serve_parse_listen("127.0.0.1:8080", &sa, &len, NULL), 0);
	assert_int_equal(sa.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&sa)->sin_port), 8080);
	assert_int_equal(vg_serve_parse_listen("[::1]:0", &sa, &len, NULL), 0);
	assert_int_equal(sa.ss_family, AF_INET6);
	assert_int_equal(vg_serve_parse_listen("localhost:18100", &sa, &len, NULL), 0);
	assert_int_equal(sa.ss_family, AF_INET);
	const char *bad[] = {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:80x",
	                     "example.org:80", "[::1:80", "[::1]80", ":80", "1.2.3.4:-1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vg_serve_parse_listen(bad[i], &sa, &len, NULL), VG_EINVAL);
}

static void test_config(void **state)
{
	(void)state;
	static const char conf[] = "[server]\n"
	                           "listen = 127.0.0.1:18199\n"
	                           "threads = 3\n"
	                           "[registry]\n"
	                           "dir = /srv/reg\n"
	                           "[limits]\n"
	                           "max_body = 4096\n"
	                           "connection_timeout = 7\n"
	                           "per_ip_connections = 12\n"
	                           "[operator]\n"
	                           "tokens = /etc/vigie/tokens\n"
	                           "audit_log = /var/lib/vigie/audit.jsonl\n"
	                           "rate = 0.5\n"
	                           "burst = 4\n"
	                           "audit_sync = no\n"
	                           "[public]\n"
	                           "delay_ms = 800\n";
	vg_config c;
	vg_config_init(&c, VG_LANG_EN);
	assert_int_equal(vg_config_parse(&c, "serve.conf", conf, sizeof(conf) - 1, NULL), 0);
	vg_serve_opts o;
	vg_serve_opts_default(&o);
	assert_int_equal(o.max_body, 64 * 1024);
	assert_int_equal(vg_serve_opts_config(&o, &c, NULL), 0);
	assert_string_equal(o.listen, "127.0.0.1:18199");
	assert_int_equal(o.threads, 3);
	assert_string_equal(o.registry_dir, "/srv/reg");
	assert_null(o.key_file);
	assert_int_equal(o.max_body, 4096);
	assert_int_equal(o.conn_timeout, 7);
	assert_int_equal(o.per_ip_connections, 12);
	assert_int_equal(o.max_connections, 4096); /* default kept */
	assert_string_equal(o.token_file, "/etc/vigie/tokens");
	assert_true(o.op_rate == 0.5);
	assert_true(o.op_burst == 4);
	assert_false(o.audit_sync);
	/* [public] belongs to another module: unused until it reads it */
	vg_err err = {0};
	assert_int_equal(vg_serve_config_unused(&c, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "serve.conf:17"));
	assert_non_null(strstr(err.msg, "delay_ms"));
	assert_non_null(vg_config_get(&c, "public", "delay_ms"));
	assert_int_equal(vg_serve_config_unused(&c, NULL), 0);
	vg_config_release(&c);

	static const char bad[] = "[limits]\nmax_body = 12\n";
	vg_config_init(&c, VG_LANG_EN);
	assert_int_equal(vg_config_parse(&c, "serve.conf", bad, sizeof(bad) - 1, NULL), 0);
	assert_int_equal(vg_serve_opts_config(&o, &c, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "serve.conf:2"));
	vg_config_release(&c);
	static const char bad2[] = "[server]\nlisten = nowhere\n";
	vg_config_init(&c, VG_LANG_EN);
	assert_int_equal(vg_config_parse(&c, "serve.conf", bad2, sizeof(bad2) - 1, NULL), 0);
	assert_int_equal(vg_serve_opts_config(&o, &c, &err), VG_EINVAL);
	vg_config_release(&c);
	static const char bad3[] = "[operator]\nrate = fast\n";
	vg_config_init(&c, VG_LANG_EN);
	assert_int_equal(vg_config_parse(&c, "serve.conf", bad3, sizeof(bad3) - 1, NULL), 0);
	assert_int_equal(vg_serve_opts_config(&o, &c, &err), VG_EINVAL);
	vg_config_release(&c);
}

/* ------------------------------------------------------------ handlers */

static char dir[64];
static char tokpath[128], auditpath[128];
static vg_regkey *key;
static vg_registry *reg;
static char token[VG_TOKEN_TEXT_MAX];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	uint8_t b[VG_REGKEY_BYTES];
	memset(b, 9, sizeof(b));
	if (vg_regkey_from_bytes(b, &key))
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/vg-test-serve-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char regdir[128];
	snprintf(regdir, sizeof(regdir), "%s/reg", dir);
	vg_regbuild_opts o = {.now = 1700000000};
	vg_regbuild *bld = NULL;
	vg_err err = {0};
	unsigned ft;
	if (vg_regbuild_begin(regdir, key, &o, &bld, &err) ||
	    vg_regbuild_source(bld, "France Travail", 0, &ft, &err))
		return -1;
	static const char em[] = "virginie-blandin13@gmail.com";
	vg_regentry e = {.key = vg_regkey_prf(key, VG_IDTAB_EMAIL, em, sizeof(em) - 1),
	                 .cats = VG_CAT_BIT(VG_CAT_NAME) | VG_CAT_BIT(VG_CAT_EMAIL),
	                 .sources = 1,
	                 .table = VG_IDTAB_EMAIL};
	if (vg_regbuild_add_batch(bld, &e, 1, &err) || vg_regbuild_commit(bld, NULL, &err))
		return -1;
	if (vg_registry_open_dir(regdir, key, 0, &reg, &err))
		return -1;
	snprintf(tokpath, sizeof(tokpath), "%s/tokens", dir);
	snprintf(auditpath, sizeof(auditpath), "%s/audit.jsonl", dir);
	if (vg_tokens_add(tokpath, "alice", 0, token, NULL))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vg_registry_close(reg);
	vg_regkey_free(key);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static vg_http_req mkreq(const char *body, const char *auth)
{
	vg_http_req r = {.method = "POST",
	                 .path = "/v1/operator/check",
	                 .body = body,
	                 .body_len = body ? strlen(body) : 0,
	                 .client = "127.0.0.1",
	                 .authorization = auth,
	                 .lang = VG_LANG_EN,
	                 .now_ms = 1700000000000ull,
	                 .registry = reg,
	                 .key = key};
	return r;
}

/* Calls h and parses the JSON answer. */
static json_t *call(vg_http_handler h, void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	vg_http_resp_init(resp);
	h(ctx, req, resp);
	json_t *j = json_loadb(resp->body, resp->body_len, 0, NULL);
	assert_non_null(j);
	return j;
}

static const char *err_code(json_t *j)
{
	return json_string_value(json_object_get(json_object_get(j, "error"), "code"));
}

static void test_operator(void **state)
{
	(void)state;
	vg_tokenstore *ts;
	vg_audit *au;
	assert_int_equal(vg_tokenstore_open(tokpath, 0.001, 6, &ts, NULL), 0);
	assert_int_equal(vg_audit_open(auditpath, &au, NULL), 0);
	vg_api_operator op = {.tokens = ts, .audit = au, .max_body = 1024};
	char auth[96];
	snprintf(auth, sizeof(auth), "Bearer %s", token);
	vg_http_resp resp;
	json_t *j;

	/* no token, a bad token, another scheme */
	vg_http_req req = mkreq("{\"kind\":\"email\",\"value\":\"a@b.fr\"}", NULL);
	j = call(vg_api_operator_check, &op, &req, &resp);
	assert_int_equal(resp.status, 401);
	assert_string_equal(err_code(j), "unauthorized");
	assert_int_equal(resp.audit_ticket, 0);
	json_decref(j);
	vg_http_resp_release(&resp);
	req.authorization = "Bearer vgt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	j = call(vg_api_operator_check, &op, &req, &resp);
	assert_int_equal(resp.status, 401);
	assert_string_equal(resp.log_note, "bad-token");
	json_decref(j);
	vg_http_resp_release(&resp);

	/* exposed (typed as people type it) */
	req = mkreq("{\"kind\":\"email\",\"value\":\" Virginie-Blandin13@GMAIL.com\"}", auth);
	j = call(vg_api_operator_check, &op, &req, &resp);
	assert_int_equal(resp.status, 200);
	assert_true(json_is_true(json_object_get(j, "exposed")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "sources"), 0)),
	                    "France Travail");
	assert_string_equal(resp.log_note, "exposed");
	uint64_t t1 = resp.audit_ticket;
	assert_true(t1 > 0);
	assert_int_equal(vg_audit_wait(au, t1), 0);
	json_decref(j);
	vg_http_resp_release(&resp);

	/* not exposed */
	req = mkreq("{\"kind\":\"phone\",\"value\":\"06 12 34 56 78\"}", auth);
	j = call(vg_api_operator_check, &op, &req, &resp);
	assert_int_equal(resp.status, 200);
	assert_true(json_is_false(json_object_get(j, "exposed")));
	assert_true(resp.audit_ticket > t1);
	json_decref(j);
	vg_http_resp_release(&resp);

	/* invalid identifier: audited, 400, the reason */
	req = mkreq("{\"kind\":\"email\",\"value\":\"no-at-sign\"}", auth);
	j = call(vg_api_operator_check, &op, &req, &resp);
	assert_int_equal(resp.status, 400);
	assert_string_equal(err_code(j), "invalid-identifier");
	assert_true(resp.audit_ticket > 0);
	json_decref(j);
	vg_http_resp_release(&resp);

	/* malformed bodies: not audited */
	const char *bad[] = {"{\"kind\":\"email\"}", "{\"kind\":\"ssn\",\"value\":\"1\"}",
	                     "{\"kind\":\"name\",\"value\":\"x\"}"};
	for (size_t i = 0; i < 2; i++) {
		req = mkreq(bad[i], auth);
		j = call(vg_api_operator_check, &op, &req, &resp);
		assert_int_equal(resp.status, 400);
		assert_string_equal(err_code(j), "bad-request");
		assert_int_equal(resp.audit_ticket, 0);
		json_decref(j);
		vg_http_resp_release(&resp);
	}
	req = mkreq("{nope", auth);
	j = call(vg_api_operator_check, &op, &req, &resp);
	assert_int_equal(resp.status, 400);
	assert_string_equal(err_code(j), "bad-json");
	json_decref(j);
	vg_http_resp_release(&resp);

	/* the 6-request burst is spent: 429 with Retry-After */
	req = mkreq(bad[2], auth);
	j = call(vg_api_operator_check, &op, &req, &resp);
	assert_int_equal(resp.status, 429);
	assert_string_equal(err_code(j), "rate-limited");
	assert_int_equal(resp.nheaders, 1);
	assert_string_equal(resp.headers[0].name, "Retry-After");
	json_decref(j);
	vg_http_resp_release(&resp);

	vg_tokenstore_free(ts);
	vg_audit_close(au);

	/* the audit log: 3 lines, chained, with pseudonyms and no identifier */
	vg_audit_check c;
	assert_int_equal(vg_audit_verify(auditpath, NULL, &c, NULL), 0);
	assert_true(c.ok);
	assert_int_equal(c.lines, 3);
	FILE *f = fopen(auditpath, "r");
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_null(strstr(buf, "blandin"));
	assert_null(strstr(buf, "612345678"));
	char ps[64];
	static const char em[] = "virginie-blandin13@gmail.com";
	snprintf(ps, sizeof(ps), "\"pseudonym\":\"%016llx\",\"result\":\"exposed\"",
	         (unsigned long long)vg_regkey_prf(key, VG_IDTAB_EMAIL, em, sizeof(em) - 1));
	assert_non_null(strstr(buf, ps));
	assert_non_null(strstr(buf, "\"token\":\"alice\""));
	assert_non_null(strstr(buf, "\"pseudonym\":null,\"result\":\"invalid\""));
}

static int prepared_freed;

static void free_prepared(void *p)
{
	assert_string_equal(p, "prepared");
	prepared_freed++;
}

/* The answers' cache: a hit shares the cached body (no copy) and keeps it
 * alive after the cache lets it go; the server's prepared object is kept
 * once and freed with the body. */
static void test_answer_cache(void **state)
{
	(void)state;
	vg_tokenstore *ts;
	vg_audit *au;
	assert_int_equal(vg_tokenstore_open(tokpath, 1000, 1000, &ts, NULL), 0);
	assert_int_equal(vg_audit_open(auditpath, &au, NULL), 0);
	vg_api_operator op = {.tokens = ts, .audit = au, .max_body = 1024,
	                      .cache = vg_api_cache_new()};
	char auth[96];
	snprintf(auth, sizeof(auth), "Bearer %s", token);
	vg_http_req req = mkreq("{\"kind\":\"email\",\"value\":\"virginie-blandin13@gmail.com\"}", auth);
	vg_http_resp r1, r2, r3;
	json_t *j = call(vg_api_operator_check, &op, &req, &r1);
	json_decref(j);
	assert_null(r1.shared); /* a miss: computed */
	j = call(vg_api_operator_check, &op, &req, &r2);
	assert_true(json_is_true(json_object_get(j, "exposed")));
	json_decref(j);
	assert_non_null(r2.shared);
	assert_int_equal(r2.status, 200);
	assert_string_equal(r2.content_type, "application/json");
	assert_int_equal(r2.body_len, r1.body_len);
	assert_memory_equal(r2.body, r1.body, r1.body_len);
	assert_true(r2.audit_ticket > r1.audit_ticket); /* audited all the same */
	j = call(vg_api_operator_check, &op, &req, &r3);
	json_decref(j);
	assert_ptr_equal(r3.body, r2.body); /* the same bytes */
	uint64_t last = r3.audit_ticket;

	static char obj[] = "prepared", other[] = "other";
	prepared_freed = 0;
	assert_null(vg_http_shared_prepared(r2.shared));
	assert_ptr_equal(vg_http_shared_set_prepared(r2.shared, obj, free_prepared), obj);
	assert_ptr_equal(vg_http_shared_set_prepared(r2.shared, other, free_prepared), obj);
	assert_ptr_equal(vg_http_shared_prepared(r3.shared), obj);

	/* the cache goes: the answers in hand stay valid */
	vg_api_cache_free(op.cache);
	assert_memory_equal(r2.body, r1.body, r1.body_len);
	vg_http_resp_release(&r2);
	assert_int_equal(prepared_freed, 0);
	assert_memory_equal(r3.body, r1.body, r1.body_len);
	vg_http_resp_release(&r3);
	assert_int_equal(prepared_freed, 1);
	vg_http_resp_release(&r1);

	/* an error set after a shared body drops the reference */
	vg_http_shared *sh = vg_http_shared_new("{}", 2, "application/json");
	vg_http_resp_init(&r1);
	vg_http_set_shared(&r1, 200, sh);
	vg_http_shared_unref(sh);
	vg_http_error(&r1, 500, "internal", "x");
	assert_null(r1.shared);
	vg_http_resp_release(&r1);

	assert_int_equal(vg_audit_wait(au, last), 0);
	vg_audit_close(au);
	vg_tokenstore_free(ts);
}

static void test_operator_without_tokens(void **state)
{
	(void)state;
	vg_api_operator op = {.max_body = 1024};
	vg_http_req req = mkreq("{}", "Bearer vgt_x");
	vg_http_resp resp;
	json_t *j = call(vg_api_operator_check, &op, &req, &resp);
	assert_int_equal(resp.status, 401);
	json_decref(j);
	vg_http_resp_release(&resp);
}

static void test_health_and_scan(void **state)
{
	(void)state;
	vg_http_req req = mkreq(NULL, NULL);
	req.method = "GET";
	vg_http_resp resp;
	json_t *j = call(vg_api_health, NULL, &req, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "registry"), "generation")), 1);
	json_decref(j);
	vg_http_resp_release(&resp);

	vg_api_scan *sc;
	assert_int_equal(vg_api_scan_new(4096, &sc, NULL), 0);
	req = mkreq("{\"kind\":\"sms\",\"text\":\"Votre colis est bloque, payez 1,99 EUR sur "
	            "http://colis-laposte-suivi.com\"}",
	            NULL);
	j = call(vg_api_scan_message, sc, &req, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(json_string_value(json_object_get(j, "verdict")), "phishing");
	json_decref(j);
	vg_http_resp_release(&resp);
	req = mkreq("{\"kind\":\"fax\",\"text\":\"x\"}", NULL);
	j = call(vg_api_scan_message, sc, &req, &resp);
	assert_int_equal(resp.status, 400);
	json_decref(j);
	vg_http_resp_release(&resp);
	char big[5000];
	memset(big, ' ', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	req = mkreq(big, NULL);
	j = call(vg_api_scan_message, sc, &req, &resp);
	assert_int_equal(resp.status, 413);
	json_decref(j);
	vg_http_resp_release(&resp);
	vg_api_scan_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_router),   cmocka_unit_test(test_lang),
	    cmocka_unit_test(test_bearer),   cmocka_unit_test(test_listen),
	    cmocka_unit_test(test_config),   cmocka_unit_test(test_operator),
	    cmocka_unit_test(test_operator_without_tokens), cmocka_unit_test(test_health_and_scan),
	    cmocka_unit_test(test_answer_cache),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
