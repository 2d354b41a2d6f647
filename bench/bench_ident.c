/*
 * bench_ident.c: values normalized per second, on one thread, for one
 * identifier kind, over the values of a file (one per line).
 *
 * Usage: bench_ident KIND FILE [SECONDS]
 * Prints one line: kind, values, valid share, values/s, ns/value.
 * The loop goes through vg_ident_normalize(), the entry point ingest uses.
 * KIND "phone-lib" measures the libphonenumber path alone (the peer of the
 * French fast path).
 */
#include "vigie/ident.h"
#include "vigie/phone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_ident KIND FILE [SECONDS]\n");
		return 2;
	}
	vg_kind k = VG_KIND_PHONE;
	int lib = !strcmp(argv[1], "phone-lib");
	if (!lib && vg_kind_parse(argv[1], &k) != 0) {
		fprintf(stderr, "bench_ident: unknown kind '%s'\n", argv[1]);
		return 2;
	}
	double seconds = argc > 3 ? atof(argv[3]) : 2.0;
	FILE *f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		return 3;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = vg_xmalloc((size_t)size + 1);
	if (fread(data, 1, (size_t)size, f) != (size_t)size) {
		perror(argv[2]);
		return 3;
	}
	fclose(f);
	data[size] = '\n';

	size_t n = 0, cap = 1 << 16;
	const char **ptr = vg_xmalloc(cap * sizeof(*ptr));
	size_t *len = vg_xmalloc(cap * sizeof(*len));
	for (char *p = data, *end = data + size; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p) + 1);
		if (n == cap) {
			cap *= 2;
			ptr = vg_xrealloc(ptr, cap * sizeof(*ptr));
			len = vg_xrealloc(len, cap * sizeof(*len));
		}
		ptr[n] = p;
		len[n] = (size_t)(nl - p);
		n++;
		p = nl + 1;
	}
	if (n == 0) {
		fprintf(stderr, "bench_ident: %s has no values\n", argv[2]);
		return 3;
	}

	vg_canon out;
	vg_phone ph;
	size_t valid = 0, done = 0;
	volatile size_t sink = 0;
	for (size_t i = 0; i < n; i++) /* warm-up, and the valid share */
		valid += (lib ? vg_phone_normalize_lib(ptr[i], len[i], &ph)
			      : vg_ident_normalize(k, ptr[i], len[i], &out)) == 0;
	double t0 = now(), t;
	do {
		if (lib) {
			for (size_t i = 0; i < n; i++) {
				(void)!vg_phone_normalize_lib(ptr[i], len[i], &ph);
				sink += ph.c.len;
			}
		} else {
			for (size_t i = 0; i < n; i++) {
				(void)!vg_ident_normalize(k, ptr[i], len[i], &out);
				sink += out.len;
			}
		}
		done += n;
		t = now() - t0;
	} while (t < seconds);
	if (sink == 0)
		fputs("(no canonical output)\n", stderr);
	printf("%-8s %10zu values  %5.1f%% valid  %12.0f values/s  %8.1f ns/value\n", argv[1], n,
	       100.0 * (double)valid / (double)n, (double)done / t, t * 1e9 / (double)done);
	free(ptr);
	free(len);
	free(data);
	return 0;
}
