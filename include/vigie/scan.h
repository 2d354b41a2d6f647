/*
 * vigie/scan.h: is this SMS or email phishing, and why.
 *
 * A scanner (vg_scan) holds what never changes between messages: the list of
 * official domains and brands (data/scan/brands.txt, compiled in), the Public
 * Suffix List (libpsl), ICU's spoof checker (UTS #39 confusables) and the
 * statistical model (data/scan/model.bin, compiled in, or a file). It is
 * immutable once opened and may be shared by threads.
 *
 * A context (vg_scan_ctx) holds the scratch buffers of one scan at a time;
 * give each thread its own. Scanning reuses the buffers, so a batch does not
 * allocate per message once they have grown.
 *
 * A scan fills a caller-owned vg_scan_result: a verdict, a score in [0, 1]
 * (the calibrated probability that the message is phishing or spam), the
 * reasons (hits: a stable code, a French and an English message, the detail
 * such as the domain, and the weight in log-odds) and the links found.
 *
 * The score combines the rules and the model in one logistic function:
 *   p = 1 / (1 + exp(-(a * model_logit + c * evidence + b)))
 * where evidence is the sum of the rules' weights and (a, b, c) were fitted
 * on held-out training data by `vigie scan train`. The score is p shifted
 * (monotone) so that the channel's verdict thresholds, stored in the model
 * and calibrated on held-out training data, fall on VG_SCAN_PHISHING_AT and
 * VG_SCAN_SUSPICIOUS_AT (with the current model: the score is p). A
 * "decisive" hit (a lookalike of an official domain, an executable
 * attachment) makes the verdict phishing whatever the rest says. Details:
 * docs/scan.md.
 */
#ifndef VIGIE_SCAN_H
#define VIGIE_SCAN_H

#include "vigie/core.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* An SMS or pasted text longer than this is scanned on its first bytes. */
#define VG_SCAN_TEXT_MAX (64u * 1024)
/* A raw email over this size is refused (VG_ETOOBIG). */
#define VG_SCAN_EMAIL_MAX (32u * 1024 * 1024)
/* Room in a result; extra hits and links are dropped (truncated set). */
#define VG_SCAN_MAX_HITS 24
#define VG_SCAN_MAX_LINKS 16
#define VG_SCAN_DETAIL_MAX 160
#define VG_SCAN_HOST_MAX 256

/* Score thresholds of the verdicts (inclusive; on the shown score). */
#define VG_SCAN_PHISHING_AT 0.5
#define VG_SCAN_SUSPICIOUS_AT 0.35

typedef enum {
	VG_VERDICT_LEGITIMATE = 0,
	VG_VERDICT_SUSPICIOUS = 1,
	VG_VERDICT_PHISHING = 2,
} vg_verdict;

/* "legitimate", "suspicious", "phishing". */
const char *vg_verdict_name(vg_verdict v);
/* The verdict for people: "légitime" / "legitimate", ... */
const char *vg_verdict_text(vg_verdict v, vg_lang lang);

/* One reason: what was seen, with its weight (log-odds, + means phishing). */
typedef struct vg_scan_hit {
	const vg_reason *reason;
	float weight;
	bool decisive;                   /* forces the verdict to phishing */
	char detail[VG_SCAN_DETAIL_MAX]; /* e.g. "ameli-remboursement.com → ameli.fr"; may be "" */
} vg_scan_hit;

/* What a link's host is. */
typedef enum {
	VG_LINK_OTHER = 0,
	VG_LINK_OFFICIAL,  /* a listed official domain, or under gouv.fr */
	VG_LINK_LOOKALIKE, /* imitates an official domain */
	VG_LINK_SHORTENER, /* a URL shortener: the destination is hidden */
	VG_LINK_IP,        /* an IP address instead of a name */
} vg_link_kind;

typedef struct vg_scan_link {
	char host[VG_SCAN_HOST_MAX];   /* lowercase, Unicode form when IDN */
	char domain[VG_SCAN_HOST_MAX]; /* registrable domain (Public Suffix List) */
	vg_link_kind kind;
	const char *brand; /* label of the brand it belongs to or imitates, or NULL */
	bool http;         /* explicit plain http:// */
} vg_scan_link;

typedef enum { VG_SCAN_SMS = 0, VG_SCAN_EMAIL = 1 } vg_scan_channel;

typedef struct vg_scan_result {
	vg_scan_channel channel;
	vg_verdict verdict;
	double score;    /* [0, 1] */
	double model;    /* the model's own probability, or -1 without a model */
	double evidence; /* sum of the hits' weights */
	size_t nhits;
	vg_scan_hit hits[VG_SCAN_MAX_HITS]; /* strongest first */
	size_t nlinks;
	vg_scan_link links[VG_SCAN_MAX_LINKS];
	bool truncated; /* some hits or links did not fit */
} vg_scan_result;

typedef struct vg_scan vg_scan;
typedef struct vg_scan_ctx vg_scan_ctx;

/*
 * Opens a scanner. model_path NULL uses the built-in model; "" opens one
 * without a model (rules only). A model file that is unreadable, truncated or
 * corrupt fails with VG_EIO or VG_ECORRUPT and a message in err.
 */
int vg_scan_open(const char *model_path, vg_scan **out, vg_err *err) VG_MUST_CHECK;
void vg_scan_close(vg_scan *sc);
/* True when the scanner has a model for the channel. */
bool vg_scan_has_model(const vg_scan *sc, vg_scan_channel ch);

/* A context for one thread's scans (sc must outlive it). */
vg_scan_ctx *vg_scan_ctx_new(const vg_scan *sc);
void vg_scan_ctx_free(vg_scan_ctx *cx);

/* Scans a text message (SMS, chat, pasted text): s[0..n), any bytes. */
void vg_scan_sms(vg_scan_ctx *cx, const char *s, size_t n, vg_scan_result *out);

/*
 * Scans one raw RFC 5322 message (headers, MIME body). A leading mbox
 * "From " line is skipped. Returns 0, or VG_ETOOBIG over VG_SCAN_EMAIL_MAX
 * (out is then a legitimate verdict with no hits).
 */
int vg_scan_email(vg_scan_ctx *cx, const char *raw, size_t n, vg_scan_result *out) VG_MUST_CHECK;

/* The message of a hit in lang, with its detail: "text : detail". */
void vg_scan_hit_message(const vg_scan_hit *h, vg_lang lang, char *buf, size_t cap);

/*
 * The result as a new JSON object (caller owns it): {"verdict", "score",
 * "reasons": [{"code", "message", "detail", "weight"}], "links": [...],
 * "model", "channel"}.
 */
json_t *vg_scan_result_json(const vg_scan_result *r, vg_lang lang);

/* ---- Mailboxes ---- */

/*
 * An mbox reader over a buffer (the caller maps or reads the file): yields
 * each message's raw bytes, without its "From " separator line. Lines
 * ">From " are not unescaped (the scanner does not need it).
 */
typedef struct vg_mbox {
	const char *s;
	size_t n, pos;
} vg_mbox;

void vg_mbox_init(vg_mbox *m, const char *s, size_t n);
/* 1 with the next message in *msg, *len; 0 at the end. */
int vg_mbox_next(vg_mbox *m, const char **msg, size_t *len);

/* ---- Training ---- */

typedef struct vg_scan_train_opts {
	const char *data_dir;  /* the repository's data/: corpora/sms and scan/ */
	const char *email_dir; /* SpamAssassin corpus data/ (spam-1, easy-ham-1), or NULL */
	const char *out_path;  /* model file to write */
	FILE *log;             /* progress and figures, or NULL */
	unsigned hash_bits;    /* 0: default */
} vg_scan_train_opts;

/*
 * Trains the SMS model (UCI first 30 %, SPAM-Hunter first 70 %, the
 * hand-written French set) and, with email_dir, the email model
 * (SpamAssassin spam-1 and easy-ham-1; its feature groups, L2 decay and
 * verdict thresholds chosen by 5-fold cross-validation on those two sets
 * only), fits the calibration, and writes the model file. Deterministic:
 * the same inputs give the same file.
 */
int vg_scan_train(const vg_scan_train_opts *o, vg_err *err) VG_MUST_CHECK;

#endif
