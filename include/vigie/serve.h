/*
 * vigie/serve.h: `vigie serve`, the check service. The server core (on
 * libmicrohttpd, in src/serve/server.c, the only file that knows it), its
 * route table, its options (serve.conf), and the built-in routes: health,
 * the helpdesk check, the phishing scan.
 *
 * How a request flows:
 *   libmicrohttpd reads it (limits: header memory, body size, timeout,
 *   connections) -> the router finds the route by method and path (an exact
 *   path, or the longest registered prefix) -> the server fills a
 *   vg_http_req (vigie/http.h) holding a reference to the live registry
 *   generation -> the route's handler fills a vg_http_resp -> the server
 *   adds the security headers, waits for resp->not_before_ms and
 *   resp->audit_ticket without holding a worker (the connection is
 *   suspended and resumed by the server's scheduler thread), sends, and
 *   writes one access-log line (method, route pattern, status, time,
 *   log_note: never the raw path, a query or a body).
 *
 * Other modules add their routes with one call each before vg_serve_start():
 *   vg_serve_route(srv, "GET", "/range/", VG_ROUTE_PREFIX, range_handler, ctx);
 *
 * Registry generations: the server holds the live registry and its key in a
 * reference-counted generation. Each request takes a reference for its
 * handler call; vg_serve_reload() (SIGHUP) opens the registry's current
 * version and swaps it in for later requests; the old one is closed when
 * its last request ends. Requests never see a half-swapped state.
 *
 * Threads: libmicrohttpd's internal thread pool (one epoll loop per
 * thread, `threads` of them), one scheduler thread (deferred responses,
 * token-file changes, access-log flushes), the audit log's sync thread.
 * vg_serve_reload() and vg_serve_stop() are called from the thread that
 * waits for signals (cmd_serve.c).
 */
#ifndef VIGIE_SERVE_H
#define VIGIE_SERVE_H

#include "vigie/audit.h"
#include "vigie/config.h"
#include "vigie/core.h"
#include "vigie/http.h"
#include "vigie/token.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* ------------------------------------------------------------ routes */

typedef enum {
	VG_ROUTE_EXACT = 0,  /* the path, exactly */
	VG_ROUTE_PREFIX = 1, /* any path starting with it ("/range/", "/assets/") */
} vg_route_kind;

#define VG_ROUTER_MAX 64
#define VG_ROUTE_PATH_MAX 128

typedef struct vg_route {
	char method[8]; /* "GET", "POST"; a GET route also answers HEAD */
	char path[VG_ROUTE_PATH_MAX];
	size_t path_len;
	vg_route_kind kind;
	vg_http_handler handler;
	void *ctx;
} vg_route;

typedef struct vg_router {
	vg_route routes[VG_ROUTER_MAX];
	size_t n;
} vg_router;

void vg_router_init(vg_router *r);

/* Adds a route. VG_EINVAL for a bad method or path (must start with '/'),
 * or a (method, path, kind) already registered; VG_ETOOBIG when full. */
int vg_router_add(vg_router *r, const char *method, const char *path, vg_route_kind kind,
                  vg_http_handler h, void *ctx, vg_err *err) VG_MUST_CHECK;

/*
 * The route for method and path: an exact route first, else the longest
 * matching prefix. NULL when none: *status is then 404 (no route has the
 * path) or 405 (the path exists for other methods; allow gets them, e.g.
 * "GET, HEAD, POST", NUL-terminated, cut to allow_cap).
 */
const vg_route *vg_router_match(const vg_router *r, const char *method, const char *path,
                                int *status, char *allow, size_t allow_cap);

/* ------------------------------------------------------------ request helpers */

/* The response language: ?lang=fr|en in query, else the preferred of fr
 * and en in Accept-Language (q-values honoured), else French. */
vg_lang vg_serve_lang(const char *query, const char *accept_language);

/* The token of an "Authorization: Bearer TOKEN" header (scheme
 * case-insensitive): 0 with *tok, *n; VG_EINVAL when absent or another
 * scheme. */
int vg_serve_bearer(const char *authorization, const char **tok, size_t *n) VG_MUST_CHECK;

/* Parses "HOST:PORT" ("127.0.0.1:8080", "[::1]:8080", "localhost:0";
 * numeric addresses or "localhost" only) into *sa. */
int vg_serve_parse_listen(const char *s, struct sockaddr_storage *sa, socklen_t *len,
                          vg_err *err) VG_MUST_CHECK;

/* ------------------------------------------------------------ options */

typedef struct vg_serve_opts {
	/* [server] */
	const char *listen;      /* "127.0.0.1:8080" */
	unsigned threads;        /* worker threads; 0 = one per CPU */
	const char *access_log;  /* path, "-" for standard error, NULL for none */
	unsigned drain_timeout;  /* seconds SIGTERM waits for in-flight requests */
	/* [registry] */
	const char *registry_dir; /* NULL: $VIGIE_REGISTRY or ./vigie-registry */
	const char *key_file;     /* NULL: $VIGIE_REGISTRY_KEY or DIR/registry.key */
	/* [limits] */
	size_t max_body;             /* bytes of a request body (413 above) */
	size_t max_header;           /* bytes of request line + headers */
	unsigned conn_timeout;       /* seconds a connection may stay idle */
	unsigned max_connections;    /* open connections in all */
	unsigned per_ip_connections; /* open connections per client address; 0 = no limit */
	/* [operator] */
	const char *token_file; /* NULL: the operator API answers 401 to everyone */
	const char *audit_log;  /* required with token_file */
	bool audit_sync;        /* answer after fdatasync (default), else after write */
	double op_rate;         /* requests per second per token, sustained */
	double op_burst;        /* requests at once per token */
} vg_serve_opts;

/* The defaults (docs/examples/serve.conf lists them). */
void vg_serve_opts_default(vg_serve_opts *o);

/*
 * Reads the [server], [registry], [limits] and [operator] sections of c
 * into o (keys absent keep o's value; strings point into c, which must
 * outlive o). Other sections are left to the modules that own them; call
 * vg_serve_config_unused() once every module has read its keys.
 */
int vg_serve_opts_config(vg_serve_opts *o, vg_config *c, vg_err *err) VG_MUST_CHECK;

/* VG_EINVAL naming the first key of c nobody read (file:line), else 0. */
int vg_serve_config_unused(const vg_config *c, vg_err *err) VG_MUST_CHECK;

/* ------------------------------------------------------------ the server */

typedef struct vg_serve vg_serve;

/*
 * Opens what the server needs (registry generation, token store, audit log,
 * access log, scanner) and registers the built-in routes:
 *   GET /v1/health, POST /v1/operator/check, POST /v1/scan.
 * Nothing listens yet. Errors: VG_ENOTFOUND (no registry), VG_EINVAL,
 * VG_EIO, VG_ECORRUPT, with a message.
 */
int vg_serve_new(const vg_serve_opts *o, vg_serve **out, vg_err *err) VG_MUST_CHECK;

/* Adds a route (before vg_serve_start). */
int vg_serve_route(vg_serve *s, const char *method, const char *path, vg_route_kind kind,
                   vg_http_handler h, void *ctx, vg_err *err) VG_MUST_CHECK;

/* Binds and starts the threads. VG_EIO when the address cannot be bound. */
int vg_serve_start(vg_serve *s, vg_err *err) VG_MUST_CHECK;

/* The address bound, "127.0.0.1:8080" (the real port when 0 was asked). */
const char *vg_serve_address(const vg_serve *s);

/* How many reloads (vg_serve_reload) succeeded since start. */
uint64_t vg_serve_reloads(vg_serve *s);

/*
 * SIGHUP: opens the registry's current version as a new generation (the
 * old one lives until its last request ends), reloads the token file and
 * reopens the access log. On error the old generation stays live.
 */
int vg_serve_reload(vg_serve *s, vg_err *err) VG_MUST_CHECK;

/*
 * SIGTERM: stops accepting connections, lets in-flight requests finish (at
 * most drain_timeout seconds; responses then carry "Connection: close"),
 * stops the threads, syncs the audit log. Returns the number of requests
 * still in flight when the timeout cut them (0 normally).
 */
unsigned vg_serve_stop(vg_serve *s);

/* Frees everything (after vg_serve_stop, or instead of start). NULL is fine. */
void vg_serve_free(vg_serve *s);

/* ------------------------------------------------------------ built-in handlers */

/* GET /v1/health: {"status": "ok", "registry": {"generation": N},
 * "reloads": R}; ctx is the vg_serve (or NULL: no reloads field). */
void vg_api_health(void *ctx, const vg_http_req *req, vg_http_resp *resp);

/* POST /v1/operator/check; ctx is a vg_api_operator. */
typedef struct vg_api_cache vg_api_cache;
typedef struct vg_api_operator {
	vg_tokenstore *tokens; /* NULL: every request is 401 */
	vg_audit *audit;       /* required with tokens */
	size_t max_body;
	vg_api_cache *cache;   /* answers already built, or NULL (no cache) */
} vg_api_operator;

/*
 * The answers' cache. The JSON of a check holds no identifier: it is a
 * function of the registry generation, the kind, the categories, the
 * sources and the language only, so the few thousand distinct answers are
 * built once and copied afterwards (building one costs more than the rest
 * of the request). Thread-safe; bounded (emptied when full).
 */
vg_api_cache *vg_api_cache_new(void);
void vg_api_cache_free(vg_api_cache *c);
void vg_api_operator_check(void *ctx, const vg_http_req *req, vg_http_resp *resp);

/* POST /v1/scan; ctx from vg_api_scan_new(). */
typedef struct vg_api_scan vg_api_scan;
int vg_api_scan_new(size_t max_body, vg_api_scan **out, vg_err *err) VG_MUST_CHECK;
void vg_api_scan_free(vg_api_scan *s);
void vg_api_scan_message(void *ctx, const vg_http_req *req, vg_http_resp *resp);

#endif
