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
 *      sources, offset of the canonical address in DIR/plan.addr) goes to a
 *      buffer of opts.memory bytes; a full buffer is sorted and spilled to
 *      DIR/run-N.tmp.
 *
 * Then the runs are merged (or the buffer alone, when nothing spilled),
 * records of one (channel, pseudonym) are OR-ed together, covered mobiles
 * dropped, and each remaining contact is written to DIR/plan.tmp with its
 * address; plan.tmp is fsynced and renamed to DIR/plan. Order: by pseudonym,
 * a keyed, stable, uniform order: message i of a plan is fixed once the plan
 * exists, which is what the journal counts on.
 *
 * Memory: opts.memory (default 512 MiB) for records and the sort's scratch
 * (48 bytes a contact), plus 1 MiB a run when merging. 43 M contacts with the
 * default budget: 4 runs of 11.2 M contacts, 1 GiB of runs and about 1 GiB of
 * addresses on disk, merged with 4 MiB of buffers.
 */
#include "notify/internal.h"

#include "vigie/colmap.h"
#include "vigie/email.h"
#include "vigie/ingest.h"
#include "vigie/phone.h"
#include "vigie/table.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
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

typedef struct build {
	const np_build_opts *o;
	vg_err *err;
	char path[4200];
	FILE *addr;
	uint64_t addr_len;
	nrec *recs, *tmp;
	size_t n, cap;
	unsigned runs;
	uint64_t total_recs;
	vg_notify_counts c;
	vg_colmap_spec spec;
	bool have_spec;
	double t0;
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

/* The path of sorted run n, in b->path. */
static const char *runpath(build *b, unsigned n)
{
	snprintf(b->path, sizeof(b->path), "%s/run-%u.tmp", b->o->dir, n);
	return b->path;
}

/* Writes a sorted buffer as run N. */
static int spill(build *b)
{
	nrec *s = rec_sort(b->recs, b->tmp, b->n);
	FILE *f = fopen(runpath(b, b->runs), "wb");
	if (!f || fwrite(s, sizeof(nrec), b->n, f) != b->n || fclose(f) != 0)
		return vg_err_set(b->err, VG_EIO, "%s: %s", b->path, strerror(errno));
	b->runs++;
	b->n = 0;
	return 0;
}

static int add(build *b, uint64_t key, vg_notify_channel ch, uint16_t cats, uint16_t sources,
               uint8_t flags, const char *addr, size_t addr_len)
{
	if (b->n == b->cap) {
		int rc = spill(b);
		if (rc)
			return rc;
	}
	nrec *r = &b->recs[b->n++];
	memset(r, 0, sizeof(*r));
	r->key = key;
	r->chan = (uint8_t)ch;
	r->cats = cats;
	r->sources = sources;
	r->flags = flags;
	if (addr_len) {
		r->addr_off = b->addr_len;
		r->addr_len = (uint8_t)addr_len;
		if (fwrite(addr, 1, addr_len, b->addr) != addr_len)
			return vg_err_set(b->err, VG_EIO, "%s/plan.addr: %s", b->o->dir,
			                  strerror(errno));
		b->addr_len += addr_len;
	}
	b->total_recs++;
	return 0;
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

/* One parsed row. */
static int row(build *b, const cols *p, const vg_table_row *rw, vg_ingest_rowres *res)
{
	const vg_registry *reg = b->o->reg;
	const vg_regkey *key = b->o->key;
	vg_ingest_item items[VG_INGEST_ROW_ITEMS_MAX];
	size_t ni = 0;
	vg_email em[VG_COLMAP_PER_FIELD];
	vg_phone ph[VG_COLMAP_PER_FIELD];
	uint64_t ek[VG_COLMAP_PER_FIELD], pk[VG_COLMAP_PER_FIELD];
	size_t ne = 0, np = 0;
	uint16_t cats = 0, sources = 0;
	vg_reghit hit;

	for (size_t i = 0; i < p->n; i++) {
		size_t col = p->c[i].col;
		if (col >= rw->nfields)
			continue;
		const vg_table_field *fl = &rw->fields[col];
		if (fl->len == 0 || vg_ingest_blank(fl->s, fl->len))
			continue;
		vg_field f = (vg_field)p->c[i].field;
		if (f == VG_FIELD_EMAIL) {
			if (ne < VG_COLMAP_PER_FIELD && vg_email_normalize(fl->s, fl->len, &em[ne]) == 0 &&
			    em[ne].c.len <= NP_ADDR_MAX) {
				ek[ne] = vg_regkey_prf(key, VG_IDTAB_EMAIL, em[ne].c.s, em[ne].c.len);
				if (vg_registry_lookup(reg, VG_IDTAB_EMAIL, ek[ne], &hit))
					cats |= hit.cats, sources |= hit.sources;
				ne++;
			}
		} else if (f == VG_FIELD_PHONE) {
			if (np < VG_COLMAP_PER_FIELD && vg_phone_normalize(fl->s, fl->len, &ph[np]) == 0) {
				pk[np] = vg_regkey_prf(key, VG_IDTAB_PHONE, ph[np].c.s, ph[np].c.len);
				if (vg_registry_lookup(reg, VG_IDTAB_PHONE, pk[np], &hit))
					cats |= hit.cats, sources |= hit.sources;
				np++;
			}
		} else if (ni < VG_INGEST_ROW_ITEMS_MAX) {
			items[ni].s = fl->s;
			items[ni].len = fl->len;
			items[ni].field = f;
			ni++;
		}
	}
	if (ni) {
		vg_ingest_row(key, items, ni, 0, 1, res);
		for (size_t i = 0; i < res->nentries; i++)
			if (vg_registry_lookup(reg, (vg_idtab)res->e[i].table, res->e[i].key, &hit))
				cats |= hit.cats, sources |= hit.sources;
	}
	if (!sources) {
		b->c.not_exposed++;
		return 0;
	}
	int rc;
	size_t mobiles = 0;
	for (size_t i = 0; i < np; i++)
		if (ph[i].type == VG_PHONE_MOBILE || ph[i].type == VG_PHONE_FIXED_OR_MOBILE)
			mobiles++;
	if (ne == 0 && mobiles == 0) {
		b->c.no_contact++;
		return 0;
	}
	for (size_t i = 0; i < ne; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= ek[j] == ek[i];
		if (!dup && (rc = add(b, ek[i], VG_NOTIFY_EMAIL, cats, sources, 0, em[i].c.s,
		                      em[i].c.len)) != 0)
			return rc;
	}
	for (size_t i = 0; i < np; i++) {
		if (ph[i].type != VG_PHONE_MOBILE && ph[i].type != VG_PHONE_FIXED_OR_MOBILE)
			continue;
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= pk[j] == pk[i];
		if (dup)
			continue;
		if (ne)
			rc = add(b, pk[i], VG_NOTIFY_SMS, 0, 0, NR_COVERED, NULL, 0);
		else
			rc = add(b, pk[i], VG_NOTIFY_SMS, cats, sources, 0, ph[i].c.s, ph[i].c.len);
		if (rc)
			return rc;
	}
	return 0;
}

/* Reads one input file. */
static int read_file(build *b, const char *path, vg_ingest_rowres *res)
{
	vg_table *t = NULL;
	int rc = vg_table_open(&t, path, NULL, b->err);
	if (rc)
		return rc;
	const vg_table_info *info = vg_table_info_get(t);
	bool jsonl = info->format == VG_TABLE_JSONL;
	vg_colmap *m = vg_xmalloc(sizeof(*m));
	cols *p = vg_xmalloc(sizeof(*p));
	bool mapped = false;
	vg_table_row rw;
	uint64_t since = 0;
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
		if (++since == 16384) {
			since = 0;
			if (b->o->stop && *b->o->stop) {
				rc = vg_err_set(b->err, VG_EIO, "interrupted");
				break;
			}
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
			if (!mapped && !m->count[VG_FIELD_EMAIL] && !m->count[VG_FIELD_PHONE] && !jsonl) {
				rc = vg_err_set(
				    b->err, VG_EINVAL,
				    T(b->o->lang,
				      "%s : aucune colonne d'adresse électronique ni de téléphone ; "
				      "indiquez-les avec --map COLONNE=email ou COLONNE=phone",
				      "%s: no email or phone column; name them with --map COLUMN=email "
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
		if ((rc = row(b, p, &rw, res)) != 0)
			break;
	}
	free(p);
	free(m);
	vg_table_close(t);
	return rc;
}

/* A sorted stream of records: the buffer, or a run file. */
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

/* The plan writer. */
typedef struct pwriter {
	FILE *f;
	XXH3_state_t *xs;
	uint64_t count, bytes;
	const uint8_t *addr;
	uint64_t addr_len;
	uint16_t special;
	vg_notify_counts *c;
} pwriter;

static int emit(pwriter *w, const nrec *g, bool covered, uint64_t addr_off, uint8_t addr_len,
                vg_err *err)
{
	if (addr_len == 0)
		return 0; /* markers only */
	if (g->chan == VG_NOTIFY_SMS && covered) {
		w->c->sms_covered++;
		return 0;
	}
	if (addr_off + addr_len > w->addr_len)
		return vg_err_set(err, VG_EINTERNAL, "address offset out of range");
	uint8_t hdr[NP_REC_FIXED] = {g->chan, addr_len, (uint8_t)(g->cats & 255),
	                             (uint8_t)(g->cats >> 8), (uint8_t)(g->sources & 255),
	                             (uint8_t)(g->sources >> 8)};
	if (fwrite(hdr, 1, sizeof(hdr), w->f) != sizeof(hdr) ||
	    fwrite(w->addr + addr_off, 1, addr_len, w->f) != addr_len)
		return vg_err_set(err, VG_EIO, "plan: %s", strerror(errno));
	XXH3_64bits_update(w->xs, hdr, sizeof(hdr));
	XXH3_64bits_update(w->xs, w->addr + addr_off, addr_len);
	w->count++;
	w->bytes += sizeof(hdr) + addr_len;
	vg_notify_counts *c = w->c;
	c->messages++;
	c->channel[g->chan]++;
	for (unsigned k = 0; k < VG_CAT__COUNT; k++)
		if (g->cats & VG_CAT_BIT(k))
			c->category[g->chan][k]++;
	for (unsigned k = 0; k < VG_SOURCE_MAX; k++)
		if (g->sources & (1u << k))
			c->source[g->chan][k]++;
	if (g->sources & w->special)
		c->special[g->chan]++;
	return 0;
}

/* Merges the streams, groups by (key, chan), writes the plan records. */
static int merge(build *b, stream *st, unsigned ns, pwriter *w)
{
	nrec g;
	bool have = false, covered = false;
	uint64_t aoff = 0;
	uint8_t alen = 0;
	uint64_t done = 0;
	int rc = 0;
	for (;;) {
		nrec *best = NULL;
		unsigned bi = 0;
		for (unsigned i = 0; i < ns; i++) {
			nrec *r;
			if (stream_peek(&st[i], &r) && (!best || rec_cmp(r, best) < 0)) {
				best = r;
				bi = i;
			}
		}
		if (!best)
			break;
		nrec r = *best;
		st[bi].i++;
		if (have && rec_cmp(&r, &g) == 0) {
			g.cats |= r.cats;
			g.sources |= r.sources;
			covered |= (r.flags & NR_COVERED) != 0;
			if (!alen && r.addr_len)
				aoff = r.addr_off, alen = r.addr_len;
		} else {
			if (have && (rc = emit(w, &g, covered, aoff, alen, b->err)) != 0)
				return rc;
			g = r;
			have = true;
			covered = (r.flags & NR_COVERED) != 0;
			aoff = r.addr_off;
			alen = r.addr_len;
		}
		if ((++done & 0xFFFFF) == 0)
			progress(b, 1, done, b->total_recs);
	}
	if (have)
		rc = emit(w, &g, covered, aoff, alen, b->err);
	return rc;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int np_build(const np_build_opts *o, const char *const *files, size_t nfiles, np_header *hdr,
             vg_err *err)
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
	size_t mem = o->memory ? o->memory : VG_NOTIFY_DEFAULT_MEMORY;
	b.cap = mem / (2 * sizeof(nrec));
	if (b.cap < 1024)
		b.cap = 1024;
	b.recs = vg_xmalloc(b.cap * sizeof(nrec));
	b.tmp = vg_xmalloc(b.cap * sizeof(nrec));
	vg_ingest_rowres *res = vg_xmalloc(sizeof(*res));
	stream *st = NULL;
	pwriter w;
	memset(&w, 0, sizeof(w));
	void *amap = MAP_FAILED;
	size_t amap_len = 0;
	char addr_path[4200], tmp_path[4200], plan_path[4200];
	snprintf(addr_path, sizeof(addr_path), "%s/plan.addr", o->dir);
	snprintf(tmp_path, sizeof(tmp_path), "%s/plan.tmp", o->dir);
	snprintf(plan_path, sizeof(plan_path), "%s/plan", o->dir);
	b.addr = fopen(addr_path, "w+b");
	if (!b.addr) {
		rc = vg_err_set(err, VG_EIO, "%s: %s", addr_path, strerror(errno));
		goto out;
	}
	setvbuf(b.addr, NULL, _IOFBF, 1 << 20);
	for (size_t i = 0; i < nfiles && !rc; i++)
		rc = read_file(&b, files[i], res);
	if (rc)
		goto out;
	b.c.contacts = b.total_recs;
	if (fflush(b.addr) != 0) {
		rc = vg_err_set(err, VG_EIO, "%s: %s", addr_path, strerror(errno));
		goto out;
	}
	progress(&b, 1, 0, b.total_recs);

	/* the streams: the sorted buffer, and the runs when some spilled */
	unsigned ns;
	if (b.runs) {
		if (b.n && (rc = spill(&b)) != 0)
			goto out;
		ns = b.runs;
		st = vg_xcalloc(ns, sizeof(*st));
		for (unsigned i = 0; i < ns; i++) {
			st[i].f = fopen(runpath(&b, i), "rb");
			if (!st[i].f) {
				rc = vg_err_set(err, VG_EIO, "%s: %s", b.path, strerror(errno));
				goto out;
			}
			st[i].buf = vg_xmalloc(sizeof(nrec) << 15);
		}
	} else {
		ns = 1;
		st = vg_xcalloc(1, sizeof(*st));
		st[0].buf = rec_sort(b.recs, b.tmp, b.n);
		st[0].n = b.n;
		st[0].mem = true;
	}

	amap_len = (size_t)b.addr_len;
	if (amap_len) {
		amap = mmap(NULL, amap_len, PROT_READ, MAP_SHARED, fileno(b.addr), 0);
		if (amap == MAP_FAILED) {
			rc = vg_err_set(err, VG_EIO, "%s: mmap: %s", addr_path, strerror(errno));
			goto out;
		}
	}
	w.f = fopen(tmp_path, "wb");
	if (!w.f) {
		rc = vg_err_set(err, VG_EIO, "%s: %s", tmp_path, strerror(errno));
		goto out;
	}
	setvbuf(w.f, NULL, _IOFBF, 1 << 20);
	static const uint8_t zero[NP_HEADER_BYTES];
	if (fwrite(zero, 1, sizeof(zero), w.f) != sizeof(zero)) {
		rc = vg_err_set(err, VG_EIO, "%s: %s", tmp_path, strerror(errno));
		goto out;
	}
	w.xs = XXH3_createState();
	XXH3_64bits_reset(w.xs);
	w.addr = amap_len ? amap : NULL;
	w.addr_len = b.addr_len;
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
	if (fflush(w.f) != 0 || pwrite(fileno(w.f), hdr, sizeof(*hdr), 0) != (ssize_t)sizeof(*hdr) ||
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
	if (rename(tmp_path, plan_path) != 0 || fsync_dir(o->dir) != 0) {
		rc = vg_err_set(err, VG_EIO, "%s: %s", plan_path, strerror(errno));
		goto out;
	}
out:
	if (w.f) {
		fclose(w.f);
		unlink(tmp_path);
	}
	if (w.xs)
		XXH3_freeState(w.xs);
	if (amap != MAP_FAILED)
		munmap(amap, amap_len);
	if (st) {
		for (unsigned i = 0; i < (b.runs ? b.runs : 1); i++) {
			if (st[i].f)
				fclose(st[i].f);
			if (!st[i].mem)
				free(st[i].buf);
		}
		free(st);
	}
	for (unsigned i = 0; i < b.runs; i++)
		unlink(runpath(&b, i));
	if (b.addr)
		fclose(b.addr);
	unlink(addr_path);
	free(res);
	free(b.recs);
	free(b.tmp);
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
		rc = vg_err_set(err, VG_ECORRUPT, "%s: %llu bytes of records, header says %llu", path,
		                (unsigned long long)(p->map_len - NP_HEADER_BYTES),
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
