/*
 * range_server.c: a test-only HTTP server for GET /range/ alone, on
 * libmicrohttpd, so that tests/web/hibp_range.mjs --dynamic can check the
 * handler (padding, 400, ?mode=ntlm, ETag, 304) with the real npm client
 * before and independently of `vigie serve`. Not part of vigie.
 *
 * Usage: range_server DIR PORT   (127.0.0.1 only; stops on SIGTERM/SIGINT)
 */
#include "vigie/pwned.h"

#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_len, void **con_cls)
{
	(void)version;
	(void)upload;
	(void)upload_len;
	(void)con_cls;
	vg_pwned_service *sv = cls;
	/* the raw query string, as vigie serve hands it over */
	char query[512] = "";
	const char *m = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "mode");
	if (m)
		snprintf(query, sizeof(query), "mode=%s", m);
	vg_http_req req;
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = url;
	req.query = m ? query : NULL;
	req.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	req.add_padding = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Add-Padding");
	req.lang = VG_LANG_EN;
	req.now_ms = (uint64_t)time(NULL) * 1000;
	vg_http_resp r;
	vg_http_resp_init(&r);
	if (strncmp(url, "/range/", 7) == 0)
		vg_pwned_range_handler(sv, &req, &r);
	else
		vg_http_error(&r, 404, "not-found", "not found");
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(r.body_len, r.body, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, "Content-Type", r.content_type);
	for (size_t i = 0; i < r.nheaders; i++)
		MHD_add_response_header(resp, r.headers[i].name, r.headers[i].value);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)r.status, resp);
	MHD_destroy_response(resp);
	vg_http_resp_release(&r);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: range_server DIR PORT\n");
		return 2;
	}
	vg_err err;
	vg_pwned_service *sv;
	if (vg_pwned_service_open(argv[1], 0, &sv, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 3;
	}
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d =
	    MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
	                     NULL, NULL, answer, sv, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "cannot listen on 127.0.0.1:%s\n", argv[2]);
		vg_pwned_service_close(sv);
		return 3;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("listening on 127.0.0.1:%s\n", argv[2]);
	fflush(stdout);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	vg_pwned_service_close(sv);
	return 0;
}
