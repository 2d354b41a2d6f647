/* XXH3 updates on AVX2 when the CPU has it (see xxh.h). */
#include <stdlib.h>
#include <xxhash.h>

#include "core/xxh.h"

static int avx2_state; /* 0 unknown, 1 no, 2 yes */

bool vg_cpu_avx2(void)
{
	int s = __atomic_load_n(&avx2_state, __ATOMIC_RELAXED);
	if (s == 0) {
#if defined(__x86_64__) && defined(VIGIE_XXH_AVX2)
		__builtin_cpu_init();
		s = __builtin_cpu_supports("avx2") && !getenv("VIGIE_NO_AVX2") ? 2 : 1;
#else
		s = 1;
#endif
		__atomic_store_n(&avx2_state, s, __ATOMIC_RELAXED);
	}
	return s == 2;
}

void vg_cpu_avx2_force(int on)
{
	__atomic_store_n(&avx2_state, 0, __ATOMIC_RELAXED);
	if (on == 0 || (on == 1 && !vg_cpu_avx2()))
		__atomic_store_n(&avx2_state, 1, __ATOMIC_RELAXED);
}

void vg_xxh3_64_update(void *st, const void *p, size_t n)
{
#ifdef VIGIE_XXH_AVX2
	if (vg_cpu_avx2()) {
		vgx_avx2_64_update(st, p, n);
		return;
	}
#endif
	(void)XXH3_64bits_update((XXH3_state_t *)st, p, n);
}

void vg_xxh3_128_update(void *st, const void *p, size_t n)
{
#ifdef VIGIE_XXH_AVX2
	if (vg_cpu_avx2()) {
		vgx_avx2_128_update(st, p, n);
		return;
	}
#endif
	(void)XXH3_128bits_update((XXH3_state_t *)st, p, n);
}
