/*
 * fuzz_attest.c: the attestation verifier on arbitrary bytes (JSON parsing,
 * base64, canonical re-serialization, signature check), then the public key
 * reader and the identifier masking on the same bytes.
 *
 * Invariants: the verifier answers one of its documented codes, with a
 * message; it only accepts a document of the known type and version (a
 * forged one needs the test key's signature); a masked identifier stays in
 * its buffer and is NUL-terminated.
 */
#include "vigie/attest.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* The public key of tests/data/attest/test.key (seed 00 01 ... 1f), which
 * signed the seed corpus's valid attestations. */
static const char test_pub[] = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pk[VG_ATTEST_PK_BYTES];
	static bool have;
	if (!have) {
		check(vg_attest_pubkey_parse(test_pub, strlen(test_pub), pk, NULL) == 0);
		have = true;
	}
	vg_err err = {0};
	json_t *doc = NULL;
	int rc = vg_attest_verify((const char *)data, size, pk, &doc, &err);
	check(rc == 0 || rc == VG_EINVAL || rc == VG_ECORRUPT || rc == VG_ETOOBIG);
	check(rc == 0 || (err.code == rc && err.msg[0]));
	if (rc == 0) {
		check(doc != NULL);
		check(!strcmp(json_string_value(json_object_get(doc, "type")),
		              "vigie-exposure-attestation"));
		check(json_integer_value(json_object_get(doc, "version")) == 1);
		/* its canonical form is stable */
		size_t n1, n2;
		char *c1 = vg_attest_canonical(doc, &n1);
		json_t *again = json_loadb(c1, n1, 0, NULL);
		char *c2 = vg_attest_canonical(again, &n2);
		check(n1 == n2 && !memcmp(c1, c2, n1));
		free(c1);
		free(c2);
		json_decref(again);
	} else {
		check(doc == NULL);
	}
	json_decref(doc);

	uint8_t k[VG_ATTEST_PK_BYTES];
	rc = vg_attest_pubkey_parse((const char *)data, size, k, &err);
	check(rc == 0 || rc == VG_EINVAL);

	char m[VG_ATTEST_MASK_MAX];
	for (int t = VG_IDTAB_EMAIL; t <= VG_IDTAB_NIR; t++) {
		size_t n = vg_attest_mask((vg_idtab)t, (const char *)data, size, m);
		check(n < VG_ATTEST_MASK_MAX && m[n] == '\0' && strlen(m) == n);
	}
	return 0;
}
