/*
 * plan.c: from the inputs to the plan, the sorted and deduplicated list of
 * messages a run sends, in order.
 *
 * One pass over the inputs (vg_table + vg_colmap, the ingest's reader and
 * column mapping). For each parsed row:
 *
 *   1. every identifier of the row (email, phone, NIR, France Travail id,
 *      name + date of birth, as vg_ingest_row() makes them) is looked up in
 *      the registry by its keyed pseudonym; the union of the hits is what
 *      the person's message says. The registry holds the union over every
 *      file and source ever ingested, so a person's rows elsewhere count;
 *      a row none of whose identifiers is in the registry was not exposed
 *      (a contact export holds everyone) and gets no message;
 *   2. contacts: each valid email of the row is an email contact; when the
 *      row has none, each valid mobile is an SMS contact; a row with a valid
 *      email also marks its mobiles "covered", so that the same person's
 *      other rows with only the mobile do not bring an SMS on top of the
 *      email;
 *   3. a 24-byte record per contact (pseudonym, channel, categories,
 *      sources, offset of the canonical address in its worker's
 *      DIR/plan.addr-W) goes to the worker's buffer; a full buffer is
 *      sorted and spilled to DIR/run-W-N.tmp.
 *
 * Threads, as in ingest: the caller's thread reads (a plain file is
 * mapped, and the identifier fields go to the workers as slices of the
 * mapping; a compressed file or a stream has them copied into the batch),
 * and puts the rows' identifier fields into batches of 2,048 rows from a
 * fixed pool of 2 x threads + 2. Workers (opts.threads, default 2) do steps
 * 1 to 3 for a batch, 128 rows at a time: normalize and make every
 * pseudonym, look the group's pseudonyms up together
 * (vg_registry_lookup_many() with a vg_regguide made once per build: the
 * cache misses overlap, and each search starts within 32 to 64 keys), then
 * the records.
 * A worker owns its buffer, its runs and its address file; at the end each
 * sorts what its buffer holds, side by side.
 *
 * Then the runs and the buffers are merged (a heap of streams), records of
 * one (channel, pseudonym) are OR-ed together, covered mobiles dropped, and
 * each remaining contact is written to DIR/plan.tmp with its address;
 * plan.tmp is fsynced and renamed to DIR/plan. Order: by pseudonym, a
 * keyed, stable, uniform order: message i of a plan is fixed once the plan
 * exists, which is what the journal counts on. Nothing in the plan depends
 * on which worker saw which row (OR is commutative, and every record of a
 * pseudonym carries the same canonical address), so the plan is the same
 * for any number of threads and any memory budget.
 *
 * Memory: opts.memory (default 512 MiB) for records and the sort's scratch
 * (48 bytes a record), shared equally by the workers; plus, per worker, the
 * sort's slot counts (16 MiB at the default budget) and 1.5 MiB of scratch;
 * the batch pool (2.5 MiB, plus up to 4 MiB a batch for copied fields when
 * the input is not a mapped file); 768 KiB a run when merging. At 43 M
 * people (about 79 M records, 1.84 a person in bench/notify.sh's data) with
 * the default budget and 2 workers: 14 runs of 5.6 M records, 1.9 GB of
 * runs and about 1.1 GB of addresses on disk (deleted after), about
 * 600 MiB of memory. The input and registry mappings are page cache on top
 * (file-backed, shown in RSS as they are read).
 */
#include "notify/internal.h"

#include "vigie/colmap.h"
#include "vigie/email.h"
#include "vigie/ingest.h"
#include "vigie/phone.h"
#include "vigie/table.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

typedef struct nrec {
	uint64_t key;
	uint64_t addr_off;
	uint16_t cats, sources;
	uint8_t chan;
	uint8_t flags; /* NR_COVERED */
	uint8_t addr_len;
	uint8_t pad;
} nrec;

_Static_assert(sizeof(nrec) == 24, "24-byte records");

enum { NR_COVERED = 1 };

/* ------------------------------------------------------------ sort */

static int rec_cmp(const nrec *a, const nrec *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->chan != b->chan)
		return a->chan < b->chan ? -1 : 1;
	return 0;
}

static int rec_qcmp(const void *a, const void *b)
{
	return rec_cmp(a, b);
}

/*
 * Sorts a[0..n) by (key, chan) using tmp (n records): keys are PRF outputs,
 * uniform, so one scatter on the top bits leaves a few records a slot,
 * finished by insertion sort (qsort for a crowded slot: equal keys, or keys
 * that are not uniform). Returns the array holding the result.
 */
static nrec *rec_sort(nrec *a, nrec *tmp, size_t n)
{
	if (n < 64) {
		qsort(a, n, sizeof(*a), rec_qcmp);
		return a;
	}
	unsigned bits = 0;
	while (bits < 24 && ((size_t)1 << (bits + 1)) <= n / 2)
		bits++;
	size_t slots = (size_t)1 << bits;
	size_t *cnt = vg_xcalloc(slots + 1, sizeof(size_t));
	unsigned sh = 64 - bits;
	for (size_t i = 0; i < n; i++)
		cnt[(a[i].key >> sh) + 1]++;
	for (size_t s = 0; s < slots; s++)
		cnt[s + 1] += cnt[s];
	size_t *pos = vg_xmalloc(slots * sizeof(size_t));
	memcpy(pos, cnt, slots * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		tmp[pos[a[i].key >> sh]++] = a[i];
	for (size_t s = 0; s < slots; s++) {
		nrec *b = tmp + cnt[s];
		size_t m = cnt[s + 1] - cnt[s];
		if (m > 32) {
			qsort(b, m, sizeof(*b), rec_qcmp);
			continue;
		}
		for (size_t i = 1; i < m; i++) {
			nrec e = b[i];
			size_t j = i;
			while (j > 0 && rec_cmp(&b[j - 1], &e) > 0) {
				b[j] = b[j - 1];
				j--;
			}
			b[j] = e;
		}
	}
	free(pos);
	free(cnt);
	return tmp;
}

/* ------------------------------------------------------------ the build */

#define BATCH_ROWS 2048
#define BATCH_ITEMS ((size_t)BATCH_ROWS * 8)
/* Room for the identifier fields of any row that are copied (not mapped):
 * at most 3 bytes per raw byte (transcoded), raw at most VG_TABLE_MAX_ROW. */
#define BATCH_BYTES ((size_t)4 * VG_TABLE_MAX_ROW)
/* Rows whose lookups go to the registry together. */
#define GROUP_ROWS 128
/* Lookups and contacts one row can make: its emails, its phones, and the
 * entries vg_ingest_row() makes of its other identifiers. */
#define ROW_LOOKUPS (2 * VG_COLMAP_PER_FIELD + VG_INGEST_ROW_ENTRIES_MAX)
#define ROW_CONTACTS (2 * VG_COLMAP_PER_FIELD)
/* An address offset is its worker's number in the top byte, then the
 * offset in that worker's address file. */
#define ADDR_SHIFT 56
#define CHECK_EVERY 16384

/* One row of a batch: its non-empty identifier fields, in column order. */
typedef struct brow {
	uint32_t item_off, nitems;
} brow;

typedef struct batch {
	struct batch *next;
	size_t nrows, nitems, len;
	brow *rows;
	vg_ingest_item *items;
	char *buf; /* fields that are not slices of a mapped file */
} batch;

/* A contact of a row, between normalizing and the records. */
typedef struct contact {
	uint64_t key;
	const char *addr; /* canonical, in the worker's arena */
	size_t len;
	uint8_t chan;
	bool mobile;
} contact;

/* Where a row of a group keeps its lookups and contacts. */
typedef struct grow {
	uint32_t lk_off, lk_n;
	uint32_t ct_off, ct_n;
	uint32_t ne; /* valid emails */
} grow;

struct build;

typedef struct worker {
	struct build *b;
	unsigned id;
	pthread_t th;
	bool started;
	/* records: a sorted run is spilled when the buffer is full */
	nrec *recs, *tmp, *sorted;
	size_t n, cap;
	unsigned runs;
	uint64_t total_recs, not_exposed, no_contact;
	/* canonical addresses of this worker's records */
	FILE *addr;
	uint64_t addr_len;
	char addr_path[4200];
	/* scratch for a group of rows (allocated once) */
	vg_ingest_rowres *res;
	uint8_t *lk_tab;
	uint64_t *lk_key;
	vg_reghit *lk_hit;
	contact *ct;
	char *arena;
	grow *gr;
	vg_err err;
} worker;

typedef struct build {
	const np_build_opts *o;
	vg_err *err;
	vg_notify_counts c;
	vg_colmap_spec spec;
	bool have_spec;
	double t0;
	/* the workers and the batch queue */
	worker *w;
	unsigned nw;
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_free;
	batch *work_head, *work_tail, *free_list;
	size_t nfree;
	bool closing, abandon;
	int werr;
	vg_err werr_msg;
	batch *pool;
	size_t npool;
	uint64_t total_recs;
	vg_regguide *guide; /* for the workers' lookups */
	char path[4200];
} build;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(build *b, int phase, uint64_t done, uint64_t total)
{
	if (!b->o->progress)
		return;
	vg_notify_progress p = {phase, done, total, now_s() - b->t0};
	b->o->progress(b->o->progress_ctx, &p);
}

/* The path of worker w's sorted run n. */
static void runpath(const build *b, unsigned w, unsigned n, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/run-%u-%u.tmp", b->o->dir, w, n);
}

/* ---- worker side */

/* Writes the worker's sorted buffer as its next run. */
static int spill(worker *w)
{
	char p[4200];
	runpath(w->b, w->id, w->runs, p, sizeof(p));
	nrec *s = rec_sort(w->recs, w->tmp, w->n);
	FILE *f = fopen(p, "wb");
	if (!f || fwrite(s, sizeof(nrec), w->n, f) != w->n || fclose(f) != 0)
		return vg_err_set(&w->err, VG_EIO, "%s: %s", p, strerror(errno));
	w->runs++;
	w->n = 0;
	return 0;
}

static int add(worker *w, uint64_t key, vg_notify_channel ch, uint16_t cats, uint16_t sources,
               uint8_t flags, const char *addr, size_t addr_len)
{
	if (w->n == w->cap) {
		int rc = spill(w);
		if (rc)
			return rc;
	}
	nrec *r = &w->recs[w->n++];
	memset(r, 0, sizeof(*r));
	r->key = key;
	r->chan = (uint8_t)ch;
	r->cats = cats;
	r->sources = sources;
	r->flags = flags;
	if (addr_len) {
		r->addr_off = (uint64_t)w->id << ADDR_SHIFT | w->addr_len;
		r->addr_len = (uint8_t)addr_len;
		if (fwrite(addr, 1, addr_len, w->addr) != addr_len)
			return vg_err_set(&w->err, VG_EIO, "%s: %s", w->addr_path, strerror(errno));
		w->addr_len += addr_len;
	}
	w->total_recs++;
	return 0;
}

/* Keeps a canonical address in the group's arena. */
static contact *keep(worker *w, size_t *nc, size_t *alen, uint64_t key, const vg_canon *c,
                     vg_notify_channel ch, bool mobile)
{
	contact *ct = &w->ct[(*nc)++];
	ct->key = key;
	ct->addr = w->arena + *alen;
	ct->len = c->len;
	ct->chan = (uint8_t)ch;
	ct->mobile = mobile;
	memcpy(w->arena + *alen, c->s, c->len);
	*alen += c->len;
	return ct;
}

/*
 * Rows [g, g + m) of a batch, in three passes: every identifier normalized
 * and turned into its pseudonym; the group's lookups at once
 * (vg_registry_lookup_many: their cache misses overlap); then each row's
 * union of hits and its contact records. What each row gives is exactly
 * what one row at a time gave (the order of records does not matter: they
 * are sorted).
 */
static int group(worker *w, const batch *bt, size_t g, size_t m)
{
	const vg_registry *reg = w->b->o->reg;
	const vg_regkey *key = w->b->o->key;
	vg_ingest_item items[VG_INGEST_ROW_ITEMS_MAX];
	vg_email em;
	vg_phone ph;
	size_t nl = 0, nc = 0, alen = 0;
	for (size_t r = 0; r < m; r++) {
		const brow *br = &bt->rows[g + r];
		grow *gr = &w->gr[r];
		size_t ne = 0, np = 0, ni = 0;
		gr->lk_off = (uint32_t)nl;
		gr->ct_off = (uint32_t)nc;
		for (size_t k = 0; k < br->nitems; k++) {
			const vg_ingest_item *it = &bt->items[br->item_off + k];
			if (vg_ingest_blank(it->s, it->len))
				continue;
			if (it->field == VG_FIELD_EMAIL) {
				if (ne < VG_COLMAP_PER_FIELD &&
				    vg_email_normalize(it->s, it->len, &em) == 0 &&
				    em.c.len <= NP_ADDR_MAX) {
					uint64_t p =
					    vg_regkey_prf(key, VG_IDTAB_EMAIL, em.c.s, em.c.len);
					w->lk_tab[nl] = VG_IDTAB_EMAIL;
					w->lk_key[nl++] = p;
					keep(w, &nc, &alen, p, &em.c, VG_NOTIFY_EMAIL, false);
					ne++;
				}
			} else if (it->field == VG_FIELD_PHONE) {
				if (np < VG_COLMAP_PER_FIELD &&
				    vg_phone_normalize(it->s, it->len, &ph) == 0) {
					uint64_t p =
					    vg_regkey_prf(key, VG_IDTAB_PHONE, ph.c.s, ph.c.len);
					w->lk_tab[nl] = VG_IDTAB_PHONE;
					w->lk_key[nl++] = p;
					keep(w, &nc, &alen, p, &ph.c, VG_NOTIFY_SMS,
					     ph.type == VG_PHONE_MOBILE ||
					         ph.type == VG_PHONE_FIXED_OR_MOBILE);
					np++;
				}
			} else if (ni < VG_INGEST_ROW_ITEMS_MAX) {
				items[ni++] = *it;
			}
		}
		if (ni) {
			vg_ingest_rowres *res = w->res;
			vg_ingest_row(key, items, ni, 0, 1, res);
			for (size_t i = 0; i < res->nentries; i++) {
				w->lk_tab[nl] = (uint8_t)res->e[i].table;
				w->lk_key[nl++] = res->e[i].key;
			}
		}
		gr->lk_n = (uint32_t)(nl - gr->lk_off);
		gr->ct_n = (uint32_t)(nc - gr->ct_off);
		gr->ne = (uint32_t)ne;
	}
	vg_registry_lookup_many(reg, w->b->guide, nl, w->lk_tab, w->lk_key, w->lk_hit);
	int rc;
	for (size_t r = 0; r < m; r++) {
		const grow *gr = &w->gr[r];
		uint16_t cats = 0, sources = 0;
		for (size_t i = 0; i < gr->lk_n; i++) {
			cats |= w->lk_hit[gr->lk_off + i].cats;
			sources |= w->lk_hit[gr->lk_off + i].sources;
		}
		if (!sources) {
			w->not_exposed++;
			continue;
		}
		const contact *ct = &w->ct[gr->ct_off];
		size_t mobiles = 0;
		for (size_t i = 0; i < gr->ct_n; i++)
			mobiles += ct[i].mobile;
		if (gr->ne == 0 && mobiles == 0) {
			w->no_contact++;
			continue;
		}
		/* the emails, each address once */
		for (size_t i = 0; i < gr->ct_n; i++) {
			if (ct[i].chan != VG_NOTIFY_EMAIL)
				continue;
			bool dup = false;
			for (size_t j = 0; j < i; j++)
				dup |= ct[j].chan == VG_NOTIFY_EMAIL && ct[j].key == ct[i].key;
			if (!dup && (rc = add(w, ct[i].key, VG_NOTIFY_EMAIL, cats, sources, 0,
			                      ct[i].addr, ct[i].len)) != 0)
				return rc;
		}
		/* the mobiles: an SMS contact, or covered by the row's email */
		for (size_t i = 0; i < gr->ct_n; i++) {
			if (ct[i].chan != VG_NOTIFY_SMS || !ct[i].mobile)
				continue;
			bool dup = false;
			for (size_t j = 0; j < i; j++)
				dup |= ct[j].chan == VG_NOTIFY_SMS && ct[j].key == ct[i].key;
			if (dup)
				continue;
			if (gr->ne)
				rc = add(w, ct[i].key, VG_NOTIFY_SMS, 0, 0, NR_COVERED, NULL, 0);
			else
				rc = add(w, ct[i].key, VG_NOTIFY_SMS, cats, sources, 0, ct[i].addr,
				         ct[i].len);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static void worker_failed(build *b, int rc, const vg_err *err)
{
	pthread_mutex_lock(&b->mu);
	if (!b->werr) {
		b->werr = rc;
		b->werr_msg = *err;
	}
	pthread_mutex_unlock(&b->mu);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	build *b = w->b;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (!b->work_head && !b->closing)
			pthread_cond_wait(&b->cv_work, &b->mu);
		batch *bt = b->work_head;
		if (!bt) {
			pthread_mutex_unlock(&b->mu);
			break;
		}
		b->work_head = bt->next;
		if (!b->work_head)
			b->work_tail = NULL;
		bool skip = b->abandon || b->werr;
		pthread_mutex_unlock(&b->mu);

		int rc = 0;
		for (size_t g = 0; g < bt->nrows && !skip && !rc; g += GROUP_ROWS)
			rc = group(w, bt, g,
			           bt->nrows - g < GROUP_ROWS ? bt->nrows - g : GROUP_ROWS);
		if (rc)
			worker_failed(b, rc, &w->err);

		pthread_mutex_lock(&b->mu);
		bt->next = b->free_list;
		b->free_list = bt;
		b->nfree++;
		pthread_cond_broadcast(&b->cv_free);
		pthread_mutex_unlock(&b->mu);
	}
	pthread_mutex_lock(&b->mu);
	bool skip = b->abandon || b->werr;
	pthread_mutex_unlock(&b->mu);
	if (skip)
		return NULL;
	/* what is left is sorted here, each worker its own, side by side */
	w->sorted = rec_sort(w->recs, w->tmp, w->n);
	if (fflush(w->addr) != 0) {
		vg_err_set(&w->err, VG_EIO, "%s: %s", w->addr_path, strerror(errno));
		worker_failed(b, VG_EIO, &w->err);
	}
	return NULL;
}

/* ---- reader side */

static int worker_error(build *b)
{
	pthread_mutex_lock(&b->mu);
	int rc = b->werr;
	if (rc && b->err)
		*b->err = b->werr_msg;
	pthread_mutex_unlock(&b->mu);
	return rc;
}

static batch *get_batch(build *b)
{
	pthread_mutex_lock(&b->mu);
	while (!b->free_list)
		pthread_cond_wait(&b->cv_free, &b->mu);
	batch *bt = b->free_list;
	b->free_list = bt->next;
	b->nfree--;
	pthread_mutex_unlock(&b->mu);
	bt->next = NULL;
	bt->nrows = bt->nitems = bt->len = 0;
	return bt;
}

static void submit(build *b, batch *bt)
{
	pthread_mutex_lock(&b->mu);
	if (bt->nrows == 0) {
		bt->next = b->free_list;
		b->free_list = bt;
		b->nfree++;
	} else {
		bt->next = NULL;
		if (b->work_tail)
			b->work_tail->next = bt;
		else
			b->work_head = bt;
		b->work_tail = bt;
		pthread_cond_signal(&b->cv_work);
	}
	pthread_mutex_unlock(&b->mu);
}

/* Waits until the workers hold no batch (before a mapped file is closed). */
static void drain(build *b)
{
	pthread_mutex_lock(&b->mu);
	while (b->nfree < b->npool)
		pthread_cond_wait(&b->cv_free, &b->mu);
	pthread_mutex_unlock(&b->mu);
}

/* Which columns hold what, for one file. */
typedef struct cols {
	size_t n;
	struct {
		uint16_t col;
		uint8_t field;
	} c[VG_TABLE_MAX_FIELDS];
} cols;

static void cols_build(cols *p, const vg_colmap *m)
{
	p->n = 0;
	for (size_t i = 0; i < m->ncolumns && i < VG_TABLE_MAX_FIELDS; i++) {
		vg_field f = (vg_field)m->field[i];
		if (!vg_ingest_field_is_ident(f))
			continue;
		p->c[p->n].col = (uint16_t)i;
		p->c[p->n].field = (uint8_t)f;
		p->n++;
	}
}

/* Reads one input file into batches for the workers. */
static int read_file(build *b, const char *path)
{
	vg_table *t = NULL;
	vg_table_opts topts;
	vg_table_opts_init(&topts);
	topts.mmap = true; /* a plain regular file: rows are slices of the mapping */
	int rc = vg_table_open(&t, path, &topts, b->err);
	if (rc)
		return rc;
	const vg_table_info *info = vg_table_info_get(t);
	bool jsonl = info->format == VG_TABLE_JSONL;
	bool stable = info->stable;
	vg_colmap *m = vg_xmalloc(sizeof(*m));
	cols *p = vg_xmalloc(sizeof(*p));
	bool mapped = false;
	vg_table_row rw;
	uint64_t since = 0;
	batch *bt = get_batch(b);
	b->c.files++;
	for (;;) {
		int nr = vg_table_next(t, &rw, b->err);
		if (nr < 0) {
			rc = nr;
			break;
		}
		if (nr == 0)
			break;
		b->c.rows++;
		if (++since == CHECK_EVERY) {
			since = 0;
			if (b->o->stop && *b->o->stop) {
				rc = vg_err_set(b->err, VG_EIO, "interrupted");
				break;
			}
			if ((rc = worker_error(b)) != 0)
				break;
			progress(b, 0, b->c.rows, 0);
		}
		if (rw.error) {
			b->c.rows_bad++;
			continue;
		}
		if (!mapped || (jsonl && (rw.flags & VG_TABLE_ROW_NEW_COLUMNS))) {
			size_t n;
			const vg_table_field *names = vg_table_columns(t, &n);
			if (!jsonl && !info->header) {
				names = NULL;
				n = info->expected_fields;
			}
			rc = vg_colmap_build(m, names, n, b->have_spec ? &b->spec : NULL,
			                     jsonl ? VG_COLMAP_PARTIAL : 0, b->o->lang, b->err);
			if (rc)
				break;
			cols_build(p, m);
			if (!mapped && !m->count[VG_FIELD_EMAIL] && !m->count[VG_FIELD_PHONE] &&
			    !jsonl) {
				rc = vg_err_set(
				    b->err, VG_EINVAL,
				    T(b->o->lang,
				      "%s : aucune colonne d'adresse électronique ni de téléphone "
				      "; "
				      "indiquez-les avec --map COLONNE=email ou COLONNE=phone",
				      "%s: no email or phone column; name them with --map "
				      "COLUMN=email "
				      "or COLUMN=phone"),
				    path);
				break;
			}
			mapped = true;
		}
		/* a row with the wrong number of fields is cut or shifted: its
		 * address could be a stranger's; ingest rejects it too */
		if (!jsonl && info->expected_fields && rw.nfields != info->expected_fields) {
			b->c.rows_bad++;
			continue;
		}
		/* the row's non-empty identifier fields, and the bytes to copy */
		size_t ni = 0, need = 0;
		for (size_t i = 0; i < p->n; i++) {
			size_t col = p->c[i].col;
			if (col >= rw.nfields || rw.fields[col].len == 0)
				continue;
			const vg_table_field *fl = &rw.fields[col];
			ni++;
			if (!stable || !(fl->s >= rw.raw && fl->s + fl->len <= rw.raw + rw.raw_len))
				need += fl->len;
		}
		if (need > BATCH_BYTES) {
			rc = vg_err_set(b->err, VG_EINTERNAL, "%s: row %llu too large for a batch",
			                path, (unsigned long long)rw.lineno);
			break;
		}
		if (bt->nrows == BATCH_ROWS || bt->nitems + ni > BATCH_ITEMS ||
		    bt->len + need > BATCH_BYTES) {
			submit(b, bt);
			bt = get_batch(b);
		}
		brow *br = &bt->rows[bt->nrows++];
		br->item_off = (uint32_t)bt->nitems;
		br->nitems = (uint32_t)ni;
		for (size_t i = 0; i < p->n; i++) {
			size_t col = p->c[i].col;
			if (col >= rw.nfields || rw.fields[col].len == 0)
				continue;
			const vg_table_field *fl = &rw.fields[col];
			vg_ingest_item *it = &bt->items[bt->nitems++];
			it->field = (vg_field)p->c[i].field;
			it->len = fl->len;
			if (stable && fl->s >= rw.raw && fl->s + fl->len <= rw.raw + rw.raw_len) {
				it->s = fl->s;
			} else {
				memcpy(bt->buf + bt->len, fl->s, fl->len);
				it->s = bt->buf + bt->len;
				bt->len += fl->len;
			}
		}
	}
	submit(b, bt);
	drain(b); /* the batches may point into the mapping */
	free(p);
	free(m);
	vg_table_close(t);
	return rc;
}

static void start_workers(build *b, size_t cap)
{
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv_work, NULL);
	pthread_cond_init(&b->cv_free, NULL);
	b->npool = 2 * (size_t)b->nw + 2;
	b->pool = vg_xcalloc(b->npool, sizeof(*b->pool));
	for (size_t i = 0; i < b->npool; i++) {
		batch *bt = &b->pool[i];
		bt->rows = vg_xmalloc(BATCH_ROWS * sizeof(*bt->rows));
		bt->items = vg_xmalloc(BATCH_ITEMS * sizeof(*bt->items));
		bt->buf = vg_xmalloc(BATCH_BYTES); /* touched only for copied fields */
		bt->next = b->free_list;
		b->free_list = bt;
	}
	b->nfree = b->npool;
	for (unsigned i = 0; i < b->nw; i++) {
		worker *w = &b->w[i];
		w->b = b;
		w->id = i;
		w->cap = cap;
		w->recs = vg_xmalloc(cap * sizeof(nrec));
		w->tmp = vg_xmalloc(cap * sizeof(nrec));
		w->res = vg_xmalloc(sizeof(*w->res));
		w->lk_tab = vg_xmalloc(GROUP_ROWS * ROW_LOOKUPS);
		w->lk_key = vg_xmalloc(GROUP_ROWS * ROW_LOOKUPS * sizeof(uint64_t));
		w->lk_hit = vg_xmalloc(GROUP_ROWS * ROW_LOOKUPS * sizeof(vg_reghit));
		w->ct = vg_xmalloc(GROUP_ROWS * ROW_CONTACTS * sizeof(contact));
		w->arena = vg_xmalloc((size_t)GROUP_ROWS * ROW_CONTACTS * VG_CANON_MAX);
		w->gr = vg_xmalloc(GROUP_ROWS * sizeof(grow));
		if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
			fprintf(stderr, "vigie: cannot start a worker thread\n");
			abort();
		}
		w->started = true;
	}
}

/* Ends the workers (abandon: without sorting what they hold). */
static void stop_workers(build *b, bool abandon)
{
	if (!b->pool)
		return;
	pthread_mutex_lock(&b->mu);
	b->closing = true;
	b->abandon = b->abandon || abandon;
	pthread_cond_broadcast(&b->cv_work);
	pthread_mutex_unlock(&b->mu);
	for (unsigned i = 0; i < b->nw; i++)
		if (b->w[i].started) {
			pthread_join(b->w[i].th, NULL);
			b->w[i].started = false;
		}
	for (size_t i = 0; i < b->npool; i++) {
		free(b->pool[i].rows);
		free(b->pool[i].items);
		free(b->pool[i].buf);
	}
	free(b->pool);
	b->pool = NULL;
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv_work);
	pthread_cond_destroy(&b->cv_free);
}

/* ---- merge */

/* A sorted stream of records: a worker's buffer, or a run file. */
typedef struct stream {
	FILE *f;
	nrec *buf;
	size_t n, i;
	bool mem;
} stream;

static bool stream_peek(stream *s, nrec **out)
{
	if (s->i == s->n) {
		if (s->mem || !s->f)
			return false;
		s->n = fread(s->buf, sizeof(nrec), 1 << 15, s->f);
		s->i = 0;
		if (s->n == 0)
			return false;
	}
	*out = &s->buf[s->i];
	return true;
}

/* The plan writer: records into a buffer, written and hashed a chunk at a time. */
#define PW_BUF ((size_t)1 << 20)

typedef struct pwriter {
	FILE *f;
	XXH3_state_t *xs;
	uint64_t count, bytes;
	const uint8_t *addr[VG_NOTIFY_MAX_THREADS];
	uint64_t addr_len[VG_NOTIFY_MAX_THREADS];
	uint16_t special;
	vg_notify_counts *c;
	uint8_t *buf;
	size_t len;
} pwriter;

static int pw_flush(pwriter *w, vg_err *err)
{
	if (!w->len)
		return 0;
	if (fwrite(w->buf, 1, w->len, w->f) != w->len)
		return vg_err_set(err, VG_EIO, "plan: %s", strerror(errno));
	XXH3_64bits_update(w->xs, w->buf, w->len);
	w->len = 0;
	return 0;
}

static int emit(pwriter *w, const nrec *g, bool covered, uint64_t addr_off, uint8_t addr_len,
                vg_err *err)
{
	if (addr_len == 0)
		return 0; /* markers only */
	if (g->chan == VG_NOTIFY_SMS && covered) {
		w->c->sms_covered++;
		return 0;
	}
	unsigned wi = (unsigned)(addr_off >> ADDR_SHIFT);
	uint64_t off = addr_off & (((uint64_t)1 << ADDR_SHIFT) - 1);
	if (wi >= VG_NOTIFY_MAX_THREADS || off + addr_len > w->addr_len[wi])
		return vg_err_set(err, VG_EINTERNAL, "address offset out of range");
	int rc;
	if (w->len + NP_REC_FIXED + addr_len > PW_BUF && (rc = pw_flush(w, err)) != 0)
		return rc;
	uint8_t *o = w->buf + w->len;
	o[0] = g->chan;
	o[1] = addr_len;
	o[2] = (uint8_t)(g->cats & 255);
	o[3] = (uint8_t)(g->cats >> 8);
	o[4] = (uint8_t)(g->sources & 255);
	o[5] = (uint8_t)(g->sources >> 8);
	memcpy(o + NP_REC_FIXED, w->addr[wi] + off, addr_len);
	w->len += NP_REC_FIXED + addr_len;
	w->count++;
	w->bytes += NP_REC_FIXED + addr_len;
	vg_notify_counts *c = w->c;
	c->messages++;
	c->channel[g->chan]++;
	for (unsigned bits = g->cats & VG_CAT_ALL; bits; bits &= bits - 1)
		c->category[g->chan][__builtin_ctz(bits)]++;
	for (unsigned bits = g->sources; bits; bits &= bits - 1)
		c->source[g->chan][__builtin_ctz(bits)]++;
	if (g->sources & w->special)
		c->special[g->chan]++;
	return 0;
}

/* A min-heap of stream indexes by their next record (every stream in the
 * heap has one: stream_peek() said so). */
static bool st_less(const stream *st, unsigned a, unsigned b)
{
	int c = rec_cmp(&st[a].buf[st[a].i], &st[b].buf[st[b].i]);
	return c < 0 || (c == 0 && a < b);
}

static void heap_down(const stream *st, unsigned *h, unsigned n, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && st_less(st, h[l], h[m]))
			m = l;
		if (r < n && st_less(st, h[r], h[m]))
			m = r;
		if (m == i)
			return;
		unsigned t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Merges the streams, groups by (key, chan), writes the plan records. */
typedef struct grouper {
	nrec g;
	bool have, covered;
	uint64_t aoff;
	uint8_t alen;
} grouper;

static int group_add(grouper *gp, const nrec *r, pwriter *w, vg_err *err)
{
	if (gp->have && rec_cmp(r, &gp->g) == 0) {
		gp->g.cats |= r->cats;
		gp->g.sources |= r->sources;
		gp->covered |= (r->flags & NR_COVERED) != 0;
		if (!gp->alen && r->addr_len)
			gp->aoff = r->addr_off, gp->alen = r->addr_len;
		return 0;
	}
	int rc = 0;
	if (gp->have && (rc = emit(w, &gp->g, gp->covered, gp->aoff, gp->alen, err)) != 0)
		return rc;
	gp->g = *r;
	gp->have = true;
	gp->covered = (r->flags & NR_COVERED) != 0;
	gp->aoff = r->addr_off;
	gp->alen = r->addr_len;
	return 0;
}

/* Records go through a short queue between the heap and the grouping, so
 * that the address each one points to (in a worker's address file, in no
 * useful order) is prefetched some records before emit() copies it. */
#define MERGE_AHEAD 32

/* GCC 12 drops a __builtin_prefetch() that sits under a condition reading
 * memory (as here: the bounds); the instruction itself, where there is one. */
#if defined(__x86_64__) || defined(__i386__)
#define PREFETCH(p) __asm__ volatile("prefetcht0 %0" : : "m"(*(const uint8_t *)(p)))
#else
#define PREFETCH(p) __builtin_prefetch(p)
#endif

static void addr_prefetch(const pwriter *w, const nrec *r)
{
	unsigned wi = (unsigned)(r->addr_off >> ADDR_SHIFT);
	uint64_t off = r->addr_off & (((uint64_t)1 << ADDR_SHIFT) - 1);
	if (!r->addr_len || wi >= VG_NOTIFY_MAX_THREADS || off + r->addr_len > w->addr_len[wi])
		return; /* no address; or a bad one, which emit() reports */
	PREFETCH(w->addr[wi] + off);
	PREFETCH(w->addr[wi] + off + r->addr_len - 1);
}

static int merge(build *b, stream *st, unsigned ns, pwriter *w)
{
	unsigned *h = vg_xmalloc((ns ? ns : 1) * sizeof(unsigned));
	unsigned nh = 0;
	nrec *r0;
	for (unsigned i = 0; i < ns; i++)
		if (stream_peek(&st[i], &r0))
			h[nh++] = i;
	for (unsigned i = nh / 2; i-- > 0;)
		heap_down(st, h, nh, i);
	grouper gp;
	memset(&gp, 0, sizeof(gp));
	nrec ring[MERGE_AHEAD];
	size_t head = 0, queued = 0;
	uint64_t done = 0;
	int rc = 0;
	while (nh && !rc) {
		stream *s = &st[h[0]];
		nrec r = s->buf[s->i];
		s->i++;
		if (stream_peek(s, &r0))
			heap_down(st, h, nh, 0);
		else {
			h[0] = h[--nh];
			heap_down(st, h, nh, 0);
		}
		addr_prefetch(w, &r);
		if (queued == MERGE_AHEAD) {
			rc = group_add(&gp, &ring[head], w, b->err);
			ring[head] = r;
			head = (head + 1) % MERGE_AHEAD;
		} else {
			ring[(head + queued++) % MERGE_AHEAD] = r;
		}
		if ((++done & 0xFFFFF) == 0)
			progress(b, 1, done, b->total_recs);
	}
	for (; queued && !rc; queued--, head = (head + 1) % MERGE_AHEAD)
		rc = group_add(&gp, &ring[head], w, b->err);
	if (!rc && gp.have)
		rc = emit(w, &gp.g, gp.covered, gp.aoff, gp.alen, b->err);
	if (!rc)
		rc = pw_flush(w, b->err);
	free(h);
	return rc;
}

int np_build(const np_build_opts *o, const char *const *files, size_t nfiles, np_header *hdr,
             np_times *times, vg_err *err)
{
	build b;
	memset(&b, 0, sizeof(b));
	b.o = o;
	b.err = err;
	b.t0 = now_s();
	int rc = 0;
	if (o->map) {
		if ((rc = vg_colmap_spec_parse(&b.spec, o->map, o->lang, err)) != 0)
			return rc;
		b.have_spec = true;
	}
	b.nw = o->threads ? o->threads : VG_NOTIFY_DEFAULT_THREADS;
	if (b.nw > VG_NOTIFY_MAX_THREADS)
		b.nw = VG_NOTIFY_MAX_THREADS;
	size_t mem = o->memory ? o->memory : VG_NOTIFY_DEFAULT_MEMORY;
	size_t cap = mem / (2 * sizeof(nrec)) / b.nw;
	if (cap < 256)
		cap = 256;
	b.w = vg_xcalloc(b.nw, sizeof(worker));
	stream *st = NULL;
	unsigned ns = 0;
	pwriter w;
	memset(&w, 0, sizeof(w));
	void *amap[VG_NOTIFY_MAX_THREADS];
	for (unsigned i = 0; i < VG_NOTIFY_MAX_THREADS; i++)
		amap[i] = MAP_FAILED;
	char tmp_path[4200], plan_path[4200];
	snprintf(tmp_path, sizeof(tmp_path), "%s/plan.tmp", o->dir);
	snprintf(plan_path, sizeof(plan_path), "%s/plan", o->dir);
	for (unsigned i = 0; i < b.nw; i++) {
		worker *wk = &b.w[i];
		snprintf(wk->addr_path, sizeof(wk->addr_path), "%s/plan.addr-%u", o->dir, i);
		wk->addr = fopen(wk->addr_path, "w+b");
		if (!wk->addr) {
			rc = vg_err_set(err, VG_EIO, "%s: %s", wk->addr_path, strerror(errno));
			goto out;
		}
		setvbuf(wk->addr, NULL, _IOFBF, 1 << 20);
	}
	b.guide = vg_registry_guide_new(o->reg);
	start_workers(&b, cap);
	for (size_t i = 0; i < nfiles && !rc; i++)
		rc = read_file(&b, files[i]);
	stop_workers(&b, rc != 0);
	if (rc || (rc = worker_error(&b)) != 0)
		goto out;
	for (unsigned i = 0; i < b.nw; i++) {
		b.total_recs += b.w[i].total_recs;
		b.c.not_exposed += b.w[i].not_exposed;
		b.c.no_contact += b.w[i].no_contact;
	}
	b.c.contacts = b.total_recs;
	progress(&b, 1, 0, b.total_recs);
	double t_merge = now_s();
	if (times)
		times->read = t_merge - b.t0;

	/* the streams: each worker's runs, and what its buffer holds */
	for (unsigned i = 0; i < b.nw; i++)
		ns += b.w[i].runs + 1;
	st = vg_xcalloc(ns, sizeof(*st));
	ns = 0;
	for (unsigned i = 0; i < b.nw; i++) {
		worker *wk = &b.w[i];
		for (unsigned k = 0; k < wk->runs; k++) {
			stream *s = &st[ns++];
			runpath(&b, i, k, b.path, sizeof(b.path));
			s->buf = vg_xmalloc(sizeof(nrec) << 15);
			s->f = fopen(b.path, "rb");
			if (!s->f) {
				rc = vg_err_set(err, VG_EIO, "%s: %s", b.path, strerror(errno));
				goto out;
			}
		}
		stream *s = &st[ns++];
		s->buf = wk->sorted;
		s->n = wk->n;
		s->mem = true;
	}

	for (unsigned i = 0; i < b.nw; i++) {
		worker *wk = &b.w[i];
		w.addr_len[i] = wk->addr_len;
		if (!wk->addr_len)
			continue;
		amap[i] = mmap(NULL, (size_t)wk->addr_len, PROT_READ, MAP_SHARED | MAP_POPULATE,
		               fileno(wk->addr), 0);
		if (amap[i] == MAP_FAILED) {
			rc =
			    vg_err_set(err, VG_EIO, "%s: mmap: %s", wk->addr_path, strerror(errno));
			goto out;
		}
		w.addr[i] = amap[i];
	}
	w.f = fopen(tmp_path, "wb");
	if (!w.f) {
		rc = vg_err_set(err, VG_EIO, "%s: %s", tmp_path, strerror(errno));
		goto out;
	}
	static const uint8_t zero[NP_HEADER_BYTES];
	if (fwrite(zero, 1, sizeof(zero), w.f) != sizeof(zero)) {
		rc = vg_err_set(err, VG_EIO, "%s: %s", tmp_path, strerror(errno));
		goto out;
	}
	w.xs = XXH3_createState();
	XXH3_64bits_reset(w.xs);
	w.buf = vg_xmalloc(PW_BUF);
	w.c = &b.c;
	w.special = (uint16_t)vg_registry_special_sources(o->reg) | o->special_extra;
	if ((rc = merge(&b, st, ns, &w)) != 0)
		goto out;

	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, NP_MAGIC, 8);
	hdr->version = NP_VERSION;
	hdr->header_bytes = NP_HEADER_BYTES;
	randombytes_buf(hdr->plan_id, sizeof(hdr->plan_id));
	hdr->count = w.count;
	hdr->data_bytes = w.bytes;
	hdr->checksum = XXH3_64bits_digest(w.xs);
	hdr->created = o->now;
	hdr->inputs_hash = o->inputs_hash;
	hdr->lang = (uint32_t)o->lang;
	hdr->counts = b.c;
	if (fflush(w.f) != 0 ||
	    pwrite(fileno(w.f), hdr, sizeof(*hdr), 0) != (ssize_t)sizeof(*hdr) ||
	    fdatasync(fileno(w.f)) != 0) {
		rc = vg_err_set(err, VG_EIO, "%s: %s", tmp_path, strerror(errno));
		goto out;
	}
	if (fclose(w.f) != 0) {
		w.f = NULL;
		rc = vg_err_set(err, VG_EIO, "%s: %s", tmp_path, strerror(errno));
		goto out;
	}
	w.f = NULL;
	if (rename(tmp_path, plan_path) != 0 || vg_sync_dir(o->dir) != 0) {
		rc = vg_err_set(err, VG_EIO, "%s: %s", plan_path, strerror(errno));
		goto out;
	}
	if (times)
		times->merge = now_s() - t_merge;
out:
	stop_workers(&b, true);
	if (w.f) {
		fclose(w.f);
		unlink(tmp_path);
	}
	if (w.xs)
		XXH3_freeState(w.xs);
	free(w.buf);
	for (unsigned i = 0; i < b.nw; i++)
		if (amap[i] != MAP_FAILED)
			munmap(amap[i], (size_t)b.w[i].addr_len);
	if (st) {
		for (unsigned i = 0; i < ns; i++) {
			if (st[i].f)
				fclose(st[i].f);
			if (!st[i].mem)
				free(st[i].buf);
		}
		free(st);
	}
	for (unsigned i = 0; i < b.nw; i++) {
		worker *wk = &b.w[i];
		for (unsigned k = 0; k < wk->runs; k++) {
			runpath(&b, i, k, b.path, sizeof(b.path));
			unlink(b.path);
		}
		if (wk->addr) {
			fclose(wk->addr);
			unlink(wk->addr_path);
		}
		free(wk->recs);
		free(wk->tmp);
		free(wk->res);
		free(wk->lk_tab);
		free(wk->lk_key);
		free(wk->lk_hit);
		free(wk->ct);
		free(wk->arena);
		free(wk->gr);
	}
	free(b.w);
	vg_registry_guide_free(b.guide);
	if (b.have_spec)
		vg_colmap_spec_release(&b.spec);
	return rc;
}

/* ------------------------------------------------------------ reading a plan */

int np_open(const char *path, np_plan *p, vg_err *err)
{
	memset(p, 0, sizeof(*p));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", path,
		                  strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0 || (size_t)sb.st_size < NP_HEADER_BYTES) {
		close(fd);
		return vg_err_set(err, VG_ECORRUPT, "%s: truncated plan", path);
	}
	void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return vg_err_set(err, VG_EIO, "%s: mmap: %s", path, strerror(errno));
	memcpy(&p->h, m, sizeof(p->h));
	p->map = m;
	p->map_len = (size_t)sb.st_size;
	const np_header *h = &p->h;
	int rc = 0;
	if (memcmp(h->magic, NP_MAGIC, 8) || h->version != NP_VERSION ||
	    h->header_bytes != NP_HEADER_BYTES)
		rc = vg_err_set(err, VG_ECORRUPT, "%s: not a vigie notify plan", path);
	else if (h->data_bytes != p->map_len - NP_HEADER_BYTES)
		rc = vg_err_set(err, VG_ECORRUPT, "%s: %llu bytes of records, header says %llu",
		                path, (unsigned long long)(p->map_len - NP_HEADER_BYTES),
		                (unsigned long long)h->data_bytes);
	else if (XXH3_64bits(p->map + NP_HEADER_BYTES, h->data_bytes) != h->checksum)
		rc = vg_err_set(err, VG_ECORRUPT, "%s: checksum mismatch", path);
	if (rc)
		np_close(p);
	return rc;
}

void np_close(np_plan *p)
{
	if (p->map)
		munmap((void *)p->map, p->map_len);
	memset(p, 0, sizeof(*p));
}

uint64_t np_inputs_hash(const char *const *files, size_t nfiles, const vg_registry *reg,
                        vg_lang lang)
{
	XXH3_state_t *xs = XXH3_createState();
	XXH3_64bits_reset(xs);
	for (size_t i = 0; i < nfiles; i++) {
		struct stat sb;
		uint64_t v[3] = {0, 0, 0};
		if (stat(files[i], &sb) == 0) {
			v[0] = (uint64_t)sb.st_size;
			v[1] = (uint64_t)sb.st_mtim.tv_sec;
			v[2] = (uint64_t)sb.st_mtim.tv_nsec;
		}
		XXH3_64bits_update(xs, files[i], strlen(files[i]) + 1);
		XXH3_64bits_update(xs, v, sizeof(v));
	}
	vg_registry_info info;
	vg_registry_get_info(reg, &info);
	XXH3_64bits_update(xs, &info.generation, sizeof(info.generation));
	XXH3_64bits_update(xs, info.key_id, sizeof(info.key_id));
	uint32_t l = (uint32_t)lang;
	XXH3_64bits_update(xs, &l, sizeof(l));
	uint64_t h = XXH3_64bits_digest(xs);
	XXH3_freeState(xs);
	return h;
}
