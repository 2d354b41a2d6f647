/*
 * check.c: one identifier against the registry, and the answer in JSON and
 * in text, with the advice that fits what was exposed.
 *
 * The registry's categories (vg_category) and the advice module's
 * (vg_datacat) are the same list in the same order: the payload bits are
 * advice bits, checked at compile time below.
 *
 * Privacy: the JSON view carries no identifier (helpdesk logs of it are not
 * a list of identifiers); the text view shows the canonical form once, to the
 * operator who typed it, so they see how it was read. Reasons never quote
 * the value. A special-category source is named (the person has a right to
 * know where their data was) but marked soberly, with one sentence on what
 * it means, and the advice module's special_category item.
 */
#include "vigie/exposure.h"

#include "vigie/advice.h"
#include "vigie/dob.h"
#include "vigie/name.h"

#include <string.h>

_Static_assert((int)VG_CAT__COUNT == (int)VG_DATACAT_COUNT, "category lists differ");
_Static_assert((int)VG_CAT_NAME == (int)VG_DATACAT_NAME && (int)VG_CAT_NIR == (int)VG_DATACAT_NIR &&
                   (int)VG_CAT_DOB == (int)VG_DATACAT_DOB &&
                   (int)VG_CAT_FTID == (int)VG_DATACAT_FTID &&
                   (int)VG_CAT_EMAIL == (int)VG_DATACAT_EMAIL &&
                   (int)VG_CAT_ADDRESS == (int)VG_DATACAT_ADDRESS &&
                   (int)VG_CAT_PHONE == (int)VG_DATACAT_PHONE &&
                   (int)VG_CAT_SEX == (int)VG_DATACAT_SEX &&
                   (int)VG_CAT_BIRTHPLACE == (int)VG_DATACAT_BIRTHPLACE &&
                   (int)VG_CAT_REGISTRATION == (int)VG_DATACAT_REGISTRATION,
               "category orders differ");

static const vg_reason reason_no_tab = {"batch_no_tab",
                                        "ligne mal formée : attendu « type<TAB>valeur »",
                                        "malformed line: expected \"kind<TAB>value\""};
static const vg_reason reason_unknown_kind = {
    "batch_unknown_kind", "type inconnu (attendu email, phone, nir, id ou name)",
    "unknown kind (expected email, phone, nir, id or name)"};
static const vg_reason reason_no_dob = {
    "batch_no_dob", "ligne mal formée : attendu « name<TAB>nom complet<TAB>date de naissance »",
    "malformed line: expected \"name<TAB>full name<TAB>date of birth\""};
static const vg_reason reason_empty_line = {"batch_empty_line", "ligne vide", "empty line"};
const vg_reason vg_exposure_reason_line_too_long = {"batch_line_too_long", "ligne trop longue",
                                                    "line too long"};

static const struct {
	const char *name;
	vg_idtab t;
} kinds[] = {
    {"email", VG_IDTAB_EMAIL},       {"phone", VG_IDTAB_PHONE}, {"nir", VG_IDTAB_NIR},
    {"id", VG_IDTAB_FTID},           {"ft_id", VG_IDTAB_FTID},  {"name", VG_IDTAB_NAME_DOB},
    {"name_dob", VG_IDTAB_NAME_DOB},
};

/* Parses a batch kind. */
int vg_exposure_kind_parse(const char *s, size_t n, vg_idtab *out)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strlen(kinds[i].name) == n && memcmp(kinds[i].name, s, n) == 0) {
			*out = kinds[i].t;
			return 0;
		}
	}
	return VG_EINVAL;
}

/* The batch spelling of a table's kind. */
const char *vg_exposure_kind_name(vg_idtab t)
{
	static const char *const names[VG_IDTAB__COUNT] = {"email", "phone", "nir", "id", "name"};
	return (unsigned)t < VG_IDTAB__COUNT ? names[t] : "?";
}

/* Marks out invalid with reason r about field. */
static int invalid(vg_exposure *out, const char *field, const vg_reason *r)
{
	out->valid = false;
	out->exposed = false;
	out->cats = out->sources = out->special = 0;
	out->reason = r;
	out->field = field;
	return VG_EINVAL;
}

/* Fills *out as a malformed batch line. */
void vg_exposure_set_malformed(vg_exposure *out, const vg_reason *r)
{
	memset(out, 0, sizeof(*out));
	(void)invalid(out, "line", r);
}

/* Normalizes the identifier into out's shown form and lookup key. */
int vg_exposure_prepare(vg_idtab t, const char *value, size_t n, const char *dob, size_t dob_n,
                        vg_exposure *out)
{
	memset(out, 0, sizeof(*out));
	out->table = t;
	if ((unsigned)t >= VG_IDTAB__COUNT)
		return invalid(out, "kind", &reason_unknown_kind);
	out->has_kind = true;
	if (t == VG_IDTAB_NAME_DOB) {
		vg_name nm;
		vg_dob d;
		if (vg_name_normalize(value, n, &nm) != 0)
			return invalid(out, "name", nm.c.reason);
		if (vg_dob_normalize(dob ? dob : "", dob ? dob_n : 0, &d) != 0)
			return invalid(out, "dob", d.c.reason);
		out->key_len = vg_exposure_name_dob_key(nm.c.s, nm.c.len, d.c.s, d.c.len, out->key);
		if (out->key_len == 0)
			return invalid(out, "name", &vg_reason_empty);
		/* canonical forms: at most 511 + 1 + 10 bytes */
		memcpy(out->shown, nm.c.s, nm.c.len);
		out->shown[nm.c.len] = ' ';
		memcpy(out->shown + nm.c.len + 1, d.c.s, d.c.len);
		out->shown_len = nm.c.len + 1 + d.c.len;
		out->shown[out->shown_len] = '\0';
	} else {
		static const vg_kind kind_of[] = {
		    [VG_IDTAB_EMAIL] = VG_KIND_EMAIL,
		    [VG_IDTAB_PHONE] = VG_KIND_PHONE,
		    [VG_IDTAB_NIR] = VG_KIND_NIR,
		    [VG_IDTAB_FTID] = VG_KIND_ID,
		};
		vg_canon c;
		if (vg_ident_normalize(kind_of[t], value, n, &c) != 0)
			return invalid(out, vg_exposure_kind_name(t), c.reason);
		memcpy(out->key, c.s, c.len + 1);
		out->key_len = c.len;
		memcpy(out->shown, c.s, c.len + 1);
		out->shown_len = c.len;
	}
	out->valid = true;
	return 0;
}

/* Looks a prepared identifier up. */
int vg_exposure_lookup(const vg_registry *r, vg_exposure *out)
{
	if (!out->valid)
		return VG_EINVAL;
	vg_reghit hit;
	int rc = vg_registry_check(r, out->table, out->key, out->key_len, &hit);
	if (rc < 0)
		return rc;
	out->exposed = rc == 1;
	out->cats = (uint16_t)(hit.cats & VG_CAT_ALL);
	out->sources = hit.sources;
	out->special = (uint16_t)(hit.sources & vg_registry_special_sources(r));
	return 0;
}

/* Normalizes, looks up, fills *out. */
int vg_exposure_check(const vg_registry *r, vg_idtab t, const char *value, size_t n,
                      const char *dob, size_t dob_n, vg_exposure *out)
{
	int rc = vg_exposure_prepare(t, value, n, dob, dob_n, out);
	return rc ? rc : vg_exposure_lookup(r, out);
}

/* Splits a batch line at its tabs and checks it. */
int vg_exposure_check_line(const vg_registry *r, const char *line, size_t n, vg_exposure *out)
{
	const char *tab = memchr(line, '\t', n);
	if (n == 0) {
		vg_exposure_set_malformed(out, &reason_empty_line);
		return VG_EINVAL;
	}
	if (!tab) {
		vg_exposure_set_malformed(out, &reason_no_tab);
		return VG_EINVAL;
	}
	vg_idtab t;
	if (vg_exposure_kind_parse(line, (size_t)(tab - line), &t) != 0) {
		vg_exposure_set_malformed(out, &reason_unknown_kind);
		out->field = "kind";
		return VG_EINVAL;
	}
	const char *v = tab + 1;
	size_t vn = n - (size_t)(v - line);
	if (t != VG_IDTAB_NAME_DOB)
		return vg_exposure_check(r, t, v, vn, NULL, 0, out);
	const char *tab2 = memchr(v, '\t', vn);
	if (!tab2) {
		vg_exposure_set_malformed(out, &reason_no_dob);
		out->table = t;
		out->has_kind = true;
		return VG_EINVAL;
	}
	const char *d = tab2 + 1;
	return vg_exposure_check(r, t, v, (size_t)(tab2 - v), d, n - (size_t)(d - line), out);
}

/* Categories as advice bits, plus the special flag. */
uint32_t vg_exposure_advice_mask(const vg_exposure *e)
{
	if (!e->valid || !e->exposed)
		return 0;
	uint32_t m = e->cats & VG_DATACAT_ALL;
	if (e->special)
		m |= VG_ADVICE_SPECIAL;
	return m;
}

/* A source's name, or a placeholder for a bit the registry does not name. */
static const char *source_name(const vg_registry *r, unsigned i)
{
	const vg_regsource *s = r ? vg_registry_source(r, i) : NULL;
	return s ? s->name : "?";
}

/* The JSON view of a result. */
json_t *vg_exposure_json(const vg_registry *r, const vg_exposure *e, vg_lang lang)
{
	json_t *o = json_object();
	json_t *cats = json_array(), *labels = json_array(), *srcs = json_array();
	json_t *special = json_array(), *advice = json_array();

	json_object_set_new(
	    o, "kind", e->has_kind ? json_string(vg_exposure_kind_name(e->table)) : json_null());
	json_object_set_new(o, "valid", json_boolean(e->valid));
	if (!e->valid) {
		json_object_set_new(o, "exposed", json_null());
		json_object_set_new(o, "categories", cats);
		json_object_set_new(o, "sources", srcs);
		json_t *err = json_object();
		json_object_set_new(err, "code",
		                    json_string(e->reason ? e->reason->code : "invalid"));
		json_object_set_new(err, "field", e->field ? json_string(e->field) : json_null());
		json_object_set_new(err, "message", json_string(vg_reason_text(e->reason, lang)));
		json_object_set_new(o, "error", err);
		json_decref(labels);
		json_decref(special);
		json_decref(advice);
		return o;
	}
	for (unsigned c = 0; c < VG_CAT__COUNT; c++) {
		if (!(e->cats & VG_CAT_BIT(c)))
			continue;
		json_array_append_new(cats, json_string(vg_datacat_name((vg_datacat)c)));
		json_array_append_new(labels, json_string(vg_datacat_label((vg_datacat)c, lang)));
	}
	for (unsigned i = 0; i < VG_SOURCE_MAX; i++) {
		if (!(e->sources & (1u << i)))
			continue;
		json_array_append_new(srcs, json_string(source_name(r, i)));
		if (e->special & (1u << i))
			json_array_append_new(special, json_string(source_name(r, i)));
	}
	if (e->exposed) {
		vg_advice_list l = vg_advice_for(vg_exposure_advice_mask(e), lang);
		for (size_t i = 0; i < l.n; i++) {
			json_t *a = json_object();
			json_object_set_new(a, "code", json_string(l.item[i].code));
			json_object_set_new(a, "title", json_string(l.item[i].title));
			json_object_set_new(a, "text", json_string(l.item[i].text));
			json_array_append_new(advice, a);
		}
	}
	json_object_set_new(o, "exposed", json_boolean(e->exposed));
	json_object_set_new(o, "categories", cats);
	json_object_set_new(o, "category_labels", labels);
	json_object_set_new(o, "sources", srcs);
	json_object_set_new(o, "special_category", json_boolean(e->special != 0));
	json_object_set_new(o, "special_sources", special);
	json_object_set_new(o, "advice", advice);
	return o;
}

/* Display width of UTF-8 text s[0..n): its code points. */
static size_t width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* True when the token at p (up to a space or the end) is French punctuation
 * that a line must not start with (":", ";", "!", "?", "»"). */
static bool clings(const char *p)
{
	static const char *const marks[] = {":", ";", "!", "?", "\xc2\xbb"};
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		size_t n = strlen(marks[i]);
		if (!strncmp(p, marks[i], n) &&
		    (p[n] == ' ' || p[n] == '\0' || p[n] == ',' || p[n] == '.'))
			return true;
	}
	return false;
}

/* The end of the unbreakable unit starting at p: a word, with a "«" before
 * it and French punctuation after it kept on the same line. */
static const char *word_end(const char *p)
{
	for (;;) {
		bool guillemet = !strncmp(p, "\xc2\xab", 2) && p[2] == ' ';
		while (*p && *p != ' ')
			p++;
		if (guillemet && p[0] == ' ' && p[1] && p[1] != ' ') {
			p++; /* "« Votre": on with the next word */
			continue;
		}
		if (p[0] == ' ' && clings(p + 1)) {
			p++; /* "prime :" or "RIB »" */
			continue;
		}
		return p;
	}
}

/* Writes text wrapped at 78 columns: the first line starts with first, the
 * next ones with indent (both as wide). */
static void wrap2(FILE *f, const char *first, const char *indent, const char *text)
{
	const size_t cols = 78;
	size_t ind = width(indent, strlen(indent)), col = 0;
	bool started = false;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		p = word_end(p);
		size_t wn = (size_t)(p - w), ww = width(w, wn);
		if (wn == 0)
			break;
		if (col == 0) {
			fputs(started ? indent : first, f);
			started = true;
			col = ind;
		} else if (col + 1 + ww > cols) {
			fputc('\n', f);
			fputs(indent, f);
			col = ind;
		} else {
			fputc(' ', f);
			col++;
		}
		fwrite(w, 1, wn, f);
		col += ww;
	}
	if (col)
		fputc('\n', f);
}

/* Writes text wrapped at 78 columns, each line starting with indent. */
static void wrap(FILE *f, const char *indent, const char *text)
{
	wrap2(f, indent, indent, text);
}

#define T(fr, en) (lang == VG_LANG_EN ? (en) : (fr))

/* The answer for people. */
int vg_exposure_text(const vg_registry *r, const vg_exposure *e, vg_lang lang, FILE *f)
{
	if (!e->valid) {
		fprintf(f, "%s : %s\n", T("Identifiant invalide", "Invalid identifier"),
		        vg_reason_text(e->reason, lang));
		return ferror(f) ? VG_EIO : 0;
	}
	static const char *const kind_fr[VG_IDTAB__COUNT] = {"adresse électronique", "téléphone",
	                                                     "NIR", "identifiant France Travail",
	                                                     "nom et date de naissance"};
	static const char *const kind_en[VG_IDTAB__COUNT] = {
	    "email", "phone", "NIR", "France Travail identifier", "name and date of birth"};
	if (lang == VG_LANG_EN)
		fprintf(f, "Checked (%s): %s\n", kind_en[e->table], e->shown);
	else
		fprintf(f, "Vérifié (%s) : %s\n", kind_fr[e->table], e->shown);
	if (!e->exposed) {
		wrap(f, "",
		     T("Résultat : non trouvé. Cet identifiant ne figure pas dans les fichiers "
		       "de la fuite enregistrés dans le registre.",
		       "Result: not found. This identifier is not in the leaked files recorded "
		       "in the registry."));
		return ferror(f) ? VG_EIO : 0;
	}
	wrap(f, "",
	     T("Résultat : EXPOSÉ. Cet identifiant figure dans les données qui ont fuité.",
	       "Result: EXPOSED. This identifier is in the leaked data."));
	fputs(T("\nDonnées exposées avec lui :\n", "\nData exposed with it:\n"), f);
	for (unsigned c = 0; c < VG_CAT__COUNT; c++)
		if (e->cats & VG_CAT_BIT(c))
			fprintf(f, "  - %s\n", vg_datacat_label((vg_datacat)c, lang));
	fputs(T("\nSources :\n", "\nSources:\n"), f);
	for (unsigned i = 0; i < VG_SOURCE_MAX; i++) {
		if (!(e->sources & (1u << i)))
			continue;
		fprintf(f, "  - %s%s\n", source_name(r, i),
		        (e->special & (1u << i)) ? T(" (*)", " (*)") : "");
	}
	if (e->special)
		wrap(f, "    ",
		     T("(*) Source à caractère sensible : figurer dans ce fichier peut révéler une "
		       "information protégée par l'article 9 du RGPD (par exemple une situation de "
		       "handicap). Cette information ne concerne que la personne : ne la "
		       "communiquez "
		       "qu'à elle.",
		       "(*) Sensitive source: being in this file may reveal information protected "
		       "by "
		       "article 9 of the GDPR (for example a disability). This concerns the person "
		       "alone: share it with them only."));
	fputs(T("\nConseils :\n", "\nAdvice:\n"), f);
	vg_advice_list l = vg_advice_for(vg_exposure_advice_mask(e), lang);
	for (size_t i = 0; i < l.n; i++) {
		char num[8];
		snprintf(num, sizeof(num), "%2u. ", (unsigned)(i + 1) % 100);
		wrap2(f, num, "    ", l.item[i].title);
		wrap(f, "    ", l.item[i].text);
	}
	return ferror(f) ? VG_EIO : 0;
}
