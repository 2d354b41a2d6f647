/*
 * hash.c: modes, SHA-1 and NTLM through nettle, hex, and the parser of
 * password-list lines (plaintext with optional counts, HIBP HASH:COUNT).
 */
#include "pwned/internal.h"

#include <nettle/md4.h>
#include <nettle/sha1.h>
#include <strings.h>

/* ------------------------------------------------------------ modes */

const char *vg_pwned_mode_name(vg_pwned_mode m)
{
	return m == VG_PWNED_NTLM ? "ntlm" : "sha1";
}

int vg_pwned_mode_parse(const char *s, vg_pwned_mode *out)
{
	if (!strcasecmp(s, "sha1")) {
		*out = VG_PWNED_SHA1;
		return 0;
	}
	if (!strcasecmp(s, "ntlm")) {
		*out = VG_PWNED_NTLM;
		return 0;
	}
	return VG_EINVAL;
}

size_t vg_pwned_hash_bytes(vg_pwned_mode m)
{
	return m == VG_PWNED_NTLM ? VG_PWNED_NTLM_BYTES : VG_PWNED_SHA1_BYTES;
}

size_t vg_pwned_suffix_hex(vg_pwned_mode m)
{
	return 2 * vg_pwned_hash_bytes(m) - VG_PWNED_PREFIX_HEX;
}

const char *vg_pwned_list_name(vg_pwned_list k)
{
	switch (k) {
	case VG_PWNED_LIST_PLAIN:
		return "plain";
	case VG_PWNED_LIST_PLAIN_RAW:
		return "plain-raw";
	case VG_PWNED_LIST_HIBP_SHA1:
		return "hibp-sha1";
	case VG_PWNED_LIST_HIBP_NTLM:
		return "hibp-ntlm";
	default:
		return "auto";
	}
}

/* ------------------------------------------------------------ hashes */

void vg_pwned_sha1(const char *pw, size_t n, uint8_t out[VG_PWNED_SHA1_BYTES])
{
	struct sha1_ctx c;
	sha1_init(&c);
	sha1_update(&c, n, (const uint8_t *)pw);
	sha1_digest(&c, VG_PWNED_SHA1_BYTES, out);
}

int vg_pwned_ntlm(const char *pw, size_t n, uint8_t out[VG_PWNED_NTLM_BYTES])
{
	/* at most one UTF-16 unit (2 bytes) per input byte */
	uint8_t u16[2 * VG_PWNED_MAX_PASSWORD];
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)pw, *e = s + n;
	if (n > VG_PWNED_MAX_PASSWORD)
		return VG_EINVAL;
	while (s < e) {
		uint32_t cp;
		unsigned c = *s;
		size_t len;
		if (c < 0x80) {
			cp = c;
			len = 1;
		} else if (c >= 0xC2 && c <= 0xDF) {
			cp = c & 0x1F;
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			cp = c & 0x0F;
			len = 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			cp = c & 0x07;
			len = 4;
		} else {
			return VG_EINVAL;
		}
		if ((size_t)(e - s) < len)
			return VG_EINVAL;
		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return VG_EINVAL;
			cp = (cp << 6) | (s[i] & 0x3F);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return VG_EINVAL;
		s += len;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			uint16_t hi = (uint16_t)(0xD800 | (cp >> 10)),
			         lo = (uint16_t)(0xDC00 | (cp & 0x3FF));
			u16[o++] = (uint8_t)hi;
			u16[o++] = (uint8_t)(hi >> 8);
			u16[o++] = (uint8_t)lo;
			u16[o++] = (uint8_t)(lo >> 8);
		} else {
			u16[o++] = (uint8_t)cp;
			u16[o++] = (uint8_t)(cp >> 8);
		}
	}
	struct md4_ctx c;
	md4_init(&c);
	md4_update(&c, o, u16);
	md4_digest(&c, VG_PWNED_NTLM_BYTES, out);
	return 0;
}

void vg_pwned_hex(const uint8_t *h, size_t n, char *out)
{
	static const char hx[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[h[i] >> 4];
		out[2 * i + 1] = hx[h[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool vg_pwned_prefix_parse(const char *s, size_t n, uint32_t *out)
{
	if (n != VG_PWNED_PREFIX_HEX)
		return false;
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = hexval((unsigned char)s[i]);
		if (d < 0)
			return false;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return true;
}

/* ------------------------------------------------------------ lines */

static const vg_reason r_bad_hash = {
    "bad_hash", "empreinte invalide (40 chiffres hexadécimaux pour SHA-1, 32 pour NTLM)",
    "invalid hash (40 hex digits for SHA-1, 32 for NTLM)"};
static const vg_reason r_bad_count = {"bad_count", "nombre d'occurrences invalide (1 à 4294967295)",
                                      "invalid count (1 to 4294967295)"};
static const vg_reason r_zero_count = {"zero_count",
                                       "nombre d'occurrences nul (ligne de remplissage ?)",
                                       "count of zero (a padding line?)"};
static const vg_reason r_too_long = {"too_long", "mot de passe trop long (plus de 256 octets)",
                                     "password too long (over 256 bytes)"};
static const vg_reason r_control = {"control_char", "caractère de contrôle dans le mot de passe",
                                    "control character in the password"};
static const vg_reason r_empty = {"empty_password", "mot de passe vide", "empty password"};

/* Parses 1..10 decimal digits into *v (any value up to 9999999999). */
static bool digits(const char *s, size_t n, uint64_t *v)
{
	if (n == 0 || n > 10)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return true;
}

/* A parsed count's verdict: NULL when 1..UINT32_MAX. */
static const vg_reason *count_ok(uint64_t v, uint32_t *out)
{
	if (v == 0)
		return &r_zero_count;
	if (v > VG_PWNED_COUNT_MAX)
		return &r_bad_count;
	*out = (uint32_t)v;
	return NULL;
}

static const vg_reason *plain_password(const char *s, size_t n, vg_pwned_line *out)
{
	if (n == 0)
		return &r_empty;
	if (n > VG_PWNED_MAX_PASSWORD)
		return &r_too_long;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			return &r_control;
	}
	out->pw = s;
	out->pw_len = n;
	return NULL;
}

static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && hexval((unsigned char)s[i]) >= 0)
		i++;
	return i;
}

vg_pwned_list vg_pwned_detect(const char *s, size_t n)
{
	size_t h = hex_run(s, n);
	uint64_t v;
	if ((h == 40 || h == 32) && (h == n || (s[h] == ':' && digits(s + h + 1, n - h - 1, &v))))
		return h == 40 ? VG_PWNED_LIST_HIBP_SHA1 : VG_PWNED_LIST_HIBP_NTLM;
	return VG_PWNED_LIST_PLAIN;
}

const vg_reason *vg_pwned_parse_line(vg_pwned_list k, const char *s, size_t n, vg_pwned_line *out)
{
	memset(out, 0, sizeof(*out));
	out->count = 1;
	switch (k) {
	case VG_PWNED_LIST_HIBP_SHA1:
	case VG_PWNED_LIST_HIBP_NTLM: {
		size_t want = k == VG_PWNED_LIST_HIBP_SHA1 ? 40 : 32;
		size_t h = hex_run(s, n);
		if (h != want || (h < n && s[h] != ':'))
			return &r_bad_hash;
		for (size_t i = 0; i < want / 2; i++)
			out->hash[i] = (uint8_t)(hexval((unsigned char)s[2 * i]) << 4 |
			                         hexval((unsigned char)s[2 * i + 1]));
		if (h == n)
			return NULL;
		uint64_t v;
		if (!digits(s + h + 1, n - h - 1, &v))
			return &r_bad_count;
		return count_ok(v, &out->count);
	}
	case VG_PWNED_LIST_PLAIN_RAW:
		return plain_password(s, n, out);
	default:
		break;
	}
	/* plaintext: a count after the last tab, else after the last ':' */
	const char *tab = memrchr(s, '\t', n);
	if (tab) {
		uint64_t v;
		size_t at = (size_t)(tab - s);
		if (!digits(tab + 1, n - at - 1, &v))
			return &r_bad_count;
		const vg_reason *why = count_ok(v, &out->count);
		return why ? why : plain_password(s, at, out);
	}
	const char *colon = memrchr(s, ':', n);
	if (colon && colon > s) {
		uint64_t v;
		size_t at = (size_t)(colon - s);
		if (digits(colon + 1, n - at - 1, &v)) {
			const vg_reason *why = count_ok(v, &out->count);
			return why ? why : plain_password(s, at, out);
		}
	}
	return plain_password(s, n, out);
}
