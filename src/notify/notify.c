/*
 * notify.c: the run. Make or resume the plan, then send its messages in
 * order, in batches, each batch made durable on the output before the
 * journal records it.
 *
 * Invariants:
 *   1. message i of the plan is written at most once per output position:
 *      the spool and the mbox are truncated back to the journal's lengths
 *      before writing resumes, and a Maildir file's name is the plan id and
 *      i, so rewriting it replaces it;
 *   2. the journal never runs ahead of the output: a record is appended
 *      only after the output's bytes of its batch are fdatasynced (Maildir:
 *      syncfs, then the renames into new/ and an fsync of new/);
 *   3. SMTP is the exception no protocol can close: a relay's "250" and our
 *      journal write are two events; the journal is written (not synced)
 *      after every accepted message, so a kill loses nothing and a power
 *      loss may resend the messages accepted since the last sync (at most
 *      one second's worth), under the same Message-ID for the relay or the
 *      recipient's client to deduplicate.
 */
#include "notify/internal.h"
#include "vigie/lazy.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ bodies */

typedef struct body {
	uint64_t key;
	char *data;
	size_t len;
	bool used; /* slot taken */
} body;

typedef struct bodies {
	body *slot;
	size_t cap, n;
} bodies;

static uint64_t body_key(vg_notify_channel ch, vg_lang lang, uint16_t cats, uint16_t sources)
{
	return ((uint64_t)ch << 40) | ((uint64_t)lang << 32) | ((uint64_t)cats << 16) | sources;
}

static body *bodies_find(bodies *b, uint64_t key, bool *fresh)
{
	if (b->n * 2 >= b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 256;
		body *ns = vg_xcalloc(ncap, sizeof(*ns));
		for (size_t i = 0; i < b->cap; i++) {
			if (!b->slot[i].used)
				continue;
			size_t h =
			    (size_t)(b->slot[i].key * 0x9E3779B97F4A7C15ull >> 20) & (ncap - 1);
			while (ns[h].used)
				h = (h + 1) & (ncap - 1);
			ns[h] = b->slot[i];
		}
		free(b->slot);
		b->slot = ns;
		b->cap = ncap;
	}
	size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (b->cap - 1);
	while (b->slot[h].used && b->slot[h].key != key)
		h = (h + 1) & (b->cap - 1);
	*fresh = !b->slot[h].used;
	if (*fresh) {
		b->slot[h].used = true;
		b->slot[h].key = key;
		b->n++;
	}
	return &b->slot[h];
}

static void bodies_free(bodies *b)
{
	for (size_t i = 0; i < b->cap; i++)
		free(b->slot[i].data);
	free(b->slot);
}

/* ------------------------------------------------------------ the run state */

typedef struct runst {
	const vg_notify_opts *o;
	const vg_notify_settings *s;
	vg_notify_result *res;
	vg_err *err;
	np_plan plan;
	char plan_id[33];
	int64_t date;
	vg_notify_sources src;
	bodies bd;
	/* outputs */
	nw_spool *spool, *sms;
	char mdir[4096];
	int mbox_fd;
	uint64_t mbox_len;
	char *obuf;
	size_t olen;
	/* Maildir: messages of this batch waiting in tmp/ */
	uint64_t *pending;
	size_t npending, cap_pending;
	/* SMTP */
	CURL *curl;
	double next_send;
	/* journal */
	int jfd;
	vg_notify_journal_rec j;
	vg_notify_buf hdr, msg;
	/* what every email's headers share (nm_headers_fixed) */
	vg_notify_buf hpre, hsubj, hmid;
} runst;

#define OBUF (1u << 20)

/* Appends the journal record for the state in r->j (written, synced if sync). */
static int journal_put(runst *r, bool sync)
{
	uint8_t rec[VG_NOTIFY_JOURNAL_REC_BYTES];
	vg_notify_journal_encode(&r->j, rec);
	if (vg_write_all(r->jfd, rec, sizeof(rec)) != 0 || (sync && fdatasync(r->jfd) != 0))
		return vg_err_set(r->err, VG_EIO, "journal: %s", strerror(errno));
	return 0;
}

/* The body for a message, made once per run. */
static int get_body(runst *r, vg_notify_channel ch, uint16_t cats, uint16_t sources, body **out)
{
	vg_lang lang = r->o->lang;
	uint64_t key = body_key(ch, lang, cats, sources);
	bool fresh;
	body *b = bodies_find(&r->bd, key, &fresh);
	if (fresh) {
		vg_notify_buf nb;
		vg_buf_init(&nb, VG_NOTIFY_BODY_MAX);
		int rc = ch == VG_NOTIFY_EMAIL
		             ? vg_notify_email_body(r->s, &r->src, cats, sources, lang, &nb)
		             : vg_notify_sms_text(r->s, cats, lang, &nb, NULL);
		if (rc) {
			vg_buf_release(&nb);
			b->data = NULL;
			return vg_err_set(r->err, rc, "cannot compose the %s message",
			                  vg_notify_channel_name(ch));
		}
		b->data = nb.data ? nb.data : vg_xstrdup("");
		b->len = nb.len;
		r->res->bodies++;
		nw_spool *sp = ch == VG_NOTIFY_SMS ? r->sms : r->spool;
		if (sp && (rc = nw_spool_body(sp, key, b->data, b->len, r->err)) != 0)
			return rc;
	}
	*out = b;
	return 0;
}

/* ------------------------------------------------------------ Maildir */

static int maildir_open(runst *r, vg_err *err)
{
	const char *d = r->o->out_path;
	static const char *const sub[] = {"", "/tmp", "/new", "/cur"};
	for (int i = 0; i < 4; i++) {
		char p[4200];
		snprintf(p, sizeof(p), "%s%s", d, sub[i]);
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return vg_err_set(err, VG_EIO, "%s: %s", p, strerror(errno));
	}
	snprintf(r->mdir, sizeof(r->mdir), "%s", d);
	/* an unjournaled batch's files in tmp/ are written again */
	char p[4200];
	snprintf(p, sizeof(p), "%s/tmp", d);
	DIR *dd = opendir(p);
	if (dd) {
		struct dirent *e;
		size_t pl = strlen(r->plan_id);
		while ((e = readdir(dd)) != NULL) {
			if (!strncmp(e->d_name, r->plan_id, pl)) {
				char q[4500];
				snprintf(q, sizeof(q), "%s/%s", p, e->d_name);
				unlink(q);
			}
		}
		closedir(dd);
	}
	return 0;
}

static int maildir_add(runst *r, uint64_t seq, const char *m, size_t n)
{
	char p[4500];
	snprintf(p, sizeof(p), "%s/tmp/%s.%llu.vigie", r->mdir, r->plan_id,
	         (unsigned long long)seq);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || vg_write_all(fd, m, n) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vg_err_set(r->err, VG_EIO, "%s: %s", p, strerror(e));
	}
	close(fd);
	if (r->npending == r->cap_pending) {
		r->cap_pending = r->cap_pending ? r->cap_pending * 2 : 4096;
		r->pending = vg_xrealloc(r->pending, r->cap_pending * sizeof(uint64_t));
	}
	r->pending[r->npending++] = seq;
	if (!r->res->sample[0])
		snprintf(r->res->sample, sizeof(r->res->sample), "%s/new/%s.%llu.vigie", r->mdir,
		         r->plan_id, (unsigned long long)seq);
	return 0;
}

static int maildir_sync(runst *r)
{
	if (!r->npending)
		return 0;
	char p[4400];
	snprintf(p, sizeof(p), "%s/tmp", r->mdir);
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vg_err_set(r->err, VG_EIO, "%s: syncfs: %s", p, strerror(e));
	}
	close(fd);
	for (size_t i = 0; i < r->npending; i++) {
		char a[4500], b[4500];
		snprintf(a, sizeof(a), "%s/tmp/%s.%llu.vigie", r->mdir, r->plan_id,
		         (unsigned long long)r->pending[i]);
		snprintf(b, sizeof(b), "%s/new/%s.%llu.vigie", r->mdir, r->plan_id,
		         (unsigned long long)r->pending[i]);
		if (rename(a, b) != 0)
			return vg_err_set(r->err, VG_EIO, "%s: %s", b, strerror(errno));
	}
	snprintf(p, sizeof(p), "%s/new", r->mdir);
	if (vg_sync_dir(p) != 0)
		return vg_err_set(r->err, VG_EIO, "%s: %s", p, strerror(errno));
	r->npending = 0;
	return 0;
}

/* ------------------------------------------------------------ mbox */

static int mbox_flush(runst *r)
{
	if (r->olen && vg_write_all(r->mbox_fd, r->obuf, r->olen) != 0)
		return vg_err_set(r->err, VG_EIO, "%s: %s", r->o->out_path, strerror(errno));
	r->olen = 0;
	return 0;
}

static int mbox_add(runst *r, const char *m, size_t n)
{
	/* "From " line, the message with LF line ends, a blank line */
	size_t need = 80 + n + 2;
	if (r->olen + need > OBUF) {
		int rc = mbox_flush(r);
		if (rc)
			return rc;
	}
	char *o = need > OBUF ? vg_xmalloc(need) : r->obuf + r->olen;
	size_t k = 0;
	time_t t = (time_t)r->date;
	struct tm tm;
	gmtime_r(&t, &tm);
	k += strftime(o, 80, "From MAILER-DAEMON %a %b %e %H:%M:%S %Y\n", &tm);
	for (size_t i = 0; i < n; i++)
		if (!(m[i] == '\r' && i + 1 < n && m[i + 1] == '\n'))
			o[k++] = m[i];
	o[k++] = '\n';
	if (need > OBUF) {
		int rc = vg_write_all(r->mbox_fd, o, k) ? VG_EIO : 0;
		free(o);
		if (rc)
			return vg_err_set(r->err, VG_EIO, "%s: %s", r->o->out_path,
			                  strerror(errno));
	} else {
		r->olen += k;
	}
	r->mbox_len += k;
	return 0;
}

/* ------------------------------------------------------------ SMTP */

typedef struct upload {
	const char *p;
	size_t left;
} upload;

static size_t smtp_read(char *buf, size_t size, size_t nitems, void *ud)
{
	upload *u = ud;
	size_t n = size * nitems;
	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static void sleep_s(double s)
{
	if (s <= 0)
		return;
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Sends one message; 0 sent, 1 refused for good (5xx), <0 an error to stop on. */
static int smtp_send(runst *r, const char *to, size_t to_len, const char *m, size_t n)
{
	const vg_notify_settings *s = r->s;
	char rcpt[300], from[300];
	snprintf(rcpt, sizeof(rcpt), "<%.*s>", (int)to_len, to);
	snprintf(from, sizeof(from), "<%s>", s->from);
	double wait = (double)s->backoff_ms / 1000.0;
	for (uint64_t attempt = 0;; attempt++) {
		/* the configured rate: one message every 1/rate seconds */
		double t = now_s();
		if (r->next_send > t)
			sleep_s(r->next_send - t);
		r->next_send = (r->next_send > t ? r->next_send : t) + 1.0 / (double)s->rate;
		if (r->o->stop && *r->o->stop)
			return vg_err_set(r->err, VG_EIO, "interrupted");
		struct curl_slist *rl = curl_slist_append(NULL, rcpt);
		upload u = {m, n};
		CURL *c = r->curl;
		curl_easy_setopt(c, CURLOPT_URL, s->smtp_url);
		curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
		curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rl);
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, smtp_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &u);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		if (s->smtp_user)
			curl_easy_setopt(c, CURLOPT_USERNAME, s->smtp_user);
		if (s->smtp_password)
			curl_easy_setopt(c, CURLOPT_PASSWORD, s->smtp_password);
		CURLcode cc = curl_easy_perform(c);
		long code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		curl_slist_free_all(rl);
		if (cc == CURLE_OK)
			return 0;
		if (code >= 500 && code <= 599)
			return 1;
		if (attempt >= s->retries)
			return vg_err_set(
			    r->err, VG_EIO,
			    "SMTP relay: message %llu not accepted after %llu attempts "
			    "(%s, last reply %ld); the next run retries it",
			    (unsigned long long)r->j.done, (unsigned long long)attempt + 1,
			    curl_easy_strerror(cc), code);
		r->res->retries++;
		/* a 4xx or a lost connection: wait, and try again on a new connection */
		curl_easy_reset(c);
		sleep_s(wait);
		wait = wait * 2 > 60 ? 60 : wait * 2;
	}
}

/* ------------------------------------------------------------ one batch */

static int sync_batch(runst *r, bool complete)
{
	int rc = 0;
	vg_notify_out out = r->o->out;
	if (r->spool && (rc = nw_spool_sync(r->spool, &r->j.main_seg, &r->j.main_len,
	                                    &r->j.main_idx, r->err)) != 0)
		return rc;
	if (r->sms && r->sms != r->spool &&
	    (rc = nw_spool_sync(r->sms, &r->j.sms_seg, &r->j.sms_len, &r->j.sms_idx, r->err)) != 0)
		return rc;
	if (out == VG_NOTIFY_OUT_MAILDIR && (rc = maildir_sync(r)) != 0)
		return rc;
	if (out == VG_NOTIFY_OUT_MBOX) {
		if ((rc = mbox_flush(r)) != 0)
			return rc;
		if (fdatasync(r->mbox_fd) != 0)
			return vg_err_set(r->err, VG_EIO, "%s: %s", r->o->out_path,
			                  strerror(errno));
		r->j.main_len = r->mbox_len;
	}
	if (complete)
		r->j.flags |= VG_NOTIFY_JOURNAL_COMPLETE;
	return journal_put(r, true);
}

/* Sends the plan from r->j.done on. */
static int send_all(runst *r)
{
	const vg_notify_opts *o = r->o;
	const np_plan *p = &r->plan;
	size_t batch = o->batch ? o->batch : VG_NOTIFY_DEFAULT_BATCH;
	bool smtp = o->out == VG_NOTIFY_OUT_SMTP;
	uint64_t off = r->j.plan_off, total = p->h.count;
	const uint8_t *d = p->map + NP_HEADER_BYTES;
	size_t in_batch = 0;
	double t0 = now_s(), last_sync = t0, last_prog = t0;
	int rc = 0;
	while (r->j.done < total) {
		if (off + NP_REC_FIXED > p->h.data_bytes)
			return vg_err_set(r->err, VG_ECORRUPT, "plan: record %llu out of range",
			                  (unsigned long long)r->j.done);
		const uint8_t *rec = d + off;
		vg_notify_channel ch = (vg_notify_channel)rec[0];
		size_t alen = rec[1];
		uint16_t cats = (uint16_t)(rec[2] | rec[3] << 8);
		uint16_t sources = (uint16_t)(rec[4] | rec[5] << 8);
		if (ch >= VG_NOTIFY__CHANNELS || alen == 0 ||
		    off + NP_REC_FIXED + alen > p->h.data_bytes || (cats & ~VG_CAT_ALL))
			return vg_err_set(r->err, VG_ECORRUPT, "plan: bad record %llu",
			                  (unsigned long long)r->j.done);
		const char *to = (const char *)rec + NP_REC_FIXED;
		uint64_t seq = r->j.done;
		body *b = NULL;
		if ((rc = get_body(r, ch, cats, sources, &b)) != 0)
			return rc;
		uint64_t bkey = body_key(ch, o->lang, cats, sources);
		r->hdr.len = 0;
		if (ch == VG_NOTIFY_EMAIL) {
			/* vg_notify_email_headers(), its fixed lines made once */
			char num[20];
			vg_buf_put(&r->hdr, r->hpre.data, r->hpre.len);
			vg_buf_put(&r->hdr, "To: ", 4);
			vg_buf_put(&r->hdr, to, alen);
			vg_buf_put(&r->hdr, "\r\n", 2);
			vg_buf_put(&r->hdr, r->hsubj.data, r->hsubj.len);
			vg_buf_put(&r->hdr, r->hmid.data, r->hmid.len);
			vg_buf_put(&r->hdr, num, nm_u64_dec(num, seq));
			vg_buf_put(&r->hdr, "@", 1);
			vg_buf_puts(&r->hdr, r->s->domain);
			vg_buf_put(&r->hdr, ">\r\n", 3);
		} else {
			vg_buf_printf(&r->hdr, "To: %.*s\r\nFrom: %s\r\n", (int)alen, to,
			              r->s->sms_sender);
		}
		if (ch == VG_NOTIFY_SMS || o->out == VG_NOTIFY_OUT_SPOOL) {
			nw_spool *sp = ch == VG_NOTIFY_SMS ? r->sms : r->spool;
			if ((rc = nw_spool_add(sp, seq, ch, bkey, to, alen, r->hdr.data, r->hdr.len,
			                       r->err)) != 0)
				return rc;
			r->j.sent++;
		} else {
			r->msg.len = 0;
			vg_buf_put(&r->msg, r->hdr.data, r->hdr.len);
			vg_buf_put(&r->msg, b->data, b->len);
			if (o->out == VG_NOTIFY_OUT_MAILDIR)
				rc = maildir_add(r, seq, r->msg.data, r->msg.len);
			else if (o->out == VG_NOTIFY_OUT_MBOX)
				rc = mbox_add(r, r->msg.data, r->msg.len);
			else {
				rc = smtp_send(r, to, alen, r->msg.data, r->msg.len);
				if (rc == 1) {
					r->j.failed++;
					rc = 0;
				} else if (rc == 0) {
					r->j.sent++;
				}
			}
			if (rc < 0)
				return rc;
			if (o->out != VG_NOTIFY_OUT_SMTP)
				r->j.sent++;
		}
		off += NP_REC_FIXED + alen;
		r->j.done++;
		r->j.plan_off = off;
		r->res->written++;
		in_batch++;
		bool last = r->j.done == total;
		if (smtp) {
			/* every accepted message is journaled (a kill loses none); synced
			 * once a second or at the end */
			double t = now_s();
			bool sync = last || t - last_sync >= 1.0 || in_batch >= batch;
			if (sync) {
				if ((rc = sync_batch(r, last)) != 0)
					return rc;
				last_sync = t;
				in_batch = 0;
			} else if ((rc = journal_put(r, false)) != 0) {
				return rc;
			}
		} else if (in_batch >= batch || last) {
			if ((rc = sync_batch(r, last)) != 0)
				return rc;
			in_batch = 0;
		}
		if (o->crash_after && r->res->written == o->crash_after)
			raise(SIGKILL); /* testing: die mid-batch, as kill -9 would */
		if ((r->j.done & 4095) == 0) {
			if (o->stop && *o->stop) {
				if (in_batch && (rc = sync_batch(r, false)) != 0)
					return rc;
				return vg_err_set(r->err, VG_EIO, "interrupted");
			}
			double t = now_s();
			if (o->progress && t - last_prog > 0.2) {
				vg_notify_progress pr = {2, r->j.done, total, t - t0};
				o->progress(o->progress_ctx, &pr);
				last_prog = t;
			}
		}
	}
	if (total == 0 && !(r->j.flags & VG_NOTIFY_JOURNAL_COMPLETE))
		return sync_batch(r, true);
	return 0;
}

/* ------------------------------------------------------------ the run */

static int rm_rf_plan(const char *state)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/plan", state);
	unlink(p);
	snprintf(p, sizeof(p), "%s/journal", state);
	unlink(p);
	return vg_sync_dir(state);
}

/* Reads the journal (creating it); fills r->j. */
static int journal_open(runst *r, const char *state)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/journal", state);
	r->jfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (r->jfd < 0)
		return vg_err_set(r->err, VG_EIO, "%s: %s", p, strerror(errno));
	struct stat sb;
	if (fstat(r->jfd, &sb) != 0)
		return vg_err_set(r->err, VG_EIO, "%s: %s", p, strerror(errno));
	if (sb.st_size > ((off_t)1 << 34))
		return vg_err_set(r->err, VG_ETOOBIG, "%s: journal too large", p);
	size_t len = (size_t)sb.st_size;
	uint8_t *buf = vg_xmalloc(len ? len : 1);
	if (len && pread(r->jfd, buf, len, 0) != (ssize_t)len) {
		free(buf);
		return vg_err_set(r->err, VG_EIO, "%s: %s", p, strerror(errno));
	}
	size_t valid = 0;
	vg_notify_journal_rec last;
	memset(&last, 0, sizeof(last));
	int got = vg_notify_journal_parse(buf, len, &last, &valid);
	free(buf);
	if (got < 0)
		return vg_err_set(r->err, VG_ECORRUPT, "%s: damaged journal", p);
	memset(&r->j, 0, sizeof(r->j));
	memcpy(r->j.plan_id, r->plan.h.plan_id, 16);
	if (got == 1) {
		if (memcmp(last.plan_id, r->plan.h.plan_id, 16) || last.done > r->plan.h.count ||
		    last.plan_off > r->plan.h.data_bytes)
			return vg_err_set(r->err, VG_ECORRUPT, "%s: journal of another plan", p);
		r->j = last;
	}
	if (ftruncate(r->jfd, (off_t)valid) != 0 || lseek(r->jfd, (off_t)valid, SEEK_SET) < 0)
		return vg_err_set(r->err, VG_EIO, "%s: %s", p, strerror(errno));
	return 0;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int vg_notify_run(const vg_notify_opts *o, const char *const *files, size_t nfiles,
                  vg_notify_result *res, vg_err *err)
{
	memset(res, 0, sizeof(*res));
	if (!o->reg || !o->key || !o->settings || !o->state)
		return vg_err_set(err, VG_EUSAGE, "registry, key, settings and state are required");
	if (o->out == VG_NOTIFY_OUT_SMTP && !o->settings->smtp_url)
		return vg_err_set(err, VG_EUSAGE, "%s",
		                  T(o->lang, "[notify] smtp_url manque dans la configuration",
		                    "[notify] smtp_url is missing from the configuration"));
	if (o->out != VG_NOTIFY_OUT_NONE && o->out != VG_NOTIFY_OUT_SMTP && !o->out_path)
		return vg_err_set(err, VG_EUSAGE, "no output path");
	int rc = 0;
	runst r;
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.s = o->settings;
	r.res = res;
	r.err = err;
	r.jfd = -1;
	r.mbox_fd = -1;
	vg_buf_init(&r.hdr, 64 * 1024);
	vg_buf_init(&r.msg, 2 * VG_NOTIFY_BODY_MAX);
	vg_buf_init(&r.hpre, 64 * 1024);
	vg_buf_init(&r.hsubj, 64 * 1024);
	vg_buf_init(&r.hmid, 1024);
	double t0 = now_s();
	int64_t now = o->now ? o->now : (int64_t)time(NULL);
	char state[4096], tmpdir[4200];
	bool dry = o->out == VG_NOTIFY_OUT_NONE;
	tmpdir[0] = 0;
	if (mkdir(o->state, 0700) != 0 && errno != EEXIST)
		return vg_err_set(err, VG_EIO, "%s: %s", o->state, strerror(errno));
	snprintf(state, sizeof(state), "%s", o->state);
	if (dry) {
		snprintf(tmpdir, sizeof(tmpdir), "%s/dry-run.XXXXXX", o->state);
		if (!mkdtemp(tmpdir))
			return vg_err_set(err, VG_EIO, "%s: %s", tmpdir, strerror(errno));
		snprintf(state, sizeof(state), "%s", tmpdir);
	}
	uint64_t ih = np_inputs_hash(files, nfiles, o->reg, o->lang);
	char plan_path[4200];
	snprintf(plan_path, sizeof(plan_path), "%s/plan", state);
	rc = np_open(plan_path, &r.plan, err);
	if (rc == 0 && r.plan.h.inputs_hash != ih) {
		np_close(&r.plan);
		if (!o->restart) {
			rc = vg_err_set(
			    err, VG_EUSAGE,
			    T(o->lang,
			      "%s contient le plan d'un autre envoi (autres fichiers ou "
			      "autre registre) ; reprenez-le avec les mêmes fichiers, ou "
			      "recommencez avec --restart",
			      "%s holds the plan of another run (other files or another "
			      "registry); resume it with the same files, or start over with "
			      "--restart"),
			    state);
			goto out;
		}
		rm_rf_plan(state);
		rc = VG_ENOTFOUND;
	}
	if (rc == 0) {
		res->plan_reused = true;
	} else if (rc == VG_ENOTFOUND) {
		char jp[4200];
		snprintf(jp, sizeof(jp), "%s/journal", state);
		unlink(jp); /* a journal without its plan is meaningless */
		np_build_opts bo = {
		    .reg = o->reg,
		    .key = o->key,
		    .dir = state,
		    .map = o->map,
		    .lang = o->lang,
		    .memory = o->memory,
		    .threads = o->threads,
		    .now = now,
		    .inputs_hash = ih,
		    .special_extra = o->settings->special_extra,
		    .stop = o->stop,
		    .progress = o->progress,
		    .progress_ctx = o->progress_ctx,
		};
		np_header h;
		np_times tm = {0, 0};
		rc = np_build(&bo, files, nfiles, &h, &tm, err);
		res->read_seconds = tm.read;
		res->merge_seconds = tm.merge;
		if (rc != 0 || (rc = np_open(plan_path, &r.plan, err)) != 0)
			goto out;
	} else {
		goto out;
	}
	res->counts = r.plan.h.counts;
	for (int i = 0; i < 16; i++)
		snprintf(r.plan_id + 2 * i, 3, "%02x", r.plan.h.plan_id[i]);
	memcpy(res->plan_id, r.plan_id, sizeof(r.plan_id));
	res->plan_seconds = now_s() - t0;
	if (dry)
		goto out;

	r.date = r.s->date ? r.s->date : r.plan.h.created;
	nm_headers_fixed(r.s, r.date, o->lang, &r.hpre, &r.hsubj);
	vg_buf_puts(&r.hmid, "Message-ID: <vigie.");
	vg_buf_puts(&r.hmid, r.plan_id);
	vg_buf_puts(&r.hmid, ".");
	vg_notify_sources_from_registry(o->reg, &r.src);
	r.src.special |= r.s->special_extra;
	if ((rc = journal_open(&r, state)) != 0)
		goto out;
	res->resumed_at = r.j.done;
	if (r.j.flags & VG_NOTIFY_JOURNAL_COMPLETE) {
		res->failed = r.j.failed;
		goto out;
	}
	/* outputs, at the journal's positions */
	char smsdir[4200];
	if (o->out == VG_NOTIFY_OUT_SPOOL) {
		if ((rc = nw_spool_open(o->out_path, r.j.main_seg, r.j.main_len, r.j.main_idx,
		                        &r.spool, err)) != 0)
			goto out;
		r.sms = r.spool;
		r.j.sms_seg = r.j.main_seg; /* one spool holds both */
	} else {
		if (o->sms_path)
			snprintf(smsdir, sizeof(smsdir), "%s", o->sms_path);
		else
			snprintf(smsdir, sizeof(smsdir), "%s/sms", state);
		if ((rc = nw_spool_open(smsdir, r.j.sms_seg, r.j.sms_len, r.j.sms_idx, &r.sms,
		                        err)) != 0)
			goto out;
	}
	if (o->out == VG_NOTIFY_OUT_MAILDIR && (rc = maildir_open(&r, err)) != 0)
		goto out;
	if (o->out == VG_NOTIFY_OUT_MBOX) {
		r.mbox_fd = open(o->out_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		r.mbox_len = r.j.main_len;
		if (r.mbox_fd < 0 || ftruncate(r.mbox_fd, (off_t)r.mbox_len) != 0 ||
		    lseek(r.mbox_fd, (off_t)r.mbox_len, SEEK_SET) < 0) {
			rc = vg_err_set(err, VG_EIO, "%s: %s", o->out_path, strerror(errno));
			goto out;
		}
		r.obuf = vg_xmalloc(OBUF);
		snprintf(res->sample, sizeof(res->sample), "%s", o->out_path);
	}
	if (o->out == VG_NOTIFY_OUT_SMTP) {
		rc = vg_lazy_load(VG_LAZY_CURL, err);
		if (rc)
			goto out;
		pthread_once(&curl_once, curl_init);
		r.curl = curl_easy_init();
		if (!r.curl) {
			rc = vg_err_set(err, VG_EINTERNAL, "curl_easy_init failed");
			goto out;
		}
	}
	if (r.spool)
		nw_spool_seg_path(r.spool, res->sample, sizeof(res->sample));
	double ts = now_s();
	rc = send_all(&r);
	res->send_seconds = now_s() - ts;
	res->failed = r.j.failed;
out:
	if (r.curl)
		curl_easy_cleanup(r.curl);
	if (r.sms && r.sms != r.spool)
		nw_spool_close(r.sms);
	nw_spool_close(r.spool);
	if (r.mbox_fd >= 0)
		close(r.mbox_fd);
	if (r.jfd >= 0)
		close(r.jfd);
	free(r.obuf);
	free(r.pending);
	bodies_free(&r.bd);
	np_close(&r.plan);
	vg_buf_release(&r.hdr);
	vg_buf_release(&r.msg);
	vg_buf_release(&r.hpre);
	vg_buf_release(&r.hsubj);
	vg_buf_release(&r.hmid);
	if (tmpdir[0]) {
		rm_rf_plan(tmpdir);
		rmdir(tmpdir);
	}
	return rc;
}

/* ------------------------------------------------------------ text part */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
static void gmime_init(void)
{
	g_mime_init();
}

int vg_notify_text_part(const char *msg, size_t len, vg_notify_buf *out)
{
	if (vg_lazy_load(VG_LAZY_GMIME, NULL) != 0)
		return VG_EIO;
	pthread_once(&gmime_once, gmime_init);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(msg, len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	if (!m)
		return VG_EINVAL;
	int rc = VG_EINVAL;
	GMimeObject *top = g_mime_message_get_body(m);
	GMimeObject *part = NULL;
	if (top && GMIME_IS_MULTIPART(top)) {
		GMimeMultipart *mp = GMIME_MULTIPART(top);
		for (int i = 0; i < g_mime_multipart_get_count(mp); i++) {
			GMimeObject *c = g_mime_multipart_get_part(mp, i);
			GMimeContentType *ct = g_mime_object_get_content_type(c);
			if (GMIME_IS_PART(c) && g_mime_content_type_is_type(ct, "text", "plain")) {
				part = c;
				break;
			}
		}
	} else if (top && GMIME_IS_PART(top)) {
		part = top;
	}
	if (part) {
		GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(part));
		if (dw) {
			GMimeStream *ms = g_mime_stream_mem_new();
			g_mime_data_wrapper_write_to_stream(dw, ms);
			GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
			/* CRLF to LF for people */
			for (guint i = 0; i < ba->len; i++)
				if (!(ba->data[i] == '\r' && i + 1 < ba->len &&
				      ba->data[i + 1] == '\n'))
					vg_buf_put(out, &ba->data[i], 1);
			g_object_unref(ms);
			rc = 0;
		}
	}
	g_object_unref(m);
	return rc;
}
