/*
 * row.c: one row of a leak to registry entries, the pure core of ingest.
 *
 * The reader thread hands over the identifier fields of a row as slices
 * (vg_ingest_item) with the categories present in the row and its source;
 * this file normalizes each field with the identifier library and makes the
 * entries. Nothing here allocates or does I/O, so the worker threads call it
 * on every row, and the unit tests call it on hand-made rows.
 *
 * Invariants:
 *   1. every non-blank item is either an entry's input or listed invalid
 *      (a second valid date of birth or first name is neither: it is
 *      valid, and unused; docs/ingest.md says which one is used);
 *   2. entries carry exactly the row's categories and sources;
 *   3. at most VG_INGEST_ROW_ENTRIES_MAX entries: 4 kinds x 8 columns
 *      (vg_colmap keeps at most 8 columns per field) + 3 name pairs + 8
 *      full names.
 */
#include "vigie/dob.h"
#include "vigie/email.h"
#include "vigie/exposure.h"
#include "vigie/ftid.h"
#include "vigie/ingest.h"
#include "vigie/name.h"
#include "vigie/nir.h"
#include "vigie/phone.h"

#include <string.h>

_Static_assert(4 * VG_COLMAP_PER_FIELD + 3 + VG_COLMAP_PER_FIELD <= VG_INGEST_ROW_ENTRIES_MAX,
               "room for every entry of a row");
_Static_assert(10 * VG_COLMAP_PER_FIELD <= VG_INGEST_ROW_ITEMS_MAX, "room for every item");

const vg_reason vg_ingest_reason_field_count = {
    "field_count",
    "nombre de champs différent de celui de l'en-tête (ligne tronquée ou séparateur en trop)",
    "number of fields differs from the header's (truncated row or stray delimiter)"};
const vg_reason vg_ingest_reason_no_identifier = {
    "no_identifier",
    "aucun identifiant utilisable (email, téléphone, NIR, identifiant, nom et date de naissance)",
    "no usable identifier (email, phone, NIR, id, name and date of birth)"};
const vg_reason vg_ingest_reason_no_source = {
    "no_source", "colonne source vide (indiquez --source si le fichier n'a qu'une source)",
    "empty source column (give --source if the file holds one source)"};
const vg_reason vg_ingest_reason_source_truncated = {
    "source_truncated", "source coupée (début du nom d'une source connue) : ligne tronquée",
    "source cut short (the start of a known source's name): truncated row"};
const vg_reason vg_ingest_reason_bad_source = {
    "bad_source", "source illisible (plus de 55 octets ou caractères de contrôle)",
    "unreadable source (over 55 bytes or control characters)"};
const vg_reason vg_ingest_reason_too_many_sources = {
    "too_many_sources",
    "trop de sources nouvelles dans la colonne source (utilisez --source ou --map)",
    "too many new sources in the source column (use --source or --map)"};
const vg_reason vg_ingest_reason_other = {"other", "autre motif", "other reason"};

const char *vg_ingest_kind_name(vg_ingest_kind k)
{
	static const char *const names[VG_INGEST__KINDS] = {"email", "phone", "nir",
	                                                    "ft_id", "dob",   "name"};
	return (unsigned)k < VG_INGEST__KINDS ? names[k] : "?";
}

uint16_t vg_ingest_field_cats(vg_field f)
{
	switch (f) {
	case VG_FIELD_USAGE_NAME:
	case VG_FIELD_BIRTH_NAME:
	case VG_FIELD_FAMILY_NAME:
	case VG_FIELD_FIRST_NAME:
	case VG_FIELD_FULL_NAME:
		return VG_CAT_BIT(VG_CAT_NAME);
	case VG_FIELD_SEX:
		return VG_CAT_BIT(VG_CAT_SEX);
	case VG_FIELD_DOB:
		return VG_CAT_BIT(VG_CAT_DOB);
	case VG_FIELD_NIR:
		return VG_CAT_BIT(VG_CAT_NIR) | VG_CAT_BIT(VG_CAT_SEX) |
		       VG_CAT_BIT(VG_CAT_BIRTHPLACE);
	case VG_FIELD_EMAIL:
		return VG_CAT_BIT(VG_CAT_EMAIL);
	case VG_FIELD_PHONE:
		return VG_CAT_BIT(VG_CAT_PHONE);
	case VG_FIELD_ADDRESS:
		return VG_CAT_BIT(VG_CAT_ADDRESS);
	case VG_FIELD_FT_ID:
		return VG_CAT_BIT(VG_CAT_FTID);
	case VG_FIELD_BIRTHPLACE:
		return VG_CAT_BIT(VG_CAT_BIRTHPLACE);
	case VG_FIELD_STATUS:
	case VG_FIELD_REG_START:
	case VG_FIELD_REG_END:
		return VG_CAT_BIT(VG_CAT_REGISTRATION);
	default:
		return 0;
	}
}

bool vg_ingest_field_is_ident(vg_field f)
{
	switch (f) {
	case VG_FIELD_EMAIL:
	case VG_FIELD_PHONE:
	case VG_FIELD_NIR:
	case VG_FIELD_FT_ID:
	case VG_FIELD_DOB:
	case VG_FIELD_USAGE_NAME:
	case VG_FIELD_BIRTH_NAME:
	case VG_FIELD_FAMILY_NAME:
	case VG_FIELD_FIRST_NAME:
	case VG_FIELD_FULL_NAME:
		return true;
	default:
		return false;
	}
}

bool vg_ingest_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

void vg_ingest_reasons_add(vg_ingest_reasons *rs, const vg_reason *r, uint64_t count)
{
	if (!r)
		r = &vg_ingest_reason_other;
	rs->total += count;
	for (;;) {
		for (size_t i = 0; i < rs->n; i++) {
			if (rs->reason[i] == r) {
				rs->count[i] += count;
				return;
			}
		}
		/* the last slot is kept for "other" */
		if (rs->n < VG_INGEST_MAX_REASONS - 1 ||
		    (rs->n < VG_INGEST_MAX_REASONS && r == &vg_ingest_reason_other)) {
			rs->reason[rs->n] = r;
			rs->count[rs->n++] = count;
			return;
		}
		r = &vg_ingest_reason_other;
	}
}

/* Whether c is a byte vg_ingest_blank() skips (a field that starts with
 * another is not blank: no call). */
static inline bool blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ------------------------------------------------------------ the row */

/* Adds an entry to out. */
static void put(vg_ingest_rowres *out, vg_idtab t, uint64_t key, uint16_t cats, uint16_t sources)
{
	vg_regentry *e = &out->e[out->nentries++];
	e->key = key;
	e->cats = cats;
	e->sources = sources;
	e->table = (uint8_t)t;
}

/* Lists an invalid field. */
static void bad(vg_ingest_rowres *out, vg_ingest_kind k, const vg_reason *r)
{
	out->invalid[out->ninvalid].kind = k;
	out->invalid[out->ninvalid].reason = r;
	out->ninvalid++;
}

/* The NAME_DOB entry for canonical name a (+ ' ' + b when b) and date d;
 * skipped when it equals one already made for this row. */
static void name_entry(const vg_regkey *k, vg_ingest_rowres *out, const vg_name *a,
                       const vg_name *b, const vg_dob *d, uint16_t cats, uint16_t sources)
{
	char key[VG_EXPOSURE_KEY_MAX];
	/* longer than any canonical name: not a key check could make (0) */
	size_t kn = b ? vg_exposure_name_pair_key(a->c.s, a->c.len, b->c.s, b->c.len, d->c.s,
	                                          d->c.len, a->ntokens == 1 && b->ntokens == 1, key)
	              : vg_exposure_name_dob_key(a->c.s, a->c.len, d->c.s, d->c.len, key);
	if (kn == 0)
		return;
	uint64_t p = vg_regkey_prf(k, VG_IDTAB_NAME_DOB, key, kn);
	for (size_t i = 0; i < out->nentries; i++)
		if (out->e[i].table == VG_IDTAB_NAME_DOB && out->e[i].key == p)
			return;
	put(out, VG_IDTAB_NAME_DOB, p, cats, sources);
}

/* Copies valid name a into *to (the bytes of its form that are used). */
static void copy_name(vg_name *to, const vg_name *a)
{
	memcpy(to->c.s, a->c.s, a->c.len + 1);
	to->c.len = a->c.len;
	to->c.reason = NULL;
	to->ntokens = a->ntokens;
	to->non_ascii = a->non_ascii;
	to->transliterated = a->transliterated;
	to->title = a->title;
}

/* Whether two valid names have the same canonical form. */
static bool same_name(const vg_name *a, const vg_name *b)
{
	return a->c.len == b->c.len && !memcmp(a->c.s, b->c.s, a->c.len);
}

size_t vg_ingest_row(const vg_regkey *k, const vg_ingest_item *items, size_t nitems, uint16_t cats,
                     uint16_t sources, vg_ingest_rowres *out)
{
	/* one of each (the first valid), full names up to 8 */
	vg_name first, usage, birth, family, full[VG_COLMAP_PER_FIELD];
	bool has_first = false, has_usage = false, has_birth = false, has_family = false;
	/* the input of each valid one of the four (a usage name is most often
	 * the birth name again: made once, copied) */
	struct {
		const char *s;
		size_t n;
		const vg_name *v;
	} made[4];
	size_t nmade = 0;
	size_t nfull = 0;
	vg_dob dob;
	bool has_dob = false;
	union {
		vg_email email;
		vg_phone phone;
		vg_nir nir;
		vg_ftid ftid;
		vg_dob dob;
	} u;

	out->nentries = 0;
	out->ninvalid = 0;
	if (nitems > VG_INGEST_ROW_ITEMS_MAX)
		nitems = VG_INGEST_ROW_ITEMS_MAX;
	for (size_t i = 0; i < nitems; i++) {
		const char *s = items[i].s;
		size_t n = items[i].len;
		if (n == 0 || (blank_byte(s[0]) && vg_ingest_blank(s, n)))
			continue;
		switch (items[i].field) {
		case VG_FIELD_EMAIL:
			if (vg_email_normalize(s, n, &u.email) == 0)
				put(out, VG_IDTAB_EMAIL,
				    vg_regkey_prf(k, VG_IDTAB_EMAIL, u.email.c.s, u.email.c.len),
				    cats, sources);
			else
				bad(out, VG_INGEST_EMAIL, u.email.c.reason);
			break;
		case VG_FIELD_PHONE:
			if (vg_phone_normalize(s, n, &u.phone) == 0)
				put(out, VG_IDTAB_PHONE,
				    vg_regkey_prf(k, VG_IDTAB_PHONE, u.phone.c.s, u.phone.c.len),
				    cats, sources);
			else
				bad(out, VG_INGEST_PHONE, u.phone.c.reason);
			break;
		case VG_FIELD_NIR:
			if (vg_nir_normalize(s, n, &u.nir) == 0)
				put(out, VG_IDTAB_NIR,
				    vg_regkey_prf(k, VG_IDTAB_NIR, u.nir.c.s, u.nir.c.len), cats,
				    sources);
			else
				bad(out, VG_INGEST_NIR, u.nir.c.reason);
			break;
		case VG_FIELD_FT_ID:
			if (vg_ftid_normalize(s, n, &u.ftid) == 0)
				put(out, VG_IDTAB_FTID,
				    vg_regkey_prf(k, VG_IDTAB_FTID, u.ftid.c.s, u.ftid.c.len), cats,
				    sources);
			else
				bad(out, VG_INGEST_FTID, u.ftid.c.reason);
			break;
		case VG_FIELD_DOB:
			if (has_dob)
				break; /* the first valid date is the one used */
			if (vg_dob_normalize(s, n, &dob) == 0)
				has_dob = true;
			else
				bad(out, VG_INGEST_DOB, dob.c.reason);
			break;
		case VG_FIELD_FIRST_NAME:
		case VG_FIELD_USAGE_NAME:
		case VG_FIELD_BIRTH_NAME:
		case VG_FIELD_FAMILY_NAME: {
			vg_field f = items[i].field;
			vg_name *dst = f == VG_FIELD_FIRST_NAME   ? &first
			               : f == VG_FIELD_USAGE_NAME ? &usage
			               : f == VG_FIELD_BIRTH_NAME ? &birth
			                                          : &family;
			bool *has = f == VG_FIELD_FIRST_NAME   ? &has_first
			            : f == VG_FIELD_USAGE_NAME ? &has_usage
			            : f == VG_FIELD_BIRTH_NAME ? &has_birth
			                                       : &has_family;
			if (*has)
				break;
			const vg_name *same = NULL;
			for (size_t j = 0; j < nmade && !same; j++)
				if (made[j].n == n && !memcmp(made[j].s, s, n))
					same = made[j].v;
			if (same) {
				copy_name(dst, same);
				*has = true;
			} else if (vg_name_normalize(s, n, dst) == 0) {
				*has = true;
				made[nmade].s = s;
				made[nmade].n = n;
				made[nmade].v = dst;
				nmade++;
			} else {
				bad(out, VG_INGEST_NAME, dst->c.reason);
			}
			break;
		}
		case VG_FIELD_FULL_NAME:
			if (nfull == VG_COLMAP_PER_FIELD)
				break;
			if (vg_name_normalize(s, n, &full[nfull]) == 0)
				nfull++;
			else
				bad(out, VG_INGEST_NAME, full[nfull].c.reason);
			break;
		default:
			break;
		}
	}
	if (has_dob) {
		/* most people's usage name is their birth name: one key, made once */
		if (has_first) {
			if (has_birth)
				name_entry(k, out, &first, &birth, &dob, cats, sources);
			if (has_usage && !(has_birth && same_name(&usage, &birth)))
				name_entry(k, out, &first, &usage, &dob, cats, sources);
			if (has_family && !(has_birth && same_name(&family, &birth)) &&
			    !(has_usage && same_name(&family, &usage)))
				name_entry(k, out, &first, &family, &dob, cats, sources);
		}
		for (size_t i = 0; i < nfull; i++)
			name_entry(k, out, &full[i], NULL, &dob, cats, sources);
	}
	return out->nentries;
}

/* ------------------------------------------------------------ source names */

size_t vg_ingest_source_name(const char *s, size_t n, char out[VG_SOURCE_NAME_MAX + 1])
{
	size_t len = 0;
	bool space = false, upper = false, lower = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = len > 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (space) {
			if (len >= VG_SOURCE_NAME_MAX)
				return 0;
			out[len++] = ' ';
			space = false;
		}
		if (len >= VG_SOURCE_NAME_MAX)
			return 0;
		upper |= c >= 'A' && c <= 'Z';
		lower |= c >= 'a' && c <= 'z';
		out[len++] = (char)c;
	}
	out[len] = '\0';
	if (len == 0 || !vg_utf8_valid(out, len))
		return 0;
	if (upper && lower)
		return len;
	/* all capitals or all lowercase: title-case the ASCII letters */
	bool start = true;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];
		bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
		if (letter)
			out[i] = (char)(start ? (c & ~0x20) : (c | 0x20));
		start = !letter && c < 0x80 && c != '\'';
		if (c >= 0x80)
			start = false;
	}
	return len;
}
