/*
 * audit.c: the hash-chained audit log of helpdesk lookups (vigie/audit.h has
 * the format), with group commit, and its verifier.
 *
 * Invariants:
 *  1. seq, prev and the file order agree: a line is built (seq, prev =
 *     head) and written under a->mu, and the head moves only once the
 *     write succeeded.
 *  2. Group commit: appends only add their line to the pending buffer
 *     (memory, under a->mu); request threads never touch the file (on
 *     ext4 a write into a page under writeback may wait for it). One
 *     thread at a time (a->writing) takes the whole buffer and writes it
 *     with one write(2), then moves written; the syncer alone fdatasyncs
 *     (target = written, then synced = target). With wait_sync the syncer
 *     writes each batch itself right before syncing it (lines pile up
 *     during a sync, no thread is woken per line); with no_wait_sync the
 *     writer thread writes as soon as lines come, without waiting for the
 *     syncs, and the syncer syncs behind it. Tickets are seqs; a ticket is
 *     durable once a->durable (synced, or written with no_wait_sync)
 *     reaches it.
 *  3. After a failed write or sync, broken is set and stays set: no later
 *     line is written (a gap in the chain would be read as tampering) and
 *     no ticket past durable ever reports durable.
 *  4. The pending buffer is bounded (PENDING_MAX): when the disk stalls,
 *     appends wait for room rather than grow memory without end.
 */
#include "vigie/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HASH_BYTES 32
#define PENDING_MAX (8u << 20)
/* `,"hash":"` + 64 hex + `"}` */
#define SUFFIX_LEN (9 + VG_AUDIT_HASH_HEX + 2)

static const char zero_hash[VG_AUDIT_HASH_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct vg_audit {
	pthread_mutex_t mu;
	pthread_cond_t cv_work; /* for the writer: a line appended
	                           (no_wait_sync), closing, or broken */
	pthread_cond_t cv_sync; /* durable moved, room in pending, or broken */
	int fd;
	char *path;
	uint64_t seq; /* last seq appended (in pending or on disk) */
	char head[VG_AUDIT_HASH_HEX + 1];
	uint64_t written, synced; /* last seq written, last seq synced */
	uint64_t durable;         /* synced, or written when no_wait_sync */
	pthread_cond_t cv_written; /* for the syncer: written moved, a line
	                              appended (wait_sync), the writer stopped */
	char *pending; /* lines appended, not yet written */
	size_t plen, pcap;
	bool broken, closing, writer_done, writing;
	bool no_wait_sync; /* durable = written (vg_audit_set_wait_sync) */
	pthread_t writer, syncer;
	void (*notify)(void *);
	void *notify_arg;
};

/* hex of BLAKE2b-256(s[0..n)) */
static void hash_hex(const char *s, size_t n, char out[VG_AUDIT_HASH_HEX + 1])
{
	uint8_t h[HASH_BYTES];
	crypto_generichash(h, sizeof(h), (const unsigned char *)s, n, NULL, 0);
	sodium_bin2hex(out, VG_AUDIT_HASH_HEX + 1, h, sizeof(h));
}

static bool is_hex64(const char *s)
{
	for (int i = 0; i < VG_AUDIT_HASH_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* ------------------------------------------------------------ one line */

/*
 * Checks one line s[0..n) (no line end): its hash, then its seq and prev
 * against the expected ones. Fills seq_out and hash_out. Returns NULL when
 * the line is valid, else the code, with what in c->what.
 */
static const char *check_line(const char *s, size_t n, uint64_t want_seq, const char *want_prev,
                              uint64_t *seq_out, char hash_out[VG_AUDIT_HASH_HEX + 1],
                              vg_audit_check *c)
{
	if (n < SUFFIX_LEN + 2 || s[0] != '{' || memcmp(s + n - SUFFIX_LEN, ",\"hash\":\"", 9) != 0 ||
	    memcmp(s + n - 2, "\"}", 2) != 0 || !is_hex64(s + n - 2 - VG_AUDIT_HASH_HEX)) {
		snprintf(c->what, sizeof(c->what), "not an audit line (no final \"hash\" field)");
		return "malformed";
	}
	json_error_t je;
	json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
	json_t *jseq = json_object_get(j, "seq"), *jprev = json_object_get(j, "prev");
	if (!j || !json_is_object(j) || !json_is_integer(jseq) || json_integer_value(jseq) < 1 ||
	    !json_is_string(jprev) || json_string_length(jprev) != VG_AUDIT_HASH_HEX ||
	    !json_is_string(json_object_get(j, "time")) ||
	    !json_is_string(json_object_get(j, "token")) ||
	    !json_is_string(json_object_get(j, "result"))) {
		json_decref(j);
		snprintf(c->what, sizeof(c->what), "not an audit line (bad JSON or missing fields)");
		return "malformed";
	}
	uint64_t seq = (uint64_t)json_integer_value(jseq);
	char prev[VG_AUDIT_HASH_HEX + 1];
	memcpy(prev, json_string_value(jprev), VG_AUDIT_HASH_HEX + 1);
	json_decref(j);
	char h[VG_AUDIT_HASH_HEX + 1];
	hash_hex(s, n - SUFFIX_LEN, h);
	if (memcmp(h, s + n - 2 - VG_AUDIT_HASH_HEX, VG_AUDIT_HASH_HEX) != 0) {
		snprintf(c->what, sizeof(c->what),
		         "the line's hash does not match its content: the line was edited");
		return "edited";
	}
	*seq_out = seq;
	memcpy(hash_out, h, sizeof(h));
	if (seq != want_seq) {
		if (seq > want_seq)
			snprintf(c->what, sizeof(c->what),
			         "seq %" PRIu64 " where %" PRIu64
			         " was expected: line(s) deleted before it, or lines reordered",
			         seq, want_seq);
		else
			snprintf(c->what, sizeof(c->what),
			         "seq %" PRIu64 " where %" PRIu64
			         " was expected: a line inserted, repeated or reordered",
			         seq, want_seq);
		return "bad-seq";
	}
	if (strcmp(prev, want_prev) != 0) {
		snprintf(c->what, sizeof(c->what),
		         "prev does not match the hash of the line before: a line before it was "
		         "replaced, inserted, deleted or moved");
		return "broken-chain";
	}
	return NULL;
}

static int parse_expect(const char *e, uint64_t *seq, char hash[VG_AUDIT_HASH_HEX + 1])
{
	*seq = 0;
	const char *colon = strchr(e, ':');
	if (colon) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(e, &end, 10);
		if (end != colon || errno || v == 0)
			return VG_EINVAL;
		*seq = v;
		e = colon + 1;
	}
	if (strlen(e) != VG_AUDIT_HASH_HEX || !is_hex64(e))
		return VG_EINVAL;
	memcpy(hash, e, VG_AUDIT_HASH_HEX + 1);
	return 0;
}

void vg_audit_verify_mem(const char *s, size_t n, const char *expect, vg_audit_check *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->head, zero_hash, sizeof(zero_hash));
	uint64_t exp_seq = 0;
	char exp_hash[VG_AUDIT_HASH_HEX + 1] = {0};
	bool have_expect = expect && parse_expect(expect, &exp_seq, exp_hash) == 0;
	bool expect_seen = false;
	size_t pos = 0;
	uint64_t lineno = 0;
	while (pos < n) {
		const char *line = s + pos;
		const char *nl = memchr(line, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - line) : n - pos;
		lineno++;
		if (!nl) {
			c->bad_line = lineno;
			c->code = "cut";
			snprintf(c->what, sizeof(c->what),
			         "the last line has no line end: the file was cut (or a write was "
			         "interrupted)");
			return;
		}
		pos += len + 1;
		uint64_t seq;
		char h[VG_AUDIT_HASH_HEX + 1];
		const char *code = len > VG_AUDIT_LINE_MAX ? "malformed"
		                   : check_line(line, len, c->head_seq + 1, c->head, &seq, h, c);
		if (len > VG_AUDIT_LINE_MAX)
			snprintf(c->what, sizeof(c->what), "line over %d bytes", VG_AUDIT_LINE_MAX);
		if (code) {
			c->bad_line = lineno;
			c->code = code;
			return;
		}
		c->lines++;
		c->head_seq = seq;
		memcpy(c->head, h, sizeof(h));
		if (have_expect && exp_seq == seq) {
			expect_seen = true;
			if (strcmp(h, exp_hash) != 0) {
				c->bad_line = lineno;
				c->code = "head-mismatch";
				snprintf(c->what, sizeof(c->what),
				         "line %" PRIu64 " does not have the recorded hash", seq);
				return;
			}
		}
	}
	if (have_expect) {
		bool ok = exp_seq ? expect_seen : !strcmp(c->head, exp_hash);
		if (!ok) {
			c->bad_line = lineno + 1;
			c->code = "head-mismatch";
			if (exp_seq)
				snprintf(c->what, sizeof(c->what),
				         "the file ends before the recorded head (seq %" PRIu64
				         "): lines were cut off the end",
				         exp_seq);
			else
				snprintf(c->what, sizeof(c->what),
				         "the file does not end with the recorded head: lines were "
				         "cut off the end, or added after it");
			return;
		}
	}
	c->ok = true;
}

int vg_audit_verify(const char *path, const char *expect_head, vg_audit_check *out, vg_err *err)
{
	uint64_t s;
	char h[VG_AUDIT_HASH_HEX + 1];
	if (expect_head && parse_expect(expect_head, &s, h) != 0)
		return vg_err_set(err, VG_EINVAL, "expected head: SEQ:HASH or HASH (64 hex)");
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		return vg_err_set(err, e == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", path,
		                  strerror(e));
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = vg_xmalloc(cap);
	size_t r;
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			buf = vg_xrealloc(buf, cap);
		}
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return vg_err_set(err, VG_EIO, "%s: read error", path);
	}
	vg_audit_verify_mem(buf, n, expect_head, out);
	free(buf);
	return 0;
}

/* ------------------------------------------------------------ writing */

/* Calls the notify callback with a->mu held on entry and on return. */
static void notify_unlocked(vg_audit *a)
{
	void (*cb)(void *) = a->notify;
	void *cb_arg = a->notify_arg;
	pthread_mutex_unlock(&a->mu);
	if (cb)
		cb(cb_arg);
	pthread_mutex_lock(&a->mu);
}

/*
 * Writes the whole pending buffer (invariant 2): a->mu held on entry and
 * on return, released during the write. One thread writes at a time
 * (a->writing). Moves written, or sets broken.
 */
static void write_pending(vg_audit *a, char **buf, size_t *cap)
{
	char *p = a->pending;
	size_t n = a->plen, pc = a->pcap;
	a->pending = *buf;
	a->pcap = *cap;
	a->plen = 0;
	*buf = p;
	*cap = pc;
	uint64_t target = a->seq;
	a->writing = true;
	pthread_cond_broadcast(&a->cv_sync); /* room again */
	pthread_mutex_unlock(&a->mu);
	int rc = 0;
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(a->fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	pthread_mutex_lock(&a->mu);
	a->writing = false;
	if (rc != 0)
		a->broken = true;
	else
		a->written = target;
}

/*
 * With no_wait_sync, the writer writes what piled up as soon as it can,
 * marks it durable and wakes the syncer; it does not wait for syncs.
 * With wait_sync it has nothing to do: the syncer writes each batch right
 * before syncing it (appends pile up during a sync and go in the next
 * write, with no thread woken per line).
 */
static void *writer_main(void *arg)
{
	vg_audit *a = arg;
	char *buf = NULL; /* the buffer being written; swapped with pending */
	size_t cap = 0;
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->closing && !a->broken &&
		       (!a->no_wait_sync || a->plen == 0 || a->writing))
			pthread_cond_wait(&a->cv_work, &a->mu);
		if (a->broken || a->closing)
			break; /* the syncer writes what is left */
		write_pending(a, &buf, &cap);
		if (!a->broken)
			a->durable = a->written; /* the answers may leave */
		pthread_cond_signal(&a->cv_written);
		pthread_cond_broadcast(&a->cv_sync);
		notify_unlocked(a);
	}
	a->writer_done = true;
	pthread_cond_signal(&a->cv_written);
	pthread_mutex_unlock(&a->mu);
	free(buf);
	return NULL;
}

/* Whether the syncer has something to write: with wait_sync, or once the
 * writer has stopped. */
static bool syncer_writes(const vg_audit *a)
{
	return a->plen > 0 && !a->writing && (!a->no_wait_sync || a->writer_done);
}

static void *syncer_main(void *arg)
{
	vg_audit *a = arg;
	char *buf = NULL;
	size_t cap = 0;
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->broken && a->written == a->synced && !syncer_writes(a) &&
		       !(a->closing && a->writer_done && a->plen == 0))
			pthread_cond_wait(&a->cv_written, &a->mu);
		if (a->broken)
			break;
		if (syncer_writes(a)) {
			write_pending(a, &buf, &cap);
			if (a->broken)
				break;
			if (a->no_wait_sync) {
				a->durable = a->written;
				pthread_cond_broadcast(&a->cv_sync);
				notify_unlocked(a);
			}
		}
		if (a->written == a->synced) {
			if (a->closing && a->writer_done && a->plen == 0)
				break; /* all written and synced */
			continue;
		}
		uint64_t target = a->written;
		pthread_mutex_unlock(&a->mu);
		int rc = fdatasync(a->fd);
		pthread_mutex_lock(&a->mu);
		if (rc != 0) {
			a->broken = true;
			break;
		}
		a->synced = target;
		if (!a->no_wait_sync) {
			a->durable = target;
			pthread_cond_broadcast(&a->cv_sync);
			notify_unlocked(a);
		}
	}
	/* broken (a write or a sync failed), or closed */
	pthread_cond_broadcast(&a->cv_work); /* the writer stops */
	pthread_cond_broadcast(&a->cv_sync);
	notify_unlocked(a);
	pthread_mutex_unlock(&a->mu);
	free(buf);
	return NULL;
}

/* Reads the last line of fd (size sz) to continue the chain. */
static int resume_chain(vg_audit *a, off_t sz, vg_err *err)
{
	if (sz == 0)
		return 0;
	size_t want = (size_t)(sz < 2 * VG_AUDIT_LINE_MAX ? sz : 2 * VG_AUDIT_LINE_MAX);
	char *buf = vg_xmalloc(want);
	ssize_t r = pread(a->fd, buf, want, sz - (off_t)want);
	if (r != (ssize_t)want) {
		free(buf);
		return vg_err_set(err, VG_EIO, "%s: cannot read its end", a->path);
	}
	if (buf[want - 1] != '\n') {
		free(buf);
		return vg_err_set(err, VG_ECORRUPT,
		                  "%s: the last line is incomplete; check it with `vigie audit "
		                  "verify` and move it aside",
		                  a->path);
	}
	size_t end = want - 1, start = end;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	if (start == 0 && (off_t)want < sz) {
		free(buf);
		return vg_err_set(err, VG_ECORRUPT, "%s: last line too long", a->path);
	}
	vg_audit_check c;
	memset(&c, 0, sizeof(c));
	uint64_t seq;
	char h[VG_AUDIT_HASH_HEX + 1];
	/* seq and prev are not known here: take the line's own, check its hash */
	const char *code = check_line(buf + start, end - start, 0, "", &seq, h, &c);
	free(buf);
	if (code && strcmp(code, "bad-seq") != 0)
		return vg_err_set(err, VG_ECORRUPT,
		                  "%s: the last line is not valid (%s); check it with `vigie audit "
		                  "verify`",
		                  a->path, c.what);
	/* check_line stops at the seq mismatch after validating the hash */
	a->seq = a->written = a->synced = a->durable = seq;
	memcpy(a->head, h, sizeof(h));
	return 0;
}

int vg_audit_open(const char *path, vg_audit **out, vg_err *err)
{
	if (sodium_init() < 0)
		return vg_err_set(err, VG_EINTERNAL, "libsodium failed to initialize");
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return vg_err_set(err, VG_EIO, "audit log %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vg_err_set(err, VG_EIO, "audit log %s: not a regular file", path);
	}
	/* read the tail through a second descriptor (fd is write-only) */
	vg_audit *a = vg_xcalloc(1, sizeof(*a));
	a->path = vg_xstrdup(path);
	memcpy(a->head, zero_hash, sizeof(zero_hash));
	int rfd = open(path, O_RDONLY | O_CLOEXEC);
	if (rfd < 0) {
		close(fd);
		free(a->path);
		free(a);
		return vg_err_set(err, VG_EIO, "audit log %s: %s", path, strerror(errno));
	}
	a->fd = rfd;
	int rc = resume_chain(a, st.st_size, err);
	close(rfd);
	a->fd = fd;
	if (rc) {
		close(fd);
		free(a->path);
		free(a);
		return rc;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv_work, NULL);
	pthread_cond_init(&a->cv_sync, NULL);
	pthread_cond_init(&a->cv_written, NULL);
	if (pthread_create(&a->writer, NULL, writer_main, a) != 0) {
		close(fd);
		free(a->path);
		free(a);
		return vg_err_set(err, VG_EINTERNAL, "cannot start the audit writer thread");
	}
	if (pthread_create(&a->syncer, NULL, syncer_main, a) != 0) {
		pthread_mutex_lock(&a->mu);
		a->closing = true;
		pthread_cond_broadcast(&a->cv_work);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->writer, NULL);
		close(fd);
		free(a->path);
		free(a);
		return vg_err_set(err, VG_EINTERNAL, "cannot start the audit sync thread");
	}
	*out = a;
	return 0;
}

void vg_audit_close(vg_audit *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->closing = true;
	pthread_cond_broadcast(&a->cv_work);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->writer, NULL);
	pthread_join(a->syncer, NULL);
	close(a->fd);
	free(a->pending);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv_work);
	pthread_cond_destroy(&a->cv_sync);
	pthread_cond_destroy(&a->cv_written);
	free(a->path);
	free(a);
}

void vg_audit_set_wait_sync(vg_audit *a, bool wait_sync)
{
	pthread_mutex_lock(&a->mu);
	a->no_wait_sync = !wait_sync;
	pthread_cond_broadcast(&a->cv_work);
	pthread_cond_broadcast(&a->cv_written);
	pthread_mutex_unlock(&a->mu);
}

void vg_audit_set_notify(vg_audit *a, void (*cb)(void *arg), void *arg)
{
	pthread_mutex_lock(&a->mu);
	a->notify = cb;
	a->notify_arg = arg;
	pthread_mutex_unlock(&a->mu);
}

static bool word_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int vg_audit_append(vg_audit *a, const vg_audit_rec *r, uint64_t *ticket, vg_err *err)
{
	if (!r->token || !word_ok(r->token, 64) || !r->kind || !word_ok(r->kind, 16) ||
	    !r->result || !word_ok(r->result, 16))
		return vg_err_set(err, VG_EINVAL, "audit: bad record");
	uint64_t t_ms = r->time_ms;
	if (!t_ms) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		t_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	}
	time_t secs = (time_t)(t_ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char when[80];
	snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	         (unsigned)(t_ms % 1000));
	char pseudo[24];
	if (r->has_pseudonym)
		snprintf(pseudo, sizeof(pseudo), "\"%016" PRIx64 "\"", r->pseudonym);
	else
		memcpy(pseudo, "null", 5);
	/* the line but its seq and prev, formatted before taking the lock */
	char mid[VG_AUDIT_LINE_MAX / 2];
	int mn = snprintf(mid, sizeof(mid),
	                  ",\"time\":\"%s\",\"token\":\"%s\",\"kind\":\"%s\",\"pseudonym\":%s,"
	                  "\"result\":\"%s\",\"prev\":\"",
	                  when, r->token, r->kind, pseudo, r->result);
	if (mn < 0 || (size_t)mn >= sizeof(mid))
		return vg_err_set(err, VG_EINVAL, "audit: bad record");

	char line[VG_AUDIT_LINE_MAX + 2];
	pthread_mutex_lock(&a->mu);
	if (a->broken || a->closing) {
		pthread_mutex_unlock(&a->mu);
		return vg_err_set(err, VG_EIO, "audit log %s: not writable (an earlier write failed)",
		                  a->path);
	}
	/* invariant 4: wait for room, before the line takes its place in the
	 * chain (others may append while this waits) */
	while (a->plen + sizeof(line) > PENDING_MAX && !a->broken && !a->closing)
		pthread_cond_wait(&a->cv_sync, &a->mu);
	if (a->broken || a->closing) {
		pthread_mutex_unlock(&a->mu);
		return vg_err_set(err, VG_EIO, "audit log %s: not writable (a write failed)",
		                  a->path);
	}
	uint64_t seq = a->seq + 1;
	/* {"seq":N<mid><prev>" then ,"hash":"<hash>"}\n */
	char digits[20];
	int nd = 0;
	for (uint64_t v = seq; v; v /= 10)
		digits[nd++] = (char)('0' + v % 10);
	size_t n = 0;
	memcpy(line, "{\"seq\":", 7);
	n = 7;
	while (nd)
		line[n++] = digits[--nd];
	memcpy(line + n, mid, (size_t)mn);
	n += (size_t)mn;
	memcpy(line + n, a->head, VG_AUDIT_HASH_HEX);
	n += VG_AUDIT_HASH_HEX;
	line[n++] = '"';
	char h[VG_AUDIT_HASH_HEX + 1];
	hash_hex(line, n, h);
	memcpy(line + n, ",\"hash\":\"", 9);
	n += 9;
	memcpy(line + n, h, VG_AUDIT_HASH_HEX);
	n += VG_AUDIT_HASH_HEX;
	memcpy(line + n, "\"}\n", 3);
	n += 3;
	if (a->plen + n > a->pcap) {
		a->pcap = a->pcap ? 2 * a->pcap : 1 << 16;
		while (a->pcap < a->plen + n)
			a->pcap *= 2;
		a->pending = vg_xrealloc(a->pending, a->pcap);
	}
	memcpy(a->pending + a->plen, line, n);
	a->plen += n;
	a->seq = seq;
	memcpy(a->head, h, sizeof(h));
	/* wakes whoever writes: costs a syscall only when it sleeps (not
	 * while it writes or syncs: lines pile up then) */
	pthread_cond_signal(a->no_wait_sync ? &a->cv_work : &a->cv_written);
	pthread_mutex_unlock(&a->mu);
	*ticket = seq;
	return 0;
}

int vg_audit_poll(vg_audit *a, uint64_t ticket)
{
	pthread_mutex_lock(&a->mu);
	int rc = a->durable >= ticket ? 1 : a->broken ? VG_EIO : 0;
	pthread_mutex_unlock(&a->mu);
	return rc;
}

int vg_audit_durable(vg_audit *a, uint64_t *seq)
{
	pthread_mutex_lock(&a->mu);
	*seq = a->durable;
	int rc = a->broken ? VG_EIO : 0;
	pthread_mutex_unlock(&a->mu);
	return rc;
}

int vg_audit_wait(vg_audit *a, uint64_t ticket)
{
	pthread_mutex_lock(&a->mu);
	while (a->durable < ticket && !a->broken)
		pthread_cond_wait(&a->cv_sync, &a->mu);
	int rc = a->durable >= ticket ? 0 : VG_EIO;
	pthread_mutex_unlock(&a->mu);
	return rc;
}

void vg_audit_head(vg_audit *a, uint64_t *seq, char hash[VG_AUDIT_HASH_HEX + 1])
{
	pthread_mutex_lock(&a->mu);
	*seq = a->seq;
	memcpy(hash, a->head, VG_AUDIT_HASH_HEX + 1);
	pthread_mutex_unlock(&a->mu);
}
