/*
 * vigie/public.h: the public check, without an exposure oracle.
 *
 * Three handlers over vigie/http.h, for `vigie serve` to register:
 *
 *   POST /v1/public/check        {"kind": "email"|"phone", "value": "..."}
 *                                -> always 202 {"request", "status":
 *                                "sent-if-exposed", "expires_in"} after the
 *                                same fixed delay; a one-time code goes to
 *                                the address or number through the outbox
 *                                when it is in the registry.
 *   POST /v1/public/verify       {"request", "code"} -> 200 the exposure
 *                                (categories, sources, advice) and a session
 *                                for the attestation.
 *   GET  /v1/public/attestation  ?session=... -> the signed attestation.
 *
 * What a stranger learns, whatever they send: nothing about the registry.
 * Every valid check creates the same kind of pending entry (the code of an
 * identifier that is not in the registry is never sent and can never be
 * right), gets a random request id and the same body, and is answered at
 * request time + delay_ms (resp->not_before_ms). Rate limits per client
 * address and per identifier (a keyed pseudonym) apply to both alike.
 * docs/public-check.md has the threat model and docs/api.md the contract.
 *
 * State: pending requests and sessions live in a bounded in-memory table
 * (max_pending entries; the oldest is evicted when full), so a restart
 * forgets them. Codes are stored as keyed hashes only; request ids and
 * session tokens are 128-bit random values.
 *
 * Ownership and threads: a vg_public owns its outbox, attestation key and
 * tables; the handlers may run on any number of threads at once.
 * vg_public_free() must come after the server stopped calling them.
 */
#ifndef VIGIE_PUBLIC_H
#define VIGIE_PUBLIC_H

#include "vigie/config.h"
#include "vigie/core.h"
#include "vigie/http.h"
#include "vigie/outbox.h"

#include <stdbool.h>

typedef struct vg_public vg_public;

/* The [public] keys vg_public_new() reads, for vg_config_validate(). It also
 * reads [organisation] name and [breach] intrusion_start / intrusion_end
 * (the report's keys) as defaults. */
extern const vg_config_key vg_public_config_keys[];
extern const size_t vg_public_config_n_keys;

typedef struct vg_public_opts {
	/* Where failures go (outbox errors, a check slower than the delay):
	 * never given an identifier. NULL: stderr. */
	vg_outbox_log_fn log;
	void *log_arg;
	/* Do not create the attestation key when it is missing (fail instead). */
	bool no_key_create;
} vg_public_opts;

/*
 * Reads the [public] section of cfg (NULL: every default), loads or creates
 * the attestation key, opens the outbox. opts may be NULL. Errors: VG_EINVAL
 * (a bad value, with file:line), VG_EIO (outbox or key file), with a message.
 */
int vg_public_new(vg_config *cfg, const vg_public_opts *opts, vg_public **out,
                  vg_err *err) VG_MUST_CHECK;

/* Stops the outbox (sending what is queued) and frees. NULL is fine. */
void vg_public_free(vg_public *p);

/* The handlers (ctx: the vg_public). */
void vg_public_check(void *ctx, const vg_http_req *req, vg_http_resp *resp);
void vg_public_verify(void *ctx, const vg_http_req *req, vg_http_resp *resp);
void vg_public_attestation(void *ctx, const vg_http_req *req, vg_http_resp *resp);

/* What the server registers: ctx and three (method, path, handler). */
typedef struct vg_public_route {
	const char *method;
	const char *path;
	vg_http_handler handler;
} vg_public_route;

#define VG_PUBLIC_ROUTES 3

typedef struct vg_public_routes {
	void *ctx;
	vg_public_route route[VG_PUBLIC_ROUTES];
} vg_public_routes;

void vg_public_get_routes(vg_public *p, vg_public_routes *out);

/* The outbox (to flush it in tests and at shutdown). */
vg_outbox *vg_public_outbox(vg_public *p);

/* The attestation public key (32 bytes, owned by p). */
const uint8_t *vg_public_attest_pubkey(const vg_public *p);

#endif
