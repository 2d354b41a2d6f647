/*
 * vigie/exposure.h: "was this identifier exposed, and what with it?", the
 * answer `vigie check` gives, over a vg_registry.
 *
 * The pieces:
 *
 *   vg_exposure_name_dob_key()  the name + date of birth key, computed the
 *                               same way by ingest (when it writes) and by
 *                               check (when it looks up): the words of the
 *                               canonical name sorted, '\0', the canonical
 *                               date. "Jean Dupont" and "DUPONT Jean" give
 *                               the same key.
 *   vg_exposure_check()         normalizes a raw identifier of one kind,
 *                               looks it up, and says exposed or not, with
 *                               its categories and sources.
 *   vg_exposure_json() / _text() the answer for programs and for people,
 *                               with the advice that fits the categories
 *                               (vg_advice_for()).
 *
 * What is shown back: the canonical form is kept in the result (the
 * operator's screen may show how the value was read), but the JSON view
 * never holds it, so that helpdesk logs of `check --json` or `--batch` do
 * not become a list of identifiers. Reasons never quote the value.
 *
 * Pure functions over an open registry (thread-safe like the registry);
 * vg_exposure_text() writes to a FILE.
 */
#ifndef VIGIE_EXPOSURE_H
#define VIGIE_EXPOSURE_H

#include "vigie/core.h"
#include "vigie/ident.h"
#include "vigie/registry.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The registry directory to use: dir when non-NULL, else $VIGIE_REGISTRY
 * when set and not empty, else "vigie-registry" (the ingest's default). */
const char *vg_exposure_registry_dir(const char *dir);

/*
 * Opens the live registry of dir for reading. With want_key, the key is
 * resolved as vg_regkey_resolve() does (key_file, else $VIGIE_REGISTRY_KEY,
 * else DIR/registry.key; never created), the registry is opened with it
 * (its key id must match) and *key receives it (free it after closing the
 * registry); without, *key is set to NULL. When the key cannot be found
 * and dir holds no registry, the error says there is no registry (not that
 * the key is missing). Errors: VG_ENOTFOUND (no registry), VG_ECORRUPT,
 * VG_EIO, VG_EINVAL (key), with a message in err.
 */
int vg_exposure_open(const char *dir, const char *key_file, bool want_key, vg_registry **reg,
                     vg_regkey **key, vg_err *err) VG_MUST_CHECK;

/* Room for a name + dob key: a canonical name, '\0', a canonical date, '\0'. */
#define VG_EXPOSURE_KEY_MAX (VG_CANON_MAX + 16)

/*
 * The name + date of birth key, from a canonical name (vg_name's c.s: lower
 * case ASCII words separated by single spaces) and a canonical date of birth
 * (vg_dob's c.s, YYYY-MM-DD): the words of the name sorted bytewise (a word
 * before any longer word it starts), joined by single spaces, then one '\0',
 * then the date. Duplicate words are kept. The result, out[0..len), is what
 * vg_regkey_prf(key, VG_IDTAB_NAME_DOB, out, len) takes; out is also NUL-
 * terminated after the date. No allocation.
 * Returns len, or 0 when name or dob is empty, name_len >= VG_CANON_MAX or
 * dob_len > 10 (not canonical forms).
 */
size_t vg_exposure_name_dob_key(const char *name, size_t name_len, const char *dob, size_t dob_len,
                                char out[VG_EXPOSURE_KEY_MAX]);
/* The same key for the name "a b" (two canonical names joined by one space),
 * without the copy when each is one word (ingest: first name + last name);
 * words: the caller knows that neither holds a space (vg_name.ntokens). */
size_t vg_exposure_name_pair_key(const char *a, size_t an, const char *b, size_t bn,
                                 const char *dob, size_t dob_len, bool words,
                                 char out[VG_EXPOSURE_KEY_MAX]);

/* What a check asks about: one of the registry's identifier tables. */

/*
 * Parses a kind as `vigie check --batch` writes it: "email", "phone", "nir",
 * "id" (or "ft_id") and "name" (or "name_dob"). n bytes, exact, lowercase.
 * VG_EINVAL if unknown.
 */
int vg_exposure_kind_parse(const char *s, size_t n, vg_idtab *out) VG_MUST_CHECK;

/* The name a check result shows for a table: "email", "phone", "nir", "id",
 * "name" (the `--batch` spelling). "?" when out of range. */
const char *vg_exposure_kind_name(vg_idtab t);

/* The answer of one check. */
typedef struct vg_exposure {
	vg_idtab table;
	bool has_kind;           /* false: a batch line whose kind is unknown */
	bool valid;              /* false: invalid identifier or line (reason) */
	const vg_reason *reason; /* why invalid, or NULL */
	/* what was invalid: "email", "phone", "nir", "id", "name", "dob", or
	 * "line" / "kind" for a malformed batch line; NULL when valid */
	const char *field;
	bool exposed;
	uint16_t cats;    /* VG_CAT_BIT()s exposed with it */
	uint16_t sources; /* bit i: source i of the registry */
	uint16_t special; /* the subset of sources flagged VG_SOURCE_SPECIAL */
	/* The canonical form, for the operator's screen (not in the JSON): the
	 * canonical identifier, or for name + dob the canonical name in its
	 * input order, one space, the date. */
	char shown[VG_EXPOSURE_KEY_MAX];
	size_t shown_len;
	/* What is looked up: the canonical form, or the name + dob key. */
	char key[VG_EXPOSURE_KEY_MAX];
	size_t key_len;
} vg_exposure;

/*
 * The first half of a check, without a registry: normalizes value[0..n) as
 * the table's kind (with dob[0..dob_n) for VG_IDTAB_NAME_DOB; ignored
 * otherwise) into out (valid, shown, key). 0, or VG_EINVAL when invalid
 * (out->reason, out->field). Lets a caller refuse an invalid identifier
 * before it opens a registry.
 */
int vg_exposure_prepare(vg_idtab t, const char *value, size_t n, const char *dob, size_t dob_n,
                        vg_exposure *out) VG_MUST_CHECK;

/* The second half: looks a prepared, valid out up in r and fills exposed,
 * cats, sources, special. 0, VG_EINVAL if out is not valid, VG_EUSAGE when r
 * was opened without a key. */
int vg_exposure_lookup(const vg_registry *r, vg_exposure *out) VG_MUST_CHECK;

/*
 * Checks one identifier given raw, as a person types it: value[0..n) is
 * normalized as the table's kind (email, phone, NIR, France Travail id, or a
 * full name with dob[0..dob_n) for VG_IDTAB_NAME_DOB; dob is ignored
 * otherwise), then looked up in r. Returns 0 with *out filled (exposed or
 * not); VG_EINVAL when the identifier is invalid (out->valid false,
 * out->reason set); VG_EUSAGE when r was opened without a key.
 */
int vg_exposure_check(const vg_registry *r, vg_idtab t, const char *value, size_t n,
                      const char *dob, size_t dob_n, vg_exposure *out) VG_MUST_CHECK;

/*
 * Checks one line of a `vigie check --batch` file: "kind<TAB>value", or
 * "name<TAB>full name<TAB>date of birth" (line[0..n), without its line end).
 * A malformed line (no tab, unknown kind, a name without its date, an empty
 * line) gives VG_EINVAL with out->field "line" or "kind" and a reason with
 * a stable code (batch_no_tab, batch_unknown_kind, batch_no_dob,
 * batch_empty_line); an invalid identifier gives VG_EINVAL as
 * vg_exposure_check() does. 0 when checked; VG_EUSAGE without a key.
 */
int vg_exposure_check_line(const vg_registry *r, const char *line, size_t n,
                           vg_exposure *out) VG_MUST_CHECK;

/* The reason for a batch line over the length limit (batch_line_too_long),
 * for callers that cut long lines (vg_lines). */
extern const vg_reason vg_exposure_reason_line_too_long;

/* Fills *out as a malformed line with reason r (field "line"). */
void vg_exposure_set_malformed(vg_exposure *out, const vg_reason *r);

/* The advice mask for vg_advice_for(): the categories as VG_DATACAT_BIT()s,
 * plus VG_ADVICE_SPECIAL when a special-category source holds it. */
uint32_t vg_exposure_advice_mask(const vg_exposure *e);

/*
 * The JSON view (a new object; the caller owns the reference):
 *   {"kind": "email", "valid": true, "exposed": true,
 *    "categories": ["name", "email", ...],            stable names
 *    "category_labels": ["Nom et prénom", ...],       in lang
 *    "sources": ["France Travail", "Cap Emploi"],
 *    "special_category": true,                       a special source holds it
 *    "special_sources": ["Cap Emploi"],
 *    "advice": [{"code", "title", "text"}, ...]}
 * An invalid identifier or line gives {"kind" (null if unknown), "valid":
 * false, "exposed": null (it could not be checked), "categories": [],
 * "sources": [], "error": {"code", "field", "message"}}. Not exposed:
 * "exposed": false, empty arrays, "special_category": false and no advice.
 * No identifier in the object. r names the sources; it may be NULL for an
 * invalid result (from vg_exposure_prepare()).
 */
json_t *vg_exposure_json(const vg_registry *r, const vg_exposure *e, vg_lang lang);

/*
 * The answer for people, on f: the canonical form that was checked, exposed
 * or not, the categories (labels in lang), the sources (a special-category
 * source is marked, with one sentence on what that means), and the advice.
 * VG_EIO if writing fails.
 */
int vg_exposure_text(const vg_registry *r, const vg_exposure *e, vg_lang lang,
                     FILE *f) VG_MUST_CHECK;

#include "vigie/report.h"

/*
 * Fills the registry half of a report input (sources, categories, totals,
 * key id, version) from r's statistics. sources has room for
 * VG_SOURCE_MAX entries and key_id for VG_REGKEY_ID_HEX + 1 bytes; both
 * must outlive in.
 */
void vg_exposure_report_input(const vg_registry *r, vg_report_source *sources, char *key_id,
                              vg_report_input *in);

#endif
