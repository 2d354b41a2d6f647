/*
 * ingest.c: the ingest pipeline, from file paths to a published registry.
 *
 * Threads. The caller's thread is the reader: it opens and reads each file
 * with vg_table (a plain file is mapped), decides what it can about each
 * row (parse error, field count, source, categories present), and puts the
 * row into a batch: slices of the mapped file, or, when the file is read
 * into a buffer (compressed, a stream), a copy of the row's raw bytes and
 * identifier fields (a fixed buffer: nothing is allocated per row). Workers
 * (2 by default) take full batches, run vg_ingest_row() on each row
 * (normalize, pseudonyms), add the entries to their own buckets
 * (vg_regbuild_local: no lock per entry), and give the batch back with its
 * counters and the indexes of the rows that had no usable identifier. The
 * reader folds a returned batch into its file's counters and writes those
 * rows to the rejects file, then refills it. A fixed pool of 2 x workers +
 * 2 batches bounds the memory. A plain CSV file (mapped) is read that way
 * only up to its first parsed row; the rest is cut into ranges that the
 * workers parse themselves (see "ranges" below): the reader then only finds
 * where ranges start and folds their results in file order.
 *
 * Invariants:
 *   1. every row vg_table_next() returns is counted once in rows_read, and
 *      once in either rows_accepted or rows_rejected (the latter also
 *      written to the rejects file); checked per file before it is
 *      recorded, and over the run;
 *   2. a batch holds rows of one file only, so its counters belong to that
 *      file; a file is finished (recorded) only once all its batches are
 *      back (and the mapping its slices point into is only closed then);
 *   3. the reader thread alone touches the rejects file, the sources and
 *      the file records; workers touch their batch and their local
 *      buckets, which they hand to the builder (under its lock) in bulk
 *      and before they end;
 *   4. nothing is published before vg_regbuild_commit(): any stop before
 *      it (opts.stop, an error, the process killed) leaves the live
 *      registry as it was.
 *
 * Fingerprints. A regular file of a size no known file has (in the live
 * registry or earlier in this run) cannot be a known file (the fingerprint
 * covers the size): it is fingerprinted as it is read (vg_table_opts.
 * on_input, on bytes in cache), and claimed at the end. A regular file of a
 * known size is fingerprinted with pread before it is read, so a file
 * already ingested costs one pass of XXH3, adds nothing and is skipped. A
 * stream (stdin, a pipe) can only be fingerprinted as it is read: a feeder
 * thread copies it into a pipe for the reader, hashing on the way, and the
 * file is claimed at the end. If it turns out to be known, its entries (the
 * same ones again: OR is idempotent) are added but the file is not recorded
 * again; a run that recorded nothing is abandoned, so the registry stays
 * byte for byte as it was.
 */
#include "ingest/internal.h"
#include "vigie/name.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH_ROWS 2048
#define ITEMS_PER_ROW 16
/* Room for any row: raw (at most VG_TABLE_MAX_ROW) and its fields out of
 * place (at most 3 bytes per raw byte, when transcoded). */
#define BATCH_BYTES ((size_t)4 * VG_TABLE_MAX_ROW + ((size_t)1 << 20))
#define FP_READ ((size_t)1 << 20)
#define FOLD_MAX 256
#define SRC_CACHE 32
#define CHECK_EVERY 1024

/* ------------------------------------------------------------ batches */

/* One row in a batch. */
typedef struct brow {
	uint64_t lineno;
	const char *raw; /* in the batch's buf, or in the mapped file */
	uint32_t raw_len;
	uint32_t item_off;
	uint16_t nitems;
	uint16_t cats;
	uint8_t source;
	uint8_t suspect;
} brow;

/* What a worker found in a batch. */
typedef struct bcounts {
	uint64_t accepted, suspect;
	uint64_t rows_with[VG_CAT__COUNT];
	uint64_t ids[VG_IDTAB__COUNT];
	uint64_t src_rows[VG_SOURCE_MAX];
	vg_ingest_reasons invalid[VG_INGEST__KINDS];
} bcounts;

/* A row rejected in a range, for the rejects file (raw is in the mapping). */
typedef struct rrej {
	uint64_t line; /* from the range start */
	const char *raw;
	size_t len;
	const vg_reason *why;
} rrej;

typedef struct batch {
	struct batch *next;
	size_t file;
	/* a range of a mapped file, parsed by the worker (else rows the reader made) */
	bool chunk, passed;
	uint64_t seq; /* ranges are numbered in file order over the run */
	size_t start, stop;
	uint64_t lines, rows_read, transcoded;
	int first_src;
	rrej *rj;
	size_t nrj, caprj;
	size_t nrows, cap_rows;
	brow *rows;
	vg_ingest_item *items;
	size_t nitems, cap_items;
	char *buf;
	size_t len;
	bcounts res;
	uint32_t *rejects; /* rows without a usable identifier */
	size_t nrejects;
} batch;

/* ------------------------------------------------------------ sources */

typedef struct srcstate {
	unsigned n; /* sources known (registry + created) */
	char name[VG_SOURCE_MAX][VG_SOURCE_NAME_MAX + 1];
	unsigned flags[VG_SOURCE_MAX];
	char fold[VG_SOURCE_MAX][FOLD_MAX];
	size_t fold_len[VG_SOURCE_MAX];
	unsigned created;     /* from a source column, this run */
	uint16_t new_mask;    /* created this run */
	int forced, deflt;    /* indexes once resolved, else -1 */
	bool special_changed; /* --special flagged an existing source */
	/* exact spellings seen in source columns, and what they gave */
	struct {
		char s[64];
		size_t n;
		int idx; /* -1: rejected with why */
		const vg_reason *why;
	} cache[SRC_CACHE];
	unsigned ncache, next;
	char (*special)[FOLD_MAX]; /* folded --special names */
	size_t nspecial;
} srcstate;

/* ------------------------------------------------------------ the run */

typedef struct run {
	const vg_ingest_opts *o;
	vg_ingest_summary *sum;
	const vg_regkey *key;
	vg_regbuild *b;
	vg_colmap_spec spec;
	bool have_spec;
	vgi_rejects rej;
	srcstate src;
	/* the queue */
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_done;
	batch *work_head, *work_tail, *done_head, *done_tail, *free_list;
	size_t in_flight;
	bool closing, abandon;
	int werr;
	vg_err werr_msg;
	pthread_t th[VG_INGEST_MAX_WORKERS];
	struct warg {
		struct run *r;
		unsigned idx;
	} warg[VG_INGEST_MAX_WORKERS];
	unsigned nworkers, started;
	/* ranges (a mapped CSV file): each worker parses with its own clone */
	vg_table *clones[VG_INGEST_MAX_WORKERS];
	const struct plan *cplan;
	size_t cexpected;
	int csrc; /* the fixed source, or -1: from the column (-2: failed, cwhy) */
	const vg_reason *cwhy;
	uint64_t seq_next, gate_next, fold_next, fold_base;
	pthread_cond_t cv_gate;
	batch **held; /* ranges back early, folded in order */
	size_t nheld;
	/* source spellings resolved in ranges (final: usable in any order) */
	struct resolved {
		char *s;
		size_t n;
		int idx;
		const vg_reason *why;
	} * resolved;
	size_t nresolved;
	batch *pool;
	size_t npool;
	size_t batch_rows;
	/* progress */
	double t0, last_progress;
	uint64_t done_before; /* parse bytes of the files finished */
	uint64_t total_bytes;
	bool total_known;
	uint64_t rows;
	size_t recorded;
	int file_src; /* the first source a row of the current file resolved to, or -1 */
	char *fpbuf;
	uint64_t *sizes; /* sizes of the regular files read so far in this run */
	size_t nsizes;
} run;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stop requested? */
static bool stopping(const run *r)
{
	return r->o->stop && *r->o->stop;
}

/* Sends a progress report; forced ones bypass the rate limit. */
static void report(run *r, vg_ingest_phase ph, size_t fi, uint64_t done, uint64_t total,
                   bool forced)
{
	if (!r->o->progress)
		return;
	double t = now_s();
	if (!forced && t - r->last_progress < 0.2)
		return;
	r->last_progress = t;
	vg_ingest_progress p;
	memset(&p, 0, sizeof(p));
	p.phase = ph;
	p.file = fi;
	p.nfiles = r->sum->nfiles;
	p.path = fi < r->sum->nfiles ? r->sum->files[fi].path : "";
	if (ph == VG_INGEST_PHASE_READ) {
		p.done_bytes = r->done_before + done;
		p.total_bytes = r->total_bytes;
		p.total_known = r->total_known;
	} else {
		p.done_bytes = done;
		p.total_bytes = total;
		p.total_known = total > 0;
	}
	p.rows = r->rows;
	p.seconds = t - r->t0;
	r->o->progress(r->o->progress_ctx, &p);
}

/* ------------------------------------------------------------ workers */

/* Records a worker's failure (the first one is kept). */
static void worker_failed(run *r, int rc, const vg_err *err)
{
	pthread_mutex_lock(&r->mu);
	if (!r->werr) {
		r->werr = rc;
		r->werr_msg = *err;
	}
	pthread_mutex_unlock(&r->mu);
}

/* Runs the rows of batch bt through vg_ingest_row(). */
static void work(run *r, batch *bt, vg_regbuild_local *l, vg_ingest_rowres *res)
{
	bcounts *c = &bt->res;
	memset(c, 0, sizeof(*c));
	bt->nrejects = 0;
	for (size_t i = 0; i < bt->nrows; i++) {
		const brow *w = &bt->rows[i];
		uint16_t srcbit = (uint16_t)(1u << w->source);
		size_t n =
		    vg_ingest_row(r->key, bt->items + w->item_off, w->nitems, w->cats, srcbit, res);
		for (size_t j = 0; j < res->ninvalid; j++)
			vg_ingest_reasons_add(&c->invalid[res->invalid[j].kind],
			                      res->invalid[j].reason, 1);
		if (n == 0) {
			bt->rejects[bt->nrejects++] = (uint32_t)i;
			continue;
		}
		c->accepted++;
		c->suspect += w->suspect;
		c->src_rows[w->source]++;
		for (unsigned k = 0; k < VG_CAT__COUNT; k++)
			c->rows_with[k] += (w->cats >> k) & 1u;
		for (size_t j = 0; j < n; j++)
			c->ids[res->e[j].table]++;
		vg_err err;
		int rc = vg_regbuild_local_add(l, res->e, n, &err);
		if (rc)
			worker_failed(r, rc, &err);
	}
}

/* A worker's memo of source spellings (see chunk_source). */
#define WSRC_CACHE 8
typedef struct wsrc {
	struct {
		char s[64];
		size_t n;
		int idx;
		const vg_reason *why;
	} e[WSRC_CACHE];
	unsigned n, next;
} wsrc;

static void work_chunk(run *r, batch *bt, unsigned wi, wsrc *ws, vg_regbuild_local *l,
                       vg_ingest_rowres *res);

/* Marks range bt done and moves the gate past the ranges done in order. Under r->mu. */
static void pass_gate(run *r, batch *bt)
{
	bt->passed = true;
	for (bool moved = true; moved;) {
		moved = false;
		for (size_t i = 0; i < r->npool; i++) {
			batch *b = &r->pool[i];
			if (b->chunk && b->passed && b->seq == r->gate_next) {
				r->gate_next++;
				moved = true;
			}
		}
	}
	pthread_cond_broadcast(&r->cv_gate);
}

/* A worker thread: batches in, batches out, until closing. */
static void *worker(void *arg)
{
	struct warg *wa = arg;
	run *r = wa->r;
	vg_regbuild_local *l = vg_regbuild_local_new(r->b, r->nworkers);
	vg_ingest_rowres *res = vg_xmalloc(sizeof(*res));
	wsrc *ws = vg_xcalloc(1, sizeof(*ws));
	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (!r->work_head && !r->closing)
			pthread_cond_wait(&r->cv_work, &r->mu);
		batch *bt = r->work_head;
		if (!bt) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		r->work_head = bt->next;
		if (!r->work_head)
			r->work_tail = NULL;
		bool skip = r->abandon;
		pthread_mutex_unlock(&r->mu);

		if (!skip && bt->chunk)
			work_chunk(r, bt, wa->idx, ws, l, res);
		else if (!skip)
			work(r, bt, l, res);

		pthread_mutex_lock(&r->mu);
		if (bt->chunk)
			pass_gate(r, bt);
		bt->next = NULL;
		if (r->done_tail)
			r->done_tail->next = bt;
		else
			r->done_head = bt;
		r->done_tail = bt;
		pthread_cond_signal(&r->cv_done);
		pthread_mutex_unlock(&r->mu);
	}
	pthread_mutex_lock(&r->mu);
	bool abandon = r->abandon;
	pthread_mutex_unlock(&r->mu);
	if (!abandon) {
		vg_err err;
		int rc = vg_regbuild_local_flush(l, &err);
		if (rc)
			worker_failed(r, rc, &err);
	}
	vg_regbuild_local_free(l);
	free(res);
	free(ws);
	return NULL;
}

/* Starts the workers and the batch pool. */
static void start_workers(run *r)
{
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv_work, NULL);
	pthread_cond_init(&r->cv_done, NULL);
	pthread_cond_init(&r->cv_gate, NULL);
	r->npool = 2 * (size_t)r->nworkers + 2;
	r->pool = vg_xcalloc(r->npool, sizeof(*r->pool));
	r->held = vg_xcalloc(r->npool, sizeof(*r->held));
	for (size_t i = 0; i < r->npool; i++) {
		batch *bt = &r->pool[i];
		bt->cap_rows = r->batch_rows;
		bt->rows = vg_xmalloc(bt->cap_rows * sizeof(*bt->rows));
		bt->cap_items = bt->cap_rows * ITEMS_PER_ROW + VG_INGEST_ROW_ITEMS_MAX;
		bt->items = vg_xmalloc(bt->cap_items * sizeof(*bt->items));
		bt->buf = vg_xmalloc(BATCH_BYTES);
		bt->rejects = vg_xmalloc(bt->cap_rows * sizeof(*bt->rejects));
		bt->next = r->free_list;
		r->free_list = bt;
	}
	for (unsigned i = 0; i < r->nworkers; i++) {
		r->warg[i].r = r;
		r->warg[i].idx = i;
		if (pthread_create(&r->th[i], NULL, worker, &r->warg[i]) != 0) {
			fprintf(stderr, "vigie: cannot start a worker thread\n");
			abort();
		}
		r->started++;
	}
}

/* Stops the workers (abandon: without adding what they hold) and frees the pool. */
static void stop_workers(run *r, bool abandon)
{
	if (!r->pool)
		return;
	pthread_mutex_lock(&r->mu);
	r->closing = true;
	r->abandon = r->abandon || abandon;
	pthread_cond_broadcast(&r->cv_work);
	pthread_mutex_unlock(&r->mu);
	for (unsigned i = 0; i < r->started; i++)
		pthread_join(r->th[i], NULL);
	for (size_t i = 0; i < r->npool; i++) {
		free(r->pool[i].rows);
		free(r->pool[i].items);
		free(r->pool[i].buf);
		free(r->pool[i].rejects);
		free(r->pool[i].rj);
	}
	free(r->pool);
	r->pool = NULL;
	free(r->held);
	r->held = NULL;
	for (size_t i = 0; i < r->nresolved; i++)
		free(r->resolved[i].s);
	free(r->resolved);
	r->resolved = NULL;
	r->nresolved = 0;
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv_work);
	pthread_cond_destroy(&r->cv_done);
	pthread_cond_destroy(&r->cv_gate);
}

/* ------------------------------------------------------------ the reader side */

/* Counts a rejected row and writes it to the rejects file. */
static int reject(run *r, vg_ingest_file *f, uint64_t line, const vg_reason *why, const char *raw,
                  size_t n, vg_err *err)
{
	f->c.rows_rejected++;
	vg_ingest_reasons_add(&f->c.rejected, why, 1);
	return vgi_rejects_add(&r->rej, f->path, line, why, raw, n, err);
}

/* Folds a returned batch into its file's counters; writes its rejects. */
static int recycle(run *r, batch *bt, vg_err *err)
{
	vg_ingest_file *f = &r->sum->files[bt->file];
	const bcounts *c = &bt->res;
	int rc = 0;
	f->c.rows_accepted += c->accepted;
	f->c.rows_suspect += c->suspect;
	for (int k = 0; k < VG_CAT__COUNT; k++)
		f->c.rows_with[k] += c->rows_with[k];
	for (int t = 0; t < VG_IDTAB__COUNT; t++)
		f->c.identifiers[t] += c->ids[t];
	for (int s = 0; s < VG_SOURCE_MAX; s++)
		f->c.source_rows[s] += c->src_rows[s];
	for (int k = 0; k < VG_INGEST__KINDS; k++)
		for (size_t i = 0; i < c->invalid[k].n; i++)
			vg_ingest_reasons_add(&f->c.invalid[k], c->invalid[k].reason[i],
			                      c->invalid[k].count[i]);
	for (size_t i = 0; i < bt->nrejects && !rc; i++) {
		const brow *w = &bt->rows[bt->rejects[i]];
		rc = reject(r, f, w->lineno, &vg_ingest_reason_no_identifier, w->raw, w->raw_len,
		            err);
	}
	bt->nrows = bt->nitems = bt->len = 0;
	bt->nrejects = 0;
	return rc;
}

/* Folds a range that is back into its file's counters, in file order: its
 * line numbers are counted from its start, and where it starts is known once
 * the ranges before it are folded. */
static int fold_chunk(run *r, batch *bt, vg_err *err)
{
	vg_ingest_file *f = &r->sum->files[bt->file];
	int rc = recycle(r, bt, err);
	f->c.rows_read += bt->rows_read;
	f->c.rows_transcoded += bt->transcoded;
	r->rows += bt->rows_read;
	for (size_t i = 0; i < bt->nrj && !rc; i++)
		rc = reject(r, f, r->fold_base + bt->rj[i].line, bt->rj[i].why, bt->rj[i].raw,
		            bt->rj[i].len, err);
	r->fold_base += bt->lines;
	if (bt->first_src >= 0 && r->file_src < 0)
		r->file_src = bt->first_src;
	bt->nrj = 0;
	return rc;
}

/* Puts a batch back on the free list. */
static void release(run *r, batch *bt)
{
	bt->nrows = bt->nitems = bt->len = 0;
	pthread_mutex_lock(&r->mu);
	bt->next = r->free_list;
	r->free_list = bt;
	pthread_mutex_unlock(&r->mu);
}

/* Takes back every batch the workers are done with. Under no lock. */
static int collect(run *r, bool wait_one, vg_err *err)
{
	int rc = 0;
	pthread_mutex_lock(&r->mu);
	while (wait_one && !r->done_head && r->in_flight > 0)
		pthread_cond_wait(&r->cv_done, &r->mu);
	batch *list = r->done_head;
	r->done_head = r->done_tail = NULL;
	pthread_mutex_unlock(&r->mu);
	while (list) {
		batch *bt = list;
		list = list->next;
		pthread_mutex_lock(&r->mu);
		r->in_flight--;
		pthread_mutex_unlock(&r->mu);
		if (bt->chunk) {
			r->held[r->nheld++] = bt;
			continue;
		}
		if (!rc)
			rc = recycle(r, bt, err);
		release(r, bt);
	}
	/* the ranges that are next in order */
	for (bool moved = true; moved;) {
		moved = false;
		for (size_t i = 0; i < r->nheld; i++) {
			batch *bt = r->held[i];
			if (bt->seq != r->fold_next)
				continue;
			if (!rc)
				rc = fold_chunk(r, bt, err);
			r->fold_next++;
			r->held[i] = r->held[--r->nheld];
			release(r, bt);
			moved = true;
			break;
		}
	}
	return rc;
}

/* A batch to fill, for file fi (waits for one to come back if need be). */
static int get_batch(run *r, size_t fi, batch **out, vg_err *err)
{
	for (;;) {
		pthread_mutex_lock(&r->mu);
		batch *bt = r->free_list;
		if (bt)
			r->free_list = bt->next;
		pthread_mutex_unlock(&r->mu);
		if (bt) {
			bt->next = NULL;
			bt->file = fi;
			bt->chunk = false;
			bt->nrows = bt->nitems = bt->len = 0;
			*out = bt;
			return 0;
		}
		int rc = collect(r, true, err);
		if (rc)
			return rc;
	}
}

/* Gives a filled batch to the workers. */
static void submit(run *r, batch *bt)
{
	pthread_mutex_lock(&r->mu);
	r->in_flight++;
	if (bt->chunk) {
		bt->seq = r->seq_next++;
		bt->passed = false;
	}
	bt->next = NULL;
	if (r->work_tail)
		r->work_tail->next = bt;
	else
		r->work_head = bt;
	r->work_tail = bt;
	pthread_cond_signal(&r->cv_work);
	pthread_mutex_unlock(&r->mu);
}

/* Waits until every batch given to the workers is back and folded in. */
static int drain(run *r, vg_err *err)
{
	for (;;) {
		pthread_mutex_lock(&r->mu);
		size_t n = r->in_flight;
		pthread_mutex_unlock(&r->mu);
		if (n == 0)
			return 0;
		int rc = collect(r, true, err);
		if (rc)
			return rc;
	}
}

/* A worker's failure (a spill that could not be written), if any. */
static int worker_error(run *r, vg_err *err)
{
	pthread_mutex_lock(&r->mu);
	int rc = r->werr;
	if (rc && err)
		*err = r->werr_msg;
	pthread_mutex_unlock(&r->mu);
	return rc;
}

/* ------------------------------------------------------------ sources */

/* Folds a source name for comparisons; 0 when it folds to nothing. */
static size_t fold(const char *s, size_t n, char out[FOLD_MAX])
{
	long l = vg_text_fold(s, n, out, FOLD_MAX);
	return l > 0 ? (size_t)l : 0;
}

/* Whether folded name f is one of the special-category sources. */
static bool is_special(const srcstate *st, const char *f, size_t n)
{
	if (n == 10 && !memcmp(f, "cap emploi", 10))
		return true;
	for (size_t i = 0; i < st->nspecial; i++)
		if (strlen(st->special[i]) == n && !memcmp(st->special[i], f, n))
			return true;
	return false;
}

/* Loads the live version's sources; flags the ones --special names. */
static int sources_init(run *r, vg_err *err)
{
	srcstate *st = &r->src;
	st->forced = st->deflt = -1;
	const vg_registry *cur = vg_regbuild_current(r->b);
	unsigned n = cur ? vg_registry_source_count(cur) : 0;
	for (unsigned i = 0; i < n && i < VG_SOURCE_MAX; i++) {
		const vg_regsource *s = vg_registry_source(cur, i);
		snprintf(st->name[i], sizeof(st->name[i]), "%s", s->name);
		st->flags[i] = s->flags;
		st->fold_len[i] = fold(s->name, strlen(s->name), st->fold[i]);
		st->n = i + 1;
		if (!(s->flags & VG_SOURCE_SPECIAL) &&
		    is_special(st, st->fold[i], st->fold_len[i])) {
			unsigned idx;
			int rc = vg_regbuild_source(r->b, s->name, VG_SOURCE_SPECIAL, &idx, err);
			if (rc)
				return rc;
			st->flags[i] |= VG_SOURCE_SPECIAL;
			st->special_changed = true;
		}
	}
	return 0;
}

/* The index of the source named name[0..n) (display form made here), matched
 * by folded name or created; column: it comes from a source column (then
 * truncated names and the creation limit apply). */
static int source_index(run *r, const char *name, size_t n, bool column, const vg_reason **why)
{
	srcstate *st = &r->src;
	char f[FOLD_MAX];
	size_t fl = fold(name, n, f);
	if (fl == 0) {
		*why = vg_ingest_blank(name, n) ? &vg_ingest_reason_no_source
		                                : &vg_ingest_reason_bad_source;
		return -1;
	}
	for (unsigned i = 0; i < st->n; i++)
		if (st->fold_len[i] == fl && !memcmp(st->fold[i], f, fl))
			return (int)i;
	if (column) {
		for (unsigned i = 0; i < st->n; i++) {
			if (st->fold_len[i] > fl && !memcmp(st->fold[i], f, fl)) {
				*why = &vg_ingest_reason_source_truncated;
				return -1;
			}
		}
		if (st->created >= VG_INGEST_MAX_NEW_SOURCES) {
			*why = &vg_ingest_reason_too_many_sources;
			return -1;
		}
	}
	char disp[VG_SOURCE_NAME_MAX + 1];
	if (vg_ingest_source_name(name, n, disp) == 0) {
		*why = &vg_ingest_reason_bad_source;
		return -1;
	}
	unsigned flags = is_special(st, f, fl) ? VG_SOURCE_SPECIAL : 0;
	unsigned idx;
	vg_err e;
	int rc = vg_regbuild_source(r->b, disp, flags, &idx, &e);
	if (rc) {
		*why = rc == VG_ETOOBIG ? &vg_ingest_reason_too_many_sources
		                        : &vg_ingest_reason_bad_source;
		return -1;
	}
	if (idx >= VG_SOURCE_MAX) {
		*why = &vg_ingest_reason_too_many_sources;
		return -1;
	}
	if (idx >= st->n) {
		st->n = idx + 1;
		st->new_mask |= (uint16_t)(1u << idx);
		if (column)
			st->created++;
	}
	snprintf(st->name[idx], sizeof(st->name[idx]), "%s", disp);
	st->flags[idx] |= flags;
	memcpy(st->fold[idx], f, fl);
	st->fold_len[idx] = fl;
	return (int)idx;
}

/* A source column value without its blanks at both ends; false if empty. */
static bool trim_source(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
	return *n > 0;
}

/* The source of a row from its source column value s[0..n). */
static int column_source(run *r, const char *s, size_t n, const vg_reason **why)
{
	srcstate *st = &r->src;
	if (!trim_source(&s, &n)) {
		*why = &vg_ingest_reason_no_source;
		return -1;
	}
	for (unsigned i = 0; i < st->ncache; i++) {
		if (st->cache[i].n == n && !memcmp(st->cache[i].s, s, n)) {
			*why = st->cache[i].why;
			return st->cache[i].idx;
		}
	}
	int idx = source_index(r, s, n, true, why);
	if (n <= sizeof(st->cache[0].s)) {
		unsigned slot = st->ncache < SRC_CACHE ? st->ncache++ : (st->next++ % SRC_CACHE);
		memcpy(st->cache[slot].s, s, n);
		st->cache[slot].n = n;
		st->cache[slot].idx = idx;
		st->cache[slot].why = idx < 0 ? *why : NULL;
	}
	return idx;
}

/* The forced (--source) or default source, created on first use. */
static int fixed_source(run *r, const vg_reason **why)
{
	srcstate *st = &r->src;
	if (r->o->source) {
		if (st->forced < 0)
			st->forced =
			    source_index(r, r->o->source, strlen(r->o->source), false, why);
		return st->forced;
	}
	if (st->deflt < 0)
		st->deflt = source_index(r, VG_INGEST_DEFAULT_SOURCE,
		                         strlen(VG_INGEST_DEFAULT_SOURCE), false, why);
	return st->deflt;
}

/* Whether c is a byte vg_ingest_blank() skips (a field that starts with
 * another is not blank: no call). */
static inline bool blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ------------------------------------------------------------ the column plan */

/* The mapped columns of a file, in column order, with what each gives. */
typedef struct plan {
	size_t n;
	struct {
		uint16_t col;
		uint8_t field;
		uint8_t ident;
		uint16_t cats;
	} c[VG_TABLE_MAX_FIELDS];
	int source_col;
	bool has_ident;
} plan;

/* Builds the plan from a column map. */
static void plan_build(plan *p, const vg_colmap *m)
{
	p->n = 0;
	p->source_col = -1;
	for (size_t i = 0; i < m->ncolumns && i < VG_TABLE_MAX_FIELDS; i++) {
		vg_field f = (vg_field)m->field[i];
		if (f == VG_FIELD_NONE)
			continue;
		if (f == VG_FIELD_SOURCE) {
			if (p->source_col < 0)
				p->source_col = (int)i;
			continue;
		}
		uint16_t cats = vg_ingest_field_cats(f);
		bool id = vg_ingest_field_is_ident(f);
		if (!cats && !id)
			continue;
		p->c[p->n].col = (uint16_t)i;
		p->c[p->n].field = (uint8_t)f;
		p->c[p->n].ident = id;
		p->c[p->n].cats = cats;
		p->n++;
	}
	bool first = m->count[VG_FIELD_FIRST_NAME] > 0;
	bool family = m->count[VG_FIELD_BIRTH_NAME] || m->count[VG_FIELD_USAGE_NAME] ||
	              m->count[VG_FIELD_FAMILY_NAME];
	p->has_ident =
	    m->count[VG_FIELD_EMAIL] || m->count[VG_FIELD_PHONE] || m->count[VG_FIELD_NIR] ||
	    m->count[VG_FIELD_FT_ID] ||
	    (m->count[VG_FIELD_DOB] && ((first && family) || m->count[VG_FIELD_FULL_NAME]));
}

/* The categories of a row (*cats) and its identifier fields (items), by
 * the plan: a field counts when it is not blank. Returns the items. */
static size_t plan_row(const plan *p, const vg_table_row *row, vg_ingest_item *items,
                       uint16_t *cats)
{
	size_t ni = 0;
	uint16_t c = 0;
	for (size_t i = 0; i < p->n; i++) {
		size_t col = p->c[i].col;
		if (col >= row->nfields)
			continue;
		const vg_table_field *fl = &row->fields[col];
		if (fl->len == 0 || (blank_byte(fl->s[0]) && vg_ingest_blank(fl->s, fl->len)))
			continue;
		c |= p->c[i].cats;
		if (!p->c[i].ident || ni == VG_INGEST_ROW_ITEMS_MAX)
			continue;
		items[ni].s = fl->s;
		items[ni].len = fl->len;
		items[ni].field = (vg_field)p->c[i].field;
		ni++;
	}
	*cats = c;
	return ni;
}

/* Builds the column map and the plan for the columns known so far. */
static int map_columns(run *r, vg_table *t, vg_ingest_file *f, vg_colmap *m, plan *p, vg_err *err)
{
	const vg_table_info *info = vg_table_info_get(t);
	bool jsonl = info->format == VG_TABLE_JSONL;
	size_t n;
	const vg_table_field *names = vg_table_columns(t, &n);
	if (!jsonl && !info->header) {
		names = NULL;
		n = info->expected_fields;
	}
	int rc = vg_colmap_build(m, names, n, r->have_spec ? &r->spec : NULL,
	                         jsonl ? VG_COLMAP_PARTIAL : 0, r->o->lang, err);
	if (rc)
		return rc;
	plan_build(p, m);
	/* the unmapped columns, for the summary */
	f->nunknown = m->nunknown;
	size_t len = 0;
	f->unknown_columns[0] = '\0';
	for (size_t i = 0; i < m->nunknown && names; i++) {
		const vg_table_field *c = &names[m->unknown[i]];
		size_t room = sizeof(f->unknown_columns) - len;
		if (c->len + 3 > room)
			break;
		if (len)
			f->unknown_columns[len++] = ',';
		memcpy(f->unknown_columns + len, c->s, c->len);
		len += c->len;
		f->unknown_columns[len] = '\0';
	}
	return 0;
}

/* ------------------------------------------------------------ ranges */

/*
 * A mapped CSV file is cut into ranges of about CHUNK bytes that start
 * where a row starts; each worker parses its own ranges (vg_table_range on
 * its clone) and does for each row what the reader does in read_rows, then
 * what work() does. The reader only finds where ranges start: a newline is
 * where a row starts unless a quoted field holds it, so between two quotes
 * the reader jumps from newline to newline, and it parses only the rows
 * that hold a quote (vg_table_row_end), with the same rules as the
 * workers. What depends on the order of the rows is kept: line numbers
 * (counted per range, made absolute when the ranges are folded, in order),
 * the rejects (written at the fold), the first source of the file, and the
 * order in which sources are created (a spelling no one has resolved yet is
 * resolved only once every range before this one is done: the gate).
 */
#define CHUNK ((size_t)1 << 20)
#define RESOLVED_MAX 4096

/* Records a row rejected in range bt. */
static void chunk_reject(batch *bt, uint64_t line, const vg_reason *why, const char *raw,
                         size_t len)
{
	if (bt->nrj == bt->caprj) {
		bt->caprj = bt->caprj ? 2 * bt->caprj : 256;
		bt->rj = vg_xrealloc(bt->rj, bt->caprj * sizeof(*bt->rj));
	}
	bt->rj[bt->nrj++] = (rrej){line, raw, len, why};
}

/* The source of a row of range bt from its source column value: from the
 * worker's memo, else from the spellings resolved so far, else resolved now,
 * once every range before bt is done (so that sources are created in the
 * order of the file). */
static int chunk_source(run *r, batch *bt, wsrc *ws, const char *s, size_t n, const vg_reason **why)
{
	if (!trim_source(&s, &n)) {
		*why = &vg_ingest_reason_no_source;
		return -1;
	}
	for (unsigned i = 0; i < ws->n; i++) {
		if (ws->e[i].n == n && !memcmp(ws->e[i].s, s, n)) {
			*why = ws->e[i].why;
			return ws->e[i].idx;
		}
	}
	pthread_mutex_lock(&r->mu);
	int idx = -2;
	for (size_t i = 0; i < r->nresolved; i++) {
		if (r->resolved[i].n == n && !memcmp(r->resolved[i].s, s, n)) {
			idx = r->resolved[i].idx;
			*why = r->resolved[i].why;
			break;
		}
	}
	if (idx == -2) {
		while (r->gate_next < bt->seq && !r->abandon)
			pthread_cond_wait(&r->cv_gate, &r->mu);
		*why = NULL;
		idx = column_source(r, s, n, why);
		if (r->nresolved < RESOLVED_MAX) {
			if (r->nresolved % 64 == 0)
				r->resolved = vg_xrealloc(r->resolved, (r->nresolved + 64) *
				                                           sizeof(*r->resolved));
			struct resolved *e = &r->resolved[r->nresolved++];
			e->s = vg_xmalloc(n);
			memcpy(e->s, s, n);
			e->n = n;
			e->idx = idx;
			e->why = idx < 0 ? *why : NULL;
		}
	}
	pthread_mutex_unlock(&r->mu);
	if (n <= sizeof(ws->e[0].s)) {
		unsigned slot = ws->n < WSRC_CACHE ? ws->n++ : (ws->next++ % WSRC_CACHE);
		memcpy(ws->e[slot].s, s, n);
		ws->e[slot].n = n;
		ws->e[slot].idx = idx;
		ws->e[slot].why = idx < 0 ? *why : NULL;
	}
	return idx;
}

/* Parses and ingests the rows of range bt (a worker). */
static void work_chunk(run *r, batch *bt, unsigned wi, wsrc *ws, vg_regbuild_local *l,
                       vg_ingest_rowres *res)
{
	vg_table *t = r->clones[wi];
	const plan *p = r->cplan;
	const size_t expected = r->cexpected;
	bcounts *c = &bt->res;
	memset(c, 0, sizeof(*c));
	bt->nrejects = 0;
	bt->nrj = 0;
	bt->rows_read = bt->transcoded = 0;
	bt->first_src = -1;
	vg_table_range(t, bt->start, bt->stop);
	uint16_t run_cats = 0;
	uint64_t run_n = 0;
	vg_ingest_item items[VG_INGEST_ROW_ITEMS_MAX];
	vg_table_row row;
	vg_err err;
	while (vg_table_next(t, &row, &err) > 0) {
		bt->rows_read++;
		if (row.flags & VG_TABLE_ROW_TRANSCODED)
			bt->transcoded++;
		if (row.error) {
			chunk_reject(bt, row.lineno, row.error, row.raw, row.raw_len);
			continue;
		}
		const vg_reason *why = NULL;
		if (expected && row.nfields != expected)
			why = &vg_ingest_reason_field_count;
		int src = -1;
		if (!why) {
			if (r->csrc != -1) {
				src = r->csrc;
				if (src < 0)
					why = r->cwhy;
			} else {
				const vg_table_field *sf = (size_t)p->source_col < row.nfields
				                               ? &row.fields[p->source_col]
				                               : NULL;
				src = sf ? chunk_source(r, bt, ws, sf->s, sf->len, &why)
				         : (why = &vg_ingest_reason_no_source, -1);
			}
			if (src >= 0 && bt->first_src < 0)
				bt->first_src = src;
		}
		uint16_t cats = 0;
		size_t ni = 0;
		if (!why && (ni = plan_row(p, &row, items, &cats)) == 0)
			why = &vg_ingest_reason_no_identifier;
		if (why) {
			chunk_reject(bt, row.lineno, why, row.raw, row.raw_len);
			continue;
		}
		uint16_t srcbit = (uint16_t)(1u << src);
		size_t n = vg_ingest_row(r->key, items, ni, cats, srcbit, res);
		for (size_t j = 0; j < res->ninvalid; j++)
			vg_ingest_reasons_add(&c->invalid[res->invalid[j].kind],
			                      res->invalid[j].reason, 1);
		if (n == 0) {
			chunk_reject(bt, row.lineno, &vg_ingest_reason_no_identifier, row.raw,
			             row.raw_len);
			continue;
		}
		c->accepted++;
		c->suspect += (row.flags & VG_TABLE_ROW_QUOTE_FIXED) ? 1 : 0;
		c->src_rows[src]++;
		/* rows of a file mostly hold the same columns: count runs */
		if (cats != run_cats) {
			for (unsigned k = 0; k < VG_CAT__COUNT; k++)
				c->rows_with[k] += ((run_cats >> k) & 1u) * run_n;
			run_cats = cats;
			run_n = 0;
		}
		run_n++;
		for (size_t j = 0; j < n; j++)
			c->ids[res->e[j].table]++;
		int rc = vg_regbuild_local_add(l, res->e, n, &err);
		if (rc)
			worker_failed(r, rc, &err);
	}
	for (unsigned k = 0; k < VG_CAT__COUNT; k++)
		c->rows_with[k] += ((run_cats >> k) & 1u) * run_n;
	bt->lines = vg_table_stats_get(t)->lines;
}

/* How far ahead chunk_end() looks for the next quote at a time. */
#define QUOTE_LOOK ((size_t)1 << 20)

/* Where the range that starts at row start c and should end near target
 * ends: the first row start at or after target (see above). *q (kept from
 * call to call): the next quote at or after c, or where the last search
 * stopped when it found none (up to QUOTE_LOOK ahead, so that no search
 * reads the whole file first); a *q that is not a quote only sends the
 * range to the quote-aware row end, which is right anywhere. */
static size_t chunk_end(vg_table *rt, const char *d, size_t len, size_t c, size_t target, size_t *q)
{
	for (;;) {
		if (c >= target)
			return c;
		if (*q <= c) {
			size_t look = len - c > QUOTE_LOOK ? QUOTE_LOOK : len - c;
			const char *x = memchr(d + c, '"', look);
			*q = x ? (size_t)(x - d) : c + look;
		}
		if (*q >= target) {
			/* no quote in [c, target): lines are rows up to the quote */
			const char *nl = memchr(d + target - 1, '\n', len - (target - 1));
			if (!nl)
				return len;
			if (*q > (size_t)(nl - d))
				return (size_t)(nl - d) + 1;
			const char *b = memrchr(d + c, '\n', target - 1 - c);
			return vg_table_row_end(rt, b ? (size_t)(b - d) + 1 : c);
		}
		/* the row of the line that holds the quote */
		const char *b = memrchr(d + c, '\n', *q - c);
		c = vg_table_row_end(rt, b ? (size_t)(b - d) + 1 : c);
	}
}

/* The rest of a mapped CSV file by ranges (read_rows, once the columns are
 * mapped). */
static int read_chunks(run *r, size_t fi, vg_table *t, const plan *p, size_t expected,
                       int src_fixed, const vg_reason *fixed_why, vg_err *err, bool *fatal)
{
	size_t len, pos;
	const char *d = vg_table_data(t, &len, &pos);
	vg_table *rt = NULL;
	int rc = 0;
	/* everything before is folded: line numbers go on from the table's */
	if ((rc = drain(r, err)) != 0) {
		*fatal = true;
		return rc;
	}
	if (vg_table_clone(&rt, t) != 0)
		return vg_err_set(err, VG_EINTERNAL, "%s: cannot parse by ranges",
		                  r->sum->files[fi].path);
	for (unsigned i = 0; i < r->nworkers; i++)
		if (vg_table_clone(&r->clones[i], t) != 0)
			abort();
	r->cplan = p;
	r->cexpected = expected;
	if (r->o->source || p->source_col < 0) {
		r->csrc = src_fixed >= 0 ? src_fixed : -2;
		r->cwhy = fixed_why ? fixed_why : &vg_ingest_reason_bad_source;
	} else {
		r->csrc = -1;
	}
	r->fold_base = vg_table_stats_get(t)->lines;
	r->fold_next = r->seq_next;
	size_t q = 0; /* none searched yet: the first chunk_end() searches */
	uint64_t lines = 0;
	while (pos < len) {
		if (stopping(r) || (rc = worker_error(r, err)) != 0) {
			rc = rc ? rc : VG_EIO;
			*fatal = true;
			break;
		}
		size_t step = r->o->range_bytes ? r->o->range_bytes : CHUNK;
		size_t target = len - pos > step ? pos + step : len;
		size_t end = target >= len ? len : chunk_end(rt, d, len, pos, target, &q);
		batch *bt = NULL;
		if ((rc = get_batch(r, fi, &bt, err)) != 0) {
			*fatal = true;
			break;
		}
		bt->chunk = true;
		bt->start = pos;
		bt->stop = end;
		submit(r, bt);
		if ((rc = collect(r, false, err)) != 0) {
			*fatal = true;
			break;
		}
		pos = end;
		vg_table_skip_to(t, pos, 0);
		report(r, VG_INGEST_PHASE_READ, fi, vg_table_bytes_in(t), 0, false);
	}
	int rc2 = drain(r, err);
	if (rc2 && !rc) {
		rc = rc2;
		*fatal = true;
	}
	lines = r->fold_base - vg_table_stats_get(t)->lines;
	vg_table_skip_to(t, len, lines);
	vg_table_close(rt);
	for (unsigned i = 0; i < r->nworkers; i++) {
		vg_table_close(r->clones[i]);
		r->clones[i] = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------ streams */

/* Copies a stream into a pipe for the reader, fingerprinting it on the way. */
typedef struct feeder {
	vg_fingerprint fp;
	int in_fd, out_fd;
	uint64_t bytes;
	int eno;
	int quit; /* atomic: the reader is done with the stream */
	const volatile sig_atomic_t *stop;
	pthread_t th;
} feeder;

static void *feed(void *arg)
{
	feeder *fd = arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	char *buf = vg_xmalloc(FP_READ);
	for (;;) {
		/* poll, so that a stream with nothing to say does not hold the run */
		if (__atomic_load_n(&fd->quit, __ATOMIC_ACQUIRE) || (fd->stop && *fd->stop))
			break;
		struct pollfd pf = {.fd = fd->in_fd, .events = POLLIN};
		int pr = poll(&pf, 1, 200);
		if (pr == 0 || (pr < 0 && errno == EINTR))
			continue;
		ssize_t n = read(fd->in_fd, buf, FP_READ);
		if (n < 0 && errno == EINTR) {
			if (fd->stop && *fd->stop)
				break;
			continue;
		}
		if (n < 0) {
			fd->eno = errno;
			break;
		}
		if (n == 0)
			break;
		vg_fingerprint_update(&fd->fp, buf, (size_t)n);
		fd->bytes += (uint64_t)n;
		size_t off = 0;
		while (off < (size_t)n) {
			ssize_t w = write(fd->out_fd, buf + off, (size_t)n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				fd->eno = w < 0 ? errno : EIO;
				break;
			}
			off += (size_t)w;
		}
		if (off < (size_t)n)
			break;
	}
	free(buf);
	close(fd->out_fd);
	return NULL;
}

/* ------------------------------------------------------------ one file */

enum { FILE_OK = 0 };

/* The fingerprint of regular file fd, with progress and stop checks. */
static int fingerprint_file(run *r, size_t fi, int fd, uint64_t size,
                            uint8_t out[VG_FINGERPRINT_BYTES], uint64_t *got, vg_err *err)
{
	vg_fingerprint fp;
	vg_fingerprint_init(&fp, r->key);
	uint64_t off = 0;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n = pread(fd, r->fpbuf, FP_READ, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vg_err_set(err, VG_EIO, "%s: cannot read: %s",
			                  r->sum->files[fi].path, strerror(errno));
		if (n == 0)
			break;
		vg_fingerprint_update(&fp, r->fpbuf, (size_t)n);
		off += (uint64_t)n;
		report(r, VG_INGEST_PHASE_FINGERPRINT, fi, off, size, false);
		if (stopping(r))
			return VG_EIO;
	}
	vg_fingerprint_final(&fp, out);
	*got = off;
	return 0;
}

/* A fingerprint taken as the file is read (vg_table_opts.on_input). */
typedef struct onway {
	vg_fingerprint fp;
	uint64_t bytes;
} onway;

static void onway_feed(void *ctx, const void *p, size_t n)
{
	onway *w = ctx;
	vg_fingerprint_update(&w->fp, p, n);
	w->bytes += n;
}

/*
 * Whether a regular file of this size may be one already ingested, in the
 * live registry or earlier in this run (fingerprints cover the size: files
 * of different sizes never match). Only such a file is fingerprinted before
 * it is read, so that a known one is skipped without adding anything; any
 * other is fingerprinted on the way, out of the critical path.
 */
static bool size_maybe_known(run *r, uint64_t size)
{
	const vg_registry *cur = vg_regbuild_current(r->b);
	uint64_t n = cur ? vg_registry_file_count(cur) : 0;
	for (uint64_t i = 0; i < n; i++) {
		vg_regfile rf;
		if (vg_registry_file(cur, i, &rf) != 0 || rf.size == size)
			return true;
	}
	for (size_t i = 0; i < r->nsizes; i++)
		if (r->sizes[i] == size)
			return true;
	return false;
}

/* The reader's loop over the rows of an open table. */
static int read_rows(run *r, size_t fi, vg_table *t, vg_err *err, bool *fatal)
{
	vg_ingest_file *f = &r->sum->files[fi];
	const vg_table_info *info = vg_table_info_get(t);
	bool jsonl = info->format == VG_TABLE_JSONL;
	/* a mapped file: rows and the fields inside them are not copied */
	bool stable = info->stable;
	vg_colmap *m = vg_xmalloc(sizeof(*m));
	plan *p = vg_xmalloc(sizeof(*p));
	vg_ingest_item items[VG_INGEST_ROW_ITEMS_MAX];
	batch *bt = NULL;
	int rc = 0;
	/* The columns are known at open when the file has a header; without
	 * one, from the first row parsed (its width); JSONL adds them as rows
	 * come (VG_TABLE_ROW_NEW_COLUMNS). The map is built at the first
	 * parsed row in every case, and checked for an identifier then. */
	bool mapped = false;
	size_t expected = 0;
	vg_table_row row;
	uint64_t since = 0;
	int src_fixed = -2; /* not resolved yet */
	if ((rc = get_batch(r, fi, &bt, err)) != 0) {
		*fatal = true;
		goto out;
	}
	/* a mapped CSV file: once the columns are mapped, the workers parse it
	 * by ranges */
	bool chunkable = stable && !jsonl && r->nworkers > 0 && !r->o->no_ranges;
	for (;;) {
		size_t dlen, dpos;
		if (chunkable && mapped && vg_table_data(t, &dlen, &dpos)) {
			if (bt->nrows) {
				submit(r, bt);
			} else {
				release(r, bt);
			}
			bt = NULL;
			const vg_reason *fw = NULL;
			if ((r->o->source || p->source_col < 0) && src_fixed == -2)
				src_fixed = fixed_source(r, &fw);
			rc = read_chunks(r, fi, t, p, expected, src_fixed, fw, err, fatal);
			break;
		}
		int nr = vg_table_next(t, &row, err);
		if (nr < 0) {
			rc = nr;
			break;
		}
		if (nr == 0)
			break;
		f->c.rows_read++;
		r->rows++;
		if (row.flags & VG_TABLE_ROW_TRANSCODED)
			f->c.rows_transcoded++;
		if (++since == CHECK_EVERY) {
			since = 0;
			if (stopping(r) || (rc = worker_error(r, err)) != 0) {
				rc = rc ? rc : VG_EIO;
				*fatal = true;
				break;
			}
			report(r, VG_INGEST_PHASE_READ, fi, vg_table_bytes_in(t), 0, false);
		}
		if (row.error) {
			if ((rc = reject(r, f, row.lineno, row.error, row.raw, row.raw_len, err)) !=
			    0) {
				*fatal = true;
				break;
			}
			continue;
		}
		if (!mapped || (jsonl && (row.flags & VG_TABLE_ROW_NEW_COLUMNS))) {
			rc = map_columns(r, t, f, m, p, err);
			if (!rc && !mapped && !p->has_ident)
				rc = vg_err_set(
				    err, VG_EINVAL,
				    r->o->lang == VG_LANG_EN
				        ? "%s: no column holds an identifier (email, phone, nir, "
				          "ft_id, "
				          "or a name with dob); name them with --map COLUMN=FIELD"
				        : "%s : aucune colonne ne contient d'identifiant (email, "
				          "téléphone, NIR, identifiant, ou nom et date de "
				          "naissance) ; "
				          "indiquez-les avec --map COLONNE=CHAMP",
				    f->path);
			if (rc) {
				f->c.rows_read--; /* the file fails here: this row was not read */
				r->rows--;
				if (row.flags & VG_TABLE_ROW_TRANSCODED)
					f->c.rows_transcoded--;
				break;
			}
			mapped = true;
			expected = jsonl ? 0 : info->expected_fields;
		}
		const vg_reason *why = NULL;
		if (expected && row.nfields != expected) {
			why = &vg_ingest_reason_field_count;
		}
		int src = -1;
		if (!why) {
			if (r->o->source || p->source_col < 0) {
				if (src_fixed == -2)
					src_fixed = fixed_source(r, &why);
				src = src_fixed;
				if (src < 0 && !why)
					why = &vg_ingest_reason_bad_source;
			} else {
				const vg_table_field *sf = (size_t)p->source_col < row.nfields
				                               ? &row.fields[p->source_col]
				                               : NULL;
				src = sf ? column_source(r, sf->s, sf->len, &why)
				         : (why = &vg_ingest_reason_no_source, -1);
			}
			if (src >= 0 && r->file_src < 0)
				r->file_src = src;
		}
		/* categories and identifier items */
		uint16_t cats = 0;
		size_t ni = 0, need = stable ? 0 : row.raw_len;
		if (!why) {
			ni = plan_row(p, &row, items, &cats);
			for (size_t i = 0; i < ni && !stable; i++) /* fields not in the raw bytes */
				if (!(items[i].s >= row.raw &&
				      items[i].s + items[i].len <= row.raw + row.raw_len))
					need += items[i].len;
			if (ni == 0)
				why = &vg_ingest_reason_no_identifier;
			else if (need > BATCH_BYTES)
				why = &vg_ingest_reason_other;
		}
		if (why) {
			if ((rc = reject(r, f, row.lineno, why, row.raw, row.raw_len, err)) != 0) {
				*fatal = true;
				break;
			}
			continue;
		}
		/* into the batch */
		if (bt->nrows == bt->cap_rows || bt->nitems + ni > bt->cap_items ||
		    bt->len + need > BATCH_BYTES) {
			submit(r, bt);
			bt = NULL;
			if ((rc = collect(r, false, err)) != 0 ||
			    (rc = get_batch(r, fi, &bt, err)) != 0) {
				*fatal = true;
				break;
			}
		}
		brow *w = &bt->rows[bt->nrows++];
		w->lineno = row.lineno;
		w->raw_len = (uint32_t)row.raw_len;
		const char *base = row.raw;
		if (!stable) {
			memcpy(bt->buf + bt->len, row.raw, row.raw_len);
			base = bt->buf + bt->len;
			bt->len += row.raw_len;
		}
		w->raw = base;
		w->item_off = (uint32_t)bt->nitems;
		w->nitems = (uint16_t)ni;
		w->cats = cats;
		w->source = (uint8_t)src;
		w->suspect = (row.flags & VG_TABLE_ROW_QUOTE_FIXED) ? 1 : 0;
		for (size_t i = 0; i < ni; i++) {
			vg_ingest_item *it = &bt->items[bt->nitems++];
			it->field = items[i].field;
			it->len = items[i].len;
			if (items[i].s >= row.raw &&
			    items[i].s + items[i].len <= row.raw + row.raw_len) {
				it->s = base + (items[i].s - row.raw);
			} else {
				memcpy(bt->buf + bt->len, items[i].s, items[i].len);
				it->s = bt->buf + bt->len;
				bt->len += items[i].len;
			}
		}
	}
	if (bt) {
		if (bt->nrows) {
			submit(r, bt);
		} else {
			pthread_mutex_lock(&r->mu);
			bt->next = r->free_list;
			r->free_list = bt;
			pthread_mutex_unlock(&r->mu);
		}
		bt = NULL;
	}
	{
		int rc2 = drain(r, err);
		if (rc2 && !rc) {
			rc = rc2;
			*fatal = true;
		}
	}
	report(r, VG_INGEST_PHASE_READ, fi, vg_table_bytes_in(t), 0, true);
out:
	free(p);
	free(m);
	return rc;
}

/* The main source of a file: most accepted rows, else the fixed one. */
static int main_source(run *r, vg_ingest_file *f, unsigned *out, vg_err *err)
{
	uint64_t best = 0;
	int idx = -1;
	for (unsigned s = 0; s < VG_SOURCE_MAX; s++) {
		if (f->c.source_rows[s] > best) {
			best = f->c.source_rows[s];
			idx = (int)s;
		}
	}
	if (idx < 0)
		idx = r->file_src;
	if (idx < 0) {
		const vg_reason *why = NULL;
		idx = fixed_source(r, &why);
		if (idx < 0)
			return vg_err_set(err, VG_EINVAL, "%s: no source to record the file under",
			                  f->path);
	}
	*out = (unsigned)idx;
	return 0;
}

/* Records a file read to its end; reconciles its counters first. */
static int record_file(run *r, vg_ingest_file *f, const uint8_t fp[VG_FINGERPRINT_BYTES],
                       vg_err *err)
{
	if (f->c.rows_read != f->c.rows_accepted + f->c.rows_rejected)
		return vg_err_set(err, VG_EINTERNAL,
		                  "%s: %llu rows read but %llu accepted + %llu rejected (a bug)",
		                  f->path, (unsigned long long)f->c.rows_read,
		                  (unsigned long long)f->c.rows_accepted,
		                  (unsigned long long)f->c.rows_rejected);
	unsigned src = 0;
	int rc = main_source(r, f, &src, err);
	if (rc)
		return rc;
	vg_regfile rec;
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.fingerprint, fp, VG_FINGERPRINT_BYTES);
	rec.size = f->size;
	rec.rows_read = f->c.rows_read;
	rec.rows_accepted = f->c.rows_accepted;
	rec.rows_rejected = f->c.rows_rejected;
	memcpy(rec.rows_with, f->c.rows_with, sizeof(rec.rows_with));
	rec.time = r->o->now;
	rec.source = src;
	vg_regfile_display_name(strcmp(f->path, "-") ? f->path : "stdin", rec.name);
	rc = vg_regbuild_add_file(r->b, &rec, err);
	if (rc)
		return rc;
	f->source = src;
	f->has_source = true;
	r->recorded++;
	return 0;
}

/* Adds a file's counters to the run's. */
static void add_counts(vg_ingest_counts *to, const vg_ingest_counts *c)
{
	to->rows_read += c->rows_read;
	to->rows_accepted += c->rows_accepted;
	to->rows_rejected += c->rows_rejected;
	to->rows_suspect += c->rows_suspect;
	to->rows_transcoded += c->rows_transcoded;
	for (int k = 0; k < VG_CAT__COUNT; k++)
		to->rows_with[k] += c->rows_with[k];
	for (int t = 0; t < VG_IDTAB__COUNT; t++)
		to->identifiers[t] += c->identifiers[t];
	for (int s = 0; s < VG_SOURCE_MAX; s++)
		to->source_rows[s] += c->source_rows[s];
	for (size_t i = 0; i < c->rejected.n; i++)
		vg_ingest_reasons_add(&to->rejected, c->rejected.reason[i], c->rejected.count[i]);
	for (int k = 0; k < VG_INGEST__KINDS; k++)
		for (size_t i = 0; i < c->invalid[k].n; i++)
			vg_ingest_reasons_add(&to->invalid[k], c->invalid[k].reason[i],
			                      c->invalid[k].count[i]);
}

/* Fingerprints, reads and records file fi. *fatal: the run cannot go on. */
static int ingest_file(run *r, size_t fi, vg_err *err, bool *fatal)
{
	vg_ingest_file *f = &r->sum->files[fi];
	bool is_stdin = !strcmp(f->path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", f->path,
		                  strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		int e = errno;
		if (!is_stdin)
			close(fd);
		return vg_err_set(err, VG_EIO, "%s: %s", f->path, strerror(e));
	}
	f->stream = !S_ISREG(sb.st_mode);
	r->file_src = -1;
	uint8_t fp[VG_FINGERPRINT_BYTES];
	int rc;
	feeder fdr;
	int pfd[2] = {-1, -1};
	int tfd = fd;
	onway ow;
	bool early = !f->stream && size_maybe_known(r, (uint64_t)sb.st_size);
	if (!f->stream) {
		r->sizes[r->nsizes++] = (uint64_t)sb.st_size;
		f->size = (uint64_t)sb.st_size;
	}
	if (!f->stream && !early) {
		vg_fingerprint_init(&ow.fp, r->key);
		ow.bytes = 0;
	} else if (!f->stream) {
		uint64_t got = 0;
		rc = fingerprint_file(r, fi, fd, (uint64_t)sb.st_size, fp, &got, err);
		if (rc) {
			*fatal = stopping(r);
			close(fd);
			return rc;
		}
		f->size = got;
		if (vg_regbuild_claim(r->b, fp) == 0) {
			f->status = VG_INGEST_FILE_SKIPPED;
			r->done_before += got;
			close(fd);
			return 0;
		}
	} else {
		if (pipe2(pfd, O_CLOEXEC) != 0) {
			rc = vg_err_set(err, VG_EIO, "%s: cannot make a pipe: %s", f->path,
			                strerror(errno));
			if (!is_stdin)
				close(fd);
			return rc;
		}
		fcntl(pfd[0], F_SETPIPE_SZ, 1 << 20);
		memset(&fdr, 0, sizeof(fdr));
		vg_fingerprint_init(&fdr.fp, r->key);
		fdr.in_fd = fd;
		fdr.out_fd = pfd[1];
		fdr.stop = r->o->stop;
		if (pthread_create(&fdr.th, NULL, feed, &fdr) != 0) {
			fprintf(stderr, "vigie: cannot start a thread\n");
			abort();
		}
		tfd = pfd[0];
	}

	vg_table_opts topts;
	if (r->o->table)
		topts = *r->o->table;
	else
		vg_table_opts_init(&topts);
	if (r->have_spec)
		topts.map = &r->spec;
	if (!f->stream)
		topts.mmap = true;
	if (!f->stream && !early) {
		topts.on_input = onway_feed;
		topts.on_input_ctx = &ow;
	}
	vg_table *t = NULL;
	rc = vg_table_open_fd(&t, tfd, f->path, &topts, err);
	if (rc == 0) {
		const vg_table_info *info = vg_table_info_get(t);
		f->format = info->format;
		f->compression = info->compression;
		rc = read_rows(r, fi, t, err, fatal);
		if (!f->stream)
			r->done_before += f->size;
		vg_table_close(t);
	}
	if (f->stream) {
		__atomic_store_n(&fdr.quit, 1, __ATOMIC_RELEASE);
		close(pfd[0]); /* a feeder still writing gets EPIPE */
		pthread_join(fdr.th, NULL);
		f->size = fdr.bytes;
		r->done_before += fdr.bytes;
		if (!rc && fdr.eno)
			rc = vg_err_set(err, VG_EIO, "%s: cannot read: %s", f->path,
			                strerror(fdr.eno));
		vg_fingerprint_final(&fdr.fp, fp);
	}
	if (!rc && !f->stream && !early) {
		/* every byte went through the fingerprint, and only those */
		if (ow.bytes != (uint64_t)sb.st_size || ow.fp.size != ow.bytes)
			rc = vg_err_set(err, VG_EIO, "%s: the file changed while it was read",
			                f->path);
		f->size = ow.bytes;
		vg_fingerprint_final(&ow.fp, fp);
	}
	if (!is_stdin)
		close(fd);
	if (rc)
		return rc;
	if (stopping(r)) {
		*fatal = true;
		return VG_EIO;
	}
	/* known after all (cannot be, by its size, unless the file changed
	 * between the check and the read): its entries, the same again, were
	 * added, and it is not recorded again, as for a stream */
	if ((f->stream || !early) && vg_regbuild_claim(r->b, fp) == 0) {
		f->status = VG_INGEST_FILE_SKIPPED;
		return 0;
	}
	rc = record_file(r, f, fp, err);
	if (rc) {
		*fatal = true;
		return rc;
	}
	f->status = VG_INGEST_FILE_INGESTED;
	return 0;
}

/* ------------------------------------------------------------ the run */

void vg_ingest_opts_init(vg_ingest_opts *o)
{
	memset(o, 0, sizeof(*o));
}

const char *vg_ingest_file_status_name(vg_ingest_file_status s)
{
	static const char *const names[] = {"pending", "ingested", "skipped", "failed"};
	return (unsigned)s < 4 ? names[s] : "?";
}

int vg_ingest_parse_size(const char *s, size_t *out)
{
	if (!s || !*s)
		return VG_EUSAGE;
	uint64_t v = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9') {
		if (v > (UINT64_C(1) << 48))
			return VG_EUSAGE;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (p == s)
		return VG_EUSAGE;
	unsigned shift = 0;
	switch (*p) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	default:
		break;
	}
	if (shift) {
		p++;
		if (p[0] == 'i' && p[1] == 'B')
			p += 2;
		else if (p[0] == 'B')
			p++;
	} else if (p[0] == 'B') {
		p++;
	}
	if (*p)
		return VG_EUSAGE;
	if (v > (UINT64_C(1) << 48) >> shift)
		return VG_EUSAGE;
	v <<= shift;
	if (v < VG_REGBUILD_MIN_BUDGET || v > (UINT64_C(1) << 48) || v > SIZE_MAX)
		return VG_EUSAGE;
	*out = (size_t)v;
	return 0;
}

void vg_ingest_summary_release(vg_ingest_summary *s)
{
	free(s->files);
	s->files = NULL;
	s->nfiles = 0;
}

/* Checks every path before anything is changed; sums the sizes. */
static int precheck(run *r, const char *const *files, size_t nfiles, vg_err *err)
{
	bool en = r->o->lang == VG_LANG_EN;
	size_t nstdin = 0;
	r->total_known = true;
	for (size_t i = 0; i < nfiles; i++) {
		const char *path = files[i];
		if (!strcmp(path, "-")) {
			if (++nstdin > 1)
				return vg_err_set(
				    err, VG_EUSAGE,
				    en ? "\"-\" (standard input) is given more than once"
				       : "« - » (l'entrée standard) est donné plusieurs fois");
			r->total_known = false;
			continue;
		}
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			return vg_err_set(
			    err, e == ENOENT ? VG_ENOTFOUND : VG_EIO,
			    en ? "%s: cannot open: %s" : "%s : ouverture impossible : %s", path,
			    e == ENOENT ? (en ? "no such file" : "fichier inexistant")
			                : strerror(e));
		}
		struct stat sb;
		int rc = fstat(fd, &sb);
		close(fd);
		if (rc != 0 || S_ISDIR(sb.st_mode))
			return vg_err_set(err, VG_EIO,
			                  en ? "%s: not a file (a directory?)"
			                     : "%s : pas un fichier (un répertoire ?)",
			                  path);
		if (S_ISREG(sb.st_mode))
			r->total_bytes += (uint64_t)sb.st_size;
		else
			r->total_known = false;
	}
	return 0;
}

/* Resolves the key; notes whether it was created now. */
static int resolve_key(run *r, vg_regkey **owned, vg_err *err)
{
	const vg_ingest_opts *o = r->o;
	vg_ingest_summary *s = r->sum;
	if (o->key) {
		r->key = o->key;
		snprintf(s->key_origin, sizeof(s->key_origin), "(given)");
		return 0;
	}
	char kp[4200];
	snprintf(kp, sizeof(kp), "%s/%s", o->dir, VG_REGKEY_FILE);
	const char *env = getenv(VG_REGKEY_ENV);
	bool may_create = !o->key_file && !(env && *env) && access(kp, F_OK) != 0;
	int rc = vg_regkey_resolve(o->dir, o->key_file, true, owned, s->key_origin,
	                           sizeof(s->key_origin), err);
	if (rc)
		return rc;
	s->key_created = may_create;
	r->key = *owned;
	return 0;
}

int vg_ingest_run(const vg_ingest_opts *o, const char *const *files, size_t nfiles,
                  vg_ingest_summary *sum, vg_err *err)
{
	memset(sum, 0, sizeof(*sum));
	sum->nfiles = nfiles;
	sum->files = vg_xcalloc(nfiles ? nfiles : 1, sizeof(*sum->files));
	for (size_t i = 0; i < nfiles; i++)
		sum->files[i].path = files[i];

	run *r = vg_xcalloc(1, sizeof(*r));
	r->o = o;
	r->sum = sum;
	r->t0 = now_s();
	r->last_progress = 0;
	r->rej.fd = -1;
	vg_regkey *owned_key = NULL;
	bool en = o->lang == VG_LANG_EN;
	int rc = 0;
	bool fatal = false;
	vg_ingest_opts oc = *o;
	if (!oc.now)
		oc.now = (int64_t)time(NULL);
	r->o = &oc;
	o = &oc;

	/* options */
	if (!o->dir || !*o->dir) {
		rc = vg_err_set(err, VG_EUSAGE, "no registry directory");
		goto done;
	}
	if (nfiles == 0) {
		rc = vg_err_set(err, VG_EUSAGE,
		                en ? "no file to ingest" : "aucun fichier à ingérer");
		goto done;
	}
	r->nworkers = o->workers ? o->workers : VG_INGEST_DEFAULT_WORKERS;
	if (r->nworkers > VG_INGEST_MAX_WORKERS)
		r->nworkers = VG_INGEST_MAX_WORKERS;
	r->batch_rows = o->batch_rows ? o->batch_rows : BATCH_ROWS;
	if (o->source) {
		char disp[VG_SOURCE_NAME_MAX + 1], f[FOLD_MAX];
		if (vg_ingest_source_name(o->source, strlen(o->source), disp) == 0 ||
		    fold(o->source, strlen(o->source), f) == 0) {
			rc = vg_err_set(
			    err, VG_EUSAGE,
			    en ? "--source: a source name is 1 to %d bytes of text, "
			         "without control characters"
			       : "--source : un nom de source fait 1 à %d octets de texte, "
			         "sans caractère de contrôle",
			    VG_SOURCE_NAME_MAX);
			goto done;
		}
	}
	if (o->nspecial) {
		r->src.special = vg_xcalloc(o->nspecial, sizeof(*r->src.special));
		for (size_t i = 0; i < o->nspecial; i++) {
			if (fold(o->special[i], strlen(o->special[i]), r->src.special[i]) == 0) {
				rc =
				    vg_err_set(err, VG_EUSAGE,
				               en ? "--special: \"%s\" is not a source name"
				                  : "--special : « %s » n'est pas un nom de source",
				               o->special[i]);
				goto done;
			}
		}
		r->src.nspecial = o->nspecial;
	}
	if (o->map) {
		if ((rc = vg_colmap_spec_parse(&r->spec, o->map, o->lang, err)) != 0)
			goto done;
		r->have_spec = true;
	}
	if ((rc = precheck(r, files, nfiles, err)) != 0)
		goto done;

	/* key, rejects, builder */
	if ((rc = resolve_key(r, &owned_key, err)) != 0)
		goto done;
	if ((rc = vgi_rejects_init(&r->rej, o->rejects, o->dir, o->now, o->lang, err)) != 0)
		goto done;
	vg_regbuild_opts bo;
	memset(&bo, 0, sizeof(bo));
	bo.memory_budget = o->memory ? o->memory : VG_INGEST_DEFAULT_MEMORY;
	bo.now = o->now;
	if ((rc = vg_regbuild_begin(o->dir, r->key, &bo, &r->b, err)) != 0)
		goto done;
	const vg_registry *cur = vg_regbuild_current(r->b);
	if (cur) {
		vg_registry_info info;
		vg_registry_get_info(cur, &info);
		memcpy(sum->entries_before, info.table_entries, sizeof(sum->entries_before));
	}
	if ((rc = sources_init(r, err)) != 0)
		goto done;

	/* the files */
	r->fpbuf = vg_xmalloc(FP_READ);
	r->sizes = vg_xcalloc(nfiles, sizeof(*r->sizes));
	start_workers(r);
	int first_rc = 0;
	vg_err first_err;
	memset(&first_err, 0, sizeof(first_err));
	for (size_t i = 0; i < nfiles && !fatal; i++) {
		vg_err ferr;
		memset(&ferr, 0, sizeof(ferr));
		report(r, VG_INGEST_PHASE_READ, i, 0, 0, true);
		int frc = ingest_file(r, i, &ferr, &fatal);
		vg_ingest_file *f = &sum->files[i];
		if (frc) {
			f->status = VG_INGEST_FILE_FAILED;
			f->err = ferr;
			f->err.code = frc;
			if (!first_rc) {
				first_rc = frc;
				first_err = ferr;
			}
		}
		if (f->status != VG_INGEST_FILE_SKIPPED)
			add_counts(&sum->total, &f->c);
	}
	if (stopping(r)) {
		fatal = true;
		sum->interrupted = true;
	}
	stop_workers(r, fatal);
	if (!fatal && (rc = worker_error(r, err)) != 0)
		fatal = true;
	sum->read_seconds = now_s() - r->t0;
	for (size_t i = 0; i < nfiles; i++) {
		sum->ingested += sum->files[i].status == VG_INGEST_FILE_INGESTED;
		sum->skipped += sum->files[i].status == VG_INGEST_FILE_SKIPPED;
		sum->failed += sum->files[i].status == VG_INGEST_FILE_FAILED;
	}
	if (fatal) {
		if (!rc) {
			rc = first_rc ? first_rc : VG_EIO;
			if (err)
				*err = first_err;
		}
		if (sum->interrupted)
			rc = vg_err_set(err, VG_EIO,
			                en ? "interrupted: nothing was published, the registry is "
			                     "unchanged"
			                   : "interrompu : rien n'a été publié, le registre est "
			                     "inchangé");
		goto done;
	}
	if (sum->total.rows_read != sum->total.rows_accepted + sum->total.rows_rejected) {
		rc = vg_err_set(err, VG_EINTERNAL, "rows do not reconcile (a bug)");
		goto done;
	}
	if ((rc = vgi_rejects_finish(&r->rej, err)) != 0)
		goto done;
	sum->rejects_written = r->rej.created;
	if (r->rej.created)
		snprintf(sum->rejects_path, sizeof(sum->rejects_path), "%s", r->rej.path);

	/* publish */
	double tc = now_s();
	report(r, VG_INGEST_PHASE_COMMIT, nfiles ? nfiles - 1 : 0, 0, 0, true);
	if (stopping(r)) {
		sum->interrupted = true;
		rc = vg_err_set(err, VG_EIO,
		                en ? "interrupted: nothing was published, the registry is unchanged"
		                   : "interrompu : rien n'a été publié, le registre est inchangé");
		goto done;
	}
	bool changed = r->recorded > 0 || sum->failed > 0 || r->src.special_changed;
	if (!changed) {
		/* nothing new (every file known): leave the registry as it is */
		sum->result.published = false;
		if (cur) {
			vg_registry_info info;
			vg_registry_get_info(cur, &info);
			sum->result.generation = info.generation;
			snprintf(sum->result.path, sizeof(sum->result.path), "%s",
			         vg_registry_path(cur));
			memcpy(sum->result.table_entries, info.table_entries,
			       sizeof(sum->result.table_entries));
			sum->result.entries = info.entries;
			sum->result.entries_before = info.entries;
			sum->result.file_len = info.file_len;
		}
		vg_regbuild_abort(r->b);
		r->b = NULL;
		/* rows rejected here came from a stream already ingested: known */
		vgi_rejects_discard(&r->rej);
		sum->rejects_written = false;
		sum->rejects_path[0] = '\0';
		sum->committed = true;
	} else {
		vg_regbuild *b = r->b;
		r->b = NULL;
		int crc = vg_regbuild_commit(b, &sum->result, err);
		if (crc) {
			rc = crc;
			goto done;
		}
		sum->committed = true;
	}
	sum->commit_seconds = now_s() - tc;
	if (first_rc) {
		rc = first_rc;
		if (err)
			*err = first_err;
	}

done:
	if (r->pool)
		stop_workers(r, true);
	if (r->b)
		vg_regbuild_abort(r->b);
	if (!sum->committed)
		vgi_rejects_discard(&r->rej);
	else if (r->rej.fd >= 0)
		vgi_rejects_discard(&r->rej);
	sum->nsources = r->src.n;
	for (unsigned i = 0; i < r->src.n && i < VG_SOURCE_MAX; i++) {
		snprintf(sum->sources[i].name, sizeof(sum->sources[i].name), "%s", r->src.name[i]);
		sum->sources[i].flags = r->src.flags[i];
	}
	sum->new_sources = r->src.new_mask;
	if (!sum->committed) {
		sum->rejects_written = false;
		sum->rejects_path[0] = '\0';
	}
	sum->seconds = now_s() - r->t0;
	if (r->have_spec)
		vg_colmap_spec_release(&r->spec);
	free(r->src.special);
	free(r->fpbuf);
	free(r->sizes);
	vg_regkey_free(owned_key);
	free(r);
	return rc;
}
