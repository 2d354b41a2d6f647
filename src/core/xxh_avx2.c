/*
 * XXH3's streaming updates from xxhash.h, inlined here with the AVX2
 * accumulator (this file alone is compiled with -mavx2, see
 * src/meson.build); called only when the CPU has AVX2 (src/core/xxh.c).
 */
#define XXH_INLINE_ALL
#define XXH_VECTOR XXH_AVX2
#include <xxhash.h>

#include "core/xxh.h"

void vgx_avx2_64_update(void *st, const void *p, size_t n)
{
	(void)XXH3_64bits_update((XXH3_state_t *)st, p, n);
}

void vgx_avx2_128_update(void *st, const void *p, size_t n)
{
	(void)XXH3_128bits_update((XXH3_state_t *)st, p, n);
}
