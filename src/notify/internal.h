/*
 * notify/internal.h: what the files of src/notify share.
 *
 *   encode.c   quoted-printable, RFC 2047, GSM-7
 *   message.c  settings from the config, email and SMS content
 *   plan.c     inputs -> sorted, deduplicated plan file (STATE/plan)
 *   out.c      spool, Maildir, mbox, SMTP writers
 *   journal.c  journal records
 *   notify.c   the run: plan, resume, send, journal
 */
#ifndef VIGIE_NOTIFY_INTERNAL_H
#define VIGIE_NOTIFY_INTERNAL_H

#include "vigie/notify.h"

#include <stdarg.h>
#include <stdio.h>

#define T(lang, fr, en) ((lang) == VG_LANG_EN ? (en) : (fr))

size_t nb_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * The parts of vg_notify_email_headers() that every message of a run
 * shares: pre gets the Date, From and Reply-To lines, subject the Subject
 * line. The headers of message seq are then pre, "To: ADDR\r\n", subject
 * and "Message-ID: <vigie.PLANID.SEQ@DOMAIN>\r\n" (the send loop builds
 * them so, without formatting the same lines again for every message).
 */
void nm_headers_fixed(const vg_notify_settings *s, int64_t date, vg_lang lang, vg_notify_buf *pre,
                      vg_notify_buf *subject);

/* Decimal digits of v into buf (room for 20), returns their number. */
size_t nm_u64_dec(char *buf, uint64_t v);

/* ---- plan (plan.c) ---- */

#define NP_MAGIC "VGNPLAN1"
#define NP_VERSION 1u
#define NP_HEADER_BYTES 4096

/* The plan file's header (little-endian, as laid out here). */
typedef struct np_header {
	char magic[8];
	uint32_t version, header_bytes;
	uint8_t plan_id[16];
	uint64_t count;      /* messages */
	uint64_t data_bytes; /* bytes of records after the header */
	uint64_t checksum;   /* XXH3-64 of the records */
	int64_t created;
	uint64_t inputs_hash; /* of the input names, sizes, times and the registry */
	uint32_t lang, pad;
	vg_notify_counts counts;
} np_header;

_Static_assert(sizeof(np_header) <= NP_HEADER_BYTES, "plan header fits");

/* One record: chan (1), addr_len (1), cats (2), sources (2), addr. */
#define NP_REC_FIXED 6
#define NP_ADDR_MAX 255

typedef struct np_build_opts {
	const vg_registry *reg;
	const vg_regkey *key;
	const char *dir; /* where the plan, runs and the address file go */
	const char *map;
	vg_lang lang;
	size_t memory;
	unsigned threads; /* 0: VG_NOTIFY_DEFAULT_THREADS */
	int64_t now;
	uint64_t inputs_hash;
	uint16_t special_extra; /* sources flagged special by the config */
	const volatile sig_atomic_t *stop;
	void (*progress)(void *ctx, const vg_notify_progress *p);
	void *progress_ctx;
} np_build_opts;

/* Where the time of a build went (seconds). */
typedef struct np_times {
	double read;  /* reading, lookups, records, the workers' last sorts */
	double merge; /* merging, writing and syncing the plan */
} np_times;

/* Builds DIR/plan (via DIR/plan.tmp, fsynced, renamed). times may be NULL. */
int np_build(const np_build_opts *o, const char *const *files, size_t nfiles, np_header *hdr,
             np_times *times, vg_err *err);

/* A plan file, mapped read-only and checked. */
typedef struct np_plan {
	np_header h;
	const uint8_t *map;
	size_t map_len;
} np_plan;

int np_open(const char *path, np_plan *p, vg_err *err);
void np_close(np_plan *p);

/* The hash that tells whether a state directory belongs to these inputs. */
uint64_t np_inputs_hash(const char *const *files, size_t nfiles, const vg_registry *reg,
                        vg_lang lang);

/* ---- output writers (out.c) ---- */

typedef struct nw_spool nw_spool;

/* Opens a spool at dir at the journal's position (seg, len, idx; 0 0 0 = new). */
int nw_spool_open(const char *dir, uint64_t seg, uint64_t len, uint64_t idx, nw_spool **out,
                  vg_err *err);
/* Writes the body file for key if not there yet (tmp, fsync, rename). */
int nw_spool_body(nw_spool *s, uint64_t key, const char *data, size_t n, vg_err *err);
int nw_spool_add(nw_spool *s, uint64_t seq, vg_notify_channel ch, uint64_t body_key,
                 const char *to, size_t to_len, const char *hdr, size_t hdr_len, vg_err *err);
/* Flushes and fdatasyncs; may rotate to a new segment; positions out. */
int nw_spool_sync(nw_spool *s, uint64_t *seg, uint64_t *len, uint64_t *idx, vg_err *err);
void nw_spool_close(nw_spool *s);
/* The path of segment seg, for messages. */
void nw_spool_seg_path(const nw_spool *s, char *buf, size_t cap);

#endif
