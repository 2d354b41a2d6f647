/*
 * test_table.c: the tabular reader. Every input is written to a temporary
 * file and read back through the public API; most are read with several
 * read sizes (1 byte to 1 MiB) and must give the same rows each time, so the
 * buffer boundaries are exercised as much as the parsing rules.
 */
#include "vigie/colmap.h"
#include "vigie/table.h"
#include "core/xxh.h" /* vg_cpu_avx2_force() */

#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <cmocka.h>

/* ----------------------------------------------------------- helpers */

#define MAXR 64
#define MAXF 40

typedef struct got_row {
	uint64_t lineno;
	uint32_t nlines, flags;
	size_t nf;
	char *f[MAXF];
	size_t flen[MAXF];
	const char *err;
	char *raw;
	size_t raw_len;
} got_row;

typedef struct got {
	int open_rc, end_rc;
	size_t n;
	got_row r[MAXR];
	vg_table_info info;
	vg_table_stats st;
	size_t ncols;
	char *cols[MAXF];
	char msg[512];
} got;

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Appends printf output at buf[at..cap); returns the new length (asserting it fits). */
VG_PRINTF(4, 5)
static size_t appendf(char *buf, size_t cap, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(buf + at, cap - at, fmt, ap);
	va_end(ap);
	assert_true(w >= 0 && (size_t)w < cap - at);
	return at + (size_t)w;
}

/* A temporary file holding data; returns its path (static buffer per call slot). */
static void write_tmp(char *path, const void *data, size_t n)
{
	snprintf(path, 64, "%s", "/tmp/vigie-test-table-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

static void got_free(got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		for (size_t k = 0; k < g->r[i].nf && k < MAXF; k++)
			free(g->r[i].f[k]);
		free(g->r[i].raw);
	}
	for (size_t c = 0; c < g->ncols; c++)
		free(g->cols[c]);
	memset(g, 0, sizeof(*g));
}

/* Reads every row of the table t into g. */
static void drain(vg_table *t, got *g)
{
	vg_table_row row;
	vg_err err = {0, ""};
	int rc;
	while ((rc = vg_table_next(t, &row, &err)) == 1) {
		assert_true(g->n < MAXR);
		got_row *r = &g->r[g->n++];
		r->lineno = row.lineno;
		r->nlines = row.nlines;
		r->flags = row.flags;
		r->nf = row.nfields;
		r->err = row.error ? row.error->code : NULL;
		r->raw = dup_n(row.raw, row.raw_len);
		r->raw_len = row.raw_len;
		for (size_t k = 0; k < row.nfields && k < MAXF; k++) {
			r->f[k] = dup_n(row.fields[k].s, row.fields[k].len);
			r->flen[k] = row.fields[k].len;
			/* fields are valid UTF-8, always */
			assert_true(vg_utf8_valid(row.fields[k].s, row.fields[k].len));
		}
		if (row.error)
			assert_int_equal(row.nfields, 0);
	}
	g->end_rc = rc;
	if (rc < 0)
		snprintf(g->msg, sizeof(g->msg), "%s", err.msg);
	g->info = *vg_table_info_get(t);
	g->st = *vg_table_stats_get(t);
	size_t nc;
	const vg_table_field *cols = vg_table_columns(t, &nc);
	g->ncols = nc < MAXF ? nc : MAXF;
	for (size_t c = 0; c < g->ncols; c++) {
		assert_int_equal(strlen(cols[c].s), cols[c].len);
		g->cols[c] = dup_n(cols[c].s, cols[c].len);
	}
}

/* Reads data with options o (NULL: defaults) and a given read size. */
static void read_with(const void *data, size_t n, const vg_table_opts *o, size_t read_size, got *g)
{
	char path[64];
	write_tmp(path, data, n);
	vg_table_opts opts;
	if (o)
		opts = *o;
	else
		vg_table_opts_init(&opts);
	opts.read_size = read_size;
	memset(g, 0, sizeof(*g));
	vg_table *t = NULL;
	vg_err err = {0, ""};
	g->open_rc = vg_table_open(&t, path, &opts, &err);
	if (g->open_rc == 0) {
		assert_non_null(t);
		drain(t, g);
		vg_table_close(t);
	} else {
		assert_null(t);
		snprintf(g->msg, sizeof(g->msg), "%s", err.msg);
	}
	unlink(path);
}

static void assert_same(const got *a, const got *b)
{
	assert_int_equal(a->open_rc, b->open_rc);
	assert_int_equal(a->end_rc, b->end_rc);
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->ncols, b->ncols);
	for (size_t c = 0; c < a->ncols; c++)
		assert_string_equal(a->cols[c], b->cols[c]);
	for (size_t i = 0; i < a->n; i++) {
		const got_row *x = &a->r[i], *y = &b->r[i];
		assert_int_equal(x->lineno, y->lineno);
		assert_int_equal(x->nlines, y->nlines);
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->nf, y->nf);
		if (x->err || y->err)
			assert_string_equal(x->err ? x->err : "-", y->err ? y->err : "-");
		assert_int_equal(x->raw_len, y->raw_len);
		assert_memory_equal(x->raw, y->raw, x->raw_len);
		for (size_t k = 0; k < x->nf && k < MAXF; k++) {
			assert_int_equal(x->flen[k], y->flen[k]);
			assert_memory_equal(x->f[k], y->f[k], x->flen[k]);
		}
	}
	assert_int_equal(a->st.rows, b->st.rows);
	assert_int_equal(a->st.bad_rows, b->st.bad_rows);
	assert_int_equal(a->st.lines, b->st.lines);
	assert_int_equal(a->st.blank_lines, b->st.blank_lines);
}

/* What on_input was given. */
typedef struct seen {
	unsigned char *p;
	size_t n, cap;
} seen;

static void seen_add(void *ctx, const void *p, size_t n)
{
	seen *s = ctx;
	if (s->n + n > s->cap) {
		s->cap = 2 * (s->n + n);
		s->p = realloc(s->p, s->cap);
	}
	memcpy(s->p + s->n, p, n);
	s->n += n;
}

/* Reads data with the default read size into g, and checks that tiny reads
 * and the mapped file (opts.mmap) agree, and that on_input is given every
 * byte of the file, in order, either way. */
static void read_n(const void *data, size_t n, const vg_table_opts *o, got *g)
{
	static const size_t sizes[] = {1, 2, 3, 7, 64};
	read_with(data, n, o, 0, g);
	/* the splitter that reads 16 bytes a step against the one that reads
	 * 32 (when the CPU has AVX2; g was read with it) */
	vg_cpu_avx2_force(0);
	got narrow;
	read_with(data, n, o, 0, &narrow);
	vg_cpu_avx2_force(-1);
	assert_same(g, &narrow);
	got_free(&narrow);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		got other;
		read_with(data, n, o, sizes[i], &other);
		assert_same(g, &other);
		got_free(&other);
	}
	for (int map = 0; map < 2; map++) {
		vg_table_opts mo;
		if (o)
			mo = *o;
		else
			vg_table_opts_init(&mo);
		seen sn = {NULL, 0, 0};
		mo.mmap = map;
		mo.on_input = seen_add;
		mo.on_input_ctx = &sn;
		got other;
		read_with(data, n, &mo, map ? 0 : 5, &other);
		assert_same(g, &other);
		if (other.open_rc == 0 && other.end_rc == 0) {
			assert_int_equal(sn.n, n);
			if (n)
				assert_memory_equal(sn.p, data, n);
		}
		/* plain, non-empty files are mapped; compressed ones are read */
		if (map && other.open_rc == 0)
			assert_int_equal(other.info.stable,
			                 n > 0 && other.info.compression == VG_TABLE_PLAIN);
		got_free(&other);
		free(sn.p);
	}
}

static void read_s(const char *s, const vg_table_opts *o, got *g)
{
	read_n(s, strlen(s), o, g);
}

/* Asserts that row i has exactly the given fields (NULL-terminated). */
static void assert_fields(const got *g, size_t i, ...)
{
	assert_true(i < g->n);
	const got_row *r = &g->r[i];
	assert_null(r->err);
	va_list ap;
	va_start(ap, i);
	size_t k = 0;
	const char *want;
	while ((want = va_arg(ap, const char *)) != NULL) {
		assert_true(k < r->nf);
		assert_int_equal(r->flen[k], strlen(want));
		assert_memory_equal(r->f[k], want, r->flen[k]);
		k++;
	}
	va_end(ap);
	assert_int_equal(r->nf, k);
}

/* ------------------------------------------------------------- encodings */

/* Random plain, quoted, CRLF and non-ASCII lines of 1 to 60 fields, so
 * that newlines, delimiters and quotes fall at every place of the 16- and
 * 32-byte steps of the splitter: read_n() compares them with the general
 * path and the two splitters with each other. */
static void test_split_random(void **state)
{
	(void)state;
	uint64_t r = 0x9e3779b97f4a7c15ull;
	static const char *const pieces[] = {"a",   "Zoé",   "12",       " ",
	                                     "x y", "\"q\"", "\xc3\xa9", "-"};
	size_t cap = 1 << 17;
	char *buf = malloc(cap);
	assert_non_null(buf);
	vg_table_opts o;
	vg_table_opts_init(&o);
	o.header = 0;
	for (int round = 0; round < 60; round++) {
		size_t n = 0;
		for (int line = 0; line < 50; line++) { /* got holds MAXR rows */
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			unsigned nf = 1 + (unsigned)(r >> 33) % 60;
			for (unsigned f = 0; f < nf; f++) {
				r = r * 6364136223846793005ull + 1442695040888963407ull;
				unsigned k = (unsigned)(r >> 40) % 6;
				bool quoted = (r >> 20) % 97 == 0;
				if (quoted)
					buf[n++] = '"';
				for (unsigned j = 0; j < k; j++) {
					const char *pc = pieces[(r >> (3 * j + 1)) % 8];
					if (pc[0] == '"') {
						pc = quoted ? "\"\"" : "b";
					}
					size_t l = strlen(pc);
					memcpy(buf + n, pc, l);
					n += l;
				}
				if (quoted)
					buf[n++] = '"';
				if (f + 1 < nf)
					buf[n++] = ';';
			}
			if ((r >> 7) % 11 == 0)
				buf[n++] = '\r';
			buf[n++] = '\n';
		}
		assert_true(n < cap);
		got g;
		read_n(buf, n, &o, &g);
		assert_int_equal(g.open_rc, 0);
		assert_int_equal(g.n + g.st.blank_lines, 50);
		got_free(&g);
	}
	free(buf);
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(vg_utf8_valid("", 0));
	assert_true(vg_utf8_valid("plain ascii text, longer than eight", 35));
	assert_true(vg_utf8_valid("H\xC3\xA9l\xC3\xA8ne", 8));
	assert_true(vg_utf8_valid("\xE2\x82\xAC", 3));      /* € */
	assert_true(vg_utf8_valid("\xF0\x9F\x98\x80", 4));  /* emoji */
	assert_true(vg_utf8_valid("\xF4\x8F\xBF\xBF", 4));  /* U+10FFFF */
	assert_false(vg_utf8_valid("CAF\xC9", 4));          /* cp1252 É */
	assert_false(vg_utf8_valid("\xC0\x80", 2));         /* overlong NUL */
	assert_false(vg_utf8_valid("\xC1\xBF", 2));         /* overlong */
	assert_false(vg_utf8_valid("\xE0\x9F\xBF", 3));     /* overlong 3-byte */
	assert_false(vg_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
	assert_false(vg_utf8_valid("\xF0\x8F\xBF\xBF", 4)); /* overlong 4-byte */
	assert_false(vg_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(vg_utf8_valid("\xF5\x80\x80\x80", 4));
	assert_false(vg_utf8_valid("ab\xC3", 3)); /* cut */
	assert_false(vg_utf8_valid("\xE2\x82", 2));
	assert_false(vg_utf8_valid("\x80", 1)); /* lone continuation */
	assert_false(vg_utf8_valid("abcdefgh\xFF", 9));
}

static void test_cp1252(void **state)
{
	(void)state;
	char out[64];
	size_t n = vg_cp1252_to_utf8("CAF\xC9", 4, out);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "CAF\xC3\x89", 5);
	n = vg_cp1252_to_utf8("\x80", 1, out); /* euro sign */
	assert_int_equal(n, 3);
	assert_memory_equal(out, "\xE2\x82\xAC", 3);
	n = vg_cp1252_to_utf8("\x9C\x92\x85", 3, out); /* œ ’ … */
	assert_memory_equal(out, "\xC5\x93\xE2\x80\x99\xE2\x80\xA6", n);
	assert_int_equal(n, 8);
	/* the five undefined bytes become C1 controls */
	const char undef[] = "\x81\x8D\x8F\x90\x9D";
	n = vg_cp1252_to_utf8(undef, 5, out);
	assert_int_equal(n, 10);
	assert_memory_equal(out, "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D", 10);
	/* Latin-1 printable range maps to the same code point */
	n = vg_cp1252_to_utf8("\xA0\xE0\xFF", 3, out);
	assert_memory_equal(out, "\xC2\xA0\xC3\xA0\xC3\xBF", 6);
	/* every byte gives valid UTF-8 */
	char all[256], big[768];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	n = vg_cp1252_to_utf8(all, 256, big);
	assert_true(vg_utf8_valid(big, n));
	/* 128 ASCII, 15 two-byte and 17 three-byte in 0x80-0x9F, 96 two-byte above */
	assert_int_equal(n, 128 + 15 * 2 + 17 * 3 + 96 * 2);
}

/* ------------------------------------------------------- CSV detection */

static void test_delimiters(void **state)
{
	(void)state;
	const char *cases[][2] = {
	    {"nom;prenom;email\nMARTIN;Jean;j@x.fr\n", ";"},
	    {"nom,prenom,email\nMARTIN,Jean,j@x.fr\n", ","},
	    {"nom\tprenom\temail\nMARTIN\tJean\tj@x.fr\n", "\t"},
	    {"nom|prenom|email\nMARTIN|Jean|j@x.fr\n", "|"},
	    /* delimiters inside quotes do not count */
	    {"\"nom,a,b,c\";prenom;email\nMARTIN;Jean;j@x.fr\n", ";"},
	    /* the most frequent wins */
	    {"nom,prenom,email;tel\nMARTIN,Jean,j@x.fr;0612\n", ","},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got g;
		read_s(cases[i][0], NULL, &g);
		assert_int_equal(g.open_rc, 0);
		assert_int_equal(g.info.format, VG_TABLE_CSV);
		assert_int_equal(g.info.delimiter, cases[i][1][0]);
		assert_true(g.info.header);
		assert_int_equal(g.n, 1);
		assert_int_equal(g.r[0].lineno, 2);
		got_free(&g);
	}
	/* a tie on the header line goes to the delimiter that repeats on the next lines */
	got g;
	read_s("nom,prenom;email\na;b\nd;e\n", NULL, &g);
	assert_int_equal(g.info.delimiter, ';');
	got_free(&g);
	read_s("nom;prenom,email\na,b\nd,e\n", NULL, &g);
	assert_int_equal(g.info.delimiter, ',');
	got_free(&g);
	/* one column: no delimiter at all, commas are data */
	read_s("email\na@b.fr\n12, rue X\n", NULL, &g);
	assert_int_equal(g.info.delimiter, 0);
	assert_true(g.info.header);
	assert_fields(&g, 0, "a@b.fr", NULL);
	assert_fields(&g, 1, "12, rue X", NULL);
	got_free(&g);
	/* a forced delimiter */
	vg_table_opts o;
	vg_table_opts_init(&o);
	o.delimiter = '|';
	read_s("nom;prenom|email\na;b|c\n", &o, &g);
	assert_int_equal(g.info.delimiter, '|');
	assert_fields(&g, 0, "a;b", "c", NULL);
	got_free(&g);
}

static void test_header_detection(void **state)
{
	(void)state;
	got g;
	/* known names: a header, trimmed */
	read_s("Nom ; Prénom ;E-mail\nMARTIN;Jean;j@x.fr\n", NULL, &g);
	assert_true(g.info.header);
	assert_int_equal(g.ncols, 3);
	assert_string_equal(g.cols[0], "Nom");
	assert_string_equal(g.cols[1], "Prénom");
	assert_string_equal(g.cols[2], "E-mail");
	assert_int_equal(g.info.expected_fields, 3);
	assert_int_equal(g.n, 1);
	got_free(&g);
	/* a first line that looks like data is a row */
	read_s("MARTIN;Jean;jean@x.fr\nDURAND;Anne;anne@y.fr\n", NULL, &g);
	assert_false(g.info.header);
	assert_int_equal(g.ncols, 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].lineno, 1);
	assert_fields(&g, 0, "MARTIN", "Jean", "jean@x.fr", NULL);
	assert_int_equal(g.info.expected_fields, 3);
	got_free(&g);
	/* digits: a date, a phone number */
	read_s("nom;prenom;12/05/1980\n", NULL, &g);
	assert_false(g.info.header);
	assert_int_equal(g.n, 1);
	got_free(&g);
	read_s("nom;telephone;0612345678\n", NULL, &g);
	assert_false(g.info.header);
	got_free(&g);
	/* "adresse1" has one digit: still a header */
	read_s("nom;adresse1\nA;B\n", NULL, &g);
	assert_true(g.info.header);
	got_free(&g);
	/* no known name: not a header */
	read_s("foo;bar;baz\n1;2;3\n", NULL, &g);
	assert_false(g.info.header);
	assert_int_equal(g.n, 2);
	got_free(&g);
	/* ... unless --map names one of its columns */
	vg_colmap_spec spec;
	vg_err err;
	assert_int_equal(vg_colmap_spec_parse(&spec, "bar=email", VG_LANG_EN, &err), 0);
	vg_table_opts o;
	vg_table_opts_init(&o);
	o.map = &spec;
	read_s("foo;bar;baz\n1;2;3\n", &o, &g);
	assert_true(g.info.header);
	assert_int_equal(g.n, 1);
	got_free(&g);
	vg_colmap_spec_release(&spec);
	/* forced either way */
	vg_table_opts_init(&o);
	o.header = 1;
	read_s("foo;bar\n1;2\n", &o, &g);
	assert_true(g.info.header);
	assert_string_equal(g.cols[1], "bar");
	assert_int_equal(g.n, 1);
	got_free(&g);
	o.header = 0;
	read_s("nom;prenom\nA;B\n", &o, &g);
	assert_false(g.info.header);
	assert_int_equal(g.n, 2);
	assert_fields(&g, 0, "nom", "prenom", NULL);
	got_free(&g);
}

/* ------------------------------------------------------------- CSV rows */

static void test_quotes(void **state)
{
	(void)state;
	got g;
	read_s("nom;prenom;adresse\n\"a;b\";\"c\"\"d\";\"\"\n\"x\";y;\"\"\"\"\n", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_fields(&g, 0, "a;b", "c\"d", "", NULL);
	assert_fields(&g, 1, "x", "y", "\"", NULL);
	assert_int_equal(g.r[0].flags, 0);
	/* raw is the row as read */
	assert_string_equal(g.r[0].raw, "\"a;b\";\"c\"\"d\";\"\"");
	got_free(&g);
	/* quoted last field at the end of the file, without newline */
	read_s("nom;prenom\nA;\"B\"", NULL, &g);
	assert_fields(&g, 0, "A", "B", NULL);
	got_free(&g);
	read_s("nom;prenom\nA;\"B\"\r\n", NULL, &g);
	assert_fields(&g, 0, "A", "B", NULL);
	assert_string_equal(g.r[0].raw, "A;\"B\"");
	got_free(&g);
	/* a delimiter right after the last quote: an empty last field */
	read_s("nom;prenom;email\n\"A\";\"B\";\n", NULL, &g);
	assert_fields(&g, 0, "A", "B", "", NULL);
	got_free(&g);
}

static void test_embedded_newlines(void **state)
{
	(void)state;
	got g;
	read_s("nom;adresse;ville\nA;\"12 rue X\nBat. B\";Paris\nB;\"1\r\n2\n3\";Lyon\nC;D;E\n",
	       NULL, &g);
	assert_int_equal(g.n, 3);
	assert_fields(&g, 0, "A", "12 rue X\nBat. B", "Paris", NULL);
	assert_int_equal(g.r[0].lineno, 2);
	assert_int_equal(g.r[0].nlines, 2);
	assert_true(g.r[0].flags & VG_TABLE_ROW_MULTILINE);
	assert_fields(&g, 1, "B", "1\r\n2\n3", "Lyon", NULL);
	assert_int_equal(g.r[1].lineno, 4);
	assert_int_equal(g.r[1].nlines, 3);
	assert_fields(&g, 2, "C", "D", "E", NULL);
	assert_int_equal(g.r[2].lineno, 7);
	assert_int_equal(g.st.lines, 7);
	got_free(&g);
}

static void test_stray_quotes(void **state)
{
	(void)state;
	got g;
	/* quotes inside an unquoted field are literal */
	read_s("nom;prenom;email\nO\"Brien;Jean \"Jo\";a\"\"b@x\n", NULL, &g);
	assert_fields(&g, 0, "O\"Brien", "Jean \"Jo\"", "a\"\"b@x", NULL);
	assert_int_equal(g.r[0].flags, 0);
	got_free(&g);
	/* text after a closing quote on the same line is kept, and flagged */
	read_s("nom;prenom;ville\n\"12\" bis;B;C\n", NULL, &g);
	assert_fields(&g, 0, "12 bis", "B", "C", NULL);
	assert_true(g.r[0].flags & VG_TABLE_ROW_QUOTE_FIXED);
	got_free(&g);
}

static void test_unclosed_quote(void **state)
{
	(void)state;
	got g;
	/* a quote opened and never closed: one bad line, the next lines are rows */
	read_s("nom;prenom;ville\nA;\"B;C\nD;E;F\nG;H;I\n", NULL, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.r[0].err, "unclosed_quote");
	assert_int_equal(g.r[0].lineno, 2);
	assert_string_equal(g.r[0].raw, "A;\"B;C");
	assert_fields(&g, 1, "D", "E", "F", NULL);
	assert_int_equal(g.r[1].lineno, 3);
	assert_fields(&g, 2, "G", "H", "I", NULL);
	assert_int_equal(g.r[2].lineno, 4);
	assert_int_equal(g.st.bad_rows, 1);
	assert_int_equal(g.st.rows, 3);
	got_free(&g);
	/* closed by the opening quote of a later quoted row: still one bad line */
	read_s("nom;prenom;ville\nA;\"B;C\nD;E;F\n\"G\";\"H\";\"I\"\n", NULL, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.r[0].err, "unclosed_quote");
	assert_fields(&g, 1, "D", "E", "F", NULL);
	assert_fields(&g, 2, "G", "H", "I", NULL);
	got_free(&g);
	/* closed "well" on a later line but the row has the wrong width */
	read_s("nom;prenom;ville\nA;\"B;C\nD\";E;F\nG;H;I\n", NULL, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.r[0].err, "unclosed_quote");
	assert_int_equal(g.r[1].lineno, 3);
	assert_fields(&g, 1, "D\"", "E", "F", NULL);
	got_free(&g);
	/* at the end of the file */
	read_s("nom;prenom;ville\nA;B;C\nD;\"E;F", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_fields(&g, 0, "A", "B", "C", NULL);
	assert_string_equal(g.r[1].err, "unclosed_quote");
	assert_string_equal(g.r[1].raw, "D;\"E;F");
	assert_int_equal(g.end_rc, 0);
	got_free(&g);
	read_s("nom;prenom;ville\nD;\"E;F\nx\n", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.r[0].err, "unclosed_quote");
	assert_fields(&g, 1, "x", NULL); /* a short row: the caller's business */
	got_free(&g);
	/* text after a closing quote that follows a line break */
	read_s("nom;prenom;ville\nA;\"B\nC\"x;D\nE;F;G\n", NULL, &g);
	assert_string_equal(g.r[0].err, "unclosed_quote");
	assert_int_equal(g.r[1].lineno, 3);
	assert_int_equal(g.r[2].lineno, 4);
	assert_fields(&g, 2, "E", "F", "G", NULL);
	got_free(&g);
}

static void test_row_limits(void **state)
{
	(void)state;
	vg_table_opts o;
	vg_table_opts_init(&o);
	o.max_row = 16;
	got g;
	/* exactly the limit, one over, far over */
	read_s("nom;prenom\n0123456789abc;ef\n0123456789abcd;ef\nA;B\n"
	       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx;y\nC;D\n",
	       &o, &g);
	assert_int_equal(g.n, 5);
	assert_fields(&g, 0, "0123456789abc", "ef", NULL);
	assert_string_equal(g.r[1].err, "row_too_long");
	assert_int_equal(g.r[1].lineno, 3);
	assert_true(g.r[1].flags & VG_TABLE_ROW_RAW_CUT);
	assert_int_equal(g.r[1].raw_len, 16);
	assert_fields(&g, 2, "A", "B", NULL);
	assert_int_equal(g.r[2].lineno, 4);
	assert_string_equal(g.r[3].err, "row_too_long");
	assert_int_equal(g.r[3].raw_len, 16);
	assert_memory_equal(g.r[3].raw, "xxxxxxxxxxxxxxxx", 16);
	assert_fields(&g, 4, "C", "D", NULL);
	assert_int_equal(g.r[4].lineno, 6);
	got_free(&g);
	/* CRLF does not count in the limit */
	read_s("nom;prenom\r\n0123456789abc;ef\r\n", &o, &g);
	assert_fields(&g, 0, "0123456789abc", "ef", NULL);
	got_free(&g);
	/* a quoted field that runs past the limit: bad, resume on the next line */
	read_s("nom;prenom\nA;\"x\ny\nz\nw\nv\nu\nt\ns\n\"\nB;C\n", &o, &g);
	assert_string_equal(g.r[0].err, "row_too_long");
	assert_int_equal(g.r[0].lineno, 2);
	assert_int_equal(g.r[1].lineno, 3);
	assert_fields(&g, g.n - 1, "B", "C", NULL);
	assert_int_equal(g.r[g.n - 1].lineno, 11);
	got_free(&g);
	/* the last line, over the limit, without newline */
	read_s("nom;prenom\nA;B\n0123456789abcdefghij", &o, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.r[1].err, "row_too_long");
	assert_int_equal(g.r[1].raw_len, 16);
	assert_int_equal(g.st.lines, 3);
	got_free(&g);
	/* too many fields */
	vg_table_opts_init(&o);
	o.max_fields = 4;
	read_s("nom;prenom\na;b;c;d\na;b;c;d;e\n\"a\";b;c;d;e\nx;y\n", &o, &g);
	assert_int_equal(g.n, 4);
	assert_fields(&g, 0, "a", "b", "c", "d", NULL);
	assert_string_equal(g.r[1].err, "too_many_fields");
	assert_string_equal(g.r[1].raw, "a;b;c;d;e");
	assert_string_equal(g.r[2].err, "too_many_fields");
	assert_fields(&g, 3, "x", "y", NULL);
	assert_int_equal(g.r[3].lineno, 5);
	got_free(&g);
	/* the default limits hold a 256-field row, not a 257-field one */
	char *wide = malloc(4096);
	size_t k = 0;
	k = appendf(wide, 4096, k, "nom;prenom\n");
	for (int i = 0; i < 256; i++)
		k = appendf(wide, 4096, k, "%s%d", i ? ";" : "", i);
	wide[k++] = '\n';
	for (int i = 0; i < 257; i++)
		k = appendf(wide, 4096, k, "%s%d", i ? ";" : "", i);
	wide[k++] = '\n';
	read_n(wide, k, NULL, &g);
	assert_int_equal(g.n, 2);
	assert_null(g.r[0].err);
	assert_int_equal(g.r[0].nf, 256);
	assert_string_equal(g.r[1].err, "too_many_fields");
	got_free(&g);
	free(wide);
}

static void test_big_row(void **state)
{
	(void)state;
	/* a 1 MiB row passes, one byte more does not, with the default limits */
	size_t big = VG_TABLE_MAX_ROW;
	char *data = malloc(2 * big + 100);
	size_t k = 0;
	memcpy(data, "nom;prenom\n", 11);
	k = 11;
	memset(data + k, 'a', big - 2);
	k += big - 2;
	memcpy(data + k, ";b\n", 3);
	k += 3;
	memset(data + k, 'c', big + 1);
	k += big + 1;
	memcpy(data + k, "\nd;e\n", 5);
	k += 5;
	got g;
	read_with(data, k, NULL, 0, &g);
	assert_int_equal(g.n, 3);
	assert_null(g.r[0].err);
	assert_int_equal(g.r[0].flen[0], big - 2);
	assert_string_equal(g.r[1].err, "row_too_long");
	assert_int_equal(g.r[1].raw_len, big);
	assert_fields(&g, 2, "d", "e", NULL);
	assert_int_equal(g.r[2].lineno, 4);
	got_free(&g);
	free(data);
}

static void test_crlf_blank_lines(void **state)
{
	(void)state;
	got g;
	read_s("\r\n\nnom;prenom\r\nA;B\r\n\r\n\nC;D\r\n\n", NULL, &g);
	assert_true(g.info.header);
	assert_int_equal(g.n, 2);
	assert_fields(&g, 0, "A", "B", NULL);
	assert_int_equal(g.r[0].lineno, 4);
	assert_string_equal(g.r[0].raw, "A;B");
	assert_fields(&g, 1, "C", "D", NULL);
	assert_int_equal(g.r[1].lineno, 7);
	assert_int_equal(g.st.blank_lines, 5);
	assert_int_equal(g.st.lines, 8);
	got_free(&g);
	/* a CR inside a field is data; only the one before LF goes */
	read_s("nom;prenom\nA\rB;C\r\n", NULL, &g);
	assert_fields(&g, 0, "A\rB", "C", NULL);
	got_free(&g);
}

static void test_bom(void **state)
{
	(void)state;
	got g;
	read_s("\xEF\xBB\xBFnom;prenom\nA;B\nC;D\n", NULL, &g);
	assert_true(g.info.bom);
	assert_true(g.info.header);
	assert_string_equal(g.cols[0], "nom");
	assert_true(g.r[0].flags & VG_TABLE_ROW_BOM);
	assert_false(g.r[1].flags & VG_TABLE_ROW_BOM);
	got_free(&g);
	read_s("nom;prenom\nA;B\n", NULL, &g);
	assert_false(g.info.bom);
	assert_false(g.r[0].flags & VG_TABLE_ROW_BOM);
	got_free(&g);
	/* UTF-16 is refused with a clear message */
	read_s("\xFF\xFEn\0o\0m\0", NULL, &g);
	assert_int_equal(g.open_rc, VG_EINVAL);
	assert_non_null(strstr(g.msg, "UTF-16"));
	got_free(&g);
}

static void test_encodings(void **state)
{
	(void)state;
	got g;
	read_s(
	    "nom;prenom;ville\nCAF\xC9;Jos\xE9;\x80 \x9C\nH\xC3\xA9l\xC3\xA8ne;\xC3\x89lise;Paris\n"
	    "\xE0 la;\x81;x\n",
	    NULL, &g);
	assert_int_equal(g.n, 3);
	assert_fields(&g, 0, "CAF\xC3\x89", "Jos\xC3\xA9", "\xE2\x82\xAC \xC5\x93", NULL);
	assert_true(g.r[0].flags & VG_TABLE_ROW_TRANSCODED);
	assert_string_equal(g.r[0].raw, "CAF\xC9;Jos\xE9;\x80 \x9C"); /* raw stays as read */
	assert_fields(&g, 1, "H\xC3\xA9l\xC3\xA8ne", "\xC3\x89lise", "Paris", NULL);
	assert_false(g.r[1].flags & VG_TABLE_ROW_TRANSCODED);
	assert_fields(&g, 2, "\xC3\xA0 la", "\xC2\x81", "x", NULL);
	assert_int_equal(g.st.transcoded, 2);
	got_free(&g);
	/* quoted and escaped fields are transcoded too; one bad byte makes the whole row cp1252 */
	read_s("nom;prenom\n\"A\"\"\xC9\";\"\xC3\xA9\"\n", NULL, &g);
	assert_fields(&g, 0, "A\"\xC3\x89", "\xC3\x83\xC2\xA9", NULL);
	got_free(&g);
	/* the header itself may be cp1252 */
	read_s("nom;pr\xE9nom\nA;B\n", NULL, &g);
	assert_true(g.info.header);
	assert_string_equal(g.cols[1], "pr\xC3\xA9nom");
	got_free(&g);
}

static void test_empty_and_header_only(void **state)
{
	(void)state;
	got g;
	read_n("", 0, NULL, &g);
	assert_int_equal(g.open_rc, 0);
	assert_int_equal(g.end_rc, 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.info.format, VG_TABLE_CSV);
	assert_true(g.info.size_known);
	assert_int_equal(g.info.file_size, 0);
	got_free(&g);
	read_s("\n\r\n\n", NULL, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.st.blank_lines, 3);
	got_free(&g);
	read_s("nom;prenom;email\n", NULL, &g);
	assert_true(g.info.header);
	assert_int_equal(g.ncols, 3);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.st.rows, 0);
	got_free(&g);
	read_s("nom;prenom;email", NULL, &g); /* without newline */
	assert_true(g.info.header);
	assert_int_equal(g.n, 0);
	got_free(&g);
	/* a file without header: every line is a row */
	read_s("MARTIN;Jean;0612345678\nDURAND;Anne;0698765432\n", NULL, &g);
	assert_false(g.info.header);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[1].lineno, 2);
	got_free(&g);
}

/* ---------------------------------------------------------- compression */

static size_t gzip_mem(const char *in, size_t n, unsigned char *out, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t k = cap - z.avail_out;
	deflateEnd(&z);
	return k;
}

static const char sample[] = "nom;prenom;ville\nCAF\xC9;Jos\xE9;Paris\nA;\"B\nC\";D\nE;F;G\n";

static void check_sample(const got *g)
{
	assert_int_equal(g->open_rc, 0);
	assert_int_equal(g->n, 3);
	assert_fields(g, 0, "CAF\xC3\x89", "Jos\xC3\xA9", "Paris", NULL);
	assert_fields(g, 1, "A", "B\nC", "D", NULL);
	assert_fields(g, 2, "E", "F", "G", NULL);
	assert_int_equal(g->r[2].lineno, 5);
}

/* The gzip cases, through ISA-L (when built in) or zlib. */
static void gzip_cases(bool zlib)
{
	vg_table_opts o;
	vg_table_opts_init(&o);
	o.gzip_zlib = zlib;
	unsigned char z[4096];
	size_t n = gzip_mem(sample, sizeof(sample) - 1, z, sizeof(z));
	got g;
	read_n(z, n, &o, &g);
	check_sample(&g);
	assert_int_equal(g.info.compression, VG_TABLE_GZIP);
	assert_int_equal(g.end_rc, 0);
	assert_int_equal(g.st.bytes_in, n);
	assert_int_equal(g.st.bytes_out, sizeof(sample) - 1);
	assert_int_equal(g.info.file_size, n);
	got_free(&g);

	/* two members, as `cat a.gz b.gz` makes */
	unsigned char two[8192];
	size_t h = 17; /* "nom;prenom;ville\n" */
	size_t n1 = gzip_mem(sample, h + 10, two, sizeof(two));
	size_t n2 =
	    gzip_mem(sample + h + 10, sizeof(sample) - 1 - h - 10, two + n1, sizeof(two) - n1);
	read_n(two, n1 + n2, &o, &g);
	check_sample(&g);
	got_free(&g);

	/* truncated: the rows before the cut, then an error */
	read_n(z, n - 10, &o, &g);
	assert_int_equal(g.open_rc, 0);
	assert_int_equal(g.end_rc, VG_ECORRUPT);
	assert_non_null(strstr(g.msg, "gzip"));
	got_free(&g);

	/* damaged: a flipped byte in the deflate data */
	unsigned char bad[4096];
	memcpy(bad, z, n);
	bad[12] ^= 0xFF;
	bad[13] ^= 0x55;
	read_n(bad, n, &o, &g);
	assert_true(g.open_rc == VG_ECORRUPT || g.end_rc == VG_ECORRUPT);
	got_free(&g);

	/* trailing garbage after the member */
	memcpy(bad, z, n);
	memcpy(bad + n, "garbage", 7);
	read_n(bad, n + 7, &o, &g);
	check_sample(&g);
	assert_int_equal(g.end_rc, VG_ECORRUPT);
	got_free(&g);

	/* a wrong CRC in the trailer */
	memcpy(bad, z, n);
	bad[n - 8] ^= 0x01;
	read_n(bad, n, &o, &g);
	check_sample(&g);
	assert_int_equal(g.end_rc, VG_ECORRUPT);
	got_free(&g);

	/* several buffers of text */
	size_t rows = 40000, cap = rows * 40 + 100, k = 0;
	char *text = malloc(cap);
	k = appendf(text, cap, 0, "nom;prenom;telephone\n");
	for (size_t i = 0; i < rows; i++)
		k = appendf(text, cap, k, "NOM%zu;Pr\xC3\xA9nom;06%08zu\n", i, i);
	unsigned char *zb = malloc(k + 1000);
	size_t zn = gzip_mem(text, k, zb, k + 1000);
	char path[64];
	write_tmp(path, zb, zn);
	vg_table *t;
	vg_err err;
	assert_int_equal(vg_table_open(&t, path, &o, &err), 0);
	vg_table_row row;
	size_t nseen = 0;
	int rc;
	while ((rc = vg_table_next(t, &row, &err)) == 1) {
		assert_int_equal(row.nfields, 3);
		assert_int_equal(row.lineno, nseen + 2);
		nseen++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(nseen, rows);
	assert_int_equal(vg_table_stats_get(t)->bytes_out, k);
	assert_int_equal(vg_table_bytes_in(t), zn);
	vg_table_close(t);
	unlink(path);
	free(zb);
	free(text);

	/* only the magic */
	read_n("\x1F\x8B", 2, &o, &g);
	assert_int_equal(g.open_rc, VG_ECORRUPT);
	got_free(&g);
}

static void test_gzip(void **state)
{
	(void)state;
	gzip_cases(false);
}

static void test_gzip_zlib(void **state)
{
	(void)state;
	gzip_cases(true);
}

static void test_zstd(void **state)
{
	(void)state;
	unsigned char z[4096];
	size_t n = ZSTD_compress(z, sizeof(z), sample, sizeof(sample) - 1, 3);
	assert_false(ZSTD_isError(n));
	got g;
	read_n(z, n, NULL, &g);
	check_sample(&g);
	assert_int_equal(g.info.compression, VG_TABLE_ZSTD);
	assert_int_equal(g.end_rc, 0);
	assert_int_equal(g.st.bytes_in, n);
	got_free(&g);

	/* two frames */
	unsigned char two[8192];
	size_t n1 = ZSTD_compress(two, sizeof(two), sample, 30, 1);
	size_t n2 = ZSTD_compress(two + n1, sizeof(two) - n1, sample + 30, sizeof(sample) - 31, 19);
	assert_false(ZSTD_isError(n1) || ZSTD_isError(n2));
	read_n(two, n1 + n2, NULL, &g);
	check_sample(&g);
	assert_int_equal(g.end_rc, 0);
	got_free(&g);

	/* truncated */
	read_n(z, n - 5, NULL, &g);
	assert_int_equal(g.end_rc, VG_ECORRUPT);
	assert_non_null(strstr(g.msg, "zstd"));
	got_free(&g);
	read_n(z, 4, NULL, &g);
	assert_int_equal(g.open_rc, VG_ECORRUPT);
	got_free(&g);

	/* a big compressed file, several buffers long */
	size_t rows = 50000, cap = rows * 40 + 100, k = 0;
	char *text = malloc(cap);
	k = appendf(text, cap, 0, "nom;prenom;telephone\n");
	for (size_t i = 0; i < rows; i++)
		k = appendf(text, cap, k, "NOM%zu;Pr\xC3\xA9nom;06%08zu\n", i, i);
	size_t zcap = ZSTD_compressBound(k);
	unsigned char *zb = malloc(zcap);
	size_t zn = ZSTD_compress(zb, zcap, text, k, 1);
	assert_false(ZSTD_isError(zn));
	char path[64];
	write_tmp(path, zb, zn);
	vg_table *t;
	vg_err err;
	assert_int_equal(vg_table_open(&t, path, NULL, &err), 0);
	vg_table_row row;
	size_t nseen = 0;
	int rc;
	while ((rc = vg_table_next(t, &row, &err)) == 1) {
		char want[32];
		snprintf(want, sizeof(want), "NOM%zu", nseen);
		assert_int_equal(row.nfields, 3);
		assert_int_equal(row.fields[0].len, strlen(want));
		assert_memory_equal(row.fields[0].s, want, row.fields[0].len);
		assert_int_equal(row.lineno, nseen + 2);
		nseen++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(nseen, rows);
	assert_int_equal(vg_table_bytes_in(t), zn);
	assert_int_equal(vg_table_stats_get(t)->bytes_out, k);
	vg_table_close(t);
	unlink(path);
	free(zb);
	free(text);
}

static void test_unsupported(void **state)
{
	(void)state;
	got g;
	read_n("PK\x03\x04rest", 8, NULL, &g);
	assert_int_equal(g.open_rc, VG_EINVAL);
	assert_non_null(strstr(g.msg, "zip"));
	got_free(&g);
	read_n("BZh91AY", 7, NULL, &g);
	assert_int_equal(g.open_rc, VG_EINVAL);
	got_free(&g);
	read_n("\xFD"
	       "7zXZ\0\0",
	       7, NULL, &g);
	assert_int_equal(g.open_rc, VG_EINVAL);
	got_free(&g);
	read_s("  [{\"a\":1}]\n", NULL, &g);
	assert_int_equal(g.open_rc, VG_EINVAL);
	assert_non_null(strstr(g.msg, "jq"));
	got_free(&g);

	vg_table *t = (vg_table *)1;
	vg_err err;
	assert_int_equal(vg_table_open(&t, "/nonexistent/vigie/x.csv", NULL, &err), VG_ENOTFOUND);
	assert_null(t);
	assert_non_null(strstr(err.msg, "/nonexistent/vigie/x.csv"));
	assert_int_equal(vg_table_open(&t, "/tmp", NULL, &err), VG_EIO);
	vg_table_opts o;
	vg_table_opts_init(&o);
	o.delimiter = 'x';
	assert_int_equal(vg_table_open(&t, "/dev/null", &o, &err), VG_EUSAGE);
	vg_table_opts_init(&o);
	o.max_row = VG_TABLE_MAX_ROW + 1;
	assert_int_equal(vg_table_open(&t, "/dev/null", &o, &err), VG_EUSAGE);
}

static void test_stdin(void **state)
{
	(void)state;
	char path[64];
	const char data[] = "nom;prenom\nA;B\nC;D\n";
	write_tmp(path, data, sizeof(data) - 1);
	int saved = dup(0);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	vg_table *t;
	vg_err err;
	assert_int_equal(vg_table_open(&t, "-", NULL, &err), 0);
	got g;
	memset(&g, 0, sizeof(g));
	drain(t, &g);
	vg_table_close(t);
	/* stdin is not closed by the reader */
	assert_true(fcntl(0, F_GETFD) >= 0);
	dup2(saved, 0);
	close(saved);
	assert_int_equal(g.n, 2);
	assert_fields(&g, 1, "C", "D", NULL);
	got_free(&g);

	/* a pipe: no size */
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(write(pfd[1], data, sizeof(data) - 1), (ssize_t)sizeof(data) - 1);
	close(pfd[1]);
	assert_int_equal(vg_table_open_fd(&t, pfd[0], "pipe", NULL, &err), 0);
	memset(&g, 0, sizeof(g));
	drain(t, &g);
	assert_false(g.info.size_known);
	assert_int_equal(g.n, 2);
	vg_table_close(t);
	assert_true(fcntl(pfd[0], F_GETFD) >= 0); /* not owned */
	close(pfd[0]);
	got_free(&g);
	unlink(path);
}

/* ---------------------------------------------------------------- JSONL */

static const char *col_value(const got *g, size_t row, const char *col)
{
	for (size_t c = 0; c < g->ncols; c++)
		if (!strcmp(g->cols[c], col))
			return c < g->r[row].nf ? g->r[row].f[c] : "<absent>";
	return "<no column>";
}

static void test_jsonl(void **state)
{
	(void)state;
	got g;
	read_s("{\"nom\":\"MARTIN\",\"prenom\":\"Jean\",\"age\":42}\n"
	       "\n"
	       "  {\"prenom\" : \"Anne\", \"nom\": null, \"ville\": \"Paris\", \"n\": -1.5e3}\r\n"
	       "{\"nom\":\"A\\\"B\\\\C\\/\\n\\u00e9\\ud83d\\ude00\",\"ok\":true,\"ko\":false}\n"
	       "{\"nom\":{\"a\": [1, 2 , {\"b\" : \"x y\"}], \"c\":null},\"l\":[ ]}\n"
	       "{}\n",
	       NULL, &g);
	assert_int_equal(g.open_rc, 0);
	assert_int_equal(g.info.format, VG_TABLE_JSONL);
	assert_int_equal(g.end_rc, 0);
	assert_int_equal(g.n, 5);
	assert_int_equal(g.st.blank_lines, 1);
	/* columns: the first object's keys, then later ones in order of appearance */
	assert_int_equal(g.ncols, 8);
	assert_string_equal(g.cols[0], "nom");
	assert_string_equal(g.cols[1], "prenom");
	assert_string_equal(g.cols[2], "age");
	assert_string_equal(g.cols[3], "ville");
	assert_string_equal(g.cols[4], "n");
	assert_int_equal(g.r[0].nf, 3);
	assert_true(g.r[0].flags & VG_TABLE_ROW_NEW_COLUMNS);
	assert_string_equal(col_value(&g, 0, "age"), "42");
	assert_int_equal(g.r[1].lineno, 3);
	assert_true(g.r[1].flags & VG_TABLE_ROW_NEW_COLUMNS);
	assert_string_equal(col_value(&g, 1, "nom"), "");
	assert_string_equal(col_value(&g, 1, "prenom"), "Anne");
	assert_string_equal(col_value(&g, 1, "age"), ""); /* absent */
	assert_string_equal(col_value(&g, 1, "n"), "-1.5e3");
	assert_string_equal(col_value(&g, 2, "nom"), "A\"B\\C/\n\xC3\xA9\xF0\x9F\x98\x80");
	assert_string_equal(col_value(&g, 2, "ok"), "true");
	assert_string_equal(col_value(&g, 2, "ko"), "false");
	assert_string_equal(col_value(&g, 2, "prenom"), "");
	assert_string_equal(col_value(&g, 3, "nom"), "{\"a\":[1,2,{\"b\":\"x y\"}],\"c\":null}");
	assert_string_equal(col_value(&g, 3, "l"), "[]");
	assert_int_equal(g.r[4].nf, 8);
	for (size_t c = 0; c < 8; c++)
		assert_string_equal(g.r[4].f[c], "");
	got_free(&g);
}

static void test_jsonl_bad_lines(void **state)
{
	(void)state;
	got g;
	read_s("{\"nom\":\"A\"}\n"
	       "{\"nom\":\"B\"\n"        /* unterminated */
	       "{\"nom\":\"ab\"cd\"}\n"  /* stray quote */
	       "[1,2]\n"                 /* not an object */
	       "\"str\"\n"               /* not an object */
	       "{\"nom\":\"C\"} x\n"     /* trailing text */
	       "{\"nom\":\"\\x\"}\n"     /* bad escape */
	       "{\"nom\":\"\\ud800\"}\n" /* lone surrogate */
	       "{\"nom\":\"\\u0000\"}\n" /* NUL, as jansson */
	       "{\"nom\":01}\n"          /* leading zero */
	       "{\"nom\":tru}\n"         /* bad literal */
	       "{\"new\":\"x\",}\n"      /* trailing comma; adds no column */
	       "{\"nom\":\"a\tb\"}\n"    /* raw control character */
	       "{\"nom\":\"D\"}\n",
	       NULL, &g);
	assert_int_equal(g.n, 14);
	assert_null(g.r[0].err);
	const char *want[] = {"json_syntax", "json_syntax", "json_not_object", "json_not_object",
	                      "json_syntax", "json_syntax", "json_syntax",     "json_syntax",
	                      "json_syntax", "json_syntax", "json_syntax",     "json_syntax"};
	for (size_t i = 0; i < 12; i++) {
		assert_non_null(g.r[i + 1].err);
		assert_string_equal(g.r[i + 1].err, want[i]);
		assert_int_equal(g.r[i + 1].lineno, i + 2);
	}
	assert_string_equal(g.r[2].raw, "{\"nom\":\"ab\"cd\"}");
	assert_null(g.r[13].err);
	assert_int_equal(g.ncols, 1); /* the bad row's "new" key is not a column */
	assert_int_equal(g.st.bad_rows, 12);
	got_free(&g);

	/* nesting: 64 levels pass, 65 do not */
	char deep[400];
	size_t k = 0;
	k = appendf(deep, sizeof(deep), 0, "{\"a\":");
	for (int i = 0; i < 64; i++)
		deep[k++] = '[';
	for (int i = 0; i < 64; i++)
		deep[k++] = ']';
	k = appendf(deep, sizeof(deep), k, "}\n{\"a\":");
	for (int i = 0; i < 65; i++)
		deep[k++] = '[';
	for (int i = 0; i < 65; i++)
		deep[k++] = ']';
	k = appendf(deep, sizeof(deep), k, "}\n");
	read_n(deep, k, NULL, &g);
	assert_int_equal(g.n, 2);
	assert_null(g.r[0].err);
	assert_string_equal(g.r[1].err, "json_too_deep");
	got_free(&g);
}

static void test_jsonl_encoding_limits(void **state)
{
	(void)state;
	got g;
	/* a cp1252 line is transcoded before parsing */
	read_s("{\"nom\":\"CAF\xC9\",\"pr\xE9nom\":\"Jos\xE9\"}\n", NULL, &g);
	assert_int_equal(g.n, 1);
	assert_true(g.r[0].flags & VG_TABLE_ROW_TRANSCODED);
	assert_string_equal(g.cols[1], "pr\xC3\xA9nom");
	assert_string_equal(g.r[0].f[0], "CAF\xC3\x89");
	assert_string_equal(g.r[0].f[1], "Jos\xC3\xA9");
	got_free(&g);
	/* columns over the limit: dropped and flagged, not fatal */
	vg_table_opts o;
	vg_table_opts_init(&o);
	o.max_fields = 2;
	read_s("{\"a\":\"1\",\"b\":\"2\"}\n{\"c\":\"3\",\"a\":\"4\"}\n", &o, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ncols, 2);
	assert_int_equal(g.r[1].nf, 2);
	assert_string_equal(g.r[1].f[0], "4");
	assert_true(g.r[1].flags & VG_TABLE_ROW_KEYS_DROPPED);
	got_free(&g);
	/* a key longer than VG_TABLE_MAX_NAME does not become a column */
	char *longkey = malloc(VG_TABLE_MAX_NAME + 64);
	size_t kcap = VG_TABLE_MAX_NAME + 64;
	size_t kl = appendf(longkey, kcap, 0, "{\"a\":\"1\",\"");
	memset(longkey + kl, 'k', VG_TABLE_MAX_NAME + 1);
	kl += VG_TABLE_MAX_NAME + 1;
	kl = appendf(longkey, kcap, kl, "\":\"2\"}\n");
	read_n(longkey, kl, NULL, &g);
	assert_int_equal(g.n, 1);
	assert_null(g.r[0].err);
	assert_int_equal(g.ncols, 1);
	assert_true(g.r[0].flags & VG_TABLE_ROW_KEYS_DROPPED);
	got_free(&g);
	free(longkey);
	/* duplicate keys: the last one wins, as in jansson */
	read_s("{\"a\":\"1\",\"a\":\"2\"}\n", NULL, &g);
	assert_int_equal(g.ncols, 1);
	assert_string_equal(g.r[0].f[0], "2");
	got_free(&g);
	/* the row limit applies to JSONL too */
	vg_table_opts_init(&o);
	o.max_row = 20;
	read_s("{\"a\":\"1\"}\n{\"a\":\"0123456789012345678901234\"}\n{\"a\":\"3\"}\n", &o, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.r[1].err, "row_too_long");
	assert_string_equal(g.r[2].f[0], "3");
	assert_int_equal(g.r[2].lineno, 3);
	got_free(&g);
}

/* The hand parser agrees with jansson on values, and refuses what jansson refuses. */
static void test_jsonl_vs_jansson(void **state)
{
	(void)state;
	const char *lines[] = {
	    "{\"b\":\"\\u00e9\\u20ac\\ud834\\udd1e\",\"c\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
	    "{\"a\":12,\"b\":-0,\"c\":3.25,\"d\":1e5,\"e\":-2E-3}",
	    "{\"a\":true,\"b\":false,\"c\":null}",
	    "{\"a\":{\"x\":[1,\"y\",{\"z\":null}]},\"b\":[[],{}]}",
	    "{ \"a\" : \"sp aces\" , \"b\" :\t\"t\" }",
	    "{\"a\":\"x\"}garbage",
	    "{\"a\":}",
	    "{\"a\" \"x\"}",
	    "{a:\"x\"}",
	    "{\"a\":\"x\",}",
	    "{\"a\":[1,]}",
	    "{\"a\":.5}",
	    "{\"a\":1.}",
	    "{\"a\":-}",
	    "{\"a\":\"\\u12\"}",
	    "{\"a\":\"\\udc00\"}",
	    "{\"a\":\"\\ud800\\u0041\"}",
	    "{\"a\":nul}",
	    "{\"a\":\"x\"",
	    "{\"\\u00e9\":\"key escape\"}",
	    "{\"a\":\"\xC3\xA9 raw utf8\"}",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *line = lines[i];
		json_error_t je;
		json_t *j = json_loads(line, 0, &je);
		char buf[512];
		snprintf(buf, sizeof(buf), "%s\n", line);
		got g;
		read_s(buf, NULL, &g);
		if (g.open_rc != 0 || g.n != 1) {
			fail_msg("line %zu: not read", i);
		}
		if (!j || !json_is_object(j)) {
			assert_non_null(g.r[0].err);
		} else {
			assert_null(g.r[0].err);
			const char *key;
			json_t *v;
			json_object_foreach(j, key, v)
			{
				const char *mine = col_value(&g, 0, key);
				if (json_is_string(v)) {
					assert_int_equal(strlen(mine), json_string_length(v));
					assert_memory_equal(mine, json_string_value(v),
					                    strlen(mine));
				} else if (json_is_null(v)) {
					assert_string_equal(mine, "");
				} else if (json_is_number(v)) {
					assert_true(json_number_value(v) == strtod(mine, NULL));
				} else if (json_is_boolean(v)) {
					assert_string_equal(mine,
					                    json_is_true(v) ? "true" : "false");
				} else {
					json_t *back = json_loads(mine, 0, &je);
					assert_non_null(back);
					assert_true(json_equal(back, v));
					json_decref(back);
				}
			}
		}
		json_decref(j);
		got_free(&g);
	}
}

/* ------------------------------------------------------------- progress */

static void test_progress_counts(void **state)
{
	(void)state;
	/* bytes_in follows the file, bytes_out the text; both end at the total */
	size_t rows = 30000, cap = rows * 32 + 64, k = 0;
	char *text = malloc(cap);
	k = appendf(text, cap, 0, "nom;email\n");
	for (size_t i = 0; i < rows; i++)
		k = appendf(text, cap, k, "N%zu;n%zu@x.fr\n", i, i);
	char path[64];
	write_tmp(path, text, k);
	vg_table_opts o;
	vg_table_opts_init(&o);
	o.read_size = 4096;
	vg_table *t;
	vg_err err;
	assert_int_equal(vg_table_open(&t, path, &o, &err), 0);
	assert_true(vg_table_info_get(t)->size_known);
	assert_int_equal(vg_table_info_get(t)->file_size, k);
	vg_table_row row;
	uint64_t last = 0;
	size_t n = 0;
	while (vg_table_next(t, &row, &err) == 1) {
		uint64_t in = vg_table_bytes_in(t);
		assert_true(in >= last);
		assert_true(in <= k);
		last = in;
		n++;
	}
	assert_int_equal(n, rows);
	assert_int_equal(vg_table_bytes_in(t), k);
	const vg_table_stats *st = vg_table_stats_get(t);
	assert_int_equal(st->rows, rows);
	assert_int_equal(st->lines, rows + 1);
	assert_int_equal(st->bytes_out, k);
	/* the end is sticky */
	assert_int_equal(vg_table_next(t, &row, &err), 0);
	vg_table_close(t);
	unlink(path);
	free(text);
}

/* One row as the tests compare it. */
typedef struct rrow {
	uint64_t lineno;
	uint32_t nlines, flags;
	size_t nfields, raw_len;
	const char *raw;
	uint64_t fsum; /* of the fields' bytes and lengths */
	bool bad;
} rrow;

static rrow rrow_of(const vg_table_row *r)
{
	rrow x = {r->lineno,
	          r->nlines,
	          r->flags,
	          r->nfields,
	          r->raw_len,
	          r->raw,
	          1469598103934665603ull,
	          r->error != NULL};
	for (size_t i = 0; i < r->nfields; i++) {
		for (size_t k = 0; k < r->fields[i].len; k++)
			x.fsum = (x.fsum ^ (unsigned char)r->fields[i].s[k]) * 1099511628211ull;
		x.fsum = (x.fsum ^ r->fields[i].len) * 1099511628211ull;
	}
	return x;
}

/* Ranges of a mapped CSV file: rows from clones over ranges cut at row
 * starts are the rows of the whole file (line numbers counted from the
 * range), and vg_table_row_end() finds where each row ends, whatever the
 * row holds: quoted line breaks, CRLF, Windows-1252, unclosed quotes,
 * blank lines, no final newline. */
static void test_ranges(void **state)
{
	(void)state;
	size_t cap = 1 << 16, n = 0;
	char *text = malloc(cap);
	n = appendf(text, cap, n, "nom;prenom;email\n");
	for (unsigned i = 0; i < 120; i++) {
		switch (i % 10) {
		case 0:
			n = appendf(text, cap, n, "\"A\nB%u\";x;a%u@b.fr\n", i, i);
			break;
		case 1:
			n = appendf(text, cap, n, "C\xC9;\xE9;c%u@b.fr\r\n", i);
			break;
		case 2:
			n = appendf(text, cap, n, "\"OUVERT;y;z%u\n", i);
			break;
		case 3:
			n = appendf(text, cap, n, "\n\r\n");
			break;
		case 4:
			n = appendf(text, cap, n, "\"Q\"\"R\";\"S\r\nT\";\"u%u\"\r\n", i);
			break;
		case 5:
			n = appendf(text, cap, n, "D\"E;F;g%u@b.fr\n", i);
			break;
		case 6:
			n = appendf(text, cap, n, "\"A\nB\"C;x;y%u\n", i);
			break;
		default:
			n = appendf(text, cap, n, "NOM%u;Élodie;p%u@b.fr\n", i, i);
			break;
		}
	}
	n = appendf(text, cap, n, "FIN;sans;retour@b.fr");
	char path[64];
	write_tmp(path, text, n);
	vg_table_opts o;
	vg_table_opts_init(&o);
	o.mmap = true;
	vg_table *t = NULL;
	vg_err err;
	assert_int_equal(vg_table_open(&t, path, &o, &err), 0);
	/* the first row: the table's own */
	vg_table_row row;
	assert_int_equal(vg_table_next(t, &row, &err), 1);
	size_t len, pos;
	const char *d = vg_table_data(t, &len, &pos);
	assert_non_null(d);
	assert_int_equal(len, n);
	rrow *seq = calloc(400, sizeof(*seq));
	size_t *end = calloc(401, sizeof(*end));       /* end[i]: position after row i */
	uint64_t *lines = calloc(401, sizeof(*lines)); /* lines consumed after row i */
	size_t nr = 0;
	size_t start0 = pos;
	uint64_t lines0 = vg_table_stats_get(t)->lines;
	vg_table *c = NULL;
	assert_int_equal(vg_table_clone(&c, t), 0);
	for (;;) {
		int rc = vg_table_next(t, &row, &err);
		assert_true(rc >= 0);
		if (rc == 0)
			break;
		seq[nr] = rrow_of(&row);
		end[nr] = vg_table_pos(t);
		lines[nr] = vg_table_stats_get(t)->lines;
		nr++;
	}
	assert_true(nr > 100);
	/* each row's end, from where it starts (blank lines are not rows) */
	for (size_t i = 0; i < nr; i++) {
		size_t from = i ? end[i - 1] : start0;
		while (from < len && (d[from] == '\n' || (d[from] == '\r' && d[from + 1] == '\n')))
			from += d[from] == '\n' ? 1 : 2;
		assert_int_equal(vg_table_row_end(c, from), end[i]);
	}
	/* every cut into k ranges */
	for (size_t k = 1; k <= 9; k++) {
		size_t nread = 0;
		for (size_t part = 0; part < k; part++) {
			size_t a = part * nr / k, b = (part + 1) * nr / k; /* rows [a, b) */
			size_t from = a ? end[a - 1] : start0;
			size_t to = b < nr ? end[b - 1] : len;
			uint64_t base = a ? lines[a - 1] : lines0;
			vg_table_range(c, from, to);
			while (vg_table_next(c, &row, &err) > 0) {
				rrow x = rrow_of(&row);
				assert_true(nread < nr);
				const rrow *y = &seq[nread++];
				assert_int_equal(x.lineno + base, y->lineno);
				assert_int_equal(x.nlines, y->nlines);
				assert_int_equal(x.flags, y->flags);
				assert_int_equal(x.nfields, y->nfields);
				assert_int_equal(x.raw_len, y->raw_len);
				assert_ptr_equal(x.raw, y->raw);
				assert_int_equal(x.fsum, y->fsum);
				assert_int_equal(x.bad, y->bad);
			}
			assert_int_equal(nread, b);
			assert_int_equal(vg_table_stats_get(c)->lines + base,
			                 b ? lines[b - 1] : lines0);
		}
		assert_int_equal(nread, nr);
	}
	vg_table_close(c);
	vg_table_close(t);
	/* not by ranges: read, not mapped */
	o.mmap = false;
	assert_int_equal(vg_table_open(&t, path, &o, &err), 0);
	assert_null(vg_table_data(t, &len, &pos));
	assert_int_equal(vg_table_clone(&c, t), VG_EINVAL);
	vg_table_close(t);
	free(seq);
	free(end);
	free(lines);
	unlink(path);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_split_random),
	    cmocka_unit_test(test_cp1252),
	    cmocka_unit_test(test_delimiters),
	    cmocka_unit_test(test_header_detection),
	    cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_embedded_newlines),
	    cmocka_unit_test(test_stray_quotes),
	    cmocka_unit_test(test_unclosed_quote),
	    cmocka_unit_test(test_row_limits),
	    cmocka_unit_test(test_big_row),
	    cmocka_unit_test(test_crlf_blank_lines),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_encodings),
	    cmocka_unit_test(test_empty_and_header_only),
	    cmocka_unit_test(test_gzip),
	    cmocka_unit_test(test_gzip_zlib),
	    cmocka_unit_test(test_zstd),
	    cmocka_unit_test(test_unsupported),
	    cmocka_unit_test(test_stdin),
	    cmocka_unit_test(test_jsonl),
	    cmocka_unit_test(test_jsonl_bad_lines),
	    cmocka_unit_test(test_jsonl_encoding_limits),
	    cmocka_unit_test(test_jsonl_vs_jansson),
	    cmocka_unit_test(test_progress_counts),
	    cmocka_unit_test(test_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
