/*
 * fuzz_colmap.c: the --map parser and the column mapping on arbitrary text.
 *
 * Input: the --map text, optionally followed by a NUL byte and header names
 * separated by ';'. Checks: a parse either succeeds with well-formed pairs
 * (non-empty names within the limit, no duplicates, positions >= 1) or fails
 * with a message and nothing to release; a build accounts for every column
 * exactly once (a field, an explicit "ignore", or unknown).
 */
#include "vigie/colmap.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t mlen = nul ? (size_t)(nul - (const char *)data) : size;
	char *text = malloc(mlen + 1);
	memcpy(text, data, mlen);
	text[mlen] = '\0';

	/* header names after the NUL */
	vg_table_field names[VG_TABLE_MAX_FIELDS];
	size_t ncols = 0;
	if (nul) {
		const char *s = nul + 1, *e = (const char *)data + size;
		while (ncols < VG_TABLE_MAX_FIELDS) {
			const char *d = memchr(s, ';', (size_t)(e - s));
			names[ncols].s = s;
			names[ncols].len = d ? (size_t)(d - s) : (size_t)(e - s);
			ncols++;
			if (!d)
				break;
			s = d + 1;
		}
	}
	for (size_t c = 0; c < ncols; c++)
		if ((unsigned)vg_colmap_guess(names[c].s, names[c].len) >= VG_FIELD__COUNT)
			__builtin_trap();

	for (int lang = 0; lang < 2; lang++) {
		vg_colmap_spec spec;
		vg_err err = {0, ""};
		int rc = vg_colmap_spec_parse(&spec, text, (vg_lang)lang, &err);
		if (rc != 0) {
			if (rc != VG_EUSAGE || err.msg[0] == '\0' || spec.text || spec.n)
				__builtin_trap();
			continue;
		}
		if (spec.n == 0 || spec.n > VG_TABLE_MAX_FIELDS)
			__builtin_trap();
		for (size_t i = 0; i < spec.n; i++) {
			const vg_colmap_pair *p = &spec.pairs[i];
			if (p->column_len == 0 || p->column_len > VG_COLMAP_MAX_NAME ||
			    strlen(p->column) != p->column_len ||
			    (unsigned)p->field >= VG_FIELD__COUNT)
				__builtin_trap();
			for (size_t j = 0; j < i; j++)
				if (!strcmp(spec.pairs[j].column, p->column))
					__builtin_trap();
			if (!vg_colmap_spec_names(&spec, p->column, p->column_len))
				__builtin_trap();
		}
		for (unsigned flags = 0; flags < 2; flags++) {
			vg_colmap m;
			const vg_table_field *nm = ncols ? names : NULL;
			size_t n = ncols ? ncols : 3;
			rc = vg_colmap_build(&m, nm, n, &spec, flags, (vg_lang)lang, &err);
			if (rc != 0) {
				if (rc != VG_EUSAGE || (flags & VG_COLMAP_PARTIAL))
					__builtin_trap();
				continue;
			}
			size_t mapped = 0, ignored = 0;
			for (int f = 1; f < VG_FIELD__COUNT; f++)
				mapped += m.count[f];
			for (size_t c = 0; c < m.ncolumns; c++)
				ignored += m.field[c] == VG_FIELD_NONE && m.explicit_map[c];
			if (mapped + ignored + m.nunknown != m.ncolumns)
				__builtin_trap();
		}
		vg_colmap_spec_release(&spec);
	}
	free(text);
	return 0;
}
