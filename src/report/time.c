/*
 * time.c: the report's instants: ISO 8601 in and out, and Paris local time
 * without the system time-zone database.
 *
 * Calendar arithmetic uses Howard Hinnant's days-from-civil algorithms
 * (proleptic Gregorian, exact for every year). Paris time follows the EU
 * rule in force since 1996: UTC+2 from the last Sunday of March, 01:00 UTC,
 * to the last Sunday of October, 01:00 UTC; UTC+1 otherwise. Years are
 * limited to [VG_REPORT_YEAR_MIN, VG_REPORT_YEAR_MAX], where that rule is the
 * only one that applies (and where no arithmetic can overflow).
 *
 * Nothing here reads the clock or the environment.
 */
#include "vigie/report.h"

#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 of the civil date y-m-d. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The civil date of day z since 1970-01-01. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Floor division of a by b > 0. */
static int64_t floordiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The instant of the last Sunday of month m of year y, 01:00 UTC. */
static int64_t last_sunday_1h(int64_t y, unsigned m)
{
	int64_t last = days_from_civil(y, m, 31); /* March and October have 31 days */
	int64_t wd = ((last + 4) % 7 + 7) % 7;    /* 1970-01-01 was a Thursday; 0 = Sunday */
	return (last - wd) * 86400 + 3600;
}

/* The UTC offset of Paris at instant t. */
int32_t vg_report_paris_offset(int64_t t)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(floordiv(t, 86400), &y, &m, &d);
	return t >= last_sunday_1h(y, 3) && t < last_sunday_1h(y, 10) ? 7200 : 3600;
}

/* The instant t, to be shown in Paris local time. */
vg_report_time vg_report_time_paris(int64_t t)
{
	vg_report_time tm = {.t = t, .offset = vg_report_paris_offset(t), .set = true};
	return tm;
}

/* Reads exactly k digits at s[*i] (bounded by n) into *v. */
static int digits(const char *s, size_t n, size_t *i, unsigned k, unsigned *v)
{
	if (n - *i < k)
		return 0;
	unsigned x = 0;
	for (unsigned j = 0; j < k; j++) {
		unsigned c = (unsigned)(unsigned char)s[*i + j] - '0';
		if (c > 9)
			return 0;
		x = x * 10 + c;
	}
	*i += k;
	*v = x;
	return 1;
}

/* True when the next byte is ch. */
static int next_is(const char *s, size_t n, size_t i, char ch)
{
	return i < n && s[i] == ch;
}

/* Parses an ISO 8601 date or date-time; see vigie/report.h. */
int vg_report_time_parse(const char *s, size_t n, vg_report_time *out)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t i = 0;
	unsigned y, mo, d, h = 0, mi = 0, se = 0;
	if (!digits(s, n, &i, 4, &y) || !next_is(s, n, i++, '-') || !digits(s, n, &i, 2, &mo) ||
	    !next_is(s, n, i++, '-') || !digits(s, n, &i, 2, &d))
		return VG_EINVAL;
	if (y < VG_REPORT_YEAR_MIN || y > VG_REPORT_YEAR_MAX || mo < 1 || mo > 12 || d < 1)
		return VG_EINVAL;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] + (mo == 2 && leap))
		return VG_EINVAL;
	bool date_only = i == n;
	if (!date_only) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return VG_EINVAL;
		i++;
		if (!digits(s, n, &i, 2, &h) || !next_is(s, n, i++, ':') ||
		    !digits(s, n, &i, 2, &mi))
			return VG_EINVAL;
		if (next_is(s, n, i, ':')) {
			i++;
			if (!digits(s, n, &i, 2, &se))
				return VG_EINVAL;
			if (next_is(s, n, i, '.') || next_is(s, n, i, ',')) {
				size_t start = ++i; /* fractions of a second are dropped */
				while (i < n && s[i] >= '0' && s[i] <= '9')
					i++;
				if (i == start)
					return VG_EINVAL;
			}
		}
		if (h > 23 || mi > 59 || se > 59)
			return VG_EINVAL;
	}
	int64_t local = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;

	vg_report_time tm = {.set = true, .date_only = date_only};
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		if (date_only)
			return VG_EINVAL;
		i++;
		tm.offset = 0;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		if (date_only)
			return VG_EINVAL;
		int sign = s[i++] == '-' ? -1 : 1;
		unsigned oh, om = 0;
		if (!digits(s, n, &i, 2, &oh))
			return VG_EINVAL;
		if (next_is(s, n, i, ':')) {
			i++;
			if (!digits(s, n, &i, 2, &om))
				return VG_EINVAL;
		} else if (i < n && !digits(s, n, &i, 2, &om)) {
			return VG_EINVAL;
		}
		if (oh > 14 || om > 59)
			return VG_EINVAL;
		tm.offset = sign * (int32_t)(oh * 3600 + om * 60);
	} else if (i == n) {
		/* Paris local time: the summer-time reading first (the earlier instant
		 * when the autumn change repeats an hour), then winter time. */
		if (vg_report_paris_offset(local - 7200) == 7200)
			tm.offset = 7200;
		else if (vg_report_paris_offset(local - 3600) == 3600)
			tm.offset = 3600;
		else
			return VG_EINVAL; /* skipped by the spring change */
	}
	if (i != n)
		return VG_EINVAL;
	tm.t = local - tm.offset;
	*out = tm;
	return 0;
}

/* Writes the ISO 8601 form of tm. */
size_t vg_report_time_format(vg_report_time tm, char *buf, size_t cap)
{
	if (!tm.set || cap < 26) {
		if (cap)
			buf[0] = 0;
		return 0;
	}
	int64_t local = tm.t + tm.offset;
	int64_t days = floordiv(local, 86400), secs = local - days * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int len;
	if (tm.date_only)
		return (size_t)snprintf(buf, cap, "%04lld-%02u-%02u", (long long)y, m, d);
	len = snprintf(buf, cap, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d,
	               (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (tm.offset == 0)
		return (size_t)len + (size_t)snprintf(buf + len, cap - (size_t)len, "Z");
	int32_t off = tm.offset < 0 ? -tm.offset : tm.offset;
	return (size_t)len + (size_t)snprintf(buf + len, cap - (size_t)len, "%c%02d:%02d",
	                                      tm.offset < 0 ? '-' : '+', (int)(off / 3600),
	                                      (int)(off / 60 % 60));
}
