/*
 * html.c: the report as one standalone HTML page.
 *
 * The page loads nothing and runs nothing: no script, no external style,
 * font or image; a Content-Security-Policy of default-src 'none' says so to
 * the browser. The chart of exposed categories is inline SVG: one labelled
 * bar per category present, with its number written next to the bar (so it
 * reads without colour and in print), a <title> and <desc> for assistive
 * technology, and the same numbers in the data table that follows it.
 *
 * Every text, fixed or from the input, goes through h_text(), which escapes
 * & < > " and ' for both element content and attribute values. Content that
 * the shared functions render (numbers, verdicts) is rendered into a scratch
 * buffer first, then escaped.
 */
#include "internal.h"

#include <string.h>

/* Chart geometry, in SVG user units. */
#define CHART_W 720
#define CHART_LABEL_W 250 /* labels end here, right-aligned */
#define CHART_BAR_X 260
#define CHART_BAR_MAX 300
#define CHART_ROW_H 30
#define CHART_BAR_H 20
#define CHART_PAD 10

/* Appends s[0..n) escaped for HTML text and attribute values. */
static void h_text(vg_report_buf *b, const char *s, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		vg_buf_put(b, s + from, i - from);
		vg_buf_puts(b, rep);
		from = i + 1;
	}
	vg_buf_put(b, s + from, n - from);
}

/* Appends a NUL-terminated string escaped. */
static void h_puts(vg_report_buf *b, const char *s)
{
	h_text(b, s, strlen(s));
}

/* Appends the escaped contents of a scratch buffer, then empties it. */
static void h_flush(vg_report_buf *b, vg_report_buf *tmp)
{
	if (tmp->full)
		b->full = true;
	else if (tmp->len)
		h_text(b, tmp->data, tmp->len);
	tmp->len = 0;
	tmp->full = false;
}

/* Appends "à compléter" in emphasis. */
static void h_missing(vg_report_buf *b, vg_lang lang)
{
	vg_buf_puts(b, "<em class=\"missing\">");
	h_puts(b, rp_text(RP_TO_COMPLETE, lang));
	vg_buf_puts(b, "</em>");
}

/* Appends an inline field: lines joined with ", ", or "to be completed". */
static void h_field(vg_report_buf *b, const char *s, vg_lang lang)
{
	if (!s || rp_lines(s, NULL, NULL) == 0) {
		h_missing(b, lang);
		return;
	}
	bool first = true;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n) {
			if (!first)
				vg_buf_puts(b, ", ");
			h_text(b, s, n);
			first = false;
		}
		s = nl ? nl + 1 : s + n;
	}
}

struct lines_ctx {
	vg_report_buf *b;
	const char *open, *close;
};

/* Writes one line of a multi-line value as <p> or <li>. */
static void h_line(void *ctx, const char *s, size_t n)
{
	struct lines_ctx *c = ctx;
	vg_buf_puts(c->b, c->open);
	h_text(c->b, s, n);
	vg_buf_puts(c->b, c->close);
}

/* Writes a multi-line value as paragraphs or a list. */
static void h_block(vg_report_buf *b, const char *s, bool list, vg_lang lang)
{
	struct lines_ctx c = {b, list ? "<li>" : "<p>", list ? "</li>\n" : "</p>\n"};
	if (list)
		vg_buf_puts(b, "<ul>\n");
	if (rp_lines(s, h_line, &c) == 0) {
		vg_buf_puts(b, c.open);
		h_missing(b, lang);
		vg_buf_puts(b, c.close);
	}
	if (list)
		vg_buf_puts(b, "</ul>\n");
}

/* Opens a section with its heading. */
static void h_section(vg_report_buf *b, int s, vg_lang lang)
{
	vg_buf_printf(b, "<section id=\"%s\">\n<h2>", rp_section_id(s));
	h_puts(b, rp_section_title(s, lang));
	vg_buf_puts(b, "</h2>\n");
}

/* A <dt>/<dd> pair. */
static void h_dl_item(vg_report_buf *b, rp_phrase label, const char *value, vg_lang lang)
{
	vg_buf_puts(b, "<dt>");
	h_puts(b, rp_text(label, lang));
	vg_buf_puts(b, "</dt><dd>");
	h_field(b, value, lang);
	vg_buf_puts(b, "</dd>\n");
}

/* Section 1. */
static void h_controller(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	h_section(b, RP_S_CONTROLLER, lang);
	vg_buf_puts(b, "<dl>\n");
	h_dl_item(b, RP_ORG_NAME, in->org.name, lang);
	h_dl_item(b, RP_ORG_ADDRESS, in->org.address, lang);
	if (in->org.siren)
		h_dl_item(b, RP_ORG_SIREN, in->org.siren, lang);
	vg_buf_puts(b, "</dl>\n<h3>");
	h_puts(b, rp_text(RP_DPO, lang));
	vg_buf_puts(b, "</h3>\n<dl>\n");
	h_dl_item(b, RP_DPO_NAME, in->dpo.name, lang);
	h_dl_item(b, RP_DPO_EMAIL, in->dpo.email, lang);
	h_dl_item(b, RP_DPO_PHONE, in->dpo.phone, lang);
	vg_buf_puts(b, "</dl>\n</section>\n");
}

/* Section 2. */
static void h_nature(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	h_section(b, RP_S_NATURE, lang);
	h_block(b, in->breach.nature, false, lang);
	vg_buf_puts(b, "<h3>");
	h_puts(b, rp_text(RP_DISCOVERY, lang));
	vg_buf_puts(b, "</h3>\n");
	h_block(b, in->breach.discovery, false, lang);
	vg_buf_puts(b, "</section>\n");
}

/* One timeline row, with a machine-readable <time>. */
static void h_time_row(vg_report_buf *b, vg_report_buf *tmp, rp_phrase what, vg_report_time tm,
                       vg_lang lang)
{
	vg_buf_puts(b, "<tr><th scope=\"row\">");
	h_puts(b, rp_text(what, lang));
	vg_buf_puts(b, "</th><td>");
	if (!tm.set) {
		h_missing(b, lang);
	} else {
		vg_buf_printf(b, "<time datetime=\"%s\">", rp_time_iso(tm).s);
		rp_time_human(tmp, tm, lang);
		h_flush(b, tmp);
		vg_buf_puts(b, "</time>");
	}
	vg_buf_puts(b, "</td></tr>\n");
}

/* Section 3. */
static void h_timeline(vg_report_buf *b, vg_report_buf *tmp, const vg_report_input *in,
                       vg_lang lang)
{
	vg_report_deadline dl = vg_report_deadline_of(in);
	h_section(b, RP_S_TIMELINE, lang);
	vg_buf_puts(b, "<table>\n<thead><tr><th scope=\"col\">");
	h_puts(b, rp_text(RP_EVENT, lang));
	vg_buf_puts(b, "</th><th scope=\"col\">");
	h_puts(b, rp_text(RP_DATE, lang));
	vg_buf_puts(b, "</th></tr></thead>\n<tbody>\n");
	h_time_row(b, tmp, RP_INTRUSION_START, in->breach.intrusion_start, lang);
	h_time_row(b, tmp, RP_INTRUSION_END, in->breach.intrusion_end, lang);
	h_time_row(b, tmp, RP_AWARENESS, in->breach.awareness, lang);
	h_time_row(b, tmp, RP_NOTIFICATION, in->breach.notification, lang);
	vg_buf_puts(b, "</tbody>\n</table>\n<p>");
	h_puts(b, rp_text(RP_ELAPSED, lang));
	h_puts(b, T(lang, " : ", ": "));
	rp_duration(tmp, dl.elapsed);
	h_flush(b, tmp);
	vg_buf_puts(b, ".</p>\n");
	vg_buf_printf(b, "<p class=\"%s\"><strong>", dl.within ? "within" : "late");
	rp_deadline_verdict(tmp, in, lang);
	h_flush(b, tmp);
	vg_buf_puts(b, "</strong></p>\n");
	if (!dl.within && dl.reason_missing) {
		vg_buf_puts(b, "<div class=\"alert\" role=\"alert\"><p><strong>");
		h_puts(b, T(lang, "Attention :", "Warning:"));
		vg_buf_puts(b, "</strong> ");
		h_puts(b, rp_text(RP_REASON_MISSING, lang));
		vg_buf_puts(b, "</p></div>\n");
	} else if (!dl.within) {
		vg_buf_puts(b, "<h3>");
		h_puts(b, rp_text(RP_DELAY_REASON, lang));
		vg_buf_puts(b, "</h3>\n");
		h_block(b, in->breach.delay_reason, false, lang);
	}
	vg_buf_puts(b, "</section>\n");
}

/* The bar chart of exposed categories: one <rect class="bar"> per category. */
static void h_chart(vg_report_buf *b, vg_report_buf *tmp, const vg_report_input *in, vg_lang lang)
{
	uint32_t cats = vg_report_categories(in);
	unsigned rows = 0;
	uint64_t scale = in->totals.people;
	for (unsigned c = 0; c < VG_DATACAT_COUNT; c++) {
		if (!(cats & VG_DATACAT_BIT(c)))
			continue;
		rows++;
		if (in->categories[c].people > scale)
			scale = in->categories[c].people;
	}
	unsigned height = 2 * CHART_PAD + rows * CHART_ROW_H;
	vg_buf_printf(b,
	              "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	              "aria-labelledby=\"chart-title chart-desc\" width=\"%d\" height=\"%u\" "
	              "viewBox=\"0 0 %d %u\">\n<title id=\"chart-title\">",
	              CHART_W, height, CHART_W, height);
	h_puts(b, rp_text(RP_CHART_TITLE, lang));
	vg_buf_puts(b, "</title>\n<desc id=\"chart-desc\">");
	h_puts(b, T(lang, "Nombre approximatif de personnes par catégorie de données : ",
	            "Approximate number of people by category of data: "));
	unsigned k = 0;
	for (unsigned c = 0; c < VG_DATACAT_COUNT; c++) {
		if (!(cats & VG_DATACAT_BIT(c)))
			continue;
		if (k++)
			vg_buf_puts(b, T(lang, " ; ", "; "));
		h_puts(b, vg_datacat_label(c, lang));
		vg_buf_puts(b, " ");
		rp_number(tmp, in->categories[c].people, lang);
		h_flush(b, tmp);
	}
	vg_buf_puts(b, ".</desc>\n");

	unsigned row = 0;
	for (unsigned c = 0; c < VG_DATACAT_COUNT; c++) {
		if (!(cats & VG_DATACAT_BIT(c)))
			continue;
		const vg_report_category *cat = &in->categories[c];
		unsigned y = CHART_PAD + row++ * CHART_ROW_H;
		unsigned w =
		    scale ? (unsigned)((double)cat->people / (double)scale * CHART_BAR_MAX + 0.5)
		          : 0;
		if (w == 0)
			w = 1; /* present, so visible */
		unsigned ty = y + CHART_BAR_H / 2 + 5;
		vg_buf_printf(b, "<g>\n<text x=\"%d\" y=\"%u\" text-anchor=\"end\">", CHART_LABEL_W,
		              ty);
		h_puts(b, vg_datacat_label(c, lang));
		vg_buf_printf(
		    b,
		    "</text>\n<rect class=\"bar\" x=\"%d\" y=\"%u\" width=\"%u\" height=\"%d\" "
		    "fill=\"#1f4e79\" stroke=\"#000\"/>\n<text x=\"%u\" y=\"%u\">",
		    CHART_BAR_X, y, w, CHART_BAR_H, CHART_BAR_X + w + 6, ty);
		rp_number(tmp, cat->people, lang);
		vg_buf_puts(tmp, " (");
		rp_percent(tmp, cat->people, in->totals.people, lang);
		vg_buf_puts(tmp, ")");
		h_flush(b, tmp);
		vg_buf_puts(b, "</text>\n</g>\n");
	}
	vg_buf_puts(b, "</svg>\n<figcaption>");
	h_puts(b, rp_text(RP_CHART_TITLE, lang));
	h_puts(b, T(lang, " (nombre approximatif de personnes ; détail dans le tableau ci-dessous)",
	            " (approximate number of people; details in the table below)"));
	vg_buf_puts(b, "</figcaption>\n</figure>\n");
}

/* A right-aligned number cell. */
static void h_num_cell(vg_report_buf *b, vg_report_buf *tmp, uint64_t v, vg_lang lang)
{
	vg_buf_puts(b, "<td class=\"n\">");
	rp_number(tmp, v, lang);
	h_flush(b, tmp);
	vg_buf_puts(b, "</td>");
}

/* A header cell. */
static void h_th(vg_report_buf *b, rp_phrase p, vg_lang lang)
{
	vg_buf_puts(b, "<th scope=\"col\">");
	h_puts(b, rp_text(p, lang));
	vg_buf_puts(b, "</th>");
}

/* Section 4. */
static void h_data(vg_report_buf *b, vg_report_buf *tmp, const vg_report_input *in, vg_lang lang)
{
	h_section(b, RP_S_DATA, lang);
	vg_buf_puts(b, "<p>");
	rp_data_summary(tmp, in, lang);
	h_flush(b, tmp);
	vg_buf_puts(b, "</p>\n<h3>");
	h_puts(b, rp_text(RP_BY_CATEGORY, lang));
	vg_buf_puts(b, "</h3>\n");
	uint32_t cats = vg_report_categories(in);
	if (!cats) {
		vg_buf_puts(b, "<p>");
		h_puts(b, rp_text(RP_NO_DATA, lang));
		vg_buf_puts(b, "</p>\n");
	} else {
		h_chart(b, tmp, in, lang);
		vg_buf_puts(b, "<table class=\"categories\">\n<caption>");
		h_puts(b, rp_text(RP_CHART_TITLE, lang));
		vg_buf_puts(b, "</caption>\n<thead><tr>");
		h_th(b, RP_CATEGORY, lang);
		h_th(b, RP_RECORDS, lang);
		h_th(b, RP_PEOPLE, lang);
		h_th(b, RP_SHARE, lang);
		vg_buf_puts(b, "</tr></thead>\n<tbody>\n");
		for (unsigned c = 0; c < VG_DATACAT_COUNT; c++) {
			if (!(cats & VG_DATACAT_BIT(c)))
				continue;
			vg_buf_printf(b, "<tr><th scope=\"row\">");
			h_puts(b, vg_datacat_label(c, lang));
			vg_buf_printf(b, " <code>%s</code></th>", vg_datacat_name(c));
			h_num_cell(b, tmp, in->categories[c].records, lang);
			h_num_cell(b, tmp, in->categories[c].people, lang);
			vg_buf_puts(b, "<td class=\"n\">");
			rp_percent(tmp, in->categories[c].people, in->totals.people, lang);
			h_flush(b, tmp);
			vg_buf_puts(b, "</td></tr>\n");
		}
		vg_buf_puts(b, "</tbody>\n</table>\n");
	}

	vg_buf_puts(b, "<h3>");
	h_puts(b, rp_text(RP_BY_SOURCE, lang));
	vg_buf_puts(b, "</h3>\n<table class=\"sources\">\n<thead><tr>");
	h_th(b, RP_SOURCE, lang);
	h_th(b, RP_SPECIAL_COL, lang);
	h_th(b, RP_FILES, lang);
	h_th(b, RP_ROWS_READ, lang);
	h_th(b, RP_ROWS_ACCEPTED, lang);
	h_th(b, RP_ROWS_REJECTED, lang);
	h_th(b, RP_PEOPLE, lang);
	vg_buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < in->n_sources; i++) {
		const vg_report_source *s = &in->sources[i];
		vg_buf_puts(b, "<tr><th scope=\"row\">");
		h_puts(b, s->name);
		vg_buf_puts(b, "</th><td>");
		if (s->special_category) {
			vg_buf_puts(b, "<strong>");
			h_puts(b, T(lang, "oui (handicap)", "yes (disability)"));
			vg_buf_puts(b, "</strong>");
		} else {
			h_puts(b, rp_text(RP_NO, lang));
		}
		vg_buf_puts(b, "</td>");
		h_num_cell(b, tmp, s->files, lang);
		h_num_cell(b, tmp, s->rows_read, lang);
		h_num_cell(b, tmp, s->rows_accepted, lang);
		h_num_cell(b, tmp, s->rows_rejected, lang);
		h_num_cell(b, tmp, s->people, lang);
		vg_buf_puts(b, "</tr>\n");
	}
	const vg_report_totals *t = &in->totals;
	vg_buf_puts(b, "</tbody>\n<tfoot><tr><th scope=\"row\">");
	h_puts(b, rp_text(RP_TOTAL, lang));
	vg_buf_puts(b, "</th><td>");
	h_puts(b, vg_report_special(in) ? rp_text(RP_YES, lang) : rp_text(RP_NO, lang));
	vg_buf_puts(b, "</td>");
	h_num_cell(b, tmp, t->files, lang);
	h_num_cell(b, tmp, t->rows_read, lang);
	h_num_cell(b, tmp, t->rows_accepted, lang);
	h_num_cell(b, tmp, t->rows_rejected, lang);
	h_num_cell(b, tmp, t->people, lang);
	vg_buf_puts(b, "</tr></tfoot>\n</table>\n</section>\n");
}

/* Section 5: a boxed alert when special-category data is involved. */
static void h_special(vg_report_buf *b, vg_report_buf *tmp, const vg_report_input *in, vg_lang lang)
{
	h_section(b, RP_S_SPECIAL, lang);
	if (!vg_report_special(in)) {
		vg_buf_puts(b, "<p>");
		h_puts(b, rp_text(RP_SPECIAL_NONE, lang));
		vg_buf_puts(b, "</p>\n</section>\n");
		return;
	}
	vg_buf_puts(b, "<div class=\"alert\" role=\"alert\">\n<p><strong>");
	h_puts(b, rp_text(RP_SPECIAL_WARNING, lang));
	vg_buf_puts(b, "</strong></p>\n<p>");
	rp_special_statement(tmp, in, lang);
	h_flush(b, tmp);
	vg_buf_puts(b, "</p>\n</div>\n</section>\n");
}

/* Section 6. */
static void h_art34(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	rp_risk r = rp_risk_of(in, lang);
	h_section(b, RP_S_ART34, lang);
	if (!r.high) {
		vg_buf_puts(b, "<p>");
		h_puts(b, rp_text(RP_ART34_ASSESS, lang));
		vg_buf_puts(b, "</p>\n</section>\n");
		return;
	}
	vg_buf_puts(b, "<p>");
	h_puts(b, rp_text(RP_ART34_REASONS, lang));
	h_puts(b, T(lang, " :", ":"));
	vg_buf_puts(b, "</p>\n<ul>\n");
	for (size_t i = 0; i < r.n; i++) {
		vg_buf_puts(b, "<li>");
		h_puts(b, r.text[i]);
		vg_buf_puts(b, i + 1 < r.n ? " ;</li>\n" : ".</li>\n");
	}
	vg_buf_puts(b, "</ul>\n<p><strong>");
	h_puts(b, rp_text(RP_ART34_HIGH, lang));
	vg_buf_puts(b, "</strong></p>\n<p>");
	h_puts(b, rp_text(RP_ART34_NO_EXEMPTION, lang));
	vg_buf_puts(b, "</p>\n</section>\n");
}

/* A "<li><strong>label :</strong> text</li>" line. */
static void h_labelled(vg_report_buf *b, const char *label, const char *text, vg_lang lang)
{
	vg_buf_puts(b, "<li><strong>");
	h_puts(b, label);
	h_puts(b, T(lang, " :", ":"));
	vg_buf_puts(b, "</strong> ");
	h_puts(b, text);
	vg_buf_puts(b, "</li>\n");
}

/* Section 7. */
static void h_consequences(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	h_section(b, RP_S_CONSEQUENCES, lang);
	uint32_t cats = vg_report_categories(in);
	if (!cats && !vg_report_special(in)) {
		vg_buf_puts(b, "<p>");
		h_puts(b, rp_text(RP_NO_DATA, lang));
		vg_buf_puts(b, "</p>\n</section>\n");
		return;
	}
	vg_buf_puts(b, "<ul>\n");
	if (vg_report_special(in))
		h_labelled(b, T(lang, "Données sensibles", "Special-category data"),
		           rp_special_consequence(lang), lang);
	for (unsigned c = 0; c < VG_DATACAT_COUNT; c++)
		if (cats & VG_DATACAT_BIT(c))
			h_labelled(b, vg_datacat_label(c, lang), rp_consequence(c, lang), lang);
	vg_buf_puts(b, "</ul>\n</section>\n");
}

/* Section 8. */
static void h_measures(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	h_section(b, RP_S_MEASURES, lang);
	vg_buf_puts(b, "<h3>");
	h_puts(b, rp_text(RP_MEASURES_TAKEN, lang));
	vg_buf_puts(b, "</h3>\n");
	h_block(b, in->breach.measures_taken, true, lang);
	vg_buf_puts(b, "<h3>");
	h_puts(b, rp_text(RP_MEASURES_PROPOSED, lang));
	vg_buf_puts(b, "</h3>\n");
	h_block(b, in->breach.measures_proposed, true, lang);
	vg_buf_puts(b, "</section>\n");
}

/* Section 9. */
static void h_advice(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	vg_advice_list a = rp_advice(in, lang);
	h_section(b, RP_S_ADVICE, lang);
	vg_buf_puts(b, "<p>");
	h_puts(b, rp_text(RP_ADVICE_INTRO, lang));
	vg_buf_puts(b, "</p>\n<ul>\n");
	for (size_t i = 0; i < a.n; i++) {
		vg_buf_puts(b, "<li><strong>");
		h_puts(b, a.item[i].title);
		vg_buf_puts(b, ".</strong> ");
		h_puts(b, a.item[i].text);
		vg_buf_puts(b, "</li>\n");
	}
	vg_buf_puts(b, "</ul>\n</section>\n");
}

static const char style[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;line-height:1.5;"
    "color:#111;background:#fff;margin:0}\n"
    "main{max-width:56rem;margin:0 auto;padding:1.5rem}\n"
    "h1{font-size:1.6rem}\n"
    "h2{font-size:1.25rem;border-bottom:2px solid #111;padding-bottom:.2rem;margin-top:2rem}\n"
    "h3{font-size:1.05rem}\n"
    "table{border-collapse:collapse;margin:1rem 0}\n"
    "th,td{border:1px solid #555;padding:.3rem .6rem;text-align:left;vertical-align:top}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "caption{font-weight:bold;text-align:left;padding:.3rem 0}\n"
    "dt{font-weight:bold}dd{margin:0 0 .4rem 1.5rem}\n"
    ".draft{border:2px dashed #555;padding:.5rem 1rem}\n"
    ".alert{border:4px double #000;padding:.2rem 1rem;margin:1rem 0;background:#fff4f0}\n"
    ".missing{background:#ffe;outline:1px dotted #555}\n"
    "figure{margin:1rem 0;overflow-x:auto}svg text{font:13px sans-serif;fill:#111}\n"
    "@media print{.alert{background:none}main{max-width:none}}\n";

/* Writes the whole report as a standalone HTML page. */
int vg_report_write_html(const vg_report_input *in, vg_lang lang, vg_report_buf *out, vg_err *err)
{
	int rc = vg_report_check(in, lang, err);
	if (rc)
		return rc;
	size_t start = out->len;
	out->full = false;
	vg_report_buf tmp;
	vg_buf_init(&tmp, out->max);

	vg_buf_printf(out,
	              "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	              "style-src 'unsafe-inline'\">\n<meta name=\"generator\" content=\"vigie\">\n"
	              "<title>",
	              lang == VG_LANG_EN ? "en" : "fr");
	h_puts(out, rp_text(RP_TITLE, lang));
	if (in->org.name) {
		vg_buf_puts(out, " — ");
		h_field(out, in->org.name, lang);
	}
	vg_buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<h1>", style);
	h_puts(out, rp_text(RP_TITLE, lang));
	vg_buf_puts(out, "</h1>\n<div class=\"draft\">\n<p>");
	h_puts(out, rp_text(RP_DRAFT_NOTE, lang));
	vg_buf_puts(out, "</p>\n");
	if (in->key_id || in->generated_at.set) {
		vg_buf_puts(out, "<p>");
		if (in->key_id) {
			h_puts(out, rp_text(RP_REGISTRY, lang));
			h_puts(out, T(lang, " : ", ": "));
			h_puts(out, rp_text(RP_KEY_ID, lang));
			vg_buf_puts(out, " <code>");
			h_puts(out, in->key_id);
			vg_buf_printf(out, "</code>, %s %llu. ", rp_text(RP_VERSION, lang),
			              (unsigned long long)in->registry_version);
		}
		if (in->generated_at.set) {
			h_puts(out, rp_text(RP_GENERATED, lang));
			vg_buf_printf(out, " <time datetime=\"%s\">",
			              rp_time_iso(in->generated_at).s);
			rp_time_human(&tmp, in->generated_at, lang);
			h_flush(out, &tmp);
			vg_buf_puts(out, "</time>.");
		}
		vg_buf_puts(out, "</p>\n");
	}
	vg_buf_puts(out, "</div>\n");
	h_controller(out, in, lang);
	h_nature(out, in, lang);
	h_timeline(out, &tmp, in, lang);
	h_data(out, &tmp, in, lang);
	h_special(out, &tmp, in, lang);
	h_art34(out, in, lang);
	h_consequences(out, in, lang);
	h_measures(out, in, lang);
	h_advice(out, in, lang);
	vg_buf_puts(out, "</main>\n</body>\n</html>\n");
	vg_buf_release(&tmp);

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
