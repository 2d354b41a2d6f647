/*
 * utf8.c: UTF-8 well-formedness (Unicode 15, table 3-7), one copy for the
 * readers, the identifier parsers and the registry's names.
 */
#include "vigie/core.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Well-formedness per Unicode table 3-7, sixteen (or eight) ASCII bytes at a time. */
bool vg_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	while (p < e) {
#ifdef __SSE2__
		if (e - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			unsigned m = (unsigned)_mm_movemask_epi8(v);
			if (!m) {
				p += 16;
				continue;
			}
			p += __builtin_ctz(m); /* the first byte that is not ASCII */
		}
#endif
		if (e - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			if (!(w & 0x8080808080808080ull)) {
				p += 8;
				continue;
			}
		}
		unsigned c = *p;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c < 0xC2)
			return false;
		if (c < 0xE0) {
			if (e - p < 2 || (p[1] & 0xC0) != 0x80)
				return false;
			p += 2;
			continue;
		}
		if (c < 0xF0) {
			if (e - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
				return false;
			if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
				return false; /* overlong, surrogate */
			p += 3;
			continue;
		}
		if (c < 0xF5) {
			if (e - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
			    (p[3] & 0xC0) != 0x80)
				return false;
			if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
				return false; /* overlong, > U+10FFFF */
			p += 4;
			continue;
		}
		return false;
	}
	return true;
}

size_t vg_utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	size_t len = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) ||
	    (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
		return 0; /* overlong, surrogate, > U+10FFFF */
	return len;
}
