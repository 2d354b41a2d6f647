/*
 * ident/digits.h: whether runs of bytes are ASCII digits, a word at a time,
 * for the normalizers' fast paths (NIR, phone). Internal to libvigie.
 */
#ifndef VIGIE_IDENT_DIGITS_H
#define VIGIE_IDENT_DIGITS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Whether the 8 bytes at s are ASCII digits: each byte's high nibble is 3
 * and its low one below 10 (+ 0x76 sets bit 7 from 10 on; no carry crosses
 * a byte once the high nibbles are known to be 3). */
static inline bool vgi_digits8(const char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
	uint64_t x = w ^ 0x3030303030303030ull;
	return ((x & 0xF0F0F0F0F0F0F0F0ull) |
	        ((x + 0x7676767676767676ull) & 0x8080808080808080ull)) == 0;
}

/* Whether the n bytes at s, 8 <= n <= 16, are ASCII digits (two
 * overlapping words). */
static inline bool vgi_digits(const char *s, size_t n)
{
	return vgi_digits8(s) && vgi_digits8(s + n - 8);
}

#endif
