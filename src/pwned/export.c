/*
 * export.c: all 1,048,576 range files, for a static host or a CDN (the way
 * Have I Been Pwned serves its range API from a cache).
 *
 * The files go into a fresh directory OUTDIR/.range-XXXXXX, are synced
 * with one syncfs(), and the directory is renamed to OUTDIR/range (or
 * range-ntlm). When that name exists, renameat2(RENAME_EXCHANGE) swaps the
 * two atomically, so a server reading OUTDIR/range sees either the old set
 * or the new one, never a mix; the old set is then removed. An interrupted
 * export removes its temporary directory.
 */
#include "pwned/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Removes a flat directory of files (what an export writes). */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(path);
}

int vg_pwned_export(const vg_pwned *p, vg_pwned_mode m, const char *outdir,
                    volatile sig_atomic_t *stop,
                    void (*progress)(void *ctx, uint32_t done, uint32_t total), void *ctx,
                    vg_pwned_export_result *res, vg_err *err)
{
	double t0 = now_s();
	memset(res, 0, sizeof(*res));
	if (p && p->info.mode != m)
		return vg_err_set(err, VG_EINVAL, "the store holds %s hashes, not %s",
		                  vg_pwned_mode_name(p->info.mode), vg_pwned_mode_name(m));
	if (strlen(outdir) > 4000)
		return vg_err_set(err, VG_ETOOBIG, "output directory name too long");
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
		return vg_err_set(err, VG_EIO, "cannot create %s: %s", outdir, strerror(errno));
	snprintf(res->dir, sizeof(res->dir), "%s/%s", outdir,
	         m == VG_PWNED_NTLM ? "range-ntlm" : "range");
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s/.range-XXXXXX", outdir);
	if (!mkdtemp(tmp))
		return vg_err_set(err, VG_EIO, "cannot create a directory in %s: %s", outdir,
		                  strerror(errno));
	chmod(tmp, 0755);
	int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		int rc = vg_err_set(err, VG_EIO, "%s: %s", tmp, strerror(errno));
		rmdir(tmp);
		return rc;
	}
	size_t cap = p ? (size_t)p->info.max_bucket * (vg_pwned_suffix_hex(m) + 13) : 0;
	char *buf = vg_xmalloc(cap ? cap : 1);
	int rc = 0;
	char empty[8] = ""; /* the first empty file, linked to by the others */
	for (uint32_t pre = 0; pre < VG_PWNED_PREFIXES; pre++) {
		if ((pre & 4095) == 0) {
			if (stop && *stop) {
				rc = vg_err_set(err, VG_EIO, "interrupted");
				break;
			}
			if (progress)
				progress(ctx, pre, VG_PWNED_PREFIXES);
		}
		char name[8];
		snprintf(name, sizeof(name), "%05X", pre);
		size_t n = vg_pwned_range_text(p, m, pre, 0, buf, cap);
		if (n == 0 && empty[0]) {
			/* empty buckets share an inode: a sparse store costs one
			 * directory entry per prefix, not one file (ext4 allows 65,000
			 * links to a file: at EMLINK a new empty file starts) */
			if (linkat(dfd, empty, dfd, name, 0) == 0) {
				res->files++;
				continue;
			}
			if (errno != EMLINK) {
				rc = vg_err_set(err, VG_EIO, "%s/%s: %s", tmp, name,
				                strerror(errno));
				break;
			}
		}
		if (n == 0)
			memcpy(empty, name, sizeof(name));
		int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 || (n && vg_write_all(fd, buf, n) != 0)) {
			rc = vg_err_set(err, VG_EIO, "%s/%s: %s", tmp, name, strerror(errno));
			if (fd >= 0)
				close(fd);
			break;
		}
		if (close(fd) != 0) {
			rc = vg_err_set(err, VG_EIO, "%s/%s: %s", tmp, name, strerror(errno));
			break;
		}
		res->files++;
		res->bytes += n;
		res->nonempty += n > 0;
	}
	free(buf);
	if (!rc && (syncfs(dfd) != 0 || fsync(dfd) != 0))
		rc = vg_err_set(err, VG_EIO, "cannot sync %s: %s", tmp, strerror(errno));
	close(dfd);
	if (!rc) {
		if (progress)
			progress(ctx, VG_PWNED_PREFIXES, VG_PWNED_PREFIXES);
		struct stat st;
		if (lstat(res->dir, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				rc = vg_err_set(err, VG_EIO, "%s exists and is not a directory",
				                res->dir);
			else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, res->dir, RENAME_EXCHANGE) != 0)
				rc = vg_err_set(err, VG_EIO, "cannot swap %s into %s: %s", tmp,
				                res->dir, strerror(errno));
			/* on success tmp now names the previous set */
		} else if (rename(tmp, res->dir) != 0) {
			rc = vg_err_set(err, VG_EIO, "cannot rename %s to %s: %s", tmp, res->dir,
			                strerror(errno));
		}
		if (!rc && vg_sync_dir(outdir) != 0)
			rc = vg_err_set(err, VG_EIO, "cannot sync %s: %s", outdir, strerror(errno));
	}
	remove_tree(tmp); /* the failed new set, or the previous one */
	res->seconds = now_s() - t0;
	return rc;
}
