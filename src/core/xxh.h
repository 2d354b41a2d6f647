/*
 * src/core/xxh.h: XXH3 streaming updates on the widest vector unit the CPU
 * has. libxxhash as Debian builds it runs XXH3 on SSE2 (the x86-64
 * baseline); the fingerprint of every ingested byte and the checksums of
 * every registry byte go through here, so on a CPU with AVX2 the same
 * library code (xxhash.h, inlined with XXH_VECTOR = XXH_AVX2 in
 * xxh_avx2.c) runs twice as wide. The results are XXH3's, whatever the
 * path: tests/unit/test_registry.c compares them with libxxhash's.
 * st is an XXH3_state_t set up by libxxhash (reset, reset_withSecret).
 */
#ifndef VIGIE_SRC_CORE_XXH_H
#define VIGIE_SRC_CORE_XXH_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the CPU has AVX2 and VIGIE_NO_AVX2 is not set in the
 * environment (for tests and comparisons): then the updates below take the
 * AVX2 path, and so does the CSV splitter (src/io/table.c). */
bool vg_cpu_avx2(void);

/* For tests: on (1) or off (0) from now on, for what is set up from now
 * on (a table opened later), as far as the CPU has it; -1: as detected. */
void vg_cpu_avx2_force(int on);

/* XXH3_64bits_update(st, p, n) and XXH3_128bits_update(st, p, n). */
void vg_xxh3_64_update(void *st, const void *p, size_t n);
void vg_xxh3_128_update(void *st, const void *p, size_t n);

/* The AVX2 bodies (xxh_avx2.c, built with -mavx2): only when vg_cpu_avx2(). */
void vgx_avx2_64_update(void *st, const void *p, size_t n);
void vgx_avx2_128_update(void *st, const void *p, size_t n);

#endif
