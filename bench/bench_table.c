/*
 * bench_table.c: rows per second of the tabular reader alone (no
 * normalization), on one thread, over whole files.
 *
 * Usage: bench_table FILE... [-r ROUNDS]
 * For each file, reads every row ROUNDS times (default 3) and prints the best
 * round: format, compression, rows, bad rows, transcoded rows, wall seconds,
 * rows/s, MB/s of decoded text and of file bytes, and rows/s per CPU second
 * (the fairer figure on a machine that other work shares). The loop touches
 * every field's length, so the parse cannot be skipped.
 */
#include "vigie/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct round_result {
	double wall, cpu;
	vg_table_stats st;
	vg_table_info info;
	uint64_t check;
} round_result;

/* Reads the whole file once; 0 or an exit code. */
static int one_round(const char *path, round_result *r)
{
	vg_table *t;
	vg_err err;
	double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if (vg_table_open(&t, path, NULL, &err) != 0) {
		fprintf(stderr, "bench_table: %s\n", err.msg);
		return 3;
	}
	vg_table_row row;
	int rc;
	uint64_t sum = 0;
	while ((rc = vg_table_next(t, &row, &err)) == 1) {
		for (size_t i = 0; i < row.nfields; i++)
			sum += row.fields[i].len;
	}
	r->wall = clock_s(CLOCK_MONOTONIC) - w0;
	r->cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (rc < 0) {
		fprintf(stderr, "bench_table: %s\n", err.msg);
		vg_table_close(t);
		return 3;
	}
	r->st = *vg_table_stats_get(t);
	r->info = *vg_table_info_get(t);
	r->check = sum;
	vg_table_close(t);
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = 3, nfiles = 0;
	const char *files[64];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-r") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (nfiles < 64)
			files[nfiles++] = argv[i];
	}
	if (nfiles == 0 || rounds < 1) {
		fprintf(stderr, "usage: bench_table FILE... [-r ROUNDS]\n");
		return 2;
	}
	printf("%-24s %-5s %-4s %9s %6s %6s %6s %10s %8s %8s %10s\n", "file", "fmt", "comp", "rows",
	       "bad", "cp1252", "s", "rows/s", "MB/s txt", "MB/s in", "rows/cpu-s");
	for (int f = 0; f < nfiles; f++) {
		round_result best = {.wall = 1e30}, r;
		double best_cpu = 1e30;
		for (int k = 0; k < rounds; k++) {
			int rc = one_round(files[f], &r);
			if (rc)
				return rc;
			if (r.wall < best.wall)
				best = r;
			if (r.cpu < best_cpu)
				best_cpu = r.cpu;
		}
		const char *base = strrchr(files[f], '/');
		base = base ? base + 1 : files[f];
		double rows = (double)best.st.rows;
		printf("%-24.24s %-5s %-4s %9.0f %6llu %6llu %6.3f %10.0f %8.0f %8.0f %10.0f\n",
		       base, vg_table_format_name(best.info.format),
		       vg_table_compression_name(best.info.compression), rows,
		       (unsigned long long)best.st.bad_rows, (unsigned long long)best.st.transcoded,
		       best.wall, rows / best.wall, (double)best.st.bytes_out / best.wall / 1e6,
		       (double)best.st.bytes_in / best.wall / 1e6, rows / best_cpu);
		if (best.check == 0 && best.st.rows)
			fprintf(stderr, "bench_table: %s: no field bytes?\n", files[f]);
	}
	return 0;
}
