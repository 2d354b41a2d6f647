/*
 * vigie/alog_gen.h: synthetic access logs of a records system, with ground
 * truth, for testing and measuring `vigie watch`.
 *
 * Thousands of advisors in France Travail agencies and partner Cap Emploi
 * agencies work on the records of job seekers with daily and weekly
 * patterns (arrival and leaving times, lunch, telework through the VPN,
 * part time, leave, overtime, campaign days, exports, typos at login), and
 * three attacks are injected (docs/watch.md describes the model):
 *   takeover  the France Travail scenario: two Cap Emploi accounts taken
 *             over, bulk reads in the evenings and at weekends for the rest
 *             of the period, from networks the organisation never saw;
 *   insider   an advisor reading about half again their usual number of
 *             people, in their usual hours, from their usual desk;
 *   stuffing  a burst of credential stuffing from a botnet across hundreds
 *             of user names, a few of which get in and read.
 *
 * Events are written in time order, one per line (JSONL or CSV), streaming:
 * each account and attacker is a small state machine, merged through a heap
 * on the time of its next event, so memory grows with the number of
 * accounts, never with the number of events. The ground truth (one JSON
 * line per incident, then a summary) goes to a separate file; --labels
 * also writes each event's label in the log itself.
 *
 * Determinism: the output is a pure function of the options.
 */
#ifndef VIGIE_ALOG_GEN_H
#define VIGIE_ALOG_GEN_H

#include "vigie/alog.h"
#include "vigie/core.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Limits of the options. */
#define VG_ALOG_GEN_ADVISORS_MAX 200000
#define VG_ALOG_GEN_DAYS_MAX 366
#define VG_ALOG_GEN_PEOPLE_MAX 9000000 /* record numbers have 7 digits */

/* The attacks, as bits of vg_alog_gen_opts.attacks. */
enum {
	VG_ALOG_ATTACK_TAKEOVER = 1u << 0,
	VG_ALOG_ATTACK_INSIDER = 1u << 1,
	VG_ALOG_ATTACK_STUFFING = 1u << 2,
	VG_ALOG_ATTACK_ALL = 7u,
};

typedef struct vg_alog_gen_opts {
	uint64_t seed;         /* 1 */
	unsigned advisors;     /* 2000 */
	unsigned days;         /* 28 */
	int64_t start_day;     /* days since 1970 of the first day: 2024-02-05, a Monday */
	uint64_t people;       /* records in the system: 2,000,000 */
	unsigned attacks;      /* VG_ALOG_ATTACK_ALL */
	unsigned insider_pct;  /* 50: the insider's extra reads, % of their usual reads */
	vg_alog_format format; /* JSONL (AUTO means JSONL) */
	int32_t utc_offset;    /* 3600: the times are written at +01:00 */
	bool labels;           /* add a "label" field to each event */
	const char *output;    /* NULL or "-": standard output */
	const char *truth;     /* NULL: no truth file */
} vg_alog_gen_opts;

typedef struct vg_alog_gen_stats {
	uint64_t events, malicious_events;
	uint64_t account_days, benign_account_days;
	unsigned accounts, incidents;
	uint64_t bytes;
} vg_alog_gen_stats;

/* The default options. */
void vg_alog_gen_defaults(vg_alog_gen_opts *o);

/*
 * Parses the generator's arguments (all of argv[0..argc), no program name):
 * --advisors N, --days N, --seed S, --start YYYY-MM-DD, --people N,
 * --attacks LIST (takeover,insider,stuffing, "all" or "none"),
 * --insider-extra PCT (1 to 1000),
 * --format jsonl|csv, --labels, -o/--output F, --truth F, --utc-offset
 * +hh:mm. Returns 0, or VG_EUSAGE with a message in lang.
 */
int vg_alog_gen_parse_args(vg_alog_gen_opts *o, int argc, char **argv, vg_lang lang,
                           vg_err *err) VG_MUST_CHECK;

/*
 * Writes the log to out and, when truth is not NULL, the ground truth to
 * truth. 0, or VG_EIO when a write fails.
 */
int vg_alog_gen_run(const vg_alog_gen_opts *o, FILE *out, FILE *truth, vg_alog_gen_stats *st,
                    vg_err *err) VG_MUST_CHECK;

/* The usage text of the options above, in lang. */
const char *vg_alog_gen_usage(vg_lang lang);

#endif
