/*
 * fuzz_notify_journal.c: the notify journal reader on arbitrary bytes
 * (vg_notify_journal_parse()), and, as a second use of the same bytes, the
 * GSM-7 segment counter.
 *
 * Invariants: the valid length is a multiple of the record size and within
 * the input; a record read back re-encodes to the same bytes; the plan
 * offset and the count never go backwards (the reader refuses otherwise);
 * segment counts are consistent with the units.
 */
#include "vigie/notify.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_notify_journal_rec last;
	size_t valid = 0;
	int rc = vg_notify_journal_parse(data, size, &last, &valid);
	check(rc == 0 || rc == 1 || rc == VG_ECORRUPT);
	if (rc == 1) {
		check(valid % VG_NOTIFY_JOURNAL_REC_BYTES == 0 && valid <= size && valid > 0);
		uint8_t enc[VG_NOTIFY_JOURNAL_REC_BYTES];
		vg_notify_journal_encode(&last, enc);
		check(memcmp(enc, data + valid - VG_NOTIFY_JOURNAL_REC_BYTES, sizeof(enc)) == 0);
	}
	vg_sms_count c;
	if (vg_sms_segments((const char *)data, size, &c) == 0) {
		size_t per = c.encoding == VG_SMS_GSM7 ? 153 : 67;
		size_t single = c.encoding == VG_SMS_GSM7 ? 160 : 70;
		check(c.segments >= 1);
		check(c.units <= single ? c.segments == 1 : c.segments >= (c.units + per - 1) / per);
		check(c.segments <= c.units / (per - 1) + 2);
	}
	return 0;
}
