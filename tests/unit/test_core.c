/* test_core.c: error names, error buffers, languages, allocators. */
#include "vigie/core.h"
#include "vigie/lazy.h"

#define CURL_DISABLE_TYPECHECK
#include <arpa/inet.h>
#include <errno.h>
#include <curl/curl.h>
#include <gmime/gmime.h>
#include <microhttpd.h>
#include <unicode/utf8.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* vg_buf: appends up to max, then full and nothing more; max 0 is no
 * maximum; printf past its small stack buffer; release keeps max. */
static void test_buf(void **state)
{
	(void)state;
	vg_buf b;
	vg_buf_init(&b, 10);
	vg_buf_puts(&b, "abc");
	vg_buf_putc(&b, 'd');
	vg_buf_printf(&b, "%d", 42);
	assert_string_equal(b.data, "abcd42");
	assert_false(b.full);
	vg_buf_put(&b, "12345", 5); /* 11 bytes: over */
	assert_true(b.full);
	vg_buf_puts(&b, "x");
	assert_string_equal(b.data, "abcd42");
	assert_int_equal(b.len, 6);
	vg_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.max, 10);
	vg_buf_put(&b, "", 0);
	assert_string_equal(b.data, "");
	vg_buf_release(&b);
	vg_buf z;
	memset(&z, 0, sizeof(z)); /* no maximum */
	char big[3000];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	for (int i = 0; i < 100; i++)
		vg_buf_printf(&z, "%s", big);
	assert_false(z.full);
	assert_int_equal(z.len, 100 * (sizeof(big) - 1));
	assert_int_equal(strlen(z.data), z.len);
	vg_buf_release(&z);
}

/* The whole-write and whole-read loops: a round trip through a file, a
 * read past its end fails with EIO, a closed descriptor with EBADF. */
static void test_fdio(void **state)
{
	(void)state;
	char path[] = "/tmp/vigie-test-fdio-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(vg_write_all(fd, "hello ", 6), 0);
	assert_int_equal(vg_pwrite_all(fd, "world", 5, 6), 0);
	assert_int_equal(vg_pwrite_all(fd, "W", 1, 6), 0);
	char got[12] = {0};
	assert_int_equal(vg_pread_all(fd, got, 11, 0), 0);
	assert_string_equal(got, "hello World");
	errno = 0;
	assert_int_equal(vg_pread_all(fd, got, 4, 9), -1); /* 2 bytes left */
	assert_int_equal(errno, EIO);
	close(fd);
	assert_int_equal(vg_write_all(fd, "x", 1), -1);
	assert_int_equal(errno, EBADF);
}

/* The well-formed sequence at b[0..n) by ICU's U8_NEXT: its length, or 0. */
static size_t icu_seq(const unsigned char *b, int32_t n)
{
	int32_t i = 0;
	UChar32 c;
	U8_NEXT(b, i, n, c);
	return c < 0 ? 0 : (size_t)i;
}

/* s[0..n) well-formed by ICU. */
static bool icu_valid(const unsigned char *s, int32_t n)
{
	for (int32_t i = 0; i < n;) {
		UChar32 c;
		U8_NEXT(s, i, n, c);
		if (c < 0)
			return false;
	}
	return true;
}

/* vg_utf8_seq and vg_utf8_valid against ICU's U8_NEXT: every sequence of
 * 1 to 3 bytes, and a million 4-byte ones of each lead byte F0 to F7. */
static void test_utf8(void **state)
{
	(void)state;
	unsigned char b[4];
	for (uint32_t v = 0; v < 1u << 24; v++) {
		b[0] = (unsigned char)(v >> 16);
		b[1] = (unsigned char)(v >> 8);
		b[2] = (unsigned char)v;
		if (vg_utf8_seq(b, 3) != icu_seq(b, 3) || vg_utf8_seq(b, 2) != icu_seq(b, 2) ||
		    vg_utf8_valid((const char *)b, 3) != icu_valid(b, 3))
			fail_msg("%02X %02X %02X", b[0], b[1], b[2]);
	}
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < 1 << 20; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		b[0] = (unsigned char)(0xF0 + (x & 7));
		b[1] = (unsigned char)(x >> 8);
		b[2] = (unsigned char)(x >> 16);
		b[3] = (unsigned char)(x >> 24);
		if (i & 1) /* continuation bytes, to reach the valid ones */
			for (int k = 1; k < 4; k++)
				b[k] = (unsigned char)(0x80 | (b[k] & 0x3F));
		if (vg_utf8_seq(b, 4) != icu_seq(b, 4) || vg_utf8_seq(b, 3) != 0 ||
		    vg_utf8_valid((const char *)b, 4) != icu_valid(b, 4))
			fail_msg("%02X %02X %02X %02X", b[0], b[1], b[2], b[3]);
	}
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(vg_strerror(VG_OK), "ok");
	assert_string_equal(vg_strerror(VG_EINVAL), "invalid input");
	assert_string_equal(vg_strerror(VG_ECORRUPT), "corrupt or truncated file");
	assert_string_equal(vg_strerror(-999), "unknown error");
	for (int c = VG_EINTERNAL; c <= VG_OK; c++)
		assert_string_not_equal(vg_strerror(c), "unknown error");
}

static void test_err_set(void **state)
{
	(void)state;
	vg_err e;
	assert_int_equal(vg_err_set(&e, VG_EIO, "line %d: %s", 12, "bad"), VG_EIO);
	assert_int_equal(e.code, VG_EIO);
	assert_string_equal(e.msg, "line 12: bad");
	assert_int_equal(vg_err_set(NULL, VG_EUSAGE, "x"), VG_EUSAGE);
	/* long messages are cut, never overflow */
	char big[2000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vg_err_set(&e, VG_EINVAL, "%s", big);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
}

static void test_lang(void **state)
{
	(void)state;
	vg_lang l = VG_LANG_EN;
	assert_int_equal(vg_lang_parse("FR", &l), 0);
	assert_int_equal(l, VG_LANG_FR);
	assert_int_equal(vg_lang_parse("en", &l), 0);
	assert_int_equal(l, VG_LANG_EN);
	assert_int_equal(vg_lang_parse("de", &l), VG_EINVAL);
	assert_int_equal(vg_lang_parse(NULL, &l), VG_EINVAL);
	vg_reason r = {"c", "français", "english"};
	assert_string_equal(vg_reason_text(&r, VG_LANG_FR), "français");
	assert_string_equal(vg_reason_text(&r, VG_LANG_EN), "english");
	assert_string_equal(vg_reason_text(NULL, VG_LANG_EN), "");
}

static void test_alloc(void **state)
{
	(void)state;
	char *s = vg_xstrdup("vigie");
	assert_string_equal(s, "vigie");
	s = vg_xrealloc(s, 100);
	assert_string_equal(s, "vigie");
	free(s);
	int *z = vg_xcalloc(10, sizeof(int));
	for (int i = 0; i < 10; i++)
		assert_int_equal(z[i], 0);
	free(z);
	assert_string_equal(vg_version(), VIGIE_VERSION);
}

/* The libraries loaded on first use: none is loaded before it is needed;
 * every function libvigie takes from them resolves; the stubs pass
 * arguments through (libcurl's variadic options of each kind,
 * libmicrohttpd's options list, GMime's parser). */
static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static enum MHD_Result on_req(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **con_cls)
{
	(void)cls, (void)url, (void)method, (void)version, (void)data, (void)size, (void)con_cls;
	static char body[] = "ok";
	struct MHD_Response *r = MHD_create_response_from_buffer(2, body, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return rc;
}

static void test_lazy(void **state)
{
	(void)state;
	for (int l = 0; l < VG_LAZY__COUNT; l++)
		assert_false(vg_lazy_loaded((vg_lazy_lib)l));
	vg_err e;
	assert_int_equal(vg_lazy_load(VG_LAZY__COUNT, &e), VG_EINVAL);
	for (int l = 0; l < VG_LAZY__COUNT; l++) {
		int missing = vg_lazy_check((vg_lazy_lib)l, &e);
		if (missing)
			print_message("%s\n", e.msg);
		assert_int_equal(missing, 0);
		assert_true(vg_lazy_loaded((vg_lazy_lib)l));
	}

	/* libmicrohttpd: a server on a free port of 127.0.0.1 */
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_req, NULL, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_TIMEOUT, 5u, MHD_OPTION_END);
	assert_non_null(d);
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(di);
	assert_true(di->port > 0);

	/* libcurl: options of every kind, then a request to that server */
	assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	assert_string_equal(curl_easy_strerror(CURLE_OK), "No error");
	CURL *c = curl_easy_init();
	assert_non_null(c);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/x", (unsigned)di->port);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_URL, url), CURLE_OK);          /* pointer */
	assert_int_equal(curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L), CURLE_OK); /* long */
	assert_int_equal(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard),
	                 CURLE_OK); /* function */
	assert_int_equal(curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)1 << 20),
	                 CURLE_OK); /* curl_off_t */
	struct curl_slist *h = curl_slist_append(NULL, "X-Test: 1");
	assert_int_equal(curl_easy_setopt(c, CURLOPT_HTTPHEADER, h), CURLE_OK);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	long code = 0;
	assert_int_equal(curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
	assert_int_equal(code, 200);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	MHD_stop_daemon(d);

	/* GMime */
	g_mime_init();
	static const char msg[] =
	    "Subject: =?UTF-8?Q?v=C3=A9rifiez?=\r\nFrom: A <a@b.fr>\r\n\r\nbody\r\n";
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(msg, sizeof(msg) - 1);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	assert_non_null(m);
	assert_string_equal(g_mime_message_get_subject(m), "v\xc3\xa9rifiez");
	InternetAddressList *from = g_mime_message_get_from(m);
	assert_int_equal(internet_address_list_length(from), 1);
	assert_string_equal(internet_address_get_name(internet_address_list_get_address(from, 0)),
	                    "A");
	g_object_unref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strerror), cmocka_unit_test(test_err_set),
	    cmocka_unit_test(test_lang),     cmocka_unit_test(test_alloc),
	    cmocka_unit_test(test_lazy),     cmocka_unit_test(test_fdio),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_buf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
