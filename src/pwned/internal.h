/*
 * pwned/internal.h: the password store file format, version 1, and what
 * the reader, the builder, the handler and the export share. Not a public
 * header; docs/passwords.md describes the same layout for people.
 *
 * A store file (little-endian):
 *   header   128 bytes (fields below)
 *   index    VG_PWNED_PREFIXES + 1 u32: index[p] is the first record of
 *            prefix p's bucket, index[VG_PWNED_PREFIXES] = entries
 *   records  entries * record size: the hash without its first two bytes
 *            (18 bytes SHA-1, 14 NTLM), then the count (u32); sorted by hash
 *   files    nfiles * 128-byte file records
 *
 * Invariants of a valid file (checked on open unless marked "verify"):
 *   1. magic, version 1, mode 0 or 1, record size of the mode, header
 *      checksum, reserved fields zero;
 *   2. file_len is the file's size and the sum of the sections' sizes;
 *   3. index[0] = 0, index non-decreasing, index[PREFIXES] = entries,
 *      entries <= UINT32_MAX; max_bucket is the largest bucket;
 *   4. (verify) the checksums of index, records and files match;
 *   5. (verify) within a bucket the records are strictly increasing, the
 *      high nibble of their first byte is the prefix's last digit, counts
 *      are >= 1; the counts add up to total.
 */
#ifndef VIGIE_PWNED_INTERNAL_H
#define VIGIE_PWNED_INTERNAL_H

#include "vigie/pwned.h"

#include <stdint.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the password store maps little-endian arrays directly: little-endian hosts only"
#endif

#define VGP_MAGIC "\x89VGP\r\n\x1a\n"
#define VGP_MAGIC_LEN 8
#define VGP_VERSION 1u
#define VGP_HEADER_LEN 128u
#define VGP_INDEX_LEN ((uint64_t)(VG_PWNED_PREFIXES + 1) * 4u)
#define VGP_FILE_REC 128u

/* Header fields. */
#define VGP_H_MAGIC 0
#define VGP_H_VERSION 8
#define VGP_H_MODE 12
#define VGP_H_RECSIZE 16
#define VGP_H_FLAGS 20
#define VGP_H_GENERATION 24
#define VGP_H_CREATED 32
#define VGP_H_BUILD_ID 40
#define VGP_H_ENTRIES 48
#define VGP_H_TOTAL 56
#define VGP_H_NFILES 64
#define VGP_H_FILE_LEN 72
#define VGP_H_SUM_INDEX 80
#define VGP_H_SUM_RECORDS 88
#define VGP_H_SUM_FILES 96
#define VGP_H_MAX_BUCKET 104
#define VGP_H_RESERVED 108 /* to 120, zero */
#define VGP_H_CHECKSUM 120 /* XXH3-64 of bytes 0..120 */

/* File record fields. */
#define VGP_F_FP 0
#define VGP_F_SIZE 32
#define VGP_F_LINES 40
#define VGP_F_ACCEPTED 48
#define VGP_F_BAD 56
#define VGP_F_TIME 64
#define VGP_F_KIND 72
#define VGP_F_NAME_LEN 76
#define VGP_F_NAME 80 /* to 128 */

/* Stored bytes of a hash (without the first two) and record size. */
static inline size_t vgp_tail(vg_pwned_mode m)
{
	return vg_pwned_hash_bytes(m) - 2;
}
static inline size_t vgp_recsize(vg_pwned_mode m)
{
	return vgp_tail(m) + 4;
}

static inline uint32_t vgp_get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static inline uint64_t vgp_get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}
static inline void vgp_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}
static inline void vgp_put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* The prefix (first 20 bits) of a hash. */
static inline uint32_t vgp_prefix_of(const uint8_t *h)
{
	return ((uint32_t)h[0] << 12) | ((uint32_t)h[1] << 4) | (h[2] >> 4);
}

/* Saturating addition of counts. */
static inline uint32_t vgp_add_count(uint32_t a, uint32_t b)
{
	uint64_t s = (uint64_t)a + b;
	return s > VG_PWNED_COUNT_MAX ? VG_PWNED_COUNT_MAX : (uint32_t)s;
}

/* The reader's state. */
struct vg_pwned {
	int fd;
	const uint8_t *base;
	size_t len;
	char path[4200];
	vg_pwned_info info;
	size_t recsize, tail;
	const uint8_t *index; /* (PREFIXES + 1) u32, unaligned-safe reads */
	const uint8_t *records;
	const uint8_t *files;
};

static inline uint32_t vgp_index(const vg_pwned *p, uint32_t i)
{
	return vgp_get32(p->index + 4 * (size_t)i);
}

/* XXH3-64 of a byte range. */
uint64_t vgp_checksum(const void *p, size_t n);
/* Header checksum: XXH3-64 of header[0..VGP_H_CHECKSUM). */
uint64_t vgp_header_checksum(const uint8_t *h);
/* Encodes / decodes a file record. */
void vgp_file_encode(const vg_pwned_file *f, uint8_t rec[VGP_FILE_REC]);
void vgp_file_decode(const uint8_t rec[VGP_FILE_REC], vg_pwned_file *f);

/* Small I/O helpers (build.c): 0 or -1 with errno. */

/* A fast non-cryptographic generator for padding (xoshiro256**), seeded
 * from libsodium per thread. */
uint64_t vgp_rand64(void);

#endif
