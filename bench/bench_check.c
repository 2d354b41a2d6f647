/*
 * bench_check.c: exposure lookups in process, timed one by one, for vigie's
 * registry and, with the same loop, for its peers SQLite and PostgreSQL.
 *
 * Usage: bench_check [--passes N] [--expect FILE] BACKEND TARGET LOOKUPS
 *   BACKEND  vigie   TARGET is a registry directory (key as `vigie check`
 *                    finds it: VIGIE_REGISTRY_KEY or DIR/registry.key)
 *            sqlite  TARGET is a database with a table `leak` (bench/peers.sh)
 *            pg      TARGET is a libpq connection string, same table
 *   LOOKUPS  `kind<TAB>value` lines, the `vigie check --batch` format; kinds
 *            email, phone, nir, id (and name<TAB>NAME<TAB>DOB for vigie)
 *   --expect one line per lookup, 1 (a member of the leak) or 0: answers
 *            that differ are counted as "wrong"
 *   --passes the lookups are run N times (default 2); every pass is printed,
 *            the first one warms the caches
 *
 * The same job for every backend: the raw value as a helpdesk receives it,
 * answered "exposed or not, and from which source". vigie normalizes it,
 * computes the keyed pseudonym and searches the mmapped table
 * (vg_exposure_check(), what `vigie check` runs); SQLite and PostgreSQL run
 * a prepared statement on the value as it was loaded, which answers one row:
 * the sources of the rows found, NULL when none (`SELECT
 * group_concat(DISTINCT source) FROM leak WHERE <column> = ?1`, string_agg
 * for PostgreSQL); the answer is read. One thread, one lookup at a
 * time, each one timed with CLOCK_MONOTONIC (about 20 ns of the figure is
 * the clock itself); lookups/s is the count over the pass's wall time.
 *
 * Output, one line per pass, key=value for bench/peers.sh:
 *   result backend=vigie pass=2 n=100000 found=50000 invalid=0 wrong=0
 *          p50_us=0.61 p99_us=1.90 mean_us=0.70 per_s=1410000
 * and for vigie one `info` line: registry bytes and entries.
 * The SQLite and PostgreSQL backends are compiled in when their client
 * libraries are found at build time (bench/setup-peers.sh installs them).
 */
#include "vigie/exposure.h"
#include "vigie/registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef VG_HAVE_SQLITE
#include <sqlite3.h>
#endif
#ifdef VG_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

/* One lookup: a table and the raw value (and a raw date for name + dob). */
typedef struct lookup {
	vg_idtab table;
	const char *v;
	size_t n;
	const char *dob;
	size_t dob_n;
	int expect; /* 1 member, 0 not, -1 unknown */
} lookup;

/* A backend answers one lookup: 1 found, 0 not found, -1 invalid input. */
typedef struct backend {
	const char *name;
	int (*check)(void *ctx, const lookup *q);
	void *ctx;
} backend;

#if defined(VG_HAVE_SQLITE) || defined(VG_HAVE_LIBPQ)
/* The columns of the peers' table `leak` (vigie gen's header), by table. */
static const char *const column[VG_IDTAB__COUNT] = {
    [VG_IDTAB_EMAIL] = "email",         [VG_IDTAB_PHONE] = "telephone", [VG_IDTAB_NIR] = "nir",
    [VG_IDTAB_FTID] = "identifiant_ft", [VG_IDTAB_NAME_DOB] = NULL,
};
#endif

/* Monotonic time in nanoseconds. */
static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Reads all of path into a NUL-terminated buffer; NULL on error. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench_check: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 20, n = 0;
	char *buf = vg_xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = vg_xrealloc(buf, cap);
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "bench_check: %s: read error\n", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The table for a kind as `vigie check --batch` spells it. */
static int parse_kind(const char *s, size_t n, vg_idtab *out)
{
	static const struct {
		const char *name;
		vg_idtab t;
	} kinds[] = {
	    {"email", VG_IDTAB_EMAIL},       {"phone", VG_IDTAB_PHONE}, {"nir", VG_IDTAB_NIR},
	    {"id", VG_IDTAB_FTID},           {"ft_id", VG_IDTAB_FTID},  {"name", VG_IDTAB_NAME_DOB},
	    {"name_dob", VG_IDTAB_NAME_DOB},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == n && memcmp(kinds[i].name, s, n) == 0) {
			*out = kinds[i].t;
			return 0;
		}
	return -1;
}

/* Splits buf (modified in place) into lookups; returns the count or -1. */
static long parse_lookups(char *buf, size_t len, lookup **out)
{
	size_t cap = 1024, n = 0;
	lookup *q = vg_xmalloc(cap * sizeof(*q));
	char *p = buf, *end = buf + len;
	for (size_t line = 1; p < end; line++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *e = nl ? nl : end;
		if (e > p && e[-1] == '\r')
			e--;
		*e = '\0';
		if (e > p) {
			char *tab = memchr(p, '\t', (size_t)(e - p));
			lookup l = {.expect = -1};
			if (!tab || parse_kind(p, (size_t)(tab - p), &l.table) != 0) {
				fprintf(stderr,
				        "bench_check: lookups line %zu: want kind<TAB>value\n",
				        line);
				free(q);
				return -1;
			}
			l.v = tab + 1;
			l.n = (size_t)(e - l.v);
			if (l.table == VG_IDTAB_NAME_DOB) {
				char *t2 = memchr(l.v, '\t', l.n);
				if (!t2) {
					fprintf(stderr,
					        "bench_check: lookups line %zu: "
					        "name<TAB>NAME<TAB>DOB\n",
					        line);
					free(q);
					return -1;
				}
				l.dob = t2 + 1;
				l.dob_n = (size_t)(e - l.dob);
				l.n = (size_t)(t2 - l.v);
			}
			if (n == cap) {
				cap *= 2;
				q = vg_xrealloc(q, cap * sizeof(*q));
			}
			q[n++] = l;
		}
		p = nl ? nl + 1 : end;
	}
	*out = q;
	return (long)n;
}

/* Reads the expected answers (one 0 or 1 a line) into q[0..n). */
static int read_expect(const char *path, lookup *q, size_t n)
{
	size_t len;
	char *buf = slurp(path, &len);
	if (!buf)
		return -1;
	size_t i = 0;
	for (char *p = buf; *p; p++) {
		if (*p != '0' && *p != '1')
			continue;
		if (i == n) {
			fprintf(stderr, "bench_check: %s: more answers than the %zu lookups\n",
			        path, n);
			free(buf);
			return -1;
		}
		q[i++].expect = *p - '0';
		while (p[1] && p[1] != '\n')
			p++;
	}
	free(buf);
	if (i != n) {
		fprintf(stderr, "bench_check: %s: %zu answers for %zu lookups\n", path, i, n);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ vigie */

/* The registry lookup, as `vigie check` runs it. */
static int vigie_check(void *ctx, const lookup *q)
{
	vg_exposure e;
	int rc = vg_exposure_check(ctx, q->table, q->v, q->n, q->dob, q->dob_n, &e);
	if (rc == VG_EINVAL)
		return -1;
	if (rc != 0) {
		fprintf(stderr, "bench_check: vigie check failed (%d)\n", rc);
		exit(4);
	}
	return e.exposed ? 1 : 0;
}

/* ------------------------------------------------------------ sqlite */

#ifdef VG_HAVE_SQLITE
typedef struct sqlite_ctx {
	sqlite3 *db;
	sqlite3_stmt *st[VG_IDTAB__COUNT];
} sqlite_ctx;

/* Opens the database read-only with a 1 GiB page cache and prepares the queries. */
static int sqlite_open(const char *path, sqlite_ctx *c)
{
	memset(c, 0, sizeof(*c));
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_check: sqlite %s: %s\n", path, sqlite3_errmsg(c->db));
		return -1;
	}
	sqlite3_exec(c->db, "PRAGMA cache_size=-1048576", NULL, NULL, NULL);
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		if (!column[t])
			continue;
		char sql[160];
		snprintf(sql, sizeof(sql),
		         "SELECT group_concat(DISTINCT source) FROM leak WHERE %s = ?1", column[t]);
		if (sqlite3_prepare_v2(c->db, sql, -1, &c->st[t], NULL) != SQLITE_OK) {
			fprintf(stderr, "bench_check: sqlite: %s: %s\n", sql,
			        sqlite3_errmsg(c->db));
			return -1;
		}
	}
	return 0;
}

/* One prepared query: bind, step, read the sources (NULL: not found), reset. */
static int sqlite_check(void *ctx, const lookup *q)
{
	sqlite_ctx *c = ctx;
	sqlite3_stmt *st = c->st[q->table];
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, q->v, (int)q->n, SQLITE_STATIC);
	int found = 0, rc;
	volatile size_t sink = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *src = sqlite3_column_text(st, 0);
		if (src) {
			sink += src[0];
			found = 1;
		}
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "bench_check: sqlite: %s\n", sqlite3_errmsg(c->db));
		exit(3);
	}
	sqlite3_reset(st);
	(void)sink;
	return found;
}

/* Finalizes the statements and closes the database. */
static void sqlite_close(sqlite_ctx *c)
{
	for (int t = 0; t < VG_IDTAB__COUNT; t++)
		sqlite3_finalize(c->st[t]);
	sqlite3_close(c->db);
}
#endif

/* ------------------------------------------------------------ postgresql */

#ifdef VG_HAVE_LIBPQ
typedef struct pg_ctx {
	PGconn *conn;
	char stmt[VG_IDTAB__COUNT][16];
} pg_ctx;

/* Connects and prepares one named statement per identifier column. */
static int pg_open(const char *conninfo, pg_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->conn = PQconnectdb(conninfo);
	if (PQstatus(c->conn) != CONNECTION_OK) {
		fprintf(stderr, "bench_check: pg: %s", PQerrorMessage(c->conn));
		return -1;
	}
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		if (!column[t])
			continue;
		char sql[160];
		snprintf(c->stmt[t], sizeof(c->stmt[t]), "q%d", t);
		snprintf(sql, sizeof(sql),
		         "SELECT string_agg(DISTINCT source, ',') FROM leak WHERE %s = $1",
		         column[t]);
		PGresult *res = PQprepare(c->conn, c->stmt[t], sql, 1, NULL);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (!ok) {
			fprintf(stderr, "bench_check: pg: %s: %s", sql, PQerrorMessage(c->conn));
			return -1;
		}
	}
	return 0;
}

/* One prepared statement executed; the sources read (NULL: not found). */
static int pg_check(void *ctx, const lookup *q)
{
	pg_ctx *c = ctx;
	if (!c->stmt[q->table][0])
		return -1;
	const char *params[1] = {q->v};
	int lens[1] = {(int)q->n};
	/* q->v is NUL-terminated (the line end was overwritten) */
	PGresult *res = PQexecPrepared(c->conn, c->stmt[q->table], 1, params, lens, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench_check: pg: %s", PQerrorMessage(c->conn));
		exit(3);
	}
	int found = 0;
	volatile size_t sink = 0;
	for (int i = 0; i < PQntuples(res); i++)
		if (!PQgetisnull(res, i, 0)) {
			sink += (size_t)PQgetlength(res, i, 0) + (size_t)PQgetvalue(res, i, 0)[0];
			found = 1;
		}
	(void)sink;
	PQclear(res);
	return found;
}
#endif

/* ------------------------------------------------------------ timing */

/* Ascending order of uint64_t. */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Runs every lookup once, each timed; prints one result line. */
static void run_pass(const backend *be, int pass, const lookup *q, size_t n, uint64_t *ns)
{
	size_t found = 0, invalid = 0, wrong = 0;
	uint64_t t0 = now_ns();
	for (size_t i = 0; i < n; i++) {
		uint64_t a = now_ns();
		int r = be->check(be->ctx, &q[i]);
		ns[i] = now_ns() - a;
		if (r < 0)
			invalid++;
		else
			found += (size_t)r;
		if (q[i].expect >= 0 && (r > 0) != (q[i].expect == 1))
			wrong++;
	}
	double wall = (double)(now_ns() - t0) / 1e9;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)ns[i];
	qsort(ns, n, sizeof(*ns), cmp_u64);
	printf("result backend=%s pass=%d n=%zu found=%zu invalid=%zu wrong=%zu p50_us=%.3f "
	       "p99_us=%.3f mean_us=%.3f max_us=%.1f per_s=%.0f\n",
	       be->name, pass, n, found, invalid, wrong, (double)ns[n / 2] / 1e3,
	       (double)ns[n * 99 / 100] / 1e3, sum / (double)n / 1e3, (double)ns[n - 1] / 1e3,
	       (double)n / wall);
	fflush(stdout);
}

/* Prints the usage on stderr and returns the usage exit code. */
static int usage(void)
{
	fprintf(stderr, "usage: bench_check [--passes N] [--expect FILE] vigie|sqlite|pg TARGET "
	                "LOOKUPS\n");
	return 2;
}

int main(int argc, char **argv)
{
	int passes = 2;
	const char *expect = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--passes") == 0 && i + 1 < argc)
			passes = atoi(argv[++i]);
		else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc)
			expect = argv[++i];
		else
			return usage();
	}
	if (argc - i != 3 || passes < 1)
		return usage();
	const char *kind = argv[i], *target = argv[i + 1], *path = argv[i + 2];

	size_t len;
	char *buf = slurp(path, &len);
	if (!buf)
		return 3;
	int rc = 3;
	lookup *q = NULL;
	vg_regkey *key = NULL;
	vg_registry *reg = NULL;
	backend be = {kind, NULL, NULL};
#ifdef VG_HAVE_SQLITE
	sqlite_ctx sq = {0};
#endif
#ifdef VG_HAVE_LIBPQ
	pg_ctx pg = {0};
#endif
	long nq = parse_lookups(buf, len, &q);
	if (nq < 0)
		goto done;
	if (nq == 0) {
		fprintf(stderr, "bench_check: %s: no lookups\n", path);
		goto done;
	}
	size_t n = (size_t)nq;
	if (expect && read_expect(expect, q, n) != 0)
		goto done;

	if (strcmp(kind, "vigie") == 0) {
		vg_err err = {0};
		if (vg_regkey_resolve(target, NULL, false, &key, NULL, 0, &err) != 0 ||
		    vg_registry_open_dir(target, key, 0, &reg, &err) != 0) {
			fprintf(stderr, "bench_check: %s: %s\n", target, err.msg);
			goto done;
		}
		vg_registry_info info;
		vg_registry_get_info(reg, &info);
		printf("info backend=vigie bytes=%llu entries=%llu bytes_per_entry=%.2f\n",
		       (unsigned long long)info.file_len, (unsigned long long)info.entries,
		       info.bytes_per_entry);
		be.check = vigie_check;
		be.ctx = reg;
#ifdef VG_HAVE_SQLITE
	} else if (strcmp(kind, "sqlite") == 0) {
		if (sqlite_open(target, &sq) != 0)
			goto done;
		be.check = sqlite_check;
		be.ctx = &sq;
#endif
#ifdef VG_HAVE_LIBPQ
	} else if (strcmp(kind, "pg") == 0) {
		if (pg_open(target, &pg) != 0)
			goto done;
		be.check = pg_check;
		be.ctx = &pg;
#endif
	} else {
		fprintf(stderr, "bench_check: backend %s unknown or not compiled in\n", kind);
		rc = 2;
		goto done;
	}

	uint64_t *ns = vg_xmalloc(n * sizeof(*ns));
	for (int p = 1; p <= passes; p++)
		run_pass(&be, p, q, n, ns);
	free(ns);
	rc = 0;

done:
	vg_registry_close(reg);
	vg_regkey_free(key);
#ifdef VG_HAVE_SQLITE
	sqlite_close(&sq);
#endif
#ifdef VG_HAVE_LIBPQ
	if (pg.conn)
		PQfinish(pg.conn);
#endif
	free(q);
	free(buf);
	return rc;
}
