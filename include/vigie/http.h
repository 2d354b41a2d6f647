/*
 * vigie/http.h: the service's requests and responses, independent of the
 * HTTP library.
 *
 * `vigie serve` (src/serve/) reads requests with libmicrohttpd, turns each
 * into a vg_http_req and hands it to a handler; every handler (operator API,
 * public check, password ranges, scan, static assets) is a plain function
 * from a vg_http_req to a vg_http_resp, so it is unit-tested without a
 * socket. The server then sends the response with the security headers
 * every response carries (docs/api.md).
 *
 * Ownership: a request's strings belong to the server and live for the
 * handler call. A response owns its body (vg_http_resp_release() frees it)
 * unless body_static is set, or holds a reference on a shared body
 * (vg_http_shared: a cache's answer, sent by many responses without a
 * copy); header names and values are copied.
 */
#ifndef VIGIE_HTTP_H
#define VIGIE_HTTP_H

#include "vigie/core.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_HTTP_MAX_HEADERS 16 /* extra response headers */

typedef struct vg_http_req {
	const char *method;          /* "GET", "POST", ... */
	const char *path;            /* decoded path, no query: "/range/ABCDE" */
	const char *query;           /* raw query string without '?', or NULL */
	const char *body;            /* request body (NOT NUL-terminated), or NULL */
	size_t body_len;
	const char *client;          /* client address as text: "127.0.0.1" */
	const char *authorization;   /* Authorization header, or NULL */
	const char *content_type;    /* Content-Type header, or NULL */
	const char *accept_language; /* Accept-Language header, or NULL */
	const char *if_none_match;   /* If-None-Match header, or NULL */
	const char *add_padding;     /* Add-Padding header, or NULL */
	vg_lang lang;                /* ?lang=, else Accept-Language, else fr */
	uint64_t now_ms;             /* request time, ms since the epoch (UTC) */
	/* The live registry and its key for this request (the server holds a
	 * reference for the call; a SIGHUP reload swaps them for later
	 * requests only). NULL when the server runs without a registry. */
	struct vg_registry *registry;
	struct vg_regkey *key;
} vg_http_req;

/* A body shared by many responses, reference-counted (thread-safe). */
typedef struct vg_http_shared vg_http_shared;

typedef struct vg_http_header {
	char *name;
	char *value;
} vg_http_header;

typedef struct vg_http_resp {
	int status;               /* 200, 400, ... */
	const char *content_type; /* static string, e.g. "application/json" */
	char *body;               /* owned unless body_static */
	size_t body_len;
	bool body_static;
	/* Set by vg_http_set_shared(): body is this shared body's (and
	 * body_static is set); the reference is dropped on release. */
	vg_http_shared *shared;
	vg_http_header headers[VG_HTTP_MAX_HEADERS];
	size_t nheaders;
	/* What the access log may say of this request besides method, route,
	 * status and time: a static string, never an identifier (e.g. "exposed",
	 * "not-exposed", "bad-token"). NULL for nothing. */
	const char *log_note;
	/* Do not send the response before this time (ms since the epoch); 0
	 * for now. The public check sets it so that every answer takes the
	 * same time, whatever the registry holds; the server waits without
	 * holding a worker thread when it can. */
	uint64_t not_before_ms;
	/* Do not send the response before the server's audit log has made this
	 * line durable: the ticket vg_audit_append() returned (vigie/audit.h);
	 * 0 for no wait. The server waits without holding a worker thread, and
	 * answers 500 instead when the audit log cannot be synced. */
	uint64_t audit_ticket;
} vg_http_resp;

/* A route's handler: ctx is what the route was registered with. */
typedef void (*vg_http_handler)(void *ctx, const vg_http_req *req, vg_http_resp *resp);

void vg_http_resp_init(vg_http_resp *r);
void vg_http_resp_release(vg_http_resp *r);

/* Adds a header (copied). Returns 0, or VG_ETOOBIG when full. */
int vg_http_header_add(vg_http_resp *r, const char *name, const char *value);

/* Sets body to a copy of s[0..n). */
void vg_http_set_body(vg_http_resp *r, int status, const char *content_type, const char *s,
                      size_t n);

/* A shared body: a copy of s[0..n) with its content type (a static
 * string); the caller holds the one reference. */
vg_http_shared *vg_http_shared_new(const char *s, size_t n, const char *content_type);
void vg_http_shared_ref(vg_http_shared *sh);
/* Drops a reference; the last one frees the body (and the server's
 * prepared object, see below). NULL is fine. */
void vg_http_shared_unref(vg_http_shared *sh);
/* Sets r's body to sh's, without a copy, with sh's content type; r takes
 * a reference of its own. */
void vg_http_set_shared(vg_http_resp *r, int status, vg_http_shared *sh);
/* For the server: an object it prepared once for this body (its library's
 * response with the headers every response carries), kept with the body.
 * get: the object or NULL. set: keeps obj unless one is already kept
 * (another thread's), and returns the one kept; free_fn(obj) runs when
 * the body is freed. */
void *vg_http_shared_prepared(vg_http_shared *sh);
void *vg_http_shared_set_prepared(vg_http_shared *sh, void *obj, void (*free_fn)(void *));

/* Sets body to the compact dump of j (not stolen), "application/json". */
void vg_http_set_json(vg_http_resp *r, int status, const json_t *j);

/*
 * The error every handler returns for a bad request: status, and the body
 * {"error": {"code": code, "message": message in req->lang}}. code is a
 * stable ASCII word ("bad-json", "too-large", "unauthorized", "rate-limited",
 * "not-found", ...) that clients switch on.
 */
void vg_http_error(vg_http_resp *r, int status, const char *code, const char *message);

/* Value of query parameter name in q (not decoded beyond %XX and '+'),
 * into out (size outsz, NUL-terminated). Returns the length, or -1 when
 * absent or too long. */
int vg_http_query_get(const char *q, const char *name, char *out, size_t outsz);

/* Parses a JSON request body: NULL and a 400 "bad-json" error in r when
 * body is not one JSON object of at most max bytes. */
json_t *vg_http_json_body(const vg_http_req *req, size_t max, vg_http_resp *r);

#endif
