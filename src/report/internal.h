/*
 * report/internal.h: what the three report writers share. The content
 * (texts, numbers, the 72-hour verdict, the art. 34 reasoning) is decided
 * once, in report.c; markdown.c, json.c and html.c only lay it out, so the
 * three outputs say the same thing.
 */
#ifndef VIGIE_REPORT_INTERNAL_H
#define VIGIE_REPORT_INTERNAL_H

#include "vigie/report.h"

#include <stdarg.h>

/* Picks the text for lang (both are literals, so the compiler sees both). */
#define T(lang, fr, en) ((lang) == VG_LANG_EN ? (en) : (fr))

/* ---- numbers and times for people (report.c) ---- */

/* "36 800 000" (narrow no-break spaces) in French, "36,800,000" in English. */
void rp_number(vg_report_buf *b, uint64_t v, vg_lang lang);
/* part/whole as "85 %" / "85%", "< 1 %" for a small non-zero part, "—" for
 * whole == 0. */
void rp_percent(vg_report_buf *b, uint64_t part, uint64_t whole, vg_lang lang);
/* "8 mars 2024 à 14:30 (UTC+01:00)" / "8 March 2024 at 14:30 (UTC+01:00)". */
void rp_time_human(vg_report_buf *b, vg_report_time tm, vg_lang lang);
/* "71 h 59 min" ("72 h 00 min 30 s" when seconds are not zero). */
void rp_duration(vg_report_buf *b, int64_t seconds);
/* The ISO 8601 form, into a small buffer; "" when unset. */
typedef struct rp_iso {
	char s[40];
} rp_iso;
rp_iso rp_time_iso(vg_report_time tm);

/* ---- content (report.c) ---- */

/* Section titles, in order. */
enum {
	RP_S_CONTROLLER,
	RP_S_NATURE,
	RP_S_TIMELINE,
	RP_S_DATA,
	RP_S_SPECIAL,
	RP_S_ART34,
	RP_S_CONSEQUENCES,
	RP_S_MEASURES,
	RP_S_ADVICE,
	RP_S_COUNT
};
const char *rp_section_title(int s, vg_lang lang);
/* Stable identifiers of the sections (JSON keys, HTML ids). */
const char *rp_section_id(int s);

/* Fixed phrases, by key (see the table in report.c). */
typedef enum {
	RP_TITLE,
	RP_DRAFT_NOTE,
	RP_TO_COMPLETE,
	RP_ORG_NAME,
	RP_ORG_ADDRESS,
	RP_ORG_SIREN,
	RP_DPO,
	RP_DPO_NAME,
	RP_DPO_EMAIL,
	RP_DPO_PHONE,
	RP_DESCRIPTION,
	RP_DISCOVERY,
	RP_EVENT,
	RP_DATE,
	RP_INTRUSION_START,
	RP_INTRUSION_END,
	RP_AWARENESS,
	RP_NOTIFICATION,
	RP_ELAPSED,
	RP_WITHIN,
	RP_LATE,
	RP_DELAY_REASON,
	RP_REASON_MISSING,
	RP_CATEGORY,
	RP_RECORDS,
	RP_PEOPLE,
	RP_SHARE,
	RP_BY_CATEGORY,
	RP_BY_SOURCE,
	RP_SOURCE,
	RP_SPECIAL_COL,
	RP_FILES,
	RP_ROWS_READ,
	RP_ROWS_ACCEPTED,
	RP_ROWS_REJECTED,
	RP_YES,
	RP_NO,
	RP_TOTAL,
	RP_SPECIAL_WARNING,
	RP_SPECIAL_NONE,
	RP_ART34_HIGH,
	RP_ART34_NO_EXEMPTION,
	RP_ART34_ASSESS,
	RP_ART34_REASONS,
	RP_MEASURES_TAKEN,
	RP_MEASURES_PROPOSED,
	RP_ADVICE_INTRO,
	RP_CHART_TITLE,
	RP_NO_DATA,
	RP_REGISTRY,
	RP_KEY_ID,
	RP_VERSION,
	RP_GENERATED,
	RP_PHRASE_COUNT
} rp_phrase;
const char *rp_text(rp_phrase p, vg_lang lang);

/* The summary sentence of section 4 ("About N people ..."). */
void rp_data_summary(vg_report_buf *b, const vg_report_input *in, vg_lang lang);
/* The 72-hour verdict sentence ("Within ..." / "Late by ..."), no reason. */
void rp_deadline_verdict(vg_report_buf *b, const vg_report_input *in, vg_lang lang);
/* The special-category statement for the flagged sources (section 5). */
void rp_special_statement(vg_report_buf *b, const vg_report_input *in, vg_lang lang);

/* Why the risk is high (art. 34), as up to RP_MAX_REASONS sentences. */
#define RP_MAX_REASONS 4
typedef struct rp_risk {
	bool high;
	size_t n;
	const char *code[RP_MAX_REASONS];
	const char *text[RP_MAX_REASONS];
} rp_risk;
rp_risk rp_risk_of(const vg_report_input *in, vg_lang lang);

/* Likely consequences of exposing category c, and of special-category data. */
const char *rp_consequence(vg_datacat c, vg_lang lang);
const char *rp_special_consequence(vg_lang lang);

/* The advice for the people concerned: categories exposed, plus special. */
vg_advice_list rp_advice(const vg_report_input *in, vg_lang lang);

/* Calls fn on each non-empty line of a multi-line string s (may be NULL);
 * returns the number of lines. */
size_t rp_lines(const char *s, void (*fn)(void *ctx, const char *line, size_t n), void *ctx);

#endif
