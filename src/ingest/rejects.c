/*
 * rejects.c: the rejects file of an ingest, where every row that did not
 * make it into the registry goes, with its place, its reason and its bytes.
 *
 * It holds personal data in clear, so it is created 0600 (O_NOFOLLOW, and
 * fchmod when an existing regular file is reused; anything else is
 * refused) and, when this run created it, removed when the run is
 * abandoned; docs/ingest.md tells the operator to review it, then delete
 * it. Rows are escaped so that one line is one row and the file is UTF-8
 * whatever the input (a Windows-1252 row keeps its bytes as \xHH).
 */
#include "ingest/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REJECTS_BUF (1u << 20)

static const char header[] = "file\tline\treason\tmessage\traw\n";

size_t vgi_escape(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char *o = out;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		size_t l = vg_utf8_seq(p + i, n - i);
		if (l > 1) {
			memcpy(o, p + i, l);
			o += l;
			i += l;
			continue;
		}
		if (c == '\\' || c == '\t' || c == '\r' || c == '\n') {
			*o++ = '\\';
			*o++ = c == '\\' ? '\\' : c == '\t' ? 't' : c == '\r' ? 'r' : 'n';
		} else if (l == 0 || c < 0x20 || c == 0x7F) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		} else {
			*o++ = (char)c;
		}
		i++;
	}
	return (size_t)(o - out);
}

/* Writes the whole buffer out. */
static int flush(vgi_rejects *r, vg_err *err)
{
	size_t off = 0;
	while (off < r->len) {
		ssize_t w = write(r->fd, r->buf + off, r->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return vg_err_set(err, VG_EIO, "rejects file %s: cannot write: %s", r->path,
			                  w < 0 ? strerror(errno) : "no space");
		off += (size_t)w;
	}
	r->len = 0;
	return 0;
}

/* Opens path for this run's rejects (excl: refuse an existing file). Only
 * a regular file will do: a device (/dev/null) or a pipe would lose the
 * rows, and a file this run did not create is never removed or chmod-ed
 * before it is known to be a regular file. */
static int open_file(vgi_rejects *r, const char *path, bool excl, vg_err *err)
{
	bool created = true;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST && !excl) {
		created = false; /* O_NONBLOCK: a pipe with no reader fails, not hangs */
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	}
	if (fd < 0)
		return errno == EEXIST && excl
		           ? VG_ENOTFOUND /* taken: the caller tries another name */
		           : vg_err_set(err, VG_EIO, "cannot create the rejects file %s: %s", path,
		                        strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vg_err_set(err, VG_EUSAGE,
		                  "the rejects file %s is not a regular file: the rejected rows "
		                  "must be kept (give the path of a file)",
		                  path);
	}
	if (!created && (fcntl(fd, F_SETFL, 0) != 0 || ftruncate(fd, 0) != 0)) {
		int e = errno;
		close(fd);
		return vg_err_set(err, VG_EIO, "cannot empty the rejects file %s: %s", path,
		                  strerror(e));
	}
	if (fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		if (created)
			unlink(path);
		return vg_err_set(err, VG_EIO, "cannot restrict the rejects file %s to 0600: %s",
		                  path, strerror(e));
	}
	r->fd = fd;
	r->created = created;
	if (snprintf(r->path, sizeof(r->path), "%s", path) >= (int)sizeof(r->path)) {
		close(fd);
		if (created)
			unlink(path);
		r->fd = -1;
		r->created = false;
		return vg_err_set(err, VG_ETOOBIG, "rejects file name too long");
	}
	r->buf = vg_xmalloc(REJECTS_BUF);
	r->cap = REJECTS_BUF;
	memcpy(r->buf, header, sizeof(header) - 1);
	r->len = sizeof(header) - 1;
	return 0;
}

/* Creates DIR/rejects/<UTC time>.tsv. */
static int open_default(vgi_rejects *r, vg_err *err)
{
	char dir[4200], path[4300], stamp[32];
	snprintf(dir, sizeof(dir), "%s/rejects", r->dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return vg_err_set(err, VG_EIO, "cannot create %s: %s", dir, strerror(errno));
	time_t t = (time_t)r->now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(path, sizeof(path), "%s/%s.tsv", dir, stamp);
		else
			snprintf(path, sizeof(path), "%s/%s-%d.tsv", dir, stamp, i);
		int rc = open_file(r, path, true, err);
		if (rc != VG_ENOTFOUND)
			return rc;
	}
	return vg_err_set(err, VG_EIO, "cannot create a rejects file in %s: every name is taken",
	                  dir);
}

int vgi_rejects_init(vgi_rejects *r, const char *explicit_path, const char *dir, int64_t now,
                     vg_lang lang, vg_err *err)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->explicit_path = explicit_path;
	r->dir = dir;
	r->now = now;
	r->lang = lang;
	if (explicit_path)
		return open_file(r, explicit_path, false, err);
	return 0;
}

/* Makes room for n more bytes in the buffer. */
static int room(vgi_rejects *r, size_t n, vg_err *err)
{
	if (r->len + n <= r->cap)
		return 0;
	int rc = flush(r, err);
	if (rc)
		return rc;
	if (n > r->cap) {
		r->buf = vg_xrealloc(r->buf, n);
		r->cap = n;
	}
	return 0;
}

int vgi_rejects_add(vgi_rejects *r, const char *file, uint64_t line, const vg_reason *why,
                    const char *raw, size_t n, vg_err *err)
{
	int rc;
	if (r->fd < 0 && (rc = open_default(r, err)) != 0)
		return rc;
	const char *code = why && why->code ? why->code : "other";
	const char *msg = vg_reason_text(why, r->lang);
	size_t flen = strlen(file), clen = strlen(code), mlen = strlen(msg);
	if ((rc = room(r, 4 * (flen + clen + mlen + n) + 64, err)) != 0)
		return rc;
	char *o = r->buf + r->len;
	o += vgi_escape(file, flen, o);
	o += snprintf(o, 32, "\t%llu\t", (unsigned long long)line);
	o += vgi_escape(code, clen, o);
	*o++ = '\t';
	o += vgi_escape(msg, mlen, o);
	*o++ = '\t';
	o += vgi_escape(raw, n, o);
	*o++ = '\n';
	r->len = (size_t)(o - r->buf);
	r->rows++;
	return 0;
}

int vgi_rejects_finish(vgi_rejects *r, vg_err *err)
{
	if (r->fd < 0)
		return 0;
	int rc = flush(r, err);
	if (!rc && fsync(r->fd) != 0)
		rc = vg_err_set(err, VG_EIO, "rejects file %s: cannot sync: %s", r->path,
		                strerror(errno));
	if (close(r->fd) != 0 && !rc)
		rc = vg_err_set(err, VG_EIO, "rejects file %s: cannot close: %s", r->path,
		                strerror(errno));
	r->fd = -1;
	free(r->buf);
	r->buf = NULL;
	return rc;
}

void vgi_rejects_discard(vgi_rejects *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	if (r->created)
		unlink(r->path);
	r->created = false;
	free(r->buf);
	r->buf = NULL;
}
