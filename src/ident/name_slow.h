/*
 * ident/name_slow.h: the general path of vg_name_normalize() alone,
 * without its fast path for names of ASCII letters only, for the test that
 * compares the two (tests/unit/test_name.c). Internal to libvigie and its
 * tests.
 */
#ifndef VIGIE_IDENT_NAME_SLOW_H
#define VIGIE_IDENT_NAME_SLOW_H

#include "vigie/name.h"

int vgi_name_normalize_slow(const char *s, size_t n, vg_name *out);

#endif
