/*
 * route.c: the parts of `vigie serve` that need no socket (vigie/serve.h):
 * the route table, the request helpers (language, bearer token, listen
 * address) and the options read from serve.conf.
 */
#include "vigie/serve.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ router */

void vg_router_init(vg_router *r)
{
	memset(r, 0, sizeof(*r));
}

static bool method_ok(const char *m)
{
	size_t n = strlen(m);
	if (n == 0 || n >= sizeof(((vg_route *)0)->method))
		return false;
	for (size_t i = 0; i < n; i++)
		if (m[i] < 'A' || m[i] > 'Z')
			return false;
	return true;
}

int vg_router_add(vg_router *r, const char *method, const char *path, vg_route_kind kind,
                  vg_http_handler h, void *ctx, vg_err *err)
{
	if (!method || !method_ok(method))
		return vg_err_set(err, VG_EINVAL, "route: bad method");
	size_t n = path ? strlen(path) : 0;
	if (n == 0 || path[0] != '/' || n >= VG_ROUTE_PATH_MAX || !h ||
	    (kind != VG_ROUTE_EXACT && kind != VG_ROUTE_PREFIX))
		return vg_err_set(err, VG_EINVAL, "route: bad path or handler");
	for (size_t i = 0; i < r->n; i++)
		if (r->routes[i].kind == kind && !strcmp(r->routes[i].method, method) &&
		    !strcmp(r->routes[i].path, path))
			return vg_err_set(err, VG_EINVAL, "route: %s %s registered twice", method,
			                  path);
	if (r->n >= VG_ROUTER_MAX)
		return vg_err_set(err, VG_ETOOBIG, "route: table full (%d routes)", VG_ROUTER_MAX);
	vg_route *rt = &r->routes[r->n++];
	memset(rt, 0, sizeof(*rt));
	memcpy(rt->method, method, strlen(method) + 1);
	memcpy(rt->path, path, n + 1);
	rt->path_len = n;
	rt->kind = kind;
	rt->handler = h;
	rt->ctx = ctx;
	return 0;
}

static bool path_matches(const vg_route *rt, const char *path, size_t plen)
{
	if (rt->kind == VG_ROUTE_EXACT)
		return plen == rt->path_len && !memcmp(path, rt->path, plen);
	return plen >= rt->path_len && !memcmp(path, rt->path, rt->path_len);
}

static bool method_matches(const vg_route *rt, const char *method)
{
	return !strcmp(rt->method, method) || (!strcmp(method, "HEAD") && !strcmp(rt->method, "GET"));
}

/* Appends m to the allow list once. */
static void allow_add(char *allow, size_t cap, const char *m)
{
	size_t len = strlen(allow), ml = strlen(m);
	const char *p = allow;
	while ((p = strstr(p, m)) != NULL) {
		if ((p == allow || p[-1] == ' ') && (p[ml] == ',' || p[ml] == '\0'))
			return;
		p += ml;
	}
	if (len + ml + 3 > cap)
		return;
	if (len) {
		memcpy(allow + len, ", ", 2);
		len += 2;
	}
	memcpy(allow + len, m, ml + 1);
}

const vg_route *vg_router_match(const vg_router *r, const char *method, const char *path,
                                int *status, char *allow, size_t allow_cap)
{
	size_t plen = strlen(path);
	const vg_route *best = NULL;
	bool path_known = false;
	/* The route for the path, ignoring the method: exact first, else the
	 * longest prefix. The method is checked on that pattern only, so that
	 * "POST /range/x" is a 405 of the range route, not a 404. */
	const vg_route *pattern = NULL;
	for (size_t i = 0; i < r->n; i++) {
		const vg_route *rt = &r->routes[i];
		if (!path_matches(rt, path, plen))
			continue;
		if (!pattern || (pattern->kind == VG_ROUTE_PREFIX &&
		                 (rt->kind == VG_ROUTE_EXACT || rt->path_len > pattern->path_len)))
			pattern = rt;
	}
	if (pattern) {
		path_known = true;
		for (size_t i = 0; i < r->n; i++) {
			const vg_route *rt = &r->routes[i];
			if (rt->kind == pattern->kind && rt->path_len == pattern->path_len &&
			    !strcmp(rt->path, pattern->path) && method_matches(rt, method)) {
				best = rt;
				break;
			}
		}
	}
	if (best)
		return best;
	if (status)
		*status = path_known ? 405 : 404;
	if (allow && allow_cap) {
		allow[0] = '\0';
		if (path_known)
			for (size_t i = 0; i < r->n; i++) {
				const vg_route *rt = &r->routes[i];
				if (rt->kind != pattern->kind || strcmp(rt->path, pattern->path))
					continue;
				allow_add(allow, allow_cap, rt->method);
				if (!strcmp(rt->method, "GET"))
					allow_add(allow, allow_cap, "HEAD");
			}
	}
	return NULL;
}

/* ------------------------------------------------------------ request helpers */

/* Parses a q-value ("q=0.8") after ';' params; 1.0 when absent. */
static double qvalue(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ';' || *p == '\t'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			p += 2;
			double v = 0;
			if (p < end && *p >= '0' && *p <= '1') {
				v = *p++ - '0';
				if (p < end && *p == '.') {
					p++;
					double scale = 0.1;
					for (int i = 0; i < 3 && p < end && *p >= '0' && *p <= '9'; i++) {
						v += (*p++ - '0') * scale;
						scale /= 10;
					}
				}
			}
			return v > 1 ? 1 : v;
		}
		while (p < end && *p != ';')
			p++;
	}
	return 1.0;
}

vg_lang vg_serve_lang(const char *query, const char *accept_language)
{
	char v[8];
	vg_lang lang;
	if (vg_http_query_get(query, "lang", v, sizeof(v)) > 0 && vg_lang_parse(v, &lang) == 0)
		return lang;
	if (!accept_language)
		return VG_LANG_FR;
	double best_q = 0;
	vg_lang best = VG_LANG_FR;
	const char *p = accept_language;
	for (int items = 0; *p && items < 32; items++) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		const char *t = p;
		while (t < end && (*t == ' ' || *t == '\t'))
			t++;
		const char *tag_end = t;
		while (tag_end < end && *tag_end != ';' && *tag_end != ' ')
			tag_end++;
		size_t tl = (size_t)(tag_end - t);
		int which = -1;
		/* "fr", "fr-FR", "en", "en-GB"... */
		if (tl >= 2 && (tl == 2 || t[2] == '-')) {
			if (!strncasecmp(t, "fr", 2))
				which = VG_LANG_FR;
			else if (!strncasecmp(t, "en", 2))
				which = VG_LANG_EN;
		}
		if (which >= 0) {
			double q = qvalue(tag_end, end);
			if (q > best_q) {
				best_q = q;
				best = (vg_lang)which;
			}
		}
		p = *end ? end + 1 : end;
	}
	return best;
}

int vg_serve_bearer(const char *authorization, const char **tok, size_t *n)
{
	if (!authorization)
		return VG_EINVAL;
	const char *p = authorization;
	while (*p == ' ')
		p++;
	if (strncasecmp(p, "Bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
		return VG_EINVAL;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t len = strlen(p);
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (!len)
		return VG_EINVAL;
	*tok = p;
	*n = len;
	return 0;
}

int vg_serve_parse_listen(const char *s, struct sockaddr_storage *sa, socklen_t *len, vg_err *err)
{
	memset(sa, 0, sizeof(*sa));
	if (!s || !*s)
		return vg_err_set(err, VG_EINVAL, "listen address: empty");
	char host[64];
	const char *colon;
	size_t hl;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return vg_err_set(err, VG_EINVAL,
			                  "listen address '%.80s': expected [IPV6]:PORT", s);
		hl = (size_t)(close - s - 1);
		if (hl >= sizeof(host))
			return vg_err_set(err, VG_EINVAL, "listen address: host too long");
		memcpy(host, s + 1, hl);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return vg_err_set(err, VG_EINVAL,
			                  "listen address '%.80s': expected HOST:PORT", s);
		hl = (size_t)(colon - s);
		if (hl >= sizeof(host))
			return vg_err_set(err, VG_EINVAL, "listen address: host too long");
		memcpy(host, s, hl);
	}
	host[hl] = '\0';
	const char *ps = colon + 1;
	char *end;
	if (!*ps || *ps < '0' || *ps > '9')
		return vg_err_set(err, VG_EINVAL, "listen address '%.80s': bad port", s);
	unsigned long port = strtoul(ps, &end, 10);
	if (*end || port > 65535)
		return vg_err_set(err, VG_EINVAL, "listen address '%.80s': bad port", s);
	if (!strcmp(host, "localhost"))
		memcpy(host, "127.0.0.1", sizeof("127.0.0.1"));
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
		return 0;
	}
	memset(sa, 0, sizeof(*sa));
	return vg_err_set(err, VG_EINVAL,
	                  "listen address '%.80s': the host must be a numeric address or "
	                  "localhost",
	                  s);
}

/* ------------------------------------------------------------ options */

void vg_serve_opts_default(vg_serve_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1:8080";
	o->threads = 0;
	o->access_log = NULL;
	o->drain_timeout = 30;
	o->max_body = 64 * 1024;
	o->max_header = 16 * 1024;
	o->conn_timeout = 15;
	o->max_connections = 4096;
	o->per_ip_connections = 0;
	o->op_rate = 5;
	o->op_burst = 20;
	o->audit_sync = true;
}

static int get_str(vg_config *c, const char *sec, const char *key, const char **out)
{
	const char *v = vg_config_get(c, sec, key);
	if (v)
		*out = *v ? v : NULL;
	return 0;
}

static int get_uns(vg_config *c, const char *sec, const char *key, uint64_t min, uint64_t max,
                   unsigned *out, vg_err *err)
{
	uint64_t v = *out;
	int rc = vg_config_get_uint(c, sec, key, min, max, &v, err);
	if (rc == 0)
		*out = (unsigned)v;
	return rc;
}

static int get_size(vg_config *c, const char *sec, const char *key, uint64_t min, uint64_t max,
                    size_t *out, vg_err *err)
{
	uint64_t v = *out;
	int rc = vg_config_get_uint(c, sec, key, min, max, &v, err);
	if (rc == 0)
		*out = (size_t)v;
	return rc;
}

static int get_double(vg_config *c, const char *sec, const char *key, double min, double max,
                      double *out, vg_err *err)
{
	const vg_config_entry *e = vg_config_find(c, sec, key);
	if (!e)
		return 0;
	char *end;
	double v = strtod(e->value, &end);
	if (end == e->value || *end || !(v >= min && v <= max))
		return vg_config_errf(c, e, err, VG_EINVAL, "%s: expected a number from %g to %g",
		                      key, min, max);
	*out = v;
	return 0;
}

int vg_serve_opts_config(vg_serve_opts *o, vg_config *c, vg_err *err)
{
	int rc = 0;
	get_str(c, "server", "listen", &o->listen);
	get_str(c, "server", "access_log", &o->access_log);
	get_str(c, "registry", "dir", &o->registry_dir);
	get_str(c, "registry", "key_file", &o->key_file);
	get_str(c, "operator", "tokens", &o->token_file);
	get_str(c, "operator", "audit_log", &o->audit_log);
	if ((rc = get_uns(c, "server", "threads", 0, 256, &o->threads, err)) ||
	    (rc = get_uns(c, "server", "drain_timeout", 0, 3600, &o->drain_timeout, err)) ||
	    (rc = get_size(c, "limits", "max_body", 1024, 64u << 20, &o->max_body, err)) ||
	    (rc = get_size(c, "limits", "max_header", 2048, 1u << 20, &o->max_header, err)) ||
	    (rc = get_uns(c, "limits", "connection_timeout", 1, 3600, &o->conn_timeout, err)) ||
	    (rc = get_uns(c, "limits", "max_connections", 1, 1000000, &o->max_connections, err)) ||
	    (rc = get_uns(c, "limits", "per_ip_connections", 0, 1000000, &o->per_ip_connections,
	                  err)) ||
	    (rc = get_double(c, "operator", "rate", 0.001, 1e9, &o->op_rate, err)) ||
	    (rc = get_double(c, "operator", "burst", 1, 1e9, &o->op_burst, err)) ||
	    (rc = vg_config_get_bool(c, "operator", "audit_sync", &o->audit_sync, err)))
		return rc;
	/* a key of these sections nobody read is a typo: say so before
	 * anything is opened */
	static const char *const mine[] = {"server", "registry", "limits", "operator"};
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < sizeof(mine) / sizeof(mine[0]); k++)
			if (!c->entries[i].used && !strcmp(c->entries[i].section, mine[k]))
				return vg_config_errf(c, &c->entries[i], err, VG_EINVAL, "%s",
				                      c->lang == VG_LANG_EN ? "unknown key"
				                                            : "clé inconnue");
	if (o->listen) {
		struct sockaddr_storage sa;
		socklen_t len;
		const vg_config_entry *e = vg_config_find(c, "server", "listen");
		vg_err e2;
		if (e && vg_serve_parse_listen(o->listen, &sa, &len, &e2) != 0)
			return vg_config_errf(c, e, err, VG_EINVAL, "%s", e2.msg);
	}
	return 0;
}

int vg_serve_config_unused(const vg_config *c, vg_err *err)
{
	for (size_t i = 0; i < c->n; i++) {
		const vg_config_entry *e = &c->entries[i];
		if (!e->used)
			return vg_config_errf(c, e, err, VG_EINVAL, "%s",
			                      c->lang == VG_LANG_EN ? "unknown key" : "clé inconnue");
	}
	return 0;
}
