/*
 * bench_ranges.c: the breached-password range API in process: build a
 * store, then time the GET /range/ handler (vg_pwned_range_handler) on
 * random prefixes, as `vigie serve` calls it, without a socket.
 *
 * Usage: bench_ranges [HASHES] [SPREAD] [REQUESTS] [DIR]
 *   HASHES    random SHA-1 hashes in the store (default 10,000,000)
 *   SPREAD    the hashes fall in 1/SPREAD of the prefixes (default 16), so
 *             that buckets are as full as Have I Been Pwned's (about 900
 *             hashes a prefix for 10 M hashes over 1/64) on a store that
 *             fits this machine; requests go to those prefixes
 *   REQUESTS  handler calls per case (default 200,000)
 *   DIR       where to build (default a new directory under /tmp, removed)
 *
 * Prints: build rate (hashes/s, add + commit), store size, then per case
 * (plain, Add-Padding, If-None-Match 304, empty bucket, malformed 400):
 * ns per request, thread CPU time and wall time (medians of 5 rounds),
 * requests/s on one core, mean body bytes; and the direct lookup latency.
 */
#include "vigie/pwned.h"

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

/* CPU seconds of this thread: figures that the machine's other load
 * disturbs less than wall time does. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rs = 0x243F6A8885A308D3ull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef struct bcase {
	const char *name;
	const char *pad;
	bool inm;
	bool empty;
	bool bad;
} bcase;

int main(int argc, char **argv)
{
	uint64_t nh = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
	unsigned spread = argc > 2 ? (unsigned)atoi(argv[2]) : 16;
	uint64_t nreq = argc > 3 ? strtoull(argv[3], NULL, 10) : 200000;
	char dir[256];
	bool own = argc <= 4;
	if (own) {
		snprintf(dir, sizeof(dir), "/tmp/vigie-bench-ranges-XXXXXX");
		if (!mkdtemp(dir))
			return 1;
	} else {
		snprintf(dir, sizeof(dir), "%s", argv[4]);
	}
	if (spread < 1 || spread > 256)
		spread = 16;
	uint32_t nprefix = VG_PWNED_PREFIXES / spread;
	vg_err err;
	vg_pwbuild *b;
	double t0 = now();
	if (vg_pwbuild_begin(dir, VG_PWNED_SHA1, NULL, &b, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	for (uint64_t i = 0; i < nh; i++) {
		uint8_t h[20];
		for (int k = 0; k < 20; k += 8) {
			uint64_t r = rnd();
			memcpy(h + k, &r, k + 8 <= 20 ? 8 : 4);
		}
		uint32_t p = (uint32_t)(rnd() % nprefix);
		h[0] = (uint8_t)(p >> 12);
		h[1] = (uint8_t)(p >> 4);
		h[2] = (uint8_t)((p & 15) << 4 | (h[2] & 15));
		if (vg_pwbuild_add(b, h, 1 + (uint32_t)(rnd() % 1000), &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
	}
	double t1 = now();
	vg_pwbuild_result res;
	if (vg_pwbuild_commit(b, &res, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double t2 = now();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("build: %llu hashes in %.2f s (add %.2f s, commit %.2f s): %.0f hashes/s; %u runs "
	       "spilled; peak RSS %ld MiB\n",
	       (unsigned long long)nh, t2 - t0, t1 - t0, t2 - t1, (double)nh / (t2 - t0), res.runs,
	       ru.ru_maxrss / 1024);
	printf("store: %llu entries, %llu bytes (%.1f bytes/hash), %.1f hashes per populated "
	       "prefix\n",
	       (unsigned long long)res.entries, (unsigned long long)res.file_len,
	       (double)res.file_len / (double)(res.entries ? res.entries : 1),
	       (double)res.entries / nprefix);

	vg_pwned_service *sv;
	if (vg_pwned_service_open(dir, 0, &sv, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	/* the ETag of a prefix, for the 304 case */
	char path[32], etag[128] = "";
	vg_http_req req;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = path;
	vg_http_resp r;
	snprintf(path, sizeof(path), "/range/%05X", 0u);
	vg_http_resp_init(&r);
	vg_pwned_range_handler(sv, &req, &r);
	for (size_t i = 0; i < r.nheaders; i++)
		if (!strcmp(r.headers[i].name, "ETag"))
			snprintf(etag, sizeof(etag), "%s", r.headers[i].value);
	vg_http_resp_release(&r);

	const bcase cases[] = {
	    {"range", NULL, false, false, false},
	    {"range + Add-Padding", "true", false, false, false},
	    {"If-None-Match -> 304", NULL, true, false, false},
	    {"empty bucket", NULL, false, true, false},
	    {"malformed -> 400", NULL, false, false, true},
	};
	printf("handler, one thread, %llu requests per round, median of 5 rounds:\n",
	       (unsigned long long)nreq);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		double rounds[5], crounds[5];
		double bytes = 0;
		for (int round = 0; round < 5; round++) {
			bytes = 0;
			double a = now(), ca = cpu_now();
			for (uint64_t i = 0; i < nreq; i++) {
				uint32_t p =
				    cases[c].inm ? 0
				    : cases[c].empty
				        ? nprefix +
				              (uint32_t)(rnd() % (VG_PWNED_PREFIXES - nprefix))
				        : (uint32_t)(rnd() % nprefix);
				if (cases[c].empty && spread == 1)
					p = (uint32_t)(rnd() % VG_PWNED_PREFIXES);
				if (cases[c].bad)
					snprintf(path, sizeof(path), "/range/%04XG", p & 0xFFFF);
				else
					snprintf(path, sizeof(path), "/range/%05X", p);
				req.add_padding = cases[c].pad;
				req.if_none_match = cases[c].inm ? etag : NULL;
				vg_http_resp_init(&r);
				vg_pwned_range_handler(sv, &req, &r);
				bytes += (double)r.body_len;
				vg_http_resp_release(&r);
			}
			rounds[round] = (now() - a) / (double)nreq * 1e9;
			crounds[round] = (cpu_now() - ca) / (double)nreq * 1e9;
		}
		qsort(rounds, 5, sizeof(double), cmpd);
		qsort(crounds, 5, sizeof(double), cmpd);
		printf(
		    "  %-22s %8.0f ns CPU/request (%8.0f ns wall)  %10.0f requests/s/core  %8.0f "
		    "body bytes\n",
		    cases[c].name, crounds[2], rounds[2], 1e9 / crounds[2], bytes / (double)nreq);
	}
	vg_pwned_service_close(sv);

	vg_pwned *p;
	if (vg_pwned_open(dir, VG_PWNED_SHA1, &p, &err) == 0) {
		uint8_t h[20];
		double a = cpu_now();
		uint64_t found = 0;
		for (uint64_t i = 0; i < nreq; i++) {
			for (int k = 0; k < 20; k += 8) {
				uint64_t x = rnd();
				memcpy(h + k, &x, k + 8 <= 20 ? 8 : 4);
			}
			found += vg_pwned_lookup(p, h) != 0;
		}
		printf("lookup of a full hash (absent): %.0f ns CPU (%llu found)\n",
		       (cpu_now() - a) / (double)nreq * 1e9, (unsigned long long)found);
		vg_pwned_close(p);
	}
	if (own) {
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return 0;
}
