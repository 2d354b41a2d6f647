/*
 * fuzz_config.c: the configuration parser on arbitrary bytes, then, when the
 * bytes parse, the report's use of them (validation, dates, sources) and the
 * three writers.
 *
 * Checks the parser's invariants: every value is NUL-terminated at value_len,
 * valid for the report's text check, names are lowercase, lines increase,
 * and no (section, key) pair appears twice. A report rendered from the config
 * never contains a <script tag, whatever the input.
 */
#include "vigie/config.h"
#include "vigie/report.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts the run: an invariant did not hold. */
static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_lang lang = size && (data[0] & 1) ? VG_LANG_EN : VG_LANG_FR;
	vg_config c;
	vg_err err;
	vg_config_init(&c, lang);
	int rc = vg_config_parse(&c, "fuzz.conf", (const char *)data, size, &err);
	check(rc == 0 || rc == VG_EINVAL || rc == VG_ETOOBIG);
	check(rc == 0 || (err.code == rc && strncmp(err.msg, "fuzz.conf", 9) == 0));
	unsigned last = 0;
	for (size_t i = 0; i < c.n; i++) {
		const vg_config_entry *e = &c.entries[i];
		check(strlen(e->value) == e->value_len && e->value_len <= VG_CONFIG_MAX_VALUE);
		check(e->line > last);
		last = e->line;
		check(*e->key && strlen(e->key) <= VG_CONFIG_MAX_NAME);
		for (const char *k = e->key; *k; k++)
			check(!(*k >= 'A' && *k <= 'Z'));
		for (size_t j = 0; j < i; j++)
			check(strcmp(c.entries[j].section, e->section) ||
			      strcmp(c.entries[j].key, e->key));
	}
	if (rc == 0) {
		vg_report_source src[2] = {
		    {"france_travail", false, 2, 10, 9, 1, 8},
		    {"cap_emploi", false, 1, 5, 5, 0, 5},
		};
		vg_report_input in;
		memset(&in, 0, sizeof(in));
		in.sources = src;
		in.n_sources = 2;
		in.totals = (vg_report_totals){12, 3, 15, 14, 1};
		for (int k = 0; k < VG_DATACAT_COUNT; k++)
			in.categories[k] = (vg_report_category){(uint64_t)k, (uint64_t)k};
		if (vg_report_from_config(&c, 1709888400, &in, &err) == 0 &&
		    vg_report_check(&in, lang, &err) == 0) {
			for (int fmt = 0; fmt < 3; fmt++) {
				vg_report_buf b;
				vg_buf_init(&b, VG_REPORT_MAX_BYTES);
				check(vg_report_write(&in, fmt, lang, &b, &err) == 0);
				check(b.len > 0 && strlen(b.data) == b.len);
				if (fmt == VG_REPORT_HTML)
					check(!strstr(b.data, "<script"));
				vg_buf_release(&b);
			}
		}
	}
	vg_config_release(&c);
	return 0;
}
