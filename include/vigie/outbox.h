/*
 * vigie/outbox.h: messages to people (one-time codes now, notices later),
 * sent off the request path.
 *
 * A message goes to a spool directory by default: one RFC 5322 file
 * (NAME.eml) per email, one JSON file (NAME.json: {"to", "text"}) per SMS,
 * for the organisation's mail and SMS gateways to pick up. Each file is
 * written in DIR/tmp/, synced, then renamed into DIR (as Maildir does), so
 * a reader of DIR never sees half a file; mode 0600; names are a time and
 * random hex, never the recipient. With an SMTP relay configured
 * (smtp://host:port or smtps://, through libcurl), emails go to it instead;
 * one that fails is logged (without its recipient) and kept in the spool.
 *
 * vg_outbox_send() only copies the message into a bounded queue; one worker
 * thread formats and writes or sends it, so the time a request takes does
 * not depend on whether it produced a message. The outbox is the only place
 * where vigie writes an identifier in clear: it must, it is the message.
 *
 * The formatting functions (vg_outbox_eml(), vg_outbox_sms_json()) are pure,
 * for tests and for `vigie notify`.
 *
 * Ownership: vg_outbox_open() copies its options; vg_outbox_close() sends
 * what is queued, stops the worker and frees. Thread-safe: any number of
 * threads may call vg_outbox_send() at once.
 */
#ifndef VIGIE_OUTBOX_H
#define VIGIE_OUTBOX_H

#include "vigie/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of one message. */
#define VG_OUTBOX_TO_MAX 320
#define VG_OUTBOX_SUBJECT_MAX 256
#define VG_OUTBOX_TEXT_MAX 8192
/* Default queue length. */
#define VG_OUTBOX_QUEUE_DEFAULT 1024

typedef enum { VG_OUTBOX_EMAIL = 0, VG_OUTBOX_SMS = 1 } vg_outbox_kind;

typedef struct vg_outbox_msg {
	vg_outbox_kind kind;
	const char *to;      /* an email address, or an E.164 number */
	const char *subject; /* email only, UTF-8 */
	const char *text;    /* UTF-8; lines separated by '\n' */
	uint64_t now_ms;     /* for the Date header and the file name */
} vg_outbox_msg;

/* Where the worker reports failures: never given an identifier. */
typedef void (*vg_outbox_log_fn)(void *arg, const char *msg);

typedef struct vg_outbox_opts {
	const char *dir;       /* spool directory (created 0700 with tmp/) */
	const char *smtp_url;  /* "smtp://relay:25", or NULL: spool only */
	const char *smtp_user; /* optional, with smtp_password */
	const char *smtp_password;
	bool smtp_require_tls; /* STARTTLS required (CURLUSESSL_ALL) */
	const char *from;      /* the sender address: "ne-pas-repondre@exemple.fr" */
	const char *from_name; /* its display name (UTF-8), or NULL */
	size_t queue_max;      /* 0: VG_OUTBOX_QUEUE_DEFAULT */
	vg_outbox_log_fn log;  /* NULL: "vigie: outbox: ..." on stderr */
	void *log_arg;
} vg_outbox_opts;

typedef struct vg_outbox vg_outbox;

/* Creates the spool directories, starts the worker. */
int vg_outbox_open(const vg_outbox_opts *o, vg_outbox **out, vg_err *err) VG_MUST_CHECK;

/* Sends what is queued, stops the worker, frees. NULL is fine. */
void vg_outbox_close(vg_outbox *ob);

/*
 * Queues a copy of m. 0, VG_EINVAL when a field is missing or over its limit
 * (or a recipient holds a control character), VG_ETOOBIG when the queue is
 * full (the message is dropped and a failure is logged).
 */
int vg_outbox_send(vg_outbox *ob, const vg_outbox_msg *m) VG_MUST_CHECK;

/* Waits until every message queued so far is written or sent. */
void vg_outbox_flush(vg_outbox *ob);

/* Counters since open: queued by vg_outbox_send(); then each message is
 * relayed (SMTP), or spooled (written to DIR, also after a relay failure,
 * counted in relay_failed), or failed (neither); dropped: queue full. */
typedef struct vg_outbox_stats {
	uint64_t queued, spooled, relayed, relay_failed, failed, dropped;
} vg_outbox_stats;
void vg_outbox_get_stats(vg_outbox *ob, vg_outbox_stats *out);

/*
 * The RFC 5322 message for m (kind email) from from / from_name: From, To,
 * Subject (RFC 2047 "Q" encoded words when not ASCII), Date (RFC 5322, UTC),
 * Message-ID (random, @ the sender's domain), MIME-Version, Content-Type
 * text/plain; charset=UTF-8, Content-Transfer-Encoding: quoted-printable,
 * Auto-Submitted: auto-generated; then the text, quoted-printable, CRLF line
 * ends. A new NUL-terminated string; *len its length.
 */
char *vg_outbox_eml(const vg_outbox_msg *m, const char *from, const char *from_name,
                    size_t *len);

/* The spool JSON of an SMS: {"to": ..., "text": ...} and a newline. */
char *vg_outbox_sms_json(const vg_outbox_msg *m, size_t *len);

/* True when s is written with the GSM 03.38 default alphabet only (one SMS
 * segment holds 160 such characters), counting into *septets (optional) the
 * characters, the extension table's ones twice. */
bool vg_outbox_gsm7(const char *s, size_t *septets);

#endif
