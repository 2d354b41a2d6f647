/*
 * vigie/watch.h: bulk extraction of personal data in access logs, as it
 * happens. Feed it events (vigie/alog.h) in time order; it learns each
 * account's habits online, compares the account with its peers (same role,
 * same agency), applies rules, keeps a risk score per account, and calls
 * back with an alert when the score crosses the threshold: which account,
 * since when, how many people read, and why.
 *
 * Per account (docs/watch.md gives the numbers):
 *   - distinct people read in the current hour: a 2048-bit linear-counting
 *     sketch (exact in practice below a hundred, a few percent above);
 *   - people never read before by the account: a two-generation Bloom
 *     filter of 2 x 8192 bits;
 *   - baselines: exponentially weighted mean and variance of distinct
 *     people per active hour; the account's share of "orphan" reads (people
 *     never read before and not found by a search) with its decayed counts,
 *     the tests on it (a mixture sequential probability ratio test within
 *     the day, a CUSUM across days); the days of activity in each of the
 *     168 hours of the week, up to 8 networks (/24, /48), 4 user agents;
 *   - the findings of each rule in the last 24 hours, and while an
 *     incident is pending or open a 1024-register HyperLogLog of the people
 *     read since it began.
 * Per peer group (role + agency), and per role across agencies:
 * account-days active in each hour of the week, mean and spread of distinct
 * people per account-hour, the recent share of orphan reads. Organisation-
 * wide: the networks and user agents seen (bounded tables), failed logins
 * per minute.
 *
 * Memory is about 3.4 KiB per account and 0.7 KiB per peer group: it grows
 * with the number of accounts, never with the number of events, and no
 * allocation happens per event (tables grow by doubling when accounts
 * appear; an incident's sketch is allocated when it opens). Failed logins
 * of unknown accounts create no state, so guessed names cannot fill memory.
 *
 * Privacy: alerts name accounts (staff), never a person read; they give
 * counts. Person identifiers are only hashed, in memory.
 *
 * Ownership: vg_watch_new() returns an engine the caller frees with
 * vg_watch_free(). An alert handed to the callback is valid during the call.
 */
#ifndef VIGIE_WATCH_H
#define VIGIE_WATCH_H

#include "vigie/alog.h"
#include "vigie/core.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The rules, in the order alerts list them. */
typedef enum vg_watch_rule {
	VG_RULE_RATE = 0,    /* distinct people per hour above the ceiling */
	VG_RULE_PEER,        /* far above the peer group's hourly reading */
	VG_RULE_BASELINE,    /* people never read before, not found by a search: above the usual */
	VG_RULE_OFF_HOURS,   /* reading outside the account's and its peers' hours */
	VG_RULE_NEW_NETWORK, /* a network new to the account, to the organisation, or hostile */
	VG_RULE_NEW_UA,      /* a user agent new to the account or the organisation */
	VG_RULE_ENUMERATION, /* sequential record identifiers */
	VG_RULE_READ_ALL,    /* searches followed by reading every result */
	VG_RULE_EXPORT,      /* a large export */
	VG_RULE_STUFFING,    /* logged in from a new network during credential stuffing */
	VG_RULE__COUNT
} vg_watch_rule;

/* "rate_ceiling", "peer_rate", ... */
const char *vg_watch_rule_name(vg_watch_rule r);

struct vg_watch_alert;

typedef struct vg_watch_opts {
	unsigned ceiling;     /* distinct people per hour (default 60) */
	unsigned enum_run;    /* sequential reads (default 20) */
	unsigned export_rows; /* rows of a large export (default 500) */
	unsigned readall_min; /* results of a search for "read them all" (default 10) */
	double threshold;     /* risk score of an alert (default 10) */
	double novelty_h;     /* decision threshold of the novelty test, in nats (default 10) */
	int64_t warmup;       /* seconds of learning before any finding (default 86400) */
	size_t max_accounts;  /* most accounts tracked (default 1000000); others are counted */
	void (*on_alert)(void *ctx, const struct vg_watch_alert *a);
	void *ctx;
} vg_watch_opts;

/* The defaults above. */
void vg_watch_defaults(vg_watch_opts *o);

/* One reason of an alert. */
typedef struct vg_watch_finding {
	vg_watch_rule rule;
	float points;
	int64_t first, last;   /* UTC */
	uint64_t value, limit; /* what was seen, against what limit */
	uint32_t slot;         /* off_hours: hour of the week (0 = Monday 0 h); baseline: */
	                       /* 0 within the day, 1 over several days, 2 the whole day */
	uint8_t level;         /* new_network and new_ua: 0 account, 1 organisation, 2 hostile */
	char detail[48];       /* new_network: the network */
} vg_watch_finding;

typedef enum {
	VG_WATCH_ALERT = 0, /* an account's score crossed the threshold */
	VG_WATCH_UPDATE,    /* an open incident grew (people doubled, a new reason) */
	VG_WATCH_STUFFING,  /* organisation-wide: a burst of failed logins */
} vg_watch_alert_kind;

typedef struct vg_watch_alert {
	vg_watch_alert_kind kind;
	const char *account, *role, *agency; /* NUL-terminated; "" when unknown */
	int64_t at, since;                   /* UTC */
	int32_t offset;                      /* offset of the log's wall clock, for display */
	uint64_t people;                     /* distinct people read since `since` (estimate) */
	uint64_t reads, exported;
	double score;
	unsigned nfindings;
	vg_watch_finding findings[VG_RULE__COUNT];
	/* stuffing */
	uint64_t failures, accounts_tried;
} vg_watch_alert;

typedef struct vg_watch_stats {
	uint64_t events, accounts, peers, alerts, updates, stuffing_alerts;
	uint64_t dropped;      /* events of accounts over max_accounts */
	uint64_t account_days; /* (account, day) pairs with activity */
	size_t memory;         /* bytes held by the engine */
	int64_t first, last;   /* UTC times of the first and last event */
} vg_watch_stats;

typedef struct vg_watch vg_watch;

vg_watch *vg_watch_new(const vg_watch_opts *o);
void vg_watch_free(vg_watch *w);

/* Processes one event. Events should come in time order (a late event is
 * counted in its account's current hour). */
void vg_watch_event(vg_watch *w, const vg_alog_event *ev);

void vg_watch_stats_get(const vg_watch *w, vg_watch_stats *st);

/* The text of one reason, in lang, into buf. */
void vg_watch_finding_text(const vg_watch_finding *f, int32_t offset, vg_lang lang, char *buf,
                           size_t n);
/* One line for people: "Compte X : N personnes consultées depuis ... ; motifs : ...". */
void vg_watch_alert_text(const vg_watch_alert *a, vg_lang lang, char *buf, size_t n);
/* The alert as a JSON object (new reference). */
json_t *vg_watch_alert_json(const vg_watch_alert *a, vg_lang lang);

/* ---- sketches (exposed for tests) ---- */

/* HyperLogLog with 2^p one-byte registers; estimate of distinct items. */
double vg_watch_hll_estimate(const uint8_t *reg, unsigned p);
void vg_watch_hll_add(uint8_t *reg, unsigned p, uint64_t hash);
/* A 64-bit hash of bytes. */
uint64_t vg_watch_hash(const void *s, size_t n);
/* The network of a source address: IPv4 /24, IPv6 /48, else the text. */
uint64_t vg_watch_network(const char *s, size_t n, char *label, size_t label_size);

/* ---- where alerts go (src/watch/sink.c) ---- */

typedef struct vg_watch_sink_opts {
	FILE *out;           /* JSONL (or text) alerts; NULL for none */
	bool text;           /* one line of text per alert instead of JSON */
	bool syslog;         /* also to syslog (facility auth, "vigie-watch") */
	const char *webhook; /* also POSTed as JSON to this URL (libcurl) */
	long timeout_ms;     /* of a webhook call (default 5000) */
	vg_lang lang;
} vg_watch_sink_opts;

typedef struct vg_watch_sink vg_watch_sink;

/* A sink; NULL with err set when the webhook cannot be set up. */
vg_watch_sink *vg_watch_sink_new(const vg_watch_sink_opts *o, vg_err *err);
/* Sends one alert everywhere configured; a failed webhook call is counted. */
void vg_watch_sink_alert(vg_watch_sink *s, const vg_watch_alert *a);
/* Webhook calls that failed so far. */
uint64_t vg_watch_sink_failures(const vg_watch_sink *s);
void vg_watch_sink_free(vg_watch_sink *s);

/* ---- replay evaluation against ground truth (src/watch/eval.c) ---- */

/* Targets of the issue: detection delays and the false-alert rate. */
#define VG_WATCH_TARGET_TAKEOVER 3600
#define VG_WATCH_TARGET_INSIDER 86400
#define VG_WATCH_TARGET_STUFFING 300
#define VG_WATCH_TARGET_FALSE_PER_10K 1.0

typedef struct vg_watch_eval vg_watch_eval;

/*
 * Loads a truth file as `vigie gen --access-log --truth` writes it: incident lines
 * {"type":"incident","id","scenario","account"|null,"start","end"} and a
 * summary line with "benign_account_days". NULL with err set on error.
 */
vg_watch_eval *vg_watch_eval_load(const char *path, vg_err *err);
void vg_watch_eval_free(vg_watch_eval *e);
/* Records an alert (updates are ignored). */
void vg_watch_eval_alert(vg_watch_eval *e, const vg_watch_alert *a);
/* The evaluation: per alert, per incident, totals, targets met. */
json_t *vg_watch_eval_json(const vg_watch_eval *e);
/* The same for people, in lang. */
void vg_watch_eval_print(const vg_watch_eval *e, FILE *f, vg_lang lang);
/* True when every incident was detected within its target and false alerts
 * stay within theirs. */
bool vg_watch_eval_ok(const vg_watch_eval *e);

#endif
