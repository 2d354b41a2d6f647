/*
 * range.c: the GET /range/{prefix} handler (Have I Been Pwned's range API)
 * and the service that holds the live stores for it.
 *
 * A request takes a reference on the current snapshot (both stores, their
 * ETag stems and Last-Modified dates, computed once at open) under a mutex
 * held for a few instructions, answers from the mapped file, and drops the
 * reference. A reload builds a new snapshot and swaps it in; the old one is
 * freed by whoever drops its last reference. The only allocation per
 * request is the body (and the header copies vg_http_header_add makes).
 */
#include "pwned/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#define DEFAULT_MAX_AGE 86400u

typedef struct snap {
	vg_pwned *st[VG_PWNED__MODES];
	char etag[VG_PWNED__MODES][64];    /* "gen-buildid-mode-" stem */
	char lastmod[VG_PWNED__MODES][40]; /* IMF-fixdate */
	unsigned refs;
} snap;

struct vg_pwned_service {
	char dir[4096];
	char cache_control[48];
	pthread_mutex_t mu;
	snap *cur;
};

/* IMF-fixdate (RFC 9110), independent of the locale. */
static void http_date(int64_t t, char *out, size_t cap)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday % 7], tm.tm_mday,
	         mo[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int snap_open(const char *dir, snap **out, vg_err *err)
{
	snap *s = vg_xcalloc(1, sizeof(*s));
	for (int m = 0; m < VG_PWNED__MODES; m++) {
		int rc = vg_pwned_open(dir, (vg_pwned_mode)m, &s->st[m], err);
		if (rc == VG_ENOTFOUND) {
			s->st[m] = NULL;
		} else if (rc) {
			for (int k = 0; k < m; k++)
				vg_pwned_close(s->st[k]);
			free(s);
			return rc;
		}
		const vg_pwned_info *in = s->st[m] ? &s->st[m]->info : NULL;
		snprintf(s->etag[m], sizeof(s->etag[m]), "%llu-%016llx-%s-",
		         (unsigned long long)(in ? in->generation : 0),
		         (unsigned long long)(in ? in->build_id : 0),
		         vg_pwned_mode_name((vg_pwned_mode)m));
		http_date(in ? in->created : 0, s->lastmod[m], sizeof(s->lastmod[m]));
	}
	if (err)
		memset(err, 0, sizeof(*err));
	s->refs = 1;
	*out = s;
	return 0;
}

static void snap_free(snap *s)
{
	for (int m = 0; m < VG_PWNED__MODES; m++)
		vg_pwned_close(s->st[m]);
	free(s);
}

int vg_pwned_service_open(const char *dir, unsigned max_age, vg_pwned_service **out, vg_err *err)
{
	*out = NULL;
	vg_pwned_service *sv = vg_xcalloc(1, sizeof(*sv));
	snprintf(sv->dir, sizeof(sv->dir), "%s", dir);
	snprintf(sv->cache_control, sizeof(sv->cache_control), "public, max-age=%u",
	         max_age ? max_age : DEFAULT_MAX_AGE);
	pthread_mutex_init(&sv->mu, NULL);
	int rc = snap_open(dir, &sv->cur, err);
	if (rc) {
		pthread_mutex_destroy(&sv->mu);
		free(sv);
		return rc;
	}
	*out = sv;
	return 0;
}

int vg_pwned_service_reload(vg_pwned_service *sv, vg_err *err)
{
	snap *s;
	int rc = snap_open(sv->dir, &s, err);
	if (rc)
		return rc; /* the current snapshot stays */
	pthread_mutex_lock(&sv->mu);
	snap *old = sv->cur;
	sv->cur = s;
	bool last = --old->refs == 0;
	pthread_mutex_unlock(&sv->mu);
	if (last)
		snap_free(old);
	return 0;
}

void vg_pwned_service_close(vg_pwned_service *sv)
{
	if (!sv)
		return;
	/* the caller has stopped serving: no request holds a reference */
	snap_free(sv->cur);
	pthread_mutex_destroy(&sv->mu);
	free(sv);
}

static snap *snap_get(vg_pwned_service *sv)
{
	pthread_mutex_lock(&sv->mu);
	snap *s = sv->cur;
	s->refs++;
	pthread_mutex_unlock(&sv->mu);
	return s;
}

static void snap_put(vg_pwned_service *sv, snap *s)
{
	pthread_mutex_lock(&sv->mu);
	bool last = --s->refs == 0;
	pthread_mutex_unlock(&sv->mu);
	if (last)
		snap_free(s);
}

/* ------------------------------------------------------------ the handler */

/* Whether the If-None-Match list matches tag (weak comparison, RFC 9110 13.1.2). */
static bool etag_matches(const char *inm, const char *tag)
{
	if (!inm)
		return false;
	if (!strncmp(tag, "W/", 2))
		tag += 2;
	size_t tl = strlen(tag);
	const char *p = inm;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (*p != '"')
			return false; /* not a list of entity tags */
		const char *q = strchr(p + 1, '"');
		if (!q)
			return false;
		if ((size_t)(q + 1 - p) == tl && !memcmp(p, tag, tl))
			return true;
		p = q + 1;
	}
	return false;
}

/* Whether the Add-Padding header asks for padding ("true", any case, spaces around). */
static bool wants_padding(const char *v)
{
	if (!v)
		return false;
	while (*v == ' ' || *v == '\t')
		v++;
	if (strncasecmp(v, "true", 4) != 0)
		return false;
	v += 4;
	while (*v == ' ' || *v == '\t')
		v++;
	return *v == '\0';
}

/* Whether query q has parameter name (with or without a value). */
static bool has_param(const char *q, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = q; p && *p;) {
		if (!strncmp(p, name, nl) && (p[nl] == '=' || p[nl] == '&' || p[nl] == '\0'))
			return true;
		p = strchr(p, '&');
		if (p)
			p++;
	}
	return false;
}

static const char *const notes[2][2] = {{"sha1", "sha1-padded"}, {"ntlm", "ntlm-padded"}};

void vg_pwned_range_handler(void *ctx, const vg_http_req *req, vg_http_resp *resp)
{
	vg_pwned_service *sv = ctx;
	bool fr = req->lang == VG_LANG_FR;
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		vg_http_error(resp, 405, "method-not-allowed",
		              fr ? "méthode non permise : GET seulement"
		                 : "method not allowed: GET only");
		(void)vg_http_header_add(resp, "Allow", "GET, HEAD");
		return;
	}
	static const char route[] = "/range/";
	uint32_t prefix;
	if (strncmp(req->path, route, sizeof(route) - 1) != 0 ||
	    !vg_pwned_prefix_parse(req->path + sizeof(route) - 1,
	                           strlen(req->path + sizeof(route) - 1), &prefix)) {
		vg_http_error(resp, 400, "bad-request",
		              fr ? "le préfixe doit être de 5 caractères hexadécimaux (0-9, A-F)"
		                 : "the prefix must be 5 hexadecimal characters (0-9, A-F)");
		resp->log_note = "bad-prefix";
		return;
	}
	vg_pwned_mode mode = VG_PWNED_SHA1;
	char mv[16];
	int ml = vg_http_query_get(req->query, "mode", mv, sizeof(mv));
	if ((ml >= 0 && vg_pwned_mode_parse(mv, &mode) != 0) ||
	    (ml < 0 && has_param(req->query, "mode"))) {
		vg_http_error(resp, 400, "bad-request",
		              fr ? "mode inconnu : sha1 ou ntlm" : "unknown mode: sha1 or ntlm");
		resp->log_note = "bad-mode";
		return;
	}
	bool pad = wants_padding(req->add_padding);
	snap *s = snap_get(sv);
	const vg_pwned *st = s->st[mode];

	char etag[96];
	char pfx[8];
	snprintf(pfx, sizeof(pfx), "%05X", prefix);
	snprintf(etag, sizeof(etag), "%s\"%s%s%s\"", pad ? "W/" : "", s->etag[mode], pfx,
	         pad ? "-p" : "");
	resp->log_note = notes[mode][pad];
	(void)vg_http_header_add(resp, "Cache-Control", sv->cache_control);
	(void)vg_http_header_add(resp, "ETag", etag);
	(void)vg_http_header_add(resp, "Last-Modified", s->lastmod[mode]);
	if (etag_matches(req->if_none_match, etag)) {
		resp->status = 304;
		resp->content_type = "text/plain";
		resp->body = (char *)"";
		resp->body_static = true;
		resp->body_len = 0;
		resp->log_note = "not-modified";
		snap_put(sv, s);
		return;
	}
	unsigned npad = 0;
	uint64_t n = vg_pwned_bucket_size(st, prefix);
	if (pad) {
		uint64_t target =
		    VG_PWNED_PAD_MIN + vgp_rand64() % (VG_PWNED_PAD_MAX - VG_PWNED_PAD_MIN + 1);
		npad = n < target ? (unsigned)(target - n) : 0;
	}
	size_t cap = vg_pwned_range_size(st, prefix) + (size_t)npad * vg_pwned_pad_line_max(mode);
	resp->status = 200;
	resp->content_type = "text/plain";
	if (cap == 0) {
		resp->body = (char *)"";
		resp->body_static = true;
		resp->body_len = 0;
	} else {
		resp->body = vg_xmalloc(cap);
		resp->body_static = false;
		resp->body_len = vg_pwned_range_text(st, mode, prefix, npad, resp->body, cap);
	}
	snap_put(sv, s);
}
