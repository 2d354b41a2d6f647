/*
 * encode.c: the byte-level encodings of a notification: quoted-printable
 * bodies (RFC 2045), RFC 2047 header words, and GSM-7 / UCS-2 SMS segment
 * counting (3GPP TS 23.038, 23.040). The output buffer is vg_buf (core).
 *
 * These run once per distinct body (a few dozen per run), not per message:
 * clarity over speed. The unit tests decode their output with GMime.
 */
#include "notify/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t nm_u64_dec(char *buf, uint64_t v)
{
	char t[20];
	size_t n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	return n;
}

/* ------------------------------------------------------------ UTF-8 */

/* Decodes one UTF-8 sequence at s[0..n); returns its length (0 if invalid). */
size_t nb_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned char b = s[0];
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	size_t len;
	uint32_t c, min;
	if (b >= 0xC2 && b <= 0xDF) {
		len = 2, c = b & 0x1F, min = 0x80;
	} else if (b >= 0xE0 && b <= 0xEF) {
		len = 3, c = b & 0x0F, min = 0x800;
	} else if (b >= 0xF0 && b <= 0xF4) {
		len = 4, c = b & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* ------------------------------------------------------------ quoted-printable */

static const char hexd[] = "0123456789ABCDEF";

/* Encodes one line (no line end) with soft breaks; at most 76 columns. */
static void qp_line(vg_notify_buf *out, const unsigned char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		bool last = i + 1 == n;
		bool enc;
		if (c == '=' || c < 0x20 || c >= 0x7F)
			enc = c != '\t' || last;
		else if (c == ' ')
			enc = last;
		else if (col == 0 && c == '.')
			enc = true;
		else if (col == 0 && c == 'F' && n - i >= 5 && !memcmp(s + i, "From ", 5))
			enc = true;
		else
			enc = false;
		size_t w = enc ? 3 : 1;
		/* room for this and a soft break "=" unless it is the last char */
		if (col + w > (last ? 76 : 75)) {
			vg_buf_put(out, "=\r\n", 3);
			col = 0;
			if (c == '.' || (c == 'F' && n - i >= 5 && !memcmp(s + i, "From ", 5)))
				enc = true, w = 3;
		}
		if (enc) {
			char e[3] = {'=', hexd[c >> 4], hexd[c & 15]};
			vg_buf_put(out, e, 3);
		} else {
			vg_buf_put(out, &c, 1);
		}
		col += w;
	}
}

void vg_notify_qp(vg_notify_buf *out, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t a = 0;
	while (a < n) {
		size_t e = a;
		while (e < n && s[e] != '\n')
			e++;
		size_t le = e;
		if (le > a && s[le - 1] == '\r')
			le--;
		qp_line(out, s + a, le - a);
		if (e < n)
			vg_buf_put(out, "\r\n", 2);
		a = e + 1;
	}
}

/* ------------------------------------------------------------ RFC 2047 */

/* Characters allowed unencoded in a Q encoded word in any context (RFC 2047 5(3)). */
static bool q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

/* Appends value as encoded words; col is the column already used on the line. */
static void encoded_words(vg_notify_buf *out, const char *value, size_t col)
{
	static const char pre[] = "=?UTF-8?Q?";
	const unsigned char *s = (const unsigned char *)value;
	size_t n = strlen(value), i = 0;
	bool first = true;
	while (i < n) {
		/* one word: at most 75 characters, and the line at most 78 */
		char word[80];
		size_t wl = 0;
		memcpy(word, pre, sizeof(pre) - 1);
		wl = sizeof(pre) - 1;
		size_t limit = 75 - 2; /* keep room for "?=" */
		if (!first)
			col = 1;
		if (col + 75 > 78)
			limit = 78 - col - 2 < limit ? 78 - col - 2 : limit;
		if (limit < wl + 12)
			limit = wl + 12; /* always room for one 4-byte character */
		while (i < n) {
			uint32_t cp;
			size_t cl = nb_utf8_next(s + i, n - i, &cp);
			if (cl == 0)
				cl = 1; /* invalid byte: encoded alone */
			size_t need = 0;
			for (size_t k = 0; k < cl; k++)
				need += (s[i + k] == ' ' || q_plain(s[i + k])) ? 1 : 3;
			if (wl + need > limit)
				break;
			for (size_t k = 0; k < cl; k++) {
				unsigned char c = s[i + k];
				if (c == ' ')
					word[wl++] = '_';
				else if (q_plain(c))
					word[wl++] = (char)c;
				else {
					word[wl++] = '=';
					word[wl++] = hexd[c >> 4];
					word[wl++] = hexd[c & 15];
				}
			}
			i += cl;
		}
		word[wl++] = '?';
		word[wl++] = '=';
		if (!first)
			vg_buf_put(out, "\r\n ", 3);
		vg_buf_put(out, word, wl);
		first = false;
	}
}

/* True when s is printable ASCII without "=?" (which would read as an encoded word). */
static bool plain_ascii(const char *s)
{
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7E)
			return false;
		if (p[0] == '=' && p[1] == '?')
			return false;
	}
	return true;
}

void vg_notify_header_text(vg_notify_buf *out, const char *name, const char *value)
{
	vg_buf_puts(out, name);
	vg_buf_put(out, ": ", 2);
	if (plain_ascii(value) && strlen(name) + 2 + strlen(value) <= 78)
		vg_buf_puts(out, value);
	else
		encoded_words(out, value, strlen(name) + 2);
	vg_buf_put(out, "\r\n", 2);
}

void vg_notify_header_mailbox(vg_notify_buf *out, const char *name, const char *display,
                              const char *addr)
{
	vg_buf_puts(out, name);
	vg_buf_put(out, ": ", 2);
	if (display && *display) {
		bool atoms = strlen(display) < 60;
		for (const char *p = display; *p && atoms; p++)
			atoms = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			        (*p >= '0' && *p <= '9') || *p == ' ';
		if (atoms)
			vg_buf_puts(out, display);
		else
			encoded_words(out, display, strlen(name) + 2);
		vg_buf_put(out, " <", 2);
		vg_buf_puts(out, addr);
		vg_buf_put(out, ">", 1);
	} else {
		vg_buf_puts(out, addr);
	}
	vg_buf_put(out, "\r\n", 2);
}

/* ------------------------------------------------------------ GSM-7 */

/* The GSM 03.38 basic character set, by septet value. */
static const uint16_t gsm7_basic[128] = {
    '@',    0x00A3, '$',    0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, '\n',
    0x00D8, 0x00F8, '\r',   0x00C5, 0x00E5, 0x0394, '_',    0x03A6, 0x0393, 0x039B, 0x03A9,
    0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E, 0xFFFF, 0x00C6, 0x00E6, 0x00DF, 0x00C9, ' ',
    '!',    '"',    '#',    0x00A4, '%',    '&',    '\'',   '(',    ')',    '*',    '+',
    ',',    '-',    '.',    '/',    '0',    '1',    '2',    '3',    '4',    '5',    '6',
    '7',    '8',    '9',    ':',    ';',    '<',    '=',    '>',    '?',    0x00A1, 'A',
    'B',    'C',    'D',    'E',    'F',    'G',    'H',    'I',    'J',    'K',    'L',
    'M',    'N',    'O',    'P',    'Q',    'R',    'S',    'T',    'U',    'V',    'W',
    'X',    'Y',    'Z',    0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7, 0x00BF, 'a',    'b',
    'c',    'd',    'e',    'f',    'g',    'h',    'i',    'j',    'k',    'l',    'm',
    'n',    'o',    'p',    'q',    'r',    's',    't',    'u',    'v',    'w',    'x',
    'y',    'z',    0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/* The extension table (after an escape): form feed ^ { } \ [ ~ ] | and the euro sign. */
static const uint16_t gsm7_ext[] = {0x000C, '^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC};

int vg_sms_gsm7_cost(uint32_t cp)
{
	for (size_t i = 0; i < 128; i++)
		if (gsm7_basic[i] == cp && cp != 0xFFFF)
			return 1;
	for (size_t i = 0; i < sizeof(gsm7_ext) / sizeof(gsm7_ext[0]); i++)
		if (gsm7_ext[i] == cp)
			return 2;
	return 0;
}

int vg_sms_segments(const char *s, size_t n, vg_sms_count *out)
{
	const unsigned char *p = (const unsigned char *)s;
	memset(out, 0, sizeof(*out));
	bool gsm = true, valid = true;
	size_t i = 0;
	/* first pass: the encoding */
	while (i < n) {
		uint32_t cp;
		size_t l = nb_utf8_next(p + i, n - i, &cp);
		if (l == 0) {
			valid = false;
			break;
		}
		if (vg_sms_gsm7_cost(cp) == 0)
			gsm = false;
		out->chars++;
		i += l;
	}
	size_t end = i;
	out->encoding = gsm ? VG_SMS_GSM7 : VG_SMS_UCS2;
	/* second pass: units, and segments filled as a phone fills them */
	size_t single = gsm ? 160 : 70, per = gsm ? 153 : 67;
	size_t units = 0, segs = 1, used = 0;
	for (i = 0; i < end;) {
		uint32_t cp;
		size_t l = nb_utf8_next(p + i, end - i, &cp);
		size_t u = gsm ? (size_t)vg_sms_gsm7_cost(cp) : (cp > 0xFFFF ? 2 : 1);
		units += u;
		if (used + u > per) {
			segs++;
			used = 0;
		}
		used += u;
		i += l;
	}
	out->units = units;
	out->segments = units <= single ? 1 : segs;
	if (units == 0)
		out->segments = 1;
	return valid ? 0 : VG_EINVAL;
}
