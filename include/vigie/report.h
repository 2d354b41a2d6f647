/*
 * vigie/report.h: the GDPR art. 33 notification draft for the CNIL.
 *
 * The caller fills a vg_report_input: the organisation, the DPO and the
 * breach (from a config file, vg_report_from_config()), and the numbers from
 * the exposure registry (per source, per category, totals). The writers turn
 * it into Markdown, JSON or a standalone HTML page with an inline SVG chart,
 * in French (default) or English.
 *
 * Determinism: the writers never read the clock, the environment or a file;
 * the same input gives the same bytes. "Now" (the default notification time,
 * the generation time) is passed in by the caller.
 *
 * Times are instants (seconds since the Unix epoch, UTC) with the UTC offset
 * to display them in. A time written without an offset is French local time
 * (Europe/Paris, by the EU summer-time rule: CEST from the last Sunday of
 * March to the last Sunday of October, at 01:00 UTC).
 *
 * Ownership: the input only borrows its strings and its array of sources;
 * after vg_report_from_config() they point into the vg_config, which must
 * outlive the input. Multi-line strings separate lines with '\n'.
 */
#ifndef VIGIE_REPORT_H
#define VIGIE_REPORT_H

#include "vigie/advice.h"
#include "vigie/config.h"
#include "vigie/core.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------ */
/* Times                                                               */

/* 72 hours, GDPR art. 33(1). */
#define VG_REPORT_DEADLINE_SECONDS (72 * 3600)

typedef struct vg_report_time {
	int64_t t;      /* seconds since 1970-01-01T00:00:00Z */
	int32_t offset; /* seconds east of UTC, for display */
	bool set;
	bool date_only; /* written as a date: shown as a date */
} vg_report_time;

/* Earliest and latest years accepted in report times. */
#define VG_REPORT_YEAR_MIN 2000
#define VG_REPORT_YEAR_MAX 2199

/*
 * Parses an ISO 8601 date-time of n bytes: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM",
 * "YYYY-MM-DD HH:MM:SS", with an optional "Z", "+HH:MM", "+HHMM" or "+HH".
 * Without an offset the time is Paris local time: a time skipped by the
 * spring change is refused, one repeated in autumn is the first (summer time).
 */
int vg_report_time_parse(const char *s, size_t n, vg_report_time *out) VG_MUST_CHECK;

/* The instant t shown in Paris local time. */
vg_report_time vg_report_time_paris(int64_t t);

/* The UTC offset of Paris (3600 or 7200) at instant t. */
int32_t vg_report_paris_offset(int64_t t);

/* Writes "2024-03-08T14:30:00+01:00" (or "2024-03-08") into buf, NUL-
 * terminated; returns the length, or 0 if unset or cap < 26. */
size_t vg_report_time_format(vg_report_time tm, char *buf, size_t cap);

/* ------------------------------------------------------------------ */
/* Input                                                               */

typedef struct vg_report_source {
	const char *name;
	bool special_category; /* reveals art. 9 data (e.g. disability) */
	uint64_t files;
	uint64_t rows_read; /* = rows_accepted + rows_rejected */
	uint64_t rows_accepted;
	uint64_t rows_rejected;
	uint64_t people; /* approximate distinct people */
} vg_report_source;

typedef struct vg_report_category {
	uint64_t records; /* accepted rows where the category is present */
	uint64_t people;  /* approximate distinct people */
} vg_report_category;

typedef struct vg_report_totals {
	uint64_t people; /* approximate distinct people, all sources */
	uint64_t files;
	uint64_t rows_read;
	uint64_t rows_accepted;
	uint64_t rows_rejected;
} vg_report_totals;

typedef struct vg_report_input {
	struct {
		const char *name;
		const char *address;
		const char *siren; /* optional: 9 digits */
	} org;
	struct {
		const char *name;
		const char *email;
		const char *phone;
	} dpo;
	struct {
		const char *nature;    /* what happened */
		const char *discovery; /* how it was discovered */
		vg_report_time intrusion_start, intrusion_end, awareness, notification;
		const char *measures_taken;    /* one measure per line */
		const char *measures_proposed; /* one measure per line */
		const char *delay_reason;      /* why notified after 72 h, if so */
	} breach;
	vg_report_source *sources;
	size_t n_sources;
	vg_report_category categories[VG_DATACAT_COUNT];
	vg_report_totals totals;
	const char *key_id; /* registry key identifier */
	uint64_t registry_version;
	vg_report_time generated_at;
} vg_report_input;

/* The keys vg_report_from_config() knows, for docs and vg_config_validate. */
extern const vg_config_key vg_report_config_keys[];
extern const size_t vg_report_config_n_keys;

/*
 * Fills the organisation, DPO and breach fields of in from cfg (validated
 * against vg_report_config_keys and the [notify] keys of vigie/notify.h, so
 * that one file serves both commands: other unknown keys are errors), with now as the
 * default notification time. Sources listed in [sources] special_category
 * (comma-separated names) get their flag set: fill in->sources first; a listed
 * name that matches no source is an error. Strings point into cfg.
 */
int vg_report_from_config(vg_config *cfg, int64_t now, vg_report_input *in,
                          vg_err *err) VG_MUST_CHECK;
/* The same, with extra known keys for vg_config_validate() (the [notify]
 * section of `vigie notify`, which reads the same file). */
int vg_report_from_config_ext(vg_config *cfg, int64_t now, const vg_config_key *extra,
                              size_t n_extra, vg_report_input *in, vg_err *err) VG_MUST_CHECK;

/*
 * Checks the input the writers need: awareness and notification set and in
 * order (intrusion start <= intrusion end, intrusion start <= awareness <=
 * notification), every source's rows reconcile (read = accepted + rejected),
 * strings valid UTF-8. VG_EINVAL with a message otherwise.
 */
int vg_report_check(const vg_report_input *in, vg_lang lang, vg_err *err) VG_MUST_CHECK;

/* The 72-hour check, derived from the input. */
typedef struct vg_report_deadline {
	int64_t elapsed;     /* notification - awareness, seconds */
	bool within;         /* elapsed <= VG_REPORT_DEADLINE_SECONDS */
	int64_t late;        /* seconds past the deadline, 0 if within */
	bool reason_missing; /* late without a delay reason */
} vg_report_deadline;

vg_report_deadline vg_report_deadline_of(const vg_report_input *in);

/* True when any source is flagged special-category. */
bool vg_report_special(const vg_report_input *in);

/* Bitmask of the categories with at least one record. */
uint32_t vg_report_categories(const vg_report_input *in);

/* The likely consequences of exposing category c, for people ("" if out of
 * range); the same sentences the report's section 7 gives, and `vigie
 * notify` tells each person for their own categories. */
const char *vg_report_consequence(vg_datacat c, vg_lang lang);
/* The likely consequences of special-category data (a disability revealed). */
const char *vg_report_special_consequence(vg_lang lang);

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* The output: a vg_buf (vigie/core.h); full is reset by each writer. */
typedef vg_buf vg_report_buf;

#define VG_REPORT_MAX_BYTES (16 * 1024 * 1024)

typedef enum { VG_REPORT_MARKDOWN, VG_REPORT_JSON, VG_REPORT_HTML } vg_report_format;

/* Appends the report to out. VG_EINVAL (bad input, see vg_report_check),
 * VG_ETOOBIG (over out->max). On error out->len is restored. */
int vg_report_write_markdown(const vg_report_input *in, vg_lang lang, vg_report_buf *out,
                             vg_err *err) VG_MUST_CHECK;
int vg_report_write_json(const vg_report_input *in, vg_lang lang, vg_report_buf *out,
                         vg_err *err) VG_MUST_CHECK;
int vg_report_write_html(const vg_report_input *in, vg_lang lang, vg_report_buf *out,
                         vg_err *err) VG_MUST_CHECK;
int vg_report_write(const vg_report_input *in, vg_report_format fmt, vg_lang lang,
                    vg_report_buf *out, vg_err *err) VG_MUST_CHECK;

/* Writes the report to f (not closed); VG_EIO if writing fails. */
int vg_report_print(const vg_report_input *in, vg_report_format fmt, vg_lang lang, FILE *f,
                    vg_err *err) VG_MUST_CHECK;

#endif
