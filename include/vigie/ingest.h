/*
 * vigie/ingest.h: leaked files in, exposure registry out (`vigie ingest`).
 *
 * For each input file (a path, or "-" for standard input) the ingest:
 *
 *   1. fingerprints it (vg_fingerprint: a regular file first, with pread; a
 *      stream while it is read) and skips a file the registry already holds;
 *   2. reads it with vg_table (CSV, TSV, JSONL, gzip, zstd, encodings) and
 *      maps its columns with vg_colmap (header names, or --map);
 *   3. sorts every row into accepted or rejected. Rejected: a row the reader
 *      could not parse, a row with the wrong number of fields, a row whose
 *      source cannot be told, a row with no usable identifier. Each goes to
 *      the rejects file (file, line, reason, raw bytes). Accepted: every
 *      identifier field is normalized (email, phone, NIR, France Travail id,
 *      name + date of birth); each valid one becomes one registry entry
 *      (pseudonym, categories present in the row, source); each invalid one
 *      is counted by kind and reason;
 *   4. records the file (fingerprint and counters), and, once every file is
 *      read, commits the registry (sort, merge, atomic publish).
 *
 * Rows read = accepted + rejected, per file and in total; the ingest checks
 * it before it records a file. The rules (categories, name keys, sources,
 * suspect rows) are in docs/ingest.md.
 *
 * Speed: one reader thread (the caller's) fills batches of rows (their
 * bytes copied into the batch's buffer, no allocation per row); worker
 * threads normalize, compute pseudonyms into per-thread entry buffers and
 * hand them to vg_regbuild_add_batch(). Memory: a few tens of MiB for the
 * pipeline, plus the registry builder's budget (opts.memory).
 *
 * Crash safety is the registry's: nothing is published before the commit's
 * atomic rename, so an interrupted ingest (opts.stop, a signal, kill -9)
 * leaves the previous version intact and usable.
 *
 * Ownership: vg_ingest_run() fills a vg_ingest_summary whose files array it
 * allocates; vg_ingest_summary_release() frees it. Paths and strings in
 * vg_ingest_opts are borrowed for the duration of the call.
 */
#ifndef VIGIE_INGEST_H
#define VIGIE_INGEST_H

#include "vigie/colmap.h"
#include "vigie/core.h"
#include "vigie/registry.h"
#include "vigie/table.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The registry builder's memory budget when opts.memory is 0: 43 million
 * people (215 million entries) build without a spill (docs/registry.md). */
#define VG_INGEST_DEFAULT_MEMORY ((size_t)4 << 30)
/* Worker threads when opts.workers is 0, and the most accepted. */
#define VG_INGEST_DEFAULT_WORKERS 2
#define VG_INGEST_MAX_WORKERS 16
/* The source of rows when the file has no source column and no --source. */
#define VG_INGEST_DEFAULT_SOURCE "Source non précisée"
/* New sources one run may create from a source column; past it, rows with
 * yet another source are rejected (too_many_sources): a column of file
 * names or free text must not fill the registry's 16 sources for ever. */
#define VG_INGEST_MAX_NEW_SOURCES 4
/* Distinct reasons counted per kind (more are counted as "other"). */
#define VG_INGEST_MAX_REASONS 24
/* Most registry entries one row can give (4 kinds x 8 columns + names). */
#define VG_INGEST_ROW_ENTRIES_MAX 48
/* Most identifier fields one row can carry (10 fields x 8 columns). */
#define VG_INGEST_ROW_ITEMS_MAX 80

/* ------------------------------------------------------------ one row */

/* The kinds of identifier fields an ingest normalizes, for the counters. */
typedef enum {
	VG_INGEST_EMAIL = 0,
	VG_INGEST_PHONE,
	VG_INGEST_NIR,
	VG_INGEST_FTID,
	VG_INGEST_DOB,
	VG_INGEST_NAME, /* first, usage, birth, family or full name */
	VG_INGEST__KINDS
} vg_ingest_kind;

/* "email", "phone", "nir", "ft_id", "dob", "name"; "?" out of range. */
const char *vg_ingest_kind_name(vg_ingest_kind k);

/* The categories a non-blank field of this kind reveals (VG_CAT_BIT()s):
 * a name column gives name; nir gives nir, sex and birthplace (the NIR
 * spells them out); status and registration dates give registration;
 * postcode, commune, region and source give none (docs/ingest.md). */
uint16_t vg_ingest_field_cats(vg_field f);

/* Whether f is normalized as an identifier (email, phone, nir, ft_id, dob
 * and the five name fields). */
bool vg_ingest_field_is_ident(vg_field f);

/* True when s[0..n) holds nothing but ASCII spaces, tabs, CR and LF. */
bool vg_ingest_blank(const char *s, size_t n);

/* One identifier field of a row: a slice of its UTF-8 text. */
typedef struct vg_ingest_item {
	const char *s;
	size_t len;
	vg_field field;
} vg_ingest_item;

/* What one row gave. */
typedef struct vg_ingest_rowres {
	size_t nentries;
	vg_regentry e[VG_INGEST_ROW_ENTRIES_MAX];
	size_t ninvalid; /* non-blank fields that did not normalize */
	struct {
		vg_ingest_kind kind;
		const vg_reason *reason;
	} invalid[VG_INGEST_ROW_ITEMS_MAX];
} vg_ingest_rowres;

/*
 * The registry entries of one row: each valid email, phone, NIR and France
 * Travail id gives an entry of its table; a valid date of birth (the first
 * valid one) with a first name and a birth, usage or family name gives one
 * NAME_DOB entry per distinct name (first + birth, first + usage when it
 * differs, first + family), and each valid full-name field one more; the
 * key is vg_exposure_name_dob_key() (the words sorted, so `check --name`
 * finds "DUPONT Marie" and "Marie Dupont" alike). Every entry gets cats and
 * sources. Invalid fields are listed in out->invalid. Blank items are
 * skipped (the caller usually leaves them out). Returns out->nentries; 0
 * means the row has no usable identifier. Pure, thread-safe, no allocation.
 */
size_t vg_ingest_row(const vg_regkey *k, const vg_ingest_item *items, size_t nitems, uint16_t cats,
                     uint16_t sources, vg_ingest_rowres *out);

/* ------------------------------------------------------------ reasons */

/* Why the ingest rejects a row that the reader parsed. */
extern const vg_reason vg_ingest_reason_field_count;      /* field_count */
extern const vg_reason vg_ingest_reason_no_identifier;    /* no_identifier */
extern const vg_reason vg_ingest_reason_no_source;        /* no_source */
extern const vg_reason vg_ingest_reason_source_truncated; /* source_truncated */
extern const vg_reason vg_ingest_reason_bad_source;       /* bad_source */
extern const vg_reason vg_ingest_reason_too_many_sources; /* too_many_sources */
/* The counter for reasons past VG_INGEST_MAX_REASONS of one kind (other). */
extern const vg_reason vg_ingest_reason_other;

/* ------------------------------------------------------------ counters */

/* Counts by reason (reasons are static vg_reason objects, compared by address). */
typedef struct vg_ingest_reasons {
	size_t n;
	const vg_reason *reason[VG_INGEST_MAX_REASONS];
	uint64_t count[VG_INGEST_MAX_REASONS];
	uint64_t total;
} vg_ingest_reasons;

/* Adds count to reason r (past the table's room, to "other"). */
void vg_ingest_reasons_add(vg_ingest_reasons *rs, const vg_reason *r, uint64_t count);

typedef struct vg_ingest_counts {
	uint64_t rows_read, rows_accepted, rows_rejected;
	/* accepted rows the reader parsed by a best guess (a quote closed
	 * mid-field, VG_TABLE_ROW_QUOTE_FIXED): docs/ingest.md */
	uint64_t rows_suspect;
	uint64_t rows_transcoded;                    /* read as Windows-1252 */
	uint64_t rows_with[VG_CAT__COUNT];           /* accepted rows with the category */
	uint64_t identifiers[VG_IDTAB__COUNT];       /* entries given to the registry */
	uint64_t source_rows[VG_SOURCE_MAX];         /* accepted rows by source index */
	vg_ingest_reasons rejected;                  /* rejected rows by reason */
	vg_ingest_reasons invalid[VG_INGEST__KINDS]; /* invalid fields by kind, reason */
} vg_ingest_counts;

/* ------------------------------------------------------------ files */

typedef enum {
	VG_INGEST_FILE_PENDING = 0, /* not reached (the run stopped before) */
	VG_INGEST_FILE_INGESTED,    /* read and recorded */
	VG_INGEST_FILE_SKIPPED,     /* already in the registry (or earlier in the run) */
	VG_INGEST_FILE_FAILED,      /* could not be read to the end: not recorded */
} vg_ingest_file_status;

/* "pending", "ingested", "skipped", "failed". */
const char *vg_ingest_file_status_name(vg_ingest_file_status s);

typedef struct vg_ingest_file {
	const char *path; /* as given ("-": standard input) */
	vg_ingest_file_status status;
	vg_err err;  /* when failed */
	bool stream; /* not a regular file: fingerprinted while read */
	vg_table_format format;
	vg_table_compression compression;
	uint64_t size;   /* bytes on disk (streams: bytes read) */
	unsigned source; /* the main source (most accepted rows), when has_source */
	bool has_source;
	char unknown_columns[256]; /* columns mapped to no field, comma-separated, cut */
	size_t nunknown;
	vg_ingest_counts c;
} vg_ingest_file;

/* ------------------------------------------------------------ progress */

typedef enum {
	VG_INGEST_PHASE_FINGERPRINT = 0, /* reading a regular file's bytes for its fingerprint */
	VG_INGEST_PHASE_READ,            /* reading rows */
	VG_INGEST_PHASE_COMMIT,          /* sorting, merging, writing the registry */
} vg_ingest_phase;

typedef struct vg_ingest_progress {
	vg_ingest_phase phase;
	size_t file, nfiles; /* the current file (0-based) */
	const char *path;
	/* bytes of input done and in all, over every file (fingerprint passes
	 * included); total_known is false when a stream is among the inputs
	 * still to read */
	uint64_t done_bytes, total_bytes;
	bool total_known;
	uint64_t rows; /* rows read so far, all files */
	double seconds;
} vg_ingest_progress;

typedef void (*vg_ingest_progress_fn)(void *ctx, const vg_ingest_progress *p);

/* ------------------------------------------------------------ the run */

typedef struct vg_ingest_opts {
	const char *dir;      /* registry directory (required) */
	const char *key_file; /* NULL: $VIGIE_REGISTRY_KEY, else DIR/registry.key (created) */
	const vg_regkey *key; /* a key already loaded (tests); wins over key_file */
	/* Every row's source, whatever the file says (--source); NULL: the
	 * source column, else VG_INGEST_DEFAULT_SOURCE. */
	const char *source;
	/* Sources flagged special-category (--special), by folded name; "Cap
	 * Emploi" always is. */
	const char *const *special;
	size_t nspecial;
	const char *map;     /* --map text, or NULL */
	const char *rejects; /* rejects file, or NULL: DIR/rejects/<UTC time>.tsv */
	size_t memory;       /* builder budget in bytes; 0: VG_INGEST_DEFAULT_MEMORY */
	unsigned workers;    /* 0: VG_INGEST_DEFAULT_WORKERS */
	vg_lang lang;        /* messages, rejects file */
	int64_t now;         /* Unix seconds for the registry and the rejects name; 0: now */
	/* Polled between batches: when it becomes non-zero, the run stops, the
	 * build is abandoned and the rejects file of this run removed. */
	const volatile sig_atomic_t *stop;
	vg_ingest_progress_fn progress; /* about 5 times a second, and at phase changes */
	void *progress_ctx;
	/* testing: rows per batch (0: 2048), table options */
	size_t batch_rows;
	const vg_table_opts *table;
	/* testing: bytes per range of a mapped CSV file that the workers parse
	 * (0: 256 KiB); no_ranges: the reader parses every row itself */
	size_t range_bytes;
	bool no_ranges;
} vg_ingest_opts;

/* Zeroes o (defaults everywhere). */
void vg_ingest_opts_init(vg_ingest_opts *o);

typedef struct vg_ingest_summary {
	size_t nfiles;
	vg_ingest_file *files; /* one per input, in order */
	size_t ingested, skipped, failed;
	vg_ingest_counts total; /* over the files read (ingested or failed) */
	/* the registry */
	char key_origin[4200];
	bool key_created;
	bool committed;            /* commit ran (published or not) */
	vg_regbuild_result result; /* when committed */
	uint64_t entries_before[VG_IDTAB__COUNT];
	unsigned nsources; /* sources of the registry after the run */
	vg_regsource sources[VG_SOURCE_MAX];
	uint16_t new_sources; /* bit i: source i created by this run */
	/* the rejects file: written when rows_rejected > 0 or given by opts */
	char rejects_path[4200];
	bool rejects_written;
	bool interrupted; /* opts.stop was raised: nothing published */
	double seconds, read_seconds, commit_seconds;
} vg_ingest_summary;

/*
 * Ingests files[0..nfiles) into the registry in opts->dir. Before anything
 * else every path is opened once (a missing or unreadable file fails the
 * run with nothing changed). A file that fails later (a damaged gzip
 * stream, no identifier column) is counted as failed and not recorded; the
 * other files are still ingested and committed, and the call returns its
 * error. Returns 0, VG_EUSAGE (bad options: --map, --source, --memory),
 * VG_ENOTFOUND / VG_EIO / VG_ECORRUPT / VG_EINVAL (files, key, registry),
 * with a message in err; when opts->stop was raised, VG_EIO with
 * summary->interrupted set. The summary is filled in every case.
 */
int vg_ingest_run(const vg_ingest_opts *opts, const char *const *files, size_t nfiles,
                  vg_ingest_summary *summary, vg_err *err) VG_MUST_CHECK;

/* Frees what vg_ingest_run() allocated in s. */
void vg_ingest_summary_release(vg_ingest_summary *s);

/*
 * Parses a memory size for --memory: digits, optional K, M, G or T (powers
 * of 1024), optionally followed by "iB" or "B" ("4G", "512MiB", "1073741824").
 * VG_EUSAGE when malformed, below VG_REGBUILD_MIN_BUDGET or over 2^48.
 */
int vg_ingest_parse_size(const char *s, size_t *out) VG_MUST_CHECK;

/* The source name ingest uses for a value: trimmed, spaces collapsed, and
 * title-cased (ASCII letters) when it is all capitals or all lowercase
 * ("FRANCE TRAVAIL" -> "France Travail"). Returns the length, 0 when empty or
 * not a valid source name (over VG_SOURCE_NAME_MAX bytes, control bytes). */
size_t vg_ingest_source_name(const char *s, size_t n, char out[VG_SOURCE_NAME_MAX + 1]);

#endif
