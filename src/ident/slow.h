/*
 * ident/slow.h: the general paths of normalizers that have a fast path for
 * the common clean inputs, alone, for the tests that compare the two on
 * generated inputs (tests/unit/test_<module>.c). Internal to libvigie and
 * its tests. (The email one is in ident/email_slow.h.)
 */
#ifndef VIGIE_IDENT_SLOW_H
#define VIGIE_IDENT_SLOW_H

#include "vigie/dob.h"

int vgi_dob_normalize_slow(const char *s, size_t n, vg_dob *out);

#endif
