/*
 * token.c: helpdesk bearer tokens, their file, and the server's store with
 * one rate-limit bucket per token (vigie/token.h has the format).
 *
 * Invariants:
 *  1. The file never holds a token, only BLAKE2b-256(token) keyed with the
 *     file's salt.
 *  2. The file is replaced atomically (write to PATH.tmp, fsync, rename,
 *     fsync the directory) under an exclusive flock on PATH.lock, so two
 *     `vigie token add` never lose each other's token and a reading server
 *     sees the old file or the new one, never half of one.
 *  3. A lookup compares the hash with every active entry: its time does not
 *     depend on which entry matched, or whether one did.
 */
#include "vigie/token.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SALT_BYTES 16
#define HASH_BYTES 32
#define TOKEN_RAW 32

/* ------------------------------------------------------------ token bucket */

bool vg_bucket_take(vg_bucket *b, double rate, double burst, uint64_t now_ms, unsigned *retry_s)
{
	if (b->last_ms == 0) {
		b->level = burst;
		b->last_ms = now_ms;
	} else if (now_ms > b->last_ms) {
		b->level += (double)(now_ms - b->last_ms) / 1000.0 * rate;
		if (b->level > burst)
			b->level = burst;
		b->last_ms = now_ms;
	}
	if (b->level >= 1.0) {
		b->level -= 1.0;
		return true;
	}
	if (retry_s) {
		double s = (1.0 - b->level) / rate;
		unsigned r = (unsigned)s;
		if ((double)r < s)
			r++;
		*retry_s = r ? r : 1;
	}
	return false;
}

/* ------------------------------------------------------------ the file */

typedef struct entry {
	vg_token_info info;
	uint8_t hash[HASH_BYTES];
} entry;

struct vg_tokens {
	uint8_t salt[SALT_BYTES];
	entry *v;
	size_t n;
};

bool vg_token_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > VG_TOKEN_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

void vg_tokens_free(vg_tokens *t)
{
	if (!t)
		return;
	sodium_memzero(t->salt, sizeof(t->salt));
	free(t->v);
	free(t);
}

size_t vg_tokens_count(const vg_tokens *t)
{
	return t->n;
}

void vg_tokens_info(const vg_tokens *t, size_t i, vg_token_info *out)
{
	*out = t->v[i].info;
}

static void token_hash(const vg_tokens *t, const char *tok, size_t n, uint8_t out[HASH_BYTES])
{
	crypto_generichash(out, HASH_BYTES, (const unsigned char *)tok, n, t->salt, SALT_BYTES);
}

long vg_tokens_find(const vg_tokens *t, const char *tok, size_t n)
{
	uint8_t h[HASH_BYTES];
	token_hash(t, tok, n, h);
	long found = -1;
	for (size_t i = 0; i < t->n; i++) {
		/* every entry compared: no early exit on a match */
		int eq = sodium_memcmp(h, t->v[i].hash, HASH_BYTES) == 0;
		if (eq && t->v[i].info.revoked == 0 && found < 0)
			found = (long)i;
	}
	sodium_memzero(h, sizeof(h));
	return found;
}

static const char header_comment[] = "# vigie tokens: written by `vigie token`; do not edit\n";

/* Parses the file's text. */
static int parse(const char *path, const char *s, size_t n, vg_tokens **out, vg_err *err)
{
	vg_tokens *t = vg_xcalloc(1, sizeof(*t));
	size_t cap = 0;
	unsigned lineno = 0;
	bool have_header = false;
	size_t pos = 0;
	while (pos < n) {
		const char *line = s + pos;
		const char *nl = memchr(line, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - line) : n - pos;
		pos += len + (nl ? 1 : 0);
		lineno++;
		if (len == 0 || line[0] == '#')
			continue;
		char buf[512];
		if (len >= sizeof(buf))
			goto bad;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (!have_header) {
			char salt_hex[2 * SALT_BYTES + 2];
			int version;
			if (sscanf(buf, "vigie-tokens %d %33s", &version, salt_hex) != 2 || version != 1 ||
			    strlen(salt_hex) != 2 * SALT_BYTES ||
			    sodium_hex2bin(t->salt, SALT_BYTES, salt_hex, 2 * SALT_BYTES, NULL, NULL,
			                   NULL) != 0)
				goto bad;
			have_header = true;
			continue;
		}
		char name[VG_TOKEN_NAME_MAX + 2], hash_hex[2 * HASH_BYTES + 2];
		long long created, revoked;
		if (sscanf(buf, "%65s %65s %lld %lld", name, hash_hex, &created, &revoked) != 4 ||
		    !vg_token_name_ok(name) || strlen(hash_hex) != 2 * HASH_BYTES || created < 0 ||
		    revoked < 0)
			goto bad;
		if (t->n >= VG_TOKEN_MAX_ENTRIES) {
			vg_tokens_free(t);
			return vg_err_set(err, VG_ETOOBIG, "%s: more than %d tokens", path,
			                  VG_TOKEN_MAX_ENTRIES);
		}
		if (t->n == cap) {
			cap = cap ? 2 * cap : 16;
			t->v = vg_xrealloc(t->v, cap * sizeof(*t->v));
		}
		entry *e = &t->v[t->n];
		memset(e, 0, sizeof(*e));
		if (sodium_hex2bin(e->hash, HASH_BYTES, hash_hex, 2 * HASH_BYTES, NULL, NULL, NULL) != 0)
			goto bad;
		memcpy(e->info.name, name, strlen(name) + 1);
		e->info.created = created;
		e->info.revoked = revoked;
		for (size_t i = 0; i < t->n; i++)
			if (!strcmp(t->v[i].info.name, name))
				goto bad;
		t->n++;
	}
	if (!have_header) {
		vg_tokens_free(t);
		return vg_err_set(err, VG_ECORRUPT, "%s: not a vigie token file", path);
	}
	*out = t;
	return 0;
bad:
	vg_tokens_free(t);
	return vg_err_set(err, VG_ECORRUPT, "%s:%u: malformed line", path, lineno);
}

/* Reads the whole file at fd (at most VG_TOKEN_FILE_MAX). */
static int read_fd(int fd, const char *path, char **out, size_t *outn, vg_err *err)
{
	size_t cap = 4096, n = 0;
	char *buf = vg_xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap >= VG_TOKEN_FILE_MAX) {
				free(buf);
				return vg_err_set(err, VG_ETOOBIG, "%s: over %d bytes", path,
				                  VG_TOKEN_FILE_MAX);
			}
			cap *= 2;
			buf = vg_xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			return vg_err_set(err, VG_EIO, "%s: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*out = buf;
	*outn = n;
	return 0;
}

/* Loads path; st (optional, OUT) gets its stat. */
static int load(const char *path, vg_tokens **out, struct stat *st_out, vg_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		return vg_err_set(err, e == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", path,
		                  strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vg_err_set(err, VG_EINVAL, "%s: not a regular file", path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return vg_err_set(err, VG_EINVAL,
		                  "%s: readable by group or others (mode %03o); run chmod 600 %s",
		                  path, (unsigned)(st.st_mode & 0777), path);
	}
	char *buf = NULL;
	size_t n = 0;
	int rc = read_fd(fd, path, &buf, &n, err);
	close(fd);
	if (rc)
		return rc;
	rc = parse(path, buf, n, out, err);
	free(buf);
	if (rc == 0 && st_out)
		*st_out = st;
	return rc;
}

int vg_tokens_load(const char *path, vg_tokens **out, vg_err *err)
{
	return load(path, out, NULL, err);
}

/* Writes t to path atomically (invariant 2; the caller holds the lock). */
static int write_file(const char *path, const vg_tokens *t, vg_err *err)
{
	size_t pl = strlen(path);
	char *tmp = vg_xmalloc(pl + 5);
	memcpy(tmp, path, pl);
	memcpy(tmp + pl, ".tmp", 5);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return vg_err_set(err, VG_EIO, "%s: %s", path, strerror(e));
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		free(tmp);
		return vg_err_set(err, VG_EIO, "%s: fdopen failed", path);
	}
	char salt_hex[2 * SALT_BYTES + 1];
	sodium_bin2hex(salt_hex, sizeof(salt_hex), t->salt, SALT_BYTES);
	fputs(header_comment, f);
	fprintf(f, "vigie-tokens 1 %s\n", salt_hex);
	for (size_t i = 0; i < t->n; i++) {
		char hex[2 * HASH_BYTES + 1];
		sodium_bin2hex(hex, sizeof(hex), t->v[i].hash, HASH_BYTES);
		fprintf(f, "%s %s %lld %lld\n", t->v[i].info.name, hex,
		        (long long)t->v[i].info.created, (long long)t->v[i].info.revoked);
	}
	int rc = 0;
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = VG_EIO;
	if (fclose(f) != 0)
		rc = VG_EIO;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = VG_EIO;
	if (rc) {
		int e = errno;
		unlink(tmp);
		free(tmp);
		return vg_err_set(err, VG_EIO, "%s: cannot write: %s", path, strerror(e));
	}
	free(tmp);
	/* the rename is durable once the directory is synced */
	char *dup = vg_xstrdup(path);
	int dfd = open(dirname(dup), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dup);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* Takes the exclusive lock PATH.lock. */
static int lock_file(const char *path, int *fd_out, vg_err *err)
{
	size_t pl = strlen(path);
	char *lk = vg_xmalloc(pl + 6);
	memcpy(lk, path, pl);
	memcpy(lk + pl, ".lock", 6);
	int fd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lk);
	if (fd < 0)
		return vg_err_set(err, VG_EIO, "%s.lock: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX) != 0) {
		close(fd);
		return vg_err_set(err, VG_EIO, "%s.lock: %s", path, strerror(errno));
	}
	*fd_out = fd;
	return 0;
}

int vg_tokens_add(const char *path, const char *name, int64_t now,
                  char token_out[VG_TOKEN_TEXT_MAX], vg_err *err)
{
	if (!vg_token_name_ok(name))
		return vg_err_set(err, VG_EINVAL,
		                  "bad token name: 1 to %d characters among A-Z a-z 0-9 . _ -",
		                  VG_TOKEN_NAME_MAX);
	if (sodium_init() < 0)
		return vg_err_set(err, VG_EINTERNAL, "libsodium failed to initialize");
	int lfd;
	int rc = lock_file(path, &lfd, err);
	if (rc)
		return rc;
	vg_tokens *t = NULL;
	rc = load(path, &t, NULL, err);
	if (rc == VG_ENOTFOUND) {
		t = vg_xcalloc(1, sizeof(*t));
		randombytes_buf(t->salt, SALT_BYTES);
		rc = 0;
	}
	if (rc)
		goto out;
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].info.name, name)) {
			rc = vg_err_set(err, VG_EINVAL, "a token named '%s' exists already%s", name,
			                t->v[i].info.revoked ? " (revoked)" : "");
			goto out;
		}
	if (t->n >= VG_TOKEN_MAX_ENTRIES) {
		rc = vg_err_set(err, VG_ETOOBIG, "%s: %d tokens already", path, VG_TOKEN_MAX_ENTRIES);
		goto out;
	}
	uint8_t raw[TOKEN_RAW];
	randombytes_buf(raw, sizeof(raw));
	char text[VG_TOKEN_TEXT_MAX];
	memcpy(text, VG_TOKEN_PREFIX, 4);
	sodium_bin2base64(text + 4, sizeof(text) - 4, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	t->v = vg_xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	entry *e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	memcpy(e->info.name, name, strlen(name) + 1);
	e->info.created = now ? now : (int64_t)time(NULL);
	token_hash(t, text, strlen(text), e->hash);
	t->n++;
	rc = write_file(path, t, err);
	if (rc == 0)
		memcpy(token_out, text, strlen(text) + 1);
	sodium_memzero(text, sizeof(text));
out:
	vg_tokens_free(t);
	close(lfd);
	return rc;
}

int vg_tokens_revoke(const char *path, const char *name, int64_t now, vg_err *err)
{
	int lfd;
	int rc = lock_file(path, &lfd, err);
	if (rc)
		return rc;
	vg_tokens *t = NULL;
	rc = load(path, &t, NULL, err);
	if (rc)
		goto out;
	rc = vg_err_set(err, VG_ENOTFOUND, "no active token named '%s'", name);
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].info.name, name) && t->v[i].info.revoked == 0) {
			t->v[i].info.revoked = now ? now : (int64_t)time(NULL);
			if (err)
				err->msg[0] = '\0';
			rc = write_file(path, t, err);
			break;
		}
out:
	vg_tokens_free(t);
	close(lfd);
	return rc;
}

/* ------------------------------------------------------------ the server's store */

struct vg_tokenstore {
	pthread_mutex_t mu;
	char *path;
	double rate, burst;
	vg_tokens *cur;
	vg_bucket *buckets; /* one per entry of cur */
	struct stat st;     /* of the file loaded */
};

int vg_tokenstore_open(const char *path, double rate, double burst, vg_tokenstore **out,
                       vg_err *err)
{
	if (sodium_init() < 0)
		return vg_err_set(err, VG_EINTERNAL, "libsodium failed to initialize");
	vg_tokenstore *s = vg_xcalloc(1, sizeof(*s));
	int rc = load(path, &s->cur, &s->st, err);
	if (rc) {
		free(s);
		return rc;
	}
	pthread_mutex_init(&s->mu, NULL);
	s->path = vg_xstrdup(path);
	s->rate = rate;
	s->burst = burst;
	s->buckets = vg_xcalloc(s->cur->n ? s->cur->n : 1, sizeof(vg_bucket));
	*out = s;
	return 0;
}

void vg_tokenstore_free(vg_tokenstore *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->mu);
	vg_tokens_free(s->cur);
	free(s->buckets);
	free(s->path);
	free(s);
}

int vg_tokenstore_reload(vg_tokenstore *s, bool if_changed, vg_err *err)
{
	if (if_changed) {
		struct stat st;
		if (stat(s->path, &st) != 0)
			return vg_err_set(err, VG_EIO, "%s: %s", s->path, strerror(errno));
		pthread_mutex_lock(&s->mu);
		bool same = st.st_ino == s->st.st_ino && st.st_dev == s->st.st_dev &&
		            st.st_size == s->st.st_size &&
		            st.st_mtim.tv_sec == s->st.st_mtim.tv_sec &&
		            st.st_mtim.tv_nsec == s->st.st_mtim.tv_nsec;
		pthread_mutex_unlock(&s->mu);
		if (same)
			return 0;
	}
	vg_tokens *t;
	struct stat st;
	int rc = load(s->path, &t, &st, err);
	if (rc)
		return rc;
	vg_bucket *b = vg_xcalloc(t->n ? t->n : 1, sizeof(vg_bucket));
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < t->n; i++)
		for (size_t j = 0; j < s->cur->n; j++)
			if (!strcmp(t->v[i].info.name, s->cur->v[j].info.name)) {
				b[i] = s->buckets[j];
				break;
			}
	vg_tokens *old = s->cur;
	vg_bucket *oldb = s->buckets;
	s->cur = t;
	s->buckets = b;
	s->st = st;
	pthread_mutex_unlock(&s->mu);
	vg_tokens_free(old);
	free(oldb);
	return 1;
}

int vg_tokenstore_auth(vg_tokenstore *s, const char *tok, size_t n, uint64_t now_ms,
                       char name_out[VG_TOKEN_NAME_MAX + 1], unsigned *retry_s)
{
	int rc = VG_TOKEN_BAD;
	pthread_mutex_lock(&s->mu);
	long i = vg_tokens_find(s->cur, tok, n);
	if (i >= 0) {
		memcpy(name_out, s->cur->v[i].info.name, strlen(s->cur->v[i].info.name) + 1);
		rc = vg_bucket_take(&s->buckets[i], s->rate, s->burst, now_ms, retry_s)
		         ? VG_TOKEN_OK
		         : VG_TOKEN_LIMITED;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}
