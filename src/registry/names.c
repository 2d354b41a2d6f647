/*
 * names.c: names of tables, categories and sections; the checks on text
 * stored in a registry (source names, file display names); checksums.
 */
#include "registry/format.h"

#include <stdio.h>
#include <string.h>
#include <xxhash.h>

static const char *const table_names[VG_IDTAB__COUNT] = {"email", "phone", "nir", "ft_id",
                                                         "name_dob"};

const char *vg_idtab_name(vg_idtab t)
{
	return (unsigned)t < VG_IDTAB__COUNT ? table_names[t] : "?";
}

int vg_idtab_parse(const char *name, vg_idtab *out)
{
	if (!name)
		return VG_EINVAL;
	for (int t = 0; t < VG_IDTAB__COUNT; t++)
		if (!strcmp(name, table_names[t])) {
			*out = (vg_idtab)t;
			return 0;
		}
	if (!strcmp(name, "id")) {
		*out = VG_IDTAB_FTID;
		return 0;
	}
	return VG_EINVAL;
}

static const char *const cat_names[VG_CAT__COUNT] = {
    "name", "nir", "dob", "ft_id", "email", "address", "phone", "sex", "birthplace", "registration",
};

static const char *const cat_labels[VG_CAT__COUNT][2] = {
    {"nom et prénom", "name"},
    {"numéro de sécurité sociale (NIR)", "social security number (NIR)"},
    {"date de naissance", "date of birth"},
    {"identifiant France Travail", "France Travail identifier"},
    {"adresse électronique", "email address"},
    {"adresse postale", "postal address"},
    {"numéro de téléphone", "phone number"},
    {"sexe", "sex"},
    {"lieu de naissance", "place of birth"},
    {"situation d'inscription", "registration status"},
};

const char *vg_category_name(vg_category c)
{
	return (unsigned)c < VG_CAT__COUNT ? cat_names[c] : "?";
}

const char *vg_category_label(vg_category c, vg_lang lang)
{
	if ((unsigned)c >= VG_CAT__COUNT)
		return "?";
	return cat_labels[c][lang == VG_LANG_EN ? 1 : 0];
}

int vg_category_parse(const char *name, vg_category *out)
{
	if (!name)
		return VG_EINVAL;
	for (int c = 0; c < VG_CAT__COUNT; c++)
		if (!strcmp(name, cat_names[c])) {
			*out = (vg_category)c;
			return 0;
		}
	return VG_EINVAL;
}

void vgr_section_name(unsigned idx, char *out, size_t cap)
{
	if (idx < VG_IDTAB__COUNT)
		snprintf(out, cap, "keys.%s", table_names[idx]);
	else if (idx < 2 * VG_IDTAB__COUNT)
		snprintf(out, cap, "payloads.%s", table_names[idx - VG_IDTAB__COUNT]);
	else if (idx == VGR_IDX_SOURCES)
		snprintf(out, cap, "sources");
	else if (idx == VGR_IDX_STATS)
		snprintf(out, cap, "stats");
	else if (idx == VGR_IDX_FILES)
		snprintf(out, cap, "files");
	else
		snprintf(out, cap, "section %u", idx);
}

bool vgr_text_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return false;
		size_t l = vg_utf8_seq(u + i, n - i);
		if (!l)
			return false;
		i += l;
	}
	return true;
}

/* Whether a display name might hold an identifier: see registry.h. */
static bool looks_identifying(const char *s, size_t n)
{
	size_t run = 0, spread = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '@')
			return true;
		if (c >= '0' && c <= '9') {
			run++;
			spread++;
			if (run >= 7 || spread >= 10)
				return true;
		} else if ((c == ' ' || c == '.' || c == '-') && run > 0) {
			run = 0; /* a separator inside a number keeps the spread going */
		} else {
			run = 0;
			spread = 0;
		}
	}
	return false;
}

size_t vg_regfile_display_name(const char *path, char *out)
{
	out[0] = '\0';
	if (!path)
		return 0;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (!vgr_text_ok(base, n) || looks_identifying(base, n))
		return 0;
	/* cut on a UTF-8 boundary */
	size_t cut = 0;
	const unsigned char *u = (const unsigned char *)base;
	while (cut < n) {
		size_t l = vg_utf8_seq(u + cut, n - cut);
		if (cut + l > VG_REGFILE_NAME_MAX)
			break;
		cut += l;
	}
	memcpy(out, base, cut);
	out[cut] = '\0';
	return cut;
}

uint64_t vgr_checksum(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

uint64_t vgr_header_checksum(const uint8_t *header)
{
	uint8_t copy[VGR_HEADER_LEN];
	memcpy(copy, header, VGR_HEADER_LEN);
	memset(copy + VGR_H_CHECKSUM, 0, 8);
	return XXH3_64bits(copy, VGR_HEADER_LEN);
}

void vgr_fold(const uint64_t *hc, const uint64_t *hs, unsigned nsrc, uint16_t special,
              uint64_t with_cat[VG_CAT__COUNT], uint64_t in_source[VG_SOURCE_MAX],
              uint64_t *in_special)
{
	memset(with_cat, 0, sizeof(uint64_t) * VG_CAT__COUNT);
	memset(in_source, 0, sizeof(uint64_t) * VG_SOURCE_MAX);
	*in_special = 0;
	for (unsigned v = 1; v < VGR_HC_SIZE; v++)
		if (hc[v])
			for (int b = 0; b < VG_CAT__COUNT; b++)
				if ((v >> b) & 1)
					with_cat[b] += hc[v];
	for (unsigned v = 1; v < (1u << nsrc); v++)
		if (hs[v]) {
			for (unsigned b = 0; b < nsrc; b++)
				if ((v >> b) & 1)
					in_source[b] += hs[v];
			if (v & special)
				*in_special += hs[v];
		}
}
