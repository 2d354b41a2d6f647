/*
 * brands.c: the list of official domains and brands (data/scan/brands.txt),
 * parsed once when a scanner opens, and a small string map.
 *
 * The file format is described in its header: blocks "[id]" of "key = value"
 * lines. Parsing is strict (an unknown key, a value outside a block, a block
 * without domains is an error with its line number) because the list is
 * maintained by hand and a typo must not silently drop a brand.
 *
 * For each official domain the parser keeps the label that people recognise
 * ("ameli" for ameli.fr, "impots" for impots.gouv.fr: the registrable
 * domain without its public suffix) and its confusable skeleton (UTS #39,
 * lowercased), so that domain.c compares a link's host with them.
 */
#include "scan/scan_int.h"

#include <ctype.h>
#include <libpsl.h>
#include <string.h>
#include <unicode/uspoof.h>

/* ---- String map ---- */

/* FNV-1a over s[0..n). */
static uint32_t hash_str(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Inserts or replaces key (not copied: it must outlive the map). */
void vg_strmap_put(vg_strmap *m, const char *key, int val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		const char **keys = vg_xcalloc(cap, sizeof(*keys));
		int *vals = vg_xcalloc(cap, sizeof(*vals));
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->keys[i])
				continue;
			size_t j = hash_str(m->keys[i], strlen(m->keys[i])) & (cap - 1);
			while (keys[j])
				j = (j + 1) & (cap - 1);
			keys[j] = m->keys[i];
			vals[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
	}
	size_t len = strlen(key);
	size_t j = hash_str(key, len) & (m->cap - 1);
	while (m->keys[j]) {
		if (!strcmp(m->keys[j], key)) {
			m->vals[j] = val;
			return;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = key;
	m->vals[j] = val;
	m->n++;
}

/* The value stored for key[0..n), or -1. */
int vg_strmap_get(const vg_strmap *m, const char *key, size_t n)
{
	if (!m->cap)
		return -1;
	size_t j = hash_str(key, n) & (m->cap - 1);
	while (m->keys[j]) {
		if (!strncmp(m->keys[j], key, n) && m->keys[j][n] == 0)
			return m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	return -1;
}

/* Frees the tables (not the keys). */
void vg_strmap_free(vg_strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- Parsing ---- */

/* Appends a copy of s[0..n) to the string array *v of *n items. */
static char *push_str(char ***v, size_t *n, const char *s, size_t len)
{
	*v = vg_xrealloc(*v, (*n + 1) * sizeof(**v));
	char *c = vg_xmalloc(len + 1);
	memcpy(c, s, len);
	c[len] = 0;
	(*v)[(*n)++] = c;
	return c;
}

/* s[0..n) without leading and trailing blanks. */
static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Lowercase confusable skeleton of a UTF-8 label, or a copy when no checker. */
static char *skeleton(const struct USpoofChecker *sc, const char *s)
{
	char buf[VG_SCAN_HOST_MAX * 4];
	int32_t len = -1;
	if (sc) {
		UErrorCode e = U_ZERO_ERROR;
		len = uspoof_getSkeletonUTF8(sc, 0, s, -1, buf, (int32_t)sizeof(buf), &e);
		if (U_FAILURE(e))
			len = -1;
	}
	if (len < 0) {
		size_t l = strlen(s);
		if (l >= sizeof(buf))
			l = sizeof(buf) - 1;
		memcpy(buf, s, l);
		len = (int32_t)l;
	}
	buf[len] = 0;
	for (int32_t i = 0; i < len; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	return vg_xstrdup(buf);
}

/* The recognisable label of an official domain: its registrable domain
 * without the public suffix ("impots" for impots.gouv.fr). */
static void domain_label(const char *dom, char *out, size_t cap)
{
	const char *reg = psl_registrable_domain(psl_builtin(), dom);
	if (!reg)
		reg = dom;
	size_t l = strcspn(reg, ".");
	if (l >= cap)
		l = cap - 1;
	memcpy(out, reg, l);
	out[l] = 0;
}

/* Splits value[0..n) on blanks (sep == 0) or on sep, calling add for each
 * trimmed non-empty item. */
typedef void (*item_fn)(vg_brands *b, vg_brand *br, int bi, const char *s, size_t n,
                        const struct USpoofChecker *spoof);

static void split(const char *v, size_t n, char sep, item_fn add, vg_brands *b, vg_brand *br,
                  int bi, const struct USpoofChecker *spoof)
{
	size_t i = 0;
	while (i < n) {
		size_t st = i;
		while (i < n && (sep ? v[i] != sep : !isspace((unsigned char)v[i])))
			i++;
		const char *item = v + st;
		size_t len = i - st;
		trim(&item, &len);
		if (len)
			add(b, br, bi, item, len, spoof);
		i++;
	}
}

/* "domains": official (or, in the special blocks, listed) domains. */
static void add_domain(vg_brands *b, vg_brand *br, int bi, const char *s, size_t n,
                       const struct USpoofChecker *spoof)
{
	char *d = push_str(&br->domains, &br->ndomains, s, n);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!strcmp(br->id, "shorteners"))
		vg_strmap_put(&b->shorteners, d, 0);
	else if (!strcmp(br->id, "risky-tlds"))
		vg_strmap_put(&b->risky_tlds, d, 0);
	else if (!strcmp(br->id, "freemail"))
		vg_strmap_put(&b->freemail, d, 0);
	else {
		vg_strmap_put(&b->official, d, bi);
		char label[VG_SCAN_HOST_MAX];
		domain_label(d, label, sizeof(label));
		for (size_t k = 0; k < br->nlabels; k++)
			if (!strcmp(br->labels[k], label))
				return;
		push_str(&br->labels, &br->nlabels, label, strlen(label));
		br->skeletons = vg_xrealloc(br->skeletons, br->nlabels * sizeof(char *));
		br->skeletons[br->nlabels - 1] = skeleton(spoof, label);
	}
}

/* "tokens": brand strings inside foreign domains; "x!" is weak. */
static void add_token(vg_brands *b, vg_brand *br, int bi, const char *s, size_t n,
                      const struct USpoofChecker *spoof)
{
	bool weak = s[n - 1] == '!';
	if (weak)
		n--;
	if (!n)
		return;
	br->tokens = vg_xrealloc(br->tokens, (br->ntokens + 1) * sizeof(*br->tokens));
	vg_brand_token *t = &br->tokens[br->ntokens++];
	t->s = vg_xmalloc(n + 1);
	memcpy(t->s, s, n);
	t->s[n] = 0;
	t->len = n;
	t->weak = weak;
}

/* "names": how texts name the brand; "^Name" is case-sensitive. */
static void add_name(vg_brands *b, vg_brand *br, int bi, const char *s, size_t n,
                     const struct USpoofChecker *spoof)
{
	b->names = vg_xrealloc(b->names, (b->nnames + 1) * sizeof(*b->names));
	vg_brand_name *nm = &b->names[b->nnames++];
	nm->brand = bi;
	nm->case_sensitive = s[0] == '^';
	if (nm->case_sensitive) {
		nm->s = vg_xmalloc(n);
		memcpy(nm->s, s + 1, n - 1);
		nm->s[n - 1] = 0;
		nm->len = n - 1;
		return;
	}
	/* stored folded, as the text it is matched against */
	vg_fold f = {0};
	vg_fold_text(&f, s, n);
	nm->s = vg_xmalloc(f.len + 1);
	memcpy(nm->s, f.s, f.len + 1);
	nm->len = f.len;
	vg_fold_free(&f);
}

/* "except": labels never flagged as lookalikes of this brand. */
static void add_except(vg_brands *b, vg_brand *br, int bi, const char *s, size_t n,
                       const struct USpoofChecker *spoof)
{
	push_str(&br->except, &br->nexcept, s, n);
}

static const struct {
	const char *name;
	int kind;
} kinds[] = {
    {"public", VG_BRAND_PUBLIC}, {"bank", VG_BRAND_BANK},     {"telecom", VG_BRAND_TELECOM},
    {"parcel", VG_BRAND_PARCEL}, {"energy", VG_BRAND_ENERGY}, {"online", VG_BRAND_ONLINE},
};

/* Parses the list (see the file's header for the format). */
int vg_brands_parse(vg_brands *b, const char *text, size_t n, const struct USpoofChecker *spoof,
                    vg_err *err)
{
	memset(b, 0, sizeof(*b));
	size_t pos = 0;
	unsigned lineno = 0;
	vg_brand *cur = NULL;
	while (pos < n) {
		size_t e = pos;
		while (e < n && text[e] != '\n')
			e++;
		const char *line = text + pos;
		size_t len = e - pos;
		pos = e + 1;
		lineno++;
		trim(&line, &len);
		if (!len || line[0] == '#')
			continue;
		if (line[0] == '[') {
			if (line[len - 1] != ']' || len < 3) {
				vg_brands_free(b);
				return vg_err_set(err, VG_ECORRUPT,
				                  "brand list, line %u: bad block name", lineno);
			}
			b->v = vg_xrealloc(b->v, (b->n + 1) * sizeof(*b->v));
			cur = &b->v[b->n++];
			memset(cur, 0, sizeof(*cur));
			cur->id = vg_xmalloc(len - 1);
			memcpy(cur->id, line + 1, len - 2);
			cur->id[len - 2] = 0;
			cur->kind = VG_BRAND_ONLINE;
			continue;
		}
		const char *eq = memchr(line, '=', len);
		if (!cur || !eq) {
			vg_brands_free(b);
			return vg_err_set(
			    err, VG_ECORRUPT,
			    "brand list, line %u: expected \"key = value\" in a block", lineno);
		}
		const char *key = line, *val = eq + 1;
		size_t klen = (size_t)(eq - line), vlen = len - klen - 1;
		trim(&key, &klen);
		trim(&val, &vlen);
		int bi = (int)(cur - b->v);
		if (klen == 5 && !memcmp(key, "label", 5)) {
			free(cur->label);
			cur->label = vg_xmalloc(vlen + 1);
			memcpy(cur->label, val, vlen);
			cur->label[vlen] = 0;
		} else if (klen == 4 && !memcmp(key, "kind", 4)) {
			size_t k = 0;
			while (
			    k < sizeof(kinds) / sizeof(kinds[0]) &&
			    !(strlen(kinds[k].name) == vlen && !memcmp(kinds[k].name, val, vlen)))
				k++;
			if (k == sizeof(kinds) / sizeof(kinds[0])) {
				vg_brands_free(b);
				return vg_err_set(err, VG_ECORRUPT,
				                  "brand list, line %u: unknown kind", lineno);
			}
			cur->kind = kinds[k].kind;
		} else if (klen == 7 && !memcmp(key, "domains", 7)) {
			split(val, vlen, 0, add_domain, b, cur, bi, spoof);
		} else if (klen == 6 && !memcmp(key, "tokens", 6)) {
			split(val, vlen, 0, add_token, b, cur, bi, spoof);
		} else if (klen == 5 && !memcmp(key, "names", 5)) {
			split(val, vlen, ';', add_name, b, cur, bi, spoof);
		} else if (klen == 6 && !memcmp(key, "except", 6)) {
			split(val, vlen, 0, add_except, b, cur, bi, spoof);
		} else if (klen == 6 && !memcmp(key, "source", 6)) {
			/* documentation only */
		} else {
			vg_brands_free(b);
			return vg_err_set(err, VG_ECORRUPT,
			                  "brand list, line %u: unknown key \"%.*s\"", lineno,
			                  (int)klen, key);
		}
	}
	for (size_t i = 0; i < b->n; i++) {
		if (!b->v[i].ndomains) {
			int rc = vg_err_set(err, VG_ECORRUPT,
			                    "brand list: block [%s] has no domains", b->v[i].id);
			vg_brands_free(b);
			return rc;
		}
		if (!b->v[i].label)
			b->v[i].label = vg_xstrdup(b->v[i].id);
	}
	return 0;
}

/* Frees everything the list owns. */
void vg_brands_free(vg_brands *b)
{
	for (size_t i = 0; i < b->n; i++) {
		vg_brand *br = &b->v[i];
		free(br->id);
		free(br->label);
		for (size_t k = 0; k < br->ndomains; k++)
			free(br->domains[k]);
		free(br->domains);
		for (size_t k = 0; k < br->ntokens; k++)
			free(br->tokens[k].s);
		free(br->tokens);
		for (size_t k = 0; k < br->nexcept; k++)
			free(br->except[k]);
		free(br->except);
		for (size_t k = 0; k < br->nlabels; k++) {
			free(br->labels[k]);
			free(br->skeletons[k]);
		}
		free(br->labels);
		free(br->skeletons);
	}
	free(b->v);
	for (size_t i = 0; i < b->nnames; i++)
		free(b->names[i].s);
	free(b->names);
	vg_strmap_free(&b->official);
	vg_strmap_free(&b->shorteners);
	vg_strmap_free(&b->risky_tlds);
	vg_strmap_free(&b->freemail);
	memset(b, 0, sizeof(*b));
}
