/*
 * mkdata.c: build-time tool that turns the French open data in data/ into
 * compact C tables for the generator (gen_data.c), so that vigie needs no
 * data file at run time. It runs on the build machine, once per build.
 *
 * Usage: mkdata PRENOMS.csv.gz NOMS.tsv.gz LAPOSTE.csv.gz PAYS.csv
 *               DEPARTEMENTS.csv REGIONS.csv OUT.c
 *
 * What it computes (the model is described in docs/gen.md):
 *   - first names, merged by their folded ASCII key ("elodie" for ÉLODIE and
 *     ELODIE), with their spellings; for each of 14 cells (sex x birth
 *     decade 1940s..2000s) the weight of each key: sum over the decade's
 *     years of age_weight(year) * births(key, sex, year) / births(sex, year);
 *     each cell's entries sorted by key, so that the names starting with one
 *     letter are contiguous; the modal cell of each key;
 *   - surnames merged by folded key, weighted by births 1941-1970 (era 0)
 *     and 1971-2000 (era 1); the aggregate "AUTRES NOMS" and rare names
 *     (fewer than 20 births in 1941-2000) are left out;
 *   - La Poste (commune, postcode) pairs with a population proxy: a postcode
 *     area holds a similar population everywhere, so a commune that shares
 *     its postcode with k others weighs 1/k of it;
 *   - departments with their region, population (hand table below, INSEE
 *     2021 legal populations, rounded to thousands) and telephone zone;
 *   - countries (INSEE COG 99xxx codes) with the number of immigrants born
 *     there (hand table below, INSEE 2021, thousands; 1 for the others).
 *
 * The tool trusts nothing: a malformed line is an error that stops the build.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define YEAR0 1940
#define YEAR1 2008
#define NYEARS (YEAR1 - YEAR0 + 1)
#define NDEC 7
#define NCELLS (2 * NDEC)
#define LINE_MAX_ 4096
#define MIN_SURNAME_BIRTHS 20

/* ---------------------------------------------------------------- helpers */

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("mkdata: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* malloc that stops the build on failure. */
static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* realloc that stops the build on failure. */
static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("out of memory");
	return q;
}

/* strdup that stops the build on failure. */
static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

/* Grows a dynamic array to hold at least n items of size sz. */
static void grow(void **p, size_t *cap, size_t n, size_t sz)
{
	if (n <= *cap)
		return;
	size_t c = *cap ? *cap : 64;
	while (c < n)
		c *= 2;
	*p = xrealloc(*p, c * sz);
	*cap = c;
}

/* Removes a trailing "\n" or "\r\n". */
static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* Splits s in place at sep; returns the number of fields (at most max). */
static int split(char *s, char sep, char **f, int max)
{
	int n = 0;
	f[n++] = s;
	for (char *p = s; *p && n < max; p++) {
		if (*p == sep) {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

/* Splits a CSV line with ',' and simple "..." quoting, in place. */
static int split_csv(char *s, char **f, int max)
{
	int n = 0;
	char *w = s, *p = s;
	while (n < max) {
		f[n++] = w;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p)
					die("unterminated quote in CSV line");
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*w++ = *p++;
				}
			}
		}
		while (*p && *p != ',')
			*w++ = *p++;
		if (!*p) {
			*w = '\0';
			break;
		}
		*w++ = '\0';
		p++;
	}
	return n;
}

/* Strict decimal parse of a whole field. */
static long num(const char *s, const char *what)
{
	char *end;
	if (!*s)
		die("empty number (%s)", what);
	long v = strtol(s, &end, 10);
	if (*end || v < 0)
		die("bad number '%s' (%s)", s, what);
	return v;
}

/*
 * Folds one UTF-8 uppercase name to its ASCII key (letters only, lowercase)
 * and to its display form (title case per word for first names, kept as is
 * for surnames). Only ASCII and the Latin-1 letters INSEE uses are expected.
 */
static void fold(const char *s, char *key, size_t cap)
{
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const char *rep = NULL;
		char one[2] = {0, 0};
		if (*p < 0x80) {
			if (isalpha(*p)) {
				one[0] = (char)tolower(*p);
				rep = one;
			}
			p++;
		} else if (p[0] == 0xC3 && p[1]) {
			unsigned c = 0xC0 + (p[1] & 0x3F); /* U+00C0..U+00FF */
			unsigned l = c >= 0xE0 ? c - 0x20 : c;
			static const char *const latin[32] = {
			    "a", "a",  "a", "a", "a", "a", "ae", "c", "e",  "e", "e",
			    "e", "i",  "i", "i", "i", "d", "n",  "o", "o",  "o", "o",
			    "o", NULL, "o", "u", "u", "u", "u",  "y", NULL, "ss"};
			if (l < 0xC0 || l > 0xDF || !latin[l - 0xC0])
				die("unexpected character in '%s'", s);
			rep = latin[l - 0xC0];
			if (c == 0xFF)
				rep = "y";
			p += 2;
		} else if (p[0] == 0xC5 && (p[1] == 0x92 || p[1] == 0x93)) {
			rep = "oe";
			p += 2;
		} else if (p[0] == 0xC5 && p[1] == 0xB8) {
			rep = "y";
			p += 2;
		} else {
			die("unexpected character in '%s'", s);
		}
		for (; rep && *rep; rep++) {
			if (k + 1 >= cap)
				die("name too long: '%s'", s);
			key[k++] = *rep;
		}
	}
	key[k] = '\0';
}

/* Title case of an uppercase UTF-8 name: "JEAN-ÉRIC" -> "Jean-Éric". */
static void title_case(const char *s, char *out, size_t cap)
{
	size_t k = 0;
	int start = 1;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (k + 3 >= cap)
			die("name too long: '%s'", s);
		if (*p < 0x80) {
			out[k++] = (char)(start ? toupper(*p) : tolower(*p));
			start = (*p == '-' || *p == ' ' || *p == '\'');
			p++;
		} else if (p[0] == 0xC3 && p[1]) {
			unsigned char b = p[1];
			if (!start && b >= 0x80 && b <= 0x9E && b != 0x97)
				b = (unsigned char)(b + 0x20); /* lowercase Latin-1 */
			out[k++] = (char)0xC3;
			out[k++] = (char)b;
			start = 0;
			p += 2;
		} else if (p[0] == 0xC5 && p[1] == 0x92) {
			out[k++] = (char)0xC5;
			out[k++] = (char)(start ? 0x92 : 0x93);
			start = 0;
			p += 2;
		} else if (p[0] == 0xC5 && p[1] == 0xB8) {
			if (start) {
				out[k++] = (char)0xC5;
				out[k++] = (char)0xB8;
			} else {
				out[k++] = (char)0xC3;
				out[k++] = (char)0xBF;
			}
			start = 0;
			p += 2;
		} else {
			out[k++] = (char)*p++;
			start = 0;
		}
	}
	out[k] = '\0';
}

/* ------------------------------------------------------------ string pool */

static char *pool;
static size_t pool_len, pool_cap;

typedef struct map map;
static uint32_t pool_find(const char *s, uint32_t off);

/* Adds s to the pool (NUL-terminated) unless it is there; returns its offset. */
static uint32_t pool_add(const char *s)
{
	uint32_t have = pool_find(s, (uint32_t)pool_len);
	if (have != (uint32_t)pool_len)
		return have;
	size_t n = strlen(s) + 1;
	grow((void **)&pool, &pool_cap, pool_len + n, 1);
	memcpy(pool + pool_len, s, n);
	size_t off = pool_len;
	pool_len += n;
	if (off > UINT32_MAX)
		die("string pool too large");
	return (uint32_t)off;
}

/* ------------------------------------------------------- a string -> index map */

struct map {
	char **keys;
	uint32_t *vals;
	size_t cap, n;
};

/* FNV-1a of a string. */
static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Index of key in m, inserting it with value *next (then incremented). */
static uint32_t map_get(map *m, const char *key, uint32_t *next, int *added)
{
	if (m->n * 2 >= m->cap) {
		size_t oc = m->cap;
		char **ok = m->keys;
		uint32_t *ov = m->vals;
		m->cap = oc ? oc * 2 : 1024;
		m->keys = calloc(m->cap, sizeof(char *));
		m->vals = calloc(m->cap, sizeof(uint32_t));
		if (!m->keys || !m->vals)
			die("out of memory");
		m->n = 0;
		for (size_t i = 0; i < oc; i++) {
			if (!ok[i])
				continue;
			size_t j = hash_str(ok[i]) & (m->cap - 1);
			while (m->keys[j])
				j = (j + 1) & (m->cap - 1);
			m->keys[j] = ok[i];
			m->vals[j] = ov[i];
			m->n++;
		}
		free(ok);
		free(ov);
	}
	size_t j = hash_str(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (!strcmp(m->keys[j], key)) {
			if (added)
				*added = 0;
			return m->vals[j];
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = xstrdup(key);
	m->vals[j] = (*next)++;
	m->n++;
	if (added)
		*added = 1;
	return m->vals[j];
}

/* Frees a map and its keys. */
static void map_free(map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
}

static map pool_map;

/* The offset of s in the pool, or off (the offset it is about to get). */
static uint32_t pool_find(const char *s, uint32_t off)
{
	uint32_t next = off;
	return map_get(&pool_map, s, &next, NULL);
}

/* --------------------------------------------------------------- names */

/* A spelling of a key and its births. */
typedef struct {
	char *text;
	double count;
} spelling;

typedef struct {
	char *key;
	spelling *sp;
	size_t nsp, capsp;
	double cell[NCELLS]; /* first names: weight per cell */
	double era[2];       /* surnames: births per era */
	uint32_t out;        /* index in the output, after sorting */
} name_ent;

/* Counts births for one spelling of a key. */
static void add_spelling(name_ent *e, const char *text, double count)
{
	for (size_t i = 0; i < e->nsp; i++) {
		if (!strcmp(e->sp[i].text, text)) {
			e->sp[i].count += count;
			return;
		}
	}
	grow((void **)&e->sp, &e->capsp, e->nsp + 1, sizeof(spelling));
	e->sp[e->nsp].text = xstrdup(text);
	e->sp[e->nsp].count = count;
	e->nsp++;
}

/* Spellings by decreasing births, then by text. */
static int cmp_sp(const void *a, const void *b)
{
	const spelling *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->text, y->text);
}

/* Names by key. */
static int cmp_ent(const void *a, const void *b)
{
	const name_ent *x = *(name_ent *const *)a, *y = *(name_ent *const *)b;
	return strcmp(x->key, y->key);
}

/*
 * Share of the leaked population born in each year (job seekers registered
 * 2004-2024, aged 16 or more when they registered, so 17 or more in 2024):
 * ages 19-45 weigh 1, younger ramp up, older ramp down.
 */
static double age_weight(int year)
{
	int age = 2024 - year;
	if (age < 17)
		return 0; /* so that everyone can have registered before 2024-03 */
	if (age < 19)
		return 0.3 * (age - 15);
	if (age <= 45)
		return 1.0;
	if (age <= 60)
		return 1.0 - 0.45 * (age - 45) / 15.0;
	if (age <= 70)
		return 0.55 - 0.35 * (age - 60) / 10.0;
	return fmax(0.02, 0.2 - 0.17 * (age - 70) / 14.0);
}

static name_ent **firsts;
static size_t nfirst, capfirst;
static map first_map;

/* Reads the INSEE first names and weighs each key per cell. */
static void read_first_names(const char *path)
{
	gzFile f = gzopen(path, "rb");
	if (!f)
		die("cannot open %s", path);
	char line[LINE_MAX_];
	double total[2][NYEARS] = {{0}};
	uint32_t next = 0;
	/* raw rows kept to weigh after the per-year totals are known */
	typedef struct {
		uint32_t ent;
		int sex, year;
		double count;
	} raw;
	raw *rows = NULL;
	size_t nrows = 0, caprows = 0;
	int lineno = 0;
	while (gzgets(f, line, sizeof(line))) {
		lineno++;
		chomp(line);
		if (lineno == 1) {
			if (strcmp(line, "sexe;preusuel;annais;nombre"))
				die("%s: unexpected header", path);
			continue;
		}
		char *fl[5];
		if (split(line, ';', fl, 5) != 4)
			die("%s:%d: expected 4 fields", path, lineno);
		if (!strcmp(fl[2], "XXXX"))
			continue;
		int sex = (int)num(fl[0], "sex");
		int year = (int)num(fl[2], "year");
		double count = (double)num(fl[3], "count");
		if (sex != 1 && sex != 2)
			die("%s:%d: bad sex", path, lineno);
		if (year < YEAR0 || year > YEAR1)
			continue;
		if (fl[1][0] == '_') /* _PRENOMS_RARES: rare names, left out */
			continue;
		char key[256], disp[256];
		fold(fl[1], key, sizeof(key));
		if (strlen(key) < 2)
			continue;
		total[sex - 1][year - YEAR0] += count;
		int added;
		uint32_t id = map_get(&first_map, key, &next, &added);
		if (added) {
			grow((void **)&firsts, &capfirst, nfirst + 1, sizeof(*firsts));
			name_ent *e = calloc(1, sizeof(*e));
			if (!e)
				die("out of memory");
			e->key = xstrdup(key);
			firsts[nfirst++] = e;
		}
		title_case(fl[1], disp, sizeof(disp));
		add_spelling(firsts[id], disp, count);
		grow((void **)&rows, &caprows, nrows + 1, sizeof(raw));
		rows[nrows++] = (raw){id, sex, year, count};
	}
	gzclose(f);
	if (nfirst < 1000)
		die("%s: too few first names", path);
	for (size_t i = 0; i < nrows; i++) {
		raw *r = &rows[i];
		double t = total[r->sex - 1][r->year - YEAR0];
		int cell = (r->sex - 1) * NDEC + (r->year - YEAR0) / 10;
		firsts[r->ent]->cell[cell] += age_weight(r->year) * r->count / t;
	}
	free(rows);
}

static name_ent **surs;
static size_t nsur, capsur;
static map sur_map;

/* Reads the INSEE surnames, with births per era. */
static void read_surnames(const char *path)
{
	gzFile f = gzopen(path, "rb");
	if (!f)
		die("cannot open %s", path);
	char line[LINE_MAX_];
	uint32_t next = 0;
	int lineno = 0;
	while (gzgets(f, line, sizeof(line))) {
		lineno++;
		chomp(line);
		char *fl[13];
		if (split(line, '\t', fl, 13) != 12)
			die("%s:%d: expected 12 fields", path, lineno);
		if (lineno == 1) {
			if (strcmp(fl[0], "NOM") || strcmp(fl[6], "_1941_1950") ||
			    strcmp(fl[11], "_1991_2000"))
				die("%s: unexpected header", path);
			continue;
		}
		if (!strcmp(fl[0], "AUTRES NOMS"))
			continue;
		double era0 = 0, era1 = 0;
		for (int d = 6; d <= 8; d++)
			era0 += (double)num(fl[d], "births");
		for (int d = 9; d <= 11; d++)
			era1 += (double)num(fl[d], "births");
		char key[256];
		fold(fl[0], key, sizeof(key));
		if (strlen(key) < 2 || era0 + era1 <= 0)
			continue;
		int added;
		uint32_t id = map_get(&sur_map, key, &next, &added);
		if (added) {
			grow((void **)&surs, &capsur, nsur + 1, sizeof(*surs));
			name_ent *e = calloc(1, sizeof(*e));
			if (!e)
				die("out of memory");
			e->key = xstrdup(key);
			surs[nsur++] = e;
		}
		surs[id]->era[0] += era0;
		surs[id]->era[1] += era1;
		add_spelling(surs[id], fl[0], era0 + era1);
	}
	gzclose(f);
	if (nsur < 1000)
		die("%s: too few surnames", path);
}

/* ------------------------------------------------------------ geography */

typedef struct {
	const char *code;
	int pop;  /* thousands, INSEE 2021 */
	int zone; /* telephone zone 1-5 (metropolitan); overseas: 0 */
} dept_hand;

static const dept_hand dept_hands[] = {
    {"01", 657, 4},  {"02", 527, 3},  {"03", 335, 4},  {"04", 165, 4},  {"05", 141, 4},
    {"06", 1098, 4}, {"07", 329, 4},  {"08", 270, 3},  {"09", 155, 5},  {"10", 310, 3},
    {"11", 376, 4},  {"12", 280, 5},  {"13", 2049, 4}, {"14", 699, 2},  {"15", 144, 4},
    {"16", 352, 5},  {"17", 656, 5},  {"18", 298, 2},  {"19", 240, 5},  {"2A", 160, 4},
    {"2B", 182, 4},  {"21", 535, 3},  {"22", 602, 2},  {"23", 116, 5},  {"24", 413, 5},
    {"25", 545, 3},  {"26", 520, 4},  {"27", 599, 2},  {"28", 431, 2},  {"29", 918, 2},
    {"30", 752, 4},  {"31", 1435, 5}, {"32", 192, 5},  {"33", 1654, 5}, {"34", 1200, 4},
    {"35", 1095, 2}, {"36", 218, 2},  {"37", 611, 2},  {"38", 1275, 4}, {"39", 259, 3},
    {"40", 419, 5},  {"41", 328, 2},  {"42", 766, 4},  {"43", 229, 4},  {"44", 1450, 2},
    {"45", 684, 2},  {"46", 175, 5},  {"47", 332, 5},  {"48", 77, 4},   {"49", 823, 2},
    {"50", 491, 2},  {"51", 565, 3},  {"52", 170, 3},  {"53", 307, 2},  {"54", 733, 3},
    {"55", 181, 3},  {"56", 765, 2},  {"57", 1047, 3}, {"58", 199, 3},  {"59", 2611, 3},
    {"60", 830, 3},  {"61", 278, 2},  {"62", 1459, 3}, {"63", 663, 4},  {"64", 687, 5},
    {"65", 229, 5},  {"66", 484, 4},  {"67", 1152, 3}, {"68", 767, 3},  {"69", 1883, 4},
    {"70", 233, 3},  {"71", 549, 3},  {"72", 566, 2},  {"73", 439, 4},  {"74", 837, 4},
    {"75", 2133, 1}, {"76", 1255, 2}, {"77", 1437, 1}, {"78", 1455, 1}, {"79", 375, 5},
    {"80", 568, 3},  {"81", 390, 5},  {"82", 262, 5},  {"83", 1090, 4}, {"84", 563, 4},
    {"85", 690, 2},  {"86", 438, 5},  {"87", 372, 5},  {"88", 361, 3},  {"89", 332, 3},
    {"90", 141, 3},  {"91", 1306, 1}, {"92", 1625, 1}, {"93", 1655, 1}, {"94", 1409, 1},
    {"95", 1250, 1}, {"971", 384, 0}, {"972", 361, 0}, {"973", 286, 0}, {"974", 871, 0},
    {"976", 310, 0},
};
#define NDEPT_HAND (sizeof(dept_hands) / sizeof(dept_hands[0]))

/*
 * The largest communes (INSEE 2021 legal populations, thousands): the
 * postcode proxy underrates big cities (one postcode area there holds far
 * more people), so their share of their department is set from this table.
 * A code prefix covers Paris, Marseille and Lyon, whose La Poste rows are
 * per arrondissement.
 */
typedef struct city_hand {
	const char *code; /* INSEE code or prefix */
	int pop;
} city_hand;

static const city_hand city_hands[] = {
    {"751", 2133},  {"132", 870},   {"6938", 522},  {"31555", 500}, {"06088", 343}, {"44109", 320},
    {"34172", 300}, {"67482", 290}, {"33063", 260}, {"59350", 236}, {"35238", 222}, {"83137", 180},
    {"51454", 180}, {"42218", 173}, {"76351", 166}, {"69266", 156}, {"21231", 159}, {"38185", 157},
    {"49007", 157}, {"97411", 153}, {"30189", 148}, {"13001", 147}, {"63113", 147}, {"72181", 145},
    {"29019", 139}, {"37261", 137}, {"80021", 134}, {"87085", 130}, {"74010", 130}, {"92012", 120},
    {"66136", 120}, {"57463", 120}, {"25056", 119}, {"45234", 117}, {"93066", 113}, {"95018", 111},
    {"76540", 114}, {"93048", 111}, {"68224", 108}, {"14118", 108}, {"54395", 104}, {"97415", 105},
    {"59512", 99},  {"59599", 99},  {"92050", 96},  {"94081", 95},  {"94028", 92},  {"84007", 91},
    {"86194", 89},  {"93001", 88},  {"59183", 87},  {"93005", 86},  {"92025", 86},  {"92004", 88},
    {"78646", 84},  {"92026", 82},  {"50129", 79},  {"92063", 79},  {"64445", 76},  {"94017", 77},
    {"34032", 79},  {"17300", 77},  {"94068", 75},  {"62193", 67},  {"06029", 74},  {"06004", 75},
    {"93029", 72},  {"2A004", 73},  {"33281", 72},  {"44184", 72},  {"68066", 68},  {"92040", 69},
    {"93051", 69},  {"91228", 68},  {"69259", 66},  {"95127", 66},  {"92044", 65},  {"26362", 65},
    {"18033", 64},  {"33318", 65},  {"97302", 65},  {"94041", 64},  {"29232", 63},  {"83126", 62},
    {"92002", 62},  {"59009", 62},  {"92024", 63},  {"10387", 62},  {"82121", 61},  {"92051", 59},
    {"93055", 59},  {"79191", 59},  {"73065", 59},  {"95585", 57},  {"93007", 57},  {"56121", 57},
    {"60057", 56},  {"94046", 56},  {"77284", 55},  {"11262", 56},  {"77108", 55},  {"83069", 56},
    {"94076", 55},  {"93031", 55},  {"93008", 55},  {"49099", 54},  {"97209", 76},  {"97422", 80},
    {"97416", 84},  {"97611", 71},  {"97101", 53},  {"56260", 54},  {"02691", 53},  {"83061", 57},
    {"13004", 51},
};
#define NCITY_HAND (sizeof(city_hands) / sizeof(city_hands[0]))

/* Immigrants living in France by country of birth (INSEE 2021, thousands). */
typedef struct {
	const char *iso2;
	int k;
} country_hand;

static const country_hand country_hands[] = {
    {"DZ", 887}, {"MA", 755}, {"PT", 587}, {"TN", 302}, {"IT", 276}, {"TR", 248}, {"ES", 248},
    {"GB", 148}, {"DE", 180}, {"RO", 120}, {"BE", 100}, {"SN", 130}, {"CI", 110}, {"ML", 90},
    {"CM", 100}, {"KM", 60},  {"CD", 90},  {"CG", 60},  {"CN", 110}, {"VN", 70},  {"KH", 50},
    {"HT", 70},  {"MG", 80},  {"PL", 80},  {"RU", 50},  {"UA", 60},  {"GN", 60},  {"BR", 50},
    {"LK", 40},  {"IN", 40},  {"PK", 30},  {"AF", 40},  {"SY", 40},  {"MU", 40},  {"CH", 30},
    {"LB", 30},  {"RS", 30},  {"BG", 20},  {"LA", 20},  {"US", 40},  {"MR", 30},  {"BJ", 20},
    {"TG", 20},  {"BF", 15},  {"GA", 15},  {"EG", 15},  {"IR", 15},  {"IQ", 15},  {"AM", 15},
    {"GE", 15},  {"AL", 20},  {"NL", 30},  {"CO", 15},  {"NE", 5},   {"TD", 10},  {"CF", 10},
};
#define NCOUNTRY_HAND (sizeof(country_hands) / sizeof(country_hands[0]))

typedef struct {
	char code[4];
	uint32_t name;
} region;

typedef struct {
	char code[4];
	uint32_t name;
	int region;
	int pop, zone;
} dept;

typedef struct {
	char insee[6];
	char postcode[6];
	uint32_t label;
	int dept;
	double proxy;
} prow;

typedef struct {
	char code[4]; /* 3 digits after 99 */
	char iso2[3];
	uint32_t name;
	int k;
} country;

static region regions[32];
static int nregion;
static dept depts[128];
static int ndept;
static prow *prows;
static size_t nprow, capprow;
static country countries[512];
static int ncountry;

/* Opens a text file or stops. */
static FILE *open_text(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot open %s", path);
	return f;
}

/* Reads the INSEE regions. */
static void read_regions(const char *path)
{
	FILE *f = open_text(path);
	char line[LINE_MAX_];
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		chomp(line);
		char *fl[16];
		int n = split_csv(line, fl, 16);
		if (lineno++ == 0) {
			if (n < 2 || strcmp(fl[0], "code") || strcmp(fl[1], "name"))
				die("%s: unexpected header", path);
			continue;
		}
		if (n < 2 || strlen(fl[0]) != 2 || nregion >= 32)
			die("%s:%d: bad line", path, lineno);
		snprintf(regions[nregion].code, sizeof(regions[nregion].code), "%s", fl[0]);
		regions[nregion].name = pool_add(fl[1]);
		nregion++;
	}
	fclose(f);
}

/* Reads the INSEE departments and joins the hand table. */
static void read_depts(const char *path)
{
	FILE *f = open_text(path);
	char line[LINE_MAX_];
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		chomp(line);
		char *fl[20];
		int n = split_csv(line, fl, 20);
		if (lineno++ == 0) {
			if (n < 13 || strcmp(fl[0], "code") || strcmp(fl[12], "region_code"))
				die("%s: unexpected header", path);
			continue;
		}
		if (n < 13 || strlen(fl[0]) < 2 || strlen(fl[0]) > 3 || ndept >= 128)
			die("%s:%d: bad line", path, lineno);
		dept *d = &depts[ndept];
		snprintf(d->code, sizeof(d->code), "%s", fl[0]);
		d->name = pool_add(fl[1]);
		d->region = -1;
		for (int r = 0; r < nregion; r++)
			if (!strcmp(regions[r].code, fl[12]))
				d->region = r;
		if (d->region < 0)
			die("%s:%d: unknown region %s", path, lineno, fl[12]);
		d->pop = -1;
		for (size_t h = 0; h < NDEPT_HAND; h++) {
			if (!strcmp(dept_hands[h].code, d->code)) {
				d->pop = dept_hands[h].pop;
				d->zone = dept_hands[h].zone;
			}
		}
		if (d->pop < 0)
			die("%s:%d: department %s has no population in mkdata.c", path, lineno,
			    d->code);
		ndept++;
	}
	fclose(f);
	if ((size_t)ndept != NDEPT_HAND)
		die("%s: %d departments, %zu in the hand table", path, ndept, NDEPT_HAND);
}

/* The department index of an INSEE commune code, or -1. */
static int dept_of(const char *insee)
{
	char code[4];
	size_t n = (insee[0] == '9' && insee[1] == '7') ? 3 : 2;
	memcpy(code, insee, n);
	code[n] = '\0';
	for (int d = 0; d < ndept; d++)
		if (!strcmp(depts[d].code, code))
			return d;
	return -1;
}

/* La Poste rows by department, commune, postcode. */
static int cmp_prow(const void *a, const void *b)
{
	const prow *x = a, *y = b;
	if (x->dept != y->dept)
		return x->dept - y->dept;
	int c = strcmp(x->insee, y->insee);
	return c ? c : strcmp(x->postcode, y->postcode);
}

/* The city of a row in the hand table, or -1. */
static int city_of(const char *insee)
{
	for (size_t c = 0; c < NCITY_HAND; c++)
		if (!strncmp(insee, city_hands[c].code, strlen(city_hands[c].code)))
			return (int)c;
	return -1;
}

/*
 * Gives each listed city its share of its department: the other communes
 * keep their proxies, which then stand for the rest of the population.
 */
static void apply_cities(void)
{
	double city_proxy[NCITY_HAND] = {0};
	int seen[NCITY_HAND] = {0};
	for (size_t r = 0; r < nprow; r++) {
		int c = city_of(prows[r].insee);
		if (c >= 0) {
			city_proxy[c] += prows[r].proxy;
			seen[c] = 1;
		}
	}
	for (size_t c = 0; c < NCITY_HAND; c++)
		if (!seen[c])
			die("city %s of the hand table not found in La Poste data",
			    city_hands[c].code);
	for (int d = 0; d < ndept; d++) {
		double others = 0, city_pop = 0;
		for (size_t r = 0; r < nprow; r++) {
			if (prows[r].dept != d)
				continue;
			if (city_of(prows[r].insee) < 0)
				others += prows[r].proxy;
		}
		for (size_t c = 0; c < NCITY_HAND; c++) {
			int cd =
			    dept_of(city_hands[c].code[0] == '7' && city_hands[c].code[1] == '5'
			                ? "75000"
			                : city_hands[c].code);
			if (cd == d)
				city_pop += city_hands[c].pop;
		}
		double rest = depts[d].pop - city_pop;
		if (others <= 0 || rest <= 0)
			continue; /* the department is its cities (Paris) */
		for (size_t r = 0; r < nprow; r++) {
			int c = city_of(prows[r].insee);
			if (prows[r].dept != d || c < 0)
				continue;
			prows[r].proxy =
			    city_hands[c].pop / rest * others * prows[r].proxy / city_proxy[c];
		}
	}
}

/* Reads La Poste (commune, postcode) pairs with their population proxy. */
static void read_laposte(const char *path)
{
	gzFile f = gzopen(path, "rb");
	if (!f)
		die("cannot open %s", path);
	char line[LINE_MAX_];
	int lineno = 0;
	map seen = {0}, pcs = {0};
	uint32_t nseen = 0, npc = 0;
	uint32_t *pc_count = NULL;
	size_t cap_pc = 0;
	while (gzgets(f, line, sizeof(line))) {
		lineno++;
		chomp(line);
		char *fl[7];
		int n = split(line, ';', fl, 7);
		if (lineno == 1) {
			if (n != 6 || strcmp(fl[0], "Code_commune_INSEE"))
				die("%s: unexpected header", path);
			continue;
		}
		if (n != 6 || strlen(fl[0]) != 5 || strlen(fl[2]) != 5)
			die("%s:%d: bad line", path, lineno);
		int d = dept_of(fl[0]);
		if (d < 0)
			continue; /* overseas collectivities, Monaco */
		char both[16];
		snprintf(both, sizeof(both), "%s%s", fl[0], fl[2]);
		int added;
		map_get(&seen, both, &nseen, &added);
		if (!added)
			continue; /* another locality (Ligne_5) of the same pair */
		uint32_t pc = map_get(&pcs, fl[2], &npc, &added);
		grow((void **)&pc_count, &cap_pc, npc, sizeof(uint32_t));
		if (added)
			pc_count[pc] = 0;
		pc_count[pc]++;
		grow((void **)&prows, &capprow, nprow + 1, sizeof(prow));
		prow *r = &prows[nprow++];
		memcpy(r->insee, fl[0], 6);
		memcpy(r->postcode, fl[2], 6);
		r->label = pool_add(fl[4]);
		r->dept = d;
		r->proxy = pc; /* postcode id for now */
	}
	gzclose(f);
	for (size_t i = 0; i < nprow; i++)
		prows[i].proxy = 1.0 / pc_count[(uint32_t)prows[i].proxy];
	qsort(prows, nprow, sizeof(prow), cmp_prow);
	free(pc_count);
	apply_cities();
	map_free(&seen);
	map_free(&pcs);
	if (nprow < 30000)
		die("%s: too few communes", path);
}

/* Reads the current INSEE countries and joins the hand table. */
static void read_countries(const char *path)
{
	FILE *f = open_text(path);
	char line[LINE_MAX_];
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		chomp(line);
		char *fl[16];
		int n = split_csv(line, fl, 16);
		if (lineno++ == 0) {
			if (n < 8 || strcmp(fl[0], "code") || strcmp(fl[1], "iso2_code") ||
			    strcmp(fl[6], "actual_id"))
				die("%s: unexpected header", path);
			continue;
		}
		if (n < 8 || strlen(fl[0]) != 5 || strncmp(fl[0], "99", 2))
			die("%s:%d: bad line", path, lineno);
		if (strcmp(fl[6], "1") || !strcmp(fl[0], "99100") || strlen(fl[1]) != 2)
			continue; /* not a current state, or France */
		if (ncountry >= 512)
			die("%s: too many countries", path);
		country *c = &countries[ncountry++];
		memcpy(c->code, fl[0] + 2, 4);
		memcpy(c->iso2, fl[1], 3);
		c->name = pool_add(fl[4]);
		c->k = 1;
		for (size_t h = 0; h < NCOUNTRY_HAND; h++)
			if (!strcmp(country_hands[h].iso2, c->iso2))
				c->k = country_hands[h].k;
	}
	fclose(f);
	for (size_t h = 0; h < NCOUNTRY_HAND; h++) {
		int found = 0;
		for (int c = 0; c < ncountry; c++)
			found |= !strcmp(countries[c].iso2, country_hands[h].iso2);
		if (!found)
			die("%s: country %s of the hand table not found", path,
			    country_hands[h].iso2);
	}
}

/* ----------------------------------------------------------------- output */

static FILE *out;

/* Writes a C array of integers. */
static void emit_u32s(const char *type_name, const char *name, const uint32_t *v, size_t n)
{
	fprintf(out, "const %s %s[%zu] = {", type_name, name, n ? n : 1);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%u,", i % 16 ? "" : "\n", v[i]);
	if (!n)
		fputs("0", out);
	fputs("\n};\n", out);
}

/* Writes the string pool as one C string literal. */
static void emit_pool(void)
{
	fprintf(out, "const char vg_gd_str[%zu] =", pool_len);
	for (size_t i = 0; i < pool_len; i++) {
		if (i % 96 == 0)
			fputs("\n\t\"", out);
		unsigned char c = (unsigned char)pool[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c >= 0x20 && c < 0x7F && c != '?')
			fputc(c, out);
		else
			fprintf(out, "\\%03o", c);
		if (i % 96 == 95 || i + 1 == pool_len)
			fputc('"', out);
	}
	fputs(";\n", out);
}

/* Scales weights to integers whose sum stays below limit. */
static void scale(const double *w, size_t n, double limit, uint32_t *outw)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += w[i];
	if (s <= 0)
		die("empty distribution");
	for (size_t i = 0; i < n; i++) {
		double v = floor(w[i] / s * limit + 0.5);
		outw[i] = (uint32_t)v;
	}
}

/* Writes the first-name and surname tables. */
static void write_names(void)
{
	/* first names: sort keys, then per-cell entries */
	qsort(firsts, nfirst, sizeof(*firsts), cmp_ent);
	uint32_t *key = xmalloc(nfirst * sizeof(uint32_t));
	uint32_t *var = xmalloc((nfirst + 1) * sizeof(uint32_t));
	uint32_t *owner = xmalloc(nfirst * sizeof(uint32_t));
	uint32_t *vstr = NULL, *vcum = NULL;
	size_t nv = 0, capv = 0, capv2 = 0;
	for (size_t i = 0; i < nfirst; i++) {
		name_ent *e = firsts[i];
		e->out = (uint32_t)i;
		key[i] = pool_add(e->key);
		var[i] = (uint32_t)nv;
		qsort(e->sp, e->nsp, sizeof(spelling), cmp_sp);
		double cum = 0;
		for (size_t s = 0; s < e->nsp; s++) {
			grow((void **)&vstr, &capv, nv + 1, sizeof(uint32_t));
			grow((void **)&vcum, &capv2, nv + 1, sizeof(uint32_t));
			cum += e->sp[s].count;
			vstr[nv] = pool_add(e->sp[s].text);
			vcum[nv] = (uint32_t)cum;
			nv++;
		}
		int best = 0;
		for (int c = 1; c < NCELLS; c++)
			if (e->cell[c] > e->cell[best])
				best = c;
		owner[i] = (uint32_t)best;
	}
	var[nfirst] = (uint32_t)nv;
	fprintf(out, "const uint32_t vg_gd_nfirst = %zu;\n", nfirst);
	emit_u32s("uint32_t", "vg_gd_first_key", key, nfirst);
	emit_u32s("uint32_t", "vg_gd_first_var", var, nfirst + 1);
	emit_u32s("uint32_t", "vg_gd_first_var_str", vstr, nv);
	emit_u32s("uint32_t", "vg_gd_first_var_cum", vcum, nv);
	emit_u32s("uint8_t", "vg_gd_first_owner", owner, nfirst);

	/* per cell: entries with a non-zero scaled weight, sorted by key */
	uint32_t *ent = NULL, *cum = NULL;
	size_t ne = 0, cape = 0, capc = 0;
	uint32_t cell_off[NCELLS + 1], cell_total[NCELLS], cell_init[NCELLS * 27];
	double *w = xmalloc(nfirst * sizeof(double));
	uint32_t *wi = xmalloc(nfirst * sizeof(uint32_t));
	for (int c = 0; c < NCELLS; c++) {
		for (size_t i = 0; i < nfirst; i++)
			w[i] = firsts[i]->cell[c];
		scale(w, nfirst, 1073741824.0, wi);
		cell_off[c] = (uint32_t)ne;
		uint64_t run = 0;
		int letter = 0;
		for (size_t i = 0; i < nfirst; i++) {
			if (!wi[i])
				continue;
			int l = firsts[i]->key[0] - 'a';
			if (l < 0 || l > 25)
				die("bad first-name key %s", firsts[i]->key);
			while (letter <= l)
				cell_init[c * 27 + letter++] = (uint32_t)ne;
			grow((void **)&ent, &cape, ne + 1, sizeof(uint32_t));
			grow((void **)&cum, &capc, ne + 1, sizeof(uint32_t));
			ent[ne] = (uint32_t)i;
			cum[ne] = (uint32_t)run;
			run += wi[i];
			ne++;
		}
		while (letter <= 26)
			cell_init[c * 27 + letter++] = (uint32_t)ne;
		if (run == 0 || run > UINT32_MAX)
			die("bad cell total");
		cell_total[c] = (uint32_t)run;
	}
	cell_off[NCELLS] = (uint32_t)ne;
	emit_u32s("uint32_t", "vg_gd_cell_off", cell_off, NCELLS + 1);
	emit_u32s("uint32_t", "vg_gd_cell_total", cell_total, NCELLS);
	emit_u32s("uint32_t", "vg_gd_cell_init", cell_init, NCELLS * 27);
	emit_u32s("uint32_t", "vg_gd_cell_name", ent, ne);
	emit_u32s("uint32_t", "vg_gd_cell_cum", cum, ne);

	/* cell weights and year weights */
	uint32_t cw[NCELLS], yw[NYEARS];
	double cwd[NCELLS] = {0}, ywd[NYEARS];
	for (int y = 0; y < NYEARS; y++) {
		ywd[y] = age_weight(YEAR0 + y);
		cwd[0 * NDEC + y / 10] += ywd[y] * 0.495;
		cwd[1 * NDEC + y / 10] += ywd[y] * 0.505;
	}
	scale(cwd, NCELLS, 1e8, cw);
	scale(ywd, NYEARS, 1e8, yw);
	emit_u32s("uint32_t", "vg_gd_cell_weight", cw, NCELLS);
	emit_u32s("uint32_t", "vg_gd_year_weight", yw, NYEARS);
	free(key);
	free(var);
	free(owner);
	free(vstr);
	free(vcum);
	free(ent);
	free(cum);
	free(w);
	free(wi);

	/* surnames */
	size_t keep = 0;
	for (size_t i = 0; i < nsur; i++) {
		name_ent *e = surs[i];
		if (e->era[0] + e->era[1] >= MIN_SURNAME_BIRTHS)
			surs[keep++] = e;
		else {
			for (size_t s = 0; s < e->nsp; s++)
				free(e->sp[s].text);
			free(e->sp);
			free(e->key);
			free(e);
		}
	}
	nsur = keep;
	qsort(surs, nsur, sizeof(*surs), cmp_ent);
	key = xmalloc(nsur * sizeof(uint32_t));
	var = xmalloc((nsur + 1) * sizeof(uint32_t));
	vstr = NULL;
	vcum = NULL;
	nv = capv = capv2 = 0;
	double *era = xmalloc(nsur * sizeof(double));
	uint32_t *erai = xmalloc(nsur * sizeof(uint32_t));
	uint32_t *ecum = xmalloc(nsur * sizeof(uint32_t));
	for (size_t i = 0; i < nsur; i++) {
		name_ent *e = surs[i];
		key[i] = pool_add(e->key);
		var[i] = (uint32_t)nv;
		qsort(e->sp, e->nsp, sizeof(spelling), cmp_sp);
		/* the usual single spelling, the key in uppercase, is not stored */
		char up[256];
		size_t k = 0;
		for (; e->key[k] && k + 1 < sizeof(up); k++)
			up[k] = (char)toupper((unsigned char)e->key[k]);
		up[k] = '\0';
		if (e->nsp == 1 && !strcmp(e->sp[0].text, up))
			continue;
		double c = 0;
		for (size_t s = 0; s < e->nsp; s++) {
			grow((void **)&vstr, &capv, nv + 1, sizeof(uint32_t));
			grow((void **)&vcum, &capv2, nv + 1, sizeof(uint32_t));
			c += e->sp[s].count;
			vstr[nv] = pool_add(e->sp[s].text);
			vcum[nv] = (uint32_t)c;
			nv++;
		}
	}
	var[nsur] = (uint32_t)nv;
	/* only the surnames with stored spellings, as a sorted sparse list */
	size_t nmulti = 0;
	uint32_t *multi = xmalloc(nsur * sizeof(uint32_t));
	uint32_t *mvar = xmalloc((nsur + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < nsur; i++) {
		if (var[i + 1] != var[i]) {
			multi[nmulti] = (uint32_t)i;
			mvar[nmulti++] = var[i];
		}
	}
	mvar[nmulti] = (uint32_t)nv;
	fprintf(out, "const uint32_t vg_gd_nsur = %zu;\n", nsur);
	fprintf(out, "const uint32_t vg_gd_nsur_multi = %zu;\n", nmulti);
	emit_u32s("uint32_t", "vg_gd_sur_key", key, nsur);
	emit_u32s("uint32_t", "vg_gd_sur_multi", multi, nmulti);
	emit_u32s("uint32_t", "vg_gd_sur_multi_var", mvar, nmulti + 1);
	free(multi);
	free(mvar);
	emit_u32s("uint32_t", "vg_gd_sur_var_str", vstr, nv);
	emit_u32s("uint32_t", "vg_gd_sur_var_cum", vcum, nv);
	uint32_t etot[2];
	for (int e = 0; e < 2; e++) {
		for (size_t i = 0; i < nsur; i++)
			era[i] = surs[i]->era[e] + 0.5; /* every name stays possible */
		scale(era, nsur, 2e9, erai);
		uint64_t run = 0;
		for (size_t i = 0; i < nsur; i++) {
			ecum[i] = (uint32_t)run;
			run += erai[i] ? erai[i] : 1;
		}
		if (run > UINT32_MAX)
			die("surname total overflows");
		etot[e] = (uint32_t)run;
		char nm[64];
		snprintf(nm, sizeof(nm), "vg_gd_sur_cum%d", e);
		emit_u32s("uint32_t", nm, ecum, nsur);
	}
	emit_u32s("uint32_t", "vg_gd_sur_total", etot, 2);
	free(key);
	free(var);
	free(vstr);
	free(vcum);
	free(era);
	free(erai);
	free(ecum);
}

/* Writes regions, departments, La Poste rows and countries. */
static void write_geo(void)
{
	fprintf(out, "const uint32_t vg_gd_nregion = %d;\n", nregion);
	fputs("const char vg_gd_region_code[][4] = {", out);
	for (int r = 0; r < nregion; r++)
		fprintf(out, "\"%s\",", regions[r].code);
	fputs("};\n", out);
	uint32_t v[128];
	for (int r = 0; r < nregion; r++)
		v[r] = regions[r].name;
	emit_u32s("uint32_t", "vg_gd_region_name", v, (size_t)nregion);

	fprintf(out, "const uint32_t vg_gd_ndept = %d;\n", ndept);
	fputs("const char vg_gd_dept_code[][4] = {", out);
	for (int d = 0; d < ndept; d++)
		fprintf(out, "\"%s\",", depts[d].code);
	fputs("};\n", out);
	for (int d = 0; d < ndept; d++)
		v[d] = depts[d].name;
	emit_u32s("uint32_t", "vg_gd_dept_name", v, (size_t)ndept);
	for (int d = 0; d < ndept; d++)
		v[d] = (uint32_t)depts[d].region;
	emit_u32s("uint8_t", "vg_gd_dept_region", v, (size_t)ndept);
	for (int d = 0; d < ndept; d++)
		v[d] = (uint32_t)depts[d].pop;
	emit_u32s("uint32_t", "vg_gd_dept_pop", v, (size_t)ndept);
	for (int d = 0; d < ndept; d++)
		v[d] = (uint32_t)depts[d].zone;
	emit_u32s("uint8_t", "vg_gd_dept_zone", v, (size_t)ndept);

	/* rows, grouped by department */
	uint32_t first[129];
	size_t r = 0;
	for (int d = 0; d <= ndept; d++) {
		while (r < nprow && prows[r].dept < d)
			r++;
		first[d] = (uint32_t)r;
	}
	emit_u32s("uint32_t", "vg_gd_dept_row", first, (size_t)ndept + 1);
	fprintf(out, "const uint32_t vg_gd_nrow = %zu;\n", nprow);
	fputs("const char vg_gd_row_insee[][6] = {", out);
	for (size_t i = 0; i < nprow; i++)
		fprintf(out, "%s\"%s\",", i % 12 ? "" : "\n", prows[i].insee);
	fputs("\n};\n", out);
	fputs("const char vg_gd_row_postcode[][6] = {", out);
	for (size_t i = 0; i < nprow; i++)
		fprintf(out, "%s\"%s\",", i % 12 ? "" : "\n", prows[i].postcode);
	fputs("\n};\n", out);
	uint32_t *lab = xmalloc(nprow * sizeof(uint32_t));
	uint32_t *px = xmalloc(nprow * sizeof(uint32_t));
	for (size_t i = 0; i < nprow; i++) {
		lab[i] = prows[i].label;
		px[i] = (uint32_t)floor(prows[i].proxy * 10000 + 0.5);
		if (!px[i])
			px[i] = 1;
	}
	emit_u32s("uint32_t", "vg_gd_row_label", lab, nprow);
	emit_u32s("uint32_t", "vg_gd_row_proxy", px, nprow);
	free(lab);
	free(px);

	fprintf(out, "const uint32_t vg_gd_ncountry = %d;\n", ncountry);
	fputs("const char vg_gd_country_code[][4] = {", out);
	for (int c = 0; c < ncountry; c++)
		fprintf(out, "%s\"%s\",", c % 12 ? "" : "\n", countries[c].code);
	fputs("\n};\n", out);
	fputs("const char vg_gd_country_iso2[][3] = {", out);
	for (int c = 0; c < ncountry; c++)
		fprintf(out, "%s\"%s\",", c % 12 ? "" : "\n", countries[c].iso2);
	fputs("\n};\n", out);
	uint32_t cv[512];
	for (int c = 0; c < ncountry; c++)
		cv[c] = countries[c].name;
	emit_u32s("uint32_t", "vg_gd_country_name", cv, (size_t)ncountry);
	for (int c = 0; c < ncountry; c++)
		cv[c] = (uint32_t)countries[c].k;
	emit_u32s("uint32_t", "vg_gd_country_weight", cv, (size_t)ncountry);
}

/* Frees a name table. */
static void free_names(name_ent **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t s = 0; s < v[i]->nsp; s++)
			free(v[i]->sp[s].text);
		free(v[i]->sp);
		free(v[i]->key);
		free(v[i]);
	}
	free(v);
}

/* Reads the data files, writes OUT.c (through a temporary file). */
int main(int argc, char **argv)
{
	if (argc != 8)
		die("usage: mkdata PRENOMS NOMS LAPOSTE PAYS DEPARTEMENTS REGIONS OUT.c");
	read_regions(argv[6]);
	read_depts(argv[5]);
	read_countries(argv[4]);
	read_laposte(argv[3]);
	read_first_names(argv[1]);
	read_surnames(argv[2]);

	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[7]);
	out = fopen(tmp, "w");
	if (!out)
		die("cannot write %s", tmp);
	fputs("/* Generated by src/gen/mkdata.c from data/; do not edit. */\n"
	      "#include \"gen/gen_data.h\"\n\n",
	      out);
	write_names();
	write_geo();
	emit_pool();
	if (fclose(out) != 0 || rename(tmp, argv[7]) != 0)
		die("cannot write %s", argv[7]);

	free_names(firsts, nfirst);
	free_names(surs, nsur);
	map_free(&first_map);
	map_free(&sur_map);
	map_free(&pool_map);
	free(prows);
	free(pool);
	return 0;
}
