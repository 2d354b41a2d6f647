/*
 * vigie/advice.h: the categories of exposed data, and the advice that fits
 * them, in plain French and English.
 *
 * Categories are the kinds of personal data a leak exposed with an
 * identifier. Their string names ("name", "nir", "dob", "ft_id", "email",
 * "address", "phone", "sex", "birthplace", "registration") are the ones the
 * registry, `vigie check --json`, the report and the notices use; the enum
 * order is stable and a set of categories is a bitmask of VG_DATACAT_BIT().
 *
 * vg_advice_for() returns the advice for a set of categories: first what
 * each exposed category changes for the person (a leaked NIR cannot be
 * changed, a leaked address brings fake letters...), then the CNIL's general
 * advice, always. The texts are static: no allocation, no I/O. `vigie check`,
 * `vigie report` and `vigie notify` all print these same texts.
 */
#ifndef VIGIE_ADVICE_H
#define VIGIE_ADVICE_H

#include "vigie/core.h"

#include <stdint.h>

typedef enum vg_datacat {
	VG_DATACAT_NAME = 0,     /* "name": first and last names */
	VG_DATACAT_NIR,          /* "nir": social security number */
	VG_DATACAT_DOB,          /* "dob": date of birth */
	VG_DATACAT_FTID,         /* "ft_id": France Travail identifier */
	VG_DATACAT_EMAIL,        /* "email" */
	VG_DATACAT_ADDRESS,      /* "address": postal address */
	VG_DATACAT_PHONE,        /* "phone" */
	VG_DATACAT_SEX,          /* "sex" */
	VG_DATACAT_BIRTHPLACE,   /* "birthplace" */
	VG_DATACAT_REGISTRATION, /* "registration": registration status and dates */
	VG_DATACAT_COUNT
} vg_datacat;

#define VG_DATACAT_BIT(c) (UINT32_C(1) << (c))
#define VG_DATACAT_ALL (VG_DATACAT_BIT(VG_DATACAT_COUNT) - 1)

/*
 * Not a category: set in the mask given to vg_advice_for() when the person
 * appears in a source flagged as special-category data (GDPR art. 9, e.g.
 * Cap Emploi's files, which reveal a disability).
 */
#define VG_ADVICE_SPECIAL (UINT32_C(1) << 31)

/* The stable string name of a category ("nir"), or NULL if out of range. */
const char *vg_datacat_name(vg_datacat c);

/* A label for people ("Numéro de sécurité sociale (NIR)"), or NULL. */
const char *vg_datacat_label(vg_datacat c, vg_lang lang);

/* Parses a string name (exact, lowercase) of n bytes; VG_EINVAL if unknown. */
int vg_datacat_parse(const char *s, size_t n, vg_datacat *out) VG_MUST_CHECK;

/* One piece of advice, in one language. Strings are static. */
typedef struct vg_advice_item {
	const char *code;  /* stable: "nir_permanent", "no_links"... */
	const char *title; /* one short sentence */
	const char *text;  /* two or three plain sentences */
	uint32_t needs;    /* categories that must all be exposed; 0 = general */
} vg_advice_item;

#define VG_ADVICE_MAX 24

typedef struct vg_advice_list {
	size_t n;
	vg_advice_item item[VG_ADVICE_MAX];
} vg_advice_list;

/*
 * The advice for a person whose exposed categories are the bits of cats
 * (plus VG_ADVICE_SPECIAL if relevant): the specific items whose needs are
 * all in cats, in a fixed order, then the general ones. Deterministic.
 */
vg_advice_list vg_advice_for(uint32_t cats, vg_lang lang);

#endif
