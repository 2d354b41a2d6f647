/*
 * build.c: building the next version of a password store, and publishing
 * it.
 *
 * Hashes arrive one at a time (vg_pwbuild_add) into an array of 24-byte
 * records (hash, count). When the array is full it is sorted (a counting
 * pass on the first two bytes, hashes being uniform, then small sorts per
 * bucket), equal hashes are merged (counts add, saturating), and the result
 * goes to an unlinked spill file in DIR as one sorted run. Memory is the
 * budget (opts.memory) for the array and its sort scratch, plus at commit
 * one read buffer per run (budget / 2 shared, 64 KiB at least each) and a
 * 4 MiB index: a billion-line list sorts in 256 MiB.
 *
 * Commit merges, with a heap, the runs, the last in-memory run and the live
 * version (its records checksummed and their order checked on the way, so a
 * damaged live version is never carried forward). Equal hashes: counts
 * add. Records go to DIR/passwords.MODE.tmp after a gap for the index,
 * then the file records (live ones, then this build's); the index and the
 * header are written last.
 *
 * Publish: write the .tmp (O_EXCL, 0600, under DIR/passwords.lock), fsync,
 * close; rename over DIR/passwords.MODE; fsync DIR. A crash at any point
 * leaves the previous version in place (a reader that has it mapped keeps
 * it; the next build removes the .tmp).
 */
#define XXH_INLINE_ALL
#include "pwned/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

typedef struct pent {
	uint8_t h[VG_PWNED_HASH_MAX];
	uint32_t count;
} pent;
_Static_assert(sizeof(pent) == 24, "pent is 24 bytes");

#define DROP_STEP ((size_t)4 << 20) /* a multiple of the page size */

typedef struct prun {
	uint64_t off, n;
} prun;

struct vg_pwbuild {
	char dir[4096];
	vg_pwned_mode mode;
	size_t hb; /* hash bytes */
	int lockfd;
	vg_pwned *cur;
	uint64_t gen;
	int64_t now;
	size_t budget;
	pent *mem, *tmp;
	size_t n, cap;
	int spill_fd;
	uint64_t spill_len;
	prun *runs;
	size_t nruns, capruns;
	vg_pwned_file *files;
	size_t nfiles, capfiles;
	uint64_t added;
};

/* ------------------------------------------------------------ I/O helpers */

/* An unlinked temporary file in dir. */
static int temp_file(const char *dir)
{
	int fd;
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	char path[4200];
	snprintf(path, sizeof(path), "%s/.pwspill-XXXXXX.tmp", dir);
	fd = mkstemps(path, 4);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* ------------------------------------------------------------ begin */

static vg_pwbuild *new_build(const char *dir, vg_pwned_mode m, size_t budget, int64_t now)
{
	vg_pwbuild *b = vg_xcalloc(1, sizeof(*b));
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	b->mode = m;
	b->hb = vg_pwned_hash_bytes(m);
	b->lockfd = -1;
	b->spill_fd = -1;
	b->budget = budget;
	b->now = now;
	b->cap = budget / (2 * sizeof(pent));
	b->mem = vg_xmalloc(b->cap * sizeof(pent)); /* pages never touched cost nothing */
	return b;
}

/* Opens the live version and removes a leftover .tmp (under the lock). */
static int open_live(vg_pwbuild *b, vg_err *err)
{
	char path[4200];
	vg_pwned_path(b->dir, b->mode, path, sizeof(path));
	char tmp[4300];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	int rc = vg_pwned_open(b->dir, b->mode, &b->cur, err);
	if (rc == VG_ENOTFOUND) {
		b->cur = NULL;
		if (err)
			memset(err, 0, sizeof(*err));
		rc = 0;
	} else if (rc == VG_ECORRUPT && err) {
		char m[sizeof(err->msg)];
		snprintf(m, sizeof(m), "%s", err->msg);
		vg_err_set(err, rc,
		           "the password store is damaged, refusing to build on it: %s (remove "
		           "it and ingest the lists again)",
		           m);
	}
	if (rc)
		return rc;
	b->gen = b->cur ? b->cur->info.generation + 1 : 1;
	return 0;
}

int vg_pwbuild_begin(const char *dir, vg_pwned_mode m, const vg_pwbuild_opts *opts,
                     vg_pwbuild **out, vg_err *err)
{
	*out = NULL;
	vg_pwbuild_opts o = {0};
	if (opts)
		o = *opts;
	if (o.memory == 0)
		o.memory = VG_PWBUILD_DEFAULT_MEMORY;
	if (o.memory < VG_PWBUILD_MIN_MEMORY)
		return vg_err_set(err, VG_EUSAGE,
		                  "memory budget %zu bytes is below the minimum %zu", o.memory,
		                  VG_PWBUILD_MIN_MEMORY);
	if (strlen(dir) + 64 > sizeof(((vg_pwbuild *)0)->dir))
		return vg_err_set(err, VG_ETOOBIG, "directory name too long");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return vg_err_set(err, VG_EIO, "cannot create directory %s: %s", dir,
		                  strerror(errno));
	vg_pwbuild *b = new_build(dir, m, o.memory, o.now ? o.now : (int64_t)time(NULL));
	int rc = vg_lock_file(dir, "passwords.lock", "password ingest", &b->lockfd, err);
	if (rc) {
		vg_pwbuild_abort(b);
		return rc;
	}
	rc = open_live(b, err);
	if (rc) {
		vg_pwbuild_abort(b);
		return rc;
	}
	*out = b;
	return 0;
}

int vg_pwbuild_begin_with(vg_pwbuild *locked, vg_pwned_mode m, vg_pwbuild **out, vg_err *err)
{
	*out = NULL;
	vg_pwbuild *b = new_build(locked->dir, m, locked->budget, locked->now);
	b->lockfd = dup(locked->lockfd); /* the same open file: the same flock */
	if (b->lockfd < 0) {
		int rc = vg_err_set(err, VG_EIO, "dup: %s", strerror(errno));
		vg_pwbuild_abort(b);
		return rc;
	}
	int rc = open_live(b, err);
	if (rc) {
		vg_pwbuild_abort(b);
		return rc;
	}
	*out = b;
	return 0;
}

const vg_pwned *vg_pwbuild_current(const vg_pwbuild *b)
{
	return b->cur;
}

bool vg_pwbuild_has_file(const vg_pwbuild *b, const uint8_t fp[VG_PWNED_FP_BYTES])
{
	if (b->cur && vg_pwned_has_file(b->cur, fp))
		return true;
	for (size_t i = 0; i < b->nfiles; i++)
		if (!memcmp(b->files[i].fp, fp, VG_PWNED_FP_BYTES))
			return true;
	return false;
}

bool vg_pwbuild_changed(const vg_pwbuild *b)
{
	return b->added > 0 || b->nfiles > 0;
}

int vg_pwbuild_add_file(vg_pwbuild *b, const vg_pwned_file *f, vg_err *err)
{
	if (vg_pwbuild_has_file(b, f->fp))
		return vg_err_set(err, VG_EINVAL, "file %s is already recorded", f->name);
	if (b->nfiles == b->capfiles) {
		b->capfiles = b->capfiles ? 2 * b->capfiles : 8;
		b->files = vg_xrealloc(b->files, b->capfiles * sizeof(*b->files));
	}
	b->files[b->nfiles++] = *f;
	return 0;
}

/* ------------------------------------------------------------ sort and spill */

/* Compares hashes after their first two bytes; arg points at the length. */
static int cmp_tail(const void *a, const void *b, void *arg)
{
	return memcmp(((const pent *)a)->h + 2, ((const pent *)b)->h + 2, *(const size_t *)arg);
}

/* Sorts a[0..n) by hash into tmp or a; returns the sorted array. */
static pent *sort_run(pent *a, pent *tmp, size_t n, size_t hb)
{
	size_t *cnt = vg_xcalloc(65537, sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		cnt[((size_t)a[i].h[0] << 8 | a[i].h[1]) + 1]++;
	for (size_t k = 1; k <= 65536; k++)
		cnt[k] += cnt[k - 1];
	size_t *pos = vg_xmalloc(65536 * sizeof(*pos));
	memcpy(pos, cnt, 65536 * sizeof(*pos));
	for (size_t i = 0; i < n; i++)
		tmp[pos[(size_t)a[i].h[0] << 8 | a[i].h[1]]++] = a[i];
	size_t cmp_len = hb - 2;
	for (size_t k = 0; k < 65536; k++) {
		size_t lo = cnt[k], m = cnt[k + 1] - lo;
		if (m < 2)
			continue;
		if (m <= 12) {
			for (size_t i = lo + 1; i < lo + m; i++) {
				pent x = tmp[i];
				size_t j = i;
				while (j > lo && memcmp(tmp[j - 1].h + 2, x.h + 2, hb - 2) > 0) {
					tmp[j] = tmp[j - 1];
					j--;
				}
				tmp[j] = x;
			}
		} else {
			qsort_r(tmp + lo, m, sizeof(pent), cmp_tail, &cmp_len);
		}
	}
	free(pos);
	free(cnt);
	return tmp;
}

/* Merges equal hashes of a sorted a[0..n) in place; returns the new count. */
static size_t dedup(pent *a, size_t n, size_t hb)
{
	if (n == 0)
		return 0;
	size_t o = 0;
	for (size_t i = 1; i < n; i++) {
		if (!memcmp(a[o].h, a[i].h, hb))
			a[o].count = vgp_add_count(a[o].count, a[i].count);
		else
			a[++o] = a[i];
	}
	return o + 1;
}

/* Sorts the in-memory records; returns the sorted, merged array (mem or tmp). */
static pent *sort_mem(vg_pwbuild *b, size_t *n)
{
	if (!b->tmp)
		b->tmp = vg_xmalloc(b->cap * sizeof(pent));
	pent *s = sort_run(b->mem, b->tmp, b->n, b->hb);
	*n = dedup(s, b->n, b->hb);
	return s;
}

static int spill(vg_pwbuild *b, vg_err *err)
{
	if (b->spill_fd < 0) {
		b->spill_fd = temp_file(b->dir);
		if (b->spill_fd < 0)
			return vg_err_set(err, VG_EIO, "cannot create a temporary file in %s: %s",
			                  b->dir, strerror(errno));
	}
	size_t n;
	pent *s = sort_mem(b, &n);
	if (vg_pwrite_all(b->spill_fd, s, n * sizeof(pent), b->spill_len) != 0)
		return vg_err_set(err, VG_EIO, "cannot write a sorted run in %s: %s", b->dir,
		                  strerror(errno));
	if (b->nruns == b->capruns) {
		b->capruns = b->capruns ? 2 * b->capruns : 8;
		b->runs = vg_xrealloc(b->runs, b->capruns * sizeof(*b->runs));
	}
	b->runs[b->nruns++] = (prun){b->spill_len, n};
	b->spill_len += n * sizeof(pent);
	b->n = 0;
	return 0;
}

int vg_pwbuild_add(vg_pwbuild *b, const uint8_t *hash, uint32_t count, vg_err *err)
{
	if (count == 0)
		return 0;
	if (b->n == b->cap) {
		int rc = spill(b, err);
		if (rc)
			return rc;
	}
	pent *e = &b->mem[b->n++];
	memcpy(e->h, hash, b->hb);
	memset(e->h + b->hb, 0, VG_PWNED_HASH_MAX - b->hb);
	e->count = count;
	b->added++;
	return 0;
}

/* ------------------------------------------------------------ merge */

enum { SRC_MEM, SRC_RUN, SRC_LIVE };

typedef struct src {
	int kind;
	pent cur;
	bool done;
	/* SRC_MEM */
	const pent *a;
	size_t i, n;
	/* SRC_RUN */
	int fd;
	uint64_t off, left;
	pent *buf;
	size_t bcap, bpos, blen;
	/* SRC_LIVE */
	const vg_pwned *p;
	uint32_t prefix;
	XXH3_state_t *xs;
	pent prev;
	bool have_prev;
	size_t dropped; /* bytes of the mapping given back to the kernel */
} src;

/* Moves s to its next record; 0, or an error. */
static int src_next(src *s, size_t hb, vg_err *err)
{
	switch (s->kind) {
	case SRC_MEM:
		if (s->i == s->n) {
			s->done = true;
			return 0;
		}
		s->cur = s->a[s->i++];
		return 0;
	case SRC_RUN:
		if (s->bpos == s->blen) {
			if (s->left == 0) {
				s->done = true;
				return 0;
			}
			size_t k = s->left < s->bcap ? (size_t)s->left : s->bcap;
			if (vg_pread_all(s->fd, s->buf, k * sizeof(pent), s->off) != 0)
				return vg_err_set(err, VG_EIO, "cannot read a sorted run: %s",
				                  strerror(errno));
			s->off += k * sizeof(pent);
			s->left -= k;
			s->bpos = 0;
			s->blen = k;
		}
		s->cur = s->buf[s->bpos++];
		return 0;
	default: {
		const vg_pwned *p = s->p;
		if (s->i == p->info.entries) {
			s->done = true;
			if (XXH3_64bits_digest(s->xs) != vgp_get64(p->base + VGP_H_SUM_RECORDS))
				return vg_err_set(
				    err, VG_ECORRUPT,
				    "the live password store %s is damaged (records "
				    "checksum mismatch); refusing to carry it forward",
				    p->path);
			return 0;
		}
		while (vgp_index(p, s->prefix + 1) <= s->i)
			s->prefix++;
		const uint8_t *r = p->records + s->i * p->recsize;
		XXH3_64bits_update(s->xs, r, p->recsize);
		/* the merge reads the live version once, in order: drop what it
		 * has read from this process's mapping, so that memory stays the
		 * budget's (the pages stay in the page cache) */
		size_t at = (size_t)(r - p->base);
		if (at - s->dropped >= DROP_STEP) {
			size_t to = at & ~(DROP_STEP - 1);
			if (to > s->dropped) {
				madvise((void *)(p->base + s->dropped), to - s->dropped,
				        MADV_DONTNEED);
				s->dropped = to;
			}
		}
		s->i++;
		memset(&s->cur, 0, sizeof(s->cur));
		s->cur.h[0] = (uint8_t)(s->prefix >> 12);
		s->cur.h[1] = (uint8_t)(s->prefix >> 4);
		memcpy(s->cur.h + 2, r, p->tail);
		s->cur.count = vgp_get32(r + p->tail);
		if ((r[0] >> 4) != (s->prefix & 15) || s->cur.count == 0 ||
		    (s->have_prev && memcmp(s->prev.h, s->cur.h, hb) >= 0))
			return vg_err_set(
			    err, VG_ECORRUPT,
			    "the live password store %s is damaged (record %zu out of "
			    "order or count 0); refusing to carry it forward",
			    p->path, s->i - 1);
		s->prev = s->cur;
		s->have_prev = true;
		return 0;
	}
	}
}

/* Binary min-heap of sources by current hash. */
typedef struct heap {
	src **h;
	size_t n;
	size_t hb;
} heap;

static inline bool less(const heap *hp, const src *a, const src *b)
{
	return memcmp(a->cur.h, b->cur.h, hp->hb) < 0;
}

static void sift_down(heap *hp, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < hp->n && less(hp, hp->h[l], hp->h[m]))
			m = l;
		if (r < hp->n && less(hp, hp->h[r], hp->h[m]))
			m = r;
		if (m == i)
			return;
		src *t = hp->h[i];
		hp->h[i] = hp->h[m];
		hp->h[m] = t;
		i = m;
	}
}

/* Buffered sequential output with a running checksum. */
typedef struct out {
	int fd;
	uint8_t *buf;
	size_t cap, len;
	uint64_t off;
	XXH3_state_t *xs;
	int err;
} out;

static void out_flush(out *o)
{
	if (o->len && !o->err && vg_pwrite_all(o->fd, o->buf, o->len, o->off) != 0)
		o->err = errno ? errno : EIO;
	o->off += o->len;
	o->len = 0;
}

static inline void out_put(out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap)
		out_flush(o);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	XXH3_64bits_update(o->xs, p, n);
}

static void release(vg_pwbuild *b)
{
	if (b->spill_fd >= 0)
		close(b->spill_fd);
	if (b->lockfd >= 0)
		close(b->lockfd);
	vg_pwned_close(b->cur);
	free(b->mem);
	free(b->tmp);
	free(b->runs);
	free(b->files);
	free(b);
}

void vg_pwbuild_abort(vg_pwbuild *b)
{
	if (b)
		release(b);
}

/* Writes the new version into fd; fills the header fields it learns. */
static int write_version(vg_pwbuild *b, int fd, const pent *last, size_t nlast, uint8_t *hdr,
                         vg_err *err)
{
	size_t hb = b->hb, tail = hb - 2, rsz = tail + 4;
	size_t nsrc = b->nruns + 2;
	src *ss = vg_xcalloc(nsrc, sizeof(*ss));
	heap hp = {vg_xcalloc(nsrc, sizeof(src *)), 0, hb};
	uint32_t *index = vg_xcalloc(VG_PWNED_PREFIXES + 1, sizeof(uint32_t));
	XXH3_state_t *xs_live = XXH3_createState(), *xs_out = XXH3_createState();
	out o = {.fd = fd, .cap = 1u << 20, .off = VGP_HEADER_LEN + VGP_INDEX_LEN, .xs = xs_out};
	o.buf = vg_xmalloc(o.cap);
	XXH3_64bits_reset(xs_out);
	int rc = 0;
	size_t per = b->nruns ? b->budget / 2 / b->nruns / sizeof(pent) : 0;
	if (per < (64u << 10) / sizeof(pent))
		per = (64u << 10) / sizeof(pent);
	if (per > (4u << 20) / sizeof(pent))
		per = (4u << 20) / sizeof(pent);
	size_t k = 0;
	ss[k] = (src){.kind = SRC_MEM, .a = last, .n = nlast};
	k++;
	for (size_t r = 0; r < b->nruns; r++, k++) {
		ss[k] = (src){.kind = SRC_RUN,
		              .fd = b->spill_fd,
		              .off = b->runs[r].off,
		              .left = b->runs[r].n,
		              .bcap = per};
		ss[k].buf = vg_xmalloc(per * sizeof(pent));
	}
	if (b->cur) {
		ss[k] = (src){.kind = SRC_LIVE, .p = b->cur, .xs = xs_live};
		XXH3_64bits_reset(xs_live);
		k++;
	}
	for (size_t i = 0; i < k && !rc; i++) {
		rc = src_next(&ss[i], hb, err);
		if (!rc && !ss[i].done)
			hp.h[hp.n++] = &ss[i];
	}
	for (size_t i = hp.n; i-- > 0;)
		sift_down(&hp, i);
	uint64_t entries = 0, total = 0;
	pent acc;
	bool have = false;
	uint8_t rec[VG_PWNED_HASH_MAX + 4];
	while (!rc) {
		bool end = hp.n == 0;
		if (!end && have && !memcmp(acc.h, hp.h[0]->cur.h, hb)) {
			acc.count = vgp_add_count(acc.count, hp.h[0]->cur.count);
		} else {
			if (have) {
				if (entries == UINT32_MAX) {
					rc = vg_err_set(err, VG_ETOOBIG,
					                "more than %u distinct hashes in one store",
					                UINT32_MAX);
					break;
				}
				memcpy(rec, acc.h + 2, tail);
				vgp_put32(rec + tail, acc.count);
				out_put(&o, rec, rsz);
				index[vgp_prefix_of(acc.h) + 1]++;
				entries++;
				total += acc.count;
			}
			if (end)
				break;
			acc = hp.h[0]->cur;
			have = true;
		}
		src *s = hp.h[0];
		rc = src_next(s, hb, err);
		if (rc)
			break;
		if (s->done)
			hp.h[0] = hp.h[--hp.n];
		sift_down(&hp, 0);
	}
	if (!rc) {
		out_flush(&o);
		uint64_t sum_records = XXH3_64bits_digest(xs_out);
		/* files: the live ones, then this build's */
		XXH3_64bits_reset(xs_out);
		uint64_t nf = 0;
		if (b->cur)
			for (uint64_t i = 0; i < b->cur->info.nfiles; i++, nf++)
				out_put(&o, b->cur->files + i * VGP_FILE_REC, VGP_FILE_REC);
		for (size_t i = 0; i < b->nfiles; i++, nf++) {
			uint8_t fr[VGP_FILE_REC];
			vgp_file_encode(&b->files[i], fr);
			out_put(&o, fr, VGP_FILE_REC);
		}
		out_flush(&o);
		uint64_t sum_files = XXH3_64bits_digest(xs_out);
		uint32_t maxb = 0;
		for (uint32_t p = 1; p <= VG_PWNED_PREFIXES; p++) {
			if (index[p] > maxb)
				maxb = index[p];
			index[p] += index[p - 1];
		}
		if (o.err) {
			errno = o.err;
			rc = vg_err_set(err, VG_EIO, "cannot write the password store: %s",
			                strerror(o.err));
		} else if (vg_pwrite_all(fd, index, VGP_INDEX_LEN, VGP_HEADER_LEN) != 0) {
			rc = vg_err_set(err, VG_EIO, "cannot write the password store: %s",
			                strerror(errno));
		} else {
			memset(hdr, 0, VGP_HEADER_LEN);
			memcpy(hdr + VGP_H_MAGIC, VGP_MAGIC, VGP_MAGIC_LEN);
			vgp_put32(hdr + VGP_H_VERSION, VGP_VERSION);
			vgp_put32(hdr + VGP_H_MODE, (uint32_t)b->mode);
			vgp_put32(hdr + VGP_H_RECSIZE, (uint32_t)rsz);
			vgp_put64(hdr + VGP_H_GENERATION, b->gen);
			vgp_put64(hdr + VGP_H_CREATED, (uint64_t)b->now);
			uint64_t id;
			randombytes_buf(&id, sizeof(id));
			vgp_put64(hdr + VGP_H_BUILD_ID, id);
			vgp_put64(hdr + VGP_H_ENTRIES, entries);
			vgp_put64(hdr + VGP_H_TOTAL, total);
			vgp_put64(hdr + VGP_H_NFILES, nf);
			vgp_put64(hdr + VGP_H_FILE_LEN, o.off);
			vgp_put64(hdr + VGP_H_SUM_INDEX, vgp_checksum(index, VGP_INDEX_LEN));
			vgp_put64(hdr + VGP_H_SUM_RECORDS, sum_records);
			vgp_put64(hdr + VGP_H_SUM_FILES, sum_files);
			vgp_put32(hdr + VGP_H_MAX_BUCKET, maxb);
			vgp_put64(hdr + VGP_H_CHECKSUM, vgp_header_checksum(hdr));
			if (vg_pwrite_all(fd, hdr, VGP_HEADER_LEN, 0) != 0)
				rc = vg_err_set(err, VG_EIO, "cannot write the password store: %s",
				                strerror(errno));
		}
	}
	for (size_t i = 0; i < nsrc; i++)
		free(ss[i].buf);
	free(ss);
	free(hp.h);
	free(index);
	free(o.buf);
	XXH3_freeState(xs_live);
	XXH3_freeState(xs_out);
	return rc;
}

int vg_pwbuild_commit(vg_pwbuild *b, vg_pwbuild_result *res, vg_err *err)
{
	vg_pwbuild_result r;
	memset(&r, 0, sizeof(r));
	vg_pwned_path(b->dir, b->mode, r.path, sizeof(r.path));
	if (b->cur) {
		r.generation = b->cur->info.generation;
		r.entries = r.entries_before = b->cur->info.entries;
		r.total = b->cur->info.total;
		r.file_len = b->cur->info.file_len;
	}
	if (!vg_pwbuild_changed(b)) {
		if (res)
			*res = r;
		release(b);
		return 0;
	}
	size_t nlast = 0;
	const pent *last = b->n ? sort_mem(b, &nlast) : NULL;
	r.runs = (unsigned)b->nruns;
	char tmp[4300];
	snprintf(tmp, sizeof(tmp), "%s.tmp", r.path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = vg_err_set(err, VG_EIO, "cannot create %s: %s", tmp, strerror(errno));
		release(b);
		return rc;
	}
	uint8_t hdr[VGP_HEADER_LEN];
	int rc = write_version(b, fd, last, nlast, hdr, err);
	if (!rc && fsync(fd) != 0)
		rc = vg_err_set(err, VG_EIO, "cannot sync %s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = vg_err_set(err, VG_EIO, "cannot close %s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, r.path) != 0)
		rc = vg_err_set(err, VG_EIO, "cannot rename %s: %s", tmp, strerror(errno));
	if (rc) {
		unlink(tmp);
		release(b);
		return rc;
	}
	if (vg_sync_dir(b->dir) != 0) {
		rc = vg_err_set(err, VG_EIO, "cannot sync directory %s: %s", b->dir,
		                strerror(errno));
		release(b);
		return rc;
	}
	r.published = true;
	r.generation = b->gen;
	r.entries = vgp_get64(hdr + VGP_H_ENTRIES);
	r.total = vgp_get64(hdr + VGP_H_TOTAL);
	r.file_len = vgp_get64(hdr + VGP_H_FILE_LEN);
	if (res)
		*res = r;
	release(b);
	return 0;
}
