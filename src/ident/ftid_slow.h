/*
 * ident/ftid_slow.h: the general path of vg_ftid_normalize() alone,
 * without its fast path for identifiers written plainly, for the test that
 * compares the two (tests/unit/test_ftid.c). Internal to libvigie and its
 * tests.
 */
#ifndef VIGIE_IDENT_FTID_SLOW_H
#define VIGIE_IDENT_FTID_SLOW_H

#include "vigie/ftid.h"

int vgi_ftid_normalize_slow(const char *s, size_t n, vg_ftid *out);

#endif
