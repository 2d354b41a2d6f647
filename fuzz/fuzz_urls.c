/*
 * fuzz_urls.c: the text side of the scanner on arbitrary bytes: folding,
 * URL extraction, host analysis (libidn2, libpsl, ICU), and a whole SMS
 * scan. Checks that URLs lie inside the input in order, that hosts and
 * domains are NUL-terminated and bounded, that the registrable domain ends
 * the host, that the fold map is monotonic, and the result invariants.
 */
#include "scan/scan_int.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_scan *sc;
static vg_scan_ctx *cx;
static vg_scan_result res;
static vg_fold fold;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sc) {
		vg_err err;
		if (vg_scan_open(NULL, &sc, &err) != 0)
			__builtin_trap();
		cx = vg_scan_ctx_new(sc);
	}
	const char *s = (const char *)data;
	vg_fold_text(&fold, s, size);
	if (fold.map[fold.len] != size || strlen(fold.s) > fold.len)
		__builtin_trap();
	for (size_t i = 1; i <= fold.len; i++)
		if (fold.map[i] < fold.map[i - 1])
			__builtin_trap();
	vg_url u[VG_URL_MAX];
	size_t n = vg_url_extract(s, size, u, VG_URL_MAX), prev = 0;
	for (size_t i = 0; i < n; i++) {
		if (u[i].off < prev || u[i].off + u[i].len > size ||
		    u[i].hostlen != strlen(u[i].host) || u[i].hostlen == 0 ||
		    u[i].hostlen >= VG_SCAN_HOST_MAX)
			__builtin_trap();
		prev = u[i].off + u[i].len;
		vg_host h;
		vg_host_analyze(sc, u[i].host, u[i].hostlen, &h);
		size_t al = strnlen(h.ascii, sizeof(h.ascii)),
		       dl = strnlen(h.domain, sizeof(h.domain));
		if (al == sizeof(h.ascii) || dl == sizeof(h.domain) ||
		    strnlen(h.unicode, sizeof(h.unicode)) == sizeof(h.unicode))
			__builtin_trap();
		if (!(h.flags & (VG_HOST_INVALID | VG_HOST_IP)) &&
		    (dl > al || strcmp(h.ascii + al - dl, h.domain)))
			__builtin_trap();
		if (h.look != VG_LOOK_NONE && (h.flags & VG_HOST_OFFICIAL))
			__builtin_trap();
	}
	vg_scan_sms(cx, s, size, &res);
	if (!(res.score >= 0 && res.score <= 1) || res.nhits > VG_SCAN_MAX_HITS ||
	    res.nlinks > VG_SCAN_MAX_LINKS)
		__builtin_trap();
	json_t *o = vg_scan_result_json(&res, VG_LANG_FR);
	if (!o || json_array_size(json_object_get(o, "reasons")) != res.nhits)
		__builtin_trap();
	json_decref(o);
	return 0;
}
