/* fuzz_password_range.c: Have I Been Pwned range bodies (from a disk or a
 * server: untrusted), searched for the suffix of SHA-1("password"); and the
 * same bytes as a password for libzxcvbn and the feedback. */
#include "vigie/password.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t sha1[VG_SHA1_LEN];
	static int ready;
	if (!ready) {
		vg_password_sha1("password", 8, sha1);
		ready = 1;
	}
	uint64_t count = 1;
	vg_err err = {0};
	int rc = vg_password_range_find((const char *)data, size, sha1, &count, &err);
	if (rc != 0 && (rc != VG_ECORRUPT || count != 0))
		__builtin_trap();

	vg_pw_strength s;
	rc = vg_password_strength((const char *)data, size, &s, &err);
	if (rc == 0 && (s.score < 0 || s.score > 4 || s.score != vg_password_score(s.guesses) ||
	                s.feedback.nsuggestions > VG_PW_SUGGESTIONS_MAX))
		__builtin_trap();
	if (rc != 0 && rc != VG_EINVAL && rc != VG_ETOOBIG)
		__builtin_trap();
	return 0;
}
