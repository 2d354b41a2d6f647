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

/* The loop of the three below: write (off unused), pwrite or pread of the
 * whole p[0..n). */
enum io_op { IO_WRITE, IO_PWRITE, IO_PREAD };

static int io_all(enum io_op op, int fd, uint8_t *p, size_t n, uint64_t off)
{
	while (n > 0) {
		ssize_t k = op == IO_WRITE    ? write(fd, p, n)
		            : op == IO_PWRITE ? pwrite(fd, p, n, (off_t)off)
		                              : pread(fd, p, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO; /* nothing written, or the file is shorter */
			return -1;
		}
		p += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return 0;
}

/* write(2) and pwrite(2) only read p: the casts drop a const they keep. */
int vg_write_all(int fd, const void *p, size_t n)
{
	return io_all(IO_WRITE, fd, (uint8_t *)(uintptr_t)p, n, 0);
}

int vg_pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
	return io_all(IO_PWRITE, fd, (uint8_t *)(uintptr_t)p, n, off);
}

int vg_pread_all(int fd, void *p, size_t n, uint64_t off)
{
	return io_all(IO_PREAD, fd, p, n, off);
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
