/*
 * alog.c: the access-log line parser (JSONL and CSV), timestamps, and the
 * line source that can follow a growing file.
 *
 * The JSON path is one forward scan of the line with an index i that only
 * grows and is checked against n before every read (the line is not
 * NUL-terminated). It validates what it skips as strictly as jansson does
 * (strings: escapes, control characters, UTF-8 without overlongs or
 * surrogates; numbers: grammar and range; literals; nesting up to
 * VG_ALOG_MAX_DEPTH), so that "valid here" means "valid JSON object". Known
 * fields are kept as slices of the line; a string with escapes is decoded
 * into the parser's scratch buffer, whose size (the line limit) bounds the
 * sum of all decoded values of a line.
 */
#include "vigie/alog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const vg_alog_field_names[VG_ALOG__NFIELDS] = {
    "ts", "account", "role", "agency", "src", "ua", "action", "person", "query", "results",
};

/* ---- reasons ---- */

static const vg_reason r_not_object = {"not_object", "la ligne n'est pas un objet JSON",
                                       "the line is not a JSON object"};
static const vg_reason r_bad_json = {"bad_json", "JSON invalide", "invalid JSON"};
static const vg_reason r_bad_string = {"bad_string",
                                       "chaîne JSON invalide (échappement, caractère de contrôle)",
                                       "invalid JSON string (escape, control character)"};
static const vg_reason r_bad_utf8 = {"bad_utf8", "UTF-8 invalide", "invalid UTF-8"};
static const vg_reason r_bad_number = {"bad_number", "nombre JSON invalide", "invalid JSON number"};
static const vg_reason r_too_deep = {"too_deep", "imbrication JSON trop profonde",
                                     "JSON nested too deeply"};
static const vg_reason r_trailing = {"trailing_data", "texte après l'objet JSON",
                                     "text after the JSON object"};
static const vg_reason r_missing_ts = {"missing_ts", "horodatage absent", "timestamp missing"};
static const vg_reason r_bad_ts = {"bad_ts", "horodatage illisible", "unreadable timestamp"};
static const vg_reason r_missing_account = {"missing_account", "compte absent", "account missing"};
static const vg_reason r_missing_action = {"missing_action", "action absente", "action missing"};
static const vg_reason r_bad_results = {
    "bad_results", "nombre de résultats invalide (entier positif attendu)",
    "invalid number of results (a non-negative integer expected)"};
static const vg_reason r_bad_csv = {"bad_csv", "guillemets CSV mal fermés",
                                    "badly closed CSV quotes"};
static const vg_reason r_short_csv = {"short_csv", "ligne CSV trop courte",
                                      "CSV line with too few columns"};
const vg_reason vg_alog_reason_too_long = {"line_too_long", "ligne trop longue", "line too long"};
static const vg_reason r_csv_header = {"csv_header",
                                       "l'en-tête CSV n'a pas les colonnes ts, account et action",
                                       "the CSV header lacks the ts, account and action columns"};

/* ---- actions ---- */

static const char *const action_names[VG_ACT__COUNT] = {
    "other", "login", "login_fail", "logout", "search", "read", "export",
};

const char *vg_alog_action_name(vg_alog_action a)
{
	return (unsigned)a < VG_ACT__COUNT ? action_names[a] : "other";
}

/* Synonyms of each action, lower case (docs/watch.md lists them). */
static const struct {
	const char *s;
	vg_alog_action a;
} action_syn[] = {
    {"read", VG_ACT_READ},
    {"view", VG_ACT_READ},
    {"get", VG_ACT_READ},
    {"consult", VG_ACT_READ},
    {"consultation", VG_ACT_READ},
    {"lecture", VG_ACT_READ},
    {"search", VG_ACT_SEARCH},
    {"query", VG_ACT_SEARCH},
    {"recherche", VG_ACT_SEARCH},
    {"login", VG_ACT_LOGIN},
    {"logon", VG_ACT_LOGIN},
    {"auth_success", VG_ACT_LOGIN},
    {"connexion", VG_ACT_LOGIN},
    {"login_fail", VG_ACT_LOGIN_FAIL},
    {"login_failed", VG_ACT_LOGIN_FAIL},
    {"login_failure", VG_ACT_LOGIN_FAIL},
    {"auth_failure", VG_ACT_LOGIN_FAIL},
    {"echec_connexion", VG_ACT_LOGIN_FAIL},
    {"logout", VG_ACT_LOGOUT},
    {"logoff", VG_ACT_LOGOUT},
    {"deconnexion", VG_ACT_LOGOUT},
    {"export", VG_ACT_EXPORT},
    {"download", VG_ACT_EXPORT},
    {"extraction", VG_ACT_EXPORT},
};

vg_alog_action vg_alog_action_parse(const char *s, size_t n)
{
	/* the common spellings first, exactly */
	if (n == 4 && !memcmp(s, "read", 4))
		return VG_ACT_READ;
	if (n == 6 && !memcmp(s, "search", 6))
		return VG_ACT_SEARCH;
	for (size_t i = 0; i < sizeof(action_syn) / sizeof(action_syn[0]); i++)
		if (strlen(action_syn[i].s) == n && !strncasecmp(action_syn[i].s, s, n))
			return action_syn[i].a;
	return VG_ACT_OTHER;
}

/* ---- parser set-up ---- */

/* The field a logical name stands for, or -1. */
static int field_of(const char *s, size_t n)
{
	for (int f = 0; f < VG_ALOG__NFIELDS; f++)
		if (strlen(vg_alog_field_names[f]) == n &&
		    !strncasecmp(vg_alog_field_names[f], s, n))
			return f;
	return -1;
}

int vg_alog_parser_init(vg_alog_parser *p, const vg_alog_opts *o, vg_lang lang, vg_err *err)
{
	memset(p, 0, offsetof(vg_alog_parser, scratch));
	p->used = 0;
	p->format = o ? o->format : VG_ALOG_AUTO;
	p->utc_offset = o ? o->utc_offset : 0;
	for (int f = 0; f < VG_ALOG__NFIELDS; f++) {
		size_t l = strlen(vg_alog_field_names[f]);
		memcpy(p->names[f], vg_alog_field_names[f], l + 1);
		p->name_len[f] = (uint8_t)l;
		p->col[f] = -1;
	}
	const char *s = o ? o->names : NULL;
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *eq = memchr(s, '=', len);
		if (!eq)
			return vg_err_set(err, VG_EUSAGE,
			                  lang == VG_LANG_EN
			                      ? "--fields: '%.*s' is not field=name"
			                      : "--fields : '%.*s' n'est pas champ=nom",
			                  (int)len, s);
		int f = field_of(s, (size_t)(eq - s));
		size_t nl = len - (size_t)(eq - s) - 1;
		if (f < 0)
			return vg_err_set(
			    err, VG_EUSAGE,
			    lang == VG_LANG_EN
			        ? "--fields: unknown field '%.*s' (ts, account, role, agency, "
			          "src, ua, action, person, query, results)"
			        : "--fields : champ inconnu '%.*s' (ts, account, role, agency, "
			          "src, ua, action, person, query, results)",
			    (int)(eq - s), s);
		if (nl == 0 || nl > VG_ALOG_MAX_NAME)
			return vg_err_set(
			    err, VG_EUSAGE,
			    lang == VG_LANG_EN
			        ? "--fields: the name of '%s' must have 1 to %d bytes"
			        : "--fields : le nom de '%s' doit faire de 1 à %d octets",
			    vg_alog_field_names[f], VG_ALOG_MAX_NAME);
		memcpy(p->names[f], eq + 1, nl);
		p->names[f][nl] = 0;
		p->name_len[f] = (uint8_t)nl;
		s = end ? end + 1 : NULL;
	}
	return 0;
}

/* ---- JSON scanning ---- */

static inline bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	return i;
}

/* Length of the valid UTF-8 sequence at s[i] (first byte >= 0x80), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c = s[i];
	size_t len;
	uint32_t v;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n - i < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i + k] & 0x3F);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || v > 0x10FFFF ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	return len;
}

static int hex4(const char *s, size_t n, size_t i, uint32_t *out)
{
	if (n - i < 4)
		return -1;
	uint32_t v = 0;
	for (int k = 0; k < 4; k++) {
		unsigned char c = (unsigned char)s[i + k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Scans a JSON string whose opening quote is at s[*pi]. With out, gives
 * the value: a slice of s, or decoded into the scratch buffer when it has
 * escapes. Moves *pi past the closing quote. NULL, or the reason.
 */
static const vg_reason *jstring(vg_alog_parser *p, const char *s, size_t n, size_t *pi,
                                vg_alog_str *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = *pi + 1, begin = i;
	for (;;) {
		while (i < n && u[i] >= 0x20 && u[i] != '"' && u[i] != '\\' && u[i] < 0x80)
			i++;
		if (i >= n)
			return &r_bad_string;
		if (u[i] == '"') {
			if (out) {
				out->s = s + begin;
				out->len = i - begin;
			}
			*pi = i + 1;
			return NULL;
		}
		if (u[i] >= 0x80) {
			size_t l = utf8_seq(u, n, i);
			if (!l)
				return &r_bad_utf8;
			i += l;
			continue;
		}
		if (u[i] < 0x20)
			return &r_bad_string;
		break; /* a backslash: decode from here */
	}
	/* slow path: copy into scratch (decoded is never longer than raw) */
	char *o = out ? p->scratch + p->used : NULL;
	size_t olen = 0;
	if (o) {
		memcpy(o, s + begin, i - begin);
		olen = i - begin;
	}
	while (i < n) {
		unsigned char c = u[i];
		if (c == '"') {
			if (out) {
				out->s = o;
				out->len = olen;
				p->used += olen;
			}
			*pi = i + 1;
			return NULL;
		}
		if (c < 0x20)
			return &r_bad_string;
		if (c >= 0x80) {
			size_t l = utf8_seq(u, n, i);
			if (!l)
				return &r_bad_utf8;
			if (o)
				memcpy(o + olen, s + i, l);
			olen += l;
			i += l;
			continue;
		}
		if (c != '\\') {
			if (o)
				o[olen] = (char)c;
			olen++;
			i++;
			continue;
		}
		if (++i >= n)
			return &r_bad_string;
		char e = s[i++];
		char ch;
		switch (e) {
		case '"':
		case '\\':
		case '/':
			ch = e;
			break;
		case 'b':
			ch = '\b';
			break;
		case 'f':
			ch = '\f';
			break;
		case 'n':
			ch = '\n';
			break;
		case 'r':
			ch = '\r';
			break;
		case 't':
			ch = '\t';
			break;
		case 'u': {
			uint32_t cp, lo;
			if (hex4(s, n, i, &cp))
				return &r_bad_string;
			i += 4;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return &r_bad_string;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (n - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
				    hex4(s, n, i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return &r_bad_string;
				i += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (cp == 0)
				return &r_bad_string;
			char tmp[4];
			size_t l = put_utf8(tmp, cp);
			if (o)
				memcpy(o + olen, tmp, l);
			olen += l;
			continue;
		}
		default:
			return &r_bad_string;
		}
		if (o)
			o[olen] = ch;
		olen++;
	}
	return &r_bad_string;
}

/*
 * Scans a JSON number at s[*pi] with jansson's grammar and range: an
 * integer must fit in 64 bits, a real must not overflow. Gives the token.
 */
static const vg_reason *jnumber(const char *s, size_t n, size_t *pi, vg_alog_str *tok, bool *is_int)
{
	size_t i = *pi, b = i;
	bool integer = true;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n)
		return &r_bad_number;
	if (s[i] == '0') {
		i++;
	} else if (s[i] >= '1' && s[i] <= '9') {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return &r_bad_number;
	}
	if (i < n && s[i] == '.') {
		integer = false;
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return &r_bad_number;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		integer = false;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return &r_bad_number;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	/* a digit right after a leading zero is an error in jansson too */
	if (i < n && s[i] >= '0' && s[i] <= '9')
		return &r_bad_number;
	size_t len = i - b;
	if (integer) {
		/* fits in int64? 18 digits always do */
		size_t d = len - (s[b] == '-');
		if (d > 18) {
			if (d > 19)
				return &r_bad_number;
			const char *lim =
			    s[b] == '-' ? "9223372036854775808" : "9223372036854775807";
			if (memcmp(s + b + (s[b] == '-'), lim, 19) > 0)
				return &r_bad_number;
		}
	} else {
		char buf[512];
		char *heap = NULL, *t = buf;
		if (len >= sizeof(buf))
			t = heap = vg_xmalloc(len + 1); /* a huge real: rare, not the hot path */
		memcpy(t, s + b, len);
		t[len] = 0;
		errno = 0;
		double v = strtod(t, NULL);
		int bad = errno == ERANGE && v != 0;
		free(heap);
		if (bad)
			return &r_bad_number;
	}
	tok->s = s + b;
	tok->len = len;
	*is_int = integer;
	*pi = i;
	return NULL;
}

/* Skips any JSON value at s[*pi] (already past white space). */
static const vg_reason *jskip(vg_alog_parser *p, const char *s, size_t n, size_t *pi, int depth)
{
	size_t i = *pi;
	if (i >= n)
		return &r_bad_json;
	char c = s[i];
	if (c == '"') {
		const vg_reason *r = jstring(p, s, n, &i, NULL);
		*pi = i;
		return r;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		vg_alog_str tok;
		bool integer;
		const vg_reason *r = jnumber(s, n, &i, &tok, &integer);
		*pi = i;
		return r;
	}
	if (c == '{' || c == '[') {
		if (depth >= VG_ALOG_MAX_DEPTH)
			return &r_too_deep;
		char close = c == '{' ? '}' : ']';
		i = skip_ws(s, n, i + 1);
		if (i < n && s[i] == close) {
			*pi = i + 1;
			return NULL;
		}
		for (;;) {
			if (c == '{') {
				if (i >= n || s[i] != '"')
					return &r_bad_json;
				const vg_reason *r = jstring(p, s, n, &i, NULL);
				if (r)
					return r;
				i = skip_ws(s, n, i);
				if (i >= n || s[i] != ':')
					return &r_bad_json;
				i = skip_ws(s, n, i + 1);
			}
			const vg_reason *r = jskip(p, s, n, &i, depth + 1);
			if (r)
				return r;
			i = skip_ws(s, n, i);
			if (i < n && s[i] == ',') {
				i = skip_ws(s, n, i + 1);
				continue;
			}
			if (i < n && s[i] == close) {
				*pi = i + 1;
				return NULL;
			}
			return &r_bad_json;
		}
	}
	/* literals: jansson reads a run of letters and compares it */
	size_t b = i;
	while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		i++;
	size_t l = i - b;
	if ((l == 4 && (!memcmp(s + b, "true", 4) || !memcmp(s + b, "null", 4))) ||
	    (l == 5 && !memcmp(s + b, "false", 5))) {
		*pi = i;
		return NULL;
	}
	return &r_bad_json;
}

/* The field whose configured name is key, or -1. */
static inline int field_named(const vg_alog_parser *p, const char *k, size_t kl)
{
	for (int f = 0; f < VG_ALOG__NFIELDS; f++)
		if (p->name_len[f] == kl && !memcmp(p->names[f], k, kl))
			return f;
	return -1;
}

static const vg_reason *parse_json(vg_alog_parser *p, const char *s, size_t n, vg_alog_event *ev,
                                   bool *int_field)
{
	size_t i = skip_ws(s, n, 0);
	if (i >= n || s[i] != '{')
		return &r_not_object;
	i = skip_ws(s, n, i + 1);
	if (i < n && s[i] == '}') {
		i++;
		goto end;
	}
	for (;;) {
		if (i >= n || s[i] != '"')
			return &r_bad_json;
		vg_alog_str key;
		size_t mark = p->used;
		const vg_reason *r = jstring(p, s, n, &i, &key);
		if (r)
			return r;
		p->used = mark; /* a decoded key is only compared */
		i = skip_ws(s, n, i);
		if (i >= n || s[i] != ':')
			return &r_bad_json;
		i = skip_ws(s, n, i + 1);
		if (i >= n)
			return &r_bad_json;
		int f = field_named(p, key.s, key.len);
		char c = s[i];
		if (f >= 0 && c == '"') {
			r = jstring(p, s, n, &i, &ev->f[f]);
			int_field[f] = false;
		} else if (f >= 0 && (c == '-' || (c >= '0' && c <= '9'))) {
			bool integer = false;
			r = jnumber(s, n, &i, &ev->f[f], &integer);
			int_field[f] = integer;
			if (!integer && f == VG_ALOG_RESULTS && !r)
				return &r_bad_results;
		} else {
			if (f >= 0) /* null, true, an object...: absent */
				ev->f[f].len = 0;
			r = jskip(p, s, n, &i, 1);
		}
		if (r)
			return r;
		i = skip_ws(s, n, i);
		if (i < n && s[i] == ',') {
			i = skip_ws(s, n, i + 1);
			continue;
		}
		if (i < n && s[i] == '}') {
			i++;
			break;
		}
		return &r_bad_json;
	}
end:
	i = skip_ws(s, n, i);
	return i == n ? NULL : &r_trailing;
}

/* ---- CSV ---- */

/* Splits a CSV line; calls the column's field slot. NULL, or the reason. */
static const vg_reason *csv_split(vg_alog_parser *p, const char *s, size_t n, vg_alog_str *cols,
                                  int maxcols, int *ncols)
{
	int c = 0;
	size_t i = 0;
	for (;;) {
		vg_alog_str v = {s + i, 0};
		if (i < n && s[i] == '"') {
			/* quoted: "" is a quote; decoded into scratch when needed */
			size_t j = i + 1, b = j;
			char *o = p->scratch + p->used;
			size_t olen = 0;
			bool copied = false;
			for (;;) {
				if (j >= n)
					return &r_bad_csv;
				if (s[j] == '"') {
					if (j + 1 < n && s[j + 1] == '"') {
						if (!copied) {
							memcpy(o, s + b, j - b);
							olen = j - b;
							copied = true;
						}
						o[olen++] = '"';
						j += 2;
						continue;
					}
					break;
				}
				if (copied)
					o[olen++] = s[j];
				j++;
			}
			if (copied) {
				v.s = o;
				v.len = olen;
				p->used += olen;
			} else {
				v.s = s + b;
				v.len = j - b;
			}
			i = j + 1;
			if (i < n && s[i] != p->delim)
				return &r_bad_csv;
		} else {
			const char *d = memchr(s + i, p->delim, n - i);
			size_t e = d ? (size_t)(d - s) : n;
			v.len = e - i;
			i = e;
		}
		if (c < maxcols)
			cols[c] = v;
		c++;
		if (i >= n)
			break;
		i++; /* the delimiter */
	}
	*ncols = c;
	return NULL;
}

static const vg_reason *csv_header(vg_alog_parser *p, const char *s, size_t n)
{
	size_t best = 0;
	const char cand[] = {',', ';', '\t', '|'};
	p->delim = ',';
	for (size_t k = 0; k < sizeof(cand); k++) {
		size_t cnt = 0;
		for (size_t i = 0; i < n; i++)
			cnt += s[i] == cand[k];
		if (cnt > best) {
			best = cnt;
			p->delim = cand[k];
		}
	}
	vg_alog_str cols[VG_ALOG_MAX_COLUMNS];
	int nc;
	const vg_reason *r = csv_split(p, s, n, cols, VG_ALOG_MAX_COLUMNS, &nc);
	if (r)
		return r;
	for (int f = 0; f < VG_ALOG__NFIELDS; f++)
		p->col[f] = -1;
	for (int c = 0; c < nc && c < VG_ALOG_MAX_COLUMNS; c++) {
		const char *k = cols[c].s;
		size_t kl = cols[c].len;
		while (kl && (k[0] == ' ' || k[0] == '\t')) {
			k++;
			kl--;
		}
		while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
			kl--;
		for (int f = 0; f < VG_ALOG__NFIELDS; f++)
			if (p->col[f] < 0 && p->name_len[f] == kl &&
			    !strncasecmp(p->names[f], k, kl))
				p->col[f] = (int16_t)c;
	}
	if (p->col[VG_ALOG_TS] < 0 || p->col[VG_ALOG_ACCOUNT] < 0 || p->col[VG_ALOG_ACTION] < 0)
		return &r_csv_header;
	p->ncols = nc;
	p->have_header = true;
	return NULL;
}

static const vg_reason *parse_csv(vg_alog_parser *p, const char *s, size_t n, vg_alog_event *ev)
{
	vg_alog_str cols[VG_ALOG_MAX_COLUMNS];
	int nc;
	const vg_reason *r = csv_split(p, s, n, cols, VG_ALOG_MAX_COLUMNS, &nc);
	if (r)
		return r;
	for (int f = 0; f < VG_ALOG__NFIELDS; f++) {
		int c = p->col[f];
		if (c < 0)
			continue;
		if (c >= nc) {
			if (f == VG_ALOG_TS || f == VG_ALOG_ACCOUNT || f == VG_ALOG_ACTION)
				return &r_short_csv;
			continue;
		}
		ev->f[f] = cols[c];
	}
	return NULL;
}

/* ---- time ---- */

int64_t vg_alog_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

void vg_alog_format_time(int64_t utc, int32_t off, char out[32])
{
	int64_t t = utc + off;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t sec = t - days * 86400;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	unsigned a = (unsigned)(off < 0 ? -(int64_t)off : off) % 86400;
	if (y < 0 || y > 9999)
		y = 9999;
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u%c%02u:%02u", (unsigned)y % 10000u, m % 13u,
	         d % 32u, (unsigned)(sec / 3600) % 24u, (unsigned)(sec / 60 % 60),
	         (unsigned)(sec % 60), off < 0 ? '-' : '+', a / 3600 % 100u, a / 60 % 60);
}

/* Reads exactly k digits at s[*i]. */
static int digits(const char *s, size_t n, size_t *i, int k, int *out)
{
	int v = 0;
	if (n - *i < (size_t)k)
		return -1;
	for (int j = 0; j < k; j++) {
		char c = s[*i + j];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)k;
	*out = v;
	return 0;
}

int vg_alog_parse_time(const char *s, size_t n, int32_t default_offset, int64_t *utc, int32_t *off,
                       bool *had_offset)
{
	while (n && s[0] == ' ') {
		s++;
		n--;
	}
	while (n && s[n - 1] == ' ')
		n--;
	if (!n || n > 40)
		return VG_EINVAL;
	size_t i = 0;
	bool all_digits = true;
	for (size_t k = 0; k < n && all_digits; k++)
		all_digits = (s[k] >= '0' && s[k] <= '9') || (s[k] == '.' && k > 0);
	if (all_digits) {
		int64_t v = 0;
		size_t k = 0;
		for (; k < n && s[k] != '.'; k++) {
			if (k >= 15)
				return VG_EINVAL;
			v = v * 10 + (s[k] - '0');
		}
		for (size_t j = k + 1; j < n; j++)
			if (s[j] == '.')
				return VG_EINVAL;
		if (v >= 100000000000LL)
			v /= 1000;      /* milliseconds */
		if (v > 253402300799LL) /* 9999-12-31 */
			return VG_EINVAL;
		*utc = v;
		*off = default_offset;
		*had_offset = false;
		return 0;
	}
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
	if (digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' || digits(s, n, &i, 2, &mo) ||
	    i >= n || s[i++] != '-' || digits(s, n, &i, 2, &d))
		return VG_EINVAL;
	if (i >= n || (s[i] != 'T' && s[i] != 't' && s[i] != ' '))
		return VG_EINVAL;
	i++;
	if (digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' || digits(s, n, &i, 2, &mi))
		return VG_EINVAL;
	if (i < n && s[i] == ':') {
		i++;
		if (digits(s, n, &i, 2, &se))
			return VG_EINVAL;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			i++;
			size_t b = i;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
			if (i == b)
				return VG_EINVAL;
		}
	}
	static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    se > 60)
		return VG_EINVAL;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return VG_EINVAL;
	if (se == 60)
		se = 59;
	int32_t o = default_offset;
	bool had = false;
	if (i < n) {
		if (s[i] == 'Z' || s[i] == 'z') {
			o = 0;
			i++;
		} else if (s[i] == '+' || s[i] == '-') {
			int sign = s[i] == '-' ? -1 : 1, oh = 0, om = 0;
			i++;
			if (digits(s, n, &i, 2, &oh))
				return VG_EINVAL;
			if (i < n && s[i] == ':')
				i++;
			if (i < n && digits(s, n, &i, 2, &om))
				return VG_EINVAL;
			if (oh > 14 || om > 59)
				return VG_EINVAL;
			o = sign * (oh * 3600 + om * 60);
		} else {
			return VG_EINVAL;
		}
		had = true;
	}
	if (i != n)
		return VG_EINVAL;
	int64_t days = vg_alog_days_from_civil(y, (unsigned)mo, (unsigned)d);
	*utc = days * 86400 + h * 3600 + mi * 60 + se - o;
	*off = o;
	*had_offset = had;
	return 0;
}

/* ---- the line ---- */

/* A non-negative integer, all digits, no more than 18 of them. */
static int uint_of(const char *s, size_t n, uint64_t *out)
{
	if (!n || n > 18)
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int vg_alog_parse(vg_alog_parser *p, const char *s, size_t n, vg_alog_event *ev,
                  const vg_reason **why)
{
	size_t b = 0;
	while (b < n && is_ws((unsigned char)s[b]))
		b++;
	if (b == n)
		return VG_ALOG_SKIP;
	if (n > VG_ALOG_MAX_LINE) {
		*why = &vg_alog_reason_too_long;
		return VG_EINVAL;
	}
	if (p->format == VG_ALOG_AUTO)
		p->format = s[b] == '{' ? VG_ALOG_JSONL : VG_ALOG_CSV;
	memset(ev->f, 0, sizeof(ev->f));
	p->used = 0;
	const vg_reason *r;
	bool int_field[VG_ALOG__NFIELDS] = {0};
	if (p->format == VG_ALOG_JSONL) {
		r = parse_json(p, s, n, ev, int_field);
	} else if (!p->have_header) {
		r = csv_header(p, s, n);
		if (!r)
			return VG_ALOG_SKIP;
		*why = r;
		return r == &r_csv_header ? VG_EUSAGE : VG_EINVAL;
	} else {
		r = parse_csv(p, s, n, ev);
	}
	if (r) {
		*why = r;
		return VG_EINVAL;
	}
	if (!ev->f[VG_ALOG_TS].len) {
		*why = &r_missing_ts;
		return VG_EINVAL;
	}
	if (!ev->f[VG_ALOG_ACCOUNT].len) {
		*why = &r_missing_account;
		return VG_EINVAL;
	}
	if (!ev->f[VG_ALOG_ACTION].len) {
		*why = &r_missing_action;
		return VG_EINVAL;
	}
	int32_t off;
	bool had;
	if (vg_alog_parse_time(ev->f[VG_ALOG_TS].s, ev->f[VG_ALOG_TS].len, p->utc_offset, &ev->ts,
	                       &off, &had)) {
		*why = &r_bad_ts;
		return VG_EINVAL;
	}
	/* the wall clock: at the offset written, else ("Z", none, Unix time) at
	 * the configured one */
	ev->local = ev->ts + (had && off != 0 ? off : p->utc_offset);
	ev->has_results = false;
	ev->results = 0;
	if (ev->f[VG_ALOG_RESULTS].len) {
		if (uint_of(ev->f[VG_ALOG_RESULTS].s, ev->f[VG_ALOG_RESULTS].len, &ev->results)) {
			*why = &r_bad_results;
			return VG_EINVAL;
		}
		ev->has_results = true;
	}
	ev->action = vg_alog_action_parse(ev->f[VG_ALOG_ACTION].s, ev->f[VG_ALOG_ACTION].len);
	return VG_ALOG_EVENT;
}

/* ---- line source ---- */

#define READ_BLOCK (256 * 1024)

int vg_alog_reader_open(vg_alog_reader *r, const char *path, bool follow, vg_err *err)
{
	memset(r, 0, sizeof(*r));
	r->follow = follow;
	r->poll_ms = 200;
	if (!strcmp(path, "-")) {
		r->fd = 0;
		r->follow = false; /* a pipe blocks by itself */
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0)
			return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s",
			                  path, strerror(errno));
		struct stat st;
		if (fstat(r->fd, &st) == 0)
			r->ino = (uint64_t)st.st_ino;
		r->own_fd = true;
		r->path = vg_xstrdup(path);
	}
	r->cap = VG_ALOG_MAX_LINE + READ_BLOCK;
	r->buf = vg_xmalloc(r->cap);
	return 0;
}

void vg_alog_reader_close(vg_alog_reader *r)
{
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->path);
	r->buf = NULL;
	r->path = NULL;
	r->fd = -1;
}

/* When following: reopens a replaced file, rewinds a truncated one. */
static void check_rotation(vg_alog_reader *r)
{
	struct stat st;
	if (!r->path || stat(r->path, &st) != 0)
		return;
	if ((uint64_t)st.st_ino != r->ino) {
		int fd = open(r->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		close(r->fd);
		r->fd = fd;
		r->ino = (uint64_t)st.st_ino;
		r->offset = 0;
	} else if ((uint64_t)st.st_size < r->offset) {
		if (lseek(r->fd, 0, SEEK_SET) == 0)
			r->offset = 0;
	}
}

/* Reads more; 1 got data, 0 end of input, VG_EIO. */
static int reader_fill(vg_alog_reader *r)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	for (;;) {
		if (r->stop && *r->stop)
			return 0;
		ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return VG_EIO;
		if (got > 0) {
			r->end += (size_t)got;
			r->offset += (uint64_t)got;
			r->idle = 0;
			return 1;
		}
		if (!r->follow)
			return 0;
		if (r->idle_limit && r->idle >= r->idle_limit)
			return 0;
		r->idle++;
		check_rotation(r);
		struct timespec ts = {(time_t)(r->poll_ms / 1000),
		                      (long)(r->poll_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
}

int vg_alog_reader_next(vg_alog_reader *r, vg_alog_line *out)
{
	for (;;) {
		char *p = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = avail ? memchr(p, '\n', avail) : NULL;
		if (r->skipping) {
			if (nl) {
				r->start += (size_t)(nl - p) + 1;
				r->skipping = false;
				continue;
			}
			r->start = r->end;
		} else if (nl && (size_t)(nl - p) <= VG_ALOG_MAX_LINE) {
			out->s = p;
			out->len = (size_t)(nl - p);
			out->lineno = ++r->lineno;
			out->overlong = false;
			r->start += out->len + 1;
			if (out->len && p[out->len - 1] == '\r')
				out->len--;
			return 1;
		} else if (avail > VG_ALOG_MAX_LINE) {
			out->s = p;
			out->len = VG_ALOG_MAX_LINE;
			out->lineno = ++r->lineno;
			out->overlong = true;
			r->start += VG_ALOG_MAX_LINE;
			r->skipping = true;
			return 1;
		} else if (r->eof) {
			/* following: a line without its newline is still being
			 * written; it waits (and is left when following stops) */
			if (!avail || r->follow)
				return 0;
			out->s = p;
			out->len = avail;
			out->lineno = ++r->lineno;
			out->overlong = false;
			r->start = r->end;
			if (out->len && p[out->len - 1] == '\r')
				out->len--;
			return 1;
		}
		int rc = reader_fill(r);
		if (rc < 0)
			return rc;
		if (rc == 0)
			r->eof = true;
	}
}
