/*
 * vigie/config.h: a small configuration file parser, for `vigie report`
 * now and `vigie serve` / `vigie notify` later.
 *
 * The format (docs/report.md has the full rules, with examples):
 *
 *   # a comment line
 *   [section]
 *   key = value
 *   key2 = "quoted: keeps  spaces, \"escapes\", \\, \n and \t"
 *   list =
 *       first line of a multi-line value
 *       second line (an indented line continues the value above)
 *
 *  - UTF-8 only (a leading BOM is skipped); LF or CRLF line ends; no NUL, no
 *    control characters other than tab.
 *  - Section and key names: ASCII letters, digits, '_', '-', '.'; compared
 *    case-insensitively (stored in lowercase). Keys before any [section]
 *    belong to the section "".
 *  - '#' starts a comment only as the first non-blank character of a line;
 *    elsewhere it is part of the value.
 *  - Values are trimmed of spaces and tabs. An indented line right after a
 *    key line (no blank or comment line between) continues the value: it is
 *    appended after a '\n'. A quoted value cannot continue.
 *  - A key twice in one section, or a section header twice, is an error.
 *
 * Every error names the file and line ("report.conf:12: ..."), in the
 * language given to vg_config_init(). Sizes are bounded by the VG_CONFIG_MAX_*
 * constants; a file over a limit is refused with VG_ETOOBIG.
 *
 * Ownership: the vg_config owns every string it returns; they live until
 * vg_config_release().
 */
#ifndef VIGIE_CONFIG_H
#define VIGIE_CONFIG_H

#include "vigie/core.h"

#include <stdbool.h>

#define VG_CONFIG_MAX_BYTES (1024 * 1024) /* a whole file */
#define VG_CONFIG_MAX_LINE 4096           /* one line, without its line end */
#define VG_CONFIG_MAX_VALUE 16384         /* a value, continuation lines joined */
#define VG_CONFIG_MAX_NAME 64             /* a key or section name */
#define VG_CONFIG_MAX_ENTRIES 1024        /* keys in a file */
#define VG_CONFIG_MAX_SECTIONS 128        /* section headers in a file */

typedef struct vg_config_entry {
	const char *section; /* lowercase; "" before any header */
	const char *key;     /* lowercase */
	const char *value;   /* NUL-terminated valid UTF-8; may hold '\n' */
	size_t value_len;
	unsigned line; /* line of the key */
	bool used;     /* set by vg_config_get() and friends */
} vg_config_entry;

typedef struct vg_config_section {
	const char *name;
	unsigned line;
} vg_config_section;

typedef struct vg_config {
	char *name; /* the file name used in messages */
	vg_lang lang;
	vg_config_entry *entries;
	size_t n, cap;
	vg_config_section *sections;
	size_t n_sections, cap_sections;
} vg_config;

/* A known key, for vg_config_validate(). */
typedef struct vg_config_key {
	const char *section;
	const char *key;
	bool required;
} vg_config_key;

/* An empty configuration; error messages in lang. */
void vg_config_init(vg_config *c, vg_lang lang);
/* Frees everything c owns and empties it. */
void vg_config_release(vg_config *c);

/*
 * Parses data[0..n) (not NUL-terminated) named name (for messages) and adds
 * its keys to c. On error, c keeps the keys parsed before the bad line; it
 * must still be released. Messages name the last file parsed: use one
 * vg_config per file.
 */
int vg_config_parse(vg_config *c, const char *name, const char *data, size_t n,
                    vg_err *err) VG_MUST_CHECK;

/* Reads and parses the file at path: VG_ENOTFOUND, VG_EIO, VG_ETOOBIG too. */
int vg_config_load(vg_config *c, const char *path, vg_err *err) VG_MUST_CHECK;

/* The entry for section/key (lowercase), marked used; NULL if absent. */
const vg_config_entry *vg_config_find(vg_config *c, const char *section, const char *key);
/* Its value, or NULL if absent. */
const char *vg_config_get(vg_config *c, const char *section, const char *key);

/*
 * An unsigned integer value in [min, max] into *out; an absent key leaves
 * *out untouched and returns 0. VG_EINVAL (with file:line) if malformed or
 * out of range.
 */
int vg_config_get_uint(vg_config *c, const char *section, const char *key, uint64_t min,
                       uint64_t max, uint64_t *out, vg_err *err) VG_MUST_CHECK;

/* A boolean (true/false, yes/no, on/off, oui/non, 1/0); same rules. */
int vg_config_get_bool(vg_config *c, const char *section, const char *key, bool *out,
                       vg_err *err) VG_MUST_CHECK;

/*
 * Checks c against the known keys: VG_EINVAL naming the first unknown key or
 * section (with its line and, for a near miss, the known key it resembles),
 * or the first missing required key. The message counts the other problems.
 */
int vg_config_validate(const vg_config *c, const vg_config_key *keys, size_t n_keys,
                       vg_err *err) VG_MUST_CHECK;

/* "file:line" style location prefix for a message about an entry's value. */
int vg_config_errf(const vg_config *c, const vg_config_entry *e, vg_err *err, int code,
                   const char *fmt, ...) VG_PRINTF(5, 6);

#endif
