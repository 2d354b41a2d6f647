/* fuzz_pwned_line.c: the password-list / HIBP line parser and the NTLM
 * UTF-16 conversion on arbitrary bytes, with the invariants they promise. */
#include "vigie/pwned.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks one line under every kind. */
static void one_line(const char *s, size_t n)
{
	static const vg_pwned_list kinds[] = {VG_PWNED_LIST_PLAIN, VG_PWNED_LIST_PLAIN_RAW,
	                                      VG_PWNED_LIST_HIBP_SHA1, VG_PWNED_LIST_HIBP_NTLM};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		vg_pwned_line l;
		const vg_reason *why = vg_pwned_parse_line(kinds[k], s, n, &l);
		if (why) {
			if (!why->code || !why->fr || !why->en)
				__builtin_trap();
			continue;
		}
		if (l.count == 0)
			__builtin_trap();
		if (kinds[k] == VG_PWNED_LIST_PLAIN || kinds[k] == VG_PWNED_LIST_PLAIN_RAW) {
			/* a slice of the line, within the limits, no control byte */
			if (l.pw < s || l.pw + l.pw_len > s + n || l.pw_len == 0 ||
			    l.pw_len > VG_PWNED_MAX_PASSWORD)
				__builtin_trap();
			for (size_t i = 0; i < l.pw_len; i++)
				if ((unsigned char)l.pw[i] < 0x20 || l.pw[i] == 0x7F)
					__builtin_trap();
			if (kinds[k] == VG_PWNED_LIST_PLAIN_RAW && (l.pw_len != n || l.count != 1))
				__builtin_trap();
			uint8_t h[VG_PWNED_HASH_MAX];
			vg_pwned_sha1(l.pw, l.pw_len, h);
			int rc = vg_pwned_ntlm(l.pw, l.pw_len, h);
			if (rc != 0 && rc != VG_EINVAL)
				__builtin_trap();
		} else {
			/* a hash line re-reads the same way as detected */
			vg_pwned_list d = vg_pwned_detect(s, n);
			if (d != kinds[k])
				__builtin_trap();
		}
	}
	uint32_t p;
	if (vg_pwned_prefix_parse(s, n, &p) && (n != 5 || p >= VG_PWNED_PREFIXES))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *e = s + size;
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(e - s);
		one_line(s, n);
		s += n + (nl != NULL);
	}
	return 0;
}
