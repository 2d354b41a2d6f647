/* test_public.c: the public check handlers, driven with hand-built requests
 * over a registry built with vg_regbuild: the same answer whether exposed or
 * not, the code flow through the outbox (read back with GMime), attempts,
 * expiry with a fake clock, single use, rate limits, eviction, the
 * attestation, and no identifier in clear outside the outbox. */
#include "vigie/attest.h"
#include "vigie/outbox.h"
#include "vigie/public.h"
#include "vigie/registry.h"

#include <dirent.h>
#include <ftw.h>
#include <gmime/gmime.h>
#include <pthread.h>
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

#define CB(c) VG_CAT_BIT(VG_CAT_##c)
#define T0 1767225600000ull /* 2026-01-01T00:00:00Z, in ms */
#define DELAY 400
#define DELAY_S "400"

static char dir[64];
static vg_regkey *key;
static vg_registry *reg;

static const uint16_t cats_a = CB(NAME) | CB(NIR) | CB(DOB) | CB(EMAIL) | CB(PHONE);

/* The identifiers of the fixture, as people type them and in the registry. */
#define EXPOSED_EMAIL "virginie-blandin13@gmail.com"
#define EXPOSED_PHONE "+33796930399"
#define SPECIAL_EMAIL "hugo.locatelli@gmail.com"
#define UNKNOWN_EMAIL "jamais.vu@exemple.fr"
#define UNKNOWN_PHONE "+33611223344"

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static vg_regentry ent(vg_idtab t, const char *s, uint16_t cats, uint16_t sources)
{
	vg_regentry e = {.key = vg_regkey_prf(key, t, s, strlen(s)),
	                 .cats = cats,
	                 .sources = sources,
	                 .table = (uint8_t)t};
	return e;
}

static int setup(void **state)
{
	(void)state;
	g_mime_init();
	uint8_t b[VG_REGKEY_BYTES];
	memset(b, 9, sizeof(b));
	if (vg_regkey_from_bytes(b, &key))
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/vg-test-public-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char rdir[128];
	snprintf(rdir, sizeof(rdir), "%s/reg", dir);
	vg_regbuild_opts o = {.now = 1700000000};
	vg_regbuild *bld = NULL;
	vg_err err = {0};
	unsigned ft, ce;
	if (vg_regbuild_begin(rdir, key, &o, &bld, &err) ||
	    vg_regbuild_source(bld, "France Travail", 0, &ft, &err) ||
	    vg_regbuild_source(bld, "Cap Emploi", VG_SOURCE_SPECIAL, &ce, &err)) {
		fprintf(stderr, "build: %s\n", err.msg);
		return -1;
	}
	vg_regentry e[] = {
	    ent(VG_IDTAB_EMAIL, EXPOSED_EMAIL, cats_a, 1u << ft),
	    ent(VG_IDTAB_PHONE, EXPOSED_PHONE, cats_a, 1u << ft),
	    ent(VG_IDTAB_EMAIL, SPECIAL_EMAIL, CB(NAME) | CB(EMAIL), 1u << ce),
	};
	if (vg_regbuild_add_batch(bld, e, 3, &err) || vg_regbuild_commit(bld, NULL, &err) ||
	    vg_registry_open_dir(rdir, key, 0, &reg, &err)) {
		fprintf(stderr, "build: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vg_registry_close(reg);
	vg_regkey_free(key);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	g_mime_shutdown();
	return 0;
}

/* ------------------------------------------------------------ helpers */

/* Everything a vg_public logged, to check it never holds an identifier. */
static char logged[8192];
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static void log_cb(void *arg, const char *msg)
{
	(void)arg;
	pthread_mutex_lock(&log_mu);
	strncat(logged, msg, sizeof(logged) - strlen(logged) - 2);
	strcat(logged, "\n");
	pthread_mutex_unlock(&log_mu);
}

static char outdir[160];

/* A vg_public over a fresh outbox, with extra config lines. */
static vg_public *new_public(const char *extra)
{
	static int n;
	snprintf(outdir, sizeof(outdir), "%s/outbox%d", dir, n);
	char conf[2048];
	snprintf(conf, sizeof(conf),
	         "[public]\n"
	         "%s"
	         "outbox = %s\n"
	         "attest_key = %s/attest.key\n"
	         "organisation = France Travail\n"
	         "website = francetravail.fr\n"
	         "breach = Fuite France Travail 2024\n"
	         "breach_start = 2024-02-06\n"
	         "breach_end = 2024-03-05\n"
	         "%s",
	         extra && strstr(extra, "delay_ms") ? "" : "delay_ms = " DELAY_S "\n", outdir, dir, extra ? extra : "rate_client = 10000\nrate_identifier = 10000\n");
	n++;
	vg_config c;
	vg_config_init(&c, VG_LANG_FR);
	vg_err err = {0};
	assert_int_equal(vg_config_parse(&c, "test.conf", conf, strlen(conf), &err), 0);
	assert_int_equal(vg_config_validate(&c, vg_public_config_keys, vg_public_config_n_keys, &err),
	                 0);
	vg_public *p = NULL;
	vg_public_opts o = {.log = log_cb};
	int rc = vg_public_new(&c, &o, &p, &err);
	if (rc)
		fprintf(stderr, "vg_public_new: %s\n", err.msg);
	assert_int_equal(rc, 0);
	vg_config_release(&c);
	return p;
}

static vg_http_req request(const char *method, const char *body, const char *query,
                           const char *client, uint64_t now)
{
	vg_http_req r;
	memset(&r, 0, sizeof(r));
	r.method = method;
	r.body = body;
	r.body_len = body ? strlen(body) : 0;
	r.query = query;
	r.client = client ? client : "192.0.2.1";
	r.lang = VG_LANG_FR;
	r.now_ms = now;
	r.registry = reg;
	r.key = key;
	return r;
}

/* POST /v1/public/check; resp must be released. */
static void check(vg_public *p, const char *kind, const char *value, const char *client,
                  uint64_t now, vg_http_resp *resp)
{
	json_t *j = json_pack("{s:s,s:s}", "kind", kind, "value", value);
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	vg_http_req r = request("POST", body, NULL, client, now);
	vg_http_resp_init(resp);
	vg_public_check(p, &r, resp);
	free(body);
}

/* The request id of a 202 answer (static buffer). */
static const char *request_id(const vg_http_resp *resp)
{
	static char id[64];
	assert_int_equal(resp->status, 202);
	json_t *j = json_loadb(resp->body, resp->body_len, 0, NULL);
	assert_non_null(j);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(j, "request")));
	json_decref(j);
	return id;
}

/* POST /v1/public/verify; returns the parsed body (caller decrefs). */
static json_t *verify(vg_public *p, const char *id, const char *code, uint64_t now, int *status)
{
	json_t *j = json_pack("{s:s,s:s}", "request", id, "code", code);
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	vg_http_req r = request("POST", body, NULL, NULL, now);
	vg_http_resp resp;
	vg_http_resp_init(&resp);
	vg_public_verify(p, &r, &resp);
	free(body);
	*status = resp.status;
	json_t *out = json_loadb(resp.body, resp.body_len, 0, NULL);
	assert_non_null(out);
	vg_http_resp_release(&resp);
	return out;
}

static const char *err_code(const json_t *j)
{
	return json_string_value(json_object_get(json_object_get(j, "error"), "code"));
}

/* Names of the outbox files with extension ext (after a flush), sorted. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_files(vg_public *p, const char *ext, char **names, int max)
{
	vg_outbox_flush(vg_public_outbox(p));
	DIR *d = opendir(outdir);
	assert_non_null(d);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		const char *dot = strrchr(e->d_name, '.');
		if (e->d_name[0] == '.' || !dot || strcmp(dot + 1, ext))
			continue;
		assert_true(n < max);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(char *), cmp_str);
	return n;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 16);
	*n = fread(buf, 1, (1 << 16) - 1, f);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

/* The decoded text of the last email (GMime) or SMS in the outbox; *to gets
 * its recipient. Caller frees. */
static char *last_message(vg_public *p, const char *ext, char *to, size_t tocap)
{
	char *names[256];
	int n = list_files(p, ext, names, 256);
	assert_true(n > 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", outdir, names[n - 1]);
	free_names(names, n);
	size_t len;
	char *raw = slurp(path, &len);
	char *text;
	if (!strcmp(ext, "json")) {
		json_t *j = json_loadb(raw, len, 0, NULL);
		assert_non_null(j);
		snprintf(to, tocap, "%s", json_string_value(json_object_get(j, "to")));
		text = strdup(json_string_value(json_object_get(j, "text")));
		json_decref(j);
	} else {
		GMimeStream *st = g_mime_stream_mem_new_with_buffer(raw, len);
		GMimeParser *ps = g_mime_parser_new_with_stream(st);
		GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
		assert_non_null(m);
		snprintf(to, tocap, "%s",
		         internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(
		             internet_address_list_get_address(g_mime_message_get_to(m), 0))));
		GMimeObject *part = g_mime_message_get_mime_part(m);
		assert_true(GMIME_IS_TEXT_PART(part));
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
		text = strdup(t);
		g_free(t);
		g_object_unref(m);
		g_object_unref(ps);
		g_object_unref(st);
	}
	free(raw);
	return text;
}

/* The first run of exactly 6 digits in text. */
static void find_code(const char *text, char code[7])
{
	for (const char *s = text; *s; s++) {
		size_t k = 0;
		while (s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == 6) {
			memcpy(code, s, 6);
			code[6] = '\0';
			return;
		}
		if (k)
			s += k - 1;
	}
	fail_msg("no code in the message");
}

/* A different 6-digit code. */
static void wrong_code(const char code[7], char out[7])
{
	memcpy(out, code, 7);
	out[5] = out[5] == '9' ? '0' : (char)(out[5] + 1);
}

/* ------------------------------------------------------------ no oracle */

static void test_same_answer(void **state)
{
	(void)state;
	vg_public *p = new_public(NULL);
	struct {
		const char *kind, *value;
	} cases[] = {
	    {"email", EXPOSED_EMAIL}, {"email", UNKNOWN_EMAIL}, {"phone", EXPOSED_PHONE},
	    {"phone", UNKNOWN_PHONE}, {"email", SPECIAL_EMAIL}, {"phone", "06 00 00 00 01"},
	};
	size_t len0 = 0;
	char ids[6][64];
	for (size_t i = 0; i < 6; i++) {
		vg_http_resp r;
		check(p, cases[i].kind, cases[i].value, NULL, T0 + i, &r);
		assert_int_equal(r.status, 202);
		assert_int_equal(r.not_before_ms, T0 + i + DELAY);
		assert_string_equal(r.content_type, "application/json");
		assert_int_equal(r.nheaders, 0);
		assert_string_equal(r.log_note, "public-check");
		if (!i)
			len0 = r.body_len;
		assert_int_equal(r.body_len, len0);
		json_t *j = json_loadb(r.body, r.body_len, 0, NULL);
		assert_int_equal(json_object_size(j), 3);
		assert_string_equal(json_string_value(json_object_get(j, "status")), "sent-if-exposed");
		assert_int_equal(json_integer_value(json_object_get(j, "expires_in")), 900);
		const char *id = json_string_value(json_object_get(j, "request"));
		assert_int_equal(strlen(id), 22);
		snprintf(ids[i], sizeof(ids[i]), "%s", id);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(ids[k], id);
		json_decref(j);
		vg_http_resp_release(&r);
	}
	/* codes went to the three identifiers in the registry only */
	char *names[16];
	int ne = list_files(p, "eml", names, 16);
	free_names(names, ne);
	int ns = list_files(p, "json", names, 16);
	free_names(names, ns);
	assert_int_equal(ne, 2);
	assert_int_equal(ns, 1);
	/* every request, exposed or not, has a pending entry: a wrong code
	 * spends an attempt on each alike */
	for (size_t i = 0; i < 6; i++) {
		int st;
		json_t *j = verify(p, ids[i], "000000", T0 + 10, &st);
		/* 000000 could be the right code of an exposed one, 1 in a million */
		if (st == 200) {
			json_decref(j);
			continue;
		}
		assert_int_equal(st, 400);
		assert_string_equal(err_code(j), "bad-code");
		assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "error"),
		                                                    "attempts_left")),
		                 4);
		json_decref(j);
	}
	vg_public_free(p);
}

/* The errors of the check route leave at the same time too. */
static void test_check_errors(void **state)
{
	(void)state;
	vg_public *p = new_public(NULL);
	const char *bodies[] = {"not json", "[1]", "{\"kind\":\"nir\",\"value\":\"1\"}",
	                        "{\"kind\":\"email\"}", "{\"kind\":\"email\",\"value\":\"no-at\"}",
	                        "{\"kind\":\"phone\",\"value\":\"12\"}"};
	const char *codes[] = {"bad-json", "bad-json", "bad-request", "bad-request",
	                       "invalid-identifier", "invalid-identifier"};
	for (size_t i = 0; i < 6; i++) {
		vg_http_req r = request("POST", bodies[i], NULL, NULL, T0);
		vg_http_resp resp;
		vg_http_resp_init(&resp);
		vg_public_check(p, &r, &resp);
		assert_int_equal(resp.status, 400);
		assert_int_equal(resp.not_before_ms, T0 + DELAY);
		json_t *j = json_loadb(resp.body, resp.body_len, 0, NULL);
		assert_string_equal(err_code(j), codes[i]);
		json_decref(j);
		vg_http_resp_release(&resp);
	}
	/* wrong method */
	vg_http_req r = request("GET", NULL, NULL, NULL, T0);
	vg_http_resp resp;
	vg_http_resp_init(&resp);
	vg_public_check(p, &r, &resp);
	assert_int_equal(resp.status, 405);
	assert_string_equal(resp.headers[0].name, "Allow");
	assert_string_equal(resp.headers[0].value, "POST");
	vg_http_resp_release(&resp);
	/* no registry: 503, the same for every identifier */
	r = request("POST", "{\"kind\":\"email\",\"value\":\"" EXPOSED_EMAIL "\"}", NULL, NULL, T0);
	r.registry = NULL;
	vg_http_resp_init(&resp);
	vg_public_check(p, &r, &resp);
	assert_int_equal(resp.status, 503);
	vg_http_resp_release(&resp);
	vg_public_free(p);
}

/* ------------------------------------------------------------ the code flow */

static void test_code_flow(void **state)
{
	(void)state;
	vg_public *p = new_public(NULL);
	vg_http_resp r;
	check(p, "email", " Virginie-Blandin13@GMAIL.com", NULL, T0, &r);
	char id[64];
	snprintf(id, sizeof(id), "%s", request_id(&r));
	vg_http_resp_release(&r);
	char to[400], code[7], bad[7];
	char *text = last_message(p, "eml", to, sizeof(to));
	assert_string_equal(to, EXPOSED_EMAIL);
	find_code(text, code);
	/* French first, then English; the official site written out; no link */
	assert_true(strstr(text, "Votre code de vérification est : ") <
	            strstr(text, "Your verification code is: "));
	assert_non_null(strstr(text, "francetravail.fr"));
	assert_null(strstr(text, "http"));
	assert_null(strstr(text, "www."));
	free(text);

	/* a wrong code spends an attempt */
	wrong_code(code, bad);
	int st;
	json_t *j = verify(p, id, bad, T0 + 1000, &st);
	assert_int_equal(st, 400);
	assert_string_equal(err_code(j), "bad-code");
	json_decref(j);
	/* a malformed code does not */
	j = verify(p, id, "12345", T0 + 1000, &st);
	assert_int_equal(st, 400);
	assert_string_equal(err_code(j), "bad-request");
	json_decref(j);
	/* the right one */
	j = verify(p, id, code, T0 + 2000, &st);
	assert_int_equal(st, 200);
	assert_true(json_is_true(json_object_get(j, "exposed")));
	json_t *cats = json_object_get(j, "categories");
	assert_int_equal(json_array_size(cats), 5);
	assert_string_equal(json_string_value(json_array_get(cats, 1)), "nir");
	json_t *src = json_object_get(j, "sources");
	assert_int_equal(json_array_size(src), 1);
	assert_string_equal(json_string_value(json_array_get(src, 0)), "France Travail");
	assert_true(json_array_size(json_object_get(j, "advice")) > 3);
	assert_string_equal(json_string_value(json_object_get(j, "masked")), "v***@g***.com");
	char session[64];
	snprintf(session, sizeof(session), "%s", json_string_value(json_object_get(j, "session")));
	assert_int_equal(strlen(session), 22);
	json_decref(j);
	/* single use */
	j = verify(p, id, code, T0 + 3000, &st);
	assert_int_equal(st, 400);
	assert_string_equal(err_code(j), "expired");
	json_decref(j);
	/* the session is not a request id */
	j = verify(p, session, code, T0 + 3000, &st);
	assert_string_equal(err_code(j), "expired");
	json_decref(j);

	/* the attestation */
	char q[128];
	snprintf(q, sizeof(q), "lang=fr&session=%s", session);
	vg_http_req req = request("GET", NULL, q, NULL, T0 + 4000);
	vg_http_resp_init(&r);
	vg_public_attestation(p, &req, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "application/json");
	assert_string_equal(r.headers[0].name, "Content-Disposition");
	assert_non_null(strstr(r.headers[0].value, "attachment"));
	json_t *doc = NULL;
	vg_err err;
	assert_int_equal(vg_attest_verify(r.body, r.body_len, vg_public_attest_pubkey(p), &doc, &err),
	                 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "identifier"),
	                                                      "masked")),
	                    "v***@g***.com");
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "breach"), "end")),
	                    "2024-03-05");
	assert_int_equal(json_array_size(json_object_get(json_object_get(doc, "exposed"), "categories")),
	                 5);
	assert_string_equal(json_string_value(json_object_get(doc, "issued")), "2026-01-01T00:00:04Z");
	assert_null(strstr(r.body, "virginie"));
	assert_null(strstr(r.body, "gmail"));
	json_decref(doc);
	vg_http_resp_release(&r);
	/* the request id is not a session */
	snprintf(q, sizeof(q), "session=%s", id);
	req = request("GET", NULL, q, NULL, T0 + 4000);
	vg_http_resp_init(&r);
	vg_public_attestation(p, &req, &r);
	assert_int_equal(r.status, 400);
	vg_http_resp_release(&r);
	/* missing session; wrong method */
	req = request("GET", NULL, "lang=fr", NULL, T0 + 4000);
	vg_http_resp_init(&r);
	vg_public_attestation(p, &req, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "bad-request"));
	vg_http_resp_release(&r);
	req = request("POST", NULL, q, NULL, T0 + 4000);
	vg_http_resp_init(&r);
	vg_public_attestation(p, &req, &r);
	assert_int_equal(r.status, 405);
	vg_http_resp_release(&r);
	/* the session expires (600 s) */
	snprintf(q, sizeof(q), "session=%s", session);
	req = request("GET", NULL, q, NULL, T0 + 2000 + 600000);
	vg_http_resp_init(&r);
	vg_public_attestation(p, &req, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"expired\""));
	vg_http_resp_release(&r);
	vg_public_free(p);
}

/* A special-category source shows in the answer and the attestation; the
 * phone code goes by SMS in GSM 03.38. */
static void test_phone_and_special(void **state)
{
	(void)state;
	vg_public *p = new_public(NULL);
	vg_http_resp r;
	check(p, "phone", "07 96 93 03 99", NULL, T0, &r);
	char id[64];
	snprintf(id, sizeof(id), "%s", request_id(&r));
	vg_http_resp_release(&r);
	char to[400], code[7];
	char *text = last_message(p, "json", to, sizeof(to));
	assert_string_equal(to, EXPOSED_PHONE);
	assert_true(vg_outbox_gsm7(text, NULL));
	assert_true(strlen(text) <= 2 * 153);
	assert_non_null(strstr(text, "francetravail.fr"));
	find_code(text, code);
	free(text);
	int st;
	json_t *j = verify(p, id, code, T0 + 1000, &st);
	assert_int_equal(st, 200);
	assert_string_equal(json_string_value(json_object_get(j, "masked")), "+33 7 ** ** ** 99");
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "phone");
	json_decref(j);

	check(p, "email", SPECIAL_EMAIL, NULL, T0, &r);
	snprintf(id, sizeof(id), "%s", request_id(&r));
	vg_http_resp_release(&r);
	text = last_message(p, "eml", to, sizeof(to));
	find_code(text, code);
	free(text);
	j = verify(p, id, code, T0 + 1000, &st);
	assert_int_equal(st, 200);
	assert_true(json_is_true(json_object_get(j, "special_category")));
	char q[128];
	snprintf(q, sizeof(q), "session=%s", json_string_value(json_object_get(j, "session")));
	json_decref(j);
	vg_http_req req = request("GET", NULL, q, NULL, T0 + 2000);
	vg_http_resp_init(&r);
	vg_public_attestation(p, &req, &r);
	assert_int_equal(r.status, 200);
	json_t *doc;
	vg_err err;
	assert_int_equal(vg_attest_verify(r.body, r.body_len, vg_public_attest_pubkey(p), &doc, &err),
	                 0);
	json_t *ex = json_object_get(doc, "exposed");
	assert_true(json_is_true(json_object_get(ex, "special_category")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(ex, "sources"), 0)),
	                    "Cap Emploi");
	json_decref(doc);
	vg_http_resp_release(&r);
	vg_public_free(p);
}

static void test_attempts(void **state)
{
	(void)state;
	vg_public *p = new_public(NULL);
	vg_http_resp r;
	check(p, "email", EXPOSED_EMAIL, NULL, T0, &r);
	char id[64];
	snprintf(id, sizeof(id), "%s", request_id(&r));
	vg_http_resp_release(&r);
	char to[400], code[7], bad[7];
	char *text = last_message(p, "eml", to, sizeof(to));
	find_code(text, code);
	free(text);
	wrong_code(code, bad);
	for (int left = 4; left >= 0; left--) {
		int st;
		json_t *j = verify(p, id, bad, T0 + 1000, &st);
		assert_int_equal(st, 400);
		assert_string_equal(err_code(j), "bad-code");
		assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "error"),
		                                                    "attempts_left")),
		                 left);
		json_decref(j);
	}
	/* out of attempts: even the right code is refused, as expired */
	int st;
	json_t *j = verify(p, id, code, T0 + 1000, &st);
	assert_int_equal(st, 400);
	assert_string_equal(err_code(j), "expired");
	json_decref(j);
	/* unknown and malformed ids: the same answer */
	j = verify(p, "AAAAAAAAAAAAAAAAAAAAAA", code, T0, &st);
	assert_string_equal(err_code(j), "expired");
	json_decref(j);
	j = verify(p, "short", code, T0, &st);
	assert_string_equal(err_code(j), "expired");
	json_decref(j);
	vg_public_free(p);
}

static void test_expiry(void **state)
{
	(void)state;
	vg_public *p = new_public(NULL);
	char ids[2][64], codes[2][7], to[400];
	for (int i = 0; i < 2; i++) {
		vg_http_resp r;
		/* spool files sort by time: the second is the last */
		check(p, "email", EXPOSED_EMAIL, NULL, T0 + (uint64_t)i, &r);
		snprintf(ids[i], sizeof(ids[i]), "%s", request_id(&r));
		vg_http_resp_release(&r);
		char *text = last_message(p, "eml", to, sizeof(to));
		find_code(text, codes[i]);
		free(text);
	}
	int st;
	/* 15 minutes later, not a millisecond more: still good */
	json_t *j = verify(p, ids[1], codes[1], T0 + 1 + 900000 - 1, &st);
	assert_int_equal(st, 200);
	json_decref(j);
	/* the other, at 15 minutes: expired */
	j = verify(p, ids[0], codes[0], T0 + 900000, &st);
	assert_int_equal(st, 400);
	assert_string_equal(err_code(j), "expired");
	json_decref(j);
	vg_public_free(p);
}

/* ------------------------------------------------------------ rate limits */

static void test_rate_limits(void **state)
{
	(void)state;
	vg_public *p = new_public("rate_client = 3\nrate_identifier = 2\nrate_window = 600\n");
	vg_http_resp r;
	/* per identifier, exposed or not, from different clients; the same
	 * identifier however it is typed */
	const char *typed[] = {EXPOSED_EMAIL, " Virginie-Blandin13@GMAIL.com", EXPOSED_EMAIL};
	const char *values[] = {UNKNOWN_EMAIL, UNKNOWN_EMAIL, UNKNOWN_EMAIL};
	for (int who = 0; who < 2; who++) {
		for (int i = 0; i < 3; i++) {
			char client[32];
			snprintf(client, sizeof(client), "10.0.%d.%d", who, i);
			check(p, "email", who ? values[i] : typed[i], client, T0 + 1000, &r);
			assert_int_equal(r.not_before_ms, T0 + 1000 + DELAY);
			if (i < 2) {
				assert_int_equal(r.status, 202);
			} else {
				assert_int_equal(r.status, 429);
				assert_non_null(strstr(r.body, "rate-limited"));
				assert_string_equal(r.headers[0].name, "Retry-After");
				assert_string_equal(r.headers[0].value, "600");
			}
			vg_http_resp_release(&r);
		}
	}
	/* per client: the fourth request of 10.9.9.9 is refused, whatever it asks */
	for (int i = 0; i < 4; i++) {
		char v[64];
		snprintf(v, sizeof(v), "personne%d@exemple.fr", i);
		check(p, "email", v, "10.9.9.9", T0 + 2000 + (uint64_t)i * 1000, &r);
		assert_int_equal(r.status, i < 3 ? 202 : 429);
		if (i == 3)
			assert_string_equal(r.headers[0].value, "597"); /* 600 s after its first */
		vg_http_resp_release(&r);
	}
	/* verify counts against the client too */
	vg_http_req req = request("POST", "{\"request\":\"x\",\"code\":\"123456\"}", NULL,
	                          "10.9.9.9", T0 + 9000);
	vg_http_resp_init(&r);
	vg_public_verify(p, &req, &r);
	assert_int_equal(r.status, 429);
	vg_http_resp_release(&r);
	/* a new window */
	check(p, "email", "autre@exemple.fr", "10.9.9.9", T0 + 2000 + 600000, &r);
	assert_int_equal(r.status, 202);
	vg_http_resp_release(&r);
	check(p, "email", EXPOSED_EMAIL, "10.0.0.9", T0 + 1000 + 600000, &r);
	assert_int_equal(r.status, 202);
	vg_http_resp_release(&r);
	vg_public_free(p);
}

/* ------------------------------------------------------------ bounds and threads */

static void test_eviction(void **state)
{
	(void)state;
	vg_public *p = new_public("max_pending = 16\nrate_client = 0\nrate_identifier = 0\n");
	char first[64], last[64];
	for (int i = 0; i < 17; i++) {
		vg_http_resp r;
		check(p, "email", UNKNOWN_EMAIL, NULL, T0, &r);
		snprintf(i ? last : first, 64, "%s", request_id(&r));
		vg_http_resp_release(&r);
	}
	int st;
	json_t *j = verify(p, first, "123456", T0, &st);
	assert_string_equal(err_code(j), "expired");
	json_decref(j);
	j = verify(p, last, "123456", T0, &st);
	assert_string_equal(err_code(j), "bad-code");
	json_decref(j);
	vg_public_free(p);
}

typedef struct worker_arg {
	vg_public *p;
	int n;
	int ok;
} worker_arg;

static void *worker(void *arg)
{
	worker_arg *w = arg;
	for (int i = 0; i < 200; i++) {
		char v[64];
		snprintf(v, sizeof(v), "t%d-%d@exemple.fr", w->n, i);
		vg_http_resp r;
		check(w->p, "email", i % 10 ? v : EXPOSED_EMAIL, NULL, T0 + (uint64_t)i, &r);
		if (r.status == 202) {
			int st;
			json_t *j = verify(w->p, request_id(&r), "999999", T0 + (uint64_t)i, &st);
			w->ok += st == 400 || st == 200;
			json_decref(j);
		}
		vg_http_resp_release(&r);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	vg_public *p = new_public("max_pending = 64\nrate_client = 0\nrate_identifier = 0\n");
	pthread_t th[4];
	worker_arg a[4];
	for (int i = 0; i < 4; i++) {
		a[i] = (worker_arg){p, i, 0};
		assert_int_equal(pthread_create(&th[i], NULL, worker, &a[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(a[i].ok, 200);
	}
	vg_outbox_flush(vg_public_outbox(p));
	vg_outbox_stats st;
	vg_outbox_get_stats(vg_public_outbox(p), &st);
	assert_int_equal(st.queued + st.dropped, 80);
	vg_public_free(p);
}

/* ------------------------------------------------------------ no identifier in clear */

static void test_no_identifier(void **state)
{
	(void)state;
	logged[0] = '\0';
	vg_public *p = new_public("delay_ms = 0\nrate_client = 0\nrate_identifier = 0\n"); /* every check is "too slow": logs */
	/* everything a client and the log see during whole flows */
	char seen[65536] = "";
	const char *vals[][2] = {{"email", EXPOSED_EMAIL}, {"phone", EXPOSED_PHONE},
	                         {"email", UNKNOWN_EMAIL}};
	for (int i = 0; i < 3; i++) {
		vg_http_resp r;
		check(p, vals[i][0], vals[i][1], NULL, T0, &r);
		strncat(seen, r.body, sizeof(seen) - strlen(seen) - 1);
		char id[64];
		snprintf(id, sizeof(id), "%s", request_id(&r));
		vg_http_resp_release(&r);
		if (i == 2)
			break;
		char to[400], code[7];
		char *text = last_message(p, i ? "json" : "eml", to, sizeof(to));
		/* the outbox holds it: the test can see an identifier when there is one */
		assert_string_equal(to, vals[i][1]);
		find_code(text, code);
		free(text);
		int st;
		json_t *j = verify(p, id, code, T0 + 1, &st);
		assert_int_equal(st, 200);
		char *s = json_dumps(j, 0);
		strncat(seen, s, sizeof(seen) - strlen(seen) - 1);
		char q[128];
		snprintf(q, sizeof(q), "session=%s", json_string_value(json_object_get(j, "session")));
		free(s);
		json_decref(j);
		vg_http_req req = request("GET", NULL, q, NULL, T0 + 2);
		vg_http_resp_init(&r);
		vg_public_attestation(p, &req, &r);
		assert_int_equal(r.status, 200);
		strncat(seen, r.body, sizeof(seen) - strlen(seen) - 1);
		for (size_t k = 0; k < r.nheaders; k++)
			strncat(seen, r.headers[k].value, sizeof(seen) - strlen(seen) - 1);
		vg_http_resp_release(&r);
	}
	vg_outbox_flush(vg_public_outbox(p));
	assert_true(strlen(seen) > 1000);
	assert_non_null(strstr(logged, "delay_ms"));
	const char *needles[] = {"virginie", "blandin", "gmail", "796930399", "0796", "jamais.vu",
	                         "exemple"};
	for (size_t k = 0; k < sizeof(needles) / sizeof(needles[0]); k++) {
		assert_null(strstr(seen, needles[k]));
		assert_null(strstr(logged, needles[k]));
	}
	/* nor in a file name of the outbox */
	char *names[16];
	int n = list_files(p, "eml", names, 16);
	for (int i = 0; i < n; i++)
		assert_null(strchr(names[i], '@'));
	free_names(names, n);
	vg_public_free(p);
}

static void test_config(void **state)
{
	(void)state;
	vg_config c;
	vg_config_init(&c, VG_LANG_EN);
	const char conf[] = "[public]\ndelay_ms = lots\n";
	vg_err err = {0};
	assert_int_equal(vg_config_parse(&c, "t.conf", conf, strlen(conf), &err), 0);
	vg_public *p = NULL;
	assert_int_equal(vg_public_new(&c, NULL, &p, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "t.conf:2"));
	vg_config_release(&c);
	vg_config_init(&c, VG_LANG_EN);
	char conf2[512];
	snprintf(conf2, sizeof(conf2),
	         "[organisation]\nname = Exemple SA\n[breach]\nintrusion_start = 2024-02-06 08:00\n"
	         "[public]\noutbox = %s/cfg-outbox\nattest_key = %s/cfg.key\n",
	         dir, dir);
	assert_int_equal(vg_config_parse(&c, "t.conf", conf2, strlen(conf2), &err), 0);
	/* no key creation asked: refused */
	vg_public_opts o = {.no_key_create = true};
	assert_int_equal(vg_public_new(&c, &o, &p, &err), VG_ENOTFOUND);
	assert_int_equal(vg_public_new(&c, NULL, &p, &err), 0);
	vg_public_routes routes;
	vg_public_get_routes(p, &routes);
	assert_ptr_equal(routes.ctx, p);
	assert_string_equal(routes.route[0].path, "/v1/public/check");
	assert_string_equal(routes.route[2].method, "GET");
	assert_ptr_equal(routes.route[1].handler, vg_public_verify);
	vg_public_free(p);
	vg_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_answer),    cmocka_unit_test(test_check_errors),
	    cmocka_unit_test(test_code_flow),      cmocka_unit_test(test_phone_and_special),
	    cmocka_unit_test(test_attempts),       cmocka_unit_test(test_expiry),
	    cmocka_unit_test(test_rate_limits),    cmocka_unit_test(test_eviction),
	    cmocka_unit_test(test_threads),        cmocka_unit_test(test_no_identifier),
	    cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
