/*
 * markdown.c: the report as CommonMark (with GitHub-style tables).
 *
 * Every text that comes from the input goes through md_text(), which
 * backslash-escapes the characters that would turn it into markup (emphasis,
 * links, HTML, table pipes, entity references) and the markers that would
 * make a line a heading, list or quote. Multi-line values become paragraphs
 * or list items, one per line; in table cells and inline fields their lines
 * are joined with ", ".
 */
#include "internal.h"

#include <string.h>

/* Appends s[0..n) escaped; at_line_start also escapes block markers. */
static void md_text(vg_report_buf *b, const char *s, size_t n, bool at_line_start)
{
	size_t i = 0;
	if (at_line_start) {
		size_t d = 0;
		while (d < n && s[d] >= '0' && s[d] <= '9')
			d++;
		if (d > 0 && d < n && (s[d] == '.' || s[d] == ')')) {
			vg_buf_put(b, s, d); /* "1. text" would be an ordered list */
			vg_buf_puts(b, "\\");
			i = d;
		} else if (n && strchr("-+=~", s[0])) {
			vg_buf_puts(b, "\\");
		}
	}
	for (; i < n; i++) {
		char ch = s[i];
		if (ch == '\n') {
			vg_buf_puts(b, ", ");
			continue;
		}
		if (ch == '&') {
			/* only an entity reference needs it: "&amp;", "&#38;" */
			if (i + 1 < n && (s[i + 1] == '#' || (s[i + 1] >= 'a' && s[i + 1] <= 'z') ||
			                  (s[i + 1] >= 'A' && s[i + 1] <= 'Z')))
				vg_buf_puts(b, "\\");
		} else if (strchr("\\`*_[]<>|#!", ch)) {
			vg_buf_puts(b, "\\");
		}
		vg_buf_put(b, &ch, 1);
	}
}

/* Appends a NUL-terminated inline text, or "*to be completed*". */
static void md_field(vg_report_buf *b, const char *s, vg_lang lang)
{
	if (!s || rp_lines(s, NULL, NULL) == 0) {
		vg_buf_printf(b, "*%s*", rp_text(RP_TO_COMPLETE, lang));
		return;
	}
	bool first = true;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n) {
			if (!first)
				vg_buf_puts(b, ", ");
			md_text(b, s, n, false);
			first = false;
		}
		s = nl ? nl + 1 : s + n;
	}
}

/* " :" in French, ":" in English, before a value. */
static const char *colon(vg_lang lang)
{
	return T(lang, " :", ":");
}

/* "- **Label :** value" line. */
static void md_item(vg_report_buf *b, rp_phrase label, const char *value, vg_lang lang)
{
	vg_buf_printf(b, "- **%s%s** ", rp_text(label, lang), colon(lang));
	md_field(b, value, lang);
	vg_buf_puts(b, "\n");
}

struct lines_ctx {
	vg_report_buf *b;
	const char *prefix; /* "- " for a list, "" for paragraphs */
	const char *suffix; /* "\n" for a list, "\n\n" for paragraphs */
};

/* Writes one line of a multi-line value as a list item or paragraph. */
static void md_line(void *ctx, const char *s, size_t n)
{
	struct lines_ctx *c = ctx;
	vg_buf_puts(c->b, c->prefix);
	md_text(c->b, s, n, !*c->prefix);
	vg_buf_puts(c->b, c->suffix);
}

/* Writes a multi-line value as paragraphs (list = false) or a list. */
static void md_block(vg_report_buf *b, const char *s, bool list, vg_lang lang)
{
	struct lines_ctx c = {b, list ? "- " : "", list ? "\n" : "\n\n"};
	if (rp_lines(s, md_line, &c) == 0)
		vg_buf_printf(b, "%s*%s*\n%s", list ? "- " : "", rp_text(RP_TO_COMPLETE, lang),
		              list ? "" : "\n");
	else if (list)
		vg_buf_puts(b, "\n");
}

/* A section heading. */
static void md_section(vg_report_buf *b, int s, vg_lang lang)
{
	vg_buf_printf(b, "## %s\n\n", rp_section_title(s, lang));
}

/* Section 1: the controller and its DPO. */
static void md_controller(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	md_section(b, RP_S_CONTROLLER, lang);
	md_item(b, RP_ORG_NAME, in->org.name, lang);
	md_item(b, RP_ORG_ADDRESS, in->org.address, lang);
	if (in->org.siren)
		md_item(b, RP_ORG_SIREN, in->org.siren, lang);
	vg_buf_printf(b, "- **%s%s**\n", rp_text(RP_DPO, lang), colon(lang));
	vg_buf_puts(b, "  ");
	md_item(b, RP_DPO_NAME, in->dpo.name, lang);
	vg_buf_puts(b, "  ");
	md_item(b, RP_DPO_EMAIL, in->dpo.email, lang);
	vg_buf_puts(b, "  ");
	md_item(b, RP_DPO_PHONE, in->dpo.phone, lang);
	vg_buf_puts(b, "\n");
}

/* Section 2: what happened and how it was found. */
static void md_nature(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	md_section(b, RP_S_NATURE, lang);
	md_block(b, in->breach.nature, false, lang);
	vg_buf_printf(b, "**%s%s**\n\n", rp_text(RP_DISCOVERY, lang), colon(lang));
	md_block(b, in->breach.discovery, false, lang);
}

/* One row of the timeline table. */
static void md_time_row(vg_report_buf *b, rp_phrase what, vg_report_time tm, vg_lang lang)
{
	vg_buf_printf(b, "| %s | ", rp_text(what, lang));
	rp_time_human(b, tm, lang);
	vg_buf_puts(b, " |\n");
}

/* Section 3: the timeline and the 72-hour check. */
static void md_timeline(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	vg_report_deadline dl = vg_report_deadline_of(in);
	md_section(b, RP_S_TIMELINE, lang);
	vg_buf_printf(b, "| %s | %s |\n|---|---|\n", rp_text(RP_EVENT, lang),
	              rp_text(RP_DATE, lang));
	md_time_row(b, RP_INTRUSION_START, in->breach.intrusion_start, lang);
	md_time_row(b, RP_INTRUSION_END, in->breach.intrusion_end, lang);
	md_time_row(b, RP_AWARENESS, in->breach.awareness, lang);
	md_time_row(b, RP_NOTIFICATION, in->breach.notification, lang);
	vg_buf_printf(b, "\n**%s%s** ", rp_text(RP_ELAPSED, lang), colon(lang));
	rp_duration(b, dl.elapsed);
	vg_buf_puts(b, ".\n\n**");
	rp_deadline_verdict(b, in, lang);
	vg_buf_puts(b, "**\n\n");
	if (dl.within)
		return;
	if (dl.reason_missing) {
		vg_buf_printf(b, "> **%s%s** %s\n\n", T(lang, "Attention", "Warning"), colon(lang),
		              rp_text(RP_REASON_MISSING, lang));
		return;
	}
	vg_buf_printf(b, "**%s%s**\n\n", rp_text(RP_DELAY_REASON, lang), colon(lang));
	md_block(b, in->breach.delay_reason, false, lang);
}

/* Section 4: categories and sources, with their numbers. */
static void md_data(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	md_section(b, RP_S_DATA, lang);
	rp_data_summary(b, in, lang);
	vg_buf_puts(b, "\n\n");

	vg_buf_printf(b, "### %s\n\n", rp_text(RP_BY_CATEGORY, lang));
	uint32_t cats = vg_report_categories(in);
	if (!cats) {
		vg_buf_printf(b, "%s\n\n", rp_text(RP_NO_DATA, lang));
	} else {
		vg_buf_printf(b, "| %s | %s | %s | %s |\n|---|--:|--:|--:|\n",
		              rp_text(RP_CATEGORY, lang), rp_text(RP_RECORDS, lang),
		              rp_text(RP_PEOPLE, lang), rp_text(RP_SHARE, lang));
		for (unsigned c = 0; c < VG_DATACAT_COUNT; c++) {
			if (!(cats & VG_DATACAT_BIT(c)))
				continue;
			const vg_report_category *k = &in->categories[c];
			vg_buf_printf(b, "| %s (`%s`) | ", vg_datacat_label(c, lang),
			              vg_datacat_name(c));
			rp_number(b, k->records, lang);
			vg_buf_puts(b, " | ");
			rp_number(b, k->people, lang);
			vg_buf_puts(b, " | ");
			rp_percent(b, k->people, in->totals.people, lang);
			vg_buf_puts(b, " |\n");
		}
		vg_buf_puts(b, "\n");
	}

	vg_buf_printf(b, "### %s\n\n", rp_text(RP_BY_SOURCE, lang));
	vg_buf_printf(b, "| %s | %s | %s | %s | %s | %s | %s |\n|---|---|--:|--:|--:|--:|--:|\n",
	              rp_text(RP_SOURCE, lang), rp_text(RP_SPECIAL_COL, lang),
	              rp_text(RP_FILES, lang), rp_text(RP_ROWS_READ, lang),
	              rp_text(RP_ROWS_ACCEPTED, lang), rp_text(RP_ROWS_REJECTED, lang),
	              rp_text(RP_PEOPLE, lang));
	for (size_t i = 0; i < in->n_sources; i++) {
		const vg_report_source *s = &in->sources[i];
		vg_buf_puts(b, "| ");
		md_text(b, s->name, strlen(s->name), false);
		vg_buf_printf(b, " | %s | ",
		              s->special_category
		                  ? T(lang, "**oui** (handicap)", "**yes** (disability)")
		                  : rp_text(RP_NO, lang));
		uint64_t v[] = {s->files, s->rows_read, s->rows_accepted, s->rows_rejected,
		                s->people};
		for (size_t j = 0; j < 5; j++) {
			rp_number(b, v[j], lang);
			vg_buf_puts(b, " |");
			vg_buf_puts(b, j < 4 ? " " : "\n");
		}
	}
	const vg_report_totals *t = &in->totals;
	vg_buf_printf(b, "| **%s** | %s | ", rp_text(RP_TOTAL, lang),
	              vg_report_special(in) ? rp_text(RP_YES, lang) : rp_text(RP_NO, lang));
	uint64_t v[] = {t->files, t->rows_read, t->rows_accepted, t->rows_rejected, t->people};
	for (size_t j = 0; j < 5; j++) {
		vg_buf_puts(b, "**");
		rp_number(b, v[j], lang);
		vg_buf_puts(b, j < 4 ? "** | " : "** |\n\n");
	}
}

/* Section 5: special-category data, prominently if any. */
static void md_special(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	md_section(b, RP_S_SPECIAL, lang);
	if (!vg_report_special(in)) {
		vg_buf_printf(b, "%s\n\n", rp_text(RP_SPECIAL_NONE, lang));
		return;
	}
	/* the statement quotes source names: render it, then escape it whole */
	vg_report_buf tmp;
	vg_buf_init(&tmp, b->max);
	rp_special_statement(&tmp, in, lang);
	vg_buf_printf(b, "> **%s**\n>\n> ", rp_text(RP_SPECIAL_WARNING, lang));
	if (tmp.full)
		b->full = true;
	else
		md_text(b, tmp.data, tmp.len, false);
	vg_buf_puts(b, "\n\n");
	vg_buf_release(&tmp);
}

/* Section 6: the art. 34 consequence. */
static void md_art34(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	rp_risk r = rp_risk_of(in, lang);
	md_section(b, RP_S_ART34, lang);
	if (!r.high) {
		vg_buf_printf(b, "%s\n\n", rp_text(RP_ART34_ASSESS, lang));
		return;
	}
	vg_buf_printf(b, "%s%s\n\n", rp_text(RP_ART34_REASONS, lang), colon(lang));
	for (size_t i = 0; i < r.n; i++)
		vg_buf_printf(b, "- %s%s\n", r.text[i], i + 1 < r.n ? " ;" : ".");
	vg_buf_printf(b, "\n**%s**\n\n%s\n\n", rp_text(RP_ART34_HIGH, lang),
	              rp_text(RP_ART34_NO_EXEMPTION, lang));
}

/* Section 7: likely consequences per category. */
static void md_consequences(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	md_section(b, RP_S_CONSEQUENCES, lang);
	uint32_t cats = vg_report_categories(in);
	if (vg_report_special(in))
		vg_buf_printf(b, "- **%s%s** %s\n",
		              T(lang, "Données sensibles", "Special-category data"), colon(lang),
		              rp_special_consequence(lang));
	for (unsigned c = 0; c < VG_DATACAT_COUNT; c++)
		if (cats & VG_DATACAT_BIT(c))
			vg_buf_printf(b, "- **%s%s** %s\n", vg_datacat_label(c, lang), colon(lang),
			              rp_consequence(c, lang));
	if (!cats && !vg_report_special(in))
		vg_buf_printf(b, "%s\n", rp_text(RP_NO_DATA, lang));
	vg_buf_puts(b, "\n");
}

/* Section 8: measures. */
static void md_measures(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	md_section(b, RP_S_MEASURES, lang);
	vg_buf_printf(b, "### %s\n\n", rp_text(RP_MEASURES_TAKEN, lang));
	md_block(b, in->breach.measures_taken, true, lang);
	vg_buf_printf(b, "### %s\n\n", rp_text(RP_MEASURES_PROPOSED, lang));
	md_block(b, in->breach.measures_proposed, true, lang);
}

/* Section 9: the advice the people receive. */
static void md_advice(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	vg_advice_list a = rp_advice(in, lang);
	md_section(b, RP_S_ADVICE, lang);
	vg_buf_printf(b, "%s\n\n", rp_text(RP_ADVICE_INTRO, lang));
	for (size_t i = 0; i < a.n; i++)
		vg_buf_printf(b, "- **%s.** %s\n", a.item[i].title, a.item[i].text);
	vg_buf_puts(b, "\n");
}

/* Writes the whole report as Markdown. */
int vg_report_write_markdown(const vg_report_input *in, vg_lang lang, vg_report_buf *out,
                             vg_err *err)
{
	int rc = vg_report_check(in, lang, err);
	if (rc)
		return rc;
	size_t start = out->len;
	out->full = false;

	vg_buf_printf(out, "# %s\n\n> %s\n", rp_text(RP_TITLE, lang), rp_text(RP_DRAFT_NOTE, lang));
	if (in->key_id || in->generated_at.set) {
		vg_buf_puts(out, ">\n> ");
		if (in->key_id) {
			vg_buf_printf(out, "%s%s %s ", rp_text(RP_REGISTRY, lang), colon(lang),
			              rp_text(RP_KEY_ID, lang));
			md_text(out, in->key_id, strlen(in->key_id), false);
			vg_buf_printf(out, ", %s %llu. ", rp_text(RP_VERSION, lang),
			              (unsigned long long)in->registry_version);
		}
		if (in->generated_at.set) {
			vg_buf_printf(out, "%s ", rp_text(RP_GENERATED, lang));
			rp_time_human(out, in->generated_at, lang);
			vg_buf_puts(out, ".");
		}
		vg_buf_puts(out, "\n");
	}
	vg_buf_puts(out, "\n");
	md_controller(out, in, lang);
	md_nature(out, in, lang);
	md_timeline(out, in, lang);
	md_data(out, in, lang);
	md_special(out, in, lang);
	md_art34(out, in, lang);
	md_consequences(out, in, lang);
	md_measures(out, in, lang);
	md_advice(out, in, lang);

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
