/*
 * store.c: reading a published password store (mmapped), lookups, and the
 * text of a range (HIBP's SUFFIX:COUNT lines), with padding.
 *
 * Open checks the invariants 1-3 of internal.h, so that a lookup or a
 * range is a bounds-checked slice without further checks: the index is
 * read once (4 MiB, about a millisecond) and found monotone, which makes
 * every bucket [index[p], index[p+1]) lie within the records.
 */
#define XXH_INLINE_ALL
#include "pwned/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

/* ------------------------------------------------------------ shared helpers */

uint64_t vgp_checksum(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

uint64_t vgp_header_checksum(const uint8_t *h)
{
	return XXH3_64bits(h, VGP_H_CHECKSUM);
}

void vgp_file_encode(const vg_pwned_file *f, uint8_t rec[VGP_FILE_REC])
{
	memset(rec, 0, VGP_FILE_REC);
	memcpy(rec + VGP_F_FP, f->fp, VG_PWNED_FP_BYTES);
	vgp_put64(rec + VGP_F_SIZE, f->size);
	vgp_put64(rec + VGP_F_LINES, f->lines);
	vgp_put64(rec + VGP_F_ACCEPTED, f->accepted);
	vgp_put64(rec + VGP_F_BAD, f->bad);
	vgp_put64(rec + VGP_F_TIME, (uint64_t)f->time);
	vgp_put32(rec + VGP_F_KIND, f->kind);
	size_t n = strnlen(f->name, VG_PWNED_FILE_NAME_MAX);
	vgp_put32(rec + VGP_F_NAME_LEN, (uint32_t)n);
	memcpy(rec + VGP_F_NAME, f->name, n);
}

void vgp_file_decode(const uint8_t rec[VGP_FILE_REC], vg_pwned_file *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->fp, rec + VGP_F_FP, VG_PWNED_FP_BYTES);
	f->size = vgp_get64(rec + VGP_F_SIZE);
	f->lines = vgp_get64(rec + VGP_F_LINES);
	f->accepted = vgp_get64(rec + VGP_F_ACCEPTED);
	f->bad = vgp_get64(rec + VGP_F_BAD);
	f->time = (int64_t)vgp_get64(rec + VGP_F_TIME);
	f->kind = vgp_get32(rec + VGP_F_KIND);
	uint32_t n = vgp_get32(rec + VGP_F_NAME_LEN);
	if (n > VG_PWNED_FILE_NAME_MAX)
		n = VG_PWNED_FILE_NAME_MAX;
	memcpy(f->name, rec + VGP_F_NAME, n);
	f->name[n] = '\0';
}

void vg_pwned_path(const char *dir, vg_pwned_mode m, char *out, size_t cap)
{
	snprintf(out, cap, "%s/passwords.%s", dir, vg_pwned_mode_name(m));
}

/* ------------------------------------------------------------ padding randomness */

/* xoshiro256** (Blackman and Vigna): padding needs speed and uniformity,
 * not secrecy (padding lines say count 0 in clear; what they hide is the
 * size of the bucket from whoever sees only the length of the response). */
typedef struct rng {
	uint64_t s[4];
} rng;

static _Thread_local rng rs;
static _Thread_local bool rs_seeded;

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng *g)
{
	uint64_t *st = g->s;
	uint64_t r = rotl(st[1] * 5, 7) * 9, t = st[1] << 17;
	st[2] ^= st[0];
	st[3] ^= st[1];
	st[1] ^= st[2];
	st[0] ^= st[3];
	st[2] ^= t;
	st[3] = rotl(st[3], 45);
	return r;
}

/* This thread's generator, seeded from the system on first use. */
static rng *rng_get(void)
{
	if (!rs_seeded) {
		do
			randombytes_buf(rs.s, sizeof(rs.s));
		while (!(rs.s[0] | rs.s[1] | rs.s[2] | rs.s[3]));
		rs_seeded = true;
	}
	return &rs;
}

uint64_t vgp_rand64(void)
{
	return rng_next(rng_get());
}

/* ------------------------------------------------------------ open */

/* Checks the mapped bytes: invariants 1-3. */
static int check(vg_pwned *p, vg_err *err)
{
	const uint8_t *h = p->base;
	const char *path = p->path;
	if (p->len < VGP_HEADER_LEN || memcmp(h, VGP_MAGIC, VGP_MAGIC_LEN) != 0)
		return vg_err_set(err, VG_ECORRUPT, "%s: not a vigie password store (bad magic)",
		                  path);
	uint32_t version = vgp_get32(h + VGP_H_VERSION);
	if (version != VGP_VERSION)
		return vg_err_set(err, VG_ECORRUPT,
		                  "%s: password store format version %u, this vigie reads %u", path,
		                  version, VGP_VERSION);
	if (vgp_get64(h + VGP_H_CHECKSUM) != vgp_header_checksum(h))
		return vg_err_set(err, VG_ECORRUPT, "%s: header checksum mismatch", path);
	uint32_t mode = vgp_get32(h + VGP_H_MODE);
	if (mode >= VG_PWNED__MODES)
		return vg_err_set(err, VG_ECORRUPT, "%s: unknown mode %u", path, mode);
	p->info.mode = (vg_pwned_mode)mode;
	p->tail = vgp_tail(p->info.mode);
	p->recsize = vgp_recsize(p->info.mode);
	if (vgp_get32(h + VGP_H_RECSIZE) != p->recsize || vgp_get32(h + VGP_H_FLAGS) != 0 ||
	    vgp_get64(h + VGP_H_RESERVED) != 0 || vgp_get32(h + VGP_H_RESERVED + 8) != 0)
		return vg_err_set(err, VG_ECORRUPT, "%s: bad record size or reserved fields", path);
	p->info.generation = vgp_get64(h + VGP_H_GENERATION);
	p->info.created = (int64_t)vgp_get64(h + VGP_H_CREATED);
	p->info.build_id = vgp_get64(h + VGP_H_BUILD_ID);
	p->info.entries = vgp_get64(h + VGP_H_ENTRIES);
	p->info.total = vgp_get64(h + VGP_H_TOTAL);
	p->info.nfiles = vgp_get64(h + VGP_H_NFILES);
	p->info.file_len = vgp_get64(h + VGP_H_FILE_LEN);
	p->info.max_bucket = vgp_get32(h + VGP_H_MAX_BUCKET);
	if (p->info.file_len != p->len)
		return vg_err_set(err, VG_ECORRUPT,
		                  "%s: truncated or extended: header says %llu bytes, file has %zu",
		                  path, (unsigned long long)p->info.file_len, p->len);
	if (p->info.entries > UINT32_MAX || p->info.nfiles > (1u << 24))
		return vg_err_set(err, VG_ECORRUPT, "%s: implausible entry or file count", path);
	uint64_t want = VGP_HEADER_LEN + VGP_INDEX_LEN + p->info.entries * p->recsize +
	                p->info.nfiles * VGP_FILE_REC;
	if (want != p->len)
		return vg_err_set(err, VG_ECORRUPT,
		                  "%s: section sizes (%llu bytes) do not match the file (%zu)",
		                  path, (unsigned long long)want, p->len);
	p->index = h + VGP_HEADER_LEN;
	p->records = p->index + VGP_INDEX_LEN;
	p->files = p->records + p->info.entries * p->recsize;
	uint32_t prev = vgp_index(p, 0), maxb = 0;
	if (prev != 0)
		return vg_err_set(err, VG_ECORRUPT, "%s: index does not start at 0", path);
	for (uint32_t i = 1; i <= VG_PWNED_PREFIXES; i++) {
		uint32_t v = vgp_index(p, i);
		if (v < prev)
			return vg_err_set(err, VG_ECORRUPT, "%s: index decreases at prefix %05X",
			                  path, i - 1);
		if (v - prev > maxb)
			maxb = v - prev;
		prev = v;
	}
	if (prev != p->info.entries || maxb != p->info.max_bucket)
		return vg_err_set(err, VG_ECORRUPT, "%s: index does not match the entry count",
		                  path);
	return 0;
}

int vg_pwned_open_file(const char *path, vg_pwned **out, vg_err *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", path,
		                  strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vg_err_set(err, VG_EIO, "%s: not a regular file", path);
	}
	vg_pwned *p = vg_xcalloc(1, sizeof(*p));
	p->fd = fd;
	snprintf(p->path, sizeof(p->path), "%s", path);
	p->len = (size_t)st.st_size;
	if (p->len >= VGP_HEADER_LEN) {
		void *m = mmap(NULL, p->len, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			int rc = vg_err_set(err, VG_EIO, "%s: mmap: %s", path, strerror(errno));
			close(fd);
			free(p);
			return rc;
		}
		p->base = m;
	}
	int rc = check(p, err);
	if (rc) {
		vg_pwned_close(p);
		return rc;
	}
	*out = p;
	return 0;
}

int vg_pwned_open(const char *dir, vg_pwned_mode m, vg_pwned **out, vg_err *err)
{
	char path[4200];
	vg_pwned_path(dir, m, path, sizeof(path));
	int rc = vg_pwned_open_file(path, out, err);
	if (rc == 0 && (*out)->info.mode != m) {
		vg_pwned_mode got = (*out)->info.mode;
		vg_pwned_close(*out);
		*out = NULL;
		return vg_err_set(err, VG_ECORRUPT, "%s: holds %s hashes, not %s", path,
		                  vg_pwned_mode_name(got), vg_pwned_mode_name(m));
	}
	return rc;
}

void vg_pwned_close(vg_pwned *p)
{
	if (!p)
		return;
	if (p->base)
		munmap((void *)p->base, p->len);
	close(p->fd);
	free(p);
}

const vg_pwned_info *vg_pwned_info_get(const vg_pwned *p)
{
	return &p->info;
}

void vg_pwned_file_get(const vg_pwned *p, uint64_t i, vg_pwned_file *out)
{
	vgp_file_decode(p->files + i * VGP_FILE_REC, out);
}

bool vg_pwned_has_file(const vg_pwned *p, const uint8_t fp[VG_PWNED_FP_BYTES])
{
	for (uint64_t i = 0; i < p->info.nfiles; i++)
		if (!memcmp(p->files + i * VGP_FILE_REC + VGP_F_FP, fp, VG_PWNED_FP_BYTES))
			return true;
	return false;
}

/* ------------------------------------------------------------ lookups */

uint64_t vg_pwned_bucket_size(const vg_pwned *p, uint32_t prefix)
{
	if (!p || prefix >= VG_PWNED_PREFIXES)
		return 0;
	return vgp_index(p, prefix + 1) - vgp_index(p, prefix);
}

uint32_t vg_pwned_lookup(const vg_pwned *p, const uint8_t *hash)
{
	uint32_t pre = vgp_prefix_of(hash);
	size_t lo = vgp_index(p, pre), hi = vgp_index(p, pre + 1);
	const uint8_t *key = hash + 2;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const uint8_t *r = p->records + mid * p->recsize;
		int c = memcmp(r, key, p->tail);
		if (c == 0)
			return vgp_get32(r + p->tail);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ------------------------------------------------------------ verify */

int vg_pwned_verify(const vg_pwned *p, vg_err *err)
{
	const uint8_t *h = p->base;
	if (vgp_checksum(p->index, VGP_INDEX_LEN) != vgp_get64(h + VGP_H_SUM_INDEX))
		return vg_err_set(err, VG_ECORRUPT, "%s: index checksum mismatch", p->path);
	size_t rl = (size_t)p->info.entries * p->recsize;
	if (vgp_checksum(p->records, rl) != vgp_get64(h + VGP_H_SUM_RECORDS))
		return vg_err_set(err, VG_ECORRUPT, "%s: records checksum mismatch", p->path);
	if (vgp_checksum(p->files, (size_t)p->info.nfiles * VGP_FILE_REC) !=
	    vgp_get64(h + VGP_H_SUM_FILES))
		return vg_err_set(err, VG_ECORRUPT, "%s: file records checksum mismatch", p->path);
	uint64_t total = 0;
	for (uint32_t pre = 0; pre < VG_PWNED_PREFIXES; pre++) {
		uint32_t a = vgp_index(p, pre), b = vgp_index(p, pre + 1);
		for (uint32_t i = a; i < b; i++) {
			const uint8_t *r = p->records + (size_t)i * p->recsize;
			if ((r[0] >> 4) != (pre & 15))
				return vg_err_set(err, VG_ECORRUPT,
				                  "%s: record %u is not in prefix %05X's bucket",
				                  p->path, i, pre);
			if (i > a && memcmp(r - p->recsize, r, p->tail) >= 0)
				return vg_err_set(err, VG_ECORRUPT,
				                  "%s: records out of order at record %u", p->path,
				                  i);
			uint32_t c = vgp_get32(r + p->tail);
			if (c == 0)
				return vg_err_set(err, VG_ECORRUPT, "%s: record %u has count 0",
				                  p->path, i);
			total += c;
		}
	}
	if (total != p->info.total)
		return vg_err_set(err, VG_ECORRUPT, "%s: counts add up to %llu, header says %llu",
		                  p->path, (unsigned long long)total,
		                  (unsigned long long)p->info.total);
	for (uint64_t i = 0; i < p->info.nfiles; i++) {
		const uint8_t *r = p->files + i * VGP_FILE_REC;
		if (vgp_get32(r + VGP_F_NAME_LEN) > VG_PWNED_FILE_NAME_MAX)
			return vg_err_set(err, VG_ECORRUPT, "%s: file record %llu: bad name length",
			                  p->path, (unsigned long long)i);
	}
	return 0;
}

/* ------------------------------------------------------------ range text */

size_t vg_pwned_pad_line_max(vg_pwned_mode m)
{
	return vg_pwned_suffix_hex(m) + 4; /* ":0\r\n" */
}

size_t vg_pwned_range_size(const vg_pwned *p, uint32_t prefix)
{
	if (!p)
		return 0;
	return (size_t)vg_pwned_bucket_size(p, prefix) * (vg_pwned_suffix_hex(p->info.mode) + 13);
}

static const char HX[] = "0123456789ABCDEF";

/* Writes the decimal digits of v at o; returns the new end. */
static inline char *put_u32(char *o, uint32_t v)
{
	char tmp[10];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*o++ = tmp[--n];
	return o;
}

/* "000102...FEFF": two hex digits per byte, one copy each. */
static const char HX2[513] = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
                             "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F"
                             "404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F"
                             "606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F"
                             "808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9F"
                             "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
                             "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
                             "E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";

/* A real record's line (without separator). */
static inline char *put_record(char *o, const uint8_t *r, size_t tail)
{
	*o++ = HX[r[0] & 15];
	for (size_t i = 1; i < tail; i++, o += 2)
		memcpy(o, HX2 + 2 * r[i], 2);
	*o++ = ':';
	return put_u32(o, vgp_get32(r + tail));
}

/* The first 32 bits of a record's suffix (the digits after the prefix). */
static inline uint32_t record_top32(const uint8_t *r)
{
	return (uint32_t)(r[0] & 15) << 28 | (uint32_t)r[1] << 20 | (uint32_t)r[2] << 12 |
	       (uint32_t)r[3] << 4 | (uint32_t)(r[4] >> 4);
}

/* Eight hex digits (uppercase) of the eight nibbles x holds, one a byte
 * (0 to 15), byte order kept: x + '0', and 7 more where the nibble is over
 * 9, all bytes at once (no carry crosses a byte: 15 + 6 < 256). */
static inline uint64_t hex8(uint64_t x)
{
	uint64_t over9 = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
	return x + 0x3030303030303030ull + over9 * 7;
}

/* The 8 hex digits of v, most significant first, as 8 bytes in memory
 * order (little-endian load/store). */
static inline uint64_t hex8_of_u32(uint32_t v)
{
	uint64_t x = v;
	x = (x | x << 16) & 0x0000FFFF0000FFFFull;
	x = (x | x << 8) & 0x00FF00FF00FF00FFull;
	x = (x | x << 4) & 0x0F0F0F0F0F0F0F0Full;
	/* byte k now holds nibble k (from the least significant), so on a
	 * little-endian machine the bytes go in reverse */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return hex8(x);
#else
	return hex8(__builtin_bswap64(x));
#endif
}

/* A padding line: top32 as the first 8 digits, random digits after, count
 * 0. The random digits come 16 from each 64-bit draw, converted 8 at a
 * time (their order does not matter), and stored 8 bytes at a time: with
 * room for 40 bytes at o, straight into the output (the bytes past the
 * line are overwritten next, or lie past the body's end), else through a
 * local line. */
#define PAD_WRITE 40 /* 8 + 2 * 16 >= the longest suffix, 35 */
static inline char *put_pad(rng *g, char *o, size_t room, uint32_t top, size_t hexlen)
{
	char line[PAD_WRITE];
	char *d = room >= PAD_WRITE ? o : line;
	uint64_t w = hex8_of_u32(top);
	memcpy(d, &w, 8);
	for (size_t at = 8; at < hexlen; at += 16) {
		uint64_t r = rng_next(g);
		uint64_t lo = hex8(r & 0x0F0F0F0F0F0F0F0Full);
		uint64_t hi = hex8((r >> 4) & 0x0F0F0F0F0F0F0F0Full);
		memcpy(d + at, &lo, 8);
		memcpy(d + at + 8, &hi, 8);
	}
	if (d == line)
		memcpy(o, line, hexlen);
	o += hexlen;
	*o++ = ':';
	*o++ = '0';
	return o;
}

/* A uniform draw in [0, n) for n <= 2^32 (multiply-shift: no division;
 * the bias, n / 2^32, is far below what padding cares about). */
static inline uint32_t draw_below(rng *g, uint64_t n)
{
	return (uint32_t)(((rng_next(g) >> 32) * n) >> 32);
}

size_t vg_pwned_range_text(const vg_pwned *p, vg_pwned_mode m, uint32_t prefix, unsigned pad,
                           char *out, size_t cap)
{
	size_t hexlen = vg_pwned_suffix_hex(m);
	size_t need = vg_pwned_range_size(p, prefix) + (size_t)pad * vg_pwned_pad_line_max(m);
	if (cap < need || prefix >= VG_PWNED_PREFIXES)
		return 0;
	const uint8_t *r = NULL;
	size_t n = 0, rsz = 0, tail = 0;
	if (p) {
		uint32_t a = vgp_index(p, prefix);
		n = vgp_index(p, prefix + 1) - a;
		rsz = p->recsize;
		tail = p->tail;
		r = p->records + (size_t)a * rsz;
	}
	char *o = out;
	if (!pad) {
		for (size_t i = 0; i < n; i++, r += rsz) {
			if (i) {
				*o++ = '\r';
				*o++ = '\n';
			}
			o = put_record(o, r, tail);
		}
		return (size_t)(o - out);
	}
	/* padding suffixes are stratified: the i-th falls in the i-th of pad
	 * equal slices of the 32-bit top, so they come out sorted and merge
	 * with the records in one pass */
	rng g = *rng_get(); /* a local copy, kept in registers */
	uint64_t slice = ((uint64_t)1 << 32) / pad;
	size_t i = 0;
	unsigned k = 0;
	uint32_t ptop = (uint32_t)(slice * k + draw_below(&g, slice));
	bool first = true;
	while (i < n || k < pad) {
		if (!first) {
			*o++ = '\r';
			*o++ = '\n';
		}
		first = false;
		if (k >= pad || (i < n && record_top32(r) <= ptop)) {
			o = put_record(o, r, tail);
			r += rsz;
			i++;
		} else {
			o = put_pad(&g, o, (size_t)(out + cap - o), ptop, hexlen);
			if (++k < pad)
				ptop = (uint32_t)(slice * k + draw_below(&g, slice));
		}
	}
	*rng_get() = g;
	return (size_t)(o - out);
}
