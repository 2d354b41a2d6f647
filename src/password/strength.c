/*
 * strength.c: password strength from libzxcvbn (zxcvbn-c), reported the way
 * the reference JavaScript zxcvbn v4 reports it.
 *
 * libzxcvbn returns the entropy in bits of the cheapest decomposition of the
 * password and, on request, that decomposition as a list of parts (type,
 * position, length, bits). We turn bits into guesses (2^bits), guesses into
 * JS zxcvbn's score and crack times, and the parts into JS zxcvbn's
 * feedback. What libzxcvbn does not say, we derive from the part itself:
 *
 *  - a dictionary word's rank: libzxcvbn's bits for a plain (non-l33t) word
 *    are log2(rank) plus the capitalisation allowance, which we recompute
 *    from the word's letters the way libzxcvbn does and subtract;
 *  - a keyboard walk's "one turn": all its keys on one row of the keyboard
 *    (JS counts direction changes on its adjacency graph);
 *  - a repeat's unit: the smallest period of the part.
 *
 * What cannot be derived is left out, and docs/password.md says so:
 * libzxcvbn merges its word lists, so we cannot tell a password list word
 * from an English word or a name (the warning says "password or word"), and
 * it does not flag reversed words.
 *
 * Secrets: the password is copied once into a stack buffer (libzxcvbn wants
 * a NUL-terminated string), wiped before return. Parts keep no characters.
 */
#include "vigie/password.h"

#include <ctype.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <zxcvbn.h>

/* ---- Reasons (stable codes, French and English) ------------------------- */

#define R(name, code, fr, en) static const vg_reason name = {code, fr, en}

R(w_top10, "top10", "C'est l'un des 10 mots de passe les plus courants.",
  "This is a top-10 common password.");
R(w_top100, "top100", "C'est l'un des 100 mots de passe les plus courants.",
  "This is a top-100 common password.");
R(w_common, "common", "C'est un mot de passe, ou un mot, très courant.",
  "This is a very common password or word.");
R(w_similar, "similar", "Cela ressemble à un mot de passe très utilisé.",
  "This is similar to a commonly used password.");
R(w_straight, "straight_row", "Les rangées de touches du clavier sont faciles à deviner.",
  "Straight rows of keys are easy to guess.");
R(w_keyboard, "keyboard_pattern", "Les motifs courts sur le clavier sont faciles à deviner.",
  "Short keyboard patterns are easy to guess.");
R(w_repeat1, "repeated_character", "Les répétitions comme « aaa » sont faciles à deviner.",
  "Repeats like \"aaa\" are easy to guess.");
R(w_repeatn, "repeated_pattern",
  "Les répétitions comme « abcabcabc » sont à peine plus difficiles à deviner que « abc ».",
  "Repeats like \"abcabcabc\" are only slightly harder to guess than \"abc\".");
R(w_sequence, "sequence", "Les suites comme abc ou 6543 sont faciles à deviner.",
  "Sequences like abc or 6543 are easy to guess.");
R(w_year, "recent_year", "Les années récentes sont faciles à deviner.",
  "Recent years are easy to guess.");
R(w_date, "date", "Les dates sont souvent faciles à deviner.",
  "Dates are often easy to guess.");

R(s_add_word, "add_word", "Ajoutez un ou deux mots. Les mots peu courants sont meilleurs.",
  "Add another word or two. Uncommon words are better.");
R(s_few_words, "few_words", "Utilisez plusieurs mots, en évitant les expressions courantes.",
  "Use a few words, avoid common phrases.");
R(s_no_symbols, "no_symbols_needed", "Nul besoin de symboles, de chiffres ou de majuscules.",
  "No need for symbols, digits, or uppercase letters.");
R(s_keyboard, "longer_keyboard_pattern",
  "Utilisez un motif de clavier plus long, avec plus de changements de direction.",
  "Use a longer keyboard pattern with more turns.");
R(s_repeat, "avoid_repeats", "Évitez les mots et les caractères répétés.",
  "Avoid repeated words and characters.");
R(s_sequence, "avoid_sequences", "Évitez les suites.", "Avoid sequences.");
R(s_recent, "avoid_recent_years", "Évitez les années récentes.", "Avoid recent years.");
R(s_your_years, "avoid_your_years", "Évitez les années qui vous sont associées.",
  "Avoid years that are associated with you.");
R(s_dates, "avoid_your_dates", "Évitez les dates et les années qui vous sont associées.",
  "Avoid dates and years that are associated with you.");
R(s_caps, "capitalization", "Une majuscule au début n'aide pas beaucoup.",
  "Capitalization doesn't help very much.");
R(s_all_caps, "all_uppercase",
  "Tout en majuscules est presque aussi facile à deviner que tout en minuscules.",
  "All-uppercase is almost as easy to guess as all-lowercase.");
R(s_l33t, "l33t",
  "Les substitutions prévisibles comme « @ » au lieu de « a » n'aident pas beaucoup.",
  "Predictable substitutions like '@' instead of 'a' don't help very much.");

/* ---- Score, crack times, durations -------------------------------------- */

int vg_password_score(double guesses)
{
	/* JS zxcvbn's guesses_to_score, DELTA = 5 */
	if (guesses < 1e3 + 5)
		return 0;
	if (guesses < 1e6 + 5)
		return 1;
	if (guesses < 1e8 + 5)
		return 2;
	if (guesses < 1e10 + 5)
		return 3;
	return 4;
}

static const double per_second[VG_PW_SCENARIOS] = {100.0 / 3600.0, 10.0, 1e4, 1e10};

void vg_password_crack_times(double guesses, double out[VG_PW_SCENARIOS])
{
	for (int i = 0; i < VG_PW_SCENARIOS; i++)
		out[i] = guesses / per_second[i];
}

const char *vg_password_scenario_key(int s)
{
	static const char *const keys[VG_PW_SCENARIOS] = {
	    "online_throttling_100_per_hour", "online_no_throttling_10_per_second",
	    "offline_slow_hashing_1e4_per_second", "offline_fast_hashing_1e10_per_second"};
	return s >= 0 && s < VG_PW_SCENARIOS ? keys[s] : "";
}

const char *vg_password_scenario_text(int s, vg_lang lang)
{
	static const char *const fr[VG_PW_SCENARIOS] = {
	    "en ligne, avec limitation (100 essais par heure)",
	    "en ligne, sans limitation (10 essais par seconde)",
	    "hors ligne, hachage lent (10 000 essais par seconde)",
	    "hors ligne, hachage rapide (10 milliards d'essais par seconde)"};
	static const char *const en[VG_PW_SCENARIOS] = {
	    "online, throttled (100 guesses per hour)",
	    "online, not throttled (10 guesses per second)",
	    "offline, slow hash (10,000 guesses per second)",
	    "offline, fast hash (10 billion guesses per second)"};
	if (s < 0 || s >= VG_PW_SCENARIOS)
		return "";
	return lang == VG_LANG_EN ? en[s] : fr[s];
}

const char *vg_password_duration_text(double seconds, vg_lang lang, char *buf, size_t n)
{
	/* JS zxcvbn's display_time: a month is 31 days, a year 12 months */
	static const struct {
		double secs;
		const char *fr1, *frn, *en;
	} units[] = {
	    {1, "seconde", "secondes", "second"},
	    {60, "minute", "minutes", "minute"},
	    {3600, "heure", "heures", "hour"},
	    {86400, "jour", "jours", "day"},
	    {86400.0 * 31, "mois", "mois", "month"},
	    {86400.0 * 31 * 12, "an", "ans", "year"},
	};
	const double century = 86400.0 * 31 * 12 * 100;
	if (!(seconds >= 1)) { /* also NaN */
		snprintf(buf, n, "%s", lang == VG_LANG_EN ? "less than a second" : "moins d'une seconde");
		return buf;
	}
	if (seconds >= century) {
		snprintf(buf, n, "%s", lang == VG_LANG_EN ? "centuries" : "des siècles");
		return buf;
	}
	size_t u = 0;
	while (u + 1 < sizeof(units) / sizeof(units[0]) && seconds >= units[u + 1].secs)
		u++;
	double base = floor(seconds / units[u].secs + 0.5); /* Math.round */
	if (lang == VG_LANG_EN)
		snprintf(buf, n, "%.0f %s%s", base, units[u].en, base != 1 ? "s" : "");
	else
		snprintf(buf, n, "%.0f %s", base, base != 1 ? units[u].frn : units[u].fr1);
	return buf;
}

const char *vg_password_score_text(int score, vg_lang lang)
{
	static const char *const fr[] = {"très faible", "faible", "moyen", "bon", "fort"};
	static const char *const en[] = {"very weak", "weak", "fair", "good", "strong"};
	if (score < 0 || score > 4)
		return "";
	return lang == VG_LANG_EN ? en[score] : fr[score];
}

const char *vg_password_pattern_name(vg_pw_pattern p)
{
	static const char *const names[] = {"bruteforce", "dictionary", "dictionary_l33t",
	                                    "user_word", "user_word_l33t", "repeat",
	                                    "sequence", "spatial", "date", "year", "long"};
	return (unsigned)p < sizeof(names) / sizeof(names[0]) ? names[p] : "";
}

/* ---- Feedback (JS zxcvbn's feedback.coffee, over derived facts) --------- */

static void add(vg_pw_feedback *f, const vg_reason *r)
{
	if (f->nsuggestions < VG_PW_SUGGESTIONS_MAX)
		f->suggestions[f->nsuggestions++] = r;
}

static void dictionary_feedback(const vg_pw_match *m, bool sole, vg_pw_feedback *f)
{
	bool l33t = m->pattern == VG_PW_DICT_LEET || m->pattern == VG_PW_USER_LEET;
	/* JS warns by rank for the password list; our lists are merged (see the
	 * top of this file), so a sole plain word is warned about by rank. */
	if (sole && !l33t) {
		if (m->rank <= 10)
			f->warning = &w_top10;
		else if (m->rank <= 100)
			f->warning = &w_top100;
		else
			f->warning = &w_common;
	} else if (m->log2_guesses * M_LN2 / M_LN10 <= 4) {
		f->warning = &w_similar;
	}
	if (m->casing == VG_PW_CASE_START)
		add(f, &s_caps);
	else if (m->casing == VG_PW_CASE_ALL)
		add(f, &s_all_caps);
	if (l33t)
		add(f, &s_l33t);
}

/* Feedback for one part; false when JS has none (brute force). */
static bool match_feedback(const vg_pw_match *m, bool sole, vg_pw_feedback *f)
{
	if (m->repeated || m->pattern == VG_PW_REPEAT) {
		f->warning = m->base_len <= 1 ? &w_repeat1 : &w_repeatn;
		add(f, &s_repeat);
		return true;
	}
	switch (m->pattern) {
	case VG_PW_DICTIONARY:
	case VG_PW_DICT_LEET:
	case VG_PW_USER:
	case VG_PW_USER_LEET:
		dictionary_feedback(m, sole, f);
		return true;
	case VG_PW_SPATIAL:
		f->warning = m->straight ? &w_straight : &w_keyboard;
		add(f, &s_keyboard);
		return true;
	case VG_PW_SEQUENCE:
		f->warning = &w_sequence;
		add(f, &s_sequence);
		return true;
	case VG_PW_YEAR:
		f->warning = &w_year;
		add(f, &s_recent);
		add(f, &s_your_years);
		return true;
	case VG_PW_DATE:
		f->warning = &w_date;
		add(f, &s_dates);
		return true;
	case VG_PW_REPEAT: /* handled above */
	case VG_PW_BRUTE:
	case VG_PW_LONG:
		break;
	}
	return false;
}

void vg_password_feedback(int score, const vg_pw_match *m, size_t n, vg_pw_feedback *out)
{
	memset(out, 0, sizeof(*out));
	if (n == 0) {
		add(out, &s_few_words);
		add(out, &s_no_symbols);
		return;
	}
	if (score > 2)
		return;
	size_t longest = 0;
	for (size_t i = 1; i < n; i++)
		if (m[i].len > m[longest].len) /* the first of equals, as JS */
			longest = i;
	add(out, &s_add_word);
	match_feedback(&m[longest], n == 1, out);
}

/* ---- From libzxcvbn's parts to facts ------------------------------------ */

/* libzxcvbn details the first 100 characters (one part each at most) and
 * sums up the rest in one part. */
#define PARTS_MAX 128

_Static_assert(LONG_PWD_MATCH - 1 == VG_PW_LONG && DICTIONARY_MATCH - 1 == VG_PW_DICTIONARY &&
                   SPATIAL_MATCH - 1 == VG_PW_SPATIAL,
               "vg_pw_pattern follows ZxcTypeMatch_t");

/* Binomial coefficient, as libzxcvbn computes it. */
static double n_choose_k(int n, int k)
{
	if (k > n)
		return 0.0;
	double r = 1.0;
	for (int d = 1; d <= k; d++) {
		r *= n--;
		r /= d;
	}
	return r;
}

/* Bits libzxcvbn adds for a word's capitalisation (DictionaryEntropy). */
static double case_bits(const unsigned char *w, int len)
{
	int up = 0, lo = 0;
	for (int i = 0; i < len; i++) {
		if (isupper(w[i]))
			up++;
		else if (islower(w[i]))
			lo++;
	}
	if (!up)
		return 0.0;
	if (up == len || (up == 1 && (isupper(w[0]) || isupper(w[len - 1]))))
		return 1.0;
	double e = 0.0;
	int i = up < lo ? up : lo;
	for (int total = up + lo; i >= 0; i--)
		e += n_choose_k(total, i);
	return e > 0.0 ? log2(e) : 0.0;
}

/* JS START_UPPER /^[A-Z][^A-Z]+$/ and ALL_UPPER /^[^a-z]+$/ (with some
 * uppercase, since JS also asks that lowercasing changes the word). */
static vg_pw_case casing(const unsigned char *w, int len)
{
	int up = 0, lo = 0;
	for (int i = 0; i < len; i++) {
		if (w[i] >= 'A' && w[i] <= 'Z')
			up++;
		else if (w[i] >= 'a' && w[i] <= 'z')
			lo++;
	}
	if (len >= 2 && w[0] >= 'A' && w[0] <= 'Z' && up == 1)
		return VG_PW_CASE_START;
	if (up > 0 && lo == 0)
		return VG_PW_CASE_ALL;
	return VG_PW_CASE_OTHER;
}

/* The smallest unit the part is a repetition of (its length if none). */
static unsigned period(const unsigned char *w, unsigned len)
{
	for (unsigned p = 1; p < len; p++) {
		if (len % p)
			continue;
		if (!memcmp(w, w + p, len - p))
			return p;
	}
	return len;
}

/* Keyboard rows, unshifted and shifted (US and UK QWERTY, numeric pad). */
static const char *const rows[] = {
    "`1234567890-=~!@#$%^&*()_+", "qwertyuiop[]\\{}|", "asdfghjkl;'#:\"@~",
    "zxcvbnm,./<>?\\|", "789", "456", "123", "147", "258", "369", "0.", "/*-",
};

/* True when every key of the walk is on one keyboard row. */
static bool one_row(const unsigned char *w, unsigned len)
{
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		unsigned i = 0;
		for (; i < len; i++)
			if (!w[i] || !strchr(rows[r], tolower(w[i])))
				break;
		if (i == len)
			return true;
	}
	return false;
}

static void describe(const ZxcMatch_t *z, const unsigned char *pw, vg_pw_match *m)
{
	int type = (int)z->Type;
	memset(m, 0, sizeof(*m));
	m->repeated = (type & MULTIPLE_MATCH) != 0;
	type &= ~MULTIPLE_MATCH;
	m->pattern = type >= BRUTE_MATCH && type <= LONG_PWD_MATCH ? (vg_pw_pattern)(type - 1)
	                                                          : VG_PW_BRUTE;
	m->len = z->Length > 0 ? (unsigned)z->Length : 0;
	m->log2_guesses = z->Entrpy;
	const unsigned char *w = pw + z->Begin;
	if (m->pattern == VG_PW_LONG)
		return; /* Begin/Length describe the tail loosely: no characters */
	if (m->repeated || m->pattern == VG_PW_REPEAT)
		m->base_len = period(w, m->len);
	switch (m->pattern) {
	case VG_PW_DICTIONARY:
	case VG_PW_DICT_LEET:
	case VG_PW_USER:
	case VG_PW_USER_LEET:
		m->casing = casing(w, (int)m->len);
		/* plain words only: l33t bits are not recoverable, and the rank is
		 * used only for plain words */
		m->rank = exp2(z->Entrpy - case_bits(w, (int)m->len));
		break;
	case VG_PW_SPATIAL:
		m->straight = one_row(w, m->len);
		break;
	default:
		break;
	}
}

int vg_password_strength(const char *pw, size_t len, vg_pw_strength *out, vg_err *err)
{
	memset(out, 0, sizeof(*out));
	if (len > VG_PASSWORD_MAX)
		return vg_err_set(err, VG_ETOOBIG, "password over %d bytes", VG_PASSWORD_MAX);
	if (memchr(pw, 0, len))
		return vg_err_set(err, VG_EINVAL, "password holds a NUL byte");

	char copy[VG_PASSWORD_MAX + 1];
	memcpy(copy, pw, len);
	copy[len] = 0;
	ZxcMatch_t *info = NULL;
	double bits = ZxcvbnMatch(copy, NULL, &info);

	vg_pw_match parts[PARTS_MAX];
	size_t n = 0;
	for (const ZxcMatch_t *z = info; z && n < sizeof(parts) / sizeof(parts[0]); z = z->Next) {
		if (z->Begin < 0 || (size_t)z->Begin > len ||
		    (z->Length > 0 && (size_t)z->Begin + (size_t)z->Length > len))
			continue; /* never read outside the password */
		describe(z, (const unsigned char *)copy, &parts[n++]);
	}
	ZxcvbnFreeInfo(info);
	sodium_memzero(copy, sizeof(copy));

	if (!(bits >= 0))
		bits = 0;
	out->log2_guesses = bits;
	out->log10_guesses = bits * (M_LN2 / M_LN10);
	out->guesses = exp2(bits);
	out->score = vg_password_score(out->guesses);
	vg_password_crack_times(out->guesses, out->crack_seconds);
	out->nmatches = n;
	vg_password_feedback(out->score, parts, n, &out->feedback);
	sodium_memzero(parts, n * sizeof(parts[0]));
	return 0;
}
