/*
 * bench_password.c: libvigie's password strength (libzxcvbn + derivations)
 * and strength + SHA-1 over a list, in process, for bench/password.sh.
 *
 * Usage: bench_password LIST
 * Prints "vigie-lib: N passwords in W s wall, C s cpu" for strength alone,
 * then the same for strength + SHA-1 (what a breach check adds locally).
 */
#include "vigie/password.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_password LIST\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 3;
	}
	size_t n = 0, cap = 1024;
	char **pw = malloc(cap * sizeof(*pw));
	size_t *len = malloc(cap * sizeof(*len));
	char *line = NULL;
	size_t lcap = 0;
	ssize_t r;
	while ((r = getline(&line, &lcap, f)) > 0) {
		if (line[r - 1] == '\n')
			line[--r] = 0;
		if (n == cap) {
			cap *= 2;
			pw = realloc(pw, cap * sizeof(*pw));
			len = realloc(len, cap * sizeof(*len));
		}
		pw[n] = strdup(line);
		len[n++] = (size_t)r;
	}
	free(line);
	fclose(f);

	vg_pw_strength s;
	vg_err err;
	long sum = 0;
	for (size_t i = 0; i < n && i < 200; i++) /* warm up */
		if (vg_password_strength(pw[i], len[i], &s, &err) == 0)
			sum += s.score;
	for (int with_sha1 = 0; with_sha1 <= 1; with_sha1++) {
		double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		uint8_t d[VG_SHA1_LEN];
		for (size_t i = 0; i < n; i++) {
			if (vg_password_strength(pw[i], len[i], &s, &err) == 0)
				sum += s.score;
			if (with_sha1) {
				vg_password_sha1(pw[i], len[i], d);
				sum += d[0];
			}
		}
		double w1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
		printf("vigie-lib%s: %zu passwords in %.3f s wall, %.3f s cpu\n",
		       with_sha1 ? "+sha1" : "", n, w1 - w0, c1 - c0);
	}
	fprintf(stderr, "(checksum %ld)\n", sum);
	for (size_t i = 0; i < n; i++)
		free(pw[i]);
	free(pw);
	free(len);
	return 0;
}
