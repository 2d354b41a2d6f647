/*
 * server.c: `vigie serve` on libmicrohttpd. The only file that knows it.
 *
 * Threading: libmicrohttpd's internal thread pool, one epoll loop per
 * thread (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | thread pool),
 * with MHD_USE_TURBO. Handlers run on those threads and never block:
 * a response that must wait (resp->not_before_ms in the future, or an audit
 * line not yet durable) suspends its connection; the scheduler thread
 * resumes it when the time comes, the audit log's notify (from its writer
 * or sync thread) when the line is durable, and libmicrohttpd calls the
 * access handler again,
 * which sends the response kept in the request. A thousand public checks
 * waiting out their fixed delay hold no thread.
 *
 * A request's life (struct rq, libmicrohttpd's per-request context):
 *   on_uri        request line read: rq allocated, raw query kept, clock
 *                 started, in-flight count + 1
 *   on_request    1st call: headers read; Content-Length over max_body is
 *                 answered 413 at once (the body is never read)
 *                 next calls: body chunks, appended up to max_body
 *                 last call: route, registry reference, handler, then send
 *                 or suspend
 *   on_completed  access-log line, rq freed, in-flight count - 1
 *
 * Invariants:
 *  1. A connection is suspended only with sch_mu held and the scheduler
 *     running, and the scheduler resumes every connection it holds, and
 *     waits for the batches the audit notify took to be resumed, before
 *     it stops: libmicrohttpd never sees a suspended connection at stop.
 *  2. gen (the live registry generation) is read and swapped under gen_mu;
 *     each reference is released exactly once; the last release closes it.
 *  3. The access log gets the route pattern (a static string of the route
 *     table), never the path, query or body of a request.
 */
#include "vigie/exposure.h"
#include "vigie/lazy.h"
#include "vigie/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                          "base-uri 'none'; frame-ancestors 'none'";

/* ------------------------------------------------------------ time */

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------ generations */

typedef struct gen {
	vg_registry *reg;
	vg_regkey *key;
	uint64_t generation;
	atomic_uint refs;
} gen;

static void gen_release(gen *g)
{
	if (g && atomic_fetch_sub(&g->refs, 1) == 1) {
		vg_registry_close(g->reg);
		vg_regkey_free(g->key);
		free(g);
	}
}

/* ------------------------------------------------------------ requests */

typedef struct rq {
	struct vg_serve *s;
	struct MHD_Connection *conn;
	char *query;
	char *body;
	size_t len, cap, discarded;
	bool started, too_large, have_resp, audit_failed;
	uint64_t t0_us;
	char method[8];
	const char *route; /* a route's pattern, or "-" */
	vg_http_resp resp;
	int status; /* as sent */
	uint64_t not_before, ticket;
	char client[64];
} rq;

/* A binary min-heap of waiting requests, by one key. */
typedef struct heap {
	rq **v;
	size_t n, cap;
	bool by_ticket; /* key: ticket, else not_before */
} heap;

static uint64_t hkey(const heap *h, const rq *q)
{
	return h->by_ticket ? q->ticket : q->not_before;
}

static void heap_push(heap *h, rq *q)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->v = vg_xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	size_t i = h->n++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (hkey(h, h->v[p]) <= hkey(h, q))
			break;
		h->v[i] = h->v[p];
		i = p;
	}
	h->v[i] = q;
}

static rq *heap_pop(heap *h)
{
	rq *top = h->v[0];
	rq *last = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && hkey(h, h->v[c + 1]) < hkey(h, h->v[c]))
			c++;
		if (hkey(h, last) <= hkey(h, h->v[c]))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

/* ------------------------------------------------------------ the server */

struct vg_serve {
	vg_serve_opts o;
	char *registry_dir, *key_file, *access_log_path, *listen;
	vg_router router;

	pthread_mutex_t gen_mu;
	gen *gen;
	atomic_uint_fast64_t reloads;

	vg_tokenstore *tokens;
	vg_audit *audit;
	vg_api_operator op;
	vg_api_scan *scan;

	pthread_mutex_t log_mu;
	FILE *log;
	bool log_dirty;

	pthread_mutex_t sch_mu;
	pthread_cond_t sch_cv;
	heap by_time, by_ticket;
	unsigned resuming; /* batches being resumed outside sch_mu */
	bool sch_running, sch_stop;
	pthread_t sch_thread;

	struct MHD_Daemon *d;
	char address[96];
	atomic_long inflight;
	atomic_bool draining;
};

static gen *gen_acquire(vg_serve *s)
{
	pthread_mutex_lock(&s->gen_mu);
	gen *g = s->gen;
	if (g)
		atomic_fetch_add(&g->refs, 1);
	pthread_mutex_unlock(&s->gen_mu);
	return g;
}

static int gen_open(vg_serve *s, gen **out, vg_err *err)
{
	gen *g = vg_xcalloc(1, sizeof(*g));
	int rc = vg_exposure_open(s->registry_dir, s->key_file, true, &g->reg, &g->key, err);
	if (rc) {
		free(g);
		return rc;
	}
	vg_registry_info info;
	vg_registry_get_info(g->reg, &info);
	g->generation = info.generation;
	atomic_init(&g->refs, 1);
	*out = g;
	return 0;
}

uint64_t vg_serve_reloads(vg_serve *s)
{
	return atomic_load(&s->reloads);
}

const char *vg_serve_address(const vg_serve *s)
{
	return s->address;
}

/* ------------------------------------------------------------ access log */

static int log_open(vg_serve *s, vg_err *err)
{
	if (!s->access_log_path)
		return 0;
	int fd = !strcmp(s->access_log_path, "-")
	             ? dup(STDERR_FILENO)
	             : open(s->access_log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vg_err_set(err, VG_EIO, "access log %s: %s", s->access_log_path, strerror(e));
	}
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	pthread_mutex_lock(&s->log_mu);
	FILE *old = s->log;
	s->log = f;
	pthread_mutex_unlock(&s->log_mu);
	if (old)
		fclose(old);
	return 0;
}

static void log_flush(vg_serve *s)
{
	pthread_mutex_lock(&s->log_mu);
	if (s->log && s->log_dirty) {
		fflush(s->log);
		s->log_dirty = false;
	}
	pthread_mutex_unlock(&s->log_mu);
}

/* A line for people running the server (start, reload, stop): on the
 * access log when there is one. Never an identifier. */
static void VG_PRINTF(2, 3) log_event(vg_serve *s, const char *fmt, ...)
{
	pthread_mutex_lock(&s->log_mu);
	if (s->log) {
		uint64_t t = now_ms();
		time_t secs = (time_t)(t / 1000);
		struct tm tm;
		gmtime_r(&secs, &tm);
		fprintf(s->log, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ event ", tm.tm_year + 1900,
		        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		        (unsigned)(t % 1000));
		va_list ap;
		va_start(ap, fmt);
		vfprintf(s->log, fmt, ap);
		va_end(ap);
		fputc('\n', s->log);
		fflush(s->log);
	}
	pthread_mutex_unlock(&s->log_mu);
}

/* Decimal digits of v at o; returns the new end. */
static char *put_u64(char *o, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*o++ = tmp[--n];
	return o;
}

static char *put_str(char *o, const char *str, size_t max)
{
	size_t n = strnlen(str, max);
	memcpy(o, str, n);
	return o + n;
}

/* "YYYY-MM-DDTHH:MM:SS" of secs, formatted once a second per thread. */
static const char *date_of(time_t secs)
{
	static _Thread_local time_t last = -1;
	static _Thread_local char date[80];
	if (secs != last) {
		struct tm tm;
		gmtime_r(&secs, &tm);
		snprintf(date, sizeof(date), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		last = secs;
	}
	return date;
}

/* One line per request, formatted outside the lock:
 * "2026-03-13T10:00:00.123Z POST /v1/operator/check 200 1.234ms exposed".
 * Only static strings besides the numbers (invariant 3). */
static void log_request(vg_serve *s, const rq *q)
{
	if (!s->log)
		return;
	uint64_t t = now_ms();
	uint64_t us = mono_us() - q->t0_us;
	char line[256], *o = line;
	o = put_str(o, date_of((time_t)(t / 1000)), 32);
	unsigned ms = (unsigned)(t % 1000);
	*o++ = '.';
	*o++ = (char)('0' + ms / 100);
	*o++ = (char)('0' + ms / 10 % 10);
	*o++ = (char)('0' + ms % 10);
	*o++ = 'Z';
	*o++ = ' ';
	o = put_str(o, q->method[0] ? q->method : "-", sizeof(q->method));
	*o++ = ' ';
	o = put_str(o, q->route ? q->route : "-", 64);
	*o++ = ' ';
	o = put_u64(o, (uint64_t)(q->status >= 0 ? q->status : 0));
	*o++ = ' ';
	o = put_u64(o, us / 1000);
	*o++ = '.';
	*o++ = (char)('0' + us % 1000 / 100);
	*o++ = (char)('0' + us % 100 / 10);
	*o++ = (char)('0' + us % 10);
	*o++ = 'm';
	*o++ = 's';
	*o++ = ' ';
	o = put_str(o, q->resp.log_note ? q->resp.log_note : "-", 64);
	*o++ = '\n';
	pthread_mutex_lock(&s->log_mu);
	if (s->log) {
		fwrite(line, 1, (size_t)(o - line), s->log);
		s->log_dirty = true;
	}
	pthread_mutex_unlock(&s->log_mu);
}

/* ------------------------------------------------------------ scheduler */

/* Takes out of by_ticket the requests whose audit line is durable (all of
 * them with force): those that must still wait for their time go to
 * by_time, the others into out (at most max; with out NULL, resumed
 * here). Returns how many went into out. One look at the audit log for
 * the whole batch. sch_mu held. */
static size_t take_tickets(vg_serve *s, uint64_t now, bool force, struct MHD_Connection **out,
                           size_t max)
{
	size_t n = 0;
	if (!s->by_ticket.n)
		return 0;
	uint64_t durable = 0;
	bool broken = !s->audit || vg_audit_durable(s->audit, &durable) != 0;
	while (s->by_ticket.n && (!out || n < max)) {
		rq *q = s->by_ticket.v[0];
		bool done = q->ticket <= durable;
		if (!done && !broken && !force)
			break;
		heap_pop(&s->by_ticket);
		if (!done && broken)
			q->audit_failed = true;
		if (!force && q->not_before > now)
			heap_push(&s->by_time, q);
		else if (out)
			out[n++] = q->conn;
		else
			MHD_resume_connection(q->conn);
	}
	return n;
}

/* Resumes due requests (all of them with force). sch_mu held. */
static void sched_run(vg_serve *s, uint64_t now, bool force)
{
	take_tickets(s, now, force, NULL, 0);
	while (s->by_time.n && (force || s->by_time.v[0]->not_before <= now))
		MHD_resume_connection(heap_pop(&s->by_time)->conn);
}

/* The audit log's notify: tickets became durable. Their requests are
 * resumed from here, without waking the scheduler thread (unless some must
 * still wait for their time), in batches taken under sch_mu and resumed
 * outside it, so that request threads suspending meanwhile do not wait
 * (s->resuming counts the batches in hand: the scheduler does not stop
 * before they are resumed, invariant 1). */
static void audit_synced(void *arg)
{
	vg_serve *s = arg;
	struct MHD_Connection *batch[128];
	size_t n;
	do {
		pthread_mutex_lock(&s->sch_mu);
		size_t timed = s->by_time.n;
		n = take_tickets(s, now_ms(), false, batch, sizeof(batch) / sizeof(batch[0]));
		if (s->by_time.n != timed)
			pthread_cond_signal(&s->sch_cv);
		if (n)
			s->resuming++;
		pthread_mutex_unlock(&s->sch_mu);
		for (size_t i = 0; i < n; i++)
			MHD_resume_connection(batch[i]);
		if (n) {
			pthread_mutex_lock(&s->sch_mu);
			if (--s->resuming == 0 && s->sch_stop)
				pthread_cond_broadcast(&s->sch_cv);
			pthread_mutex_unlock(&s->sch_mu);
		}
	} while (n == sizeof(batch) / sizeof(batch[0]));
}

/* Once a second: flush the access log, pick up a changed token file. */
static void tick(vg_serve *s)
{
	log_flush(s);
	if (s->tokens) {
		vg_err err = {0};
		int rc = vg_tokenstore_reload(s->tokens, true, &err);
		if (rc == 1)
			log_event(s, "tokens reloaded");
		else if (rc < 0)
			log_event(s, "token file not reloaded: %s", err.msg);
	}
}

static void *sched_main(void *arg)
{
	vg_serve *s = arg;
	uint64_t last_tick = now_ms();
	pthread_mutex_lock(&s->sch_mu);
	while (!s->sch_stop) {
		uint64_t now = now_ms();
		sched_run(s, now, false);
		if (now >= last_tick + 1000) {
			pthread_mutex_unlock(&s->sch_mu);
			tick(s);
			pthread_mutex_lock(&s->sch_mu);
			last_tick = now;
			continue;
		}
		uint64_t wake = last_tick + 1000;
		if (s->by_time.n && s->by_time.v[0]->not_before < wake)
			wake = s->by_time.v[0]->not_before;
		struct timespec ts = {.tv_sec = (time_t)(wake / 1000),
		                      .tv_nsec = (long)(wake % 1000) * 1000000};
		pthread_cond_timedwait(&s->sch_cv, &s->sch_mu, &ts);
	}
	sched_run(s, now_ms(), true);
	while (s->resuming) /* batches the audit notify is resuming */
		pthread_cond_wait(&s->sch_cv, &s->sch_mu);
	s->sch_running = false;
	pthread_mutex_unlock(&s->sch_mu);
	return NULL;
}

/* ------------------------------------------------------------ responses */

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
	if (MHD_add_response_header(r, name, value) != MHD_YES)
		fprintf(stderr, "vigie serve: cannot add header %s\n", name);
}

/* The response object for p, with the headers every response carries;
 * NULL when out of memory. The body is taken (owned bodies) or referred
 * to (static and shared ones). */
static struct MHD_Response *build_response(vg_http_resp *p, bool draining)
{
	struct MHD_Response *r;
	if (!p->body || !p->body_len) {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else if (p->body_static) {
		r = MHD_create_response_from_buffer(p->body_len, p->body, MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer_with_free_callback(p->body_len, p->body, free);
		if (r) {
			p->body = NULL; /* taken */
			p->body_len = 0;
		}
	}
	if (!r)
		return NULL;
	bool has_cache = false;
	for (size_t i = 0; i < p->nheaders; i++) {
		if (!strcasecmp(p->headers[i].name, "Cache-Control"))
			has_cache = true;
		add_header(r, p->headers[i].name, p->headers[i].value);
	}
	if (p->content_type)
		add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, p->content_type);
	add_header(r, "Content-Security-Policy", csp);
	add_header(r, "X-Content-Type-Options", "nosniff");
	add_header(r, "X-Frame-Options", "DENY");
	add_header(r, "Referrer-Policy", "no-referrer");
	if (!has_cache)
		add_header(r, "Cache-Control", "no-store");
	if (draining)
		add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	return r;
}

static void destroy_prepared(void *r)
{
	MHD_destroy_response(r);
}

/* Sends q->resp now. */
static enum MHD_Result send_now(rq *q)
{
	vg_serve *s = q->s;
	vg_http_resp *p = &q->resp;
	if (q->audit_failed) {
		vg_http_resp_release(p);
		vg_http_resp_init(p);
		vg_http_error(p, 500, "internal", "audit log unavailable / journal d'audit indisponible");
		p->log_note = "audit-failed";
	}
	bool draining = atomic_load(&s->draining);
	q->status = p->status;
	if (p->shared && !p->nheaders && !draining) {
		/* a shared body (a cached answer): one response object, headers
		 * and all, prepared once and queued again and again (the
		 * library counts its uses; the shared body outlives them, q
		 * holds a reference until on_completed) */
		struct MHD_Response *r = vg_http_shared_prepared(p->shared);
		if (!r) {
			struct MHD_Response *mine = build_response(p, false);
			if (!mine)
				return MHD_NO;
			r = vg_http_shared_set_prepared(p->shared, mine, destroy_prepared);
			if (r != mine)
				MHD_destroy_response(mine);
		}
		return MHD_queue_response(q->conn, (unsigned)p->status, r);
	}
	struct MHD_Response *r = build_response(p, draining);
	if (!r)
		return MHD_NO;
	enum MHD_Result ret = MHD_queue_response(q->conn, (unsigned)p->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void error_resp(rq *q, int status, const char *code, const char *fr, const char *en,
                       vg_lang lang)
{
	vg_http_error(&q->resp, status, code, lang == VG_LANG_EN ? en : fr);
	q->resp.log_note = code;
}

/* ------------------------------------------------------------ libmicrohttpd callbacks */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	vg_serve *s = cls;
	rq *q = vg_xcalloc(1, sizeof(*q));
	q->s = s;
	q->conn = c;
	q->t0_us = mono_us();
	q->route = "-";
	vg_http_resp_init(&q->resp);
	const char *qm = uri ? strchr(uri, '?') : NULL;
	if (qm)
		q->query = vg_xstrdup(qm + 1);
	atomic_fetch_add(&s->inflight, 1);
	return q;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	vg_serve *s = cls;
	rq *q = *con_cls;
	if (!q)
		return;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && q->status == 0)
		q->resp.log_note = "aborted";
	log_request(s, q);
	vg_http_resp_release(&q->resp);
	free(q->body);
	free(q->query);
	free(q);
	*con_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* Runs the route's handler for q; fills q->resp. */
static void handle(vg_serve *s, rq *q, const char *url, const char *method)
{
	struct MHD_Connection *c = q->conn;
	const char *accept_language = header(c, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	vg_lang lang = vg_serve_lang(q->query, accept_language);
	int status = 404;
	char allow[64];
	const vg_route *rt = vg_router_match(&s->router, method, url, &status, allow, sizeof(allow));
	if (!rt) {
		if (status == 405) {
			error_resp(q, 405, "method-not-allowed", "méthode non permise ici",
			           "method not allowed here", lang);
			int rc = vg_http_header_add(&q->resp, "Allow", allow);
			(void)rc;
			q->resp.log_note = "method-not-allowed";
		} else {
			error_resp(q, 404, "not-found", "adresse inconnue", "no such resource", lang);
		}
		return;
	}
	q->route = rt->path;
	if (q->too_large) {
		error_resp(q, 413, "too-large", "requête trop grande", "request too large", lang);
		return;
	}
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, q->client,
			          sizeof(q->client));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, q->client,
			          sizeof(q->client));
	}
	gen *g = gen_acquire(s);
	vg_http_req req = {
	    .method = method,
	    .path = url,
	    .query = q->query,
	    .body = q->body,
	    .body_len = q->len,
	    .client = q->client,
	    .authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION),
	    .content_type = header(c, MHD_HTTP_HEADER_CONTENT_TYPE),
	    .accept_language = accept_language,
	    .if_none_match = header(c, MHD_HTTP_HEADER_IF_NONE_MATCH),
	    .add_padding = header(c, "Add-Padding"),
	    .lang = lang,
	    .now_ms = now_ms(),
	    .registry = g ? g->reg : NULL,
	    .key = g ? g->key : NULL,
	};
	rt->handler(rt->ctx, &req, &q->resp);
	gen_release(g);
}

/* Whether q's audit line is still to become durable; marks audit
 * failures. */
static bool ticket_pending(vg_serve *s, rq *q)
{
	if (!q->ticket || q->audit_failed)
		return false;
	int pr = s->audit ? vg_audit_poll(s->audit, q->ticket) : VG_EIO;
	if (pr < 0)
		q->audit_failed = true;
	return pr == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
	vg_serve *s = cls;
	rq *q = *con_cls;
	if (!q)
		return MHD_NO; /* on_uri always runs first */
	if (!q->started) {
		q->started = true;
		q->conn = c;
		size_t ml = strlen(method);
		if (ml < sizeof(q->method))
			memcpy(q->method, method, ml + 1);
		else
			memcpy(q->method, "OTHER", 6);
		const char *cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(cl, &end, 10);
			if (errno || *end || v > s->o.max_body) {
				/* answered before the body is read; the connection closes */
				q->too_large = true;
				handle(s, q, url, method);
				return send_now(q);
			}
		}
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (q->too_large) {
			q->discarded += n;
			/* a chunked body far over the limit: stop reading it */
			return q->discarded > 16 * s->o.max_body ? MHD_NO : MHD_YES;
		}
		if (q->len + n > s->o.max_body) {
			q->too_large = true;
			free(q->body);
			q->body = NULL;
			q->len = q->cap = 0;
			q->discarded = n;
			return MHD_YES;
		}
		if (q->len + n > q->cap) {
			q->cap = q->len + n > 2 * q->cap ? q->len + n : 2 * q->cap;
			if (q->cap > s->o.max_body)
				q->cap = s->o.max_body;
			q->body = vg_xrealloc(q->body, q->cap);
		}
		memcpy(q->body + q->len, upload_data, n);
		q->len += n;
		return MHD_YES;
	}
	if (q->have_resp)
		return send_now(q); /* resumed */
	handle(s, q, url, method);
	q->not_before = q->resp.not_before_ms;
	q->ticket = q->resp.audit_ticket;
	if (!q->ticket && q->not_before <= now_ms())
		return send_now(q);
	pthread_mutex_lock(&s->sch_mu);
	if (s->sch_running && !s->sch_stop) {
		/* a ticket not yet durable: the audit log's notify resumes it
		 * once it is (it takes sch_mu, held here, so it cannot slip
		 * between this look and the push below) */
		bool by_ticket = ticket_pending(s, q);
		if (!by_ticket && q->not_before <= now_ms()) {
			pthread_mutex_unlock(&s->sch_mu);
			return send_now(q);
		}
		/* invariant 1 */
		q->have_resp = true;
		MHD_suspend_connection(c);
		heap_push(by_ticket ? &s->by_ticket : &s->by_time, q);
		if (!by_ticket)
			pthread_cond_signal(&s->sch_cv);
		pthread_mutex_unlock(&s->sch_mu);
		return MHD_YES;
	}
	pthread_mutex_unlock(&s->sch_mu);
	/* stopping: wait here rather than suspend */
	if (q->ticket && !q->audit_failed && vg_audit_wait(s->audit, q->ticket) != 0)
		q->audit_failed = true;
	uint64_t now = now_ms();
	if (q->not_before > now) {
		uint64_t d = q->not_before - now;
		struct timespec ts = {.tv_sec = (time_t)(d / 1000), .tv_nsec = (long)(d % 1000) * 1000000};
		nanosleep(&ts, NULL);
	}
	return send_now(q);
}

/* ------------------------------------------------------------ life cycle */

static char *dup_or_null(const char *s)
{
	return s ? vg_xstrdup(s) : NULL;
}

int vg_serve_new(const vg_serve_opts *o, vg_serve **out, vg_err *err)
{
	vg_serve *s = vg_xcalloc(1, sizeof(*s));
	s->o = *o;
	s->registry_dir = vg_xstrdup(vg_exposure_registry_dir(o->registry_dir));
	s->key_file = dup_or_null(o->key_file);
	s->access_log_path = dup_or_null(o->access_log);
	s->listen = vg_xstrdup(o->listen ? o->listen : "127.0.0.1:8080");
	s->o.listen = s->listen;
	s->o.registry_dir = s->registry_dir;
	s->o.key_file = s->key_file;
	s->o.access_log = s->access_log_path;
	s->o.token_file = s->o.audit_log = NULL; /* not kept */
	vg_router_init(&s->router);
	pthread_mutex_init(&s->gen_mu, NULL);
	pthread_mutex_init(&s->log_mu, NULL);
	pthread_mutex_init(&s->sch_mu, NULL);
	pthread_cond_init(&s->sch_cv, NULL);
	s->by_ticket.by_ticket = true;
	atomic_init(&s->inflight, 0);
	atomic_init(&s->reloads, 0);
	atomic_init(&s->draining, false);
	*out = s; /* vg_serve_free() undoes a partial setup */
	int rc;
	struct sockaddr_storage sa;
	socklen_t sl;
	if ((rc = vg_serve_parse_listen(s->listen, &sa, &sl, err)))
		return rc;
	if ((rc = gen_open(s, &s->gen, err)))
		return rc;
	if (o->token_file) {
		if (!o->audit_log)
			return vg_err_set(err, VG_EINVAL,
			                  "the operator API needs an audit log ([operator] audit_log)");
		if ((rc = vg_tokenstore_open(o->token_file, o->op_rate, o->op_burst, &s->tokens,
		                             err)))
			return rc;
		if ((rc = vg_audit_open(o->audit_log, &s->audit, err)))
			return rc;
		vg_audit_set_notify(s->audit, audit_synced, s);
		vg_audit_set_wait_sync(s->audit, o->audit_sync);
	}
	if ((rc = log_open(s, err)))
		return rc;
	s->op.tokens = s->tokens;
	s->op.audit = s->audit;
	s->op.max_body = o->max_body;
	s->op.cache = vg_api_cache_new();
	if ((rc = vg_api_scan_new(o->max_body, &s->scan, err)))
		return rc;
	if ((rc = vg_router_add(&s->router, "GET", "/v1/health", VG_ROUTE_EXACT, vg_api_health, s,
	                        err)) ||
	    (rc = vg_router_add(&s->router, "POST", "/v1/operator/check", VG_ROUTE_EXACT,
	                        vg_api_operator_check, &s->op, err)) ||
	    (rc = vg_router_add(&s->router, "POST", "/v1/scan", VG_ROUTE_EXACT, vg_api_scan_message,
	                        s->scan, err)))
		return rc;
	return 0;
}

int vg_serve_route(vg_serve *s, const char *method, const char *path, vg_route_kind kind,
                   vg_http_handler h, void *ctx, vg_err *err)
{
	if (s->d)
		return vg_err_set(err, VG_EUSAGE, "routes are added before the server starts");
	return vg_router_add(&s->router, method, path, kind, h, ctx, err);
}

int vg_serve_start(vg_serve *s, vg_err *err)
{
	struct sockaddr_storage sa;
	socklen_t sl;
	int rc = vg_serve_parse_listen(s->listen, &sa, &sl, err);
	if (rc)
		return rc;
	rc = vg_lazy_load(VG_LAZY_MHD, err);
	if (rc)
		return rc;
	unsigned threads = s->o.threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	                 MHD_USE_TURBO;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the connection's memory pool holds the request line and headers,
	 * then the response headers */
	size_t pool = s->o.max_header + 16 * 1024;
	s->sch_running = true;
	if (pthread_create(&s->sch_thread, NULL, sched_main, s) != 0) {
		s->sch_running = false;
		return vg_err_set(err, VG_EINTERNAL, "cannot start the scheduler thread");
	}
	s->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 0, MHD_OPTION_CONNECTION_LIMIT,
	    s->o.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.per_ip_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, s->o.conn_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    pool, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
	    s, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
	if (!s->d) {
		int e = errno;
		pthread_mutex_lock(&s->sch_mu);
		s->sch_stop = true;
		pthread_cond_signal(&s->sch_cv);
		pthread_mutex_unlock(&s->sch_mu);
		pthread_join(s->sch_thread, NULL);
		return vg_err_set(err, VG_EIO, "cannot listen on %s: %s", s->listen,
		                  e ? strerror(e) : "libmicrohttpd refused to start");
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di ? di->port : 0;
	char host[64];
	if (sa.ss_family == AF_INET6) {
		host[0] = '[';
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host + 1,
		          sizeof(host) - 2);
		strcat(host, "]");
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof(host));
	}
	snprintf(s->address, sizeof(s->address), "%s:%u", host, port);
	log_event(s, "listening on %s, registry generation %" PRIu64 ", %u threads", s->address,
	          s->gen->generation, threads);
	return 0;
}

int vg_serve_reload(vg_serve *s, vg_err *err)
{
	gen *g;
	int rc = gen_open(s, &g, err);
	if (rc) {
		log_event(s, "reload failed, generation unchanged: %s", err ? err->msg : "");
		return rc;
	}
	pthread_mutex_lock(&s->gen_mu);
	gen *old = s->gen;
	s->gen = g;
	pthread_mutex_unlock(&s->gen_mu);
	uint64_t from = old ? old->generation : 0;
	gen_release(old); /* closed when its last request ends */
	if (s->tokens && (rc = vg_tokenstore_reload(s->tokens, false, err)) < 0) {
		log_event(s, "token file not reloaded: %s", err ? err->msg : "");
		return rc;
	}
	if ((rc = log_open(s, err)))
		return rc;
	atomic_fetch_add(&s->reloads, 1);
	log_event(s, "reloaded: registry generation %" PRIu64 " -> %" PRIu64, from, g->generation);
	return 0;
}

unsigned vg_serve_stop(vg_serve *s)
{
	if (!s->d)
		return 0;
	atomic_store(&s->draining, true);
	MHD_socket ls = MHD_quiesce_daemon(s->d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	uint64_t deadline = mono_us() + (uint64_t)s->o.drain_timeout * 1000000;
	while (atomic_load(&s->inflight) > 0 && mono_us() < deadline) {
		struct timespec ts = {0, 10 * 1000000};
		nanosleep(&ts, NULL);
	}
	long left = atomic_load(&s->inflight);
	pthread_mutex_lock(&s->sch_mu);
	s->sch_stop = true;
	pthread_cond_signal(&s->sch_cv);
	pthread_mutex_unlock(&s->sch_mu);
	pthread_join(s->sch_thread, NULL);
	MHD_stop_daemon(s->d);
	s->d = NULL;
	if (s->audit) {
		/* the head, to check later that no line was cut off the end
		 * (vigie audit verify --head SEQ:HASH) */
		uint64_t seq;
		char h[VG_AUDIT_HASH_HEX + 1];
		vg_audit_head(s->audit, &seq, h);
		vg_audit_close(s->audit);
		s->audit = NULL;
		s->op.audit = NULL;
		log_event(s, "audit log head %" PRIu64 ":%s", seq, h);
	}
	log_event(s, "stopped (%ld requests cut by the drain timeout)", left > 0 ? left : 0L);
	log_flush(s);
	return left > 0 ? (unsigned)left : 0;
}

void vg_serve_free(vg_serve *s)
{
	if (!s)
		return;
	if (s->d)
		vg_serve_stop(s);
	vg_audit_close(s->audit);
	vg_tokenstore_free(s->tokens);
	vg_api_scan_free(s->scan);
	vg_api_cache_free(s->op.cache);
	gen_release(s->gen);
	if (s->log)
		fclose(s->log);
	free(s->by_time.v);
	free(s->by_ticket.v);
	pthread_mutex_destroy(&s->gen_mu);
	pthread_mutex_destroy(&s->log_mu);
	pthread_mutex_destroy(&s->sch_mu);
	pthread_cond_destroy(&s->sch_cv);
	free(s->registry_dir);
	free(s->key_file);
	free(s->access_log_path);
	free(s->listen);
	free(s);
}
