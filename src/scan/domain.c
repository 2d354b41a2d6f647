/*
 * domain.c: what a link's host is: official, a lookalike of an official
 * domain, a shortener, an IP address, an internationalized name.
 *
 * Steps, for one host as written in the message:
 *   1. IP literals (dotted quads, [IPv6], bare integers) stop here.
 *   2. IDN: a host with non-ASCII letters is converted to A-labels with
 *      libidn2 (IDNA2008, TR46 non-transitional); an xn-- host is decoded
 *      for display. Failure marks the host "bad IDN".
 *   3. The registrable domain comes from the Public Suffix List (libpsl's
 *      built-in list): a.b.ameli-remboursement.com -> ameli-remboursement.com,
 *      impots.gouv.fr -> impots.gouv.fr.
 *   4. Official: the host or one of its parent domains is listed, or it is
 *      under gouv.fr.
 *   5. Lookalike, first match wins: the same confusable skeleton as an
 *      official label (UTS #39 via ICU's spoof checker: francetravaiI,
 *      аmeli with a Cyrillic а), one or two edits away (typosquat), the
 *      official label under another suffix (ameli.com), an official domain
 *      as a subdomain of a foreign one (ameli.fr.secure-x.com), "gouv"
 *      outside gouv.fr (impots-gouv.org), a brand token inside a foreign
 *      domain (combosquat: ameli-remboursement.com).
 * A host is at most VG_SCAN_HOST_MAX bytes; longer ones are cut and marked
 * invalid. The only allocation is libidn2's, for non-ASCII hosts.
 */
#include "scan/scan_int.h"

#include <ctype.h>
#include <idn2.h>
#include <libpsl.h>
#include <string.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>

/* Words that, next to a weak brand token in a host, make it a combosquat:
 * what phishing domains add to a brand name. */
static const char *const lure_words[] = {
    "secure",      "securite",     "login",         "connexion", "connect",
    "compte",      "comptes",      "client",        "clients",   "espace",
    "service",     "services",     "support",       "account",   "update",
    "maj",         "verif",        "verification",  "verify",    "suivi",
    "colis",       "livraison",    "remboursement", "rembourse", "paiement",
    "payment",     "facture",      "factures",      "aide",      "assistance",
    "info",        "infos",        "mobile",        "gouv",      "fr",
    "online",      "portail",      "acces",         "auth",      "id",
    "confirm",     "validation",   "dossier",       "mon",       "mes",
    "my",          "alert",        "alerte",        "tracking",  "delivery",
    "parcel",      "pay",          "billing",       "renew",     "renouvellement",
    "activation",  "reactivation", "recouvrement",  "sms",       "pass",
    "web",         "net",          "sante",         "carte",     "assure",
    "assurance",   "droits",       "formation",     "prime",     "cpf",
    "amende",      "amendes",      "impots",        "box",       "fibre",
    "particulier", "particuliers", "banque",        "bank",      "app",
    "check",       "home",         "team",
};

/* True when w[0..n) is a lure word. */
static bool is_lure(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(lure_words) / sizeof(lure_words[0]); i++)
		if (strlen(lure_words[i]) == n && !memcmp(lure_words[i], w, n))
			return true;
	return false;
}

/* Damerau-Levenshtein (optimal string alignment) distance, capped. */
unsigned vg_edit_distance(const char *a, size_t na, const char *b, size_t nb, unsigned max)
{
	if (na > 64 || nb > 64)
		return max + 1;
	if ((na > nb ? na - nb : nb - na) > max)
		return max + 1;
	unsigned d[65][65];
	for (size_t i = 0; i <= na; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= na; i++) {
		unsigned best = max + 1;
		for (size_t j = 1; j <= nb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return d[na][nb] > max ? max + 1 : d[na][nb];
}

/* Copies s into a fixed buffer, cut to fit on a UTF-8 character boundary. */
static void copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap) {
		n = cap - 1;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = 0;
}

/* Registrable domain of a lowercase ASCII host (the host itself when the
 * list has none: a bare public suffix, an unknown top-level domain). */
void vg_registrable(const vg_scan *sc, const char *ascii, char *out, size_t cap)
{
	const char *r = psl_registrable_domain((const psl_ctx_t *)sc->psl, ascii);
	copy(out, cap, r ? r : ascii, strlen(r ? r : ascii));
}

/* True for a dotted-quad IPv4, a bracketed IPv6, or an integer host. */
static bool is_ip(const char *h)
{
	if (h[0] == '[')
		return true;
	unsigned dots = 0, digits = 0;
	bool hex = h[0] == '0' && (h[1] == 'x' || h[1] == 'X');
	for (const char *p = hex ? h + 2 : h; *p; p++) {
		if (*p == '.')
			dots++;
		else if (isdigit((unsigned char)*p) || (hex && isxdigit((unsigned char)*p)))
			digits++;
		else
			return false;
	}
	return digits > 0 && (dots == 3 || dots == 0);
}

/* True when a label of the Unicode host mixes Latin with another script. */
static bool mixed_script(const char *u)
{
	const unsigned char *s = (const unsigned char *)u;
	size_t n = strlen(u), i = 0;
	UScriptCode first = USCRIPT_INVALID_CODE;
	while (i < n) {
		if (s[i] == '.') {
			first = USCRIPT_INVALID_CODE;
			i++;
			continue;
		}
		uint32_t cp;
		size_t len = vg_utf8_decode(s, i, n, &cp);
		if (!len)
			return false;
		i += len;
		UErrorCode e = U_ZERO_ERROR;
		UScriptCode sc = uscript_getScript((UChar32)cp, &e);
		if (U_FAILURE(e) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED)
			continue;
		if (first == USCRIPT_INVALID_CODE)
			first = sc;
		else if (sc != first)
			return true;
	}
	return false;
}

/* Lowercase confusable skeleton of s into out. */
static void skeleton(const vg_scan *sc, const char *s, char *out, size_t cap)
{
	UErrorCode e = U_ZERO_ERROR;
	int32_t len = uspoof_getSkeletonUTF8(sc->spoof, 0, s, -1, out, (int32_t)cap, &e);
	if (U_FAILURE(e) || len < 0 || (size_t)len >= cap)
		len = 0;
	out[len] = 0;
	for (int32_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/* The brand owning ascii or one of its parent domains, or -1. */
static int official_brand(const vg_scan *sc, const char *ascii)
{
	const char *p = ascii;
	while (p) {
		int b = vg_strmap_get(&sc->brands.official, p, strlen(p));
		if (b >= 0)
			return b;
		p = strchr(p, '.');
		if (p)
			p++;
	}
	return -1;
}

/* True when the host is gouv.fr or under it. */
static bool under_gouv(const char *ascii)
{
	size_t n = strlen(ascii);
	return !strcmp(ascii, "gouv.fr") || (n > 8 && !strcmp(ascii + n - 8, ".gouv.fr"));
}

/* Is label (ascii, registrable label) an exception of brand br? */
static bool excepted(const vg_brand *br, const char *label)
{
	for (size_t k = 0; k < br->nexcept; k++)
		if (!strcmp(br->except[k], label))
			return true;
	return false;
}

/* True when the host has a lure word among its words (split on . and -),
 * the public suffix excluded. */
static bool has_lure(const char *ascii, size_t upto)
{
	size_t i = 0;
	while (i < upto) {
		size_t st = i;
		while (i < upto && ascii[i] != '.' && ascii[i] != '-')
			i++;
		if (i > st && is_lure(ascii + st, i - st))
			return true;
		i++;
	}
	return false;
}

/* True when the word (between dots and hyphens) of h around [at, end) is
 * one of the brand's exceptions ("amelie" in amelie-photo.fr). */
static bool in_except_word(const vg_brand *br, const char *h, size_t upto, size_t at, size_t end)
{
	while (at > 0 && h[at - 1] != '.' && h[at - 1] != '-')
		at--;
	while (end < upto && h[end] != '.' && h[end] != '-')
		end++;
	for (size_t k = 0; k < br->nexcept; k++)
		if (strlen(br->except[k]) == end - at && !memcmp(br->except[k], h + at, end - at))
			return true;
	return false;
}

/* Does token t of brand br occur in host h[0..upto) as a combosquat? A
 * strong token needs a word boundary (label edge or '-') on at least one
 * side, a weak one on both sides and a lure word elsewhere in the host. */
static bool token_in(const vg_brand *br, const char *h, size_t upto, const vg_brand_token *t)
{
	const char *p = h;
	while ((p = strstr(p, t->s)) != NULL && (size_t)(p - h) + t->len <= upto) {
		size_t at = (size_t)(p - h), end = at + t->len;
		bool left = at == 0 || h[at - 1] == '.' || h[at - 1] == '-';
		bool right = end == upto || h[end] == '.' || h[end] == '-';
		if ((t->weak ? (left && right && has_lure(h, upto)) : (left || right)) &&
		    !in_except_word(br, h, upto, at, end))
			return true;
		p++;
	}
	return false;
}

/* The official domain of brand br whose label is label (for the detail). */
static const char *domain_with_label(const vg_brand *br, const char *label)
{
	size_t n = strlen(label);
	for (size_t k = 0; k < br->ndomains; k++)
		if (!strncmp(br->domains[k], label, n) && br->domains[k][n] == '.')
			return br->domains[k];
	return br->domains[0];
}

/* Looks for an official domain written as a subdomain of a foreign host:
 * "ameli.fr.secure-x.com", "impots.gouv.fr-verif.com". */
static int official_inside(const vg_scan *sc, const char *ascii, size_t reg_at, const char **dom)
{
	for (size_t b = 0; b < sc->brands.n; b++) {
		const vg_brand *br = &sc->brands.v[b];
		if (!br->nlabels)
			continue; /* the special blocks */
		for (size_t k = 0; k < br->ndomains; k++) {
			const char *d = br->domains[k];
			size_t dl = strlen(d);
			const char *p = ascii;
			while ((p = strstr(p, d)) != NULL) {
				size_t at = (size_t)(p - ascii);
				char after = ascii[at + dl];
				if ((at == 0 || ascii[at - 1] == '.' || ascii[at - 1] == '-') &&
				    (after == '.' || after == '-') && at < reg_at + 1) {
					*dom = d;
					return (int)b;
				}
				p++;
			}
		}
	}
	return -1;
}

/* Sets the lookalike verdict of out. */
static void set_look(vg_host *out, vg_look look, int brand, const char *imitated)
{
	out->look = look;
	out->brand = brand;
	out->imitated = imitated;
}

/* The lookalike checks (step 5), for a host that is not official. */
static void check_lookalike(const vg_scan *sc, const char *written, vg_host *out)
{
	const vg_brands *bs = &sc->brands;
	const char *ascii = out->ascii;
	size_t alen = strlen(ascii), dlen = strlen(out->domain);
	size_t reg_at = alen >= dlen ? alen - dlen : 0;
	/* the registrable label, in ASCII and as written (for skeletons) */
	char label[VG_SCAN_HOST_MAX], wlabel[VG_SCAN_HOST_MAX * 2], skel[VG_SCAN_HOST_MAX * 4];
	copy(label, sizeof(label), out->domain, strcspn(out->domain, "."));
	/* the label as written: same position counted in labels from the right */
	{
		size_t dl_labels = 1;
		for (const char *p = out->domain; *p; p++)
			dl_labels += *p == '.';
		const char *src = (out->flags & VG_HOST_IDN) ? out->unicode : written;
		size_t sl = strlen(src), labels = 1;
		for (size_t i = 0; i < sl; i++)
			labels += src[i] == '.';
		size_t skip = labels >= dl_labels ? labels - dl_labels : 0, i = 0;
		while (skip && i < sl) {
			if (src[i] == '.')
				skip--;
			i++;
		}
		copy(wlabel, sizeof(wlabel), src + i, strcspn(src + i, "."));
	}
	skeleton(sc, wlabel, skel, sizeof(skel));
	size_t ll = strlen(label);
	/* the public suffix of the host starts after the registrable label */
	size_t suffix_at = reg_at + ll;

	int typo_b = -1, tld_b = -1;
	const char *typo_d = NULL, *tld_d = NULL;
	for (size_t b = 0; b < bs->n; b++) {
		const vg_brand *br = &bs->v[b];
		if (!br->nlabels || excepted(br, label))
			continue;
		for (size_t k = 0; k < br->nlabels; k++) {
			const char *bl = br->labels[k];
			size_t bll = strlen(bl);
			if (!strcmp(bl, label)) {
				if (tld_b < 0)
					tld_b = (int)b, tld_d = domain_with_label(br, bl);
				continue;
			}
			if (skel[0] && !strcmp(skel, br->skeletons[k])) {
				set_look(out, VG_LOOK_HOMOGRAPH, (int)b, domain_with_label(br, bl));
				return;
			}
			unsigned max = bll >= 9 ? 2
			               : (bll >= 6 || (bll == 5 && br->kind == VG_BRAND_PUBLIC))
			                   ? 1
			                   : 0;
			if (max && typo_b < 0 && vg_edit_distance(label, ll, bl, bll, max) <= max)
				typo_b = (int)b, typo_d = domain_with_label(br, bl);
		}
	}
	if (typo_b >= 0) {
		set_look(out, VG_LOOK_TYPO, typo_b, typo_d);
		return;
	}
	if (tld_b >= 0) {
		set_look(out, VG_LOOK_TLD, tld_b, tld_d);
		return;
	}
	const char *dom = NULL;
	int sb = official_inside(sc, ascii, reg_at, &dom);
	if (sb >= 0) {
		set_look(out, VG_LOOK_SUBDOMAIN, sb, dom);
		return;
	}
	const char *g = strstr(ascii, "gouv");
	while (g && (size_t)(g - ascii) < suffix_at) {
		if (strncmp(g, "gouvernance", 11) && strncmp(g, "gouvernail", 10)) {
			set_look(out, VG_LOOK_GOUV, -1, "gouv.fr");
			return;
		}
		g = strstr(g + 1, "gouv");
	}
	for (size_t b = 0; b < bs->n; b++) {
		const vg_brand *br = &bs->v[b];
		if (!br->nlabels || excepted(br, label))
			continue;
		for (size_t k = 0; k < br->ntokens; k++) {
			if (token_in(br, ascii, suffix_at, &br->tokens[k])) {
				set_look(out, VG_LOOK_COMBO, (int)b, br->domains[0]);
				return;
			}
		}
	}
}

/* Analyzes one host (see the file comment). */
void vg_host_analyze(const vg_scan *sc, const char *host, size_t n, vg_host *out)
{
	memset(out, 0, sizeof(*out));
	out->brand = -1;
	char written[VG_SCAN_HOST_MAX];
	if (n >= sizeof(written)) {
		n = sizeof(written) - 1;
		out->flags |= VG_HOST_INVALID;
	}
	/* ideographic and fullwidth dots are dots (IDNA maps them too) */
	size_t w = 0;
	bool ascii_only = true;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)host + i;
		if (n - i >= 3 && ((p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82) ||
		                   (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8E) ||
		                   (p[0] == 0xEF && p[1] == 0xBD && p[2] == 0xA1))) {
			written[w++] = '.';
			i += 2;
			continue;
		}
		if (p[0] >= 0x80)
			ascii_only = false;
		written[w++] = (char)p[0];
	}
	while (w && written[w - 1] == '.')
		w--;
	written[w] = 0;
	if (!w) {
		out->flags |= VG_HOST_INVALID;
		return;
	}
	if (is_ip(written)) {
		out->flags |= VG_HOST_IP;
		copy(out->ascii, sizeof(out->ascii), written, w);
		copy(out->unicode, sizeof(out->unicode), written, w);
		copy(out->domain, sizeof(out->domain), written, w);
		return;
	}
	if (ascii_only) {
		for (size_t i = 0; i <= w; i++)
			out->ascii[i] = (char)tolower((unsigned char)written[i]);
	} else {
		uint8_t *a = NULL;
		out->flags |= VG_HOST_IDN;
		int rc = idn2_lookup_u8((const uint8_t *)written, &a,
		                        IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK)
			rc = idn2_lookup_u8((const uint8_t *)written, &a,
			                    IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
		if (rc == IDN2_OK && a && strlen((char *)a) < sizeof(out->ascii)) {
			copy(out->ascii, sizeof(out->ascii), (char *)a, strlen((char *)a));
		} else {
			out->flags |= VG_HOST_BAD_IDN;
			for (size_t i = 0; i <= w; i++)
				out->ascii[i] = (char)tolower((unsigned char)written[i]);
		}
		idn2_free(a);
	}
	/* the Unicode form, for people and for script checks */
	if (strstr(out->ascii, "xn--")) {
		out->flags |= VG_HOST_IDN;
		char *u = NULL;
		if (idn2_to_unicode_8z8z(out->ascii, &u, 0) == IDN2_OK && u &&
		    strlen(u) < sizeof(out->unicode)) {
			copy(out->unicode, sizeof(out->unicode), u, strlen(u));
		} else {
			out->flags |= VG_HOST_BAD_IDN;
			copy(out->unicode, sizeof(out->unicode), out->ascii, strlen(out->ascii));
		}
		idn2_free(u);
	} else {
		copy(out->unicode, sizeof(out->unicode), out->ascii, strlen(out->ascii));
	}
	if ((out->flags & VG_HOST_IDN) && mixed_script(out->unicode))
		out->flags |= VG_HOST_MIXED_SCRIPT;
	vg_registrable(sc, out->ascii, out->domain, sizeof(out->domain));
	/* official? */
	int b = official_brand(sc, out->ascii);
	if (b >= 0 || under_gouv(out->ascii)) {
		out->flags |= VG_HOST_OFFICIAL;
		out->brand = b;
		return;
	}
	if (vg_strmap_get(&sc->brands.shorteners, out->domain, strlen(out->domain)) >= 0 ||
	    vg_strmap_get(&sc->brands.shorteners, out->ascii, strlen(out->ascii)) >= 0) {
		out->flags |= VG_HOST_SHORTENER;
		return;
	}
	const char *tld = strrchr(out->ascii, '.');
	tld = tld ? tld + 1 : out->ascii;
	if (vg_strmap_get(&sc->brands.risky_tlds, tld, strlen(tld)) >= 0)
		out->flags |= VG_HOST_RISKY_TLD;
	check_lookalike(sc, written, out);
}
