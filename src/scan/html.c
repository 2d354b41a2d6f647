/*
 * html.c: the text of an HTML part and its links, for the rules and the
 * model.
 *
 * Not a browser: one pass over the bytes with a small state machine. Tags
 * become nothing (inline) or a space (block), the contents of <script>,
 * <style>, <head> metadata and comments are dropped, character references
 * are decoded (numeric ones and the named ones mail uses), and each <a
 * href> is kept with the text it shows, so scan.c can compare the domain a
 * link names with the one it points to. A <form> and a password field are
 * noted (a form in an email collects data). Bounded: the text stops at
 * VG_EMAIL_TEXT_MAX bytes, anchors at VG_EMAIL_MAX_ANCHORS, an href at
 * 2 KiB; malformed HTML (unclosed tags, quotes) ends the tag at '>' or at
 * the end of the input, never reads past html[n).
 */
#include "scan/scan_int.h"

#include <string.h>

/* Appends the UTF-8 encoding of cp to b. */
static void put_utf8(vg_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
	}
	vg_buf_put(b, u, n);
}

static const struct {
	const char *name;
	uint16_t cp;
} entities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},    {"eacute", 0xE9},  {"egrave", 0xE8},  {"ecirc", 0xEA},    {"euml", 0xEB},
    {"agrave", 0xE0},  {"acirc", 0xE2},   {"ccedil", 0xE7},  {"ocirc", 0xF4},    {"ucirc", 0xFB},
    {"ugrave", 0xF9},  {"icirc", 0xEE},   {"iuml", 0xEF},    {"Eacute", 0xC9},   {"Egrave", 0xC8},
    {"Agrave", 0xC0},  {"Ccedil", 0xC7},  {"laquo", 0xAB},   {"raquo", 0xBB},    {"rsquo", 0x2019},
    {"lsquo", 0x2018}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"hellip", 0x2026}, {"euro", 0x20AC},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"copy", 0xA9},    {"reg", 0xAE},      {"trade", 0x2122},
    {"oelig", 0x153},  {"pound", 0xA3},   {"shy", 0xAD},     {"zwnj", 0x200C},   {"zwj", 0x200D},
    {"bull", 0x2022},  {"middot", 0xB7},  {"deg", 0xB0},     {"uuml", 0xFC},     {"ouml", 0xF6},
    {"auml", 0xE4},
};

/*
 * Decodes the character reference at s[i..n) (s[i] == '&') into b; returns
 * the bytes consumed, or 0 when it is not one (the '&' is then literal).
 */
static size_t entity(vg_buf *b, const char *s, size_t i, size_t n)
{
	size_t j = i + 1;
	if (j < n && s[j] == '#') {
		j++;
		uint32_t cp = 0;
		bool hex = j < n && (s[j] == 'x' || s[j] == 'X');
		if (hex)
			j++;
		size_t st = j;
		while (j < n && j - st < 8) {
			char c = s[j];
			int v = c >= '0' && c <= '9' ? c - '0'
			        : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f'
			            ? (c | 0x20) - 'a' + 10
			            : -1;
			if (v < 0)
				break;
			cp = cp * (hex ? 16 : 10) + (uint32_t)v;
			j++;
		}
		if (j == st)
			return 0;
		if (j < n && s[j] == ';')
			j++;
		put_utf8(b, cp);
		return j - i;
	}
	size_t st = j;
	while (j < n && j - st < 10 &&
	       (((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z') || (s[j] >= '0' && s[j] <= '9')))
		j++;
	size_t len = j - st;
	for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
		if (strlen(entities[k].name) == len && !memcmp(entities[k].name, s + st, len)) {
			put_utf8(b, entities[k].cp);
			return (j < n && s[j] == ';') ? j + 1 - i : j - i;
		}
	}
	return 0;
}

/* Appends text s[a..b) with entities decoded, within the text limit. */
static void put_text(vg_buf *out, const char *s, size_t a, size_t b, size_t limit)
{
	size_t i = a;
	while (i < b && out->len < limit) {
		if (s[i] == '&') {
			size_t used = entity(out, s, i, b);
			if (used) {
				i += used;
				continue;
			}
		}
		size_t j = i + 1;
		while (j < b && s[j] != '&')
			j++;
		size_t take = j - i;
		if (out->len + take > limit)
			take = limit - out->len;
		/* whitespace runs, newlines included, are one space in HTML */
		for (size_t k = 0; k < take; k++) {
			char c = s[i + k];
			if (c == '\n' || c == '\r' || c == '\t')
				c = ' ';
			if (c == ' ' && out->len && out->data[out->len - 1] == ' ')
				continue;
			vg_buf_putc(out, c);
		}
		i = j;
	}
}

/* Case-insensitive comparison of s[0..n) with lowercase word w. */
static bool name_is(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w);
	if (n != l)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((s[i] | 0x20) != w[i])
			return false;
	return true;
}

/* Finds attribute attr in the tag body s[a..b); sets its value span. */
static bool attr_value(const char *s, size_t a, size_t b, const char *attr, size_t *va, size_t *vb)
{
	size_t i = a;
	while (i < b) {
		while (i < b &&
		       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '/'))
			i++;
		size_t ns = i;
		while (i < b && s[i] != '=' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		       s[i] != '\r' && s[i] != '>')
			i++;
		size_t ne = i;
		while (i < b && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
			i++;
		size_t vs = i, ve = i;
		if (i < b && s[i] == '=') {
			i++;
			while (i < b &&
			       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
				i++;
			if (i < b && (s[i] == '"' || s[i] == '\'')) {
				char q = s[i++];
				vs = i;
				while (i < b && s[i] != q)
					i++;
				ve = i;
				if (i < b)
					i++;
			} else {
				vs = i;
				while (i < b && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
				       s[i] != '\r' && s[i] != '>')
					i++;
				ve = i;
			}
		}
		if (ne > ns && name_is(s + ns, ne - ns, attr)) {
			*va = vs;
			*vb = ve;
			return true;
		}
		if (ns == i)
			i++;
	}
	return false;
}

/* Tags that break the text into blocks. */
static bool block_tag(const char *s, size_t n)
{
	static const char *const tags[] = {
	    "p",  "div",   "br",         "tr",     "td",      "th",      "li",     "ul",
	    "ol", "table", "h1",         "h2",     "h3",      "h4",      "h5",     "h6",
	    "hr", "title", "blockquote", "center", "section", "article", "header", "footer"};
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (name_is(s, n, tags[i]))
			return true;
	return false;
}

/* Skips to the end of the element "</name>" from i; returns the index after
 * it, or n. */
static size_t skip_element(const char *s, size_t i, size_t n, const char *name)
{
	size_t l = strlen(name);
	while (i + 2 + l <= n) {
		if (s[i] == '<' && s[i + 1] == '/' && name_is(s + i + 2, l, name)) {
			const char *gt = memchr(s + i, '>', n - i);
			return gt ? (size_t)(gt - s) + 1 : n;
		}
		i++;
	}
	return n;
}

/* Ends an anchor: its text is what the text gained since it opened. */
static void close_anchor(vg_email_doc *d, vg_anchor *an, size_t start)
{
	size_t tl = d->text.len > start ? d->text.len - start : 0;
	an->text_off = (uint32_t)d->strings.len;
	an->text_len = (uint32_t)tl;
	if (tl)
		vg_buf_put(&d->strings, d->text.data + start, tl);
}

/* Converts html[0..n) (see the file comment). */
void vg_html_to_text(vg_email_doc *d, const char *html, size_t n)
{
	const size_t limit = VG_EMAIL_TEXT_MAX;
	size_t i = 0;
	long open_anchor = -1; /* index of the anchor whose text is being read */
	size_t anchor_text_start = 0;
	if (d->text.len && d->text.len < limit)
		vg_buf_putc(&d->text, '\n');
	while (i < n) {
		if (html[i] != '<') {
			size_t j = i;
			while (j < n && html[j] != '<')
				j++;
			put_text(&d->text, html, i, j, limit);
			i = j;
			continue;
		}
		/* comment */
		if (n - i >= 4 && !memcmp(html + i, "<!--", 4)) {
			const char *e = NULL;
			for (size_t k = i + 4; k + 3 <= n; k++)
				if (!memcmp(html + k, "-->", 3)) {
					e = html + k;
					break;
				}
			i = e ? (size_t)(e - html) + 3 : n;
			continue;
		}
		/* the tag: <name attrs> or </name> */
		size_t j = i + 1;
		bool closing = j < n && html[j] == '/';
		if (closing)
			j++;
		size_t ns = j;
		while (j < n && (((html[j] | 0x20) >= 'a' && (html[j] | 0x20) <= 'z') ||
		                 (html[j] >= '0' && html[j] <= '9')))
			j++;
		size_t ne = j;
		if (ne == ns && !closing) {
			/* not a tag ("a < b", "<!DOCTYPE"): a '<' alone is text */
			if (j < n && html[j] == '!') {
				const char *gt = memchr(html + j, '>', n - j);
				i = gt ? (size_t)(gt - html) + 1 : n;
			} else {
				put_text(&d->text, html, i, i + 1, limit);
				i++;
			}
			continue;
		}
		/* end of the tag, quotes respected */
		size_t k = j;
		char q = 0;
		while (k < n && (q || html[k] != '>')) {
			if (q && html[k] == q)
				q = 0;
			else if (!q && (html[k] == '"' || html[k] == '\''))
				q = html[k];
			k++;
		}
		size_t body_a = ne, body_b = k;
		i = k < n ? k + 1 : n;
		const char *name = html + ns;
		size_t nl = ne - ns;
		if (!closing && (name_is(name, nl, "script") || name_is(name, nl, "style"))) {
			i = skip_element(html, i, n,
			                 name_is(name, nl, "script") ? "script" : "style");
			continue;
		}
		if (block_tag(name, nl)) {
			if (d->text.len && d->text.len < limit &&
			    d->text.data[d->text.len - 1] != ' ')
				vg_buf_putc(&d->text, ' ');
		}
		if (name_is(name, nl, "a")) {
			if (open_anchor >= 0) {
				/* close the previous anchor (nested or unclosed) */
				close_anchor(d, &d->anchors[open_anchor], anchor_text_start);
				open_anchor = -1;
			}
			size_t va, vb;
			if (!closing && d->nanchors < VG_EMAIL_MAX_ANCHORS &&
			    attr_value(html, body_a, body_b, "href", &va, &vb)) {
				vg_anchor *an = &d->anchors[d->nanchors];
				size_t before = d->strings.len;
				put_text(&d->strings, html, va, vb < va + 2048 ? vb : va + 2048,
				         (size_t)-1);
				an->href_off = (uint32_t)before;
				an->href_len = (uint32_t)(d->strings.len - before);
				an->text_off = an->text_len = 0;
				open_anchor = (long)d->nanchors++;
				anchor_text_start = d->text.len;
			}
		} else if (!closing && name_is(name, nl, "form")) {
			d->has_form = true;
		} else if (!closing && name_is(name, nl, "input")) {
			size_t va, vb;
			if (attr_value(html, body_a, body_b, "type", &va, &vb) &&
			    name_is(html + va, vb - va, "password"))
				d->has_password_input = true;
		}
	}
	if (open_anchor >= 0)
		close_anchor(d, &d->anchors[open_anchor], anchor_text_start);
}
