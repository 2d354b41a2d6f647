/*
 * out.c: the generator's output files. One buffer per file, filled by the
 * row renderer in place and handed to write(2) (or to zlib, then write(2),
 * or to a caller's sink) when full. Memory is fixed when the file is opened.
 */
#include "gen/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes all of buf to the file or the sink. */
static int raw_write(gen_out *o, const void *buf, size_t n, vg_err *err)
{
	if (o->failed)
		return VG_EIO;
	o->bytes += n;
	if (o->sink) {
		int rc = o->sink->write(o->sink->ctx, o->index, buf, n);
		if (rc != 0) {
			o->failed = 1;
			return vg_err_set(err, rc < 0 ? rc : VG_EIO, "%s: output refused", o->name);
		}
		return 0;
	}
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			o->failed = 1;
			return vg_err_set(err, VG_EIO, "%s: %s", o->name,
			                  w < 0 ? strerror(errno) : "short write");
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Compresses buf (or finishes the stream when finish) into the file. */
static int deflate_write(gen_out *o, const void *buf, size_t n, int finish, vg_err *err)
{
	o->z.next_in = (Bytef *)(uintptr_t)buf;
	o->z.avail_in = (uInt)n;
	for (;;) {
		o->z.next_out = o->zbuf;
		o->z.avail_out = (uInt)o->zcap;
		int zr = deflate(&o->z, finish ? Z_FINISH : Z_NO_FLUSH);
		if (zr == Z_STREAM_ERROR)
			return vg_err_set(err, VG_EINTERNAL, "%s: zlib error", o->name);
		size_t have = o->zcap - o->z.avail_out;
		if (have) {
			int rc = raw_write(o, o->zbuf, have, err);
			if (rc)
				return rc;
		}
		if (finish ? zr == Z_STREAM_END : (o->z.avail_in == 0 && o->z.avail_out != 0))
			return 0;
	}
}

/* Hands the buffer to zlib or to the file. */
static int flush(gen_out *o, vg_err *err)
{
	if (!o->len)
		return 0;
	size_t n = o->len;
	o->len = 0;
	return o->gz ? deflate_write(o, o->buf, n, 0, err) : raw_write(o, o->buf, n, err);
}

/* Opens a file (or a sink) with a buffer of bufsize bytes. */
int gen_out_open(gen_out *o, const char *name, int index, const vg_gen_sink *sink, int gz,
                 size_t bufsize, int small_window, vg_err *err)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->index = index;
	o->sink = sink;
	o->name = name && strcmp(name, "-") ? name : "(stdout)";
	if (!sink) {
		if (!name || !strcmp(name, "-")) {
			o->fd = STDOUT_FILENO;
		} else {
			o->fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (o->fd < 0)
				return vg_err_set(err, VG_EIO, "%s: %s", name, strerror(errno));
			o->own_fd = 1;
		}
	}
	o->cap = bufsize;
	o->buf = vg_xmalloc(o->cap);
	if (gz) {
		o->gz = 1;
		o->zcap = 64 * 1024;
		o->zbuf = vg_xmalloc(o->zcap);
		/* level 1: the generator is a test tool, speed matters more */
		int wbits = small_window ? 12 : 15, mem = small_window ? 5 : 8;
		if (deflateInit2(&o->z, 1, Z_DEFLATED, wbits + 16, mem, Z_DEFAULT_STRATEGY) !=
		    Z_OK) {
			o->gz = 0;
			o->len = 0;
			gen_out_close(o, NULL);
			return vg_err_set(err, VG_EINTERNAL, "%s: zlib initialization failed",
			                  o->name);
		}
	}
	return 0;
}

/* Makes room for need bytes in the buffer. */
int gen_out_reserve(gen_out *o, size_t need, vg_err *err)
{
	if (o->cap - o->len >= need)
		return 0;
	return flush(o, err);
}

/* Appends bytes, flushing as needed. */
int gen_out_write(gen_out *o, const void *s, size_t n, vg_err *err)
{
	const char *p = s;
	while (n > 0) {
		if (o->len == o->cap) {
			int rc = flush(o, err);
			if (rc)
				return rc;
		}
		size_t k = o->cap - o->len < n ? o->cap - o->len : n;
		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p += k;
		n -= k;
	}
	return 0;
}

/* Flushes, ends the gzip stream, closes; the first error wins. */
int gen_out_close(gen_out *o, vg_err *err)
{
	int rc = 0;
	if (o->buf) {
		rc = flush(o, err);
		if (o->gz && !rc)
			rc = deflate_write(o, NULL, 0, 1, err);
	}
	if (o->gz) {
		deflateEnd(&o->z);
		o->gz = 0;
	}
	if (o->own_fd && o->fd >= 0) {
		if (close(o->fd) != 0 && !rc)
			rc = vg_err_set(err, VG_EIO, "%s: %s", o->name, strerror(errno));
	}
	o->fd = -1;
	o->own_fd = 0;
	free(o->buf);
	free(o->zbuf);
	o->buf = NULL;
	o->zbuf = NULL;
	return rc;
}

/* ----------------------------------------------------- number formatting */

/* Decimal digits of v. */
char *gen_put_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Two digits, zero-padded. */
char *gen_put_2d(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* Four digits, zero-padded. */
char *gen_put_4d(char *p, int v)
{
	p[0] = (char)('0' + v / 1000 % 10);
	p[1] = (char)('0' + v / 100 % 10);
	p[2] = (char)('0' + v / 10 % 10);
	p[3] = (char)('0' + v % 10);
	return p + 4;
}

/* JSON string escaping of s[0..n). */
char *gen_put_json(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20) {
			*p++ = '\\';
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	return p;
}
