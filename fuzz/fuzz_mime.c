/*
 * fuzz_mime.c: the email side of the scanner on arbitrary bytes: a raw
 * message through GMime and the rules, the same bytes as an mbox and as an
 * HTML part. Checks the invariants of a result: a score in [0, 1], a verdict
 * that matches it, bounded hits and links, details that are valid UTF-8
 * (so the JSON view never fails), and mbox messages inside the input.
 */
#include "scan/scan_int.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_scan *sc;
static vg_scan_ctx *cx;
static vg_scan_result res;
static vg_email_doc doc;

/* Traps unless r is a well-formed result. */
static void check(const vg_scan_result *r)
{
	if (!(r->score >= 0 && r->score <= 1) || r->nhits > VG_SCAN_MAX_HITS ||
	    r->nlinks > VG_SCAN_MAX_LINKS)
		__builtin_trap();
	vg_verdict v = r->score >= VG_SCAN_PHISHING_AT     ? VG_VERDICT_PHISHING
	               : r->score >= VG_SCAN_SUSPICIOUS_AT ? VG_VERDICT_SUSPICIOUS
	                                                   : VG_VERDICT_LEGITIMATE;
	if (v != r->verdict)
		__builtin_trap();
	json_t *o = vg_scan_result_json(r, VG_LANG_EN);
	json_t *reasons = json_object_get(o, "reasons");
	if (!o || json_array_size(reasons) != r->nhits)
		__builtin_trap();
	for (size_t i = 0; i < r->nhits; i++)
		if (r->hits[i].detail[0] &&
		    !json_is_string(json_object_get(json_array_get(reasons, i), "detail")))
			__builtin_trap();
	json_t *links = json_object_get(o, "links");
	if (json_array_size(links) != r->nlinks)
		__builtin_trap();
	for (size_t i = 0; i < r->nlinks; i++)
		if (strlen(r->links[i].host) >= VG_SCAN_HOST_MAX ||
		    !json_is_string(json_object_get(json_array_get(links, i), "host")))
			__builtin_trap();
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sc) {
		vg_err err;
		if (vg_scan_open(NULL, &sc, &err) != 0)
			__builtin_trap();
		cx = vg_scan_ctx_new(sc);
	}
	const char *s = (const char *)data;
	if (vg_scan_email(cx, s, size, &res) != 0)
		__builtin_trap(); /* the input is far below the size limit */
	check(&res);
	/* as an mbox */
	vg_mbox mb;
	const char *msg;
	size_t len, total = 0;
	vg_mbox_init(&mb, s, size);
	while (vg_mbox_next(&mb, &msg, &len) == 1) {
		if (msg < s || msg + len > s + size)
			__builtin_trap();
		total += len;
	}
	if (total > size)
		__builtin_trap();
	/* as an HTML part */
	vg_email_doc_reset(&doc);
	vg_html_to_text(&doc, s, size);
	if (doc.nanchors > VG_EMAIL_MAX_ANCHORS || doc.text.len > VG_EMAIL_TEXT_MAX + 4)
		__builtin_trap();
	for (size_t i = 0; i < doc.nanchors; i++)
		if ((size_t)doc.anchors[i].href_off + doc.anchors[i].href_len > doc.strings.len ||
		    (size_t)doc.anchors[i].text_off + doc.anchors[i].text_len > doc.strings.len)
			__builtin_trap();
	return 0;
}
