/*
 * vigie/registry.h: the exposure registry. Was this identifier exposed, in
 * which sources, and what was exposed with it? Answered in about a
 * microsecond, from a file that is not itself a second leak.
 *
 * The pieces, in the order a caller meets them:
 *
 *   vg_regkey      the secret registry key (32 random bytes) and what is
 *                  derived from it: one PRF key per identifier table, the
 *                  key id written in the registry header, the file
 *                  fingerprint key. Loaded from a 0600 key file or from
 *                  VIGIE_REGISTRY_KEY; created on first ingest.
 *   pseudonym      vg_regkey_prf(key, table, canonical form): SipHash-2-4,
 *                  64 bits. The registry stores pseudonyms only.
 *   vg_regbuild    builds the next version of the registry: entries in
 *                  batches (thread-safe), file records, then commit (sort,
 *                  merge with the live version, write, atomic publish).
 *   vg_registry    a published version, mmapped read-only: lookups,
 *                  verify, info, statistics for the art. 33 report.
 *
 * Files in a registry directory DIR:
 *   DIR/registry-000042.vgr   one immutable file per version
 *   DIR/CURRENT               the name of the live version, one line
 *   DIR/registry.key          the key (default place; 0600)
 *   DIR/registry.lock         held by the one builder at a time
 * The file format, the key design, the publish protocol and the threat model
 * are in docs/registry.md.
 *
 * Ownership: vg_regkey, vg_registry and vg_regbuild are opaque, created by
 * their functions and freed by vg_regkey_free(), vg_registry_close(), and
 * vg_regbuild_commit() / vg_regbuild_abort(). A vg_registry or vg_regbuild
 * borrows the vg_regkey it was given: free the key last.
 *
 * Threads: a vg_registry is immutable once open; lookups from any number of
 * threads are safe. vg_regbuild_source(), _claim(), _add_batch() and
 * _add_file() may be called from several threads at once; _begin(),
 * _commit() and _abort() from one thread, when the others are done.
 *
 * Errors: 0 or a negative VG_E* code, with a message in the optional vg_err.
 * A registry file is hostile input: every offset is checked on open, and a
 * damaged file gives VG_ECORRUPT with what and where, never a crash.
 */
#ifndef VIGIE_REGISTRY_H
#define VIGIE_REGISTRY_H

#include "vigie/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ tables */

/* One sorted table of pseudonyms per kind of identifier. */
typedef enum {
	VG_IDTAB_EMAIL = 0, /* vg_email canonical form */
	VG_IDTAB_PHONE,     /* vg_phone canonical form (E.164) */
	VG_IDTAB_NIR,       /* vg_nir canonical form */
	VG_IDTAB_FTID,      /* France Travail identifier, vg_ftid canonical form */
	VG_IDTAB_NAME_DOB,  /* canonical name, '\0', YYYY-MM-DD */
	VG_IDTAB__COUNT
} vg_idtab;

/* "email", "phone", "nir", "ft_id", "name_dob". */
const char *vg_idtab_name(vg_idtab t);
/* Parses a table name; "id" is accepted for "ft_id". VG_EINVAL if unknown. */
int vg_idtab_parse(const char *name, vg_idtab *out) VG_MUST_CHECK;

/* ------------------------------------------------------------ categories */

/*
 * Categories of personal data exposed with an identifier. The payload of an
 * entry holds them as bits, VG_CAT_BIT(c). The order is part of the file
 * format (and matches vg_gen_cat).
 */
typedef enum {
	VG_CAT_NAME = 0,
	VG_CAT_NIR,
	VG_CAT_DOB,
	VG_CAT_FTID,
	VG_CAT_EMAIL,
	VG_CAT_ADDRESS,
	VG_CAT_PHONE,
	VG_CAT_SEX,
	VG_CAT_BIRTHPLACE,
	VG_CAT_REGISTRATION,
	VG_CAT__COUNT
} vg_category;

#define VG_CAT_BIT(c) ((uint16_t)(1u << (c)))
#define VG_CAT_ALL ((uint16_t)((1u << VG_CAT__COUNT) - 1))

/* "name", "nir", "dob", "ft_id", "email", "address", "phone", "sex",
 * "birthplace", "registration"; "?" when out of range. */
const char *vg_category_name(vg_category c);
/* The category for people, in French or English ("numéro de sécurité sociale (NIR)"). */
const char *vg_category_label(vg_category c, vg_lang lang);
/* Parses a category name; VG_EINVAL if unknown. */
int vg_category_parse(const char *name, vg_category *out) VG_MUST_CHECK;

/* ------------------------------------------------------------ sources */

/* At most 16 sources per registry: the source set of an entry is a uint16_t. */
#define VG_SOURCE_MAX 16
/* Longest source name, in bytes (UTF-8, no control characters). */
#define VG_SOURCE_NAME_MAX 55

enum {
	/* Presence in this source reveals special-category data (GDPR art. 9):
	 * being in Cap Emploi's files reveals a disability. Sticky: once set for
	 * a source, it stays set in every later version. */
	VG_SOURCE_SPECIAL = 1u << 0,
};

typedef struct vg_regsource {
	char name[VG_SOURCE_NAME_MAX + 1];
	unsigned flags; /* VG_SOURCE_* */
} vg_regsource;

/* ------------------------------------------------------------ the key */

#define VG_REGKEY_BYTES 32
/* The key id: 8 bytes, written as 16 lowercase hex characters. */
#define VG_REGKEY_ID_HEX 16
/* The environment variable that may hold the key, as 64 hex characters. */
#define VG_REGKEY_ENV "VIGIE_REGISTRY_KEY"
/* The key file's default name inside the registry directory. */
#define VG_REGKEY_FILE "registry.key"

typedef struct vg_regkey vg_regkey;

/*
 * Where the key comes from, first match wins:
 *   1. key_file, when non-NULL (e.g. --key-file);
 *   2. the environment variable VIGIE_REGISTRY_KEY (64 hex characters);
 *   3. DIR/registry.key.
 * When none exists and create is true, a new random key is written to
 * DIR/registry.key (O_CREAT|O_EXCL, mode 0600; DIR is created 0700 if
 * missing). Creation is refused when DIR already holds a registry: its key
 * is lost or elsewhere, and a new one could not read it.
 * A key file must be a regular file with no group or other permission bits
 * (VG_EINVAL otherwise, naming the file and the fix); it holds 64 hex
 * characters (and an optional newline) or exactly 32 raw bytes.
 * origin (optional, OUT) says which of the three was used, for messages:
 * "--key-file FILE", "VIGIE_REGISTRY_KEY" or "DIR/registry.key".
 */
int vg_regkey_resolve(const char *dir, const char *key_file, bool create, vg_regkey **out,
                      char *origin, size_t origin_cap, vg_err *err) VG_MUST_CHECK;

/* Loads the key file at path (the permission rule above applies). */
int vg_regkey_load_file(const char *path, vg_regkey **out, vg_err *err) VG_MUST_CHECK;
/* Creates a new random key in a new file at path (0600, O_EXCL). */
int vg_regkey_create_file(const char *path, vg_regkey **out, vg_err *err) VG_MUST_CHECK;
/* A key from 64 hex characters s[0..n) (surrounding whitespace ignored). */
int vg_regkey_from_hex(const char *s, size_t n, vg_regkey **out, vg_err *err) VG_MUST_CHECK;
/* A key from 32 bytes (copied). */
int vg_regkey_from_bytes(const uint8_t bytes[VG_REGKEY_BYTES], vg_regkey **out) VG_MUST_CHECK;
/* Wipes and frees the key material. NULL is fine. */
void vg_regkey_free(vg_regkey *k);

/* The key id, 16 hex characters: public, written in every registry header. */
const char *vg_regkey_id(const vg_regkey *k);

/*
 * The pseudonym of canonical identifier s[0..n) in table t: SipHash-2-4
 * under the table's own 128-bit key (derived from the registry key), read
 * as a little-endian uint64. Deterministic, 15 to 25 ns.
 */
uint64_t vg_regkey_prf(const vg_regkey *k, vg_idtab t, const void *s, size_t n);

/* The name + date of birth pseudonym: the PRF over name, '\0', dob (YYYY-MM-DD). */
uint64_t vg_regkey_prf_name_dob(const vg_regkey *k, const char *name, size_t name_len,
                                const char *dob, size_t dob_len);

/* ------------------------------------------------------------ file fingerprints */

#define VG_FINGERPRINT_BYTES 32

/*
 * A keyed fingerprint of an input file's bytes (as read from disk, before
 * decompression): BLAKE2b-256 keyed with a key derived from the registry
 * key, over the size and the XXH3-128 of the content under a key-derived
 * secret. XXH3 streams at ~5 GB/s where BLAKE2b manages 0.5 GB/s; the keyed
 * BLAKE2b on top makes the stored value a PRF of the content, so the
 * registry does not tell who holds a copy of the file whether it was
 * ingested. Streaming: init, update as the bytes are read, final.
 */
typedef struct vg_fingerprint {
	_Alignas(64) unsigned char state[640]; /* an XXH3 state */
	const vg_regkey *key;
	uint64_t size;
} vg_fingerprint;

void vg_fingerprint_init(vg_fingerprint *f, const vg_regkey *k);
void vg_fingerprint_update(vg_fingerprint *f, const void *p, size_t n);
void vg_fingerprint_final(vg_fingerprint *f, uint8_t out[VG_FINGERPRINT_BYTES]);
/* The fingerprint of all of fd (read with pread from offset 0; the file offset
 * is not moved); *size (optional, OUT) gets the byte count. */
int vg_fingerprint_fd(const vg_regkey *k, int fd, uint8_t out[VG_FINGERPRINT_BYTES], uint64_t *size,
                      vg_err *err) VG_MUST_CHECK;

/* ------------------------------------------------------------ ingested files */

/* Longest display name of an ingested file, in bytes. */
#define VG_REGFILE_NAME_MAX 47

/* One ingested file, as recorded in the registry. */
typedef struct vg_regfile {
	uint8_t fingerprint[VG_FINGERPRINT_BYTES];
	uint64_t size; /* bytes on disk */
	uint64_t rows_read, rows_accepted, rows_rejected;
	/* accepted rows where the category was present; summed into the source's
	 * statistics, not kept per file */
	uint64_t rows_with[VG_CAT__COUNT];
	int64_t time;    /* when ingested, Unix seconds; 0 = now (vg_regbuild_opts.now) */
	unsigned source; /* index from vg_regbuild_source() */
	/* display name: kept only when vg_regfile_display_name() finds it safe */
	char name[VG_REGFILE_NAME_MAX + 1];
} vg_regfile;

/*
 * The display name the registry may keep for a file path: its basename,
 * cut to VG_REGFILE_NAME_MAX bytes on a UTF-8 boundary, or "" when it might
 * hold an identifier (an '@', a run of 7 or more digits, or 10 digits or
 * more split only by ' ', '.' or '-'), is not valid UTF-8 or has control
 * characters. out has VG_REGFILE_NAME_MAX + 1 bytes. Returns the length.
 */
size_t vg_regfile_display_name(const char *path, char *out);

/* ------------------------------------------------------------ statistics */

typedef struct vg_regstats_source {
	uint64_t rows_read, rows_accepted, rows_rejected, files;
	uint64_t rows_with[VG_CAT__COUNT]; /* accepted rows with the category */
} vg_regstats_source;

typedef struct vg_regstats_table {
	uint64_t entries;                  /* distinct identifiers */
	uint64_t in_special;               /* in at least one VG_SOURCE_SPECIAL source */
	uint64_t with_cat[VG_CAT__COUNT];  /* identifiers exposed with the category */
	uint64_t in_source[VG_SOURCE_MAX]; /* identifiers present in the source */
} vg_regstats_table;

/*
 * The statistics block of a version, for the art. 33 report. Row counters
 * add up over every file ever ingested; table counters are recomputed from
 * the merged tables at each commit. Each identifier table counts distinct
 * identifiers of one kind: the number of people is approximated by the
 * largest table (or the NIR table), not by the sum.
 */
typedef struct vg_registry_stats {
	unsigned nsources;
	uint64_t rows_read, rows_accepted, rows_rejected, files, entries;
	uint64_t rows_with[VG_CAT__COUNT];
	vg_regstats_source source[VG_SOURCE_MAX];
	vg_regstats_table table[VG_IDTAB__COUNT];
} vg_registry_stats;

/* ------------------------------------------------------------ reading */

typedef struct vg_registry vg_registry;

enum {
	/* Read the whole file into the page cache at open (MAP_POPULATE), for
	 * servers that want the first lookups as fast as the next ones. */
	VG_REGISTRY_POPULATE = 1u << 0,
};

/*
 * Opens the registry file at path, read-only (mmap), and validates its
 * structure: magic, version, header checksum, every section's offset,
 * length and count against the file size, the sources, the statistics
 * block and the file records. Section checksums and sort order are checked
 * by vg_registry_verify(), not here, so that opening stays O(header).
 * key may be NULL (info, verify); when given, its id must match the
 * header's (VG_EINVAL "built with key id X, the key given has id Y"), and
 * the registry keeps a pointer to it for vg_registry_check().
 * Errors: VG_ENOTFOUND, VG_EIO, VG_ECORRUPT, VG_EINVAL.
 */
int vg_registry_open(const char *path, const vg_regkey *key, unsigned flags, vg_registry **out,
                     vg_err *err) VG_MUST_CHECK;

/* Opens the live version of directory dir (the file DIR/CURRENT names).
 * VG_ENOTFOUND when dir holds no registry yet. */
int vg_registry_open_dir(const char *dir, const vg_regkey *key, unsigned flags, vg_registry **out,
                         vg_err *err) VG_MUST_CHECK;

/* Opens a registry held in memory: buf (8-byte aligned) must outlive the
 * registry. Same validation as vg_registry_open(). For tests and fuzzing. */
int vg_registry_open_mem(const void *buf, size_t len, const vg_regkey *key, vg_registry **out,
                         vg_err *err) VG_MUST_CHECK;

/* Unmaps and frees. NULL is fine. */
void vg_registry_close(vg_registry *r);

/* What an identifier was exposed with. */
typedef struct vg_reghit {
	uint16_t cats;    /* VG_CAT_BIT()s */
	uint16_t sources; /* bit i: source i (vg_registry_source()) */
} vg_reghit;

/*
 * Looks pseudonym p up in table t: interpolation search on the uniformly
 * distributed keys, with a bisection step whenever a probe fails to halve
 * the range (O(log n) worst case on any file). Returns 1 and fills *hit
 * when found, 0 when not (hit zeroed). Never fails; a table damaged on
 * disk gives wrong answers, never a crash (vg_registry_verify() finds it).
 */
int vg_registry_lookup(const vg_registry *r, vg_idtab t, uint64_t p, vg_reghit *hit);

/*
 * A guide for bulk lookups: for each table, where the keys with each value
 * of their top bits start (one 4-byte entry per 32 to 64 keys: about
 * n / 10 bytes for n keys), made by one pass over the keys. With it a
 * search starts in a range of about 32 keys instead of the whole table,
 * which saves it two or three cache misses. Valid while r is open.
 */
typedef struct vg_regguide vg_regguide;
vg_regguide *vg_registry_guide_new(const vg_registry *r);
void vg_registry_guide_free(vg_regguide *g);

/*
 * n lookups at once: hit[i] gets what vg_registry_lookup(r, t[i], p[i])
 * gives (a t[i] out of range finds nothing), on any registry that
 * vg_registry_verify() accepts; on a damaged one, wrong answers, never a
 * crash. The searches of a group run side by side, their memory accesses
 * prefetched, so a bulk job (vigie notify) waits for one cache miss a round
 * instead of one per probe. g (may be NULL: none) is a guide of r.
 * Returns how many were found.
 */
size_t vg_registry_lookup_many(const vg_registry *r, const vg_regguide *g, size_t n,
                               const uint8_t *t, const uint64_t *p, vg_reghit *hit);

/* The PRF and the lookup: canonical form s[0..n) in table t, with the key
 * given at open. VG_EUSAGE when the registry was opened without a key. */
int vg_registry_check(const vg_registry *r, vg_idtab t, const char *s, size_t n,
                      vg_reghit *hit) VG_MUST_CHECK;

/*
 * Checks everything open does not: each section's checksum, keys strictly
 * increasing, payload bits within the known categories and sources, every
 * counter of the statistics block against the tables and the file records,
 * rows read = accepted + rejected, fingerprints unique. O(file size).
 * Returns 0 or VG_ECORRUPT naming the first problem found.
 */
int vg_registry_verify(const vg_registry *r, vg_err *err) VG_MUST_CHECK;

/* The file's header and section table, for `vigie registry info`. */
typedef struct vg_regsection_info {
	char name[24]; /* "keys.email", "payloads.nir", "sources", "stats", "files" */
	uint64_t offset, length, count;
	uint64_t checksum; /* XXH3-64 of the section's bytes */
} vg_regsection_info;

#define VG_REGISTRY_SECTIONS (2 * VG_IDTAB__COUNT + 3)

typedef struct vg_registry_info {
	uint32_t format_version;
	uint64_t generation; /* N of registry-N.vgr */
	int64_t created;     /* Unix seconds */
	uint64_t file_len;
	char key_id[VG_REGKEY_ID_HEX + 1];
	uint64_t entries;
	uint64_t table_entries[VG_IDTAB__COUNT];
	unsigned nsources;
	uint64_t nfiles;
	double bytes_per_entry; /* file_len / entries (0 when empty) */
	uint64_t header_checksum;
	vg_regsection_info section[VG_REGISTRY_SECTIONS];
} vg_registry_info;

void vg_registry_get_info(const vg_registry *r, vg_registry_info *out);
/* The statistics block (owned by r). */
const vg_registry_stats *vg_registry_get_stats(const vg_registry *r);
/* The path opened ("" for vg_registry_open_mem()). */
const char *vg_registry_path(const vg_registry *r);

unsigned vg_registry_source_count(const vg_registry *r);
/* Source i (< vg_registry_source_count()), owned by r; NULL when out of range. */
const vg_regsource *vg_registry_source(const vg_registry *r, unsigned i);
/* Bit i set when source i is VG_SOURCE_SPECIAL. */
uint16_t vg_registry_special_sources(const vg_registry *r);

uint64_t vg_registry_file_count(const vg_registry *r);
/* The generation (vg_registry_info.generation, without filling the rest). */
uint64_t vg_registry_generation(const vg_registry *r);
/* File record i into *out (rows_with is zero: not kept per file). 0 or VG_EINVAL. */
int vg_registry_file(const vg_registry *r, uint64_t i, vg_regfile *out) VG_MUST_CHECK;
/* Whether a file with this fingerprint was ingested; *index (optional) gets it. */
bool vg_registry_has_file(const vg_registry *r, const uint8_t fp[VG_FINGERPRINT_BYTES],
                          uint64_t *index);

/* ------------------------------------------------------------ building */

typedef struct vg_regbuild vg_regbuild;

/* 2 GiB. At 12 bytes an entry in memory, about 170 M entries before a
 * spill; 43 M people (215 M entries) build without a spill from 4 GiB. */
#define VG_REGBUILD_DEFAULT_BUDGET ((size_t)2 << 30)
#define VG_REGBUILD_MIN_BUDGET ((size_t)1 << 20)

typedef struct vg_regbuild_opts {
	/* Memory for entries before sorted runs spill to DIR; bytes.
	 * 0 = VG_REGBUILD_DEFAULT_BUDGET; at least VG_REGBUILD_MIN_BUDGET. */
	size_t memory_budget;
	/* Threads for sorting (0 = 2). */
	unsigned threads;
	/* The time recorded in the header and in file records without one
	 * (Unix seconds); 0 = time(NULL). Fixed for reproducible files. */
	int64_t now;
	/* Versions kept after a publish, the new one included: 1 = the new
	 * one only; 2 = also the one it replaces, for readers that still map
	 * it and for rollback (0 means 2, the default). keep_all keeps every
	 * version. Only registry-N.vgr files are ever removed. */
	unsigned keep;
	bool keep_all;
	/* Testing only: commit stops as if the process died at this step
	 * (VG_REGBUILD_CRASH_*), returning VG_EIO and leaving its files. */
	int crash_at;
} vg_regbuild_opts;

enum {
	VG_REGBUILD_CRASH_NONE = 0,
	VG_REGBUILD_CRASH_BEFORE_RENAME,  /* registry-N.vgr.tmp written and synced */
	VG_REGBUILD_CRASH_BEFORE_CURRENT, /* renamed to registry-N.vgr, CURRENT not yet */
};

/*
 * Starts building the next version of the registry in dir (created 0700 if
 * missing). Takes DIR/registry.lock (VG_EIO "another build is running" if
 * held), removes the *.tmp files an interrupted build left, opens the live
 * version if any (its key id must be key's) and copies its sources. opts
 * may be NULL. The key must outlive the builder.
 */
int vg_regbuild_begin(const char *dir, const vg_regkey *key, const vg_regbuild_opts *opts,
                      vg_regbuild **out, vg_err *err) VG_MUST_CHECK;

/* The live version the build merges into, or NULL (first build). */
const vg_registry *vg_regbuild_current(const vg_regbuild *b);

/*
 * The index of source `name` (found by exact name, or added), OR-ing flags
 * (VG_SOURCE_*) into it. Indexes are stable across versions. VG_EINVAL for
 * an empty or invalid name, VG_ETOOBIG past VG_SOURCE_MAX sources.
 */
int vg_regbuild_source(vg_regbuild *b, const char *name, unsigned flags, unsigned *index,
                       vg_err *err) VG_MUST_CHECK;

/*
 * Claims a file by fingerprint before ingesting it: 1 when the caller
 * should ingest it, 0 when it was ingested already (by the live version, or
 * recorded or claimed in this build). Two threads claiming the same
 * fingerprint: exactly one gets 1.
 */
int vg_regbuild_claim(vg_regbuild *b, const uint8_t fp[VG_FINGERPRINT_BYTES]);

/* One identifier exposed: its pseudonym, what was exposed with it, where. */
typedef struct vg_regentry {
	uint64_t key;     /* vg_regkey_prf() */
	uint16_t cats;    /* VG_CAT_BIT()s, within VG_CAT_ALL */
	uint16_t sources; /* bits of sources from vg_regbuild_source(); not 0 */
	uint8_t table;    /* vg_idtab */
} vg_regentry;

/*
 * Adds n entries. Duplicates (same table and key) are merged at commit by
 * OR-ing their bits, with each other and with the live version. May spill a
 * sorted run to DIR when the memory budget is reached (then this call takes
 * as long as the sort and the write). VG_EINVAL for an entry with an unknown
 * table, category or source bit (nothing of the batch is added); VG_EIO
 * when a spill fails (the build is then failed: commit returns the error).
 */
int vg_regbuild_add_batch(vg_regbuild *b, const vg_regentry *e, size_t n,
                          vg_err *err) VG_MUST_CHECK;

/*
 * A thread's own buckets (the ingest workers have one each): entries are
 * added without the builder's lock, and handed to the builder in bulk (a
 * link per bucket) when the local holds its share of the memory budget
 * (budget / 4 / of), when it needs memory past the budget (it then hands
 * over and spills), and at vg_regbuild_local_flush(). Same checks and same
 * result as vg_regbuild_add_batch(): the registry does not depend on how
 * entries were split between locals. `of` is how many locals add at the
 * same time. A local must be flushed or freed before commit or abort.
 */
typedef struct vg_regbuild_local vg_regbuild_local;
vg_regbuild_local *vg_regbuild_local_new(vg_regbuild *b, unsigned of);
int vg_regbuild_local_add(vg_regbuild_local *l, const vg_regentry *e, size_t n,
                          vg_err *err) VG_MUST_CHECK;
/* Hands everything the local holds to the builder. */
int vg_regbuild_local_flush(vg_regbuild_local *l, vg_err *err) VG_MUST_CHECK;
/* Frees the local; what it holds and was not flushed is dropped. */
void vg_regbuild_local_free(vg_regbuild_local *l);

/*
 * Records an ingested file and its counters (added to its source's
 * statistics). The fingerprint may have been claimed by this caller; a
 * fingerprint already recorded gives VG_EINVAL. The display name is passed
 * through vg_regfile_display_name(). A file whose ingest failed is not
 * recorded: the entries it added stay (they are true exposures and OR is
 * idempotent), and the next ingest reads it again. Standard input, which
 * can only be fingerprinted once read: ingest it, then add_file; VG_EINVAL
 * then means "already ingested", and its entries changed nothing.
 */
int vg_regbuild_add_file(vg_regbuild *b, const vg_regfile *f, vg_err *err) VG_MUST_CHECK;

/* What commit did. */
typedef struct vg_regbuild_result {
	bool published;      /* false: nothing new, the live version is unchanged */
	uint64_t generation; /* of the live version after the call */
	char path[4096];     /* its file */
	uint64_t added;      /* entries given to add_batch, duplicates included */
	uint64_t entries;    /* distinct entries in the live version */
	uint64_t entries_before;
	uint64_t table_entries[VG_IDTAB__COUNT];
	uint64_t file_len;
	unsigned runs; /* sorted runs spilled to disk */
	double sort_seconds, merge_seconds, seconds;
} vg_regbuild_result;

/*
 * Sorts, merges duplicates and the live version, writes
 * DIR/registry-N.vgr.tmp, fsyncs, renames it to registry-N.vgr, fsyncs DIR,
 * then replaces DIR/CURRENT the same way, and removes the versions opts.keep
 * does not keep. With nothing added and no file recorded, publishes nothing.
 * Frees b on every path. On error, the live version is untouched and the
 * temporary files are removed. res may be NULL.
 */
int vg_regbuild_commit(vg_regbuild *b, vg_regbuild_result *res, vg_err *err) VG_MUST_CHECK;

/* Discards the build: temporary files removed, the live version untouched. */
void vg_regbuild_abort(vg_regbuild *b);

#endif
