/*
 * journal.c: the journal's records. STATE/journal is a sequence of
 * 128-byte records, appended after each durable batch; the last one whose
 * magic and checksum hold is the state to resume from.
 *
 * Record layout (little-endian):
 *    0  magic "VGNJ"          4  version (1)
 *    8  plan id (16 bytes)
 *   24  done, plan_off, sent, failed, main_seg, main_len, main_idx,
 *       sms_seg, sms_len, sms_idx, flags            (11 x u64)
 *  112  reserved (8 bytes, zero)
 *  120  XXH3-64 of bytes 0..120
 *
 * A kill while a record is being written leaves a short or garbled last
 * record: it is ignored and the next run truncates it away. A damaged
 * record followed by good ones is not a torn write: the journal is
 * reported corrupt rather than guessed at.
 */
#include "notify/internal.h"

#include <string.h>
#include <xxhash.h>

#define J_MAGIC "VGNJ"
#define J_VERSION 1u

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void vg_notify_journal_encode(const vg_notify_journal_rec *r,
                              uint8_t out[VG_NOTIFY_JOURNAL_REC_BYTES])
{
	memset(out, 0, VG_NOTIFY_JOURNAL_REC_BYTES);
	memcpy(out, J_MAGIC, 4);
	out[4] = (uint8_t)J_VERSION;
	memcpy(out + 8, r->plan_id, 16);
	const uint64_t v[11] = {r->done,     r->plan_off, r->sent,    r->failed,
	                        r->main_seg, r->main_len, r->main_idx, r->sms_seg,
	                        r->sms_len,  r->sms_idx,  r->flags};
	for (int i = 0; i < 11; i++)
		put64(out + 24 + 8 * i, v[i]);
	put64(out + 120, XXH3_64bits(out, 120));
}

/* Decodes one record; false when its magic, version or checksum is wrong. */
static bool decode(const uint8_t *p, vg_notify_journal_rec *r)
{
	if (memcmp(p, J_MAGIC, 4) || p[4] != J_VERSION || p[5] || p[6] || p[7])
		return false;
	if (get64(p + 120) != XXH3_64bits(p, 120))
		return false;
	memcpy(r->plan_id, p + 8, 16);
	uint64_t v[11];
	for (int i = 0; i < 11; i++)
		v[i] = get64(p + 24 + 8 * i);
	r->done = v[0];
	r->plan_off = v[1];
	r->sent = v[2];
	r->failed = v[3];
	r->main_seg = v[4];
	r->main_len = v[5];
	r->main_idx = v[6];
	r->sms_seg = v[7];
	r->sms_len = v[8];
	r->sms_idx = v[9];
	r->flags = v[10];
	return true;
}

int vg_notify_journal_parse(const void *buf, size_t len, vg_notify_journal_rec *last,
                            size_t *valid)
{
	const uint8_t *p = buf;
	size_t n = len / VG_NOTIFY_JOURNAL_REC_BYTES;
	bool have = false;
	*valid = 0;
	for (size_t i = 0; i < n; i++) {
		vg_notify_journal_rec r;
		if (!decode(p + i * VG_NOTIFY_JOURNAL_REC_BYTES, &r)) {
			/* only the very last record may be torn */
			if (i + 1 == n && len % VG_NOTIFY_JOURNAL_REC_BYTES == 0)
				break;
			return VG_ECORRUPT;
		}
		if (have && (memcmp(r.plan_id, last->plan_id, 16) || r.done < last->done ||
		             r.plan_off < last->plan_off))
			return VG_ECORRUPT;
		*last = r;
		have = true;
		*valid = (i + 1) * VG_NOTIFY_JOURNAL_REC_BYTES;
	}
	return have ? 1 : 0;
}
