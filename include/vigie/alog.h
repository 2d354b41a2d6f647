/*
 * vigie/alog.h: access logs of a records system, one event per line, as
 * `vigie watch` reads them: JSONL or CSV with a timestamp, the account, its
 * role and agency, the source address, the user agent, the action, the
 * person (record) read, the search made and its number of results.
 *
 * The line parser is hand-written for speed (a replay reads millions of
 * lines a second): it extracts the known fields and skips the others, and
 * it validates the whole line as JSON (RFC 8259 as jansson reads it; the
 * unit tests check both agree on generated and damaged lines). It never
 * allocates: values are slices of the line, or of the parser's scratch
 * buffer when a JSON string holds escapes. A line it cannot read is
 * malformed, with a reason; it is never fatal.
 *
 * Field names are configurable (vg_alog_opts.names: "ts=horodatage,..."),
 * action values are matched against French and English synonyms
 * (docs/watch.md). Timestamps: ISO 8601 (with "Z", an offset, or none:
 * then the default offset applies) or Unix seconds/milliseconds.
 *
 * Also here: a line source (vg_alog_reader) over a file, standard input, or
 * a growing file followed like `tail -F` (reopened when rotated or
 * truncated), with bounded memory.
 *
 * Ownership: a parser owns nothing outside itself; events point into the
 * line or the parser and are valid until the next vg_alog_parse() call.
 */
#ifndef VIGIE_ALOG_H
#define VIGIE_ALOG_H

#include "vigie/core.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest line read; a longer one is malformed (line_too_long). */
#define VG_ALOG_MAX_LINE 65536
/* Nesting accepted inside skipped JSON values. */
#define VG_ALOG_MAX_DEPTH 64
/* Longest field name in --fields. */
#define VG_ALOG_MAX_NAME 64
/* Most CSV columns. */
#define VG_ALOG_MAX_COLUMNS 128

/* The logical fields of an event. */
typedef enum vg_alog_field {
	VG_ALOG_TS = 0,
	VG_ALOG_ACCOUNT,
	VG_ALOG_ROLE,
	VG_ALOG_AGENCY,
	VG_ALOG_SRC,
	VG_ALOG_UA,
	VG_ALOG_ACTION,
	VG_ALOG_PERSON,
	VG_ALOG_QUERY,
	VG_ALOG_RESULTS,
	VG_ALOG__NFIELDS
} vg_alog_field;

/* Default names of the fields ("ts", "account", ...), also the logical names. */
extern const char *const vg_alog_field_names[VG_ALOG__NFIELDS];

/* What the account did. */
typedef enum vg_alog_action {
	VG_ACT_OTHER = 0,
	VG_ACT_LOGIN,
	VG_ACT_LOGIN_FAIL,
	VG_ACT_LOGOUT,
	VG_ACT_SEARCH,
	VG_ACT_READ,
	VG_ACT_EXPORT,
	VG_ACT__COUNT
} vg_alog_action;

/* "read", "search", ... */
const char *vg_alog_action_name(vg_alog_action a);
/* The action a value stands for (synonyms, case-insensitive); OTHER if none. */
vg_alog_action vg_alog_action_parse(const char *s, size_t n);

typedef enum { VG_ALOG_AUTO = 0, VG_ALOG_JSONL, VG_ALOG_CSV } vg_alog_format;

/* A slice, not NUL-terminated; len 0 when absent. */
typedef struct vg_alog_str {
	const char *s;
	size_t len;
} vg_alog_str;

/* One parsed line. */
typedef struct vg_alog_event {
	int64_t ts;    /* UTC, seconds since 1970 */
	int64_t local; /* wall-clock time of the log, as seconds since 1970 */
	vg_alog_action action;
	bool has_results;
	uint64_t results;                /* results of a search, rows of an export */
	vg_alog_str f[VG_ALOG__NFIELDS]; /* raw values (JSON strings unescaped) */
} vg_alog_event;

typedef struct vg_alog_opts {
	vg_alog_format format; /* AUTO: JSONL if the first line starts with '{' */
	const char *names;     /* "field=name,..." overrides; NULL for the defaults */
	/* seconds east of UTC: the offset of times written without one, and the
	 * wall clock of "Z" and Unix times (working hours are wall-clock hours) */
	int32_t utc_offset;
} vg_alog_opts;

typedef struct vg_alog_parser {
	vg_alog_format format;
	int32_t utc_offset;
	char names[VG_ALOG__NFIELDS][VG_ALOG_MAX_NAME + 1];
	uint8_t name_len[VG_ALOG__NFIELDS];
	/* CSV: the header decides the columns */
	bool have_header;
	char delim;
	int16_t col[VG_ALOG__NFIELDS]; /* column of each field, -1 if none */
	int ncols;
	char scratch[VG_ALOG_MAX_LINE]; /* unescaped values */
	size_t used;
} vg_alog_parser;

/*
 * Prepares a parser. Returns 0, or VG_EUSAGE (message in lang) when
 * opts->names is wrong: an unknown field, an empty or over-long name.
 */
int vg_alog_parser_init(vg_alog_parser *p, const vg_alog_opts *o, vg_lang lang,
                        vg_err *err) VG_MUST_CHECK;

/* The reason of a line over VG_ALOG_MAX_LINE (the reader flags it). */
extern const vg_reason vg_alog_reason_too_long;

/* Parse results. */
enum { VG_ALOG_EVENT = 1, VG_ALOG_SKIP = 0 };

/*
 * Parses one line (without its newline; not NUL-terminated). Returns
 * VG_ALOG_EVENT with *ev filled, VG_ALOG_SKIP for a blank line or a CSV
 * header, or VG_EINVAL with *why set for a malformed line (ev then holds
 * nothing useful). The timestamp, the account and the action are required.
 * A CSV header without the ts, account and action columns gives VG_EUSAGE
 * (the file cannot be read at all).
 */
int vg_alog_parse(vg_alog_parser *p, const char *s, size_t n, vg_alog_event *ev,
                  const vg_reason **why);

/*
 * Parses a timestamp: ISO 8601 "YYYY-MM-DD[T ]hh:mm[:ss[.f]][Z|+hh[:mm]]"
 * or Unix time (digits, seconds or milliseconds when over 10^11). Naive
 * times are taken at default_offset. *utc gets UTC seconds, *off the
 * offset written (default_offset when none). 0, or VG_EINVAL.
 */
int vg_alog_parse_time(const char *s, size_t n, int32_t default_offset, int64_t *utc, int32_t *off,
                       bool *had_offset) VG_MUST_CHECK;

/* Writes "YYYY-MM-DDThh:mm:ss+hh:mm" (26 bytes with the NUL) for utc at off. */
void vg_alog_format_time(int64_t utc, int32_t off, char out[32]);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t vg_alog_days_from_civil(int64_t y, unsigned m, unsigned d);

/* ---- line source ---- */

typedef struct vg_alog_reader {
	int fd;
	bool own_fd, follow;
	const volatile sig_atomic_t *stop; /* when set and true, following ends */
	char *path;                        /* owned copy, for following and reopening */
	uint64_t ino, offset;
	char *buf;
	size_t cap, start, end;
	bool eof, skipping;
	uint64_t lineno;
	unsigned poll_ms;    /* pause between polls when following */
	unsigned idle_limit; /* polls without data before giving up (0: never) */
	unsigned idle;
} vg_alog_reader;

/* A line handed out: not NUL-terminated, valid until the next call. */
typedef struct vg_alog_line {
	const char *s;
	size_t len;
	uint64_t lineno;
	bool overlong;
} vg_alog_line;

/*
 * Opens path ("-" for standard input). With follow, end of file is not the
 * end: the reader waits for more, reopens the path when it is replaced
 * (rotation) or truncated, and returns 0 only when *r->stop becomes true
 * or after idle_limit polls without data (both set by the caller after
 * opening); a last line without its newline is still being written and is
 * not handed out. 0, or VG_ENOTFOUND / VG_EIO.
 */
int vg_alog_reader_open(vg_alog_reader *r, const char *path, bool follow,
                        vg_err *err) VG_MUST_CHECK;
void vg_alog_reader_close(vg_alog_reader *r);

/* 1 with a line, 0 at the end, VG_EIO on a read error. */
int vg_alog_reader_next(vg_alog_reader *r, vg_alog_line *out) VG_MUST_CHECK;

#endif
