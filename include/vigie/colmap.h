/*
 * vigie/colmap.h: which column of a leaked file holds which field.
 *
 * Two sources, combined: the header names, matched against French and
 * English synonyms (vg_colmap_guess(): case-, accent- and
 * separator-insensitive, "Nom d'usage" = "NOM_USAGE" = "nomusage"), and an
 * explicit `--map "col=field,..."` (vg_colmap_spec), whose pairs override the
 * guess for their columns. Several columns may hold the same field (two
 * phone columns); columns that match nothing are listed as unknown, so the
 * caller can print them. The synonym table is in docs/io.md.
 *
 * Ownership: a vg_colmap_spec owns a copy of the text it parsed
 * (vg_colmap_spec_release() frees it); a vg_colmap is a plain value that
 * holds column indexes only.
 */
#ifndef VIGIE_COLMAP_H
#define VIGIE_COLMAP_H

#include "vigie/core.h"
#include "vigie/table.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The semantic fields of a leak. */
typedef enum vg_field {
	VG_FIELD_NONE = 0, /* unknown or ignored column ("ignore" in --map) */
	VG_FIELD_USAGE_NAME,
	VG_FIELD_BIRTH_NAME,
	VG_FIELD_FAMILY_NAME, /* a plain "nom" when the file has no birth/usage split */
	VG_FIELD_FIRST_NAME,
	VG_FIELD_FULL_NAME,
	VG_FIELD_SEX,
	VG_FIELD_DOB,
	VG_FIELD_NIR,
	VG_FIELD_EMAIL,
	VG_FIELD_PHONE,
	VG_FIELD_ADDRESS,
	VG_FIELD_POSTCODE,
	VG_FIELD_COMMUNE,
	VG_FIELD_FT_ID,
	VG_FIELD_REGION,
	VG_FIELD_BIRTHPLACE,
	VG_FIELD_STATUS,
	VG_FIELD_REG_START,
	VG_FIELD_REG_END,
	VG_FIELD_SOURCE,
	VG_FIELD__COUNT
} vg_field;

/* "usage_name", ..., "source"; "ignore" for VG_FIELD_NONE. */
const char *vg_field_name(vg_field f);

/* Parses a field name as vg_field_name() spells it (case-insensitive). */
int vg_field_parse(const char *s, size_t n, vg_field *out) VG_MUST_CHECK;

/*
 * The field a header name stands for, from the synonym table, or
 * VG_FIELD_NONE. A plain "nom" gives VG_FIELD_FAMILY_NAME here;
 * vg_colmap_build() refines it from the other columns.
 */
vg_field vg_colmap_guess(const char *name, size_t n);

/* Limits of --map. */
#define VG_COLMAP_MAX_TEXT 65536 /* bytes of the whole --map text */
#define VG_COLMAP_MAX_NAME 256   /* bytes of one column name */
#define VG_COLMAP_PER_FIELD 8    /* columns remembered per field */

/* One "col=field" pair of --map. */
typedef struct vg_colmap_pair {
	const char *column; /* NUL-terminated, inside the spec's copy */
	size_t column_len;
	uint32_t position; /* 1-based when column is all digits, else 0 */
	vg_field field;    /* VG_FIELD_NONE for "ignore" */
} vg_colmap_pair;

typedef struct vg_colmap_spec {
	char *text; /* owned copy, cut into the pairs' names */
	size_t n;
	vg_colmap_pair pairs[VG_TABLE_MAX_FIELDS];
} vg_colmap_spec;

/*
 * Parses `--map` text: "col=field[,col=field...]", spaces around names
 * ignored; col is a header name, or a 1-based column number. Returns 0, or
 * VG_EUSAGE with a message (in lang) saying which pair is wrong and why.
 * On error spec holds nothing to release.
 */
int vg_colmap_spec_parse(vg_colmap_spec *spec, const char *s, vg_lang lang,
                         vg_err *err) VG_MUST_CHECK;
void vg_colmap_spec_release(vg_colmap_spec *spec);

/* True when the spec names this column (exactly, or by its folded form). */
bool vg_colmap_spec_names(const vg_colmap_spec *spec, const char *name, size_t n);

/* The mapping of one file's columns. */
typedef struct vg_colmap {
	size_t ncolumns;
	uint8_t field[VG_TABLE_MAX_FIELDS];                  /* vg_field of each column */
	bool explicit_map[VG_TABLE_MAX_FIELDS];              /* set by --map rather than guessed */
	uint32_t count[VG_FIELD__COUNT];                     /* columns holding each field */
	uint16_t cols[VG_FIELD__COUNT][VG_COLMAP_PER_FIELD]; /* the first ones, in order */
	size_t nunknown;
	uint16_t unknown[VG_TABLE_MAX_FIELDS]; /* columns that match no field */
	size_t nmissing; /* --map pairs naming a column the file lacks (PARTIAL) */
} vg_colmap;

enum {
	/* pairs naming an absent column are counted, not an error (JSONL, whose
	 * columns can still appear later) */
	VG_COLMAP_PARTIAL = 1u << 0,
};

/*
 * Maps ncolumns columns. names may be NULL (a file without header: only
 * numbered pairs of spec apply); spec may be NULL. Returns 0, or VG_EUSAGE
 * (in lang) when a pair of spec names a column the file does not have.
 */
int vg_colmap_build(vg_colmap *m, const vg_table_field *names, size_t ncolumns,
                    const vg_colmap_spec *spec, unsigned flags, vg_lang lang,
                    vg_err *err) VG_MUST_CHECK;

/* The first column holding f, or -1. */
static inline int vg_colmap_col(const vg_colmap *m, vg_field f)
{
	return m->count[f] ? (int)m->cols[f][0] : -1;
}

#endif
