/*
 * vigie/pwned.h: breached-password ranges, compatible with Have I Been
 * Pwned's Pwned Passwords (k-anonymity range API, SHA-1 and NTLM).
 *
 * The pieces, in the order a caller meets them:
 *
 *   hashes       vg_pwned_sha1() and vg_pwned_ntlm() (MD4 of the UTF-16LE
 *                password), through nettle.
 *   lines        vg_pwned_parse_line(): one line of a password list
 *                (plaintext, optional count) or of a HIBP file (HASH:COUNT).
 *   vg_pwned     a published store of one mode (SHA-1 or NTLM), mmapped
 *                read-only: sorted hashes with counts and an index by
 *                5-hex prefix, so that a range answer is a slice.
 *   vg_pwbuild   builds the next version of a store in bounded memory
 *                (sorted runs spilled to disk, merged at commit with the
 *                live version) and publishes it atomically.
 *   ingest       vg_pwned_ingest(): files in, both stores out (what
 *                `vigie ingest --passwords` runs).
 *   service      vg_pwned_service and vg_pwned_range_handler(): the
 *                `GET /range/{prefix}` handler of `vigie serve`.
 *   export       vg_pwned_export(): all 1,048,576 range files, for a
 *                static host or a CDN (`vigie export-ranges`).
 *
 * Files in a registry directory DIR (docs/passwords.md has the format):
 *   DIR/passwords.sha1   the SHA-1 store
 *   DIR/passwords.ntlm   the NTLM store
 *   DIR/passwords.lock   held by the one builder at a time
 *
 * Ownership: vg_pwned, vg_pwbuild and vg_pwned_service are opaque, created
 * by their functions and freed by vg_pwned_close(), vg_pwbuild_commit() or
 * vg_pwbuild_abort(), vg_pwned_service_close(). A vg_pwned is immutable:
 * lookups from any number of threads are safe. The service and its handler
 * are thread-safe; vg_pwned_service_reload() may run while requests are
 * served (they keep the version they started with).
 *
 * A store file is hostile input: its header, sizes and index are checked on
 * open (VG_ECORRUPT with what and where); vg_pwned_verify() also checks the
 * checksums and the order of the records.
 */
#ifndef VIGIE_PWNED_H
#define VIGIE_PWNED_H

#include "vigie/core.h"
#include "vigie/http.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ modes and hashes */

typedef enum { VG_PWNED_SHA1 = 0, VG_PWNED_NTLM = 1, VG_PWNED__MODES } vg_pwned_mode;

#define VG_PWNED_SHA1_BYTES 20
#define VG_PWNED_NTLM_BYTES 16
#define VG_PWNED_HASH_MAX 20
#define VG_PWNED_PREFIXES (1u << 20) /* 5 hex digits */
#define VG_PWNED_PREFIX_HEX 5
/* Longest plaintext password, in bytes of UTF-8. A longer line is a bad line. */
#define VG_PWNED_MAX_PASSWORD 256
/* Counts saturate here: a hash seen more often keeps this count. */
#define VG_PWNED_COUNT_MAX UINT32_MAX

/* "sha1", "ntlm". */
const char *vg_pwned_mode_name(vg_pwned_mode m);
/* Parses "sha1" or "ntlm" (case-insensitive). VG_EINVAL otherwise. */
int vg_pwned_mode_parse(const char *s, vg_pwned_mode *out) VG_MUST_CHECK;
/* Bytes of a hash of this mode: 20 or 16. */
size_t vg_pwned_hash_bytes(vg_pwned_mode m);
/* Hex digits of a range suffix: 35 (SHA-1) or 27 (NTLM). */
size_t vg_pwned_suffix_hex(vg_pwned_mode m);

/* SHA-1 of the password's bytes (HIBP hashes the UTF-8 bytes). */
void vg_pwned_sha1(const char *pw, size_t n, uint8_t out[VG_PWNED_SHA1_BYTES]);
/* NTLM: MD4 of the password in UTF-16LE. VG_EINVAL when pw is not valid
 * UTF-8 or longer than VG_PWNED_MAX_PASSWORD bytes. */
int vg_pwned_ntlm(const char *pw, size_t n, uint8_t out[VG_PWNED_NTLM_BYTES]) VG_MUST_CHECK;
/* A hash as uppercase hex, NUL-terminated (out: 2 * n + 1 bytes). */
void vg_pwned_hex(const uint8_t *h, size_t n, char *out);

/* ------------------------------------------------------------ list lines */

/* What a file holds, detected from its first non-blank line (or forced). */
typedef enum {
	VG_PWNED_LIST_AUTO = 0,  /* detect */
	VG_PWNED_LIST_PLAIN,     /* one password per line, optional ":count" or tab count */
	VG_PWNED_LIST_PLAIN_RAW, /* one password per line, the whole line, count 1 */
	VG_PWNED_LIST_HIBP_SHA1, /* 40 hex ':' count */
	VG_PWNED_LIST_HIBP_NTLM, /* 32 hex ':' count */
} vg_pwned_list;

/* "auto", "plain", "plain-raw", "hibp-sha1", "hibp-ntlm". */
const char *vg_pwned_list_name(vg_pwned_list k);

/* One parsed line. */
typedef struct vg_pwned_line {
	const char *pw; /* plaintext lists: the password (a slice of the line) */
	size_t pw_len;
	uint8_t hash[VG_PWNED_HASH_MAX]; /* HIBP files: the hash */
	uint32_t count;                  /* >= 1 */
} vg_pwned_line;

/* The kind of a file whose first non-blank line is s[0..n): HIBP_SHA1 or
 * HIBP_NTLM when it is HASH:COUNT (or a bare hash), else PLAIN. */
vg_pwned_list vg_pwned_detect(const char *s, size_t n);

/*
 * Parses one line (line terminator removed) of a file of kind k (not
 * AUTO). Returns NULL with *out set, or the reason the line is bad
 * ("bad_hash", "bad_count", "zero_count", "too_long", "control_char",
 * "empty_password"). Plaintext lines: the count is the digits after the
 * last tab, else after the last ':', when there are 1 to 10 of them and
 * nothing else; otherwise the whole line is the password (docs/passwords.md).
 * Bytes are not checked for UTF-8 here (the reader transcodes).
 */
const vg_reason *vg_pwned_parse_line(vg_pwned_list k, const char *s, size_t n, vg_pwned_line *out);

/* ------------------------------------------------------------ the store (reader) */

typedef struct vg_pwned vg_pwned;

typedef struct vg_pwned_info {
	vg_pwned_mode mode;
	uint64_t generation; /* 1 for the first version, +1 per publish */
	int64_t created;     /* publish time, seconds since the epoch (UTC) */
	uint64_t build_id;   /* random, new at each publish (ETags) */
	uint64_t entries;    /* distinct hashes */
	uint64_t total;      /* sum of the counts */
	uint64_t nfiles;     /* input files recorded */
	uint64_t file_len;
	uint32_t max_bucket; /* entries of the largest prefix bucket */
} vg_pwned_info;

/* One input file recorded in a store. */
#define VG_PWNED_FP_BYTES 32
#define VG_PWNED_FILE_NAME_MAX 48
typedef struct vg_pwned_file {
	uint8_t fp[VG_PWNED_FP_BYTES];         /* BLAKE2b-256 of the file's bytes on disk */
	uint64_t size;                         /* bytes on disk */
	uint64_t lines;                        /* lines read (blank ones included) */
	uint64_t accepted;                     /* lines that gave a hash */
	uint64_t bad;                          /* bad lines */
	int64_t time;                          /* ingest time */
	uint32_t kind;                         /* vg_pwned_list */
	char name[VG_PWNED_FILE_NAME_MAX + 1]; /* base name, cut */
} vg_pwned_file;

/* The store's file name in dir: dir + "/passwords.sha1" or ".ntlm". */
void vg_pwned_path(const char *dir, vg_pwned_mode m, char *out, size_t cap);

/* Opens dir's store of mode m. VG_ENOTFOUND when there is none (no password
 * list ingested yet); VG_ECORRUPT when it is damaged. */
int vg_pwned_open(const char *dir, vg_pwned_mode m, vg_pwned **out, vg_err *err) VG_MUST_CHECK;
/* Opens a store file by path (any mode; info says which). */
int vg_pwned_open_file(const char *path, vg_pwned **out, vg_err *err) VG_MUST_CHECK;
void vg_pwned_close(vg_pwned *p);

const vg_pwned_info *vg_pwned_info_get(const vg_pwned *p);
/* The i-th recorded file (i < info.nfiles). */
void vg_pwned_file_get(const vg_pwned *p, uint64_t i, vg_pwned_file *out);
/* Whether a file with this fingerprint was recorded. */
bool vg_pwned_has_file(const vg_pwned *p, const uint8_t fp[VG_PWNED_FP_BYTES]);

/* The count of a full hash (hash_bytes of the store's mode), 0 if absent. */
uint32_t vg_pwned_lookup(const vg_pwned *p, const uint8_t *hash);
/* Entries in prefix's bucket (prefix < VG_PWNED_PREFIXES). */
uint64_t vg_pwned_bucket_size(const vg_pwned *p, uint32_t prefix);

/* Checks every checksum and the order of the records; O(file). */
int vg_pwned_verify(const vg_pwned *p, vg_err *err) VG_MUST_CHECK;

/* ------------------------------------------------------------ range text */

/* Parses 5 hex digits (either case) into a prefix. false when s[0..n) is not that. */
bool vg_pwned_prefix_parse(const char *s, size_t n, uint32_t *out);

/* Bytes vg_pwned_range_text() needs for prefix's bucket (p may be NULL: empty). */
size_t vg_pwned_range_size(const vg_pwned *p, uint32_t prefix);
/*
 * Writes the bucket of prefix as HIBP does: "SUFFIX:COUNT" lines, uppercase
 * hex, separated by CRLF, no line break after the last. pad lines (random
 * suffixes, count 0) are merged in hash order when pad > 0. Returns the
 * length written, at most cap (cap from vg_pwned_range_size() plus
 * pad * vg_pwned_pad_line_max(mode)).
 */
size_t vg_pwned_range_text(const vg_pwned *p, vg_pwned_mode m, uint32_t prefix, unsigned pad,
                           char *out, size_t cap);
/* Bytes of one padding line, separator included. */
size_t vg_pwned_pad_line_max(vg_pwned_mode m);

/* Padding as Have I Been Pwned does it: a response with Add-Padding holds
 * at least a random number of lines in [MIN, MAX]. */
#define VG_PWNED_PAD_MIN 800
#define VG_PWNED_PAD_MAX 1000

/* ------------------------------------------------------------ building */

typedef struct vg_pwbuild vg_pwbuild;

#define VG_PWBUILD_DEFAULT_MEMORY ((size_t)256 << 20)
#define VG_PWBUILD_MIN_MEMORY ((size_t)1 << 20)

typedef struct vg_pwbuild_opts {
	size_t memory; /* bytes for in-memory records (0: the default) */
	int64_t now;   /* 0: time(NULL) */
} vg_pwbuild_opts;

typedef struct vg_pwbuild_result {
	bool published;
	uint64_t generation;
	uint64_t entries, entries_before;
	uint64_t total;
	uint64_t file_len;
	unsigned runs; /* sorted runs spilled to disk */
	char path[4200];
} vg_pwbuild_result;

/* Starts the next version of dir's store of mode m: takes DIR/passwords.lock
 * (another build gives VG_EIO naming it), opens the live version. */
int vg_pwbuild_begin(const char *dir, vg_pwned_mode m, const vg_pwbuild_opts *opts,
                     vg_pwbuild **out, vg_err *err) VG_MUST_CHECK;
/* Same, sharing the lock of another builder of the same dir (ingest builds
 * both modes at once). */
int vg_pwbuild_begin_with(vg_pwbuild *locked, vg_pwned_mode m, vg_pwbuild **out,
                          vg_err *err) VG_MUST_CHECK;
/* The live version being built upon, or NULL. */
const vg_pwned *vg_pwbuild_current(const vg_pwbuild *b);
/* Whether fp is recorded in the live version or in this build. */
bool vg_pwbuild_has_file(const vg_pwbuild *b, const uint8_t fp[VG_PWNED_FP_BYTES]);
/* Adds count to hash's count. May spill a sorted run (VG_EIO on failure). */
int vg_pwbuild_add(vg_pwbuild *b, const uint8_t *hash, uint32_t count, vg_err *err) VG_MUST_CHECK;
/* Records an input file (its fingerprint must not be recorded yet). */
int vg_pwbuild_add_file(vg_pwbuild *b, const vg_pwned_file *f, vg_err *err) VG_MUST_CHECK;
/* Whether anything was added (hashes or files) since begin. */
bool vg_pwbuild_changed(const vg_pwbuild *b);
/*
 * Merges the runs and the live version (equal hashes: counts add,
 * saturating at VG_PWNED_COUNT_MAX), writes DIR/passwords.MODE.tmp, fsyncs,
 * renames it over DIR/passwords.MODE, fsyncs DIR. Frees b whatever
 * happens. Nothing changed: nothing published, res->published false.
 */
int vg_pwbuild_commit(vg_pwbuild *b, vg_pwbuild_result *res, vg_err *err) VG_MUST_CHECK;
void vg_pwbuild_abort(vg_pwbuild *b);

/* ------------------------------------------------------------ ingest */

typedef enum {
	VG_PWNED_FILE_INGESTED = 0,
	VG_PWNED_FILE_SKIPPED, /* the same bytes were ingested before */
	VG_PWNED_FILE_FAILED,
} vg_pwned_file_status;

/* "ingested", "skipped", "failed". */
const char *vg_pwned_file_status_name(vg_pwned_file_status s);

/* Bad lines: counts by reason, and the first few line numbers. */
#define VG_PWNED_REASONS 8
#define VG_PWNED_BAD_KEPT 20
typedef struct vg_pwned_bad {
	uint64_t lineno;
	const vg_reason *why;
} vg_pwned_bad;

typedef struct vg_pwned_ingest_file {
	const char *path; /* as given */
	vg_pwned_file_status status;
	vg_pwned_list kind;
	int compression; /* vg_table_compression */
	uint64_t size;
	uint64_t lines, blank, accepted, bad, transcoded;
	const vg_reason *reason[VG_PWNED_REASONS];
	uint64_t reason_count[VG_PWNED_REASONS];
	size_t nreasons;
	vg_pwned_bad first_bad[VG_PWNED_BAD_KEPT];
	size_t nfirst_bad;
	bool modes[VG_PWNED__MODES]; /* stores this file went into */
	vg_err err;                  /* FAILED: why */
} vg_pwned_ingest_file;

typedef struct vg_pwned_progress {
	size_t file, nfiles;
	uint64_t lines;
	uint64_t done_bytes, total_bytes; /* compressed bytes of the current file */
	bool total_known;
	bool commit; /* writing the stores */
	double seconds;
} vg_pwned_progress;

typedef struct vg_pwned_ingest_opts {
	const char *dir;
	size_t memory;      /* per store; 0: VG_PWBUILD_DEFAULT_MEMORY */
	vg_pwned_list kind; /* AUTO: detect per file */
	int64_t now;
	volatile sig_atomic_t *stop; /* set: stop, publish nothing */
	void (*progress)(void *ctx, const vg_pwned_progress *p);
	void *progress_ctx;
} vg_pwned_ingest_opts;

typedef struct vg_pwned_summary {
	vg_pwned_ingest_file *files;
	size_t nfiles;
	size_t ingested, skipped, failed;
	uint64_t lines, accepted, bad;
	uint64_t hashes; /* hashes added to the stores (a plaintext line gives two) */
	vg_pwbuild_result result[VG_PWNED__MODES];
	bool interrupted;
	bool committed;
	double seconds, read_seconds, commit_seconds;
} vg_pwned_summary;

/*
 * Ingests the files (paths; "-" is standard input, copied to an unlinked
 * temporary file in dir so that it can be fingerprinted before it counts)
 * into dir's stores. A file already recorded in a store is skipped for that
 * store. A file that fails (cannot be read, corrupt compressed stream)
 * is FAILED and adds nothing; the others go on. Returns 0, or the error
 * of the first failed file (VG_ENOTFOUND, VG_EIO, VG_ECORRUPT...) after
 * committing the others, or an error that stopped everything (lock, commit).
 */
int vg_pwned_ingest(const vg_pwned_ingest_opts *o, const char *const *paths, size_t n,
                    vg_pwned_summary *s, vg_err *err) VG_MUST_CHECK;
void vg_pwned_summary_release(vg_pwned_summary *s);

/* The demo's sample list (data/passwords-sample.txt, compiled in): common
 * passwords with INVENTED counts (data/SOURCES.md). Write it to a file and
 * ingest that (the same bytes every run: ingesting twice adds nothing). */
extern const unsigned char vg_pwned_sample[];
extern const size_t vg_pwned_sample_len;

/* ------------------------------------------------------------ the service */

typedef struct vg_pwned_service vg_pwned_service;

/* Opens dir's stores (a missing store answers every prefix with an empty
 * list). Cache-Control max-age in seconds: 0 for the default (86400). */
int vg_pwned_service_open(const char *dir, unsigned max_age, vg_pwned_service **out,
                          vg_err *err) VG_MUST_CHECK;
/* Reopens the stores (after an ingest): later requests see the new
 * versions; a request in flight keeps the one it started with. */
int vg_pwned_service_reload(vg_pwned_service *s, vg_err *err) VG_MUST_CHECK;
void vg_pwned_service_close(vg_pwned_service *s);

/*
 * The handler of GET /range/{5 hex} (ctx: a vg_pwned_service). docs/api.md
 * is the contract: 200 text/plain SUFFIX:COUNT lines; ?mode=sha1|ntlm;
 * Add-Padding: true; ETag, Last-Modified, Cache-Control; If-None-Match ->
 * 304; 400 bad-request on a malformed prefix or mode, 405 on a method
 * other than GET or HEAD.
 */
void vg_pwned_range_handler(void *ctx, const vg_http_req *req, vg_http_resp *resp);

/* ------------------------------------------------------------ export */

typedef struct vg_pwned_export_result {
	uint64_t files;
	uint64_t bytes;
	uint64_t nonempty;
	double seconds;
	char dir[4200]; /* the directory written: OUTDIR/range or OUTDIR/range-ntlm */
} vg_pwned_export_result;

/*
 * Writes the 1,048,576 range files of store p (NULL: all empty) as
 * OUTDIR/range/ABCDE (SHA-1) or OUTDIR/range-ntlm/ABCDE (NTLM), each the
 * unpadded body of GET /range/ABCDE. Written into a temporary directory
 * in OUTDIR, synced, then swapped in with one rename (an existing one is
 * exchanged atomically, then removed). progress is called every 4096 files.
 */
int vg_pwned_export(const vg_pwned *p, vg_pwned_mode m, const char *outdir,
                    volatile sig_atomic_t *stop,
                    void (*progress)(void *ctx, uint32_t done, uint32_t total), void *ctx,
                    vg_pwned_export_result *res, vg_err *err) VG_MUST_CHECK;

#endif
