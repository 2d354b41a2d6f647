/*
 * vigie/password.h: how strong is a password, and has it leaked
 * (`vigie password`). Reference: docs/password.md.
 *
 * Strength comes from Debian's libzxcvbn (zxcvbn-c): it returns the entropy
 * of the cheapest way to build the password from dictionary words, keyboard
 * walks, sequences, repeats, dates and brute force. From it we derive what
 * the reference JavaScript zxcvbn (v4) reports: guesses, a 0-4 score with the
 * same thresholds, crack times for the same four attack scenarios, and a
 * warning with suggestions chosen from the match sequence the same way.
 *
 * Breach lookups follow Have I Been Pwned's k-anonymity range model: the
 * password's SHA-1 (nettle) is split into a 5-hex prefix and a 35-hex
 * suffix; only the prefix is sent (or used to pick a local file); the range
 * body "SUFFIX:COUNT" lines is searched here for the suffix.
 *
 * Secrets: every function that sees a password takes (pw, len) and keeps no
 * copy; results hold only derived, non-secret facts (numbers, pattern kinds,
 * reasons). Callers wipe their buffers with sodium_memzero
 * (vg_password_reader does it for input). No error message quotes a
 * password, a hash or a prefix.
 */
#ifndef VIGIE_PASSWORD_H
#define VIGIE_PASSWORD_H

#include "vigie/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest password accepted, in bytes (libzxcvbn looks at the first 100). */
#define VG_PASSWORD_MAX 1024
/* Largest range body accepted from a file or an API (HIBP's are ~40 KB). */
#define VG_PASSWORD_RANGE_MAX (4u << 20)

/* ---- Strength ---------------------------------------------------------- */

/* The kinds of parts libzxcvbn finds. */
typedef enum {
	VG_PW_BRUTE = 0,
	VG_PW_DICTIONARY, /* a word from the built-in lists (passwords, English, names) */
	VG_PW_DICT_LEET,  /* the same with l33t substitutions */
	VG_PW_USER,       /* a word from the caller's list (unused by vigie today) */
	VG_PW_USER_LEET,
	VG_PW_REPEAT,     /* one character repeated: "aaaa" */
	VG_PW_SEQUENCE,   /* "abcd", "9753" */
	VG_PW_SPATIAL,    /* a keyboard walk: "qwerty", "zxcvb" */
	VG_PW_DATE,       /* "13/05/1987", "130587" */
	VG_PW_YEAR,       /* 1901-2050 */
	VG_PW_LONG,       /* characters past the 100th, counted cheaply */
} vg_pw_pattern;

/* Letter case of a matched word (feedback on capitalisation). */
typedef enum {
	VG_PW_CASE_OTHER = 0, /* lowercase, mixed, or no letters */
	VG_PW_CASE_START,     /* "Password": first upper, no other upper */
	VG_PW_CASE_ALL,       /* "PASSWORD": no lowercase, some uppercase */
} vg_pw_case;

/* One part of the password, as facts only (no characters). */
typedef struct vg_pw_match {
	vg_pw_pattern pattern;
	bool repeated;      /* the part is a shorter unit repeated ("abcabc") */
	unsigned len;       /* bytes in the part */
	unsigned base_len;  /* repeats: bytes in the repeated unit */
	double log2_guesses;
	double rank;        /* dictionary: the word's rank in its list (derived) */
	vg_pw_case casing;  /* dictionary: capitalisation */
	bool straight;      /* spatial: all keys on one keyboard row */
} vg_pw_match;

/* A reason with a stable code and French and English texts (vigie/core.h). */
#define VG_PW_SUGGESTIONS_MAX 4

typedef struct vg_pw_feedback {
	const vg_reason *warning; /* NULL when there is nothing to warn about */
	const vg_reason *suggestions[VG_PW_SUGGESTIONS_MAX];
	size_t nsuggestions;
} vg_pw_feedback;

/* The four attack scenarios of JS zxcvbn, in its order. */
enum {
	VG_PW_ONLINE_THROTTLED = 0, /* 100 guesses per hour */
	VG_PW_ONLINE,               /* 10 per second */
	VG_PW_OFFLINE_SLOW,         /* 1e4 per second (bcrypt, scrypt...) */
	VG_PW_OFFLINE_FAST,         /* 1e10 per second (unsalted fast hash) */
	VG_PW_SCENARIOS
};

/* JSON key of a scenario, as in JS zxcvbn ("online_throttling_100_per_hour"). */
const char *vg_password_scenario_key(int scenario);
/* The scenario in words, e.g. "en ligne, limité (100 essais/heure)". */
const char *vg_password_scenario_text(int scenario, vg_lang lang);

typedef struct vg_pw_strength {
	int score;              /* 0-4 */
	double log2_guesses;    /* libzxcvbn's entropy, in bits */
	double log10_guesses;
	double guesses;         /* 2^bits (may be huge; finite up to 1024 bits) */
	double crack_seconds[VG_PW_SCENARIOS];
	vg_pw_feedback feedback;
	size_t nmatches;        /* parts in the match sequence */
} vg_pw_strength;

/* Estimates a password of len bytes (no NUL inside; at most
 * VG_PASSWORD_MAX). VG_EINVAL for a NUL byte, VG_ETOOBIG when too long. */
int vg_password_strength(const char *pw, size_t len, vg_pw_strength *out /* OUT */,
                         vg_err *err) VG_MUST_CHECK;

/* The 0-4 score of a number of guesses, JS zxcvbn's thresholds: below
 * 1e3+5 -> 0, 1e6+5 -> 1, 1e8+5 -> 2, 1e10+5 -> 3, else 4. */
int vg_password_score(double guesses);

/* Seconds to crack at each scenario's guess rate. */
void vg_password_crack_times(double guesses, double out[VG_PW_SCENARIOS] /* OUT */);

/* A duration the JS zxcvbn way ("less than a second", "3 hours",
 * "centuries"; French: "moins d'une seconde", "3 heures", "des siècles").
 * Writes at most n bytes to buf; returns buf. */
const char *vg_password_duration_text(double seconds, vg_lang lang, char *buf, size_t n);

/* The warning and suggestions for a score and match sequence, chosen as JS
 * zxcvbn's get_feedback does (from the longest part). Pure: tested alone. */
void vg_password_feedback(int score, const vg_pw_match *m, size_t n,
                          vg_pw_feedback *out /* OUT */);

/* Name of a score for people: "très faible" ... "fort". */
const char *vg_password_score_text(int score, vg_lang lang);
/* Name of a pattern ("dictionary", "spatial"...). */
const char *vg_password_pattern_name(vg_pw_pattern p);

/* ---- Breach lookups (Have I Been Pwned range model) --------------------- */

#define VG_SHA1_LEN 20

/* SHA-1 of the password (nettle). */
void vg_password_sha1(const char *pw, size_t len, uint8_t out[VG_SHA1_LEN] /* OUT */);
/* Uppercase hex of a digest: 40 characters and a NUL. */
void vg_password_sha1_hex(const uint8_t sha1[VG_SHA1_LEN], char out[41] /* OUT */);

/*
 * Searches a range body (lines "SUFFIX:COUNT", CRLF or LF, as HIBP and
 * `vigie export-ranges` write them) for the 35-hex suffix of sha1. Hex is
 * matched case-insensitively; lines with count 0 (padding) never match; an
 * empty body or blank lines are fine. A malformed line (wrong length, not
 * hex, no count, count over 2^63) fails with VG_ECORRUPT and its line
 * number. *count is 0 when not found.
 */
int vg_password_range_find(const char *body, size_t len, const uint8_t sha1[VG_SHA1_LEN],
                           uint64_t *count /* OUT */, vg_err *err) VG_MUST_CHECK;

/*
 * Local lookup in a directory of range files DIR/<5 uppercase hex> (no
 * extension), the layout `vigie export-ranges` writes and any static HIBP
 * mirror serves. The export writes all 1,048,576 files, so a missing file is
 * an error (VG_ENOTFOUND), not "not breached". This is the interface the
 * password store (`vigie ingest --passwords`) can take over later.
 */
int vg_password_breach_local(const char *dir, const uint8_t sha1[VG_SHA1_LEN],
                             uint64_t *count /* OUT */, vg_err *err) VG_MUST_CHECK;

typedef struct vg_pw_api_opts {
	long connect_timeout_ms; /* 0: 10 s */
	long timeout_ms;         /* whole request; 0: 30 s */
	bool no_padding;         /* do not send Add-Padding: true (default: send) */
} vg_pw_api_opts;

/*
 * A client of a Have-I-Been-Pwned-compatible range API (api.pwnedpasswords.com,
 * `vigie serve`, a static mirror): each lookup is GET BASE/range/<5 hex>
 * with "Add-Padding: true"; only the prefix leaves the process. http:// and
 * https:// only, TLS certificates and host names verified, no redirects,
 * bodies at most VG_PASSWORD_RANGE_MAX, one connection reused across
 * lookups. Errors (VG_EUSAGE: bad URL; VG_EIO: network or HTTP status;
 * VG_ECORRUPT: bad body) carry a message naming the base URL, never the
 * prefix. opts may be NULL.
 */
typedef struct vg_pw_api vg_pw_api;

int vg_pw_api_open(const char *base_url, const vg_pw_api_opts *opts, vg_pw_api **out /* OUT */,
                   vg_err *err) VG_MUST_CHECK;
int vg_pw_api_lookup(vg_pw_api *a, const uint8_t sha1[VG_SHA1_LEN], uint64_t *count /* OUT */,
                     vg_err *err) VG_MUST_CHECK;
void vg_pw_api_close(vg_pw_api *a);

/* One lookup: open, lookup, close. */
int vg_password_breach_api(const char *base_url, const uint8_t sha1[VG_SHA1_LEN],
                           const vg_pw_api_opts *opts, uint64_t *count /* OUT */,
                           vg_err *err) VG_MUST_CHECK;

/* ---- Reading passwords --------------------------------------------------- */

/*
 * Reads passwords line by line from a file descriptor into locked memory
 * (sodium_malloc) that is wiped as it is reused and when released. Lines end
 * with "\n" or "\r\n"; a last line without newline counts.
 */
typedef struct vg_pw_reader vg_pw_reader;

vg_pw_reader *vg_pw_reader_new(int fd);
/* 1 with a line in *pw, *len (NUL-terminated, valid and wiped at the next
 * call), 0 at end of input, VG_EIO on a read error,
 * VG_ETOOBIG for a line over VG_PASSWORD_MAX (skipped; the next call goes on). */
int vg_pw_reader_next(vg_pw_reader *r, const char **pw, size_t *len) VG_MUST_CHECK;
/* Number of the line last returned (1-based). */
uint64_t vg_pw_reader_lineno(const vg_pw_reader *r);
/* True when nothing but end of input follows the last line returned. */
bool vg_pw_reader_at_end(vg_pw_reader *r);
void vg_pw_reader_free(vg_pw_reader *r);

/*
 * Reads one password from the terminal on fd without echo: prints prompt on
 * stderr, turns echo off, reads a line, restores the terminal. The terminal
 * is restored on every exit path, including SIGINT, SIGTERM, SIGHUP, SIGQUIT
 * and SIGTSTP (the handler restores it, wipes buf and re-raises the
 * signal). buf (cap bytes, e.g. from sodium_malloc) receives the password
 * and a NUL. VG_ENOTFOUND at end of input before any byte, VG_ETOOBIG over
 * cap - 1 bytes, VG_EIO when fd is not a terminal or a read fails.
 */
int vg_password_read_tty(int fd, const char *prompt, char *buf, size_t cap,
                         size_t *len /* OUT */, vg_err *err) VG_MUST_CHECK;

#endif
