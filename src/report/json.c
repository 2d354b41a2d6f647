/*
 * json.c: the report as one JSON object (jansson), for machines.
 *
 * Same content as the Markdown, in the same order: numbers are JSON numbers,
 * instants are ISO 8601 strings with their offset, flags are booleans,
 * absent values are null, multi-line lists are arrays of strings. Texts for
 * people (verdicts, statements, consequences, advice) are in the report's
 * language; keys and codes are stable English identifiers. The layout is
 * documented in docs/report.md; "schema" names its version.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA "vigie.report.art33/1"

/* A JSON string, or null for a NULL or empty text. */
static json_t *str(const char *s)
{
	if (!s || !*s)
		return json_null();
	json_t *j = json_string(s);
	return j ? j : json_null(); /* vg_report_check() vouched for UTF-8 */
}

/* A JSON integer from a count. */
static json_t *num(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* An ISO 8601 string, or null. */
static json_t *when(vg_report_time tm)
{
	return tm.set ? json_string(rp_time_iso(tm).s) : json_null();
}

/* The text a content function writes, as a JSON string. */
static json_t *rendered(void (*fn)(vg_report_buf *, const vg_report_input *, vg_lang),
                        const vg_report_input *in, vg_lang lang)
{
	vg_report_buf b;
	vg_buf_init(&b, VG_REPORT_MAX_BYTES);
	fn(&b, in, lang);
	json_t *j = str(b.data);
	vg_buf_release(&b);
	return j;
}

/* Appends one line of a multi-line value to a JSON array. */
static void add_line(void *ctx, const char *s, size_t n)
{
	json_array_append_new(ctx, json_stringn(s, n));
}

/* A multi-line value as an array of its non-empty lines. */
static json_t *lines(const char *s)
{
	json_t *a = json_array();
	rp_lines(s, add_line, a);
	return a;
}

/* The controller and its DPO. */
static json_t *controller(const vg_report_input *in)
{
	json_t *dpo = json_object(), *o = json_object();
	json_object_set_new(dpo, "name", str(in->dpo.name));
	json_object_set_new(dpo, "email", str(in->dpo.email));
	json_object_set_new(dpo, "phone", str(in->dpo.phone));
	json_object_set_new(o, "name", str(in->org.name));
	json_object_set_new(o, "address", str(in->org.address));
	json_object_set_new(o, "siren", str(in->org.siren));
	json_object_set_new(o, "dpo", dpo);
	return o;
}

/* The timeline and the 72-hour check. */
static json_t *timeline(const vg_report_input *in, vg_lang lang)
{
	vg_report_deadline dl = vg_report_deadline_of(in);
	json_t *o = json_object();
	json_object_set_new(o, "intrusion_start", when(in->breach.intrusion_start));
	json_object_set_new(o, "intrusion_end", when(in->breach.intrusion_end));
	json_object_set_new(o, "awareness", when(in->breach.awareness));
	json_object_set_new(o, "notification", when(in->breach.notification));
	json_object_set_new(o, "elapsed_seconds", json_integer(dl.elapsed));
	json_object_set_new(o, "deadline_seconds", json_integer(VG_REPORT_DEADLINE_SECONDS));
	json_object_set_new(o, "within_deadline", json_boolean(dl.within));
	json_object_set_new(o, "late_seconds", json_integer(dl.late));
	json_object_set_new(o, "verdict", rendered(rp_deadline_verdict, in, lang));
	json_object_set_new(o, "delay_reason",
	                    dl.within ? json_null() : str(in->breach.delay_reason));
	json_object_set_new(o, "delay_reason_missing", json_boolean(dl.reason_missing));
	json_object_set_new(
	    o, "warning", dl.reason_missing ? str(rp_text(RP_REASON_MISSING, lang)) : json_null());
	return o;
}

/* Totals, categories and sources. */
static void data(json_t *root, const vg_report_input *in, vg_lang lang)
{
	const vg_report_totals *t = &in->totals;
	json_t *o = json_object();
	json_object_set_new(o, "people_approx", num(t->people));
	json_object_set_new(o, "files", num(t->files));
	json_object_set_new(o, "rows_read", num(t->rows_read));
	json_object_set_new(o, "rows_accepted", num(t->rows_accepted));
	json_object_set_new(o, "rows_rejected", num(t->rows_rejected));
	json_object_set_new(o, "sources", num(in->n_sources));
	json_object_set_new(o, "summary", rendered(rp_data_summary, in, lang));
	json_object_set_new(root, "totals", o);

	json_t *cats = json_array();
	uint32_t mask = vg_report_categories(in);
	for (unsigned c = 0; c < VG_DATACAT_COUNT; c++) {
		if (!(mask & VG_DATACAT_BIT(c)))
			continue;
		json_t *k = json_object();
		json_object_set_new(k, "name", json_string(vg_datacat_name(c)));
		json_object_set_new(k, "label", json_string(vg_datacat_label(c, lang)));
		json_object_set_new(k, "records", num(in->categories[c].records));
		json_object_set_new(k, "people_approx", num(in->categories[c].people));
		json_object_set_new(k, "consequences", json_string(rp_consequence(c, lang)));
		json_array_append_new(cats, k);
	}
	json_object_set_new(root, "categories", cats);

	json_t *srcs = json_array();
	for (size_t i = 0; i < in->n_sources; i++) {
		const vg_report_source *s = &in->sources[i];
		json_t *k = json_object();
		json_object_set_new(k, "name", str(s->name));
		json_object_set_new(k, "special_category", json_boolean(s->special_category));
		json_object_set_new(k, "files", num(s->files));
		json_object_set_new(k, "rows_read", num(s->rows_read));
		json_object_set_new(k, "rows_accepted", num(s->rows_accepted));
		json_object_set_new(k, "rows_rejected", num(s->rows_rejected));
		json_object_set_new(k, "people_approx", num(s->people));
		json_array_append_new(srcs, k);
	}
	json_object_set_new(root, "sources", srcs);
}

/* Special-category data. */
static json_t *special(const vg_report_input *in, vg_lang lang)
{
	bool any = vg_report_special(in);
	json_t *o = json_object(), *names = json_array();
	for (size_t i = 0; i < in->n_sources; i++)
		if (in->sources[i].special_category)
			json_array_append_new(names, str(in->sources[i].name));
	json_object_set_new(o, "involved", json_boolean(any));
	json_object_set_new(o, "article", json_string("9"));
	json_object_set_new(o, "sources", names);
	json_object_set_new(o, "warning",
	                    any ? str(rp_text(RP_SPECIAL_WARNING, lang)) : json_null());
	json_object_set_new(o, "statement",
	                    any ? rendered(rp_special_statement, in, lang)
	                        : str(rp_text(RP_SPECIAL_NONE, lang)));
	json_object_set_new(o, "consequences",
	                    any ? str(rp_special_consequence(lang)) : json_null());
	return o;
}

/* The art. 34 consequence. */
static json_t *art34(const vg_report_input *in, vg_lang lang)
{
	rp_risk r = rp_risk_of(in, lang);
	json_t *o = json_object(), *reasons = json_array();
	for (size_t i = 0; i < r.n; i++) {
		json_t *k = json_object();
		json_object_set_new(k, "code", json_string(r.code[i]));
		json_object_set_new(k, "text", json_string(r.text[i]));
		json_array_append_new(reasons, k);
	}
	json_object_set_new(o, "high_risk", json_boolean(r.high));
	json_object_set_new(o, "communication_required", json_boolean(r.high));
	json_object_set_new(o, "exemption_applies", r.high ? json_false() : json_null());
	json_object_set_new(o, "reasons", reasons);
	json_object_set_new(
	    o, "conclusion",
	    str(r.high ? rp_text(RP_ART34_HIGH, lang) : rp_text(RP_ART34_ASSESS, lang)));
	json_object_set_new(o, "exemptions",
	                    r.high ? str(rp_text(RP_ART34_NO_EXEMPTION, lang)) : json_null());
	return o;
}

/* The advice the people receive. */
static json_t *advice(const vg_report_input *in, vg_lang lang)
{
	vg_advice_list l = rp_advice(in, lang);
	json_t *a = json_array();
	for (size_t i = 0; i < l.n; i++) {
		json_t *k = json_object();
		json_object_set_new(k, "code", json_string(l.item[i].code));
		json_object_set_new(k, "title", json_string(l.item[i].title));
		json_object_set_new(k, "text", json_string(l.item[i].text));
		json_array_append_new(a, k);
	}
	return a;
}

/* Writes the whole report as JSON. */
int vg_report_write_json(const vg_report_input *in, vg_lang lang, vg_report_buf *out, vg_err *err)
{
	int rc = vg_report_check(in, lang, err);
	if (rc)
		return rc;
	json_t *root = json_object();
	json_object_set_new(root, "schema", json_string(SCHEMA));
	json_object_set_new(root, "lang", json_string(lang == VG_LANG_EN ? "en" : "fr"));
	json_object_set_new(root, "title", json_string(rp_text(RP_TITLE, lang)));
	json_object_set_new(root, "draft_note", json_string(rp_text(RP_DRAFT_NOTE, lang)));
	json_object_set_new(root, "generated_at", when(in->generated_at));
	json_t *reg = json_object();
	json_object_set_new(reg, "key_id", str(in->key_id));
	json_object_set_new(reg, "version", num(in->registry_version));
	json_object_set_new(root, "registry", reg);
	json_object_set_new(root, "controller", controller(in));
	json_t *breach = json_object();
	json_object_set_new(breach, "nature", str(in->breach.nature));
	json_object_set_new(breach, "discovery", str(in->breach.discovery));
	json_object_set_new(root, "breach", breach);
	json_object_set_new(root, "timeline", timeline(in, lang));
	data(root, in, lang);
	json_object_set_new(root, "special_category", special(in, lang));
	json_object_set_new(root, "art34", art34(in, lang));
	json_t *measures = json_object();
	json_object_set_new(measures, "taken", lines(in->breach.measures_taken));
	json_object_set_new(measures, "proposed", lines(in->breach.measures_proposed));
	json_object_set_new(root, "measures", measures);
	json_object_set_new(root, "advice", advice(in, lang));

	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return vg_err_set(err, VG_EINTERNAL, "json_dumps failed");
	size_t start = out->len;
	out->full = false;
	vg_buf_puts(out, text);
	vg_buf_puts(out, "\n");
	free(text);
	if (out->full) {
		out->full = false;
		out->len = start;
		if (out->data)
			out->data[start] = 0;
		return vg_err_set(err, VG_ETOOBIG,
		                  T(lang, "rapport plus gros que la limite (%zu octets)",
		                    "report larger than the limit (%zu bytes)"),
		                  out->max);
	}
	return 0;
}
