/*
 * urls.c: finds the links in a text message.
 *
 * SMS write links in every way: "https://x.fr/a", "http://x.fr", "www.x.fr",
 * a bare "ameli-sante.club/index.php", and the SPAM-Hunter corpus, which lost
 * its colons, "http //cutt.us/ EwWMp". The extractor accepts:
 *   - a scheme URL: http, https, hxxp, hxxps, with "://", " //" or ": //";
 *   - a name starting with "www.";
 *   - a bare name whose last label is a known top-level domain. Where the
 *     top-level domain is also a common word (me, to, is, it, de, ...), a path
 *     ("/...") must follow, so "ok.Do you" is not a link.
 * Hosts may hold non-ASCII letters (internationalized names, homograph
 * attacks). A user part ("ameli.fr@evil.com") is reported, as is a port.
 * The part of a mail address after "@" is not a link.
 *
 * One pass; at each word start at most one attempt, and a failed attempt
 * skips the whole word, so the cost is linear in the text. Never reads
 * outside s[0..n).
 */
#include "scan/scan_int.h"

#include <libpsl.h>
#include <string.h>
#include <unicode/uchar.h>

/* Top-level domains accepted for bare names; "+" marks the ones that are
 * also common words and need a path after the name. */
static const char *const tlds[] = {
    "com",     "net",      "org",     "fr",    "info",  "biz",     "eu",     "xyz",     "top",
    "club",    "site",     "online",  "live",  "shop",  "store",   "app",    "link",    "click",
    "ly",      "icu",      "ru",      "cn",    "uk",    "ch",      "nl",     "pt",      "io",
    "co",      "cc",       "tk",      "ml",    "ga",    "cf",      "gq",     "pw",      "ws",
    "ltd",     "vip",      "pro",     "buzz",  "rest",  "work",    "fit",    "support", "space",
    "website", "host",     "fun",     "mobi",  "name",  "today",   "world",  "cam",     "sbs",
    "cfd",     "bond",     "monster", "quest", "bid",   "win",     "loan",   "men",     "date",
    "stream",  "download", "racing",  "trade", "party", "science", "review", "lol",     "mom",
    "skin",    "beauty",   "hair",    "gp",    "mq",    "gf",      "yt",     "pm",      "nc",
    "pf",      "tn",       "dz",      "sn",    "lt",    "lv",      "ee",     "fi",      "se",
    "dk",      "cz",       "sk",      "hu",    "gr",    "bg",      "hr",     "si",      "ua",
    "by",      "kz",       "br",      "mx",    "ar",    "cl",      "jp",     "kr",      "tw",
    "hk",      "sg",       "my",      "th",    "vn",    "ph",      "au",     "nz",      "za",
    "ng",      "ke",       "gouv",    "tv",    "gd",    "nu",      "su",     "ovh",     "bzh",
    "paris",   "corsica",  "alsace",  "+me",   "+to",   "+do",     "+is",    "+it",     "+us",
    "+in",     "+id",      "+la",     "+so",   "+no",   "+at",     "+am",    "+an",     "+as",
    "+be",     "+de",      "+es",     "+re",   "+ma",   "+ca",     "+lu",    "+ci",     "+pl",
    "+se",     "+ai",      "+mu",     "+sh",   "+cx",   "+ms",     "+st",    "+im",     "+ac",
    "+vc",     "+io",      "+gg",     "+ly",   "+ad",   "+al",     "+ax",
};

/* 1 for a known top-level domain, 2 for one that needs a path, 0 if not. */
static int tld_kind(const char *s, size_t n)
{
	char low[16];
	if (n < 2 || n >= sizeof(low))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		if (c < 'a' || c > 'z')
			return 0;
		low[i] = (char)c;
	}
	for (size_t i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++) {
		const char *t = tlds[i];
		int weak = t[0] == '+';
		t += weak;
		if (strlen(t) == n && !memcmp(t, low, n))
			return weak ? 2 : 1;
	}
	return 0;
}

/* ASCII case-insensitive prefix test of s[i..n) against lowercase p. */
static bool prefix_ci(const char *s, size_t i, size_t n, const char *p)
{
	size_t l = strlen(p);
	if (n - i < l)
		return false;
	for (size_t k = 0; k < l; k++)
		if ((s[i + k] | 0x20) != p[k] && s[i + k] != p[k])
			return false;
	return true;
}

/* Length of the host character at s[i..n), or 0: ASCII letters, digits, '-',
 * '.', '_', and non-ASCII letters and digits (checked with ICU). */
static size_t host_char(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];
	if (c < 0x80) {
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
		return ok;
	}
	uint32_t cp;
	size_t len = vg_utf8_decode((const unsigned char *)s, i, n, &cp);
	if (!len)
		return 0;
	/* letters, digits and combining marks; the fullwidth and ideographic dots */
	if (u_isalnum((UChar32)cp) || u_getCombiningClass((UChar32)cp) ||
	    u_charType((UChar32)cp) == U_NON_SPACING_MARK || cp == 0x3002 || cp == 0xFF0E ||
	    cp == 0xFF61)
		return len;
	return 0;
}

/* True for bytes that may continue a URL after its host (path, query). */
static bool path_char(unsigned char c)
{
	return c > ' ' && c != '"' && c != '<' && c != '>' && c != '`' && c != 0x7F;
}

/* True for a byte that may not precede a link's start (inside a word). */
static bool word_before(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '@' || c >= 0x80;
}

/*
 * Reads a host at s[i..n): returns its end; sets *dots to the number of
 * label separators seen. Trailing dots and hyphens are not part of it.
 */
static size_t read_host(const char *s, size_t i, size_t n, unsigned *dots)
{
	size_t j = i;
	*dots = 0;
	if (j < n && s[j] == '[') { /* IPv6 literal */
		size_t k = j + 1;
		while (k < n && (s[k] == ':' || s[k] == '.' || (s[k] >= '0' && s[k] <= '9') ||
		                 ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'f')))
			k++;
		if (k < n && s[k] == ']' && k > j + 2)
			return k + 1;
		return i;
	}
	size_t len;
	while (j < n && (len = host_char(s, j, n)) > 0) {
		if (s[j] == '.' || (unsigned char)s[j] >= 0x80) {
			uint32_t cp = (unsigned char)s[j];
			if (cp >= 0x80)
				vg_utf8_decode((const unsigned char *)s, j, n, &cp);
			if (cp == '.' || cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61)
				(*dots)++;
		}
		j += len;
	}
	while (j > i && (s[j - 1] == '.' || s[j - 1] == '-')) {
		if (s[j - 1] == '.')
			(*dots)--;
		j--;
	}
	return j;
}

/* The last label of host s[a..b) (ASCII dots only). */
static void last_label(const char *s, size_t a, size_t b, size_t *la, size_t *lb)
{
	size_t k = b;
	while (k > a && s[k - 1] != '.')
		k--;
	*la = k;
	*lb = b;
}

/* Copies the host s[a..b) into u. */
static void set_host(vg_url *u, const char *s, size_t a, size_t b)
{
	size_t l = b - a;
	if (l >= sizeof(u->host)) {
		/* cut on a character boundary: the host stays valid UTF-8 */
		l = sizeof(u->host) - 1;
		while (l && ((unsigned char)s[a + l] & 0xC0) == 0x80)
			l--;
	}
	memcpy(u->host, s + a, l);
	u->host[l] = 0;
	u->hostlen = l;
}

/* End of the URL's tail (port, path, query) from s[j..n), without trailing
 * punctuation; sets the PORT and PATH flags. */
static size_t read_tail(const char *s, size_t j, size_t n, unsigned *flags)
{
	if (j < n && s[j] == ':' && j + 1 < n && s[j + 1] >= '0' && s[j + 1] <= '9') {
		j++;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
		*flags |= VG_URL_PORT;
	}
	if (j < n && (s[j] == '/' || s[j] == '?' || s[j] == '#')) {
		size_t st = j;
		while (j < n && path_char((unsigned char)s[j]))
			j++;
		while (j > st + 1 && strchr(".,;:!?)]}'\"", s[j - 1]))
			j--;
		if (s[st] == '/' || j > st + 1)
			*flags |= VG_URL_PATH;
		else
			j = st;
	}
	return j;
}

/* Tries a scheme URL at s[i..n); fills u and returns its end, or 0. */
static size_t try_scheme(const char *s, size_t i, size_t n, vg_url *u)
{
	size_t j = i;
	unsigned flags = 0;
	if (prefix_ci(s, j, n, "https"))
		j += 5, flags |= VG_URL_HTTPS;
	else if (prefix_ci(s, j, n, "http"))
		j += 4, flags |= VG_URL_HTTP;
	else if (prefix_ci(s, j, n, "hxxps"))
		j += 5, flags |= VG_URL_HTTPS;
	else if (prefix_ci(s, j, n, "hxxp"))
		j += 4, flags |= VG_URL_HTTP;
	else
		return 0;
	if (j < n && s[j] == ':') {
		j++;
		if (j < n && s[j] == ' ')
			j++, flags |= VG_URL_SPACED;
	} else if (j < n && s[j] == ' ') {
		j++, flags |= VG_URL_SPACED;
	} else {
		return 0;
	}
	if (!(n - j >= 2 && s[j] == '/' && s[j + 1] == '/'))
		return 0;
	j += 2;
	if (j < n && s[j] == ' ' && (flags & VG_URL_SPACED))
		j++;
	/* user info: an '@' before the end of the authority */
	size_t k = j;
	while (k < n && path_char((unsigned char)s[k]) && s[k] != '/' && s[k] != '?' && s[k] != '#')
		k++;
	const char *at = NULL;
	for (size_t q = j; q < k; q++)
		if (s[q] == '@')
			at = s + q;
	if (at) {
		flags |= VG_URL_USERINFO;
		j = (size_t)(at - s) + 1;
	}
	unsigned dots;
	size_t h = read_host(s, j, n, &dots);
	if (h == j)
		return 0;
	set_host(u, s, j, h);
	size_t end = read_tail(s, h, n, &flags);
	u->off = i;
	u->len = end - i;
	u->flags = flags;
	return end;
}

/*
 * A bare name under a top-level domain outside the list above (.help,
 * .support, .gouv...): accepted when the Public Suffix List knows the
 * top-level domain, it is written in lowercase, and the name looks like a
 * made-up domain (a hyphen or a digit, three labels or more, or a path).
 * "Ok.Call me" (.call is a TLD) stays text.
 */
static bool other_tld(const char *s, size_t i, size_t h, size_t la, size_t lb, unsigned flags)
{
	char tld[64];
	if (lb - la < 2 || lb - la >= sizeof(tld))
		return false;
	for (size_t k = la; k < lb; k++) {
		if (s[k] < 'a' || s[k] > 'z')
			return false;
		tld[k - la] = s[k];
	}
	tld[lb - la] = 0;
	if (!psl_is_public_suffix2(psl_builtin(), tld, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE))
		return false;
	unsigned dots = 0;
	bool made_up = (flags & VG_URL_PATH) != 0;
	for (size_t k = i; k < h; k++) {
		dots += s[k] == '.';
		made_up |= s[k] == '-' || (s[k] >= '0' && s[k] <= '9');
	}
	return made_up || dots >= 2;
}

/* Tries a www. or bare name at s[i..n); returns its end or 0. */
static size_t try_bare(const char *s, size_t i, size_t n, vg_url *u)
{
	unsigned dots;
	size_t h = read_host(s, i, n, &dots);
	if (h == i || dots == 0 || s[i] == '[')
		return 0;
	unsigned flags = prefix_ci(s, i, n, "www.") ? VG_URL_WWW : VG_URL_BARE;
	size_t la, lb;
	last_label(s, i, h, &la, &lb);
	/* the name must not run on into letters (a missing space, "x.comText") */
	size_t end = read_tail(s, h, n, &flags);
	int kind = tld_kind(s + la, lb - la);
	bool ip = true;
	for (size_t k = i; k < h; k++)
		if (!((s[k] >= '0' && s[k] <= '9') || s[k] == '.'))
			ip = false;
	if (ip) {
		if (dots != 3 || !(flags & (VG_URL_PATH | VG_URL_PORT)))
			return 0;
	} else if (flags & VG_URL_WWW) {
		if (!kind && lb - la < 2)
			return 0;
	} else if (kind == 2 && !(flags & VG_URL_PATH)) {
		return 0;
	} else if (kind == 0 && !other_tld(s, i, h, la, lb, flags)) {
		return 0;
	}
	set_host(u, s, i, h);
	u->off = i;
	u->len = end - i;
	u->flags = flags;
	return end;
}

/* Finds the links of s[0..n). */
size_t vg_url_extract(const char *s, size_t n, vg_url *out, size_t max)
{
	size_t count = 0, i = 0;
	while (i < n && count < max) {
		unsigned char c = (unsigned char)s[i];
		bool start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		             (c >= '0' && c <= '9') || c >= 0x80;
		if (!start || (i > 0 && word_before((unsigned char)s[i - 1]))) {
			i++;
			continue;
		}
		size_t end = try_scheme(s, i, n, &out[count]);
		if (!end)
			end = try_bare(s, i, n, &out[count]);
		if (end) {
			count++;
			i = end;
			continue;
		}
		/* skip the rest of this word */
		size_t len;
		while (i < n && ((len = host_char(s, i, n)) > 0 || s[i] == '@'))
			i += len ? len : 1;
		if (i < n && (unsigned char)s[i] >= 0x80 && !host_char(s, i, n))
			i++;
	}
	return count;
}

/* Parses an href: http(s)://, hxxp, or protocol-relative //host. */
bool vg_url_parse_href(const char *s, size_t n, vg_url *u)
{
	while (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r'))
		s++, n--;
	memset(u, 0, sizeof(*u));
	if (n >= 2 && s[0] == '/' && s[1] == '/') {
		unsigned dots, flags = VG_URL_HTTPS;
		size_t h = read_host(s, 2, n, &dots);
		if (h == 2)
			return false;
		set_host(u, s, 2, h);
		u->len = read_tail(s, h, n, &flags);
		u->flags = flags;
		return true;
	}
	return try_scheme(s, 0, n, u) != 0;
}
