/*
 * out.c: the spool, vigie's own output format for bulk mail, built so that
 * 43 million messages are written in minutes (docs/notify.md has the format
 * and the measurements behind it).
 *
 * A spool directory DIR holds:
 *   DIR/bodies/KEY.eml     one file per distinct body: the MIME entity of an
 *                          email (MIME-Version, Content-Type, both parts) or
 *                          the text of an SMS. KEY (16 hex digits) is the
 *                          channel, language, categories and sources; every
 *                          message with the same ones shares the file.
 *   DIR/seg-NNNNNN.vgs     segments: many messages each, one record a
 *                          message: an envelope line
 *                            "#vigie seq=S channel=email|sms body=KEY
 *                             to=ADDR length=L\n"
 *                          then L bytes: the message's own header block
 *                          (Date, From, Reply-To, To, Subject, Message-ID;
 *                          CRLF lines). The message is that block followed
 *                          by bodies/KEY.eml.
 *   DIR/seg-NNNNNN.idx     the segment's index: 16 bytes a record, the
 *                          record's offset (u64 LE), its length (u32 LE),
 *                          its channel (u32 LE).
 *
 * Why not one file per message: at 200,000 messages/s a file each costs an
 * inode, a directory entry and (for durability) a sync each; 43 M full
 * messages of 13 kB are 560 GB, where shared bodies leave 17 GB of headers.
 *
 * Durability: bodies are written to a temporary name, fdatasynced and
 * renamed before any message refers to them; segment and index are
 * fdatasynced at the end of each batch, before the journal records it. A
 * resumed run truncates the segment and index to the journal's lengths and
 * removes later segments, so the bytes of an unjournaled batch are written
 * again, at the same place.
 */
#include "notify/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEG_ROTATE ((uint64_t)256 << 20)
#define WBUF (1u << 20)

struct nw_spool {
	char dir[4096];
	uint64_t seg;
	int fd, fdi;
	uint64_t len, idx; /* durable + buffered lengths */
	char *buf, *ibuf;
	size_t blen, ilen;
};

static int fsync_path(const char *p)
{
	int fd = open(p, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

void nw_spool_seg_path(const nw_spool *s, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/seg-%06llu.vgs", s->dir, (unsigned long long)s->seg);
}

static int open_seg(nw_spool *s, vg_err *err)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/seg-%06llu.vgs", s->dir, (unsigned long long)s->seg);
	s->fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->fd < 0 || ftruncate(s->fd, (off_t)s->len) != 0 ||
	    lseek(s->fd, (off_t)s->len, SEEK_SET) < 0)
		return vg_err_set(err, VG_EIO, "%s: %s", p, strerror(errno));
	snprintf(p, sizeof(p), "%s/seg-%06llu.idx", s->dir, (unsigned long long)s->seg);
	s->fdi = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->fdi < 0 || ftruncate(s->fdi, (off_t)s->idx) != 0 ||
	    lseek(s->fdi, (off_t)s->idx, SEEK_SET) < 0)
		return vg_err_set(err, VG_EIO, "%s: %s", p, strerror(errno));
	return 0;
}

int nw_spool_open(const char *dir, uint64_t seg, uint64_t len, uint64_t idx, nw_spool **out,
                  vg_err *err)
{
	*out = NULL;
	char p[4200];
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return vg_err_set(err, VG_EIO, "%s: %s", dir, strerror(errno));
	snprintf(p, sizeof(p), "%s/bodies", dir);
	if (mkdir(p, 0700) != 0 && errno != EEXIST)
		return vg_err_set(err, VG_EIO, "%s: %s", p, strerror(errno));
	nw_spool *s = vg_xcalloc(1, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	s->fd = s->fdi = -1;
	if (seg == 0)
		seg = 1, len = 0, idx = 0;
	s->seg = seg;
	s->len = len;
	s->idx = idx;
	/* segments after the journal's belong to an unjournaled batch */
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			unsigned long long n;
			char ext[8];
			if (sscanf(e->d_name, "seg-%6llu.%3s", &n, ext) == 2 && n > seg) {
				snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
				unlink(p);
			}
		}
		closedir(d);
	}
	int rc = open_seg(s, err);
	if (rc) {
		nw_spool_close(s);
		return rc;
	}
	s->buf = vg_xmalloc(WBUF);
	s->ibuf = vg_xmalloc(WBUF);
	*out = s;
	return 0;
}

static int flush(nw_spool *s, vg_err *err)
{
	if ((s->blen && vg_write_all(s->fd, s->buf, s->blen) != 0) ||
	    (s->ilen && vg_write_all(s->fdi, s->ibuf, s->ilen) != 0))
		return vg_err_set(err, VG_EIO, "%s: segment write: %s", s->dir, strerror(errno));
	s->blen = s->ilen = 0;
	return 0;
}

int nw_spool_body(nw_spool *s, uint64_t key, const char *data, size_t n, vg_err *err)
{
	char p[4200], t[4300], d[4200];
	snprintf(p, sizeof(p), "%s/bodies/%016llx.eml", s->dir, (unsigned long long)key);
	struct stat sb;
	if (stat(p, &sb) == 0 && (size_t)sb.st_size == n)
		return 0; /* written by an earlier run of this plan */
	snprintf(t, sizeof(t), "%s.tmp", p);
	snprintf(d, sizeof(d), "%s/bodies", s->dir);
	int fd = open(t, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || vg_write_all(fd, data, n) != 0 || fdatasync(fd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vg_err_set(err, VG_EIO, "%s: %s", t, strerror(e));
	}
	close(fd);
	if (rename(t, p) != 0 || fsync_path(d) != 0)
		return vg_err_set(err, VG_EIO, "%s: %s", p, strerror(errno));
	return 0;
}

int nw_spool_add(nw_spool *s, uint64_t seq, vg_notify_channel ch, uint64_t body_key, const char *to,
                 size_t to_len, const char *hdr, size_t hdr_len, vg_err *err)
{
	char env[400];
	if (to_len > NP_ADDR_MAX)
		return vg_err_set(err, VG_EINTERNAL, "address too long");
	/* "#vigie seq=%llu channel=%s body=%016llx to=%.*s length=%zu\n", by hand:
	 * it is written for every message */
	static const char hex[] = "0123456789abcdef";
	const char *cn = vg_notify_channel_name(ch);
	size_t el = 0, cl = strlen(cn);
	memcpy(env, "#vigie seq=", 11), el = 11;
	el += nm_u64_dec(env + el, seq);
	memcpy(env + el, " channel=", 9), el += 9;
	memcpy(env + el, cn, cl), el += cl;
	memcpy(env + el, " body=", 6), el += 6;
	for (int i = 15; i >= 0; i--)
		env[el++] = hex[(body_key >> (4 * i)) & 15];
	memcpy(env + el, " to=", 4), el += 4;
	memcpy(env + el, to, to_len), el += to_len;
	memcpy(env + el, " length=", 8), el += 8;
	el += nm_u64_dec(env + el, hdr_len);
	env[el++] = '\n';
	size_t rec = el + hdr_len;
	if (s->blen + rec > WBUF || s->ilen + 16 > WBUF) {
		int rc = flush(s, err);
		if (rc)
			return rc;
	}
	uint8_t ie[16];
	uint64_t off = s->len;
	uint32_t rl = (uint32_t)rec, c = (uint32_t)ch;
	for (int i = 0; i < 8; i++)
		ie[i] = (uint8_t)(off >> (8 * i));
	for (int i = 0; i < 4; i++) {
		ie[8 + i] = (uint8_t)(rl >> (8 * i));
		ie[12 + i] = (uint8_t)(c >> (8 * i));
	}
	if (rec > WBUF) {
		if (vg_write_all(s->fd, env, el) != 0 || vg_write_all(s->fd, hdr, hdr_len) != 0)
			return vg_err_set(err, VG_EIO, "%s: %s", s->dir, strerror(errno));
	} else {
		memcpy(s->buf + s->blen, env, (size_t)el);
		memcpy(s->buf + s->blen + el, hdr, hdr_len);
		s->blen += rec;
	}
	memcpy(s->ibuf + s->ilen, ie, 16);
	s->ilen += 16;
	s->len += rec;
	s->idx += 16;
	return 0;
}

int nw_spool_sync(nw_spool *s, uint64_t *seg, uint64_t *len, uint64_t *idx, vg_err *err)
{
	int rc = flush(s, err);
	if (rc)
		return rc;
	if (fdatasync(s->fd) != 0 || fdatasync(s->fdi) != 0)
		return vg_err_set(err, VG_EIO, "%s: fdatasync: %s", s->dir, strerror(errno));
	if (s->len >= SEG_ROTATE) {
		close(s->fd);
		close(s->fdi);
		s->seg++;
		s->len = s->idx = 0;
		if ((rc = open_seg(s, err)) != 0)
			return rc;
		if (fsync_path(s->dir) != 0)
			return vg_err_set(err, VG_EIO, "%s: %s", s->dir, strerror(errno));
	}
	*seg = s->seg;
	*len = s->len;
	*idx = s->idx;
	return 0;
}

void nw_spool_close(nw_spool *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->fdi >= 0)
		close(s->fdi);
	free(s->buf);
	free(s->ibuf);
	free(s);
}

/* ------------------------------------------------------------ reading */

/* Reads all of path into out (at most max bytes). */
static int slurp(const char *path, vg_notify_buf *out, vg_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", path,
		                  strerror(errno));
	char buf[65536];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return vg_err_set(err, VG_EIO, "%s: %s", path, strerror(errno));
		}
		if (r == 0)
			break;
		vg_buf_put(out, buf, (size_t)r);
	}
	close(fd);
	return out->full ? vg_err_set(err, VG_ETOOBIG, "%s: too large", path) : 0;
}

int vg_notify_spool_message(const char *dir, uint64_t seg, uint64_t n, vg_notify_buf *out,
                            vg_err *err)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/seg-%06llu.idx", dir, (unsigned long long)seg);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", p,
		                  strerror(errno));
	uint8_t ie[16];
	ssize_t r = pread(fd, ie, sizeof(ie), (off_t)(n * 16));
	close(fd);
	if (r != 16)
		return vg_err_set(err, VG_ENOTFOUND, "%s: no message %llu", p,
		                  (unsigned long long)n);
	uint64_t off = 0;
	uint32_t len = 0;
	for (int i = 0; i < 8; i++)
		off |= (uint64_t)ie[i] << (8 * i);
	for (int i = 0; i < 4; i++)
		len |= (uint32_t)ie[8 + i] << (8 * i);
	if (len > VG_NOTIFY_BODY_MAX)
		return vg_err_set(err, VG_ECORRUPT, "%s: record %llu too long", p,
		                  (unsigned long long)n);
	snprintf(p, sizeof(p), "%s/seg-%06llu.vgs", dir, (unsigned long long)seg);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vg_err_set(err, VG_EIO, "%s: %s", p, strerror(errno));
	char *rec = vg_xmalloc((size_t)len + 1);
	r = pread(fd, rec, len, (off_t)off);
	close(fd);
	int rc = 0;
	unsigned long long seq, key;
	size_t hl;
	char chan[8];
	char *nl = r == (ssize_t)len ? memchr(rec, '\n', len) : NULL;
	if (!nl) {
		rc = vg_err_set(err, VG_ECORRUPT, "%s: record %llu truncated", p,
		                (unsigned long long)n);
		goto out;
	}
	*nl = 0;
	const char *lp = strstr(rec, " length=");
	if (sscanf(rec, "#vigie seq=%llu channel=%7s body=%16llx", &seq, chan, &key) != 3 || !lp ||
	    sscanf(lp, " length=%zu", &hl) != 1 || hl != len - (size_t)(nl + 1 - rec)) {
		rc = vg_err_set(err, VG_ECORRUPT, "%s: record %llu: bad envelope", p,
		                (unsigned long long)n);
		goto out;
	}
	vg_buf_put(out, nl + 1, hl);
	snprintf(p, sizeof(p), "%s/bodies/%016llx.eml", dir, key);
	if (!strcmp(chan, "sms"))
		vg_buf_puts(out, "\r\n");
	rc = slurp(p, out, err);
out:
	free(rec);
	return rc;
}
