/*
 * api.c: the built-in routes of `vigie serve` (vigie/serve.h): health, the
 * helpdesk check, the phishing scan. Plain handlers over vigie/http.h,
 * tested without a socket.
 *
 * The helpdesk check, step by step: bearer token -> rate limit of that
 * token -> JSON body -> identifier normalized -> lookup in the request's
 * registry generation -> one audit line (token name, kind, keyed
 * pseudonym, result) -> the answer of `vigie check --json`, sent by the
 * server once the audit line is durable (resp->audit_ticket). Nothing the
 * operator typed reaches a log: the access log gets log_note, a static word.
 */
#include "vigie/exposure.h"
#include "vigie/scan.h"
#include "vigie/serve.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(fr, en) (req->lang == VG_LANG_EN ? (en) : (fr))

/* ------------------------------------------------------------ health */

void vg_api_health(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string("ok"));
	if (req->registry) {
		json_object_set_new(o, "registry",
		                    json_pack("{s:I}", "generation",
		                              (json_int_t)vg_registry_generation(req->registry)));
	} else {
		json_object_set_new(o, "registry", json_null());
	}
	if (ctx)
		json_object_set_new(o, "reloads", json_integer((json_int_t)vg_serve_reloads(ctx)));
	vg_http_set_json(resp, 200, o);
	json_decref(o);
}

/* ------------------------------------------------------------ the answers' cache */

#define CACHE_SLOTS 4096 /* a power of two; emptied at 3/4 full */

typedef struct cache_key {
	uint64_t generation;
	uint16_t cats, sources, special;
	uint8_t table, lang, exposed, used;
} cache_key;

typedef struct cache_slot {
	cache_key k;
	vg_http_shared *body; /* answers refer to it, without a copy */
} cache_slot;

struct vg_api_cache {
	pthread_mutex_t mu;
	size_t n;
	cache_slot slot[CACHE_SLOTS];
};

vg_api_cache *vg_api_cache_new(void)
{
	vg_api_cache *c = vg_xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

static void cache_clear(vg_api_cache *c)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		vg_http_shared_unref(c->slot[i].body); /* answers in flight keep theirs */
		memset(&c->slot[i], 0, sizeof(c->slot[i]));
	}
	c->n = 0;
}

void vg_api_cache_free(vg_api_cache *c)
{
	if (!c)
		return;
	cache_clear(c);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static cache_key cache_key_of(const vg_registry *r, const vg_exposure *e, vg_lang lang)
{
	cache_key k;
	memset(&k, 0, sizeof(k));
	k.generation = vg_registry_generation(r);
	k.cats = e->cats;
	k.sources = e->sources;
	k.special = e->special;
	k.table = (uint8_t)e->table;
	k.lang = (uint8_t)lang;
	k.exposed = e->exposed;
	k.used = 1;
	return k;
}

static size_t cache_slot_of(const cache_key *k)
{
	uint64_t h = k->generation * 0x9E3779B97F4A7C15ull;
	h ^= ((uint64_t)k->cats << 32 | (uint64_t)k->sources << 16 | k->special) * 0xC2B2AE3D27D4EB4Full;
	h ^= ((uint64_t)k->table << 16 | (uint64_t)k->lang << 8 | k->exposed) * 0x165667B19E3779F9ull;
	return (size_t)(h ^ (h >> 29)) & (CACHE_SLOTS - 1);
}

/* Sets resp to the cached answer (shared, not copied): true when found. */
static bool cache_get(vg_api_cache *c, const cache_key *k, vg_http_resp *resp)
{
	bool found = false;
	pthread_mutex_lock(&c->mu);
	for (size_t i = cache_slot_of(k);; i = (i + 1) & (CACHE_SLOTS - 1)) {
		cache_slot *s = &c->slot[i];
		if (!s->k.used)
			break;
		if (!memcmp(&s->k, k, sizeof(*k))) {
			vg_http_set_shared(resp, 200, s->body);
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return found;
}

static void cache_put(vg_api_cache *c, const cache_key *k, const char *body, size_t len)
{
	pthread_mutex_lock(&c->mu);
	if (c->n >= CACHE_SLOTS / 4 * 3)
		cache_clear(c);
	for (size_t i = cache_slot_of(k);; i = (i + 1) & (CACHE_SLOTS - 1)) {
		cache_slot *s = &c->slot[i];
		if (s->k.used && memcmp(&s->k, k, sizeof(*k)) != 0)
			continue;
		if (!s->k.used) {
			s->k = *k;
			s->body = vg_http_shared_new(body, len, "application/json");
			c->n++;
		}
		break;
	}
	pthread_mutex_unlock(&c->mu);
}

/* ------------------------------------------------------------ operator check */

static void unauthorized(const vg_http_req *req, vg_http_resp *resp, const char *note)
{
	vg_http_error(resp, 401, "unauthorized",
	              T("jeton d'accès absent, inconnu ou révoqué",
	                "missing, unknown or revoked access token"));
	int rc = vg_http_header_add(resp, "WWW-Authenticate", "Bearer realm=\"vigie\"");
	(void)rc;
	resp->log_note = note;
}

/* A string member of o, or NULL when absent; *bad when present but not a
 * string. */
static const char *member(json_t *o, const char *key, size_t *n, bool *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	*n = json_string_length(v);
	return json_string_value(v);
}

void vg_api_operator_check(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	vg_api_operator *op = ctx;
	const char *tok;
	size_t tn;
	if (!op->tokens || vg_serve_bearer(req->authorization, &tok, &tn) != 0)
		return unauthorized(req, resp, "no-token");
	char name[VG_TOKEN_NAME_MAX + 1];
	unsigned retry = 0;
	int a = vg_tokenstore_auth(op->tokens, tok, tn, req->now_ms, name, &retry);
	if (a == VG_TOKEN_BAD)
		return unauthorized(req, resp, "bad-token");
	if (a == VG_TOKEN_LIMITED) {
		vg_http_error(resp, 429, "rate-limited",
		              T("trop de requêtes pour ce jeton : réessayez plus tard",
		                "too many requests for this token: try again later"));
		char s[16];
		snprintf(s, sizeof(s), "%u", retry);
		int rc = vg_http_header_add(resp, "Retry-After", s);
		(void)rc;
		resp->log_note = "rate-limited";
		return;
	}
	if (!req->registry || !req->key || !op->audit) {
		vg_http_error(resp, 503, "internal",
		              T("service indisponible : pas de registre", "unavailable: no registry"));
		resp->log_note = "no-registry";
		return;
	}
	json_t *j = vg_http_json_body(req, op->max_body, resp);
	if (!j) {
		resp->log_note = "bad-json";
		return;
	}
	size_t kn = 0, vn = 0, nn = 0, dn = 0;
	bool bad = false;
	const char *kind = member(j, "kind", &kn, &bad);
	const char *value = member(j, "value", &vn, &bad);
	const char *nm = member(j, "name", &nn, &bad);
	const char *dob = member(j, "dob", &dn, &bad);
	vg_idtab t = VG_IDTAB__COUNT;
	if (!bad && kind && vg_exposure_kind_parse(kind, kn, &t) == 0) {
		if (t == VG_IDTAB_NAME_DOB ? (!nm || !dob || value) : (!value || nm || dob))
			bad = true;
	} else {
		bad = true;
	}
	if (bad || vn > VG_INPUT_MAX || nn > VG_INPUT_MAX || dn > VG_INPUT_MAX) {
		json_decref(j);
		vg_http_error(resp, 400, "bad-request",
		              T("attendu : {\"kind\": \"email\"|\"phone\"|\"nir\"|\"id\", \"value\": "
		                "\"...\"} ou {\"kind\": \"name\", \"name\": \"...\", \"dob\": \"...\"}",
		                "expected: {\"kind\": \"email\"|\"phone\"|\"nir\"|\"id\", \"value\": "
		                "\"...\"} or {\"kind\": \"name\", \"name\": \"...\", \"dob\": \"...\"}"));
		resp->log_note = "bad-request";
		return;
	}
	vg_exposure e;
	int prc = t == VG_IDTAB_NAME_DOB ? vg_exposure_prepare(t, nm, nn, dob, dn, &e)
	                                 : vg_exposure_prepare(t, value, vn, NULL, 0, &e);
	json_decref(j);
	vg_audit_rec rec = {.time_ms = req->now_ms, .token = name, .kind = vg_exposure_kind_name(t)};
	if (prc == 0 && vg_exposure_lookup(req->registry, &e) != 0)
		prc = VG_EINTERNAL;
	if (prc == VG_EINTERNAL) {
		vg_http_error(resp, 500, "internal", T("erreur interne", "internal error"));
		resp->log_note = "lookup-failed";
		return;
	}
	if (prc == 0) {
		rec.has_pseudonym = true;
		rec.pseudonym = vg_regkey_prf(req->key, e.table, e.key, e.key_len);
		rec.result = e.exposed ? "exposed" : "not-exposed";
	} else {
		rec.result = "invalid";
	}
	uint64_t ticket;
	if (vg_audit_append(op->audit, &rec, &ticket, NULL) != 0) {
		/* no audit line, no answer */
		vg_http_error(resp, 500, "internal",
		              T("journal d'audit indisponible", "audit log unavailable"));
		resp->log_note = "audit-failed";
		return;
	}
	resp->audit_ticket = ticket;
	if (prc != 0) {
		json_t *o = json_pack("{s:{s:s,s:s,s:s,s:s}}", "error", "code", "invalid-identifier",
		                      "message", vg_reason_text(e.reason, req->lang), "field",
		                      e.field ? e.field : "value", "reason",
		                      e.reason ? e.reason->code : "invalid");
		vg_http_set_json(resp, 400, o);
		json_decref(o);
		resp->log_note = "invalid";
		return;
	}
	resp->log_note = e.exposed ? "exposed" : "not-exposed";
	cache_key ck;
	if (op->cache) {
		ck = cache_key_of(req->registry, &e, req->lang);
		if (cache_get(op->cache, &ck, resp))
			return;
	}
	json_t *o = vg_exposure_json(req->registry, &e, req->lang);
	vg_http_set_json(resp, 200, o);
	json_decref(o);
	if (op->cache && resp->status == 200)
		cache_put(op->cache, &ck, resp->body, resp->body_len);
}

/* ------------------------------------------------------------ scan */

struct vg_api_scan {
	vg_scan *sc;
	size_t max_body;
	pthread_mutex_t mu;
	vg_scan_ctx **idle; /* contexts not in use */
	size_t nidle, cap;
};

int vg_api_scan_new(size_t max_body, vg_api_scan **out, vg_err *err)
{
	vg_api_scan *s = vg_xcalloc(1, sizeof(*s));
	int rc = vg_scan_open(NULL, &s->sc, err);
	if (rc) {
		free(s);
		return rc;
	}
	s->max_body = max_body;
	pthread_mutex_init(&s->mu, NULL);
	*out = s;
	return 0;
}

void vg_api_scan_free(vg_api_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nidle; i++)
		vg_scan_ctx_free(s->idle[i]);
	free(s->idle);
	pthread_mutex_destroy(&s->mu);
	vg_scan_close(s->sc);
	free(s);
}

/* A context of the pool, or a new one (one per thread at most in use). */
static vg_scan_ctx *ctx_take(vg_api_scan *s)
{
	vg_scan_ctx *cx = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->nidle)
		cx = s->idle[--s->nidle];
	pthread_mutex_unlock(&s->mu);
	return cx ? cx : vg_scan_ctx_new(s->sc);
}

static void ctx_give(vg_api_scan *s, vg_scan_ctx *cx)
{
	pthread_mutex_lock(&s->mu);
	if (s->nidle == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->idle = vg_xrealloc(s->idle, s->cap * sizeof(*s->idle));
	}
	s->idle[s->nidle++] = cx;
	pthread_mutex_unlock(&s->mu);
}

void vg_api_scan_message(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	vg_api_scan *s = ctx;
	json_t *j = vg_http_json_body(req, s->max_body, resp);
	if (!j) {
		resp->log_note = "bad-json";
		return;
	}
	size_t kn = 0, tn = 0;
	bool bad = false;
	const char *kind = member(j, "kind", &kn, &bad);
	const char *text = member(j, "text", &tn, &bad);
	bool email = kind && !strcmp(kind, "email");
	if (bad || !text || !kind || (!email && strcmp(kind, "sms") != 0)) {
		json_decref(j);
		vg_http_error(resp, 400, "bad-request",
		              T("attendu : {\"kind\": \"sms\"|\"email\", \"text\": \"...\"}",
		                "expected: {\"kind\": \"sms\"|\"email\", \"text\": \"...\"}"));
		resp->log_note = "bad-request";
		return;
	}
	vg_scan_result *r = vg_xmalloc(sizeof(*r));
	vg_scan_ctx *cx = ctx_take(s);
	int rc = 0;
	if (email)
		rc = vg_scan_email(cx, text, tn, r);
	else
		vg_scan_sms(cx, text, tn, r);
	ctx_give(s, cx);
	json_decref(j);
	if (rc != 0) {
		free(r);
		vg_http_error(resp, 413, "too-large", T("message trop grand", "message too large"));
		resp->log_note = "too-large";
		return;
	}
	json_t *o = vg_scan_result_json(r, req->lang);
	vg_http_set_json(resp, 200, o);
	json_decref(o);
	resp->log_note = vg_verdict_name(r->verdict);
	free(r);
}
