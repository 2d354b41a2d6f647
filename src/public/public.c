/*
 * public.c: the public check handlers, the pending-request table and the
 * rate limiters (vigie/public.h). Threat model: docs/public-check.md.
 *
 * Invariants:
 *  1. /v1/public/check does the same work whatever the registry says: it
 *     normalizes, looks up, draws a code, hashes it, masks the identifier
 *     and inserts one pending entry; only the outbox copy (a mutex and three
 *     strdup, microseconds) differs, and the response leaves at
 *     now + delay_ms. An entry for an identifier not in the registry gets a
 *     random 32-byte hash that no code matches, so verify fails on it the
 *     way it fails on a wrong code.
 *  2. No identifier in clear is kept: an entry holds the exposure bits and
 *     the masked form; rate limits key on a SipHash of the canonical form
 *     under a per-process random key. The clear value reaches the outbox
 *     only, as the message's recipient.
 *  3. The table is bounded: slots are handed out round-robin, so a new
 *     entry evicts the oldest one when every slot is taken. Lookups go
 *     through a chained hash index on the random id.
 *  4. Unknown, expired and used ids (and sessions) give the same answer.
 */
#include "vigie/public.h"

#include "vigie/attest.h"
#include "vigie/exposure.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ configuration */

const vg_config_key vg_public_config_keys[] = {
    {"public", "delay_ms", false},        {"public", "code_ttl", false},
    {"public", "session_ttl", false},     {"public", "attempts", false},
    {"public", "max_pending", false},     {"public", "rate_window", false},
    {"public", "rate_client", false},     {"public", "rate_identifier", false},
    {"public", "outbox", false},          {"public", "outbox_queue", false},
    {"public", "smtp_url", false},        {"public", "smtp_user", false},
    {"public", "smtp_password", false},   {"public", "smtp_starttls", false},
    {"public", "sender", false},          {"public", "sender_name", false},
    {"public", "organisation", false},    {"public", "website", false},
    {"public", "breach", false},          {"public", "breach_start", false},
    {"public", "breach_end", false},      {"public", "attest_key", false},
};
const size_t vg_public_config_n_keys = sizeof(vg_public_config_keys) / sizeof(vg_public_config_keys[0]);

#define ID_BYTES 16
#define ID_B64 22 /* base64url without padding of 16 bytes */
#define HASH_BYTES 32
#define BODY_MAX 2048
#define VALUE_MAX 512
#define RL_WAYS 4
#define RL_SETS 16384 /* per limiter: 65,536 keys */

enum { SLOT_FREE = 0, SLOT_PENDING, SLOT_SESSION };

typedef struct slot {
	uint8_t id[ID_BYTES]; /* request id, then session token */
	uint8_t code_hash[HASH_BYTES];
	uint64_t expires_ms;
	int32_t next; /* hash chain, -1 at the end */
	uint8_t state, attempts_left, table;
	bool exposed;
	uint16_t cats, sources, special;
	char masked[VG_ATTEST_MASK_MAX];
} slot;

typedef struct rl_entry {
	uint64_t key; /* 0: empty */
	uint64_t start_ms;
	uint32_t count;
} rl_entry;

typedef struct ratelimit {
	pthread_mutex_t mu;
	rl_entry *e; /* RL_SETS * RL_WAYS */
	uint32_t limit;
	uint64_t window_ms;
	uint8_t key[crypto_shorthash_KEYBYTES];
} ratelimit;

struct vg_public {
	/* settings */
	uint64_t delay_ms, code_ttl_ms, session_ttl_ms;
	unsigned attempts;
	char *organisation, *website, *breach, *breach_start, *breach_end;
	vg_outbox_log_fn log;
	void *log_arg;
	/* secrets */
	uint8_t code_key[crypto_generichash_KEYBYTES];
	vg_attest_key *key;
	vg_outbox *outbox;
	/* the table */
	pthread_mutex_t mu;
	slot *slots;
	size_t nslots, cursor;
	int32_t *buckets;
	size_t bucket_mask;
	ratelimit rl_client, rl_ident;
};

static void plog(vg_public *p, const char *fmt, ...) VG_PRINTF(2, 3);
static void plog(vg_public *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->log)
		p->log(p->log_arg, msg);
	else
		fprintf(stderr, "vigie: public: %s\n", msg);
}

/* ------------------------------------------------------------ rate limits */

static void rl_init(ratelimit *r, uint32_t limit, uint64_t window_ms)
{
	pthread_mutex_init(&r->mu, NULL);
	r->e = vg_xcalloc((size_t)RL_SETS * RL_WAYS, sizeof(rl_entry));
	r->limit = limit;
	r->window_ms = window_ms;
	randombytes_buf(r->key, sizeof(r->key));
}

static void rl_release(ratelimit *r)
{
	free(r->e);
	pthread_mutex_destroy(&r->mu);
	sodium_memzero(r->key, sizeof(r->key));
}

/* The keyed pseudonym of data[0..n) with a one-byte domain tag. */
static uint64_t rl_key(const ratelimit *r, uint8_t tag, const void *data, size_t n)
{
	uint8_t buf[1 + VG_EXPOSURE_KEY_MAX + 64];
	if (n > sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	buf[0] = tag;
	memcpy(buf + 1, data, n);
	uint8_t h[crypto_shorthash_BYTES];
	crypto_shorthash(h, buf, n + 1, r->key);
	sodium_memzero(buf, n + 1);
	uint64_t k;
	memcpy(&k, h, sizeof(k));
	return k ? k : 1;
}

/* Counts one request for key at now. 0 when allowed; else the seconds to
 * wait (at least 1). */
static uint64_t rl_hit(ratelimit *r, uint64_t key, uint64_t now)
{
	if (!r->limit)
		return 0;
	rl_entry *set = r->e + (size_t)(key & (RL_SETS - 1)) * RL_WAYS;
	uint64_t wait = 0;
	pthread_mutex_lock(&r->mu);
	rl_entry *e = NULL, *victim = &set[0];
	for (int i = 0; i < RL_WAYS; i++) {
		if (set[i].key == key) {
			e = &set[i];
			break;
		}
		/* an empty way, else an expired one, else the oldest window */
		bool vexp = victim->key == 0 || now - victim->start_ms >= r->window_ms;
		bool iexp = set[i].key == 0 || now - set[i].start_ms >= r->window_ms;
		if ((iexp && !vexp) || (iexp == vexp && set[i].start_ms < victim->start_ms))
			victim = &set[i];
	}
	if (e && (now < e->start_ms || now - e->start_ms >= r->window_ms)) {
		e->start_ms = now;
		e->count = 0;
	}
	if (!e) {
		e = victim;
		e->key = key;
		e->start_ms = now;
		e->count = 0;
	}
	if (e->count >= r->limit) {
		uint64_t end = e->start_ms + r->window_ms;
		wait = end > now ? (end - now + 999) / 1000 : 1;
		if (!wait)
			wait = 1;
	} else {
		e->count++;
	}
	pthread_mutex_unlock(&r->mu);
	return wait;
}

/* ------------------------------------------------------------ the table */

static size_t bucket_of(const vg_public *p, const uint8_t id[ID_BYTES])
{
	uint32_t b;
	memcpy(&b, id, sizeof(b));
	return b & p->bucket_mask;
}

static void unlink_slot(vg_public *p, int32_t i)
{
	int32_t *pp = &p->buckets[bucket_of(p, p->slots[i].id)];
	while (*pp >= 0) {
		if (*pp == i) {
			*pp = p->slots[i].next;
			break;
		}
		pp = &p->slots[*pp].next;
	}
	p->slots[i].next = -1;
}

static void link_slot(vg_public *p, int32_t i)
{
	size_t b = bucket_of(p, p->slots[i].id);
	p->slots[i].next = p->buckets[b];
	p->buckets[b] = i;
}

static void free_slot(vg_public *p, int32_t i)
{
	unlink_slot(p, i);
	sodium_memzero(&p->slots[i], sizeof(slot));
	p->slots[i].next = -1;
}

/* The slot with this id in this state, or -1. Caller holds mu. */
static int32_t find_slot(vg_public *p, const uint8_t id[ID_BYTES], uint8_t state)
{
	for (int32_t i = p->buckets[bucket_of(p, id)]; i >= 0; i = p->slots[i].next)
		if (p->slots[i].state == state && sodium_memcmp(p->slots[i].id, id, ID_BYTES) == 0)
			return i;
	return -1;
}

/* A fresh slot (the next one round-robin, evicting what it held). */
static int32_t take_slot(vg_public *p)
{
	int32_t i = (int32_t)p->cursor;
	p->cursor = (p->cursor + 1) % p->nslots;
	if (p->slots[i].state != SLOT_FREE)
		free_slot(p, i);
	return i;
}

/* keyed hash of id || code */
static void code_hash(const vg_public *p, const uint8_t id[ID_BYTES], const char code[6],
                      uint8_t out[HASH_BYTES])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, p->code_key, sizeof(p->code_key), HASH_BYTES);
	crypto_generichash_update(&st, id, ID_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)code, 6);
	crypto_generichash_final(&st, out, HASH_BYTES);
}

static void id_encode(const uint8_t id[ID_BYTES], char out[ID_B64 + 1])
{
	sodium_bin2base64(out, ID_B64 + 1, id, ID_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* 0 and id when s is a well-formed id; -1 otherwise. */
static int id_decode(const char *s, size_t n, uint8_t id[ID_BYTES])
{
	size_t len = 0;
	if (n != ID_B64 || sodium_base642bin(id, ID_BYTES, s, n, NULL, &len, NULL,
	                                     sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != ID_BYTES)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ responses */

#define T(fr, en) (req->lang == VG_LANG_EN ? (en) : (fr))

static void rate_limited(const vg_http_req *req, vg_http_resp *resp, uint64_t wait)
{
	char ra[24];
	snprintf(ra, sizeof(ra), "%llu", (unsigned long long)wait);
	vg_http_error(resp, 429, "rate-limited",
	              T("trop de demandes : réessayez plus tard", "too many requests: try again later"));
	(void)vg_http_header_add(resp, "Retry-After", ra);
}

static bool method_is(const vg_http_req *req, vg_http_resp *resp, const char *m)
{
	if (req->method && !strcmp(req->method, m))
		return true;
	vg_http_error(resp, 405, "method-not-allowed",
	              T("méthode non autorisée", "method not allowed"));
	(void)vg_http_header_add(resp, "Allow", m);
	return false;
}

static void expired(const vg_http_req *req, vg_http_resp *resp)
{
	vg_http_error(resp, 400, "expired",
	              T("demande inconnue, expirée ou déjà utilisée : recommencez la vérification",
	                "unknown, expired or used request: start the check again"));
}

static uint64_t rl_client_hit(vg_public *p, const vg_http_req *req)
{
	const char *c = req->client ? req->client : "";
	return rl_hit(&p->rl_client, rl_key(&p->rl_client, 0, c, strlen(c)), req->now_ms);
}

/* ------------------------------------------------------------ messages */

/* The code message, French first then English, no link. */
static void send_code(vg_public *p, const vg_http_req *req, vg_idtab t, const char *to,
                      const char code[7])
{
	unsigned minutes = (unsigned)(p->code_ttl_ms / 60000);
	char text[4096], subject[VG_OUTBOX_SUBJECT_MAX];
	const char *org = p->organisation;
	vg_outbox_msg m = {.to = to, .now_ms = req->now_ms};
	if (t == VG_IDTAB_EMAIL) {
		char site_fr[300] = "", site_en[300] = "";
		if (p->website) {
			snprintf(site_fr, sizeof(site_fr),
			         " Le site officiel est %s : tapez cette adresse vous-même dans votre "
			         "navigateur.",
			         p->website);
			snprintf(site_en, sizeof(site_en),
			         " The official website is %s: type this address into your browser "
			         "yourself.",
			         p->website);
		}
		snprintf(subject, sizeof(subject), "%s : votre code de vérification / your "
		                                   "verification code", org);
		snprintf(text, sizeof(text),
		         "Bonjour,\n\n"
		         "Votre code de vérification est : %s\n\n"
		         "Saisissez-le sur la page où vous l'avez demandé. Il expire dans %u minutes "
		         "et ne sert qu'une fois.\n\n"
		         "Vous recevez ce message parce que quelqu'un a demandé si cette adresse "
		         "figure dans les données exposées lors de la fuite « %s ». Si ce n'est pas "
		         "vous, ignorez ce message : personne d'autre ne verra le résultat.\n\n"
		         "%s ne vous demandera jamais ce code, un mot de passe ou vos coordonnées "
		         "bancaires, par téléphone, SMS ou courriel. Ce message ne contient aucun "
		         "lien : ne suivez pas les liens des messages qui disent venir de nous.%s\n\n"
		         "--\n\n"
		         "Hello,\n\n"
		         "Your verification code is: %s\n\n"
		         "Enter it on the page where you asked for it. It expires in %u minutes and "
		         "works once.\n\n"
		         "You receive this message because someone asked whether this address is in "
		         "the data exposed in the \"%s\" breach. If it was not you, ignore this "
		         "message: nobody else will see the answer.\n\n"
		         "%s will never ask you for this code, a password or bank details, by phone, "
		         "text message or email. This message holds no link: do not follow links in "
		         "messages that claim to come from us.%s\n",
		         code, minutes, p->breach, org, site_fr, code, minutes, p->breach, org,
		         site_en);
		m.kind = VG_OUTBOX_EMAIL;
		m.subject = subject;
	} else {
		/* GSM 03.38 only (é and à are in it; ê, ç, «» are not): one or two
		 * segments */
		snprintf(text, sizeof(text),
		         "%s : votre code de verification est %s (valable %u min). Ne le donnez a "
		         "personne.%s%s / Your code: %s",
		         org, code, minutes, p->website ? " Site officiel : " : "",
		         p->website ? p->website : "", code);
		m.kind = VG_OUTBOX_SMS;
	}
	m.text = text;
	int rc = vg_outbox_send(p->outbox, &m);
	if (rc)
		plog(p, "a code could not be queued: %s", vg_strerror(rc));
	sodium_memzero(text, sizeof(text));
}

/* ------------------------------------------------------------ handlers */

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void vg_public_check(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	vg_public *p = ctx;
	double t0 = mono_ms();
	/* every answer of this route, errors included, leaves at the same time */
	resp->not_before_ms = req->now_ms + p->delay_ms;
	resp->log_note = "public-check";
	if (!method_is(req, resp, "POST"))
		return;
	uint64_t wait = rl_client_hit(p, req);
	if (wait) {
		resp->log_note = "rate-limited-client";
		rate_limited(req, resp, wait);
		return;
	}
	json_t *body = vg_http_json_body(req, BODY_MAX, resp);
	if (!body)
		return;
	const char *kind = json_string_value(json_object_get(body, "kind"));
	json_t *jv = json_object_get(body, "value");
	vg_idtab t;
	if (!kind || (strcmp(kind, "email") && strcmp(kind, "phone")) || !json_is_string(jv) ||
	    json_string_length(jv) > VALUE_MAX) {
		json_decref(body);
		vg_http_error(resp, 400, "bad-request",
		              T("attendu {\"kind\": \"email\" ou \"phone\", \"value\": \"...\"}",
		                "expected {\"kind\": \"email\" or \"phone\", \"value\": \"...\"}"));
		return;
	}
	t = !strcmp(kind, "email") ? VG_IDTAB_EMAIL : VG_IDTAB_PHONE;
	vg_exposure e;
	int rc = vg_exposure_prepare(t, json_string_value(jv), json_string_length(jv), NULL, 0, &e);
	json_decref(body);
	if (rc) {
		resp->log_note = "invalid-identifier";
		vg_http_error(resp, 400, "invalid-identifier", vg_reason_text(e.reason, req->lang));
		goto wipe;
	}
	if (!req->registry) {
		resp->log_note = "no-registry";
		vg_http_error(resp, 503, "unavailable",
		              T("service indisponible : pas de registre", "service unavailable: no registry"));
		goto wipe;
	}
	wait = rl_hit(&p->rl_ident, rl_key(&p->rl_ident, (uint8_t)t, e.key, e.key_len), req->now_ms);
	if (wait) {
		resp->log_note = "rate-limited-identifier";
		rate_limited(req, resp, wait);
		goto wipe;
	}
	if (vg_exposure_lookup(req->registry, &e) != 0) {
		resp->log_note = "lookup-failed";
		vg_http_error(resp, 500, "internal", T("erreur interne", "internal error"));
		goto wipe;
	}

	/* The same steps for both answers from here. */
	slot s;
	memset(&s, 0, sizeof(s));
	randombytes_buf(s.id, ID_BYTES);
	char code[7];
	snprintf(code, sizeof(code), "%06u", (unsigned)randombytes_uniform(1000000));
	uint8_t h[HASH_BYTES], r[HASH_BYTES];
	code_hash(p, s.id, code, h);
	randombytes_buf(r, sizeof(r));
	/* the unsent code of an identifier not in the registry can never match */
	memcpy(s.code_hash, e.exposed ? h : r, HASH_BYTES);
	s.state = SLOT_PENDING;
	s.attempts_left = (uint8_t)p->attempts;
	s.expires_ms = req->now_ms + p->code_ttl_ms;
	s.table = (uint8_t)t;
	s.exposed = e.exposed;
	s.cats = e.exposed ? e.cats : 0;
	s.sources = e.exposed ? e.sources : 0;
	s.special = e.exposed ? e.special : 0;
	vg_attest_mask(t, e.shown, e.shown_len, s.masked);
	pthread_mutex_lock(&p->mu);
	int32_t i = take_slot(p);
	p->slots[i] = s;
	link_slot(p, i);
	pthread_mutex_unlock(&p->mu);
	if (e.exposed)
		send_code(p, req, t, e.shown, code);
	char id[ID_B64 + 1];
	id_encode(s.id, id);
	json_t *j = json_pack("{s:s,s:s,s:I}", "request", id, "status", "sent-if-exposed",
	                      "expires_in", (json_int_t)(p->code_ttl_ms / 1000));
	vg_http_set_json(resp, 202, j);
	json_decref(j);
	sodium_memzero(code, sizeof(code));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(&s, sizeof(s));
	double took = mono_ms() - t0;
	if (took >= (double)p->delay_ms)
		plog(p, "a check took %.0f ms, more than delay_ms (%llu): raise [public] delay_ms",
		     took, (unsigned long long)p->delay_ms);
wipe:
	sodium_memzero(&e, sizeof(e));
}

void vg_public_verify(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	vg_public *p = ctx;
	resp->log_note = "public-verify";
	if (!method_is(req, resp, "POST"))
		return;
	uint64_t wait = rl_client_hit(p, req);
	if (wait) {
		resp->log_note = "rate-limited-client";
		rate_limited(req, resp, wait);
		return;
	}
	json_t *body = vg_http_json_body(req, BODY_MAX, resp);
	if (!body)
		return;
	json_t *jr = json_object_get(body, "request"), *jc = json_object_get(body, "code");
	const char *code = json_string_value(jc);
	bool code_ok = code && json_string_length(jc) == 6;
	for (int k = 0; code_ok && k < 6; k++)
		code_ok = code[k] >= '0' && code[k] <= '9';
	if (!json_is_string(jr) || !code_ok) {
		json_decref(body);
		vg_http_error(resp, 400, "bad-request",
		              T("attendu {\"request\": \"...\", \"code\": \"6 chiffres\"}",
		                "expected {\"request\": \"...\", \"code\": \"6 digits\"}"));
		return;
	}
	if (!req->registry) {
		json_decref(body);
		resp->log_note = "no-registry";
		vg_http_error(resp, 503, "unavailable",
		              T("service indisponible : pas de registre", "service unavailable: no registry"));
		return;
	}
	uint8_t id[ID_BYTES];
	if (id_decode(json_string_value(jr), json_string_length(jr), id) != 0) {
		json_decref(body);
		resp->log_note = "expired";
		expired(req, resp);
		return;
	}
	uint8_t h[HASH_BYTES];
	code_hash(p, id, code, h);
	json_decref(body);

	slot s;
	int left = -1;
	bool ok = false;
	uint8_t session[ID_BYTES];
	randombytes_buf(session, sizeof(session));
	pthread_mutex_lock(&p->mu);
	int32_t i = find_slot(p, id, SLOT_PENDING);
	if (i >= 0 && p->slots[i].expires_ms <= req->now_ms) {
		free_slot(p, i);
		i = -1;
	}
	if (i >= 0) {
		slot *sl = &p->slots[i];
		if (sodium_memcmp(h, sl->code_hash, HASH_BYTES) == 0) {
			ok = true;
			s = *sl;
			/* single use: the request id is gone, a session takes its slot */
			unlink_slot(p, i);
			memcpy(sl->id, session, ID_BYTES);
			sodium_memzero(sl->code_hash, HASH_BYTES);
			sl->state = SLOT_SESSION;
			sl->expires_ms = req->now_ms + p->session_ttl_ms;
			link_slot(p, i);
		} else {
			left = --sl->attempts_left;
			if (!left)
				free_slot(p, i);
		}
	}
	pthread_mutex_unlock(&p->mu);
	sodium_memzero(h, sizeof(h));
	if (!ok && left < 0) {
		resp->log_note = "expired";
		expired(req, resp);
		return;
	}
	if (!ok) {
		resp->log_note = "bad-code";
		json_t *j = json_pack("{s:{s:s,s:s,s:i}}", "error", "code", "bad-code", "message",
		                      T("code incorrect", "wrong code"), "attempts_left", left);
		vg_http_set_json(resp, 400, j);
		json_decref(j);
		return;
	}
	resp->log_note = "verified";
	vg_exposure e;
	memset(&e, 0, sizeof(e));
	e.table = (vg_idtab)s.table;
	e.has_kind = true;
	e.valid = true;
	e.exposed = s.exposed;
	e.cats = s.cats;
	e.sources = s.sources;
	e.special = s.special;
	json_t *j = vg_exposure_json(req->registry, &e, req->lang);
	char tok[ID_B64 + 1];
	id_encode(session, tok);
	json_object_set_new(j, "masked", json_string(s.masked));
	json_object_set_new(j, "session", json_string(tok));
	json_object_set_new(j, "session_expires_in", json_integer((json_int_t)(p->session_ttl_ms / 1000)));
	vg_http_set_json(resp, 200, j);
	json_decref(j);
	sodium_memzero(&s, sizeof(s));
	sodium_memzero(session, sizeof(session));
	sodium_memzero(tok, sizeof(tok));
}

void vg_public_attestation(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	vg_public *p = ctx;
	resp->log_note = "public-attestation";
	if (!method_is(req, resp, "GET"))
		return;
	uint64_t wait = rl_client_hit(p, req);
	if (wait) {
		resp->log_note = "rate-limited-client";
		rate_limited(req, resp, wait);
		return;
	}
	char tok[64];
	int n = vg_http_query_get(req->query, "session", tok, sizeof(tok));
	if (n < 0) {
		vg_http_error(resp, 400, "bad-request",
		              T("paramètre session manquant", "missing session parameter"));
		return;
	}
	if (!req->registry) {
		resp->log_note = "no-registry";
		vg_http_error(resp, 503, "unavailable",
		              T("service indisponible : pas de registre", "service unavailable: no registry"));
		return;
	}
	uint8_t id[ID_BYTES];
	slot s;
	bool found = false;
	if (id_decode(tok, (size_t)n, id) == 0) {
		pthread_mutex_lock(&p->mu);
		int32_t i = find_slot(p, id, SLOT_SESSION);
		if (i >= 0 && p->slots[i].expires_ms <= req->now_ms) {
			free_slot(p, i);
			i = -1;
		}
		if (i >= 0) {
			s = p->slots[i];
			found = true;
		}
		pthread_mutex_unlock(&p->mu);
	}
	sodium_memzero(tok, sizeof(tok));
	if (!found) {
		resp->log_note = "expired";
		expired(req, resp);
		return;
	}
	vg_attest_info in = {.organisation = p->organisation,
	                     .breach = p->breach,
	                     .breach_start = p->breach_start,
	                     .breach_end = p->breach_end,
	                     .issued = (int64_t)(req->now_ms / 1000),
	                     .kind = (vg_idtab)s.table,
	                     .masked = s.masked,
	                     .cats = s.cats,
	                     .special = s.special != 0};
	for (unsigned k = 0; k < VG_SOURCE_MAX; k++) {
		if (!(s.sources & (1u << k)))
			continue;
		const vg_regsource *src = vg_registry_source(req->registry, k);
		in.sources[in.nsources++] = src ? src->name : "?";
	}
	json_t *doc = vg_attest_document(&in);
	size_t len = 0;
	char *file = doc ? vg_attest_sign(p->key, doc, &len) : NULL;
	json_decref(doc);
	sodium_memzero(&s, sizeof(s));
	if (!file) {
		vg_http_error(resp, 500, "internal", T("erreur interne", "internal error"));
		return;
	}
	vg_http_set_body(resp, 200, "application/json", file, len);
	free(file);
	(void)vg_http_header_add(resp, "Content-Disposition",
	                         "attachment; filename=\"attestation-vigie.json\"");
	resp->log_note = "attestation";
}

#undef T

/* ------------------------------------------------------------ life */

static char *cfg_str(vg_config *cfg, const char *key, const char *def)
{
	const char *v = vg_config_get(cfg, "public", key);
	return v && *v ? vg_xstrdup(v) : def ? vg_xstrdup(def) : NULL;
}

/* A date YYYY-MM-DD from [public] key, else the date part of [breach] fallback. */
static int cfg_date(vg_config *cfg, const char *key, const char *fallback, char **out,
                    vg_err *err)
{
	const vg_config_entry *e = vg_config_find(cfg, "public", key);
	if (!e)
		e = vg_config_find(cfg, "breach", fallback);
	*out = NULL;
	if (!e || !e->value_len)
		return 0;
	const char *v = e->value;
	bool ok = e->value_len >= 10;
	for (int i = 0; ok && i < 10; i++)
		ok = (i == 4 || i == 7) ? v[i] == '-' : (v[i] >= '0' && v[i] <= '9');
	if (!ok)
		return vg_config_errf(cfg, e, err, VG_EINVAL, "%s",
		                      cfg->lang == VG_LANG_EN ? "expected a date YYYY-MM-DD"
		                                              : "attendu une date AAAA-MM-JJ");
	char *d = vg_xmalloc(11);
	memcpy(d, v, 10);
	d[10] = '\0';
	*out = d;
	return 0;
}

int vg_public_new(vg_config *cfg_in, const vg_public_opts *opts, vg_public **out, vg_err *err)
{
	if (sodium_init() < 0)
		return vg_err_set(err, VG_EINTERNAL, "libsodium failed to initialize");
	vg_config empty;
	vg_config_init(&empty, VG_LANG_FR);
	vg_config *cfg = cfg_in ? cfg_in : &empty;
	uint64_t delay = 400, code_ttl = 900, session_ttl = 600, attempts = 5,
	         max_pending = 100000, window = 3600, rate_client = 60, rate_ident = 5,
	         queue = VG_OUTBOX_QUEUE_DEFAULT;
	bool starttls = false;
	int rc;
	if ((rc = vg_config_get_uint(cfg, "public", "delay_ms", 0, 60000, &delay, err)) ||
	    (rc = vg_config_get_uint(cfg, "public", "code_ttl", 60, 86400, &code_ttl, err)) ||
	    (rc = vg_config_get_uint(cfg, "public", "session_ttl", 60, 86400, &session_ttl, err)) ||
	    (rc = vg_config_get_uint(cfg, "public", "attempts", 1, 20, &attempts, err)) ||
	    (rc = vg_config_get_uint(cfg, "public", "max_pending", 16, 10000000, &max_pending,
	                             err)) ||
	    (rc = vg_config_get_uint(cfg, "public", "rate_window", 1, 86400 * 7, &window, err)) ||
	    (rc = vg_config_get_uint(cfg, "public", "rate_client", 0, 1000000, &rate_client,
	                             err)) ||
	    (rc = vg_config_get_uint(cfg, "public", "rate_identifier", 0, 1000000, &rate_ident,
	                             err)) ||
	    (rc = vg_config_get_uint(cfg, "public", "outbox_queue", 1, 1000000, &queue, err)) ||
	    (rc = vg_config_get_bool(cfg, "public", "smtp_starttls", &starttls, err))) {
		vg_config_release(&empty);
		return rc;
	}
	vg_public *p = vg_xcalloc(1, sizeof(*p));
	p->delay_ms = delay;
	p->code_ttl_ms = code_ttl * 1000;
	p->session_ttl_ms = session_ttl * 1000;
	p->attempts = (unsigned)attempts;
	p->log = opts ? opts->log : NULL;
	p->log_arg = opts ? opts->log_arg : NULL;
	const char *org = vg_config_get(cfg, "public", "organisation");
	if (!org || !*org)
		org = vg_config_get(cfg, "organisation", "name");
	p->organisation = vg_xstrdup(org && *org ? org : "vigie");
	p->website = cfg_str(cfg, "website", NULL);
	p->breach = cfg_str(cfg, "breach", p->organisation);
	char *sender = cfg_str(cfg, "sender", NULL);
	char *sender_name = cfg_str(cfg, "sender_name", p->organisation);
	char *outdir = cfg_str(cfg, "outbox", "vigie-outbox");
	char *keypath = cfg_str(cfg, "attest_key", vg_attest_key_path(NULL));
	if (!sender) {
		size_t n = 32 + (p->website ? strlen(p->website) : 0);
		sender = vg_xmalloc(n);
		snprintf(sender, n, "ne-pas-repondre@%s", p->website ? p->website : "vigie.invalid");
	}
	pthread_mutex_init(&p->mu, NULL);
	rl_init(&p->rl_client, (uint32_t)rate_client, window * 1000);
	rl_init(&p->rl_ident, (uint32_t)rate_ident, window * 1000);
	randombytes_buf(p->code_key, sizeof(p->code_key));
	p->nslots = (size_t)max_pending;
	p->slots = vg_xcalloc(p->nslots, sizeof(slot));
	for (size_t i = 0; i < p->nslots; i++)
		p->slots[i].next = -1;
	size_t nb = 16;
	while (nb < p->nslots)
		nb <<= 1;
	p->buckets = vg_xmalloc(nb * sizeof(int32_t));
	for (size_t i = 0; i < nb; i++)
		p->buckets[i] = -1;
	p->bucket_mask = nb - 1;

	rc = cfg_date(cfg, "breach_start", "intrusion_start", &p->breach_start, err);
	if (!rc)
		rc = cfg_date(cfg, "breach_end", "intrusion_end", &p->breach_end, err);
	if (!rc)
		rc = vg_attest_key_open(keypath, !(opts && opts->no_key_create), &p->key, NULL, err);
	if (!rc) {
		vg_outbox_opts oo = {.dir = outdir,
		                     .smtp_url = vg_config_get(cfg, "public", "smtp_url"),
		                     .smtp_user = vg_config_get(cfg, "public", "smtp_user"),
		                     .smtp_password = vg_config_get(cfg, "public", "smtp_password"),
		                     .smtp_require_tls = starttls,
		                     .from = sender,
		                     .from_name = sender_name,
		                     .queue_max = (size_t)queue,
		                     .log = p->log,
		                     .log_arg = p->log_arg};
		rc = vg_outbox_open(&oo, &p->outbox, err);
	}
	free(sender);
	free(sender_name);
	free(outdir);
	free(keypath);
	vg_config_release(&empty);
	if (rc) {
		vg_public_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void vg_public_free(vg_public *p)
{
	if (!p)
		return;
	vg_outbox_close(p->outbox);
	vg_attest_key_free(p->key);
	if (p->slots)
		sodium_memzero(p->slots, p->nslots * sizeof(slot));
	free(p->slots);
	free(p->buckets);
	rl_release(&p->rl_client);
	rl_release(&p->rl_ident);
	pthread_mutex_destroy(&p->mu);
	sodium_memzero(p->code_key, sizeof(p->code_key));
	free(p->organisation);
	free(p->website);
	free(p->breach);
	free(p->breach_start);
	free(p->breach_end);
	free(p);
}

void vg_public_get_routes(vg_public *p, vg_public_routes *out)
{
	out->ctx = p;
	out->route[0] = (vg_public_route){"POST", "/v1/public/check", vg_public_check};
	out->route[1] = (vg_public_route){"POST", "/v1/public/verify", vg_public_verify};
	out->route[2] = (vg_public_route){"GET", "/v1/public/attestation", vg_public_attestation};
}

vg_outbox *vg_public_outbox(vg_public *p)
{
	return p->outbox;
}

const uint8_t *vg_public_attest_pubkey(const vg_public *p)
{
	return vg_attest_key_public(p->key);
}
