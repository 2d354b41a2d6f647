/*
 * bench_registry.c: the exposure registry at scale, in process.
 *
 * Usage: bench_registry [PEOPLE] [BUDGET_MIB] [DIR]
 *   PEOPLE      synthetic people (default 10,000,000); each has 5
 *               identifiers, one per table (email, phone, NIR, France
 *               Travail id, name + date of birth)
 *   BUDGET_MIB  the builder's memory budget (default 2048)
 *   DIR         where to build (default a new directory under /tmp,
 *               removed at the end)
 *
 * Prints: PRF throughput; build time (add phase on 2 threads, as the
 * ingest runs, then commit: sort, merge, write, publish) with runs spilled
 * and peak RSS; file size and bytes per identifier; lookup latency p50/p99
 * (pseudonym given) after open; checks per second on one thread including
 * the PRF (half found, half not); verify time.
 */
#include "vigie/registry.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of the process so far. */
static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

/* The canonical identifier of person i in table t; returns its length. */
static size_t ident(uint64_t i, vg_idtab t, char *buf, size_t cap)
{
	int n = 0;
	switch (t) {
	case VG_IDTAB_EMAIL:
		n = snprintf(buf, cap, "prenom.nom%llu@example.org", (unsigned long long)i);
		break;
	case VG_IDTAB_PHONE:
		n = snprintf(buf, cap, "+33%09llu", (unsigned long long)(600000000 + i));
		break;
	case VG_IDTAB_NIR:
		n = snprintf(buf, cap, "1%014llu", (unsigned long long)i);
		break;
	case VG_IDTAB_FTID:
		n = snprintf(buf, cap, "%08lluA", (unsigned long long)i);
		break;
	default: /* name NUL date */
		n = snprintf(buf, cap, "NOM%llu PRENOM", (unsigned long long)i);
		n += 1 + snprintf(buf + n + 1, cap - (size_t)n - 1, "19%02llu-%02llu-%02llu",
		                  (unsigned long long)(i % 100), (unsigned long long)(i % 12 + 1),
		                  (unsigned long long)(i % 28 + 1));
		break;
	}
	return (size_t)n;
}

typedef struct job {
	vg_regbuild *b;
	const vg_regkey *k;
	uint64_t from, to;
	int rc;
} job;

/* Adds people [from, to) in batches of 4096 entries, like an ingest worker. */
static void *add_worker(void *arg)
{
	job *j = arg;
	enum { BATCH = 4095 };
	vg_regentry *e = malloc(BATCH * sizeof(*e));
	size_t n = 0;
	char buf[128];
	vg_err err;
	for (uint64_t i = j->from; i < j->to; i++) {
		uint16_t cats =
		    (uint16_t)(VG_CAT_ALL & ~(i % 7 == 0 ? VG_CAT_BIT(VG_CAT_PHONE) : 0));
		uint16_t src = (uint16_t)(i % 10 == 0 ? 3 : 1); /* a tenth in both sources */
		for (int t = 0; t < VG_IDTAB__COUNT; t++) {
			size_t len = ident(i, (vg_idtab)t, buf, sizeof(buf));
			e[n].key = vg_regkey_prf(j->k, (vg_idtab)t, buf, len);
			e[n].cats = cats;
			e[n].sources = src;
			e[n].table = (uint8_t)t;
			n++;
		}
		if (n == BATCH || i + 1 == j->to) {
			if (vg_regbuild_add_batch(j->b, e, n, &err) != 0) {
				fprintf(stderr, "add_batch: %s\n", err.msg);
				j->rc = 1;
				break;
			}
			n = 0;
		}
	}
	free(e);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(int argc, char **argv)
{
	uint64_t people = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
	size_t budget = (argc > 2 ? strtoull(argv[2], NULL, 10) : 2048) << 20;
	char dir[4096];
	int own_dir = argc <= 3;
	if (own_dir) {
		snprintf(dir, sizeof(dir), "/tmp/vigie-bench-registry-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 3;
		}
	} else {
		snprintf(dir, sizeof(dir), "%s", argv[3]);
	}
	uint8_t kb[VG_REGKEY_BYTES];
	for (int i = 0; i < VG_REGKEY_BYTES; i++)
		kb[i] = (uint8_t)(i * 29 + 3);
	vg_regkey *k;
	if (vg_regkey_from_bytes(kb, &k) != 0)
		return 4;
	vg_err err;

	/* the PRF alone, over 1M prepared identifiers */
#define NP ((size_t)1 << 20)
	char(*ids)[48] = malloc((size_t)NP * 48);
	size_t *lens = malloc(NP * sizeof(size_t));
	for (size_t i = 0; i < NP; i++)
		lens[i] = ident(i * 7919, (vg_idtab)(i % VG_IDTAB__COUNT), ids[i], 48);
	volatile uint64_t sink = 0;
	double t0 = now();
	for (int rep = 0; rep < 20; rep++)
		for (size_t i = 0; i < NP; i++)
			sink += vg_regkey_prf(k, (vg_idtab)(i % VG_IDTAB__COUNT), ids[i], lens[i]);
	double prf_s = now() - t0;
	printf("prf        %.1f M pseudonyms/s (SipHash-2-4, %.1f ns each, identifiers of "
	       "9-30 bytes)\n",
	       20.0 * (double)NP / prf_s / 1e6, prf_s / (20.0 * (double)NP) * 1e9);

	/* build */
	vg_regbuild_opts o = {.memory_budget = budget, .threads = 2};
	vg_regbuild *b;
	if (vg_regbuild_begin(dir, k, &o, &b, &err) != 0) {
		fprintf(stderr, "begin: %s\n", err.msg);
		return 3;
	}
	unsigned s0, s1;
	if (vg_regbuild_source(b, "France Travail", 0, &s0, &err) ||
	    vg_regbuild_source(b, "Cap Emploi", VG_SOURCE_SPECIAL, &s1, &err))
		return 4;
	t0 = now();
	job jobs[2] = {{b, k, 0, people / 2, 0}, {b, k, people / 2, people, 0}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, add_worker, &jobs[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	double add_s = now() - t0;
	if (jobs[0].rc || jobs[1].rc)
		return 3;
	vg_regfile f;
	memset(&f, 0, sizeof(f));
	f.rows_read = f.rows_accepted = people;
	f.source = s0;
	snprintf(f.name, sizeof(f.name), "synthetic.csv");
	if (vg_regbuild_add_file(b, &f, &err) != 0)
		return 4;
	t0 = now();
	double c0 = cpu_s();
	vg_regbuild_result res;
	if (vg_regbuild_commit(b, &res, &err) != 0) {
		fprintf(stderr, "commit: %s\n", err.msg);
		return 3;
	}
	double commit_s = now() - t0, commit_cpu = cpu_s() - c0;
	uint64_t ids_n = people * VG_IDTAB__COUNT;
	printf(
	    "build      %llu people, %llu identifiers: add %.2f s (2 threads, PRF and "
	    "formatting included, %.1f M identifiers/s), commit %.2f s (%.2f s CPU; sort %.2f s, "
	    "merge+write %.2f s), %u runs spilled, budget %zu MiB, peak RSS %ld MiB\n",
	    (unsigned long long)people, (unsigned long long)ids_n, add_s, ids_n / add_s / 1e6,
	    commit_s, commit_cpu, res.sort_seconds, res.merge_seconds, res.runs, budget >> 20,
	    peak_rss_mib());
	printf("file       %s: %llu bytes, %llu entries, %.2f bytes per identifier\n", res.path,
	       (unsigned long long)res.file_len, (unsigned long long)res.entries,
	       (double)res.file_len / (double)res.entries);

	/* lookups */
	vg_registry *r;
	t0 = now();
	if (vg_registry_open_dir(dir, k, 0, &r, &err) != 0) {
		fprintf(stderr, "open: %s\n", err.msg);
		return 3;
	}
	double open_s = now() - t0;
#define NQ ((size_t)1000000)
	uint64_t *q = malloc(NQ * sizeof(uint64_t));
	vg_idtab *qt = malloc(NQ * sizeof(vg_idtab));
	uint64_t seed = 88172645463325252ull;
	for (size_t i = 0; i < NQ; i++) {
		uint64_t person = rng(&seed) % (2 * people); /* half are not in the registry */
		qt[i] = (vg_idtab)(i % VG_IDTAB__COUNT);
		size_t len = ident(person, qt[i], ids[i % NP], 48);
		lens[i % NP] = len;
		q[i] = vg_regkey_prf(k, qt[i], ids[i % NP], len);
	}
	double *lat = malloc(NQ * sizeof(double));
	vg_reghit h;
	size_t found = 0;
	for (size_t i = 0; i < NQ; i++) {
		double a = now();
		found += (size_t)vg_registry_lookup(r, qt[i], q[i], &h);
		lat[i] = now() - a;
	}
	double first_lat[3];
	qsort(lat, 10000, sizeof(double), cmp_double); /* the first 10,000 after open */
	first_lat[0] = lat[5000];
	first_lat[1] = lat[9900];
	qsort(lat, NQ, sizeof(double), cmp_double);
	printf("open       %.3f ms\n", open_s * 1e3);
	printf("lookup     p50 %.0f ns, p99 %.0f ns over %zu lookups (%.1f%% found); first 10,000 "
	       "after open: p50 %.0f ns, p99 %.0f ns (timer included)\n",
	       lat[NQ / 2] * 1e9, lat[NQ / 100 * 99] * 1e9, NQ, 100.0 * (double)found / (double)NQ,
	       first_lat[0] * 1e9, first_lat[1] * 1e9);
	/* the same lookups again: every page they touch is now mapped */
	for (size_t i = 0; i < NQ; i++) {
		double a = now();
		found += (size_t)vg_registry_lookup(r, qt[i], q[i], &h);
		lat[i] = now() - a;
	}
	qsort(lat, NQ, sizeof(double), cmp_double);
	printf("lookup     second pass (pages mapped): p50 %.0f ns, p99 %.0f ns\n",
	       lat[NQ / 2] * 1e9, lat[NQ / 100 * 99] * 1e9);
	/* checks: PRF + lookup, on one thread */
	size_t nq = NQ < NP ? NQ : NP;
	t0 = now();
	found = 0;
	for (int rep = 0; rep < 3; rep++)
		for (size_t i = 0; i < nq; i++) {
			int rc = vg_registry_check(r, qt[i], ids[i], lens[i], &h);
			found += rc > 0;
		}
	double check_s = now() - t0;
	printf("check      %.0f checks/s on one thread (PRF + lookup), %.0f ns each\n",
	       3.0 * (double)nq / check_s, check_s / (3.0 * (double)nq) * 1e9);
	t0 = now();
	int vrc = vg_registry_verify(r, &err);
	printf("verify     %.2f s (%s)\n", now() - t0, vrc ? err.msg : "ok");
	vg_registry_close(r);
	free(q);
	free(qt);
	free(lat);
	free(ids);
	free(lens);
	vg_regkey_free(k);
	if (own_dir) {
		char cmd[4200];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	(void)sink;
	return vrc ? 3 : 0;
}
