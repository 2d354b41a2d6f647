/*
 * vigie/notify.h: the GDPR art. 34 message to every person exposed
 * (`vigie notify`): one email (or, for people with a mobile phone and no
 * email, one SMS) per contact address, saying exactly which of *their*
 * categories leaked, from which source, what it means for them, what the
 * organisation did, whom to contact, and the advice that applies.
 *
 * The pieces, in the order a run meets them:
 *
 *   encoders      quoted-printable bodies, RFC 2047 header words, GSM-7
 *                 segment counting (pure functions, no allocation but the
 *                 caller's vg_notify_buf);
 *   settings      vg_notify_settings from the config file ([organisation],
 *                 [dpo], [breach] as for `vigie report`, plus [notify]);
 *   content       the MIME entity (text + HTML) and the SMS text for a set of
 *                 categories and sources: a pure function of the settings,
 *                 the category set, the source set and the language, so a run
 *                 makes each distinct body once;
 *   plan          the inputs read once (vg_table + vg_colmap, like ingest),
 *                 every contact looked up in the registry by its keyed
 *                 pseudonym (and the row's other identifiers too, so a
 *                 person's rows in other files and sources count), sorted
 *                 and deduplicated by pseudonym with bounded memory, written
 *                 to STATE/plan;
 *   run           the plan sent in order to a spool, a Maildir, an mbox or an
 *                 SMTP relay, with a journal of durable progress by batch.
 *
 * Durability and resumption are described in docs/notify.md. In short: a
 * SIGKILL at any point loses nothing and the next run sends exactly what was
 * not sent; a power loss goes back to the last durable batch, whose messages
 * are rewritten under the same names (Maildir) or over the same bytes
 * (spool, mbox), so nothing is delivered twice either.
 *
 * No identifier appears in a log or an error message: counts only.
 */
#ifndef VIGIE_NOTIFY_H
#define VIGIE_NOTIFY_H

#include "vigie/advice.h"
#include "vigie/config.h"
#include "vigie/core.h"
#include "vigie/registry.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ buffers */

/* A vg_buf (vigie/core.h): vg_buf_init(), vg_buf_put()... */
typedef vg_buf vg_notify_buf;

/* ------------------------------------------------------------ encoders */

/*
 * Appends text[0..n) (UTF-8, lines separated by '\n' or "\r\n") encoded as
 * quoted-printable (RFC 2045 6.7): CRLF line ends, encoded lines of at most
 * 76 characters with soft breaks, '=', controls and 8-bit bytes as =XX,
 * spaces and tabs before a line end encoded, and a '.' or "From " at the
 * start of a line encoded too (=2E, =46) so that neither SMTP dot-stuffing
 * nor an mbox reader can change the body.
 */
void vg_notify_qp(vg_notify_buf *out, const char *text, size_t n);

/*
 * Appends a header field "Name: value" for an unstructured value (Subject):
 * plain when value is printable ASCII, else RFC 2047 encoded words
 * (=?UTF-8?Q?...?=, each at most 75 characters, never splitting a UTF-8
 * sequence) folded with CRLF SP; ends with CRLF.
 */
void vg_notify_header_text(vg_notify_buf *out, const char *name, const char *value);

/*
 * Appends "Name: display <addr>\r\n" (From, Reply-To): the display name as
 * a plain atom sequence when it is letters, digits and spaces only, else as
 * RFC 2047 encoded words; addr as given (already validated). display may be
 * NULL or empty: then "Name: addr".
 */
void vg_notify_header_mailbox(vg_notify_buf *out, const char *name, const char *display,
                              const char *addr);

/* SMS encodings. */
typedef enum { VG_SMS_GSM7 = 0, VG_SMS_UCS2 = 1 } vg_sms_encoding;

typedef struct vg_sms_count {
	vg_sms_encoding encoding;
	size_t units;    /* septets (GSM-7, escapes count 2) or UTF-16 code units */
	size_t segments; /* 1 when it fits a single SMS; else concatenated parts */
	size_t chars;    /* Unicode code points */
} vg_sms_count;

/*
 * Counts the SMS segments of UTF-8 text s[0..n): GSM-7 when every character
 * is in the GSM 03.38 basic table or its extension table (the latter cost an
 * escape, 2 septets), else UCS-2. A single SMS holds 160 septets or 70 units;
 * a concatenated one 153 septets or 67 units per segment, and an escape pair
 * or a surrogate pair is never split across segments. VG_EINVAL when s is
 * not valid UTF-8 (out is still filled as far as it could read).
 */
int vg_sms_segments(const char *s, size_t n, vg_sms_count *out) VG_MUST_CHECK;

/* Whether code point cp is in the GSM-7 basic table (1) or extension (2); 0 if neither. */
int vg_sms_gsm7_cost(uint32_t cp);

/* ------------------------------------------------------------ settings */

/* Most SMS segments a notification may take. */
#define VG_NOTIFY_SMS_MAX_SEGMENTS 2

typedef struct vg_notify_settings {
	const char *org_name, *org_address;
	const char *dpo_name, *dpo_email, *dpo_phone;
	const char *nature;         /* what happened (paragraphs, '\n') */
	const char *measures_taken; /* one measure per line */
	const char *measures_proposed;
	/* intrusion period, shown as dates ("" when unknown): YYYY-MM-DD */
	char period_start[11], period_end[11];
	/* [notify] */
	const char *from, *from_name; /* envelope and From: address, display name */
	const char *reply_to;         /* Reply-To: address (default: the DPO's email) */
	const char *site;             /* official site, written out ("francetravail.fr") */
	const char *sms_sender;       /* alphanumeric sender id, 1-11 characters */
	const char *smtp_url;         /* "smtp://relay:25", "smtps://..." */
	const char *smtp_user, *smtp_password;
	uint64_t rate;       /* SMTP messages per second (default 50) */
	uint64_t retries;    /* SMTP attempts after the first (default 5) */
	uint64_t backoff_ms; /* first wait before a retry, doubled each time (default 1000) */
	int64_t date;        /* Date: of every message (Unix seconds); 0: the plan's time */
	char domain[256];    /* Message-ID domain: the From address's */
	uint16_t special_extra; /* sources [sources] special_category flags */
} vg_notify_settings;

/* The keys vigie notify knows (the report's, plus [notify]). */
extern const vg_config_key vg_notify_config_keys[];
extern const size_t vg_notify_config_n_keys;

/*
 * Fills s from cfg (validated: unknown keys are errors). Required: the
 * report's required keys, [notify] from and site. Addresses are checked
 * (vg_email), the SMS sender (1-11 GSM-7 letters, digits, spaces), the
 * site (a domain name, no scheme: "https://" is refused since messages
 * carry no links). With reg (may be NULL), [sources] special_category is
 * checked against its sources and sets special_extra. Strings point into
 * cfg. VG_EINVAL with file:line.
 */
int vg_notify_from_config(vg_config *cfg, const vg_registry *reg, vg_notify_settings *s,
                          vg_err *err) VG_MUST_CHECK;

/* ------------------------------------------------------------ content */

/* The sources a message names, from the registry. */
typedef struct vg_notify_sources {
	unsigned n;
	const char *name[VG_SOURCE_MAX];
	uint16_t special; /* bit i: source i reveals special-category data */
} vg_notify_sources;

void vg_notify_sources_from_registry(const vg_registry *r, vg_notify_sources *out);

#define VG_NOTIFY_BODY_MAX (256 * 1024)

/*
 * The MIME entity shared by every email with these categories (VG_CAT_BIT()s)
 * and sources (bits of src): "MIME-Version", a multipart/alternative
 * Content-Type with its boundary, a blank line, a text/plain part and a
 * text/html part, both UTF-8 quoted-printable. The HTML holds no link (no
 * <a> element, no URL scheme). Appended to out; VG_ETOOBIG over out->max.
 */
int vg_notify_email_body(const vg_notify_settings *s, const vg_notify_sources *src,
                         uint16_t cats, uint16_t sources, vg_lang lang,
                         vg_notify_buf *out) VG_MUST_CHECK;

/* The same content as plain UTF-8 text (what the text/plain part decodes to). */
int vg_notify_email_text(const vg_notify_settings *s, const vg_notify_sources *src,
                         uint16_t cats, uint16_t sources, vg_lang lang,
                         vg_notify_buf *out) VG_MUST_CHECK;

/* The Subject of every notification email, in lang. */
const char *vg_notify_subject(vg_lang lang);

/*
 * The per-message header block: Date, From, Reply-To, To, Subject,
 * Message-ID (<vigie.PLANID.SEQ@domain>), ending before the MIME entity's
 * own header lines (no blank line). to is a canonical email address.
 */
void vg_notify_email_headers(const vg_notify_settings *s, const char *plan_id, uint64_t seq,
                             int64_t date, const char *to, size_t to_len, vg_lang lang,
                             vg_notify_buf *out);

/*
 * The SMS for these categories: who writes, that their data leaked and which
 * categories (when it fits), that nothing will be asked by message, and the
 * official site written out. Never names a source (an SMS is read over
 * shoulders; Cap Emploi would reveal a disability). The most detailed of a
 * few variants that fits in VG_NOTIFY_SMS_MAX_SEGMENTS GSM-7 segments; if
 * none does (settings with characters outside GSM-7), the same variants
 * with those characters replaced by their GSM-7 base letter. VG_ETOOBIG when
 * even the shortest does not fit (a very long organisation name or site).
 */
int vg_notify_sms_text(const vg_notify_settings *s, uint16_t cats, vg_lang lang,
                       vg_notify_buf *out, vg_sms_count *count) VG_MUST_CHECK;

/* ------------------------------------------------------------ counts */

typedef enum { VG_NOTIFY_EMAIL = 0, VG_NOTIFY_SMS = 1, VG_NOTIFY__CHANNELS } vg_notify_channel;

/* "email", "sms". */
const char *vg_notify_channel_name(vg_notify_channel c);

/* What the plan holds; all u64 so that it is stored as is in the plan file. */
typedef struct vg_notify_counts {
	uint64_t files, rows, rows_bad; /* rows read; rows the reader could not parse */
	uint64_t not_exposed;           /* rows none of whose identifiers is in the registry */
	uint64_t no_contact;            /* exposed rows with no valid email nor mobile */
	uint64_t contacts;              /* contact records before deduplication */
	uint64_t sms_covered;           /* mobiles skipped: an email row reaches them */
	uint64_t messages;
	uint64_t channel[VG_NOTIFY__CHANNELS];
	uint64_t category[VG_NOTIFY__CHANNELS][VG_CAT__COUNT];
	uint64_t source[VG_NOTIFY__CHANNELS][VG_SOURCE_MAX];
	uint64_t special[VG_NOTIFY__CHANNELS]; /* messages naming a special source */
} vg_notify_counts;

/* ------------------------------------------------------------ the run */

typedef enum {
	VG_NOTIFY_OUT_NONE = 0, /* --dry-run */
	VG_NOTIFY_OUT_SPOOL,
	VG_NOTIFY_OUT_MAILDIR,
	VG_NOTIFY_OUT_MBOX,
	VG_NOTIFY_OUT_SMTP,
} vg_notify_out;

/* Messages per durable batch (one fdatasync of each output and the journal). */
#define VG_NOTIFY_DEFAULT_BATCH 65536
/* Memory for the deduplication sort before sorted runs spill to STATE. */
#define VG_NOTIFY_DEFAULT_MEMORY ((size_t)512 << 20)
/* Threads that normalize and look rows up while the caller's thread reads. */
#define VG_NOTIFY_DEFAULT_THREADS 2
#define VG_NOTIFY_MAX_THREADS 16

typedef struct vg_notify_progress {
	int phase; /* 0 reading inputs, 1 sorting, 2 sending */
	uint64_t done, total;
	double seconds;
} vg_notify_progress;

typedef struct vg_notify_opts {
	const vg_registry *reg; /* opened with its key */
	const vg_regkey *key;
	const vg_notify_settings *settings;
	vg_notify_out out;
	const char *out_path; /* spool or Maildir directory, mbox file */
	const char *state;    /* plan and journal directory (created 0700) */
	const char *sms_path; /* SMS spool when out is not a spool (default STATE/sms) */
	const char *map;      /* --map text, or NULL */
	vg_lang lang;         /* of the messages */
	size_t memory;        /* 0: VG_NOTIFY_DEFAULT_MEMORY */
	unsigned threads;     /* plan workers; 0: VG_NOTIFY_DEFAULT_THREADS; the plan is
	                         the same whatever the number */
	size_t batch;         /* 0: VG_NOTIFY_DEFAULT_BATCH */
	int64_t now;          /* the plan's time; 0: time(NULL) */
	bool restart;         /* discard STATE's plan and journal of another run */
	const volatile sig_atomic_t *stop;
	void (*progress)(void *ctx, const vg_notify_progress *p);
	void *progress_ctx;
	/* testing: raise SIGKILL once this many messages of this run are
	 * written (0: never); from $VIGIE_NOTIFY_CRASH_AFTER in the CLI */
	uint64_t crash_after;
} vg_notify_opts;

typedef struct vg_notify_result {
	vg_notify_counts counts; /* the plan's */
	bool plan_reused;        /* a previous run's plan was resumed */
	uint64_t resumed_at;     /* messages already done when this run started */
	uint64_t written;        /* messages this run wrote or sent */
	uint64_t failed;         /* SMTP: refused for good (5xx), all runs */
	uint64_t retries;        /* SMTP: attempts retried after a 4xx or a lost connection */
	uint64_t bodies;         /* distinct bodies made */
	double plan_seconds, send_seconds;
	double read_seconds, merge_seconds; /* of plan_seconds, when the plan was made */
	char plan_id[33];
	char sample[4200]; /* spool/Maildir/mbox path of the first message written */
} vg_notify_result;

/*
 * Notifies the people of files[0..nfiles) (leaked files or a contact
 * export, any format vg_table reads). With out NONE (dry run) the plan is
 * built in a temporary directory under state (or $TMPDIR), counted and
 * removed. Otherwise: the plan is built once into STATE (or resumed when
 * STATE holds the plan of the same inputs), then sent from where the
 * journal says. Returns 0; VG_EUSAGE (bad options, STATE holds another
 * run's plan without restart); VG_ENOTFOUND/VG_EIO/VG_ECORRUPT/VG_EINVAL
 * (inputs, state, output) with a message in err; VG_EIO with nothing lost
 * when opts->stop was raised (the journal is up to date).
 */
int vg_notify_run(const vg_notify_opts *opts, const char *const *files, size_t nfiles,
                  vg_notify_result *res, vg_err *err) VG_MUST_CHECK;

/* ------------------------------------------------------------ reading back */

/*
 * Message n (0-based) of spool segment seg (1-based) of spool dir, as the
 * bytes a relay would send: its header block then its body (for an SMS, the
 * To/From block, a blank line and the text). Appended to out. VG_ENOTFOUND
 * past the end, VG_ECORRUPT for a damaged record.
 */
int vg_notify_spool_message(const char *dir, uint64_t seg, uint64_t n, vg_notify_buf *out,
                            vg_err *err) VG_MUST_CHECK;

/*
 * The text/plain part of an RFC 5322 message msg[0..len), decoded (GMime),
 * appended to out as UTF-8. VG_EINVAL when the message has none.
 */
int vg_notify_text_part(const char *msg, size_t len, vg_notify_buf *out) VG_MUST_CHECK;

/* ------------------------------------------------------------ journal */

/* One journal record (docs/notify.md): durable progress after a batch. */
typedef struct vg_notify_journal_rec {
	uint8_t plan_id[16];
	uint64_t done;     /* messages [0, done) of the plan are durable */
	uint64_t plan_off; /* byte offset of message `done` in the plan */
	uint64_t sent, failed;
	uint64_t main_seg, main_len, main_idx; /* spool: segment, its length, index length;
	                                          mbox: file length */
	uint64_t sms_seg, sms_len, sms_idx;    /* the SMS spool */
	uint64_t flags;                        /* VG_NOTIFY_JOURNAL_* */
} vg_notify_journal_rec;

enum { VG_NOTIFY_JOURNAL_COMPLETE = 1u << 0 };

#define VG_NOTIFY_JOURNAL_REC_BYTES 128

/*
 * Reads a journal's bytes: the last record whose magic and checksum hold
 * (a torn last record, from a kill mid-write, is ignored). *valid gets the
 * byte length up to the end of that record (what to keep). Returns 1 with
 * *last set, 0 when no record holds, VG_ECORRUPT when a record in the middle
 * is damaged (not a torn tail) or records disagree on the plan id.
 */
int vg_notify_journal_parse(const void *buf, size_t len, vg_notify_journal_rec *last,
                            size_t *valid) VG_MUST_CHECK;

/* Serializes a record (VG_NOTIFY_JOURNAL_REC_BYTES bytes, checksum included). */
void vg_notify_journal_encode(const vg_notify_journal_rec *r,
                              uint8_t out[VG_NOTIFY_JOURNAL_REC_BYTES]);

#endif
