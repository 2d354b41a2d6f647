/*
 * config.c: the `key = value` configuration file parser (vigie/config.h has
 * the format).
 *
 * One pass over the bytes, line by line, never past data[n). Each physical
 * line is checked first (length, UTF-8, control characters), then classified:
 *
 *   1. blank                      closes the open value
 *   2. first non-blank is '#'     a comment; closes the open value
 *   3. indented deeper than the open key's line, with an unquoted value open:
 *                                 a continuation, appended after '\n'
 *   4. first non-blank is '['     a section header
 *   5. otherwise                  key = value
 *
 * Rule 3 uses "deeper than the key line" (as Python's configparser does), so
 * a file that indents every key under its section still reads as keys.
 *
 * Invariants: every stored value is valid UTF-8 of at most
 * VG_CONFIG_MAX_VALUE bytes, NUL-terminated; names are lowercase ASCII of
 * 1..VG_CONFIG_MAX_NAME bytes; no two entries share (section, key); no two
 * sections share a name; entries are in file order.
 */
#include "vigie/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define M(fr, en) (c->lang == VG_LANG_EN ? (en) : (fr))

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

/* An empty configuration. */
void vg_config_init(vg_config *c, vg_lang lang)
{
	memset(c, 0, sizeof(*c));
	c->lang = lang;
}

/* Frees everything the configuration owns. */
void vg_config_release(vg_config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free((char *)c->entries[i].key);
		free((char *)c->entries[i].value);
	}
	for (size_t i = 0; i < c->n_sections; i++)
		free((char *)c->sections[i].name);
	free(c->entries);
	free(c->sections);
	free(c->name);
	vg_lang lang = c->lang;
	vg_config_init(c, lang);
}

/* ------------------------------------------------------------------ */
/* Line checks                                                         */

/*
 * Offset of the first byte of p[0..n) that is not well-formed UTF-8 or is a
 * control character other than tab (C0, DEL, C1), or n if none.
 */
static size_t bad_byte(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char b = p[i];
		if (b < 0x80) {
			if ((b < 0x20 && b != '\t') || b == 0x7F)
				return i;
			i++;
			continue;
		}
		size_t len;
		unsigned lo = 0x80, hi = 0xBF;
		if (b >= 0xC2 && b <= 0xDF)
			len = 2;
		else if (b >= 0xE0 && b <= 0xEF) {
			len = 3;
			if (b == 0xE0)
				lo = 0xA0; /* no overlong forms */
			if (b == 0xED)
				hi = 0x9F; /* no surrogates */
		} else if (b >= 0xF0 && b <= 0xF4) {
			len = 4;
			if (b == 0xF0)
				lo = 0x90;
			if (b == 0xF4)
				hi = 0x8F; /* nothing above U+10FFFF */
		} else
			return i;
		if (n - i < len || p[i + 1] < lo || p[i + 1] > hi)
			return i;
		for (size_t k = 2; k < len; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xBF)
				return i;
		if (b == 0xC2 && p[i + 1] < 0xA0)
			return i; /* C1 controls U+0080..U+009F */
		i += len;
	}
	return n;
}

/* True for the characters allowed in section and key names. */
static int name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == '.';
}

/* A malloc'd lowercase copy of the name s[0..n). */
static char *lower_dup(const char *s, size_t n)
{
	char *d = vg_xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		d[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	d[n] = 0;
	return d;
}

/* ------------------------------------------------------------------ */
/* Parser                                                              */

typedef struct parser {
	vg_config *c;
	vg_err *err;
	unsigned line;
	const char *section; /* current section name ("" before any header) */
	ssize_t open;        /* index of the entry whose value may continue, or -1 */
	size_t open_indent;  /* leading blanks of that entry's line */
	bool open_quoted;    /* its value was quoted: no continuation */
} parser;

/* Sets err to "file:line: message" and returns code. */
static int perr(parser *p, int code, const char *fmt, ...) VG_PRINTF(3, 4);
static int perr(parser *p, int code, const char *fmt, ...)
{
	if (p->err) {
		char msg[400];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		vg_err_set(p->err, code, "%s:%u: %s", p->c->name, p->line, msg);
	}
	return code;
}

/* A printable rendering of a name for messages: at most 40 bytes, quoted. */
static void show(char *buf, size_t cap, const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && i < 40 && k + 5 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7F)
			buf[k++] = (char)ch;
		else
			k += (size_t)snprintf(buf + k, cap - k, "\\x%02X", ch);
	}
	if (n > 40 && k + 4 < cap) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = 0;
}

/* Checks a name s[0..n); returns 0 or an error naming what (section or key). */
static int check_name(parser *p, const char *s, size_t n, bool is_key)
{
	vg_config *c = p->c;
	char shown[200];
	show(shown, sizeof(shown), s, n);
	if (n == 0)
		return perr(p, VG_EINVAL, "%s",
		            is_key
		                ? M("nom de clé manquant avant '='", "missing key name before '='")
		                : M("nom de section vide", "empty section name"));
	if (n > VG_CONFIG_MAX_NAME)
		return perr(p, VG_ETOOBIG,
		            M("nom trop long (plus de %d octets) : '%s'",
		              "name too long (more than %d bytes): '%s'"),
		            VG_CONFIG_MAX_NAME, shown);
	for (size_t i = 0; i < n; i++)
		if (!name_char((unsigned char)s[i]))
			return perr(p, VG_EINVAL,
			            M("nom invalide '%s' (lettres, chiffres, '_', '-' et '.' "
			              "seulement)",
			              "invalid name '%s' (letters, digits, '_', '-' and '.' only)"),
			            shown);
	return 0;
}

/* Handles a "[section]" line, t[0..n) trimmed. */
static int section_line(parser *p, const char *t, size_t n)
{
	vg_config *c = p->c;
	if (t[n - 1] != ']')
		return perr(p, VG_EINVAL, "%s",
		            M("un en-tête de section doit finir par ']' (pas de commentaire après)",
		              "a section header must end with ']' (no comment after it)"));
	const char *s = t + 1;
	size_t len = n - 2;
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	int rc = check_name(p, s, len, false);
	if (rc)
		return rc;
	char *name = lower_dup(s, len);
	for (size_t i = 0; i < c->n_sections; i++) {
		if (!strcmp(c->sections[i].name, name)) {
			rc = perr(p, VG_EINVAL,
			          M("section [%s] déjà ouverte ligne %u",
			            "section [%s] already opened at line %u"),
			          name, c->sections[i].line);
			free(name);
			return rc;
		}
	}
	if (c->n_sections >= VG_CONFIG_MAX_SECTIONS) {
		free(name);
		return perr(p, VG_ETOOBIG,
		            M("trop de sections (plus de %d)", "too many sections (more than %d)"),
		            VG_CONFIG_MAX_SECTIONS);
	}
	if (c->n_sections == c->cap_sections) {
		c->cap_sections = c->cap_sections ? 2 * c->cap_sections : 8;
		c->sections = vg_xrealloc(c->sections, c->cap_sections * sizeof(*c->sections));
	}
	c->sections[c->n_sections].name = name;
	c->sections[c->n_sections].line = p->line;
	c->n_sections++;
	p->section = name;
	return 0;
}

/* Decodes the quoted value v[0..n) (v[0] == '"') into a malloc'd string. */
static int quoted_value(parser *p, const char *v, size_t n, char **out, size_t *out_len)
{
	vg_config *c = p->c;
	char *d = vg_xmalloc(n);
	size_t k = 0, i = 1;
	for (;;) {
		if (i >= n) {
			free(d);
			return perr(p, VG_EINVAL, "%s",
			            M("guillemet fermant manquant", "missing closing quote"));
		}
		char ch = v[i++];
		if (ch == '"')
			break;
		if (ch != '\\') {
			d[k++] = ch;
			continue;
		}
		if (i >= n) {
			free(d);
			return perr(p, VG_EINVAL, "%s",
			            M("guillemet fermant manquant", "missing closing quote"));
		}
		char e = v[i++];
		switch (e) {
		case '"':
		case '\\':
			d[k++] = e;
			break;
		case 'n':
			d[k++] = '\n';
			break;
		case 't':
			d[k++] = '\t';
			break;
		default: {
			char shown[16];
			show(shown, sizeof(shown), &e, 1);
			free(d);
			return perr(p, VG_EINVAL,
			            M("échappement inconnu '\\%s' (seuls \\\", \\\\, \\n et \\t)",
			              "unknown escape '\\%s' (only \\\", \\\\, \\n and \\t)"),
			            shown);
		}
		}
	}
	while (i < n && (v[i] == ' ' || v[i] == '\t'))
		i++;
	if (i < n) {
		free(d);
		return perr(p, VG_EINVAL, "%s",
		            M("texte après le guillemet fermant", "text after the closing quote"));
	}
	d[k] = 0;
	*out = d;
	*out_len = k;
	return 0;
}

/* Handles a "key = value" line, t[0..n) trimmed, indented by indent blanks. */
static int key_line(parser *p, const char *t, size_t n, size_t indent)
{
	vg_config *c = p->c;
	const char *eq = memchr(t, '=', n);
	if (!eq)
		return perr(p, VG_EINVAL, "%s",
		            M("attendu 'clé = valeur' ou '[section]'",
		              "expected 'key = value' or '[section]'"));
	size_t klen = (size_t)(eq - t);
	while (klen && (t[klen - 1] == ' ' || t[klen - 1] == '\t'))
		klen--;
	int rc = check_name(p, t, klen, true);
	if (rc)
		return rc;
	const char *v = eq + 1;
	size_t vlen = n - (size_t)(v - t);
	while (vlen && (*v == ' ' || *v == '\t'))
		v++, vlen--;

	char *key = lower_dup(t, klen);
	for (size_t i = 0; i < c->n; i++) {
		if (!strcmp(c->entries[i].section, p->section) && !strcmp(c->entries[i].key, key)) {
			if (*p->section)
				rc = perr(p, VG_EINVAL,
				          M("clé '%s' en double dans [%s] (déjà ligne %u)",
				            "duplicate key '%s' in [%s] (first at line %u)"),
				          key, p->section, c->entries[i].line);
			else
				rc = perr(p, VG_EINVAL,
				          M("clé '%s' en double (déjà ligne %u)",
				            "duplicate key '%s' (first at line %u)"),
				          key, c->entries[i].line);
			free(key);
			return rc;
		}
	}
	if (c->n >= VG_CONFIG_MAX_ENTRIES) {
		free(key);
		return perr(p, VG_ETOOBIG,
		            M("trop de clés (plus de %d)", "too many keys (more than %d)"),
		            VG_CONFIG_MAX_ENTRIES);
	}

	char *value = NULL;
	size_t value_len = 0;
	bool quoted = vlen && v[0] == '"';
	if (quoted) {
		rc = quoted_value(p, v, vlen, &value, &value_len);
		if (rc) {
			free(key);
			return rc;
		}
	} else {
		value = vg_xmalloc(vlen + 1);
		memcpy(value, v, vlen);
		value[vlen] = 0;
		value_len = vlen;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->entries = vg_xrealloc(c->entries, c->cap * sizeof(*c->entries));
	}
	vg_config_entry *e = &c->entries[c->n++];
	e->section = p->section;
	e->key = key;
	e->value = value;
	e->value_len = value_len;
	e->line = p->line;
	e->used = false;
	p->open = (ssize_t)(c->n - 1);
	p->open_indent = indent;
	p->open_quoted = quoted;
	return 0;
}

/* Appends the continuation t[0..n) to the open value. */
static int continuation(parser *p, const char *t, size_t n)
{
	vg_config *c = p->c;
	vg_config_entry *e = &c->entries[p->open];
	if (p->open_quoted)
		return perr(
		    p, VG_EINVAL, "%s",
		    M("une valeur entre guillemets ne peut pas continuer à la ligne suivante",
		      "a quoted value cannot continue on the next line"));
	size_t sep = e->value_len ? 1 : 0;
	if (e->value_len + sep + n > VG_CONFIG_MAX_VALUE)
		return perr(p, VG_ETOOBIG,
		            M("valeur de '%s' trop longue (plus de %d octets)",
		              "value of '%s' too long (more than %d bytes)"),
		            e->key, VG_CONFIG_MAX_VALUE);
	char *v = vg_xrealloc((char *)e->value, e->value_len + sep + n + 1);
	if (sep)
		v[e->value_len] = '\n';
	memcpy(v + e->value_len + sep, t, n);
	e->value_len += sep + n;
	v[e->value_len] = 0;
	e->value = v;
	return 0;
}

/* Handles one physical line s[0..n) without its line end. */
static int one_line(parser *p, const char *s, size_t n)
{
	vg_config *c = p->c;
	if (n > VG_CONFIG_MAX_LINE)
		return perr(p, VG_ETOOBIG,
		            M("ligne trop longue (plus de %d octets)",
		              "line too long (more than %d bytes)"),
		            VG_CONFIG_MAX_LINE);
	size_t bad = bad_byte((const unsigned char *)s, n);
	if (bad < n) {
		unsigned char b = (unsigned char)s[bad];
		if (b == '\r')
			return perr(p, VG_EINVAL,
			            M("retour chariot isolé (colonne %zu)",
			              "stray carriage return (column %zu)"),
			            bad + 1);
		if (b == 0)
			return perr(p, VG_EINVAL,
			            M("octet nul (colonne %zu)", "NUL byte (column %zu)"), bad + 1);
		if (b < 0x20 || b == 0x7F)
			return perr(p, VG_EINVAL,
			            M("caractère de contrôle 0x%02X (colonne %zu)",
			              "control character 0x%02X (column %zu)"),
			            b, bad + 1);
		return perr(p, VG_EINVAL,
		            M("UTF-8 invalide (colonne %zu) : le fichier doit être en UTF-8",
		              "invalid UTF-8 (column %zu): the file must be UTF-8"),
		            bad + 1);
	}
	size_t indent = 0;
	while (indent < n && (s[indent] == ' ' || s[indent] == '\t'))
		indent++;
	size_t end = n;
	while (end > indent && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	const char *t = s + indent;
	size_t tlen = end - indent;

	if (tlen == 0 || t[0] == '#') {
		p->open = -1;
		return 0;
	}
	if (p->open >= 0 && indent > p->open_indent)
		return continuation(p, t, tlen);
	p->open = -1;
	if (t[0] == '[')
		return section_line(p, t, tlen);
	return key_line(p, t, tlen, indent);
}

/* Parses a whole file's bytes into c. */
int vg_config_parse(vg_config *c, const char *name, const char *data, size_t n, vg_err *err)
{
	free(c->name);
	c->name = vg_xstrdup(name ? name : "-");
	parser p = {.c = c, .err = err, .line = 0, .section = "", .open = -1};
	if (n > VG_CONFIG_MAX_BYTES)
		return vg_err_set(err, VG_ETOOBIG,
		                  M("%s : fichier trop gros (plus de %d octets)",
		                    "%s: file too big (more than %d bytes)"),
		                  c->name, VG_CONFIG_MAX_BYTES);
	size_t i = 0;
	if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n) {
		const char *nl = memchr(data + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - data) : n;
		size_t len = e - i;
		if (len && data[i + len - 1] == '\r')
			len--;
		p.line++;
		int rc = one_line(&p, data + i, len);
		if (rc)
			return rc;
		i = nl ? e + 1 : n;
	}
	return 0;
}

/* Reads the file at path (at most VG_CONFIG_MAX_BYTES) and parses it. */
int vg_config_load(vg_config *c, const char *path, vg_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		return vg_err_set(err, e == ENOENT ? VG_ENOTFOUND : VG_EIO,
		                  M("%s : ouverture impossible : %s", "%s: cannot open: %s"), path,
		                  strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return vg_err_set(err, VG_EIO, M("%s : est un répertoire", "%s: is a directory"),
		                  path);
	}
	size_t cap = 8192, len = 0;
	char *buf = vg_xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > VG_CONFIG_MAX_BYTES) {
				free(buf);
				close(fd);
				return vg_err_set(err, VG_ETOOBIG,
				                  M("%s : fichier trop gros (plus de %d octets)",
				                    "%s: file too big (more than %d bytes)"),
				                  path, VG_CONFIG_MAX_BYTES);
			}
			cap *= 2;
			buf = vg_xrealloc(buf, cap);
		}
		ssize_t got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return vg_err_set(err, VG_EIO,
			                  M("%s : lecture impossible : %s", "%s: cannot read: %s"),
			                  path, strerror(e));
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	int rc = vg_config_parse(c, path, buf, len, err);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */

/* The entry for section/key, marked used. */
const vg_config_entry *vg_config_find(vg_config *c, const char *section, const char *key)
{
	for (size_t i = 0; i < c->n; i++) {
		vg_config_entry *e = &c->entries[i];
		if (!strcasecmp(e->section, section) && !strcasecmp(e->key, key)) {
			e->used = true;
			return e;
		}
	}
	return NULL;
}

/* The value for section/key, or NULL. */
const char *vg_config_get(vg_config *c, const char *section, const char *key)
{
	const vg_config_entry *e = vg_config_find(c, section, key);
	return e ? e->value : NULL;
}

/* Formats "file:line: [section] key: message" into err. */
int vg_config_errf(const vg_config *c, const vg_config_entry *e, vg_err *err, int code,
                   const char *fmt, ...)
{
	if (err) {
		char msg[400];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		const char *name = c->name ? c->name : "-";
		if (!e)
			vg_err_set(err, code, "%s: %s", name, msg);
		else if (*e->section)
			vg_err_set(err, code, "%s:%u: [%s] %s: %s", name, e->line, e->section,
			           e->key, msg);
		else
			vg_err_set(err, code, "%s:%u: %s: %s", name, e->line, e->key, msg);
	}
	return code;
}

/* An unsigned integer in [min, max]. */
int vg_config_get_uint(vg_config *c, const char *section, const char *key, uint64_t min,
                       uint64_t max, uint64_t *out, vg_err *err)
{
	const vg_config_entry *e = vg_config_find(c, section, key);
	if (!e)
		return 0;
	uint64_t v = 0;
	bool ok = e->value_len > 0 && e->value_len <= 20;
	for (size_t i = 0; ok && i < e->value_len; i++) {
		unsigned d = (unsigned)(unsigned char)e->value[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			ok = false;
		else
			v = v * 10 + d;
	}
	if (!ok || v < min || v > max)
		return vg_config_errf(c, e, err, VG_EINVAL,
		                      M("attendu un nombre entier entre %llu et %llu",
		                        "expected a whole number between %llu and %llu"),
		                      (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

/* A boolean, in English or French words, or 1/0. */
int vg_config_get_bool(vg_config *c, const char *section, const char *key, bool *out, vg_err *err)
{
	static const char *const yes[] = {"true", "yes", "on", "oui", "1"};
	static const char *const no[] = {"false", "no", "off", "non", "0"};
	const vg_config_entry *e = vg_config_find(c, section, key);
	if (!e)
		return 0;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(e->value, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(e->value, no[i])) {
			*out = false;
			return 0;
		}
	}
	return vg_config_errf(c, e, err, VG_EINVAL, "%s",
	                      M("attendu true ou false (yes/no, on/off, oui/non, 1/0)",
	                        "expected true or false (yes/no, on/off, oui/non, 1/0)"));
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

/* Edit distance between a and b, capped at 3 (enough to suggest a key). */
static unsigned distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > VG_CONFIG_MAX_NAME || lb > VG_CONFIG_MAX_NAME)
		return 3;
	if (la > lb + 2 || lb > la + 2)
		return 3;
	unsigned row[VG_CONFIG_MAX_NAME + 1];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] < 3 ? row[lb] : 3;
}

/* True when some known key lives in section. */
static bool known_section(const char *section, const vg_config_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(keys[i].section, section))
			return true;
	return false;
}

/* Checks every key and section against the known keys. */
int vg_config_validate(const vg_config *c, const vg_config_key *keys, size_t n_keys, vg_err *err)
{
	char first[400] = "";
	unsigned problems = 0;
	const char *name = c->name ? c->name : "-";

	for (size_t i = 0; i < c->n_sections; i++) {
		const vg_config_section *s = &c->sections[i];
		if (known_section(s->name, keys, n_keys))
			continue;
		if (!problems++)
			snprintf(first, sizeof(first),
			         M("%s:%u: section inconnue [%s]", "%s:%u: unknown section [%s]"),
			         name, s->line, s->name);
	}
	for (size_t i = 0; i < c->n; i++) {
		const vg_config_entry *e = &c->entries[i];
		if (*e->section && !known_section(e->section, keys, n_keys))
			continue; /* reported with its section */
		const char *near = NULL;
		bool found = false;
		for (size_t k = 0; k < n_keys && !found; k++) {
			if (strcasecmp(keys[k].section, e->section))
				continue;
			if (!strcasecmp(keys[k].key, e->key))
				found = true;
			else if (!near && distance(e->key, keys[k].key) <= 2)
				near = keys[k].key;
		}
		if (found || problems++)
			continue;
		char where[120] = "";
		if (*e->section)
			snprintf(where, sizeof(where), M(" dans [%s]", " in [%s]"), e->section);
		if (near)
			snprintf(first, sizeof(first),
			         M("%s:%u: clé inconnue '%s'%s (vouliez-vous dire '%s' ?)",
			           "%s:%u: unknown key '%s'%s (did you mean '%s'?)"),
			         name, e->line, e->key, where, near);
		else
			snprintf(first, sizeof(first),
			         M("%s:%u: clé inconnue '%s'%s", "%s:%u: unknown key '%s'%s"), name,
			         e->line, e->key, where);
	}
	for (size_t k = 0; k < n_keys; k++) {
		if (!keys[k].required)
			continue;
		bool present = false;
		for (size_t i = 0; i < c->n && !present; i++)
			present = !strcasecmp(c->entries[i].section, keys[k].section) &&
			          !strcasecmp(c->entries[i].key, keys[k].key);
		if (present || problems++)
			continue;
		snprintf(first, sizeof(first),
		         M("%s : clé obligatoire manquante '%s' dans [%s]",
		           "%s: missing required key '%s' in [%s]"),
		         name, keys[k].key, keys[k].section);
	}
	if (!problems)
		return 0;
	if (problems == 1)
		return vg_err_set(err, VG_EINVAL, "%s", first);
	return vg_err_set(err, VG_EINVAL,
	                  M("%s (et %u autre(s) problème(s))", "%s (and %u more problem(s))"),
	                  first, problems - 1);
}
