/*
 * fdio.c: whole reads and writes on file descriptors, the loops every
 * writer of a file needs (a write or pread may do part of the work, or be
 * interrupted by a signal). One copy for the registry builder, the
 * password store and the notification spool.
 */
#include "vigie/core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int vg_write_all(int fd, const void *p, size_t n)
{
	const uint8_t *s = p;
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int vg_pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
	const uint8_t *s = p;
	while (n > 0) {
		ssize_t w = pwrite(fd, s, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		s += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

int vg_pread_all(int fd, void *p, size_t n, uint64_t off)
{
	uint8_t *d = p;
	while (n > 0) {
		ssize_t r = pread(fd, d, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO; /* the file is shorter */
			return -1;
		}
		d += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int vg_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int vg_sync_dir_of(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return vg_sync_dir(dir);
}

int vg_lock_file(const char *dir, const char *name, const char *what, int *fd, vg_err *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return vg_err_set(err, VG_EIO, "cannot open %s: %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		return vg_err_set(
		    err, VG_EIO,
		    "another %s is running in %s (%s is locked); wait for it to finish", what, dir,
		    path);
	return 0;
}
