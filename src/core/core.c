/*
 * core.c: error names, error buffers, language parsing, aborting allocators.
 */
#include "vigie/core.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *vg_strerror(int code)
{
	switch (code) {
	case VG_OK:
		return "ok";
	case VG_EINVAL:
		return "invalid input";
	case VG_ENOMEM:
		return "out of memory";
	case VG_EIO:
		return "input/output error";
	case VG_ECORRUPT:
		return "corrupt or truncated file";
	case VG_EUSAGE:
		return "usage error";
	case VG_ENOTFOUND:
		return "not found";
	case VG_ETOOBIG:
		return "input over size limit";
	case VG_EINTERNAL:
		return "internal error";
	}
	return "unknown error";
}

int vg_err_set(vg_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

int vg_lang_parse(const char *s, vg_lang *out)
{
	if (!s)
		return VG_EINVAL;
	if (!strcasecmp(s, "fr")) {
		*out = VG_LANG_FR;
		return 0;
	}
	if (!strcasecmp(s, "en")) {
		*out = VG_LANG_EN;
		return 0;
	}
	return VG_EINVAL;
}

static void oom(size_t n)
{
	fprintf(stderr, "vigie: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *vg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *vg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *vg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *vg_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = vg_xmalloc(n);
	memcpy(p, s, n);
	return p;
}

const char *vg_version(void)
{
	return VIGIE_VERSION;
}

int vg_secret_file_create(const char *path, const char *what, const void *secret, size_t n,
                          int exists_rc, vg_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return vg_err_set(err, errno == EEXIST ? exists_rc : VG_EIO, "cannot create %s %s: %s",
		                  what, path, strerror(errno));
	size_t len = 2 * n + 1;
	char *hex = vg_xmalloc(len + 1);
	sodium_bin2hex(hex, len + 1, secret, n);
	hex[2 * n] = '\n';
	int rc = 0;
	if (fchmod(fd, 0600) != 0 || vg_write_all(fd, hex, len) != 0 || fsync(fd) != 0)
		rc = vg_err_set(err, VG_EIO, "cannot write %s %s: %s", what, path, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = vg_err_set(err, VG_EIO, "cannot write %s %s: %s", what, path, strerror(errno));
	if (rc == 0 && vg_sync_dir_of(path) != 0)
		rc = vg_err_set(err, VG_EIO, "cannot sync the directory of %s: %s", path,
		                strerror(errno));
	if (rc)
		unlink(path);
	sodium_memzero(hex, len + 1);
	free(hex);
	return rc;
}

int vg_secret_file_read(const char *path, const char *what, void *buf, size_t cap, size_t *len,
                        vg_err *err)
{
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "cannot open %s %s: %s",
		                  what, path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return vg_err_set(err, VG_EIO, "cannot stat %s %s: %s", what, path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return vg_err_set(err, VG_EINVAL, "%s %s is not a regular file", what, path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return vg_err_set(err, VG_EINVAL,
		                  "%s %s is accessible to group or others (mode %04o); "
		                  "refusing to use it: run chmod 600 %s, and consider the key "
		                  "compromised if others could read it",
		                  what, path, (unsigned)(st.st_mode & 07777), path);
	}
	size_t n = 0;
	while (n < cap) {
		ssize_t r = read(fd, (char *)buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			sodium_memzero(buf, cap);
			return vg_err_set(err, VG_EIO, "cannot read %s %s: %s", what, path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return 0;
}
