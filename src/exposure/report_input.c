/*
 * report_input.c: the registry half of the art. 33 report input: rows per
 * source and per category from the registry statistics, and approximate
 * people as the largest count of distinct identifiers among the email,
 * phone, NIR and France Travail id tables (the name + date-of-birth table
 * holds up to two keys per person, so it only counts when the others are
 * empty).
 */
#include "vigie/exposure.h"

#include <string.h>

/* Approximate people from per-table counts of distinct identifiers. */
static uint64_t people_of(const uint64_t per_table[VG_IDTAB__COUNT])
{
	uint64_t m = 0;
	for (unsigned t = 0; t < VG_IDTAB__COUNT; t++)
		if (t != VG_IDTAB_NAME_DOB && per_table[t] > m)
			m = per_table[t];
	return m ? m : per_table[VG_IDTAB_NAME_DOB];
}

/* Fills the registry half of a report input from the registry statistics. */
void vg_exposure_report_input(const vg_registry *r, vg_report_source *sources, char *key_id,
                              vg_report_input *in)
{
	const vg_registry_stats *st = vg_registry_get_stats(r);
	vg_registry_info info;
	vg_registry_get_info(r, &info);
	unsigned n = vg_registry_source_count(r);
	for (unsigned i = 0; i < n && i < VG_SOURCE_MAX; i++) {
		const vg_regsource *s = vg_registry_source(r, i);
		const vg_regstats_source *ss = &st->source[i];
		vg_report_source *o = &sources[i];
		o->name = s->name;
		o->special_category = (s->flags & VG_SOURCE_SPECIAL) != 0;
		o->files = ss->files;
		o->rows_read = ss->rows_read;
		o->rows_accepted = ss->rows_accepted;
		o->rows_rejected = ss->rows_rejected;
		uint64_t per[VG_IDTAB__COUNT];
		for (unsigned t = 0; t < VG_IDTAB__COUNT; t++)
			per[t] = st->table[t].in_source[i];
		o->people = people_of(per);
	}
	in->sources = sources;
	in->n_sources = n;
	for (unsigned c = 0; c < VG_CAT__COUNT && c < VG_DATACAT_COUNT; c++) {
		uint64_t per[VG_IDTAB__COUNT];
		for (unsigned t = 0; t < VG_IDTAB__COUNT; t++)
			per[t] = st->table[t].with_cat[c];
		in->categories[c].records = st->rows_with[c];
		in->categories[c].people = people_of(per);
	}
	uint64_t per[VG_IDTAB__COUNT];
	for (unsigned t = 0; t < VG_IDTAB__COUNT; t++)
		per[t] = st->table[t].entries;
	in->totals.people = people_of(per);
	in->totals.files = st->files;
	in->totals.rows_read = st->rows_read;
	in->totals.rows_accepted = st->rows_accepted;
	in->totals.rows_rejected = st->rows_rejected;
	memcpy(key_id, info.key_id, sizeof(info.key_id));
	in->key_id = key_id;
	in->registry_version = info.generation;
}
