/*
 * key.c: the name + date of birth key, shared by ingest and check.
 *
 * Leaks write names as "Prénom Nom", "NOM Prénom" or in two columns joined
 * either way; sorting the words of the canonical name makes all of these one
 * key. The words are at most VG_CANON_MAX / 2 (single-letter words and
 * single spaces), so their boundaries fit a fixed array: no allocation, and
 * an insertion sort, fast on the two to four words of a real name.
 */
#include "vigie/exposure.h"

#include <stdbool.h>
#include <string.h>

#define MAX_WORDS (VG_CANON_MAX / 2 + 1)

typedef struct word {
	const char *s;
	size_t n;
} word;

/* Bytewise order, a word before any longer word it starts. */
static int word_cmp(const word *a, const word *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return (a->n > b->n) - (a->n < b->n);
}

/* Ends the key whose name is out[0..len): '\0', the date, '\0'; its length. */
static size_t put_dob(char *out, size_t len, const char *dob, size_t dob_len)
{
	out[len++] = '\0';
	if (dob_len == 10) /* YYYY-MM-DD: a copy the compiler inlines */
		memcpy(out + len, dob, 10);
	else
		memcpy(out + len, dob, dob_len);
	len += dob_len;
	out[len] = '\0';
	return len;
}

/* The sorted-words name, '\0', the date, into out. */
size_t vg_exposure_name_dob_key(const char *name, size_t name_len, const char *dob, size_t dob_len,
                                char out[VG_EXPOSURE_KEY_MAX])
{
	word w[MAX_WORDS];
	size_t nw = 0;

	if (name_len == 0 || dob_len == 0 || name_len >= VG_CANON_MAX || dob_len > 10)
		return 0;
	for (size_t i = 0; i < name_len;) {
		while (i < name_len && name[i] == ' ')
			i++;
		size_t start = i;
		while (i < name_len && name[i] != ' ')
			i++;
		if (i > start && nw < MAX_WORDS)
			w[nw++] = (word){name + start, i - start};
	}
	if (nw == 0)
		return 0;
	for (size_t i = 1; i < nw; i++) {
		word x = w[i];
		size_t j = i;
		for (; j > 0 && word_cmp(&w[j - 1], &x) > 0; j--)
			w[j] = w[j - 1];
		w[j] = x;
	}
	size_t len = 0;
	for (size_t i = 0; i < nw; i++) {
		if (i)
			out[len++] = ' ';
		memcpy(out + len, w[i].s, w[i].n);
		len += w[i].n;
	}
	return put_dob(out, len, dob, dob_len);
}

/* Whether s[0..n) holds a space (names are short: no call). */
static bool has_space(const char *s, size_t n)
{
	unsigned sp = 0;
	for (size_t i = 0; i < n; i++)
		sp |= s[i] == ' ';
	return sp != 0;
}

size_t vg_exposure_name_pair_key(const char *a, size_t an, const char *b, size_t bn,
                                 const char *dob, size_t dob_len, bool words,
                                 char out[VG_EXPOSURE_KEY_MAX])
{
	if (an + 1 + bn >= VG_CANON_MAX)
		return 0; /* the general key refuses it too */
	if (an == 0 || bn == 0 || dob_len == 0 || dob_len > 10 ||
	    (!words && (has_space(a, an) || has_space(b, bn)))) {
		char joined[VG_CANON_MAX];
		memcpy(joined, a, an);
		joined[an] = ' ';
		memcpy(joined + an + 1, b, bn);
		return vg_exposure_name_dob_key(joined, an + 1 + bn, dob, dob_len, out);
	}
	word x = {a, an}, y = {b, bn};
	if (word_cmp(&x, &y) > 0) {
		x = (word){b, bn};
		y = (word){a, an};
	}
	size_t len = 0;
	memcpy(out, x.s, x.n);
	len += x.n;
	out[len++] = ' ';
	memcpy(out + len, y.s, y.n);
	len += y.n;
	return put_dob(out, len, dob, dob_len);
}
