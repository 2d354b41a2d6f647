/*
 * fuzz_registry.c: arbitrary bytes as a registry file. Opening, looking up
 * and verifying must never crash, hang or read out of bounds.
 *
 * Random bytes rarely get past the header checksum, so each input is tried
 * twice: as given, and with its header checksum (and every in-bounds
 * section checksum) recomputed, which lets the fuzzer reach the section,
 * source, statistics and file record checks and verify's deep checks.
 * Oracle: when verify accepts a file, every key of every table is found by
 * lookup with its own payload, and a file that opens gives the same
 * answers through vg_registry_check's path as through lookup.
 */
#include "registry/format.h"
#include "vigie/registry.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_regkey *fuzz_key(void)
{
	static vg_regkey *k;
	if (!k) {
		uint8_t b[VG_REGKEY_BYTES] = {1, 2, 3};
		if (vg_regkey_from_bytes(b, &k) != 0)
			abort();
	}
	return k;
}

/* Opens buf[0..n) and exercises everything on it. */
static void try_one(const uint8_t *buf, size_t n)
{
	vg_registry *r = NULL;
	vg_err err;
	int rc = vg_registry_open_mem(buf, n, NULL, &r, &err);
	if (rc != 0) {
		if (rc != VG_ECORRUPT || r != NULL || err.msg[0] == '\0')
			__builtin_trap();
		return;
	}
	vg_registry_info info;
	vg_registry_get_info(r, &info);
	(void)vg_registry_get_stats(r);
	for (unsigned i = 0; i < vg_registry_source_count(r); i++)
		if (!vg_registry_source(r, i) || strlen(vg_registry_source(r, i)->name) == 0)
			__builtin_trap();
	uint64_t nf = vg_registry_file_count(r);
	for (uint64_t i = 0; i < nf && i < 64; i++) {
		vg_regfile f;
		if (vg_registry_file(r, i, &f) != 0 ||
		    !vg_registry_has_file(r, f.fingerprint, NULL))
			__builtin_trap();
	}
	/* lookups of values from the input itself, found or not */
	vg_reghit h;
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		for (size_t off = 0; off + 8 <= n && off < 512; off += 56)
			(void)vg_registry_lookup(r, (vg_idtab)t, vgr_get64(buf + off), &h);
		(void)vg_registry_lookup(r, (vg_idtab)t, 0, &h);
		(void)vg_registry_lookup(r, (vg_idtab)t, UINT64_MAX, &h);
	}
	bool verified = vg_registry_verify(r, &err) == 0;
	if (verified) {
		for (int t = 0; t < VG_IDTAB__COUNT; t++)
			for (uint64_t i = 0; i < r->n[t]; i++) {
				if (vg_registry_lookup(r, (vg_idtab)t, r->keys[t][i], &h) != 1 ||
				    h.cats != (r->pay[t][i] & 0xffff) ||
				    h.sources != (r->pay[t][i] >> 16))
					__builtin_trap();
			}
	}
	vg_registry_close(r);
	/* the same bytes with a key: its id cannot match, or the file holds it */
	rc = vg_registry_open_mem(buf, n, fuzz_key(), &r, &err);
	if (rc == 0) {
		if (vg_registry_check(r, VG_IDTAB_EMAIL, "a@b.fr", 6, &h) < 0)
			__builtin_trap();
		vg_registry_close(r);
	} else if (rc != VG_EINVAL && rc != VG_ECORRUPT) {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size, 8-aligned copy: reads past the end are still caught */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	try_one(buf, size);
	if (size >= VGR_HEADER_LEN) {
		for (unsigned i = 0; i < VGR_NSECTIONS; i++) {
			uint8_t *s = buf + VGR_HEADER_FIXED + (size_t)i * VGR_SECTION_SIZE;
			uint64_t off = vgr_get64(s + VGR_S_OFFSET),
			         len = vgr_get64(s + VGR_S_LENGTH);
			if (off <= size && len <= size - off)
				vgr_put64(s + VGR_S_CHECKSUM, vgr_checksum(buf + off, (size_t)len));
		}
		vgr_put64(buf + VGR_H_CHECKSUM, vgr_header_checksum(buf));
		try_one(buf, size);
	}
	free(buf);
	return 0;
}
