/*
 * reader.c: opening a registry version (mmap), validating it, lookups,
 * verify, info.
 *
 * The file is hostile input. Open checks the structure, in O(header +
 * sources + files): after it, every pointer into the mapping that the
 * rest of the code uses is in bounds, so lookups need no check at all.
 * What takes a pass over the data (checksums, sort order, counters) is
 * vg_registry_verify()'s job. A lookup in a table whose data is damaged
 * but whose bounds are right may answer wrongly; it still terminates and
 * stays in bounds (see search()).
 *
 * The file must not change while mapped: versions are immutable, written
 * to a temporary name and renamed; only a third party truncating the file
 * could fault the mapping (SIGBUS), which docs/registry.md lists among the
 * threats the file format does not address.
 */
#include "registry/format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ validation */

/* Element size of section idx. */
static uint64_t elem_size(unsigned idx)
{
	if (idx < VG_IDTAB__COUNT)
		return 8;
	if (idx < 2 * VG_IDTAB__COUNT)
		return 4;
	if (idx == VGR_IDX_SOURCES)
		return VGR_SOURCE_REC;
	if (idx == VGR_IDX_STATS)
		return 8;
	return VGR_FILE_REC;
}

/* Expected type and argument of section idx. */
static void expected_type(unsigned idx, uint32_t *type, uint32_t *arg)
{
	*arg = 0;
	if (idx < VG_IDTAB__COUNT) {
		*type = VGR_SEC_KEYS;
		*arg = idx;
	} else if (idx < 2 * VG_IDTAB__COUNT) {
		*type = VGR_SEC_PAYLOADS;
		*arg = idx - VG_IDTAB__COUNT;
	} else if (idx == VGR_IDX_SOURCES) {
		*type = VGR_SEC_SOURCES;
	} else if (idx == VGR_IDX_STATS) {
		*type = VGR_SEC_STATS;
	} else {
		*type = VGR_SEC_FILES;
	}
}

/* Whether p[0..n) is all zero bytes. */
static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* A VG_ECORRUPT error prefixed with the file's name. */
static int corrupt(const vg_registry *r, vg_err *err, const char *fmt, ...) VG_PRINTF(3, 4);

static int corrupt(const vg_registry *r, vg_err *err, const char *fmt, ...)
{
	if (err) {
		char m[400];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(m, sizeof(m), fmt, ap);
		va_end(ap);
		vg_err_set(err, VG_ECORRUPT, "%s: %s", r->path[0] ? r->path : "registry", m);
	}
	return VG_ECORRUPT;
}

/* Reads the header and section table. */
static int parse_header(vg_registry *r, vg_err *err)
{
	const uint8_t *h = r->base;
	if (r->len < VGR_HEADER_FIXED)
		return corrupt(r, err, "truncated: %zu bytes, a registry header needs at least %u",
		               r->len, VGR_HEADER_FIXED);
	if (memcmp(h, VGR_MAGIC, VGR_MAGIC_LEN) != 0)
		return corrupt(r, err, "not a vigie registry file (bad magic number)");
	r->version = vgr_get32(h + VGR_H_VERSION);
	if (r->version != VGR_VERSION)
		return corrupt(r, err, "format version %u; this vigie reads version %u", r->version,
		               VGR_VERSION);
	uint32_t hlen = vgr_get32(h + VGR_H_HEADER_LEN);
	uint32_t nsec = vgr_get32(h + VGR_H_NSECTIONS);
	if (hlen != VGR_HEADER_LEN || nsec != VGR_NSECTIONS)
		return corrupt(r, err,
		               "header length %u with %u sections; version 1 has %u bytes and "
		               "%u sections",
		               hlen, nsec, VGR_HEADER_LEN, VGR_NSECTIONS);
	if (r->len < VGR_HEADER_LEN)
		return corrupt(r, err, "truncated: %zu bytes, the header alone needs %u", r->len,
		               VGR_HEADER_LEN);
	r->header_checksum = vgr_get64(h + VGR_H_CHECKSUM);
	uint64_t sum = vgr_header_checksum(h);
	if (sum != r->header_checksum)
		return corrupt(r, err,
		               "header checksum mismatch (stored %016llx, computed %016llx): the "
		               "header is damaged",
		               (unsigned long long)r->header_checksum, (unsigned long long)sum);
	if (vgr_get32(h + VGR_H_FLAGS) != 0)
		return corrupt(r, err, "unknown header flags %08x", vgr_get32(h + VGR_H_FLAGS));
	if (!all_zero(h + VGR_H_RESERVED, VGR_HEADER_FIXED - VGR_H_RESERVED))
		return corrupt(r, err, "reserved header bytes are not zero");
	uint64_t flen = vgr_get64(h + VGR_H_FILE_LEN);
	if (flen != r->len)
		return corrupt(r, err, "%s: the header says %llu bytes, the file has %zu",
		               flen > r->len ? "truncated" : "trailing bytes",
		               (unsigned long long)flen, r->len);
	memcpy(r->key_id, h + VGR_H_KEY_ID, 8);
	r->generation = vgr_get64(h + VGR_H_GENERATION);
	r->created = (int64_t)vgr_get64(h + VGR_H_CREATED);
	r->entries = vgr_get64(h + VGR_H_ENTRIES);

	for (unsigned i = 0; i < VGR_NSECTIONS; i++) {
		const uint8_t *s = h + VGR_HEADER_FIXED + (size_t)i * VGR_SECTION_SIZE;
		char name[24];
		vgr_section_name(i, name, sizeof(name));
		uint32_t type, arg;
		expected_type(i, &type, &arg);
		if (vgr_get32(s + VGR_S_TYPE) != type || vgr_get32(s + VGR_S_ARG) != arg)
			return corrupt(r, err, "section %u has type %u/%u, expected %s (%u/%u)", i,
			               vgr_get32(s + VGR_S_TYPE), vgr_get32(s + VGR_S_ARG), name,
			               type, arg);
		if (!all_zero(s + VGR_S_RESERVED, VGR_SECTION_SIZE - VGR_S_RESERVED))
			return corrupt(r, err, "section %s: reserved bytes are not zero", name);
		uint64_t off = vgr_get64(s + VGR_S_OFFSET);
		uint64_t len = vgr_get64(s + VGR_S_LENGTH);
		uint64_t count = vgr_get64(s + VGR_S_COUNT);
		uint64_t es = elem_size(i);
		if (off % 8 != 0)
			return corrupt(r, err, "section %s: offset %llu is not a multiple of 8",
			               name, (unsigned long long)off);
		if (off < VGR_HEADER_LEN)
			return corrupt(r, err, "section %s: offset %llu is inside the header", name,
			               (unsigned long long)off);
		if (off > r->len || len > r->len - off)
			return corrupt(r, err,
			               "section %s: bytes %llu..%llu are past the end of the file "
			               "(%zu bytes): truncated",
			               name, (unsigned long long)off,
			               (unsigned long long)(off + (len > r->len ? r->len : len)),
			               r->len);
		if (count > len / es || count * es != len)
			return corrupt(r, err,
			               "section %s: %llu bytes do not hold %llu elements of %llu "
			               "bytes",
			               name, (unsigned long long)len, (unsigned long long)count,
			               (unsigned long long)es);
		r->sec[i].offset = off;
		r->sec[i].length = len;
		r->sec[i].count = count;
		r->sec[i].checksum = vgr_get64(s + VGR_S_CHECKSUM);
	}
	/* no two non-empty sections overlap */
	for (unsigned i = 0; i < VGR_NSECTIONS; i++)
		for (unsigned j = i + 1; j < VGR_NSECTIONS; j++) {
			uint64_t a0 = r->sec[i].offset, a1 = a0 + r->sec[i].length;
			uint64_t b0 = r->sec[j].offset, b1 = b0 + r->sec[j].length;
			if (a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1) {
				char n1[24], n2[24];
				vgr_section_name(i, n1, sizeof(n1));
				vgr_section_name(j, n2, sizeof(n2));
				return corrupt(r, err, "sections %s and %s overlap", n1, n2);
			}
		}
	uint64_t total = 0;
	for (unsigned t = 0; t < VG_IDTAB__COUNT; t++) {
		uint64_t nk = r->sec[VGR_IDX_KEYS(t)].count, np = r->sec[VGR_IDX_PAYLOADS(t)].count;
		if (nk != np)
			return corrupt(r, err, "table %s has %llu keys but %llu payloads",
			               vg_idtab_name((vg_idtab)t), (unsigned long long)nk,
			               (unsigned long long)np);
		r->n[t] = nk;
		r->keys[t] =
		    (const uint64_t *)(const void *)(r->base + r->sec[VGR_IDX_KEYS(t)].offset);
		r->pay[t] =
		    (const uint32_t *)(const void *)(r->base + r->sec[VGR_IDX_PAYLOADS(t)].offset);
		total += nk;
	}
	if (total != r->entries)
		return corrupt(r, err, "the header counts %llu entries, the tables hold %llu",
		               (unsigned long long)r->entries, (unsigned long long)total);
	return 0;
}

/* Reads the sources section. */
static int parse_sources(vg_registry *r, vg_err *err)
{
	uint64_t n = r->sec[VGR_IDX_SOURCES].count;
	if (n > VG_SOURCE_MAX)
		return corrupt(r, err, "%llu sources; a registry holds at most %d",
		               (unsigned long long)n, VG_SOURCE_MAX);
	r->nsrc = (unsigned)n;
	const uint8_t *p = r->base + r->sec[VGR_IDX_SOURCES].offset;
	for (unsigned i = 0; i < r->nsrc; i++, p += VGR_SOURCE_REC) {
		uint32_t flags = vgr_get32(p), len = vgr_get32(p + 4);
		if (flags & ~(uint32_t)VG_SOURCE_SPECIAL)
			return corrupt(r, err, "source %u: unknown flags %08x", i, flags);
		if (len == 0 || len > VG_SOURCE_NAME_MAX)
			return corrupt(r, err, "source %u: name length %u out of 1..%d", i, len,
			               VG_SOURCE_NAME_MAX);
		const char *name = (const char *)p + 8;
		if (!vgr_text_ok(name, len) || !all_zero(p + 8 + len, VGR_SOURCE_NAME_CAP - len))
			return corrupt(r, err, "source %u: name is not valid text", i);
		for (unsigned j = 0; j < i; j++)
			if (strlen(r->src[j].name) == len && !memcmp(r->src[j].name, name, len))
				return corrupt(r, err, "sources %u and %u have the same name", j,
				               i);
		memcpy(r->src[i].name, name, len);
		r->src[i].name[len] = '\0';
		r->src[i].flags = flags;
	}
	return 0;
}

/* Reads the statistics block into r->stats. */
static int parse_stats(vg_registry *r, vg_err *err)
{
	const uint8_t *p = r->base + r->sec[VGR_IDX_STATS].offset;
	uint64_t words = r->sec[VGR_IDX_STATS].count;
	if (words < VGR_ST_HEAD)
		return corrupt(r, err, "statistics block too short (%llu words)",
		               (unsigned long long)words);
	uint64_t ns = vgr_get64(p), nc = vgr_get64(p + 8), nt = vgr_get64(p + 16);
	if (ns != r->nsrc || nc != VG_CAT__COUNT || nt != VG_IDTAB__COUNT || vgr_get64(p + 24) != 0)
		return corrupt(r, err,
		               "statistics block for %llu sources, %llu categories, %llu tables; "
		               "expected %u, %d, %d",
		               (unsigned long long)ns, (unsigned long long)nc,
		               (unsigned long long)nt, r->nsrc, VG_CAT__COUNT, VG_IDTAB__COUNT);
	if (words != vgr_stats_words(r->nsrc))
		return corrupt(r, err, "statistics block has %llu words, expected %llu",
		               (unsigned long long)words,
		               (unsigned long long)vgr_stats_words(r->nsrc));
	vg_registry_stats *st = &r->stats;
	memset(st, 0, sizeof(*st));
	st->nsources = r->nsrc;
	const uint8_t *w = p + 8 * VGR_ST_HEAD;
#define NEXT() (w += 8, vgr_get64(w - 8))
	st->rows_read = NEXT();
	st->rows_accepted = NEXT();
	st->rows_rejected = NEXT();
	st->files = NEXT();
	st->entries = NEXT();
	if (NEXT() != 0)
		return corrupt(r, err, "statistics block: reserved word is not zero");
	for (int c = 0; c < VG_CAT__COUNT; c++)
		st->rows_with[c] = NEXT();
	for (unsigned s = 0; s < r->nsrc; s++) {
		vg_regstats_source *so = &st->source[s];
		so->rows_read = NEXT();
		so->rows_accepted = NEXT();
		so->rows_rejected = NEXT();
		so->files = NEXT();
		for (int c = 0; c < VG_CAT__COUNT; c++)
			so->rows_with[c] = NEXT();
	}
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		vg_regstats_table *ta = &st->table[t];
		ta->entries = NEXT();
		ta->in_special = NEXT();
		for (int c = 0; c < VG_CAT__COUNT; c++)
			ta->with_cat[c] = NEXT();
		for (unsigned s = 0; s < r->nsrc; s++)
			ta->in_source[s] = NEXT();
	}
#undef NEXT
	return 0;
}

/* Checks the file records' sources and names. */
static int parse_files(vg_registry *r, vg_err *err)
{
	r->nfiles = r->sec[VGR_IDX_FILES].count;
	r->files = r->base + r->sec[VGR_IDX_FILES].offset;
	for (uint64_t i = 0; i < r->nfiles; i++) {
		const uint8_t *f = r->files + i * VGR_FILE_REC;
		uint32_t src = vgr_get32(f + VGR_F_SOURCE), len = vgr_get32(f + VGR_F_NAME_LEN);
		if (src >= r->nsrc)
			return corrupt(r, err, "file record %llu: source %u of %u",
			               (unsigned long long)i, src, r->nsrc);
		if (len > VG_REGFILE_NAME_MAX || !vgr_text_ok((const char *)f + VGR_F_NAME, len) ||
		    !all_zero(f + VGR_F_NAME + len, VGR_FILE_NAME_CAP - len))
			return corrupt(r, err, "file record %llu: name is not valid text",
			               (unsigned long long)i);
	}
	return 0;
}

/* Validates the whole structure and the key. */
static int parse(vg_registry *r, const vg_regkey *key, vg_err *err)
{
	int rc = parse_header(r, err);
	if (!rc)
		rc = parse_sources(r, err);
	if (!rc)
		rc = parse_stats(r, err);
	if (!rc)
		rc = parse_files(r, err);
	if (rc)
		return rc;
	if (key) {
		uint8_t id[8];
		vgr_key_id_bytes(key, id);
		if (memcmp(id, r->key_id, 8) != 0) {
			char have[17];
			vgr_hex8(r->key_id, have);
			return vg_err_set(err, VG_EINVAL,
			                  "%s: this registry was built with key id %s, but the key "
			                  "given has id %s: wrong key",
			                  r->path[0] ? r->path : "registry", have,
			                  vg_regkey_id(key));
		}
		r->key = key;
	}
	return 0;
}

/* ------------------------------------------------------------ open, close */

int vg_registry_open_mem(const void *buf, size_t len, const vg_regkey *key, vg_registry **out,
                         vg_err *err)
{
	*out = NULL;
	if ((uintptr_t)buf % 8 != 0)
		return vg_err_set(err, VG_EINVAL, "registry buffer is not 8-byte aligned");
	vg_registry *r = vg_xcalloc(1, sizeof(*r));
	r->fd = -1;
	r->base = buf;
	r->len = len;
	int rc = parse(r, key, err);
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int vg_registry_open(const char *path, const vg_regkey *key, unsigned flags, vg_registry **out,
                     vg_err *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO,
		                  "cannot open registry %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vg_err_set(err, VG_EIO, "%s: not a regular file", path);
	}
	vg_registry *r = vg_xcalloc(1, sizeof(*r));
	r->fd = fd;
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->len = (size_t)st.st_size;
	if (r->len == 0) {
		int rc = corrupt(r, err, "empty file (0 bytes)");
		vg_registry_close(r);
		return rc;
	}
	int mflags = MAP_SHARED;
#ifdef MAP_POPULATE
	if (flags & VG_REGISTRY_POPULATE)
		mflags |= MAP_POPULATE;
#endif
	void *m = mmap(NULL, r->len, PROT_READ, mflags, fd, 0);
	if (m == MAP_FAILED) {
		int rc =
		    vg_err_set(err, VG_EIO, "cannot map registry %s: %s", path, strerror(errno));
		r->len = 0;
		vg_registry_close(r);
		return rc;
	}
	r->base = m;
	r->mapped = true;
	if (!(flags & VG_REGISTRY_POPULATE))
		madvise(m, r->len, MADV_RANDOM); /* lookups touch a few pages each */
	int rc = parse(r, key, err);
	if (rc) {
		vg_registry_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* Reads DIR/CURRENT into name; VG_ENOTFOUND when there is none. */
static int read_current(const char *dir, char *name, size_t cap, vg_err *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/CURRENT", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return vg_err_set(
			    err, VG_ENOTFOUND,
			    "no registry in %s yet (no CURRENT file): run vigie ingest "
			    "first",
			    dir);
		return vg_err_set(err, VG_EIO, "cannot open %s: %s", path, strerror(errno));
	}
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return vg_err_set(err, VG_EIO, "cannot read %s: %s", path, strerror(errno));
	buf[n] = '\0';
	/* exactly "registry-" 6+ digits ".vgr" and a newline: never a path */
	unsigned long long g;
	int used = 0;
	if (sscanf(buf, "registry-%llu.vgr%n", &g, &used) != 1 || used < 19 ||
	    strcmp(buf + used, "\n") != 0 || strspn(buf + 9, "0123456789") != (size_t)used - 13)
		return vg_err_set(err, VG_ECORRUPT,
		                  "%s does not name a registry version (expected "
		                  "registry-NNNNNN.vgr)",
		                  path);
	snprintf(name, cap, "%.*s", used, buf);
	return 0;
}

int vg_registry_open_dir(const char *dir, const vg_regkey *key, unsigned flags, vg_registry **out,
                         vg_err *err)
{
	*out = NULL;
	/* a publish may remove the version CURRENT named between the two reads:
	 * read CURRENT again then */
	int rc = VG_EINTERNAL;
	for (int attempt = 0; attempt < 3; attempt++) {
		char name[64], path[4200];
		rc = read_current(dir, name, sizeof(name), err);
		if (rc)
			return rc;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		rc = vg_registry_open(path, key, flags, out, err);
		if (rc != VG_ENOTFOUND)
			return rc;
	}
	return rc;
}

void vg_registry_close(vg_registry *r)
{
	if (!r)
		return;
	if (r->mapped)
		munmap((void *)r->base, r->len);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

/* ------------------------------------------------------------ lookup */

/*
 * Index of x in k[0..n), or -1. Interpolation between the keys at the ends
 * of the range [lo, hi]: after a probe one end is the probed key (already
 * in cache), so each step costs one new cache miss, and uniform keys need 3
 * or 4 steps at 43 million (log log n). After INTERP_STEPS steps, bisection
 * takes over: any input, sorted or damaged, takes at most INTERP_STEPS +
 * log2(n) probes. Every probe is strictly inside (lo, hi) and the range
 * shrinks at each step.
 */
#define INTERP_STEPS 8
static int64_t search(const uint64_t *k, uint64_t n, uint64_t x)
{
	if (n == 0)
		return -1;
	uint64_t lo = 0, hi = n - 1;
	for (int step = 0;; step++) {
		uint64_t klo = k[lo], khi = k[hi];
		if (x < klo || x > khi)
			return -1;
		if (x == klo)
			return (int64_t)lo;
		if (x == khi)
			return (int64_t)hi;
		/* klo < x < khi: x can only be strictly between lo and hi */
		uint64_t span = hi - lo;
		if (span <= 1)
			return -1;
		if (span <= 16) {
			for (uint64_t i = lo + 1; i < hi; i++) {
				if (k[i] == x)
					return (int64_t)i;
				if (k[i] > x)
					return -1;
			}
			return -1;
		}
		uint64_t pos;
		if (step < INTERP_STEPS)
			pos = lo + 1 +
			      (uint64_t)(((unsigned __int128)(x - klo) * (span - 1)) / (khi - klo));
		else
			pos = lo + span / 2;
		uint64_t kp = k[pos];
		if (kp == x)
			return (int64_t)pos;
		if (kp < x)
			lo = pos;
		else
			hi = pos;
	}
}

int vg_registry_lookup(const vg_registry *r, vg_idtab t, uint64_t p, vg_reghit *hit)
{
	hit->cats = 0;
	hit->sources = 0;
	if ((unsigned)t >= VG_IDTAB__COUNT)
		return 0;
	int64_t i = search(r->keys[t], r->n[t], p);
	if (i < 0)
		return 0;
	uint32_t v = r->pay[t][i];
	hit->cats = (uint16_t)(v & 0xffff);
	hit->sources = (uint16_t)(v >> 16);
	return 1;
}

/*
 * The same search as search(), one probe at a time, so that a group of
 * searches can run side by side: each round issues every search's next
 * probe as a prefetch and reads it in the next round, so the cache misses
 * of the group overlap instead of following one another. The probes and
 * the answers are exactly search()'s.
 */
typedef struct probe {
	const uint64_t *k;
	uint64_t x, lo, hi, pos;
	int64_t res;
	int step;
	bool pending; /* k[pos] was prefetched, not read yet */
	bool done;
} probe;

/* Runs q until it needs a new probe (prefetched) or has its answer. */
static void probe_advance(probe *q)
{
	const uint64_t *k = q->k;
	if (q->pending) {
		q->pending = false;
		uint64_t kp = k[q->pos];
		if (kp == q->x) {
			q->res = (int64_t)q->pos;
			q->done = true;
			return;
		}
		if (kp < q->x)
			q->lo = q->pos;
		else
			q->hi = q->pos;
		q->step++;
	}
	uint64_t lo = q->lo, hi = q->hi, x = q->x;
	uint64_t klo = k[lo], khi = k[hi];
	q->done = true;
	q->res = -1;
	if (x < klo || x > khi)
		return;
	if (x == klo) {
		q->res = (int64_t)lo;
		return;
	}
	if (x == khi) {
		q->res = (int64_t)hi;
		return;
	}
	uint64_t span = hi - lo;
	if (span <= 1)
		return;
	if (span <= 16) {
		for (uint64_t i = lo + 1; i < hi; i++) {
			if (k[i] == x) {
				q->res = (int64_t)i;
				return;
			}
			if (k[i] > x)
				return;
		}
		return;
	}
	if (q->step < INTERP_STEPS)
		q->pos =
		    lo + 1 + (uint64_t)(((unsigned __int128)(x - klo) * (span - 1)) / (khi - klo));
	else
		q->pos = lo + span / 2;
	q->done = false;
	q->pending = true;
	__builtin_prefetch(&k[q->pos]);
}

#define LOOKUP_GROUP 32
/* A guide has one entry per 32 to 64 keys of a table, at most 2^26. */
#define GUIDE_KEYS 32
#define GUIDE_MAX_BITS 26

struct vg_regguide {
	const vg_registry *r;
	unsigned shift[VG_IDTAB__COUNT]; /* 64 - bits */
	uint32_t *pos[VG_IDTAB__COUNT];  /* NULL: no guide for that table */
};

vg_regguide *vg_registry_guide_new(const vg_registry *r)
{
	vg_regguide *g = vg_xcalloc(1, sizeof(*g));
	g->r = r;
	for (unsigned t = 0; t < VG_IDTAB__COUNT; t++) {
		uint64_t n = r->n[t];
		unsigned bits = 0;
		while (bits < GUIDE_MAX_BITS && ((uint64_t)GUIDE_KEYS << (bits + 1)) <= n)
			bits++;
		if (bits == 0 || n > UINT32_MAX)
			continue;
		size_t nb = (size_t)1 << bits;
		uint32_t *pos = vg_xmalloc((nb + 1) * sizeof(uint32_t));
		const uint64_t *k = r->keys[t];
		unsigned sh = 64 - bits;
		uint64_t i = 0;
		for (size_t b = 0; b < nb; b++) {
			while (i < n && (k[i] >> sh) < b)
				i++;
			pos[b] = (uint32_t)i;
		}
		pos[nb] = (uint32_t)n;
		g->shift[t] = sh;
		g->pos[t] = pos;
	}
	return g;
}

void vg_registry_guide_free(vg_regguide *g)
{
	if (!g)
		return;
	for (unsigned t = 0; t < VG_IDTAB__COUNT; t++)
		free(g->pos[t]);
	free(g);
}

size_t vg_registry_lookup_many(const vg_registry *r, const vg_regguide *g, size_t n,
                               const uint8_t *t, const uint64_t *p, vg_reghit *hit)
{
	probe q[LOOKUP_GROUP];
	uint32_t gb[LOOKUP_GROUP];
	size_t found = 0;
	if (g && g->r != r)
		g = NULL;
	for (size_t base = 0; base < n; base += LOOKUP_GROUP) {
		size_t m = n - base < LOOKUP_GROUP ? n - base : LOOKUP_GROUP;
		size_t active = 0;
		for (size_t i = 0; i < m; i++) {
			unsigned tb = t[base + i];
			probe *e = &q[i];
			e->pending = false;
			e->step = 0;
			e->res = -1;
			e->done = true;
			if (tb >= VG_IDTAB__COUNT || r->n[tb] == 0)
				continue;
			e->k = r->keys[tb];
			e->x = p[base + i];
			e->lo = 0;
			e->hi = r->n[tb] - 1;
			e->done = false;
			if (g && g->pos[tb]) {
				gb[i] = (uint32_t)(e->x >> g->shift[tb]);
				__builtin_prefetch(&g->pos[tb][gb[i]]);
			}
		}
		/* the guide narrows each range to the keys that share the top bits */
		for (size_t i = 0; g && i < m; i++) {
			probe *e = &q[i];
			unsigned tb = t[base + i];
			if (e->done || !g->pos[tb])
				continue;
			uint32_t lo = g->pos[tb][gb[i]], end = g->pos[tb][gb[i] + 1];
			if (lo >= end || end > r->n[tb]) {
				e->done = true; /* no key with those bits (or a damaged table) */
				continue;
			}
			e->lo = lo;
			e->hi = end - 1;
			__builtin_prefetch(&e->k[e->lo]);
			__builtin_prefetch(&e->k[e->hi]);
		}
		for (size_t i = 0; i < m; i++)
			active += !q[i].done;
		while (active) {
			active = 0;
			for (size_t i = 0; i < m; i++) {
				if (q[i].done)
					continue;
				probe_advance(&q[i]);
				if (!q[i].done)
					active++;
			}
		}
		for (size_t i = 0; i < m; i++)
			if (q[i].res >= 0)
				__builtin_prefetch(&r->pay[t[base + i]][q[i].res]);
		for (size_t i = 0; i < m; i++) {
			vg_reghit *h = &hit[base + i];
			if (q[i].res < 0) {
				h->cats = h->sources = 0;
				continue;
			}
			uint32_t v = r->pay[t[base + i]][q[i].res];
			h->cats = (uint16_t)(v & 0xffff);
			h->sources = (uint16_t)(v >> 16);
			found++;
		}
	}
	return found;
}

int vg_registry_check(const vg_registry *r, vg_idtab t, const char *s, size_t n, vg_reghit *hit)
{
	if (!r->key) {
		hit->cats = hit->sources = 0;
		return VG_EUSAGE;
	}
	return vg_registry_lookup(r, t, vg_regkey_prf(r->key, t, s, n), hit);
}

/* ------------------------------------------------------------ verify */

/* Compares one recomputed counter with the stored one. */
static int expect(const vg_registry *r, vg_err *err, const char *what, uint64_t stored,
                  uint64_t actual)
{
	if (stored == actual)
		return 0;
	return corrupt(r, err, "statistics: %s is %llu, the data gives %llu", what,
	               (unsigned long long)stored, (unsigned long long)actual);
}

/* qsort order of fingerprints. */
static int cmp_fp(const void *a, const void *b)
{
	return memcmp(a, b, VG_FINGERPRINT_BYTES);
}

/* qsort order of (start, end) pairs by start. */
static int cmp_u64pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0;
}

/* Every byte outside the header and the sections (alignment padding) is zero,
 * so that no byte of the file escapes the checks. */
static int check_gaps(const vg_registry *r, vg_err *err)
{
	uint64_t span[VGR_NSECTIONS][2];
	unsigned n = 0;
	for (unsigned i = 0; i < VGR_NSECTIONS; i++)
		if (r->sec[i].length) {
			span[n][0] = r->sec[i].offset;
			span[n][1] = r->sec[i].offset + r->sec[i].length;
			n++;
		}
	qsort(span, n, sizeof(span[0]), cmp_u64pair);
	uint64_t at = VGR_HEADER_LEN;
	for (unsigned i = 0; i <= n; i++) {
		uint64_t next = i < n ? span[i][0] : r->len;
		if (next > at && !all_zero(r->base + at, (size_t)(next - at)))
			return corrupt(r, err, "padding bytes %llu..%llu are not zero",
			               (unsigned long long)at, (unsigned long long)next);
		if (i < n && span[i][1] > at)
			at = span[i][1];
	}
	return 0;
}

int vg_registry_verify(const vg_registry *r, vg_err *err)
{
	int grc = check_gaps(r, err);
	if (grc)
		return grc;
	for (unsigned i = 0; i < VGR_NSECTIONS; i++) {
		uint64_t sum = vgr_checksum(r->base + r->sec[i].offset, r->sec[i].length);
		if (sum != r->sec[i].checksum) {
			char name[24];
			vgr_section_name(i, name, sizeof(name));
			return corrupt(r, err,
			               "section %s: checksum mismatch (stored %016llx, computed "
			               "%016llx): the data is damaged",
			               name, (unsigned long long)r->sec[i].checksum,
			               (unsigned long long)sum);
		}
	}
	uint16_t src_mask = (uint16_t)((1u << r->nsrc) - 1);
	uint16_t special = vg_registry_special_sources(r);
	const vg_registry_stats *st = &r->stats;
	char what[96];
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		const char *tn = vg_idtab_name((vg_idtab)t);
		const uint64_t *k = r->keys[t];
		const uint32_t *pay = r->pay[t];
		uint64_t n = r->n[t];
		/* histograms of the payload halves, folded into bits below */
		uint64_t *hc = vg_xcalloc(VGR_HC_SIZE, sizeof(uint64_t));
		uint64_t *hs = vg_xcalloc((size_t)1 << r->nsrc, sizeof(uint64_t));
		int rc = 0;
		for (uint64_t i = 0; i < n && !rc; i++) {
			if (i > 0 && k[i] <= k[i - 1])
				rc =
				    corrupt(r, err,
				            "table %s: key %llu is not greater than the one before "
				            "it: not sorted",
				            tn, (unsigned long long)i);
			uint16_t c = (uint16_t)(pay[i] & 0xffff), s = (uint16_t)(pay[i] >> 16);
			if (!rc && (c == 0 || (c & ~VG_CAT_ALL)))
				rc = corrupt(r, err, "table %s: entry %llu has categories %04x", tn,
				             (unsigned long long)i, c);
			if (!rc && (s == 0 || (s & ~src_mask)))
				rc = corrupt(r, err,
				             "table %s: entry %llu has sources %04x, the registry "
				             "has %u",
				             tn, (unsigned long long)i, s, r->nsrc);
			hc[c & VG_CAT_ALL]++;
			hs[s & src_mask]++;
		}
		uint64_t with_cat[VG_CAT__COUNT], in_src[VG_SOURCE_MAX], in_special;
		vgr_fold(hc, hs, r->nsrc, special, with_cat, in_src, &in_special);
		free(hc);
		free(hs);
		if (rc)
			return rc;
		const vg_regstats_table *ta = &st->table[t];
		snprintf(what, sizeof(what), "table %s entries", tn);
		if ((rc = expect(r, err, what, ta->entries, n)))
			return rc;
		snprintf(what, sizeof(what), "table %s entries in special sources", tn);
		if ((rc = expect(r, err, what, ta->in_special, in_special)))
			return rc;
		for (int c = 0; c < VG_CAT__COUNT; c++) {
			snprintf(what, sizeof(what), "table %s entries with %s", tn,
			         vg_category_name((vg_category)c));
			if ((rc = expect(r, err, what, ta->with_cat[c], with_cat[c])))
				return rc;
		}
		for (unsigned s = 0; s < r->nsrc; s++) {
			snprintf(what, sizeof(what), "table %s entries in source %u", tn, s);
			if ((rc = expect(r, err, what, ta->in_source[s], in_src[s])))
				return rc;
		}
	}
	int rc = expect(r, err, "total entries", st->entries, r->entries);
	if (rc)
		return rc;

	/* file records against the per-source counters */
	uint64_t fread_[VG_SOURCE_MAX] = {0}, facc[VG_SOURCE_MAX] = {0};
	uint64_t frej[VG_SOURCE_MAX] = {0}, fcount[VG_SOURCE_MAX] = {0};
	uint8_t *fps = vg_xmalloc((size_t)r->nfiles * VG_FINGERPRINT_BYTES + 1);
	for (uint64_t i = 0; i < r->nfiles; i++) {
		const uint8_t *f = r->files + i * VGR_FILE_REC;
		uint32_t s = vgr_get32(f + VGR_F_SOURCE);
		uint64_t rd = vgr_get64(f + VGR_F_READ), ac = vgr_get64(f + VGR_F_ACCEPTED),
		         rj = vgr_get64(f + VGR_F_REJECTED);
		if (ac > rd || rj != rd - ac) {
			free(fps);
			return corrupt(r, err,
			               "file record %llu: %llu rows read, %llu accepted, %llu "
			               "rejected do not add up",
			               (unsigned long long)i, (unsigned long long)rd,
			               (unsigned long long)ac, (unsigned long long)rj);
		}
		fread_[s] += rd;
		facc[s] += ac;
		frej[s] += rj;
		fcount[s]++;
		memcpy(fps + i * VG_FINGERPRINT_BYTES, f + VGR_F_FP, VG_FINGERPRINT_BYTES);
	}
	qsort(fps, (size_t)r->nfiles, VG_FINGERPRINT_BYTES, cmp_fp);
	for (uint64_t i = 1; i < r->nfiles; i++)
		if (!memcmp(fps + (i - 1) * VG_FINGERPRINT_BYTES, fps + i * VG_FINGERPRINT_BYTES,
		            VG_FINGERPRINT_BYTES)) {
			free(fps);
			return corrupt(r, err, "two file records have the same fingerprint");
		}
	free(fps);
	uint64_t sum_read = 0, sum_acc = 0, sum_rej = 0, sum_files = 0;
	uint64_t sum_with[VG_CAT__COUNT] = {0};
	for (unsigned s = 0; s < r->nsrc; s++) {
		const vg_regstats_source *so = &st->source[s];
		const char *sn = r->src[s].name;
		snprintf(what, sizeof(what), "source \"%s\" rows read", sn);
		if ((rc = expect(r, err, what, so->rows_read, fread_[s])))
			return rc;
		snprintf(what, sizeof(what), "source \"%s\" rows accepted", sn);
		if ((rc = expect(r, err, what, so->rows_accepted, facc[s])))
			return rc;
		snprintf(what, sizeof(what), "source \"%s\" rows rejected", sn);
		if ((rc = expect(r, err, what, so->rows_rejected, frej[s])))
			return rc;
		snprintf(what, sizeof(what), "source \"%s\" files", sn);
		if ((rc = expect(r, err, what, so->files, fcount[s])))
			return rc;
		for (int c = 0; c < VG_CAT__COUNT; c++) {
			if (so->rows_with[c] > so->rows_accepted)
				return corrupt(r, err,
				               "statistics: source \"%s\" has more rows with %s "
				               "(%llu) than accepted rows (%llu)",
				               sn, vg_category_name((vg_category)c),
				               (unsigned long long)so->rows_with[c],
				               (unsigned long long)so->rows_accepted);
			sum_with[c] += so->rows_with[c];
		}
		sum_read += so->rows_read;
		sum_acc += so->rows_accepted;
		sum_rej += so->rows_rejected;
		sum_files += so->files;
	}
	if ((rc = expect(r, err, "total rows read", st->rows_read, sum_read)) ||
	    (rc = expect(r, err, "total rows accepted", st->rows_accepted, sum_acc)) ||
	    (rc = expect(r, err, "total rows rejected", st->rows_rejected, sum_rej)) ||
	    (rc = expect(r, err, "total files", st->files, sum_files)) ||
	    (rc = expect(r, err, "file records", r->nfiles, sum_files)))
		return rc;
	for (int c = 0; c < VG_CAT__COUNT; c++) {
		snprintf(what, sizeof(what), "total rows with %s",
		         vg_category_name((vg_category)c));
		if ((rc = expect(r, err, what, st->rows_with[c], sum_with[c])))
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ accessors */

void vg_registry_get_info(const vg_registry *r, vg_registry_info *out)
{
	memset(out, 0, sizeof(*out));
	out->format_version = r->version;
	out->generation = r->generation;
	out->created = r->created;
	out->file_len = r->len;
	vgr_hex8(r->key_id, out->key_id);
	out->entries = r->entries;
	for (int t = 0; t < VG_IDTAB__COUNT; t++)
		out->table_entries[t] = r->n[t];
	out->nsources = r->nsrc;
	out->nfiles = r->nfiles;
	out->bytes_per_entry = r->entries ? (double)r->len / (double)r->entries : 0.0;
	out->header_checksum = r->header_checksum;
	for (unsigned i = 0; i < VGR_NSECTIONS; i++) {
		vgr_section_name(i, out->section[i].name, sizeof(out->section[i].name));
		out->section[i].offset = r->sec[i].offset;
		out->section[i].length = r->sec[i].length;
		out->section[i].count = r->sec[i].count;
		out->section[i].checksum = r->sec[i].checksum;
	}
}

const vg_registry_stats *vg_registry_get_stats(const vg_registry *r)
{
	return &r->stats;
}

const char *vg_registry_path(const vg_registry *r)
{
	return r->path;
}

unsigned vg_registry_source_count(const vg_registry *r)
{
	return r->nsrc;
}

const vg_regsource *vg_registry_source(const vg_registry *r, unsigned i)
{
	return i < r->nsrc ? &r->src[i] : NULL;
}

uint16_t vg_registry_special_sources(const vg_registry *r)
{
	uint16_t m = 0;
	for (unsigned i = 0; i < r->nsrc; i++)
		if (r->src[i].flags & VG_SOURCE_SPECIAL)
			m |= (uint16_t)(1u << i);
	return m;
}

uint64_t vg_registry_file_count(const vg_registry *r)
{
	return r->nfiles;
}

uint64_t vg_registry_generation(const vg_registry *r)
{
	return r->generation;
}

int vg_registry_file(const vg_registry *r, uint64_t i, vg_regfile *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= r->nfiles)
		return VG_EINVAL;
	const uint8_t *f = r->files + i * VGR_FILE_REC;
	memcpy(out->fingerprint, f + VGR_F_FP, VG_FINGERPRINT_BYTES);
	out->size = vgr_get64(f + VGR_F_SIZE);
	out->rows_read = vgr_get64(f + VGR_F_READ);
	out->rows_accepted = vgr_get64(f + VGR_F_ACCEPTED);
	out->rows_rejected = vgr_get64(f + VGR_F_REJECTED);
	out->time = (int64_t)vgr_get64(f + VGR_F_TIME);
	out->source = vgr_get32(f + VGR_F_SOURCE);
	uint32_t len = vgr_get32(f + VGR_F_NAME_LEN); /* <= VG_REGFILE_NAME_MAX, checked at open */
	memcpy(out->name, f + VGR_F_NAME, len);
	out->name[len] = '\0';
	return 0;
}

bool vg_registry_has_file(const vg_registry *r, const uint8_t fp[VG_FINGERPRINT_BYTES],
                          uint64_t *index)
{
	for (uint64_t i = 0; i < r->nfiles; i++)
		if (!memcmp(r->files + i * VGR_FILE_REC + VGR_F_FP, fp, VG_FINGERPRINT_BYTES)) {
			if (index)
				*index = i;
			return true;
		}
	return false;
}
