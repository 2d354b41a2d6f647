/*
 * internal.h: what the files of src/gen share (not installed).
 *
 *   model.c   the population: tables built at start, and person i
 *   row.c     one row of the extract, clean or messy, CSV/TSV/JSONL
 *   out.c     output files: buffers, gzip, sinks, file names
 *   gen.c     options, the run loop, the truth sidecar, statistics
 *
 * Randomness is counter-based: every random stream is seeded by hashing
 * (seed, purpose, indices), never carried from one person to the next, so
 * that any person or row can be regenerated alone.
 */
#ifndef VIGIE_GEN_INTERNAL_H
#define VIGIE_GEN_INTERNAL_H

#include "gen/gen_data.h"
#include "vigie/gen.h"

#include <zlib.h>

/* ---------------------------------------------------------------- random */

/* The splitmix64 finalizer: a good 64-bit mixing function. */
static inline uint64_t gen_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A hash of a few integers (purpose tags keep streams apart). */
static inline uint64_t gen_hash(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t h = gen_mix(a + 0x9e3779b97f4a7c15ull);
	h = gen_mix(h ^ (b + 0x632be59bd9b4e019ull));
	h = gen_mix(h ^ (c + 0x8cb92ba72f3d8dd7ull));
	return gen_mix(h ^ (d + 0x2545f4914f6cdd1dull));
}

/* xoshiro256**, seeded by splitmix64 from one 64-bit value. */
typedef struct gen_rng {
	uint64_t s[4];
} gen_rng;

static inline void gen_rng_seed(gen_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		seed += 0x9e3779b97f4a7c15ull;
		r->s[i] = gen_mix(seed);
	}
}

static inline uint64_t gen_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t gen_next(gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = gen_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = gen_rotl(s[3], 45);
	return out;
}

/* Uniform in [0, n) (n > 0), by multiply-shift: no division. */
static inline uint64_t gen_below(gen_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)gen_next(r) * n) >> 64);
}

/* True with probability permille / 1000. */
static inline int gen_chance(gen_rng *r, unsigned permille)
{
	return gen_below(r, 1000) < permille;
}

/* Picks an index by integer weights (small tables). */
int gen_pick(gen_rng *r, const uint16_t *w, int n);

/* --------------------------------------------------- permutations, strata */

/* A keyed pseudo-random permutation of [0, n): a 4-round balanced Feistel
 * network on the smallest even number of bits that covers n, with cycle
 * walking. */
typedef struct gen_perm {
	uint64_t n;
	unsigned half;
	uint64_t mask;
	uint64_t key[4];
} gen_perm;

void gen_perm_init(gen_perm *p, uint64_t n, uint64_t key);
uint64_t gen_perm_apply(const gen_perm *p, uint64_t x);

/*
 * A cumulative table: entry k covers [cum[k], cum[k+1]) (the last one
 * [cum[n-1], total)), cum non-decreasing, total <= 2^32. An optional
 * accelerator maps a position's high bits to the range of entries that can
 * hold it, so that a search touches two or three cache lines instead of a
 * dozen (the surname table has 205,000 entries).
 */
typedef struct gen_cdf {
	const uint32_t *cum;
	uint32_t n;
	uint64_t total;
	unsigned shift; /* bucket b holds positions [b << shift, (b + 1) << shift) */
	uint32_t nb;
	uint32_t *acc; /* [nb + 1]: the entry of position b << shift; NULL: none */
} gen_cdf;

/* Sets up c over cum[0..n) ending at total; builds an accelerator of about
 * 2^bits buckets when bits > 0 (free it with gen_cdf_release). */
void gen_cdf_init(gen_cdf *c, const uint32_t *cum, uint32_t n, uint64_t total, unsigned bits);
void gen_cdf_release(gen_cdf *c);
/* The entry holding absolute position v (cum[0] <= v < total). */
uint32_t gen_cdf_find(const gen_cdf *c, uint64_t v);

/*
 * Stratified assignment: the S members of a group, ranked 0..S-1, are spread
 * over entries [k0, k1) of a table (their span is [cum[k0], cum[k1]),
 * length T) as a systematic sample with offset off < T: member r gets
 * position floor((r * T + off) / S). Member r lands in entry k; the members
 * of entry k are the contiguous ranks [start, end), so r - start is its rank
 * within the entry and end - start their number. This is what makes ranks,
 * hence unique emails and NIRs, computable for one person without looking at
 * the others.
 */
typedef struct gen_stratum {
	uint32_t k; /* relative to k0 */
	uint64_t rank, size;
} gen_stratum;

void gen_strat(const gen_cdf *c, uint32_t k0, uint32_t k1, uint64_t r, uint64_t S, uint64_t seed,
               gen_stratum *out);

/* ----------------------------------------------------------------- model */

/* A person's hidden attributes, beyond what vg_gen_person shows. */
typedef struct gen_extra {
	uint32_t cell;
	uint32_t first;   /* first-name index */
	uint32_t surname; /* surname index (birth name) */
	int ndays_start, ndays_end;
} gen_extra;

/* The tables every model shares: built once per process (pthread_once). */
typedef struct gen_tables {
	uint32_t cell_cum[VG_GD_NCELLS];
	gen_cdf cells;
	gen_cdf cell_names[VG_GD_NCELLS];    /* first names of a cell */
	uint32_t init_cum[VG_GD_NCELLS][26]; /* initials within a cell */
	gen_cdf inits[VG_GD_NCELLS];
	uint8_t init_owner[26];
	uint32_t year_cum[VG_GD_NDEC][10];
	gen_cdf years[VG_GD_NDEC];
	gen_cdf surnames[2]; /* by era */
	uint8_t *sur_multi;  /* bitmap: surnames with stored spellings */
	uint32_t *sur_hash;  /* open addressing: surname index + 1, 0 empty */
	uint32_t sur_hash_mask;
	uint32_t *first_prefixes; /* per first name: bit j set when key[0..j) is a key */
	/* birthplaces: communes, then countries */
	uint32_t nplace_fr; /* places [0, nplace_fr) are communes */
	uint32_t *place_cum;
	uint32_t *place_ref; /* row index of the commune, or country index */
	gen_cdf places;
	/* residence: department by population, then row by proxy */
	uint32_t dept_cum[128];
	gen_cdf depts;
	uint32_t *row_cum; /* cumulative within the department */
	uint32_t dept_row_T[128];
} gen_tables;

struct vg_gen_model {
	uint64_t n, seed;
	gen_perm top;
	gen_perm ftid;
	const gen_tables *t;
};

/* Person i, and its hidden attributes (extra may be NULL). */
void gen_person(const vg_gen_model *m, uint64_t i, vg_gen_person *p, gen_extra *extra);

/* Days since 1970-01-01 of a civil date, and back. */
int gen_days(int y, int m, int d);
void gen_civil(int days, int *y, int *m, int *d);

/* --------------------------------------------------------------- rows */

/* What a row carries, for statistics and the truth sidecar. */
typedef struct gen_row_info {
	unsigned cats; /* bits of vg_gen_cat present (non-empty) */
	vg_gen_damage damage;
	int cp1252; /* the row's text was re-encoded to Windows-1252 */
} gen_row_info;

/* Row-rendering settings that do not change within a run. */
typedef struct gen_row_cfg {
	vg_gen_format format;
	char delim;
	int mess;
	int crlf; /* per file; set by the caller for each row */
} gen_row_cfg;

/* Longest row the renderer can produce, line ending included. */
#define GEN_ROW_MAX 4096

/*
 * Renders person p's row for source (VG_GEN_SRC_*) into buf (GEN_ROW_MAX
 * bytes), with the randomness of stream rowseed. Returns the length.
 */
size_t gen_row(const gen_row_cfg *cfg, const vg_gen_person *p, unsigned source, uint64_t rowseed,
               char *buf, gen_row_info *info);

/* The header line (with its line ending) into buf; returns the length. */
size_t gen_header(const gen_row_cfg *cfg, char *buf, size_t cap);

/* --------------------------------------------------------------- output */

typedef struct gen_out {
	int fd;    /* -1 with a sink */
	int index; /* file index for the sink, -1 for the truth */
	const vg_gen_sink *sink;
	int own_fd; /* close at the end */
	char *buf;
	size_t len, cap;
	int gz;
	z_stream z;
	unsigned char *zbuf;
	size_t zcap;
	uint64_t bytes;   /* bytes written after compression */
	const char *name; /* for error messages */
	int failed;
} gen_out;

/* Opens name for writing ("-" or NULL: standard output), or uses sink. */
int gen_out_open(gen_out *o, const char *name, int index, const vg_gen_sink *sink, int gz,
                 size_t bufsize, int small_window, vg_err *err);
/* Room for at least need bytes at o->buf + o->len (flushing if needed). */
int gen_out_reserve(gen_out *o, size_t need, vg_err *err);
int gen_out_write(gen_out *o, const void *s, size_t n, vg_err *err);
/* Flushes, finishes compression, closes; returns the first error. */
int gen_out_close(gen_out *o, vg_err *err);

/* Small formatting helpers shared by row.c and gen.c. */
char *gen_put_u64(char *p, uint64_t v);
char *gen_put_2d(char *p, int v);
char *gen_put_4d(char *p, int v);
/* JSON string body of s (escaped, no quotes); returns the end. cap >= 6 * strlen(s). */
char *gen_put_json(char *p, const char *s, size_t n);

#endif
