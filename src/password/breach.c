/*
 * breach.c: has this password leaked? SHA-1 (nettle), Have I Been Pwned
 * range bodies, and the two places they come from: a directory of range
 * files, or a range API over libcurl.
 *
 * The k-anonymity contract: the 40-hex SHA-1 splits into a 5-hex prefix
 * and a 35-hex suffix. Only the prefix picks a file or goes on the wire; the
 * suffix is compared here. Messages never quote the prefix: a log of errors
 * must not become a log of (partial) password hashes.
 *
 * Range bodies are untrusted input (from a disk or a server): every line is
 * checked, a malformed one fails the lookup with its line number (not its
 * content), and bodies are bounded by VG_PASSWORD_RANGE_MAX.
 */
#include "vigie/password.h"
#include "vigie/lazy.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha1.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREFIX_LEN 5
#define SUFFIX_LEN 35

/* ---- SHA-1 ---------------------------------------------------------------- */

void vg_password_sha1(const char *pw, size_t len, uint8_t out[VG_SHA1_LEN])
{
	struct sha1_ctx ctx;
	sha1_init(&ctx);
	sha1_update(&ctx, len, (const uint8_t *)pw);
	sha1_digest(&ctx, VG_SHA1_LEN, out);
	sodium_memzero(&ctx, sizeof(ctx)); /* its block buffer held the password */
}

void vg_password_sha1_hex(const uint8_t sha1[VG_SHA1_LEN], char out[41])
{
	static const char hex[] = "0123456789ABCDEF";
	for (int i = 0; i < VG_SHA1_LEN; i++) {
		out[2 * i] = hex[sha1[i] >> 4];
		out[2 * i + 1] = hex[sha1[i] & 15];
	}
	out[40] = 0;
}

/* ---- Range bodies ----------------------------------------------------------- */

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int vg_password_range_find(const char *body, size_t len, const uint8_t sha1[VG_SHA1_LEN],
                           uint64_t *count, vg_err *err)
{
	*count = 0;
	if (len > VG_PASSWORD_RANGE_MAX)
		return vg_err_set(err, VG_ETOOBIG, "range over %u bytes", VG_PASSWORD_RANGE_MAX);
	char hex[41];
	vg_password_sha1_hex(sha1, hex);
	const char *want = hex + PREFIX_LEN;
	uint64_t found = 0;
	uint64_t lineno = 0;
	size_t pos = 0;
	int rc = 0;
	while (pos < len) {
		const char *line = body + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		if (n < SUFFIX_LEN + 2 || line[SUFFIX_LEN] != ':') {
			rc = vg_err_set(err, VG_ECORRUPT,
			                "range line %llu: not \"35-hex-suffix:count\"",
			                (unsigned long long)lineno);
			break;
		}
		char upper[SUFFIX_LEN];
		size_t i = 0;
		for (; i < SUFFIX_LEN; i++) {
			int v = hexval((unsigned char)line[i]);
			if (v < 0)
				break;
			upper[i] = "0123456789ABCDEF"[v];
		}
		if (i < SUFFIX_LEN) {
			rc = vg_err_set(err, VG_ECORRUPT, "range line %llu: suffix is not hexadecimal",
			                (unsigned long long)lineno);
			break;
		}
		uint64_t c = 0;
		size_t j = SUFFIX_LEN + 1;
		for (; j < n; j++) {
			unsigned char d = (unsigned char)line[j];
			if (d < '0' || d > '9' || c > (UINT64_C(1) << 63) / 10)
				break;
			c = c * 10 + (d - '0');
		}
		if (j < n || c > (UINT64_C(1) << 63)) {
			rc = vg_err_set(err, VG_ECORRUPT, "range line %llu: count is not a number",
			                (unsigned long long)lineno);
			break;
		}
		/* count 0 is padding (Add-Padding: true): never a match */
		if (c && sodium_memcmp(upper, want, SUFFIX_LEN) == 0)
			found = c > UINT64_MAX - found ? UINT64_MAX : found + c;
	}
	sodium_memzero(hex, sizeof(hex));
	if (rc == 0)
		*count = found;
	return rc;
}

/* ---- Local range files ------------------------------------------------------ */

int vg_password_breach_local(const char *dir, const uint8_t sha1[VG_SHA1_LEN], uint64_t *count,
                             vg_err *err)
{
	*count = 0;
	struct stat st;
	if (stat(dir, &st) != 0)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO,
		                  "ranges directory %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return vg_err_set(err, VG_EIO, "ranges directory %s: not a directory", dir);

	char hex[41];
	vg_password_sha1_hex(sha1, hex);
	char path[4096];
	int pn = snprintf(path, sizeof(path), "%s/%.5s", dir, hex);
	sodium_memzero(hex, sizeof(hex));
	if (pn < 0 || (size_t)pn >= sizeof(path)) {
		sodium_memzero(path, sizeof(path));
		return vg_err_set(err, VG_ETOOBIG, "ranges directory %s: path too long", dir);
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int open_errno = errno;
	sodium_memzero(path, sizeof(path));
	if (fd < 0) {
		if (open_errno == ENOENT)
			return vg_err_set(err, VG_ENOTFOUND,
			                  "ranges directory %s: a range file is missing (an export "
			                  "holds all 1,048,576)",
			                  dir);
		return vg_err_set(err, VG_EIO, "ranges directory %s: cannot open a range file: %s",
		                  dir, strerror(open_errno));
	}
	int rc = 0;
	char *body = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = vg_err_set(err, VG_EIO, "ranges directory %s: a range file is not a regular file",
		                dir);
		goto out;
	}
	if ((uint64_t)st.st_size > VG_PASSWORD_RANGE_MAX) {
		rc = vg_err_set(err, VG_ECORRUPT, "ranges directory %s: a range file is over %u bytes",
		                dir, VG_PASSWORD_RANGE_MAX);
		goto out;
	}
	size_t size = (size_t)st.st_size, got = 0;
	body = vg_xmalloc(size ? size : 1);
	while (got < size) {
		ssize_t r = read(fd, body + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = vg_err_set(err, VG_EIO, "ranges directory %s: reading a range file: %s", dir,
			                r < 0 ? strerror(errno) : "truncated");
			goto out;
		}
		got += (size_t)r;
	}
	vg_err sub = {0};
	rc = vg_password_range_find(body, size, sha1, count, &sub);
	if (rc)
		vg_err_set(err, rc, "ranges directory %s: %s", dir, sub.msg);
out:
	free(body);
	close(fd);
	return rc;
}

/* ---- Range API (libcurl) ---------------------------------------------------- */

#define URL_MAX 2048

struct vg_pw_api {
	CURL *curl;
	struct curl_slist *headers;
	char base[URL_MAX]; /* without a trailing slash */
	char *body;
	size_t len;
	bool overflow;
	char errbuf[CURL_ERROR_SIZE];
};

static size_t collect(char *p, size_t size, size_t nmemb, void *ctx)
{
	vg_pw_api *a = ctx;
	size_t n = size * nmemb;
	if (n > VG_PASSWORD_RANGE_MAX - a->len) {
		a->overflow = true;
		return 0; /* aborts the transfer */
	}
	memcpy(a->body + a->len, p, n);
	a->len += n;
	return n;
}

int vg_pw_api_open(const char *base_url, const vg_pw_api_opts *opts, vg_pw_api **out,
                   vg_err *err)
{
	*out = NULL;
	vg_pw_api_opts o = opts ? *opts : (vg_pw_api_opts){0};
	if (!o.connect_timeout_ms)
		o.connect_timeout_ms = 10000;
	if (!o.timeout_ms)
		o.timeout_ms = 30000;
	size_t n = strlen(base_url);
	if (strncmp(base_url, "http://", 7) && strncmp(base_url, "https://", 8))
		return vg_err_set(err, VG_EUSAGE, "API URL: http:// or https:// expected");
	if (n >= URL_MAX - 16 || strpbrk(base_url, "?# \t\r\n"))
		return vg_err_set(err, VG_EUSAGE,
		                  "API URL: a base URL without query, fragment or spaces expected");

	static bool curl_ready;
	if (!curl_ready) {
		int lrc = vg_lazy_load(VG_LAZY_CURL, err);
		if (lrc)
			return lrc;
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return vg_err_set(err, VG_EINTERNAL, "curl_global_init failed");
		curl_ready = true;
	}
	vg_pw_api *a = vg_xcalloc(1, sizeof(*a));
	memcpy(a->base, base_url, n + 1);
	while (n > 0 && a->base[n - 1] == '/')
		a->base[--n] = 0;
	a->curl = curl_easy_init();
	if (!a->curl) {
		free(a);
		return vg_err_set(err, VG_EINTERNAL, "curl_easy_init failed");
	}
	a->body = vg_xmalloc(VG_PASSWORD_RANGE_MAX);
	if (!o.no_padding)
		a->headers = curl_slist_append(a->headers, "Add-Padding: true");
	CURL *c = a->curl;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, a->headers);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o.connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o.timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vigie/" VIGIE_VERSION);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* what libcurl can decode */
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)VG_PASSWORD_RANGE_MAX);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, a->errbuf);
	*out = a;
	return 0;
}

int vg_pw_api_lookup(vg_pw_api *a, const uint8_t sha1[VG_SHA1_LEN], uint64_t *count, vg_err *err)
{
	*count = 0;
	char hex[41];
	vg_password_sha1_hex(sha1, hex);
	char url[URL_MAX + 16]; /* base is shorter than URL_MAX - 16 */
	snprintf(url, sizeof(url), "%s/range/%.5s", a->base, hex);
	sodium_memzero(hex, sizeof(hex));
	a->len = 0;
	a->overflow = false;
	a->errbuf[0] = 0;
	curl_easy_setopt(a->curl, CURLOPT_URL, url);
	CURLcode cc = curl_easy_perform(a->curl);
	sodium_memzero(url, sizeof(url));
	curl_easy_setopt(a->curl, CURLOPT_URL, "");
	if (cc != CURLE_OK) {
		if (a->overflow || cc == CURLE_FILESIZE_EXCEEDED)
			return vg_err_set(err, VG_ECORRUPT, "API %s: response over %u bytes", a->base,
			                  VG_PASSWORD_RANGE_MAX);
		return vg_err_set(err, VG_EIO, "API %s: %s", a->base,
		                  a->errbuf[0] ? a->errbuf : curl_easy_strerror(cc));
	}
	long status = 0;
	curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
		return vg_err_set(err, VG_EIO, "API %s: HTTP status %ld (200 expected)", a->base,
		                  status);
	vg_err sub = {0};
	int rc = vg_password_range_find(a->body, a->len, sha1, count, &sub);
	if (rc)
		return vg_err_set(err, rc, "API %s: %s", a->base, sub.msg);
	return 0;
}

void vg_pw_api_close(vg_pw_api *a)
{
	if (!a)
		return;
	curl_easy_cleanup(a->curl);
	curl_slist_free_all(a->headers);
	free(a->body);
	free(a);
}

int vg_password_breach_api(const char *base_url, const uint8_t sha1[VG_SHA1_LEN],
                           const vg_pw_api_opts *opts, uint64_t *count, vg_err *err)
{
	*count = 0;
	vg_pw_api *a;
	int rc = vg_pw_api_open(base_url, opts, &a, err);
	if (rc)
		return rc;
	rc = vg_pw_api_lookup(a, sha1, count, err);
	vg_pw_api_close(a);
	return rc;
}
