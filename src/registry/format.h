/*
 * registry/format.h: the registry file format, version 1, and the internals
 * shared by the reader, the builder and the fuzz target. Not a public
 * header. docs/registry.md describes the same layout for people; keep the
 * two in step.
 *
 * Invariants of a valid file (checked on open unless marked "verify"):
 *   1. The file starts with VGR_MAGIC and format version VGR_VERSION.
 *   2. header_len = VGR_HEADER_FIXED + VGR_NSECTIONS * VGR_SECTION_SIZE
 *      and the header checksum matches.
 *   3. file_len in the header is the file's size.
 *   4. The section table lists, in this order: keys of tables 0..4,
 *      payloads of tables 0..4, sources, stats, files. Each section starts
 *      at a multiple of 8 at or after header_len, ends within the file,
 *      does not overlap another, and its length is count * element size.
 *   5. keys[t].count == payloads[t].count; entries = sum of counts.
 *   6. Sources: at most VG_SOURCE_MAX, names valid and distinct.
 *   7. Stats: nsources, VG_CAT__COUNT and VG_IDTAB__COUNT in its first
 *      words, then exactly the counters they imply.
 *   8. Files: each record's source < nsources, its name valid.
 *   9. (verify) Each section's XXH3-64 checksum matches.
 *  10. (verify) Keys strictly increasing in each table; payload bits within
 *      VG_CAT_ALL and the sources; cats and sources not 0.
 *  11. (verify) The stats block agrees with the tables and file records.
 */
#ifndef VIGIE_REGISTRY_FORMAT_H
#define VIGIE_REGISTRY_FORMAT_H

#include "vigie/registry.h"

#include <stdint.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the registry reader maps little-endian arrays directly: little-endian hosts only"
#endif

#define VGR_MAGIC "\x89VGR\r\n\x1a\n" /* PNG-style: catches text-mode transfers */
#define VGR_MAGIC_LEN 8
#define VGR_VERSION 1u
#define VGR_HEADER_FIXED 128u
#define VGR_SECTION_SIZE 64u
#define VGR_NSECTIONS ((unsigned)VG_REGISTRY_SECTIONS)
#define VGR_HEADER_LEN (VGR_HEADER_FIXED + VGR_NSECTIONS * VGR_SECTION_SIZE)
#define VGR_ALIGN 64u /* sections start on cache lines (8 is what the reader needs) */

/* Header field offsets. */
#define VGR_H_MAGIC 0
#define VGR_H_VERSION 8
#define VGR_H_HEADER_LEN 12
#define VGR_H_NSECTIONS 16
#define VGR_H_FLAGS 20
#define VGR_H_KEY_ID 24
#define VGR_H_GENERATION 32
#define VGR_H_CREATED 40
#define VGR_H_FILE_LEN 48
#define VGR_H_ENTRIES 56
#define VGR_H_CHECKSUM 64
#define VGR_H_RESERVED 72 /* to 128, zero */

/* Section record field offsets. */
#define VGR_S_TYPE 0
#define VGR_S_ARG 4
#define VGR_S_OFFSET 8
#define VGR_S_LENGTH 16
#define VGR_S_COUNT 24
#define VGR_S_CHECKSUM 32
#define VGR_S_RESERVED 40 /* to 64, zero */

enum {
	VGR_SEC_KEYS = 1,
	VGR_SEC_PAYLOADS = 2,
	VGR_SEC_SOURCES = 3,
	VGR_SEC_STATS = 4,
	VGR_SEC_FILES = 5
};

/* Index in the section table. */
#define VGR_IDX_KEYS(t) (t)
#define VGR_IDX_PAYLOADS(t) (VG_IDTAB__COUNT + (t))
#define VGR_IDX_SOURCES (2 * VG_IDTAB__COUNT)
#define VGR_IDX_STATS (2 * VG_IDTAB__COUNT + 1)
#define VGR_IDX_FILES (2 * VG_IDTAB__COUNT + 2)

/* Source record: u32 flags, u32 name_len, name[56] zero-padded. */
#define VGR_SOURCE_REC 64u
#define VGR_SOURCE_NAME_CAP 56u
/* File record: fingerprint[32], u64 size, rows_read, rows_accepted,
 * rows_rejected, i64 time, u32 source, u32 name_len, name[48]. */
#define VGR_FILE_REC 128u
#define VGR_F_FP 0
#define VGR_F_SIZE 32
#define VGR_F_READ 40
#define VGR_F_ACCEPTED 48
#define VGR_F_REJECTED 56
#define VGR_F_TIME 64
#define VGR_F_SOURCE 72
#define VGR_F_NAME_LEN 76
#define VGR_F_NAME 80
#define VGR_FILE_NAME_CAP 48u

/* Stats block: u64 words. */
#define VGR_ST_HEAD 4   /* nsources, ncats, ntables, 0 */
#define VGR_ST_TOTALS 6 /* rows_read, accepted, rejected, files, entries, 0 */
#define VGR_ST_SOURCE_WORDS (4 + VG_CAT__COUNT)
#define VGR_ST_TABLE_WORDS(ns) (2 + VG_CAT__COUNT + (ns))
static inline uint64_t vgr_stats_words(unsigned ns)
{
	return VGR_ST_HEAD + VGR_ST_TOTALS + VG_CAT__COUNT + (uint64_t)ns * VGR_ST_SOURCE_WORDS +
	       (uint64_t)VG_IDTAB__COUNT * VGR_ST_TABLE_WORDS(ns);
}

/* Payload: cats in the low 16 bits, sources in the high 16. */
static inline uint32_t vgr_payload(uint16_t cats, uint16_t sources)
{
	return (uint32_t)cats | ((uint32_t)sources << 16);
}

static inline uint32_t vgr_get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t vgr_get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline void vgr_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void vgr_put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static inline uint64_t vgr_align(uint64_t off)
{
	return (off + VGR_ALIGN - 1) & ~(uint64_t)(VGR_ALIGN - 1);
}

/* The header checksum: XXH3-64 of header[0..header_len) with the checksum
 * field read as zero. header_len must be VGR_HEADER_LEN. */
uint64_t vgr_header_checksum(const uint8_t *header);

/* XXH3-64 of a byte range (a section's checksum). */
uint64_t vgr_checksum(const void *p, size_t n);

/* Whether s[0..n) is valid UTF-8 without control characters or NUL. */
bool vgr_text_ok(const char *s, size_t n);

/* The section's name ("keys.email", ...), for messages and info. */
void vgr_section_name(unsigned idx, char *out, size_t cap);

/* ------------------------------------------------------------ the reader's state */

struct vg_registry {
	int fd;              /* -1 for vg_registry_open_mem() */
	const uint8_t *base; /* the mapped file */
	size_t len;
	bool mapped;
	char path[4096];
	const vg_regkey *key;
	uint32_t version;
	uint8_t key_id[8];
	uint64_t generation;
	int64_t created;
	uint64_t entries;
	uint64_t header_checksum;
	struct {
		uint64_t offset, length, count, checksum;
	} sec[VG_REGISTRY_SECTIONS];
	const uint64_t *keys[VG_IDTAB__COUNT];
	const uint32_t *pay[VG_IDTAB__COUNT];
	uint64_t n[VG_IDTAB__COUNT];
	vg_regsource src[VG_SOURCE_MAX];
	unsigned nsrc;
	const uint8_t *files; /* nfiles records of VGR_FILE_REC bytes */
	uint64_t nfiles;
	vg_registry_stats stats;
};

/*
 * Folds histograms of payload halves into per-bit counts: hc[v] counts the
 * entries whose categories are v (VG_CAT_ALL + 1 values), hs[v] those whose
 * sources are v (1 << nsrc values).
 */
#define VGR_HC_SIZE ((size_t)VG_CAT_ALL + 1)
void vgr_fold(const uint64_t *hc, const uint64_t *hs, unsigned nsrc, uint16_t special,
              uint64_t with_cat[VG_CAT__COUNT], uint64_t in_source[VG_SOURCE_MAX],
              uint64_t *in_special);

/* ------------------------------------------------------------ sorting (sort.c) */

/* An entry in the builder's memory and in spilled runs: 12 bytes. */
typedef struct __attribute__((packed)) vgr_ent {
	uint64_t key;
	uint32_t pay;
} vgr_ent;
_Static_assert(sizeof(vgr_ent) == 12, "vgr_ent is 12 bytes");

/*
 * Sorts a[0..n) by key, using tmp (n entries) as scratch; only the low
 * `bits` bits of the keys may differ (56 inside a builder bucket, 64 in
 * general). counts is scratch for (1 << VGR_SORT_BITS) + 1 counters, or
 * NULL to allocate it. Returns the array holding the result: a or tmp.
 * See sort.c for the method.
 */
#define VGR_SORT_BITS 16
vgr_ent *vgr_sort(vgr_ent *a, vgr_ent *tmp, size_t n, unsigned bits, uint32_t *counts);

/* A piece of an array of entries. */
typedef struct vgr_seg {
	const vgr_ent *e;
	size_t n;
} vgr_seg;

/*
 * vgr_sort() of the entries of seg[0..nseg) (n in all, left as they are),
 * without first gathering them: the result is in a or tmp (returned), both
 * of n entries; counts must not be NULL.
 */
vgr_ent *vgr_sort_segs(const vgr_seg *seg, size_t nseg, size_t n, vgr_ent *a, vgr_ent *tmp,
                       unsigned bits, uint32_t *counts);

/* Merges runs of equal keys of a sorted a[0..n) by OR-ing their payloads,
 * in place; returns the new count. */
size_t vgr_dedup(vgr_ent *a, size_t n);

/* Key id of a key, 8 raw bytes. */
void vgr_key_id_bytes(const vg_regkey *k, uint8_t out[8]);
/* The pseudonym PRF through libsodium (crypto_shorthash_siphash24): what
 * vg_regkey_prf() computes inline; the tests compare the two. */
uint64_t vgr_prf_sodium(const vg_regkey *k, vg_idtab t, const void *s, size_t n);
/* Writes 8 bytes as 16 lowercase hex characters and a NUL. */
void vgr_hex8(const uint8_t in[8], char out[17]);

#endif
