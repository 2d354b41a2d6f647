/*
 * outbox.c: the spool directory, the SMTP relay and the worker thread
 * (vigie/outbox.h).
 *
 * Invariants:
 *  1. The request path only copies: vg_outbox_send() takes the lock, copies
 *     three strings into the ring and signals. Formatting, file writes and
 *     SMTP happen on the worker.
 *  2. Nothing here logs a recipient, a subject or a text: failures name the
 *     step and the system or libcurl error only.
 *  3. A file appears in DIR complete or not at all: written in DIR/tmp,
 *     fsync'ed, renamed. Names are "<ms>.<16 hex>.eml|json".
 */
#include "vigie/outbox.h"
#include "vigie/lazy.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ a bounded string builder */

typedef struct sb {
	char *s;
	size_t len, cap, max;
	bool over;
} sb;

static void sb_init(sb *b, size_t max)
{
	b->cap = 1024;
	b->s = vg_xmalloc(b->cap);
	b->s[0] = '\0';
	b->len = 0;
	b->max = max;
	b->over = false;
}

static void sb_add(sb *b, const char *p, size_t n)
{
	if (b->over || b->len + n + 1 > b->max) {
		b->over = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->s = vg_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_printf(sb *b, const char *fmt, ...) VG_PRINTF(2, 3);
static void sb_printf(sb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->over = true;
		return;
	}
	sb_add(b, tmp, (size_t)n);
}

/* ------------------------------------------------------------ formats */

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Length of the UTF-8 sequence that starts with byte c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
	return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/*
 * s as RFC 2047 encoded words ("=?UTF-8?Q?...?="), each at most 75
 * characters, folded with CRLF SP between them; never splits a UTF-8
 * character. col is the column the first word starts at.
 */
static void encode_words(sb *b, const char *s, size_t col)
{
	static const char pre[] = "=?UTF-8?Q?", post[] = "?=";
	/* the first word shares its line with the header name: lines of
	 * encoded words stay within 76 characters (RFC 2047 section 2) */
	size_t limit = col < 40 ? 76 - col : 36;
	size_t w = sizeof(pre) - 1;
	sb_str(b, pre);
	for (size_t i = 0; s[i];) {
		unsigned char c = (unsigned char)s[i];
		size_t l = seq_len(c);
		for (size_t k = 1; k < l; k++)
			if (!s[i + k]) {
				l = k;
				break;
			}
		char enc[16];
		size_t el = 0;
		for (size_t k = 0; k < l; k++) {
			unsigned char d = (unsigned char)s[i + k];
			if (d == ' ')
				enc[el++] = '_';
			else if ((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
			         (d >= '0' && d <= '9') || d == '!' || d == '*' || d == '+' ||
			         d == '-' || d == '/')
				enc[el++] = (char)d;
			else
				el += (size_t)snprintf(enc + el, sizeof(enc) - el, "=%02X", d);
		}
		if (w + el + 2 > limit) {
			sb_str(b, post);
			sb_str(b, "\r\n ");
			sb_str(b, pre);
			w = sizeof(pre) - 1;
			limit = 75;
		}
		sb_add(b, enc, el);
		w += el;
		i += l;
	}
	sb_str(b, post);
}

/* A header value that may need encoding: ASCII as is, else encoded words. */
static void header_text(sb *b, const char *name, const char *value)
{
	sb_str(b, name);
	sb_str(b, ": ");
	if (is_ascii(value))
		sb_str(b, value);
	else
		encode_words(b, value, strlen(name) + 2);
	sb_str(b, "\r\n");
}

/* text as quoted-printable (RFC 2045 6.7), '\n' line ends to CRLF. */
static void quoted_printable(sb *b, const char *text)
{
	size_t col = 0;
	for (const char *p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\r' && p[1] == '\n')
			continue;
		if (c == '\n') {
			sb_str(b, "\r\n");
			col = 0;
			continue;
		}
		char enc[4];
		size_t el;
		bool at_eol = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_eol)) {
			enc[0] = (char)c;
			el = 1;
		} else {
			snprintf(enc, sizeof(enc), "=%02X", c);
			el = 3;
		}
		/* keep lines at most 76 characters, the soft break's '=' included */
		if (col + el > 75) {
			sb_str(b, "=\r\n");
			col = 0;
		}
		sb_add(b, enc, el);
		col += el;
	}
	if (col)
		sb_str(b, "\r\n");
}

/* "Tue, 15 Jan 2026 10:00:00 +0000", whatever the locale. */
static void rfc5322_date(uint64_t ms, char out[40])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(out, 40, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
	         tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	         tm.tm_sec);
}

/* The mailbox "Name <addr>" (Name quoted or encoded), or addr. */
static void mailbox(sb *b, const char *name, const char *addr)
{
	if (name && *name) {
		if (is_ascii(name)) {
			sb_str(b, "\"");
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					sb_str(b, "\\");
				sb_add(b, p, 1);
			}
			sb_str(b, "\" <");
		} else {
			encode_words(b, name, 6);
			/* folding white space before the address keeps the line short */
			sb_str(b, "\r\n <");
		}
		sb_str(b, addr);
		sb_str(b, ">");
	} else {
		sb_str(b, addr);
	}
}

char *vg_outbox_eml(const vg_outbox_msg *m, const char *from, const char *from_name,
                    size_t *len)
{
	if (sodium_init() < 0)
		return NULL;
	sb b;
	sb_init(&b, 4 * VG_OUTBOX_TEXT_MAX + 4096);
	sb_str(&b, "From: ");
	mailbox(&b, from_name, from);
	sb_str(&b, "\r\nTo: ");
	sb_str(&b, m->to);
	sb_str(&b, "\r\n");
	header_text(&b, "Subject", m->subject ? m->subject : "");
	char date[40];
	rfc5322_date(m->now_ms, date);
	sb_printf(&b, "Date: %s\r\n", date);
	uint8_t rnd[12];
	char hex[2 * sizeof(rnd) + 1];
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	const char *at = strrchr(from, '@');
	sb_printf(&b, "Message-ID: <%llu.%s@%.200s>\r\n", (unsigned long long)m->now_ms, hex,
	          at && at[1] ? at + 1 : "vigie.invalid");
	sb_str(&b, "MIME-Version: 1.0\r\n"
	           "Content-Type: text/plain; charset=UTF-8\r\n"
	           "Content-Transfer-Encoding: quoted-printable\r\n"
	           "Auto-Submitted: auto-generated\r\n"
	           "\r\n");
	quoted_printable(&b, m->text);
	if (b.over) {
		free(b.s);
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.s;
}

char *vg_outbox_sms_json(const vg_outbox_msg *m, size_t *len)
{
	json_t *j = json_pack("{s:s,s:s}", "to", m->to, "text", m->text);
	if (!j)
		return NULL;
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	s = vg_xrealloc(s, n + 2);
	s[n] = '\n';
	s[n + 1] = '\0';
	if (len)
		*len = n + 1;
	return s;
}

bool vg_outbox_gsm7(const char *s, size_t *septets)
{
	/* The default alphabet's characters outside ASCII. */
	static const uint32_t basic[] = {0xa3, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0xd8,
	                                 0xf8, 0xc5, 0xe5, 0x394, 0x3a6, 0x393, 0x39b, 0x3a9,
	                                 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e, 0xc6, 0xe6, 0xdf,
	                                 0xc9, 0xa4, 0xa1, 0xc4, 0xd6, 0xd1, 0xdc, 0xa7, 0xbf,
	                                 0xe4, 0xf6, 0xf1, 0xfc, 0xe0};
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c;
		size_t l = seq_len(*p);
		if (l == 1) {
			c = *p;
		} else {
			c = *p & (0xff >> (l + 1));
			for (size_t k = 1; k < l; k++) {
				if ((p[k] & 0xc0) != 0x80)
					return false;
				c = (c << 6) | (p[k] & 0x3f);
			}
		}
		p += l;
		if (c < 0x80) {
			if (c == '`' || (c < 0x20 && c != '\n' && c != '\r') || c == 0x7f)
				return false;
			n += strchr("^{}\\[]~|", (int)c) ? 2 : 1;
			continue;
		}
		if (c == 0x20ac) {
			n += 2;
			continue;
		}
		bool ok = false;
		for (size_t i = 0; i < sizeof(basic) / sizeof(basic[0]); i++)
			ok |= basic[i] == c;
		if (!ok)
			return false;
		n++;
	}
	if (septets)
		*septets = n;
	return true;
}

/* ------------------------------------------------------------ the outbox */

typedef struct qmsg {
	vg_outbox_kind kind;
	char *to, *subject, *text;
	uint64_t now_ms;
} qmsg;

struct vg_outbox {
	char *dir, *tmpdir, *smtp_url, *smtp_user, *smtp_password, *from, *from_name;
	bool smtp_require_tls;
	vg_outbox_log_fn log;
	void *log_arg;
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	pthread_t thread;
	qmsg *ring;
	size_t cap, head, count;
	size_t busy; /* messages taken by the worker, not yet done */
	bool stop;
	vg_outbox_stats st;
};

static void logf_(vg_outbox *ob, const char *fmt, ...) VG_PRINTF(2, 3);
static void logf_(vg_outbox *ob, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ob->log)
		ob->log(ob->log_arg, msg);
	else
		fprintf(stderr, "vigie: outbox: %s\n", msg);
}

static void qmsg_wipe(qmsg *q)
{
	/* the code is in the text: wipe it before freeing */
	if (q->text)
		sodium_memzero(q->text, strlen(q->text));
	free(q->to);
	free(q->subject);
	free(q->text);
	memset(q, 0, sizeof(*q));
}

/* Writes data to DIR/tmp/NAME, fsyncs, renames to DIR/NAME. */
static int spool_write(vg_outbox *ob, const char *ext, uint64_t now_ms, const char *data,
                       size_t n)
{
	uint8_t rnd[8];
	char hex[17], name[64], tmp[4096], dst[4096];
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(name, sizeof(name), "%013llu.%s.%s", (unsigned long long)now_ms, hex, ext);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", ob->tmpdir, name) >= sizeof(tmp) ||
	    (size_t)snprintf(dst, sizeof(dst), "%s/%s", ob->dir, name) >= sizeof(dst)) {
		logf_(ob, "spool path too long");
		return VG_EIO;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		logf_(ob, "cannot create a spool file in %s: %s", ob->tmpdir, strerror(errno));
		return VG_EIO;
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	int e = errno;
	bool ok = off == n && fsync(fd) == 0;
	if (!ok && off == n)
		e = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, dst) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(tmp);
		logf_(ob, "cannot write a spool file in %s: %s", ob->dir, strerror(e));
		return VG_EIO;
	}
	int dfd = open(ob->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

typedef struct upload {
	const char *p;
	size_t left;
} upload;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	upload *u = arg;
	size_t n = size * nitems;
	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* Sends one formatted email through the relay. */
static int smtp_send(vg_outbox *ob, const char *to, const char *eml, size_t n)
{
	CURL *c = curl_easy_init();
	if (!c) {
		logf_(ob, "smtp: curl_easy_init failed");
		return VG_EINTERNAL;
	}
	char rcpt_addr[VG_OUTBOX_TO_MAX + 3], from_addr[VG_OUTBOX_TO_MAX + 3];
	snprintf(rcpt_addr, sizeof(rcpt_addr), "<%s>", to);
	snprintf(from_addr, sizeof(from_addr), "<%s>", ob->from);
	struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
	upload u = {eml, n};
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, ob->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if (ob->smtp_require_tls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (ob->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, ob->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, ob->smtp_password ? ob->smtp_password : "");
	}
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		/* errbuf may quote the server's reply to RCPT TO, which can hold the
		 * address: log curl's generic text and the reply code only */
		logf_(ob, "smtp: sending failed: %s (reply %ld); kept in the spool",
		      curl_easy_strerror(rc), code);
		return VG_EIO;
	}
	return 0;
}

static void deliver(vg_outbox *ob, qmsg *q)
{
	int rc = 0;
	bool relayed = false;
	if (q->kind == VG_OUTBOX_SMS) {
		vg_outbox_msg m = {.kind = q->kind, .to = q->to, .text = q->text, .now_ms = q->now_ms};
		size_t n;
		char *s = vg_outbox_sms_json(&m, &n);
		rc = s ? spool_write(ob, "json", q->now_ms, s, n) : VG_EINVAL;
		if (s) {
			sodium_memzero(s, n);
			free(s);
		}
	} else {
		vg_outbox_msg m = {.kind = q->kind,
		                   .to = q->to,
		                   .subject = q->subject,
		                   .text = q->text,
		                   .now_ms = q->now_ms};
		size_t n;
		char *s = vg_outbox_eml(&m, ob->from, ob->from_name, &n);
		if (!s) {
			rc = VG_EINVAL;
			logf_(ob, "cannot format an email (over the size limit)");
		} else {
			if (ob->smtp_url) {
				rc = smtp_send(ob, q->to, s, n);
				relayed = rc == 0;
			}
			if (!relayed)
				rc = spool_write(ob, "eml", q->now_ms, s, n);
			sodium_memzero(s, n);
			free(s);
		}
	}
	pthread_mutex_lock(&ob->mu);
	if (ob->smtp_url && !relayed && q->kind == VG_OUTBOX_EMAIL)
		ob->st.relay_failed++;
	if (relayed)
		ob->st.relayed++;
	else if (rc == 0)
		ob->st.spooled++;
	else
		ob->st.failed++;
	pthread_mutex_unlock(&ob->mu);
}

static void *worker(void *arg)
{
	vg_outbox *ob = arg;
	pthread_mutex_lock(&ob->mu);
	for (;;) {
		while (!ob->count && !ob->stop)
			pthread_cond_wait(&ob->work, &ob->mu);
		if (!ob->count && ob->stop)
			break;
		qmsg q = ob->ring[ob->head];
		memset(&ob->ring[ob->head], 0, sizeof(qmsg));
		ob->head = (ob->head + 1) % ob->cap;
		ob->count--;
		ob->busy++;
		pthread_mutex_unlock(&ob->mu);
		deliver(ob, &q);
		qmsg_wipe(&q);
		pthread_mutex_lock(&ob->mu);
		ob->busy--;
		if (!ob->count && !ob->busy)
			pthread_cond_broadcast(&ob->idle);
	}
	pthread_mutex_unlock(&ob->mu);
	return NULL;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? vg_xstrdup(s) : NULL;
}

static int mkdir_0700(const char *path, vg_err *err)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return vg_err_set(err, VG_EIO, "cannot create the outbox directory %s: %s", path,
		                  strerror(errno));
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return vg_err_set(err, VG_EIO, "the outbox %s is not a directory", path);
	return 0;
}

int vg_outbox_open(const vg_outbox_opts *o, vg_outbox **out, vg_err *err)
{
	if (sodium_init() < 0)
		return vg_err_set(err, VG_EINTERNAL, "libsodium failed to initialize");
	if (!o->dir || !*o->dir)
		return vg_err_set(err, VG_EUSAGE, "the outbox needs a spool directory");
	if (!o->from || !strchr(o->from, '@') || strlen(o->from) > VG_OUTBOX_TO_MAX ||
	    strpbrk(o->from, "<>\r\n \t\""))
		return vg_err_set(err, VG_EUSAGE, "the outbox needs a sender address (user@domain)");
	if (o->smtp_url && *o->smtp_url && strncmp(o->smtp_url, "smtp://", 7) != 0 &&
	    strncmp(o->smtp_url, "smtps://", 8) != 0)
		return vg_err_set(err, VG_EUSAGE, "the SMTP relay must be smtp://HOST[:PORT] or "
		                                  "smtps://HOST[:PORT]");
	if (o->smtp_url && *o->smtp_url) {
		int lrc = vg_lazy_load(VG_LAZY_CURL, err);
		if (lrc)
			return lrc;
	}
	vg_outbox *ob = vg_xcalloc(1, sizeof(*ob));
	ob->dir = vg_xstrdup(o->dir);
	size_t tl = strlen(o->dir) + 5;
	ob->tmpdir = vg_xmalloc(tl);
	snprintf(ob->tmpdir, tl, "%s/tmp", o->dir);
	int rc = mkdir_0700(ob->dir, err);
	if (!rc)
		rc = mkdir_0700(ob->tmpdir, err);
	if (rc) {
		free(ob->dir);
		free(ob->tmpdir);
		free(ob);
		return rc;
	}
	ob->smtp_url = dup_or_null(o->smtp_url);
	ob->smtp_user = dup_or_null(o->smtp_user);
	ob->smtp_password = dup_or_null(o->smtp_password);
	ob->smtp_require_tls = o->smtp_require_tls;
	ob->from = vg_xstrdup(o->from);
	ob->from_name = dup_or_null(o->from_name);
	ob->log = o->log;
	ob->log_arg = o->log_arg;
	ob->cap = o->queue_max ? o->queue_max : VG_OUTBOX_QUEUE_DEFAULT;
	ob->ring = vg_xcalloc(ob->cap, sizeof(qmsg));
	if (ob->smtp_url)
		pthread_once(&curl_once, curl_init_once);
	pthread_mutex_init(&ob->mu, NULL);
	pthread_cond_init(&ob->work, NULL);
	pthread_cond_init(&ob->idle, NULL);
	if (pthread_create(&ob->thread, NULL, worker, ob) != 0) {
		ob->stop = true;
		vg_outbox_close(ob);
		return vg_err_set(err, VG_EINTERNAL, "cannot start the outbox thread");
	}
	*out = ob;
	return 0;
}

/* Frees ob's fields; the worker has stopped. */
static void outbox_free(vg_outbox *ob)
{
	for (size_t i = 0; i < ob->cap; i++)
		qmsg_wipe(&ob->ring[i]);
	free(ob->ring);
	free(ob->dir);
	free(ob->tmpdir);
	free(ob->smtp_url);
	free(ob->smtp_user);
	if (ob->smtp_password) {
		sodium_memzero(ob->smtp_password, strlen(ob->smtp_password));
		free(ob->smtp_password);
	}
	free(ob->from);
	free(ob->from_name);
	pthread_mutex_destroy(&ob->mu);
	pthread_cond_destroy(&ob->work);
	pthread_cond_destroy(&ob->idle);
	free(ob);
}

void vg_outbox_close(vg_outbox *ob)
{
	if (!ob)
		return;
	pthread_mutex_lock(&ob->mu);
	bool started = !ob->stop;
	ob->stop = true;
	pthread_cond_broadcast(&ob->work);
	pthread_mutex_unlock(&ob->mu);
	if (started)
		pthread_join(ob->thread, NULL);
	outbox_free(ob);
}

/* A recipient: no control character, no angle bracket, within the limit. */
static bool good_to(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > VG_OUTBOX_TO_MAX)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return false;
	return true;
}

int vg_outbox_send(vg_outbox *ob, const vg_outbox_msg *m)
{
	if (!m->to || !good_to(m->to) || !m->text || strlen(m->text) > VG_OUTBOX_TEXT_MAX ||
	    (m->kind == VG_OUTBOX_EMAIL &&
	     (!m->subject || strlen(m->subject) > VG_OUTBOX_SUBJECT_MAX ||
	      strpbrk(m->subject, "\r\n"))))
		return VG_EINVAL;
	qmsg q = {.kind = m->kind,
	          .to = vg_xstrdup(m->to),
	          .subject = m->subject ? vg_xstrdup(m->subject) : NULL,
	          .text = vg_xstrdup(m->text),
	          .now_ms = m->now_ms};
	pthread_mutex_lock(&ob->mu);
	if (ob->count == ob->cap || ob->stop) {
		ob->st.dropped++;
		pthread_mutex_unlock(&ob->mu);
		qmsg_wipe(&q);
		logf_(ob, "queue full: a message was dropped");
		return VG_ETOOBIG;
	}
	ob->ring[(ob->head + ob->count) % ob->cap] = q;
	ob->count++;
	ob->st.queued++;
	pthread_cond_signal(&ob->work);
	pthread_mutex_unlock(&ob->mu);
	return 0;
}

void vg_outbox_flush(vg_outbox *ob)
{
	pthread_mutex_lock(&ob->mu);
	while (ob->count || ob->busy)
		pthread_cond_wait(&ob->idle, &ob->mu);
	pthread_mutex_unlock(&ob->mu);
}

void vg_outbox_get_stats(vg_outbox *ob, vg_outbox_stats *out)
{
	pthread_mutex_lock(&ob->mu);
	*out = ob->st;
	pthread_mutex_unlock(&ob->mu);
}
