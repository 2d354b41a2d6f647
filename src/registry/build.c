/*
 * build.c: building the next registry version, and publishing it.
 *
 * Entries arrive in batches from the ingest workers (under one mutex) and
 * go straight into buckets: one per (table, top byte of the key), 1,280 in
 * all, each a list of fixed-size chunks of 12-byte entries. Because keys
 * are uniform PRF outputs, the buckets are a finished first radix pass:
 * sorting is 1,280 small in-cache sorts (sort.c), spread over threads, and
 * walking the buckets in order walks the sorted table.
 *
 * Chunks are cut from arenas (mmap()ed blocks of up to 64 MiB), never
 * freed one by one: the arenas go when the build ends.
 *
 * Memory: when the chunks plus the sort scratch would pass the budget, the
 * buckets are sorted, deduplicated and appended to the spill file as one
 * sorted run (12-byte records, per table), and the chunks are reused.
 * The spill file is created unlinked (O_TMPFILE, or mkstemp + unlink):
 * nothing is left behind whatever happens.
 *
 * Commit, when the buckets are the only input (no spill, no live version:
 * a first ingest that fits the budget): every bucket is sorted on every
 * thread; then every count, hence every section's offset, is known, and
 * the threads write the key and payload sections in parallel with pwrite()
 * (write_mem()). Otherwise commit merges, table by table, the sorted runs,
 * the last in-memory run and the live version (read with pread, so that
 * its pages do not count in our RSS; its checksums and order are checked
 * on the way, so a damaged live version is never silently carried
 * forward). Equal keys are merged by OR-ing their payloads. Keys go to the
 * new file; payloads to an unlinked temporary file, copied after the keys
 * once all tables are done (the key sections' lengths are only known
 * then). Statistics come from histograms of the payloads taken as they are
 * written. Either way the file is the same, byte for byte.
 *
 * Publish protocol (docs/registry.md):
 *   1. write DIR/registry-N.vgr.tmp (O_EXCL), header last; fsync; close;
 *   2. rename to DIR/registry-N.vgr; fsync DIR;
 *   3. write DIR/CURRENT.tmp; fsync; rename to DIR/CURRENT; fsync DIR;
 *   4. remove the versions opts.keep does not keep.
 * A crash before 3 completes leaves CURRENT naming the previous version,
 * intact; begin removes *.tmp leftovers (under DIR/registry.lock, so never
 * another build's), and N is past every registry-N.vgr in DIR.
 */
#define XXH_STATIC_LINKING_ONLY
#include "registry/format.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/xxh.h"

#define NBUCKETS (VG_IDTAB__COUNT * 256)
#define IO_BUF (1u << 20)
#define WRITEBACK_STEP ((uint64_t)8 << 20)
#define ARENA_MMAP ((size_t)1 << 20)
#define ARENA_MAX ((size_t)64 << 20)

typedef struct chunk {
	struct chunk *next;
	size_t n;
	vgr_ent e[];
} chunk;

typedef struct bucket {
	chunk *head, *tail;
	uint64_t n;
} bucket;

/* A sorted run in the spill file: per table, records at off, n of them. */
typedef struct run {
	uint64_t off[VG_IDTAB__COUNT];
	uint64_t n[VG_IDTAB__COUNT];
} run;

/* A block of memory that chunks are cut from. */
typedef struct arena {
	void *p;
	size_t len;
	bool mapped; /* mmap()ed, else vg_xmalloc()ed */
} arena;

/* A file claimed or recorded in this build. */
typedef struct fileslot {
	uint8_t fp[VG_FINGERPRINT_BYTES];
	bool recorded;
	vg_regfile rec;
} fileslot;

struct vg_regbuild {
	char dir[4096];
	const vg_regkey *key;
	size_t budget;
	unsigned threads;
	int64_t now;
	unsigned keep;
	bool keep_all;
	int crash_at;
	int lockfd;
	vg_registry *cur; /* the live version, or NULL */
	uint64_t gen;     /* the version being built */
	pthread_mutex_t mu;
	vg_regsource src[VG_SOURCE_MAX];
	unsigned nsrc;
	bool sources_changed;
	fileslot *files;
	size_t nfiles, capfiles;
	bucket bk[NBUCKETS];
	chunk *spare; /* chunks to reuse */
	size_t chunk_cap, chunk_bytes;
	arena *arenas; /* where chunks come from; freed by release() only */
	size_t narenas, caparenas;
	size_t arena_bytes;
	uint8_t *arena_next; /* the rest of the last arena */
	size_t arena_left;
	pthread_t unmapper; /* freeing the arenas, when unmapping */
	bool unmapping;
	size_t mem;  /* bytes of chunks in buckets */
	size_t lmem; /* bytes of chunks in locals' buckets (vg_regbuild_local) */
	uint64_t maxbucket;
	uint64_t added;
	int spill_fd;
	uint64_t spill_len;
	run *runs;
	size_t nruns;
	int failed; /* a spill failed: the error, kept for commit */
	vg_err fail_err;
	double sort_seconds;
};

/* Monotonic seconds, for the timings of the result. */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ small I/O helpers */

/* An unlinked temporary file in dir, for spills and payloads. */
static int temp_file(const char *dir, const char *tag)
{
	int fd;
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	char path[4200];
	snprintf(path, sizeof(path), "%s/.%s-XXXXXX.tmp", dir, tag);
	fd = mkstemps(path, 4);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* ------------------------------------------------------------ buffered writer */

/*
 * Sequential writes through a buffer, tracking the file offset and the
 * XXH3-64 of the current section (the bytes since section_begin()).
 */
typedef struct writer {
	int fd;
	uint8_t *buf;
	size_t cap, len;
	bool flushed;     /* some bytes went to the file */
	size_t hash_from; /* buf[hash_from..len) belongs to the section */
	bool hashing;
	uint64_t off; /* file offset of buf[len] */
	XXH3_state_t xs;
	int err; /* errno of the first failure */
	/* the registry file: start writing back what is written, so that the
	 * fsync at the end has less left to wait for */
	bool writeback;
	uint64_t wb_from; /* file offset not yet handed to writeback */
} writer;

/* A writer at file offset off of fd, buffering up to cap bytes. */
static void writer_init(writer *w, int fd, uint64_t off, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->cap = cap;
	w->buf = vg_xmalloc(cap); /* pages never touched cost no memory */
	w->off = off;
}

/* Hashes what belongs to the open section, then writes the buffer out. */
static void writer_flush(writer *w)
{
	if (w->hashing && w->len > w->hash_from)
		vg_xxh3_64_update(&w->xs, w->buf + w->hash_from, w->len - w->hash_from);
	w->hash_from = 0;
	if (w->len && !w->err && vg_write_all(w->fd, w->buf, w->len) != 0)
		w->err = errno ? errno : EIO;
	w->flushed |= w->len > 0;
	w->len = 0;
#ifdef SYNC_FILE_RANGE_WRITE
	if (w->writeback && !w->err && w->off - w->wb_from >= WRITEBACK_STEP) {
		/* asynchronous; a failure here is the fsync's to report */
		(void)sync_file_range(w->fd, (off64_t)w->wb_from, (off64_t)(w->off - w->wb_from),
		                      SYNC_FILE_RANGE_WRITE);
		w->wb_from = w->off;
	}
#endif
}

/* Appends p[0..n), flushing as the buffer fills. */
static inline void writer_put(writer *w, const void *p, size_t n)
{
	if (w->len + n <= w->cap) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
		w->off += n;
		return;
	}
	const uint8_t *s = p;
	while (n > 0) {
		if (w->len == w->cap)
			writer_flush(w);
		size_t k = w->cap - w->len < n ? w->cap - w->len : n;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		w->off += k;
		s += k;
		n -= k;
	}
}

/* Zero bytes up to the next VGR_ALIGN boundary (not part of any section). */
static void writer_align(writer *w)
{
	static const uint8_t zero[VGR_ALIGN];
	uint64_t pad = vgr_align(w->off) - w->off;
	if (pad)
		writer_put(w, zero, (size_t)pad);
}

/* Starts a section: the bytes put from now on are hashed. */
static void section_begin(writer *w)
{
	if (w->hashing && w->len > w->hash_from)
		vg_xxh3_64_update(&w->xs, w->buf + w->hash_from, w->len - w->hash_from);
	XXH3_INITSTATE(&w->xs);
	XXH3_64bits_reset(&w->xs);
	w->hash_from = w->len;
	w->hashing = true;
}

/* Ends the section; returns its XXH3-64. */
static uint64_t section_end(writer *w)
{
	if (w->len > w->hash_from)
		vg_xxh3_64_update(&w->xs, w->buf + w->hash_from, w->len - w->hash_from);
	w->hash_from = w->len;
	w->hashing = false;
	return XXH3_64bits_digest(&w->xs);
}

/* Frees the buffer (the caller flushed what it wanted written). */
static void writer_release(writer *w)
{
	free(w->buf);
	w->buf = NULL;
}

/* ------------------------------------------------------------ begin */

/* Whether name is "registry-<digits>.vgr" (sets *gen) or the same + ".tmp". */
static bool version_name(const char *name, uint64_t *gen, bool *tmp)
{
	if (strncmp(name, "registry-", 9) != 0)
		return false;
	const char *p = name + 9;
	size_t digits = strspn(p, "0123456789");
	if (digits == 0 || digits > 19)
		return false;
	if (!strcmp(p + digits, ".vgr"))
		*tmp = false;
	else if (!strcmp(p + digits, ".vgr.tmp"))
		*tmp = true;
	else
		return false;
	*gen = strtoull(p, NULL, 10);
	return true;
}

/* Removes what an interrupted build left; returns the largest version number seen. */
static uint64_t clean_dir(const char *dir)
{
	uint64_t maxgen = 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		uint64_t g;
		bool tmp;
		const char *n = e->d_name;
		size_t len = strlen(n);
		bool ours_tmp = !strcmp(n, "CURRENT.tmp") ||
		                ((!strncmp(n, ".spill-", 7) || !strncmp(n, ".payloads-", 10)) &&
		                 len > 4 && !strcmp(n + len - 4, ".tmp"));
		if (version_name(n, &g, &tmp)) {
			if (g > maxgen)
				maxgen = g;
			ours_tmp = tmp;
		}
		if (ours_tmp)
			unlinkat(dirfd(d), n, 0);
	}
	closedir(d);
	return maxgen;
}

int vg_regbuild_begin(const char *dir, const vg_regkey *key, const vg_regbuild_opts *opts,
                      vg_regbuild **out, vg_err *err)
{
	*out = NULL;
	vg_regbuild_opts o = {0};
	if (opts)
		o = *opts;
	if (strlen(dir) + 64 > sizeof(((vg_regbuild *)0)->dir))
		return vg_err_set(err, VG_ETOOBIG, "registry directory name too long");
	if (o.memory_budget == 0)
		o.memory_budget = VG_REGBUILD_DEFAULT_BUDGET;
	if (o.memory_budget < VG_REGBUILD_MIN_BUDGET)
		return vg_err_set(err, VG_EUSAGE,
		                  "memory budget %zu bytes is below the minimum %zu",
		                  o.memory_budget, VG_REGBUILD_MIN_BUDGET);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return vg_err_set(err, VG_EIO, "cannot create registry directory %s: %s", dir,
		                  strerror(errno));

	vg_regbuild *b = vg_xcalloc(1, sizeof(*b));
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	b->key = key;
	b->budget = o.memory_budget;
	b->threads = o.threads ? o.threads : 2;
	if (b->threads > 64)
		b->threads = 64;
	b->now = o.now ? o.now : (int64_t)time(NULL);
	b->keep = o.keep ? o.keep : 2;
	b->keep_all = o.keep_all;
	b->crash_at = o.crash_at;
	b->spill_fd = -1;
	pthread_mutex_init(&b->mu, NULL);
	/* chunks: about 1/8 of the budget spread over the buckets, 16..8192 entries */
	size_t cap = b->budget / sizeof(vgr_ent) / NBUCKETS / 8;
	b->chunk_cap = cap < 16 ? 16 : cap > 8192 ? 8192 : cap;
	b->chunk_bytes = sizeof(chunk) + b->chunk_cap * sizeof(vgr_ent);
	b->chunk_bytes = (b->chunk_bytes + 63) & ~(size_t)63; /* chunks on cache lines */
	/* arenas: a sixteenth of the budget, at most 64 MiB */
	size_t ab = b->budget / 16;
	if (ab > ARENA_MAX)
		ab = ARENA_MAX;
	b->arena_bytes = ab < b->chunk_bytes ? b->chunk_bytes : ab;

	int rc = vg_lock_file(dir, "registry.lock", "build", &b->lockfd, err);
	if (rc) {
		vg_regbuild_abort(b);
		return rc;
	}
	uint64_t maxgen = clean_dir(dir);
	rc = vg_registry_open_dir(dir, key, 0, &b->cur, err);
	if (rc == VG_ENOTFOUND) {
		b->cur = NULL;
	} else if (rc) {
		if (err && rc == VG_ECORRUPT) {
			char m[sizeof(err->msg)];
			snprintf(m, sizeof(m), "%s", err->msg);
			vg_err_set(err, rc,
			           "the live registry is damaged, refusing to build on it: %s (run "
			           "vigie registry verify)",
			           m);
		}
		vg_regbuild_abort(b);
		return rc;
	}
	if (b->cur) {
		/* what is copied as is must be intact; keys and payloads are
		 * checked as the merge reads them */
		const unsigned small[] = {VGR_IDX_SOURCES, VGR_IDX_STATS, VGR_IDX_FILES};
		for (int i = 0; i < 3; i++) {
			unsigned s = small[i];
			if (vgr_checksum(b->cur->base + b->cur->sec[s].offset,
			                 b->cur->sec[s].length) != b->cur->sec[s].checksum) {
				char name[24];
				vgr_section_name(s, name, sizeof(name));
				rc =
				    vg_err_set(err, VG_ECORRUPT,
				               "the live registry is damaged, refusing to build on "
				               "it: %s: section %s: checksum mismatch (run vigie "
				               "registry verify)",
				               b->cur->path, name);
				vg_regbuild_abort(b);
				return rc;
			}
		}
		b->nsrc = b->cur->nsrc;
		memcpy(b->src, b->cur->src, sizeof(b->src));
		if (b->cur->generation > maxgen)
			maxgen = b->cur->generation;
	}
	if (maxgen >= 999999999999ull) {
		vg_regbuild_abort(b);
		return vg_err_set(err, VG_ETOOBIG, "version numbers exhausted in %s", dir);
	}
	b->gen = maxgen + 1;
	*out = b;
	return 0;
}

const vg_registry *vg_regbuild_current(const vg_regbuild *b)
{
	return b->cur;
}

/* ------------------------------------------------------------ sources and files */

int vg_regbuild_source(vg_regbuild *b, const char *name, unsigned flags, unsigned *index,
                       vg_err *err)
{
	size_t len = name ? strlen(name) : 0;
	if (len == 0 || len > VG_SOURCE_NAME_MAX || !vgr_text_ok(name, len))
		return vg_err_set(err, VG_EINVAL,
		                  "a source name is 1 to %d bytes of text without control "
		                  "characters",
		                  VG_SOURCE_NAME_MAX);
	if (flags & ~(unsigned)VG_SOURCE_SPECIAL)
		return vg_err_set(err, VG_EINVAL, "unknown source flags %#x", flags);
	pthread_mutex_lock(&b->mu);
	int rc = 0;
	unsigned i;
	for (i = 0; i < b->nsrc; i++)
		if (!strcmp(b->src[i].name, name))
			break;
	if (i == b->nsrc) {
		if (b->nsrc == VG_SOURCE_MAX) {
			rc = vg_err_set(err, VG_ETOOBIG,
			                "a registry holds at most %d sources; \"%s\" would be one "
			                "more",
			                VG_SOURCE_MAX, name);
			goto out;
		}
		memcpy(b->src[i].name, name, len + 1);
		b->src[i].flags = 0;
		__atomic_store_n(&b->nsrc, b->nsrc + 1, __ATOMIC_RELEASE);
		b->sources_changed = true;
	}
	if ((b->src[i].flags | flags) != b->src[i].flags) {
		b->src[i].flags |= flags;
		b->sources_changed = true;
	}
	*index = i;
out:
	pthread_mutex_unlock(&b->mu);
	return rc;
}

/* The slot of fingerprint fp in this build, or NULL. Under the lock. */
static fileslot *find_slot(vg_regbuild *b, const uint8_t *fp)
{
	for (size_t i = 0; i < b->nfiles; i++)
		if (!memcmp(b->files[i].fp, fp, VG_FINGERPRINT_BYTES))
			return &b->files[i];
	return NULL;
}

/* A new slot for fp. Under the lock. */
static fileslot *new_slot(vg_regbuild *b, const uint8_t *fp)
{
	if (b->nfiles == b->capfiles) {
		b->capfiles = b->capfiles ? 2 * b->capfiles : 16;
		b->files = vg_xrealloc(b->files, b->capfiles * sizeof(*b->files));
	}
	fileslot *s = &b->files[b->nfiles++];
	memset(s, 0, sizeof(*s));
	memcpy(s->fp, fp, VG_FINGERPRINT_BYTES);
	return s;
}

int vg_regbuild_claim(vg_regbuild *b, const uint8_t fp[VG_FINGERPRINT_BYTES])
{
	if (b->cur && vg_registry_has_file(b->cur, fp, NULL))
		return 0;
	pthread_mutex_lock(&b->mu);
	int rc = 0;
	if (!find_slot(b, fp)) {
		new_slot(b, fp);
		rc = 1;
	}
	pthread_mutex_unlock(&b->mu);
	return rc;
}

int vg_regbuild_add_file(vg_regbuild *b, const vg_regfile *f, vg_err *err)
{
	if (f->rows_accepted > f->rows_read || f->rows_rejected != f->rows_read - f->rows_accepted)
		return vg_err_set(err, VG_EINVAL,
		                  "file counters do not reconcile: %llu rows read, %llu accepted, "
		                  "%llu rejected",
		                  (unsigned long long)f->rows_read,
		                  (unsigned long long)f->rows_accepted,
		                  (unsigned long long)f->rows_rejected);
	for (int c = 0; c < VG_CAT__COUNT; c++)
		if (f->rows_with[c] > f->rows_accepted)
			return vg_err_set(err, VG_EINVAL,
			                  "file counters: %llu rows with %s, more than the %llu "
			                  "accepted",
			                  (unsigned long long)f->rows_with[c],
			                  vg_category_name((vg_category)c),
			                  (unsigned long long)f->rows_accepted);
	if (b->cur && vg_registry_has_file(b->cur, f->fingerprint, NULL))
		return vg_err_set(err, VG_EINVAL, "this file was ingested already");
	pthread_mutex_lock(&b->mu);
	int rc = 0;
	if (f->source >= b->nsrc) {
		rc = vg_err_set(err, VG_EINVAL, "file record names source %u of %u", f->source,
		                b->nsrc);
		goto out;
	}
	fileslot *s = find_slot(b, f->fingerprint);
	if (s && s->recorded) {
		rc = vg_err_set(err, VG_EINVAL, "this file was recorded already in this ingest");
		goto out;
	}
	if (!s)
		s = new_slot(b, f->fingerprint);
	s->rec = *f;
	if (s->rec.time == 0)
		s->rec.time = b->now;
	char name[VG_REGFILE_NAME_MAX + 1];
	char in[VG_REGFILE_NAME_MAX + 1];
	memcpy(in, f->name, sizeof(in));
	in[VG_REGFILE_NAME_MAX] = '\0';
	vg_regfile_display_name(in, name);
	memcpy(s->rec.name, name, sizeof(name));
	s->recorded = true;
out:
	pthread_mutex_unlock(&b->mu);
	return rc;
}

/* ------------------------------------------------------------ sorting the buckets */

typedef struct sort_job {
	vg_regbuild *b;
	size_t next; /* atomic: next bucket to sort */
	size_t end;  /* buckets [next, end) */
	size_t scratch_n;
} sort_job;

/* A sort thread's scratch. */
typedef struct sort_scratch {
	vgr_ent *s1, *s2; /* scratch_n entries each */
	uint32_t *counts;
	vgr_seg *seg; /* a bucket's chunks */
	size_t capseg;
} sort_scratch;

/* Sorts and deduplicates one bucket in place (its chunks). */
static void sort_bucket(bucket *bk, sort_scratch *sc)
{
	if (bk->n <= 1)
		return;
	size_t n = 0, nseg = 0;
	for (chunk *c = bk->head; c; c = c->next) {
		if (nseg == sc->capseg) {
			sc->capseg = sc->capseg ? 2 * sc->capseg : 16;
			sc->seg = vg_xrealloc(sc->seg, sc->capseg * sizeof(vgr_seg));
		}
		sc->seg[nseg++] = (vgr_seg){.e = c->e, .n = c->n};
		n += c->n;
	}
	vgr_ent *sorted = vgr_sort_segs(sc->seg, nseg, n, sc->s1, sc->s2, 56, sc->counts);
	size_t m = vgr_dedup(sorted, n);
	size_t done = 0;
	for (chunk *c = bk->head; c; c = c->next) {
		size_t room = c->n; /* chunks were filled in order: refill up to the same sizes */
		size_t take = m - done < room ? m - done : room;
		memcpy(c->e, sorted + done, take * sizeof(vgr_ent));
		c->n = take;
		done += take;
	}
	bk->n = m;
}

/* Sorts buckets of a job until none is left; a thread's body. */
static void *sort_worker(void *arg)
{
	sort_job *j = arg;
	sort_scratch sc = {.s1 = vg_xmalloc(j->scratch_n * sizeof(vgr_ent)),
	                   .s2 = vg_xmalloc(j->scratch_n * sizeof(vgr_ent)),
	                   .counts =
	                       vg_xmalloc((((size_t)1 << VGR_SORT_BITS) + 1) * sizeof(uint32_t))};
	for (;;) {
		size_t i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
		if (i >= j->end)
			break;
		sort_bucket(&j->b->bk[i], &sc);
	}
	free(sc.s1);
	free(sc.s2);
	free(sc.counts);
	free(sc.seg);
	return NULL;
}

/* Sorts buckets [from, to), on b->threads threads. */
static void sort_range(vg_regbuild *b, size_t from, size_t to)
{
	double t0 = now_s();
	sort_job j = {
	    .b = b, .next = from, .end = to, .scratch_n = b->maxbucket ? b->maxbucket : 1};
	pthread_t th[64];
	unsigned started = 0;
	for (unsigned i = 1; i < b->threads; i++)
		if (pthread_create(&th[started], NULL, sort_worker, &j) == 0)
			started++;
	sort_worker(&j);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	b->sort_seconds += now_s() - t0;
}

/* Moves every chunk to the spare list. */
static void empty_buckets(vg_regbuild *b)
{
	for (size_t i = 0; i < NBUCKETS; i++) {
		chunk *c = b->bk[i].head;
		while (c) {
			chunk *next = c->next;
			c->next = b->spare;
			b->spare = c;
			c = next;
		}
		b->bk[i].head = b->bk[i].tail = NULL;
		b->bk[i].n = 0;
	}
	b->mem = 0;
	b->maxbucket = 0;
}

/* Sorts the buckets and appends them to the spill file as one run. */
static int spill(vg_regbuild *b, vg_err *err)
{
	if (b->spill_fd < 0) {
		b->spill_fd = temp_file(b->dir, "spill");
		if (b->spill_fd < 0)
			return vg_err_set(err, VG_EIO, "cannot create a spill file in %s: %s",
			                  b->dir, strerror(errno));
	}
	sort_range(b, 0, NBUCKETS);
	run r;
	memset(&r, 0, sizeof(r));
	writer w;
	writer_init(&w, b->spill_fd, b->spill_len, IO_BUF);
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		r.off[t] = w.off;
		for (size_t i = (size_t)t * 256; i < (size_t)(t + 1) * 256; i++)
			for (chunk *c = b->bk[i].head; c; c = c->next) {
				writer_put(&w, c->e, c->n * sizeof(vgr_ent));
				r.n[t] += c->n;
			}
	}
	writer_flush(&w);
	int e = w.err;
	uint64_t end = w.off;
	writer_release(&w);
	if (e)
		return vg_err_set(err, VG_EIO, "cannot write the spill file in %s: %s", b->dir,
		                  strerror(e));
	b->spill_len = end;
	b->runs = vg_xrealloc(b->runs, (b->nruns + 1) * sizeof(run));
	b->runs[b->nruns++] = r;
	empty_buckets(b);
	return 0;
}

/*
 * A chunk: a spare one, else the next of the current arena. Arenas are
 * mmap()ed (malloc()ed when small): chunks cost no allocator headers,
 * their pages are faulted as entries fill them, and release() unmaps them
 * whole. (MADV_HUGEPAGE on them was measured: the zeroing of huge pages
 * that chunk tails only start to fill cost more system time than the
 * faults it saves.) Under the lock.
 */
static chunk *new_chunk(vg_regbuild *b)
{
	chunk *c = b->spare;
	if (c) {
		b->spare = c->next;
		return c;
	}
	if (b->arena_left < b->chunk_bytes) {
		size_t len = b->arena_bytes;
		void *p = NULL;
		bool mapped = false;
		if (len >= ARENA_MMAP) {
			void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
			               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m != MAP_FAILED) {
				p = m;
				mapped = true;
			}
		}
		if (!p)
			p = vg_xmalloc(len);
		if (b->narenas == b->caparenas) {
			b->caparenas = b->caparenas ? 2 * b->caparenas : 16;
			b->arenas = vg_xrealloc(b->arenas, b->caparenas * sizeof(*b->arenas));
		}
		b->arenas[b->narenas++] = (arena){.p = p, .len = len, .mapped = mapped};
		b->arena_next = p;
		b->arena_left = len;
	}
	c = (chunk *)b->arena_next;
	b->arena_next += b->chunk_bytes;
	b->arena_left -= b->chunk_bytes;
	return c;
}

/* Gives a chunk's memory back to the system (its pages); the chunk is
 * not used again. */
static void drop_chunk(const vg_regbuild *b, chunk *c)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t page = pg > 0 ? (uintptr_t)pg : 4096;
	uintptr_t from = ((uintptr_t)c + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)c + b->chunk_bytes) & ~(page - 1);
	if (to > from)
		(void)madvise((void *)from, to - from, MADV_DONTNEED);
}

/* Bytes the buckets and the sort scratch would take with one more chunk. */
static size_t need_bytes(const vg_regbuild *b)
{
	return b->mem + b->lmem + b->chunk_bytes +
	       (size_t)b->threads * 2 * (size_t)(b->maxbucket + 1) * sizeof(vgr_ent);
}

/* A chunk for bucket bk, spilling first when the budget says so. Under the lock. */
static int grow_bucket(vg_regbuild *b, bucket *bk, vg_err *err)
{
	if (need_bytes(b) > b->budget && b->mem > 0) {
		int rc = spill(b, err);
		if (rc)
			return rc;
	}
	chunk *c = new_chunk(b);
	c->next = NULL;
	c->n = 0;
	if (bk->tail)
		bk->tail->next = c;
	else
		bk->head = c;
	bk->tail = c;
	b->mem += b->chunk_bytes;
	return 0;
}

int vg_regbuild_add_batch(vg_regbuild *b, const vg_regentry *e, size_t n, vg_err *err)
{
	pthread_mutex_lock(&b->mu);
	int rc = 0;
	if (b->failed) {
		rc = vg_err_set(err, b->failed, "%s", b->fail_err.msg);
		goto out;
	}
	uint16_t mask = (uint16_t)((1u << b->nsrc) - 1);
	for (size_t i = 0; i < n; i++) {
		if (e[i].table >= VG_IDTAB__COUNT || (e[i].cats & ~VG_CAT_ALL) ||
		    e[i].sources == 0 || (e[i].sources & ~mask)) {
			rc =
			    vg_err_set(err, VG_EINVAL,
			               "entry %zu of the batch: table %u, categories %04x, sources "
			               "%04x: not a valid entry (%u sources registered)",
			               i, e[i].table, e[i].cats, e[i].sources, b->nsrc);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		bucket *bk = &b->bk[(size_t)e[i].table * 256 + (size_t)(e[i].key >> 56)];
		if (!bk->tail || bk->tail->n == b->chunk_cap) {
			rc = grow_bucket(b, bk, err);
			if (rc) {
				b->failed = rc;
				if (err)
					b->fail_err = *err;
				else
					vg_err_set(&b->fail_err, rc, "a spill to %s failed",
					           b->dir);
				goto out;
			}
		}
		vgr_ent *d = &bk->tail->e[bk->tail->n++];
		d->key = e[i].key;
		d->pay = vgr_payload(e[i].cats, e[i].sources);
		if (++bk->n > b->maxbucket)
			b->maxbucket = bk->n;
	}
	b->added += n;
out:
	pthread_mutex_unlock(&b->mu);
	return rc;
}

/* ------------------------------------------------------------ thread-local buckets */

/* A local bucket, in two halves: the write position in its tail chunk
 * (hot: adding an entry touches this 20 KiB array, which stays in the L1
 * cache, and the entry's place, not the chunk's header), and its chunks
 * (cold: touched when a chunk is full). tail->n is set when the chunk is
 * left; the bucket holds nfull + (wp - tail->e) entries, every chunk but
 * the tail being full. */
typedef struct lhot {
	vgr_ent *wp, *end; /* next free entry of tail, end of tail; NULL: no tail */
} lhot;

typedef struct lcold {
	chunk *head, *tail;
	uint64_t nfull; /* entries in the chunks before the tail */
} lcold;

struct vg_regbuild_local {
	vg_regbuild *b;
	size_t limit; /* bytes of chunks held before handing over */
	size_t mem;   /* bytes of chunks held */
	uint64_t added;
	lhot hot[NBUCKETS];
	lcold cold[NBUCKETS];
};

vg_regbuild_local *vg_regbuild_local_new(vg_regbuild *b, unsigned of)
{
	vg_regbuild_local *l = vg_xcalloc(1, sizeof(*l));
	l->b = b;
	l->limit = b->budget / 4 / (of ? of : 1);
	/* room for two chunks a bucket: a hand-over then moves many chunks */
	if (l->limit < 2 * NBUCKETS * b->chunk_bytes)
		l->limit = 2 * NBUCKETS * b->chunk_bytes;
	return l;
}

/* Links the local's chunks after the builder's; all: the partly filled
 * tails too (else they stay, so that the builder only gets full chunks).
 * Under the lock. */
static void hand_over(vg_regbuild_local *l, bool all)
{
	vg_regbuild *b = l->b;
	size_t moved = 0;
	for (size_t i = 0; i < NBUCKETS; i++) {
		lcold *from = &l->cold[i];
		lhot *h = &l->hot[i];
		bucket *to = &b->bk[i];
		if (!from->head)
			continue;
		size_t tail_n = (size_t)(h->wp - from->tail->e);
		from->tail->n = tail_n;
		chunk *first = from->head, *last = from->tail;
		uint64_t n = from->nfull + tail_n;
		if (!all) {
			if (first == last)
				continue; /* only the tail */
			last = first;
			size_t k = 1;
			while (last->next != from->tail) {
				last = last->next;
				k++;
			}
			n = (uint64_t)k * b->chunk_cap;
			last->next = NULL;
			from->head = from->tail;
			from->nfull -= n; /* (a full tail being left is counted in nfull) */
			moved += k;
		} else {
			from->head = from->tail = NULL;
			h->wp = h->end = NULL;
			from->nfull = 0;
			for (const chunk *c = first; c; c = c->next)
				moved++;
		}
		if (to->tail)
			to->tail->next = first;
		else
			to->head = first;
		to->tail = last;
		to->n += n;
		if (to->n > b->maxbucket)
			b->maxbucket = to->n;
	}
	size_t bytes = moved * b->chunk_bytes;
	b->mem += bytes;
	b->lmem -= bytes;
	l->mem -= bytes;
	if (all) {
		b->added += l->added;
		l->added = 0;
	}
}

/* Records a failure for commit. Under the lock. */
static void set_failed(vg_regbuild *b, int rc, const vg_err *err)
{
	b->failed = rc;
	if (err)
		b->fail_err = *err;
	else
		vg_err_set(&b->fail_err, rc, "a spill to %s failed", b->dir);
}

/* A new chunk for local bucket bk: hands over and spills first when the
 * budget says so. */
static int local_grow(vg_regbuild_local *l, size_t i, vg_err *err)
{
	vg_regbuild *b = l->b;
	lhot *h = &l->hot[i];
	lcold *bk = &l->cold[i];
	int rc = 0;
	if (bk->tail) {
		bk->tail->n = (size_t)(h->wp - bk->tail->e); /* full: wp == end */
		bk->nfull += bk->tail->n;
	}
	pthread_mutex_lock(&b->mu);
	if (b->failed) {
		rc = vg_err_set(err, b->failed, "%s", b->fail_err.msg);
		goto out;
	}
	if (l->mem + b->chunk_bytes > l->limit || need_bytes(b) > b->budget) {
		hand_over(l, false);
		if (need_bytes(b) > b->budget && b->mem > 0) {
			rc = spill(b, err);
			if (rc) {
				set_failed(b, rc, err);
				goto out;
			}
		}
	}
	chunk *c = new_chunk(b);
	b->lmem += b->chunk_bytes;
	c->next = NULL;
	c->n = 0;
	if (bk->tail)
		bk->tail->next = c;
	else
		bk->head = c;
	bk->tail = c;
	h->wp = c->e;
	h->end = c->e + b->chunk_cap;
	l->mem += b->chunk_bytes;
out:
	pthread_mutex_unlock(&b->mu);
	return rc;
}

int vg_regbuild_local_add(vg_regbuild_local *l, const vg_regentry *e, size_t n, vg_err *err)
{
	vg_regbuild *b = l->b;
	unsigned nsrc = __atomic_load_n(&b->nsrc, __ATOMIC_ACQUIRE);
	uint16_t mask = (uint16_t)((1u << nsrc) - 1);
	for (size_t i = 0; i < n; i++) {
		if (e[i].table >= VG_IDTAB__COUNT || (e[i].cats & ~VG_CAT_ALL) ||
		    e[i].sources == 0 || (e[i].sources & ~mask))
			return vg_err_set(err, VG_EINVAL,
			                  "entry %zu of the batch: table %u, categories %04x, "
			                  "sources %04x: not a valid entry (%u sources registered)",
			                  i, e[i].table, e[i].cats, e[i].sources, nsrc);
	}
	for (size_t i = 0; i < n; i++) {
		size_t bi = (size_t)e[i].table * 256 + (size_t)(e[i].key >> 56);
		lhot *h = &l->hot[bi];
		if (h->wp == h->end) { /* also when both are NULL: no chunk yet */
			int rc = local_grow(l, bi, err);
			if (rc)
				return rc;
		}
		vgr_ent *d = h->wp++;
		d->key = e[i].key;
		d->pay = vgr_payload(e[i].cats, e[i].sources);
	}
	l->added += n;
	return 0;
}

int vg_regbuild_local_flush(vg_regbuild_local *l, vg_err *err)
{
	vg_regbuild *b = l->b;
	pthread_mutex_lock(&b->mu);
	int rc = 0;
	hand_over(l, true);
	if (b->failed)
		rc = vg_err_set(err, b->failed, "%s", b->fail_err.msg);
	pthread_mutex_unlock(&b->mu);
	return rc;
}

void vg_regbuild_local_free(vg_regbuild_local *l)
{
	if (!l)
		return;
	vg_regbuild *b = l->b;
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < NBUCKETS; i++) {
		chunk *c = l->cold[i].head;
		while (c) {
			chunk *next = c->next;
			c->next = b->spare;
			b->spare = c;
			c = next;
		}
	}
	b->lmem -= l->mem;
	pthread_mutex_unlock(&b->mu);
	free(l);
}

/* ------------------------------------------------------------ merging */

/* Buffered sequential reads of a byte range of a file, with pread. */
typedef struct stream {
	int fd;
	uint64_t off, end; /* next byte to read, end of the range */
	uint8_t *buf;
	size_t cap, len, pos;
	XXH3_state_t *xs; /* hash of the bytes read, or NULL */
} stream;

/* A stream over fd[off, off + len), cap bytes of buffer; hash: XXH3 what is read. */
static void stream_init(stream *s, int fd, uint64_t off, uint64_t len, size_t cap, bool hash)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->off = off;
	s->end = off + len;
	s->cap = cap;
	s->buf = vg_xmalloc(cap);
	if (hash) {
		s->xs = vg_xmalloc(sizeof(XXH3_state_t));
		XXH3_INITSTATE(s->xs);
		XXH3_64bits_reset(s->xs);
	}
}

/* Makes need bytes available at buf[pos]; 0, or -1 (errno) on a read error. */
static int stream_need(stream *s, size_t need)
{
	if (s->len - s->pos >= need)
		return 0;
	size_t rem = s->len - s->pos;
	memmove(s->buf, s->buf + s->pos, rem);
	s->len = rem;
	s->pos = 0;
	uint64_t want = s->cap - rem;
	if (want > s->end - s->off)
		want = s->end - s->off;
	if (want < need - rem) {
		errno = EIO;
		return -1;
	}
	if (vg_pread_all(s->fd, s->buf + rem, (size_t)want, s->off) != 0)
		return -1;
	if (s->xs)
		vg_xxh3_64_update(s->xs, s->buf + rem, (size_t)want);
	s->off += want;
	s->len += (size_t)want;
	return 0;
}

/* Frees the stream's buffer and hash state. */
static void stream_release(stream *s)
{
	free(s->buf);
	free(s->xs);
	s->buf = NULL;
	s->xs = NULL;
}

enum { CUR_MEM, CUR_RUN, CUR_LIVE };

/* One sorted input of the merge of a table. */
typedef struct cursor {
	int kind;
	uint64_t key;
	uint32_t pay;
	uint64_t left; /* entries not read yet (CUR_RUN, CUR_LIVE) */
	/* CUR_MEM */
	const bucket *bk, *bk_end;
	const chunk *ch;
	size_t pos;
	/* CUR_RUN: s; CUR_LIVE: s (keys) and p (payloads) */
	stream s, p;
	uint64_t prev; /* CUR_LIVE: last key, to check the order */
	bool started;
} cursor;

/* cursor_next() when the next entry is not at hand. */
static int cursor_next_slow(cursor *c, const char **what)
{
	switch (c->kind) {
	case CUR_MEM:
		while (c->bk < c->bk_end) {
			if (!c->ch) {
				c->ch = c->bk->head;
				c->pos = 0;
			}
			while (c->ch && c->pos >= c->ch->n) {
				c->ch = c->ch->next;
				c->pos = 0;
			}
			if (c->ch) {
				c->key = c->ch->e[c->pos].key;
				c->pay = c->ch->e[c->pos].pay;
				c->pos++;
				return 1;
			}
			c->bk++;
		}
		return 0;
	case CUR_RUN:
		if (c->left == 0)
			return 0;
		if (stream_need(&c->s, sizeof(vgr_ent)) != 0) {
			*what = "read the spill file";
			return VG_EIO;
		}
		c->key = vgr_get64(c->s.buf + c->s.pos);
		c->pay = vgr_get32(c->s.buf + c->s.pos + 8);
		c->s.pos += sizeof(vgr_ent);
		c->left--;
		return 1;
	default:
		if (c->left == 0)
			return 0;
		if (stream_need(&c->s, 8) != 0 || stream_need(&c->p, 4) != 0) {
			*what = "read the live registry";
			return VG_EIO;
		}
		c->key = vgr_get64(c->s.buf + c->s.pos);
		c->pay = vgr_get32(c->p.buf + c->p.pos);
		c->s.pos += 8;
		c->p.pos += 4;
		c->left--;
		if (c->started && c->key <= c->prev) {
			*what = "the live registry's keys are not sorted";
			return VG_ECORRUPT;
		}
		c->started = true;
		c->prev = c->key;
		return 1;
	}
}

/* Advances c: 1 with c->key/pay set, 0 at the end, or an error code.
 * The common cases inline; the rest (refills, chunk changes) out of line. */
static inline int cursor_next(cursor *c, const char **what)
{
	if (c->kind == CUR_MEM) {
		if (c->ch && c->pos < c->ch->n) {
			c->key = c->ch->e[c->pos].key;
			c->pay = c->ch->e[c->pos].pay;
			c->pos++;
			return 1;
		}
	} else if (c->kind == CUR_RUN) {
		if (c->left && c->s.len - c->s.pos >= sizeof(vgr_ent)) {
			c->key = vgr_get64(c->s.buf + c->s.pos);
			c->pay = vgr_get32(c->s.buf + c->s.pos + 8);
			c->s.pos += sizeof(vgr_ent);
			c->left--;
			return 1;
		}
	}
	return cursor_next_slow(c, what);
}

/* Min-heap of cursors by key. */
static void heap_down(cursor **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && h[l]->key < h[m]->key)
			m = l;
		if (l + 1 < n && h[l + 1]->key < h[m]->key)
			m = l + 1;
		if (m == i)
			return;
		cursor *t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* What the merge of one table produced. */
typedef struct table_out {
	uint64_t n;
	uint64_t key_sum, pay_sum; /* section checksums */
	uint64_t pay_off;          /* offset of its payloads in the payload file */
	uint64_t *hc, *hs;         /* payload histograms (vgr_fold()) */
} table_out;

/* Merges every input of table t: keys to kw, payloads to pw. */
static int merge_table(vg_regbuild *b, int t, writer *kw, writer *pw, table_out *o, size_t bufcap,
                       vg_err *err)
{
	size_t k = 1 + b->nruns + (b->cur ? 1 : 0);
	cursor *cs = vg_xcalloc(k, sizeof(cursor));
	cursor **heap = vg_xcalloc(k, sizeof(cursor *));
	size_t nc = 0;
	cs[nc].kind = CUR_MEM;
	cs[nc].bk = &b->bk[(size_t)t * 256];
	cs[nc].bk_end = &b->bk[(size_t)(t + 1) * 256];
	nc++;
	for (size_t i = 0; i < b->nruns; i++, nc++) {
		cs[nc].kind = CUR_RUN;
		cs[nc].left = b->runs[i].n[t];
		stream_init(&cs[nc].s, b->spill_fd, b->runs[i].off[t],
		            b->runs[i].n[t] * sizeof(vgr_ent), bufcap, false);
	}
	cursor *live = NULL;
	if (b->cur) {
		live = &cs[nc++];
		live->kind = CUR_LIVE;
		live->left = b->cur->n[t];
		stream_init(&live->s, b->cur->fd, b->cur->sec[VGR_IDX_KEYS(t)].offset,
		            b->cur->sec[VGR_IDX_KEYS(t)].length, bufcap, true);
		stream_init(&live->p, b->cur->fd, b->cur->sec[VGR_IDX_PAYLOADS(t)].offset,
		            b->cur->sec[VGR_IDX_PAYLOADS(t)].length, bufcap / 2, true);
	}
	int rc = 0;
	const char *what = "";
	size_t hn = 0;
	for (size_t i = 0; i < nc; i++) {
		int r = cursor_next(&cs[i], &what);
		if (r < 0) {
			rc = r;
			goto out;
		}
		if (r == 1)
			heap[hn++] = &cs[i];
	}
	for (size_t i = hn; i-- > 0;)
		heap_down(heap, hn, i);

	section_begin(kw);
	section_begin(pw);
	o->pay_off = pw->off;
	/* the live version's bits beyond its sources would be damage: verify's
	 * business; the mask only keeps the histogram in bounds */
	uint32_t src_mask = (1u << b->nsrc) - 1;
	uint64_t n = 0;
	while (hn > 0) {
		uint64_t key = heap[0]->key;
		uint32_t pay = 0;
		while (hn > 0 && heap[0]->key == key) {
			cursor *c = heap[0];
			pay |= c->pay;
			int r = cursor_next(c, &what);
			if (r < 0) {
				rc = r;
				goto out;
			}
			if (r == 0)
				heap[0] = heap[--hn];
			heap_down(heap, hn, 0);
		}
		writer_put(kw, &key, 8);
		writer_put(pw, &pay, 4);
		o->hc[pay & VG_CAT_ALL]++;
		o->hs[(pay >> 16) & src_mask]++;
		n++;
	}
	o->n = n;
	o->key_sum = section_end(kw);
	o->pay_sum = section_end(pw);
	if (live) {
		uint64_t ks = XXH3_64bits_digest(live->s.xs), ps = XXH3_64bits_digest(live->p.xs);
		if (ks != b->cur->sec[VGR_IDX_KEYS(t)].checksum ||
		    ps != b->cur->sec[VGR_IDX_PAYLOADS(t)].checksum) {
			what = "a checksum of the live registry does not match";
			rc = VG_ECORRUPT;
		}
	}
out:
	if (rc)
		vg_err_set(err, rc, "merging table %s: cannot %s%s (%s)",
		           vg_idtab_name((vg_idtab)t), rc == VG_ECORRUPT ? "continue: " : "", what,
		           rc == VG_ECORRUPT ? "run vigie registry verify" : strerror(errno));
	for (size_t i = 0; i < nc; i++) {
		stream_release(&cs[i].s);
		stream_release(&cs[i].p);
	}
	free(cs);
	free(heap);
	return rc;
}

/* ------------------------------------------------------------ writing the file */

/* Sets section idx in the header being built. */
static void put_section(uint8_t *h, unsigned idx, uint32_t type, uint32_t arg, uint64_t off,
                        uint64_t len, uint64_t count, uint64_t sum)
{
	uint8_t *s = h + VGR_HEADER_FIXED + (size_t)idx * VGR_SECTION_SIZE;
	vgr_put32(s + VGR_S_TYPE, type);
	vgr_put32(s + VGR_S_ARG, arg);
	vgr_put64(s + VGR_S_OFFSET, off);
	vgr_put64(s + VGR_S_LENGTH, len);
	vgr_put64(s + VGR_S_COUNT, count);
	vgr_put64(s + VGR_S_CHECKSUM, sum);
}

/* Gives back the memory of the chunks of table t's buckets, once merged,
 * and of the spare chunks: the payloads may grow in its place. */
static void free_table_chunks(vg_regbuild *b, int t)
{
	for (size_t i = (size_t)t * 256; i < (size_t)(t + 1) * 256; i++) {
		chunk *c = b->bk[i].head;
		while (c) {
			chunk *next = c->next;
			drop_chunk(b, c);
			c = next;
		}
		b->bk[i].head = b->bk[i].tail = NULL;
		b->bk[i].n = 0;
	}
	while (b->spare) {
		chunk *next = b->spare->next;
		drop_chunk(b, b->spare);
		b->spare = next;
	}
}

/* ------------------------------------------------------------ writing from memory alone */

/*
 * When the sorted buckets are the only input (no spill, no live version),
 * table t is the concatenation of its buckets, and once they are sorted
 * and deduplicated every count is known, so every section's place in the
 * file: the tables are cut into segments of whole buckets, and the threads
 * take segments in order, split each into its keys and payloads in a
 * buffer of their own (in cache), write both with pwrite() at their places
 * and add them to the sections' XXH3 in turn (a segment waits for the
 * previous one of its table to be hashed; hashing is much faster than the
 * rest, so the waits are short).
 */

#define SEG_ENTRIES 32768 /* a segment: about this many entries (whole buckets) */
#define HCOPIES 4

typedef struct wseg {
	unsigned t, k;     /* table; index among the table's segments */
	size_t from, to;   /* buckets [from, to) */
	uint64_t first, n; /* index in the table of the first entry; entries */
} wseg;

typedef struct memwrite {
	XXH3_state_t ks[VG_IDTAB__COUNT], ps[VG_IDTAB__COUNT]; /* first: aligned */
	vg_regbuild *b;
	int fd;
	wseg *segs;
	size_t nsegs;
	size_t next; /* atomic: the next segment to take */
	uint64_t segmax;
	uint64_t key_off[VG_IDTAB__COUNT], pay_off[VG_IDTAB__COUNT];
	unsigned turn[VG_IDTAB__COUNT]; /* the segment of each table to hash next */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	table_out *to; /* histograms summed here, under mu */
	int err;       /* errno of the first failure (-1: counts disagree), under mu */
} memwrite;

/* Takes segments until none is left; a thread's body. */
static void *memwrite_worker(void *arg)
{
	memwrite *w = arg;
	vg_regbuild *b = w->b;
	size_t nh = (size_t)1 << b->nsrc;
	uint32_t src_mask = (uint32_t)nh - 1;
	uint64_t *kb = vg_xmalloc((size_t)w->segmax * 8);
	uint32_t *pb = vg_xmalloc((size_t)w->segmax * 4);
	/* HCOPIES histograms a table, entry i counted in copy i % HCOPIES: most
	 * payloads are equal, and increments of one counter in a row would
	 * each wait for the previous one */
	uint64_t *hc = vg_xcalloc(VG_IDTAB__COUNT * HCOPIES * VGR_HC_SIZE, sizeof(uint64_t));
	uint64_t *hs = vg_xcalloc(VG_IDTAB__COUNT * HCOPIES * nh, sizeof(uint64_t));
	uint64_t unsynced = 0;
	int err = 0;
	for (;;) {
		size_t i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);
		if (i >= w->nsegs)
			break;
		const wseg *sg = &w->segs[i];
		uint64_t *hct = hc + (size_t)sg->t * HCOPIES * VGR_HC_SIZE;
		uint64_t *hst = hs + (size_t)sg->t * HCOPIES * nh;
		size_t m = 0;
		for (size_t j = sg->from; j < sg->to; j++)
			for (const chunk *c = b->bk[j].head; c; c = c->next) {
				const vgr_ent *e = c->e;
				size_t x = 0;
				for (; x + HCOPIES <= c->n; x += HCOPIES, m += HCOPIES)
					for (size_t u = 0; u < HCOPIES; u++) {
						uint32_t pay = e[x + u].pay;
						kb[m + u] = e[x + u].key;
						pb[m + u] = pay;
						hct[u * VGR_HC_SIZE + (pay & VG_CAT_ALL)]++;
						hst[u * nh + ((pay >> 16) & src_mask)]++;
					}
				for (; x < c->n; x++, m++) {
					uint32_t pay = e[x].pay;
					kb[m] = e[x].key;
					pb[m] = pay;
					hct[pay & VG_CAT_ALL]++;
					hst[(pay >> 16) & src_mask]++;
				}
			}
		if (m != sg->n) /* the offsets came from the buckets' counts */
			err = -1;
		if (!err &&
		    (vg_pwrite_all(w->fd, kb, m * 8, w->key_off[sg->t] + 8 * sg->first) != 0 ||
		     vg_pwrite_all(w->fd, pb, m * 4, w->pay_off[sg->t] + 4 * sg->first) != 0))
			err = errno ? errno : EIO;
		pthread_mutex_lock(&w->mu);
		while (w->turn[sg->t] != sg->k)
			pthread_cond_wait(&w->cv, &w->mu);
		pthread_mutex_unlock(&w->mu);
		vg_xxh3_64_update(&w->ks[sg->t], kb, m * 8);
		vg_xxh3_64_update(&w->ps[sg->t], pb, m * 4);
		pthread_mutex_lock(&w->mu);
		w->turn[sg->t]++;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
#ifdef SYNC_FILE_RANGE_WRITE
		/* start writing back, so that the fsync at the end has less to wait for */
		unsynced += 12 * (uint64_t)m;
		if (!err && unsynced >= WRITEBACK_STEP) {
			(void)sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
			unsynced = 0;
		}
#endif
	}
	pthread_mutex_lock(&w->mu);
	for (size_t t = 0; t < VG_IDTAB__COUNT; t++)
		for (size_t u = 0; u < HCOPIES; u++) {
			for (size_t v = 0; v < VGR_HC_SIZE; v++)
				w->to[t].hc[v] += hc[(t * HCOPIES + u) * VGR_HC_SIZE + v];
			for (size_t v = 0; v < nh; v++)
				w->to[t].hs[v] += hs[(t * HCOPIES + u) * nh + v];
		}
	if (err && !w->err)
		w->err = err;
	pthread_mutex_unlock(&w->mu);
	free(kb);
	free(pb);
	free(hc);
	free(hs);
	return NULL;
}

/*
 * Writes the keys and payloads sections of a memory-only build (the
 * buckets sorted) into fd, and their records into the header h; to[t]
 * gets the counts, checksums and histograms, *end the offset after the
 * last payloads section. The header's place and the gaps are left for the
 * caller and write_gaps().
 */
static int write_mem(vg_regbuild *b, int fd, uint8_t *h, table_out *to, uint64_t *end, vg_err *err)
{
	memwrite mw; /* on the stack: XXH3's states want their 64-byte alignment */
	memwrite *w = &mw;
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->fd = fd;
	w->to = to;
	uint64_t off = VGR_HEADER_LEN;
	size_t cap = 0;
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		uint64_t n = 0, acc = 0;
		size_t from = (size_t)t * 256;
		unsigned k = 0;
		for (size_t i = (size_t)t * 256; i < (size_t)(t + 1) * 256; i++) {
			acc += b->bk[i].n;
			bool last = i + 1 == (size_t)(t + 1) * 256;
			if (acc >= SEG_ENTRIES || (last && acc > 0)) {
				if (w->nsegs == cap) {
					cap = cap ? 2 * cap : 64;
					w->segs = vg_xrealloc(w->segs, cap * sizeof(wseg));
				}
				w->segs[w->nsegs++] = (wseg){.t = (unsigned)t,
				                             .k = k++,
				                             .from = from,
				                             .to = i + 1,
				                             .first = n,
				                             .n = acc};
				if (acc > w->segmax)
					w->segmax = acc;
				n += acc;
				acc = 0;
				from = i + 1;
			}
		}
		to[t].n = n;
		off = vgr_align(off);
		w->key_off[t] = off;
		off += 8 * n;
		XXH3_INITSTATE(&w->ks[t]);
		XXH3_64bits_reset(&w->ks[t]);
		XXH3_INITSTATE(&w->ps[t]);
		XXH3_64bits_reset(&w->ps[t]);
	}
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		off = vgr_align(off);
		w->pay_off[t] = off;
		off += 4 * to[t].n;
	}
	*end = off;
	/* the blocks at once: writes into them skip ext4's delayed allocation of
	 * each page (measured: about 40% less time writing 125 MB); a hint */
	(void)fallocate(fd, 0, 0, (off_t)off); /* not posix_fallocate(): no emulation */
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_t th[64];
	unsigned started = 0;
	for (unsigned i = 1; i < b->threads && i < w->nsegs; i++)
		if (pthread_create(&th[started], NULL, memwrite_worker, w) == 0)
			started++;
	memwrite_worker(w);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	int rc = 0;
	if (w->err < 0)
		rc = vg_err_set(err, VG_EINTERNAL, "bucket counts and chunks disagree (a bug)");
	else if (w->err)
		rc = vg_err_set(err, VG_EIO, "cannot write the new registry in %s: %s", b->dir,
		                strerror(w->err));
	for (int t = 0; t < VG_IDTAB__COUNT && !rc; t++) {
		to[t].key_sum = XXH3_64bits_digest(&w->ks[t]);
		to[t].pay_sum = XXH3_64bits_digest(&w->ps[t]);
		put_section(h, VGR_IDX_KEYS(t), VGR_SEC_KEYS, (uint32_t)t, w->key_off[t],
		            to[t].n * 8, to[t].n, to[t].key_sum);
		put_section(h, VGR_IDX_PAYLOADS(t), VGR_SEC_PAYLOADS, (uint32_t)t, w->pay_off[t],
		            to[t].n * 4, to[t].n, to[t].pay_sum);
		/* the zeros between this section and the next */
		static const uint8_t zero[VGR_ALIGN];
		uint64_t kend = w->key_off[t] + 8 * to[t].n;
		uint64_t knext = t + 1 < VG_IDTAB__COUNT ? w->key_off[t + 1] : w->pay_off[0];
		uint64_t pend = w->pay_off[t] + 4 * to[t].n;
		uint64_t pnext = t + 1 < VG_IDTAB__COUNT ? w->pay_off[t + 1] : pend;
		if ((knext > kend && vg_pwrite_all(fd, zero, (size_t)(knext - kend), kend) != 0) ||
		    (pnext > pend && vg_pwrite_all(fd, zero, (size_t)(pnext - pend), pend) != 0))
			rc = vg_err_set(err, VG_EIO, "cannot write the new registry in %s: %s",
			                b->dir, strerror(errno));
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->segs);
	return rc;
}

/* Copies len bytes at off of fd `from` to the writer. */
static int copy_range(writer *w, int from, uint64_t off, uint64_t len)
{
	uint8_t *buf = vg_xmalloc(IO_BUF);
	int rc = 0;
	while (len > 0) {
		size_t n = len < IO_BUF ? (size_t)len : IO_BUF;
		if (vg_pread_all(from, buf, n, off) != 0) {
			rc = -1;
			break;
		}
		writer_put(w, buf, n);
		off += n;
		len -= n;
	}
	free(buf);
	return rc;
}

/* The statistics after this build: counters of the live version plus this
 * build's file records; the table counters from the merge. */
static void build_stats(vg_regbuild *b, const table_out *to, vg_registry_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (b->cur)
		*st = b->cur->stats;
	st->nsources = b->nsrc;
	for (size_t i = 0; i < b->nfiles; i++) {
		if (!b->files[i].recorded)
			continue;
		const vg_regfile *f = &b->files[i].rec;
		vg_regstats_source *so = &st->source[f->source];
		so->rows_read += f->rows_read;
		so->rows_accepted += f->rows_accepted;
		so->rows_rejected += f->rows_rejected;
		so->files++;
		st->rows_read += f->rows_read;
		st->rows_accepted += f->rows_accepted;
		st->rows_rejected += f->rows_rejected;
		st->files++;
		for (int c = 0; c < VG_CAT__COUNT; c++) {
			so->rows_with[c] += f->rows_with[c];
			st->rows_with[c] += f->rows_with[c];
		}
	}
	uint16_t special = 0;
	for (unsigned s = 0; s < b->nsrc; s++)
		if (b->src[s].flags & VG_SOURCE_SPECIAL)
			special |= (uint16_t)(1u << s);
	st->entries = 0;
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		vg_regstats_table *ta = &st->table[t];
		ta->entries = to[t].n;
		vgr_fold(to[t].hc, to[t].hs, b->nsrc, special, ta->with_cat, ta->in_source,
		         &ta->in_special);
		st->entries += to[t].n;
	}
}

/* Serializes the statistics block. */
static void put_stats(writer *w, const vg_registry_stats *st, unsigned ns)
{
	uint64_t v;
#define PUT(x) (v = (x), writer_put(w, &v, 8))
	PUT(ns);
	PUT(VG_CAT__COUNT);
	PUT(VG_IDTAB__COUNT);
	PUT(0);
	PUT(st->rows_read);
	PUT(st->rows_accepted);
	PUT(st->rows_rejected);
	PUT(st->files);
	PUT(st->entries);
	PUT(0);
	for (int c = 0; c < VG_CAT__COUNT; c++)
		PUT(st->rows_with[c]);
	for (unsigned s = 0; s < ns; s++) {
		const vg_regstats_source *so = &st->source[s];
		PUT(so->rows_read);
		PUT(so->rows_accepted);
		PUT(so->rows_rejected);
		PUT(so->files);
		for (int c = 0; c < VG_CAT__COUNT; c++)
			PUT(so->rows_with[c]);
	}
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		const vg_regstats_table *ta = &st->table[t];
		PUT(ta->entries);
		PUT(ta->in_special);
		for (int c = 0; c < VG_CAT__COUNT; c++)
			PUT(ta->with_cat[c]);
		for (unsigned s = 0; s < ns; s++)
			PUT(ta->in_source[s]);
	}
#undef PUT
}

/*
 * Merges the inputs table by table: keys through the writer kw, which it
 * starts at offset 0 of fd (after the header's place) and leaves open at
 * the end of the payloads; payloads through a temporary file, copied after
 * the keys. Section records go to h, counts to to[], the sum to *entries.
 */
static int write_merged(vg_regbuild *b, int fd, uint8_t *h, table_out *to, writer *kw,
                        uint64_t *entries, vg_err *err)
{
	writer_init(kw, fd, 0, IO_BUF);
	kw->writeback = true;
	writer_put(kw, h, VGR_HEADER_LEN); /* the header's place; written last */
	int payfd = temp_file(b->dir, "payloads");
	if (payfd < 0)
		return vg_err_set(err, VG_EIO, "cannot create a temporary file in %s: %s", b->dir,
		                  strerror(errno));
	/* payloads stay in memory up to a quarter of the budget: at most the
	 * entries of every input, 4 bytes each */
	uint64_t upper = b->cur ? b->cur->entries : 0;
	for (size_t i = 0; i < NBUCKETS; i++)
		upper += b->bk[i].n;
	for (size_t i = 0; i < b->nruns; i++)
		for (int t = 0; t < VG_IDTAB__COUNT; t++)
			upper += b->runs[i].n[t];
	size_t paycap = b->budget / 4;
	if ((uint64_t)paycap > 4 * upper + 64)
		paycap = (size_t)(4 * upper + 64);
	if (paycap < IO_BUF)
		paycap = IO_BUF;
	writer pw;
	writer_init(&pw, payfd, 0, paycap);
	/* merge buffers: an eighth of the budget over the inputs, 64 KiB..4 MiB each */
	size_t inputs = 2 + b->nruns + (b->cur ? 2 : 0);
	size_t bufcap = b->budget / 8 / inputs;
	bufcap = bufcap < (64u << 10) ? (64u << 10) : bufcap > (4u << 20) ? (4u << 20) : bufcap;
	bufcap -= bufcap % 24; /* whole 12-, 8- and 4-byte elements */
	int rc = 0;
	/* the merge of a table waits on its writes: the next table sorts meanwhile */
	sort_range(b, 0, 256);
	for (int t = 0; t < VG_IDTAB__COUNT && !rc; t++) {
		writer_align(kw);
		uint64_t off = kw->off;
		sort_job next = {.b = b,
		                 .next = (size_t)(t + 1) * 256,
		                 .end = (size_t)(t + 2) * 256,
		                 .scratch_n = b->maxbucket ? b->maxbucket : 1};
		pthread_t th;
		bool bg =
		    t + 1 < VG_IDTAB__COUNT && pthread_create(&th, NULL, sort_worker, &next) == 0;
		rc = merge_table(b, t, kw, &pw, &to[t], bufcap, err);
		free_table_chunks(b, t);
		double w0 = now_s();
		if (bg)
			pthread_join(th, NULL);
		else if (t + 1 < VG_IDTAB__COUNT)
			sort_range(b, next.next, next.end);
		b->sort_seconds += now_s() - w0;
		if (!rc)
			put_section(h, VGR_IDX_KEYS(t), VGR_SEC_KEYS, (uint32_t)t, off, to[t].n * 8,
			            to[t].n, to[t].key_sum);
		*entries += to[t].n;
	}
	if (pw.flushed)
		writer_flush(&pw);
	if (!rc && pw.err)
		rc = vg_err_set(err, VG_EIO, "cannot write a temporary file in %s: %s", b->dir,
		                strerror(pw.err));
	for (int t = 0; t < VG_IDTAB__COUNT && !rc; t++) {
		writer_align(kw);
		put_section(h, VGR_IDX_PAYLOADS(t), VGR_SEC_PAYLOADS, (uint32_t)t, kw->off,
		            to[t].n * 4, to[t].n, to[t].pay_sum);
		if (!pw.flushed) /* all still in memory */
			writer_put(kw, pw.buf + to[t].pay_off, (size_t)to[t].n * 4);
		else if (copy_range(kw, payfd, to[t].pay_off, to[t].n * 4) != 0)
			rc = vg_err_set(err, VG_EIO, "cannot read back a temporary file in %s: %s",
			                b->dir, strerror(errno));
	}
	writer_release(&pw);
	close(payfd);
	return rc;
}

/* Writes the new version into fd (a fresh, empty file). */
static int write_version(vg_regbuild *b, int fd, vg_registry_stats *st, uint64_t *file_len,
                         double *merge_s, vg_err *err)
{
	uint8_t *h = vg_xcalloc(1, VGR_HEADER_LEN);
	table_out to[VG_IDTAB__COUNT];
	memset(to, 0, sizeof(to));
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		to[t].hc = vg_xcalloc(VGR_HC_SIZE, sizeof(uint64_t));
		to[t].hs = vg_xcalloc((size_t)1 << b->nsrc, sizeof(uint64_t));
	}
	double t0 = now_s();
	int rc = 0;
	uint64_t entries = 0;
	writer kw;
	if (b->nruns == 0 && !b->cur) {
		/* the buckets alone: sort them all on every thread, then write in parallel */
		sort_range(b, 0, NBUCKETS);
		uint64_t end = 0;
		rc = write_mem(b, fd, h, to, &end, err);
		for (int t = 0; t < VG_IDTAB__COUNT; t++)
			entries += to[t].n;
		if (!rc && lseek(fd, (off_t)end, SEEK_SET) != (off_t)end)
			rc = vg_err_set(err, VG_EIO, "cannot write the new registry in %s: %s",
			                b->dir, strerror(errno));
		writer_init(&kw, fd, end, IO_BUF);
	} else {
		rc = write_merged(b, fd, h, to, &kw, &entries, err);
	}
	*merge_s = now_s() - t0;
	if (!rc) {
		build_stats(b, to, st);
		/* sources */
		writer_align(&kw);
		uint64_t off = kw.off;
		section_begin(&kw);
		for (unsigned s = 0; s < b->nsrc; s++) {
			uint8_t rec[VGR_SOURCE_REC] = {0};
			size_t len = strlen(b->src[s].name);
			vgr_put32(rec, b->src[s].flags);
			vgr_put32(rec + 4, (uint32_t)len);
			memcpy(rec + 8, b->src[s].name, len);
			writer_put(&kw, rec, sizeof(rec));
		}
		put_section(h, VGR_IDX_SOURCES, VGR_SEC_SOURCES, 0, off,
		            (uint64_t)b->nsrc * VGR_SOURCE_REC, b->nsrc, section_end(&kw));
		/* statistics */
		writer_align(&kw);
		off = kw.off;
		section_begin(&kw);
		put_stats(&kw, st, b->nsrc);
		uint64_t words = vgr_stats_words(b->nsrc);
		put_section(h, VGR_IDX_STATS, VGR_SEC_STATS, 0, off, words * 8, words,
		            section_end(&kw));
		/* files: the live version's, then this build's */
		writer_align(&kw);
		off = kw.off;
		section_begin(&kw);
		uint64_t nf = 0;
		if (b->cur) {
			writer_put(&kw, b->cur->files, (size_t)b->cur->nfiles * VGR_FILE_REC);
			nf = b->cur->nfiles;
		}
		for (size_t i = 0; i < b->nfiles; i++) {
			if (!b->files[i].recorded)
				continue;
			const vg_regfile *f = &b->files[i].rec;
			uint8_t rec[VGR_FILE_REC] = {0};
			memcpy(rec + VGR_F_FP, f->fingerprint, VG_FINGERPRINT_BYTES);
			vgr_put64(rec + VGR_F_SIZE, f->size);
			vgr_put64(rec + VGR_F_READ, f->rows_read);
			vgr_put64(rec + VGR_F_ACCEPTED, f->rows_accepted);
			vgr_put64(rec + VGR_F_REJECTED, f->rows_rejected);
			vgr_put64(rec + VGR_F_TIME, (uint64_t)f->time);
			vgr_put32(rec + VGR_F_SOURCE, f->source);
			size_t len = strlen(f->name);
			vgr_put32(rec + VGR_F_NAME_LEN, (uint32_t)len);
			memcpy(rec + VGR_F_NAME, f->name, len);
			writer_put(&kw, rec, sizeof(rec));
			nf++;
		}
		put_section(h, VGR_IDX_FILES, VGR_SEC_FILES, 0, off, nf * VGR_FILE_REC, nf,
		            section_end(&kw));
	}
	writer_flush(&kw);
	if (!rc && kw.err)
		rc = vg_err_set(err, VG_EIO, "cannot write the new registry in %s: %s", b->dir,
		                strerror(kw.err));
	if (!rc) {
		memcpy(h + VGR_H_MAGIC, VGR_MAGIC, VGR_MAGIC_LEN);
		vgr_put32(h + VGR_H_VERSION, VGR_VERSION);
		vgr_put32(h + VGR_H_HEADER_LEN, VGR_HEADER_LEN);
		vgr_put32(h + VGR_H_NSECTIONS, VGR_NSECTIONS);
		vgr_key_id_bytes(b->key, h + VGR_H_KEY_ID);
		vgr_put64(h + VGR_H_GENERATION, b->gen);
		vgr_put64(h + VGR_H_CREATED, (uint64_t)b->now);
		vgr_put64(h + VGR_H_FILE_LEN, kw.off);
		vgr_put64(h + VGR_H_ENTRIES, entries);
		vgr_put64(h + VGR_H_CHECKSUM, vgr_header_checksum(h));
		if (lseek(fd, 0, SEEK_SET) != 0 || vg_write_all(fd, h, VGR_HEADER_LEN) != 0)
			rc = vg_err_set(err, VG_EIO, "cannot write the new registry's header: %s",
			                strerror(errno));
		*file_len = kw.off;
	}
	writer_release(&kw);
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		free(to[t].hc);
		free(to[t].hs);
	}
	free(h);
	return rc;
}

/* ------------------------------------------------------------ publishing */

/* Writes DIR/CURRENT atomically. *renamed tells whether CURRENT was replaced
 * (then the new version is live even if the directory sync failed). */
static int write_current(const vg_regbuild *b, const char *name, bool *renamed, vg_err *err)
{
	*renamed = false;
	char tmp[4200], cur[4200], line[64];
	snprintf(tmp, sizeof(tmp), "%s/CURRENT.tmp", b->dir);
	snprintf(cur, sizeof(cur), "%s/CURRENT", b->dir);
	int n = snprintf(line, sizeof(line), "%s\n", name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return vg_err_set(err, VG_EIO, "cannot create %s: %s", tmp, strerror(errno));
	if (vg_write_all(fd, line, (size_t)n) != 0 || fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return vg_err_set(err, VG_EIO, "cannot write %s: %s", tmp, strerror(e));
	}
	close(fd);
	if (rename(tmp, cur) != 0) {
		int e = errno;
		unlink(tmp);
		return vg_err_set(err, VG_EIO, "cannot rename %s to %s: %s", tmp, cur, strerror(e));
	}
	*renamed = true;
	if (vg_sync_dir(b->dir) != 0)
		return vg_err_set(err, VG_EIO, "cannot sync directory %s: %s", b->dir,
		                  strerror(errno));
	return 0;
}

/* qsort order: version numbers, newest first. */
static int cmp_gen_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* Removes the versions that opts.keep does not keep. */
static void prune(const vg_regbuild *b)
{
	if (b->keep_all)
		return;
	DIR *d = opendir(b->dir);
	if (!d)
		return;
	uint64_t *gens = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		uint64_t g;
		bool tmp;
		if (!version_name(e->d_name, &g, &tmp) || tmp || g == b->gen)
			continue;
		if (b->cur && g == b->cur->generation)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			gens = vg_xrealloc(gens, cap * sizeof(*gens));
		}
		gens[n++] = g;
	}
	/* kept: the new version, the one it replaces, then the newest others */
	size_t kept = 1 + (b->cur && b->keep >= 2 ? 1 : 0);
	if (b->cur && b->keep < 2 && b->cur->generation != b->gen) {
		char p[64];
		snprintf(p, sizeof(p), "registry-%06llu.vgr",
		         (unsigned long long)b->cur->generation);
		unlinkat(dirfd(d), p, 0);
	}
	if (n > 1)
		qsort(gens, n, sizeof(*gens), cmp_gen_desc);
	for (size_t i = 0; i < n; i++) {
		if (kept < b->keep) {
			kept++;
			continue;
		}
		char p[64];
		snprintf(p, sizeof(p), "registry-%06llu.vgr", (unsigned long long)gens[i]);
		unlinkat(dirfd(d), p, 0);
	}
	free(gens);
	closedir(d);
}

/* Frees arenas[0..n) and the array; a thread's body (unmap_job) or not. */
static void free_arenas(arena *arenas, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (arenas[i].mapped)
			munmap(arenas[i].p, arenas[i].len);
		else
			free(arenas[i].p);
	}
	free(arenas);
}

typedef struct unmap_job {
	arena *arenas;
	size_t n;
} unmap_job;

/* The body of the thread that frees the arenas once written. */
static void *unmap_worker(void *arg)
{
	unmap_job *j = arg;
	free_arenas(j->arenas, j->n);
	free(j);
	return NULL;
}

/*
 * Once the new version is written the chunks are garbage: their arenas
 * (the size of the entries) are unmapped on another thread while this one
 * waits for fsync and the renames. release() joins it.
 */
static void unmap_in_background(vg_regbuild *b)
{
	unmap_job *j = vg_xmalloc(sizeof(*j));
	j->arenas = b->arenas;
	j->n = b->narenas;
	if (pthread_create(&b->unmapper, NULL, unmap_worker, j) != 0) {
		free(j);
		return; /* release() frees them */
	}
	b->unmapping = true;
	b->arenas = NULL;
	b->narenas = b->caparenas = 0;
	b->arena_left = 0;
	b->spare = NULL;
	for (size_t i = 0; i < NBUCKETS; i++) {
		b->bk[i].head = b->bk[i].tail = NULL;
		b->bk[i].n = 0;
	}
}

/* Frees the builder (the lock goes with the descriptor). */
static void release(vg_regbuild *b)
{
	if (b->unmapping)
		pthread_join(b->unmapper, NULL);
	free_arenas(b->arenas, b->narenas);
	if (b->spill_fd >= 0)
		close(b->spill_fd);
	vg_registry_close(b->cur);
	if (b->lockfd >= 0)
		close(b->lockfd);
	pthread_mutex_destroy(&b->mu);
	free(b->files);
	free(b->runs);
	free(b);
}

void vg_regbuild_abort(vg_regbuild *b)
{
	if (b)
		release(b);
}

int vg_regbuild_commit(vg_regbuild *b, vg_regbuild_result *res, vg_err *err)
{
	double t0 = now_s();
	vg_regbuild_result r;
	memset(&r, 0, sizeof(r));
	r.added = b->added;
	r.entries_before = b->cur ? b->cur->entries : 0;
	if (b->failed) {
		int rc = vg_err_set(err, b->failed, "%s", b->fail_err.msg);
		release(b);
		return rc;
	}
	size_t recorded = 0;
	for (size_t i = 0; i < b->nfiles; i++)
		recorded += b->files[i].recorded;
	if (b->added == 0 && recorded == 0 && !b->sources_changed) {
		/* nothing new: the live version stays */
		if (b->cur) {
			r.generation = b->cur->generation;
			memcpy(r.path, b->cur->path, sizeof(r.path));
			r.entries = b->cur->entries;
			for (int t = 0; t < VG_IDTAB__COUNT; t++)
				r.table_entries[t] = b->cur->n[t];
			r.file_len = b->cur->len;
		}
		r.seconds = now_s() - t0;
		if (res)
			*res = r;
		release(b);
		return 0;
	}
	char name[64], tmp[4200], final[4200];
	snprintf(name, sizeof(name), "registry-%06llu.vgr", (unsigned long long)b->gen);
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", b->dir, name);
	snprintf(final, sizeof(final), "%s/%s", b->dir, name);
	int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		int rc = vg_err_set(err, VG_EIO, "cannot create %s: %s", tmp, strerror(errno));
		release(b);
		return rc;
	}
	vg_registry_stats st;
	uint64_t file_len = 0;
	int rc = write_version(b, fd, &st, &file_len, &r.merge_seconds, err);
	unmap_in_background(b);
	if (!rc && fsync(fd) != 0)
		rc = vg_err_set(err, VG_EIO, "cannot sync %s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = vg_err_set(err, VG_EIO, "cannot write %s: %s", tmp, strerror(errno));
	if (!rc && b->crash_at == VG_REGBUILD_CRASH_BEFORE_RENAME) {
		release(b);
		return vg_err_set(err, VG_EIO, "simulated crash before rename (test hook)");
	}
	if (!rc && rename(tmp, final) != 0)
		rc = vg_err_set(err, VG_EIO, "cannot rename %s to %s: %s", tmp, final,
		                strerror(errno));
	if (rc) {
		unlink(tmp);
		release(b);
		return rc;
	}
	if (vg_sync_dir(b->dir) != 0) {
		rc = vg_err_set(err, VG_EIO, "cannot sync directory %s: %s", b->dir,
		                strerror(errno));
		unlink(final);
		release(b);
		return rc;
	}
	if (b->crash_at == VG_REGBUILD_CRASH_BEFORE_CURRENT) {
		release(b);
		return vg_err_set(err, VG_EIO, "simulated crash before CURRENT (test hook)");
	}
	bool renamed;
	rc = write_current(b, name, &renamed, err);
	if (rc) {
		if (!renamed) /* CURRENT still names the previous version */
			unlink(final);
		release(b);
		return rc;
	}
	prune(b);
	r.published = true;
	r.generation = b->gen;
	memcpy(r.path, final, strlen(final) + 1); /* begin bounded the name to fit */
	r.entries = st.entries;
	for (int t = 0; t < VG_IDTAB__COUNT; t++)
		r.table_entries[t] = st.table[t].entries;
	r.file_len = file_len;
	r.runs = (unsigned)b->nruns;
	r.sort_seconds = b->sort_seconds;
	r.seconds = now_s() - t0;
	if (res)
		*res = r;
	release(b);
	return 0;
}
