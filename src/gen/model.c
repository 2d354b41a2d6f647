/*
 * model.c: the synthetic population. Person i of N people for a seed is a
 * pure function of (N, seed, i).
 *
 * Structure. A keyed permutation sends i to a slot in [0, N); slots are
 * stratified (see gen_strat in internal.h) into 14 cells (sex x birth
 * decade). Inside a cell, two independent stratifications run on the
 * person's rank in the cell:
 *   - names: initial of the first name, then birth surname, then the first
 *     name among those with that initial. People who share a (first name,
 *     surname) in a cell are contiguous, so each knows its rank among them;
 *     the email uses it to be unique by construction (see make_email);
 *   - NIR: (after a second permutation) birth year, month, place of birth;
 *     the rank within (cell, year, month, place) is the order number, so
 *     NIRs are unique as long as no such group exceeds 999 people (true up
 *     to about 50 million people; beyond, the order number wraps and
 *     vg_gen_person.nir_overflow says so).
 * Everything else (day of birth, residence, phone, address, provider,
 * registration, sources) comes from a xoshiro256** stream seeded by
 * (seed, i). No floating-point function whose result could differ between C
 * libraries is used, so the output is the same everywhere.
 *
 * Invariants: 0 <= i < N; every table built here is non-decreasing and its
 * total is positive; strata never select a zero-weight entry.
 */
#include "gen/internal.h"
#include "vigie/nir.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ primitives */

int gen_pick(gen_rng *r, const uint16_t *w, int n)
{
	unsigned total = 0;
	for (int i = 0; i < n; i++)
		total += w[i];
	unsigned u = (unsigned)gen_below(r, total);
	for (int i = 0; i < n; i++) {
		if (u < w[i])
			return i;
		u -= w[i];
	}
	return n - 1;
}

/* A permutation of [0, n) for key. */
void gen_perm_init(gen_perm *p, uint64_t n, uint64_t key)
{
	unsigned bits = 2;
	while (bits < 64 && (1ull << bits) < n)
		bits += 2;
	p->n = n;
	p->half = bits / 2;
	p->mask = (1ull << p->half) - 1;
	for (int i = 0; i < 4; i++)
		p->key[i] = gen_hash(key, 0x7065726dull, (uint64_t)i, 0);
}

/* The image of x (< n): Feistel rounds, repeated until inside [0, n). */
uint64_t gen_perm_apply(const gen_perm *p, uint64_t x)
{
	if (p->n <= 1)
		return 0;
	do {
		uint64_t l = x >> p->half, r = x & p->mask;
		for (int i = 0; i < 4; i++) {
			uint64_t f = gen_mix(r ^ p->key[i]) & p->mask;
			uint64_t nl = r;
			r = l ^ f;
			l = nl;
		}
		x = (l << p->half) | r;
	} while (x >= p->n);
	return x;
}

/* Largest k in [lo, hi] with cum[k] <= v (cum[lo] <= v). */
static uint32_t bsearch_le(const uint32_t *cum, uint32_t lo, uint32_t hi, uint64_t v)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		if (cum[mid] <= v)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Sets up a table, with its accelerator when asked. */
void gen_cdf_init(gen_cdf *c, const uint32_t *cum, uint32_t n, uint64_t total, unsigned bits)
{
	c->cum = cum;
	c->n = n;
	c->total = total;
	c->acc = NULL;
	c->shift = 0;
	c->nb = 0;
	if (!bits || n < 64)
		return;
	unsigned shift = 0;
	while ((total >> shift) > (1ull << bits))
		shift++;
	c->shift = shift;
	c->nb = (uint32_t)(((total - 1) >> shift) + 1);
	c->acc = vg_xmalloc((c->nb + 1) * sizeof(uint32_t));
	uint32_t k = 0;
	for (uint32_t b = 0; b < c->nb; b++) {
		uint64_t v = (uint64_t)b << shift;
		while (k + 1 < n && cum[k + 1] <= v)
			k++;
		c->acc[b] = k;
	}
	c->acc[c->nb] = n - 1;
}

/* Frees a table's accelerator. */
void gen_cdf_release(gen_cdf *c)
{
	free(c->acc);
	c->acc = NULL;
}

/* The entry holding position v, through the accelerator when there is one. */
uint32_t gen_cdf_find(const gen_cdf *c, uint64_t v)
{
	if (c->acc) {
		uint64_t b = v >> c->shift;
		return bsearch_le(c->cum, c->acc[b], c->acc[b + 1], v);
	}
	return bsearch_le(c->cum, 0, c->n - 1, v);
}

/* First rank r with floor((r*T + off) / S) >= v, for 0 <= v <= T. */
static uint64_t first_rank(uint64_t v, uint64_t S, uint64_t T, uint64_t off, int narrow)
{
	if (narrow) {
		uint64_t need = v * S;
		return need <= off ? 0 : (need - off + T - 1) / T;
	}
	unsigned __int128 need = (unsigned __int128)v * S;
	if (need <= off)
		return 0;
	return (uint64_t)((need - off + T - 1) / T);
}

/* Stratified assignment of member r of S (see internal.h). */
void gen_strat(const gen_cdf *c, uint32_t k0, uint32_t k1, uint64_t r, uint64_t S, uint64_t seed,
               gen_stratum *out)
{
	uint64_t base = c->cum[k0];
	uint64_t endv = k1 < c->n ? c->cum[k1] : c->total;
	uint64_t T = endv - base;
	uint64_t off = seed % T;
	/* with S and T below 2^32, every product fits in 64 bits */
	int narrow = S <= UINT32_MAX && T <= UINT32_MAX;
	uint64_t pos =
	    narrow ? (r * T + off) / S : (uint64_t)(((unsigned __int128)r * T + off) / S);
	uint32_t k = gen_cdf_find(c, base + pos);
	if (k < k0)
		k = k0;
	if (k >= k1)
		k = k1 - 1;
	uint64_t a = c->cum[k] - base;
	uint64_t b = (k + 1 < k1 ? c->cum[k + 1] : endv) - base;
	uint64_t start = first_rank(a, S, T, off, narrow);
	uint64_t end = b >= T ? S : first_rank(b, S, T, off, narrow);
	out->k = k - k0;
	out->rank = r - start;
	out->size = end - start;
}

/* Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm). */
int gen_days(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The civil date of a day number. */
void gen_civil(int z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/* Gregorian leap year. */
static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m of year y. */
static int month_days(int y, int m)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : md[m - 1];
}

/* ---------------------------------------------------------- hand tables */

/* Email providers (per mille), for people born before 1975 and after. */
static const char *const providers[] = {
    "gmail.com",   "orange.fr",  "hotmail.fr", "yahoo.fr",   "free.fr",     "sfr.fr",
    "laposte.net", "outlook.fr", "wanadoo.fr", "icloud.com", "hotmail.com", "live.fr",
    "outlook.com", "neuf.fr",    "gmx.fr",     "bbox.fr",    "aol.com",     "yahoo.com",
};
#define NPROVIDERS (sizeof(providers) / sizeof(providers[0]))
static const uint16_t provider_old[NPROVIDERS] = {290, 170, 90, 80, 90, 60, 60, 25, 70,
                                                  10,  10,  10, 5,  10, 3,  4,  2,  2};
static const uint16_t provider_young[NPROVIDERS] = {520, 50, 120, 40, 30, 20, 25, 50, 5,
                                                    50,  30, 30,  15, 3,  3,  4,  1,  4};

/* Email local-part families: prenom.nom, prenomnom, prenom_nom, prenom-nom,
 * p.nom, pnom. */
enum { F_DOT, F_CAT, F_US, F_DASH, F_IDOT, F_ICAT, NFAMILIES };
static const uint16_t family_w[NFAMILIES] = {45, 14, 5, 4, 9, 13};

static const char *const street_types[] = {
    "rue",   "avenue", "boulevard", "chemin", "impasse", "allée",
    "place", "route",  "square",    "cours",  "quai",    "résidence",
};
#define NSTREET_TYPES (sizeof(street_types) / sizeof(street_types[0]))
static const uint16_t street_type_w[NSTREET_TYPES] = {540, 120, 50, 70, 55, 50,
                                                      25,  45,  10, 8,  7,  20};

static const char *const street_names[] = {
    "de la République",
    "Victor Hugo",
    "Jean Jaurès",
    "de la Gare",
    "de l'Église",
    "du Général de Gaulle",
    "Pasteur",
    "Jules Ferry",
    "de la Mairie",
    "des Écoles",
    "du Moulin",
    "de la Paix",
    "Gambetta",
    "Voltaire",
    "Émile Zola",
    "de la Liberté",
    "Anatole France",
    "des Lilas",
    "des Tilleuls",
    "des Acacias",
    "du Château",
    "de la Fontaine",
    "des Prés",
    "des Vignes",
    "du Stade",
    "Jean Moulin",
    "du 8 Mai 1945",
    "du 11 Novembre",
    "Carnot",
    "Louis Pasteur",
    "de Verdun",
    "Nationale",
    "de Paris",
    "du Maréchal Foch",
    "Saint-Martin",
    "des Jardins",
    "de la Croix",
    "du Bourg",
    "des Peupliers",
    "des Chênes",
    "des Roses",
    "des Mimosas",
    "Paul Bert",
    "Marcel Pagnol",
    "Albert Camus",
    "Pierre Curie",
    "Marie Curie",
    "Charles de Gaulle",
    "de Bretagne",
    "de Lyon",
    "du Port",
    "de la Poste",
    "du Centre",
    "des Fleurs",
    "du Commerce",
    "Principale",
    "du Four",
    "de la Forêt",
    "des Sources",
    "du Lavoir",
    "des Cerisiers",
    "des Pins",
    "Pablo Picasso",
    "George Sand",
    "Molière",
    "Aristide Briand",
    "Léon Blum",
    "Henri Barbusse",
    "Gabriel Péri",
    "Maurice Ravel",
    "Jean Moulin",
    "Alsace-Lorraine",
    "de la Résistance",
    "des Alpes",
    "du Parc",
    "de la Libération",
    "Lamartine",
    "Jacques Prévert",
    "Saint-Exupéry",
    "Alphonse Daudet",
    "de Strasbourg",
    "Nationale 7",
    "des Mésanges",
    "des Bleuets",
    "du Soleil",
    "de l'Hôpital",
    "Thiers",
    "Racine",
    "Edmond Rostand",
    "du Président Wilson",
    "Jean-Baptiste Clément",
    "des Marronniers",
    "de la Plaine",
    "des Champs",
    "du Calvaire",
    "de la Chapelle",
    "du Pont",
    "Nelson Mandela",
};
#define NSTREET_NAMES (sizeof(street_names) / sizeof(street_names[0]))

/* Overseas telephone prefixes: 4 digits, then the allowed next two digits
 * (pairs), as checked against libphonenumber 8.12. Indexed by overseas
 * department: 971 Guadeloupe, 972 Martinique, 973 Guyane, 974 Réunion,
 * 976 Mayotte. */
typedef struct ovs_prefix {
	const char *cc;    /* E.164 country code */
	const char *p4;    /* national prefix */
	const char *pairs; /* allowed next two digits, concatenated */
	uint16_t w;        /* weight among the department's mobiles or landlines */
} ovs_prefix;

static const char all_pairs[] = "0001020304050607080910111213141516171819202122232425262728293031"
                                "3233343536373839404142434445464748495051525354555657585960616263"
                                "6465666768697071727374757677787980818283848586878889909192939495"
                                "96979899";

static const ovs_prefix ovs_mobile[5][2] = {
    {{"590", "0690", all_pairs, 95}, {"590", "0691", "2223242526272829303132333435", 5}},
    {{"596", "0696",
      "0001020304050607080910111213141516171819202122232425262728293031"
      "3233343536373839404142434445464748495051525354555660616263646566"
      "6768697071727374757677787980818283848586878889909192939495969798"
      "99",
      99},
     {"596", "0697", "27", 1}},
    {{"594", "0694",
      "0001020304050607080910111213141516171819202122232425262728293031"
      "323334353637384041424344454647484990919293949596979899",
      1},
     {"594", "0694",
      "0001020304050607080910111213141516171819202122232425262728293031"
      "323334353637384041424344454647484990919293949596979899",
      0}},
    {{"262", "0692", all_pairs, 75},
     {"262", "0693",
      "0001020304061011132021223031323339404142434445464748495051525354"
      "55606162636465667071727780818283848586878890919293949799",
      25}},
    {{"262", "0639",
      "0001020304050607091011192021222324252627282930394050555657585960"
      "61626364656667686970717273747576777879909495969799",
      1},
     {"262", "0639",
      "0001020304050607091011192021222324252627282930394050555657585960"
      "61626364656667686970717273747576777879909495969799",
      0}},
};
static const ovs_prefix ovs_fixed[5] = {
    {"590", "0590",
     "0102030405060810111214151617181920212223242526283132383940414244"
     "4546474849535455575960616268697078808182838485868889909192939495"
     "96979899",
     1},
    {"596", "0596",
     "0001020304050607080910272829303132333435363738394041424344454647"
     "4849505152535455565758596061626364656667686970717273747576777879"
     "8089949596979899",
     1},
    {"594", "0594",
     "0001020304050607080910111220212223242526272829303132333435363738"
     "39404344454647484956575859606162638090919293949596979899",
     1},
    {"262", "0262", all_pairs, 1},
    {"262", "0269", "00010203060750515253606162636465666768697080", 1},
};

/* --------------------------------------------------------------- building */

/* Department index of a La Poste row. */
static int row_dept(uint32_t row)
{
	uint32_t lo = 0, hi = vg_gd_ndept;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (vg_gd_dept_row[mid] <= row)
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo;
}

/* Places of birth: communes by population, countries by immigrants. */
static void build_places(gen_tables *t)
{
	/* communes: consecutive rows with the same INSEE code */
	uint32_t ncom = 0;
	for (uint32_t r = 0; r < vg_gd_nrow; r++)
		if (r == 0 || strcmp(vg_gd_row_insee[r], vg_gd_row_insee[r - 1]))
			ncom++;
	uint32_t n = ncom + vg_gd_ncountry;
	double *w = vg_xmalloc(n * sizeof(double));
	t->place_ref = vg_xmalloc(n * sizeof(uint32_t));
	t->place_cum = vg_xmalloc(n * sizeof(uint32_t));
	double pop_total = 0, dept_proxy[128] = {0};
	for (uint32_t d = 0; d < vg_gd_ndept; d++)
		pop_total += vg_gd_dept_pop[d];
	for (uint32_t r = 0; r < vg_gd_nrow; r++)
		dept_proxy[row_dept(r)] += vg_gd_row_proxy[r];
	uint32_t k = 0;
	for (uint32_t r = 0; r < vg_gd_nrow; r++) {
		int d = row_dept(r);
		double share =
		    0.88 * vg_gd_dept_pop[d] / pop_total * vg_gd_row_proxy[r] / dept_proxy[d];
		if (r == 0 || strcmp(vg_gd_row_insee[r], vg_gd_row_insee[r - 1])) {
			t->place_ref[k] = r;
			w[k++] = share;
		} else {
			w[k - 1] += share;
		}
	}
	double ctotal = 0;
	for (uint32_t c = 0; c < vg_gd_ncountry; c++)
		ctotal += vg_gd_country_weight[c];
	for (uint32_t c = 0; c < vg_gd_ncountry; c++) {
		t->place_ref[k] = c;
		w[k++] = 0.12 * vg_gd_country_weight[c] / ctotal;
	}
	/* no place of birth above 1.5%: keeps NIR order numbers within 999 */
	double total = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (w[i] > 0.015)
			w[i] = 0.015;
		total += w[i];
	}
	uint64_t run = 0;
	for (uint32_t i = 0; i < n; i++) {
		t->place_cum[i] = (uint32_t)run;
		uint64_t wi = (uint64_t)(w[i] / total * 4.0e9);
		run += wi ? wi : 1;
	}
	t->nplace_fr = ncom;
	gen_cdf_init(&t->places, t->place_cum, n, run, 16);
	free(w);
}

/* Residence: departments by population, La Poste rows by proxy. */
static void build_residence(gen_tables *t)
{
	uint32_t run = 0;
	for (uint32_t d = 0; d < vg_gd_ndept; d++) {
		t->dept_cum[d] = run;
		run += vg_gd_dept_pop[d];
	}
	gen_cdf_init(&t->depts, t->dept_cum, vg_gd_ndept, run, 0);
	t->row_cum = vg_xmalloc(vg_gd_nrow * sizeof(uint32_t));
	for (uint32_t d = 0; d < vg_gd_ndept; d++) {
		uint32_t r2 = 0;
		for (uint32_t r = vg_gd_dept_row[d]; r < vg_gd_dept_row[d + 1]; r++) {
			t->row_cum[r] = r2;
			r2 += vg_gd_row_proxy[r];
		}
		t->dept_row_T[d] = r2;
	}
}

/* FNV-1a over n bytes. */
static uint32_t str_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Whether s[0..n) is a surname key. */
static int is_surname(const gen_tables *t, const char *s, size_t n)
{
	for (uint32_t j = str_hash(s, n) & t->sur_hash_mask; t->sur_hash[j];
	     j = (j + 1) & t->sur_hash_mask) {
		const char *k = vg_gd_str + vg_gd_sur_key[t->sur_hash[j] - 1];
		if (!strncmp(k, s, n) && k[n] == '\0')
			return 1;
	}
	return 0;
}

/* Whether s[0..n) is a first-name key (binary search: the keys are sorted). */
static int is_first(const char *s, size_t n)
{
	uint32_t lo = 0, hi = vg_gd_nfirst;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *k = vg_gd_str + vg_gd_first_key[mid];
		int c = strncmp(k, s, n);
		if (c == 0)
			c = k[n] ? 1 : 0;
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Surname lookup and first-name prefixes, for the email readings. */
static void build_email_tables(gen_tables *t)
{
	uint32_t cap = 1;
	while (cap < vg_gd_nsur * 2)
		cap <<= 1;
	t->sur_hash = vg_xcalloc(cap, sizeof(uint32_t));
	t->sur_hash_mask = cap - 1;
	for (uint32_t i = 0; i < vg_gd_nsur; i++) {
		const char *k = vg_gd_str + vg_gd_sur_key[i];
		uint32_t j = str_hash(k, strlen(k)) & t->sur_hash_mask;
		while (t->sur_hash[j])
			j = (j + 1) & t->sur_hash_mask;
		t->sur_hash[j] = i + 1;
	}
	t->first_prefixes = vg_xcalloc(vg_gd_nfirst, sizeof(uint32_t));
	for (uint32_t i = 0; i < vg_gd_nfirst; i++) {
		const char *k = vg_gd_str + vg_gd_first_key[i];
		size_t n = strlen(k);
		for (size_t j = 2; j < n && j < 32; j++)
			if (is_first(k, j))
				t->first_prefixes[i] |= 1u << j;
	}
}

static gen_tables tables;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* Builds the shared tables (a few milliseconds, once per process). */
static void build_tables(void)
{
	gen_tables *t = &tables;
	uint32_t run = 0;
	for (int c = 0; c < VG_GD_NCELLS; c++) {
		t->cell_cum[c] = run;
		run += vg_gd_cell_weight[c];
	}
	gen_cdf_init(&t->cells, t->cell_cum, VG_GD_NCELLS, run, 0);
	double best[26] = {0};
	for (int c = 0; c < VG_GD_NCELLS; c++) {
		uint32_t off = vg_gd_cell_off[c], end = vg_gd_cell_off[c + 1];
		gen_cdf_init(&t->cell_names[c], vg_gd_cell_cum + off, end - off,
		             vg_gd_cell_total[c], 13);
		for (int l = 0; l < 26; l++) {
			uint32_t e0 = vg_gd_cell_init[c * 27 + l],
			         e1 = vg_gd_cell_init[c * 27 + l + 1];
			uint32_t a = e0 < end ? vg_gd_cell_cum[e0] : vg_gd_cell_total[c];
			uint32_t b = e1 < end ? vg_gd_cell_cum[e1] : vg_gd_cell_total[c];
			t->init_cum[c][l] = a;
			double share = (double)(b - a) / vg_gd_cell_total[c] * vg_gd_cell_weight[c];
			if (share > best[l]) {
				best[l] = share;
				t->init_owner[l] = (uint8_t)c;
			}
		}
		gen_cdf_init(&t->inits[c], t->init_cum[c], 26, vg_gd_cell_total[c], 0);
	}
	for (int dec = 0; dec < VG_GD_NDEC; dec++) {
		uint32_t r = 0, k = 0;
		for (int y = dec * 10; y < dec * 10 + 10 && y <= VG_GD_YEAR1 - VG_GD_YEAR0; y++) {
			t->year_cum[dec][k++] = r;
			r += vg_gd_year_weight[y];
		}
		gen_cdf_init(&t->years[dec], t->year_cum[dec], k, r, 0);
	}
	gen_cdf_init(&t->surnames[0], vg_gd_sur_cum0, vg_gd_nsur, vg_gd_sur_total[0], 16);
	gen_cdf_init(&t->surnames[1], vg_gd_sur_cum1, vg_gd_nsur, vg_gd_sur_total[1], 16);
	t->sur_multi = vg_xcalloc(vg_gd_nsur / 8 + 1, 1);
	for (uint32_t k = 0; k < vg_gd_nsur_multi; k++)
		t->sur_multi[vg_gd_sur_multi[k] / 8] |= (uint8_t)(1u << (vg_gd_sur_multi[k] % 8));
	build_places(t);
	build_residence(t);
	build_email_tables(t);
}

/* A model: the shared tables and the permutations of this (people, seed). */
vg_gen_model *vg_gen_model_new(uint64_t people, uint64_t seed)
{
	pthread_once(&tables_once, build_tables);
	vg_gen_model *m = vg_xcalloc(1, sizeof(*m));
	m->n = people;
	m->seed = seed;
	m->t = &tables;
	gen_perm_init(&m->top, people, gen_hash(seed, 1, 0, 0));
	gen_perm_init(&m->ftid, 260000000ull, gen_hash(seed, 2, 0, 0));
	return m;
}

/* Frees a model (the shared tables live as long as the process). */
void vg_gen_model_free(vg_gen_model *m)
{
	free(m);
}

/* ---------------------------------------------------------- the person */

/* Copies s (NUL-terminated) to dst of size cap; returns the end. */
static char *put(char *dst, const char *end, const char *s)
{
	while (*s && dst < end - 1)
		*dst++ = *s++;
	*dst = '\0';
	return dst;
}

/* Picks a spelling among [v0, v1) of cumulative counts cum. */
static uint32_t pick_spelling(gen_rng *r, const uint32_t *str, const uint32_t *cum, uint32_t v0,
                              uint32_t v1)
{
	if (v1 - v0 == 1)
		return str[v0];
	uint64_t u = gen_below(r, cum[v1 - 1]);
	for (uint32_t v = v0; v < v1; v++)
		if (u < cum[v])
			return str[v];
	return str[v1 - 1];
}

/* The display form of surname s: a stored spelling, or the key uppercased. */
static void surname_text(const vg_gen_model *m, gen_rng *r, uint32_t s, char *out, size_t cap)
{
	if (m->t->sur_multi[s / 8] & (1u << (s % 8))) {
		uint32_t lo = 0, hi = vg_gd_nsur_multi;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (vg_gd_sur_multi[mid] < s)
				lo = mid + 1;
			else
				hi = mid;
		}
		uint32_t off = pick_spelling(r, vg_gd_sur_var_str, vg_gd_sur_var_cum,
		                             vg_gd_sur_multi_var[lo], vg_gd_sur_multi_var[lo + 1]);
		put(out, out + cap, vg_gd_str + off);
		return;
	}
	const char *k = vg_gd_str + vg_gd_sur_key[s];
	size_t i = 0;
	for (; k[i] && i + 1 < cap; i++)
		out[i] = (char)(k[i] - 'a' + 'A');
	out[i] = '\0';
}

/* A surname drawn from an era's frequencies (for spouses). */
static uint32_t draw_surname(const vg_gen_model *m, gen_rng *r, int era)
{
	return gen_cdf_find(&m->t->surnames[era], gen_below(r, vg_gd_sur_total[era]));
}

/*
 * Whether the concatenation first key + surname key (the prenomnom family)
 * has another reading with a shorter first part: an initial and a surname
 * ("adelpic": a + delpic), or a shorter first name and a surname
 * ("cyrilleclerc": cyril + leclerc).
 */
static int other_reading(const gen_tables *t, uint32_t first, const char *fk, const char *sk)
{
	char w[128];
	size_t fl = strlen(fk), sl = strlen(sk);
	if (fl + sl >= sizeof(w))
		return 1;
	memcpy(w, fk, fl);
	memcpy(w + fl, sk, sl + 1);
	if (is_surname(t, w + 1, fl + sl - 1))
		return 1;
	for (uint32_t bits = t->first_prefixes[first]; bits; bits &= bits - 1) {
		size_t j = (size_t)__builtin_ctz(bits);
		if (is_surname(t, w + j, fl + sl - j))
			return 1;
	}
	return 0;
}

/*
 * The email: a local part from the names (folded keys, letters only) and a
 * provider. Unique by construction:
 *   - in its cell, a person knows its rank among those with the same (first
 *     name, surname), or the same (initial, surname) for the initial
 *     families; only rank 0 in the name's "owner" cell (where the first
 *     name, or the initial, is most frequent) gets the bare form; everyone
 *     else gets digits D = 1 + cell + 14 * rank', which encode (cell, rank)
 *     and never start with 0;
 *   - the families are told apart by their separators ('.', '_', '-'; p.nom
 *     has one letter before the dot), except prenomnom and pnom, which share
 *     plain letters. A string of letters is read the shortest-first way: pnom
 *     when its tail is a surname, else the shortest first name followed by
 *     a surname. A prenomnom person whose string has such a shorter reading
 *     takes "0" + D', D' = len(first) + 64 * (cell + 14 * rank), a digit
 *     space no one else uses.
 */
static void make_email(gen_rng *r, const vg_gen_model *m, uint32_t cell, uint32_t first,
                       uint32_t sur, uint64_t rank_first, uint64_t rank_init, int young,
                       vg_gen_person *p)
{
	const char *fk = vg_gd_str + vg_gd_first_key[first];
	const char *sk = vg_gd_str + vg_gd_sur_key[sur];
	int fam = gen_pick(r, family_w, NFAMILIES);
	size_t fl = strlen(fk);
	if (fl + strlen(sk) > 44 || fl > 60)
		fam = F_IDOT; /* keep the local part short */
	int initial = fam == F_IDOT || fam == F_ICAT;
	uint64_t rank = initial ? rank_init : rank_first;
	unsigned owner = initial ? m->t->init_owner[fk[0] - 'a'] : vg_gd_first_owner[first];
	char *o = p->email, *end = p->email + sizeof(p->email);
	if (initial) {
		*o++ = fk[0];
		if (fam == F_IDOT)
			*o++ = '.';
	} else {
		o = put(o, end, fk);
		if (fam != F_CAT && o < end - 1)
			*o++ = fam == F_DOT ? '.' : fam == F_US ? '_' : '-';
	}
	o = put(o, end, sk);
	char num[32];
	num[0] = '\0';
	if (fam == F_CAT && other_reading(m->t, first, fk, sk)) {
		num[0] = '0';
		*gen_put_u64(num + 1, fl + 64 * (cell + VG_GD_NCELLS * rank)) = '\0';
	} else if (!(cell == owner && rank == 0)) {
		uint64_t rk = cell == owner ? rank - 1 : rank;
		*gen_put_u64(num, 1 + cell + VG_GD_NCELLS * rk) = '\0';
	}
	o = put(o, end, num);
	int prov = gen_pick(r, young ? provider_young : provider_old, (int)NPROVIDERS);
	o = put(o, end, "@");
	put(o, end, providers[prov]);
}

/* Picks two digits from a list of pairs. */
static void put_pair(gen_rng *r, const char *pairs, char *dst)
{
	size_t n = strlen(pairs) / 2;
	size_t k = gen_below(r, n);
	dst[0] = pairs[2 * k];
	dst[1] = pairs[2 * k + 1];
}

/* n random digits. */
static void put_digits(gen_rng *r, char *dst, int n)
{
	for (int i = 0; i < n; i++)
		dst[i] = (char)('0' + gen_below(r, 10));
}

/* A phone number, national and E.164, consistent with the residence. */
static void make_phone(gen_rng *r, int dept, vg_gen_person *p)
{
	char nat[11];
	const char *cc = "33";
	int zone = vg_gd_dept_zone[dept];
	if (zone == 0) {
		/* overseas: 971 972 973 974 976 */
		static const char *const codes[] = {"971", "972", "973", "974", "976"};
		int k = 0;
		for (int i = 0; i < 5; i++)
			if (!strcmp(vg_gd_dept_code[dept], codes[i]))
				k = i;
		const ovs_prefix *t = &ovs_fixed[k];
		if (gen_chance(r, 850)) {
			const uint16_t w[2] = {ovs_mobile[k][0].w, ovs_mobile[k][1].w};
			t = &ovs_mobile[k][gen_pick(r, w, 2)];
		}
		memcpy(nat, t->p4, 4);
		put_pair(r, t->pairs, nat + 4);
		put_digits(r, nat + 6, 4);
		cc = t->cc;
	} else if (gen_chance(r, 800)) {
		nat[0] = '0';
		if (gen_chance(r, 620)) {
			nat[1] = '6';
			int two; /* 06xx without 0639 and 069x (overseas) */
			do
				two = (int)gen_below(r, 90);
			while (two == 39);
			nat[2] = (char)('0' + two / 10);
			nat[3] = (char)('0' + two % 10);
		} else {
			nat[1] = '7';
			nat[2] = (char)('3' + gen_below(r, 7));
			nat[3] = (char)('0' + gen_below(r, 10));
		}
		put_digits(r, nat + 4, 6);
	} else {
		nat[0] = '0';
		nat[1] = (char)('0' + zone);
		int two; /* no 040x (unassigned), no 026x or 059x (overseas) */
		do
			two = (int)gen_below(r, 100);
		while ((zone == 4 && two < 10) || (zone == 2 && two / 10 == 6) ||
		       (zone == 5 && two / 10 == 9));
		nat[2] = (char)('0' + two / 10);
		nat[3] = (char)('0' + two % 10);
		put_digits(r, nat + 4, 6);
	}
	memcpy(p->phone, nat, 10);
	p->phone[10] = '\0';
	char *e = p->phone_e164;
	*e++ = '+';
	for (const char *c = cc; *c; c++)
		*e++ = *c;
	memcpy(e, nat + 1, 9);
	e[9] = '\0';
}

/* "12 bis rue Victor Hugo". */
static void make_address(gen_rng *r, vg_gen_person *p)
{
	char *o = p->address, *end = p->address + sizeof(p->address);
	unsigned num;
	unsigned band = (unsigned)gen_below(r, 100);
	if (band < 55)
		num = 1 + (unsigned)gen_below(r, 30);
	else if (band < 85)
		num = 1 + (unsigned)gen_below(r, 90);
	else
		num = 1 + (unsigned)gen_below(r, 250);
	char buf[24];
	*gen_put_u64(buf, num) = '\0';
	o = put(o, end, buf);
	unsigned sfx = (unsigned)gen_below(r, 1000);
	if (sfx < 40)
		o = put(o, end, " bis");
	else if (sfx < 50)
		o = put(o, end, " ter");
	o = put(o, end, " ");
	o = put(o, end, street_types[gen_pick(r, street_type_w, (int)NSTREET_TYPES)]);
	o = put(o, end, " ");
	put(o, end, street_names[gen_below(r, NSTREET_NAMES)]);
}

/* Registration dates and status; the extract is taken on 2024-03-01. */
static void make_registration(gen_rng *r, vg_gen_person *p, gen_extra *x)
{
	int extract = gen_days(2024, 3, 1);
	int lo = gen_days(2004, 1, 1);
	int b16 =
	    gen_days(p->birth_year + 16, p->birth_month, p->birth_day > 28 ? 28 : p->birth_day);
	int b67 =
	    gen_days(p->birth_year + 67, p->birth_month, p->birth_day > 28 ? 28 : p->birth_day);
	if (b16 > lo)
		lo = b16;
	int hi = extract - 1;
	if (b67 < hi)
		hi = b67;
	if (hi < lo)
		hi = lo;
	int start = lo + (int)gen_below(r, (uint64_t)(hi - lo + 1));
	/* duration: mostly months, sometimes years */
	int dur;
	unsigned kind = (unsigned)gen_below(r, 100);
	if (kind < 45)
		dur = 30 + (int)gen_below(r, 240);
	else if (kind < 80)
		dur = 90 + (int)gen_below(r, 600);
	else
		dur = 180 + (int)gen_below(r, 2200);
	int end = start + dur;
	gen_civil(start, &p->reg_start[0], &p->reg_start[1], &p->reg_start[2]);
	x->ndays_start = start;
	if (end >= extract) {
		static const char *const cats[] = {"inscrit cat. A", "inscrit cat. B",
		                                   "inscrit cat. C", "inscrit cat. D",
		                                   "inscrit cat. E"};
		static const uint16_t cat_w[] = {50, 13, 22, 6, 9};
		put(p->status, p->status + sizeof(p->status), cats[gen_pick(r, cat_w, 5)]);
		p->reg_end[0] = p->reg_end[1] = p->reg_end[2] = 0;
		x->ndays_end = 0;
	} else {
		put(p->status, p->status + sizeof(p->status),
		    gen_chance(r, 800) ? "cessation" : "radié");
		gen_civil(end, &p->reg_end[0], &p->reg_end[1], &p->reg_end[2]);
		x->ndays_end = end;
	}
}

/* Person i: structure first (cell, names, NIR), then the independent stream. */
void gen_person(const vg_gen_model *m, uint64_t i, vg_gen_person *p, gen_extra *extra)
{
	gen_extra xs;
	gen_extra *x = extra ? extra : &xs;
	memset(p, 0, sizeof(*p));
	p->index = i;
	uint64_t seed = m->seed;
	gen_stratum s;

	/* the cell: sex and birth decade */
	uint64_t slot = gen_perm_apply(&m->top, i);
	gen_strat(&m->t->cells, 0, VG_GD_NCELLS, slot, m->n, gen_hash(seed, 10, 0, 0), &s);
	uint32_t cell = s.k;
	uint64_t rc = s.rank, sc = s.size;
	int decade = (int)(cell % VG_GD_NDEC);
	p->sex = (int)(cell / VG_GD_NDEC) + 1;

	/* names: initial, surname, first name */
	gen_strat(&m->t->inits[cell], 0, 26, rc, sc, gen_hash(seed, 11, cell, 0), &s);
	uint32_t init = s.k;
	uint64_t ra = s.rank, sa = s.size;
	int era = decade < 3 ? 0 : 1;
	gen_strat(&m->t->surnames[era], 0, vg_gd_nsur, ra, sa, gen_hash(seed, 12, cell, init), &s);
	uint32_t sur = s.k;
	uint64_t rs = s.rank, ss = s.size;
	uint32_t coff = vg_gd_cell_off[cell];
	uint32_t e0 = vg_gd_cell_init[cell * 27 + init], e1 = vg_gd_cell_init[cell * 27 + init + 1];
	gen_strat(&m->t->cell_names[cell], e0 - coff, e1 - coff, rs, ss,
	          gen_hash(seed, 13, cell, ((uint64_t)init << 32) | sur), &s);
	uint32_t first = vg_gd_cell_name[e0 + s.k];
	uint64_t rank_first = s.rank;

	/* NIR structure: year, month, place of birth, order number */
	gen_perm cp;
	gen_perm_init(&cp, sc, gen_hash(seed, 14, cell, 0));
	uint64_t rn = gen_perm_apply(&cp, rc);
	const gen_cdf *yc = &m->t->years[decade];
	gen_strat(yc, 0, yc->n, rn, sc, gen_hash(seed, 15, cell, 0), &s);
	int year = VG_GD_YEAR0 + decade * 10 + (int)s.k;
	uint64_t ry = s.rank, sy = s.size;
	uint32_t mcum[12];
	uint32_t mt = 0;
	for (int mo = 1; mo <= 12; mo++) {
		mcum[mo - 1] = mt;
		mt += (uint32_t)month_days(year, mo);
	}
	gen_cdf mc;
	gen_cdf_init(&mc, mcum, 12, mt, 0);
	gen_strat(&mc, 0, 12, ry, sy, gen_hash(seed, 16, cell, (uint64_t)year), &s);
	int month = (int)s.k + 1;
	uint64_t rm = s.rank, sm = s.size;
	gen_strat(&m->t->places, 0, m->t->places.n, rm, sm,
	          gen_hash(seed, 17, cell, (uint64_t)year * 16 + (uint64_t)month), &s);
	uint32_t place = s.k;
	uint64_t order = s.rank; /* 0-based order number */
	if (s.size > 999) {
		order %= 999;
		p->nir_overflow = true;
	}

	/* the rest: an independent stream for this person */
	gen_rng r;
	gen_rng_seed(&r, gen_hash(seed, 20, i, 0));
	if (!p->nir_overflow) {
		/*
		 * Spread the order numbers as a register office would: a place with
		 * R births a month numbers them 1..R, R from the place's share of
		 * 62,500 births a month (750,000 a year). Member r of the s.size
		 * people of the group takes a number in its own slice of [0, R).
		 */
		uint64_t w =
		    (place + 1 < m->t->places.n ? m->t->place_cum[place + 1] : m->t->places.total) -
		    m->t->place_cum[place];
		uint64_t range = (w * 62500 + m->t->places.total - 1) / m->t->places.total;
		if (range > 999)
			range = 999;
		if (range < s.size)
			range = s.size;
		uint64_t stride = range / s.size;
		order = order * stride + (stride > 1 ? gen_below(&r, stride) : 0);
	}
	p->birth_year = year;
	p->birth_month = month;
	p->birth_day = 1 + (int)gen_below(&r, (uint64_t)month_days(year, month));
	int birth_dept = -1;
	if (place < m->t->nplace_fr) {
		uint32_t row = m->t->place_ref[place];
		memcpy(p->birthplace, vg_gd_row_insee[row], 6);
		memcpy(p->birth_country, "FR", 3);
		birth_dept = row_dept(row);
	} else {
		uint32_t c = m->t->place_ref[place];
		p->birthplace[0] = '9';
		p->birthplace[1] = '9';
		memcpy(p->birthplace + 2, vg_gd_country_code[c], 4);
		memcpy(p->birth_country, vg_gd_country_iso2[c], 3);
	}

	/* NIR: sex, year, month, place (20 for Corsica before 1976), order, key */
	char body[14];
	int sexd = p->sex;
	if (birth_dept < 0 && gen_chance(&r, 20))
		sexd += 2; /* born abroad, registration in progress */
	body[0] = (char)('0' + sexd);
	gen_put_2d(body + 1, year % 100);
	gen_put_2d(body + 3, month);
	memcpy(body + 5, p->birthplace, 5);
	if (body[5] == '2' && (body[6] == 'A' || body[6] == 'B') && year < 1976)
		body[6] = '0';
	body[10] = (char)('0' + (order + 1) / 100);
	body[11] = (char)('0' + (order + 1) / 10 % 10);
	body[12] = (char)('0' + (order + 1) % 10);
	body[13] = '\0';
	int key = vg_nir_key(body);
	if (key < 0)
		key = 0;
	memcpy(p->nir, body, 13);
	gen_put_2d(p->nir + 13, key);
	p->nir[15] = '\0';

	/* residence: half of those born in France live in their birth department */
	int dept;
	if (birth_dept >= 0 && gen_chance(&r, 500))
		dept = birth_dept;
	else
		dept = (int)gen_cdf_find(&m->t->depts, gen_below(&r, m->t->depts.total));
	uint32_t r0 = vg_gd_dept_row[dept], r1 = vg_gd_dept_row[dept + 1];
	uint32_t row = r0 + bsearch_le(m->t->row_cum + r0, 0, r1 - r0 - 1,
	                               gen_below(&r, m->t->dept_row_T[dept]));
	memcpy(p->postcode, vg_gd_row_postcode[row], 6);
	put(p->commune, p->commune + sizeof(p->commune), vg_gd_str + vg_gd_row_label[row]);
	memcpy(p->dept, vg_gd_dept_code[dept], 4);
	put(p->region, p->region + sizeof(p->region),
	    vg_gd_str + vg_gd_region_name[vg_gd_dept_region[dept]]);

	/* names as written */
	uint32_t off = pick_spelling(&r, vg_gd_first_var_str, vg_gd_first_var_cum,
	                             vg_gd_first_var[first], vg_gd_first_var[first + 1]);
	put(p->prenom, p->prenom + sizeof(p->prenom), vg_gd_str + off);
	surname_text(m, &r, sur, p->nom_naissance, sizeof(p->nom_naissance));
	int age = 2024 - year;
	unsigned married = p->sex == 2 ? (age < 23    ? 30
	                                  : age <= 30 ? 250
	                                  : age <= 40 ? 450
	                                              : 550)
	                               : 5;
	if (gen_chance(&r, married)) {
		char spouse[VG_GEN_TEXT_MAX];
		surname_text(m, &r, draw_surname(m, &r, era), spouse, sizeof(spouse));
		char *o = p->nom_usage, *end = p->nom_usage + sizeof(p->nom_usage);
		if (gen_chance(&r, 100) && strlen(spouse) + strlen(p->nom_naissance) < 60) {
			o = put(o, end, spouse);
			o = put(o, end, "-");
			put(o, end, p->nom_naissance);
		} else {
			put(o, end, spouse);
		}
	} else {
		memcpy(p->nom_usage, p->nom_naissance, sizeof(p->nom_usage));
	}

	make_email(&r, m, cell, first, sur, rank_first, rs, year >= 1975, p);
	make_phone(&r, dept, p);
	make_address(&r, p);

	/* France Travail identifier: unique up to 260 million people */
	uint64_t v = gen_perm_apply(&m->ftid, i % 260000000ull);
	char *f = p->ft_id;
	uint64_t digits = v / 26;
	for (int k = 6; k >= 0; k--) {
		f[k] = (char)('0' + digits % 10);
		digits /= 10;
	}
	f[7] = (char)('A' + v % 26);
	f[8] = '\0';

	make_registration(&r, p, x);

	/* sources: Cap Emploi alone for 3%, both for 1.5% */
	unsigned src = (unsigned)gen_below(&r, 1000);
	p->sources = src < 30   ? VG_GEN_SRC_CE
	             : src < 45 ? (VG_GEN_SRC_FT | VG_GEN_SRC_CE)
	                        : VG_GEN_SRC_FT;

	x->cell = cell;
	x->first = first;
	x->surname = sur;
}

/* Person i, without the hidden attributes. */
void vg_gen_person_make(const vg_gen_model *m, uint64_t i, vg_gen_person *out)
{
	gen_person(m, i, out, NULL);
}
