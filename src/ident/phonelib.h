/*
 * ident/phonelib.h: the C face of libphonenumber, for phone.c only.
 *
 * libphonenumber is C++. phonelib.cc wraps the few calls vigie needs behind
 * one extern "C" function that takes a number as text and returns plain C
 * values; no C++ type crosses this header, and no exception crosses the
 * function (it catches everything and reports VG_PHONELIB_ERROR).
 * PhoneNumberUtil is a process-wide singleton that is safe to use from
 * several threads for parsing, so this function is too.
 */
#ifndef VIGIE_IDENT_PHONELIB_H
#define VIGIE_IDENT_PHONELIB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the library said about a number. */
typedef enum vg_phonelib_status {
	VG_PHONELIB_VALID = 0,    /* parsed and isValidNumber() */
	VG_PHONELIB_INVALID,      /* parsed, possible length, but not in a valid range */
	VG_PHONELIB_TOO_SHORT,    /* too few digits (parse or possible-length check) */
	VG_PHONELIB_TOO_LONG,     /* too many digits */
	VG_PHONELIB_BAD_LENGTH,   /* a length between the possible ones */
	VG_PHONELIB_BAD_COUNTRY,  /* no such country calling code */
	VG_PHONELIB_NOT_A_NUMBER, /* the library saw no number at all */
	VG_PHONELIB_ERROR,        /* an exception inside the library (a bug, or no memory) */
} vg_phonelib_status;

/* Longest E.164 form: '+', up to 3 + 17 digits, NUL. */
#define VG_PHONELIB_E164_MAX 24

/* The library's answer; e164, region and type are set only when VALID. */
typedef struct vg_phonelib_result {
	char e164[VG_PHONELIB_E164_MAX]; /* "+33612345678" */
	unsigned country;                /* country calling code when parsed, else 0 */
	char region[4];                  /* "FR", "RE", "001" for non-geographic codes, "" */
	int type;                        /* a vg_phone_type */
} vg_phonelib_result;

/*
 * Parses text[0..n) with libphonenumber, reading national numbers as numbers
 * of default_region ("FR", "RE", ...), and validates it. Fills out and
 * returns the status.
 */
vg_phonelib_status vg_phonelib_parse(const char *text, size_t n, const char *default_region,
                                     vg_phonelib_result *out);

#ifdef __cplusplus
}
#endif

#endif
