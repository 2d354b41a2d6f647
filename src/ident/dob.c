/*
 * dob.c: dates of birth as leaks write them, to YYYY-MM-DD.
 *
 * A small recursive-descent reader over a cursor that never passes the end
 * of the trimmed input. It recognizes the layout first (which numbers are the
 * day, month and year), then checks the time if one follows, then checks the
 * calendar: month 1-12, day within the month (leap years by the Gregorian
 * rule), year in [VG_DOB_MIN_YEAR, VG_DOB_REF_YEAR].
 *
 * Decisions (docs/ident/dob.md has the full list):
 *  - Day before month always (French order): 05/03/1984 is 5 March. A first
 *    number of four digits means year first (1984/03/05).
 *  - Two-digit years: 20YY when YY <= VG_DOB_REF_YEAR % 100, else 19YY. The
 *    reference year is a build constant, so results never depend on the clock.
 *  - Eight digits: DDMMYYYY when that is a valid date in range, else YYYYMMDD.
 *    Both cannot be valid at once: a year 19xx/20xx read as MM is no month.
 *  - Six digits (DDMMYY or YYMMDD?) are refused as ambiguous.
 *  - A time (ISO "T", or a space) is checked and dropped; an offset does not
 *    move the date (a birth date is a calendar date, not an instant).
 *
 * Invariants: no byte outside s[0..n) is read; a valid result is exactly
 * "YYYY-MM-DD" (10 bytes, NUL-terminated) and reads back as itself.
 */
#include "vigie/dob.h"
#include "ident/slow.h"

#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

static const vg_reason r_bad_format = {"bad_format", "format de date non reconnu",
                                       "unrecognized date format"};
static const vg_reason r_bad_month = {"bad_month", "mois impossible (1 à 12) ou inconnu",
                                      "impossible or unknown month (1 to 12)"};
static const vg_reason r_bad_day = {"bad_day", "jour impossible pour ce mois",
                                    "impossible day for this month"};
static const vg_reason r_too_early = {"too_early", "année antérieure à 1900", "year before 1900"};
static const vg_reason r_in_future = {"in_future",
                                      "date postérieure au 31/12/" STR(VG_DOB_REF_YEAR),
                                      "date after " STR(VG_DOB_REF_YEAR) "-12-31"};
static const vg_reason r_bad_time = {"bad_time", "heure invalide après la date",
                                     "invalid time after the date"};

/* Byte length of the whitespace character at s[i] (i < e), or 0 if none:
 * ASCII spaces, NBSP, NEL, the Unicode spaces, zero-width space and BOM. */
static size_t space_at(const char *s, size_t i, size_t e)
{
	const unsigned char *p = (const unsigned char *)s + i;
	size_t left = e - i;
	if (p[0] < 0x80)
		return p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r');
	if (p[0] == 0xC2 && left >= 2 && (p[1] == 0xA0 || p[1] == 0x85))
		return 2;
	if (left < 3)
		return 0;
	if (p[0] == 0xE2 && p[1] == 0x80 &&
	    (p[2] <= 0x8B || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
		return 3; /* U+2000..U+200B, U+2028, U+2029, U+202F */
	if ((p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) ||
	    (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) ||
	    (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) ||
	    (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF))
		return 3; /* U+205F, U+3000, U+1680, U+FEFF */
	return 0;
}

/* Byte length of the whitespace character that ends at s[e) (b < e), or 0. */
static size_t space_before(const char *s, size_t b, size_t e)
{
	for (size_t len = 1; len <= 3 && len <= e - b; len++)
		if (space_at(s, e - len, e) == len)
			return len;
	return 0;
}

/* A read position in the trimmed input s[i..e). */
typedef struct cursor {
	const char *s;
	size_t i, e;
} cursor;

/* The byte under the cursor, or 0 at the end. */
static inline unsigned char peek(const cursor *c)
{
	return c->i < c->e ? (unsigned char)c->s[c->i] : 0;
}

/* True for an ASCII digit. */
static inline int is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

/* True for an ASCII letter or a byte of a multi-byte UTF-8 character. */
static inline int is_letter(unsigned char ch)
{
	return ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || ch >= 0x80;
}

/* Consumes ch if it is under the cursor. */
static int eat(cursor *c, unsigned char ch)
{
	if (peek(c) != ch)
		return 0;
	c->i++;
	return 1;
}

/* Consumes whitespace; returns how many bytes. */
static size_t skip_spaces(cursor *c)
{
	size_t start = c->i, k;
	while (c->i < c->e && (k = space_at(c->s, c->i, c->e)) != 0)
		c->i += k;
	return c->i - start;
}

/* Reads a run of digits into *v (exact up to 9 digits); returns its length. */
static size_t read_num(cursor *c, unsigned *v)
{
	size_t k = 0;
	unsigned x = 0;
	while (is_digit(peek(c))) {
		if (k < 9)
			x = x * 10 + (unsigned)(peek(c) - '0');
		c->i++;
		k++;
	}
	*v = x;
	return k;
}

/* Reads a date separator: '/', '-' or '.' with optional spaces around, or
 * spaces alone (' '). Returns it, or 0 (nothing consumed) when none. */
static char read_sep(cursor *c)
{
	size_t start = c->i;
	size_t sp = skip_spaces(c);
	unsigned char ch = peek(c);
	if (ch == '/' || ch == '-' || ch == '.') {
		c->i++;
		skip_spaces(c);
		return (char)ch;
	}
	if (sp)
		return ' ';
	c->i = start;
	return 0;
}

/* Month names, folded to lowercase ASCII without accents: French and
 * English, full and the usual abbreviations. */
static const struct {
	const char *name;
	int month;
} month_names[] = {
    {"janvier", 1},   {"janv", 1},      {"jan", 1},       {"january", 1},   {"fevrier", 2},
    {"fevr", 2},      {"fev", 2},       {"february", 2},  {"feb", 2},       {"mars", 3},
    {"mar", 3},       {"march", 3},     {"avril", 4},     {"avr", 4},       {"april", 4},
    {"apr", 4},       {"mai", 5},       {"may", 5},       {"juin", 6},      {"june", 6},
    {"jun", 6},       {"juillet", 7},   {"juil", 7},      {"july", 7},      {"jul", 7},
    {"aout", 8},      {"august", 8},    {"aug", 8},       {"septembre", 9}, {"sept", 9},
    {"sep", 9},       {"september", 9}, {"octobre", 10},  {"oct", 10},      {"october", 10},
    {"novembre", 11}, {"nov", 11},      {"november", 11}, {"decembre", 12}, {"dec", 12},
    {"december", 12},
};

/* Reads a month name; returns 1..12, or 0 for an unknown word (consumed). */
static int read_month_name(cursor *c)
{
	char w[16];
	size_t n = 0;
	int ok = 1;
	while (is_letter(peek(c)) && !space_at(c->s, c->i, c->e)) {
		unsigned char ch = peek(c);
		char f = 0;
		if (ch < 0x80) {
			f = (char)(ch | 0x20);
			c->i++;
		} else if (ch == 0xC3 && c->i + 1 < c->e) {
			/* é è ê ë É È Ê Ë -> e, û ù ü Û Ù Ü -> u: "février", "août" */
			unsigned char t = (unsigned char)c->s[c->i + 1] | 0x20;
			f = (t >= 0xA8 && t <= 0xAB) ? 'e' : (t >= 0xB9 && t <= 0xBC) ? 'u' : 0;
			c->i += 2;
		} else {
			c->i++;
		}
		if (!f || n == sizeof(w) - 1)
			ok = 0;
		else
			w[n++] = f;
	}
	if (!ok)
		return 0;
	w[n] = '\0';
	for (size_t k = 0; k < sizeof(month_names) / sizeof(month_names[0]); k++)
		if (!strcmp(w, month_names[k].name))
			return month_names[k].month;
	return 0;
}

/* Reads hh:mm[:ss[.frac]] or hhmm[ss[.frac]], then an optional zone (Z,
 * +hh[:mm], -hhmm, UTC, GMT); the time must end the input. */
static int read_time(cursor *c)
{
	unsigned h, mi = 0, se = 0, v;
	size_t len = read_num(c, &h);
	if (len == 1 || len == 2) {
		if (!eat(c, ':') || read_num(c, &mi) != 2)
			return 0;
		if (eat(c, ':') && read_num(c, &se) != 2)
			return 0;
	} else if (len == 4) {
		mi = h % 100;
		h /= 100;
	} else if (len == 6) {
		se = h % 100;
		mi = h / 100 % 100;
		h /= 10000;
	} else {
		return 0;
	}
	if ((eat(c, '.') || eat(c, ',')) && read_num(c, &v) == 0)
		return 0;
	if (h > 23 || mi > 59 || se > 60)
		return 0;
	skip_spaces(c);
	unsigned char ch = peek(c);
	if (ch == 'Z' || ch == 'z') {
		c->i++;
	} else if (ch == '+' || ch == '-') {
		unsigned oh, om = 0;
		c->i++;
		len = read_num(c, &oh);
		if (len == 4) {
			om = oh % 100;
			oh /= 100;
		} else if (len == 2) {
			if (eat(c, ':') && read_num(c, &om) != 2)
				return 0;
		} else {
			return 0;
		}
		if (oh > 23 || om > 59)
			return 0;
	} else if (c->e - c->i == 3) {
		char z[3] = {(char)(c->s[c->i] | 0x20), (char)(c->s[c->i + 1] | 0x20),
		             (char)(c->s[c->i + 2] | 0x20)};
		if (memcmp(z, "utc", 3) != 0 && memcmp(z, "gmt", 3) != 0)
			return 0;
		c->i += 3;
	}
	return c->i == c->e;
}

/* Days in month m (1..12) of year y, Gregorian. */
static int days_in(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* NULL when y-m-d is a real date in the accepted range, else why not. */
static const vg_reason *check_date(int y, int m, int d)
{
	if (m < 1 || m > 12)
		return &r_bad_month;
	if (d < 1 || d > days_in(y, m))
		return &r_bad_day;
	if (y < VG_DOB_MIN_YEAR)
		return &r_too_early;
	if (y > VG_DOB_REF_YEAR)
		return &r_in_future;
	return NULL;
}

/* The two-digit year rule (see the header). */
static int century(unsigned yy)
{
	return (int)yy + ((int)yy <= VG_DOB_REF_YEAR % 100 ? 2000 : 1900);
}

/* Layouts, for the "format" part; index [shape][separator]. */
enum { DMY4, DMY2, YMD, DMON4, DMON2, SHAPES };
static const char *const formats[SHAPES][5] = {
    [DMY4] = {"DD/MM/YYYY", "DD-MM-YYYY", "DD.MM.YYYY", "DD MM YYYY", NULL},
    [DMY2] = {"DD/MM/YY", "DD-MM-YY", "DD.MM.YY", "DD MM YY", NULL},
    [YMD] = {"YYYY/MM/DD", "YYYY-MM-DD", "YYYY.MM.DD", "YYYY MM DD", NULL},
    [DMON4] = {"DD/MON/YYYY", "DD-MON-YYYY", "DD.MON.YYYY", "DD MON YYYY", "DDMONYYYY"},
    [DMON2] = {"DD/MON/YY", "DD-MON-YY", "DD.MON.YY", "DD MON YY", "DDMONYY"},
};

/* Index of a separator in the formats table. */
static int sep_index(char sep)
{
	return sep == '/' ? 0 : sep == '-' ? 1 : sep == '.' ? 2 : sep == ' ' ? 3 : 4;
}

/* Reads the date part at the cursor into out->year/month/day/format/flags;
 * returns NULL or the reason the layout is not recognized. Values are not
 * checked yet, except for the eight-digit choice that needs them. */
static const vg_reason *read_date(cursor *c, vg_dob *out)
{
	unsigned v1, v2, v3;
	size_t l1 = read_num(c, &v1), l2, l3;
	char sep, sep2;
	if (l1 == 8) {
		int dd = (int)(v1 / 1000000), mm = (int)(v1 / 10000 % 100), yy = (int)(v1 % 10000);
		int Y = (int)(v1 / 10000), M = (int)(v1 / 100 % 100), D = (int)(v1 % 100);
		int ymd = check_date(yy, mm, dd) != NULL &&
		          (check_date(Y, M, D) == NULL ||
		           (Y >= 1900 && Y <= 2099 && !(yy >= 1900 && yy <= 2099)));
		out->year = ymd ? Y : yy;
		out->month = ymd ? M : mm;
		out->day = ymd ? D : dd;
		out->format = ymd ? "YYYYMMDD" : "DDMMYYYY";
		return NULL;
	}
	if (l1 == 4) {
		sep = read_sep(c);
		if (!sep || (l2 = read_num(c, &v2)) < 1 || l2 > 2 || read_sep(c) != sep ||
		    (l3 = read_num(c, &v3)) < 1 || l3 > 2)
			return &r_bad_format;
		out->year = (int)v1;
		out->month = (int)v2;
		out->day = (int)v3;
		out->format = formats[YMD][sep_index(sep)];
		return NULL;
	}
	if (l1 < 1 || l1 > 2)
		return &r_bad_format;
	/* French "1er" (premier) */
	if (v1 == 1 && c->e - c->i >= 2 && (c->s[c->i] | 0x20) == 'e' &&
	    (c->s[c->i + 1] | 0x20) == 'r' &&
	    (c->e - c->i == 2 || !is_letter((unsigned char)c->s[c->i + 2])))
		c->i += 2;
	sep = read_sep(c);
	int named = 0;
	if (is_digit(peek(c))) {
		if (!sep || (l2 = read_num(c, &v2)) > 2 || read_sep(c) != sep)
			return &r_bad_format;
	} else if (is_letter(peek(c))) {
		named = 1;
		v2 = (unsigned)read_month_name(c);
		sep2 = read_sep(c);
		if (!sep)
			sep = sep2;
	} else {
		return &r_bad_format;
	}
	l3 = read_num(c, &v3);
	if (l3 == 4) {
		out->year = (int)v3;
	} else if (l3 == 2) {
		out->year = century(v3);
		out->flags |= VG_DOB_CENTURY_GUESSED;
	} else {
		return &r_bad_format;
	}
	out->month = (int)v2;
	out->day = (int)v1;
	int shape = named ? (l3 == 4 ? DMON4 : DMON2) : (l3 == 4 ? DMY4 : DMY2);
	out->format = formats[shape][sep_index(sep)];
	return NULL;
}

/* Writes the canonical form of a checked date. */
static int put_date(vg_dob *out)
{
	char *p = out->c.s;
	p[0] = (char)('0' + out->year / 1000);
	p[1] = (char)('0' + out->year / 100 % 10);
	p[2] = (char)('0' + out->year / 10 % 10);
	p[3] = (char)('0' + out->year % 10);
	p[4] = '-';
	p[5] = (char)('0' + out->month / 10);
	p[6] = (char)('0' + out->month % 10);
	p[7] = '-';
	p[8] = (char)('0' + out->day / 10);
	p[9] = (char)('0' + out->day % 10);
	p[10] = '\0';
	out->c.len = 10;
	out->c.reason = NULL;
	return 0;
}

/* The value of the two ASCII digits at p, or -1. */
static inline int two(const char *p)
{
	unsigned a = (unsigned)(unsigned char)p[0] - '0', b = (unsigned)(unsigned char)p[1] - '0';
	return a <= 9 && b <= 9 ? (int)(a * 10 + b) : -1;
}

/*
 * The two layouts leaks use most, exactly: "DD/MM/YYYY" and "YYYY-MM-DD",
 * ten bytes, nothing around. The general path reads them as the same
 * numbers, layout and flags (no spaces to trim, all ASCII, nothing after
 * the date), so the result is the same (tests/unit/test_dob.c compares the
 * two). Returns 1 when s is not such a date.
 */
static int normalize_fast(const char *s, size_t n, vg_dob *out)
{
	if (n != 10)
		return 1;
	int d, m, y1, y2;
	if (s[2] == '/' && s[5] == '/') {
		d = two(s);
		m = two(s + 3);
		y1 = two(s + 6);
		y2 = two(s + 8);
		out->format = formats[DMY4][0];
	} else if (s[4] == '-' && s[7] == '-') {
		y1 = two(s);
		y2 = two(s + 2);
		m = two(s + 5);
		d = two(s + 8);
		out->format = formats[YMD][1];
	} else {
		return 1;
	}
	if ((d | m | y1 | y2) < 0)
		return 1;
	out->year = y1 * 100 + y2;
	out->month = m;
	out->day = d;
	out->flags = 0;
	const vg_reason *why = check_date(out->year, out->month, out->day);
	if (why) {
		out->year = out->month = out->day = 0;
		out->format = NULL;
		return vg_canon_fail(&out->c, why);
	}
	return put_date(out);
}

/* Normalizes one date of birth; see the header and the notes above. */
int vg_dob_normalize(const char *s, size_t n, vg_dob *out)
{
	int rc = normalize_fast(s, n, out);
	if (rc != 1)
		return rc;
	return vgi_dob_normalize_slow(s, n, out);
}

/* The general path. */
int vgi_dob_normalize_slow(const char *s, size_t n, vg_dob *out)
{
	out->year = out->month = out->day = 0;
	out->flags = 0;
	out->format = NULL;
	if (n > VG_INPUT_MAX)
		return vg_canon_fail(&out->c, &vg_reason_too_long);
	if (n == 0)
		return vg_canon_fail(&out->c, &vg_reason_empty);
	size_t b = 0, e = n, k;
	while (b < e && (k = space_at(s, b, e)) != 0)
		b += k;
	while (b < e && (k = space_before(s, b, e)) != 0)
		e -= k;
	if (b == e)
		return vg_canon_fail(&out->c, &vg_reason_empty);
	if (!vg_utf8_valid(s + b, e - b))
		return vg_canon_fail(&out->c, &vg_reason_bad_utf8);

	cursor c = {s, b, e};
	const vg_reason *why = read_date(&c, out);
	int time_ok = 1;
	if (!why && c.i < c.e) {
		/* a time: after spaces, or after 'T' right away (ISO 8601, so only
		 * after a year-first date) */
		int iso = out->format[0] == 'Y' && (eat(&c, 'T') || eat(&c, 't'));
		if (iso || skip_spaces(&c))
			time_ok = c.i < c.e && read_time(&c);
		else
			why = &r_bad_format;
		out->flags |= VG_DOB_HAD_TIME;
	}
	if (!why)
		why = check_date(out->year, out->month, out->day);
	if (!why && !time_ok)
		why = &r_bad_time;
	if (why) {
		out->year = out->month = out->day = 0;
		out->flags = 0;
		out->format = NULL;
		return vg_canon_fail(&out->c, why);
	}

	return put_date(out);
}

/* Adds the parts and flags of a valid date to obj. */
void vg_dob_describe(const vg_dob *v, json_t *obj)
{
	json_t *parts = json_object();
	json_object_set_new(parts, "year", json_integer(v->year));
	json_object_set_new(parts, "month", json_integer(v->month));
	json_object_set_new(parts, "day", json_integer(v->day));
	json_object_set_new(parts, "format", json_string(v->format ? v->format : ""));
	json_object_set_new(obj, "parts", parts);
	json_t *flags = json_array();
	if (v->flags & VG_DOB_CENTURY_GUESSED)
		json_array_append_new(flags, json_string("century_guessed"));
	if (v->flags & VG_DOB_HAD_TIME)
		json_array_append_new(flags, json_string("had_time"));
	json_object_set_new(obj, "flags", flags);
}
