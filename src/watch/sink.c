/*
 * sink.c: where alerts go. JSONL (or text) on a stream, syslog, and a
 * webhook: each alert POSTed as one JSON object with libcurl, with a
 * timeout; a failed call is counted and reported, never fatal (the alert
 * still went to the other places).
 */
#include "vigie/watch.h"
#include "vigie/lazy.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

struct vg_watch_sink {
	vg_watch_sink_opts o;
	CURL *curl;
	struct curl_slist *headers;
	uint64_t failures;
};

/* Discards the webhook's response body. */
static size_t discard(char *p, size_t size, size_t nmemb, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * nmemb;
}

vg_watch_sink *vg_watch_sink_new(const vg_watch_sink_opts *o, vg_err *err)
{
	vg_watch_sink *s = vg_xcalloc(1, sizeof(*s));
	s->o = *o;
	if (!s->o.timeout_ms)
		s->o.timeout_ms = 5000;
	if (o->webhook) {
		if (strncmp(o->webhook, "http://", 7) && strncmp(o->webhook, "https://", 8)) {
			free(s);
			vg_err_set(err, VG_EUSAGE,
			           o->lang == VG_LANG_EN
			               ? "--webhook: an http:// or https:// URL"
			               : "--webhook : une URL http:// ou https://");
			return NULL;
		}
		if (vg_lazy_load(VG_LAZY_CURL, err) != 0) {
			free(s);
			return NULL;
		}
		curl_global_init(CURL_GLOBAL_DEFAULT);
		s->curl = curl_easy_init();
		if (!s->curl) {
			free(s);
			vg_err_set(err, VG_EINTERNAL, "curl_easy_init");
			return NULL;
		}
		s->headers = curl_slist_append(NULL, "Content-Type: application/json");
		curl_easy_setopt(s->curl, CURLOPT_URL, o->webhook);
		curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, s->headers);
		curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, s->o.timeout_ms);
		curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "vigie-watch/" VIGIE_VERSION);
	}
	if (o->syslog)
		openlog("vigie-watch", LOG_PID, LOG_AUTH);
	return s;
}

void vg_watch_sink_alert(vg_watch_sink *s, const vg_watch_alert *a)
{
	char text[2048];
	vg_watch_alert_text(a, s->o.lang, text, sizeof(text));
	if (s->o.out) {
		if (s->o.text) {
			fprintf(s->o.out, "%s\n", text);
		} else {
			json_t *j = vg_watch_alert_json(a, s->o.lang);
			json_dumpf(j, s->o.out, JSON_COMPACT);
			fputc('\n', s->o.out);
			json_decref(j);
		}
		fflush(s->o.out);
	}
	if (s->o.syslog)
		syslog(a->kind == VG_WATCH_UPDATE ? LOG_NOTICE : LOG_WARNING, "%s", text);
	if (s->curl) {
		json_t *j = vg_watch_alert_json(a, s->o.lang);
		char *body = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, body);
		long status = 0;
		CURLcode rc = curl_easy_perform(s->curl);
		if (rc == CURLE_OK)
			curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
		if (rc != CURLE_OK || status < 200 || status >= 300)
			s->failures++;
		free(body);
	}
}

uint64_t vg_watch_sink_failures(const vg_watch_sink *s)
{
	return s->failures;
}

void vg_watch_sink_free(vg_watch_sink *s)
{
	if (!s)
		return;
	if (s->curl) {
		curl_easy_cleanup(s->curl);
		curl_slist_free_all(s->headers);
		curl_global_cleanup();
	}
	if (s->o.syslog)
		closelog();
	free(s);
}
