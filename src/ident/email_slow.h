/*
 * ident/email_slow.h: the general path of vg_email_normalize() alone,
 * without its one-pass fast path, for the test that compares the two
 * (tests/unit/test_email.c). Internal to libvigie and its tests.
 */
#ifndef VIGIE_IDENT_EMAIL_SLOW_H
#define VIGIE_IDENT_EMAIL_SLOW_H

#include "vigie/email.h"

int vgi_email_normalize_slow(const char *s, size_t n, vg_email *out);

#endif
